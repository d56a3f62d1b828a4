import 'reflect-metadata';
import type { INestApplication } from '@nestjs/common';
import { Test, type TestingModuleBuilder } from '@nestjs/testing';
import { DataSource } from 'typeorm';
import { AppModule } from '../../src/app.module.js';
import { configureApp } from '../../src/configure-app.js';

export const SERVER_KEY = 'test-server-key-1';
export const SERVER_KEY_2 = 'test-server-key-2';

/**
 * Environment of every e2e test: DATABASE_URL from the caller (real PostgreSQL) or, when unset,
 * an in-memory embedded database per test file. Rate limits are off unless the test sets
 * RATE_LIMITS (tests of other things send bursts the defaults would refuse).
 */
export function testEnvironment(extra: Record<string, string> = {}): void {
  process.env.NODE_ENV = 'test';
  process.env.SERVER_KEYS = `1:${SERVER_KEY},2:${SERVER_KEY_2}`;
  process.env.JWT_SECRET = 'test-jwt-secret-0123456789';
  process.env.PURGE_INTERVAL = process.env.PURGE_INTERVAL ?? '0';
  process.env.RATE_LIMITS = 'off';
  // Quiet test output: only warnings and errors of the in-process apps' pino logger.
  process.env.LOG_LEVEL = process.env.LOG_LEVEL ?? 'warn';
  if (!process.env.DATABASE_URL) process.env.DATA_DIR = ':memory:';
  Object.assign(process.env, extra);
}

export interface TestApp {
  app: INestApplication;
  dataSource: DataSource;
  /** Base URL of the listening server (http://127.0.0.1:port). */
  url: string;
  close(): Promise<void>;
}

/** Boots the real AppModule (real migrations) and listens on a free port. */
export async function startTestApp(
  env: Record<string, string> = {},
  customize?: (builder: TestingModuleBuilder) => TestingModuleBuilder,
): Promise<TestApp> {
  testEnvironment(env);
  let builder = Test.createTestingModule({ imports: [AppModule] });
  if (customize) builder = customize(builder);
  const moduleRef = await builder.compile();
  const app = configureApp(moduleRef.createNestApplication({ logger: ['error', 'warn'] }));
  await app.listen(0, '127.0.0.1');
  const address = app.getHttpServer().address() as { port: number };
  return {
    app,
    dataSource: app.get(DataSource),
    url: `http://127.0.0.1:${address.port}`,
    close: () => app.close(),
  };
}

/** Empties every table (not the migrations record). Refuses outside tests. */
export async function truncateAll(dataSource: DataSource): Promise<void> {
  if (process.env.NODE_ENV !== 'test') throw new Error('refusing to truncate tables outside NODE_ENV=test');
  const rows: { tablename: string }[] = await dataSource.query(
    `SELECT tablename FROM pg_tables WHERE schemaname = current_schema() AND tablename <> 'migrations'`,
  );
  if (rows.length === 0) return;
  const truncate = `TRUNCATE ${rows.map((r) => `"${r.tablename}"`).join(', ')} RESTART IDENTITY CASCADE`;
  // The app's background writers (read positions, channel seqs, sweeps) may hold a row lock of a
  // table TRUNCATE reaches later: PostgreSQL then picks one as a deadlock victim; try again.
  for (let attempt = 1; ; attempt++) {
    try {
      await dataSource.query(truncate);
      return;
    } catch (err) {
      if ((err as { code?: string }).code !== '40P01' || attempt >= 5) throw err;
    }
  }
}

export interface UseTestAppOptions {
  /** Extra environment of this file's app; restored when the file's tests are done. */
  env?: Record<string, string>;
  /** Empty every table before each test (default true). */
  truncate?: boolean;
  /** Runs once the app is up (subscribe to events, read providers). */
  ready?: (t: TestApp) => void | Promise<void>;
  /** Runs after the app has closed (e.g. remove Redis keys). */
  cleanup?: () => Promise<void>;
}

/**
 * The lifecycle every e2e file shares: one app for the whole file (real migrations once), every
 * table emptied before each test (registered first, so a file's own beforeEach seeds after it),
 * the app closed and the environment restored at the end. Returns a TestApp whose fields read
 * the running app, so tests keep writing `t.url`, `t.app`, `t.dataSource`.
 */
export function useTestApp(options: UseTestAppOptions = {}): TestApp {
  let current: TestApp | null = null;
  const running = (): TestApp => {
    if (!current) throw new Error('the test app runs only inside tests and hooks');
    return current;
  };
  const saved = new Map<string, string | undefined>();
  beforeAll(async () => {
    for (const key of Object.keys(options.env ?? {})) saved.set(key, process.env[key]);
    current = await startTestApp(options.env);
    await options.ready?.(current);
  });
  afterAll(async () => {
    await current?.close();
    current = null;
    for (const [key, value] of saved) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
    await options.cleanup?.();
  });
  if (options.truncate !== false) beforeEach(() => truncateAll(running().dataSource));
  return {
    get app() {
      return running().app;
    },
    get dataSource() {
      return running().dataSource;
    },
    get url() {
      return running().url;
    },
    close: () => running().close(),
  };
}
