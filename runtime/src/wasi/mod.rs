//! WASI preview1 (`wasi_snapshot_preview1`) for command modules: what a program built
//! with wasi-libc needs to run, sandboxed to the directories the embedder grants.
//!
//! ```text
//!  WasiConfig { args, env, preopens (host dir → guest name), stdio }
//!     └─ WasiCtx::new ─▶ Rc<RefCell<WasiCtx>> ──define_wasi──▶ host functions in store + linker
//!  instantiate(...) ─▶ instance ──bind_memory──▶ the WASI functions use its exported `memory`
//!  invoke "_start" ─▶ Ok            : the program returned (exit status 0)
//!                 └▶ Err(trap) and ctx.exit_code() == Some(n): proc_exit(n), not a trap
//! ```
//!
//! One concept per file: [`errno`] (error numbers), [`mem`] (bounds-checked guest
//! memory), [`args`] (argv / environ), [`clocks`] (clocks, random, sleeping), [`fd`]
//! (the descriptor table and `fd_*`), [`path`] (resolution confined to a granted
//! directory), [`fs`] (`path_*`), [`host`] (the function table and the store glue).
//!
//! `proc_exit` unwinds the guest with a trap (the store has no other way to stop a
//! running call) after recording the exit code here; embedders must check
//! [`WasiCtx::exit_code`] before treating a trap as one. Nothing is reachable on the host
//! except through a preopen, and nothing in this module panics on guest input.

pub mod args;
pub mod clocks;
pub mod errno;
pub mod fd;
pub mod fs;
pub mod host;
pub mod mem;
pub mod path;

pub use errno::Errno;
pub use fd::{InputSource, OutputSink};

use crate::linker::Linker;
use crate::store::{Extern, InstanceId, MemoryId, Store};
use std::cell::RefCell;
use std::fmt;
use std::path::PathBuf;
use std::rc::Rc;

/// A host directory granted to the guest under a guest name (`--dir HOST::GUEST`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Preopen {
    pub host: PathBuf,
    pub guest: String,
}

impl Preopen {
    /// Parses `HOST[::GUEST]`; the guest name defaults to `HOST` as written.
    pub fn parse(spec: &str) -> Preopen {
        match spec.split_once("::") {
            Some((host, guest)) => Preopen { host: PathBuf::from(host), guest: guest.to_string() },
            None => Preopen { host: PathBuf::from(spec), guest: spec.to_string() },
        }
    }
}

/// What the guest gets.
#[derive(Clone, Debug)]
pub struct WasiConfig {
    /// `argv`, including `argv[0]`.
    pub args: Vec<String>,
    /// The environment, exactly (nothing is inherited from the host).
    pub env: Vec<(String, String)>,
    /// Granted directories, preopened as fd 3, 4, ... in order.
    pub preopens: Vec<Preopen>,
    pub stdin: InputSource,
    pub stdout: OutputSink,
    pub stderr: OutputSink,
}

impl Default for WasiConfig {
    fn default() -> Self {
        WasiConfig {
            args: Vec::new(),
            env: Vec::new(),
            preopens: Vec::new(),
            stdin: InputSource::Inherit,
            stdout: OutputSink::Inherit,
            stderr: OutputSink::Inherit,
        }
    }
}

/// Why a WASI context could not be set up.
#[derive(Debug)]
pub enum WasiError {
    /// A granted directory does not exist or is not a directory.
    BadPreopen { host: PathBuf, reason: String },
    /// The instance exports no memory called `memory`.
    NoMemory,
}

impl fmt::Display for WasiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            WasiError::BadPreopen { host, reason } => write!(f, "cannot grant directory {}: {reason}", host.display()),
            WasiError::NoMemory => write!(f, "the module exports no memory named \"memory\", which WASI needs"),
        }
    }
}

impl std::error::Error for WasiError {}

/// What the guest asked of the file system that only a granted directory can give.
/// Recorded, never acted on: an embedder reads it to explain a failed run (`wlab run`
/// hints at `--dir` when a program that did this fails without one).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FsRequests {
    /// The first path the guest passed to `path_open`.
    pub first_open: Option<String>,
    /// Whether the guest asked for its preopened directories (`fd_prestat_get`), as
    /// wasi-libc does before it opens a relative path.
    pub asked_for_preopens: bool,
}

/// The state of one WASI program.
#[derive(Debug)]
pub struct WasiCtx {
    pub args: args::ArgsEnv,
    pub fds: fd::FdTable,
    /// The memory WASI calls read and write (the instance's exported `memory`).
    pub memory: Option<MemoryId>,
    /// Set by `proc_exit`.
    pub exit_code: Option<u32>,
    /// Set by `path_open` and `fd_prestat_get`.
    pub fs_requests: FsRequests,
}

impl WasiCtx {
    /// A context for `config`; each granted directory must exist.
    pub fn new(config: WasiConfig) -> Result<WasiCtx, WasiError> {
        let mut fds = fd::FdTable::new(config.stdin, config.stdout, config.stderr);
        for p in config.preopens {
            let root = std::fs::canonicalize(&p.host)
                .map_err(|e| WasiError::BadPreopen { host: p.host.clone(), reason: e.to_string() })?;
            if !root.is_dir() {
                return Err(WasiError::BadPreopen { host: p.host, reason: "not a directory".to_string() });
            }
            fds.insert(fd::FdEntry::Dir { root, components: Vec::new(), preopen: Some(p.guest) })
                .map_err(|e| WasiError::BadPreopen { host: p.host.clone(), reason: e.to_string() })?;
        }
        Ok(WasiCtx {
            args: args::ArgsEnv::new(&config.args, &config.env),
            fds,
            memory: None,
            exit_code: None,
            fs_requests: FsRequests::default(),
        })
    }

    /// The code passed to `proc_exit`, if the program called it.
    pub fn exit_code(&self) -> Option<u32> {
        self.exit_code
    }
}

/// Creates the WASI functions over `ctx` in `store` and defines them in `linker` under
/// `wasi_snapshot_preview1`.
pub fn define_wasi(store: &mut Store, linker: &mut Linker, ctx: &Rc<RefCell<WasiCtx>>) {
    host::define(store, linker, ctx)
}

/// Points the WASI functions at `instance`'s exported `memory`.
pub fn bind_memory(ctx: &Rc<RefCell<WasiCtx>>, store: &Store, instance: InstanceId) -> Result<(), WasiError> {
    match store.instance(instance).exports.get("memory") {
        Some(Extern::Memory(m)) => {
            ctx.borrow_mut().memory = Some(*m);
            Ok(())
        }
        _ => Err(WasiError::NoMemory),
    }
}
