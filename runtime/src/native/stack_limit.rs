//! The lowest stack address compiled code may use on this thread: the thread's stack
//! bottom plus a margin for the Rust frames of libcalls and host functions. Compiled
//! code compares its frame against it in every prologue (stack overflow is a trap, not
//! a crash). Reads the thread's stack bounds; changes nothing.

use std::cell::Cell;

/// Room kept below the limit for Rust code that compiled code calls, and for one leaf
/// function without a stack check (`wlab_backends::abi::STACK_GUARD_BELOW_LIMIT`).
const MARGIN: usize = 1 << 20;
const _: () = assert!(MARGIN >= 64 * wlab_backends::abi::STACK_GUARD_BELOW_LIMIT as usize);

thread_local! {
    static LIMIT: Cell<u64> = const { Cell::new(0) };
}

pub fn current() -> u64 {
    LIMIT.with(|l| {
        if l.get() == 0 {
            l.set(compute());
        }
        l.get()
    })
}

fn compute() -> u64 {
    // SAFETY: pthread_getattr_np fills `attr` for the calling thread; we destroy it.
    unsafe {
        let mut attr: libc::pthread_attr_t = std::mem::zeroed();
        if libc::pthread_getattr_np(libc::pthread_self(), &mut attr) != 0 {
            return fallback();
        }
        let mut addr: *mut libc::c_void = std::ptr::null_mut();
        let mut size: libc::size_t = 0;
        let ok = libc::pthread_attr_getstack(&attr, &mut addr, &mut size) == 0;
        libc::pthread_attr_destroy(&mut attr);
        if !ok || size <= 2 * MARGIN {
            return fallback();
        }
        addr as u64 + MARGIN as u64
    }
}

/// Without the thread's bounds: allow 4 MiB below the current frame.
fn fallback() -> u64 {
    let here = 0u8;
    (&here as *const u8 as u64).saturating_sub(4 << 20)
}
