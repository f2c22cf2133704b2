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
    Kind,
    Reason,
}

impl FieldName {
    /// The name as the form and the services' field errors spell it.
    pub fn as_str(self) -> &'static str {
        self.into()
    }
}

/// An enum of one form's fields: each variant is the [`FieldName`] of the
/// same name (a variant that is no field name does not compile), so a form's
/// code can only name the fields that form has.
macro_rules! form_fields {
    ($(#[$doc:meta])* $form:ident { $($field:ident),+ $(,)? }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, VariantArray)]
        pub enum $form {
            $($field),+
        }

        impl $form {
            pub fn name(self) -> FieldName {
                match self {
                    $($form::$field => FieldName::$field),+
                }
            }

            /// The name as the form and the services' field errors spell it.
            pub fn as_str(self) -> &'static str {
                self.name().as_str()
            }
        }

        impl From<$form> for String {
            fn from(f: $form) -> String {
                f.as_str().to_string()
            }
        }
    };
}

form_fields!(
    /// A client's form (new and edit).
    ClientField { FullName, Email, Phone, CompanyName, FirstContact, LastContact }
);
form_fields!(
    /// A contract's form (the client only when new).
    ContractField { Client, Total }
);
form_fields!(
    /// Recording a payment.
    PaymentField { Amount, ReceivedOn }
);
form_fields!(
    /// Taking money back: a refund or a correction, and why.
    CorrectionField { Kind, Amount, ReceivedOn, Reason }
);
form_fields!(
    /// An event's form (the contract only when new).
    EventField { Contract, Name, StartsAt, EndsAt, Location, Attendees, Notes }
);
form_fields!(
    /// A collaborator's form (the first password only when new).
    CollaboratorField { FullName, Email, Phone, Password, Role }
);
form_fields!(
    /// Setting someone's password.
    ResetPasswordField { Password, Confirm }
);
form_fields!(
    /// Changing one's own password.
    ChangePasswordField { CurrentPassword, NewPassword, Confirm }
);
form_fields!(
    /// Deactivating a collaborator: who takes over, and the leaving date.
    DeactivateField { ClientsTo, EventsTo, Leave }
);
form_fields!(
    /// The login form.
    LoginField { Email, Password }
);
form_fields!(
    /// The first-run form that creates the administrator.
    SetupField { FullName, Email, Phone, Password, Confirm }
);

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
        assert_eq!(ClientField::CompanyName.as_str(), "company_name");
        assert_eq!(EventField::StartsAt.name(), FieldName::StartsAt);
        assert_eq!(SetupField::VARIANTS.len(), 5);
    }
}
