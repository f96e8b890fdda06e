//! The typing rules of the IR: what types an instruction's results have, given its
//! opcode, controlling type, immediate and the function's declarations.
//!
//! The text parser, the verifier and builders all ask here; the rules themselves are the
//! opcode table's suffix and result columns ([`crate::opinfo`]), so they live once.
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
use crate::opinfo::{Results, Suffix};
use crate::types::Type;

/// Whether an opcode is written with a controlling type suffix (`iadd.i32`): the
/// table's suffix column is not [`Suffix::No`].
pub fn has_type_suffix(op: Opcode) -> bool {
    op.info().suffix != Suffix::No
}

/// The result types of an instruction, by the table's result column. Errors name what
/// is missing (an undeclared callee or type, a missing controlling type).
pub fn result_types(func: &Function, data: &InstData) -> Result<Vec<Type>, String> {
    let ty = || data.ty.ok_or_else(|| format!("`{}` needs a type suffix", data.opcode));
    Ok(match data.opcode.info().results {
        Results::None => vec![],
        Results::Ctrl => vec![ty()?],
        Results::One(t) => vec![t],
        Results::Callee => match data.imm {
            Imm::Func(f) => func.callees.get(&f).ok_or_else(|| format!("fn{f} is not declared"))?.results.clone(),
            _ => return Err(format!("`{}` needs a function immediate", data.opcode)),
        },
        Results::CallType => match data.imm {
            Imm::CallIndirect { type_index, .. } => {
                func.types.get(&type_index).ok_or_else(|| format!("type{type_index} is not declared"))?.results.clone()
            }
            _ => return Err(format!("`{}` needs a type immediate", data.opcode)),
        },
    })
}
