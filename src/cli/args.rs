//! The command line of the scripting commands (clap). The list flags are the
//! screens' hotkeys.

use clap::{Args, Subcommand, ValueEnum};

/// How rows are printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, ValueEnum)]
pub enum Format {
    /// Aligned columns; never truncated; colourless unless on a terminal.
    #[default]
    Table,
    /// One JSON array.
    Json,
    /// One JSON object per line.
    Ndjson,
    /// A header row then one row per record.
    Csv,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Window {
    Upcoming,
    Ongoing,
    Past,
    All,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Open a session for the next commands (8 hours without use).
    Login {
        /// The account's e-mail; asked for when missing.
        #[arg(long)]
        email: Option<String>,
        /// Read the password as one line from standard input (for scripts).
        #[arg(long)]
        password_stdin: bool,
    },
    /// End the session.
    Logout,
    /// Who the session belongs to.
    Whoami {
        #[arg(long, value_enum, default_value_t)]
        format: Format,
    },
    /// Clients: list, show, create, update, archive, restore.
    #[command(subcommand)]
    Clients(RecordCmd<ClientFields>),
    /// Contracts: list, show, create, update, sign, pay, archive, restore.
    #[command(subcommand)]
    Contracts(ContractCmd),
    /// Events: list, show, create, update, assign, archive, restore.
    #[command(subcommand)]
    Events(EventCmd),
    /// Collaborators: list, show, create, update.
    #[command(subcommand)]
    Collaborators(RecordCmd<CollaboratorFields>),
    /// Your notifications.
    #[command(subcommand)]
    Notifications(ListOnly),
    /// The audit trail (admin and management).
    #[command(subcommand)]
    Audit(ListOnly),
    /// Bring in the support team's sheet.
    #[command(subcommand)]
    Import(ImportCmd),
    /// Write a filtered list to CSV, XLSX or JSON.
    Export(ExportArgs),
}

/// The list flags shared by every list; each entity accepts those its screen has.
#[derive(Debug, Clone, Default, Args)]
pub struct ListArgs {
    /// Only mine (my clients, my clients' contracts).
    #[arg(long)]
    pub mine: bool,
    /// Contracts not signed yet.
    #[arg(long)]
    pub unsigned: bool,
    /// Contracts with a balance due.
    #[arg(long)]
    pub due: bool,
    /// Events nobody from support is assigned to.
    #[arg(long)]
    pub without_support: bool,
    /// Events assigned to me.
    #[arg(long)]
    pub assigned_to_me: bool,
    /// Events by time.
    #[arg(long, value_enum)]
    pub window: Option<Window>,
    /// Free text; every word must match.
    #[arg(long)]
    pub search: Option<String>,
    /// COLUMN or COLUMN:desc (an unknown column lists the known ones).
    #[arg(long)]
    pub sort: Option<String>,
    /// Include archived records.
    #[arg(long)]
    pub archived: bool,
    /// At most N rows (default: all).
    #[arg(long)]
    pub limit: Option<u64>,
    /// Skip the first N rows.
    #[arg(long, default_value_t = 0)]
    pub offset: u64,
}

#[derive(Debug, Args)]
pub struct ListCmd {
    #[command(flatten)]
    pub list: ListArgs,
    #[arg(long, value_enum, default_value_t)]
    pub format: Format,
}

#[derive(Debug, Args)]
pub struct ShowCmd {
    /// The record's id.
    pub id: i64,
    #[arg(long, value_enum, default_value_t)]
    pub format: Format,
}

#[derive(Debug, Args)]
pub struct IdCmd {
    /// The record's id.
    pub id: i64,
    /// Refuse (exit 5) if the record is no longer at this version.
    #[arg(long)]
    pub if_version: Option<i32>,
}

#[derive(Debug, Subcommand)]
pub enum ListOnly {
    /// List (notifications: `--unread` for unread ones only).
    List {
        #[command(flatten)]
        list: ListArgs,
        /// Notifications not read yet.
        #[arg(long)]
        unread: bool,
        #[arg(long, value_enum, default_value_t)]
        format: Format,
    },
}

/// The commands every record kind has.
#[derive(Debug, Subcommand)]
pub enum RecordCmd<F: Args> {
    /// List, filtered and sorted like the screen.
    List(ListCmd),
    /// One record.
    Show(ShowCmd),
    /// A new record; prints its id.
    Create(F),
    /// Change the given fields of a record.
    Update {
        /// The record's id.
        id: i64,
        #[command(flatten)]
        fields: F,
        /// Refuse (exit 5) if the record is no longer at this version.
        #[arg(long)]
        if_version: Option<i32>,
    },
    /// Archive: hidden from lists unless --archived (collaborators are
    /// deactivated on the screen, which asks who takes over).
    Archive(IdCmd),
    /// Bring back from the archive.
    Restore(IdCmd),
}

#[derive(Debug, Clone, Default, Args)]
pub struct ClientFields {
    #[arg(long)]
    pub full_name: Option<String>,
    #[arg(long)]
    pub email: Option<String>,
    #[arg(long)]
    pub phone: Option<String>,
    #[arg(long)]
    pub company_name: Option<String>,
    /// YYYY-MM-DD (default: today).
    #[arg(long)]
    pub first_contact: Option<String>,
    /// YYYY-MM-DD (default: today).
    #[arg(long)]
    pub last_contact: Option<String>,
}

#[derive(Debug, Clone, Default, Args)]
pub struct CollaboratorFields {
    #[arg(long)]
    pub full_name: Option<String>,
    #[arg(long)]
    pub email: Option<String>,
    #[arg(long)]
    pub phone: Option<String>,
    /// admin, management, sales or support.
    #[arg(long)]
    pub role: Option<String>,
    /// Create only: read the initial password as one line from standard input.
    #[arg(long)]
    pub password_stdin: bool,
}

#[derive(Debug, Clone, Default, Args)]
pub struct ContractFields {
    /// Create only: the client's id.
    #[arg(long)]
    pub client: Option<i64>,
    /// The total, e.g. 1200 or 1 200,50.
    #[arg(long)]
    pub total: Option<String>,
}

#[derive(Debug, Subcommand)]
pub enum ContractCmd {
    #[command(flatten)]
    Record(RecordCmd<ContractFields>),
    /// Sign a contract.
    Sign(IdCmd),
    /// Record a payment received.
    Pay {
        /// The contract's id.
        id: i64,
        /// e.g. 250 or 250,00.
        amount: String,
        /// When it was received (YYYY-MM-DD; default today).
        #[arg(long)]
        date: Option<String>,
    },
    /// Take money back off what was paid: a refund or a correction
    /// (management and admins).
    Correct {
        /// The contract's id.
        id: i64,
        /// How much to take back, e.g. 250 or 250,00.
        amount: String,
        /// refund (money given back) or correction (a mistyped entry).
        #[arg(long, value_parser = ["refund", "correction"])]
        kind: String,
        /// Why, kept beside the entry and in the audit.
        #[arg(long)]
        reason: String,
        /// When (YYYY-MM-DD; default today).
        #[arg(long)]
        date: Option<String>,
    },
}

#[derive(Debug, Clone, Default, Args)]
pub struct EventFields {
    /// Create only: the (signed) contract's id.
    #[arg(long)]
    pub contract: Option<i64>,
    #[arg(long)]
    pub name: Option<String>,
    /// Local time, YYYY-MM-DD HH:MM.
    #[arg(long)]
    pub start: Option<String>,
    /// Local time, YYYY-MM-DD HH:MM.
    #[arg(long)]
    pub end: Option<String>,
    #[arg(long)]
    pub location: Option<String>,
    #[arg(long)]
    pub attendees: Option<i32>,
    #[arg(long)]
    pub notes: Option<String>,
}

#[derive(Debug, Subcommand)]
pub enum EventCmd {
    #[command(flatten)]
    Record(RecordCmd<EventFields>),
    /// Assign support by e-mail, or `--none` to unassign.
    Assign {
        /// The event's id.
        id: i64,
        /// The e-mail of an active support collaborator.
        #[arg(required_unless_present = "none", conflicts_with = "none")]
        email: Option<String>,
        /// Leave the event without support.
        #[arg(long)]
        none: bool,
        /// Refuse (exit 5) if the event is no longer at this version.
        #[arg(long)]
        if_version: Option<i32>,
    },
}

#[derive(Debug, Subcommand)]
pub enum ImportCmd {
    /// Events from an .xlsx, .xls, .ods or .csv sheet.
    Events {
        file: std::path::PathBuf,
        /// Check everything, write nothing.
        #[arg(long)]
        dry_run: bool,
        /// Write the good rows even when others fail.
        #[arg(long)]
        partial: bool,
        #[arg(long, value_enum, default_value = "table")]
        format: ReportFormat,
    },
    /// Clients from a sheet with a header row (name, e-mail, phone, company,
    /// first and last contact, sales contact); matched by e-mail.
    Clients {
        file: std::path::PathBuf,
        /// Check everything, write nothing.
        #[arg(long)]
        dry_run: bool,
        /// Write the good rows even when others fail.
        #[arg(long)]
        partial: bool,
        #[arg(long, value_enum, default_value = "table")]
        format: ReportFormat,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ReportFormat {
    Table,
    Json,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ExportWhat {
    Clients,
    Contracts,
    Events,
}

#[derive(Debug, Args)]
pub struct ExportArgs {
    #[arg(value_enum)]
    pub what: ExportWhat,
    #[command(flatten)]
    pub list: ListArgs,
    #[arg(long, value_enum)]
    pub format: crate::export::ExportFormat,
    /// The file to write (0600); standard output for csv and json without it.
    #[arg(long)]
    pub output: Option<std::path::PathBuf>,
}
