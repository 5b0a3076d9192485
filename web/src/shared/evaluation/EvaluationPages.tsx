/**
 * 考核: the scoreboard of a month (GET /api/v1/evaluation/scoreboard — rank, department, score,
 * each indicator's mark, the figures behind them in an expandable row), a bar chart of the scores
 * and the six-month trend of the top 8 (GET /api/v1/evaluation/trend); and the weights
 * (GET/POST /api/v1/evaluation/weights): the current set, the history, a form for a new set from a
 * month with its reason. Every department may read the scoreboard; only the coordination office
 * sets weights (the server decides; the page only offers the form in its area).
 */
import { App as AntApp, Alert, Button, Card, DatePicker, Descriptions, Flex, Form, Input, InputNumber, Space, Table, Typography } from 'antd';
import dayjs from 'dayjs';
import type { Answer } from '@certbridge/client';
import { keepPreviousData } from '@tanstack/react-query';
import { lazy, Suspense, useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { $api, platform, problemMessage, queryClient } from '../../app/api.ts';
import { who } from '../who.ts';
import { formatInstant } from '../../app/format.ts';
import { currentLanguage, registerMessages } from '../../app/i18n.ts';
import { EmptyText } from '../EmptyText.tsx';
import { evaluationMessages } from './messages.ts';
import { bodyFields, problemOnField, type FieldPath } from '../forms/problemOnField.ts';

registerMessages('evaluation', evaluationMessages);

const EChart = lazy(() => import('../EChart.tsx').then((m) => ({ default: m.EChart })));

export const INDICATORS = ['catalogPublished', 'catalogOpenness', 'requestsOnTime', 'lookupsServed', 'lookupsConsumed', 'quality', 'objectionsOnTime', 'deliverySuccess'] as const;
type Indicator = (typeof INDICATORS)[number];
type Weights = Record<Indicator, number>;

type Scoreboard = Answer<'/api/v1/evaluation/scoreboard'>;
type DepartmentScore = Scoreboard['departments'][number];
type WeightsRecord = Answer<'/api/v1/evaluation/weights'>['items'][number];

const MONTH = /^[0-9]{4}-(0[1-9]|1[0-2])$/;
const mark = (value: number | null | undefined) => (value === null || value === undefined ? '—' : value.toFixed(1));

function MonthPicker({ value, onChange, label }: { value: string; onChange: (month: string) => void; label: string }) {
  return <DatePicker picker="month" aria-label={label} allowClear={false} value={dayjs(`${value}-01`)} onChange={(d) => d && onChange(d.format('YYYY-MM'))} />;
}

function Figures({ d }: { d: DepartmentScore }) {
  const { t } = useTranslation('evaluation');
  const f = d.figures;
  const median = f.requests.medianHoursToAnswer === null ? '—' : t('scoreboard.figures.hours', { hours: f.requests.medianHoursToAnswer });
  return (
    <Flex vertical gap={4} data-testid={`figures-${d.code}`}>
      <Typography.Text>{t('scoreboard.figures.catalog', f.catalog)}</Typography.Text>
      <Typography.Text>{t('scoreboard.figures.requests', { ...f.requests, median })}</Typography.Text>
      <Typography.Text>{t('scoreboard.figures.lookups', f.lookups)}</Typography.Text>
      <Typography.Text>{t('scoreboard.figures.quality', { quality: mark(f.quality) })}</Typography.Text>
      <Typography.Text>{t('scoreboard.figures.objections', f.objections)}</Typography.Text>
      <Typography.Text>{t('scoreboard.figures.deliveries', f.deliveries)}</Typography.Text>
    </Flex>
  );
}

export function ScoreboardPage() {
  const { t } = useTranslation('evaluation');
  const language = currentLanguage();
  const en = language === 'en';
  const [month, setMonth] = useState(dayjs().format('YYYY-MM'));
  const scoreboard = $api.useQuery('get', '/api/v1/evaluation/scoreboard', { params: { query: { month } } }, { placeholderData: keepPreviousData });
  const trends = $api.useQuery('get', '/api/v1/evaluation/trend', { params: { query: { to: month, months: 6 } } }, { placeholderData: keepPreviousData });
  // The board and its trend are shown together.
  const both = !!scoreboard.data && !!trends.data;
  const board = both ? scoreboard.data : undefined;
  const trend = both ? trends.data : undefined;
  const failure = scoreboard.error ?? trends.error;
  const error = failure ? problemMessage(failure, t) : undefined;

  const nameOf = useMemo(() => {
    const names = new Map((board?.departments ?? []).map((d) => [d.code, en ? d.nameEn : d.name]));
    return (code: string) => names.get(code) ?? code;
  }, [board, en]);
  const scored = (board?.departments ?? []).filter((d) => d.score !== null);
  const top = scored.slice(0, 8).map((d) => d.code);

  return (
    <Flex vertical gap="middle">
      <Typography.Title level={1} style={{ fontSize: 22, marginTop: 0 }}>{t('scoreboard.title')}</Typography.Title>
      <Typography.Paragraph type="secondary">{t('scoreboard.intro')}</Typography.Paragraph>
      <Space wrap>
        <MonthPicker label={t('month')} value={month} onChange={setMonth} />
        {board && <Typography.Text type="secondary">{t('scoreboard.weightsFrom', { from: board.weights.validFrom })}</Typography.Text>}
        {board && <Typography.Text type="secondary">{t('scoreboard.computedAt', { at: formatInstant(board.computedAt, language) })}</Typography.Text>}
      </Space>
      {error && <Alert type="error" showIcon title={error} />}
      {board?.provisional && <Alert type="info" showIcon title={t('scoreboard.provisional')} />}
      {board && (
        <>
          <Table<DepartmentScore>
            aria-label={t('scoreboard.tableLabel')}
            data-testid="scoreboard"
            rowKey="code"
            dataSource={board.departments}
            pagination={false}
            scroll={{ x: true }}
            size="small"
            locale={{ emptyText: <EmptyText>{t('scoreboard.empty')}</EmptyText> }}
            expandable={{ expandedRowRender: (d) => <Figures d={d} /> }}
            columns={[
              { title: t('scoreboard.columns.rank'), dataIndex: 'rank', render: (r: number | null) => r ?? '—' },
              { title: t('scoreboard.columns.department'), render: (_, d) => (en ? d.nameEn : d.name) },
              { title: t('scoreboard.columns.score'), render: (_, d) => <strong>{mark(d.score)}</strong> },
              ...INDICATORS.map((k) => ({
                title: t(`indicators.${k}`),
                render: (_: unknown, d: DepartmentScore) => (d.marks[k] === null ? <span title={t('notApplicable')}>—</span> : mark(d.marks[k])),
              })),
            ]}
          />
          <Card title={t('scoreboard.scores')}>
            <Suspense fallback={null}>
              <EChart
                label={t('scoreboard.scoresLabel')}
                style={{ height: 280 }}
                option={{
                  tooltip: { trigger: 'axis' },
                  grid: { left: 40, right: 16, top: 16, bottom: 80 },
                  xAxis: { type: 'category', data: scored.map((d) => (en ? d.nameEn : d.name)), axisLabel: { interval: 0, rotate: 30 } },
                  yAxis: { type: 'value', min: 0, max: 100 },
                  series: [{ type: 'bar', name: t('scoreboard.columns.score'), data: scored.map((d) => d.score) }],
                }}
              />
            </Suspense>
          </Card>
          {trend && (
            <Card title={t('scoreboard.trend')}>
              <Suspense fallback={null}>
                <EChart
                  label={t('scoreboard.trendLabel')}
                  style={{ height: 300 }}
                  option={{
                    tooltip: { trigger: 'axis' },
                    legend: { type: 'scroll', bottom: 0 },
                    grid: { left: 40, right: 16, top: 16, bottom: 56 },
                    xAxis: { type: 'category', data: trend.months.map((m) => m.month) },
                    yAxis: { type: 'value', min: 0, max: 100 },
                    series: top.map((code) => ({
                      type: 'line',
                      name: nameOf(code),
                      connectNulls: false,
                      data: trend.months.map((m) => m.departments.find((d) => d.code === code)?.score ?? null),
                    })),
                  }}
                />
              </Suspense>
            </Card>
          )}
        </>
      )}
    </Flex>
  );
}

function WeightsText({ weights }: { weights: Weights }) {
  const { t } = useTranslation('evaluation');
  return <>{INDICATORS.map((k) => `${t(`indicators.${k}`)} ${weights[k]}`).join(' · ')}</>;
}

interface WeightsForm extends Weights {
  reason: string;
}

export function WeightsPage() {
  const { t } = useTranslation('evaluation');
  const { message } = AntApp.useApp();
  const language = currentLanguage();
  const weightsQuery = $api.useQuery('get', '/api/v1/evaluation/weights');
  const items = weightsQuery.data?.items;
  const error = weightsQuery.error ? problemMessage(weightsQuery.error, t) : undefined;
  const [saving, setSaving] = useState(false);
  const [validFrom, setValidFrom] = useState(dayjs().add(1, 'month').format('YYYY-MM'));
  const [form] = Form.useForm<WeightsForm>();
  const thisMonth = dayjs().format('YYYY-MM');
  // The set in force this month: the newest whose first month is not after it.
  const current = items?.find((w) => w.validFrom <= thisMonth) ?? items?.[items.length - 1];

  useEffect(() => {
    if (current) form.setFieldsValue(current.weights);
  }, [current, form]);

  const save = async (values: WeightsForm) => {
    if (!MONTH.test(validFrom)) return;
    setSaving(true);
    try {
      const weights = Object.fromEntries(INDICATORS.map((k) => [k, values[k]]));
      await platform.POST('/api/v1/evaluation/weights', { body: { weights: weights as WeightsRecord['weights'], validFrom, reason: values.reason.trim() } });
      message.success(t('weights.saved'));
      form.setFieldValue('reason', '');
      // The new set changes the weights listed and the scoreboards computed with them.
      void queryClient.invalidateQueries({ queryKey: ['get', '/api/v1/evaluation/weights'] });
      void queryClient.invalidateQueries({ queryKey: ['get', '/api/v1/evaluation/scoreboard'] });
    } catch (e) {
      const text = problemMessage(e, t);
      // The weights are sent as `/weights/<indicator>` and must add up: a reason about them all goes on the first.
      const weightFields = Object.fromEntries(INDICATORS.map((k): [string, FieldPath] => [`/weights/${k}`, k]));
      if (!problemOnField(form, e, text, { ...weightFields, '/weights': INDICATORS[0], ...bodyFields('reason') })) message.error(text);
    } finally {
      setSaving(false);
    }
  };

  return (
    <Flex vertical gap="middle">
      <Typography.Title level={1} style={{ fontSize: 22, marginTop: 0 }}>{t('weights.title')}</Typography.Title>
      <Typography.Paragraph type="secondary">{t('weights.intro')}</Typography.Paragraph>
      {error && <Alert type="error" showIcon title={error} />}
      {items && (
        <Card title={current ? t('weights.current', { from: current.validFrom }) : t('weights.none')}>
          {current && (
            <Descriptions size="small" column={{ xs: 1, sm: 2, lg: 4 }} data-testid="current-weights" items={INDICATORS.map((k) => ({ key: k, label: t(`indicators.${k}`), children: current.weights[k] }))} />
          )}
        </Card>
      )}
      <Card title={t('weights.set')}>
        <Form<WeightsForm> form={form} layout="vertical" onFinish={(v) => void save(v)}>
          <Flex wrap gap="middle">
            {INDICATORS.map((k) => (
              <Form.Item key={k} name={k} label={t(`indicators.${k}`)} rules={[{ required: true, type: 'integer', min: 0, max: 100, message: t('weights.weightRequired') }]}>
                <InputNumber min={0} max={100} precision={0} style={{ width: 120 }} />
              </Form.Item>
            ))}
          </Flex>
          <Form.Item label={t('weights.validFrom')} required>
            <MonthPicker label={t('weights.validFrom')} value={validFrom} onChange={setValidFrom} />
          </Form.Item>
          <Form.Item name="reason" label={t('weights.reason')} rules={[{ required: true, whitespace: true, message: t('weights.reasonRequired') }]}>
            <Input.TextArea rows={2} maxLength={500} />
          </Form.Item>
          <Button type="primary" htmlType="submit" loading={saving}>
            {t('weights.submit')}
          </Button>
        </Form>
      </Card>
      <Card title={t('weights.history')}>
        <Table<WeightsRecord>
          aria-label={t('weights.historyLabel')}
          data-testid="weights-history"
          rowKey="id"
          dataSource={items ?? []}
          pagination={false}
          scroll={{ x: true }}
          size="small"
          locale={{ emptyText: <EmptyText>{t('weights.none')}</EmptyText> }}
          columns={[
            { title: t('weights.columns.validFrom'), dataIndex: 'validFrom' },
            { title: t('weights.columns.weights'), render: (_, w) => <WeightsText weights={w.weights} /> },
            // The platform's first weights were set by it ('system'), with a reason written for integrators.
            { title: t('weights.columns.reason'), render: (_, w) => (w.setBy === 'system' ? t('weights.systemReason') : w.reason) },
            { title: t('weights.columns.setBy'), render: (_, w) => (w.setBy === 'system' ? t('weights.system') : who(w.setBy)) },
            { title: t('weights.columns.setAt'), render: (_, w) => formatInstant(w.setAt, language) },
          ]}
        />
      </Card>
    </Flex>
  );
}
