// What the admin app needs from the outside, wired by main.ts and by tests.
import type { Logger } from 'pino';
import type { CustomerCredentials } from '@log-exporter/aws';
import type { ManifestPublicKey } from '@log-exporter/manifests';
import type { Store } from '@log-exporter/store';
import type { TemporalGateway } from './temporal-gateway';

export interface AdminSettings {
  adminToken: string;
  exporterAccountId: string;
  /** Consecutive failed windows after which an export shows as failing. */
  failingAfter: number;
  /** Most windows one backfill request may start. */
  maxBackfillWindows: number;
  /** Largest NDJSON ingest body, in bytes. */
  ingestBodyLimit: number;
  /** Public keys of the manifest signatures, newest first (MANIFEST_PUBLIC_KEYS). */
  manifestPublicKeys: ManifestPublicKey[];
  /** EXPORT_LATE_HORIZON: windows this recent are corrected by the next scheduled run. */
  lateHorizonMs: number;
  /** EXPORT_SETTLE_DELAY: a window is due this long after it closes. */
  settleDelayMs: number;
  /** LOG_RETENTION: the log clean-up's schedule is kept by the admin app. */
  logRetentionMs: number;
  version: string;
  /** TRUST_PROXY: Fastify's trustProxy (X-Forwarded-* from a TLS-terminating proxy). */
  trustProxy?: boolean | number | string;
  /** Failed token attempts (API and login) allowed per client address per minute. */
  failedAuthPerMinute?: number;
  /** How long an address past that limit stays locked out, in ms. */
  failedAuthLockoutMs?: number;
  /** ADMIN_PUBLIC_URL: this app as people reach it (links in test notifications). */
  publicUrl?: string;
  /** ALLOW_LOOPBACK_WEBHOOKS: notify URLs on loopback allowed (local use and tests). */
  allowLoopbackWebhooks?: boolean;
  /** VERIFY_BUNDLE_PATH: the built verify.mjs served to logged-in users at /downloads/verify.mjs. */
  verifyBundlePath?: string;
}

export interface AdminDeps {
  store: Store;
  temporal: TemporalGateway;
  credentials: CustomerCredentials;
  awsEndpoint?: string;
  logger: Logger;
  settings: AdminSettings;
}
