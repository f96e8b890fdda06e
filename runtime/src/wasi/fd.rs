//! The file-descriptor table: stdio, preopened directories, and the files and
//! directories the guest opened, with the `fd_*` operations on them.
//!
//! ```text
//!  fd 0 stdin, 1 stdout, 2 stderr   (inherited, or in-memory buffers for tests)
//!  fd 3.. preopens, in `--dir` order (Dir { root, components: [], preopen: Some(guest name) })
//!  then whatever path_open returns   (lowest free number)
//! ```
//!
//! A directory entry keeps its granted root and its plain components below it, so every
//! path resolved from it stays inside that root (see [`super::path`]). Rights are
//! reported (all of them) but not enforced: the sandbox is the path confinement. Every
//! failure is an [`Errno`]; nothing here panics on guest input.

use super::errno::{Errno, WasiResult};
use super::mem::GuestMemory;
use std::cell::RefCell;
use std::collections::BTreeMap;
use std::fs::{File, Metadata};
use std::io::{IsTerminal, Read, Seek, SeekFrom, Write};
use std::os::unix::fs::{FileExt, FileTypeExt, MetadataExt};
use std::path::PathBuf;
use std::rc::Rc;

/// `filetype` values.
pub mod filetype {
    pub const UNKNOWN: u8 = 0;
    pub const BLOCK_DEVICE: u8 = 1;
    pub const CHARACTER_DEVICE: u8 = 2;
    pub const DIRECTORY: u8 = 3;
    pub const REGULAR_FILE: u8 = 4;
    pub const SOCKET_STREAM: u8 = 6;
    pub const SYMBOLIC_LINK: u8 = 7;
}

/// `fdflags::append`.
pub const FDFLAGS_APPEND: u16 = 1;
/// Every preview1 right (bits 0..=28).
pub const RIGHTS_ALL: u64 = (1 << 29) - 1;
const RIGHT_FD_SEEK: u64 = 1 << 2;
const RIGHT_FD_TELL: u64 = 1 << 5;

/// Where a guest's stdout or stderr goes.
#[derive(Clone, Debug)]
pub enum OutputSink {
    /// The host process's own stream.
    Inherit,
    /// An in-memory buffer (tests).
    Buffer(Rc<RefCell<Vec<u8>>>),
}

/// Where a guest's stdin comes from.
#[derive(Clone, Debug)]
pub enum InputSource {
    /// The host process's stdin.
    Inherit,
    /// These bytes, then end of file.
    Bytes(Vec<u8>),
}

/// One open descriptor.
#[derive(Debug)]
pub enum FdEntry {
    Stdin { source: InputSource, pos: usize },
    Stdout(OutputSink),
    Stderr(OutputSink),
    File { file: File, append: bool },
    Dir { root: PathBuf, components: Vec<String>, preopen: Option<String> },
}

/// The table of open descriptors.
#[derive(Debug, Default)]
pub struct FdTable {
    fds: BTreeMap<u32, FdEntry>,
}

/// A `filestat` record.
#[derive(Clone, Copy, Debug, Default)]
pub struct Filestat {
    pub dev: u64,
    pub ino: u64,
    pub filetype: u8,
    pub nlink: u64,
    pub size: u64,
    pub atim: u64,
    pub mtim: u64,
    pub ctim: u64,
}

impl Filestat {
    pub fn from_metadata(m: &Metadata) -> Filestat {
        let ns = |s: i64, n: i64| (s.max(0) as u64).saturating_mul(1_000_000_000).saturating_add(n.max(0) as u64);
        Filestat {
            dev: m.dev(),
            ino: m.ino(),
            filetype: filetype_of(m),
            nlink: m.nlink(),
            size: m.size(),
            atim: ns(m.atime(), m.atime_nsec()),
            mtim: ns(m.mtime(), m.mtime_nsec()),
            ctim: ns(m.ctime(), m.ctime_nsec()),
        }
    }

    /// Writes the 64-byte record at `ptr`.
    pub fn write(&self, mem: &mut GuestMemory, ptr: u32) -> WasiResult<()> {
        let mut b = [0u8; 64];
        b[0..8].copy_from_slice(&self.dev.to_le_bytes());
        b[8..16].copy_from_slice(&self.ino.to_le_bytes());
        b[16] = self.filetype;
        b[24..32].copy_from_slice(&self.nlink.to_le_bytes());
        b[32..40].copy_from_slice(&self.size.to_le_bytes());
        b[40..48].copy_from_slice(&self.atim.to_le_bytes());
        b[48..56].copy_from_slice(&self.mtim.to_le_bytes());
        b[56..64].copy_from_slice(&self.ctim.to_le_bytes());
        mem.write(ptr, &b)
    }
}

/// The WASI filetype of host metadata (not following symlinks if it was taken so).
pub fn filetype_of(m: &Metadata) -> u8 {
    let t = m.file_type();
    if t.is_dir() {
        filetype::DIRECTORY
    } else if t.is_file() {
        filetype::REGULAR_FILE
    } else if t.is_symlink() {
        filetype::SYMBOLIC_LINK
    } else if t.is_char_device() {
        filetype::CHARACTER_DEVICE
    } else if t.is_block_device() {
        filetype::BLOCK_DEVICE
    } else if t.is_socket() {
        filetype::SOCKET_STREAM
    } else {
        filetype::UNKNOWN
    }
}

fn io_err(e: std::io::Error) -> Errno {
    Errno::from_io(&e)
}

/// The filetype stdio reports: a character device only when the host stream is a
/// terminal, so wasi-libc's `isatty` (and line buffering) match a native run.
fn stdio_filetype(is_terminal: bool) -> u8 {
    if is_terminal {
        filetype::CHARACTER_DEVICE
    } else {
        filetype::UNKNOWN
    }
}

impl FdTable {
    /// A table with stdio as given and no other descriptor.
    pub fn new(stdin: InputSource, stdout: OutputSink, stderr: OutputSink) -> FdTable {
        let mut fds = BTreeMap::new();
        fds.insert(0, FdEntry::Stdin { source: stdin, pos: 0 });
        fds.insert(1, FdEntry::Stdout(stdout));
        fds.insert(2, FdEntry::Stderr(stderr));
        FdTable { fds }
    }

    /// Adds `entry` under the lowest free descriptor number.
    pub fn insert(&mut self, entry: FdEntry) -> WasiResult<u32> {
        let mut fd = 0u32;
        for &used in self.fds.keys() {
            if used != fd {
                break;
            }
            fd = fd.checked_add(1).ok_or(Errno::Mfile)?;
        }
        self.fds.insert(fd, entry);
        Ok(fd)
    }

    pub fn get(&self, fd: u32) -> WasiResult<&FdEntry> {
        self.fds.get(&fd).ok_or(Errno::Badf)
    }

    pub fn get_mut(&mut self, fd: u32) -> WasiResult<&mut FdEntry> {
        self.fds.get_mut(&fd).ok_or(Errno::Badf)
    }

    /// The granted root and components of directory `fd`.
    pub fn dir(&self, fd: u32) -> WasiResult<(PathBuf, Vec<String>)> {
        match self.get(fd)? {
            FdEntry::Dir { root, components, .. } => Ok((root.clone(), components.clone())),
            _ => Err(Errno::Notdir),
        }
    }

    pub fn close(&mut self, fd: u32) -> WasiResult<()> {
        self.fds.remove(&fd).map(|_| ()).ok_or(Errno::Badf)
    }

    /// `fd_renumber`: moves `from` to `to`, closing what `to` was.
    pub fn renumber(&mut self, from: u32, to: u32) -> WasiResult<()> {
        if !self.fds.contains_key(&to) {
            return Err(Errno::Badf);
        }
        let entry = self.fds.remove(&from).ok_or(Errno::Badf)?;
        self.fds.insert(to, entry);
        Ok(())
    }

    /// `fd_write`: writes the bytes of the `iovec`s; bytes written.
    pub fn write(&mut self, fd: u32, mem: &GuestMemory, iovs: u32, iovs_len: u32) -> WasiResult<u32> {
        let data = mem.gather(iovs, iovs_len)?;
        match self.get_mut(fd)? {
            FdEntry::Stdin { .. } => Err(Errno::Badf),
            FdEntry::Stdout(sink) => write_sink(sink, &data, false),
            FdEntry::Stderr(sink) => write_sink(sink, &data, true),
            FdEntry::File { file, .. } => {
                file.write_all(&data).map_err(io_err)?;
                Ok(data.len() as u32)
            }
            FdEntry::Dir { .. } => Err(Errno::Isdir),
        }
    }

    /// `fd_pwrite`: writes at `offset` without moving the file position.
    pub fn pwrite(&mut self, fd: u32, mem: &GuestMemory, iovs: u32, iovs_len: u32, offset: u64) -> WasiResult<u32> {
        let data = mem.gather(iovs, iovs_len)?;
        match self.get_mut(fd)? {
            FdEntry::File { file, .. } => {
                file.write_all_at(&data, offset).map_err(io_err)?;
                Ok(data.len() as u32)
            }
            FdEntry::Dir { .. } => Err(Errno::Isdir),
            FdEntry::Stdin { .. } | FdEntry::Stdout(_) | FdEntry::Stderr(_) => Err(Errno::Spipe),
        }
    }

    /// `fd_read`: fills the `iovec`s in order; bytes read (0 at end of file).
    pub fn read(&mut self, fd: u32, mem: &mut GuestMemory, iovs: u32, iovs_len: u32) -> WasiResult<u32> {
        let iovs = mem.iovecs(iovs, iovs_len)?;
        match self.get_mut(fd)? {
            FdEntry::Stdin { source: InputSource::Bytes(bytes), pos } => {
                let n = mem.scatter(&iovs, &bytes[*pos..])?;
                *pos += n as usize;
                Ok(n)
            }
            FdEntry::Stdin { source: InputSource::Inherit, .. } => {
                let mut stdin = std::io::stdin().lock();
                read_into(&mut stdin, mem, &iovs)
            }
            FdEntry::File { file, .. } => read_into(file, mem, &iovs),
            FdEntry::Dir { .. } => Err(Errno::Isdir),
            FdEntry::Stdout(_) | FdEntry::Stderr(_) => Err(Errno::Badf),
        }
    }

    /// `fd_pread`: reads at `offset` without moving the file position.
    pub fn pread(&mut self, fd: u32, mem: &mut GuestMemory, iovs: u32, iovs_len: u32, offset: u64) -> WasiResult<u32> {
        let iovs = mem.iovecs(iovs, iovs_len)?;
        let file = match self.get_mut(fd)? {
            FdEntry::File { file, .. } => file,
            FdEntry::Dir { .. } => return Err(Errno::Isdir),
            FdEntry::Stdin { .. } | FdEntry::Stdout(_) | FdEntry::Stderr(_) => return Err(Errno::Spipe),
        };
        let mut total = 0u32;
        let mut at = offset;
        for (buf, len) in iovs {
            let dst = mem.slice_mut(buf, len)?;
            let n = file.read_at(dst, at).map_err(io_err)?;
            total += n as u32;
            at += n as u64;
            if n < len as usize {
                break;
            }
        }
        Ok(total)
    }

    /// `fd_seek`: the new offset. `whence`: 0 set, 1 current, 2 end.
    pub fn seek(&mut self, fd: u32, offset: i64, whence: u8) -> WasiResult<u64> {
        let file = match self.get_mut(fd)? {
            FdEntry::File { file, .. } => file,
            FdEntry::Dir { .. } => return Err(Errno::Badf),
            FdEntry::Stdin { .. } | FdEntry::Stdout(_) | FdEntry::Stderr(_) => return Err(Errno::Spipe),
        };
        let pos = match whence {
            0 => SeekFrom::Start(u64::try_from(offset).map_err(|_| Errno::Inval)?),
            1 => SeekFrom::Current(offset),
            2 => SeekFrom::End(offset),
            _ => return Err(Errno::Inval),
        };
        file.seek(pos).map_err(io_err)
    }

    /// `fd_fdstat_get`: writes the 24-byte `fdstat` at `ptr`.
    pub fn fdstat(&self, fd: u32, mem: &mut GuestMemory, ptr: u32) -> WasiResult<()> {
        let (ty, flags, rights) = match self.get(fd)? {
            FdEntry::Stdin { source, .. } => {
                let tty = matches!(source, InputSource::Inherit) && std::io::stdin().is_terminal();
                (stdio_filetype(tty), 0, RIGHTS_ALL & !(RIGHT_FD_SEEK | RIGHT_FD_TELL))
            }
            FdEntry::Stdout(sink) => {
                let tty = matches!(sink, OutputSink::Inherit) && std::io::stdout().is_terminal();
                (stdio_filetype(tty), FDFLAGS_APPEND, RIGHTS_ALL & !(RIGHT_FD_SEEK | RIGHT_FD_TELL))
            }
            FdEntry::Stderr(sink) => {
                let tty = matches!(sink, OutputSink::Inherit) && std::io::stderr().is_terminal();
                (stdio_filetype(tty), FDFLAGS_APPEND, RIGHTS_ALL & !(RIGHT_FD_SEEK | RIGHT_FD_TELL))
            }
            FdEntry::File { file, append } => {
                let m = file.metadata().map_err(io_err)?;
                (filetype_of(&m), if *append { FDFLAGS_APPEND } else { 0 }, RIGHTS_ALL)
            }
            FdEntry::Dir { .. } => (filetype::DIRECTORY, 0, RIGHTS_ALL),
        };
        let mut b = [0u8; 24];
        b[0] = ty;
        b[2..4].copy_from_slice(&flags.to_le_bytes());
        b[8..16].copy_from_slice(&rights.to_le_bytes());
        b[16..24].copy_from_slice(&rights.to_le_bytes());
        mem.write(ptr, &b)
    }

    /// `fd_fdstat_set_flags`: only `append` on files is supported; other flags are
    /// `Notsup` (they cannot be changed on an open std file portably).
    pub fn set_flags(&mut self, fd: u32, flags: u16) -> WasiResult<()> {
        match self.get_mut(fd)? {
            FdEntry::File { file, append } => {
                if flags & !FDFLAGS_APPEND != 0 {
                    return Err(Errno::Notsup);
                }
                let want = flags & FDFLAGS_APPEND != 0;
                let fdn = std::os::fd::AsRawFd::as_raw_fd(file);
                // SAFETY: plain fcntl calls on a descriptor this table owns.
                let cur = unsafe { libc::fcntl(fdn, libc::F_GETFL) };
                if cur < 0 {
                    return Err(io_err(std::io::Error::last_os_error()));
                }
                let new = if want { cur | libc::O_APPEND } else { cur & !libc::O_APPEND };
                // SAFETY: as above.
                if unsafe { libc::fcntl(fdn, libc::F_SETFL, new) } < 0 {
                    return Err(io_err(std::io::Error::last_os_error()));
                }
                *append = want;
                Ok(())
            }
            FdEntry::Stdin { .. } | FdEntry::Stdout(_) | FdEntry::Stderr(_) | FdEntry::Dir { .. } => Err(Errno::Notsup),
        }
    }

    /// `fd_prestat_get`: for a preopened directory, tag 0 and the length of its guest name.
    pub fn prestat(&self, fd: u32, mem: &mut GuestMemory, ptr: u32) -> WasiResult<()> {
        let name = self.preopen_name(fd)?;
        mem.write_u32(ptr, 0)?;
        mem.write_u32(ptr + 4, name.len() as u32)
    }

    /// `fd_prestat_dir_name`: the guest name of a preopened directory (not NUL-terminated).
    pub fn prestat_dir_name(&self, fd: u32, mem: &mut GuestMemory, ptr: u32, len: u32) -> WasiResult<()> {
        let name = self.preopen_name(fd)?;
        if (len as usize) < name.len() {
            return Err(Errno::Nametoolong);
        }
        mem.write(ptr, name.as_bytes())
    }

    fn preopen_name(&self, fd: u32) -> WasiResult<&str> {
        match self.get(fd)? {
            FdEntry::Dir { preopen: Some(name), .. } => Ok(name),
            _ => Err(Errno::Badf),
        }
    }

    /// `fd_filestat_get`.
    pub fn filestat(&self, fd: u32) -> WasiResult<Filestat> {
        match self.get(fd)? {
            FdEntry::File { file, .. } => Ok(Filestat::from_metadata(&file.metadata().map_err(io_err)?)),
            FdEntry::Dir { root, components, .. } => {
                let mut p = root.clone();
                p.extend(components);
                Ok(Filestat::from_metadata(&std::fs::metadata(&p).map_err(io_err)?))
            }
            FdEntry::Stdin { .. } | FdEntry::Stdout(_) | FdEntry::Stderr(_) => {
                Ok(Filestat { filetype: filetype::CHARACTER_DEVICE, nlink: 1, ..Filestat::default() })
            }
        }
    }

    /// `fd_filestat_set_size`.
    pub fn set_size(&mut self, fd: u32, size: u64) -> WasiResult<()> {
        match self.get_mut(fd)? {
            FdEntry::File { file, .. } => file.set_len(size).map_err(io_err),
            FdEntry::Dir { .. } => Err(Errno::Isdir),
            FdEntry::Stdin { .. } | FdEntry::Stdout(_) | FdEntry::Stderr(_) => Err(Errno::Inval),
        }
    }

    /// `fd_sync` / `fd_datasync`.
    pub fn sync(&mut self, fd: u32, data_only: bool) -> WasiResult<()> {
        match self.get_mut(fd)? {
            FdEntry::File { file, .. } => if data_only { file.sync_data() } else { file.sync_all() }.map_err(io_err),
            FdEntry::Dir { .. } => Ok(()),
            FdEntry::Stdin { .. } | FdEntry::Stdout(_) | FdEntry::Stderr(_) => Err(Errno::Inval),
        }
    }

    /// `fd_readdir`: entries `.`, `..`, then the directory's names in byte order; the
    /// cookie is the index of the next entry. Fills `buf` (the last entry may be cut,
    /// as the ABI allows) and returns the bytes used.
    pub fn readdir(&self, fd: u32, mem: &mut GuestMemory, buf: u32, buf_len: u32, cookie: u64) -> WasiResult<u32> {
        let (root, components) = self.dir(fd)?;
        let mut path = root.clone();
        path.extend(&components);
        let dir_meta = std::fs::metadata(&path).map_err(io_err)?;
        let mut entries: Vec<(Vec<u8>, u64, u8)> =
            vec![(b".".to_vec(), dir_meta.ino(), filetype::DIRECTORY), (b"..".to_vec(), 0, filetype::DIRECTORY)];
        let mut names = Vec::new();
        for e in std::fs::read_dir(&path).map_err(io_err)? {
            let e = e.map_err(io_err)?;
            let m = e.metadata().map_err(io_err)?;
            names.push((
                std::os::unix::ffi::OsStrExt::as_bytes(e.file_name().as_os_str()).to_vec(),
                m.ino(),
                filetype_of(&m),
            ));
        }
        names.sort();
        entries.extend(names);
        let mut out = Vec::new();
        for (i, (name, ino, ty)) in entries.iter().enumerate().skip(cookie.min(usize::MAX as u64) as usize) {
            if out.len() >= buf_len as usize {
                break;
            }
            out.extend_from_slice(&(i as u64 + 1).to_le_bytes());
            out.extend_from_slice(&ino.to_le_bytes());
            out.extend_from_slice(&(name.len() as u32).to_le_bytes());
            out.extend_from_slice(&[*ty, 0, 0, 0]);
            out.extend_from_slice(name);
        }
        out.truncate(buf_len as usize);
        mem.write(buf, &out)?;
        Ok(out.len() as u32)
    }
}

fn write_sink(sink: &OutputSink, data: &[u8], is_stderr: bool) -> WasiResult<u32> {
    match sink {
        OutputSink::Buffer(b) => b.borrow_mut().extend_from_slice(data),
        OutputSink::Inherit if is_stderr => {
            let mut e = std::io::stderr().lock();
            e.write_all(data).and_then(|()| e.flush()).map_err(io_err)?
        }
        OutputSink::Inherit => {
            let mut o = std::io::stdout().lock();
            o.write_all(data).and_then(|()| o.flush()).map_err(io_err)?
        }
    }
    Ok(data.len() as u32)
}

/// Reads into the `iovec`s in order, stopping at the first short read.
fn read_into(r: &mut dyn Read, mem: &mut GuestMemory, iovs: &[(u32, u32)]) -> WasiResult<u32> {
    let mut total = 0u32;
    for &(buf, len) in iovs {
        let dst = mem.slice_mut(buf, len)?;
        let n = loop {
            match r.read(dst) {
                Ok(n) => break n,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(io_err(e)),
            }
        };
        total += n as u32;
        if n < len as usize {
            break;
        }
    }
    Ok(total)
}
