import { Injectable } from '@nestjs/common';

/**
 * Whether this instance has started to shut down (docs/operations.md#shutdown). From that moment
 * `/health/ready` answers 503 so that a load balancer stops sending new clients here.
 */
@Injectable()
export class ShutdownState {
  private startedAt: number | null = null;

  get shuttingDown(): boolean {
    return this.startedAt !== null;
  }

  /** Marks the start of the shutdown (only the first call counts). */
  begin(): void {
    this.startedAt ??= Date.now();
  }
}
