//! Test helpers: a terse builder for small functions, and the checks every pass test
//! makes (printed IR, a second run changes nothing). Compiled only for tests.

use crate::pass::{Changed, Pass, PassOutcome};
use wlab_ir::{Block, BlockCall, Function, Imm, IntCC, Opcode, Signature, Type, Value};

pub struct B {
    pub f: Function,
}

impl B {
    pub fn new(params: &[Type], results: &[Type]) -> (B, Vec<Value>) {
        let mut f = Function::new("t", Signature::new(params.to_vec(), results.to_vec()));
        let b0 = f.create_block();
        f.append_block(b0);
        let vs = params.iter().map(|&t| f.append_block_param(b0, t)).collect();
        (B { f }, vs)
    }
    pub fn block(&mut self, params: &[Type]) -> (Block, Vec<Value>) {
        let b = self.f.create_block();
        self.f.append_block(b);
        let vs = params.iter().map(|&t| self.f.append_block_param(b, t)).collect();
        (b, vs)
    }
    pub fn b(&self, n: usize) -> Block {
        self.f.layout[n]
    }
    pub fn iconst(&mut self, b: Block, ty: Type, x: i64) -> Value {
        self.f.ins1(b, Opcode::Iconst, ty, vec![], Imm::I64(x))
    }
    pub fn op(&mut self, b: Block, op: Opcode, ty: Type, args: &[Value]) -> Value {
        self.f.ins1(b, op, ty, args.to_vec(), Imm::None)
    }
    pub fn icmp(&mut self, b: Block, cc: IntCC, ty: Type, x: Value, y: Value) -> Value {
        let i = self.f.append_inst(
            b,
            wlab_ir::InstData::new(Opcode::Icmp, Some(ty), vec![x, y], Imm::IntCC(cc)),
            &[Type::I32],
        );
        self.f.inst_results(i)[0]
    }
    pub fn jump(&mut self, b: Block, to: Block, args: &[Value]) {
        self.f.terminate(b, Opcode::Jump, vec![], Imm::None, vec![BlockCall::new(to, args.to_vec())]);
    }
    pub fn brif(&mut self, b: Block, c: Value, t: (Block, &[Value]), e: (Block, &[Value])) {
        let dests = vec![BlockCall::new(t.0, t.1.to_vec()), BlockCall::new(e.0, e.1.to_vec())];
        self.f.terminate(b, Opcode::Brif, vec![c], Imm::None, dests);
    }
    pub fn ret(&mut self, b: Block, vals: &[Value]) {
        self.f.terminate(b, Opcode::Return, vals.to_vec(), Imm::None, vec![]);
    }
}

/// Runs `pass` on `f`, checks that the reported change matches the printed text, that
/// a second run reports nothing, and returns the outcome and the printed result.
pub fn run_checked(pass: &mut dyn Pass, f: &mut Function) -> (PassOutcome, String) {
    let before = wlab_ir::print_function(f);
    let out = pass.run(f).expect("pass runs");
    let after = wlab_ir::print_function(f);
    assert_eq!(
        out.changed == Changed::Nothing,
        before == after,
        "{}: reported {:?}\n{after}",
        pass.name(),
        out.changed
    );
    let again = pass.run(f).expect("second run");
    assert_eq!(again.changed, Changed::Nothing, "{}: second run changed\n{}", pass.name(), wlab_ir::print_function(f));
    assert_eq!(wlab_ir::print_function(f), after);
    (out, after)
}

/// The body lines of a printed function (without the header and closing brace),
/// trimmed, for compact assertions.
pub fn body(text: &str) -> Vec<String> {
    text.lines().skip(1).filter(|l| !l.trim().is_empty() && l.trim() != "}").map(|l| l.trim().to_string()).collect()
}
