import { Injectable, Logger } from '@nestjs/common';
import { ChannelService } from '../channel/channel.service.js';
import { DomainError, ErrorCode } from '../common/errors/domain-error.js';
import type { Tx } from '../infra/database/transaction.js';
import type { Party } from './party.entity.js';

/**
 * Party chat: each party channel name is a GROUP chat channel `party:{partyId}:{name}`
 * owned by SYSTEM. Everything goes through ChannelService inside the party's transaction, so the
 * party change and its chat membership commit (and notify) together.
 */
@Injectable()
export class PartyChatService {
  private readonly logger = new Logger('PartyChat');

  constructor(private readonly channels: ChannelService) {}

  static channelId(partyId: number, name: string): string {
    return `party:${partyId}:${name}`;
  }

  static capacity(maxMemberCount: number): number {
    return Math.max(2, maxMemberCount);
  }

  async createChannels(party: Party, names: string[], tx: Tx): Promise<void> {
    for (const name of names) {
      await this.channels.create(
        party.gameIndex,
        {
          channelId: PartyChatService.channelId(party.id, name),
          channelName: name,
          maxMemberCount: PartyChatService.capacity(party.maxMemberCount),
          type: 'GROUP',
          chatHistoryAllowed: true,
        },
        { tx },
      );
    }
  }

  async deleteChannels(party: Party, names: string[], tx: Tx): Promise<void> {
    for (const name of names) {
      await this.tolerate([ErrorCode.ChannelNotFound], () =>
        this.channels.delete(party.gameIndex, PartyChatService.channelId(party.id, name), { tx }),
      );
    }
  }

  async resize(party: Party, tx: Tx): Promise<void> {
    for (const name of party.channels) {
      await this.channels.update(
        party.gameIndex,
        PartyChatService.channelId(party.id, name),
        { maxMemberCount: PartyChatService.capacity(party.maxMemberCount) },
        { tx },
      );
    }
  }

  /** Party channels skip the 10-channel rule, the password and the connected check; a player the server banned from one stays out of it. */
  async enter(party: Party, playerId: number, names: string[], tx: Tx): Promise<void> {
    for (const name of names) {
      await this.tolerate([ErrorCode.AlreadyInChannel, ErrorCode.ChannelNotFound, ErrorCode.ChannelFull, ErrorCode.ChannelBanned], () =>
        this.channels.enter(party.gameIndex, PartyChatService.channelId(party.id, name), playerId, {
          skipPassword: true,
          skipConnectedCheck: true,
          skipPlayerLimit: true,
          tx,
        }),
      );
    }
  }

  async exit(party: Party, playerId: number, names: string[], tx: Tx): Promise<void> {
    for (const name of names) {
      await this.tolerate([ErrorCode.NotInChannel, ErrorCode.ChannelNotFound], () =>
        this.channels.exit(party.gameIndex, PartyChatService.channelId(party.id, name), playerId, { tx }),
      );
    }
  }

  /**
   * A chat channel can be changed behind the party's back through the Hive server API (a server
   * exits a member, deletes a channel, enters outsiders); the party operation still goes ahead
   * and only the chat membership is missing. ChannelService
   * reports these cases before writing anything, so the transaction stays usable.
   */
  private async tolerate(codes: ErrorCode[], work: () => Promise<unknown>): Promise<void> {
    try {
      await work();
    } catch (err) {
      if (err instanceof DomainError && codes.includes(err.code)) {
        this.logger.warn(`party chat out of step: ${err.message}`);
        return;
      }
      throw err;
    }
  }
}
