// The workflow-side OpenTelemetry interceptors (not a workflow): spans for each workflow task and
// the trace context carried to the activities it schedules. Bundled beside the workflows.
export { interceptors } from '@temporalio/interceptors-opentelemetry/lib/workflow-interceptors';
