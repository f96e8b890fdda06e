//! AArch64 disassembly of a code buffer with yaxpeax-arm, one line per instruction:
//! `offset: word  text`. It is the explorer's disassembler and the encoder tests' oracle.
//!
//! It never fails: a word yaxpeax cannot decode is printed as `.word 0x...  ; <error>`, and a
//! trailing fragment shorter than 4 bytes as `.byte`s.

use crate::machinst::DisasmLine;
use std::fmt::Write;

use yaxpeax_arch::{Decoder, U8Reader};
use yaxpeax_arm::armv8::a64::{InstDecoder, Instruction};

/// Decodes one little-endian instruction word, or returns the decoder's error as text.
pub fn decode_word(word: u32) -> Result<Instruction, String> {
    let bytes = word.to_le_bytes();
    InstDecoder::default().decode(&mut U8Reader::new(&bytes)).map_err(|e| e.to_string())
}

/// The assembly text of one word as yaxpeax-arm prints it (aliases such as `mov`, `cmp`, `lsl`,
/// hex immediates), or `.word 0x...` when it does not decode.
pub fn word_text(word: u32) -> String {
    match decode_word(word) {
        Ok(inst) => inst.to_string(),
        Err(e) => format!(".word {word:#010x}  ; {e}"),
    }
}

/// Disassembles `code` (little-endian, offset 0 at its start), one line per instruction:
/// `   0x4: 8b020020  add x0, x1, x2`.
pub fn disassemble(code: &[u8]) -> String {
    let mut out = String::new();
    let mut chunks = code.chunks_exact(4);
    let mut offset = 0usize;
    for chunk in &mut chunks {
        let word = u32::from_le_bytes([chunk[0], chunk[1], chunk[2], chunk[3]]);
        let _ = writeln!(out, "{offset:#6x}: {word:08x}  {}", word_text(word));
        offset += 4;
    }
    let rest = chunks.remainder();
    if !rest.is_empty() {
        let bytes: Vec<String> = rest.iter().map(|b| format!("{b:#04x}")).collect();
        let _ = writeln!(out, "{offset:#6x}: .byte {}", bytes.join(", "));
    }
    out
}

/// Disassembles `code` into the explorer's line records (offset, the word's bytes as hex in
/// memory order, text), the same shape as the x86-64 disassembler's.
pub fn disassemble_lines(code: &[u8]) -> Vec<DisasmLine> {
    code.chunks(4)
        .enumerate()
        .map(|(k, chunk)| {
            let bytes: String = chunk.iter().map(|b| format!("{b:02x}")).collect();
            let text = match <[u8; 4]>::try_from(chunk) {
                Ok(w) => word_text(u32::from_le_bytes(w)),
                Err(_) => format!(".byte {bytes}"),
            };
            DisasmLine { offset: 4 * k as u32, bytes, text }
        })
        .collect()
}
