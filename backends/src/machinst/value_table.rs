//! A `br_table` that only selects values: every table entry jumps either to one block or
//! to the default (a hole), and the arguments of the entries to that block differ only
//! where each passes a constant. Such a switch is lowered as a lookup table, as compilers
//! do for a `switch` whose cases only assign a value: a check that branches to the default
//! (index out of range, or a hole), a load of each varying argument from a table of
//! constants, and one direct jump. The alternative, an indirect jump to one edge block per
//! entry that sets the arguments, costs an edge block (and its register moves) per entry.
//! Both targets lower it so. This file recognises it (`value_table`) and lists the
//! arguments of the entries' jump (`entry_args`); it must never name a target's
//! instructions.

use crate::machinst::CallValues;
use crate::reg::Reg;
use regalloc2::VReg;
use wlab_ir::{Block, Function, Inst, Opcode, Type, Value};

/// One argument position of the jump the entries make.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TableArg {
    /// Every entry passes this value.
    Same(Value),
    /// Entry `k` passes the constant `values[k]` (an i32's in its low 32 bits; 0 at a hole).
    Table { ty: Type, values: Vec<u64> },
}

/// The jump the entries of a value-selecting `br_table` make (the default is left as is).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ValueTable {
    /// The block the entries jump to.
    pub target: Block,
    /// Its arguments, position by position.
    pub args: Vec<TableArg>,
    /// `Some(h)` when some entries go to the default: `h[k]` is 1 for those and 0 for the
    /// others, and `h` has one more byte, 1, for every index past the entries.
    pub holes: Option<Vec<u8>>,
}

/// The most bytes of tables one `br_table` may place after the code. AArch64 reaches them
/// with `adr` (±1 MiB from the instruction); a larger switch keeps its jump table.
pub const MAX_TABLE_BYTES: usize = 256 * 1024;

/// `i` as a value table: a `br_table` with at least two entries (destinations after the
/// default), each either the default's destination (block and arguments) or a jump to
/// one other block, whose arguments at each position are either one value or all
/// integer constants, with at most [`MAX_TABLE_BYTES`] of tables.
pub fn value_table(f: &Function, i: Inst) -> Option<ValueTable> {
    let d = f.inst(i);
    if d.opcode != Opcode::BrTable || d.dests.len() < 3 {
        return None;
    }
    let default = &d.dests[0];
    let entries = &d.dests[1..];
    let is_hole: Vec<bool> = entries.iter().map(|e| e == default).collect();
    let first = entries.iter().zip(&is_hole).find(|(_, h)| !**h)?.0;
    let taken = || entries.iter().zip(&is_hole).filter(|(_, h)| !**h).map(|(e, _)| e);
    if taken().any(|e| e.block != first.block || e.args.len() != first.args.len()) {
        return None;
    }
    let mut args = Vec::with_capacity(first.args.len());
    for p in 0..first.args.len() {
        if taken().all(|e| e.args[p] == first.args[p]) {
            args.push(TableArg::Same(first.args[p]));
            continue;
        }
        let ty = f.value_type(first.args[p]);
        if !matches!(ty, Type::I32 | Type::I64) {
            return None;
        }
        // An i32's bits in the low 32 (`iconst_value` sign-extends).
        let bits = |x: i64| if ty == Type::I32 { x as u32 as u64 } else { x as u64 };
        let values = entries
            .iter()
            .zip(&is_hole)
            .map(|(e, h)| if *h { Some(0) } else { f.iconst_value(e.args[p]).map(bits) })
            .collect::<Option<Vec<u64>>>()?;
        args.push(TableArg::Table { ty, values });
    }
    let holes: Option<Vec<u8>> = is_hole.contains(&true).then(|| is_hole.iter().map(|h| *h as u8).chain([1]).collect());
    let width = |ty: &Type| if *ty == Type::I64 { 8 } else { 4 };
    let table_bytes = args.iter().map(|a| match a {
        TableArg::Table { ty, values } => width(ty) * values.len(),
        TableArg::Same(_) => 0,
    });
    if table_bytes.sum::<usize>() + holes.as_ref().map_or(0, Vec::len) > MAX_TABLE_BYTES {
        return None;
    }
    Some(ValueTable { target: first.block, args, holes })
}

/// A target's load of one varying argument (`TableArg::Table`) at `index`, which the
/// bounds check has proved in range.
pub trait TableLoads: CallValues {
    fn table_load(&mut self, ty: Type, index: Reg, values: Vec<u64>) -> Reg;
}

/// The arguments of `table`'s jump, lowered in the entries' edge block: each varying one
/// loaded from its table at `index`, the others as they are.
pub fn entry_args(cx: &mut impl TableLoads, index: Value, table: ValueTable) -> Vec<VReg> {
    let index = cx.value_reg(index);
    let regs = table.args.into_iter().map(|arg| match arg {
        TableArg::Same(v) => cx.value_reg(v),
        TableArg::Table { ty, values } => cx.table_load(ty, index, values),
    });
    regs.map(|r| r.to_vreg().expect("a virtual register")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table_of(text: &str) -> Option<ValueTable> {
        let f = wlab_ir::parse::parse_function(text).expect("parses");
        let b = f.layout[0];
        value_table(&f, f.terminator(b).unwrap())
    }

    #[test]
    fn constants_per_entry_and_a_shared_value() {
        let t = table_of(
            "function fn0 \"f\"(i32, i64) -> i64 {
             block0(v0: i32, v1: i64):
                 v2 = iconst.i64 7
                 v3 = iconst.i64 -1
                 br_table v0, block1(v1, v1), [block1(v2, v1), block1(v3, v1), block1(v2, v1)]
             block1(v4: i64, v5: i64):
                 return v4
             }",
        )
        .expect("a value table");
        assert_eq!(t.args[0], TableArg::Table { ty: Type::I64, values: vec![7, u64::MAX, 7] });
        assert!(matches!(t.args[1], TableArg::Same(_)));
        assert_eq!(t.holes, None);
    }

    #[test]
    fn entries_to_the_default_are_holes() {
        let t = table_of(
            "function fn0 \"f\"(i32) -> i32 {
             block0(v0: i32):
                 v1 = iconst.i32 5
                 v2 = iconst.i32 6
                 br_table v0, block2, [block1(v1), block2, block1(v2)]
             block1(v3: i32):
                 return v3
             block2:
                 return v0
             }",
        )
        .expect("a value table");
        assert_eq!(t.args, vec![TableArg::Table { ty: Type::I32, values: vec![5, 0, 6] }]);
        assert_eq!(t.holes, Some(vec![0, 1, 0, 1]));
    }

    #[test]
    fn not_when_the_tables_would_be_too_large() {
        // n entries, two varying i64 arguments: 16 * n bytes of tables.
        let switch = |n: usize| {
            let mut text = String::from("function fn0 \"f\"(i32) -> i64 {\nblock0(v0: i32):\n");
            for k in 0..n {
                text += &format!("    v{} = iconst.i64 {k}\n", k + 1);
            }
            let entries: Vec<String> = (0..n).map(|k| format!("block1(v{}, v{})", k + 1, n - k)).collect();
            text += &format!("    br_table v0, block1(v1, v1), [{}]\n", entries.join(", "));
            text + "block1(v900000: i64, v900001: i64):\n    return v900000\n}\n"
        };
        assert!(table_of(&switch(MAX_TABLE_BYTES / 16)).is_some());
        assert_eq!(table_of(&switch(MAX_TABLE_BYTES / 16 + 1)), None);
    }

    #[test]
    fn not_when_entries_go_to_different_blocks_or_pass_a_non_constant() {
        let two_blocks = "function fn0 \"f\"(i32) -> i32 {
             block0(v0: i32):
                 v1 = iconst.i32 1
                 br_table v0, block3, [block1(v1), block2]
             block1(v2: i32):
                 return v2
             block2:
                 return v0
             block3:
                 return v1
             }";
        assert_eq!(table_of(two_blocks), None);
        let varying_param = "function fn0 \"f\"(i32) -> i32 {
             block0(v0: i32):
                 v1 = iconst.i32 1
                 br_table v0, block2, [block1(v1), block1(v0)]
             block1(v2: i32):
                 return v2
             block2:
                 return v1
             }";
        assert_eq!(table_of(varying_param), None);
    }
}
