/**
 * 批量导入: a department's export file (CSV, JSON, NDJSON, XML) uploaded to POST
 * /api/v1/licenses/imports (the body is the file), then the job polled until it is over: a progress
 * bar (the upload, then the rows), the summary, and the report of rejected rows to download.
 */
import { DownloadOutlined, FileTextOutlined, InboxOutlined } from '@ant-design/icons';
import { Alert, Button, Card, Checkbox, Col, Flex, Form, Progress, Row, Select, Skeleton, Statistic, Table, Typography, Upload } from 'antd';
import type { Answer } from '@certbridge/client';
import { useCallback, useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { $api, answer, ApiError, platform, type Problem } from '../../app/api.ts';
import { formatInstant } from '../../app/format.ts';
import { currentLanguage } from '../../app/i18n.ts';
import { who } from '../../shared/who.ts';
import { typeName } from '../../shared/licenseTypes/standard.ts';
import { holderCodeTitle } from '../../shared/licenseTypes/standard.ts';
import { EmptyText, fieldTitle, invalidateLicenses, issuerProblem, useIssuableTypes, useStandard } from './shared.tsx';

/** The platform's bound on an upload (src/licenses/import/importJobs.ts IMPORT_MAX_BYTES). */
const MAX_BYTES = 32 * 1024 * 1024;
const MAX_MB = MAX_BYTES / 1024 / 1024;
const POLL_MS = 500;

const MEDIA_TYPES: Record<string, string> = {
  csv: 'text/csv',
  json: 'application/json',
  ndjson: 'application/x-ndjson',
  jsonl: 'application/x-ndjson',
  xml: 'application/xml',
};
const extensionOf = (name: string) => /\.([A-Za-z]+)$/.exec(name)?.[1]?.toLowerCase() ?? '';

type ImportJob = Answer<'/api/v1/licenses/imports/{id}'>;

type Phase = { kind: 'idle' } | { kind: 'uploading'; percent: number } | { kind: 'importing'; job: ImportJob } | { kind: 'done'; job: ImportJob };

const size = (bytes: number) => (bytes < 1024 * 1024 ? `${Math.max(1, Math.round(bytes / 1024))} KB` : `${(bytes / 1024 / 1024).toFixed(1)} MB`);

/** POSTs the file with the session's CSRF token, reporting the upload's progress (fetch cannot). */
async function sendFile(file: File, query: URLSearchParams, onProgress: (percent: number) => void): Promise<ImportJob> {
  const { csrfToken } = await answer(platform.GET('/api/v1/session'));
  return new Promise<ImportJob>((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', `/api/v1/licenses/imports?${query.toString()}`);
    xhr.setRequestHeader('content-type', MEDIA_TYPES[extensionOf(file.name)] ?? 'application/octet-stream');
    xhr.setRequestHeader('accept', 'application/json, application/problem+json');
    xhr.setRequestHeader('x-csrf-token', csrfToken);
    xhr.upload.onprogress = (event) => {
      if (event.lengthComputable) onProgress(Math.floor((event.loaded * 100) / event.total));
    };
    xhr.onload = () => {
      let body: unknown;
      try {
        body = JSON.parse(xhr.responseText);
      } catch {
        body = undefined;
      }
      if (xhr.status === 202) resolve(body as ImportJob);
      else {
        const problem = body && typeof body === 'object' ? (body as Partial<Problem>) : {};
        reject(new ApiError({ ...problem, status: xhr.status, title: problem.title ?? xhr.statusText }));
      }
    };
    xhr.onerror = () => reject(new ApiError({ status: 0, code: 'network-error' }));
    xhr.send(file);
  });
}

function Summary({ job }: { job: ImportJob }) {
  const { t } = useTranslation('issuer');
  const items = ['rows', 'issued', 'alreadyIssued', 'rejected', 'warnings'] as const;
  return (
    <Row gutter={[16, 16]} style={{ margin: '16px 0' }}>
      {items.map((name) => (
        <Col xs={12} sm={8} md={4} key={name} style={{ minWidth: 120 }}>
          <div data-count={name}>
            <Statistic title={t(`import.summary.${name}`)} value={job[name]} styles={name === 'rejected' && job.rejected > 0 ? { content: { color: '#a8071a' } } : undefined} />
          </div>
        </Col>
      ))}
    </Row>
  );
}

function RecentImports() {
  const { t } = useTranslation('issuer');
  const language = currentLanguage();
  const { data: jobs, error } = $api.useQuery('get', '/api/v1/licenses/imports', {});
  if (error) return <Alert type="warning" showIcon title={issuerProblem(error, t)} />;
  return (
    <Table<ImportJob>
      rowKey="id"
      size="small"
      loading={!jobs}
      dataSource={jobs ?? []}
      pagination={false}
      scroll={{ x: 'max-content' }}
      locale={{ emptyText: <EmptyText>{t('import.recentEmpty')}</EmptyText> }}
      columns={[
        { title: t('import.columns.fileName'), dataIndex: 'fileName', render: (name: string) => <span className="cb-break">{name}</span> },
        { title: t('import.columns.createdAt'), dataIndex: 'createdAt', render: (at: string) => formatInstant(at, language) },
        { title: t('import.columns.createdBy'), key: 'createdBy', render: (_, job) => who(job.createdBy, job.createdByName) },
        { title: t('import.columns.status'), dataIndex: 'status', render: (status: ImportJob['status']) => t(`import.statuses.${status}`) },
        { title: t('import.columns.rows'), dataIndex: 'rows', align: 'right' },
        { title: t('import.columns.issued'), dataIndex: 'issued', align: 'right' },
        { title: t('import.columns.rejected'), dataIndex: 'rejected', align: 'right' },
        {
          title: t('import.columns.report'),
          dataIndex: 'reportUrl',
          render: (url: string | null, job) =>
            url ? (
              <a href={url} download aria-label={`${t('import.download')}（${job.fileName}） CSV`}>
                <DownloadOutlined aria-hidden /> CSV
              </a>
            ) : (
              '—'
            ),
        },
      ]}
    />
  );
}

export default function ImportPage() {
  const { t } = useTranslation('issuer');
  const language = currentLanguage();
  const types = useIssuableTypes();
  const [chosen, setChosen] = useState<string>();
  const type = chosen ?? types?.[0]?.key;
  const standard = useStandard(type);
  const [file, setFile] = useState<File>();
  const [legacy, setLegacy] = useState(false);
  const [phase, setPhase] = useState<Phase>({ kind: 'idle' });
  const [error, setError] = useState<string>();
  const live = useRef(true);
  useEffect(() => {
    live.current = true;
    return () => {
      live.current = false;
    };
  }, []);

  // The holder's code column (creditCode for types held under credit codes), holderName when the
  // type's data does not carry the holder's name, then the type's fields (docs/license-types.md).
  const holderColumns = standard ? [standard.holder.codeTypes.every((c) => c === 'uscc') ? 'creditCode' : 'holderCode', ...(standard.holder.nameField ? [] : ['holderName'])] : [];
  const columns = [...holderColumns, ...(standard ? Object.keys(standard.dataSchema.properties) : [])];

  // What a column means, for the clerk: the field's title, or the holder's code and name.
  // Only called with the standard loaded (the columns come from it).
  const columnTitle = (name: string, of: NonNullable<typeof standard>) =>
    name === 'creditCode' || name === 'holderCode' ? holderCodeTitle(of, language) : name === 'holderName' ? t('import.holderName') : fieldTitle(of, name, language);

  const downloadTemplate = () => {
    const blob = new Blob([`\uFEFF${columns.join(',')}\n`], { type: 'text/csv;charset=utf-8' });
    const url = URL.createObjectURL(blob);
    const a = document.createElement('a');
    a.href = url;
    a.download = `${type}-template.csv`;
    a.click();
    setTimeout(() => URL.revokeObjectURL(url), 1000);
  };

  const poll = useCallback(async (id: string) => {
    for (;;) {
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
      if (!live.current) return;
      const job = await answer(platform.GET('/api/v1/licenses/imports/{id}', { params: { path: { id } } }));
      if (!live.current) return;
      if (job.status !== 'running') {
        setPhase({ kind: 'done', job });
        // The recent imports, and the registry the import added to, load again.
        void invalidateLicenses();
        return;
      }
      setPhase({ kind: 'importing', job });
    }
  }, []);

  const start = async () => {
    if (!file || !type) {
      setError(t('import.chooseFirst'));
      return;
    }
    setError(undefined);
    setPhase({ kind: 'uploading', percent: 0 });
    const query = new URLSearchParams({ type, fileName: file.name });
    const extension = extensionOf(file.name);
    query.set('format', extension === 'jsonl' ? 'ndjson' : extension);
    if (legacy) query.set('acceptLegacyCodes', 'true');
    try {
      const job = await sendFile(file, query, (percent) => live.current && setPhase({ kind: 'uploading', percent }));
      if (!live.current) return;
      setPhase({ kind: 'importing', job });
      await poll(job.id);
    } catch (e) {
      if (!live.current) return;
      setError(issuerProblem(e, t));
      setPhase({ kind: 'idle' });
    }
  };

  const job = phase.kind === 'importing' || phase.kind === 'done' ? phase.job : undefined;
  const percent =
    phase.kind === 'uploading' ? phase.percent : job ? (job.status === 'running' ? Math.min(99, Math.floor((job.bytesRead * 100) / Math.max(job.totalBytes, 1))) : 100) : 0;
  const phaseText = phase.kind === 'uploading' ? t('import.uploading') : phase.kind === 'importing' ? t('import.importing') : job?.status === 'failed' ? t('import.failed') : t('import.finished');

  return (
    <>
      <Typography.Title level={1} style={{ fontSize: 22, marginTop: 0 }}>
        {t('import.title')}
      </Typography.Title>
      <Typography.Paragraph type="secondary">{t('import.intro')}</Typography.Paragraph>
      <Card style={{ marginBottom: 16 }}>
        {phase.kind === 'idle' ? (
          <>
            <Form layout="vertical" component="div">
              <Form.Item label={t('import.type')} htmlFor="import-type" style={{ maxWidth: 360 }}>
                <Select
                  id="import-type"
                  value={type}
                  loading={types === undefined}
                  notFoundContent={t('issue.noTypes')}
                  options={(types ?? []).map((x) => ({ value: x.key, label: typeName(x, language) }))}
                  onChange={(key: string) => setChosen(key)}
                />
              </Form.Item>
            </Form>
            <Alert
              type="info"
              showIcon
              style={{ marginBottom: 16 }}
              title={
                <span className="cb-break">
                  {t('import.columnsHelp')}
                  {standard ? (
                    columns.map((name, i) => (
                      <span key={name}>
                        {i > 0 ? '，' : ''}
                        <code className="cb-code">{name}</code>（{columnTitle(name, standard)}）
                      </span>
                    ))
                  ) : (
                    // The columns (the holder's code among them) are named once the type's standard has loaded.
                    <span data-testid="import-columns-loading" aria-busy="true">
                      <Skeleton.Input active size="small" />
                    </span>
                  )}
                  。{t('import.datesHelp')}
                </span>
              }
              action={
                <Button size="small" icon={<FileTextOutlined />} onClick={downloadTemplate} disabled={!standard}>
                  {t('import.template')}
                </Button>
              }
            />
            <Upload.Dragger
              accept=".csv,.json,.ndjson,.jsonl,.xml"
              multiple={false}
              maxCount={1}
              showUploadList={false}
              beforeUpload={(chosen) => {
                setError(undefined);
                if (!MEDIA_TYPES[extensionOf(chosen.name)]) setError(t('import.wrongType'));
                else if (chosen.size > MAX_BYTES) setError(t('import.tooLarge', { size: MAX_MB }));
                else setFile(chosen);
                return false;
              }}
            >
              <p className="ant-upload-drag-icon">
                <InboxOutlined aria-hidden />
              </p>
              <p className="ant-upload-text">{t('import.drop')}</p>
              <p className="ant-upload-hint" style={{ color: '#595959' }}>
                {t('import.dropHint', { size: MAX_MB })}
              </p>
            </Upload.Dragger>
            {file ? (
              <Typography.Paragraph style={{ marginTop: 12 }} data-chosen-file>
                {t('import.chosen', { name: file.name, size: size(file.size) })}
              </Typography.Paragraph>
            ) : null}
            <Flex justify="space-between" align="center" gap={12} wrap style={{ marginTop: 12 }}>
              <Checkbox checked={legacy} onChange={(e) => setLegacy(e.target.checked)}>
                {t('import.legacy')}
              </Checkbox>
              <Button type="primary" onClick={() => void start()} disabled={!file}>
                {t('import.start')}
              </Button>
            </Flex>
          </>
        ) : (
          <div aria-live="polite">
            <Typography.Title level={2} style={{ fontSize: 18, marginTop: 0 }} data-phase={phase.kind === 'done' ? job?.status : phase.kind}>
              {phaseText}
              {job ? <Typography.Text type="secondary" style={{ fontSize: 14, fontWeight: 'normal' }}>{` · ${job.fileName}`}</Typography.Text> : null}
            </Typography.Title>
            {job ? (
              <Typography.Paragraph type="secondary" data-started-by>
                {t('import.startedBy', { actor: who(job.createdBy, job.createdByName) })}
              </Typography.Paragraph>
            ) : null}
            <Progress
              percent={percent}
              status={job?.status === 'failed' ? 'exception' : phase.kind === 'done' ? 'success' : 'active'}
              aria-label={t('import.progressLabel')}
            />
            {job ? <Summary job={job} /> : null}
            {job?.error ? <Alert type="error" showIcon title={job.error} style={{ marginBottom: 16 }} /> : null}
            {phase.kind === 'done' ? (
              <Flex gap={12} wrap align="center">
                {job?.reportUrl ? (
                  <>
                    <Button type="primary" href={job.reportUrl} download icon={<DownloadOutlined />} data-report>
                      {t('import.download')}
                    </Button>
                    <Typography.Text type="secondary">{t('import.reportHelp')}</Typography.Text>
                  </>
                ) : (
                  <Typography.Text>{t('import.noReport')}</Typography.Text>
                )}
                <Button
                  onClick={() => {
                    setFile(undefined);
                    setPhase({ kind: 'idle' });
                  }}
                >
                  {t('import.another')}
                </Button>
              </Flex>
            ) : null}
          </div>
        )}
        {error ? <Alert type="error" showIcon title={error} style={{ marginTop: 16 }} role="alert" /> : null}
      </Card>
      <Card title={t('import.recent')}>
        <RecentImports />
      </Card>
    </>
  );
}
