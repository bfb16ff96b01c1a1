// SQLite schema, as ordered migrations. Applied once each, in a transaction, by `migrate`.
// Timestamps of records are canonical RFC 3339 text (`…T19:46:23.817658+00:00`): fixed width,
// so text order is time order and window scans are plain index range scans.

import type { Migration } from './migration';

export const SQLITE_MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'destinations, exports, runs, client and audit logs',
    sql: `
      CREATE TABLE destinations (
        id TEXT PRIMARY KEY,
        organization TEXT NOT NULL,
        aws_account_id TEXT NOT NULL,
        bucket TEXT NOT NULL,
        region TEXT NOT NULL,
        prefix TEXT NOT NULL,
        role_name TEXT NOT NULL,
        external_id TEXT NOT NULL UNIQUE,
        created_at TEXT NOT NULL
      );
      CREATE INDEX destinations_by_organization ON destinations (organization);

      CREATE TABLE exports (
        id TEXT PRIMARY KEY,
        destination_id TEXT NOT NULL REFERENCES destinations (id),
        organization TEXT NOT NULL,
        log_type TEXT NOT NULL CHECK (log_type IN ('client', 'audit')),
        format TEXT NOT NULL,
        folder TEXT NOT NULL,
        repositories TEXT,
        exclude TEXT NOT NULL,
        compression TEXT NOT NULL,
        cadence TEXT NOT NULL,
        enabled INTEGER NOT NULL,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        deleted_at TEXT,
        last_success_at TEXT,
        last_success_window TEXT,
        last_failure_at TEXT,
        last_error TEXT,
        consecutive_failures INTEGER NOT NULL DEFAULT 0
      );
      CREATE INDEX exports_by_organization ON exports (organization);

      CREATE TABLE runs (
        export_id TEXT NOT NULL REFERENCES exports (id),
        window_start TEXT NOT NULL,
        window_end TEXT NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('running', 'succeeded', 'failed')),
        records INTEGER NOT NULL DEFAULT 0,
        bytes INTEGER NOT NULL DEFAULT 0,
        objects TEXT NOT NULL DEFAULT '[]',
        manifest_key TEXT,
        error_type TEXT,
        error_message TEXT,
        workflow_id TEXT NOT NULL,
        workflow_run_id TEXT,
        started_at TEXT NOT NULL,
        finished_at TEXT,
        attempts INTEGER NOT NULL DEFAULT 1,
        PRIMARY KEY (export_id, window_start)
      );

      CREATE TABLE client_logs (
        namespace TEXT NOT NULL,
        repository TEXT NOT NULL,
        datetime TEXT NOT NULL,
        status INTEGER NOT NULL,
        method TEXT NOT NULL,
        uri TEXT NOT NULL,
        host TEXT NOT NULL,
        ip_address TEXT,
        bytes INTEGER NOT NULL,
        city TEXT,
        country TEXT,
        edge TEXT,
        eula TEXT,
        format TEXT,
        package TEXT,
        recorded TEXT NOT NULL,
        referer TEXT,
        request_id TEXT NOT NULL UNIQUE,
        token TEXT,
        user TEXT,
        user_agent TEXT,
        continent TEXT,
        eula_number INTEGER,
        package_name TEXT,
        package_version TEXT,
        protocol TEXT,
        time_taken REAL,
        token_name TEXT,
        user_name TEXT
      );
      -- Window scans: one organisation, a time range, in (recorded, request_id) order.
      CREATE INDEX client_logs_by_window ON client_logs (namespace, recorded, request_id);

      CREATE TABLE audit_logs (
        organization TEXT NOT NULL,
        actor TEXT NOT NULL,
        actor_ip_address TEXT,
        actor_kind TEXT NOT NULL,
        actor_location TEXT,
        actor_slug_perm TEXT,
        actor_url TEXT,
        context TEXT,
        event TEXT NOT NULL,
        event_at TEXT NOT NULL,
        object TEXT,
        object_kind TEXT,
        object_slug_perm TEXT,
        target TEXT,
        target_kind TEXT,
        target_slug_perm TEXT,
        uuid TEXT NOT NULL UNIQUE
      );
      CREATE INDEX audit_logs_by_window ON audit_logs (organization, event_at, uuid);
    `,
  },
  {
    version: 2,
    name: 'manifest checksums for the chain of manifests',
    sql: `ALTER TABLE runs ADD COLUMN manifest_sha256 TEXT;`,
  },
  {
    version: 3,
    name: 'ingest sequence, deliveries and manifest revisions',
    sql: `
      -- Every stored record gets the next value of the one database-wide ingest sequence, taken
      -- in the inserting transaction (see logs-repository.ts); rows stored before it have 0.
      CREATE TABLE ingest_sequence (id INTEGER PRIMARY KEY CHECK (id = 1), value INTEGER NOT NULL);
      INSERT INTO ingest_sequence (id, value) VALUES (1, 0);
      ALTER TABLE client_logs ADD COLUMN ingest_seq INTEGER NOT NULL DEFAULT 0;
      CREATE INDEX client_logs_by_ingest ON client_logs (namespace, ingest_seq);
      ALTER TABLE audit_logs ADD COLUMN ingest_seq INTEGER NOT NULL DEFAULT 0;
      CREATE INDEX audit_logs_by_ingest ON audit_logs (organization, ingest_seq);

      -- What a window's deliveries covered: the run keeps the latest state, deliveries each step.
      ALTER TABLE runs ADD COLUMN revision INTEGER NOT NULL DEFAULT 0;
      ALTER TABLE runs ADD COLUMN delivered_seq INTEGER;
      UPDATE runs SET revision = 1, delivered_seq = 0 WHERE status = 'succeeded';
      CREATE TABLE deliveries (
        export_id TEXT NOT NULL REFERENCES exports (id),
        window_start TEXT NOT NULL,
        revision INTEGER NOT NULL,
        after_seq INTEGER,
        up_to_seq INTEGER NOT NULL,
        records INTEGER NOT NULL,
        bytes INTEGER NOT NULL,
        objects TEXT NOT NULL,
        manifest_key TEXT NOT NULL,
        manifest_sha256 TEXT NOT NULL,
        workflow_id TEXT NOT NULL,
        delivered_at TEXT NOT NULL,
        PRIMARY KEY (export_id, window_start, revision)
      );
      INSERT INTO deliveries (export_id, window_start, revision, after_seq, up_to_seq, records, bytes, objects,
          manifest_key, manifest_sha256, workflow_id, delivered_at)
        SELECT export_id, window_start, 1, NULL, 0, records, bytes, objects, manifest_key,
          COALESCE(manifest_sha256, ''), workflow_id, COALESCE(finished_at, started_at)
        FROM runs WHERE status = 'succeeded' AND manifest_key IS NOT NULL;
    `,
  },
  {
    version: 4,
    name: 'access tokens for ops and customers',
    sql: `
      -- Only a SHA-256 digest of each token's secret is stored: the secret is shown once, at creation.
      CREATE TABLE access_tokens (
        id TEXT PRIMARY KEY,
        kind TEXT NOT NULL CHECK (kind IN ('ops', 'customer')),
        name TEXT NOT NULL,
        organization TEXT,
        secret_sha256 TEXT NOT NULL,
        created_by TEXT NOT NULL,
        created_at TEXT NOT NULL,
        expires_at TEXT,
        revoked_at TEXT,
        CHECK ((kind = 'customer') = (organization IS NOT NULL))
      );
    `,
  },
  {
    version: 5,
    name: 'IP handling per export, with its pseudonym key',
    sql: `
      -- keep | truncate | hash | drop; drop is the same setting as excluding the ip field group.
      ALTER TABLE exports ADD COLUMN ip_handling TEXT NOT NULL DEFAULT 'keep'
        CHECK (ip_handling IN ('keep', 'truncate', 'hash', 'drop'));
      UPDATE exports SET ip_handling = 'drop' WHERE exclude LIKE '%"ip"%';
      -- The HMAC key of ip_handling = hash, hex; made at creation, or on first use for older exports.
      -- Never returned by the API and never passed through workflow history.
      ALTER TABLE exports ADD COLUMN ip_hash_key TEXT;
    `,
  },
  {
    version: 6,
    name: 'failure notifications',
    sql: `
      -- The webhook of an export, and the secret its bodies are signed with (shown once, at setting).
      ALTER TABLE exports ADD COLUMN notify_url TEXT;
      ALTER TABLE exports ADD COLUMN notify_secret TEXT;
      -- One row per notification claimed (see notifications.ts): what it reports and how its
      -- delivery went. The newest rows of an export decide whether the next one is due.
      CREATE TABLE notifications (
        id TEXT PRIMARY KEY,
        export_id TEXT NOT NULL REFERENCES exports (id),
        kind TEXT NOT NULL CHECK (kind IN ('failure', 'recovery')),
        window_start TEXT NOT NULL,
        window_end TEXT NOT NULL,
        error_type TEXT,
        error_message TEXT,
        workflow_id TEXT NOT NULL,
        created_at TEXT NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('pending', 'delivered', 'failed', 'skipped')),
        attempts INTEGER NOT NULL DEFAULT 0,
        response_status INTEGER,
        last_error TEXT,
        finished_at TEXT
      );
      CREATE INDEX notifications_by_export ON notifications (export_id, created_at);
    `,
  },
  {
    version: 7,
    name: 'Parquet page codec per export',
    sql: `
      -- zstd | snappy: the codec inside Parquet files (their objects are not compressed again).
      ALTER TABLE exports ADD COLUMN parquet_compression TEXT NOT NULL DEFAULT 'zstd'
        CHECK (parquet_compression IN ('zstd', 'snappy'));
    `,
  },
  {
    version: 8,
    name: 'window indexes cover the ingest sequence',
    sql: `
      -- A delivery's window is counted and cut into parts with the ingest sequence in the
      -- condition (its slice, or the cut at planning time): with ingest_seq in the window index
      -- those scans read the index alone instead of every row (5,000,000 records: a count
      -- 1.17 s → 0.30 s, a part boundary 0.23 s → 0.06 s).
      DROP INDEX client_logs_by_window;
      CREATE INDEX client_logs_by_window ON client_logs (namespace, recorded, request_id, ingest_seq);
      DROP INDEX audit_logs_by_window;
      CREATE INDEX audit_logs_by_window ON audit_logs (organization, event_at, uuid, ingest_seq);
    `,
  },
];
