//! The panic hook must hand over to the hook that was there before it (Sentry's, in
//! the application). Its own process, because panic hooks are global.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

#[test]
fn panic_hook_chains_to_the_previous_hook() {
    let called = Arc::new(AtomicBool::new(false));
    let seen = Arc::clone(&called);
    std::panic::set_hook(Box::new(move |_| seen.store(true, Ordering::SeqCst)));
    epicevents::tui::install_panic_hook();

    let result = std::panic::catch_unwind(|| panic!("boom"));
    assert!(result.is_err());
    assert!(called.load(Ordering::SeqCst), "previous hook not called");

    let _ = std::panic::take_hook();
    // Restoring is still harmless after the hook ran.
    assert!(epicevents::tui::restore().is_ok());
}
