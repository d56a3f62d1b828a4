import type { LoggerService } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { Logger, PinoLogger } from 'nestjs-pino';
import { type DestinationStream, type Logger as Pino, pino } from 'pino';
import { build as prettyStream } from 'pino-pretty';
import { type LogSettings, parseLogSettings } from '../../infra/config/app-config.js';

/**
 * Never written, whatever a caller passes in a log object: credentials and bodies. No code path
 * logs request bodies, headers or packets; this list is the second line of defence. Exact paths
 * only: a wildcard path (`*.token`) would double the cost of every line.
 */
export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'res.headers["set-cookie"]',
  'headers.authorization',
  'headers.cookie',
  'authorization',
  'cookie',
  'token',
  'password',
  'body',
];

/**
 * The service's pino logger (docs/operations.md#logs): one JSON object per line on stdout with
 * `level` (a name), `time` (ISO 8601) and `msg`; or, with LOG_FORMAT=pretty, readable text.
 * Writes are synchronous, so nothing is lost when the process exits.
 */
export function createLogger(settings: LogSettings, destination?: DestinationStream): Pino {
  const output =
    destination ??
    (settings.format === 'pretty'
      ? prettyStream({
          sync: true,
          translateTime: 'SYS:HH:MM:ss.l',
          ignore: 'pid,hostname,context',
          messageFormat: '{if context}{context}: {end}{msg}',
        })
      : pino.destination({ fd: 1, sync: true }));
  return pino(
    {
      level: settings.level,
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
    },
    output,
  );
}

/**
 * LOG_LEVEL and LOG_FORMAT for the first lines of a process, before the other settings are checked:
 * the defaults when one of the two is itself malformed (that error is then logged like any other).
 */
export function startupLogSettings(env: NodeJS.ProcessEnv): LogSettings {
  try {
    return parseLogSettings(env);
  } catch {
    return { level: 'info', format: process.stdout.isTTY ? 'pretty' : 'json' };
  }
}

/**
 * The process's logger as nestjs-pino holds it: one root logger per process, made by the first
 * caller (main.ts, the purge command, or the first test app) with its settings.
 */
function processLogger(settings: LogSettings): PinoLogger {
  const root: Pino | undefined = PinoLogger.root;
  return new PinoLogger({ pinoHttp: { logger: root ?? createLogger(settings) } });
}

/** Nest's logger writing through the process's pino logger: what main.ts and the purge command give Nest from the first line. */
export function nestLogger(settings: LogSettings): LoggerService {
  return new Logger(processLogger(settings), {});
}

/**
 * Every line logged while a request is handled carries its `reqId` (the id of
 * src/common/http/request-id.middleware.ts). Mounted with `app.use`, so it covers every request.
 */
export function requestLogContext(settings: LogSettings) {
  const logger = processLogger(settings);
  return (req: Request & { id?: string }, _res: Response, next: NextFunction): void =>
    logger.runInContext(next, { bindings: { reqId: req.id } });
}
