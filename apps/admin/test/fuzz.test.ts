// No route answers 500 to anything a caller can send: 500 fast-check-generated JSON bodies per
// route (and as many NDJSON bodies for ingest), each answered with a 2xx or a 4xx in our error
// shape. What was refused left nothing behind.
import fc from 'fast-check';
import type { MotoServer } from '@log-exporter/local-stack';
import { apiRoutes } from '../src';
import { type AdminHarness, AUTH, DESTINATION, startAdmin, startMoto } from './harness';

let moto: MotoServer;
let admin: AdminHarness;
let destinationId: string;
let exportId: string;

beforeAll(async () => {
  moto = await startMoto();
  admin = await startAdmin({ moto });
  destinationId = (await admin.api('POST', '/api/destinations', DESTINATION)).json().id;
  exportId = (
    await admin.api('POST', '/api/exports', { destinationId, logType: 'client', format: 'csv', folder: 'f' })
  ).json().id;
});

afterAll(async () => {
  await admin?.close();
  await moto?.stop();
});

const RUNS = 500;

/** JSON values, biased toward objects that look like our inputs (so validation goes deep). */
const jsonBody = fc.oneof(
  { weight: 2, arbitrary: fc.json({ maxDepth: 3 }) },
  {
    weight: 3,
    arbitrary: fc
      .record(
        {
          organization: fc.oneof(fc.string(), fc.constant('acme'), fc.integer()),
          awsAccountId: fc.oneof(fc.stringMatching(/^\d{10,13}$/), fc.integer()),
          bucket: fc.oneof(fc.string(), fc.constant('acme-logs')),
          prefix: fc.oneof(fc.string(), fc.constant('../x'), fc.constant('a//b')),
          roleName: fc.string(),
          region: fc.string(),
          destinationId: fc.oneof(fc.string(), fc.constant('dst_aaaaaaaaaaaaaaaa')),
          logType: fc.constantFrom('client', 'audit', 'x', 1),
          format: fc.constantFrom('csv', 'json', 'json-ts', 'apache', 'xml', null),
          folder: fc.string(),
          repositories: fc.oneof(fc.array(fc.string()), fc.constant(null), fc.string()),
          exclude: fc.array(fc.constantFrom('eula', 'geo', 'ip', 'namespace', 'repository', 'x')),
          compression: fc.constantFrom('gzip', 'none', 'zip'),
          cadence: fc.constantFrom('daily', 'hourly', 'weekly'),
          enabled: fc.oneof(fc.boolean(), fc.string()),
          window: fc.oneof(
            fc.string(),
            fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
          ),
          from: fc.string(),
          to: fc.string(),
          rerun: fc.anything(),
        },
        { requiredKeys: [] },
      )
      .map((o) => JSON.stringify(o)),
  },
);

function concreteUrl(path: string): string {
  return path.replace(':id', path.includes('destinations') ? destinationId : exportId);
}

describe('fuzzed requests', () => {
  const jsonRoutes = () => apiRoutes(admin.deps).filter((r) => r.bodyType !== 'application/x-ndjson');

  it('never answer 500 on any JSON route', async () => {
    const routes = jsonRoutes();
    expect(routes.length).toBeGreaterThanOrEqual(14);
    for (const route of routes) {
      await fc.assert(
        fc.asyncProperty(jsonBody, async (payload) => {
          const response = await admin.app.inject({
            method: route.method,
            url: concreteUrl(route.path),
            headers: { ...AUTH, 'content-type': 'application/json' },
            payload,
          });
          expect(response.statusCode).toBeLessThan(500);
          if (response.statusCode >= 400) {
            const body = response.json();
            expect(typeof body.error.code).toBe('string');
            expect(typeof body.error.message).toBe('string');
            expect(Array.isArray(body.error.details)).toBe(true);
          }
        }),
        { numRuns: RUNS },
      );
    }
  }, 600_000);

  it('never answer 500 on ingest, and store nothing from a refused request', async () => {
    const lines = fc
      .array(fc.oneof(fc.json({ maxDepth: 2 }), fc.string()), { minLength: 1, maxLength: 5 })
      .map((l) => l.join('\n'));
    for (const path of ['/api/logs/client', '/api/logs/audit']) {
      await fc.assert(
        fc.asyncProperty(lines, async (payload) => {
          const response = await admin.app.inject({
            method: 'POST',
            url: path,
            headers: { ...AUTH, 'content-type': 'application/x-ndjson' },
            payload,
          });
          expect(response.statusCode).toBeLessThan(500);
        }),
        { numRuns: RUNS },
      );
    }
    const scope = {
      organization: 'acme',
      repositories: null,
      window: { start: '1970-01-01T00:00:00Z', end: '9999-01-01T00:00:00Z' },
    };
    expect(await admin.store.logs.countInWindow({ logType: 'client', ...scope })).toBe(0);
  }, 600_000);
});
