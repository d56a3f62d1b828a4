import { Global, Injectable, Logger, Module, type OnApplicationShutdown } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import type { PGlite } from '@electric-sql/pglite';
import { DataSource } from 'typeorm';
import { AppConfig } from '../config/app-config.js';
import { databaseOptions } from './data-source-options.js';
import { runMigrations } from './migrate.js';

/** Holds the embedded database (if any) so that it can be closed after TypeORM lets go. */
@Injectable()
export class EmbeddedDatabase implements OnApplicationShutdown {
  pglite: PGlite | null = null;
  private readonly logger = new Logger('Database');

  async onApplicationShutdown(): Promise<void> {
    if (!this.pglite) return;
    const pglite = this.pglite;
    this.pglite = null;
    // TypeORM destroys its DataSource in its own shutdown hook; give it a tick first.
    await new Promise((resolve) => setImmediate(resolve));
    await pglite.close().catch((err) => this.logger.warn(`closing PGlite: ${err}`));
  }
}

@Global()
@Module({
  providers: [EmbeddedDatabase],
  exports: [EmbeddedDatabase],
})
class EmbeddedDatabaseModule {}

@Module({
  imports: [
    EmbeddedDatabaseModule,
    TypeOrmModule.forRootAsync({
      inject: [AppConfig, EmbeddedDatabase],
      useFactory: (config: AppConfig, embedded: EmbeddedDatabase) => {
        const handle = databaseOptions(config.settings);
        embedded.pglite = handle.pglite;
        return handle.options;
      },
      dataSourceFactory: async (options) => {
        const dataSource = await new DataSource(options!).initialize();
        await runMigrations(dataSource);
        return dataSource;
      },
    }),
  ],
})
export class DatabaseModule {}
