//! Executes encoder output under Unicorn (`cargo test -p wlab-backends --features unicorn`): small
//! functions built from the encoders run and their results are compared with Rust's own
//! arithmetic. This checks what the round-trip test cannot: that an encoder (and its alias
//! arithmetic, e.g. `lsl` as `ubfm`) means what its doc says.

#![cfg(feature = "unicorn")]

use wlab_backends::aarch64::emulate::{EmuError, Exit, Machine};
use wlab_backends::aarch64::enc::logical::{LogicalImm, LogicalOp};
use wlab_backends::aarch64::enc::pair::PairMode;
use wlab_backends::aarch64::enc::{
    arith, bits, branch, csel, float, loadstore, logical, misc, movwide, muldiv, pair, shift,
};
use wlab_backends::aarch64::regs::{Cond, FpSize, Gpr, GprSp, Shift, Size, VReg};

const BUDGET: usize = 1_000_000;

fn g(n: u8) -> Gpr {
    Gpr::new(n)
}

fn v(n: u8) -> VReg {
    VReg::new(n)
}

fn bytes(words: &[u32]) -> Vec<u8> {
    words.iter().flat_map(|w| w.to_le_bytes()).collect()
}

/// `mov xd, xs` as the assembler writes it (`orr xd, xzr, xs`).
fn mov(d: u8, s: u8) -> u32 {
    logical::logical_shifted(LogicalOp::Orr, Size::X, g(d), Gpr::ZR, g(s), Shift::Lsl, 0)
}

fn ret() -> u32 {
    branch::ret(Gpr::LR)
}

/// Runs `words` with integer arguments and returns x0.
fn run(words: &[u32], args: &[u64]) -> u64 {
    let mut m = Machine::new(&bytes(words)).unwrap();
    match m.call(0, args, &[], BUDGET).unwrap() {
        Exit::Returned { x0, .. } => x0,
        other => panic!("unexpected exit {other:?}"),
    }
}

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.0 = x;
        x
    }
}

#[test]
fn loop_sums_one_to_n() {
    // acc = 0; while n != 0 { acc += n; n -= 1 } return acc
    let code = [
        movwide::movz(Size::X, g(1), 0, 0),
        branch::cbz(Size::X, g(0), 16),
        arith::add_shifted(Size::X, g(1), g(1), g(0), Shift::Lsl, 0),
        arith::sub_imm(Size::X, GprSp::new(0), GprSp::new(0), 1, false),
        branch::b(-12),
        mov(0, 1),
        ret(),
    ];
    for n in [0u64, 1, 2, 100, 10_000] {
        assert_eq!(run(&code, &[n]), n * (n + 1) / 2, "n = {n}");
    }
}

#[test]
fn budget_stops_an_infinite_loop() {
    let mut m = Machine::new(&bytes(&[branch::b(0)])).unwrap();
    let err = m.call(0, &[], &[], 1000).unwrap_err();
    assert!(matches!(err, EmuError::BudgetExhausted { instructions: 1000, offset: 0 }), "{err}");
}

#[test]
fn frame_and_stack_slots_round_trip() {
    // stp x29, x30, [sp, #-32]!; mov x29, sp; str x0, [sp, #16]; stur w1, [sp, #24];
    // ldr x2, [sp, #16]; ldrsw x3, [x29, #24]; add x0, x2, x3; ldp x29, x30, [sp], #32; ret
    let sp = GprSp::SP;
    let code = [
        pair::ldst_pair(false, Size::X, PairMode::PreIndex, Gpr::FP, Gpr::LR, sp, -32),
        arith::add_imm(Size::X, GprSp::new(29), sp, 0, false),
        loadstore::ldst_uimm(loadstore::MemOp::StrX, g(0), sp, 16),
        loadstore::ldst_unscaled(loadstore::MemOp::StrW, g(1), sp, 24),
        loadstore::ldst_uimm(loadstore::MemOp::LdrX, g(2), sp, 16),
        loadstore::ldst_uimm(loadstore::MemOp::Ldrsw, g(3), GprSp::new(29), 24),
        arith::add_shifted(Size::X, g(0), g(2), g(3), Shift::Lsl, 0),
        pair::ldst_pair(true, Size::X, PairMode::PostIndex, Gpr::FP, Gpr::LR, sp, 32),
        ret(),
    ];
    assert_eq!(run(&code, &[1000, (-7i32) as u32 as u64]), 993);
}

#[test]
fn register_offset_loads_index_a_table() {
    // x0 = base, w1 = index: return ldr w0, [x0, w1, uxtw #2]
    let base = 0x2000_0000u64;
    let code = [
        loadstore::ldst_reg(loadstore::MemOp::LdrW, g(0), GprSp::new(0), g(1), loadstore::IndexExtend::Uxtw, true),
        ret(),
    ];
    let mut m = Machine::new(&bytes(&code)).unwrap();
    m.map_data(base, 4096).unwrap();
    let table: Vec<u8> = (0..16u32).flat_map(|i| (i * 11 + 3).to_le_bytes()).collect();
    m.write(base, &table).unwrap();
    for i in 0..16u64 {
        match m.call(0, &[base, i | 0xffff_ffff_0000_0000], &[], BUDGET).unwrap() {
            Exit::Returned { x0, .. } => assert_eq!(x0, i * 11 + 3, "index {i}"),
            other => panic!("{other:?}"),
        }
    }
}

#[test]
fn every_64_bit_logical_immediate_materialises_its_value() {
    // Every rotated run of ones in every element size, replicated: all 5,334 bitmask immediates,
    // each as `mov x0, #imm; ret` in one buffer.
    let mut values = Vec::new();
    for e in [2u32, 4, 8, 16, 32, 64] {
        let mask = if e == 64 { u64::MAX } else { (1u64 << e) - 1 };
        for ones in 1..e {
            let run = (1u64 << ones) - 1;
            for r in 0..e {
                let elem = if r == 0 { run } else { ((run >> r) | (run << (e - r))) & mask };
                let value = (0..64).step_by(e as usize).fold(0u64, |acc, k| acc | elem << k);
                values.push(value);
            }
        }
    }
    assert_eq!(values.len(), 5334);
    let mut words = Vec::new();
    for &value in &values {
        let imm = LogicalImm::new(value, Size::X).unwrap_or_else(|| panic!("{value:#x} not encodable"));
        words.push(logical::orr_imm(Size::X, GprSp::new(0), Gpr::ZR, imm));
        words.push(ret());
    }
    let mut m = Machine::new(&bytes(&words)).unwrap();
    for (k, &value) in values.iter().enumerate() {
        match m.call(8 * k as u64, &[], &[], BUDGET).unwrap() {
            Exit::Returned { x0, .. } => assert_eq!(x0, value, "mov x0, #{value:#x}"),
            other => panic!("{other:?}"),
        }
    }
}

#[test]
fn integer_operations_agree_with_rust() {
    let mut rng = Rng(0xa64e_0001);
    let x = Size::X;
    let w = Size::W;
    type Case = (&'static str, Vec<u32>, fn(u64, u64) -> u64);
    let cases: Vec<Case> = vec![
        ("madd", vec![muldiv::madd(x, g(0), g(0), g(1), g(1))], |a, b| a.wrapping_mul(b).wrapping_add(b)),
        ("msub", vec![muldiv::msub(x, g(0), g(0), g(1), g(1))], |a, b| b.wrapping_sub(a.wrapping_mul(b))),
        ("umulh", vec![muldiv::umulh(g(0), g(0), g(1))], |a, b| ((a as u128 * b as u128) >> 64) as u64),
        ("smulh", vec![muldiv::smulh(g(0), g(0), g(1))], |a, b| ((a as i64 as i128 * b as i64 as i128) >> 64) as u64),
        ("udiv", vec![muldiv::udiv(x, g(0), g(0), g(1))], |a, b| a.checked_div(b).unwrap_or(0)),
        ("sdiv w", vec![muldiv::sdiv(w, g(0), g(0), g(1))], |a, b| {
            (a as i32).checked_div(b as i32).unwrap_or(if b as i32 == 0 { 0 } else { i32::MIN }) as u32 as u64
        }),
        ("lslv", vec![shift::shift_reg(shift::ShiftOp::Lslv, x, g(0), g(0), g(1))], |a, b| a << (b & 63)),
        ("asrv w", vec![shift::shift_reg(shift::ShiftOp::Asrv, w, g(0), g(0), g(1))], |a, b| {
            ((a as i32) >> (b & 31)) as u32 as u64
        }),
        ("rorv", vec![shift::shift_reg(shift::ShiftOp::Rorv, x, g(0), g(0), g(1))], |a, b| {
            a.rotate_right((b & 63) as u32)
        }),
        ("lsl #13", vec![shift::lsl_imm(x, g(0), g(0), 13)], |a, _| a << 13),
        ("lsr w #7", vec![shift::lsr_imm(w, g(0), g(0), 7)], |a, _| (a as u32 >> 7) as u64),
        ("asr #63", vec![shift::asr_imm(x, g(0), g(0), 63)], |a, _| ((a as i64) >> 63) as u64),
        ("ror w #5", vec![shift::ror_imm(w, g(0), g(0), 5)], |a, _| (a as u32).rotate_right(5) as u64),
        ("sxtb", vec![shift::sxtb(x, g(0), g(0))], |a, _| a as i8 as i64 as u64),
        ("sxth w", vec![shift::sxth(w, g(0), g(0))], |a, _| a as i16 as i32 as u32 as u64),
        ("sxtw", vec![shift::sxtw(g(0), g(0))], |a, _| a as i32 as i64 as u64),
        ("uxtb", vec![shift::uxtb(g(0), g(0))], |a, _| a as u8 as u64),
        ("uxth", vec![shift::uxth(g(0), g(0))], |a, _| a as u16 as u64),
        ("clz", vec![bits::clz(x, g(0), g(0))], |a, _| a.leading_zeros() as u64),
        ("ctz w", vec![bits::rbit(w, g(0), g(0)), bits::clz(w, g(0), g(0))], |a, _| (a as u32).trailing_zeros() as u64),
        ("rev", vec![bits::rev(x, g(0), g(0))], |a, _| a.swap_bytes()),
        (
            "popcnt",
            vec![
                float::fmov_from_gp(x, v(0), g(0)),
                bits::cnt_8b(v(0), v(0)),
                bits::addv_8b(v(0), v(0)),
                float::fmov_to_gp(w, g(0), v(0)),
            ],
            |a, _| a.count_ones() as u64,
        ),
        (
            "lt_s",
            vec![arith::subs_shifted(x, Gpr::ZR, g(0), g(1), Shift::Lsl, 0), csel::cset(x, g(0), Cond::Lt)],
            |a, b| ((a as i64) < (b as i64)) as u64,
        ),
        (
            "select ge_u",
            vec![arith::subs_shifted(x, Gpr::ZR, g(0), g(1), Shift::Lsl, 0), csel::csel(x, g(0), g(0), g(1), Cond::Hs)],
            |a, b| if a >= b { a } else { b },
        ),
        (
            "add uxtw #2",
            vec![arith::add_ext(x, GprSp::new(0), GprSp::new(0), g(1), wlab_backends::aarch64::regs::Extend::Uxtw, 2)],
            |a, b| a.wrapping_add((b as u32 as u64) << 2),
        ),
        ("bic ror #9", vec![logical::logical_shifted(LogicalOp::Bic, x, g(0), g(0), g(1), Shift::Ror, 9)], |a, b| {
            a & !b.rotate_right(9)
        }),
        (
            "movk chain",
            vec![
                movwide::movn(x, g(0), 0x1234, 16),
                movwide::movk(x, g(0), 0xbeef, 48),
                movwide::movk(w, g(0), 0x5555, 0),
            ],
            |_, _| 0x0000_0000_edcb_5555,
        ),
    ];
    for (name, mut words, expected) in cases {
        words.push(ret());
        let mut m = Machine::new(&bytes(&words)).unwrap();
        let mut inputs = vec![(0u64, 0u64), (u64::MAX, 1), (1 << 63, u64::MAX), (0x8000_0000, 0xffff_ffff)];
        for _ in 0..64 {
            inputs.push((rng.next(), rng.next() >> (rng.next() % 64)));
        }
        for (a, b) in inputs {
            let got = match m.call(0, &[a, b], &[], BUDGET).unwrap() {
                Exit::Returned { x0, .. } => x0,
                other => panic!("{name}: {other:?}"),
            };
            assert_eq!(got, expected(a, b), "{name}({a:#x}, {b:#x})");
        }
    }
}

#[test]
fn float_operations_agree_with_rust() {
    let mut m = Machine::new(&bytes(&[
        // 0x00: d0 = min(d0, d1)
        float::fp_binary(float::FpBinOp::Fmin, FpSize::D, v(0), v(0), v(1)),
        ret(),
        // 0x08: x0 = fcvtzs(sqrt(d0))
        float::fp_unary(float::FpUnOp::Fsqrt, FpSize::D, v(0), v(0)),
        float::fp_to_int(true, Size::X, g(0), FpSize::D, v(0)),
        ret(),
        // 0x14: d0 = (f64)(f32)(u32)w0 + 1.5
        float::int_to_fp(false, FpSize::S, v(0), Size::W, g(0)),
        float::fcvt(FpSize::D, v(0), FpSize::S, v(0)),
        float::fmov_imm(FpSize::D, v(1), float::encode_fp_imm8(1.5).unwrap() as u32),
        float::fp_binary(float::FpBinOp::Fadd, FpSize::D, v(0), v(0), v(1)),
        ret(),
        // 0x28: x0 = d0 < d1 (ordered), via fcmp + cset mi
        float::fcmp(FpSize::D, v(0), v(1)),
        csel::cset(Size::X, g(0), Cond::Mi),
        ret(),
        // 0x34: d0 = frintn(d0)
        float::fp_unary(float::FpUnOp::Frintn, FpSize::D, v(0), v(0)),
        ret(),
    ]))
    .unwrap();
    let mut call = |offset: u64, ints: &[u64], floats: &[f64]| {
        let bits: Vec<u64> = floats.iter().map(|f| f.to_bits()).collect();
        match m.call(offset, ints, &bits, BUDGET).unwrap() {
            Exit::Returned { x0, d0 } => (x0, f64::from_bits(d0)),
            other => panic!("{other:?}"),
        }
    };
    assert_eq!(call(0x00, &[], &[2.5, -1.0]).1, -1.0);
    assert!(call(0x00, &[], &[0.0, -0.0]).1.is_sign_negative(), "fmin orders -0 below +0");
    assert!(call(0x00, &[], &[f64::NAN, 1.0]).1.is_nan(), "fmin propagates NaN");
    assert_eq!(call(0x08, &[], &[1e6]).0, 1000);
    assert_eq!(call(0x08, &[], &[f64::INFINITY]).0, i64::MAX as u64, "fcvtzs saturates");
    assert_eq!(call(0x14, &[16_777_217], &[]).1, 16_777_216.0 + 1.5, "u32 -> f32 rounds to even");
    assert_eq!(call(0x28, &[], &[1.0, 2.0]).0, 1);
    assert_eq!(call(0x28, &[], &[2.0, 1.0]).0, 0);
    assert_eq!(call(0x28, &[], &[f64::NAN, 1.0]).0, 0, "unordered is not less");
    assert_eq!(call(0x34, &[], &[2.5]).1, 2.0, "ties to even");
    assert_eq!(call(0x34, &[], &[-3.5]).1, -4.0);
}

#[test]
fn traps_report_the_trapping_word() {
    let code = [misc::nop(), branch::cbz(Size::X, g(0), 12), misc::udf(7), misc::nop(), misc::brk(0x3e8), ret()];
    let mut m = Machine::new(&bytes(&code)).unwrap();
    assert_eq!(m.call(0, &[1], &[], BUDGET).unwrap(), Exit::Trapped { offset: 8, word: misc::udf(7) });
    assert_eq!(m.call(0, &[0], &[], BUDGET).unwrap(), Exit::Trapped { offset: 16, word: misc::brk(0x3e8) });
}

#[test]
fn unmapped_access_is_a_memory_fault() {
    let code = [misc::nop(), loadstore::ldst_uimm(loadstore::MemOp::LdrX, g(0), GprSp::new(0), 8), ret()];
    let mut m = Machine::new(&bytes(&code)).unwrap();
    assert_eq!(m.call(0, &[0x4000_0000], &[], BUDGET).unwrap(), Exit::MemoryFault { offset: 4 });
    let store = [loadstore::ldst_unscaled(loadstore::MemOp::Strb, g(1), GprSp::new(0), -1), ret()];
    let mut m = Machine::new(&bytes(&store)).unwrap();
    assert_eq!(m.call(0, &[0x4000_0000, 5], &[], BUDGET).unwrap(), Exit::MemoryFault { offset: 0 });
}

// ---------------------------------------------------------------------------------------------
// NEON: the lane semantics the encoder docs promise (and wasm relies on)

mod neon {
    use super::*;
    use wlab_backends::aarch64::enc::neon::arith::{self, VecFpOp, VecIntOp};
    use wlab_backends::aarch64::enc::neon::imm::{self, VecImm};
    use wlab_backends::aarch64::enc::neon::permute;
    use wlab_backends::aarch64::enc::neon::unary::{self, VecFpUnOp};
    use wlab_backends::aarch64::enc::neon::{mem, Arr, FpArr, VecLen};

    const DATA: u64 = 0x2000_0000;

    /// Runs `ldr q0, [x0]; ldr q1, [x0, #16]; body (result in v2); str q2, [x0, #32]` on the two
    /// 16-byte inputs and returns v2's bytes.
    fn run_vec(body: &[u32], a: [u8; 16], b: [u8; 16]) -> [u8; 16] {
        let x0 = GprSp::new(0);
        let mut code = vec![mem::ldst_q_uimm(true, v(0), x0, 0), mem::ldst_q_uimm(true, v(1), x0, 16)];
        code.extend_from_slice(body);
        code.push(mem::ldst_q_uimm(false, v(2), x0, 32));
        code.push(ret());
        let mut m = Machine::new(&bytes(&code)).unwrap();
        m.map_data(DATA, 4096).unwrap();
        m.write(DATA, &a).unwrap();
        m.write(DATA + 16, &b).unwrap();
        match m.call(0, &[DATA], &[], BUDGET).unwrap() {
            Exit::Returned { .. } => {}
            other => panic!("unexpected exit {other:?}"),
        }
        m.read(DATA + 32, 16).unwrap().try_into().unwrap()
    }

    fn random_bytes(rng: &mut Rng) -> [u8; 16] {
        let (lo, hi) = (rng.next(), rng.next());
        let mut out = [0u8; 16];
        out[..8].copy_from_slice(&lo.to_le_bytes());
        out[8..].copy_from_slice(&hi.to_le_bytes());
        out
    }

    #[test]
    fn sshl_shifts_by_the_signed_low_byte_of_each_count_lane() {
        let mut rng = Rng(0x5eed_0001);
        let body = [arith::vec_int_binary(VecIntOp::Sshl, Arr::B16, v(2), v(0), v(1))];
        for _ in 0..20 {
            let a = random_bytes(&mut rng);
            let counts: [u8; 16] = std::array::from_fn(|i| (i as i8 - 8) as u8); // -8..=7
            let got = run_vec(&body, a, counts);
            for i in 0..16 {
                let (x, c) = (a[i] as i8, counts[i] as i8);
                let want = if c >= 0 { x.wrapping_shl(c as u32) } else { x >> (-c).min(7) };
                assert_eq!(got[i] as i8, want, "lane {i}: {x} sshl {c}");
            }
        }
    }

    #[test]
    fn tbl_gives_zero_for_out_of_range_indexes() {
        let mut rng = Rng(0x5eed_0002);
        let body = [permute::vec_tbl(false, VecLen::V128, v(2), v(0), 1, v(1))];
        for _ in 0..20 {
            let table = random_bytes(&mut rng);
            let idx = random_bytes(&mut rng).map(|b| b % 40);
            let got = run_vec(&body, table, idx);
            for i in 0..16 {
                let want = if idx[i] < 16 { table[idx[i] as usize] } else { 0 };
                assert_eq!(got[i], want, "lane {i}: index {}", idx[i]);
            }
        }
    }

    fn f32s(x: [f32; 4]) -> [u8; 16] {
        let mut out = [0u8; 16];
        for (i, f) in x.iter().enumerate() {
            out[4 * i..4 * i + 4].copy_from_slice(&f.to_bits().to_le_bytes());
        }
        out
    }

    fn lanes32(b: [u8; 16]) -> [u32; 4] {
        std::array::from_fn(|i| u32::from_le_bytes(b[4 * i..4 * i + 4].try_into().unwrap()))
    }

    #[test]
    fn fmin_and_fmax_propagate_nan_and_order_negative_zero_first() {
        let a = f32s([f32::NAN, -0.0, 1.0, 0.0]);
        let b = f32s([1.0, 0.0, f32::NAN, -0.0]);
        let min = lanes32(run_vec(&[arith::vec_fp_binary(VecFpOp::Fmin, FpArr::S4, v(2), v(0), v(1))], a, b));
        let max = lanes32(run_vec(&[arith::vec_fp_binary(VecFpOp::Fmax, FpArr::S4, v(2), v(0), v(1))], a, b));
        assert!(f32::from_bits(min[0]).is_nan() && f32::from_bits(min[2]).is_nan(), "{min:x?}");
        assert!(f32::from_bits(max[0]).is_nan() && f32::from_bits(max[2]).is_nan(), "{max:x?}");
        assert_eq!([min[1], min[3]], [(-0.0f32).to_bits(); 2]);
        assert_eq!([max[1], max[3]], [0.0f32.to_bits(); 2]);
    }

    #[test]
    fn fcvtzs_saturates_and_gives_zero_for_nan() {
        let a = f32s([f32::NAN, 3e9, -3e9, -1.7]);
        let got = lanes32(run_vec(&[unary::vec_fp_unary(VecFpUnOp::Fcvtzs, FpArr::S4, v(2), v(0))], a, a));
        assert_eq!(got.map(|x| x as i32), [0, i32::MAX, i32::MIN, -1]);
    }

    #[test]
    fn sqrdmulh_is_wasm_q15mulr_sat_s() {
        let mut rng = Rng(0x5eed_0003);
        let body = [arith::vec_int_binary(VecIntOp::Sqrdmulh, Arr::H8, v(2), v(0), v(1))];
        for round in 0..20 {
            let (mut a, b) = (random_bytes(&mut rng), random_bytes(&mut rng));
            if round == 0 {
                a = [0x00, 0x80].repeat(8).try_into().unwrap(); // i16::MIN * i16::MIN saturates
            }
            let b = if round == 0 { a } else { b };
            let got = run_vec(&body, a, b);
            for i in 0..8 {
                let x = i16::from_le_bytes([a[2 * i], a[2 * i + 1]]) as i32;
                let y = i16::from_le_bytes([b[2 * i], b[2 * i + 1]]) as i32;
                let want = ((x * y + 0x4000) >> 15).clamp(i16::MIN as i32, i16::MAX as i32) as i16;
                assert_eq!(i16::from_le_bytes([got[2 * i], got[2 * i + 1]]), want, "{x} * {y}");
            }
        }
    }

    #[test]
    fn movi_writes_the_pattern_its_value_says() {
        for (k, imm) in VecImm::all().enumerate().filter(|(k, _)| k % 23 == 0) {
            let got = run_vec(&[imm::vec_movi(imm, VecLen::V128, v(2))], [0xaa; 16], [0x55; 16]);
            let want = imm.value().to_le_bytes();
            assert_eq!(got[..8], want, "form {k}: {imm:?}");
            assert_eq!(got[8..], want, "form {k}: {imm:?}");
        }
    }
}
