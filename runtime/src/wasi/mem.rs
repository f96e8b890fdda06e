//! Bounds-checked access to the guest's linear memory for WASI calls: little-endian
//! loads and stores, byte ranges, and `iovec` arrays.
//!
//! A guest pointer that is out of bounds is `Errno::Fault`, never a panic or an access
//! outside the slice. This file knows nothing about files or WASI semantics.

use super::errno::{Errno, WasiResult};

/// The guest's memory during one WASI call.
pub struct GuestMemory<'a> {
    bytes: &'a mut [u8],
}

impl<'a> GuestMemory<'a> {
    pub fn new(bytes: &'a mut [u8]) -> Self {
        GuestMemory { bytes }
    }

    fn range(&self, ptr: u32, len: u32) -> WasiResult<std::ops::Range<usize>> {
        let start = ptr as usize;
        let end = start.checked_add(len as usize).ok_or(Errno::Fault)?;
        if end > self.bytes.len() {
            return Err(Errno::Fault);
        }
        Ok(start..end)
    }

    /// `len` bytes at `ptr`.
    pub fn slice(&self, ptr: u32, len: u32) -> WasiResult<&[u8]> {
        let r = self.range(ptr, len)?;
        Ok(&self.bytes[r])
    }

    /// `len` writable bytes at `ptr`.
    pub fn slice_mut(&mut self, ptr: u32, len: u32) -> WasiResult<&mut [u8]> {
        let r = self.range(ptr, len)?;
        Ok(&mut self.bytes[r])
    }

    pub fn read_u32(&self, ptr: u32) -> WasiResult<u32> {
        let b = self.slice(ptr, 4)?;
        Ok(u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
    }

    pub fn read_u64(&self, ptr: u32) -> WasiResult<u64> {
        let b = self.slice(ptr, 8)?;
        let mut a = [0u8; 8];
        a.copy_from_slice(b);
        Ok(u64::from_le_bytes(a))
    }

    pub fn read_u16(&self, ptr: u32) -> WasiResult<u16> {
        let b = self.slice(ptr, 2)?;
        Ok(u16::from_le_bytes([b[0], b[1]]))
    }

    pub fn read_u8(&self, ptr: u32) -> WasiResult<u8> {
        Ok(self.slice(ptr, 1)?[0])
    }

    pub fn write(&mut self, ptr: u32, data: &[u8]) -> WasiResult<()> {
        let len = u32::try_from(data.len()).map_err(|_| Errno::Fault)?;
        self.slice_mut(ptr, len)?.copy_from_slice(data);
        Ok(())
    }

    pub fn write_u8(&mut self, ptr: u32, v: u8) -> WasiResult<()> {
        self.write(ptr, &[v])
    }

    pub fn write_u16(&mut self, ptr: u32, v: u16) -> WasiResult<()> {
        self.write(ptr, &v.to_le_bytes())
    }

    pub fn write_u32(&mut self, ptr: u32, v: u32) -> WasiResult<()> {
        self.write(ptr, &v.to_le_bytes())
    }

    pub fn write_u64(&mut self, ptr: u32, v: u64) -> WasiResult<()> {
        self.write(ptr, &v.to_le_bytes())
    }

    /// A guest string (`ptr`, `len`) as UTF-8; `Ilseq` when it is not.
    pub fn str(&self, ptr: u32, len: u32) -> WasiResult<String> {
        let b = self.slice(ptr, len)?;
        std::str::from_utf8(b).map(str::to_owned).map_err(|_| Errno::Ilseq)
    }

    /// The `(buf, len)` pairs of an array of `count` `iovec`s at `ptr`, each checked in bounds.
    pub fn iovecs(&self, ptr: u32, count: u32) -> WasiResult<Vec<(u32, u32)>> {
        let mut out = Vec::with_capacity(count.min(1024) as usize);
        for i in 0..count {
            let at = ptr.checked_add(i.checked_mul(8).ok_or(Errno::Fault)?).ok_or(Errno::Fault)?;
            let buf = self.read_u32(at)?;
            let len = self.read_u32(at.checked_add(4).ok_or(Errno::Fault)?)?;
            self.range(buf, len)?;
            out.push((buf, len));
        }
        Ok(out)
    }

    /// The bytes of an array of output `iovec`s, concatenated.
    pub fn gather(&self, ptr: u32, count: u32) -> WasiResult<Vec<u8>> {
        let mut data = Vec::new();
        for (buf, len) in self.iovecs(ptr, count)? {
            data.extend_from_slice(self.slice(buf, len)?);
        }
        Ok(data)
    }

    /// Copies `data` into an array of input `iovec`s in order; the number of bytes placed.
    pub fn scatter(&mut self, iovs: &[(u32, u32)], data: &[u8]) -> WasiResult<u32> {
        let mut done = 0usize;
        for &(buf, len) in iovs {
            if done == data.len() {
                break;
            }
            let n = (len as usize).min(data.len() - done);
            self.write(buf, &data[done..done + n])?;
            done += n;
        }
        Ok(done as u32)
    }
}

/// Total bytes an `iovec` array describes (saturating at `u32::MAX`).
pub fn iovecs_len(iovs: &[(u32, u32)]) -> u32 {
    iovs.iter().fold(0u32, |acc, &(_, len)| acc.saturating_add(len))
}
