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
import { keepPreviousData } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Answer } from '@certbridge/client';
import { $api, platform, problemMessage, REFERENCE_DATA } from '../../app/api.ts';
import { currentLanguage, registerMessages } from '../../app/i18n.ts';
import { EmptyText } from '../EmptyText.tsx';
import { statementsMessages } from './messages.ts';
import { yuan } from './yuan.ts';

registerMessages('statements', statementsMessages);

type Statement = Answer<'/api/v1/ledger/statements'>;
type Party = Statement['department'];
type Line = Statement['lines'][number];

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
  const [downloading, setDownloading] = useState<'pdf' | 'csv'>();
  const { message } = AntApp.useApp();

  // The departments are reference data, under the key every page uses for them.
  const departments = $api.useQuery('get', '/api/v1/departments', undefined, { ...REFERENCE_DATA, enabled: selectDepartment }).data ?? [];
  const statementQuery = $api.useQuery('get', '/api/v1/ledger/statements', { params: { query: { month, department: department || undefined } } }, { placeholderData: keepPreviousData });
  const statement = statementQuery.data;
  const error = statementQuery.error ? problemMessage(statementQuery.error, t) : undefined;

  const partyName = (p: Party) => (en ? p.nameEn : p.name) ?? p.code;
  const selected = departments.find((d) => d.code === department);
  const download = async (format: 'pdf' | 'csv') => {
    setDownloading(format);
    try {
      // The report in the console's language, all in that one language.
      const { data, response } = await platform.GET('/api/v1/reports/monthly', { params: { query: { month, format, lang: en ? 'en' : 'zh', department: department || undefined } }, parseAs: 'blob' });
      const name = /filename="([^"]+)"/.exec(response.headers.get('content-disposition') ?? '')?.[1] ?? `certbridge-${month}.${format}`;
      const url = URL.createObjectURL(data as Blob);
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
                { title: t('columns.resource'), render: (_, l) => (en ? l.resource?.titleEn : l.resource?.title) ?? l.resourceId ?? '—' },
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
