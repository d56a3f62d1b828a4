import { SetMetadata, type Type } from '@nestjs/common';
import type { Session } from '../session/session.js';

export const PACKET_HANDLER = Symbol('PACKET_HANDLER');

export interface PacketHandlerOptions {
  /** Client packet type this class answers, e.g. "CHANNEL_CHAT". */
  type: string;
  /** class-validator DTO of the body; omitted = the body is ignored. */
  body?: Type<object>;
  /**
   * Hot packets: a hand-written check that returns the body when it is plainly valid (same fields
   * the DTO would keep) and null otherwise; null falls back to class-validator, so every error
   * message stays the DTO's.
   */
  fastBody?: (plain: Record<string, unknown>) => object | null;
  /** Allowed before CONNECT (only CONNECT and RECONNECT); a failure then closes the socket. */
  opensSession?: boolean;
}

/** Marks a provider as the handler of one packet type (see PacketRouter). */
export const Packet = (options: PacketHandlerOptions): ClassDecorator => SetMetadata(PACKET_HANDLER, options);

/** One packet type's logic. Returns the response body; throws DomainError for a failure response. */
export interface PacketHandler<Body = unknown> {
  handle(session: Session, body: Body): Promise<object | void> | object | void;
}
