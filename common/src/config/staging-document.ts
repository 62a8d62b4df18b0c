/**
 * Whether a YAML text is a Staging config, decided from its top-level keys before anything is reported: a file
 * named staging.yaml is ours when its top level has `project:`, or `version: 1`. Helm values, Kubernetes overlays and
 * CI files that happen to be named staging.yaml have neither, and get no diagnostic, completion or hover of ours. A
 * text with no content yet (a new file) gets completion only.
 */
export type DocumentClaim = 'ours' | 'empty' | 'not-ours';

/** A key at column 0 (plain or quoted) and what follows its colon. */
const TOP_LEVEL_KEY = /^(?:"([^"]*)"|'([^']*)'|([A-Za-z_][\w.-]*))[ \t]*:(?:[ \t]+(.*))?$/;
const VERSION_ONE = /^(?:1|"1"|'1')(?:[ \t]+#.*)?[ \t]*$/;

export function claimOf(text: string): DocumentClaim {
  let content = false;
  for (const line of text.split(/\r?\n/)) {
    if (line.trim() === '' || line.startsWith('#') || line.startsWith('---') || line.startsWith('%')) continue;
    content = true;
    if (line.startsWith(' ') || line.startsWith('\t')) continue;
    const match = TOP_LEVEL_KEY.exec(line);
    if (!match) continue;
    const key = match[1] ?? match[2] ?? match[3];
    if (key === 'project') return 'ours';
    if (key === 'version' && VERSION_ONE.test((match[4] ?? '').trim())) return 'ours';
  }
  return content ? 'not-ours' : 'empty';
}
