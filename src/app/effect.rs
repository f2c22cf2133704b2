//! What a pure handler asks for beyond changing the state: a call on the
//! worker, a message, another layer, quitting. `actions::apply` runs them; the
//! handlers (tables, boards, detail views, forms, pickers, dialogs, the login
//! form) never see the app, its worker or its clock.

use crate::action::{Action, Screen};
use crate::state::{Entity, FormKind, Pending, PickPurpose};

/// What a handler asks the app to do beyond changing the state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Effect {
    /// A message on the status line.
    Info(String),
    /// Re-read the unread count and the actor's rights now.
    RefreshNow,
    /// Open the selected row (its detail view, or what it points at).
    OpenSelected,
    /// Open a notification: mark it read, show what it is about.
    OpenNotification(i64),
    MarkRead {
        all: bool,
    },
    /// The "new record" form of this screen.
    New(Screen),
    /// A record action on one row (edit, sign, archive, …).
    OnRecord(Action, Entity, i64),
    /// Open a record's detail view over what is there.
    Detail(Entity, i64),
    /// Re-read the detail views on show.
    ReloadDetail,
    /// Open this form (its values are read on the worker).
    Form(FormKind),
    Quit,
    /// Back to the login screen with this message.
    Lock(String),
    /// The status line's message goes (with the form it was about).
    ClearToast,
    /// Send the form on top to the worker.
    SaveForm,
    /// Open a picker, its choices (those of `field`) read on the worker.
    OpenPicker {
        title: String,
        field: String,
        purpose: PickPurpose,
    },
    /// A picker's choice that is a write (assign support, reassign a client).
    Picked(PickPurpose, i64, String),
    /// A yes in a dialog whose question is a write (archive, sign, …).
    Confirmed(Pending),
    /// Read the form's record again (after a conflict).
    ReloadForm(FormKind),
    /// Log in (or create the first account) with the gate's form.
    SignIn,
}
