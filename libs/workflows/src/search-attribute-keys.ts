import { SearchAttributeType, defineSearchAttributeKey } from '@temporalio/common';
import { SEARCH_ATTRIBUTES } from '@log-exporter/schemas/workflow';

/** Typed keys of the search attributes every export workflow carries (registered by the stack). */
export const searchKeys = {
  exportId: defineSearchAttributeKey(SEARCH_ATTRIBUTES.exportId.name, SearchAttributeType.KEYWORD),
  organization: defineSearchAttributeKey(SEARCH_ATTRIBUTES.organization.name, SearchAttributeType.KEYWORD),
  logType: defineSearchAttributeKey(SEARCH_ATTRIBUTES.logType.name, SearchAttributeType.KEYWORD),
  windowStart: defineSearchAttributeKey(SEARCH_ATTRIBUTES.windowStart.name, SearchAttributeType.DATETIME),
  /** Set by Temporal on workflows a schedule starts. */
  scheduledStartTime: defineSearchAttributeKey('TemporalScheduledStartTime', SearchAttributeType.DATETIME),
};
