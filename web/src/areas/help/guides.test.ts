import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { GUIDE_SCREENS, guideOf, type GuideRole } from './guides.ts';

const ROOT = join(import.meta.dirname, '..', '..', '..', '..');
const ROLES: GuideRole[] = ['issuer', 'consumer', 'coordinator', 'enterprise'];

describe('the help guides', () => {
  it('show only pictures the browser tests take, and each picture is in web/public/help/screens', () => {
    const browserTests = readdirSync(join(ROOT, 'test', 'browser')).map((f) => readFileSync(join(ROOT, 'test', 'browser', f), 'utf8')).join('\n');
    for (const screen of GUIDE_SCREENS) {
      expect(browserTests, `a browser test takes ${screen}`).toContain(`'${screen}'`);
      expect(existsSync(join(ROOT, 'web', 'public', 'help', 'screens', `${screen}.jpg`)), `${screen}.jpg (npm run docs:screens)`).toBe(true);
    }
  });

  it('say the same in Chinese and English: the same parts, pictures and links', () => {
    for (const role of ROLES) {
      const [zh, en] = [guideOf(role, 'zh-CN'), guideOf(role, 'en')];
      expect(en.sections.map((s) => [s.screen, s.link])).toEqual(zh.sections.map((s) => [s.screen, s.link]));
      expect(zh.sections.every((s) => s.steps.length > 0)).toBe(true);
    }
  });
});
