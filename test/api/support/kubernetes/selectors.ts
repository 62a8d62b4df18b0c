/**
 * Label selectors (the query syntax of `?labelSelector=`, and the structured `LabelSelector` of a Deployment or
 * NetworkPolicy) and field selectors (`metadata.name`, `metadata.namespace`, and the event fields the API indexes).
 */
import { badRequest } from './api-status';
import type { KubeObject } from './object-store';

type Requirement = { key: string; op: 'in' | 'notin' | 'exists' | '!'; values: string[] };

export type Matcher = (object: KubeObject) => boolean;

/** Splits at commas outside parentheses: `a in (x,y),b` is two requirements. */
function splitTopLevel(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let current = '';
  for (const char of text) {
    if (char === '(') depth++;
    if (char === ')') depth--;
    if (char === ',' && depth === 0) {
      parts.push(current);
      current = '';
    } else current += char;
  }
  parts.push(current);
  return parts.map((part) => part.trim()).filter((part) => part !== '');
}

function parseRequirement(text: string): Requirement {
  let match = /^(\S+?)\s*(==|!=|=)\s*(\S*)$/.exec(text);
  if (match) return { key: match[1]!, op: match[2] === '!=' ? 'notin' : 'in', values: [match[3]!] };
  match = /^(\S+)\s+(in|notin)\s+\(([^)]*)\)$/.exec(text);
  if (match) return { key: match[1]!, op: match[2] as 'in' | 'notin', values: match[3]!.split(',').map((v) => v.trim()) };
  match = /^!\s*(\S+)$/.exec(text);
  if (match) return { key: match[1]!, op: '!', values: [] };
  if (/^[\w./-]+$/.test(text)) return { key: text, op: 'exists', values: [] };
  throw badRequest(`unable to parse requirement: found '${text}', expected: in, notin, =, ==, !=, gt, lt`);
}

function matches(labels: Record<string, string>, requirements: Requirement[]): boolean {
  return requirements.every(({ key, op, values }) => {
    const has = Object.hasOwn(labels, key);
    if (op === 'exists') return has;
    if (op === '!') return !has;
    if (op === 'in') return has && values.includes(labels[key]!);
    return !has || !values.includes(labels[key]!);
  });
}

/** `?labelSelector=app=web,tier notin (db)`. */
export function parseLabelSelector(text: string | null): Matcher {
  if (!text) return () => true;
  const requirements = splitTopLevel(text).map(parseRequirement);
  return (object) => matches(object.metadata.labels ?? {}, requirements);
}

export interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: { key: string; operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist'; values?: string[] }[];
}

/** A structured selector against a set of labels; an empty selector matches everything. */
export function selectorMatches(selector: LabelSelector, labels: Record<string, string> = {}): boolean {
  const requirements: Requirement[] = Object.entries(selector.matchLabels ?? {}).map(([key, value]) => ({ key, op: 'in', values: [value] }));
  for (const expression of selector.matchExpressions ?? []) {
    const op = ({ In: 'in', NotIn: 'notin', Exists: 'exists', DoesNotExist: '!' } as const)[expression.operator];
    requirements.push({ key: expression.key, op, values: expression.values ?? [] });
  }
  return matches(labels, requirements);
}

/** The fields every resource can be selected by, and those the API indexes for events. */
function fieldValue(object: KubeObject, field: string): string | undefined {
  if (field === 'metadata.name') return object.metadata.name;
  if (field === 'metadata.namespace') return object.metadata.namespace;
  if (object.kind === 'Event' || field.startsWith('involvedObject.') || field === 'reason' || field === 'type') {
    let value: unknown = object;
    for (const part of field.split('.')) value = (value as Record<string, unknown> | undefined)?.[part];
    return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' ? String(value) : '';
  }
  if (object.kind === 'Pod' && field === 'status.phase') return String((object['status'] as { phase?: string } | undefined)?.phase ?? '');
  return undefined;
}

/** `?fieldSelector=metadata.name=web`; a field the resource does not index is a 400, as on a real server. */
export function parseFieldSelector(text: string | null, kind: string): Matcher {
  if (!text) return () => true;
  const requirements = splitTopLevel(text).map((part) => {
    const match = /^([\w.]+)\s*(==|!=|=)\s*(.*)$/.exec(part);
    if (!match) throw badRequest(`invalid field selector: '${part}'`);
    return { field: match[1]!, negate: match[2] === '!=', value: match[3]! };
  });
  for (const { field } of requirements) {
    const probe = { kind, metadata: {} } as KubeObject;
    if (fieldValue(probe, field) === undefined && field !== 'metadata.name' && field !== 'metadata.namespace')
      throw badRequest(`field label not supported: ${field}`);
  }
  return (object) => requirements.every(({ field, negate, value }) => (fieldValue(object, field) === value) !== negate);
}
