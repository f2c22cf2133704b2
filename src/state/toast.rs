//! A short message for the user on the status line ("Contract signed.",
//! "Changed by someone else: reloaded."). Its lifetime is the app's business
//! (it owns the clock); `crate::ui::widgets::status_bar` draws it.

/// How a message should look.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ToastKind {
    Info,
    Success,
    Warning,
    Error,
}

/// A short message for the user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Toast {
    pub kind: ToastKind,
    pub message: String,
}

impl Toast {
    pub fn info(message: impl Into<String>) -> Self {
        Toast {
            kind: ToastKind::Info,
            message: message.into(),
        }
    }

    pub fn success(message: impl Into<String>) -> Self {
        Toast {
            kind: ToastKind::Success,
            message: message.into(),
        }
    }

    pub fn warning(message: impl Into<String>) -> Self {
        Toast {
            kind: ToastKind::Warning,
            message: message.into(),
        }
    }

    pub fn error(message: impl Into<String>) -> Self {
        Toast {
            kind: ToastKind::Error,
            message: message.into(),
        }
    }
}
