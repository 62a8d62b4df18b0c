import { existsSync, mkdirSync, rmSync } from 'node:fs';
import * as path from 'node:path';
import { simpleGit, type SimpleGit } from 'simple-git';
import { SharedExclusiveLock } from './shared-exclusive-lock';

/** Thrown for a ref that is malformed or names nothing in the repository: a client error. */
export class BadRefError extends Error {}

/** The project's repository could not be fetched; the message never quotes its URL, which may hold credentials. */
export class FetchFailedError extends Error {
  /** What git said, for stagingd's log, with the credentials of any URL in it taken out. */
  readonly details: string;

  constructor(cause: unknown) {
    super("The project's git repository could not be fetched: it is gone, unreachable, or refuses stagingd. The details are in stagingd's log.");
    this.details = withoutCredentials(cause instanceof Error ? cause.message : String(cause));
  }
}

/** `https://user:token@host/...` becomes `https://***@host/...`. */
export function withoutCredentials(text: string): string {
  return text.replace(/(\b[a-z][a-z0-9+.-]*:\/\/)[^/\s@]+@/gi, '$1***@');
}

// Refs come from API clients: refuse what git would read as an option, a range, or a path trick.
// eslint-disable-next-line no-control-regex -- control characters are exactly what must be refused
const unsafeRef = /(^-)|\.\.|[\s~^:?*[\\\x00-\x1f\x7f]|@\{|\/\/|^\/|\/$|\.lock$|^\.|\/\./;

export function checkRef(ref: string): void {
  if (ref.length === 0 || ref.length > 255 || unsafeRef.test(ref))
    throw new BadRefError(`'ref' is not a valid branch, tag or commit name: ${JSON.stringify(ref.slice(0, 80))}`);
}

/**
 * A project's repository, mirrored (bare) into the data directory so deployments never touch the
 * user's working copy; each release is a detached worktree of one commit.
 */
export class GitRepository {
  private readonly git: SimpleGit;
  // A fetch checks that every ref reaches its objects, worktrees' HEADs included, and `worktree add` writes a
  // placeholder HEAD before the real one ("bad object worktrees/…/HEAD"): worktrees change only between fetches.
  private readonly mirrorLock = new SharedExclusiveLock();

  private constructor(
    readonly source: string,
    readonly mirror: string,
  ) {
    this.git = simpleGit(mirror);
  }

  static async open(source: string, mirror: string): Promise<GitRepository> {
    if (!existsSync(mirror)) {
      mkdirSync(path.dirname(mirror), { recursive: true });
      await simpleGit().clone(source, mirror, ['--mirror', '--quiet']);
    }
    return new GitRepository(source, mirror);
  }

  private fetching: Promise<void> | undefined;
  private nextFetch: Promise<void> | undefined;

  /**
   * Brings the mirror up to date. One fetch runs at a time (two at once fail on git's ref locks); a caller who
   * comes while one runs waits for the next, which starts after it and so sees the refs as they were when the
   * caller asked or newer; callers who come meanwhile share that next one.
   */
  fetch(): Promise<void> {
    if (!this.fetching) {
      this.fetching = this.mirrorLock
        .exclusive(() => this.git.raw(['remote', 'update', '--prune']))
        .then(
          () => undefined,
          (error: unknown) => {
            throw new FetchFailedError(error);
          },
        )
        .finally(() => (this.fetching = undefined));
      return this.fetching;
    }
    this.nextFetch ??= this.fetching
      .catch(() => undefined)
      .then(() => {
        this.nextFetch = undefined;
        return this.fetch();
      });
    return this.nextFetch;
  }

  /** The full commit id a branch, tag or commit names; BadRefError when it names nothing. */
  async resolve(ref: string): Promise<string> {
    checkRef(ref);
    try {
      const commit = (await this.git.raw(['rev-parse', '--verify', '--quiet', '--end-of-options', `${ref}^{commit}`])).trim();
      if (/^[0-9a-f]{40,64}$/.test(commit)) return commit;
    } catch {
      // rev-parse exits non-zero for an unknown ref; reported below.
    }
    throw new BadRefError(`'ref' names no branch, tag or commit of the repository: ${ref}`);
  }

  /**
   * The messages of the commits reachable from `commit` but not from `since`, newest first and at most
   * `max`; the message of `commit` alone when there is no `since`, nothing in between, or `since` is unknown.
   */
  async commitMessages(commit: string, since: string | null, max: number): Promise<string[]> {
    const log = (count: number, range: string[]): Promise<string[]> =>
      this.git.raw(['log', '-z', '--format=%B', `--max-count=${count}`, '--end-of-options', ...range]).then((out) => out.split('\0').filter((m) => m.trim()));
    const messages = since && since !== commit ? await log(max, [commit, `^${since}`]).catch(() => []) : [];
    return messages.length > 0 ? messages : log(1, [commit]);
  }

  async readFile(commit: string, file: string): Promise<string> {
    return this.git.raw(['show', `${commit}:${file}`]);
  }

  async addWorktree(directory: string, commit: string): Promise<void> {
    await this.mirrorLock.shared(async () => {
      if (existsSync(directory)) await this.unlinkWorktree(directory);
      await this.git.raw(['worktree', 'add', '--detach', '--force', directory, commit]);
    });
  }

  removeWorktree(directory: string): Promise<void> {
    return this.mirrorLock.shared(() => this.unlinkWorktree(directory));
  }

  private async unlinkWorktree(directory: string): Promise<void> {
    await this.git.raw(['worktree', 'remove', '--force', directory]).catch(() => undefined);
    rmSync(directory, { recursive: true, force: true });
    await this.git.raw(['worktree', 'prune']).catch(() => undefined);
  }
}
