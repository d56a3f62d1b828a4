import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { Page } from './dto/party-query.dto.js';
import type { Party } from './party.entity.js';
import { InviteStatus, type PartyInvite } from './party-invite.js';
import { type Paged, paged, rowsOf } from './party-rows.js';
import * as sql from './party-sql.js';

/** A `party_invites` row. */
interface InviteRow {
  id: number;
  game_index: number;
  party_id: number;
  player_id: string | number;
  inviter: string | number;
  status: number;
  created_at: Date | string;
  expires_at: Date | string;
}

function inviteFromRow(r: InviteRow): PartyInvite {
  return {
    id: Number(r.id),
    gameIndex: Number(r.game_index),
    partyId: Number(r.party_id),
    playerId: Number(r.player_id),
    inviter: Number(r.inviter),
    status: Number(r.status),
    createdAt: new Date(r.created_at),
    expiresAt: new Date(r.expires_at),
  };
}

/**
 * Invite queries (SQL text in party-sql.ts), run through the manager the caller passes, as in
 * PartyRepository.
 */
@Injectable()
export class PartyInviteRepository {
  async inviteById(m: EntityManager, gameIndex: number, inviteId: number): Promise<PartyInvite | null> {
    const [row] = await rowsOf<InviteRow>(m, sql.INVITE_BY_ID, [inviteId, gameIndex]);
    return row ? inviteFromRow(row) : null;
  }

  /** Locks the invite row for the rest of the transaction (null: it is gone with its party). */
  async lockInvite(m: EntityManager, inviteId: number): Promise<PartyInvite | null> {
    const [row] = await rowsOf<InviteRow>(m, sql.LOCK_INVITE, [inviteId]);
    return row ? inviteFromRow(row) : null;
  }

  async openInviteOf(m: EntityManager, partyId: number, playerId: number, now: Date): Promise<PartyInvite | null> {
    const [row] = await rowsOf<InviteRow>(m, sql.OPEN_INVITE_OF_PLAYER, [partyId, playerId, InviteStatus.Pending, now]);
    return row ? inviteFromRow(row) : null;
  }

  async insertInvite(
    m: EntityManager,
    party: Party,
    playerId: number,
    inviter: number,
    createdAt: Date,
    expiresAt: Date,
  ): Promise<PartyInvite> {
    const [row] = await rowsOf<InviteRow>(m, sql.INSERT_INVITE, [
      party.gameIndex,
      party.id,
      playerId,
      inviter,
      InviteStatus.Pending,
      createdAt,
      expiresAt,
    ]);
    return inviteFromRow(row);
  }

  /** A pending invite takes its answer; null: it was answered already. */
  async answerInvite(m: EntityManager, inviteId: number, status: InviteStatus): Promise<PartyInvite | null> {
    const [row] = await rowsOf<InviteRow>(m, sql.SET_INVITE_STATUS, [inviteId, InviteStatus.Pending, status]);
    return row ? inviteFromRow(row) : null;
  }

  /** The player's pending, unexpired invites, newest first. */
  openInvitesOfPlayer(m: EntityManager, gameIndex: number, playerId: number, now: Date, page: Page): Promise<Paged<PartyInvite>> {
    const params = [gameIndex, playerId, InviteStatus.Pending, now];
    return paged(
      m,
      page,
      (skip, limit) => rowsOf<InviteRow>(m, sql.OPEN_INVITES_OF_PLAYER, [...params, skip, limit]).then((rows) => rows.map(inviteFromRow)),
      sql.COUNT_OPEN_INVITES_OF_PLAYER,
      params,
    );
  }

  /** The party's pending, unexpired invites, newest first. */
  openInvitesOfParty(m: EntityManager, partyId: number, now: Date, page: Page): Promise<Paged<PartyInvite>> {
    const params = [partyId, InviteStatus.Pending, now];
    return paged(
      m,
      page,
      (skip, limit) => rowsOf<InviteRow>(m, sql.OPEN_INVITES_OF_PARTY, [...params, skip, limit]).then((rows) => rows.map(inviteFromRow)),
      sql.COUNT_OPEN_INVITES_OF_PARTY,
      params,
    );
  }

  /** The purge: deletes up to `size` invites made before `cutoff`; returns how many. */
  async deleteOldInvites(m: EntityManager, cutoff: Date, size: number): Promise<number> {
    return (await rowsOf<{ id: number }>(m, sql.DELETE_OLD_INVITES, [cutoff, size])).length;
  }
}
