//! Filter-as-you-type in the database. Terms are folded (see
//! [`crate::domain::text::fold`]) and matched against each table's folded `search`
//! column. On SQLite, terms of 3+ characters go through the FTS5 trigram index;
//! shorter ones, and every term on PostgreSQL (where a pg_trgm GIN index serves
//! LIKE), are substring LIKE patterns. All are bound parameters.

use diesel::dsl::{sql, AsExprOf};
use diesel::expression::{SqlLiteral, UncheckedBind};
use diesel::sql_types::{Bool, Text};

use super::Backend;

/// An `id IN (SELECT rowid FROM <fts> WHERE <fts> MATCH ?)` clause.
pub type FtsClause = SqlLiteral<Bool, UncheckedBind<SqlLiteral<Bool>, AsExprOf<String, Text>>>;

/// How the terms of one filter split between the trigram index and LIKE.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct TermPlan {
    /// An FTS5 query (`"abc" "def"`: all must match), when there are long terms
    /// and the backend is SQLite.
    pub fts_query: Option<String>,
    /// `%term%` patterns, escaped with `\`.
    pub like_patterns: Vec<String>,
}

/// The trigram tokenizer cannot match fewer than three characters.
const TRIGRAM: usize = 3;

pub fn plan(backend: Backend, terms: &[String]) -> TermPlan {
    let mut out = TermPlan::default();
    let mut fts = Vec::new();
    for t in terms {
        if backend == Backend::Sqlite && t.chars().count() >= TRIGRAM {
            fts.push(format!("\"{}\"", t.replace('"', "\"\"")));
        } else {
            out.like_patterns.push(like_pattern(t));
        }
    }
    if !fts.is_empty() {
        out.fts_query = Some(fts.join(" "));
    }
    out
}

/// Every term as a `%term%` pattern, long ones too. On SQLite this is for walking
/// an index in sort order and testing each row: a trigram phrase query and LIKE on
/// the folded (lower-case ASCII) `search` column match the same rows.
pub fn like_patterns(terms: &[String]) -> Vec<String> {
    terms.iter().map(|t| like_pattern(t)).collect()
}

/// `%term%` with LIKE's wildcards escaped so they match themselves.
pub fn like_pattern(term: &str) -> String {
    let mut p = String::with_capacity(term.len() + 2);
    p.push('%');
    for c in term.chars() {
        if matches!(c, '%' | '_' | '\\') {
            p.push('\\');
        }
        p.push(c);
    }
    p.push('%');
    p
}

/// `<table>.id IN (SELECT rowid FROM <table>_fts WHERE <table>_fts MATCH ?)`.
/// `table` is one of our own table names, never user input.
pub fn fts_clause(table: &'static str, query: String) -> FtsClause {
    let head = match table {
        "clients" => "clients.id IN (SELECT rowid FROM clients_fts WHERE clients_fts MATCH ",
        "contracts" => {
            "contracts.id IN (SELECT rowid FROM contracts_fts WHERE contracts_fts MATCH "
        }
        _ => "events.id IN (SELECT rowid FROM events_fts WHERE events_fts MATCH ",
    };
    sql::<Bool>(head).bind::<Text, _>(query).sql(")")
}

/// The FTS5 tables as join sources, so a capped count can stream matches from the
/// index (`FROM events_fts JOIN events ON events.id = events_fts.rowid`) and stop at
/// the cap, where `id IN (SELECT rowid …)` first collects every match. SQLite only.
pub mod fts {
    use crate::db::schema::{clients, contracts, events};

    diesel::table! {
        events_fts (rowid) {
            rowid -> BigInt,
        }
    }

    diesel::table! {
        clients_fts (rowid) {
            rowid -> BigInt,
        }
    }

    diesel::table! {
        contracts_fts (rowid) {
            rowid -> BigInt,
        }
    }

    // Each pairing a list query uses (the filters' subselects included).
    diesel::allow_tables_to_appear_in_same_query!(events_fts, events);
    diesel::allow_tables_to_appear_in_same_query!(events_fts, contracts);
    diesel::allow_tables_to_appear_in_same_query!(events_fts, clients);
    diesel::allow_tables_to_appear_in_same_query!(clients_fts, clients);
    diesel::allow_tables_to_appear_in_same_query!(contracts_fts, contracts);
    diesel::allow_tables_to_appear_in_same_query!(contracts_fts, clients);
}

/// `<table>_fts MATCH ?`, for a query that joins the FTS table itself.
pub fn fts_match(table: &'static str, query: String) -> FtsClause {
    let head = match table {
        "clients" => "clients_fts MATCH ",
        "contracts" => "contracts_fts MATCH ",
        _ => "events_fts MATCH ",
    };
    sql::<Bool>(head).bind::<Text, _>(query).sql("")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_terms_by_length_and_backend() {
        let terms = vec!["ka".to_string(), "kate".to_string(), "50%".to_string()];
        let p = plan(Backend::Sqlite, &terms);
        assert_eq!(p.fts_query.as_deref(), Some("\"kate\" \"50%\""));
        assert_eq!(p.like_patterns, vec!["%ka%"]);
        let p = plan(Backend::Postgres, &terms);
        assert_eq!(p.fts_query, None);
        assert_eq!(p.like_patterns, vec!["%ka%", "%kate%", "%50\\%%"]);
    }

    #[test]
    fn quotes_are_escaped_for_fts() {
        let p = plan(Backend::Sqlite, &["a\"b'c".to_string()]);
        assert_eq!(p.fts_query.as_deref(), Some("\"a\"\"b'c\""));
    }
}
