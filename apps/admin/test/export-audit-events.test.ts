// Creating, changing and deleting an export each leave exactly one audit record of the
// organisation, so the change reaches the organisation's own audit export. The actor is the name
// of the token used: no header can claim another name.
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
    const issued = await admin.api('POST', '/api/tokens', { kind: 'ops', name: 'ops@example.com' });
    expect(issued.statusCode).toBe(201);
    const asOps = { authorization: `Bearer ${issued.json().token}`, 'x-admin-actor': 'someone-else' };

    const created = (
      await admin.api(
        'POST',
        '/api/exports',
        { destinationId: destination.id, logType: 'client', format: 'csv', folder: 'client' },
        asOps,
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

    // The bootstrap ADMIN_TOKEN is "admin", whatever the header says.
    const changed = await admin.api(
      'PATCH',
      `/api/exports/${created.id}`,
      { format: 'json' },
      { 'x-admin-actor': 'someone-else' },
    );
    expect(changed.statusCode).toBe(200);
    events = await auditRecords('audited');
    expect(events.map((e) => e.event)).toEqual(['log_export.created', 'log_export.updated']);

    const customer = await admin.api('POST', '/api/tokens', {
      kind: 'customer',
      name: 'audited-ci',
      organization: 'audited',
    });
    const asCustomer = { authorization: `Bearer ${customer.json().token}`, 'x-admin-actor': 'someone-else' };
    expect((await admin.api('DELETE', `/api/exports/${created.id}`, undefined, asCustomer)).statusCode).toBe(204);
    events = await auditRecords('audited');
    expect(events.map((e) => [e.event, e.actor, e.actor_kind])).toEqual([
      ['log_export.created', 'ops@example.com', 'admin'],
      ['log_export.updated', 'admin', 'admin'],
      ['log_export.deleted', 'audited-ci', 'customer'],
    ]);
    expect(JSON.stringify(events)).not.toContain('someone-else');
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
