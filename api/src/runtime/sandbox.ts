/**
 * Where a local release's commands run. A deployed branch is untrusted code, and stagingd's data directory holds
 * the admin token, the key that seals the secrets, the database and every other environment's files. With
 * bubblewrap (Debian's `bubblewrap`) a build or a release sees the machine read-only, its own release directory
 * (at /srv/release) as the one writable place, a private /tmp, its own process, IPC and host-name namespaces, no
 * capabilities, and stagingd's data directory empty or out of reach; when stagingd runs as root the release also
 * runs as an unprivileged user. It shares the network, so the proxy and the health check reach its port. An
 * environment with a SQLite database also has its data folder, writable at /srv/data, the same in every release.
 */
import { execFile } from 'node:child_process';
import { chmodSync, cpSync, mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { mkdir, rm, symlink } from 'node:fs/promises';
import * as path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export type SandboxMode = 'auto' | 'bubblewrap' | 'none';

/** An environment's asset folder, and where in the release (relative to its folder) the app sees it. */
export interface AssetMount {
  folder: string;
  target: string;
}

/** The user a sandboxed release runs as when stagingd is root (nobody on Debian). */
const RELEASE_UID = 65534;
const RELEASE_GID = 65534;

export interface Sandbox {
  /** One line for the start-up log: what is enforced, or why nothing is. */
  readonly description: string;
  /**
   * The command prefix that runs a command in the sandbox, `directory` its only writable place, in `cwd` (default
   * `directory`), with the environment's data folder `data` (if any) writable too, at dataPath(data).
   */
  command(directory: string, cwd?: string, data?: string, options?: { dieWithParent?: boolean; readOnly?: string; assets?: AssetMount }): string[];
  /** Makes the asset folder appear at its target in a release about to run (the sandbox mounts it; without one, a link). */
  showAssets(directory: string, assets: AssetMount): Promise<void>;
  /** Where a command run by `command` finds the data folder `data`. */
  dataPath(data: string): string;
  /** Where a command run by `command` with `readOnly` finds that folder. */
  readOnlyPath(folder: string): string;
  /** The variables a sandboxed command gets instead of stagingd's (HOME is its private /tmp). */
  environment(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv;
  /**
   * Hands a release directory to the release user (after a checkout or a copy, before a build or a start). A folder
   * already the release user's is left as it is, unless `everything` (a data folder may hold files others made).
   */
  prepare(directory: string, everything?: boolean): Promise<void>;
  /** Copies a release's files (a promotion) with no more rights than the release had over them. */
  copy(source: string, target: string): Promise<void>;
}

/** A copy of a folder, symbolic links copied as links. */
export function copyTree(source: string, target: string): Promise<void> {
  cpSync(source, target, { recursive: true, verbatimSymlinks: true });
  return Promise.resolve();
}

const unsandboxed = (description: string): Sandbox => ({
  description,
  command: () => [],
  dataPath: (data) => data,
  readOnlyPath: (folder) => folder,
  // Without a sandbox the release can reach anything stagingd's user can: a link is all it takes.
  showAssets: async (directory, assets) => {
    const at = path.join(directory, assets.target);
    await rm(at, { recursive: true, force: true });
    await mkdir(path.dirname(at), { recursive: true });
    await symlink(assets.folder, at);
  },
  environment: (env) => env,
  prepare: () => Promise.resolve(),
  copy: copyTree,
});

/** Where a release's files appear in the sandbox, whatever their path on the machine. */
const RELEASE_MOUNT = '/srv/release';

/** Where a promotion's source (or an asset sync's) appears, read-only, while it is copied in the sandbox. */
const SOURCE_MOUNT = '/srv/source';

/** Where an environment's asset folder is mounted; the release's `assets.target` is a link to it. */
const ASSETS_MOUNT = '/srv/assets';

/** Where an environment's data folder (its SQLite database) appears, whatever its path on the machine. */
const DATA_MOUNT = '/srv/data';

/** Read-only, the Node installation stagingd runs on, when the sandbox's private /tmp would hide it. */
const nodePrefix = path.dirname(path.dirname(process.execPath));
const nodeInTmp = nodePrefix.startsWith('/tmp/') ? [...searchable(path.dirname(nodePrefix)), '--ro-bind', nodePrefix, nodePrefix] : [];

/** The folders of `folder` below /tmp, made in the sandbox's /tmp so that the release user may pass through them. */
function searchable(folder: string): string[] {
  if (folder === '/tmp') return [];
  return [...searchable(path.dirname(folder)), '--perms', '0755', '--dir', folder];
}

function bubblewrap(dataDir: string, asRoot: boolean): Sandbox {
  /** bwrap with the release's folder writable at RELEASE_MOUNT, in `cwd`; `mounts` adds binds. */
  const command = (directory: string, cwd = directory, mounts: string[] = [], dieWithParent = false): string[] => [
    'bwrap',
    // Killed with what started it (a cancelled step of stagingd's own): nothing inside keeps running.
    ...(dieWithParent ? ['--die-with-parent'] : []),
    '--ro-bind',
    '/',
    '/',
    '--dev',
    '/dev',
    '--proc',
    '/proc',
    '--tmpfs',
    '/tmp',
    // stagingd's own Node (its PATH's first, for a release as for stagingd's own steps) when it lives under /tmp.
    ...nodeInTmp,
    '--tmpfs',
    dataDir,
    '--tmpfs',
    path.dirname(RELEASE_MOUNT),
    '--bind',
    directory,
    RELEASE_MOUNT,
    ...mounts,
    '--unshare-pid',
    '--unshare-ipc',
    '--unshare-uts',
    '--cap-drop',
    'ALL',
    // As root, bubblewrap mounts with root's rights; the command then runs as the release user, with no
    // capability left in any set (bubblewrap also forbids gaining any back: no_new_privs).
    ...(asRoot ? ['--cap-add', 'CAP_SETUID', '--cap-add', 'CAP_SETGID', '--cap-add', 'CAP_SETPCAP'] : []),
    '--chdir',
    path.join(RELEASE_MOUNT, path.relative(directory, cwd)),
    '--',
    ...(asRoot ? ['setpriv', `--reuid=${RELEASE_UID}`, `--regid=${RELEASE_GID}`, '--clear-groups', '--inh-caps=-all', '--bounding-set=-all', '--'] : []),
  ];
  const prepare = async (directory: string, everything = false): Promise<void> => {
    if (!asRoot || (!everything && statSync(directory).uid === RELEASE_UID)) return;
    // -R does not follow symbolic links (a release's link to /etc/shadow is not given away). Bubblewrap, as root
    // without capabilities, enters the folder before the command becomes the release user: it must be searchable.
    await run('chown', ['-R', `${RELEASE_UID}:${RELEASE_GID}`, directory]);
    chmodSync(directory, 0o755);
  };
  return {
    description:
      `releases run in a bubblewrap sandbox${asRoot ? ` as uid ${RELEASE_UID}` : ''}: the machine read-only, their own files ` +
      `writable at ${RELEASE_MOUNT}, a private /tmp, process and IPC namespaces, no capabilities; the data directory (${dataDir}) is out of reach`,
    command: (directory, cwd, data, options) =>
      command(
        directory,
        cwd,
        [
          ...(data ? ['--bind', data, DATA_MOUNT] : []),
          ...(options?.readOnly ? ['--ro-bind', options.readOnly, SOURCE_MOUNT] : []),
          // At a place of stagingd's choosing, never at a path inside the release: bubblewrap mounts as root, and a link
          // the release planted at its target would lead the mount anywhere (over /usr/local/sbin, say).
          ...(options?.assets ? ['--bind', options.assets.folder, ASSETS_MOUNT] : []),
        ],
        options?.dieWithParent,
      ),
    dataPath: () => DATA_MOUNT,
    readOnlyPath: () => SOURCE_MOUNT,
    // The target becomes a link to the mount, made by the release user in the sandbox (where whatever the release put
    // there leads only to its own files); stagingd never follows it.
    showAssets: async (directory, assets) => {
      const [file, ...args] = command(directory, directory);
      const link = 'mkdir -p -- "$(dirname -- "$1")" && rm -rf -- "$1" && ln -s -- "$2" "$1"';
      await run(file!, [...args, '/bin/sh', '-c', link, 'sh', assets.target, ASSETS_MOUNT]);
    },
    environment: (env) => ({ ...env, HOME: '/tmp', TMPDIR: '/tmp' }),
    prepare,
    // The source is a release's own folder, and that release may still be running: a file it swaps for a link to
    // one of stagingd's while the copy runs must not be read with root's rights. So the copy runs in the sandbox
    // too, as the release user (cp -a copies links as links).
    copy: async (source, target) => {
      mkdirSync(target);
      await prepare(target);
      const [file, ...args] = command(target, target, ['--ro-bind', source, SOURCE_MOUNT]);
      await run(file!, [...args, 'cp', '-a', '--', `${SOURCE_MOUNT}/.`, '.']);
    },
  };
}

/**
 * The sandbox for releases of the local runner. `auto` uses bubblewrap when a trial run works here and runs
 * releases unsandboxed otherwise (the description says so); `bubblewrap` refuses to start without it.
 */
export async function openSandbox(mode: SandboxMode, dataDir: string): Promise<Sandbox> {
  const none = 'releases are NOT sandboxed: a deployed branch can read stagingd\u2019s data directory (its token, keys and database)';
  if (mode === 'none') return unsandboxed(`${none} (--sandbox none)`);
  const asRoot = process.getuid?.() === 0;
  const sandbox = bubblewrap(dataDir, asRoot);
  const trial = mkdtempSync(path.join(dataDir, '.sandbox-trial-'));
  try {
    await sandbox.prepare(trial);
    const [file, ...args] = sandbox.command(trial);
    await run(file!, [...args, '/bin/sh', '-c', 'test -w . && ! test -e "$1"', 'sh', path.join(dataDir, 'stagingd.db')], {
      env: sandbox.environment({ PATH: process.env['PATH'] }),
      timeout: 10_000,
    });
    return sandbox;
  } catch (error) {
    const failed = error as Error & { stderr?: string; code?: string | number };
    const reason =
      failed.code === 'ENOENT'
        ? 'bubblewrap is not installed: apt-get install bubblewrap'
        : `bubblewrap does not work here: ${(failed.stderr?.trim() || failed.message).split('\n')[0]!.trim()}`;
    if (mode === 'bubblewrap') throw new Error(`--sandbox bubblewrap: ${reason}`);
    return unsandboxed(`${none} (${reason})`);
  } finally {
    rmSync(trial, { recursive: true, force: true });
  }
}
