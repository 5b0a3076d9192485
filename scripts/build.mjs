// `npm run build` (run by `npm install` through `prepare`, and before `npm test`): compiles src/ to
// dist/ with tsc, copies what the code reads beside itself (migrations, policies, data files, the
// worker bootstrap), and builds the web console (web/ → web/dist with Vite) unless nothing it is
// built from changed since the last build (a hash stamp), so `npm test` stays quick.
//   --clean      remove dist/ and web/dist first (a full build)
//   --skip-web   the server only
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, constants as zlib, gzipSync } from 'node:zlib';

const root = fileURLToPath(new URL('..', import.meta.url));
const src = join(root, 'src');
const dist = join(root, 'dist');
const ASSETS = /\.(sql|cedar|json|mjs|cedarschema)$/;
const clean = process.argv.includes('--clean');

if (clean) rmSync(dist, { recursive: true, force: true });
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

if (!process.argv.includes('--skip-web')) buildWeb();

/** The web console: Vite's production build into web/dist, then precompressed copies of the text files. */
function buildWeb() {
  const web = join(root, 'web');
  const out = join(web, 'dist');
  const stamp = join(out, '.stamp');
  if (clean) rmSync(out, { recursive: true, force: true });
  const hash = webInputsHash(web);
  if (existsSync(join(out, 'index.html')) && existsSync(stamp) && readFileSync(stamp, 'utf8') === hash) {
    process.stdout.write('build: web/dist is up to date (web sources and packages unchanged)\n');
    return;
  }
  const started = Date.now();
  execFileSync(process.execPath, [join(root, 'node_modules', 'vite', 'bin', 'vite.js'), 'build', '--config', join(web, 'vite.config.ts')], { stdio: 'inherit', cwd: web });
  const compressed = precompress(out);
  writeFileSync(stamp, hash);
  process.stdout.write(`build: web/dist built in ${((Date.now() - started) / 1000).toFixed(1)} s, ${compressed} files precompressed (br, gz)\n`);
}

/**
 * What the console is built from: every file under web/ but its output, this script, and the
 * exact versions (from package-lock.json) of the packages web/ imports (found in its sources, so
 * a new import counts at once) and of their dependencies. A server-side dependency that another
 * change adds does not rebuild the console.
 */
function webInputsHash(web) {
  const hash = createHash('sha256');
  const files = [];
  (function walk(dir) {
    for (const name of readdirSync(dir).sort()) {
      const path = join(dir, name);
      if (path === join(web, 'dist') || name === 'node_modules') continue;
      if (statSync(path).isDirectory()) walk(path);
      else files.push(path);
    }
  })(web);
  const imported = new Set();
  for (const file of [...files, fileURLToPath(import.meta.url)]) {
    const content = readFileSync(file);
    hash.update(relative(root, file)).update('\0').update(content).update('\0');
    if (/\.(ts|tsx|mts|js|mjs)$/.test(file)) {
      for (const [, specifier] of content.toString('utf8').matchAll(/(?:from|import)\s*\(?\s*['"]([^'".][^'"]*)['"]/g)) {
        if (specifier.startsWith('node:')) continue;
        const parts = specifier.split('/');
        imported.add(specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]);
      }
    }
  }
  const lockPath = join(root, 'package-lock.json');
  const packages = existsSync(lockPath) ? (JSON.parse(readFileSync(lockPath, 'utf8')).packages ?? {}) : {};
  const seen = new Set();
  const queue = [...imported];
  while (queue.length > 0) {
    const name = queue.shift();
    const entry = packages[`node_modules/${name}`];
    if (seen.has(name) || !entry) continue;
    seen.add(name);
    queue.push(...Object.keys(entry.dependencies ?? {}), ...Object.keys(entry.optionalDependencies ?? {}), ...Object.keys(entry.peerDependencies ?? {}));
  }
  for (const name of [...seen].sort()) hash.update(`${name}@${packages[`node_modules/${name}`].version}\n`);
  return hash.digest('hex');
}

/** Writes name.br and name.gz beside every compressible file of 1 KB or more (the server sends them to clients that accept them). */
function precompress(dir) {
  let count = 0;
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) count += precompress(path);
    else if (/\.(js|css|svg|json|txt|map)$/.test(name) && statSync(path).size >= 1024) {
      const content = readFileSync(path);
      writeFileSync(`${path}.br`, brotliCompressSync(content, { params: { [zlib.BROTLI_PARAM_QUALITY]: 11, [zlib.BROTLI_PARAM_SIZE_HINT]: content.length } }));
      writeFileSync(`${path}.gz`, gzipSync(content, { level: 9 }));
      count++;
    }
  }
  return count;
}
