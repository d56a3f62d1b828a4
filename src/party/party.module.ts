import { Module } from '@nestjs/common';
import { ChannelModule } from '../channel/channel.module.js';
import { ModerationModule } from '../moderation/moderation.module.js';
import { PartiesController } from './parties.controller.js';
import { PartyChatService } from './party-chat.service.js';
import { PartyEvents } from './party-events.js';
import { PartyMembersController } from './party-members.controller.js';
import { PartyMembershipService } from './party-membership.service.js';
import { PartyPresenceAudience } from './party-presence.js';
import { PartyRepository } from './party.repository.js';
import { PartyService } from './party.service.js';

/** Parties (DynamicPixels Party Web API): memberships, waiting lists, roles, party chat, live events. */
@Module({
  imports: [ChannelModule, ModerationModule],
  controllers: [PartiesController, PartyMembersController],
  providers: [PartyRepository, PartyService, PartyMembershipService, PartyChatService, PartyEvents, PartyPresenceAudience],
  exports: [PartyService],
})
export class PartyModule {}
