// The retry policies of every workflow's activities, named once. Misconfiguration (the
// non-retryable types of libs/schemas) fails at once under each of them.
import type { RetryPolicy } from '@temporalio/common';
import { NON_RETRYABLE_ERROR_TYPES, NOTIFICATION_REFUSED_ERROR_TYPE } from '@log-exporter/schemas/workflow';

const nonRetryableErrorTypes = [...NON_RETRYABLE_ERROR_TYPES];

export const RETRY = {
  /** Our own database: quick, retried soon. */
  quick: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute', nonRetryableErrorTypes },
  /** AWS calls and long database scans: throttling and outages retried while the work is useful. */
  patient: {
    initialInterval: '5 seconds',
    backoffCoefficient: 2,
    maximumInterval: '5 minutes',
    nonRetryableErrorTypes,
  },
  /** Part uploads: a lost connection is retried at once, a longer outage with longer waits. */
  upload: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '5 minutes', nonRetryableErrorTypes },
  /**
   * Webhook POSTs: a receiver down or failing is tried 10 times over about half an hour
   * (waits of 5 s, 10 s, 20 s … capped at 10 minutes); a refused address or a 4xx is not retried.
   */
  notify: {
    initialInterval: '5 seconds',
    backoffCoefficient: 2,
    maximumInterval: '10 minutes',
    maximumAttempts: 10,
    nonRetryableErrorTypes: [NOTIFICATION_REFUSED_ERROR_TYPE],
  },
} satisfies Record<string, RetryPolicy>;
