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
        let hook_wake = wake.clone();
        // The log length at which the next commit wakes the thread: every
        // WAKE_AT_PAGES pages, as SQLite's own checkpoint would run, and not
        // on every commit while a busy desk keeps the log from restarting.
        let (mut wake_at, mut last) = (WAKE_AT_PAGES, 0);
        conn.wal_hook(Some(move |wal: &mut rusqlite::hooks::Wal, pages: i32| {
            if pages < last {
                // The log restarted from its beginning.
                wake_at = WAKE_AT_PAGES;
            }
            last = pages;
            if pages >= inline_at {
                // The commit has happened: whatever the checkpoint meets is
                // not its error. RESTART waits for the thread's checkpoint
                // (a PASSIVE one here would give up at once, and the log
                // would never restart in a long run: the writer's next
                // snapshot always began before the thread had copied it).
                let _ = wal.checkpoint_v2(CheckpointMode::RESTART);
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
