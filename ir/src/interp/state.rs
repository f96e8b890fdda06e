//! Recorded program states: what `wlab run --record` saves about sampled calls of a
//! function so that the call can be replayed on that function alone (translation
//! validation on real states, `wlab_passes::replay`).
//!
//! One [`RecordedState`] is one call, at entry: its arguments, the size of memory 0 and
//! the entry contents of every [`CHUNK`]-byte piece of it the function itself read or
//! wrote, all globals and tables; then, in order, every call it made (target,
//! arguments, outcome, and what the call left behind: the bytes it wrote, the memory
//! size, the globals it changed), and the call's own outcome. Memory the function did not
//! touch is not recorded (it replays as zeros). Values are [`StateVal`]; memory is
//! lower-case hex in [`Bytes`] runs. The JSON form (serde) is the file format of a
//! recording folder, one `f<index>.json` per function ([`FunctionStates`]).
//!
//! This file only describes states; it never records or replays one.

use super::val::{FuncRef, Val};
use crate::instructions::TrapCode;
use serde::{Deserialize, Serialize};

/// Memory is recorded in pieces of this many bytes (aligned).
pub const CHUNK: u32 = 256;

/// Version of the format, written into every file; a reader refuses other versions.
pub const FORMAT_VERSION: u32 = 1;

/// A value as saved: like [`Val`] (floats as raw bits, references as numbers).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum StateVal {
    I32(i32),
    I64(i64),
    F32(u32),
    F64(u64),
    FuncRef(Option<u32>),
    ExternRef(Option<u32>),
    /// The 16 bytes, lane 0 first, as hex.
    V128(String),
}

impl From<Val> for StateVal {
    fn from(v: Val) -> Self {
        match v {
            Val::I32(x) => StateVal::I32(x),
            Val::I64(x) => StateVal::I64(x),
            Val::F32(x) => StateVal::F32(x),
            Val::F64(x) => StateVal::F64(x),
            Val::FuncRef(r) => StateVal::FuncRef(r.map(|r| r.0)),
            Val::ExternRef(r) => StateVal::ExternRef(r),
            Val::V128(b) => StateVal::V128(Bytes::new(0, &b).hex),
        }
    }
}

impl From<StateVal> for Val {
    fn from(v: StateVal) -> Self {
        match v {
            StateVal::I32(x) => Val::I32(x),
            StateVal::I64(x) => Val::I64(x),
            StateVal::F32(x) => Val::F32(x),
            StateVal::F64(x) => Val::F64(x),
            StateVal::FuncRef(r) => Val::FuncRef(r.map(FuncRef)),
            StateVal::ExternRef(r) => Val::ExternRef(r),
            StateVal::V128(hex) => {
                let mut b = [0u8; 16];
                if let Some(bytes) = (Bytes { addr: 0, hex }).decode() {
                    b.iter_mut().zip(bytes).for_each(|(d, s)| *d = s);
                }
                Val::V128(b)
            }
        }
    }
}

/// Values in and out.
pub fn to_state(vals: &[Val]) -> Vec<StateVal> {
    vals.iter().map(|&v| v.into()).collect()
}

/// Values in and out.
pub fn to_vals(vals: &[StateVal]) -> Vec<Val> {
    vals.iter().map(|v| v.clone().into()).collect()
}

/// A run of memory bytes at `addr`, as hex.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Bytes {
    pub addr: u32,
    pub hex: String,
}

impl Bytes {
    pub fn new(addr: u32, bytes: &[u8]) -> Bytes {
        let mut hex = String::with_capacity(bytes.len() * 2);
        for b in bytes {
            hex.push_str(&format!("{b:02x}"));
        }
        Bytes { addr, hex }
    }

    /// The bytes; `None` when the hex is malformed.
    pub fn decode(&self) -> Option<Vec<u8>> {
        if !self.hex.len().is_multiple_of(2) {
            return None;
        }
        (0..self.hex.len()).step_by(2).map(|i| u8::from_str_radix(self.hex.get(i..i + 2)?, 16).ok()).collect()
    }
}

/// How a call ended: results, or a trap (its text-format name, `trap` in IR).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Outcome {
    Results(Vec<StateVal>),
    Trap(String),
}

impl Outcome {
    pub fn of(r: &Result<Vec<Val>, TrapCode>) -> Outcome {
        match r {
            Ok(v) => Outcome::Results(to_state(v)),
            Err(t) => Outcome::Trap(t.name().to_string()),
        }
    }

    /// Back to a result; `None` for an unknown trap name.
    pub fn to_result(&self) -> Option<Result<Vec<Val>, TrapCode>> {
        match self {
            Outcome::Results(v) => Some(Ok(to_vals(v))),
            Outcome::Trap(name) => TrapCode::ALL.iter().find(|t| t.name() == name).map(|&t| Err(t)),
        }
    }
}

/// What a call went to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum CallTarget {
    /// `call N` (module function index).
    Direct(u32),
    /// `call_indirect type, table, index`.
    Indirect { table: u32, type_index: u32, index: u32 },
}

/// One call the recorded function made, and what it left behind.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RecordedCall {
    pub target: CallTarget,
    pub args: Vec<StateVal>,
    pub outcome: Outcome,
    /// Memory 0 bytes the call wrote (anything it or its callees or the host wrote),
    /// as they were when it returned, in [`CHUNK`] pieces.
    pub writes: Vec<Bytes>,
    /// Pages of memory 0 when it returned.
    pub memory_pages: u32,
    /// Globals whose value it changed: (index, new value).
    pub globals: Vec<(u32, StateVal)>,
}

/// One sampled call at entry, and everything it observed. See the module docs.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RecordedState {
    /// Which call of the function this was (1 = the first).
    pub call: u64,
    pub args: Vec<StateVal>,
    /// Pages of memory 0 at entry (0 when the module has no memory).
    pub memory_pages: u32,
    /// Pages memory 0 may grow to.
    pub memory_max_pages: u32,
    /// Entry contents of the memory the function itself touched.
    pub memory: Vec<Bytes>,
    /// Every global of the instance, by index, at entry.
    pub globals: Vec<StateVal>,
    /// Every table of the instance, by index, at entry.
    pub tables: Vec<Vec<StateVal>>,
    pub calls: Vec<RecordedCall>,
    pub outcome: Outcome,
}

/// The states of one function: the file `f<index>.json` of a recording folder.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct FunctionStates {
    pub version: u32,
    /// Module function index.
    pub func: u32,
    pub name: String,
    /// Calls of the function during the run.
    pub calls_seen: u64,
    /// Sampled calls not saved (too large, or a byte limit was reached), with why.
    pub dropped: Vec<String>,
    pub states: Vec<RecordedState>,
}

/// The file name of function `func`'s states in a recording folder.
pub fn file_name(func: u32) -> String {
    format!("f{func}.json")
}
