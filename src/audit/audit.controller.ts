import { Controller, Get, Param, Query, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { GameIndexPipe } from '../common/http/game-index.pipe.js';
import { type HiveEnvelope, hiveOk } from '../common/http/hive-envelope.js';
import { ServerKeyGuard } from '../player/server-key.guard.js';
import { AuditService } from './audit.service.js';
import { type AuditPage, AuditQuery } from './dto/audit.dto.js';

/** The game's audit log (docs/moderation.md#audit-log), for trusted game servers and operators. */
@ApiTags('Hive server API: audit log')
@ApiBearerAuth()
@UseGuards(ServerKeyGuard)
@Controller('api/v1/games/:gameIndex/audit')
export class AuditController {
  constructor(private readonly audit: AuditService) {}

  @Get()
  async list(@Param('gameIndex', GameIndexPipe) gameIndex: number, @Query() query: AuditQuery): Promise<HiveEnvelope<AuditPage>> {
    return hiveOk(await this.audit.list(gameIndex, query));
  }
}
