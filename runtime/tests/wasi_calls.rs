//! WASI calls one at a time, through the store exactly as a guest makes them, against
//! a memory the test reads and writes: byte layouts of the ABI records, errno values
//! for bad descriptors and bad pointers (never a panic), and the file operations.

use std::cell::RefCell;
use std::path::PathBuf;
use std::rc::Rc;
use wlab_ir::interp::Val;
use wlab_runtime::wasi::{define_wasi, OutputSink, Preopen, WasiConfig, WasiCtx};
use wlab_runtime::{Extern, Linker, MemoryId, Resolver, Store};

const BADF: i32 = 8;
const FAULT: i32 = 21;
const INVAL: i32 = 28;
const NOTEMPTY: i32 = 55;
const NOTCAPABLE: i32 = 76;

struct Guest {
    store: Store,
    linker: Linker,
    mem: MemoryId,
    stdout: Rc<RefCell<Vec<u8>>>,
    dir: PathBuf,
}

impl Guest {
    /// A guest with one page of memory and `dir` granted as `.` (fd 3).
    fn new(name: &str) -> Guest {
        let dir = std::env::temp_dir().join(format!("wlab-wasi-calls-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let stdout = Rc::new(RefCell::new(Vec::new()));
        let config = WasiConfig {
            args: vec!["prog".into()],
            preopens: vec![Preopen { host: dir.clone(), guest: ".".into() }],
            stdout: OutputSink::Buffer(stdout.clone()),
            ..Default::default()
        };
        let ctx = Rc::new(RefCell::new(WasiCtx::new(config).unwrap()));
        let mut store = Store::new();
        let mut linker = Linker::new();
        define_wasi(&mut store, &mut linker, &ctx);
        let mem = store.add_memory(1, None).unwrap();
        ctx.borrow_mut().memory = Some(mem);
        Guest { store, linker, mem, stdout, dir }
    }

    fn call(&mut self, name: &str, args: &[Val]) -> i32 {
        let Some(Extern::Func(f)) = self.linker.resolve("wasi_snapshot_preview1", name) else { panic!("{name}") };
        match self.store.call(f, args).unwrap()[..] {
            [Val::I32(e)] => e,
            ref other => panic!("{name} returned {other:?}"),
        }
    }

    fn put(&mut self, ptr: u32, bytes: &[u8]) {
        self.store.memory_mut(self.mem).bytes[ptr as usize..ptr as usize + bytes.len()].copy_from_slice(bytes);
    }

    fn get(&self, ptr: u32, len: u32) -> Vec<u8> {
        self.store.memory(self.mem).bytes[ptr as usize..(ptr + len) as usize].to_vec()
    }

    fn u32_at(&self, ptr: u32) -> u32 {
        u32::from_le_bytes(self.get(ptr, 4).try_into().unwrap())
    }

    fn u64_at(&self, ptr: u32) -> u64 {
        u64::from_le_bytes(self.get(ptr, 8).try_into().unwrap())
    }

    /// Puts `path` at 1024 and returns (ptr, len) arguments.
    fn path(&mut self, path: &str) -> [Val; 2] {
        self.put(1024, path.as_bytes());
        [i(1024), i(path.len() as u32)]
    }

    /// `path_open` below fd 3; the new fd or the errno as Err.
    fn open(&mut self, path: &str, oflags: u32, rights: u64) -> Result<u32, i32> {
        let [p, l] = self.path(path);
        let e =
            self.call("path_open", &[i(3), i(1), p, l, i(oflags), Val::I64(rights as i64), Val::I64(0), i(0), i(0)]);
        if e == 0 {
            Ok(self.u32_at(0))
        } else {
            Err(e)
        }
    }
}

fn i(x: u32) -> Val {
    Val::I32(x as i32)
}

const READ: u64 = 1 << 1;
const WRITE: u64 = 1 << 6;

#[test]
fn stdout_and_bad_descriptors_and_pointers() {
    let mut g = Guest::new("stdio");
    g.put(100, b"hi\n");
    g.put(0, &[100, 0, 0, 0, 3, 0, 0, 0]);
    assert_eq!(g.call("fd_write", &[i(1), i(0), i(1), i(8)]), 0);
    assert_eq!(g.u32_at(8), 3);
    assert_eq!(&g.stdout.borrow()[..], b"hi\n");
    assert_eq!(g.call("fd_write", &[i(9), i(0), i(1), i(8)]), BADF);
    // An iovec reaching past the end of memory, and result pointers past it.
    g.put(0, &[0xf0, 0xff, 0, 0, 0x20, 0, 0, 0]);
    assert_eq!(g.call("fd_write", &[i(1), i(0), i(1), i(8)]), FAULT);
    assert_eq!(g.call("fd_write", &[i(1), i(u32::MAX - 3), i(2), i(8)]), FAULT);
    assert_eq!(g.call("args_sizes_get", &[i(65535), i(0)]), FAULT);
    assert_eq!(g.call("fd_prestat_get", &[i(0), i(0)]), BADF, "stdin is not a preopen");
}

#[test]
fn prestat_and_fdstat_describe_the_preopen() {
    let mut g = Guest::new("prestat");
    assert_eq!(g.call("fd_prestat_get", &[i(3), i(0)]), 0);
    assert_eq!((g.u32_at(0), g.u32_at(4)), (0, 1), "tag dir, name length 1");
    assert_eq!(g.call("fd_prestat_dir_name", &[i(3), i(16), i(1)]), 0);
    assert_eq!(g.get(16, 1), b".");
    assert_eq!(g.call("fd_prestat_get", &[i(4), i(0)]), BADF);
    assert_eq!(g.call("fd_fdstat_get", &[i(3), i(32)]), 0);
    assert_eq!(g.get(32, 1), [3], "directory");
}

#[test]
fn files_seek_tell_pread_pwrite_and_stat() {
    let mut g = Guest::new("files");
    let fd = g.open("f.txt", 1 | 8, READ | WRITE).unwrap();
    g.put(100, b"abcdef");
    g.put(0, &[100, 0, 0, 0, 6, 0, 0, 0]);
    assert_eq!(g.call("fd_write", &[i(fd), i(0), i(1), i(8)]), 0);
    assert_eq!(g.call("fd_tell", &[i(fd), i(16)]), 0);
    assert_eq!(g.u64_at(16), 6);
    assert_eq!(g.call("fd_seek", &[i(fd), Val::I64(-2), i(2), i(16)]), 0);
    assert_eq!(g.u64_at(16), 4);
    assert_eq!(g.call("fd_seek", &[i(fd), Val::I64(0), i(7), i(16)]), INVAL, "bad whence");
    // pread 3 bytes at offset 1 into 200.
    g.put(0, &[200, 0, 0, 0, 3, 0, 0, 0]);
    assert_eq!(g.call("fd_pread", &[i(fd), i(0), i(1), Val::I64(1), i(8)]), 0);
    assert_eq!((g.u32_at(8), g.get(200, 3)), (3, b"bcd".to_vec()));
    // pwrite "XY" at 0, position unchanged.
    g.put(100, b"XY");
    g.put(0, &[100, 0, 0, 0, 2, 0, 0, 0]);
    assert_eq!(g.call("fd_pwrite", &[i(fd), i(0), i(1), Val::I64(0), i(8)]), 0);
    assert_eq!(g.call("fd_tell", &[i(fd), i(16)]), 0);
    assert_eq!(g.u64_at(16), 4);
    assert_eq!(std::fs::read(g.dir.join("f.txt")).unwrap(), b"XYcdef");
    assert_eq!(g.call("fd_filestat_get", &[i(fd), i(300)]), 0);
    assert_eq!((g.get(316, 1)[0], g.u64_at(332)), (4, 6), "regular file of 6 bytes");
    let [p, l] = g.path("f.txt");
    assert_eq!(g.call("path_filestat_get", &[i(3), i(1), p, l, i(300)]), 0);
    assert_eq!(g.u64_at(332), 6);
    assert_eq!(g.call("fd_close", &[i(fd)]), 0);
    assert_eq!(g.call("fd_close", &[i(fd)]), BADF);
}

#[test]
fn directories_create_list_rename_and_remove() {
    let mut g = Guest::new("dirs");
    let [p, l] = g.path("d");
    assert_eq!(g.call("path_create_directory", &[i(3), p, l]), 0);
    std::fs::write(g.dir.join("d/b.txt"), "b").unwrap();
    std::fs::write(g.dir.join("d/a.txt"), "a").unwrap();
    let d = g.open("d", 2, READ).unwrap();
    assert_eq!(g.call("fd_readdir", &[i(d), i(2000), i(4000), Val::I64(0), i(8)]), 0);
    let used = g.u32_at(8);
    let mut names = Vec::new();
    let mut at = 2000;
    while at < 2000 + used {
        let len = g.u32_at(at + 16);
        names.push(String::from_utf8(g.get(at + 24, len)).unwrap());
        at += 24 + len;
    }
    assert_eq!(names, [".", "..", "a.txt", "b.txt"]);
    // Resume after the third entry with its cookie.
    assert_eq!(g.call("fd_readdir", &[i(d), i(2000), i(4000), Val::I64(3), i(8)]), 0);
    assert_eq!(g.get(2024, 5), b"b.txt");

    let [p, l] = g.path("d");
    assert_eq!(g.call("path_remove_directory", &[i(3), p, l]), NOTEMPTY);
    g.put(1100, b"d/c.txt");
    let [p, l] = g.path("d/a.txt");
    assert_eq!(g.call("path_rename", &[i(3), p, l, i(3), i(1100), i(7)]), 0);
    assert!(g.dir.join("d/c.txt").exists() && !g.dir.join("d/a.txt").exists());
    g.put(1100, b"../x.txt");
    let [p, l] = g.path("d/b.txt");
    assert_eq!(g.call("path_rename", &[i(3), p, l, i(3), i(1100), i(8)]), NOTCAPABLE);
    for f in ["d/b.txt", "d/c.txt"] {
        let [p, l] = g.path(f);
        assert_eq!(g.call("path_unlink_file", &[i(3), p, l]), 0);
    }
    let [p, l] = g.path("d");
    assert_eq!(g.call("path_remove_directory", &[i(3), p, l]), 0);
    let [p, l] = g.path(".");
    assert_eq!(g.call("path_remove_directory", &[i(3), p, l]), NOTCAPABLE, "never the granted root");
}

#[test]
fn clocks_random_and_poll() {
    let mut g = Guest::new("clocks");
    assert_eq!(g.call("clock_time_get", &[i(1), Val::I64(0), i(0)]), 0);
    let t0 = g.u64_at(0);
    assert_eq!(g.call("clock_time_get", &[i(1), Val::I64(0), i(0)]), 0);
    assert!(g.u64_at(0) >= t0);
    assert_eq!(g.call("clock_time_get", &[i(9), Val::I64(0), i(0)]), INVAL);
    assert_eq!(g.call("clock_res_get", &[i(0), i(0)]), 0);
    assert!(g.u64_at(0) > 0);
    assert_eq!(g.call("random_get", &[i(100), i(64)]), 0);
    assert!(g.get(100, 64).iter().any(|&b| b != 0));
    // One relative clock subscription of 1 ms (userdata 7).
    let mut sub = [0u8; 48];
    sub[0] = 7;
    sub[16] = 1;
    sub[24..32].copy_from_slice(&1_000_000u64.to_le_bytes());
    g.put(200, &sub);
    assert_eq!(g.call("poll_oneoff", &[i(200), i(300), i(1), i(0)]), 0);
    assert_eq!((g.u32_at(0), g.get(300, 1)[0], g.get(308, 2)), (1, 7, vec![0, 0]));
    assert_eq!(g.call("sched_yield", &[]), 0);
}
