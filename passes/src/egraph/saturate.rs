//! The saturation loop: search every rule, apply what was found, rebuild; stop on a
//! limit, or when an iteration changed nothing.
//!
//! ```text
//! rebuild ─▶ [limits?] ─▶ search each rule ─▶ apply each rule ─▶ rebuild if changed ─▶ saturated?
//!                ▲                                                                       │ no
//!                └───────────────────────────────────────────────────────────────────────┘
//! ```
//!
//! It is egg's `Runner` loop, step for step (the same limit checks after each rule's
//! search and application, the same records per iteration, the same saturation test),
//! so reports read it as they read egg's and the tests compare the two. Two things
//! differ: an e-graph nothing changed is not rebuilt (egg re-sorts every class even
//! then: 0.3 ms on ed25519's largest function, measured when the pass took 10 ms there);
//! and the clock is read at the start of each iteration and then at every
//! [`CLOCK_EVERY`]th check only, not after every rule (two reads per rule and iteration
//! were about 3% of the O2 passes' time), so the time limit, a safety net, can be
//! passed by that many rules' work before it stops the run.
//! This file never decides what matches or what a rule does.

use super::analysis::{ConstFold, EG};
use super::language::Node;
use egg::{Rewrite, RewriteScheduler, StopReason, Symbol};
use std::time::{Duration, Instant};

/// Within an iteration, the time limit is checked at every this many limit checks (the
/// node and iteration limits at every one).
pub const CLOCK_EVERY: usize = 16;

/// The limits of one run.
#[derive(Clone, Copy, Debug)]
pub struct RunLimits {
    pub iters: usize,
    /// Hash-cons entries (egg's `total_size`) the graph may reach.
    pub nodes: usize,
    pub time: Duration,
}

/// What one iteration did (the part of egg's `Iteration` record reports read).
#[derive(Clone, Debug)]
pub struct Iteration {
    /// Size of the e-graph when the iteration began.
    pub egraph_nodes: usize,
    pub egraph_classes: usize,
    /// Matches applied (that changed the e-graph), per rule, in rule order.
    pub applied: Vec<(Symbol, usize)>,
    pub search_time: f64,
    pub apply_time: f64,
    pub rebuild_time: f64,
    /// Set on the last iteration: why the run stopped there.
    pub stop_reason: Option<StopReason>,
}

/// A finished run: the e-graph, one record per iteration, and why it stopped.
pub struct Saturation {
    pub egraph: EG,
    pub iterations: Vec<Iteration>,
    pub stop_reason: Option<StopReason>,
}

impl Saturation {
    /// The same records of a run of egg's own `Runner` (for comparisons).
    pub fn of_runner<D>(runner: egg::Runner<Node, ConstFold, D>) -> Saturation {
        let iterations = runner
            .iterations
            .iter()
            .map(|it| Iteration {
                egraph_nodes: it.egraph_nodes,
                egraph_classes: it.egraph_classes,
                applied: it.applied.iter().map(|(k, v)| (*k, *v)).collect(),
                search_time: it.search_time,
                apply_time: it.apply_time,
                rebuild_time: it.rebuild_time,
                stop_reason: it.stop_reason.clone(),
            })
            .collect();
        Saturation { egraph: runner.egraph, iterations, stop_reason: runner.stop_reason }
    }
}

/// egg's rebuild, with quanta's clock replaced by a mock one on this thread: egg only
/// logs the time it reads (at `info` level, which nothing here enables), and the mock
/// saves quanta's calibration spin (see the module docs).
pub fn rebuild(egraph: &mut EG) {
    thread_local! {
        static NO_CLOCK: quanta::Clock = quanta::Clock::mock().0;
    }
    NO_CLOCK.with(|clock| quanta::with_clock(clock, || egraph.rebuild()));
}

/// Saturates `egraph` with `rules`, scheduled by `scheduler`.
pub fn run<S: RewriteScheduler<Node, ConstFold>>(
    mut egraph: EG,
    rules: &[Rewrite<Node, ConstFold>],
    scheduler: &mut S,
    limits: RunLimits,
) -> Saturation {
    rebuild(&mut egraph);
    let start = Instant::now();
    let checks = std::cell::Cell::new(0usize);
    let check = |iteration: usize, eg: &EG| -> Result<(), StopReason> {
        if checks.replace(checks.get() + 1) % CLOCK_EVERY == 0 {
            let elapsed = start.elapsed();
            if elapsed > limits.time {
                return Err(StopReason::TimeLimit(elapsed.as_secs_f64()));
            }
        }
        if eg.total_size() > limits.nodes {
            return Err(StopReason::NodeLimit(eg.total_size()));
        }
        if iteration >= limits.iters {
            return Err(StopReason::IterationLimit(iteration));
        }
        Ok(())
    };
    let mut iterations: Vec<Iteration> = Vec::new();
    loop {
        let i = iterations.len();
        checks.set(0); // the clock is read at the start of every iteration
        let mut result = check(i, &egraph);
        let (nodes, classes) = (egraph.total_size(), egraph.number_of_classes());

        let t = Instant::now();
        let mut matches = Vec::with_capacity(rules.len());
        if result.is_ok() {
            for rw in rules {
                matches.push(scheduler.search_rewrite(i, &egraph, rw));
                if let Err(stop) = check(i, &egraph) {
                    result = Err(stop);
                    matches.clear(); // egg applies nothing from a search cut short
                    break;
                }
            }
        }
        let search_time = t.elapsed().as_secs_f64();

        let t = Instant::now();
        let mut applied: Vec<(Symbol, usize)> = Vec::new();
        for (rw, ms) in rules.iter().zip(matches) {
            let n = scheduler.apply_rewrite(i, &mut egraph, rw, ms);
            if n > 0 {
                match applied.iter_mut().find(|(name, _)| *name == rw.name) {
                    Some((_, k)) => *k += n,
                    None => applied.push((rw.name, n)),
                }
            }
            if let Err(stop) = check(i, &egraph) {
                result = Err(stop);
                break;
            }
        }
        let apply_time = t.elapsed().as_secs_f64();

        let t = Instant::now();
        // No new node (the hash-cons did not grow) and no merge (classes are removed
        // as they merge): nothing to restore. (egg marks the graph dirty on every
        // union call, even of a class with itself.)
        let unchanged = nodes == egraph.total_size() && classes == egraph.number_of_classes();
        if unchanged {
            egraph.clean = true;
        } else {
            rebuild(&mut egraph);
        }
        let rebuild_time = t.elapsed().as_secs_f64();

        if applied.is_empty() && scheduler.can_stop(i) && unchanged {
            result = result.and(Err(StopReason::Saturated));
        }
        iterations.push(Iteration {
            egraph_nodes: nodes,
            egraph_classes: classes,
            applied,
            search_time,
            apply_time,
            rebuild_time,
            stop_reason: result.err(),
        });
        let stop =
            iterations.last().and_then(|it| it.stop_reason.clone()).or_else(|| check(iterations.len(), &egraph).err());
        if stop.is_some() {
            return Saturation { egraph, iterations, stop_reason: stop };
        }
    }
}
