//! ELF relocatable objects (`wlab compile -o out.o`): every compiled function of a module
//! in one `.text`, one symbol each, with relocations where the linker (or a reader) must
//! know what a call reaches.
//!
//! ```text
//!  .text         functions in index order, each aligned to 16 bytes (x86-64: int3 between;
//!                AArch64: zero words, which are `udf`)
//!  symbols       one global STT_FUNC per defined function, named as `wlab stats` names it
//!                (name-section name, else `f<index>`; a name several functions share gets
//!                `.f<index>` appended); undefined `wlab_libcall_<service>` per libcall used
//!  .rela.text    direct calls: x86-64 R_X86_64_PLT32 at the call's rel32 (addend -4),
//!                AArch64 R_AARCH64_CALL26 at the `bl`;
//!                libcalls: R_X86_64_NONE / R_AARCH64_NONE against `wlab_libcall_<service>`
//!                at the call instruction (x86-64 `call [r15+disp]`, AArch64 `blr x16`)
//!  .wlab.traps   16 bytes per trap site, little-endian u32s: .text offset, trap code
//!                (index in wlab_ir::TrapCode::ALL; 0xffffffff: recorded by the runtime),
//!                wasm offset (0xffffffff: none), kind (0: trap stub, 1: guarded heap access)
//! ```
//!
//! Libcalls are indirect calls through vmctx's table (`wlab_backends::abi`): nothing in
//! the code needs patching, so their relocations are markers of type NONE, which a linker
//! ignores and `objdump -r` / `readelf -r` show with the service's name. The code is
//! byte for byte what `wlab explore --target` shows (call fields zero; their value is in
//! the relocation's addend). This file lays out and names; it never compiles.

use crate::CliError;
use object::write::{Object, Relocation, StandardSection, Symbol, SymbolSection};
use object::{
    Architecture, BinaryFormat, Endianness, RelocationFlags, SectionKind, SymbolFlags, SymbolKind, SymbolScope,
};
use std::collections::BTreeMap;
use wlab_backends::abi::LibCall;
use wlab_backends::{CompiledFunction, Target};

/// Alignment of each function in `.text`.
pub const FUNCTION_ALIGN: usize = 16;

/// The symbol a libcall's relocation names.
pub fn libcall_symbol(lib: LibCall) -> String {
    format!("wlab_libcall_{}", lib.name())
}

/// One defined function to place: its wasm index, its display name, its code.
pub struct ObjectFunction<'a> {
    pub index: u32,
    pub name: String,
    pub code: &'a CompiledFunction,
}

/// What was written, for the command's report.
#[derive(Clone, Debug, serde::Serialize)]
pub struct ObjectSummary {
    pub target: &'static str,
    pub functions: usize,
    pub text_bytes: usize,
    pub call_relocations: usize,
    pub libcall_relocations: usize,
    pub trap_sites: usize,
    pub object_bytes: usize,
    /// Each function's symbol and its offset and size in `.text`.
    pub symbols: Vec<ObjectSymbol>,
}

#[derive(Clone, Debug, serde::Serialize)]
pub struct ObjectSymbol {
    pub index: u32,
    pub name: String,
    pub offset: u64,
    pub size: u64,
}

/// Symbol names: display names, with `.f<index>` added to a name several functions share.
pub fn symbol_names(funcs: &[(u32, String)]) -> Vec<String> {
    let mut uses: BTreeMap<&str, usize> = BTreeMap::new();
    for (_, n) in funcs {
        *uses.entry(n.as_str()).or_default() += 1;
    }
    funcs.iter().map(|(i, n)| if uses[n.as_str()] > 1 { format!("{n}.f{i}") } else { n.clone() }).collect()
}

/// The object file's bytes and a summary.
pub fn write_object(target: Target, funcs: &[ObjectFunction<'_>]) -> Result<(Vec<u8>, ObjectSummary), CliError> {
    let (arch, pad) = match target {
        Target::X86_64 => (Architecture::X86_64, 0xccu8),
        Target::Aarch64 => (Architecture::Aarch64, 0u8),
    };
    let mut obj = Object::new(BinaryFormat::Elf, arch, Endianness::Little);
    let text = obj.section_id(StandardSection::Text);
    let mut bytes = Vec::new();
    let mut offsets = Vec::new();
    for f in funcs {
        while bytes.len() % FUNCTION_ALIGN != 0 {
            bytes.push(pad);
        }
        offsets.push(bytes.len() as u64);
        bytes.extend_from_slice(&f.code.code);
    }
    obj.set_section_data(text, bytes.clone(), FUNCTION_ALIGN as u64);
    let names = symbol_names(&funcs.iter().map(|f| (f.index, f.name.clone())).collect::<Vec<_>>());
    let mut by_index = BTreeMap::new();
    let mut symbols = Vec::new();
    for ((f, name), &offset) in funcs.iter().zip(&names).zip(&offsets) {
        let size = f.code.code.len() as u64;
        let id = obj.add_symbol(Symbol {
            name: name.clone().into_bytes(),
            value: offset,
            size,
            kind: SymbolKind::Text,
            scope: SymbolScope::Dynamic,
            weak: false,
            section: SymbolSection::Section(text),
            flags: SymbolFlags::None,
        });
        by_index.insert(f.index, id);
        symbols.push(ObjectSymbol { index: f.index, name: name.clone(), offset, size });
    }
    let mut libcall_syms = BTreeMap::new();
    let (mut call_relocations, mut libcall_relocations) = (0, 0);
    let err = |e: object::write::Error| CliError::Other(format!("cannot write the object file: {e}"));
    for (f, &base) in funcs.iter().zip(&offsets) {
        for c in &f.code.calls {
            let Some(&callee) = by_index.get(&c.func) else {
                return Err(CliError::Other(format!(
                    "function {} calls function {}, which is not defined here",
                    f.index, c.func
                )));
            };
            let (r_type, addend) = match target {
                Target::X86_64 => (object::elf::R_X86_64_PLT32, -4),
                Target::Aarch64 => (object::elf::R_AARCH64_CALL26, 0),
            };
            obj.add_relocation(
                text,
                Relocation {
                    offset: base + c.offset as u64,
                    symbol: callee,
                    addend,
                    flags: RelocationFlags::Elf { r_type },
                },
            )
            .map_err(err)?;
            call_relocations += 1;
        }
        for l in &f.code.libcalls {
            let sym = *libcall_syms.entry(l.lib.index()).or_insert_with(|| {
                obj.add_symbol(Symbol {
                    name: libcall_symbol(l.lib).into_bytes(),
                    value: 0,
                    size: 0,
                    kind: SymbolKind::Unknown,
                    scope: SymbolScope::Dynamic,
                    weak: false,
                    section: SymbolSection::Undefined,
                    flags: SymbolFlags::None,
                })
            });
            let r_type = match target {
                Target::X86_64 => object::elf::R_X86_64_NONE,
                Target::Aarch64 => object::elf::R_AARCH64_NONE,
            };
            obj.add_relocation(
                text,
                Relocation {
                    offset: base + l.offset as u64,
                    symbol: sym,
                    addend: 0,
                    flags: RelocationFlags::Elf { r_type },
                },
            )
            .map_err(err)?;
            libcall_relocations += 1;
        }
    }
    let mut traps = Vec::new();
    for (f, &base) in funcs.iter().zip(&offsets) {
        for t in &f.code.traps {
            let code = t
                .code
                .map(|c| wlab_ir::TrapCode::ALL.iter().position(|x| *x == c).expect("listed") as u32)
                .unwrap_or(u32::MAX);
            for w in [base as u32 + t.offset, code, t.srcloc.unwrap_or(u32::MAX), t.fault as u32] {
                traps.extend_from_slice(&w.to_le_bytes());
            }
        }
    }
    let trap_sites = traps.len() / 16;
    let section = obj.add_section(Vec::new(), b".wlab.traps".to_vec(), SectionKind::Other);
    obj.set_section_data(section, traps, 4);
    let out = obj.write().map_err(err)?;
    let summary = ObjectSummary {
        target: target.name(),
        functions: funcs.len(),
        text_bytes: bytes.len(),
        call_relocations,
        libcall_relocations,
        trap_sites,
        object_bytes: out.len(),
        symbols,
    };
    Ok((out, summary))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shared_names_get_the_function_index() {
        let f = [(1, "a".to_string()), (2, "b".to_string()), (3, "a".to_string())];
        assert_eq!(symbol_names(&f), vec!["a.f1", "b", "a.f3"]);
    }
}
