//! The one thread that talks to the database. The screen thread never calls a
//! service: it hands the worker a [`Job`] and goes back to answering keys; the
//! worker sends back a [`Done`] carrying what to do with the answer. Each answer
//! is tagged with what asked for it, so an answer nobody waits for any more (a
//! call given up with Esc, a list query overtaken by a newer one, anything from a
//! session that was locked) is dropped instead of applied.

use std::collections::VecDeque;
use std::sync::mpsc::{channel, Receiver, Sender};
use std::thread;

use super::App;
use crate::api::CrmApi;

/// What to do with an answer, run on the screen thread.
pub type Apply = Box<dyn FnOnce(&mut App) + Send>;

/// The work itself, run on the worker thread.
pub type Task = Box<dyn FnOnce(&dyn CrmApi) -> Apply + Send>;

/// Who asked, so that only the answer still wanted is applied.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tag {
    /// The one call the user waits for (login, save, sign, open a record, …).
    Call(u64),
    /// A query of one table; the table checks the generation itself.
    List { slot: usize, generation: u64 },
    /// Housekeeping of the session (reminders, unread count, rights).
    Session,
    /// The exact count of one table's matches, to replace a capped one.
    Count { slot: usize },
    /// A live change handed over by [`super::live`]: not counted as
    /// outstanding, since the screen did not ask for it.
    Live,
}

impl Tag {
    /// Work nobody is waiting for: it goes after whatever else is queued.
    fn background(self) -> bool {
        matches!(self, Tag::Session | Tag::Count { .. } | Tag::Live)
    }
}

/// One piece of work for the worker.
pub struct Job {
    /// The session it belongs to: a lock or a new login makes older answers moot.
    pub epoch: u64,
    pub tag: Tag,
    pub task: Task,
}

/// Its answer.
pub struct Done {
    pub epoch: u64,
    pub tag: Tag,
    pub apply: Apply,
}

impl std::fmt::Debug for Done {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Done")
            .field("epoch", &self.epoch)
            .field("tag", &self.tag)
            .finish_non_exhaustive()
    }
}

/// Where answers go: the event loop's channel in the terminal, a channel the
/// app reads itself in tests ([`App::settle`]).
pub type Sink = Box<dyn Fn(Done) -> bool + Send>;

/// Inline runs each job where it is asked for (unit tests of pure state, tools);
/// the thread is what the terminal uses.
pub enum Worker {
    Inline,
    Thread { jobs: Sender<Job> },
}

impl std::fmt::Debug for Worker {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Worker::Inline => f.write_str("Worker::Inline"),
            Worker::Thread { .. } => f.write_str("Worker::Thread"),
        }
    }
}

impl Worker {
    /// Starts the thread with its own handle on the database pool. It is never
    /// joined: when the user quits while it is stuck on a locked database, the
    /// process exits without waiting for it.
    pub fn spawn(crm: impl crate::api::IntoApi, sink: Sink) -> Worker {
        let crm = crm.into_api();
        let (jobs_tx, jobs_rx) = channel::<Job>();
        match thread::Builder::new()
            .name("db-worker".into())
            .spawn(move || work(crm, jobs_rx, sink))
        {
            Ok(_) => Worker::Thread { jobs: jobs_tx },
            Err(e) => {
                tracing::warn!(error = %e, "no worker thread; database calls run inline");
                Worker::Inline
            }
        }
    }

    /// A worker whose answers the caller collects from the returned channel,
    /// each held back `delay` (a deliberately slow database, for tests).
    pub fn polled(
        crm: impl crate::api::IntoApi,
        delay: std::time::Duration,
    ) -> (Worker, Receiver<Done>) {
        let (tx, rx) = channel::<Done>();
        let w = Worker::spawn(
            crm,
            Box::new(move |d| {
                if !delay.is_zero() {
                    thread::sleep(delay);
                }
                tx.send(d).is_ok()
            }),
        );
        (w, rx)
    }
}

/// Runs jobs in order, except that housekeeping and counts wait while a call or
/// a list query is queued behind them: what the user is looking at comes first.
fn work(crm: crate::api::SharedApi, jobs: Receiver<Job>, sink: Sink) {
    let mut queue: VecDeque<Job> = VecDeque::new();
    loop {
        if queue.is_empty() {
            match jobs.recv() {
                Ok(j) => queue.push_back(j),
                Err(_) => return,
            }
        }
        queue.extend(jobs.try_iter());
        let next = queue.iter().position(|j| !j.tag.background()).unwrap_or(0);
        let Some(job) = queue.remove(next) else {
            continue;
        };
        let apply = (job.task)(&*crm);
        let done = Done {
            epoch: job.epoch,
            tag: job.tag,
            apply,
        };
        if !sink(done) {
            return;
        }
    }
}
