// Runs (one row per export and window: what has been delivered, how the last attempt went) and
// deliveries (one row per manifest revision written), with the export's health kept beside them.
import type { Delivery, Run } from '@log-exporter/schemas';
import { now } from '../clock';
import { type DeliveryRow, type RunRow, toDelivery, toRun } from '../rows';
import type { SqlDriver, SqlExecutor } from '../sql-driver';
import type { RunFinish, RunRepository, RunStart } from '../store';

const sum = (objects: readonly { records: number; bytes: number }[], field: 'records' | 'bytes') =>
  objects.reduce((total, o) => total + o[field], 0);

export class Runs implements RunRepository {
  constructor(private readonly db: SqlDriver) {}

  async markStarted(start: RunStart): Promise<Run> {
    const b = this.db.binder();
    await this.db.run(
      `INSERT INTO runs (export_id, window_start, window_end, status, workflow_id, workflow_run_id, started_at)
       VALUES (${b.bind(start.exportId)}, ${b.bind(start.window.start)}, ${b.bind(start.window.end)}, 'running',
         ${b.bind(start.workflowId)}, ${b.bind(start.workflowRunId)}, ${b.bind(now())})
       ON CONFLICT (export_id, window_start) DO UPDATE SET
         status = 'running', error_type = NULL, error_message = NULL, finished_at = NULL,
         workflow_id = excluded.workflow_id,
         -- a retried activity of the same workflow run is not a new attempt
         attempts = runs.attempts + CASE WHEN runs.workflow_run_id IS DISTINCT FROM excluded.workflow_run_id THEN 1 ELSE 0 END,
         workflow_run_id = excluded.workflow_run_id,
         started_at = excluded.started_at`,
      b.values,
    );
    return (await this.get(start.exportId, start.window.start)) as Run;
  }

  async markFinished(finish: RunFinish): Promise<Run> {
    const at = now();
    await this.db.transaction(async (tx) => {
      if (finish.status === 'succeeded') await this.recordSuccess(tx, finish, at);
      else await this.recordFailure(tx, finish, at);
      await this.updateHealth(tx, finish, at);
    });
    return (await this.get(finish.exportId, finish.window.start)) as Run;
  }

  /** The window's objects and manifest as they now are, and the delivery that made them so. */
  private async recordSuccess(tx: SqlExecutor, finish: RunFinish, at: string): Promise<void> {
    const delivery = finish.delivery;
    const k = tx.binder();
    const [before] = await tx.all<Pick<RunRow, 'revision' | 'delivered_seq'>>(
      `SELECT revision, delivered_seq FROM runs WHERE export_id = ${k.bind(finish.exportId)}
       AND window_start = ${k.bind(finish.window.start)}`,
      k.values,
    );
    // A run that delivered nothing (no late records) keeps the revision and sequence it had; one
    // recorded by a worker from before deliveries existed counts as revision 1 covering sequence 0.
    const revision = delivery?.revision ?? Math.max(before?.revision ?? 0, 1);
    const deliveredSeq = delivery?.upToSeq ?? before?.delivered_seq ?? 0;
    const b = tx.binder();
    await tx.run(
      `INSERT INTO runs (export_id, window_start, window_end, status, records, bytes, objects, manifest_key,
         manifest_sha256, workflow_id, started_at, finished_at, revision, delivered_seq)
       VALUES (${b.bind(finish.exportId)}, ${b.bind(finish.window.start)}, ${b.bind(finish.window.end)}, 'succeeded',
         ${b.bind(sum(finish.objects, 'records'))}, ${b.bind(sum(finish.objects, 'bytes'))},
         ${b.bind(JSON.stringify(finish.objects))}, ${b.bind(finish.manifestKey)}, ${b.bind(finish.manifestSha256 ?? null)},
         ${b.bind(finish.workflowId)}, ${b.bind(at)}, ${b.bind(at)}, ${b.bind(revision)}, ${b.bind(deliveredSeq)})
       ON CONFLICT (export_id, window_start) DO UPDATE SET
         status = 'succeeded', records = excluded.records, bytes = excluded.bytes, objects = excluded.objects,
         manifest_key = excluded.manifest_key, manifest_sha256 = excluded.manifest_sha256,
         error_type = NULL, error_message = NULL, workflow_id = excluded.workflow_id,
         finished_at = excluded.finished_at, revision = excluded.revision, delivered_seq = excluded.delivered_seq`,
      b.values,
    );
    if (delivery && finish.manifestKey && finish.manifestSha256) {
      const d = tx.binder();
      await tx.run(
        `INSERT INTO deliveries (export_id, window_start, revision, after_seq, up_to_seq, records, bytes, objects,
           manifest_key, manifest_sha256, workflow_id, delivered_at)
         VALUES (${d.bind(finish.exportId)}, ${d.bind(finish.window.start)}, ${d.bind(delivery.revision)},
           ${d.bind(delivery.afterSeq)}, ${d.bind(delivery.upToSeq)}, ${d.bind(sum(delivery.objects, 'records'))},
           ${d.bind(sum(delivery.objects, 'bytes'))}, ${d.bind(JSON.stringify(delivery.objects))},
           ${d.bind(finish.manifestKey)}, ${d.bind(finish.manifestSha256)}, ${d.bind(finish.workflowId)}, ${d.bind(at)})
         ON CONFLICT (export_id, window_start, revision) DO NOTHING`,
        d.values,
      );
    }
  }

  /** The failure; whatever earlier runs delivered stays recorded (it is in the bucket). */
  private async recordFailure(tx: SqlExecutor, finish: RunFinish, at: string): Promise<void> {
    const b = tx.binder();
    await tx.run(
      `INSERT INTO runs (export_id, window_start, window_end, status, error_type, error_message, workflow_id,
         started_at, finished_at)
       VALUES (${b.bind(finish.exportId)}, ${b.bind(finish.window.start)}, ${b.bind(finish.window.end)}, 'failed',
         ${b.bind(finish.error?.type ?? 'Error')}, ${b.bind(finish.error?.message ?? '')}, ${b.bind(finish.workflowId)},
         ${b.bind(at)}, ${b.bind(at)})
       ON CONFLICT (export_id, window_start) DO UPDATE SET
         status = 'failed', error_type = excluded.error_type, error_message = excluded.error_message,
         workflow_id = excluded.workflow_id, finished_at = excluded.finished_at`,
      b.values,
    );
  }

  private async updateHealth(tx: SqlExecutor, finish: RunFinish, at: string): Promise<void> {
    const b = tx.binder();
    if (finish.status === 'succeeded') {
      const window = b.bind(finish.window.start);
      await tx.run(
        `UPDATE exports SET last_success_at = ${b.bind(at)},
           last_success_window = CASE WHEN last_success_window IS NULL OR last_success_window < ${window}
                                      THEN ${window} ELSE last_success_window END
         WHERE id = ${b.bind(finish.exportId)}`,
        b.values,
      );
    } else {
      const error = finish.error ? `${finish.error.type}: ${finish.error.message}` : 'unknown error';
      await tx.run(
        `UPDATE exports SET last_failure_at = ${b.bind(at)}, last_error = ${b.bind(error)}
         WHERE id = ${b.bind(finish.exportId)}`,
        b.values,
      );
    }
    // Consecutive failed windows: the failed windows newer than the newest succeeded one. A re-run
    // that fixes an old window does not hide newer failures; fixing the newest clears the count.
    const c = tx.binder();
    const id = c.bind(finish.exportId);
    await tx.run(
      `UPDATE exports SET consecutive_failures = (
         SELECT COUNT(*) FROM runs WHERE export_id = ${id} AND status = 'failed' AND window_start > COALESCE(
           (SELECT MAX(window_start) FROM runs WHERE export_id = ${id} AND status = 'succeeded'), ''))
       WHERE id = ${id}`,
      c.values,
    );
  }

  async get(exportId: string, windowStart: string): Promise<Run | undefined> {
    const b = this.db.binder();
    const [row] = await this.db.all<RunRow>(
      `SELECT * FROM runs WHERE export_id = ${b.bind(exportId)} AND window_start = ${b.bind(windowStart)}`,
      b.values,
    );
    return row && toRun(row);
  }

  async list(exportId: string, options: { limit?: number; since?: string } = {}): Promise<Run[]> {
    const b = this.db.binder();
    const since = options.since === undefined ? '' : `AND window_start >= ${b.bind(options.since)}`;
    const rows = await this.db.all<RunRow>(
      `SELECT * FROM runs WHERE export_id = ${b.bind(exportId)} ${since}
       ORDER BY window_start DESC LIMIT ${b.bind(options.limit ?? 100)}`,
      b.values,
    );
    return rows.map(toRun);
  }

  async deliveries(exportId: string, windowStart: string): Promise<Delivery[]> {
    const b = this.db.binder();
    const rows = await this.db.all<DeliveryRow>(
      `SELECT * FROM deliveries WHERE export_id = ${b.bind(exportId)} AND window_start = ${b.bind(windowStart)}
       ORDER BY revision`,
      b.values,
    );
    return rows.map(toDelivery);
  }
}
