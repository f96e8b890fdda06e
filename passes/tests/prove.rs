//! The rule prover against z3: every shipped rule is proved (or on the allow-list
//! below, with its reason), and wrong rules get counterexamples that the IR
//! interpreter confirms. Needs the `z3` program (Debian package `z3`, installed by
//! `scripts/test.sh`).

use wlab_passes::egraph::prove::report::{ProveReport, Verdict};
use wlab_passes::egraph::prove::{prove, ProveOptions};
use wlab_passes::egraph::rules::{parse_rules, RuleSet};

/// Shipped rules the prover does not prove, with the reason. A test asserts the list
/// is exact: a new rule that is not proved fails it until it is listed here (with a
/// reason) or fixed.
const NOT_PROVED: &[(&str, &str)] = &[];

fn prove_text(text: &str) -> ProveReport {
    let rules = parse_rules("test.rules", text).unwrap();
    prove(&rules, &ProveOptions { timeout_ms: 10_000 }).unwrap()
}

fn verdict(text: &str) -> Verdict {
    prove_text(text).rules.remove(0).verdict
}

#[test]
fn every_shipped_rule_is_proved_or_listed_with_its_reason() {
    let set = RuleSet::shipped();
    // Generous: the two 64-bit shift-pair rules take seconds of CPU, and a loaded machine
    // stretches that; the verdicts, not the time, are what this test pins.
    let report = prove(&set.rules, &ProveOptions { timeout_ms: 120_000 }).unwrap();
    let mut not_proved: Vec<(String, String)> = Vec::new();
    for r in &report.rules {
        match &r.verdict {
            Verdict::Proved => {}
            Verdict::Counterexample(_) => panic!("shipped rule is unsound:\n{}", r.text()),
            Verdict::Unknown { reason } => not_proved.push((r.name.clone(), reason.clone())),
        }
    }
    let names: Vec<&str> = not_proved.iter().map(|(n, _)| n.as_str()).collect();
    let listed: Vec<&str> = NOT_PROVED.iter().map(|(n, _)| *n).collect();
    assert_eq!(names, listed, "rules not proved: {not_proved:?}");
    assert_eq!(report.proved, set.rules.len() - NOT_PROVED.len());
}

#[test]
fn wrong_sub_gets_a_counterexample_confirmed_by_execution() {
    let report = prove_text("wrong-sub: (isub.i32 ?x ?y) => (isub.i32 ?y ?x)");
    assert_eq!(report.summary(), "0 proved, 1 counterexamples, 0 unknown");
    let Verdict::Counterexample(c) = &report.rules[0].verdict else { panic!("{}", report.text()) };
    assert_ne!(c.before, c.after);
    assert!(c.before_ir.contains("isub.i32 v0, v1"), "{}", c.before_ir);
    assert!(c.after_ir.contains("isub.i32 v1, v0"), "{}", c.after_ir);
    assert!(report.text().contains("counterexample  wrong-sub"), "{}", report.text());
}

#[test]
fn subtly_wrong_rules_get_counterexamples() {
    for rule in [
        // Shift amounts are taken modulo 32: 16 + 16 shifts by 0, not by 32.
        "shl-shl-unmasked: (ishl.i32 (ishl.i32 ?x (iconst.i32 ?a)) (iconst.i32 ?b)) => (ishl.i32 ?x (iconst.i32 (add ?a ?b)))",
        // A shift by 32 is a shift by 0.
        "shl-32-is-zero: (ishl.i32 ?x (iconst.i32 32)) => (iconst.i32 0)",
        // 0 - (+0) is +0, fneg (+0) is -0.
        "fneg-is-sub: (fneg.f32 ?x) => (fsub.f32 (fconst.f32 0) ?x)",
        // -0 + +0 is +0.
        "fadd-zero: (fadd.f64 ?x (fconst.f64 0)) => ?x",
        // inf - inf is NaN.
        "fsub-self: (fsub.f32 ?x ?x) => (fconst.f32 0)",
        // The signed comparison is not the unsigned one.
        "slt-is-ult: (icmp.i32 slt ?a ?b) => (icmp.i32 ult ?a ?b)",
        // (x << c) >> c (unsigned) keeps the low 32 - c bits only for c < 32 (mod 32).
        "shl-ushr-mask-64-no-cond: (ushr.i64 (ishl.i64 ?x (iconst.i64 ?c)) (iconst.i64 ?c)) => (band.i64 ?x (iconst.i64 (sub (shl 1 (sub 64 ?c)) 1)))",
        // Swapping the operands of a comparison needs the swapped condition.
        "cmp-swap-same-cc: (icmp.i32 ?cc ?a ?b) => (icmp.i32 ?cc ?b ?a)",
        // Negating a comparison needs the inverse condition, not the swapped one.
        "eqz-icmp-swap: (eqz.i32 (icmp.i64 ?cc ?a ?b)) => (icmp.i64 (swap ?cc) ?a ?b)",
        // Saturating conversions differ on negative and large floats (the float type is
        // open: both f32 and f64 instances are checked).
        "uint-sat-is-sint-sat: (fcvt_to_uint_sat.i32 ?x) => (fcvt_to_sint_sat.i32 ?x)",
        // Subtraction does not commute (the constant is an iconst in the counterexample).
        "const-right-sub: (isub.i32 ?c ?x) => (isub.i32 ?x ?c) if const(?c) and not-const(?x)",
        // Folding onto the base forgets the offset.
        "offset-dropped: (iadd.i32 ?y (iconst.i32 ?b)) => (iadd.i32 (base ?y) (iconst.i32 ?b)) if offset(?y)",
        // Off by one in a computed literal.
        "mul-pow2-off-by-one: (imul.i64 ?x (iconst.i64 ?c)) => (ishl.i64 ?x (iconst.i64 (add (log2 ?c) 1))) if power-of-two(?c)",
        // Demoting loses precision.
        "promote-demote: (fpromote.f64 (fdemote.f32 ?x)) => ?x",
    ] {
        let v = verdict(rule);
        let Verdict::Counterexample(c) = &v else { panic!("{rule}: {v:?}") };
        assert_ne!(c.before, c.after, "{rule}");
    }
}

#[test]
fn a_conditional_rule_is_proved_only_with_its_condition() {
    let with = "shl-shl: (ishl.i32 (ishl.i32 ?x (iconst.i32 ?a)) (iconst.i32 ?b)) => (ishl.i32 ?x (iconst.i32 (add ?a ?b))) if sum-below-32(?a, ?b)";
    assert!(matches!(verdict(with), Verdict::Proved), "{:?}", verdict(with));
    let without = with.split(" if ").next().unwrap();
    assert!(matches!(verdict(without), Verdict::Counterexample(_)));
    let select = "select-true: (select.i32 (iconst.i32 ?k) ?a ?b) => ?a";
    assert!(matches!(verdict(select), Verdict::Counterexample(_)));
    assert!(matches!(verdict(&format!("{select} if nonzero(?k)")), Verdict::Proved));
}

#[test]
fn trapping_operations_cannot_be_named_by_a_rule() {
    // `sdiv x -1` traps for MIN; a rule cannot drop that trap because the e-graph never
    // holds a trapping operation: the loader refuses the rule.
    let e = parse_rules("t.rules", "sdiv-minus-one: (sdiv.i32 ?x (iconst.i32 -1)) => (isub.i32 (iconst.i32 0) ?x)")
        .unwrap_err()
        .to_string();
    assert!(e.contains("not a pure operation"), "{e}");
}

#[test]
fn nan_results_follow_wasm() {
    // Arithmetic gives an arithmetic NaN (quiet bit set), so it cannot be replaced by
    // its signaling NaN operand: x * 1.0 is not x when x is a signaling NaN.
    for rule in ["fmul-one: (fmul.f32 ?x (fconst.f32 0x3f800000)) => ?x", "fmax-self: (fmax.f64 ?x ?x) => ?x"] {
        let v = verdict(rule);
        let Verdict::Counterexample(c) = &v else { panic!("{rule}: {v:?}") };
        assert!(c.before.contains("nan"), "{rule}: {c:?}");
    }
    // Any arithmetic NaN may stand for another: both sides of min's commutation give
    // NaNs for the same inputs, and the same number (-0 below +0) otherwise.
    assert!(matches!(verdict("fmin-comm: (fmin.f32 ?x ?y) => (fmin.f32 ?y ?x)"), Verdict::Proved));
    // Sign operations are exact on bits: fneg of a NaN is not fabs of it.
    assert!(matches!(verdict("fneg-fabs: (fneg.f32 (fabs.f32 ?x)) => (fabs.f32 ?x)"), Verdict::Counterexample(_)));
    assert!(matches!(verdict("fneg-fneg: (fneg.f64 (fneg.f64 ?x)) => ?x"), Verdict::Proved));
}

#[test]
fn a_rule_the_solver_cannot_settle_in_time_is_unknown_with_the_reason() {
    // Commutativity of f64 addition, bit-blasted: far beyond 100 ms.
    let rules = parse_rules("t.rules", "fadd-comm: (fadd.f64 ?x ?y) => (fadd.f64 ?y ?x)").unwrap();
    let report = prove(&rules, &ProveOptions { timeout_ms: 100 }).unwrap();
    let Verdict::Unknown { reason } = &report.rules[0].verdict else { panic!("{}", report.text()) };
    assert_eq!(reason, "time limit of 100 ms");
    assert_eq!(report.summary(), "0 proved, 0 counterexamples, 1 unknown");
}

/// Edge values of each type, as bits.
fn edge_values(t: wlab_ir::Type) -> Vec<u64> {
    use wlab_ir::Type;
    match t {
        Type::I32 => [0i32, 1, -1, i32::MIN, i32::MAX, 31, 32, 33, 0x80, 0xff, 0x8000, 12_345_678, -7]
            .iter()
            .map(|&x| x as u32 as u64)
            .collect(),
        Type::I64 => {
            [0i64, 1, -1, i64::MIN, i64::MAX, 63, 64, 65, 0x80, 0x8000, 0x8000_0000, 0xffff_ffff, (1 << 40) + 3, -7]
                .iter()
                .map(|&x| x as u64)
                .collect()
        }
        Type::F32 => {
            let mut v: Vec<u64> =
                [0.0f32, -0.0, 1.0, -1.5, 2.5, 0.5, f32::INFINITY, f32::NEG_INFINITY, 3e9, -3e9, 1e-40]
                    .iter()
                    .map(|x| x.to_bits() as u64)
                    .collect();
            v.extend([
                0x7fc0_0000,
                0x7f80_0001,
                0xffc0_0000,
                f32::MAX.to_bits() as u64,
                2147483648.0f32.to_bits() as u64,
            ]);
            v
        }
        Type::F64 => {
            let mut v: Vec<u64> =
                [0.0f64, -0.0, 1.0, -1.5, 2.5, 0.5, f64::INFINITY, f64::NEG_INFINITY, 9.3e18, -9.3e18, 1.8e19, 5e-324]
                    .iter()
                    .map(|x| x.to_bits())
                    .collect();
            v.extend([0x7ff8_0000_0000_0000, 0x7ff0_0000_0000_0001, 0xfff8_0000_0000_0000, 4294967296.5f64.to_bits()]);
            v
        }
        Type::FuncRef | Type::ExternRef | Type::V128 => vec![],
    }
}

/// The SMT table (`semantics.rs`) agrees with the interpreter's numerics
/// (`wlab_ir::interp::numeric`) on edge values, for every e-graph opcode, type and
/// condition: the prover's meaning of an opcode is the one programs run with.
#[test]
fn the_smt_semantics_agree_with_the_interpreter() {
    use wlab_ir::interp::{numeric, Val};
    use wlab_ir::opinfo::{Arg, Egraph};
    use wlab_ir::{FloatCC, Imm, IntCC, Opcode, Type};
    use wlab_passes::egraph::language::Cc;
    use wlab_passes::egraph::prove::semantics::{apply, bv, fp, same, width, Compare, Sem};
    use wlab_passes::egraph::prove::solver::{Answer, Z3};

    let val = |t: Type, b: u64| match t {
        Type::I32 => Val::I32(b as u32 as i32),
        Type::I64 => Val::I64(b as i64),
        Type::F32 => Val::F32(b as u32),
        _ => Val::F64(b),
    };
    let bits = |v: Val| match v {
        Val::I32(x) => x as u32 as u64,
        Val::I64(x) => x as u64,
        Val::F32(x) => x as u64,
        Val::F64(x) => x,
        Val::FuncRef(_) | Val::ExternRef(_) | Val::V128(_) => unreachable!("only numeric scalars are compared"),
    };
    let mut z3 = Z3::start().unwrap();
    let mut checked = 0;
    let nums = [Type::I32, Type::I64, Type::F32, Type::F64];
    for &op in Opcode::SCALAR {
        let info = op.info();
        if info.egraph != Egraph::Node || matches!(op, Opcode::Iconst | Opcode::Fconst) {
            continue;
        }
        let specs = info.operands.fixed().unwrap();
        let ccs: Vec<(Option<Cc>, Imm)> = match op {
            Opcode::Icmp => IntCC::ALL.iter().map(|&c| (Some(Cc::Int(c)), Imm::IntCC(c))).collect(),
            Opcode::Fcmp => FloatCC::ALL.iter().map(|&c| (Some(Cc::of_float(c)), Imm::FloatCC(c))).collect(),
            _ => vec![(None, Imm::None)],
        };
        for ty in nums.into_iter().filter(|&t| info.suffix.accepts(t)) {
            // Operand type choices (open ones: both widths of their class).
            let mut choices: Vec<Vec<Type>> = vec![vec![]];
            for s in specs {
                let opts: Vec<Type> = match s.fixed_type(ty) {
                    Some(t) => vec![t],
                    None => match s {
                        Arg::AnyInt => vec![Type::I32, Type::I64],
                        Arg::AnyFloat => vec![Type::F32, Type::F64],
                        _ => vec![],
                    },
                };
                choices =
                    choices.iter().flat_map(|c| opts.iter().map(move |&t| [c.clone(), vec![t]].concat())).collect();
            }
            for tys in &choices {
                for (cc, imm) in &ccs {
                    // Inputs: every value for unary ops, pairs of the first few for the rest.
                    let lists: Vec<Vec<u64>> = tys
                        .iter()
                        .map(|&t| {
                            let v = edge_values(t);
                            if tys.len() == 1 {
                                v
                            } else {
                                v.into_iter().take(if tys.len() == 2 { 9 } else { 3 }).collect()
                            }
                        })
                        .collect();
                    let mut cases: Vec<Vec<u64>> = vec![vec![]];
                    for l in &lists {
                        cases =
                            cases.iter().flat_map(|c| l.iter().map(move |&x| [c.clone(), vec![x]].concat())).collect();
                    }
                    let mut text = String::new();
                    let mut goals = Vec::new();
                    for (n, case) in cases.iter().enumerate() {
                        let args: Vec<Val> = case.iter().zip(tys).map(|(&b, &t)| val(t, b)).collect();
                        let Ok(expect) = numeric::eval(op, Some(ty), imm, &args) else { continue };
                        let terms: Vec<(String, Type)> =
                            case.iter().zip(tys).map(|(&b, &t)| (bv(b, width(t)), t)).collect();
                        let rt = expect.ty();
                        // Exact results must match bit for bit; a NaN from arithmetic
                        // must be an arithmetic NaN in the interpreter too.
                        let (got, how) = match apply(op, ty, *cc, &terms).unwrap() {
                            Sem::Bits(s) => (s, Compare::Exact),
                            Sem::Float(f, t) => {
                                let r = format!("|r{n}|");
                                text.push_str(&format!("(declare-const {r} (_ BitVec {}))\n", width(t)));
                                text.push_str(&format!("(assert (= {} {f}))\n", fp(&r, t)));
                                (r, Compare::Arithmetic)
                            }
                        };
                        goals.push(same(&got, &bv(bits(expect), width(rt)), rt, how));
                    }
                    if goals.is_empty() {
                        continue;
                    }
                    text.push_str(&format!("(assert (not (and {})))\n", goals.join(" ")));
                    let (answer, _) = z3.check(&text, &[], 60_000).unwrap();
                    assert!(matches!(answer, Answer::Unsat), "{}.{} {cc:?} {tys:?}: {answer:?}", op.name(), ty.name());
                    checked += goals.len();
                }
            }
        }
    }
    assert!(checked > 3000, "{checked}");
}
