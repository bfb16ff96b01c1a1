// The local stack's own behaviour: tools installed once, ports validated, services started,
// healthy, and cleaned up.
import { ListBucketsCommand, S3Client } from '@aws-sdk/client-s3';
import {
  EMULATED_EXPORTER_ACCOUNT_ID,
  EMULATOR_DUMMY_CREDENTIALS,
  emulatorEnv,
  ensurePythonTools,
  freePort,
  isListening,
  portsFromEnv,
  startMotoServer,
} from '../src';

describe('python tools', () => {
  it('installs once and then finds them in place', () => {
    ensurePythonTools();
    expect(ensurePythonTools()).toBe(false);
  });
});

describe('ports from the environment', () => {
  it('reads TEMPORAL_PORT, TEMPORAL_UI_PORT and S3_EMULATOR_PORT, falling back to defaults', () => {
    expect(
      portsFromEnv({ TEMPORAL_PORT: '7300', S3_EMULATOR_PORT: '' }, { temporalUiPort: 8300, s3EmulatorPort: 5000 }),
    ).toEqual({
      temporalPort: 7300,
      temporalUiPort: 8300,
      s3EmulatorPort: 5000,
    });
    expect(portsFromEnv({}, {})).toEqual({});
  });

  it('names a bad port variable and its value', () => {
    expect(() => portsFromEnv({ TEMPORAL_UI_PORT: 'eighty' }, {})).toThrow('TEMPORAL_UI_PORT="eighty"');
    expect(() => portsFromEnv({ S3_EMULATOR_PORT: '70000' }, {})).toThrow('S3_EMULATOR_PORT="70000"');
  });
});

describe('moto', () => {
  it('starts healthy, serves S3, enforces IAM on demand and stops cleanly', async () => {
    ensurePythonTools();
    const port = await freePort();
    const moto = await startMotoServer({ port });
    const s3 = new S3Client({
      region: 'us-east-1',
      endpoint: moto.endpoint,
      forcePathStyle: true,
      credentials: EMULATOR_DUMMY_CREDENTIALS,
    });
    try {
      expect(await isListening(port)).toBe(true);
      await expect(s3.send(new ListBucketsCommand({}))).resolves.toMatchObject({ Buckets: [] });
      await moto.enforceIam();
      await expect(s3.send(new ListBucketsCommand({}))).rejects.toMatchObject({ name: 'InvalidAccessKeyId' });
      await moto.relaxIam();
      await expect(s3.send(new ListBucketsCommand({}))).resolves.toBeDefined();
    } finally {
      s3.destroy();
      await moto.stop();
    }
    expect(await isListening(port)).toBe(false);
  }, 60_000);
});

describe('emulatorEnv', () => {
  it('keeps an explicitly set EXPORTER_AWS_ACCOUNT_ID, and uses the emulator’s account otherwise', () => {
    expect(emulatorEnv('http://127.0.0.1:5000', { EXPORTER_AWS_ACCOUNT_ID: '884446598447' })).toMatchObject({
      EXPORTER_AWS_ACCOUNT_ID: '884446598447',
      AWS_ENDPOINT_URL: 'http://127.0.0.1:5000',
    });
    expect(emulatorEnv('http://127.0.0.1:5000', {}).EXPORTER_AWS_ACCOUNT_ID).toBe(EMULATED_EXPORTER_ACCOUNT_ID);
  });
});
