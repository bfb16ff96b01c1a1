// PostgreSQL schema: the same migrations (versions, names, tables, columns, indexes) as SQLite's,
// in PostgreSQL's types. Text that is ordered or compared as a key uses the "C" collation, so
// PostgreSQL orders byte-wise like SQLite: the same window streams in the same order on both.
import type { Migration } from './migration';

export const POSTGRES_MIGRATIONS: readonly Migration[] = [
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
        enabled BOOLEAN NOT NULL,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        deleted_at TEXT,
        last_success_at TEXT,
        last_success_window TEXT COLLATE "C",
        last_failure_at TEXT,
        last_error TEXT,
        consecutive_failures INTEGER NOT NULL DEFAULT 0
      );
      CREATE INDEX exports_by_organization ON exports (organization);

      CREATE TABLE runs (
        export_id TEXT NOT NULL REFERENCES exports (id),
        window_start TEXT COLLATE "C" NOT NULL,
        window_end TEXT NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('running', 'succeeded', 'failed')),
        records BIGINT NOT NULL DEFAULT 0,
        bytes BIGINT NOT NULL DEFAULT 0,
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
        namespace TEXT COLLATE "C" NOT NULL,
        repository TEXT COLLATE "C" NOT NULL,
        datetime TEXT NOT NULL,
        status INTEGER NOT NULL,
        method TEXT NOT NULL,
        uri TEXT NOT NULL,
        host TEXT NOT NULL,
        ip_address TEXT,
        bytes BIGINT NOT NULL,
        city TEXT,
        country TEXT,
        edge TEXT,
        eula TEXT,
        format TEXT,
        package TEXT,
        recorded TEXT COLLATE "C" NOT NULL,
        referer TEXT,
        request_id TEXT COLLATE "C" NOT NULL UNIQUE,
        token TEXT,
        "user" TEXT,
        user_agent TEXT,
        continent TEXT,
        eula_number BIGINT,
        package_name TEXT,
        package_version TEXT,
        protocol TEXT,
        time_taken DOUBLE PRECISION,
        token_name TEXT,
        user_name TEXT
      );
      CREATE INDEX client_logs_by_window ON client_logs (namespace, recorded, request_id);

      CREATE TABLE audit_logs (
        organization TEXT COLLATE "C" NOT NULL,
        actor TEXT NOT NULL,
        actor_ip_address TEXT,
        actor_kind TEXT NOT NULL,
        actor_location TEXT,
        actor_slug_perm TEXT,
        actor_url TEXT,
        context TEXT,
        event TEXT NOT NULL,
        event_at TEXT COLLATE "C" NOT NULL,
        object TEXT,
        object_kind TEXT,
        object_slug_perm TEXT,
        target TEXT,
        target_kind TEXT,
        target_slug_perm TEXT,
        uuid TEXT COLLATE "C" NOT NULL UNIQUE
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
      CREATE TABLE ingest_sequence (id INTEGER PRIMARY KEY CHECK (id = 1), value BIGINT NOT NULL);
      INSERT INTO ingest_sequence (id, value) VALUES (1, 0);

      -- The log tables become partitioned by day of their window time (see partitions.ts). A
      -- unique key of a partitioned table must contain the partition key: duplicates are the same
      -- (time, id) pair, which a re-sent record always has, and which is the window's order.
      ALTER TABLE client_logs RENAME TO client_logs_unpartitioned;
      ALTER INDEX client_logs_by_window RENAME TO client_logs_unpartitioned_by_window;
      CREATE TABLE client_logs (LIKE client_logs_unpartitioned INCLUDING DEFAULTS, ingest_seq BIGINT NOT NULL DEFAULT 0,
        UNIQUE (recorded, request_id)) PARTITION BY RANGE (recorded);
      CREATE INDEX client_logs_by_window ON client_logs (namespace, recorded, request_id);
      CREATE INDEX client_logs_by_ingest ON client_logs (namespace, ingest_seq);

      ALTER TABLE audit_logs RENAME TO audit_logs_unpartitioned;
      ALTER INDEX audit_logs_by_window RENAME TO audit_logs_unpartitioned_by_window;
      CREATE TABLE audit_logs (LIKE audit_logs_unpartitioned INCLUDING DEFAULTS, ingest_seq BIGINT NOT NULL DEFAULT 0,
        UNIQUE (event_at, uuid)) PARTITION BY RANGE (event_at);
      CREATE INDEX audit_logs_by_window ON audit_logs (organization, event_at, uuid);
      CREATE INDEX audit_logs_by_ingest ON audit_logs (organization, ingest_seq);

      DO $$
      DECLARE
        spec record;
        day text;
      BEGIN
        FOR spec IN SELECT * FROM (VALUES ('client_logs', 'recorded'), ('audit_logs', 'event_at')) AS t(tab, col) LOOP
          FOR day IN EXECUTE format('SELECT DISTINCT substr(%I, 1, 10) FROM %I', spec.col, spec.tab || '_unpartitioned') LOOP
            EXECUTE format('CREATE TABLE %I PARTITION OF %I FOR VALUES FROM (%L) TO (%L)',
              spec.tab || '_p' || replace(day, '-', ''), spec.tab, day, to_char(day::date + 1, 'YYYY-MM-DD'));
          END LOOP;
          EXECUTE format('INSERT INTO %I SELECT *, 0 FROM %I', spec.tab, spec.tab || '_unpartitioned');
          EXECUTE format('DROP TABLE %I', spec.tab || '_unpartitioned');
        END LOOP;
      END $$;

      -- What a window's deliveries covered: the run keeps the latest state, deliveries each step.
      ALTER TABLE runs ADD COLUMN revision INTEGER NOT NULL DEFAULT 0;
      ALTER TABLE runs ADD COLUMN delivered_seq BIGINT;
      UPDATE runs SET revision = 1, delivered_seq = 0 WHERE status = 'succeeded';
      CREATE TABLE deliveries (
        export_id TEXT NOT NULL REFERENCES exports (id),
        window_start TEXT COLLATE "C" NOT NULL,
        revision INTEGER NOT NULL,
        after_seq BIGINT,
        up_to_seq BIGINT NOT NULL,
        records BIGINT NOT NULL,
        bytes BIGINT NOT NULL,
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
        created_at TEXT COLLATE "C" NOT NULL,
        expires_at TEXT COLLATE "C",
        revoked_at TEXT COLLATE "C",
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
        created_at TEXT COLLATE "C" NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('pending', 'delivered', 'failed', 'skipped')),
        attempts INTEGER NOT NULL DEFAULT 0,
        response_status INTEGER,
        last_error TEXT,
        finished_at TEXT COLLATE "C"
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
      -- condition: with it included in the window index, those scans can be index-only.
      DROP INDEX client_logs_by_window;
      CREATE INDEX client_logs_by_window ON client_logs (namespace, recorded, request_id) INCLUDE (ingest_seq);
      DROP INDEX audit_logs_by_window;
      CREATE INDEX audit_logs_by_window ON audit_logs (organization, event_at, uuid) INCLUDE (ingest_seq);
    `,
  },
];
