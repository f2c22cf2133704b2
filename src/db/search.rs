//! Filter-as-you-type in the database. Terms are folded (see
//! [`crate::domain::text::fold`]) and matched against each table's folded `search`
//! column; all must match.
//!
//! * A term of 3+ characters matches anywhere in the text (a substring): on SQLite
//!   through the FTS5 trigram index, on PostgreSQL as `LIKE '%term%'` through a
//!   pg_trgm GIN index.
//! * A term of 1–2 characters matches the start of a word, a word being a run of
//!   letters and digits: typing `q` finds "Quentin", "q.martin@…" and "\"Quoted\"",
//!   not "Boquet". It is answered from a word-prefix index: an FTS5 table (default
//!   `unicode61` words) with 1- and 2-character prefix indexes on SQLite, a GIN
//!   index over each word's first one and two characters on PostgreSQL. A substring
//!   index for one letter does not exist: that would be a scan. A short term of
//!   punctuation alone (`%`, `&`) matches anywhere, like a long one (a scan, rare).
//!
//! On SQLite the long terms drive the query together from the trigram index (FTS5
//! intersects them), or else the short term with the longest lead (the most
//! selective) drives from the word index; the other terms are tested on its
//! matches. On PostgreSQL the planner intersects the terms' index scans itself.
//! Every value is a bound parameter.

use diesel::dsl::sql;
use diesel::prelude::*;
use diesel::query_source::QuerySource;
use diesel::sql_types::{Bool, Text};

use super::repo::list::{Expr, Pred};
use super::Backend;

/// Terms shorter than this match word starts (the trigram tokenizer cannot
/// match fewer than three characters).
const TRIGRAM: usize = 3;

/// One term's test on a row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Cond {
    /// `%term%`, LIKE's wildcards escaped with `\`.
    Substring(String),
    /// The folded term, to match at the start of a word (at the start of the text
    /// or after a character other than a letter or digit); `lead` is its leading
    /// letters and digits, what the word-prefix indexes know.
    WordStart { term: String, lead: String },
}

/// An FTS5 query that drives a SQLite list from an index.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Driver {
    /// On the trigram table: `"term"`.
    Trigram(String),
    /// On the word table: `"te"*`.
    Words(String),
}

/// How the terms of one filter are answered.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct TermPlan {
    /// The index query the matches stream from (SQLite tables with FTS only).
    pub driver: Option<Driver>,
    /// The terms tested on each row (all of them, when there is no driver).
    pub conds: Vec<Cond>,
}

/// What a table's text is indexed with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Indexed {
    /// Trigram and word-prefix indexes (clients, contracts, events): short terms
    /// match word starts.
    Words,
    /// Small tables (collaborators, notifications) or a trigram index alone
    /// (audit): every term is a substring.
    Substrings,
}

/// A character of a word: what FTS5's `unicode61` tokenizer keeps in a token, on
/// folded (ASCII, lower-case) text.
fn is_word_char(c: char) -> bool {
    c.is_ascii_lowercase() || c.is_ascii_digit()
}

fn is_short(term: &str) -> bool {
    term.chars().count() < TRIGRAM
}

fn fts_phrase(term: &str) -> String {
    format!("\"{}\"", term.replace('"', "\"\""))
}

/// Each term as a row test.
pub fn conds(terms: &[String], indexed: Indexed) -> Vec<Cond> {
    terms
        .iter()
        .map(|t| {
            if indexed == Indexed::Words && is_short(t) && t.chars().any(is_word_char) {
                Cond::WordStart {
                    term: t.clone(),
                    lead: t.chars().take_while(|c| is_word_char(*c)).collect(),
                }
            } else {
                Cond::Substring(like_pattern(t))
            }
        })
        .collect()
}

/// The plan for a filter: on SQLite with word tables, the longest term drives.
pub fn plan(backend: Backend, terms: &[String], indexed: Indexed) -> TermPlan {
    let mut conds = conds(terms, indexed);
    if backend != Backend::Sqlite || indexed != Indexed::Words {
        return TermPlan {
            driver: None,
            conds,
        };
    }
    // Long terms drive together: FTS5 intersects their trigram lists itself,
    // cheaper than testing each match's row. Without long terms, the short term
    // with the longest lead (the most selective) drives from the word index and its
    // row test is dropped when the index answers it exactly.
    let long: Vec<usize> = (0..terms.len())
        .filter(|&i| matches!(conds[i], Cond::Substring(_)) && !is_short(&terms[i]))
        .collect();
    if !long.is_empty() {
        let query: Vec<String> = long.iter().map(|&i| fts_phrase(&terms[i])).collect();
        for &i in long.iter().rev() {
            conds.remove(i);
        }
        return TermPlan {
            driver: Some(Driver::Trigram(query.join(" "))),
            conds,
        };
    }
    let best = conds
        .iter()
        .enumerate()
        .filter_map(|(i, c)| match c {
            Cond::WordStart { lead, .. } if !lead.is_empty() => Some((i, lead.chars().count())),
            _ => None,
        })
        .max_by_key(|(i, n)| (*n, std::cmp::Reverse(*i)));
    let Some((i, _)) = best else {
        return TermPlan {
            driver: None,
            conds,
        };
    };
    let Cond::WordStart { term, lead } = &conds[i] else {
        unreachable!("chosen among word starts")
    };
    let driver = Driver::Words(format!("{}*", fts_phrase(lead)));
    if term == lead {
        conds.remove(i);
    }
    TermPlan {
        driver: Some(driver),
        conds,
    }
}

/// `%term%` with LIKE's wildcards escaped so they match themselves.
pub fn like_pattern(term: &str) -> String {
    format!("%{}%", escape_like(term))
}

fn escape_like(term: &str) -> String {
    let mut p = String::with_capacity(term.len() + 2);
    for c in term.chars() {
        if matches!(c, '%' | '_' | '\\') {
            p.push('\\');
        }
        p.push(c);
    }
    p
}

/// A table's searchable text: the column (or expression), and its SQL spelling
/// for the PostgreSQL word-prefix index expression (our own text, never input).
pub struct SearchCol<QS> {
    pub col: fn() -> Expr<QS, Text>,
    pub sql: &'static str,
}

/// One term's test as a condition on a row.
pub fn pred<QS>(backend: Backend, c: &Cond, search: &SearchCol<QS>) -> Pred<QS>
where
    QS: QuerySource + 'static,
{
    match c {
        Cond::Substring(p) => Box::new((search.col)().like(p.clone()).escape('\\')),
        // The expression of the GIN index `*_word_prefixes` (so that it serves),
        // and the exact test.
        Cond::WordStart { term, lead } if backend == Backend::Postgres => {
            let exact = format!("(^|[^a-z0-9]){}", regex_escape(term));
            let regex: Pred<QS> = Box::new(
                sql::<Bool>("(")
                    .sql(search.sql)
                    .sql(" ~ ")
                    .bind::<Text, _>(exact)
                    .sql(")"),
            );
            if lead.is_empty() {
                return regex;
            }
            let indexed: Pred<QS> = Box::new(
                sql::<Bool>("epic_word_prefixes(")
                    .sql(search.sql)
                    .sql(") @> ARRAY[")
                    .bind::<Text, _>(lead.chars().take(2).collect::<String>())
                    .sql("]::text[]"),
            );
            Box::new(indexed.and(regex))
        }
        Cond::WordStart { term, .. } => {
            let t = glob_escape(term);
            Box::new(
                sql::<Bool>("(")
                    .sql(search.sql)
                    .sql(" GLOB ")
                    .bind::<Text, _>(format!("{t}*"))
                    .sql(" OR ")
                    .sql(search.sql)
                    .sql(" GLOB ")
                    .bind::<Text, _>(format!("*[^a-z0-9]{t}*"))
                    .sql(")"),
            )
        }
    }
}

/// A term as itself in a GLOB pattern.
fn glob_escape(term: &str) -> String {
    let mut out = String::new();
    for c in term.chars() {
        match c {
            '*' | '?' | '[' => {
                out.push('[');
                out.push(c);
                out.push(']');
            }
            _ => out.push(c),
        }
    }
    out
}

/// A term as itself in a PostgreSQL regular expression.
fn regex_escape(term: &str) -> String {
    let mut out = String::new();
    for c in term.chars() {
        if !c.is_ascii_alphanumeric() {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// `<table> MATCH ?` for a query that joins the FTS table; `table` is one of the
/// tables of [`fts`], never input.
pub fn fts_match(table: &'static str, query: String) -> FtsMatch {
    sql::<Bool>(&format!("{table} MATCH ")).bind::<Text, _>(query)
}

/// The type of [`fts_match`].
pub type FtsMatch = diesel::expression::UncheckedBind<
    diesel::expression::SqlLiteral<Bool>,
    diesel::dsl::AsExprOf<String, Text>,
>;

/// The FTS5 tables as join sources, so a capped count streams matches from the
/// index (`FROM events_fts JOIN events ON events.id = events_fts.rowid`) and stops
/// at the cap. SQLite only.
pub mod fts {
    use crate::db::schema::{clients, contracts, events};

    macro_rules! fts_table {
        ($name:ident) => {
            diesel::table! {
                $name (rowid) {
                    rowid -> BigInt,
                }
            }
        };
    }
    fts_table!(events_fts);
    fts_table!(clients_fts);
    fts_table!(contracts_fts);
    fts_table!(events_words);
    fts_table!(clients_words);
    fts_table!(contracts_words);

    // Each pairing a list query uses (the filters' subselects included).
    diesel::allow_tables_to_appear_in_same_query!(events_fts, events);
    diesel::allow_tables_to_appear_in_same_query!(events_fts, contracts);
    diesel::allow_tables_to_appear_in_same_query!(events_fts, clients);
    diesel::allow_tables_to_appear_in_same_query!(events_words, events);
    diesel::allow_tables_to_appear_in_same_query!(events_words, contracts);
    diesel::allow_tables_to_appear_in_same_query!(events_words, clients);
    diesel::allow_tables_to_appear_in_same_query!(clients_fts, clients);
    diesel::allow_tables_to_appear_in_same_query!(clients_words, clients);
    diesel::allow_tables_to_appear_in_same_query!(contracts_fts, contracts);
    diesel::allow_tables_to_appear_in_same_query!(contracts_fts, clients);
    diesel::allow_tables_to_appear_in_same_query!(contracts_words, contracts);
    diesel::allow_tables_to_appear_in_same_query!(contracts_words, clients);
}

/// Runs `$finish` on the table `$t` filtered by `$apply` and the plan's row
/// tests, streamed from the plan's FTS driver when it has one (SQLite), from the
/// table itself otherwise. `$trigram`/`$words` are the table's FTS tables in
/// [`fts`].
#[macro_export]
macro_rules! with_terms {
    ($backend:expr, $plan:expr, $t:ident, $trigram:ident, $words:ident, $search:expr,
     |$q:ident| $apply:block, |$fq:ident| $finish:expr) => {{
        use $crate::db::search::{fts, pred, Driver};
        let plan = $plan;
        macro_rules! rest {
            ($src:expr) => {{
                let mut $q = $src;
                $apply;
                for c in &plan.conds {
                    $q = $q.filter(pred($backend, c, &$search));
                }
                let $fq = $q;
                $finish
            }};
        }
        match plan.driver.clone() {
            Some(Driver::Trigram(m)) => rest!(fts::$trigram::table
                .inner_join($t::table.on($t::id.eq(fts::$trigram::rowid)))
                .into_boxed::<$crate::db::repo::Dbb>()
                .filter($crate::db::search::fts_match(stringify!($trigram), m))),
            Some(Driver::Words(m)) => rest!(fts::$words::table
                .inner_join($t::table.on($t::id.eq(fts::$words::rowid)))
                .into_boxed::<$crate::db::repo::Dbb>()
                .filter($crate::db::search::fts_match(stringify!($words), m))),
            None => rest!($t::table.into_boxed::<$crate::db::repo::Dbb>()),
        }
    }};
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_longest_term_drives_on_sqlite() {
        let terms = vec!["ka".to_string(), "kate".to_string(), "50%".to_string()];
        let p = plan(Backend::Sqlite, &terms, Indexed::Words);
        assert_eq!(p.driver, Some(Driver::Trigram("\"kate\" \"50%\"".into())));
        let ka = Cond::WordStart {
            term: "ka".into(),
            lead: "ka".into(),
        };
        assert_eq!(p.conds, vec![ka.clone()]);
        let p = plan(Backend::Sqlite, &["b".into(), "ka".into()], Indexed::Words);
        assert_eq!(p.driver, Some(Driver::Words("\"ka\"*".into())));
        assert_eq!(p.conds.len(), 1);
        let p = plan(Backend::Sqlite, &["q".to_string()], Indexed::Words);
        assert_eq!(p.driver, Some(Driver::Words("\"q\"*".into())));
        assert!(p.conds.is_empty());
        // Not all of "o'" is in the index: its lead drives, the term is tested.
        let p = plan(Backend::Sqlite, &["o'".to_string()], Indexed::Words);
        assert_eq!(p.driver, Some(Driver::Words("\"o\"*".into())));
        assert_eq!(p.conds.len(), 1);
        // Punctuation alone matches anywhere.
        let p = plan(Backend::Sqlite, &["%".to_string()], Indexed::Words);
        assert_eq!(p.driver, None);
        assert_eq!(p.conds, vec![Cond::Substring("%\\%%".into())]);
        let p = plan(Backend::Postgres, &terms, Indexed::Words);
        assert_eq!(p.driver, None);
        assert_eq!(p.conds.len(), 3);
        let p = plan(Backend::Sqlite, &terms, Indexed::Substrings);
        assert_eq!(p.driver, None);
        assert_eq!(p.conds[0], Cond::Substring("%ka%".into()));
    }

    #[test]
    fn escapes() {
        assert_eq!(glob_escape("a*?[b]"), "a[*][?][[]b]");
        assert_eq!(regex_escape("o'.1"), "o\\'\\.1");
    }

    #[test]
    fn quotes_are_escaped_for_fts() {
        let p = plan(Backend::Sqlite, &["a\"b'c".to_string()], Indexed::Words);
        assert_eq!(p.driver, Some(Driver::Trigram("\"a\"\"b'c\"".into())));
    }
}
