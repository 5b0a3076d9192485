/**
 * 订阅与推送: the department's subscriptions to license changes (GET /api/v1/subscriptions, made
 * by its systems through the API) and, per subscription, its deliveries and their state
 * (GET /api/v1/subscriptions/{id}/deliveries).
 */
import { Alert, Grid, Table, Tag, Typography, type TableProps } from 'antd';
import { useTranslation } from 'react-i18next';
import type { Answer } from '@certbridge/client';
import { $api } from '../../app/api.ts';
import { formatInstant } from '../../app/format.ts';
import { currentLanguage } from '../../app/i18n.ts';
import { EmptyText, purposeName, usePurposes, useShown } from './sharing.tsx';

type Subscription = Answer<'/api/v1/subscriptions'>[number];
type Delivery = Answer<'/api/v1/subscriptions/{id}/deliveries'>[number];

const DELIVERY_COLOR: Record<Delivery['status'], string> = { pending: '#003a8c', delivered: '#135200', dead: '#820014', dropped: '#262626' };

export default function SubscriptionsPage() {
  const { t } = useTranslation('consumer');
  const screens = Grid.useBreakpoint();
  const purposes = usePurposes();
  const language = currentLanguage();
  const { data, error, loading } = useShown($api.useQuery('get', '/api/v1/subscriptions'));

  const columns: TableProps<Subscription>['columns'] = [
    { title: t('subscriptions.columns.resource'), dataIndex: 'resourceId' },
    { title: t('subscriptions.columns.purpose'), key: 'purpose', render: (_, s) => (s.purpose ? purposeName(purposes, s.purpose) : '—'), responsive: ['md'] },
    {
      title: t('subscriptions.columns.callback'),
      key: 'callback',
      render: (_, s) => <Typography.Text style={{ wordBreak: 'break-all' }}>{s.callbackUrl}</Typography.Text>,
      responsive: ['lg'],
    },
    { title: t('subscriptions.columns.holders'), key: 'holders', render: (_, s) => (s.holders ? t('subscriptions.someHolders', { count: s.holders.length }) : t('subscriptions.allHolders')) },
    { title: t('subscriptions.columns.status'), key: 'status', render: (_, s) => <Tag style={{ color: s.status === 'active' ? '#135200' : '#262626' }}>{t(`subscriptions.statuses.${s.status}`)}</Tag> },
    { title: t('subscriptions.columns.createdAt'), key: 'createdAt', render: (_, s) => formatInstant(s.createdAt, language), responsive: ['xl'] },
  ];

  return (
    <>
      <Typography.Title level={1} style={{ fontSize: 22, marginTop: 0 }}>
        {t('subscriptions.title')}
      </Typography.Title>
      {error ? <Alert type="error" showIcon title={error} style={{ marginBottom: 16 }} /> : null}
      <Table<Subscription>
        rowKey="id"
        size={screens.md ? 'middle' : 'small'}
        loading={loading}
        columns={columns}
        dataSource={data ?? []}
        locale={{ emptyText: <EmptyText>{t('subscriptions.empty')}</EmptyText> }}
        expandable={{ expandedRowRender: (s) => <Deliveries subscription={s} /> }}
        pagination={{ pageSize: 20, hideOnSinglePage: true }}
      />
    </>
  );
}

function Deliveries({ subscription }: { subscription: Subscription }) {
  const { t } = useTranslation('consumer');
  const language = currentLanguage();
  const { data, error, loading } = useShown($api.useQuery('get', '/api/v1/subscriptions/{id}/deliveries', { params: { path: { id: subscription.id }, query: { limit: 50 } } }));
  return (
    <>
      <Typography.Text strong>{t('subscriptions.deliveries')}</Typography.Text>
      {subscription.fields ? <Typography.Paragraph type="secondary">{`${t('subscriptions.columns.fields')}：${subscription.fields.join('、')}`}</Typography.Paragraph> : null}
      {error ? <Alert type="error" showIcon title={error} /> : null}
      <Table<Delivery>
        rowKey="id"
        size="small"
        loading={loading}
        dataSource={data ?? []}
        locale={{ emptyText: <EmptyText>{t('subscriptions.noDeliveries')}</EmptyText> }}
        pagination={false}
        columns={[
          { title: t('subscriptions.deliveryColumns.type'), dataIndex: 'type' },
          { title: t('subscriptions.deliveryColumns.subject'), dataIndex: 'subject', responsive: ['md'] },
          { title: t('subscriptions.deliveryColumns.status'), key: 'status', render: (_, d) => <Tag style={{ color: DELIVERY_COLOR[d.status] }}>{t(`subscriptions.deliveryStatuses.${d.status}`)}</Tag> },
          { title: t('subscriptions.deliveryColumns.attempts'), dataIndex: 'attempts', responsive: ['md'] },
          { title: t('subscriptions.deliveryColumns.lastError'), key: 'error', render: (_, d) => d.lastError ?? '—', responsive: ['lg'] },
          { title: t('subscriptions.deliveryColumns.at'), key: 'at', render: (_, d) => formatInstant(d.occurredAt, language), responsive: ['lg'] },
        ]}
      />
    </>
  );
}
