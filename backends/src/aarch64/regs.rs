//! AArch64 register and operand-field types shared by the encoders: general registers (with the
//! zero-register / stack-pointer distinction that register field 31 carries), FP/SIMD registers,
//! operand sizes, condition codes, shifts and extends.
//!
//! These are plain values that know their encoding bits. They never decide what to encode: the
//! encoders in `enc/` do that, and each encoder says in its signature whether field 31 means the
//! zero register ([`Gpr`]) or the stack pointer ([`GprSp`]).

use std::fmt;

/// The width of a general-register operation: the `sf` bit, and the `w`/`x` register view.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Size {
    /// 32-bit operation on `w` registers (`sf = 0`).
    W,
    /// 64-bit operation on `x` registers (`sf = 1`).
    X,
}

impl Size {
    /// Both sizes, for tests that sweep them.
    pub const ALL: [Size; 2] = [Size::W, Size::X];

    /// The `sf` bit (bit 31 of most data-processing instructions).
    pub fn sf(self) -> u32 {
        match self {
            Size::W => 0,
            Size::X => 1,
        }
    }

    /// The number of bits in a register of this size.
    pub fn bits(self) -> u32 {
        match self {
            Size::W => 32,
            Size::X => 64,
        }
    }
}

/// A general register in a field where number 31 is the zero register (`wzr`/`xzr`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Gpr(u8);

impl Gpr {
    /// The zero register: reads as 0, writes are discarded.
    pub const ZR: Gpr = Gpr(31);
    /// The frame pointer by the AAPCS64 convention.
    pub const FP: Gpr = Gpr(29);
    /// The link register.
    pub const LR: Gpr = Gpr(30);

    /// Register `n`; 31 is the zero register.
    pub const fn new(n: u8) -> Gpr {
        assert!(n < 32, "general register number out of range");
        Gpr(n)
    }

    /// The 5-bit field value.
    pub fn bits(self) -> u32 {
        self.0 as u32
    }

    /// Whether this is the zero register.
    pub fn is_zr(self) -> bool {
        self.0 == 31
    }

    /// The same register in a field where 31 would mean the stack pointer. The zero register has
    /// no such view, so asking for it is a programming error.
    pub fn to_sp_form(self) -> GprSp {
        debug_assert!(!self.is_zr(), "xzr cannot be named in a field where 31 means sp");
        GprSp(self.0)
    }

    /// Formats the register as the assembler names it for `size`.
    pub fn name(self, size: Size) -> String {
        match (self.0, size) {
            (31, Size::W) => "wzr".to_string(),
            (31, Size::X) => "xzr".to_string(),
            (n, Size::W) => format!("w{n}"),
            (n, Size::X) => format!("x{n}"),
        }
    }
}

/// A general register in a field where number 31 is the stack pointer (`wsp`/`sp`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct GprSp(u8);

impl GprSp {
    /// The stack pointer.
    pub const SP: GprSp = GprSp(31);

    /// Register `n`; 31 is the stack pointer.
    pub const fn new(n: u8) -> GprSp {
        assert!(n < 32, "general register number out of range");
        GprSp(n)
    }

    /// The 5-bit field value.
    pub fn bits(self) -> u32 {
        self.0 as u32
    }

    /// Whether this is the stack pointer.
    pub fn is_sp(self) -> bool {
        self.0 == 31
    }

    /// Formats the register as the assembler names it for `size`.
    pub fn name(self, size: Size) -> String {
        match (self.0, size) {
            (31, Size::W) => "wsp".to_string(),
            (31, Size::X) => "sp".to_string(),
            (n, Size::W) => format!("w{n}"),
            (n, Size::X) => format!("x{n}"),
        }
    }
}

/// An FP/SIMD register `v0`..`v31`, used through its scalar `s` or `d` view or as a vector.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct VReg(u8);

impl VReg {
    /// Register `vn`.
    pub const fn new(n: u8) -> VReg {
        assert!(n < 32, "vector register number out of range");
        VReg(n)
    }

    /// The 5-bit field value.
    pub fn bits(self) -> u32 {
        self.0 as u32
    }

    /// Formats the scalar view as the assembler names it (`s3`, `d3`).
    pub fn name(self, size: FpSize) -> String {
        match size {
            FpSize::S => format!("s{}", self.0),
            FpSize::D => format!("d{}", self.0),
        }
    }
}

/// A scalar floating-point width.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum FpSize {
    /// Single precision (`s` registers, f32).
    S,
    /// Double precision (`d` registers, f64).
    D,
}

impl FpSize {
    /// Both widths, for tests that sweep them.
    pub const ALL: [FpSize; 2] = [FpSize::S, FpSize::D];

    /// The `ftype` field of the scalar floating-point instructions (bits 23:22).
    pub fn ftype(self) -> u32 {
        match self {
            FpSize::S => 0b00,
            FpSize::D => 0b01,
        }
    }
}

/// A condition code, tested against NZCV by `b.cond`, `csel` and friends.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Cond {
    /// Equal (Z).
    Eq,
    /// Not equal (!Z).
    Ne,
    /// Unsigned higher or same, carry set (C).
    Hs,
    /// Unsigned lower, carry clear (!C).
    Lo,
    /// Negative (N).
    Mi,
    /// Positive or zero (!N).
    Pl,
    /// Overflow (V).
    Vs,
    /// No overflow (!V).
    Vc,
    /// Unsigned higher (C && !Z).
    Hi,
    /// Unsigned lower or same (!C || Z).
    Ls,
    /// Signed greater or equal (N == V).
    Ge,
    /// Signed less than (N != V).
    Lt,
    /// Signed greater than (!Z && N == V).
    Gt,
    /// Signed less or equal (Z || N != V).
    Le,
    /// Always.
    Al,
    /// Always (encoded as 0b1111; behaves as `al`).
    Nv,
}

impl Cond {
    /// Every condition, in encoding order.
    pub const ALL: [Cond; 16] = [
        Cond::Eq,
        Cond::Ne,
        Cond::Hs,
        Cond::Lo,
        Cond::Mi,
        Cond::Pl,
        Cond::Vs,
        Cond::Vc,
        Cond::Hi,
        Cond::Ls,
        Cond::Ge,
        Cond::Lt,
        Cond::Gt,
        Cond::Le,
        Cond::Al,
        Cond::Nv,
    ];

    /// The 4-bit condition field.
    pub fn bits(self) -> u32 {
        match self {
            Cond::Eq => 0b0000,
            Cond::Ne => 0b0001,
            Cond::Hs => 0b0010,
            Cond::Lo => 0b0011,
            Cond::Mi => 0b0100,
            Cond::Pl => 0b0101,
            Cond::Vs => 0b0110,
            Cond::Vc => 0b0111,
            Cond::Hi => 0b1000,
            Cond::Ls => 0b1001,
            Cond::Ge => 0b1010,
            Cond::Lt => 0b1011,
            Cond::Gt => 0b1100,
            Cond::Le => 0b1101,
            Cond::Al => 0b1110,
            Cond::Nv => 0b1111,
        }
    }

    /// The opposite condition (flips the low bit). `al` and `nv` have no opposite: inverting them
    /// is a programming error.
    pub fn invert(self) -> Cond {
        debug_assert!(!matches!(self, Cond::Al | Cond::Nv), "al/nv have no inverse");
        Cond::ALL[(self.bits() ^ 1) as usize]
    }
}

impl fmt::Display for Cond {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let s = match self {
            Cond::Eq => "eq",
            Cond::Ne => "ne",
            Cond::Hs => "hs",
            Cond::Lo => "lo",
            Cond::Mi => "mi",
            Cond::Pl => "pl",
            Cond::Vs => "vs",
            Cond::Vc => "vc",
            Cond::Hi => "hi",
            Cond::Ls => "ls",
            Cond::Ge => "ge",
            Cond::Lt => "lt",
            Cond::Gt => "gt",
            Cond::Le => "le",
            Cond::Al => "al",
            Cond::Nv => "nv",
        };
        f.write_str(s)
    }
}

/// The shift applied to the last register of a shifted-register instruction.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Shift {
    /// Logical shift left.
    Lsl,
    /// Logical shift right.
    Lsr,
    /// Arithmetic shift right.
    Asr,
    /// Rotate right (logical instructions only, not add/sub).
    Ror,
}

impl Shift {
    /// Every shift, in encoding order.
    pub const ALL: [Shift; 4] = [Shift::Lsl, Shift::Lsr, Shift::Asr, Shift::Ror];

    /// The 2-bit `shift` field (bits 23:22).
    pub fn bits(self) -> u32 {
        match self {
            Shift::Lsl => 0b00,
            Shift::Lsr => 0b01,
            Shift::Asr => 0b10,
            Shift::Ror => 0b11,
        }
    }
}

/// The extension applied to the last register of an extended-register instruction or a
/// register-offset address.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Extend {
    /// Zero-extend the low byte.
    Uxtb,
    /// Zero-extend the low halfword.
    Uxth,
    /// Zero-extend the low word.
    Uxtw,
    /// Use all 64 bits (written `lsl` when the base is `sp`).
    Uxtx,
    /// Sign-extend the low byte.
    Sxtb,
    /// Sign-extend the low halfword.
    Sxth,
    /// Sign-extend the low word.
    Sxtw,
    /// Use all 64 bits, signed.
    Sxtx,
}

impl Extend {
    /// Every extend, in encoding order.
    pub const ALL: [Extend; 8] = [
        Extend::Uxtb,
        Extend::Uxth,
        Extend::Uxtw,
        Extend::Uxtx,
        Extend::Sxtb,
        Extend::Sxth,
        Extend::Sxtw,
        Extend::Sxtx,
    ];

    /// The 3-bit `option` field (bits 15:13).
    pub fn bits(self) -> u32 {
        match self {
            Extend::Uxtb => 0b000,
            Extend::Uxth => 0b001,
            Extend::Uxtw => 0b010,
            Extend::Uxtx => 0b011,
            Extend::Sxtb => 0b100,
            Extend::Sxth => 0b101,
            Extend::Sxtw => 0b110,
            Extend::Sxtx => 0b111,
        }
    }

    /// Whether the extended register is read through its 64-bit view (`x`) rather than `w`.
    pub fn reads_x(self) -> bool {
        matches!(self, Extend::Uxtx | Extend::Sxtx)
    }
}
