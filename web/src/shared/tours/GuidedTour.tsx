/**
 * A guided tour (antd Tour) through the steps of a TourDefinition: it opens each step's page when
 * it is not the one shown, clicks the step's `open` button when its element is not there, waits (up
 * to three seconds) for the element, and shows the step beside it — or in the middle of the screen
 * when the page does not have it. A step with an example offers to fill it in (practice values:
 * `examples`; without them no example is offered); a `press` step's "next" presses its element and
 * goes on when the next step's element shows, or stays (what was refused is said on the form).
 * "Back" presses the leaving step's `back` button when the step before is not on the page or lies
 * under what the leaving step opened (a dialog), so the step before is shown as it was; on the step
 * after a submit it is disabled, with a tooltip saying why.
 * Render it with `key={tour?.key}`: another tour starts from its first step.
 */
import { Button, Flex, Tooltip, Tour, Typography, type TourProps } from 'antd';
import { useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useLocation, useNavigate } from 'react-router';
import './messages.ts';
import { backBarred, elementOf, exampleOf, fillExample, layerOf, targetOf, type TourDefinition, type TourExamples } from './tours.ts';

const WAIT_MS = 3000;
/** How long a pressed submit may take to lead to the next step (the platform signs what is issued). */
const PRESS_WAIT_MS = 20_000;
const POLL_MS = 150;
/** Above the page's own popups; a step in a dialog goes just above the dialog, under the dialog's own dropdowns and date pickers (antd puts them 50 above it), so the clerk can still pick in them. */
const Z_INDEX = 1001;

export function GuidedTour({ tour, examples, onClose }: { tour: TourDefinition | undefined; examples?: TourExamples; onClose: () => void }) {
  const { t } = useTranslation('tours');
  const navigate = useNavigate();
  const { pathname } = useLocation();
  const [current, setCurrent] = useState(0);
  const [shown, setShown] = useState<number | undefined>(undefined);
  const [zIndex, setZIndex] = useState(Z_INDEX);
  // The step a press left, to go back to when what it leads to does not show.
  const [pressedFrom, setPressedFrom] = useState<number | undefined>(undefined);
  const step = tour?.steps[current];

  useEffect(() => {
    if (!step) return;
    if (step.path && pathname !== step.path && pressedFrom === undefined) {
      void navigate(step.path);
      return;
    }
    let waited = 0;
    let opened = false;
    const limit = pressedFrom === undefined ? WAIT_MS : PRESS_WAIT_MS;
    const timer = setInterval(() => {
      waited += POLL_MS;
      const target = targetOf(step);
      if (target) {
        clearInterval(timer);
        setZIndex(Math.max(Z_INDEX, layerOf(target) + 1));
        setPressedFrom(undefined);
        setShown(current);
        return;
      }
      const button = step.open && !opened ? elementOf(step.open) : null;
      if (button) {
        opened = true;
        button.click();
      }
      if (waited >= limit) {
        clearInterval(timer);
        setZIndex(Z_INDEX);
        if (pressedFrom === undefined) setShown(current);
        else {
          setPressedFrom(undefined);
          setCurrent(pressedFrom);
        }
      }
    }, POLL_MS);
    return () => clearInterval(timer);
  }, [step, current, pathname, navigate, pressedFrom]);

  const steps = useMemo<TourProps['steps']>(
    () =>
      (tour?.steps ?? []).map((s, i) => {
        const example = exampleOf(s, examples);
        return {
          title: t(`${tour!.key}.${s.key}.title`),
          description: (
            <>
              {t(`${tour!.key}.${s.key}.text`)}
              {backBarred(tour!, i) ? (
                <Typography.Paragraph type="secondary" style={{ marginTop: 8, marginBottom: 0 }} data-testid="tour-back-barred">
                  {t('tour.backBarred')}
                </Typography.Paragraph>
              ) : null}
              {i === shown && !targetOf(s) ? (
                <Typography.Paragraph type="secondary" style={{ marginTop: 8, marginBottom: 0 }}>
                  {t('tour.missing')}
                </Typography.Paragraph>
              ) : null}
              {example !== undefined && i === shown && targetOf(s) ? (
                <Flex gap={8} align="center" wrap style={{ marginTop: 8 }}>
                  <Typography.Text type="secondary" className="cb-break">
                    {t('tour.exampleIs', { value: example })}
                  </Typography.Text>
                  <Button size="small" onClick={() => fillExample(targetOf(s)!, example)} data-tour-example="">
                    {t('tour.example')}
                  </Button>
                </Flex>
              ) : null}
            </>
          ),
          target: () => targetOf(s) as HTMLElement,
          nextButtonProps: { children: i === tour!.steps.length - 1 ? t('tour.finish') : s.press ? t('tour.press') : t('tour.next') },
          prevButtonProps: { children: t('tour.prev') },
        };
      }),
    [tour, shown, examples, t],
  );

  if (!tour) return null;
  const go = (next: number) => {
    const leaving = tour.steps[current];
    if (next < current) {
      if (backBarred(tour, current)) return;
      // Back: the step before as it was — close what this step opened, or turn the form's page back.
      const back = leaving.back ? elementOf(leaving.back) : null;
      const before = targetOf(tour.steps[next]);
      const here = targetOf(leaving);
      if (back && (!before || (here && layerOf(before) < layerOf(here)))) back.click();
    }
    if (leaving.press && next > current) {
      targetOf(leaving)?.click();
      setPressedFrom(current);
    }
    setShown(undefined);
    setCurrent(next);
  };
  const last = current === tour.steps.length - 1;
  return (
    <Tour
      open={shown === current}
      current={current}
      onChange={go}
      onClose={onClose}
      onFinish={onClose}
      steps={steps}
      zIndex={zIndex}
      actionsRender={(origin, { current: at }) =>
        backBarred(tour, at) ? (
          <>
            <Tooltip title={t('tour.backBarred')}>
              <span data-tour-back-barred="" style={{ display: 'inline-block', marginInlineEnd: 8 }}>
                <Button size="small" disabled style={{ pointerEvents: 'none' }}>
                  {t('tour.prev')}
                </Button>
              </span>
            </Tooltip>
            <Button size="small" type="primary" onClick={() => (last ? onClose() : go(at + 1))}>
              {last ? t('tour.finish') : tour.steps[at].press ? t('tour.press') : t('tour.next')}
            </Button>
          </>
        ) : (
          origin
        )
      }
    />
  );
}
