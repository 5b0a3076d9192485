/**
 * Where each JSON pointer of a document is in its text: the line (from 1) of every member's key
 * and every array item, so an error the platform locates by pointer (/dataSchema/properties/x/title)
 * is shown on the line of the document that holds it. A pointer the document does not have (a
 * required member missing) is shown on the line of its nearest parent that it has.
 */
export function pointerLines(text: string): Map<string, number> {
  const lines = new Map<string, number>();
  let i = 0;
  let line = 1;
  const space = () => {
    while (i < text.length && /\s/.test(text[i])) {
      if (text[i] === '\n') line++;
      i++;
    }
  };
  const string = (): string => {
    const start = i;
    i++;
    while (i < text.length && text[i] !== '"') i += text[i] === '\\' ? 2 : 1;
    i++;
    return JSON.parse(text.slice(start, i)) as string;
  };
  const escape = (segment: string) => segment.replace(/~/g, '~0').replace(/\//g, '~1');
  const value = (pointer: string): void => {
    space();
    if (!lines.has(pointer)) lines.set(pointer, line);
    const c = text[i];
    if (c === '{') {
      i++;
      space();
      while (i < text.length && text[i] !== '}') {
        space();
        const keyLine = line;
        const key = string();
        lines.set(`${pointer}/${escape(key)}`, keyLine);
        space();
        i++; // :
        value(`${pointer}/${escape(key)}`);
        space();
        if (text[i] === ',') i++;
        space();
      }
      i++;
    } else if (c === '[') {
      i++;
      space();
      for (let n = 0; i < text.length && text[i] !== ']'; n++) {
        value(`${pointer}/${n}`);
        space();
        if (text[i] === ',') i++;
        space();
      }
      i++;
    } else if (c === '"') {
      string();
    } else {
      while (i < text.length && !/[\s,\]}]/.test(text[i])) i++;
    }
  };
  try {
    value('');
  } catch {
    // Not JSON: the lines found so far.
  }
  return lines;
}

/** The line of a pointer, or of its nearest parent the document has. */
export function lineOf(lines: Map<string, number>, pointer: string): number | undefined {
  for (let p = pointer; ; p = p.slice(0, p.lastIndexOf('/'))) {
    const found = lines.get(p);
    if (found !== undefined) return found;
    if (p === '') return undefined;
  }
}
