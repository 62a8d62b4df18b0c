/**
 * Issue keys in branch names and commit messages, so a project-management tool can link a deployment:
 * Jira-style `ABC-123` (a project key of an upper-case letter and one or more upper-case letters or
 * digits, a dash, a number) and GitHub/GitLab-style `#45`.
 *
 * Syntax alone cannot tell `SHA-256` from a Jira key: standards, encodings, algorithms and time zones have
 * the same shape. Their prefixes are refused below; a team whose Jira project really is called `ISO` loses
 * its keys, which is the cheaper mistake than linking every "UTF-8" in a commit message to an issue.
 */
const notProjectKeys = new Set([
  'AES',
  'AMD',
  'ANSI',
  'ARM',
  'CP',
  'CVE',
  'CWE',
  'ECMA',
  'ES',
  'GMT',
  'GPT',
  'HTTP',
  'HTTPS',
  'IEC',
  'IEEE',
  'IPV',
  'ISO',
  'MD',
  'PEP',
  'RFC',
  'RSA',
  'SHA',
  'SSL',
  'TLS',
  'UCS',
  'UTC',
  'UTF',
  'WCAG',
  'WIN',
  'X86',
]);

// A key stands on its own: not glued to a letter or digit on either side (`xABC-1`, `ABC-1x`); `_`, `-`
// and `/` around it are fine (`feature/ABC-12_login`, `ABC-12-login`).
const jiraKey = /(?<![A-Za-z0-9])([A-Z][A-Z0-9]+)-([1-9]\d{0,8})(?![A-Za-z0-9])/g;
// `#45` at the start or after a space, `/` or an opening bracket: not `&#45;`, `page#12` or `#45a`.
const hashKey = /(?<=^|[\s/([{,;:])#([1-9]\d{0,8})(?![A-Za-z0-9_])/gm;

/** At most this many keys are kept per deployment. */
export const maxIssueKeys = 50;

/** The distinct issue keys in the texts, in order of first appearance. */
export function findIssueKeys(texts: readonly string[]): string[] {
  const found = new Set<string>();
  for (const text of texts) {
    const hits: { index: number; key: string }[] = [];
    for (const match of text.matchAll(jiraKey)) {
      if (!notProjectKeys.has(match[1]!)) hits.push({ index: match.index, key: `${match[1]!}-${match[2]!}` });
    }
    for (const match of text.matchAll(hashKey)) hits.push({ index: match.index, key: `#${match[1]!}` });
    for (const hit of hits.sort((a, b) => a.index - b.index)) {
      found.add(hit.key);
      if (found.size === maxIssueKeys) return [...found];
    }
  }
  return [...found];
}
