//! Hand-written AArch64 encoders: one small pure function per instruction form, each returning the
//! instruction word as a `u32`, grouped by instruction class.
//!
//! Fields are named after the architecture manual (`sf`, `Rd`, `imm12`, ...) and opcode literals
//! are written in binary, split at field boundaries, so an encoder reads against the manual's
//! encoding diagram. An operand that does not fit its field is a programming error caught by a
//! `debug_assert!`; the encoders never silently truncate into a different instruction in debug
//! builds, and never decide *whether* an operand fits: callers ask the helpers (`split_imm12`,
//! [`logical::LogicalImm::new`], [`float::encode_fp_imm8`], ...) first.
//!
//! [`EncForm`] lists every encoder form; the round-trip test checks that each has cases decoded
//! by yaxpeax-arm and accepted by Capstone (NEON forms also by Capstone's text), so a form the
//! lowering emits cannot go untested. The NEON (vector) forms are in [`neon`].

// Binary literals are split at the manual's field boundaries on purpose, not in equal groups;
// the private field-assembling helpers take one parameter per instruction field.
#![allow(clippy::unusual_byte_groupings, clippy::too_many_arguments)]

pub mod arith;
pub mod bits;
pub mod branch;
pub mod csel;
pub mod float;
pub mod loadstore;
pub mod logical;
pub mod misc;
pub mod movwide;
pub mod muldiv;
pub mod neon;
pub mod pair;
pub mod shift;

use crate::aarch64::regs::Size;

macro_rules! enc_forms {
    ($($(#[doc = $doc:literal])* $name:ident,)*) => {
        /// Every encoder form, one per public encoder function (named after it in CamelCase).
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum EncForm {
            $($(#[doc = $doc])* $name,)*
        }

        impl EncForm {
            /// Every form, in declaration order.
            pub const ALL: &'static [EncForm] = &[$(EncForm::$name,)*];

            /// The form's name as written here (`AddImm`).
            pub fn name(self) -> &'static str {
                match self {
                    $(EncForm::$name => stringify!($name),)*
                }
            }
        }
    };
}

enc_forms! {
    /// `arith::add_imm`
    AddImm,
    /// `arith::adds_imm`
    AddsImm,
    /// `arith::sub_imm`
    SubImm,
    /// `arith::subs_imm`
    SubsImm,
    /// `arith::add_shifted`
    AddShifted,
    /// `arith::adds_shifted`
    AddsShifted,
    /// `arith::sub_shifted`
    SubShifted,
    /// `arith::subs_shifted`
    SubsShifted,
    /// `arith::add_ext`
    AddExt,
    /// `arith::adds_ext`
    AddsExt,
    /// `arith::sub_ext`
    SubExt,
    /// `arith::subs_ext`
    SubsExt,
    /// `logical::and_imm`
    AndImm,
    /// `logical::orr_imm`
    OrrImm,
    /// `logical::eor_imm`
    EorImm,
    /// `logical::ands_imm`
    AndsImm,
    /// `logical::logical_shifted` (and, bic, orr, orn, eor, eon, ands, bics)
    LogicalShifted,
    /// `movwide::movz`
    Movz,
    /// `movwide::movn`
    Movn,
    /// `movwide::movk`
    Movk,
    /// `loadstore::ldst_uimm`
    LdStUimm,
    /// `loadstore::ldst_unscaled`
    LdStUnscaled,
    /// `loadstore::ldst_indexed`
    LdStIndexed,
    /// `loadstore::ldst_reg`
    LdStReg,
    /// `loadstore::fp_ldst_uimm`
    FpLdStUimm,
    /// `loadstore::fp_ldst_unscaled`
    FpLdStUnscaled,
    /// `loadstore::fp_ldst_indexed`
    FpLdStIndexed,
    /// `loadstore::fp_ldst_reg`
    FpLdStReg,
    /// `loadstore::ldr_literal`
    LdrLiteral,
    /// `loadstore::fp_ldr_literal`
    FpLdrLiteral,
    /// `pair::ldst_pair`
    LdStPair,
    /// `pair::fp_ldst_pair`
    FpLdStPair,
    /// `muldiv::madd`
    Madd,
    /// `muldiv::msub`
    Msub,
    /// `muldiv::smulh`
    Smulh,
    /// `muldiv::umulh`
    Umulh,
    /// `muldiv::udiv`
    Udiv,
    /// `muldiv::sdiv`
    Sdiv,
    /// `shift::shift_reg` (lslv, lsrv, asrv, rorv)
    ShiftReg,
    /// `shift::lsl_imm`
    LslImm,
    /// `shift::lsr_imm`
    LsrImm,
    /// `shift::asr_imm`
    AsrImm,
    /// `shift::ror_imm`
    RorImm,
    /// `shift::ubfm`
    Ubfm,
    /// `shift::sbfm`
    Sbfm,
    /// `shift::extr`
    Extr,
    /// `shift::sxtb`
    Sxtb,
    /// `shift::sxth`
    Sxth,
    /// `shift::sxtw`
    Sxtw,
    /// `shift::uxtb`
    Uxtb,
    /// `shift::uxth`
    Uxth,
    /// `bits::clz`
    Clz,
    /// `bits::cls`
    Cls,
    /// `bits::rbit`
    Rbit,
    /// `bits::rev`
    Rev,
    /// `bits::cnt_8b`
    Cnt8b,
    /// `bits::addv_8b`
    Addv8b,
    /// `csel::csel`
    Csel,
    /// `csel::csinc`
    Csinc,
    /// `csel::csinv`
    Csinv,
    /// `csel::csneg`
    Csneg,
    /// `csel::cset`
    Cset,
    /// `csel::csetm`
    Csetm,
    /// `branch::b`
    B,
    /// `branch::bl`
    Bl,
    /// `branch::b_cond`
    BCond,
    /// `branch::cbz`
    Cbz,
    /// `branch::cbnz`
    Cbnz,
    /// `branch::tbz`
    Tbz,
    /// `branch::tbnz`
    Tbnz,
    /// `branch::br`
    Br,
    /// `branch::blr`
    Blr,
    /// `branch::ret`
    Ret,
    /// `misc::adr`
    Adr,
    /// `misc::nop`
    Nop,
    /// `misc::brk`
    Brk,
    /// `misc::udf`
    Udf,
    /// `float::fp_binary` (fadd, fsub, fmul, fdiv, fmin, fmax, fminnm, fmaxnm, fnmul)
    FpBinary,
    /// `float::fp_unary` (fmov, fabs, fneg, fsqrt, frintn, frintm, frintp, frintz)
    FpUnary,
    /// `float::fcvt`
    Fcvt,
    /// `float::fcmp`
    Fcmp,
    /// `float::fcmp_zero`
    FcmpZero,
    /// `float::fcsel`
    Fcsel,
    /// `float::fp_to_int` (fcvtzs, fcvtzu)
    FpToInt,
    /// `float::int_to_fp` (scvtf, ucvtf)
    IntToFp,
    /// `float::fmov_to_gp`
    FmovToGp,
    /// `float::fmov_from_gp`
    FmovFromGp,
    /// `float::fmov_imm`
    FmovImm,
    /// `neon::arith::vec_int_binary`
    VecIntBinary,
    /// `neon::arith::vec_logical`
    VecLogical,
    /// `neon::arith::vec_fp_binary`
    VecFpBinary,
    /// `neon::unary::vec_int_unary`
    VecIntUnary,
    /// `neon::unary::vec_fp_unary`
    VecFpUnary,
    /// `neon::unary::vec_narrow`
    VecNarrow,
    /// `neon::unary::vec_fp_width`
    VecFpWidth,
    /// `neon::unary::vec_pairwise_long`
    VecPairwiseLong,
    /// `neon::unary::vec_across`
    VecAcross,
    /// `neon::long::vec_mul_long`
    VecMulLong,
    /// `neon::shift::vec_shift_imm`
    VecShiftImm,
    /// `neon::shift::vec_shift_long`
    VecShiftLong,
    /// `neon::shift::vec_shll`
    VecShll,
    /// `neon::permute::vec_permute`
    VecPermute,
    /// `neon::permute::vec_ext`
    VecExt,
    /// `neon::permute::vec_tbl`
    VecTbl,
    /// `neon::lane::dup_element`
    DupElement,
    /// `neon::lane::dup_general`
    DupGeneral,
    /// `neon::lane::ins_general`
    InsGeneral,
    /// `neon::lane::ins_element`
    InsElement,
    /// `neon::lane::umov`
    Umov,
    /// `neon::lane::smov`
    Smov,
    /// `neon::imm::vec_movi`
    VecMovi,
    /// `neon::mem::ldst_q_uimm`
    LdStQUimm,
    /// `neon::mem::ldst_q_unscaled`
    LdStQUnscaled,
    /// `neon::mem::ldst_q_reg`
    LdStQReg,
    /// `neon::mem::ldr_q_literal`
    LdrQLiteral,
    /// `neon::mem::ld1_lane`
    Ld1Lane,
    /// `neon::mem::st1_lane`
    St1Lane,
    /// `neon::mem::ld1r`
    Ld1r,
}

/// Debug-checks that `value` fits in an unsigned field of `width` bits.
pub(crate) fn ufield(value: u32, width: u32) -> u32 {
    debug_assert!(width == 32 || value < (1u32 << width), "{value} does not fit in {width} unsigned bits");
    value & ((1u64 << width) - 1) as u32
}

/// Debug-checks that `value` fits in a signed field of `width` bits and returns its two's
/// complement bits.
pub(crate) fn sfield(value: i32, width: u32) -> u32 {
    let min = -(1i64 << (width - 1));
    let max = (1i64 << (width - 1)) - 1;
    debug_assert!((min..=max).contains(&(value as i64)), "{value} does not fit in {width} signed bits");
    (value as u32) & ((1u64 << width) - 1) as u32
}

/// Debug-checks a PC-relative byte offset (a multiple of 4 whose word count fits in `width`
/// signed bits) and returns the word-count field.
pub(crate) fn branch_field(offset: i32, width: u32) -> u32 {
    debug_assert!(offset % 4 == 0, "branch offset {offset} is not a multiple of 4");
    sfield(offset >> 2, width)
}
