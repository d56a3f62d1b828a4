import type { TestingModuleBuilder } from '@nestjs/testing';
import { BlockCache } from '../../src/realtime/chat/block-cache.js';
import { ChannelCache } from '../../src/realtime/chat/channel-cache.js';
import type { TestApp } from './test-app.js';

/*
 * The gateway caches channel members and block lists, kept right by domain events. A TRUNCATE
 * between tests publishes none, so a recreated channel or player would look like the old one.
 * Test apps therefore run these subclasses, which can be emptied, in place of the caches.
 */

export class ResettableChannelCache extends ChannelCache {
  clear(): void {
    this.versions.bumpAll();
    this.entries.clear();
  }
}

export class ResettableBlockCache extends BlockCache {
  clear(): void {
    this.versions.bumpAll();
    this.lists.clear();
    this.version++;
  }
}

/** Installs the subclasses (startTestApp does it for every test app). */
export function withResettableCaches(builder: TestingModuleBuilder): TestingModuleBuilder {
  return builder.overrideProvider(ChannelCache).useClass(ResettableChannelCache).overrideProvider(BlockCache).useClass(ResettableBlockCache);
}

/** Call after truncateAll. */
export async function resetRealtimeCaches(t: TestApp): Promise<void> {
  const channels = t.app.get(ChannelCache, { strict: false });
  const blocks = t.app.get(BlockCache, { strict: false });
  if (!(channels instanceof ResettableChannelCache) || !(blocks instanceof ResettableBlockCache)) {
    throw new Error('resetRealtimeCaches needs an app from startTestApp (withResettableCaches)');
  }
  channels.clear();
  blocks.clear();
}
