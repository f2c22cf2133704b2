//! Sort keys and keyset reads over any boxed query.
//!
//! A sort key is declared once, as the columns it orders by ([`Part`]s, each a
//! boxed column of one SQL type); the direction, the `ORDER BY`, and the keyset
//! condition "strictly after this row" are derived from it here, for every table
//! alike. Every order ends with the row id, so it is total and its exact reverse
//! is the same order read backwards.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::expression::expression_types::NotSelectable;
use diesel::expression::BoxableExpression;
use diesel::prelude::*;
use diesel::query_dsl::methods::{FilterDsl, LimitDsl, OffsetDsl, ThenOrderDsl};
use diesel::query_source::QuerySource;
use diesel::sql_types::{BigInt, Bool, Date, Integer, Text, Timestamp};

use super::KeyValue;
use crate::db::repo::Dbb;

diesel::define_sql_function! {
    /// `COALESCE(x, y)`: a nullable key (a name across a left join) as a text
    /// that sorts and compares like any other; rows without one sort as `y`.
    fn coalesce(x: diesel::sql_types::Nullable<Text>, y: Text) -> Text;
}

/// A boxed expression of SQL type `ST` on the source `QS`.
pub type Expr<QS, ST> = Box<dyn BoxableExpression<QS, Dbb, SqlType = ST>>;
/// A boxed condition on the source `QS`.
pub type Pred<QS> = Expr<QS, Bool>;
/// A boxed `ORDER BY` term (`col ASC` or `col DESC`) on the source `QS`.
pub type Order<QS> = Expr<QS, NotSelectable>;

/// One column of a sort key, by SQL type. Each holds a constructor (a boxed
/// expression is used once per clause).
pub enum Col<QS> {
    BigInt(fn() -> Expr<QS, BigInt>),
    Int(fn() -> Expr<QS, Integer>),
    Text(fn() -> Expr<QS, Text>),
    Time(fn() -> Expr<QS, Timestamp>),
    Date(fn() -> Expr<QS, Date>),
    Bool(fn() -> Expr<QS, Bool>),
}

impl<QS> Clone for Col<QS> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<QS> Copy for Col<QS> {}

/// A column of a sort key and whether it runs against the list's direction (an
/// "active first" key sorts `true` before `false` when the list is ascending).
pub struct Part<QS> {
    pub col: Col<QS>,
    pub reversed: bool,
}

impl<QS> Part<QS> {
    pub fn asc(col: Col<QS>) -> Part<QS> {
        Part {
            col,
            reversed: false,
        }
    }
    pub fn reversed(col: Col<QS>) -> Part<QS> {
        Part {
            col,
            reversed: true,
        }
    }
}

/// A sort key: its columns (the id, always last, is implied) and the id column.
pub struct SortKey<QS> {
    pub parts: Vec<Part<QS>>,
    pub id: fn() -> Expr<QS, BigInt>,
}

/// What one read takes from a sorted list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Seek {
    /// The direction the rows are read in (the list's, or its reverse).
    pub desc: bool,
    /// Only rows strictly after this one in the reading direction: its key
    /// values (one per part) and id.
    pub after: Option<(Vec<KeyValue>, i64)>,
    pub offset: i64,
    pub limit: i64,
}

#[derive(Clone, Copy)]
enum Op {
    After,
    AtOrAfter,
    Eq,
}

/// `col <op> value`, the comparison turned around for a descending read. `None`
/// when the value is not of the column's type (a cursor from another sort).
fn compare<QS>(col: Col<QS>, v: &KeyValue, op: Op, desc: bool) -> Option<Pred<QS>>
where
    QS: QuerySource + 'static,
{
    macro_rules! arm {
        ($f:expr, $v:expr) => {{
            let e = $f();
            let v = $v;
            let p: Pred<QS> = match (op, desc) {
                (Op::Eq, _) => Box::new(e.eq(v)),
                (Op::After, false) => Box::new(e.gt(v)),
                (Op::After, true) => Box::new(e.lt(v)),
                (Op::AtOrAfter, false) => Box::new(e.ge(v)),
                (Op::AtOrAfter, true) => Box::new(e.le(v)),
            };
            Some(p)
        }};
    }
    match (col, v) {
        (Col::BigInt(f), KeyValue::BigInt(v)) => arm!(f, *v),
        (Col::Int(f), KeyValue::Int(v)) => arm!(f, *v),
        (Col::Text(f), KeyValue::Text(v)) => arm!(f, v.clone()),
        (Col::Time(f), KeyValue::Time(v)) => arm!(f, *v),
        (Col::Date(f), KeyValue::Date(v)) => arm!(f, *v),
        (Col::Bool(f), KeyValue::Bool(v)) => arm!(f, *v),
        _ => None,
    }
}

/// "Strictly after the row (values, id)" in the reading direction `desc`:
/// `k1 ≥ v1 AND (k1 > v1 OR (k1 = v1 AND (… OR id > i)))`. The leading `k1 ≥ v1`
/// lets the sort's index start the range at the cursor on both backends.
fn after<QS>(key: &SortKey<QS>, values: &[KeyValue], id: i64, desc: bool) -> Option<Pred<QS>>
where
    QS: QuerySource + 'static,
{
    if values.len() != key.parts.len() {
        return None;
    }
    let id_after: Pred<QS> = if desc {
        Box::new((key.id)().lt(id))
    } else {
        Box::new((key.id)().gt(id))
    };
    let mut acc = id_after;
    for (part, v) in key.parts.iter().zip(values).rev() {
        let d = desc != part.reversed;
        let beyond = compare(part.col, v, Op::After, d)?;
        let same = compare(part.col, v, Op::Eq, d)?;
        acc = Box::new(beyond.or(same.and(acc)));
    }
    if let (Some(first), Some(v)) = (key.parts.first(), values.first()) {
        let d = desc != first.reversed;
        let start = compare(first.col, v, Op::AtOrAfter, d)?;
        acc = Box::new(start.and(acc));
    }
    Some(acc)
}

/// `col ASC` or `col DESC`.
fn order_term<QS>(col: Col<QS>, desc: bool) -> Order<QS>
where
    QS: QuerySource + 'static,
{
    macro_rules! arm {
        ($f:expr) => {{
            if desc {
                Box::new($f().desc())
            } else {
                Box::new($f().asc())
            }
        }};
    }
    match col {
        Col::BigInt(f) => arm!(f),
        Col::Int(f) => arm!(f),
        Col::Text(f) => arm!(f),
        Col::Time(f) => arm!(f),
        Col::Date(f) => arm!(f),
        Col::Bool(f) => arm!(f),
    }
}

/// One read from `q` (a boxed query, filtered): ordered by the key in the
/// reading direction, continued after the cursor, offset and limited. The caller
/// selects the id. Fails with a clear error when the cursor's values do not fit
/// the key.
pub fn seek<Q, QS>(q: Q, key: &SortKey<QS>, s: &Seek) -> crate::Result<Q>
where
    QS: QuerySource + 'static,
    Q: FilterDsl<Pred<QS>, Output = Q>
        + ThenOrderDsl<Order<QS>, Output = Q>
        + OffsetDsl<Output = Q>
        + LimitDsl<Output = Q>,
{
    let mut q = q;
    if let Some((values, id)) = &s.after {
        let Some(p) = after(key, values, *id, s.desc) else {
            return Err(crate::Error::Rule(
                "this position belongs to another sort order; reload the list".into(),
            ));
        };
        q = FilterDsl::filter(q, p);
    }
    for part in &key.parts {
        q = ThenOrderDsl::then_order_by(q, order_term(part.col, s.desc != part.reversed));
    }
    q = ThenOrderDsl::then_order_by(q, order_term(Col::BigInt(key.id), s.desc));
    Ok(LimitDsl::limit(
        OffsetDsl::offset(q, s.offset.max(0)),
        s.limit.max(0),
    ))
}

impl From<i64> for KeyValue {
    fn from(v: i64) -> Self {
        KeyValue::BigInt(v)
    }
}
impl From<i32> for KeyValue {
    fn from(v: i32) -> Self {
        KeyValue::Int(v)
    }
}
impl From<&str> for KeyValue {
    fn from(v: &str) -> Self {
        KeyValue::Text(v.to_string())
    }
}
impl From<&String> for KeyValue {
    fn from(v: &String) -> Self {
        KeyValue::Text(v.clone())
    }
}
impl From<NaiveDateTime> for KeyValue {
    fn from(v: NaiveDateTime) -> Self {
        KeyValue::Time(v)
    }
}
impl From<NaiveDate> for KeyValue {
    fn from(v: NaiveDate) -> Self {
        KeyValue::Date(v)
    }
}
impl From<bool> for KeyValue {
    fn from(v: bool) -> Self {
        KeyValue::Bool(v)
    }
}
