/**
 * 月度对账单: a department's statement of the compensation ledger for a month
 * (GET /api/v1/ledger/statements — opening, debits, credits, closing, lines per resource and
 * counterparty), and the monthly report (GET /api/v1/reports/monthly as PDF or CSV, fetched and saved
 * under the name the server gives; a refusal, e.g. a department not evaluated, is shown in words). A department sees its own; the
 * coordination office picks any department, and without one downloads the province's report.
 */
import { DownloadOutlined } from '@ant-design/icons';
import { App as AntApp, Alert, Button, Card, DatePicker, Flex, Select, Space, Statistic, Table, Typography } from 'antd';
import dayjs from 'dayjs';
import { useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError, api, problemMessage, type Problem } from '../../app/api.ts';
import { currentLanguage, registerMessages } from '../../app/i18n.ts';
import { EmptyText } from '../EmptyText.tsx';
import { statementsMessages } from './messages.ts';
import { yuan } from './yuan.ts';

registerMessages('statements', statementsMessages);

interface Party {
  code: string;
  name: string | null;
  nameEn: string | null;
}
interface Line {
  kind: 'lookup' | 'correction';
  resourceId: string | null;
  counterparty: Party;
  records: number;
  debits: number;
  credits: number;
  fen: number;
}
interface Statement {
  department: Party;
  month: string;
  opening: number;
  debits: number;
  credits: number;
  closing: number;
  journals: number;
  lines: Line[];
}
interface Department {
  code: string;
  name: string;
  nameEn: string;
}

function Amount({ id, title, fen }: { id: string; title: string; fen: number }) {
  return (
    <div data-testid={`statement-${id}`} data-fen={fen}>
      <Statistic title={title} value={yuan(fen)} prefix="¥" />
    </div>
  );
}

export default function StatementsPage({ selectDepartment = false }: { selectDepartment?: boolean }) {
  const { t } = useTranslation('statements');
  const en = currentLanguage() === 'en';
  const [month, setMonth] = useState(dayjs().format('YYYY-MM'));
  const [department, setDepartment] = useState<string>();
  const [departments, setDepartments] = useState<Department[]>([]);
  const [statement, setStatement] = useState<Statement>();
  const [error, setError] = useState<string>();
  const [downloading, setDownloading] = useState<'pdf' | 'csv'>();
  const { message } = AntApp.useApp();

  useEffect(() => {
    if (selectDepartment) api<Department[]>('/api/v1/departments').then(setDepartments, () => setDepartments([]));
  }, [selectDepartment]);
  useEffect(() => {
    const controller = new AbortController();
    api<Statement>('/api/v1/ledger/statements', { query: { month, department }, signal: controller.signal }).then(
      (s) => {
        setStatement(s);
        setError(undefined);
      },
      (e: unknown) => !controller.signal.aborted && setError(problemMessage(e, t)),
    );
    return () => controller.abort();
  }, [month, department, t]);

  const partyName = (p: Party) => (en ? p.nameEn : p.name) ?? p.code;
  const selected = departments.find((d) => d.code === department);
  const reportUrl = useMemo(
    () => (format: 'pdf' | 'csv') => {
      // The report in the console's language, all in that one language.
      const params = new URLSearchParams({ month, format, lang: en ? 'en' : 'zh' });
      if (department) params.set('department', department);
      return `/api/v1/reports/monthly?${params.toString()}`;
    },
    [month, department, en],
  );
  const download = async (format: 'pdf' | 'csv') => {
    setDownloading(format);
    try {
      const response = await fetch(reportUrl(format), { credentials: 'same-origin' });
      if (!response.ok) {
        const problem = (await response.json().catch(() => ({}))) as Partial<Problem>;
        throw new ApiError({ ...problem, status: response.status });
      }
      const name = /filename="([^"]+)"/.exec(response.headers.get('content-disposition') ?? '')?.[1] ?? `certbridge-${month}.${format}`;
      const url = URL.createObjectURL(await response.blob());
      const a = document.createElement('a');
      a.href = url;
      a.download = name;
      a.click();
      setTimeout(() => URL.revokeObjectURL(url), 60_000);
    } catch (e) {
      message.error(problemMessage(e, t));
    } finally {
      setDownloading(undefined);
    }
  };
  const reportText = !selectDepartment
    ? t('report.own', { month })
    : department
      ? t('report.department', { month, name: selected ? (en ? selected.nameEn : selected.name) : department })
      : t('report.province', { month });

  return (
    <Flex vertical gap="middle">
      <Typography.Title level={1} style={{ fontSize: 22, marginTop: 0 }}>{t('title')}</Typography.Title>
      <Typography.Paragraph type="secondary">{t('intro')}</Typography.Paragraph>
      <Space wrap>
        {selectDepartment && (
          <Select
            aria-label={t('department')}
            style={{ minWidth: 220, maxWidth: '100%' }}
            value={department ?? ''}
            onChange={(v) => setDepartment(v || undefined)}
            options={[{ value: '', label: t('ownDepartment') }, ...departments.map((d) => ({ value: d.code, label: en ? d.nameEn : d.name }))]}
          />
        )}
        <DatePicker picker="month" aria-label={t('month')} allowClear={false} value={dayjs(`${month}-01`)} onChange={(d) => d && setMonth(d.format('YYYY-MM'))} />
      </Space>
      {error && <Alert type="error" showIcon title={error} />}
      {statement && (
        <>
          <Card title={`${partyName(statement.department)} · ${statement.month}`} extra={t('journals', { count: statement.journals })}>
            <Flex wrap gap="large">
              <Amount id="opening" title={t('opening')} fen={statement.opening} />
              <Amount id="debits" title={t('debits')} fen={statement.debits} />
              <Amount id="credits" title={t('credits')} fen={statement.credits} />
              <Amount id="closing" title={t('closing')} fen={statement.closing} />
            </Flex>
          </Card>
          <Card title={t('lines')}>
            <Table<Line>
              aria-label={t('linesLabel')}
              rowKey={(l) => `${l.kind}|${l.resourceId ?? ''}|${l.counterparty.code}`}
              dataSource={statement.lines}
              pagination={false}
              scroll={{ x: true }}
              size="small"
              locale={{ emptyText: <EmptyText>{t('empty')}</EmptyText> }}
              columns={[
                { title: t('columns.kind'), render: (_, l) => t(`kinds.${l.kind}`) },
                { title: t('columns.resource'), render: (_, l) => l.resourceId ?? '—' },
                { title: t('columns.counterparty'), render: (_, l) => partyName(l.counterparty) },
                { title: t('columns.records'), dataIndex: 'records', align: 'right' },
                { title: t('columns.debits'), align: 'right', render: (_, l) => yuan(l.debits) },
                { title: t('columns.credits'), align: 'right', render: (_, l) => yuan(l.credits) },
                { title: t('columns.amount'), align: 'right', render: (_, l) => yuan(l.fen) },
              ]}
            />
          </Card>
        </>
      )}
      <Card title={t('report.title')}>
        <Flex vertical gap="small">
          <Typography.Text>{reportText}</Typography.Text>
          <Space wrap>
            <Button type="primary" icon={<DownloadOutlined />} loading={downloading === 'pdf'} onClick={() => void download('pdf')} data-testid="report-pdf">
              {t('report.pdf')}
            </Button>
            <Button icon={<DownloadOutlined />} loading={downloading === 'csv'} onClick={() => void download('csv')} data-testid="report-csv">
              {t('report.csv')}
            </Button>
          </Space>
        </Flex>
      </Card>
    </Flex>
  );
}
