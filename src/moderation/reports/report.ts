/** Report categories and statuses (docs/moderation.md#reports); the table's CHECK constraints list the same. */
export const REPORT_CATEGORIES = ['spam', 'abuse', 'cheating', 'other'] as const;
export type ReportCategory = (typeof REPORT_CATEGORIES)[number];

export const REPORT_STATUSES = ['open', 'resolved', 'dismissed'] as const;
export type ReportStatus = (typeof REPORT_STATUSES)[number];

/** Longest `reason` of a report and `note` of a status change, in characters. */
export const MAX_REASON_CHARS = 500;
export const MAX_NOTE_CHARS = 500;

/** What a player reports (the REPORT packet). */
export interface NewReport {
  playerId: number;
  channelId?: string;
  messageId?: string;
  category: ReportCategory;
  reason: string;
}
