import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import { createDestinationInputSchema, slug } from '@log-exporter/schemas';
import { callerOf } from '../access/caller';
import { canSee, listingOrganization, requireOwnOrganization } from '../access/principal';
import type { AdminDeps } from '../admin-deps';
import { errorBodySchema, notFound } from '../http/http-error';
import { defineRoute } from '../http/route';
import { cloudFormationTemplate, infrastructureFileName, terraformSnippet } from '../infrastructure-code';
import { createOrReuseDestination, policiesFor, verify } from '../onboarding';
import { destinationParams } from './id-params';
import {
  destinationResponse,
  destinationResponseSchema,
  policiesResponseSchema,
  verificationResponseSchema,
} from './representations';

const errors = {
  400: { description: 'a field is invalid; details name it', schema: errorBodySchema },
  403: { description: 'a customer token naming another organisation; details name the field', schema: errorBodySchema },
  404: { description: 'unknown destination', schema: errorBodySchema },
};

export function destinationRoutes(deps: AdminDeps) {
  /** The destination, if the caller may see it: another organisation's answers 404 like an unknown one. */
  async function load(request: FastifyRequest, id: string) {
    const destination = await deps.store.destinations.get(id);
    if (!destination || !canSee(callerOf(request), destination.organization)) throw notFound('destination', id);
    return destination;
  }

  return [
    defineRoute({
      method: 'POST',
      path: '/api/destinations',
      summary: "Create a customer's destination (or return the organisation's identical one)",
      tag: 'destinations',
      access: 'organization',
      body: createDestinationInputSchema,
      responses: {
        201: { description: 'created, with a new External ID', schema: destinationResponseSchema },
        200: {
          description: 'the organisation already has this destination: reused',
          schema: destinationResponseSchema,
        },
        400: errors[400],
        403: errors[403],
      },
      handler: async ({ body, request }) => {
        requireOwnOrganization(callerOf(request), body.organization, 'body.organization');
        const { destination, created } = await createOrReuseDestination(deps, body);
        return { status: created ? 201 : 200, body: destinationResponse(destination) };
      },
    }),
    defineRoute({
      method: 'GET',
      path: '/api/destinations',
      summary: 'List destinations',
      tag: 'destinations',
      access: 'organization',
      query: z.strictObject({ organization: slug.optional() }),
      responses: { 200: { description: 'destinations', schema: z.array(destinationResponseSchema) }, 400: errors[400] },
      handler: async ({ query, request }) => {
        const organization = listingOrganization(callerOf(request), query.organization);
        if (organization === null) return { status: 200, body: [] };
        return { status: 200, body: (await deps.store.destinations.list(organization)).map(destinationResponse) };
      },
    }),
    defineRoute({
      method: 'GET',
      path: '/api/destinations/:id',
      summary: 'Read a destination',
      tag: 'destinations',
      access: 'organization',
      params: destinationParams,
      responses: { 200: { description: 'the destination', schema: destinationResponseSchema }, 404: errors[404] },
      handler: async ({ params, request }) => ({
        status: 200,
        body: destinationResponse(await load(request, params.id)),
      }),
    }),
    defineRoute({
      method: 'GET',
      path: '/api/destinations/:id/policies',
      summary: 'The External ID, role ARN and the two IAM policies to hand to the customer',
      tag: 'destinations',
      access: 'organization',
      params: destinationParams,
      responses: { 200: { description: 'the hand-over', schema: policiesResponseSchema }, 404: errors[404] },
      handler: async ({ params, request }) => ({
        status: 200,
        body: policiesFor(deps, await load(request, params.id)),
      }),
    }),
    ...(['cloudformation', 'terraform'] as const).map((kind) =>
      defineRoute({
        method: 'GET',
        path: `/api/destinations/:id/${kind}`,
        summary:
          kind === 'cloudformation'
            ? 'A CloudFormation template (YAML) creating the role with the trust and permission policies'
            : 'A Terraform snippet (aws_iam_role + aws_iam_role_policy) creating the role with the same policies',
        tag: 'destinations',
        access: 'organization',
        params: destinationParams,
        produces: kind === 'cloudformation' ? 'application/yaml' : 'text/plain',
        responses: {
          200: { description: 'the template, equal to the JSON policies field by field', schema: z.string() },
          404: errors[404],
        },
        handler: async ({ params, request }) => {
          const destination = await load(request, params.id);
          const policies = policiesFor(deps, destination);
          return {
            status: 200,
            body:
              kind === 'cloudformation'
                ? cloudFormationTemplate(destination, policies)
                : terraformSnippet(destination, policies),
            headers: {
              'content-type':
                kind === 'cloudformation' ? 'application/yaml; charset=utf-8' : 'text/plain; charset=utf-8',
              'content-disposition': `inline; filename="${infrastructureFileName(destination, kind)}"`,
            },
          };
        },
      }),
    ),
    defineRoute({
      method: 'POST',
      path: '/api/destinations/:id/verify',
      summary: 'Assume the role and write a small check object under the prefix',
      tag: 'destinations',
      access: 'organization',
      params: destinationParams,
      responses: {
        200: { description: 'each step, with what to fix when it failed', schema: verificationResponseSchema },
        404: errors[404],
      },
      handler: async ({ params, request }) => ({
        status: 200,
        body: await verify(deps, await load(request, params.id)),
      }),
    }),
  ];
}
