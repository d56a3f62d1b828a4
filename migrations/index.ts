import { Players1795300000000 } from './1795300000000-Players.js';
import { Channels1795310000000 } from './1795310000000-Channels.js';
import { Parties1795320000000 } from './1795320000000-Parties.js';
import { PlayerBanUntil1796011525154 } from './1796011525154-PlayerBanUntil.js';
import { PartyCodes1796014200000 } from './1796014200000-PartyCodes.js';
import { PartyInvites1796014300000 } from './1796014300000-PartyInvites.js';
import { PartyReadyChecks1796014400000 } from './1796014400000-PartyReadyChecks.js';
import { ChannelSlowMode1796015200000 } from './1796015200000-ChannelSlowMode.js';
import { WordFilters1796015200001 } from './1796015200001-WordFilters.js';
import { AuditLog1796016000000 } from './1796016000000-AuditLog.js';
import { MutesAndChannelBans1796016100000 } from './1796016100000-MutesAndChannelBans.js';
import { MessageEdits1796016200000 } from './1796016200000-MessageEdits.js';
import { Reports1796016200001 } from './1796016200001-Reports.js';
import { ChatStreams1796016300000 } from './1796016300000-ChatStreams.js';
import { ChannelReads1796016300001 } from './1796016300001-ChannelReads.js';
import { NameGrams1796016500000 } from './1796016500000-NameGrams.js';
import { ChatMessagePartitions1796017400000 } from './1796017400000-ChatMessagePartitions.js';

/**
 * Every migration, in order. Listed explicitly (not globbed) so that the same list works from
 * compiled JavaScript, from ts-jest and from the TypeORM CLI. Add each generated migration here.
 */
export const MIGRATIONS: (new () => unknown)[] = [
  Players1795300000000,
  Channels1795310000000,
  Parties1795320000000,
  PlayerBanUntil1796011525154,
  PartyCodes1796014200000,
  PartyInvites1796014300000,
  PartyReadyChecks1796014400000,
  ChannelSlowMode1796015200000,
  WordFilters1796015200001,
  AuditLog1796016000000,
  MutesAndChannelBans1796016100000,
  MessageEdits1796016200000,
  Reports1796016200001,
  ChatStreams1796016300000,
  ChannelReads1796016300001,
  NameGrams1796016500000,
  ChatMessagePartitions1796017400000,
];
