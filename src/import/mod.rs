//! Reading the support team's spreadsheet of events (and lists of clients): the
//! file becomes rows of cells ([`cells`]), the rows become events in either of the
//! sheet's layouts ([`layout`]), with the dates people type ([`dates`]). Matching
//! them to the database and writing them is the services' job
//! (`Crm::import_events`), under the same policy as every other write.

pub mod cells;
pub mod clients;
pub mod dates;
pub mod layout;

use std::path::Path;

pub use clients::SheetClient;
pub use layout::SheetEvent;

/// Why a file could not be read at all (a row that cannot be read is reported
/// on its own line instead, see [`SheetEvent::problems`]).
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error("{0}")]
    Format(String),
    #[error("{path}: {source}")]
    Read {
        path: String,
        source: std::io::Error,
    },
}

impl ImportError {
    fn read(path: &Path, source: std::io::Error) -> ImportError {
        ImportError::Read {
            path: path.display().to_string(),
            source,
        }
    }
}

/// The events a sheet describes, in order, each with its line number.
pub fn read_events(path: &Path) -> Result<Vec<SheetEvent>, ImportError> {
    layout::events(&cells::read(path)?)
}

/// The clients a sheet lists under its header row, each with its line number.
pub fn read_clients(path: &Path) -> Result<Vec<SheetClient>, ImportError> {
    clients::clients(&cells::read(path)?)
}
