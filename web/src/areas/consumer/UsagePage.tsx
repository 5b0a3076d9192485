/**
 * 用量统计: the department's lookups per day (GET /api/v1/exchange/usage, counted from the audit
 * log), as a line chart over the last 7, 30 or 90 days, with the totals and the split per license type.
 */
import { Alert, Card, Col, Row, Segmented, Statistic, Typography } from 'antd';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Answer } from '@certbridge/client';
import { keepPreviousData } from '@tanstack/react-query';
import { $api } from '../../app/api.ts';
import { chinaToday, formatDate } from '../../app/format.ts';
import { currentLanguage } from '../../app/i18n.ts';
import { EChart } from '../../shared/EChart.tsx';
import { typeName, useLicenseTypes } from '../../shared/licenseTypes/standard.ts';
import { DataTable, type DataColumn } from '../../shared/lists/DataTable.tsx';
import { useShown } from './sharing.tsx';

export type UsageReport = Answer<'/api/v1/exchange/usage'>;
type TypeUsage = UsageReport['licenseTypes'][number];
type DayUsage = UsageReport['days'][number];

/** The China-local date `days - 1` days before today, and today (YYYY-MM-DD). */
export function lastDays(days: number): { from: string; to: string } {
  const now = Date.now();
  return { from: chinaToday(now - (days - 1) * 86_400_000), to: chinaToday(now) };
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
  const { data, error, loading } = useShown($api.useQuery('get', '/api/v1/exchange/usage', { params: { query: lastDays(days) } }, { placeholderData: keepPreviousData }));
  const option = useMemo(() => usageOption(data, t), [data, t]);
  const types = useLicenseTypes();
  const language = currentLanguage();
  // The type's name, not its key (the key for a type no longer served).
  const typeLabel = (u: TypeUsage) => typeName(types.find((x) => x.key === u.licenseType), language, u.licenseType);
  const counts = <T extends TypeUsage | DayUsage>(): DataColumn<T>[] => [
    { key: 'lookups', title: t('usage.lookups'), dataIndex: 'lookups', align: 'right' },
    { key: 'allowed', title: t('usage.allowed'), dataIndex: 'allowed', align: 'right' },
    { key: 'deliveries', title: t('usage.deliveries'), dataIndex: 'deliveries', align: 'right' },
  ];
  const byType: DataColumn<TypeUsage>[] = [{ key: 'licenseType', title: t('usage.licenseType'), render: (_, u) => typeLabel(u), exportValue: typeLabel }, ...counts<TypeUsage>()];
  // Newest day first, as a clerk reads a ledger.
  const dayRows = useMemo(() => [...(data?.days ?? [])].reverse(), [data]);
  const byDay: DataColumn<DayUsage>[] = [{ key: 'day', title: t('usage.day'), render: (_, d) => formatDate(d.day, language), exportValue: (d) => formatDate(d.day, language) }, ...counts<DayUsage>()];

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
            <DataTable<TypeUsage>
              listName={t('usage.byTypeList')}
              listKey="usage-by-type"
              aria-label={t('usage.byType')}
              rowKey="licenseType"
              size="small"
              loading={loading}
              dataSource={data?.licenseTypes ?? []}
              columns={byType}
            />
          </Card>
        </Col>
        <Col span={24}>
          <Card title={t('usage.byDay')}>
            <DataTable<DayUsage>
              listName={t('usage.byDayList')}
              listKey="usage-by-day"
              aria-label={t('usage.byDay')}
              rowKey="day"
              size="small"
              loading={loading}
              dataSource={dayRows}
              columns={byDay}
            />
          </Card>
        </Col>
      </Row>
    </>
  );
}
