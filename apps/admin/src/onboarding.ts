// Onboarding a customer's destination: create it (or reuse the organisation's identical one, the
// seed's "Existing Setup"), hand over the External ID and the two policies, verify the setup.
import {
  customerRoleFor,
  generateExternalId,
  permissionPolicy,
  trustPolicy,
  verifyDestination,
} from '@log-exporter/aws';
import type { z } from 'zod';
import {
  type CreateDestinationInput,
  type Destination,
  type createDestinationInputSchema,
  roleArnFor,
} from '@log-exporter/schemas';
import type { AdminDeps } from './admin-deps';

export type NewDestinationInput = z.output<typeof createDestinationInputSchema>;

export interface CreatedDestination {
  destination: Destination;
  /** False when the organisation already had this exact destination and it was reused. */
  created: boolean;
}

export async function createOrReuseDestination(
  deps: AdminDeps,
  input: NewDestinationInput,
): Promise<CreatedDestination> {
  const existing = (await deps.store.destinations.list(input.organization)).find(
    (d) =>
      d.awsAccountId === input.awsAccountId &&
      d.bucket === input.bucket &&
      d.region === input.region &&
      d.prefix === input.prefix &&
      d.roleName === input.roleName,
  );
  if (existing) return { destination: existing, created: false };
  const destination = await deps.store.destinations.create({ ...input, externalId: generateExternalId() });
  deps.logger.info(
    { destinationId: destination.id, organization: destination.organization, bucket: destination.bucket },
    'destination created',
  );
  return { destination, created: true };
}

export function policiesFor(deps: AdminDeps, destination: Destination) {
  return {
    externalId: destination.externalId,
    roleArn: roleArnFor(destination.awsAccountId, destination.roleName),
    permissionPolicy: permissionPolicy(destination),
    trustPolicy: trustPolicy({
      exporterAccountId: deps.settings.exporterAccountId,
      externalId: destination.externalId,
    }),
  };
}

export async function verify(deps: AdminDeps, destination: Destination) {
  const result = await verifyDestination(
    {
      bucket: destination.bucket,
      region: destination.region,
      prefix: destination.prefix,
      role: customerRoleFor(destination, `log-exporter-verify-${destination.id}`),
    },
    { credentials: deps.credentials, endpoint: { endpoint: deps.awsEndpoint } },
  );
  deps.logger.info({ destinationId: destination.id, ok: result.ok }, 'destination verified');
  return result;
}

export type { CreateDestinationInput };
