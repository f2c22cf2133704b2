//! Collaborators: accounts, login bookkeeping, listing.

use std::collections::HashMap;

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::list::{keyset, Ask, Col, KeyValue, ListRequest, ListSpec, Part, Scope, Seek, SortKey};
use super::{Dbb, ListParams, Page};
use crate::db::models::{Collaborator, NewCollaborator};
use crate::db::schema::collaborators;
use crate::db::search::{self, Indexed, SearchCol};
use crate::db::{Backend, DbConnection};
use crate::domain::Role;
use crate::error::{unique_violation_to_field, Error, Result};
use crate::policy::{Actor, Permit};

#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Default,
    strum::VariantArray,
    serde::Serialize,
    serde::Deserialize,
    utoipa::ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum CollaboratorSort {
    #[default]
    Name,
    EmployeeNumber,
    Email,
    Role,
    Active,
}

impl CollaboratorSort {
    pub const ALL: &'static [CollaboratorSort] =
        <CollaboratorSort as strum::VariantArray>::VARIANTS;
}

#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(default)]
pub struct CollaboratorFilter {
    pub role: Option<Role>,
    pub active_only: bool,
}

type Boxed<'a> = collaborators::BoxedQuery<'a, Dbb>;

/// The list's filters and terms. No trigram table here (a few hundred rows at
/// most): every term is a substring LIKE, on both backends.
fn filtered<'a>(backend: Backend, f: &CollaboratorFilter, p: &ListParams) -> Boxed<'a> {
    let mut q = collaborators::table.into_boxed::<Dbb>();
    if let Some(r) = f.role {
        q = q.filter(collaborators::role.eq(r.as_str()));
    }
    if f.active_only {
        q = q.filter(collaborators::active.eq(true));
    }
    let search = SearchCol {
        col: || Box::new(collaborators::search),
        sql: "collaborators.search",
    };
    for c in &search::conds(&p.terms, Indexed::Substrings) {
        q = q.filter(search::pred(backend, c, &search));
    }
    q
}

/// The staff list (see [`crate::db::repo::list`]).
pub struct CollaboratorList;

/// The columns of each sort. The same values are read from a row in
/// [`ListSpec::load`].
fn key(sort: CollaboratorSort) -> Vec<Part<collaborators::table>> {
    use collaborators as c;
    let name = || Part::asc(Col::Text(|| Box::new(c::sort_name)));
    match sort {
        CollaboratorSort::Name => vec![name()],
        CollaboratorSort::EmployeeNumber => {
            vec![Part::asc(Col::Text(|| Box::new(c::employee_number)))]
        }
        CollaboratorSort::Email => vec![Part::asc(Col::Text(|| Box::new(c::email)))],
        CollaboratorSort::Role => vec![Part::asc(Col::Text(|| Box::new(c::role))), name()],
        // Active ones first.
        CollaboratorSort::Active => vec![Part::reversed(Col::Bool(|| Box::new(c::active))), name()],
    }
}

impl ListSpec for CollaboratorList {
    type Filter = CollaboratorFilter;
    type Sort = CollaboratorSort;
    type Row = Collaborator;

    fn matches(
        conn: &mut DbConnection,
        backend: Backend,
        f: &CollaboratorFilter,
        p: &ListParams,
        ask: Ask,
    ) -> Result<Vec<i64>> {
        Ok(crate::answer!(
            filtered(backend, f, p),
            ask,
            collaborators::id,
            conn
        ))
    }

    fn ids(
        conn: &mut DbConnection,
        backend: Backend,
        f: &CollaboratorFilter,
        sort: CollaboratorSort,
        p: &ListParams,
        scope: Scope<'_>,
        s: &Seek,
    ) -> Result<Vec<i64>> {
        let q = match scope {
            Scope::Matched(ids) => collaborators::table
                .into_boxed::<Dbb>()
                .filter(collaborators::id.eq_any(ids)),
            Scope::Walk => filtered(backend, f, p),
        };
        let key = SortKey {
            parts: key(sort),
            id: || Box::new(collaborators::id),
        };
        Ok(keyset::seek(q, &key, s)?
            .select(collaborators::id)
            .load(conn)?)
    }

    fn load(
        conn: &mut DbConnection,
        sort: CollaboratorSort,
        ids: &[i64],
    ) -> Result<Vec<(Collaborator, Vec<KeyValue>)>> {
        let rows: Vec<(Collaborator, String)> = collaborators::table
            .filter(collaborators::id.eq_any(ids))
            .select((Collaborator::as_select(), collaborators::sort_name))
            .load(conn)?;
        Ok(rows
            .into_iter()
            .map(|(c, name)| {
                let key = match sort {
                    CollaboratorSort::Name => vec![KeyValue::Text(name)],
                    CollaboratorSort::EmployeeNumber => vec![(&c.employee_number).into()],
                    CollaboratorSort::Email => vec![(&c.email).into()],
                    CollaboratorSort::Role => vec![(&c.role).into(), KeyValue::Text(name)],
                    CollaboratorSort::Active => vec![c.active.into(), KeyValue::Text(name)],
                };
                (c, key)
            })
            .collect())
    }

    fn id(row: &Collaborator) -> i64 {
        row.id
    }
}

/// One read of the staff list.
pub fn list<'a>(
    conn: &mut DbConnection,
    f: &CollaboratorFilter,
    sort: CollaboratorSort,
    req: impl Into<ListRequest<'a>>,
) -> Result<Page<Collaborator>> {
    let backend = super::list::backend_of(conn);
    super::list::list::<CollaboratorList>(conn, backend, f, sort, req.into())
}

pub fn get(conn: &mut DbConnection, id: i64) -> Result<Collaborator> {
    collaborators::table
        .find(id)
        .select(Collaborator::as_select())
        .first(conn)
        .optional()?
        .ok_or(Error::NotFound {
            entity: "collaborator",
            id,
        })
}

/// Finds an account by e-mail, whatever its case. No stored address holds a NUL
/// (and PostgreSQL cannot even compare one): such input finds nobody.
pub fn find_by_email(conn: &mut DbConnection, email: &str) -> Result<Option<Collaborator>> {
    if email.contains('\0') {
        return Ok(None);
    }
    Ok(collaborators::table
        .filter(
            diesel::dsl::sql::<diesel::sql_types::Text>("lower(collaborators.email)")
                .eq(email.trim().to_lowercase()),
        )
        .select(Collaborator::as_select())
        .first(conn)
        .optional()?)
}

/// The actor as the database says they are now: the policy's input on every write.
pub fn actor(conn: &mut DbConnection, id: i64) -> Result<Actor> {
    let (role, active): (String, bool) = collaborators::table
        .find(id)
        .select((collaborators::role, collaborators::active))
        .first(conn)
        .optional()?
        .ok_or(Error::NotFound {
            entity: "collaborator",
            id,
        })?;
    Ok(Actor {
        id,
        role: role.parse().unwrap_or(Role::Support),
        active,
    })
}

pub fn count(conn: &mut DbConnection) -> Result<i64> {
    Ok(collaborators::table.count().get_result(conn)?)
}

/// Inserting without a permit is allowed only for the very first account (the
/// database is empty, nobody could authorise it); see `services::auth`.
pub fn insert(
    conn: &mut DbConnection,
    _permit: Option<&Permit>,
    new: &NewCollaborator,
) -> Result<i64> {
    crate::with_backend!(conn, |c| diesel::insert_into(collaborators::table)
        .values(new)
        .returning(collaborators::id)
        .get_result::<i64>(c))
    .map_err(|e| match e {
        diesel::result::Error::DatabaseError(
            diesel::result::DatabaseErrorKind::UniqueViolation,
            ref info,
        ) if info.message().contains("employee_number")
            || info
                .constraint_name()
                .is_some_and(|c| c.contains("employee")) =>
        {
            Error::field("employee_number", "this employee number is already used")
        }
        other => unique_violation_to_field(other, "email", "this e-mail"),
    })
}

/// The editable fields of an account (not the password).
#[derive(Debug, Clone, AsChangeset)]
#[diesel(table_name = collaborators)]
pub struct CollaboratorChanges<'a> {
    pub full_name: &'a str,
    pub email: &'a str,
    pub phone: Option<&'a str>,
    pub role: &'a str,
    pub search: &'a str,
}

pub fn update(
    conn: &mut DbConnection,
    _permit: &Permit,
    id: i64,
    version: i32,
    changes: &CollaboratorChanges,
    now: NaiveDateTime,
) -> Result<()> {
    use collaborators as c;
    let n = diesel::update(c::table.filter(c::id.eq(id)).filter(c::version.eq(version)))
        .set((
            changes,
            c::sort_name.eq(crate::domain::text::fold(changes.full_name)),
            c::version.eq(version + 1),
            c::updated_at.eq(now),
        ))
        .execute(conn)
        .map_err(|e| unique_violation_to_field(e, "email", "this e-mail"))?;
    super::expect_one(n, "collaborator", id, || {
        c::table
            .find(id)
            .select(c::id)
            .first::<i64>(conn)
            .optional()
    })
}

pub fn set_active(
    conn: &mut DbConnection,
    _permit: &Permit,
    id: i64,
    version: i32,
    active: bool,
    now: NaiveDateTime,
) -> Result<()> {
    use collaborators as c;
    let n = diesel::update(c::table.filter(c::id.eq(id)).filter(c::version.eq(version)))
        .set((
            c::active.eq(active),
            c::version.eq(version + 1),
            c::updated_at.eq(now),
        ))
        .execute(conn)?;
    super::expect_one(n, "collaborator", id, || {
        c::table
            .find(id)
            .select(c::id)
            .first::<i64>(conn)
            .optional()
    })
}

/// Sets a password hash. `must_change` is true after a reset by someone else.
/// Not version-checked on purpose: a password change must not fail because an
/// admin edited the phone number meanwhile.
pub fn set_password(
    conn: &mut DbConnection,
    _permit: &Permit,
    id: i64,
    hash: &str,
    must_change: bool,
    now: NaiveDateTime,
) -> Result<()> {
    use collaborators as c;
    diesel::update(c::table.find(id))
        .set((
            c::password_hash.eq(hash),
            c::must_change_password.eq(must_change),
            c::failed_logins.eq(0),
            c::locked_until.eq(None::<NaiveDateTime>),
            c::version.eq(c::version + 1),
            c::updated_at.eq(now),
        ))
        .execute(conn)?;
    Ok(())
}

/// Records a failed login; locks the account when the threshold is reached.
/// Atomic increment, so two failures at once both count. While the account is
/// locked (`locked_until` after `now`) nothing is counted, so guessing during a
/// lock neither extends it nor counts toward the next one. Returns the new lock,
/// if this failure set one.
pub fn record_failed_login(
    conn: &mut DbConnection,
    id: i64,
    now: NaiveDateTime,
    threshold: i32,
    lock_until: NaiveDateTime,
) -> Result<Option<NaiveDateTime>> {
    use collaborators as c;
    let counted = diesel::update(
        c::table
            .find(id)
            .filter(c::locked_until.is_null().or(c::locked_until.le(now))),
    )
    .set(c::failed_logins.eq(c::failed_logins + 1))
    .execute(conn)?;
    if counted == 0 {
        // Locked: nothing to count, but the same write as when counting, so that a
        // locked account answers in the time an unlocked one does.
        touch(conn, id)?;
        return Ok(None);
    }
    let failures: i32 = c::table.find(id).select(c::failed_logins).first(conn)?;
    if failures >= threshold {
        diesel::update(c::table.find(id))
            .set((c::locked_until.eq(Some(lock_until)), c::failed_logins.eq(0)))
            .execute(conn)?;
        return Ok(Some(lock_until));
    }
    Ok(None)
}

/// What [`record_failed_login`] costs, without its effect, for an e-mail with no
/// account: one read and one row written in the same transaction. On PostgreSQL a
/// transaction that wrote nothing commits without waiting for its log to reach the
/// disk, and that wait (milliseconds) would otherwise tell known e-mails apart.
pub fn record_failed_login_for_nobody(conn: &mut DbConnection) -> Result<()> {
    use collaborators as c;
    let first: Option<i64> = c::table.select(c::id).order(c::id).first(conn).optional()?;
    if let Some(id) = first {
        touch(conn, id)?;
    }
    Ok(())
}

/// Rewrites a row as it is: a real write, no change.
fn touch(conn: &mut DbConnection, id: i64) -> Result<()> {
    use collaborators as c;
    diesel::update(c::table.find(id))
        .set(c::failed_logins.eq(c::failed_logins))
        .execute(conn)?;
    Ok(())
}

/// Clears the failure count and any lock after a successful login.
pub fn record_successful_login(conn: &mut DbConnection, id: i64) -> Result<()> {
    use collaborators as c;
    diesel::update(c::table.find(id))
        .set((
            c::failed_logins.eq(0),
            c::locked_until.eq(None::<NaiveDateTime>),
        ))
        .execute(conn)?;
    Ok(())
}

/// Replaces a password hash by a new hash of the same password (a newer scheme or
/// cost), only if it is still `old`: a password changed meanwhile is kept. Neither
/// the version nor `updated_at` moves, since nothing anyone sees has changed, and
/// an edit in progress elsewhere must not meet a conflict for it.
pub fn upgrade_password_hash(conn: &mut DbConnection, id: i64, old: &str, new: &str) -> Result<()> {
    use collaborators as c;
    diesel::update(c::table.find(id).filter(c::password_hash.eq(old)))
        .set(c::password_hash.eq(new))
        .execute(conn)?;
    Ok(())
}

/// id → full name for a handful of ids (a page's worth).
pub fn names(
    conn: &mut DbConnection,
    ids: impl IntoIterator<Item = i64>,
) -> Result<HashMap<i64, String>> {
    let mut ids: Vec<i64> = ids.into_iter().collect();
    ids.sort_unstable();
    ids.dedup();
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    let rows: Vec<(i64, String)> = collaborators::table
        .filter(collaborators::id.eq_any(ids))
        .select((collaborators::id, collaborators::full_name))
        .load(conn)?;
    Ok(rows.into_iter().collect())
}

/// Active collaborators of a role, by name: the pickers' choices.
pub fn active_by_role(conn: &mut DbConnection, role: Role) -> Result<Vec<Collaborator>> {
    Ok(collaborators::table
        .filter(collaborators::role.eq(role.as_str()))
        .filter(collaborators::active.eq(true))
        .order(collaborators::sort_name.asc())
        .select(Collaborator::as_select())
        .load(conn)?)
}

/// The next free `EE-0001`-style number.
pub fn next_employee_number(conn: &mut DbConnection) -> Result<String> {
    let numbers: Vec<String> = collaborators::table
        .select(collaborators::employee_number)
        .load(conn)?;
    let max = numbers
        .iter()
        .filter_map(|n| n.strip_prefix("EE-").and_then(|d| d.parse::<u32>().ok()))
        .max()
        .unwrap_or(0);
    Ok(format!("EE-{:04}", max + 1))
}

pub fn search_text(
    full_name: &str,
    email: &str,
    employee_number: &str,
    role: &str,
    phone: Option<&str>,
) -> String {
    crate::domain::text::search_text([full_name, email, employee_number, role, phone.unwrap_or("")])
}
