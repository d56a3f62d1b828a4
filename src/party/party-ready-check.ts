/** How a ready check stands (docs/party-api.md#ready-checks); every status but Running is final. */
export enum ReadyCheckStatus {
  Running = 'running',
  Ready = 'ready',
  Declined = 'declined',
  Timeout = 'timeout',
  Canceled = 'canceled',
}

export interface ReadyCheckPlayer {
  playerId: number;
  /** null: not answered yet. */
  ready: boolean | null;
}

/** One ready check of a party (tables party_ready_checks and party_ready_check_players). */
export interface ReadyCheck {
  id: number;
  gameIndex: number;
  partyId: number;
  startedBy: number;
  status: ReadyCheckStatus;
  createdAt: Date;
  expiresAt: Date;
  players: ReadyCheckPlayer[];
}

/** The status a running check ends with now, or null while it runs on: the first "no" declines, all "yes" is ready. */
export function outcome(players: ReadyCheckPlayer[]): ReadyCheckStatus | null {
  if (players.some((p) => p.ready === false)) return ReadyCheckStatus.Declined;
  if (players.every((p) => p.ready === true)) return ReadyCheckStatus.Ready;
  return null;
}
