//! perf's map of JIT code: `/tmp/perf-PID.map`, one line per piece of code,
//! `START SIZE name` (start and size in hex, without `0x`), which `perf report` reads to
//! name samples in anonymous executable memory. The file is perf's convention, written
//! once after compilation and left in place (perf reads it at report time, after the
//! process ended). This file never decides names; it writes what it is given.

use super::CodeSymbol;
use std::io::Write;
use std::path::PathBuf;

/// Where perf looks for the map of process `pid`.
pub fn path_for(pid: u32) -> PathBuf {
    PathBuf::from(format!("/tmp/perf-{pid}.map"))
}

/// The map's text: one `START SIZE name` line per symbol; control characters in a name
/// (a line break would end the line) become `?`.
pub fn render(symbols: &[CodeSymbol]) -> String {
    let mut s = String::new();
    for sym in symbols {
        let name: String = sym.name.chars().map(|c| if c.is_control() { '?' } else { c }).collect();
        s.push_str(&format!("{:x} {:x} {name}\n", sym.start, sym.size));
    }
    s
}

/// Writes (appends to, as every JIT in one process would) this process's map; its path.
pub fn write(symbols: &[CodeSymbol]) -> std::io::Result<PathBuf> {
    let path = path_for(std::process::id());
    let mut f = std::fs::OpenOptions::new().create(true).append(true).open(&path)?;
    f.write_all(render(symbols).as_bytes())?;
    Ok(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_are_hex_start_size_and_name() {
        let syms = [
            CodeSymbol { start: 0x7f00_0000_1000, size: 0x40, name: "wlab_entry_trampoline".into() },
            CodeSymbol { start: 0x7f00_0000_1040, size: 0x123, name: "main\nloop".into() },
        ];
        assert_eq!(render(&syms), "7f0000001000 40 wlab_entry_trampoline\n7f0000001040 123 main?loop\n");
    }
}
