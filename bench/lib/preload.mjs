// Loaded into every server the bench starts (node --import): the process exits when the bench
// that started it is gone (so a killed bench leaves nothing behind), and, when BENCH_CPU_PROF
// names a file, it records a CPU profile that SIGWINCH writes to that file.
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';

const parent = Number(process.env.BENCH_PARENT_PID);
if (parent) {
  setInterval(() => {
    try {
      process.kill(parent, 0);
    } catch {
      process.exit(1);
    }
  }, 1000).unref();
}

const profileFile = process.env.BENCH_CPU_PROF;
if (profileFile) {
  const session = new Session();
  session.connect();
  session.post('Profiler.enable', () => {
    session.post('Profiler.setSamplingInterval', { interval: 200 }, () => session.post('Profiler.start'));
  });
  // Not SIGUSR2: NestJS's enableShutdownHooks() treats SIGUSR2 as a shutdown signal.
  process.on('SIGWINCH', () => {
    session.post('Profiler.stop', (err, result) => {
      if (!err) writeFileSync(profileFile, JSON.stringify(result.profile));
      session.post('Profiler.start');
    });
  });
}
