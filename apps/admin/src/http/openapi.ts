// The OpenAPI 3 document of the admin API: @fastify/swagger collects the routes as registered
// (route.ts gives each its zod schemas, tag, summary and security) and fastify-type-provider-zod
// turns the zod schemas into JSON Schema. Untagged routes (web pages, static files) stay out.
// The document is also committed as docs/openapi.json (`npm run docs`; a test fails when stale).
import fastifySwagger from '@fastify/swagger';
import type { FastifyInstance } from 'fastify';
import { jsonSchemaTransform } from 'fastify-type-provider-zod';

export async function registerOpenApi(app: FastifyInstance, info: { version: string }): Promise<void> {
  await app.register(fastifySwagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Log exporter admin API',
        version: info.version,
        description:
          'Onboarding (destinations, IAM hand-over, verify), exports and their runs, log ingest, manifest keys. ' +
          'Every error has the shape { error: { code, message, details[] } }; details name the field.',
      },
      components: { securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer' } } },
    },
    hideUntagged: true,
    transform: jsonSchemaTransform,
  });
}

/** The document of a ready server, as JSON text ending with a newline (what docs/openapi.json holds). */
export function openApiText(app: FastifyInstance): string {
  return JSON.stringify(app.swagger(), null, 2) + '\n';
}
