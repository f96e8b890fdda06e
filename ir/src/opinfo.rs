//! The columns of the opcode table ([`crate::opcode`]): what each field of a row means.
//!
//! A row states an opcode's facts once — its type suffix class, its operands, its
//! immediate, the rule for its result types, its branch targets, its text syntax, its role
//! in the e-graph and the memory it accesses — and typing, the verifier, the parser, the
//! printer and the e-graph language read them from the row instead of keeping opcode
//! lists of their own. This file only describes columns: it never names an opcode.

use crate::instructions::Imm;
use crate::opcode::Effects;
use crate::types::Type;

/// Every fact about one opcode (a row of the table).
#[derive(Clone, Copy, Debug)]
pub struct OpInfo {
    /// The text-format name (without type suffix).
    pub name: &'static str,
    /// What the operation may do besides computing its results.
    pub effects: Effects,
    /// Which controlling types (`.T` suffixes) it accepts; [`Suffix::No`]: none.
    pub suffix: Suffix,
    /// Its value operands.
    pub operands: Operands,
    /// Its immediate.
    pub imm: ImmKind,
    /// The types of its results.
    pub results: Results,
    /// How many branch targets it has.
    pub dests: Dests,
    /// How its operands are written in the text format.
    pub syntax: Syntax,
    /// Whether and how it enters the e-graph.
    pub egraph: Egraph,
    /// The linear memory it loads or stores through its `Imm::Mem` / `Imm::MemLane`
    /// address.
    pub access: Access,
    /// SIMD rows: the lane shape of the wasm instruction (its `i32x4.` prefix), which is
    /// how the v128 result's lanes are read (for `extract_lane`, `bitmask`, `all_true`:
    /// the operand's). `None` for every scalar row. Backends that cannot lower vectors
    /// refuse a function by this column (or by a `v128` value), never by opcode lists.
    pub shape: Option<Shape>,
}

/// The lane shape of a SIMD operation (the wasm instruction's prefix).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
pub enum Shape {
    /// No lane structure (`v128.and`, `v128.load`, ...).
    V128,
    I8x16,
    I16x8,
    I32x4,
    I64x2,
    F32x4,
    F64x2,
}

impl Shape {
    /// The text name (`i32x4`).
    pub fn name(self) -> &'static str {
        match self {
            Shape::V128 => "v128",
            Shape::I8x16 => "i8x16",
            Shape::I16x8 => "i16x8",
            Shape::I32x4 => "i32x4",
            Shape::I64x2 => "i64x2",
            Shape::F32x4 => "f32x4",
            Shape::F64x2 => "f64x2",
        }
    }

    /// How many lanes (`v128`: 1).
    pub fn lanes(self) -> u32 {
        match self {
            Shape::V128 => 1,
            Shape::I8x16 => 16,
            Shape::I16x8 => 8,
            Shape::I32x4 | Shape::F32x4 => 4,
            Shape::I64x2 | Shape::F64x2 => 2,
        }
    }
}

/// Which type suffixes an opcode accepts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Suffix {
    /// No suffix.
    No,
    Int,
    Float,
    /// An integer or float type.
    Num,
    Ref,
    Any,
    Exactly(Type),
}

impl Suffix {
    /// Whether `t` is an accepted suffix.
    pub fn accepts(self, t: Type) -> bool {
        match self {
            Suffix::No => false,
            Suffix::Int => t.is_int(),
            Suffix::Float => t.is_float(),
            Suffix::Num => t.is_int() || t.is_float(),
            Suffix::Ref => t.is_ref(),
            Suffix::Any => true,
            Suffix::Exactly(x) => x == t,
        }
    }

    /// For error messages: `an integer type`.
    pub fn describe(self) -> String {
        match self {
            Suffix::No => "no type".into(),
            Suffix::Int => "an integer type".into(),
            Suffix::Float => "a float type".into(),
            Suffix::Num => "a number type".into(),
            Suffix::Ref => "a reference type".into(),
            Suffix::Any => "any type".into(),
            Suffix::Exactly(t) => t.name().into(),
        }
    }
}

/// What one value operand must be.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Arg {
    T(Type),
    /// The controlling type.
    Ctrl,
    AnyInt,
    AnyFloat,
    AnyRef,
    /// `bitcast`: the same-width type of the other class.
    BitcastSource,
}

impl Arg {
    /// The type this operand has under controlling type `ctrl`, where the row fixes it
    /// (`None`: any of a class, e.g. the float operand of `fcvt_to_sint.i32`).
    pub fn fixed_type(self, ctrl: Type) -> Option<Type> {
        match self {
            Arg::T(t) => Some(t),
            Arg::Ctrl => Some(ctrl),
            Arg::AnyInt | Arg::AnyFloat | Arg::AnyRef => None,
            Arg::BitcastSource => bitcast_source(ctrl),
        }
    }
}

/// The operand type `bitcast.T` accepts.
pub fn bitcast_source(t: Type) -> Option<Type> {
    match t {
        Type::I32 => Some(Type::F32),
        Type::F32 => Some(Type::I32),
        Type::I64 => Some(Type::F64),
        Type::F64 => Some(Type::I64),
        Type::V128 | Type::FuncRef | Type::ExternRef => None,
    }
}

/// The value operands of an opcode.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Operands {
    /// A fixed list.
    Fixed(&'static [Arg]),
    /// The callee's parameters (`call fnN`, from the function's declarations).
    CalleeParams,
    /// The declared type's parameters, then the `i32` table index (`call_indirect`).
    TypeParamsThenIndex,
    /// The function's result types (`return`).
    FunctionResults,
}

impl Operands {
    /// The fixed operand list (`None` for the forms that depend on declarations).
    pub fn fixed(self) -> Option<&'static [Arg]> {
        match self {
            Operands::Fixed(a) => Some(a),
            Operands::CalleeParams | Operands::TypeParamsThenIndex | Operands::FunctionResults => None,
        }
    }
}

/// Which immediate an opcode carries (the [`Imm`] variant).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ImmKind {
    None,
    Int,
    Float,
    IntCC,
    FloatCC,
    Mem,
    Memory,
    MemoryCopy,
    MemoryInit,
    Data,
    Global,
    Table,
    TableCopy,
    TableInit,
    Elem,
    Func,
    CallIndirect,
    Trap,
    /// `const.v128`: 16 bytes.
    V128,
    /// A lane index (`extract_lane`, `replace_lane`).
    Lane,
    /// `shuffle.i8x16`: 16 lane indices into the two operands' 32 bytes.
    Shuffle,
    /// A memory access and a lane index (`load8_lane.v128`, `store32_lane.v128`).
    MemLane,
}

impl ImmKind {
    /// Whether `imm` is of this kind.
    pub fn matches(self, imm: &Imm) -> bool {
        match self {
            ImmKind::None => matches!(imm, Imm::None),
            ImmKind::Int => matches!(imm, Imm::I64(_)),
            ImmKind::Float => matches!(imm, Imm::F32(_) | Imm::F64(_)),
            ImmKind::IntCC => matches!(imm, Imm::IntCC(_)),
            ImmKind::FloatCC => matches!(imm, Imm::FloatCC(_)),
            ImmKind::Mem => matches!(imm, Imm::Mem(_)),
            ImmKind::Memory => matches!(imm, Imm::Memory(_)),
            ImmKind::MemoryCopy => matches!(imm, Imm::MemoryCopy { .. }),
            ImmKind::MemoryInit => matches!(imm, Imm::MemoryInit { .. }),
            ImmKind::Data => matches!(imm, Imm::Data(_)),
            ImmKind::Global => matches!(imm, Imm::Global(_)),
            ImmKind::Table => matches!(imm, Imm::Table(_)),
            ImmKind::TableCopy => matches!(imm, Imm::TableCopy { .. }),
            ImmKind::TableInit => matches!(imm, Imm::TableInit { .. }),
            ImmKind::Elem => matches!(imm, Imm::Elem(_)),
            ImmKind::Func => matches!(imm, Imm::Func(_)),
            ImmKind::CallIndirect => matches!(imm, Imm::CallIndirect { .. }),
            ImmKind::Trap => matches!(imm, Imm::Trap(_)),
            ImmKind::V128 => matches!(imm, Imm::V128(_)),
            ImmKind::Lane => matches!(imm, Imm::Lane(_)),
            ImmKind::Shuffle => matches!(imm, Imm::Shuffle(_)),
            ImmKind::MemLane => matches!(imm, Imm::MemLane(..)),
        }
    }

    /// For error messages: `an integer immediate`.
    pub fn describe(self) -> &'static str {
        match self {
            ImmKind::None => "no immediate",
            ImmKind::Int => "an integer immediate",
            ImmKind::Float => "a float immediate",
            ImmKind::IntCC => "an integer condition",
            ImmKind::FloatCC => "a float condition",
            ImmKind::Mem => "a memory access immediate",
            ImmKind::Memory => "a memory index",
            ImmKind::MemoryCopy => "two memory indices",
            ImmKind::MemoryInit => "a data segment and a memory index",
            ImmKind::Data => "a data segment index",
            ImmKind::Global => "a global index",
            ImmKind::Table => "a table index",
            ImmKind::TableCopy => "two table indices",
            ImmKind::TableInit => "an element segment and a table index",
            ImmKind::Elem => "an element segment index",
            ImmKind::Func => "a function index",
            ImmKind::CallIndirect => "a type and a table index",
            ImmKind::Trap => "a trap code",
            ImmKind::V128 => "a v128 constant",
            ImmKind::Lane => "a lane index",
            ImmKind::Shuffle => "16 shuffle lane indices",
            ImmKind::MemLane => "a memory access immediate and a lane index",
        }
    }

    /// How the e-graph keeps this immediate: as a leading child leaf (a literal for
    /// constants, a condition for comparisons), or not at all.
    pub fn egraph_leaf(self) -> Leaf {
        match self {
            ImmKind::Int => Leaf::Int,
            ImmKind::Float => Leaf::Float,
            ImmKind::IntCC => Leaf::IntCC,
            ImmKind::FloatCC => Leaf::FloatCC,
            ImmKind::None
            | ImmKind::Mem
            | ImmKind::Memory
            | ImmKind::MemoryCopy
            | ImmKind::MemoryInit
            | ImmKind::Data
            | ImmKind::Global
            | ImmKind::Table
            | ImmKind::TableCopy
            | ImmKind::TableInit
            | ImmKind::Elem
            | ImmKind::Func
            | ImmKind::CallIndirect
            | ImmKind::Trap
            | ImmKind::V128
            | ImmKind::Lane
            | ImmKind::Shuffle
            | ImmKind::MemLane => Leaf::None,
        }
    }
}

/// The leading child leaf an e-graph node has for its immediate.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Leaf {
    /// No leaf: the children are the value operands.
    None,
    /// A literal holding an integer constant's bits (`iconst`).
    Int,
    /// A literal holding a float constant's bits (`fconst`).
    Float,
    /// An integer condition (`icmp`).
    IntCC,
    /// A float condition (`fcmp`).
    FloatCC,
}

/// The rule for an opcode's result types.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Results {
    /// No result.
    None,
    /// One result of the controlling type.
    Ctrl,
    /// One result of this type.
    One(Type),
    /// The callee's results (`call fnN`).
    Callee,
    /// The declared type's results (`call_indirect typeN`).
    CallType,
}

/// How many branch targets an opcode has.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Dests {
    Exactly(usize),
    AtLeastOne,
}

/// How an opcode's operands are written after `name.T` (the printer writes this shape,
/// the parser reads it).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Syntax {
    /// The immediate (if any), then the values, comma-separated: `iadd.i32 v1, v2`,
    /// `iconst.i32 5`, `icmp.i32 slt v1, v2`, `global_set.i32 g0, v1`,
    /// `memory_copy mem0, mem0, v1, v2, v3`, `trap unreachable`. A constant or a function
    /// index takes no values after it.
    Plain,
    /// `load.T [memN] v1+offset[, v2]` (an address first, then the other values; a
    /// lane index, for `Imm::MemLane`, last: `load8_lane.v128 v1+4, v2, 3`).
    Address,
    /// `call fnN(v1, v2)`.
    Call,
    /// `call_indirect typeN, tableT, callee(v1, v2)`.
    CallIndirect,
    /// Values and block calls: `jump block1(v1)`, `brif v0, block1, block2`.
    Branch,
    /// `br_table v0, blockD(args), [blockA(args), ...]`.
    BrTable,
}

/// Whether and how an opcode enters the e-graph.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Egraph {
    /// A pure computation on numbers: a node with the opcode and its controlling type
    /// (children: the immediate leaf when [`ImmKind::is_egraph_leaf`], then the values).
    Node,
    /// Its result is its operand's class (`copy`).
    Transparent,
    /// Stays in place as the skeleton; its results are opaque values. Every SIMD row is
    /// here for now (and the e-graph builder keeps `v128`-typed `select` out too), so
    /// the e-graph leaves vector code alone.
    Skeleton,
}

/// The width of a load or store, given its controlling type.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Width {
    /// The width of the controlling type.
    Full,
    /// A narrow access of this many bytes.
    Bytes(u32),
}

/// The linear memory an opcode accesses at its `Imm::Mem` / `Imm::MemLane` address (bulk operations,
/// which take lengths, are [`Access::None`]: their effects say what they touch).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Access {
    None,
    Load(Width),
    Store(Width),
}

impl Access {
    /// Bytes accessed by a narrow load or store; `None` for the full-width forms and for
    /// opcodes without an access.
    pub fn narrow_bytes(self) -> Option<u32> {
        match self {
            Access::Load(Width::Bytes(n)) | Access::Store(Width::Bytes(n)) => Some(n),
            Access::Load(Width::Full) | Access::Store(Width::Full) | Access::None => None,
        }
    }
}
