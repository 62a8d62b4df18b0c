/**
 * The Kubernetes API clients of one kubeconfig (@kubernetes/client-node, ESM, loaded through Node's require of
 * ES modules), and what an API failure says: the `Status` message the server answered, never the request (a
 * Secret's values travel in requests).
 */
import type * as k8s from '@kubernetes/client-node' with { 'resolution-mode': 'import' };

// eslint-disable-next-line @typescript-eslint/no-require-imports
const client = require('@kubernetes/client-node') as typeof k8s;

export type { k8s };

export interface KubernetesApis {
  readonly config: k8s.KubeConfig;
  readonly core: k8s.CoreV1Api;
  readonly apps: k8s.AppsV1Api;
  readonly networking: k8s.NetworkingV1Api;
  readonly watch: k8s.Watch;
  readonly log: k8s.Log;
}

/** Clients for the current context of a kubeconfig file, or (`in-cluster`) for the service account of the pod we run in. */
export function connect(kubeconfigPath: string): KubernetesApis {
  const config = new client.KubeConfig();
  if (kubeconfigPath === 'in-cluster') config.loadFromCluster();
  else config.loadFromFile(kubeconfigPath);
  return {
    config,
    core: config.makeApiClient(client.CoreV1Api),
    apps: config.makeApiClient(client.AppsV1Api),
    networking: config.makeApiClient(client.NetworkingV1Api),
    watch: new client.Watch(config),
    log: new client.Log(config),
  };
}

interface Status {
  code?: number;
  reason?: string;
  message?: string;
}

/** The Status of a failed call, or undefined when the failure was not an answer of the API (a refused connection). */
export function statusOf(error: unknown): Status | undefined {
  if (!(error instanceof client.ApiException)) return undefined;
  const body: unknown = error.body;
  try {
    const parsed = (typeof body === 'string' ? JSON.parse(body) : body) as Status | undefined;
    return { code: error.code, ...(parsed && typeof parsed === 'object' ? parsed : {}) };
  } catch {
    return { code: error.code };
  }
}

export const isNotFound = (error: unknown): boolean => statusOf(error)?.code === 404;
export const isConflict = (error: unknown): boolean => statusOf(error)?.code === 409 && statusOf(error)?.reason === 'Conflict';
export const isAlreadyExists = (error: unknown): boolean => statusOf(error)?.code === 409 && statusOf(error)?.reason === 'AlreadyExists';

/** A readable line for a failed call: what was attempted and the API's own message (ApiException's text carries headers and bodies). */
export function describeFailure(action: string, error: unknown): string {
  const status = statusOf(error);
  if (status) return `${action}: ${status.message ?? `the API answered ${String(status.code)}`}${status.reason ? ` (${status.reason})` : ''}`;
  const cause = error instanceof Error ? ((error.cause as Error | undefined)?.message ?? error.message) : String(error);
  return `${action}: ${cause}`;
}

export class KubernetesError extends Error {}

/** Runs a call, turning its failure into a KubernetesError with a readable message. */
export async function attempt<T>(action: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw new KubernetesError(describeFailure(action, error), { cause: statusOf(error) });
  }
}
