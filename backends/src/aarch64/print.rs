//! Text form of AArch64 VCode instructions, for the explorer (`wlab explore --target aarch64`
//! shows VCode before and after allocation): destination first, registers printed with their
//! 64-bit / `d` names or as virtual registers, sizes as a suffix. This file only prints; the
//! disassembly of final code is `disasm.rs`.

use crate::aarch64::enc::neon::unary::FpWidth;
use crate::aarch64::inst::*;
use crate::aarch64::pregs::preg_name;
use crate::aarch64::regs::{FpSize, Size};
use crate::reg::Reg;

fn r(reg: &Reg) -> String {
    match reg.to_preg() {
        Some(p) => preg_name(p),
        None => format!("{reg:?}"),
    }
}

fn am(a: &Amode) -> String {
    match a {
        Amode::RegOff { base, off } => format!("[{}, #{off}]", r(base)),
        Amode::RegReg { base, index, guard } => {
            format!("[{}, {}]{}", r(base), r(index), if *guard { " ; guarded" } else { "" })
        }
    }
}

fn sz(s: Size) -> &'static str {
    match s {
        Size::W => "32",
        Size::X => "64",
    }
}

fn fsz(s: FpSize) -> &'static str {
    match s {
        FpSize::S => "f32",
        FpSize::D => "f64",
    }
}

fn lower(s: String) -> String {
    s.to_lowercase()
}

pub fn print_inst(i: &Inst) -> String {
    use Inst::*;
    match i {
        Alu { op, size, dst, a, b } => {
            format!("{}{} {}, {}, {}", lower(format!("{op:?}")), sz(*size), r(dst), r(a), r(b))
        }
        AluImm { sub, size, dst, a, imm12, lsl12 } => {
            let imm = (*imm12 as u64) << if *lsl12 { 12 } else { 0 };
            format!("{}{} {}, {}, #{imm}", if *sub { "sub" } else { "add" }, sz(*size), r(dst), r(a))
        }
        Logic { op, size, dst, a, imm } => {
            format!("{}{} {}, {}, #{imm:#x}", lower(format!("{op:?}")), sz(*size), r(dst), r(a))
        }
        ShiftImm { op, size, dst, src, amount } => {
            format!("{}{} {}, {}, #{amount}", lower(format!("{op:?}")), sz(*size), r(dst), r(src))
        }
        RotlReg { size, dst, src, amount } => format!("rotl{} {}, {}, {}", sz(*size), r(dst), r(src), r(amount)),
        AddSubShifted { sub, size, dst, a, b, amount } => {
            format!("{}{} {}, {}, {}, lsl #{amount}", if *sub { "sub" } else { "add" }, sz(*size), r(dst), r(a), r(b))
        }
        Madd { sub, size, dst, a, b, acc } => match acc {
            Some(c) => {
                format!("{}{} {}, {}, {}, {}", if *sub { "msub" } else { "madd" }, sz(*size), r(dst), r(a), r(b), r(c))
            }
            None => format!("{}{} {}, {}, {}", if *sub { "mneg" } else { "mul" }, sz(*size), r(dst), r(a), r(b)),
        },
        BitCount { op, size, dst, src } => format!("{}{} {}, {}", lower(format!("{op:?}")), sz(*size), r(dst), r(src)),
        MovImm { size, dst, imm } => format!("mov{} {}, #{imm:#x}", sz(*size), r(dst)),
        Mov { size, dst, src } => format!("mov{} {}, {}", sz(*size), r(dst), r(src)),
        Ext { kind, size, dst, src } => {
            format!("sxt{}{} {}, {}", lower(format!("{kind:?}")), sz(*size), r(dst), r(src))
        }
        Load { op, dst, addr } => format!("{} {}, {}", lower(format!("{op:?}")), r(dst), am(addr)),
        Store { op, src, addr } => format!("{} {}, {}", lower(format!("{op:?}")), r(src), am(addr)),
        VecLoad { dst, addr } => format!("ldr.q {}, {}", r(dst), am(addr)),
        VecStore { src, addr } => format!("str.q {}, {}", r(src), am(addr)),
        VecMov { dst, src } => format!("mov.16b {}, {}", r(dst), r(src)),
        VecConst { dst, bits } => format!("vconst {}, {bits:#034x}", r(dst)),
        VecLogic { op, dst, a, b } => format!("{}.16b {}, {}, {}", lower(format!("{op:?}")), r(dst), r(a), r(b)),
        VecInt { op, arr, dst, a, b } => format!("{}.{arr} {}, {}, {}", lower(format!("{op:?}")), r(dst), r(a), r(b)),
        VecIntUn { op, arr, dst, src } => format!("{}.{arr} {}, {}", lower(format!("{op:?}")), r(dst), r(src)),
        VecFp { op, arr, dst, a, b } => {
            format!("{}.{} {}, {}, {}", lower(format!("{op:?}")), arr.arr(), r(dst), r(a), r(b))
        }
        VecFpUn { op, arr, dst, src } => format!("{}.{} {}, {}", lower(format!("{op:?}")), arr.arr(), r(dst), r(src)),
        VecNot { dst, src } => format!("mvn.16b {}, {}", r(dst), r(src)),
        VecDupGp { arr, dst, src } => format!("dup.{arr} {}, {}", r(dst), r(src)),
        VecDupLane { arr, dst, src, lane } => format!("dup.{arr} {}, {}[{lane}]", r(dst), r(src)),
        VecExtract { elem, signed, size, dst, src, lane } => {
            let op = if *signed { "smov" } else { "umov" };
            format!("{op}{} {}, {}.{}[{lane}]", sz(*size), r(dst), r(src), elem.letter())
        }
        VecInsertGp { elem, dst, src, val, lane } => {
            format!("ins.{} {}[{lane}], {}, {}", elem.letter(), r(dst), r(src), r(val))
        }
        VecInsertLane { elem, dst, src, val, lane } => {
            format!("ins.{} {}[{lane}], {}, {}[0]", elem.letter(), r(dst), r(src), r(val))
        }
        VecCsel { cond, dst, t, f } => format!("vcsel.{cond:?} {}, {}, {}", r(dst), r(t), r(f)),
        VecLoadExtend { signed, from, dst, addr } => {
            format!("ldr.d+{}xtl.{} {}, {}", if *signed { "s" } else { "u" }, from.letter(), r(dst), am(addr))
        }
        VecLoadSplat { elem, dst, addr } => format!("ld1r.{} {}, {}", elem.letter(), r(dst), am(addr)),
        VecLoadLane { elem, lane, dst, src, addr } => {
            format!("ld1.{} {}[{lane}], {}, {}", elem.letter(), r(dst), r(src), am(addr))
        }
        VecStoreLane { elem, lane, src, addr } => format!("st1.{} {}[{lane}], {}", elem.letter(), r(src), am(addr)),
        VecShiftImm { op, arr, dst, src, amount } => {
            format!("{}.{arr} {}, {}, #{amount}", lower(format!("{op:?}")), r(dst), r(src))
        }
        VecShiftReg { op, arr, dst, src, count } => {
            format!("{}.{arr} {}, {}, {}", lower(format!("{op:?}")), r(dst), r(src), r(count))
        }
        VecAnyTrue { dst, src } => format!("any_true {}, {}", r(dst), r(src)),
        VecAllTrue { arr, dst, src } => format!("all_true.{arr} {}, {}", r(dst), r(src)),
        VecBitmask { arr, dst, src, tmp } => format!("bitmask.{arr} {}, {}, {}", r(dst), r(src), r(tmp)),
        VecSelect { dst, mask, a, b } => format!("bitselect {}, {}, {}, {}", r(dst), r(mask), r(a), r(b)),
        // part B: widen/convert/permute
        VecWiden { signed, from, upper, dst, src } => format!(
            "{}xtl{}.{} {}, {}",
            if *signed { "s" } else { "u" },
            if *upper { "2" } else { "" },
            from.letter(),
            r(dst),
            r(src)
        ),
        VecShll { from, dst, src } => format!("shll.{} {}, {}", from.letter(), r(dst), r(src)),
        VecNarrow { op, to, dst, lo, hi } => match hi {
            Some(h) => format!("{}.{}+2 {}, {}, {}", lower(format!("{op:?}")), to.letter(), r(dst), r(lo), r(h)),
            None => format!("{}.{} {}, {}", lower(format!("{op:?}")), to.letter(), r(dst), r(lo)),
        },
        VecMulLong { op, from, upper, dst, a, b } => format!(
            "{}{}.{} {}, {}, {}",
            lower(format!("{op:?}")),
            if *upper { "2" } else { "" },
            from.letter(),
            r(dst),
            r(a),
            r(b)
        ),
        VecPairwiseLong { signed, arr, dst, src } => {
            format!("{}addlp.{arr} {}, {}", if *signed { "s" } else { "u" }, r(dst), r(src))
        }
        VecFpWidth { dir, dst, src } => match dir {
            FpWidth::Narrow => format!("fcvtn.2s {}, {}", r(dst), r(src)),
            FpWidth::Widen => format!("fcvtl.2d {}, {}", r(dst), r(src)),
        },
        VecTbl { dst, table, idx } => format!("tbl.16b {}, {{{}}}, {}", r(dst), r(table), r(idx)),
        FLoad { size, dst, addr } => format!("fload.{} {}, {}", fsz(*size), r(dst), am(addr)),
        FStore { size, src, addr } => format!("fstore.{} {}, {}", fsz(*size), r(src), am(addr)),
        Cmp { size, a, rhs } => match rhs {
            CmpRhs::Reg(b) => format!("cmp{} {}, {}", sz(*size), r(a), r(b)),
            CmpRhs::Imm { imm12, lsl12, neg } => {
                let imm = (*imm12 as u64) << if *lsl12 { 12 } else { 0 };
                format!("{}{} {}, #{imm}", if *neg { "cmn" } else { "cmp" }, sz(*size), r(a))
            }
        },
        Cset { cond, dst } => format!("cset {}, {cond}", r(dst)),
        Csel { size, cond, dst, t, f } => format!("csel{} {}, {}, {}, {cond}", sz(*size), r(dst), r(t), r(f)),
        FCsel { size, cond, dst, t, f } => format!("fcsel.{} {}, {}, {}, {cond}", fsz(*size), r(dst), r(t), r(f)),
        LoadVmctx { dst, word } => format!("load_vmctx {}, word {word}", r(dst)),
        BoundsCheck { addr, end } => format!("bounds_check {} + {end}", r(addr)),
        Div { size, signed, rem, dst, lhs, rhs } => {
            let op = match (signed, rem) {
                (true, false) => "sdiv",
                (false, false) => "udiv",
                (true, true) => "srem",
                (false, true) => "urem",
            };
            format!("{op}{} {}, {}, {}", sz(*size), r(dst), r(lhs), r(rhs))
        }
        FpuRRR { op, size, dst, a, b } => {
            format!("{}.{} {}, {}, {}", lower(format!("{op:?}")), fsz(*size), r(dst), r(a), r(b))
        }
        FpuRR { op, size, dst, src } => format!("{}.{} {}, {}", lower(format!("{op:?}")), fsz(*size), r(dst), r(src)),
        FCopysign { size, dst, a, b } => format!("fcopysign.{} {}, {}, {}", fsz(*size), r(dst), r(a), r(b)),
        FCvt { from, dst, src } => format!("fcvt.{} {}, {}", fsz(*from), r(dst), r(src)),
        FCmp { size, a, b } => format!("fcmp.{} {}, {}", fsz(*size), r(a), r(b)),
        FMovToGp { size, dst, src } => format!("fmov_to_gp{} {}, {}", sz(*size), r(dst), r(src)),
        FMovFromGp { size, dst, src } => format!("fmov_from_gp{} {}, {}", sz(*size), r(dst), r(src)),
        FConst { size, dst, bits } => format!("fconst.{} {}, {bits:#x}", fsz(*size), r(dst)),
        IntToFp { signed, from, to, dst, src } => {
            format!("{}cvtf.{}{} {}, {}", if *signed { "s" } else { "u" }, fsz(*to), sz(*from), r(dst), r(src))
        }
        FpToInt { signed, sat, from, to, dst, src } => format!(
            "fcvtz{}{}{}.{} {}, {}",
            if *signed { "s" } else { "u" },
            if *sat { "_sat" } else { "" },
            sz(*to),
            fsz(*from),
            r(dst),
            r(src)
        ),
        B { target } => format!("b block{target}"),
        BCond { cond, taken, not_taken } => format!("b.{cond} block{taken}; else block{not_taken}"),
        Cbz { nz, size, reg, taken, not_taken } => {
            format!("{}{} {}, block{taken}; else block{not_taken}", if *nz { "cbnz" } else { "cbz" }, sz(*size), r(reg))
        }
        Tbz { nz, bit, reg, taken, not_taken } => {
            format!("{} {}, #{bit}, block{taken}; else block{not_taken}", if *nz { "tbnz" } else { "tbz" }, r(reg))
        }
        TableHoleLoad { dst, index, holes } => {
            format!("table_hole_load {}, holes[min({}, {})]", r(dst), r(index), holes.len() - 1)
        }
        TableLoad { size, dst, index, values } => {
            format!("table_load{} {}, table[{}] ; {} entries", sz(*size), r(dst), r(index), values.len())
        }
        JmpTable { index, targets, default } => {
            let t: Vec<String> = targets.iter().map(|t| format!("block{t}")).collect();
            format!("br_table {}, [{}], default block{default}", r(index), t.join(", "))
        }
        Args { defs } => format!("args{}", fixed(defs)),
        Ret { uses } => format!("ret{}", fixed(uses)),
        Call { target, uses, defs } => match target {
            CallTarget::Func(f) => format!("call func{f}{}{}", fixed(uses), results(defs)),
            CallTarget::Lib(l, a, b) => format!("call_lib {}({a}, {b})", l.name()),
        },
        CallIndirect { index, table, type_index, sig_id, args, uses, defs, .. } => {
            format!(
                "call_indirect table{table}[{}], type{type_index} (sig {sig_id}), {args} area words{}{}",
                r(index),
                fixed(uses),
                results(defs)
            )
        }
        Trap { code } => format!("trap {code:?}"),
    }
}

/// Register operands with their fixed registers: ` v3@x0, v4@d0` (empty when none).
fn fixed(list: &[(Reg, regalloc2::PReg)]) -> String {
    list.iter().map(|(v, p)| format!(" {}@{}", r(v), preg_name(*p))).collect::<Vec<_>>().join(",")
}

/// Register results of a call: ` -> v5@x0` (empty when none).
fn results(list: &[(Reg, regalloc2::PReg)]) -> String {
    if list.is_empty() {
        String::new()
    } else {
        format!(" ->{}", fixed(list))
    }
}
