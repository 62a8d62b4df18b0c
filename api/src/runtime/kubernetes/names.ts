/**
 * What the runner names and labels in the cluster: a namespace per environment (an RFC 1123 label, shortened with a
 * hash when the project and environment names are long), the fixed names of the objects inside it, and the
 * labels that tie pods to their release.
 */
import { createHash } from 'node:crypto';

/** One environment of a project; `environment` null is the project's production. */
export interface EnvironmentRef {
  project: string;
  environment: string | null;
}

export const APP = 'app';
export const NETWORK_POLICY = 'environment-isolation';
export const CONTAINER = 'app';
export const PORT_NAME = 'http';

export const LABELS = {
  managedBy: 'app.kubernetes.io/managed-by',
  project: 'staging.dev/project',
  environment: 'staging.dev/environment',
  /** On the pod template: the deployment (release) whose pods these are. */
  release: 'staging.dev/release',
  /** The Deployment's selector: every release's pods carry it, whatever their template. */
  app: 'staging.dev/app',
} as const;

const PRODUCTION = 'production';

/** Lower case, `-` for anything else, no leading or trailing `-`. */
function slug(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/^-+|-+$/g, '');
}

/** At most `max` characters; a longer text keeps its start and gets a hash of the whole, so names stay distinct. */
function fit(text: string, max: number): string {
  if (text.length <= max) return text;
  const hash = createHash('sha256').update(text).digest('hex').slice(0, 8);
  return `${text.slice(0, max - 9).replace(/-+$/, '')}-${hash}`;
}

export function namespaceOf(ref: EnvironmentRef, prefix: string): string {
  return fit(`${prefix}${slug(ref.project)}--${slug(ref.environment ?? PRODUCTION)}`, 63);
}

/** A label value (63 characters, alphanumeric at both ends). */
export function labelValue(text: string): string {
  return fit(text.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^[^A-Za-z0-9]+|[^A-Za-z0-9]+$/g, ''), 63) || 'none';
}

export function environmentLabels(ref: EnvironmentRef): Record<string, string> {
  return {
    [LABELS.managedBy]: 'stagingd',
    [LABELS.project]: labelValue(ref.project),
    [LABELS.environment]: labelValue(ref.environment ?? PRODUCTION),
  };
}

/** The Secret holding a release's variables (kept as long as its ReplicaSet, for rollbacks). */
export const releaseSecretName = (deploymentId: string): string => fit(`release-${slug(deploymentId)}`, 253);
