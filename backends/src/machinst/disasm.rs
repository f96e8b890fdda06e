//! The shape every target's disassembler returns: one record per machine instruction, as
//! the explorer prints and serialises it. Only data: decoding is each target's `disasm.rs`.

/// Assembly syntax. Only x86-64 has two; AArch64's disassembler has one and ignores it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Syntax {
    Intel,
    Att,
}

/// One disassembled instruction.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct DisasmLine {
    pub offset: u32,
    /// The instruction's bytes as hex, in memory order.
    pub bytes: String,
    pub text: String,
}
