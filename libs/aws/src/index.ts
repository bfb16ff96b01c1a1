export * from './aws-endpoint';
export * from './policies';
export * from './external-id';
export * from './trust-policy-evaluator';
export * from './error-mapping';
export * from './customer-credentials';
export * from './customer-s3';
export * from './s3-writer';
