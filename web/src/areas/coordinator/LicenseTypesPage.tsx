/**
 * 证照类型 / License types (docs/license-types.md): the types the platform serves with their
 * versions (drafts included, for the coordination office), and the editor where the office drafts
 * a type as its JSON definition — starting from scratch or from a published one —, validates it
 * (the platform's every error shown on the line of the document its JSON pointer names), previews
 * it (the printed license and the issue form generated from its data schema, with sample data) and
 * publishes it (every process serves it within a second).
 */
import { CheckCircleOutlined, CloudUploadOutlined, EyeOutlined } from '@ant-design/icons';
import type { Answer } from '@certbridge/client';
import { App as AntApp, Alert, Button, Card, Flex, Input, List, Select, Table, Tabs, Tag, Typography } from 'antd';
import { useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { $api, answer, ApiError, platform, problemMessage, queryClient, REFERENCE_DATA } from '../../app/api.ts';
import { formatInstant } from '../../app/format.ts';
import { currentLanguage } from '../../app/i18n.ts';
import { LicenseDataForm, type LicenseData } from '../../shared/licenseTypes/LicenseDataForm.tsx';
import { PrintedLicense } from '../../shared/licenseTypes/PrintedLicense.tsx';
import { typeName, type LicenseTypeDefinition, type LicenseTypeStandard } from '../../shared/licenseTypes/standard.ts';
import { lineOf, pointerLines } from './jsonPointers.ts';

type VersionView = Answer<'/api/v1/license-types', 'post'>;

/** After a draft or a publication: the types, their versions and their standards load again. */
const invalidateLicenseTypes = () =>
  queryClient.invalidateQueries({ predicate: ({ queryKey }) => typeof queryKey[1] === 'string' && /^\/api\/v1\/(standards\/)?license-types/.test(queryKey[1]) });

interface DefinitionError {
  pointer: string;
  message: string;
  line?: number;
}

/** Sample data for the preview: a list's first value, today for a date, the field's title for a text. */
function sampleData(standard: LicenseTypeStandard): LicenseData {
  const today = new Date().toLocaleDateString('sv-SE', { timeZone: 'Asia/Shanghai' });
  const data: LicenseData = {};
  for (const [name, field] of Object.entries(standard.dataSchema.properties)) {
    const examples = field.examples as unknown[] | undefined;
    if (examples?.length) data[name] = examples[0];
    else if (field.enum?.length) data[name] = field.enum[0];
    else if (field.format === 'date') data[name] = today;
    else if (field.type === 'string' || (Array.isArray(field.type) && field.type.includes('string'))) data[name] = `（${field.title ?? name}）`;
  }
  return data;
}

function Versions({ typeKey }: { typeKey: string }) {
  const { t } = useTranslation('coordinator');
  const language = currentLanguage();
  const { data, isPending } = $api.useQuery('get', '/api/v1/license-types/{key}', { params: { path: { key: typeKey } } });
  return (
    <List
      size="small"
      loading={isPending}
      dataSource={data?.history ?? []}
      renderItem={(v) => (
        <List.Item data-version={`${v.key}@${v.version}`}>
          <Flex gap={8} wrap>
            <Typography.Text strong>{v.version}</Typography.Text>
            <Tag color={v.status === 'published' ? 'green' : 'default'}>{t(`licenseTypes.statuses.${v.status}`)}</Tag>
            <Typography.Text type="secondary">{v.publishedAt ? t('licenseTypes.publishedAt', { at: formatInstant(v.publishedAt, language) }) : t('licenseTypes.draftedAt', { at: formatInstant(v.createdAt, language) })}</Typography.Text>
          </Flex>
        </List.Item>
      )}
    />
  );
}

export default function LicenseTypesPage() {
  const { t } = useTranslation('coordinator');
  const { message } = AntApp.useApp();
  const language = currentLanguage();
  const { data: types = [] } = $api.useQuery('get', '/api/v1/license-types', {}, REFERENCE_DATA);
  const [text, setText] = useState('');
  const [errors, setErrors] = useState<DefinitionError[]>();
  const [problem, setProblem] = useState<string>();
  const [drafted, setDrafted] = useState<VersionView>();
  const [preview, setPreview] = useState<LicenseTypeStandard>();
  const [sample, setSample] = useState<LicenseData>({});
  const [busy, setBusy] = useState<'validate' | 'publish' | 'load'>();
  const editor = useRef<HTMLTextAreaElement>(null);
  const lines = useMemo(() => pointerLines(text), [text]);

  const parsed = (): LicenseTypeDefinition | undefined => {
    try {
      return JSON.parse(text) as LicenseTypeDefinition;
    } catch (e) {
      setErrors([{ pointer: '', message: t('licenseTypes.notJson', { detail: (e as Error).message }) }]);
      return undefined;
    }
  };

  const startFrom = async (key: string) => {
    setBusy('load');
    try {
      const { current: _current, history: _history, ...definition } = await answer(platform.GET('/api/v1/license-types/{key}', { params: { path: { key } } }));
      setText(JSON.stringify(definition, null, 2));
      setErrors(undefined);
      setDrafted(undefined);
      setPreview(undefined);
    } catch (e) {
      setProblem(problemMessage(e, t));
    } finally {
      setBusy(undefined);
    }
  };

  const validate = async () => {
    setProblem(undefined);
    setDrafted(undefined);
    setPreview(undefined);
    const doc = parsed();
    if (!doc) return;
    setBusy('validate');
    try {
      const view = await answer(platform.POST('/api/v1/license-types', { body: doc }));
      setErrors([]);
      setDrafted(view);
      // The preview is the platform's own reading of the draft (its display defaults applied there).
      const { standard } = await answer(platform.GET('/api/v1/license-types/{key}/versions/{version}', { params: { path: { key: view.key, version: view.version } } }));
      setPreview(standard);
      setSample(sampleData(standard));
      void invalidateLicenseTypes();
    } catch (e) {
      const found = e instanceof ApiError ? (e.problem as { errors?: DefinitionError[] }).errors : undefined;
      if (found?.length) setErrors(found);
      else setProblem(problemMessage(e, t));
    } finally {
      setBusy(undefined);
    }
  };

  const publish = async () => {
    if (!drafted) return;
    setBusy('publish');
    setProblem(undefined);
    try {
      const view = await answer(platform.POST('/api/v1/license-types/{key}/versions/{version}/publish', { params: { path: { key: drafted.key, version: drafted.version } } }));
      setDrafted(view);
      await invalidateLicenseTypes();
      void message.success(t('licenseTypes.published', { name: view.name, version: view.version }));
    } catch (e) {
      setProblem(problemMessage(e, t));
    } finally {
      setBusy(undefined);
    }
  };

  /** Selects the line in the editor, for an error. */
  const goTo = (line: number | undefined) => {
    const area = editor.current;
    if (!area || line === undefined) return;
    const starts = [0];
    for (let i = 0; i < text.length; i++) if (text[i] === '\n') starts.push(i + 1);
    area.focus();
    area.setSelectionRange(starts[line - 1] ?? 0, (starts[line] ?? text.length + 1) - 1);
  };

  const located = (errors ?? []).map((e) => ({ ...e, line: lineOf(lines, e.pointer) }));

  return (
    <>
      <Typography.Title level={1} style={{ fontSize: 22, marginTop: 0 }}>
        {t('licenseTypes.title')}
      </Typography.Title>
      <Typography.Paragraph type="secondary">{t('licenseTypes.intro')}</Typography.Paragraph>

      <Card title={<h2 style={{ margin: 0, fontSize: 16 }}>{t('licenseTypes.served')}</h2>} style={{ marginBottom: 16 }}>
        <Table
          rowKey="key"
          size="small"
          pagination={false}
          dataSource={types}
          aria-label={t('licenseTypes.served')}
          scroll={{ x: 'max-content' }}
          expandable={{ expandedRowRender: (type) => <Versions typeKey={type.key} /> }}
          columns={[
            { title: t('licenseTypes.columns.name'), key: 'name', render: (_: unknown, type) => typeName(type, language) },
            { title: t('licenseTypes.columns.key'), dataIndex: 'key', render: (key: string) => <Typography.Text code className="cb-code">{key}</Typography.Text> },
            { title: t('licenseTypes.columns.version'), dataIndex: 'version' },
            { title: t('licenseTypes.columns.typeCode'), dataIndex: 'typeCode', render: (code: string) => <span style={{ fontFamily: 'monospace' }}>{code}</span> },
            { title: t('licenseTypes.columns.publishedAt'), dataIndex: 'publishedAt', render: (at: string | null) => (at ? formatInstant(at, language) : '—') },
          ]}
        />
      </Card>

      <Card title={<h2 style={{ margin: 0, fontSize: 16 }}>{t('licenseTypes.draft')}</h2>} style={{ marginBottom: 16 }}>
        <Typography.Paragraph type="secondary">{t('licenseTypes.draftHelp')}</Typography.Paragraph>
        <Flex gap={8} wrap align="center" style={{ marginBottom: 12 }}>
          <Select
            aria-label={t('licenseTypes.startFrom')}
            placeholder={t('licenseTypes.startFrom')}
            style={{ minWidth: 240 }}
            loading={busy === 'load'}
            value={null}
            options={types.map((type) => ({ value: type.key, label: typeName(type, language) }))}
            onChange={(key: string) => void startFrom(key)}
          />
        </Flex>
        <label htmlFor="type-definition" style={{ display: 'block', fontWeight: 600, marginBottom: 4 }}>
          {t('licenseTypes.definition')}
        </label>
        <Input.TextArea
          id="type-definition"
          ref={(instance) => {
            editor.current = instance?.resizableTextArea?.textArea ?? null;
          }}
          value={text}
          onChange={(event) => {
            setText(event.target.value);
            setDrafted(undefined);
          }}
          autoSize={{ minRows: 12, maxRows: 30 }}
          spellCheck={false}
          style={{ fontFamily: 'monospace', fontSize: 13 }}
          status={located.length > 0 ? 'error' : undefined}
        />
        <Flex gap={8} wrap style={{ marginTop: 12 }}>
          <Button type="primary" icon={<CheckCircleOutlined />} loading={busy === 'validate'} disabled={!text.trim()} onClick={() => void validate()}>
            {t('licenseTypes.validate')}
          </Button>
          <Button icon={<CloudUploadOutlined />} loading={busy === 'publish'} disabled={!drafted || drafted.status === 'published'} onClick={() => void publish()}>
            {t('licenseTypes.publish')}
          </Button>
        </Flex>
        {problem ? <Alert type="error" showIcon title={problem} style={{ marginTop: 12 }} role="alert" /> : null}
        {located.length > 0 ? (
          <Alert
            type="error"
            showIcon
            role="alert"
            style={{ marginTop: 12 }}
            title={t('licenseTypes.errors', { count: located.length })}
            description={
              <ul style={{ margin: 0, paddingInlineStart: 18 }} data-testid="definition-errors">
                {located.map((e, n) => (
                  <li key={n} data-pointer={e.pointer}>
                    <Button type="link" size="small" style={{ padding: 0, height: 'auto' }} onClick={() => goTo(e.line)}>
                      {e.line !== undefined ? t('licenseTypes.line', { line: e.line }) : t('licenseTypes.document')}
                    </Button>{' '}
                    <Typography.Text code>{e.pointer || '/'}</Typography.Text> <span className="cb-break">{e.message}</span>
                  </li>
                ))}
              </ul>
            }
          />
        ) : null}
        {drafted ? (
          <Alert
            type="success"
            showIcon
            style={{ marginTop: 12 }}
            data-testid="draft-status"
            title={drafted.status === 'published' ? t('licenseTypes.isPublished', { name: drafted.name, version: drafted.version }) : t('licenseTypes.isDraft', { name: drafted.name, version: drafted.version })}
          />
        ) : null}
      </Card>

      {preview ? (
        <Card title={<h2 style={{ margin: 0, fontSize: 16 }}>{t('licenseTypes.preview')}</h2>} extra={<EyeOutlined aria-hidden />}>
          <Typography.Paragraph type="secondary">{t('licenseTypes.previewHelp')}</Typography.Paragraph>
          <Tabs
            items={[
              { key: 'printed', label: t('licenseTypes.previewPrinted'), children: <PrintedLicense standard={preview} license={{ holder: { code: t('licenseTypes.sampleHolder') }, data: sample }} /> },
              {
                key: 'form',
                label: t('licenseTypes.previewForm'),
                children: <LicenseDataForm id="preview-form" standard={preview} formData={sample} onChange={setSample} onSubmit={setSample} />,
              },
            ]}
          />
        </Card>
      ) : null}
    </>
  );
}
