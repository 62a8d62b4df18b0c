/** What the preview gate and the feedback endpoints both speak of (apart, so that neither imports the other). */

/** What the proxy's route says about a staging environment's gate (production has none). */
export interface GatedRoute {
  environmentId: string;
  access: 'public' | 'links';
  /** staging.yaml `previews.feedback`: the feedback widget for the environment's link visitors (default true). */
  feedback?: boolean;
}

/** A visitor who came through a preview link, on this request. */
export interface PreviewSession {
  linkId: string;
  environmentId: string;
  project: string;
  environment: string;
}
