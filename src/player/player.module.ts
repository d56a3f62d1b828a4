import { Global, Module } from '@nestjs/common';
import { JwtModule } from '@nestjs/jwt';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuthController } from './auth.controller.js';
import { HiveUsersController } from './hive-users.controller.js';
import { PlayerTokenGuard } from './player-token.guard.js';
import { Player } from './player.entity.js';
import { PlayerService } from './player.service.js';
import { ServerKeyGuard } from './server-key.guard.js';
import { TokenService } from './token.service.js';
import { UsersController } from './users.controller.js';

/** Players, tokens and the two guards every other module uses. Global: guards are needed everywhere. */
@Global()
@Module({
  imports: [JwtModule.register({}), TypeOrmModule.forFeature([Player])],
  controllers: [AuthController, UsersController, HiveUsersController],
  providers: [PlayerService, TokenService, PlayerTokenGuard, ServerKeyGuard],
  exports: [PlayerService, TokenService, PlayerTokenGuard, ServerKeyGuard],
})
export class PlayerModule {}
