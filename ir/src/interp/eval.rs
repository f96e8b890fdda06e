//! The instruction loop: runs one IR function, block by block, against an [`Env`].
//!
//! ```text
//!  args ─▶ entry params ─▶ [ inst; inst; ...; terminator ] ─▶ next block's params ─▶ ...
//!                               │ memory, globals, tables, calls           │ return ─▶ results
//!                               ▼                                          ▼ trap ─▶ Trap{code, func, srcloc}
//!                              Env
//! ```
//!
//! Every value lives in one `Vec<Val>` indexed by [`crate::Value::index`], allocated once
//! per call; branch arguments go through a reused scratch buffer (so `jump block1(v5, v4)`
//! onto `block1(v4, v5)` swaps correctly). Nothing is allocated per instruction except
//! by calls and returns.
//!
//! The function must be well formed (the verifier accepts it): an instruction whose
//! operands, immediate or types do not fit its opcode is a broken invariant and panics
//! with the instruction's text; a wasm trap is a value ([`Trap`]). This file never
//! counts call depth (the [`Env`] does, in `call`) and never keeps state between calls.

use super::env::{Env, Trap};
use super::memory;
use super::numeric::{self, NumError};
use super::simd_numeric;
use super::val::Val;
use crate::entities::{Block, Inst};
use crate::function::Function;
use crate::instructions::{BlockCall, Imm, InstData, TrapCode};
use crate::opcode::Opcode;
use crate::opinfo::{Access, Width};
use crate::types::Type;
use crate::write::inst_to_string;

/// Bytes in a wasm page.
const PAGE: usize = 65536;

/// Runs `func` on `args` and returns its results, or the trap that stopped it.
///
/// A trap raised by this function carries `func.wasm_index` and the trapping
/// instruction's `srcloc`; a trap coming back from [`Env::call`] / [`Env::call_indirect`]
/// keeps the location it already has (the callee's), and gets this call's location when
/// it has none (a trap raised by the Env itself, such as a bad indirect call).
///
/// # Panics
/// When `args` do not match the entry block's parameters, or the function is malformed
/// (see the module docs).
pub fn call_function(func: &Function, args: &[Val], env: &mut dyn Env) -> Result<Vec<Val>, Trap> {
    let Some(entry) = func.entry() else { panic!("interp: function {} has no blocks", func.name) };
    let params = func.block_params(entry);
    assert!(
        params.len() == args.len(),
        "interp: function {} takes {} arguments, given {}",
        func.name,
        params.len(),
        args.len()
    );
    let mut vals = vec![Val::I32(0); func.values.len()];
    for (&p, &a) in params.iter().zip(args) {
        assert!(
            func.value_type(p) == a.ty(),
            "interp: function {} parameter {p} is {}, given {a}",
            func.name,
            func.value_type(p)
        );
        vals[p.index()] = a;
    }
    run(func, entry, &mut vals, env)
}

/// Copies a branch's arguments into its target's parameters (all read before any is
/// written) and returns the target.
#[inline]
fn enter(func: &Function, bc: &BlockCall, vals: &mut [Val], scratch: &mut Vec<Val>) -> Block {
    let params = &func.blocks[bc.block.index()].params;
    if params.len() != bc.args.len() {
        panic!("interp: {} passes {} arguments to {} parameters", bc, bc.args.len(), params.len());
    }
    match bc.args.len() {
        0 => {}
        1 => vals[params[0].index()] = vals[bc.args[0].index()],
        _ => {
            scratch.clear();
            scratch.extend(bc.args.iter().map(|a| vals[a.index()]));
            for (p, &v) in params.iter().zip(scratch.iter()) {
                vals[p.index()] = v;
            }
        }
    }
    bc.block
}

#[cold]
#[inline(never)]
fn malformed(func: &Function, inst: Inst) -> ! {
    panic!(
        "interp: malformed instruction `{}` in function {} (operands, immediate or types do not fit; run the verifier)",
        inst_to_string(func, inst),
        func.name
    )
}

/// A trap raised by instruction `d` of `func`.
#[cold]
#[inline(never)]
fn trap_at(func: &Function, d: &InstData, code: TrapCode) -> Trap {
    Trap { code, func: func.wasm_index, srcloc: d.srcloc }
}

/// A trap coming back from the Env at instruction `d`: keeps its location if it has one.
#[cold]
#[inline(never)]
fn locate(func: &Function, d: &InstData, trap: Trap) -> Trap {
    if trap.func.is_none() && trap.srcloc.is_none() {
        trap_at(func, d, trap.code)
    } else {
        trap
    }
}

/// An address or length operand, read as unsigned.
#[inline]
fn unsigned(func: &Function, inst: Inst, v: Val) -> u64 {
    match v {
        Val::I32(x) => x as u32 as u64,
        Val::I64(x) => x as u64,
        _ => malformed(func, inst),
    }
}

/// Stores call results into the instruction's result values.
#[inline]
fn set_results(func: &Function, d: &InstData, vals: &mut [Val], results: Vec<Val>) {
    if results.len() != d.results.len() {
        panic!(
            "interp: a call in function {} expected {} results, the Env returned {}",
            func.name,
            d.results.len(),
            results.len()
        );
    }
    for (r, v) in d.results.iter().zip(results) {
        vals[r.index()] = v;
    }
}

/// `call` and `call_indirect` (told apart by the immediate), out of line so the
/// instruction loop's stack frame, which stays live across the call, is small.
#[inline(never)]
fn call(func: &Function, inst: Inst, vals: &mut [Val], env: &mut dyn Env, scratch: &mut Vec<Val>) -> Result<(), Trap> {
    let d = &func.insts[inst.index()];
    let results = match d.imm {
        Imm::Func(f) => {
            scratch.clear();
            scratch.extend(d.args.iter().map(|a| vals[a.index()]));
            env.call(f, scratch)
        }
        Imm::CallIndirect { type_index, table } => {
            let Some((&callee, args)) = d.args.split_last() else { malformed(func, inst) };
            let Val::I32(index) = vals[callee.index()] else { malformed(func, inst) };
            scratch.clear();
            scratch.extend(args.iter().map(|a| vals[a.index()]));
            env.call_indirect(table, type_index, index as u32, scratch)
        }
        _ => malformed(func, inst),
    };
    match results {
        Ok(results) => {
            set_results(func, d, vals, results);
            Ok(())
        }
        Err(trap) => Err(locate(func, d, trap)),
    }
}

fn run(func: &Function, entry: Block, vals: &mut [Val], env: &mut dyn Env) -> Result<Vec<Val>, Trap> {
    let mut scratch: Vec<Val> = Vec::new();
    let mut block = entry;
    'blocks: loop {
        for &inst in func.blocks[block.index()].insts.iter() {
            let d = &func.insts[inst.index()];

            // Operand `$i`.
            macro_rules! arg {
                ($i:expr) => {
                    vals[d.args[$i].index()]
                };
            }
            // Defines the (first) result.
            macro_rules! set {
                ($v:expr) => {{
                    let v = $v;
                    vals[d.results[0].index()] = v;
                }};
            }
            // Unwraps a trapping operation, locating the trap here.
            macro_rules! t {
                ($e:expr) => {
                    match $e {
                        Ok(x) => x,
                        Err(code) => return Err(trap_at(func, d, code)),
                    }
                };
            }
            // The immediate, which must match the pattern.
            macro_rules! imm {
                ($($p:pat => $e:expr),+) => {
                    match d.imm {
                        $($p => $e,)+
                        _ => malformed(func, inst),
                    }
                };
            }
            macro_rules! as_i32 {
                ($v:expr) => {
                    match $v {
                        Val::I32(x) => x,
                        _ => malformed(func, inst),
                    }
                };
            }
            // Loads `$n` bytes at operand 0 + offset (zero-extended to u64 `$b`) and defines the
            // result from them.
            macro_rules! load {
                ($n:literal, $b:ident => $e:expr) => {{
                    let m = imm!(Imm::Mem(m) => m);
                    let addr = unsigned(func, inst, arg!(0));
                    let $b = t!(memory::load::<$n>(env.memory(m.memory), addr, m.offset));
                    set!($e)
                }};
            }
            // Stores the low `$n` bytes of `value` at operand 0 + offset.
            macro_rules! store {
                ($n:literal, $value:expr) => {{
                    let m = imm!(Imm::Mem(m) => m);
                    let addr = unsigned(func, inst, arg!(0));
                    t!(memory::store::<$n>(env.memory(m.memory), addr, m.offset, $value))
                }};
            }

            // A number operation with one or two operands, through `numeric::eval_xy`.
            macro_rules! num {
                ($op:expr, $x:expr, $y:expr) => {
                    match numeric::eval_xy($op, d.ty, &d.imm, $x, $y) {
                        Ok(v) => set!(v),
                        Err(NumError::Trap(code)) => return Err(trap_at(func, d, code)),
                        Err(NumError::NotNumeric) => malformed(func, inst),
                    }
                };
            }
            macro_rules! num1 {
                ($op:expr) => {{
                    let x = arg!(0);
                    num!($op, x, x)
                }};
            }
            macro_rules! num2 {
                ($op:expr) => {
                    num!($op, arg!(0), arg!(1))
                };
            }
            match d.opcode {
                // ---- constants and copies ----------------------------------------------
                Opcode::Iconst => set!(match (d.ty, d.imm) {
                    (Some(Type::I32), Imm::I64(x)) => Val::I32(x as i32),
                    (Some(Type::I64), Imm::I64(x)) => Val::I64(x),
                    _ => malformed(func, inst),
                }),
                Opcode::Fconst => set!(match d.imm {
                    Imm::F32(b) => Val::F32(b),
                    Imm::F64(b) => Val::F64(b),
                    _ => malformed(func, inst),
                }),
                Opcode::RefNull => set!(match d.ty {
                    Some(Type::FuncRef) => Val::FuncRef(None),
                    Some(Type::ExternRef) => Val::ExternRef(None),
                    _ => malformed(func, inst),
                }),
                Opcode::RefFunc => {
                    let f = imm!(Imm::Func(f) => f);
                    set!(env.ref_func(f))
                }
                Opcode::RefIsNull => set!(match arg!(0) {
                    Val::FuncRef(r) => Val::I32(r.is_none() as i32),
                    Val::ExternRef(r) => Val::I32(r.is_none() as i32),
                    _ => malformed(func, inst),
                }),
                Opcode::Copy => set!(arg!(0)),
                Opcode::Select => {
                    let c = as_i32!(arg!(0));
                    set!(if c != 0 { arg!(1) } else { arg!(2) })
                }

                // ---- computations on numbers: `numeric.rs` is their one definition, shared
                // with constant folding; each arm passes its opcode as a constant, so the
                // inlined evaluation reduces to that opcode's code.
                // integer arithmetic
                Opcode::Iadd => num2!(Opcode::Iadd),
                Opcode::Isub => num2!(Opcode::Isub),
                Opcode::Imul => num2!(Opcode::Imul),
                Opcode::Sdiv => num2!(Opcode::Sdiv),
                Opcode::Udiv => num2!(Opcode::Udiv),
                Opcode::Srem => num2!(Opcode::Srem),
                Opcode::Urem => num2!(Opcode::Urem),
                Opcode::Band => num2!(Opcode::Band),
                Opcode::Bor => num2!(Opcode::Bor),
                Opcode::Bxor => num2!(Opcode::Bxor),
                Opcode::Ishl => num2!(Opcode::Ishl),
                Opcode::Ushr => num2!(Opcode::Ushr),
                Opcode::Sshr => num2!(Opcode::Sshr),
                Opcode::Rotl => num2!(Opcode::Rotl),
                Opcode::Rotr => num2!(Opcode::Rotr),
                Opcode::Clz => num1!(Opcode::Clz),
                Opcode::Ctz => num1!(Opcode::Ctz),
                Opcode::Popcnt => num1!(Opcode::Popcnt),
                Opcode::Eqz => num1!(Opcode::Eqz),
                Opcode::Icmp => num2!(Opcode::Icmp),
                // float arithmetic
                Opcode::Fadd => num2!(Opcode::Fadd),
                Opcode::Fsub => num2!(Opcode::Fsub),
                Opcode::Fmul => num2!(Opcode::Fmul),
                Opcode::Fdiv => num2!(Opcode::Fdiv),
                Opcode::Fmin => num2!(Opcode::Fmin),
                Opcode::Fmax => num2!(Opcode::Fmax),
                Opcode::Fcopysign => num2!(Opcode::Fcopysign),
                Opcode::Fabs => num1!(Opcode::Fabs),
                Opcode::Fneg => num1!(Opcode::Fneg),
                Opcode::Fsqrt => num1!(Opcode::Fsqrt),
                Opcode::Fceil => num1!(Opcode::Fceil),
                Opcode::Ffloor => num1!(Opcode::Ffloor),
                Opcode::Ftrunc => num1!(Opcode::Ftrunc),
                Opcode::Fnearest => num1!(Opcode::Fnearest),
                Opcode::Fcmp => num2!(Opcode::Fcmp),
                // conversions
                Opcode::Ireduce => num1!(Opcode::Ireduce),
                Opcode::Sextend => num1!(Opcode::Sextend),
                Opcode::Uextend => num1!(Opcode::Uextend),
                Opcode::Sext8 => num1!(Opcode::Sext8),
                Opcode::Sext16 => num1!(Opcode::Sext16),
                Opcode::Sext32 => num1!(Opcode::Sext32),
                Opcode::FcvtToSint => num1!(Opcode::FcvtToSint),
                Opcode::FcvtToUint => num1!(Opcode::FcvtToUint),
                Opcode::FcvtToSintSat => num1!(Opcode::FcvtToSintSat),
                Opcode::FcvtToUintSat => num1!(Opcode::FcvtToUintSat),
                Opcode::FcvtFromSint => num1!(Opcode::FcvtFromSint),
                Opcode::FcvtFromUint => num1!(Opcode::FcvtFromUint),
                Opcode::Fpromote => num1!(Opcode::Fpromote),
                Opcode::Fdemote => num1!(Opcode::Fdemote),
                Opcode::Bitcast => num1!(Opcode::Bitcast),

                // ---- linear memory ---------------------------------------------------
                Opcode::Load => match d.ty {
                    Some(Type::I32) => load!(4, b => Val::I32(b as i32)),
                    Some(Type::I64) => load!(8, b => Val::I64(b as i64)),
                    Some(Type::F32) => load!(4, b => Val::F32(b as u32)),
                    Some(Type::F64) => load!(8, b => Val::F64(b)),
                    _ => malformed(func, inst),
                },
                Opcode::Uload8 => match d.ty {
                    Some(Type::I32) => load!(1, b => Val::I32(b as i32)),
                    Some(Type::I64) => load!(1, b => Val::I64(b as i64)),
                    _ => malformed(func, inst),
                },
                Opcode::Sload8 => match d.ty {
                    Some(Type::I32) => load!(1, b => Val::I32(b as i8 as i32)),
                    Some(Type::I64) => load!(1, b => Val::I64(b as i8 as i64)),
                    _ => malformed(func, inst),
                },
                Opcode::Uload16 => match d.ty {
                    Some(Type::I32) => load!(2, b => Val::I32(b as i32)),
                    Some(Type::I64) => load!(2, b => Val::I64(b as i64)),
                    _ => malformed(func, inst),
                },
                Opcode::Sload16 => match d.ty {
                    Some(Type::I32) => load!(2, b => Val::I32(b as i16 as i32)),
                    Some(Type::I64) => load!(2, b => Val::I64(b as i16 as i64)),
                    _ => malformed(func, inst),
                },
                Opcode::Uload32 => match d.ty {
                    Some(Type::I64) => load!(4, b => Val::I64(b as i64)),
                    _ => malformed(func, inst),
                },
                Opcode::Sload32 => match d.ty {
                    Some(Type::I64) => load!(4, b => Val::I64(b as i32 as i64)),
                    _ => malformed(func, inst),
                },
                Opcode::Store => match arg!(1) {
                    Val::I32(x) => store!(4, x as u32 as u64),
                    Val::I64(x) => store!(8, x as u64),
                    Val::F32(b) => store!(4, b as u64),
                    Val::F64(b) => store!(8, b),
                    _ => malformed(func, inst),
                },
                Opcode::Istore8 => match arg!(1) {
                    Val::I32(x) => store!(1, x as u64),
                    Val::I64(x) => store!(1, x as u64),
                    _ => malformed(func, inst),
                },
                Opcode::Istore16 => match arg!(1) {
                    Val::I32(x) => store!(2, x as u64),
                    Val::I64(x) => store!(2, x as u64),
                    _ => malformed(func, inst),
                },
                Opcode::Istore32 => match arg!(1) {
                    Val::I32(x) => store!(4, x as u64),
                    Val::I64(x) => store!(4, x as u64),
                    _ => malformed(func, inst),
                },
                Opcode::MemorySize => {
                    let m = imm!(Imm::Memory(m) => m);
                    set!(Val::I32((env.memory(m).len() / PAGE) as i32))
                }
                Opcode::MemoryGrow => {
                    let m = imm!(Imm::Memory(m) => m);
                    let delta = as_i32!(arg!(0));
                    set!(Val::I32(env.memory_grow(m, delta as u32)))
                }
                Opcode::MemoryFill => {
                    let m = imm!(Imm::Memory(m) => m);
                    let dst = unsigned(func, inst, arg!(0));
                    let byte = as_i32!(arg!(1)) as u8;
                    let len = unsigned(func, inst, arg!(2));
                    t!(memory::fill(env.memory(m), dst, byte, len))
                }
                Opcode::MemoryCopy => {
                    let (md, ms) = imm!(Imm::MemoryCopy { dst, src } => (dst, src));
                    let dst = unsigned(func, inst, arg!(0));
                    let src = unsigned(func, inst, arg!(1));
                    let len = unsigned(func, inst, arg!(2));
                    if md == ms {
                        t!(memory::copy(env.memory(md), dst, src, len))
                    } else {
                        let bytes = t!(memory::read_range(env.memory(ms), src, len)).to_vec();
                        t!(memory::write_range(env.memory(md), dst, len)).copy_from_slice(&bytes)
                    }
                }
                Opcode::MemoryInit => {
                    let (data, m) = imm!(Imm::MemoryInit { data, memory } => (data, memory));
                    let dst = as_i32!(arg!(0)) as u32;
                    let src = as_i32!(arg!(1)) as u32;
                    let len = as_i32!(arg!(2)) as u32;
                    t!(env.memory_init(m, data, dst, src, len))
                }
                Opcode::DataDrop => env.data_drop(imm!(Imm::Data(x) => x)),

                // ---- globals and tables ----------------------------------------------
                Opcode::GlobalGet => {
                    let g = imm!(Imm::Global(g) => g);
                    set!(env.global_get(g))
                }
                Opcode::GlobalSet => {
                    let g = imm!(Imm::Global(g) => g);
                    env.global_set(g, arg!(0))
                }
                Opcode::TableGet => {
                    let t = imm!(Imm::Table(t) => t);
                    let i = as_i32!(arg!(0)) as u32;
                    set!(t!(env.table_get(t, i)))
                }
                Opcode::TableSet => {
                    let t = imm!(Imm::Table(t) => t);
                    let i = as_i32!(arg!(0)) as u32;
                    t!(env.table_set(t, i, arg!(1)))
                }
                Opcode::TableSize => {
                    let t = imm!(Imm::Table(t) => t);
                    set!(Val::I32(env.table_size(t) as i32))
                }
                Opcode::TableGrow => {
                    let t = imm!(Imm::Table(t) => t);
                    let delta = as_i32!(arg!(1)) as u32;
                    set!(Val::I32(env.table_grow(t, arg!(0), delta)))
                }
                Opcode::TableFill => {
                    let t = imm!(Imm::Table(t) => t);
                    let dst = as_i32!(arg!(0)) as u32;
                    let len = as_i32!(arg!(2)) as u32;
                    t!(env.table_fill(t, dst, arg!(1), len))
                }
                Opcode::TableCopy => {
                    let (td, ts) = imm!(Imm::TableCopy { dst, src } => (dst, src));
                    let dst = as_i32!(arg!(0)) as u32;
                    let src = as_i32!(arg!(1)) as u32;
                    let len = as_i32!(arg!(2)) as u32;
                    t!(env.table_copy(td, ts, dst, src, len))
                }
                Opcode::TableInit => {
                    let (elem, t) = imm!(Imm::TableInit { elem, table } => (elem, table));
                    let dst = as_i32!(arg!(0)) as u32;
                    let src = as_i32!(arg!(1)) as u32;
                    let len = as_i32!(arg!(2)) as u32;
                    t!(env.table_init(t, elem, dst, src, len))
                }
                Opcode::ElemDrop => env.elem_drop(imm!(Imm::Elem(e) => e)),

                // ---- calls -------------------------------------------------------------
                Opcode::Call | Opcode::CallIndirect => call(func, inst, vals, env, &mut scratch)?,

                // ---- terminators -------------------------------------------------------
                Opcode::Jump => {
                    let Some(bc) = d.dests.first() else { malformed(func, inst) };
                    block = enter(func, bc, vals, &mut scratch);
                    continue 'blocks;
                }
                Opcode::Brif => {
                    let c = as_i32!(arg!(0));
                    let [then, els] = &d.dests[..] else { malformed(func, inst) };
                    block = enter(func, if c != 0 { then } else { els }, vals, &mut scratch);
                    continue 'blocks;
                }
                Opcode::BrTable => {
                    let i = as_i32!(arg!(0)) as u32 as usize;
                    let Some((default, table)) = d.dests.split_first() else { malformed(func, inst) };
                    let bc = table.get(i).unwrap_or(default);
                    block = enter(func, bc, vals, &mut scratch);
                    continue 'blocks;
                }
                Opcode::Return => return Ok(d.args.iter().map(|a| vals[a.index()]).collect()),
                Opcode::Trap => {
                    let code = imm!(Imm::Trap(code) => code);
                    return Err(trap_at(func, d, code));
                }

                // ---- SIMD: lane operations in simd_numeric; memory bytes here --------
                Opcode::Simd(s) => match s.info().access {
                    Access::None => {
                        let mut a = [Val::I32(0); 3];
                        for (k, v) in d.args.iter().enumerate().take(3) {
                            a[k] = vals[v.index()];
                        }
                        match simd_numeric::eval(s, &d.imm, &a[..d.args.len().min(3)]) {
                            Ok(v) => set!(v),
                            Err(NumError::Trap(code)) => return Err(trap_at(func, d, code)),
                            Err(NumError::NotNumeric) => malformed(func, inst),
                        }
                    }
                    Access::Load(Width::Bytes(n)) => {
                        let (m, lane) = imm!(Imm::Mem(m) => (m, 0), Imm::MemLane(m, l) => (m, l));
                        let addr = unsigned(func, inst, arg!(0));
                        let old = match d.args.get(1) {
                            Some(v) => match vals[v.index()] {
                                Val::V128(x) => Some(x),
                                _ => malformed(func, inst),
                            },
                            None => None,
                        };
                        let bytes = t!(memory::read(env.memory(m.memory), addr, m.offset, n as u64));
                        match simd_numeric::load(s, bytes, old, lane) {
                            Some(v) => set!(Val::V128(v)),
                            None => malformed(func, inst),
                        }
                    }
                    Access::Store(Width::Bytes(_)) => {
                        let (m, lane) = imm!(Imm::Mem(m) => (m, 0), Imm::MemLane(m, l) => (m, l));
                        let addr = unsigned(func, inst, arg!(0));
                        let v = match arg!(1) {
                            Val::V128(x) => x,
                            _ => malformed(func, inst),
                        };
                        let Some(bytes) = simd_numeric::store_bytes(s, &v, lane) else { malformed(func, inst) };
                        t!(memory::write(env.memory(m.memory), addr, m.offset, bytes))
                    }
                    Access::Load(Width::Full) | Access::Store(Width::Full) => malformed(func, inst),
                },
            }
        }
        panic!("interp: {block} of function {} does not end in a terminator", func.name);
    }
}
