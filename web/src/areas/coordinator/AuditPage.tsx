/**
 * 审计日志: search the log (GET /api/v1/audit/entries with its filters, newest first, paged), and
 * check any entry's inclusion proof in the page: the proof (GET /api/v1/audit/proofs/inclusion) in
 * the newest signed tree head (GET /api/v1/audit/tree-head), whose signature is checked with the
 * log key (/.well-known/jwks.json) — all recomputed with WebCrypto (web/src/shared/merkleProof.ts).
 */
import type { Answer } from '@certbridge/client';
import { Alert, Button, Card, DatePicker, Descriptions, Flex, Form, Grid, Input, Select, Tag, Typography } from 'antd';
import type { Dayjs } from 'dayjs';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { $api, answer, platform, queryClient, REFERENCE_DATA } from '../../app/api.ts';
import { formatInstant } from '../../app/format.ts';
import { currentLanguage } from '../../app/i18n.ts';
import { DataTable, type DataColumn } from '../../shared/lists/DataTable.tsx';
import { checkInclusion, type Jwks, type ProofCheck } from '../../shared/merkleProof.ts';
import { EmptyText, sharingProblem, useDepartments, usePurposes } from '../consumer/sharing.tsx';
import { who } from '../../shared/who.ts';

/** What the page reads of a log entry (the API gives it as an open object: its fields vary with its type). */
interface Entry {
  type?: string;
  subject?: string;
  actor?: string;
  at?: string;
  data?: Record<string, unknown>;
}

type EntryView = Omit<Answer<'/api/v1/audit/entries'>['items'][number], 'entry'> & { entry: Entry };

interface Filters {
  type?: string;
  department?: string;
  holder?: string;
  purpose?: string;
  outcome?: string;
  from?: Dayjs;
  to?: Dayjs;
}

const OUTCOMES = ['allowed', 'denied', 'not-found', 'rate-limited', 'invalid', 'error'];
const PAGE = 50;
// An export reads the platform's largest pages, up to EXPORT_MAX entries (a narrower filter gets the rest).
const EXPORT_PAGE = 500;
const EXPORT_MAX = 20_000;

/** The log key, once per session (kept in the query cache). */
const logKeys = async () => (await queryClient.fetchQuery($api.queryOptions('get', '/.well-known/jwks.json', {}, REFERENCE_DATA))) as Jwks;

/** Checks one entry against the newest signed tree head, in this browser. */
async function checkEntry(view: EntryView): Promise<ProofCheck & { treeSize: number }> {
  const treeHead = await answer(platform.GET('/api/v1/audit/tree-head'));
  const proof = await answer(platform.GET('/api/v1/audit/proofs/inclusion', { params: { query: { index: view.index, treeSize: treeHead.treeSize } } }));
  const check = await checkInclusion({ entry: view.entry, leafHash: proof.leafHash, proof, treeHead, jwks: await logKeys() });
  return { ...check, treeSize: treeHead.treeSize };
}

const str = (v: unknown) => (typeof v === 'string' ? v : undefined);

/** The name of an entry type or outcome in the console's language (its code for one the console does not know, from an older log). */
const named = (names: Record<string, string>, code: string | undefined) => (code ? (names[code] ?? code) : '—');

export default function AuditPage() {
  const { t } = useTranslation('coordinator');
  const screens = Grid.useBreakpoint();
  const language = currentLanguage();
  const purposes = usePurposes();
  const { list: departments, nameOf } = useDepartments();
  const [form] = Form.useForm<Filters>();
  const [items, setItems] = useState<EntryView[]>();
  const [next, setNext] = useState<number | null>(null);
  const [query, setQuery] = useState<Record<string, string | undefined>>({});
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<string>();
  const [checks, setChecks] = useState<Record<number, (ProofCheck & { treeSize: number }) | 'checking' | { error: string }>>({});

  // Entry types and outcomes are codes in the log; the clerk reads their names (every type the server writes has one).
  const typeNames = t('audit.entryTypes', { returnObjects: true }) as Record<string, string>;
  const outcomeNames = t('audit.outcomes', { returnObjects: true }) as Record<string, string>;

  const load = async (q: Record<string, string | undefined>, before?: number) => {
    setLoading(true);
    setError(undefined);
    try {
      const page = await answer(platform.GET('/api/v1/audit/entries', { params: { query: { ...q, before, limit: PAGE } } }));
      const views = page.items as EntryView[];
      setItems((current) => (before ? [...(current ?? []), ...views] : views));
      setNext(page.next);
    } catch (e) {
      setError(sharingProblem(e, t));
    } finally {
      setLoading(false);
    }
  };

  // The export: every entry under the search, the platform's largest page at a time.
  const allUnderSearch = async () => {
    const rows: EntryView[] = [];
    let before: number | undefined;
    do {
      const page = await answer(platform.GET('/api/v1/audit/entries', { params: { query: { ...query, before, limit: EXPORT_PAGE } } }));
      rows.push(...(page.items as EntryView[]));
      before = page.next ?? undefined;
    } while (before && rows.length < EXPORT_MAX);
    return rows;
  };

  const search = (f: Filters) => {
    const q = {
      type: f.type,
      department: f.department,
      holder: f.holder?.trim().toUpperCase() || undefined,
      purpose: f.purpose,
      outcome: f.outcome,
      from: f.from?.startOf('day').toISOString(),
      to: f.to?.endOf('day').toISOString(),
    };
    setQuery(q);
    setChecks({});
    void load(q);
  };

  const check = async (view: EntryView) => {
    setChecks((c) => ({ ...c, [view.index]: 'checking' }));
    try {
      const result = await checkEntry(view);
      setChecks((c) => ({ ...c, [view.index]: result }));
    } catch (e) {
      setChecks((c) => ({ ...c, [view.index]: { error: sharingProblem(e, t) } }));
    }
  };

  const proofCell = (view: EntryView) => {
    const c = checks[view.index];
    if (c === 'checking') return <Button size="small" loading>{t('audit.checking')}</Button>;
    if (c && 'error' in c) return <Typography.Text type="danger">{c.error}</Typography.Text>;
    if (c)
      return (
        <Tag data-testid={`proof-${view.index}`} data-valid={String(c.valid)} style={{ color: c.valid ? '#135200' : '#820014', borderColor: c.valid ? '#95de64' : '#ff7875', background: c.valid ? '#f6ffed' : '#fff1f0' }}>
          {c.valid ? t('audit.valid') : `${t('audit.invalid')}：${t(`audit.failures.${c.failure}`)}`}
        </Tag>
      );
    return (
      <Button size="small" onClick={() => void check(view)}>
        {t('audit.check')}
      </Button>
    );
  };

  const department = (v: EntryView) => (str(v.entry.data?.department) ? nameOf(str(v.entry.data?.department)!) : '—');
  const columns: DataColumn<EntryView>[] = [
    { key: 'index', title: t('audit.columns.index'), dataIndex: 'index', width: 80 },
    { key: 'at', title: t('audit.columns.at'), render: (_, v) => (v.entry.at ? formatInstant(v.entry.at, language) : '—'), exportValue: (v) => (v.entry.at ? formatInstant(v.entry.at, language) : undefined), responsive: ['md'] },
    { key: 'type', title: t('audit.columns.type'), render: (_, v) => <span data-entry-type={v.entry.type}>{named(typeNames, v.entry.type)}</span>, exportValue: (v) => named(typeNames, v.entry.type) },
    { key: 'actor', title: t('audit.columns.actor'), render: (_, v) => who(v.entry.actor ?? null, v.actorName), exportValue: (v) => who(v.entry.actor ?? null, v.actorName), responsive: ['lg'] },
    { key: 'department', title: t('audit.columns.department'), render: (_, v) => department(v), exportValue: department, responsive: ['xl'] },
    { key: 'holder', title: t('audit.columns.holder'), render: (_, v) => str(v.entry.data?.holderCode) ?? '—', exportValue: (v) => str(v.entry.data?.holderCode), responsive: ['xl'] },
    { key: 'outcome', title: t('audit.columns.outcome'), render: (_, v) => named(outcomeNames, str(v.entry.data?.outcome)), exportValue: (v) => named(outcomeNames, str(v.entry.data?.outcome)), responsive: ['lg'] },
    { key: 'proof', title: t('audit.columns.proof'), render: (_, v) => proofCell(v) },
  ];

  return (
    <>
      <Typography.Title level={1} style={{ fontSize: 22, marginTop: 0 }}>
        {t('audit.title')}
      </Typography.Title>
      <Card style={{ marginBottom: 16 }}>
        <Form form={form} layout="vertical" onFinish={search}>
          <Flex gap={12} wrap>
            <Form.Item name="type" label={t('audit.filters.type')} style={{ minWidth: 220 }}>
              <Select allowClear placeholder={t('audit.filters.any')} showSearch={{ optionFilterProp: 'label' }} options={Object.entries(typeNames).map(([value, label]) => ({ value, label }))} />
            </Form.Item>
            <Form.Item name="department" label={t('audit.filters.department')} style={{ minWidth: 220 }}>
              <Select allowClear showSearch={{ optionFilterProp: 'label' }} placeholder={t('audit.filters.any')} options={departments.map((d) => ({ value: d.code, label: language === 'en' ? d.nameEn : d.name }))} />
            </Form.Item>
            <Form.Item name="holder" label={t('audit.filters.holder')}>
              <Input allowClear maxLength={18} style={{ width: 220 }} />
            </Form.Item>
            <Form.Item name="purpose" label={t('audit.filters.purpose')} style={{ minWidth: 180 }}>
              <Select allowClear placeholder={t('audit.filters.any')} options={purposes.map((p) => ({ value: p.code, label: language === 'en' ? p.nameEn : p.name }))} />
            </Form.Item>
            <Form.Item name="outcome" label={t('audit.filters.outcome')} style={{ minWidth: 140 }}>
              <Select allowClear placeholder={t('audit.filters.any')} options={OUTCOMES.map((o) => ({ value: o, label: named(outcomeNames, o) }))} />
            </Form.Item>
            <Form.Item name="from" label={t('audit.filters.from')}>
              <DatePicker />
            </Form.Item>
            <Form.Item name="to" label={t('audit.filters.to')}>
              <DatePicker />
            </Form.Item>
          </Flex>
          <Flex gap={12}>
            <Button type="primary" htmlType="submit" loading={loading && !items}>
              {t('audit.search')}
            </Button>
            <Button
              onClick={() => {
                form.resetFields();
                search({});
              }}
            >
              {t('audit.reset')}
            </Button>
          </Flex>
        </Form>
      </Card>
      {error ? <Alert type="error" showIcon title={error} style={{ marginBottom: 16 }} /> : null}
      {items ? (
        <>
          <DataTable<EntryView>
            listName={t('audit.listName')}
            listKey="audit"
            aria-label={t('audit.tableLabel')}
            // The platform does not count the log: the total once every entry of the search is loaded.
            total={next ? null : items.length}
            exportRows={allUnderSearch}
            toolbar={next ? <Typography.Text type="secondary">{t('audit.loaded', { count: items.length })}</Typography.Text> : undefined}
            rowKey="index"
            size={screens.md ? 'middle' : 'small'}
            loading={loading}
            columns={columns}
            dataSource={items}
            scroll={{ x: 'max-content' }}
            pagination={next ? { showTotal: (n) => t('audit.loaded', { count: n }) } : undefined}
            locale={{ emptyText: <EmptyText>{t('audit.empty')}</EmptyText> }}
            expandable={{ expandedRowRender: (v) => <EntryDetail view={v} check={checks[v.index]} /> }}
          />
          {next ? (
            <Button style={{ marginTop: 12 }} onClick={() => void load(query, next)} loading={loading}>
              {t('audit.more')}
            </Button>
          ) : null}
        </>
      ) : null}
    </>
  );
}

function EntryDetail({ view, check }: { view: EntryView; check: (ProofCheck & { treeSize: number }) | 'checking' | { error: string } | undefined }) {
  const { t } = useTranslation('coordinator');
  const hash = (h: string | undefined) => (h ? <Typography.Text code style={{ wordBreak: 'break-all', fontSize: 12 }}>{h}</Typography.Text> : '—');
  return (
    <Flex vertical gap={12}>
      <div>
        <Typography.Text strong>{t('audit.detail')}</Typography.Text>
        <pre style={{ whiteSpace: 'pre-wrap', wordBreak: 'break-all', fontSize: 12, background: '#fafafa', padding: 8, margin: 0 }}>{JSON.stringify(view.entry, null, 2)}</pre>
      </div>
      {check && check !== 'checking' && !('error' in check) ? (
        <div>
          <Typography.Text strong>{t('audit.proofDetail')}</Typography.Text>
          <Typography.Paragraph type="secondary" style={{ marginBottom: 8 }}>
            {t('audit.proofExplain')}
          </Typography.Paragraph>
          <Descriptions column={1} size="small" bordered>
            <Descriptions.Item label={t('audit.leafHash')}>{hash(check.leafHash)}</Descriptions.Item>
            <Descriptions.Item label={t('audit.computedRoot')}>{hash(check.computedRoot)}</Descriptions.Item>
            <Descriptions.Item label={t('audit.rootHash')}>{hash(check.rootHash)}</Descriptions.Item>
            <Descriptions.Item label={t('audit.treeSize')}>{check.treeSize}</Descriptions.Item>
            <Descriptions.Item label={t('audit.signature')}>{t(`audit.signatures.${check.signature}`)}</Descriptions.Item>
          </Descriptions>
        </div>
      ) : null}
    </Flex>
  );
}
