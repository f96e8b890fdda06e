//! The wasm operators of one function, as wasm text with byte offsets, for the
//! explorer's "wasm" section (printed by `wasmprinter`, cut to the function's body).
//!
//! This file only renders; it never decides what is valid.

use serde::Serialize;

/// One line of wasm text and the byte offset it came from.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct WasmLine {
    pub offset: usize,
    pub text: String,
}

/// The lines of wasm text for the body of wasm function `func_index` (which must be a
/// defined function), or an error message.
pub fn function_text(bytes: &[u8], func_index: u32, num_imported: u32) -> Result<Vec<WasmLine>, String> {
    let range = body_range(bytes, func_index - num_imported)?;
    let mut cfg = wasmprinter::Config::new();
    cfg.print_offsets(true);
    let mut out = String::new();
    cfg.print(bytes, &mut wasmprinter::PrintFmtWrite(&mut out)).map_err(|e| e.to_string())?;
    let mut lines = Vec::new();
    let mut current: Option<usize> = None;
    let mut indent: Option<usize> = None;
    for line in out.lines() {
        let (off, rest) = match parse_offset(line) {
            Some((o, r)) => (Some(o), r),
            None => (None, line.trim_start_matches(' ')),
        };
        if let Some(o) = off {
            current = Some(o);
        }
        let Some(o) = current else { continue };
        if !(range.start..range.end).contains(&o) || off.is_none() {
            continue;
        }
        let body = rest.trim_end();
        let lead = body.len() - body.trim_start().len();
        let base = *indent.get_or_insert(lead);
        let text = body.get(base.min(lead)..).unwrap_or(body).to_string();
        lines.push(WasmLine { offset: o, text });
    }
    Ok(lines)
}

/// `(;@1a2   ;)   text` → (0x1a2, "   text").
fn parse_offset(line: &str) -> Option<(usize, &str)> {
    let rest = line.strip_prefix("(;@")?;
    let end = rest.find(";)")?;
    let off = usize::from_str_radix(rest[..end].trim(), 16).ok()?;
    Some((off, &rest[end + 2..]))
}

/// Byte range of the `defined`-th code section entry (locals and operators).
fn body_range(bytes: &[u8], defined: u32) -> Result<std::ops::Range<usize>, String> {
    let mut n = 0;
    for payload in wasmparser::Parser::new(0).parse_all(bytes) {
        if let wasmparser::Payload::CodeSectionEntry(body) = payload.map_err(|e| e.to_string())? {
            if n == defined {
                let r = body.range();
                return Ok(r.start as usize..r.end as usize);
            }
            n += 1;
        }
    }
    Err(format!("no body for defined function {defined}"))
}
