//! The timeout: a thread that, once the deadline passes, keeps the store's fuel counter
//! at zero until the run ends, so the next fuel check (`fuel.rs`) traps. The store then
//! names the trap [`wlab_ir::TrapCode::Timeout`].
//!
//! ```text
//!  Store::set_timeout ─▶ Watchdog::start(deadline) ── sleeps ──▶ deadline: counter := 0 (every millisecond)
//!  Store dropped ─▶ Watchdog::drop: stop, join
//! ```
//!
//! Compiled code decrements the counter with a plain load and store, so a write that lands
//! between them can be lost; writing again every millisecond makes that harmless. Under
//! Unicorn the guest sees a copy of the counter, so the AArch64 engine stops emulation at
//! the deadline itself (`native_aarch64`). This file never reads wasm state and never
//! decides the trap.

use std::sync::atomic::{AtomicPtr, AtomicU64, Ordering};
use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, Instant};

/// How often the counter is emptied again after the deadline.
const REPEAT: Duration = Duration::from_millis(1);

struct Shared {
    /// The fuel counter's cell (null until a metered module is instantiated).
    cell: AtomicPtr<u64>,
    stop: Mutex<bool>,
    wake: Condvar,
}

/// A running watchdog; dropping it stops and joins the thread.
pub struct Watchdog {
    shared: Arc<Shared>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Watchdog {
    /// Starts a thread that empties the counter at `cell` (settable later with
    /// [`Watchdog::set_cell`]) from `deadline` on.
    pub fn start(deadline: Instant, cell: *mut u64) -> Watchdog {
        let shared = Arc::new(Shared { cell: AtomicPtr::new(cell), stop: Mutex::new(false), wake: Condvar::new() });
        let s = shared.clone();
        let thread = std::thread::Builder::new()
            .name("wasm-watchdog".to_string())
            .spawn(move || watch(&s, deadline))
            .expect("spawning the watchdog thread");
        Watchdog { shared, thread: Some(thread) }
    }

    /// The counter's cell, once it exists. It must stay valid until the watchdog is dropped.
    pub fn set_cell(&self, cell: *mut u64) {
        self.shared.cell.store(cell, Ordering::SeqCst);
    }
}

fn watch(s: &Shared, deadline: Instant) {
    let mut stop = s.stop.lock().unwrap_or_else(|e| e.into_inner());
    loop {
        if *stop {
            return;
        }
        let now = Instant::now();
        if now >= deadline {
            break;
        }
        stop = s.wake.wait_timeout(stop, deadline - now).unwrap_or_else(|e| e.into_inner()).0;
    }
    while !*stop {
        let cell = s.cell.load(Ordering::SeqCst);
        if !cell.is_null() {
            // SAFETY: the store keeps the cell alive until it drops the watchdog, which
            // joins this thread first; every other access to the cell is atomic or is
            // compiled code's aligned 8-byte load/store.
            unsafe { AtomicU64::from_ptr(cell) }.store(0, Ordering::SeqCst);
        }
        stop = s.wake.wait_timeout(stop, REPEAT).unwrap_or_else(|e| e.into_inner()).0;
    }
}

impl Drop for Watchdog {
    fn drop(&mut self) {
        *self.shared.stop.lock().unwrap_or_else(|e| e.into_inner()) = true;
        self.shared.wake.notify_all();
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}
