//! Arguments for the exported functions: several sets per function, drawn from edge
//! values (0, ±1, MIN, MAX, shift widths, page sizes, ±0.0, infinities, canonical,
//! arithmetic and signalling NaNs of both signs, subnormals, the limits of float→int
//! conversion) and random bits.
//!
//! Set 0 is all zeros (null references); set 1 is edge values only; later sets mix
//! edge values, small numbers and random bits. Reference parameters get `null`, or for
//! `externref` sometimes a small host number. Everything comes from the [`Rng`] handed
//! in, so a seed fixes every argument; this file never reads anything else.

use super::generate::Rng;
use wlab_ir::interp::Val;
use wlab_ir::Type;

const I32_EDGES: &[i32] = &[0, 1, -1, 2, i32::MIN, i32::MAX, 31, 32, 63, 64, 0xffff, 0x1_0000, -0x1_0000, 0x7fff_fff8];

const I64_EDGES: &[i64] =
    &[0, 1, -1, i64::MIN, i64::MAX, i32::MIN as i64, i32::MAX as i64, u32::MAX as i64, 63, 64, 1 << 32, 0x1_0000];

const F32_EDGES: &[u32] = &[
    0x0000_0000, // +0
    0x8000_0000, // -0
    0x3f80_0000, // 1
    0xbf80_0000, // -1
    0x3f00_0000, // 0.5
    0xbfc0_0000, // -1.5
    0x4020_0000, // 2.5
    0x7f80_0000, // +inf
    0xff80_0000, // -inf
    0x7fc0_0000, // canonical NaN
    0xffc0_0000, // -canonical NaN
    0x7fc0_0001, // arithmetic NaN
    0x7f80_0001, // signalling NaN
    0xff80_0001, // -signalling NaN
    0x7f7f_ffff, // MAX
    0x0080_0000, // MIN_POSITIVE
    0x0000_0001, // smallest subnormal
    0x4f00_0000, // 2^31
    0xcf00_0000, // -2^31
    0x4eff_ffff, // largest below 2^31
    0x4f80_0000, // 2^32
    0x4f7f_ffff, // largest below 2^32
    0x5f00_0000, // 2^63
    0xdf00_0000, // -2^63
];

const F64_EDGES: &[u64] = &[
    0x0000_0000_0000_0000,
    0x8000_0000_0000_0000,
    0x3ff0_0000_0000_0000,
    0xbff0_0000_0000_0000,
    0x3fe0_0000_0000_0000,
    0xbff8_0000_0000_0000,
    0x4004_0000_0000_0000,
    0x7ff0_0000_0000_0000,
    0xfff0_0000_0000_0000,
    0x7ff8_0000_0000_0000,
    0xfff8_0000_0000_0000,
    0x7ff8_0000_0000_0001,
    0x7ff0_0000_0000_0001,
    0xfff0_0000_0000_0001,
    0x7fef_ffff_ffff_ffff,
    0x0010_0000_0000_0000,
    0x0000_0000_0000_0001,
    0x41e0_0000_0000_0000, // 2^31
    0xc1e0_0000_0000_0000, // -2^31
    0xc1e0_0000_0020_0000, // -2^31 - 1
    0x41ef_ffff_ffff_ffff, // just below 2^32
    0x41f0_0000_0000_0000, // 2^32
    0x43e0_0000_0000_0000, // 2^63
    0xc3e0_0000_0000_0000, // -2^63
    0x43f0_0000_0000_0000, // 2^64
];

fn pick<T: Copy>(rng: &mut Rng, from: &[T]) -> T {
    from[rng.below(from.len() as u64) as usize]
}

/// One argument of type `ty` for argument set `set`.
pub fn arg(ty: Type, set: usize, rng: &mut Rng) -> Val {
    if set == 0 {
        return Val::default_for(ty);
    }
    // 0: edge, 1: small, 2: random bits
    let how = if set == 1 { 0 } else { rng.below(3) };
    match ty {
        Type::I32 => Val::I32(match how {
            0 => pick(rng, I32_EDGES),
            1 => rng.below(33) as i32 - 16,
            _ => rng.next_u64() as i32,
        }),
        Type::I64 => Val::I64(match how {
            0 => pick(rng, I64_EDGES),
            1 => rng.below(129) as i64 - 64,
            _ => rng.next_u64() as i64,
        }),
        Type::F32 => Val::F32(match how {
            0 => pick(rng, F32_EDGES),
            1 => ((rng.below(33) as i32 - 16) as f32 * 0.5).to_bits(),
            _ => rng.next_u64() as u32,
        }),
        Type::F64 => Val::F64(match how {
            0 => pick(rng, F64_EDGES),
            1 => ((rng.below(33) as i32 - 16) as f64 * 0.25).to_bits(),
            _ => rng.next_u64(),
        }),
        Type::FuncRef => Val::FuncRef(None),
        Type::ExternRef => Val::ExternRef(if rng.one_in(2) { None } else { Some(rng.below(4) as u32) }),
        Type::V128 => Val::V128(((rng.next_u64() as u128) << 64 | rng.next_u64() as u128).to_le_bytes()),
    }
}

/// Arguments for parameters `params`, set number `set`.
pub fn args(params: &[Type], set: usize, rng: &mut Rng) -> Vec<Val> {
    params.iter().map(|&t| arg(t, set, rng)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn set_zero_is_zeros_and_sets_are_reproducible() {
        let params = [Type::I32, Type::I64, Type::F32, Type::F64, Type::ExternRef, Type::FuncRef];
        let zeros = args(&params, 0, &mut Rng::new(1));
        assert_eq!(zeros, params.iter().map(|&t| Val::default_for(t)).collect::<Vec<_>>());
        for set in 1..5 {
            assert_eq!(args(&params, set, &mut Rng::new(9)), args(&params, set, &mut Rng::new(9)));
        }
        let mut rng = Rng::new(3);
        let edges: Vec<Val> = (0..64).map(|_| arg(Type::F32, 1, &mut rng)).collect();
        assert!(edges.iter().all(|v| matches!(v, Val::F32(b) if F32_EDGES.contains(b))));
    }
}
