// Generated from schemas/staging-api.openapi.yaml by scripts/gen-api-types.mjs: do not edit; run `npm run gen:api`.
export interface paths {
  '/v1/health': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** Liveness of the server, without authentication. */
    get: operations['getHealth'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/v1/openapi.json': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** This document, as JSON, without authentication (the page at `/docs` renders it as an API reference). */
    get: operations['getOpenApiDocument'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/v1/tokens': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /** Create an API token with the given scopes (admin). The token is shown once. */
    post: operations['createToken'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/v1/tokens/self': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** Who the token is (its name, which deployments, comments and reviews carry) and its scopes; a client's sign-in check. */
    get: operations['getTokenSelf'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/v1/projects': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** Every registered project. */
    get: operations['listProjects'];
    put?: never;
    /**
     * Register a project from a repository and its staging.yaml.
     * @description A staging.yaml that does not validate is refused with 422 and the same diagnostics, with line and column, that the language server shows.
     */
    post: operations['createProject'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/v1/projects/{project}': {
    parameters: {
      query?: never;
      header?: never;
      path: {
        project: components['parameters']['project'];
      };
      cookie?: never;
    };
    /** A project, with its production branch and URL. */
    get: operations['getProject'];
    put?: never;
    post?: never;
    /**
     * Remove the project with its environments, releases, secrets, preview links and mirror.
     * @description Cancels what its environments have under way and stops their releases first.
     */
    delete: operations['deleteProject'];
    options?: never;
    head?: never;
    /**
     * Replace the project's registered staging.yaml.
     * @description The new staging.yaml is validated as at registration (422 with the same diagnostics, line and column, that
     *     the language server shows) and must keep the project's name. Environments it adds are created; the
     *     production environment and the fixed ones take its branches and resources; environments it no longer lists
     *     are left for you to delete. Deployments from then on build, run and gate promotion with it. A push to the
     *     production branch that changes the file does the same (the approvals bar never comes from another branch).
     */
    patch: operations['updateProject'];
    trace?: never;
  };
  '/v1/projects/{project}/environments': {
    parameters: {
      query?: never;
      header?: never;
      path: {
        project: components['parameters']['project'];
      };
      cookie?: never;
    };
    /** The project's environments, production first. */
    get: operations['listEnvironments'];
    put?: never;
    /** Create a fixed environment, stopped until its first deployment. */
    post: operations['createEnvironment'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/v1/projects/{project}/environments/{environment}': {
    parameters: {
      query?: never;
      header?: never;
      path: {
        project: components['parameters']['project'];
        environment: components['parameters']['environment'];
      };
      cookie?: never;
    };
    /** An environment, with its status, URL and live deployment. */
    get: operations['getEnvironment'];
    put?: never;
    post?: never;
    /** Stop the environment's releases and remove it, with its history. Production cannot be deleted. */
    delete: operations['deleteEnvironment'];
    options?: never;
    head?: never;
    /** Change an environment's branch or resources, or stop or start its live release. */
    patch: operations['updateEnvironment'];
    trace?: never;
  };
  '/v1/projects/{project}/environments/{environment}/deployments': {
    parameters: {
      query?: never;
      header?: never;
      path: {
        project: components['parameters']['project'];
        environment: components['parameters']['environment'];
      };
      cookie?: never;
    };
    /** The environment's deployment history, newest first. */
    get: operations['listDeployments'];
    put?: never;
    /** Deploy a branch, tag or commit. Returns at once; follow the status and the logs. */
    post: operations['createDeployment'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/v1/projects/{project}/environments/{environment}/rollback': {
    parameters: {
      query?: never;
      header?: never;
      path: {
        project: components['parameters']['project'];
        environment: components['parameters']['environment'];
      };
      cookie?: never;
    };
    get?: never;
    put?: never;
    /**
     * Serve an earlier deployment again (default the one live before the current one), without rebuilding.
     * @description The emergency action: it takes effect at once, cancelling the environment's deployments that are queued,
     *     building or starting (they end `cancelled`), and it works while stagingd is still starting releases after
     *     a restart.
     */
    post: operations['rollbackEnvironment'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/v1/projects/{project}/environments/{environment}/variables': {
    parameters: {
      query?: never;
      header?: never;
      path: {
        project: components['parameters']['project'];
        environment: components['parameters']['environment'];
      };
      cookie?: never;
    };
    /** The environment's variables; secret values are never returned. */
    get: operations['getVariables'];
    /** Replace the environment's variables. A secret listed without a value keeps its stored value. Applies from the next deployment. */
    put: operations['putVariables'];
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/v1/projects/{project}/secrets': {
    parameters: {
      query?: never;
      header?: never;
      path: {
        project: components['parameters']['project'];
      };
      cookie?: never;
    };
    /** Names of the project's secrets, for `{ secret: name }` references in staging.yaml. Values are never returned. */
    get: operations['listSecrets'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/v1/projects/{project}/secrets/{secret}': {
    parameters: {
      query?: never;
      header?: never;
      path: {
        project: components['parameters']['project'];
        secret: string;
      };
      cookie?: never;
    };
    get?: never;
    /** Set a project's secret, stored encrypted; its value is never returned. */
    put: operations['putSecret'];
    post?: never;
    /** Remove a project's secret. */
    delete: operations['deleteSecret'];
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/v1/projects/{project}/promote': {
    parameters: {
      query?: never;
      header?: never;
      path: {
        project: components['parameters']['project'];
      };
      cookie?: never;
    };
    get?: never;
    put?: never;
    /**
     * Deploy the exact build of a staging deployment to production, without rebuilding.
     * @description Refused with 409, naming what is missing, until the deployment has the approvals staging.yaml's `approvals` requires, and (with `checks.blockPromotion`) until its latest check run passed.
     */
    post: operations['promoteDeployment'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/v1/projects/{project}/environments/{environment}/previews': {
    parameters: {
      query?: never;
      header?: never;
      path: {
        project: components['parameters']['project'];
        environment: components['parameters']['environment'];
      };
      cookie?: never;
    };
    /** The environment's shared preview links, newest first. Tokens are never listed (only their hashes are stored). */
    get: operations['listPreviewLinks'];
    put?: never;
    /**
     * Create a shareable link to a staging environment. Its URL, with the token, is in this response only.
     * @description The link admits a visitor through the preview proxy: `<preview url>/?staging_preview=<token>` (or
     *     `<preview url>/__staging/preview/<token>`) asks for the password when the link has one, then sets a
     *     session cookie for that environment's host only and redirects to the page without the token. Expired
     *     and revoked links answer 410. Without `expires_in` or `expires_at` the link lasts staging.yaml's
     *     `previews.expiry` (default 7d); at most 90 days. When staging.yaml says `previews.password: required`,
     *     a link without a password is refused (422, `/body/password`). Production has no preview links (409).
     *     Publishes a `preview.created` event (without the token).
     */
    post: operations['createPreviewLink'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/v1/projects/{project}/environments/{environment}/previews/bypass': {
    parameters: {
      query?: never;
      header?: never;
      path: {
        project: components['parameters']['project'];
        environment: components['parameters']['environment'];
      };
      cookie?: never;
    };
    /**
     * The environment's automation bypass secret (generated on first use), for CI and webhooks.
     * @description A request that carries `x-staging-bypass: <secret>` passes an environment whose staging.yaml says
     *     `previews.access: links` without a preview link. The header is removed before the request reaches the
     *     app, and never logged. Production is never gated and has no bypass secret (409).
     */
    get: operations['getPreviewBypass'];
    put?: never;
    /** Replace the environment's bypass secret; the old one stops working at once. */
    post: operations['rotatePreviewBypass'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/v1/previews/{preview}': {
    parameters: {
      query?: never;
      header?: never;
      path: {
        preview: components['schemas']['PreviewLinkId'];
      };
      cookie?: never;
    };
    get?: never;
    put?: never;
    post?: never;
    /**
     * Revoke a preview link. Its visitors, with or without a session, get 410 from then on. Revoking twice is harmless.
     * @description Publishes a `preview.revoked` event.
     */
    delete: operations['revokePreviewLink'];
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/v1/projects/{project}/environments/{environment}/comments': {
    parameters: {
      query?: never;
      header?: never;
      path: {
        project: components['parameters']['project'];
        environment: components['parameters']['environment'];
      };
      cookie?: never;
    };
    /** The environment's feedback threads, newest first, each with its replies (oldest first), and how many are open and resolved. */
    get: operations['listComments'];
    put?: never;
    /**
     * Comment on the environment, or reply to a thread (`parent_id`). The author is the token's name.
     * @description A thread's first comment may point at a place on a page: `page_url` (path and query on the preview
     *     host), `selector` with `x` and `y` (a point in that element, as fractions 0-1 of its border box), and the
     *     viewport it was seen in (`viewport_width`, `viewport_height`); `screenshot: true` (with `page_url` and the
     *     viewport) asks stagingd to take one with headless Chromium, at that size, scrolled to the element and
     *     with the point marked; it is `pending` until a `comment.updated` event says `ready` or `failed` (`failed` at
     *     once when stagingd runs without Chromium). A reply carries no position. The comment is tied to the environment's live deployment. Publishes `comment.added`
     *     (forwarded to staging.yaml webhooks that list it). Preview link visitors comment through the feedback
     *     widget the preview proxy adds to their pages instead.
     */
    post: operations['createComment'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/v1/comments/{comment}': {
    parameters: {
      query?: never;
      header?: never;
      path: {
        comment: components['parameters']['comment'];
      };
      cookie?: never;
    };
    /** A thread with its replies (a reply's id stands for its thread). */
    get: operations['getComment'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/v1/comments/{comment}/resolve': {
    parameters: {
      query?: never;
      header?: never;
      path: {
        comment: components['parameters']['comment'];
      };
      cookie?: never;
    };
    get?: never;
    put?: never;
    /** Resolve a thread (a reply's id resolves its thread). Resolving twice changes nothing. Publishes `comment.updated`. */
    post: operations['resolveComment'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/v1/comments/{comment}/reopen': {
    parameters: {
      query?: never;
      header?: never;
      path: {
        comment: components['parameters']['comment'];
      };
      cookie?: never;
    };
    get?: never;
    put?: never;
    /** Reopen a resolved thread. Publishes `comment.updated`. */
    post: operations['reopenComment'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/v1/comments/{comment}/screenshot': {
    parameters: {
      query?: never;
      header?: never;
      path: {
        comment: components['parameters']['comment'];
      };
      cookie?: never;
    };
    /** The comment's screenshot (PNG, at most 2 MB), once its `screenshot` is `ready`; 404 before or without one. */
    get: operations['getCommentScreenshot'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/v1/projects/{project}/webhook-deliveries': {
    parameters: {
      query?: never;
      header?: never;
      path: {
        project: components['parameters']['project'];
      };
      cookie?: never;
    };
    /**
     * The log of the project's outbound webhook deliveries (staging.yaml `notifications.webhooks`), newest first.
     * @description Each event a webhook subscribes to becomes one delivery: a POST with `X-Staging-Event`,
     *     `X-Staging-Delivery` (the delivery id), `X-Staging-Timestamp` (Unix seconds) and, when the webhook names
     *     a `secret`, `X-Staging-Signature-256: sha256=<hex HMAC-SHA256 of the raw body>` keyed with that project
     *     secret. A `json` body carries the same `timestamp`, so the signature covers the send time: reject a
     *     request whose timestamp is too old. Network errors, timeouts, 429 and 5xx are retried with exponential
     *     backoff (1 s, 2 s, 4 s, 8 s: 5 attempts by default), honouring `Retry-After`; other answers are final.
     *     A `json` body is `{ id, event, occurred_at, project, environment, deployment: { id, ref, commit, status,
     *     url, issue_keys, deployed_by, reason, source_deployment_id } | null, timestamp }` plus, by event,
     *     `live_deployment` (rolled_back: the deployment serving now), `preview`, `comment` or `approval`; a
     *     `slack` body is a Slack incoming-webhook message (`text`, `blocks`).
     */
    get: operations['listWebhookDeliveries'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/v1/webhook-deliveries/{delivery}/redeliver': {
    parameters: {
      query?: never;
      header?: never;
      path: {
        delivery: string;
      };
      cookie?: never;
    };
    get?: never;
    put?: never;
    /** Send a delivered or failed delivery again, with the same id and payload and a fresh set of attempts (409 while it is pending). */
    post: operations['redeliverWebhook'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/v1/deployments/{deployment}': {
    parameters: {
      query?: never;
      header?: never;
      path: {
        deployment: components['parameters']['deployment'];
      };
      cookie?: never;
    };
    /** A deployment, with its status. */
    get: operations['getDeployment'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/v1/deployments/{deployment}/cancel': {
    parameters: {
      query?: never;
      header?: never;
      path: {
        deployment: components['parameters']['deployment'];
      };
      cookie?: never;
    };
    get?: never;
    put?: never;
    /**
     * Cancel a deployment that is queued, building or starting; the live release keeps serving.
     * @description A queued deployment never starts; a running build is stopped at once; a release that is starting is stopped
     *     before it goes live. The deployment ends `cancelled` (a `deployment.updated` event says when).
     */
    post: operations['cancelDeployment'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/v1/deployments/{deployment}/reviews': {
    parameters: {
      query?: never;
      header?: never;
      path: {
        deployment: components['parameters']['deployment'];
      };
      cookie?: never;
    };
    /** The reviews of a deployment, and whether its approvals allow promotion. */
    get: operations['listReviews'];
    put?: never;
    /**
     * Approve a deployment, or request changes to it.
     * @description The reviewer is the token's name. When staging.yaml's `approvals.reviewers` lists names, only they may
     *     review (a read token is enough); otherwise reviewing needs the deploy scope. Nobody approves their own
     *     deployment. A reviewer's latest review counts. Approvals belong to this exact deployment: a new
     *     deployment starts with none. A preview link's visitor reviews through the feedback widget: their review
     *     counts as `<name>`'s only when `approvals.reviewers` lists that name and the link's label is exactly that
     *     name (a link made for that reviewer); otherwise it is recorded as `visitor:<name>` and never counts.
     */
    post: operations['createReview'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/v1/deployments/{deployment}/logs': {
    parameters: {
      query?: never;
      header?: never;
      path: {
        deployment: components['parameters']['deployment'];
      };
      cookie?: never;
    };
    /**
     * The build then runtime log.
     * @description Plain text by default (what exists now). With `Accept: text/event-stream`, server-sent events: each
     *     line an `event: log` with a monotonically increasing `id` and JSON data `{time, stream, text}`,
     *     following until the deployment's release stops for good (then `event: end`); resumable with the
     *     `Last-Event-ID` header or the `lastEventId` query parameter.
     */
    get: operations['getDeploymentLogs'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/v1/projects/{project}/environments/{environment}/database': {
    parameters: {
      query?: never;
      header?: never;
      path: {
        project: components['parameters']['project'];
        environment: components['parameters']['environment'];
      };
      cookie?: never;
    };
    /** Whether the environment has a database of its own, whether stagingd can provide it, and its last sync. */
    get: operations['getEnvironmentDatabase'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/v1/projects/{project}/environments/{environment}/database/syncs': {
    parameters: {
      query?: never;
      header?: never;
      path: {
        project: components['parameters']['project'];
        environment: components['parameters']['environment'];
      };
      cookie?: never;
    };
    /** The environment's database syncs, newest first. */
    get: operations['listDatabaseSyncs'];
    put?: never;
    /**
     * Copy production's database into the environment's now, anonymising on the way. Returns at once; follow the sync and its log.
     * @description The sync reads one consistent snapshot of staging.yaml's `database.source`, builds the copy in a fresh
     *     database and switches the environment to it in one step: until then the environment's previous data serves,
     *     whatever happens to the sync. In strict mode a column that looks like personal data without a rule refuses the
     *     sync (it ends `failed`, its `unclassified` columns listed).
     */
    post: operations['startDatabaseSync'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/v1/database-syncs/{sync}': {
    parameters: {
      query?: never;
      header?: never;
      path: {
        sync: components['parameters']['sync'];
      };
      cookie?: never;
    };
    /** A database sync, with its outcome and what it copied. */
    get: operations['getDatabaseSync'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/v1/database-syncs/{sync}/cancel': {
    parameters: {
      query?: never;
      header?: never;
      path: {
        sync: components['parameters']['sync'];
      };
      cookie?: never;
    };
    get?: never;
    put?: never;
    /** Cancel a queued or running database sync; the environment keeps its previous data. */
    post: operations['cancelDatabaseSync'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/v1/database-syncs/{sync}/logs': {
    parameters: {
      query?: never;
      header?: never;
      path: {
        sync: components['parameters']['sync'];
      };
      cookie?: never;
    };
    /**
     * The log of a database sync.
     * @description Like a deployment's log: plain text by default; with `Accept: text/event-stream`, server-sent `log` events
     *     with increasing ids until the sync ends (then `event: end`), resumable with `Last-Event-ID`.
     */
    get: operations['getDatabaseSyncLogs'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/v1/projects/{project}/environments/{environment}/assets': {
    parameters: {
      query?: never;
      header?: never;
      path: {
        project: components['parameters']['project'];
        environment: components['parameters']['environment'];
      };
      cookie?: never;
    };
    /** The environment's assets: whether staging.yaml gives it production's files, from where, and its last sync. */
    get: operations['getEnvironmentAssets'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/v1/projects/{project}/environments/{environment}/assets/syncs': {
    parameters: {
      query?: never;
      header?: never;
      path: {
        project: components['parameters']['project'];
        environment: components['parameters']['environment'];
      };
      cookie?: never;
    };
    /** The environment's asset syncs, newest first. */
    get: operations['listAssetSyncs'];
    put?: never;
    /**
     * Copy staging.yaml's assets.source into the environment's files now. Returns at once; follow the sync and its log.
     * @description Incremental: a file whose content the environment already has (by SHA-256) is not written again, and a source
     *     file unchanged since the last sync (size and time) is not read again. `exclude` globs are left out; with
     *     `cleanup` the files the source no longer has are deleted from the environment.
     */
    post: operations['startAssetSync'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/v1/asset-syncs/{sync}': {
    parameters: {
      query?: never;
      header?: never;
      path: {
        sync: components['parameters']['sync'];
      };
      cookie?: never;
    };
    /** An asset sync, with what it copied. */
    get: operations['getAssetSync'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/v1/asset-syncs/{sync}/logs': {
    parameters: {
      query?: never;
      header?: never;
      path: {
        sync: components['parameters']['sync'];
      };
      cookie?: never;
    };
    /** The sync's log, as text or as a server-sent event stream that follows it. */
    get: operations['getAssetSyncLogs'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/v1/projects/{project}/environments/{environment}/checks': {
    parameters: {
      query?: never;
      header?: never;
      path: {
        project: components['parameters']['project'];
        environment: components['parameters']['environment'];
      };
      cookie?: never;
    };
    /** The environment's checks: what staging.yaml asks for, its baseline, and its last run. */
    get: operations['getEnvironmentChecks'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/v1/projects/{project}/environments/{environment}/checks/runs': {
    parameters: {
      query?: never;
      header?: never;
      path: {
        project: components['parameters']['project'];
        environment: components['parameters']['environment'];
      };
      cookie?: never;
    };
    /** The environment's check runs, newest first (the scores of the last deployments, for a chart). */
    get: operations['listCheckRuns'];
    put?: never;
    /**
     * Check the environment's live deployment now (Run Checks). Returns at once; follow the run and its log.
     * @description Every deployment that goes live in a staging environment with a `checks` section is checked on its own; this runs
     *     the checks again. Each page is shot full-page at each viewport, on staging and on the baseline, and compared
     *     pixel by pixel; Lighthouse measures each performance page with each preset, the median of `runs`.
     */
    post: operations['startCheckRun'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/v1/projects/{project}/environments/{environment}/checks/baseline': {
    parameters: {
      query?: never;
      header?: never;
      path: {
        project: components['parameters']['project'];
        environment: components['parameters']['environment'];
      };
      cookie?: never;
    };
    get?: never;
    put?: never;
    post?: never;
    /** Forget the run accepted as the environment's baseline; runs compare with staging.yaml's `checks.baseline` again. */
    delete: operations['resetCheckBaseline'];
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/v1/check-runs/{run}': {
    parameters: {
      query?: never;
      header?: never;
      path: {
        run: components['parameters']['run'];
      };
      cookie?: never;
    };
    /** A check run, with each page's result per viewport and preset. */
    get: operations['getCheckRun'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/v1/check-runs/{run}/logs': {
    parameters: {
      query?: never;
      header?: never;
      path: {
        run: components['parameters']['run'];
      };
      cookie?: never;
    };
    /** The run's log, as text or as a server-sent event stream that follows it. */
    get: operations['getCheckRunLogs'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/v1/check-runs/{run}/baseline': {
    parameters: {
      query?: never;
      header?: never;
      path: {
        run: components['parameters']['run'];
      };
      cookie?: never;
    };
    get?: never;
    put?: never;
    /** Accept the run as the environment's baseline (Accept as Baseline): its staging screenshots and scores are what later runs compare with. */
    post: operations['acceptCheckBaseline'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/v1/check-runs/{run}/images/{image}': {
    parameters: {
      query?: never;
      header?: never;
      path: {
        run: components['parameters']['run'];
        /** @description An image a result names (`images.staging`, `images.baseline`, `images.diff`). */
        image: string;
      };
      cookie?: never;
    };
    /** One of the run's screenshots or diff images (PNG). */
    get: operations['getCheckImage'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/v1/projects/{project}/environments/{environment}/mail': {
    parameters: {
      query?: never;
      header?: never;
      path: {
        project: components['parameters']['project'];
        environment: components['parameters']['environment'];
      };
      cookie?: never;
    };
    /**
     * The environment's inbox, newest first, and what staging.yaml says happens to its e-mail.
     * @description A staging release sends e-mail through stagingd's SMTP server (the variables SMTP_URL, SMTP_HOST, MAIL_HOST and
     *     the like point at it, with credentials of the environment's own). With `isolation.email: capture` (the default)
     *     every message lands here and nothing leaves the server; with `block` messages are dropped and only counted
     *     (`blocked`); with `allow` they are relayed through stagingd's `--smtp-relay` and a copy lands here. Production
     *     gets no capture: its e-mail is its own.
     */
    get: operations['listMail'];
    put?: never;
    post?: never;
    /** Empty the environment's inbox, and its count of blocked messages. */
    delete: operations['clearMail'];
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/v1/mail/{message}': {
    parameters: {
      query?: never;
      header?: never;
      path: {
        message: components['parameters']['message'];
      };
      cookie?: never;
    };
    /** One captured message, parsed: its headers, text, HTML (inline images as data URLs) and attachments. */
    get: operations['getMailMessage'];
    put?: never;
    post?: never;
    /** Delete one message from its inbox. */
    delete: operations['deleteMailMessage'];
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/v1/mail/{message}/raw': {
    parameters: {
      query?: never;
      header?: never;
      path: {
        message: components['parameters']['message'];
      };
      cookie?: never;
    };
    /** The message's source as the release sent it (RFC 5322, what an .eml file holds). */
    get: operations['getMailMessageSource'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/v1/mail/{message}/attachments/{index}': {
    parameters: {
      query?: never;
      header?: never;
      path: {
        message: components['parameters']['message'];
        /** @description The attachment's `index` in the message. */
        index: number;
      };
      cookie?: never;
    };
    /** One attachment's content, as a download (Content-Disposition attachment, never rendered). */
    get: operations['getMailAttachment'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/v1/storage': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** What stagingd holds on disk: the data directory, and each project and environment by kind, with the last cleanup. */
    get: operations['getStorage'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/v1/storage/cleanups': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /**
     * Run the retention policy now (it also runs on stagingd's --cleanup-interval). Returns at once; follow its record.
     * @description For each environment: its release folders past the newest `retention.releases` (stagingd's `--keep-releases`
     *     unless staging.yaml says), never the live one, the one a rollback needs, one still running or one under way,
     *     with the Docker images no kept deployment runs; the logs of finished deployments whose release is gone and of
     *     finished syncs, older than `retention.logs`; comment screenshots older than `retention.screenshots`.
     */
    post: operations['startStorageCleanup'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/v1/storage/cleanups/{cleanup}': {
    parameters: {
      query?: never;
      header?: never;
      path: {
        cleanup: components['schemas']['DeploymentId'];
      };
      cookie?: never;
    };
    /** A storage cleanup, with what it removed. */
    get: operations['getStorageCleanup'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/v1/events': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * Server-sent events for every state change (environment and deployment status), resumable.
     * @description Each event has a global monotonically increasing `id`, an `event` type (`environment.updated`, `environment.deleted`, `deployment.updated`, `preview.created`, `preview.revoked`, `approval.given`, `approval.changes_requested`, `comment.added`, `comment.updated` (resolved, reopened, or its screenshot done), `webhook_delivery.updated`) and JSON data with the resource (a preview link's event never carries its token). Resume with `Last-Event-ID` (or `lastEventId`); without one the stream starts from now, and `0` replays every stored event.
     */
    get: operations['streamEvents'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/v1/hooks/git': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /**
     * Push webhooks in GitHub's and GitLab's formats.
     * @description GitHub: `X-GitHub-Event: push`, signed with `X-Hub-Signature-256: sha256=<HMAC-SHA256 of the raw body>`.
     *     GitLab: `X-Gitlab-Event: Push Hook` with the project's secret in `X-Gitlab-Token`. Both are checked in
     *     constant time against the project's webhook secret. Deploys every environment whose branch or branch
     *     pattern matches; creates per-branch environments on their first push and removes them when the
     *     branch is deleted.
     */
    post: operations['receiveGitHook'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
}
export type webhooks = Record<string, never>;
export interface components {
  schemas: {
    /** @description Lowercase letters, digits and dashes; the name in staging.yaml. */
    ProjectName: string;
    EnvironmentName: string;
    DeploymentId: string;
    /** Format: date-time */
    Timestamp: string;
    Health: {
      /** @enum {string} */
      status: 'ok';
      version: string;
    };
    /** @enum {string} */
    Scope: 'read' | 'deploy' | 'admin';
    /** @description A name people read (in VS Code, the logs, notifications); no control characters or bidirectional controls. */
    DisplayName: string;
    TokenCreate: {
      name: components['schemas']['DisplayName'];
      scopes: components['schemas']['Scope'][];
    };
    TokenSelf: {
      name: string;
      scopes: components['schemas']['Scope'][];
    };
    TokenCreated: {
      id: string;
      name: string;
      scopes: components['schemas']['Scope'][];
      /** @description Shown once; only a hash is stored. */
      token: string;
    };
    ProjectCreate: {
      /** @description An absolute path to a local git repository, or a git URL. */
      repository: string;
      /** @description The staging.yaml content. Without it, `config_path` is read from the repository's production branch. */
      config?: string;
      /**
       * @description The staging.yaml path inside the repository.
       * @default staging.yaml
       */
      config_path: string;
    };
    ProjectUpdate: {
      /** @description The new staging.yaml content. */
      config: string;
    };
    Project: {
      name: components['schemas']['ProjectName'];
      repository: string;
      /** @description The registered staging.yaml: what deployments build, run and gate promotion with. */
      config: string;
      /** @description Where staging.yaml is in the repository; a push to the production branch that changes it updates `config`. */
      config_path: string;
      production_branch: string;
      production_url: string;
      created_at: components['schemas']['Timestamp'];
      webhook_secret_set: boolean;
      /** @description Only in the response that creates the project; configure it on the Git host's webhook. */
      webhook_secret?: string;
    };
    Resources: {
      /** @description Cores. */
      cpu?: number;
      /** @description MiB. */
      memory?: number;
    };
    /**
     * @description `starting`: stagingd restarted and is bringing the live release back (the API answers meanwhile, and a
     *     rollback works); `building`: a deployment is under way while the live release, if any, serves.
     * @enum {string}
     */
    EnvironmentStatus: 'active' | 'building' | 'starting' | 'error' | 'stopped';
    Environment: {
      name: components['schemas']['EnvironmentName'];
      project: components['schemas']['ProjectName'];
      /** @enum {string} */
      kind: 'production' | 'fixed' | 'branch';
      status: components['schemas']['EnvironmentStatus'];
      /** @description The preview proxy URL of the environment. */
      url: string;
      branch: string | null;
      /** @description The commit of the live deployment. */
      last_commit: string | null;
      live_deployment_id: string | null;
      created_at: components['schemas']['Timestamp'];
      updated_at: components['schemas']['Timestamp'];
      /** Format: date-time */
      expires_at: string | null;
      resources: components['schemas']['Resources'];
    };
    EnvironmentCreate: {
      name: components['schemas']['EnvironmentName'];
      branch?: components['schemas']['GitRef'];
      resources?: components['schemas']['Resources'];
    };
    EnvironmentUpdate: {
      branch?: components['schemas']['GitRef'];
      resources?: components['schemas']['Resources'];
      /**
       * @description `stopped` stops the live release; `active` starts it again.
       * @enum {string}
       */
      status?: 'active' | 'stopped';
    };
    /** @description A branch, tag or commit. Refs are checked with git's own rules (no `..`, no leading `-`, no control characters). */
    GitRef: string;
    /**
     * @description `cancelled`: stopped before it went live, by a cancel, a rollback or the deletion of its environment; `reason` says which.
     * @enum {string}
     */
    DeploymentStatus: 'queued' | 'building' | 'starting' | 'live' | 'failed' | 'cancelled' | 'superseded' | 'rolled_back';
    Deployment: {
      id: components['schemas']['DeploymentId'];
      project: components['schemas']['ProjectName'];
      environment: components['schemas']['EnvironmentName'];
      ref: string;
      /** @description The full commit id once the ref is resolved. */
      commit: string | null;
      status: components['schemas']['DeploymentStatus'];
      /** @description The deployed commit's staging.yaml is not the registered one (which the deployment used); the log says so too. */
      config_differs?: boolean;
      deployed_by: string;
      /** @description Why it failed or was rolled back. */
      reason: string | null;
      created_at: components['schemas']['Timestamp'];
      /** Format: date-time */
      started_at: string | null;
      /** Format: date-time */
      completed_at: string | null;
      /** @description For a promotion, the staging deployment whose build was promoted. */
      source_deployment_id: string | null;
      /**
       * @description Issue keys (`ABC-123`, `#45`) found in the deployed branch's name and in the messages of the commits
       *     since the environment's previous live deployment (at most 50 commits; the deployed commit alone when
       *     there was none), for linking from a project-management tool. A promotion keeps its source's keys.
       */
      issue_keys: string[];
    };
    DeploymentCreate: {
      ref: components['schemas']['GitRef'];
    };
    /** @enum {string} */
    DatabaseSyncStatus: 'queued' | 'running' | 'succeeded' | 'failed' | 'cancelled';
    DatabaseSync: {
      id: components['schemas']['DeploymentId'];
      project: components['schemas']['ProjectName'];
      environment: components['schemas']['EnvironmentName'];
      /**
       * @description What started it: the environment was created, `database.schedule`, or a request.
       * @enum {string}
       */
      trigger: 'created' | 'schedule' | 'manual';
      requested_by: string;
      status: components['schemas']['DatabaseSyncStatus'];
      /** @description Why it failed or was cancelled. Never holds the source's credentials. */
      reason: string | null;
      /**
       * Format: date-time
       * @description When the source's snapshot was taken: the copy is production as it was then.
       */
      snapshot_at: string | null;
      /** @description Each table copied, with its rows, the bytes read and the columns anonymised. */
      tables: {
        table: string;
        rows: number;
        bytes: number;
        anonymized: string[];
      }[];
      /** @description What the copy left out and why: foreign keys and views on tables not copied. */
      notes: string[];
      /** @description In a sync strict mode refused, each column that looks like personal data and has no rule, with the rule it suggests. */
      unclassified: {
        table: string;
        column: string;
        kind: string;
        reason: string;
        suggested: string;
      }[];
      created_at: components['schemas']['Timestamp'];
      /** Format: date-time */
      started_at: string | null;
      /** Format: date-time */
      completed_at: string | null;
    };
    /**
     * @description `failed`: a check failed (see `failures`); `error`: the run could not check (see `reason`).
     * @enum {string}
     */
    CheckRunStatus: 'queued' | 'running' | 'passed' | 'failed' | 'error' | 'cancelled';
    /**
     * @description `new`: nothing to compare with yet (no baseline): this result becomes one when its run passes or is accepted.
     * @enum {string}
     */
    CheckResultStatus: 'passed' | 'failed' | 'new' | 'error';
    CheckImages: {
      /** @description The image name (GET /v1/check-runs/{run}/images/{image}). */
      staging: string | null;
      baseline: string | null;
      /** @description Changed pixels in red over the baseline, faded. */
      diff: string | null;
    };
    PixelRegion: {
      x: number;
      y: number;
      width: number;
      height: number;
    };
    VisualResult: {
      page: string;
      viewport: string;
      /** @description The viewport width (CSS pixels). */
      width: number;
      /** @description The viewport height; the screenshots are full-page, so taller. */
      height: number;
      status: components['schemas']['CheckResultStatus'];
      changed_pixels: number;
      /** @description Pixels compared: the larger of the two images (a page that grew counts its new part as changed). */
      total_pixels: number;
      changed_ratio: number;
      threshold: number;
      /** @description The box around every changed pixel (image pixels). */
      changed_region: components['schemas']['PixelRegion'] | null;
      error: string | null;
      images: components['schemas']['CheckImages'];
    };
    /** @description Category scores, 0-100 (null when Lighthouse could not score it). */
    LighthouseScores: {
      performance: number | null;
      accessibility: number | null;
      best_practices: number | null;
      seo: number | null;
    };
    LighthouseMetrics: {
      largest_contentful_paint_ms: number | null;
      cumulative_layout_shift: number | null;
      total_blocking_time_ms: number | null;
      first_contentful_paint_ms: number | null;
      speed_index_ms: number | null;
      /** @description Until the load event (observed). */
      load_time_ms: number | null;
    };
    PerformanceResult: {
      page: string;
      /** @enum {string} */
      preset: 'mobile' | 'desktop';
      status: components['schemas']['CheckResultStatus'];
      /** @description Lighthouse runs on staging; the median by performance score counts. */
      runs: number;
      scores: components['schemas']['LighthouseScores'] | null;
      metrics: components['schemas']['LighthouseMetrics'] | null;
      baseline_scores: components['schemas']['LighthouseScores'] | null;
      baseline_metrics: components['schemas']['LighthouseMetrics'] | null;
      error: string | null;
    };
    CheckFailure: {
      /** @enum {string} */
      check: 'visual' | 'performance';
      page: string;
      viewport: string | null;
      /** @enum {string|null} */
      preset: 'mobile' | 'desktop' | null;
      /** @description `changed_ratio`, or a score (`performance`, `accessibility`, `best_practices`, `seo`). */
      metric: string;
      value: number;
      /** @description The threshold, the budget, or the baseline's score less alertOnDrop. */
      limit: number;
      message: string;
    };
    CheckBaseline: {
      /**
       * @description `none`: nothing to compare with yet (the first run).
       * @enum {string}
       */
      kind: 'production' | 'previous' | 'accepted' | 'none';
      /** @description Production's URL, when it was shot live. */
      url: string | null;
      /** @description The run whose captures were the baseline (previous or accepted). */
      run_id: string | null;
      deployment_id: string | null;
    };
    CheckRun: {
      id: components['schemas']['DeploymentId'];
      project: components['schemas']['ProjectName'];
      environment: components['schemas']['EnvironmentName'];
      deployment_id: components['schemas']['DeploymentId'];
      /** @enum {string} */
      trigger: 'deployment' | 'manual';
      requested_by: string;
      status: components['schemas']['CheckRunStatus'];
      reason: string | null;
      /** @description Null until the run has chosen it. */
      baseline: components['schemas']['CheckBaseline'] | null;
      visual: components['schemas']['VisualResult'][];
      performance: components['schemas']['PerformanceResult'][];
      failures: components['schemas']['CheckFailure'][];
      created_at: components['schemas']['Timestamp'];
      /** Format: date-time */
      started_at: string | null;
      /** Format: date-time */
      completed_at: string | null;
    };
    CheckRunList: {
      items: components['schemas']['CheckRun'][];
    };
    EnvironmentChecks: {
      /** @description staging.yaml has a checks section and the environment is not production (the baseline). */
      enabled: boolean;
      /** @description stagingd can run them: false with `reason` when it has no Chromium. */
      available: boolean;
      reason: string | null;
      /**
       * @description staging.yaml's checks.baseline.
       * @enum {string|null}
       */
      baseline: 'production' | 'previous' | null;
      block_promotion: boolean;
      /** @description The run accepted as the baseline, if any. */
      accepted: {
        run_id: components['schemas']['DeploymentId'];
        deployment_id: components['schemas']['DeploymentId'];
        accepted_by: string;
        accepted_at: components['schemas']['Timestamp'];
      } | null;
      last_run: components['schemas']['CheckRun'] | null;
    };
    AssetSync: {
      id: components['schemas']['DeploymentId'];
      project: components['schemas']['ProjectName'];
      environment: components['schemas']['EnvironmentName'];
      /** @enum {string} */
      trigger: 'created' | 'schedule' | 'manual';
      requested_by: string;
      status: components['schemas']['DatabaseSyncStatus'];
      /** @description Why it failed or was cancelled. Never holds the source's credentials. */
      reason: string | null;
      /** @description Files the source has (excluded ones left out). */
      files: number;
      /** @description Files this sync wrote; the others the environment already had with the same content. */
      copied: number;
      /** @description Bytes of the files it wrote. */
      bytes: number;
      /** @description Files `cleanup` deleted (the source no longer has them). */
      deleted: number;
      created_at: components['schemas']['Timestamp'];
      /** Format: date-time */
      started_at: string | null;
      /** Format: date-time */
      completed_at: string | null;
    };
    AssetSyncList: {
      items: components['schemas']['AssetSync'][];
    };
    EnvironmentAssets: {
      /** @description staging.yaml has an assets section and the environment is not production (whose files are the source). */
      enabled: boolean;
      /** @description stagingd can sync them: false with `reason` with the Docker runner. */
      available: boolean;
      reason: string | null;
      /** @description Where the files come from, without credentials. */
      source: string | null;
      /** @description Where the release sees them, relative to the app. */
      target: string | null;
      last_sync: components['schemas']['AssetSync'] | null;
    };
    StorageCleanup: {
      id: components['schemas']['DeploymentId'];
      /** @enum {string} */
      trigger: 'schedule' | 'manual';
      requested_by: string;
      /** @enum {string} */
      status: 'running' | 'succeeded' | 'failed';
      reason: string | null;
      removed: {
        releases: number;
        images: number;
        logs: number;
        screenshots: number;
        /** @description On disk, as du counts (images not included). */
        bytes: number;
      };
      created_at: components['schemas']['Timestamp'];
      /** Format: date-time */
      completed_at: string | null;
    };
    EnvironmentStorage: {
      name: components['schemas']['EnvironmentName'];
      /** @description The sum of the others (bytes on disk). */
      bytes: number;
      /** @description Its release folders. */
      releases: number;
      /** @description How many deployments still have a release to run or roll back to. */
      kept_releases: number;
      /** @description Its deployments' and syncs' logs. */
      logs: number;
      /** @description Its asset folder (staging.yaml assets). */
      assets: number;
      /** @description Its inbox. */
      mail: number;
      /** @description Its data folder (a SQLite database). */
      data: number;
      /** @description The screenshots of its comments. */
      screenshots: number;
    };
    StorageUsage: {
      /** @description The whole data directory, stagingd's own store included. PostgreSQL databases and Docker images are not in it. */
      data_dir_bytes: number;
      projects: {
        name: components['schemas']['ProjectName'];
        bytes: number;
        /** @description Its git mirror. */
        repository: number;
        environments: components['schemas']['EnvironmentStorage'][];
      }[];
      last_cleanup: components['schemas']['StorageCleanup'] | null;
    };
    MailMessage: {
      id: components['schemas']['DeploymentId'];
      project: components['schemas']['ProjectName'];
      environment: components['schemas']['EnvironmentName'];
      /** @description The From header as written, else the envelope's sender. */
      from: string;
      /** @description The sender the release gave in the SMTP envelope (MAIL FROM). */
      envelope_from: string;
      /** @description Every recipient of the SMTP envelope (RCPT TO): To, Cc and Bcc alike. */
      envelope_to: string[];
      subject: string | null;
      /** @description The start of the text (200 characters at most). */
      preview: string;
      /** @description The source's size in bytes. */
      size: number;
      /** @description How many attachments it has. */
      attachments: number;
      /**
       * @description captured (isolation.email capture), or relayed through --smtp-relay (allow), or the relay refused it (relay_error says why; the release was told so).
       * @enum {string}
       */
      disposition: 'captured' | 'relayed' | 'relay_failed';
      relay_error: string | null;
      received_at: components['schemas']['Timestamp'];
    };
    MailInbox: {
      /**
       * @description staging.yaml's isolation.email for this environment; null for production, whose e-mail is its own.
       * @enum {string|null}
       */
      mode: 'capture' | 'block' | 'allow' | null;
      /** @description Whether the environment's releases reach stagingd's SMTP server: false with `reason` for production and with the Docker runner. */
      available: boolean;
      reason: string | null;
      /** @description Messages in the inbox (the newest 500 are kept). */
      total: number;
      /** @description Messages dropped under isolation.email: block since the inbox was last cleared. */
      blocked: number;
      items: components['schemas']['MailMessage'][];
      next_cursor: string | null;
    };
    MailMessageDetail: components['schemas']['MailMessage'] & {
      /** @description Every header line in order, unfolded. */
      headers: {
        name: string;
        value: string;
      }[];
      text: string | null;
      /** @description The HTML part as sent, with images it embeds (cid:) as data URLs. Show it only where scripts and remote loads are blocked. */
      html: string | null;
      attachment_list: {
        index: number;
        filename: string | null;
        content_type: string;
        size: number;
        /** @description An image the HTML shows (cid:), rather than a file attached. */
        inline: boolean;
      }[];
    };
    DatabaseSyncList: {
      items: components['schemas']['DatabaseSync'][];
    };
    EnvironmentDatabase: {
      /** @description staging.yaml gives this environment a database of its own (`database`, and the environment not opted out). */
      enabled: boolean;
      /** @enum {string|null} */
      engine: 'postgres' | 'sqlite' | null;
      /** @description stagingd can provide it: false with `reason` when it has no database server for the engine (PostgreSQL), or runs releases with the Docker runner (SQLite). */
      available: boolean;
      reason: string | null;
      /** @description PostgreSQL: the database's name on the server (releases get it in DATABASE_URL and PGDATABASE). SQLite: the file's path in the environment's data folder (releases get DATABASE_URL=file:/srv/data/<path> and DATABASE_PATH). */
      database: string | null;
      last_sync: components['schemas']['DatabaseSync'] | null;
    };
    DeploymentPage: {
      items: components['schemas']['Deployment'][];
      next_cursor: string | null;
    };
    RollbackRequest: {
      deployment_id?: components['schemas']['DeploymentId'];
    };
    ReviewCreate: {
      /** @enum {string} */
      decision: 'approve' | 'request_changes';
      comment?: string;
    };
    Review: {
      id: string;
      deployment_id: components['schemas']['DeploymentId'];
      /** @description The token's name; for a preview link's visitor, the name they typed, as `visitor:<name>` unless their review counts (see createReview). */
      reviewer: string;
      /** @description The preview link a visitor reviewed through (the feedback widget); null for a token. */
      preview_link_id: string | null;
      /** @enum {string} */
      decision: 'approve' | 'request_changes';
      comment: string | null;
      created_at: components['schemas']['Timestamp'];
    };
    /** @description What promotion of the deployment waits for, from the project's registered staging.yaml (never the deployed commit's, so a branch cannot lower the bar). */
    ApprovalState: {
      /** @description Approvals needed (staging.yaml approvals.required). */
      required: number;
      /** @description Who may review; empty means anyone allowed to deploy. */
      reviewers: string[];
      approved_by: string[];
      changes_requested_by: string[];
      /** @description Whether the deployment may be promoted. */
      met: boolean;
    };
    ReviewList: {
      items: components['schemas']['Review'][];
      approvals: components['schemas']['ApprovalState'];
    };
    PromoteRequest: {
      deployment_id: components['schemas']['DeploymentId'];
    };
    VariableName: string;
    Variable: {
      name: components['schemas']['VariableName'];
      secret: boolean;
      /** @description Null for secrets, which are write-only. */
      value: string | null;
    };
    VariableList: {
      items: components['schemas']['Variable'][];
    };
    VariablesUpdate: {
      items: {
        name: components['schemas']['VariableName'];
        value?: string;
        /** @default false */
        secret: boolean;
      }[];
    };
    SecretList: {
      items: {
        name: string;
        updated_at: components['schemas']['Timestamp'];
      }[];
    };
    SecretValue: {
      value: string;
    };
    PreviewLinkId: string;
    PreviewLinkCreate: {
      /** @description Who or what the link is for, e.g. `Client review, sprint 12`. */
      label?: components['schemas']['DisplayName'];
      /** @description Asked of every visitor before the first page. Stored as an scrypt hash, never returned. */
      password?: string;
      /** @description How long the link lasts, e.g. `3d` or `12h`; at most 90 days. Default: staging.yaml `previews.expiry` (7d). */
      expires_in?: string;
      /**
       * Format: date-time
       * @description When the link stops working, instead of `expires_in`; in the future and at most 90 days away.
       */
      expires_at?: string;
    };
    /** @enum {string} */
    PreviewLinkStatus: 'active' | 'expired' | 'revoked';
    PreviewLink: {
      id: components['schemas']['PreviewLinkId'];
      project: components['schemas']['ProjectName'];
      environment: components['schemas']['EnvironmentName'];
      label: string | null;
      has_password: boolean;
      status: components['schemas']['PreviewLinkStatus'];
      expires_at: components['schemas']['Timestamp'];
      /** @description The name of the API token that created it. */
      created_by: string;
      created_at: components['schemas']['Timestamp'];
      /** Format: date-time */
      revoked_at: string | null;
      /**
       * Format: date-time
       * @description When a visitor last came through it (updated at most once a minute).
       */
      last_used_at: string | null;
    };
    PreviewLinkCreated: components['schemas']['PreviewLink'] & {
      /** @description At least 128 random bits, base64url. Shown once; only its SHA-256 hash is stored. */
      token: string;
      /** @description The link to share: the environment's preview URL with the token. */
      url: string;
    };
    PreviewLinkList: {
      items: components['schemas']['PreviewLink'][];
    };
    PreviewBypass: {
      /**
       * @description The request header that carries the secret.
       * @enum {string}
       */
      header: 'x-staging-bypass';
      secret: string;
      rotated_at: components['schemas']['Timestamp'];
    };
    CommentId: string;
    CommentCreate: {
      body: string;
      /** @description Reply to this thread (a reply's id stands for its thread). */
      parent_id?: components['schemas']['CommentId'];
      /** @description Path and query on the preview host, e.g. `/pricing?plan=pro`. */
      page_url?: string;
      /** @description A CSS selector of the element the comment points at. */
      selector?: string;
      /** @description Where in the element, from its left edge, as a fraction of its width. */
      x?: number;
      /** @description Where in the element, from its top edge, as a fraction of its height. */
      y?: number;
      /** @description CSS pixels. */
      viewport_width?: number;
      /** @description CSS pixels. */
      viewport_height?: number;
      /** @description Take a screenshot of the page at that viewport (needs `page_url` and the viewport). */
      screenshot?: boolean;
    };
    /**
     * @description `visitor`: a preview link's visitor, named as they typed it (not verified); `token`: an API token's name.
     * @enum {string}
     */
    AuthorKind: 'visitor' | 'token';
    Comment: {
      id: components['schemas']['CommentId'];
      project: components['schemas']['ProjectName'];
      environment: components['schemas']['EnvironmentName'];
      /** @description The deployment that was live when the comment was made. */
      deployment_id: string | null;
      /** @description The thread a reply belongs to; null for a thread's first comment. */
      parent_id: string | null;
      author: string;
      author_kind: components['schemas']['AuthorKind'];
      /** @description The preview link a visitor came through. */
      preview_link_id: string | null;
      body: string;
      /** @description Path and query on the preview host. */
      page_url: string | null;
      /** @description The page on the environment's preview URL. */
      url: string | null;
      selector: string | null;
      /** @description Fraction (0-1) of the element's width. */
      x: number | null;
      /** @description Fraction (0-1) of the element's height. */
      y: number | null;
      viewport_width: number | null;
      viewport_height: number | null;
      /** @enum {string|null} */
      screenshot: 'pending' | 'ready' | 'failed' | null;
      /** @description The API path of the screenshot once it is ready. */
      screenshot_url: string | null;
      /** Format: date-time */
      resolved_at: string | null;
      resolved_by: string | null;
      resolved_by_kind: components['schemas']['AuthorKind'] | null;
      created_at: components['schemas']['Timestamp'];
    };
    CommentThread: components['schemas']['Comment'] & {
      replies: components['schemas']['Comment'][];
    };
    CommentList: {
      items: components['schemas']['CommentThread'][];
      /** @description Unresolved threads of the environment. */
      open_count: number;
      resolved_count: number;
    };
    /** @enum {string} */
    WebhookDeliveryStatus: 'pending' | 'delivered' | 'failed';
    WebhookDelivery: {
      /** @description The delivery id, sent as `X-Staging-Delivery` and as `id` in a json body. */
      id: string;
      project: components['schemas']['ProjectName'];
      /** @description Without user, password, query values or token-like path segments. */
      webhook_url: string;
      /** @description The staging.yaml event name, e.g. `deployment.succeeded`. */
      event: string;
      /** @enum {string} */
      format: 'json' | 'slack';
      /** @description The body (a json body gets its `timestamp` at each attempt). */
      payload: {
        [key: string]: unknown;
      };
      status: components['schemas']['WebhookDeliveryStatus'];
      attempts: number;
      /** @description The HTTP status of the last attempt; null when it got no answer. */
      last_status_code: number | null;
      last_error: string | null;
      /**
       * Format: date-time
       * @description While pending: when it is attempted (again).
       */
      next_attempt_at: string | null;
      created_at: components['schemas']['Timestamp'];
      /** Format: date-time */
      delivered_at: string | null;
    };
    WebhookDeliveryPage: {
      items: components['schemas']['WebhookDelivery'][];
      next_cursor: string | null;
    };
    HookResult: {
      deployments: components['schemas']['Deployment'][];
      removed_environments: string[];
      /**
       * @description What a push did to the registered staging.yaml: `unchanged`, `updated` (a push to the production branch
       *     changed it, before anything deployed), or why the changed file was not taken (the registered one stays).
       */
      config: string;
    };
    /** @description A staging.yaml problem, exactly as the language server reports it (1-based lines and columns). */
    ConfigDiagnostic: {
      code: string;
      message: string;
      /** @enum {string} */
      severity: 'error' | 'warning' | 'information';
      line: number;
      column: number;
      end_line: number;
      end_column: number;
    };
    Problem: {
      type: string;
      title: string;
      status: number;
      detail?: string;
      /** @description The request field at fault, as a JSON pointer into the request (e.g. `/body/ref`). */
      field?: string;
      diagnostics?: components['schemas']['ConfigDiagnostic'][];
    };
  };
  responses: {
    /** @description An error, as RFC 9457 problem details. Besides the 4xx an operation lists, a request with a body answers 413 when the body is over 1 MiB and 415 when it is not `application/json`; 500 is a bug, whose details stay in the server's log. */
    Problem: {
      headers: {
        [name: string]: unknown;
      };
      content: {
        'application/problem+json': components['schemas']['Problem'];
      };
    };
    /** @description The request does not match this document: a path or query parameter or a body field is missing, of the wrong type, out of range or unknown, the body is not valid JSON, or a `cursor` is not one this server gave out. `field` is a JSON pointer to it (`/params/project`, `/querystring/limit`, `/body/ref`), except for a body that is not JSON. */
    BadRequest: {
      headers: {
        [name: string]: unknown;
      };
      content: {
        'application/problem+json': components['schemas']['Problem'];
      };
    };
    /** @description No bearer token, or one that is not valid. */
    Unauthorized: {
      headers: {
        /** @description `Bearer realm="stagingd"`. */
        'WWW-Authenticate': string;
        [name: string]: unknown;
      };
      content: {
        'application/problem+json': components['schemas']['Problem'];
      };
    };
    /** @description The token is valid but lacks the scope the operation needs (its `x-scope`; `read` < `deploy` < `admin`). */
    Forbidden: {
      headers: {
        [name: string]: unknown;
      };
      content: {
        'application/problem+json': components['schemas']['Problem'];
      };
    };
    /** @description A resource the request names does not exist; `field` points at the name (e.g. `/params/project`, `/body/deployment_id`). */
    NotFound: {
      headers: {
        [name: string]: unknown;
      };
      content: {
        'application/problem+json': components['schemas']['Problem'];
      };
    };
    /** @description The response can only be server-sent events: the `Accept` header must include `text/event-stream`. */
    NotAcceptable: {
      headers: {
        [name: string]: unknown;
      };
      content: {
        'application/problem+json': components['schemas']['Problem'];
      };
    };
    /** @description The request conflicts with the current state of the resource; `detail` says what. */
    Conflict: {
      headers: {
        [name: string]: unknown;
      };
      content: {
        'application/problem+json': components['schemas']['Problem'];
      };
    };
    /** @description The request is well-formed but its content cannot be used; `field` names the value at fault and `detail` says why. */
    UnprocessableContent: {
      headers: {
        [name: string]: unknown;
      };
      content: {
        'application/problem+json': components['schemas']['Problem'];
      };
    };
    /** @description The project's git repository could not be fetched (it is gone, unreachable, or refuses stagingd); nothing was queued. `detail` says so without quoting the repository's URL, which may hold credentials. */
    BadGateway: {
      headers: {
        [name: string]: unknown;
      };
      content: {
        'application/problem+json': components['schemas']['Problem'];
      };
    };
    /** @description The signature (GitHub `X-Hub-Signature-256`) or token (GitLab `X-Gitlab-Token`) does not match the project's webhook secret, or there is no such project: both answer alike, so the hook cannot be used to list projects. */
    WebhookSignatureMismatch: {
      headers: {
        [name: string]: unknown;
      };
      content: {
        'application/problem+json': components['schemas']['Problem'];
      };
    };
  };
  parameters: {
    project: components['schemas']['ProjectName'];
    environment: components['schemas']['EnvironmentName'];
    deployment: components['schemas']['DeploymentId'];
    comment: components['schemas']['CommentId'];
    sync: components['schemas']['DeploymentId'];
    run: components['schemas']['DeploymentId'];
    message: components['schemas']['DeploymentId'];
  };
  requestBodies: never;
  headers: never;
  pathItems: never;
}
export type $defs = Record<string, never>;
export interface operations {
  getHealth: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description The server is up. */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Health'];
        };
      };
    };
  };
  getOpenApiDocument: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description The OpenAPI 3.1 document of this stagingd. */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            [key: string]: unknown;
          };
        };
      };
    };
  };
  createToken: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': components['schemas']['TokenCreate'];
      };
    };
    responses: {
      /** @description The new token. */
      201: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['TokenCreated'];
        };
      };
      400: components['responses']['BadRequest'];
      401: components['responses']['Unauthorized'];
      403: components['responses']['Forbidden'];
      default: components['responses']['Problem'];
    };
  };
  getTokenSelf: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description The token's name and scopes. */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['TokenSelf'];
        };
      };
      401: components['responses']['Unauthorized'];
      default: components['responses']['Problem'];
    };
  };
  listProjects: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description Every project. */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            items: components['schemas']['Project'][];
          };
        };
      };
      401: components['responses']['Unauthorized'];
      default: components['responses']['Problem'];
    };
  };
  createProject: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': components['schemas']['ProjectCreate'];
      };
    };
    responses: {
      /** @description The project, with its production environment and the environments staging.yaml fixes. */
      201: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Project'];
        };
      };
      400: components['responses']['BadRequest'];
      401: components['responses']['Unauthorized'];
      403: components['responses']['Forbidden'];
      /** @description A project with the name its staging.yaml gives already exists (`/body/config`). */
      409: components['responses']['Conflict'];
      /** @description `repository` is not an absolute path or a git URL, does not exist on the server or cannot be cloned; `config_path` leads out of the repository or names no file on its default branch; or staging.yaml does not validate (`diagnostics` lists the errors with line and column) or names an environment that cannot have a preview host name. */
      422: components['responses']['UnprocessableContent'];
      default: components['responses']['Problem'];
    };
  };
  getProject: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        project: components['parameters']['project'];
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description The project. */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Project'];
        };
      };
      400: components['responses']['BadRequest'];
      401: components['responses']['Unauthorized'];
      404: components['responses']['NotFound'];
      default: components['responses']['Problem'];
    };
  };
  deleteProject: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        project: components['parameters']['project'];
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description The project is gone. */
      204: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
      400: components['responses']['BadRequest'];
      401: components['responses']['Unauthorized'];
      403: components['responses']['Forbidden'];
      404: components['responses']['NotFound'];
      default: components['responses']['Problem'];
    };
  };
  updateProject: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        project: components['parameters']['project'];
      };
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': components['schemas']['ProjectUpdate'];
      };
    };
    responses: {
      /** @description The project, with its new staging.yaml. */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Project'];
        };
      };
      400: components['responses']['BadRequest'];
      401: components['responses']['Unauthorized'];
      403: components['responses']['Forbidden'];
      404: components['responses']['NotFound'];
      /** @description staging.yaml does not validate (`diagnostics` lists the errors with line and column), names another project, or names an environment that cannot have a preview host name. */
      422: components['responses']['UnprocessableContent'];
      default: components['responses']['Problem'];
    };
  };
  listEnvironments: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        project: components['parameters']['project'];
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description The project's environments, production first. */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            items: components['schemas']['Environment'][];
          };
        };
      };
      400: components['responses']['BadRequest'];
      401: components['responses']['Unauthorized'];
      404: components['responses']['NotFound'];
      default: components['responses']['Problem'];
    };
  };
  createEnvironment: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        project: components['parameters']['project'];
      };
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': components['schemas']['EnvironmentCreate'];
      };
    };
    responses: {
      /** @description The new environment (stopped until its first deployment). */
      201: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Environment'];
        };
      };
      400: components['responses']['BadRequest'];
      401: components['responses']['Unauthorized'];
      403: components['responses']['Forbidden'];
      404: components['responses']['NotFound'];
      /** @description The name is `production` or that of an existing environment (`/body/name`). */
      409: components['responses']['Conflict'];
      /** @description `<name>--<project>` cannot be a preview host name: a DNS label of at most 63 characters, with no `--` in the environment name (`/body/name`). */
      422: components['responses']['UnprocessableContent'];
      default: components['responses']['Problem'];
    };
  };
  getEnvironment: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        project: components['parameters']['project'];
        environment: components['parameters']['environment'];
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description The environment. */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Environment'];
        };
      };
      400: components['responses']['BadRequest'];
      401: components['responses']['Unauthorized'];
      /** @description No project or environment of that name. */
      404: components['responses']['NotFound'];
      default: components['responses']['Problem'];
    };
  };
  deleteEnvironment: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        project: components['parameters']['project'];
        environment: components['parameters']['environment'];
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description Removed. */
      204: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
      400: components['responses']['BadRequest'];
      401: components['responses']['Unauthorized'];
      403: components['responses']['Forbidden'];
      /** @description No project or environment of that name. */
      404: components['responses']['NotFound'];
      /** @description The environment is production, which cannot be deleted. */
      409: components['responses']['Conflict'];
      default: components['responses']['Problem'];
    };
  };
  updateEnvironment: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        project: components['parameters']['project'];
        environment: components['parameters']['environment'];
      };
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': components['schemas']['EnvironmentUpdate'];
      };
    };
    responses: {
      /** @description The updated environment. */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Environment'];
        };
      };
      400: components['responses']['BadRequest'];
      401: components['responses']['Unauthorized'];
      403: components['responses']['Forbidden'];
      /** @description No project or environment of that name. */
      404: components['responses']['NotFound'];
      /** @description `status: active` for an environment that was never deployed (`/body/status`), or whose live release is gone from the server. */
      409: components['responses']['Conflict'];
      /** @description Starting the live release again needs a secret that staging.yaml refers to and the project does not have. */
      422: components['responses']['UnprocessableContent'];
      default: components['responses']['Problem'];
    };
  };
  listDeployments: {
    parameters: {
      query?: {
        limit?: number;
        /** @description The `next_cursor` of the previous page. */
        cursor?: string;
      };
      header?: never;
      path: {
        project: components['parameters']['project'];
        environment: components['parameters']['environment'];
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description One page of deployments. */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['DeploymentPage'];
        };
      };
      400: components['responses']['BadRequest'];
      401: components['responses']['Unauthorized'];
      /** @description No project or environment of that name. */
      404: components['responses']['NotFound'];
      default: components['responses']['Problem'];
    };
  };
  createDeployment: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        project: components['parameters']['project'];
        environment: components['parameters']['environment'];
      };
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': components['schemas']['DeploymentCreate'];
      };
    };
    responses: {
      /** @description The queued deployment. */
      202: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Deployment'];
        };
      };
      400: components['responses']['BadRequest'];
      401: components['responses']['Unauthorized'];
      403: components['responses']['Forbidden'];
      /** @description No project or environment of that name. */
      404: components['responses']['NotFound'];
      /** @description `ref` is not a valid git ref name, or names no branch, tag or commit of the repository (`/body/ref`). */
      422: components['responses']['UnprocessableContent'];
      502: components['responses']['BadGateway'];
      default: components['responses']['Problem'];
    };
  };
  rollbackEnvironment: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        project: components['parameters']['project'];
        environment: components['parameters']['environment'];
      };
      cookie?: never;
    };
    requestBody?: {
      content: {
        'application/json': components['schemas']['RollbackRequest'];
      };
    };
    responses: {
      /** @description The deployment now live. */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Deployment'];
        };
      };
      400: components['responses']['BadRequest'];
      401: components['responses']['Unauthorized'];
      403: components['responses']['Forbidden'];
      /** @description No project or environment of that name, or `deployment_id` is not a deployment of this environment. */
      404: components['responses']['NotFound'];
      /** @description There is no earlier release to roll back to, the deployment is already live or has no kept release, or its release failed to start again. */
      409: components['responses']['Conflict'];
      /** @description Restarting the kept release needs a secret that staging.yaml refers to and the project does not have. */
      422: components['responses']['UnprocessableContent'];
      default: components['responses']['Problem'];
    };
  };
  getVariables: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        project: components['parameters']['project'];
        environment: components['parameters']['environment'];
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description The variables. */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['VariableList'];
        };
      };
      400: components['responses']['BadRequest'];
      401: components['responses']['Unauthorized'];
      /** @description No project or environment of that name. */
      404: components['responses']['NotFound'];
      default: components['responses']['Problem'];
    };
  };
  putVariables: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        project: components['parameters']['project'];
        environment: components['parameters']['environment'];
      };
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': components['schemas']['VariablesUpdate'];
      };
    };
    responses: {
      /** @description The variables as stored. */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['VariableList'];
        };
      };
      400: components['responses']['BadRequest'];
      401: components['responses']['Unauthorized'];
      403: components['responses']['Forbidden'];
      /** @description No project or environment of that name. */
      404: components['responses']['NotFound'];
      /** @description A variable is listed twice, or a secret is listed without a value and none is stored for it yet. */
      422: components['responses']['UnprocessableContent'];
      default: components['responses']['Problem'];
    };
  };
  listSecrets: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        project: components['parameters']['project'];
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description The secrets' names. */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['SecretList'];
        };
      };
      400: components['responses']['BadRequest'];
      401: components['responses']['Unauthorized'];
      404: components['responses']['NotFound'];
      default: components['responses']['Problem'];
    };
  };
  putSecret: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        project: components['parameters']['project'];
        secret: string;
      };
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': components['schemas']['SecretValue'];
      };
    };
    responses: {
      /** @description Stored, encrypted. */
      204: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
      400: components['responses']['BadRequest'];
      401: components['responses']['Unauthorized'];
      403: components['responses']['Forbidden'];
      404: components['responses']['NotFound'];
      default: components['responses']['Problem'];
    };
  };
  deleteSecret: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        project: components['parameters']['project'];
        secret: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description Removed. */
      204: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
      400: components['responses']['BadRequest'];
      401: components['responses']['Unauthorized'];
      403: components['responses']['Forbidden'];
      /** @description No project of that name, or it has no secret of that name. */
      404: components['responses']['NotFound'];
      default: components['responses']['Problem'];
    };
  };
  promoteDeployment: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        project: components['parameters']['project'];
      };
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': components['schemas']['PromoteRequest'];
      };
    };
    responses: {
      /** @description The production deployment. */
      202: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Deployment'];
        };
      };
      400: components['responses']['BadRequest'];
      401: components['responses']['Unauthorized'];
      403: components['responses']['Forbidden'];
      /** @description No project of that name, or `deployment_id` is not a deployment of it. */
      404: components['responses']['NotFound'];
      /** @description The deployment does not have the approvals staging.yaml's `approvals` requires (or changes were requested), never went live, is already a production deployment, or the project has no production environment, or (checks.blockPromotion) its latest check run did not pass; `detail` says which, naming what is missing; for missing approvals the problem also carries `approvals`, an ApprovalState, for checks `check_run_id`. */
      409: components['responses']['Conflict'];
      default: components['responses']['Problem'];
    };
  };
  listPreviewLinks: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        project: components['parameters']['project'];
        environment: components['parameters']['environment'];
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description The links, active, expired and revoked. */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['PreviewLinkList'];
        };
      };
      400: components['responses']['BadRequest'];
      401: components['responses']['Unauthorized'];
      /** @description No project or environment of that name. */
      404: components['responses']['NotFound'];
      default: components['responses']['Problem'];
    };
  };
  createPreviewLink: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        project: components['parameters']['project'];
        environment: components['parameters']['environment'];
      };
      cookie?: never;
    };
    requestBody?: {
      content: {
        'application/json': components['schemas']['PreviewLinkCreate'];
      };
    };
    responses: {
      /** @description The new link, with its token and URL (never shown again). */
      201: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['PreviewLinkCreated'];
        };
      };
      400: components['responses']['BadRequest'];
      401: components['responses']['Unauthorized'];
      403: components['responses']['Forbidden'];
      /** @description No project or environment of that name. */
      404: components['responses']['NotFound'];
      /** @description The environment is production, which has no preview links. */
      409: components['responses']['Conflict'];
      /** @description Both `expires_in` and `expires_at` are given, the expiry is not in the future or more than 90 days away, or staging.yaml's `previews.password: required` and no `password` is given. */
      422: components['responses']['UnprocessableContent'];
      default: components['responses']['Problem'];
    };
  };
  getPreviewBypass: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        project: components['parameters']['project'];
        environment: components['parameters']['environment'];
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description The secret and the header to send it in. */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['PreviewBypass'];
        };
      };
      400: components['responses']['BadRequest'];
      401: components['responses']['Unauthorized'];
      403: components['responses']['Forbidden'];
      /** @description No project or environment of that name. */
      404: components['responses']['NotFound'];
      /** @description The environment is production, which is never gated and has no bypass secret. */
      409: components['responses']['Conflict'];
      default: components['responses']['Problem'];
    };
  };
  rotatePreviewBypass: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        project: components['parameters']['project'];
        environment: components['parameters']['environment'];
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description The new secret. */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['PreviewBypass'];
        };
      };
      400: components['responses']['BadRequest'];
      401: components['responses']['Unauthorized'];
      403: components['responses']['Forbidden'];
      /** @description No project or environment of that name. */
      404: components['responses']['NotFound'];
      /** @description The environment is production, which is never gated and has no bypass secret. */
      409: components['responses']['Conflict'];
      default: components['responses']['Problem'];
    };
  };
  revokePreviewLink: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        preview: components['schemas']['PreviewLinkId'];
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description Revoked. */
      204: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
      400: components['responses']['BadRequest'];
      401: components['responses']['Unauthorized'];
      403: components['responses']['Forbidden'];
      404: components['responses']['NotFound'];
      default: components['responses']['Problem'];
    };
  };
  listComments: {
    parameters: {
      query?: {
        /** @description Which threads: `open` (not resolved), `resolved`, or `all` (default). */
        status?: 'open' | 'resolved' | 'all';
        /** @description Only the threads started while this deployment was live. */
        deployment?: components['schemas']['DeploymentId'];
        limit?: number;
      };
      header?: never;
      path: {
        project: components['parameters']['project'];
        environment: components['parameters']['environment'];
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description The threads, and the environment's counts (whatever the filter). */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['CommentList'];
        };
      };
      400: components['responses']['BadRequest'];
      401: components['responses']['Unauthorized'];
      /** @description No project or environment of that name. */
      404: components['responses']['NotFound'];
      default: components['responses']['Problem'];
    };
  };
  createComment: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        project: components['parameters']['project'];
        environment: components['parameters']['environment'];
      };
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': components['schemas']['CommentCreate'];
      };
    };
    responses: {
      /** @description The new comment. */
      201: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Comment'];
        };
      };
      400: components['responses']['BadRequest'];
      401: components['responses']['Unauthorized'];
      /** @description No project or environment of that name, or `parent_id` is not a comment of this environment. */
      404: components['responses']['NotFound'];
      /** @description The body is only white space, `page_url` is not a path on the preview host, a pin lacks `selector`, `x`, `y` or `page_url`, only one viewport dimension is given, a reply carries a position or screenshot, or a screenshot lacks `page_url` or the viewport. */
      422: components['responses']['UnprocessableContent'];
      default: components['responses']['Problem'];
    };
  };
  getComment: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        comment: components['parameters']['comment'];
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description The thread. */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['CommentThread'];
        };
      };
      400: components['responses']['BadRequest'];
      401: components['responses']['Unauthorized'];
      404: components['responses']['NotFound'];
      default: components['responses']['Problem'];
    };
  };
  resolveComment: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        comment: components['parameters']['comment'];
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description The thread. */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['CommentThread'];
        };
      };
      400: components['responses']['BadRequest'];
      401: components['responses']['Unauthorized'];
      403: components['responses']['Forbidden'];
      404: components['responses']['NotFound'];
      default: components['responses']['Problem'];
    };
  };
  reopenComment: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        comment: components['parameters']['comment'];
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description The thread. */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['CommentThread'];
        };
      };
      400: components['responses']['BadRequest'];
      401: components['responses']['Unauthorized'];
      403: components['responses']['Forbidden'];
      404: components['responses']['NotFound'];
      default: components['responses']['Problem'];
    };
  };
  getCommentScreenshot: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        comment: components['parameters']['comment'];
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description The screenshot. */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'image/png': string;
        };
      };
      400: components['responses']['BadRequest'];
      401: components['responses']['Unauthorized'];
      /** @description No comment of that id, or it has no screenshot ready: none was asked for, it is still being taken, taking it failed, or it is no longer on the server. */
      404: components['responses']['NotFound'];
      default: components['responses']['Problem'];
    };
  };
  listWebhookDeliveries: {
    parameters: {
      query?: {
        status?: components['schemas']['WebhookDeliveryStatus'];
        limit?: number;
        /** @description The `next_cursor` of the previous page. */
        cursor?: string;
      };
      header?: never;
      path: {
        project: components['parameters']['project'];
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description One page of deliveries. */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['WebhookDeliveryPage'];
        };
      };
      400: components['responses']['BadRequest'];
      401: components['responses']['Unauthorized'];
      404: components['responses']['NotFound'];
      default: components['responses']['Problem'];
    };
  };
  redeliverWebhook: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        delivery: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description The delivery, pending again. */
      202: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['WebhookDelivery'];
        };
      };
      400: components['responses']['BadRequest'];
      401: components['responses']['Unauthorized'];
      403: components['responses']['Forbidden'];
      404: components['responses']['NotFound'];
      /** @description The delivery is still pending: it will be attempted again by itself. */
      409: components['responses']['Conflict'];
      default: components['responses']['Problem'];
    };
  };
  getDeployment: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        deployment: components['parameters']['deployment'];
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description The deployment. */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Deployment'];
        };
      };
      400: components['responses']['BadRequest'];
      401: components['responses']['Unauthorized'];
      404: components['responses']['NotFound'];
      default: components['responses']['Problem'];
    };
  };
  cancelDeployment: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        deployment: components['parameters']['deployment'];
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description The deployment, being cancelled. */
      202: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Deployment'];
        };
      };
      400: components['responses']['BadRequest'];
      401: components['responses']['Unauthorized'];
      403: components['responses']['Forbidden'];
      404: components['responses']['NotFound'];
      /** @description The deployment has already ended (live, failed, cancelled, ...). */
      409: components['responses']['Conflict'];
      default: components['responses']['Problem'];
    };
  };
  listReviews: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        deployment: components['parameters']['deployment'];
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description Reviews, oldest first, with the approval state staging.yaml's `approvals` gives. */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ReviewList'];
        };
      };
      400: components['responses']['BadRequest'];
      401: components['responses']['Unauthorized'];
      404: components['responses']['NotFound'];
      default: components['responses']['Problem'];
    };
  };
  createReview: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        deployment: components['parameters']['deployment'];
      };
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': components['schemas']['ReviewCreate'];
      };
    };
    responses: {
      /** @description The review, and the approval state after it. */
      201: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ReviewList'];
        };
      };
      400: components['responses']['BadRequest'];
      401: components['responses']['Unauthorized'];
      /** @description When staging.yaml's `approvals.reviewers` lists names, the token's name is not among them; when it lists none, the token lacks the deploy scope; or the token deployed this deployment and tries to approve it. */
      403: components['responses']['Forbidden'];
      404: components['responses']['NotFound'];
      /** @description The deployment is a production deployment (review the staging deployment it was promoted from), or it never went live. */
      409: components['responses']['Conflict'];
      default: components['responses']['Problem'];
    };
  };
  getDeploymentLogs: {
    parameters: {
      query?: {
        lastEventId?: number;
      };
      header?: never;
      path: {
        deployment: components['parameters']['deployment'];
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description The log. */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'text/plain': string;
          'text/event-stream': string;
        };
      };
      400: components['responses']['BadRequest'];
      401: components['responses']['Unauthorized'];
      404: components['responses']['NotFound'];
      default: components['responses']['Problem'];
    };
  };
  getEnvironmentDatabase: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        project: components['parameters']['project'];
        environment: components['parameters']['environment'];
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description The environment's database. */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['EnvironmentDatabase'];
        };
      };
      400: components['responses']['BadRequest'];
      401: components['responses']['Unauthorized'];
      /** @description No project or environment of that name. */
      404: components['responses']['NotFound'];
      default: components['responses']['Problem'];
    };
  };
  listDatabaseSyncs: {
    parameters: {
      query?: {
        limit?: number;
      };
      header?: never;
      path: {
        project: components['parameters']['project'];
        environment: components['parameters']['environment'];
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description The newest syncs. */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['DatabaseSyncList'];
        };
      };
      400: components['responses']['BadRequest'];
      401: components['responses']['Unauthorized'];
      /** @description No project or environment of that name. */
      404: components['responses']['NotFound'];
      default: components['responses']['Problem'];
    };
  };
  startDatabaseSync: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        project: components['parameters']['project'];
        environment: components['parameters']['environment'];
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description The sync, queued. */
      202: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['DatabaseSync'];
        };
      };
      400: components['responses']['BadRequest'];
      401: components['responses']['Unauthorized'];
      403: components['responses']['Forbidden'];
      /** @description No project or environment of that name. */
      404: components['responses']['NotFound'];
      /** @description The environment has no database of its own, stagingd has no database server for it (`database.reason` says why), or a sync of it is already under way. */
      409: components['responses']['Conflict'];
      default: components['responses']['Problem'];
    };
  };
  getDatabaseSync: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        sync: components['parameters']['sync'];
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description The sync. */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['DatabaseSync'];
        };
      };
      400: components['responses']['BadRequest'];
      401: components['responses']['Unauthorized'];
      404: components['responses']['NotFound'];
      default: components['responses']['Problem'];
    };
  };
  cancelDatabaseSync: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        sync: components['parameters']['sync'];
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description The sync, being cancelled. */
      202: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['DatabaseSync'];
        };
      };
      400: components['responses']['BadRequest'];
      401: components['responses']['Unauthorized'];
      403: components['responses']['Forbidden'];
      404: components['responses']['NotFound'];
      /** @description The sync has already ended. */
      409: components['responses']['Conflict'];
      default: components['responses']['Problem'];
    };
  };
  getDatabaseSyncLogs: {
    parameters: {
      query?: {
        lastEventId?: number;
      };
      header?: never;
      path: {
        sync: components['parameters']['sync'];
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description The log. */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'text/plain': string;
          'text/event-stream': string;
        };
      };
      400: components['responses']['BadRequest'];
      401: components['responses']['Unauthorized'];
      404: components['responses']['NotFound'];
      default: components['responses']['Problem'];
    };
  };
  getEnvironmentAssets: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        project: components['parameters']['project'];
        environment: components['parameters']['environment'];
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description The environment's assets. */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['EnvironmentAssets'];
        };
      };
      400: components['responses']['BadRequest'];
      401: components['responses']['Unauthorized'];
      /** @description No project or environment of that name. */
      404: components['responses']['NotFound'];
      default: components['responses']['Problem'];
    };
  };
  listAssetSyncs: {
    parameters: {
      query?: {
        limit?: number;
      };
      header?: never;
      path: {
        project: components['parameters']['project'];
        environment: components['parameters']['environment'];
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description The newest syncs. */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['AssetSyncList'];
        };
      };
      400: components['responses']['BadRequest'];
      401: components['responses']['Unauthorized'];
      /** @description No project or environment of that name. */
      404: components['responses']['NotFound'];
      default: components['responses']['Problem'];
    };
  };
  startAssetSync: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        project: components['parameters']['project'];
        environment: components['parameters']['environment'];
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description The sync, queued. */
      202: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['AssetSync'];
        };
      };
      400: components['responses']['BadRequest'];
      401: components['responses']['Unauthorized'];
      403: components['responses']['Forbidden'];
      /** @description No project or environment of that name. */
      404: components['responses']['NotFound'];
      /** @description staging.yaml has no assets section, the environment is production, stagingd cannot sync assets with its runner (`reason`), or a sync of it is already under way. */
      409: components['responses']['Conflict'];
      default: components['responses']['Problem'];
    };
  };
  getAssetSync: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        sync: components['parameters']['sync'];
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description The sync. */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['AssetSync'];
        };
      };
      400: components['responses']['BadRequest'];
      401: components['responses']['Unauthorized'];
      404: components['responses']['NotFound'];
      default: components['responses']['Problem'];
    };
  };
  getAssetSyncLogs: {
    parameters: {
      query?: {
        lastEventId?: number;
      };
      header?: never;
      path: {
        sync: components['parameters']['sync'];
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description The log. */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'text/plain': string;
          'text/event-stream': string;
        };
      };
      400: components['responses']['BadRequest'];
      401: components['responses']['Unauthorized'];
      404: components['responses']['NotFound'];
      default: components['responses']['Problem'];
    };
  };
  getEnvironmentChecks: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        project: components['parameters']['project'];
        environment: components['parameters']['environment'];
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description The environment's checks. */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['EnvironmentChecks'];
        };
      };
      400: components['responses']['BadRequest'];
      401: components['responses']['Unauthorized'];
      /** @description No project or environment of that name. */
      404: components['responses']['NotFound'];
      default: components['responses']['Problem'];
    };
  };
  listCheckRuns: {
    parameters: {
      query?: {
        limit?: number;
      };
      header?: never;
      path: {
        project: components['parameters']['project'];
        environment: components['parameters']['environment'];
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description The newest runs. */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['CheckRunList'];
        };
      };
      400: components['responses']['BadRequest'];
      401: components['responses']['Unauthorized'];
      /** @description No project or environment of that name. */
      404: components['responses']['NotFound'];
      default: components['responses']['Problem'];
    };
  };
  startCheckRun: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        project: components['parameters']['project'];
        environment: components['parameters']['environment'];
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description The run, queued. */
      202: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['CheckRun'];
        };
      };
      400: components['responses']['BadRequest'];
      401: components['responses']['Unauthorized'];
      403: components['responses']['Forbidden'];
      /** @description No project or environment of that name. */
      404: components['responses']['NotFound'];
      /** @description staging.yaml has no checks section, the environment is production (the baseline), it has no live deployment, stagingd has no Chromium (`reason`), or a run of it is already under way. */
      409: components['responses']['Conflict'];
      default: components['responses']['Problem'];
    };
  };
  resetCheckBaseline: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        project: components['parameters']['project'];
        environment: components['parameters']['environment'];
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description The environment's checks. */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['EnvironmentChecks'];
        };
      };
      400: components['responses']['BadRequest'];
      401: components['responses']['Unauthorized'];
      403: components['responses']['Forbidden'];
      /** @description No project or environment of that name. */
      404: components['responses']['NotFound'];
      default: components['responses']['Problem'];
    };
  };
  getCheckRun: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        run: components['parameters']['run'];
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description The run. */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['CheckRun'];
        };
      };
      400: components['responses']['BadRequest'];
      401: components['responses']['Unauthorized'];
      404: components['responses']['NotFound'];
      default: components['responses']['Problem'];
    };
  };
  getCheckRunLogs: {
    parameters: {
      query?: {
        lastEventId?: number;
      };
      header?: never;
      path: {
        run: components['parameters']['run'];
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description The log. */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'text/plain': string;
          'text/event-stream': string;
        };
      };
      400: components['responses']['BadRequest'];
      401: components['responses']['Unauthorized'];
      404: components['responses']['NotFound'];
      default: components['responses']['Problem'];
    };
  };
  acceptCheckBaseline: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        run: components['parameters']['run'];
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description The environment's checks, with the accepted run. */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['EnvironmentChecks'];
        };
      };
      400: components['responses']['BadRequest'];
      401: components['responses']['Unauthorized'];
      403: components['responses']['Forbidden'];
      404: components['responses']['NotFound'];
      /** @description The run has not finished, or took no screenshot or score to compare with. */
      409: components['responses']['Conflict'];
      default: components['responses']['Problem'];
    };
  };
  getCheckImage: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        run: components['parameters']['run'];
        /** @description An image a result names (`images.staging`, `images.baseline`, `images.diff`). */
        image: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description The image. */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'image/png': string;
        };
      };
      400: components['responses']['BadRequest'];
      401: components['responses']['Unauthorized'];
      /** @description No such run or image (or it was removed by `retention.screenshots`). */
      404: components['responses']['NotFound'];
      default: components['responses']['Problem'];
    };
  };
  listMail: {
    parameters: {
      query?: {
        limit?: number;
        /** @description The `next_cursor` of the previous page. */
        cursor?: string;
      };
      header?: never;
      path: {
        project: components['parameters']['project'];
        environment: components['parameters']['environment'];
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description One page of the inbox. */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['MailInbox'];
        };
      };
      400: components['responses']['BadRequest'];
      401: components['responses']['Unauthorized'];
      /** @description No project or environment of that name. */
      404: components['responses']['NotFound'];
      default: components['responses']['Problem'];
    };
  };
  clearMail: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        project: components['parameters']['project'];
        environment: components['parameters']['environment'];
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description Every message is gone. */
      204: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
      400: components['responses']['BadRequest'];
      401: components['responses']['Unauthorized'];
      403: components['responses']['Forbidden'];
      /** @description No project or environment of that name. */
      404: components['responses']['NotFound'];
      default: components['responses']['Problem'];
    };
  };
  getMailMessage: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        message: components['parameters']['message'];
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description The message. */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['MailMessageDetail'];
        };
      };
      400: components['responses']['BadRequest'];
      401: components['responses']['Unauthorized'];
      404: components['responses']['NotFound'];
      default: components['responses']['Problem'];
    };
  };
  deleteMailMessage: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        message: components['parameters']['message'];
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description The message is gone. */
      204: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
      400: components['responses']['BadRequest'];
      401: components['responses']['Unauthorized'];
      403: components['responses']['Forbidden'];
      404: components['responses']['NotFound'];
      default: components['responses']['Problem'];
    };
  };
  getMailMessageSource: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        message: components['parameters']['message'];
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description The source. */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'message/rfc822': string;
        };
      };
      400: components['responses']['BadRequest'];
      401: components['responses']['Unauthorized'];
      404: components['responses']['NotFound'];
      default: components['responses']['Problem'];
    };
  };
  getMailAttachment: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        message: components['parameters']['message'];
        /** @description The attachment's `index` in the message. */
        index: number;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description The attachment. */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/octet-stream': string;
        };
      };
      400: components['responses']['BadRequest'];
      401: components['responses']['Unauthorized'];
      /** @description No message of that id, or it has no attachment at that index. */
      404: components['responses']['NotFound'];
      default: components['responses']['Problem'];
    };
  };
  getStorage: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description The usage. */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['StorageUsage'];
        };
      };
      401: components['responses']['Unauthorized'];
      default: components['responses']['Problem'];
    };
  };
  startStorageCleanup: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description The cleanup, running. */
      202: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['StorageCleanup'];
        };
      };
      401: components['responses']['Unauthorized'];
      403: components['responses']['Forbidden'];
      /** @description A cleanup is already under way. */
      409: components['responses']['Conflict'];
      default: components['responses']['Problem'];
    };
  };
  getStorageCleanup: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        cleanup: components['schemas']['DeploymentId'];
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description The cleanup. */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['StorageCleanup'];
        };
      };
      400: components['responses']['BadRequest'];
      401: components['responses']['Unauthorized'];
      404: components['responses']['NotFound'];
      default: components['responses']['Problem'];
    };
  };
  streamEvents: {
    parameters: {
      query?: {
        lastEventId?: number;
      };
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description The event stream. */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'text/event-stream': string;
        };
      };
      400: components['responses']['BadRequest'];
      401: components['responses']['Unauthorized'];
      406: components['responses']['NotAcceptable'];
      default: components['responses']['Problem'];
    };
  };
  receiveGitHook: {
    parameters: {
      query: {
        project: components['schemas']['ProjectName'];
      };
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': Record<string, never>;
      };
    };
    responses: {
      /** @description What the push did. */
      202: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['HookResult'];
        };
      };
      /** @description `project` is missing or not a project name, the body is not a JSON object, or a push payload has no `ref`. */
      400: components['responses']['BadRequest'];
      401: components['responses']['WebhookSignatureMismatch'];
      /** @description The ref a push names cannot be resolved in the repository, or the per-branch environment name made from the branch cannot be a preview host name (`/body/ref`). */
      422: components['responses']['UnprocessableContent'];
      502: components['responses']['BadGateway'];
      default: components['responses']['Problem'];
    };
  };
}
