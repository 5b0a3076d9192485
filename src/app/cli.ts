/** The command line of an operator's process (bin/certbridge.js): its environment, its streams, its exit code. */
import { runCommandLine } from './commandLine.ts';

process.exitCode = await runCommandLine(process.argv.slice(2), { out: process.stdout, err: process.stderr });
