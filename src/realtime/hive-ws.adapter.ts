import type { INestApplicationContext } from '@nestjs/common';
import { WsAdapter } from '@nestjs/platform-ws';
import type { MessageMappingProperties } from '@nestjs/websockets';
import type { Observable } from 'rxjs';
import type { WebSocket } from 'ws';
import { PacketRouter } from './protocol/packet-router.js';
import { SessionRegistry } from './session/session-registry.js';

/**
 * The `ws` adapter speaking Hive packet framing: instead of Nest's `{event, data}` messages,
 * every frame goes to the PacketRouter, which routes by `packetType` to the @Packet handlers.
 */
export class HiveWsAdapter extends WsAdapter {
  private router?: PacketRouter;
  private sessions?: SessionRegistry;

  constructor(private readonly app: INestApplicationContext) {
    super(app);
  }

  override bindMessageHandlers(
    client: WebSocket,
    _handlers: MessageMappingProperties[],
    _transform: (data: unknown) => Observable<unknown>,
  ): void {
    this.router ??= this.app.get(PacketRouter, { strict: false });
    this.sessions ??= this.app.get(SessionRegistry, { strict: false });
    const session = this.sessions.forSocket(client);
    if (!session) return;
    client.on('message', (data, isBinary) => this.router!.onFrame(session, data, isBinary));
  }
}
