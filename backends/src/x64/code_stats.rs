//! Static statistics of x86-64 machine code read back from its bytes: instructions,
//! bytes, loads, stores (and which of them address the stack), calls, conditional
//! branches. One definition for any producer's code, so that wlab's functions and another
//! compiler's (Cranelift's, from a wasmtime `.cwasm`) are counted alike; the emitter's own
//! counters ([`crate::machinst::EmitCounts`]) are kept by construction and may differ in
//! detail (they count a `lea` of a jump table as a load, for instance).
//!
//! Definitions, per decoded instruction (iced-x86's instruction info):
//! - a *load* is an explicit or implicit memory operand that is read (read-modify-write
//!   operands are a load and a store), a *store* one that is written; `lea` and prefetches
//!   access nothing;
//! - a *stack* access is one whose base register is `rsp` or `rbp` (spill slots, frame,
//!   arguments passed in memory); `push` is a stack store and `pop` a stack load;
//! - the return address that `call` pushes and `ret` pops is not counted as an access;
//! - a *call* is a direct or indirect `call` (an indirect call through memory also counts
//!   its load).
//!
//! Data inside a function is skipped, not decoded as instructions: a jump table (32-bit
//! offsets placed right after the `jmp reg` that uses it and reached by a RIP-relative
//! `lea`, as both wlab and Cranelift emit them) and a constant pool after the code
//! (reached by RIP-relative operands; decoding stops at the first such target), and a
//! lookup table after the code (reached by a RIP-relative `lea`: decoding stops when it
//! reaches the target of an earlier `lea` other than a jump table).
//! Only reads code; never modifies or runs it.

use iced_x86::{
    Decoder, DecoderOptions, FlowControl, Instruction, InstructionInfoFactory, Mnemonic, OpAccess, Register,
};
use std::collections::BTreeSet;

/// Counts over one function's machine code (see the module doc for the definitions).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct CodeStats {
    pub insts: u32,
    /// Bytes of instructions (data skipped inside the function not included).
    pub code_bytes: u32,
    pub loads: u32,
    pub stores: u32,
    /// Loads and stores whose base register is `rsp` or `rbp`.
    pub stack_loads: u32,
    pub stack_stores: u32,
    pub calls: u32,
    /// Calls through a register or memory (a subset of `calls`).
    pub indirect_calls: u32,
    pub cond_branches: u32,
    /// Bytes of jump tables and constants skipped inside the function.
    pub data_bytes: u32,
}

impl CodeStats {
    /// Adds `s` into these totals.
    pub fn add(&mut self, s: &CodeStats) {
        self.insts += s.insts;
        self.code_bytes += s.code_bytes;
        self.loads += s.loads;
        self.stores += s.stores;
        self.stack_loads += s.stack_loads;
        self.stack_stores += s.stack_stores;
        self.calls += s.calls;
        self.indirect_calls += s.indirect_calls;
        self.cond_branches += s.cond_branches;
        self.data_bytes += s.data_bytes;
    }
}

/// Counts `code`, one function placed at address 0 (relocations left unpatched are fine:
/// a `call rel32` to be linked decodes as a call).
pub fn code_stats(code: &[u8]) -> CodeStats {
    let end = code.len() as u64;
    let mut dec = Decoder::with_ip(64, code, 0, DecoderOptions::NONE);
    let mut info = InstructionInfoFactory::new();
    let mut inst = Instruction::default();
    let mut s = CodeStats::default();
    // Where the constant pool begins (the lowest RIP-relative data target seen so far).
    let mut data_start = end;
    // Targets of RIP-relative `lea`s: where a jump table may begin.
    let mut lea_targets = BTreeSet::new();
    while dec.can_decode() && dec.ip() < data_start {
        if lea_targets.contains(&dec.ip()) {
            break; // a lookup table after the code, reached in sequence (a jump table is skipped)
        }
        dec.decode_out(&mut inst);
        s.insts += 1;
        s.code_bytes += inst.len() as u32;
        if inst.is_ip_rel_memory_operand() {
            let target = inst.ip_rel_memory_address();
            if target < end {
                if inst.mnemonic() == Mnemonic::Lea {
                    lea_targets.insert(target);
                } else if target >= inst.next_ip() {
                    data_start = data_start.min(target);
                }
            }
        }
        let flow = inst.flow_control();
        let is_call = matches!(flow, FlowControl::Call | FlowControl::IndirectCall);
        if is_call {
            s.calls += 1;
        }
        if flow == FlowControl::IndirectCall {
            s.indirect_calls += 1;
        }
        if flow == FlowControl::ConditionalBranch {
            s.cond_branches += 1;
        }
        let return_address = is_call || flow == FlowControl::Return;
        for m in info.info(&inst).used_memory() {
            let stack = matches!(m.base(), Register::RSP | Register::RBP | Register::ESP | Register::EBP);
            if return_address && m.base() == Register::RSP {
                continue;
            }
            let (load, store) = match m.access() {
                OpAccess::Read | OpAccess::CondRead => (true, false),
                OpAccess::Write | OpAccess::CondWrite => (false, true),
                OpAccess::ReadWrite | OpAccess::ReadCondWrite => (true, true),
                OpAccess::None | OpAccess::NoMemAccess => (false, false),
            };
            s.loads += load as u32;
            s.stores += store as u32;
            s.stack_loads += (load && stack) as u32;
            s.stack_stores += (store && stack) as u32;
        }
        if flow == FlowControl::IndirectBranch && lea_targets.contains(&inst.next_ip()) {
            let table_end = jump_table_end(code, inst.next_ip());
            s.data_bytes += (table_end - inst.next_ip()) as u32;
            dec.set_ip(table_end);
            if dec.set_position(table_end as usize).is_err() {
                break;
            }
        }
    }
    s.data_bytes += (end - dec.ip().min(end)) as u32;
    s
}

/// The end of the jump table at `start`: 32-bit offsets from `start` to targets after the
/// table, read until the next entry would overlap the lowest target (the first block after
/// the table) or an entry is not such an offset.
fn jump_table_end(code: &[u8], start: u64) -> u64 {
    let end = code.len() as u64;
    let mut lowest_target = end;
    let mut p = start;
    while p + 4 <= end && p < lowest_target {
        let word = i32::from_le_bytes(code[p as usize..p as usize + 4].try_into().expect("four bytes"));
        let target = start as i64 + word as i64;
        if target < (p + 4) as i64 || target >= end as i64 {
            break;
        }
        lowest_target = lowest_target.min(target as u64);
        p += 4;
    }
    p
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_stack_and_heap_accesses_and_calls() {
        // push rbp; mov rbp, rsp; mov rax, [rsp+8]; mov [r14+rax], ecx; add [rbp-8], rax;
        // call rel32 0; call [r15+0x10]; jne +0; pop rbp; ret
        let code = [
            0x55, 0x48, 0x89, 0xe5, 0x48, 0x8b, 0x44, 0x24, 0x08, 0x41, 0x89, 0x0c, 0x06, 0x48, 0x01, 0x45, 0xf8, 0xe8,
            0, 0, 0, 0, 0x41, 0xff, 0x57, 0x10, 0x75, 0x00, 0x5d, 0xc3,
        ];
        let s = code_stats(&code);
        assert_eq!(s.insts, 10);
        assert_eq!(s.code_bytes, code.len() as u32);
        assert_eq!((s.loads, s.stores), (4, 3), "{s:?}");
        assert_eq!((s.stack_loads, s.stack_stores), (3, 2), "{s:?}");
        assert_eq!((s.calls, s.indirect_calls, s.cond_branches), (2, 1, 1));
    }

    #[test]
    fn skips_jump_tables_and_constants() {
        // lea r11, [rip+N] (the table); movsxd r10, [r11+rax*4]; add r11, r10; jmp r11;
        // table of 2 entries; two blocks: ret / movsd xmm0, [rip+const]; ret; 8 bytes const.
        let mut code = vec![0x4c, 0x8d, 0x1d, 0, 0, 0, 0, 0x4f, 0x63, 0x14, 0x83, 0x4d, 0x01, 0xd3, 0x41, 0xff, 0xe3];
        let table = code.len() as u32;
        code[3..7].copy_from_slice(&(table - 7).to_le_bytes());
        code.extend_from_slice(&[0; 8]);
        let block0 = code.len() as u32;
        code.push(0xc3);
        let block1 = code.len() as u32;
        code.extend_from_slice(&[0xf2, 0x0f, 0x10, 0x05, 0, 0, 0, 0, 0xc3]);
        let constant = code.len() as u32;
        code[block1 as usize + 4..block1 as usize + 8].copy_from_slice(&(constant - (block1 + 8)).to_le_bytes());
        code.extend_from_slice(&[0x11; 8]);
        code[table as usize..table as usize + 4].copy_from_slice(&(block0 - table).to_le_bytes());
        code[table as usize + 4..table as usize + 8].copy_from_slice(&(block1 - table).to_le_bytes());
        let s = code_stats(&code);
        assert_eq!(s.insts, 7, "{s:?}");
        assert_eq!(s.data_bytes, 16);
        assert_eq!(s.code_bytes + s.data_bytes, code.len() as u32);
        assert_eq!(s.loads, 2);
    }

    #[test]
    fn stops_at_a_lookup_table_after_the_code() {
        // lea r11, [rip+5]; mov eax, [r11+rdi*4]; ret; a table of two 32-bit values.
        let mut code = vec![0x4c, 0x8d, 0x1d, 5, 0, 0, 0, 0x41, 0x8b, 0x04, 0xbb, 0xc3];
        code.extend_from_slice(&[0x90; 8]);
        let s = code_stats(&code);
        assert_eq!((s.insts, s.data_bytes, s.loads), (3, 8, 1), "{s:?}");
    }
}
