//! Turns a fault in a linear-memory access of compiled code into a wasm trap: a
//! SIGSEGV handler that, when the faulting instruction is a registered heap access of
//! live compiled code, records an out-of-bounds trap in vmctx (pinned in r15) and
//! resumes at the entry trampoline's unwind routine. Any other fault goes to the
//! handler that was installed before (Rust's stack-overflow reporter, or the default),
//! so a bug still crashes loudly. Installed once per process, on first use.

use std::sync::{Once, RwLock};
use wlab_backends::abi::vmctx;
use wlab_ir::TrapCode;

/// Code of one prepared module: `[start, end)` and the sorted offsets (from `start`) of
/// its heap accesses.
struct Region {
    start: usize,
    end: usize,
    faults: Vec<u32>,
}

static REGIONS: RwLock<Vec<Region>> = RwLock::new(Vec::new());
static INSTALL: Once = Once::new();
static mut PREVIOUS: std::mem::MaybeUninit<libc::sigaction> = std::mem::MaybeUninit::uninit();

/// Registers a module's code so faults in its heap accesses become traps.
pub fn register(start: usize, end: usize, mut faults: Vec<u32>) {
    install();
    faults.sort_unstable();
    REGIONS.write().unwrap_or_else(|e| e.into_inner()).push(Region { start, end, faults });
}

/// Forgets the module whose code starts at `start` (before its code is unmapped).
pub fn unregister(start: usize) {
    REGIONS.write().unwrap_or_else(|e| e.into_inner()).retain(|r| r.start != start);
}

fn is_heap_access(pc: usize) -> bool {
    let regions = REGIONS.read().unwrap_or_else(|e| e.into_inner());
    regions.iter().any(|r| pc >= r.start && pc < r.end && r.faults.binary_search(&((pc - r.start) as u32)).is_ok())
}

fn install() {
    INSTALL.call_once(|| {
        // SAFETY: installs a handler with a properly initialised sigaction and keeps
        // the previous one for chaining; done once, before any code can fault.
        unsafe {
            let mut sa: libc::sigaction = std::mem::zeroed();
            sa.sa_sigaction = on_segv as *const () as usize;
            sa.sa_flags = libc::SA_SIGINFO | libc::SA_ONSTACK | libc::SA_NODEFER;
            libc::sigemptyset(&mut sa.sa_mask);
            let prev = &raw mut PREVIOUS;
            if libc::sigaction(libc::SIGSEGV, &sa, (*prev).as_mut_ptr()) != 0 {
                panic!("cannot install the SIGSEGV handler: {}", std::io::Error::last_os_error());
            }
        }
    });
}

#[cfg(all(target_arch = "x86_64", target_os = "linux"))]
unsafe extern "C" fn on_segv(sig: libc::c_int, info: *mut libc::siginfo_t, ctx: *mut libc::c_void) {
    let uc = &mut *(ctx as *mut libc::ucontext_t);
    let gregs = &mut uc.uc_mcontext.gregs;
    let pc = gregs[libc::REG_RIP as usize] as usize;
    if is_heap_access(pc) {
        let vm = gregs[libc::REG_R15 as usize] as *mut u64;
        let code = TrapCode::ALL.iter().position(|c| *c == TrapCode::MemoryOutOfBounds).unwrap_or(0);
        *vm.add(vmctx::TRAP_CODE) = code as u64;
        *vm.add(vmctx::TRAP_PC) = pc as u64;
        gregs[libc::REG_RIP as usize] = *vm.add(vmctx::UNWIND) as i64;
        return;
    }
    chain(sig, info, ctx);
}

#[cfg(not(all(target_arch = "x86_64", target_os = "linux")))]
unsafe extern "C" fn on_segv(sig: libc::c_int, info: *mut libc::siginfo_t, ctx: *mut libc::c_void) {
    chain(sig, info, ctx);
}

unsafe fn chain(sig: libc::c_int, info: *mut libc::siginfo_t, ctx: *mut libc::c_void) {
    let prev = (*(&raw const PREVIOUS)).assume_init_ref();
    if prev.sa_flags & libc::SA_SIGINFO != 0 {
        let f: extern "C" fn(libc::c_int, *mut libc::siginfo_t, *mut libc::c_void) =
            std::mem::transmute(prev.sa_sigaction);
        f(sig, info, ctx);
    } else if prev.sa_sigaction == libc::SIG_DFL || prev.sa_sigaction == libc::SIG_IGN {
        // Restore the default and return: the instruction faults again and the process
        // dies as it would have without us.
        libc::sigaction(sig, prev, std::ptr::null_mut());
    } else {
        let f: extern "C" fn(libc::c_int) = std::mem::transmute(prev.sa_sigaction);
        f(sig);
    }
}
