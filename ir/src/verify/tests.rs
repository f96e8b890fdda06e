//! The verifier's tests: one broken function per invariant of the module doc, each
//! checked for the message it must produce.

use super::*;
use crate::instructions::{BlockCall, IntCC, MemArg};
use crate::opcode::Opcode;
use crate::types::Signature;

/// `(i32) -> i32`: block0(v0) brif v0 -> block1(v0) / block2 ; block1(v1) returns v1 + 1 ;
/// block2 returns 7. Valid.
fn good() -> Function {
    let mut f = Function::new("good", Signature::new(vec![Type::I32], vec![Type::I32]));
    let b0 = f.create_block();
    let b1 = f.create_block();
    let b2 = f.create_block();
    for b in [b0, b1, b2] {
        f.append_block(b);
    }
    let v0 = f.append_block_param(b0, Type::I32);
    let v1 = f.append_block_param(b1, Type::I32);
    f.terminate(b0, Opcode::Brif, vec![v0], Imm::None, vec![BlockCall::new(b1, vec![v0]), BlockCall::new(b2, vec![])]);
    let one = f.ins1(b1, Opcode::Iconst, Type::I32, vec![], Imm::I64(1));
    let sum = f.ins1(b1, Opcode::Iadd, Type::I32, vec![v1, one], Imm::None);
    f.terminate(b1, Opcode::Return, vec![sum], Imm::None, vec![]);
    let seven = f.ins1(b2, Opcode::Iconst, Type::I32, vec![], Imm::I64(7));
    f.terminate(b2, Opcode::Return, vec![seven], Imm::None, vec![]);
    f
}

/// Verifies `f` and returns the messages (which must not be empty).
fn errors(f: &Function) -> Vec<String> {
    match verify_function(f) {
        Ok(()) => panic!("expected verifier errors"),
        Err(e) => e.errors.iter().map(|x| x.to_string()).collect(),
    }
}

fn assert_error(f: &Function, needle: &str) {
    let es = errors(f);
    assert!(es.iter().any(|e| e.contains(needle)), "no error containing {needle:?} in {es:#?}");
}

/// The instruction at position `n` of block `b`.
fn at(f: &Function, b: u32, n: usize) -> Inst {
    f.blocks[b as usize].insts[n]
}

#[test]
fn good_function_verifies() {
    assert_eq!(verify_function(&good()), Ok(()));
}

#[test]
fn layout_block_twice() {
    let mut f = good();
    f.layout.push(Block(1));
    assert_error(&f, "block1: block1 appears twice in the layout");
}

#[test]
fn layout_block_missing() {
    let mut f = good();
    f.layout.push(Block(9));
    assert_error(&f, "layout names block9, which does not exist");
}

#[test]
fn inst_twice_in_layout() {
    let mut f = good();
    let i = at(&f, 1, 0);
    f.blocks[2].insts.insert(0, i);
    assert_error(&f, "inst1 appears twice in the layout");
}

#[test]
fn empty_block() {
    let mut f = good();
    f.blocks[2].insts.clear();
    assert_error(&f, "block2: block2 is empty: it must end with a terminator");
}

#[test]
fn missing_terminator() {
    let mut f = good();
    f.blocks[1].insts.pop();
    assert_error(&f, "block1 does not end with a terminator");
}

#[test]
fn terminator_in_the_middle() {
    let mut f = good();
    let t = f.make_inst(InstData::new(Opcode::Trap, None, vec![], Imm::Trap(crate::TrapCode::Unreachable)), &[]);
    f.blocks[2].insts.insert(0, t);
    assert_error(&f, "terminator `trap` is not the last instruction of block2");
}

#[test]
fn no_entry_block() {
    let mut f = good();
    f.layout.clear();
    assert_error(&f, "function: no entry block: the layout is empty");
}

#[test]
fn entry_params_differ_from_signature() {
    let mut f = good();
    f.signature.params = vec![Type::I64];
    assert_error(&f, "entry block parameters (i32) do not match the signature parameters (i64)");
}

#[test]
fn operand_count() {
    let mut f = good();
    let add = at(&f, 1, 1);
    f.inst_mut(add).args.pop();
    assert_error(&f, "`iadd` takes 2 operands, found 1");
}

#[test]
fn operand_type() {
    let mut f = good();
    let c = f.make_inst(InstData::new(Opcode::Iconst, Some(Type::I64), vec![], Imm::I64(1)), &[Type::I64]);
    let wide = f.inst(c).results[0];
    f.blocks[1].insts.insert(0, c);
    let add = at(&f, 1, 2);
    f.inst_mut(add).args[1] = wide;
    assert_error(&f, "operand 1 (v5) has type i64, expected i32");
}

#[test]
fn suffix_missing_present_and_wrong_class() {
    let mut f = good();
    let add = at(&f, 1, 1);
    f.inst_mut(add).ty = None;
    assert_error(&f, "`iadd` needs a type suffix");
    let mut f = good();
    let ret = at(&f, 1, 2);
    f.inst_mut(ret).ty = Some(Type::I32);
    assert_error(&f, "`return` takes no type suffix, found .i32");
    let mut f = good();
    f.inst_mut(add).ty = Some(Type::F32);
    assert_error(&f, "`iadd` takes an integer type as its type suffix, found .f32");
}

#[test]
fn wrong_immediate() {
    let mut f = good();
    let c = at(&f, 1, 0);
    f.inst_mut(c).imm = Imm::IntCC(IntCC::Eq);
    assert_error(&f, "`iconst` takes an integer immediate, found IntCC(Eq)");
    let mut f = good();
    f.inst_mut(c).imm = Imm::I64(1 << 40);
    assert_error(&f, "`iconst.i32` immediate 1099511627776 is not a sign-extended i32");
    let mut f = good();
    let add = at(&f, 1, 1);
    f.inst_mut(add).imm = Imm::Mem(MemArg { offset: 0, align: 0, memory: 0 });
    assert_error(&f, "`iadd` takes no immediate");
}

#[test]
fn result_types() {
    let mut f = good();
    let sum = f.inst(at(&f, 1, 1)).results[0];
    f.values[sum.index()].ty = Type::I64;
    assert_error(&f, "results have types (i64), expected (i32)");
}

#[test]
fn recorded_def_mismatch() {
    let mut f = good();
    let sum = f.inst(at(&f, 1, 1)).results[0];
    f.values[sum.index()].def = ValueDef::Param(Block(0), 3);
    assert_error(&f, "v3 is result 0 of inst2 but is recorded as parameter 3 of block0");
}

#[test]
fn value_defined_twice() {
    let mut f = good();
    let one = f.inst(at(&f, 1, 0)).results[0];
    let seven = at(&f, 2, 0);
    f.inst_mut(seven).results[0] = one;
    assert_error(&f, "v2 is defined twice (again as result 0 of inst4)");
}

#[test]
fn value_does_not_exist() {
    let mut f = good();
    let add = at(&f, 1, 1);
    f.inst_mut(add).args[0] = Value(99);
    assert_error(&f, "v99 does not exist");
}

#[test]
fn branch_target_not_in_layout() {
    let mut f = good();
    let stray = f.create_block();
    let br = at(&f, 0, 0);
    f.inst_mut(br).dests[1].block = stray;
    assert_error(&f, "branch target block3 is not in the layout");
    f.inst_mut(br).dests[1].block = Block(42);
    assert_error(&f, "branch target block42 does not exist");
}

#[test]
fn block_call_arity_and_types() {
    let mut f = good();
    let br = at(&f, 0, 0);
    f.inst_mut(br).dests[0].args.clear();
    assert_error(&f, "block1 takes 1 arguments, found 0");
    let mut f = good();
    f.values[1].ty = Type::F64;
    assert_error(&f, "argument 0 (v0) to block1 has type i32, expected f64");
}

#[test]
fn branch_target_count() {
    let mut f = good();
    let br = at(&f, 0, 0);
    f.inst_mut(br).dests.pop();
    assert_error(&f, "`brif` takes 2 branch targets, found 1");
}

#[test]
fn return_types() {
    let mut f = good();
    f.signature.results = vec![Type::I64];
    assert_error(&f, "operand 0 (v3) has type i32, expected i64");
    f.signature.results = vec![];
    assert_error(&f, "`return` takes 0 operands, found 1");
}

#[test]
fn undeclared_callee_and_type() {
    let mut f = good();
    let b2 = Block(2);
    let call = f.make_inst(InstData::new(Opcode::Call, None, vec![], Imm::Func(5)), &[]);
    f.blocks[b2.index()].insts.insert(0, call);
    assert_error(&f, "fn5 is not declared in the function preamble");
    let mut f = good();
    let v0 = Value(0);
    let ci = f.make_inst(
        InstData::new(Opcode::CallIndirect, None, vec![v0], Imm::CallIndirect { type_index: 2, table: 0 }),
        &[],
    );
    f.blocks[0].insts.insert(0, ci);
    assert_error(&f, "type2 is not declared in the function preamble");
    f.types.insert(2, Signature::new(vec![Type::F32], vec![]));
    assert_error(&f, "`call_indirect` takes 2 operands, found 1");
}

#[test]
fn use_not_dominated() {
    let mut f = good();
    // block2 returns the sum defined in block1.
    let sum = f.inst(at(&f, 1, 1)).results[0];
    let ret = at(&f, 2, 1);
    f.inst_mut(ret).args[0] = sum;
    assert_error(&f, "block2: inst5 `return v3`: use of v3 is not dominated by its definition in block1");
}

#[test]
fn use_before_def_in_same_block() {
    let mut f = good();
    f.blocks[1].insts.swap(0, 1);
    assert_error(&f, "use of v2 is not dominated by its definition in block1");
}

#[test]
fn unreachable_def_used_in_reachable_block() {
    let mut f = good();
    let b3 = f.create_block();
    f.append_block(b3);
    let x = f.ins1(b3, Opcode::Iconst, Type::I32, vec![], Imm::I64(3));
    f.terminate(b3, Opcode::Return, vec![x], Imm::None, vec![]);
    // Unreachable code may use anything: still valid.
    assert_eq!(verify_function(&f), Ok(()));
    let ret = at(&f, 2, 1);
    f.inst_mut(ret).args[0] = x;
    assert_error(&f, "v5 is defined in unreachable block3 but used in reachable block2");
}

#[test]
fn use_of_value_outside_layout() {
    let mut f = good();
    let orphan = f.make_inst(InstData::new(Opcode::Iconst, Some(Type::I32), vec![], Imm::I64(0)), &[Type::I32]);
    let v = f.inst(orphan).results[0];
    let ret = at(&f, 2, 1);
    f.inst_mut(ret).args[0] = v;
    assert_error(&f, "v5 is used but not defined in the layout");
}

#[test]
fn every_error_is_reported_one_per_line() {
    let mut f = good();
    f.signature.params = vec![];
    let add = at(&f, 1, 1);
    f.inst_mut(add).ty = None;
    let e = verify_function(&f).unwrap_err();
    assert_eq!(e.errors.len(), 2, "{e}");
    assert_eq!(e.to_string().lines().count(), 2);
}

/// 5,000 blocks in a chain with back edges, 50,000 instructions: near-linear checks
/// make this take milliseconds (a quadratic step would take seconds).
#[test]
fn large_function_verifies() {
    let mut f = Function::new("big", Signature::new(vec![Type::I32], vec![Type::I32]));
    let blocks: Vec<Block> = (0..5000).map(|_| f.create_block()).collect();
    for &b in &blocks {
        f.append_block(b);
    }
    let mut x = f.append_block_param(blocks[0], Type::I32);
    for (n, &b) in blocks.iter().enumerate() {
        for _ in 0..9 {
            x = f.ins1(b, Opcode::Iadd, Type::I32, vec![x, x], Imm::None);
        }
        match blocks.get(n + 1) {
            Some(&next) => {
                let mut dests = vec![BlockCall::new(next, vec![]), BlockCall::new(blocks[0], vec![x])];
                if n > 0 {
                    dests.push(BlockCall::new(b, vec![]));
                }
                f.terminate(b, Opcode::BrTable, vec![x], Imm::None, dests)
            }
            None => f.terminate(b, Opcode::Return, vec![x], Imm::None, vec![]),
        };
    }
    let t = std::time::Instant::now();
    assert_eq!(verify_function(&f), Ok(()));
    let text = crate::write::print_function(&f);
    let g = crate::parse::parse_function(&text).unwrap();
    assert_eq!(crate::write::print_function(&g), text);
    eprintln!("verify + print + parse of 50,000 instructions: {:?}", t.elapsed());
}
