export { GuidedTour } from './GuidedTour.tsx';
export { TOURS, toursFor, targetOf, type TourDefinition, type TourKey, type TourStep } from './tours.ts';
