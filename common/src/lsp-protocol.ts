import { NotificationType, RequestType } from 'vscode-languageserver-protocol';

/**
 * Messages between the Staging extension and its language server, declared once for both sides.
 * A client that does not implement them (another editor) simply lacks branch and secret completion.
 */
export namespace BranchesRequest {
  export const method = 'staging/branches';
  export interface Params {
    uri: string;
  }
  export interface Result {
    branches: string[];
    tags: string[];
  }
  export const type = new RequestType<Params, Result, void>(method);
}

export namespace ProjectContextRequest {
  export const method = 'staging/projectContext';
  export interface Params {
    uri: string;
  }
  /** `connected: false` when no staging API answers; then secrets cannot be checked. */
  export interface Result {
    connected: boolean;
    secrets: string[];
    environments: string[];
  }
  export const type = new RequestType<Params, Result, void>(method);
}

/** The client tells the server that the API's secrets or environments changed, so cached context is stale. */
export namespace ProjectContextChangedNotification {
  export const method = 'staging/projectContextChanged';
  export const type = new NotificationType<Record<string, never>>(method);
}

/** Sent by the client in `initializationOptions` to announce which of the messages above it answers. */
export interface StagingInitializationOptions {
  branches?: boolean;
  projectContext?: boolean;
}

/** The `staging` settings section, pulled per document. */
export interface StagingSettings {
  validation: { enabled: boolean; ignore: string[] };
}

export const defaultSettings: StagingSettings = { validation: { enabled: true, ignore: [] } };
