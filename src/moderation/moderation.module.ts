import { Module } from '@nestjs/common';
import { WordFilterController } from './word-filter.controller.js';
import { WordFilterService } from './word-filter.service.js';

/**
 * Content rules of a game: the word filter (docs/chat-api.md#word-filter). Channels, parties and
 * the realtime gateway import it to check names and chat text; it publishes filter.changed.
 */
@Module({
  controllers: [WordFilterController],
  providers: [WordFilterService],
  exports: [WordFilterService],
})
export class ModerationModule {}
