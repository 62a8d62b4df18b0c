import { ApiError, type CheckRun, type StagingApi } from '../api/staging-api';

/**
 * The screenshots and diffs of the run a compare panel shows, read from stagingd with the session's token (which never
 * reaches the page) and handed to the page as data: URLs, which its CSP allows. Each is read once, and sent once to a
 * page: a page that is shown again (a new page) gets them all again; another run's are dropped.
 */
export class CheckImages {
  private runId = '';
  private readonly read = new Map<string, Promise<string | null>>();
  private readonly sent = new Set<string>();

  constructor(private readonly api: () => StagingApi) {}

  /** A new page: it has none of them. */
  pageLoaded(): void {
    this.sent.clear();
  }

  /**
   * The images of `run` the page has not been sent, read now and counted as sent (the caller posts them at once): a
   * data: URL, or null for one stagingd no longer has (`retention.screenshots`). One that could not be read now is left
   * out, and asked for again next time.
   */
  async unsent(run: CheckRun): Promise<Record<string, string | null>> {
    if (run.id !== this.runId) {
      this.runId = run.id;
      this.read.clear();
      this.sent.clear();
    }
    const names = new Set(run.visual.flatMap((r) => [r.images.staging, r.images.baseline, r.images.diff]).filter((name): name is string => !!name));
    const found: Record<string, string | null> = {};
    await Promise.all(
      [...names]
        .filter((name) => !this.sent.has(name))
        .map(async (name) => {
          try {
            found[name] = await this.image(run.id, name);
            this.sent.add(name);
          } catch {
            this.read.delete(name);
          }
        }),
    );
    return found;
  }

  private image(runId: string, name: string): Promise<string | null> {
    let image = this.read.get(name);
    if (!image) {
      image = this.api()
        .checkImage(runId, name)
        .then(
          (png) => `data:image/png;base64,${Buffer.from(png).toString('base64')}`,
          (error: unknown) => {
            if (error instanceof ApiError && error.status === 404) return null;
            throw error;
          },
        );
      this.read.set(name, image);
    }
    return image;
  }
}
