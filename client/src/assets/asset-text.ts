import { bytes, plural } from '../../../webview/src/shared/units';
import type { AssetSync } from '../api/staging-api';

/** What an asset sync did, e.g. "3 files, 1 copied (5 B)", and ", 2 deleted" when it deleted any. */
export function assetsCopied(sync: Pick<AssetSync, 'files' | 'copied' | 'bytes' | 'deleted'>): string {
  const deleted = sync.deleted > 0 ? `, ${sync.deleted.toLocaleString('en')} deleted` : '';
  return `${plural(sync.files, 'file')}, ${sync.copied.toLocaleString('en')} copied (${bytes(sync.bytes)})${deleted}`;
}
