//! The meaning of every e-graph opcode in SMT-LIB, with WebAssembly's semantics: the
//! prover's one table of opcode semantics (the interpreter's is
//! `wlab_ir::interp::numeric`; a counterexample is always re-run there).
//!
//! ```text
//! values      bit-vectors of their width; floats too, as their IEEE bits
//! integers    wrapping (bvadd ...); shift and rotate counts masked to width - 1
//! sign ops    fneg / fabs / fcopysign / select / bitcast: exact bit operations
//! arithmetic  float results via SMT floating point (RNE), returned as `Sem::Float`:
//!             the encoder gives them bits with `(= ((_ to_fp e s) bits) result)` and
//!             the quiet bit set when NaN: an arithmetic NaN of any sign and payload,
//!             as wasm allows (it also asks for the canonical NaN when every NaN
//!             operand is canonical; the prover does not, so it allows a little more)
//! traps       none: only pure operations enter the e-graph (`Egraph::Node` in the
//!             opcode table), so a rule can neither add nor remove a trap; the
//!             trapping opcodes are refused here as "not an e-graph operation"
//! ```
//!
//! Every opcode has its own arm (no `_ =>`), so a new opcode makes the compiler ask for
//! its meaning here. This file never talks to a solver.

use crate::egraph::language::Cc;
use wlab_ir::{FloatCC, IntCC, Opcode, Type};

/// An opcode's result.
pub enum Sem {
    /// The result's bits, exactly.
    Bits(String),
    /// A float result as an SMT floating-point term of this type: a NaN result stands
    /// for any NaN.
    Float(String, Type),
}

/// The bit width of a numeric type.
pub fn width(t: Type) -> u32 {
    match t {
        Type::I32 | Type::F32 => 32,
        Type::I64 | Type::F64 => 64,
        Type::V128 => 128,
        Type::FuncRef | Type::ExternRef => 0,
    }
}

/// `eb sb` of a float type.
pub fn fp_format(t: Type) -> &'static str {
    if t == Type::F32 {
        "8 24"
    } else {
        "11 53"
    }
}

/// The float with bits `x` (every NaN pattern is the one SMT NaN).
pub fn fp(x: &str, t: Type) -> String {
    format!("((_ to_fp {}) {x})", fp_format(t))
}

/// The bit-vector constant `n` of width `w`.
pub fn bv(n: u64, w: u32) -> String {
    format!("(_ bv{n} {w})")
}

fn bool_i32(b: String) -> String {
    format!("(ite {b} (_ bv1 32) (_ bv0 32))")
}

/// The float `2^k` (or `-2^k`) of type `t`, exact.
fn pow2_fp(k: u32, neg: bool, t: Type) -> String {
    let r = format!("{}.0", 1u128 << k);
    let r = if neg { format!("(- {r})") } else { r };
    format!("((_ to_fp {}) RNE {r})", fp_format(t))
}

/// Meaning of `op.ty` (condition `cc` for comparisons) on `args` (terms with their
/// types, already checked against the opcode's operand types). `Err`: not an
/// operation a rule can name, with the reason.
pub fn apply(op: Opcode, ty: Type, cc: Option<Cc>, args: &[(String, Type)]) -> Result<Sem, String> {
    let a = || args[0].0.clone();
    let b = || args[1].0.clone();
    let at = args.first().map_or(ty, |x| x.1);
    let w = width(ty);
    let aw = width(at);
    let bits = |s: String| Ok(Sem::Bits(s));
    let float = |s: String| Ok(Sem::Float(s, ty));
    let mask = |x: String| format!("(bvand {x} {})", bv(u64::from(w) - 1, w));
    let fa = || fp(&args[0].0, at);
    let fb = || fp(&args[1].0, at);
    let sign = |t: Type| 1u64 << (width(t) - 1);
    // Wasm min / max: NaN if either is NaN; -0 is below +0 (SMT leaves min(-0, +0) open).
    let minmax = |min: bool| {
        let (x, y) = (fa(), fb());
        let zero_sign = if min { "or" } else { "and" };
        let z = |neg: bool| format!("(_ {}zero {})", if neg { "-" } else { "+" }, fp_format(ty));
        format!(
            "(ite (or (fp.isNaN {x}) (fp.isNaN {y})) (_ NaN {f}) (ite (and (fp.isZero {x}) (fp.isZero {y})) \
             (ite ({zero_sign} (fp.isNegative {x}) (fp.isNegative {y})) {nz} {pz}) ({op} {x} {y})))",
            f = fp_format(ty),
            nz = z(true),
            pz = z(false),
            op = if min { "fp.min" } else { "fp.max" },
        )
    };
    // Saturating float -> integer: NaN is 0, out of range is the nearest bound.
    let to_int_sat = |signed: bool| {
        let x = fa();
        let r = format!("(fp.roundToIntegral RTZ {x})");
        let (lo, hi, max) = if signed {
            (bv(sign(ty), w), pow2_fp(w - 1, false, at), bv(sign(ty) - 1, w))
        } else {
            (bv(0, w), pow2_fp(w, false, at), bv(u64::MAX >> (64 - w), w))
        };
        let below =
            if signed { format!("(fp.lt {r} {})", pow2_fp(w - 1, true, at)) } else { format!("(fp.isNegative {r})") };
        let conv = if signed { format!("((_ fp.to_sbv {w}) RTZ {r})") } else { format!("((_ fp.to_ubv {w}) RTZ {r})") };
        format!("(ite (fp.isNaN {x}) {} (ite {below} {lo} (ite (fp.geq {r} {hi}) {max} {conv})))", bv(0, w))
    };
    // Bit i of a, as width w.
    let bit = |i: u32| format!("((_ extract {i} {i}) {})", a());
    match op {
        // ---- constants and selects (constants are built by the encoder) ----------
        Opcode::Iconst | Opcode::Fconst => Err(format!("`{}` takes a literal", op.name())),
        // Rule files cannot name SIMD operations (the loader refuses them).
        Opcode::Simd(_) => Err(format!("`{}` is a SIMD operation, outside the e-graph", op.name())),
        Opcode::Select => bits(format!("(ite (= {} (_ bv0 32)) {} {})", a(), args[2].0, b())),

        // ---- integer arithmetic --------------------------------------------------
        Opcode::Iadd => bits(format!("(bvadd {} {})", a(), b())),
        Opcode::Isub => bits(format!("(bvsub {} {})", a(), b())),
        Opcode::Imul => bits(format!("(bvmul {} {})", a(), b())),
        Opcode::Band => bits(format!("(bvand {} {})", a(), b())),
        Opcode::Bor => bits(format!("(bvor {} {})", a(), b())),
        Opcode::Bxor => bits(format!("(bvxor {} {})", a(), b())),
        Opcode::Ishl => bits(format!("(bvshl {} {})", a(), mask(b()))),
        Opcode::Ushr => bits(format!("(bvlshr {} {})", a(), mask(b()))),
        Opcode::Sshr => bits(format!("(bvashr {} {})", a(), mask(b()))),
        // A count of 0 shifts the other half by the width, which gives 0: x itself.
        Opcode::Rotl => {
            let k = mask(b());
            bits(format!("(bvor (bvshl {a} {k}) (bvlshr {a} (bvsub {} {k})))", bv(u64::from(w), w), a = a()))
        }
        Opcode::Rotr => {
            let k = mask(b());
            bits(format!("(bvor (bvlshr {a} {k}) (bvshl {a} (bvsub {} {k})))", bv(u64::from(w), w), a = a()))
        }
        Opcode::Clz => {
            let mut t = bv(u64::from(w), w);
            for i in 0..w {
                t = format!("(ite (= {} #b1) {} {t})", bit(i), bv(u64::from(w - 1 - i), w));
            }
            bits(t)
        }
        Opcode::Ctz => {
            let mut t = bv(u64::from(w), w);
            for i in (0..w).rev() {
                t = format!("(ite (= {} #b1) {} {t})", bit(i), bv(u64::from(i), w));
            }
            bits(t)
        }
        Opcode::Popcnt => {
            let terms: Vec<String> = (0..w).map(|i| format!("((_ zero_extend {}) {})", w - 1, bit(i))).collect();
            bits(format!("(bvadd {})", terms.join(" ")))
        }
        Opcode::Eqz => bits(bool_i32(format!("(= {} {})", a(), bv(0, aw)))),
        Opcode::Icmp => {
            let cc = cc.and_then(Cc::int).ok_or("icmp needs an integer condition")?;
            let f = match cc {
                IntCC::Eq => "=",
                IntCC::Ne => "distinct",
                IntCC::Slt => "bvslt",
                IntCC::Sle => "bvsle",
                IntCC::Sgt => "bvsgt",
                IntCC::Sge => "bvsge",
                IntCC::Ult => "bvult",
                IntCC::Ule => "bvule",
                IntCC::Ugt => "bvugt",
                IntCC::Uge => "bvuge",
            };
            bits(bool_i32(format!("({f} {} {})", a(), b())))
        }

        // ---- float arithmetic ------------------------------------------------------
        Opcode::Fadd => float(format!("(fp.add RNE {} {})", fa(), fb())),
        Opcode::Fsub => float(format!("(fp.sub RNE {} {})", fa(), fb())),
        Opcode::Fmul => float(format!("(fp.mul RNE {} {})", fa(), fb())),
        Opcode::Fdiv => float(format!("(fp.div RNE {} {})", fa(), fb())),
        Opcode::Fmin => float(minmax(true)),
        Opcode::Fmax => float(minmax(false)),
        Opcode::Fcopysign => {
            let s = bv(sign(ty), w);
            bits(format!("(bvor (bvand {} (bvnot {s})) (bvand {} {s}))", a(), b()))
        }
        Opcode::Fabs => bits(format!("(bvand {} (bvnot {}))", a(), bv(sign(ty), w))),
        Opcode::Fneg => bits(format!("(bvxor {} {})", a(), bv(sign(ty), w))),
        Opcode::Fsqrt => float(format!("(fp.sqrt RNE {})", fa())),
        Opcode::Fceil => float(format!("(fp.roundToIntegral RTP {})", fa())),
        Opcode::Ffloor => float(format!("(fp.roundToIntegral RTN {})", fa())),
        Opcode::Ftrunc => float(format!("(fp.roundToIntegral RTZ {})", fa())),
        Opcode::Fnearest => float(format!("(fp.roundToIntegral RNE {})", fa())),
        Opcode::Fcmp => {
            let cc = cc.and_then(Cc::float).ok_or("fcmp needs a float condition")?;
            let t = match cc {
                FloatCC::Eq => format!("(fp.eq {} {})", fa(), fb()),
                FloatCC::Ne => format!("(not (fp.eq {} {}))", fa(), fb()),
                FloatCC::Lt => format!("(fp.lt {} {})", fa(), fb()),
                FloatCC::Le => format!("(fp.leq {} {})", fa(), fb()),
                FloatCC::Gt => format!("(fp.gt {} {})", fa(), fb()),
                FloatCC::Ge => format!("(fp.geq {} {})", fa(), fb()),
            };
            bits(bool_i32(t))
        }

        // ---- conversions -------------------------------------------------------------
        Opcode::Ireduce => bits(format!("((_ extract 31 0) {})", a())),
        Opcode::Sextend => bits(format!("((_ sign_extend 32) {})", a())),
        Opcode::Uextend => bits(format!("((_ zero_extend 32) {})", a())),
        Opcode::Sext8 => bits(format!("((_ sign_extend {}) ((_ extract 7 0) {}))", w - 8, a())),
        Opcode::Sext16 => bits(format!("((_ sign_extend {}) ((_ extract 15 0) {}))", w - 16, a())),
        Opcode::Sext32 => bits(format!("((_ sign_extend 32) ((_ extract 31 0) {}))", a())),
        Opcode::FcvtToSintSat => bits(to_int_sat(true)),
        Opcode::FcvtToUintSat => bits(to_int_sat(false)),
        Opcode::FcvtFromSint => float(format!("((_ to_fp {}) RNE {})", fp_format(ty), a())),
        Opcode::FcvtFromUint => float(format!("((_ to_fp_unsigned {}) RNE {})", fp_format(ty), a())),
        Opcode::Fpromote | Opcode::Fdemote => float(format!("((_ to_fp {}) RNE {})", fp_format(ty), fa())),
        Opcode::Bitcast => bits(a()),

        // Not in the e-graph: rule files cannot name them (the loader refuses them).
        Opcode::RefNull
        | Opcode::RefFunc
        | Opcode::RefIsNull
        | Opcode::Copy
        | Opcode::Sdiv
        | Opcode::Udiv
        | Opcode::Srem
        | Opcode::Urem
        | Opcode::FcvtToSint
        | Opcode::FcvtToUint
        | Opcode::Load
        | Opcode::Uload8
        | Opcode::Sload8
        | Opcode::Uload16
        | Opcode::Sload16
        | Opcode::Uload32
        | Opcode::Sload32
        | Opcode::Store
        | Opcode::Istore8
        | Opcode::Istore16
        | Opcode::Istore32
        | Opcode::MemorySize
        | Opcode::MemoryGrow
        | Opcode::MemoryFill
        | Opcode::MemoryCopy
        | Opcode::MemoryInit
        | Opcode::DataDrop
        | Opcode::GlobalGet
        | Opcode::GlobalSet
        | Opcode::TableGet
        | Opcode::TableSet
        | Opcode::TableSize
        | Opcode::TableGrow
        | Opcode::TableFill
        | Opcode::TableCopy
        | Opcode::TableInit
        | Opcode::ElemDrop
        | Opcode::Call
        | Opcode::CallIndirect
        | Opcode::Jump
        | Opcode::Brif
        | Opcode::BrTable
        | Opcode::Return
        | Opcode::Trap => Err(format!("`{}` is not an e-graph operation", op.name())),
    }
}

/// How a rule's two results are compared, from what the left side's result is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Compare {
    /// Integers, and floats the left side computes exactly (its root is a sign
    /// operation, a select, a constant or an input, with no arithmetic below): the
    /// same bits.
    Exact,
    /// The left side's root is float arithmetic: when it is a NaN, wasm allows any
    /// arithmetic NaN (quiet bit set), so the right side must give one; otherwise the
    /// same bits.
    Arithmetic,
    /// The left side's root is exact but arithmetic below it may give a NaN of any
    /// bits: any NaN equals any NaN (which bits it has is wasm's choice, and the
    /// solver's choice on the left side could be made to differ from the right's).
    AnyNan,
}

/// The quiet bit of a NaN of type `t` (the top bit of the significand).
pub fn quiet_bit(t: Type) -> u32 {
    if t == Type::F32 {
        22
    } else {
        51
    }
}

/// Whether the float with bits `x` is an arithmetic NaN (quiet bit set), or no NaN.
pub fn arithmetic_if_nan(x: &str, t: Type) -> String {
    let q = quiet_bit(t);
    format!("(=> (fp.isNaN {}) (= ((_ extract {q} {q}) {x}) #b1))", fp(x, t))
}

/// Whether the right side's result `r` is one the left side's `l` allows.
pub fn same(l: &str, r: &str, t: Type, how: Compare) -> String {
    if !t.is_float() {
        return format!("(= {l} {r})");
    }
    let q = quiet_bit(t);
    match how {
        Compare::Exact => format!("(= {l} {r})"),
        Compare::Arithmetic => format!(
            "(ite (fp.isNaN {fl}) (and (fp.isNaN {fr}) (= ((_ extract {q} {q}) {r}) #b1)) (= {l} {r}))",
            fl = fp(l, t),
            fr = fp(r, t)
        ),
        Compare::AnyNan => format!("(or (= {l} {r}) (and (fp.isNaN {}) (fp.isNaN {})))", fp(l, t), fp(r, t)),
    }
}
