//! The text printer. Its output is the IR's text format; `parse.rs` reads it back and
//! `parse(print(f))` prints identically.
//!
//! ```text
//! function fn3 "fac"(i64) -> i64 {
//!     fn3 = (i64) -> i64 no_memory_writes
//!     type0 = (i32) -> i32
//!
//! block0(v0: i64):
//!     v1 = eqz.i64 v0
//!     brif v1, block1, block2
//!
//! block1:
//!     v2 = iconst.i64 1
//!     return v2
//!
//! block2:
//!     v3 = iconst.i64 1
//!     v4 = isub.i64 v0, v3
//!     v5 = call fn3(v4)
//!     v6 = imul.i64 v0, v5
//!     return v6
//! }
//! ```
//!
//! Operand syntax by immediate: `icmp.i32 slt v1, v2`; `load.i32 v1+16`;
//! `store.i32 v1+16, v2` (address first, then the stored value); `global_get.i32 g0`;
//! `table_get.funcref table0, v1`; `call fn3(v1)`; `call_indirect type2, table0, v9(v1)`
//! (the table index is `v9`); `brif v1, block2(v3), block4`;
//! `br_table v1, block5, [block2, block3(v4)]` (default first); `trap int_divz`.
//! Instructions are printed exactly as stored: this file never interprets them.

use crate::entities::{Block, Inst, Value};
use crate::function::Function;
use crate::instructions::{Imm, InstData, MemArg};
use crate::opinfo::Syntax;
use crate::types::Type;
use std::fmt::{self, Write};

/// Prints a whole function in the text format.
pub fn print_function(func: &Function) -> String {
    let mut s = String::new();
    write_function(&mut s, func).expect("writing to a String cannot fail");
    s
}

/// Writes a whole function in the text format.
pub fn write_function(w: &mut dyn Write, func: &Function) -> fmt::Result {
    write!(w, "function ")?;
    if let Some(i) = func.wasm_index {
        write!(w, "fn{i} ")?;
    }
    writeln!(w, "{:?}{} {{", func.name, func.signature)?;
    for (idx, sig) in &func.callees {
        let mark = if func.no_memory_writes.contains(idx) { " no_memory_writes" } else { "" };
        writeln!(w, "    fn{idx} = {sig}{mark}")?;
    }
    for (idx, sig) in &func.types {
        writeln!(w, "    type{idx} = {sig}")?;
    }
    let mut first = func.callees.is_empty() && func.types.is_empty();
    for &b in &func.layout {
        if !first {
            writeln!(w)?;
        }
        first = false;
        write_block_header(w, func, b)?;
        for &i in func.block_insts(b) {
            write!(w, "    ")?;
            write_inst(w, func, i)?;
            writeln!(w)?;
        }
    }
    writeln!(w, "}}")
}

/// `block3(v4: i32, v5: f64):`
pub fn write_block_header(w: &mut dyn Write, func: &Function, b: Block) -> fmt::Result {
    write!(w, "{b}")?;
    let params = func.block_params(b);
    if !params.is_empty() {
        write!(w, "(")?;
        for (n, &v) in params.iter().enumerate() {
            if n > 0 {
                write!(w, ", ")?;
            }
            write!(w, "{v}: {}", func.value_type(v))?;
        }
        write!(w, ")")?;
    }
    writeln!(w, ":")
}

/// One instruction, without indentation or newline.
pub fn write_inst(w: &mut dyn Write, func: &Function, inst: Inst) -> fmt::Result {
    let d = func.inst(inst);
    if !d.results.is_empty() {
        write_list(w, &d.results)?;
        write!(w, " = ")?;
    }
    write!(w, "{}", d.opcode)?;
    if let Some(ty) = d.ty {
        write!(w, ".{ty}")?;
    }
    write_operands(w, d)
}

/// Prints one instruction to a string.
pub fn inst_to_string(func: &Function, inst: Inst) -> String {
    let mut s = String::new();
    write_inst(&mut s, func, inst).expect("writing to a String cannot fail");
    s
}

fn write_list(w: &mut dyn Write, vals: &[Value]) -> fmt::Result {
    for (n, v) in vals.iter().enumerate() {
        if n > 0 {
            write!(w, ", ")?;
        }
        write!(w, "{v}")?;
    }
    Ok(())
}

/// Writes `sep` before every part after the first one; the first part is preceded by a
/// space.
struct Parts<'a> {
    w: &'a mut dyn Write,
    first: bool,
}

impl Parts<'_> {
    fn part(&mut self, args: fmt::Arguments<'_>) -> fmt::Result {
        self.w.write_str(if self.first { " " } else { ", " })?;
        self.first = false;
        self.w.write_fmt(args)
    }
    fn values(&mut self, vals: &[Value]) -> fmt::Result {
        for v in vals {
            self.part(format_args!("{v}"))?;
        }
        Ok(())
    }
}

fn write_address(w: &mut dyn Write, addr: Value, m: &MemArg) -> fmt::Result {
    if m.memory != 0 {
        write!(w, "mem{} ", m.memory)?;
    }
    write!(w, "{addr}")?;
    if m.offset != 0 {
        write!(w, "+{}", m.offset)?;
    }
    Ok(())
}

/// Float constants: shortest round-trip decimal, `inf`, `-inf`, or `nan:0xBITS`.
pub fn format_f32(bits: u32) -> String {
    let x = f32::from_bits(bits);
    if x.is_nan() {
        format!("nan:0x{bits:08x}")
    } else if x.is_infinite() {
        if x > 0.0 {
            "inf".into()
        } else {
            "-inf".into()
        }
    } else {
        format!("{x:?}")
    }
}

/// See [`format_f32`].
pub fn format_f64(bits: u64) -> String {
    let x = f64::from_bits(bits);
    if x.is_nan() {
        format!("nan:0x{bits:016x}")
    } else if x.is_infinite() {
        if x > 0.0 {
            "inf".into()
        } else {
            "-inf".into()
        }
    } else {
        format!("{x:?}")
    }
}

/// Writes the operands in the shape of the opcode's text syntax (the table's syntax
/// column). A malformed instruction (an immediate its opcode does not take) is still
/// printed, immediate first, so the verifier can show it.
fn write_operands(w: &mut dyn Write, d: &InstData) -> fmt::Result {
    let mut p = Parts { w, first: true };
    match (d.opcode.info().syntax, &d.imm) {
        (Syntax::Call, Imm::Func(f)) => {
            write!(p.w, " fn{f}(")?;
            write_list(p.w, &d.args)?;
            write!(p.w, ")")
        }
        (Syntax::CallIndirect, Imm::CallIndirect { type_index, table }) => {
            let (callee, args) = d.args.split_last().map(|(c, a)| (Some(*c), a)).unwrap_or((None, &[]));
            write!(p.w, " type{type_index}, table{table}, ")?;
            match callee {
                Some(c) => write!(p.w, "{c}(")?,
                None => write!(p.w, "?(")?,
            }
            write_list(p.w, args)?;
            write!(p.w, ")")
        }
        (Syntax::BrTable, _) => {
            p.values(&d.args)?;
            if let Some((default, table)) = d.dests.split_first() {
                p.part(format_args!("{default}"))?;
                p.w.write_str(", [")?;
                for (n, bc) in table.iter().enumerate() {
                    if n > 0 {
                        p.w.write_str(", ")?;
                    }
                    write!(p.w, "{bc}")?;
                }
                p.w.write_str("]")?;
            }
            Ok(())
        }
        (Syntax::Plain | Syntax::Address | Syntax::Branch | Syntax::Call | Syntax::CallIndirect, imm) => {
            match imm {
                Imm::None => {}
                Imm::I64(x) => match d.ty {
                    Some(Type::I32) => p.part(format_args!("{}", *x as i32))?,
                    _ => p.part(format_args!("{x}"))?,
                },
                Imm::F32(b) => p.part(format_args!("{}", format_f32(*b)))?,
                Imm::F64(b) => p.part(format_args!("{}", format_f64(*b)))?,
                // A condition is followed by the values without a comma.
                Imm::IntCC(cc) => write!(p.w, " {cc}")?,
                Imm::FloatCC(cc) => write!(p.w, " {cc}")?,
                Imm::Mem(m) => match d.args.split_first() {
                    Some((addr, rest)) => {
                        p.w.write_str(" ")?;
                        p.first = false;
                        write_address(p.w, *addr, m)?;
                        return p.values(rest);
                    }
                    None => p.part(format_args!("offset {} mem{}", m.offset, m.memory))?,
                },
                Imm::Memory(m) => p.part(format_args!("mem{m}"))?,
                Imm::MemoryCopy { dst, src } => {
                    p.part(format_args!("mem{dst}"))?;
                    p.part(format_args!("mem{src}"))?;
                }
                Imm::MemoryInit { data, memory } => {
                    p.part(format_args!("data{data}"))?;
                    p.part(format_args!("mem{memory}"))?;
                }
                Imm::Data(x) => p.part(format_args!("data{x}"))?,
                Imm::Global(g) => p.part(format_args!("g{g}"))?,
                Imm::Table(t) => p.part(format_args!("table{t}"))?,
                Imm::TableCopy { dst, src } => {
                    p.part(format_args!("table{dst}"))?;
                    p.part(format_args!("table{src}"))?;
                }
                Imm::TableInit { elem, table } => {
                    p.part(format_args!("elem{elem}"))?;
                    p.part(format_args!("table{table}"))?;
                }
                Imm::Elem(e) => p.part(format_args!("elem{e}"))?,
                Imm::Func(f) => p.part(format_args!("fn{f}"))?,
                Imm::CallIndirect { type_index, table } => {
                    p.part(format_args!("type{type_index}"))?;
                    p.part(format_args!("table{table}"))?;
                }
                Imm::Trap(code) => p.part(format_args!("{}", code.name()))?,
                Imm::V128(bytes) => p.part(format_args!("0x{:032x}", u128::from_le_bytes(*bytes)))?,
                Imm::Lane(l) => p.part(format_args!("{l}"))?,
                Imm::Shuffle(lanes) => {
                    p.part(format_args!("["))?;
                    for (k, l) in lanes.iter().enumerate() {
                        if k > 0 {
                            p.w.write_str(", ")?;
                        }
                        write!(p.w, "{l}")?;
                    }
                    p.w.write_str("]")?;
                }
                Imm::MemLane(m, lane) => match d.args.split_first() {
                    Some((addr, rest)) => {
                        p.w.write_str(" ")?;
                        p.first = false;
                        write_address(p.w, *addr, m)?;
                        p.values(rest)?;
                        return p.part(format_args!("{lane}"));
                    }
                    None => p.part(format_args!("offset {} mem{} lane {lane}", m.offset, m.memory))?,
                },
            }
            p.values(&d.args)?;
            for bc in &d.dests {
                p.part(format_args!("{bc}"))?;
            }
            Ok(())
        }
    }
}

impl fmt::Display for Function {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_function(f, self)
    }
}
