#!/usr/bin/env node
// `npm run check:package` (run by .ci/run after `npm test`): the CLI as a user gets it.
//
//   1. `npm pack` (its prepack builds the CLI bundle) and check what the tarball holds: the bin,
//      the bundle and package.json, no sources, tests or source maps.
//   2. `npm install -g <tarball> --omit=dev` into a fresh prefix outside the checkout.
//   3. From a folder outside the checkout, the installed `stillmotion` runs a simulated batch of
//      five images: exit 0, five complete mp4 files (ftyp, moov and mdat boxes spanning the
//      whole file; ffprobe is not guaranteed on CI), then `--version` and `status`.
//
// Installing the tarball's dependencies needs the npm registry (or a warm npm cache:
// --prefer-offline). better-sqlite3 would compile from source there, which takes minutes on a
// 2-core machine; instead its install script (prebuild-install) is handed the binary `npm ci`
// already built for this very Node as a local prebuild, the same mechanism as a downloaded one.
// Nothing else of the checkout reaches the installed CLI. Set CHECK_PACKAGE_BUILD_FROM_SOURCE=1
// to let it compile instead.
//
// `--node <major>` (e.g. 26, the current LTS line) installs and runs it under that Node instead
// of this one, taken from the npm registry (scripts/registry-node.mjs): npm, the install scripts
// and the `stillmotion` command all run under it, and better-sqlite3 is compiled against its
// headers (about 80 s of CPU; there is no local prebuild for its ABI).
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { registryNode } from './registry-node.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(join(root, 'package.json'));
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const work = mkdtempSync(join(tmpdir(), 'sm-package-'));
const keep = process.env.CHECK_PACKAGE_KEEP === '1';
const nodeFlag = process.argv.indexOf('--node');
const nodeMajor = nodeFlag === -1 ? null : process.argv[nodeFlag + 1];
const started = performance.now();

function step(what) {
  console.log(`check-package: ${what} (${((performance.now() - started) / 1000).toFixed(1)} s)`);
}

function fail(message) {
  console.error(`check-package: FAILED: ${message}`);
  console.error(`check-package: files kept in ${work}`);
  process.exit(1);
}

function run(command, args, options = {}) {
  const result = spawnSync(command, args, { encoding: 'utf8', ...options });
  if (result.error) fail(`${command} ${args.join(' ')}: ${result.error.message}`);
  return result;
}

/** The top-level boxes of an mp4; a complete file's boxes span it exactly. */
function mp4Boxes(file) {
  const data = readFileSync(file);
  const boxes = [];
  for (let offset = 0; offset < data.length;) {
    if (offset + 8 > data.length) return { boxes, complete: false };
    const size = data.readUInt32BE(offset);
    boxes.push(data.toString('latin1', offset + 4, offset + 8));
    if (size < 8) return { boxes, complete: false };
    offset += size;
    if (offset > data.length) return { boxes, complete: false };
  }
  return { boxes, complete: true };
}

/** better-sqlite3's binary from the checkout, packed the way prebuild-install expects it. */
function localPrebuild() {
  const moduleDir = dirname(require.resolve('better-sqlite3/package.json'));
  const version = JSON.parse(readFileSync(join(moduleDir, 'package.json'), 'utf8')).version;
  const binary = join(moduleDir, 'build', 'Release', 'better_sqlite3.node');
  if (!existsSync(binary))
    fail(`no better-sqlite3 binary at ${binary}; run: node scripts/native-sqlite.mjs node`);
  const dir = join(work, 'prebuilds');
  const staging = join(work, 'prebuild-staging');
  mkdirSync(join(staging, 'build', 'Release'), { recursive: true });
  execFileSync('cp', [binary, join(staging, 'build', 'Release')]);
  mkdirSync(dir, { recursive: true });
  const name = `better-sqlite3-v${version}-node-v${process.versions.modules}-${process.platform}-${process.arch}.tar.gz`;
  execFileSync('tar', ['-czf', join(dir, name), '-C', staging, 'build']);
  return { dir, version };
}

// 1. Pack.
step('npm pack');
const packed = run(npm, ['pack', '--json', '--pack-destination', work], { cwd: root });
if (packed.status !== 0) fail(`npm pack exited ${packed.status}:\n${packed.stderr}`);
const [info] = JSON.parse(packed.stdout.slice(packed.stdout.indexOf('[')));
const tarball = join(work, info.filename);
const files = info.files.map((f) => f.path);
const unexpected = files.filter(
  (f) =>
    !(
      f === 'package.json' ||
      f === 'README.md' ||
      f === 'bin/stillmotion.mjs' ||
      /^out\/cli\/.+\.mjs$/.test(f)
    ),
);
if (unexpected.length) fail(`the tarball holds files the CLI does not need: ${unexpected.join(', ')}`);
if (!files.includes('out/cli/stillmotion.mjs')) fail('the tarball has no out/cli/stillmotion.mjs');
console.log(`  ${info.filename}: ${files.length} files, ${(info.size / 1024).toFixed(0)} kB packed`);

// 2. Install into a fresh prefix, production dependencies only.
const prefix = join(work, 'prefix');
const env = { ...process.env };
for (const key of Object.keys(env))
  if (/^(npm_|RUNCOMFY_|STILLMOTION_|NODE_PATH$|NODE_OPTIONS$)/i.test(key)) delete env[key];
let runsOn = process.version;
if (nodeMajor) {
  step(`Node ${nodeMajor} from the npm registry`);
  const node = registryNode(nodeMajor);
  env.PATH = `${node.bin}${delimiter}${env.PATH ?? ''}`;
  env.npm_config_nodedir = node.dir;
  env.npm_config_build_from_source = 'true';
  runsOn = `v${node.version}`;
  console.log(`  node ${node.version} in ${node.dir}; better-sqlite3 compiles against its headers`);
} else if (process.env.CHECK_PACKAGE_BUILD_FROM_SOURCE !== '1') {
  const prebuild = localPrebuild();
  env.npm_config_better_sqlite3_local_prebuilds = prebuild.dir;
  console.log(`  better-sqlite3 ${prebuild.version}: this checkout's binary as a local prebuild`);
}
step(`npm install -g --omit=dev into a fresh prefix${nodeMajor ? ` under Node ${runsOn}` : ''}`);
const install = run(
  npm,
  ['install', '-g', tarball, '--prefix', prefix, '--omit=dev', '--prefer-offline', '--no-audit', '--no-fund'],
  { cwd: work, env },
);
if (install.status !== 0) fail(`npm install exited ${install.status}:\n${install.stdout}\n${install.stderr}`);
const installed = join(prefix, 'lib', 'node_modules', 'stillmotion');
const bin = join(prefix, 'bin', 'stillmotion');
if (!existsSync(bin)) fail(`no stillmotion command at ${bin}`);
for (const dev of Object.keys(pkg.devDependencies))
  if (existsSync(join(installed, 'node_modules', dev)))
    fail(`devDependency ${dev} was installed; the CLI must not need it`);
if (readdirSync(installed).some((f) => f === 'main' || f === 'test')) fail('sources were installed');

// 3. Run it where the checkout is out of reach.
const photos = join(work, 'photos');
mkdirSync(photos);
const sharp = require('sharp');
for (let i = 0; i < 5; i++)
  await sharp({ create: { width: 320, height: 320, channels: 3, background: { r: 50 * i, g: 120, b: 200 } } })
    .jpeg({ quality: 70 })
    .toFile(join(photos, `photo-${i + 1}.jpg`));
const cliEnv = { ...env, STILLMOTION_DATA_DIR: join(work, 'data') };
const cli = (args) => run(bin, args, { cwd: work, env: cliEnv, timeout: 120_000 });

step(`node --version under the installed command's PATH (expected ${runsOn})`);
const nodeVersion = run('node', ['--version'], { cwd: work, env: cliEnv });
if (nodeVersion.stdout.trim() !== runsOn)
  fail(`the CLI would run under node ${nodeVersion.stdout.trim()}, expected ${runsOn}`);

step('stillmotion --version');
const version = cli(['--version']);
if (version.status !== 0 || version.stdout.trim() !== pkg.version)
  fail(
    `--version printed "${version.stdout.trim()}" (exit ${version.status}), expected ${pkg.version}\n${version.stderr}`,
  );

step('stillmotion run ./photos --simulate (5 images)');
const out = join(work, 'videos');
const batch = cli(['run', './photos', '--simulate', '--template', 'A slow pan over {name}', '--out', out]);
if (batch.status !== 0) fail(`run exited ${batch.status}:\n${batch.stdout}\n${batch.stderr}`);
const videos = existsSync(out) ? readdirSync(out).filter((f) => f.endsWith('.mp4')) : [];
if (videos.length !== 5) fail(`expected 5 videos in ${out}, found ${videos.length}:\n${batch.stdout}`);
for (const video of videos) {
  const { boxes, complete } = mp4Boxes(join(out, video));
  if (boxes[0] !== 'ftyp' || !boxes.includes('moov') || !boxes.includes('mdat') || !complete)
    fail(
      `${video} is not a complete mp4 (boxes: ${boxes.join(' ')}, ${statSync(join(out, video)).size} bytes)`,
    );
}

step('stillmotion status');
const status = cli(['status']);
// "5/5 done": done of planned, the figure the window's header shows too.
if (status.status !== 0 || !/5\/5 done\s+5 done/.test(status.stdout))
  fail(`status exited ${status.status}:\n${status.stdout}\n${status.stderr}`);

step(`OK: installed from ${info.filename} under Node ${runsOn}, 5 videos from a simulated batch`);
if (!keep) rmSync(work, { recursive: true, force: true });
