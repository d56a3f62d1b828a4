import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/**
 * `npm run build` without npm: the TypeScript build of src/ into dist/ (what `npm start` runs).
 * dist/ is shared by the jest workers: the build runs once per test run (TEST_RUN_ID, from
 * global-setup.ts), under a lock, so that no worker starts the built app while another rewrites
 * its files. Without a run id (a test started otherwise) it builds every time, still under the lock.
 */
export async function buildApp(): Promise<void> {
  const lock = join(tmpdir(), `partychat-build-${createHash('sha256').update(ROOT).digest('hex').slice(0, 12)}.lock`);
  const built = `${ROOT}dist/.built-${process.env.TEST_RUN_ID ?? 'never'}`;
  const deadline = Date.now() + 300_000;
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      // A lock left by a run that was killed mid-build is older than any build takes.
      const held = statSync(lock, { throwIfNoEntry: false });
      if (held && Date.now() - held.mtimeMs > 300_000) rmSync(lock, { recursive: true, force: true });
      if (Date.now() > deadline) throw new Error(`buildApp: ${lock} is still held after 5 minutes`, { cause: err });
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
  try {
    if (process.env.TEST_RUN_ID && existsSync(built)) return;
    await promisify(execFile)(process.execPath, [`${ROOT}node_modules/typescript/bin/tsc`, '-p', 'tsconfig.build.json'], { cwd: ROOT });
    if (!process.env.TEST_RUN_ID) return;
    for (const old of readdirSync(`${ROOT}dist`).filter((f) => f.startsWith('.built-'))) rmSync(`${ROOT}dist/${old}`, { force: true });
    writeFileSync(built, '');
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

/**
 * The built service (`node dist/src/main.js`, as `npm start` runs it) in a child process, its
 * stdout kept line by line. It listens on a free port (PORT=0), read from its start line.
 */
export class AppProcess {
  readonly lines: string[] = [];
  stderr = '';
  url = '';
  private readonly child: ChildProcess;
  private readonly exited: Promise<void>;
  private waiters: { match: (line: string) => boolean; resolve: (line: string) => void }[] = [];

  constructor(env: Record<string, string>) {
    this.child = spawn(process.execPath, [`${ROOT}dist/src/main.js`], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', PORT: '0', HOST: '127.0.0.1', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let partial = '';
    this.child.stdout!.on('data', (chunk: Buffer) => {
      const parts = (partial + chunk.toString('utf8')).split('\n');
      partial = parts.pop()!;
      for (const line of parts) this.received(line);
    });
    this.child.stderr!.on('data', (chunk: Buffer) => (this.stderr += chunk.toString('utf8')));
    this.exited = new Promise((resolve) => this.child.once('exit', () => resolve()));
  }

  /** Resolves with the first line (already written or to come) that matches; fails if the process exits or after `timeoutMs`. */
  nextLine(match: (line: string) => boolean, what: string, timeoutMs = 60_000): Promise<string> {
    const seen = this.lines.find(match);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no log line ${what} within ${timeoutMs} ms; stderr: ${this.stderr}`)), timeoutMs);
      void this.exited.then(() => reject(new Error(`the app exited before logging ${what}; stderr: ${this.stderr}`)));
      this.waiters.push({
        match,
        resolve: (line) => {
          clearTimeout(timer);
          resolve(line);
        },
      });
    });
  }

  /** Waits for the start line and reads the port from it. */
  async started(): Promise<void> {
    const line = await this.nextLine((l) => l.includes('listening on http://'), 'listening on');
    this.url = /(http:\/\/[\d.]+:\d+)/.exec(line)![1];
  }

  /** SIGTERM, then waits for the exit. */
  async stop(): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGTERM');
    await this.exited;
  }

  private received(line: string): void {
    this.lines.push(line);
    const matched = this.waiters.filter((w) => w.match(line));
    this.waiters = this.waiters.filter((w) => !matched.includes(w));
    for (const w of matched) w.resolve(line);
  }
}
