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

/**
 * A packet admitted now and answered later: the connection's next packet is admitted meanwhile and
 * the responses still leave in packet order (a chat message waiting for its commit, see
 * docs/realtime.md#ordering). `answer` rejects with the failure, as `handle` would throw it.
 */
export class Later {
  constructor(readonly answer: Promise<object | void>) {}
}

/** One packet type's logic. Returns the response body (or a Later); throws DomainError for a failure response. */
export interface PacketHandler<Body = unknown> {
  handle(session: Session, body: Body): Promise<object | void | Later> | object | void | Later;
}
