/**
 * 开始引导: the button that starts a guided tour — the only tour of the roles given, or a menu of
 * them. Every tour runs on practice data: outside practice mode the button asks first whether to
 * switch into it (a confirmation), switches, and then starts the tour. The tour itself is shown by
 * the shell's TourHost (tourStore), so it survives the page being drawn afresh by the switch.
 */
import { PlayCircleOutlined } from '@ant-design/icons';
import { App as AntApp, Button, Dropdown } from 'antd';
import { useTranslation } from 'react-i18next';
import { useSession } from '../../app/session.tsx';
import { usePracticeSwitch } from '../practiceSwitch.ts';
import './messages.ts';
import { startTour } from './tourStore.ts';
import { toursFor, type TourDefinition, type TourRole } from './tours.ts';

export function TourStart({ roles, label, size = 'small' }: { roles: readonly TourRole[]; label?: string; size?: 'small' | 'middle' }) {
  const { t } = useTranslation('tours');
  const { principal } = useSession();
  const { modal } = AntApp.useApp();
  const { busy, run } = usePracticeSwitch();
  const tours = toursFor(roles);
  const text = label ?? t('banner.start');
  const practising = principal?.practice === true;

  const start = (tour: TourDefinition | undefined) => {
    if (!tour) return;
    if (!tour.practice || practising) {
      startTour(tour.key);
      return;
    }
    void modal.confirm({
      title: t('start.confirmTitle'),
      content: t('start.confirmText', { tour: t(`names.${tour.key}`) }),
      okText: t('start.confirmOk'),
      cancelText: t('banner.cancel'),
      onOk: async () => {
        if (await run('on', t('banner.entered'))) startTour(tour.key);
      },
    });
  };

  return tours.length === 1 ? (
    <Button size={size} type="primary" icon={<PlayCircleOutlined aria-hidden />} loading={busy === 'on'} onClick={() => start(tours[0])} data-tour-start={tours[0].key}>
      {text}
    </Button>
  ) : (
    <Dropdown menu={{ items: tours.map((x) => ({ key: x.key, label: t(`names.${x.key}`) })), onClick: ({ key }) => start(tours.find((x) => x.key === key)) }}>
      <Button size={size} type="primary" icon={<PlayCircleOutlined aria-hidden />} loading={busy === 'on'} disabled={tours.length === 0}>
        {text}
      </Button>
    </Dropdown>
  );
}
