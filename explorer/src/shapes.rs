//! Generators of function shapes that stress one dimension of the compiler: deep nesting
//! of `if` + `loop`, deep nesting of `block`, and many values live at once. `wlab
//! scaling --shape` times them at growing sizes; tests run them small. Each module
//! exports one function `f (param i32) (result i32)` whose result [`expected`] gives, so
//! a test can check that the code still computes the right thing. This file only writes
//! wasm text; it never measures or compiles.

use std::fmt::Write;

/// A generated shape (`mixed` is [`crate::scaling::generate_module`]'s general function).
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Shape {
    /// Arithmetic, loads, stores, calls, shallow blocks and loops: `--insts`, `--locals`.
    Mixed,
    /// `--levels` levels, each `local.set 1 (local.get 1 + 1)`, then `if (param 0) loop`;
    /// every loop ends in a `br_if` back edge that is never taken. Returns local 1:
    /// the number of levels for a non-zero argument, 1 for zero.
    NestedIf,
    /// `--levels` levels, each `local.set 1 (local.get 1 + 1)`, then `block` and a
    /// `br_if 0` on the argument. Returns the number of levels for a zero argument, 1
    /// otherwise.
    NestedBlock,
    /// `--locals` locals, local k set to `arg + k`, then all summed: every one is live
    /// until the sum reaches it. Returns `arg * (n + 1) + n (n + 1) / 2` (wrapping).
    LiveLocals,
}

impl Shape {
    pub const NAMES: &'static [&'static str] = &["mixed", "nested-if", "nested-block", "live-locals"];

    pub fn from_name(s: &str) -> Option<Shape> {
        match s {
            "mixed" => Some(Shape::Mixed),
            "nested-if" => Some(Shape::NestedIf),
            "nested-block" => Some(Shape::NestedBlock),
            "live-locals" => Some(Shape::LiveLocals),
            _ => None,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Shape::Mixed => "mixed",
            Shape::NestedIf => "nested-if",
            Shape::NestedBlock => "nested-block",
            Shape::LiveLocals => "live-locals",
        }
    }
}

/// Wasm text of the module of `shape` at size `n` (levels or locals) and its number of
/// wasm instructions. `Mixed` is not generated here (it has two sizes).
pub fn generate(shape: Shape, n: usize) -> (String, usize) {
    let mut s = String::from("(module\n  (func (export \"f\") (param i32) (result i32)");
    let insts = match shape {
        Shape::Mixed => return (crate::scaling::generate_module(n, 1_000), n),
        Shape::NestedIf => {
            s.push_str(" (local i32)\n");
            for _ in 0..n {
                s.push_str("    local.get 1 i32.const 1 i32.add local.set 1 local.get 0 if loop\n");
            }
            for _ in 0..n {
                s.push_str("    local.get 1 i32.const 0 i32.lt_s br_if 0 end end\n");
            }
            s.push_str("    local.get 1))\n");
            13 * n + 2
        }
        Shape::NestedBlock => {
            s.push_str(" (local i32)\n");
            for _ in 0..n {
                s.push_str("    local.get 1 i32.const 1 i32.add local.set 1 block local.get 0 br_if 0\n");
            }
            for _ in 0..n {
                s.push_str("    end\n");
            }
            s.push_str("    local.get 1))\n");
            8 * n + 2
        }
        Shape::LiveLocals => {
            let _ = writeln!(s, " (local {})", vec!["i32"; n].join(" "));
            for k in 1..=n {
                let _ = writeln!(s, "    local.get 0 i32.const {k} i32.add local.set {k}");
            }
            s.push_str("    local.get 0\n");
            for k in 1..=n {
                let _ = writeln!(s, "    local.get {k} i32.add");
            }
            s.push_str("  ))\n");
            6 * n + 2
        }
    };
    (s, insts)
}

/// What `f(arg)` returns in the module of `shape` at size `n` (`None` for `Mixed`).
pub fn expected(shape: Shape, n: usize, arg: i32) -> Option<i32> {
    let n32 = n as i32;
    match shape {
        Shape::Mixed => None,
        Shape::NestedIf => Some(if arg != 0 { n32 } else { 1.min(n32) }),
        Shape::NestedBlock => Some(if arg == 0 { n32 } else { 1.min(n32) }),
        Shape::LiveLocals => {
            let tri = (n as u64 * (n as u64 + 1) / 2) as u32 as i32;
            Some(arg.wrapping_mul(n32.wrapping_add(1)).wrapping_add(tri))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_shape_is_valid_wasm_with_the_counted_instructions() {
        for shape in [Shape::NestedIf, Shape::NestedBlock, Shape::LiveLocals] {
            let (text, insts) = generate(shape, 50);
            let bytes = wat::parse_str(&text).expect("valid wasm text");
            let module = wlab_ir::translate::translate_module(&bytes).expect("translates");
            assert_eq!(module.functions.len(), 1, "{}", shape.name());
            assert!(insts > 50 * 6, "{}", shape.name());
        }
        for name in Shape::NAMES {
            assert_eq!(Shape::from_name(name).map(Shape::name), Some(*name));
        }
    }
}
