import Ajv2020, { type ErrorObject, type ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { isMap, isPair, type Node } from 'yaml';
import { firstLine, locate, type ParsedConfig, type Path } from '../config/parse';
import type { Range } from '../config/positions';
import { stagingSchema } from '../schema/json-schema';
import { didYouMean } from '../text/did-you-mean';
import { listOf, quoteValue } from '../text/quote';
import type { ConfigDiagnostic, DiagnosticCode } from './diagnostic';

let compiled: ValidateFunction | undefined;

/** Compiled once per process: compiling costs tens of milliseconds, validating well under one. */
function validator(): ValidateFunction {
  if (!compiled) {
    const ajv = new Ajv2020({ allErrors: true, verbose: true, strict: true, strictTypes: false });
    addFormats(ajv, ['uri']);
    for (const keyword of ['markdownDescription', 'markdownEnumDescriptions', 'defaultSnippets']) ajv.addKeyword(keyword);
    compiled = ajv.compile(stagingSchema);
  }
  return compiled;
}

/** Friendly messages for the schema's patterns, keyed by the end of the failing schema path. */
const patternMessages: [RegExp, DiagnosticCode, string][] = [
  [/\$defs\/duration\/pattern$/, 'invalid-duration', 'is not a duration: use a whole number and a unit (ms, s, m, h, d, w), e.g. 30s, 15m, 7d or 1h30m'],
  [
    /properties\/project\/pattern$/,
    'invalid-format',
    'is not a valid project name: lowercase letters, digits and dashes, starting with a letter, at most 40 characters',
  ],
  [
    /\$defs\/environmentName\/pattern$/,
    'invalid-format',
    'is not a valid environment name: lowercase letters, digits and dashes, with {branch} for per-branch environments',
  ],
  [/\$defs\/secretRef\/.*pattern$/, 'invalid-format', 'is not a valid secret name: letters, digits, dot, dash and underscore'],
  [/memory\/pattern$/, 'invalid-format', 'is not a memory size: use Mi or Gi, e.g. 512Mi or 2Gi'],
  [/cpu.*pattern$/, 'invalid-format', 'is not a CPU amount: use cores (0.5) or millicores ("500m")'],
];

export function schemaDiagnostics(parsed: ParsedConfig): ConfigDiagnostic[] {
  const validate = validator();
  if (validate(parsed.value)) return [];
  const errors = simplify(validate.errors ?? []);
  const hasSyntaxErrors = parsed.problems.some((p) => p.severity === 'error');
  const diagnostics: ConfigDiagnostic[] = [];
  for (const error of errors) {
    // A broken document loses content, so "missing" would mostly be noise until it parses.
    if (error.keyword === 'required' && hasSyntaxErrors) continue;
    const diagnostic = toDiagnostic(parsed, error);
    if (diagnostic) diagnostics.push(diagnostic);
  }
  return diagnostics;
}

/** Drops the noise of allErrors: composite wrappers, and the failed branches of an anyOf whose other branch got further. */
function simplify(errors: ErrorObject[]): ErrorObject[] {
  // A value of the wrong type also fails its enum/pattern/format: keep only the type error of that schema.
  // (Schemas are shared through $ref, so a failure is identified by schema and instance together.)
  const typeFailed = new Map<unknown, Set<string>>();
  for (const e of errors) if (e.keyword === 'type') typeFailed.set(e.parentSchema, (typeFailed.get(e.parentSchema) ?? new Set()).add(e.instancePath));
  let kept = errors.filter((e) => e.keyword === 'type' || !typeFailed.get(e.parentSchema)?.has(e.instancePath));
  const composites = kept.filter((e) => e.keyword === 'anyOf' || e.keyword === 'oneOf');
  for (const composite of composites) {
    const at = composite.instancePath;
    const inside = kept.filter(
      (e) => e !== composite && (e.instancePath === at || e.instancePath.startsWith(`${at}/`)) && e.keyword !== 'anyOf' && e.keyword !== 'oneOf',
    );
    const typeErrorsHere = inside.filter((e) => e.instancePath === at && e.keyword === 'type');
    const branchGotFurther = inside.some((e) => !(e.instancePath === at && e.keyword === 'type'));
    if (branchGotFurther) {
      kept = kept.filter((e) => !typeErrorsHere.includes(e));
    } else if (typeErrorsHere.length > 0) {
      const expected = [...new Set(typeErrorsHere.map((e) => expectedType(e)))];
      const merged: ErrorObject = { ...typeErrorsHere[0]!, params: { expected: listOf(expected) } };
      kept = kept.filter((e) => !typeErrorsHere.includes(e));
      kept.push(merged);
    }
  }
  return kept.filter((e) => !['anyOf', 'oneOf', 'if', 'propertyNames', 'not'].includes(e.keyword));
}

function expectedType(error: ErrorObject): string {
  const schema = error.parentSchema as { type?: string; properties?: Record<string, unknown> } | undefined;
  if (schema?.type === 'object' && schema.properties && 'secret' in schema.properties) return 'a secret reference ({ secret: name })';
  return error.params['type'] === 'boolean' ? 'a boolean' : article(String(error.params['type']));
}

function article(type: string): string {
  const names: Record<string, string> = {
    object: 'a mapping',
    array: 'a list',
    string: 'a string',
    number: 'a number',
    integer: 'a whole number',
    boolean: 'true or false',
    null: 'nothing',
  };
  return type
    .split(',')
    .map((t) => names[t] ?? t)
    .join(' or ');
}

function pointerToPath(pointer: string): Path {
  if (pointer === '') return [];
  return pointer
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((s) => (/^\d+$/.test(s) ? Number(s) : s));
}

function lastKey(path: Path): string | undefined {
  for (let i = path.length - 1; i >= 0; i--) if (typeof path[i] === 'string') return path[i] as string;
  return undefined;
}

function toDiagnostic(parsed: ParsedConfig, error: ErrorObject): ConfigDiagnostic | undefined {
  const path = pointerToPath(error.instancePath);
  const located = locate(parsed, path);
  const name = lastKey(path);
  const subject = name ? `'${name}'` : 'The file';
  const valueRange = located.valueRange && !isEmptyRange(located.valueRange) ? firstLine(located.valueRange, parsed) : located.keyRange;
  const at = valueRange ?? located.keyRange ?? startOfFile(parsed);
  const params = error.params as Record<string, unknown>;
  const make = (code: DiagnosticCode, message: string, range: Range = at): ConfigDiagnostic => ({ code, message, severity: 'error', range });

  switch (error.keyword) {
    case 'additionalProperties': {
      const key = String(params['additionalProperty']);
      const child = locate(parsed, [...path, key]);
      const known = Object.keys((error.parentSchema as { properties?: object } | undefined)?.properties ?? {});
      const candidates = didYouMean(key, known);
      const hint = candidates.length > 0 ? ` Did you mean '${candidates[0]}'?` : known.length > 0 ? ` Expected one of: ${known.join(', ')}.` : '';
      return {
        ...make('unknown-key', `Unknown key '${key}'${name ? ` in '${name}'` : ''}.${hint}`, child.keyRange ?? at),
        fix: { kind: 'replace', candidates },
      };
    }
    case 'required': {
      const missing = String(params['missingProperty']);
      const range = located.keyRange ?? firstKeyRange(parsed, located.node) ?? startOfFile(parsed);
      const where = typeof path[path.length - 1] === 'number' ? ` in this ${name ?? 'item'} entry` : name ? ` in '${name}'` : '';
      return { ...make('missing-key', `Missing required key '${missing}'${where}.`, range), fix: { kind: 'add-key', key: missing, parentPath: [...path] } };
    }
    case 'type':
      return make(
        'invalid-type',
        `${subject} must be ${typeof params['expected'] === 'string' ? params['expected'] : article(String(params['type']))}, not ${quoteValue(error.data)}.`,
      );
    case 'enum': {
      const allowed = (params['allowedValues'] as unknown[]).map(String);
      const candidates = typeof error.data === 'string' ? didYouMean(error.data, allowed) : [];
      const hint = candidates.length > 0 ? ` Did you mean '${candidates[0]}'?` : '';
      return {
        ...make('invalid-value', `${quoteValue(error.data)} is not a valid value for ${subject}.${hint} Expected one of: ${allowed.join(', ')}.`),
        fix: { kind: 'replace', candidates },
      };
    }
    case 'const': {
      const allowed = String(params['allowedValue']);
      return { ...make('invalid-value', `${subject} must be ${allowed}.`), fix: { kind: 'replace', candidates: [allowed] } };
    }
    case 'pattern': {
      const friendly = patternMessages.find(([schemaPath]) => schemaPath.test(error.schemaPath));
      if (friendly) return make(friendly[1], `${quoteValue(error.data)} ${friendly[2]}.`);
      if (error.propertyName !== undefined) {
        const key = locate(parsed, [...path, error.propertyName]);
        return make(
          'invalid-format',
          `'${error.propertyName}' is not a valid variable name: use letters, digits and underscores, not starting with a digit.`,
          key.keyRange ?? at,
        );
      }
      return make('invalid-format', `${quoteValue(error.data)} does not match the expected format (${String(params['pattern'])}).`);
    }
    case 'format':
      return make(
        'invalid-format',
        `${quoteValue(error.data)} is not a valid ${params['format'] === 'uri' ? 'absolute URL, e.g. https://shop.example.com' : String(params['format'])}.`,
      );
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum': {
      const words: Record<string, string> = { minimum: 'at least', maximum: 'at most', exclusiveMinimum: 'more than', exclusiveMaximum: 'less than' };
      return make('invalid-value', `${subject} must be ${words[error.keyword]} ${String(params['limit'])}.`);
    }
    case 'minItems':
      return make('invalid-value', `${subject} needs at least ${String(params['limit'])} item${params['limit'] === 1 ? '' : 's'}.`);
    case 'maxItems':
      return make('invalid-value', `${subject} may have at most ${String(params['limit'])} items.`);
    case 'minLength':
      return make('invalid-value', `${subject} must not be empty.`);
    case 'maxLength':
      return make('invalid-value', `${subject} must be at most ${String(params['limit'])} characters long.`);
    case 'uniqueItems':
      return make('invalid-value', `${subject} lists the same item twice.`);
    default:
      return make('invalid-value', `${subject} ${error.message ?? 'is not valid'}.`);
  }
}

function isEmptyRange(range: Range): boolean {
  return range.start.line === range.end.line && range.start.character === range.end.character;
}

function startOfFile(parsed: ParsedConfig): Range {
  return firstKeyRange(parsed, parsed.document.contents) ?? { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };
}

function firstKeyRange(parsed: ParsedConfig, node: Node | null | undefined): Range | undefined {
  if (!isMap(node)) return undefined;
  const first = node.items[0];
  const key = isPair(first) ? (first.key as Node | null) : null;
  return key?.range ? parsed.lines.rangeOf(key.range[0], key.range[1]) : undefined;
}
