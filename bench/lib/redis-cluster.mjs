// The Redis Cluster of the cluster scenario: BENCH_REDIS_CLUSTER_URL when given (any node of a running
// cluster), else a throwaway 3-primary cluster started with .ci/redis-cluster on free ports and
// stopped afterwards. Also: the publishes naming a channel, seen with MONITOR on every primary.
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import os from 'node:os';
import { fileURLToPath } from 'node:url';

const SCRIPT = fileURLToPath(new URL('../../.ci/redis-cluster', import.meta.url));

function portFree(port) {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/** Three ports p with p and p + 10000 (the cluster bus) free, from 7201 up. */
async function clusterPorts() {
  const ports = [];
  for (let p = 7201; p < 7300 && ports.length < 3; p++) if ((await portFree(p)) && (await portFree(p + 10_000))) ports.push(p);
  if (ports.length < 3) throw new Error('no free ports for a Redis Cluster in 7201-7299');
  return ports;
}

/** { url, nodes: [host:port of each primary], started, stop() } */
export async function useRedisCluster(cfg) {
  if (cfg.redisClusterUrl) {
    const nodes = await primaries(cfg.redisClusterUrl);
    return { url: cfg.redisClusterUrl, nodes, started: false, stop: () => undefined };
  }
  const ports = await clusterPorts();
  const dir = mkdtempSync(`${os.tmpdir()}/bench-redis-cluster-`);
  execFileSync(SCRIPT, ['start', dir, ...ports.map(String)], { stdio: 'inherit' });
  return {
    url: `redis://127.0.0.1:${ports[0]}`,
    nodes: ports.map((p) => `127.0.0.1:${p}`),
    started: true,
    stop: () => execFileSync(SCRIPT, ['stop', dir], { stdio: 'inherit' }),
  };
}

async function primaries(url) {
  const { default: Redis } = await import('ioredis');
  const redis = new Redis(url);
  try {
    const nodes = String(await redis.call('CLUSTER', 'NODES'));
    return nodes
      .split('\n')
      .filter((line) => line.includes('master') && !line.includes('fail'))
      .map((line) => line.split(' ')[1].split('@')[0]);
  } finally {
    redis.disconnect();
  }
}

/**
 * PUBLISH/SPUBLISH commands (scripts' included) naming `needle` while `work` runs, over every primary,
 * seen with MONITOR (it slows Redis: never while throughput is measured).
 */
export async function publishesNaming(nodes, needle, work) {
  const { default: Redis } = await import('ioredis');
  const clients = [];
  let count = 0;
  try {
    for (const node of nodes) {
      const [host, port] = node.split(':');
      const client = new Redis({ host, port: Number(port), lazyConnect: true });
      await client.connect();
      const monitor = await client.monitor();
      monitor.on('monitor', (_time, args) => {
        if (String(args[0]).toLowerCase().includes('publish') && String(args[1]).includes(needle)) count++;
      });
      clients.push(client, monitor);
    }
    await work();
    await new Promise((resolve) => setTimeout(resolve, 300));
    return count;
  } finally {
    for (const c of clients) c.disconnect();
  }
}
