// Creating, changing and deleting an export each leave exactly one audit record of the
// organisation, so the change reaches the organisation's own audit export.
import type { MotoServer } from '@log-exporter/local-stack';
import type { AuditLogRecord } from '@log-exporter/schemas';
import { type AdminHarness, DESTINATION, startAdmin, startMoto } from './harness';

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

async function auditRecords(organization: string): Promise<AuditLogRecord[]> {
  const records: AuditLogRecord[] = [];
  const now = Date.now();
  const scope = {
    logType: 'audit' as const,
    organization,
    repositories: null,
    window: { start: new Date(now - 3_600_000).toISOString(), end: new Date(now + 3_600_000).toISOString() },
  };
  for await (const page of admin.store.logs.auditLogPages(scope, { after: null, until: null })) records.push(...page);
  return records;
}

describe('audit events of export changes', () => {
  it('records one event each for create, change and delete, with actor, event, object and target', async () => {
    const destination = (
      await admin.api('POST', '/api/destinations', { ...DESTINATION, organization: 'audited' })
    ).json();
    expect(await auditRecords('audited')).toHaveLength(0);

    const created = (
      await admin.api(
        'POST',
        '/api/exports',
        { destinationId: destination.id, logType: 'client', format: 'csv', folder: 'client' },
        { 'x-admin-actor': 'ops@example.com' },
      )
    ).json();
    let events = await auditRecords('audited');
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      actor: 'ops@example.com',
      actor_kind: 'admin',
      context: 'admin-api',
      event: 'log_export.created',
      object_kind: 'log_export',
      object_slug_perm: created.id,
      target: `s3://${destination.bucket}/${destination.prefix}`,
      target_kind: 'log_destination',
      target_slug_perm: destination.id,
    });

    expect((await admin.api('PATCH', `/api/exports/${created.id}`, { format: 'json' })).statusCode).toBe(200);
    events = await auditRecords('audited');
    expect(events.map((e) => e.event)).toEqual(['log_export.created', 'log_export.updated']);

    expect((await admin.api('DELETE', `/api/exports/${created.id}`)).statusCode).toBe(204);
    events = await auditRecords('audited');
    expect(events.map((e) => e.event)).toEqual(['log_export.created', 'log_export.updated', 'log_export.deleted']);
    expect(events.every((e) => e.actor === 'ops@example.com' || e.actor === 'admin')).toBe(true);
  });

  it('records nothing for a refused change', async () => {
    const destination = (
      await admin.api('POST', '/api/destinations', { ...DESTINATION, organization: 'unchanged' })
    ).json();
    const created = (
      await admin.api('POST', '/api/exports', {
        destinationId: destination.id,
        logType: 'audit',
        format: 'csv',
        folder: 'a',
      })
    ).json();
    expect((await admin.api('PATCH', `/api/exports/${created.id}`, { format: 'apache' })).statusCode).toBe(400);
    expect(
      (
        await admin.api('POST', '/api/exports', {
          destinationId: destination.id,
          logType: 'audit',
          format: 'apache',
          folder: 'a',
        })
      ).statusCode,
    ).toBe(400);
    expect((await auditRecords('unchanged')).map((e) => e.event)).toEqual(['log_export.created']);
  });
});
