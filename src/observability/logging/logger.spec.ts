import { Writable } from 'node:stream';
import type { NextFunction, Request, Response } from 'express';
import { PinoLogger } from 'nestjs-pino';
import { createLogger, requestLogContext } from './logger.js';

/** A destination that keeps every line written to it. */
function capture(): { stream: Writable; lines: () => Record<string, unknown>[] } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      chunks.push(chunk.toString('utf8'));
      done();
    },
  });
  return {
    stream,
    lines: () =>
      chunks
        .join('')
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line) as Record<string, unknown>),
  };
}

describe('createLogger', () => {
  it('writes one JSON object per line with a level name, an ISO time and msg; below LOG_LEVEL nothing', () => {
    const out = capture();
    const log = createLogger({ level: 'info', format: 'json' }, out.stream);
    log.info({ context: 'Test', reqId: 'r-1' }, 'hello');
    log.debug('not written');
    expect(out.lines()).toEqual([
      {
        level: 'info',
        time: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
        pid: process.pid,
        hostname: expect.any(String),
        context: 'Test',
        reqId: 'r-1',
        msg: 'hello',
      },
    ]);
  });

  it('never writes credentials, passwords or bodies, even when a caller passes them', () => {
    const out = capture();
    const log = createLogger({ level: 'info', format: 'json' }, out.stream);
    log.info(
      { req: { headers: { authorization: 'Bearer server-key-123', cookie: 'sid=abc' } }, token: 'eyJ.a.b', password: 'pw-123' },
      'x',
    );
    log.info({ headers: { authorization: 'Bearer metrics-token-456' }, body: { message: 'secret text' } }, 'y');
    const text = JSON.stringify(out.lines());
    for (const secret of ['server-key-123', 'sid=abc', 'eyJ.a.b', 'pw-123', 'metrics-token-456', 'secret text'])
      expect(text).not.toContain(secret);
    expect(text).toContain('[redacted]');
  });
});

describe('requestLogContext', () => {
  it('gives every line logged while a request is handled its reqId, and none to lines outside', () => {
    const out = capture();
    const settings = { level: 'info', format: 'json' } as const;
    // The process's root logger (nestjs-pino keeps one), writing to the capture.
    const logger = new PinoLogger({ pinoHttp: { logger: createLogger(settings, out.stream) } });
    const middleware = requestLogContext(settings);
    middleware({ id: 'req-42' } as Request & { id: string }, {} as Response, (() => logger.info('inside')) as NextFunction);
    logger.info('outside');
    expect(out.lines().map((l) => [l.msg, l.reqId])).toEqual([
      ['inside', 'req-42'],
      ['outside', undefined],
    ]);
  });
});
