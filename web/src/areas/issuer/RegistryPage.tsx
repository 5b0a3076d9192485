/**
 * 证照登记簿: the licenses the department issued (GET /api/v1/licenses), searched by credit code,
 * name, status and date of issue, a page at a time by the platform's cursor. The filters live in
 * the URL, so the back button from a license comes back to the same search.
 */
import { PlusOutlined, SearchOutlined } from '@ant-design/icons';
import { Alert, Button, Card, Col, DatePicker, Flex, Form, Grid, Input, Row, Select, Table, Typography, type TableProps } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { api } from '../../app/api.ts';
import { formatDate } from '../../app/format.ts';
import { currentLanguage } from '../../app/i18n.ts';
import { typeName, useLicenseTypes } from '../../shared/licenseTypes/standard.ts';
import { IssueLicenseDialog } from './IssueLicenseDialog.tsx';
import { EmptyText, isAbort, issuerProblem, StatusTag, type LicenseStatus } from './shared.tsx';

interface RegistryItem {
  identifier: string;
  type: string;
  holderCode: string;
  holderName: string;
  status: LicenseStatus;
  version: number;
  issuedOn: string;
  validFrom: string;
  validUntil: string | null;
  issuerCode: string;
}

interface RegistryPage {
  items: RegistryItem[];
  nextCursor: string | null;
}

const STATUSES: LicenseStatus[] = ['valid', 'suspended', 'revoked', 'cancelled', 'expired'];
const PAGE_SIZES = [20, 50, 100];
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
  const requestKey = JSON.stringify([filters, limit, cursor]);
  // What the last answer was for: the page is loading until the answer for this request is in.
  const [loaded, setLoaded] = useState<{ key: string; page?: RegistryPage; error?: string }>();
  const loading = loaded?.key !== requestKey;
  const page = loaded?.page;
  const error = loaded?.key === requestKey ? loaded.error : undefined;

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

  useEffect(() => {
    const controller = new AbortController();
    const key = JSON.stringify([filters, limit, cursor]);
    api<RegistryPage>('/api/v1/licenses', { query: { ...filters, limit, cursor }, signal: controller.signal })
      .then((result) => setLoaded({ key, page: result }))
      .catch((e: unknown) => {
        if (!isAbort(e)) setLoaded({ key, error: issuerProblem(e, t) });
      });
    return () => controller.abort();
  }, [filters, limit, cursor, t]);

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

  const columns: TableProps<RegistryItem>['columns'] = [
    {
      title: t('registry.columns.holderName'),
      dataIndex: 'holderName',
      render: (name: string, item) => (
        <>
          <Link to={`/issuer/licenses/${encodeURIComponent(item.identifier)}`} className="cb-break">
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
    { title: t('registry.columns.holderCode'), dataIndex: 'holderCode', responsive: ['sm'], render: (code: string) => <span style={{ fontFamily: 'monospace', whiteSpace: 'nowrap' }}>{code}</span> },
    { title: t('registry.columns.status'), dataIndex: 'status', render: (status: LicenseStatus) => <StatusTag status={status} /> },
    { title: t('registry.columns.issuedOn'), dataIndex: 'issuedOn', render: (date: string) => <span style={{ whiteSpace: 'nowrap' }}>{formatDate(date, language)}</span> },
    {
      title: t('registry.columns.validity'),
      key: 'validity',
      responsive: ['md'],
      render: (_: unknown, item) => t('registry.validity', { from: formatDate(item.validFrom, language), to: item.validUntil ? formatDate(item.validUntil, language) : common('longTerm') }),
    },
    { title: t('registry.columns.version'), dataIndex: 'version', responsive: ['lg'], align: 'right' },
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
        <Table<RegistryItem>
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
