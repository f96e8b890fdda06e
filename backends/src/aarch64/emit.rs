//! Emission: allocated AArch64 VCode → machine code words, every one produced by an encoder of
//! `enc/` and recorded with its [`EncForm`], with the frame (prologue, stack check, spill slots,
//! outgoing value area), regalloc2's moves, out-of-line trap stubs, the calls to link and a
//! source map.
//!
//! Frame, from high to low addresses: the caller's value area (`[x29 + 16]`), saved `x29`/`x30`
//! (`[x29]`), spill slots, outgoing value area (`[sp]`). `sp` is fixed inside the body.
//! Guarded heap accesses (no bounds check) are listed as fault trap sites.
//! Conditional branches are emitted short (`b.cond` ±1 MiB, `cbz` ±1 MiB, `tbz` ±32 KiB); when
//! one does not reach, the whole function is emitted again with every conditional branch as
//! an inverted short branch over a `b` (±128 MiB). This file never chooses instructions; every
//! sequence here is the one fixed expansion of one VCode instruction.

use crate::aarch64::enc::arith::{self, split_imm12};
use crate::aarch64::enc::float::{self, FpUnOp};
use crate::aarch64::enc::loadstore::{self, FpMemOp, IndexExtend, MemOp};
use crate::aarch64::enc::logical::{self, LogicalImm, LogicalOp};
use crate::aarch64::enc::neon::arith::{vec_fp_binary, vec_int_binary, vec_logical, VecIntOp, VecLogicalOp};
use crate::aarch64::enc::neon::imm::{vec_movi, VecImm};
use crate::aarch64::enc::neon::lane::{dup_element, dup_general, ins_element, ins_general, smov, umov};
use crate::aarch64::enc::neon::long::vec_mul_long;
use crate::aarch64::enc::neon::mem::{ld1_lane, ld1r, ldst_q_reg, ldst_q_uimm, ldst_q_unscaled, st1_lane};
use crate::aarch64::enc::neon::permute::{vec_ext, vec_permute, vec_tbl, PermuteOp};
use crate::aarch64::enc::neon::shift::{vec_shift_imm, vec_shift_long, vec_shll, VecShiftOp};
use crate::aarch64::enc::neon::unary::{
    vec_across, vec_fp_unary, vec_fp_width, vec_int_unary, vec_narrow, vec_pairwise_long, AcrossOp, VecIntUnOp,
};
use crate::aarch64::enc::neon::{Arr, Elem, VecLen};
use crate::aarch64::enc::pair::{self, PairMode};
use crate::aarch64::enc::shift::{self, ShiftOp};
use crate::aarch64::enc::{bits, branch, csel, misc, movwide, muldiv, EncForm};
use crate::aarch64::inst::*;
use crate::aarch64::pregs::{self, v, x, xs};
use crate::aarch64::regs::{Cond, FpSize, Gpr, GprSp, Shift, Size, VReg};
use crate::abi::vmctx;
use crate::machinst::emit_loop::{emit_blocks, BlockEmitter, BlockText};
use crate::machinst::{CallReloc, EmitCounts, Emitted, LibCallSite, SourceMapEntry, TrapSite};
use crate::reg::Reg;
use crate::vcode::VCode;
use regalloc2::{Allocation, Output, PReg, RegClass};
use std::collections::BTreeSet;
use wlab_ir::TrapCode;

const X16: Gpr = Gpr::new(pregs::X16);
const X17: Gpr = Gpr::new(pregs::X17);
const VMCTX: Gpr = Gpr::new(pregs::VMCTX);
const HEAP_BASE: Gpr = Gpr::new(pregs::HEAP_BASE);
const V31: VReg = VReg::new(pregs::V31);
const SP: GprSp = GprSp::SP;

fn sp_form(g: Gpr) -> GprSp {
    g.to_sp_form()
}

/// A label: a word index once bound.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Label(u32);

/// A branch or address to patch once labels are bound.
#[derive(Clone, Copy, Debug)]
enum Fix {
    B,
    BCond(Cond),
    Cbz { nz: bool, size: Size, rt: Gpr },
    Tbz { nz: bool, bit: u8, rt: Gpr },
    Adr(Gpr),
}

/// A conditional branch to a label.
#[derive(Clone, Copy, Debug)]
pub(crate) enum CondBr {
    Flags(Cond),
    Zero { nz: bool, size: Size, rt: Gpr },
    Bit { nz: bool, bit: u8, rt: Gpr },
}

impl CondBr {
    fn invert(self) -> CondBr {
        match self {
            CondBr::Flags(c) => CondBr::Flags(c.invert()),
            CondBr::Zero { nz, size, rt } => CondBr::Zero { nz: !nz, size, rt },
            CondBr::Bit { nz, bit, rt } => CondBr::Bit { nz: !nz, bit, rt },
        }
    }

    fn fix(self) -> Fix {
        match self {
            CondBr::Flags(c) => Fix::BCond(c),
            CondBr::Zero { nz, size, rt } => Fix::Cbz { nz, size, rt },
            CondBr::Bit { nz, bit, rt } => Fix::Tbz { nz, bit, rt },
        }
    }
}

/// A branch that did not reach: emit again with long conditional branches.
pub(crate) struct OutOfRange;

fn encode_fix(fix: Fix, offset: i64) -> Result<(EncForm, u32), OutOfRange> {
    let fits = |bits: u32| offset >= -(1i64 << (bits + 1)) && offset < (1i64 << (bits + 1));
    let o = offset as i32;
    match fix {
        Fix::B => fits(26).then(|| (EncForm::B, branch::b(o))),
        Fix::BCond(c) => fits(19).then(|| (EncForm::BCond, branch::b_cond(c, o))),
        Fix::Cbz { nz: false, size, rt } => fits(19).then(|| (EncForm::Cbz, branch::cbz(size, rt, o))),
        Fix::Cbz { nz: true, size, rt } => fits(19).then(|| (EncForm::Cbnz, branch::cbnz(size, rt, o))),
        Fix::Tbz { nz: false, bit, rt } => fits(14).then(|| (EncForm::Tbz, branch::tbz(rt, bit as u32, o))),
        Fix::Tbz { nz: true, bit, rt } => fits(14).then(|| (EncForm::Tbnz, branch::tbnz(rt, bit as u32, o))),
        Fix::Adr(rd) => (-(1 << 20)..(1 << 20)).contains(&offset).then(|| (EncForm::Adr, misc::adr(rd, o))),
    }
    .ok_or(OutOfRange)
}

pub(crate) struct Emitter {
    words: Vec<u32>,
    forms: BTreeSet<EncForm>,
    labels: Vec<Option<u32>>,
    fixups: Vec<(u32, Label, Fix)>,
    calls: Vec<CallReloc>,
    libcalls: Vec<LibCallSite>,
    block_labels: Vec<Label>,
    stubs: Vec<(Label, Option<TrapCode>, Option<u32>)>,
    /// Guarded heap accesses: word index and source location.
    faults: Vec<(u32, Option<u32>)>,
    cur_srcloc: Option<u32>,
    outgoing: u32,
    /// Bytes the prologue reserves below the frame record (spill slots, outgoing area).
    frame: u64,
    /// Float-class registers hold whole vectors: moves and spills copy 128 bits.
    vector_slots: bool,
    counts: EmitCounts,
    long_branches: bool,
    /// Out-of-line runtime paths of inline `call_indirect`s.
    indirect_slow: Vec<IndirectSlow>,
    /// Tables of data (`Inst::TableLoad`), placed after the code: label, 8-byte
    /// alignment wanted, words.
    tables: Vec<(Label, bool, Vec<u32>)>,
}

/// The runtime's path of one inline `call_indirect` (see `Inst::CallIndirect`): entered
/// with the element index in x16, returns to `done`.
struct IndirectSlow {
    entry: Label,
    done: Label,
    args: u32,
    table: u32,
    type_index: u32,
    srcloc: Option<u32>,
    /// Register arguments to store at these area offsets before the libcall.
    spill_args: Vec<(PReg, i32)>,
    /// Register results to load from these area offsets after it.
    reload_results: Vec<(PReg, i32)>,
}

impl Emitter {
    /// An emitter for code outside any function (the trampoline).
    pub(crate) fn standalone() -> Emitter {
        Emitter {
            words: Vec::new(),
            forms: BTreeSet::new(),
            labels: Vec::new(),
            fixups: Vec::new(),
            calls: Vec::new(),
            libcalls: Vec::new(),
            block_labels: Vec::new(),
            stubs: Vec::new(),
            faults: Vec::new(),
            cur_srcloc: None,
            outgoing: 0,
            frame: 0,
            vector_slots: false,
            counts: EmitCounts::default(),
            long_branches: false,
            indirect_slow: Vec::new(),
            tables: Vec::new(),
        }
    }

    /// Word index of the next word.
    pub(crate) fn pos(&self) -> u32 {
        self.words.len() as u32
    }

    /// The forms used so far.
    pub(crate) fn forms(&self) -> &BTreeSet<EncForm> {
        &self.forms
    }

    pub(crate) fn put(&mut self, form: EncForm, word: u32) {
        self.forms.insert(form);
        self.counts.insts += 1;
        self.words.push(word);
    }

    pub(crate) fn label(&mut self) -> Label {
        self.labels.push(None);
        Label(self.labels.len() as u32 - 1)
    }

    pub(crate) fn bind(&mut self, l: Label) {
        self.labels[l.0 as usize] = Some(self.words.len() as u32);
    }

    /// A word to patch later (its form is recorded when patched).
    fn put_fix(&mut self, l: Label, fix: Fix) {
        self.fixups.push((self.words.len() as u32, l, fix));
        self.counts.insts += 1;
        self.words.push(0);
    }

    pub(crate) fn b(&mut self, l: Label) {
        self.put_fix(l, Fix::B);
    }

    pub(crate) fn cond_br(&mut self, c: CondBr, l: Label) {
        if self.long_branches {
            // Inverted short branch over an unconditional one.
            let skip = self.label();
            self.put_fix(skip, c.invert().fix());
            self.b(l);
            self.bind(skip);
        } else {
            self.put_fix(l, c.fix());
        }
    }

    /// A stub that traps with `code` (or with the code the runtime recorded).
    fn trap_label(&mut self, code: Option<TrapCode>) -> Label {
        let l = self.label();
        self.stubs.push((l, code, self.cur_srcloc));
        l
    }

    fn trap_if(&mut self, c: CondBr, code: TrapCode) {
        let l = self.trap_label(Some(code));
        self.cond_br(c, l);
    }

    pub(crate) fn mov_rr(&mut self, size: Size, rd: Gpr, rm: Gpr) {
        self.put(
            EncForm::LogicalShifted,
            logical::logical_shifted(LogicalOp::Orr, size, rd, Gpr::ZR, rm, Shift::Lsl, 0),
        );
    }

    /// `rd = imm` in as few instructions as the encoders allow (never touches flags).
    pub(crate) fn mov_imm(&mut self, size: Size, rd: Gpr, imm: u64) {
        let imm = if size == Size::W { imm & 0xffff_ffff } else { imm };
        let n = size.bits() / 16;
        let half = |k: u32| ((imm >> (16 * k)) & 0xffff) as u32;
        let zeros = (0..n).filter(|k| half(*k) == 0).count() as u32;
        let ones = (0..n).filter(|k| half(*k) == 0xffff).count() as u32;
        let needed = (n - zeros.max(ones)).max(1);
        if needed > 1 {
            if let Some(li) = LogicalImm::new(imm, size) {
                self.put(EncForm::OrrImm, logical::orr_imm(size, sp_form(rd), Gpr::ZR, li));
                return;
            }
        }
        if ones > zeros {
            let mut first = true;
            for k in 0..n {
                if half(k) != 0xffff {
                    if first {
                        self.put(EncForm::Movn, movwide::movn(size, rd, !half(k) & 0xffff, 16 * k));
                        first = false;
                    } else {
                        self.put(EncForm::Movk, movwide::movk(size, rd, half(k), 16 * k));
                    }
                }
            }
            if first {
                self.put(EncForm::Movn, movwide::movn(size, rd, 0, 0));
            }
        } else {
            let mut first = true;
            for k in 0..n {
                if half(k) != 0 {
                    if first {
                        self.put(EncForm::Movz, movwide::movz(size, rd, half(k), 16 * k));
                        first = false;
                    } else {
                        self.put(EncForm::Movk, movwide::movk(size, rd, half(k), 16 * k));
                    }
                }
            }
            if first {
                self.put(EncForm::Movz, movwide::movz(size, rd, 0, 0));
            }
        }
    }

    /// `op rt, [base, #off]` choosing the scaled, unscaled or register-offset (through x17) form.
    pub(crate) fn ldst(&mut self, op: MemOp, rt: Gpr, base: GprSp, off: i64) {
        let width = 1i64 << op.log2_bytes();
        if op.log2_bytes() <= 3 && (0..4096 * width).contains(&off) && off % width == 0 {
            self.put(EncForm::LdStUimm, loadstore::ldst_uimm(op, rt, base, off as u32));
        } else if (-256..256).contains(&off) {
            self.put(EncForm::LdStUnscaled, loadstore::ldst_unscaled(op, rt, base, off as i32));
        } else {
            self.mov_imm(Size::X, X17, off as u64);
            self.put(EncForm::LdStReg, loadstore::ldst_reg(op, rt, base, X17, IndexExtend::Lsl, false));
        }
    }

    pub(crate) fn fp_ldst(&mut self, op: FpMemOp, rt: VReg, base: GprSp, off: i64) {
        let width = 1i64 << op.log2_bytes();
        if (0..4096 * width).contains(&off) && off % width == 0 {
            self.put(EncForm::FpLdStUimm, loadstore::fp_ldst_uimm(op, rt, base, off as u32));
        } else if (-256..256).contains(&off) {
            self.put(EncForm::FpLdStUnscaled, loadstore::fp_ldst_unscaled(op, rt, base, off as i32));
        } else {
            self.mov_imm(Size::X, X17, off as u64);
            self.put(EncForm::FpLdStReg, loadstore::fp_ldst_reg(op, rt, base, X17, IndexExtend::Lsl, false));
        }
    }

    /// `ldr q`/`str q` at `[base + off]`: scaled when 16-byte aligned, else unscaled, else an
    /// offset in x17.
    pub(crate) fn q_ldst(&mut self, load: bool, rt: VReg, base: GprSp, off: i64) {
        if (0..16 * 4096).contains(&off) && off % 16 == 0 {
            self.put(EncForm::LdStQUimm, ldst_q_uimm(load, rt, base, off as u32));
        } else if (-256..256).contains(&off) {
            self.put(EncForm::LdStQUnscaled, ldst_q_unscaled(load, rt, base, off as i32));
        } else {
            self.mov_imm(Size::X, X17, off as u64);
            self.put(EncForm::LdStQReg, ldst_q_reg(load, rt, base, X17, IndexExtend::Lsl, false));
        }
    }

    /// `mov vd.16b, vn.16b`.
    pub(crate) fn vec_mov(&mut self, rd: VReg, rn: VReg) {
        if rd != rn {
            self.put(EncForm::VecLogical, vec_logical(VecLogicalOp::Orr, VecLen::V128, rd, rn, rn));
        }
    }

    pub(crate) fn load_vmctx(&mut self, rt: Gpr, word: usize) {
        self.counts.loads += 1;
        self.ldst(MemOp::LdrX, rt, sp_form(VMCTX), vmctx::offset(word) as i64);
    }

    pub(crate) fn store_vmctx(&mut self, rt: Gpr, word: usize) {
        self.counts.stores += 1;
        self.ldst(MemOp::StrX, rt, sp_form(VMCTX), vmctx::offset(word) as i64);
    }

    /// `rd = rn - k` or `rd = rn + k` for a 64-bit constant, through x17 when it does not fit.
    fn add_sub_const(&mut self, sub: bool, rd: GprSp, rn: GprSp, k: u64) {
        match split_imm12(k) {
            Some((imm, l12)) if sub => self.put(EncForm::SubImm, arith::sub_imm(Size::X, rd, rn, imm, l12)),
            Some((imm, l12)) => self.put(EncForm::AddImm, arith::add_imm(Size::X, rd, rn, imm, l12)),
            None => {
                self.mov_imm(Size::X, X17, k);
                let ext = crate::aarch64::regs::Extend::Uxtx;
                if sub {
                    self.put(EncForm::SubExt, arith::sub_ext(Size::X, rd, rn, X17, ext, 0));
                } else {
                    self.put(EncForm::AddExt, arith::add_ext(Size::X, rd, rn, X17, ext, 0));
                }
            }
        }
    }

    fn spill_off(&self, slot: usize) -> i64 {
        8 * (self.outgoing as i64 + slot as i64)
    }

    fn emit_move(&mut self, from: Allocation, to: Allocation, class: RegClass) {
        if from == to {
            return;
        }
        match (from.as_reg(), to.as_reg(), from.as_stack(), to.as_stack()) {
            (Some(f), Some(t), _, _) => {
                let (f, t) = (Reg::phys(f), Reg::phys(t));
                match class {
                    RegClass::Float if self.vector_slots => self.vec_mov(v(t), v(f)),
                    RegClass::Float => self.put(EncForm::FpUnary, float::fp_unary(FpUnOp::Fmov, FpSize::D, v(t), v(f))),
                    _ => self.mov_rr(Size::X, x(t), x(f)),
                }
            }
            (Some(f), None, _, Some(s)) => {
                let off = self.spill_off(s.index());
                let f = Reg::phys(f);
                self.counts.stores += 1;
                match class {
                    RegClass::Float if self.vector_slots => self.q_ldst(false, v(f), SP, off),
                    RegClass::Float => self.fp_ldst(FpMemOp::StrD, v(f), SP, off),
                    _ => self.ldst(MemOp::StrX, x(f), SP, off),
                }
            }
            (None, Some(t), Some(s), _) => {
                let off = self.spill_off(s.index());
                let t = Reg::phys(t);
                self.counts.loads += 1;
                match class {
                    RegClass::Float if self.vector_slots => self.q_ldst(true, v(t), SP, off),
                    RegClass::Float => self.fp_ldst(FpMemOp::LdrD, v(t), SP, off),
                    _ => self.ldst(MemOp::LdrX, x(t), SP, off),
                }
            }
            _ => unreachable!("regalloc2 never moves stack to stack"),
        }
    }

    /// Resolves the fixups and returns the code bytes and the byte offset of every word index.
    pub(crate) fn finish(&mut self) -> Result<Vec<u8>, OutOfRange> {
        for &(at, l, fix) in &self.fixups {
            let target = self.labels[l.0 as usize].expect("label bound");
            let (form, word) = encode_fix(fix, (target as i64 - at as i64) * 4)?;
            self.forms.insert(form);
            self.words[at as usize] = word;
        }
        Ok(self.words.iter().flat_map(|w| w.to_le_bytes()).collect())
    }
}

impl BlockEmitter for Emitter {
    type Inst = Inst;
    fn start_block(&mut self, b: usize) {
        let l = self.block_labels[b];
        self.bind(l);
    }
    fn emit_move(&mut self, from: Allocation, to: Allocation, class: RegClass) {
        Emitter::emit_move(self, from, to, class)
    }
    fn emit_inst(&mut self, inst: &Inst, next: usize) {
        let before = self.counts.insts;
        emit_inst(self, inst, next);
        if inst.is_vector() {
            // Every word of the sequence (its x16 address or constant halves too).
            self.counts.vector += self.counts.insts - before;
        }
    }
    fn position(&self) -> usize {
        self.words.len()
    }
    fn set_srcloc(&mut self, srcloc: Option<u32>) {
        self.cur_srcloc = srcloc;
    }
    fn show_alloc(&self, a: Allocation) -> String {
        match (a.as_reg(), a.as_stack()) {
            (Some(r), _) => pregs::preg_name(r),
            (_, Some(s)) => format!("slot{}", s.index()),
            _ => "none".to_string(),
        }
    }
}

/// Emits `vcode` allocated as `out`; also returns every encoder form the code uses.
/// `Emitted::calls` are `bl` words (offset of the word) to patch.
pub fn emit(vcode: &VCode<Inst>, out: &Output, outgoing_slots: u32, keep_text: bool) -> (Emitted, BTreeSet<EncForm>) {
    match emit_with(vcode, out, outgoing_slots, false, keep_text) {
        Ok(e) => e,
        Err(OutOfRange) => match emit_with(vcode, out, outgoing_slots, true, keep_text) {
            Ok(e) => e,
            // Long branches reach ±128 MiB: only a function larger than that gets here.
            Err(OutOfRange) => panic!("function over 128 MiB of code"),
        },
    }
}

fn emit_with(
    vcode: &VCode<Inst>,
    out: &Output,
    outgoing_slots: u32,
    long_branches: bool,
    keep_text: bool,
) -> Result<(Emitted, BTreeSet<EncForm>), OutOfRange> {
    let mut e = Emitter {
        words: Vec::new(),
        forms: BTreeSet::new(),
        labels: Vec::new(),
        fixups: Vec::new(),
        calls: Vec::new(),
        libcalls: Vec::new(),
        block_labels: Vec::new(),
        stubs: Vec::new(),
        faults: Vec::new(),
        cur_srcloc: None,
        outgoing: outgoing_slots,
        frame: 0,
        vector_slots: vcode.vector_slots,
        counts: EmitCounts::default(),
        long_branches,
        indirect_slow: Vec::new(),
        tables: Vec::new(),
    };
    e.block_labels = (0..vcode.blocks.len()).map(|_| e.label()).collect();
    let frame = ((outgoing_slots as u64 + out.num_spillslots as u64) * 8).div_ceil(16) * 16;
    e.frame = frame;
    // Prologue: frame record, stack check, frame.
    e.counts.stores += 1;
    e.put(EncForm::LdStPair, pair::ldst_pair(false, Size::X, PairMode::PreIndex, Gpr::FP, Gpr::LR, SP, -16));
    e.put(EncForm::AddImm, arith::add_imm(Size::X, sp_form(Gpr::FP), SP, 0, false));
    // A leaf with a small frame needs no check: the guard below the limit covers it (`abi`).
    let leaf = !vcode.insts.iter().any(|i| matches!(i, Inst::Call { .. } | Inst::CallIndirect { .. }));
    if leaf && 16 + frame <= crate::abi::LEAF_FRAME_MAX as u64 {
        if frame > 0 {
            e.add_sub_const(true, SP, SP, frame);
        }
    } else {
        e.add_sub_const(true, sp_form(X16), SP, frame);
        e.load_vmctx(X17, vmctx::STACK_LIMIT);
        e.put(EncForm::SubsShifted, arith::subs_shifted(Size::X, Gpr::ZR, X16, X17, Shift::Lsl, 0));
        e.trap_if(CondBr::Flags(Cond::Lo), TrapCode::StackOverflow);
        if frame > 0 {
            e.put(EncForm::AddImm, arith::add_imm(Size::X, SP, sp_form(X16), 0, false));
        }
    }

    let order: Vec<usize> = (0..vcode.blocks.len()).collect();
    let BlockText { text, srcmap: srcmap_pos } = emit_blocks(&mut e, vcode, out, &order, keep_text);
    for slow in std::mem::take(&mut e.indirect_slow) {
        emit_indirect_slow(&mut e, &slow);
    }
    // Trap stubs.
    let stubs = std::mem::take(&mut e.stubs);
    let mut stub_pos = Vec::new();
    for (label, code, srcloc) in &stubs {
        e.bind(*label);
        stub_pos.push((e.words.len() as u32, *code, *srcloc));
        if let Some(c) = code {
            let k = TrapCode::ALL.iter().position(|t| t == c).expect("listed") as u64;
            e.mov_imm(Size::X, X16, k);
            e.store_vmctx(X16, vmctx::TRAP_CODE);
        }
        e.put_fix(*label, Fix::Adr(X16));
        e.store_vmctx(X16, vmctx::TRAP_PC);
        e.load_vmctx(X16, vmctx::UNWIND);
        e.put(EncForm::Br, branch::br(X16));
    }
    // Data tables, after every instruction (words, not instructions: not counted).
    let data_start = 4 * e.words.len() as u32;
    for (label, align8, words) in std::mem::take(&mut e.tables) {
        if align8 && e.words.len() % 2 == 1 {
            e.words.push(0);
        }
        e.bind(label);
        e.words.extend(words);
    }
    let code = e.finish()?;
    let srcmap = srcmap_pos
        .iter()
        .map(|(w, ir, sl)| SourceMapEntry { offset: 4 * *w as u32, ir_inst: *ir, srcloc: *sl })
        .collect();
    let mut traps: Vec<TrapSite> =
        stub_pos.iter().map(|(w, code, srcloc)| TrapSite::stub(w * 4, *code, *srcloc)).collect();
    // A fault at a guarded heap access is the out-of-bounds trap (the runtime maps it).
    traps.extend(e.faults.iter().map(|(w, srcloc)| TrapSite::heap_fault(w * 4, *srcloc)));
    let emitted = Emitted {
        code,
        data_start,
        calls: std::mem::take(&mut e.calls),
        libcalls: std::mem::take(&mut e.libcalls),
        traps,
        srcmap,
        allocated_text: text,
        counts: e.counts,
    };
    Ok((emitted, std::mem::take(&mut e.forms)))
}

fn amode_ldst(e: &mut Emitter, op: MemOp, rt: Gpr, a: &Amode) {
    match a {
        Amode::RegOff { base, off } => e.ldst(op, rt, xs(*base), *off),
        Amode::RegReg { base, index, guard } => {
            if *guard {
                e.faults.push((e.pos(), e.cur_srcloc));
            }
            e.put(EncForm::LdStReg, loadstore::ldst_reg(op, rt, xs(*base), x(*index), IndexExtend::Lsl, false))
        }
    }
}

fn amode_fp_ldst(e: &mut Emitter, op: FpMemOp, rt: VReg, a: &Amode) {
    match a {
        Amode::RegOff { base, off } => e.fp_ldst(op, rt, xs(*base), *off),
        Amode::RegReg { base, index, guard } => {
            if *guard {
                e.faults.push((e.pos(), e.cur_srcloc));
            }
            e.put(EncForm::FpLdStReg, loadstore::fp_ldst_reg(op, rt, xs(*base), x(*index), IndexExtend::Lsl, false))
        }
    }
}

fn amode_q_ldst(e: &mut Emitter, load: bool, rt: VReg, a: &Amode) {
    match a {
        Amode::RegOff { base, off } => e.q_ldst(load, rt, xs(*base), *off),
        Amode::RegReg { base, index, guard } => {
            if *guard {
                e.faults.push((e.pos(), e.cur_srcloc));
            }
            e.put(EncForm::LdStQReg, ldst_q_reg(load, rt, xs(*base), x(*index), IndexExtend::Lsl, false))
        }
    }
}

/// A 128-bit constant: `movi` when both halves are one pattern it has, else the low half
/// through x16 with `fmov d` (which zeroes the upper half) and the high half with `ins`.
fn vec_const(e: &mut Emitter, rd: VReg, bits: u128) {
    let (lo, hi) = (bits as u64, (bits >> 64) as u64);
    if lo == hi {
        if let Some(imm) = VecImm::find(lo) {
            e.put(EncForm::VecMovi, vec_movi(imm, VecLen::V128, rd));
            return;
        }
    }
    if lo == 0 {
        e.put(EncForm::FmovFromGp, float::fmov_from_gp(Size::X, rd, Gpr::ZR));
    } else {
        e.mov_imm(Size::X, X16, lo);
        e.put(EncForm::FmovFromGp, float::fmov_from_gp(Size::X, rd, X16));
    }
    if hi != 0 {
        e.mov_imm(Size::X, X16, hi);
        e.put(EncForm::InsGeneral, ins_general(Elem::D, rd, 1, X16));
    }
}

/// A lane load or store whose encoder takes the address in a register without an offset
/// (`ld1`, `st1`, `ld1r`): the address is formed in x16 first, and with a guard region the
/// access itself is the fault site.
fn lane_access(e: &mut Emitter, a: &Amode, form: EncForm, word: impl FnOnce(GprSp) -> u32) {
    match a {
        Amode::RegOff { base, off } => {
            if *off < 0 {
                e.add_sub_const(true, sp_form(X16), xs(*base), off.unsigned_abs());
            } else {
                e.add_sub_const(false, sp_form(X16), xs(*base), *off as u64);
            }
        }
        Amode::RegReg { base, index, guard } => {
            e.put(EncForm::AddShifted, arith::add_shifted(Size::X, X16, x(*base), x(*index), Shift::Lsl, 0));
            if *guard {
                e.faults.push((e.pos(), e.cur_srcloc));
            }
        }
    }
    e.put(form, word(sp_form(X16)));
}

/// `rd = (lane 0 of v31 as a word, compared with 0) cond` as 0 or 1 (`umov`, `cmp`, `cset`).
fn flag_lane0(e: &mut Emitter, rd: Gpr, cond: Cond) {
    e.put(EncForm::Umov, umov(Elem::S, rd, V31, 0));
    e.put(EncForm::SubsImm, arith::subs_imm(Size::W, Gpr::ZR, sp_form(rd), 0, false));
    e.put(EncForm::Cset, csel::cset(Size::W, rd, cond));
}

/// The weight of each lane in a bitmask (lane `k` weighs `1 << k`), as a 128-bit constant.
fn bitmask_weights(elem: Elem) -> u128 {
    let bits = elem.bits();
    let lanes = 128 / bits;
    // Bytes: each half weighs its eight lanes 1..128; the halves are paired before the sum.
    let weight = |k: u32| if elem == Elem::B { 1u128 << (k % 8) } else { 1u128 << k };
    (0..lanes).fold(0u128, |acc, k| acc | weight(k) << (k * bits))
}

/// `VecBitmask`: see the instruction.
fn vec_bitmask(e: &mut Emitter, arr: Arr, rd: Gpr, src: VReg, tmp: VReg) {
    e.put(EncForm::VecIntUnary, vec_int_unary(VecIntUnOp::Cmlt0, arr, V31, src));
    vec_const(e, tmp, bitmask_weights(arr.elem()));
    e.put(EncForm::VecLogical, vec_logical(VecLogicalOp::And, VecLen::V128, V31, V31, tmp));
    match arr.elem() {
        Elem::B => {
            // Halfword k = byte k | byte k+8 << 8; the sums of each half stay below 256.
            e.put(EncForm::VecExt, vec_ext(VecLen::V128, tmp, V31, V31, 8));
            e.put(EncForm::VecPermute, vec_permute(PermuteOp::Zip1, Arr::B16, V31, V31, tmp));
            e.put(EncForm::VecAcross, vec_across(AcrossOp::Addv, Arr::H8, V31, V31));
            e.put(EncForm::Umov, umov(Elem::H, rd, V31, 0));
        }
        Elem::H => {
            e.put(EncForm::VecAcross, vec_across(AcrossOp::Addv, Arr::H8, V31, V31));
            e.put(EncForm::Umov, umov(Elem::H, rd, V31, 0));
        }
        Elem::S => {
            e.put(EncForm::VecAcross, vec_across(AcrossOp::Addv, Arr::S4, V31, V31));
            e.put(EncForm::Umov, umov(Elem::S, rd, V31, 0));
        }
        Elem::D => {
            e.put(EncForm::VecIntBinary, vec_int_binary(VecIntOp::Addp, Arr::D2, V31, V31, V31));
            e.put(EncForm::Umov, umov(Elem::S, rd, V31, 0));
        }
    }
}

fn fp_gp_size(size: FpSize) -> Size {
    match size {
        FpSize::S => Size::W,
        FpSize::D => Size::X,
    }
}

/// Loads a float constant's bits into `rd` (through x16).
fn fconst(e: &mut Emitter, size: FpSize, rd: VReg, bits: u64) {
    let value = match size {
        FpSize::S => f32::from_bits(bits as u32) as f64,
        FpSize::D => f64::from_bits(bits),
    };
    if bits == 0 {
        e.put(EncForm::FmovFromGp, float::fmov_from_gp(fp_gp_size(size), rd, Gpr::ZR));
    } else if let Some(imm8) = float::encode_fp_imm8(value) {
        e.put(EncForm::FmovImm, float::fmov_imm(size, rd, imm8 as u32));
    } else {
        e.mov_imm(fp_gp_size(size), X16, bits);
        e.put(EncForm::FmovFromGp, float::fmov_from_gp(fp_gp_size(size), rd, X16));
    }
}

fn float_bits(size: FpSize, value: f64) -> u64 {
    match size {
        FpSize::S => (value as f32).to_bits() as u64,
        FpSize::D => value.to_bits(),
    }
}

fn emit_inst(e: &mut Emitter, inst: &Inst, next_block: usize) {
    use Inst::*;
    match inst {
        Alu { op, size, dst, a, b } => {
            let (d, a, b) = (x(*dst), x(*a), x(*b));
            let (form, word) = match op {
                AluOp::Add => (EncForm::AddShifted, arith::add_shifted(*size, d, a, b, Shift::Lsl, 0)),
                AluOp::Sub => (EncForm::SubShifted, arith::sub_shifted(*size, d, a, b, Shift::Lsl, 0)),
                AluOp::And | AluOp::Orr | AluOp::Eor | AluOp::Bic | AluOp::Orn | AluOp::Eon => {
                    let lop = match op {
                        AluOp::And => LogicalOp::And,
                        AluOp::Orr => LogicalOp::Orr,
                        AluOp::Eor => LogicalOp::Eor,
                        AluOp::Bic => LogicalOp::Bic,
                        AluOp::Orn => LogicalOp::Orn,
                        _ => LogicalOp::Eon,
                    };
                    (EncForm::LogicalShifted, logical::logical_shifted(lop, *size, d, a, b, Shift::Lsl, 0))
                }
                AluOp::Lsl => (EncForm::ShiftReg, shift::shift_reg(ShiftOp::Lslv, *size, d, a, b)),
                AluOp::Lsr => (EncForm::ShiftReg, shift::shift_reg(ShiftOp::Lsrv, *size, d, a, b)),
                AluOp::Asr => (EncForm::ShiftReg, shift::shift_reg(ShiftOp::Asrv, *size, d, a, b)),
                AluOp::Ror => (EncForm::ShiftReg, shift::shift_reg(ShiftOp::Rorv, *size, d, a, b)),
            };
            e.put(form, word);
        }
        AluImm { sub, size, dst, a, imm12, lsl12 } => {
            let (d, a) = (xs(*dst), xs(*a));
            if *sub {
                e.put(EncForm::SubImm, arith::sub_imm(*size, d, a, *imm12, *lsl12));
            } else {
                e.put(EncForm::AddImm, arith::add_imm(*size, d, a, *imm12, *lsl12));
            }
        }
        Logic { op, size, dst, a, imm } => {
            let li = LogicalImm::new(*imm, *size).expect("lowering checked the bitmask immediate");
            let (d, a) = (xs(*dst), x(*a));
            match op {
                LogicOp::And => e.put(EncForm::AndImm, logical::and_imm(*size, d, a, li)),
                LogicOp::Orr => e.put(EncForm::OrrImm, logical::orr_imm(*size, d, a, li)),
                LogicOp::Eor => e.put(EncForm::EorImm, logical::eor_imm(*size, d, a, li)),
            }
        }
        ShiftImm { op, size, dst, src, amount } => {
            let (d, s, k) = (x(*dst), x(*src), *amount as u32);
            match op {
                ShiftKind::Lsl => e.put(EncForm::LslImm, shift::lsl_imm(*size, d, s, k)),
                ShiftKind::Lsr => e.put(EncForm::LsrImm, shift::lsr_imm(*size, d, s, k)),
                ShiftKind::Asr => e.put(EncForm::AsrImm, shift::asr_imm(*size, d, s, k)),
                ShiftKind::Ror => e.put(EncForm::RorImm, shift::ror_imm(*size, d, s, k)),
            }
        }
        RotlReg { size, dst, src, amount } => {
            e.put(EncForm::SubShifted, arith::sub_shifted(*size, X16, Gpr::ZR, x(*amount), Shift::Lsl, 0));
            e.put(EncForm::ShiftReg, shift::shift_reg(ShiftOp::Rorv, *size, x(*dst), x(*src), X16));
        }
        AddSubShifted { sub, size, dst, a, b, amount } => {
            let (d, a, b, k) = (x(*dst), x(*a), x(*b), *amount as u32);
            if *sub {
                e.put(EncForm::SubShifted, arith::sub_shifted(*size, d, a, b, Shift::Lsl, k));
            } else {
                e.put(EncForm::AddShifted, arith::add_shifted(*size, d, a, b, Shift::Lsl, k));
            }
        }
        Madd { sub, size, dst, a, b, acc } => {
            let c = acc.map(x).unwrap_or(Gpr::ZR);
            if *sub {
                e.put(EncForm::Msub, muldiv::msub(*size, x(*dst), x(*a), x(*b), c));
            } else {
                e.put(EncForm::Madd, muldiv::madd(*size, x(*dst), x(*a), x(*b), c));
            }
        }
        BitCount { op, size, dst, src } => match op {
            BitOp::Clz => e.put(EncForm::Clz, bits::clz(*size, x(*dst), x(*src))),
            BitOp::Ctz => {
                e.put(EncForm::Rbit, bits::rbit(*size, X16, x(*src)));
                e.put(EncForm::Clz, bits::clz(*size, x(*dst), X16));
            }
            BitOp::Popcnt => {
                e.put(EncForm::FmovFromGp, float::fmov_from_gp(*size, V31, x(*src)));
                e.put(EncForm::Cnt8b, bits::cnt_8b(V31, V31));
                e.put(EncForm::Addv8b, bits::addv_8b(V31, V31));
                e.put(EncForm::FmovToGp, float::fmov_to_gp(Size::W, x(*dst), V31));
            }
        },
        MovImm { size, dst, imm } => e.mov_imm(*size, x(*dst), *imm),
        Mov { size, dst, src } => {
            if dst != src || *size == Size::W {
                e.mov_rr(*size, x(*dst), x(*src));
            }
        }
        Ext { kind, size, dst, src } => match kind {
            ExtKind::S8 => e.put(EncForm::Sxtb, shift::sxtb(*size, x(*dst), x(*src))),
            ExtKind::S16 => e.put(EncForm::Sxth, shift::sxth(*size, x(*dst), x(*src))),
            ExtKind::S32 => e.put(EncForm::Sxtw, shift::sxtw(x(*dst), x(*src))),
        },
        Load { op, dst, addr } => {
            e.counts.loads += 1;
            amode_ldst(e, *op, x(*dst), addr);
        }
        Store { op, src, addr } => {
            e.counts.stores += 1;
            amode_ldst(e, *op, x(*src), addr);
        }
        VecLoad { dst, addr } => {
            e.counts.loads += 1;
            amode_q_ldst(e, true, v(*dst), addr);
        }
        VecStore { src, addr } => {
            e.counts.stores += 1;
            amode_q_ldst(e, false, v(*src), addr);
        }
        VecMov { dst, src } => e.vec_mov(v(*dst), v(*src)),
        VecConst { dst, bits } => vec_const(e, v(*dst), *bits),
        VecLogic { op, dst, a, b } => e.put(EncForm::VecLogical, vec_logical(*op, VecLen::V128, v(*dst), v(*a), v(*b))),
        VecInt { op, arr, dst, a, b } => e.put(EncForm::VecIntBinary, vec_int_binary(*op, *arr, v(*dst), v(*a), v(*b))),
        VecIntUn { op, arr, dst, src } => e.put(EncForm::VecIntUnary, vec_int_unary(*op, *arr, v(*dst), v(*src))),
        VecFp { op, arr, dst, a, b } => e.put(EncForm::VecFpBinary, vec_fp_binary(*op, *arr, v(*dst), v(*a), v(*b))),
        VecFpUn { op, arr, dst, src } => e.put(EncForm::VecFpUnary, vec_fp_unary(*op, *arr, v(*dst), v(*src))),
        VecNot { dst, src } => e.put(EncForm::VecIntUnary, vec_int_unary(VecIntUnOp::Not, Arr::B16, v(*dst), v(*src))),
        VecSelect { dst, mask, a, b } => {
            e.vec_mov(V31, v(*mask));
            e.put(EncForm::VecLogical, vec_logical(VecLogicalOp::Bsl, VecLen::V128, V31, v(*a), v(*b)));
            e.vec_mov(v(*dst), V31);
        }
        // part B: widen/convert/permute
        VecWiden { signed, from, upper, dst, src } => {
            e.put(EncForm::VecShiftLong, vec_shift_long(*signed, *from, *upper, v(*dst), v(*src), 0))
        }
        VecShll { from, dst, src } => e.put(EncForm::VecShll, vec_shll(*from, false, v(*dst), v(*src))),
        VecNarrow { op, to, dst, lo, hi } => {
            e.put(EncForm::VecNarrow, vec_narrow(*op, *to, false, v(*dst), v(*lo)));
            if let Some(h) = hi {
                e.put(EncForm::VecNarrow, vec_narrow(*op, *to, true, v(*dst), v(*h)));
            }
        }
        VecMulLong { op, from, upper, dst, a, b } => {
            e.put(EncForm::VecMulLong, vec_mul_long(*op, *from, *upper, v(*dst), v(*a), v(*b)))
        }
        VecPairwiseLong { signed, arr, dst, src } => {
            e.put(EncForm::VecPairwiseLong, vec_pairwise_long(*signed, *arr, v(*dst), v(*src)))
        }
        VecFpWidth { dir, dst, src } => e.put(EncForm::VecFpWidth, vec_fp_width(*dir, false, v(*dst), v(*src))),
        VecTbl { dst, table, idx } => {
            e.put(EncForm::VecTbl, vec_tbl(false, VecLen::V128, v(*dst), v(*table), 1, v(*idx)))
        }
        VecDupGp { arr, dst, src } => e.put(EncForm::DupGeneral, dup_general(*arr, v(*dst), x(*src))),
        VecDupLane { arr, dst, src, lane } => e.put(EncForm::DupElement, dup_element(*arr, v(*dst), v(*src), *lane)),
        VecExtract { elem, signed: false, dst, src, lane, .. } => {
            e.put(EncForm::Umov, umov(*elem, x(*dst), v(*src), *lane))
        }
        VecExtract { elem, signed: true, size, dst, src, lane } => {
            e.put(EncForm::Smov, smov(*size, *elem, x(*dst), v(*src), *lane))
        }
        VecInsertGp { elem, dst, src, val, lane } => {
            debug_assert_eq!(dst, src, "ins reuses its source register");
            e.put(EncForm::InsGeneral, ins_general(*elem, v(*dst), *lane, x(*val)))
        }
        VecInsertLane { elem, dst, src, val, lane } => {
            debug_assert_eq!(dst, src, "ins reuses its source register");
            e.put(EncForm::InsElement, ins_element(*elem, v(*dst), *lane, v(*val), 0))
        }
        VecCsel { cond, dst, t, f } => {
            e.put(EncForm::Csetm, csel::csetm(Size::X, X16, *cond));
            e.put(EncForm::DupGeneral, dup_general(Arr::D2, V31, X16));
            e.put(EncForm::VecLogical, vec_logical(VecLogicalOp::Bsl, VecLen::V128, V31, v(*t), v(*f)));
            e.vec_mov(v(*dst), V31);
        }
        VecLoadExtend { signed, from, dst, addr } => {
            e.counts.loads += 1;
            amode_fp_ldst(e, FpMemOp::LdrD, v(*dst), addr);
            e.put(EncForm::VecShiftLong, vec_shift_long(*signed, *from, false, v(*dst), v(*dst), 0));
        }
        VecLoadSplat { elem, dst, addr } => {
            e.counts.loads += 1;
            let arr = Arr::full(*elem);
            lane_access(e, addr, EncForm::Ld1r, |rn| ld1r(arr, v(*dst), rn));
        }
        VecLoadLane { elem, lane, dst, src, addr } => {
            debug_assert_eq!(dst, src, "ld1 reuses its source register");
            e.counts.loads += 1;
            lane_access(e, addr, EncForm::Ld1Lane, |rn| ld1_lane(*elem, v(*dst), *lane, rn));
        }
        VecStoreLane { elem, lane, src, addr } => {
            e.counts.stores += 1;
            lane_access(e, addr, EncForm::St1Lane, |rn| st1_lane(*elem, v(*src), *lane, rn));
        }
        VecShiftImm { op, arr, dst, src, amount } => {
            e.put(EncForm::VecShiftImm, vec_shift_imm(*op, *arr, v(*dst), v(*src), *amount as u32))
        }
        VecShiftReg { op, arr, dst, src, count } => {
            let mask = LogicalImm::new(arr.elem().bits() as u64 - 1, Size::W).expect("bitmask");
            e.put(EncForm::AndImm, logical::and_imm(Size::W, sp_form(X16), x(*count), mask));
            if *op != VecShiftOp::Shl {
                e.put(EncForm::SubShifted, arith::sub_shifted(Size::W, X16, Gpr::ZR, X16, Shift::Lsl, 0));
            }
            e.put(EncForm::DupGeneral, dup_general(*arr, V31, X16));
            let vop = if *op == VecShiftOp::Sshr { VecIntOp::Sshl } else { VecIntOp::Ushl };
            e.put(EncForm::VecIntBinary, vec_int_binary(vop, *arr, v(*dst), v(*src), V31));
        }
        VecAnyTrue { dst, src } => {
            e.put(EncForm::VecAcross, vec_across(AcrossOp::Umaxv, Arr::S4, V31, v(*src)));
            flag_lane0(e, x(*dst), Cond::Ne);
        }
        VecAllTrue { arr, dst, src } => {
            e.put(EncForm::VecIntUnary, vec_int_unary(VecIntUnOp::Cmeq0, *arr, V31, v(*src)));
            e.put(EncForm::VecAcross, vec_across(AcrossOp::Umaxv, Arr::S4, V31, V31));
            flag_lane0(e, x(*dst), Cond::Eq);
        }
        VecBitmask { arr, dst, src, tmp } => vec_bitmask(e, *arr, x(*dst), v(*src), v(*tmp)),
        FLoad { size, dst, addr } => {
            e.counts.loads += 1;
            let op = if *size == FpSize::S { FpMemOp::LdrS } else { FpMemOp::LdrD };
            amode_fp_ldst(e, op, v(*dst), addr);
        }
        FStore { size, src, addr } => {
            e.counts.stores += 1;
            let op = if *size == FpSize::S { FpMemOp::StrS } else { FpMemOp::StrD };
            amode_fp_ldst(e, op, v(*src), addr);
        }
        Cmp { size, a, rhs } => match rhs {
            CmpRhs::Reg(b) => {
                e.put(EncForm::SubsShifted, arith::subs_shifted(*size, Gpr::ZR, x(*a), x(*b), Shift::Lsl, 0))
            }
            CmpRhs::Imm { imm12, lsl12, neg: false } => {
                e.put(EncForm::SubsImm, arith::subs_imm(*size, Gpr::ZR, xs(*a), *imm12, *lsl12))
            }
            CmpRhs::Imm { imm12, lsl12, neg: true } => {
                e.put(EncForm::AddsImm, arith::adds_imm(*size, Gpr::ZR, xs(*a), *imm12, *lsl12))
            }
        },
        Cset { cond, dst } => e.put(EncForm::Cset, csel::cset(Size::W, x(*dst), *cond)),
        Csel { size, cond, dst, t, f } => e.put(EncForm::Csel, csel::csel(*size, x(*dst), x(*t), x(*f), *cond)),
        FCsel { size, cond, dst, t, f } => e.put(EncForm::Fcsel, float::fcsel(*size, v(*dst), v(*t), v(*f), *cond)),
        LoadVmctx { dst, word } => e.load_vmctx(x(*dst), *word),
        BoundsCheck { addr, end } => {
            match split_imm12(*end) {
                Some((imm, l12)) => e.put(EncForm::AddImm, arith::add_imm(Size::X, sp_form(X16), xs(*addr), imm, l12)),
                None => {
                    e.mov_imm(Size::X, X16, *end);
                    e.put(EncForm::AddShifted, arith::add_shifted(Size::X, X16, X16, x(*addr), Shift::Lsl, 0));
                }
            }
            e.load_vmctx(X17, vmctx::MEM_LEN);
            e.put(EncForm::SubsShifted, arith::subs_shifted(Size::X, Gpr::ZR, X16, X17, Shift::Lsl, 0));
            e.trap_if(CondBr::Flags(Cond::Hi), TrapCode::MemoryOutOfBounds);
        }
        Div { size, signed, rem, dst, lhs, rhs } => {
            let (d, l, r) = (x(*dst), x(*lhs), x(*rhs));
            e.trap_if(CondBr::Zero { nz: false, size: *size, rt: r }, TrapCode::IntegerDivisionByZero);
            if *signed && !*rem {
                // INT_MIN / -1 overflows: rhs == -1 and lhs - 1 overflows.
                let ok = e.label();
                e.put(EncForm::AddsImm, arith::adds_imm(*size, Gpr::ZR, sp_form(r), 1, false));
                e.cond_br(CondBr::Flags(Cond::Ne), ok);
                e.put(EncForm::SubsImm, arith::subs_imm(*size, Gpr::ZR, sp_form(l), 1, false));
                e.trap_if(CondBr::Flags(Cond::Vs), TrapCode::IntegerOverflow);
                e.bind(ok);
            }
            let q = if *rem { X16 } else { d };
            if *signed {
                e.put(EncForm::Sdiv, muldiv::sdiv(*size, q, l, r));
            } else {
                e.put(EncForm::Udiv, muldiv::udiv(*size, q, l, r));
            }
            if *rem {
                // INT_MIN % -1: sdiv gives INT_MIN, and INT_MIN - INT_MIN * -1 wraps to 0.
                e.put(EncForm::Msub, muldiv::msub(*size, d, X16, r, l));
            }
        }
        FpuRRR { op, size, dst, a, b } => e.put(EncForm::FpBinary, float::fp_binary(*op, *size, v(*dst), v(*a), v(*b))),
        FpuRR { op, size, dst, src } => {
            if *op != FpUnOp::Fmov || dst != src {
                e.put(EncForm::FpUnary, float::fp_unary(*op, *size, v(*dst), v(*src)));
            }
        }
        FCopysign { size, dst, a, b } => {
            let g = fp_gp_size(*size);
            let sign = 1u64 << (g.bits() - 1);
            e.put(EncForm::FmovToGp, float::fmov_to_gp(g, X16, v(*a)));
            let mag = LogicalImm::new(sign - 1, g).expect("bitmask");
            e.put(EncForm::AndImm, logical::and_imm(g, sp_form(X16), X16, mag));
            e.put(EncForm::FmovToGp, float::fmov_to_gp(g, X17, v(*b)));
            let sg = LogicalImm::new(sign, g).expect("bitmask");
            e.put(EncForm::AndImm, logical::and_imm(g, sp_form(X17), X17, sg));
            e.put(EncForm::LogicalShifted, logical::logical_shifted(LogicalOp::Orr, g, X16, X16, X17, Shift::Lsl, 0));
            e.put(EncForm::FmovFromGp, float::fmov_from_gp(g, v(*dst), X16));
        }
        FCvt { from, dst, src } => {
            let to = if *from == FpSize::S { FpSize::D } else { FpSize::S };
            e.put(EncForm::Fcvt, float::fcvt(to, v(*dst), *from, v(*src)));
        }
        FCmp { size, a, b } => e.put(EncForm::Fcmp, float::fcmp(*size, v(*a), v(*b))),
        FMovToGp { size, dst, src } => e.put(EncForm::FmovToGp, float::fmov_to_gp(*size, x(*dst), v(*src))),
        FMovFromGp { size, dst, src } => e.put(EncForm::FmovFromGp, float::fmov_from_gp(*size, v(*dst), x(*src))),
        FConst { size, dst, bits } => fconst(e, *size, v(*dst), *bits),
        IntToFp { signed, from, to, dst, src } => {
            e.put(EncForm::IntToFp, float::int_to_fp(*signed, *to, v(*dst), *from, x(*src)))
        }
        FpToInt { signed, sat, from, to, dst, src } => {
            let s = v(*src);
            if !*sat {
                e.put(EncForm::Fcmp, float::fcmp(*from, s, s));
                e.trap_if(CondBr::Flags(Cond::Vs), TrapCode::BadConversionToInteger);
                // Trap unless lo < x (or lo <= x) and x < hi.
                let bits = to.bits() as i32;
                let (lo, lo_inclusive, hi) = match (signed, from, to) {
                    (true, FpSize::D, Size::W) => (-2147483649.0, false, 2147483648.0),
                    (true, _, _) => (-(2f64.powi(bits - 1)), true, 2f64.powi(bits - 1)),
                    (false, _, _) => (-1.0, false, 2f64.powi(bits)),
                };
                fconst(e, *from, V31, float_bits(*from, lo));
                e.put(EncForm::Fcmp, float::fcmp(*from, s, V31));
                e.trap_if(CondBr::Flags(if lo_inclusive { Cond::Mi } else { Cond::Ls }), TrapCode::IntegerOverflow);
                fconst(e, *from, V31, float_bits(*from, hi));
                e.put(EncForm::Fcmp, float::fcmp(*from, s, V31));
                e.trap_if(CondBr::Flags(Cond::Ge), TrapCode::IntegerOverflow);
            }
            // fcvtzs/fcvtzu saturate and give 0 for NaN: exactly the saturating semantics.
            e.put(EncForm::FpToInt, float::fp_to_int(*signed, *to, x(*dst), *from, s));
        }
        B { target } => {
            if *target as usize != next_block {
                let l = e.block_labels[*target as usize];
                e.b(l);
            }
        }
        BCond { cond, taken, not_taken } => cond_branch(e, CondBr::Flags(*cond), *taken, *not_taken, next_block),
        Cbz { nz, size, reg, taken, not_taken } => {
            cond_branch(e, CondBr::Zero { nz: *nz, size: *size, rt: x(*reg) }, *taken, *not_taken, next_block)
        }
        Tbz { nz, bit, reg, taken, not_taken } => {
            cond_branch(e, CondBr::Bit { nz: *nz, bit: *bit, rt: x(*reg) }, *taken, *not_taken, next_block)
        }
        TableHoleLoad { dst, index, holes } => {
            // x17 = min(index, last); dst = holes[x17].
            e.mov_imm(Size::W, X17, (holes.len() - 1) as u64);
            e.put(EncForm::SubsShifted, arith::subs_shifted(Size::W, Gpr::ZR, x(*index), X17, Shift::Lsl, 0));
            e.put(EncForm::Csel, csel::csel(Size::W, X17, x(*index), X17, Cond::Lo));
            let table = e.label();
            e.put_fix(table, Fix::Adr(X16));
            e.counts.loads += 1;
            e.put(
                EncForm::LdStReg,
                loadstore::ldst_reg(MemOp::Ldrb, x(*dst), sp_form(X16), X17, IndexExtend::Lsl, false),
            );
            e.tables.push((
                table,
                false,
                holes.chunks(4).map(|c| c.iter().rev().fold(0u32, |w, b| w << 8 | *b as u32)).collect(),
            ));
        }
        TableLoad { size, dst, index, values } => {
            let table = e.label();
            e.put_fix(table, Fix::Adr(X16));
            let (op, words): (MemOp, Vec<u32>) = match size {
                Size::W => (MemOp::LdrW, values.iter().map(|v| *v as u32).collect()),
                Size::X => (MemOp::LdrX, values.iter().flat_map(|v| [*v as u32, (*v >> 32) as u32]).collect()),
            };
            e.counts.loads += 1;
            e.put(EncForm::LdStReg, loadstore::ldst_reg(op, x(*dst), sp_form(X16), x(*index), IndexExtend::Lsl, true));
            e.tables.push((table, *size == Size::X, words));
        }
        JmpTable { index, targets, default } => {
            let idx = x(*index);
            let n = targets.len() as u64;
            match split_imm12(n) {
                Some((imm, l12)) => e.put(EncForm::SubsImm, arith::subs_imm(Size::W, Gpr::ZR, sp_form(idx), imm, l12)),
                None => {
                    e.mov_imm(Size::W, X16, n);
                    e.put(EncForm::SubsShifted, arith::subs_shifted(Size::W, Gpr::ZR, idx, X16, Shift::Lsl, 0));
                }
            }
            let ld = e.block_labels[*default as usize];
            e.cond_br(CondBr::Flags(Cond::Hs), ld);
            let table = e.label();
            e.put_fix(table, Fix::Adr(X16));
            e.put(EncForm::AddShifted, arith::add_shifted(Size::X, X16, X16, idx, Shift::Lsl, 2));
            e.put(EncForm::Br, branch::br(X16));
            e.bind(table);
            for t in targets {
                let l = e.block_labels[*t as usize];
                e.b(l);
            }
        }
        Args { .. } => {}
        Ret { .. } => {
            // Only the prologue moves sp: without a frame it is still at the frame record.
            if e.frame > 0 {
                e.put(EncForm::AddImm, arith::add_imm(Size::X, SP, sp_form(Gpr::FP), 0, false));
            }
            e.counts.loads += 1;
            e.put(EncForm::LdStPair, pair::ldst_pair(true, Size::X, PairMode::PostIndex, Gpr::FP, Gpr::LR, SP, 16));
            e.put(EncForm::Ret, branch::ret(Gpr::LR));
        }
        Call { target, .. } => {
            e.counts.calls += 1;
            match target {
                CallTarget::Func(f) => {
                    e.calls.push(CallReloc { offset: e.words.len() as u32 * 4, func: *f });
                    e.put(EncForm::Bl, branch::bl(0));
                }
                CallTarget::Lib(lib, a, b) => {
                    e.mov_rr(Size::X, Gpr::new(0), VMCTX);
                    e.mov_imm(Size::X, Gpr::new(1), *a);
                    e.mov_imm(Size::X, Gpr::new(2), *b);
                    e.put(EncForm::AddImm, arith::add_imm(Size::X, GprSp::new(3), SP, 0, false));
                    e.load_vmctx(X16, vmctx::LIBCALLS + lib.index());
                    e.libcalls.push(LibCallSite { offset: e.words.len() as u32 * 4, lib: *lib });
                    e.put(EncForm::Blr, branch::blr(X16));
                    // Memory may have moved: reload the pinned heap base.
                    e.load_vmctx(HEAP_BASE, vmctx::MEM_BASE);
                    let l = e.trap_label(None);
                    e.cond_br(CondBr::Zero { nz: true, size: Size::X, rt: Gpr::new(0) }, l);
                }
            }
        }
        CallIndirect { index, table, type_index, sig_id, args, spill_args, reload_results, .. } => {
            use crate::abi::table as t;
            // x16 keeps the index for the slow path; x9..x11 are free (a call clobbers them,
            // and the index is copied out first). Nothing else is written before the call:
            // the register arguments (`pregs::CALL_REGS`) are live in theirs.
            let (t0, t1, t2) = (Gpr::new(9), Gpr::new(10), Gpr::new(11));
            e.counts.calls += 1;
            let slow = e.label();
            let done = e.label();
            e.mov_rr(Size::W, X16, x(*index));
            e.load_vmctx(t0, vmctx::TABLES);
            e.counts.loads += 2;
            e.ldst(MemOp::LdrX, t0, sp_form(t0), 8 * *table as i64);
            e.ldst(MemOp::LdrX, t1, sp_form(t0), t::HEADER_LEN as i64);
            e.put(EncForm::SubsShifted, arith::subs_shifted(Size::X, Gpr::ZR, X16, t1, Shift::Lsl, 0));
            e.cond_br(CondBr::Flags(Cond::Hs), slow);
            e.counts.loads += 2;
            e.ldst(MemOp::LdrX, t0, sp_form(t0), t::HEADER_BASE as i64);
            let scale = t::ENTRY_BYTES.trailing_zeros();
            e.put(EncForm::AddShifted, arith::add_shifted(Size::X, t0, t0, X16, Shift::Lsl, scale));
            e.ldst(MemOp::LdrW, t1, sp_form(t0), t::ENTRY_SIG as i64);
            e.mov_imm(Size::W, t2, *sig_id as u64);
            e.put(EncForm::SubsShifted, arith::subs_shifted(Size::W, Gpr::ZR, t1, t2, Shift::Lsl, 0));
            e.cond_br(CondBr::Flags(Cond::Ne), slow);
            e.counts.loads += 1;
            e.ldst(MemOp::LdrW, t1, sp_form(t0), t::ENTRY_INSTANCE as i64);
            e.load_vmctx(t2, vmctx::INSTANCE);
            e.put(EncForm::SubsShifted, arith::subs_shifted(Size::X, Gpr::ZR, t1, t2, Shift::Lsl, 0));
            e.cond_br(CondBr::Flags(Cond::Ne), slow);
            e.counts.loads += 2;
            e.ldst(MemOp::LdrW, t1, sp_form(t0), t::ENTRY_FUNC as i64);
            e.load_vmctx(t2, vmctx::FUNCS);
            e.put(EncForm::LdStReg, loadstore::ldst_reg(MemOp::LdrX, t0, sp_form(t2), t1, IndexExtend::Lsl, true));
            e.put(EncForm::Blr, branch::blr(t0));
            e.bind(done);
            let (args, table, type_index, srcloc) = (*args, *table, *type_index, e.cur_srcloc);
            let (spill_args, reload_results) = (spill_args.clone(), reload_results.clone());
            e.indirect_slow.push(IndirectSlow {
                entry: slow,
                done,
                args,
                table,
                type_index,
                srcloc,
                spill_args,
                reload_results,
            });
        }
        Trap { code } => {
            let l = e.trap_label(Some(*code));
            e.b(l);
        }
    }
}

/// The runtime's path of an inline `call_indirect`: the `CallIndirect` libcall finds the
/// arguments in the value area (the register ones stored into their slots first) and the
/// element index in the slot after them; the register results are loaded from theirs.
fn emit_indirect_slow(e: &mut Emitter, slow: &IndirectSlow) {
    use crate::abi::LibCall;
    e.bind(slow.entry);
    e.cur_srcloc = slow.srcloc;
    for (p, off) in &slow.spill_args {
        e.counts.stores += 1;
        match p.class() {
            RegClass::Int => e.ldst(MemOp::StrX, Gpr::new(p.hw_enc() as u8), SP, *off as i64),
            _ => e.fp_ldst(FpMemOp::StrD, VReg::new(p.hw_enc() as u8), SP, *off as i64),
        }
    }
    e.counts.stores += 1;
    e.ldst(MemOp::StrX, X16, SP, 8 * slow.args as i64);
    e.counts.calls += 1;
    e.mov_rr(Size::X, Gpr::new(0), VMCTX);
    e.mov_imm(Size::X, Gpr::new(1), slow.type_index as u64);
    e.mov_imm(Size::X, Gpr::new(2), slow.table as u64);
    e.put(EncForm::AddImm, arith::add_imm(Size::X, GprSp::new(3), SP, 0, false));
    e.load_vmctx(X16, vmctx::LIBCALLS + LibCall::CallIndirect.index());
    e.libcalls.push(LibCallSite { offset: e.words.len() as u32 * 4, lib: LibCall::CallIndirect });
    e.put(EncForm::Blr, branch::blr(X16));
    // Memory may have moved: reload the pinned heap base.
    e.load_vmctx(HEAP_BASE, vmctx::MEM_BASE);
    let l = e.trap_label(None);
    e.cond_br(CondBr::Zero { nz: true, size: Size::X, rt: Gpr::new(0) }, l);
    for (p, off) in &slow.reload_results {
        e.counts.loads += 1;
        match p.class() {
            RegClass::Int => e.ldst(MemOp::LdrX, Gpr::new(p.hw_enc() as u8), SP, *off as i64),
            _ => e.fp_ldst(FpMemOp::LdrD, VReg::new(p.hw_enc() as u8), SP, *off as i64),
        }
    }
    e.b(slow.done);
}

fn cond_branch(e: &mut Emitter, c: CondBr, taken: u32, not_taken: u32, next_block: usize) {
    let (lt, ln) = (e.block_labels[taken as usize], e.block_labels[not_taken as usize]);
    if taken as usize == next_block {
        e.cond_br(c.invert(), ln);
    } else {
        e.cond_br(c, lt);
        if not_taken as usize != next_block {
            e.b(ln);
        }
    }
}
