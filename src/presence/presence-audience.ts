import { Injectable, Logger } from '@nestjs/common';

/** Who else cares when a player comes online or goes offline; a module contributes one source. */
export type AudienceSource = (gameIndex: number, playerId: number) => Promise<Iterable<number>>;

/**
 * The recipients of NOTIFY_PRESENCE: players who share a channel or a party with the player.
 * The realtime module registers channel co-members; the party module registers party co-members
 * (`audience.register(...)` in its onModuleInit), so presence never imports those modules.
 */
@Injectable()
export class PresenceAudience {
  private readonly logger = new Logger('PresenceAudience');
  private readonly sources: AudienceSource[] = [];

  register(source: AudienceSource): void {
    this.sources.push(source);
  }

  async of(gameIndex: number, playerId: number): Promise<Set<number>> {
    const result = new Set<number>();
    const lists = await Promise.all(
      this.sources.map((source) =>
        source(gameIndex, playerId).catch((err) => {
          this.logger.warn(`presence audience source failed: ${(err as Error)?.message ?? err}`);
          return [] as number[];
        }),
      ),
    );
    for (const list of lists) for (const id of list) result.add(id);
    result.delete(playerId);
    return result;
  }
}
