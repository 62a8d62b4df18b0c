/**
 * The resources the fake serves, as the API's discovery would list them (group, version, plural, kind, scope),
 * each with the validator compiled from Kubernetes' own OpenAPI schemas (kubernetes-models) and the defaults the
 * API server fills in on write (only those of fields the runner sends or reads back).
 */
import type { KubeObject } from './object-store';

type Json = Record<string, unknown>;

export interface ResourceType {
  group: string;
  version: string;
  plural: string;
  kind: string;
  namespaced: boolean;
  /** A `status` subresource: writes to the object keep its status, writes to /status keep the rest. */
  hasStatus: boolean;
  /** metadata.generation counts changes to the spec. */
  hasGeneration: boolean;
  /** RFC 1123 label names (63 characters, no dots) rather than subdomain names. */
  labelName: boolean;
  /** The schema validator of kubernetes-models; throws an ajv ValidationError. */
  validator: new (data: Json) => { validate(): void };
}

export const apiVersionOf = (type: ResourceType): string => (type.group ? `${type.group}/${type.version}` : type.version);

type ModelModule = Record<string, ResourceType['validator']>;

/** Loads the schema validators (kubernetes-models is ESM only). */
export async function loadResourceTypes(): Promise<ResourceType[]> {
  const core = (await import('kubernetes-models/v1')) as unknown as ModelModule;
  const apps = (await import('kubernetes-models/apps/v1')) as unknown as ModelModule;
  const networking = (await import('kubernetes-models/networking.k8s.io/v1')) as unknown as ModelModule;
  const type = (models: ModelModule, group: string, plural: string, kind: string, traits: Partial<ResourceType> = {}): ResourceType => ({
    group,
    version: 'v1',
    plural,
    kind,
    namespaced: true,
    hasStatus: false,
    hasGeneration: false,
    labelName: false,
    validator: models[kind]!,
    ...traits,
  });
  return [
    type(core, '', 'namespaces', 'Namespace', { namespaced: false, hasStatus: true, labelName: true }),
    type(core, '', 'pods', 'Pod', { hasStatus: true }),
    type(core, '', 'services', 'Service', { hasStatus: true, labelName: true }),
    type(core, '', 'secrets', 'Secret'),
    type(core, '', 'events', 'Event'),
    type(apps, 'apps', 'deployments', 'Deployment', { hasStatus: true, hasGeneration: true }),
    type(apps, 'apps', 'replicasets', 'ReplicaSet', { hasStatus: true, hasGeneration: true }),
    type(networking, 'networking.k8s.io', 'ingresses', 'Ingress', { hasStatus: true, hasGeneration: true }),
    type(networking, 'networking.k8s.io', 'networkpolicies', 'NetworkPolicy', { hasGeneration: true }),
  ];
}

const record = (value: unknown): Json => (value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Json) : {});
const list = (value: unknown): Json[] => (Array.isArray(value) ? value.map(record) : []);

/** Fills `target[key]` when it is absent, as the API server's defaulting does. */
function fill(target: Json, key: string, value: unknown): void {
  if (target[key] === undefined) target[key] = value;
}

function defaultProbe(probe: unknown): void {
  const p = record(probe);
  if (!probe) return;
  for (const [key, value] of Object.entries({ timeoutSeconds: 1, periodSeconds: 10, successThreshold: 1, failureThreshold: 3 })) fill(p, key, value);
  if (p['httpGet']) fill(record(p['httpGet']), 'scheme', 'HTTP');
}

/** The pod spec defaults (pkg/apis/core/v1/defaults.go) of the fields a Deployment's template carries. */
function defaultPodSpec(spec: Json): void {
  fill(spec, 'restartPolicy', 'Always');
  fill(spec, 'terminationGracePeriodSeconds', 30);
  fill(spec, 'dnsPolicy', 'ClusterFirst');
  fill(spec, 'schedulerName', 'default-scheduler');
  fill(spec, 'securityContext', {});
  for (const container of list(spec['containers'])) {
    const image = typeof container['image'] === 'string' ? container['image'] : '';
    // No tag, or :latest, is pulled every time; a digest or another tag only when missing.
    const tag = image.includes('@') ? 'digest' : /:[^/]+$/.exec(image)?.[0];
    fill(container, 'imagePullPolicy', !tag || tag === ':latest' ? 'Always' : 'IfNotPresent');
    fill(container, 'terminationMessagePath', '/dev/termination-log');
    fill(container, 'terminationMessagePolicy', 'File');
    for (const port of list(container['ports'])) fill(port, 'protocol', 'TCP');
    defaultProbe(container['readinessProbe']);
    defaultProbe(container['livenessProbe']);
  }
}

/** The API server's defaulting on create and update, for the fields this fake's clients use. */
export function applyDefaults(type: ResourceType, object: KubeObject, allocateClusterIp: () => string): void {
  const spec = record(object['spec']);
  switch (type.kind) {
    case 'Namespace':
      // Set by the API server since 1.21: a NetworkPolicy selects namespaces by it.
      object.metadata.labels = { ...object.metadata.labels, 'kubernetes.io/metadata.name': object.metadata.name ?? '' };
      object['spec'] = { finalizers: ['kubernetes'], ...spec };
      break;
    case 'Deployment': {
      object['spec'] = spec;
      fill(spec, 'replicas', 1);
      fill(spec, 'revisionHistoryLimit', 10);
      fill(spec, 'progressDeadlineSeconds', 600);
      const strategy = record(spec['strategy']);
      spec['strategy'] = strategy;
      fill(strategy, 'type', 'RollingUpdate');
      if (strategy['type'] === 'RollingUpdate') {
        const rolling = record(strategy['rollingUpdate']);
        strategy['rollingUpdate'] = rolling;
        fill(rolling, 'maxUnavailable', '25%');
        fill(rolling, 'maxSurge', '25%');
      }
      defaultPodSpec(record(record(spec['template'])['spec']));
      break;
    }
    case 'ReplicaSet':
      fill(spec, 'replicas', 1);
      defaultPodSpec(record(record(spec['template'])['spec']));
      break;
    case 'Pod':
      defaultPodSpec(spec);
      break;
    case 'Service':
      fill(spec, 'type', 'ClusterIP');
      fill(spec, 'sessionAffinity', 'None');
      fill(spec, 'internalTrafficPolicy', 'Cluster');
      if (spec['clusterIP'] === undefined) {
        spec['clusterIP'] = allocateClusterIp();
        spec['clusterIPs'] = [spec['clusterIP']];
      }
      fill(spec, 'ipFamilies', ['IPv4']);
      fill(spec, 'ipFamilyPolicy', 'SingleStack');
      for (const port of list(spec['ports'])) {
        fill(port, 'protocol', 'TCP');
        fill(port, 'targetPort', port['port']);
      }
      break;
    case 'Secret': {
      fill(object, 'type', 'Opaque');
      // stringData is write-only: merged into data, base64-encoded, and never stored as such.
      const data = { ...record(object['data']) };
      for (const [key, value] of Object.entries(record(object['stringData']))) data[key] = Buffer.from(String(value)).toString('base64');
      delete object['stringData'];
      if (Object.keys(data).length > 0) object['data'] = data;
      break;
    }
    case 'NetworkPolicy':
      // Egress is enforced only when listed; a policy with egress rules lists it by default.
      fill(spec, 'policyTypes', spec['egress'] ? ['Ingress', 'Egress'] : ['Ingress']);
      for (const rule of [...list(spec['ingress']), ...list(spec['egress'])]) for (const port of list(rule['ports'])) fill(port, 'protocol', 'TCP');
      break;
  }
}
