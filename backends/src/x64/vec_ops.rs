//! The x86-64 vector operations lowering may use: one row per operation, giving its
//! operand form and its two encodings (legacy SSE, and VEX when the CPU has AVX). Emission
//! reads the row to encode; `inst.rs` reads the form to state the register operands;
//! printing uses the name. This file only declares: it never chooses or encodes.
//!
//! Forms (`dst`, `a`, `b` are xmm unless the form says a general register):
//! - `Bin`: `dst = a op b` (SSE: `op dst, b` with `dst` = `a`; AVX: `vop dst, a, b`).
//! - `Un`: `dst = op a` (both encodings non-destructive).
//! - `InPlace`: `dst = a op imm` (SSE: `op dst, imm` with `dst` = `a`; AVX: `vop dst, a, imm`).
//! - `InsGpr`: `dst = a with lane imm = b` (b a general register; SSE two-address).
//! - `ToGpr`: general register `dst = op a`.
//!
//! Every operation with an immediate takes it last; the row says whether it has one.

use iced_x86::Code;

/// How an operation takes its operands (see the module docs).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum VecForm {
    Bin,
    Un,
    InPlace,
    InsGpr,
    ToGpr,
}

macro_rules! vec_ops {
    ($( $name:ident = $form:ident, $imm:literal, $sse:ident, $avx:ident; )*) => {
        /// A vector operation (the SSE mnemonic).
        #[derive(Clone, Copy, Debug, PartialEq, Eq)]
        pub enum VecOp {
            $( $name, )*
        }

        impl VecOp {
            /// Operand form.
            pub fn form(self) -> VecForm {
                match self { $( VecOp::$name => VecForm::$form, )* }
            }
            /// Whether the operation takes an 8-bit immediate.
            pub fn has_imm(self) -> bool {
                match self { $( VecOp::$name => $imm, )* }
            }
            /// The legacy SSE encoding.
            pub fn sse(self) -> Code {
                match self { $( VecOp::$name => Code::$sse, )* }
            }
            /// The VEX (AVX) encoding.
            pub fn avx(self) -> Code {
                match self { $( VecOp::$name => Code::$avx, )* }
            }
        }
    };
}

// Columns: operation = form, immediate, SSE code, VEX code.
#[rustfmt::skip]
vec_ops! {
    Paddb = Bin, false, Paddb_xmm_xmmm128, VEX_Vpaddb_xmm_xmm_xmmm128;
    Paddw = Bin, false, Paddw_xmm_xmmm128, VEX_Vpaddw_xmm_xmm_xmmm128;
    Paddd = Bin, false, Paddd_xmm_xmmm128, VEX_Vpaddd_xmm_xmm_xmmm128;
    Paddq = Bin, false, Paddq_xmm_xmmm128, VEX_Vpaddq_xmm_xmm_xmmm128;
    Psubb = Bin, false, Psubb_xmm_xmmm128, VEX_Vpsubb_xmm_xmm_xmmm128;
    Psubw = Bin, false, Psubw_xmm_xmmm128, VEX_Vpsubw_xmm_xmm_xmmm128;
    Psubd = Bin, false, Psubd_xmm_xmmm128, VEX_Vpsubd_xmm_xmm_xmmm128;
    Psubq = Bin, false, Psubq_xmm_xmmm128, VEX_Vpsubq_xmm_xmm_xmmm128;
    Paddsb = Bin, false, Paddsb_xmm_xmmm128, VEX_Vpaddsb_xmm_xmm_xmmm128;
    Paddsw = Bin, false, Paddsw_xmm_xmmm128, VEX_Vpaddsw_xmm_xmm_xmmm128;
    Paddusb = Bin, false, Paddusb_xmm_xmmm128, VEX_Vpaddusb_xmm_xmm_xmmm128;
    Paddusw = Bin, false, Paddusw_xmm_xmmm128, VEX_Vpaddusw_xmm_xmm_xmmm128;
    Psubsb = Bin, false, Psubsb_xmm_xmmm128, VEX_Vpsubsb_xmm_xmm_xmmm128;
    Psubsw = Bin, false, Psubsw_xmm_xmmm128, VEX_Vpsubsw_xmm_xmm_xmmm128;
    Psubusb = Bin, false, Psubusb_xmm_xmmm128, VEX_Vpsubusb_xmm_xmm_xmmm128;
    Psubusw = Bin, false, Psubusw_xmm_xmmm128, VEX_Vpsubusw_xmm_xmm_xmmm128;
    Pmullw = Bin, false, Pmullw_xmm_xmmm128, VEX_Vpmullw_xmm_xmm_xmmm128;
    Pmulhw = Bin, false, Pmulhw_xmm_xmmm128, VEX_Vpmulhw_xmm_xmm_xmmm128;
    Pmulhuw = Bin, false, Pmulhuw_xmm_xmmm128, VEX_Vpmulhuw_xmm_xmm_xmmm128;
    Pmulld = Bin, false, Pmulld_xmm_xmmm128, VEX_Vpmulld_xmm_xmm_xmmm128;
    Pmuludq = Bin, false, Pmuludq_xmm_xmmm128, VEX_Vpmuludq_xmm_xmm_xmmm128;
    Pmuldq = Bin, false, Pmuldq_xmm_xmmm128, VEX_Vpmuldq_xmm_xmm_xmmm128;
    Pmulhrsw = Bin, false, Pmulhrsw_xmm_xmmm128, VEX_Vpmulhrsw_xmm_xmm_xmmm128;
    Pmaddwd = Bin, false, Pmaddwd_xmm_xmmm128, VEX_Vpmaddwd_xmm_xmm_xmmm128;
    Pmaddubsw = Bin, false, Pmaddubsw_xmm_xmmm128, VEX_Vpmaddubsw_xmm_xmm_xmmm128;
    Pminsb = Bin, false, Pminsb_xmm_xmmm128, VEX_Vpminsb_xmm_xmm_xmmm128;
    Pminsw = Bin, false, Pminsw_xmm_xmmm128, VEX_Vpminsw_xmm_xmm_xmmm128;
    Pminsd = Bin, false, Pminsd_xmm_xmmm128, VEX_Vpminsd_xmm_xmm_xmmm128;
    Pminub = Bin, false, Pminub_xmm_xmmm128, VEX_Vpminub_xmm_xmm_xmmm128;
    Pminuw = Bin, false, Pminuw_xmm_xmmm128, VEX_Vpminuw_xmm_xmm_xmmm128;
    Pminud = Bin, false, Pminud_xmm_xmmm128, VEX_Vpminud_xmm_xmm_xmmm128;
    Pmaxsb = Bin, false, Pmaxsb_xmm_xmmm128, VEX_Vpmaxsb_xmm_xmm_xmmm128;
    Pmaxsw = Bin, false, Pmaxsw_xmm_xmmm128, VEX_Vpmaxsw_xmm_xmm_xmmm128;
    Pmaxsd = Bin, false, Pmaxsd_xmm_xmmm128, VEX_Vpmaxsd_xmm_xmm_xmmm128;
    Pmaxub = Bin, false, Pmaxub_xmm_xmmm128, VEX_Vpmaxub_xmm_xmm_xmmm128;
    Pmaxuw = Bin, false, Pmaxuw_xmm_xmmm128, VEX_Vpmaxuw_xmm_xmm_xmmm128;
    Pmaxud = Bin, false, Pmaxud_xmm_xmmm128, VEX_Vpmaxud_xmm_xmm_xmmm128;
    Pavgb = Bin, false, Pavgb_xmm_xmmm128, VEX_Vpavgb_xmm_xmm_xmmm128;
    Pavgw = Bin, false, Pavgw_xmm_xmmm128, VEX_Vpavgw_xmm_xmm_xmmm128;
    Pcmpeqb = Bin, false, Pcmpeqb_xmm_xmmm128, VEX_Vpcmpeqb_xmm_xmm_xmmm128;
    Pcmpeqw = Bin, false, Pcmpeqw_xmm_xmmm128, VEX_Vpcmpeqw_xmm_xmm_xmmm128;
    Pcmpeqd = Bin, false, Pcmpeqd_xmm_xmmm128, VEX_Vpcmpeqd_xmm_xmm_xmmm128;
    Pcmpeqq = Bin, false, Pcmpeqq_xmm_xmmm128, VEX_Vpcmpeqq_xmm_xmm_xmmm128;
    Pcmpgtb = Bin, false, Pcmpgtb_xmm_xmmm128, VEX_Vpcmpgtb_xmm_xmm_xmmm128;
    Pcmpgtw = Bin, false, Pcmpgtw_xmm_xmmm128, VEX_Vpcmpgtw_xmm_xmm_xmmm128;
    Pcmpgtd = Bin, false, Pcmpgtd_xmm_xmmm128, VEX_Vpcmpgtd_xmm_xmm_xmmm128;
    Pcmpgtq = Bin, false, Pcmpgtq_xmm_xmmm128, VEX_Vpcmpgtq_xmm_xmm_xmmm128;
    Pand = Bin, false, Pand_xmm_xmmm128, VEX_Vpand_xmm_xmm_xmmm128;
    Pandn = Bin, false, Pandn_xmm_xmmm128, VEX_Vpandn_xmm_xmm_xmmm128;
    Por = Bin, false, Por_xmm_xmmm128, VEX_Vpor_xmm_xmm_xmmm128;
    Pxor = Bin, false, Pxor_xmm_xmmm128, VEX_Vpxor_xmm_xmm_xmmm128;
    Packsswb = Bin, false, Packsswb_xmm_xmmm128, VEX_Vpacksswb_xmm_xmm_xmmm128;
    Packuswb = Bin, false, Packuswb_xmm_xmmm128, VEX_Vpackuswb_xmm_xmm_xmmm128;
    Packssdw = Bin, false, Packssdw_xmm_xmmm128, VEX_Vpackssdw_xmm_xmm_xmmm128;
    Packusdw = Bin, false, Packusdw_xmm_xmmm128, VEX_Vpackusdw_xmm_xmm_xmmm128;
    Punpcklbw = Bin, false, Punpcklbw_xmm_xmmm128, VEX_Vpunpcklbw_xmm_xmm_xmmm128;
    Punpckhbw = Bin, false, Punpckhbw_xmm_xmmm128, VEX_Vpunpckhbw_xmm_xmm_xmmm128;
    Punpcklwd = Bin, false, Punpcklwd_xmm_xmmm128, VEX_Vpunpcklwd_xmm_xmm_xmmm128;
    Punpckhwd = Bin, false, Punpckhwd_xmm_xmmm128, VEX_Vpunpckhwd_xmm_xmm_xmmm128;
    Pshufb = Bin, false, Pshufb_xmm_xmmm128, VEX_Vpshufb_xmm_xmm_xmmm128;
    Psllw = Bin, false, Psllw_xmm_xmmm128, VEX_Vpsllw_xmm_xmm_xmmm128;
    Pslld = Bin, false, Pslld_xmm_xmmm128, VEX_Vpslld_xmm_xmm_xmmm128;
    Psllq = Bin, false, Psllq_xmm_xmmm128, VEX_Vpsllq_xmm_xmm_xmmm128;
    Psrlw = Bin, false, Psrlw_xmm_xmmm128, VEX_Vpsrlw_xmm_xmm_xmmm128;
    Psrld = Bin, false, Psrld_xmm_xmmm128, VEX_Vpsrld_xmm_xmm_xmmm128;
    Psrlq = Bin, false, Psrlq_xmm_xmmm128, VEX_Vpsrlq_xmm_xmm_xmmm128;
    Psraw = Bin, false, Psraw_xmm_xmmm128, VEX_Vpsraw_xmm_xmm_xmmm128;
    Psrad = Bin, false, Psrad_xmm_xmmm128, VEX_Vpsrad_xmm_xmm_xmmm128;
    Addps = Bin, false, Addps_xmm_xmmm128, VEX_Vaddps_xmm_xmm_xmmm128;
    Addpd = Bin, false, Addpd_xmm_xmmm128, VEX_Vaddpd_xmm_xmm_xmmm128;
    Subps = Bin, false, Subps_xmm_xmmm128, VEX_Vsubps_xmm_xmm_xmmm128;
    Subpd = Bin, false, Subpd_xmm_xmmm128, VEX_Vsubpd_xmm_xmm_xmmm128;
    Mulps = Bin, false, Mulps_xmm_xmmm128, VEX_Vmulps_xmm_xmm_xmmm128;
    Mulpd = Bin, false, Mulpd_xmm_xmmm128, VEX_Vmulpd_xmm_xmm_xmmm128;
    Divps = Bin, false, Divps_xmm_xmmm128, VEX_Vdivps_xmm_xmm_xmmm128;
    Divpd = Bin, false, Divpd_xmm_xmmm128, VEX_Vdivpd_xmm_xmm_xmmm128;
    Minps = Bin, false, Minps_xmm_xmmm128, VEX_Vminps_xmm_xmm_xmmm128;
    Minpd = Bin, false, Minpd_xmm_xmmm128, VEX_Vminpd_xmm_xmm_xmmm128;
    Maxps = Bin, false, Maxps_xmm_xmmm128, VEX_Vmaxps_xmm_xmm_xmmm128;
    Maxpd = Bin, false, Maxpd_xmm_xmmm128, VEX_Vmaxpd_xmm_xmm_xmmm128;
    Andps = Bin, false, Andps_xmm_xmmm128, VEX_Vandps_xmm_xmm_xmmm128;
    Andnps = Bin, false, Andnps_xmm_xmmm128, VEX_Vandnps_xmm_xmm_xmmm128;
    Orps = Bin, false, Orps_xmm_xmmm128, VEX_Vorps_xmm_xmm_xmmm128;
    Xorps = Bin, false, Xorps_xmm_xmmm128, VEX_Vxorps_xmm_xmm_xmmm128;
    Unpcklps = Bin, false, Unpcklps_xmm_xmmm128, VEX_Vunpcklps_xmm_xmm_xmmm128;
    Unpcklpd = Bin, false, Unpcklpd_xmm_xmmm128, VEX_Vunpcklpd_xmm_xmm_xmmm128;
    Movsd = Bin, false, Movsd_xmm_xmmm64, VEX_Vmovsd_xmm_xmm_xmm;
    Cmpps = Bin, true, Cmpps_xmm_xmmm128_imm8, VEX_Vcmpps_xmm_xmm_xmmm128_imm8;
    Cmppd = Bin, true, Cmppd_xmm_xmmm128_imm8, VEX_Vcmppd_xmm_xmm_xmmm128_imm8;
    Shufps = Bin, true, Shufps_xmm_xmmm128_imm8, VEX_Vshufps_xmm_xmm_xmmm128_imm8;
    Pblendw = Bin, true, Pblendw_xmm_xmmm128_imm8, VEX_Vpblendw_xmm_xmm_xmmm128_imm8;
    Insertps = Bin, true, Insertps_xmm_xmmm32_imm8, VEX_Vinsertps_xmm_xmm_xmmm32_imm8;
    Pabsb = Un, false, Pabsb_xmm_xmmm128, VEX_Vpabsb_xmm_xmmm128;
    Pabsw = Un, false, Pabsw_xmm_xmmm128, VEX_Vpabsw_xmm_xmmm128;
    Pabsd = Un, false, Pabsd_xmm_xmmm128, VEX_Vpabsd_xmm_xmmm128;
    Pmovsxbw = Un, false, Pmovsxbw_xmm_xmmm64, VEX_Vpmovsxbw_xmm_xmmm64;
    Pmovzxbw = Un, false, Pmovzxbw_xmm_xmmm64, VEX_Vpmovzxbw_xmm_xmmm64;
    Pmovsxwd = Un, false, Pmovsxwd_xmm_xmmm64, VEX_Vpmovsxwd_xmm_xmmm64;
    Pmovzxwd = Un, false, Pmovzxwd_xmm_xmmm64, VEX_Vpmovzxwd_xmm_xmmm64;
    Pmovsxdq = Un, false, Pmovsxdq_xmm_xmmm64, VEX_Vpmovsxdq_xmm_xmmm64;
    Pmovzxdq = Un, false, Pmovzxdq_xmm_xmmm64, VEX_Vpmovzxdq_xmm_xmmm64;
    Pshufd = Un, true, Pshufd_xmm_xmmm128_imm8, VEX_Vpshufd_xmm_xmmm128_imm8;
    Pshuflw = Un, true, Pshuflw_xmm_xmmm128_imm8, VEX_Vpshuflw_xmm_xmmm128_imm8;
    Sqrtps = Un, false, Sqrtps_xmm_xmmm128, VEX_Vsqrtps_xmm_xmmm128;
    Sqrtpd = Un, false, Sqrtpd_xmm_xmmm128, VEX_Vsqrtpd_xmm_xmmm128;
    Roundps = Un, true, Roundps_xmm_xmmm128_imm8, VEX_Vroundps_xmm_xmmm128_imm8;
    Roundpd = Un, true, Roundpd_xmm_xmmm128_imm8, VEX_Vroundpd_xmm_xmmm128_imm8;
    Cvtdq2ps = Un, false, Cvtdq2ps_xmm_xmmm128, VEX_Vcvtdq2ps_xmm_xmmm128;
    Cvttps2dq = Un, false, Cvttps2dq_xmm_xmmm128, VEX_Vcvttps2dq_xmm_xmmm128;
    Cvtdq2pd = Un, false, Cvtdq2pd_xmm_xmmm64, VEX_Vcvtdq2pd_xmm_xmmm64;
    Cvttpd2dq = Un, false, Cvttpd2dq_xmm_xmmm128, VEX_Vcvttpd2dq_xmm_xmmm128;
    Cvtpd2ps = Un, false, Cvtpd2ps_xmm_xmmm128, VEX_Vcvtpd2ps_xmm_xmmm128;
    Cvtps2pd = Un, false, Cvtps2pd_xmm_xmmm64, VEX_Vcvtps2pd_xmm_xmmm64;
    PsllwImm = InPlace, true, Psllw_xmm_imm8, VEX_Vpsllw_xmm_xmm_imm8;
    PslldImm = InPlace, true, Pslld_xmm_imm8, VEX_Vpslld_xmm_xmm_imm8;
    PsllqImm = InPlace, true, Psllq_xmm_imm8, VEX_Vpsllq_xmm_xmm_imm8;
    PsrlwImm = InPlace, true, Psrlw_xmm_imm8, VEX_Vpsrlw_xmm_xmm_imm8;
    PsrldImm = InPlace, true, Psrld_xmm_imm8, VEX_Vpsrld_xmm_xmm_imm8;
    PsrlqImm = InPlace, true, Psrlq_xmm_imm8, VEX_Vpsrlq_xmm_xmm_imm8;
    PsrawImm = InPlace, true, Psraw_xmm_imm8, VEX_Vpsraw_xmm_xmm_imm8;
    PsradImm = InPlace, true, Psrad_xmm_imm8, VEX_Vpsrad_xmm_xmm_imm8;
    Pinsrb = InsGpr, true, Pinsrb_xmm_r32m8_imm8, VEX_Vpinsrb_xmm_xmm_r32m8_imm8;
    Pinsrw = InsGpr, true, Pinsrw_xmm_r32m16_imm8, VEX_Vpinsrw_xmm_xmm_r32m16_imm8;
    Pinsrd = InsGpr, true, Pinsrd_xmm_rm32_imm8, VEX_Vpinsrd_xmm_xmm_rm32_imm8;
    Pinsrq = InsGpr, true, Pinsrq_xmm_rm64_imm8, VEX_Vpinsrq_xmm_xmm_rm64_imm8;
    Pextrb = ToGpr, true, Pextrb_r32m8_xmm_imm8, VEX_Vpextrb_r32m8_xmm_imm8;
    Pextrw = ToGpr, true, Pextrw_r32_xmm_imm8, VEX_Vpextrw_r32_xmm_imm8;
    Pextrd = ToGpr, true, Pextrd_rm32_xmm_imm8, VEX_Vpextrd_rm32_xmm_imm8;
    Pextrq = ToGpr, true, Pextrq_rm64_xmm_imm8, VEX_Vpextrq_rm64_xmm_imm8;
    Pmovmskb = ToGpr, false, Pmovmskb_r32_xmm, VEX_Vpmovmskb_r32_xmm;
    Movmskps = ToGpr, false, Movmskps_r32_xmm, VEX_Vmovmskps_r32_xmm;
    Movmskpd = ToGpr, false, Movmskpd_r32_xmm, VEX_Vmovmskpd_r32_xmm;
}

impl VecOp {
    /// Whether the general register of an `InsGpr`/`ToGpr` operation is 64-bit.
    pub fn gpr64(self) -> bool {
        matches!(self, VecOp::Pinsrq | VecOp::Pextrq)
    }
}
