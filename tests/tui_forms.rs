//! Each form has the fields of its enum and no other: built through the real
//! controllers from a demo database, compared with the enum that names them.

mod common;
mod tui_support;

use epicevents::controllers::forms;
use epicevents::demo::DEMO_PASSWORD;
use epicevents::state::fields::{
    ChangePasswordField, ClientField, CollaboratorField, ContractField, CorrectionField,
    DeactivateField, EventField, PaymentField, ResetPasswordField,
};
use epicevents::state::FormKind;
use strum::VariantArray;
use tui_support::*;

fn names<T: Copy>(all: &[T], as_str: fn(T) -> &'static str) -> Vec<&'static str> {
    all.iter().map(|f| as_str(*f)).collect()
}

#[test]
fn every_form_has_the_fields_of_its_enum() {
    let db = demo_db();
    let mia = db.crm.login(MIA, DEMO_PASSWORD).expect("mia");
    let kate = db.crm.login(KATE, DEMO_PASSWORD).expect("kate");
    let bill = db.crm.login(BILL, DEMO_PASSWORD).expect("bill");
    let id = 1;
    let cases: Vec<(FormKind, Vec<&str>)> = vec![
        (
            FormKind::NewClient,
            names(ClientField::VARIANTS, ClientField::as_str),
        ),
        (
            FormKind::EditClient { id, version: 0 },
            names(ClientField::VARIANTS, ClientField::as_str),
        ),
        (
            FormKind::NewContract { client: None },
            names(ContractField::VARIANTS, ContractField::as_str),
        ),
        (
            FormKind::EditContract { id, version: 0 },
            vec![ContractField::Total.as_str()],
        ),
        (
            FormKind::Payment { contract: id },
            names(PaymentField::VARIANTS, PaymentField::as_str),
        ),
        (
            FormKind::Correction { contract: id },
            names(CorrectionField::VARIANTS, CorrectionField::as_str),
        ),
        (
            FormKind::EditEvent { id, version: 0 },
            names(EventField::VARIANTS, EventField::as_str),
        ),
        (
            FormKind::NewCollaborator,
            names(CollaboratorField::VARIANTS, CollaboratorField::as_str),
        ),
        (
            FormKind::EditCollaborator {
                id: kate.collaborator_id,
                version: 0,
            },
            vec!["full_name", "email", "phone", "role"],
        ),
        (
            FormKind::ResetPassword {
                id: kate.collaborator_id,
            },
            names(ResetPasswordField::VARIANTS, ResetPasswordField::as_str),
        ),
        (
            FormKind::ChangePassword { forced: false },
            names(ChangePasswordField::VARIANTS, ChangePasswordField::as_str),
        ),
        (
            // Bill holds clients and Kate upcoming events; Bill's hand-over asks
            // who takes his clients, and the leaving date.
            FormKind::Deactivate {
                id: bill.collaborator_id,
                version: 0,
            },
            vec![
                DeactivateField::ClientsTo.as_str(),
                DeactivateField::Leave.as_str(),
            ],
        ),
    ];
    for (kind, expected) in cases {
        let st = forms::open(&db.crm, &mia, kind.clone()).expect("form opens");
        let mut got: Vec<&str> = st.form.fields().iter().map(|f| f.name()).collect();
        let mut want = expected.clone();
        got.sort_unstable();
        want.sort_unstable();
        assert_eq!(got, want, "{kind:?}");
    }
}
