//! Clocks and randomness: `clock_time_get`, `clock_res_get`, `random_get`, and the clock
//! part of `poll_oneoff` (sleeping until a deadline).
//!
//! Clock ids map to the Linux clocks of the same meaning (realtime, monotonic — the clock
//! of Rust's `Instant` —, process and thread CPU time). This file never reads a file
//! descriptor; randomness comes from the kernel's `getrandom`.

use super::errno::{Errno, WasiResult};

/// WASI clock id → Linux clock id.
fn clock_id(id: u32) -> WasiResult<libc::clockid_t> {
    match id {
        0 => Ok(libc::CLOCK_REALTIME),
        1 => Ok(libc::CLOCK_MONOTONIC),
        2 => Ok(libc::CLOCK_PROCESS_CPUTIME_ID),
        3 => Ok(libc::CLOCK_THREAD_CPUTIME_ID),
        _ => Err(Errno::Inval),
    }
}

fn to_ns(ts: libc::timespec) -> u64 {
    (ts.tv_sec as u64).saturating_mul(1_000_000_000).saturating_add(ts.tv_nsec as u64)
}

/// The time of WASI clock `id` in nanoseconds.
pub fn time_get(id: u32) -> WasiResult<u64> {
    let clock = clock_id(id)?;
    let mut ts = libc::timespec { tv_sec: 0, tv_nsec: 0 };
    // SAFETY: `ts` is a valid, writable timespec.
    let r = unsafe { libc::clock_gettime(clock, &mut ts) };
    if r != 0 {
        return Err(Errno::from_io(&std::io::Error::last_os_error()));
    }
    Ok(to_ns(ts))
}

/// The resolution of WASI clock `id` in nanoseconds.
pub fn res_get(id: u32) -> WasiResult<u64> {
    let clock = clock_id(id)?;
    let mut ts = libc::timespec { tv_sec: 0, tv_nsec: 0 };
    // SAFETY: `ts` is a valid, writable timespec.
    let r = unsafe { libc::clock_getres(clock, &mut ts) };
    if r != 0 {
        return Err(Errno::from_io(&std::io::Error::last_os_error()));
    }
    Ok(to_ns(ts))
}

/// Fills `buf` with random bytes from the kernel.
pub fn random_fill(buf: &mut [u8]) -> WasiResult<()> {
    let mut done = 0;
    while done < buf.len() {
        let rest = &mut buf[done..];
        // SAFETY: `rest` is a valid writable buffer of `rest.len()` bytes.
        let n = unsafe { libc::getrandom(rest.as_mut_ptr().cast(), rest.len(), 0) };
        if n < 0 {
            let e = std::io::Error::last_os_error();
            if e.kind() == std::io::ErrorKind::Interrupted {
                continue;
            }
            return Err(Errno::from_io(&e));
        }
        done += n as usize;
    }
    Ok(())
}

/// A clock subscription of `poll_oneoff`.
#[derive(Clone, Copy, Debug)]
pub struct ClockSub {
    pub userdata: u64,
    pub clock: u32,
    pub timeout: u64,
    /// `subclockflags::abstime`: `timeout` is a time on the clock, not a delay.
    pub absolute: bool,
}

/// Nanoseconds from now until `sub` fires (0 when already due).
pub fn delay_ns(sub: &ClockSub) -> WasiResult<u64> {
    if sub.absolute {
        Ok(sub.timeout.saturating_sub(time_get(sub.clock)?))
    } else {
        clock_id(sub.clock)?;
        Ok(sub.timeout)
    }
}

/// Sleeps for `ns` nanoseconds.
pub fn sleep_ns(ns: u64) {
    std::thread::sleep(std::time::Duration::from_nanos(ns));
}
