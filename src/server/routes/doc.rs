//! The OpenAPI side of the route table: each operation with its parameters,
//! request body, success answer, the problem documents it may answer with, and
//! whether it needs the bearer token. Built from the same types the handlers
//! (de)serialise, so a field added to a wire type shows in the document too.

use utoipa::openapi::path::{OperationBuilder, Parameter, ParameterBuilder, ParameterIn};
use utoipa::openapi::request_body::RequestBodyBuilder;
use utoipa::openapi::schema::{ObjectBuilder, Type};
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityRequirement, SecurityScheme};
use utoipa::openapi::{
    Components, ComponentsBuilder, ContentBuilder, HttpMethod, PathItem, RefOr, Required,
    ResponseBuilder, Schema,
};
use utoipa::{IntoParams, PartialSchema, ToSchema};

use crate::api::wire::{Problem, PROBLEM_JSON};

/// The name of the security scheme: `Authorization: Bearer <access token>`.
pub const BEARER: &str = "bearer";

/// Operations that answer with a stream of Server-Sent Events, each event's
/// data being the answer's schema.
const STREAMS: &[&str] = &["changes"];

/// Named schemas the operations refer to, collected while the table is read.
pub type Schemas = Vec<(String, RefOr<Schema>)>;

/// A JSON body: the type's schema inline, the schemas it refers to collected.
pub fn json<T: ToSchema>(schemas: &mut Schemas) -> RefOr<Schema> {
    T::schemas(schemas);
    T::schema()
}

/// A named type the document refers to by name (e.g. the items of a plain array).
pub fn named<T: ToSchema>(schemas: &mut Schemas) {
    schemas.push((T::name().into_owned(), T::schema()));
    T::schemas(schemas);
}

/// The query-string parameters of a list.
pub fn query<Q: IntoParams>() -> Vec<Parameter> {
    Q::into_params(|| Some(ParameterIn::Query))
}

/// What an operation is, beyond its types.
pub struct Op<'a> {
    pub method: &'a str,
    pub path: &'a str,
    pub name: &'a str,
    pub summary: &'a str,
    /// Needs the bearer token.
    pub auth: bool,
    pub status: u16,
    pub body: Option<RefOr<Schema>>,
    pub answer: Option<RefOr<Schema>>,
    pub query: Vec<Parameter>,
}

/// The problems (status → stable codes) an operation may answer with.
fn problems(op: &Op) -> Vec<(u16, String)> {
    let mut v: Vec<(u16, &'static str)> = vec![(
        400,
        "`bad_request`: a path or query value that cannot be read",
    )];
    let write = op.method != "get";
    if op.auth {
        v.push((
            401,
            "`unauthenticated`, `token_expired` or `session_ended`: log in (again) or refresh",
        ));
        v.push((403, "`denied` (the policy's reason, or `must_change_password` until the password is changed)"));
    }
    match op.name {
        "login" => {
            v.push((401, "`invalid_credentials`"));
            v.push((403, "`locked` (with `until`) or `inactive`"));
            v.push((
                429,
                "`throttled` (with `retry_after` and a Retry-After header)",
            ));
        }
        "refresh" => v.push((
            401,
            "`session_ended`: the refresh token is unknown, spent or expired",
        )),
        "first_admin" => v.push((
            403,
            "`denied`: not from the server's machine, or an admin exists",
        )),
        _ => {}
    }
    if op.path.contains('{') {
        v.push((404, "`not_found` (with `entity` and `id`)"));
    }
    if write {
        v.push((
            409,
            "`conflict`: the record changed since `version` (with `current_version`)",
        ));
        v.push((
            413,
            if op.path.starts_with("/v1/import/") {
                "`payload_too_large`: a body over 32 MiB"
            } else {
                "`payload_too_large`: a body over 64 KiB"
            },
        ));
        v.push((415, "`unsupported_media_type`: send application/json"));
    }
    if write || !op.query.is_empty() {
        v.push((
            422,
            "`validation` (with `fields`), `rule`, or `invalid_body`",
        ));
    }
    // One response per status: codes of the same status are listed together.
    let mut merged: Vec<(u16, String)> = Vec::new();
    for (s, d) in v {
        match merged.iter_mut().find(|(m, _)| *m == s) {
            Some((_, text)) => {
                text.push_str("; ");
                text.push_str(d);
            }
            None => merged.push((s, d.to_string())),
        }
    }
    merged
}

fn problem_response(description: &str) -> utoipa::openapi::Response {
    ResponseBuilder::new()
        .description(description)
        .content(
            PROBLEM_JSON,
            ContentBuilder::new()
                .schema(Some(utoipa::openapi::Ref::from_schema_name("Problem")))
                .build(),
        )
        .build()
}

/// The OpenAPI operation of one route.
pub fn operation(op: Op) -> PathItem {
    let mut b = OperationBuilder::new()
        .operation_id(Some(op.name))
        .summary(Some(op.summary));
    for seg in op.path.split('/') {
        if let Some(p) = seg.strip_prefix('{').and_then(|s| s.strip_suffix('}')) {
            b = b.parameter(
                ParameterBuilder::new()
                    .name(p)
                    .parameter_in(ParameterIn::Path)
                    .required(Required::True)
                    .description(Some("the record's id"))
                    .schema(Some(i64::schema())),
            );
        }
    }
    for p in &op.query {
        b = b.parameter(p.clone());
    }
    if let Some(body) = &op.body {
        b = b.request_body(Some(
            RequestBodyBuilder::new()
                .required(Some(Required::True))
                .content(
                    "application/json",
                    ContentBuilder::new().schema(Some(body.clone())).build(),
                )
                .build(),
        ));
    }
    let media = if STREAMS.contains(&op.name) {
        "text/event-stream"
    } else {
        "application/json"
    };
    let ok = match &op.answer {
        Some(schema) => ResponseBuilder::new().description("success").content(
            media,
            ContentBuilder::new().schema(Some(schema.clone())).build(),
        ),
        None => ResponseBuilder::new().description("done; nothing to return"),
    };
    b = b.response(op.status.to_string(), ok.build());
    for (status, codes) in problems(&op) {
        b = b.response(status.to_string(), problem_response(&codes));
    }
    b = b.response(
        "default",
        problem_response("any other failure, as a problem document with a stable `code`"),
    );
    if op.auth {
        b = b.security(SecurityRequirement::new::<_, _, String>(BEARER, []));
    }
    let m = match op.method {
        "get" => HttpMethod::Get,
        "post" => HttpMethod::Post,
        "patch" => HttpMethod::Patch,
        _ => HttpMethod::Delete,
    };
    PathItem::new(m, b)
}

/// The document's components: every schema referred to, and the bearer scheme.
pub fn components(mut schemas: Schemas) -> Components {
    named::<Problem>(&mut schemas);
    schemas.sort_by(|a, b| a.0.cmp(&b.0));
    schemas.dedup_by(|a, b| a.0 == b.0);
    ComponentsBuilder::new()
        .schemas_from_iter(schemas)
        .security_scheme(
            BEARER,
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("JWT")
                    .description(Some("the access token from POST /v1/session"))
                    .build(),
            ),
        )
        .build()
}

/// The OpenAPI document itself, as an answer: any JSON object.
pub struct Document;

impl PartialSchema for Document {
    fn schema() -> RefOr<Schema> {
        ObjectBuilder::new().schema_type(Type::Object).into()
    }
}

impl ToSchema for Document {}

/// What a UTC time looks like on the wire: `chrono::NaiveDateTime` as serde
/// writes it, `2026-12-03T13:13:48` with optional fractions, and no offset.
/// (RFC 3339's `date-time` would demand an offset.)
const NAIVE_TIME: &str = r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?$";

/// The document with every `date-time` string replaced by [`NAIVE_TIME`]:
/// times travel in UTC without an offset, and the document says exactly that.
pub fn naive_times(doc: utoipa::openapi::OpenApi) -> utoipa::openapi::OpenApi {
    fn walk(v: &mut serde_json::Value) {
        match v {
            serde_json::Value::Object(m) => {
                if m.get("format").and_then(|f| f.as_str()) == Some("date-time") {
                    m.remove("format");
                    m.insert("pattern".into(), NAIVE_TIME.into());
                    m.insert(
                        "description".into(),
                        "a UTC date and time without an offset, e.g. 2026-12-03T13:13:48".into(),
                    );
                }
                m.values_mut().for_each(walk);
            }
            serde_json::Value::Array(a) => a.iter_mut().for_each(walk),
            _ => {}
        }
    }
    let Ok(mut v) = serde_json::to_value(&doc) else {
        return doc;
    };
    walk(&mut v);
    serde_json::from_value(v).unwrap_or(doc)
}
