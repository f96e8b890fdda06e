//! End-to-end tests of the IR interpreter: functions built with the `Function` builder
//! API, run by `call_function` against a small test Env (one memory of one page, a few
//! globals, one funcref table, one data segment, and calls dispatched to other test
//! functions with a depth limit).

use std::collections::BTreeMap;
use wlab_ir::interp::{call_function, Env, FuncRef, Trap, Val};
use wlab_ir::verify::verify_function;
use wlab_ir::{
    Block, BlockCall, FloatCC, Function, Imm, InstData, IntCC, MemArg, Opcode, Signature, TrapCode, Type, Value,
};

// ---- a test environment ---------------------------------------------------------------

const MAX_DEPTH: u32 = 200;

struct TestEnv {
    memory: Vec<u8>,
    max_pages: usize,
    globals: Vec<Val>,
    table: Vec<Val>,
    data: Option<Vec<u8>>,
    funcs: BTreeMap<u32, Function>,
    /// type index of each function in `funcs` (for call_indirect).
    func_types: BTreeMap<u32, u32>,
    depth: u32,
}

impl TestEnv {
    fn new() -> Self {
        TestEnv {
            memory: vec![0; 65536],
            max_pages: 2,
            globals: vec![Val::I32(0), Val::F64(0)],
            table: vec![Val::FuncRef(None); 4],
            data: Some(b"hello".to_vec()),
            funcs: BTreeMap::new(),
            func_types: BTreeMap::new(),
            depth: 0,
        }
    }

    fn with_func(mut self, index: u32, type_index: u32, f: Function) -> Self {
        self.funcs.insert(index, f);
        self.func_types.insert(index, type_index);
        self
    }
}

impl Env for TestEnv {
    fn memory(&mut self, mem: u32) -> &mut [u8] {
        assert_eq!(mem, 0);
        &mut self.memory
    }
    fn memory_grow(&mut self, _mem: u32, delta: u32) -> i32 {
        let old = self.memory.len() / 65536;
        if old + delta as usize > self.max_pages {
            return -1;
        }
        self.memory.resize((old + delta as usize) * 65536, 0);
        old as i32
    }
    fn memory_init(&mut self, _mem: u32, _data: u32, dst: u32, src: u32, len: u32) -> Result<(), TrapCode> {
        let data = self.data.as_deref().unwrap_or(&[]);
        let (dst, src, len) = (dst as usize, src as usize, len as usize);
        if src + len > data.len() || dst + len > self.memory.len() {
            return Err(TrapCode::MemoryOutOfBounds);
        }
        self.memory[dst..dst + len].copy_from_slice(&data[src..src + len]);
        Ok(())
    }
    fn data_drop(&mut self, _data: u32) {
        self.data = None;
    }
    fn global_get(&mut self, global: u32) -> Val {
        self.globals[global as usize]
    }
    fn global_set(&mut self, global: u32, value: Val) {
        self.globals[global as usize] = value;
    }
    fn table_get(&mut self, _table: u32, index: u32) -> Result<Val, TrapCode> {
        self.table.get(index as usize).copied().ok_or(TrapCode::TableOutOfBounds)
    }
    fn table_set(&mut self, _table: u32, index: u32, value: Val) -> Result<(), TrapCode> {
        let slot = self.table.get_mut(index as usize).ok_or(TrapCode::TableOutOfBounds)?;
        *slot = value;
        Ok(())
    }
    fn table_size(&mut self, _table: u32) -> u32 {
        self.table.len() as u32
    }
    fn table_grow(&mut self, _table: u32, init: Val, delta: u32) -> i32 {
        let old = self.table.len();
        self.table.resize(old + delta as usize, init);
        old as i32
    }
    fn table_fill(&mut self, _table: u32, dst: u32, value: Val, len: u32) -> Result<(), TrapCode> {
        let (dst, len) = (dst as usize, len as usize);
        if dst + len > self.table.len() {
            return Err(TrapCode::TableOutOfBounds);
        }
        self.table[dst..dst + len].fill(value);
        Ok(())
    }
    fn table_copy(&mut self, _d: u32, _s: u32, dst: u32, src: u32, len: u32) -> Result<(), TrapCode> {
        let (dst, src, len) = (dst as usize, src as usize, len as usize);
        if dst + len > self.table.len() || src + len > self.table.len() {
            return Err(TrapCode::TableOutOfBounds);
        }
        self.table.copy_within(src..src + len, dst);
        Ok(())
    }
    fn table_init(&mut self, _t: u32, _e: u32, _dst: u32, _src: u32, _len: u32) -> Result<(), TrapCode> {
        Err(TrapCode::TableOutOfBounds)
    }
    fn elem_drop(&mut self, _elem: u32) {}
    fn ref_func(&mut self, func: u32) -> Val {
        Val::FuncRef(Some(FuncRef(func)))
    }
    fn call(&mut self, func: u32, args: &[Val]) -> Result<Vec<Val>, Trap> {
        if self.depth >= MAX_DEPTH {
            return Err(Trap::new(TrapCode::StackOverflow));
        }
        let f = self.funcs.get(&func).expect("test calls a known function").clone();
        self.depth += 1;
        let r = call_function(&f, args, self);
        self.depth -= 1;
        r
    }
    fn call_indirect(&mut self, _table: u32, type_index: u32, index: u32, args: &[Val]) -> Result<Vec<Val>, Trap> {
        match self.table.get(index as usize) {
            None => Err(Trap::new(TrapCode::UndefinedElement)),
            Some(Val::FuncRef(None)) => Err(Trap::new(TrapCode::IndirectCallNull)),
            Some(Val::FuncRef(Some(FuncRef(f)))) => {
                let f = *f;
                if self.func_types.get(&f) != Some(&type_index) {
                    return Err(Trap::new(TrapCode::IndirectCallBadSig));
                }
                self.call(f, args)
            }
            Some(other) => panic!("funcref table holds {other}"),
        }
    }
}

// ---- building functions ---------------------------------------------------------------

/// A function under construction with its entry block.
struct B {
    f: Function,
    entry: Block,
}

impl B {
    fn new(params: &[Type], results: &[Type]) -> (B, Vec<Value>) {
        let mut f = Function::new("t", Signature::new(params.to_vec(), results.to_vec()));
        f.wasm_index = Some(7);
        let entry = f.create_block();
        f.append_block(entry);
        let vs = params.iter().map(|&t| f.append_block_param(entry, t)).collect();
        (B { f, entry }, vs)
    }

    /// Appends an instruction with an explicit controlling type and result types.
    fn ins(&mut self, b: Block, op: Opcode, ty: Option<Type>, args: Vec<Value>, imm: Imm, res: &[Type]) -> Vec<Value> {
        let i = self.f.append_inst(b, InstData::new(op, ty, args, imm), res);
        self.f.inst_results(i).to_vec()
    }

    /// Like `ins` with one result, and a source location.
    fn at(&mut self, b: Block, op: Opcode, ty: Type, args: Vec<Value>, imm: Imm, srcloc: u32) -> Value {
        let mut d = InstData::new(op, Some(ty), args, imm);
        d.srcloc = Some(srcloc);
        let i = self.f.append_inst(b, d, &[ty]);
        self.f.inst_results(i)[0]
    }

    fn iconst(&mut self, b: Block, ty: Type, x: i64) -> Value {
        self.f.ins1(b, Opcode::Iconst, ty, vec![], Imm::I64(x))
    }

    fn ret(&mut self, b: Block, vals: Vec<Value>) {
        self.f.terminate(b, Opcode::Return, vals, Imm::None, vec![]);
    }

    fn done(self) -> Function {
        self.f
    }
}

/// `(a: ty, b: ty) -> rty { return op.ty a, b }` with srcloc 100 on the operation.
fn binary(op: Opcode, ty: Type) -> Function {
    let (mut b, p) = B::new(&[ty, ty], &[ty]);
    let e = b.entry;
    let r = b.at(e, op, ty, p, Imm::None, 100);
    b.ret(e, vec![r]);
    b.done()
}

/// `(a: from) -> to { return op.to a }` with srcloc 100.
fn unary(op: Opcode, from: Type, to: Type) -> Function {
    let (mut b, p) = B::new(&[from], &[to]);
    let e = b.entry;
    let r = b.at(e, op, to, p, Imm::None, 100);
    b.ret(e, vec![r]);
    b.done()
}

/// Runs `f` in a fresh TestEnv after checking that the verifier accepts it.
fn run(f: &Function, args: &[Val]) -> Result<Vec<Val>, Trap> {
    checked(f);
    call_function(f, args, &mut TestEnv::new())
}

/// Panics with the verifier's report unless `f` is well formed (so every test runs IR
/// the translator could have produced).
fn checked(f: &Function) -> &Function {
    if let Err(e) = verify_function(f) {
        panic!("test function does not verify:\n{e}\n{f}");
    }
    f
}

fn run1(f: &Function, args: &[Val]) -> Val {
    let r = run(f, args).unwrap_or_else(|t| panic!("trapped: {t}"));
    assert_eq!(r.len(), 1);
    r[0]
}

fn trap(f: &Function, args: &[Val]) -> TrapCode {
    match run(f, args) {
        Ok(r) => panic!("expected a trap, got {r:?}"),
        Err(t) => {
            assert_eq!(t.func, Some(7), "trap must name the function");
            t.code
        }
    }
}

fn f32v(x: f32) -> Val {
    Val::F32(x.to_bits())
}
fn f64v(x: f64) -> Val {
    Val::F64(x.to_bits())
}

// ---- integer arithmetic ---------------------------------------------------------------

#[test]
fn integer_division_edge_cases() {
    let sdiv = binary(Opcode::Sdiv, Type::I32);
    assert_eq!(run1(&sdiv, &[Val::I32(-7), Val::I32(2)]), Val::I32(-3));
    assert_eq!(trap(&sdiv, &[Val::I32(1), Val::I32(0)]), TrapCode::IntegerDivisionByZero);
    assert_eq!(trap(&sdiv, &[Val::I32(i32::MIN), Val::I32(-1)]), TrapCode::IntegerOverflow);
    let srem = binary(Opcode::Srem, Type::I64);
    assert_eq!(run1(&srem, &[Val::I64(i64::MIN), Val::I64(-1)]), Val::I64(0));
    assert_eq!(run1(&srem, &[Val::I64(-7), Val::I64(2)]), Val::I64(-1));
    assert_eq!(trap(&srem, &[Val::I64(1), Val::I64(0)]), TrapCode::IntegerDivisionByZero);
    let udiv = binary(Opcode::Udiv, Type::I64);
    assert_eq!(run1(&udiv, &[Val::I64(-1), Val::I64(2)]), Val::I64(i64::MAX));
    assert_eq!(trap(&udiv, &[Val::I64(1), Val::I64(0)]), TrapCode::IntegerDivisionByZero);
    let urem = binary(Opcode::Urem, Type::I32);
    assert_eq!(run1(&urem, &[Val::I32(-1), Val::I32(16)]), Val::I32(15));
    assert_eq!(trap(&urem, &[Val::I32(1), Val::I32(0)]), TrapCode::IntegerDivisionByZero);
}

#[test]
fn trap_carries_function_and_srcloc() {
    let sdiv = binary(Opcode::Sdiv, Type::I32);
    let t = run(&sdiv, &[Val::I32(1), Val::I32(0)]).unwrap_err();
    assert_eq!(t, Trap { code: TrapCode::IntegerDivisionByZero, func: Some(7), srcloc: Some(100) });
}

#[test]
fn wrapping_shifts_and_bit_counts() {
    assert_eq!(run1(&binary(Opcode::Iadd, Type::I32), &[Val::I32(i32::MAX), Val::I32(1)]), Val::I32(i32::MIN));
    assert_eq!(run1(&binary(Opcode::Imul, Type::I64), &[Val::I64(i64::MAX), Val::I64(2)]), Val::I64(-2));
    assert_eq!(run1(&binary(Opcode::Ishl, Type::I32), &[Val::I32(1), Val::I32(35)]), Val::I32(8));
    assert_eq!(run1(&binary(Opcode::Ushr, Type::I64), &[Val::I64(-1), Val::I64(124)]), Val::I64(0xf));
    assert_eq!(run1(&binary(Opcode::Sshr, Type::I32), &[Val::I32(-8), Val::I32(33)]), Val::I32(-4));
    assert_eq!(run1(&binary(Opcode::Rotl, Type::I32), &[Val::I32(0x8000_0001u32 as i32), Val::I32(1)]), Val::I32(3));
    assert_eq!(run1(&binary(Opcode::Rotr, Type::I64), &[Val::I64(1), Val::I64(65)]), Val::I64(i64::MIN));
    assert_eq!(run1(&unary(Opcode::Clz, Type::I64, Type::I64), &[Val::I64(0)]), Val::I64(64));
    assert_eq!(run1(&unary(Opcode::Ctz, Type::I32, Type::I32), &[Val::I32(0)]), Val::I32(32));
    assert_eq!(run1(&unary(Opcode::Popcnt, Type::I32, Type::I32), &[Val::I32(-1)]), Val::I32(32));
}

#[test]
fn comparisons_eqz_and_select() {
    let (mut b, p) = B::new(&[Type::I32, Type::I32], &[Type::I32, Type::I32, Type::I32]);
    let e = b.entry;
    let lt = b.ins(e, Opcode::Icmp, Some(Type::I32), p.clone(), Imm::IntCC(IntCC::Slt), &[Type::I32])[0];
    let ult = b.ins(e, Opcode::Icmp, Some(Type::I32), p.clone(), Imm::IntCC(IntCC::Ult), &[Type::I32])[0];
    let z = b.ins(e, Opcode::Eqz, Some(Type::I32), vec![p[0]], Imm::None, &[Type::I32])[0];
    let s = b.f.ins1(e, Opcode::Select, Type::I32, vec![lt, p[0], p[1]], Imm::None);
    b.ret(e, vec![ult, z, s]);
    let f = b.done();
    // -1 <s 5, but not <u; eqz(-1) = 0; select picks the first when the condition holds.
    assert_eq!(run(&f, &[Val::I32(-1), Val::I32(5)]).unwrap(), vec![Val::I32(0), Val::I32(0), Val::I32(-1)]);
    assert_eq!(run(&f, &[Val::I32(0), Val::I32(-5)]).unwrap(), vec![Val::I32(1), Val::I32(1), Val::I32(-5)]);
}

#[test]
fn constants_and_extensions() {
    let (mut b, _) = B::new(&[], &[Type::I32, Type::I64, Type::I64, Type::I32, Type::I64, Type::I64]);
    let e = b.entry;
    let c32 = b.iconst(e, Type::I32, 0x80);
    let c64 = b.iconst(e, Type::I64, -2);
    let u = b.f.ins1(e, Opcode::Uextend, Type::I64, vec![c32], Imm::None);
    let s8 = b.f.ins1(e, Opcode::Sext8, Type::I32, vec![c32], Imm::None);
    let s32 = b.f.ins1(e, Opcode::Sext32, Type::I64, vec![u], Imm::None);
    let big = b.iconst(e, Type::I64, 0x1_8000_0000);
    let w = b.f.ins1(e, Opcode::Ireduce, Type::I32, vec![big], Imm::None);
    let sx = b.f.ins1(e, Opcode::Sextend, Type::I64, vec![w], Imm::None);
    b.ret(e, vec![c32, c64, u, s8, s32, sx]);
    let f = b.done();
    assert_eq!(
        run(&f, &[]).unwrap(),
        vec![Val::I32(0x80), Val::I64(-2), Val::I64(0x80), Val::I32(-128), Val::I64(0x80), Val::I64(-0x8000_0000)]
    );
}

// ---- floats ---------------------------------------------------------------------------

#[test]
fn min_max_signed_zeros_and_nan() {
    let min = binary(Opcode::Fmin, Type::F32);
    let max = binary(Opcode::Fmax, Type::F64);
    assert_eq!(run1(&min, &[f32v(0.0), f32v(-0.0)]), Val::F32(0x8000_0000));
    assert_eq!(run1(&min, &[f32v(-0.0), f32v(0.0)]), Val::F32(0x8000_0000));
    assert_eq!(run1(&max, &[f64v(-0.0), f64v(0.0)]), Val::F64(0));
    assert_eq!(run1(&max, &[f64v(0.0), f64v(-0.0)]), Val::F64(0));
    // NaN wins, quiet, keeping its payload.
    let Val::F32(r) = run1(&min, &[Val::F32(0x7fa0_0000), f32v(f32::NEG_INFINITY)]) else { panic!() };
    assert_eq!(r, 0x7fe0_0000);
    let Val::F64(r) = run1(&max, &[f64v(f64::INFINITY), Val::F64(0x7ff8_0000_0000_0000)]) else { panic!() };
    assert_eq!(r, 0x7ff8_0000_0000_0000);
}

#[test]
fn sign_operations_are_bit_operations() {
    let snan = Val::F32(0x7fa0_0001);
    assert_eq!(run1(&unary(Opcode::Fneg, Type::F32, Type::F32), &[snan]), Val::F32(0xffa0_0001));
    assert_eq!(run1(&unary(Opcode::Fabs, Type::F32, Type::F32), &[Val::F32(0xffa0_0001)]), snan);
    let cs = binary(Opcode::Fcopysign, Type::F64);
    assert_eq!(run1(&cs, &[Val::F64(0x7ff4_0000_0000_0001), f64v(-1.0)]), Val::F64(0xfff4_0000_0000_0001));
}

#[test]
fn nearest_ties_to_even_and_rounding() {
    let near = unary(Opcode::Fnearest, Type::F64, Type::F64);
    for (x, want) in
        [(0.5, 0.0), (1.5, 2.0), (2.5, 2.0), (-2.5, -2.0), (-0.5, -0.0), (4503599627370497.0, 4503599627370497.0)]
    {
        assert_eq!(run1(&near, &[f64v(x)]), f64v(want), "nearest({x})");
    }
    let near32 = unary(Opcode::Fnearest, Type::F32, Type::F32);
    assert_eq!(run1(&near32, &[f32v(3.5)]), f32v(4.0));
    assert_eq!(run1(&unary(Opcode::Fceil, Type::F32, Type::F32), &[f32v(-0.25)]), Val::F32(0x8000_0000));
    assert_eq!(run1(&unary(Opcode::Ffloor, Type::F64, Type::F64), &[f64v(-0.25)]), f64v(-1.0));
    assert_eq!(run1(&unary(Opcode::Ftrunc, Type::F64, Type::F64), &[f64v(-1.75)]), f64v(-1.0));
    assert_eq!(run1(&unary(Opcode::Fsqrt, Type::F64, Type::F64), &[f64v(2.25)]), f64v(1.5));
}

#[test]
fn float_comparisons() {
    let mk = |cc| {
        let (mut b, p) = B::new(&[Type::F64, Type::F64], &[Type::I32]);
        let e = b.entry;
        let r = b.ins(e, Opcode::Fcmp, Some(Type::F64), p, Imm::FloatCC(cc), &[Type::I32])[0];
        b.ret(e, vec![r]);
        b.done()
    };
    let nan = f64v(f64::NAN);
    for cc in [FloatCC::Eq, FloatCC::Lt, FloatCC::Le, FloatCC::Gt, FloatCC::Ge] {
        assert_eq!(run1(&mk(cc), &[nan, f64v(1.0)]), Val::I32(0), "{cc} with NaN");
    }
    assert_eq!(run1(&mk(FloatCC::Ne), &[nan, nan]), Val::I32(1));
    assert_eq!(run1(&mk(FloatCC::Eq), &[f64v(-0.0), f64v(0.0)]), Val::I32(1));
    assert_eq!(run1(&mk(FloatCC::Le), &[f64v(1.0), f64v(2.0)]), Val::I32(1));
}

#[test]
fn trapping_truncation_boundaries() {
    let s32 = unary(Opcode::FcvtToSint, Type::F32, Type::I32);
    assert_eq!(trap(&s32, &[f32v(2147483648.0)]), TrapCode::IntegerOverflow);
    assert_eq!(run1(&s32, &[f32v(-2147483648.0)]), Val::I32(i32::MIN));
    assert_eq!(trap(&s32, &[f32v(f32::NAN)]), TrapCode::BadConversionToInteger);
    let s32d = unary(Opcode::FcvtToSint, Type::F64, Type::I32);
    assert_eq!(run1(&s32d, &[f64v(2147483647.9)]), Val::I32(i32::MAX));
    assert_eq!(run1(&s32d, &[f64v(-2147483648.9)]), Val::I32(i32::MIN));
    assert_eq!(trap(&s32d, &[f64v(-2147483649.0)]), TrapCode::IntegerOverflow);
    let u32f = unary(Opcode::FcvtToUint, Type::F64, Type::I32);
    assert_eq!(run1(&u32f, &[f64v(-0.9)]), Val::I32(0));
    assert_eq!(trap(&u32f, &[f64v(-1.0)]), TrapCode::IntegerOverflow);
    assert_eq!(run1(&u32f, &[f64v(4294967295.5)]), Val::I32(-1));
    assert_eq!(trap(&u32f, &[f64v(4294967296.0)]), TrapCode::IntegerOverflow);
    let u64f = unary(Opcode::FcvtToUint, Type::F32, Type::I64);
    assert_eq!(run1(&u64f, &[f32v(18446742974197923840.0)]), Val::I64(-1099511627776));
    assert_eq!(trap(&u64f, &[f32v(18446744073709551616.0)]), TrapCode::IntegerOverflow);
    assert_eq!(trap(&u64f, &[Val::F32(0xffc0_0000)]), TrapCode::BadConversionToInteger);
    let s64 = unary(Opcode::FcvtToSint, Type::F64, Type::I64);
    assert_eq!(run1(&s64, &[f64v(-9223372036854775808.0)]), Val::I64(i64::MIN));
    assert_eq!(trap(&s64, &[f64v(9223372036854775808.0)]), TrapCode::IntegerOverflow);
}

#[test]
fn saturating_truncation() {
    let s = unary(Opcode::FcvtToSintSat, Type::F64, Type::I32);
    assert_eq!(run1(&s, &[f64v(f64::NAN)]), Val::I32(0));
    assert_eq!(run1(&s, &[f64v(1e20)]), Val::I32(i32::MAX));
    assert_eq!(run1(&s, &[f64v(-1e20)]), Val::I32(i32::MIN));
    let u = unary(Opcode::FcvtToUintSat, Type::F32, Type::I64);
    assert_eq!(run1(&u, &[f32v(-3.0)]), Val::I64(0));
    assert_eq!(run1(&u, &[f32v(f32::INFINITY)]), Val::I64(-1));
}

#[test]
fn int_to_float_promote_demote_bitcast() {
    let f = unary(Opcode::FcvtFromSint, Type::I64, Type::F32);
    assert_eq!(run1(&f, &[Val::I64(9007199791611905)]), f32v(9007200328482816.0));
    let f = unary(Opcode::FcvtFromUint, Type::I32, Type::F64);
    assert_eq!(run1(&f, &[Val::I32(-1)]), f64v(4294967295.0));
    let f = unary(Opcode::FcvtFromUint, Type::I64, Type::F32);
    assert_eq!(run1(&f, &[Val::I64(-1)]), f32v(18446744073709551616.0));
    let p = unary(Opcode::Fpromote, Type::F32, Type::F64);
    assert_eq!(run1(&p, &[Val::F32(0x7fa0_0000)]), Val::F64(0x7ffc_0000_0000_0000));
    let d = unary(Opcode::Fdemote, Type::F64, Type::F32);
    assert_eq!(run1(&d, &[f64v(1e-50)]), f32v(0.0));
    let bc = unary(Opcode::Bitcast, Type::F32, Type::I32);
    assert_eq!(run1(&bc, &[Val::F32(0xff80_0001)]), Val::I32(0xff80_0001u32 as i32));
    let bc = unary(Opcode::Bitcast, Type::I64, Type::F64);
    assert_eq!(run1(&bc, &[Val::I64(0x7ff0_0000_0000_0001)]), Val::F64(0x7ff0_0000_0000_0001));
}

// ---- control flow -----------------------------------------------------------------------

/// `sum(n) = n + (n-1) + ... + 1` as a loop whose header carries (i, acc) as block params.
fn sum_loop() -> Function {
    let (mut b, p) = B::new(&[Type::I32], &[Type::I32]);
    let e = b.entry;
    let header = b.f.create_block();
    let body = b.f.create_block();
    let exit = b.f.create_block();
    for blk in [header, body, exit] {
        b.f.append_block(blk);
    }
    let i = b.f.append_block_param(header, Type::I32);
    let acc = b.f.append_block_param(header, Type::I32);
    let res = b.f.append_block_param(exit, Type::I32);
    let zero = b.iconst(e, Type::I32, 0);
    b.f.terminate(e, Opcode::Jump, vec![], Imm::None, vec![BlockCall::new(header, vec![p[0], zero])]);
    let done = b.ins(header, Opcode::Eqz, Some(Type::I32), vec![i], Imm::None, &[Type::I32])[0];
    b.f.terminate(
        header,
        Opcode::Brif,
        vec![done],
        Imm::None,
        vec![BlockCall::new(exit, vec![acc]), BlockCall::new(body, vec![])],
    );
    let acc2 = b.f.ins1(body, Opcode::Iadd, Type::I32, vec![acc, i], Imm::None);
    let one = b.iconst(body, Type::I32, 1);
    let i2 = b.f.ins1(body, Opcode::Isub, Type::I32, vec![i, one], Imm::None);
    b.f.terminate(body, Opcode::Jump, vec![], Imm::None, vec![BlockCall::new(header, vec![i2, acc2])]);
    b.ret(exit, vec![res]);
    b.done()
}

#[test]
fn loop_with_block_params() {
    let f = sum_loop();
    assert_eq!(run1(&f, &[Val::I32(0)]), Val::I32(0));
    assert_eq!(run1(&f, &[Val::I32(10)]), Val::I32(55));
    assert_eq!(run1(&f, &[Val::I32(100_000)]), Val::I32(705_082_704)); // wraps
}

#[test]
fn branch_arguments_are_read_before_params_are_written() {
    // block1(a, b, n): if n == 0 return a, b; else jump block1(b, a, n - 1)
    let (mut b, p) = B::new(&[Type::I32, Type::I32, Type::I32], &[Type::I32, Type::I32]);
    let e = b.entry;
    let l = b.f.create_block();
    let out = b.f.create_block();
    let again = b.f.create_block();
    for blk in [l, out, again] {
        b.f.append_block(blk);
    }
    let x = b.f.append_block_param(l, Type::I32);
    let y = b.f.append_block_param(l, Type::I32);
    let n = b.f.append_block_param(l, Type::I32);
    b.f.terminate(e, Opcode::Jump, vec![], Imm::None, vec![BlockCall::new(l, p.clone())]);
    b.f.terminate(
        l,
        Opcode::Brif,
        vec![n],
        Imm::None,
        vec![BlockCall::new(again, vec![]), BlockCall::new(out, vec![])],
    );
    let one = b.iconst(again, Type::I32, 1);
    let n2 = b.f.ins1(again, Opcode::Isub, Type::I32, vec![n, one], Imm::None);
    b.f.terminate(again, Opcode::Jump, vec![], Imm::None, vec![BlockCall::new(l, vec![y, x, n2])]);
    b.ret(out, vec![x, y]);
    let f = b.done();
    assert_eq!(run(&f, &[Val::I32(1), Val::I32(2), Val::I32(3)]).unwrap(), vec![Val::I32(2), Val::I32(1)]);
    assert_eq!(run(&f, &[Val::I32(1), Val::I32(2), Val::I32(4)]).unwrap(), vec![Val::I32(1), Val::I32(2)]);
}

#[test]
fn br_table_takes_default_out_of_range() {
    let (mut b, p) = B::new(&[Type::I32], &[Type::I32]);
    let e = b.entry;
    let targets: Vec<Block> = (0..3).map(|_| b.f.create_block()).collect();
    for &t in &targets {
        b.f.append_block(t);
    }
    // default = targets[0] (returns 100), table = [targets[1] (101), targets[2] (102)]
    b.f.terminate(
        e,
        Opcode::BrTable,
        vec![p[0]],
        Imm::None,
        targets.iter().map(|&t| BlockCall::new(t, vec![])).collect(),
    );
    for (k, &t) in targets.iter().enumerate() {
        let c = b.iconst(t, Type::I32, 100 + k as i64);
        b.ret(t, vec![c]);
    }
    let f = b.done();
    assert_eq!(run1(&f, &[Val::I32(0)]), Val::I32(101));
    assert_eq!(run1(&f, &[Val::I32(1)]), Val::I32(102));
    assert_eq!(run1(&f, &[Val::I32(2)]), Val::I32(100));
    assert_eq!(run1(&f, &[Val::I32(-1)]), Val::I32(100));
}

#[test]
fn trap_instruction() {
    let (mut b, _) = B::new(&[], &[]);
    let e = b.entry;
    let mut d = InstData::new(Opcode::Trap, None, vec![], Imm::Trap(TrapCode::Unreachable));
    d.srcloc = Some(42);
    b.f.append_inst(e, d, &[]);
    let f = b.done();
    assert_eq!(run(&f, &[]).unwrap_err(), Trap { code: TrapCode::Unreachable, func: Some(7), srcloc: Some(42) });
}

// ---- memory -----------------------------------------------------------------------------

fn mem(offset: u64) -> Imm {
    Imm::Mem(MemArg { offset, align: 0, memory: 0 })
}

#[test]
fn narrow_loads_and_stores() {
    // store.i64 0x8081828384858687 at addr, then read it back in every narrow form.
    let (mut b, p) = B::new(&[Type::I32], &[Type::I32, Type::I32, Type::I64, Type::I64, Type::I64, Type::I32]);
    let e = b.entry;
    let v = b.iconst(e, Type::I64, 0x8081_8283_8485_8687u64 as i64);
    b.ins(e, Opcode::Store, Some(Type::I64), vec![p[0], v], mem(0), &[]);
    let u8v = b.ins(e, Opcode::Uload8, Some(Type::I32), vec![p[0]], mem(0), &[Type::I32])[0];
    let s16 = b.ins(e, Opcode::Sload16, Some(Type::I32), vec![p[0]], mem(0), &[Type::I32])[0];
    let u32v = b.ins(e, Opcode::Uload32, Some(Type::I64), vec![p[0]], mem(4), &[Type::I64])[0];
    let s32 = b.ins(e, Opcode::Sload32, Some(Type::I64), vec![p[0]], mem(4), &[Type::I64])[0];
    let s8 = b.ins(e, Opcode::Sload8, Some(Type::I64), vec![p[0]], mem(7), &[Type::I64])[0];
    // istore8 keeps only the low byte; istore16 two bytes.
    let w = b.iconst(e, Type::I32, 0x1234_56ff);
    b.ins(e, Opcode::Istore8, Some(Type::I32), vec![p[0], w], mem(16), &[]);
    b.ins(e, Opcode::Istore16, Some(Type::I32), vec![p[0], w], mem(17), &[]);
    let back = b.ins(e, Opcode::Load, Some(Type::I32), vec![p[0]], mem(16), &[Type::I32])[0];
    b.ret(e, vec![u8v, s16, u32v, s32, s8, back]);
    let f = b.done();
    assert_eq!(
        run(&f, &[Val::I32(100)]).unwrap(),
        vec![
            Val::I32(0x87),
            Val::I32(0x8687u16 as i16 as i32),
            Val::I64(0x8081_8283),
            Val::I64(0x8081_8283u32 as i32 as i64),
            Val::I64(-128),
            Val::I32(0x0056_ffff),
        ]
    );
}

#[test]
fn out_of_bounds_accesses_trap() {
    let mk = |op: Opcode, ty: Type, offset: u64| {
        let (mut b, p) = B::new(&[Type::I32], &[ty]);
        let e = b.entry;
        let r = b.at(e, op, ty, p, mem(offset), 9);
        b.ret(e, vec![r]);
        b.done()
    };
    let ld = mk(Opcode::Load, Type::I32, 0);
    assert_eq!(run1(&ld, &[Val::I32(65532)]), Val::I32(0));
    assert_eq!(trap(&ld, &[Val::I32(65533)]), TrapCode::MemoryOutOfBounds);
    assert_eq!(trap(&ld, &[Val::I32(-1)]), TrapCode::MemoryOutOfBounds);
    // The offset is added without wrapping.
    let ld = mk(Opcode::Uload8, Type::I32, 0xffff_ffff);
    assert_eq!(trap(&ld, &[Val::I32(1)]), TrapCode::MemoryOutOfBounds);
    let ld = mk(Opcode::Load, Type::F64, 65528);
    assert_eq!(run1(&ld, &[Val::I32(0)]), Val::F64(0));
    assert_eq!(trap(&ld, &[Val::I32(1)]), TrapCode::MemoryOutOfBounds);
}

/// `(dst, src/byte, len)` bulk operation, then returns 4 bytes at 0 and 4 as i32.
fn bulk(op: Opcode, imm: Imm) -> Function {
    let (mut b, p) = B::new(&[Type::I32, Type::I32, Type::I32], &[Type::I32, Type::I32]);
    let e = b.entry;
    // memory[0..8] = 1, 2, ..., 8
    let a0 = b.iconst(e, Type::I32, 0);
    let lo = b.iconst(e, Type::I32, 0x0403_0201);
    let hi = b.iconst(e, Type::I32, 0x0807_0605);
    b.ins(e, Opcode::Store, Some(Type::I32), vec![a0, lo], mem(0), &[]);
    b.ins(e, Opcode::Store, Some(Type::I32), vec![a0, hi], mem(4), &[]);
    let mut d = InstData::new(op, None, p, imm);
    d.srcloc = Some(5);
    b.f.append_inst(e, d, &[]);
    let r0 = b.ins(e, Opcode::Load, Some(Type::I32), vec![a0], mem(0), &[Type::I32])[0];
    let r1 = b.ins(e, Opcode::Load, Some(Type::I32), vec![a0], mem(4), &[Type::I32])[0];
    b.ret(e, vec![r0, r1]);
    b.done()
}

#[test]
fn memory_copy_overlap_and_bounds() {
    let f = bulk(Opcode::MemoryCopy, Imm::MemoryCopy { dst: 0, src: 0 });
    let go = |d: i32, s: i32, n: i32| run(&f, &[Val::I32(d), Val::I32(s), Val::I32(n)]);
    assert_eq!(go(2, 0, 4).unwrap(), vec![Val::I32(0x0201_0201), Val::I32(0x0807_0403)]);
    assert_eq!(go(0, 2, 4).unwrap(), vec![Val::I32(0x0605_0403), Val::I32(0x0807_0605)]);
    assert_eq!(go(65536, 0, 0).unwrap(), vec![Val::I32(0x0403_0201), Val::I32(0x0807_0605)]);
    assert_eq!(go(65537, 0, 0).unwrap_err().code, TrapCode::MemoryOutOfBounds);
    assert_eq!(go(0, 65533, 4).unwrap_err().code, TrapCode::MemoryOutOfBounds);
    let t = go(65533, 0, 4).unwrap_err();
    assert_eq!((t.code, t.srcloc), (TrapCode::MemoryOutOfBounds, Some(5)));
}

#[test]
fn memory_fill_bounds() {
    let f = bulk(Opcode::MemoryFill, Imm::Memory(0));
    let go = |d: i32, v: i32, n: i32| run(&f, &[Val::I32(d), Val::I32(v), Val::I32(n)]);
    assert_eq!(go(1, 0x1ff, 2).unwrap(), vec![Val::I32(0x04ff_ff01), Val::I32(0x0807_0605)]);
    assert_eq!(go(65536, 0, 0).unwrap(), vec![Val::I32(0x0403_0201), Val::I32(0x0807_0605)]);
    assert_eq!(go(65537, 0, 0).unwrap_err().code, TrapCode::MemoryOutOfBounds);
    assert_eq!(go(65535, 0, 2).unwrap_err().code, TrapCode::MemoryOutOfBounds);
    assert_eq!(go(0, 0, -1).unwrap_err().code, TrapCode::MemoryOutOfBounds);
}

#[test]
fn memory_size_grow_init_and_drop() {
    let (mut b, _) = B::new(&[], &[Type::I32, Type::I32, Type::I32, Type::I32, Type::I32]);
    let e = b.entry;
    let s0 = b.ins(e, Opcode::MemorySize, None, vec![], Imm::Memory(0), &[Type::I32])[0];
    let one = b.iconst(e, Type::I32, 1);
    let g1 = b.ins(e, Opcode::MemoryGrow, None, vec![one], Imm::Memory(0), &[Type::I32])[0];
    let g2 = b.ins(e, Opcode::MemoryGrow, None, vec![one], Imm::Memory(0), &[Type::I32])[0];
    let s1 = b.ins(e, Opcode::MemorySize, None, vec![], Imm::Memory(0), &[Type::I32])[0];
    let (dst, src, len) = (b.iconst(e, Type::I32, 70000), b.iconst(e, Type::I32, 1), b.iconst(e, Type::I32, 4));
    b.ins(e, Opcode::MemoryInit, None, vec![dst, src, len], Imm::MemoryInit { data: 0, memory: 0 }, &[]);
    let r = b.ins(e, Opcode::Load, Some(Type::I32), vec![dst], mem(0), &[Type::I32])[0];
    b.ins(e, Opcode::DataDrop, None, vec![], Imm::Data(0), &[]);
    let zero = b.iconst(e, Type::I32, 0);
    let mut d = InstData::new(Opcode::MemoryInit, None, vec![dst, zero, one], Imm::MemoryInit { data: 0, memory: 0 });
    d.srcloc = Some(3);
    b.f.append_inst(e, d, &[]);
    b.ret(e, vec![s0, g1, g2, s1, r]);
    let f = b.done();
    let mut env = TestEnv::new();
    let t = call_function(checked(&f), &[], &mut env).unwrap_err();
    assert_eq!(t, Trap { code: TrapCode::MemoryOutOfBounds, func: Some(7), srcloc: Some(3) });
    assert_eq!(env.memory.len(), 2 * 65536);
    assert_eq!(&env.memory[70000..70004], b"ello");
    // Without the trapping init, the results are visible.
    let mut f2 = f.clone();
    let blk = f2.layout[0];
    let n = f2.blocks[blk.index()].insts.len();
    f2.blocks[blk.index()].insts.remove(n - 2);
    assert_eq!(
        run(&f2, &[]).unwrap(),
        vec![Val::I32(1), Val::I32(1), Val::I32(-1), Val::I32(2), Val::I32(i32::from_le_bytes(*b"ello"))]
    );
}

// ---- globals, tables, references, calls --------------------------------------------------

#[test]
fn globals_tables_and_references() {
    let (mut b, _) = B::new(&[], &[Type::F64, Type::I32, Type::I32, Type::FuncRef, Type::I32, Type::I32]);
    let e = b.entry;
    let x = b.f.ins1(e, Opcode::Fconst, Type::F64, vec![], Imm::F64(2.5f64.to_bits()));
    b.ins(e, Opcode::GlobalSet, Some(Type::F64), vec![x], Imm::Global(1), &[]);
    let g = b.f.ins1(e, Opcode::GlobalGet, Type::F64, vec![], Imm::Global(1));
    let null = b.f.ins1(e, Opcode::RefNull, Type::FuncRef, vec![], Imm::None);
    let is_null = b.ins(e, Opcode::RefIsNull, None, vec![null], Imm::None, &[Type::I32])[0];
    let r = b.ins(e, Opcode::RefFunc, None, vec![], Imm::Func(3), &[Type::FuncRef])[0];
    let i2 = b.iconst(e, Type::I32, 2);
    b.ins(e, Opcode::TableSet, None, vec![i2, r], Imm::Table(0), &[]);
    let got = b.f.ins1(e, Opcode::TableGet, Type::FuncRef, vec![i2], Imm::Table(0));
    let not_null = b.ins(e, Opcode::RefIsNull, None, vec![got], Imm::None, &[Type::I32])[0];
    let one = b.iconst(e, Type::I32, 1);
    let old = b.ins(e, Opcode::TableGrow, None, vec![null, one], Imm::Table(0), &[Type::I32])[0];
    let size = b.ins(e, Opcode::TableSize, None, vec![], Imm::Table(0), &[Type::I32])[0];
    let i9 = b.iconst(e, Type::I32, 9);
    let mut d = InstData::new(Opcode::TableGet, Some(Type::FuncRef), vec![i9], Imm::Table(0));
    d.srcloc = Some(11);
    b.f.append_inst(e, d, &[Type::FuncRef]);
    b.ret(e, vec![g, is_null, not_null, got, old, size]);
    let f = b.done();
    let t = run(&f, &[]).unwrap_err();
    assert_eq!(t, Trap { code: TrapCode::TableOutOfBounds, func: Some(7), srcloc: Some(11) });
    let mut f2 = f.clone();
    let blk = f2.layout[0];
    let n = f2.blocks[blk.index()].insts.len();
    f2.blocks[blk.index()].insts.remove(n - 2);
    assert_eq!(
        run(&f2, &[]).unwrap(),
        vec![f64v(2.5), Val::I32(1), Val::I32(0), Val::FuncRef(Some(FuncRef(3))), Val::I32(4), Val::I32(5)]
    );
}

/// `fn1(x) -> x * 2, x + 1` (two results); `fn2(x) = fn2(x)` (never returns);
/// `fn3(x) = x / 0` (traps at srcloc 100 in function 7).
fn callee_env() -> TestEnv {
    let (mut b, p) = B::new(&[Type::I32], &[Type::I32, Type::I32]);
    let e = b.entry;
    let two = b.iconst(e, Type::I32, 2);
    let m = b.f.ins1(e, Opcode::Imul, Type::I32, vec![p[0], two], Imm::None);
    let one = b.iconst(e, Type::I32, 1);
    let a = b.f.ins1(e, Opcode::Iadd, Type::I32, vec![p[0], one], Imm::None);
    b.ret(e, vec![m, a]);
    let mut fn1 = b.done();
    fn1.wasm_index = Some(1);

    let (mut b, p) = B::new(&[Type::I32], &[Type::I32]);
    b.f.callees.insert(2, Signature::new(vec![Type::I32], vec![Type::I32]));
    let e = b.entry;
    let r = b.ins(e, Opcode::Call, None, p, Imm::Func(2), &[Type::I32]);
    b.ret(e, r);
    let mut fn2 = b.done();
    fn2.wasm_index = Some(2);

    let (mut b, p) = B::new(&[Type::I32], &[Type::I32]);
    let e = b.entry;
    let z = b.iconst(e, Type::I32, 0);
    let r = b.at(e, Opcode::Udiv, Type::I32, vec![p[0], z], Imm::None, 100);
    b.ret(e, vec![r]);
    let mut fn3 = b.done();
    fn3.wasm_index = Some(3);

    for f in [&fn1, &fn2, &fn3] {
        checked(f);
    }
    TestEnv::new().with_func(1, 0, fn1).with_func(2, 0, fn2).with_func(3, 1, fn3)
}

#[test]
fn calls_with_multiple_results_and_trap_locations() {
    let (mut b, p) = B::new(&[Type::I32, Type::I32], &[Type::I32, Type::I32]);
    b.f.callees.insert(1, Signature::new(vec![Type::I32], vec![Type::I32, Type::I32]));
    let e = b.entry;
    let mut d = InstData::new(Opcode::Call, None, vec![p[1]], Imm::Func(1));
    d.srcloc = Some(50);
    let i = b.f.append_inst(e, d, &[Type::I32, Type::I32]);
    let r = b.f.inst_results(i).to_vec();
    b.ret(e, r);
    let f = b.done();
    let mut env = callee_env();
    assert_eq!(
        call_function(checked(&f), &[Val::I32(0), Val::I32(20)], &mut env).unwrap(),
        vec![Val::I32(40), Val::I32(21)]
    );

    // A callee's trap keeps its own location.
    let (mut b, p) = B::new(&[Type::I32], &[Type::I32]);
    b.f.callees.insert(3, Signature::new(vec![Type::I32], vec![Type::I32]));
    let e = b.entry;
    let mut d = InstData::new(Opcode::Call, None, p, Imm::Func(3));
    d.srcloc = Some(50);
    let i = b.f.append_inst(e, d, &[Type::I32]);
    let r = b.f.inst_results(i).to_vec();
    b.ret(e, r);
    let mut f = b.done();
    f.wasm_index = Some(0);
    let t = call_function(checked(&f), &[Val::I32(1)], &mut env).unwrap_err();
    assert_eq!(t, Trap { code: TrapCode::IntegerDivisionByZero, func: Some(3), srcloc: Some(100) });

    // Unbounded recursion: the Env reports stack exhaustion, located at the innermost call.
    let t = call_function(&env.funcs[&2].clone(), &[Val::I32(1)], &mut env).unwrap_err();
    assert_eq!(t.code, TrapCode::StackOverflow);
    assert_eq!(t.func, Some(2));
    assert_eq!(env.depth, 0);
}

#[test]
fn call_indirect_traps_from_the_env_get_this_location() {
    // call_indirect type0, table0, idx(x)
    let (mut b, p) = B::new(&[Type::I32, Type::I32], &[Type::I32, Type::I32]);
    let e = b.entry;
    let mut d =
        InstData::new(Opcode::CallIndirect, None, vec![p[1], p[0]], Imm::CallIndirect { type_index: 0, table: 0 });
    d.srcloc = Some(77);
    b.f.types.insert(0, Signature::new(vec![Type::I32], vec![Type::I32, Type::I32]));
    let i = b.f.append_inst(e, d, &[Type::I32, Type::I32]);
    let r = b.f.inst_results(i).to_vec();
    b.ret(e, r);
    let f = b.done();
    let mut env = callee_env();
    env.table[0] = Val::FuncRef(Some(FuncRef(1)));
    env.table[1] = Val::FuncRef(Some(FuncRef(3)));
    let mut go = |idx: i32| call_function(checked(&f), &[Val::I32(idx), Val::I32(5)], &mut env);
    assert_eq!(go(0).unwrap(), vec![Val::I32(10), Val::I32(6)]);
    let here = |code| Trap { code, func: Some(7), srcloc: Some(77) };
    assert_eq!(go(1).unwrap_err(), here(TrapCode::IndirectCallBadSig));
    assert_eq!(go(2).unwrap_err(), here(TrapCode::IndirectCallNull));
    assert_eq!(go(4).unwrap_err(), here(TrapCode::UndefinedElement));
}
