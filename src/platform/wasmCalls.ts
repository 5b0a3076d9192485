/**
 * Node 20's V8 (11.3) can abort the whole process ("unreachable code" in the deoptimizer) when it
 * has inlined a call from JavaScript into WebAssembly and later deoptimises the caller. CertBridge
 * calls WebAssembly on hot paths (the policy engine, Cedar; the embedded store, PGlite), and the
 * fuzzing pass hit the abort in most runs. Turning that inlining off costs a few per cent on those
 * calls and removes the crash. Imported (for its effect) by every module that calls WebAssembly,
 * before it does; the flag is read when a function is optimised, so setting it first is enough.
 */
import { setFlagsFromString } from 'node:v8';

setFlagsFromString('--no-turbo-inline-js-wasm-calls');
