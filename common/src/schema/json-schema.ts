import schemaDocument from '../../../schemas/staging.schema.json';

/** The parts of JSON Schema (plus the VS Code editor extensions) that the editor features read. */
export interface JsonSchema {
  $ref?: string;
  type?: string | string[];
  title?: string;
  description?: string;
  markdownDescription?: string;
  properties?: Record<string, JsonSchema>;
  patternProperties?: Record<string, JsonSchema>;
  additionalProperties?: boolean | JsonSchema;
  propertyNames?: JsonSchema;
  required?: string[];
  items?: JsonSchema;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
  enum?: unknown[];
  const?: unknown;
  default?: unknown;
  examples?: unknown[];
  markdownEnumDescriptions?: string[];
  defaultSnippets?: { label?: string; description?: string; markdownDescription?: string; body?: unknown }[];
  $defs?: Record<string, JsonSchema>;
  pattern?: string;
}

/** The staging.yaml schema: the contract of the whole product (schemas/staging.schema.json). */
export const stagingSchema = schemaDocument as unknown as JsonSchema;

export function resolveRef(schema: JsonSchema): JsonSchema {
  let current = schema;
  for (let hops = 0; current.$ref && hops < 16; hops++) {
    const name = /^#\/\$defs\/(.+)$/.exec(current.$ref)?.[1];
    const target = name ? stagingSchema.$defs?.[name] : undefined;
    if (!target) break;
    // Sibling keywords next to $ref (e.g. a local description) take precedence.
    const { $ref: _ignored, ...siblings } = current;
    current = { ...target, ...siblings, ...(target.$ref ? { $ref: target.$ref } : {}) };
  }
  return current;
}

/** The concrete alternatives a schema allows: refs resolved, anyOf/oneOf/allOf flattened. */
export function alternatives(schema: JsonSchema): JsonSchema[] {
  const resolved = resolveRef(schema);
  const branches = resolved.anyOf ?? resolved.oneOf ?? resolved.allOf;
  if (!branches) return [resolved];
  const { anyOf: _a, oneOf: _o, allOf: _l, ...own } = resolved;
  return branches.flatMap((branch) => alternatives(branch).map((alt) => ({ ...own, ...alt })));
}

/** The schemas that may describe the value at a path in the document. */
export function schemasAt(path: readonly (string | number)[]): JsonSchema[] {
  let current = alternatives(stagingSchema);
  for (const segment of path) {
    const next: JsonSchema[] = [];
    for (const schema of current) {
      const child = typeof segment === 'number' ? schema.items : childSchema(schema, segment);
      if (child) next.push(...alternatives(child));
    }
    current = next;
    if (current.length === 0) break;
  }
  return current;
}

export function childSchema(schema: JsonSchema, key: string): JsonSchema | undefined {
  const declared = schema.properties?.[key];
  if (declared) return declared;
  for (const [pattern, child] of Object.entries(schema.patternProperties ?? {})) {
    if (new RegExp(pattern, 'u').test(key)) return child;
  }
  return typeof schema.additionalProperties === 'object' ? schema.additionalProperties : undefined;
}

export function isObjectSchema(schema: JsonSchema): boolean {
  return schema.type === 'object' || (schema.type === undefined && (schema.properties !== undefined || schema.additionalProperties !== undefined));
}

export function isArraySchema(schema: JsonSchema): boolean {
  return schema.type === 'array' || schema.items !== undefined;
}

export function describe(schema: JsonSchema): string | undefined {
  return schema.markdownDescription ?? schema.description;
}
