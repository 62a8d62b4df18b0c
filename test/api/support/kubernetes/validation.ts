/**
 * Validation as the API server does it on create and update: first the schema (kubernetes-models compiles
 * Kubernetes' own OpenAPI document: a wrong type fails decoding with a 400, a missing or unsupported value is a
 * 422), then the semantic rules of pkg/apis/.../validation that the runner's objects meet (names, labels,
 * selectors matching templates, immutable selectors, rolling update bounds, requests within limits). Each 422
 * names the fields in `details.causes`, with the API's wording.
 */
import { badRequest, invalid, type StatusCause } from './api-status';
import type { KubeObject } from './object-store';
import type { ResourceType } from './resource-types';
import { selectorMatches, type LabelSelector } from './selectors';
import { stableJson } from './stable-json';

type Json = Record<string, unknown>;

interface AjvError {
  instancePath: string;
  keyword: string;
  params: Record<string, unknown>;
  message?: string;
}

/** `/spec/containers/0/ports/0/containerPort` -> `spec.containers[0].ports[0].containerPort`. */
export function fieldPath(pointer: string): string {
  return pointer
    .split('/')
    .filter((part) => part !== '')
    .map((part, index) => (/^\d+$/.test(part) ? `[${part}]` : index === 0 ? part : `.${part}`))
    .join('');
}

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
const QUALIFIED_NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;

const invalidValue = (field: string, value: unknown, detail: string): StatusCause => ({
  reason: 'FieldValueInvalid',
  message: `Invalid value: ${JSON.stringify(value)}: ${detail}`,
  field,
});
const required = (field: string, detail?: string): StatusCause => ({
  reason: 'FieldValueRequired',
  message: detail ? `Required value: ${detail}` : 'Required value',
  field,
});

function dnsName(field: string, name: string, label: boolean): StatusCause[] {
  if (label && (name.length > 63 || !DNS_LABEL.test(name)))
    return [
      invalidValue(
        field,
        name,
        "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')",
      ),
    ];
  if (!label && (name.length > 253 || !DNS_SUBDOMAIN.test(name)))
    return [
      invalidValue(
        field,
        name,
        "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')",
      ),
    ];
  return [];
}

function qualifiedKey(field: string, key: string): StatusCause[] {
  const slash = key.lastIndexOf('/');
  const prefix = slash >= 0 ? key.slice(0, slash) : undefined;
  const name = slash >= 0 ? key.slice(slash + 1) : key;
  if ((prefix !== undefined && (prefix.length > 253 || !DNS_SUBDOMAIN.test(prefix))) || name.length > 63 || !QUALIFIED_NAME.test(name))
    return [
      invalidValue(field, key, "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character"),
    ];
  return [];
}

function labels(field: string, map: Record<string, string> | undefined): StatusCause[] {
  return Object.entries(map ?? {}).flatMap(([key, value]) => [
    ...qualifiedKey(field, key),
    ...(value.length > 63 || !LABEL_VALUE.test(value)
      ? [
          invalidValue(
            field,
            value,
            "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character",
          ),
        ]
      : []),
  ]);
}

/** A resource quantity in base units (cores, bytes); NaN when it does not parse. */
export function quantity(value: unknown): number {
  const match = /^([0-9.]+)(m|k|M|G|T|Ki|Mi|Gi|Ti)?$/.exec(String(value));
  if (!match) return NaN;
  const scale: Record<string, number> = { m: 1e-3, k: 1e3, M: 1e6, G: 1e9, T: 1e12, Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40 };
  return Number(match[1]) * (match[2] ? scale[match[2]]! : 1);
}

function podSpec(field: string, spec: Json): StatusCause[] {
  const causes: StatusCause[] = [];
  const containers = (spec['containers'] as Json[] | undefined) ?? [];
  if (containers.length === 0) causes.push(required(`${field}.containers`));
  containers.forEach((container, i) => {
    const at = `${field}.containers[${i}]`;
    causes.push(...dnsName(`${at}.name`, typeof container['name'] === 'string' ? container['name'] : '', true));
    if (!container['image']) causes.push(required(`${at}.image`));
    for (const [j, port] of ((container['ports'] as Json[] | undefined) ?? []).entries()) {
      const number = port['containerPort'] as number;
      if (number < 1 || number > 65535) causes.push(invalidValue(`${at}.ports[${j}].containerPort`, number, 'must be between 1 and 65535, inclusive'));
    }
    const resources = (container['resources'] as { requests?: Json; limits?: Json } | undefined) ?? {};
    for (const [resource, request] of Object.entries(resources.requests ?? {})) {
      const limit = resources.limits?.[resource];
      if (limit !== undefined && quantity(request) > quantity(limit))
        causes.push(
          invalidValue(
            `${at}.resources.requests`,
            request,
            `must be less than or equal to ${resource} limit of ${typeof limit === 'string' || typeof limit === 'number' ? limit : JSON.stringify(limit)}`,
          ),
        );
    }
  });
  return causes;
}

/** An IntOrString's number: 25 for 25 and for '25%' (validation compares them raw, not against the replicas). */
const rawValue = (value: unknown): number => (typeof value === 'number' ? value : Number(String(value).replace('%', '')));

function workload(type: ResourceType, object: KubeObject, previous: KubeObject | undefined): StatusCause[] {
  const spec = (object['spec'] as Json | undefined) ?? {};
  const selector = spec['selector'] as LabelSelector | undefined;
  const template = (spec['template'] as { metadata?: { labels?: Record<string, string> }; spec?: Json } | undefined) ?? {};
  const causes: StatusCause[] = [];
  if (!selector || (Object.keys(selector.matchLabels ?? {}).length === 0 && (selector.matchExpressions ?? []).length === 0))
    causes.push(invalidValue('spec.selector', selector ?? {}, `empty selector is invalid for ${type.kind.toLowerCase()}`));
  else if (!selectorMatches(selector, template.metadata?.labels))
    causes.push(invalidValue('spec.template.metadata.labels', template.metadata?.labels ?? {}, '`selector` does not match template `labels`'));
  causes.push(...labels('spec.template.metadata.labels', template.metadata?.labels));
  causes.push(...podSpec('spec.template.spec', template.spec ?? {}));
  const previousSelector = (previous?.['spec'] as Json | undefined)?.['selector'];
  if (previous && stableJson(previousSelector) !== stableJson(selector)) causes.push(invalidValue('spec.selector', selector, 'field is immutable'));
  const rolling = (spec['strategy'] as { rollingUpdate?: { maxSurge?: unknown; maxUnavailable?: unknown } } | undefined)?.rollingUpdate;
  if (rolling && rawValue(rolling.maxSurge) === 0 && rawValue(rolling.maxUnavailable) === 0)
    causes.push(invalidValue('spec.strategy.rollingUpdate.maxUnavailable', rolling.maxUnavailable, 'may not be 0 when `maxSurge` is 0'));
  return causes;
}

function kindRules(type: ResourceType, object: KubeObject, previous: KubeObject | undefined): StatusCause[] {
  const spec = (object['spec'] as Json | undefined) ?? {};
  switch (type.kind) {
    case 'Deployment':
    case 'ReplicaSet':
      return workload(type, object, previous);
    case 'Pod':
      return podSpec('spec', spec);
    case 'Service':
      return spec['type'] !== 'ExternalName' && ((spec['ports'] as unknown[] | undefined) ?? []).length === 0 ? [required('spec.ports')] : [];
    case 'Ingress':
      return ((spec['rules'] as { host?: string }[] | undefined) ?? []).flatMap((rule, i) =>
        rule.host !== undefined ? dnsName(`spec.rules[${i}].host`, rule.host.replace(/^\*\./, ''), false) : [],
      );
    case 'Secret':
      return Object.keys((object['data'] as Json | undefined) ?? {}).flatMap((key) =>
        /^[-._a-zA-Z0-9]+$/.test(key) ? [] : [invalidValue(`data[${key}]`, key, "a valid config key must consist of alphanumeric characters, '-', '_' or '.'")],
      );
    default:
      return [];
  }
}

/** The schema check: a 400 for what would not decode (a wrong type), a 422 for the rest. */
function schema(type: ResourceType, object: KubeObject): StatusCause[] {
  try {
    new type.validator(structuredClone(object)).validate();
    return [];
  } catch (error) {
    const errors = (error as { errors?: AjvError[] }).errors;
    if (!errors) throw error;
    return errors.map((e) => {
      if (e.keyword === 'type') {
        const field = fieldPath(e.instancePath);
        throw badRequest(
          `${type.kind} in version "${type.version}" cannot be handled as a ${type.kind}: json: cannot unmarshal into Go struct field .${field} of type ${String(e.params['type'])}`,
        );
      }
      if (e.keyword === 'required') return required(fieldPath(`${e.instancePath}/${String(e.params['missingProperty'])}`));
      if (e.keyword === 'enum')
        return {
          reason: 'FieldValueNotSupported',
          message: `Unsupported value: supported values: ${(e.params['allowedValues'] as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`,
          field: fieldPath(e.instancePath),
        };
      return { reason: 'FieldValueInvalid', message: `Invalid value: ${e.message ?? e.keyword}`, field: fieldPath(e.instancePath) };
    });
  }
}

/** Throws the API's answer for an object that may not be stored: 400 (undecodable) or 422 (invalid). */
export function validate(type: ResourceType, object: KubeObject, previous?: KubeObject): void {
  const name = object.metadata.name ?? '';
  const causes = schema(type, object);
  if (causes.length === 0) {
    causes.push(...dnsName('metadata.name', name, type.labelName));
    causes.push(...labels('metadata.labels', object.metadata.labels));
    for (const key of Object.keys(object.metadata.annotations ?? {})) causes.push(...qualifiedKey('metadata.annotations', key));
    causes.push(...kindRules(type, object, previous));
  }
  if (causes.length > 0) throw invalid(type, name, causes);
}
