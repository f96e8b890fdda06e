//! `strength-reduce`: multiplications, divisions and remainders by constants become
//! shifts, masks, adds and magic-number multiplies; address arithmetic `base + i*k` on a
//! loop's induction variable becomes a new induction variable stepped by `c*k`.
//!
//! ```text
//! block0(v0: i32, v1: i32):                 block0(v0: i32, v1: i32):
//!     v2 = iconst.i32 0                         v2 = iconst.i32 0
//!     v3 = iconst.i32 4                         v3 = iconst.i32 4
//!     v4 = iconst.i32 1                         v4 = iconst.i32 1
//!     jump block1(v2, v2)                       v12 = iconst.i32 2
//!                                               v13 = ishl.i32 v2, v12    (base + i0*4)
//!                                               v14 = iadd.i32 v0, v13
//!                                               jump block1(v2, v2, v14)
//! block1(v5: i32, v6: i32):        ==>      block1(v5: i32, v6: i32, v11: i32):
//!     v7 = imul.i32 v5, v3                      (v7, v8 removed)
//!     v8 = iadd.i32 v0, v7
//!     v9 = load.i32 v8                          v9 = load.i32 v11
//!     v10 = iadd.i32 v5, v4                     v10 = iadd.i32 v5, v4
//!     brif v9, block1(v10, v9), block2          v15 = iconst.i32 4        (1*4 per trip)
//!                                               v16 = iadd.i32 v11, v15
//!                                               brif v9, block1(v10, v9, v16), block2
//! ```
//!
//! Induction variables: a basic induction variable is a header parameter `i` that every
//! back edge passes as `iadd i, c` (c an `iconst`, the same on every back edge). For
//! `a = iadd base, t` in the loop with `t = imul i, k` (or `ishl i, s`, k = 2^s), k a
//! nonzero constant and `base` defined outside the loop (or a header parameter that every
//! back edge passes unchanged, as translated wasm carries locals), the header gets a parameter
//! `p`: each entry edge passes `base + i0*k` (computed at the end of the entering block
//! from the `i0` it passes), each back edge passes `p + c*k`; uses of `a` read `p`, and
//! `a` (and `t` when nothing else uses it) go. All arithmetic wraps, as the original
//! does. Inner loops go first. Loops with an unreachable predecessor are skipped.
//!
//! Constants (then, over every instruction):
//! - `imul x, 2^k` → `ishl x, k`; `imul x, 2^k+1` with k of 1 to 3 (3, 5, 9) →
//!   `iadd (ishl x, k), x`, one `lea` with a scaled index on x86-64. Other constants
//!   stay multiplies: `imul` by a constant is one instruction (two when the constant
//!   needs 64 bits), a shift and an add or subtract of the same value three.
//! - `udiv x, 2^k` → `ushr x, k`; `urem x, 2^k` → `band x, 2^k-1`.
//! - `sdiv x, 2^k` (k ≥ 1) → `sshr (iadd x, ushr (sshr x, w-1), w-k), k` (rounds toward
//!   zero); `srem x, 2^k` → `isub x, band (that sum), -2^k`.
//! - i32 `udiv`/`urem` by any other constant ≥ 3: a multiply computed in i64,
//!   `(n * m) >> s` with a 32-bit `m` where one exists (`uextend`, `imul.i64`, `ushr`,
//!   `ireduce`), else Granlund–Montgomery's round-up form, one `iadd` more
//!   ([`UdivMagic`]); i32
//!   `sdiv`/`srem` by a constant d with |d| ≥ 3 that is not ± a power of two: Hacker's
//!   Delight's signed magic number (`sextend`, `imul.i64`, `sshr`, sign correction).
//!   A remainder is `x - q*d`.
//! - Left alone: divisions by 0, 1 and -1 (trap / overflow semantics stay with the
//!   division), signed division by a negative power of two, and i64 division by a
//!   constant that is not a power of two: its magic multiply needs the high half of a
//!   64×64 product, which the IR has no instruction for.
//!
//! Counters: `ivs-reduced`, `mul-shift`, `mul-shift-add`, `div-shift`, `rem-mask`,
//! `div-magic`, `rem-magic`.
//!
//! The two rewrites are independent, one file each: `induction.rs` (runs first, on loops)
//! and `constants.rs` (then, on every instruction). This file holds the pass and the
//! helpers both use.

mod constants;
mod induction;

use crate::pass::{Changed, Pass, PassError, PassOutcome};
use crate::registry::{Make, PassArgs, PassInfo};
use constants::rewrite;
use induction::reduce_ivs;
use wlab_ir::{Function, Imm, Inst, InstData, Opcode, Type, Value};

pub use constants::{sdiv32_magic, udiv32_magic, UdivMagic};

pub const INFO: PassInfo = PassInfo {
    name: "strength-reduce",
    description: "multiply/divide/remainder by constants into shifts, masks and magic multiplies; base + i*k in loops into a new induction variable",
    args: &[],
    make: Make::Function(|_: &PassArgs| Ok(Box::new(StrengthReduce))),
    idempotent: false,
};

/// See the module docs.
#[derive(Clone, Copy, Debug, Default)]
pub struct StrengthReduce;

impl Pass for StrengthReduce {
    fn name(&self) -> &'static str {
        INFO.name
    }

    fn run(&mut self, func: &mut Function) -> Result<PassOutcome, PassError> {
        let mut out = PassOutcome::unchanged();
        let ivs = reduce_ivs(func);
        if ivs > 0 {
            out.count("ivs-reduced", ivs);
        }
        for b in func.layout.clone() {
            // Until nothing changes: a magic multiply or `q*d` emitted here may itself
            // be a multiply by 2^k or 2^k+1 (so a second run finds nothing to do).
            loop {
                let old = func.blocks[b.index()].insts.clone();
                let mut new = Vec::with_capacity(old.len());
                let mut any = false;
                for i in old {
                    if let Some(name) = rewrite(func, i, &mut new) {
                        out.count(name, 1);
                        any = true;
                    }
                    new.push(i);
                }
                func.blocks[b.index()].insts = new;
                if !any {
                    break;
                }
            }
        }
        if !out.counters.is_empty() {
            out.changed = Changed::Instructions;
        }
        Ok(out)
    }
}

// ---- helpers ---------------------------------------------------------------------------

/// Collects new instructions (made, not yet placed) to go before some instruction.
struct Emit<'a> {
    f: &'a mut Function,
    out: &'a mut Vec<Inst>,
}

impl Emit<'_> {
    fn op(&mut self, op: Opcode, ty: Type, args: &[Value]) -> Value {
        let i = self.f.make_inst(InstData::new(op, Some(ty), args.to_vec(), Imm::None), &[ty]);
        self.out.push(i);
        self.f.inst_results(i)[0]
    }

    fn iconst(&mut self, ty: Type, x: i64) -> Value {
        let x = if ty == Type::I32 { x as i32 as i64 } else { x };
        let i = self.f.make_inst(InstData::new(Opcode::Iconst, Some(ty), vec![], Imm::I64(x)), &[ty]);
        self.out.push(i);
        self.f.inst_results(i)[0]
    }
}

/// Rewrites `i` in place into `op args` (same result, same type).
fn replace(func: &mut Function, i: Inst, op: Opcode, args: &[Value]) {
    let d = func.inst_mut(i);
    d.opcode = op;
    d.args = args.to_vec();
    d.imm = Imm::None;
}

fn mask(w: u32) -> u64 {
    if w == 64 {
        u64::MAX
    } else {
        (1u64 << w) - 1
    }
}

/// log2 of `x` when it is a power of two.
fn log2_exact(x: u64) -> Option<u32> {
    (x != 0 && x.is_power_of_two()).then(|| x.trailing_zeros())
}
