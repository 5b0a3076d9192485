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
import type { Answer } from '@certbridge/client';
import { keepPreviousData, useInfiniteQuery } from '@tanstack/react-query';
import { lazy, Suspense, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { $api, answer, platform, problemMessage, queryClient, REFERENCE_DATA } from '../../app/api.ts';
import { formatInstant } from '../../app/format.ts';
import { currentLanguage, registerMessages } from '../../app/i18n.ts';
import { EmptyText } from '../EmptyText.tsx';
import { bodyFields, problemOnField } from '../forms/problemOnField.ts';
import { TEXT_MAX, textRules } from '../forms/rules.ts';
import { useAskReason } from '../lists/askReason.tsx';
import { DataTable, eachRow, type BatchAction, type DataColumn } from '../lists/DataTable.tsx';
import { typeName, useLicenseTypes } from '../licenseTypes/standard.ts';
import { qualityMessages } from './messages.ts';

registerMessages('quality', qualityMessages);

const EChart = lazy(() => import('../EChart.tsx').then((m) => ({ default: m.EChart })));

const DIMENSIONS = ['completeness', 'validity', 'consistency', 'timeliness', 'uniqueness'] as const;
type Dimension = (typeof DIMENSIONS)[number];

type ScoreBoard = Answer<'/api/v1/quality/scores'>;
type ScoreRow = ScoreBoard['byType'][number];
type FindingsPage = Answer<'/api/v1/quality/findings'>;
type Finding = FindingsPage['items'][number];
type Reporter = Answer<'/api/v1/quality/reporters'>['items'][number];

/** Every page of findings is cached under this key, so a note, a confirmation or a dismissal refreshes them all. */
const FINDINGS = ['get', '/api/v1/quality/findings'] as const;

const STATUSES = ['suspected', 'open', 'resolved', 'explained', 'dismissed'] as const;
// An export reads the platform's largest pages, up to EXPORT_MAX findings (a narrower filter gets the rest).
const EXPORT_PAGE = 200;
const EXPORT_MAX = 20_000;

/** The coordination office's department selector (all departments, or one). */
type Department = Answer<'/api/v1/departments'>[number];

/** The registry of departments (the coordination office's pages), to name them rather than show their codes. */
function useDepartments(): Department[] {
  return $api.useQuery('get', '/api/v1/departments', undefined, REFERENCE_DATA).data ?? NO_DEPARTMENTS;
}
const NO_DEPARTMENTS: Department[] = [];

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
  const types = useLicenseTypes();
  const departments = useDepartments();
  const language = currentLanguage();
  const scores = $api.useQuery('get', '/api/v1/quality/scores', { params: { query: { month, department } } }, { placeholderData: keepPreviousData });
  const board: ScoreBoard | undefined = scores.data;
  const error = scores.error ? problemMessage(scores.error, t) : undefined;
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
  const [noting, setNoting] = useState<Finding>();
  const [noteForm] = Form.useForm<{ note: string }>();
  const [noteError, setNoteError] = useState<string>();
  const [dismissing, setDismissing] = useState<string>();
  const departments = useDepartments();
  const [dismissForm] = Form.useForm<{ reason: string }>();
  const [dismissError, setDismissError] = useState<string>();
  const [busy, setBusy] = useState(false);

  const findings = useInfiniteQuery({
    queryKey: [...FINDINGS, { department, dimension, status }],
    queryFn: ({ pageParam, signal }) =>
      answer(platform.GET('/api/v1/quality/findings', { params: { query: { department, dimension, status, cursor: pageParam, limit: 50 } }, signal })),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (page: FindingsPage) => page.nextCursor ?? undefined,
  });
  const items = useMemo(() => findings.data?.pages.flatMap((page) => page.items) ?? [], [findings.data]);
  const error = findings.error ? problemMessage(findings.error, t) : undefined;
  const reload = () => void queryClient.invalidateQueries({ queryKey: FINDINGS });

  // The platform's reason shows under the field it names (the note); any other in the dialog's alert.
  const saveNote = async ({ note }: { note: string }) => {
    if (!noting) return;
    setBusy(true);
    setNoteError(undefined);
    try {
      await answer(platform.POST('/api/v1/quality/findings/{id}/note', { params: { path: { id: noting.id } }, body: { note: note.trim() } }));
      message.success(t('findings.noted'));
      closeNote();
      reload();
    } catch (e) {
      const text = problemMessage(e, t);
      if (!problemOnField(noteForm, e, text, bodyFields('note'))) setNoteError(text);
    } finally {
      setBusy(false);
    }
  };
  const closeNote = () => {
    setNoting(undefined);
    setNoteError(undefined);
    noteForm.resetFields();
  };

  const confirm = async (f: Finding) => {
    try {
      await platform.POST('/api/v1/quality/findings/{id}/confirm', { params: { path: { id: f.id } }, body: {} });
      message.success(t('findings.confirmed'));
      reload();
    } catch (e) {
      message.error(problemMessage(e, t));
    }
  };

  // The department is not a field of the dialog: a problem naming it stays in the dialog's alert.
  const dismiss = async ({ reason }: { reason: string }) => {
    if (!dismissing) return;
    setBusy(true);
    setDismissError(undefined);
    try {
      const done = await answer(platform.POST('/api/v1/quality/reports/dismissals', { body: { department: dismissing, reason: reason.trim() } }));
      message.success(t('findings.dismissed', { count: done.findings }));
      closeDismissal();
      reload();
    } catch (e) {
      const text = problemMessage(e, t);
      if (!problemOnField(dismissForm, e, text, bodyFields('reason'))) setDismissError(text);
    } finally {
      setBusy(false);
    }
  };
  const closeDismissal = () => {
    setDismissing(undefined);
    setDismissError(undefined);
    dismissForm.resetFields();
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

  // The export: every finding under the filter, the platform's largest page at a time.
  const allUnderFilter = async () => {
    const rows: Finding[] = [];
    let cursor: string | undefined;
    do {
      const page = await answer(platform.GET('/api/v1/quality/findings', { params: { query: { department, dimension, status, cursor, limit: EXPORT_PAGE } } }));
      rows.push(...page.items);
      cursor = page.nextCursor ?? undefined;
    } while (cursor && rows.length < EXPORT_MAX);
    return rows;
  };

  const askReason = useAskReason();
  const batchActions: BatchAction<Finding>[] = [
    {
      key: 'confirm',
      label: t('findings.confirmSelected'),
      appliesTo: (f) => f.confirmable,
      run: async (rows) => {
        try {
          await eachRow(rows, (f) => answer(platform.POST('/api/v1/quality/findings/{id}/confirm', { params: { path: { id: f.id } }, body: {} })));
        } finally {
          reload();
        }
      },
    },
    {
      key: 'note',
      label: t('findings.noteSelected'),
      appliesTo: (f) => f.explainable,
      run: async (rows) => {
        const text = await askReason({ title: t('findings.noteSelectedTitle'), label: t('findings.noteTitle'), okText: t('findings.noteSave'), cancelText: t('findings.cancel'), maxLength: TEXT_MAX.qualityNote });
        if (!text) return false;
        try {
          await eachRow(rows, (f) => answer(platform.POST('/api/v1/quality/findings/{id}/note', { params: { path: { id: f.id } }, body: { note: text } })));
        } finally {
          reload();
        }
      },
    },
  ];

  const holder = (f: Finding) => (f.holderName === null ? f.holderCode : `${f.holderName}（${f.holderCode}）`);
  const columns: DataColumn<Finding>[] = [
    { key: 'detectedAt', title: t('findings.columns.detectedAt'), render: (_, f) => formatInstant(f.detectedAt, language), exportValue: (f) => formatInstant(f.detectedAt, language) },
    {
      key: 'holder',
      title: t('findings.columns.holder'),
      exportValue: holder,
      // The holder by its name, as a clerk knows it; the code beneath, to tell namesakes apart.
      render: (_, f) => (
        <>
          <span className="cb-break">{f.holderName ?? f.holderCode}</span>
          {f.holderName !== null && (
            <div style={{ fontFamily: 'monospace', fontSize: 12, color: '#595959' }} className="cb-code">
              {f.holderCode}
            </div>
          )}
        </>
      ),
    },
    { key: 'dimension', title: t('findings.columns.dimension'), render: (_, f) => t(`dimensions.${f.dimension}`), exportValue: (f) => t(`dimensions.${f.dimension}`) },
    {
      key: 'severity',
      title: t('findings.columns.severity'),
      exportValue: (f) => t(`severities.${f.severity}`),
      // antd's gold tag is 2.75:1 on its background: a darker text of the same hue meets 4.5:1.
      render: (_, f) =>
        f.severity === 'error' ? <Tag color="red">{t('severities.error')}</Tag> : <Tag style={{ color: '#874d00', background: '#fffbe6', borderColor: '#ffe58f' }}>{t('severities.warning')}</Tag>,
    },
    {
      key: 'message',
      title: t('findings.columns.message'),
      exportValue: (f) => `${language === 'en' ? f.message.en : f.message['zh-CN']}${f.note ? `\n${t('findings.noteOf', { note: f.note })}` : ''}`,
      render: (_, f) => (
        <>
          {language === 'en' ? f.message.en : f.message['zh-CN']}
          {f.note && <Typography.Paragraph type="secondary" style={{ margin: 0 }}>{t('findings.noteOf', { note: f.note })}</Typography.Paragraph>}
        </>
      ),
    },
    { key: 'status', title: t('findings.columns.status'), render: (_, f) => t(`statuses.${f.status}`), exportValue: (f) => t(`statuses.${f.status}`) },
    ...(selectDepartment ? [] : [{ key: 'actions', title: t('findings.columns.actions'), render: (_: unknown, f: Finding) => actions(f) }]),
  ];

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
      <DataTable<Finding>
        listName={t('findings.listName')}
        listKey="quality-findings"
        aria-label={t('findings.tableLabel')}
        // The platform does not count findings: the total once every page of the filter is loaded.
        total={findings.hasNextPage ? null : items.length}
        toolbar={findings.hasNextPage ? <Typography.Text type="secondary">{t('findings.loaded', { count: items.length })}</Typography.Text> : undefined}
        exportRows={allUnderFilter}
        batchActions={selectDepartment ? undefined : batchActions}
        rowKey="id"
        dataSource={items}
        loading={findings.isFetching}
        pagination={findings.hasNextPage ? { showTotal: (n) => t('findings.loaded', { count: n }) } : undefined}
        scroll={{ x: true }}
        locale={{ emptyText: <EmptyText>{t('findings.empty')}</EmptyText> }}
        columns={columns}
      />
      {findings.hasNextPage && <Button onClick={() => void findings.fetchNextPage()}>{t('findings.more')}</Button>}
      <Modal
        open={noting !== undefined}
        title={t('findings.noteTitle')}
        okText={t('findings.noteSave')}
        cancelText={t('findings.cancel')}
        okButtonProps={{ htmlType: 'submit', form: 'quality-note', loading: busy }}
        onCancel={closeNote}
        forceRender
      >
        <Form form={noteForm} name="quality-note" layout="vertical" onFinish={(values) => void saveNote(values)}>
          <Form.Item name="note" label={t('findings.noteTitle')} rules={textRules(t, t('findings.noteField'), TEXT_MAX.qualityNote)}>
            <Input.TextArea maxLength={TEXT_MAX.qualityNote} showCount rows={3} placeholder={t('findings.notePlaceholder')} />
          </Form.Item>
        </Form>
        {noteError ? <Alert type="error" showIcon title={noteError} role="alert" /> : null}
      </Modal>
      <Modal
        open={dismissing !== undefined}
        title={t('findings.dismissTitle')}
        okText={t('findings.dismissSave')}
        cancelText={t('findings.cancel')}
        okButtonProps={{ danger: true, htmlType: 'submit', form: 'quality-dismissal', loading: busy }}
        onCancel={closeDismissal}
        forceRender
      >
        <Typography.Paragraph>{t('findings.dismissIntro', { department: dismissing ? departmentName(departments, dismissing, currentLanguage()) : '' })}</Typography.Paragraph>
        <Form form={dismissForm} name="quality-dismissal" layout="vertical" onFinish={(values) => void dismiss(values)}>
          <Form.Item name="reason" label={t('findings.dismissReason')} rules={textRules(t, t('findings.dismissReason'), TEXT_MAX.qualityDismissal)}>
            <Input.TextArea maxLength={TEXT_MAX.qualityDismissal} showCount rows={3} />
          </Form.Item>
        </Form>
        {dismissError ? <Alert type="error" showIcon title={dismissError} role="alert" /> : null}
      </Modal>
      {selectDepartment && <QualityReporters />}
    </Flex>
  );
}

/** The coordination office's oversight of reporting departments: how their reports fared, the flagged first. */
function QualityReporters() {
  const { t } = useTranslation('quality');
  const language = currentLanguage();
  const reporters = $api.useQuery('get', '/api/v1/quality/reporters');
  const items = reporters.data?.items;
  const error = reporters.error ? problemMessage(reporters.error, t) : undefined;
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
