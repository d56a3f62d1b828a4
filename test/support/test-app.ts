import 'reflect-metadata';
import type { INestApplication } from '@nestjs/common';
import { Test, type TestingModuleBuilder } from '@nestjs/testing';
import { DataSource } from 'typeorm';
import { AppModule } from '../../src/app.module.js';
import { configureApp } from '../../src/configure-app.js';
import { withResettableCaches } from './realtime-caches.js';

export const SERVER_KEY = 'test-server-key-1';
export const SERVER_KEY_2 = 'test-server-key-2';

/**
 * Environment of every e2e test: DATABASE_URL from the caller (real PostgreSQL) or, when unset,
 * an in-memory embedded database per test file.
 */
export function testEnvironment(extra: Record<string, string> = {}): void {
  process.env.NODE_ENV = 'test';
  process.env.SERVER_KEYS = `1:${SERVER_KEY},2:${SERVER_KEY_2}`;
  process.env.JWT_SECRET = 'test-jwt-secret-0123456789';
  process.env.PURGE_INTERVAL = process.env.PURGE_INTERVAL ?? '0';
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

/**
 * Boots the real AppModule (real migrations) and listens on a free port. The realtime caches are
 * ones that `resetRealtimeCaches` can empty (see realtime-caches.ts).
 */
export async function startTestApp(
  env: Record<string, string> = {},
  customize?: (builder: TestingModuleBuilder) => TestingModuleBuilder,
): Promise<TestApp> {
  testEnvironment(env);
  let builder = withResettableCaches(Test.createTestingModule({ imports: [AppModule] }));
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
  await dataSource.query(`TRUNCATE ${rows.map((r) => `"${r.tablename}"`).join(', ')} RESTART IDENTITY CASCADE`);
}
