import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { DomainError, ErrorCode } from '../common/errors/domain-error.js';
import { AppConfig } from '../infra/config/app-config.js';
import { inTransaction } from '../infra/database/transaction.js';
import type { PlayerIdentity } from '../player/player-identity.js';
import { PlayerService } from '../player/player.service.js';
import { type InviteDto, type MyInviteListDto, mapInvite } from './dto/party-invite.dto.js';
import { type PartyMemberDto, mapMember, mapParty } from './dto/party.dto.js';
import type { AdmitInput } from './dto/party-input.js';
import type { Page } from './dto/party-query.dto.js';
import { PartyEvents } from './party-events.js';
import { InviteStatus, type PartyInvite, isOpen } from './party-invite.js';
import type { Party } from './party.entity.js';
import { MemberRole, MemberStatus } from './party-member.entity.js';
import { PartyMembershipService } from './party-membership.service.js';
import { PartyRepository } from './party.repository.js';
import { PartyMemberRepository } from './party-member.repository.js';
import { PartyInviteRepository } from './party-invite.repository.js';
import { MANAGERS, assertRole } from './party-rules.js';

function inviteNotFound(inviteId: number, why: string): DomainError {
  return new DomainError(ErrorCode.InviteNotFound, `invite ${inviteId} ${why}`);
}

/**
 * Party invites (docs/party-api.md#invites). Every change runs under the party row lock, as joins
 * do: an accepted invite is a join and counts against capacity like any other. Expiry needs no
 * timer: an invite is open while it is pending and `expires_at` is still ahead.
 */
@Injectable()
export class PartyInviteService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly partyRepo: PartyRepository,
    private readonly memberRepo: PartyMemberRepository,
    private readonly inviteRepo: PartyInviteRepository,
    private readonly memberships: PartyMembershipService,
    private readonly partyEvents: PartyEvents,
    private readonly players: PlayerService,
    private readonly config: AppConfig,
  ) {}

  /** Owner and Admins invite; Members too when the party's members_can_invite is set. */
  async invite(me: PlayerIdentity, partyId: number, playerId: number): Promise<InviteDto> {
    // Read before the transaction: on the embedded database the player service cannot query while one is open.
    const known = (await this.players.find(me.gameIndex, playerId)) !== null;
    return inTransaction(this.dataSource, async (tx) => {
      const m = tx.manager;
      const party = await this.partyRepo.lockParty(m, me.gameIndex, partyId);
      const roles = party.membersCanInvite ? [...MANAGERS, MemberRole.Member] : MANAGERS;
      assertRole(party.id, await this.memberRepo.membership(m, party.id, me.playerId), roles, 'invite players');
      if (!known) throw new DomainError(ErrorCode.UserNotFound, `player ${playerId} does not exist in game ${me.gameIndex}`);
      const existing = await this.memberRepo.membership(m, party.id, playerId);
      if (existing) {
        const what = existing.status === MemberStatus.Waiting ? 'waiting for acceptance' : 'a member';
        throw new DomainError(ErrorCode.MembershipExists, `player ${playerId} is already ${what} in party ${party.id}`);
      }
      const now = new Date();
      const pending = await this.inviteRepo.openInviteOf(m, party.id, playerId, now);
      if (pending) {
        throw new DomainError(ErrorCode.InviteExists, `player ${playerId} already has pending invite ${pending.id} into party ${party.id}`);
      }
      const expiresAt = new Date(now.getTime() + this.config.settings.partyInviteTtlSeconds * 1000);
      const invite = await this.inviteRepo.insertInvite(m, party, playerId, me.playerId, now, expiresAt);
      this.partyEvents.emit(tx, me.gameIndex, 'NOTIFY_PARTY_INVITE', [playerId], {
        partyId: party.id,
        inviteId: invite.id,
        playerId: me.playerId,
        party: { ...mapParty(party) },
      });
      return mapInvite(invite);
    });
  }

  /** The caller's open invites, newest first, each with its Party object. */
  async mine(me: PlayerIdentity, page: Page): Promise<MyInviteListDto> {
    const m = this.dataSource.manager;
    const { rows, totalCount } = await this.inviteRepo.openInvitesOfPlayer(m, me.gameIndex, me.playerId, new Date(), page);
    const parties = await this.partyRepo.partiesByIds(m, [...new Set(rows.map((i) => i.partyId))]);
    // An invite whose party was deleted between the two reads is gone with it (ON DELETE CASCADE).
    const list = rows.filter((i) => parties.has(i.partyId)).map((i) => ({ ...mapInvite(i), party: mapParty(parties.get(i.partyId)!) }));
    return { list, totalCount };
  }

  /** The party's open invites (Owner/Admin), newest first. */
  async ofParty(me: PlayerIdentity, partyId: number, page: Page): Promise<{ list: InviteDto[]; totalCount: number }> {
    const m = this.dataSource.manager;
    const party = await this.partyRepo.findParty(m, me.gameIndex, partyId);
    assertRole(party.id, await this.memberRepo.membership(m, party.id, me.playerId), MANAGERS, 'see its invites');
    const { rows, totalCount } = await this.inviteRepo.openInvitesOfParty(m, party.id, new Date(), page);
    return { list: rows.map(mapInvite), totalCount };
  }

  /**
   * The invitee accepts: an Accepted member, also of a private party (a Waiting request becomes
   * Accepted). A full party refuses and the invite stays pending.
   */
  async accept(me: PlayerIdentity, inviteId: number, input: AdmitInput): Promise<PartyMemberDto> {
    const found = await this.inviteRepo.inviteById(this.dataSource.manager, me.gameIndex, inviteId);
    if (!found || found.playerId !== me.playerId) throw inviteNotFound(inviteId, `is not an invite of player ${me.playerId}`);
    return inTransaction(this.dataSource, async (tx) => {
      const { party, invite } = await this.lockOpen(tx.manager, me.gameIndex, found);
      const member = await this.memberships.admit(party, me.playerId, input, tx);
      await this.inviteRepo.answerInvite(tx.manager, invite.id, InviteStatus.Accepted);
      this.partyEvents.emit(tx, me.gameIndex, 'NOTIFY_PARTY_INVITE_ANSWERED', [invite.inviter], {
        partyId: party.id,
        inviteId: invite.id,
        playerId: me.playerId,
        status: InviteStatus.Accepted,
      });
      return mapMember(member);
    });
  }

  /** The invitee declines; the inviter, the Owner or an Admin cancels. */
  async withdraw(me: PlayerIdentity, inviteId: number): Promise<InviteDto> {
    const found = await this.inviteRepo.inviteById(this.dataSource.manager, me.gameIndex, inviteId);
    if (!found) throw inviteNotFound(inviteId, `does not exist in game ${me.gameIndex}`);
    return inTransaction(this.dataSource, async (tx) => {
      const m = tx.manager;
      const party = await this.lockParty(m, me.gameIndex, found);
      let status = InviteStatus.Declined;
      if (found.playerId !== me.playerId) {
        status = InviteStatus.Canceled;
        if (found.inviter !== me.playerId) {
          assertRole(party.id, await this.memberRepo.membership(m, party.id, me.playerId), MANAGERS, `cancel invite ${inviteId}`);
        }
      }
      const { invite } = await this.lockOpen(m, me.gameIndex, found, party);
      const answered = (await this.inviteRepo.answerInvite(m, invite.id, status))!;
      if (status === InviteStatus.Declined) {
        this.partyEvents.emit(tx, me.gameIndex, 'NOTIFY_PARTY_INVITE_ANSWERED', [invite.inviter], {
          partyId: party.id,
          inviteId: invite.id,
          playerId: me.playerId,
          status,
        });
      } else {
        this.partyEvents.emit(tx, me.gameIndex, 'NOTIFY_PARTY_INVITE_CANCELED', [invite.playerId], {
          partyId: party.id,
          inviteId: invite.id,
        });
      }
      return mapInvite(answered);
    });
  }

  /** The invite's party, locked; gone with its invites when it was deleted. */
  private async lockParty(m: EntityManager, gameIndex: number, invite: PartyInvite): Promise<Party> {
    try {
      return await this.partyRepo.lockParty(m, gameIndex, invite.partyId);
    } catch (err) {
      if (err instanceof DomainError && err.code === ErrorCode.PartyNotFound) throw inviteNotFound(invite.id, 'is gone with its party');
      throw err;
    }
  }

  /** Party and invite locked, the invite still pending and unexpired. */
  private async lockOpen(
    m: EntityManager,
    gameIndex: number,
    found: PartyInvite,
    locked?: Party,
  ): Promise<{ party: Party; invite: PartyInvite }> {
    const party = locked ?? (await this.lockParty(m, gameIndex, found));
    const invite = await this.inviteRepo.lockInvite(m, found.id);
    if (!invite) throw inviteNotFound(found.id, 'is gone with its party');
    if (invite.status !== InviteStatus.Pending) throw inviteNotFound(found.id, `was answered already (status ${invite.status})`);
    if (!isOpen(invite, new Date())) throw inviteNotFound(found.id, `expired at ${invite.expiresAt.toISOString()}`);
    return { party, invite };
  }
}
