//! The `path_*` calls: open, stat, create and remove directories, unlink, rename and
//! readlink, each on a path resolved by [`super::path`] below a directory descriptor.
//!
//! Every host path used here comes from [`Resolved::host_path`], so it lies inside the
//! granted directory; files are opened with `O_NOFOLLOW` so a symlink in the last
//! component is never followed by the OS behind the resolver's back. Errors are errnos.

use super::errno::{Errno, WasiResult};
use super::fd::{FdEntry, FdTable, Filestat};
use super::path::{resolve, Resolved};
use std::os::unix::fs::OpenOptionsExt;

/// `lookupflags::symlink_follow`.
pub const LOOKUP_SYMLINK_FOLLOW: u32 = 1;
/// `oflags` bits.
pub const OFLAGS_CREAT: u16 = 1;
pub const OFLAGS_DIRECTORY: u16 = 2;
pub const OFLAGS_EXCL: u16 = 4;
pub const OFLAGS_TRUNC: u16 = 8;
/// `rights` bits `path_open` reads to pick the access mode.
pub const RIGHT_FD_READ: u64 = 1 << 1;
pub const RIGHT_FD_WRITE: u64 = 1 << 6;

fn io_err(e: std::io::Error) -> Errno {
    Errno::from_io(&e)
}

fn resolve_at(table: &FdTable, dirfd: u32, path: &str, follow: bool) -> WasiResult<Resolved> {
    let (root, base) = table.dir(dirfd)?;
    resolve(&root, &base, path, follow)
}

/// What `path_open` was asked for.
#[derive(Clone, Copy, Debug)]
pub struct OpenRequest {
    pub lookup_flags: u32,
    pub oflags: u16,
    pub rights: u64,
    pub fdflags: u16,
}

/// `path_open`: the new descriptor.
pub fn path_open(table: &mut FdTable, dirfd: u32, path: &str, req: OpenRequest) -> WasiResult<u32> {
    let follow = req.lookup_flags & LOOKUP_SYMLINK_FOLLOW != 0;
    let r = resolve_at(table, dirfd, path, follow)?;
    let host = r.host_path();
    let existing = std::fs::symlink_metadata(&host).ok();
    let creating = req.oflags & OFLAGS_CREAT != 0;
    let wants_dir = req.oflags & OFLAGS_DIRECTORY != 0;
    let is_dir = existing.as_ref().is_some_and(|m| m.is_dir());
    if wants_dir || (is_dir && !creating) {
        return match existing {
            None => Err(Errno::Noent),
            Some(m) if m.file_type().is_symlink() => Err(Errno::Loop),
            Some(m) if !m.is_dir() => Err(Errno::Notdir),
            Some(_) if req.oflags & (OFLAGS_TRUNC | OFLAGS_EXCL) != 0 || creating => Err(Errno::Isdir),
            Some(_) => table.insert(FdEntry::Dir { root: r.root, components: r.components, preopen: None }),
        };
    }
    let append = req.fdflags & super::fd::FDFLAGS_APPEND != 0;
    let truncate = req.oflags & OFLAGS_TRUNC != 0;
    let write = req.rights & RIGHT_FD_WRITE != 0 || truncate || creating || append;
    let read = req.rights & RIGHT_FD_READ != 0 || !write;
    let mut opts = std::fs::OpenOptions::new();
    opts.read(read).write(write && !append).append(append).truncate(truncate);
    if creating {
        if req.oflags & OFLAGS_EXCL != 0 {
            opts.create_new(true);
        } else {
            opts.create(true);
        }
    }
    opts.custom_flags(libc::O_NOFOLLOW);
    let file = opts.open(&host).map_err(io_err)?;
    table.insert(FdEntry::File { file, append })
}

/// `path_filestat_get`.
pub fn path_filestat(table: &FdTable, dirfd: u32, lookup_flags: u32, path: &str) -> WasiResult<Filestat> {
    let r = resolve_at(table, dirfd, path, lookup_flags & LOOKUP_SYMLINK_FOLLOW != 0)?;
    let m = std::fs::symlink_metadata(r.host_path()).map_err(io_err)?;
    Ok(Filestat::from_metadata(&m))
}

/// `path_create_directory`.
pub fn create_directory(table: &FdTable, dirfd: u32, path: &str) -> WasiResult<()> {
    let r = resolve_at(table, dirfd, path, false)?;
    std::fs::create_dir(r.host_path()).map_err(io_err)
}

/// `path_unlink_file`: removes a file or symlink, never a directory.
pub fn unlink_file(table: &FdTable, dirfd: u32, path: &str) -> WasiResult<()> {
    let r = resolve_at(table, dirfd, path, false)?;
    let host = r.host_path();
    let m = std::fs::symlink_metadata(&host).map_err(io_err)?;
    if m.is_dir() {
        return Err(Errno::Isdir);
    }
    std::fs::remove_file(host).map_err(io_err)
}

/// `path_remove_directory`: removes an empty directory; never the granted root itself.
pub fn remove_directory(table: &FdTable, dirfd: u32, path: &str) -> WasiResult<()> {
    let r = resolve_at(table, dirfd, path, false)?;
    if r.components.is_empty() {
        return Err(Errno::Notcapable);
    }
    let host = r.host_path();
    let m = std::fs::symlink_metadata(&host).map_err(io_err)?;
    if !m.is_dir() {
        return Err(Errno::Notdir);
    }
    std::fs::remove_dir(host).map_err(io_err)
}

/// `path_rename`: both ends resolved below their own directory descriptors.
pub fn rename(table: &FdTable, old_fd: u32, old: &str, new_fd: u32, new: &str) -> WasiResult<()> {
    let from = resolve_at(table, old_fd, old, false)?;
    let to = resolve_at(table, new_fd, new, false)?;
    if from.components.is_empty() || to.components.is_empty() {
        return Err(Errno::Notcapable);
    }
    std::fs::rename(from.host_path(), to.host_path()).map_err(io_err)
}

/// `path_readlink`: the link's target bytes (the caller truncates to its buffer).
pub fn readlink(table: &FdTable, dirfd: u32, path: &str) -> WasiResult<Vec<u8>> {
    let r = resolve_at(table, dirfd, path, false)?;
    let target = std::fs::read_link(r.host_path()).map_err(io_err)?;
    Ok(std::os::unix::ffi::OsStrExt::as_bytes(target.as_os_str()).to_vec())
}
