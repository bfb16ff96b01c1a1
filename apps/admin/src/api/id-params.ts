import { z } from 'zod';
import { destinationIdSchema, exportIdSchema } from '@log-exporter/schemas';

export const destinationParams = z.object({ id: destinationIdSchema });
export const exportParams = z.object({ id: exportIdSchema });
