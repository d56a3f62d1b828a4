import { ApiProperty } from '@nestjs/swagger';
import { BoolField, IntField } from '../../common/validation/decorators.js';
import type { ReadyCheck } from '../party-ready-check.js';

export const READY_CHECK_MIN_TIMEOUT = 5;
export const READY_CHECK_MAX_TIMEOUT = 300;
export const READY_CHECK_DEFAULT_TIMEOUT = 30;

/** `POST /parties/{partyId}/ready-check`. */
export class StartReadyCheckDto {
  @IntField(READY_CHECK_MIN_TIMEOUT, READY_CHECK_MAX_TIMEOUT, {
    optional: true,
    description: `seconds until the check times out (default ${READY_CHECK_DEFAULT_TIMEOUT})`,
  })
  timeout?: number;
}

/** `PUT /parties/{partyId}/ready-check`. */
export class ReadyAnswerDto {
  @BoolField({ description: 'true: ready; false declines the check for everyone' })
  ready: boolean;
}

export class ReadyCheckPlayerDto {
  @ApiProperty() player: number;
  @ApiProperty({ type: Boolean, nullable: true, description: 'null: not answered yet' }) ready: boolean | null;
}

export class ReadyCheckDto {
  @ApiProperty() id: number;
  @ApiProperty({ description: 'party id' }) party: number;
  @ApiProperty() started_by: number;
  @ApiProperty({ enum: ['running', 'ready', 'declined', 'timeout', 'canceled'] }) status: string;
  @ApiProperty() created_at: string;
  @ApiProperty() expires_at: string;
  @ApiProperty({ type: [ReadyCheckPlayerDto], description: 'the Accepted members at the start, less those who left' })
  players: ReadyCheckPlayerDto[];
}

export class ReadyCheckRowDto {
  @ApiProperty({ type: ReadyCheckDto }) row: ReadyCheckDto;
}

export function mapReadyCheck(c: ReadyCheck): ReadyCheckDto {
  return {
    id: c.id,
    party: c.partyId,
    started_by: c.startedBy,
    status: c.status,
    created_at: c.createdAt.toISOString(),
    expires_at: c.expiresAt.toISOString(),
    players: c.players.map((p) => ({ player: p.playerId, ready: p.ready })),
  };
}
