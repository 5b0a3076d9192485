import { describe, expect, it } from 'vitest';
import { acceptQuality, prefersHtml } from './webConsole.ts';

const BROWSER = 'text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,image/apng,*/*;q=0.8,application/signed-exchange;v=b3;q=0.7';

describe('content negotiation between the console page and JSON', () => {
  it('reads the q of the most specific matching range (RFC 9110)', () => {
    expect(acceptQuality(BROWSER, 'text/html')).toBe(1);
    expect(acceptQuality(BROWSER, 'application/json')).toBe(0.8);
    expect(acceptQuality('text/*;q=0.3, */*;q=0.9', 'text/html')).toBe(0.3);
    expect(acceptQuality('text/html;q=0', 'text/html')).toBe(0);
    expect(acceptQuality('application/json', 'text/html')).toBe(0);
    expect(acceptQuality(undefined, 'application/json')).toBe(1);
    expect(acceptQuality('TEXT/HTML; Q=0.5', 'text/html')).toBe(0.5);
    expect(acceptQuality('text/html;q=abc', 'text/html')).toBe(0);
  });

  it('prefers HTML for a browser navigation only; programs, curl and ties get JSON', () => {
    expect(prefersHtml(BROWSER)).toBe(true);
    expect(prefersHtml('text/html')).toBe(true);
    // Safari, Firefox
    expect(prefersHtml('text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8')).toBe(true);
    expect(prefersHtml(undefined)).toBe(false);
    expect(prefersHtml('')).toBe(false);
    expect(prefersHtml('*/*')).toBe(false);
    expect(prefersHtml('application/json')).toBe(false);
    expect(prefersHtml('application/json, text/plain, */*')).toBe(false);
    expect(prefersHtml('text/html, application/json')).toBe(false);
    expect(prefersHtml('text/html;q=0.5, application/json')).toBe(false);
    expect(prefersHtml('application/json;q=0.5, text/html')).toBe(true);
  });
});
