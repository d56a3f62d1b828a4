import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { AuditActor } from '../audit/audit-action.js';
import { AuditService } from '../audit/audit.service.js';
import { DomainError, ErrorCode } from '../common/errors/domain-error.js';
import { type Tx, inTransaction } from '../infra/database/transaction.js';
import { type RestrictionView, mapRestriction, reasonOf, restrictionDetails } from '../moderation/restriction.js';
import { bansInForce, deleteBan, upsertBan } from './channel-bans-sql.js';
import { assertOwner } from './channel-rules.js';
import { lockPlayers, requireChannel } from './channel-sql.js';
import { ChannelService } from './channel.service.js';
import type { ChannelRow } from './dto/channel.dto.js';

export interface ChannelBanInput {
  playerId: number;
  /** Absent: until lifted. */
  durationSeconds?: number;
  reason?: string;
}

export interface KickInput {
  playerId: number;
  /** 0 or absent: removed, not banned. */
  durationSeconds?: number;
  reason?: string;
}

/**
 * Channel bans and kicks (docs/moderation.md#channel-bans-and-kicks). A ban and the removal of the
 * banned member commit together, through ChannelService's exit path (member_count stays exact,
 * channel.exited with reason `banned`); enter checks the ban under the channel lock.
 */
@Injectable()
export class ChannelBanService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly channels: ChannelService,
    private readonly audit: AuditService,
  ) {}

  /** Server API: bans the player (a member or not) and removes it if it is a member. */
  async ban(gameIndex: number, channelId: string, input: ChannelBanInput): Promise<RestrictionView> {
    return inTransaction(this.dataSource, async (t) => {
      await this.lockBannable(t, gameIndex, channelId, input.playerId);
      return this.banIn(t, gameIndex, channelId, input, 'SYSTEM', false);
    });
  }

  /**
   * KICK_MEMBER: the channel owner removes a member (400/301 if it is not one), banning it too for
   * `durationSeconds` > 0. Answers the ban, or null for a plain kick.
   */
  async kick(gameIndex: number, channelId: string, ownerId: number, input: KickInput): Promise<RestrictionView | null> {
    if (input.playerId === ownerId)
      throw new DomainError(ErrorCode.Validation, 'playerId must be another player: the owner cannot kick itself');
    return inTransaction(this.dataSource, async (t) => {
      const channel = await this.lockBannable(t, gameIndex, channelId, input.playerId);
      assertOwner(channel, { playerId: ownerId });
      if (input.durationSeconds) return this.banIn(t, gameIndex, channelId, input, ownerId, true);
      const reason = reasonOf(input.reason);
      const removed = await this.channels.removeMember(t, gameIndex, channelId, input.playerId, 'kicked', {
        reason,
        untilMillis: Date.now(),
      });
      if (!removed) throw notInChannel(input.playerId, channelId);
      await this.audit.record(
        { gameIndex, action: 'kick', actor: ownerId, targetPlayerId: input.playerId, channelId, details: { reason } },
        t.manager,
      );
      return null;
    });
  }

  /** Lifts the ban in force: 201 when the channel is missing, 404/103 when there is none (or it has ended). */
  async unban(gameIndex: number, channelId: string, playerId: number): Promise<void> {
    await inTransaction(this.dataSource, async (t) => {
      await requireChannel(t.manager, gameIndex, channelId);
      if (!(await deleteBan(t.manager, gameIndex, channelId, playerId))) {
        throw new DomainError(ErrorCode.NotFound, `player ${playerId} is not banned from channel "${channelId}"`);
      }
      await this.audit.record(
        { gameIndex, action: 'channel_unban', actor: 'SYSTEM', targetPlayerId: playerId, channelId, details: {} },
        t.manager,
      );
    });
  }

  /** The channel's bans in force, newest first (201 when the channel is missing). */
  async list(gameIndex: number, channelId: string): Promise<RestrictionView[]> {
    const m = this.dataSource.manager;
    await requireChannel(m, gameIndex, channelId);
    return (await bansInForce(m, gameIndex, channelId)).map(mapRestriction);
  }

  /**
   * Locks the target's player row, then the channel row (the module's lock order): an enter of the
   * player holds that row from before it reads the ban until it commits, so the two serialise and
   * the enter either sees the ban or is undone by it. 201 when the channel is missing; no bans in
   * ONE_ON_ONE channels (400/100).
   */
  private async lockBannable(t: Tx, gameIndex: number, channelId: string, playerId: number): Promise<ChannelRow> {
    await lockPlayers(t.manager, gameIndex, [playerId]);
    const channel = await requireChannel(t.manager, gameIndex, channelId, true);
    if (channel.type === 'ONE_ON_ONE') {
      throw new DomainError(ErrorCode.Validation, `channel "${channelId}" is a ONE_ON_ONE channel: members cannot be banned or kicked`);
    }
    return channel;
  }

  /** Writes the ban, removes the player if it is a member (required when `mustBeMember`), records it. */
  private async banIn(
    t: Tx,
    gameIndex: number,
    channelId: string,
    input: ChannelBanInput,
    actor: AuditActor,
    mustBeMember: boolean,
  ): Promise<RestrictionView> {
    const ban = mapRestriction(
      await upsertBan(t.manager, gameIndex, channelId, input.playerId, input.durationSeconds ?? null, reasonOf(input.reason)),
    );
    const kick = { reason: ban.reason, untilMillis: ban.untilMillis };
    const removed = await this.channels.removeMember(t, gameIndex, channelId, input.playerId, 'banned', kick);
    if (mustBeMember && !removed) throw notInChannel(input.playerId, channelId);
    await this.audit.record(
      {
        gameIndex,
        action: 'channel_ban',
        actor,
        targetPlayerId: input.playerId,
        channelId,
        details: { ...restrictionDetails(input.durationSeconds, ban), removed },
      },
      t.manager,
    );
    return ban;
  }
}

function notInChannel(playerId: number, channelId: string): DomainError {
  return new DomainError(ErrorCode.NotInChannel, `player ${playerId} is not in channel "${channelId}"`);
}
