/**
 * Versioned schema migrations, applied in order at start. Never edit a released migration: add one.
 */
export const migrations: { version: number; name: string; statements: string[] }[] = [
  {
    version: 1,
    name: 'initial',
    statements: [
      `CREATE TABLE tokens (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        hash TEXT NOT NULL UNIQUE,
        scopes TEXT NOT NULL,
        created_at TEXT NOT NULL
      )`,
      `CREATE TABLE projects (
        name TEXT PRIMARY KEY,
        repository TEXT NOT NULL,
        config TEXT NOT NULL,
        webhook_secret TEXT NOT NULL,
        created_at TEXT NOT NULL
      )`,
      `CREATE TABLE environments (
        id TEXT PRIMARY KEY,
        project TEXT NOT NULL REFERENCES projects(name) ON DELETE CASCADE,
        name TEXT NOT NULL,
        kind TEXT NOT NULL,
        status TEXT NOT NULL,
        branch TEXT,
        auto_deploy INTEGER NOT NULL DEFAULT 1,
        live_deployment_id TEXT,
        resources TEXT NOT NULL DEFAULT '{}',
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        last_push_at TEXT,
        expires_at TEXT,
        UNIQUE (project, name)
      )`,
      `CREATE TABLE deployments (
        id TEXT PRIMARY KEY,
        environment_id TEXT NOT NULL REFERENCES environments(id) ON DELETE CASCADE,
        seq INTEGER NOT NULL,
        ref TEXT NOT NULL,
        commit_sha TEXT,
        status TEXT NOT NULL,
        deployed_by TEXT NOT NULL,
        reason TEXT,
        source_deployment_id TEXT,
        release_dir TEXT,
        port INTEGER,
        pid INTEGER,
        created_at TEXT NOT NULL,
        started_at TEXT,
        completed_at TEXT
      )`,
      `CREATE INDEX deployments_by_environment ON deployments (environment_id, seq DESC)`,
      `CREATE TABLE variables (
        environment_id TEXT NOT NULL REFERENCES environments(id) ON DELETE CASCADE,
        name TEXT NOT NULL,
        value TEXT NOT NULL,
        secret INTEGER NOT NULL,
        PRIMARY KEY (environment_id, name)
      )`,
      `CREATE TABLE secrets (
        project TEXT NOT NULL REFERENCES projects(name) ON DELETE CASCADE,
        name TEXT NOT NULL,
        value TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        PRIMARY KEY (project, name)
      )`,
      `CREATE TABLE events (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        type TEXT NOT NULL,
        data TEXT NOT NULL,
        created_at TEXT NOT NULL
      )`,
    ],
  },
  {
    version: 2,
    name: 'preview links',
    statements: [
      // token_hash: SHA-256 of the token (the token itself is never stored); password_hash: scrypt, see security/passwords.ts.
      `CREATE TABLE previews (
        id TEXT PRIMARY KEY,
        environment_id TEXT NOT NULL REFERENCES environments(id) ON DELETE CASCADE,
        token_hash TEXT NOT NULL UNIQUE,
        password_hash TEXT,
        label TEXT,
        expires_at TEXT NOT NULL,
        created_by TEXT NOT NULL,
        created_at TEXT NOT NULL,
        revoked_at TEXT,
        last_used_at TEXT
      )`,
      `CREATE INDEX previews_by_environment ON previews (environment_id, created_at DESC)`,
      // The automation bypass secret of an environment, sealed with the server's secret box.
      `CREATE TABLE preview_bypass (
        environment_id TEXT PRIMARY KEY REFERENCES environments(id) ON DELETE CASCADE,
        secret TEXT NOT NULL,
        rotated_at TEXT NOT NULL
      )`,
    ],
  },
  {
    version: 3,
    name: 'reviews',
    statements: [
      // One row per review given; a reviewer's latest review of a deployment is the one that counts.
      `CREATE TABLE reviews (
        id TEXT PRIMARY KEY,
        deployment_id TEXT NOT NULL REFERENCES deployments(id) ON DELETE CASCADE,
        reviewer TEXT NOT NULL,
        decision TEXT NOT NULL,
        comment TEXT,
        created_at TEXT NOT NULL
      )`,
      `CREATE INDEX reviews_by_deployment ON reviews (deployment_id, created_at)`,
    ],
  },
  {
    version: 4,
    name: 'webhook deliveries and issue keys',
    statements: [
      `ALTER TABLE deployments ADD COLUMN issue_keys TEXT NOT NULL DEFAULT '[]'`,
      // webhook_url is shown (credentials stripped); the URL requests go to is sealed like a secret.
      `CREATE TABLE webhook_deliveries (
        id TEXT PRIMARY KEY,
        project TEXT NOT NULL REFERENCES projects(name) ON DELETE CASCADE,
        seq INTEGER NOT NULL,
        webhook_url TEXT NOT NULL,
        target_sealed TEXT NOT NULL,
        secret_name TEXT,
        format TEXT NOT NULL,
        event TEXT NOT NULL,
        payload TEXT NOT NULL,
        status TEXT NOT NULL,
        attempts INTEGER NOT NULL DEFAULT 0,
        last_status_code INTEGER,
        last_error TEXT,
        next_attempt_at TEXT,
        created_at TEXT NOT NULL,
        delivered_at TEXT
      )`,
      `CREATE INDEX webhook_deliveries_by_project ON webhook_deliveries (project, seq DESC)`,
      `CREATE INDEX webhook_deliveries_due ON webhook_deliveries (status, next_attempt_at)`,
      // The last event the webhook notifier has turned into deliveries: it resumes after it at start.
      `CREATE TABLE webhook_event_cursor (
        name TEXT PRIMARY KEY,
        event_id INTEGER NOT NULL
      )`,
    ],
  },
  {
    version: 5,
    name: 'comments',
    statements: [
      // Feedback on a staging environment, threaded: a thread's first comment has no parent_id, its replies point at it.
      // deployment_id: the environment's live deployment when the comment was made. x and y: where in the element the
      // comment points, as fractions (0-1) of its border box. screenshot: null (none asked), pending, ready or failed;
      // a ready one is the file comments/<id>.png in the data directory.
      `CREATE TABLE comments (
        id TEXT PRIMARY KEY,
        environment_id TEXT NOT NULL REFERENCES environments(id) ON DELETE CASCADE,
        deployment_id TEXT,
        parent_id TEXT REFERENCES comments(id) ON DELETE CASCADE,
        author TEXT NOT NULL,
        author_kind TEXT NOT NULL,
        preview_link_id TEXT,
        body TEXT NOT NULL,
        page_url TEXT,
        selector TEXT,
        x REAL,
        y REAL,
        viewport_width INTEGER,
        viewport_height INTEGER,
        screenshot TEXT,
        resolved_at TEXT,
        resolved_by TEXT,
        resolved_by_kind TEXT,
        created_at TEXT NOT NULL
      )`,
      `CREATE INDEX comments_by_environment ON comments (environment_id, parent_id, created_at DESC)`,
      `CREATE INDEX comments_by_parent ON comments (parent_id, created_at)`,
      // A review given through a preview link's feedback widget names the link it came through.
      `ALTER TABLE reviews ADD COLUMN preview_link_id TEXT`,
    ],
  },
  {
    version: 6,
    name: 'changeable staging.yaml',
    statements: [
      // Where staging.yaml is in the repository: a push to the production branch that changes it updates `config`.
      `ALTER TABLE projects ADD COLUMN config_path TEXT NOT NULL DEFAULT 'staging.yaml'`,
      // The deployed commit's staging.yaml is not the registered one (which the deployment used).
      `ALTER TABLE deployments ADD COLUMN config_differs INTEGER NOT NULL DEFAULT 0`,
    ],
  },
  {
    version: 7,
    name: 'database syncs',
    statements: [
      // A copy of production's database into an environment's: one row per run, its log under the same id.
      `CREATE TABLE database_syncs (
        id TEXT PRIMARY KEY,
        environment_id TEXT NOT NULL REFERENCES environments(id) ON DELETE CASCADE,
        seq INTEGER NOT NULL,
        trigger TEXT NOT NULL,
        requested_by TEXT NOT NULL,
        status TEXT NOT NULL,
        reason TEXT,
        snapshot_at TEXT,
        tables TEXT NOT NULL DEFAULT '[]',
        notes TEXT NOT NULL DEFAULT '[]',
        unclassified TEXT NOT NULL DEFAULT '[]',
        work_database TEXT,
        created_at TEXT NOT NULL,
        started_at TEXT,
        completed_at TEXT
      )`,
      `CREATE INDEX database_syncs_by_environment ON database_syncs (environment_id, seq DESC)`,
    ],
  },
  {
    version: 8,
    name: 'mail capture',
    statements: [
      // A message a staging release sent to stagingd's SMTP server: the envelope and what the list shows; its source is
      // the file mail/<environment id>/<id>.eml in the data directory. disposition: captured, relayed or relay_failed.
      `CREATE TABLE mail_messages (
        id TEXT PRIMARY KEY,
        environment_id TEXT NOT NULL REFERENCES environments(id) ON DELETE CASCADE,
        seq INTEGER NOT NULL,
        envelope_from TEXT NOT NULL,
        envelope_to TEXT NOT NULL,
        header_from TEXT,
        subject TEXT,
        preview TEXT NOT NULL,
        size INTEGER NOT NULL,
        attachments INTEGER NOT NULL,
        disposition TEXT NOT NULL,
        relay_error TEXT,
        received_at TEXT NOT NULL
      )`,
      `CREATE INDEX mail_messages_by_environment ON mail_messages (environment_id, seq DESC)`,
      // Messages isolation.email: block dropped, counted per environment.
      `CREATE TABLE mail_blocked (
        environment_id TEXT PRIMARY KEY REFERENCES environments(id) ON DELETE CASCADE,
        count INTEGER NOT NULL
      )`,
    ],
  },
  {
    version: 9,
    name: 'asset syncs',
    statements: [
      // A copy of the files of staging.yaml's assets.source into an environment's asset folder: one row per run, its
      // log under the same id. files: how many the source has; copied/bytes: what this run wrote; deleted: by cleanup.
      `CREATE TABLE asset_syncs (
        id TEXT PRIMARY KEY,
        environment_id TEXT NOT NULL REFERENCES environments(id) ON DELETE CASCADE,
        seq INTEGER NOT NULL,
        trigger TEXT NOT NULL,
        requested_by TEXT NOT NULL,
        status TEXT NOT NULL,
        reason TEXT,
        files INTEGER NOT NULL DEFAULT 0,
        copied INTEGER NOT NULL DEFAULT 0,
        bytes INTEGER NOT NULL DEFAULT 0,
        deleted INTEGER NOT NULL DEFAULT 0,
        created_at TEXT NOT NULL,
        started_at TEXT,
        completed_at TEXT
      )`,
      `CREATE INDEX asset_syncs_by_environment ON asset_syncs (environment_id, seq DESC)`,
    ],
  },
  {
    version: 10,
    name: 'storage cleanups',
    statements: [
      // A run of the retention policy: what it removed (removed: JSON counts and bytes), or why it failed.
      `CREATE TABLE storage_cleanups (
        id TEXT PRIMARY KEY,
        seq INTEGER NOT NULL,
        trigger TEXT NOT NULL,
        requested_by TEXT NOT NULL,
        status TEXT NOT NULL,
        reason TEXT,
        removed TEXT NOT NULL DEFAULT '{}',
        created_at TEXT NOT NULL,
        completed_at TEXT
      )`,
    ],
  },
  {
    version: 11,
    name: 'check runs',
    statements: [
      // staging.yaml checks on one deployment of an environment: baseline, visual, performance and failures are JSON
      // (what the API shows); the images are files under checks/<id>/, the log under the same id.
      `CREATE TABLE check_runs (
        id TEXT PRIMARY KEY,
        environment_id TEXT NOT NULL REFERENCES environments(id) ON DELETE CASCADE,
        deployment_id TEXT NOT NULL,
        seq INTEGER NOT NULL,
        trigger TEXT NOT NULL,
        requested_by TEXT NOT NULL,
        status TEXT NOT NULL,
        reason TEXT,
        baseline TEXT,
        visual TEXT NOT NULL DEFAULT '[]',
        performance TEXT NOT NULL DEFAULT '[]',
        failures TEXT NOT NULL DEFAULT '[]',
        created_at TEXT NOT NULL,
        started_at TEXT,
        completed_at TEXT
      )`,
      `CREATE INDEX check_runs_by_environment ON check_runs (environment_id, seq DESC)`,
      // The run a person accepted as the environment's baseline (Accept as Baseline), until reset.
      `CREATE TABLE check_baselines (
        environment_id TEXT PRIMARY KEY REFERENCES environments(id) ON DELETE CASCADE,
        run_id TEXT NOT NULL,
        accepted_by TEXT NOT NULL,
        accepted_at TEXT NOT NULL
      )`,
    ],
  },
  {
    version: 12,
    name: 'creation order',
    // Comments, reviews and preview links made in the same millisecond keep the order they were made in: SQLite's
    // rowid did this, and PostgreSQL has none. Existing rows are numbered by time, then id.
    statements: ['comments', 'reviews', 'previews'].flatMap((table) => [
      `ALTER TABLE ${table} ADD COLUMN seq INTEGER NOT NULL DEFAULT 0`,
      `UPDATE ${table} SET seq = (SELECT COUNT(*) FROM ${table} t2 WHERE t2.created_at < ${table}.created_at OR (t2.created_at = ${table}.created_at AND t2.id <= ${table}.id))`,
    ]),
  },
  {
    version: 13,
    name: 'acme certificates',
    statements: [
      // stagingd's account with each ACME directory (account_key sealed), and the certificates it issued, by name (a
      // preview host or *.<base domain>; private_key sealed). Dates are ISO text, as elsewhere.
      `CREATE TABLE acme_accounts (
        directory_url TEXT PRIMARY KEY,
        account_key TEXT NOT NULL,
        account_url TEXT,
        created_at TEXT NOT NULL
      )`,
      `CREATE TABLE certificates (
        directory_url TEXT NOT NULL,
        name TEXT NOT NULL,
        chain TEXT NOT NULL,
        private_key TEXT NOT NULL,
        not_before TEXT NOT NULL,
        not_after TEXT NOT NULL,
        issued_at TEXT NOT NULL,
        PRIMARY KEY (directory_url, name)
      )`,
    ],
  },
  {
    version: 14,
    name: 'replicas',
    statements: [
      // stagingd processes sharing this store, each beating while it lives; a silent one's work is taken over.
      `CREATE TABLE replicas (
        id TEXT PRIMARY KEY,
        started_at TEXT NOT NULL,
        heartbeat_at TEXT NOT NULL
      )`,
      // The replica that runs a deployment (builds it, serves its release) or a sync, a check run or a cleanup;
      // null: the one stagingd before replicas.
      ...['deployments', 'database_syncs', 'asset_syncs', 'check_runs', 'storage_cleanups'].map((table) => `ALTER TABLE ${table} ADD COLUMN owner TEXT`),
      // Every log's lines where every replica reads them (PostgreSQL; SQLite's stagingd reads its files), and
      // whether each log is finished.
      `CREATE TABLE log_lines (
        log_id TEXT NOT NULL,
        id INTEGER NOT NULL,
        time TEXT NOT NULL,
        stream TEXT NOT NULL,
        text TEXT NOT NULL,
        PRIMARY KEY (log_id, id)
      )`,
      `CREATE TABLE log_ends (
        log_id TEXT PRIMARY KEY,
        finished INTEGER NOT NULL
      )`,
      // A schedule's firing, claimed by the one replica that acts on it.
      `CREATE TABLE schedule_firings (
        schedule TEXT NOT NULL,
        due_at TEXT NOT NULL,
        replica_id TEXT NOT NULL,
        PRIMARY KEY (schedule, due_at)
      )`,
    ],
  },
  {
    version: 15,
    name: 'acme with replicas',
    statements: [
      // The HTTP-01 challenges an order waits on, where every replica's port 80 finds them (a load balancer may send
      // the CA's request to any). The key authorization is public by design: the CA fetches it over plain HTTP.
      `CREATE TABLE acme_challenges (
        host TEXT NOT NULL,
        token TEXT NOT NULL,
        key_authorization TEXT NOT NULL,
        expires_at TEXT NOT NULL,
        PRIMARY KEY (host, token)
      )`,
      // The replica ordering a name's certificate, so that one order goes to the CA however many replicas sweep; a
      // claim older than an order can take is another's to take (its replica died mid-order).
      `CREATE TABLE acme_orders (
        name TEXT PRIMARY KEY,
        replica_id TEXT NOT NULL,
        claimed_at TEXT NOT NULL
      )`,
    ],
  },
];
