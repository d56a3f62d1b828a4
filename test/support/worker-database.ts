import { workerDatabaseUrl } from './global-setup.js';

/**
 * Jest setupFiles: runs before each test file, so DATABASE_URL already names this worker's own
 * database (global-setup.ts) when the file's code reads it, and so do the apps and child
 * processes the file starts. The URL given is kept aside, so a second file in the same
 * environment (--runInBand) gets the same database.
 */
const given = process.env.TEST_GIVEN_DATABASE_URL ?? process.env.DATABASE_URL;
if (given) {
  process.env.TEST_GIVEN_DATABASE_URL = given;
  process.env.DATABASE_URL = workerDatabaseUrl(given, process.env.JEST_WORKER_ID ?? '1');
}
