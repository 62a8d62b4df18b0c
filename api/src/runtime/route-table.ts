import type { AssetRoute } from '../proxy/asset-files';
import type { ProxyRoute } from '../proxy/preview-proxy';

/**
 * Which upstream serves each environment: switched atomically when a release goes live. An environment's synced
 * assets are kept beside it (a sync changes them whichever release is live).
 */
export class RouteTable {
  private readonly routes = new Map<string, ProxyRoute>();
  private readonly assets = new Map<string, AssetRoute>();

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
    const route = this.routes.get(this.key(project, environment));
    const assets = this.assets.get(this.key(project, environment));
    return route && assets ? { ...route, assets } : route;
  }

  /** The environment's synced assets (undefined: none to serve). */
  setAssets(project: string, environment: string | null, assets: AssetRoute | undefined): void {
    if (assets) this.assets.set(this.key(project, environment), assets);
    else this.assets.delete(this.key(project, environment));
  }
}
