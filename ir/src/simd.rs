//! The SIMD rows of the opcode table: one row per fixed-width WebAssembly 2.0 SIMD
//! operator (236), in the same columns as the scalar rows ([`crate::opinfo`]), plus the
//! lane-shape column. [`crate::Opcode::Simd`] wraps a [`SimdOp`]; everything that reads
//! the table (typing, verifier, parser, printer, e-graph language) reads these rows the
//! same way, and a consumer that has no vector support yet matches the one
//! `Opcode::Simd(_)` arm (or refuses `v128` values) instead of listing 236 opcodes.
//!
//! **Naming** (the one place it is defined): a SIMD opcode's text name is the wasm
//! instruction with its shape moved to the end, as the scalar rows print their type:
//! wasm `i32x4.add` is `add.i32x4`, `i8x16.extract_lane_s` is `extract_lane_s.i8x16`,
//! `v128.load32x2_s` is `load32x2_s.v128`, `f32x4.min` is `min.f32x4`. The variant is
//! wasmparser's operator name (`I32x4Add`). Immediates are written first, as scalar
//! constants and conditions are: `const.v128 0x…` (32 hex digits, the 128-bit
//! little-endian number, so lane 0 is the rightmost digits), `extract_lane_s.i8x16 3, v1`,
//! `shuffle.i8x16 [0, 17, ...], v1, v2` (16 indices); lane memory accesses put the lane
//! last: `load8_lane.v128 v0+4, v1, 3`.
//!
//! SIMD rows take no type suffix (the shape is part of the name), are never e-graph
//! nodes (the column says `Skeleton`: the e-graph leaves vector code alone for now), and
//! their memory rows give their width in bytes. The lane semantics are in
//! [`crate::interp::simd_numeric`]. This file only declares: it never evaluates.

use crate::opcode::Effects;
use crate::opinfo::{Access, Arg, Dests, Egraph, ImmKind, OpInfo, Operands, Results, Shape, Suffix, Syntax, Width};
use crate::types::Type;

macro_rules! simd_ops {
    ($( $variant:ident = $name:literal, $effects:ident, $shape:expr, $operands:expr, $imm:ident, $results:expr,
        $syntax:ident, $access:expr; )*) => {
        /// A fixed-width SIMD operation (wasmparser's operator name). See the module docs.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
        pub enum SimdOp {
            $( $variant, )*
        }

        /// The rows, in declaration order (indexed by `SimdOp as usize`).
        static SIMD_TABLE: &[OpInfo] = &[
            $( OpInfo {
                name: $name,
                effects: Effects::$effects,
                suffix: Suffix::No,
                operands: $operands,
                imm: ImmKind::$imm,
                results: $results,
                dests: Dests::Exactly(0),
                syntax: Syntax::$syntax,
                egraph: Egraph::Skeleton,
                access: $access,
                shape: Some($shape),
            }, )*
        ];

        impl SimdOp {
            /// Every SIMD operation, in declaration order.
            pub const ALL: &'static [SimdOp] = &[ $( SimdOp::$variant, )* ];
        }
    };
}

const V: Arg = Arg::T(Type::V128);
const I32: Arg = Arg::T(Type::I32);
const I64: Arg = Arg::T(Type::I64);
const F32: Arg = Arg::T(Type::F32);
const F64: Arg = Arg::T(Type::F64);
const NO_ACCESS: Access = Access::None;
const fn args(a: &'static [Arg]) -> Operands {
    Operands::Fixed(a)
}
const fn one(t: Type) -> Results {
    Results::One(t)
}
const fn load(n: u32) -> Access {
    Access::Load(Width::Bytes(n))
}
const fn store(n: u32) -> Access {
    Access::Store(Width::Bytes(n))
}

// Columns: name, effects, shape, operands, immediate, results, text syntax, memory
// access (suffix: none; branch targets: none; e-graph: skeleton).
#[rustfmt::skip]
simd_ops! {
    V128Load = "load.v128", LOAD, Shape::V128, args(&[I32]), Mem, one(Type::V128), Address, load(16);
    V128Load8x8S = "load8x8_s.v128", LOAD, Shape::V128, args(&[I32]), Mem, one(Type::V128), Address, load(8);
    V128Load8x8U = "load8x8_u.v128", LOAD, Shape::V128, args(&[I32]), Mem, one(Type::V128), Address, load(8);
    V128Load16x4S = "load16x4_s.v128", LOAD, Shape::V128, args(&[I32]), Mem, one(Type::V128), Address, load(8);
    V128Load16x4U = "load16x4_u.v128", LOAD, Shape::V128, args(&[I32]), Mem, one(Type::V128), Address, load(8);
    V128Load32x2S = "load32x2_s.v128", LOAD, Shape::V128, args(&[I32]), Mem, one(Type::V128), Address, load(8);
    V128Load32x2U = "load32x2_u.v128", LOAD, Shape::V128, args(&[I32]), Mem, one(Type::V128), Address, load(8);
    V128Load8Splat = "load8_splat.v128", LOAD, Shape::V128, args(&[I32]), Mem, one(Type::V128), Address, load(1);
    V128Load16Splat = "load16_splat.v128", LOAD, Shape::V128, args(&[I32]), Mem, one(Type::V128), Address, load(2);
    V128Load32Splat = "load32_splat.v128", LOAD, Shape::V128, args(&[I32]), Mem, one(Type::V128), Address, load(4);
    V128Load64Splat = "load64_splat.v128", LOAD, Shape::V128, args(&[I32]), Mem, one(Type::V128), Address, load(8);
    V128Load32Zero = "load32_zero.v128", LOAD, Shape::V128, args(&[I32]), Mem, one(Type::V128), Address, load(4);
    V128Load64Zero = "load64_zero.v128", LOAD, Shape::V128, args(&[I32]), Mem, one(Type::V128), Address, load(8);
    V128Store = "store.v128", STORE, Shape::V128, args(&[I32, V]), Mem, Results::None, Address, store(16);
    V128Load8Lane = "load8_lane.v128", LOAD, Shape::V128, args(&[I32, V]), MemLane, one(Type::V128), Address, load(1);
    V128Load16Lane = "load16_lane.v128", LOAD, Shape::V128, args(&[I32, V]), MemLane, one(Type::V128), Address, load(2);
    V128Load32Lane = "load32_lane.v128", LOAD, Shape::V128, args(&[I32, V]), MemLane, one(Type::V128), Address, load(4);
    V128Load64Lane = "load64_lane.v128", LOAD, Shape::V128, args(&[I32, V]), MemLane, one(Type::V128), Address, load(8);
    V128Store8Lane = "store8_lane.v128", STORE, Shape::V128, args(&[I32, V]), MemLane, Results::None, Address, store(1);
    V128Store16Lane = "store16_lane.v128", STORE, Shape::V128, args(&[I32, V]), MemLane, Results::None, Address, store(2);
    V128Store32Lane = "store32_lane.v128", STORE, Shape::V128, args(&[I32, V]), MemLane, Results::None, Address, store(4);
    V128Store64Lane = "store64_lane.v128", STORE, Shape::V128, args(&[I32, V]), MemLane, Results::None, Address, store(8);
    V128Const = "const.v128", PURE, Shape::V128, args(&[]), V128, one(Type::V128), Plain, NO_ACCESS;
    I8x16Shuffle = "shuffle.i8x16", PURE, Shape::I8x16, args(&[V, V]), Shuffle, one(Type::V128), Plain, NO_ACCESS;
    I8x16ExtractLaneS = "extract_lane_s.i8x16", PURE, Shape::I8x16, args(&[V]), Lane, one(Type::I32), Plain, NO_ACCESS;
    I8x16ExtractLaneU = "extract_lane_u.i8x16", PURE, Shape::I8x16, args(&[V]), Lane, one(Type::I32), Plain, NO_ACCESS;
    I8x16ReplaceLane = "replace_lane.i8x16", PURE, Shape::I8x16, args(&[V, I32]), Lane, one(Type::V128), Plain, NO_ACCESS;
    I16x8ExtractLaneS = "extract_lane_s.i16x8", PURE, Shape::I16x8, args(&[V]), Lane, one(Type::I32), Plain, NO_ACCESS;
    I16x8ExtractLaneU = "extract_lane_u.i16x8", PURE, Shape::I16x8, args(&[V]), Lane, one(Type::I32), Plain, NO_ACCESS;
    I16x8ReplaceLane = "replace_lane.i16x8", PURE, Shape::I16x8, args(&[V, I32]), Lane, one(Type::V128), Plain, NO_ACCESS;
    I32x4ExtractLane = "extract_lane.i32x4", PURE, Shape::I32x4, args(&[V]), Lane, one(Type::I32), Plain, NO_ACCESS;
    I32x4ReplaceLane = "replace_lane.i32x4", PURE, Shape::I32x4, args(&[V, I32]), Lane, one(Type::V128), Plain, NO_ACCESS;
    I64x2ExtractLane = "extract_lane.i64x2", PURE, Shape::I64x2, args(&[V]), Lane, one(Type::I64), Plain, NO_ACCESS;
    I64x2ReplaceLane = "replace_lane.i64x2", PURE, Shape::I64x2, args(&[V, I64]), Lane, one(Type::V128), Plain, NO_ACCESS;
    F32x4ExtractLane = "extract_lane.f32x4", PURE, Shape::F32x4, args(&[V]), Lane, one(Type::F32), Plain, NO_ACCESS;
    F32x4ReplaceLane = "replace_lane.f32x4", PURE, Shape::F32x4, args(&[V, F32]), Lane, one(Type::V128), Plain, NO_ACCESS;
    F64x2ExtractLane = "extract_lane.f64x2", PURE, Shape::F64x2, args(&[V]), Lane, one(Type::F64), Plain, NO_ACCESS;
    F64x2ReplaceLane = "replace_lane.f64x2", PURE, Shape::F64x2, args(&[V, F64]), Lane, one(Type::V128), Plain, NO_ACCESS;
    I8x16Swizzle = "swizzle.i8x16", PURE, Shape::I8x16, args(&[V, V]), None, one(Type::V128), Plain, NO_ACCESS;
    I8x16Splat = "splat.i8x16", PURE, Shape::I8x16, args(&[I32]), None, one(Type::V128), Plain, NO_ACCESS;
    I16x8Splat = "splat.i16x8", PURE, Shape::I16x8, args(&[I32]), None, one(Type::V128), Plain, NO_ACCESS;
    I32x4Splat = "splat.i32x4", PURE, Shape::I32x4, args(&[I32]), None, one(Type::V128), Plain, NO_ACCESS;
    I64x2Splat = "splat.i64x2", PURE, Shape::I64x2, args(&[I64]), None, one(Type::V128), Plain, NO_ACCESS;
    F32x4Splat = "splat.f32x4", PURE, Shape::F32x4, args(&[F32]), None, one(Type::V128), Plain, NO_ACCESS;
    F64x2Splat = "splat.f64x2", PURE, Shape::F64x2, args(&[F64]), None, one(Type::V128), Plain, NO_ACCESS;
    I8x16Eq = "eq.i8x16", PURE, Shape::I8x16, args(&[V, V]), None, one(Type::V128), Plain, NO_ACCESS;
    I8x16Ne = "ne.i8x16", PURE, Shape::I8x16, args(&[V, V]), None, one(Type::V128), Plain, NO_ACCESS;
    I8x16LtS = "lt_s.i8x16", PURE, Shape::I8x16, args(&[V, V]), None, one(Type::V128), Plain, NO_ACCESS;
    I8x16LtU = "lt_u.i8x16", PURE, Shape::I8x16, args(&[V, V]), None, one(Type::V128), Plain, NO_ACCESS;
    I8x16GtS = "gt_s.i8x16", PURE, Shape::I8x16, args(&[V, V]), None, one(Type::V128), Plain, NO_ACCESS;
    I8x16GtU = "gt_u.i8x16", PURE, Shape::I8x16, args(&[V, V]), None, one(Type::V128), Plain, NO_ACCESS;
    I8x16LeS = "le_s.i8x16", PURE, Shape::I8x16, args(&[V, V]), None, one(Type::V128), Plain, NO_ACCESS;
    I8x16LeU = "le_u.i8x16", PURE, Shape::I8x16, args(&[V, V]), None, one(Type::V128), Plain, NO_ACCESS;
    I8x16GeS = "ge_s.i8x16", PURE, Shape::I8x16, args(&[V, V]), None, one(Type::V128), Plain, NO_ACCESS;
    I8x16GeU = "ge_u.i8x16", PURE, Shape::I8x16, args(&[V, V]), None, one(Type::V128), Plain, NO_ACCESS;
    I16x8Eq = "eq.i16x8", PURE, Shape::I16x8, args(&[V, V]), None, one(Type::V128), Plain, NO_ACCESS;
    I16x8Ne = "ne.i16x8", PURE, Shape::I16x8, args(&[V, V]), None, one(Type::V128), Plain, NO_ACCESS;
    I16x8LtS = "lt_s.i16x8", PURE, Shape::I16x8, args(&[V, V]), None, one(Type::V128), Plain, NO_ACCESS;
    I16x8LtU = "lt_u.i16x8", PURE, Shape::I16x8, args(&[V, V]), None, one(Type::V128), Plain, NO_ACCESS;
    I16x8GtS = "gt_s.i16x8", PURE, Shape::I16x8, args(&[V, V]), None, one(Type::V128), Plain, NO_ACCESS;
    I16x8GtU = "gt_u.i16x8", PURE, Shape::I16x8, args(&[V, V]), None, one(Type::V128), Plain, NO_ACCESS;
    I16x8LeS = "le_s.i16x8", PURE, Shape::I16x8, args(&[V, V]), None, one(Type::V128), Plain, NO_ACCESS;
    I16x8LeU = "le_u.i16x8", PURE, Shape::I16x8, args(&[V, V]), None, one(Type::V128), Plain, NO_ACCESS;
    I16x8GeS = "ge_s.i16x8", PURE, Shape::I16x8, args(&[V, V]), None, one(Type::V128), Plain, NO_ACCESS;
    I16x8GeU = "ge_u.i16x8", PURE, Shape::I16x8, args(&[V, V]), None, one(Type::V128), Plain, NO_ACCESS;
    I32x4Eq = "eq.i32x4", PURE, Shape::I32x4, args(&[V, V]), None, one(Type::V128), Plain, NO_ACCESS;
    I32x4Ne = "ne.i32x4", PURE, Shape::I32x4, args(&[V, V]), None, one(Type::V128), Plain, NO_ACCESS;
    I32x4LtS = "lt_s.i32x4", PURE, Shape::I32x4, args(&[V, V]), None, one(Type::V128), Plain, NO_ACCESS;
    I32x4LtU = "lt_u.i32x4", PURE, Shape::I32x4, args(&[V, V]), None, one(Type::V128), Plain, NO_ACCESS;
    I32x4GtS = "gt_s.i32x4", PURE, Shape::I32x4, args(&[V, V]), None, one(Type::V128), Plain, NO_ACCESS;
    I32x4GtU = "gt_u.i32x4", PURE, Shape::I32x4, args(&[V, V]), None, one(Type::V128), Plain, NO_ACCESS;
    I32x4LeS = "le_s.i32x4", PURE, Shape::I32x4, args(&[V, V]), None, one(Type::V128), Plain, NO_ACCESS;
    I32x4LeU = "le_u.i32x4", PURE, Shape::I32x4, args(&[V, V]), None, one(Type::V128), Plain, NO_ACCESS;
    I32x4GeS = "ge_s.i32x4", PURE, Shape::I32x4, args(&[V, V]), None, one(Type::V128), Plain, NO_ACCESS;
    I32x4GeU = "ge_u.i32x4", PURE, Shape::I32x4, args(&[V, V]), None, one(Type::V128), Plain, NO_ACCESS;
    I64x2Eq = "eq.i64x2", PURE, Shape::I64x2, args(&[V, V]), None, one(Type::V128), Plain, NO_ACCESS;
    I64x2Ne = "ne.i64x2", PURE, Shape::I64x2, args(&[V, V]), None, one(Type::V128), Plain, NO_ACCESS;
    I64x2LtS = "lt_s.i64x2", PURE, Shape::I64x2, args(&[V, V]), None, one(Type::V128), Plain, NO_ACCESS;
    I64x2GtS = "gt_s.i64x2", PURE, Shape::I64x2, args(&[V, V]), None, one(Type::V128), Plain, NO_ACCESS;
    I64x2LeS = "le_s.i64x2", PURE, Shape::I64x2, args(&[V, V]), None, one(Type::V128), Plain, NO_ACCESS;
    I64x2GeS = "ge_s.i64x2", PURE, Shape::I64x2, args(&[V, V]), None, one(Type::V128), Plain, NO_ACCESS;
    F32x4Eq = "eq.f32x4", PURE, Shape::F32x4, args(&[V, V]), None, one(Type::V128), Plain, NO_ACCESS;
    F32x4Ne = "ne.f32x4", PURE, Shape::F32x4, args(&[V, V]), None, one(Type::V128), Plain, NO_ACCESS;
    F32x4Lt = "lt.f32x4", PURE, Shape::F32x4, args(&[V, V]), None, one(Type::V128), Plain, NO_ACCESS;
    F32x4Gt = "gt.f32x4", PURE, Shape::F32x4, args(&[V, V]), None, one(Type::V128), Plain, NO_ACCESS;
    F32x4Le = "le.f32x4", PURE, Shape::F32x4, args(&[V, V]), None, one(Type::V128), Plain, NO_ACCESS;
    F32x4Ge = "ge.f32x4", PURE, Shape::F32x4, args(&[V, V]), None, one(Type::V128), Plain, NO_ACCESS;
    F64x2Eq = "eq.f64x2", PURE, Shape::F64x2, args(&[V, V]), None, one(Type::V128), Plain, NO_ACCESS;
    F64x2Ne = "ne.f64x2", PURE, Shape::F64x2, args(&[V, V]), None, one(Type::V128), Plain, NO_ACCESS;
    F64x2Lt = "lt.f64x2", PURE, Shape::F64x2, args(&[V, V]), None, one(Type::V128), Plain, NO_ACCESS;
    F64x2Gt = "gt.f64x2", PURE, Shape::F64x2, args(&[V, V]), None, one(Type::V128), Plain, NO_ACCESS;
    F64x2Le = "le.f64x2", PURE, Shape::F64x2, args(&[V, V]), None, one(Type::V128), Plain, NO_ACCESS;
    F64x2Ge = "ge.f64x2", PURE, Shape::F64x2, args(&[V, V]), None, one(Type::V128), Plain, NO_ACCESS;
    V128Not = "not.v128", PURE, Shape::V128, args(&[V]), None, one(Type::V128), Plain, NO_ACCESS;
    V128And = "and.v128", PURE, Shape::V128, args(&[V, V]), None, one(Type::V128), Plain, NO_ACCESS;
    V128AndNot = "andnot.v128", PURE, Shape::V128, args(&[V, V]), None, one(Type::V128), Plain, NO_ACCESS;
    V128Or = "or.v128", PURE, Shape::V128, args(&[V, V]), None, one(Type::V128), Plain, NO_ACCESS;
    V128Xor = "xor.v128", PURE, Shape::V128, args(&[V, V]), None, one(Type::V128), Plain, NO_ACCESS;
    V128Bitselect = "bitselect.v128", PURE, Shape::V128, args(&[V, V, V]), None, one(Type::V128), Plain, NO_ACCESS;
    V128AnyTrue = "any_true.v128", PURE, Shape::V128, args(&[V]), None, one(Type::I32), Plain, NO_ACCESS;
    I8x16Abs = "abs.i8x16", PURE, Shape::I8x16, args(&[V]), None, one(Type::V128), Plain, NO_ACCESS;
    I8x16Neg = "neg.i8x16", PURE, Shape::I8x16, args(&[V]), None, one(Type::V128), Plain, NO_ACCESS;
    I8x16Popcnt = "popcnt.i8x16", PURE, Shape::I8x16, args(&[V]), None, one(Type::V128), Plain, NO_ACCESS;
    I8x16AllTrue = "all_true.i8x16", PURE, Shape::I8x16, args(&[V]), None, one(Type::I32), Plain, NO_ACCESS;
    I8x16Bitmask = "bitmask.i8x16", PURE, Shape::I8x16, args(&[V]), None, one(Type::I32), Plain, NO_ACCESS;
    I8x16NarrowI16x8S = "narrow_i16x8_s.i8x16", PURE, Shape::I8x16, args(&[V, V]), None, one(Type::V128), Plain, NO_ACCESS;
    I8x16NarrowI16x8U = "narrow_i16x8_u.i8x16", PURE, Shape::I8x16, args(&[V, V]), None, one(Type::V128), Plain, NO_ACCESS;
    I8x16Shl = "shl.i8x16", PURE, Shape::I8x16, args(&[V, I32]), None, one(Type::V128), Plain, NO_ACCESS;
    I8x16ShrS = "shr_s.i8x16", PURE, Shape::I8x16, args(&[V, I32]), None, one(Type::V128), Plain, NO_ACCESS;
    I8x16ShrU = "shr_u.i8x16", PURE, Shape::I8x16, args(&[V, I32]), None, one(Type::V128), Plain, NO_ACCESS;
    I8x16Add = "add.i8x16", PURE, Shape::I8x16, args(&[V, V]), None, one(Type::V128), Plain, NO_ACCESS;
    I8x16AddSatS = "add_sat_s.i8x16", PURE, Shape::I8x16, args(&[V, V]), None, one(Type::V128), Plain, NO_ACCESS;
    I8x16AddSatU = "add_sat_u.i8x16", PURE, Shape::I8x16, args(&[V, V]), None, one(Type::V128), Plain, NO_ACCESS;
    I8x16Sub = "sub.i8x16", PURE, Shape::I8x16, args(&[V, V]), None, one(Type::V128), Plain, NO_ACCESS;
    I8x16SubSatS = "sub_sat_s.i8x16", PURE, Shape::I8x16, args(&[V, V]), None, one(Type::V128), Plain, NO_ACCESS;
    I8x16SubSatU = "sub_sat_u.i8x16", PURE, Shape::I8x16, args(&[V, V]), None, one(Type::V128), Plain, NO_ACCESS;
    I8x16MinS = "min_s.i8x16", PURE, Shape::I8x16, args(&[V, V]), None, one(Type::V128), Plain, NO_ACCESS;
    I8x16MinU = "min_u.i8x16", PURE, Shape::I8x16, args(&[V, V]), None, one(Type::V128), Plain, NO_ACCESS;
    I8x16MaxS = "max_s.i8x16", PURE, Shape::I8x16, args(&[V, V]), None, one(Type::V128), Plain, NO_ACCESS;
    I8x16MaxU = "max_u.i8x16", PURE, Shape::I8x16, args(&[V, V]), None, one(Type::V128), Plain, NO_ACCESS;
    I8x16AvgrU = "avgr_u.i8x16", PURE, Shape::I8x16, args(&[V, V]), None, one(Type::V128), Plain, NO_ACCESS;
    I16x8ExtAddPairwiseI8x16S = "extadd_pairwise_i8x16_s.i16x8", PURE, Shape::I16x8, args(&[V]), None, one(Type::V128), Plain, NO_ACCESS;
    I16x8ExtAddPairwiseI8x16U = "extadd_pairwise_i8x16_u.i16x8", PURE, Shape::I16x8, args(&[V]), None, one(Type::V128), Plain, NO_ACCESS;
    I16x8Abs = "abs.i16x8", PURE, Shape::I16x8, args(&[V]), None, one(Type::V128), Plain, NO_ACCESS;
    I16x8Neg = "neg.i16x8", PURE, Shape::I16x8, args(&[V]), None, one(Type::V128), Plain, NO_ACCESS;
    I16x8Q15MulrSatS = "q15mulr_sat_s.i16x8", PURE, Shape::I16x8, args(&[V, V]), None, one(Type::V128), Plain, NO_ACCESS;
    I16x8AllTrue = "all_true.i16x8", PURE, Shape::I16x8, args(&[V]), None, one(Type::I32), Plain, NO_ACCESS;
    I16x8Bitmask = "bitmask.i16x8", PURE, Shape::I16x8, args(&[V]), None, one(Type::I32), Plain, NO_ACCESS;
    I16x8NarrowI32x4S = "narrow_i32x4_s.i16x8", PURE, Shape::I16x8, args(&[V, V]), None, one(Type::V128), Plain, NO_ACCESS;
    I16x8NarrowI32x4U = "narrow_i32x4_u.i16x8", PURE, Shape::I16x8, args(&[V, V]), None, one(Type::V128), Plain, NO_ACCESS;
    I16x8ExtendLowI8x16S = "extend_low_i8x16_s.i16x8", PURE, Shape::I16x8, args(&[V]), None, one(Type::V128), Plain, NO_ACCESS;
    I16x8ExtendHighI8x16S = "extend_high_i8x16_s.i16x8", PURE, Shape::I16x8, args(&[V]), None, one(Type::V128), Plain, NO_ACCESS;
    I16x8ExtendLowI8x16U = "extend_low_i8x16_u.i16x8", PURE, Shape::I16x8, args(&[V]), None, one(Type::V128), Plain, NO_ACCESS;
    I16x8ExtendHighI8x16U = "extend_high_i8x16_u.i16x8", PURE, Shape::I16x8, args(&[V]), None, one(Type::V128), Plain, NO_ACCESS;
    I16x8Shl = "shl.i16x8", PURE, Shape::I16x8, args(&[V, I32]), None, one(Type::V128), Plain, NO_ACCESS;
    I16x8ShrS = "shr_s.i16x8", PURE, Shape::I16x8, args(&[V, I32]), None, one(Type::V128), Plain, NO_ACCESS;
    I16x8ShrU = "shr_u.i16x8", PURE, Shape::I16x8, args(&[V, I32]), None, one(Type::V128), Plain, NO_ACCESS;
    I16x8Add = "add.i16x8", PURE, Shape::I16x8, args(&[V, V]), None, one(Type::V128), Plain, NO_ACCESS;
    I16x8AddSatS = "add_sat_s.i16x8", PURE, Shape::I16x8, args(&[V, V]), None, one(Type::V128), Plain, NO_ACCESS;
    I16x8AddSatU = "add_sat_u.i16x8", PURE, Shape::I16x8, args(&[V, V]), None, one(Type::V128), Plain, NO_ACCESS;
    I16x8Sub = "sub.i16x8", PURE, Shape::I16x8, args(&[V, V]), None, one(Type::V128), Plain, NO_ACCESS;
    I16x8SubSatS = "sub_sat_s.i16x8", PURE, Shape::I16x8, args(&[V, V]), None, one(Type::V128), Plain, NO_ACCESS;
    I16x8SubSatU = "sub_sat_u.i16x8", PURE, Shape::I16x8, args(&[V, V]), None, one(Type::V128), Plain, NO_ACCESS;
    I16x8Mul = "mul.i16x8", PURE, Shape::I16x8, args(&[V, V]), None, one(Type::V128), Plain, NO_ACCESS;
    I16x8MinS = "min_s.i16x8", PURE, Shape::I16x8, args(&[V, V]), None, one(Type::V128), Plain, NO_ACCESS;
    I16x8MinU = "min_u.i16x8", PURE, Shape::I16x8, args(&[V, V]), None, one(Type::V128), Plain, NO_ACCESS;
    I16x8MaxS = "max_s.i16x8", PURE, Shape::I16x8, args(&[V, V]), None, one(Type::V128), Plain, NO_ACCESS;
    I16x8MaxU = "max_u.i16x8", PURE, Shape::I16x8, args(&[V, V]), None, one(Type::V128), Plain, NO_ACCESS;
    I16x8AvgrU = "avgr_u.i16x8", PURE, Shape::I16x8, args(&[V, V]), None, one(Type::V128), Plain, NO_ACCESS;
    I16x8ExtMulLowI8x16S = "extmul_low_i8x16_s.i16x8", PURE, Shape::I16x8, args(&[V, V]), None, one(Type::V128), Plain, NO_ACCESS;
    I16x8ExtMulHighI8x16S = "extmul_high_i8x16_s.i16x8", PURE, Shape::I16x8, args(&[V, V]), None, one(Type::V128), Plain, NO_ACCESS;
    I16x8ExtMulLowI8x16U = "extmul_low_i8x16_u.i16x8", PURE, Shape::I16x8, args(&[V, V]), None, one(Type::V128), Plain, NO_ACCESS;
    I16x8ExtMulHighI8x16U = "extmul_high_i8x16_u.i16x8", PURE, Shape::I16x8, args(&[V, V]), None, one(Type::V128), Plain, NO_ACCESS;
    I32x4ExtAddPairwiseI16x8S = "extadd_pairwise_i16x8_s.i32x4", PURE, Shape::I32x4, args(&[V]), None, one(Type::V128), Plain, NO_ACCESS;
    I32x4ExtAddPairwiseI16x8U = "extadd_pairwise_i16x8_u.i32x4", PURE, Shape::I32x4, args(&[V]), None, one(Type::V128), Plain, NO_ACCESS;
    I32x4Abs = "abs.i32x4", PURE, Shape::I32x4, args(&[V]), None, one(Type::V128), Plain, NO_ACCESS;
    I32x4Neg = "neg.i32x4", PURE, Shape::I32x4, args(&[V]), None, one(Type::V128), Plain, NO_ACCESS;
    I32x4AllTrue = "all_true.i32x4", PURE, Shape::I32x4, args(&[V]), None, one(Type::I32), Plain, NO_ACCESS;
    I32x4Bitmask = "bitmask.i32x4", PURE, Shape::I32x4, args(&[V]), None, one(Type::I32), Plain, NO_ACCESS;
    I32x4ExtendLowI16x8S = "extend_low_i16x8_s.i32x4", PURE, Shape::I32x4, args(&[V]), None, one(Type::V128), Plain, NO_ACCESS;
    I32x4ExtendHighI16x8S = "extend_high_i16x8_s.i32x4", PURE, Shape::I32x4, args(&[V]), None, one(Type::V128), Plain, NO_ACCESS;
    I32x4ExtendLowI16x8U = "extend_low_i16x8_u.i32x4", PURE, Shape::I32x4, args(&[V]), None, one(Type::V128), Plain, NO_ACCESS;
    I32x4ExtendHighI16x8U = "extend_high_i16x8_u.i32x4", PURE, Shape::I32x4, args(&[V]), None, one(Type::V128), Plain, NO_ACCESS;
    I32x4Shl = "shl.i32x4", PURE, Shape::I32x4, args(&[V, I32]), None, one(Type::V128), Plain, NO_ACCESS;
    I32x4ShrS = "shr_s.i32x4", PURE, Shape::I32x4, args(&[V, I32]), None, one(Type::V128), Plain, NO_ACCESS;
    I32x4ShrU = "shr_u.i32x4", PURE, Shape::I32x4, args(&[V, I32]), None, one(Type::V128), Plain, NO_ACCESS;
    I32x4Add = "add.i32x4", PURE, Shape::I32x4, args(&[V, V]), None, one(Type::V128), Plain, NO_ACCESS;
    I32x4Sub = "sub.i32x4", PURE, Shape::I32x4, args(&[V, V]), None, one(Type::V128), Plain, NO_ACCESS;
    I32x4Mul = "mul.i32x4", PURE, Shape::I32x4, args(&[V, V]), None, one(Type::V128), Plain, NO_ACCESS;
    I32x4MinS = "min_s.i32x4", PURE, Shape::I32x4, args(&[V, V]), None, one(Type::V128), Plain, NO_ACCESS;
    I32x4MinU = "min_u.i32x4", PURE, Shape::I32x4, args(&[V, V]), None, one(Type::V128), Plain, NO_ACCESS;
    I32x4MaxS = "max_s.i32x4", PURE, Shape::I32x4, args(&[V, V]), None, one(Type::V128), Plain, NO_ACCESS;
    I32x4MaxU = "max_u.i32x4", PURE, Shape::I32x4, args(&[V, V]), None, one(Type::V128), Plain, NO_ACCESS;
    I32x4DotI16x8S = "dot_i16x8_s.i32x4", PURE, Shape::I32x4, args(&[V, V]), None, one(Type::V128), Plain, NO_ACCESS;
    I32x4ExtMulLowI16x8S = "extmul_low_i16x8_s.i32x4", PURE, Shape::I32x4, args(&[V, V]), None, one(Type::V128), Plain, NO_ACCESS;
    I32x4ExtMulHighI16x8S = "extmul_high_i16x8_s.i32x4", PURE, Shape::I32x4, args(&[V, V]), None, one(Type::V128), Plain, NO_ACCESS;
    I32x4ExtMulLowI16x8U = "extmul_low_i16x8_u.i32x4", PURE, Shape::I32x4, args(&[V, V]), None, one(Type::V128), Plain, NO_ACCESS;
    I32x4ExtMulHighI16x8U = "extmul_high_i16x8_u.i32x4", PURE, Shape::I32x4, args(&[V, V]), None, one(Type::V128), Plain, NO_ACCESS;
    I64x2Abs = "abs.i64x2", PURE, Shape::I64x2, args(&[V]), None, one(Type::V128), Plain, NO_ACCESS;
    I64x2Neg = "neg.i64x2", PURE, Shape::I64x2, args(&[V]), None, one(Type::V128), Plain, NO_ACCESS;
    I64x2AllTrue = "all_true.i64x2", PURE, Shape::I64x2, args(&[V]), None, one(Type::I32), Plain, NO_ACCESS;
    I64x2Bitmask = "bitmask.i64x2", PURE, Shape::I64x2, args(&[V]), None, one(Type::I32), Plain, NO_ACCESS;
    I64x2ExtendLowI32x4S = "extend_low_i32x4_s.i64x2", PURE, Shape::I64x2, args(&[V]), None, one(Type::V128), Plain, NO_ACCESS;
    I64x2ExtendHighI32x4S = "extend_high_i32x4_s.i64x2", PURE, Shape::I64x2, args(&[V]), None, one(Type::V128), Plain, NO_ACCESS;
    I64x2ExtendLowI32x4U = "extend_low_i32x4_u.i64x2", PURE, Shape::I64x2, args(&[V]), None, one(Type::V128), Plain, NO_ACCESS;
    I64x2ExtendHighI32x4U = "extend_high_i32x4_u.i64x2", PURE, Shape::I64x2, args(&[V]), None, one(Type::V128), Plain, NO_ACCESS;
    I64x2Shl = "shl.i64x2", PURE, Shape::I64x2, args(&[V, I32]), None, one(Type::V128), Plain, NO_ACCESS;
    I64x2ShrS = "shr_s.i64x2", PURE, Shape::I64x2, args(&[V, I32]), None, one(Type::V128), Plain, NO_ACCESS;
    I64x2ShrU = "shr_u.i64x2", PURE, Shape::I64x2, args(&[V, I32]), None, one(Type::V128), Plain, NO_ACCESS;
    I64x2Add = "add.i64x2", PURE, Shape::I64x2, args(&[V, V]), None, one(Type::V128), Plain, NO_ACCESS;
    I64x2Sub = "sub.i64x2", PURE, Shape::I64x2, args(&[V, V]), None, one(Type::V128), Plain, NO_ACCESS;
    I64x2Mul = "mul.i64x2", PURE, Shape::I64x2, args(&[V, V]), None, one(Type::V128), Plain, NO_ACCESS;
    I64x2ExtMulLowI32x4S = "extmul_low_i32x4_s.i64x2", PURE, Shape::I64x2, args(&[V, V]), None, one(Type::V128), Plain, NO_ACCESS;
    I64x2ExtMulHighI32x4S = "extmul_high_i32x4_s.i64x2", PURE, Shape::I64x2, args(&[V, V]), None, one(Type::V128), Plain, NO_ACCESS;
    I64x2ExtMulLowI32x4U = "extmul_low_i32x4_u.i64x2", PURE, Shape::I64x2, args(&[V, V]), None, one(Type::V128), Plain, NO_ACCESS;
    I64x2ExtMulHighI32x4U = "extmul_high_i32x4_u.i64x2", PURE, Shape::I64x2, args(&[V, V]), None, one(Type::V128), Plain, NO_ACCESS;
    F32x4Ceil = "ceil.f32x4", PURE, Shape::F32x4, args(&[V]), None, one(Type::V128), Plain, NO_ACCESS;
    F32x4Floor = "floor.f32x4", PURE, Shape::F32x4, args(&[V]), None, one(Type::V128), Plain, NO_ACCESS;
    F32x4Trunc = "trunc.f32x4", PURE, Shape::F32x4, args(&[V]), None, one(Type::V128), Plain, NO_ACCESS;
    F32x4Nearest = "nearest.f32x4", PURE, Shape::F32x4, args(&[V]), None, one(Type::V128), Plain, NO_ACCESS;
    F32x4Abs = "abs.f32x4", PURE, Shape::F32x4, args(&[V]), None, one(Type::V128), Plain, NO_ACCESS;
    F32x4Neg = "neg.f32x4", PURE, Shape::F32x4, args(&[V]), None, one(Type::V128), Plain, NO_ACCESS;
    F32x4Sqrt = "sqrt.f32x4", PURE, Shape::F32x4, args(&[V]), None, one(Type::V128), Plain, NO_ACCESS;
    F32x4Add = "add.f32x4", PURE, Shape::F32x4, args(&[V, V]), None, one(Type::V128), Plain, NO_ACCESS;
    F32x4Sub = "sub.f32x4", PURE, Shape::F32x4, args(&[V, V]), None, one(Type::V128), Plain, NO_ACCESS;
    F32x4Mul = "mul.f32x4", PURE, Shape::F32x4, args(&[V, V]), None, one(Type::V128), Plain, NO_ACCESS;
    F32x4Div = "div.f32x4", PURE, Shape::F32x4, args(&[V, V]), None, one(Type::V128), Plain, NO_ACCESS;
    F32x4Min = "min.f32x4", PURE, Shape::F32x4, args(&[V, V]), None, one(Type::V128), Plain, NO_ACCESS;
    F32x4Max = "max.f32x4", PURE, Shape::F32x4, args(&[V, V]), None, one(Type::V128), Plain, NO_ACCESS;
    F32x4PMin = "pmin.f32x4", PURE, Shape::F32x4, args(&[V, V]), None, one(Type::V128), Plain, NO_ACCESS;
    F32x4PMax = "pmax.f32x4", PURE, Shape::F32x4, args(&[V, V]), None, one(Type::V128), Plain, NO_ACCESS;
    F64x2Ceil = "ceil.f64x2", PURE, Shape::F64x2, args(&[V]), None, one(Type::V128), Plain, NO_ACCESS;
    F64x2Floor = "floor.f64x2", PURE, Shape::F64x2, args(&[V]), None, one(Type::V128), Plain, NO_ACCESS;
    F64x2Trunc = "trunc.f64x2", PURE, Shape::F64x2, args(&[V]), None, one(Type::V128), Plain, NO_ACCESS;
    F64x2Nearest = "nearest.f64x2", PURE, Shape::F64x2, args(&[V]), None, one(Type::V128), Plain, NO_ACCESS;
    F64x2Abs = "abs.f64x2", PURE, Shape::F64x2, args(&[V]), None, one(Type::V128), Plain, NO_ACCESS;
    F64x2Neg = "neg.f64x2", PURE, Shape::F64x2, args(&[V]), None, one(Type::V128), Plain, NO_ACCESS;
    F64x2Sqrt = "sqrt.f64x2", PURE, Shape::F64x2, args(&[V]), None, one(Type::V128), Plain, NO_ACCESS;
    F64x2Add = "add.f64x2", PURE, Shape::F64x2, args(&[V, V]), None, one(Type::V128), Plain, NO_ACCESS;
    F64x2Sub = "sub.f64x2", PURE, Shape::F64x2, args(&[V, V]), None, one(Type::V128), Plain, NO_ACCESS;
    F64x2Mul = "mul.f64x2", PURE, Shape::F64x2, args(&[V, V]), None, one(Type::V128), Plain, NO_ACCESS;
    F64x2Div = "div.f64x2", PURE, Shape::F64x2, args(&[V, V]), None, one(Type::V128), Plain, NO_ACCESS;
    F64x2Min = "min.f64x2", PURE, Shape::F64x2, args(&[V, V]), None, one(Type::V128), Plain, NO_ACCESS;
    F64x2Max = "max.f64x2", PURE, Shape::F64x2, args(&[V, V]), None, one(Type::V128), Plain, NO_ACCESS;
    F64x2PMin = "pmin.f64x2", PURE, Shape::F64x2, args(&[V, V]), None, one(Type::V128), Plain, NO_ACCESS;
    F64x2PMax = "pmax.f64x2", PURE, Shape::F64x2, args(&[V, V]), None, one(Type::V128), Plain, NO_ACCESS;
    I32x4TruncSatF32x4S = "trunc_sat_f32x4_s.i32x4", PURE, Shape::I32x4, args(&[V]), None, one(Type::V128), Plain, NO_ACCESS;
    I32x4TruncSatF32x4U = "trunc_sat_f32x4_u.i32x4", PURE, Shape::I32x4, args(&[V]), None, one(Type::V128), Plain, NO_ACCESS;
    F32x4ConvertI32x4S = "convert_i32x4_s.f32x4", PURE, Shape::F32x4, args(&[V]), None, one(Type::V128), Plain, NO_ACCESS;
    F32x4ConvertI32x4U = "convert_i32x4_u.f32x4", PURE, Shape::F32x4, args(&[V]), None, one(Type::V128), Plain, NO_ACCESS;
    I32x4TruncSatF64x2SZero = "trunc_sat_f64x2_s_zero.i32x4", PURE, Shape::I32x4, args(&[V]), None, one(Type::V128), Plain, NO_ACCESS;
    I32x4TruncSatF64x2UZero = "trunc_sat_f64x2_u_zero.i32x4", PURE, Shape::I32x4, args(&[V]), None, one(Type::V128), Plain, NO_ACCESS;
    F64x2ConvertLowI32x4S = "convert_low_i32x4_s.f64x2", PURE, Shape::F64x2, args(&[V]), None, one(Type::V128), Plain, NO_ACCESS;
    F64x2ConvertLowI32x4U = "convert_low_i32x4_u.f64x2", PURE, Shape::F64x2, args(&[V]), None, one(Type::V128), Plain, NO_ACCESS;
    F32x4DemoteF64x2Zero = "demote_f64x2_zero.f32x4", PURE, Shape::F32x4, args(&[V]), None, one(Type::V128), Plain, NO_ACCESS;
    F64x2PromoteLowF32x4 = "promote_low_f32x4.f64x2", PURE, Shape::F64x2, args(&[V]), None, one(Type::V128), Plain, NO_ACCESS;
}

impl SimdOp {
    /// Every fact about this operation: its row of the table.
    pub fn info(self) -> &'static OpInfo {
        &SIMD_TABLE[self as usize]
    }

    /// The lane shape (the table's shape column).
    pub fn shape(self) -> Shape {
        self.info().shape.expect("every SIMD row has a shape")
    }

    /// For a lane immediate: how many lanes there are to choose from (extract/replace:
    /// the shape's lanes; a lane load/store: 16 / the access width).
    pub fn lane_count(self) -> u32 {
        match self.info().access {
            Access::Load(Width::Bytes(n)) | Access::Store(Width::Bytes(n)) if self.info().imm == ImmKind::MemLane => {
                16 / n
            }
            Access::Load(_) | Access::Store(_) | Access::None => self.shape().lanes(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn all_236_fixed_width_operators_have_a_row() {
        assert_eq!(SimdOp::ALL.len(), 236);
        assert_eq!(SIMD_TABLE.len(), 236);
        for (n, &op) in SimdOp::ALL.iter().enumerate() {
            assert_eq!(op as usize, n);
            let shape = op.shape().name();
            assert!(op.info().name.ends_with(&format!(".{shape}")), "{op:?}: the name ends with its shape");
        }
    }
}
