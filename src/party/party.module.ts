import { Module } from '@nestjs/common';
import { ChannelModule } from '../channel/channel.module.js';
import { ModerationModule } from '../moderation/moderation.module.js';
import { PartiesController } from './parties.controller.js';
import { PartyChatService } from './party-chat.service.js';
import { PartyEvents } from './party-events.js';
import { PartyInviteService } from './party-invite.service.js';
import { PartyInvitesController } from './party-invites.controller.js';
import { PartyReadyCheckController } from './party-ready-check.controller.js';
import { PartyReadyCheckService } from './party-ready-check.service.js';
import { PartyMembersController } from './party-members.controller.js';
import { PartyMembershipService } from './party-membership.service.js';
import { PartyPresenceAudience } from './party-presence.js';
import { PartyPurge } from './party-purge.js';
import { PartyInviteRepository } from './party-invite.repository.js';
import { PartyMemberRepository } from './party-member.repository.js';
import { PartyReadyCheckRepository } from './party-ready-check.repository.js';
import { PartyRepository } from './party.repository.js';
import { PartyServerController } from './party-server.controller.js';
import { PartyService } from './party.service.js';

/** Parties (DynamicPixels Party Web API): memberships, waiting lists, roles, party chat, live events. */
@Module({
  imports: [ChannelModule, ModerationModule],
  controllers: [PartiesController, PartyMembersController, PartyInvitesController, PartyReadyCheckController, PartyServerController],
  providers: [
    PartyRepository,
    PartyMemberRepository,
    PartyInviteRepository,
    PartyReadyCheckRepository,
    PartyService,
    PartyMembershipService,
    PartyInviteService,
    PartyReadyCheckService,
    PartyChatService,
    PartyEvents,
    PartyPresenceAudience,
    PartyPurge,
  ],
  exports: [PartyService],
})
export class PartyModule {}
