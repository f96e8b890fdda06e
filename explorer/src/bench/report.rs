//! The numbers of `wlab bench`: one run's [`Sample`], a cell's [`Spread`] (min, median
//! and max over its good runs), a [`Row`] per module, and the [`Ratio`]s of measured
//! medians (of compile medians under `--compile-only`) between runners with their
//! geometric means. Pure arithmetic over samples
//! that already exist: never runs or times anything, and never counts a failed run.

use serde::Serialize;

/// Measured regions shorter than this (ms) are below the noise of a process run (the
/// `noop` module measures an empty region): they get no ratio and stay out of the mean.
pub const MIN_RATIO_MS: f64 = 0.1;

/// One run's outcome.
#[derive(Clone, Debug, Serialize)]
pub struct Sample {
    pub compile_ms: Option<f64>,
    pub measured_ms: Option<f64>,
    /// Peak resident memory of the whole process (wlab, or Python / Node with the peer), MB.
    pub peak_rss_mb: Option<f64>,
    /// `None` when the run was good; else why it does not count, in one line.
    pub failure: Option<String>,
}

/// Minimum, median and maximum of some runs.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Spread {
    pub min: f64,
    pub median: f64,
    pub max: f64,
}

impl Spread {
    /// `None` for no values.
    pub fn of(mut v: Vec<f64>) -> Option<Spread> {
        if v.is_empty() {
            return None;
        }
        v.sort_by(f64::total_cmp);
        let n = v.len();
        let median = if n % 2 == 1 { v[n / 2] } else { (v[n / 2 - 1] + v[n / 2]) / 2.0 };
        Some(Spread { min: v[0], median, max: v[n - 1] })
    }
}

/// One module on one runner.
#[derive(Clone, Debug, Serialize)]
pub struct Cell {
    pub runner: String,
    /// Over the good runs.
    pub compile_ms: Option<Spread>,
    pub measured_ms: Option<Spread>,
    pub peak_rss_mb: Option<Spread>,
    pub good: usize,
    pub failed: usize,
    /// The first failed run's reason.
    pub failure: Option<String>,
    /// Every run, in round order.
    pub runs: Vec<Sample>,
}

impl Cell {
    pub fn new(runner: String, runs: Vec<Sample>) -> Cell {
        let good: Vec<&Sample> = runs.iter().filter(|s| s.failure.is_none()).collect();
        Cell {
            runner,
            compile_ms: Spread::of(good.iter().filter_map(|s| s.compile_ms).collect()),
            measured_ms: Spread::of(good.iter().filter_map(|s| s.measured_ms).collect()),
            peak_rss_mb: Spread::of(good.iter().filter_map(|s| s.peak_rss_mb).collect()),
            good: good.len(),
            failed: runs.len() - good.len(),
            failure: runs.iter().find_map(|s| s.failure.clone()),
            runs,
        }
    }

    /// The median a ratio compares: the measured region's, or compile time's.
    fn median(&self, of: RatioOf) -> Option<f64> {
        match of {
            RatioOf::Measured => self.measured_ms.map(|s| s.median),
            RatioOf::Compile => self.compile_ms.map(|s| s.median),
        }
    }
}

#[derive(Clone, Debug, Serialize)]
pub struct Row {
    pub module: String,
    /// Whether stdout was compared with an expected file.
    pub stdout_checked: bool,
    /// One per runner, in [`BenchReport::runners`] order.
    pub cells: Vec<Cell>,
}

/// A runner as the report names it.
#[derive(Clone, Debug, Serialize)]
pub struct RunnerInfo {
    pub label: String,
    /// `wlab` or `peer`.
    pub kind: &'static str,
    /// Its command line, `MODULE` standing for the module (and version, for peers).
    pub command: String,
}

/// Which median the ratios compare.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RatioOf {
    /// The measured region (bench.start..bench.end): the default.
    Measured,
    /// Compile time (`--compile-only`, where nothing runs).
    Compile,
}

/// Medians of `runner` over those of `against` (of the measured region, or of compile time).
#[derive(Clone, Debug, Serialize)]
pub struct Ratio {
    pub runner: String,
    pub against: String,
    pub of: RatioOf,
    /// Geometric mean over the modules where both medians are at least [`MIN_RATIO_MS`].
    pub geomean: Option<f64>,
    pub modules: usize,
    /// Per row (same order as [`BenchReport::rows`]).
    pub per_module: Vec<Option<f64>>,
}

#[derive(Clone, Debug, Serialize)]
pub struct BenchReport {
    pub runners: Vec<RunnerInfo>,
    /// Peers not run, each with why.
    pub absent_peers: Vec<String>,
    /// Interleaved rounds.
    pub runs: usize,
    /// `--compile-only`: nothing ran; the ratios compare compile medians.
    pub compile_only: bool,
    pub rows: Vec<Row>,
    pub ratios: Vec<Ratio>,
    pub failed_runs: usize,
    pub total_runs: usize,
    /// With `--profile`: each module's hottest functions, from one extra sampled run.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub profiles: Vec<super::profile::ModuleProfile>,
}

/// The pairs (runner, against) compared, as indices into `is_peer`: each wlab
/// configuration against every earlier one and against every peer, and each peer against
/// every earlier peer.
pub fn ratio_pairs(is_peer: &[bool]) -> Vec<(usize, usize)> {
    let mut pairs = Vec::new();
    for r in 0..is_peer.len() {
        for a in 0..is_peer.len() {
            let same_kind_earlier = is_peer[a] == is_peer[r] && a < r;
            let wlab_against_peer = !is_peer[r] && is_peer[a];
            if same_kind_earlier || wlab_against_peer {
                pairs.push((r, a));
            }
        }
    }
    pairs
}

/// The ratios for `pairs` over `rows`.
pub fn ratios(rows: &[Row], runners: &[RunnerInfo], pairs: &[(usize, usize)], of: RatioOf) -> Vec<Ratio> {
    pairs
        .iter()
        .map(|&(r, a)| {
            let per_module: Vec<Option<f64>> = rows.iter().map(|row| ratio(&row.cells[r], &row.cells[a], of)).collect();
            let logs: Vec<f64> = per_module.iter().flatten().map(|x| x.ln()).collect();
            let geomean = (!logs.is_empty()).then(|| (logs.iter().sum::<f64>() / logs.len() as f64).exp());
            Ratio {
                runner: runners[r].label.clone(),
                against: runners[a].label.clone(),
                of,
                geomean,
                modules: logs.len(),
                per_module,
            }
        })
        .collect()
}

/// Median ratio of `a` to `b`, when both are at least [`MIN_RATIO_MS`].
fn ratio(a: &Cell, b: &Cell, of: RatioOf) -> Option<f64> {
    match (a.median(of), b.median(of)) {
        (Some(x), Some(y)) if x >= MIN_RATIO_MS && y >= MIN_RATIO_MS => Some(x / y),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::{ratio_pairs, Spread};

    #[test]
    fn spread_is_min_median_max() {
        assert_eq!(Spread::of(vec![3.0, 1.0, 2.0]), Some(Spread { min: 1.0, median: 2.0, max: 3.0 }));
        assert_eq!(Spread::of(vec![4.0, 1.0]), Some(Spread { min: 1.0, median: 2.5, max: 4.0 }));
        assert_eq!(Spread::of(vec![]), None);
    }

    #[test]
    fn configurations_are_compared_with_earlier_ones_and_with_peers() {
        // o2, o0 (wlab); wasmtime, v8 (peers)
        assert_eq!(ratio_pairs(&[false, false, true, true]), [(0, 2), (0, 3), (1, 0), (1, 2), (1, 3), (3, 2)]);
    }
}
