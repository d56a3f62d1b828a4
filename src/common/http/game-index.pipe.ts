import { Injectable, type PipeTransform } from '@nestjs/common';
import { parseGameIndex } from '../../player/game-index.js';

/** `@Param('gameIndex', GameIndexPipe)`: a positive integer or a 400 naming the parameter. */
@Injectable()
export class GameIndexPipe implements PipeTransform<unknown, number> {
  transform(value: unknown): number {
    return parseGameIndex(value);
  }
}
