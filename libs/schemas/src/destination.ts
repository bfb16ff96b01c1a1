// A customer's S3 destination: their account, bucket, optional prefix and the role we assume.
import { z } from 'zod';
import { awsAccountIdSchema, awsRegionSchema, bucketNameSchema, keyPrefixSchema, roleNameSchema } from './aws-names';
import { destinationIdSchema, externalIdSchema } from './ids';
import { slug } from './primitives';

export const DEFAULT_REGION = 'us-east-1';

export const createDestinationInputSchema = z.strictObject({
  organization: slug,
  awsAccountId: awsAccountIdSchema,
  bucket: bucketNameSchema,
  region: awsRegionSchema.default(DEFAULT_REGION),
  prefix: keyPrefixSchema.default(''),
  roleName: roleNameSchema,
});
export type CreateDestinationInput = z.input<typeof createDestinationInputSchema>;

export const destinationSchema = z.object({
  id: destinationIdSchema,
  organization: slug,
  awsAccountId: awsAccountIdSchema,
  bucket: bucketNameSchema,
  region: awsRegionSchema,
  prefix: z.string(),
  roleName: roleNameSchema,
  externalId: externalIdSchema,
  createdAt: z.string(),
});
export type Destination = z.infer<typeof destinationSchema>;
