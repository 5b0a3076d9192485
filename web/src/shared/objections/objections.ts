/** The objections API (数据异议) as the console uses it: types, calls, and problems in the user's words. */
import type { TFunction } from 'i18next';
import type { Answer, Body, paths } from '@certbridge/client';
import { $api, answer, ApiError, platform, problemMessage } from '../../app/api.ts';
import { registerMessages } from '../../app/i18n.ts';
import { objectionMessages } from './messages.ts';

registerMessages('objections', objectionMessages);

export type Objection = Answer<'/api/v1/objections/{id}'>;
export type ObjectionStatus = Objection['status'];
export type EvidenceFile = Objection['evidence'][number];
export type ListQuery = NonNullable<paths['/api/v1/objections']['get']['parameters']['query']>;

export const MAX_EVIDENCE_BYTES = 5 * 1024 * 1024;

/** The objections a page lists (every list is under the key `OBJECTIONS` starts, so a change refreshes them all). */
export const objectionsQuery = (query: ListQuery) => $api.queryOptions('get', '/api/v1/objections', { params: { query: { limit: 200, ...query } } });
export const OBJECTIONS = ['get', '/api/v1/objections'] as const;
export const objectionQuery = (id: string) => $api.queryOptions('get', '/api/v1/objections/{id}', { params: { path: { id } } });
export const submitObjection = (body: Body<'/api/v1/objections', 'post'>) => answer(platform.POST('/api/v1/objections', { body }));
/** The file goes as it is, with its own media type (the operation takes any). */
export const uploadEvidence = (id: string, file: File) =>
  answer(
    platform.POST('/api/v1/objections/{id}/evidence', {
      params: { path: { id }, query: { name: file.name.slice(0, 200) || 'evidence' } },
      body: file as never,
      bodySerializer: () => file,
      headers: { 'content-type': file.type || 'application/octet-stream' },
    }),
  );
export const decideObjection = (id: string, body: Body<'/api/v1/objections/{id}/decision', 'post'>) =>
  answer(platform.POST('/api/v1/objections/{id}/decision', { params: { path: { id } }, body }));
export const escalateObjection = (id: string, reason: string) => answer(platform.POST('/api/v1/objections/{id}/escalation', { params: { path: { id } }, body: { reason } }));
export const evidenceUrl = (id: string, n: number) => `/api/v1/objections/${encodeURIComponent(id)}/evidence/${n}`;

/** A failure in the user's words: the objections' own codes first, then the console's. */
export function objectionProblem(error: unknown, t: TFunction): string {
  if (error instanceof ApiError && error.code) {
    const own = t(`objections:problems.${error.code}`, { defaultValue: '' });
    if (own) return own;
  }
  return problemMessage(error, t);
}
