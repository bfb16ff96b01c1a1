// Every API response a test sees is checked against the committed OpenAPI document
// (docs/openapi.json): its status must be declared for that operation, and a JSON body must
// validate against the declared schema (Ajv, JSON Schema 2020-12 as OpenAPI 3.1 uses).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv2020, { type ValidateFunction } from 'ajv/dist/2020';
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';

interface Operation {
  responses: Record<string, { content?: Record<string, { schema: unknown }> }>;
}

const document = JSON.parse(readFileSync(join(__dirname, '..', '..', '..', 'docs', 'openapi.json'), 'utf8')) as {
  paths: Record<string, Record<string, Operation>>;
};
const ajv = new Ajv2020({ strict: false, validateFormats: false, allErrors: true });
const validators = new Map<string, ValidateFunction>();
const templates = Object.keys(document.paths).map((template) => ({
  template,
  pattern: new RegExp(`^${template.replace(/\{[^}]+\}/g, '[^/]+')}$`),
}));

/** Throws when the response is not what the document promises for this request. */
export function checkResponseAgainstDocument(method: string, url: string, response: LightMyRequestResponse): void {
  const path = url.split('?')[0] as string;
  const match = templates.find((t) => t.pattern.test(path));
  if (!match) return; // not an API route (pages, static files, /metrics)
  const operation = document.paths[match.template]?.[method.toLowerCase()];
  if (!operation) return; // no such method: Fastify's own 404
  const status = String(response.statusCode);
  const declared = operation.responses[status];
  if (!declared)
    throw new Error(`${method} ${match.template} answered ${status}, which docs/openapi.json does not declare`);
  const schema = declared.content?.['application/json']?.schema;
  if (!schema || !String(response.headers['content-type'] ?? '').startsWith('application/json')) return;
  const key = `${method} ${match.template} ${status}`;
  let validate = validators.get(key);
  if (!validate) {
    validate = ajv.compile(schema as object);
    validators.set(key, validate);
  }
  if (!validate(response.json())) {
    throw new Error(
      `${key}: the body does not match docs/openapi.json: ${ajv.errorsText(validate.errors)}\n${response.body.slice(0, 500)}`,
    );
  }
}

/** Wraps app.inject so that every response a test gets is checked. */
export function checkEveryResponse(app: FastifyInstance): void {
  const inject = app.inject.bind(app) as (options: InjectOptions) => Promise<LightMyRequestResponse>;
  (app as unknown as { inject: (options: InjectOptions) => Promise<LightMyRequestResponse> }).inject = async (
    options: InjectOptions,
  ) => {
    const response = await inject(options);
    checkResponseAgainstDocument(String(options.method ?? 'GET'), String(options.url ?? '/'), response);
    return response;
  };
}
