export * from './aws-endpoint';
export * from './policies';
export * from './external-id';
// The trust-policy evaluator lives in @log-exporter/schemas (pure, also used by the local STS stand-in).
export {
  evaluateTrustPolicy,
  trustPolicyWeaknesses,
  type AssumeRoleRequest,
  type TrustDecision,
} from '@log-exporter/schemas';
export * from './error-mapping';
export * from './customer-credentials';
export * from './customer-s3';
export * from './s3-writer';
export * from './verify-destination';
export * from './s3-bucket-reader';
