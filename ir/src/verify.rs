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
//! 4. **Operands**: per opcode (an exhaustive match, see [`rule`]): the number of operands
//!    and each operand's type; the type suffix is present exactly when
//!    [`typing::has_type_suffix`] says so and is of the class the opcode accepts; the
//!    immediate is the right [`Imm`] variant (and an `iconst.i32` immediate is a
//!    sign-extended `i32`; an `fconst` immediate has the suffix's width).
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
//!    table index); `return` passes values of the signature's result types.
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
use crate::opcode::Opcode;
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

/// Which type suffixes an opcode accepts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Suffix {
    /// No suffix.
    No,
    Int,
    Float,
    /// An integer or float type.
    Num,
    Ref,
    Any,
    Exactly(Type),
}

impl Suffix {
    fn accepts(self, t: Type) -> bool {
        match self {
            Suffix::No => false,
            Suffix::Int => t.is_int(),
            Suffix::Float => t.is_float(),
            Suffix::Num => t.is_int() || t.is_float(),
            Suffix::Ref => t.is_ref(),
            Suffix::Any => true,
            Suffix::Exactly(x) => x == t,
        }
    }

    fn describe(self) -> String {
        match self {
            Suffix::No => "no type".into(),
            Suffix::Int => "an integer type".into(),
            Suffix::Float => "a float type".into(),
            Suffix::Num => "a number type".into(),
            Suffix::Ref => "a reference type".into(),
            Suffix::Any => "any type".into(),
            Suffix::Exactly(t) => t.name().into(),
        }
    }
}

/// What one operand must be.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Arg {
    T(Type),
    /// The controlling type (unchecked when the suffix is missing or wrong).
    Ctrl,
    AnyInt,
    AnyFloat,
    AnyRef,
    /// `bitcast`: the same-width type of the other class.
    BitcastSource,
}

/// Which immediate an opcode carries.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum ImmKind {
    None,
    Int,
    Float,
    IntCC,
    FloatCC,
    Mem,
    Memory,
    MemoryCopy,
    MemoryInit,
    Data,
    Global,
    Table,
    TableCopy,
    TableInit,
    Elem,
    Func,
    CallIndirect,
    Trap,
}

impl ImmKind {
    fn matches(self, imm: &Imm) -> bool {
        match self {
            ImmKind::None => matches!(imm, Imm::None),
            ImmKind::Int => matches!(imm, Imm::I64(_)),
            ImmKind::Float => matches!(imm, Imm::F32(_) | Imm::F64(_)),
            ImmKind::IntCC => matches!(imm, Imm::IntCC(_)),
            ImmKind::FloatCC => matches!(imm, Imm::FloatCC(_)),
            ImmKind::Mem => matches!(imm, Imm::Mem(_)),
            ImmKind::Memory => matches!(imm, Imm::Memory(_)),
            ImmKind::MemoryCopy => matches!(imm, Imm::MemoryCopy { .. }),
            ImmKind::MemoryInit => matches!(imm, Imm::MemoryInit { .. }),
            ImmKind::Data => matches!(imm, Imm::Data(_)),
            ImmKind::Global => matches!(imm, Imm::Global(_)),
            ImmKind::Table => matches!(imm, Imm::Table(_)),
            ImmKind::TableCopy => matches!(imm, Imm::TableCopy { .. }),
            ImmKind::TableInit => matches!(imm, Imm::TableInit { .. }),
            ImmKind::Elem => matches!(imm, Imm::Elem(_)),
            ImmKind::Func => matches!(imm, Imm::Func(_)),
            ImmKind::CallIndirect => matches!(imm, Imm::CallIndirect { .. }),
            ImmKind::Trap => matches!(imm, Imm::Trap(_)),
        }
    }

    fn describe(self) -> &'static str {
        match self {
            ImmKind::None => "no immediate",
            ImmKind::Int => "an integer immediate",
            ImmKind::Float => "a float immediate",
            ImmKind::IntCC => "an integer condition",
            ImmKind::FloatCC => "a float condition",
            ImmKind::Mem => "a memory access immediate",
            ImmKind::Memory => "a memory index",
            ImmKind::MemoryCopy => "two memory indices",
            ImmKind::MemoryInit => "a data segment and a memory index",
            ImmKind::Data => "a data segment index",
            ImmKind::Global => "a global index",
            ImmKind::Table => "a table index",
            ImmKind::TableCopy => "two table indices",
            ImmKind::TableInit => "an element segment and a table index",
            ImmKind::Elem => "an element segment index",
            ImmKind::Func => "a function index",
            ImmKind::CallIndirect => "a type and a table index",
            ImmKind::Trap => "a trap code",
        }
    }
}

/// How many branch targets an opcode has.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Dests {
    Exactly(usize),
    AtLeastOne,
}

/// The operand rule of one opcode.
struct Rule {
    suffix: Suffix,
    args: Vec<Arg>,
    imm: ImmKind,
    dests: Dests,
}

fn r(suffix: Suffix, args: &[Arg], imm: ImmKind) -> Rule {
    Rule { suffix, args: args.to_vec(), imm, dests: Dests::Exactly(0) }
}

/// The operand rule for an instruction. Calls and returns take their operand types from
/// the function's declarations; an undeclared callee is an error.
fn rule(func: &Function, d: &InstData) -> Result<Rule, String> {
    use Arg::*;
    use ImmKind as I;
    use Suffix as S;
    const I32: Arg = T(Type::I32);
    const I64: Arg = T(Type::I64);
    Ok(match d.opcode {
        Opcode::Iconst => r(S::Int, &[], I::Int),
        Opcode::Fconst => r(S::Float, &[], I::Float),
        Opcode::RefNull => r(S::Ref, &[], I::None),
        Opcode::RefFunc => r(S::No, &[], I::Func),
        Opcode::RefIsNull => r(S::No, &[AnyRef], I::None),
        Opcode::Copy => r(S::Any, &[Ctrl], I::None),
        Opcode::Select => r(S::Any, &[I32, Ctrl, Ctrl], I::None),
        Opcode::Iadd
        | Opcode::Isub
        | Opcode::Imul
        | Opcode::Sdiv
        | Opcode::Udiv
        | Opcode::Srem
        | Opcode::Urem
        | Opcode::Band
        | Opcode::Bor
        | Opcode::Bxor
        | Opcode::Ishl
        | Opcode::Ushr
        | Opcode::Sshr
        | Opcode::Rotl
        | Opcode::Rotr => r(S::Int, &[Ctrl, Ctrl], I::None),
        Opcode::Clz | Opcode::Ctz | Opcode::Popcnt | Opcode::Eqz | Opcode::Sext8 | Opcode::Sext16 => {
            r(S::Int, &[Ctrl], I::None)
        }
        Opcode::Icmp => r(S::Int, &[Ctrl, Ctrl], I::IntCC),
        Opcode::Fadd | Opcode::Fsub | Opcode::Fmul | Opcode::Fdiv | Opcode::Fmin | Opcode::Fmax | Opcode::Fcopysign => {
            r(S::Float, &[Ctrl, Ctrl], I::None)
        }
        Opcode::Fabs
        | Opcode::Fneg
        | Opcode::Fsqrt
        | Opcode::Fceil
        | Opcode::Ffloor
        | Opcode::Ftrunc
        | Opcode::Fnearest => r(S::Float, &[Ctrl], I::None),
        Opcode::Fcmp => r(S::Float, &[Ctrl, Ctrl], I::FloatCC),
        Opcode::Ireduce => r(S::Exactly(Type::I32), &[I64], I::None),
        Opcode::Sextend | Opcode::Uextend => r(S::Exactly(Type::I64), &[I32], I::None),
        Opcode::Sext32 => r(S::Exactly(Type::I64), &[I64], I::None),
        Opcode::FcvtToSint | Opcode::FcvtToUint | Opcode::FcvtToSintSat | Opcode::FcvtToUintSat => {
            r(S::Int, &[AnyFloat], I::None)
        }
        Opcode::FcvtFromSint | Opcode::FcvtFromUint => r(S::Float, &[AnyInt], I::None),
        Opcode::Fpromote => r(S::Exactly(Type::F64), &[T(Type::F32)], I::None),
        Opcode::Fdemote => r(S::Exactly(Type::F32), &[T(Type::F64)], I::None),
        Opcode::Bitcast => r(S::Num, &[BitcastSource], I::None),
        Opcode::Load => r(S::Num, &[I32], I::Mem),
        Opcode::Uload8 | Opcode::Sload8 | Opcode::Uload16 | Opcode::Sload16 => r(S::Int, &[I32], I::Mem),
        Opcode::Uload32 | Opcode::Sload32 => r(S::Exactly(Type::I64), &[I32], I::Mem),
        Opcode::Store => r(S::Num, &[I32, Ctrl], I::Mem),
        Opcode::Istore8 | Opcode::Istore16 => r(S::Int, &[I32, Ctrl], I::Mem),
        Opcode::Istore32 => r(S::Exactly(Type::I64), &[I32, Ctrl], I::Mem),
        Opcode::MemorySize => r(S::No, &[], I::Memory),
        Opcode::MemoryGrow => r(S::No, &[I32], I::Memory),
        Opcode::MemoryFill => r(S::No, &[I32, I32, I32], I::Memory),
        Opcode::MemoryCopy => r(S::No, &[I32, I32, I32], I::MemoryCopy),
        Opcode::MemoryInit => r(S::No, &[I32, I32, I32], I::MemoryInit),
        Opcode::DataDrop => r(S::No, &[], I::Data),
        Opcode::GlobalGet => r(S::Any, &[], I::Global),
        Opcode::GlobalSet => r(S::Any, &[Ctrl], I::Global),
        Opcode::TableGet => r(S::Ref, &[I32], I::Table),
        Opcode::TableSet => r(S::No, &[I32, AnyRef], I::Table),
        Opcode::TableSize => r(S::No, &[], I::Table),
        Opcode::TableGrow => r(S::No, &[AnyRef, I32], I::Table),
        Opcode::TableFill => r(S::No, &[I32, AnyRef, I32], I::Table),
        Opcode::TableCopy => r(S::No, &[I32, I32, I32], I::TableCopy),
        Opcode::TableInit => r(S::No, &[I32, I32, I32], I::TableInit),
        Opcode::ElemDrop => r(S::No, &[], I::Elem),
        Opcode::Call => {
            let args = match d.imm {
                Imm::Func(f) => match func.callees.get(&f) {
                    Some(sig) => sig.params.iter().map(|&t| T(t)).collect(),
                    None => return Err(format!("fn{f} is not declared in the function preamble")),
                },
                _ => Vec::new(),
            };
            Rule { suffix: S::No, args, imm: I::Func, dests: Dests::Exactly(0) }
        }
        Opcode::CallIndirect => {
            let args = match d.imm {
                Imm::CallIndirect { type_index, .. } => match func.types.get(&type_index) {
                    Some(sig) => sig.params.iter().map(|&t| T(t)).chain([I32]).collect(),
                    None => return Err(format!("type{type_index} is not declared in the function preamble")),
                },
                _ => Vec::new(),
            };
            Rule { suffix: S::No, args, imm: I::CallIndirect, dests: Dests::Exactly(0) }
        }
        Opcode::Jump => Rule { suffix: S::No, args: vec![], imm: I::None, dests: Dests::Exactly(1) },
        Opcode::Brif => Rule { suffix: S::No, args: vec![I32], imm: I::None, dests: Dests::Exactly(2) },
        Opcode::BrTable => Rule { suffix: S::No, args: vec![I32], imm: I::None, dests: Dests::AtLeastOne },
        Opcode::Return => r(S::No, &func.signature.results.iter().map(|&t| T(t)).collect::<Vec<_>>(), I::None),
        Opcode::Trap => r(S::No, &[], I::Trap),
    })
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
                match (d.opcode, ctrl, d.imm) {
                    (Opcode::Iconst, Some(Type::I32), Imm::I64(x)) if x != x as i32 as i64 => {
                        self.err(self.inst_loc(b, i), format!("`iconst.i32` immediate {x} is not a sign-extended i32"))
                    }
                    (Opcode::Fconst, Some(Type::F32), Imm::F64(_)) | (Opcode::Fconst, Some(Type::F64), Imm::F32(_)) => {
                        self.err(self.inst_loc(b, i), "`fconst` immediate width differs from its type suffix".into())
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

/// The operand type `bitcast.T` accepts.
fn bitcast_source(t: Type) -> Option<Type> {
    match t {
        Type::I32 => Some(Type::F32),
        Type::F32 => Some(Type::I32),
        Type::I64 => Some(Type::F64),
        Type::F64 => Some(Type::I64),
        Type::FuncRef | Type::ExternRef => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::instructions::{BlockCall, IntCC, MemArg};
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
        f.terminate(
            b0,
            Opcode::Brif,
            vec![v0],
            Imm::None,
            vec![BlockCall::new(b1, vec![v0]), BlockCall::new(b2, vec![])],
        );
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
}
