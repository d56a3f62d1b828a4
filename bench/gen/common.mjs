// Shared by the load generators: they are forked by the bench, get one `run` message with their
// configuration, answer with `result` (or `error`), and die with the bench.
export function serve(handlers) {
  process.on('disconnect', () => process.exit(0));
  process.on('message', async (msg) => {
    const handler = handlers[msg?.type];
    if (!handler) return;
    try {
      await handler(msg);
    } catch (err) {
      process.send?.({ type: 'error', message: err?.stack ?? String(err) });
    }
  });
}

/** High-resolution wall clock in epoch milliseconds, comparable across processes on one machine. */
export const wallMs = () => performance.timeOrigin + performance.now();

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
