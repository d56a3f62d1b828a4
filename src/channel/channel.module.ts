import { Module } from '@nestjs/common';
import { ModerationModule } from '../moderation/moderation.module.js';
import { BlockService } from './block.service.js';
import { ChannelQueries } from './channel-queries.js';
import { ChannelSeqRecorder } from './channel-seq.recorder.js';
import { ReadPositions } from './read-positions.js';
import { ChannelService } from './channel.service.js';
import { ChannelUsersController } from './channel-users.controller.js';
import { ChannelsController } from './channels.controller.js';
import { ChatHistoryService } from './chat-history.service.js';
import { HistoryController } from './history.controller.js';
import { MessageEditsService } from './message-edits.service.js';
import { NoticeService } from './notice.service.js';
import { NoticesController } from './notices.controller.js';
import { PurgeJob } from './purge.job.js';
import { PurgeService } from './purge.service.js';

/** What the other modules use: the services of channels, history, read positions and the purge job. */
const SHARED = [
  ChannelService,
  ChannelQueries,
  BlockService,
  ChatHistoryService,
  MessageEditsService,
  ChannelSeqRecorder,
  ReadPositions,
  PurgeService,
];

/**
 * Chat channels (docs/chat-api.md): the Hive server API, the limits, history and the purge job.
 * Publishes channel/notice/custom/block domain events; never imports the realtime gateway.
 */
@Module({
  imports: [ModerationModule],
  controllers: [ChannelsController, ChannelUsersController, NoticesController, HistoryController],
  providers: [...SHARED, NoticeService, PurgeJob],
  exports: SHARED,
})
export class ChannelModule {}
