//! The benchmark protocol's bookkeeping: event names, the report's spans (several
//! measured regions add up), and the `BENCH_TIMES_FILE` line format.

use wlab_runtime::bench_host::{monotonic_ns, BenchEvent, BenchTimes};

fn times(events: &[(BenchEvent, u64)]) -> BenchTimes {
    BenchTimes { events: events.to_vec() }
}

#[test]
fn report_spans_and_sums_measured_regions() {
    use BenchEvent::*;
    let t = times(&[
        (CompileStart, 100),
        (CompileEnd, 350),
        (InstantiateStart, 400),
        (InstantiateEnd, 410),
        (BenchStart, 1000),
        (BenchEnd, 1500),
        (BenchStart, 2000),
        (BenchEnd, 2100),
    ]);
    let r = t.report();
    assert_eq!((r.compile_ns, r.instantiate_ns, r.measured_ns), (Some(250), Some(10), Some(600)));
    assert!(t.to_lines().starts_with("compile_start 100\ncompile_end 350\ninstantiate_start 400\n"));
}

#[test]
fn absent_events_are_absent_in_the_report() {
    let r = times(&[(BenchEvent::CompileStart, 5), (BenchEvent::CompileEnd, 9)]).report();
    assert_eq!(r.measured_ns, None);
    assert_eq!(r.to_string(), "compile 0.000 ms, instantiate -, measured -");
}

#[test]
fn monotonic_clock_does_not_go_back() {
    let a = monotonic_ns();
    let b = monotonic_ns();
    assert!(b >= a);
}
