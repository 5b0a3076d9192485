/**
 * 数据质量: the quality dashboard (GET /api/v1/quality/scores: overall and per dimension for a
 * month, the six-month trend as an ECharts line, per license type) and the findings
 * (GET /api/v1/quality/findings, filters, the note on uniqueness and consistency findings through
 * POST /api/v1/quality/findings/{id}/note; a department's report is suspected until the issuer
 * confirms it, POST …/confirm, and the issuer dismisses one reporter's reports at once,
 * POST /api/v1/quality/reports/dismissals). The issuer sees its own department; the coordination
 * office picks a department (or all) on the same pages, and sees the reporting departments with
 * the flagged first (GET /api/v1/quality/reporters).
 */
import { App as AntApp, Alert, Button, Card, DatePicker, Flex, Form, Input, Modal, Select, Space, Statistic, Table, Tag, Typography } from 'antd';
import dayjs from 'dayjs';
import { lazy, Suspense, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, problemMessage } from '../../app/api.ts';
import { formatInstant } from '../../app/format.ts';
import { currentLanguage, registerMessages } from '../../app/i18n.ts';
import { EmptyText } from '../EmptyText.tsx';
import { typeName, useLicenseTypes } from '../licenseTypes/standard.ts';
import { qualityMessages } from './messages.ts';

registerMessages('quality', qualityMessages);

const EChart = lazy(() => import('../EChart.tsx').then((m) => ({ default: m.EChart })));

const DIMENSIONS = ['completeness', 'validity', 'consistency', 'timeliness', 'uniqueness'] as const;
type Dimension = (typeof DIMENSIONS)[number];

interface ScoreRow {
  department: string;
  licenseType: string;
  score: number;
  dimensions: Record<Dimension, number>;
  licenses: number;
  openFindings: number;
}
interface ScoreBoard {
  month: string;
  score: number | null;
  dimensions: Record<Dimension, number> | null;
  licenses: number;
  openFindings: number;
  byType: ScoreRow[];
  trend: { month: string; score: number | null }[];
}
interface Finding {
  id: number;
  identifier: string;
  holderCode: string;
  dimension: Dimension;
  severity: 'error' | 'warning';
  message: { 'zh-CN': string; en: string };
  status: Status;
  detectedAt: string;
  note: string | null;
  reportedBy: string | null;
  explainable: boolean;
  confirmable: boolean;
}
const STATUSES = ['suspected', 'open', 'resolved', 'explained', 'dismissed'] as const;
type Status = (typeof STATUSES)[number];

interface Reporter {
  department: string;
  name: string | null;
  reports: number;
  mismatching: number;
  dismissed: number;
  findings: Record<'suspected' | 'open' | 'resolved' | 'dismissed' | 'explained', number>;
  lastReportAt: string | null;
  flagged: boolean;
}

/** The coordination office's department selector (all departments, or one). */
type Department = { code: string; name: string; nameEn: string };

/** The registry of departments (the coordination office's pages), to name them rather than show their codes. */
function useDepartments(): Department[] {
  const [departments, setDepartments] = useState<Department[]>([]);
  useEffect(() => {
    api<Department[]>('/api/v1/departments').then(setDepartments, () => setDepartments([]));
  }, []);
  return departments;
}

/** A department's name in the console's language, its code until the registry has loaded. */
const departmentName = (departments: Department[], code: string, language: string): string => {
  const d = departments.find((x) => x.code === code);
  return d ? (language === 'en' ? d.nameEn : d.name) : code;
};

function DepartmentSelect({ value, onChange, departments }: { value: string | undefined; onChange: (v: string | undefined) => void; departments: Department[] }) {
  const { t } = useTranslation('quality');
  const en = currentLanguage() === 'en';
  return (
    <Select
      aria-label={t('department')}
      style={{ minWidth: 220, maxWidth: '100%' }}
      value={value ?? ''}
      onChange={(v) => onChange(v || undefined)}
      options={[{ value: '', label: t('allDepartments') }, ...departments.map((d) => ({ value: d.code, label: en ? d.nameEn : d.name }))]}
    />
  );
}

export function QualityDashboard({ selectDepartment = false }: { selectDepartment?: boolean }) {
  const { t } = useTranslation('quality');
  const [month, setMonth] = useState(dayjs().format('YYYY-MM'));
  const [department, setDepartment] = useState<string>();
  const [board, setBoard] = useState<ScoreBoard>();
  const types = useLicenseTypes();
  const departments = useDepartments();
  const language = currentLanguage();
  const [error, setError] = useState<string>();
  useEffect(() => {
    const controller = new AbortController();
    api<ScoreBoard>('/api/v1/quality/scores', { query: { month, department }, signal: controller.signal }).then(
      (b) => {
        setBoard(b);
        setError(undefined);
      },
      (e: unknown) => !controller.signal.aborted && setError(problemMessage(e, t)),
    );
    return () => controller.abort();
  }, [month, department, t]);
  return (
    <Flex vertical gap="middle">
      <Typography.Title level={2}>{t('dashboard.title')}</Typography.Title>
      <Typography.Paragraph type="secondary">{t('dashboard.intro')}</Typography.Paragraph>
      <Space wrap>
        {selectDepartment && <DepartmentSelect value={department} onChange={setDepartment} departments={departments} />}
        <DatePicker picker="month" aria-label={t('month')} allowClear={false} value={dayjs(`${month}-01`)} onChange={(d) => d && setMonth(d.format('YYYY-MM'))} />
      </Space>
      {error && <Alert type="error" showIcon title={error} />}
      {board && (
        <>
          {board.score === null ? (
            <Alert type="info" showIcon title={t('dashboard.noScore')} />
          ) : (
            <Card>
              <Flex wrap gap="large" data-testid="quality-scores">
                <Statistic title={t('dashboard.overall')} value={board.score} precision={1} />
                {DIMENSIONS.map((d) => (
                  <Statistic key={d} title={t(`dimensions.${d}`)} value={board.dimensions?.[d] ?? 0} precision={1} />
                ))}
                <Statistic title={t('dashboard.licenses')} value={board.licenses} />
                <Statistic title={t('dashboard.openFindings')} value={board.openFindings} />
              </Flex>
            </Card>
          )}
          <Card title={t('dashboard.trend')}>
            <Suspense fallback={null}>
              <EChart
                label={t('dashboard.trendLabel')}
                style={{ height: 240 }}
                option={{
                  tooltip: { trigger: 'axis' },
                  grid: { left: 40, right: 16, top: 16, bottom: 32 },
                  xAxis: { type: 'category', data: board.trend.map((p) => p.month) },
                  yAxis: { type: 'value', min: 0, max: 100 },
                  series: [{ type: 'line', name: t('dashboard.overall'), data: board.trend.map((p) => p.score), connectNulls: false }],
                }}
              />
            </Suspense>
          </Card>
          <Card title={t('dashboard.byType')}>
            <Table<ScoreRow>
              rowKey={(r) => `${r.department}|${r.licenseType}`}
              dataSource={board.byType}
              pagination={false}
              scroll={{ x: true }}
              locale={{ emptyText: <EmptyText>{t('dashboard.noScore')}</EmptyText> }}
              columns={[
                ...(selectDepartment ? [{ title: t('department'), render: (_: unknown, r: ScoreRow) => departmentName(departments, r.department, language) }] : []),
                { title: t('dashboard.columns.licenseType'), render: (_: unknown, r: ScoreRow) => typeName(types.find((x) => x.key === r.licenseType), language, r.licenseType) },
                { title: t('dashboard.columns.score'), dataIndex: 'score' },
                ...DIMENSIONS.map((d) => ({ title: t(`dimensions.${d}`), render: (_: unknown, r: ScoreRow) => r.dimensions[d] })),
                { title: t('dashboard.columns.licenses'), dataIndex: 'licenses' },
                { title: t('dashboard.columns.openFindings'), dataIndex: 'openFindings' },
              ]}
            />
          </Card>
        </>
      )}
    </Flex>
  );
}

export function QualityFindings({ selectDepartment = false }: { selectDepartment?: boolean }) {
  const { t } = useTranslation('quality');
  const { message } = AntApp.useApp();
  const language = currentLanguage();
  const [department, setDepartment] = useState<string>();
  const [dimension, setDimension] = useState<Dimension>();
  const [status, setStatus] = useState<Finding['status'] | undefined>('open');
  const [items, setItems] = useState<Finding[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [error, setError] = useState<string>();
  const [noting, setNoting] = useState<Finding>();
  const [note, setNote] = useState('');
  const [dismissing, setDismissing] = useState<string>();
  const departments = useDepartments();
  const [reason, setReason] = useState('');
  const [reload, setReload] = useState(0);

  const load = (after: string | null, replace: boolean) =>
    api<{ items: Finding[]; nextCursor: string | null }>('/api/v1/quality/findings', { query: { department, dimension, status, cursor: after ?? undefined, limit: 50 } }).then(
      (page) => {
        setItems((old) => (replace ? page.items : [...old, ...page.items]));
        setCursor(page.nextCursor);
        setError(undefined);
      },
      (e: unknown) => setError(problemMessage(e, t)),
    );
  useEffect(() => {
    void load(null, true);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [department, dimension, status, reload]);

  const saveNote = async () => {
    if (!noting) return;
    try {
      await api(`/api/v1/quality/findings/${noting.id}/note`, { method: 'POST', body: { note } });
      message.success(t('findings.noted'));
      setNoting(undefined);
      setNote('');
      setReload((n) => n + 1);
    } catch (e) {
      message.error(problemMessage(e, t));
    }
  };

  const confirm = async (f: Finding) => {
    try {
      await api(`/api/v1/quality/findings/${f.id}/confirm`, { method: 'POST', body: {} });
      message.success(t('findings.confirmed'));
      setReload((n) => n + 1);
    } catch (e) {
      message.error(problemMessage(e, t));
    }
  };

  const dismiss = async () => {
    if (!dismissing) return;
    try {
      const done = await api<{ findings: number }>('/api/v1/quality/reports/dismissals', { method: 'POST', body: { department: dismissing, reason } });
      message.success(t('findings.dismissed', { count: done.findings }));
      setDismissing(undefined);
      setReason('');
      setReload((n) => n + 1);
    } catch (e) {
      message.error(problemMessage(e, t));
    }
  };

  const actions = (f: Finding) => (
    <Space wrap size={4}>
      {f.explainable && (
        <Button size="small" onClick={() => setNoting(f)}>
          {t('findings.note')}
        </Button>
      )}
      {f.confirmable && (
        <Button size="small" onClick={() => void confirm(f)}>
          {t('findings.confirm')}
        </Button>
      )}
      {f.reportedBy && (f.status === 'suspected' || f.status === 'open') && (
        <Button size="small" danger onClick={() => setDismissing(f.reportedBy ?? undefined)}>
          {t('findings.dismissReporter')}
        </Button>
      )}
    </Space>
  );

  return (
    <Flex vertical gap="middle">
      <Typography.Title level={2}>{t('findings.title')}</Typography.Title>
      <Space wrap>
        {selectDepartment && <DepartmentSelect value={department} onChange={setDepartment} departments={departments} />}
        <Select
          aria-label={t('findings.dimension')}
          style={{ minWidth: 140 }}
          value={dimension ?? ''}
          onChange={(v) => setDimension((v || undefined) as Dimension | undefined)}
          options={[{ value: '', label: t('findings.anyDimension') }, ...DIMENSIONS.map((d) => ({ value: d, label: t(`dimensions.${d}`) }))]}
        />
        <Select
          aria-label={t('findings.status')}
          style={{ minWidth: 120 }}
          value={status ?? ''}
          onChange={(v) => setStatus((v || undefined) as Finding['status'] | undefined)}
          options={[{ value: '', label: t('findings.anyStatus') }, ...STATUSES.map((s) => ({ value: s, label: t(`statuses.${s}`) }))]}
        />
      </Space>
      {error && <Alert type="error" showIcon title={error} />}
      <Table<Finding>
        aria-label={t('findings.tableLabel')}
        rowKey="id"
        dataSource={items}
        pagination={false}
        scroll={{ x: true }}
        locale={{ emptyText: <EmptyText>{t('findings.empty')}</EmptyText> }}
        columns={[
          { title: t('findings.columns.detectedAt'), render: (_, f) => formatInstant(f.detectedAt, language) },
          { title: t('findings.columns.holderCode'), dataIndex: 'holderCode' },
          { title: t('findings.columns.dimension'), render: (_, f) => t(`dimensions.${f.dimension}`) },
          {
            title: t('findings.columns.severity'),
            // antd's gold tag is 2.75:1 on its background: a darker text of the same hue meets 4.5:1.
            render: (_, f) =>
              f.severity === 'error' ? <Tag color="red">{t('severities.error')}</Tag> : <Tag style={{ color: '#874d00', background: '#fffbe6', borderColor: '#ffe58f' }}>{t('severities.warning')}</Tag>,
          },
          {
            title: t('findings.columns.message'),
            render: (_, f) => (
              <>
                {language === 'en' ? f.message.en : f.message['zh-CN']}
                {f.note && <Typography.Paragraph type="secondary" style={{ margin: 0 }}>{t('findings.noteOf', { note: f.note })}</Typography.Paragraph>}
              </>
            ),
          },
          { title: t('findings.columns.status'), render: (_, f) => t(`statuses.${f.status}`) },
          ...(selectDepartment
            ? []
            : [{ title: t('findings.columns.actions'), render: (_: unknown, f: Finding) => actions(f) }]),
        ]}
      />
      {cursor && <Button onClick={() => void load(cursor, false)}>{t('findings.more')}</Button>}
      <Modal open={noting !== undefined} title={t('findings.noteTitle')} okText={t('findings.noteSave')} okButtonProps={{ disabled: note.trim() === '' }} onOk={() => void saveNote()} onCancel={() => setNoting(undefined)}>
        <Form layout="vertical">
          <Form.Item label={t('findings.noteTitle')}>
            <Input.TextArea aria-label={t('findings.noteTitle')} value={note} maxLength={2000} rows={3} placeholder={t('findings.notePlaceholder')} onChange={(e) => setNote(e.target.value)} />
          </Form.Item>
        </Form>
      </Modal>
      <Modal
        open={dismissing !== undefined}
        title={t('findings.dismissTitle')}
        okText={t('findings.dismissSave')}
        okButtonProps={{ danger: true, disabled: reason.trim() === '' }}
        onOk={() => void dismiss()}
        onCancel={() => setDismissing(undefined)}
      >
        <Typography.Paragraph>{t('findings.dismissIntro', { department: dismissing ? departmentName(departments, dismissing, currentLanguage()) : '' })}</Typography.Paragraph>
        <Form layout="vertical">
          <Form.Item label={t('findings.dismissReason')}>
            <Input.TextArea aria-label={t('findings.dismissReason')} value={reason} maxLength={2000} rows={3} onChange={(e) => setReason(e.target.value)} />
          </Form.Item>
        </Form>
      </Modal>
      {selectDepartment && <QualityReporters />}
    </Flex>
  );
}

/** The coordination office's oversight of reporting departments: how their reports fared, the flagged first. */
function QualityReporters() {
  const { t } = useTranslation('quality');
  const language = currentLanguage();
  const [items, setItems] = useState<Reporter[]>();
  const [error, setError] = useState<string>();
  useEffect(() => {
    api<{ items: Reporter[] }>('/api/v1/quality/reporters').then(
      (r) => setItems(r.items),
      (e: unknown) => setError(problemMessage(e, t)),
    );
  }, [t]);
  return (
    <Card title={t('reporters.title')}>
      <Typography.Paragraph type="secondary">{t('reporters.intro')}</Typography.Paragraph>
      {error && <Alert type="error" showIcon title={error} />}
      <Table<Reporter>
        aria-label={t('reporters.title')}
        rowKey="department"
        dataSource={items ?? []}
        loading={items === undefined && !error}
        pagination={false}
        scroll={{ x: true }}
        locale={{ emptyText: <EmptyText>{t('reporters.empty')}</EmptyText> }}
        columns={[
          { title: t('department'), render: (_, r) => r.name ?? r.department },
          { title: t('reporters.columns.reports'), dataIndex: 'reports' },
          { title: t('reporters.columns.mismatching'), dataIndex: 'mismatching' },
          { title: t('reporters.columns.dismissed'), dataIndex: 'dismissed' },
          { title: t('reporters.columns.counting'), render: (_, r) => r.findings.open },
          { title: t('reporters.columns.last'), render: (_, r) => (r.lastReportAt ? formatInstant(r.lastReportAt, language) : '—') },
          { title: t('reporters.columns.flag'), render: (_, r) => (r.flagged ? <Tag color="red">{t('reporters.flagged')}</Tag> : null) },
        ]}
      />
    </Card>
  );
}
