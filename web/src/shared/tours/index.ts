export { GuidedTour } from './GuidedTour.tsx';
export { TourHost } from './TourHost.tsx';
export { TourStart } from './TourStart.tsx';
export { startTour, stopTour, useRunningTour } from './tourStore.ts';
export { TOURS, backBarred, toursFor, tourOf, targetOf, elementOf, exampleOf, fillExample, type TourDefinition, type TourExamples, type TourKey, type TourRole, type TourStep } from './tours.ts';
export { useTourExample } from './useTourExample.ts';
