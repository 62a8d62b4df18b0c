// The environment panel's Assets section: what staging.yaml asks for (target, exclusions, cleanup, schedule), where
// stagingd copies the files from (or why it cannot), the last sync with what it found, copied and deleted, and
// Sync Now / Log. No Cancel: stagingd has none for asset syncs.
import { element } from '../shared/dom';
import { bytes, plural } from '../shared/units';
import type { AssetsConfig, AssetsRendered, AssetsSection, AssetSyncRun } from './protocol';
import { logControl, runStatus, scheduleText, settingsLine, syncNowControl, syncSectionBody, type Send } from './sync-section';

/** e.g. "staging.yaml: into public/uploads; all files except **\/*.tmp; files the source no longer has are kept; no schedule: …". */
function configured(config: AssetsConfig, source: AssetsSection['configSource']): HTMLElement {
  return settingsLine(config, source, (c) => [
    `into ${c.target}`,
    c.exclude.length > 0 ? `all files except ${c.exclude.join(', ')}` : 'all files',
    c.cleanup ? 'cleanup: files the source no longer has are deleted' : 'files the source no longer has are kept',
    scheduleText(c.schedule, c.nextRun),
  ]);
}

/** stagingd's word: where the files come from and where releases see them, or, clearly, why it syncs none here. */
function state(section: AssetsSection): HTMLElement {
  const s = section.state;
  if (!s) return element('p', { class: 'banner' }, `stagingd did not say what it has for these assets: ${section.error ?? 'no answer'}.`);
  // Why not (no assets section, production, the registered staging.yaml) is beside Sync Now.
  if (!s.enabled) return element('p', {}, 'No files are synced into this environment.');
  if (!s.available)
    return element('p', { class: 'banner', 'data-unavailable': '' }, `No asset sync for this environment: ${s.reason ?? 'stagingd cannot sync its files'}.`);
  return element(
    'p',
    {},
    'Source ',
    element('code', {}, s.source ?? '?'),
    ', copied into the environment’s own folder; its releases see the files at ',
    element('code', {}, s.target ?? '?'),
    '.',
  );
}

/** The last sync: status (spinning while it runs), what started it, when, what it found and did, why it failed. */
function lastRun(run: AssetSyncRun): HTMLElement {
  const parts: HTMLElement[] = [runStatus(run, 'Copying: each file is written whole, and the others stay as they were.')];
  if (run.reason) parts.push(element('p', { class: run.status === 'failed' ? 'error' : 'muted' }, run.reason));
  if (run.status === 'succeeded') {
    const unchanged = run.files - run.copied;
    const counts = `${run.copied.toLocaleString('en')} copied (${bytes(run.bytes)}), ${unchanged.toLocaleString('en')} unchanged, ${run.deleted.toLocaleString('en')} deleted`;
    parts.push(element('p', { 'data-counts': '' }, `${plural(run.files, 'file')} at the source: ${counts}.`));
  }
  return element('div', { class: 'last-sync' }, element('h3', {}, 'Last sync'), ...parts);
}

export function assetsSection(section: AssetsSection, send: Send): { body: HTMLElement; rendered: AssetsRendered } {
  const run = section.lastRun;
  const buttons = [
    syncNowControl('syncAssets', section.cannotSync, () => send({ type: 'syncAssets' }), 'Copy the files of assets.source into this environment’s now'),
    ...logControl('assetSyncLog', run, (id) => send({ type: 'assetSyncLog', id })),
  ];
  const { body, rendered } = syncSectionBody('assets', section, buttons, { configured, state, lastRun });
  const succeeded = run?.status === 'succeeded';
  return { body, rendered: { ...rendered, files: succeeded ? run.files : null, copied: succeeded ? run.copied : null } };
}
