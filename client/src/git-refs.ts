import * as path from 'node:path';
import { simpleGit } from 'simple-git';
import type { BranchesRequest } from '../../common/src/lsp-protocol';

/** Branches (local first, then remote-only ones without their remote prefix) and tags of the repository holding a file. */
export async function gitRefs(filePath: string): Promise<BranchesRequest.Result> {
  const git = simpleGit(path.dirname(filePath));
  if (!(await git.checkIsRepo())) return { branches: [], tags: [] };
  const [branches, tags] = await Promise.all([git.branch(['-a']), git.tags()]);
  const names = new Set<string>();
  if (branches.current) names.add(branches.current);
  for (const name of branches.all) {
    const remote = /^remotes\/[^/]+\/(.+)$/.exec(name);
    if (remote?.[1] === 'HEAD' || name.includes(' -> ')) continue;
    names.add(remote ? remote[1]! : name);
  }
  return { branches: [...names], tags: tags.all };
}

/**
 * The commit a ref names when no remote-tracking branch holds it, so a stagingd on another machine could
 * not fetch it; undefined when it is pushed, or when the ref is not known here (the API will say).
 */
export async function unpushedCommit(folder: string, ref: string): Promise<string | undefined> {
  const git = simpleGit(folder);
  let commit: string;
  try {
    commit = (await git.revparse(['--verify', '--quiet', `${ref}^{commit}`])).trim();
  } catch {
    return undefined;
  }
  if (!commit) return undefined;
  const holders = (await git.raw(['branch', '--remotes', '--contains', commit])).trim();
  return holders ? undefined : commit;
}
