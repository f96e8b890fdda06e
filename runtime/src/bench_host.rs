//! The benchmark protocol of the Sightglass suite: the `bench.start` / `bench.end`
//! imports that mark a program's measured region, and the event times a run records
//! (compile, instantiate, measured region) for `--bench-report` and `BENCH_TIMES_FILE`.
//!
//! Times are `CLOCK_MONOTONIC` nanoseconds — the clock Rust's `Instant` reads on Linux —
//! so an outside harness can put them on its own timeline. This file only records and
//! formats times; it never decides what is measured.

use crate::linker::Linker;
use crate::store::{Extern, Store};
use std::cell::RefCell;
use std::fmt;
use std::rc::Rc;
use wlab_ir::Signature;

/// An event of a run, in the order a run records them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum BenchEvent {
    CompileStart,
    CompileEnd,
    InstantiateStart,
    InstantiateEnd,
    BenchStart,
    BenchEnd,
}

impl BenchEvent {
    /// The name written to `BENCH_TIMES_FILE`.
    pub fn name(self) -> &'static str {
        match self {
            BenchEvent::CompileStart => "compile_start",
            BenchEvent::CompileEnd => "compile_end",
            BenchEvent::InstantiateStart => "instantiate_start",
            BenchEvent::InstantiateEnd => "instantiate_end",
            BenchEvent::BenchStart => "bench_start",
            BenchEvent::BenchEnd => "bench_end",
        }
    }
}

/// `CLOCK_MONOTONIC` now, in nanoseconds.
pub fn monotonic_ns() -> u64 {
    let mut ts = libc::timespec { tv_sec: 0, tv_nsec: 0 };
    // SAFETY: `ts` is a valid, writable timespec; CLOCK_MONOTONIC always exists on Linux.
    let r = unsafe { libc::clock_gettime(libc::CLOCK_MONOTONIC, &mut ts) };
    assert_eq!(r, 0, "clock_gettime(CLOCK_MONOTONIC) failed");
    (ts.tv_sec as u64) * 1_000_000_000 + ts.tv_nsec as u64
}

/// The events of one run with their times.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct BenchTimes {
    pub events: Vec<(BenchEvent, u64)>,
}

/// Durations derived from [`BenchTimes`], in nanoseconds.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct BenchReport {
    pub compile_ns: Option<u64>,
    pub instantiate_ns: Option<u64>,
    /// Sum over every `bench.start` … `bench.end` pair (a program may mark several).
    pub measured_ns: Option<u64>,
}

impl BenchTimes {
    /// Records `event` now.
    pub fn record(&mut self, event: BenchEvent) {
        self.events.push((event, monotonic_ns()));
    }

    /// One `<event> <ns>` line per event, in the order recorded.
    pub fn to_lines(&self) -> String {
        self.events.iter().map(|(e, t)| format!("{} {t}\n", e.name())).collect()
    }

    fn span(&self, start: BenchEvent, end: BenchEvent) -> Option<u64> {
        let s = self.events.iter().find(|(e, _)| *e == start)?.1;
        let e = self.events.iter().find(|(e, _)| *e == end)?.1;
        Some(e.saturating_sub(s))
    }

    pub fn report(&self) -> BenchReport {
        let mut measured = None;
        let mut open = None;
        for &(e, t) in &self.events {
            match e {
                BenchEvent::BenchStart => open = Some(t),
                BenchEvent::BenchEnd => {
                    if let Some(s) = open.take() {
                        measured = Some(measured.unwrap_or(0) + t.saturating_sub(s));
                    }
                }
                BenchEvent::CompileStart
                | BenchEvent::CompileEnd
                | BenchEvent::InstantiateStart
                | BenchEvent::InstantiateEnd => {}
            }
        }
        BenchReport {
            compile_ns: self.span(BenchEvent::CompileStart, BenchEvent::CompileEnd),
            instantiate_ns: self.span(BenchEvent::InstantiateStart, BenchEvent::InstantiateEnd),
            measured_ns: measured,
        }
    }
}

impl fmt::Display for BenchReport {
    /// `compile 12.345 ms, instantiate 0.123 ms, measured 456.789 ms` (`-` when absent).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let ms = |v: Option<u64>| match v {
            Some(ns) => format!("{:.3} ms", ns as f64 / 1e6),
            None => "-".to_string(),
        };
        write!(
            f,
            "compile {}, instantiate {}, measured {}",
            ms(self.compile_ns),
            ms(self.instantiate_ns),
            ms(self.measured_ns)
        )
    }
}

/// Creates `bench.start` and `bench.end` (both `[] -> []`) recording into `times`.
pub fn define_bench(store: &mut Store, linker: &mut Linker, times: &Rc<RefCell<BenchTimes>>) {
    for (name, event) in [("start", BenchEvent::BenchStart), ("end", BenchEvent::BenchEnd)] {
        let times = times.clone();
        let f = store.add_host_func(Signature::new(vec![], vec![]), move |_, _| {
            times.borrow_mut().record(event);
            Ok(vec![])
        });
        linker.define("bench", name, Extern::Func(f));
    }
}
