//! `args_*` and `environ_*`: the command line and environment the guest sees.
//!
//! Only what the embedder passed in [`super::WasiConfig`] is visible: the host's own
//! environment is never leaked to the guest.

use super::errno::{Errno, WasiResult};
use super::mem::GuestMemory;

/// Writes `(count, total bytes)` of a list of NUL-terminated strings to two guest words.
fn sizes_get(mem: &mut GuestMemory, items: &[Vec<u8>], count_ptr: u32, size_ptr: u32) -> WasiResult<()> {
    let count = u32::try_from(items.len()).map_err(|_| Errno::Overflow)?;
    let size: usize = items.iter().map(|s| s.len() + 1).sum();
    let size = u32::try_from(size).map_err(|_| Errno::Overflow)?;
    mem.write_u32(count_ptr, count)?;
    mem.write_u32(size_ptr, size)
}

/// Writes the strings NUL-terminated into `buf` and a pointer to each into `ptrs`.
fn list_get(mem: &mut GuestMemory, items: &[Vec<u8>], ptrs: u32, buf: u32) -> WasiResult<()> {
    let mut at = buf;
    for (i, s) in items.iter().enumerate() {
        let slot = ptrs.checked_add(4 * i as u32).ok_or(Errno::Fault)?;
        mem.write_u32(slot, at)?;
        mem.write(at, s)?;
        let end = at.checked_add(s.len() as u32).ok_or(Errno::Fault)?;
        mem.write_u8(end, 0)?;
        at = end.checked_add(1).ok_or(Errno::Fault)?;
    }
    Ok(())
}

/// The guest's `argv` and `environ` (`K=V` strings), as bytes.
#[derive(Clone, Debug, Default)]
pub struct ArgsEnv {
    pub args: Vec<Vec<u8>>,
    pub env: Vec<Vec<u8>>,
}

impl ArgsEnv {
    pub fn new(args: &[String], env: &[(String, String)]) -> Self {
        ArgsEnv {
            args: args.iter().map(|a| a.as_bytes().to_vec()).collect(),
            env: env.iter().map(|(k, v)| format!("{k}={v}").into_bytes()).collect(),
        }
    }

    pub fn args_sizes_get(&self, mem: &mut GuestMemory, argc: u32, buf_size: u32) -> WasiResult<()> {
        sizes_get(mem, &self.args, argc, buf_size)
    }

    pub fn args_get(&self, mem: &mut GuestMemory, argv: u32, buf: u32) -> WasiResult<()> {
        list_get(mem, &self.args, argv, buf)
    }

    pub fn environ_sizes_get(&self, mem: &mut GuestMemory, count: u32, buf_size: u32) -> WasiResult<()> {
        sizes_get(mem, &self.env, count, buf_size)
    }

    pub fn environ_get(&self, mem: &mut GuestMemory, environ: u32, buf: u32) -> WasiResult<()> {
        list_get(mem, &self.env, environ, buf)
    }
}
