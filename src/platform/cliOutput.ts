/**
 * Where a command of the command line writes: the process's stdout or stderr for an operator, a
 * buffer when a test runs the command line inside its own process (src/app/commandLine.ts). A
 * terminal (isTTY) gets progress bars; anything else gets plain lines.
 */
export type CliOutput = NodeJS.WritableStream & { readonly isTTY?: boolean };
