//! Every opcode of the IR, defined once in a table: one row per opcode with its text
//! name, effects, type suffix class, operands, immediate, result rule, branch targets,
//! text syntax, e-graph role and memory access (the columns are described in
//! [`crate::opinfo`]).
//!
//! Passes ask an opcode what it does ([`Opcode::info`], [`Opcode::effects`]); typing, the
//! verifier, the parser, the printer and the e-graph language read the row and keep no
//! opcode lists of their own. Adding an opcode here makes the compiler point at every
//! remaining exhaustive `match` that needs an arm — the interpreter, each backend's
//! lowering, the e-graph cost models (no consumer may use a `_ =>` arm over opcodes) —
//! and the property test of constant folding covers it when it is a number operation.
//!
//! Naming follows Cranelift where wasm has the same operation (`iadd`, `sdiv`, `uload8`,
//! `brif`); the controlling type is printed as a suffix (`iadd.i32`).

use crate::opinfo::{Access, Arg, Dests, Egraph, ImmKind, OpInfo, Operands, Results, Suffix, Syntax, Width};
pub use crate::simd::SimdOp;
use crate::types::Type;
use std::fmt;

/// What executing an instruction may do besides computing its results.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, serde::Serialize)]
pub struct Effects {
    /// May trap (division by zero, out-of-bounds access, bad conversion, ...).
    pub may_trap: bool,
    /// Reads linear memory.
    pub reads_memory: bool,
    /// Writes linear memory (including `memory.grow`, which changes its size).
    pub writes_memory: bool,
    /// Reads a global or a table (state outside linear memory).
    pub reads_state: bool,
    /// Writes a global, a table or a segment (`data.drop` / `elem.drop`).
    pub writes_state: bool,
    /// Calls a function: may do anything any function may do.
    pub call: bool,
    /// Ends a block.
    pub terminator: bool,
}

impl Effects {
    pub(crate) const PURE: Effects = Effects {
        may_trap: false,
        reads_memory: false,
        writes_memory: false,
        reads_state: false,
        writes_state: false,
        call: false,
        terminator: false,
    };
    pub(crate) const TRAP: Effects = Effects { may_trap: true, ..Effects::PURE };
    pub(crate) const LOAD: Effects = Effects { may_trap: true, reads_memory: true, ..Effects::PURE };
    pub(crate) const STORE: Effects = Effects { may_trap: true, writes_memory: true, ..Effects::PURE };
    pub(crate) const MEM_READ: Effects = Effects { reads_memory: true, ..Effects::PURE };
    pub(crate) const MEM_RW: Effects =
        Effects { may_trap: true, reads_memory: true, writes_memory: true, ..Effects::PURE };
    pub(crate) const MEM_GROW: Effects = Effects { reads_memory: true, writes_memory: true, ..Effects::PURE };
    pub(crate) const MEM_INIT: Effects =
        Effects { may_trap: true, writes_memory: true, reads_state: true, ..Effects::PURE };
    pub(crate) const STATE_READ: Effects = Effects { reads_state: true, ..Effects::PURE };
    pub(crate) const STATE_WRITE: Effects = Effects { writes_state: true, ..Effects::PURE };
    pub(crate) const TABLE_READ: Effects = Effects { may_trap: true, reads_state: true, ..Effects::PURE };
    pub(crate) const TABLE_WRITE: Effects = Effects { may_trap: true, writes_state: true, ..Effects::PURE };
    pub(crate) const TABLE_RW: Effects =
        Effects { may_trap: true, reads_state: true, writes_state: true, ..Effects::PURE };
    pub(crate) const TABLE_GROW: Effects = Effects { reads_state: true, writes_state: true, ..Effects::PURE };
    pub(crate) const CALL: Effects = Effects {
        may_trap: true,
        reads_memory: true,
        writes_memory: true,
        reads_state: true,
        writes_state: true,
        call: true,
        terminator: false,
    };
    pub(crate) const BRANCH: Effects = Effects { terminator: true, ..Effects::PURE };
    pub(crate) const TRAP_TERM: Effects = Effects { may_trap: true, terminator: true, ..Effects::PURE };

    /// No effect at all: the instruction may be removed if unused, moved, duplicated
    /// or merged with an identical one.
    pub fn is_pure(self) -> bool {
        self == Effects::PURE
    }

    /// Reads something a store, a state write or a call may change.
    pub fn reads_anything(self) -> bool {
        self.reads_memory || self.reads_state || self.call
    }

    /// Writes something (memory, globals, tables, segments), or calls.
    pub fn writes_anything(self) -> bool {
        self.writes_memory || self.writes_state || self.call
    }
}

macro_rules! opcodes {
    ($( $(#[$doc:meta])* $variant:ident = $name:literal, $effects:ident, $suffix:expr, $operands:expr,
        $imm:ident, $results:expr, $dests:expr, $syntax:ident, $egraph:ident, $access:expr; )*) => {
        /// An IR operation. See the module docs for naming; the table below and the SIMD
        /// rows in [`crate::simd`] are the only places an opcode is declared.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
        pub enum Opcode {
            $( $(#[$doc])* $variant, )*
            /// A fixed-width SIMD operation (236 rows of their own, [`crate::simd`]).
            Simd(SimdOp),
        }

        impl Opcode {
            /// Every scalar opcode, in declaration order ([`Opcode::all`] adds SIMD).
            pub const SCALAR: &'static [Opcode] = &[ $( Opcode::$variant, )* ];

            /// Every fact about this opcode: its row of the table.
            pub fn info(self) -> &'static OpInfo {
                match self {
                    $( Opcode::$variant => {
                        const ROW: OpInfo = OpInfo {
                            name: $name,
                            effects: Effects::$effects,
                            suffix: $suffix,
                            operands: $operands,
                            imm: ImmKind::$imm,
                            results: $results,
                            dests: $dests,
                            syntax: Syntax::$syntax,
                            egraph: Egraph::$egraph,
                            access: $access,
                            shape: None,
                        };
                        &ROW
                    } )*
                    Opcode::Simd(s) => s.info(),
                }
            }
        }
    };
}

// Shorthands for the table's columns.
use Arg::{AnyFloat, AnyInt, AnyRef, BitcastSource, Ctrl, T};
const I32: Arg = T(Type::I32);
const I64: Arg = T(Type::I64);
const NONE: Operands = Operands::Fixed(&[]);
const UN: Operands = Operands::Fixed(&[Ctrl]);
const BIN: Operands = Operands::Fixed(&[Ctrl, Ctrl]);
const ONE_I32: Operands = Operands::Fixed(&[I32]);
const I32_CTRL: Operands = Operands::Fixed(&[I32, Ctrl]);
const I32X3: Operands = Operands::Fixed(&[I32, I32, I32]);
const NO_DESTS: Dests = Dests::Exactly(0);
const NO_ACCESS: Access = Access::None;
const LOAD_FULL: Access = Access::Load(Width::Full);
const STORE_FULL: Access = Access::Store(Width::Full);
const fn load(n: u32) -> Access {
    Access::Load(Width::Bytes(n))
}
const fn store(n: u32) -> Access {
    Access::Store(Width::Bytes(n))
}
const fn exactly(t: Type) -> Suffix {
    Suffix::Exactly(t)
}
const fn one(t: Type) -> Results {
    Results::One(t)
}
const fn args(a: &'static [Arg]) -> Operands {
    Operands::Fixed(a)
}

// Columns: name, effects, type suffix, operands, immediate, results, branch targets,
// text syntax, e-graph role, memory access. See `opinfo.rs` for what each means.
#[rustfmt::skip]
opcodes! {
    // ---- constants and copies -------------------------------------------------------
    /// `v = iconst.T imm` — integer constant (imm holds the bits, sign-extended).
    Iconst = "iconst", PURE, Suffix::Int, NONE, Int, Results::Ctrl, NO_DESTS, Plain, Node, NO_ACCESS;
    /// `v = fconst.T imm` — float constant (exact bits kept; printed as shortest
    /// round-trip decimal, `inf`, `-inf` or `nan:0xBITS`).
    Fconst = "fconst", PURE, Suffix::Float, NONE, Float, Results::Ctrl, NO_DESTS, Plain, Node, NO_ACCESS;
    /// `v = ref_null.T` — the null reference of type T.
    RefNull = "ref_null", PURE, Suffix::Ref, NONE, None, Results::Ctrl, NO_DESTS, Plain, Skeleton, NO_ACCESS;
    /// `v = ref_func fnN` — reference to function N.
    RefFunc = "ref_func", PURE, Suffix::No, NONE, Func, one(Type::FuncRef), NO_DESTS, Plain, Skeleton, NO_ACCESS;
    /// `v = ref_is_null x` — i32 1 if x is null.
    RefIsNull = "ref_is_null", PURE, Suffix::No, args(&[AnyRef]), None, one(Type::I32), NO_DESTS, Plain, Skeleton, NO_ACCESS;
    /// `v = copy.T x` — the same value (copy propagation removes it).
    Copy = "copy", PURE, Suffix::Any, UN, None, Results::Ctrl, NO_DESTS, Plain, Transparent, NO_ACCESS;
    /// `v = select.T c, a, b` — a if c != 0 else b.
    Select = "select", PURE, Suffix::Any, args(&[I32, Ctrl, Ctrl]), None, Results::Ctrl, NO_DESTS, Plain, Node, NO_ACCESS;

    // ---- integer arithmetic ---------------------------------------------------------
    Iadd = "iadd", PURE, Suffix::Int, BIN, None, Results::Ctrl, NO_DESTS, Plain, Node, NO_ACCESS;
    Isub = "isub", PURE, Suffix::Int, BIN, None, Results::Ctrl, NO_DESTS, Plain, Node, NO_ACCESS;
    Imul = "imul", PURE, Suffix::Int, BIN, None, Results::Ctrl, NO_DESTS, Plain, Node, NO_ACCESS;
    /// Signed division: traps on zero divisor and on MIN / -1.
    Sdiv = "sdiv", TRAP, Suffix::Int, BIN, None, Results::Ctrl, NO_DESTS, Plain, Skeleton, NO_ACCESS;
    /// Unsigned division: traps on zero divisor.
    Udiv = "udiv", TRAP, Suffix::Int, BIN, None, Results::Ctrl, NO_DESTS, Plain, Skeleton, NO_ACCESS;
    /// Signed remainder: traps on zero divisor (MIN % -1 is 0).
    Srem = "srem", TRAP, Suffix::Int, BIN, None, Results::Ctrl, NO_DESTS, Plain, Skeleton, NO_ACCESS;
    /// Unsigned remainder: traps on zero divisor.
    Urem = "urem", TRAP, Suffix::Int, BIN, None, Results::Ctrl, NO_DESTS, Plain, Skeleton, NO_ACCESS;
    Band = "band", PURE, Suffix::Int, BIN, None, Results::Ctrl, NO_DESTS, Plain, Node, NO_ACCESS;
    Bor = "bor", PURE, Suffix::Int, BIN, None, Results::Ctrl, NO_DESTS, Plain, Node, NO_ACCESS;
    Bxor = "bxor", PURE, Suffix::Int, BIN, None, Results::Ctrl, NO_DESTS, Plain, Node, NO_ACCESS;
    /// Shift left; the amount is taken modulo the width.
    Ishl = "ishl", PURE, Suffix::Int, BIN, None, Results::Ctrl, NO_DESTS, Plain, Node, NO_ACCESS;
    /// Logical shift right; the amount is taken modulo the width.
    Ushr = "ushr", PURE, Suffix::Int, BIN, None, Results::Ctrl, NO_DESTS, Plain, Node, NO_ACCESS;
    /// Arithmetic shift right; the amount is taken modulo the width.
    Sshr = "sshr", PURE, Suffix::Int, BIN, None, Results::Ctrl, NO_DESTS, Plain, Node, NO_ACCESS;
    Rotl = "rotl", PURE, Suffix::Int, BIN, None, Results::Ctrl, NO_DESTS, Plain, Node, NO_ACCESS;
    Rotr = "rotr", PURE, Suffix::Int, BIN, None, Results::Ctrl, NO_DESTS, Plain, Node, NO_ACCESS;
    Clz = "clz", PURE, Suffix::Int, UN, None, Results::Ctrl, NO_DESTS, Plain, Node, NO_ACCESS;
    Ctz = "ctz", PURE, Suffix::Int, UN, None, Results::Ctrl, NO_DESTS, Plain, Node, NO_ACCESS;
    Popcnt = "popcnt", PURE, Suffix::Int, UN, None, Results::Ctrl, NO_DESTS, Plain, Node, NO_ACCESS;
    /// `v = eqz.T x` — i32 1 if x == 0.
    Eqz = "eqz", PURE, Suffix::Int, UN, None, one(Type::I32), NO_DESTS, Plain, Node, NO_ACCESS;
    /// `v = icmp.T cc a, b` — i32 0/1; T is the operand type.
    Icmp = "icmp", PURE, Suffix::Int, BIN, IntCC, one(Type::I32), NO_DESTS, Plain, Node, NO_ACCESS;

    // ---- float arithmetic -----------------------------------------------------------
    Fadd = "fadd", PURE, Suffix::Float, BIN, None, Results::Ctrl, NO_DESTS, Plain, Node, NO_ACCESS;
    Fsub = "fsub", PURE, Suffix::Float, BIN, None, Results::Ctrl, NO_DESTS, Plain, Node, NO_ACCESS;
    Fmul = "fmul", PURE, Suffix::Float, BIN, None, Results::Ctrl, NO_DESTS, Plain, Node, NO_ACCESS;
    Fdiv = "fdiv", PURE, Suffix::Float, BIN, None, Results::Ctrl, NO_DESTS, Plain, Node, NO_ACCESS;
    /// wasm `min`: NaN if either is NaN, -0 < +0.
    Fmin = "fmin", PURE, Suffix::Float, BIN, None, Results::Ctrl, NO_DESTS, Plain, Node, NO_ACCESS;
    /// wasm `max`: NaN if either is NaN, -0 < +0.
    Fmax = "fmax", PURE, Suffix::Float, BIN, None, Results::Ctrl, NO_DESTS, Plain, Node, NO_ACCESS;
    Fcopysign = "fcopysign", PURE, Suffix::Float, BIN, None, Results::Ctrl, NO_DESTS, Plain, Node, NO_ACCESS;
    Fabs = "fabs", PURE, Suffix::Float, UN, None, Results::Ctrl, NO_DESTS, Plain, Node, NO_ACCESS;
    Fneg = "fneg", PURE, Suffix::Float, UN, None, Results::Ctrl, NO_DESTS, Plain, Node, NO_ACCESS;
    Fsqrt = "fsqrt", PURE, Suffix::Float, UN, None, Results::Ctrl, NO_DESTS, Plain, Node, NO_ACCESS;
    Fceil = "fceil", PURE, Suffix::Float, UN, None, Results::Ctrl, NO_DESTS, Plain, Node, NO_ACCESS;
    Ffloor = "ffloor", PURE, Suffix::Float, UN, None, Results::Ctrl, NO_DESTS, Plain, Node, NO_ACCESS;
    Ftrunc = "ftrunc", PURE, Suffix::Float, UN, None, Results::Ctrl, NO_DESTS, Plain, Node, NO_ACCESS;
    /// Round to nearest, ties to even.
    Fnearest = "fnearest", PURE, Suffix::Float, UN, None, Results::Ctrl, NO_DESTS, Plain, Node, NO_ACCESS;
    /// `v = fcmp.T cc a, b` — i32 0/1; T is the operand type.
    Fcmp = "fcmp", PURE, Suffix::Float, BIN, FloatCC, one(Type::I32), NO_DESTS, Plain, Node, NO_ACCESS;

    // ---- conversions (the suffix is the result type) ------------------------------
    /// i64 -> i32, keeping the low bits (`i32.wrap_i64`).
    Ireduce = "ireduce", PURE, exactly(Type::I32), args(&[I64]), None, Results::Ctrl, NO_DESTS, Plain, Node, NO_ACCESS;
    /// i32 -> i64 sign-extended.
    Sextend = "sextend", PURE, exactly(Type::I64), args(&[I32]), None, Results::Ctrl, NO_DESTS, Plain, Node, NO_ACCESS;
    /// i32 -> i64 zero-extended.
    Uextend = "uextend", PURE, exactly(Type::I64), args(&[I32]), None, Results::Ctrl, NO_DESTS, Plain, Node, NO_ACCESS;
    /// Sign-extend the low 8 bits in place (`iN.extend8_s`).
    Sext8 = "sext8", PURE, Suffix::Int, UN, None, Results::Ctrl, NO_DESTS, Plain, Node, NO_ACCESS;
    /// Sign-extend the low 16 bits in place.
    Sext16 = "sext16", PURE, Suffix::Int, UN, None, Results::Ctrl, NO_DESTS, Plain, Node, NO_ACCESS;
    /// Sign-extend the low 32 bits of an i64 in place.
    Sext32 = "sext32", PURE, exactly(Type::I64), args(&[I64]), None, Results::Ctrl, NO_DESTS, Plain, Node, NO_ACCESS;
    /// Float -> signed int; traps on NaN or overflow.
    FcvtToSint = "fcvt_to_sint", TRAP, Suffix::Int, args(&[AnyFloat]), None, Results::Ctrl, NO_DESTS, Plain, Skeleton, NO_ACCESS;
    /// Float -> unsigned int; traps on NaN or overflow.
    FcvtToUint = "fcvt_to_uint", TRAP, Suffix::Int, args(&[AnyFloat]), None, Results::Ctrl, NO_DESTS, Plain, Skeleton, NO_ACCESS;
    /// Float -> signed int, saturating (NaN -> 0).
    FcvtToSintSat = "fcvt_to_sint_sat", PURE, Suffix::Int, args(&[AnyFloat]), None, Results::Ctrl, NO_DESTS, Plain, Node, NO_ACCESS;
    /// Float -> unsigned int, saturating (NaN -> 0).
    FcvtToUintSat = "fcvt_to_uint_sat", PURE, Suffix::Int, args(&[AnyFloat]), None, Results::Ctrl, NO_DESTS, Plain, Node, NO_ACCESS;
    FcvtFromSint = "fcvt_from_sint", PURE, Suffix::Float, args(&[AnyInt]), None, Results::Ctrl, NO_DESTS, Plain, Node, NO_ACCESS;
    FcvtFromUint = "fcvt_from_uint", PURE, Suffix::Float, args(&[AnyInt]), None, Results::Ctrl, NO_DESTS, Plain, Node, NO_ACCESS;
    /// f32 -> f64.
    Fpromote = "fpromote", PURE, exactly(Type::F64), args(&[T(Type::F32)]), None, Results::Ctrl, NO_DESTS, Plain, Node, NO_ACCESS;
    /// f64 -> f32.
    Fdemote = "fdemote", PURE, exactly(Type::F32), args(&[T(Type::F64)]), None, Results::Ctrl, NO_DESTS, Plain, Node, NO_ACCESS;
    /// Reinterpret the bits (i32 <-> f32, i64 <-> f64).
    Bitcast = "bitcast", PURE, Suffix::Num, args(&[BitcastSource]), None, Results::Ctrl, NO_DESTS, Plain, Node, NO_ACCESS;

    // ---- linear memory: `load.T addr+offset`, `store.T value, addr+offset` ---------
    Load = "load", LOAD, Suffix::Num, ONE_I32, Mem, Results::Ctrl, NO_DESTS, Address, Skeleton, LOAD_FULL;
    Uload8 = "uload8", LOAD, Suffix::Int, ONE_I32, Mem, Results::Ctrl, NO_DESTS, Address, Skeleton, load(1);
    Sload8 = "sload8", LOAD, Suffix::Int, ONE_I32, Mem, Results::Ctrl, NO_DESTS, Address, Skeleton, load(1);
    Uload16 = "uload16", LOAD, Suffix::Int, ONE_I32, Mem, Results::Ctrl, NO_DESTS, Address, Skeleton, load(2);
    Sload16 = "sload16", LOAD, Suffix::Int, ONE_I32, Mem, Results::Ctrl, NO_DESTS, Address, Skeleton, load(2);
    Uload32 = "uload32", LOAD, exactly(Type::I64), ONE_I32, Mem, Results::Ctrl, NO_DESTS, Address, Skeleton, load(4);
    Sload32 = "sload32", LOAD, exactly(Type::I64), ONE_I32, Mem, Results::Ctrl, NO_DESTS, Address, Skeleton, load(4);
    Store = "store", STORE, Suffix::Num, I32_CTRL, Mem, Results::None, NO_DESTS, Address, Skeleton, STORE_FULL;
    Istore8 = "istore8", STORE, Suffix::Int, I32_CTRL, Mem, Results::None, NO_DESTS, Address, Skeleton, store(1);
    Istore16 = "istore16", STORE, Suffix::Int, I32_CTRL, Mem, Results::None, NO_DESTS, Address, Skeleton, store(2);
    Istore32 = "istore32", STORE, exactly(Type::I64), I32_CTRL, Mem, Results::None, NO_DESTS, Address, Skeleton, store(4);
    /// Size of memory N in pages.
    MemorySize = "memory_size", MEM_READ, Suffix::No, NONE, Memory, one(Type::I32), NO_DESTS, Plain, Skeleton, NO_ACCESS;
    /// Grows memory N by a number of pages; the old size or -1.
    MemoryGrow = "memory_grow", MEM_GROW, Suffix::No, ONE_I32, Memory, one(Type::I32), NO_DESTS, Plain, Skeleton, NO_ACCESS;
    /// `memory_fill dst, byte, len`.
    MemoryFill = "memory_fill", STORE, Suffix::No, I32X3, Memory, Results::None, NO_DESTS, Plain, Skeleton, NO_ACCESS;
    /// `memory_copy dst, src, len`.
    MemoryCopy = "memory_copy", MEM_RW, Suffix::No, I32X3, MemoryCopy, Results::None, NO_DESTS, Plain, Skeleton, NO_ACCESS;
    /// `memory_init dataN dst, src, len`.
    MemoryInit = "memory_init", MEM_INIT, Suffix::No, I32X3, MemoryInit, Results::None, NO_DESTS, Plain, Skeleton, NO_ACCESS;
    /// `data_drop dataN`.
    DataDrop = "data_drop", STATE_WRITE, Suffix::No, NONE, Data, Results::None, NO_DESTS, Plain, Skeleton, NO_ACCESS;

    // ---- globals and tables -----------------------------------------------------------
    GlobalGet = "global_get", STATE_READ, Suffix::Any, NONE, Global, Results::Ctrl, NO_DESTS, Plain, Skeleton, NO_ACCESS;
    GlobalSet = "global_set", STATE_WRITE, Suffix::Any, UN, Global, Results::None, NO_DESTS, Plain, Skeleton, NO_ACCESS;
    TableGet = "table_get", TABLE_READ, Suffix::Ref, ONE_I32, Table, Results::Ctrl, NO_DESTS, Plain, Skeleton, NO_ACCESS;
    TableSet = "table_set", TABLE_WRITE, Suffix::No, args(&[I32, AnyRef]), Table, Results::None, NO_DESTS, Plain, Skeleton, NO_ACCESS;
    TableSize = "table_size", STATE_READ, Suffix::No, NONE, Table, one(Type::I32), NO_DESTS, Plain, Skeleton, NO_ACCESS;
    /// `table_grow tableN init, delta` — old size or -1.
    TableGrow = "table_grow", TABLE_GROW, Suffix::No, args(&[AnyRef, I32]), Table, one(Type::I32), NO_DESTS, Plain, Skeleton, NO_ACCESS;
    /// `table_fill tableN dst, value, len`.
    TableFill = "table_fill", TABLE_WRITE, Suffix::No, args(&[I32, AnyRef, I32]), Table, Results::None, NO_DESTS, Plain, Skeleton, NO_ACCESS;
    /// `table_copy tableD, tableS dst, src, len`.
    TableCopy = "table_copy", TABLE_RW, Suffix::No, I32X3, TableCopy, Results::None, NO_DESTS, Plain, Skeleton, NO_ACCESS;
    /// `table_init elemN, tableT dst, src, len`.
    TableInit = "table_init", TABLE_RW, Suffix::No, I32X3, TableInit, Results::None, NO_DESTS, Plain, Skeleton, NO_ACCESS;
    /// `elem_drop elemN`.
    ElemDrop = "elem_drop", STATE_WRITE, Suffix::No, NONE, Elem, Results::None, NO_DESTS, Plain, Skeleton, NO_ACCESS;

    // ---- calls ------------------------------------------------------------------------
    /// `v.. = call fnN(args)`.
    Call = "call", CALL, Suffix::No, Operands::CalleeParams, Func, Results::Callee, NO_DESTS, Call, Skeleton, NO_ACCESS;
    /// `v.. = call_indirect typeN, tableT, index(args)`.
    CallIndirect = "call_indirect", CALL, Suffix::No, Operands::TypeParamsThenIndex, CallIndirect, Results::CallType, NO_DESTS, CallIndirect, Skeleton, NO_ACCESS;

    // ---- terminators ------------------------------------------------------------------
    /// `jump blockN(args)`.
    Jump = "jump", BRANCH, Suffix::No, NONE, None, Results::None, Dests::Exactly(1), Branch, Skeleton, NO_ACCESS;
    /// `brif c, blockT(args), blockE(args)` — to T if c != 0.
    Brif = "brif", BRANCH, Suffix::No, ONE_I32, None, Results::None, Dests::Exactly(2), Branch, Skeleton, NO_ACCESS;
    /// `br_table i, blockD(args), [blockA(args), ...]` — default first.
    BrTable = "br_table", BRANCH, Suffix::No, ONE_I32, None, Results::None, Dests::AtLeastOne, BrTable, Skeleton, NO_ACCESS;
    /// `return args`.
    Return = "return", BRANCH, Suffix::No, Operands::FunctionResults, None, Results::None, NO_DESTS, Plain, Skeleton, NO_ACCESS;
    /// `trap code` — always traps (wasm `unreachable` is `trap unreachable`).
    Trap = "trap", TRAP_TERM, Suffix::No, NONE, Trap, Results::None, NO_DESTS, Plain, Skeleton, NO_ACCESS;
}

impl Opcode {
    /// Every opcode: the scalar ones, then the SIMD ones.
    pub fn all() -> impl Iterator<Item = Opcode> {
        Opcode::SCALAR.iter().copied().chain(SimdOp::ALL.iter().map(|&s| Opcode::Simd(s)))
    }

    /// The text-format name (without type suffix).
    pub fn name(self) -> &'static str {
        self.info().name
    }

    /// What the operation may do besides computing its results.
    pub fn effects(self) -> Effects {
        self.info().effects
    }

    /// Finds an opcode by its text name.
    pub fn from_name(s: &str) -> Option<Opcode> {
        Opcode::all().find(|o| o.name() == s)
    }

    pub fn is_terminator(self) -> bool {
        self.effects().terminator
    }

    /// Loads of any width. The access width in bytes is [`Opcode::narrow_bytes`], or the
    /// width of the type.
    pub fn is_load(self) -> bool {
        matches!(self.info().access, Access::Load(_))
    }

    /// Stores of any width.
    pub fn is_store(self) -> bool {
        matches!(self.info().access, Access::Store(_))
    }

    /// Bytes accessed by a narrow load/store; `None` for the full-width forms (the width
    /// of the type) and for non-memory opcodes.
    pub fn narrow_bytes(self) -> Option<u32> {
        self.info().access.narrow_bytes()
    }
}

impl fmt::Display for Opcode {
    /// The text name (SIMD names include their shape: `add.i32x4`).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::opinfo::Egraph;

    #[test]
    fn every_row_is_found_by_its_opcode_and_its_name() {
        for op in Opcode::all() {
            assert_eq!(Opcode::from_name(op.name()), Some(op), "{op}: names must be unique");
        }
        assert_eq!(Opcode::all().count(), Opcode::SCALAR.len() + 236);
    }

    #[test]
    fn rows_agree_with_themselves() {
        for op in Opcode::all() {
            let info = op.info();
            // Only pure operations with fixed operands enter the e-graph as nodes.
            if info.egraph == Egraph::Node {
                assert!(info.effects.is_pure(), "{op}");
                assert!(info.operands.fixed().is_some(), "{op}");
                assert_ne!(info.suffix, Suffix::No, "{op}: an e-graph node needs a controlling type");
            }
            // Memory accesses are exactly the opcodes with a memory immediate.
            let mem = matches!(info.imm, ImmKind::Mem | ImmKind::MemLane);
            assert_eq!(info.access != Access::None, mem, "{op}");
            assert_eq!(info.syntax == Syntax::Address, mem, "{op}");
            // SIMD rows (and only they) have a shape, no suffix, and stay out of the e-graph.
            if info.shape.is_some() {
                assert_eq!(info.suffix, Suffix::No, "{op}");
                assert_eq!(info.egraph, Egraph::Skeleton, "{op}");
            }
            assert_eq!(info.shape.is_some(), matches!(op, Opcode::Simd(_)), "{op}");
            // Branch targets only on terminators.
            assert_eq!(
                info.dests != Dests::Exactly(0),
                info.effects.terminator && op != Opcode::Return && op != Opcode::Trap,
                "{op}"
            );
        }
    }
}
