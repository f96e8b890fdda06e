//! A self-contained sampling profiler for compiled code: no `perf`, no privileges.
//! A POSIX timer on `CLOCK_MONOTONIC` sends `SIGPROF` to the thread that started the
//! sampler (the one running the wasm) every [`SAMPLE_INTERVAL`]; the handler reads the
//! interrupted program counter and counts it against the [`CodeSymbol`] that holds it
//! (binary search over sorted starts), or as *outside compiled code* (the runtime:
//! libcalls, WASI, the host, a blocking system call).
//!
//! ```text
//!  Sampler::start(symbols) ── sorted ranges + one atomic counter each, published ──▶ handler
//!  SIGPROF to this thread every SAMPLE_INTERVAL ─▶ pc ─▶ counter[symbol] += 1 | outside += 1
//!  Sampler::stop() ─▶ timer deleted, handler restored ─▶ Profile (counts per symbol)
//! ```
//!
//! Why a wall-clock timer aimed at one thread rather than `setitimer(ITIMER_PROF)`: CPU-time
//! timers fire on the kernel's scheduler tick, so at most `CONFIG_HZ` samples a second
//! (28 samples for shootout-matrix's 300 ms here, where the tick is 100 Hz), while a
//! `CLOCK_MONOTONIC` timer is a high-resolution timer. The handler only reads immutable
//! arrays and increments atomics (async-signal-safe). One sampler runs at a time in a
//! process; its tables are leaked when it stops, since a late signal may still be reading
//! them (a few bytes per symbol, once per run). A sample inside a libcall counts as
//! outside compiled code, not against the wasm function that called it (the runtime keeps
//! no frame pointers to walk). Never writes reports: the command line renders [`Profile`].

use super::CodeSymbol;
use std::sync::atomic::{AtomicBool, AtomicPtr, AtomicU64, Ordering};
use std::time::Duration;

/// Wall-clock time between two samples of the sampled thread.
pub const SAMPLE_INTERVAL: Duration = Duration::from_millis(1);

/// What the handler reads: ranges sorted by start, one counter per range.
struct Tables {
    starts: Vec<u64>,
    ends: Vec<u64>,
    counts: Vec<AtomicU64>,
    outside: AtomicU64,
}

static ACTIVE: AtomicPtr<Tables> = AtomicPtr::new(std::ptr::null_mut());
static RUNNING: AtomicBool = AtomicBool::new(false);

/// Samples counted per symbol.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Profile {
    pub interval: Duration,
    /// Every sample taken.
    pub total: u64,
    /// Samples whose pc was in no symbol (runtime code, the host, the kernel's return path).
    pub outside: u64,
    /// `(name, samples)` for every symbol with at least one sample, most first, ties by name.
    pub symbols: Vec<(String, u64)>,
}

/// A running sampler; [`Sampler::stop`] ends it.
pub struct Sampler {
    tables: &'static Tables,
    names: Vec<String>,
    previous: libc::sigaction,
    timer: Option<libc::timer_t>,
}

impl Sampler {
    /// Starts sampling the process, attributing samples to `symbols`. Fails when another
    /// sampler is running or the OS refuses the handler or the timer.
    pub fn start(symbols: &[CodeSymbol]) -> Result<Sampler, String> {
        if !cfg!(all(target_arch = "x86_64", target_os = "linux")) {
            return Err("the sampler reads x86-64 Linux signal contexts; this machine is not one".into());
        }
        if RUNNING.swap(true, Ordering::SeqCst) {
            return Err("a sampler is already running in this process".into());
        }
        let mut sorted: Vec<&CodeSymbol> = symbols.iter().collect();
        sorted.sort_by_key(|s| s.start);
        let tables: &'static Tables = Box::leak(Box::new(Tables {
            starts: sorted.iter().map(|s| s.start).collect(),
            ends: sorted.iter().map(|s| s.start + s.size).collect(),
            counts: sorted.iter().map(|_| AtomicU64::new(0)).collect(),
            outside: AtomicU64::new(0),
        }));
        let names = sorted.iter().map(|s| s.name.clone()).collect();
        ACTIVE.store(tables as *const Tables as *mut Tables, Ordering::SeqCst);
        // SAFETY: a zeroed sigaction filled with a valid handler; the previous one is kept
        // and restored by `stop`.
        let previous = unsafe {
            let mut sa: libc::sigaction = std::mem::zeroed();
            sa.sa_sigaction = on_sigprof as *const () as usize;
            sa.sa_flags = libc::SA_SIGINFO | libc::SA_RESTART;
            libc::sigemptyset(&mut sa.sa_mask);
            let mut prev: libc::sigaction = std::mem::zeroed();
            if libc::sigaction(libc::SIGPROF, &sa, &mut prev) != 0 {
                let e = std::io::Error::last_os_error();
                ACTIVE.store(std::ptr::null_mut(), Ordering::SeqCst);
                RUNNING.store(false, Ordering::SeqCst);
                return Err(format!("cannot install the SIGPROF handler: {e}"));
            }
            prev
        };
        let mut sampler = Sampler { tables, names, previous, timer: None };
        match start_timer(SAMPLE_INTERVAL) {
            Ok(t) => sampler.timer = Some(t),
            Err(e) => {
                sampler.stop();
                return Err(format!("cannot start the profiling timer: {e}"));
            }
        }
        Ok(sampler)
    }

    /// Stops the timer, restores the previous handler and returns the counts.
    pub fn stop(self) -> Profile {
        // SAFETY: deletes the timer `start` created, then restores the handler it replaced.
        unsafe {
            if let Some(t) = self.timer {
                libc::timer_delete(t);
            }
            libc::sigaction(libc::SIGPROF, &self.previous, std::ptr::null_mut());
        }
        ACTIVE.store(std::ptr::null_mut(), Ordering::SeqCst);
        RUNNING.store(false, Ordering::SeqCst);
        let t = self.tables;
        let mut symbols: Vec<(String, u64)> = self
            .names
            .iter()
            .zip(&t.counts)
            .map(|(n, c)| (n.clone(), c.load(Ordering::Relaxed)))
            .filter(|(_, c)| *c > 0)
            .collect();
        symbols.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        let outside = t.outside.load(Ordering::Relaxed);
        let total = outside + symbols.iter().map(|(_, c)| c).sum::<u64>();
        Profile { interval: SAMPLE_INTERVAL, total, outside, symbols }
    }
}

/// A timer sending SIGPROF to the calling thread every `every`.
fn start_timer(every: Duration) -> std::io::Result<libc::timer_t> {
    // SAFETY: plain system calls with initialised arguments; the timer id is written by
    // timer_create before it is used.
    unsafe {
        let mut ev: libc::sigevent = std::mem::zeroed();
        ev.sigev_notify = libc::SIGEV_THREAD_ID;
        ev.sigev_signo = libc::SIGPROF;
        ev.sigev_notify_thread_id = libc::syscall(libc::SYS_gettid) as libc::c_int;
        let mut timer: libc::timer_t = std::mem::zeroed();
        if libc::timer_create(libc::CLOCK_MONOTONIC, &mut ev, &mut timer) != 0 {
            return Err(std::io::Error::last_os_error());
        }
        let ts =
            libc::timespec { tv_sec: every.as_secs() as libc::time_t, tv_nsec: every.subsec_nanos() as libc::c_long };
        let spec = libc::itimerspec { it_interval: ts, it_value: ts };
        if libc::timer_settime(timer, 0, &spec, std::ptr::null_mut()) != 0 {
            let e = std::io::Error::last_os_error();
            libc::timer_delete(timer);
            return Err(e);
        }
        Ok(timer)
    }
}

/// Counts `pc` against the range that holds it.
fn record(t: &Tables, pc: u64) {
    // The last range starting at or before pc.
    let k = t.starts.partition_point(|&s| s <= pc);
    if k > 0 && pc < t.ends[k - 1] {
        t.counts[k - 1].fetch_add(1, Ordering::Relaxed);
    } else {
        t.outside.fetch_add(1, Ordering::Relaxed);
    }
}

#[cfg(all(target_arch = "x86_64", target_os = "linux"))]
extern "C" fn on_sigprof(_sig: libc::c_int, _info: *mut libc::siginfo_t, ctx: *mut libc::c_void) {
    let t = ACTIVE.load(Ordering::Acquire);
    if t.is_null() || ctx.is_null() {
        return;
    }
    // SAFETY: the kernel passes a valid ucontext to an SA_SIGINFO handler; the tables are
    // leaked, so never freed under us.
    unsafe {
        let uc = &*(ctx as *const libc::ucontext_t);
        let pc = uc.uc_mcontext.gregs[libc::REG_RIP as usize] as u64;
        record(&*t, pc);
    }
}

#[cfg(not(all(target_arch = "x86_64", target_os = "linux")))]
extern "C" fn on_sigprof(_sig: libc::c_int, _info: *mut libc::siginfo_t, _ctx: *mut libc::c_void) {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_pc_counts_against_the_range_that_holds_it() {
        let t = Tables {
            starts: vec![0x1000, 0x1040],
            ends: vec![0x1030, 0x1100],
            counts: vec![AtomicU64::new(0), AtomicU64::new(0)],
            outside: AtomicU64::new(0),
        };
        for pc in [0x1000, 0x102f, 0x1030, 0x1040, 0x10ff, 0x1100, 0xfff] {
            record(&t, pc);
        }
        let c: Vec<u64> = t.counts.iter().map(|c| c.load(Ordering::Relaxed)).collect();
        assert_eq!(c, vec![2, 2]);
        assert_eq!(t.outside.load(Ordering::Relaxed), 3);
    }

    #[test]
    fn a_busy_loop_is_sampled_outside_compiled_code() {
        let sampler = Sampler::start(&[CodeSymbol { start: 16, size: 16, name: "nothing".into() }]).unwrap();
        let t0 = std::time::Instant::now();
        let mut x = 0u64;
        while t0.elapsed() < Duration::from_millis(200) {
            x = std::hint::black_box(x.wrapping_mul(31).wrapping_add(7));
        }
        let p = sampler.stop();
        assert!(p.total > 0, "no sample in 200 ms");
        assert_eq!(p.outside, p.total);
        assert!(p.symbols.is_empty());
    }
}
