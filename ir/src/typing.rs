//! The typing rules of the IR: what types an instruction's results have, given its
//! opcode, controlling type, immediate and the function's declarations.
//!
//! The text parser, the verifier and builders all ask here, so the rules live once.
//! Conventions for the controlling type `ty` (the printed suffix):
//! - the result type for constants, arithmetic, conversions, `select`, `copy`, loads,
//!   `global_get`, `table_get`, `ref_null`;
//! - the operand type for `eqz`, `icmp`, `fcmp` (whose result is `i32`), stores and
//!   `global_set`;
//! - `None` for everything else (calls, branches, bulk memory and table operations,
//!   `memory_size`, `ref_func`, `ref_is_null`, ...).

use crate::function::Function;
use crate::instructions::{Imm, InstData};
use crate::opcode::Opcode;
use crate::types::Type;

/// Whether an opcode is written with a controlling type suffix (`iadd.i32`).
pub fn has_type_suffix(op: Opcode) -> bool {
    match op {
        Opcode::Iconst
        | Opcode::Fconst
        | Opcode::RefNull
        | Opcode::Copy
        | Opcode::Select
        | Opcode::Iadd
        | Opcode::Isub
        | Opcode::Imul
        | Opcode::Sdiv
        | Opcode::Udiv
        | Opcode::Srem
        | Opcode::Urem
        | Opcode::Band
        | Opcode::Bor
        | Opcode::Bxor
        | Opcode::Ishl
        | Opcode::Ushr
        | Opcode::Sshr
        | Opcode::Rotl
        | Opcode::Rotr
        | Opcode::Clz
        | Opcode::Ctz
        | Opcode::Popcnt
        | Opcode::Eqz
        | Opcode::Icmp
        | Opcode::Fadd
        | Opcode::Fsub
        | Opcode::Fmul
        | Opcode::Fdiv
        | Opcode::Fmin
        | Opcode::Fmax
        | Opcode::Fcopysign
        | Opcode::Fabs
        | Opcode::Fneg
        | Opcode::Fsqrt
        | Opcode::Fceil
        | Opcode::Ffloor
        | Opcode::Ftrunc
        | Opcode::Fnearest
        | Opcode::Fcmp
        | Opcode::Ireduce
        | Opcode::Sextend
        | Opcode::Uextend
        | Opcode::Sext8
        | Opcode::Sext16
        | Opcode::Sext32
        | Opcode::FcvtToSint
        | Opcode::FcvtToUint
        | Opcode::FcvtToSintSat
        | Opcode::FcvtToUintSat
        | Opcode::FcvtFromSint
        | Opcode::FcvtFromUint
        | Opcode::Fpromote
        | Opcode::Fdemote
        | Opcode::Bitcast
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
        | Opcode::GlobalGet
        | Opcode::GlobalSet
        | Opcode::TableGet => true,
        Opcode::RefFunc
        | Opcode::RefIsNull
        | Opcode::MemorySize
        | Opcode::MemoryGrow
        | Opcode::MemoryFill
        | Opcode::MemoryCopy
        | Opcode::MemoryInit
        | Opcode::DataDrop
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
        | Opcode::Trap => false,
    }
}

/// The result types of an instruction. Errors name what is missing (an undeclared
/// callee or type, a missing controlling type).
pub fn result_types(func: &Function, data: &InstData) -> Result<Vec<Type>, String> {
    let ty = || data.ty.ok_or_else(|| format!("`{}` needs a type suffix", data.opcode));
    Ok(match data.opcode {
        Opcode::Iconst
        | Opcode::Fconst
        | Opcode::RefNull
        | Opcode::Copy
        | Opcode::Select
        | Opcode::Iadd
        | Opcode::Isub
        | Opcode::Imul
        | Opcode::Sdiv
        | Opcode::Udiv
        | Opcode::Srem
        | Opcode::Urem
        | Opcode::Band
        | Opcode::Bor
        | Opcode::Bxor
        | Opcode::Ishl
        | Opcode::Ushr
        | Opcode::Sshr
        | Opcode::Rotl
        | Opcode::Rotr
        | Opcode::Clz
        | Opcode::Ctz
        | Opcode::Popcnt
        | Opcode::Fadd
        | Opcode::Fsub
        | Opcode::Fmul
        | Opcode::Fdiv
        | Opcode::Fmin
        | Opcode::Fmax
        | Opcode::Fcopysign
        | Opcode::Fabs
        | Opcode::Fneg
        | Opcode::Fsqrt
        | Opcode::Fceil
        | Opcode::Ffloor
        | Opcode::Ftrunc
        | Opcode::Fnearest
        | Opcode::Ireduce
        | Opcode::Sextend
        | Opcode::Uextend
        | Opcode::Sext8
        | Opcode::Sext16
        | Opcode::Sext32
        | Opcode::FcvtToSint
        | Opcode::FcvtToUint
        | Opcode::FcvtToSintSat
        | Opcode::FcvtToUintSat
        | Opcode::FcvtFromSint
        | Opcode::FcvtFromUint
        | Opcode::Fpromote
        | Opcode::Fdemote
        | Opcode::Bitcast
        | Opcode::Load
        | Opcode::Uload8
        | Opcode::Sload8
        | Opcode::Uload16
        | Opcode::Sload16
        | Opcode::Uload32
        | Opcode::Sload32
        | Opcode::GlobalGet
        | Opcode::TableGet => vec![ty()?],
        Opcode::Eqz
        | Opcode::Icmp
        | Opcode::Fcmp
        | Opcode::RefIsNull
        | Opcode::MemorySize
        | Opcode::MemoryGrow
        | Opcode::TableSize
        | Opcode::TableGrow => vec![Type::I32],
        Opcode::RefFunc => vec![Type::FuncRef],
        Opcode::Store
        | Opcode::Istore8
        | Opcode::Istore16
        | Opcode::Istore32
        | Opcode::MemoryFill
        | Opcode::MemoryCopy
        | Opcode::MemoryInit
        | Opcode::DataDrop
        | Opcode::GlobalSet
        | Opcode::TableSet
        | Opcode::TableFill
        | Opcode::TableCopy
        | Opcode::TableInit
        | Opcode::ElemDrop
        | Opcode::Jump
        | Opcode::Brif
        | Opcode::BrTable
        | Opcode::Return
        | Opcode::Trap => vec![],
        Opcode::Call => match data.imm {
            Imm::Func(f) => func.callees.get(&f).ok_or_else(|| format!("fn{f} is not declared"))?.results.clone(),
            _ => return Err("`call` needs a function immediate".into()),
        },
        Opcode::CallIndirect => match data.imm {
            Imm::CallIndirect { type_index, .. } => {
                func.types.get(&type_index).ok_or_else(|| format!("type{type_index} is not declared"))?.results.clone()
            }
            _ => return Err("`call_indirect` needs a type immediate".into()),
        },
    })
}
