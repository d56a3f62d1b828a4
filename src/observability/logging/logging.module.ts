import { Module } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import { AppConfig } from '../../infra/config/app-config.js';
import { createLogger, loggerParams } from './logger.js';

/**
 * pino behind Nest's Logger (docs/operations.md#logs). main.ts hands the same logger to Nest from
 * the first line (`nestLogger`); this module adds the request context (`reqId` on every line
 * logged while a request is handled) and provides the `Logger` main.ts installs with `useLogger`.
 */
@Module({
  imports: [
    LoggerModule.forRootAsync({
      inject: [AppConfig],
      useFactory: (config: AppConfig) => loggerParams(createLogger(config.settings.log)),
    }),
  ],
})
export class LoggingModule {}
