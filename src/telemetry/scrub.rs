//! Removes secrets and personal data from what leaves the process: passwords,
//! bcrypt hashes, tokens, e-mail addresses, and passwords inside database URLs.

use std::collections::BTreeMap;

use sentry::protocol::{Event, Value};

const REDACTED: &str = "[redacted]";

/// Keys whose values are always dropped, whatever they hold.
const SECRET_KEYS: &[&str] = &[
    "password",
    "passwd",
    "pwd",
    "secret",
    "token",
    "hash",
    "authorization",
    "cookie",
    "dsn",
    "email",
    "database_url",
    "api_key",
    "apikey",
];

fn is_secret_key(key: &str) -> bool {
    let k = key.to_ascii_lowercase();
    SECRET_KEYS.iter().any(|s| k.contains(s))
}

/// Masks the password of `scheme://user:password@host/…` and of query parameters
/// that carry one (`?password=…`, `&sslpassword=…`). `passfile=` names a file, not
/// a secret, and stays.
pub fn mask_url_password(url: &str) -> String {
    let Some(scheme_end) = url.find("://") else {
        return url.to_string();
    };
    let (head, query) = match url.split_once('?') {
        Some((h, q)) => (h, Some(q)),
        None => (url, None),
    };
    let mut out = mask_userinfo(head, scheme_end);
    if let Some(q) = query {
        out.push('?');
        let pairs: Vec<String> = q
            .split('&')
            .map(|pair| match pair.split_once('=') {
                Some((k, _)) if is_secret_param(k) => format!("{k}=***"),
                _ => pair.to_string(),
            })
            .collect();
        out.push_str(&pairs.join("&"));
    }
    out
}

fn is_secret_param(key: &str) -> bool {
    let k = key.to_ascii_lowercase();
    k != "passfile" && (k.contains("password") || is_secret_key(&k))
}

fn mask_userinfo(url: &str, scheme_end: usize) -> String {
    let rest = &url[scheme_end + 3..];
    let authority_end = rest.find('/').unwrap_or(rest.len());
    let Some(at) = rest[..authority_end].rfind('@') else {
        return url.to_string();
    };
    let userinfo = &rest[..at];
    match userinfo.find(':') {
        Some(colon) => format!(
            "{}://{}:***@{}",
            &url[..scheme_end],
            &userinfo[..colon],
            &rest[at + 1..]
        ),
        None => url.to_string(),
    }
}

/// Replaces bcrypt hashes, e-mail addresses, URL passwords and `password=…` pairs
/// in free text. A secret key standing alone with its separator (`password: x`,
/// `token= x`) hides the word after it.
pub fn scrub_text(s: &str) -> String {
    let mut out = Vec::new();
    let mut hide_next = false;
    for word in s.split_inclusive(char::is_whitespace) {
        let trimmed = word.trim_end();
        let tail = &word[trimmed.len()..];
        let core = trimmed.trim_matches(|c: char| "\"'(),;[]{}<>".contains(c));
        let secret_pair = core
            .split_once(['=', ':'])
            .filter(|(k, _)| is_secret_key(k));
        let replaced = if core.is_empty() {
            None
        } else if std::mem::take(&mut hide_next)
            || core.starts_with("$2a$")
            || core.starts_with("$2b$")
            || core.starts_with("$2y$")
        {
            Some(REDACTED.to_string())
        } else if let Some((k, v)) = secret_pair {
            // Before the URL and e-mail checks: `dsn=https://key@host` goes whole.
            if v.is_empty() {
                hide_next = true;
                None
            } else {
                Some(format!("{k}={REDACTED}"))
            }
        } else if core.contains("://") && (core.contains('@') || core.contains('?')) {
            Some(mask_url_password(core))
        } else if looks_like_email(core) {
            Some("[email]".to_string())
        } else {
            None
        };
        match replaced {
            Some(r) => out.push(trimmed.replace(core, &r) + tail),
            None => out.push(word.to_string()),
        }
    }
    out.concat()
}

fn looks_like_email(s: &str) -> bool {
    match s.split_once('@') {
        Some((local, domain)) => {
            !local.is_empty()
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.contains('@')
        }
        None => false,
    }
}

fn scrub_value(key: Option<&str>, v: &mut Value) {
    if key.is_some_and(is_secret_key) {
        *v = Value::String(REDACTED.into());
        return;
    }
    match v {
        Value::String(s) => *s = scrub_text(s),
        Value::Array(items) => items.iter_mut().for_each(|i| scrub_value(None, i)),
        Value::Object(map) => map.iter_mut().for_each(|(k, v)| scrub_value(Some(k), v)),
        _ => {}
    }
}

fn scrub_map(map: &mut BTreeMap<String, Value>) {
    map.iter_mut().for_each(|(k, v)| scrub_value(Some(k), v));
}

/// The `before_send` hook: every event passes through here.
pub fn scrub_event(mut event: Event<'static>) -> Event<'static> {
    if let Some(m) = event.message.as_mut() {
        *m = scrub_text(m);
    }
    if let Some(le) = event.logentry.as_mut() {
        le.message = scrub_text(&le.message);
        le.params.iter_mut().for_each(|p| scrub_value(None, p));
    }
    for ex in event.exception.values.iter_mut() {
        if let Some(v) = ex.value.as_mut() {
            *v = scrub_text(v);
        }
    }
    scrub_map(&mut event.extra);
    for (k, v) in event.tags.iter_mut() {
        *v = if is_secret_key(k) {
            REDACTED.into()
        } else {
            scrub_text(v)
        };
    }
    for crumb in event.breadcrumbs.values.iter_mut() {
        if let Some(m) = crumb.message.as_mut() {
            *m = scrub_text(m);
        }
        scrub_map(&mut crumb.data);
    }
    if let Some(user) = event.user.as_mut() {
        user.email = None;
        user.ip_address = None;
        user.username = None;
        scrub_map(&mut user.other);
    }
    if let Some(req) = event.request.as_mut() {
        req.cookies = None;
        req.headers.clear();
        req.data = None;
        req.query_string = None;
    }
    event
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masks_url_password() {
        assert_eq!(
            mask_url_password("postgres://app:s3cr3t@db/crm"),
            "postgres://app:***@db/crm"
        );
        assert_eq!(mask_url_password("postgres://db/crm"), "postgres://db/crm");
        assert_eq!(
            mask_url_password("postgres://app@db/crm?sslmode=require&password=s3cr3t"),
            "postgres://app@db/crm?sslmode=require&password=***"
        );
        assert_eq!(
            mask_url_password("postgresql://app:pw@db/crm?sslpassword=k3y&passfile=/h/.pgpass"),
            "postgresql://app:***@db/crm?sslpassword=***&passfile=/h/.pgpass"
        );
        assert_eq!(
            mask_url_password("postgres://db/crm?PASSWORD=x"),
            "postgres://db/crm?PASSWORD=***"
        );
    }

    #[test]
    fn scrubs_text() {
        let s = scrub_text("login kate@x.io failed password=hunter2 hash $2b$12$abcdefghijk");
        assert!(!s.contains("kate@x.io"));
        assert!(!s.contains("hunter2"));
        assert!(!s.contains("$2b$12$"));
        assert!(s.contains("login"));
        let s = scrub_text("password: hunter2 token= abc dsn=https://key@o1.example/2 ok");
        assert_eq!(
            s,
            "password: [redacted] token= [redacted] dsn=[redacted] ok"
        );
    }
}
