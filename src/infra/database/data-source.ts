import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { parseSettings } from '../config/app-config.js';
import { databaseOptions } from './data-source-options.js';

/** Entry point of the TypeORM CLI (`npm run migration:generate|run|revert`). */
export default new DataSource(databaseOptions(parseSettings(process.env)).options);
