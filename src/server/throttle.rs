//! Failed logins per client address. The per-account lockout lives in the
//! database (the services count failures per account); this adds a ceiling per
//! address, so one machine cannot guess through many accounts. Kept in memory:
//! a restart forgives, which the per-account lockout does not.

use std::collections::{HashMap, VecDeque};
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Most addresses remembered; past it the one seen longest ago is forgotten.
const MAX_ADDRESSES: usize = 10_000;

#[derive(Debug)]
pub struct Throttle {
    limit: usize,
    window: Duration,
    failures: Mutex<HashMap<IpAddr, VecDeque<Instant>>>,
}

impl Throttle {
    pub fn new(limit: usize, window: Duration) -> Throttle {
        Throttle {
            limit,
            window,
            failures: Mutex::default(),
        }
    }

    fn table(&self) -> std::sync::MutexGuard<'_, HashMap<IpAddr, VecDeque<Instant>>> {
        self.failures
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Seconds to wait before `ip` may try again, if it must.
    pub fn retry_after(&self, ip: IpAddr) -> Option<u64> {
        let now = Instant::now();
        let mut t = self.table();
        let q = t.get_mut(&ip)?;
        while q
            .front()
            .is_some_and(|f| now.duration_since(*f) >= self.window)
        {
            q.pop_front();
        }
        if q.len() < self.limit {
            return None;
        }
        let oldest = *q.front()?;
        let left = self.window.saturating_sub(now.duration_since(oldest));
        Some(left.as_secs().max(1))
    }

    /// Counts one failed login from `ip`.
    pub fn failed(&self, ip: IpAddr) {
        let now = Instant::now();
        let mut t = self.table();
        if !t.contains_key(&ip) && t.len() >= MAX_ADDRESSES {
            let stalest = t
                .iter()
                .min_by_key(|(_, q)| q.back().copied())
                .map(|(k, _)| *k);
            if let Some(k) = stalest {
                t.remove(&k);
            }
        }
        let q = t.entry(ip).or_default();
        q.push_back(now);
        while q.len() > self.limit {
            q.pop_front();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_address_is_held_back_after_its_limit_only() {
        let t = Throttle::new(3, Duration::from_secs(600));
        let a: IpAddr = [10, 0, 0, 1].into();
        let b: IpAddr = [10, 0, 0, 2].into();
        for _ in 0..2 {
            t.failed(a);
        }
        assert_eq!(t.retry_after(a), None);
        t.failed(a);
        assert!(t.retry_after(a).is_some_and(|s| s > 0 && s <= 600));
        assert_eq!(t.retry_after(b), None);
        let short = Throttle::new(1, Duration::ZERO);
        short.failed(a);
        assert_eq!(short.retry_after(a), None, "the window has passed");
    }
}
