export * from './signing-keys';
export * from './manifest-document';
export * from './verify-files';
