// Field documentation travels with the schemas: `describeField` attaches what a field means and
// its customer-facing type; docs/formats.md is generated from it (tools/docs).
import type { z } from 'zod';

export type FieldType = 'timestamp' | 'string' | 'integer' | 'number';

export interface FieldDoc {
  type: FieldType;
  description: string;
}

/** Attaches the field's documentation to its schema (zod metadata; the schema is unchanged). */
export function describeField<S extends z.ZodType>(schema: S, type: FieldType, description: string): S {
  return schema.meta({ type, description }) as S;
}

/** Documentation of every field of an object schema, in shape order. */
export function fieldDocs(shape: Record<string, z.ZodType>): Record<string, FieldDoc & { nullable: boolean }> {
  return Object.fromEntries(
    Object.entries(shape).map(([name, schema]) => {
      const meta = schema.meta() as Partial<FieldDoc> | undefined;
      if (!meta?.type || !meta.description) throw new Error(`field ${name} has no documentation (describeField)`);
      return [name, { type: meta.type, description: meta.description, nullable: schema.safeParse(null).success }];
    }),
  );
}
