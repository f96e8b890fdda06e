//! Parser tests: round trips through the printer, every literal form, and errors (with
//! positions) on malformed input, including mutated text that must never panic.

use super::*;
use crate::write::print_function;

/// Parses, prints, and checks the text comes back unchanged.
fn roundtrip(text: &str) -> Function {
    let f = parse_function(text).unwrap_or_else(|e| panic!("{e}\n{text}"));
    assert_eq!(print_function(&f), text);
    f
}

fn parse_err(text: &str) -> String {
    match parse_functions(text) {
        Ok(fs) => panic!("expected a parse error, got {} function(s)", fs.len()),
        Err(e) => e.to_string(),
    }
}

const FAC: &str = "function fn3 \"fac\"(i64) -> i64 {
    fn3 = (i64) -> i64
    type0 = (i32) -> (i32, f64)

block0(v0: i64):
    v1 = eqz.i64 v0
    brif v1, block1, block2

block1:
    v2 = iconst.i64 1
    return v2

block2:
    v3 = iconst.i64 1
    v4 = isub.i64 v0, v3
    v5 = call fn3(v4)
    v6 = imul.i64 v0, v5
    return v6
}
";

#[test]
fn factorial_roundtrips_with_declarations() {
    let f = roundtrip(FAC);
    assert_eq!(f.wasm_index, Some(3));
    assert_eq!(f.name, "fac");
    assert_eq!(f.callees[&3], Signature::new(vec![Type::I64], vec![Type::I64]));
    assert_eq!(f.types[&0].results, vec![Type::I32, Type::F64]);
    assert_eq!(f.value_type(Value(5)), Type::I64);
    assert_eq!(f.value_def(Value(5)), ValueDef::Result(Inst(6), 0));
    assert_eq!(crate::verify::verify_function(&f), Ok(()));
}

#[test]
fn loop_uses_values_before_their_line_and_keeps_gaps() {
    let text = "function \"loop\"(i32) -> i32 {
block0(v0: i32):
    jump block5(v0)

block5(v7: i32):
    v9 = iadd.i32 v7, v12
    v10 = icmp.i32 slt v9, v0
    brif v10, block5(v9), block2

block2:
    v12 = iconst.i32 -1
    return v7
}
";
    let f = roundtrip(text);
    assert_eq!(f.values.len(), 13);
    assert_eq!(f.blocks.len(), 6);
    assert_eq!(f.layout, vec![Block(0), Block(5), Block(2)]);
    assert_eq!(f.value_def(Value(7)), ValueDef::Param(Block(5), 0));
    assert_eq!(f.inst(Inst(4)).imm, Imm::I64(-1));
}

#[test]
fn memory_table_and_call_forms() {
    let text = "function \"mem\"(i32, funcref) -> () {
    type2 = (i32) -> i32

block0(v0: i32, v1: funcref):
    v2 = load.i32 v0
    v3 = uload8.i64 mem1 v0+16
    store.i32 v0+4294967296, v2
    istore32.i64 mem2 v0, v3
    v4 = memory_size mem0
    v5 = memory_grow mem1, v4
    memory_fill mem0, v0, v2, v4
    memory_copy mem1, mem0, v0, v2, v4
    memory_init data3, mem0, v0, v2, v4
    data_drop data3
    v6 = global_get.f64 g7
    global_set.i32 g1, v2
    v7 = table_get.funcref table0, v0
    table_set table1, v0, v1
    v8 = table_size table0
    v9 = table_grow table0, v1, v0
    table_fill table0, v0, v1, v2
    table_copy table0, table1, v0, v2, v4
    table_init elem2, table0, v0, v2, v4
    elem_drop elem2
    v10 = ref_func fn9
    v11 = ref_null.externref
    v12 = ref_is_null v11
    v13 = call_indirect type2, table0, v0(v2)
    br_table v13, block1, [block1, block2(v6)]

block1:
    trap heap_oob

block2(v14: f64):
    return
}
";
    let f = roundtrip(text);
    let i = f.blocks[0].insts[1];
    assert_eq!(f.inst(i).imm, Imm::Mem(MemArg { offset: 16, align: 0, memory: 1 }));
    let i = f.blocks[0].insts[0];
    assert_eq!(f.inst(i).imm, Imm::Mem(MemArg { offset: 0, align: 2, memory: 0 }));
    let ci = f.blocks[0].insts[23];
    assert_eq!(f.inst(ci).args, vec![Value(2), Value(0)]);
    assert_eq!(crate::verify::verify_function(&f), Ok(()));
}

#[test]
fn float_literals_keep_their_bits() {
    let f32s = [0.0f32, -0.0, 1.5, 1e-45, f32::MAX, f32::MIN_POSITIVE, 0.1, -3.25e20];
    let f64s = [0.0f64, -0.0, 1.5, 5e-324, f64::MAX, 0.1, -1.0e300, std::f64::consts::PI];
    let mut text = String::from("function \"floats\"() -> () {\nblock0:\n");
    let mut n = 0;
    let mut line = |t: &str, lit: String| {
        text.push_str(&format!("    v{n} = fconst.{t} {lit}\n"));
        n += 1;
    };
    for x in f32s {
        line("f32", crate::write::format_f32(x.to_bits()));
    }
    for b in [0x7fc0_0000u32, 0xffc0_0001, 0x7f80_0001, f32::INFINITY.to_bits(), f32::NEG_INFINITY.to_bits()] {
        line("f32", crate::write::format_f32(b));
    }
    for x in f64s {
        line("f64", crate::write::format_f64(x.to_bits()));
    }
    for b in [0x7ff8_0000_0000_0000u64, 0xfff0_0000_0000_0001, f64::INFINITY.to_bits(), f64::NEG_INFINITY.to_bits()] {
        line("f64", crate::write::format_f64(b));
    }
    text.push_str("    return\n}\n");
    let f = roundtrip(&text);
    assert_eq!(f.inst(Inst(1)).imm, Imm::F32((-0.0f32).to_bits()));
    assert_eq!(f.inst(Inst(9)).imm, Imm::F32(0xffc0_0001));
    assert!(text.contains("fconst.f32 nan:0x7f800001"), "{text}");
    assert!(text.contains("fconst.f64 -inf"), "{text}");
}

#[test]
fn integer_constants_at_the_limits() {
    let text = "function \"ints\"() -> () {
block0:
    v0 = iconst.i32 -2147483648
    v1 = iconst.i32 2147483647
    v2 = iconst.i64 -9223372036854775808
    v3 = iconst.i64 9223372036854775807
    return
}
";
    let f = roundtrip(text);
    assert_eq!(f.inst(Inst(0)).imm, Imm::I64(i32::MIN as i64));
    // Unsigned spellings are accepted and normalised.
    let f = parse_function(&text.replace("2147483647", "4294967295")).unwrap();
    assert_eq!(f.inst(Inst(1)).imm, Imm::I64(-1));
    assert_eq!(parse_err(&text.replace("2147483647", "4294967296")), "4:21: 4294967296 does not fit in i32");
}

#[test]
fn escaped_names_and_several_functions_with_comments() {
    let name = "we\"ird\\ na\tme\n\u{1b}é;x";
    let mut f = parse_function(FAC).unwrap();
    f.name = name.into();
    f.wasm_index = None;
    let printed = print_function(&f);
    let text = format!("; test: passes\n; passes: dce\n\n{printed}; between\n\n{FAC}   ; trailing comment\n");
    let fs = parse_functions(&text).unwrap();
    assert_eq!(fs.len(), 2);
    assert_eq!(fs[0].name, name);
    assert_eq!(print_function(&fs[0]), printed);
    assert_eq!(print_function(&fs[1]), FAC);
    assert_eq!(parse_functions("; nothing here\n").unwrap().len(), 0);
}

#[test]
fn errors_name_line_and_column() {
    let cases: &[(&str, &str)] = &[
        (
            "function \"f\"() -> () {\nblock0:\n    v0 = iadd.i32 v1\n    return\n}\n",
            "3:19: v1 is used but never defined",
        ),
        ("function \"f\"() -> () {\nblock0:\n    v0 = frob.i32 v1\n}\n", "3:10: unknown opcode `frob`"),
        ("function \"f\"() -> () {\nblock0:\n    v0 = iadd.i33 v1\n}\n", "3:10: unknown type `i33` in `iadd.i33`"),
        ("function \"f\"() -> () {\nblock0:\n    jump block7\n}\n", "3:10: block7 is used but never defined"),
        (
            "function \"f\"() -> () {\nblock0:\n    v0 = iconst.i32 1\n    v0 = iconst.i32 2\n    return\n}\n",
            "4:5: v0 is defined twice",
        ),
        ("function \"f\"() -> () {\nblock0:\n    return\n\nblock0:\n    return\n}\n", "5:1: block0 is defined twice"),
        ("function \"f\"() -> () {\n    v0 = iconst.i32 1\n}\n", "2:5: expected a block header, found `v0`"),
        ("function \"f\"() -> () {\nblock0:\n    v0 = call fn1()\n}\n", "3:10: fn1 is not declared"),
        (
            "function \"f\"() -> () {\nblock0:\n    v0, v1 = iconst.i32 1\n}\n",
            "3:5: `iconst.i32` defines 1 result(s) here, but 2 value(s) are written",
        ),
        ("function \"f\"() -> () {\nblock0:\n    trap oops\n}\n", "3:10: unknown trap code `oops`"),
        ("function \"f\"() -> () {\nblock0:\n    v0 = icmp.i32 lt v1, v1\n}\n", "3:19: unknown integer condition `lt`"),
        (
            "function \"f\"() -> () {\nblock0:\n    return\n",
            "4:1: expected `}` closing the function, found end of input",
        ),
        ("function \"f\"() -> () {\nblock0:\n    return #\n}\n", "3:12: unexpected character '#'"),
        ("function \"f() -> () {\n", "1:10: unterminated string"),
        (
            "function \"f\"() -> () {\nblock0:\n    v0 = fconst.f32 nan:0x1\n}\n",
            "3:25: `0x1` is not the bit pattern of a NaN",
        ),
        (
            "function \"f\"() -> () {\nblock0:\n    v0 = fconst.i32 1.0\n}\n",
            "3:10: `fconst` needs the suffix .f32 or .f64",
        ),
        (
            "function \"f\"() -> () {\nblock0(v99999999: i32):\n    return\n}\n",
            "2:8: `v99999999`: numbers above 16777216 are not accepted",
        ),
        (
            "function \"f\"() -> () {\nblock0:\n    return\n}\nfunction",
            "5:9: expected the function name as a string, found end of input",
        ),
        (
            "function \"f\"() -> () {\nblock0:\n    return\n    fn1 = () -> ()\n}\n",
            "4:5: declaration `fn1` after the first block",
        ),
        (
            "function \"f\"() -> () {\nblock0:\n    br_table v0, block1, block2\n}\n",
            "3:5: `br_table` lists its targets after the default in `[...]`",
        ),
    ];
    for (text, want) in cases {
        let got = parse_err(text);
        assert!(got.starts_with(want), "for input {text:?}\n got: {got}\nwant: {want}");
    }
    assert_eq!(parse_function("").unwrap_err().to_string(), "1:1: expected `function`, found end of input");
    assert!(parse_function(&format!("{FAC}{FAC}")).unwrap_err().message.starts_with("expected end of input"));
}

/// Every prefix of a valid text, and many single-character mutations of it, parse to
/// a function or an error: never a panic.
#[test]
fn garbage_never_panics() {
    let texts = [FAC.to_string(), print_function(&parse_function(FAC).unwrap())];
    let alphabet: Vec<char> = "v0123456789block()[]{},:=+-> \n;\"\\.fnmemtableinfnan:0xe".chars().collect();
    let mut seed = 0x2545_f491_4f6c_dd1du64;
    let mut rand = move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    for text in &texts {
        let chars: Vec<char> = text.chars().collect();
        for n in 0..chars.len() {
            let prefix: String = chars[..n].iter().collect();
            let _ = parse_functions(&prefix);
        }
        for _ in 0..3000 {
            let mut c = chars.clone();
            for _ in 0..1 + rand() % 3 {
                let at = (rand() as usize) % c.len();
                match rand() % 3 {
                    0 => c[at] = alphabet[(rand() as usize) % alphabet.len()],
                    1 => {
                        c.remove(at);
                    }
                    _ => c.insert(at, alphabet[(rand() as usize) % alphabet.len()]),
                }
            }
            let s: String = c.iter().collect();
            if let Ok(fs) = parse_functions(&s) {
                // Whatever parses also prints and verifies without panicking.
                for f in &fs {
                    let _ = print_function(f);
                    let _ = crate::verify::verify_function(f);
                }
            }
        }
    }
    for junk in [
        "\0\u{ffff}",
        "function",
        "function fn",
        "function fn99999999999 \"x\"",
        "}}}}",
        "\"\\u{110000}\"",
        "1e+",
        "0x",
    ] {
        let _ = parse_functions(junk);
    }
}
