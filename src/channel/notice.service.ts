import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { DomainError, ErrorCode } from '../common/errors/domain-error.js';
import { DomainEvents } from '../common/events/domain-events.js';
import { PresenceService } from '../presence/presence.service.js';
import { memberIdsOf, requireChannel } from './channel-sql.js';

export const NOTICE_MAX_CHARS = 200;
export const CUSTOM_MAX_BYTES = 8_000;

/**
 * Notices and custom messages from the game server (docs/chat-api.md): validated here, then published
 * as domain events; the realtime gateway delivers them to connected players.
 */
@Injectable()
export class NoticeService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly events: DomainEvents,
    private readonly presence: PresenceService,
  ) {}

  async channelNotice(gameIndex: number, channelId: string | undefined, langCode: string | undefined, message: string): Promise<void> {
    assertNotice(message);
    const memberIds = channelId === undefined ? null : await this.members(gameIndex, channelId);
    this.events.publish('notice.channel', { gameIndex, channelId: channelId ?? null, langCode: langCode ?? null, message, memberIds });
  }

  async userNotice(gameIndex: number, playerId: number, message: string): Promise<void> {
    assertNotice(message);
    await this.assertConnected(gameIndex, playerId);
    this.events.publish('notice.user', { gameIndex, playerId, message });
  }

  async channelCustom(gameIndex: number, channelId: string, data: string): Promise<void> {
    assertCustom(data);
    const memberIds = await this.members(gameIndex, channelId);
    this.events.publish('custom.channel', { gameIndex, channelId, data, memberIds });
  }

  async userCustom(gameIndex: number, playerId: number, data: string): Promise<void> {
    assertCustom(data);
    await this.assertConnected(gameIndex, playerId);
    this.events.publish('custom.user', { gameIndex, playerId, data });
  }

  private async members(gameIndex: number, channelId: string): Promise<number[]> {
    await requireChannel(this.dataSource.manager, gameIndex, channelId);
    return memberIdsOf(this.dataSource.manager, gameIndex, channelId);
  }

  private async assertConnected(gameIndex: number, playerId: number): Promise<void> {
    if (!(await this.presence.isOnline(gameIndex, playerId))) {
      throw new DomainError(ErrorCode.UserNotConnected, `player ${playerId} is not connected`);
    }
  }
}

function assertNotice(message: string): void {
  const length = [...message].length;
  if (length === 0) throw new DomainError(ErrorCode.Validation, 'message must not be empty');
  if (length > NOTICE_MAX_CHARS) {
    throw new DomainError(ErrorCode.MessageTooLong, `message is ${length} characters; at most ${NOTICE_MAX_CHARS} are allowed`);
  }
}

function assertCustom(data: string): void {
  const bytes = Buffer.byteLength(data, 'utf8');
  if (bytes > CUSTOM_MAX_BYTES) {
    throw new DomainError(
      ErrorCode.CustomTooLarge,
      `Custom message size exceeded. The maximum size is 8,000 bytes (data is ${bytes.toLocaleString('en-US')} bytes of UTF-8).`,
    );
  }
}
