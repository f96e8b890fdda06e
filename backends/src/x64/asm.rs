//! A small assembler on top of iced-x86: instructions, labels, branches that are made
//! short wherever they reach (relaxation), calls to other functions left for the linker,
//! `lea` of a label, 32-bit label-difference data (jump tables), and a constant pool:
//! 16-byte constants placed after the code (deduplicated, unaligned: read them with
//! `movdqu` only), reached RIP-relative, and tables of data after them.
//!
//! Branch relaxation starts with every branch short and lengthens those that do not
//! reach until nothing changes (sizes only grow, so it ends). An instruction that names
//! no label does not depend on where it lands, so it is encoded once, when it is added;
//! only branches and label references are encoded at layout. This file knows nothing of
//! wasm or VCode.

use crate::machinst::CallReloc;
use iced_x86::{Code, Encoder, Instruction, MemoryOperand, Register};

/// A position in the code, bound later.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Label(pub u32);

#[derive(Clone, Debug)]
enum Item {
    /// An instruction that names no label, already encoded: `len` bytes of
    /// `Asm::encoded` from `start`.
    Inst {
        start: u32,
        len: u32,
    },
    /// `jmp` (cc = None) or `jcc` to a label.
    Branch {
        cc: Option<Code>,
        cc_long: Option<Code>,
        target: Label,
        long: bool,
    },
    Bind,
    /// `lea dst, [rip + label]`.
    LeaRip {
        dst: Register,
        target: Label,
    },
    /// `call rel32` to function `func`, patched at link time.
    CallFunc {
        func: u32,
    },
    /// 32-bit `target - base`.
    Rel32Data {
        target: Label,
        base: Label,
    },
    /// An instruction whose memory operand is `[rip + label]`.
    RipInst {
        inst: Instruction,
        target: Label,
    },
}

pub struct Asm {
    items: Vec<Item>,
    labels: Vec<Option<usize>>,
    /// The constant pool: each constant and the label it will be bound to.
    consts: Vec<(u128, Label)>,
    /// Tables of data placed after the pool, each with its label.
    tables: Vec<(Vec<u8>, Label)>,
    /// Encodes the instructions that name no label, as they are added; its buffer holds
    /// their bytes back to back.
    encoded: Encoder,
    /// Bytes in `encoded`'s buffer so far.
    encoded_len: u32,
}

fn jcc_codes(cc: u8) -> (Code, Code) {
    // Order of x86 condition numbers 0..15.
    const SHORT: [Code; 16] = [
        Code::Jo_rel8_64,
        Code::Jno_rel8_64,
        Code::Jb_rel8_64,
        Code::Jae_rel8_64,
        Code::Je_rel8_64,
        Code::Jne_rel8_64,
        Code::Jbe_rel8_64,
        Code::Ja_rel8_64,
        Code::Js_rel8_64,
        Code::Jns_rel8_64,
        Code::Jp_rel8_64,
        Code::Jnp_rel8_64,
        Code::Jl_rel8_64,
        Code::Jge_rel8_64,
        Code::Jle_rel8_64,
        Code::Jg_rel8_64,
    ];
    const LONG: [Code; 16] = [
        Code::Jo_rel32_64,
        Code::Jno_rel32_64,
        Code::Jb_rel32_64,
        Code::Jae_rel32_64,
        Code::Je_rel32_64,
        Code::Jne_rel32_64,
        Code::Jbe_rel32_64,
        Code::Ja_rel32_64,
        Code::Js_rel32_64,
        Code::Jns_rel32_64,
        Code::Jp_rel32_64,
        Code::Jnp_rel32_64,
        Code::Jl_rel32_64,
        Code::Jge_rel32_64,
        Code::Jle_rel32_64,
        Code::Jg_rel32_64,
    ];
    (SHORT[cc as usize], LONG[cc as usize])
}

impl Asm {
    pub fn new() -> Asm {
        Asm {
            items: Vec::new(),
            labels: Vec::new(),
            consts: Vec::new(),
            tables: Vec::new(),
            encoded: Encoder::new(64),
            encoded_len: 0,
        }
    }

    pub fn label(&mut self) -> Label {
        self.labels.push(None);
        Label(self.labels.len() as u32 - 1)
    }

    pub fn bind(&mut self, l: Label) {
        debug_assert!(self.labels[l.0 as usize].is_none(), "label bound twice");
        self.labels[l.0 as usize] = Some(self.items.len());
        self.items.push(Item::Bind);
    }

    pub fn inst(&mut self, i: Instruction) {
        let start = self.encoded_len;
        let len = self.encoded.encode(&i, 0).expect("encodable instruction") as u32;
        self.encoded_len += len;
        self.items.push(Item::Inst { start, len });
    }

    /// Number of items so far (a position for source maps).
    pub fn pos(&self) -> usize {
        self.items.len()
    }

    pub fn jmp(&mut self, target: Label) {
        self.items.push(Item::Branch { cc: None, cc_long: None, target, long: false });
    }

    /// `jcc` with x86 condition number `cc` (0 = o ... 15 = g).
    pub fn jcc(&mut self, cc: u8, target: Label) {
        let (s, l) = jcc_codes(cc);
        self.items.push(Item::Branch { cc: Some(s), cc_long: Some(l), target, long: false });
    }

    pub fn lea_rip(&mut self, dst: Register, target: Label) {
        self.items.push(Item::LeaRip { dst, target });
    }

    pub fn call_func(&mut self, func: u32) {
        self.items.push(Item::CallFunc { func });
    }

    pub fn rel32_data(&mut self, target: Label, base: Label) {
        self.items.push(Item::Rel32Data { target, base });
    }

    /// The label of 16-byte constant `bits` in the pool (little-endian).
    pub fn const128(&mut self, bits: u128) -> Label {
        if let Some((_, l)) = self.consts.iter().find(|(b, _)| *b == bits) {
            return *l;
        }
        let l = self.label();
        self.consts.push((bits, l));
        l
    }

    /// The label of a table of `bytes`, placed after the constant pool (unaligned).
    pub fn table(&mut self, bytes: Vec<u8>) -> Label {
        let l = self.label();
        self.tables.push((bytes, l));
        l
    }

    /// `inst`, whose memory operand (built on `Register::RIP`) is made to address `target`.
    pub fn inst_rip(&mut self, inst: Instruction, target: Label) {
        self.items.push(Item::RipInst { inst, target });
    }

    fn size(&self, item: &Item) -> u64 {
        match item {
            Item::Inst { len, .. } => *len as u64,
            Item::Branch { cc, long, .. } => match (cc.is_some(), long) {
                (_, false) => 2,
                (false, true) => 5,
                (true, true) => 6,
            },
            Item::Bind => 0,
            Item::LeaRip { .. } => 7,
            Item::CallFunc { .. } => 5,
            Item::Rel32Data { .. } => 4,
            Item::RipInst { inst, .. } => {
                // A RIP-relative displacement is always 32 bits: the size does not depend on it.
                let mut e = Encoder::new(64);
                let mut i = *inst;
                i.set_memory_displacement64(0);
                e.encode(&i, 0).expect("encodable instruction") as u64
            }
        }
    }

    /// Lays out and encodes. Returns the code, the offset of every item (for source
    /// maps), the calls to patch and where the data (pool and tables) starts.
    pub fn finish(mut self) -> (Vec<u8>, Vec<u32>, Vec<CallReloc>, u32) {
        let data_item = self.items.len();
        for (bits, l) in std::mem::take(&mut self.consts) {
            self.bind(l);
            let data = Instruction::with_declare_byte(&bits.to_le_bytes()).expect("16 bytes");
            self.inst(data);
        }
        for (bytes, l) in std::mem::take(&mut self.tables) {
            self.bind(l);
            for chunk in bytes.chunks(16) {
                self.inst(Instruction::with_declare_byte(chunk).expect("1 to 16 bytes"));
            }
        }
        for (i, l) in self.labels.iter().enumerate() {
            assert!(l.is_some(), "label {i} never bound");
        }
        let sizes: Vec<u64> = self.items.iter().map(|it| self.size(it)).collect();
        let mut sizes = sizes;
        let mut offsets = vec![0u64; self.items.len() + 1];
        loop {
            let mut off = 0;
            for (k, s) in sizes.iter().enumerate() {
                offsets[k] = off;
                off += s;
            }
            offsets[self.items.len()] = off;
            let mut changed = false;
            for k in 0..self.items.len() {
                if let Item::Branch { target, long, cc, .. } = &mut self.items[k] {
                    if !*long {
                        let t = offsets[self.labels[target.0 as usize].unwrap()] as i64;
                        let disp = t - (offsets[k] as i64 + 2);
                        if i8::try_from(disp).is_err() {
                            *long = true;
                            sizes[k] = if cc.is_some() { 6 } else { 5 };
                            changed = true;
                        }
                    }
                }
            }
            if !changed {
                break;
            }
        }
        let label_off = |l: Label| offsets[self.labels[l.0 as usize].unwrap()];
        let encoded = self.encoded.take_buffer();
        let mut enc = Encoder::new(64);
        enc.set_buffer(Vec::with_capacity(offsets[self.items.len()] as usize));
        let mut relocs = Vec::new();
        for (k, item) in self.items.iter().enumerate() {
            let ip = offsets[k];
            match item {
                Item::Inst { start, len } => {
                    // The encoder appends to its buffer: add the bytes there, in order.
                    let mut code = enc.take_buffer();
                    code.extend_from_slice(&encoded[*start as usize..(*start + *len) as usize]);
                    enc.set_buffer(code);
                }
                Item::Branch { cc, cc_long, target, long } => {
                    let code = match (cc, long) {
                        (None, false) => Code::Jmp_rel8_64,
                        (None, true) => Code::Jmp_rel32_64,
                        (Some(s), false) => *s,
                        (Some(_), true) => cc_long.unwrap(),
                    };
                    let i = Instruction::with_branch(code, label_off(*target)).expect("branch");
                    enc.encode(&i, ip).expect("branch in range after relaxation");
                }
                Item::Bind => {}
                Item::LeaRip { dst, target } => {
                    let m = MemoryOperand::with_base_displ(Register::RIP, label_off(*target) as i64);
                    let i = Instruction::with2(Code::Lea_r64_m, *dst, m).expect("lea");
                    let n = enc.encode(&i, ip).expect("lea rip");
                    debug_assert_eq!(n, 7);
                }
                Item::CallFunc { func } => {
                    let i = Instruction::with_branch(Code::Call_rel32_64, ip + 5).expect("call");
                    enc.encode(&i, ip).expect("call");
                    relocs.push(CallReloc { offset: ip as u32 + 1, func: *func });
                }
                Item::RipInst { inst, target } => {
                    let mut i = *inst;
                    i.set_memory_displacement64(label_off(*target));
                    enc.encode(&i, ip).expect("rip-relative instruction");
                }
                Item::Rel32Data { .. } => {
                    // Written after encoding (the encoder emits instructions only).
                    let i = Instruction::with_declare_dword_1(0);
                    enc.encode(&i, ip).expect("dd");
                }
            }
        }
        let mut code = enc.take_buffer();
        for (k, item) in self.items.iter().enumerate() {
            if let Item::Rel32Data { target, base } = item {
                let v = (label_off(*target) as i64 - label_off(*base) as i64) as i32;
                let at = offsets[k] as usize;
                code[at..at + 4].copy_from_slice(&v.to_le_bytes());
            }
        }
        let data_start = offsets[data_item] as u32;
        (code, offsets.iter().map(|o| *o as u32).collect(), relocs, data_start)
    }
}
