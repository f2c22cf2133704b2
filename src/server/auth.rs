//! Who is calling: access tokens (JWT, HS256, signed with a secret kept 0600 in
//! the server's data directory) and opaque refresh tokens (random, stored as
//! digests, rotated on each use).
//!
//! An access token is checked on every request: its signature and algorithm,
//! its expiry against the server's clock, then its session row (a revoked
//! session stops working on the very next request, not after 15 minutes).

use std::collections::HashSet;
use std::path::Path;
use std::sync::atomic::Ordering;

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};

use super::problem::ApiError;
use super::AppState;
use crate::api::wire::{Problem, Tokens};
use crate::error::{Error, Result};
use crate::services::sessions;
use crate::session::Session;
use crate::Crm;

/// The signing secret, as read from its file. `Debug` shows nothing of it.
pub struct Keys {
    enc: EncodingKey,
    dec: DecodingKey,
}

impl std::fmt::Debug for Keys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Keys(…)")
    }
}

/// `n` random bytes from the operating system, as lower-case hex.
fn random_hex(n: usize) -> Result<String> {
    let mut buf = vec![0u8; n];
    ring::rand::SecureRandom::fill(&ring::rand::SystemRandom::new(), &mut buf)
        .map_err(|_| Error::Config("the system's random source failed".into()))?;
    Ok(buf.iter().map(|b| format!("{b:02x}")).collect())
}

impl Keys {
    pub fn from_secret(secret: &[u8]) -> Result<Keys> {
        let bad = |e: jsonwebtoken::errors::Error| Error::Config(format!("token secret: {e}"));
        Ok(Keys {
            enc: EncodingKey::from_secret(secret).map_err(bad)?,
            dec: DecodingKey::from_secret(secret).map_err(bad)?,
        })
    }

    /// The secret in `dir/jwt.secret`, made (64 random bytes, 0600) on first use.
    pub fn load_or_create(dir: &Path) -> Result<Keys> {
        let path = dir.join("jwt.secret");
        let secret = match std::fs::read_to_string(&path) {
            Ok(s) if s.trim().len() >= 64 => s.trim().to_string(),
            _ => {
                let s = random_hex(64)?;
                super::tls::write_private(&path, s.as_bytes())?;
                s
            }
        };
        Keys::from_secret(secret.as_bytes())
    }
}

/// What an access token says.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Claims {
    /// The collaborator's id.
    pub sub: String,
    /// The session's id.
    pub sid: i64,
    pub iat: i64,
    pub exp: i64,
}

/// Signs an access token for session `sid`, valid `ttl` from `now` (server clock).
pub fn issue(keys: &Keys, collaborator: i64, sid: i64, now: i64, ttl: i64) -> Result<String> {
    let claims = Claims {
        sub: collaborator.to_string(),
        sid,
        iat: now,
        exp: now + ttl,
    };
    jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, &keys.enc)
        .map_err(|e| Error::Config(format!("cannot sign a token: {e}")))
}

fn unauthenticated(detail: &str) -> ApiError {
    ApiError::of(Problem::new(
        401,
        "unauthenticated",
        "unauthenticated",
        detail,
    ))
}

/// Checks a token's signature (HS256 only: `none` and every other algorithm are
/// refused), then its expiry against `now`, the server's clock.
pub fn verify(keys: &Keys, token: &str, now: i64) -> std::result::Result<Claims, ApiError> {
    let mut v = Validation::new(Algorithm::HS256);
    // Expiry is checked below against the server's clock, not the system's.
    v.validate_exp = false;
    v.leeway = 0;
    v.required_spec_claims = HashSet::from(["exp".to_string(), "sub".to_string()]);
    let data = jsonwebtoken::decode::<Claims>(token, &keys.dec, &v)
        .map_err(|_| unauthenticated("the access token is not valid"))?;
    if data.claims.exp <= now {
        return Err(ApiError::of(Problem::new(
            401,
            "token_expired",
            "access token expired",
            "the access token has expired; refresh it",
        )));
    }
    Ok(data.claims)
}

/// The digest stored for a refresh token.
pub fn digest(token: &str) -> String {
    let d = ring::digest::digest(&ring::digest::SHA256, token.as_bytes());
    d.as_ref().iter().map(|b| format!("{b:02x}")).collect()
}

fn unix(t: chrono::NaiveDateTime) -> i64 {
    t.and_utc().timestamp()
}

/// Opens a session for a collaborator who just proved their password.
pub fn open_session(st: &AppState, session: Session) -> Result<Tokens> {
    let crm = &st.crm;
    let refresh = random_hex(32)?;
    let expires = crm.now() + st.settings.refresh_ttl;
    let sid = crm.open_server_session(session.collaborator_id, &digest(&refresh), expires)?;
    tokens(st, session, sid, refresh)
}

fn tokens(st: &AppState, session: Session, sid: i64, refresh: String) -> Result<Tokens> {
    let ttl = st.settings.access_ttl.num_seconds();
    let access = issue(
        &st.keys,
        session.collaborator_id,
        sid,
        unix(st.crm.now()),
        ttl,
    )?;
    Ok(Tokens {
        access_token: access,
        refresh_token: refresh,
        expires_in: ttl,
        session,
    })
}

/// The session as the services take it, from the collaborator's row now.
fn session_of(crm: &Crm, row: &sessions::SessionRow) -> Result<Session> {
    let c = crm.get_collaborator(row.collaborator_id)?;
    if !c.active {
        return Err(Error::SessionEnded("account deactivated".into()));
    }
    Ok(Session {
        collaborator_id: c.id,
        role: c.role(),
        name: c.full_name.clone(),
        email: c.email.clone(),
        must_change_password: c.must_change_password,
        logged_in_at: row.created_at,
    })
}

/// Why a session no longer counts, if it does not.
fn ended(row: &sessions::SessionRow, now: chrono::NaiveDateTime) -> Option<String> {
    if row.revoked_at.is_some() {
        return Some(
            row.revoked_reason
                .clone()
                .unwrap_or_else(|| "session ended".into()),
        );
    }
    (row.expires_at <= now).then(|| "session expired".to_string())
}

/// Uses a refresh token: a fresh one gives new tokens (and is spent); a spent
/// one ends its whole session.
pub fn refresh(st: &AppState, token: &str) -> Result<Tokens> {
    let crm = &st.crm;
    let now = crm.now();
    let found = crm.use_refresh_token(&digest(token))?;
    let row = match found {
        sessions::Refresh::Unknown => {
            return Err(Error::SessionEnded("unknown refresh token".into()))
        }
        sessions::Refresh::Reused { session } => {
            tracing::warn!(
                collaborator_id = session.collaborator_id,
                session_id = session.id,
                "refresh token reused; session revoked"
            );
            return Err(Error::SessionEnded(
                "refresh token reused; the session is ended".into(),
            ));
        }
        sessions::Refresh::Fresh { session } => session,
    };
    if let Some(why) = ended(&row, now) {
        return Err(Error::SessionEnded(why));
    }
    let session = session_of(crm, &row)?;
    let next = random_hex(32)?;
    crm.add_refresh_token(row.id, &digest(&next))?;
    tokens(st, session, row.id, next)
}

/// What a collaborator whose password must be changed may still do: change
/// it, see who they are, and log out. Everything else waits for the change.
fn allowed_before_change(parts: &Parts) -> bool {
    use axum::http::Method;
    let path = parts.uri.path();
    matches!(
        (&parts.method, path),
        (&Method::POST, "/v1/me/password")
            | (&Method::GET, "/v1/me")
            | (&Method::DELETE, "/v1/session")
    )
}

/// The caller of an authenticated route.
#[derive(Debug, Clone)]
pub struct Authed {
    pub session: Session,
    pub sid: i64,
}

impl FromRequestParts<AppState> for Authed {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        st: &AppState,
    ) -> std::result::Result<Self, Self::Rejection> {
        let header = parts
            .headers
            .get(axum::http::header::AUTHORIZATION)
            .and_then(|h| h.to_str().ok())
            .unwrap_or("");
        let token = header
            .strip_prefix("Bearer ")
            .ok_or_else(|| unauthenticated("log in first: no access token"))?;
        let claims = verify(&st.keys, token.trim(), unix(st.crm.now()))?;
        let sub: i64 = claims
            .sub
            .parse()
            .map_err(|_| unauthenticated("the access token is not valid"))?;
        let st2 = st.clone();
        let session = super::routes::blocking(move || {
            let now = st2.crm.now();
            let row = st2
                .crm
                .server_session(claims.sid)?
                .filter(|r| r.collaborator_id == sub)
                .ok_or_else(|| Error::SessionEnded("unknown session".into()))?;
            if let Some(why) = ended(&row, now) {
                return Err(Error::SessionEnded(why));
            }
            session_of(&st2.crm, &row)
        })
        .await?;
        if let Some(slot) = parts.extensions.get::<super::access::Who>() {
            slot.0.store(session.collaborator_id, Ordering::Relaxed);
        }
        if session.must_change_password && !allowed_before_change(parts) {
            return Err(ApiError::of(Problem::new(
                403,
                "must_change_password",
                "password change required",
                "change your password first (POST /v1/me/password)",
            )));
        }
        Ok(Authed {
            session,
            sid: claims.sid,
        })
    }
}
