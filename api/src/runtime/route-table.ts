import type { ProxyRoute } from '../proxy/preview-proxy';

/** Which upstream serves each environment: switched atomically when a release goes live. */
export class RouteTable {
  private readonly routes = new Map<string, ProxyRoute>();

  private key(project: string, environment: string | null): string {
    return `${project}/${environment ?? ''}`;
  }

  set(project: string, environment: string | null, route: ProxyRoute): void {
    this.routes.set(this.key(project, environment), route);
  }

  delete(project: string, environment: string | null): void {
    this.routes.delete(this.key(project, environment));
  }

  resolve(project: string, environment: string | null): ProxyRoute | undefined {
    return this.routes.get(this.key(project, environment));
  }
}
