/**
 * Who did something, as a person reads it: the name the server gave beside the actor (a person's,
 * an enterprise's), else the actor without its kind (`person:`, `holder:`, `operator:`) — a
 * department's system by its client id.
 */
export function who(actor: string | null, name?: string | null): string {
  return name ?? (actor ?? '—').replace(/^(person|holder|operator):/, '');
}
