//! Storage for one wasm linear memory: an 8 GiB (+ guard) address-space reservation
//! whose first `len` bytes are readable and writable and the rest inaccessible.
//!
//! Growing never moves the memory. Because every wasm32 address plus static offset
//! lies below 8 GiB, native code may access `base + addr + offset` without a bounds
//! check: an access past `len` faults in the inaccessible part, and the native
//! engine's signal handler turns that into an out-of-bounds trap. This file only
//! manages the mapping; it never handles signals.

use std::fmt;
use std::ops::{Deref, DerefMut};
use std::ptr::NonNull;

/// Bytes reserved per memory: 4 GiB of addresses + 4 GiB of offsets + room for the
/// widest access.
pub const RESERVATION: usize = (8 << 30) + (64 << 10);

pub struct LinearMemory {
    base: NonNull<u8>,
    len: usize,
}

// The mapping is owned by this value alone.
unsafe impl Send for LinearMemory {}

impl LinearMemory {
    /// A zeroed memory of `len` bytes (a multiple of the page size); `None` when the OS
    /// refuses the reservation or the commit.
    pub fn new(len: usize) -> Option<LinearMemory> {
        // SAFETY: a fresh private anonymous mapping, inaccessible until committed.
        unsafe {
            let p = libc::mmap(
                std::ptr::null_mut(),
                RESERVATION,
                libc::PROT_NONE,
                libc::MAP_PRIVATE | libc::MAP_ANONYMOUS | libc::MAP_NORESERVE,
                -1,
                0,
            );
            if p == libc::MAP_FAILED {
                return None;
            }
            let mut m = LinearMemory { base: NonNull::new_unchecked(p as *mut u8), len: 0 };
            if !m.grow_to(len) {
                return None;
            }
            Some(m)
        }
    }

    /// Makes the first `new_len` bytes accessible (zeroed beyond the old length).
    pub fn grow_to(&mut self, new_len: usize) -> bool {
        if new_len > RESERVATION / 2 {
            return false;
        }
        if new_len > self.len {
            // SAFETY: within our reservation; fresh pages read as zero.
            let ok = unsafe {
                libc::mprotect(
                    self.base.as_ptr().add(self.len) as *mut libc::c_void,
                    new_len - self.len,
                    libc::PROT_READ | libc::PROT_WRITE,
                ) == 0
            };
            if !ok {
                return false;
            }
            self.len = new_len;
        }
        true
    }

    pub fn base(&self) -> *mut u8 {
        self.base.as_ptr()
    }
}

impl Deref for LinearMemory {
    type Target = [u8];
    fn deref(&self) -> &[u8] {
        // SAFETY: the first `len` bytes are mapped read/write.
        unsafe { std::slice::from_raw_parts(self.base.as_ptr(), self.len) }
    }
}

impl DerefMut for LinearMemory {
    fn deref_mut(&mut self) -> &mut [u8] {
        // SAFETY: as above, and we hold the only reference.
        unsafe { std::slice::from_raw_parts_mut(self.base.as_ptr(), self.len) }
    }
}

impl Clone for LinearMemory {
    fn clone(&self) -> Self {
        let mut m = LinearMemory::new(self.len).expect("address space for a memory copy");
        m.copy_from_slice(self);
        m
    }
}

impl fmt::Debug for LinearMemory {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "LinearMemory({} bytes)", self.len)
    }
}

impl Drop for LinearMemory {
    fn drop(&mut self) {
        // SAFETY: we mapped exactly this reservation.
        unsafe {
            libc::munmap(self.base.as_ptr() as *mut libc::c_void, RESERVATION);
        }
    }
}
