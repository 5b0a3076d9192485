/**
 * Practice mode (练习模式) in the console: the switch into it (in the header, for staff), and the
 * banner on every page while it is on — what it is, the practice enterprises to issue to, the
 * guided tours (开始引导), a reset with confirmation, and the way out. Against
 *   GET  /api/v1/session/practice          → { practice, copy }
 *   POST /api/v1/session/practice {on}     → the same; the session then acts for the copy
 *   POST /api/v1/session/practice/reset    → the same, with a fresh copy
 */
import { ExperimentOutlined, LogoutOutlined, PlayCircleOutlined, ReloadOutlined, ShopOutlined } from '@ant-design/icons';
import { Alert, App as AntApp, Button, Dropdown, Flex, Grid, Popconfirm, Popover, Tooltip, Typography } from 'antd';
import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, problemMessage } from '../app/api.ts';
import { useSession } from '../app/session.tsx';
import { GuidedTour, toursFor, type TourDefinition } from './tours/index.ts';
import './tours/messages.ts';

interface PracticeView {
  practice: boolean;
  copy: null | {
    serial: number;
    departmentCode: string;
    enterprises: { holderCode: string; name: string; seededLicense: boolean }[];
  };
}

/** Switches practice mode and reads the session again (it acts for another department now). */
function usePracticeSwitch() {
  const { refresh } = useSession();
  const { t } = useTranslation();
  const { message } = AntApp.useApp();
  const [busy, setBusy] = useState<'on' | 'off' | 'reset' | undefined>();
  const run = useCallback(
    async (what: 'on' | 'off' | 'reset', done: string) => {
      setBusy(what);
      try {
        if (what === 'reset') await api<PracticeView>('/api/v1/session/practice/reset', { method: 'POST', body: {} });
        else await api<PracticeView>('/api/v1/session/practice', { method: 'POST', body: { on: what === 'on' } });
        await refresh();
        void message.success(done);
      } catch (error) {
        void message.error(problemMessage(error, t));
      } finally {
        setBusy(undefined);
      }
    },
    [refresh, message, t],
  );
  return { busy, run };
}

/** The header's way into practice mode (staff not in it). */
export function PracticeSwitch() {
  const { t } = useTranslation('tours');
  const { principal } = useSession();
  const { busy, run } = usePracticeSwitch();
  const phone = !Grid.useBreakpoint().md;
  if (principal?.kind !== 'person' || principal.practice) return null;
  return (
    <Tooltip title={t('banner.enterHint')}>
      <Button icon={<ExperimentOutlined aria-hidden />} loading={busy === 'on'} onClick={() => void run('on', t('banner.entered'))} data-practice-switch="">
        {phone ? t('banner.enterphone') : t('banner.enter')}
      </Button>
    </Tooltip>
  );
}

function Enterprises() {
  const { t } = useTranslation('tours');
  const { principal } = useSession();
  const [view, setView] = useState<PracticeView | undefined>();
  const department = principal?.kind === 'person' ? principal.departmentCode : undefined;
  useEffect(() => {
    const controller = new AbortController();
    api<PracticeView>('/api/v1/session/practice', { signal: controller.signal })
      .then(setView)
      .catch(() => undefined);
    return () => controller.abort();
  }, [department]);
  const unlicensed = view?.copy?.enterprises.filter((e) => !e.seededLicense) ?? [];
  return (
    <Popover
      trigger="click"
      title={t('banner.enterprises')}
      content={
        <Flex vertical gap={4} style={{ maxWidth: 360 }}>
          {unlicensed.map((e) => (
            <Typography.Text key={e.holderCode}>
              <Typography.Text code copyable className="cb-code">
                {e.holderCode}
              </Typography.Text>{' '}
              {e.name}
            </Typography.Text>
          ))}
        </Flex>
      }
    >
      <Button size="small" icon={<ShopOutlined aria-hidden />} disabled={unlicensed.length === 0}>
        {t('banner.enterprises')}
      </Button>
    </Popover>
  );
}

/** The banner on every page while practice mode is on. */
export function PracticeBanner() {
  const { t } = useTranslation('tours');
  const { principal } = useSession();
  const { busy, run } = usePracticeSwitch();
  const [tour, setTour] = useState<TourDefinition | undefined>();
  if (principal?.kind !== 'person' || !principal.practice) return null;
  const tours = toursFor(principal.roles);
  const start =
    tours.length === 1 ? (
      <Button size="small" type="primary" icon={<PlayCircleOutlined aria-hidden />} onClick={() => setTour(tours[0])}>
        {t('banner.start')}
      </Button>
    ) : (
      <Dropdown menu={{ items: tours.map((x) => ({ key: x.key, label: t(`names.${x.key}`) })), onClick: ({ key }) => setTour(tours.find((x) => x.key === key)) }}>
        <Button size="small" type="primary" icon={<PlayCircleOutlined aria-hidden />} disabled={tours.length === 0}>
          {t('banner.start')}
        </Button>
      </Dropdown>
    );
  return (
    <section aria-label={t('banner.title')} data-practice-banner="" style={{ marginBottom: 16 }}>
      <Alert
        type="warning"
        showIcon
        icon={<ExperimentOutlined aria-hidden />}
        title={<Typography.Text strong>{t('banner.title')}</Typography.Text>}
        description={
          <Flex vertical gap={8}>
            <span>{t('banner.text', { department: principal.departmentName })}</span>
            <Flex gap={8} wrap>
              {start}
              <Enterprises />
              <Popconfirm
                title={t('banner.resetConfirm')}
                description={<div style={{ maxWidth: 280 }}>{t('banner.resetDetail')}</div>}
                okText={t('banner.ok')}
                cancelText={t('banner.cancel')}
                onConfirm={() => run('reset', t('banner.resetDone'))}
              >
                <Button size="small" icon={<ReloadOutlined aria-hidden />} loading={busy === 'reset'}>
                  {t('banner.reset')}
                </Button>
              </Popconfirm>
              <Button size="small" icon={<LogoutOutlined aria-hidden />} loading={busy === 'off'} onClick={() => void run('off', t('banner.left'))}>
                {t('banner.leave')}
              </Button>
            </Flex>
          </Flex>
        }
      />
      <GuidedTour key={tour?.key ?? 'none'} tour={tour} onClose={() => setTour(undefined)} />
    </section>
  );
}
