/**
 * Where the running tour is shown (in the shell, outside the page): the tour started by any
 * TourStart, with practice examples — literal ones, and for the issuing tour the practice copy's
 * first enterprise without a license (`{holderCode}`, `{holderName}`). Outside practice mode no
 * example is offered (a tour started there switched into practice first).
 */
import { useSession } from '../../app/session.tsx';
import { useUnlicensedPracticeEnterprises } from '../practiceSwitch.ts';
import { GuidedTour } from './GuidedTour.tsx';
import { stopTour, useRunningTour } from './tourStore.ts';
import { tourOf, type TourExamples } from './tours.ts';

export function TourHost() {
  const { principal } = useSession();
  const running = useRunningTour();
  const practising = principal?.practice === true;
  const [unlicensed] = useUnlicensedPracticeEnterprises(practising && running !== undefined);
  const tour = running ? tourOf(running.key) : undefined;
  const examples: TourExamples | undefined = practising ? (unlicensed ? { holderCode: unlicensed.holderCode, holderName: unlicensed.name } : {}) : undefined;
  return <GuidedTour key={running ? `${running.key}-${running.started}` : 'none'} tour={tour} examples={examples} onClose={stopTour} />;
}
