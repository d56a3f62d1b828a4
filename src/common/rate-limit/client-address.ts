import type { IncomingMessage } from 'node:http';

/** Longest address kept (an IPv6 address is at most 45 characters); the rest of a forged header is dropped. */
const MAX_ADDRESS_LENGTH = 64;

/**
 * The address a request or WebSocket upgrade came from: the socket's, or with TRUST_PROXY the first
 * `X-Forwarded-For` entry (the client as the first proxy saw it). Trust the header only behind a
 * proxy that sets it: anyone can send one. IPv4 addresses mapped into IPv6 (`::ffff:10.0.0.1`)
 * read as IPv4, so both forms share one bucket.
 */
export function clientAddress(request: IncomingMessage, trustProxy: boolean): string {
  const forwarded = trustProxy ? request.headers['x-forwarded-for'] : undefined;
  const first = (Array.isArray(forwarded) ? forwarded[0] : forwarded)?.split(',')[0].trim();
  const address = first || request.socket.remoteAddress || 'unknown';
  const plain = /^::ffff:\d+\.\d+\.\d+\.\d+$/i.test(address) ? address.slice(7) : address;
  return plain.slice(0, MAX_ADDRESS_LENGTH);
}
