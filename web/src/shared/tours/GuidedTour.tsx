/**
 * A guided tour (antd Tour) through the steps of a TourDefinition: it opens each step's page when
 * it is not the one shown, waits (up to three seconds) for the element the step points at, and
 * shows the step beside it — or in the middle of the screen when the page does not have it.
 * Render it with `key={tour?.key}`: another tour starts from its first step.
 */
import { Tour, Typography, type TourProps } from 'antd';
import { useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useLocation, useNavigate } from 'react-router';
import './messages.ts';
import { targetOf, type TourDefinition } from './tours.ts';

const WAIT_MS = 3000;
const POLL_MS = 150;

export function GuidedTour({ tour, onClose }: { tour: TourDefinition | undefined; onClose: () => void }) {
  const { t } = useTranslation('tours');
  const navigate = useNavigate();
  const { pathname } = useLocation();
  const [current, setCurrent] = useState(0);
  const [shown, setShown] = useState<number | undefined>(undefined);
  const step = tour?.steps[current];

  useEffect(() => {
    if (!step) return;
    if (pathname !== step.path) {
      void navigate(step.path);
      return;
    }
    let waited = 0;
    const timer = setInterval(() => {
      waited += POLL_MS;
      if (targetOf(step) || waited >= WAIT_MS) {
        clearInterval(timer);
        setShown(current);
      }
    }, POLL_MS);
    return () => clearInterval(timer);
  }, [step, current, pathname, navigate]);

  const steps = useMemo<TourProps['steps']>(
    () =>
      (tour?.steps ?? []).map((s, i) => ({
        title: t(`${tour!.key}.${s.key}.title`),
        description: (
          <>
            {t(`${tour!.key}.${s.key}.text`)}
            {i === shown && !targetOf(s) ? (
              <Typography.Paragraph type="secondary" style={{ marginTop: 8, marginBottom: 0 }}>
                {t('tour.missing')}
              </Typography.Paragraph>
            ) : null}
          </>
        ),
        target: () => targetOf(s) as HTMLElement,
        nextButtonProps: { children: i === tour!.steps.length - 1 ? t('tour.finish') : t('tour.next') },
        prevButtonProps: { children: t('tour.prev') },
      })),
    [tour, shown, t],
  );

  if (!tour) return null;
  return (
    <Tour
      open={shown === current}
      current={current}
      onChange={(next) => {
        setShown(undefined);
        setCurrent(next);
      }}
      onClose={onClose}
      onFinish={onClose}
      steps={steps}
      zIndex={1100}
    />
  );
}
