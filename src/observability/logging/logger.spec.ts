import { Writable } from 'node:stream';
import { createLogger } from './logger.js';

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
    log.info({ channel: { password: 'pw-456' }, packet: { body: { message: 'secret text' } } }, 'y');
    const text = JSON.stringify(out.lines());
    for (const secret of ['server-key-123', 'sid=abc', 'eyJ.a.b', 'pw-123', 'pw-456', 'secret text']) expect(text).not.toContain(secret);
    expect(text).toContain('[redacted]');
  });
});
