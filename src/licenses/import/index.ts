// Import of a department's own files (CSV, JSON, XML) onto a license standard.
export { ImportFileError } from './errors.ts';
export { ImportAbortedError, importLicenses, resolveIssuer, WORKER_SIGNING_BYTES } from './importer.ts';
export type { ImportOptions, ImportProgress, ImportSummary } from './importer.ts';
export { loadMapping, normalizeDate, validateMapping, type Mapping } from './mapping.ts';
export { REPORT_COLUMNS } from './report.ts';
