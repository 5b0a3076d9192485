/** The objections API (数据异议) as the console uses it: types, calls, and problems in the user's words. */
import type { TFunction } from 'i18next';
import { api, ApiError, problemMessage } from '../../app/api.ts';
import { registerMessages } from '../../app/i18n.ts';
import { objectionMessages } from './messages.ts';

registerMessages('objections', objectionMessages);

export type ObjectionStatus = 'submitted' | 'accepted' | 'rejected' | 'escalated';

export interface EvidenceFile {
  n: number;
  name: string;
  contentType: string;
  size: number;
  sha256: string;
  addedBy: string;
  addedAt: string;
}

export interface Objection {
  id: string;
  status: ObjectionStatus;
  final: boolean;
  licenseIdentifier: string;
  licenseVersion: number;
  licenseType: string;
  holderCode: string;
  issuerCode: string;
  objector: { kind: 'department' | 'holder'; department: string | null; holderCode: string | null };
  objectedBy: string;
  fields: string[];
  reason: string;
  evidenceText: string | null;
  proposed: Record<string, unknown> | null;
  submittedAt: string;
  dueDate: string;
  dueAt: string;
  overdue: boolean;
  answeredAt: string | null;
  answeredOnTime: boolean | null;
  decision: { decision: 'accept' | 'reject'; reason: string | null; decidedBy: string; decidedAt: string; byCoordinationOffice: boolean } | null;
  escalation: { kind: 'objector' | 'overdue'; reason: string | null; at: string } | null;
  amendment: { identifier: string; version: number } | null;
  evidence: EvidenceFile[];
  history?: { event: string; status: ObjectionStatus; actor: string; reason: string | null; at: string }[];
}

export const MAX_EVIDENCE_BYTES = 5 * 1024 * 1024;

export const listObjections = (query: Record<string, string | number | undefined>, signal?: AbortSignal) =>
  api<{ items: Objection[]; nextCursor: string | null }>('/api/v1/objections', { query: { limit: 200, ...query }, signal });
export const readObjection = (id: string, signal?: AbortSignal) => api<Objection>(`/api/v1/objections/${encodeURIComponent(id)}`, { signal });
export const submitObjection = (body: { licenseIdentifier: string; fields: string[]; reason: string; evidence?: string; proposed?: Record<string, unknown> }) =>
  api<Objection>('/api/v1/objections', { method: 'POST', body });
export const uploadEvidence = (id: string, file: File) =>
  api<EvidenceFile>(`/api/v1/objections/${encodeURIComponent(id)}/evidence`, { method: 'POST', file, query: { name: file.name.slice(0, 200) || 'evidence' } });
export const decideObjection = (id: string, body: { decision: 'accept' | 'reject'; reason?: string; data?: Record<string, unknown> }) =>
  api<Objection>(`/api/v1/objections/${encodeURIComponent(id)}/decision`, { method: 'POST', body });
export const escalateObjection = (id: string, reason: string) => api<Objection>(`/api/v1/objections/${encodeURIComponent(id)}/escalation`, { method: 'POST', body: { reason } });
export const evidenceUrl = (id: string, n: number) => `/api/v1/objections/${encodeURIComponent(id)}/evidence/${n}`;

/** A failure in the user's words: the objections' own codes first, then the console's. */
export function objectionProblem(error: unknown, t: TFunction): string {
  if (error instanceof ApiError && error.code) {
    const own = t(`objections:problems.${error.code}`, { defaultValue: '' });
    if (own) return own;
  }
  return problemMessage(error, t);
}
