/**
 * `certbridge check uscc|license-id|number` and `certbridge types validate|publish`: the code checks
 * alone, so that a person pasting codes into a terminal, or a script calling it per row, gets an
 * answer at once (nothing else is loaded); license types as documents (docs/license-types.md), whose
 * validation needs no store: it is what an author runs before sending a definition to the
 * coordination office.
 */
import { readFile } from 'node:fs/promises';
import { checkCreditCode } from './creditCode.ts';
import { parseLicenseIdentifier } from './licenseIdentifier.ts';
import type { NumberCheck } from './licenseNumbers.ts';
import type { DefinitionError } from './licenseType.ts';

/** Prints the verdict on a unified social credit code (GB 32100); returns the exit code. */
export function checkUsccCommand(code: string, out: (line: string) => void): number {
  const result = checkCreditCode(code);
  if (result.valid) {
    out(`valid: ${code}`);
    return 0;
  }
  for (const p of result.problems) out(`invalid: ${p.message} (${p.messageZh}) [${p.rule}${p.position ? ` at ${p.position}` : ''}]`);
  return 1;
}

/** Prints the verdict on an e-license identifier (GB/T 36904); returns the exit code. */
export function checkLicenseIdCommand(identifier: string, out: (line: string) => void): number {
  const result = parseLicenseIdentifier(identifier);
  if (result.ok) {
    const p = result.parts;
    out(`valid: type ${p.typeCode}, issuer ${p.issuerCode}, serial ${p.serial}, version ${p.version}, check ${p.check}`);
    return 0;
  }
  for (const p of result.problems) out(`invalid: ${p.message} (${p.messageZh}) [${p.rule}]`);
  return 1;
}

/** Reads a definition file; an unreadable or non-JSON file is one error at the root. */
export async function readDefinition(file: string): Promise<{ ok: true; document: unknown } | { ok: false; errors: DefinitionError[] }> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    return { ok: false, errors: [{ pointer: '', message: `cannot read ${file}: ${(error as Error).message}` }] };
  }
  try {
    return { ok: true, document: JSON.parse(text) as unknown };
  } catch (error) {
    return { ok: false, errors: [{ pointer: '', message: `${file} is not JSON: ${(error as Error).message}` }] };
  }
}

/** `types validate <file>`: every error by JSON pointer; exit 0 when valid, 1 when not. */
export async function validateDefinitionFile(file: string, json: boolean, out: (line: string) => void): Promise<number> {
  const read = await readDefinition(file);
  const check = read.ok ? (await import('./licenseType.ts')).validateTypeDefinition(read.document) : read;
  if (json) {
    out(JSON.stringify(check.ok ? { valid: true, key: check.definition.key, version: check.definition.version, errors: [] } : { valid: false, errors: check.errors }, null, 2));
  } else if (check.ok) {
    out(`valid: ${check.definition.key} ${check.definition.version} (${check.definition.name})`);
  } else {
    for (const e of check.errors) out(`invalid: ${e.pointer || '/'}: ${e.message}`);
  }
  return check.ok ? 0 : 1;
}

/** `check number`: the verdict and each problem; exit 0 valid, 1 invalid. */
export function printNumberCheck(key: string, input: string, check: NumberCheck, json: boolean, out: (line: string) => void): number {
  if (json) out(JSON.stringify(check, null, 2));
  else if (check.valid) out(`valid: ${check.normalised} (${key})`);
  else for (const p of check.problems) out(`invalid: ${p.message} (${p.messageZh}) [${p.code}${p.at !== undefined ? ` at ${p.at}` : ''}]`);
  return check.valid ? 0 : 1;
}
