/** The console's look: the sober blue of government systems, Chinese fonts first. */
import type { ThemeConfig } from 'antd';

export const BRAND = {
  blue: '#1d4e89',
  deepBlue: '#0f2f57',
  green: '#237804',
  orange: '#ad4e00',
  red: '#a8071a',
  grey: '#434343',
} as const;

export const theme: ThemeConfig = {
  token: {
    colorPrimary: BRAND.blue,
    colorLink: BRAND.blue,
    colorSuccess: '#389e0d',
    colorError: '#cf1322',
    borderRadius: 4,
    fontFamily:
      "-apple-system, BlinkMacSystemFont, 'PingFang SC', 'Hiragino Sans GB', 'Microsoft YaHei', 'Noto Sans CJK SC', 'Noto Sans SC', 'Source Han Sans SC', 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif",
    // Secondary text dark enough for WCAG AA on white and on the light grey of the layout.
    colorTextSecondary: 'rgba(0, 0, 0, 0.65)',
    colorTextTertiary: 'rgba(0, 0, 0, 0.6)',
    colorTextDescription: 'rgba(0, 0, 0, 0.65)',
    colorTextPlaceholder: 'rgba(0, 0, 0, 0.55)',
  },
  components: {
    Layout: { siderBg: BRAND.deepBlue, triggerBg: '#0b2444', headerBg: '#ffffff', headerPadding: '0 16px', bodyBg: '#f3f5f8' },
    Menu: { darkItemBg: BRAND.deepBlue, darkSubMenuItemBg: '#0b2444', darkItemSelectedBg: BRAND.blue, darkItemColor: 'rgba(255, 255, 255, 0.85)' },
  },
};

/**
 * Practice mode's colours (练习模式): amber and brown where the console is blue, from the first page
 * drawn to the last, so that practice cannot be mistaken for real work even before the banner is read.
 */
export const PRACTICE = { accent: '#ad4e00', deep: '#4a2800', deeper: '#3a1f00', selected: '#874000', body: '#fff7e6' } as const;

export const practiceTheme: ThemeConfig = {
  token: { colorPrimary: PRACTICE.accent, colorLink: PRACTICE.accent },
  components: {
    Layout: { siderBg: PRACTICE.deep, triggerBg: PRACTICE.deeper, bodyBg: PRACTICE.body },
    Menu: { darkItemBg: PRACTICE.deep, darkSubMenuItemBg: PRACTICE.deeper, darkItemSelectedBg: PRACTICE.selected },
  },
};
