/**
 * One Chromium for the whole browser project: started here once, each test file connects to it
 * (launchBrowser in browser.ts) and opens its own contexts, so files share no cookies or storage.
 * Starting Chromium per file cost seconds each.
 */
import type { TestProject } from 'vitest/node';
import { chromium } from 'playwright-core';
import setupRun from '../support/globalSetup.ts';
import { CHROMIUM, CHROMIUM_OPTIONS, HAS_CHROMIUM } from './browser.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The shared Chromium's Playwright endpoint ('' without Chromium: the files skip). */
    chromiumEndpoint: string;
  }
}

/** The run's own setup (seed, store templates: it runs once however often called), then Chromium. */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const teardownRun = await setupRun();
  if (!HAS_CHROMIUM) {
    project.provide('chromiumEndpoint', '');
    return teardownRun;
  }
  const server = await chromium.launchServer({ executablePath: CHROMIUM, ...CHROMIUM_OPTIONS });
  project.provide('chromiumEndpoint', server.wsEndpoint());
  return async () => {
    await server.close();
    await teardownRun();
  };
}
