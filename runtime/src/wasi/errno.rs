//! WASI preview1 error numbers (`errno`) and the mapping from host I/O errors to them.
//!
//! Every failure a guest can cause in a WASI call ends as one of these values returned to
//! the guest; nothing in the WASI host ever panics on guest input. This file never
//! decides *whether* something fails, only what number the failure gets.

use std::fmt;
use std::io;

/// A WASI preview1 `errno` (the numbers are the ABI's).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
#[repr(u16)]
pub enum Errno {
    TooBig = 1,
    Acces = 2,
    Again = 6,
    Badf = 8,
    Busy = 10,
    Exist = 20,
    Fault = 21,
    Fbig = 22,
    Ilseq = 25,
    Intr = 27,
    Inval = 28,
    Io = 29,
    Isdir = 31,
    Loop = 32,
    Mfile = 33,
    Mlink = 34,
    Nametoolong = 37,
    Nfile = 41,
    Noent = 44,
    Nomem = 48,
    Nospc = 51,
    Nosys = 52,
    Notdir = 54,
    Notempty = 55,
    Notsup = 58,
    Overflow = 61,
    Perm = 63,
    Pipe = 64,
    Rofs = 69,
    Spipe = 70,
    Xdev = 75,
    /// The capability does not allow the operation: here, a path leaving its granted directory.
    Notcapable = 76,
}

impl Errno {
    /// The number the guest sees.
    pub fn raw(self) -> i32 {
        self as u16 as i32
    }

    /// The errno for a host error: the OS error number when there is one, else its kind.
    pub fn from_io(e: &io::Error) -> Errno {
        if let Some(code) = e.raw_os_error() {
            return Errno::from_os(code);
        }
        match e.kind() {
            io::ErrorKind::NotFound => Errno::Noent,
            io::ErrorKind::PermissionDenied => Errno::Acces,
            io::ErrorKind::AlreadyExists => Errno::Exist,
            io::ErrorKind::InvalidInput => Errno::Inval,
            io::ErrorKind::Interrupted => Errno::Intr,
            io::ErrorKind::Unsupported => Errno::Notsup,
            io::ErrorKind::OutOfMemory => Errno::Nomem,
            _ => Errno::Io,
        }
    }

    /// The errno for a Linux `errno` value.
    pub fn from_os(code: i32) -> Errno {
        match code {
            libc::E2BIG => Errno::TooBig,
            libc::EACCES => Errno::Acces,
            libc::EAGAIN => Errno::Again,
            libc::EBADF => Errno::Badf,
            libc::EBUSY => Errno::Busy,
            libc::EEXIST => Errno::Exist,
            libc::EFAULT => Errno::Fault,
            libc::EFBIG => Errno::Fbig,
            libc::EILSEQ => Errno::Ilseq,
            libc::EINTR => Errno::Intr,
            libc::EINVAL => Errno::Inval,
            libc::EISDIR => Errno::Isdir,
            libc::ELOOP => Errno::Loop,
            libc::EMFILE => Errno::Mfile,
            libc::EMLINK => Errno::Mlink,
            libc::ENAMETOOLONG => Errno::Nametoolong,
            libc::ENFILE => Errno::Nfile,
            libc::ENOENT => Errno::Noent,
            libc::ENOMEM => Errno::Nomem,
            libc::ENOSPC => Errno::Nospc,
            libc::ENOSYS => Errno::Nosys,
            libc::ENOTDIR => Errno::Notdir,
            libc::ENOTEMPTY => Errno::Notempty,
            libc::EOPNOTSUPP => Errno::Notsup,
            libc::EOVERFLOW => Errno::Overflow,
            libc::EPERM => Errno::Perm,
            libc::EPIPE => Errno::Pipe,
            libc::EROFS => Errno::Rofs,
            libc::ESPIPE => Errno::Spipe,
            libc::EXDEV => Errno::Xdev,
            _ => Errno::Io,
        }
    }
}

impl fmt::Display for Errno {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "errno {} ({:?})", self.raw(), self)
    }
}

/// The result of a WASI call: success, or an errno for the guest.
pub type WasiResult<T> = Result<T, Errno>;
