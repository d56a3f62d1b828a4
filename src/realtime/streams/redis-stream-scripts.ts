/**
 * The Lua scripts of the Redis stream store. Each stream has a hash `stream:{key}` (e: epoch,
 * s: latest seq, i: latest message id) and a capped list `kept:{key}` of "sender\nframe" entries
 * whose last one has seq `s` (every seq appends exactly one entry, in the same script). The
 * braces are hash tags: on a Redis Cluster a stream's keys and its topic share one slot.
 */

/**
 * KEYS: state, kept. ARGV: start epoch ('' = unknown: answer {0}), start seq, message id, frame
 * head, frame tail, sender, capacity, kept ttl, state ttl, `after` (the id of the attempt issued
 * just before on this stream and not settled then, or ''), `clear` (the id of this message's
 * refused attempt, or ''), and optionally a bus channel with the head and tail of a bus header and
 * the command (PUBLISH, or SPUBLISH to the stream's topic on a cluster): the push for other
 * instances goes out in the same round trip.
 * → {0} start needed; {1, latestId} the id is not above the stream's latest (mint a later one and
 * retry, so that history order, which is id order, stays seq order); {2, epoch, seq} appended.
 * A refused attempt is marked (field `x<id>`), and an attempt issued after a marked one is refused
 * too, so that appends issued without waiting keep their order (docs/realtime.md#ordering).
 */
export const APPEND = `
if ARGV[11] ~= '' then redis.call('HDEL', KEYS[1], 'x' .. ARGV[11]) end
local id = ARGV[3]
local function refuse(reply)
  redis.call('HSET', KEYS[1], 'x' .. id, '1')
  redis.call('EXPIRE', KEYS[1], ARGV[9])
  return reply
end
local st = redis.call('HMGET', KEYS[1], 'e', 's', 'i')
local e, s, i = st[1], st[2], st[3]
if ARGV[10] ~= '' and redis.call('HEXISTS', KEYS[1], 'x' .. ARGV[10]) == 1 then return refuse({1, i or ''}) end
if not e then
  if ARGV[1] == '' then return refuse({0}) end
  e = ARGV[1]
  s = ARGV[2]
  i = ''
  redis.call('HSET', KEYS[1], 'e', e)
end
if i and i ~= '' and (#id < #i or (#id == #i and id <= i)) then return refuse({1, i}) end
local seq = tonumber(s) + 1
local seqText = string.format('%d', seq)
redis.call('HSET', KEYS[1], 's', seqText, 'i', id)
redis.call('EXPIRE', KEYS[1], ARGV[9])
if tonumber(ARGV[7]) > 0 then
  redis.call('RPUSH', KEYS[2], ARGV[6] .. '\\n' .. ARGV[4] .. seqText .. ARGV[5])
  redis.call('LTRIM', KEYS[2], -tonumber(ARGV[7]), -1)
  redis.call('EXPIRE', KEYS[2], ARGV[8])
end
if ARGV[12] and ARGV[12] ~= '' then
  redis.call(ARGV[15], ARGV[12], ARGV[13] .. seqText .. ARGV[14] .. ARGV[4] .. seqText .. ARGV[5])
end
return {2, e, seqText}`;

/**
 * KEYS: the states. ARGV: per key a start epoch and seq, then the state ttl. Starts the streams
 * without state, except those whose start epoch is '' (unknown yet: nil answered for them).
 * → {epoch1, seq1, epoch2, seq2, ...}
 */
export const POSITIONS = `
local out = {}
local ttl = ARGV[#ARGV]
for k = 1, #KEYS do
  if ARGV[2 * k - 1] ~= '' and redis.call('HSETNX', KEYS[k], 'e', ARGV[2 * k - 1]) == 1 then
    redis.call('HSET', KEYS[k], 's', ARGV[2 * k])
    redis.call('EXPIRE', KEYS[k], ttl)
  end
  local st = redis.call('HMGET', KEYS[k], 'e', 's')
  out[2 * k - 1] = st[1]
  out[2 * k] = st[2]
end
return out`;

/**
 * KEYS: state, kept. ARGV: the seq the client saw. → {} no state; {epoch, seq} nothing kept
 * for the whole range (or nothing missed); {epoch, seq, entry...} the missed entries, oldest first.
 */
export const MISSED = `
local st = redis.call('HMGET', KEYS[1], 'e', 's')
if not st[1] then return {} end
local n = tonumber(st[2]) - tonumber(ARGV[1])
if n <= 0 or n > redis.call('LLEN', KEYS[2]) then return {st[1], st[2]} end
local out = redis.call('LRANGE', KEYS[2], -n, -1)
table.insert(out, 1, st[2])
table.insert(out, 1, st[1])
return out`;

/** KEYS: state, kept. ARGV: seq. Blanks the entry of that seq (never replayed). */
export const RETRACT = `
local s = tonumber(redis.call('HGET', KEYS[1], 's') or '0')
local back = s - tonumber(ARGV[1])
if back < 0 or back >= redis.call('LLEN', KEYS[2]) then return 0 end
redis.call('LSET', KEYS[2], -1 - back, '0\\n')
return 1`;
