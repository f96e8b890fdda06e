//! Text form of x86-64 VCode instructions, for the explorer (`wlab explore --target
//! x86_64` shows VCode before and after allocation). Intel operand order: destination
//! first. This file only prints; the disassembly of final code is `disasm.rs`.

use crate::reg::Reg;
use crate::x64::inst::*;
use crate::x64::regs::preg_name;

fn r(reg: &Reg) -> String {
    match reg.to_preg() {
        Some(p) => preg_name(p),
        None => format!("{reg:?}"),
    }
}

fn ri(x: &RegImm) -> String {
    match x {
        RegImm::Reg(reg) => r(reg),
        RegImm::Imm(i) => format!("{i}"),
    }
}

fn am(a: &Amode) -> String {
    let mut s = format!("[{}", r(&a.base));
    if let Some(i) = &a.index {
        s.push_str(&format!(" + {}", r(i)));
        if a.scale != 1 {
            s.push_str(&format!("*{}", a.scale));
        }
    }
    if a.disp != 0 {
        s.push_str(&format!(" {} {}", if a.disp < 0 { "-" } else { "+" }, a.disp.unsigned_abs()));
    }
    s.push(']');
    s
}

fn sz(s: Size) -> &'static str {
    match s {
        Size::S32 => "32",
        Size::S64 => "64",
    }
}

fn fz(s: FSize) -> &'static str {
    match s {
        FSize::F32 => "ss",
        FSize::F64 => "sd",
    }
}

fn lower(x: impl std::fmt::Debug) -> String {
    format!("{x:?}").to_lowercase()
}

pub fn print_inst(i: &Inst) -> String {
    use Inst::*;
    match i {
        Alu { size, op, dst, src1, src2 } => {
            format!("{}.{} {}, {}, {}", lower(op), sz(*size), r(dst), r(src1), ri(src2))
        }
        Cmp { size, lhs, rhs } => format!("cmp.{} {}, {}", sz(*size), r(lhs), ri(rhs)),
        AluMem { size, op, dst, src1, addr } => {
            format!("{}.{} {}, {}, {}", lower(op), sz(*size), r(dst), r(src1), am(addr))
        }
        Test { size, lhs, rhs } => format!("test.{} {}, {}", sz(*size), r(lhs), ri(rhs)),
        Unary { size, op, dst, src } => format!("{}.{} {}, {}", lower(op), sz(*size), r(dst), r(src)),
        BitCount { size, op, dst, src, tmp, native } => format!(
            "{}.{}{} {}, {} ; tmp {}",
            lower(op),
            sz(*size),
            if *native { "" } else { ".fallback" },
            r(dst),
            r(src),
            r(tmp)
        ),
        MovImm { size, dst, imm } => format!("mov.{} {}, {:#x}", sz(*size), r(dst), imm),
        Zero { dst } => format!("zero {}", r(dst)),
        MovRR { size, dst, src } => format!("mov.{} {}, {}", sz(*size), r(dst), r(src)),
        Ext { kind, dst, src } => format!("ext.{} {}, {}", lower(kind), r(dst), r(src)),
        Lea { size, dst, addr } => format!("lea.{} {}, {}", sz(*size), r(dst), am(addr)),
        Load { kind, dst, addr } => format!("load.{} {}, {}", lower(kind), r(dst), am(addr)),
        Store { bytes, src, addr } => format!("store.{} {}, {}", bytes * 8, am(addr), r(src)),
        StoreImm { bytes, imm, addr } => format!("store.{} {}, {}", bytes * 8, am(addr), imm),
        Rorx { size, dst, src, amount } => format!("rorx.{} {}, {}, {}", sz(*size), r(dst), r(src), amount),
        ShiftImm { size, op, dst, src, amount } => {
            format!("{}.{} {}, {}, {}", lower(op), sz(*size), r(dst), r(src), amount)
        }
        ShiftX { size, op, dst, src, amount } => {
            format!("{}x.{} {}, {}, {}", lower(op), sz(*size), r(dst), r(src), r(amount))
        }
        Andn { size, dst, src1, src2 } => format!("andn.{} {}, {}, {}", sz(*size), r(dst), r(src1), r(src2)),
        ShiftDouble { size, dst, src_hi, src_lo, amount } => {
            format!("shld.{} {}, {}, {}, {}", sz(*size), r(dst), r(src_hi), r(src_lo), amount)
        }
        ShiftReg { size, op, dst, src, amount } => {
            format!("{}.{} {}, {}, {}", lower(op), sz(*size), r(dst), r(src), r(amount))
        }
        Div { size, signed, rem, dst, lhs, rhs } => format!(
            "{}{}.{} {}, {}, {}",
            if *signed { "s" } else { "u" },
            if *rem { "rem" } else { "div" },
            sz(*size),
            r(dst),
            r(lhs),
            r(rhs)
        ),
        Setcc { cc, dst } => format!("set{} {}", lower(cc), r(dst)),
        Cmov { size, cc, dst, src_false, src_true } => {
            format!("cmov{}.{} {}, {}, {}", lower(cc), sz(*size), r(dst), r(src_false), r(src_true))
        }
        XmmCmov { cc, dst, src_false, src_true } => {
            format!("xmm_cmov{} {}, {}, {}", lower(cc), r(dst), r(src_false), r(src_true))
        }
        LoadVmctx { dst, word } => format!("load_vmctx {}, word {}", r(dst), word),
        BoundsCheck { addr, end, tmp } => format!("bounds_check {} + {} ; tmp {}", r(addr), end, r(tmp)),
        XmmAlu { size, op, dst, src1, src2 } => {
            format!("{}{} {}, {}, {}", lower(op), fz(*size), r(dst), r(src1), r(src2))
        }
        XmmMinMax { size, min, dst, src1, src2 } => {
            format!("wasm_{}{} {}, {}, {}", if *min { "min" } else { "max" }, fz(*size), r(dst), r(src1), r(src2))
        }
        XmmSqrt { size, dst, src } => format!("sqrt{} {}, {}", fz(*size), r(dst), r(src)),
        XmmRound { size, mode, dst, src } => format!("round{}.{} {}, {}", fz(*size), lower(mode), r(dst), r(src)),
        XmmSign { size, neg, dst, src } => {
            format!("{}{} {}, {}", if *neg { "neg" } else { "abs" }, fz(*size), r(dst), r(src))
        }
        XmmCopysign { size, dst, src1, src2, tmp } => {
            format!("copysign{} {}, {}, {} ; tmp {}", fz(*size), r(dst), r(src1), r(src2), r(tmp))
        }
        XmmMov { dst, src } => format!("movaps {}, {}", r(dst), r(src)),
        XmmLoad { size, dst, addr } => format!("movs{} {}, {}", &fz(*size)[1..], r(dst), am(addr)),
        XmmStore { size, src, addr } => format!("movs{} {}, {}", &fz(*size)[1..], am(addr), r(src)),
        GprToXmm { size, dst, src } => {
            format!("mov{} {}, {}", if *size == Size::S32 { "d" } else { "q" }, r(dst), r(src))
        }
        XmmToGpr { size, dst, src } => {
            format!("mov{} {}, {}", if *size == Size::S32 { "d" } else { "q" }, r(dst), r(src))
        }
        FloatFlags { size, lhs, rhs } => format!("ucomi{} {}, {}", fz(*size), r(lhs), r(rhs)),
        FloatCmp { size, cc, dst, lhs, rhs } => {
            format!("fcmp{}.{} {}, {}, {}", fz(*size), lower(cc), r(dst), r(lhs), r(rhs))
        }
        IntToFloat { from, to, signed, dst, src, tmp } => format!(
            "cvt{}{}2{} {}, {} ; tmp {}",
            if *signed { "s" } else { "u" },
            sz(*from),
            fz(*to),
            r(dst),
            r(src),
            r(tmp)
        ),
        FloatToInt { from, to, signed, sat, dst, src, tmp } => format!(
            "cvt{}2{}{}{} {}, {} ; tmp {}",
            fz(*from),
            if *signed { "s" } else { "u" },
            sz(*to),
            if *sat { ".sat" } else { "" },
            r(dst),
            r(src),
            r(tmp)
        ),
        FloatCvt { from, dst, src } => {
            format!("{} {}, {}", if *from == FSize::F32 { "cvtss2sd" } else { "cvtsd2ss" }, r(dst), r(src))
        }
        Jmp { target } => format!("jmp block{target}"),
        Jcc { cc, taken, not_taken } => format!("j{} block{taken}, block{not_taken}", lower(cc)),
        JmpTable { index, tmp, targets, default } => {
            let t: Vec<String> = targets.iter().map(|b| format!("block{b}")).collect();
            format!("jmp_table {} [{}], default block{default} ; tmp {}", r(index), t.join(", "), r(tmp))
        }
        TableLoad { size, dst, index, values } => {
            format!("table_load.{} {}, table[{}] ; {} entries", sz(*size), r(dst), r(index), values.len())
        }
        TableHoleLoad { dst, index, holes } => {
            format!("table_hole_load {}, holes[min({}, {})]", r(dst), r(index), holes.len() - 1)
        }
        Args { defs } => format!("args{}", fixed(defs)),
        Ret { uses } => format!("ret{}", fixed(uses)),
        Call { target, uses, defs } => match target {
            CallTarget::Func(f) => format!("call func{f}{}{}", fixed(uses), results(defs)),
            CallTarget::Lib(l, a, b) => format!("call libcall {}({a}, {b})", l.name()),
        },
        CallIndirect { index, table, type_index, sig_id, args, uses, defs, .. } => {
            format!(
                "call_indirect table{table}[{}], type{type_index} (sig {sig_id}), {args} area words{}{}",
                r(index),
                fixed(uses),
                results(defs)
            )
        }
        Trap { code } => format!("trap {}", lower(code)),
        Vector { op, avx, dst, src1, src2, imm } => {
            let mut s = format!("{}{} {}, {}", if *avx { "v" } else { "" }, lower(op), r(dst), r(src1));
            if let Some(s2) = src2 {
                s.push_str(&format!(", {}", r(s2)));
            }
            if op.has_imm() {
                s.push_str(&format!(", {imm:#x}"));
            }
            s
        }
        VecLoad { dst, addr } => format!("movdqu {}, {}", r(dst), am(addr)),
        VecStore { src, addr } => format!("movdqu {}, {}", am(addr), r(src)),
        VecConst { dst, bits } => format!("vconst {}, {:#034x}", r(dst), bits),
        VecTest { a, b } => format!("ptest {}, {}", r(a), r(b)),
    }
}

/// Register operands with their fixed registers: ` v3@rdi, v4@xmm0` (empty when none).
fn fixed(list: &[(Reg, regalloc2::PReg)]) -> String {
    list.iter().map(|(v, p)| format!(" {}@{}", r(v), preg_name(*p))).collect::<Vec<_>>().join(",")
}

/// Register results of a call: ` -> v5@rax` (empty when none).
fn results(list: &[(Reg, regalloc2::PReg)]) -> String {
    if list.is_empty() {
        String::new()
    } else {
        format!(" ->{}", fixed(list))
    }
}
