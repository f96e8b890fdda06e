//! Runs AArch64 machine code in-process under the Unicorn emulator (cargo feature `unicorn`,
//! which links Debian's `libunicorn-dev` dynamically).
//!
//! A [`Machine`] holds one code buffer mapped read/execute at [`CODE_BASE`], a stack, and any
//! data regions the caller maps. [`Machine::call`] enters the code at an offset with the AAPCS64
//! argument registers set, and ends when the code returns to the sentinel link address, executes
//! `brk`/`udf` (reported as a trap with the word that trapped), touches unmapped memory (a
//! memory fault), or runs out of its instruction budget. The budget makes every run terminate; nothing here measures time.
//!
//! It never interprets wasm semantics: traps are reported as raw exits for the runtime to map.

use std::fmt;

use unicorn_engine::{Arch, Mode, Prot, RegisterARM64, Unicorn};

/// Where the code buffer is mapped.
pub const CODE_BASE: u64 = 0x0001_0000;
/// The lowest address of the stack region.
pub const STACK_BASE: u64 = 0x7f00_0000;
/// The stack size in bytes; `sp` starts at its top.
pub const STACK_SIZE: u64 = 1 << 20;
/// The link address a call returns to: mapped, holding `udf #0xffff`, and never executed.
pub const RETURN_ADDRESS: u64 = 0x0000_f000;

const PAGE: u64 = 0x1000;

/// How a [`Machine::call`] ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Exit {
    /// The code returned: `x0` and the bits of `d0` at that moment.
    Returned {
        /// The integer return register.
        x0: u64,
        /// The bits of the floating-point return register.
        d0: u64,
    },
    /// A load or store touched unmapped or protected memory.
    MemoryFault {
        /// Offset of the faulting instruction from [`CODE_BASE`].
        offset: u64,
    },
    /// The code executed `brk` or `udf` (or another undefined word).
    Trapped {
        /// Offset of the trapping instruction from [`CODE_BASE`].
        offset: u64,
        /// The trapping instruction word.
        word: u32,
    },
}

/// Why a run could not complete.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum EmuError {
    /// Unicorn refused an operation (mapping, register access, or a fault while running).
    Unicorn {
        /// What was being done.
        doing: &'static str,
        /// Unicorn's error, and the pc at the time when running.
        detail: String,
    },
    /// The instruction budget ran out before the code returned.
    BudgetExhausted {
        /// The budget.
        instructions: usize,
        /// Offset of the pc from [`CODE_BASE`] when it stopped.
        offset: u64,
    },
    /// More arguments than the AAPCS64 passes in registers (8 of each kind).
    TooManyArguments,
}

impl fmt::Display for EmuError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            EmuError::Unicorn { doing, detail } => write!(f, "unicorn failed while {doing}: {detail}"),
            EmuError::BudgetExhausted { instructions, offset } => {
                write!(f, "no return within {instructions} instructions (stopped at code offset {offset:#x})")
            }
            EmuError::TooManyArguments => write!(f, "more than 8 integer or 8 floating-point arguments"),
        }
    }
}

impl std::error::Error for EmuError {}

fn uc_err(doing: &'static str) -> impl Fn(unicorn_engine::uc_error) -> EmuError {
    move |e| EmuError::Unicorn { doing, detail: format!("{e:?}") }
}

fn round_up(x: u64) -> u64 {
    x.div_ceil(PAGE).max(1) * PAGE
}

const X_REGS: [RegisterARM64; 8] = [
    RegisterARM64::X0,
    RegisterARM64::X1,
    RegisterARM64::X2,
    RegisterARM64::X3,
    RegisterARM64::X4,
    RegisterARM64::X5,
    RegisterARM64::X6,
    RegisterARM64::X7,
];

const D_REGS: [RegisterARM64; 8] = [
    RegisterARM64::D0,
    RegisterARM64::D1,
    RegisterARM64::D2,
    RegisterARM64::D3,
    RegisterARM64::D4,
    RegisterARM64::D5,
    RegisterARM64::D6,
    RegisterARM64::D7,
];

/// An emulated AArch64 core with one code buffer loaded.
pub struct Machine {
    uc: Unicorn<'static, ()>,
    code_len: u64,
}

impl Machine {
    /// A core with `code` mapped at [`CODE_BASE`] and a fresh stack.
    pub fn new(code: &[u8]) -> Result<Machine, EmuError> {
        let mut uc = Unicorn::new(Arch::ARM64, Mode::ARM).map_err(uc_err("creating the engine"))?;
        let code_len = code.len() as u64;
        uc.mem_map(CODE_BASE, round_up(code_len), Prot::READ | Prot::EXEC).map_err(uc_err("mapping code"))?;
        uc.mem_write(CODE_BASE, code).map_err(uc_err("loading code"))?;
        uc.mem_map(RETURN_ADDRESS, PAGE, Prot::READ | Prot::EXEC).map_err(uc_err("mapping the return page"))?;
        uc.mem_write(RETURN_ADDRESS, &0x0000_ffffu32.to_le_bytes()).map_err(uc_err("writing the return page"))?;
        uc.mem_map(STACK_BASE, STACK_SIZE, Prot::READ | Prot::WRITE).map_err(uc_err("mapping the stack"))?;
        // FP/SIMD instructions trap unless CPACR_EL1.FPEN allows them.
        let cpacr = uc.reg_read(RegisterARM64::CPACR_EL1).map_err(uc_err("reading CPACR_EL1"))?;
        uc.reg_write(RegisterARM64::CPACR_EL1, cpacr | 0b11 << 20).map_err(uc_err("enabling FP/SIMD"))?;
        Ok(Machine { uc, code_len })
    }

    /// Maps `size` bytes (rounded up to pages) of zeroed read/write memory at `addr` (page-aligned).
    pub fn map_data(&mut self, addr: u64, size: u64) -> Result<(), EmuError> {
        self.uc.mem_map(addr, round_up(size), Prot::READ | Prot::WRITE).map_err(uc_err("mapping data"))
    }

    /// Writes `bytes` at `addr` (which must be mapped).
    pub fn write(&mut self, addr: u64, bytes: &[u8]) -> Result<(), EmuError> {
        self.uc.mem_write(addr, bytes).map_err(uc_err("writing memory"))
    }

    /// Reads `len` bytes at `addr`.
    pub fn read(&self, addr: u64, len: usize) -> Result<Vec<u8>, EmuError> {
        self.uc.mem_read_as_vec(addr, len).map_err(uc_err("reading memory"))
    }

    /// Reads general register `n` (0..=30) after a call, e.g. to check a callee-saved register.
    pub fn x(&self, n: usize) -> Result<u64, EmuError> {
        let reg = match n {
            0..=7 => X_REGS[n],
            8 => RegisterARM64::X8,
            9 => RegisterARM64::X9,
            10 => RegisterARM64::X10,
            11 => RegisterARM64::X11,
            12 => RegisterARM64::X12,
            13 => RegisterARM64::X13,
            14 => RegisterARM64::X14,
            15 => RegisterARM64::X15,
            16 => RegisterARM64::X16,
            17 => RegisterARM64::X17,
            18 => RegisterARM64::X18,
            19 => RegisterARM64::X19,
            20 => RegisterARM64::X20,
            21 => RegisterARM64::X21,
            22 => RegisterARM64::X22,
            23 => RegisterARM64::X23,
            24 => RegisterARM64::X24,
            25 => RegisterARM64::X25,
            26 => RegisterARM64::X26,
            27 => RegisterARM64::X27,
            28 => RegisterARM64::X28,
            29 => RegisterARM64::X29,
            30 => RegisterARM64::X30,
            _ => panic!("x{n} is not a general register"),
        };
        self.uc.reg_read(reg).map_err(uc_err("reading a register"))
    }

    /// Calls the code at `offset` from [`CODE_BASE`] with integer arguments in x0.. and
    /// floating-point argument bits in d0.., executing at most `budget` instructions.
    pub fn call(&mut self, offset: u64, ints: &[u64], floats: &[u64], budget: usize) -> Result<Exit, EmuError> {
        if ints.len() > 8 || floats.len() > 8 {
            return Err(EmuError::TooManyArguments);
        }
        debug_assert!(offset < self.code_len, "entry offset {offset:#x} outside the code");
        for (reg, value) in X_REGS.iter().zip(ints) {
            self.uc.reg_write(*reg, *value).map_err(uc_err("writing an argument"))?;
        }
        for (reg, value) in D_REGS.iter().zip(floats) {
            self.uc.reg_write(*reg, *value).map_err(uc_err("writing an argument"))?;
        }
        self.uc.reg_write(RegisterARM64::SP, STACK_BASE + STACK_SIZE).map_err(uc_err("setting sp"))?;
        self.uc.reg_write(RegisterARM64::LR, RETURN_ADDRESS).map_err(uc_err("setting lr"))?;

        // An exception (brk, udf, undefined word) raises an interrupt: note it and stop.
        let trapped = std::rc::Rc::new(std::cell::Cell::new(None::<u32>));
        let seen = trapped.clone();
        let hook = self
            .uc
            .add_intr_hook(move |uc, intno| {
                seen.set(Some(intno));
                let _ = uc.emu_stop();
            })
            .map_err(uc_err("installing the trap hook"))?;
        let run = self.uc.emu_start(CODE_BASE + offset, RETURN_ADDRESS, 0, budget);
        let _ = self.uc.remove_hook(hook);
        let pc = self.uc.reg_read(RegisterARM64::PC).map_err(uc_err("reading pc"))?;
        if let Err(e) = run {
            use unicorn_engine::uc_error as E;
            return match e {
                E::READ_UNMAPPED | E::WRITE_UNMAPPED | E::READ_PROT | E::WRITE_PROT => {
                    Ok(Exit::MemoryFault { offset: pc.wrapping_sub(CODE_BASE) })
                }
                _ => Err(EmuError::Unicorn { doing: "running", detail: format!("{e:?} at pc {pc:#x}") }),
            };
        }
        if trapped.get().is_some() {
            // Unicorn leaves pc at the instruction that raised the exception.
            let word = self.word_at(pc).unwrap_or(0);
            return Ok(Exit::Trapped { offset: pc.wrapping_sub(CODE_BASE), word });
        }
        if pc != RETURN_ADDRESS {
            return Err(EmuError::BudgetExhausted { instructions: budget, offset: pc.wrapping_sub(CODE_BASE) });
        }
        let x0 = self.uc.reg_read(RegisterARM64::X0).map_err(uc_err("reading x0"))?;
        let d0 = self.uc.reg_read(RegisterARM64::D0).map_err(uc_err("reading d0"))?;
        Ok(Exit::Returned { x0, d0 })
    }

    fn word_at(&self, addr: u64) -> Option<u32> {
        let bytes = self.uc.mem_read_as_vec(addr, 4).ok()?;
        Some(u32::from_le_bytes([bytes[0], bytes[1], bytes[2], bytes[3]]))
    }
}
