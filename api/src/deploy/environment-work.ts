/** Why a deployment was cancelled, as its abort reason: the message becomes the deployment's `reason`. */
export class Cancelled extends Error {}

interface Job {
  environmentId: string;
  controller: AbortController;
}

/**
 * What runs for each environment. Deployments (and the restart of a live release after stagingd restarts) run
 * one after another in the environment's queue, each with a signal that a cancel aborts, whether it is waiting or
 * running. The short step that changes what serves the environment (going live, a rollback's switch) runs inside
 * `switching`, one at a time, so a cancelled build can never go live after the rollback that cancelled it.
 */
export class EnvironmentWork {
  private readonly queues = new Map<string, Promise<unknown>>();
  private readonly switches = new Map<string, Promise<unknown>>();
  private readonly jobs = new Map<string, Job>();

  /** Runs `job` after the environment's earlier work; its signal aborts (with a Cancelled) when it is cancelled. */
  queue<T>(environmentId: string, deploymentId: string, job: (signal: AbortSignal) => Promise<T>): Promise<T> {
    const controller = new AbortController();
    this.jobs.set(deploymentId, { environmentId, controller });
    return this.chain(this.queues, environmentId, () => job(controller.signal)).finally(() => {
      if (this.jobs.get(deploymentId)?.controller === controller) this.jobs.delete(deploymentId);
    });
  }

  /** Runs `job` after the environment's earlier work, with no signal (deleting the environment). */
  after<T>(environmentId: string, job: () => Promise<T>): Promise<T> {
    return this.chain(this.queues, environmentId, job);
  }

  /** The step that changes what serves the environment: one at a time, never in the middle of another. */
  switching<T>(environmentId: string, job: () => Promise<T>): Promise<T> {
    return this.chain(this.switches, environmentId, job);
  }

  /** Whether the deployment is waiting or running in a queue. */
  has(deploymentId: string): boolean {
    return this.jobs.has(deploymentId);
  }

  /** Cancels one deployment's work; false when it has none (it ended, or never was queued here). */
  cancel(deploymentId: string, reason: string): boolean {
    const job = this.jobs.get(deploymentId);
    if (!job) return false;
    job.controller.abort(new Cancelled(reason));
    return true;
  }

  /** Cancels all the environment's work, waiting and running. */
  cancelEnvironment(environmentId: string, reason: string): void {
    for (const job of this.jobs.values()) if (job.environmentId === environmentId) job.controller.abort(new Cancelled(reason));
  }

  /** Cancels everything (stagingd is stopping). */
  cancelAll(reason: string): void {
    for (const job of this.jobs.values()) job.controller.abort(new Cancelled(reason));
  }

  /** Waits until every queue has run out. */
  async idle(): Promise<void> {
    while (this.queues.size > 0) await Promise.all([...this.queues.values()]);
  }

  private chain<T>(lanes: Map<string, Promise<unknown>>, environmentId: string, job: () => Promise<T>): Promise<T> {
    const previous = lanes.get(environmentId) ?? Promise.resolve();
    const next = previous.then(job, job);
    const settled = next.catch(() => undefined);
    lanes.set(environmentId, settled);
    void settled.then(() => {
      if (lanes.get(environmentId) === settled) lanes.delete(environmentId);
    });
    return next;
  }
}
