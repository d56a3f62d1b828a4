/**
 * Every failure a service can report. Both API families (DynamicPixels and Hive) and the
 * WebSocket gateway map these codes to their own shapes through the tables in error-tables.ts.
 */
export enum ErrorCode {
  Validation = 'VALIDATION',
  InvalidToken = 'INVALID_TOKEN',
  Forbidden = 'FORBIDDEN',
  NotFound = 'NOT_FOUND',
  MethodNotAllowed = 'METHOD_NOT_ALLOWED',
  Internal = 'INTERNAL',
  Busy = 'BUSY',
  /** A rate limit refused the request; `retryAfterMillis` says when the next one is admitted. */
  RateLimited = 'RATE_LIMITED',
  /** A `/game/{clientId}` prefix naming no game of this server. */
  GameNotFound = 'GAME_NOT_FOUND',
  // Hive chat
  ChannelIdDuplicate = 'CHANNEL_ID_DUPLICATE',
  ChannelNotFound = 'CHANNEL_NOT_FOUND',
  ChannelFull = 'CHANNEL_FULL',
  WrongPassword = 'WRONG_PASSWORD',
  MessageTooLong = 'MESSAGE_TOO_LONG',
  UserNotConnected = 'USER_NOT_CONNECTED',
  NotInChannel = 'NOT_IN_CHANNEL',
  AlreadyInChannel = 'ALREADY_IN_CHANNEL',
  AlreadyBlocked = 'ALREADY_BLOCKED',
  BlockListFull = 'BLOCK_LIST_FULL',
  NotBlocked = 'NOT_BLOCKED',
  UserBlocked = 'USER_BLOCKED',
  TooManyChannels = 'TOO_MANY_CHANNELS',
  NotChannelOwner = 'NOT_CHANNEL_OWNER',
  CustomTooLarge = 'CUSTOM_TOO_LARGE',
  /** A channel's slow mode: the member sent too soon after its previous message. */
  SlowMode = 'SLOW_MODE',
  /** Text holding an entry of the game's word filter (docs/chat-api.md#word-filter). */
  FilterRefused = 'FILTER_REFUSED',
  /** The player is muted in that channel or game-wide (docs/moderation.md#mutes). */
  Muted = 'MUTED',
  /** The player is banned from that channel (docs/moderation.md#channel-bans-and-kicks). */
  ChannelBanned = 'CHANNEL_BANNED',
  // DynamicPixels party
  PartyNotFound = 'PARTY_NOT_FOUND',
  TeamInvalid = 'TEAM_INVALID',
  ChannelsInvalid = 'CHANNELS_INVALID',
  MembershipExists = 'MEMBERSHIP_EXISTS',
  MembershipNotFound = 'MEMBERSHIP_NOT_FOUND',
  PartyFull = 'PARTY_FULL',
  UserNotFound = 'USER_NOT_FOUND',
  InviteExists = 'INVITE_EXISTS',
  InviteNotFound = 'INVITE_NOT_FOUND',
  ReadyCheckRunning = 'READY_CHECK_RUNNING',
  ReadyCheckNotFound = 'READY_CHECK_NOT_FOUND',
}

/**
 * A failure with a code and a precise message saying which field or rule failed. A failure that
 * passes with time carries `retryAfterMillis`: WebSocket responses put it in their body, HTTP
 * answers send it as a `Retry-After` header (in seconds, rounded up). `extra` holds further
 * fields of a WebSocket response body (e.g. `mutedUntilMillis` of a refused message).
 */
export class DomainError extends Error {
  readonly retryAfterMillis?: number;
  readonly extra?: Readonly<Record<string, unknown>>;

  constructor(
    readonly code: ErrorCode,
    message: string,
    options: { retryAfterMillis?: number; extra?: Record<string, unknown> } = {},
  ) {
    super(message);
    this.name = 'DomainError';
    if (options.retryAfterMillis !== undefined) this.retryAfterMillis = options.retryAfterMillis;
    if (options.extra !== undefined) this.extra = options.extra;
  }
}
