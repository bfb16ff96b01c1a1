// The admin app on real components: a SQLite file, the shared Temporal dev server (jest global
// setup), and a moto emulator of this test file's own. Requests go through Fastify's inject (the
// whole HTTP stack but the socket); the browser test listens on a real port.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AwsCredentialIdentity } from '@aws-sdk/types';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import pino from 'pino';
import { generateSigningKey, parseSigningKey } from '@log-exporter/manifests';

import { CustomerCredentials, type TrustPolicy } from '@log-exporter/aws';
import {
  EMULATED_EXPORTER_ACCOUNT_ID,
  EMULATOR_DUMMY_CREDENTIALS,
  type EmulatedCustomerAccount,
  type MotoServer,
  createCustomerAccount,
  freePort,
  startMotoServer,
  exporterTrustDecider,
  startTrustEnforcingSts,
} from '@log-exporter/local-stack';
import { type Store, openSqliteStore, openStore } from '@log-exporter/store';
import { type AdminDeps, buildAdminServer } from '../src';
import { checkEveryResponse } from './openapi-conformance';
import { createTemporalGateway } from '../src/temporal-gateway';

/** The signing key whose public half the test admin app publishes. */
export const TEST_MANIFEST_KEY = parseSigningKey(generateSigningKey());

/** The text of the harness's verify.mjs. */
export const VERIFY_BUNDLE_TEXT = '#!/usr/bin/env node\n// verify.mjs as the harness serves it\n';

export const TOKEN = 'test-admin-token-0123456789abcdef';
export const AUTH = { authorization: `Bearer ${TOKEN}` };

export interface AdminHarness {
  app: FastifyInstance;
  deps: AdminDeps;
  store: Store;
  taskQueue: string;
  /** The SQLite file of the store (undefined with a PostgreSQL URL). */
  databaseFile: string | undefined;
  /** JSON request with the admin token. */
  api(method: string, url: string, body?: unknown, headers?: Record<string, string>): Promise<LightMyRequestResponse>;
  close(): Promise<void>;
}

export async function startMoto(): Promise<MotoServer> {
  return startMotoServer({ port: await freePort() });
}

let counter = 0;

export async function startAdmin(options: {
  moto: MotoServer;
  ownCredentials?: AwsCredentialIdentity;
  ingestBodyLimit?: number;
  taskQueue?: string;
  /** A database of the test's own (a PostgreSQL URL); a fresh SQLite file by default. */
  databaseUrl?: string;
  settings?: Partial<AdminDeps['settings']>;
}): Promise<AdminHarness> {
  const dir = mkdtempSync(join(tmpdir(), 'admin-test-'));
  // What /downloads/verify.mjs serves: a small file of the test's own (the real one is built by
  // `npm run build`, which the tests do not need to run).
  const verifyBundlePath = join(dir, 'verify.mjs');
  writeFileSync(verifyBundlePath, VERIFY_BUNDLE_TEXT);
  const store = options.databaseUrl
    ? await openStore(options.databaseUrl)
    : await openSqliteStore({ path: join(dir, 'store.db') });
  const taskQueue = options.taskQueue ?? `admin-test-${process.pid}-${++counter}-${Date.now()}`;
  const temporal = createTemporalGateway({
    address: process.env.TEMPORAL_ADDRESS!,
    namespace: 'default',
    taskQueue,
    uiUrl: 'http://127.0.0.1:8233',
  });
  // STS with trust policies enforced: a stand-in in front of moto (moto assumes any role with any
  // External ID), so verify's check that a wrong External ID is refused means something here.
  const sts = await startTrustEnforcingSts(options.moto.endpoint, exporterTrustDecider(EMULATED_EXPORTER_ACCOUNT_ID));
  const credentials = new CustomerCredentials({
    region: 'us-east-1',
    endpoint: sts.endpoint,
    exporterAccountId: EMULATED_EXPORTER_ACCOUNT_ID,
    ownCredentials: options.ownCredentials ?? EMULATOR_DUMMY_CREDENTIALS,
  });
  const deps: AdminDeps = {
    store,
    temporal,
    credentials,
    awsEndpoint: options.moto.endpoint,
    logger: pino({ level: 'silent' }),
    settings: {
      adminToken: TOKEN,
      exporterAccountId: EMULATED_EXPORTER_ACCOUNT_ID,
      failingAfter: 3,
      maxBackfillWindows: 40,
      ingestBodyLimit: options.ingestBodyLimit ?? 1024 * 1024,
      manifestPublicKeys: [TEST_MANIFEST_KEY.publicKey],
      version: 'test',
      lateHorizonMs: 7 * 86_400_000,
      settleDelayMs: 0,
      logRetentionMs: 30 * 86_400_000,
      // The auth tests send wrong tokens to every route; operations.test.ts checks the limit.
      failedAuthPerMinute: 100_000,
      verifyBundlePath,
      // Test receivers of notifications listen on loopback.
      allowLoopbackWebhooks: true,
      ...options.settings,
    },
  };
  const app = await buildAdminServer(deps);
  checkEveryResponse(app);
  return {
    app,
    deps,
    store,
    taskQueue,
    databaseFile: options.databaseUrl ? undefined : join(dir, 'store.db'),
    api: (method, url, body, headers = {}) =>
      app.inject({
        method: method as 'GET',
        url,
        headers: { ...AUTH, ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
        ...(body === undefined ? {} : { payload: typeof body === 'string' ? body : JSON.stringify(body) }),
      }),
    close: async () => {
      await app.close();
      await temporal.close();
      credentials.destroy();
      await sts.stop();
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Stores log records through `POST /api/logs/:logType` as NDJSON (as the bootstrap ops token). */
export async function ingestLogs(admin: AdminHarness, logType: 'client' | 'audit', records: readonly unknown[]) {
  return admin.app.inject({
    method: 'POST',
    url: `/api/logs/${logType}`,
    headers: { ...AUTH, 'content-type': 'application/x-ndjson' },
    payload: records.map((record) => JSON.stringify(record)).join('\n'),
  });
}

/** A new access token through the API (as the bootstrap ops token): its bearer secret and ID. */
export async function issueAccessToken(
  admin: AdminHarness,
  request: { kind: 'ops' | 'customer'; name: string; organization?: string; expiresAt?: string },
): Promise<{ token: string; id: string }> {
  const response = await admin.api('POST', '/api/tokens', request);
  if (response.statusCode !== 201)
    throw new Error(`POST /api/tokens answered ${response.statusCode}: ${response.body}`);
  const body = response.json() as { token: string; id: string };
  return { token: body.token, id: body.id };
}

export const DESTINATION = {
  organization: 'acmecorp',
  awsAccountId: '995557609558',
  bucket: 'cloudsmith-acmecorp-logs',
  prefix: 'cloudsmith-logs',
  roleName: 'CloudsmithLogsWriter',
};

export interface OnboardedExport {
  destinationId: string;
  exportId: string;
  /** The customer's emulated account, its role made from the policies the API handed over. */
  account: EmulatedCustomerAccount;
}

/**
 * The customer's account made as the hand-over page says: their bucket, and the role with the two
 * documents of GET /api/destinations/:id/policies. `trustPolicy` changes what they paste (to
 * model their mistakes); `createBucket: false`, a bucket they have not made yet.
 */
export async function createRoleFromHandOver(
  admin: AdminHarness,
  moto: MotoServer,
  destination: { id: string; awsAccountId: string; bucket: string; roleName: string },
  options: { trustPolicy?: (given: TrustPolicy) => object; createBucket?: boolean } = {},
): Promise<EmulatedCustomerAccount> {
  const policies = (await admin.api('GET', `/api/destinations/${destination.id}/policies`)).json();
  return createCustomerAccount(moto.endpoint, {
    accountId: destination.awsAccountId,
    bucket: destination.bucket,
    roleName: destination.roleName,
    trustPolicy: options.trustPolicy ? options.trustPolicy(policies.trustPolicy) : policies.trustPolicy,
    permissionPolicy: policies.permissionPolicy,
    ...(options.createBucket === false ? { createBucket: false } : {}),
  });
}

/**
 * A customer onboarded through the API as ops would: the destination, the customer's account made
 * from the handed-over policies, and a client-log JSON export into `client-logs/`.
 */
export async function onboardClientExport(
  admin: AdminHarness,
  moto: MotoServer,
  customer: { organization: string; awsAccountId: string; bucket: string },
): Promise<OnboardedExport> {
  const roleName = 'CloudsmithLogsWriter';
  const destination = (await admin.api('POST', '/api/destinations', { ...customer, roleName })).json();
  const account = await createRoleFromHandOver(admin, moto, destination);
  const created = (
    await admin.api('POST', '/api/exports', {
      destinationId: destination.id,
      logType: 'client',
      format: 'json',
      folder: 'client-logs',
    })
  ).json();
  return { destinationId: destination.id, exportId: created.id, account };
}
