import { ArrayMaxSize, ArrayMinSize, IsArray, IsInt, Max, Min } from 'class-validator';
import { PlayerIdField } from '../../common/validation/decorators.js';
import { MAX_PLAYER_ID } from '../../player/player-identity.js';

/** BLOCK_MEMBER / UNBLOCK_MEMBER. */
export class PlayerRefDto {
  @PlayerIdField()
  playerId: number;
}

export class GetPresenceDto {
  @IsArray({ message: 'playerIds must be an array of player ids' })
  @ArrayMinSize(1, { message: 'playerIds must list at least 1 player' })
  @ArrayMaxSize(100, { message: 'playerIds must list at most 100 players' })
  @IsInt({ each: true, message: 'playerIds must contain integers' })
  @Min(1, { each: true, message: 'playerIds must contain ids of at least 1' })
  @Max(MAX_PLAYER_ID, { each: true, message: `playerIds must contain ids of at most ${MAX_PLAYER_ID}` })
  playerIds: number[];
}
