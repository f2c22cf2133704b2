//! Password hashes: the one place where they are made and checked.
//!
//! bcrypt reads only the first 72 bytes of its input, so two long passwords that
//! share their first 72 bytes would hash alike. Every password is therefore first
//! reduced to a fixed-size digest (HMAC-SHA-256 under a fixed context key, base64:
//! 44 characters) and that digest is what bcrypt hashes: every byte counts.
//!
//! Such hashes are stored as the bcrypt string followed by [`SUFFIX`], so that the
//! hashes written before (plain bcrypt of the raw password) still verify; a login
//! that succeeds on one of those replaces it (see [`needs_rehash`]). A suffix
//! rather than a prefix: the stored text still starts like any bcrypt hash
//! (`$2b$`), which is what the log and Sentry scrubbers look for.

use std::cell::Cell;
use std::sync::OnceLock;

use base64::Engine;
use ring::hmac;

use crate::error::Result;

/// Marks a hash made with the pre-hash: a bcrypt string then `$ee1`. bcrypt's
/// own alphabet has no `$` after the salt, so no plain bcrypt hash ends so.
pub const SUFFIX: &str = "$ee1";

/// The HMAC key of the pre-hash. Not a secret: it only separates this use of
/// SHA-256 from any other, so the digest is no general-purpose hash of the password.
const CONTEXT_KEY: &[u8] = b"epicevents password v1";

thread_local! {
    /// bcrypt verifications made on this thread: see [`verifications`].
    static VERIFICATIONS: Cell<u64> = const { Cell::new(0) };
}

/// The fixed-size stand-in for a password that bcrypt actually reads.
fn prehash(password: &str) -> String {
    let key = hmac::Key::new(hmac::HMAC_SHA256, CONTEXT_KEY);
    let tag = hmac::sign(&key, password.as_bytes());
    base64::engine::general_purpose::STANDARD.encode(tag.as_ref())
}

/// A new hash of `password` at bcrypt `cost`, in the current scheme.
pub fn hash(password: &str, cost: u32) -> Result<String> {
    let h = bcrypt::hash(prehash(password), cost)?;
    Ok(format!("{h}{SUFFIX}"))
}

/// True when `password` is the one `stored` was made from: one bcrypt
/// verification, whatever the scheme of `stored`. A malformed hash (none is ever
/// written) matches nothing.
pub fn verify(password: &str, stored: &str) -> bool {
    VERIFICATIONS.with(|n| n.set(n.get() + 1));
    match stored.strip_suffix(SUFFIX) {
        Some(h) => bcrypt::verify(prehash(password), h).unwrap_or(false),
        // Written before the pre-hash: bcrypt of the raw password.
        None => bcrypt::verify(password, stored).unwrap_or(false),
    }
}

/// True when `stored` should be replaced after a successful login: it predates the
/// pre-hash, or its cost is not the configured one. A hash at another cost would
/// also make that account's failed logins take another time than an unknown
/// e-mail's, which is verified against a dummy at the configured cost.
pub fn needs_rehash(stored: &str, cost: u32) -> bool {
    let Some(h) = stored.strip_suffix(SUFFIX) else {
        return true;
    };
    // "$2b$12$…": the cost is the third field.
    h.split('$').nth(2).and_then(|c| c.parse::<u32>().ok()) != Some(cost)
}

/// A hash of a random password at `cost`, made once per cost: what an e-mail
/// with no account is verified against, so that it costs the same as a real one.
pub fn dummy_hash(cost: u32) -> &'static str {
    static DUMMIES: [OnceLock<String>; 32] = [const { OnceLock::new() }; 32];
    let Some(cell) = usize::try_from(cost).ok().and_then(|i| DUMMIES.get(i)) else {
        // Outside bcrypt's range: no real hash can have this cost either.
        return "";
    };
    cell.get_or_init(|| hash(&random_password(), cost).unwrap_or_default())
}

/// 32 random bytes, base64: nobody can type the dummy's password.
fn random_password() -> String {
    use ring::rand::SecureRandom;
    let mut bytes = [0u8; 32];
    if ring::rand::SystemRandom::new().fill(&mut bytes).is_err() {
        // No system randomness: the dummy's verdict is ignored anyway.
        return "no system randomness for the dummy password".into();
    }
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

/// How many bcrypt verifications [`verify`] has made on the calling thread, for
/// tests that check every login path costs exactly one (per thread, so tests
/// running in parallel do not count each other's).
#[doc(hidden)]
pub fn verifications() -> u64 {
    VERIFICATIONS.with(Cell::get)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_byte_counts() {
        let a = format!("{}A", "x".repeat(99));
        let b = format!("{}B", "x".repeat(99));
        let h = hash(&a, 4).expect("hash");
        assert!(h.starts_with("$2b$04$") && h.ends_with(SUFFIX), "{h}");
        assert!(verify(&a, &h));
        assert!(!verify(&b, &h));
        assert_eq!(prehash(&a).len(), 44);
    }

    #[test]
    fn plain_bcrypt_hashes_still_verify_and_are_replaced() {
        let old = bcrypt::hash("Tangerine-Orbit-1987!", 4).expect("hash");
        assert!(verify("Tangerine-Orbit-1987!", &old));
        assert!(!verify("Tangerine-Orbit-1988!", &old));
        assert!(needs_rehash(&old, 4));
        let new = hash("Tangerine-Orbit-1987!", 4).expect("hash");
        assert!(!needs_rehash(&new, 4));
        assert!(needs_rehash(&new, 5));
    }

    #[test]
    fn one_verification_per_call_even_on_a_malformed_hash() {
        let before = verifications();
        assert!(!verify("x", "not a hash"));
        assert!(!verify("x", dummy_hash(4)));
        assert_eq!(verifications() - before, 2);
        assert_eq!(dummy_hash(4), dummy_hash(4));
        assert!(dummy_hash(4).ends_with(SUFFIX));
        assert_eq!(dummy_hash(99), "");
    }
}
