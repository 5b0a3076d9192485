/**
 * A problem with the file, the mapping or the command line as a whole (exit code 2), as
 * opposed to a problem with one row (reported in the rejected-rows report, exit code 1).
 */
export class ImportFileError extends Error {
  readonly exitCode = 2;

  constructor(message: string) {
    super(message);
    this.name = 'ImportFileError';
  }
}
