import { Global, Injectable, Module, type OnModuleDestroy } from '@nestjs/common';

/**
 * Whether this instance is shutting down (docs/operations.md#shutdown). Set by the first shutdown
 * hook, before any other part stops: from then on readiness answers 503 and the WebSocket gateway
 * refuses new connections while it drains the open ones.
 */
@Injectable()
export class ShutdownState implements OnModuleDestroy {
  /** Epoch millis the shutdown began; null while running. */
  since: number | null = null;

  get draining(): boolean {
    return this.since !== null;
  }

  /** Nest calls every onModuleDestroy before any beforeApplicationShutdown (where the gateway drains). */
  onModuleDestroy(): void {
    this.begin();
  }

  begin(): void {
    this.since ??= Date.now();
  }
}

@Global()
@Module({ providers: [ShutdownState], exports: [ShutdownState] })
export class ShutdownModule {}
