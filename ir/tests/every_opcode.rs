//! `every_opcode.ir` is documentation of the text format and a parser test at once: it
//! must parse, verify, print back to itself (comments aside) and use every opcode.

use std::collections::BTreeSet;
use wlab_ir::{parse::parse_functions, print_function, verify::verify_function, Opcode};

const TEXT: &str = include_str!("every_opcode.ir");

/// The file without comment lines and trailing comments.
fn without_comments(text: &str) -> String {
    let mut out = String::new();
    for line in text.lines() {
        if line.trim_start().starts_with(';') {
            continue;
        }
        let code = line.split(';').next().unwrap_or("").trim_end();
        out.push_str(code);
        out.push('\n');
    }
    out.trim_start_matches('\n').to_string()
}

#[test]
fn every_opcode_parses_verifies_and_prints_back() {
    let funcs = parse_functions(TEXT).unwrap_or_else(|e| panic!("every_opcode.ir:{e}"));
    assert_eq!(funcs.len(), 6);
    for f in &funcs {
        if let Err(e) = verify_function(f) {
            panic!("{} does not verify:\n{e}", f.name);
        }
    }
    let printed: Vec<String> = funcs.iter().map(print_function).collect();
    assert_eq!(printed.join("\n"), without_comments(TEXT));
}

#[test]
fn every_opcode_is_used() {
    let funcs = parse_functions(TEXT).unwrap();
    let used: BTreeSet<Opcode> =
        funcs.iter().flat_map(|f| f.layout_insts().map(move |(_, i)| f.inst(i).opcode)).collect();
    let missing: Vec<&str> = Opcode::all().filter(|o| !used.contains(o)).map(|o| o.name()).collect();
    assert!(missing.is_empty(), "every_opcode.ir lacks: {}", missing.join(", "));
}
