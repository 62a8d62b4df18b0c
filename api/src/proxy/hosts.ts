/**
 * Preview host names: `<env>--<project>.<baseDomain>` for a staging environment and
 * `<project>.<baseDomain>` for production. Names are lowercase DNS labels; the environment is
 * split off at the FIRST `--`, so a project name never contains `--`.
 */

/** Which project and environment a preview host names; environment null = production. */
export interface PreviewAddress {
  readonly project: string;
  readonly environment: string | null;
}

// One DNS label: 1-63 of [a-z0-9-], not starting or ending with a dash.
const DNS_LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;
const PORT = /^[0-9]{1,5}$/;
const ENVIRONMENT_SEPARATOR = '--';
// Longer than any valid host (a 63-char label, a domain of at most 253 chars and a port).
const MAX_HOST_HEADER_LENGTH = 330;

/** A project or environment name: a DNS label with single dashes only (`--` separates the two). */
function isPreviewName(name: string): boolean {
  return DNS_LABEL.test(name) && !name.includes(ENVIRONMENT_SEPARATOR);
}

/** `Example.LOCALHOST.` -> `example.localhost`; undefined when it is not a valid DNS name. */
function normalizeBaseDomain(baseDomain: string): string | undefined {
  const domain = baseDomain.toLowerCase().replace(/\.$/, '');
  if (domain.length === 0 || domain.length > 253) return undefined;
  return domain.split('.').every((label) => DNS_LABEL.test(label)) ? domain : undefined;
}

/**
 * The host name (without port) of an environment's preview, e.g. `staging--shop.localhost`.
 * Throws a RangeError for names that could not be parsed back, so a bad name fails where it is made.
 */
export function previewHost(project: string, environment: string | null, baseDomain: string): string {
  if (!isPreviewName(project)) throw new RangeError(`Not a valid project name for a preview host: ${JSON.stringify(project)}`);
  if (environment !== null && !isPreviewName(environment)) {
    throw new RangeError(`Not a valid environment name for a preview host: ${JSON.stringify(environment)}`);
  }
  const domain = normalizeBaseDomain(baseDomain);
  if (domain === undefined) throw new RangeError(`Not a valid base domain: ${JSON.stringify(baseDomain)}`);
  const label = environment === null ? project : environment + ENVIRONMENT_SEPARATOR + project;
  if (label.length > 63) throw new RangeError(`Preview host label longer than 63 characters: ${label}`);
  return `${label}.${domain}`;
}

/** The part of a Host header before its port; undefined when the port is not a valid port number. */
function stripPort(host: string): string | undefined {
  const colon = host.lastIndexOf(':');
  if (colon === -1) return host;
  const port = host.slice(colon + 1);
  return PORT.test(port) && Number(port) <= 65535 ? host.slice(0, colon) : undefined;
}

function parseNormalized(hostHeader: string | undefined, domainSuffix: string): PreviewAddress | undefined {
  if (typeof hostHeader !== 'string' || hostHeader.length === 0 || hostHeader.length > MAX_HOST_HEADER_LENGTH) return undefined;
  const host = stripPort(hostHeader.toLowerCase());
  if (host === undefined || !host.endsWith(domainSuffix)) return undefined;
  // Exactly one label in front of the base domain: no dots, no empty label, nothing IP-like
  // (an IP host never ends with a DNS base domain plus a valid label).
  const label = host.slice(0, host.length - domainSuffix.length);
  if (!DNS_LABEL.test(label)) return undefined;
  const separator = label.indexOf(ENVIRONMENT_SEPARATOR);
  if (separator === -1) return { project: label, environment: null };
  const environment = label.slice(0, separator);
  const project = label.slice(separator + ENVIRONMENT_SEPARATOR.length);
  return isPreviewName(environment) && isPreviewName(project) ? { project, environment } : undefined;
}

/**
 * The project and environment a Host header names, or undefined for anything that is not exactly
 * `<label>.<baseDomain>` or `<env>--<project>.<baseDomain>` (optionally with a port). Never throws.
 */
export function parsePreviewHost(hostHeader: string | undefined, baseDomain: string): PreviewAddress | undefined {
  const domain = typeof baseDomain === 'string' ? normalizeBaseDomain(baseDomain) : undefined;
  return domain === undefined ? undefined : parseNormalized(hostHeader, '.' + domain);
}

/**
 * parsePreviewHost for one base domain, remembering results by raw Host header: a browser sends
 * the same few hosts over and over, so the hot path is one Map lookup. Results are frozen and
 * shared. Bounded: when full it starts over, so junk hosts cannot grow it.
 */
export class PreviewHostParser {
  private readonly domainSuffix: string;
  private readonly known = new Map<string, PreviewAddress | null>();

  constructor(
    baseDomain: string,
    private readonly capacity = 1024,
  ) {
    const domain = normalizeBaseDomain(baseDomain);
    if (domain === undefined) throw new RangeError(`Not a valid base domain: ${JSON.stringify(baseDomain)}`);
    this.domainSuffix = '.' + domain;
  }

  parse(hostHeader: string | undefined): PreviewAddress | undefined {
    if (hostHeader === undefined) return undefined;
    const known = this.known.get(hostHeader);
    if (known !== undefined) return known ?? undefined;
    const parsed = parseNormalized(hostHeader, this.domainSuffix);
    if (this.known.size >= this.capacity) this.known.clear();
    this.known.set(hostHeader, parsed === undefined ? null : Object.freeze(parsed));
    return parsed;
  }
}
