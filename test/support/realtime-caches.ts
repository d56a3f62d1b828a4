import { WordFilterService } from '../../src/moderation/word-filter.service.js';
import { BlockCache } from '../../src/realtime/chat/block-cache.js';
import { ChannelCache } from '../../src/realtime/chat/channel-cache.js';
import { MuteCache } from '../../src/realtime/chat/mute-cache.js';
import { SlowMode } from '../../src/realtime/chat/slow-mode.js';
import { SendOnce } from '../../src/realtime/streams/send-once.js';
import { Streams } from '../../src/realtime/streams/streams.service.js';
import type { TestApp } from './test-app.js';

/**
 * The gateway caches channel members, block lists and mutes, and every instance caches the word filters,
 * kept right by domain events. A TRUNCATE between tests publishes none, so a recreated channel or
 * player would look like the old one: call this after truncateAll (it also forgets slow-mode
 * send times, kept per channel id, and the streams and send answers kept in memory). It uses the caches' own `clear()`, the one an instance runs when
 * Redis comes back and events may have been missed.
 */
export async function resetRealtimeCaches(t: TestApp): Promise<void> {
  t.app.get(ChannelCache, { strict: false }).clear();
  t.app.get(BlockCache, { strict: false }).clear();
  t.app.get(WordFilterService, { strict: false }).clear();
  t.app.get(SlowMode, { strict: false }).clear();
  t.app.get(MuteCache, { strict: false }).clear();
  t.app.get(Streams, { strict: false }).clearMemory();
  t.app.get(SendOnce, { strict: false }).clear();
  await Promise.resolve();
}
