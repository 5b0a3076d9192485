/**
 * 证照登记簿: the licenses the department issued (GET /api/v1/licenses), searched by credit code,
 * name, status and date of issue, a page at a time by the platform's cursor. The filters live in
 * the URL, so the back button from a license comes back to the same search.
 */
import { PlusOutlined, SearchOutlined } from '@ant-design/icons';
import { Alert, Button, Card, Col, DatePicker, Flex, Form, Grid, Input, Row, Select, Typography } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import type { Answer } from '@certbridge/client';
import { keepPreviousData } from '@tanstack/react-query';
import { useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { $api, answer, platform } from '../../app/api.ts';
import { formatDate } from '../../app/format.ts';
import { currentLanguage } from '../../app/i18n.ts';
import { typeName, useLicenseTypes } from '../../shared/licenseTypes/standard.ts';
import { useAskReason } from '../../shared/lists/askReason.tsx';
import { DataTable, eachRow, type BatchAction, type DataColumn } from '../../shared/lists/DataTable.tsx';
import { IssueLicenseDialog } from './IssueLicenseDialog.tsx';
import { EmptyText, invalidateLicenses, issuerProblem, StatusTag, type LicenseStatus } from './shared.tsx';
import { TEXT_MAX } from '../../shared/forms/rules.ts';

type RegistryItem = Answer<'/api/v1/licenses'>['items'][number];

const STATUSES: LicenseStatus[] = ['valid', 'suspended', 'revoked', 'cancelled', 'expired'];
const PAGE_SIZES = [20, 50, 100];
// The platform's largest page; an export stops at EXPORT_MAX rows (a narrower filter gets the rest).
const EXPORT_PAGE = 200;
const EXPORT_MAX = 20_000;
const FILTERS = ['type', 'holderCode', 'name', 'status', 'issuedFrom', 'issuedTo'] as const;

interface FormValues {
  type?: string;
  holderCode?: string;
  name?: string;
  status?: LicenseStatus;
  issued?: [Dayjs | null, Dayjs | null] | null;
}

export default function RegistryPage() {
  const { t } = useTranslation('issuer');
  const { t: common } = useTranslation();
  const language = currentLanguage();
  const [params, setParams] = useSearchParams();
  const navigate = useNavigate();
  const [issuing, setIssuing] = useState(false);
  const types = useLicenseTypes();
  const [form] = Form.useForm<FormValues>();
  // On a phone: name (with the code under it), status and date; no sideways scrolling.
  const wide = Grid.useBreakpoint().sm ?? true;
  const filters = useMemo(() => Object.fromEntries(FILTERS.map((name) => [name, params.get(name) ?? undefined])), [params]);
  const limit = PAGE_SIZES.includes(Number(params.get('limit'))) ? Number(params.get('limit')) : PAGE_SIZES[0];
  // The cursors of the pages before this one (the first page has none).
  const [cursors, setCursors] = useState<(string | undefined)[]>([undefined]);
  const cursor = cursors[cursors.length - 1];
  const query = { ...filters, status: filters.status as LicenseStatus | undefined };
  // The page before stays on screen, greyed, until the answer for this request is in.
  const registry = $api.useQuery(
    'get',
    '/api/v1/licenses',
    { params: { query: { ...query, limit, cursor } } },
    { placeholderData: keepPreviousData },
  );
  const loading = registry.isFetching;
  const page = registry.data;
  const error = registry.error ? issuerProblem(registry.error, t) : undefined;

  // A new search starts at the first page.
  const searchKey = `${params.toString()}`;
  const [lastSearch, setLastSearch] = useState(searchKey);
  if (lastSearch !== searchKey) {
    setLastSearch(searchKey);
    setCursors([undefined]);
  }

  useEffect(() => {
    form.setFieldsValue({
      type: filters.type,
      holderCode: filters.holderCode,
      name: filters.name,
      status: filters.status as LicenseStatus | undefined,
      issued: filters.issuedFrom || filters.issuedTo ? [filters.issuedFrom ? dayjs(filters.issuedFrom) : null, filters.issuedTo ? dayjs(filters.issuedTo) : null] : null,
    });
  }, [filters, form]);

  const search = (values: FormValues) => {
    const next = new URLSearchParams();
    if (values.type) next.set('type', values.type);
    const code = values.holderCode?.trim().toUpperCase();
    if (code) next.set('holderCode', code);
    if (values.name?.trim()) next.set('name', values.name.trim());
    if (values.status) next.set('status', values.status);
    const [from, to] = values.issued ?? [];
    if (from) next.set('issuedFrom', from.format('YYYY-MM-DD'));
    if (to) next.set('issuedTo', to.format('YYYY-MM-DD'));
    if (limit !== PAGE_SIZES[0]) next.set('limit', String(limit));
    setParams(next);
  };

  const reset = () => {
    form.resetFields();
    setParams(new URLSearchParams());
  };

  // The export: every license under the current filter, a page of the most the platform gives at a time.
  const allUnderFilter = async () => {
    const rows: RegistryItem[] = [];
    let next: string | undefined;
    do {
      const got = await answer(platform.GET('/api/v1/licenses', { params: { query: { ...query, limit: EXPORT_PAGE, cursor: next } } }));
      rows.push(...got.items);
      next = got.nextCursor ?? undefined;
    } while (next && rows.length < EXPORT_MAX);
    return rows;
  };
  const askReason = useAskReason();
  const batchActions: BatchAction<RegistryItem>[] = [
    {
      key: 'suspend',
      label: t('registry.suspendSelected'),
      danger: true,
      appliesTo: (item) => item.status === 'valid',
      run: async (rows) => {
        const reason = await askReason({ title: t('registry.suspendSelectedTitle'), label: t('registry.suspendReason'), okText: t('actions.suspend'), cancelText: t('actions.cancelButton'), danger: true, maxLength: TEXT_MAX.licenseReason });
        if (!reason) return false;
        try {
          await eachRow(rows, (item) => platform.POST('/api/v1/licenses/{identifier}/suspend', { params: { path: { identifier: item.identifier } }, body: { reason } }));
        } finally {
          invalidateLicenses();
        }
      },
    },
  ];

  const columns: DataColumn<RegistryItem>[] = [
    {
      key: 'holderName',
      title: t('registry.columns.holderName'),
      dataIndex: 'holderName',
      render: (name: string, item, index) => (
        <>
          <Link to={`/issuer/licenses/${encodeURIComponent(item.identifier)}`} className="cb-break" data-tour={index === 0 ? 'registry-first' : undefined}>
            {name}
          </Link>
          {wide ? null : (
            <div style={{ fontFamily: 'monospace', fontSize: 12, color: '#595959' }} className="cb-code">
              {item.holderCode}
            </div>
          )}
        </>
      ),
    },
    { key: 'holderCode', title: t('registry.columns.holderCode'), dataIndex: 'holderCode', responsive: ['sm'], render: (code: string) => <span style={{ fontFamily: 'monospace', whiteSpace: 'nowrap' }}>{code}</span> },
    { key: 'status', title: t('registry.columns.status'), dataIndex: 'status', render: (status: LicenseStatus) => <StatusTag status={status} />, exportValue: (item) => t(`statuses.${item.status}`) },
    { key: 'issuedOn', title: t('registry.columns.issuedOn'), dataIndex: 'issuedOn', render: (date: string) => <span style={{ whiteSpace: 'nowrap' }}>{formatDate(date, language)}</span> },
    {
      title: t('registry.columns.validity'),
      key: 'validity',
      responsive: ['md'],
      exportValue: (item) => t('registry.validity', { from: formatDate(item.validFrom, language), to: item.validUntil ? formatDate(item.validUntil, language) : common('longTerm') }),
      render: (_: unknown, item) => t('registry.validity', { from: formatDate(item.validFrom, language), to: item.validUntil ? formatDate(item.validUntil, language) : common('longTerm') }),
    },
    { key: 'version', title: t('registry.columns.version'), dataIndex: 'version', responsive: ['lg'], align: 'right' },
  ];

  const pageNumber = cursors.length;
  return (
    <>
      <Flex justify="space-between" align="center" gap={12} wrap>
        <Typography.Title level={1} style={{ fontSize: 22, margin: 0 }}>
          {t('registry.title')}
        </Typography.Title>
        <Button type="primary" icon={<PlusOutlined />} onClick={() => setIssuing(true)} data-tour="issue-license">
          {t('issue.button')}
        </Button>
      </Flex>
      <Typography.Paragraph type="secondary" style={{ marginTop: 8 }}>
        {t('registry.intro')}
      </Typography.Paragraph>
      {issuing ? (
        <IssueLicenseDialog
          onClose={() => setIssuing(false)}
          onIssued={(identifier) => navigate(`/issuer/licenses/${encodeURIComponent(identifier)}`)}
        />
      ) : null}
      <Card style={{ marginBottom: 16 }} data-tour="registry-filters">
        <Form form={form} name="registrySearch" layout="vertical" onFinish={search} role="search" aria-label={t('registry.title')}>
          <Row gutter={16}>
            <Col xs={24} sm={12} lg={6}>
              <Form.Item name="type" label={t('registry.type')}>
                <Select allowClear placeholder={t('registry.anyType')} options={types.map((x) => ({ value: x.key, label: typeName(x, language) }))} />
              </Form.Item>
            </Col>
            <Col xs={24} sm={12} lg={6}>
              <Form.Item
                name="holderCode"
                label={t('registry.holderCode')}
                rules={[{ pattern: /^\s*[0-9A-HJ-NPQRTUWXYa-hj-npqrtuwxy]{18}\s*$/, message: t('registry.badCode') }]}
              >
                <Input allowClear maxLength={18} placeholder={t('registry.holderCodePlaceholder')} autoComplete="off" />
              </Form.Item>
            </Col>
            <Col xs={24} sm={12} lg={6}>
              <Form.Item name="name" label={t('registry.name')}>
                <Input allowClear maxLength={100} placeholder={t('registry.namePlaceholder')} autoComplete="off" />
              </Form.Item>
            </Col>
            <Col xs={24} sm={12} lg={6}>
              <Form.Item name="status" label={t('registry.status')}>
                <Select allowClear placeholder={t('registry.anyStatus')} options={STATUSES.map((s) => ({ value: s, label: t(`statuses.${s}`) }))} />
              </Form.Item>
            </Col>
            <Col xs={24} sm={12} lg={8}>
              <Form.Item name="issued" label={t('registry.issuedRange')}>
                <DatePicker.RangePicker allowEmpty={[true, true]} style={{ width: '100%' }} placeholder={[t('registry.from'), t('registry.to')]} />
              </Form.Item>
            </Col>
          </Row>
          <Flex gap={8} justify="flex-end" wrap>
            <Button onClick={reset}>{t('registry.reset')}</Button>
            <Button type="primary" htmlType="submit" icon={<SearchOutlined />}>
              {t('registry.search')}
            </Button>
          </Flex>
        </Form>
      </Card>
      {error ? <Alert type="error" showIcon title={error} style={{ marginBottom: 16 }} /> : null}
      <Card data-tour="registry-table">
        <DataTable<RegistryItem>
          listName={t('registry.listName')}
          listKey="registry"
          total={null}
          exportRows={allUnderFilter}
          batchActions={batchActions}
          rowKey="identifier"
          size="middle"
          columns={columns}
          dataSource={page?.items ?? []}
          loading={loading}
          pagination={false}
          locale={{ emptyText: <EmptyText>{t('registry.empty')}</EmptyText> }}
          scroll={wide ? { x: 'max-content' } : undefined}
          aria-label={t('registry.tableLabel')}
        />
        <Flex justify="space-between" align="center" gap={8} wrap style={{ marginTop: 16 }}>
          <Typography.Text type="secondary">{t('registry.pageN', { page: pageNumber })}</Typography.Text>
          <Flex gap={8} align="center" wrap>
            <Select
              aria-label={t('registry.pageSize')}
              value={limit}
              style={{ width: 120 }}
              options={PAGE_SIZES.map((n) => ({ value: n, label: t('registry.pageSizeOption', { count: n }) }))}
              onChange={(value) => {
                const next = new URLSearchParams(params);
                next.set('limit', String(value));
                setParams(next);
              }}
            />
            <Button disabled={cursors.length <= 1 || loading} onClick={() => setCursors((c) => c.slice(0, -1))}>
              {t('registry.previous')}
            </Button>
            <Button disabled={!page?.nextCursor || loading} onClick={() => page?.nextCursor && setCursors((c) => [...c, page.nextCursor!])}>
              {t('registry.next')}
            </Button>
          </Flex>
        </Flex>
      </Card>
    </>
  );
}
