//! Linear-memory access with wasm semantics: bounds-checked little-endian loads and
//! stores, `memory.fill` and `memory.copy`.
//!
//! The effective address is `addr + offset` computed without wrapping (`addr` is read as
//! unsigned; a 32-bit address can never wrap past 2^64), and an access traps with
//! [`TrapCode::MemoryOutOfBounds`] unless every byte of it lies inside the memory.
//! Bulk operations check their whole range before writing anything, so an
//! out-of-bounds fill or copy leaves memory unchanged; a zero length is in bounds at
//! any address up to and including the memory size.
//!
//! This file works on byte slices only: it never calls an [`super::Env`].

use crate::instructions::TrapCode;

/// The byte range `[start, start + len)` as `usize` indices, if it lies within `size`.
#[inline]
fn range(start: u64, len: u64, size: usize) -> Result<std::ops::Range<usize>, TrapCode> {
    match start.checked_add(len) {
        Some(end) if end <= size as u64 => Ok(start as usize..end as usize),
        _ => Err(TrapCode::MemoryOutOfBounds),
    }
}

/// Reads `N` (1, 2, 4 or 8) bytes at `addr + offset`, little-endian, zero-extended.
/// (An integer rather than a byte array, so the evaluator keeps it in a register.)
#[inline]
pub fn load<const N: usize>(mem: &[u8], addr: u64, offset: u64) -> Result<u64, TrapCode> {
    let ea = addr.checked_add(offset).ok_or(TrapCode::MemoryOutOfBounds)?;
    let r = range(ea, N as u64, mem.len())?;
    let b = &mem[r];
    Ok(match N {
        1 => b[0] as u64,
        2 => u16::from_le_bytes([b[0], b[1]]) as u64,
        4 => u32::from_le_bytes([b[0], b[1], b[2], b[3]]) as u64,
        8 => u64::from_le_bytes([b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7]]),
        _ => unreachable!("no {N}-byte access in wasm"),
    })
}

/// Writes the low `N` (1, 2, 4 or 8) bytes of `value` at `addr + offset`, little-endian.
#[inline]
pub fn store<const N: usize>(mem: &mut [u8], addr: u64, offset: u64, value: u64) -> Result<(), TrapCode> {
    let ea = addr.checked_add(offset).ok_or(TrapCode::MemoryOutOfBounds)?;
    let r = range(ea, N as u64, mem.len())?;
    mem[r].copy_from_slice(&value.to_le_bytes()[..N]);
    Ok(())
}

/// The `len` bytes at `addr + offset` (a SIMD access of any width).
pub fn read(mem: &[u8], addr: u64, offset: u64, len: u64) -> Result<&[u8], TrapCode> {
    let ea = addr.checked_add(offset).ok_or(TrapCode::MemoryOutOfBounds)?;
    let r = range(ea, len, mem.len())?;
    Ok(&mem[r])
}

/// Writes `bytes` at `addr + offset` (a SIMD access of any width).
pub fn write(mem: &mut [u8], addr: u64, offset: u64, bytes: &[u8]) -> Result<(), TrapCode> {
    let ea = addr.checked_add(offset).ok_or(TrapCode::MemoryOutOfBounds)?;
    let r = range(ea, bytes.len() as u64, mem.len())?;
    mem[r].copy_from_slice(bytes);
    Ok(())
}

/// `memory.fill`: sets `len` bytes at `dst` to `byte`.
pub fn fill(mem: &mut [u8], dst: u64, byte: u8, len: u64) -> Result<(), TrapCode> {
    let r = range(dst, len, mem.len())?;
    mem[r].fill(byte);
    Ok(())
}

/// `memory.copy` within one memory: copies `len` bytes from `src` to `dst`; the ranges
/// may overlap (memmove).
pub fn copy(mem: &mut [u8], dst: u64, src: u64, len: u64) -> Result<(), TrapCode> {
    let s = range(src, len, mem.len())?;
    let d = range(dst, len, mem.len())?;
    mem.copy_within(s, d.start);
    Ok(())
}

/// The source bytes of a `memory.copy` between two memories (checked against the source).
pub fn read_range(mem: &[u8], src: u64, len: u64) -> Result<&[u8], TrapCode> {
    let s = range(src, len, mem.len())?;
    Ok(&mem[s])
}

/// The destination bytes of a `memory.copy` between two memories (checked against the
/// destination).
pub fn write_range(mem: &mut [u8], dst: u64, len: u64) -> Result<&mut [u8], TrapCode> {
    let d = range(dst, len, mem.len())?;
    Ok(&mut mem[d])
}

#[cfg(test)]
mod tests {
    use super::*;
    const OOB: TrapCode = TrapCode::MemoryOutOfBounds;

    #[test]
    fn loads_are_bounds_checked_and_little_endian() {
        let mut mem = vec![0u8; 16];
        mem[12..16].copy_from_slice(&[1, 2, 3, 4]);
        assert_eq!(load::<4>(&mem, 12, 0), Ok(0x0403_0201));
        assert_eq!(load::<2>(&mem, 4, 10), Ok(0x0403));
        assert_eq!(load::<8>(&mem, 8, 0), Ok(0x0403_0201_0000_0000));
        assert_eq!(load::<4>(&mem, 13, 0), Err(OOB));
        assert_eq!(load::<1>(&mem, 15, 0), Ok(4));
        assert_eq!(load::<1>(&mem, 16, 0), Err(OOB));
        assert_eq!(load::<8>(&mem, 0xffff_ffff, 0xffff_ffff), Err(OOB));
        assert_eq!(load::<1>(&mem, 1, u64::MAX), Err(OOB));
    }

    #[test]
    fn stores_write_nothing_when_out_of_bounds() {
        let mut mem = vec![0u8; 8];
        assert_eq!(store::<4>(&mut mem, 6, 0, 0x0909_0909), Err(OOB));
        assert_eq!(mem, vec![0; 8]);
        store::<4>(&mut mem, 4, 0, 0xffff_0102_0304).unwrap();
        assert_eq!(mem, vec![0, 0, 0, 0, 4, 3, 2, 1]);
    }

    #[test]
    fn fill_bounds() {
        let mut mem = vec![0u8; 8];
        assert_eq!(fill(&mut mem, 8, 1, 0), Ok(()));
        assert_eq!(fill(&mut mem, 9, 1, 0), Err(OOB));
        assert_eq!(fill(&mut mem, 4, 1, 5), Err(OOB));
        assert_eq!(mem, vec![0; 8]);
        fill(&mut mem, 2, 7, 3).unwrap();
        assert_eq!(mem, vec![0, 0, 7, 7, 7, 0, 0, 0]);
    }

    #[test]
    fn copy_is_memmove() {
        let mut mem: Vec<u8> = (0..8).collect();
        copy(&mut mem, 2, 0, 4).unwrap();
        assert_eq!(mem, vec![0, 1, 0, 1, 2, 3, 6, 7]);
        let mut mem: Vec<u8> = (0..8).collect();
        copy(&mut mem, 0, 2, 4).unwrap();
        assert_eq!(mem, vec![2, 3, 4, 5, 4, 5, 6, 7]);
        assert_eq!(copy(&mut mem, 0, 5, 4), Err(OOB));
        assert_eq!(copy(&mut mem, 5, 0, 4), Err(OOB));
        assert_eq!(copy(&mut mem, 8, 8, 0), Ok(()));
        assert_eq!(copy(&mut mem, 9, 0, 0), Err(OOB));
    }
}
