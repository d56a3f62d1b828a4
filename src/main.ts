import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { AppModule } from './app.module.js';
import { configureApp } from './configure-app.js';
import { parseSettings } from './infra/config/app-config.js';
import { nestLogger, startupLogSettings } from './observability/logging/logger.js';

async function bootstrap(): Promise<void> {
  // Every line, from the first, goes through pino (JSON on stdout unless LOG_FORMAT=pretty).
  const appLogger = nestLogger(startupLogSettings(process.env));
  const logger = new Logger('Bootstrap');
  let settings;
  try {
    settings = parseSettings(process.env);
  } catch (err) {
    // A bad setting stops the process with a message naming it.
    appLogger.error(`configuration error: ${(err as Error).message}`, 'Bootstrap');
    process.exit(1);
  }
  const app = configureApp(await NestFactory.create(AppModule, { logger: appLogger }));
  await app.listen(settings.port, settings.host);
  const database = settings.databaseUrl ? 'PostgreSQL (DATABASE_URL)' : `embedded PGlite in ${settings.dataDir}`;
  const redis = settings.redisUrl ? withoutPassword(settings.redisUrl) : 'off (single instance)';
  logger.log(`listening on ${await app.getUrl()} — database: ${database}; redis: ${redis}`);
  if (settings.developmentDefaults) {
    logger.warn('*****************************************************************************');
    logger.warn('DEVELOPMENT MODE: JWT_SECRET and/or SERVER_KEYS are not set.');
    logger.warn(`Using the development server key for game ${settings.defaultGameIndex} (docs/operations.md) and a public JWT secret.`);
    logger.warn('Set both before exposing this service to anyone.');
    logger.warn('*****************************************************************************');
  }
}

/** A URL fit for a log line: any password replaced by `***`. */
function withoutPassword(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.href;
  } catch {
    return '(unparsable URL)';
  }
}

void bootstrap();
