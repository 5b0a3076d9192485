/**
 * The objection pages (数据异议) of every area, one component in four modes:
 * - issuer: the queue of objections to the department's licenses, by answer deadline (overdue
 *   ones marked), a drawer to accept (a small form of the objected fields, prefilled with the
 *   proposed or current values) or reject with a reason;
 * - coordinator: the escalated objections, decided finally in the same drawer;
 * - consumer / enterprise: the objector's own, with escalation of a rejected one and more evidence.
 * Evidence files download from the drawer (the session cookie authorises the GET).
 */
import { App as AntApp, Alert, Button, Descriptions, Drawer, Flex, Form, Grid, Input, Radio, Select, Tag, Typography } from 'antd';
import { useInfiniteQuery, useQuery } from '@tanstack/react-query';
import { useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { $api, answer, platform, queryClient } from '../../app/api.ts';
import { formatDate, formatInstant } from '../../app/format.ts';
import { currentLanguage } from '../../app/i18n.ts';
import { EmptyText } from '../EmptyText.tsx';
import { bodyFields, problemOnField, type FieldPath } from '../forms/problemOnField.ts';
import { TEXT_MAX } from '../forms/rules.ts';
import { fieldTitle, standardOf, type LicenseTypeStandard } from '../licenseTypes/standard.ts';
import { DataTable, type DataColumn } from '../lists/DataTable.tsx';
import { who } from '../who.ts';
import { useLicenseFields } from './fields.ts';
import {
  decideObjection,
  escalateObjection,
  evidenceUrl,
  objectionProblem,
  objectionQuery,
  OBJECTIONS,
  type ListQuery,
  uploadEvidence,
  MAX_EVIDENCE_BYTES,
  type Objection,
  type ObjectionStatus,
} from './objections.ts';

export type ObjectionMode = 'issuer' | 'coordinator' | 'consumer' | 'enterprise';

// Readable at 4.5:1 on their backgrounds.
const LOOK: Record<ObjectionStatus | 'overdue', { color: string; background: string; borderColor: string }> = {
  submitted: { color: '#0958d9', background: '#e6f4ff', borderColor: '#91caff' },
  accepted: { color: '#135200', background: '#f6ffed', borderColor: '#b7eb8f' },
  rejected: { color: '#5c0011', background: '#fff1f0', borderColor: '#ffa39e' },
  escalated: { color: '#873800', background: '#fff7e6', borderColor: '#ffd591' },
  overdue: { color: '#a8071a', background: '#fff1f0', borderColor: '#ffa39e' },
};

const QUERY: Record<ObjectionMode, ListQuery> = {
  issuer: { role: 'issuer' },
  coordinator: {},
  consumer: { role: 'objector' },
  enterprise: {},
};

// An export reads the platform's largest pages, up to EXPORT_MAX objections (a narrower filter gets the rest).
const EXPORT_PAGE = 200;
/** A page of the list as shown: the first answers at once, more when the clerk asks. */
const LIST_PAGE = 50;
const EXPORT_MAX = 20_000;

function show(value: unknown): string {
  if (value === null || value === undefined || value === '') return '—';
  return typeof value === 'object' ? JSON.stringify(value) : String(value);
}

export function StatusTag({ objection }: { objection: Objection }) {
  const { t } = useTranslation('objections');
  return (
    <Flex gap={4} wrap>
      <Tag style={LOOK[objection.status]} data-objection-status={objection.status}>
        {t(`statuses.${objection.status}`)}
        {objection.final ? ` · ${t('final')}` : ''}
      </Tag>
      {objection.overdue ? (
        <Tag style={LOOK.overdue} data-overdue="true">
          {t('overdue')}
        </Tag>
      ) : null}
    </Flex>
  );
}

/** The objected fields by their titles in the standard. */
function FieldNames({ type, names }: { type: string; names: string[] }) {
  const fields = useLicenseFields(type);
  return <>{names.map((n) => fields.title(n)).join('、')}</>;
}

function DecisionForm({ objection, final, onDone }: { objection: Objection; final: boolean; onDone: (o: Objection) => void }) {
  const { t } = useTranslation('objections');
  const { message } = AntApp.useApp();
  const [form] = Form.useForm<{ decision: 'accept' | 'reject'; reason?: string; data?: Record<string, string> }>();
  const decision = Form.useWatch('decision', form);
  const fields = useLicenseFields(objection.licenseType);
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  // The issuer and the coordination office read the license's current data (to prefill and compare); without it, nothing is prefilled.
  const license = $api.useQuery('get', '/api/v1/licenses/{identifier}', { params: { path: { identifier: objection.licenseIdentifier } } });
  const current: Record<string, unknown> | undefined = license.data?.data ?? (license.isError ? {} : undefined);
  const initial = Object.fromEntries(objection.fields.map((name) => [name, show(objection.proposed?.[name] ?? current?.[name]).replace(/^—$/, '')]));
  const submit = async (values: { decision: 'accept' | 'reject'; reason?: string; data?: Record<string, string> }) => {
    setBusy(true);
    setError(undefined);
    try {
      const data = values.decision === 'accept' ? Object.fromEntries(objection.fields.map((name) => [name, values.data?.[name]?.trim() ?? ''])) : undefined;
      const updated = await decideObjection(objection.id, { decision: values.decision, ...(values.reason?.trim() ? { reason: values.reason.trim() } : {}), ...(data ? { data } : {}) });
      message.success(t('decide.done'));
      onDone(updated);
    } catch (e) {
      // The platform's reason under the field it names: the decision, the reason, a corrected value
      // shown (an accept's); anything else (nothing changes, a field not objected to) in the alert.
      const text = objectionProblem(e, t);
      const corrected: Record<string, FieldPath> = values.decision === 'accept' ? Object.fromEntries(objection.fields.map((name) => [`/data/${name}`, ['data', name]])) : {};
      if (!problemOnField(form, e, text, { ...bodyFields('decision', 'reason'), ...corrected })) setError(text);
    } finally {
      setBusy(false);
    }
  };
  if (current === undefined) return null;
  return (
    <div data-testid="objection-decide">
      <Typography.Title level={2} style={{ fontSize: 16 }}>
        {final ? t('decide.finalTitle') : t('decide.title')}
      </Typography.Title>
      <Form form={form} layout="vertical" name={`decide-${objection.id}`} initialValues={{ decision: 'accept', data: initial }} onFinish={(v) => void submit(v)}>
        <Form.Item name="decision" label={t('decide.decision')}>
          <Radio.Group
            options={[
              { value: 'accept', label: t('decide.accept') },
              { value: 'reject', label: t('decide.reject') },
            ]}
          />
        </Form.Item>
        {decision !== 'reject'
          ? objection.fields.map((name) => (
              <Form.Item
                key={name}
                name={['data', name]}
                label={fields.title(name)}
                extra={t('decide.current', { value: show(current[name]) })}
                rules={[{ required: true, whitespace: true, message: t('decide.valueRequired') }]}
              >
                <Input maxLength={500} data-correct-field={name} />
              </Form.Item>
            ))
          : null}
        <Form.Item
          name="reason"
          label={t('decide.reason')}
          rules={decision === 'reject' ? [{ required: true, whitespace: true, message: t('decide.reasonRequired') }, { max: TEXT_MAX.objectionReason }] : [{ max: TEXT_MAX.objectionReason }]}
        >
          <Input.TextArea rows={2} maxLength={TEXT_MAX.objectionReason} />
        </Form.Item>
        {error ? <Alert type="error" showIcon title={error} style={{ marginBottom: 12 }} data-testid="objection-error" /> : null}
        <Button type="primary" htmlType="submit" loading={busy}>
          {t('decide.submit')}
        </Button>
      </Form>
    </div>
  );
}

function EscalationForm({ objection, onDone }: { objection: Objection; onDone: (o: Objection) => void }) {
  const { t } = useTranslation('objections');
  const { message } = AntApp.useApp();
  const [form] = Form.useForm<{ reason: string }>();
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const submit = async ({ reason }: { reason: string }) => {
    setBusy(true);
    setError(undefined);
    try {
      const updated = await escalateObjection(objection.id, reason.trim());
      message.success(t('escalate.done'));
      onDone(updated);
    } catch (e) {
      const text = objectionProblem(e, t);
      if (!problemOnField(form, e, text, bodyFields('reason'))) setError(text);
    } finally {
      setBusy(false);
    }
  };
  return (
    <div data-testid="objection-escalate">
      <Typography.Title level={2} style={{ fontSize: 16 }}>
        {t('escalate.action')}
      </Typography.Title>
      <Typography.Paragraph type="secondary">{t('escalate.once')}</Typography.Paragraph>
      <Form form={form} layout="vertical" name={`escalate-${objection.id}`} onFinish={(v: { reason: string }) => void submit(v)}>
        <Form.Item name="reason" label={t('escalate.reason')} rules={[{ required: true, whitespace: true, message: t('escalate.reasonRequired') }, { max: TEXT_MAX.objectionReason }]}>
          <Input.TextArea rows={2} maxLength={TEXT_MAX.objectionReason} />
        </Form.Item>
        {error ? <Alert type="error" showIcon title={error} style={{ marginBottom: 12 }} /> : null}
        <Button type="primary" htmlType="submit" loading={busy}>
          {t('escalate.submit')}
        </Button>
      </Form>
    </div>
  );
}

function ObjectionDrawer({ id, mode, onClose, onChanged }: { id: string; mode: ObjectionMode; onClose: () => void; onChanged: () => void }) {
  const { t } = useTranslation('objections');
  const { message } = AntApp.useApp();
  const language = currentLanguage();
  const screens = Grid.useBreakpoint();
  const one = objectionQuery(id);
  const { data: objection, error: loadError } = useQuery(one);
  const error = loadError ? objectionProblem(loadError, t) : undefined;
  const fields = useLicenseFields(objection?.licenseType);
  const changed = (updated: Objection) => {
    queryClient.setQueryData(one.queryKey, updated);
    onChanged();
  };
  const addFile = async (file: File | undefined) => {
    if (!file || !objection) return;
    if (file.size > MAX_EVIDENCE_BYTES) {
      message.error(t('form.fileTooBig'));
      return;
    }
    try {
      await uploadEvidence(objection.id, file);
      message.success(t('evidenceAdded'));
      await queryClient.invalidateQueries({ queryKey: one.queryKey });
      onChanged();
    } catch (e) {
      message.error(objectionProblem(e, t));
    }
  };
  const o = objection;
  const objector = mode === 'consumer' || mode === 'enterprise';
  const items = o
    ? [
        { key: 'license', label: t('list.license'), children: <span className="cb-break">{o.licenseIdentifier}</span> },
        { key: 'holder', label: t('list.holder'), children: o.holderCode },
        { key: 'objector', label: t('list.objector'), children: o.objector.kind === 'holder' ? t('list.holderObjector') : (o.objector.department ?? '—') },
        { key: 'fields', label: t('list.fields'), children: o.fields.map((f) => fields.title(f)).join('、') },
        { key: 'status', label: t('list.status'), children: <StatusTag objection={o} /> },
        { key: 'submitted', label: t('list.submitted'), children: formatInstant(o.submittedAt, language) },
        {
          key: 'due',
          label: t('list.due'),
          children: (
            <>
              {formatDate(o.dueDate, language)}
              {o.answeredOnTime !== null ? ` · ${o.answeredOnTime ? t('detail.answeredOnTime') : t('detail.answeredLate')}` : ''}
            </>
          ),
        },
        { key: 'reason', label: t('detail.reason'), children: <span style={{ whiteSpace: 'pre-wrap' }}>{o.reason}</span> },
        ...(o.evidenceText ? [{ key: 'evidenceText', label: t('detail.evidenceText'), children: <span style={{ whiteSpace: 'pre-wrap' }}>{o.evidenceText}</span> }] : []),
        ...(o.proposed
          ? [{ key: 'proposed', label: t('detail.proposed'), children: Object.entries(o.proposed).map(([name, value]) => <div key={name}>{`${fields.title(name)}：${show(value)}`}</div>) }]
          : []),
        {
          key: 'evidence',
          label: t('detail.evidence'),
          children:
            o.evidence.length === 0 ? (
              <EmptyText>{t('detail.noEvidence')}</EmptyText>
            ) : (
              o.evidence.map((e) => (
                <div key={e.n} data-evidence={e.n}>
                  <a href={evidenceUrl(o.id, e.n)} download={e.name} style={{ textDecoration: 'underline' }}>
                    {t('detail.download')} {e.name}
                  </a>{' '}
                  <Typography.Text type="secondary" style={{ fontSize: 12 }} className="cb-break">
                    ({Math.ceil(e.size / 1024)} KB · {t('detail.sha256')} <span data-sha256={e.sha256}>{e.sha256}</span>)
                  </Typography.Text>
                </div>
              ))
            ),
        },
        ...(o.escalation
          ? [{ key: 'escalation', label: t('detail.escalation'), children: o.escalation.kind === 'overdue' ? t('detail.escalationOverdue') : `${formatInstant(o.escalation.at, language)} · ${o.escalation.reason ?? ''}` }]
          : []),
        ...(o.decision
          ? [
              {
                key: 'decision',
                label: t('detail.decision'),
                children: (
                  <span data-testid="objection-decision">
                    {`${t(`statuses.${o.status}`)} · ${who(o.decision.decidedBy, o.decision.decidedByName)} · ${formatInstant(o.decision.decidedAt, language)}${o.decision.reason ? ` · ${o.decision.reason}` : ''}`}
                    {o.amendment ? ` · ${t('detail.amendment', { version: o.amendment.version })}` : ''}
                  </span>
                ),
              },
            ]
          : []),
      ]
    : [];
  return (
    <Drawer open onClose={onClose} title={t('detail.title')} size={screens.md ? 640 : '100vw'} destroyOnHidden>
      {error ? <Alert type="error" showIcon title={error} /> : null}
      {o ? (
        <Flex vertical gap={16}>
          <Descriptions column={1} bordered size="small" items={items} layout={screens.sm ? 'horizontal' : 'vertical'} styles={{ label: { width: screens.sm ? 120 : undefined } }} />
          {mode === 'issuer' && o.status === 'submitted' ? <DecisionForm objection={o} final={false} onDone={changed} /> : null}
          {mode === 'coordinator' && o.status === 'escalated' ? <DecisionForm objection={o} final onDone={changed} /> : null}
          {objector && o.status === 'rejected' && !o.final && !o.escalation ? <EscalationForm objection={o} onDone={changed} /> : null}
          {objector && !o.final && o.status !== 'accepted' ? (
            <div>
              <label htmlFor="objection-more-evidence">{t('addEvidence')}</label>{' '}
              <input id="objection-more-evidence" type="file" onChange={(e) => void addFile(e.target.files?.[0])} />
            </div>
          ) : null}
          {o.history && o.history.length > 0 ? (
            <div>
              <Typography.Title level={2} style={{ fontSize: 16 }}>
                {t('detail.history')}
              </Typography.Title>
              {o.history.map((h, i) => (
                <div key={i}>
                  {formatInstant(h.at, language)} · {t(`detail.events.${h.event}`, { defaultValue: h.event })} · {who(h.actor, h.actorName)}
                  {h.reason ? ` · ${h.reason}` : ''}
                </div>
              ))}
            </div>
          ) : null}
        </Flex>
      ) : null}
    </Drawer>
  );
}

/** The page of an area (its title, intro, a status filter, the table and the drawer). */
export default function ObjectionsPage({ mode }: { mode: ObjectionMode }) {
  const { t } = useTranslation('objections');
  const language = currentLanguage();
  const [status, setStatus] = useState<ObjectionStatus | undefined>(mode === 'coordinator' ? 'escalated' : undefined);
  const [open, setOpen] = useState<string>();
  // Page after page, as the clerk asks for more (the platform answers at most 200 at a time).
  const list = useInfiniteQuery({
    queryKey: [...OBJECTIONS, { ...QUERY[mode], status }],
    queryFn: ({ pageParam, signal }) => answer(platform.GET('/api/v1/objections', { params: { query: { ...QUERY[mode], status, cursor: pageParam, limit: LIST_PAGE } }, signal })),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (page) => page.nextCursor ?? undefined,
  });
  const items = useMemo(() => list.data?.pages.flatMap((page) => page.items), [list.data]);
  const error = list.error ? objectionProblem(list.error, t) : undefined;
  const reload = () => void queryClient.invalidateQueries({ queryKey: OBJECTIONS });
  // The export: every objection under the filter, with the fields named by their types' standards.
  const standards = useRef(new Map<string, LicenseTypeStandard>());
  const allUnderFilter = async () => {
    const rows: Objection[] = [];
    let cursor: string | undefined;
    do {
      const page = await answer(platform.GET('/api/v1/objections', { params: { query: { ...QUERY[mode], status, cursor, limit: EXPORT_PAGE } } }));
      rows.push(...page.items);
      cursor = page.nextCursor ?? undefined;
    } while (cursor && rows.length < EXPORT_MAX);
    for (const type of new Set(rows.map((o) => o.licenseType))) if (!standards.current.has(type)) standards.current.set(type, await standardOf(type));
    return rows;
  };
  const statusText = (o: Objection) => `${t(`statuses.${o.status}`)}${o.final ? ` · ${t('final')}` : ''}${o.overdue ? ` · ${t('overdue')}` : ''}`;
  const columns: DataColumn<Objection>[] = [
    {
      key: 'license',
      title: t('list.holder'),
      exportValue: (o) => o.holderCode,
      render: (_, o) => (
        <>
          <div className="cb-code">{o.holderCode}</div>
          <Typography.Text type="secondary" style={{ fontSize: 12 }} className="cb-break">
            {o.licenseIdentifier}
          </Typography.Text>
        </>
      ),
    },
    {
      key: 'fields',
      title: t('list.fields'),
      render: (_, o) => <FieldNames type={o.licenseType} names={o.fields} />,
      exportValue: (o) => o.fields.map((name) => fieldTitle(standards.current.get(o.licenseType), name, language)).join('、'),
    },
    { key: 'status', title: t('list.status'), render: (_, o) => <StatusTag objection={o} />, exportValue: statusText },
    {
      key: 'due',
      title: t('list.due'),
      exportValue: (o) => formatDate(o.dueDate, language),
      render: (_, o) => <span style={o.overdue ? { color: LOOK.overdue.color, fontWeight: 600 } : undefined}>{formatDate(o.dueDate, language)}</span>,
    },
    { key: 'submitted', title: t('list.submitted'), responsive: ['lg'], render: (_, o) => formatInstant(o.submittedAt, language), exportValue: (o) => formatInstant(o.submittedAt, language) },
    {
      key: 'open',
      title: t('list.actions'),
      render: (_, o) => (
        <Button size="small" onClick={() => setOpen(o.id)} data-open-objection={o.id}>
          {t('list.open')}
        </Button>
      ),
    },
  ];
  return (
    <>
      <Typography.Title level={1} style={{ fontSize: 22, marginTop: 0 }}>
        {t(`pages.${mode}.title`)}
      </Typography.Title>
      <Typography.Paragraph type="secondary">{t(`pages.${mode}.intro`)}</Typography.Paragraph>
      <Select
        aria-label={t('list.status')}
        style={{ width: 200, marginBottom: 12 }}
        value={status ?? ''}
        onChange={(v: string) => setStatus(v === '' ? undefined : (v as ObjectionStatus))}
        options={[{ value: '', label: t('list.all') }, ...(['submitted', 'accepted', 'rejected', 'escalated'] as const).map((s) => ({ value: s, label: t(`statuses.${s}`) }))]}
      />
      {error ? <Alert type="error" showIcon title={error} style={{ marginBottom: 12 }} /> : null}
      <DataTable<Objection>
        listName={t('list.listName')}
        listKey="objections"
        aria-label={t(`pages.${mode}.title`)}
        // Counted once every page is here; before that the list says how many it has loaded.
        total={list.hasNextPage ? null : (items?.length ?? 0)}
        toolbar={list.hasNextPage ? <Typography.Text type="secondary">{t('list.loaded', { count: items?.length ?? 0 })}</Typography.Text> : undefined}
        // Until every page is here the pager says how many are loaded, not a total it does not know.
        pagination={list.hasNextPage ? { showTotal: (n) => t('list.loaded', { count: n }) } : undefined}
        exportRows={allUnderFilter}
        rowKey="id"
        size="small"
        loading={items === undefined && !error}
        dataSource={items ?? []}
        columns={columns}
        scroll={{ x: true }}
        rowClassName={(o) => (o.overdue ? 'cb-overdue' : '')}
        locale={{ emptyText: <EmptyText>{t('list.empty')}</EmptyText> }}
        data-testid="objections-table"
      />
      {list.hasNextPage ? (
        <Button onClick={() => void list.fetchNextPage()} loading={list.isFetchingNextPage} style={{ marginTop: 12 }}>
          {t('list.more')}
        </Button>
      ) : null}
      {open ? <ObjectionDrawer id={open} mode={mode} onClose={() => setOpen(undefined)} onChanged={reload} /> : null}
    </>
  );
}
