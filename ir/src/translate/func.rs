//! Translates one wasm function body (already validated) into an IR [`Function`].
//!
//! A value stack of SSA values mirrors wasm's operand stack; locals go through the
//! [`SsaBuilder`]; `block` / `loop` / `if` become blocks whose parameters carry the
//! construct's values, tracked by the control stack of [`super::control`]. Code after
//! `br`, `br_table`, `return` or `unreachable` is not emitted: only the nesting of
//! constructs in it is counted, so the control stack stays right. Blocks enter the layout
//! in wasm code order, when translation reaches them and something branches to them.
//!
//! Every instruction gets the byte offset of its wasm operator as `srcloc`. This file
//! never panics on input: an operator outside wasm 2.0 (relaxed SIMD, threads, ...) is
//! [`TranslateError::Unsupported`], and an impossible stack shape is an error value.
//! SIMD operators become their [`crate::simd::SimdOp`] rows (see `simd.rs`).

use super::control::{Frame, FrameKind};
use super::module_env::{heap_type, ModuleEnv};
use super::ssa::SsaBuilder;
use super::TranslateError;
use crate::entities::{Block, Inst, Value};
use crate::function::Function;
use crate::instructions::{BlockCall, FloatCC, Imm, InstData, IntCC, MemArg, TrapCode};
use crate::opcode::Opcode;
use crate::types::{Signature, Type};
use wasmparser::Operator as O;

/// Translates defined function `func_index` of the module.
pub(crate) fn translate_function(
    env: &ModuleEnv<'_>,
    func_index: u32,
    body: &wasmparser::FunctionBody<'_>,
) -> Result<Function, TranslateError> {
    let info = &env.info;
    let name = info.func_display_name(func_index);
    let body_offset = body.range().start as usize;
    let body_offset_u32 = u32::try_from(body_offset).unwrap_or(u32::MAX);
    let unsupported =
        |op: String, offset: usize| TranslateError::Unsupported { func: func_index, name: name.clone(), op, offset };
    let type_index = info
        .funcs
        .get(func_index as usize)
        .map(|f| f.type_index)
        .ok_or_else(|| TranslateError::Invalid(format!("function {func_index} has no type")))?;
    if env.simd_types.get(type_index as usize).copied().unwrap_or(true) {
        return Err(unsupported("a value type outside wasm 2.0 in the signature".into(), body_offset));
    }
    let signature = info.types[type_index as usize].clone();

    let mut var_types = signature.params.clone();
    let mut locals = body.get_locals_reader().map_err(malformed)?;
    for _ in 0..locals.get_count() {
        let (offset, (count, ty)) = (locals.original_position() as usize, locals.read().map_err(malformed)?);
        let ty = Type::from_wasm(ty).ok_or_else(|| unsupported(format!("local of type {ty:?}"), offset))?;
        var_types.extend(std::iter::repeat_n(ty, count as usize));
    }

    let mut func = Function::new(name.clone(), signature.clone());
    func.wasm_index = Some(func_index);
    let entry = func.create_block();
    func.append_block(entry);
    let mut ssa = SsaBuilder::new(var_types, entry, body_offset_u32);
    for (i, &ty) in signature.params.iter().enumerate() {
        let v = func.append_block_param(entry, ty);
        ssa.def_var(i as u32, entry, v);
    }
    let frames = vec![Frame {
        kind: FrameKind::Function,
        end: entry,
        param_types: Vec::new(),
        result_types: signature.results.clone(),
        stack_base: 0,
        end_reached: false,
    }];
    let mut t = FuncTranslator {
        env,
        func_index,
        name: &name,
        func,
        ssa,
        frames,
        stack: Vec::new(),
        cur: entry,
        reachable: true,
        dead_depth: 0,
        srcloc: body_offset_u32,
    };
    let mut reader = body.get_operators_reader().map_err(malformed)?;
    while !reader.eof() {
        let (op, offset) = reader.read_with_offset().map_err(malformed)?;
        let offset = offset as usize;
        t.srcloc = u32::try_from(offset).unwrap_or(u32::MAX);
        t.operator(&op, offset)?;
    }
    if !t.frames.is_empty() {
        return Err(TranslateError::Malformed(format!("function {func_index}: body ends inside a block")));
    }
    t.ssa.finish(&mut t.func);
    Ok(t.func)
}

fn malformed(e: wasmparser::BinaryReaderError) -> TranslateError {
    TranslateError::Malformed(e.to_string())
}

/// The wasm text name of an operator, derived from wasmparser's variant name
/// (`I32x4ExtractLane { .. }` → `i32x4.extract_lane`).
pub(crate) fn operator_name(op: &O<'_>) -> String {
    let debug = format!("{op:?}");
    let ident: String = debug.chars().take_while(|c| c.is_ascii_alphanumeric()).collect();
    const PREFIXES: [&str; 11] =
        ["V128", "I8x16", "I16x8", "I32x4", "I64x2", "F32x4", "F64x2", "I32", "I64", "F32", "F64"];
    let (prefix, rest) = match PREFIXES.iter().find(|p| ident.starts_with(**p) && ident.len() > p.len()) {
        Some(p) => (Some(p.to_ascii_lowercase()), &ident[p.len()..]),
        None => (None, &ident[..]),
    };
    let mut snake = String::new();
    for (i, c) in rest.chars().enumerate() {
        if c.is_ascii_uppercase() {
            if i > 0 {
                snake.push('_');
            }
            snake.push(c.to_ascii_lowercase());
        } else {
            snake.push(c);
        }
    }
    match prefix {
        Some(p) => format!("{p}.{snake}"),
        None => snake,
    }
}

struct FuncTranslator<'a, 'm> {
    env: &'a ModuleEnv<'m>,
    func_index: u32,
    name: &'a str,
    func: Function,
    ssa: SsaBuilder,
    frames: Vec<Frame>,
    stack: Vec<Value>,
    /// The block being filled (meaningful only while `reachable`).
    cur: Block,
    reachable: bool,
    /// Nesting depth of constructs inside unreachable code.
    dead_depth: u32,
    srcloc: u32,
}

impl FuncTranslator<'_, '_> {
    fn unsupported(&self, op: &O<'_>, offset: usize) -> TranslateError {
        TranslateError::Unsupported {
            func: self.func_index,
            name: self.name.to_string(),
            op: operator_name(op),
            offset,
        }
    }

    fn broken(&self, what: &str) -> TranslateError {
        TranslateError::Invalid(format!(
            "function {} \"{}\": {what} at offset {:#x}",
            self.func_index, self.name, self.srcloc
        ))
    }

    // ---- the value stack ----------------------------------------------------------

    fn pop(&mut self) -> Result<Value, TranslateError> {
        self.stack.pop().ok_or_else(|| self.broken("value stack underflow"))
    }

    fn pop_n(&mut self, n: usize) -> Result<Vec<Value>, TranslateError> {
        if self.stack.len() < n {
            return Err(self.broken("value stack underflow"));
        }
        Ok(self.stack.split_off(self.stack.len() - n))
    }

    fn peek_n(&self, n: usize) -> Result<Vec<Value>, TranslateError> {
        if self.stack.len() < n {
            return Err(self.broken("value stack underflow"));
        }
        Ok(self.stack[self.stack.len() - n..].to_vec())
    }

    // ---- emitting -----------------------------------------------------------------

    fn ins(&mut self, opcode: Opcode, ty: Option<Type>, args: Vec<Value>, imm: Imm, results: &[Type]) -> Inst {
        let mut data = InstData::new(opcode, ty, args, imm);
        data.srcloc = Some(self.srcloc);
        self.func.append_inst(self.cur, data, results)
    }

    /// Appends a one-result instruction and pushes its result.
    fn push1(&mut self, opcode: Opcode, ty: Option<Type>, args: Vec<Value>, imm: Imm, result: Type) {
        let inst = self.ins(opcode, ty, args, imm, &[result]);
        let v = self.func.inst_results(inst)[0];
        self.stack.push(v);
    }

    fn unary(&mut self, opcode: Opcode, ty: Type) -> Result<(), TranslateError> {
        let a = self.pop()?;
        self.push1(opcode, Some(ty), vec![a], Imm::None, ty);
        Ok(())
    }

    fn binary(&mut self, opcode: Opcode, ty: Type) -> Result<(), TranslateError> {
        let b = self.pop()?;
        let a = self.pop()?;
        self.push1(opcode, Some(ty), vec![a, b], Imm::None, ty);
        Ok(())
    }

    /// A conversion: suffix and result are `to`.
    fn convert(&mut self, opcode: Opcode, to: Type) -> Result<(), TranslateError> {
        self.unary(opcode, to)
    }

    fn icmp(&mut self, cc: IntCC, ty: Type) -> Result<(), TranslateError> {
        let b = self.pop()?;
        let a = self.pop()?;
        self.push1(Opcode::Icmp, Some(ty), vec![a, b], Imm::IntCC(cc), Type::I32);
        Ok(())
    }

    fn fcmp(&mut self, cc: FloatCC, ty: Type) -> Result<(), TranslateError> {
        let b = self.pop()?;
        let a = self.pop()?;
        self.push1(Opcode::Fcmp, Some(ty), vec![a, b], Imm::FloatCC(cc), Type::I32);
        Ok(())
    }

    fn eqz(&mut self, ty: Type) -> Result<(), TranslateError> {
        let a = self.pop()?;
        self.push1(Opcode::Eqz, Some(ty), vec![a], Imm::None, Type::I32);
        Ok(())
    }

    fn load(&mut self, opcode: Opcode, ty: Type, m: &wasmparser::MemArg) -> Result<(), TranslateError> {
        let addr = self.pop()?;
        self.push1(opcode, Some(ty), vec![addr], Imm::Mem(mem_arg(m)?), ty);
        Ok(())
    }

    fn store(&mut self, opcode: Opcode, ty: Type, m: &wasmparser::MemArg) -> Result<(), TranslateError> {
        let value = self.pop()?;
        let addr = self.pop()?;
        self.ins(opcode, Some(ty), vec![addr, value], Imm::Mem(mem_arg(m)?), &[]);
        Ok(())
    }

    /// A SIMD operation: pops the row's operands, pushes its result (if any).
    fn simd(&mut self, s: crate::simd::SimdOp, imm: Imm) -> Result<(), TranslateError> {
        let info = s.info();
        let n = info.operands.fixed().map_or(0, <[_]>::len);
        let args = self.pop_n(n)?;
        match info.results {
            crate::opinfo::Results::One(t) => self.push1(Opcode::Simd(s), None, args, imm, t),
            _ => {
                self.ins(Opcode::Simd(s), None, args, imm, &[]);
            }
        }
        Ok(())
    }

    /// An instruction without suffix or results taking the top `n` values in order.
    fn effect(&mut self, opcode: Opcode, n: usize, imm: Imm) -> Result<(), TranslateError> {
        let args = self.pop_n(n)?;
        self.ins(opcode, None, args, imm, &[]);
        Ok(())
    }

    // ---- blocks and branches ------------------------------------------------------

    /// Makes `b` the current block, appending it to the layout.
    fn switch_to(&mut self, b: Block) {
        self.func.append_block(b);
        self.cur = b;
        self.reachable = true;
    }

    /// Emits a terminator and records its edges with the SSA builder.
    fn terminate(&mut self, opcode: Opcode, args: Vec<Value>, dests: Vec<BlockCall>) -> Inst {
        let mut data = InstData::new(opcode, None, args, Imm::None);
        data.srcloc = Some(self.srcloc);
        let by_target = dests_by_target(&dests);
        data.dests = dests;
        let inst = self.func.append_inst(self.cur, data, &[]);
        for (t, indices) in by_target {
            self.ssa.declare_pred(t, self.cur, inst, &indices);
        }
        inst
    }

    fn jump(&mut self, target: Block, args: Vec<Value>) {
        self.terminate(Opcode::Jump, Vec::new(), vec![BlockCall::new(target, args)]);
    }

    fn frame(&self, depth: u32) -> Result<&Frame, TranslateError> {
        let n = self.frames.len();
        (depth as usize)
            .checked_add(1)
            .and_then(|d| n.checked_sub(d))
            .map(|i| &self.frames[i])
            .ok_or_else(|| self.broken("branch depth beyond the control stack"))
    }

    /// The block a branch to label `depth` goes to, and the values it carries (from the
    /// top of the stack, left there). Marks the frame's end as reached. `None` = return.
    fn branch_dest(&mut self, depth: u32) -> Result<(Option<Block>, Vec<Value>), TranslateError> {
        let frame = self.frame(depth)?;
        let n = frame.branch_types().len();
        let target = frame.branch_target();
        let is_end = matches!(frame.kind, FrameKind::Block | FrameKind::If { .. });
        let args = self.peek_n(n)?;
        if is_end {
            let i = self.frames.len() - 1 - depth as usize;
            self.frames[i].end_reached = true;
        }
        Ok((target, args))
    }

    /// A fresh block that only returns `args` (for conditional branches to the function label).
    fn return_block(&mut self, args: Vec<Value>) -> Block {
        let b = self.func.create_block();
        let mut data = InstData::new(Opcode::Return, None, args, Imm::None);
        data.srcloc = Some(self.srcloc);
        self.func.append_inst(b, data, &[]);
        b
    }

    fn block_type(&self, bt: wasmparser::BlockType, offset: usize) -> Result<(Vec<Type>, Vec<Type>), TranslateError> {
        match bt {
            wasmparser::BlockType::Empty => Ok((Vec::new(), Vec::new())),
            wasmparser::BlockType::Type(t) => match Type::from_wasm(t) {
                Some(t) => Ok((Vec::new(), vec![t])),
                None => Err(TranslateError::Unsupported {
                    func: self.func_index,
                    name: self.name.to_string(),
                    op: format!("block of type {t:?}"),
                    offset,
                }),
            },
            wasmparser::BlockType::FuncType(i) => {
                let sig = self.signature_of_type(i, offset)?;
                Ok((sig.params, sig.results))
            }
        }
    }

    fn signature_of_type(&self, type_index: u32, offset: usize) -> Result<Signature, TranslateError> {
        match self.env.simd_types.get(type_index as usize) {
            Some(false) => Ok(self.env.info.types[type_index as usize].clone()),
            Some(true) => Err(TranslateError::Unsupported {
                func: self.func_index,
                name: self.name.to_string(),
                op: format!("type {type_index} with a v128 value"),
                offset,
            }),
            None => Err(self.broken("type index out of range")),
        }
    }

    fn new_block_with_params(&mut self, types: &[Type]) -> Block {
        let b = self.func.create_block();
        for &t in types {
            self.func.append_block_param(b, t);
        }
        b
    }

    fn push_frame(&mut self, kind: FrameKind, end: Block, params: Vec<Type>, results: Vec<Type>, base: usize) {
        self.frames.push(Frame {
            kind,
            end,
            param_types: params,
            result_types: results,
            stack_base: base,
            end_reached: false,
        });
    }

    fn op_else(&mut self) -> Result<(), TranslateError> {
        let n = self.frames.len();
        let frame = self.frames.last().ok_or_else(|| self.broken("`else` outside a block"))?;
        let FrameKind::If { branch, branch_block, else_block, ref params, .. } = frame.kind else {
            return Err(self.broken("`else` outside an `if`"));
        };
        let params = params.clone();
        let (end, base, nresults) = (frame.end, frame.stack_base, frame.result_types.len());
        if self.reachable {
            let results = self.pop_n(nresults)?;
            self.jump(end, results);
            self.frames[n - 1].end_reached = true;
        }
        if let FrameKind::If { else_seen, .. } = &mut self.frames[n - 1].kind {
            *else_seen = true;
        }
        self.ssa.declare_pred(else_block, branch_block, branch, &[1]);
        self.ssa.seal(&mut self.func, else_block);
        self.switch_to(else_block);
        self.stack.truncate(base);
        self.stack.extend(params);
        Ok(())
    }

    fn op_end(&mut self) -> Result<(), TranslateError> {
        let frame = self.frames.pop().ok_or_else(|| self.broken("`end` outside a block"))?;
        if let FrameKind::Function = frame.kind {
            if self.reachable {
                let results = self.pop_n(frame.result_types.len())?;
                self.terminate(Opcode::Return, results, Vec::new());
                self.reachable = false;
            }
            return Ok(());
        }
        let mut end_reached = frame.end_reached;
        if self.reachable {
            if let FrameKind::Loop { .. } = frame.kind {
                // Nothing branches to a loop's end: only this fall-through enters it.
                self.ssa.set_dom_parent(frame.end, self.cur, self.ssa.now());
            }
            let results = self.pop_n(frame.result_types.len())?;
            self.jump(frame.end, results);
            end_reached = true;
        }
        match frame.kind {
            FrameKind::If { branch, branch_block, params, else_seen: false, .. } => {
                // No `else`: the false edge goes straight to the end with the parameters.
                if let Some(dest) = self.func.inst_mut(branch).dests.get_mut(1) {
                    *dest = BlockCall::new(frame.end, params);
                }
                self.ssa.declare_pred(frame.end, branch_block, branch, &[1]);
                end_reached = true;
            }
            FrameKind::Loop { header } => self.ssa.seal(&mut self.func, header),
            FrameKind::If { .. } | FrameKind::Block | FrameKind::Function => {}
        }
        self.stack.truncate(frame.stack_base);
        if end_reached {
            self.ssa.seal(&mut self.func, frame.end);
            self.switch_to(frame.end);
            let params = self.func.block_params(frame.end).to_vec();
            self.stack.extend(params);
        } else {
            self.reachable = false;
        }
        Ok(())
    }

    fn operator(&mut self, op: &O<'_>, offset: usize) -> Result<(), TranslateError> {
        if !self.reachable {
            match op {
                O::Block { .. } | O::Loop { .. } | O::If { .. } => self.dead_depth += 1,
                O::Else if self.dead_depth == 0 => self.op_else()?,
                O::End if self.dead_depth == 0 => self.op_end()?,
                O::End => self.dead_depth -= 1,
                _ => {}
            }
            return Ok(());
        }
        use Opcode as Op;
        use Type::{F32, F64, I32, I64};
        match *op {
            // ---- control ----------------------------------------------------------
            O::Unreachable => {
                let mut data = InstData::new(Op::Trap, None, Vec::new(), Imm::Trap(TrapCode::Unreachable));
                data.srcloc = Some(self.srcloc);
                self.func.append_inst(self.cur, data, &[]);
                self.reachable = false;
            }
            O::Nop => {}
            O::Block { blockty } => {
                let (params, results) = self.block_type(blockty, offset)?;
                let end = self.new_block_with_params(&results);
                // Every path into `end` starts here.
                self.ssa.set_dom_parent(end, self.cur, self.ssa.now());
                let base = self.stack.len().checked_sub(params.len()).ok_or_else(|| self.broken("stack underflow"))?;
                self.push_frame(FrameKind::Block, end, params, results, base);
            }
            O::Loop { blockty } => {
                let (params, results) = self.block_type(blockty, offset)?;
                let args = self.pop_n(params.len())?;
                let header = self.new_block_with_params(&params);
                self.ssa.set_dom_parent(header, self.cur, self.ssa.now());
                self.ssa.enter_loop(header);
                self.jump(header, args);
                self.switch_to(header);
                let end = self.new_block_with_params(&results);
                let base = self.stack.len();
                self.stack.extend(self.func.block_params(header).to_vec());
                self.push_frame(FrameKind::Loop { header }, end, params, results, base);
            }
            O::If { blockty } => {
                let (params, results) = self.block_type(blockty, offset)?;
                let cond = self.pop()?;
                let args = self.peek_n(params.len())?;
                let then_block = self.func.create_block();
                let else_block = self.func.create_block();
                let end = self.new_block_with_params(&results);
                let branch_block = self.cur;
                let now = self.ssa.now();
                for b in [then_block, else_block, end] {
                    self.ssa.set_dom_parent(b, branch_block, now);
                }
                // The false edge is declared to the SSA builder when its target is known.
                let mut data = InstData::new(Op::Brif, None, vec![cond], Imm::None);
                data.srcloc = Some(self.srcloc);
                data.dests = vec![BlockCall::new(then_block, Vec::new()), BlockCall::new(else_block, Vec::new())];
                let branch = self.func.append_inst(branch_block, data, &[]);
                self.ssa.declare_pred(then_block, branch_block, branch, &[0]);
                self.ssa.seal(&mut self.func, then_block);
                self.switch_to(then_block);
                let base = self.stack.len() - params.len();
                let kind = FrameKind::If { branch, branch_block, else_block, params: args, else_seen: false };
                self.push_frame(kind, end, params, results, base);
            }
            O::Else => self.op_else()?,
            O::End => self.op_end()?,
            O::Br { relative_depth } => {
                match self.branch_dest(relative_depth)? {
                    (Some(target), args) => self.jump(target, args),
                    (None, args) => {
                        self.terminate(Op::Return, args, Vec::new());
                    }
                }
                self.reachable = false;
            }
            O::BrIf { relative_depth } => {
                let cond = self.pop()?;
                let (target, args) = self.branch_dest(relative_depth)?;
                let next = self.func.create_block();
                self.ssa.set_dom_parent(next, self.cur, self.ssa.now());
                let taken = match target {
                    Some(t) => BlockCall::new(t, args),
                    None => {
                        let r = self.return_block(args);
                        BlockCall::new(r, Vec::new())
                    }
                };
                let ret_block = if target.is_none() { Some(taken.block) } else { None };
                self.terminate(Op::Brif, vec![cond], vec![taken, BlockCall::new(next, Vec::new())]);
                if let Some(r) = ret_block {
                    self.ssa.seal(&mut self.func, r);
                    self.func.append_block(r);
                }
                self.ssa.seal(&mut self.func, next);
                self.switch_to(next);
            }
            O::BrTable { ref targets } => {
                let index = self.pop()?;
                let mut depths = Vec::with_capacity(targets.len() as usize + 1);
                depths.push(targets.default());
                for d in targets.targets() {
                    depths.push(d.map_err(malformed)?);
                }
                let mut dests = Vec::with_capacity(depths.len());
                let mut ret_block = None;
                for d in depths {
                    let (target, args) = self.branch_dest(d)?;
                    let dest = match target {
                        Some(t) => BlockCall::new(t, args),
                        None => {
                            let r = match ret_block {
                                Some(r) => r,
                                None => *ret_block.insert(self.return_block(args)),
                            };
                            BlockCall::new(r, Vec::new())
                        }
                    };
                    dests.push(dest);
                }
                self.terminate(Op::BrTable, vec![index], dests);
                if let Some(r) = ret_block {
                    self.ssa.seal(&mut self.func, r);
                    self.func.append_block(r);
                }
                self.reachable = false;
            }
            O::Return => {
                let n = self.frames.first().map_or(0, |f| f.result_types.len());
                let results = self.pop_n(n)?;
                self.terminate(Op::Return, results, Vec::new());
                self.reachable = false;
            }
            O::Call { function_index } => {
                let info = &self.env.info;
                let type_index = info
                    .funcs
                    .get(function_index as usize)
                    .map(|f| f.type_index)
                    .ok_or_else(|| self.broken("call to an unknown function"))?;
                let sig = self.signature_of_type(type_index, offset)?;
                let args = self.pop_n(sig.params.len())?;
                let inst = self.ins(Op::Call, None, args, Imm::Func(function_index), &sig.results);
                self.stack.extend(self.func.inst_results(inst).to_vec());
                self.func.callees.insert(function_index, sig);
                if self.env.effects.get(function_index as usize).is_some_and(|e| !e.writes_memory) {
                    self.func.no_memory_writes.insert(function_index);
                }
            }
            O::CallIndirect { type_index, table_index } => {
                let sig = self.signature_of_type(type_index, offset)?;
                let callee = self.pop()?;
                let mut args = self.pop_n(sig.params.len())?;
                args.push(callee);
                let imm = Imm::CallIndirect { type_index, table: table_index };
                let inst = self.ins(Op::CallIndirect, None, args, imm, &sig.results);
                self.stack.extend(self.func.inst_results(inst).to_vec());
                self.func.types.insert(type_index, sig);
            }

            // ---- parametric and variables -------------------------------------------
            O::Drop => {
                self.pop()?;
            }
            O::Select | O::TypedSelect { .. } => {
                let cond = self.pop()?;
                let b = self.pop()?;
                let a = self.pop()?;
                let ty = self.func.value_type(a);
                self.push1(Op::Select, Some(ty), vec![cond, a, b], Imm::None, ty);
            }
            O::LocalGet { local_index } => {
                self.check_local(local_index)?;
                let v = self.ssa.use_var(&mut self.func, local_index, self.cur);
                self.stack.push(v);
            }
            O::LocalSet { local_index } => {
                self.check_local(local_index)?;
                let v = self.pop()?;
                self.ssa.def_var(local_index, self.cur, v);
            }
            O::LocalTee { local_index } => {
                self.check_local(local_index)?;
                let v = *self.stack.last().ok_or_else(|| self.broken("value stack underflow"))?;
                self.ssa.def_var(local_index, self.cur, v);
            }
            O::GlobalGet { global_index } => {
                let ty = self.global_type(global_index)?;
                self.push1(Op::GlobalGet, Some(ty), Vec::new(), Imm::Global(global_index), ty);
            }
            O::GlobalSet { global_index } => {
                let ty = self.global_type(global_index)?;
                let v = self.pop()?;
                self.ins(Op::GlobalSet, Some(ty), vec![v], Imm::Global(global_index), &[]);
            }

            // ---- memory ---------------------------------------------------------------
            O::I32Load { ref memarg } => self.load(Op::Load, I32, memarg)?,
            O::I64Load { ref memarg } => self.load(Op::Load, I64, memarg)?,
            O::F32Load { ref memarg } => self.load(Op::Load, F32, memarg)?,
            O::F64Load { ref memarg } => self.load(Op::Load, F64, memarg)?,
            O::I32Load8S { ref memarg } => self.load(Op::Sload8, I32, memarg)?,
            O::I32Load8U { ref memarg } => self.load(Op::Uload8, I32, memarg)?,
            O::I32Load16S { ref memarg } => self.load(Op::Sload16, I32, memarg)?,
            O::I32Load16U { ref memarg } => self.load(Op::Uload16, I32, memarg)?,
            O::I64Load8S { ref memarg } => self.load(Op::Sload8, I64, memarg)?,
            O::I64Load8U { ref memarg } => self.load(Op::Uload8, I64, memarg)?,
            O::I64Load16S { ref memarg } => self.load(Op::Sload16, I64, memarg)?,
            O::I64Load16U { ref memarg } => self.load(Op::Uload16, I64, memarg)?,
            O::I64Load32S { ref memarg } => self.load(Op::Sload32, I64, memarg)?,
            O::I64Load32U { ref memarg } => self.load(Op::Uload32, I64, memarg)?,
            O::I32Store { ref memarg } => self.store(Op::Store, I32, memarg)?,
            O::I64Store { ref memarg } => self.store(Op::Store, I64, memarg)?,
            O::F32Store { ref memarg } => self.store(Op::Store, F32, memarg)?,
            O::F64Store { ref memarg } => self.store(Op::Store, F64, memarg)?,
            O::I32Store8 { ref memarg } => self.store(Op::Istore8, I32, memarg)?,
            O::I32Store16 { ref memarg } => self.store(Op::Istore16, I32, memarg)?,
            O::I64Store8 { ref memarg } => self.store(Op::Istore8, I64, memarg)?,
            O::I64Store16 { ref memarg } => self.store(Op::Istore16, I64, memarg)?,
            O::I64Store32 { ref memarg } => self.store(Op::Istore32, I64, memarg)?,
            O::MemorySize { mem } => self.push1(Op::MemorySize, None, Vec::new(), Imm::Memory(mem), I32),
            O::MemoryGrow { mem } => {
                let delta = self.pop()?;
                self.push1(Op::MemoryGrow, None, vec![delta], Imm::Memory(mem), I32);
            }
            O::MemoryInit { data_index, mem } => {
                self.effect(Op::MemoryInit, 3, Imm::MemoryInit { data: data_index, memory: mem })?
            }
            O::DataDrop { data_index } => self.effect(Op::DataDrop, 0, Imm::Data(data_index))?,
            O::MemoryCopy { dst_mem, src_mem } => {
                self.effect(Op::MemoryCopy, 3, Imm::MemoryCopy { dst: dst_mem, src: src_mem })?
            }
            O::MemoryFill { mem } => self.effect(Op::MemoryFill, 3, Imm::Memory(mem))?,

            // ---- constants ------------------------------------------------------------
            O::I32Const { value } => self.push1(Op::Iconst, Some(I32), Vec::new(), Imm::I64(value as i64), I32),
            O::I64Const { value } => self.push1(Op::Iconst, Some(I64), Vec::new(), Imm::I64(value), I64),
            O::F32Const { value } => self.push1(Op::Fconst, Some(F32), Vec::new(), Imm::F32(value.bits()), F32),
            O::F64Const { value } => self.push1(Op::Fconst, Some(F64), Vec::new(), Imm::F64(value.bits()), F64),

            // ---- comparisons ----------------------------------------------------------
            O::I32Eqz => self.eqz(I32)?,
            O::I64Eqz => self.eqz(I64)?,
            O::I32Eq => self.icmp(IntCC::Eq, I32)?,
            O::I32Ne => self.icmp(IntCC::Ne, I32)?,
            O::I32LtS => self.icmp(IntCC::Slt, I32)?,
            O::I32LtU => self.icmp(IntCC::Ult, I32)?,
            O::I32GtS => self.icmp(IntCC::Sgt, I32)?,
            O::I32GtU => self.icmp(IntCC::Ugt, I32)?,
            O::I32LeS => self.icmp(IntCC::Sle, I32)?,
            O::I32LeU => self.icmp(IntCC::Ule, I32)?,
            O::I32GeS => self.icmp(IntCC::Sge, I32)?,
            O::I32GeU => self.icmp(IntCC::Uge, I32)?,
            O::I64Eq => self.icmp(IntCC::Eq, I64)?,
            O::I64Ne => self.icmp(IntCC::Ne, I64)?,
            O::I64LtS => self.icmp(IntCC::Slt, I64)?,
            O::I64LtU => self.icmp(IntCC::Ult, I64)?,
            O::I64GtS => self.icmp(IntCC::Sgt, I64)?,
            O::I64GtU => self.icmp(IntCC::Ugt, I64)?,
            O::I64LeS => self.icmp(IntCC::Sle, I64)?,
            O::I64LeU => self.icmp(IntCC::Ule, I64)?,
            O::I64GeS => self.icmp(IntCC::Sge, I64)?,
            O::I64GeU => self.icmp(IntCC::Uge, I64)?,
            O::F32Eq => self.fcmp(FloatCC::Eq, F32)?,
            O::F32Ne => self.fcmp(FloatCC::Ne, F32)?,
            O::F32Lt => self.fcmp(FloatCC::Lt, F32)?,
            O::F32Gt => self.fcmp(FloatCC::Gt, F32)?,
            O::F32Le => self.fcmp(FloatCC::Le, F32)?,
            O::F32Ge => self.fcmp(FloatCC::Ge, F32)?,
            O::F64Eq => self.fcmp(FloatCC::Eq, F64)?,
            O::F64Ne => self.fcmp(FloatCC::Ne, F64)?,
            O::F64Lt => self.fcmp(FloatCC::Lt, F64)?,
            O::F64Gt => self.fcmp(FloatCC::Gt, F64)?,
            O::F64Le => self.fcmp(FloatCC::Le, F64)?,
            O::F64Ge => self.fcmp(FloatCC::Ge, F64)?,

            // ---- integer arithmetic ---------------------------------------------------
            O::I32Clz => self.unary(Op::Clz, I32)?,
            O::I32Ctz => self.unary(Op::Ctz, I32)?,
            O::I32Popcnt => self.unary(Op::Popcnt, I32)?,
            O::I32Add => self.binary(Op::Iadd, I32)?,
            O::I32Sub => self.binary(Op::Isub, I32)?,
            O::I32Mul => self.binary(Op::Imul, I32)?,
            O::I32DivS => self.binary(Op::Sdiv, I32)?,
            O::I32DivU => self.binary(Op::Udiv, I32)?,
            O::I32RemS => self.binary(Op::Srem, I32)?,
            O::I32RemU => self.binary(Op::Urem, I32)?,
            O::I32And => self.binary(Op::Band, I32)?,
            O::I32Or => self.binary(Op::Bor, I32)?,
            O::I32Xor => self.binary(Op::Bxor, I32)?,
            O::I32Shl => self.binary(Op::Ishl, I32)?,
            O::I32ShrS => self.binary(Op::Sshr, I32)?,
            O::I32ShrU => self.binary(Op::Ushr, I32)?,
            O::I32Rotl => self.binary(Op::Rotl, I32)?,
            O::I32Rotr => self.binary(Op::Rotr, I32)?,
            O::I64Clz => self.unary(Op::Clz, I64)?,
            O::I64Ctz => self.unary(Op::Ctz, I64)?,
            O::I64Popcnt => self.unary(Op::Popcnt, I64)?,
            O::I64Add => self.binary(Op::Iadd, I64)?,
            O::I64Sub => self.binary(Op::Isub, I64)?,
            O::I64Mul => self.binary(Op::Imul, I64)?,
            O::I64DivS => self.binary(Op::Sdiv, I64)?,
            O::I64DivU => self.binary(Op::Udiv, I64)?,
            O::I64RemS => self.binary(Op::Srem, I64)?,
            O::I64RemU => self.binary(Op::Urem, I64)?,
            O::I64And => self.binary(Op::Band, I64)?,
            O::I64Or => self.binary(Op::Bor, I64)?,
            O::I64Xor => self.binary(Op::Bxor, I64)?,
            O::I64Shl => self.binary(Op::Ishl, I64)?,
            O::I64ShrS => self.binary(Op::Sshr, I64)?,
            O::I64ShrU => self.binary(Op::Ushr, I64)?,
            O::I64Rotl => self.binary(Op::Rotl, I64)?,
            O::I64Rotr => self.binary(Op::Rotr, I64)?,

            // ---- float arithmetic -----------------------------------------------------
            O::F32Abs => self.unary(Op::Fabs, F32)?,
            O::F32Neg => self.unary(Op::Fneg, F32)?,
            O::F32Ceil => self.unary(Op::Fceil, F32)?,
            O::F32Floor => self.unary(Op::Ffloor, F32)?,
            O::F32Trunc => self.unary(Op::Ftrunc, F32)?,
            O::F32Nearest => self.unary(Op::Fnearest, F32)?,
            O::F32Sqrt => self.unary(Op::Fsqrt, F32)?,
            O::F32Add => self.binary(Op::Fadd, F32)?,
            O::F32Sub => self.binary(Op::Fsub, F32)?,
            O::F32Mul => self.binary(Op::Fmul, F32)?,
            O::F32Div => self.binary(Op::Fdiv, F32)?,
            O::F32Min => self.binary(Op::Fmin, F32)?,
            O::F32Max => self.binary(Op::Fmax, F32)?,
            O::F32Copysign => self.binary(Op::Fcopysign, F32)?,
            O::F64Abs => self.unary(Op::Fabs, F64)?,
            O::F64Neg => self.unary(Op::Fneg, F64)?,
            O::F64Ceil => self.unary(Op::Fceil, F64)?,
            O::F64Floor => self.unary(Op::Ffloor, F64)?,
            O::F64Trunc => self.unary(Op::Ftrunc, F64)?,
            O::F64Nearest => self.unary(Op::Fnearest, F64)?,
            O::F64Sqrt => self.unary(Op::Fsqrt, F64)?,
            O::F64Add => self.binary(Op::Fadd, F64)?,
            O::F64Sub => self.binary(Op::Fsub, F64)?,
            O::F64Mul => self.binary(Op::Fmul, F64)?,
            O::F64Div => self.binary(Op::Fdiv, F64)?,
            O::F64Min => self.binary(Op::Fmin, F64)?,
            O::F64Max => self.binary(Op::Fmax, F64)?,
            O::F64Copysign => self.binary(Op::Fcopysign, F64)?,

            // ---- conversions ----------------------------------------------------------
            O::I32WrapI64 => self.convert(Op::Ireduce, I32)?,
            O::I64ExtendI32S => self.convert(Op::Sextend, I64)?,
            O::I64ExtendI32U => self.convert(Op::Uextend, I64)?,
            O::I32TruncF32S | O::I32TruncF64S => self.convert(Op::FcvtToSint, I32)?,
            O::I32TruncF32U | O::I32TruncF64U => self.convert(Op::FcvtToUint, I32)?,
            O::I64TruncF32S | O::I64TruncF64S => self.convert(Op::FcvtToSint, I64)?,
            O::I64TruncF32U | O::I64TruncF64U => self.convert(Op::FcvtToUint, I64)?,
            O::I32TruncSatF32S | O::I32TruncSatF64S => self.convert(Op::FcvtToSintSat, I32)?,
            O::I32TruncSatF32U | O::I32TruncSatF64U => self.convert(Op::FcvtToUintSat, I32)?,
            O::I64TruncSatF32S | O::I64TruncSatF64S => self.convert(Op::FcvtToSintSat, I64)?,
            O::I64TruncSatF32U | O::I64TruncSatF64U => self.convert(Op::FcvtToUintSat, I64)?,
            O::F32ConvertI32S | O::F32ConvertI64S => self.convert(Op::FcvtFromSint, F32)?,
            O::F32ConvertI32U | O::F32ConvertI64U => self.convert(Op::FcvtFromUint, F32)?,
            O::F64ConvertI32S | O::F64ConvertI64S => self.convert(Op::FcvtFromSint, F64)?,
            O::F64ConvertI32U | O::F64ConvertI64U => self.convert(Op::FcvtFromUint, F64)?,
            O::F32DemoteF64 => self.convert(Op::Fdemote, F32)?,
            O::F64PromoteF32 => self.convert(Op::Fpromote, F64)?,
            O::I32ReinterpretF32 => self.convert(Op::Bitcast, I32)?,
            O::I64ReinterpretF64 => self.convert(Op::Bitcast, I64)?,
            O::F32ReinterpretI32 => self.convert(Op::Bitcast, F32)?,
            O::F64ReinterpretI64 => self.convert(Op::Bitcast, F64)?,
            O::I32Extend8S => self.unary(Op::Sext8, I32)?,
            O::I32Extend16S => self.unary(Op::Sext16, I32)?,
            O::I64Extend8S => self.unary(Op::Sext8, I64)?,
            O::I64Extend16S => self.unary(Op::Sext16, I64)?,
            O::I64Extend32S => self.unary(Op::Sext32, I64)?,

            // ---- references and tables ------------------------------------------------
            O::RefNull { hty } => {
                let ty = heap_type(hty, offset)?;
                self.push1(Op::RefNull, Some(ty), Vec::new(), Imm::None, ty);
            }
            O::RefIsNull => {
                let v = self.pop()?;
                self.push1(Op::RefIsNull, None, vec![v], Imm::None, I32);
            }
            O::RefFunc { function_index } => {
                self.push1(Op::RefFunc, None, Vec::new(), Imm::Func(function_index), Type::FuncRef)
            }
            O::TableGet { table } => {
                let ty = self.table_type(table)?;
                let index = self.pop()?;
                self.push1(Op::TableGet, Some(ty), vec![index], Imm::Table(table), ty);
            }
            O::TableSet { table } => self.effect(Op::TableSet, 2, Imm::Table(table))?,
            O::TableSize { table } => self.push1(Op::TableSize, None, Vec::new(), Imm::Table(table), I32),
            O::TableGrow { table } => {
                let args = self.pop_n(2)?;
                self.push1(Op::TableGrow, None, args, Imm::Table(table), I32);
            }
            O::TableFill { table } => self.effect(Op::TableFill, 3, Imm::Table(table))?,
            O::TableCopy { dst_table, src_table } => {
                self.effect(Op::TableCopy, 3, Imm::TableCopy { dst: dst_table, src: src_table })?
            }
            O::TableInit { elem_index, table } => {
                self.effect(Op::TableInit, 3, Imm::TableInit { elem: elem_index, table })?
            }
            O::ElemDrop { elem_index } => self.effect(Op::ElemDrop, 0, Imm::Elem(elem_index))?,

            // Everything else is fixed-width SIMD, or an instruction the validator admits
            // so that its module loads (relaxed SIMD, atomics) and this function alone fails.
            _ => match super::simd::simd_operator(op)? {
                Some((s, imm)) => self.simd(s, imm)?,
                None => return Err(self.unsupported(op, offset)),
            },
        }
        Ok(())
    }

    /// The validator has checked the index; this keeps a bad one from panicking.
    fn check_local(&self, index: u32) -> Result<(), TranslateError> {
        if (index as usize) < self.ssa.num_vars() {
            Ok(())
        } else {
            Err(self.broken("unknown local"))
        }
    }

    fn global_type(&self, index: u32) -> Result<Type, TranslateError> {
        self.env.info.globals.get(index as usize).map(|g| g.ty).ok_or_else(|| self.broken("unknown global"))
    }

    fn table_type(&self, index: u32) -> Result<Type, TranslateError> {
        self.env.info.tables.get(index as usize).map(|t| t.elem).ok_or_else(|| self.broken("unknown table"))
    }
}

pub(super) fn mem_arg(m: &wasmparser::MemArg) -> Result<MemArg, TranslateError> {
    match m.target {
        wasmparser::MemArgTarget::Memory(memory) => Ok(MemArg { offset: m.offset, align: m.align, memory }),
        wasmparser::MemArgTarget::Array(_) => {
            Err(TranslateError::Invalid("a memory access on a GC array is not WebAssembly 2.0".into()))
        }
    }
}

/// Each block the destinations go to, in the order of its first appearance, with the
/// indices of the destinations that go to it (ascending): what the SSA builder needs to
/// reach an edge's arguments without scanning the branch's other destinations. A
/// `br_table` can name thousands of targets, so beyond a few the grouping uses a map
/// (comparing each target with all earlier ones was quadratic: 8 million compares on a
/// 4,096-target table).
fn dests_by_target(dests: &[BlockCall]) -> Vec<(Block, Vec<u32>)> {
    const LINEAR_UP_TO: usize = 16;
    let mut out: Vec<(Block, Vec<u32>)> = Vec::new();
    if dests.len() <= LINEAR_UP_TO {
        for (i, d) in dests.iter().enumerate() {
            match out.iter_mut().find(|(b, _)| *b == d.block) {
                Some((_, indices)) => indices.push(i as u32),
                None => out.push((d.block, vec![i as u32])),
            }
        }
        return out;
    }
    let mut slot: std::collections::HashMap<Block, usize, crate::fxhash::FxBuild> = Default::default();
    for (i, d) in dests.iter().enumerate() {
        let k = *slot.entry(d.block).or_insert_with(|| {
            out.push((d.block, Vec::new()));
            out.len() - 1
        });
        out[k].1.push(i as u32);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::dests_by_target;
    use crate::entities::Block;
    use crate::instructions::BlockCall;

    /// Both the short (linear) and the long (map) path keep first appearances in order
    /// and list every destination index of a target.
    #[test]
    fn dests_group_by_target_in_first_order() {
        let b = |i: usize| Block::new(i);
        let calls = |bs: &[Block]| bs.iter().map(|&t| BlockCall::new(t, Vec::new())).collect::<Vec<_>>();
        let short = dests_by_target(&calls(&[b(2), b(1), b(2), b(0), b(1)]));
        assert_eq!(short, vec![(b(2), vec![0, 2]), (b(1), vec![1, 4]), (b(0), vec![3])]);
        let long: Vec<Block> = (0..100).map(|i| b((i * 7) % 40)).collect();
        let grouped = dests_by_target(&calls(&long));
        let expected: Vec<(Block, Vec<u32>)> =
            (0..40).map(|i| (b((i * 7) % 40), (0..100).filter(|j| j % 40 == i).map(|j| j as u32).collect())).collect();
        assert_eq!(grouped, expected);
    }
}
