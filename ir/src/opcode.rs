//! Every opcode of the IR, defined once in a table with its text name and its effects.
//!
//! Passes ask an opcode what it does ([`Opcode::effects`]); they never keep lists of their
//! own. Adding an opcode here makes the compiler point at every exhaustive `match` that
//! needs an arm (no consumer may use a `_ =>` arm over opcodes).
//!
//! Naming follows Cranelift where wasm has the same operation (`iadd`, `sdiv`, `uload8`,
//! `brif`); the controlling type is printed as a suffix (`iadd.i32`).

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
    const PURE: Effects = Effects {
        may_trap: false,
        reads_memory: false,
        writes_memory: false,
        reads_state: false,
        writes_state: false,
        call: false,
        terminator: false,
    };
    const TRAP: Effects = Effects { may_trap: true, ..Effects::PURE };
    const LOAD: Effects = Effects { may_trap: true, reads_memory: true, ..Effects::PURE };
    const STORE: Effects = Effects { may_trap: true, writes_memory: true, ..Effects::PURE };
    const MEM_READ: Effects = Effects { reads_memory: true, ..Effects::PURE };
    const MEM_RW: Effects = Effects { may_trap: true, reads_memory: true, writes_memory: true, ..Effects::PURE };
    const MEM_GROW: Effects = Effects { reads_memory: true, writes_memory: true, ..Effects::PURE };
    const MEM_INIT: Effects = Effects { may_trap: true, writes_memory: true, reads_state: true, ..Effects::PURE };
    const STATE_READ: Effects = Effects { reads_state: true, ..Effects::PURE };
    const STATE_WRITE: Effects = Effects { writes_state: true, ..Effects::PURE };
    const TABLE_READ: Effects = Effects { may_trap: true, reads_state: true, ..Effects::PURE };
    const TABLE_WRITE: Effects = Effects { may_trap: true, writes_state: true, ..Effects::PURE };
    const TABLE_RW: Effects = Effects { may_trap: true, reads_state: true, writes_state: true, ..Effects::PURE };
    const TABLE_GROW: Effects = Effects { reads_state: true, writes_state: true, ..Effects::PURE };
    const CALL: Effects = Effects {
        may_trap: true,
        reads_memory: true,
        writes_memory: true,
        reads_state: true,
        writes_state: true,
        call: true,
        terminator: false,
    };
    const BRANCH: Effects = Effects { terminator: true, ..Effects::PURE };
    const TRAP_TERM: Effects = Effects { may_trap: true, terminator: true, ..Effects::PURE };

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
    ($( $(#[$doc:meta])* $variant:ident = $name:literal, $effects:ident; )*) => {
        /// An IR operation. See the module docs for naming; the table below is the only
        /// place an opcode is declared.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
        pub enum Opcode {
            $( $(#[$doc])* $variant, )*
        }

        impl Opcode {
            /// Every opcode, in declaration order.
            pub const ALL: &'static [Opcode] = &[ $( Opcode::$variant, )* ];

            /// The text-format name (without type suffix).
            pub fn name(self) -> &'static str {
                match self { $( Opcode::$variant => $name, )* }
            }

            /// What the operation may do besides computing its results.
            pub fn effects(self) -> Effects {
                match self { $( Opcode::$variant => Effects::$effects, )* }
            }
        }
    };
}

opcodes! {
    // ---- constants and copies -------------------------------------------------------
    /// `v = iconst.T imm` — integer constant (imm holds the bits, sign-extended).
    Iconst = "iconst", PURE;
    /// `v = fconst.T imm` — float constant (exact bits kept; printed as shortest
    /// round-trip decimal, `inf`, `-inf` or `nan:0xBITS`).
    Fconst = "fconst", PURE;
    /// `v = ref_null.T` — the null reference of type T.
    RefNull = "ref_null", PURE;
    /// `v = ref_func fnN` — reference to function N.
    RefFunc = "ref_func", PURE;
    /// `v = ref_is_null x` — i32 1 if x is null.
    RefIsNull = "ref_is_null", PURE;
    /// `v = copy.T x` — the same value (copy propagation removes it).
    Copy = "copy", PURE;
    /// `v = select.T c, a, b` — a if c != 0 else b.
    Select = "select", PURE;

    // ---- integer arithmetic ---------------------------------------------------------
    Iadd = "iadd", PURE;
    Isub = "isub", PURE;
    Imul = "imul", PURE;
    /// Signed division: traps on zero divisor and on MIN / -1.
    Sdiv = "sdiv", TRAP;
    /// Unsigned division: traps on zero divisor.
    Udiv = "udiv", TRAP;
    /// Signed remainder: traps on zero divisor (MIN % -1 is 0).
    Srem = "srem", TRAP;
    /// Unsigned remainder: traps on zero divisor.
    Urem = "urem", TRAP;
    Band = "band", PURE;
    Bor = "bor", PURE;
    Bxor = "bxor", PURE;
    /// Shift left; the amount is taken modulo the width.
    Ishl = "ishl", PURE;
    /// Logical shift right; the amount is taken modulo the width.
    Ushr = "ushr", PURE;
    /// Arithmetic shift right; the amount is taken modulo the width.
    Sshr = "sshr", PURE;
    Rotl = "rotl", PURE;
    Rotr = "rotr", PURE;
    Clz = "clz", PURE;
    Ctz = "ctz", PURE;
    Popcnt = "popcnt", PURE;
    /// `v = eqz.T x` — i32 1 if x == 0.
    Eqz = "eqz", PURE;
    /// `v = icmp.T cc a, b` — i32 0/1; T is the operand type.
    Icmp = "icmp", PURE;

    // ---- float arithmetic -----------------------------------------------------------
    Fadd = "fadd", PURE;
    Fsub = "fsub", PURE;
    Fmul = "fmul", PURE;
    Fdiv = "fdiv", PURE;
    /// wasm `min`: NaN if either is NaN, -0 < +0.
    Fmin = "fmin", PURE;
    /// wasm `max`: NaN if either is NaN, -0 < +0.
    Fmax = "fmax", PURE;
    Fcopysign = "fcopysign", PURE;
    Fabs = "fabs", PURE;
    Fneg = "fneg", PURE;
    Fsqrt = "fsqrt", PURE;
    Fceil = "fceil", PURE;
    Ffloor = "ffloor", PURE;
    Ftrunc = "ftrunc", PURE;
    /// Round to nearest, ties to even.
    Fnearest = "fnearest", PURE;
    /// `v = fcmp.T cc a, b` — i32 0/1; T is the operand type.
    Fcmp = "fcmp", PURE;

    // ---- conversions (the suffix is the result type) ------------------------------
    /// i64 -> i32, keeping the low bits (`i32.wrap_i64`).
    Ireduce = "ireduce", PURE;
    /// i32 -> i64 sign-extended.
    Sextend = "sextend", PURE;
    /// i32 -> i64 zero-extended.
    Uextend = "uextend", PURE;
    /// Sign-extend the low 8 bits in place (`iN.extend8_s`).
    Sext8 = "sext8", PURE;
    /// Sign-extend the low 16 bits in place.
    Sext16 = "sext16", PURE;
    /// Sign-extend the low 32 bits of an i64 in place.
    Sext32 = "sext32", PURE;
    /// Float -> signed int; traps on NaN or overflow.
    FcvtToSint = "fcvt_to_sint", TRAP;
    /// Float -> unsigned int; traps on NaN or overflow.
    FcvtToUint = "fcvt_to_uint", TRAP;
    /// Float -> signed int, saturating (NaN -> 0).
    FcvtToSintSat = "fcvt_to_sint_sat", PURE;
    /// Float -> unsigned int, saturating (NaN -> 0).
    FcvtToUintSat = "fcvt_to_uint_sat", PURE;
    FcvtFromSint = "fcvt_from_sint", PURE;
    FcvtFromUint = "fcvt_from_uint", PURE;
    /// f32 -> f64.
    Fpromote = "fpromote", PURE;
    /// f64 -> f32.
    Fdemote = "fdemote", PURE;
    /// Reinterpret the bits (i32 <-> f32, i64 <-> f64).
    Bitcast = "bitcast", PURE;

    // ---- linear memory: `load.T addr+offset`, `store.T value, addr+offset` ---------
    Load = "load", LOAD;
    Uload8 = "uload8", LOAD;
    Sload8 = "sload8", LOAD;
    Uload16 = "uload16", LOAD;
    Sload16 = "sload16", LOAD;
    Uload32 = "uload32", LOAD;
    Sload32 = "sload32", LOAD;
    Store = "store", STORE;
    Istore8 = "istore8", STORE;
    Istore16 = "istore16", STORE;
    Istore32 = "istore32", STORE;
    /// Size of memory N in pages.
    MemorySize = "memory_size", MEM_READ;
    /// Grows memory N by a number of pages; the old size or -1.
    MemoryGrow = "memory_grow", MEM_GROW;
    /// `memory_fill dst, byte, len`.
    MemoryFill = "memory_fill", STORE;
    /// `memory_copy dst, src, len`.
    MemoryCopy = "memory_copy", MEM_RW;
    /// `memory_init dataN dst, src, len`.
    MemoryInit = "memory_init", MEM_INIT;
    /// `data_drop dataN`.
    DataDrop = "data_drop", STATE_WRITE;

    // ---- globals and tables -----------------------------------------------------------
    GlobalGet = "global_get", STATE_READ;
    GlobalSet = "global_set", STATE_WRITE;
    TableGet = "table_get", TABLE_READ;
    TableSet = "table_set", TABLE_WRITE;
    TableSize = "table_size", STATE_READ;
    /// `table_grow tableN init, delta` — old size or -1.
    TableGrow = "table_grow", TABLE_GROW;
    /// `table_fill tableN dst, value, len`.
    TableFill = "table_fill", TABLE_WRITE;
    /// `table_copy tableD, tableS dst, src, len`.
    TableCopy = "table_copy", TABLE_RW;
    /// `table_init elemN, tableT dst, src, len`.
    TableInit = "table_init", TABLE_RW;
    /// `elem_drop elemN`.
    ElemDrop = "elem_drop", STATE_WRITE;

    // ---- calls ------------------------------------------------------------------------
    /// `v.. = call fnN(args)`.
    Call = "call", CALL;
    /// `v.. = call_indirect typeN, tableT, index(args)`.
    CallIndirect = "call_indirect", CALL;

    // ---- terminators ------------------------------------------------------------------
    /// `jump blockN(args)`.
    Jump = "jump", BRANCH;
    /// `brif c, blockT(args), blockE(args)` — to T if c != 0.
    Brif = "brif", BRANCH;
    /// `br_table i, blockD(args), [blockA(args), ...]` — default first.
    BrTable = "br_table", BRANCH;
    /// `return args`.
    Return = "return", BRANCH;
    /// `trap code` — always traps (wasm `unreachable` is `trap unreachable`).
    Trap = "trap", TRAP_TERM;
}

impl Opcode {
    /// Finds an opcode by its text name.
    pub fn from_name(s: &str) -> Option<Opcode> {
        Opcode::ALL.iter().copied().find(|o| o.name() == s)
    }

    pub fn is_terminator(self) -> bool {
        self.effects().terminator
    }

    /// Loads of any width. The access width in bytes is [`Opcode::access_bytes`].
    pub fn is_load(self) -> bool {
        matches!(
            self,
            Opcode::Load
                | Opcode::Uload8
                | Opcode::Sload8
                | Opcode::Uload16
                | Opcode::Sload16
                | Opcode::Uload32
                | Opcode::Sload32
        )
    }

    /// Stores of any width.
    pub fn is_store(self) -> bool {
        matches!(self, Opcode::Store | Opcode::Istore8 | Opcode::Istore16 | Opcode::Istore32)
    }

    /// Bytes accessed by a narrow load/store; `None` for the full-width forms (the width
    /// of the type) and for non-memory opcodes.
    pub fn narrow_bytes(self) -> Option<u32> {
        match self {
            Opcode::Uload8 | Opcode::Sload8 | Opcode::Istore8 => Some(1),
            Opcode::Uload16 | Opcode::Sload16 | Opcode::Istore16 => Some(2),
            Opcode::Uload32 | Opcode::Sload32 | Opcode::Istore32 => Some(4),
            _ => None,
        }
    }
}

impl fmt::Display for Opcode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}
