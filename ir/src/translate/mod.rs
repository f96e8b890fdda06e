//! The wasm → IR translator: validates a module as WebAssembly 2.0 (admitting the
//! instructions of relaxed SIMD and threads, which then fail per function), reads its sections
//! into [`ModuleInfo`](crate::ModuleInfo) and translates every defined function into SSA.
//!
//! ```text
//!  bytes ──module_env (read sections; reader errors = Malformed)──▶ ModuleInfo + bodies
//!        ──wasmparser Validator, wasm 2.0 + relaxed SIMD + threads (errors = Invalid)
//!        ──func (operators → IR; control stack in control, locals via ssa)──▶ Function × n
//! ```
//!
//! Every fixed-width SIMD operator of 2.0 is translated (to a [`crate::simd::SimdOp`]
//! row; `simd` maps wasmparser's operators to rows). Anything the IR cannot express
//! gives [`TranslateError::Unsupported`] naming the operator and the function.
//! [`read_module`] validates a module and translates its functions one at a time
//! ([`ModuleReader`]), so the other functions of such a module can still be translated;
//! [`translate_module`] translates them all and fails on the first. An engine that compiles
//! functions one by one takes the reader itself and translates each function inside its
//! compile task, so the IR of the whole module never exists at once. The translator never
//! panics on any input; every problem is a [`TranslateError`].

mod control;
mod effects;
mod func;
mod module_env;
mod simd;
mod ssa;

#[cfg(test)]
mod tests;

pub use effects::FuncEffects;

use crate::module::Module;
use std::fmt;

/// Why a module could not be translated.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TranslateError {
    /// The bytes are not a well-formed wasm binary.
    Malformed(String),
    /// The module is well formed but does not validate as WebAssembly 2.0 (with the
    /// function-body proposals of [`VALIDATED_FEATURES`]).
    Invalid(String),
    /// Valid wasm that the IR cannot express. `func` is the wasm function
    /// index (`u32::MAX` when the problem is outside any function, `name` then says where)
    /// and `offset` the byte offset of the operator.
    Unsupported { func: u32, name: String, op: String, offset: usize },
}

impl fmt::Display for TranslateError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TranslateError::Malformed(msg) => write!(f, "malformed module: {}", one_line(msg)),
            TranslateError::Invalid(msg) => write!(f, "invalid module: {}", one_line(msg)),
            TranslateError::Unsupported { func, name, op, offset } => {
                let kind = if is_simd_name(op) { "SIMD instruction" } else { "instruction" };
                if *func == u32::MAX {
                    write!(f, "{name}: {op} at offset {offset:#x} is not supported")
                } else {
                    write!(f, "function {func} {name:?}: {kind} {op} at offset {offset:#x} is not supported")
                }
            }
        }
    }
}

impl std::error::Error for TranslateError {}

fn one_line(msg: &str) -> String {
    msg.lines().map(str::trim).filter(|l| !l.is_empty()).collect::<Vec<_>>().join("; ")
}

fn is_simd_name(op: &str) -> bool {
    ["v128.", "i8x16.", "i16x8.", "i32x4.", "i64x2.", "f32x4.", "f64x2."].iter().any(|p| op.starts_with(p))
}

/// Validates `bytes` as a WebAssembly 2.0 module and translates it: module data plus one IR
/// function per defined function, in index order.
pub fn translate_module(bytes: &[u8]) -> Result<Module, TranslateError> {
    read_module(bytes)?.into_module()
}

/// A validated module whose functions are translated one at a time, when asked for: a
/// function the IR cannot express yet (SIMD) fails alone, so every other function of the
/// module can still be translated, explored and compiled.
pub struct ModuleReader<'a> {
    env: module_env::ModuleEnv<'a>,
}

/// What the validator accepts: WebAssembly 2.0, plus the proposals whose instructions
/// live only inside function bodies (relaxed SIMD, threads' atomics), so that a module
/// using them still loads and only the functions that use them fail to translate
/// ([`TranslateError::Unsupported`]). A threads module's shared memory is read as an
/// ordinary one: with one thread (all wlab runs) the two behave alike.
pub const VALIDATED_FEATURES: wasmparser::WasmFeatures = wasmparser::WasmFeatures::WASM2
    .union(wasmparser::WasmFeatures::RELAXED_SIMD)
    .union(wasmparser::WasmFeatures::THREADS);

/// Reads and validates `bytes` as a WebAssembly 2.0 module (see [`VALIDATED_FEATURES`]),
/// translating no function yet.
pub fn read_module(bytes: &[u8]) -> Result<ModuleReader<'_>, TranslateError> {
    let env = module_env::read_module(bytes)?;
    let mut validator = wasmparser::Validator::new_with_features(VALIDATED_FEATURES);
    validator.validate_all(bytes).map_err(|e| TranslateError::Invalid(e.to_string()))?;
    Ok(ModuleReader { env })
}

impl ModuleReader<'_> {
    /// The module's data (types, functions, memories, exports, names, ...).
    pub fn info(&self) -> &crate::ModuleInfo {
        &self.env.info
    }

    /// What every function may do (imports first, in the wasm function index space),
    /// summarized over the call graph when the module was read.
    pub fn effects(&self) -> &[FuncEffects] {
        &self.env.effects
    }

    /// The module's data, keeping nothing of the wasm bytes: what is left once every
    /// function was translated where it is compiled.
    pub fn into_info(self) -> crate::ModuleInfo {
        self.env.info
    }

    /// Translates every defined function, in index order, and fails on the first
    /// function that does not translate ([`translate_module`]).
    pub fn into_module(self) -> Result<Module, TranslateError> {
        let mut functions = Vec::with_capacity(self.env.bodies.len());
        for i in self.defined_funcs() {
            functions.push(self.translate(i)?);
        }
        Ok(Module { info: self.env.info, functions })
    }

    /// The wasm function indices of the defined functions, in order.
    pub fn defined_funcs(&self) -> std::ops::Range<u32> {
        let first = self.env.info.num_imported_funcs();
        first..first + self.env.bodies.len() as u32
    }

    /// The length in bytes of defined function `index`'s body (locals and code), a
    /// measure of what translating and compiling it costs. Panics like
    /// [`ModuleReader::translate`].
    pub fn body_len(&self, index: u32) -> usize {
        let first = self.env.info.num_imported_funcs();
        let range = self.env.bodies[(index - first) as usize].range();
        (range.end - range.start) as usize
    }

    /// Translates every defined function, in index order, each on its own: a function
    /// the IR cannot express is its own error, the others are translated anyway.
    pub fn translate_each(&self) -> Vec<Result<crate::Function, TranslateError>> {
        self.defined_funcs().map(|i| self.translate(i)).collect()
    }

    /// Translates defined function `index` (in the wasm function index space). Panics if
    /// `index` is an import or out of range: callers select functions through `info`.
    pub fn translate(&self, index: u32) -> Result<crate::Function, TranslateError> {
        let first = self.env.info.num_imported_funcs();
        let body = &self.env.bodies[(index - first) as usize];
        func::translate_function(&self.env, index, body)
    }
}
