//! Executable memory for compiled code: mapped writable, filled, then switched to
//! read + execute before anything runs. Never writable and executable at once.

use std::ptr::NonNull;

/// A read + execute mapping holding a copy of some code.
pub struct CodeMemory {
    ptr: NonNull<u8>,
    len: usize,
}

// The mapping is immutable once made; sharing its address between threads is safe.
unsafe impl Send for CodeMemory {}
unsafe impl Sync for CodeMemory {}

impl CodeMemory {
    /// Maps `code` read + execute. Fails only when the OS refuses the mapping.
    pub fn new(code: &[u8]) -> std::io::Result<CodeMemory> {
        let len = code.len().max(1).div_ceil(4096) * 4096;
        // SAFETY: a fresh anonymous private mapping; we own it until drop.
        unsafe {
            let p = libc::mmap(
                std::ptr::null_mut(),
                len,
                libc::PROT_READ | libc::PROT_WRITE,
                libc::MAP_PRIVATE | libc::MAP_ANONYMOUS,
                -1,
                0,
            );
            if p == libc::MAP_FAILED {
                return Err(std::io::Error::last_os_error());
            }
            std::ptr::copy_nonoverlapping(code.as_ptr(), p as *mut u8, code.len());
            if libc::mprotect(p, len, libc::PROT_READ | libc::PROT_EXEC) != 0 {
                let e = std::io::Error::last_os_error();
                libc::munmap(p, len);
                return Err(e);
            }
            Ok(CodeMemory { ptr: NonNull::new_unchecked(p as *mut u8), len })
        }
    }

    pub fn base(&self) -> *const u8 {
        self.ptr.as_ptr()
    }
}

impl Drop for CodeMemory {
    fn drop(&mut self) {
        // SAFETY: we mapped exactly this range in `new`.
        unsafe {
            libc::munmap(self.ptr.as_ptr() as *mut libc::c_void, self.len);
        }
    }
}
