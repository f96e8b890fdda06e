//! The recording copy of a function: before every instruction that touches linear
//! memory, a call to the reserved function [`ACCESS_HOOK`] with what it will touch, so
//! the recorder learns which bytes a call reads and writes.
//!
//! ```text
//!  v9 = load.i32 v4+8          k = iconst.i32 0 (memory 0, read); o = iconst.i64 8; n = iconst.i64 4
//!                        ==>   call ACCESS_HOOK(k, v4, o, n)
//!                              v9 = load.i32 v4+8
//! ```
//!
//! The hook's arguments: `kind` (memory index × 2, + 1 for a write), the address operand
//! (i32 or i64 as written), the static offset (i64) and the length (a constant, or the
//! length operand of `memory_fill` / `memory_copy` / `memory_init`). `memory_copy` gets
//! two hooks (its source read, its destination write). This file never changes what the
//! function computes, and never runs it.

use wlab_ir::{Function, Imm, InstData, Opcode, Signature, Type, Value};

/// The function index the hook calls go to (no wasm module has this many functions).
pub const ACCESS_HOOK: u32 = u32::MAX - 1;

/// `func` with a hook call before each memory access. See the module docs.
pub fn instrument(func: &Function) -> Function {
    let mut f = func.clone();
    f.callees.insert(ACCESS_HOOK, Signature::new(vec![Type::I32, Type::I32, Type::I64, Type::I64], vec![]));
    for b in f.layout.clone() {
        let old = std::mem::take(&mut f.blocks[b.index()].insts);
        let mut new = Vec::with_capacity(old.len() * 2);
        for inst in old {
            let d = f.inst(inst).clone();
            for (memory, write, addr, offset, len) in accesses(&d) {
                let kind = konst(&mut f, &mut new, Type::I32, (memory as i64) * 2 + write as i64);
                let off = konst(&mut f, &mut new, Type::I64, offset as i64);
                let len = match len {
                    Len::Const(n) => konst(&mut f, &mut new, Type::I64, n as i64),
                    Len::Value(v) => v,
                };
                let call = f.make_inst(
                    InstData::new(Opcode::Call, None, vec![kind, addr, off, len], Imm::Func(ACCESS_HOOK)),
                    &[],
                );
                new.push(call);
            }
            new.push(inst);
        }
        f.blocks[b.index()].insts = new;
    }
    f
}

/// An `iconst` appended to `insts`; its value.
fn konst(f: &mut Function, insts: &mut Vec<wlab_ir::Inst>, ty: Type, k: i64) -> Value {
    let i = f.make_inst(InstData::new(Opcode::Iconst, Some(ty), Vec::new(), Imm::I64(k)), &[ty]);
    insts.push(i);
    f.inst(i).results[0]
}

enum Len {
    Const(u64),
    Value(Value),
}

fn type_bytes(ty: Option<Type>) -> u64 {
    match ty {
        Some(Type::I32) | Some(Type::F32) => 4,
        Some(Type::I64) | Some(Type::F64) => 8,
        Some(Type::V128) => 16,
        Some(Type::FuncRef) | Some(Type::ExternRef) | None => 0,
    }
}

/// (memory, write, address operand, static offset, length) of each access of `d`.
fn accesses(d: &InstData) -> Vec<(u32, bool, Value, u64, Len)> {
    let width = || d.opcode.narrow_bytes().map_or(type_bytes(d.ty), |n| n as u64);
    match d.imm {
        Imm::Mem(m) if d.opcode.is_load() => vec![(m.memory, false, d.args[0], m.offset, Len::Const(width()))],
        Imm::Mem(m) if d.opcode.is_store() => vec![(m.memory, true, d.args[0], m.offset, Len::Const(width()))],
        Imm::Memory(m) if d.opcode == Opcode::MemoryFill => vec![(m, true, d.args[0], 0, Len::Value(d.args[2]))],
        Imm::MemoryCopy { dst, src } => {
            vec![(src, false, d.args[1], 0, Len::Value(d.args[2])), (dst, true, d.args[0], 0, Len::Value(d.args[2]))]
        }
        Imm::MemoryInit { memory, .. } => vec![(memory, true, d.args[0], 0, Len::Value(d.args[2]))],
        _ => Vec::new(),
    }
}
