import { useCallback } from 'react';
import { TOUR_EXAMPLE } from './tours.ts';

/**
 * For a field a guided tour may fill with an example and that is not a text box (a generated
 * form's field, a select): a ref for the element that takes the example (it or any element in
 * it receives it), `take(value, element)` with the element that received it.
 */
export function useTourExample<T extends HTMLElement>(take: (value: string, element: HTMLElement) => void) {
  return useCallback(
    (element: T | null) => {
      if (!element) return;
      const listen = (event: Event) => {
        event.preventDefault();
        take((event as CustomEvent<string>).detail, event.target as HTMLElement);
      };
      element.addEventListener(TOUR_EXAMPLE, listen);
      return () => element.removeEventListener(TOUR_EXAMPLE, listen);
    },
    [take],
  );
}
