// Search attributes set on every export workflow so ops can filter in the Temporal UI, e.g.
//   ExportId = "exp_…" AND ExecutionStatus = "Failed"
// The local stack registers them from this list; production registers them once per namespace.

export const SEARCH_ATTRIBUTES = {
  exportId: { name: 'ExportId', type: 'Keyword' },
  organization: { name: 'Organization', type: 'Keyword' },
  logType: { name: 'LogType', type: 'Keyword' },
  windowStart: { name: 'WindowStart', type: 'Datetime' },
} as const;

export type SearchAttributeSpec = (typeof SEARCH_ATTRIBUTES)[keyof typeof SEARCH_ATTRIBUTES];
