//! The IR verifier: checks that a function is well formed and reports every violation
//! it finds, each with its location and the printed instruction.
//!
//! Invariants checked:
//!
//! 1. **Layout**: every layout block exists and appears once; every layout instruction
//!    exists and appears once (in one block).
//! 2. **Terminators**: every layout block is non-empty, ends with a terminator, and has no
//!    other terminator; non-terminators have no branch targets.
//! 3. **Entry**: the layout is non-empty; the entry block's parameter types equal the
//!    signature's parameter types.
//! 4. **Operands**: per opcode, from its row of the opcode table (see [`rule`]): the number of operands
//!    and each operand's type; the type suffix is present exactly when
//!    [`typing::has_type_suffix`] says so and is of the class the opcode accepts; the
//!    immediate is the right [`Imm`] variant (and an `iconst.i32` immediate is a
//!    sign-extended `i32`; an `fconst` immediate has the suffix's width; a SIMD lane
//!    index is below the row's lane count, a shuffle index below 32).
//! 5. **Results**: the result values' types equal [`typing::result_types`].
//! 6. **Definitions**: every value an instruction or block mentions exists; each value is
//!    defined once (one block parameter or one instruction result in the layout); its
//!    recorded [`ValueDef`] names that very parameter / result, and its recorded type is
//!    the block parameter's or result's.
//! 7. **Branches**: every branch target exists and is in the layout; the number of
//!    block-call arguments and their types match the target's parameters; `brif` has two
//!    targets, `jump` one, `br_table` at least one, `return` and `trap` none.
//! 8. **Calls and returns**: `call fnN` and `call_indirect typeN` name a declared callee or
//!    type and pass arguments of its parameter types (`call_indirect` then the `i32`
//!    table index); `return` passes values of the signature's result types; every callee
//!    marked `no_memory_writes` is declared.
//! 9. **Dominance**: every use is dominated by its definition (an instruction result by a
//!    strictly earlier instruction, a parameter by its block). Uses in unreachable blocks
//!    are not checked for dominance, but a value defined in an unreachable block must not
//!    be used in a reachable one. Every used value is defined somewhere in the layout.
//!
//! The verifier never panics, whatever the function holds, and never changes it.

use crate::cfg::ControlFlowGraph;
use crate::dominators::DomTree;
use crate::entities::{Block, Inst, Value};
use crate::function::{Function, ValueDef};
use crate::instructions::{Imm, InstData};
use crate::opinfo::{bitcast_source, Arg, Dests, ImmKind, Operands, Suffix};
use crate::types::Type;
use crate::typing;
use crate::write::inst_to_string;
use std::fmt;

/// Where a verifier error was found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Location {
    /// The function as a whole (signature, entry block).
    Function,
    Block(Block),
    /// An instruction, with its block and its printed text.
    Inst {
        block: Block,
        inst: Inst,
        text: String,
    },
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Location::Function => f.write_str("function"),
            Location::Block(b) => write!(f, "{b}"),
            Location::Inst { block, inst, text } => write!(f, "{block}: {inst} `{text}`"),
        }
    }
}

/// One violated invariant.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VerifyIssue {
    pub location: Location,
    pub message: String,
}

impl fmt::Display for VerifyIssue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.location, self.message)
    }
}

/// Every violation found in one function, in layout order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VerifyError {
    /// The function's name.
    pub func: String,
    pub errors: Vec<VerifyIssue>,
}

impl fmt::Display for VerifyError {
    /// One error per line: `location: message`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (n, e) in self.errors.iter().enumerate() {
            if n > 0 {
                writeln!(f)?;
            }
            write!(f, "{e}")?;
        }
        Ok(())
    }
}

impl std::error::Error for VerifyError {}

/// Checks every invariant listed in the module doc.
pub fn verify_function(func: &Function) -> Result<(), VerifyError> {
    let mut v = Verifier { func, errors: Vec::new(), in_layout: Vec::new() };
    v.run();
    if v.errors.is_empty() {
        Ok(())
    } else {
        Err(VerifyError { func: func.name.clone(), errors: v.errors })
    }
}

// ---- per-opcode operand rules ---------------------------------------------------------

/// The operand rule of one instruction: its row's columns, with the operand list made
/// concrete for calls and returns.
struct Rule {
    suffix: Suffix,
    args: Vec<Arg>,
    imm: ImmKind,
    dests: Dests,
}

/// The operand rule for an instruction, from the opcode table. Calls and returns take
/// their operand types from the function's declarations; an undeclared callee is an
/// error.
fn rule(func: &Function, d: &InstData) -> Result<Rule, String> {
    let info = d.opcode.info();
    let args = match info.operands {
        Operands::Fixed(a) => a.to_vec(),
        Operands::CalleeParams => match d.imm {
            Imm::Func(f) => match func.callees.get(&f) {
                Some(sig) => sig.params.iter().map(|&t| Arg::T(t)).collect(),
                None => return Err(format!("fn{f} is not declared in the function preamble")),
            },
            _ => Vec::new(),
        },
        Operands::TypeParamsThenIndex => match d.imm {
            Imm::CallIndirect { type_index, .. } => match func.types.get(&type_index) {
                Some(sig) => sig.params.iter().map(|&t| Arg::T(t)).chain([Arg::T(Type::I32)]).collect(),
                None => return Err(format!("type{type_index} is not declared in the function preamble")),
            },
            _ => Vec::new(),
        },
        Operands::FunctionResults => func.signature.results.iter().map(|&t| Arg::T(t)).collect(),
    };
    Ok(Rule { suffix: info.suffix, args, imm: info.imm, dests: info.dests })
}

fn type_list(ts: &[Type]) -> String {
    let names: Vec<&str> = ts.iter().map(|t| t.name()).collect();
    format!("({})", names.join(", "))
}

// ---- the checks -----------------------------------------------------------------------

/// Where a value is defined in the layout.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Site {
    Param(Block),
    Result(Block, Inst),
}

struct Verifier<'a> {
    func: &'a Function,
    errors: Vec<VerifyIssue>,
    /// Whether each block is in the layout.
    in_layout: Vec<bool>,
}

impl Verifier<'_> {
    fn err(&mut self, location: Location, message: String) {
        self.errors.push(VerifyIssue { location, message });
    }

    fn inst_loc(&self, block: Block, inst: Inst) -> Location {
        Location::Inst { block, inst, text: inst_to_string(self.func, inst) }
    }

    fn value_exists(&self, v: Value) -> bool {
        v.index() < self.func.values.len()
    }

    fn run(&mut self) {
        let func = self.func;
        let nb = func.blocks.len();
        let ni = func.insts.len();

        // 1. Layout: blocks and instructions exist and appear once.
        let mut block_seen = vec![false; nb];
        let mut layout: Vec<Block> = Vec::with_capacity(func.layout.len());
        for &b in &func.layout {
            if b.index() >= nb {
                self.err(Location::Function, format!("layout names {b}, which does not exist"));
            } else if std::mem::replace(&mut block_seen[b.index()], true) {
                self.err(Location::Block(b), format!("{b} appears twice in the layout"));
            } else {
                layout.push(b);
            }
        }
        self.in_layout = block_seen;
        // 8. (declarations) a `no_memory_writes` mark is on a declared callee.
        for &f in &func.no_memory_writes {
            if !func.callees.contains_key(&f) {
                self.err(Location::Function, format!("fn{f} is marked no_memory_writes but not declared"));
            }
        }
        let mut inst_seen = vec![false; ni];
        // Instructions of each checked layout block that exist and are placed once.
        let mut block_insts: Vec<(Block, Vec<Inst>)> = Vec::with_capacity(layout.len());
        for &b in &layout {
            let mut insts = Vec::new();
            for &i in &func.blocks[b.index()].insts {
                if i.index() >= ni {
                    self.err(Location::Block(b), format!("{b} lists {i}, which does not exist"));
                } else if std::mem::replace(&mut inst_seen[i.index()], true) {
                    self.err(self.inst_loc(b, i), format!("{i} appears twice in the layout"));
                } else {
                    insts.push(i);
                }
            }
            block_insts.push((b, insts));
        }

        // 3. Entry block.
        match layout.first() {
            None => self.err(Location::Function, "no entry block: the layout is empty".into()),
            Some(&entry) => {
                let params = &func.blocks[entry.index()].params;
                if params.iter().all(|&v| self.value_exists(v)) {
                    let tys: Vec<Type> = params.iter().map(|&v| func.value_type(v)).collect();
                    if tys != func.signature.params {
                        self.err(
                            Location::Block(entry),
                            format!(
                                "entry block parameters {} do not match the signature parameters {}",
                                type_list(&tys),
                                type_list(&func.signature.params)
                            ),
                        );
                    }
                }
            }
        }

        // 6. Definitions: each value defined once, recorded def matches.
        let mut site: Vec<Option<Site>> = vec![None; func.values.len()];
        for (b, insts) in &block_insts {
            let b = *b;
            for (n, &v) in func.blocks[b.index()].params.iter().enumerate() {
                if !self.value_exists(v) {
                    self.err(Location::Block(b), format!("parameter {n} of {b} is {v}, which does not exist"));
                    continue;
                }
                if site[v.index()].is_some() {
                    self.err(Location::Block(b), format!("{v} is defined twice (again as parameter {n} of {b})"));
                    continue;
                }
                site[v.index()] = Some(Site::Param(b));
                let recorded = func.values[v.index()].def;
                if recorded != ValueDef::Param(b, n as u32) {
                    self.err(
                        Location::Block(b),
                        format!("{v} is parameter {n} of {b} but is recorded as {}", describe_def(recorded)),
                    );
                }
            }
            for &i in insts {
                for (n, &v) in func.insts[i.index()].results.iter().enumerate() {
                    if !self.value_exists(v) {
                        self.err(self.inst_loc(b, i), format!("result {n} is {v}, which does not exist"));
                        continue;
                    }
                    if site[v.index()].is_some() {
                        self.err(self.inst_loc(b, i), format!("{v} is defined twice (again as result {n} of {i})"));
                        continue;
                    }
                    site[v.index()] = Some(Site::Result(b, i));
                    let recorded = func.values[v.index()].def;
                    if recorded != ValueDef::Result(i, n as u32) {
                        self.err(
                            self.inst_loc(b, i),
                            format!("{v} is result {n} of {i} but is recorded as {}", describe_def(recorded)),
                        );
                    }
                }
            }
        }

        // 2, 4, 5, 7, 8: per block and instruction.
        for (b, insts) in &block_insts {
            let b = *b;
            if func.blocks[b.index()].insts.is_empty() {
                self.err(Location::Block(b), format!("{b} is empty: it must end with a terminator"));
            }
            let last = func.blocks[b.index()].insts.last().copied();
            for &i in insts {
                let d = &func.insts[i.index()];
                let is_last = Some(i) == last;
                if d.opcode.is_terminator() && !is_last {
                    self.err(
                        self.inst_loc(b, i),
                        format!("terminator `{}` is not the last instruction of {b}", d.opcode),
                    );
                }
                if is_last && !d.opcode.is_terminator() {
                    self.err(self.inst_loc(b, i), format!("{b} does not end with a terminator"));
                }
                self.check_inst(b, i, d);
            }
        }

        // 9. Dominance.
        self.check_dominance(&block_insts, &site);
    }

    fn check_inst(&mut self, b: Block, i: Inst, d: &InstData) {
        let func = self.func;
        // Every mentioned value must exist before types can be compared.
        let mut missing = false;
        for v in d.args.iter().chain(d.dests.iter().flat_map(|bc| bc.args.iter())) {
            if !self.value_exists(*v) {
                self.err(self.inst_loc(b, i), format!("{v} does not exist"));
                missing = true;
            }
        }

        let rule = match rule(func, d) {
            Ok(r) => Some(r),
            Err(m) => {
                self.err(self.inst_loc(b, i), m);
                None
            }
        };

        if let Some(rule) = &rule {
            // Type suffix.
            let wants = typing::has_type_suffix(d.opcode);
            let ctrl = match d.ty {
                None if wants => {
                    self.err(self.inst_loc(b, i), format!("`{}` needs a type suffix", d.opcode));
                    None
                }
                Some(t) if !wants => {
                    self.err(self.inst_loc(b, i), format!("`{}` takes no type suffix, found .{t}", d.opcode));
                    None
                }
                Some(t) if !rule.suffix.accepts(t) => {
                    self.err(
                        self.inst_loc(b, i),
                        format!("`{}` takes {} as its type suffix, found .{t}", d.opcode, rule.suffix.describe()),
                    );
                    None
                }
                t => t,
            };

            // Immediate.
            if !rule.imm.matches(&d.imm) {
                self.err(
                    self.inst_loc(b, i),
                    format!("`{}` takes {}, found {:?}", d.opcode, rule.imm.describe(), d.imm),
                );
            } else {
                match (ctrl, d.imm) {
                    (Some(Type::I32), Imm::I64(x)) if x != x as i32 as i64 => self.err(
                        self.inst_loc(b, i),
                        format!("`{}.i32` immediate {x} is not a sign-extended i32", d.opcode),
                    ),
                    (Some(Type::F32), Imm::F64(_)) | (Some(Type::F64), Imm::F32(_)) => self.err(
                        self.inst_loc(b, i),
                        format!("`{}` immediate width differs from its type suffix", d.opcode),
                    ),
                    _ => {}
                }
                // SIMD lane immediates: in range for the row's lanes.
                let lanes = if let crate::opcode::Opcode::Simd(s) = d.opcode { s.lane_count() } else { 0 };
                match d.imm {
                    Imm::Lane(l) | Imm::MemLane(_, l) if l as u32 >= lanes => {
                        self.err(self.inst_loc(b, i), format!("`{}` lane {l} is out of range (0..{lanes})", d.opcode))
                    }
                    Imm::Shuffle(s) if s.iter().any(|&l| l >= 32) => {
                        self.err(self.inst_loc(b, i), format!("`{}` shuffle lane indices must be below 32", d.opcode))
                    }
                    _ => {}
                }
            }

            // Operands.
            if d.args.len() != rule.args.len() {
                self.err(
                    self.inst_loc(b, i),
                    format!("`{}` takes {} operands, found {}", d.opcode, rule.args.len(), d.args.len()),
                );
            } else if !missing {
                for (n, (&v, &want)) in d.args.iter().zip(&rule.args).enumerate() {
                    let t = func.value_type(v);
                    let ok = match want {
                        Arg::T(x) => t == x,
                        Arg::Ctrl => ctrl.is_none_or(|c| c == t),
                        Arg::AnyInt => t.is_int(),
                        Arg::AnyFloat => t.is_float(),
                        Arg::AnyRef => t.is_ref(),
                        Arg::BitcastSource => ctrl.is_none_or(|c| bitcast_source(c) == Some(t)),
                    };
                    if !ok {
                        let expected = match want {
                            Arg::T(x) => x.name().to_string(),
                            Arg::Ctrl => ctrl.map_or("?", |c| c.name()).to_string(),
                            Arg::AnyInt => "an integer type".into(),
                            Arg::AnyFloat => "a float type".into(),
                            Arg::AnyRef => "a reference type".into(),
                            Arg::BitcastSource => {
                                ctrl.and_then(bitcast_source).map_or("a number type", |c| c.name()).to_string()
                            }
                        };
                        self.err(self.inst_loc(b, i), format!("operand {n} ({v}) has type {t}, expected {expected}"));
                    }
                }
            }

            // Branch target count.
            let dests_ok = match rule.dests {
                Dests::Exactly(k) => d.dests.len() == k,
                Dests::AtLeastOne => !d.dests.is_empty(),
            };
            if !dests_ok {
                let want = match rule.dests {
                    Dests::Exactly(k) => k.to_string(),
                    Dests::AtLeastOne => "at least 1".into(),
                };
                self.err(
                    self.inst_loc(b, i),
                    format!("`{}` takes {want} branch targets, found {}", d.opcode, d.dests.len()),
                );
            }
        }

        // Branch targets: in layout, argument count and types.
        for bc in &d.dests {
            let t = bc.block;
            if t.index() >= func.blocks.len() {
                self.err(self.inst_loc(b, i), format!("branch target {t} does not exist"));
                continue;
            }
            if !self.in_layout[t.index()] {
                self.err(self.inst_loc(b, i), format!("branch target {t} is not in the layout"));
                continue;
            }
            let params = &func.blocks[t.index()].params;
            if params.len() != bc.args.len() {
                self.err(self.inst_loc(b, i), format!("{t} takes {} arguments, found {}", params.len(), bc.args.len()));
                continue;
            }
            for (n, (&a, &p)) in bc.args.iter().zip(params).enumerate() {
                if self.value_exists(a) && self.value_exists(p) && func.value_type(a) != func.value_type(p) {
                    self.err(
                        self.inst_loc(b, i),
                        format!(
                            "argument {n} ({a}) to {t} has type {}, expected {}",
                            func.value_type(a),
                            func.value_type(p)
                        ),
                    );
                }
            }
        }

        // Results.
        if let Ok(want) = typing::result_types(func, d) {
            if d.results.iter().all(|&v| self.value_exists(v)) {
                let got: Vec<Type> = d.results.iter().map(|&v| func.value_type(v)).collect();
                if got != want {
                    self.err(
                        self.inst_loc(b, i),
                        format!("results have types {}, expected {}", type_list(&got), type_list(&want)),
                    );
                }
            }
        }
    }

    fn check_dominance(&mut self, block_insts: &[(Block, Vec<Inst>)], site: &[Option<Site>]) {
        let func = self.func;
        let cfg = ControlFlowGraph::new(func);
        let dom = DomTree::new(func, &cfg);
        for (b, insts) in block_insts {
            let b = *b;
            let reachable = dom.is_reachable(b);
            for &i in insts {
                let uses: Vec<Value> = func.inst_uses(i).collect();
                for v in uses {
                    let Some(s) = site.get(v.index()) else {
                        continue;
                    }; // reported as missing
                    let msg = match *s {
                        None => Some(format!("{v} is used but not defined in the layout")),
                        Some(_) if !reachable => None,
                        Some(Site::Param(db)) | Some(Site::Result(db, _)) if !dom.is_reachable(db) => {
                            Some(format!("{v} is defined in unreachable {db} but used in reachable {b}"))
                        }
                        Some(Site::Param(db)) => (!dom.dominates(db, b))
                            .then(|| format!("use of {v} is not dominated by its definition in {db}")),
                        Some(Site::Result(db, di)) => (di == i || !dom.inst_dominates(func, di, i))
                            .then(|| format!("use of {v} is not dominated by its definition in {db}")),
                    };
                    if let Some(m) = msg {
                        self.err(self.inst_loc(b, i), m);
                    }
                }
            }
        }
    }
}

fn describe_def(d: ValueDef) -> String {
    match d {
        ValueDef::Param(b, n) => format!("parameter {n} of {b}"),
        ValueDef::Result(i, n) => format!("result {n} of {i}"),
    }
}

#[cfg(test)]
mod tests;
