//! The IR instructions that every target lowers to a runtime call (a libcall of
//! `abi::LibCall`), and how: which immediates become the call's `a` and `b`, and which
//! values go to and come back from the value area. That is ABI, not instruction
//! selection, so it is written once here; a target only stores, calls and loads
//! (`Ctx::libcall` in its `lower.rs`). The same holds for what an inline `call_indirect`
//! needs from its IR instruction ([`inline_indirect`]). This file never creates an
//! instruction.

use crate::abi::LibCall;
use wlab_ir::{Function, Imm, Inst, Value};

/// A libcall an IR instruction becomes: `lib` with immediates `a` and `b`; `inputs` go to
/// the value area in order, `results` are read back from it.
pub struct RuntimeCall {
    pub lib: LibCall,
    pub a: u64,
    pub b: u64,
    pub inputs: Vec<Value>,
    pub results: Vec<Value>,
}

/// How instruction `i` of `f` calls `lib`, or `None` when its immediate (or, for
/// `call_indirect`, its operands) do not fit `lib`: a malformed instruction.
///
/// `lib` must be a libcall that is one IR instruction's whole lowering; `CallFunc` (a call to
/// an import, which goes through a target's call sequence) and `FloatRound` (a target's
/// choice when it lacks a rounding instruction) are not, and panic.
pub fn runtime_call(f: &Function, i: Inst, lib: LibCall) -> Option<RuntimeCall> {
    let d = f.inst(i);
    let call = |a: u32, b: u32, inputs: &[Value], results: &[Value]| RuntimeCall {
        lib,
        a: a as u64,
        b: b as u64,
        inputs: inputs.to_vec(),
        results: results.to_vec(),
    };
    match (lib, d.imm) {
        (LibCall::MemoryGrow, Imm::Memory(m)) => Some(call(m, 0, &d.args, &d.results)),
        (LibCall::MemoryFill, Imm::Memory(m)) => Some(call(m, 0, &d.args, &[])),
        (LibCall::MemoryCopy, Imm::MemoryCopy { dst, src }) => Some(call(dst, src, &d.args, &[])),
        (LibCall::MemoryInit, Imm::MemoryInit { data, memory }) => Some(call(data, memory, &d.args, &[])),
        (LibCall::DataDrop, Imm::Data(x)) => Some(call(x, 0, &[], &[])),
        (
            LibCall::TableGet | LibCall::TableSet | LibCall::TableSize | LibCall::TableGrow | LibCall::TableFill,
            Imm::Table(t),
        ) => Some(call(t, 0, &d.args, &d.results)),
        (LibCall::TableCopy, Imm::TableCopy { dst, src }) => Some(call(dst, src, &d.args, &[])),
        (LibCall::TableInit, Imm::TableInit { elem, table }) => Some(call(elem, table, &d.args, &[])),
        (LibCall::ElemDrop, Imm::Elem(e)) => Some(call(e, 0, &[], &[])),
        (LibCall::RefFunc, Imm::Func(fi)) => Some(call(fi, 0, &[], &d.results)),
        // The arguments, then the element index (the IR's operand order): the arguments
        // sit where a direct call wants them.
        (LibCall::CallIndirect, Imm::CallIndirect { type_index, table }) => {
            d.args.split_last()?;
            Some(call(type_index, table, &d.args, &d.results))
        }
        (
            LibCall::MemoryGrow
            | LibCall::MemoryFill
            | LibCall::MemoryCopy
            | LibCall::MemoryInit
            | LibCall::DataDrop
            | LibCall::TableGet
            | LibCall::TableSet
            | LibCall::TableSize
            | LibCall::TableGrow
            | LibCall::TableFill
            | LibCall::TableCopy
            | LibCall::TableInit
            | LibCall::ElemDrop
            | LibCall::RefFunc
            | LibCall::CallIndirect,
            _,
        ) => None,
        (LibCall::CallFunc | LibCall::FloatRound, _) => {
            panic!("{lib:?} is not the whole lowering of one IR instruction")
        }
    }
}

/// What a target's inline `call_indirect` (`abi`, *Tables*) takes from the IR instruction:
/// the arguments (stored to the value area as for a direct call), the element index, and
/// the canonical signature id the table entry must carry.
pub struct InlineIndirect {
    pub args: Vec<Value>,
    pub index: Value,
    pub table: u32,
    pub type_index: u32,
    pub sig_id: u32,
    pub results: Vec<Value>,
    /// Value-area words the arguments take (a `v128` takes two: `abi::value_words`); the
    /// slow path stores the element index in the word after them.
    pub arg_words: u32,
    /// Value-area words the results take.
    pub result_words: u32,
}

impl InlineIndirect {
    /// Value-area words the call needs: the slow path puts the element index in the word
    /// after the arguments (the `CallIndirect` libcall's layout).
    pub fn outgoing_slots(&self) -> u32 {
        (self.arg_words + 1).max(self.result_words)
    }
}

/// The inline form of `call_indirect` `i`, or `None` when its signature has no canonical
/// id (`sig_id`: such calls only take the runtime's path) or it is malformed.
pub fn inline_indirect(f: &Function, i: Inst) -> Option<InlineIndirect> {
    let d = f.inst(i);
    let Imm::CallIndirect { type_index, table } = d.imm else { return None };
    let sig_id = f.types.get(&type_index).and_then(crate::sig_id::canonical_sig_id)?;
    let (&index, args) = d.args.split_last()?;
    let words = |vs: &[Value]| vs.iter().map(|v| crate::abi::value_words(f.value_type(*v))).sum();
    let (arg_words, result_words) = (words(args), words(&d.results));
    Some(InlineIndirect {
        args: args.to_vec(),
        index,
        table,
        type_index,
        sig_id,
        results: d.results.to_vec(),
        arg_words,
        result_words,
    })
}
