// Player tokens signed the way the service signs them (HS256 JWT, claims gameIndex and playerId),
// so that the bench can hand 19,000 players their tokens without 19,000 HTTP calls. The service
// verifies them exactly like the ones it issues.
import { createHmac } from 'node:crypto';

const b64url = (value) => Buffer.from(value).toString('base64url');
const HEADER = b64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }));

export function signPlayerToken(secret, gameIndex, playerId, ttlSeconds = 86_400) {
  const iat = Math.floor(Date.now() / 1000);
  const payload = b64url(JSON.stringify({ gameIndex, playerId, iat, exp: iat + ttlSeconds }));
  const signature = createHmac('sha256', secret).update(`${HEADER}.${payload}`).digest('base64url');
  return `${HEADER}.${payload}.${signature}`;
}

/** The claims of a valid, unexpired HS256 token, else null (used by the baselines). */
export function verifyPlayerToken(secret, token) {
  if (typeof token !== 'string') return null;
  const parts = token.split('.');
  if (parts.length !== 3) return null;
  const expected = createHmac('sha256', secret).update(`${parts[0]}.${parts[1]}`).digest('base64url');
  if (expected !== parts[2]) return null;
  try {
    const claims = JSON.parse(Buffer.from(parts[1], 'base64url').toString());
    if (typeof claims.exp === 'number' && claims.exp * 1000 < Date.now()) return null;
    if (!Number.isSafeInteger(claims.gameIndex) || !Number.isSafeInteger(claims.playerId)) return null;
    return claims;
  } catch {
    return null;
  }
}
