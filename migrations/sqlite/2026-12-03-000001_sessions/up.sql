-- Sessions of the team server: one row per login, ended by logout, by a reused
-- refresh token, or when the collaborator's rights change (deactivation, role,
-- password, lockout). Refresh tokens are stored as SHA-256 digests only, one row
-- per token issued; a token is used once, and a second use ends its session.
CREATE TABLE sessions (
    id INTEGER PRIMARY KEY,
    collaborator_id INTEGER NOT NULL REFERENCES collaborators (id),
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL,
    revoked_at TIMESTAMP,
    revoked_reason TEXT,
    updated_at TIMESTAMP NOT NULL,
    version INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX sessions_collaborator ON sessions (collaborator_id, revoked_at);

CREATE TABLE refresh_tokens (
    token_hash TEXT PRIMARY KEY NOT NULL,
    session_id INTEGER NOT NULL REFERENCES sessions (id),
    created_at TIMESTAMP NOT NULL,
    used_at TIMESTAMP
);
CREATE INDEX refresh_tokens_session ON refresh_tokens (session_id);
