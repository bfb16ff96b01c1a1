// Failure notifications: which are due (claim) and how their delivery went. The rules, decided
// in one transaction per export so that windows failing at once claim at most one:
//   failure   due unless the export had a failure notification in the last `failureIntervalMs`
//             (one per export per day at most, however many windows or attempts fail);
//   recovery  due when the export's newest notification is a failure: it was reported failing
//             and has not been reported recovered yet.
import { NOTIFICATION_DEFAULTS, type Notification, type NotificationKind } from '@log-exporter/schemas';
import { now } from '../clock';
import { randomId } from '../ids';
import { insertRow } from '../insert-row';
import type { SqlDriver, SqlExecutor } from '../sql-driver';
import type { NotificationAttempt, NotificationClaim, NotificationRepository } from '../store';

interface NotificationRow {
  id: string;
  export_id: string;
  kind: NotificationKind;
  window_start: string;
  window_end: string;
  error_type: string | null;
  error_message: string | null;
  workflow_id: string;
  created_at: string;
  status: Notification['status'];
  attempts: number;
  response_status: number | null;
  last_error: string | null;
  finished_at: string | null;
}

function toNotification(row: NotificationRow): Notification {
  return {
    id: row.id,
    exportId: row.export_id,
    kind: row.kind,
    window: { start: row.window_start, end: row.window_end },
    errorType: row.error_type,
    errorMessage: row.error_message,
    workflowId: row.workflow_id,
    createdAt: row.created_at,
    status: row.status,
    attempts: Number(row.attempts),
    responseStatus: row.response_status === null ? null : Number(row.response_status),
    lastError: row.last_error,
    finishedAt: row.finished_at,
  };
}

async function newest(
  db: SqlExecutor,
  exportId: string,
  kind?: NotificationKind,
): Promise<NotificationRow | undefined> {
  const b = db.binder();
  const [row] = await db.all<NotificationRow>(
    `SELECT * FROM notifications WHERE export_id = ${b.bind(exportId)}
       ${kind ? `AND kind = ${b.bind(kind)}` : ''}
     ORDER BY created_at DESC, id DESC LIMIT 1`,
    b.values,
  );
  return row;
}

export class Notifications implements NotificationRepository {
  constructor(
    private readonly db: SqlDriver,
    private readonly failureIntervalMs: number = NOTIFICATION_DEFAULTS.failureIntervalMs,
  ) {}

  async claim(input: NotificationClaim): Promise<Notification | null> {
    const at = input.at ?? now();
    return this.db.transaction(async (tx) => {
      // Locks the export's row (PostgreSQL; SQLite's BEGIN IMMEDIATE already serialises writers),
      // so two windows of one export deciding at once decide one after the other.
      const lock = tx.binder();
      await tx.run(`UPDATE exports SET notify_url = notify_url WHERE id = ${lock.bind(input.exportId)}`, lock.values);
      if (input.kind === 'failure') {
        const last = await newest(tx, input.exportId, 'failure');
        const since = new Date(Date.parse(at) - this.failureIntervalMs).toISOString();
        if (last && last.created_at > since) return null;
      } else {
        const last = await newest(tx, input.exportId);
        if (last?.kind !== 'failure') return null;
      }
      const row: NotificationRow = {
        id: randomId('ntf'),
        export_id: input.exportId,
        kind: input.kind,
        window_start: input.window.start,
        window_end: input.window.end,
        error_type: input.error?.type ?? null,
        error_message: input.error?.message ?? null,
        workflow_id: input.workflowId,
        created_at: at,
        status: 'pending',
        attempts: 0,
        response_status: null,
        last_error: null,
        finished_at: null,
      };
      await insertRow(tx, 'notifications', row);
      return toNotification(row);
    });
  }

  async get(id: string): Promise<Notification | undefined> {
    const b = this.db.binder();
    const [row] = await this.db.all<NotificationRow>(`SELECT * FROM notifications WHERE id = ${b.bind(id)}`, b.values);
    return row && toNotification(row);
  }

  async latest(exportId: string): Promise<Notification | undefined> {
    const row = await newest(this.db, exportId);
    return row && toNotification(row);
  }

  async list(exportId: string, limit = 20): Promise<Notification[]> {
    const b = this.db.binder();
    const rows = await this.db.all<NotificationRow>(
      `SELECT * FROM notifications WHERE export_id = ${b.bind(exportId)}
       ORDER BY created_at DESC, id DESC LIMIT ${b.bind(limit)}`,
      b.values,
    );
    return rows.map(toNotification);
  }

  async recordAttempt(id: string, attempt: NotificationAttempt): Promise<void> {
    const at = now();
    const b = this.db.binder();
    // Attempts only grow: a late report of an earlier attempt does not undo a later one.
    await this.db.run(
      `UPDATE notifications SET status = ${b.bind(attempt.status)}, attempts = ${b.bind(attempt.attempt)},
         response_status = ${b.bind(attempt.responseStatus)}, last_error = ${b.bind(attempt.error)},
         finished_at = ${b.bind(attempt.status === 'pending' ? null : at)}
       WHERE id = ${b.bind(id)} AND attempts <= ${b.bind(attempt.attempt)}`,
      b.values,
    );
  }

  async giveUp(id: string, error: string): Promise<void> {
    const b = this.db.binder();
    await this.db.run(
      `UPDATE notifications SET status = 'failed', last_error = ${b.bind(error)}, finished_at = ${b.bind(now())}
       WHERE id = ${b.bind(id)} AND status = 'pending'`,
      b.values,
    );
  }
}
