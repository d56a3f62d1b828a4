import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { DomainError, ErrorCode } from '../common/errors/domain-error.js';
import { type ChannelExitReason, type ChannelKick, DomainEvents } from '../common/events/domain-events.js';
import { type Tx, inTransaction } from '../infra/database/transaction.js';
import { PresenceService } from '../presence/presence.service.js';
import { type ChannelType, type CreatableType } from './channel.entity.js';
import {
  CHANNEL_COLUMNS,
  addMember,
  addMemberReturningIds,
  assertBelowGroupLimit,
  assertBelowPairLimit,
  lockChannelForEnter,
  lockPlayers,
  channelNotFound,
  memberIdsOf,
  removeMemberReturningIds,
  requireChannel,
} from './channel-sql.js';
import { channelBanned } from './channel-bans-sql.js';
import { CHANNEL_ID_PATTERN, CHANNEL_ID_RULE, type ChannelRow, type ChannelView, type MemberView, mapChannel } from './dto/channel.dto.js';
import { hashPassword } from './password.js';
import {
  type ActingAs,
  PasswordCheckFirst,
  alreadyIn,
  assertCapacity,
  assertOwner,
  checkPassword,
  randomChannelId,
} from './channel-rules.js';

export type { ActingAs };

export type { ChannelType, ChannelView };

export interface CreateChannelInput {
  channelId: string;
  playerId?: number;
  password?: string;
  channelName: string;
  maxMemberCount: number;
  type: CreatableType;
  chatHistoryAllowed?: boolean;
  slowModeSeconds?: number;
}

export interface ChannelPatch {
  channelName?: string;
  password?: string;
  maxMemberCount?: number;
  type?: CreatableType;
  chatHistoryAllowed?: boolean;
  slowModeSeconds?: number;
}

/** How a call runs: inside the caller's transaction (`tx`), and on whose behalf (`actingAs`). */
export interface CallOptions {
  /** Joins this transaction instead of opening one (the caller commits; events follow its commit). */
  tx?: Tx;
  /** Extension of the Hive API: a call made on behalf of a player must come from the owner (403/308). */
  actingAs?: ActingAs;
}

export interface EnterOptions extends Pick<CallOptions, 'tx'> {
  password?: string;
  skipPassword?: boolean;
  skipConnectedCheck?: boolean;
  /** Skips the 10-channel rule; such a membership does not count toward it either (party chat). */
  skipPlayerLimit?: boolean;
}

/** Chat channels (docs/chat-api.md): lifecycle, membership and the limits that hold under concurrency. */
@Injectable()
export class ChannelService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly events: DomainEvents,
    private readonly presence: PresenceService,
  ) {}

  async create(gameIndex: number, input: CreateChannelInput, { tx }: Pick<CallOptions, 'tx'> = {}): Promise<ChannelView> {
    if (!CHANNEL_ID_PATTERN.test(input.channelId)) {
      throw new DomainError(ErrorCode.Validation, `channelId must be ${CHANNEL_ID_RULE}`);
    }
    assertCapacity(input.type, input.maxMemberCount);
    if (input.type === 'PRIVATE' && !input.password) {
      throw new DomainError(ErrorCode.Validation, 'password is required for a PRIVATE channel');
    }
    const owner = input.playerId ?? null;
    if (owner !== null && input.type === 'PUBLIC') await this.assertConnected(gameIndex, owner);
    const passwordHash = input.password ? await hashPassword(input.password) : null;
    return this.run(async (t) => {
      const m = t.manager;
      if (owner !== null) {
        await lockPlayers(m, gameIndex, [owner]);
        await assertBelowGroupLimit(m, gameIndex, owner);
      }
      const rows: ChannelRow[] = await m.query(
        `INSERT INTO channels (game_index, channel_id, type, owner_id, channel_name, max_member_count, password_hash, chat_history_allowed,
                               slow_mode_seconds, member_count)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 0) ON CONFLICT DO NOTHING RETURNING ${CHANNEL_COLUMNS}`,
        [
          gameIndex,
          input.channelId,
          input.type,
          owner,
          input.channelName,
          input.maxMemberCount,
          passwordHash,
          input.chatHistoryAllowed ?? false,
          input.slowModeSeconds ?? 0,
        ],
      );
      const channel = rows[0];
      if (!channel) throw new DomainError(ErrorCode.ChannelIdDuplicate, `channelId "${input.channelId}" already exists`);
      if (owner !== null) {
        await addMember(m, gameIndex, channel, owner, true, channel.created_at);
        this.announceEntered(t, gameIndex, channel.channel_id, owner, channel.created_at, [owner]);
      }
      return mapChannel(channel, false);
    }, tx);
  }

  /** The pair's ONE_ON_ONE channel, created or existing; both players end up in it. */
  async getOrCreateOneOnOne(
    gameIndex: number,
    playerId: number,
    otherPlayerId: number,
    chatHistoryAllowed?: boolean,
  ): Promise<ChannelView> {
    if (playerId === otherPlayerId) throw new DomainError(ErrorCode.Validation, 'otherPlayerId must differ from playerId');
    const [low, high] = playerId < otherPlayerId ? [playerId, otherPlayerId] : [otherPlayerId, playerId];
    return this.run(async (t) => {
      const m = t.manager;
      await lockPlayers(m, gameIndex, [low, high]);
      const existing: ChannelRow[] = await m.query(
        `SELECT ${CHANNEL_COLUMNS} FROM channels WHERE game_index = $1 AND type = 'ONE_ON_ONE' AND pair_low = $2 AND pair_high = $3 FOR UPDATE`,
        [gameIndex, low, high],
      );
      let channel = existing[0];
      const now = new Date();
      const missing = channel
        ? await this.nonMembers(m, gameIndex, channel.channel_id, [playerId, otherPlayerId])
        : [playerId, otherPlayerId];
      for (const id of missing) await assertBelowPairLimit(m, gameIndex, id);
      if (!channel) channel = await this.insertOneOnOne(m, gameIndex, playerId, otherPlayerId, low, high, chatHistoryAllowed ?? false);
      const members = await memberIdsOf(m, gameIndex, channel.channel_id);
      for (const id of missing) {
        await addMember(m, gameIndex, channel, id, true, now);
        members.push(id);
        this.announceEntered(t, gameIndex, channel.channel_id, id, now, [...members]);
      }
      return mapChannel(channel, false);
    });
  }

  async update(gameIndex: number, channelId: string, patch: ChannelPatch, { tx, actingAs = {} }: CallOptions = {}): Promise<void> {
    const passwordHash = patch.password ? await hashPassword(patch.password) : undefined;
    await this.run(async (t) => {
      const channel = await requireChannel(t.manager, gameIndex, channelId, true);
      if (channel.type === 'ONE_ON_ONE') throw new DomainError(ErrorCode.Validation, `ONE_ON_ONE channel "${channelId}" cannot be updated`);
      assertOwner(channel, actingAs);
      const type = patch.type ?? channel.type;
      const max = patch.maxMemberCount ?? channel.max_member_count;
      assertCapacity(type, max);
      const hash = passwordHash ?? channel.password_hash;
      if (type === 'PRIVATE' && !hash) throw new DomainError(ErrorCode.Validation, 'password is required for a PRIVATE channel');
      // Lowering the capacity below the member count removes nobody (docs/chat-api.md).
      await t.manager.query(
        `UPDATE channels SET channel_name = $3, max_member_count = $4, type = $5, password_hash = $6, chat_history_allowed = $7,
                             slow_mode_seconds = $8
          WHERE game_index = $1 AND channel_id = $2`,
        [
          gameIndex,
          channelId,
          patch.channelName ?? channel.channel_name,
          max,
          type,
          hash,
          patch.chatHistoryAllowed ?? channel.chat_history_allowed,
          patch.slowModeSeconds ?? channel.slow_mode_seconds,
        ],
      );
      t.afterCommit(() => this.events.publish('channel.updated', { gameIndex, channelId }));
    }, tx);
  }

  /** Deletes the channel, its memberships and its history; members get channel.deleted. */
  async delete(gameIndex: number, channelId: string, { tx, actingAs = {} }: CallOptions = {}): Promise<void> {
    await this.run(async (t) => {
      const m = t.manager;
      const channel = await requireChannel(m, gameIndex, channelId, true);
      assertOwner(channel, actingAs);
      const memberIds = await memberIdsOf(m, gameIndex, channelId);
      await m.query(`DELETE FROM channels WHERE game_index = $1 AND channel_id = $2`, [gameIndex, channelId]);
      await m.query(`DELETE FROM chat_messages WHERE game_index = $1 AND channel_id = $2`, [gameIndex, channelId]);
      t.afterCommit(() => this.events.publish('channel.deleted', { gameIndex, channelId, memberIds }));
    }, tx);
  }

  async enter(gameIndex: number, channelId: string, playerId: number, options: EnterOptions = {}): Promise<void> {
    const { tx } = options;
    // The password (scrypt, slow) is never checked while the locks are held: a channel found to
    // need one ends the attempt (rolled back, nothing written), the check runs, and the enter
    // starts again with that hash verified. Joined to a caller's transaction it runs in place.
    let verifiedHash: string | null = null;
    for (let attempt = 1; ; attempt++) {
      try {
        await this.run(async (t) => {
          const m = t.manager;
          await lockPlayers(m, gameIndex, [playerId]);
          const { channel, isMember, banEnd, groups, pairs } = await lockChannelForEnter(m, gameIndex, channelId, playerId);
          if (isMember) throw alreadyIn(playerId, channelId);
          // Read under the channel lock, so a ban committed before this enter is always seen.
          if (banEnd !== null) throw channelBanned(playerId, channelId, banEnd);
          if (channel.type === 'PRIVATE' && !options.skipPassword && channel.password_hash !== verifiedHash) {
            if (!tx && attempt < 3) throw new PasswordCheckFirst(channel);
            await checkPassword(channel, options.password);
          }
          if (channel.type === 'PUBLIC' && !options.skipConnectedCheck) await this.assertConnected(gameIndex, playerId);
          if (channel.type === 'ONE_ON_ONE' && Number(channel.pair_low) !== playerId && Number(channel.pair_high) !== playerId) {
            throw new DomainError(
              ErrorCode.Forbidden,
              `only players ${channel.pair_low} and ${channel.pair_high} may enter ONE_ON_ONE channel "${channelId}"`,
            );
          }
          if (channel.member_count >= channel.max_member_count) {
            throw new DomainError(
              ErrorCode.ChannelFull,
              `channel "${channelId}" is full (${channel.member_count}/${channel.max_member_count} members)`,
            );
          }
          const counted = channel.type === 'ONE_ON_ONE' || !options.skipPlayerLimit;
          if (channel.type === 'ONE_ON_ONE') await assertBelowPairLimit(m, gameIndex, playerId, pairs);
          else if (counted) await assertBelowGroupLimit(m, gameIndex, playerId, groups);
          const now = new Date();
          const memberIds = await addMemberReturningIds(m, gameIndex, channel, playerId, counted, now);
          this.announceEntered(t, gameIndex, channelId, playerId, now, memberIds);
        }, tx);
        return;
      } catch (err) {
        if (!(err instanceof PasswordCheckFirst)) throw err;
        verifiedHash = await checkPassword(err.channel, options.password);
      }
    }
  }

  /** An exit asked for by the player (packet) or for it (HTTP, party): NOTIFY_EXIT_CHANNEL reason `left`. */
  async exit(gameIndex: number, channelId: string, playerId: number, { tx }: Pick<CallOptions, 'tx'> = {}): Promise<void> {
    await this.run(async (t) => {
      await requireChannel(t.manager, gameIndex, channelId, true);
      if (!(await this.removeMember(t, gameIndex, channelId, playerId, 'left'))) {
        throw new DomainError(ErrorCode.NotInChannel, `player ${playerId} is not in channel "${channelId}"`);
      }
    }, tx);
  }

  /** On disconnect: leaves every PUBLIC channel (owners included; reason `disconnected`); returns their ids. */
  async exitAllPublic(gameIndex: number, playerId: number): Promise<string[]> {
    return this.run(async (t) => {
      // Channel rows locked in one fixed order, so two of these cannot deadlock each other.
      const rows: { channel_id: string }[] = await t.manager.query(
        `SELECT c.channel_id FROM channels c
           JOIN channel_members cm ON cm.game_index = c.game_index AND cm.channel_id = c.channel_id AND cm.player_id = $2
          WHERE c.game_index = $1 AND c.type = 'PUBLIC' ORDER BY c.channel_id FOR UPDATE OF c`,
        [gameIndex, playerId],
      );
      const left: string[] = [];
      for (const { channel_id } of rows) {
        if (await this.removeMember(t, gameIndex, channel_id, playerId, 'disconnected')) left.push(channel_id);
      }
      return left;
    });
  }

  async get(gameIndex: number, channelId: string): Promise<ChannelView> {
    return mapChannel(await requireChannel(this.dataSource.manager, gameIndex, channelId), true);
  }

  /** `{info, members}` of the Hive "get channel" API. */
  async details(gameIndex: number, channelId: string): Promise<{ info: ChannelView; members: MemberView[] }> {
    const info = await this.get(gameIndex, channelId);
    return { info, members: await this.members(gameIndex, channelId, false) };
  }

  /** Members with connectedTimeMillis (null when offline); 201 when the channel is missing. */
  async members(gameIndex: number, channelId: string, checkExists = true): Promise<MemberView[]> {
    if (checkExists) await requireChannel(this.dataSource.manager, gameIndex, channelId);
    const ids = await this.memberIds(gameIndex, channelId);
    const since = await this.presence.connectedSince(gameIndex, ids);
    return ids.map((playerId) => ({ playerId, connectedTimeMillis: since.get(playerId) ?? null }));
  }

  memberIds(gameIndex: number, channelId: string): Promise<number[]> {
    return memberIdsOf(this.dataSource.manager, gameIndex, channelId);
  }

  isMember(gameIndex: number, channelId: string, playerId: number): Promise<boolean> {
    return this.isMemberVia(this.dataSource.manager, gameIndex, channelId, playerId);
  }

  /** Runs `work` in a transaction, or in the caller's (deadlock victims are retried by inTransaction). */
  private run<T>(work: (tx: Tx) => Promise<T>, outer?: Tx): Promise<T> {
    return inTransaction(this.dataSource, work, outer);
  }

  /**
   * Removes the player if it is a member (false when not) and announces channel.exited once `t`
   * commits. The caller holds the channel row lock in `t` (exit, disconnect, a kick or a ban).
   */
  async removeMember(
    t: Tx,
    gameIndex: number,
    channelId: string,
    playerId: number,
    reason: ChannelExitReason,
    kick?: ChannelKick,
  ): Promise<boolean> {
    const memberIds = await removeMemberReturningIds(t.manager, gameIndex, channelId, playerId);
    if (memberIds === null) return false;
    const at = new Date();
    const event = { gameIndex, channelId, playerId, at, memberIds, reason, ...(kick ? { kick } : {}) };
    t.afterCommit(() => this.events.publish('channel.exited', event));
    return true;
  }

  /**
   * The channel a moderation action names, read in the caller's transaction and locked against
   * deletion until it commits (FOR KEY SHARE); 201 when missing, 308 when `actingAs` is not its owner.
   */
  async moderated(t: Tx, gameIndex: number, channelId: string, actingAs: ActingAs = {}): Promise<ChannelView> {
    const rows: ChannelRow[] = await t.manager.query(
      `SELECT ${CHANNEL_COLUMNS} FROM channels WHERE game_index = $1 AND channel_id = $2 FOR KEY SHARE`,
      [gameIndex, channelId],
    );
    if (!rows[0]) throw channelNotFound(channelId);
    assertOwner(rows[0], actingAs);
    return mapChannel(rows[0], false);
  }

  private async insertOneOnOne(
    m: EntityManager,
    gameIndex: number,
    playerId: number,
    otherPlayerId: number,
    low: number,
    high: number,
    history: boolean,
  ): Promise<ChannelRow> {
    for (;;) {
      const rows: ChannelRow[] = await m.query(
        `INSERT INTO channels (game_index, channel_id, type, owner_id, channel_name, max_member_count, chat_history_allowed, pair_low, pair_high)
         VALUES ($1, $2, 'ONE_ON_ONE', $3, $4, 2, $5, $6, $7) ON CONFLICT DO NOTHING RETURNING ${CHANNEL_COLUMNS}`,
        [gameIndex, randomChannelId(), playerId, `${playerId}&${otherPlayerId}`, history, low, high],
      );
      if (rows[0]) return rows[0];
      // A random id collided (the pair itself is serialised by the player locks): draw again.
    }
  }

  private async nonMembers(m: EntityManager, gameIndex: number, channelId: string, ids: number[]): Promise<number[]> {
    const present = new Set(await memberIdsOf(m, gameIndex, channelId));
    return ids.filter((id) => !present.has(id));
  }

  private async isMemberVia(m: EntityManager, gameIndex: number, channelId: string, playerId: number): Promise<boolean> {
    const rows: unknown[] = await m.query(`SELECT 1 FROM channel_members WHERE game_index = $1 AND channel_id = $2 AND player_id = $3`, [
      gameIndex,
      channelId,
      playerId,
    ]);
    return rows.length > 0;
  }

  private async assertConnected(gameIndex: number, playerId: number): Promise<void> {
    if (!(await this.presence.isOnline(gameIndex, playerId))) {
      throw new DomainError(
        ErrorCode.UserNotConnected,
        `player ${playerId} is not connected; only connected players may enter PUBLIC channels`,
      );
    }
  }

  private announceEntered(t: Tx, gameIndex: number, channelId: string, playerId: number, at: Date, memberIds: number[]): void {
    t.afterCommit(() => this.events.publish('channel.entered', { gameIndex, channelId, playerId, at, memberIds }));
  }
}
