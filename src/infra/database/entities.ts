import { Player } from '../../player/player.entity.js';
import { CHANNEL_ENTITIES } from '../../channel/channel.entity.js';
import { Party } from '../../party/party.entity.js';
import { PartyMember } from '../../party/party-member.entity.js';
import { WordFilter } from '../../moderation/word-filter.entity.js';

/** Every TypeORM entity of the service; each module adds its own here. */
export const ENTITIES: (new () => unknown)[] = [Player, Party, PartyMember, ...CHANNEL_ENTITIES, WordFilter];
