import { Module } from '@nestjs/common';
import { ChannelModule } from '../channel/channel.module.js';
import { ChannelBansModule } from '../channel/channel-bans.module.js';
import { RateLimits } from '../common/rate-limit/rate-limits.js';
import { MetricsService } from '../observability/metrics/metrics.service.js';
import { ModerationModule } from '../moderation/moderation.module.js';
import { ReportsModule } from '../moderation/reports/reports.module.js';
import { MutesModule } from '../moderation/mutes/mutes.module.js';
import { BlockCache } from './chat/block-cache.js';
import { ChannelCache } from './chat/channel-cache.js';
import { ChannelChatService } from './chat/channel-chat.service.js';
import { ChatWriter } from './chat/chat-writer.js';
import { MessageIdGenerator } from './chat/message-id.js';
import { MuteCache } from './chat/mute-cache.js';
import { SlowMode } from './chat/slow-mode.js';
import { ChatTopics } from './delivery/chat-topics.js';
import { DeliveryService } from './delivery/delivery.service.js';
import { RealtimeBus } from './delivery/realtime-bus.js';
import { SessionAuthenticator } from './handlers/authenticate.js';
import { BlockMemberHandler } from './handlers/block-member.handler.js';
import { ChannelChatHandler } from './handlers/channel-chat.handler.js';
import { ChannelHistoryHandler } from './handlers/channel-history.handler.js';
import { ConnectHandler } from './handlers/connect.handler.js';
import { DeleteMessageHandler } from './handlers/delete-message.handler.js';
import { DirectChatHandler } from './handlers/direct-chat.handler.js';
import { EditMessageHandler } from './handlers/edit-message.handler.js';
import { EnterChannelHandler } from './handlers/enter-channel.handler.js';
import { ExitChannelHandler } from './handlers/exit-channel.handler.js';
import { GetBlockMembersHandler } from './handlers/get-block-members.handler.js';
import { GetPresenceHandler } from './handlers/get-presence.handler.js';
import { KickMemberHandler } from './handlers/kick-member.handler.js';
import { MuteMemberHandler } from './handlers/mute-member.handler.js';
import { GetUnreadHandler } from './handlers/get-unread.handler.js';
import { MarkReadHandler } from './handlers/mark-read.handler.js';
import { PingHandler } from './handlers/ping.handler.js';
import { ReconnectHandler } from './handlers/reconnect.handler.js';
import { ReportHandler } from './handlers/report.handler.js';
import { UnblockMemberHandler } from './handlers/unblock-member.handler.js';
import { UnmuteMemberHandler } from './handlers/unmute-member.handler.js';
import { ChannelAudienceSource } from './listeners/channel-audience.js';
import { ChannelEventsListener } from './listeners/channel-events.listener.js';
import { FilterEventsListener } from './listeners/filter-events.listener.js';
import { MessageEventsListener } from './listeners/message-events.listener.js';
import { MuteEventsListener } from './listeners/mute-events.listener.js';
import { NoticeEventsListener } from './listeners/notice-events.listener.js';
import { PartyEventsListener } from './listeners/party-events.listener.js';
import { PlayerEventsListener } from './listeners/player-events.listener.js';
import type { PacketHandler } from './protocol/packet-handler.js';
import { PacketRouter } from './protocol/packet-router.js';
import { RealtimeGateway } from './realtime.gateway.js';
import { ChannelIdsLoader } from './session/channel-ids-loader.js';
import { PresenceNotifier } from './session/presence-notifier.js';
import { ReconnectMemory } from './session/reconnect-memory.js';
import { SessionLifecycle } from './session/session-lifecycle.service.js';
import { SessionLog } from './session/session-log.js';
import { SessionRegistry } from './session/session-registry.js';
import { ShutdownDrain } from './session/shutdown-drain.js';
import { ShutdownGrace } from './session/shutdown-grace.js';
import { ResumeService } from './streams/resume.service.js';
import { SendOnce } from './streams/send-once.js';
import { Streams } from './streams/streams.service.js';
import { UnreadService } from './streams/unread.service.js';

/** Every client packet type of the protocol has one handler here (each in its own file). */
const PACKET_HANDLERS = [
  ConnectHandler,
  ReconnectHandler,
  PingHandler,
  ChannelChatHandler,
  DirectChatHandler,
  EnterChannelHandler,
  ExitChannelHandler,
  ChannelHistoryHandler,
  BlockMemberHandler,
  UnblockMemberHandler,
  GetBlockMembersHandler,
  GetPresenceHandler,
  EditMessageHandler,
  DeleteMessageHandler,
  ReportHandler,
  MuteMemberHandler,
  UnmuteMemberHandler,
  KickMemberHandler,
  MarkReadHandler,
  GetUnreadHandler,
];

/** The WebSocket gateway: sessions, chat delivery, presence, multi-instance fan-out. */
@Module({
  imports: [ChannelModule, ModerationModule, ReportsModule, MutesModule, ChannelBansModule],
  providers: [
    RealtimeGateway,
    SessionRegistry,
    SessionLifecycle,
    SessionLog,
    SessionAuthenticator,
    ReconnectMemory,
    ShutdownGrace,
    ShutdownDrain,
    ChannelIdsLoader,
    PresenceNotifier,
    RealtimeBus,
    ChatTopics,
    DeliveryService,
    MessageIdGenerator,
    ChannelCache,
    BlockCache,
    ChatWriter,
    SlowMode,
    MuteCache,
    ChannelChatService,
    Streams,
    SendOnce,
    ResumeService,
    UnreadService,
    ChannelEventsListener,
    FilterEventsListener,
    MessageEventsListener,
    NoticeEventsListener,
    PartyEventsListener,
    PlayerEventsListener,
    MuteEventsListener,
    ChannelAudienceSource,
    ...PACKET_HANDLERS,
    {
      provide: PacketRouter,
      inject: [RateLimits, MetricsService, ...PACKET_HANDLERS],
      useFactory: (limits: RateLimits, metrics: MetricsService, ...handlers: PacketHandler<unknown>[]) =>
        new PacketRouter(handlers, limits, metrics),
    },
  ],
  exports: [DeliveryService, MessageIdGenerator],
})
export class RealtimeModule {}
