import { mkdirSync, rmSync } from 'node:fs';
import * as path from 'node:path';
import type { Sandbox } from '../runtime/sandbox';

/**
 * Where the environments' SQLite databases live: a data folder per environment (by its id, never reused) in stagingd's
 * data directory, handed to the release's user and mounted into its sandbox; the database file is at staging.yaml's
 * `database.source` in it, the same path for production (whose file is the source) and for every copy.
 */
export class SqliteFiles {
  constructor(
    private readonly dataDir: string,
    private readonly sandbox: Sandbox,
  ) {}

  folder(environmentId: string): string {
    return path.join(this.dataDir, 'environment-data', environmentId);
  }

  /** The environment's data folder, made now if it is not there yet, the release user's. */
  async ensure(environmentId: string): Promise<string> {
    const folder = this.folder(environmentId);
    mkdirSync(folder, { recursive: true, mode: 0o700 });
    await this.sandbox.prepare(folder);
    return folder;
  }

  /** DATABASE_URL (`file:` and the path, as Prisma, libSQL and Drizzle read it) and DATABASE_PATH, as the release sees them. */
  variables(environmentId: string, file: string): Record<string, string> {
    const where = path.posix.join(this.sandbox.dataPath(this.folder(environmentId)), file);
    return { DATABASE_URL: `file:${where}`, DATABASE_PATH: where };
  }

  remove(environmentId: string): void {
    rmSync(this.folder(environmentId), { recursive: true, force: true });
  }
}
