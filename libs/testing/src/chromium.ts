import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

/** Debian's Chromium: browser tests drive it with playwright-core (its own browser downloads are not used). */
export const CHROMIUM_PATH = '/usr/bin/chromium';

/**
 * Flags for a quiet headless Chromium: no sandbox (tests run as root), and none of the background
 * traffic (updates, sync, QUIC probes) a closed network would only refuse.
 */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
] as const;

const log = (message: string) => process.stderr.write(`[test infra] ${message}\n`);

/**
 * Installs Debian's `chromium` package (and a Chinese font) when missing, so a fresh machine can run
 * the browser tests. Runs `apt-get update` first only if the install fails for want of a package list; fails
 * loudly, with apt's own words, when it cannot.
 */
export function ensureChromium(): void {
  if (!existsSync(CHROMIUM_PATH)) {
    aptInstall('chromium', 'Chromium for the browser tests');
    if (!existsSync(CHROMIUM_PATH)) throw new Error(`apt-get installed chromium but ${CHROMIUM_PATH} is still missing`);
  }
  // The console speaks Chinese: without a CJK font its screens (and their screenshots) show boxes.
  if (!hasChineseFont()) aptInstall('fonts-noto-cjk', 'a Chinese font for the browser tests');
}

function hasChineseFont(): boolean {
  const result = spawnSync('fc-list', [':lang=zh', 'family'], { encoding: 'utf8' });
  return result.status === 0 && result.stdout.trim() !== '';
}

function aptInstall(pkg: string, what: string): void {
  log(`installing Debian's ${pkg} package for ${what} (apt-get install -y --no-install-recommends ${pkg})`);
  const started = Date.now();
  let attempt = aptGet(['install', '-y', '--no-install-recommends', pkg]);
  if (!attempt.ok) {
    log('install failed; refreshing the package lists (apt-get update) and trying again');
    const update = aptGet(['update']);
    if (!update.ok) throw new Error(`cannot install ${what}: apt-get update failed: ${update.reason}`);
    attempt = aptGet(['install', '-y', '--no-install-recommends', pkg]);
  }
  if (!attempt.ok) throw new Error(`cannot install ${what}: apt-get install ${pkg} failed: ${attempt.reason}`);
  log(`${pkg} installed in ${((Date.now() - started) / 1000).toFixed(0)} s`);
}

function aptGet(args: string[]): { ok: true } | { ok: false; reason: string } {
  // Progress goes to the terminal as apt prints it; only the tail of its errors is kept for the reason.
  // Another run (a second worktree, a package upgrade) may hold dpkg's lock: wait for it rather than fail.
  const result = spawnSync('apt-get', ['-o', 'DPkg::Lock::Timeout=300', ...args], {
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    stdio: ['ignore', 'inherit', 'pipe'],
    encoding: 'utf8',
    timeout: 10 * 60_000,
  });
  if (result.stderr) process.stderr.write(result.stderr);
  if (result.error) return { ok: false, reason: result.error.message };
  if (result.status !== 0) {
    const tail = (result.stderr ?? '').trim().split('\n').slice(-5).join(' | ');
    return { ok: false, reason: `exit ${result.status ?? result.signal}${tail ? `: ${tail}` : ''}` };
  }
  return { ok: true };
}
