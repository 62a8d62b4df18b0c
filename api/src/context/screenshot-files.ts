import * as path from 'node:path';

/** Where a comment's screenshot is kept: comments/<id>.png in the data directory. */
export function commentScreenshotFile(dataDir: string, commentId: string): string {
  return path.join(dataDir, 'comments', `${commentId}.png`);
}
