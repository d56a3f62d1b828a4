// The console's only way to the service: its server API, with the server key kept in this tab's
// session storage (never in localStorage or a cookie).

const STORAGE_KEY = 'partychat.console';

export function savedSession() {
  try {
    const saved = JSON.parse(sessionStorage.getItem(STORAGE_KEY) ?? 'null');
    return saved && Number.isInteger(saved.gameIndex) && typeof saved.key === 'string' ? saved : null;
  } catch {
    return null;
  }
}

export function saveSession(session) {
  sessionStorage.setItem(STORAGE_KEY, JSON.stringify(session));
}

export function forgetSession() {
  sessionStorage.removeItem(STORAGE_KEY);
}

export class ApiError extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

/** The Hive server API of one game: `api.get('/channels', {channelName})` → the envelope's `data`. */
export class ServerApi {
  constructor({ gameIndex, key }) {
    this.gameIndex = gameIndex;
    this.key = key;
  }

  get(path, query = {}) {
    return this.call('GET', path, query);
  }

  send(method, path, body, query = {}) {
    return this.call(method, path, query, body);
  }

  async call(method, path, query, body) {
    const params = new URLSearchParams();
    for (const [name, value] of Object.entries(query)) if (value !== undefined && value !== null && value !== '') params.set(name, value);
    const search = params.size ? `?${params}` : '';
    const response = await fetch(`/api/v1/games/${this.gameIndex}${path}${search}`, {
      method,
      headers: { Authorization: `Bearer ${this.key}`, ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
      cache: 'no-store',
    });
    const envelope = await response.json().catch(() => null);
    if (!response.ok || !envelope || envelope.code !== 0) {
      throw new ApiError(response.status, envelope?.code, envelope?.message ?? `${method} ${path}: HTTP ${response.status}`);
    }
    return envelope.data;
  }
}
