// The OpenAPI 3 document of the admin API, generated from the same route declarations and zod
// schemas that validate requests.
import { z } from 'zod';
import type { RouteSpec } from './route';
import { errorBodySchema } from './http-error';

function jsonSchema(schema: z.ZodType, io: 'input' | 'output'): unknown {
  const { $schema: _ignored, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as Record<
    string,
    unknown
  >;
  return rest;
}

function openApiPath(path: string): string {
  return path.replace(/:([A-Za-z_]+)/g, '{$1}');
}

export function buildOpenApiDocument(routes: readonly RouteSpec[], info: { version: string }): unknown {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of routes) {
    const parameters: unknown[] = [];
    for (const name of [...route.path.matchAll(/:([A-Za-z_]+)/g)].map((m) => m[1])) {
      parameters.push({ name, in: 'path', required: true, schema: { type: 'string' } });
    }
    const responses: Record<string, unknown> = {};
    for (const [status, response] of Object.entries(route.responses)) {
      responses[status] = {
        description: response.description,
        ...(response.schema
          ? { content: { 'application/json': { schema: jsonSchema(response.schema, 'output') } } }
          : {}),
      };
    }
    if (route.auth)
      responses['401'] = {
        description: 'missing or wrong bearer token',
        content: { 'application/json': { schema: jsonSchema(errorBodySchema, 'output') } },
      };
    const operation: Record<string, unknown> = {
      summary: route.summary,
      tags: [route.tag],
      operationId: `${route.method.toLowerCase()}${openApiPath(route.path).replace(/[^A-Za-z0-9]+(.)?/g, (_, c: string | undefined) => (c ? c.toUpperCase() : ''))}`,
      ...(parameters.length ? { parameters } : {}),
      ...(route.auth ? { security: [{ bearerAuth: [] }] } : { security: [] }),
      responses,
    };
    if (route.body) {
      const type = route.bodyType ?? 'application/json';
      operation.requestBody = {
        required: true,
        content: {
          [type]:
            type === 'application/x-ndjson'
              ? {
                  schema: { type: 'string', description: 'one JSON object per line, each of this shape' },
                  'x-line-schema': jsonSchema(route.body, 'input'),
                }
              : { schema: jsonSchema(route.body, 'input') },
        },
      };
    }
    if (route.query) {
      const schema = jsonSchema(route.query, 'input') as { properties?: Record<string, unknown> };
      for (const [name, property] of Object.entries(schema.properties ?? {})) {
        parameters.push({ name, in: 'query', required: false, schema: property });
      }
      if (parameters.length) operation.parameters = parameters;
    }
    const path = openApiPath(route.path);
    paths[path] ??= {};
    paths[path][route.method.toLowerCase()] = operation;
  }
  return {
    openapi: '3.1.0',
    info: { title: 'Log exporter admin API', version: info.version },
    components: { securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer' } } },
    paths,
  };
}
