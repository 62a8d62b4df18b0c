import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import Ajv2020, { type ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { parse } from 'yaml';
import type { Scope } from '../security/tokens';
import type { Handlers } from './operation-types';
import { shippedFile } from '../context/shipped-file';

type JsonObject = Record<string, unknown>;

/** How Fastify sees a handler: the request as validated, untyped here (operation-types.ts types it per operation). */
type RouteHandler = (request: FastifyRequest, reply: FastifyReply) => Promise<unknown>;

export interface RouteConfig {
  scope: Scope | null;
  operationId: string;
}

const methods = ['get', 'put', 'post', 'patch', 'delete'] as const;

let loaded: JsonObject | undefined;

/**
 * The API's OpenAPI document, read once: the JSON the build puts beside stagingd's bundle (parsing the YAML took a
 * third of stagingd's start), or schemas/staging-api.openapi.yaml of a checkout.
 */
export function openApiDocument(): JsonObject {
  loaded ??= loadDocument();
  return loaded;
}

function loadDocument(): JsonObject {
  const file = shippedFile('staging-api.openapi.json', path.join('schemas', 'staging-api.openapi.yaml'));
  if (!file) throw new Error('schemas/staging-api.openapi.yaml not found above ' + __dirname);
  const text = readFileSync(file, 'utf8');
  return (file.endsWith('.json') ? JSON.parse(text) : parse(text)) as JsonObject;
}

/** Rewrites the document's local refs so Fastify's validator resolves them against the shared 'openapi' schema. */
function withSharedRefs(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withSharedRefs);
  if (value === null || typeof value !== 'object') return value;
  const result: JsonObject = {};
  for (const [key, child] of Object.entries(value)) {
    if (key === '$ref' && typeof child === 'string' && child.startsWith('#/components/schemas/'))
      result[key] = `openapi#/$defs/${child.slice('#/components/schemas/'.length)}`;
    else if (key !== 'examples' && key !== 'example') result[key] = withSharedRefs(child);
  }
  return result;
}

function resolveParameter(document: JsonObject, parameter: JsonObject): JsonObject {
  const ref = parameter['$ref'];
  if (typeof ref !== 'string') return parameter;
  const name = ref.split('/').pop()!;
  return ((document['components'] as JsonObject)['parameters'] as JsonObject)[name] as JsonObject;
}

/** The methods each path of the document answers, for a 405 to another method. */
export interface RouteMethods {
  methodsOf(path: string): string[];
  /** Compiles the request validators not used yet (they compile on first use otherwise). */
  compileValidators(): Promise<void>;
}

/**
 * Registers one Fastify route per operation of the OpenAPI document, validating params, query and body
 * against the document's own schemas. Every operation must have a handler, and every handler an operation.
 */
export function registerOpenApiRoutes(app: FastifyInstance, typed: Handlers): RouteMethods {
  const handlers = typed as unknown as Record<string, RouteHandler | undefined>;
  const templates: { pattern: RegExp; methods: string[] }[] = [];
  const document = openApiDocument();
  // Query and path values arrive as text and are coerced; bodies are JSON and must already have the right types.
  const shared = { $id: 'openapi', $defs: withSharedRefs((document['components'] as JsonObject)['schemas']) as JsonObject };
  // validateSchema off: checking our own schemas against JSON Schema's meta-schema took a third of a start, and the
  // document is checked where it is written (npm run lint:api, check:api).
  const validators = [true, false].map((coerceTypes) => {
    const ajv = new Ajv2020({ coerceTypes, useDefaults: true, allErrors: false, strict: false, validateSchema: false });
    addFormats(ajv);
    ajv.addSchema(shared);
    return ajv;
  });
  const lazy = new LazyValidators();
  app.setValidatorCompiler(({ schema, httpPart }) => lazy.validator(validators[httpPart === 'body' ? 1 : 0]!, schema));
  const used = new Set<string>();
  for (const [route, item] of Object.entries(document['paths'] as Record<string, JsonObject>)) {
    // A path parameter is one segment; HEAD comes with GET, as Fastify answers it.
    const answered = methods.filter((method) => item[method] !== undefined).map((method) => method.toUpperCase());
    if (answered.includes('GET')) answered.push('HEAD');
    // The document's paths are letters, digits, dashes, slashes and {parameters}: nothing else a RegExp reads.
    templates.push({ pattern: new RegExp(`^${route.replace(/\{\w+\}/g, '[^/]+')}$`), methods: answered });
    for (const method of methods) {
      const operation = item[method] as JsonObject | undefined;
      if (!operation) continue;
      const operationId = String(operation['operationId']);
      const handler = handlers[operationId];
      if (!handler) throw new Error(`no handler for operation ${operationId}`);
      used.add(operationId);
      const parameters = [...((item['parameters'] as JsonObject[] | undefined) ?? []), ...((operation['parameters'] as JsonObject[] | undefined) ?? [])].map(
        (p) => resolveParameter(document, p),
      );
      const schema: JsonObject = {};
      for (const [location, key] of [
        ['path', 'params'],
        ['query', 'querystring'],
      ] as const) {
        const own = parameters.filter((p) => p['in'] === location);
        if (own.length === 0) continue;
        schema[key] = {
          type: 'object',
          properties: Object.fromEntries(own.map((p): [string, unknown] => [String(p['name']), withSharedRefs(p['schema'])])),
          required: own.filter((p) => p['required'] === true).map((p) => p['name']),
        };
      }
      const body = (
        ((operation['requestBody'] as JsonObject | undefined)?.['content'] as JsonObject | undefined)?.['application/json'] as JsonObject | undefined
      )?.['schema'];
      if (body) schema['body'] = withSharedRefs(body);
      const security = operation['security'] as unknown[] | undefined;
      const config: RouteConfig = { operationId, scope: security && security.length === 0 ? null : ((operation['x-scope'] as Scope | undefined) ?? 'admin') };
      app.route({
        method: method.toUpperCase(),
        url: route.replace(/\{(\w+)\}/g, ':$1'),
        schema,
        config,
        // An optional body that was not sent validates as an empty object.
        preValidation: (request, _reply, done) => {
          if (body && request.body === undefined && (operation['requestBody'] as JsonObject)['required'] !== true) request.body = {};
          done();
        },
        handler,
      });
    }
  }
  const unused = Object.keys(handlers).filter((id) => !used.has(id));
  if (unused.length > 0) throw new Error(`handlers without an operation in the OpenAPI document: ${unused.join(', ')}`);
  return { methodsOf: (path) => templates.find((template) => template.pattern.test(path))?.methods ?? [], compileValidators: () => lazy.compileRemaining() };
}

/**
 * Validators compiled on first use, or by compileRemaining() once the API listens: compiling all of them before it
 * listened took a fifth of a start. Fastify calls a validator and reads its `errors`, as it does Ajv's own.
 */
class LazyValidators {
  private readonly pending = new Set<() => ValidateFunction>();

  validator(ajv: Ajv2020, schema: object): ((data: unknown) => boolean) & { errors?: ValidateFunction['errors'] } {
    let compiled: ValidateFunction | undefined;
    const compile = (): ValidateFunction => {
      this.pending.delete(compile);
      return (compiled ??= ajv.compile(schema));
    };
    this.pending.add(compile);
    const validate = (data: unknown): boolean => {
      const check = compile();
      const valid = check(data);
      validate.errors = check.errors;
      return valid;
    };
    validate.errors = undefined as ValidateFunction['errors'];
    return validate;
  }

  /** Compiles the validators no request has used yet, one a turn of the event loop, so requests go between. */
  async compileRemaining(): Promise<void> {
    for (const compile of [...this.pending]) {
      compile();
      await new Promise((resolve) => setImmediate(resolve));
    }
  }
}
