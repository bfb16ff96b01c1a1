// Realistic audit logs: changes to repositories, packages, tokens and members of an organisation.
import {
  type AuditLogIngestRecord,
  type ExportWindow,
  formatMicrosRfc3339,
  windowEndMicros,
  windowStartMicros,
} from '@log-exporter/schemas';
import { SeededRandom } from './random';

export interface AuditLogOptions {
  seed: number;
  organization: string;
  window: ExportWindow;
  count: number;
}

const EVENTS = [
  { event: 'package.uploaded', objectKind: 'package', targetKind: 'repository', weight: 40 },
  { event: 'package.deleted', objectKind: 'package', targetKind: 'repository', weight: 5 },
  { event: 'package.quarantined', objectKind: 'package', targetKind: 'repository', weight: 2 },
  { event: 'repository.created', objectKind: 'repository', targetKind: 'namespace', weight: 2 },
  { event: 'repository.privileges.updated', objectKind: 'repository', targetKind: 'team', weight: 4 },
  { event: 'entitlement_token.created', objectKind: 'entitlement_token', targetKind: 'repository', weight: 8 },
  { event: 'entitlement_token.revoked', objectKind: 'entitlement_token', targetKind: 'repository', weight: 3 },
  { event: 'member.invited', objectKind: 'user', targetKind: 'namespace', weight: 4 },
  { event: 'member.removed', objectKind: 'user', targetKind: 'namespace', weight: 2 },
  { event: 'api_key.refreshed', objectKind: 'user', targetKind: null, weight: 3 },
  { event: 'login.succeeded', objectKind: 'user', targetKind: null, weight: 20 },
  { event: 'login.failed', objectKind: 'user', targetKind: null, weight: 3 },
] as const;

const ACTORS = ['alice', 'bob', 'carol', 'dmitri', 'eve', 'fatima', 'gao', 'hana', 'release-bot', 'terraform'];
const LOCATIONS = ['London, GB', 'Berlin, DE', 'Austin, US', 'São Paulo, BR', 'Tokyo, JP', 'Zürich, CH'];
const OBJECTS = [
  'billing-agent',
  'acme-cli',
  'edge-proxy',
  'data-sdk',
  'prod-rpm',
  'npm-internal',
  'owners',
  'developers',
];

/** Audit records (with their organisation) in canonical form, lazily. */
export function* generateAuditLogs(options: AuditLogOptions): Generator<AuditLogIngestRecord> {
  const rng = new SeededRandom(options.seed);
  const start = windowStartMicros(options.window);
  const span = windowEndMicros(options.window) - start;
  const slugs = new Map(ACTORS.map((a) => [a, rng.string(12)]));
  for (let i = 0; i < options.count; i++) {
    const kind = rng.weighted(EVENTS.map((e) => [e, e.weight] as const));
    const actor = rng.pick(ACTORS);
    const isBot = actor.endsWith('-bot') || actor === 'terraform';
    const eventAt = start + Math.floor(((i + rng.next()) / options.count) * span);
    const object = rng.pick(OBJECTS);
    const target = kind.targetKind ? rng.pick(OBJECTS) : null;
    yield {
      organization: options.organization,
      actor,
      actor_ip_address: `${rng.int(1, 223)}.${rng.int(0, 255)}.${rng.int(0, 255)}.${rng.int(1, 254)}`,
      actor_kind: isBot ? 'service' : 'user',
      actor_location: rng.pick(LOCATIONS),
      actor_slug_perm: slugs.get(actor) ?? null,
      actor_url: `https://cloudsmith.io/~${actor}`,
      context: isBot ? 'api' : rng.pick(['web', 'api', 'cli']),
      event: kind.event,
      event_at: formatMicrosRfc3339(eventAt, 'micros'),
      object,
      object_kind: kind.objectKind,
      object_slug_perm: rng.string(12),
      target,
      target_kind: kind.targetKind,
      target_slug_perm: target ? rng.string(12) : null,
      uuid: rng.uuid(),
    };
  }
}
