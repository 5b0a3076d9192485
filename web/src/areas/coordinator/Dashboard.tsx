/**
 * 运行概览, the coordination office's dashboard: every figure is what the API counts —
 * GET /api/v1/agreements/statistics (per status, overdue, escalated, appeals, top providers),
 * GET /api/v1/exchange/usage (lookups per day and per consumer department, from the audit log) and
 * GET /api/v1/audit/alerts.
 */
import type { Answer } from '@certbridge/client';
import { Alert, Card, Col, Row, Statistic, Table, Tag, Typography } from 'antd';
import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { $api } from '../../app/api.ts';
import { formatDate } from '../../app/format.ts';
import { currentLanguage } from '../../app/i18n.ts';
import { EChart } from '../../shared/EChart.tsx';
import { EmptyText, AGREEMENT_STATUSES, sharingProblem, useDepartments } from '../consumer/sharing.tsx';
import { lastDays, usageOption } from '../consumer/UsagePage.tsx';

type DepartmentFigure = Answer<'/api/v1/agreements/statistics'>['topProviders'][number];
type UsageReport = Answer<'/api/v1/exchange/usage'>;
type AlertRow = Answer<'/api/v1/audit/alerts'>['items'][number];

function Figure({ id, title, value, loading }: { id: string; title: string; value: number | undefined; loading: boolean }) {
  return (
    <Card>
      <div data-testid={`figure-${id}`} data-value={value ?? ''}>
        <Statistic title={title} value={value ?? '—'} loading={loading} />
      </div>
    </Card>
  );
}

export default function Dashboard() {
  const { t } = useTranslation('coordinator');
  const { t: words } = useTranslation('consumer');
  const language = currentLanguage();
  const { nameOf } = useDepartments();
  const stats = $api.useQuery('get', '/api/v1/agreements/statistics', {});
  const usage = $api.useQuery('get', '/api/v1/exchange/usage', { params: { query: lastDays(30) } });
  const alerts = $api.useQuery('get', '/api/v1/audit/alerts', { params: { query: { limit: 10 } } });
  const failed = stats.error ?? usage.error ?? alerts.error;
  const error = failed ? sharingProblem(failed, t) : undefined;

  const statusOption = useMemo(
    () => ({
      grid: { left: 48, right: 16, top: 24, bottom: 48 },
      tooltip: { trigger: 'axis' },
      xAxis: { type: 'category', data: AGREEMENT_STATUSES.map((s) => words(`statuses.${s}`)), axisLabel: { interval: 0, rotate: 30 } },
      yAxis: { type: 'value', minInterval: 1 },
      series: [{ type: 'bar', data: AGREEMENT_STATUSES.map((s) => stats.data?.byStatus[s] ?? 0), itemStyle: { color: '#1d4e89' }, barMaxWidth: 40 }],
    }),
    [stats.data, words],
  );
  const volumeOption = useMemo(() => usageOption(usage.data, words), [usage.data, words]);
  const deptName = (d: { code: string; name: string | null; nameEn: string | null }) => (language === 'en' ? d.nameEn : d.name) ?? nameOf(d.code);

  const figures: { id: string; title: string; value: number | undefined; loading: boolean }[] = [
    { id: 'active', title: t('dashboard.active'), value: stats.data?.byStatus.active, loading: stats.isPending },
    { id: 'submitted', title: t('dashboard.submitted'), value: stats.data?.byStatus.submitted, loading: stats.isPending },
    { id: 'overdue', title: t('dashboard.overdue'), value: stats.data?.overdue, loading: stats.isPending },
    { id: 'escalated', title: t('dashboard.escalated'), value: stats.data?.escalated, loading: stats.isPending },
    { id: 'appeals', title: t('dashboard.appeals'), value: stats.data?.appealsPending, loading: stats.isPending },
    { id: 'lookups', title: t('dashboard.lookups'), value: usage.data?.totals.lookups, loading: usage.isPending },
  ];

  return (
    <>
      <Typography.Title level={1} style={{ fontSize: 22, marginTop: 0 }}>
        {t('dashboard.title')}
      </Typography.Title>
      {error ? <Alert type="warning" showIcon title={t('dashboard.unavailable')} description={error} style={{ marginBottom: 16 }} /> : null}
      <Row gutter={[16, 16]}>
        {figures.map((f) => (
          <Col xs={12} md={8} xl={4} key={f.id}>
            <Figure {...f} />
          </Col>
        ))}
        <Col xs={24} xl={14}>
          <Card title={t('dashboard.volume')}>
            <EChart option={volumeOption} label={t('dashboard.volumeLabel')} />
          </Card>
        </Col>
        <Col xs={24} xl={10}>
          <Card title={t('dashboard.requestsByStatus')}>
            <EChart option={statusOption} label={t('dashboard.chartLabel')} />
          </Card>
        </Col>
        <Col xs={24} lg={12}>
          <Card title={t('dashboard.topProviders')}>
            <Table
              rowKey="code"
              size="small"
              pagination={false}
              loading={stats.isPending}
              dataSource={stats.data?.topProviders ?? []}
              columns={[
                { title: t('dashboard.department'), key: 'name', render: (_, d: DepartmentFigure) => deptName(d) },
                { title: t('dashboard.agreements'), dataIndex: 'active', width: 96 },
              ]}
            />
          </Card>
        </Col>
        <Col xs={24} lg={12}>
          <Card title={t('dashboard.topConsumers')}>
            <Table
              rowKey="code"
              size="small"
              pagination={false}
              loading={usage.isPending}
              dataSource={(usage.data?.departments ?? []).slice(0, 10)}
              columns={[
                { title: t('dashboard.department'), key: 'name', render: (_, d: UsageReport['departments'][number]) => deptName(d) },
                { title: t('dashboard.lookupsColumn'), dataIndex: 'lookups', width: 96 },
              ]}
            />
          </Card>
        </Col>
        <Col span={24}>
          <Card title={t('dashboard.alerts')}>
            <Table<AlertRow>
              rowKey="id"
              size="small"
              pagination={false}
              loading={alerts.isPending}
              dataSource={alerts.data?.items ?? []}
              locale={{ emptyText: <EmptyText>{t('dashboard.noAlerts')}</EmptyText> }}
              scroll={{ x: 'max-content' }}
              columns={[
                { title: t('dashboard.alertColumns.day'), key: 'day', render: (_, a) => formatDate(a.day, language) },
                { title: t('dashboard.alertColumns.kind'), key: 'kind', render: (_, a) => <Tag style={{ color: '#820014' }}>{t(`dashboard.alertKinds.${a.kind}`)}</Tag> },
                { title: t('dashboard.alertColumns.department'), key: 'department', render: (_, a) => nameOf(a.department) },
                { title: t('dashboard.alertColumns.system'), dataIndex: 'clientId' },
                { title: t('dashboard.alertColumns.count'), dataIndex: 'count' },
                { title: t('dashboard.alertColumns.threshold'), key: 'threshold', render: (_, a) => Math.round(a.threshold) },
              ]}
            />
          </Card>
        </Col>
      </Row>
    </>
  );
}
