/**
 * 部门消息: the department's notifications (GET /api/v1/inbox), newest first, the unread ones
 * marked; each can be marked read (POST /api/v1/inbox/{id}/read) and leads to what it is about.
 */
import { App as AntApp, Alert, Badge, Button, Card, Empty, Flex, Pagination, Skeleton, Switch, Typography } from 'antd';
import type { Answer } from '@certbridge/client';
import { keepPreviousData } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { $api, answer, platform, queryClient } from '../../app/api.ts';
import { formatInstant } from '../../app/format.ts';
import { currentLanguage } from '../../app/i18n.ts';
import { BatchFailure, eachRow } from '../../shared/lists/DataTable.tsx';
import { issuerProblem } from './shared.tsx';

type Inbox = Answer<'/api/v1/inbox'>;
type Notification = Inbox['items'][number];

const PAGE = 20;

/** Where in the console a notification's API link leads. */
function consolePath(n: Notification): string | undefined {
  if (n.agreementId) return '/issuer/requests';
  const license = /^\/api\/v1\/licenses\/([^/?#]+)$/.exec(n.link ?? '');
  return license ? `/issuer/licenses/${license[1]}` : undefined;
}

export default function InboxPage() {
  const { t } = useTranslation('issuer');
  const { message } = AntApp.useApp();
  const language = currentLanguage();
  const [onlyUnread, setOnlyUnread] = useState(false);
  const [page, setPage] = useState(1);
  const init = { params: { query: { unread: onlyUnread || undefined, limit: PAGE, offset: (page - 1) * PAGE } } };
  const loaded = $api.useQuery('get', '/api/v1/inbox', init, { placeholderData: keepPreviousData });
  const inbox = loaded.data;
  const error = loaded.error ? issuerProblem(loaded.error, t) : undefined;
  const [marking, setMarking] = useState<string>();

  const markRead = async (n: Notification) => {
    setMarking(n.id);
    try {
      const updated = await answer(platform.POST('/api/v1/inbox/{id}/read', { params: { path: { id: n.id } } }));
      // This page shows the change at once; the other pages of the inbox load again when shown.
      queryClient.setQueryData<Inbox>($api.queryOptions('get', '/api/v1/inbox', init).queryKey, (current) =>
        current && {
          ...current,
          unread: Math.max(0, current.unread - (n.read ? 0 : 1)),
          items: onlyUnread ? current.items.filter((i) => i.id !== n.id) : current.items.map((i) => (i.id === n.id ? updated : i)),
        },
      );
      void queryClient.invalidateQueries({ queryKey: ['get', '/api/v1/inbox'], refetchType: 'none' });
      void message.success(t('inbox.marked'));
    } catch (e) {
      void message.error(issuerProblem(e, t));
    } finally {
      setMarking(undefined);
    }
  };

  // Every unread message of this page at once (one request each).
  const [markingPage, setMarkingPage] = useState(false);
  const unreadHere = inbox?.items.filter((n) => !n.read) ?? [];
  const markPageRead = async () => {
    setMarkingPage(true);
    try {
      await eachRow(unreadHere, (n) => platform.POST('/api/v1/inbox/{id}/read', { params: { path: { id: n.id } } }));
      void message.success(t('inbox.markedPage', { count: unreadHere.length }));
    } catch (e) {
      void message.error(issuerProblem(e instanceof BatchFailure ? e.first : e, t));
    } finally {
      setMarkingPage(false);
      void queryClient.invalidateQueries({ queryKey: ['get', '/api/v1/inbox'] });
    }
  };

  return (
    <>
      <Flex align="center" gap={12} wrap style={{ marginBottom: 16 }}>
        <Typography.Title level={1} style={{ fontSize: 22, margin: 0 }}>
          {t('inbox.title')}
        </Typography.Title>
        {inbox ? <Badge count={inbox.unread} showZero={false} overflowCount={999} title={t('inbox.unread', { count: inbox.unread })} /> : null}
        <Flex align="center" gap={8} style={{ marginInlineStart: 'auto' }}>
          {unreadHere.length > 1 ? (
            <Button size="small" loading={markingPage} onClick={() => void markPageRead()}>
              {t('inbox.markPageRead')}
            </Button>
          ) : null}
          <Switch
            id="inbox-unread"
            checked={onlyUnread}
            onChange={(checked) => {
              setOnlyUnread(checked);
              setPage(1);
            }}
          />
          <label htmlFor="inbox-unread">{t('inbox.onlyUnread')}</label>
        </Flex>
      </Flex>
      {error ? <Alert type="error" showIcon title={error} style={{ marginBottom: 16 }} /> : null}
      {!inbox && !error ? <Skeleton active /> : null}
      {inbox && inbox.items.length === 0 ? (
        <Card>
          <Empty description={t('inbox.empty')} />
        </Card>
      ) : null}
      <Flex vertical gap={12} role="list" aria-label={t('inbox.title')}>
        {inbox?.items.map((n) => {
          const path = consolePath(n);
          return (
            <Card key={n.id} size="small" role="listitem" data-notification={n.id} data-read={n.read} style={{ borderInlineStart: n.read ? undefined : '4px solid #1d4e89' }}>
              <Flex justify="space-between" gap={12} wrap>
                <div style={{ minWidth: 0, flex: '1 1 240px' }}>
                  <Typography.Text strong={!n.read} className="cb-break">
                    {language === 'en' ? n.titleEn : n.title}
                  </Typography.Text>
                  {n.body ? (
                    <Typography.Paragraph className="cb-break" style={{ margin: '4px 0 0', whiteSpace: 'pre-wrap' }}>
                      {n.body}
                    </Typography.Paragraph>
                  ) : null}
                  <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                    {formatInstant(n.createdAt, language)}
                    {n.read ? ` · ${t('inbox.read')}` : ''}
                  </Typography.Text>
                </div>
                <Flex gap={8} align="center" wrap>
                  {path ? <Link to={path}>{t('inbox.open')}</Link> : null}
                  {!n.read ? (
                    <Button size="small" loading={marking === n.id} onClick={() => void markRead(n)}>
                      {t('inbox.markRead')}
                    </Button>
                  ) : null}
                </Flex>
              </Flex>
            </Card>
          );
        })}
      </Flex>
      {inbox && inbox.total > PAGE ? (
        <Flex justify="center" style={{ marginTop: 16 }}>
          <Pagination current={page} pageSize={PAGE} total={inbox.total} onChange={setPage} showSizeChanger={false} />
        </Flex>
      ) : null}
    </>
  );
}
