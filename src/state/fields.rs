//! The names of form fields, typed: a form, its save and the services' field
//! errors all name a field through this enum, so a misspelt name is a compile
//! error rather than an error message shown nowhere. The text form (snake
//! case, as the services' `FieldError::field` has it) is derived by strum.

use strum::{EnumString, IntoStaticStr, VariantArray};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumString, IntoStaticStr, VariantArray)]
#[strum(serialize_all = "snake_case")]
pub enum FieldName {
    FullName,
    Email,
    Phone,
    CompanyName,
    FirstContact,
    LastContact,
    Client,
    Total,
    Amount,
    ReceivedOn,
    Contract,
    Name,
    StartsAt,
    EndsAt,
    Location,
    Attendees,
    Notes,
    Role,
    Password,
    Confirm,
    CurrentPassword,
    NewPassword,
    Leave,
    ClientsTo,
    EventsTo,
    SalesContact,
    Support,
}

impl FieldName {
    /// The name as the form and the services' field errors spell it.
    pub fn as_str(self) -> &'static str {
        self.into()
    }
}

impl From<FieldName> for String {
    fn from(f: FieldName) -> String {
        f.as_str().to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_read_back() {
        for &f in FieldName::VARIANTS {
            assert_eq!(f.as_str().parse::<FieldName>(), Ok(f));
        }
        assert_eq!(FieldName::CompanyName.as_str(), "company_name");
    }
}
