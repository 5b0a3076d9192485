import type { ReactNode } from 'react';

/** What an empty table or list says, in a grey dark enough to read (4.5:1 on white). */
export function EmptyText({ children }: { children: ReactNode }) {
  return <span style={{ color: '#595959' }}>{children}</span>;
}
