/**
 * The tour running now, for the whole console: a button anywhere (the practice banner, a page, the
 * help page) starts a tour here, and the shell's TourHost shows it. The host lives outside the
 * page, so a tour survives what a switch into practice mode does to the page (it is drawn afresh).
 */
import { useSyncExternalStore } from 'react';
import type { TourKey } from './tours.ts';

let running: { key: TourKey; started: number } | undefined;
const listeners = new Set<() => void>();
const tell = () => listeners.forEach((listener) => listener());

export function startTour(key: TourKey): void {
  running = { key, started: Date.now() };
  tell();
}

export function stopTour(): void {
  running = undefined;
  tell();
}

/** The tour running now (`started` tells two starts of the same tour apart). */
export function useRunningTour(): { key: TourKey; started: number } | undefined {
  return useSyncExternalStore(
    (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    () => running,
  );
}
