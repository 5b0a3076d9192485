/**
 * `certbridge check uscc|license-id`: the code checks alone, so that a person pasting codes into a
 * terminal, or a script calling it per row, gets an answer at once (nothing else is loaded).
 */
import { checkCreditCode } from './creditCode.ts';
import { parseLicenseIdentifier } from './licenseIdentifier.ts';

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
