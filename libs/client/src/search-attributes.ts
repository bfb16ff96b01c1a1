import { SearchAttributeType, defineSearchAttributeKey } from '@temporalio/common';
import { SEARCH_ATTRIBUTES } from '@log-exporter/schemas';

/** Typed keys of the search attributes every export workflow carries. */
export const exportSearchAttributes = {
  exportId: defineSearchAttributeKey(SEARCH_ATTRIBUTES.exportId.name, SearchAttributeType.KEYWORD),
  organization: defineSearchAttributeKey(SEARCH_ATTRIBUTES.organization.name, SearchAttributeType.KEYWORD),
  logType: defineSearchAttributeKey(SEARCH_ATTRIBUTES.logType.name, SearchAttributeType.KEYWORD),
  windowStart: defineSearchAttributeKey(SEARCH_ATTRIBUTES.windowStart.name, SearchAttributeType.DATETIME),
};
