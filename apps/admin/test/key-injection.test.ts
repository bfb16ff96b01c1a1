// Prefixes and folders become S3 keys: anything that could climb out of the customer's prefix, hide
// in it, or look like something it is not is refused with 400 naming the field, and nothing is
// stored. Also: the manifest public keys route.
import fc from 'fast-check';
import type { MotoServer } from '@log-exporter/local-stack';
import { type AdminHarness, DESTINATION, TEST_MANIFEST_KEY, startAdmin, startMoto } from './harness';

let moto: MotoServer;
let admin: AdminHarness;

beforeAll(async () => {
  moto = await startMoto();
  admin = await startAdmin({ moto });
});

afterAll(async () => {
  await admin?.close();
  await moto?.stop();
});

const HOSTILE_PREFIXES = [
  '..',
  'logs/../other',
  'logs/./x',
  '../logs',
  'logs//x',
  '/logs',
  'logs\u0000x', // NUL
  'logs\nx',
  'logs\rx',
  'logs\tx',
  'logs\u007fx', // DEL
  'logs\u2215x', // division slash, looks like "/"
  'logs\uff0fx', // fullwidth solidus
  'logs\u2024\u2024', // one-dot leaders, look like ".."
  '\uff0e\uff0e/x', // fullwidth full stops
  'logs\u200bx', // zero-width space
  'logs\u202ex', // right-to-left override
  'Ⅼogs', // roman numeral fifty, looks like "L"
  'lоgs', // Cyrillic "о"
  'logs x',
  'logs%2F..',
  'logs\\..\\x',
  'a'.repeat(513),
];

describe('key injection', () => {
  it.each(HOSTILE_PREFIXES.map((p) => [JSON.stringify(p), p]))(
    'refuses the destination prefix %s naming the field, storing nothing',
    async (_label, prefix) => {
      const before = (await admin.api('GET', '/api/destinations')).json().length as number;
      const response = await admin.api('POST', '/api/destinations', {
        ...DESTINATION,
        organization: 'inject-co',
        prefix,
      });
      expect(response.statusCode).toBe(400);
      expect(response.json().error.details.map((d: { path: string }) => d.path)).toEqual(['body.prefix']);
      expect((await admin.api('GET', '/api/destinations')).json()).toHaveLength(before);
    },
  );

  it('refuses the same values as an export folder, storing nothing', async () => {
    const destination = (
      await admin.api('POST', '/api/destinations', { ...DESTINATION, organization: 'folder-co' })
    ).json();
    for (const folder of HOSTILE_PREFIXES) {
      const response = await admin.api('POST', '/api/exports', {
        destinationId: destination.id,
        logType: 'client',
        format: 'csv',
        folder,
      });
      expect(response.statusCode).toBe(400);
      expect(response.json().error.details.map((d: { path: string }) => d.path)).toEqual(['body.folder']);
    }
    expect(
      (await admin.api('GET', '/api/exports'))
        .json()
        .filter((e: { organization: string }) => e.organization === 'folder-co'),
    ).toEqual([]);
  });

  it('accepts only S3-safe ASCII in prefixes, for any string fast-check makes', async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ unit: 'binary', maxLength: 40 }), async (prefix) => {
        const response = await admin.api('POST', '/api/destinations', {
          ...DESTINATION,
          organization: 'prop-co',
          prefix,
        });
        expect(response.statusCode).not.toBe(500);
        if (response.statusCode === 201 || response.statusCode === 200) {
          const stored = response.json().prefix as string;
          expect(stored).toMatch(/^([A-Za-z0-9!_.*'()-]+(\/[A-Za-z0-9!_.*'()-]+)*)?$/);
          expect(stored.split('/')).not.toContain('..');
        } else {
          expect(response.statusCode).toBe(400);
        }
      }),
      { numRuns: 300 },
    );
  });
});

describe('GET /api/manifest-keys', () => {
  it('publishes the public keys that check manifest signatures, and nothing secret', async () => {
    const response = await admin.api('GET', '/api/manifest-keys');
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({
      keys: [
        {
          algorithm: 'Ed25519',
          keyId: TEST_MANIFEST_KEY.publicKey.keyId,
          publicKey: TEST_MANIFEST_KEY.publicKey.base64,
          pem: TEST_MANIFEST_KEY.publicKey.pem,
        },
      ],
    });
    expect(response.body).not.toContain('PRIVATE');
  });
});
