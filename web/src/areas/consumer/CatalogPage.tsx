/**
 * 资源目录: browse and search the catalog (GET /api/v1/catalog), each resource with its sharing
 * class; a drawer shows its conditions, legal basis and fields with their sensitivity, and leads to
 * the guided request.
 */
import { Alert, Button, Descriptions, Drawer, Flex, Grid, Input, Select, Table, Typography, type TableProps } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import { keepPreviousData } from '@tanstack/react-query';
import { $api } from '../../app/api.ts';
import { currentLanguage } from '../../app/i18n.ts';
import { conditionsIn } from './conditions.ts';
import { EmptyText, localTitle, SensitivityTag, SharingClassTag, useDepartments, useFieldTitles, useShown, type CatalogResource, type SharingClass } from './sharing.tsx';

export default function CatalogPage() {
  const { t } = useTranslation('consumer');
  const navigate = useNavigate();
  const screens = Grid.useBreakpoint();
  const [q, setQ] = useState('');
  const [sharingClass, setSharingClass] = useState<SharingClass | ''>('');
  const [page, setPage] = useState(1);
  const [open, setOpen] = useState<CatalogResource>();
  const { nameOf } = useDepartments();
  const pageSize = 20;
  const { data, error, loading } = useShown(
    $api.useQuery(
      'get',
      '/api/v1/catalog',
      { params: { query: { q: q || undefined, sharingClass: sharingClass || undefined, limit: pageSize, offset: (page - 1) * pageSize } } },
      { placeholderData: keepPreviousData },
    ),
  );

  const columns: TableProps<CatalogResource>['columns'] = [
    {
      title: t('catalog.columns.title'),
      key: 'title',
      render: (_, r, index) => (
        <Button type="link" style={{ padding: 0, height: 'auto', whiteSpace: 'normal', textAlign: 'start' }} onClick={() => setOpen(r)} data-tour={index === 0 ? 'catalog-resource' : undefined}>
          {localTitle(r)}
        </Button>
      ),
    },
    { title: t('catalog.columns.owner'), key: 'owner', render: (_, r) => nameOf(r.ownerDepartment), responsive: ['md'] },
    { title: t('catalog.columns.sharingClass'), key: 'class', render: (_, r) => <SharingClassTag value={r.sharingClass} /> },
    { title: t('catalog.columns.accessModes'), key: 'modes', render: (_, r) => r.accessModes.map((m) => t(`accessModes.${m}`)).join(' / '), responsive: ['lg'] },
    { title: t('catalog.columns.fields'), key: 'fields', render: (_, r) => r.fields.length, responsive: ['lg'] },
    {
      title: '',
      key: 'request',
      render: (_, r, index) =>
        r.sharingClass === 'not-shared' ? null : (
          <Button size="small" onClick={() => navigate(`/consumer/request?resource=${encodeURIComponent(r.id)}`)} data-tour={index === 0 ? 'request-button' : undefined}>
            {t('catalog.request')}
          </Button>
        ),
    },
  ];

  return (
    <>
      <Typography.Title level={1} style={{ fontSize: 22, marginTop: 0 }}>
        {t('catalog.title')}
      </Typography.Title>
      <Flex gap={12} wrap style={{ marginBottom: 16 }} data-tour="catalog-search">
        <Input.Search
          allowClear
          aria-label={t('catalog.search')}
          placeholder={t('catalog.search')}
          onSearch={(value) => {
            setQ(value.trim());
            setPage(1);
          }}
          style={{ maxWidth: 360 }}
        />
        <Select
          aria-label={t('catalog.columns.sharingClass')}
          value={sharingClass}
          onChange={(v) => {
            setSharingClass(v);
            setPage(1);
          }}
          style={{ minWidth: 160 }}
          options={[{ value: '', label: t('catalog.allClasses') }, ...(['unconditional', 'conditional', 'not-shared'] as const).map((c) => ({ value: c, label: t(`sharingClasses.${c}`) }))]}
        />
      </Flex>
      {error ? <Alert type="error" showIcon title={error} style={{ marginBottom: 16 }} /> : null}
      <Table<CatalogResource>
        rowKey="id"
        size={screens.md ? 'middle' : 'small'}
        loading={loading}
        columns={columns}
        dataSource={data?.items ?? []}
        locale={{ emptyText: <EmptyText>{t('catalog.empty')}</EmptyText> }}
        pagination={{ current: page, pageSize, total: data?.total ?? 0, onChange: setPage, showSizeChanger: false, hideOnSinglePage: true }}
      />
      <ResourceDrawer resource={open} onClose={() => setOpen(undefined)} onRequest={(r) => navigate(`/consumer/request?resource=${encodeURIComponent(r.id)}`)} ownerName={open ? nameOf(open.ownerDepartment) : ''} />
    </>
  );
}

function ResourceDrawer({ resource, onClose, onRequest, ownerName }: { resource?: CatalogResource; onClose: () => void; onRequest: (r: CatalogResource) => void; ownerName: string }) {
  const { t } = useTranslation('consumer');
  const screens = Grid.useBreakpoint();
  const titleOf = useFieldTitles(resource);
  const en = currentLanguage() === 'en';
  return (
    <Drawer
      open={!!resource}
      onClose={onClose}
      title={resource ? localTitle(resource) : t('catalog.detail')}
      size={screens.md ? 640 : '100%'}
      extra={
        resource && resource.sharingClass !== 'not-shared' ? (
          <Button type="primary" onClick={() => onRequest(resource)}>
            {t('catalog.request')}
          </Button>
        ) : null
      }
    >
      {resource ? (
        <>
          {resource.sharingClass === 'not-shared' ? <Alert type="warning" showIcon title={t('catalog.notShared')} style={{ marginBottom: 16 }} /> : null}
          <Descriptions column={1} bordered size="small" style={{ marginBottom: 16 }}>
            <Descriptions.Item label={t('catalog.columns.owner')}>{ownerName}</Descriptions.Item>
            <Descriptions.Item label={t('catalog.columns.sharingClass')}>
              <SharingClassTag value={resource.sharingClass} />
            </Descriptions.Item>
            <Descriptions.Item label={t('catalog.conditions')}>{conditionsIn(resource, en ? 'en' : 'zh-CN') ?? t('catalog.none')}</Descriptions.Item>
            <Descriptions.Item label={t('catalog.legalBasis')}>{resource.legalBasis ?? t('catalog.none')}</Descriptions.Item>
            <Descriptions.Item label={t('catalog.description')}>{(en ? resource.descriptionEn : resource.description) || t('catalog.none')}</Descriptions.Item>
            <Descriptions.Item label={t('catalog.columns.accessModes')}>{resource.accessModes.map((m) => t(`accessModes.${m}`)).join(' / ')}</Descriptions.Item>
            <Descriptions.Item label={t('catalog.updateCycle')}>{resource.updateCycle}</Descriptions.Item>
          </Descriptions>
          <Typography.Title level={2} style={{ fontSize: 16 }}>
            {t('catalog.fields')}
          </Typography.Title>
          <Table
            rowKey="name"
            size="small"
            pagination={false}
            dataSource={resource.fields}
            columns={[
              { title: t('catalog.fieldName'), key: 'name', render: (_, f) => titleOf(f.name) },
              { title: t('catalog.sensitivity'), key: 'sensitivity', render: (_, f) => <SensitivityTag value={f.sensitivity} /> },
            ]}
          />
        </>
      ) : null}
    </Drawer>
  );
}
