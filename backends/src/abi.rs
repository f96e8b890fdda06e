//! The contract between compiled wasm code and the runtime that runs it: the vmctx
//! layout, how values are passed, the libcalls, and how references are represented.
//! Both sides import these constants; neither may hard-code an offset.
//!
//! **vmctx** is an array of 64-bit words, one per instance entry, pinned in a register
//! (`r15` on x86-64) for the whole time compiled code runs:
//!
//! | word | holds |
//! | --- | --- |
//! | `STORE` | the runtime's store (opaque to compiled code) |
//! | `INSTANCE` | the instance id (opaque) |
//! | `STACK_LIMIT` | lowest stack address a frame may reach; below it a call traps with stack overflow |
//! | `TRAP_SP`, `UNWIND` | where a trap returns to: the entry trampoline's stack pointer and unwind routine |
//! | `TRAP_CODE`, `TRAP_PC` | set on a trap: which trap (index into `TrapCode::ALL`) and the code address |
//! | `MEM_BASE`, `MEM_LEN` | memory 0: base address and length in bytes (refreshed by the runtime after every libcall) |
//! | `TABLES` | address of an array with one [`table`] header address per table of the instance (0: none) |
//! | `FUNCS` | address of an array with the code address of each function of the module, by module function index (imports: 0) |
//! | `LIBCALLS + k` | address of libcall `k` |
//! | `GLOBALS + g` | address of global `g`'s cell: 8 bytes, 16 for a `v128` ([`GLOBAL_CELL_BYTES`]) |
//!
//! Compiled code also keeps `MEM_BASE` pinned in a register (x86-64: `r14`, AArch64: `x27`),
//! loaded by the entry trampoline and reloaded after every libcall (the only way memory can
//! move). A wasm-to-wasm call leaves it holding the current base: a callee that grows
//! memory reloads it after its libcall.
//!
//! **Values** travel through a *value area* of 64-bit words: the parameters on the way in
//! and the results on the way out, one after another, each taking [`value_words`] words
//! (i32/f32 in the low 32 bits of its word, upper bits unspecified; a `v128` takes two
//! words, little-endian, 8-byte aligned only). [`value_offsets`] gives each value's byte
//! offset; without `v128`, value `i` is at byte `8 * i`. A wasm-to-wasm call puts the area at the caller's stack pointer,
//! so the callee finds it at `[frame pointer + 16]`.
//!
//! **Register values** (both targets): on a wasm-to-wasm call the first
//! [`INT_PARAM_REGS`] integer-class parameters (i32/i64/funcref/externref) and the first
//! [`FLOAT_PARAM_REGS`] f32/f64 parameters travel in registers, and so do the first integer
//! and the first float result; [`value_homes`] says which. Every other value (v128, and
//! those beyond the counts) stays in the area at its [`value_offsets`] offset; the slot of a
//! register value is left unused, so a function whose direct calls pass and return every
//! value in registers reserves no outgoing area (`machinst::call_regs`' `direct_words`), and
//! without spill slots either it has no frame below its saved registers. Each target names
//! its registers once, as a `machinst::CallRegs` (x86-64: `x64::regs`, AArch64:
//! `aarch64::pregs`). Each entry trampoline takes the homes as a [`RegisterSlots`]
//! descriptor so that the host's value area keeps every value. A call preserves the stack
//! and frame pointers, vmctx and the target's callee-saved registers (x86-64: rbx, r12,
//! r13, and the pinned r14/r15; AArch64: only the pinned x27/x28); it clobbers every other
//! register (except the register results it defines).
//!
//! **Tables** are mirrored for compiled code (layout in [`table`]): a header (entry array
//! address, length) whose address never changes, and one 16-byte entry per element naming
//! the element's canonical signature id ([`crate::sig_id`]), instance and module function
//! index. The runtime rewrites the mirror with every write to the table. An inline
//! `call_indirect` calls the entry's function directly when the index is in bounds, the
//! signature id equals the expected one and the instance is the running one; any other case
//! (out of bounds, null, another type, a host function or another instance's) goes to the
//! `CallIndirect` libcall, which raises the trap the spec names or makes the call.
//!
//! **Leaf functions** (no call of any kind, libcalls included) whose frame is at most
//! [`LEAF_FRAME_MAX`] bytes skip the stack-limit check: the runtime keeps at least
//! [`STACK_GUARD_BELOW_LIMIT`] bytes of mapped stack below `STACK_LIMIT`, so such a frame
//! below the last checked one stays inside the stack.
//!
//! **References** are 64-bit: 0 is null; otherwise the store's function (funcref) or
//! host reference (externref) number plus one.
//!
//! **Libcalls** are System V functions `fn(vmctx, a, b, values) -> u64`: `a` and `b` are
//! immediates named below, `values` a value area with the runtime operands; they return
//! 0, or nonzero after recording a trap in vmctx (compiled code then unwinds).
//! This file defines numbers and layouts only; it never emits code.

/// vmctx word indices.
pub mod vmctx {
    pub const STORE: usize = 0;
    pub const INSTANCE: usize = 1;
    pub const STACK_LIMIT: usize = 2;
    pub const TRAP_SP: usize = 3;
    pub const TRAP_CODE: usize = 4;
    pub const TRAP_PC: usize = 5;
    pub const UNWIND: usize = 6;
    pub const MEM_BASE: usize = 7;
    pub const MEM_LEN: usize = 8;
    pub const TABLES: usize = 9;
    pub const FUNCS: usize = 10;
    pub const LIBCALLS: usize = 11;
    pub const GLOBALS: usize = LIBCALLS + super::LibCall::ALL.len();

    /// Byte offset of word `w`.
    pub const fn offset(w: usize) -> i32 {
        (w * 8) as i32
    }
}

/// The table mirror compiled code reads (see the module docs).
pub mod table {
    /// Header: address of the first entry (u64).
    pub const HEADER_BASE: i32 = 0;
    /// Header: number of entries (u64).
    pub const HEADER_LEN: i32 = 8;
    /// Bytes per entry.
    pub const ENTRY_BYTES: u32 = 16;
    /// Entry: canonical signature id (u32; 0 for null, a non-function or a signature
    /// without an id).
    pub const ENTRY_SIG: i32 = 0;
    /// Entry: instance id (u32; [`NO_INSTANCE`] for a host function).
    pub const ENTRY_INSTANCE: i32 = 4;
    /// Entry: module function index within that instance (u32).
    pub const ENTRY_FUNC: i32 = 8;
    /// The instance word of an entry no running instance matches.
    pub const NO_INSTANCE: u32 = u32::MAX;
}

/// Bytes of a global's cell ([`vmctx::GLOBALS`]): one word, or two for a `v128` (low
/// half first); every cell is allocated this big.
pub const GLOBAL_CELL_BYTES: usize = 16;

/// 64-bit words a value of `ty` takes in a value area.
pub fn value_words(ty: wlab_ir::Type) -> u32 {
    match ty {
        wlab_ir::Type::V128 => 2,
        _ => 1,
    }
}

/// Byte offset of each value of `types` in a value area, and the area's size in words.
pub fn value_offsets(types: &[wlab_ir::Type]) -> (Vec<i32>, u32) {
    let mut words = 0u32;
    let offsets = types
        .iter()
        .map(|ty| {
            let at = 8 * words as i32;
            words += value_words(*ty);
            at
        })
        .collect();
    (offsets, words)
}

/// Integer-class parameters a wasm-to-wasm call passes in registers.
pub const INT_PARAM_REGS: usize = 3;
/// f32/f64 parameters a wasm-to-wasm call passes in registers.
pub const FLOAT_PARAM_REGS: usize = 3;

/// Where one value of a wasm-to-wasm call travels (see the module docs).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ValueHome {
    /// The `k`th integer register of the target's list (parameters or results).
    IntReg(usize),
    /// The `k`th float register of the target's list (parameters or results).
    FloatReg(usize),
    /// The value area at this byte offset.
    Area(i32),
}

/// The home of each value of `types`: parameters (`results == false`) or results, and the
/// value area's size in words (as [`value_offsets`], register values' slots included).
pub fn value_homes(types: &[wlab_ir::Type], results: bool) -> (Vec<ValueHome>, u32) {
    use wlab_ir::Type::*;
    let (int_max, float_max) = if results { (1, 1) } else { (INT_PARAM_REGS, FLOAT_PARAM_REGS) };
    let (offsets, words) = value_offsets(types);
    let (mut ints, mut floats) = (0, 0);
    let homes = types
        .iter()
        .zip(offsets)
        .map(|(ty, off)| match ty {
            I32 | I64 | FuncRef | ExternRef if ints < int_max => {
                ints += 1;
                ValueHome::IntReg(ints - 1)
            }
            F32 | F64 if floats < float_max => {
                floats += 1;
                ValueHome::FloatReg(floats - 1)
            }
            _ => ValueHome::Area(off),
        })
        .collect();
    (homes, words)
}

/// The entry trampoline's register descriptor: for each parameter register (integer
/// registers first, then float) and each result register (integer, then float), the byte
/// offset in the value area of the value it carries, or -1 for none.
pub type RegisterSlots = [i64; INT_PARAM_REGS + FLOAT_PARAM_REGS + 2];

/// The [`RegisterSlots`] of a function of signature `params -> results`.
pub fn register_slots(params: &[wlab_ir::Type], results: &[wlab_ir::Type]) -> RegisterSlots {
    let mut slots = [-1i64; INT_PARAM_REGS + FLOAT_PARAM_REGS + 2];
    let (offsets, _) = value_offsets(params);
    for (home, off) in value_homes(params, false).0.into_iter().zip(offsets) {
        match home {
            ValueHome::IntReg(k) => slots[k] = off as i64,
            ValueHome::FloatReg(k) => slots[INT_PARAM_REGS + k] = off as i64,
            ValueHome::Area(_) => {}
        }
    }
    let (offsets, _) = value_offsets(results);
    let base = INT_PARAM_REGS + FLOAT_PARAM_REGS;
    for (home, off) in value_homes(results, true).0.into_iter().zip(offsets) {
        match home {
            ValueHome::IntReg(k) => slots[base + k] = off as i64,
            ValueHome::FloatReg(k) => slots[base + 1 + k] = off as i64,
            ValueHome::Area(_) => {}
        }
    }
    slots
}

/// Largest frame (bytes below the return address: saved frame pointer, saved registers,
/// spill slots) of a leaf function that skips the stack-limit check.
pub const LEAF_FRAME_MAX: u32 = 4096;

/// Bytes of mapped stack the runtime guarantees below `STACK_LIMIT` (beyond what its own
/// Rust frames need): covers one unchecked leaf frame below the last checked frame.
pub const STACK_GUARD_BELOW_LIMIT: u32 = 8192;

/// Runtime services compiled code calls. `values` layouts are `[inputs] -> [outputs]`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum LibCall {
    /// a = function index (an imported function): `[args] -> [results]`.
    CallFunc,
    /// a = type index, b = table: `[args, elem index] -> [results]` (the index in the slot
    /// after the type's parameters).
    CallIndirect,
    /// a = memory: `[delta] -> [old pages or -1]`.
    MemoryGrow,
    /// a = memory: `[dst, value, len]`.
    MemoryFill,
    /// a = dst memory, b = src memory: `[dst, src, len]`.
    MemoryCopy,
    /// a = data segment, b = memory: `[dst, src, len]`.
    MemoryInit,
    /// a = data segment.
    DataDrop,
    /// a = table: `[index] -> [ref]`.
    TableGet,
    /// a = table: `[index, ref]`.
    TableSet,
    /// a = table: `[] -> [size]`.
    TableSize,
    /// a = table: `[init ref, delta] -> [old size or -1]`.
    TableGrow,
    /// a = table: `[dst, ref, len]`.
    TableFill,
    /// a = dst table, b = src table: `[dst, src, len]`.
    TableCopy,
    /// a = elem segment, b = table: `[dst, src, len]`.
    TableInit,
    /// a = elem segment.
    ElemDrop,
    /// a = function index: `[] -> [funcref]`.
    RefFunc,
    /// a = [`RoundOp`] as u64, b = 1 for f64, 0 for f32: `[x] -> [rounded]` (when the CPU
    /// has no SSE4.1 `round`).
    FloatRound,
}

impl LibCall {
    pub const ALL: [LibCall; 17] = [
        LibCall::CallFunc,
        LibCall::CallIndirect,
        LibCall::MemoryGrow,
        LibCall::MemoryFill,
        LibCall::MemoryCopy,
        LibCall::MemoryInit,
        LibCall::DataDrop,
        LibCall::TableGet,
        LibCall::TableSet,
        LibCall::TableSize,
        LibCall::TableGrow,
        LibCall::TableFill,
        LibCall::TableCopy,
        LibCall::TableInit,
        LibCall::ElemDrop,
        LibCall::RefFunc,
        LibCall::FloatRound,
    ];

    /// Position in [`LibCall::ALL`] (and in vmctx's libcall table).
    pub fn index(self) -> usize {
        LibCall::ALL.iter().position(|l| *l == self).expect("listed")
    }

    pub fn name(self) -> &'static str {
        match self {
            LibCall::CallFunc => "call_func",
            LibCall::CallIndirect => "call_indirect",
            LibCall::MemoryGrow => "memory_grow",
            LibCall::MemoryFill => "memory_fill",
            LibCall::MemoryCopy => "memory_copy",
            LibCall::MemoryInit => "memory_init",
            LibCall::DataDrop => "data_drop",
            LibCall::TableGet => "table_get",
            LibCall::TableSet => "table_set",
            LibCall::TableSize => "table_size",
            LibCall::TableGrow => "table_grow",
            LibCall::TableFill => "table_fill",
            LibCall::TableCopy => "table_copy",
            LibCall::TableInit => "table_init",
            LibCall::ElemDrop => "elem_drop",
            LibCall::RefFunc => "ref_func",
            LibCall::FloatRound => "float_round",
        }
    }
}

/// The rounding operations of [`LibCall::FloatRound`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RoundOp {
    Ceil = 0,
    Floor = 1,
    Trunc = 2,
    Nearest = 3,
}

impl RoundOp {
    pub fn from_u64(v: u64) -> Option<RoundOp> {
        match v {
            0 => Some(RoundOp::Ceil),
            1 => Some(RoundOp::Floor),
            2 => Some(RoundOp::Trunc),
            3 => Some(RoundOp::Nearest),
            _ => None,
        }
    }
}
