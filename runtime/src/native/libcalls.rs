//! The runtime services compiled code calls (see `wlab_backends::abi::LibCall`): each
//! reads its operands from the value area, does the work through the store (the same
//! `ops` the interpreter uses), writes results back, refreshes vmctx's memory words,
//! and returns 0, or 1 after recording the trap (`memory.copy` and `memory.fill` within
//! memory 0 first try a fast path that needs none of that: [`memory0`]). Nothing here
//! unwinds: compiled code does, after the libcall returns.
//!
//! Every libcall is `unsafe extern "sysv64" fn(vmctx, a, b, values) -> status`, reached
//! through vmctx's libcall table, and trusts its caller (generated code, or [`call`]) for
//! what the type system cannot check. Each function's `# Safety` section lists its part;
//! all of them also need the *entry contract*:
//! - `vmctx` points at the vmctx of the instance that is running, readable and writable
//!   for `vmctx::GLOBALS` words, and its `STORE` word points at the live `CallCtx` of the
//!   current entry from the host, whose store nothing else borrows during the call;
//! - `values` points at the caller's outgoing value area, readable and writable for the
//!   number of slots the libcall's `LibCall` doc lists (inputs and outputs share slots);
//! - `a` and `b` are the indices lowering put there from a validated module, in range for
//!   the instance (an out-of-range index panics, and a panic here aborts the process).

use super::{refresh_memory, CallCtx};
use crate::ops;
use crate::raw::{area_words, raw_to_val, val_to_raw, vals_to_words, words_to_vals};
use crate::store::Store;
use wlab_backends::abi::{vmctx, LibCall, RoundOp};
use wlab_ir::interp::{Trap, Val};
use wlab_ir::{TrapCode, Type};

type LibFn = unsafe extern "sysv64" fn(*mut u64, u64, u64, *mut u64) -> u64;

pub fn address(l: LibCall) -> u64 {
    let f: LibFn = match l {
        LibCall::CallFunc => call_func,
        LibCall::CallIndirect => call_indirect,
        LibCall::MemoryGrow => memory_grow,
        LibCall::MemoryFill => memory_fill,
        LibCall::MemoryCopy => memory_copy,
        LibCall::MemoryInit => memory_init,
        LibCall::DataDrop => data_drop,
        LibCall::TableGet => table_get,
        LibCall::TableSet => table_set,
        LibCall::TableSize => table_size,
        LibCall::TableGrow => table_grow,
        LibCall::TableFill => table_fill,
        LibCall::TableCopy => table_copy,
        LibCall::TableInit => table_init,
        LibCall::ElemDrop => elem_drop,
        LibCall::RefFunc => ref_func,
        LibCall::FloatRound => float_round,
    };
    f as usize as u64
}

/// Runs `body` with the store and instance of this entry, then refreshes memory and
/// turns the outcome into a status.
unsafe fn with_ctx(
    vmctx: *mut u64,
    body: impl FnOnce(&mut Store, crate::store::InstanceId) -> Result<(), Trap>,
) -> u64 {
    let ctx = &mut *(*vmctx.add(vmctx::STORE) as *mut CallCtx);
    let store = &mut *ctx.store;
    let r = body(store, ctx.instance);
    let words = std::slice::from_raw_parts_mut(vmctx, vmctx::GLOBALS);
    refresh_memory(store, ctx.instance, words);
    match r {
        Ok(()) => 0,
        Err(t) => {
            *vmctx.add(vmctx::TRAP_CODE) = TrapCode::ALL.iter().position(|c| *c == t.code).unwrap_or(0) as u64;
            ctx.trap = Some(t);
            1
        }
    }
}

/// Memory 0 as vmctx describes it to compiled code: its base address and length in
/// bytes. A linear memory never moves and never shrinks, so even a length not yet
/// refreshed after a grow is only too small. A libcall that cannot change the memory's
/// size (`memory.copy`, `memory.fill`) works on it directly in the common case, without
/// reaching the store and with nothing to refresh afterwards; anything else (another
/// memory, an access past that length, which must be checked against the store and may
/// have to record its trap) goes through [`with_ctx`]. A vmctx that does not describe
/// memory 0 (the AArch64 emulator's host vmctx: its memory lives in the emulator and is
/// mirrored into the store around each libcall) has a null base, and then the fast
/// path is never taken.
///
/// # Safety
/// The entry contract (module docs): vmctx's memory words describe memory 0 of the
/// running instance, and `base .. base + len` is its accessible part.
unsafe fn memory0(vmctx: *mut u64) -> (*mut u8, usize) {
    (*vmctx.add(vmctx::MEM_BASE) as *mut u8, *vmctx.add(vmctx::MEM_LEN) as usize)
}

unsafe fn slot(values: *mut u64, i: usize) -> u64 {
    *values.add(i)
}

unsafe fn u32_at(values: *mut u64, i: usize) -> u32 {
    *values.add(i) as u32
}

unsafe fn set(values: *mut u64, i: usize, v: u64) {
    *values.add(i) = v;
}

fn trap(code: TrapCode) -> Trap {
    Trap::new(code)
}

/// The arguments of `params` at the start of the value area.
unsafe fn call_with(values: *mut u64, params: &[Type]) -> Vec<Val> {
    words_to_vals(std::slice::from_raw_parts(values, area_words(params)), params)
}

/// Writes `results` at the start of the value area.
unsafe fn write_results(values: *mut u64, results: &[Val]) {
    let types: Vec<Type> = results.iter().map(|v| v.ty()).collect();
    vals_to_words(results, std::slice::from_raw_parts_mut(values, area_words(&types)));
}

/// [`LibCall::CallFunc`].
///
/// # Safety
/// The entry contract (module docs), and: `a` is the index of an imported function of the
/// instance, and `values` has `max(params, results)` words of that function's signature
/// (`wlab_backends::abi::value_offsets`):
/// the arguments on entry, the results on return.
unsafe extern "sysv64" fn call_func(vmctx: *mut u64, a: u64, _b: u64, values: *mut u64) -> u64 {
    with_ctx(vmctx, |store, inst| {
        let f = store.instance(inst).funcs[a as usize];
        let sig = store.func(f).sig.clone();
        let args = call_with(values, &sig.params);
        let results = store.call(f, &args)?;
        write_results(values, &results);
        Ok(())
    })
}

/// [`LibCall::CallIndirect`].
///
/// # Safety
/// The entry contract (module docs), and: `a` is a type index and `b` a table index of the
/// instance, and `values` has the arguments' words plus one (the arguments, then the
/// element index) and at least the results' words for the results of type `a`. The callee may run compiled
/// code again with this same `vmctx`.
unsafe extern "sysv64" fn call_indirect(vmctx: *mut u64, a: u64, b: u64, values: *mut u64) -> u64 {
    // Fast path: a function of this same instance runs with this vmctx, without going
    // through the store (no new vmctx, no value conversion, no allocation).
    let ctx = &mut *(*vmctx.add(vmctx::STORE) as *mut CallCtx);
    let index = {
        let store = &*ctx.store;
        u32_at(values, area_words(&store.instance(ctx.instance).info().types[a as usize].params))
    };
    if !ctx.native.is_null() {
        // The callee, when it is a function of this instance; the store borrow ends here,
        // before compiled code (and libcalls in it) run. Unresolvable entries (null, out
        // of range, wrong type) take the shared path below, which traps.
        let direct = {
            let store = &*ctx.store;
            match ops::resolve_indirect(store, ctx.instance, b as u32, a as u32, index) {
                Ok(f) => match &store.func(f).kind {
                    crate::store::FuncKind::Wasm { instance, index } if *instance == ctx.instance => {
                        let sig = &store.func(f).sig;
                        Some((*index, area_words(&sig.params), area_words(&sig.results)))
                    }
                    _ => None,
                },
                Err(_) => None,
            }
        };
        if let Some((func, np, nr)) = direct {
            // The arguments are already in place, and the area has max(np + 1, nr) words.
            let native = &*ctx.native;
            let status = native.call_direct(vmctx, func, values, np.max(nr));
            if status != 0 {
                let words = std::slice::from_raw_parts(vmctx, vmctx::GLOBALS);
                ctx.trap = Some(native.trap_from(words));
                return 1;
            }
            let words = std::slice::from_raw_parts_mut(vmctx, vmctx::GLOBALS);
            refresh_memory(&mut *ctx.store, ctx.instance, words);
            return 0;
        }
    }
    with_ctx(vmctx, |store, inst| {
        let sig = store.instance(inst).info().types[a as usize].clone();
        let args = call_with(values, &sig.params);
        let results = ops::call_indirect(store, inst, b as u32, a as u32, index, &args)?;
        write_results(values, &results);
        Ok(())
    })
}

/// [`LibCall::MemoryGrow`].
///
/// # Safety
/// The entry contract (module docs), and: `a` is a memory index of the instance, and
/// `values` has 1 slot: the delta in pages, replaced by the old size or -1.
unsafe extern "sysv64" fn memory_grow(vmctx: *mut u64, a: u64, _b: u64, values: *mut u64) -> u64 {
    with_ctx(vmctx, |store, inst| {
        let r = ops::memory_grow(store, inst, a as u32, u32_at(values, 0));
        set(values, 0, r as u32 as u64);
        Ok(())
    })
}

/// [`LibCall::MemoryFill`].
///
/// # Safety
/// The entry contract (module docs), and: `a` is a memory index of the instance, and
/// `values` has 3 slots (dst, value, len).
unsafe extern "sysv64" fn memory_fill(vmctx: *mut u64, a: u64, _b: u64, values: *mut u64) -> u64 {
    if a == 0 {
        let (base, size) = memory0(vmctx);
        let (dst, val, len) = (u32_at(values, 0) as usize, u32_at(values, 1) as u8, u32_at(values, 2) as usize);
        if !base.is_null() && dst + len <= size {
            std::ptr::write_bytes(base.add(dst), val, len);
            return 0;
        }
    }
    with_ctx(vmctx, |store, inst| {
        let m = store.instance(inst).memories[a as usize];
        let (dst, val, len) = (u32_at(values, 0) as usize, u32_at(values, 1) as u8, u32_at(values, 2) as usize);
        let bytes = &mut store.memory_mut(m).bytes;
        if dst.checked_add(len).is_none_or(|end| end > bytes.len()) {
            return Err(trap(TrapCode::MemoryOutOfBounds));
        }
        bytes[dst..dst + len].fill(val);
        Ok(())
    })
}

/// [`LibCall::MemoryCopy`].
///
/// # Safety
/// The entry contract (module docs), and: `a` (destination) and `b` (source) are memory
/// indices of the instance, and `values` has 3 slots (dst, src, len).
unsafe extern "sysv64" fn memory_copy(vmctx: *mut u64, a: u64, b: u64, values: *mut u64) -> u64 {
    if a == 0 && b == 0 {
        let (base, size) = memory0(vmctx);
        let (dst, src, len) = (u32_at(values, 0) as usize, u32_at(values, 1) as usize, u32_at(values, 2) as usize);
        if !base.is_null() && dst + len <= size && src + len <= size {
            std::ptr::copy(base.add(src), base.add(dst), len);
            return 0;
        }
    }
    with_ctx(vmctx, |store, inst| {
        let (md, ms) = (store.instance(inst).memories[a as usize], store.instance(inst).memories[b as usize]);
        let (dst, src, len) = (u32_at(values, 0) as usize, u32_at(values, 1) as usize, u32_at(values, 2) as usize);
        let dlen = store.memory(md).bytes.len();
        let slen = store.memory(ms).bytes.len();
        if dst.checked_add(len).is_none_or(|e| e > dlen) || src.checked_add(len).is_none_or(|e| e > slen) {
            return Err(trap(TrapCode::MemoryOutOfBounds));
        }
        if md == ms {
            store.memory_mut(md).bytes.copy_within(src..src + len, dst);
        } else {
            let tmp = store.memory(ms).bytes[src..src + len].to_vec();
            store.memory_mut(md).bytes[dst..dst + len].copy_from_slice(&tmp);
        }
        Ok(())
    })
}

/// [`LibCall::MemoryInit`].
///
/// # Safety
/// The entry contract (module docs), and: `a` is a data segment index and `b` a memory
/// index of the instance, and `values` has 3 slots (dst, src, len).
unsafe extern "sysv64" fn memory_init(vmctx: *mut u64, a: u64, b: u64, values: *mut u64) -> u64 {
    with_ctx(vmctx, |store, inst| {
        ops::memory_init(store, inst, b as u32, a as u32, u32_at(values, 0), u32_at(values, 1), u32_at(values, 2))
            .map_err(trap)
    })
}

/// [`LibCall::DataDrop`].
///
/// # Safety
/// The entry contract (module docs), and: `a` is a data segment index of the instance;
/// `values` is not read.
unsafe extern "sysv64" fn data_drop(vmctx: *mut u64, a: u64, _b: u64, _values: *mut u64) -> u64 {
    with_ctx(vmctx, |store, inst| {
        ops::data_drop(store, inst, a as u32);
        Ok(())
    })
}

fn table_type(store: &Store, inst: crate::store::InstanceId, table: u32) -> Type {
    let t = store.instance(inst).tables[table as usize];
    store.table(t).elem
}

/// [`LibCall::TableGet`].
///
/// # Safety
/// The entry contract (module docs), and: `a` is a table index of the instance, and
/// `values` has 1 slot: the element index, replaced by the reference.
unsafe extern "sysv64" fn table_get(vmctx: *mut u64, a: u64, _b: u64, values: *mut u64) -> u64 {
    with_ctx(vmctx, |store, inst| {
        let v = ops::table_get(store, inst, a as u32, u32_at(values, 0)).map_err(trap)?;
        set(values, 0, val_to_raw(v));
        Ok(())
    })
}

/// [`LibCall::TableSet`].
///
/// # Safety
/// The entry contract (module docs), and: `a` is a table index of the instance, and
/// `values` has 2 slots (element index, reference in the table's raw form).
unsafe extern "sysv64" fn table_set(vmctx: *mut u64, a: u64, _b: u64, values: *mut u64) -> u64 {
    with_ctx(vmctx, |store, inst| {
        let ty = table_type(store, inst, a as u32);
        let v = raw_to_val(slot(values, 1), ty);
        ops::table_set(store, inst, a as u32, u32_at(values, 0), v).map_err(trap)
    })
}

/// [`LibCall::TableSize`].
///
/// # Safety
/// The entry contract (module docs), and: `a` is a table index of the instance, and
/// `values` has 1 slot for the size.
unsafe extern "sysv64" fn table_size(vmctx: *mut u64, a: u64, _b: u64, values: *mut u64) -> u64 {
    with_ctx(vmctx, |store, inst| {
        set(values, 0, ops::table_size(store, inst, a as u32) as u64);
        Ok(())
    })
}

/// [`LibCall::TableGrow`].
///
/// # Safety
/// The entry contract (module docs), and: `a` is a table index of the instance, and
/// `values` has 2 slots (initial reference, delta); slot 0 receives the old size or -1.
unsafe extern "sysv64" fn table_grow(vmctx: *mut u64, a: u64, _b: u64, values: *mut u64) -> u64 {
    with_ctx(vmctx, |store, inst| {
        let ty = table_type(store, inst, a as u32);
        let init = raw_to_val(slot(values, 0), ty);
        let r = ops::table_grow(store, inst, a as u32, init, u32_at(values, 1));
        set(values, 0, r as u32 as u64);
        Ok(())
    })
}

/// [`LibCall::TableFill`].
///
/// # Safety
/// The entry contract (module docs), and: `a` is a table index of the instance, and
/// `values` has 3 slots (dst, reference, len).
unsafe extern "sysv64" fn table_fill(vmctx: *mut u64, a: u64, _b: u64, values: *mut u64) -> u64 {
    with_ctx(vmctx, |store, inst| {
        let ty = table_type(store, inst, a as u32);
        let v = raw_to_val(slot(values, 1), ty);
        ops::table_fill(store, inst, a as u32, u32_at(values, 0), v, u32_at(values, 2)).map_err(trap)
    })
}

/// [`LibCall::TableCopy`].
///
/// # Safety
/// The entry contract (module docs), and: `a` (destination) and `b` (source) are table
/// indices of the instance, and `values` has 3 slots (dst, src, len).
unsafe extern "sysv64" fn table_copy(vmctx: *mut u64, a: u64, b: u64, values: *mut u64) -> u64 {
    with_ctx(vmctx, |store, inst| {
        ops::table_copy(store, inst, a as u32, b as u32, u32_at(values, 0), u32_at(values, 1), u32_at(values, 2))
            .map_err(trap)
    })
}

/// [`LibCall::TableInit`].
///
/// # Safety
/// The entry contract (module docs), and: `a` is an element segment index and `b` a table
/// index of the instance, and `values` has 3 slots (dst, src, len).
unsafe extern "sysv64" fn table_init(vmctx: *mut u64, a: u64, b: u64, values: *mut u64) -> u64 {
    with_ctx(vmctx, |store, inst| {
        ops::table_init(store, inst, b as u32, a as u32, u32_at(values, 0), u32_at(values, 1), u32_at(values, 2))
            .map_err(trap)
    })
}

/// [`LibCall::ElemDrop`].
///
/// # Safety
/// The entry contract (module docs), and: `a` is an element segment index of the instance;
/// `values` is not read.
unsafe extern "sysv64" fn elem_drop(vmctx: *mut u64, a: u64, _b: u64, _values: *mut u64) -> u64 {
    with_ctx(vmctx, |store, inst| {
        ops::elem_drop(store, inst, a as u32);
        Ok(())
    })
}

/// [`LibCall::RefFunc`].
///
/// # Safety
/// The entry contract (module docs), and: `a` is a function index of the instance, and
/// `values` has 1 slot for the reference.
unsafe extern "sysv64" fn ref_func(vmctx: *mut u64, a: u64, _b: u64, values: *mut u64) -> u64 {
    with_ctx(vmctx, |store, inst| {
        let f = store.instance(inst).funcs[a as usize];
        set(values, 0, val_to_raw(Val::FuncRef(Some(f))));
        Ok(())
    })
}

/// [`LibCall::FloatRound`].
///
/// # Safety
/// `values` has 1 slot holding the operand's bits (f64 when `b` is 1, f32 in the low half
/// otherwise), replaced by the result; `a` is a `RoundOp` as u64 (another value panics).
/// Only `values` is touched: `vmctx` is not read, so this one libcall does not need the
/// rest of the entry contract.
unsafe extern "sysv64" fn float_round(_vmctx: *mut u64, a: u64, b: u64, values: *mut u64) -> u64 {
    let op = RoundOp::from_u64(a).expect("compiled code passes a valid RoundOp");
    if b == 1 {
        let x = f64::from_bits(slot(values, 0));
        let y = match op {
            RoundOp::Ceil => x.ceil(),
            RoundOp::Floor => x.floor(),
            RoundOp::Trunc => x.trunc(),
            RoundOp::Nearest => x.round_ties_even(),
        };
        // A NaN result must be quiet (wasm: arithmetic NaN), which the software
        // rounding functions do not ensure for a signalling input.
        let bits = if y.is_nan() { y.to_bits() | (1 << 51) } else { y.to_bits() };
        set(values, 0, bits);
    } else {
        let x = f32::from_bits(slot(values, 0) as u32);
        let y = match op {
            RoundOp::Ceil => x.ceil(),
            RoundOp::Floor => x.floor(),
            RoundOp::Trunc => x.trunc(),
            RoundOp::Nearest => x.round_ties_even(),
        };
        let bits = if y.is_nan() { y.to_bits() | (1 << 22) } else { y.to_bits() };
        set(values, 0, bits as u64);
    }
    0
}

/// Runs libcall `l` from Rust, for engines that emulate compiled code and so cannot branch to
/// [`address`] (the AArch64 engine): same arguments and result as a call from compiled code.
///
/// # Safety
/// `vmctx` must be a vmctx whose `STORE` word points at a live `CallCtx`, and `values` a
/// value area with as many slots as the libcall reads and writes.
#[cfg_attr(not(feature = "unicorn"), allow(dead_code))]
pub(crate) unsafe fn call(l: LibCall, vmctx: *mut u64, a: u64, b: u64, values: *mut u64) -> u64 {
    let f = std::mem::transmute::<usize, LibFn>(address(l) as usize);
    f(vmctx, a, b, values)
}
