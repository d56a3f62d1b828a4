import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AuditService } from '../audit/audit.service.js';
import { DomainError, ErrorCode } from '../common/errors/domain-error.js';
import { DomainEvents } from '../common/events/domain-events.js';
import { AppConfig } from '../infra/config/app-config.js';
import { inTransaction } from '../infra/database/transaction.js';
import { channelNotFound } from './channel-sql.js';

/** Who deletes: a player (the sender or the channel owner) or the game server. */
export type MessageActor = number | 'SYSTEM';

export interface EditedMessage {
  messageId: string;
  message: string;
  editedAtMillis: number;
}

/** What the edit and delete statements saw: the channel, the message before the change, and whether the change was made. */
interface Outcome {
  channel_exists: boolean;
  history: boolean;
  owner_id: string | null;
  sender: string | null;
  created_at: Date | null;
  changed: boolean;
}

/**
 * The facts of one channel and one of its messages, read in the same statement as the change.
 * $1 game, $2 channel, $3 message id.
 */
const FACTS = `ch AS (SELECT owner_id, chat_history_allowed FROM channels WHERE game_index = $1 AND channel_id = $2),
  msg AS (SELECT sender, created_at FROM chat_messages WHERE game_index = $1 AND channel_id = $2 AND id = $3::bigint)`;
const OUTCOME = `SELECT EXISTS (SELECT 1 FROM ch) AS channel_exists, COALESCE((SELECT chat_history_allowed FROM ch), false) AS history,
  (SELECT owner_id FROM ch) AS owner_id, (SELECT sender FROM msg) AS sender, (SELECT created_at FROM msg) AS created_at,
  EXISTS (SELECT 1 FROM changed) AS changed`;

/** The sender's edit: only its own message, only within the edit window. $4 editor, $5 text, $6 oldest creation time, $7 edit time. */
const EDIT = `WITH ${FACTS},
  changed AS (UPDATE chat_messages m SET message = $5, edited_at = $7::timestamptz
    WHERE m.game_index = $1 AND m.channel_id = $2 AND m.id = $3::bigint AND m.sender = $4::bigint AND m.created_at >= $6::timestamptz
      AND EXISTS (SELECT 1 FROM ch WHERE ch.chat_history_allowed)
    RETURNING m.id)
  ${OUTCOME}`;

/** A delete by the sender or the channel owner ($4), or by the server API ($4 null). */
const DELETE = `WITH ${FACTS},
  changed AS (DELETE FROM chat_messages m
    WHERE m.game_index = $1 AND m.channel_id = $2 AND m.id = $3::bigint
      AND EXISTS (SELECT 1 FROM ch WHERE ch.chat_history_allowed AND ($4::bigint IS NULL OR m.sender = $4::bigint OR ch.owner_id = $4::bigint))
    RETURNING m.id)
  ${OUTCOME}`;

/**
 * Editing and deleting stored channel messages (docs/moderation.md#editing-and-deleting-messages).
 * Each change is one statement whose WHERE holds every rule (sender, owner, edit window), so it is
 * atomic: no read-then-write race. The same statement reads the facts that explain a refusal.
 * Publishes message.edited / message.deleted once committed; the realtime gateway pushes them.
 */
@Injectable()
export class MessageEditsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly events: DomainEvents,
    private readonly audit: AuditService,
    private readonly config: AppConfig,
  ) {}

  /** `text` has passed the length rule and the word filter already (the gateway's chat rules). */
  async edit(gameIndex: number, channelId: string, messageId: string, editorId: number, text: string): Promise<EditedMessage> {
    const windowSeconds = this.config.settings.editWindowSeconds;
    const now = Date.now();
    const oldest = new Date(now - windowSeconds * 1000);
    const [outcome] = await this.dataSource.query<Outcome[]>(EDIT, [
      gameIndex,
      channelId,
      messageId,
      editorId,
      text,
      oldest,
      new Date(now),
    ]);
    if (!outcome.changed) {
      const sender = requireStored(outcome, channelId, messageId);
      if (sender !== editorId) throw forbidden(`only the sender (player ${sender}) may edit message ${messageId}`);
      if (outcome.created_at! < oldest) {
        throw forbidden(`message ${messageId} can no longer be edited: messages can be edited for ${windowSeconds} s after sending`);
      }
      // Every rule held, yet no row changed: deleted meanwhile.
      throw notFound(channelId, messageId);
    }
    const edited = { messageId: canonical(messageId), message: text, editedAtMillis: now };
    this.events.publish('message.edited', { gameIndex, channelId, senderId: editorId, ...edited });
    return edited;
  }

  /**
   * By the sender or the channel owner (`actor` a player), or by the server API ('SYSTEM'). A
   * moderation delete (the server API, or the owner deleting another player's message) is recorded
   * in the audit log in the same transaction; a sender deleting its own message is not.
   */
  async delete(gameIndex: number, channelId: string, messageId: string, actor: MessageActor): Promise<{ messageId: string }> {
    const id = canonical(messageId);
    await inTransaction(this.dataSource, async (tx) => {
      const [outcome] = await tx.manager.query<Outcome[]>(DELETE, [gameIndex, channelId, messageId, actor === 'SYSTEM' ? null : actor]);
      const sender = requireStored(outcome, channelId, messageId);
      if (!outcome.changed) {
        const owner = outcome.owner_id === null ? null : Number(outcome.owner_id);
        if (actor !== sender && actor !== owner) {
          throw forbidden(`only the sender (player ${sender}) or the channel owner may delete message ${messageId}`);
        }
        throw notFound(channelId, messageId);
      }
      if (actor !== sender) {
        await this.audit.record(
          { gameIndex, action: 'message_delete', actor, targetPlayerId: sender, channelId, details: { messageId: id } },
          tx.manager,
        );
      }
      tx.afterCommit(() =>
        this.events.publish('message.deleted', { gameIndex, channelId, messageId: id, senderId: sender, deletedBy: actor }),
      );
    });
    return { messageId: id };
  }
}

/** The message's sender, or the refusal when the channel or the stored message is missing. */
function requireStored(outcome: Outcome, channelId: string, messageId: string): number {
  if (!outcome.channel_exists) throw channelNotFound(channelId);
  if (!outcome.history) {
    throw new DomainError(ErrorCode.NotFound, `channel "${channelId}" does not keep chat history: it has no stored message ${messageId}`);
  }
  if (outcome.sender === null) throw notFound(channelId, messageId);
  return Number(outcome.sender);
}

function notFound(channelId: string, messageId: string): DomainError {
  return new DomainError(ErrorCode.NotFound, `message ${messageId} is not a stored message of channel "${channelId}"`);
}

function forbidden(message: string): DomainError {
  return new DomainError(ErrorCode.Forbidden, message);
}

/** The id as the service writes ids ("007" → "7"). */
function canonical(messageId: string): string {
  return BigInt(messageId).toString();
}
