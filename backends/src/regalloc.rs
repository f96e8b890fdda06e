//! The regalloc2 adapter: allocation options, the machine environment cut to N registers,
//! the checker, and the allocation counters (spills, reloads, moves). Shared by every
//! target; a target only supplies its register lists.
//!
//! This file never lets an allocation failure through silently: `allocate` returns an
//! error naming the function, and with `check` set, regalloc2's checker must accept
//! every allocation.

use crate::machinst::MachInst;
use crate::vcode::VCode;
use regalloc2::{Algorithm, Edit, MachineEnv, Output, PReg, PRegSet, RegallocOptions};
use serde::Serialize;
use std::fmt;

/// Which regalloc2 algorithm.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum AllocAlgorithm {
    #[default]
    Ion,
    Fastalloc,
}

impl AllocAlgorithm {
    pub const NAMES: &'static [&'static str] = &["ion", "fastalloc"];

    pub fn from_name(s: &str) -> Option<AllocAlgorithm> {
        match s {
            "ion" => Some(AllocAlgorithm::Ion),
            "fastalloc" => Some(AllocAlgorithm::Fastalloc),
            _ => None,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            AllocAlgorithm::Ion => "ion",
            AllocAlgorithm::Fastalloc => "fastalloc",
        }
    }
}

/// How to allocate.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct AllocOptions {
    pub algorithm: AllocAlgorithm,
    /// Restrict the allocatable integer and float registers to this many each.
    pub regs: Option<usize>,
    /// Run regalloc2's checker on the result (always in tests).
    pub check: bool,
    /// With `Ion`, functions whose estimated number of values live at once
    /// ([`estimate_max_live`]) exceeds this are allocated with `Fastalloc` instead.
    pub ion_max_live: usize,
    /// With `Ion`, bundles (a block parameter with its inputs, a reused input with its
    /// output) are merged up to this many live ranges, however far apart in the function
    /// they are; 0 keeps regalloc2's own rule (see [`ION_MERGE_MAX_RANGES`]).
    pub ion_merge_max_ranges: usize,
    /// With `Ion`, trying a bundle in a register stops after this many conflicting
    /// bundles there, and the register is then only a place to split it; 0 keeps
    /// regalloc2's own rule, which collects every conflict (see [`ION_MAX_CONFLICTS`]).
    pub ion_max_conflicts: usize,
}

/// Default of [`AllocOptions::ion_max_live`]. Under regalloc2's own conflict rule
/// (`ion_max_conflicts` 0), Ion's cost grows with the square of the number of values live
/// at once: a bundle that spans them is compared against every small piece of the others
/// on each register (`try_to_allocate_bundle_to_reg`). Measured on x86-64 with a function
/// that sets N locals and then sums them (no passes): N = 1,000 took 0.01 s in Ion, 6,000
/// 0.5 s, 15,000 6.9 s, 49,000 70 s; Fastalloc takes 0.06 s at 49,000. With
/// [`ION_MAX_CONFLICTS`] (the default) 6,000 take 0.05 s, 15,000 0.13 s (the same code as
/// without it at both) and 49,000 0.5 s, so this limit is now a safeguard more than a
/// necessity. It stays because no function of the benchmark modules or the spec suite
/// comes near it, at O0 or O2, so their code does not change either way.
pub const ION_MAX_LIVE: usize = 4_000;

/// Default of [`AllocOptions::ion_merge_max_ranges`] (patch 6 in
/// `vendor/regalloc2/WLAB-PATCH.md`). regalloc2's own rule gives up a merge after comparing
/// 200 ranges, counting those before the two bundles even meet, so a long-lived value never
/// merges with the inputs of a block parameter far down the function and each edge gets a
/// move. Merging by size instead made esbuild's code 3.1% smaller at O2 (moves 81,596 to
/// 29,158) and lightningcss's 4.5% (spills -22%); with no limit esbuild's was only 0.07%
/// smaller still. Each merge copies the smaller bundle's ranges into the larger, so the
/// limit bounds that work; compile time and peak memory of esbuild, lightningcss and ruby
/// stayed within the noise of regalloc2's rule (numbers in WLAB-PATCH.md).
pub const ION_MERGE_MAX_RANGES: usize = 4_096;

/// Default of [`AllocOptions::ion_max_conflicts`] (patch 7 in
/// `vendor/regalloc2/WLAB-PATCH.md`). To try a bundle in a register, regalloc2 collects
/// every bundle already there that overlaps it, over the bundle's whole span, so that it
/// could evict them all. For a value live across a long function that is every temporary
/// allocated to the register meanwhile, for each register tried: the allocator's time grew
/// faster than the function (`wlab scaling --target`). Evicting that many bundles for one
/// never won where it was measured: stopping at this many and splitting instead left the
/// code of every benchmark module and real program measured byte-identical (numbers in
/// WLAB-PATCH.md).
pub const ION_MAX_CONFLICTS: usize = 64;

impl Default for AllocOptions {
    fn default() -> Self {
        AllocOptions {
            algorithm: AllocAlgorithm::Ion,
            regs: None,
            check: false,
            ion_max_live: ION_MAX_LIVE,
            ion_merge_max_ranges: ION_MERGE_MAX_RANGES,
            ion_max_conflicts: ION_MAX_CONFLICTS,
        }
    }
}

/// What allocation inserted, counted from its edits.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct AllocStats {
    /// Register → stack slot moves.
    pub spills: u32,
    /// Stack slot → register moves.
    pub reloads: u32,
    /// Register → register moves.
    pub moves: u32,
    /// Spill slots used.
    pub spill_slots: u32,
}

/// A target's registers, in preference order.
pub struct RegisterLists {
    pub int: Vec<PReg>,
    pub float: Vec<PReg>,
    pub int_scratch: PReg,
    pub float_scratch: PReg,
    /// Registers that fixed-register constraints use: always kept allocatable, even
    /// when the list is cut to N.
    pub must_keep: Vec<PReg>,
    /// Registers a function must save before using (callee-saved): offered to the
    /// allocator only after the others, so leaf code does not pay for saving them.
    pub non_preferred: Vec<PReg>,
}

impl RegisterLists {
    /// How many registers of each class can be allocated, and the fewest `--regs` keeps.
    pub fn counts(&self) -> RegisterCounts {
        let min = self.must_keep.iter().filter(|p| p.class() == regalloc2::RegClass::Int).count().max(2);
        RegisterCounts { int: self.int.len(), float: self.float.len(), min }
    }
}

/// What `AllocOptions::regs` may ask of a target: it cuts both classes to N, so N must
/// be at least `min` and at most [`RegisterCounts::max`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RegisterCounts {
    /// Allocatable integer registers.
    pub int: usize,
    /// Allocatable float registers.
    pub float: usize,
    /// The fewest registers per class allocation works with.
    pub min: usize,
}

impl RegisterCounts {
    /// The most registers per class: the smaller class's count (a larger N would cut
    /// only the other class).
    pub fn max(&self) -> usize {
        self.int.min(self.float)
    }
}

/// Why allocation failed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum AllocError {
    TooFewRegisters { asked: usize, min: usize },
    TooManyRegisters { asked: usize, counts: RegisterCounts },
    Regalloc(String),
    Checker(String),
}

impl fmt::Display for AllocError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AllocError::TooFewRegisters { asked, min } => {
                write!(f, "--regs {asked} is too few: this target needs at least {min} registers per class")
            }
            AllocError::TooManyRegisters { asked, counts } => write!(
                f,
                "--regs {asked} is more than this target can allocate: it has {} integer and {} float registers, so --regs takes at most {}",
                counts.int,
                counts.float,
                counts.max()
            ),
            AllocError::Regalloc(e) => write!(f, "register allocation failed: {e}"),
            AllocError::Checker(e) => write!(f, "regalloc2 checker rejected the allocation: {e}"),
        }
    }
}

impl std::error::Error for AllocError {}

/// The machine environment for `lists`, cut to `regs` registers per class.
pub fn machine_env(lists: &RegisterLists, regs: Option<usize>) -> Result<MachineEnv, AllocError> {
    let counts = lists.counts();
    let min = counts.min;
    if let Some(asked) = regs.filter(|n| *n > counts.max()) {
        return Err(AllocError::TooManyRegisters { asked, counts });
    }
    let cut = |list: &[PReg]| -> Result<PRegSet, AllocError> {
        let n = regs.unwrap_or(list.len());
        if n < min {
            return Err(AllocError::TooFewRegisters { asked: n, min });
        }
        let mut set = PRegSet::empty();
        // The fixed-constraint registers first, then the rest in preference order.
        let mut count = 0;
        for p in lists.must_keep.iter().filter(|p| p.class() == list[0].class()) {
            set.add(*p);
            count += 1;
        }
        for p in list {
            if count >= n {
                break;
            }
            if !set.contains(*p) {
                set.add(*p);
                count += 1;
            }
        }
        Ok(set)
    };
    let split = |set: PRegSet| -> (PRegSet, PRegSet) {
        let (mut pref, mut non) = (PRegSet::empty(), PRegSet::empty());
        for p in set {
            if lists.non_preferred.contains(&p) {
                non.add(p);
            } else {
                pref.add(p);
            }
        }
        (pref, non)
    };
    let (ip, inp) = split(cut(&lists.int)?);
    let (fp, fnp) = split(cut(&lists.float)?);
    Ok(MachineEnv {
        preferred_regs_by_class: [ip, fp, PRegSet::empty()],
        non_preferred_regs_by_class: [inp, fnp, PRegSet::empty()],
        scratch_by_class: [Some(lists.int_scratch), Some(lists.float_scratch), None],
        fixed_stack_slots: Vec::new(),
    })
}

/// An estimate of the largest number of values live at once in `vcode`: each virtual
/// register is taken as live from its first to its last mention in layout order (block
/// parameters at their block's start, branch arguments at its end), and the most such
/// intervals that overlap one instruction are counted. Linear in the size of the code. It
/// can miss liveness around loop back edges and count values in blocks they never reach,
/// so it only decides which allocator to use; it is never used for correctness.
pub fn estimate_max_live<I: MachInst>(vcode: &VCode<I>) -> usize {
    use regalloc2::Function as _;
    let n = vcode.insts.len();
    let mut first = vec![u32::MAX; vcode.num_vregs];
    let mut last = vec![0u32; vcode.num_vregs];
    let mut mention = |v: regalloc2::VReg, at: usize| {
        let (i, at) = (v.vreg(), at as u32);
        if i < first.len() {
            first[i] = first[i].min(at);
            last[i] = last[i].max(at);
        }
    };
    for (b, blk) in vcode.blocks.iter().enumerate() {
        for &p in &blk.params {
            mention(p, blk.start as usize);
        }
        for args in &blk.branch_args {
            for &a in args {
                mention(a, (blk.end as usize).saturating_sub(1));
            }
        }
        for i in vcode.block_range(b) {
            for op in vcode.inst_operands(regalloc2::Inst::new(i)) {
                if op.vreg() != regalloc2::VReg::invalid() {
                    mention(op.vreg(), i);
                }
            }
        }
    }
    // +1 where an interval starts, -1 just after it ends; the running sum is the count.
    let mut delta = vec![0i64; n + 2];
    for (&f, &l) in first.iter().zip(&last) {
        if f != u32::MAX {
            delta[f as usize] += 1;
            delta[l as usize + 1] -= 1;
        }
    }
    let (mut live, mut max) = (0i64, 0i64);
    for d in delta {
        live += d;
        max = max.max(live);
    }
    max as usize
}

/// The algorithm [`allocate`] runs for `vcode`: the one asked for, except that `Ion` gives
/// way to `Fastalloc` above [`AllocOptions::ion_max_live`] (with the estimate it used).
pub fn choose_algorithm<I: MachInst>(vcode: &VCode<I>, opts: &AllocOptions) -> (AllocAlgorithm, usize) {
    let live = estimate_max_live(vcode);
    match opts.algorithm {
        AllocAlgorithm::Ion if live > opts.ion_max_live => (AllocAlgorithm::Fastalloc, live),
        AllocAlgorithm::Ion | AllocAlgorithm::Fastalloc => (opts.algorithm, live),
    }
}

/// Allocates registers for `vcode` with exactly `opts.algorithm` (see [`choose_algorithm`]
/// for the size-dependent choice the compile paths make first).
pub fn allocate<I: MachInst>(vcode: &VCode<I>, env: &MachineEnv, opts: &AllocOptions) -> Result<Output, AllocError> {
    let ra_opts = RegallocOptions {
        verbose_log: false,
        validate_ssa: opts.check,
        algorithm: match opts.algorithm {
            AllocAlgorithm::Ion => Algorithm::Ion,
            AllocAlgorithm::Fastalloc => Algorithm::Fastalloc,
        },
        merge_max_ranges: opts.ion_merge_max_ranges,
        max_conflicts: opts.ion_max_conflicts,
    };
    let out = regalloc2::run(vcode, env, &ra_opts).map_err(|e| AllocError::Regalloc(format!("{e:?}")))?;
    if opts.check {
        let mut checker = regalloc2::checker::Checker::new(vcode, env);
        checker.prepare(&out);
        checker.run().map_err(|e| AllocError::Checker(format!("{e:?}")))?;
    }
    Ok(out)
}

/// Counts spills, reloads and moves in `out`'s edits (regalloc2's own stats stay zero
/// under Fastalloc, so they are never used).
pub fn alloc_stats(out: &Output) -> AllocStats {
    let mut s = AllocStats { spill_slots: out.num_spillslots as u32, ..AllocStats::default() };
    for (_, edit) in &out.edits {
        let Edit::Move { from, to } = edit;
        match (from.is_reg(), to.is_reg()) {
            (true, true) => {
                if from != to {
                    s.moves += 1
                }
            }
            (true, false) => s.spills += 1,
            (false, true) => s.reloads += 1,
            (false, false) => {}
        }
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Target;

    /// `regs` cuts both classes, so it may not exceed the smaller one: a larger count
    /// used to cut only the larger class and silently equal the maximum on the other.
    #[test]
    fn regs_is_bounded_by_each_targets_smaller_class() {
        let x64 = Target::X86_64.register_counts();
        assert_eq!((x64.int, x64.float, x64.min, x64.max()), (11, 15, 4, 11));
        let a64 = Target::Aarch64.register_counts();
        assert_eq!((a64.int, a64.float, a64.min, a64.max()), (24, 31, 3, 24));
        let lists = crate::x64::regs::register_lists();
        assert!(machine_env(&lists, Some(11)).is_ok());
        assert!(machine_env(&lists, None).is_ok());
        assert_eq!(machine_env(&lists, Some(12)).err(), Some(AllocError::TooManyRegisters { asked: 12, counts: x64 }));
        assert_eq!(machine_env(&lists, Some(2)).err(), Some(AllocError::TooFewRegisters { asked: 2, min: 4 }));
    }
}
