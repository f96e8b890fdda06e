//! Emission: allocated x86-64 VCode → machine code bytes, through the assembler in
//! `asm.rs`, with the frame (prologue, stack check — left out in leaf functions with a
//! frame of at most `abi::LEAF_FRAME_MAX` bytes —, spill slots, outgoing value area),
//! regalloc2's moves, out-of-line trap stubs, the calls to link and a source map.
//!
//! Frame, from high to low addresses: the caller's value area (`[rbp + 16]`), return
//! address, saved `rbp` (`[rbp]`), the callee-saved registers the function uses, spill
//! slots, outgoing value area (`[rsp]`). `rsp` is
//! fixed inside the body. This file never chooses instructions; every sequence here is
//! the one fixed expansion of one VCode instruction.

use crate::abi::vmctx;
use crate::machinst::emit_loop::{emit_blocks, BlockEmitter, BlockText};
use crate::machinst::{EmitCounts, Emitted, LibCallSite, SourceMapEntry, TrapSite};
use crate::reg::Reg;
use crate::vcode::VCode;
use crate::x64::asm::{Asm, Label};
use crate::x64::inst::*;
use crate::x64::regs::{self, r16, r32, r64, r8, rx};
use crate::x64::vec_ops::{VecForm, VecOp};
use iced_x86::{Code, Instruction, MemoryOperand, Register};
use regalloc2::PReg;
use regalloc2::{Allocation, Block as RBlock, Edit, InstOrEdit, Output, RegClass};
use wlab_ir::{FloatCC, TrapCode};

fn i1(c: Code, a: impl Op) -> Instruction {
    a.with1(c)
}

trait Op {
    fn with1(self, c: Code) -> Instruction;
}
impl Op for Register {
    fn with1(self, c: Code) -> Instruction {
        Instruction::with1(c, self).expect("encodable")
    }
}
impl Op for MemoryOperand {
    fn with1(self, c: Code) -> Instruction {
        Instruction::with1(c, self).expect("encodable")
    }
}

macro_rules! i2 {
    ($c:expr, $a:expr, $b:expr) => {
        Instruction::with2($c, $a, $b).expect("encodable")
    };
}
macro_rules! i3 {
    ($c:expr, $a:expr, $b:expr, $d:expr) => {
        Instruction::with3($c, $a, $b, $d).expect("encodable")
    };
}

fn mem(base: Register, index: Option<Register>, scale: u8, disp: i32) -> MemoryOperand {
    // iced: 0 = no displacement, 1 = the smallest that fits (8 or 32 bits).
    let dsize = if disp == 0 { 0 } else { 1 };
    MemoryOperand::with_base_index_scale_displ_size(
        base,
        index.unwrap_or(Register::None),
        scale as u32,
        disp as i64,
        dsize,
    )
}

fn amode(a: &Amode) -> MemoryOperand {
    mem(r64(a.base), a.index.map(r64), a.scale, a.disp)
}

fn vmctx_mem(word: usize) -> MemoryOperand {
    mem(Register::R15, None, 1, vmctx::offset(word))
}

fn trap_index(code: TrapCode) -> u32 {
    TrapCode::ALL.iter().position(|c| *c == code).expect("listed") as u32
}

fn cc_num(cc: CC) -> u8 {
    match cc {
        CC::O => 0,
        CC::NO => 1,
        CC::B => 2,
        CC::AE => 3,
        CC::E => 4,
        CC::NE => 5,
        CC::BE => 6,
        CC::A => 7,
        CC::S => 8,
        CC::NS => 9,
        CC::P => 10,
        CC::NP => 11,
        CC::L => 12,
        CC::GE => 13,
        CC::LE => 14,
        CC::G => 15,
    }
}

fn setcc_code(cc: CC) -> Code {
    const C: [Code; 16] = [
        Code::Seto_rm8,
        Code::Setno_rm8,
        Code::Setb_rm8,
        Code::Setae_rm8,
        Code::Sete_rm8,
        Code::Setne_rm8,
        Code::Setbe_rm8,
        Code::Seta_rm8,
        Code::Sets_rm8,
        Code::Setns_rm8,
        Code::Setp_rm8,
        Code::Setnp_rm8,
        Code::Setl_rm8,
        Code::Setge_rm8,
        Code::Setle_rm8,
        Code::Setg_rm8,
    ];
    C[cc_num(cc) as usize]
}

fn cmov_code(cc: CC, size: Size) -> Code {
    const C32: [Code; 16] = [
        Code::Cmovo_r32_rm32,
        Code::Cmovno_r32_rm32,
        Code::Cmovb_r32_rm32,
        Code::Cmovae_r32_rm32,
        Code::Cmove_r32_rm32,
        Code::Cmovne_r32_rm32,
        Code::Cmovbe_r32_rm32,
        Code::Cmova_r32_rm32,
        Code::Cmovs_r32_rm32,
        Code::Cmovns_r32_rm32,
        Code::Cmovp_r32_rm32,
        Code::Cmovnp_r32_rm32,
        Code::Cmovl_r32_rm32,
        Code::Cmovge_r32_rm32,
        Code::Cmovle_r32_rm32,
        Code::Cmovg_r32_rm32,
    ];
    const C64: [Code; 16] = [
        Code::Cmovo_r64_rm64,
        Code::Cmovno_r64_rm64,
        Code::Cmovb_r64_rm64,
        Code::Cmovae_r64_rm64,
        Code::Cmove_r64_rm64,
        Code::Cmovne_r64_rm64,
        Code::Cmovbe_r64_rm64,
        Code::Cmova_r64_rm64,
        Code::Cmovs_r64_rm64,
        Code::Cmovns_r64_rm64,
        Code::Cmovp_r64_rm64,
        Code::Cmovnp_r64_rm64,
        Code::Cmovl_r64_rm64,
        Code::Cmovge_r64_rm64,
        Code::Cmovle_r64_rm64,
        Code::Cmovg_r64_rm64,
    ];
    match size {
        Size::S32 => C32[cc_num(cc) as usize],
        Size::S64 => C64[cc_num(cc) as usize],
    }
}

fn gr(r: Reg, size: Size) -> Register {
    match size {
        Size::S32 => r32(r),
        Size::S64 => r64(r),
    }
}

/// `op reg, reg/mem` (the destination is the first operand), for a register or a memory
/// second operand.
fn alu_r_rm(op: AluOp, size: Size) -> Code {
    match op {
        AluOp::Add => pick(size, Code::Add_r32_rm32, Code::Add_r64_rm64),
        AluOp::Sub => pick(size, Code::Sub_r32_rm32, Code::Sub_r64_rm64),
        AluOp::And => pick(size, Code::And_r32_rm32, Code::And_r64_rm64),
        AluOp::Or => pick(size, Code::Or_r32_rm32, Code::Or_r64_rm64),
        AluOp::Xor => pick(size, Code::Xor_r32_rm32, Code::Xor_r64_rm64),
        AluOp::Imul => pick(size, Code::Imul_r32_rm32, Code::Imul_r64_rm64),
    }
}

/// Per-size code pairs.
fn pick(size: Size, c32: Code, c64: Code) -> Code {
    match size {
        Size::S32 => c32,
        Size::S64 => c64,
    }
}

fn fpick(size: FSize, ss: Code, sd: Code) -> Code {
    match size {
        FSize::F32 => ss,
        FSize::F64 => sd,
    }
}

struct Emitter {
    asm: Asm,
    block_labels: Vec<Label>,
    stubs: Vec<(Label, Option<TrapCode>, Option<u32>)>,
    /// Linear-memory accesses (item position, srcloc): where a fault is a wasm trap.
    heap_sites: Vec<(usize, Option<u32>)>,
    /// Libcall `call` instructions (item position, service).
    libcalls: Vec<(usize, crate::abi::LibCall)>,
    cur_srcloc: Option<u32>,
    /// Callee-saved registers pushed by the prologue, in push order.
    saved: Vec<u8>,
    /// Bytes the prologue reserves below them (spill slots, outgoing value area).
    frame: usize,
    /// Where a branch to each block really goes (past blocks that only jump).
    final_block: Vec<usize>,
    outgoing: u32,
    counts: EmitCounts,
    /// Out-of-line slow paths of inline `call_indirect`s, emitted after the blocks.
    indirect_slow: Vec<IndirectSlow>,
    /// Float-class spill slots are 16 bytes (`VCode::vector_slots`): spill whole registers.
    vector_slots: bool,
}

/// The runtime's path of one inline `call_indirect` (see `Inst::CallIndirect`): entered
/// with the element index in r11, returns to `done`.
struct IndirectSlow {
    entry: Label,
    done: Label,
    args: u32,
    table: u32,
    type_index: u32,
    srcloc: Option<u32>,
    /// Register arguments to store at these area offsets before the libcall.
    spill_args: Vec<(PReg, i32)>,
    /// Register results to load from these area offsets after it.
    reload_results: Vec<(PReg, i32)>,
}

impl Emitter {
    fn push(&mut self, i: Instruction) {
        self.counts.insts += 1;
        self.asm.inst(i);
    }

    /// A stub that traps with `code` (or with the code the runtime recorded).
    fn trap_label(&mut self, code: Option<TrapCode>) -> Label {
        let l = self.asm.label();
        self.stubs.push((l, code, self.cur_srcloc));
        l
    }

    /// Records `addr` as a linear-memory access site when it is one (based on the
    /// pinned heap register), at the position of the instruction about to be pushed.
    fn note_heap_access(&mut self, addr: &Amode) {
        if addr.base == regs::heap_base() {
            self.heap_sites.push((self.asm.pos(), self.cur_srcloc));
        }
    }

    fn jcc_trap(&mut self, cc: CC, code: TrapCode) {
        let l = self.trap_label(Some(code));
        self.counts.insts += 1;
        self.asm.jcc(cc_num(cc), l);
    }

    fn jcc(&mut self, cc: CC, l: Label) {
        self.counts.insts += 1;
        self.asm.jcc(cc_num(cc), l);
    }

    fn jmp(&mut self, l: Label) {
        self.counts.insts += 1;
        self.asm.jmp(l);
    }

    fn mov_imm(&mut self, dst: Register, size: Size, imm: u64) {
        // Never `xor`: moves must keep the flags (lowering relies on it).
        match size {
            Size::S32 => self.push(i2!(Code::Mov_r32_imm32, dst, imm as u32)),
            Size::S64 => {
                if imm <= u32::MAX as u64 {
                    let d32 = regs::gpr32_enc(gpr_enc(dst));
                    self.push(i2!(Code::Mov_r32_imm32, d32, imm as u32));
                } else if (imm as i64) >= i32::MIN as i64 && (imm as i64) < 0 {
                    self.push(i2!(Code::Mov_rm64_imm32, dst, imm as i64 as i32));
                } else {
                    self.push(i2!(Code::Mov_r64_imm64, dst, imm));
                }
            }
        }
    }

    fn spill_slot(&self, slot: usize) -> MemoryOperand {
        mem(Register::RSP, None, 1, 8 * (self.outgoing as i32 + slot as i32))
    }

    fn emit_move(&mut self, from: Allocation, to: Allocation, class: RegClass) {
        if from == to {
            return;
        }
        match (from.as_reg(), to.as_reg(), from.as_stack(), to.as_stack()) {
            (Some(f), Some(t), _, _) => {
                let (f, t) = (Reg::phys(f), Reg::phys(t));
                match class {
                    RegClass::Float => self.push(i2!(Code::Movaps_xmm_xmmm128, rx(t), rx(f))),
                    _ => self.push(i2!(Code::Mov_r64_rm64, r64(t), r64(f))),
                }
            }
            (Some(f), None, _, Some(s)) => {
                let m = self.spill_slot(s.index());
                let f = Reg::phys(f);
                self.counts.stores += 1;
                match class {
                    RegClass::Float if self.vector_slots => self.push(i2!(Code::Movdqu_xmmm128_xmm, m, rx(f))),
                    RegClass::Float => self.push(i2!(Code::Movsd_xmmm64_xmm, m, rx(f))),
                    _ => self.push(i2!(Code::Mov_rm64_r64, m, r64(f))),
                }
            }
            (None, Some(t), Some(s), _) => {
                let m = self.spill_slot(s.index());
                let t = Reg::phys(t);
                self.counts.loads += 1;
                match class {
                    RegClass::Float if self.vector_slots => self.push(i2!(Code::Movdqu_xmm_xmmm128, rx(t), m)),
                    RegClass::Float => self.push(i2!(Code::Movsd_xmm_xmmm64, rx(t), m)),
                    _ => self.push(i2!(Code::Mov_r64_rm64, r64(t), m)),
                }
            }
            _ => unreachable!("regalloc2 never moves stack to stack"),
        }
    }
}

fn gpr_enc(r: Register) -> u8 {
    (r.number() & 15) as u8
}

/// Emits `vcode` allocated as `out` (with the allocated text when `keep_text`).
pub fn emit(vcode: &VCode<Inst>, out: &Output, outgoing_slots: u32, keep_text: bool) -> Emitted {
    let mut e = Emitter {
        asm: Asm::new(),
        block_labels: Vec::new(),
        stubs: Vec::new(),
        heap_sites: Vec::new(),
        libcalls: Vec::new(),
        cur_srcloc: None,
        final_block: Vec::new(),
        saved: Vec::new(),
        frame: 0,
        outgoing: outgoing_slots,
        counts: EmitCounts::default(),
        indirect_slow: Vec::new(),
        vector_slots: vcode.vector_slots,
    };
    // Callee-saved registers this function uses (saved below the frame pointer).
    let mut saved: Vec<u8> = Vec::new();
    for r in regs::CALLEE_SAVED {
        let p = Allocation::reg(regs::gpr(r));
        let used =
            out.allocs.contains(&p) || out.edits.iter().any(|(_, Edit::Move { from, to })| *from == p || *to == p);
        if used {
            saved.push(r);
        }
    }
    let pushed = 8 * saved.len();
    let frame = ((outgoing_slots as usize + out.num_spillslots) * 8 + pushed).div_ceil(16) * 16 - pushed;
    e.saved = saved.clone();
    e.frame = frame;
    // Prologue: frame pointer, stack check, frame.
    e.push(i1(Code::Push_r64, Register::RBP));
    e.push(i2!(Code::Mov_r64_rm64, Register::RBP, Register::RSP));
    for r in &saved {
        e.push(i1(Code::Push_r64, regs::gpr64_enc(*r)));
    }
    // A leaf with a small frame needs no check: the guard below the limit covers it (`abi`).
    let leaf = !vcode.insts.iter().any(|i| matches!(i, Inst::Call { .. } | Inst::CallIndirect { .. }));
    if !(leaf && 8 + pushed + frame <= crate::abi::LEAF_FRAME_MAX as usize) {
        if frame > 0 {
            e.push(i2!(Code::Lea_r64_m, Register::R11, mem(Register::RSP, None, 1, -(frame as i32))));
            e.push(i2!(Code::Cmp_r64_rm64, Register::R11, vmctx_mem(vmctx::STACK_LIMIT)));
        } else {
            e.push(i2!(Code::Cmp_r64_rm64, Register::RSP, vmctx_mem(vmctx::STACK_LIMIT)));
        }
        e.jcc_trap(CC::B, TrapCode::StackOverflow);
    }
    if frame > 0 {
        e.push(i2!(Code::Sub_rm64_imm32, Register::RSP, frame as i32));
    }

    // Blocks that only jump (split edges that needed no moves) are not emitted: branches
    // to them go straight to where they lead.
    let n = vcode.blocks.len();
    let jump_only: Vec<Option<usize>> = (0..n)
        .map(|b| {
            let r = vcode.block_range(b);
            let moves = out.block_insts_and_edits(vcode, RBlock::new(b)).any(|it| match it {
                InstOrEdit::Edit(Edit::Move { from, to }) => from != to,
                InstOrEdit::Inst(_) => false,
            });
            match (&vcode.insts[r.start], r.len(), moves) {
                (Inst::Jmp { target }, 1, false) if b != 0 => Some(*target as usize),
                _ => None,
            }
        })
        .collect();
    e.final_block = (0..n)
        .map(|b| {
            let mut cur = b;
            for _ in 0..n {
                match jump_only[cur] {
                    Some(t) => cur = t,
                    None => return cur,
                }
            }
            b // a cycle of empty blocks: keep it
        })
        .collect();
    let own: Vec<Option<Label>> =
        (0..n).map(|b| if e.final_block[b] == b { Some(e.asm.label()) } else { None }).collect();
    e.block_labels = (0..n).map(|b| own[e.final_block[b]].expect("final blocks have labels")).collect();
    let order: Vec<usize> = (0..n).filter(|&b| e.final_block[b] == b).collect();
    // A jump to the next emitted block falls through.
    let BlockText { text, srcmap: srcmap_pos } = emit_blocks(&mut e, vcode, out, &order, keep_text);
    for slow in std::mem::take(&mut e.indirect_slow) {
        emit_indirect_slow(&mut e, &slow);
    }
    // Trap stubs.
    let stubs = std::mem::take(&mut e.stubs);
    let mut stub_pos = Vec::new();
    for (label, code, srcloc) in &stubs {
        e.asm.bind(*label);
        stub_pos.push((e.asm.pos(), *code, *srcloc));
        if let Some(c) = code {
            e.push(i2!(Code::Mov_rm64_imm32, vmctx_mem(vmctx::TRAP_CODE), trap_index(*c) as i32));
        }
        e.asm.lea_rip(Register::R11, *label);
        e.counts.insts += 1;
        e.push(i2!(Code::Mov_rm64_r64, vmctx_mem(vmctx::TRAP_PC), Register::R11));
        e.push(i1(Code::Jmp_rm64, vmctx_mem(vmctx::UNWIND)));
    }
    let counts = e.counts;
    let heap_sites = std::mem::take(&mut e.heap_sites);
    let libcall_pos = std::mem::take(&mut e.libcalls);
    let (code, offsets, calls, data_start) = e.asm.finish();
    let libcalls = libcall_pos.iter().map(|(p, lib)| LibCallSite { offset: offsets[*p], lib: *lib }).collect();
    let srcmap = srcmap_pos
        .iter()
        .map(|(pos, ir, sl)| SourceMapEntry { offset: offsets[*pos], ir_inst: *ir, srcloc: *sl })
        .collect();
    let mut traps: Vec<TrapSite> =
        stub_pos.iter().map(|(p, code, srcloc)| TrapSite::stub(offsets[*p], *code, *srcloc)).collect();
    traps.extend(heap_sites.iter().map(|(p, srcloc)| TrapSite::heap_fault(offsets[*p], *srcloc)));
    Emitted { code, data_start, calls, libcalls, traps, srcmap, allocated_text: text, counts }
}

impl BlockEmitter for Emitter {
    type Inst = Inst;
    fn start_block(&mut self, b: usize) {
        self.asm.bind(self.block_labels[b]);
    }
    fn emit_move(&mut self, from: Allocation, to: Allocation, class: RegClass) {
        Emitter::emit_move(self, from, to, class)
    }
    fn emit_inst(&mut self, inst: &Inst, next: usize) {
        emit_inst(self, inst, next)
    }
    fn position(&self) -> usize {
        self.asm.pos()
    }
    fn set_srcloc(&mut self, srcloc: Option<u32>) {
        self.cur_srcloc = srcloc;
    }
    fn show_alloc(&self, a: Allocation) -> String {
        match (a.as_reg(), a.as_stack()) {
            (Some(r), _) => regs::preg_name(r),
            (_, Some(s)) => format!("slot{}", s.index()),
            _ => "none".to_string(),
        }
    }
}

fn emit_inst(e: &mut Emitter, inst: &Inst, next_block: usize) {
    use Inst::*;
    match inst {
        Alu { size, op: AluOp::Imul, dst, src1, src2: RegImm::Imm(k) } => {
            let code = pick(*size, Code::Imul_r32_rm32_imm32, Code::Imul_r64_rm64_imm32);
            e.push(i3!(code, gr(*dst, *size), gr(*src1, *size), *k))
        }
        Alu { size, op, dst, src1, src2 } => {
            debug_assert_eq!(dst, src1);
            let d = gr(*dst, *size);
            match (op, src2) {
                (AluOp::Imul, RegImm::Imm(_)) => unreachable!("the three-operand form above"),
                (_, RegImm::Reg(s)) => e.push(i2!(alu_r_rm(*op, *size), d, gr(*s, *size))),
                (_, RegImm::Imm(k)) => {
                    let short = i8::try_from(*k).is_ok();
                    let c = match (op, short) {
                        (AluOp::Add, true) => pick(*size, Code::Add_rm32_imm8, Code::Add_rm64_imm8),
                        (AluOp::Add, false) => pick(*size, Code::Add_rm32_imm32, Code::Add_rm64_imm32),
                        (AluOp::Sub, true) => pick(*size, Code::Sub_rm32_imm8, Code::Sub_rm64_imm8),
                        (AluOp::Sub, false) => pick(*size, Code::Sub_rm32_imm32, Code::Sub_rm64_imm32),
                        (AluOp::And, true) => pick(*size, Code::And_rm32_imm8, Code::And_rm64_imm8),
                        (AluOp::And, false) => pick(*size, Code::And_rm32_imm32, Code::And_rm64_imm32),
                        (AluOp::Or, true) => pick(*size, Code::Or_rm32_imm8, Code::Or_rm64_imm8),
                        (AluOp::Or, false) => pick(*size, Code::Or_rm32_imm32, Code::Or_rm64_imm32),
                        (_, true) => pick(*size, Code::Xor_rm32_imm8, Code::Xor_rm64_imm8),
                        (_, false) => pick(*size, Code::Xor_rm32_imm32, Code::Xor_rm64_imm32),
                    };
                    e.push(i2!(c, d, *k));
                }
            }
        }
        AluMem { size, op, dst, src1, addr } => {
            debug_assert_eq!(dst, src1);
            e.counts.loads += 1;
            e.note_heap_access(addr);
            e.push(i2!(alu_r_rm(*op, *size), gr(*dst, *size), amode(addr)));
        }
        Cmp { size, lhs, rhs } => match rhs {
            RegImm::Reg(r) => {
                e.push(i2!(pick(*size, Code::Cmp_r32_rm32, Code::Cmp_r64_rm64), gr(*lhs, *size), gr(*r, *size)))
            }
            RegImm::Imm(k) => {
                let c = if i8::try_from(*k).is_ok() {
                    pick(*size, Code::Cmp_rm32_imm8, Code::Cmp_rm64_imm8)
                } else {
                    pick(*size, Code::Cmp_rm32_imm32, Code::Cmp_rm64_imm32)
                };
                e.push(i2!(c, gr(*lhs, *size), *k));
            }
        },
        Test { size, lhs, rhs } => match rhs {
            RegImm::Reg(r) => {
                e.push(i2!(pick(*size, Code::Test_rm32_r32, Code::Test_rm64_r64), gr(*lhs, *size), gr(*r, *size)))
            }
            RegImm::Imm(k) => {
                e.push(i2!(pick(*size, Code::Test_rm32_imm32, Code::Test_rm64_imm32), gr(*lhs, *size), *k))
            }
        },
        Unary { size, op, dst, src } => {
            debug_assert_eq!(dst, src);
            let c = match op {
                UnaryOp::Neg => pick(*size, Code::Neg_rm32, Code::Neg_rm64),
                UnaryOp::Not => pick(*size, Code::Not_rm32, Code::Not_rm64),
            };
            e.push(i1(c, gr(*dst, *size)));
        }
        BitCount { size, op, dst, src, tmp, native } => emit_bitcount(e, *size, *op, *dst, *src, *tmp, *native),
        MovImm { size, dst, imm } => e.mov_imm(gr(*dst, *size), *size, *imm),
        Zero { dst } => e.push(i2!(Code::Xor_r32_rm32, r32(*dst), r32(*dst))),
        // A 64-bit copy to its own register changes nothing (a 32-bit one clears the
        // upper half, so it stays).
        MovRR { size: Size::S64, dst, src } if dst == src => {}
        MovRR { size, dst, src } => {
            e.push(i2!(pick(*size, Code::Mov_r32_rm32, Code::Mov_r64_rm64), gr(*dst, *size), gr(*src, *size)))
        }
        Ext { kind, dst, src } => {
            let i = match kind {
                ExtKind::S8To32 => i2!(Code::Movsx_r32_rm8, r32(*dst), r8(*src)),
                ExtKind::S8To64 => i2!(Code::Movsx_r64_rm8, r64(*dst), r8(*src)),
                ExtKind::S16To32 => i2!(Code::Movsx_r32_rm16, r32(*dst), r16(*src)),
                ExtKind::S16To64 => i2!(Code::Movsx_r64_rm16, r64(*dst), r16(*src)),
                ExtKind::S32To64 => i2!(Code::Movsxd_r64_rm32, r64(*dst), r32(*src)),
            };
            e.push(i);
        }
        Lea { size, dst, addr } => {
            e.push(i2!(pick(*size, Code::Lea_r32_m, Code::Lea_r64_m), gr(*dst, *size), amode(addr)))
        }
        Load { kind, dst, addr } => {
            e.counts.loads += 1;
            e.note_heap_access(addr);
            let m = amode(addr);
            let i = match kind {
                LoadKind::U32 => i2!(Code::Mov_r32_rm32, r32(*dst), m),
                LoadKind::S32To64 => i2!(Code::Movsxd_r64_rm32, r64(*dst), m),
                LoadKind::U64 => i2!(Code::Mov_r64_rm64, r64(*dst), m),
                LoadKind::U8 => i2!(Code::Movzx_r32_rm8, r32(*dst), m),
                LoadKind::S8To32 => i2!(Code::Movsx_r32_rm8, r32(*dst), m),
                LoadKind::S8To64 => i2!(Code::Movsx_r64_rm8, r64(*dst), m),
                LoadKind::U16 => i2!(Code::Movzx_r32_rm16, r32(*dst), m),
                LoadKind::S16To32 => i2!(Code::Movsx_r32_rm16, r32(*dst), m),
                LoadKind::S16To64 => i2!(Code::Movsx_r64_rm16, r64(*dst), m),
            };
            e.push(i);
        }
        Store { bytes, src, addr } => {
            e.counts.stores += 1;
            e.note_heap_access(addr);
            let m = amode(addr);
            let i = match bytes {
                1 => i2!(Code::Mov_rm8_r8, m, r8(*src)),
                2 => i2!(Code::Mov_rm16_r16, m, r16(*src)),
                4 => i2!(Code::Mov_rm32_r32, m, r32(*src)),
                _ => i2!(Code::Mov_rm64_r64, m, r64(*src)),
            };
            e.push(i);
        }
        StoreImm { bytes, imm, addr } => {
            e.counts.stores += 1;
            e.note_heap_access(addr);
            let m = amode(addr);
            let i = match bytes {
                1 => i2!(Code::Mov_rm8_imm8, m, *imm as u8 as u32),
                4 => i2!(Code::Mov_rm32_imm32, m, *imm as u32),
                8 => i2!(Code::Mov_rm64_imm32, m, *imm),
                _ => unreachable!("lowering stores 2-byte constants from a register"),
            };
            e.push(i);
        }
        Rorx { size, dst, src, amount } => {
            let c = pick(*size, Code::VEX_Rorx_r32_rm32_imm8, Code::VEX_Rorx_r64_rm64_imm8);
            e.push(i3!(c, gr(*dst, *size), gr(*src, *size), *amount as u32));
        }
        ShiftX { size, op, dst, src, amount } => {
            let c = match op {
                ShiftOp::Shl => pick(*size, Code::VEX_Shlx_r32_rm32_r32, Code::VEX_Shlx_r64_rm64_r64),
                ShiftOp::Shr => pick(*size, Code::VEX_Shrx_r32_rm32_r32, Code::VEX_Shrx_r64_rm64_r64),
                ShiftOp::Sar => pick(*size, Code::VEX_Sarx_r32_rm32_r32, Code::VEX_Sarx_r64_rm64_r64),
                ShiftOp::Rol | ShiftOp::Ror => unreachable!("BMI2 has no rotate by a register"),
            };
            e.push(i3!(c, gr(*dst, *size), gr(*src, *size), gr(*amount, *size)));
        }
        Andn { size, dst, src1, src2 } => {
            let c = pick(*size, Code::VEX_Andn_r32_r32_rm32, Code::VEX_Andn_r64_r64_rm64);
            e.push(i3!(c, gr(*dst, *size), gr(*src1, *size), gr(*src2, *size)));
        }
        ShiftImm { size, op, dst, src, amount } => {
            debug_assert_eq!(dst, src);
            if *amount != 0 {
                let c = match op {
                    ShiftOp::Shl => pick(*size, Code::Shl_rm32_imm8, Code::Shl_rm64_imm8),
                    ShiftOp::Shr => pick(*size, Code::Shr_rm32_imm8, Code::Shr_rm64_imm8),
                    ShiftOp::Sar => pick(*size, Code::Sar_rm32_imm8, Code::Sar_rm64_imm8),
                    ShiftOp::Rol => pick(*size, Code::Rol_rm32_imm8, Code::Rol_rm64_imm8),
                    ShiftOp::Ror => pick(*size, Code::Ror_rm32_imm8, Code::Ror_rm64_imm8),
                };
                e.push(i2!(c, gr(*dst, *size), *amount as u32));
            }
        }
        ShiftDouble { size, dst, src_hi, src_lo, amount } => {
            debug_assert_eq!(dst, src_hi);
            let c = pick(*size, Code::Shld_rm32_r32_imm8, Code::Shld_rm64_r64_imm8);
            e.push(i3!(c, gr(*dst, *size), gr(*src_lo, *size), *amount as u32));
        }
        ShiftReg { size, op, dst, src, .. } => {
            debug_assert_eq!(dst, src);
            let c = match op {
                ShiftOp::Shl => pick(*size, Code::Shl_rm32_CL, Code::Shl_rm64_CL),
                ShiftOp::Shr => pick(*size, Code::Shr_rm32_CL, Code::Shr_rm64_CL),
                ShiftOp::Sar => pick(*size, Code::Sar_rm32_CL, Code::Sar_rm64_CL),
                ShiftOp::Rol => pick(*size, Code::Rol_rm32_CL, Code::Rol_rm64_CL),
                ShiftOp::Ror => pick(*size, Code::Ror_rm32_CL, Code::Ror_rm64_CL),
            };
            e.push(i2!(c, gr(*dst, *size), Register::CL));
        }
        Div { size, signed, rem, rhs, .. } => emit_div(e, *size, *signed, *rem, *rhs),
        Setcc { cc, dst } => {
            e.push(i1(setcc_code(*cc), r8(*dst)));
            e.push(i2!(Code::Movzx_r32_rm8, r32(*dst), r8(*dst)));
        }
        Cmov { size, cc, dst, src_false, src_true } => {
            debug_assert_eq!(dst, src_false);
            e.push(i2!(cmov_code(*cc, *size), gr(*dst, *size), gr(*src_true, *size)));
        }
        XmmCmov { cc, dst, src_true, .. } => {
            let skip = e.asm.label();
            e.jcc(cc.invert(), skip);
            e.push(i2!(Code::Movaps_xmm_xmmm128, rx(*dst), rx(*src_true)));
            e.asm.bind(skip);
        }
        LoadVmctx { dst, word } => {
            e.counts.loads += 1;
            e.push(i2!(Code::Mov_r64_rm64, r64(*dst), vmctx_mem(*word)));
        }
        BoundsCheck { addr, end, tmp } => {
            match i32::try_from(*end) {
                Ok(k) => e.push(i2!(Code::Lea_r64_m, r64(*tmp), mem(r64(*addr), None, 1, k))),
                Err(_) => {
                    e.mov_imm(r64(*tmp), Size::S64, *end);
                    e.push(i2!(Code::Add_r64_rm64, r64(*tmp), r64(*addr)));
                }
            }
            e.counts.loads += 1;
            e.push(i2!(Code::Cmp_r64_rm64, r64(*tmp), vmctx_mem(vmctx::MEM_LEN)));
            e.jcc_trap(CC::A, TrapCode::MemoryOutOfBounds);
        }
        XmmAlu { size, op, dst, src1, src2 } => {
            debug_assert_eq!(dst, src1);
            let c = match op {
                XmmOp::Add => fpick(*size, Code::Addss_xmm_xmmm32, Code::Addsd_xmm_xmmm64),
                XmmOp::Sub => fpick(*size, Code::Subss_xmm_xmmm32, Code::Subsd_xmm_xmmm64),
                XmmOp::Mul => fpick(*size, Code::Mulss_xmm_xmmm32, Code::Mulsd_xmm_xmmm64),
                XmmOp::Div => fpick(*size, Code::Divss_xmm_xmmm32, Code::Divsd_xmm_xmmm64),
                XmmOp::And => Code::Andps_xmm_xmmm128,
                XmmOp::Or => Code::Orps_xmm_xmmm128,
                XmmOp::Xor => Code::Xorps_xmm_xmmm128,
                XmmOp::Andn => Code::Andnps_xmm_xmmm128,
            };
            e.push(i2!(c, rx(*dst), rx(*src2)));
        }
        XmmMinMax { size, min, dst, src1, src2 } => {
            debug_assert_eq!(dst, src1);
            let (d, s) = (rx(*dst), rx(*src2));
            let ne = e.asm.label();
            let nan = e.asm.label();
            let done = e.asm.label();
            e.push(i2!(fpick(*size, Code::Ucomiss_xmm_xmmm32, Code::Ucomisd_xmm_xmmm64), d, s));
            e.jcc(CC::NE, ne);
            e.jcc(CC::P, nan);
            // Equal: the sign decides (-0 for min, +0 for max).
            e.push(i2!(if *min { Code::Orps_xmm_xmmm128 } else { Code::Andps_xmm_xmmm128 }, d, s));
            e.jmp(done);
            e.asm.bind(nan);
            e.push(i2!(fpick(*size, Code::Addss_xmm_xmmm32, Code::Addsd_xmm_xmmm64), d, s));
            e.jmp(done);
            e.asm.bind(ne);
            let c = match (min, size) {
                (true, FSize::F32) => Code::Minss_xmm_xmmm32,
                (true, FSize::F64) => Code::Minsd_xmm_xmmm64,
                (false, FSize::F32) => Code::Maxss_xmm_xmmm32,
                (false, FSize::F64) => Code::Maxsd_xmm_xmmm64,
            };
            e.push(i2!(c, d, s));
            e.asm.bind(done);
        }
        XmmSqrt { size, dst, src } => {
            e.push(i2!(fpick(*size, Code::Sqrtss_xmm_xmmm32, Code::Sqrtsd_xmm_xmmm64), rx(*dst), rx(*src)))
        }
        XmmRound { size, mode, dst, src } => e.push(i3!(
            fpick(*size, Code::Roundss_xmm_xmmm32_imm8, Code::Roundsd_xmm_xmmm64_imm8),
            rx(*dst),
            rx(*src),
            *mode as u32 | 8
        )),
        XmmSign { size, neg, dst, .. } => {
            let mask = match (size, neg) {
                (FSize::F32, false) => 0x7fff_ffffu64,
                (FSize::F32, true) => 0x8000_0000,
                (FSize::F64, false) => 0x7fff_ffff_ffff_ffff,
                (FSize::F64, true) => 0x8000_0000_0000_0000,
            };
            e.mov_imm(Register::R11, Size::S64, mask);
            e.push(i2!(Code::Movq_xmm_rm64, Register::XMM15, Register::R11));
            let c = if *neg { Code::Xorps_xmm_xmmm128 } else { Code::Andps_xmm_xmmm128 };
            e.push(i2!(c, rx(*dst), Register::XMM15));
        }
        XmmCopysign { size, dst, src2, tmp, .. } => {
            let sign = if *size == FSize::F32 { 0x8000_0000u64 } else { 0x8000_0000_0000_0000 };
            e.mov_imm(Register::R11, Size::S64, sign);
            e.push(i2!(Code::Movq_xmm_rm64, Register::XMM15, Register::R11));
            e.push(i2!(Code::Movaps_xmm_xmmm128, rx(*tmp), rx(*src2)));
            e.push(i2!(Code::Andps_xmm_xmmm128, rx(*tmp), Register::XMM15));
            e.push(i2!(Code::Andnps_xmm_xmmm128, Register::XMM15, rx(*dst)));
            e.push(i2!(Code::Movaps_xmm_xmmm128, rx(*dst), Register::XMM15));
            e.push(i2!(Code::Orps_xmm_xmmm128, rx(*dst), rx(*tmp)));
        }
        XmmMov { dst, src } => {
            if dst != src {
                e.push(i2!(Code::Movaps_xmm_xmmm128, rx(*dst), rx(*src)))
            }
        }
        XmmLoad { size, dst, addr } => {
            e.counts.loads += 1;
            e.note_heap_access(addr);
            e.push(i2!(fpick(*size, Code::Movss_xmm_xmmm32, Code::Movsd_xmm_xmmm64), rx(*dst), amode(addr)));
        }
        XmmStore { size, src, addr } => {
            e.counts.stores += 1;
            e.note_heap_access(addr);
            e.push(i2!(fpick(*size, Code::Movss_xmmm32_xmm, Code::Movsd_xmmm64_xmm), amode(addr), rx(*src)));
        }
        GprToXmm { size, dst, src } => match size {
            Size::S32 => e.push(i2!(Code::Movd_xmm_rm32, rx(*dst), r32(*src))),
            Size::S64 => e.push(i2!(Code::Movq_xmm_rm64, rx(*dst), r64(*src))),
        },
        XmmToGpr { size, dst, src } => match size {
            Size::S32 => e.push(i2!(Code::Movd_rm32_xmm, r32(*dst), rx(*src))),
            Size::S64 => e.push(i2!(Code::Movq_rm64_xmm, r64(*dst), rx(*src))),
        },
        FloatFlags { size, lhs, rhs } => {
            e.push(i2!(fpick(*size, Code::Ucomiss_xmm_xmmm32, Code::Ucomisd_xmm_xmmm64), rx(*lhs), rx(*rhs)));
        }
        FloatCmp { size, cc, dst, lhs, rhs } => {
            let ucomis = fpick(*size, Code::Ucomiss_xmm_xmmm32, Code::Ucomisd_xmm_xmmm64);
            let (l, r) = (rx(*lhs), rx(*rhs));
            let d8 = r8(*dst);
            match cc {
                FloatCC::Eq | FloatCC::Ne => {
                    e.push(i2!(ucomis, l, r));
                    let eq = *cc == FloatCC::Eq;
                    e.push(i1(if eq { Code::Setnp_rm8 } else { Code::Setp_rm8 }, Register::R11L));
                    e.push(i1(if eq { Code::Sete_rm8 } else { Code::Setne_rm8 }, d8));
                    e.push(i2!(if eq { Code::And_r8_rm8 } else { Code::Or_r8_rm8 }, d8, Register::R11L));
                }
                FloatCC::Gt | FloatCC::Ge => {
                    e.push(i2!(ucomis, l, r));
                    e.push(i1(if *cc == FloatCC::Gt { Code::Seta_rm8 } else { Code::Setae_rm8 }, d8));
                }
                FloatCC::Lt | FloatCC::Le => {
                    e.push(i2!(ucomis, r, l));
                    e.push(i1(if *cc == FloatCC::Lt { Code::Seta_rm8 } else { Code::Setae_rm8 }, d8));
                }
            }
            e.push(i2!(Code::Movzx_r32_rm8, r32(*dst), d8));
        }
        IntToFloat { from, to, signed, dst, src, tmp } => emit_int_to_float(e, *from, *to, *signed, *dst, *src, *tmp),
        FloatToInt { from, to, signed, sat, dst, src, tmp } => {
            emit_float_to_int(e, *from, *to, *signed, *sat, *dst, *src, *tmp)
        }
        FloatCvt { from, dst, src } => match from {
            FSize::F32 => e.push(i2!(Code::Cvtss2sd_xmm_xmmm32, rx(*dst), rx(*src))),
            FSize::F64 => e.push(i2!(Code::Cvtsd2ss_xmm_xmmm64, rx(*dst), rx(*src))),
        },
        Jmp { target } => {
            if e.final_block[*target as usize] != next_block {
                let l = e.block_labels[*target as usize];
                e.jmp(l);
            }
        }
        Jcc { cc, taken, not_taken } => {
            let (lt, ln) = (e.block_labels[*taken as usize], e.block_labels[*not_taken as usize]);
            let (t, f) = (e.final_block[*taken as usize], e.final_block[*not_taken as usize]);
            if t == next_block {
                e.jcc(cc.invert(), ln);
            } else {
                e.jcc(*cc, lt);
                if f != next_block {
                    e.jmp(ln);
                }
            }
        }
        JmpTable { index, tmp, targets, default } => {
            let ld = e.block_labels[*default as usize];
            e.push(i2!(Code::Cmp_rm32_imm32, r32(*index), targets.len() as u32 as i32));
            e.jcc(CC::AE, ld);
            let table = e.asm.label();
            e.asm.lea_rip(Register::R11, table);
            e.counts.insts += 1;
            e.counts.loads += 1;
            e.push(i2!(Code::Movsxd_r64_rm32, r64(*tmp), mem(Register::R11, Some(r64(*index)), 4, 0)));
            e.push(i2!(Code::Add_r64_rm64, Register::R11, r64(*tmp)));
            e.push(i1(Code::Jmp_rm64, Register::R11));
            e.asm.bind(table);
            for t in targets {
                let l = e.block_labels[*t as usize];
                e.asm.rel32_data(l, table);
            }
        }
        TableLoad { size, dst, index, values } => {
            let (bytes, code, dst, scale): (Vec<u8>, _, _, _) = match size {
                Size::S32 => {
                    (values.iter().flat_map(|v| (*v as u32).to_le_bytes()).collect(), Code::Mov_r32_rm32, r32(*dst), 4)
                }
                Size::S64 => (values.iter().flat_map(|v| v.to_le_bytes()).collect(), Code::Mov_r64_rm64, r64(*dst), 8),
            };
            let table = e.asm.table(bytes);
            e.asm.lea_rip(Register::R11, table);
            e.counts.insts += 1;
            e.counts.loads += 1;
            e.push(i2!(code, dst, mem(Register::R11, Some(r64(*index)), scale, 0)));
        }
        TableHoleLoad { dst, index, holes } => {
            // r11 = min(index, last); dst = holes[r11].
            let last = (holes.len() - 1) as u32;
            e.mov_imm(Register::R11D, Size::S32, last as u64);
            e.push(i2!(Code::Cmp_r32_rm32, r32(*index), Register::R11D));
            e.push(i2!(Code::Cmovb_r32_rm32, Register::R11D, r32(*index)));
            let table = e.asm.table(holes.clone());
            e.asm.lea_rip(r64(*dst), table);
            e.counts.insts += 1;
            e.counts.loads += 1;
            e.push(i2!(Code::Movzx_r32_rm8, r32(*dst), mem(r64(*dst), Some(Register::R11), 1, 0)));
        }
        Args { .. } => {}
        Ret { .. } => {
            // Only the prologue moves rsp: without a frame it is already where the pops
            // start.
            if e.frame > 0 {
                if e.saved.is_empty() {
                    e.push(i2!(Code::Mov_r64_rm64, Register::RSP, Register::RBP));
                } else {
                    let below = -(8 * e.saved.len() as i32);
                    e.push(i2!(Code::Lea_r64_m, Register::RSP, mem(Register::RBP, None, 1, below)));
                }
            }
            for k in (0..e.saved.len()).rev() {
                let r = regs::gpr64_enc(e.saved[k]);
                e.push(i1(Code::Pop_r64, r));
            }
            e.push(i1(Code::Pop_r64, Register::RBP));
            e.push(Instruction::with(Code::Retnq));
        }
        Call { target, .. } => {
            e.counts.calls += 1;
            match target {
                CallTarget::Func(f) => {
                    e.counts.insts += 1;
                    e.asm.call_func(*f);
                }
                CallTarget::Lib(lib, a, b) => {
                    e.push(i2!(Code::Mov_r64_rm64, Register::RDI, Register::R15));
                    e.mov_imm(Register::RSI, Size::S64, *a);
                    e.mov_imm(Register::RDX, Size::S64, *b);
                    e.push(i2!(Code::Mov_r64_rm64, Register::RCX, Register::RSP));
                    e.libcalls.push((e.asm.pos(), *lib));
                    e.push(i1(Code::Call_rm64, vmctx_mem(vmctx::LIBCALLS + lib.index())));
                    // Memory may have moved: reload the pinned heap base.
                    e.counts.loads += 1;
                    e.push(i2!(Code::Mov_r64_rm64, Register::R14, vmctx_mem(vmctx::MEM_BASE)));
                    e.push(i2!(Code::Test_rm64_r64, Register::RAX, Register::RAX));
                    let l = e.trap_label(None);
                    e.jcc(CC::NE, l);
                }
            }
        }
        CallIndirect { index, table, type_index, sig_id, args, spill_args, reload_results, .. } => {
            // The index is in rax (a fixed use); the register arguments are in theirs.
            // Only rax and r11 may be written before the call.
            use crate::abi::table as t;
            debug_assert_eq!(index.to_preg().map(|p| p.hw_enc() as u8), Some(regs::RAX));
            e.counts.calls += 1;
            let slow = e.asm.label();
            let done = e.asm.label();
            e.push(i2!(Code::Mov_r32_rm32, Register::EAX, Register::EAX));
            e.counts.loads += 2;
            e.push(i2!(Code::Mov_r64_rm64, Register::R11, vmctx_mem(vmctx::TABLES)));
            e.push(i2!(Code::Mov_r64_rm64, Register::R11, mem(Register::R11, None, 1, 8 * *table as i32)));
            e.counts.loads += 1;
            e.push(i2!(Code::Cmp_r64_rm64, Register::RAX, mem(Register::R11, None, 1, t::HEADER_LEN)));
            e.jcc(CC::AE, slow);
            // r11 = entries + 8 * index; the entry is at r11 + 8 * index (16-byte entries).
            const _: () = assert!(t::ENTRY_BYTES == 16 && t::ENTRY_FUNC == t::ENTRY_INSTANCE + 4);
            e.counts.loads += 1;
            e.push(i2!(Code::Mov_r64_rm64, Register::R11, mem(Register::R11, None, 1, t::HEADER_BASE)));
            e.push(i2!(Code::Lea_r64_m, Register::R11, mem(Register::R11, Some(Register::RAX), 8, 0)));
            e.counts.loads += 1;
            let sig = mem(Register::R11, Some(Register::RAX), 8, t::ENTRY_SIG);
            e.push(i2!(Code::Cmp_rm32_imm32, sig, *sig_id));
            e.jcc(CC::NE, slow);
            // Instance (low half) and function index (high half) in one load.
            e.counts.loads += 2;
            e.push(i2!(
                Code::Mov_r64_rm64,
                Register::R11,
                mem(Register::R11, Some(Register::RAX), 8, t::ENTRY_INSTANCE)
            ));
            e.push(i2!(Code::Cmp_r32_rm32, Register::R11D, vmctx_mem(vmctx::INSTANCE)));
            e.jcc(CC::NE, slow);
            e.counts.loads += 2;
            e.push(i2!(Code::Shr_rm64_imm8, Register::R11, 32u32));
            e.push(i2!(Code::Mov_r64_rm64, Register::RAX, vmctx_mem(vmctx::FUNCS)));
            e.push(i1(Code::Call_rm64, mem(Register::RAX, Some(Register::R11), 8, 0)));
            e.asm.bind(done);
            let (args, table, type_index, srcloc) = (*args, *table, *type_index, e.cur_srcloc);
            let (spill_args, reload_results) = (spill_args.clone(), reload_results.clone());
            e.indirect_slow.push(IndirectSlow {
                entry: slow,
                done,
                args,
                table,
                type_index,
                srcloc,
                spill_args,
                reload_results,
            });
        }
        Trap { code } => {
            let l = e.trap_label(Some(*code));
            e.jmp(l);
        }
        Vector { op, avx, dst, src1, src2, imm } => {
            e.counts.vector += 1;
            emit_vec(e, *op, *avx, *dst, *src1, *src2, *imm)
        }
        VecLoad { dst, addr } => {
            e.counts.vector += 1;
            e.counts.loads += 1;
            e.note_heap_access(addr);
            e.push(i2!(Code::Movdqu_xmm_xmmm128, rx(*dst), amode(addr)));
        }
        VecStore { src, addr } => {
            e.counts.vector += 1;
            e.counts.stores += 1;
            e.note_heap_access(addr);
            e.push(i2!(Code::Movdqu_xmmm128_xmm, amode(addr), rx(*src)));
        }
        VecConst { dst, bits } => {
            e.counts.vector += 1;
            if *bits == 0 {
                e.push(i2!(Code::Pxor_xmm_xmmm128, rx(*dst), rx(*dst)));
            } else {
                let l = e.asm.const128(*bits);
                let m = MemoryOperand::with_base_displ(Register::RIP, 0);
                e.counts.insts += 1;
                e.counts.loads += 1;
                e.asm.inst_rip(i2!(Code::Movdqu_xmm_xmmm128, rx(*dst), m), l);
            }
        }
        VecTest { a, b } => {
            e.counts.vector += 1;
            e.push(i2!(Code::Ptest_xmm_xmmm128, rx(*a), rx(*b)))
        }
    }
}

/// One row of `vec_ops`, in its SSE or VEX encoding (see that file for the forms).
fn emit_vec(e: &mut Emitter, op: VecOp, avx: bool, dst: Reg, src1: Reg, src2: Option<Reg>, imm: u8) {
    let imm = imm as u32;
    let code = if avx { op.avx() } else { op.sse() };
    let gpr = |r: Reg| if op.gpr64() { r64(r) } else { r32(r) };
    let (d, a) = (rx(dst), rx(src1));
    let i = match (op.form(), avx, op.has_imm()) {
        (VecForm::Bin, false, false) => {
            debug_assert_eq!(dst, src1);
            i2!(code, d, rx(src2.expect("second source")))
        }
        (VecForm::Bin, false, true) => {
            debug_assert_eq!(dst, src1);
            i3!(code, d, rx(src2.expect("second source")), imm)
        }
        (VecForm::Bin, true, false) => i3!(code, d, a, rx(src2.expect("second source"))),
        (VecForm::Bin, true, true) => {
            Instruction::with4(code, d, a, rx(src2.expect("second source")), imm).expect("encodable")
        }
        (VecForm::Un, _, false) => i2!(code, d, a),
        (VecForm::Un, _, true) => i3!(code, d, a, imm),
        (VecForm::InPlace, false, _) => {
            debug_assert_eq!(dst, src1);
            i2!(code, d, imm)
        }
        (VecForm::InPlace, true, _) => i3!(code, d, a, imm),
        (VecForm::InsGpr, false, _) => {
            debug_assert_eq!(dst, src1);
            i3!(code, d, gpr(src2.expect("general register")), imm)
        }
        (VecForm::InsGpr, true, _) => {
            Instruction::with4(code, d, a, gpr(src2.expect("general register")), imm).expect("encodable")
        }
        (VecForm::ToGpr, _, false) => i2!(code, gpr(dst), a),
        (VecForm::ToGpr, _, true) => i3!(code, gpr(dst), a, imm),
    };
    e.push(i);
}

/// The runtime's path of an inline `call_indirect`: the `CallIndirect` libcall finds the
/// arguments where they are and the element index in the slot after them.
fn emit_indirect_slow(e: &mut Emitter, slow: &IndirectSlow) {
    e.asm.bind(slow.entry);
    e.cur_srcloc = slow.srcloc;
    for (p, off) in &slow.spill_args {
        e.counts.stores += 1;
        let at = mem(Register::RSP, None, 1, *off);
        match p.class() {
            RegClass::Int => e.push(i2!(Code::Mov_rm64_r64, at, regs::gpr64_enc(p.hw_enc() as u8))),
            _ => e.push(i2!(Code::Movq_rm64_xmm, at, regs::xmm_enc(p.hw_enc() as u8))),
        }
    }
    e.counts.stores += 1;
    e.push(i2!(Code::Mov_rm64_r64, mem(Register::RSP, None, 1, 8 * slow.args as i32), Register::RAX));
    e.counts.calls += 1;
    e.push(i2!(Code::Mov_r64_rm64, Register::RDI, Register::R15));
    e.mov_imm(Register::RSI, Size::S64, slow.type_index as u64);
    e.mov_imm(Register::RDX, Size::S64, slow.table as u64);
    e.push(i2!(Code::Mov_r64_rm64, Register::RCX, Register::RSP));
    e.libcalls.push((e.asm.pos(), crate::abi::LibCall::CallIndirect));
    e.push(i1(Code::Call_rm64, vmctx_mem(vmctx::LIBCALLS + crate::abi::LibCall::CallIndirect.index())));
    e.counts.loads += 1;
    e.push(i2!(Code::Mov_r64_rm64, Register::R14, vmctx_mem(vmctx::MEM_BASE)));
    e.push(i2!(Code::Test_rm64_r64, Register::RAX, Register::RAX));
    let l = e.trap_label(None);
    e.jcc(CC::NE, l);
    for (p, off) in &slow.reload_results {
        e.counts.loads += 1;
        let at = mem(Register::RSP, None, 1, *off);
        match p.class() {
            RegClass::Int => e.push(i2!(Code::Mov_r64_rm64, regs::gpr64_enc(p.hw_enc() as u8), at)),
            _ => e.push(i2!(Code::Movq_xmm_rm64, regs::xmm_enc(p.hw_enc() as u8), at)),
        }
    }
    e.jmp(slow.done);
}

fn emit_div(e: &mut Emitter, size: Size, signed: bool, rem: bool, rhs: Reg) {
    let r = gr(rhs, size);
    e.push(i2!(pick(size, Code::Test_rm32_r32, Code::Test_rm64_r64), r, r));
    e.jcc_trap(CC::E, TrapCode::IntegerDivisionByZero);
    let eax = match size {
        Size::S32 => Register::EAX,
        Size::S64 => Register::RAX,
    };
    if !signed {
        e.push(i2!(Code::Xor_r32_rm32, Register::EDX, Register::EDX));
        e.push(i1(pick(size, Code::Div_rm32, Code::Div_rm64), r));
        return;
    }
    let do_div = e.asm.label();
    let done = e.asm.label();
    e.push(i2!(pick(size, Code::Cmp_rm32_imm8, Code::Cmp_rm64_imm8), r, -1));
    e.jcc(CC::NE, do_div);
    if rem {
        // x % -1 == 0 (and INT_MIN % -1 must not fault).
        e.push(i2!(Code::Xor_r32_rm32, Register::EDX, Register::EDX));
        e.jmp(done);
    } else {
        match size {
            Size::S32 => e.push(i2!(Code::Cmp_rm32_imm32, eax, i32::MIN)),
            Size::S64 => {
                e.mov_imm(Register::R11, Size::S64, i64::MIN as u64);
                e.push(i2!(Code::Cmp_r64_rm64, eax, Register::R11));
            }
        }
        e.jcc_trap(CC::E, TrapCode::IntegerOverflow);
    }
    e.asm.bind(do_div);
    e.push(Instruction::with(pick(size, Code::Cdq, Code::Cqo)));
    e.push(i1(pick(size, Code::Idiv_rm32, Code::Idiv_rm64), r));
    e.asm.bind(done);
}

fn emit_bitcount(e: &mut Emitter, size: Size, op: BitOp, dst: Reg, src: Reg, tmp: Reg, native: bool) {
    let (d, s, t) = (gr(dst, size), gr(src, size), gr(tmp, size));
    let bits = size.bits() as u64;
    if native {
        let c = match op {
            BitOp::Clz => pick(size, Code::Lzcnt_r32_rm32, Code::Lzcnt_r64_rm64),
            BitOp::Ctz => pick(size, Code::Tzcnt_r32_rm32, Code::Tzcnt_r64_rm64),
            BitOp::Popcnt => pick(size, Code::Popcnt_r32_rm32, Code::Popcnt_r64_rm64),
        };
        e.push(i2!(c, d, s));
        return;
    }
    match op {
        BitOp::Clz => {
            // bsr gives the top set bit; zero input: -1, so clz = (bits-1) - bsr.
            e.push(i2!(pick(size, Code::Bsr_r32_rm32, Code::Bsr_r64_rm64), d, s));
            e.mov_imm(t, size, if size == Size::S32 { u32::MAX as u64 } else { u64::MAX });
            e.push(i2!(cmov_code(CC::E, size), d, t));
            e.push(i1(pick(size, Code::Neg_rm32, Code::Neg_rm64), d));
            e.push(i2!(pick(size, Code::Add_rm32_imm8, Code::Add_rm64_imm8), d, bits as i32 - 1));
        }
        BitOp::Ctz => {
            e.push(i2!(pick(size, Code::Bsf_r32_rm32, Code::Bsf_r64_rm64), d, s));
            e.mov_imm(t, size, bits);
            e.push(i2!(cmov_code(CC::E, size), d, t));
        }
        BitOp::Popcnt => {
            let r11 = if size == Size::S32 { Register::R11D } else { Register::R11 };
            let rep = |byte: u64| -> u64 {
                let v = byte * 0x0101_0101_0101_0101;
                if size == Size::S32 {
                    v & 0xffff_ffff
                } else {
                    v
                }
            };
            let shr = pick(size, Code::Shr_rm32_imm8, Code::Shr_rm64_imm8);
            let and = pick(size, Code::And_r32_rm32, Code::And_r64_rm64);
            let add = pick(size, Code::Add_r32_rm32, Code::Add_r64_rm64);
            let mov = pick(size, Code::Mov_r32_rm32, Code::Mov_r64_rm64);
            e.push(i2!(mov, d, s));
            e.push(i2!(shr, d, 1u32));
            e.mov_imm(r11, size, rep(0x55));
            e.push(i2!(and, d, r11));
            e.push(i2!(mov, t, s));
            e.push(i2!(pick(size, Code::Sub_r32_rm32, Code::Sub_r64_rm64), t, d));
            e.push(i2!(mov, d, t));
            e.push(i2!(shr, t, 2u32));
            e.mov_imm(r11, size, rep(0x33));
            e.push(i2!(and, d, r11));
            e.push(i2!(and, t, r11));
            e.push(i2!(add, d, t));
            e.push(i2!(mov, t, d));
            e.push(i2!(shr, t, 4u32));
            e.push(i2!(add, d, t));
            e.mov_imm(r11, size, rep(0x0f));
            e.push(i2!(and, d, r11));
            e.mov_imm(r11, size, rep(0x01));
            e.push(i2!(pick(size, Code::Imul_r32_rm32, Code::Imul_r64_rm64), d, r11));
            e.push(i2!(shr, d, bits as u32 - 8));
        }
    }
}

fn cvtsi2(to: FSize, from64: bool) -> Code {
    match (to, from64) {
        (FSize::F32, false) => Code::Cvtsi2ss_xmm_rm32,
        (FSize::F32, true) => Code::Cvtsi2ss_xmm_rm64,
        (FSize::F64, false) => Code::Cvtsi2sd_xmm_rm32,
        (FSize::F64, true) => Code::Cvtsi2sd_xmm_rm64,
    }
}

fn emit_int_to_float(e: &mut Emitter, from: Size, to: FSize, signed: bool, dst: Reg, src: Reg, tmp: Reg) {
    let d = rx(dst);
    // Clear dst first: cvtsi2s* only writes the low lane.
    e.push(i2!(Code::Xorps_xmm_xmmm128, d, d));
    match (signed, from) {
        (true, Size::S32) => e.push(i2!(cvtsi2(to, false), d, r32(src))),
        (true, Size::S64) => e.push(i2!(cvtsi2(to, true), d, r64(src))),
        // A u32 is zero-extended in its 64-bit register: convert it as an i64.
        (false, Size::S32) => e.push(i2!(cvtsi2(to, true), d, r64(src))),
        (false, Size::S64) => {
            let big = e.asm.label();
            let done = e.asm.label();
            e.push(i2!(Code::Test_rm64_r64, r64(src), r64(src)));
            e.jcc(CC::S, big);
            e.push(i2!(cvtsi2(to, true), d, r64(src)));
            e.jmp(done);
            e.asm.bind(big);
            // Halve (keeping the low bit for rounding), convert, double.
            e.push(i2!(Code::Mov_r64_rm64, r64(tmp), r64(src)));
            e.push(i2!(Code::Shr_rm64_imm8, r64(tmp), 1u32));
            e.push(i2!(Code::Mov_r64_rm64, Register::R11, r64(src)));
            e.push(i2!(Code::And_rm64_imm8, Register::R11, 1));
            e.push(i2!(Code::Or_r64_rm64, r64(tmp), Register::R11));
            e.push(i2!(cvtsi2(to, true), d, r64(tmp)));
            e.push(i2!(fpick(to, Code::Addss_xmm_xmmm32, Code::Addsd_xmm_xmmm64), d, d));
            e.asm.bind(done);
        }
    }
}

fn cvtt(from: FSize, to64: bool) -> Code {
    match (from, to64) {
        (FSize::F32, false) => Code::Cvttss2si_r32_xmmm32,
        (FSize::F32, true) => Code::Cvttss2si_r64_xmmm32,
        (FSize::F64, false) => Code::Cvttsd2si_r32_xmmm64,
        (FSize::F64, true) => Code::Cvttsd2si_r64_xmmm64,
    }
}

/// Loads float constant `value` into xmm `dst` (through r11).
fn load_fconst(e: &mut Emitter, size: FSize, dst: Register, value: f64) {
    let bits = match size {
        FSize::F32 => (value as f32).to_bits() as u64,
        FSize::F64 => value.to_bits(),
    };
    e.mov_imm(Register::R11, Size::S64, bits);
    e.push(i2!(Code::Movq_xmm_rm64, dst, Register::R11));
}

#[allow(clippy::too_many_arguments)]
fn emit_float_to_int(e: &mut Emitter, from: FSize, to: Size, signed: bool, sat: bool, dst: Reg, src: Reg, tmp: Reg) {
    let s = rx(src);
    let t = rx(tmp);
    let ucomis = fpick(from, Code::Ucomiss_xmm_xmmm32, Code::Ucomisd_xmm_xmmm64);
    let done = e.asm.label();
    let d = gr(dst, to);
    if signed {
        e.push(i2!(cvtt(from, to == Size::S64), d, s));
        // Only INT_MIN can mean overflow: INT_MIN - 1 overflows exactly then.
        e.push(i2!(pick(to, Code::Cmp_rm32_imm8, Code::Cmp_rm64_imm8), d, 1));
        e.jcc(CC::NO, done);
        if sat {
            let nan = e.asm.label();
            e.push(i2!(ucomis, s, s));
            e.jcc(CC::P, nan);
            e.push(i2!(Code::Xorps_xmm_xmmm128, t, t));
            e.push(i2!(ucomis, s, t));
            e.jcc(CC::BE, done); // negative: INT_MIN is right
            e.mov_imm(d, to, if to == Size::S32 { i32::MAX as u64 } else { i64::MAX as u64 });
            e.jmp(done);
            e.asm.bind(nan);
            e.mov_imm(d, to, 0);
        } else {
            e.push(i2!(ucomis, s, s));
            e.jcc_trap(CC::P, TrapCode::BadConversionToInteger);
            // Below the smallest value that truncates into range: overflow.
            if from == FSize::F64 && to == Size::S32 {
                load_fconst(e, from, t, -2147483649.0);
                e.push(i2!(ucomis, s, t));
                e.jcc_trap(CC::BE, TrapCode::IntegerOverflow);
            } else {
                let min = if to == Size::S32 { -2147483648.0 } else { -9223372036854775808.0 };
                load_fconst(e, from, t, min);
                e.push(i2!(ucomis, s, t));
                e.jcc_trap(CC::B, TrapCode::IntegerOverflow);
            }
            // Positive and converted to INT_MIN: overflow.
            e.push(i2!(Code::Xorps_xmm_xmmm128, t, t));
            e.push(i2!(ucomis, t, s));
            e.jcc_trap(CC::B, TrapCode::IntegerOverflow);
        }
        e.asm.bind(done);
        return;
    }
    let d64 = r64(dst);
    match (to, sat) {
        (Size::S32, false) => {
            e.push(i2!(ucomis, s, s));
            e.jcc_trap(CC::P, TrapCode::BadConversionToInteger);
            e.push(i2!(cvtt(from, true), d64, s));
            e.push(i2!(Code::Mov_r64_rm64, Register::R11, d64));
            e.push(i2!(Code::Shr_rm64_imm8, Register::R11, 32u32));
            e.jcc_trap(CC::NE, TrapCode::IntegerOverflow);
        }
        (Size::S32, true) => {
            let zero = e.asm.label();
            e.push(i2!(Code::Xorps_xmm_xmmm128, t, t));
            e.push(i2!(ucomis, s, t));
            e.jcc(CC::BE, zero); // NaN or <= 0
            e.push(i2!(cvtt(from, true), d64, s));
            e.push(i2!(Code::Mov_r32_imm32, Register::R11D, u32::MAX));
            e.push(i2!(Code::Cmp_r64_rm64, d64, Register::R11));
            e.push(i2!(Code::Cmova_r64_rm64, d64, Register::R11));
            e.jmp(done);
            e.asm.bind(zero);
            e.mov_imm(r32(dst), Size::S32, 0);
        }
        (Size::S64, false) => {
            let big = e.asm.label();
            e.push(i2!(ucomis, s, s));
            e.jcc_trap(CC::P, TrapCode::BadConversionToInteger);
            load_fconst(e, from, t, 9223372036854775808.0);
            e.push(i2!(ucomis, s, t));
            e.jcc(CC::AE, big);
            e.push(i2!(cvtt(from, true), d64, s));
            e.push(i2!(Code::Test_rm64_r64, d64, d64));
            e.jcc_trap(CC::S, TrapCode::IntegerOverflow);
            e.jmp(done);
            e.asm.bind(big);
            e.push(i2!(Code::Movaps_xmm_xmmm128, Register::XMM15, s));
            e.push(i2!(fpick(from, Code::Subss_xmm_xmmm32, Code::Subsd_xmm_xmmm64), Register::XMM15, t));
            e.push(i2!(cvtt(from, true), d64, Register::XMM15));
            e.push(i2!(Code::Test_rm64_r64, d64, d64));
            e.jcc_trap(CC::S, TrapCode::IntegerOverflow);
            e.mov_imm(Register::R11, Size::S64, 1 << 63);
            e.push(i2!(Code::Xor_r64_rm64, d64, Register::R11));
        }
        (Size::S64, true) => {
            let zero = e.asm.label();
            let big = e.asm.label();
            let max = e.asm.label();
            e.push(i2!(Code::Xorps_xmm_xmmm128, t, t));
            e.push(i2!(ucomis, s, t));
            e.jcc(CC::BE, zero);
            load_fconst(e, from, t, 9223372036854775808.0);
            e.push(i2!(ucomis, s, t));
            e.jcc(CC::AE, big);
            e.push(i2!(cvtt(from, true), d64, s));
            e.jmp(done);
            e.asm.bind(big);
            e.push(i2!(Code::Movaps_xmm_xmmm128, Register::XMM15, s));
            e.push(i2!(fpick(from, Code::Subss_xmm_xmmm32, Code::Subsd_xmm_xmmm64), Register::XMM15, t));
            e.push(i2!(cvtt(from, true), d64, Register::XMM15));
            e.push(i2!(Code::Test_rm64_r64, d64, d64));
            e.jcc(CC::S, max);
            e.mov_imm(Register::R11, Size::S64, 1 << 63);
            e.push(i2!(Code::Xor_r64_rm64, d64, Register::R11));
            e.jmp(done);
            e.asm.bind(max);
            e.mov_imm(d64, Size::S64, u64::MAX);
            e.jmp(done);
            e.asm.bind(zero);
            e.mov_imm(r32(dst), Size::S32, 0);
        }
    }
    e.asm.bind(done);
}
