//! perf's jitdump format (`tools/perf/Documentation/jitdump-specification.txt` in Linux):
//! `/tmp/jit-PID.dump` holds a header and one `JIT_CODE_LOAD` record per piece of code,
//! with its name, address and bytes. The file is then mapped executable once, so that a
//! `perf record -k mono` of the process sees the mapping; `perf inject --jit` finds the
//! dump through it and writes one ELF file per function, so `perf report` names samples and
//! `perf annotate` shows the instructions of compiled wasm functions.
//!
//! ```text
//!  header   magic 'JiTD' (0x4A695444) | version 1 | header size 40 | e_machine | pad | pid | timestamp | flags
//!  record   id 0 (JIT_CODE_LOAD) | size | timestamp | pid | tid | vma | code addr | code size
//!           | code index | name, NUL-terminated | code bytes
//! ```
//!
//! Timestamps are `CLOCK_MONOTONIC` nanoseconds, which is why perf must record with
//! `-k mono`. The file and the mapping stay until the process ends (perf reads them later).
//! This file writes what it is given; it never decides names.

use super::CodeSymbol;
use std::io::Write;
use std::path::PathBuf;

const MAGIC: u32 = 0x4A69_5444;
const VERSION: u32 = 1;
const HEADER_SIZE: u32 = 40;
const JIT_CODE_LOAD: u32 = 0;
const EM_X86_64: u32 = 62;

/// Where the dump of process `pid` goes (perf needs the name `jit-PID.dump`).
pub fn path_for(pid: u32) -> PathBuf {
    PathBuf::from(format!("/tmp/jit-{pid}.dump"))
}

fn monotonic_ns() -> u64 {
    let mut ts = libc::timespec { tv_sec: 0, tv_nsec: 0 };
    // SAFETY: a plain system call writing into `ts`.
    unsafe { libc::clock_gettime(libc::CLOCK_MONOTONIC, &mut ts) };
    ts.tv_sec as u64 * 1_000_000_000 + ts.tv_nsec as u64
}

/// The dump's bytes: the header, then one load record per symbol; `code` holds each
/// symbol's bytes.
pub fn render(symbols: &[(CodeSymbol, &[u8])], pid: u32, tid: u32, timestamp: u64) -> Vec<u8> {
    let mut b = Vec::new();
    let u32s = |b: &mut Vec<u8>, v: &[u32]| v.iter().for_each(|x| b.extend_from_slice(&x.to_le_bytes()));
    let u64s = |b: &mut Vec<u8>, v: &[u64]| v.iter().for_each(|x| b.extend_from_slice(&x.to_le_bytes()));
    u32s(&mut b, &[MAGIC, VERSION, HEADER_SIZE, EM_X86_64, 0, pid]);
    u64s(&mut b, &[timestamp, 0]);
    for (k, (sym, code)) in symbols.iter().enumerate() {
        let name: Vec<u8> = sym.name.bytes().filter(|&c| c != 0).collect();
        let size = 16 + 8 + 32 + name.len() + 1 + code.len();
        u32s(&mut b, &[JIT_CODE_LOAD, size as u32]);
        u64s(&mut b, &[timestamp]);
        u32s(&mut b, &[pid, tid]);
        u64s(&mut b, &[sym.start, sym.start, code.len() as u64, k as u64]);
        b.extend_from_slice(&name);
        b.push(0);
        b.extend_from_slice(code);
    }
    b
}

/// Writes this process's dump and maps it executable (for perf to see); its path.
pub fn write(symbols: &[(CodeSymbol, &[u8])]) -> std::io::Result<PathBuf> {
    let pid = std::process::id();
    // SAFETY: a plain system call.
    let tid = unsafe { libc::syscall(libc::SYS_gettid) } as u32;
    let path = path_for(pid);
    // Readable too: mapping a file needs read access.
    let mut f = std::fs::OpenOptions::new().read(true).write(true).create(true).truncate(true).open(&path)?;
    f.write_all(&render(symbols, pid, tid, monotonic_ns()))?;
    f.flush()?;
    use std::os::fd::AsRawFd;
    // SAFETY: maps the first page of a file we just wrote; the mapping is never unmapped
    // (perf only needs to see it) and never read by us.
    let p = unsafe {
        libc::mmap(std::ptr::null_mut(), 4096, libc::PROT_READ | libc::PROT_EXEC, libc::MAP_PRIVATE, f.as_raw_fd(), 0)
    };
    if p == libc::MAP_FAILED {
        return Err(std::io::Error::last_os_error());
    }
    Ok(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_load_record_follows_the_header() {
        let sym = CodeSymbol { start: 0x1000, size: 2, name: "f".into() };
        let b = render(&[(sym, &[0x90, 0xc3])], 7, 8, 99);
        assert_eq!(&b[..4], &MAGIC.to_le_bytes());
        assert_eq!(b.len(), 40 + 16 + 8 + 32 + 2 + 2);
        let rec = &b[40..];
        assert_eq!(u32::from_le_bytes(rec[4..8].try_into().unwrap()) as usize, rec.len());
        assert_eq!(&rec[rec.len() - 4..], &[b'f', 0, 0x90, 0xc3]);
    }
}
