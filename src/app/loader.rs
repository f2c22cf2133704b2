//! Runs list queries off the key-handling path. Each key repaints at once; the
//! query for the newest state runs on a worker thread and older ones still queued
//! are dropped, so typing fast costs one query, not one per key.

use std::collections::HashMap;
use std::sync::mpsc::{channel, Receiver, Sender};
use std::thread;

use crate::controllers::list::{fetch, ListQuery, PageData};
use crate::session::Session;
use crate::Crm;

/// One list query to run.
#[derive(Debug, Clone)]
pub struct Job {
    pub slot: usize,
    pub generation: u64,
    pub query: ListQuery,
    pub session: Session,
    /// Also count the unfiltered table (for "3 of 1 204").
    pub count_all: bool,
}

/// Its answer.
#[derive(Debug)]
pub struct Done {
    pub slot: usize,
    pub generation: u64,
    pub result: Result<PageData, crate::Error>,
    pub all_total: Option<String>,
}

/// Inline in tests (deterministic), a worker thread in the terminal.
#[derive(Debug)]
pub enum Loader {
    Inline,
    Worker {
        jobs: Sender<Job>,
        done: Receiver<Done>,
    },
}

impl Loader {
    /// Starts the worker with its own handle on the database pool.
    pub fn worker(crm: Crm) -> Loader {
        let (jobs_tx, jobs_rx) = channel::<Job>();
        let (done_tx, done_rx) = channel::<Done>();
        thread::Builder::new()
            .name("list-loader".into())
            .spawn(move || work(crm, jobs_rx, done_tx))
            .map(|_| Loader::Worker {
                jobs: jobs_tx,
                done: done_rx,
            })
            .unwrap_or(Loader::Inline)
    }

    /// Nothing to do: results of a dropped session are ignored by generation anyway.
    pub fn reset(&mut self) {}
}

fn work(crm: Crm, jobs: Receiver<Job>, done: Sender<Done>) {
    while let Ok(first) = jobs.recv() {
        // Keep only the newest job per table.
        let mut latest: HashMap<usize, Job> = HashMap::new();
        latest.insert(first.slot, first);
        while let Ok(j) = jobs.try_recv() {
            latest.insert(j.slot, j);
        }
        for (_, job) in latest {
            if done.send(run(&crm, &job)).is_err() {
                return;
            }
        }
    }
}

/// Runs a job where it stands.
pub fn run(crm: &Crm, job: &Job) -> Done {
    let result = fetch(crm, &job.session, &job.query);
    let all_total = if job.count_all {
        let mut q = job.query.clone();
        q.filter_text.clear();
        q.filters = crate::controllers::list::Filters::default();
        q.offset = 0;
        q.limit = 0;
        q.exact_count = false;
        fetch(crm, &job.session, &q).ok().map(|p| p.total_label())
    } else {
        None
    };
    Done {
        slot: job.slot,
        generation: job.generation,
        result,
        all_total,
    }
}
