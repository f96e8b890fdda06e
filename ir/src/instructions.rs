//! Instruction data: opcode, controlling type, operands, immediate and branch targets.
//!
//! One shape serves every opcode: operands are a list of values, the immediate is one
//! [`Imm`], and terminators carry their successors as [`BlockCall`]s (a block plus the
//! arguments passed to its parameters). Which fields an opcode uses is documented on
//! the opcode and checked by the verifier; this file never interprets them.

use crate::entities::{Block, Value};
use crate::opcode::Opcode;
use crate::types::Type;
use std::fmt;

/// One instruction.
#[derive(Clone, Debug, PartialEq)]
pub struct InstData {
    pub opcode: Opcode,
    /// The controlling type printed as the suffix (`iadd.i32`): the result type for most
    /// opcodes, the operand type for comparisons, `eqz` and stores; `None` where the opcode
    /// has none (calls, branches, `memory_fill`, ...).
    pub ty: Option<Type>,
    /// Value operands, in order.
    pub args: Vec<Value>,
    pub imm: Imm,
    /// Successors of a terminator (`brif`: then, else; `br_table`: default, then the table).
    pub dests: Vec<BlockCall>,
    /// Results, defined by this instruction.
    pub results: Vec<Value>,
    /// Byte offset of the wasm operator this came from, when known (not printed).
    pub srcloc: Option<u32>,
}

impl InstData {
    /// An instruction with no results or successors yet.
    pub fn new(opcode: Opcode, ty: Option<Type>, args: Vec<Value>, imm: Imm) -> Self {
        InstData { opcode, ty, args, imm, dests: Vec::new(), results: Vec::new(), srcloc: None }
    }
}

/// A branch target: a block and the values passed to its parameters.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct BlockCall {
    pub block: Block,
    pub args: Vec<Value>,
}

impl BlockCall {
    pub fn new(block: Block, args: Vec<Value>) -> Self {
        BlockCall { block, args }
    }
}

impl fmt::Display for BlockCall {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.block)?;
        if !self.args.is_empty() {
            write!(f, "(")?;
            for (i, a) in self.args.iter().enumerate() {
                if i > 0 {
                    write!(f, ", ")?;
                }
                write!(f, "{a}")?;
            }
            write!(f, ")")?;
        }
        Ok(())
    }
}

/// The immediate operand of an instruction.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Imm {
    None,
    /// `iconst`: the value, sign-extended to 64 bits (an i32 constant is stored as its
    /// `i32` value widened).
    I64(i64),
    /// `fconst.f32`: raw bits.
    F32(u32),
    /// `fconst.f64`: raw bits.
    F64(u64),
    /// `icmp`.
    IntCC(IntCC),
    /// `fcmp`.
    FloatCC(FloatCC),
    /// Loads and stores.
    Mem(MemArg),
    /// `memory_size`, `memory_grow`, `memory_fill`: the memory index.
    Memory(u32),
    /// `memory_copy`: destination and source memories.
    MemoryCopy {
        dst: u32,
        src: u32,
    },
    /// `memory_init`: the data segment and memory.
    MemoryInit {
        data: u32,
        memory: u32,
    },
    /// `data_drop`: the data segment.
    Data(u32),
    /// `global_get` / `global_set`: the global index.
    Global(u32),
    /// `table_get`, `table_set`, `table_size`, `table_grow`, `table_fill`: the table.
    Table(u32),
    /// `table_copy`: destination and source tables.
    TableCopy {
        dst: u32,
        src: u32,
    },
    /// `table_init`: the element segment and table.
    TableInit {
        elem: u32,
        table: u32,
    },
    /// `elem_drop`: the element segment.
    Elem(u32),
    /// `call` and `ref_func`: the wasm function index.
    Func(u32),
    /// `call_indirect`: the wasm type index of the expected signature and the table.
    CallIndirect {
        type_index: u32,
        table: u32,
    },
    /// `trap`: why.
    Trap(TrapCode),
    /// `const.v128`: the 16 bytes, lane 0 first (wasm's little-endian order).
    V128([u8; 16]),
    /// `extract_lane` / `replace_lane`: the lane index.
    Lane(u8),
    /// `shuffle.i8x16`: for each result byte, the index (0..32) of the byte of the two
    /// operands' concatenation it takes.
    Shuffle([u8; 16]),
    /// `loadN_lane.v128` / `storeN_lane.v128`: the access and the lane index.
    MemLane(MemArg, u8),
}

/// Integer comparison condition.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum IntCC {
    Eq,
    Ne,
    Slt,
    Sle,
    Sgt,
    Sge,
    Ult,
    Ule,
    Ugt,
    Uge,
}

impl IntCC {
    pub const ALL: [IntCC; 10] = [
        IntCC::Eq,
        IntCC::Ne,
        IntCC::Slt,
        IntCC::Sle,
        IntCC::Sgt,
        IntCC::Sge,
        IntCC::Ult,
        IntCC::Ule,
        IntCC::Ugt,
        IntCC::Uge,
    ];

    pub fn name(self) -> &'static str {
        match self {
            IntCC::Eq => "eq",
            IntCC::Ne => "ne",
            IntCC::Slt => "slt",
            IntCC::Sle => "sle",
            IntCC::Sgt => "sgt",
            IntCC::Sge => "sge",
            IntCC::Ult => "ult",
            IntCC::Ule => "ule",
            IntCC::Ugt => "ugt",
            IntCC::Uge => "uge",
        }
    }

    pub fn from_name(s: &str) -> Option<IntCC> {
        IntCC::ALL.into_iter().find(|c| c.name() == s)
    }

    /// The condition that holds exactly when this one does not.
    pub fn inverse(self) -> IntCC {
        match self {
            IntCC::Eq => IntCC::Ne,
            IntCC::Ne => IntCC::Eq,
            IntCC::Slt => IntCC::Sge,
            IntCC::Sle => IntCC::Sgt,
            IntCC::Sgt => IntCC::Sle,
            IntCC::Sge => IntCC::Slt,
            IntCC::Ult => IntCC::Uge,
            IntCC::Ule => IntCC::Ugt,
            IntCC::Ugt => IntCC::Ule,
            IntCC::Uge => IntCC::Ult,
        }
    }

    /// The condition with operands swapped (`a < b` ⇔ `b > a`).
    pub fn swapped(self) -> IntCC {
        match self {
            IntCC::Eq => IntCC::Eq,
            IntCC::Ne => IntCC::Ne,
            IntCC::Slt => IntCC::Sgt,
            IntCC::Sle => IntCC::Sge,
            IntCC::Sgt => IntCC::Slt,
            IntCC::Sge => IntCC::Sle,
            IntCC::Ult => IntCC::Ugt,
            IntCC::Ule => IntCC::Uge,
            IntCC::Ugt => IntCC::Ult,
            IntCC::Uge => IntCC::Ule,
        }
    }
}

impl fmt::Display for IntCC {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Float comparison condition (wasm's: every comparison with NaN is false except `ne`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum FloatCC {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
}

impl FloatCC {
    pub const ALL: [FloatCC; 6] = [FloatCC::Eq, FloatCC::Ne, FloatCC::Lt, FloatCC::Le, FloatCC::Gt, FloatCC::Ge];

    pub fn name(self) -> &'static str {
        match self {
            FloatCC::Eq => "eq",
            FloatCC::Ne => "ne",
            FloatCC::Lt => "lt",
            FloatCC::Le => "le",
            FloatCC::Gt => "gt",
            FloatCC::Ge => "ge",
        }
    }

    pub fn from_name(s: &str) -> Option<FloatCC> {
        FloatCC::ALL.into_iter().find(|c| c.name() == s)
    }
}

impl fmt::Display for FloatCC {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// The static part of a memory access: `addr + offset` in memory `memory`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct MemArg {
    pub offset: u64,
    /// log2 of the alignment hint (never affects semantics).
    pub align: u8,
    pub memory: u32,
}

/// Why execution trapped. The messages are the ones the spec test suite expects.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
pub enum TrapCode {
    Unreachable,
    IntegerDivisionByZero,
    IntegerOverflow,
    BadConversionToInteger,
    MemoryOutOfBounds,
    TableOutOfBounds,
    /// `call_indirect` hit a null entry.
    IndirectCallNull,
    /// `call_indirect` hit a function of another type.
    IndirectCallBadSig,
    /// `call_indirect` index beyond the table (the spec calls it "undefined element").
    UndefinedElement,
    StackOverflow,
    /// The run's fuel (`--fuel`) is used up: raised by the runtime's fuel checks
    /// (`wlab_runtime::fuel`), never by translated wasm.
    OutOfFuel,
    /// The run's time limit (`--timeout`) passed: a fuel check that found the counter
    /// emptied by the watchdog. The runtime renames [`TrapCode::OutOfFuel`] to this.
    Timeout,
}

impl TrapCode {
    pub const ALL: [TrapCode; 12] = [
        TrapCode::Unreachable,
        TrapCode::IntegerDivisionByZero,
        TrapCode::IntegerOverflow,
        TrapCode::BadConversionToInteger,
        TrapCode::MemoryOutOfBounds,
        TrapCode::TableOutOfBounds,
        TrapCode::IndirectCallNull,
        TrapCode::IndirectCallBadSig,
        TrapCode::UndefinedElement,
        TrapCode::StackOverflow,
        TrapCode::OutOfFuel,
        TrapCode::Timeout,
    ];

    /// The text-format name (`trap int_divz`).
    pub fn name(self) -> &'static str {
        match self {
            TrapCode::Unreachable => "unreachable",
            TrapCode::IntegerDivisionByZero => "int_divz",
            TrapCode::IntegerOverflow => "int_ovf",
            TrapCode::BadConversionToInteger => "bad_toint",
            TrapCode::MemoryOutOfBounds => "heap_oob",
            TrapCode::TableOutOfBounds => "table_oob",
            TrapCode::IndirectCallNull => "icall_null",
            TrapCode::IndirectCallBadSig => "bad_sig",
            TrapCode::UndefinedElement => "undefined_elem",
            TrapCode::StackOverflow => "stk_ovf",
            TrapCode::OutOfFuel => "out_of_fuel",
            TrapCode::Timeout => "timeout",
        }
    }

    pub fn from_name(s: &str) -> Option<TrapCode> {
        TrapCode::ALL.into_iter().find(|c| c.name() == s)
    }

    /// The message the spec test suite uses for this trap.
    pub fn message(self) -> &'static str {
        match self {
            TrapCode::Unreachable => "unreachable",
            TrapCode::IntegerDivisionByZero => "integer divide by zero",
            TrapCode::IntegerOverflow => "integer overflow",
            TrapCode::BadConversionToInteger => "invalid conversion to integer",
            TrapCode::MemoryOutOfBounds => "out of bounds memory access",
            TrapCode::TableOutOfBounds => "out of bounds table access",
            TrapCode::IndirectCallNull => "uninitialized element",
            TrapCode::IndirectCallBadSig => "indirect call type mismatch",
            TrapCode::UndefinedElement => "undefined element",
            TrapCode::StackOverflow => "call stack exhausted",
            TrapCode::OutOfFuel => "out of fuel",
            TrapCode::Timeout => "timeout",
        }
    }
}

impl fmt::Display for TrapCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.message())
    }
}
