// The principal of the request being handled, set by the authentication hooks (API bearer token,
// web session) before any handler runs.
import type { FastifyRequest } from 'fastify';
import type { Principal } from './principal';

declare module 'fastify' {
  interface FastifyRequest {
    principal?: Principal;
  }
}

export function callerOf(request: FastifyRequest): Principal {
  if (!request.principal)
    throw new Error(`no principal on ${request.method} ${request.url}: route not behind authentication`);
  return request.principal;
}
