//! Disassembly of x86-64 code with iced-x86's formatters (Intel syntax by default, AT&T
//! on request), one line per instruction with its offset and bytes. Only reads code.

use crate::machinst::{DisasmLine, Syntax};
use iced_x86::{Decoder, DecoderOptions, Formatter, GasFormatter, Instruction, IntelFormatter};

/// Disassembles `code` (placed at address 0).
pub fn disassemble(code: &[u8], syntax: Syntax) -> Vec<DisasmLine> {
    let mut dec = Decoder::with_ip(64, code, 0, DecoderOptions::NONE);
    let mut intel = IntelFormatter::new();
    let mut gas = GasFormatter::new();
    for f in [&mut intel as &mut dyn Formatter, &mut gas as &mut dyn Formatter] {
        f.options_mut().set_first_operand_char_index(8);
        f.options_mut().set_hex_prefix("0x");
        f.options_mut().set_hex_suffix("");
        f.options_mut().set_branch_leading_zeros(false);
        f.options_mut().set_space_after_operand_separator(true);
    }
    let mut out = Vec::new();
    let mut inst = Instruction::default();
    while dec.can_decode() {
        dec.decode_out(&mut inst);
        let mut text = String::new();
        match syntax {
            Syntax::Intel => intel.format(&inst, &mut text),
            Syntax::Att => gas.format(&inst, &mut text),
        }
        let start = inst.ip() as usize;
        let bytes: Vec<String> = code[start..start + inst.len()].iter().map(|b| format!("{b:02x}")).collect();
        out.push(DisasmLine { offset: start as u32, bytes: bytes.join(""), text });
    }
    out
}
