//! What emitting one function produces besides its bytes, the same for every target: where
//! it can trap, which IR instruction each piece of code came from, which calls the linker
//! must patch, the libcalls it makes, and counts of the emitted instructions. Only data: this file never emits.

use crate::abi::LibCall;
use wlab_ir::TrapCode;

/// Where compiled code can trap: a trap stub's offset (what vmctx's trap pc points at),
/// or, with `fault` set, a linear-memory access whose fault means out of bounds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
pub struct TrapSite {
    pub offset: u32,
    pub fault: bool,
    /// `None` when the runtime recorded the trap (a libcall failed).
    pub code: Option<TrapCode>,
    pub srcloc: Option<u32>,
}

impl TrapSite {
    /// A trap stub at `offset` that raises `code` (`None`: the runtime recorded it).
    pub fn stub(offset: u32, code: Option<TrapCode>, srcloc: Option<u32>) -> TrapSite {
        TrapSite { offset, fault: false, code, srcloc }
    }

    /// A guarded linear-memory access at `offset`: a fault there is the out-of-bounds trap
    /// (the runtime maps it).
    pub fn heap_fault(offset: u32, srcloc: Option<u32>) -> TrapSite {
        TrapSite { offset, fault: true, code: Some(TrapCode::MemoryOutOfBounds), srcloc }
    }
}

/// One entry of the source map: code from `offset` came from IR instruction `ir_inst`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
pub struct SourceMapEntry {
    pub offset: u32,
    pub ir_inst: Option<u32>,
    pub srcloc: Option<u32>,
}

/// A call to patch once functions are placed: the call at `offset` must reach function
/// `func`. What sits at `offset` is the target's: x86-64's `call`'s rel32 field, AArch64's
/// `bl` word.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CallReloc {
    pub offset: u32,
    pub func: u32,
}

/// A libcall site: the instruction at `offset` calls runtime service `lib` through vmctx's
/// libcall table (x86-64: `call qword ptr [r15+disp]`; AArch64: the `blr x16` after the
/// table load). Nothing is patched there; object files and profiles name the call.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LibCallSite {
    pub offset: u32,
    pub lib: LibCall,
}

/// Counts over the emitted machine instructions.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct EmitCounts {
    pub insts: u32,
    pub loads: u32,
    pub stores: u32,
    pub calls: u32,
    /// Instructions that operate on 128-bit vectors for v128 values (arithmetic, lane
    /// access, loads, stores, constants, tests); the allocator's moves, spills and reloads
    /// of vector registers are not counted. AArch64 counts every word of such an
    /// instruction's fixed sequence (an address formed in x16 and a constant's halves too).
    pub vector: u32,
}

/// Machine code of one function, not yet placed, with what the runtime and the explorer
/// need to know about it.
pub struct Emitted {
    pub code: Vec<u8>,
    /// Where the data the code reads (constants, lookup tables) starts in `code`: the
    /// bytes before are instructions, those from here on are not (`code.len()` when none).
    pub data_start: u32,
    pub calls: Vec<CallReloc>,
    pub libcalls: Vec<LibCallSite>,
    pub traps: Vec<TrapSite>,
    pub srcmap: Vec<SourceMapEntry>,
    /// The allocated VCode, printed with physical registers and regalloc2's moves; empty
    /// unless emission was asked to keep it.
    pub allocated_text: String,
    pub counts: EmitCounts,
}
