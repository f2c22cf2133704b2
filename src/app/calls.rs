//! Asking the worker and taking its answers. A *call* is what the user waits
//! for (one at a time: a second Ctrl-S while a save is on its way is not sent
//! again); *background* work (reminders, unread count, list queries) never
//! blocks a key. Each answer is applied only if it is still wanted.

use std::time::{Duration, Instant};

use super::worker::{Done, Job, Tag, Task, Worker};
use super::App;
use crate::api::CrmApi;

/// After this long the status line says the database is slow and how to give up.
pub const SLOW: Duration = Duration::from_secs(3);

/// The call the user is waiting for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Waiting {
    pub id: u64,
    /// What shows meanwhile ("saving…", "logging in…").
    pub label: String,
    pub since: Instant,
    /// The "still waiting" notice is showing.
    pub slow: bool,
}

impl App {
    /// Runs `run` on the worker and `then` with its result on the screen thread,
    /// unless the user gave up meanwhile. Returns false (and sends nothing) when
    /// another call is still on its way.
    pub(crate) fn call<T: Send + 'static>(
        &mut self,
        label: &str,
        run: impl FnOnce(&dyn CrmApi) -> T + Send + 'static,
        then: impl FnOnce(&mut App, T) + Send + 'static,
    ) -> bool {
        if self.waiting.is_some() {
            return false;
        }
        self.next_call += 1;
        let id = self.next_call;
        self.waiting = Some(Waiting {
            id,
            label: label.to_string(),
            since: Instant::now(),
            slow: false,
        });
        self.send(Tag::Call(id), task(run, then));
        true
    }

    /// Work nobody waits for; dropped if the session ends first.
    pub(crate) fn background<T: Send + 'static>(
        &mut self,
        run: impl FnOnce(&dyn CrmApi) -> T + Send + 'static,
        then: impl FnOnce(&mut App, T) + Send + 'static,
    ) {
        self.send(Tag::Session, task(run, then));
    }

    /// Hands a job to the worker (or runs it here when there is none).
    pub(crate) fn send(&mut self, tag: Tag, task: Task) {
        let job = Job {
            epoch: self.epoch,
            tag,
            task,
        };
        if let Worker::Thread { jobs } = &self.worker {
            match jobs.send(job) {
                Ok(()) => {
                    self.outstanding += 1;
                    return;
                }
                Err(e) => {
                    tracing::warn!("the database worker stopped; calls run inline");
                    self.worker = Worker::Inline;
                    let job = e.0;
                    let apply = (job.task)(&*self.crm);
                    self.deliver_now(job.epoch, job.tag, apply);
                }
            }
            return;
        }
        let apply = (job.task)(&*self.crm);
        self.deliver_now(job.epoch, job.tag, apply);
    }

    /// An answer from the worker.
    pub fn deliver(&mut self, done: Done) {
        if done.tag != Tag::Live {
            self.outstanding = self.outstanding.saturating_sub(1);
        }
        self.deliver_now(done.epoch, done.tag, done.apply);
    }

    fn deliver_now(&mut self, epoch: u64, tag: Tag, apply: super::worker::Apply) {
        if epoch != self.epoch {
            return;
        }
        if let Tag::Call(id) = tag {
            if self.waiting.as_ref().map(|w| w.id) != Some(id) {
                return;
            }
            self.waiting = None;
        }
        apply(self);
    }

    /// Stops waiting for the pending call; its answer, if it ever comes, is
    /// dropped.
    pub fn give_up(&mut self) {
        if self.waiting.take().is_some() {
            self.info("Gave up waiting; nothing from that call will be applied.");
        }
    }

    /// What the status line says while a call is on its way.
    pub fn waiting_text(&self) -> Option<String> {
        let w = self.waiting.as_ref()?;
        Some(if w.since.elapsed() >= SLOW {
            "still waiting for the database… (Esc gives up)".to_string()
        } else {
            w.label.clone()
        })
    }

    /// What the status line shows: the pending call's progress over any message.
    pub fn status_toast(&self) -> Option<crate::state::toast::Toast> {
        match self.waiting_text() {
            Some(t) => Some(crate::state::toast::Toast::info(t)),
            None => self.toast.clone(),
        }
    }

    /// True while a call the user waits for is on its way.
    pub fn is_waiting(&self) -> bool {
        self.waiting.is_some()
    }

    /// Moves database calls to a worker thread whose answers [`App::settle`]
    /// collects (tests drive the app this way, as the terminal does).
    pub fn use_worker(&mut self) {
        self.use_slow_worker(Duration::ZERO);
    }

    /// The same with every answer held back `delay`, as from a slow database.
    pub fn use_slow_worker(&mut self, delay: Duration) {
        let (w, rx) = Worker::polled(self.crm.clone(), delay);
        self.worker = w;
        self.answers = Some(rx);
    }

    /// Jobs handed to the worker and not answered yet.
    pub fn outstanding(&self) -> usize {
        self.outstanding
    }

    /// Waits until the worker has answered everything asked of it and the
    /// screen has asked nothing more (tests). Gives up after `limit`.
    pub fn settle_within(&mut self, limit: Duration) -> bool {
        let end = Instant::now() + limit;
        loop {
            self.tick();
            if self.outstanding == 0 {
                return true;
            }
            let Some(rx) = &self.answers else {
                return true;
            };
            let left = end.saturating_duration_since(Instant::now());
            match rx.recv_timeout(left) {
                Ok(done) => self.deliver(done),
                Err(_) => return false,
            }
        }
    }

    /// [`App::settle_within`] ten seconds.
    pub fn settle(&mut self) -> bool {
        self.settle_within(Duration::from_secs(10))
    }

    /// Takes every answer already there without waiting (tests).
    pub fn poll_answers(&mut self) {
        let mut got = Vec::new();
        if let Some(rx) = &self.answers {
            while let Ok(d) = rx.try_recv() {
                got.push(d);
            }
        }
        for d in got {
            self.deliver(d);
        }
    }
}

fn task<T: Send + 'static>(
    run: impl FnOnce(&dyn CrmApi) -> T + Send + 'static,
    then: impl FnOnce(&mut App, T) + Send + 'static,
) -> Task {
    Box::new(move |crm| {
        let t = run(crm);
        Box::new(move |app: &mut App| then(app, t))
    })
}
