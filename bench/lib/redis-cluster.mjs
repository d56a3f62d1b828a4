// The Redis Cluster of the cluster scenario: BENCH_REDIS_CLUSTER_URL when given (any node of a running
// cluster), else a throwaway 3-primary cluster started with .ci/redis-cluster on free ports and
// stopped afterwards. Also: INFO commandstats summed over the primaries (publish counts).
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

/** PUBLISH and SPUBLISH calls so far, summed over the primaries (INFO commandstats). */
export async function publishCalls(nodes) {
  const { default: Redis } = await import('ioredis');
  const out = { publish: 0, spublish: 0 };
  for (const node of nodes) {
    const [host, port] = node.split(':');
    const redis = new Redis({ host, port: Number(port) });
    try {
      const stats = await redis.info('commandstats');
      for (const name of ['publish', 'spublish']) out[name] += Number(new RegExp(`cmdstat_${name}:calls=(\\d+)`).exec(stats)?.[1] ?? 0);
    } finally {
      redis.disconnect();
    }
  }
  return out;
}
