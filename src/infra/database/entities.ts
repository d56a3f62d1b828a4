import { Player } from '../../player/player.entity.js';

/** Every TypeORM entity of the service; each module adds its own here. */
export const ENTITIES: Function[] = [Player];
