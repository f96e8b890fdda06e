//! Running wasm on a thread with a big stack: native code's frames live on it (its
//! prologue check traps 1 MiB before the end), and so do the interpreter's host frames
//! (counted in [`crate::StoreLimits::interp_stack_bytes`], which also checks the same
//! 1 MiB margin).
//!
//! The stack is reserved address space: only the pages deep recursion touches become
//! real memory. This file must never be the thing that decides the depth limit.

/// Stack size of the wasm thread: twice the interpreter's default stack limit, so the
/// limit, not the end of the stack, stops interpreter recursion.
pub const WASM_STACK_SIZE: usize = 512 << 20;

/// Runs `f` on a fresh thread with a [`WASM_STACK_SIZE`] stack and returns its result.
/// A panic in `f` is resumed on the calling thread.
pub fn run_with_big_stack<R: Send>(f: impl FnOnce() -> R + Send) -> R {
    std::thread::scope(|scope| {
        let handle = std::thread::Builder::new()
            .name("wasm".to_string())
            .stack_size(WASM_STACK_SIZE)
            .spawn_scoped(scope, f)
            .expect("spawning the wasm thread");
        match handle.join() {
            Ok(r) => r,
            Err(panic) => std::panic::resume_unwind(panic),
        }
    })
}
