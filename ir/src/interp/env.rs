//! What the interpreter needs from the world outside one function: memories, globals,
//! tables, segments and calls. The runtime implements it for real instances;
//! translation validation in `passes/` implements a small one of its own.
//!
//! Every index here is the module's own index space (function, global, table, memory,
//! data and element indices as the wasm module numbers them).

use super::val::Val;
use crate::instructions::TrapCode;

/// A trap: its kind, and where it happened when known.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Trap {
    pub code: TrapCode,
    /// Wasm function index of the function that trapped.
    pub func: Option<u32>,
    /// Byte offset in the wasm binary of the trapping operator.
    pub srcloc: Option<u32>,
}

impl Trap {
    pub fn new(code: TrapCode) -> Self {
        Trap { code, func: None, srcloc: None }
    }
}

impl From<TrapCode> for Trap {
    fn from(code: TrapCode) -> Self {
        Trap::new(code)
    }
}

impl std::fmt::Display for Trap {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.code.message())?;
        if let Some(func) = self.func {
            write!(f, " in function {func}")?;
        }
        if let Some(off) = self.srcloc {
            write!(f, " at wasm offset {off:#x}")?;
        }
        Ok(())
    }
}

/// The interpreter's view of an instance.
pub trait Env {
    /// Linear memory `mem`, as many bytes as it currently has.
    fn memory(&mut self, mem: u32) -> &mut [u8];
    /// Grows memory `mem` by `delta` pages; the old size in pages, or -1 on failure.
    fn memory_grow(&mut self, mem: u32, delta: u32) -> i32;
    /// `memory.init`: copies `len` bytes of data segment `data` from `src` to `dst`.
    fn memory_init(&mut self, mem: u32, data: u32, dst: u32, src: u32, len: u32) -> Result<(), TrapCode>;
    /// `data.drop`.
    fn data_drop(&mut self, data: u32);
    fn global_get(&mut self, global: u32) -> Val;
    fn global_set(&mut self, global: u32, value: Val);
    fn table_get(&mut self, table: u32, index: u32) -> Result<Val, TrapCode>;
    fn table_set(&mut self, table: u32, index: u32, value: Val) -> Result<(), TrapCode>;
    fn table_size(&mut self, table: u32) -> u32;
    /// Grows a table by `delta` entries set to `init`; the old size, or -1 on failure.
    fn table_grow(&mut self, table: u32, init: Val, delta: u32) -> i32;
    fn table_fill(&mut self, table: u32, dst: u32, value: Val, len: u32) -> Result<(), TrapCode>;
    fn table_copy(&mut self, dst_table: u32, src_table: u32, dst: u32, src: u32, len: u32) -> Result<(), TrapCode>;
    fn table_init(&mut self, table: u32, elem: u32, dst: u32, src: u32, len: u32) -> Result<(), TrapCode>;
    /// `elem.drop`.
    fn elem_drop(&mut self, elem: u32);
    /// `ref.func N`: the reference value for function N of this module.
    fn ref_func(&mut self, func: u32) -> Val;
    /// `call N`.
    fn call(&mut self, func: u32, args: &[Val]) -> Result<Vec<Val>, Trap>;
    /// `call_indirect`: checks the entry (null, type) and calls it.
    fn call_indirect(&mut self, table: u32, type_index: u32, index: u32, args: &[Val]) -> Result<Vec<Val>, Trap>;
}
