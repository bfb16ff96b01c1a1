export { buildAdminServer, apiRoutes } from './admin-server';
export type { AdminDeps, AdminSettings } from './admin-deps';
export { createTemporalGateway, type TemporalGateway } from './temporal-gateway';
export { renderOpenApiDocument } from './openapi-document';
