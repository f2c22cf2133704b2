//! Business vocabulary shared by storage, policy, services and screens.

pub mod ledger;
pub mod money;
pub mod role;
pub mod text;
pub mod time;

pub use ledger::PaymentKind;
pub use money::Cents;
pub use role::Role;
