/** What became of an invite (docs/party-api.md#invites). Expiry is not a status: readers compare expires_at with the clock. */
export enum InviteStatus {
  Pending = 0,
  Accepted = 1,
  Declined = 2,
  Canceled = 3,
}

/** One invite of a player into a party (table party_invites). */
export interface PartyInvite {
  id: number;
  gameIndex: number;
  partyId: number;
  playerId: number;
  inviter: number;
  status: InviteStatus;
  createdAt: Date;
  expiresAt: Date;
}

/** Pending and not yet expired at `now`: the only invite that can be answered or counts as "already exists". */
export function isOpen(invite: PartyInvite, now: Date): boolean {
  return invite.status === InviteStatus.Pending && invite.expiresAt > now;
}
