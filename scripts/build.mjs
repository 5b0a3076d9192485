// `npm run build` (run by `npm install` through `prepare`): compiles src/ to dist/ with tsc, and
// copies what the code reads beside itself (migrations, policies, data files, the worker bootstrap).
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const src = join(root, 'src');
const dist = join(root, 'dist');
const ASSETS = /\.(sql|cedar|json|mjs|cedarschema)$/;

if (process.argv.includes('--clean')) rmSync(dist, { recursive: true, force: true });
execFileSync(process.execPath, [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', join(root, 'tsconfig.build.json')], { stdio: 'inherit' });

let copied = 0;
(function copy(dir) {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) copy(path);
    else if (ASSETS.test(name)) {
      const target = join(dist, relative(src, path));
      mkdirSync(dirname(target), { recursive: true });
      cpSync(path, target);
      copied++;
    }
  }
})(src);
process.stdout.write(`build: dist/ compiled, ${copied} assets copied\n`);
