/**
 * The `Status` objects a kube-apiserver answers failures with (k8s.io/apimachinery/pkg/api/errors), with the same
 * codes, reasons and message wording, so a client's error handling meets what it meets on a real cluster.
 */

export interface StatusCause {
  reason: string;
  message: string;
  field?: string;
}

export interface StatusObject {
  kind: 'Status';
  apiVersion: 'v1';
  metadata: Record<string, never>;
  status: 'Failure' | 'Success';
  message?: string;
  reason?: string;
  details?: { name?: string; group?: string; kind?: string; uid?: string; causes?: StatusCause[] };
  /** Absent on a success, as the API sends it. */
  code?: number;
}

/** A failure the API answers with: thrown inside the fake, written by the HTTP layer. */
export class ApiError extends Error {
  constructor(readonly status: StatusObject) {
    super(status.message);
  }
}

/** `deployments.apps` or `namespaces`: how the API names a resource in messages. */
export function qualified(resource: { plural: string; group: string }): string {
  return resource.group ? `${resource.plural}.${resource.group}` : resource.plural;
}

function failure(code: number, reason: string, message: string, details?: StatusObject['details']): ApiError {
  return new ApiError({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, ...(details ? { details } : {}), code });
}

type Resource = { plural: string; group: string; kind: string };

export const notFound = (resource: Resource, name: string): ApiError =>
  failure(404, 'NotFound', `${qualified(resource)} "${name}" not found`, { name, group: resource.group, kind: resource.plural });

export const alreadyExists = (resource: Resource, name: string): ApiError =>
  failure(409, 'AlreadyExists', `${qualified(resource)} "${name}" already exists`, { name, group: resource.group, kind: resource.plural });

export const conflict = (resource: Resource, name: string, why: string): ApiError =>
  failure(409, 'Conflict', `Operation cannot be fulfilled on ${qualified(resource)} "${name}": ${why}`, { name, group: resource.group, kind: resource.plural });

export const staleResourceVersion = (resource: Resource, name: string): ApiError =>
  conflict(resource, name, 'the object has been modified; please apply your changes to the latest version and try again');

/** 422: the object is well-formed but breaks validation; one cause per offending field. */
export function invalid(resource: Resource, name: string, causes: StatusCause[]): ApiError {
  const kind = resource.group ? `${resource.kind}.${resource.group}` : resource.kind;
  const list = causes.map((cause) => `${cause.field}: ${cause.message}`);
  const summary = list.length === 1 ? list[0] : `[${list.join(', ')}]`;
  return failure(422, 'Invalid', `${kind} "${name}" is invalid: ${summary}`, { name, group: resource.group, kind: resource.kind, causes });
}

export const badRequest = (message: string): ApiError => failure(400, 'BadRequest', message);

export const forbidden = (message: string, details?: StatusObject['details']): ApiError => failure(403, 'Forbidden', message, details);

export const unauthorized = (): ApiError => failure(401, 'Unauthorized', 'Unauthorized');

export const methodNotAllowed = (): ApiError => failure(405, 'MethodNotAllowed', 'the server does not allow this method on the requested resource');

export const unsupportedMediaType = (type: string): ApiError =>
  failure(
    415,
    'UnsupportedMediaType',
    `the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json (${type})`,
  );

/** What a watch sends (as an ERROR event, with HTTP 200) when the version it starts from was compacted away. */
export function expired(requested: number, oldest: number): StatusObject {
  return {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message: `too old resource version: ${requested} (${oldest})`,
    reason: 'Expired',
    code: 410,
  };
}

export function success(resource: Resource, name: string, uid: string): StatusObject {
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', details: { name, group: resource.group, kind: resource.plural, uid } };
}

/** 422 without field causes: what the API answers when a patch cannot be applied (a path missing, a `test` failed). */
export const unprocessable = (message: string): ApiError => failure(422, 'Invalid', message);
