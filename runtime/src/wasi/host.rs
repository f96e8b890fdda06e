//! The `wasi_snapshot_preview1` host-function table: one row per function (name, wasm
//! signature, handler), and the glue that turns a row into a store host function.
//!
//! A handler reads its arguments, works on the [`WasiCtx`] and the guest memory, and
//! returns `Ok` (errno 0), an errno, or [`Stop::Exit`] for `proc_exit`. Only the glue
//! touches the store. Functions not in the table are not defined, so a module importing
//! one fails at instantiation naming it. No handler ever panics on guest input.

use super::clocks::{self, ClockSub};
use super::errno::{Errno, WasiResult};
use super::fs::{self, OpenRequest};
use super::mem::GuestMemory;
use super::WasiCtx;
use crate::linker::Linker;
use crate::store::{Extern, Store};
use std::cell::RefCell;
use std::rc::Rc;
use wlab_ir::interp::{Trap, Val};
use wlab_ir::{Signature, TrapCode, Type};

/// The import module name.
pub const MODULE: &str = "wasi_snapshot_preview1";

/// Why a handler did not return errno 0.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stop {
    Errno(Errno),
    /// `proc_exit(code)`: unwind the guest.
    Exit(u32),
}

impl From<Errno> for Stop {
    fn from(e: Errno) -> Self {
        Stop::Errno(e)
    }
}

type Handler = fn(&mut WasiCtx, &mut GuestMemory, &[Val]) -> Result<(), Stop>;

/// One row: name, parameter types (the result is one `i32` errno, except `proc_exit`).
struct Row {
    name: &'static str,
    params: &'static [Type],
    handler: Handler,
}

use Type::{I32, I64};

/// Every WASI function wlab provides, in name order.
const TABLE: &[Row] = &[
    Row { name: "args_get", params: &[I32, I32], handler: args_get },
    Row { name: "args_sizes_get", params: &[I32, I32], handler: args_sizes_get },
    Row { name: "clock_res_get", params: &[I32, I32], handler: clock_res_get },
    Row { name: "clock_time_get", params: &[I32, I64, I32], handler: clock_time_get },
    Row { name: "environ_get", params: &[I32, I32], handler: environ_get },
    Row { name: "environ_sizes_get", params: &[I32, I32], handler: environ_sizes_get },
    Row { name: "fd_advise", params: &[I32, I64, I64, I32], handler: fd_advise },
    Row { name: "fd_close", params: &[I32], handler: fd_close },
    Row { name: "fd_datasync", params: &[I32], handler: fd_datasync },
    Row { name: "fd_fdstat_get", params: &[I32, I32], handler: fd_fdstat_get },
    Row { name: "fd_fdstat_set_flags", params: &[I32, I32], handler: fd_fdstat_set_flags },
    Row { name: "fd_filestat_get", params: &[I32, I32], handler: fd_filestat_get },
    Row { name: "fd_filestat_set_size", params: &[I32, I64], handler: fd_filestat_set_size },
    Row { name: "fd_pread", params: &[I32, I32, I32, I64, I32], handler: fd_pread },
    Row { name: "fd_prestat_dir_name", params: &[I32, I32, I32], handler: fd_prestat_dir_name },
    Row { name: "fd_prestat_get", params: &[I32, I32], handler: fd_prestat_get },
    Row { name: "fd_pwrite", params: &[I32, I32, I32, I64, I32], handler: fd_pwrite },
    Row { name: "fd_read", params: &[I32, I32, I32, I32], handler: fd_read },
    Row { name: "fd_readdir", params: &[I32, I32, I32, I64, I32], handler: fd_readdir },
    Row { name: "fd_renumber", params: &[I32, I32], handler: fd_renumber },
    Row { name: "fd_seek", params: &[I32, I64, I32, I32], handler: fd_seek },
    Row { name: "fd_sync", params: &[I32], handler: fd_sync },
    Row { name: "fd_tell", params: &[I32, I32], handler: fd_tell },
    Row { name: "fd_write", params: &[I32, I32, I32, I32], handler: fd_write },
    Row { name: "path_create_directory", params: &[I32, I32, I32], handler: path_create_directory },
    Row { name: "path_filestat_get", params: &[I32, I32, I32, I32, I32], handler: path_filestat_get },
    Row { name: "path_open", params: &[I32, I32, I32, I32, I32, I64, I64, I32, I32], handler: path_open },
    Row { name: "path_readlink", params: &[I32, I32, I32, I32, I32, I32], handler: path_readlink },
    Row { name: "path_remove_directory", params: &[I32, I32, I32], handler: path_remove_directory },
    Row { name: "path_rename", params: &[I32, I32, I32, I32, I32, I32], handler: path_rename },
    Row { name: "path_unlink_file", params: &[I32, I32, I32], handler: path_unlink_file },
    Row { name: "poll_oneoff", params: &[I32, I32, I32, I32], handler: poll_oneoff },
    Row { name: "proc_exit", params: &[I32], handler: proc_exit },
    Row { name: "random_get", params: &[I32, I32], handler: random_get },
    Row { name: "sched_yield", params: &[], handler: sched_yield },
];

/// The names of every provided function, in name order.
pub fn function_names() -> impl Iterator<Item = &'static str> {
    TABLE.iter().map(|r| r.name)
}

/// Creates every WASI function in `store` over `ctx` and defines it in `linker`.
pub fn define(store: &mut Store, linker: &mut Linker, ctx: &Rc<RefCell<WasiCtx>>) {
    for row in TABLE {
        let results = if row.name == "proc_exit" { vec![] } else { vec![I32] };
        let sig = Signature::new(row.params.to_vec(), results);
        let ctx = ctx.clone();
        let handler = row.handler;
        let f = store.add_host_func(sig, move |store, args| call(store, &ctx, handler, args));
        linker.define(MODULE, row.name, Extern::Func(f));
    }
}

/// Runs one handler against the bound memory and turns its outcome into results.
fn call(store: &mut Store, ctx: &Rc<RefCell<WasiCtx>>, handler: Handler, args: &[Val]) -> Result<Vec<Val>, Trap> {
    let mut ctx = ctx.borrow_mut();
    let mut empty: [u8; 0] = [];
    let bytes: &mut [u8] = match ctx.memory {
        Some(m) => &mut store.memory_mut(m).bytes,
        None => &mut empty,
    };
    let mut mem = GuestMemory::new(bytes);
    match handler(&mut ctx, &mut mem, args) {
        Ok(()) => Ok(vec![Val::I32(0)]),
        Err(Stop::Errno(e)) => Ok(vec![Val::I32(e.raw())]),
        Err(Stop::Exit(code)) => {
            ctx.exit_code = Some(code);
            Err(Trap::new(TrapCode::Unreachable))
        }
    }
}

fn u32_arg(args: &[Val], i: usize) -> u32 {
    match args[i] {
        Val::I32(x) => x as u32,
        other => panic!("WASI argument {i} is {} (the store checked the signature)", other.ty()),
    }
}

fn u64_arg(args: &[Val], i: usize) -> u64 {
    match args[i] {
        Val::I64(x) => x as u64,
        other => panic!("WASI argument {i} is {} (the store checked the signature)", other.ty()),
    }
}

fn guest_str(mem: &GuestMemory, args: &[Val], ptr: usize) -> WasiResult<String> {
    mem.str(u32_arg(args, ptr), u32_arg(args, ptr + 1))
}

fn args_get(cx: &mut WasiCtx, mem: &mut GuestMemory, a: &[Val]) -> Result<(), Stop> {
    Ok(cx.args.args_get(mem, u32_arg(a, 0), u32_arg(a, 1))?)
}

fn args_sizes_get(cx: &mut WasiCtx, mem: &mut GuestMemory, a: &[Val]) -> Result<(), Stop> {
    Ok(cx.args.args_sizes_get(mem, u32_arg(a, 0), u32_arg(a, 1))?)
}

fn environ_get(cx: &mut WasiCtx, mem: &mut GuestMemory, a: &[Val]) -> Result<(), Stop> {
    Ok(cx.args.environ_get(mem, u32_arg(a, 0), u32_arg(a, 1))?)
}

fn environ_sizes_get(cx: &mut WasiCtx, mem: &mut GuestMemory, a: &[Val]) -> Result<(), Stop> {
    Ok(cx.args.environ_sizes_get(mem, u32_arg(a, 0), u32_arg(a, 1))?)
}

fn clock_res_get(_: &mut WasiCtx, mem: &mut GuestMemory, a: &[Val]) -> Result<(), Stop> {
    let res = clocks::res_get(u32_arg(a, 0))?;
    Ok(mem.write_u64(u32_arg(a, 1), res)?)
}

fn clock_time_get(_: &mut WasiCtx, mem: &mut GuestMemory, a: &[Val]) -> Result<(), Stop> {
    let t = clocks::time_get(u32_arg(a, 0))?;
    Ok(mem.write_u64(u32_arg(a, 2), t)?)
}

fn random_get(_: &mut WasiCtx, mem: &mut GuestMemory, a: &[Val]) -> Result<(), Stop> {
    let buf = mem.slice_mut(u32_arg(a, 0), u32_arg(a, 1))?;
    Ok(clocks::random_fill(buf)?)
}

fn fd_advise(cx: &mut WasiCtx, _: &mut GuestMemory, a: &[Val]) -> Result<(), Stop> {
    // Advice is a hint: accepted for any open descriptor, with a valid advice value.
    cx.fds.get(u32_arg(a, 0))?;
    if u32_arg(a, 3) > 5 {
        return Err(Errno::Inval.into());
    }
    Ok(())
}

fn fd_close(cx: &mut WasiCtx, _: &mut GuestMemory, a: &[Val]) -> Result<(), Stop> {
    Ok(cx.fds.close(u32_arg(a, 0))?)
}

fn fd_datasync(cx: &mut WasiCtx, _: &mut GuestMemory, a: &[Val]) -> Result<(), Stop> {
    Ok(cx.fds.sync(u32_arg(a, 0), true)?)
}

fn fd_sync(cx: &mut WasiCtx, _: &mut GuestMemory, a: &[Val]) -> Result<(), Stop> {
    Ok(cx.fds.sync(u32_arg(a, 0), false)?)
}

fn fd_fdstat_get(cx: &mut WasiCtx, mem: &mut GuestMemory, a: &[Val]) -> Result<(), Stop> {
    Ok(cx.fds.fdstat(u32_arg(a, 0), mem, u32_arg(a, 1))?)
}

fn fd_fdstat_set_flags(cx: &mut WasiCtx, _: &mut GuestMemory, a: &[Val]) -> Result<(), Stop> {
    let flags = u16::try_from(u32_arg(a, 1)).map_err(|_| Errno::Inval)?;
    Ok(cx.fds.set_flags(u32_arg(a, 0), flags)?)
}

fn fd_filestat_get(cx: &mut WasiCtx, mem: &mut GuestMemory, a: &[Val]) -> Result<(), Stop> {
    let st = cx.fds.filestat(u32_arg(a, 0))?;
    Ok(st.write(mem, u32_arg(a, 1))?)
}

fn fd_filestat_set_size(cx: &mut WasiCtx, _: &mut GuestMemory, a: &[Val]) -> Result<(), Stop> {
    Ok(cx.fds.set_size(u32_arg(a, 0), u64_arg(a, 1))?)
}

fn fd_pread(cx: &mut WasiCtx, mem: &mut GuestMemory, a: &[Val]) -> Result<(), Stop> {
    let n = cx.fds.pread(u32_arg(a, 0), mem, u32_arg(a, 1), u32_arg(a, 2), u64_arg(a, 3))?;
    Ok(mem.write_u32(u32_arg(a, 4), n)?)
}

fn fd_pwrite(cx: &mut WasiCtx, mem: &mut GuestMemory, a: &[Val]) -> Result<(), Stop> {
    let n = cx.fds.pwrite(u32_arg(a, 0), mem, u32_arg(a, 1), u32_arg(a, 2), u64_arg(a, 3))?;
    Ok(mem.write_u32(u32_arg(a, 4), n)?)
}

fn fd_prestat_get(cx: &mut WasiCtx, mem: &mut GuestMemory, a: &[Val]) -> Result<(), Stop> {
    cx.fs_requests.asked_for_preopens = true;
    Ok(cx.fds.prestat(u32_arg(a, 0), mem, u32_arg(a, 1))?)
}

fn fd_prestat_dir_name(cx: &mut WasiCtx, mem: &mut GuestMemory, a: &[Val]) -> Result<(), Stop> {
    Ok(cx.fds.prestat_dir_name(u32_arg(a, 0), mem, u32_arg(a, 1), u32_arg(a, 2))?)
}

fn fd_read(cx: &mut WasiCtx, mem: &mut GuestMemory, a: &[Val]) -> Result<(), Stop> {
    let n = cx.fds.read(u32_arg(a, 0), mem, u32_arg(a, 1), u32_arg(a, 2))?;
    Ok(mem.write_u32(u32_arg(a, 3), n)?)
}

fn fd_readdir(cx: &mut WasiCtx, mem: &mut GuestMemory, a: &[Val]) -> Result<(), Stop> {
    let used = cx.fds.readdir(u32_arg(a, 0), mem, u32_arg(a, 1), u32_arg(a, 2), u64_arg(a, 3))?;
    Ok(mem.write_u32(u32_arg(a, 4), used)?)
}

fn fd_renumber(cx: &mut WasiCtx, _: &mut GuestMemory, a: &[Val]) -> Result<(), Stop> {
    Ok(cx.fds.renumber(u32_arg(a, 0), u32_arg(a, 1))?)
}

fn fd_seek(cx: &mut WasiCtx, mem: &mut GuestMemory, a: &[Val]) -> Result<(), Stop> {
    let whence = u8::try_from(u32_arg(a, 2)).map_err(|_| Errno::Inval)?;
    let pos = cx.fds.seek(u32_arg(a, 0), u64_arg(a, 1) as i64, whence)?;
    Ok(mem.write_u64(u32_arg(a, 3), pos)?)
}

fn fd_tell(cx: &mut WasiCtx, mem: &mut GuestMemory, a: &[Val]) -> Result<(), Stop> {
    let pos = cx.fds.seek(u32_arg(a, 0), 0, 1)?;
    Ok(mem.write_u64(u32_arg(a, 1), pos)?)
}

fn fd_write(cx: &mut WasiCtx, mem: &mut GuestMemory, a: &[Val]) -> Result<(), Stop> {
    let n = cx.fds.write(u32_arg(a, 0), mem, u32_arg(a, 1), u32_arg(a, 2))?;
    Ok(mem.write_u32(u32_arg(a, 3), n)?)
}

fn path_create_directory(cx: &mut WasiCtx, mem: &mut GuestMemory, a: &[Val]) -> Result<(), Stop> {
    let path = guest_str(mem, a, 1)?;
    Ok(fs::create_directory(&cx.fds, u32_arg(a, 0), &path)?)
}

fn path_filestat_get(cx: &mut WasiCtx, mem: &mut GuestMemory, a: &[Val]) -> Result<(), Stop> {
    let path = guest_str(mem, a, 2)?;
    let st = fs::path_filestat(&cx.fds, u32_arg(a, 0), u32_arg(a, 1), &path)?;
    Ok(st.write(mem, u32_arg(a, 4))?)
}

fn path_open(cx: &mut WasiCtx, mem: &mut GuestMemory, a: &[Val]) -> Result<(), Stop> {
    let path = guest_str(mem, a, 2)?;
    cx.fs_requests.first_open.get_or_insert_with(|| path.clone());
    let req = OpenRequest {
        lookup_flags: u32_arg(a, 1),
        oflags: u16::try_from(u32_arg(a, 4)).map_err(|_| Errno::Inval)?,
        rights: u64_arg(a, 5),
        fdflags: u16::try_from(u32_arg(a, 7)).map_err(|_| Errno::Inval)?,
    };
    // Check the result pointer before opening, so a bad pointer leaks no descriptor.
    mem.slice(u32_arg(a, 8), 4)?;
    let fd = fs::path_open(&mut cx.fds, u32_arg(a, 0), &path, req)?;
    Ok(mem.write_u32(u32_arg(a, 8), fd)?)
}

fn path_readlink(cx: &mut WasiCtx, mem: &mut GuestMemory, a: &[Val]) -> Result<(), Stop> {
    let path = guest_str(mem, a, 1)?;
    let target = fs::readlink(&cx.fds, u32_arg(a, 0), &path)?;
    let n = target.len().min(u32_arg(a, 4) as usize);
    mem.write(u32_arg(a, 3), &target[..n])?;
    Ok(mem.write_u32(u32_arg(a, 5), n as u32)?)
}

fn path_remove_directory(cx: &mut WasiCtx, mem: &mut GuestMemory, a: &[Val]) -> Result<(), Stop> {
    let path = guest_str(mem, a, 1)?;
    Ok(fs::remove_directory(&cx.fds, u32_arg(a, 0), &path)?)
}

fn path_rename(cx: &mut WasiCtx, mem: &mut GuestMemory, a: &[Val]) -> Result<(), Stop> {
    let old = guest_str(mem, a, 1)?;
    let new = guest_str(mem, a, 4)?;
    Ok(fs::rename(&cx.fds, u32_arg(a, 0), &old, u32_arg(a, 3), &new)?)
}

fn path_unlink_file(cx: &mut WasiCtx, mem: &mut GuestMemory, a: &[Val]) -> Result<(), Stop> {
    let path = guest_str(mem, a, 1)?;
    Ok(fs::unlink_file(&cx.fds, u32_arg(a, 0), &path)?)
}

/// `poll_oneoff`, clocks only: sleeps until the earliest clock subscription is due and
/// reports the due ones. Descriptor subscriptions are reported at once with error
/// `Notsup` (and no sleep), so a guest waiting on a descriptor learns it cannot.
fn poll_oneoff(_: &mut WasiCtx, mem: &mut GuestMemory, a: &[Val]) -> Result<(), Stop> {
    let (subs_ptr, events_ptr, count, nevents_ptr) = (u32_arg(a, 0), u32_arg(a, 1), u32_arg(a, 2), u32_arg(a, 3));
    if count == 0 {
        return Err(Errno::Inval.into());
    }
    let mut clocks_due: Vec<(ClockSub, u64)> = Vec::new();
    // (userdata, error, event type)
    let mut events: Vec<(u64, u16, u8)> = Vec::new();
    for i in 0..count {
        let at = subs_ptr.checked_add(i.checked_mul(48).ok_or(Errno::Fault)?).ok_or(Errno::Fault)?;
        mem.slice(at, 48)?;
        let userdata = mem.read_u64(at)?;
        let tag = mem.read_u8(at + 8)?;
        match tag {
            0 => {
                let sub = ClockSub {
                    userdata,
                    clock: mem.read_u32(at + 16)?,
                    timeout: mem.read_u64(at + 24)?,
                    absolute: mem.read_u16(at + 40)? & 1 != 0,
                };
                match clocks::delay_ns(&sub) {
                    Ok(d) => clocks_due.push((sub, d)),
                    Err(e) => events.push((userdata, e.raw() as u16, 0)),
                }
            }
            1 | 2 => events.push((userdata, Errno::Notsup.raw() as u16, tag)),
            _ => return Err(Errno::Inval.into()),
        }
    }
    if events.is_empty() {
        if let Some(min) = clocks_due.iter().map(|&(_, d)| d).min() {
            clocks::sleep_ns(min);
            for (sub, d) in &clocks_due {
                if *d == min {
                    events.push((sub.userdata, 0, 0));
                }
            }
        }
    }
    for (i, (userdata, err, ty)) in events.iter().enumerate() {
        let at = events_ptr.checked_add(32 * i as u32).ok_or(Errno::Fault)?;
        let mut b = [0u8; 32];
        b[0..8].copy_from_slice(&userdata.to_le_bytes());
        b[8..10].copy_from_slice(&err.to_le_bytes());
        b[10] = *ty;
        mem.write(at, &b)?;
    }
    Ok(mem.write_u32(nevents_ptr, events.len() as u32)?)
}

fn proc_exit(_: &mut WasiCtx, _: &mut GuestMemory, a: &[Val]) -> Result<(), Stop> {
    Err(Stop::Exit(u32_arg(a, 0)))
}

fn sched_yield(_: &mut WasiCtx, _: &mut GuestMemory, _: &[Val]) -> Result<(), Stop> {
    std::thread::yield_now();
    Ok(())
}
