//! The form of a table compiled code reads for an inline `call_indirect` (layout and the
//! rules in `wlab_backends::abi`, section *Tables*): a header whose address never changes
//! (entry array address and length) and one 16-byte entry per element, kept equal to the
//! table's elements by [`crate::store::Table`], whose every write goes through here.
//!
//! This file never decides what an element means: the store computes each entry
//! ([`MirrorEntry::for_func`]) and hands it over.

use wlab_backends::abi::table::NO_INSTANCE;

/// One element as compiled code sees it (`abi::table::ENTRY_*`).
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct MirrorEntry {
    /// Canonical signature id (`wlab_backends::sig_id`); 0: null, not a function, or a
    /// signature without an id (never matches, so `call_indirect` takes the runtime path).
    pub sig: u32,
    /// The function's instance, or `NO_INSTANCE` (host functions).
    pub instance: u32,
    /// Module function index within that instance.
    pub func: u32,
    pad: u32,
}

impl MirrorEntry {
    /// The entry of a function with signature id `sig` (`None`: no id), defined as
    /// `func` in `instance` (`None`: a host function).
    pub fn for_func(sig: Option<u32>, wasm: Option<(u32, u32)>) -> MirrorEntry {
        let (instance, func) = wasm.unwrap_or((NO_INSTANCE, 0));
        MirrorEntry { sig: sig.unwrap_or(0), instance, func, pad: 0 }
    }
}

/// `abi::table::HEADER_*`.
#[repr(C)]
#[derive(Debug)]
pub struct MirrorHeader {
    base: u64,
    len: u64,
}

/// The entries and their header.
#[derive(Debug)]
pub struct TableMirror {
    entries: Vec<MirrorEntry>,
    header: Box<MirrorHeader>,
}

impl Clone for TableMirror {
    fn clone(&self) -> Self {
        let mut m = TableMirror { entries: self.entries.clone(), header: Box::new(MirrorHeader { base: 0, len: 0 }) };
        m.sync();
        m
    }
}

impl TableMirror {
    /// `len` entries equal to `init`; `None` when the allocation fails.
    pub fn new(len: usize, init: MirrorEntry) -> Option<TableMirror> {
        let mut entries = Vec::new();
        entries.try_reserve_exact(len).ok()?;
        entries.resize(len, init);
        let mut m = TableMirror { entries, header: Box::new(MirrorHeader { base: 0, len: 0 }) };
        m.sync();
        Some(m)
    }

    /// The header's address, for vmctx (valid as long as the mirror lives).
    pub fn header_addr(&self) -> u64 {
        &*self.header as *const MirrorHeader as u64
    }

    pub fn entries(&self) -> &[MirrorEntry] {
        &self.entries
    }

    fn sync(&mut self) {
        self.header.base = self.entries.as_ptr() as u64;
        self.header.len = self.entries.len() as u64;
    }

    /// Writes `items` from `dst` (in bounds: the caller checked).
    pub fn write(&mut self, dst: usize, items: &[MirrorEntry]) {
        self.entries[dst..dst + items.len()].copy_from_slice(items);
    }

    /// Sets `len` entries from `dst` to `e`.
    pub fn fill(&mut self, dst: usize, len: usize, e: MirrorEntry) {
        self.entries[dst..dst + len].fill(e);
    }

    /// `copy_within` of the entries.
    pub fn copy_within(&mut self, src: usize, dst: usize, len: usize) {
        self.entries.copy_within(src..src + len, dst);
    }

    /// Appends `delta` entries equal to `init`; `false` (nothing changed) when the
    /// allocation fails.
    pub fn grow(&mut self, delta: usize, init: MirrorEntry) -> bool {
        if self.entries.try_reserve_exact(delta).is_err() {
            return false;
        }
        let new = self.entries.len() + delta;
        self.entries.resize(new, init);
        self.sync();
        true
    }
}
