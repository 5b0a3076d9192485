/**
 * 部门名录: the departments (GET /api/v1/departments), registering one (POST); per department its
 * systems (GET/POST /api/v1/departments/{code}/clients, the secret shown once) and its staff
 * accounts (GET/POST /api/v1/departments/{code}/people, the first password shown once).
 */
import type { Answer, Body } from '@certbridge/client';
import { App as AntApp, Alert, Button, Checkbox, Flex, Form, Grid, Input, Modal, Select, Table, Tag, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { $api, answer, platform, queryClient } from '../../app/api.ts';
import { formatInstant } from '../../app/format.ts';
import { currentLanguage } from '../../app/i18n.ts';
import { sharingProblem, useDepartments } from '../consumer/sharing.tsx';
import { creditCodeRule } from '../../shared/forms/rules.ts';
import { bodyFields, problemOnField } from '../../shared/forms/problemOnField.ts';

const ROLES = ['issuer', 'consumer', 'coordinator'] as const;
const LEVELS = ['national', 'province', 'prefecture', 'county'] as const;

/** A department as the shared list (GET /api/v1/departments) gives it. */
type Department = ReturnType<typeof useDepartments>['list'][number];
type Client = Answer<'/api/v1/departments/{code}/clients'>[number];
type Person = Answer<'/api/v1/departments/{code}/people'>[number];
type Role = (typeof ROLES)[number];

export default function DepartmentsPage() {
  const { t } = useTranslation('coordinator');
  const screens = Grid.useBreakpoint();
  // The shared list (every page's department names): registering one refreshes it everywhere.
  const { list, refresh } = useDepartments();
  const [registering, setRegistering] = useState(false);
  return (
    <>
      <Flex justify="space-between" align="center" wrap gap={12} style={{ marginBottom: 16 }}>
        <Typography.Title level={1} style={{ fontSize: 22, margin: 0 }}>
          {t('departments.title')}
        </Typography.Title>
        <Button type="primary" onClick={() => setRegistering(true)}>
          {t('departments.register')}
        </Button>
      </Flex>
      <Table<Department>
        rowKey="code"
        size={screens.md ? 'middle' : 'small'}
        dataSource={list}
        pagination={{ pageSize: 20, hideOnSinglePage: true }}
        expandable={{ expandedRowRender: (d) => <DepartmentDetail department={d} /> }}
        columns={[
          { title: t('departments.columns.name'), key: 'name', render: (_, d) => (currentLanguage() === 'en' ? d.nameEn : d.name) },
          { title: t('departments.columns.code'), dataIndex: 'code', responsive: ['md'], render: (code: string) => <Typography.Text code>{code}</Typography.Text> },
          { title: t('departments.columns.level'), key: 'level', render: (_, d) => t(`departments.levels.${d.level}`, { defaultValue: d.level }), responsive: ['lg'] },
          { title: t('departments.columns.region'), dataIndex: 'region', responsive: ['lg'] },
        ]}
      />
      <RegisterModal open={registering} onClose={() => setRegistering(false)} onDone={refresh} />
    </>
  );
}

function RegisterModal({ open, onClose, onDone }: { open: boolean; onClose: () => void; onDone: () => void }) {
  const { t } = useTranslation('coordinator');
  const { message } = AntApp.useApp();
  const [form] = Form.useForm<Body<'/api/v1/departments', 'post'>>();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const required = { required: true, whitespace: true, message: t('departments.form.required') };
  const send = async () => {
    let values: Body<'/api/v1/departments', 'post'>;
    try {
      values = await form.validateFields();
    } catch {
      return;
    }
    setBusy(true);
    setError(undefined);
    try {
      await answer(platform.POST('/api/v1/departments', { body: { ...values, code: values.code.trim().toUpperCase() } }));
      void message.success(t('departments.registered'));
      form.resetFields();
      onClose();
      onDone();
    } catch (e) {
      const text = sharingProblem(e, t);
      if (!problemOnField(form, e, text, bodyFields('code', 'name', 'nameEn', 'level', 'region'))) setError(text);
    } finally {
      setBusy(false);
    }
  };
  return (
    <Modal open={open} title={t('departments.register')} onCancel={onClose} onOk={() => void send()} confirmLoading={busy} destroyOnHidden>
      <Form form={form} layout="vertical" initialValues={{ level: 'province' }}>
        <Form.Item name="code" label={t('departments.form.code')} rules={[required, creditCodeRule(t)]}>
          <Input maxLength={18} style={{ fontFamily: 'monospace' }} />
        </Form.Item>
        <Form.Item name="name" label={t('departments.form.name')} rules={[required]}>
          <Input maxLength={200} />
        </Form.Item>
        <Form.Item name="nameEn" label={t('departments.form.nameEn')} rules={[required]}>
          <Input maxLength={200} />
        </Form.Item>
        <Flex gap={16} wrap>
          <Form.Item name="level" label={t('departments.form.level')} rules={[required]}>
            <Select style={{ minWidth: 140 }} options={LEVELS.map((l) => ({ value: l, label: t(`departments.levels.${l}`) }))} />
          </Form.Item>
          <Form.Item name="region" label={t('departments.form.region')} rules={[required, { pattern: /^[0-9]{6}$/, message: t('departments.form.regionInvalid') }]}>
            <Input maxLength={6} style={{ width: 140 }} />
          </Form.Item>
        </Flex>
      </Form>
      {error ? <Alert type="error" showIcon title={error} /> : null}
    </Modal>
  );
}

function DepartmentDetail({ department }: { department: Department }) {
  const { t } = useTranslation('coordinator');
  const { modal } = AntApp.useApp();
  const language = currentLanguage();
  const of = { params: { path: { code: department.code } } };
  const systems = $api.useQuery('get', '/api/v1/departments/{code}/clients', of);
  const people = $api.useQuery('get', '/api/v1/departments/{code}/people', of);
  const [adding, setAdding] = useState<'system' | 'person'>();
  const [form] = Form.useForm<{ name?: string; roles: Role[]; role: Role }>();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();

  const send = async () => {
    let values;
    try {
      values = await form.validateFields();
    } catch {
      return;
    }
    setBusy(true);
    setError(undefined);
    try {
      if (adding === 'system') {
        const created = await answer(platform.POST('/api/v1/departments/{code}/clients', { ...of, body: { name: values.name || undefined, roles: values.roles } }));
        modal.info({ title: t('departments.secretOnce'), content: <Typography.Paragraph copyable code style={{ wordBreak: 'break-all' }}>{`${created.clientId}\n${created.clientSecret}`}</Typography.Paragraph> });
        void queryClient.invalidateQueries({ queryKey: ['get', '/api/v1/departments/{code}/clients', of] });
      } else {
        const created = await answer(platform.POST('/api/v1/departments/{code}/people', { ...of, body: { role: values.role, name: values.name || undefined } }));
        modal.info({ title: t('departments.passwordOnce'), content: <Typography.Paragraph copyable code>{`${created.username}\n${created.password}`}</Typography.Paragraph> });
        void queryClient.invalidateQueries({ queryKey: ['get', '/api/v1/departments/{code}/people', of] });
      }
      form.resetFields();
      setAdding(undefined);
    } catch (e) {
      const text = sharingProblem(e, t);
      if (!problemOnField(form, e, text, bodyFields('name', 'roles', 'role'))) setError(text);
    } finally {
      setBusy(false);
    }
  };

  const roleTags = (roles: string[]) => roles.map((r) => <Tag key={r}>{t(`departments.roleNames.${r}`, { defaultValue: r })}</Tag>);
  return (
    <Flex vertical gap={16}>
      <div>
        <Flex justify="space-between" align="center" style={{ marginBottom: 8 }}>
          <Typography.Text strong>{t('departments.systems')}</Typography.Text>
          <Button size="small" onClick={() => setAdding('system')}>
            {t('departments.addSystem')}
          </Button>
        </Flex>
        {systems.error ? <Alert type="error" showIcon title={sharingProblem(systems.error, t)} /> : null}
        <Table<Client>
          rowKey="clientId"
          size="small"
          pagination={false}
          loading={systems.isFetching}
          dataSource={systems.data ?? []}
          scroll={{ x: 'max-content' }}
          columns={[
            { title: t('departments.systemColumns.clientId'), dataIndex: 'clientId' },
            { title: t('departments.systemColumns.name'), dataIndex: 'name' },
            { title: t('departments.systemColumns.roles'), key: 'roles', render: (_, c) => roleTags(c.roles) },
          ]}
        />
      </div>
      <div>
        <Flex justify="space-between" align="center" style={{ marginBottom: 8 }}>
          <Typography.Text strong>{t('departments.people')}</Typography.Text>
          <Button size="small" onClick={() => setAdding('person')}>
            {t('departments.addPerson')}
          </Button>
        </Flex>
        {people.error ? <Alert type="error" showIcon title={sharingProblem(people.error, t)} /> : null}
        <Table<Person>
          rowKey="username"
          size="small"
          pagination={false}
          loading={people.isFetching}
          dataSource={people.data ?? []}
          scroll={{ x: 'max-content' }}
          columns={[
            { title: t('departments.personColumns.username'), dataIndex: 'username' },
            { title: t('departments.personColumns.name'), dataIndex: 'name' },
            { title: t('departments.personColumns.role'), key: 'role', render: (_, p) => roleTags([p.role]) },
            { title: t('departments.personColumns.enabled'), key: 'enabled', render: (_, p) => (p.enabled ? t('departments.enabled') : t('departments.disabled')) },
            { title: t('departments.personColumns.lastSignInAt'), key: 'last', render: (_, p) => (p.lastSignInAt ? formatInstant(p.lastSignInAt, language) : t('departments.never')) },
          ]}
        />
      </div>
      <Modal open={!!adding} title={adding === 'system' ? t('departments.addSystem') : t('departments.addPerson')} onCancel={() => setAdding(undefined)} onOk={() => void send()} confirmLoading={busy} destroyOnHidden>
        <Form form={form} layout="vertical" initialValues={{ roles: ['consumer'], role: 'consumer' }}>
          <Form.Item name="name" label={adding === 'system' ? t('departments.systemName') : t('departments.personName')}>
            <Input maxLength={100} />
          </Form.Item>
          {adding === 'system' ? (
            <Form.Item name="roles" label={t('departments.roles')} rules={[{ required: true, type: 'array', min: 1 }]}>
              <Checkbox.Group options={ROLES.map((r) => ({ value: r, label: t(`departments.roleNames.${r}`) }))} />
            </Form.Item>
          ) : (
            <Form.Item name="role" label={t('departments.personRole')} rules={[{ required: true }]}>
              <Select options={ROLES.map((r) => ({ value: r, label: t(`departments.roleNames.${r}`) }))} />
            </Form.Item>
          )}
        </Form>
        {error ? <Alert type="error" showIcon title={error} /> : null}
      </Modal>
    </Flex>
  );
}
