//! NEON cases of the encoder sweep: every NEON form with every operation, every arrangement the
//! operation has, registers in every position and boundary immediates and lanes. Each word is
//! checked field for field against yaxpeax-arm and by text against Capstone (whose aliases are
//! written out: `mov` for `orr` of one register, `mvn` for `not`, `mov` for `ins` and for `umov`
//! of `.s`/`.d` lanes). Also here: reserved encodings that Capstone must reject (so its
//! validity check is real) while yaxpeax-arm accepts several of them.

use super::*;
use wlab_backends::aarch64::enc::neon::arith::{self, VecFpOp, VecIntOp, VecLogicalOp};
use wlab_backends::aarch64::enc::neon::imm::{self, VecImm};
use wlab_backends::aarch64::enc::neon::long::MulLongOp;
use wlab_backends::aarch64::enc::neon::permute::{self, PermuteOp};
use wlab_backends::aarch64::enc::neon::shift::{self as vshift, VecShiftOp};
use wlab_backends::aarch64::enc::neon::unary::{self, AcrossOp, FpWidth, NarrowOp, VecFpUnOp, VecIntUnOp};
use wlab_backends::aarch64::enc::neon::{lane, long, mem, Arr, Elem, FpArr, VecLen};

/// The NEON forms: each must also have Capstone text cases.
pub const NEON_FORMS: &[EncForm] = &[
    EncForm::VecIntBinary,
    EncForm::VecLogical,
    EncForm::VecFpBinary,
    EncForm::VecIntUnary,
    EncForm::VecFpUnary,
    EncForm::VecNarrow,
    EncForm::VecFpWidth,
    EncForm::VecPairwiseLong,
    EncForm::VecAcross,
    EncForm::VecMulLong,
    EncForm::VecShiftImm,
    EncForm::VecShiftLong,
    EncForm::VecShll,
    EncForm::VecPermute,
    EncForm::VecExt,
    EncForm::VecTbl,
    EncForm::DupElement,
    EncForm::DupGeneral,
    EncForm::InsGeneral,
    EncForm::InsElement,
    EncForm::Umov,
    EncForm::Smov,
    EncForm::VecMovi,
    EncForm::LdStQUimm,
    EncForm::LdStQUnscaled,
    EncForm::LdStQReg,
    EncForm::LdrQLiteral,
    EncForm::Ld1Lane,
    EncForm::St1Lane,
    EncForm::Ld1r,
];

// ---------------------------------------------------------------------------------------------
// Operands as yaxpeax shows them and text as Capstone prints it, from the manual's tables

fn ecode(e: Elem) -> SIMDSizeCode {
    match e {
        Elem::B => SIMDSizeCode::B,
        Elem::H => SIMDSizeCode::H,
        Elem::S => SIMDSizeCode::S,
        Elem::D => SIMDSizeCode::D,
    }
}

/// (register width, lane width, assembler suffix) of an arrangement.
fn arr_facts(a: Arr) -> (SIMDSizeCode, Elem, &'static str) {
    match a {
        Arr::B8 => (SIMDSizeCode::D, Elem::B, "8b"),
        Arr::B16 => (SIMDSizeCode::Q, Elem::B, "16b"),
        Arr::H4 => (SIMDSizeCode::D, Elem::H, "4h"),
        Arr::H8 => (SIMDSizeCode::Q, Elem::H, "8h"),
        Arr::S2 => (SIMDSizeCode::D, Elem::S, "2s"),
        Arr::S4 => (SIMDSizeCode::Q, Elem::S, "4s"),
        Arr::D2 => (SIMDSizeCode::Q, Elem::D, "2d"),
    }
}

fn fp_arr(a: FpArr) -> Arr {
    match a {
        FpArr::S2 => Arr::S2,
        FpArr::S4 => Arr::S4,
        FpArr::D2 => Arr::D2,
    }
}

fn letter(e: Elem) -> &'static str {
    match e {
        Elem::B => "b",
        Elem::H => "h",
        Elem::S => "s",
        Elem::D => "d",
    }
}

fn bytes_arr(len: VecLen) -> Arr {
    match len {
        VecLen::V64 => Arr::B8,
        VecLen::V128 => Arr::B16,
    }
}

/// The full (`2`-form) or low-half arrangement of lanes `e`.
fn half_or_full(e: Elem, upper: bool) -> Arr {
    match (e, upper) {
        (Elem::B, false) => Arr::B8,
        (Elem::B, true) => Arr::B16,
        (Elem::H, false) => Arr::H4,
        (Elem::H, true) => Arr::H8,
        (Elem::S, false) => Arr::S2,
        (Elem::S, true) => Arr::S4,
        (Elem::D, _) => Arr::D2,
    }
}

fn wider(e: Elem) -> Elem {
    match e {
        Elem::B => Elem::H,
        Elem::H => Elem::S,
        Elem::S => Elem::D,
        Elem::D => panic!("no wider lane"),
    }
}

fn lane_count(e: Elem) -> u8 {
    match e {
        Elem::B => 16,
        Elem::H => 8,
        Elem::S => 4,
        Elem::D => 2,
    }
}

fn ve(a: Arr, n: u8) -> Operand {
    let (w, e, _) = arr_facts(a);
    Operand::SIMDRegisterElements(w, n as u16, ecode(e))
}

fn vt(a: Arr, n: u8) -> String {
    format!("v{n}.{}", arr_facts(a).2)
}

fn vlane(e: Elem, n: u8, i: u8) -> Operand {
    Operand::SIMDRegisterElementsLane(SIMDSizeCode::Q, n as u16, ecode(e), i)
}

/// Capstone's immediate: decimal from -9 to 9, hex (`0x..`, `-0x..`) beyond.
fn cimm(x: i64) -> String {
    if (-9..=9).contains(&x) {
        format!("{x}")
    } else if x > 9 {
        format!("{x:#x}")
    } else {
        format!("-{:#x}", -x)
    }
}

fn lane_text(e: Elem, n: u8, i: u8) -> String {
    format!("v{n}.{}[{}]", letter(e), cimm(i as i64))
}

fn xname(n: u8) -> String {
    if n == 31 {
        "xzr".into()
    } else {
        format!("x{n}")
    }
}

fn wname(n: u8) -> String {
    if n == 31 {
        "wzr".into()
    } else {
        format!("w{n}")
    }
}

fn base(n: u8) -> String {
    if n == 31 {
        "sp".into()
    } else {
        format!("x{n}")
    }
}

// ---------------------------------------------------------------------------------------------
// The sweep

pub fn check_neon(c: &mut Checker, rng: &mut Rng) {
    let regs = reg_sets(rng, 16);
    check_three_same(c, &regs);
    check_two_reg(c, &regs);
    check_widen_narrow(c, &regs);
    check_shifts(c, rng, &regs);
    check_shll(c, &regs);
    check_permutes(c, &regs);
    check_lanes(c, &regs);
    check_movi(c, &regs);
    check_vec_mem(c, rng, &regs);
}

fn check_three_same(c: &mut Checker, regs: &[[u8; 4]]) {
    use VecIntOp::*;
    let int_ops: [(VecIntOp, Opcode, &str); 24] = [
        (Add, Opcode::ADD, "add"),
        (Sub, Opcode::SUB, "sub"),
        (Mul, Opcode::MUL, "mul"),
        (Sqadd, Opcode::SQADD, "sqadd"),
        (Uqadd, Opcode::UQADD, "uqadd"),
        (Sqsub, Opcode::SQSUB, "sqsub"),
        (Uqsub, Opcode::UQSUB, "uqsub"),
        (Cmeq, Opcode::CMEQ, "cmeq"),
        (Cmtst, Opcode::CMTST, "cmtst"),
        (Cmgt, Opcode::CMGT, "cmgt"),
        (Cmhi, Opcode::CMHI, "cmhi"),
        (Cmge, Opcode::CMGE, "cmge"),
        (Cmhs, Opcode::CMHS, "cmhs"),
        (Sshl, Opcode::SSHL, "sshl"),
        (Ushl, Opcode::USHL, "ushl"),
        (Smax, Opcode::SMAX, "smax"),
        (Umax, Opcode::UMAX, "umax"),
        (Smin, Opcode::SMIN, "smin"),
        (Umin, Opcode::UMIN, "umin"),
        (Urhadd, Opcode::URHADD, "urhadd"),
        (Sqrdmulh, Opcode::SQRDMULH, "sqrdmulh"),
        (Addp, Opcode::ADDP, "addp"),
        (Umaxp, Opcode::UMAXP, "umaxp"),
        (Uminp, Opcode::UMINP, "uminp"),
    ];
    assert_eq!(int_ops.len(), VecIntOp::ALL.len());
    for (op, opcode, name) in int_ops {
        for arr in Arr::ALL {
            let allowed = match op {
                Mul | Smax | Umax | Smin | Umin | Urhadd | Umaxp | Uminp => arr_facts(arr).1 != Elem::D,
                Sqrdmulh => matches!(arr_facts(arr).1, Elem::H | Elem::S),
                _ => true,
            };
            assert_eq!(op.allows(arr.elem()), allowed, "{op:?} on .{arr}");
            if !allowed {
                continue;
            }
            for &[d, n, m, _] in regs {
                let word = arith::vec_int_binary(op, arr, vr(d), vr(n), vr(m));
                let text = format!("{name} {}, {}, {}", vt(arr, d), vt(arr, n), vt(arr, m));
                c.check_text(EncForm::VecIntBinary, word, opcode, &[ve(arr, d), ve(arr, n), ve(arr, m)], &text);
            }
        }
    }
    use VecLogicalOp as L;
    let logical: [(VecLogicalOp, Opcode, &str); 8] = [
        (L::And, Opcode::AND, "and"),
        (L::Bic, Opcode::BIC, "bic"),
        (L::Orr, Opcode::ORR, "orr"),
        (L::Orn, Opcode::ORN, "orn"),
        (L::Eor, Opcode::EOR, "eor"),
        (L::Bsl, Opcode::BSL, "bsl"),
        (L::Bit, Opcode::BIT, "bit"),
        (L::Bif, Opcode::BIF, "bif"),
    ];
    assert_eq!(logical.len(), VecLogicalOp::ALL.len());
    for (op, opcode, name) in logical {
        for len in VecLen::ALL {
            let arr = bytes_arr(len);
            for &[d, n, m, _] in regs {
                for m in [m, n] {
                    let word = arith::vec_logical(op, len, vr(d), vr(n), vr(m));
                    let text = if op == L::Orr && m == n {
                        format!("mov {}, {}", vt(arr, d), vt(arr, n))
                    } else {
                        format!("{name} {}, {}, {}", vt(arr, d), vt(arr, n), vt(arr, m))
                    };
                    c.check_text(EncForm::VecLogical, word, opcode, &[ve(arr, d), ve(arr, n), ve(arr, m)], &text);
                }
            }
        }
    }
    use VecFpOp as F;
    let fp_ops: [(VecFpOp, Opcode, &str); 11] = [
        (F::Fadd, Opcode::FADD, "fadd"),
        (F::Fsub, Opcode::FSUB, "fsub"),
        (F::Fmul, Opcode::FMUL, "fmul"),
        (F::Fdiv, Opcode::FDIV, "fdiv"),
        (F::Fmax, Opcode::FMAX, "fmax"),
        (F::Fmin, Opcode::FMIN, "fmin"),
        (F::Fmaxnm, Opcode::FMAXNM, "fmaxnm"),
        (F::Fminnm, Opcode::FMINNM, "fminnm"),
        (F::Fcmeq, Opcode::FCMEQ, "fcmeq"),
        (F::Fcmge, Opcode::FCMGE, "fcmge"),
        (F::Fcmgt, Opcode::FCMGT, "fcmgt"),
    ];
    assert_eq!(fp_ops.len(), VecFpOp::ALL.len());
    for (op, opcode, name) in fp_ops {
        for fa in FpArr::ALL {
            let arr = fp_arr(fa);
            for &[d, n, m, _] in regs {
                let word = arith::vec_fp_binary(op, fa, vr(d), vr(n), vr(m));
                let text = format!("{name} {}, {}, {}", vt(arr, d), vt(arr, n), vt(arr, m));
                c.check_text(EncForm::VecFpBinary, word, opcode, &[ve(arr, d), ve(arr, n), ve(arr, m)], &text);
            }
        }
    }
}

fn check_two_reg(c: &mut Checker, regs: &[[u8; 4]]) {
    use VecIntUnOp::*;
    // (op, opcode, capstone name, compares with #0)
    let int_ops: [(VecIntUnOp, Opcode, &str, bool); 10] = [
        (Abs, Opcode::ABS, "abs", false),
        (Neg, Opcode::NEG, "neg", false),
        (Cnt, Opcode::CNT, "cnt", false),
        (Not, Opcode::NOT, "mvn", false),
        (Rev64, Opcode::REV64, "rev64", false),
        (Cmeq0, Opcode::CMEQ, "cmeq", true),
        (Cmge0, Opcode::CMGE, "cmge", true),
        (Cmgt0, Opcode::CMGT, "cmgt", true),
        (Cmle0, Opcode::CMLE, "cmle", true),
        (Cmlt0, Opcode::CMLT, "cmlt", true),
    ];
    assert_eq!(int_ops.len(), VecIntUnOp::ALL.len());
    for (op, opcode, name, zero) in int_ops {
        for arr in Arr::ALL {
            let e = arr_facts(arr).1;
            let allowed = match op {
                Cnt | Not => e == Elem::B,
                Rev64 => e != Elem::D,
                _ => true,
            };
            assert_eq!(op.allows(arr.elem()), allowed, "{op:?} on .{arr}");
            if !allowed {
                continue;
            }
            for &[d, n, _, _] in regs {
                let word = unary::vec_int_unary(op, arr, vr(d), vr(n));
                let (ops, text) = if zero {
                    (
                        vec![ve(arr, d), ve(arr, n), Operand::Imm64(0)],
                        format!("{name} {}, {}, #0", vt(arr, d), vt(arr, n)),
                    )
                } else {
                    (vec![ve(arr, d), ve(arr, n)], format!("{name} {}, {}", vt(arr, d), vt(arr, n)))
                };
                c.check_text(EncForm::VecIntUnary, word, opcode, &ops, &text);
            }
        }
    }
    use VecFpUnOp as F;
    let fp_ops: [(VecFpUnOp, Opcode, &str); 11] = [
        (F::Fabs, Opcode::FABS, "fabs"),
        (F::Fneg, Opcode::FNEG, "fneg"),
        (F::Fsqrt, Opcode::FSQRT, "fsqrt"),
        (F::Frintn, Opcode::FRINTN, "frintn"),
        (F::Frintm, Opcode::FRINTM, "frintm"),
        (F::Frintp, Opcode::FRINTP, "frintp"),
        (F::Frintz, Opcode::FRINTZ, "frintz"),
        (F::Fcvtzs, Opcode::FCVTZS, "fcvtzs"),
        (F::Fcvtzu, Opcode::FCVTZU, "fcvtzu"),
        (F::Scvtf, Opcode::SCVTF, "scvtf"),
        (F::Ucvtf, Opcode::UCVTF, "ucvtf"),
    ];
    assert_eq!(fp_ops.len(), VecFpUnOp::ALL.len());
    for (op, opcode, name) in fp_ops {
        for fa in FpArr::ALL {
            let arr = fp_arr(fa);
            for &[d, n, _, _] in regs {
                let word = unary::vec_fp_unary(op, fa, vr(d), vr(n));
                let text = format!("{name} {}, {}", vt(arr, d), vt(arr, n));
                c.check_text(EncForm::VecFpUnary, word, opcode, &[ve(arr, d), ve(arr, n)], &text);
            }
        }
    }
    let across: [(AcrossOp, Opcode, &str); 5] = [
        (AcrossOp::Addv, Opcode::ADDV, "addv"),
        (AcrossOp::Smaxv, Opcode::SMAXV, "smaxv"),
        (AcrossOp::Umaxv, Opcode::UMAXV, "umaxv"),
        (AcrossOp::Sminv, Opcode::SMINV, "sminv"),
        (AcrossOp::Uminv, Opcode::UMINV, "uminv"),
    ];
    assert_eq!(across.len(), AcrossOp::ALL.len());
    for (op, opcode, name) in across {
        for arr in [Arr::B8, Arr::B16, Arr::H4, Arr::H8, Arr::S4] {
            let e = arr_facts(arr).1;
            for &[d, n, _, _] in regs {
                let word = unary::vec_across(op, arr, vr(d), vr(n));
                let ops = [Operand::SIMDRegister(ecode(e), d as u16), ve(arr, n)];
                let text = format!("{name} {}{d}, {}", letter(e), vt(arr, n));
                c.check_text(EncForm::VecAcross, word, opcode, &ops, &text);
            }
        }
    }
}

fn check_widen_narrow(c: &mut Checker, regs: &[[u8; 4]]) {
    let narrow: [(NarrowOp, [Opcode; 2], &str); 4] = [
        (NarrowOp::Xtn, [Opcode::XTN, Opcode::XTN2], "xtn"),
        (NarrowOp::Sqxtn, [Opcode::SQXTN, Opcode::SQXTN2], "sqxtn"),
        (NarrowOp::Sqxtun, [Opcode::SQXTUN, Opcode::SQXTUN2], "sqxtun"),
        (NarrowOp::Uqxtn, [Opcode::UQXTN, Opcode::UQXTN2], "uqxtn"),
    ];
    assert_eq!(narrow.len(), NarrowOp::ALL.len());
    for (op, opcodes, name) in narrow {
        for to in [Elem::B, Elem::H, Elem::S] {
            for upper in [false, true] {
                let (dst, src) = (half_or_full(to, upper), half_or_full(wider(to), true));
                let suffix = if upper { "2" } else { "" };
                for &[d, n, _, _] in regs {
                    let word = unary::vec_narrow(op, to, upper, vr(d), vr(n));
                    let text = format!("{name}{suffix} {}, {}", vt(dst, d), vt(src, n));
                    c.check_text(EncForm::VecNarrow, word, opcodes[upper as usize], &[ve(dst, d), ve(src, n)], &text);
                }
            }
        }
    }
    for upper in [false, true] {
        let suffix = if upper { "2" } else { "" };
        let singles = half_or_full(Elem::S, upper);
        for &[d, n, _, _] in regs {
            let word = unary::vec_fp_width(FpWidth::Narrow, upper, vr(d), vr(n));
            let opcode = if upper { Opcode::FCVTN2 } else { Opcode::FCVTN };
            let text = format!("fcvtn{suffix} {}, {}", vt(singles, d), vt(Arr::D2, n));
            c.check_text(EncForm::VecFpWidth, word, opcode, &[ve(singles, d), ve(Arr::D2, n)], &text);
            let word = unary::vec_fp_width(FpWidth::Widen, upper, vr(d), vr(n));
            let opcode = if upper { Opcode::FCVTL2 } else { Opcode::FCVTL };
            let text = format!("fcvtl{suffix} {}, {}", vt(Arr::D2, d), vt(singles, n));
            c.check_text(EncForm::VecFpWidth, word, opcode, &[ve(Arr::D2, d), ve(singles, n)], &text);
        }
    }
    for (signed, opcode, name) in [(true, Opcode::SADDLP, "saddlp"), (false, Opcode::UADDLP, "uaddlp")] {
        for arr in [Arr::B8, Arr::B16, Arr::H4, Arr::H8, Arr::S2, Arr::S4] {
            let (w, e, _) = arr_facts(arr);
            let dst = half_or_full(wider(e), w == SIMDSizeCode::Q);
            for &[d, n, _, _] in regs {
                let word = unary::vec_pairwise_long(signed, arr, vr(d), vr(n));
                // `.2s` pairs into one doubleword: the `.1d` arrangement, valid here.
                let (dop, dtext) = if arr == Arr::S2 {
                    (Operand::SIMDRegisterElements(SIMDSizeCode::D, d as u16, SIMDSizeCode::D), format!("v{d}.1d"))
                } else {
                    (ve(dst, d), vt(dst, d))
                };
                let text = format!("{name} {dtext}, {}", vt(arr, n));
                c.check_text(EncForm::VecPairwiseLong, word, opcode, &[dop, ve(arr, n)], &text);
            }
        }
    }
    let mul_long: [(MulLongOp, [Opcode; 2], &str); 4] = [
        (MulLongOp::Smull, [Opcode::SMULL, Opcode::SMULL2], "smull"),
        (MulLongOp::Umull, [Opcode::UMULL, Opcode::UMULL2], "umull"),
        (MulLongOp::Smlal, [Opcode::SMLAL, Opcode::SMLAL2], "smlal"),
        (MulLongOp::Umlal, [Opcode::UMLAL, Opcode::UMLAL2], "umlal"),
    ];
    assert_eq!(mul_long.len(), MulLongOp::ALL.len());
    for (op, opcodes, name) in mul_long {
        for from in [Elem::B, Elem::H, Elem::S] {
            for upper in [false, true] {
                let (src, dst) = (half_or_full(from, upper), half_or_full(wider(from), true));
                let suffix = if upper { "2" } else { "" };
                for &[d, n, m, _] in regs {
                    let word = long::vec_mul_long(op, from, upper, vr(d), vr(n), vr(m));
                    let text = format!("{name}{suffix} {}, {}, {}", vt(dst, d), vt(src, n), vt(src, m));
                    let ops = [ve(dst, d), ve(src, n), ve(src, m)];
                    c.check_text(EncForm::VecMulLong, word, opcodes[upper as usize], &ops, &text);
                }
            }
        }
    }
}

fn check_shifts(c: &mut Checker, rng: &mut Rng, regs: &[[u8; 4]]) {
    let ops: [(VecShiftOp, Opcode, &str); 3] = [
        (VecShiftOp::Shl, Opcode::SHL, "shl"),
        (VecShiftOp::Sshr, Opcode::SSHR, "sshr"),
        (VecShiftOp::Ushr, Opcode::USHR, "ushr"),
    ];
    assert_eq!(ops.len(), VecShiftOp::ALL.len());
    for (op, opcode, name) in ops {
        for arr in Arr::ALL {
            let bits = 8u32 << arr_facts(arr).1 as u32;
            for (k, &[d, n, _, _]) in regs.iter().enumerate() {
                let mut amounts: Vec<u32> = if op == VecShiftOp::Shl { vec![0, 1, bits - 1] } else { vec![1, bits] };
                amounts.push(if op == VecShiftOp::Shl { k as u32 % bits } else { 1 + k as u32 % bits });
                for amount in amounts {
                    let word = vshift::vec_shift_imm(op, arr, vr(d), vr(n), amount);
                    let text = format!("{name} {}, {}, #{}", vt(arr, d), vt(arr, n), cimm(amount as i64));
                    let ops = [ve(arr, d), ve(arr, n), Operand::Immediate(amount)];
                    c.check_text(EncForm::VecShiftImm, word, opcode, &ops, &text);
                }
            }
        }
    }
    for (signed, opcodes, name) in
        [(true, [Opcode::SSHLL, Opcode::SSHLL2], "sshll"), (false, [Opcode::USHLL, Opcode::USHLL2], "ushll")]
    {
        for from in [Elem::B, Elem::H, Elem::S] {
            let bits = 8u32 << from as u32;
            for upper in [false, true] {
                let (src, dst) = (half_or_full(from, upper), half_or_full(wider(from), true));
                let suffix = if upper { "2" } else { "" };
                for &[d, n, _, _] in regs {
                    for amount in [0, 1, bits - 1, rng.below(bits as u64) as u32] {
                        let word = vshift::vec_shift_long(signed, from, upper, vr(d), vr(n), amount);
                        let text = format!("{name}{suffix} {}, {}, #{}", vt(dst, d), vt(src, n), cimm(amount as i64));
                        let ops = [ve(dst, d), ve(src, n), Operand::Immediate(amount)];
                        c.check_text(EncForm::VecShiftLong, word, opcodes[upper as usize], &ops, &text);
                    }
                }
            }
        }
    }
}

fn check_shll(c: &mut Checker, regs: &[[u8; 4]]) {
    for from in [Elem::B, Elem::H, Elem::S] {
        let bits = 8u32 << from as u32;
        for upper in [false, true] {
            let (src, dst) = (half_or_full(from, upper), half_or_full(wider(from), true));
            let (opcode, name) = if upper { (Opcode::SHLL2, "shll2") } else { (Opcode::SHLL, "shll") };
            for &[d, n, _, _] in regs {
                let word = vshift::vec_shll(from, upper, vr(d), vr(n));
                // Capstone prints shll's implied shift in decimal.
                let text = format!("{name} {}, {}, #{bits}", vt(dst, d), vt(src, n));
                let ops = [ve(dst, d), ve(src, n), Operand::Imm64(bits as u64)];
                c.check_text(EncForm::VecShll, word, opcode, &ops, &text);
            }
        }
    }
}

fn check_permutes(c: &mut Checker, regs: &[[u8; 4]]) {
    let ops: [(PermuteOp, Opcode, &str); 6] = [
        (PermuteOp::Uzp1, Opcode::UZP1, "uzp1"),
        (PermuteOp::Trn1, Opcode::TRN1, "trn1"),
        (PermuteOp::Zip1, Opcode::ZIP1, "zip1"),
        (PermuteOp::Uzp2, Opcode::UZP2, "uzp2"),
        (PermuteOp::Trn2, Opcode::TRN2, "trn2"),
        (PermuteOp::Zip2, Opcode::ZIP2, "zip2"),
    ];
    assert_eq!(ops.len(), PermuteOp::ALL.len());
    for (op, opcode, name) in ops {
        for arr in Arr::ALL {
            for &[d, n, m, _] in regs {
                let word = permute::vec_permute(op, arr, vr(d), vr(n), vr(m));
                let text = format!("{name} {}, {}, {}", vt(arr, d), vt(arr, n), vt(arr, m));
                c.check_text(EncForm::VecPermute, word, opcode, &[ve(arr, d), ve(arr, n), ve(arr, m)], &text);
            }
        }
    }
    for len in VecLen::ALL {
        let arr = bytes_arr(len);
        let bytes = if len == VecLen::V64 { 8 } else { 16 };
        for (k, &[d, n, m, _]) in regs.iter().enumerate() {
            for index in [0, 1, bytes - 1, k as u32 % bytes] {
                let word = permute::vec_ext(len, vr(d), vr(n), vr(m), index);
                let text = format!("ext {}, {}, {}, #{}", vt(arr, d), vt(arr, n), vt(arr, m), cimm(index as i64));
                let ops = [ve(arr, d), ve(arr, n), ve(arr, m), Operand::Imm16(index as u16)];
                c.check_text(EncForm::VecExt, word, Opcode::EXT, &ops, &text);
            }
        }
        // The table registers are always whole `.16b` registers.
        for (tbx, opcode, name) in [(false, Opcode::TBL, "tbl"), (true, Opcode::TBX, "tbx")] {
            for &[d, n, m, _] in regs {
                for count in 1..=4u8 {
                    let word = permute::vec_tbl(tbx, len, vr(d), vr(n), count as u32, vr(m));
                    let table: Vec<String> = (0..count).map(|i| vt(Arr::B16, (n + i) % 32)).collect();
                    let text = format!("{name} {}, {{{}}}, {}", vt(arr, d), table.join(", "), vt(arr, m));
                    let ops = [
                        ve(arr, d),
                        Operand::SIMDRegisterGroup(SIMDSizeCode::Q, n as u16, SIMDSizeCode::B, count),
                        ve(arr, m),
                    ];
                    c.check_text(EncForm::VecTbl, word, opcode, &ops, &text);
                }
            }
        }
    }
}

fn check_lanes(c: &mut Checker, regs: &[[u8; 4]]) {
    for (k, &[d, n, _, _]) in regs.iter().enumerate() {
        for arr in Arr::ALL {
            let e = arr_facts(arr).1;
            for index in [0, lane_count(e) - 1, k as u8 % lane_count(e)] {
                let word = lane::dup_element(arr, vr(d), vr(n), index);
                let text = format!("dup {}, {}", vt(arr, d), lane_text(e, n, index));
                // yaxpeax-arm gives the source lane the destination's register width; the
                // index still ranges over the whole 128-bit source.
                let src = Operand::SIMDRegisterElementsLane(arr_facts(arr).0, n as u16, ecode(e), index);
                c.check_text(EncForm::DupElement, word, Opcode::DUP, &[ve(arr, d), src], &text);
            }
            let (gpr, gname) = if e == Elem::D { (r(Size::X, n), xname(n)) } else { (r(Size::W, n), wname(n)) };
            let word = lane::dup_general(arr, vr(d), g(n));
            c.check_text(
                EncForm::DupGeneral,
                word,
                Opcode::DUP,
                &[ve(arr, d), gpr],
                &format!("dup {}, {gname}", vt(arr, d)),
            );
        }
        for e in Elem::ALL {
            let lanes = lane_count(e);
            let (gpr, gname) = if e == Elem::D { (r(Size::X, n), xname(n)) } else { (r(Size::W, n), wname(n)) };
            for (i, j) in [(0, lanes - 1), (lanes - 1, 0), (k as u8 % lanes, (k as u8 / 2) % lanes)] {
                let word = lane::ins_general(e, vr(d), i, g(n));
                let text = format!("mov {}, {gname}", lane_text(e, d, i));
                c.check_text(EncForm::InsGeneral, word, Opcode::INS, &[vlane(e, d, i), gpr], &text);
                let word = lane::ins_element(e, vr(d), i, vr(n), j);
                let text = format!("mov {}, {}", lane_text(e, d, i), lane_text(e, n, j));
                c.check_text(EncForm::InsElement, word, Opcode::INS, &[vlane(e, d, i), vlane(e, n, j)], &text);
                // umov: `mov` alias for .s into w and .d into x.
                let word = lane::umov(e, g(d), vr(n), j);
                let (dst, dname) = if e == Elem::D { (r(Size::X, d), xname(d)) } else { (r(Size::W, d), wname(d)) };
                let mnemonic = if matches!(e, Elem::S | Elem::D) { "mov" } else { "umov" };
                let text = format!("{mnemonic} {dname}, {}", lane_text(e, n, j));
                c.check_text(EncForm::Umov, word, Opcode::UMOV, &[dst, vlane(e, n, j)], &text);
                for size in Size::ALL {
                    let ok = match size {
                        Size::W => matches!(e, Elem::B | Elem::H),
                        Size::X => e != Elem::D,
                    };
                    if ok {
                        let word = lane::smov(size, e, g(d), vr(n), j);
                        let dname = if size == Size::X { xname(d) } else { wname(d) };
                        let text = format!("smov {dname}, {}", lane_text(e, n, j));
                        c.check_text(EncForm::Smov, word, Opcode::SMOV, &[r(size, d), vlane(e, n, j)], &text);
                    }
                }
            }
        }
    }
}

fn check_movi(c: &mut Checker, regs: &[[u8; 4]]) {
    for (k, imm) in VecImm::all().enumerate() {
        for len in VecLen::ALL {
            let d = regs[k % regs.len()][0];
            let word = imm::vec_movi(imm, len, vr(d));
            let q = len == VecLen::V128;
            let (opcode, ops, text) = match imm {
                VecImm::Bytes(b) => {
                    let arr = bytes_arr(len);
                    (
                        Opcode::MOVI,
                        vec![ve(arr, d), Operand::ImmShift(b as u16, 0)],
                        format!("movi {}, #{}", vt(arr, d), cimm(b as i64)),
                    )
                }
                VecImm::Halves { imm8, shift, invert } | VecImm::Words { imm8, shift, invert } => {
                    let e = if matches!(imm, VecImm::Halves { .. }) { Elem::H } else { Elem::S };
                    let arr = half_or_full(e, q);
                    let (opcode, name) = if invert { (Opcode::MVNI, "mvni") } else { (Opcode::MOVI, "movi") };
                    let lsl = if shift == 0 { String::new() } else { format!(", lsl #{shift}") };
                    let ops = vec![ve(arr, d), Operand::ImmShift(imm8 as u16, shift as u8)];
                    (opcode, ops, format!("{name} {}, #{}{lsl}", vt(arr, d), cimm(imm8 as i64)))
                }
                VecImm::ByteMask(mask) => {
                    let value =
                        (0..8).fold(0u64, |acc, i| if mask >> i & 1 == 1 { acc | 0xff << (8 * i) } else { acc });
                    assert_eq!(imm.value(), value);
                    let (dst, dtext) = if q {
                        (ve(Arr::D2, d), vt(Arr::D2, d))
                    } else {
                        (Operand::SIMDRegister(SIMDSizeCode::D, d as u16), format!("d{d}"))
                    };
                    (Opcode::MOVI, vec![dst, Operand::Imm64(value)], format!("movi {dtext}, #{value:#x}"))
                }
            };
            c.check_text_as(EncForm::VecMovi, word, opcode, &ops, &text, canonical_imm64);
        }
    }
    // find() gives back a form with the asked-for pattern, and refuses one that has none.
    for pattern in [0u64, u64::MAX, 0x8000_0000_8000_0000, 0x00ff_00ff_00ff_00ff, 0xffff_ff00_ffff_ff00] {
        let imm = VecImm::find(pattern).unwrap_or_else(|| panic!("{pattern:#x} has a movi form"));
        assert_eq!(imm.value(), pattern);
    }
    assert_eq!(VecImm::find(0x1234_5678_9abc_def0), None);
}

fn check_vec_mem(c: &mut Checker, rng: &mut Rng, regs: &[[u8; 4]]) {
    for (load, opcode, uopcode, name, uname) in
        [(true, Opcode::LDR, Opcode::LDUR, "ldr", "ldur"), (false, Opcode::STR, Opcode::STUR, "str", "stur")]
    {
        for &[t, n, m, _] in regs {
            for off in [0u32, 16, 4095 * 16, rng.below(4096) as u32 * 16] {
                let word = mem::ldst_q_uimm(load, vr(t), gs(n), off);
                let addr =
                    if off == 0 { format!("[{}]", base(n)) } else { format!("[{}, #{}]", base(n), cimm(off as i64)) };
                let ops = [
                    Operand::SIMDRegister(SIMDSizeCode::Q, t as u16),
                    Operand::RegPreIndex(n as u16, off as i32, false),
                ];
                c.check_text(EncForm::LdStQUimm, word, opcode, &ops, &format!("{name} q{t}, {addr}"));
            }
            for off in [-256, -1, 0, 1, 255, rng.range(-256, 255) as i32] {
                let word = mem::ldst_q_unscaled(load, vr(t), gs(n), off);
                let addr =
                    if off == 0 { format!("[{}]", base(n)) } else { format!("[{}, #{}]", base(n), cimm(off as i64)) };
                let ops =
                    [Operand::SIMDRegister(SIMDSizeCode::Q, t as u16), Operand::RegPreIndex(n as u16, off, false)];
                c.check_text(EncForm::LdStQUnscaled, word, uopcode, &ops, &format!("{uname} q{t}, {addr}"));
            }
            for ext in IndexExtend::ALL {
                for scaled in [false, true] {
                    let word = mem::ldst_q_reg(load, vr(t), gs(n), g(m), ext, scaled);
                    let (index, ext_name) = match ext {
                        IndexExtend::Lsl => (xname(m), "lsl"),
                        IndexExtend::Uxtw => (wname(m), "uxtw"),
                        IndexExtend::Sxtw => (wname(m), "sxtw"),
                        IndexExtend::Sxtx => (xname(m), "sxtx"),
                    };
                    let suffix = match (ext, scaled) {
                        (IndexExtend::Lsl, false) => String::new(),
                        (_, false) => format!(", {ext_name}"),
                        (_, true) => format!(", {ext_name} #4"),
                    };
                    let text = format!("{name} q{t}, [{}, {index}{suffix}]", base(n));
                    let ops = [Operand::SIMDRegister(SIMDSizeCode::Q, t as u16), reg_offset(n, m, ext, scaled, 16)];
                    c.check_text(EncForm::LdStQReg, word, opcode, &ops, &text);
                }
            }
        }
    }
    for (k, &[t, n, _, _]) in regs.iter().enumerate() {
        for off in [-(1 << 20), -8, 0, 4, (1 << 20) - 4, (rng.range(-(1 << 18), (1 << 18) - 1) * 4) as i32] {
            let word = mem::ldr_q_literal(vr(t), off);
            let text = format!("ldr q{t}, #{}", cimm_addr(off));
            let ops = [Operand::SIMDRegister(SIMDSizeCode::Q, t as u16), Operand::PCOffset(off as i64)];
            c.check_text(EncForm::LdrQLiteral, word, Opcode::LDR, &ops, &text);
        }
        for e in Elem::ALL {
            let lanes = lane_count(e);
            for i in [0, lanes - 1, k as u8 % lanes] {
                let group = Operand::SIMDRegisterGroupLane(t as u16, ecode(e), 1, i);
                let addr = Operand::RegPreIndex(n as u16, 0, false);
                let text = format!("{{v{t}.{}}}[{}], [{}]", letter(e), cimm(i as i64), base(n));
                let word = mem::ld1_lane(e, vr(t), i, gs(n));
                c.check_text(EncForm::Ld1Lane, word, Opcode::LD1, &[group, addr], &format!("ld1 {text}"));
                let word = mem::st1_lane(e, vr(t), i, gs(n));
                c.check_text(EncForm::St1Lane, word, Opcode::ST1, &[group, addr], &format!("st1 {text}"));
            }
        }
        for arr in Arr::ALL {
            let (w, e, _) = arr_facts(arr);
            let word = mem::ld1r(arr, vr(t), gs(n));
            let ops = [Operand::SIMDRegisterGroup(w, t as u16, ecode(e), 1), Operand::RegPreIndex(n as u16, 0, false)];
            c.check_text(EncForm::Ld1r, word, Opcode::LD1R, &ops, &format!("ld1r {{{}}}, [{}]", vt(arr, t), base(n)));
        }
    }
}

/// Capstone pads the 64-bit `movi` immediate (`.2d` and `d` destinations) with a varying number of zeros (and prints zero as
/// sixteen zeros without `0x`): the immediate after `#` is parsed and printed as `{:#x}`.
fn canonical_imm64(text: &str) -> String {
    match text.rsplit_once('#') {
        Some((head, imm)) if head.ends_with(".2d, ") || head.starts_with("movi d") => {
            let value = u64::from_str_radix(imm.trim_start_matches("0x"), 16).expect("hex immediate");
            format!("{head}#{value:#x}")
        }
        _ => text.to_string(),
    }
}

/// Capstone prints a literal's target (address 0 plus the offset) as an unsigned 64-bit number.
fn cimm_addr(off: i32) -> String {
    let addr = off as i64 as u64;
    if addr <= 9 {
        format!("{addr}")
    } else {
        format!("{addr:#x}")
    }
}

// ---------------------------------------------------------------------------------------------
// The validity check is real: reserved encodings are rejected

/// Words one field away from a valid encoder output, each reserved by the manual. Capstone must
/// reject every one; yaxpeax-arm accepts some of them, which is why Capstone checks validity.
#[test]
fn capstone_rejects_reserved_neon_encodings() {
    let cs = capstone_a64();
    let q = 1u32 << 30;
    let size = 0b11u32 << 22;
    let reserved: Vec<(&str, u32)> = vec![
        ("add .1d (Q=0, size=11)", arith::vec_int_binary(VecIntOp::Add, Arr::D2, vr(1), vr(2), vr(3)) & !q),
        ("mul .2d", arith::vec_int_binary(VecIntOp::Mul, Arr::B16, vr(1), vr(2), vr(3)) | size),
        ("sqrdmulh .16b", arith::vec_int_binary(VecIntOp::Sqrdmulh, Arr::H8, vr(1), vr(2), vr(3)) & !size),
        ("fadd .1d (Q=0, sz=1)", arith::vec_fp_binary(VecFpOp::Fadd, FpArr::D2, vr(1), vr(2), vr(3)) & !q),
        ("fcvtzs .1d", unary::vec_fp_unary(VecFpUnOp::Fcvtzs, FpArr::D2, vr(1), vr(2)) & !q),
        ("xtn to .d (size=11)", unary::vec_narrow(NarrowOp::Xtn, Elem::S, false, vr(1), vr(2)) | size),
        ("cnt .8h", unary::vec_int_unary(VecIntUnOp::Cnt, Arr::B16, vr(1), vr(2)) | 1 << 22),
        ("addv .2d", unary::vec_across(AcrossOp::Addv, Arr::B16, vr(1), vr(2)) | size),
        ("ins general with Q=0", lane::ins_general(Elem::H, vr(1), 5, g(2)) & !q),
        ("dup .1d (Q=0)", lane::dup_element(Arr::D2, vr(1), vr(2), 1) & !q),
        ("umov .b with Q=1", lane::umov(Elem::B, g(1), vr(2), 3) | q),
        ("movi with o2=1", imm::vec_movi(VecImm::Bytes(0x5a), VecLen::V128, vr(1)) | 1 << 11),
        ("zip1 .1d (Q=0)", permute::vec_permute(PermuteOp::Zip1, Arr::D2, vr(1), vr(2), vr(3)) & !q),
        ("ld1 .d lane with S=1", mem::ld1_lane(Elem::D, vr(1), 0, gs(2)) | 1 << 12),
        ("ld1 .s lane with size=10", mem::ld1_lane(Elem::S, vr(1), 0, gs(2)) | 0b10 << 10),
    ];
    let mut yaxpeax_accepts = Vec::new();
    for (name, word) in &reserved {
        assert_eq!(capstone_text(&cs, *word), None, "{name}: {word:08x} accepted by Capstone");
        if decode_word(*word).is_ok() {
            yaxpeax_accepts.push(*name);
        }
    }
    println!("yaxpeax-arm accepts {} of {} reserved words: {yaxpeax_accepts:?}", yaxpeax_accepts.len(), reserved.len());
    assert!(!yaxpeax_accepts.is_empty(), "yaxpeax-arm now rejects every reserved word: the note on it is stale");
}

#[cfg(debug_assertions)]
#[test]
fn reserved_neon_operand_combinations_are_caught() {
    fn panics(f: impl FnOnce() -> u32 + std::panic::UnwindSafe) -> bool {
        std::panic::catch_unwind(f).is_err()
    }
    let cases: Vec<(&str, bool)> = vec![
        ("mul .2d", panics(|| arith::vec_int_binary(VecIntOp::Mul, Arr::D2, vr(0), vr(1), vr(2)))),
        ("sqrdmulh .16b", panics(|| arith::vec_int_binary(VecIntOp::Sqrdmulh, Arr::B16, vr(0), vr(1), vr(2)))),
        ("cnt .4s", panics(|| unary::vec_int_unary(VecIntUnOp::Cnt, Arr::S4, vr(0), vr(1)))),
        ("xtn to .d", panics(|| unary::vec_narrow(NarrowOp::Xtn, Elem::D, false, vr(0), vr(1)))),
        ("addv .2s", panics(|| unary::vec_across(AcrossOp::Addv, Arr::S2, vr(0), vr(1)))),
        ("shl .4s by 32", panics(|| vshift::vec_shift_imm(VecShiftOp::Shl, Arr::S4, vr(0), vr(1), 32))),
        ("sshr by 0", panics(|| vshift::vec_shift_imm(VecShiftOp::Sshr, Arr::S4, vr(0), vr(1), 0))),
        ("sshll from .d", panics(|| vshift::vec_shift_long(true, Elem::D, false, vr(0), vr(1), 0))),
        ("ext index 16", panics(|| permute::vec_ext(VecLen::V128, vr(0), vr(1), vr(2), 16))),
        ("ext index 8 on 64 bits", panics(|| permute::vec_ext(VecLen::V64, vr(0), vr(1), vr(2), 8))),
        ("tbl 5 registers", panics(|| permute::vec_tbl(false, VecLen::V128, vr(0), vr(1), 5, vr(2)))),
        ("lane 16 of .b", panics(|| lane::dup_element(Arr::B16, vr(0), vr(1), 16))),
        ("lane 2 of .d", panics(|| lane::umov(Elem::D, g(0), vr(1), 2))),
        ("smov w from .s", panics(|| lane::smov(Size::W, Elem::S, g(0), vr(1), 0))),
        (
            "movi shift 4",
            panics(|| imm::vec_movi(VecImm::Words { imm8: 1, shift: 4, invert: false }, VecLen::V128, vr(0))),
        ),
        ("ldr q misaligned", panics(|| mem::ldst_q_uimm(true, vr(0), gs(1), 8))),
        ("ldr q too far", panics(|| mem::ldst_q_uimm(true, vr(0), gs(1), 4096 * 16))),
        ("ldur q 256", panics(|| mem::ldst_q_unscaled(true, vr(0), gs(1), 256))),
        ("ld1 lane 4 of .s", panics(|| mem::ld1_lane(Elem::S, vr(0), 4, gs(1)))),
    ];
    let missed: Vec<&str> = cases.iter().filter(|(_, caught)| !caught).map(|(name, _)| *name).collect();
    assert!(missed.is_empty(), "bad NEON operands not caught: {missed:?}");
}

// ---------------------------------------------------------------------------------------------
// A table checked against a third decoder

/// NEON words from the encoders, with the bytes LLVM 14's assembler gives for the text
/// (`llvm-mc -triple=aarch64 -show-encoding`, recorded once): one row or more per form.
#[test]
fn neon_table_agrees_with_llvm_mc() {
    use VecLen::V128;
    let (v1, v2, v3) = (vr(1), vr(2), vr(3));
    let rows: &[(u32, u32, &str)] = &[
        (arith::vec_int_binary(VecIntOp::Add, Arr::B16, v1, v2, v3), 0x4e238441, "add v1.16b, v2.16b, v3.16b"),
        (
            arith::vec_int_binary(VecIntOp::Sqrdmulh, Arr::H8, v1, v2, vr(31)),
            0x6e7fb441,
            "sqrdmulh v1.8h, v2.8h, v31.8h",
        ),
        (arith::vec_int_binary(VecIntOp::Sshl, Arr::D2, v1, v2, v3), 0x4ee34441, "sshl v1.2d, v2.2d, v3.2d"),
        (
            arith::vec_int_binary(VecIntOp::Urhadd, Arr::B16, vr(4), vr(5), vr(6)),
            0x6e2614a4,
            "urhadd v4.16b, v5.16b, v6.16b",
        ),
        (arith::vec_logical(VecLogicalOp::Bsl, V128, v1, v2, v3), 0x6e631c41, "bsl v1.16b, v2.16b, v3.16b"),
        (arith::vec_logical(VecLogicalOp::Orr, V128, v1, v2, v2), 0x4ea21c41, "mov v1.16b, v2.16b"),
        (arith::vec_fp_binary(VecFpOp::Fmin, FpArr::S4, v1, v2, v3), 0x4ea3f441, "fmin v1.4s, v2.4s, v3.4s"),
        (arith::vec_fp_binary(VecFpOp::Fcmgt, FpArr::D2, v1, v2, v3), 0x6ee3e441, "fcmgt v1.2d, v2.2d, v3.2d"),
        (unary::vec_int_unary(VecIntUnOp::Not, Arr::B16, v1, v2), 0x6e205841, "mvn v1.16b, v2.16b"),
        (unary::vec_int_unary(VecIntUnOp::Cmlt0, Arr::H8, v1, v2), 0x4e60a841, "cmlt v1.8h, v2.8h, #0"),
        (unary::vec_int_unary(VecIntUnOp::Cnt, Arr::B16, v1, v2), 0x4e205841, "cnt v1.16b, v2.16b"),
        (unary::vec_fp_unary(VecFpUnOp::Frintn, FpArr::D2, v1, v2), 0x4e618841, "frintn v1.2d, v2.2d"),
        (unary::vec_fp_unary(VecFpUnOp::Fcvtzu, FpArr::S4, v1, v2), 0x6ea1b841, "fcvtzu v1.4s, v2.4s"),
        (unary::vec_fp_unary(VecFpUnOp::Ucvtf, FpArr::D2, v1, v2), 0x6e61d841, "ucvtf v1.2d, v2.2d"),
        (unary::vec_narrow(NarrowOp::Sqxtun, Elem::B, true, v1, v2), 0x6e212841, "sqxtun2 v1.16b, v2.8h"),
        (unary::vec_narrow(NarrowOp::Uqxtn, Elem::H, false, v1, v2), 0x2e614841, "uqxtn v1.4h, v2.4s"),
        (unary::vec_fp_width(FpWidth::Narrow, false, v1, v2), 0x0e616841, "fcvtn v1.2s, v2.2d"),
        (unary::vec_fp_width(FpWidth::Widen, true, v1, v2), 0x4e617841, "fcvtl2 v1.2d, v2.4s"),
        (unary::vec_pairwise_long(false, Arr::H8, v1, v2), 0x6e602841, "uaddlp v1.4s, v2.8h"),
        (unary::vec_across(AcrossOp::Uminv, Arr::B16, v1, v2), 0x6e31a841, "uminv b1, v2.16b"),
        (unary::vec_across(AcrossOp::Addv, Arr::S4, v1, v2), 0x4eb1b841, "addv s1, v2.4s"),
        (long::vec_mul_long(MulLongOp::Umull, Elem::S, true, v1, v2, v3), 0x6ea3c041, "umull2 v1.2d, v2.4s, v3.4s"),
        (long::vec_mul_long(MulLongOp::Smull, Elem::B, false, v1, v2, v3), 0x0e23c041, "smull v1.8h, v2.8b, v3.8b"),
        (long::vec_mul_long(MulLongOp::Umlal, Elem::S, false, v1, v2, v3), 0x2ea38041, "umlal v1.2d, v2.2s, v3.2s"),
        (long::vec_mul_long(MulLongOp::Smlal, Elem::H, true, v1, v2, v3), 0x4e638041, "smlal2 v1.4s, v2.8h, v3.8h"),
        (vshift::vec_shll(Elem::S, false, v1, v2), 0x2ea13841, "shll v1.2d, v2.2s, #32"),
        (vshift::vec_shll(Elem::B, true, v1, v2), 0x6e213841, "shll2 v1.8h, v2.16b, #8"),
        (vshift::vec_shift_imm(VecShiftOp::Shl, Arr::B16, v1, v2, 7), 0x4f0f5441, "shl v1.16b, v2.16b, #7"),
        (vshift::vec_shift_imm(VecShiftOp::Sshr, Arr::D2, v1, v2, 64), 0x4f400441, "sshr v1.2d, v2.2d, #64"),
        (vshift::vec_shift_imm(VecShiftOp::Ushr, Arr::S4, v1, v2, 1), 0x6f3f0441, "ushr v1.4s, v2.4s, #1"),
        (vshift::vec_shift_long(true, Elem::S, false, v1, v2, 0), 0x0f20a441, "sxtl v1.2d, v2.2s"),
        (vshift::vec_shift_long(false, Elem::B, true, v1, v2, 0), 0x6f08a441, "uxtl2 v1.8h, v2.16b"),
        (permute::vec_permute(PermuteOp::Zip1, Arr::B16, v1, v2, v3), 0x4e033841, "zip1 v1.16b, v2.16b, v3.16b"),
        (permute::vec_permute(PermuteOp::Uzp2, Arr::S4, v1, v2, v3), 0x4e835841, "uzp2 v1.4s, v2.4s, v3.4s"),
        (permute::vec_ext(V128, v1, v2, v3, 15), 0x6e037841, "ext v1.16b, v2.16b, v3.16b, #15"),
        (permute::vec_tbl(false, V128, v1, vr(30), 2, v3), 0x4e0323c1, "tbl v1.16b, {v30.16b, v31.16b}, v3.16b"),
        (permute::vec_tbl(false, V128, v1, v2, 1, v3), 0x4e030041, "tbl v1.16b, {v2.16b}, v3.16b"),
        (lane::dup_element(Arr::H8, v1, v2, 7), 0x4e1e0441, "dup v1.8h, v2.h[7]"),
        (lane::dup_general(Arr::S4, v1, g(2)), 0x4e040c41, "dup v1.4s, w2"),
        (lane::ins_general(Elem::D, v1, 1, g(2)), 0x4e181c41, "mov v1.d[1], x2"),
        (lane::ins_element(Elem::B, v1, 15, v2, 0), 0x6e1f0441, "mov v1.b[15], v2.b[0]"),
        (lane::umov(Elem::H, g(1), v2, 7), 0x0e1e3c41, "umov w1, v2.h[7]"),
        (lane::umov(Elem::D, g(1), v2, 1), 0x4e183c41, "mov x1, v2.d[1]"),
        (lane::smov(Size::X, Elem::B, g(1), v2, 15), 0x4e1f2c41, "smov x1, v2.b[15]"),
        (imm::vec_movi(VecImm::Bytes(0x80), V128, v1), 0x4f04e401, "movi v1.16b, #128"),
        (
            imm::vec_movi(VecImm::Words { imm8: 0xff, shift: 24, invert: true }, V128, v1),
            0x6f0767e1,
            "mvni v1.4s, #255, lsl #24",
        ),
        (imm::vec_movi(VecImm::ByteMask(0b1000_0101), V128, v1), 0x6f04e4a1, "movi v1.2d, #0xff00000000ff00ff"),
        (mem::ldst_q_uimm(true, v1, gs(2), 65520), 0x3dfffc41, "ldr q1, [x2, #65520]"),
        (mem::ldst_q_uimm(false, v1, GprSp::SP, 16), 0x3d8007e1, "str q1, [sp, #16]"),
        (mem::ldst_q_unscaled(true, v1, gs(2), -16), 0x3cdf0041, "ldur q1, [x2, #-16]"),
        (mem::ldst_q_reg(true, v1, gs(2), g(3), IndexExtend::Lsl, true), 0x3ce37841, "ldr q1, [x2, x3, lsl #4]"),
        (mem::ldr_q_literal(v1, -1048576), 0x9c800001, "ldr q1, #-1048576"),
        (mem::ld1_lane(Elem::B, v1, 15, gs(2)), 0x4d401c41, "ld1 {v1.b}[15], [x2]"),
        (mem::st1_lane(Elem::D, v1, 1, GprSp::SP), 0x4d0087e1, "st1 {v1.d}[1], [sp]"),
        (mem::ld1r(Arr::D2, v1, gs(2)), 0x4d40cc41, "ld1r {v1.2d}, [x2]"),
    ];
    for &(word, expected, text) in rows {
        assert_eq!(word, expected, "`{text}`: encoded {word:08x}, LLVM's bytes are {expected:08x}");
    }
}
