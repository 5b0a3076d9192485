/**
 * 用量统计: the department's lookups per day (GET /api/v1/exchange/usage, counted from the audit
 * log), as a line chart over the last 7, 30 or 90 days, with the totals and the split per license type.
 */
import { Alert, Card, Col, Row, Segmented, Statistic, Table, Typography } from 'antd';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../app/api.ts';
import { currentLanguage } from '../../app/i18n.ts';
import { EChart } from '../../shared/EChart.tsx';
import { typeName, useLicenseTypes } from '../../shared/licenseTypes/standard.ts';
import { useLoad } from './sharing.tsx';

export interface UsageCounts {
  lookups: number;
  allowed: number;
  deliveries: number;
}

export interface UsageReport {
  from: string;
  to: string;
  department: string | null;
  totals: UsageCounts;
  days: (UsageCounts & { day: string })[];
  departments: (UsageCounts & { code: string; name: string | null; nameEn: string | null })[];
  licenseTypes: (UsageCounts & { licenseType: string })[];
}

/** The China-local date `days - 1` days before today, and today (YYYY-MM-DD). */
export function lastDays(days: number): { from: string; to: string } {
  const china = (ms: number) => new Date(ms + 8 * 3600_000).toISOString().slice(0, 10);
  const now = Date.now();
  return { from: china(now - (days - 1) * 86_400_000), to: china(now) };
}

export function usageOption(report: UsageReport | undefined, t: (key: string) => string) {
  return {
    grid: { left: 48, right: 16, top: 40, bottom: 32 },
    tooltip: { trigger: 'axis' },
    legend: { top: 0 },
    xAxis: { type: 'category', data: (report?.days ?? []).map((d) => d.day.slice(5)) },
    yAxis: { type: 'value', minInterval: 1 },
    series: [
      { name: t('usage.lookups'), type: 'line', smooth: true, data: (report?.days ?? []).map((d) => d.lookups), itemStyle: { color: '#1d4e89' }, areaStyle: { opacity: 0.08 } },
      { name: t('usage.allowed'), type: 'line', smooth: true, data: (report?.days ?? []).map((d) => d.allowed), itemStyle: { color: '#389e0d' } },
    ],
  };
}

export default function UsagePage() {
  const { t } = useTranslation('consumer');
  const [days, setDays] = useState(30);
  const { data, error, loading } = useLoad((signal) => api<UsageReport>('/api/v1/exchange/usage', { query: lastDays(days), signal }), [days]);
  const option = useMemo(() => usageOption(data, t), [data, t]);
  const types = useLicenseTypes();

  return (
    <>
      <Typography.Title level={1} style={{ fontSize: 22, marginTop: 0 }}>
        {t('usage.title')}
      </Typography.Title>
      <Segmented
        aria-label={t('usage.range')}
        value={days}
        onChange={(v) => setDays(Number(v))}
        options={[7, 30, 90].map((n) => ({ value: n, label: t('usage.days', { count: n }) }))}
        style={{ marginBottom: 16 }}
      />
      {error ? <Alert type="error" showIcon title={error} style={{ marginBottom: 16 }} /> : null}
      <Row gutter={[16, 16]}>
        {(['lookups', 'allowed', 'deliveries'] as const).map((key) => (
          <Col xs={24} sm={8} key={key}>
            <Card>
              <Statistic title={t(`usage.${key}`)} value={data?.totals[key] ?? '—'} loading={loading && !data} data-testid={`usage-${key}`} />
            </Card>
          </Col>
        ))}
        <Col span={24}>
          <Card>
            <EChart option={option} label={t('usage.chart')} />
          </Card>
        </Col>
        <Col span={24}>
          <Card title={t('usage.byType')}>
            <Table
              rowKey="licenseType"
              size="small"
              pagination={false}
              dataSource={data?.licenseTypes ?? []}
              columns={[
                // The type's name, not its key (the key for a type no longer served).
                { title: t('usage.licenseType'), dataIndex: 'licenseType', render: (key: string) => typeName(types.find((x) => x.key === key), currentLanguage(), key) },
                { title: t('usage.lookups'), dataIndex: 'lookups' },
                { title: t('usage.allowed'), dataIndex: 'allowed' },
                { title: t('usage.deliveries'), dataIndex: 'deliveries' },
              ]}
            />
          </Card>
        </Col>
      </Row>
    </>
  );
}
