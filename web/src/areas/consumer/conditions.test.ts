import { describe, expect, it } from 'vitest';
import { conditionsIn } from './conditions.ts';

describe('the sharing conditions in the reader’s language', () => {
  const resource = { conditions: '仅限税收征管用途。', conditionsEn: 'Only for tax administration.' };
  it('Chinese for the Chinese console, English for the English one', () => {
    expect(conditionsIn(resource, 'zh-CN')).toBe('仅限税收征管用途。');
    expect(conditionsIn(resource, 'en')).toBe('Only for tax administration.');
  });
  it('the Chinese text when the provider wrote no English; none when there are no conditions', () => {
    expect(conditionsIn({ conditions: '仅限练习。', conditionsEn: null }, 'en')).toBe('仅限练习。');
    expect(conditionsIn({ conditions: null, conditionsEn: null }, 'en')).toBeNull();
  });
});
