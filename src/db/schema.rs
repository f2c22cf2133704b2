//! One schema for both backends. Ids are 64-bit everywhere (SQLite's INTEGER PRIMARY
//! KEY is 64-bit already), money is cents in BIGINT, timestamps are naive UTC.

diesel::table! {
    collaborators (id) {
        id -> BigInt,
        employee_number -> Text,
        full_name -> Text,
        email -> Text,
        phone -> Nullable<Text>,
        role -> Text,
        password_hash -> Text,
        must_change_password -> Bool,
        active -> Bool,
        failed_logins -> Integer,
        locked_until -> Nullable<Timestamp>,
        search -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        version -> Integer,
        sort_name -> Text,
    }
}

diesel::table! {
    clients (id) {
        id -> BigInt,
        full_name -> Text,
        email -> Text,
        phone -> Text,
        company_name -> Text,
        first_contact -> Date,
        last_contact -> Date,
        sales_contact_id -> Nullable<BigInt>,
        search -> Text,
        archived_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        version -> Integer,
        sort_name -> Text,
    }
}

diesel::table! {
    contracts (id) {
        id -> BigInt,
        client_id -> BigInt,
        total_cents -> BigInt,
        due_cents -> BigInt,
        signed -> Bool,
        signed_at -> Nullable<Timestamp>,
        signed_by_id -> Nullable<BigInt>,
        search -> Text,
        archived_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        version -> Integer,
        external_ref -> Nullable<Text>,
    }
}

diesel::table! {
    payments (id) {
        id -> BigInt,
        contract_id -> BigInt,
        amount_cents -> BigInt,
        kind -> Text,
        reason -> Text,
        received_on -> Date,
        recorded_by_id -> BigInt,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        version -> Integer,
    }
}

diesel::table! {
    events (id) {
        id -> BigInt,
        name -> Text,
        contract_id -> BigInt,
        support_id -> Nullable<BigInt>,
        starts_at -> Timestamp,
        ends_at -> Timestamp,
        location -> Text,
        attendees -> Integer,
        notes -> Text,
        search -> Text,
        archived_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        version -> Integer,
        sort_name -> Text,
        external_ref -> Nullable<Text>,
    }
}

diesel::table! {
    audit_entries (id) {
        id -> BigInt,
        actor_id -> Nullable<BigInt>,
        entity -> Text,
        record_id -> BigInt,
        action -> Text,
        changes -> Text,
        search -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        version -> Integer,
    }
}

diesel::table! {
    notifications (id) {
        id -> BigInt,
        recipient_id -> BigInt,
        kind -> Text,
        entity -> Text,
        record_id -> BigInt,
        message -> Text,
        read_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        version -> Integer,
    }
}

diesel::table! {
    sessions (id) {
        id -> BigInt,
        collaborator_id -> BigInt,
        created_at -> Timestamp,
        expires_at -> Timestamp,
        revoked_at -> Nullable<Timestamp>,
        revoked_reason -> Nullable<Text>,
        updated_at -> Timestamp,
        version -> Integer,
    }
}

diesel::table! {
    refresh_tokens (token_hash) {
        token_hash -> Text,
        session_id -> BigInt,
        created_at -> Timestamp,
        used_at -> Nullable<Timestamp>,
    }
}

diesel::joinable!(clients -> collaborators (sales_contact_id));
diesel::joinable!(sessions -> collaborators (collaborator_id));
diesel::joinable!(refresh_tokens -> sessions (session_id));
diesel::joinable!(contracts -> clients (client_id));
diesel::joinable!(payments -> contracts (contract_id));
diesel::joinable!(events -> contracts (contract_id));
diesel::joinable!(notifications -> collaborators (recipient_id));

diesel::allow_tables_to_appear_in_same_query!(
    collaborators,
    clients,
    contracts,
    payments,
    events,
    audit_entries,
    notifications,
    sessions,
    refresh_tokens,
);
