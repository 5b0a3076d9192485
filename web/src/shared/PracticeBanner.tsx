/**
 * Practice mode (练习模式) in the console: the switch into it (in the header, for staff and for an
 * enterprise), and the banner on every page while it is on — what it is, the practice enterprises
 * to issue to (staff), the guided tours (开始引导), a reset with confirmation, and the way out.
 * The switch itself: practiceSwitch.ts.
 */
import { ExperimentOutlined, LogoutOutlined, ReloadOutlined, ShopOutlined } from '@ant-design/icons';
import { Alert, Button, Flex, Grid, Popconfirm, Popover, Tooltip, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { useSession } from '../app/session.tsx';
import { usePracticeSwitch, useUnlicensedPracticeEnterprises, type PracticeEnterprise } from './practiceSwitch.ts';
import { TourStart } from './tours/index.ts';
import './tours/messages.ts';

/** The header's way into practice mode (staff or an enterprise, not in it). */
export function PracticeSwitch() {
  const { t } = useTranslation('tours');
  const { principal } = useSession();
  const { busy, run } = usePracticeSwitch();
  const phone = !Grid.useBreakpoint().md;
  if (!principal || principal.practice) return null;
  return (
    <Tooltip title={t(principal.kind === 'holder' ? 'banner.enterHintEnterprise' : 'banner.enterHint')}>
      <Button icon={<ExperimentOutlined aria-hidden />} loading={busy === 'on'} onClick={() => void run('on', t('banner.entered'))} data-practice-switch="">
        {phone ? t('banner.enterphone') : t('banner.enter')}
      </Button>
    </Tooltip>
  );
}

function Enterprises({ unlicensed }: { unlicensed: PracticeEnterprise[] }) {
  const { t } = useTranslation('tours');
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
  const staff = principal?.kind === 'person';
  const unlicensed = useUnlicensedPracticeEnterprises(staff && principal.practice);
  if (!principal?.practice) return null;
  const roles = principal.kind === 'person' ? principal.roles : (['enterprise'] as const);
  return (
    <section aria-label={t('banner.title')} data-practice-banner="" style={{ marginBottom: 16 }}>
      <Alert
        type="warning"
        showIcon
        icon={<ExperimentOutlined aria-hidden />}
        title={<Typography.Text strong>{t('banner.title')}</Typography.Text>}
        description={
          <Flex vertical gap={8}>
            <span>{principal.kind === 'person' ? t('banner.text', { department: principal.departmentName }) : t('banner.textEnterprise', { name: principal.name })}</span>
            <Flex gap={8} wrap>
              <TourStart roles={roles} />
              {staff ? <Enterprises unlicensed={unlicensed} /> : null}
              <Popconfirm
                title={t('banner.resetConfirm')}
                description={<div style={{ maxWidth: 280 }}>{t(staff ? 'banner.resetDetail' : 'banner.resetDetailEnterprise')}</div>}
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
    </section>
  );
}
