import { Global, Module } from '@nestjs/common';
import { ShutdownState } from './shutdown-state.js';

/**
 * The shutdown state, for whatever must behave differently once the instance is stopping. The
 * health routes themselves are a controller of AppModule: its shutdown hook is the first to run.
 */
@Global()
@Module({ providers: [ShutdownState], exports: [ShutdownState] })
export class HealthModule {}
