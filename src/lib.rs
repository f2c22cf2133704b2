//! Epic Events CRM.
