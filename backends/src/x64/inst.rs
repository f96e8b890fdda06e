//! x86-64 machine instructions (VCode level): what lowering produces and emission
//! encodes. Most are one machine instruction; a few are short fixed sequences whose
//! semantics must stay together (wasm division checks, float min/max, conversions with
//! their range checks, calls with their status check).
//!
//! Each instruction lists its register operands once, in `visit_operands`; this file
//! never encodes anything (see `emit.rs`) and never chooses instructions (`lower.rs`).

use crate::abi::LibCall;
use crate::machinst::{MachInst, OperandVisitor};
use crate::reg::Reg;
use crate::x64::regs;
use crate::x64::vec_ops::{VecForm, VecOp};
use regalloc2::{PReg, PRegSet};
use wlab_ir::{FloatCC, TrapCode};

/// Integer operand size.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Size {
    S32,
    S64,
}

impl Size {
    pub fn bits(self) -> u32 {
        match self {
            Size::S32 => 32,
            Size::S64 => 64,
        }
    }
}

/// Scalar float size.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FSize {
    F32,
    F64,
}

/// Condition codes (flags after `cmp a, b` / `test` / `ucomis`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CC {
    O,
    NO,
    B,
    AE,
    E,
    NE,
    BE,
    A,
    S,
    NS,
    P,
    NP,
    L,
    GE,
    LE,
    G,
}

impl CC {
    pub fn invert(self) -> CC {
        match self {
            CC::O => CC::NO,
            CC::NO => CC::O,
            CC::B => CC::AE,
            CC::AE => CC::B,
            CC::E => CC::NE,
            CC::NE => CC::E,
            CC::BE => CC::A,
            CC::A => CC::BE,
            CC::S => CC::NS,
            CC::NS => CC::S,
            CC::P => CC::NP,
            CC::NP => CC::P,
            CC::L => CC::GE,
            CC::GE => CC::L,
            CC::LE => CC::G,
            CC::G => CC::LE,
        }
    }

    pub fn from_intcc(cc: wlab_ir::IntCC) -> CC {
        use wlab_ir::IntCC::*;
        match cc {
            Eq => CC::E,
            Ne => CC::NE,
            Slt => CC::L,
            Sle => CC::LE,
            Sgt => CC::G,
            Sge => CC::GE,
            Ult => CC::B,
            Ule => CC::BE,
            Ugt => CC::A,
            Uge => CC::AE,
        }
    }
}

/// A memory operand: `base + index * scale + disp`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Amode {
    pub base: Reg,
    pub index: Option<Reg>,
    pub scale: u8,
    pub disp: i32,
}

impl Amode {
    pub fn base_disp(base: Reg, disp: i32) -> Amode {
        Amode { base, index: None, scale: 1, disp }
    }

    fn visit(&mut self, v: &mut dyn OperandVisitor) {
        v.reg_use(&mut self.base);
        if let Some(i) = &mut self.index {
            v.reg_use(i);
        }
    }
}

/// Second operand of an ALU instruction.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RegImm {
    Reg(Reg),
    Imm(i32),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AluOp {
    Add,
    Sub,
    And,
    Or,
    Xor,
    Imul,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ShiftOp {
    Shl,
    Shr,
    Sar,
    Rol,
    Ror,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UnaryOp {
    Neg,
    Not,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BitOp {
    Clz,
    Ctz,
    Popcnt,
}

/// Integer loads: width and extension to the destination.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LoadKind {
    /// 32 bits, zero-extended into the 64-bit register.
    U32,
    S32To64,
    U64,
    U8,
    S8To32,
    S8To64,
    U16,
    S16To32,
    S16To64,
}

/// Register-to-register extensions.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExtKind {
    S8To32,
    S8To64,
    S16To32,
    S16To64,
    S32To64,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum XmmOp {
    Add,
    Sub,
    Mul,
    Div,
    And,
    Or,
    Xor,
    Andn,
}

/// What a call calls.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CallTarget {
    /// A function defined in this module, by module function index.
    Func(u32),
    /// A runtime service with its two immediates.
    Lib(LibCall, u64, u64),
}

/// Rounding modes of `roundss`/`roundsd` (imm8 values).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RoundMode {
    Nearest = 0,
    Floor = 1,
    Ceil = 2,
    Trunc = 3,
}

#[derive(Clone, Debug)]
pub enum Inst {
    /// `dst = src1 op src2` (two-address: dst takes src1's register; except `imul` by an
    /// immediate, which x86-64 has in a three-operand form).
    Alu {
        size: Size,
        op: AluOp,
        dst: Reg,
        src1: Reg,
        src2: RegImm,
    },
    /// `dst = src1 op [addr]` (two-address: `dst` takes `src1`'s register; `op` is not
    /// `Imul`'s immediate form): a load used only here, read by its user.
    AluMem {
        size: Size,
        op: AluOp,
        dst: Reg,
        src1: Reg,
        addr: Amode,
    },
    /// Sets flags from `lhs - rhs`.
    Cmp {
        size: Size,
        lhs: Reg,
        rhs: RegImm,
    },
    /// Sets flags from `lhs & rhs`.
    /// Sets the flags of `lhs & rhs` (ZF: the `and` is zero), writing no register.
    Test {
        size: Size,
        lhs: Reg,
        rhs: RegImm,
    },
    Unary {
        size: Size,
        op: UnaryOp,
        dst: Reg,
        src: Reg,
    },
    /// clz / ctz / popcnt; `tmp` is used by the fallbacks for CPUs without the instruction.
    BitCount {
        size: Size,
        op: BitOp,
        dst: Reg,
        src: Reg,
        tmp: Reg,
        native: bool,
    },
    MovImm {
        size: Size,
        dst: Reg,
        imm: u64,
    },
    /// `dst = 0` as `xor r32, r32`: shorter than `mov r, 0` and a zeroing idiom the CPU
    /// resolves at renaming, but it clobbers the flags (lowering emits it only where
    /// none are live).
    Zero {
        dst: Reg,
    },
    /// Register copy (32-bit copies zero-extend).
    MovRR {
        size: Size,
        dst: Reg,
        src: Reg,
    },
    Ext {
        kind: ExtKind,
        dst: Reg,
        src: Reg,
    },
    Lea {
        size: Size,
        dst: Reg,
        addr: Amode,
    },
    Load {
        kind: LoadKind,
        dst: Reg,
        addr: Amode,
    },
    /// Stores the low `bytes` of `src`.
    Store {
        bytes: u8,
        src: Reg,
        addr: Amode,
    },
    /// Stores the low `bytes` (1, 4 or 8) of `imm` sign-extended to 64 bits
    /// (`mov byte/dword/qword [addr], imm`).
    StoreImm {
        bytes: u8,
        imm: i32,
        addr: Amode,
    },
    /// `dst = src rotated right by amount` (BMI2 `rorx`: three-operand, flags untouched).
    Rorx {
        size: Size,
        dst: Reg,
        src: Reg,
        amount: u8,
    },
    /// `dst = src shift amount` by a register (BMI2 `shlx`/`shrx`/`sarx`: three-operand,
    /// the amount in any register rather than `cl`, flags untouched); `op` is `Shl`, `Shr`
    /// or `Sar`.
    ShiftX {
        size: Size,
        op: ShiftOp,
        dst: Reg,
        src: Reg,
        amount: Reg,
    },
    /// `dst = !src1 & src2` (BMI1 `andn`: three-operand).
    Andn {
        size: Size,
        dst: Reg,
        src1: Reg,
        src2: Reg,
    },
    /// `dst = src shift amount`; a register amount is in `cl`.
    ShiftImm {
        size: Size,
        op: ShiftOp,
        dst: Reg,
        src: Reg,
        amount: u8,
    },
    ShiftReg {
        size: Size,
        op: ShiftOp,
        dst: Reg,
        src: Reg,
        amount: Reg,
    },
    /// `dst = (src_hi << amount) | (src_lo >> (bits - amount))` (`shld`, two-address: dst
    /// takes src_hi's register); `amount` is in 1..bits.
    ShiftDouble {
        size: Size,
        dst: Reg,
        src_hi: Reg,
        src_lo: Reg,
        amount: u8,
    },
    /// Wasm division or remainder with its traps: `lhs` in rax, the result in rax
    /// (quotient) or rdx (remainder).
    Div {
        size: Size,
        signed: bool,
        rem: bool,
        dst: Reg,
        lhs: Reg,
        rhs: Reg,
    },
    /// `dst = cc ? 1 : 0` (32-bit).
    Setcc {
        cc: CC,
        dst: Reg,
    },
    /// `dst = cc ? src : dst`.
    Cmov {
        size: Size,
        cc: CC,
        dst: Reg,
        src_false: Reg,
        src_true: Reg,
    },
    /// Float select: `dst = cc ? src_true : src_false`.
    XmmCmov {
        cc: CC,
        dst: Reg,
        src_false: Reg,
        src_true: Reg,
    },
    /// Loads vmctx word `word` into `dst`.
    LoadVmctx {
        dst: Reg,
        word: usize,
    },
    /// Traps with out-of-bounds unless `addr + end <= memory length` (addr zero-extended).
    BoundsCheck {
        addr: Reg,
        end: u64,
        tmp: Reg,
    },
    /// Float arithmetic / bitwise: `dst = src1 op src2`.
    XmmAlu {
        size: FSize,
        op: XmmOp,
        dst: Reg,
        src1: Reg,
        src2: Reg,
    },
    /// Wasm fmin/fmax (NaN-propagating, -0 < +0).
    XmmMinMax {
        size: FSize,
        min: bool,
        dst: Reg,
        src1: Reg,
        src2: Reg,
    },
    XmmSqrt {
        size: FSize,
        dst: Reg,
        src: Reg,
    },
    XmmRound {
        size: FSize,
        mode: RoundMode,
        dst: Reg,
        src: Reg,
    },
    /// Clears (`abs`) or flips (`neg`) the sign bit.
    XmmSign {
        size: FSize,
        neg: bool,
        dst: Reg,
        src: Reg,
    },
    /// `dst = magnitude of src1, sign of src2`.
    XmmCopysign {
        size: FSize,
        dst: Reg,
        src1: Reg,
        src2: Reg,
        tmp: Reg,
    },
    XmmMov {
        dst: Reg,
        src: Reg,
    },
    XmmLoad {
        size: FSize,
        dst: Reg,
        addr: Amode,
    },
    XmmStore {
        size: FSize,
        src: Reg,
        addr: Amode,
    },
    /// Bit moves between register files (movd/movq).
    GprToXmm {
        size: Size,
        dst: Reg,
        src: Reg,
    },
    XmmToGpr {
        size: Size,
        dst: Reg,
        src: Reg,
    },
    /// Sets flags from an unordered compare of `lhs` with `rhs` (`ucomiss`/`ucomisd`): `a`
    /// (above) is `lhs > rhs` and `ae` is `lhs >= rhs`, both false when either is NaN.
    FloatFlags {
        size: FSize,
        lhs: Reg,
        rhs: Reg,
    },
    /// `dst = lhs cc rhs` for floats (1/0), with wasm's unordered rules.
    FloatCmp {
        size: FSize,
        cc: FloatCC,
        dst: Reg,
        lhs: Reg,
        rhs: Reg,
    },
    IntToFloat {
        from: Size,
        to: FSize,
        signed: bool,
        dst: Reg,
        src: Reg,
        tmp: Reg,
    },
    /// Truncating conversion; traps (or saturates, when `sat`) on NaN and out-of-range.
    FloatToInt {
        from: FSize,
        to: Size,
        signed: bool,
        sat: bool,
        dst: Reg,
        src: Reg,
        tmp: Reg,
    },
    FloatCvt {
        from: FSize,
        dst: Reg,
        src: Reg,
    },
    Jmp {
        target: u32,
    },
    Jcc {
        cc: CC,
        taken: u32,
        not_taken: u32,
    },
    /// `dst = values[index]`, read from a table of constants placed after the code
    /// (`machinst::value_table`); `index` is in range (a bounds check branched away).
    TableLoad {
        size: Size,
        dst: Reg,
        index: Reg,
        values: Vec<u64>,
    },
    /// `dst = holes[min(index, holes.len() - 1)]`, a byte from a table placed after the
    /// code (`machinst::value_table`: 1 where a lookup table's entry goes to the default,
    /// and in its last byte, which every index out of range reads).
    TableHoleLoad {
        dst: Reg,
        index: Reg,
        holes: Vec<u8>,
    },
    /// Jumps to `targets[index]`, or `default` when out of range.
    JmpTable {
        index: Reg,
        tmp: Reg,
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
    /// `call_indirect` with the area arguments already at `[rsp]` (words 0..`args` of the
    /// value area, `abi::value_offsets`), the register ones in `uses` and the index in
    /// rax: calls the function of element `index` of `table` directly when the table
    /// mirror shows it in bounds, of signature `sig_id` and of the running instance (see
    /// `abi`); otherwise stores the register arguments at their `spill_args` offsets, puts
    /// the index in word `args`, calls the `CallIndirect` libcall with `type_index` and
    /// `table`, and loads the register results from their `reload_results` offsets.
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
    /// A vector operation of the table in `vec_ops` (`avx`: its VEX encoding). `src2` is
    /// the second source of the `Bin` and `InsGpr` forms; `imm` is used when the row takes
    /// an immediate.
    Vector {
        op: VecOp,
        avx: bool,
        dst: Reg,
        src1: Reg,
        src2: Option<Reg>,
        imm: u8,
    },
    /// 16-byte load (`movdqu`, no alignment needed).
    VecLoad {
        dst: Reg,
        addr: Amode,
    },
    /// 16-byte store (`movdqu`).
    VecStore {
        src: Reg,
        addr: Amode,
    },
    /// A 16-byte constant: `pxor` for zero, otherwise a load from the constant pool.
    VecConst {
        dst: Reg,
        bits: u128,
    },
    /// Sets ZF when `a & b` is zero (`ptest`).
    VecTest {
        a: Reg,
        b: Reg,
    },
}

fn visit_ri(r: &mut RegImm, v: &mut dyn OperandVisitor) {
    if let RegImm::Reg(r) = r {
        v.reg_use(r);
    }
}

impl MachInst for Inst {
    fn visit_operands(&mut self, v: &mut dyn OperandVisitor) {
        use Inst::*;
        match self {
            Alu { op: AluOp::Imul, dst, src1, src2: RegImm::Imm(_), .. } => {
                v.reg_use(src1);
                v.reg_def(dst);
            }
            Alu { dst, src1, src2, .. } => {
                v.reg_use(src1);
                visit_ri(src2, v);
                v.reg_reuse_def(dst, 0);
            }
            AluMem { dst, src1, addr, .. } => {
                v.reg_use(src1);
                addr.visit(v);
                v.reg_reuse_def(dst, 0);
            }
            Cmp { lhs, rhs, .. } => {
                v.reg_use(lhs);
                visit_ri(rhs, v);
            }
            Test { lhs, rhs, .. } => {
                v.reg_use(lhs);
                if let RegImm::Reg(r) = rhs {
                    v.reg_use(r);
                }
            }
            Unary { dst, src, .. } => {
                v.reg_use(src);
                v.reg_reuse_def(dst, 0);
            }
            BitCount { dst, src, tmp, .. } => {
                v.reg_use(src);
                v.reg_early_def(tmp);
                v.reg_early_def(dst);
            }
            MovImm { dst, .. } | Zero { dst } | LoadVmctx { dst, .. } | Setcc { dst, .. } => v.reg_def(dst),
            MovRR { dst, src, .. } | Ext { dst, src, .. } | XmmMov { dst, src } => {
                v.reg_use(src);
                v.reg_def(dst);
            }
            GprToXmm { dst, src, .. } | XmmToGpr { dst, src, .. } | FloatCvt { dst, src, .. } => {
                v.reg_use(src);
                v.reg_def(dst);
            }
            XmmSqrt { dst, src, .. } | XmmRound { dst, src, .. } => {
                v.reg_use(src);
                v.reg_def(dst);
            }
            XmmSign { dst, src, .. } => {
                v.reg_use(src);
                v.reg_reuse_def(dst, 0);
            }
            Lea { dst, addr, .. } | Load { dst, addr, .. } | XmmLoad { dst, addr, .. } => {
                addr.visit(v);
                v.reg_def(dst);
            }
            Store { src, addr, .. } | XmmStore { src, addr, .. } => {
                v.reg_use(src);
                addr.visit(v);
            }
            StoreImm { addr, .. } => addr.visit(v),
            ShiftImm { dst, src, .. } => {
                v.reg_use(src);
                v.reg_reuse_def(dst, 0);
            }
            Rorx { dst, src, .. } => {
                v.reg_use(src);
                v.reg_def(dst);
            }
            ShiftX { dst, src, amount, .. } => {
                v.reg_use(src);
                v.reg_use(amount);
                v.reg_def(dst);
            }
            Andn { dst, src1, src2, .. } => {
                v.reg_use(src1);
                v.reg_use(src2);
                v.reg_def(dst);
            }
            ShiftDouble { dst, src_hi, src_lo, .. } => {
                v.reg_use(src_hi);
                v.reg_use(src_lo);
                v.reg_reuse_def(dst, 0);
            }
            ShiftReg { dst, src, amount, .. } => {
                v.reg_use(src);
                v.reg_fixed_use(amount, regs::gpr(regs::RCX));
                v.reg_reuse_def(dst, 0);
            }
            Div { rem, dst, lhs, rhs, .. } => {
                v.reg_fixed_use(lhs, regs::gpr(regs::RAX));
                v.reg_late_use(rhs);
                let out = if *rem { regs::RDX } else { regs::RAX };
                v.reg_fixed_def(dst, regs::gpr(out));
            }
            Cmov { dst, src_false, src_true, .. } | XmmCmov { dst, src_false, src_true, .. } => {
                v.reg_use(src_false);
                v.reg_use(src_true);
                v.reg_reuse_def(dst, 0);
            }
            BoundsCheck { addr, tmp, .. } => {
                v.reg_use(addr);
                v.reg_early_def(tmp);
            }
            XmmAlu { dst, src1, src2, .. } | XmmMinMax { dst, src1, src2, .. } => {
                v.reg_use(src1);
                v.reg_use(src2);
                v.reg_reuse_def(dst, 0);
            }
            XmmCopysign { dst, src1, src2, tmp, .. } => {
                v.reg_use(src1);
                v.reg_use(src2);
                v.reg_early_def(tmp);
                v.reg_reuse_def(dst, 0);
            }
            FloatFlags { lhs, rhs, .. } => {
                v.reg_use(lhs);
                v.reg_use(rhs);
            }
            FloatCmp { dst, lhs, rhs, .. } => {
                v.reg_use(lhs);
                v.reg_use(rhs);
                v.reg_early_def(dst);
            }
            IntToFloat { dst, src, tmp, .. } | FloatToInt { dst, src, tmp, .. } => {
                v.reg_use(src);
                v.reg_early_def(tmp);
                v.reg_early_def(dst);
            }
            JmpTable { index, tmp, .. } => {
                v.reg_use(index);
                v.reg_early_def(tmp);
            }
            TableLoad { dst, index, .. } | TableHoleLoad { dst, index, .. } => {
                v.reg_use(index);
                v.reg_def(dst);
            }
            CallIndirect { index, uses, defs, .. } => {
                v.reg_fixed_use(index, regs::gpr(regs::RAX));
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
            Vector { op, avx, dst, src1, src2, .. } => {
                v.reg_use(src1);
                if let Some(s2) = src2 {
                    v.reg_use(s2);
                }
                let two_address = !*avx && matches!(op.form(), VecForm::Bin | VecForm::InPlace | VecForm::InsGpr);
                if two_address {
                    v.reg_reuse_def(dst, 0);
                } else {
                    v.reg_def(dst);
                }
            }
            VecLoad { dst, addr } => {
                addr.visit(v);
                v.reg_def(dst);
            }
            VecStore { src, addr } => {
                v.reg_use(src);
                addr.visit(v);
            }
            VecConst { dst, .. } => v.reg_def(dst),
            VecTest { a, b } => {
                v.reg_use(a);
                v.reg_use(b);
            }
            Jmp { .. } | Jcc { .. } | Trap { .. } => {}
        }
    }

    fn clobbers(&self) -> PRegSet {
        match self {
            Inst::Call { defs, .. } | Inst::CallIndirect { defs, .. } => {
                // A result register is a def, not a clobber.
                let mut s = regs::call_clobbers();
                for (_, p) in defs {
                    s.remove(*p);
                }
                s
            }
            Inst::Div { rem, .. } => {
                // The register of rax/rdx that does not hold the result.
                let mut s = PRegSet::empty();
                s.add(regs::gpr(if *rem { regs::RAX } else { regs::RDX }));
                s
            }
            _ => PRegSet::empty(),
        }
    }

    fn is_branch(&self) -> bool {
        matches!(self, Inst::Jmp { .. } | Inst::Jcc { .. } | Inst::JmpTable { .. })
    }

    fn is_ret(&self) -> bool {
        matches!(self, Inst::Ret { .. } | Inst::Trap { .. })
    }

    fn pretty(&self) -> String {
        crate::x64::print::print_inst(self)
    }
}
