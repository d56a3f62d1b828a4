// Setup calls the bench makes through the service's public HTTP API (docs/party-api.md, docs/chat-api.md).
export async function call(baseUrl, method, path, { bearer, body, ok = [200, 201] } = {}) {
  const res = await fetch(baseUrl + path, {
    method,
    headers: { ...(bearer ? { authorization: `Bearer ${bearer}` } : {}), ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    body: body !== undefined ? JSON.stringify(body) : undefined,
    signal: AbortSignal.timeout(30_000),
  });
  const text = await res.text();
  let json = null;
  try {
    json = JSON.parse(text);
  } catch {
    /* not JSON */
  }
  if (!ok.includes(res.status)) throw new Error(`${method} ${path} → ${res.status} ${text.slice(0, 300)}`);
  return { status: res.status, json };
}

/** The Hive chat server API of one game, with its server key. */
export function hive(cfg, baseUrl) {
  const g = cfg.gameIndex;
  const opts = (body, ok) => ({ bearer: cfg.serverKey, body, ok });
  return {
    createChannel: (input) => call(baseUrl, 'POST', `/api/v1/games/${g}/channel`, opts(input)),
    deleteChannel: (channelId) => call(baseUrl, 'DELETE', `/api/v1/games/${g}/channels/${encodeURIComponent(channelId)}`, opts(undefined, [200, 400])),
    enter: (channelId, playerId, ok = [200]) =>
      call(baseUrl, 'POST', `/api/v1/games/${g}/channels/${encodeURIComponent(channelId)}/enter`, opts({ playerId }, ok)),
    exit: (channelId, playerId, ok = [200]) =>
      call(baseUrl, 'POST', `/api/v1/games/${g}/channels/${encodeURIComponent(channelId)}/exit`, opts({ playerId }, ok)),
    /** Replaces the game's word filter (docs/chat-api.md#word-filter). */
    setFilter: (words, action = 'mask') => call(baseUrl, 'PUT', `/api/v1/games/${g}/filter`, opts({ words, action })),
    token: async (playerId) =>
      (await call(baseUrl, 'POST', `/api/v1/games/${g}/users/token`, opts({ playerId, name: `bench ${playerId}` }))).json.data.token,
  };
}

/** Runs `task(i)` for i in [0, count) with at most `concurrency` at once; throws the first error. */
export async function parallel(count, concurrency, task) {
  let next = 0;
  let failure = null;
  const worker = async () => {
    while (next < count && !failure) {
      const i = next++;
      try {
        await task(i);
      } catch (err) {
        failure ??= err;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
  if (failure) throw failure;
}
