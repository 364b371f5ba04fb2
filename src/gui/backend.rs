//! The window's way to the desk: database work runs on two threads of its
//! own, never on the UI thread. One thread owns the desk for everything a
//! person does (sign in, open an account, post); the other owns a second
//! connection for search only, so typing never waits behind a posting and a
//! posting never waits behind a search.
//!
//! Each call returns a future that resolves when the thread has done the
//! work: `Task::perform(backend.run(..), Message::Loaded)`.

use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc;

use iced::futures::channel::oneshot;

use crate::desk::{Desk, DeskError};
use crate::records::SearchHit;

type Job = Box<dyn FnOnce(&mut Desk) + Send>;

/// Handles to the two desk threads. Cheap to clone; the threads end when the
/// last clone is dropped.
#[derive(Debug, Clone)]
pub struct Backend {
    jobs: mpsc::Sender<Job>,
    searches: mpsc::Sender<Job>,
    /// The newest search asked for: an older one still queued is skipped.
    latest_search: Arc<AtomicU64>,
}

/// Why a search produced nothing to show.
#[derive(Debug, Clone)]
pub enum SearchError {
    /// A newer search was asked for before this one ran.
    Superseded,
    Failed(DeskError),
}

impl Backend {
    /// Opens the database twice (WAL: the search connection reads while the
    /// other writes) and starts the threads.
    pub fn open(path: &Path) -> Result<Backend, DeskError> {
        let desk = Desk::open(path)?;
        let searcher = Desk::open(path)?;
        Ok(Backend { jobs: spawn("desk", desk)?, searches: spawn("search", searcher)?, latest_search: Arc::default() })
    }

    /// Runs `work` on the desk thread.
    pub async fn run<T: Send + 'static>(
        &self,
        work: impl FnOnce(&mut Desk) -> Result<T, DeskError> + Send + 'static,
    ) -> Result<T, DeskError> {
        let (reply, answer) = oneshot::channel();
        let job: Job = Box::new(move |desk| {
            let _ = reply.send(work(desk));
        });
        self.jobs.send(job).map_err(|_| stopped())?;
        answer.await.map_err(|_| stopped())?
    }

    /// Searches on the search thread. `generation` increases with every
    /// keystroke; a search that a newer one overtook before it ran is skipped
    /// and answers [`SearchError::Superseded`].
    pub async fn search(&self, generation: u64, text: String) -> Result<Vec<SearchHit>, SearchError> {
        self.latest_search.fetch_max(generation, Ordering::SeqCst);
        let latest = Arc::clone(&self.latest_search);
        let (reply, answer) = oneshot::channel();
        let job: Job = Box::new(move |desk| {
            let result = if latest.load(Ordering::SeqCst) > generation {
                Err(SearchError::Superseded)
            } else {
                desk.search(&text).map_err(SearchError::Failed)
            };
            let _ = reply.send(result);
        });
        self.searches.send(job).map_err(|_| SearchError::Failed(stopped()))?;
        answer.await.map_err(|_| SearchError::Failed(stopped()))?
    }
}

impl Backend {
    /// The ledger's version ([`Desk::ledger_version`]), read on the search
    /// thread so that it never waits behind a posting.
    pub async fn ledger_version(&self) -> Result<i64, DeskError> {
        let (reply, answer) = oneshot::channel();
        let job: Job = Box::new(move |desk| {
            let _ = reply.send(desk.ledger_version());
        });
        self.searches.send(job).map_err(|_| stopped())?;
        answer.await.map_err(|_| stopped())?
    }
}

fn stopped() -> DeskError {
    DeskError::Invalid("the database thread stopped: restart utility-desk".into())
}

fn spawn(name: &str, mut desk: Desk) -> Result<mpsc::Sender<Job>, DeskError> {
    let (sender, receiver) = mpsc::channel::<Job>();
    std::thread::Builder::new()
        .name(format!("utility-desk {name}"))
        .spawn(move || {
            for job in receiver {
                job(&mut desk);
            }
        })
        .map_err(|e| DeskError::Invalid(format!("cannot start the {name} thread: {e}")))?;
    Ok(sender)
}

#[cfg(test)]
mod tests {
    use super::*;
    use iced::futures::executor::block_on;

    #[test]
    fn work_runs_on_the_desk_thread_and_answers() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("ledger.db");
        drop(Desk::create(&path).unwrap());
        let backend = Backend::open(&path).unwrap();
        let thread = block_on(backend.run(|_| Ok(std::thread::current().name().map(String::from))));
        assert_eq!(thread.unwrap().as_deref(), Some("utility-desk desk"));
        let refused = block_on(backend.run(|_| Err::<(), _>(DeskError::Invalid("no".into()))));
        assert!(matches!(refused, Err(DeskError::Invalid(m)) if m == "no"));
    }

    #[test]
    fn an_overtaken_search_is_skipped() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("ledger.db");
        drop(Desk::create(&path).unwrap());
        let backend = Backend::open(&path).unwrap();
        // Generation 2 was asked for first: generation 1 arrives late and is skipped.
        assert!(block_on(backend.search(2, "smith".into())).is_ok());
        assert!(matches!(block_on(backend.search(1, "smit".into())), Err(SearchError::Superseded)));
        assert!(block_on(backend.search(3, "smith".into())).is_ok());
    }
}
