//! Checkpoints off the writer's path. In WAL mode SQLite copies the log back
//! into the database (a checkpoint) once it passes 1,000 pages, inside the
//! commit that crossed the line: one representative's payment, or a bill
//! run, would then wait for megabytes to be copied and synced. Instead, a
//! commit that leaves the log that long wakes a thread of the store's own,
//! which checkpoints through a second connection while the desk goes on.
//! Should that thread fall far behind (or be gone), the committing writer
//! checkpoints itself, as SQLite would have.

use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::mpsc::{Receiver, SyncSender, sync_channel};
use std::thread::JoinHandle;

use rusqlite::wal::CheckpointMode;
use rusqlite::{Connection, MAIN_DB, OpenFlags};

use super::{BUSY_TIMEOUT, Result};

/// Log pages after which a commit wakes the checkpointer (SQLite's own
/// automatic checkpoint threshold).
const WAKE_AT_PAGES: i32 = 1_000;

/// Log pages after which the writer checkpoints itself, in its commit: the
/// checkpointer has fallen this far behind (readers holding old snapshots
/// can also keep the log from being copied). It is a quarter of the
/// ledger's own pages, between these bounds, so a small ledger's log stays
/// small (it used to grow to 64 MB in any long run, whatever the ledger's
/// size, and fill a nearly full disk part-way).
const INLINE_AT_PAGES: std::ops::RangeInclusive<i32> = 2_000..=16_000;

/// The longest a writer's own checkpoint, in its commit, waits for readers
/// and the thread's checkpoint. A reader holding an old snapshot (a backup,
/// `verify`, a long report) keeps the log from restarting however long one
/// waits: waiting the whole busy timeout stalled a payment for 10 s during
/// a backup. The log then grows past its bound until the reader is done.
const COMMIT_CHECKPOINT_WAIT: std::time::Duration = std::time::Duration::from_millis(50);

/// Waits a little for a lock (SQLite calls this with how many times it has
/// already), as `busy_timeout` would, giving up once `limit` has passed.
fn busy_wait(attempts: i32, limit: std::time::Duration) -> bool {
    // Short waits first (a commit takes a millisecond or two), then 20 ms.
    const STEPS_MS: [u64; 6] = [1, 2, 5, 10, 15, 20];
    let attempts = usize::try_from(attempts).unwrap_or(0);
    let waited: u64 = STEPS_MS.iter().take(attempts).sum::<u64>()
        + attempts.saturating_sub(STEPS_MS.len()) as u64 * STEPS_MS[STEPS_MS.len() - 1];
    if std::time::Duration::from_millis(waited) >= limit {
        return false;
    }
    std::thread::sleep(std::time::Duration::from_millis(STEPS_MS[attempts.min(STEPS_MS.len() - 1)]));
    true
}

/// The log's bound for a ledger of `pages` pages: [`INLINE_AT_PAGES`].
pub(super) fn log_bound_pages(pages: i64) -> i32 {
    i32::try_from(pages / 4).unwrap_or(i32::MAX).clamp(*INLINE_AT_PAGES.start(), *INLINE_AT_PAGES.end())
}

enum Wake {
    Checkpoint,
    Stop,
}

/// The checkpoint thread of one store; stopped and joined when dropped, so
/// that its connection is closed when the store is.
pub(super) struct Checkpointer {
    wake: SyncSender<Wake>,
    thread: Option<JoinHandle<()>>,
    /// Checkpoints the thread has run.
    done: Arc<AtomicU64>,
    /// Set when the store closes: a wake still queued is then not run.
    stop: Arc<AtomicBool>,
}

impl Checkpointer {
    /// Starts the thread for the database at `path` and hands the commits of
    /// `conn` to it, in place of SQLite's automatic checkpoint.
    pub(super) fn start(conn: &mut Connection, path: &Path) -> Result<Checkpointer> {
        // One pending wake is enough: a checkpoint copies the whole log.
        let (wake, asleep) = sync_channel(1);
        let pages: i64 = conn.query_row("PRAGMA page_count", [], |r| r.get(0))?;
        let page_size: i64 = conn.query_row("PRAGMA page_size", [], |r| r.get(0))?;
        let inline_at = log_bound_pages(pages);
        // Once the log restarts, its file is cut back to that bound: it does
        // not keep the size of its longest run.
        conn.pragma_update(None, "journal_size_limit", i64::from(inline_at) * page_size)?;
        // By its full name, so a later change of directory cannot send the
        // thread to another file (the store has just opened it: it exists).
        let path = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
        let done = Arc::new(AtomicU64::new(0));
        let stop = Arc::new(AtomicBool::new(false));
        let (counter, stopping) = (Arc::clone(&done), Arc::clone(&stop));
        let thread = std::thread::Builder::new()
            .name("sqlite-checkpoint".into())
            .spawn(move || run(&path, &asleep, &counter, &stopping))
            .map_err(|e| super::StoreError::Io(format!("cannot start the checkpoint thread: {e}")))?;
        // The writer's busy handler: the usual timeout, but a short one
        // while it checkpoints itself in a commit (see COMMIT_CHECKPOINT_WAIT).
        let checkpointing = Arc::new(AtomicBool::new(false));
        let in_checkpoint = Arc::clone(&checkpointing);
        conn.busy_handler(Some(move |attempts: i32| {
            let limit = if in_checkpoint.load(Ordering::Relaxed) { COMMIT_CHECKPOINT_WAIT } else { BUSY_TIMEOUT };
            busy_wait(attempts, limit)
        }))?;
        let hook_wake = wake.clone();
        // The log length at which the next commit wakes the thread: every
        // WAKE_AT_PAGES pages, as SQLite's own checkpoint would run, and not
        // on every commit while a busy desk keeps the log from restarting.
        // A writer's own checkpoint that a reader kept from restarting the
        // log is tried again only after more log pages, twice as many after
        // each try (a backup or `verify` holds its snapshot for a minute).
        let (mut wake_at, mut last, mut restart_at, mut gap) = (WAKE_AT_PAGES, 0, inline_at, WAKE_AT_PAGES);
        conn.wal_hook(Some(move |wal: &mut rusqlite::hooks::Wal, pages: i32| {
            if pages < last {
                // The log restarted from its beginning.
                (wake_at, restart_at, gap) = (WAKE_AT_PAGES, inline_at, WAKE_AT_PAGES);
            }
            last = pages;
            if pages >= restart_at {
                // The commit has happened: whatever the checkpoint meets is
                // not its error. RESTART waits, briefly, for the thread's
                // checkpoint (a PASSIVE one here would give up at once, and
                // the log would never restart in a long run: the writer's
                // next snapshot always began before the thread had copied
                // it). Kept from restarting by a reader, it is tried again
                // a while later, not in every commit.
                checkpointing.store(true, Ordering::Relaxed);
                let restarted = wal.checkpoint_v2(CheckpointMode::RESTART);
                checkpointing.store(false, Ordering::Relaxed);
                if restarted.is_err() {
                    restart_at = pages.saturating_add(gap);
                    gap = gap.saturating_mul(2).min(*INLINE_AT_PAGES.end());
                }
            } else if pages >= wake_at {
                // Full: a wake is already waiting. Disconnected: the store
                // is closing. Either way there is nothing more to do.
                let _ = hook_wake.try_send(Wake::Checkpoint);
                wake_at = pages + WAKE_AT_PAGES;
            }
            Ok(())
        }))?;
        Ok(Checkpointer { wake, thread: Some(thread), done, stop })
    }

    /// How many checkpoints the thread has run (each copied what the log
    /// held that no reader still needed: possibly nothing).
    pub(super) fn done(&self) -> u64 {
        self.done.load(Ordering::Acquire)
    }
}

impl Drop for Checkpointer {
    fn drop(&mut self) {
        // Closing does not wait for a queued checkpoint: the flag turns it
        // away, and the Stop wakes a thread that is asleep (if a wake is
        // queued instead, the channel is full and that wake does it).
        self.stop.store(true, Ordering::Release);
        let _ = self.wake.try_send(Wake::Stop);
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

fn run(path: &Path, asleep: &Receiver<Wake>, done: &AtomicU64, stop: &AtomicBool) {
    let mut conn: Option<Connection> = None;
    while let Ok(Wake::Checkpoint) = asleep.recv() {
        if stop.load(Ordering::Acquire) {
            break;
        }
        if conn.is_none() {
            conn = open(path).ok();
        }
        // A failed checkpoint (the disk, say) is left to the next wake or
        // to the writer's own at INLINE_AT_PAGES: the log keeps every commit
        // safe meanwhile.
        if let Some(conn) = &conn
            && conn.wal_checkpoint_v2(Some(MAIN_DB), CheckpointMode::PASSIVE).is_ok()
        {
            done.fetch_add(1, Ordering::AcqRel);
        }
    }
}

/// The checkpointer's connection: the database must exist (the store made
/// it), and a checkpoint syncs the file as the store's own commits do.
fn open(path: &Path) -> rusqlite::Result<Connection> {
    let flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let conn = Connection::open_with_flags(path, flags)?;
    conn.busy_timeout(BUSY_TIMEOUT)?;
    conn.pragma_update(None, "synchronous", "FULL")?;
    Ok(conn)
}
