import { Alert, Card, Col, Row, Statistic, Typography } from 'antd';
import { useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, problemMessage } from '../../app/api.ts';
import { EChart } from '../../shared/EChart.tsx';

const STATUSES = ['submitted', 'escalated', 'approved', 'rejected', 'active', 'suspended', 'revoked', 'expired'] as const;

/**
 * The start of the coordination dashboard: sharing requests per status, counted by the API
 * (GET /api/v1/agreements?status=…&limit=1 → total). The rest of the dashboard comes later.
 */
export default function Dashboard() {
  const { t } = useTranslation('coordinator');
  const [counts, setCounts] = useState<Record<string, number>>();
  const [error, setError] = useState<string>();

  useEffect(() => {
    const controller = new AbortController();
    Promise.all(STATUSES.map((status) => api<{ total: number }>('/api/v1/agreements', { query: { status, limit: 1 }, signal: controller.signal }).then((page) => [status, page.total] as const)))
      .then((entries) => setCounts(Object.fromEntries(entries)))
      .catch((e: unknown) => {
        if ((e as Error).name !== 'AbortError') setError(problemMessage(e, t));
      });
    return () => controller.abort();
  }, [t]);

  const option = useMemo(
    () => ({
      grid: { left: 48, right: 16, top: 24, bottom: 32 },
      tooltip: { trigger: 'axis' },
      xAxis: { type: 'category', data: STATUSES.map((s) => t(`dashboard.statuses.${s}`)) },
      yAxis: { type: 'value', minInterval: 1 },
      series: [{ type: 'bar', data: STATUSES.map((s) => counts?.[s] ?? 0), itemStyle: { color: '#1d4e89' }, barMaxWidth: 40 }],
    }),
    [counts, t],
  );

  return (
    <>
      <Typography.Title level={1} style={{ fontSize: 22, marginTop: 0 }}>
        {t('dashboard.title')}
      </Typography.Title>
      {error ? <Alert type="warning" showIcon title={t('dashboard.unavailable')} description={error} style={{ marginBottom: 16 }} /> : null}
      <Row gutter={[16, 16]}>
        {(['submitted', 'escalated', 'active'] as const).map((status) => (
          <Col xs={24} sm={8} key={status}>
            <Card>
              <Statistic title={t(`dashboard.statuses.${status}`)} value={counts?.[status] ?? '—'} loading={!counts && !error} />
            </Card>
          </Col>
        ))}
        <Col span={24}>
          <Card title={t('dashboard.requestsByStatus')}>
            <EChart option={option} label={t('dashboard.chartLabel')} />
          </Card>
        </Col>
      </Row>
    </>
  );
}
