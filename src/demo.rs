//! Demo data (SPEC §6). Filled in below.
