//! Round-trip proof of the AArch64 encoders: every form in `EncForm::ALL` is encoded with many
//! operand combinations (every register in every position, boundary and pseudo-random immediates
//! from a fixed-seed xorshift, every condition, shift, extend and addressing mode) and decoded
//! with yaxpeax-arm, an independent decoder. The decoded instruction must equal, field for field,
//! the `Instruction` this file builds from the operands alone, following the architecture
//! manual (so an alias such as `lsl` is checked as the `ubfm` it stands for).
//!
//! Also here: the bitmask-immediate encoder against a brute-force decoder of every
//! `N:immr:imms`, the 8-bit FP immediate against every value it can stand for, and a short table
//! of words checked once against LLVM's disassembler (`llvm-mc --disassemble`).
//!
//! Every word is also disassembled by Capstone 5, a second decoder that rejects reserved
//! encodings, which yaxpeax-arm accepts (`.1d` arrangements, `ins` with Q=0, `movi` with o2=1): a
//! structural round trip alone cannot catch a wrong reserved bit. The NEON forms (`neon.rs`
//! beside this file) also compare Capstone's text with text built from the operands, and a
//! test shows that reserved encodings really are rejected.
//!
//! Never compares printed text from yaxpeax (its aliases and hex are a presentation choice); the
//! one exception is the disassembler's own line-format test.

use std::collections::{BTreeMap, BTreeSet};

use capstone::prelude::*;

use wlab_backends::aarch64::disasm::{decode_word, disassemble};
use wlab_backends::aarch64::enc::arith::{self, split_imm12};
use wlab_backends::aarch64::enc::bits;
use wlab_backends::aarch64::enc::branch;
use wlab_backends::aarch64::enc::csel;
use wlab_backends::aarch64::enc::float::{self, FpBinOp, FpUnOp};
use wlab_backends::aarch64::enc::loadstore::{self, FpMemOp, IndexExtend, MemOp};
use wlab_backends::aarch64::enc::logical::{self, encode_logical_imm, LogicalImm, LogicalOp};
use wlab_backends::aarch64::enc::misc;
use wlab_backends::aarch64::enc::movwide;
use wlab_backends::aarch64::enc::muldiv;
use wlab_backends::aarch64::enc::pair::{self, PairMode};
use wlab_backends::aarch64::enc::shift::{self, ShiftOp};
use wlab_backends::aarch64::enc::EncForm;
use wlab_backends::aarch64::regs::{Cond, Extend, FpSize, Gpr, GprSp, Shift, Size, VReg};
use yaxpeax_arm::armv8::a64::{Instruction, Opcode, Operand, SIMDSizeCode, ShiftStyle, SizeCode};

#[path = "aarch64_encoders/neon.rs"]
mod neon;

// ---------------------------------------------------------------------------------------------
// Harness

/// A fixed-seed xorshift64 generator: the cases are the same on every run.
struct Rng(u64);

impl Rng {
    fn new(seed: u64) -> Rng {
        Rng(seed | 1)
    }
    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.0 = x;
        x
    }
    /// A value in `0..n`.
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
    /// A value in `lo..=hi`.
    fn range(&mut self, lo: i64, hi: i64) -> i64 {
        lo + self.below((hi - lo + 1) as u64) as i64
    }
    fn reg(&mut self) -> u8 {
        self.below(32) as u8
    }
}

/// Counts the instances checked per form and fails with the form, word and both structures.
/// Every word is also disassembled by Capstone, which (unlike yaxpeax-arm) rejects reserved
/// encodings: a word Capstone refuses fails the check.
struct Checker {
    counts: BTreeMap<EncForm, usize>,
    /// Instances Capstone accepted, per form.
    capstone_counts: BTreeMap<EncForm, usize>,
    /// Instances whose Capstone text was compared with the expected text, per form.
    text_counts: BTreeMap<EncForm, usize>,
    capstone: Capstone,
}

impl Checker {
    fn new() -> Checker {
        Checker {
            counts: BTreeMap::new(),
            capstone_counts: BTreeMap::new(),
            text_counts: BTreeMap::new(),
            capstone: capstone_a64(),
        }
    }

    fn check(&mut self, form: EncForm, word: u32, opcode: Opcode, ops: &[Operand]) {
        let mut operands = [Operand::Nothing; 4];
        operands[..ops.len()].copy_from_slice(ops);
        let expected = Instruction { opcode, operands };
        let got = decode_word(word).unwrap_or_else(|e| panic!("{form:?}: {word:08x} does not decode: {e}"));
        assert_eq!(got, expected, "{form:?}: word {word:08x} decodes as `{got}`");
        *self.counts.entry(form).or_default() += 1;
        if capstone_text(&self.capstone, word).is_none() {
            panic!("{form:?}: word {word:08x} (`{got}` to yaxpeax) is not a valid instruction to Capstone");
        }
        *self.capstone_counts.entry(form).or_default() += 1;
    }

    /// [`Checker::check`], and Capstone's text must be `text` (Capstone's spelling: its aliases,
    /// hex above 9).
    fn check_text(&mut self, form: EncForm, word: u32, opcode: Opcode, ops: &[Operand], text: &str) {
        self.check_text_as(form, word, opcode, ops, text, |t| t.to_string());
    }

    /// [`Checker::check_text`] after passing Capstone's text through `normalize` (for a field
    /// Capstone prints in a form that varies, such as zero-padded 64-bit immediates).
    fn check_text_as(
        &mut self,
        form: EncForm,
        word: u32,
        opcode: Opcode,
        ops: &[Operand],
        text: &str,
        normalize: fn(&str) -> String,
    ) {
        self.check(form, word, opcode, ops);
        let got = normalize(&capstone_text(&self.capstone, word).unwrap());
        assert_eq!(got, text, "{form:?}: word {word:08x}");
        *self.text_counts.entry(form).or_default() += 1;
    }

    fn total(&self) -> usize {
        self.counts.values().sum()
    }
}

fn capstone_a64() -> Capstone {
    Capstone::new().arm64().mode(capstone::arch::arm64::ArchMode::Arm).build().expect("capstone for AArch64")
}

/// Capstone's text for one word (`mnemonic operands`), or `None` if it is not an instruction.
fn capstone_text(cs: &Capstone, word: u32) -> Option<String> {
    let insns = cs.disasm_all(&word.to_le_bytes(), 0).ok()?;
    let insn = insns.iter().next()?;
    assert_eq!(insns.len(), 1);
    Some(format!("{} {}", insn.mnemonic().unwrap_or(""), insn.op_str().unwrap_or("")).trim_end().to_string())
}

/// Register-number triples (and quadruples) that put every number 0..=31 in every position, then
/// `random` more drawn from `rng`.
fn reg_sets(rng: &mut Rng, random: usize) -> Vec<[u8; 4]> {
    let mut out: Vec<[u8; 4]> = (0..32u8).map(|i| [i, (i + 7) % 32, (i + 13) % 32, (i + 22) % 32]).collect();
    for _ in 0..random {
        out.push([rng.reg(), rng.reg(), rng.reg(), rng.reg()]);
    }
    out
}

fn sc(size: Size) -> SizeCode {
    match size {
        Size::W => SizeCode::W,
        Size::X => SizeCode::X,
    }
}

fn fsc(size: FpSize) -> SIMDSizeCode {
    match size {
        FpSize::S => SIMDSizeCode::S,
        FpSize::D => SIMDSizeCode::D,
    }
}

/// A register operand where 31 is the zero register.
fn r(size: Size, n: u8) -> Operand {
    Operand::Register(sc(size), n as u16)
}

/// A register operand where 31 is the stack pointer.
fn rsp(size: Size, n: u8) -> Operand {
    Operand::RegisterOrSP(sc(size), n as u16)
}

fn v(size: FpSize, n: u8) -> Operand {
    Operand::SIMDRegister(fsc(size), n as u16)
}

fn g(n: u8) -> Gpr {
    Gpr::new(n)
}

fn gs(n: u8) -> GprSp {
    GprSp::new(n)
}

fn vr(n: u8) -> VReg {
    VReg::new(n)
}

fn shift_style(shift: Shift) -> ShiftStyle {
    match shift {
        Shift::Lsl => ShiftStyle::LSL,
        Shift::Lsr => ShiftStyle::LSR,
        Shift::Asr => ShiftStyle::ASR,
        Shift::Ror => ShiftStyle::ROR,
    }
}

/// The condition's 4-bit number, from the manual's table (independent of `Cond::bits`).
fn cond_number(cond: Cond) -> u8 {
    let names = ["eq", "ne", "hs", "lo", "mi", "pl", "vs", "vc", "hi", "ls", "ge", "lt", "gt", "le", "al", "nv"];
    names.iter().position(|n| *n == cond.to_string()).unwrap() as u8
}

/// Shift amounts: the boundaries and some random ones below `bits`.
fn amounts(rng: &mut Rng, bits: u32) -> Vec<u32> {
    let mut out = vec![0, 1, bits / 2, bits - 1];
    for _ in 0..4 {
        out.push(rng.below(bits as u64) as u32);
    }
    out
}

// ---------------------------------------------------------------------------------------------
// Add / subtract

fn check_arith(c: &mut Checker, rng: &mut Rng) {
    let regs = reg_sets(rng, 64);
    // Immediate forms.
    type ImmEnc = fn(Size, u8, u8, u32, bool) -> u32;
    let imm_forms: [(EncForm, Opcode, bool, ImmEnc); 4] = [
        (EncForm::AddImm, Opcode::ADD, true, |s, d, n, i, l| arith::add_imm(s, gs(d), gs(n), i, l)),
        (EncForm::AddsImm, Opcode::ADDS, false, |s, d, n, i, l| arith::adds_imm(s, g(d), gs(n), i, l)),
        (EncForm::SubImm, Opcode::SUB, true, |s, d, n, i, l| arith::sub_imm(s, gs(d), gs(n), i, l)),
        (EncForm::SubsImm, Opcode::SUBS, false, |s, d, n, i, l| arith::subs_imm(s, g(d), gs(n), i, l)),
    ];
    for (form, opcode, rd_is_sp, enc) in imm_forms {
        for size in Size::ALL {
            for (k, [d, n, _, _]) in regs.iter().copied().enumerate() {
                let mut imms = vec![0u32, 1, 4095, 2048];
                imms.push(rng.below(4096) as u32);
                for imm in imms {
                    let lsl12 = (k + imm as usize) % 2 == 1;
                    let rd = if rd_is_sp { rsp(size, d) } else { r(size, d) };
                    let immop = if lsl12 { Operand::ImmShift(imm as u16, 12) } else { Operand::Immediate(imm) };
                    c.check(form, enc(size, d, n, imm, lsl12), opcode, &[rd, rsp(size, n), immop]);
                }
            }
        }
    }
    // Shifted-register forms.
    type ShEnc = fn(Size, Gpr, Gpr, Gpr, Shift, u32) -> u32;
    let sh_forms: [(EncForm, Opcode, ShEnc); 4] = [
        (EncForm::AddShifted, Opcode::ADD, arith::add_shifted),
        (EncForm::AddsShifted, Opcode::ADDS, arith::adds_shifted),
        (EncForm::SubShifted, Opcode::SUB, arith::sub_shifted),
        (EncForm::SubsShifted, Opcode::SUBS, arith::subs_shifted),
    ];
    for (form, opcode, enc) in sh_forms {
        for size in Size::ALL {
            for [d, n, m, _] in regs.iter().copied() {
                for shift in [Shift::Lsl, Shift::Lsr, Shift::Asr] {
                    for amount in amounts(rng, size.bits()) {
                        let word = enc(size, g(d), g(n), g(m), shift, amount);
                        let rm = Operand::RegShift(shift_style(shift), amount as u8, sc(size), m as u16);
                        c.check(form, word, opcode, &[r(size, d), r(size, n), rm]);
                    }
                }
            }
        }
    }
    // Extended-register forms.
    type ExtEnc = fn(Size, u8, u8, Gpr, Extend, u32) -> u32;
    let ext_forms: [(EncForm, Opcode, bool, ExtEnc); 4] = [
        (EncForm::AddExt, Opcode::ADD, true, |s, d, n, m, e, a| arith::add_ext(s, gs(d), gs(n), m, e, a)),
        (EncForm::AddsExt, Opcode::ADDS, false, |s, d, n, m, e, a| arith::adds_ext(s, g(d), gs(n), m, e, a)),
        (EncForm::SubExt, Opcode::SUB, true, |s, d, n, m, e, a| arith::sub_ext(s, gs(d), gs(n), m, e, a)),
        (EncForm::SubsExt, Opcode::SUBS, false, |s, d, n, m, e, a| arith::subs_ext(s, g(d), gs(n), m, e, a)),
    ];
    for (form, opcode, rd_is_sp, enc) in ext_forms {
        for size in Size::ALL {
            for [d, n, m, _] in regs.iter().copied() {
                for ext in Extend::ALL {
                    if size == Size::W && matches!(ext, Extend::Uxtx | Extend::Sxtx) {
                        continue;
                    }
                    for amount in 0..=4u32 {
                        let word = enc(size, d, n, g(m), ext, amount);
                        let rm_size = if matches!(ext, Extend::Uxtx | Extend::Sxtx) { Size::X } else { Size::W };
                        // yaxpeax-arm reports option `uxtw` (any size) and `uxtx` (64-bit) as
                        // `LSL` of the same register view, whether or not sp is involved (the
                        // manual prefers `lsl` only with sp; LLVM prints `uxtw`). The mapping
                        // from option to operand stays one-to-one, so the field is still checked.
                        let as_lsl = matches!(ext, Extend::Uxtw) || (size == Size::X && ext == Extend::Uxtx);
                        let style = if as_lsl { ShiftStyle::LSL } else { extend_style(ext) };
                        let rd = if rd_is_sp { rsp(size, d) } else { r(size, d) };
                        let rm = Operand::RegShift(style, amount as u8, sc(rm_size), m as u16);
                        c.check(form, word, opcode, &[rd, rsp(size, n), rm]);
                    }
                }
            }
        }
    }
    assert_eq!(split_imm12(4095), Some((4095, false)));
    assert_eq!(split_imm12(4096), Some((1, true)));
    assert_eq!(split_imm12(0xfff000), Some((0xfff, true)));
    assert_eq!(split_imm12(0x1000000), None);
    assert_eq!(split_imm12(4097), None);
}

fn extend_style(ext: Extend) -> ShiftStyle {
    match ext {
        Extend::Uxtb => ShiftStyle::UXTB,
        Extend::Uxth => ShiftStyle::UXTH,
        Extend::Uxtw => ShiftStyle::UXTW,
        Extend::Uxtx => ShiftStyle::UXTX,
        Extend::Sxtb => ShiftStyle::SXTB,
        Extend::Sxth => ShiftStyle::SXTH,
        Extend::Sxtw => ShiftStyle::SXTW,
        Extend::Sxtx => ShiftStyle::SXTX,
    }
}

// ---------------------------------------------------------------------------------------------
// Logical

/// The manual's `DecodeBitMasks(N, imms, immr, immediate = TRUE, M)`: the value a logical
/// immediate field stands for, or `None` if the field is reserved.
fn decode_bit_masks(n: u32, immr: u32, imms: u32, m: u32) -> Option<u64> {
    if m == 32 && n != 0 {
        return None;
    }
    let combined = (n << 6) | (!imms & 0x3f);
    if combined == 0 {
        return None;
    }
    let len = 31 - combined.leading_zeros(); // highest set bit
    if len < 1 {
        return None;
    }
    let levels = (1u32 << len) - 1;
    if imms & levels == levels {
        return None;
    }
    let s = imms & levels;
    let rot = immr & levels;
    let esize = 1u32 << len;
    let emask = if esize == 64 { u64::MAX } else { (1u64 << esize) - 1 };
    let welem = (1u64 << (s + 1)) - 1; // s + 1 < esize <= 64
    let rotated = if rot == 0 { welem } else { ((welem >> rot) | (welem << (esize - rot))) & emask };
    let mut value = 0u64;
    let mut pos = 0;
    while pos < m {
        value |= rotated << pos;
        pos += esize;
    }
    Some(if m == 32 { value & 0xffff_ffff } else { value })
}

/// Every value that some `N:immr:imms` field encodes for an `m`-bit operation.
fn all_logical_immediates(m: u32) -> BTreeSet<u64> {
    let mut set = BTreeSet::new();
    for n in 0..2 {
        for immr in 0..64 {
            for imms in 0..64 {
                if let Some(value) = decode_bit_masks(n, immr, imms, m) {
                    set.insert(value);
                }
            }
        }
    }
    set
}

#[test]
fn logical_immediate_encoder_matches_brute_force_decoder() {
    let mut rng = Rng::new(0x5eed_1091);
    for (size, m, expected_count) in [(Size::W, 32u32, 1302usize), (Size::X, 64, 5334)] {
        let all = all_logical_immediates(m);
        assert_eq!(all.len(), expected_count, "number of distinct {m}-bit logical immediates");
        for &value in &all {
            let field = encode_logical_imm(value, m).unwrap_or_else(|| panic!("{value:#x} ({m}) not encoded"));
            let (n, immr, imms) = (field >> 12, (field >> 6) & 0x3f, field & 0x3f);
            assert_eq!(decode_bit_masks(n, immr, imms, m), Some(value), "{value:#x} encoded as {field:#x}");
            assert!(LogicalImm::new(value, size).is_some());
        }
        // Everything else is rejected: the boundaries, and random values.
        let mut rejected = 0;
        let limit = if m == 32 { u32::MAX as u64 } else { u64::MAX };
        let mut probes = vec![0, limit, 1u64 << 32, u64::MAX, 0x1234_5678];
        for _ in 0..200_000 {
            let x = rng.next();
            probes.push(if m == 32 { x & 0xffff_ffff } else { x });
            probes.push(x >> rng.below(64));
        }
        for value in probes {
            if !all.contains(&value) {
                assert_eq!(encode_logical_imm(value, m), None, "{value:#x} ({m}) wrongly encodable");
                rejected += 1;
            }
        }
        assert!(rejected > 100_000);
    }
}

fn check_logical(c: &mut Checker, rng: &mut Rng) {
    // Every encodable immediate, through every immediate form, with rotating registers.
    type ImmEnc = fn(Size, u8, u8, LogicalImm) -> u32;
    let imm_forms: [(EncForm, Opcode, bool, ImmEnc); 4] = [
        (EncForm::AndImm, Opcode::AND, true, |s, d, n, i| logical::and_imm(s, gs(d), g(n), i)),
        (EncForm::OrrImm, Opcode::ORR, true, |s, d, n, i| logical::orr_imm(s, gs(d), g(n), i)),
        (EncForm::EorImm, Opcode::EOR, true, |s, d, n, i| logical::eor_imm(s, gs(d), g(n), i)),
        (EncForm::AndsImm, Opcode::ANDS, false, |s, d, n, i| logical::ands_imm(s, g(d), g(n), i)),
    ];
    for size in Size::ALL {
        let all = all_logical_immediates(size.bits());
        for (k, &value) in all.iter().enumerate() {
            let imm = LogicalImm::new(value, size).unwrap();
            let (form, opcode, rd_is_sp, enc) = imm_forms[k % 4];
            let (d, n) = ((k % 32) as u8, ((k / 32 + k) % 32) as u8);
            let rd = if rd_is_sp { rsp(size, d) } else { r(size, d) };
            let immop = match size {
                Size::W => Operand::Immediate(value as u32),
                Size::X => Operand::Imm64(value),
            };
            c.check(form, enc(size, d, n, imm), opcode, &[rd, r(size, n), immop]);
        }
    }
    let regs = reg_sets(rng, 32);
    for op in LogicalOp::ALL {
        let opcode = match op {
            LogicalOp::And => Opcode::AND,
            LogicalOp::Bic => Opcode::BIC,
            LogicalOp::Orr => Opcode::ORR,
            LogicalOp::Orn => Opcode::ORN,
            LogicalOp::Eor => Opcode::EOR,
            LogicalOp::Eon => Opcode::EON,
            LogicalOp::Ands => Opcode::ANDS,
            LogicalOp::Bics => Opcode::BICS,
        };
        for size in Size::ALL {
            for [d, n, m, _] in regs.iter().copied() {
                for shift in Shift::ALL {
                    for amount in amounts(rng, size.bits()) {
                        let word = logical::logical_shifted(op, size, g(d), g(n), g(m), shift, amount);
                        let rm = Operand::RegShift(shift_style(shift), amount as u8, sc(size), m as u16);
                        c.check(EncForm::LogicalShifted, word, opcode, &[r(size, d), r(size, n), rm]);
                    }
                }
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Move wide

fn check_movwide(c: &mut Checker, rng: &mut Rng) {
    type Enc = fn(Size, Gpr, u32, u32) -> u32;
    let forms: [(EncForm, Opcode, Enc); 3] = [
        (EncForm::Movz, Opcode::MOVZ, movwide::movz),
        (EncForm::Movn, Opcode::MOVN, movwide::movn),
        (EncForm::Movk, Opcode::MOVK, movwide::movk),
    ];
    for (form, opcode, enc) in forms {
        for size in Size::ALL {
            for d in 0..32u8 {
                for shift in (0..size.bits()).step_by(16) {
                    let mut imms = vec![0u32, 1, 0xffff, 0x8000];
                    imms.push(rng.below(0x10000) as u32);
                    for imm in imms {
                        let ops = [r(size, d), Operand::ImmShift(imm as u16, shift as u8)];
                        c.check(form, enc(size, g(d), imm, shift), opcode, &ops);
                    }
                }
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Loads and stores

/// What the decoder should show for a general-register memory operation: the opcode of the
/// scaled/register form, of the unscaled form, the `rt` view, and the access width in bytes.
fn mem_op_facts(op: MemOp) -> (Opcode, Opcode, Size, u32) {
    match op {
        MemOp::Strb => (Opcode::STRB, Opcode::STURB, Size::W, 1),
        MemOp::Strh => (Opcode::STRH, Opcode::STURH, Size::W, 2),
        MemOp::StrW => (Opcode::STR, Opcode::STUR, Size::W, 4),
        MemOp::StrX => (Opcode::STR, Opcode::STUR, Size::X, 8),
        MemOp::Ldrb => (Opcode::LDRB, Opcode::LDURB, Size::W, 1),
        MemOp::Ldrh => (Opcode::LDRH, Opcode::LDURH, Size::W, 2),
        MemOp::LdrW => (Opcode::LDR, Opcode::LDUR, Size::W, 4),
        MemOp::LdrX => (Opcode::LDR, Opcode::LDUR, Size::X, 8),
        MemOp::Ldrsb32 => (Opcode::LDRSB, Opcode::LDURSB, Size::W, 1),
        MemOp::Ldrsb64 => (Opcode::LDRSB, Opcode::LDURSB, Size::X, 1),
        MemOp::Ldrsh32 => (Opcode::LDRSH, Opcode::LDURSH, Size::W, 2),
        MemOp::Ldrsh64 => (Opcode::LDRSH, Opcode::LDURSH, Size::X, 2),
        MemOp::Ldrsw => (Opcode::LDRSW, Opcode::LDURSW, Size::X, 4),
    }
}

fn fp_mem_op_facts(op: FpMemOp) -> (Opcode, Opcode, FpSize, u32) {
    match op {
        FpMemOp::StrS => (Opcode::STR, Opcode::STUR, FpSize::S, 4),
        FpMemOp::StrD => (Opcode::STR, Opcode::STUR, FpSize::D, 8),
        FpMemOp::LdrS => (Opcode::LDR, Opcode::LDUR, FpSize::S, 4),
        FpMemOp::LdrD => (Opcode::LDR, Opcode::LDUR, FpSize::D, 8),
    }
}

/// The index operand of a register-offset address.
fn reg_offset(n: u8, m: u8, ext: IndexExtend, scaled: bool, width: u32) -> Operand {
    let (size, style) = match ext {
        IndexExtend::Lsl => (SizeCode::X, ShiftStyle::LSL),
        IndexExtend::Uxtw => (SizeCode::W, ShiftStyle::UXTW),
        IndexExtend::Sxtw => (SizeCode::W, ShiftStyle::SXTW),
        IndexExtend::Sxtx => (SizeCode::X, ShiftStyle::SXTX),
    };
    let amount = if scaled { width.trailing_zeros() as u8 } else { 0 };
    Operand::RegRegOffset(n as u16, m as u16, size, style, amount)
}

/// The address operand of a pre-index (`[rn, #off]!`) or post-index (`[rn], #off`) access.
fn indexed_mem(n: u8, off: i32, pre: bool) -> Operand {
    if pre {
        Operand::RegPreIndex(n as u16, off, true)
    } else {
        Operand::RegPostIndex(n as u16, off)
    }
}

fn uimm_offsets(rng: &mut Rng, width: u32) -> Vec<u32> {
    let mut out = vec![0, width, 4095 * width, 2048 * width];
    out.push(rng.below(4096) as u32 * width);
    out
}

fn simm9_offsets(rng: &mut Rng) -> Vec<i32> {
    vec![-256, -1, 0, 1, 255, rng.range(-256, 255) as i32]
}

fn check_loadstore(c: &mut Checker, rng: &mut Rng) {
    let regs = reg_sets(rng, 8);
    for op in MemOp::ALL {
        let (opcode, unscaled_opcode, rt_size, width) = mem_op_facts(op);
        for [t, n, m, _] in regs.iter().copied() {
            for off in uimm_offsets(rng, width) {
                let mem = Operand::RegPreIndex(n as u16, off as i32, false);
                c.check(EncForm::LdStUimm, loadstore::ldst_uimm(op, g(t), gs(n), off), opcode, &[r(rt_size, t), mem]);
            }
            for off in simm9_offsets(rng) {
                let mem = Operand::RegPreIndex(n as u16, off, false);
                let word = loadstore::ldst_unscaled(op, g(t), gs(n), off);
                c.check(EncForm::LdStUnscaled, word, unscaled_opcode, &[r(rt_size, t), mem]);
            }
            for off in simm9_offsets(rng) {
                if n == t && n != 31 {
                    continue; // write-back to the transfer register: refused
                }
                for pre in [false, true] {
                    let mem = indexed_mem(n, off, pre);
                    let word = loadstore::ldst_indexed(op, g(t), gs(n), off, pre);
                    c.check(EncForm::LdStIndexed, word, opcode, &[r(rt_size, t), mem]);
                }
            }
            for ext in IndexExtend::ALL {
                for scaled in [false, true] {
                    let word = loadstore::ldst_reg(op, g(t), gs(n), g(m), ext, scaled);
                    c.check(EncForm::LdStReg, word, opcode, &[r(rt_size, t), reg_offset(n, m, ext, scaled, width)]);
                }
            }
        }
    }
    for op in FpMemOp::ALL {
        let (opcode, unscaled_opcode, size, width) = fp_mem_op_facts(op);
        for [t, n, m, _] in regs.iter().copied() {
            for off in uimm_offsets(rng, width) {
                let mem = Operand::RegPreIndex(n as u16, off as i32, false);
                let word = loadstore::fp_ldst_uimm(op, vr(t), gs(n), off);
                c.check(EncForm::FpLdStUimm, word, opcode, &[v(size, t), mem]);
            }
            for off in simm9_offsets(rng) {
                let mem = Operand::RegPreIndex(n as u16, off, false);
                let word = loadstore::fp_ldst_unscaled(op, vr(t), gs(n), off);
                c.check(EncForm::FpLdStUnscaled, word, unscaled_opcode, &[v(size, t), mem]);
            }
            for off in simm9_offsets(rng) {
                for pre in [false, true] {
                    let word = loadstore::fp_ldst_indexed(op, vr(t), gs(n), off, pre);
                    c.check(EncForm::FpLdStIndexed, word, opcode, &[v(size, t), indexed_mem(n, off, pre)]);
                }
            }
            for ext in IndexExtend::ALL {
                for scaled in [false, true] {
                    let word = loadstore::fp_ldst_reg(op, vr(t), gs(n), g(m), ext, scaled);
                    c.check(EncForm::FpLdStReg, word, opcode, &[v(size, t), reg_offset(n, m, ext, scaled, width)]);
                }
            }
        }
    }
    for t in 0..32u8 {
        for off in branch_offsets(rng, 19) {
            for size in Size::ALL {
                let word = loadstore::ldr_literal(size, g(t), off);
                c.check(EncForm::LdrLiteral, word, Opcode::LDR, &[r(size, t), Operand::PCOffset(off as i64)]);
            }
            for size in FpSize::ALL {
                let word = loadstore::fp_ldr_literal(size, vr(t), off);
                c.check(EncForm::FpLdrLiteral, word, Opcode::LDR, &[v(size, t), Operand::PCOffset(off as i64)]);
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Pairs

fn pair_mem(mode: PairMode, n: u8, off: i32) -> Operand {
    match mode {
        PairMode::Offset => Operand::RegPreIndex(n as u16, off, false),
        PairMode::PreIndex => Operand::RegPreIndex(n as u16, off, true),
        PairMode::PostIndex => Operand::RegPostIndex(n as u16, off),
    }
}

fn pair_offsets(rng: &mut Rng, scale: i32) -> Vec<i32> {
    vec![-64 * scale, -scale, 0, scale, 63 * scale, rng.range(-64, 63) as i32 * scale]
}

fn check_pair(c: &mut Checker, rng: &mut Rng) {
    for [t, t2, n, _] in reg_sets(rng, 16) {
        for load in [false, true] {
            let opcode = if load { Opcode::LDP } else { Opcode::STP };
            for mode in PairMode::ALL {
                for size in Size::ALL {
                    // Skip the UNPREDICTABLE combinations the encoder refuses.
                    let writeback_clash = mode != PairMode::Offset && n != 31 && (n == t || n == t2);
                    if (load && t == t2) || writeback_clash {
                        continue;
                    }
                    let scale = (size.bits() / 8) as i32;
                    for off in pair_offsets(rng, scale) {
                        let word = pair::ldst_pair(load, size, mode, g(t), g(t2), gs(n), off);
                        let ops = [r(size, t), r(size, t2), pair_mem(mode, n, off)];
                        c.check(EncForm::LdStPair, word, opcode, &ops);
                    }
                }
                for size in FpSize::ALL {
                    if load && t == t2 {
                        continue;
                    }
                    let scale = match size {
                        FpSize::S => 4,
                        FpSize::D => 8,
                    };
                    for off in pair_offsets(rng, scale) {
                        let word = pair::fp_ldst_pair(load, size, mode, vr(t), vr(t2), gs(n), off);
                        let ops = [v(size, t), v(size, t2), pair_mem(mode, n, off)];
                        c.check(EncForm::FpLdStPair, word, opcode, &ops);
                    }
                }
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Multiply, divide, shifts, bitfields, bit operations

fn check_muldiv_shift_bits(c: &mut Checker, rng: &mut Rng) {
    let regs = reg_sets(rng, 64);
    for size in Size::ALL {
        for [d, n, m, a] in regs.iter().copied() {
            let rs = [r(size, d), r(size, n), r(size, m), r(size, a)];
            c.check(EncForm::Madd, muldiv::madd(size, g(d), g(n), g(m), g(a)), Opcode::MADD, &rs);
            c.check(EncForm::Msub, muldiv::msub(size, g(d), g(n), g(m), g(a)), Opcode::MSUB, &rs);
            c.check(EncForm::Udiv, muldiv::udiv(size, g(d), g(n), g(m)), Opcode::UDIV, &rs[..3]);
            c.check(EncForm::Sdiv, muldiv::sdiv(size, g(d), g(n), g(m)), Opcode::SDIV, &rs[..3]);
            for (op, opcode) in [
                (ShiftOp::Lslv, Opcode::LSLV),
                (ShiftOp::Lsrv, Opcode::LSRV),
                (ShiftOp::Asrv, Opcode::ASRV),
                (ShiftOp::Rorv, Opcode::RORV),
            ] {
                c.check(EncForm::ShiftReg, shift::shift_reg(op, size, g(d), g(n), g(m)), opcode, &rs[..3]);
            }
            c.check(EncForm::Clz, bits::clz(size, g(d), g(n)), Opcode::CLZ, &rs[..2]);
            c.check(EncForm::Cls, bits::cls(size, g(d), g(n)), Opcode::CLS, &rs[..2]);
            c.check(EncForm::Rbit, bits::rbit(size, g(d), g(n)), Opcode::RBIT, &rs[..2]);
            c.check(EncForm::Rev, bits::rev(size, g(d), g(n)), Opcode::REV, &rs[..2]);

            let w = size.bits();
            let imm = |x: u32| Operand::Immediate(x);
            for amount in amounts(rng, w) {
                // The alias definitions from the manual's LSL/LSR/ASR/ROR (immediate) pages.
                let lsl = [r(size, d), r(size, n), imm((w - amount) % w), imm(w - 1 - amount)];
                c.check(EncForm::LslImm, shift::lsl_imm(size, g(d), g(n), amount), Opcode::UBFM, &lsl);
                let lsr = [r(size, d), r(size, n), imm(amount), imm(w - 1)];
                c.check(EncForm::LsrImm, shift::lsr_imm(size, g(d), g(n), amount), Opcode::UBFM, &lsr);
                c.check(EncForm::AsrImm, shift::asr_imm(size, g(d), g(n), amount), Opcode::SBFM, &lsr);
                let ror = [r(size, d), r(size, n), r(size, n), imm(amount)];
                c.check(EncForm::RorImm, shift::ror_imm(size, g(d), g(n), amount), Opcode::EXTR, &ror);
                let extr = [r(size, d), r(size, n), r(size, m), imm(amount)];
                c.check(EncForm::Extr, shift::extr(size, g(d), g(n), g(m), amount), Opcode::EXTR, &extr);
                let other = rng.below(w as u64) as u32;
                for (immr, imms) in [(amount, other), (other, amount)] {
                    let ops = [r(size, d), r(size, n), imm(immr), imm(imms)];
                    c.check(EncForm::Ubfm, shift::ubfm(size, g(d), g(n), immr, imms), Opcode::UBFM, &ops);
                    c.check(EncForm::Sbfm, shift::sbfm(size, g(d), g(n), immr, imms), Opcode::SBFM, &ops);
                }
            }
            let ext = |hi: u32| [r(size, d), r(size, n), imm(0), imm(hi)];
            c.check(EncForm::Sxtb, shift::sxtb(size, g(d), g(n)), Opcode::SBFM, &ext(7));
            c.check(EncForm::Sxth, shift::sxth(size, g(d), g(n)), Opcode::SBFM, &ext(15));
            if size == Size::X {
                c.check(EncForm::Sxtw, shift::sxtw(g(d), g(n)), Opcode::SBFM, &ext(31));
                let rx = [r(size, d), r(size, n), r(size, m)];
                c.check(EncForm::Smulh, muldiv::smulh(g(d), g(n), g(m)), Opcode::SMULH, &rx);
                c.check(EncForm::Umulh, muldiv::umulh(g(d), g(n), g(m)), Opcode::UMULH, &rx);
            } else {
                c.check(EncForm::Uxtb, shift::uxtb(g(d), g(n)), Opcode::UBFM, &ext(7));
                c.check(EncForm::Uxth, shift::uxth(g(d), g(n)), Opcode::UBFM, &ext(15));
            }
        }
    }
    for [d, n, _, _] in regs.iter().copied() {
        let b8 = |x: u8| Operand::SIMDRegisterElements(SIMDSizeCode::D, x as u16, SIMDSizeCode::B);
        c.check(EncForm::Cnt8b, bits::cnt_8b(vr(d), vr(n)), Opcode::CNT, &[b8(d), b8(n)]);
        let bd = Operand::SIMDRegister(SIMDSizeCode::B, d as u16);
        c.check(EncForm::Addv8b, bits::addv_8b(vr(d), vr(n)), Opcode::ADDV, &[bd, b8(n)]);
    }
}

// ---------------------------------------------------------------------------------------------
// Conditional select

fn check_csel(c: &mut Checker, rng: &mut Rng) {
    type Enc = fn(Size, Gpr, Gpr, Gpr, Cond) -> u32;
    let forms: [(EncForm, Opcode, Enc); 4] = [
        (EncForm::Csel, Opcode::CSEL, csel::csel),
        (EncForm::Csinc, Opcode::CSINC, csel::csinc),
        (EncForm::Csinv, Opcode::CSINV, csel::csinv),
        (EncForm::Csneg, Opcode::CSNEG, csel::csneg),
    ];
    let regs = reg_sets(rng, 16);
    for size in Size::ALL {
        for [d, n, m, _] in regs.iter().copied() {
            for cond in Cond::ALL {
                let cc = Operand::ConditionCode(cond_number(cond));
                for (form, opcode, enc) in forms {
                    c.check(form, enc(size, g(d), g(n), g(m), cond), opcode, &[r(size, d), r(size, n), r(size, m), cc]);
                }
                if matches!(cond, Cond::Al | Cond::Nv) {
                    continue;
                }
                // cset/csetm encode the inverse condition: the low bit flipped.
                let inv = Operand::ConditionCode(cond_number(cond) ^ 1);
                let ops = [r(size, d), r(size, 31), r(size, 31), inv];
                c.check(EncForm::Cset, csel::cset(size, g(d), cond), Opcode::CSINC, &ops);
                c.check(EncForm::Csetm, csel::csetm(size, g(d), cond), Opcode::CSINV, &ops);
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Branches and odds and ends

/// Word-aligned offsets for a `bits`-wide word-count field: both ends, small ones, random ones.
fn branch_offsets(rng: &mut Rng, bits: u32) -> Vec<i32> {
    let max_words = (1i64 << (bits - 1)) - 1;
    let min_words = -(1i64 << (bits - 1));
    let mut words = vec![min_words, min_words + 1, -1, 0, 1, max_words - 1, max_words];
    for _ in 0..4 {
        words.push(rng.range(min_words, max_words));
    }
    words.into_iter().map(|w| (w * 4) as i32).collect()
}

fn check_branch_misc(c: &mut Checker, rng: &mut Rng) {
    let pc = |off: i32| Operand::PCOffset(off as i64);
    for _ in 0..64 {
        for off in branch_offsets(rng, 26) {
            c.check(EncForm::B, branch::b(off), Opcode::B, &[pc(off)]);
            c.check(EncForm::Bl, branch::bl(off), Opcode::BL, &[pc(off)]);
        }
    }
    for cond in Cond::ALL {
        for off in branch_offsets(rng, 19) {
            c.check(EncForm::BCond, branch::b_cond(cond, off), Opcode::Bcc(cond_number(cond)), &[pc(off)]);
        }
    }
    for t in 0..32u8 {
        for size in Size::ALL {
            for off in branch_offsets(rng, 19) {
                c.check(EncForm::Cbz, branch::cbz(size, g(t), off), Opcode::CBZ, &[r(size, t), pc(off)]);
                c.check(EncForm::Cbnz, branch::cbnz(size, g(t), off), Opcode::CBNZ, &[r(size, t), pc(off)]);
            }
        }
        for bit in [0u32, 1, 31, 32, 63, rng.below(64) as u32] {
            // Bits below 32 are written with the `w` view (b5 = 0).
            let view = if bit < 32 { Size::W } else { Size::X };
            for off in branch_offsets(rng, 14) {
                let ops = [r(view, t), Operand::Imm16(bit as u16), pc(off)];
                c.check(EncForm::Tbz, branch::tbz(g(t), bit, off), Opcode::TBZ, &ops);
                c.check(EncForm::Tbnz, branch::tbnz(g(t), bit, off), Opcode::TBNZ, &ops);
            }
        }
        c.check(EncForm::Br, branch::br(g(t)), Opcode::BR, &[r(Size::X, t)]);
        c.check(EncForm::Blr, branch::blr(g(t)), Opcode::BLR, &[r(Size::X, t)]);
        c.check(EncForm::Ret, branch::ret(g(t)), Opcode::RET, &[r(Size::X, t)]);
        let mut offs = vec![-(1 << 20), -1, 0, 1, 2, 3, (1 << 20) - 1];
        for _ in 0..8 {
            offs.push(rng.range(-(1 << 20), (1 << 20) - 1) as i32);
        }
        for off in offs {
            c.check(EncForm::Adr, misc::adr(g(t), off), Opcode::ADR, &[r(Size::X, t), pc(off)]);
        }
    }
    c.check(EncForm::Nop, misc::nop(), Opcode::HINT, &[Operand::ControlReg(0), Operand::Immediate(0)]);
    let mut imms = vec![0u32, 1, 0xffff, 0x8000];
    for _ in 0..16 {
        imms.push(rng.below(0x10000) as u32);
    }
    for imm in imms {
        c.check(EncForm::Brk, misc::brk(imm), Opcode::BRK, &[Operand::Imm16(imm as u16)]);
        c.check(EncForm::Udf, misc::udf(imm), Opcode::UDF, &[Operand::Imm16(imm as u16)]);
    }
}

// ---------------------------------------------------------------------------------------------
// Floating point

/// Every value an 8-bit FP immediate stands for, by the manual's formula
/// `±(16 + f) / 16 * 2^e`, f in 0..16, e in -3..=4, enumerated without the encoder's decoder.
fn fp_imm_values() -> Vec<f64> {
    let mut out = Vec::new();
    for sign in [1.0, -1.0] {
        for e in -3..=4 {
            for f in 0..16 {
                out.push(sign * (16 + f) as f64 / 16.0 * 2f64.powi(e));
            }
        }
    }
    out
}

#[test]
fn fp_imm8_encoder_covers_exactly_the_encodable_values() {
    let values = fp_imm_values();
    let distinct: BTreeSet<u64> = values.iter().map(|x| x.to_bits()).collect();
    assert_eq!(distinct.len(), 256);
    for &x in &values {
        let imm8 = float::encode_fp_imm8(x).unwrap_or_else(|| panic!("{x} not encodable"));
        assert_eq!(float::decode_fp_imm8(imm8).to_bits(), x.to_bits());
    }
    for x in [0.0, -0.0, 0.0625, 32.0, 0.1, 1.0 / 3.0, f64::NAN, f64::INFINITY, 1.03125, 33.0, -0.0625] {
        assert_eq!(float::encode_fp_imm8(x), None, "{x} must not be encodable");
    }
}

fn check_float(c: &mut Checker, rng: &mut Rng) {
    let regs = reg_sets(rng, 16);
    let bin_ops = [
        (FpBinOp::Fmul, Opcode::FMUL),
        (FpBinOp::Fdiv, Opcode::FDIV),
        (FpBinOp::Fadd, Opcode::FADD),
        (FpBinOp::Fsub, Opcode::FSUB),
        (FpBinOp::Fmax, Opcode::FMAX),
        (FpBinOp::Fmin, Opcode::FMIN),
        (FpBinOp::Fmaxnm, Opcode::FMAXNM),
        (FpBinOp::Fminnm, Opcode::FMINNM),
        (FpBinOp::Fnmul, Opcode::FNMUL),
    ];
    assert_eq!(bin_ops.len(), FpBinOp::ALL.len());
    let un_ops = [
        (FpUnOp::Fmov, Opcode::FMOV),
        (FpUnOp::Fabs, Opcode::FABS),
        (FpUnOp::Fneg, Opcode::FNEG),
        (FpUnOp::Fsqrt, Opcode::FSQRT),
        (FpUnOp::Frintn, Opcode::FRINTN),
        (FpUnOp::Frintp, Opcode::FRINTP),
        (FpUnOp::Frintm, Opcode::FRINTM),
        (FpUnOp::Frintz, Opcode::FRINTZ),
    ];
    assert_eq!(un_ops.len(), FpUnOp::ALL.len());
    for size in FpSize::ALL {
        let other = match size {
            FpSize::S => FpSize::D,
            FpSize::D => FpSize::S,
        };
        for [d, n, m, _] in regs.iter().copied() {
            for (op, opcode) in bin_ops {
                let word = float::fp_binary(op, size, vr(d), vr(n), vr(m));
                c.check(EncForm::FpBinary, word, opcode, &[v(size, d), v(size, n), v(size, m)]);
            }
            for (op, opcode) in un_ops {
                c.check(EncForm::FpUnary, float::fp_unary(op, size, vr(d), vr(n)), opcode, &[v(size, d), v(size, n)]);
            }
            c.check(EncForm::Fcvt, float::fcvt(other, vr(d), size, vr(n)), Opcode::FCVT, &[v(other, d), v(size, n)]);
            c.check(EncForm::Fcmp, float::fcmp(size, vr(n), vr(m)), Opcode::FCMP, &[v(size, n), v(size, m)]);
            let zero = Operand::ImmediateDouble(0.0);
            c.check(EncForm::FcmpZero, float::fcmp_zero(size, vr(n)), Opcode::FCMP, &[v(size, n), zero]);
            for cond in Cond::ALL {
                let ops = [v(size, d), v(size, n), v(size, m), Operand::ConditionCode(cond_number(cond))];
                c.check(EncForm::Fcsel, float::fcsel(size, vr(d), vr(n), vr(m), cond), Opcode::FCSEL, &ops);
            }
            for int in Size::ALL {
                for (signed, opcode) in [(true, Opcode::FCVTZS), (false, Opcode::FCVTZU)] {
                    let word = float::fp_to_int(signed, int, g(d), size, vr(n));
                    c.check(EncForm::FpToInt, word, opcode, &[r(int, d), v(size, n)]);
                }
                for (signed, opcode) in [(true, Opcode::SCVTF), (false, Opcode::UCVTF)] {
                    let word = float::int_to_fp(signed, size, vr(d), int, g(n));
                    c.check(EncForm::IntToFp, word, opcode, &[v(size, d), r(int, n)]);
                }
            }
        }
    }
    for [d, n, _, _] in regs.iter().copied() {
        for (int, fp) in [(Size::W, FpSize::S), (Size::X, FpSize::D)] {
            c.check(EncForm::FmovToGp, float::fmov_to_gp(int, g(d), vr(n)), Opcode::FMOV, &[r(int, d), v(fp, n)]);
            c.check(EncForm::FmovFromGp, float::fmov_from_gp(int, vr(d), g(n)), Opcode::FMOV, &[v(fp, d), r(int, n)]);
        }
    }
    for (k, x) in fp_imm_values().into_iter().enumerate() {
        let imm8 = float::encode_fp_imm8(x).unwrap() as u32;
        for size in FpSize::ALL {
            let d = (k % 32) as u8;
            let word = float::fmov_imm(size, vr(d), imm8);
            c.check(EncForm::FmovImm, word, Opcode::FMOV, &[v(size, d), Operand::ImmediateDouble(x)]);
        }
    }
}

// ---------------------------------------------------------------------------------------------
// The whole sweep

/// Every round trip, counted per form.
fn sweep() -> Checker {
    let mut c = Checker::new();
    let mut rng = Rng::new(0x00a6_4e4c_0de5);
    check_arith(&mut c, &mut rng);
    check_logical(&mut c, &mut rng);
    check_movwide(&mut c, &mut rng);
    check_loadstore(&mut c, &mut rng);
    check_pair(&mut c, &mut rng);
    check_muldiv_shift_bits(&mut c, &mut rng);
    check_csel(&mut c, &mut rng);
    check_branch_misc(&mut c, &mut rng);
    check_float(&mut c, &mut rng);
    neon::check_neon(&mut c, &mut rng);
    c
}

#[test]
fn every_encoder_form_round_trips_through_yaxpeax() {
    let c = sweep();

    let missing: Vec<&str> =
        EncForm::ALL.iter().filter(|f| c.counts.get(f).copied().unwrap_or(0) == 0).map(|f| f.name()).collect();
    assert!(missing.is_empty(), "encoder forms without a round-trip case: {missing:?}");
    let unchecked: Vec<&str> =
        EncForm::ALL.iter().filter(|f| c.capstone_counts.get(f).copied().unwrap_or(0) == 0).map(|f| f.name()).collect();
    assert!(unchecked.is_empty(), "encoder forms without a Capstone validity case: {unchecked:?}");
    let untexted: Vec<&str> =
        neon::NEON_FORMS.iter().filter(|f| c.text_counts.get(f).copied().unwrap_or(0) == 0).map(|f| f.name()).collect();
    assert!(untexted.is_empty(), "NEON forms without a Capstone text case: {untexted:?}");
    let least = c.counts.iter().min_by_key(|(_, n)| **n).unwrap();
    println!(
        "{} forms, {} instances encoded and decoded; fewest: {:?} with {}",
        EncForm::ALL.len(),
        c.total(),
        least.0,
        least.1
    );
    for (form, n) in &c.counts {
        println!("  {:16} {n}", form.name());
    }
}

// ---------------------------------------------------------------------------------------------
// What lowering emits is covered by the sweep

/// Every function of the spec corpus (and every SIMD function AArch64 lowers; the others must be
/// refused with the one-line "not supported" error) compiled for AArch64, under both allocators and both
/// bounds-check modes, with regalloc2's checker on (a rejected allocation fails the test), and the
/// encoder forms the code and the entry trampoline use: each must have cases in [`sweep`]
/// (yaxpeax round trip and Capstone validity), so lowering cannot start emitting a form nobody
/// checked; and every word of the emitted code must be valid to Capstone, which also catches
/// a reserved operand combination the sweep did not try.
#[test]
fn aarch64_lowering_emits_only_round_tripped_forms_and_allocations_check() {
    use wlab_backends::aarch64::{trampoline, Aarch64Backend};
    use wlab_backends::compile::compile_with;
    use wlab_backends::{AllocAlgorithm, BoundsChecks, CompileOptions, Target};
    let covered: BTreeSet<EncForm> = sweep().counts.keys().copied().collect();
    let cs = capstone_a64();
    // Every word of emitted code before its data (lookup tables, `data_start`) must be an
    // instruction to Capstone (jump tables are branches).
    let valid_words = |what: &str, code: &[u8]| {
        assert_eq!(code.len() % 4, 0, "{what}: code is not whole words");
        for (k, w) in code.chunks_exact(4).enumerate() {
            let word = u32::from_le_bytes(w.try_into().unwrap());
            assert!(capstone_text(&cs, word).is_some(), "{what}: word {k} ({word:08x}) is not valid to Capstone");
        }
        code.len() / 4
    };
    let entry = trampoline::entry_trampoline();
    let mut words = valid_words("entry trampoline", &entry.code);
    let mut used = entry.forms;
    let mut functions = 0;
    let mut refused = 0;
    let simd = wlab_tests::corpus::simd_modules().into_iter().map(|m| (true, m));
    for (is_simd, m) in wlab_tests::corpus::spec_modules().into_iter().map(|m| (false, m)).chain(simd) {
        let module = wlab_ir::translate::translate_module(&m.bytes)
            .unwrap_or_else(|e| panic!("{}:{}: cannot translate: {e}", m.script, m.line));
        let configs = [
            (AllocAlgorithm::Ion, BoundsChecks::Guard),
            (AllocAlgorithm::Fastalloc, BoundsChecks::Guard),
            (AllocAlgorithm::Ion, BoundsChecks::Explicit),
        ];
        for (algorithm, bounds) in configs {
            let mut opts = CompileOptions::new(module.info.num_imported_funcs());
            opts.target = Target::Aarch64;
            opts.bounds = bounds;
            opts.alloc.algorithm = algorithm;
            opts.alloc.check = true;
            for f in &module.functions {
                let (compiled, forms) = match compile_with(&Aarch64Backend, f, &opts) {
                    Ok(c) => c,
                    Err(e) if is_simd && e.to_string().contains("is not supported by the aarch64 backend yet") => {
                        refused += 1;
                        continue;
                    }
                    Err(e) => panic!("{}:{}: {}: {e}", m.script, m.line, f.name),
                };
                let code = &compiled.code[..compiled.data_start as usize];
                words += valid_words(&format!("{}:{}: {}", m.script, m.line, f.name), code);
                used.extend(forms);
                functions += 1;
            }
        }
    }
    let unchecked: Vec<&str> = used.difference(&covered).map(|f| f.name()).collect();
    assert!(unchecked.is_empty(), "lowering emits forms without round-trip cases: {unchecked:?}");
    assert!(functions > 10000, "only {functions} functions compiled");
    let names: Vec<&str> = used.iter().map(|f| f.name()).collect();
    println!(
        "{functions} function compilations checked ({refused} SIMD ones refused), {words} words valid to Capstone; {} forms used: {}",
        used.len(),
        names.join(" ")
    );
}

// ---------------------------------------------------------------------------------------------
// A table checked against a second decoder, and the disassembler's format

/// Words produced by the encoders, with the text LLVM 14's `llvm-mc --disassemble -triple=aarch64`
/// printed for them (recorded once; LLVM prints decimal immediates where yaxpeax prints hex).
#[test]
fn table_agrees_with_llvm_mc() {
    use Size::{W, X};
    let rows: &[(u32, u32, &str)] = &[
        (arith::add_imm(X, gs(1), gs(31), 4095, true), 0x917fffe1, "add x1, sp, #4095, lsl #12"),
        (arith::add_imm(X, gs(31), gs(2), 0, false), 0x9100005f, "mov sp, x2"),
        (arith::adds_imm(W, g(31), gs(3), 7, false), 0x31001c7f, "cmn w3, #7"),
        (arith::subs_shifted(W, g(31), g(2), g(3), Shift::Lsr, 5), 0x6b43145f, "cmp w2, w3, lsr #5"),
        (arith::add_ext(X, gs(31), gs(2), g(3), Extend::Sxtw, 2), 0x8b23c85f, "add sp, x2, w3, sxtw #2"),
        (arith::add_ext(X, gs(1), gs(31), g(3), Extend::Uxtx, 3), 0x8b236fe1, "add x1, sp, x3, lsl #3"),
        (logical::and_imm(X, gs(1), g(2), LogicalImm::new(0xff, X).unwrap()), 0x92401c41, "and x1, x2, #0xff"),
        (logical::orr_imm(W, gs(1), g(31), LogicalImm::new(0xff00ff00, W).unwrap()), 0x32089fe1, "mov w1, #-16711936"),
        (
            logical::logical_shifted(LogicalOp::Bic, X, g(1), g(2), g(3), Shift::Ror, 7),
            0x8ae31c41,
            "bic x1, x2, x3, ror #7",
        ),
        (movwide::movk(X, g(1), 0xbeef, 32), 0xf2d7dde1, "movk x1, #48879, lsl #32"),
        (loadstore::ldst_uimm(MemOp::LdrX, g(1), gs(31), 32760), 0xf97fffe1, "ldr x1, [sp, #32760]"),
        (loadstore::ldst_unscaled(MemOp::Ldrsw, g(1), gs(2), -256), 0xb8900041, "ldursw x1, [x2, #-256]"),
        (
            loadstore::ldst_reg(MemOp::LdrW, g(1), gs(2), g(3), IndexExtend::Uxtw, true),
            0xb8635841,
            "ldr w1, [x2, w3, uxtw #2]",
        ),
        (
            loadstore::ldst_reg(MemOp::Ldrb, g(1), gs(2), g(3), IndexExtend::Lsl, true),
            0x38637841,
            "ldrb w1, [x2, x3, lsl #0]",
        ),
        (loadstore::fp_ldr_literal(FpSize::S, vr(1), 1048572), 0x1c7fffe1, "ldr s1, #1048572"),
        (loadstore::ldst_indexed(MemOp::StrX, g(19), GprSp::SP, -16, true), 0xf81f0ff3, "str x19, [sp, #-16]!"),
        (loadstore::ldst_indexed(MemOp::LdrX, g(19), GprSp::SP, 16, false), 0xf84107f3, "ldr x19, [sp], #16"),
        (loadstore::fp_ldst_indexed(FpMemOp::LdrD, vr(8), gs(2), -256, true), 0xfc500c48, "ldr d8, [x2, #-256]!"),
        (
            pair::ldst_pair(false, X, PairMode::PreIndex, g(29), g(30), GprSp::SP, -16),
            0xa9bf7bfd,
            "stp x29, x30, [sp, #-16]!",
        ),
        (
            pair::ldst_pair(true, X, PairMode::PostIndex, g(29), g(30), GprSp::SP, 16),
            0xa8c17bfd,
            "ldp x29, x30, [sp], #16",
        ),
        (
            pair::fp_ldst_pair(false, FpSize::D, PairMode::Offset, vr(8), vr(9), GprSp::SP, -512),
            0x6d2027e8,
            "stp d8, d9, [sp, #-512]",
        ),
        (muldiv::madd(X, g(1), g(2), g(3), Gpr::ZR), 0x9b037c41, "mul x1, x2, x3"),
        (muldiv::umulh(g(1), g(2), g(3)), 0x9bc37c41, "umulh x1, x2, x3"),
        (shift::lsl_imm(X, g(1), g(2), 3), 0xd37df041, "lsl x1, x2, #3"),
        (shift::sbfm(X, g(1), g(2), 9, 4), 0x93491041, "sbfiz x1, x2, #55, #5"),
        (shift::sxtw(g(1), g(2)), 0x93407c41, "sxtw x1, w2"),
        (bits::cnt_8b(vr(1), vr(2)), 0x0e205841, "cnt v1.8b, v2.8b"),
        (bits::addv_8b(vr(1), vr(2)), 0x0e31b841, "addv b1, v2.8b"),
        (csel::cset(W, g(1), Cond::Eq), 0x1a9f17e1, "cset w1, eq"),
        (branch::bl(134217724), 0x95ffffff, "bl #134217724"),
        (branch::cbz(W, g(3), -1048576), 0x34800003, "cbz w3, #-1048576"),
        (branch::tbz(g(3), 63, -32768), 0xb6fc0003, "tbz x3, #63, #-32768"),
        (branch::ret(Gpr::LR), 0xd65f03c0, "ret"),
        (misc::adr(g(1), 1048575), 0x707fffe1, "adr x1, #1048575"),
        (misc::nop(), 0xd503201f, "nop"),
        (misc::brk(0xf000), 0xd43e0000, "brk #0xf000"),
        (float::fcvt(FpSize::D, vr(1), FpSize::S, vr(2)), 0x1e22c041, "fcvt d1, s2"),
        (float::fcmp_zero(FpSize::S, vr(1)), 0x1e202028, "fcmp s1, #0.0"),
        (float::fp_to_int(true, W, g(1), FpSize::D, vr(2)), 0x1e780041, "fcvtzs w1, d2"),
        (float::int_to_fp(false, FpSize::D, vr(1), W, g(2)), 0x1e630041, "ucvtf d1, w2"),
        (float::fmov_to_gp(X, g(1), vr(2)), 0x9e660041, "fmov x1, d2"),
        (
            float::fmov_imm(FpSize::D, vr(1), float::encode_fp_imm8(-0.125).unwrap() as u32),
            0x1e781001,
            "fmov d1, #-0.125",
        ),
    ];
    for &(word, expected, text) in rows {
        assert_eq!(word, expected, "`{text}`: encoded {word:08x}, LLVM's bytes are {expected:08x}");
    }
}

#[test]
fn disassembler_prints_one_line_per_instruction_with_offset() {
    let mut code = Vec::new();
    for word in [
        pair::ldst_pair(false, Size::X, PairMode::PreIndex, Gpr::FP, Gpr::LR, GprSp::SP, -16),
        arith::add_shifted(Size::X, g(0), g(1), g(2), Shift::Lsl, 0),
        branch::ret(Gpr::LR),
    ] {
        code.extend_from_slice(&word.to_le_bytes());
    }
    code.extend_from_slice(&0xffff_ffffu32.to_le_bytes()); // not an instruction
    code.push(0xaa); // a trailing fragment
    let text = disassemble(&code);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 5, "{text}");
    assert_eq!(lines[0], "   0x0: a9bf7bfd  stp x29, x30, [sp, #-0x10]!");
    assert_eq!(lines[1], "   0x4: 8b020020  add x0, x1, x2");
    assert_eq!(lines[2], "   0x8: d65f03c0  ret");
    assert!(lines[3].starts_with("   0xc: ffffffff  .word 0xffffffff"), "{}", lines[3]);
    assert_eq!(lines[4], "  0x10: .byte 0xaa");
}

// ---------------------------------------------------------------------------------------------
// Out-of-range operands are caught, not mis-encoded (debug builds check them)

#[cfg(debug_assertions)]
mod out_of_range {
    use super::*;

    fn panics(f: impl FnOnce() -> u32 + std::panic::UnwindSafe) -> bool {
        std::panic::catch_unwind(f).is_err()
    }

    #[test]
    fn every_kind_of_bad_operand_is_caught() {
        let cases: Vec<(&str, bool)> = vec![
            ("imm12 4096", panics(|| arith::add_imm(Size::X, gs(0), gs(1), 4096, false))),
            ("add shift ror", panics(|| arith::add_shifted(Size::X, g(0), g(1), g(2), Shift::Ror, 1))),
            ("32-bit shift 32", panics(|| arith::sub_shifted(Size::W, g(0), g(1), g(2), Shift::Lsl, 32))),
            ("extend shift 5", panics(|| arith::add_ext(Size::X, gs(0), gs(1), g(2), Extend::Sxtw, 5))),
            ("uxtx on 32 bits", panics(|| arith::add_ext(Size::W, gs(0), gs(1), g(2), Extend::Uxtx, 0))),
            (
                "logical imm size mismatch",
                panics(|| logical::and_imm(Size::W, gs(0), g(1), LogicalImm::new(0xff, Size::X).unwrap())),
            ),
            ("movz 17 bits", panics(|| movwide::movz(Size::X, g(0), 0x10000, 0))),
            ("movz shift 32 on w", panics(|| movwide::movz(Size::W, g(0), 1, 32))),
            ("movk shift 8", panics(|| movwide::movk(Size::X, g(0), 1, 8))),
            ("ldr misaligned", panics(|| loadstore::ldst_uimm(MemOp::LdrX, g(0), gs(1), 4))),
            ("ldr too far", panics(|| loadstore::ldst_uimm(MemOp::LdrW, g(0), gs(1), 4096 * 4))),
            ("ldur 256", panics(|| loadstore::ldst_unscaled(MemOp::LdrX, g(0), gs(1), 256))),
            ("ldur -257", panics(|| loadstore::ldst_unscaled(MemOp::LdrX, g(0), gs(1), -257))),
            ("ldr pre 256", panics(|| loadstore::ldst_indexed(MemOp::LdrX, g(0), gs(1), 256, true))),
            ("ldr post writeback clash", panics(|| loadstore::ldst_indexed(MemOp::LdrX, g(1), gs(1), 8, false))),
            ("literal misaligned", panics(|| loadstore::ldr_literal(Size::X, g(0), 2))),
            ("ldp same dest", panics(|| pair::ldst_pair(true, Size::X, PairMode::Offset, g(1), g(1), gs(2), 0))),
            (
                "stp writeback clash",
                panics(|| pair::ldst_pair(false, Size::X, PairMode::PreIndex, g(1), g(2), gs(1), 16)),
            ),
            ("stp offset 512", panics(|| pair::ldst_pair(false, Size::X, PairMode::Offset, g(1), g(2), gs(3), 512))),
            ("stp misaligned", panics(|| pair::ldst_pair(false, Size::X, PairMode::Offset, g(1), g(2), gs(3), 4))),
            ("lsl 64", panics(|| shift::lsl_imm(Size::X, g(0), g(1), 64))),
            ("lsr 32 on w", panics(|| shift::lsr_imm(Size::W, g(0), g(1), 32))),
            ("ubfm imms 32 on w", panics(|| shift::ubfm(Size::W, g(0), g(1), 0, 32))),
            ("extr 64", panics(|| shift::extr(Size::X, g(0), g(1), g(2), 64))),
            ("cset al", panics(|| csel::cset(Size::X, g(0), Cond::Al))),
            ("b misaligned", panics(|| branch::b(6))),
            ("b too far", panics(|| branch::b(1 << 27))),
            ("b.cond too far", panics(|| branch::b_cond(Cond::Eq, 1 << 20))),
            ("cbz too far back", panics(|| branch::cbz(Size::X, g(0), -(1 << 20) - 4))),
            ("tbz too far", panics(|| branch::tbz(g(0), 3, 1 << 15))),
            ("tbz bit 64", panics(|| branch::tbz(g(0), 64, 0))),
            ("adr too far", panics(|| misc::adr(g(0), 1 << 20))),
            ("brk 17 bits", panics(|| misc::brk(0x10000))),
            ("fcvt same size", panics(|| float::fcvt(FpSize::D, vr(0), FpSize::D, vr(1)))),
            ("fmov imm 9 bits", panics(|| float::fmov_imm(FpSize::D, vr(0), 256))),
        ];
        let missed: Vec<&str> = cases.iter().filter(|(_, caught)| !caught).map(|(name, _)| *name).collect();
        assert!(missed.is_empty(), "bad operands not caught: {missed:?}");
    }
}
