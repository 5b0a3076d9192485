#!/usr/bin/env node
// The CLI runs the compiled build (dist/, made by `npm install` through `prepare`, or `npm run build`).
// A checkout that was never built runs the TypeScript sources through tsx, a development tool.
import { existsSync } from 'node:fs';
import { setFlagsFromString } from 'node:v8';

// See src/platform/wasmCalls.ts: before anything is compiled.
setFlagsFromString('--no-turbo-inline-js-wasm-calls');

const compiled = new URL('../dist/app/cli.js', import.meta.url);
if (existsSync(compiled)) {
  await import(compiled.href);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import('../src/app/cli.ts');
}
