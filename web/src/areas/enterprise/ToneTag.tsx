import { Tag, type TagProps } from 'antd';

/**
 * Ant Design's preset tag colours put their text at about 3.4:1 on the tag's tint, under WCAG
 * AA's 4.5:1 for small text: the same tints, with the darkest shade of each palette as the ink.
 */
const INK = { green: '#135200', orange: '#873800', red: '#a8071a', blue: '#003eb3', volcano: '#871400' } as const;

export type Tone = keyof typeof INK | 'default';

export function ToneTag({ tone, style, ...props }: Omit<TagProps, 'color'> & { tone: Tone }) {
  return tone === 'default' ? <Tag {...props} style={style} /> : <Tag {...props} color={tone} style={{ color: INK[tone], ...style }} />;
}
