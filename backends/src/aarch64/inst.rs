//! AArch64 machine instructions (VCode level): what lowering produces and emission encodes.
//! Most are one machine instruction; a few are short fixed sequences whose semantics must stay
//! together (wasm division with its traps, conversions with their range checks, bounds checks,
//! calls with their status check). Sequences use only the scratch registers `x16`/`x17`/`v31`,
//! which are never allocatable, so their register operands are plain uses and defs.
//!
//! Each instruction lists its register operands once, in `visit_operands`; this file never
//! encodes anything (see `emit.rs`) and never chooses instructions (`lower.rs`).

use crate::aarch64::enc::float::{FpBinOp, FpUnOp};
use crate::aarch64::enc::loadstore::MemOp;
use crate::aarch64::enc::neon::arith::{VecFpOp, VecIntOp, VecLogicalOp};
use crate::aarch64::enc::neon::long::MulLongOp;
use crate::aarch64::enc::neon::shift::VecShiftOp;
use crate::aarch64::enc::neon::unary::{FpWidth, NarrowOp, VecFpUnOp, VecIntUnOp};
use crate::aarch64::enc::neon::{Arr, Elem, FpArr};
use crate::aarch64::pregs;
use crate::aarch64::regs::{Cond, FpSize, Size};
use crate::abi::LibCall;
use crate::machinst::{MachInst, OperandVisitor};
use crate::reg::Reg;
use regalloc2::{PReg, PRegSet};
use wlab_ir::TrapCode;

/// A memory operand.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Amode {
    /// `[base, #off]` (emission picks the scaled, unscaled or register-offset form).
    RegOff { base: Reg, off: i64 },
    /// `[base, index]` (64-bit index, no shift): a wasm memory access. With `guard` set it has
    /// no bounds check and a fault there is the out-of-bounds trap (a `TrapSite` with `fault`).
    RegReg { base: Reg, index: Reg, guard: bool },
}

impl Amode {
    fn visit(&mut self, v: &mut dyn OperandVisitor) {
        match self {
            Amode::RegOff { base, .. } => v.reg_use(base),
            Amode::RegReg { base, index, .. } => {
                v.reg_use(base);
                v.reg_use(index);
            }
        }
    }
}

/// Three-register integer operations.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AluOp {
    Add,
    Sub,
    And,
    Orr,
    Eor,
    /// `a & !b`
    Bic,
    /// `a | !b`
    Orn,
    /// `a ^ !b`
    Eon,
    Lsl,
    Lsr,
    Asr,
    Ror,
}

/// Operations with a bitmask immediate.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LogicOp {
    And,
    Orr,
    Eor,
}

/// Immediate shifts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ShiftKind {
    Lsl,
    Lsr,
    Asr,
    Ror,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BitOp {
    Clz,
    Ctz,
    Popcnt,
}

/// Register-to-register sign extensions (`Uxtw` is `mov w, w`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExtKind {
    S8,
    S16,
    S32,
}

/// Second operand of a compare.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CmpRhs {
    Reg(Reg),
    /// `cmp a, #imm12{, lsl 12}`, or `cmn` when `neg`.
    Imm {
        imm12: u32,
        lsl12: bool,
        neg: bool,
    },
}

/// What a call calls.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CallTarget {
    /// A function defined in this module, by module function index.
    Func(u32),
    /// A runtime service with its two immediates.
    Lib(LibCall, u64, u64),
}

#[derive(Clone, Debug)]
pub enum Inst {
    /// `dst = a op b`.
    Alu {
        op: AluOp,
        size: Size,
        dst: Reg,
        a: Reg,
        b: Reg,
    },
    /// `dst = a +/- imm12 (<< 12)`.
    AluImm {
        sub: bool,
        size: Size,
        dst: Reg,
        a: Reg,
        imm12: u32,
        lsl12: bool,
    },
    /// `dst = a op imm` with `imm` a bitmask immediate of `size`.
    Logic {
        op: LogicOp,
        size: Size,
        dst: Reg,
        a: Reg,
        imm: u64,
    },
    ShiftImm {
        op: ShiftKind,
        size: Size,
        dst: Reg,
        src: Reg,
        amount: u8,
    },
    /// Rotate left by a register amount (`neg x16, amount; rorv`).
    RotlReg {
        size: Size,
        dst: Reg,
        src: Reg,
        amount: Reg,
    },
    /// `dst = a +/- (b << amount)`: `add`/`sub` with a shifted register operand.
    AddSubShifted {
        sub: bool,
        size: Size,
        dst: Reg,
        a: Reg,
        b: Reg,
        amount: u8,
    },
    /// `dst = acc +/- a * b` (`acc` absent: the zero register, i.e. `mul`/`mneg`).
    Madd {
        sub: bool,
        size: Size,
        dst: Reg,
        a: Reg,
        b: Reg,
        acc: Option<Reg>,
    },
    BitCount {
        op: BitOp,
        size: Size,
        dst: Reg,
        src: Reg,
    },
    MovImm {
        size: Size,
        dst: Reg,
        imm: u64,
    },
    /// Register copy (32-bit copies zero-extend).
    Mov {
        size: Size,
        dst: Reg,
        src: Reg,
    },
    /// Sign extension into `size`.
    Ext {
        kind: ExtKind,
        size: Size,
        dst: Reg,
        src: Reg,
    },
    Load {
        op: MemOp,
        dst: Reg,
        addr: Amode,
    },
    Store {
        op: MemOp,
        src: Reg,
        addr: Amode,
    },
    /// `ldr q`: a whole vector register.
    VecLoad {
        dst: Reg,
        addr: Amode,
    },
    /// `str q`.
    VecStore {
        src: Reg,
        addr: Amode,
    },
    /// `mov vd.16b, vn.16b`.
    VecMov {
        dst: Reg,
        src: Reg,
    },
    /// A 128-bit constant (`movi` when it has a form, else built from two 64-bit halves).
    VecConst {
        dst: Reg,
        bits: u128,
    },
    /// `and`/`bic`/`orr`/`orn`/`eor` on all 128 bits (`dst = a op b`).
    VecLogic {
        op: VecLogicalOp,
        dst: Reg,
        a: Reg,
        b: Reg,
    },
    /// An integer lane operation, `dst = a op b`.
    VecInt {
        op: VecIntOp,
        arr: Arr,
        dst: Reg,
        a: Reg,
        b: Reg,
    },
    /// An integer lane unary operation.
    VecIntUn {
        op: VecIntUnOp,
        arr: Arr,
        dst: Reg,
        src: Reg,
    },
    /// A float lane operation, `dst = a op b`.
    VecFp {
        op: VecFpOp,
        arr: FpArr,
        dst: Reg,
        a: Reg,
        b: Reg,
    },
    /// A float lane unary operation.
    VecFpUn {
        op: VecFpUnOp,
        arr: FpArr,
        dst: Reg,
        src: Reg,
    },
    /// `mvn vd.16b, vn.16b`.
    VecNot {
        dst: Reg,
        src: Reg,
    },
    /// `dst = (mask & a) | (!mask & b)` (through the float scratch and `bsl`).
    VecSelect {
        dst: Reg,
        mask: Reg,
        a: Reg,
        b: Reg,
    },
    // part B: widen/convert/permute
    /// `sxtl`/`uxtl` (`sshll`/`ushll #0`): the lanes of `src`'s low half (upper half with
    /// `upper`, the `2` forms) sign- or zero-extended to twice their width.
    VecWiden {
        signed: bool,
        from: Elem,
        upper: bool,
        dst: Reg,
        src: Reg,
    },
    /// `shll vd.<2T>, vn.T, #esize`: the low half's lanes widened and shifted left by their width.
    VecShll {
        from: Elem,
        dst: Reg,
        src: Reg,
    },
    /// `op dst.<to>, lo`: the lanes of `lo` narrowed into the low half (upper half zeroed); with
    /// `hi`, then `op2 dst.<to>, hi` narrows `hi` into the upper half. With `hi`, `dst` is an
    /// early def (written before `hi` is read, so it never shares `hi`'s register).
    VecNarrow {
        op: NarrowOp,
        to: Elem,
        dst: Reg,
        lo: Reg,
        hi: Option<Reg>,
    },
    /// `smull`/`umull` (`2` forms with `upper`): products of the low (upper) half's lanes, twice
    /// as wide.
    VecMulLong {
        op: MulLongOp,
        from: Elem,
        upper: bool,
        dst: Reg,
        a: Reg,
        b: Reg,
    },
    /// `saddlp`/`uaddlp`: sums of adjacent lane pairs of `src` (`arr`), twice as wide.
    VecPairwiseLong {
        signed: bool,
        arr: Arr,
        dst: Reg,
        src: Reg,
    },
    /// `fcvtn vd.2s, vn.2d` (upper half zeroed) / `fcvtl vd.2d, vn.2s` (low half's lanes).
    VecFpWidth {
        dir: FpWidth,
        dst: Reg,
        src: Reg,
    },
    /// `tbl dst.16b, {table.16b}, idx.16b`: byte `i` of `dst` is `table[idx[i]]`, or 0 when
    /// `idx[i] >= 16`.
    VecTbl {
        dst: Reg,
        table: Reg,
        idx: Reg,
    },
    // part A: lanes (splat, extract/replace_lane; see `lower/simd_lanes.rs`)
    /// `dup vd.T, wn` (`xn` for `.2d`): every lane from the low bits of a general register.
    VecDupGp {
        arr: Arr,
        dst: Reg,
        src: Reg,
    },
    /// `dup vd.T, vn.<t>[lane]`: every lane from lane `lane` of `src` (so the low lane too:
    /// a float extract_lane reads its scalar there).
    VecDupLane {
        arr: Arr,
        dst: Reg,
        src: Reg,
        lane: u8,
    },
    /// `umov`, or `smov` into `size` when `signed`: lane `lane` of `src` into a general register.
    VecExtract {
        elem: Elem,
        signed: bool,
        size: Size,
        dst: Reg,
        src: Reg,
        lane: u8,
    },
    /// `ins vd.<t>[lane], wn` (`xn` for `.d`): `dst` is `src` (same register) with lane `lane`
    /// from a general register.
    VecInsertGp {
        elem: Elem,
        dst: Reg,
        src: Reg,
        val: Reg,
        lane: u8,
    },
    /// `ins vd.<t>[lane], vn.<t>[0]`: `dst` is `src` (same register) with lane `lane` from the
    /// low lane of a float register.
    VecInsertLane {
        elem: Elem,
        dst: Reg,
        src: Reg,
        val: Reg,
        lane: u8,
    },
    /// `dst = cond ? t : f` on whole vectors (`csetm x16`, `dup v31.2d`, `bsl`, a move).
    VecCsel {
        cond: Cond,
        dst: Reg,
        t: Reg,
        f: Reg,
    },
    /// `ldr d` then `sxtl`/`uxtl` (`sshll`/`ushll #0`): eight bytes widened to lanes twice as
    /// wide as `from`.
    VecLoadExtend {
        signed: bool,
        from: Elem,
        dst: Reg,
        addr: Amode,
    },
    /// `ld1r {vd.T}, [x16]` (the address formed in x16): one element broadcast to every lane.
    VecLoadSplat {
        elem: Elem,
        dst: Reg,
        addr: Amode,
    },
    /// `ld1 {vd.<t>}[lane], [x16]`: `dst` is `src` (same register) with one lane loaded.
    VecLoadLane {
        elem: Elem,
        lane: u8,
        dst: Reg,
        src: Reg,
        addr: Amode,
    },
    /// `st1 {vs.<t>}[lane], [x16]`: one lane stored.
    VecStoreLane {
        elem: Elem,
        lane: u8,
        src: Reg,
        addr: Amode,
    },
    /// `shl`/`sshr`/`ushr vd.T, vn.T, #amount` (`amount` already taken modulo the lane width,
    /// and not 0).
    VecShiftImm {
        op: VecShiftOp,
        arr: Arr,
        dst: Reg,
        src: Reg,
        amount: u8,
    },
    /// A shift by a general register's count modulo the lane width: `and w16, count, #(bits - 1)`,
    /// `neg w16` for right shifts, `dup v31.T, w16`, then `ushl` (`sshl` for `Sshr`), which
    /// shift right by a negative count (the signed low byte of each lane).
    VecShiftReg {
        op: VecShiftOp,
        arr: Arr,
        dst: Reg,
        src: Reg,
        count: Reg,
    },
    /// `dst = 1` when any bit of `src` is set, else 0 (`umaxv s31, .4s`, `umov`, `cmp`, `cset`).
    VecAnyTrue {
        dst: Reg,
        src: Reg,
    },
    /// `dst = 1` when no lane of `src` is zero, else 0 (`cmeq #0` and `umaxv` into v31, `umov`,
    /// `cmp`, `cset eq`).
    VecAllTrue {
        arr: Arr,
        dst: Reg,
        src: Reg,
    },
    /// `dst` = the sign bit of each lane of `src`, lane 0 in bit 0: `cmlt #0` into v31, the lane
    /// weights (1, 2, 4, ...) into `tmp`, `and`, then a sum across lanes (`addv`; bytes first
    /// pair the two halves with `ext`/`zip1`; doublewords use `addp`).
    VecBitmask {
        arr: Arr,
        dst: Reg,
        src: Reg,
        tmp: Reg,
    },
    FLoad {
        size: FpSize,
        dst: Reg,
        addr: Amode,
    },
    FStore {
        size: FpSize,
        src: Reg,
        addr: Amode,
    },
    /// Sets flags from `a - rhs` (or `a + imm` for `cmn`).
    Cmp {
        size: Size,
        a: Reg,
        rhs: CmpRhs,
    },
    /// `dst = cond ? 1 : 0`.
    Cset {
        cond: Cond,
        dst: Reg,
    },
    /// `dst = cond ? t : f`.
    Csel {
        size: Size,
        cond: Cond,
        dst: Reg,
        t: Reg,
        f: Reg,
    },
    FCsel {
        size: FpSize,
        cond: Cond,
        dst: Reg,
        t: Reg,
        f: Reg,
    },
    /// Loads vmctx word `word`.
    LoadVmctx {
        dst: Reg,
        word: usize,
    },
    /// Traps with out-of-bounds unless `addr + end <= memory length`.
    BoundsCheck {
        addr: Reg,
        end: u64,
    },
    /// Wasm division or remainder with its traps.
    Div {
        size: Size,
        signed: bool,
        rem: bool,
        dst: Reg,
        lhs: Reg,
        rhs: Reg,
    },
    FpuRRR {
        op: FpBinOp,
        size: FpSize,
        dst: Reg,
        a: Reg,
        b: Reg,
    },
    FpuRR {
        op: FpUnOp,
        size: FpSize,
        dst: Reg,
        src: Reg,
    },
    /// Magnitude of `a`, sign of `b` (through x16/x17).
    FCopysign {
        size: FpSize,
        dst: Reg,
        a: Reg,
        b: Reg,
    },
    /// `fcvt` from `from` to the other precision.
    FCvt {
        from: FpSize,
        dst: Reg,
        src: Reg,
    },
    /// Sets flags from a float compare.
    FCmp {
        size: FpSize,
        a: Reg,
        b: Reg,
    },
    FMovToGp {
        size: Size,
        dst: Reg,
        src: Reg,
    },
    FMovFromGp {
        size: Size,
        dst: Reg,
        src: Reg,
    },
    /// A float constant by its bits.
    FConst {
        size: FpSize,
        dst: Reg,
        bits: u64,
    },
    IntToFp {
        signed: bool,
        from: Size,
        to: FpSize,
        dst: Reg,
        src: Reg,
    },
    /// Truncating conversion; traps (or saturates, when `sat`) on NaN and out-of-range.
    FpToInt {
        signed: bool,
        sat: bool,
        from: FpSize,
        to: Size,
        dst: Reg,
        src: Reg,
    },
    B {
        target: u32,
    },
    BCond {
        cond: Cond,
        taken: u32,
        not_taken: u32,
    },
    /// `cbz`/`cbnz` (`nz`) on `reg`.
    Cbz {
        nz: bool,
        size: Size,
        reg: Reg,
        taken: u32,
        not_taken: u32,
    },
    /// `tbz`/`tbnz` (`nz`) on bit `bit` of `reg`.
    Tbz {
        nz: bool,
        bit: u8,
        reg: Reg,
        taken: u32,
        not_taken: u32,
    },
    /// Jumps to `targets[index]`, or `default` when out of range (a table of `b`s).
    /// `dst = holes[min(index, holes.len() - 1)]`, a byte from a table placed after the
    /// code (`machinst::value_table`: 1 where a lookup table's entry goes to the default,
    /// and in its last byte, which every index out of range reads).
    TableHoleLoad {
        dst: Reg,
        index: Reg,
        holes: Vec<u8>,
    },
    /// `dst = values[index]`, read from a table of constants placed after the code
    /// (`machinst::value_table`); `index` is in range (a bounds check branched away).
    TableLoad {
        size: Size,
        dst: Reg,
        index: Reg,
        values: Vec<u64>,
    },
    JmpTable {
        index: Reg,
        targets: Vec<u32>,
        default: u32,
    },
    /// The entry block's first instruction: defines the parameters that arrive in
    /// registers (`abi::value_homes`), each in its fixed register. Emits nothing.
    Args {
        defs: Vec<(Reg, PReg)>,
    },
    /// Returns, with the results that travel in registers in their fixed registers (the
    /// others already stored in the caller's value area).
    Ret {
        uses: Vec<(Reg, PReg)>,
    },
    /// Calls with the value area at the stack pointer (see `abi`). A wasm function takes
    /// `uses` (its register arguments) and defines `defs` (its register results) in their
    /// fixed registers; a libcall has neither.
    Call {
        target: CallTarget,
        uses: Vec<(Reg, PReg)>,
        defs: Vec<(Reg, PReg)>,
    },
    /// `call_indirect` inline (`abi`, *Tables*), with the area arguments already at `[sp]`
    /// and the register ones in `uses`: calls the function of entry `index` of `table`
    /// directly when the index is in bounds, the entry's signature id is `sig_id` and its
    /// instance is the running one; otherwise (out of line) stores the register arguments
    /// at their `spill_args` offsets, puts the index in slot `args`, calls the
    /// `CallIndirect` libcall with `type_index` and `table`, and loads the register results
    /// from their `reload_results` offsets.
    CallIndirect {
        index: Reg,
        table: u32,
        type_index: u32,
        sig_id: u32,
        args: u32,
        uses: Vec<(Reg, PReg)>,
        defs: Vec<(Reg, PReg)>,
        spill_args: Vec<(PReg, i32)>,
        reload_results: Vec<(PReg, i32)>,
    },
    Trap {
        code: TrapCode,
    },
}

impl Inst {
    /// Whether this instruction operates on v128 values (what `EmitCounts::vector` counts).
    pub fn is_vector(&self) -> bool {
        use Inst::*;
        matches!(
            self,
            VecLoad { .. }
                | VecStore { .. }
                | VecMov { .. }
                | VecConst { .. }
                | VecLogic { .. }
                | VecInt { .. }
                | VecIntUn { .. }
                | VecFp { .. }
                | VecFpUn { .. }
                | VecNot { .. }
                | VecSelect { .. }
                | VecDupGp { .. }
                | VecDupLane { .. }
                | VecExtract { .. }
                | VecInsertGp { .. }
                | VecInsertLane { .. }
                | VecCsel { .. }
                | VecLoadExtend { .. }
                | VecLoadSplat { .. }
                | VecLoadLane { .. }
                | VecStoreLane { .. }
                | VecShiftImm { .. }
                | VecShiftReg { .. }
                | VecAnyTrue { .. }
                | VecAllTrue { .. }
                | VecBitmask { .. }
                | VecWiden { .. }
                | VecShll { .. }
                | VecNarrow { .. }
                | VecMulLong { .. }
                | VecPairwiseLong { .. }
                | VecFpWidth { .. }
                | VecTbl { .. }
        )
    }
}

impl MachInst for Inst {
    fn visit_operands(&mut self, v: &mut dyn OperandVisitor) {
        use Inst::*;
        match self {
            Alu { dst, a, b, .. }
            | AddSubShifted { dst, a, b, .. }
            | FpuRRR { dst, a, b, .. }
            | FCopysign { dst, a, b, .. } => {
                v.reg_use(a);
                v.reg_use(b);
                v.reg_def(dst);
            }
            RotlReg { dst, src, amount, .. } => {
                v.reg_use(src);
                v.reg_use(amount);
                v.reg_def(dst);
            }
            AluImm { dst, a, .. } | Logic { dst, a, .. } => {
                v.reg_use(a);
                v.reg_def(dst);
            }
            Madd { dst, a, b, acc, .. } => {
                v.reg_use(a);
                v.reg_use(b);
                if let Some(c) = acc {
                    v.reg_use(c);
                }
                v.reg_def(dst);
            }
            ShiftImm { dst, src, .. }
            | BitCount { dst, src, .. }
            | Mov { dst, src, .. }
            | Ext { dst, src, .. }
            | FpuRR { dst, src, .. }
            | FCvt { dst, src, .. }
            | FMovToGp { dst, src, .. }
            | FMovFromGp { dst, src, .. }
            | IntToFp { dst, src, .. }
            | FpToInt { dst, src, .. } => {
                v.reg_use(src);
                v.reg_def(dst);
            }
            MovImm { dst, .. }
            | Cset { dst, .. }
            | LoadVmctx { dst, .. }
            | FConst { dst, .. }
            | VecConst { dst, .. } => v.reg_def(dst),
            VecMov { dst, src } | VecNot { dst, src } | VecIntUn { dst, src, .. } | VecFpUn { dst, src, .. } => {
                v.reg_use(src);
                v.reg_def(dst);
            }
            VecLogic { dst, a, b, .. } | VecInt { dst, a, b, .. } | VecFp { dst, a, b, .. } => {
                v.reg_use(a);
                v.reg_use(b);
                v.reg_def(dst);
            }
            VecSelect { dst, mask, a, b } => {
                v.reg_use(mask);
                v.reg_use(a);
                v.reg_use(b);
                v.reg_def(dst);
            }
            VecWiden { dst, src, .. }
            | VecShll { dst, src, .. }
            | VecPairwiseLong { dst, src, .. }
            | VecFpWidth { dst, src, .. } => {
                v.reg_use(src);
                v.reg_def(dst);
            }
            VecNarrow { dst, lo, hi, .. } => {
                v.reg_use(lo);
                match hi {
                    Some(h) => {
                        v.reg_use(h);
                        v.reg_early_def(dst);
                    }
                    None => v.reg_def(dst),
                }
            }
            VecMulLong { dst, a, b, .. } => {
                v.reg_use(a);
                v.reg_use(b);
                v.reg_def(dst);
            }
            VecTbl { dst, table, idx } => {
                v.reg_use(table);
                v.reg_use(idx);
                v.reg_def(dst);
            }
            VecDupGp { dst, src, .. } | VecDupLane { dst, src, .. } | VecExtract { dst, src, .. } => {
                v.reg_use(src);
                v.reg_def(dst);
            }
            VecCsel { dst, t, f, .. } => {
                v.reg_use(t);
                v.reg_use(f);
                v.reg_def(dst);
            }
            VecLoadExtend { dst, addr, .. } | VecLoadSplat { dst, addr, .. } => {
                addr.visit(v);
                v.reg_def(dst);
            }
            VecLoadLane { dst, src, addr, .. } => {
                v.reg_use(src);
                addr.visit(v);
                v.reg_reuse_def(dst, 0);
            }
            VecStoreLane { src, addr, .. } => {
                v.reg_use(src);
                addr.visit(v);
            }
            VecShiftImm { dst, src, .. } | VecAnyTrue { dst, src } | VecAllTrue { dst, src, .. } => {
                v.reg_use(src);
                v.reg_def(dst);
            }
            VecShiftReg { dst, src, count, .. } => {
                v.reg_use(src);
                v.reg_use(count);
                v.reg_def(dst);
            }
            VecBitmask { dst, src, tmp, .. } => {
                v.reg_use(src);
                v.reg_early_def(tmp);
                v.reg_def(dst);
            }
            VecInsertGp { dst, src, val, .. } | VecInsertLane { dst, src, val, .. } => {
                v.reg_use(src);
                v.reg_use(val);
                v.reg_reuse_def(dst, 0);
            }
            Load { dst, addr, .. } | FLoad { dst, addr, .. } | VecLoad { dst, addr } => {
                addr.visit(v);
                v.reg_def(dst);
            }
            Store { src, addr, .. } | FStore { src, addr, .. } | VecStore { src, addr } => {
                v.reg_use(src);
                addr.visit(v);
            }
            Cmp { a, rhs, .. } => {
                v.reg_use(a);
                if let CmpRhs::Reg(r) = rhs {
                    v.reg_use(r);
                }
            }
            FCmp { a, b, .. } => {
                v.reg_use(a);
                v.reg_use(b);
            }
            Csel { dst, t, f, .. } | FCsel { dst, t, f, .. } => {
                v.reg_use(t);
                v.reg_use(f);
                v.reg_def(dst);
            }
            BoundsCheck { addr, .. } => v.reg_use(addr),
            Div { dst, lhs, rhs, .. } => {
                v.reg_use(lhs);
                v.reg_use(rhs);
                v.reg_def(dst);
            }
            Cbz { reg, .. } | Tbz { reg, .. } => v.reg_use(reg),
            JmpTable { index, .. } => v.reg_use(index),
            TableLoad { dst, index, .. } | TableHoleLoad { dst, index, .. } => {
                v.reg_use(index);
                v.reg_def(dst);
            }
            CallIndirect { index, uses, defs, .. } => {
                v.reg_use(index);
                v.reg_fixed_uses(uses);
                v.reg_fixed_defs(defs);
            }
            Call { uses, defs, .. } => {
                v.reg_fixed_uses(uses);
                v.reg_fixed_defs(defs);
            }
            Args { defs } => {
                v.reg_fixed_defs(defs);
            }
            Ret { uses } => {
                v.reg_fixed_uses(uses);
            }
            B { .. } | BCond { .. } | Trap { .. } => {}
        }
    }

    fn clobbers(&self) -> PRegSet {
        match self {
            Inst::Call { defs, .. } | Inst::CallIndirect { defs, .. } => {
                // A result register is a def, not a clobber.
                let mut s = pregs::all_allocatable();
                for (_, p) in defs {
                    s.remove(*p);
                }
                s
            }
            _ => PRegSet::empty(),
        }
    }

    fn is_branch(&self) -> bool {
        matches!(
            self,
            Inst::B { .. } | Inst::BCond { .. } | Inst::Cbz { .. } | Inst::Tbz { .. } | Inst::JmpTable { .. }
        )
    }

    fn is_ret(&self) -> bool {
        matches!(self, Inst::Ret { .. } | Inst::Trap { .. })
    }

    fn pretty(&self) -> String {
        crate::aarch64::print::print_inst(self)
    }
}
