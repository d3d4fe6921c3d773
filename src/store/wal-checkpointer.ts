import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

/**
 * Copies the write-ahead log back into the database file on a worker thread, with its own connection.
 *
 * SQLite's automatic checkpoint runs inside whichever commit crosses the WAL size limit, so that one commit (and
 * every turn waiting on the event loop behind it) pays for copying ~1,000 pages and two fsyncs. A PASSIVE checkpoint
 * on another connection never blocks writers, so the event loop only appends to the log. The main connection keeps a
 * much higher automatic limit as a fallback, in case this thread falls behind or dies.
 *
 * Copying the log is not enough to keep it short: SQLite starts the log over only when a write begins and every frame
 * has been copied. Under steady traffic the main connection commits while the worker copies, so that moment never
 * comes, the log grows to the fallback limit, and then one commit copies the frames of the worker's last 200 ms itself
 * (about 10 ms of stall every 1.3 s at 1,000 messages/s). So once the log is longer than `walRestartPages`, the worker
 * catches up in a few shorter passes and then says so, and `onLogLong` lets the main connection copy the few frames
 * committed since: that small checkpoint makes the next write start the log over.
 *
 * SQLite syncs the database file only in a pass that copies every frame, and under steady traffic that is the main
 * connection's small pass, which then had to write out every page the worker copied since the log last started over:
 * up to 26 ms on the event loop at 1,000 messages/s. So the worker syncs the database file itself after each pass that
 * copied something, through a descriptor the store opens for it, and the main connection's pass takes 1-2 ms.
 */
export interface WalCheckpointer {
  stop(): Promise<void>;
}

// Plain CommonJS evaluated in the worker: no TypeScript loader is needed there, and better-sqlite3 is resolved here
// and passed in, so the worker finds the same copy wherever the process was started from.
const workerSource = `
const { workerData, parentPort } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.file);
db.pragma('busy_timeout = 1000');
const { fdatasyncSync } = require('node:fs');
// The database file is synced here, off the event loop (see the comment above), and only after a pass that copied
// something, so an idle bot does not flush the disk five times a second.
let syncedCheckpointed = 0;
const syncDatabase = (checkpointed) => {
  if (workerData.databaseFd === undefined || checkpointed === syncedCheckpointed) return;
  fdatasyncSync(workerData.databaseFd);
  syncedCheckpointed = checkpointed;
};
let stopped = false;
let lastError;
const tick = () => {
  if (stopped) return;
  try {
    let [result] = db.pragma('wal_checkpoint(PASSIVE)');
    lastError = undefined;
    syncDatabase(result.checkpointed);
    if (result.log >= workerData.walRestartPages) {
      // Copy again what was committed during the last pass (each pass is shorter), so the main connection is left
      // with only the frames of the last few milliseconds.
      for (let pass = 0; pass < 4; pass++) {
        const before = result.log;
        [result] = db.pragma('wal_checkpoint(PASSIVE)');
        if (result.log - before < 16) break;
      }
      syncDatabase(result.checkpointed);
      parentPort.postMessage({ logFrames: result.log });
    }
  } catch (error) {
    // Said once per new failure, not every 200 ms.
    const message = String((error && error.message) || error);
    if (message !== lastError) parentPort.postMessage({ error: message });
    lastError = message;
  }
  setTimeout(tick, workerData.intervalMilliseconds);
};
parentPort.on('message', (message) => {
  if (message !== 'stop') return;
  stopped = true;
  try { db.pragma('wal_checkpoint(PASSIVE)'); db.close(); } catch {}
  process.exit(0);
});
setTimeout(tick, workerData.intervalMilliseconds);
`;

export interface WalCheckpointerOptions {
  file: string;
  intervalMilliseconds?: number;
  /** Log length (pages) from which the worker asks for a restart through `onLogLong`; default 16,384 (64 MB). */
  walRestartPages?: number;
  /**
   * A descriptor of the database file, opened and closed by the caller, through which the worker syncs the pages it
   * copied (fdatasync) after each pass. The caller must close it only after its own connection: closing any
   * descriptor of a file drops every POSIX lock the process holds on it, SQLite's included.
   */
  databaseFd?: number;
  /** Called on the main thread after a checkpoint that left a long log; run a PASSIVE checkpoint there. */
  onLogLong?: () => void;
  onError?: (message: string) => void;
}

export function startWalCheckpointer(options: WalCheckpointerOptions): WalCheckpointer {
  const driver = createRequire(import.meta.url).resolve('better-sqlite3');
  const workerData = { file: options.file, driver, intervalMilliseconds: options.intervalMilliseconds ?? 200, walRestartPages: options.walRestartPages ?? 16_384, databaseFd: options.databaseFd };
  const worker = new Worker(workerSource, { eval: true, workerData });
  // It must never keep the process alive on its own.
  worker.unref();
  let stopped: Promise<void> | undefined;
  let hasExited = false;
  worker.once('exit', () => (hasExited = true));
  worker.on('message', (message: unknown) => {
    if (typeof message !== 'object' || message === null) return;
    if ('error' in message) options.onError?.(String(message.error));
    if ('logFrames' in message) options.onLogLong?.();
  });
  worker.on('error', (error) => options.onError?.(error.message));
  return {
    stop() {
      stopped ??= new Promise<void>((resolve) => {
        if (hasExited) return resolve();
        const timer = setTimeout(() => void worker.terminate().then(() => resolve()), 2000);
        worker.once('exit', () => {
          clearTimeout(timer);
          resolve();
        });
        worker.postMessage('stop');
      });
      return stopped;
    },
  };
}
