import { PlayerIdField } from '../../common/validation/decorators.js';
import { RestrictionFields, type RestrictionView } from '../../moderation/restriction.js';

/** `POST /channels/{channelId}/bans`. */
export class CreateChannelBanDto extends RestrictionFields {
  @PlayerIdField({ example: 1002 })
  playerId: number;
}

export interface ChannelBansView {
  bans: RestrictionView[];
}
