// Reconciliation: per window, the records stored in an export's scope against those delivered.
// A record is delivered when its ingest sequence is at or below the cut of the window's last
// delivery; the others ("late": stored after that delivery, or never delivered) wait for the next.
import type { ExportConfig, Run } from '@log-exporter/schemas';
import type { LogRepository, WindowScope } from './store';

export type ExportScope = Pick<ExportConfig, 'logType' | 'organization' | 'repositories'>;
export type RunDelivery = Pick<Run, 'window' | 'revision' | 'deliveredSeq'>;

export interface WindowReconciliation {
  /** Records in the bucket (every delivery's objects). */
  deliveredRecords: number;
  /** Records stored in scope but not in the bucket yet. */
  undeliveredRecords: number;
}

function windowScope(config: ExportScope, run: RunDelivery): WindowScope {
  return {
    logType: config.logType,
    organization: config.organization,
    repositories: config.logType === 'client' ? config.repositories : null,
    window: run.window,
  };
}

/** Records of the window in scope stored after its last delivery (all of them: never delivered). */
export async function countUndelivered(logs: LogRepository, config: ExportScope, run: RunDelivery): Promise<number> {
  const after = run.revision > 0 ? (run.deliveredSeq ?? 0) : null;
  return logs.countInWindow({ ...windowScope(config, run), ingested: { after, upTo: null } });
}

export async function reconcileWindow(
  logs: LogRepository,
  config: ExportScope,
  run: RunDelivery & Pick<Run, 'objects'>,
): Promise<WindowReconciliation> {
  return {
    deliveredRecords: run.revision > 0 ? run.objects.reduce((sum, o) => sum + o.records, 0) : 0,
    undeliveredRecords: await countUndelivered(logs, config, run),
  };
}
