// The whole local stack: a Temporal dev server and the S3/STS/IAM emulator, with the environment
// that points the worker and the admin app at them.
import { join } from 'node:path';
import { EMULATED_EXPORTER_ACCOUNT_ID, EMULATOR_DUMMY_CREDENTIALS } from './emulated-customer-account';
import { type MotoServer, startMotoServer } from './moto-server';
import { DATA_DIR } from './paths';
import { freePort, isListening } from './ports';
import { ensurePythonTools } from './python-tools';
import { type TemporalDevServer, startTemporalDevServer } from './temporal-dev-server';
import { exporterTrustDecider, startTrustEnforcingSts } from './trust-enforcing-sts';

export interface LocalStackOptions {
  /** Fixed ports; a free one each when omitted. */
  temporalPort?: number;
  temporalUiPort?: number;
  s3EmulatorPort?: number;
  /** Without the Temporal Web UI (tests). */
  headless?: boolean;
  /** Temporal's SQLite state file; in memory when omitted. */
  temporalDbFile?: string;
  /** Start moto too (default true). */
  withS3Emulator?: boolean;
}

export interface LocalStack {
  temporal: TemporalDevServer;
  moto: MotoServer | undefined;
  /** Environment for the apps: Temporal address, AWS endpoint and our account. */
  env: Record<string, string>;
  stop(): Promise<void>;
}

/**
 * Environment variables that point AWS SDK clients at the emulator. Our account (the principal of
 * the trust policies handed out) is the emulator's unless EXPORTER_AWS_ACCOUNT_ID is set: an
 * explicit value is kept (the local STS stand-in checks trust policies against the same account).
 */
export function emulatorEnv(endpoint: string, env: NodeJS.ProcessEnv = process.env): Record<string, string> {
  return {
    AWS_ENDPOINT_URL: endpoint,
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: EMULATOR_DUMMY_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: EMULATOR_DUMMY_CREDENTIALS.secretAccessKey,
    EXPORTER_AWS_ACCOUNT_ID: env.EXPORTER_AWS_ACCOUNT_ID || EMULATED_EXPORTER_ACCOUNT_ID,
  };
}

/** The line dev and demo print about the account the trust policies name. */
export function trustPrincipalLine(env: NodeJS.ProcessEnv): string {
  const account = env.EXPORTER_AWS_ACCOUNT_ID ?? EMULATED_EXPORTER_ACCOUNT_ID;
  const source = process.env.EXPORTER_AWS_ACCOUNT_ID ? 'EXPORTER_AWS_ACCOUNT_ID' : 'the emulator’s account';
  return `Trust policies name:  arn:aws:iam::${account}:root (${source})`;
}

async function portOrFree(port: number | undefined, name: string): Promise<number> {
  if (port === undefined) return freePort();
  if (await isListening(port)) {
    throw new Error(`port ${port} for ${name} is already in use: stop what uses it, or choose another port`);
  }
  return port;
}

export async function startLocalStack(options: LocalStackOptions = {}): Promise<LocalStack> {
  ensurePythonTools();
  const temporalPort = await portOrFree(options.temporalPort, 'Temporal (TEMPORAL_PORT)');
  const uiPort = options.headless
    ? undefined
    : await portOrFree(options.temporalUiPort, 'the Temporal UI (TEMPORAL_UI_PORT)');
  const withMoto = options.withS3Emulator ?? true;
  const motoPort = withMoto
    ? await portOrFree(options.s3EmulatorPort, 'the S3 emulator (S3_EMULATOR_PORT)')
    : undefined;

  const [temporalResult, motoResult] = await Promise.allSettled([
    startTemporalDevServer({
      port: temporalPort,
      ...(uiPort !== undefined ? { uiPort } : {}),
      ...(options.temporalDbFile ? { dbFile: options.temporalDbFile } : {}),
      logFile: join(DATA_DIR, 'logs', `temporal-${temporalPort}.log`),
    }),
    motoPort !== undefined ? startMotoServer({ port: motoPort }) : Promise.resolve(undefined),
  ]);
  if (temporalResult.status === 'rejected' || motoResult.status === 'rejected') {
    if (temporalResult.status === 'fulfilled') await temporalResult.value.stop();
    if (motoResult.status === 'fulfilled') await motoResult.value?.stop();
    throw temporalResult.status === 'rejected' ? temporalResult.reason : (motoResult as PromiseRejectedResult).reason;
  }
  const temporal = temporalResult.value;
  const moto = motoResult.value;
  const awsEnv = moto ? emulatorEnv(moto.endpoint) : {};
  // STS through the stand-in that enforces trust policies (moto does not): verify's check that a
  // wrong External ID is refused then means something locally too.
  const sts =
    moto && awsEnv.EXPORTER_AWS_ACCOUNT_ID
      ? await startTrustEnforcingSts(moto.endpoint, exporterTrustDecider(awsEnv.EXPORTER_AWS_ACCOUNT_ID))
      : undefined;
  const env: Record<string, string> = {
    TEMPORAL_ADDRESS: temporal.address,
    TEMPORAL_NAMESPACE: 'default',
    ...(temporal.uiUrl ? { TEMPORAL_UI_URL: temporal.uiUrl } : {}),
    ...awsEnv,
    ...(sts ? { AWS_ENDPOINT_URL_STS: sts.endpoint } : {}),
  };
  return {
    temporal,
    moto,
    env,
    stop: async () => {
      await Promise.all([temporal.stop(), moto?.stop(), sts?.stop()]);
    },
  };
}

/** Reads TEMPORAL_PORT, TEMPORAL_UI_PORT and S3_EMULATOR_PORT (README, Commands); defaults otherwise. */
export function portsFromEnv(
  env: NodeJS.ProcessEnv,
  defaults: { temporalPort?: number; temporalUiPort?: number; s3EmulatorPort?: number },
): Pick<LocalStackOptions, 'temporalPort' | 'temporalUiPort' | 's3EmulatorPort'> {
  const read = (name: string, fallback: number | undefined) => {
    const raw = env[name];
    if (raw === undefined || raw === '') return fallback;
    const port = Number(raw);
    if (!Number.isInteger(port) || port < 1 || port > 65535) {
      throw new Error(`${name}=${JSON.stringify(raw)}: expected a port number between 1 and 65535`);
    }
    return port;
  };
  const result: Pick<LocalStackOptions, 'temporalPort' | 'temporalUiPort' | 's3EmulatorPort'> = {};
  const temporalPort = read('TEMPORAL_PORT', defaults.temporalPort);
  const temporalUiPort = read('TEMPORAL_UI_PORT', defaults.temporalUiPort);
  const s3EmulatorPort = read('S3_EMULATOR_PORT', defaults.s3EmulatorPort);
  if (temporalPort !== undefined) result.temporalPort = temporalPort;
  if (temporalUiPort !== undefined) result.temporalUiPort = temporalUiPort;
  if (s3EmulatorPort !== undefined) result.s3EmulatorPort = s3EmulatorPort;
  return result;
}
