//! What the screen shows, as plain data: the workspace and its overlays, the
//! lists and boards, forms, pickers, dialogs and messages. The handlers change
//! it, the render functions (`crate::ui`) read it; it knows neither of them.

use std::time::Instant;

pub mod board;
pub mod confirm;
pub mod fields;
pub mod form;
pub mod list;
pub mod picker;
pub mod toast;
pub mod window;

use crate::action::Screen;
use crate::policy::Actor;
use crate::session::Session;
pub use board::BoardState;
use confirm::ConfirmDialog;
use form::Form;
pub use list::ListState;
use picker::Picker;

/// Which kind of record a detail view, form or confirmation is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Entity {
    Client,
    Contract,
    Event,
    Collaborator,
}

impl Entity {
    pub fn name(self) -> &'static str {
        match self {
            Entity::Client => "client",
            Entity::Contract => "contract",
            Entity::Event => "event",
            Entity::Collaborator => "collaborator",
        }
    }

    pub fn screen(self) -> Screen {
        match self {
            Entity::Client => Screen::Clients,
            Entity::Contract => Screen::Contracts,
            Entity::Event => Screen::Events,
            Entity::Collaborator => Screen::Collaborators,
        }
    }

    /// The record type of the screen's rows, where there is one to open.
    pub fn of_screen(screen: Screen) -> Option<Entity> {
        match screen {
            Screen::Clients => Some(Entity::Client),
            Screen::Contracts => Some(Entity::Contract),
            Screen::Events => Some(Entity::Event),
            Screen::Collaborators => Some(Entity::Collaborator),
            _ => None,
        }
    }

    pub fn from_name(s: &str) -> Option<Entity> {
        match s {
            "client" => Some(Entity::Client),
            "contract" => Some(Entity::Contract),
            "event" => Some(Entity::Event),
            "collaborator" => Some(Entity::Collaborator),
            _ => None,
        }
    }
}

/// A record on screen with every field and its related records.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DetailState {
    pub entity: Entity,
    pub id: i64,
    pub version: i32,
    pub archived: bool,
    pub title: String,
    pub lines: Vec<(String, String)>,
    /// Related records, one key away: (entity, id, label).
    pub related: Vec<(Entity, i64, String)>,
    pub selected: usize,
    /// Facts the policy needs to decide what to offer here.
    pub owner: Option<i64>,
    pub support: Option<i64>,
    pub signed: bool,
    /// A contract with something paid (that a refund or a correction could
    /// take back).
    pub paid: bool,
    pub active: bool,
    pub role: Option<crate::domain::Role>,
    /// A collaborator's clients and upcoming events: with none, deactivating
    /// has nothing to hand over.
    pub holds: (i64, i64),
    /// First line of the fields on show (the view scrolls; `j`/`k` read on).
    pub scroll: u16,
}

/// What a form creates or edits.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FormKind {
    NewClient,
    EditClient {
        id: i64,
        version: i32,
    },
    NewContract {
        client: Option<i64>,
    },
    EditContract {
        id: i64,
        version: i32,
    },
    Payment {
        contract: i64,
    },
    /// A refund or a correction of what was paid.
    Correction {
        contract: i64,
    },
    NewEvent {
        contract: Option<i64>,
    },
    EditEvent {
        id: i64,
        version: i32,
    },
    NewCollaborator,
    EditCollaborator {
        id: i64,
        version: i32,
    },
    ResetPassword {
        id: i64,
    },
    ChangePassword {
        forced: bool,
    },
    /// Deactivation with hand-over of clients and upcoming events.
    Deactivate {
        id: i64,
        version: i32,
    },
}

#[derive(Debug, Clone)]
pub struct FormState {
    pub kind: FormKind,
    pub form: Form,
    /// Shown under the form (e.g. password strength, amount due).
    pub note: String,
}

/// What a yes/no dialog will do on yes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Pending {
    Quit,
    DiscardForm,
    Archive {
        entity: Entity,
        id: i64,
        version: i32,
        archive: bool,
    },
    Sign {
        id: i64,
        version: i32,
    },
    Reactivate {
        id: i64,
        version: i32,
    },
    /// After a conflict: reload the record into the form.
    ReloadForm,
    /// Lock the screen, discarding the unsaved form.
    Lock,
    /// Deactivate someone who holds nothing to hand over.
    Deactivate {
        id: i64,
        version: i32,
    },
    /// Save the form on top, its values having been agreed to with this
    /// question ("Record 12.34 € on contract #11 (Kevin Casey)?").
    SaveForm(String),
}

#[derive(Debug)]
pub struct ConfirmState {
    pub dialog: ConfirmDialog,
    pub pending: Pending,
}

/// What a picker's choice is for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PickPurpose {
    /// Fill a picker field of the form beneath.
    FormField(String),
    AssignSupport {
        event: i64,
        version: i32,
    },
    ReassignClient {
        client: i64,
        version: i32,
    },
}

#[derive(Debug)]
pub struct PickerState {
    pub picker: Picker,
    pub purpose: PickPurpose,
}

/// Layers over the table; the last one gets the keys.
#[derive(Debug)]
pub enum Overlay {
    Detail(DetailState),
    Form(Box<FormState>),
    Confirm(ConfirmState),
    Picker(PickerState),
    Help { scroll: u16 },
}

/// The logged-in workspace.
#[derive(Debug)]
pub struct Workspace {
    pub session: Session,
    pub actor: Actor,
    pub screen: Screen,
    pub lists: Vec<ListState>,
    /// Per screen: the board's state (used by board screens only).
    pub boards: Vec<BoardState>,
    /// Per screen: the unfiltered count, for "3 of 1 204".
    pub all_totals: Vec<Option<String>>,
    pub overlays: Vec<Overlay>,
    pub unread: i64,
    pub last_refresh: Instant,
    /// The picker on top was set on the current value already (once: then
    /// the keys move it).
    pub picker_set: bool,
}

impl Workspace {
    pub fn new(session: Session, actor: Actor) -> Workspace {
        let first = if session.role == crate::domain::Role::Support {
            Screen::Events
        } else {
            Screen::Clients
        };
        Workspace {
            session,
            actor,
            screen: first,
            lists: Screen::ALL.iter().map(|s| first_view(*s)).collect(),
            boards: vec![BoardState::default(); Screen::ALL.len()],
            all_totals: vec![None; Screen::ALL.len()],
            overlays: Vec::new(),
            unread: 0,
            last_refresh: Instant::now(),
            picker_set: false,
        }
    }

    pub fn list(&self) -> &ListState {
        &self.lists[slot(self.screen)]
    }

    pub fn list_mut(&mut self) -> &mut ListState {
        let i = slot(self.screen);
        &mut self.lists[i]
    }

    pub fn board(&self) -> &BoardState {
        &self.boards[slot(self.screen)]
    }

    pub fn board_mut(&mut self) -> &mut BoardState {
        let i = slot(self.screen);
        &mut self.boards[i]
    }

    pub fn top(&self) -> Option<&Overlay> {
        self.overlays.last()
    }

    /// The form being edited, if one is open (topmost form layer).
    pub fn form_mut(&mut self) -> Option<&mut FormState> {
        self.overlays.iter_mut().rev().find_map(|o| match o {
            Overlay::Form(f) => Some(f.as_mut()),
            _ => None,
        })
    }

    pub fn form(&self) -> Option<&FormState> {
        self.overlays.iter().rev().find_map(|o| match o {
            Overlay::Form(f) => Some(f.as_ref()),
            _ => None,
        })
    }

    pub fn detail(&self) -> Option<&DetailState> {
        self.overlays.iter().rev().find_map(|o| match o {
            Overlay::Detail(d) => Some(d),
            _ => None,
        })
    }
}

/// A screen's list as it first opens: events from today on (the past and
/// everything are one `t` away).
fn first_view(screen: Screen) -> ListState {
    let mut l = ListState::new(screen);
    if screen == Screen::Events {
        l.filters.window = crate::services::query::TimeWindow::Upcoming;
    }
    l
}

/// Index of a screen in [`Workspace::lists`].
pub fn slot(screen: Screen) -> usize {
    Screen::ALL.iter().position(|s| *s == screen).unwrap_or(0)
}

/// Before login, or logged in.
#[derive(Debug)]
pub enum Mode {
    Gate(Gate),
    Work(Box<Workspace>),
}

/// First run (no account yet) or login.
#[derive(Debug)]
pub struct Gate {
    pub first_run: bool,
    pub form: Form,
    pub message: Option<String>,
    /// Password strength meter text (first run).
    pub strength: String,
    /// A team server seen for the first time: its fingerprint is compared
    /// before anything is sent to it.
    pub server: Option<Box<ServerPrompt>>,
}

/// The first contact with a team server, on the login screen.
#[derive(Debug, Clone, Default)]
pub struct ServerPrompt {
    pub url: String,
    /// SHA256:… once read from the server (on the worker).
    pub fingerprint: Option<String>,
    /// Why it could not be read or remembered.
    pub problem: Option<String>,
    /// The worker has been asked to read it.
    pub asked: bool,
}
