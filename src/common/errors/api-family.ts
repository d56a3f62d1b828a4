/** Which public API a path belongs to; decides the error shape. */
export type ApiFamily = 'hive' | 'dp' | 'plain';

export function apiFamilyOf(path: string): ApiFamily {
  const bare = path.replace(/^\/game\/[^/]+(?=\/api\/)/, '');
  if (/^\/api\/v\d+\/games(\/|$)/.test(bare)) return 'hive';
  if (bare.startsWith('/api/')) return 'dp';
  return 'plain';
}
