import { Type } from 'class-transformer';
import { CHANNEL_ID_PATTERN, CHANNEL_ID_RULE } from '../../../channel/dto/channel.dto.js';
import { PlayerIdField, TextField } from '../../../common/validation/decorators.js';
import { RestrictionFields, type RestrictionView } from '../../restriction.js';

const channelIdField = (description: string) =>
  TextField(1, 100, { optional: true, pattern: CHANNEL_ID_PATTERN, patternText: CHANNEL_ID_RULE, description, example: 'lobby' });

/** `POST /mutes`. */
export class CreateMuteDto extends RestrictionFields {
  @PlayerIdField({ example: 1002 })
  playerId: number;

  @channelIdField('the channel the player is muted in; absent: game-wide (channel and direct messages)')
  channelId?: string;
}

/** `DELETE /mutes?playerId=&channelId=`: the mute of that scope (no channelId: the game-wide one). */
export class DeleteMuteQuery {
  @Type(() => Number)
  @PlayerIdField({ example: 1002 })
  playerId: number;

  @channelIdField('the channel mute to lift; absent: the game-wide mute')
  channelId?: string;
}

/** `GET /mutes?playerId=&channelId=`: both optional filters. */
export class ListMutesQuery {
  @Type(() => Number)
  @PlayerIdField({ optional: true, description: "this player's mutes only" })
  playerId?: number;

  @channelIdField("this channel's mutes only (game-wide mutes are left out then)")
  channelId?: string;
}

export interface MutesView {
  mutes: RestrictionView[];
}
