//! The IR text parser: reads exactly what [`crate::write`] prints, so that
//! `print(parse(print(f))) == print(f)`.
//!
//! ```text
//! ; comments run from `;` to the end of the line
//! function fn3 "fac"(i64) -> i64 {       ; `fnN` (the wasm index) is optional
//!     fn3 = (i64) -> i64                 ; callee and call_indirect type declarations
//!     fn4 = () -> () no_memory_writes    ; a callee that never writes memory
//!     type0 = (i32) -> i32
//!
//! block0(v0: i64):                       ; the first block is the entry
//!     v1 = eqz.i64 v0
//!     brif v1, block1, block2            ; blocks may be used before they appear
//! ...
//! }
//! ```
//!
//! Value and block numbers are kept as written; numbering gaps become unused table
//! entries (values: `i32`, recorded as parameter `u32::MAX` of `block0`; blocks: empty and
//! outside the layout). Instructions are numbered in text order (the text does not show
//! instruction numbers). Result types come from [`crate::typing::result_types`], which
//! needs only the opcode, suffix, immediate and declarations, so a value may be used
//! before the line that defines it (loop back edges). Not printed, so not read: the
//! alignment hint of memory accesses (set to the natural alignment of the access) and
//! source locations (`None`).
//!
//! The parser checks syntax, that every used value and block is defined once, and result
//! counts; operand types and the rest are the verifier's job. It never panics, whatever
//! the input: every problem is a [`ParseError`] with a line and column.

mod lexer;

use crate::entities::{Block, Inst, Value};
use crate::function::{BlockData, Function, ValueData, ValueDef};
use crate::instructions::{BlockCall, FloatCC, Imm, InstData, IntCC, MemArg, TrapCode};
use crate::opcode::Opcode;
use crate::opinfo::{ImmKind, Syntax};
use crate::types::{Signature, Type};
use crate::typing;
use lexer::{lex, Tok, Token};
use std::fmt;

/// A syntax error, at a 1-based line and column (in characters).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParseError {
    pub line: u32,
    pub col: u32,
    pub message: String,
}

impl fmt::Display for ParseError {
    /// `line:col: message`
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}: {}", self.line, self.col, self.message)
    }
}

impl std::error::Error for ParseError {}

/// The mark after a callee's signature: [`Function::no_memory_writes`].
const NO_MEMORY_WRITES: &str = "no_memory_writes";

/// The largest value or block number accepted (a bound on the tables a text can make).
pub const MAX_ENTITY_NUMBER: u32 = 1 << 24;

/// Parses a text holding exactly one function.
pub fn parse_function(text: &str) -> Result<Function, ParseError> {
    let toks = lex(text)?;
    let mut p = Parser { toks, pos: 0 };
    p.skip_newlines();
    if matches!(p.peek(), Tok::Eof) {
        return Err(p.error_here("expected `function`, found end of input".into()));
    }
    let f = p.function()?;
    p.skip_newlines();
    if !matches!(p.peek(), Tok::Eof) {
        return Err(p.error_here(format!("expected end of input after the function, found {}", p.peek().describe())));
    }
    Ok(f)
}

/// Parses every function in a text (none is fine).
pub fn parse_functions(text: &str) -> Result<Vec<Function>, ParseError> {
    let toks = lex(text)?;
    let mut p = Parser { toks, pos: 0 };
    let mut funcs = Vec::new();
    loop {
        p.skip_newlines();
        if matches!(p.peek(), Tok::Eof) {
            return Ok(funcs);
        }
        funcs.push(p.function()?);
    }
}

struct Parser<'a> {
    toks: Vec<Token<'a>>,
    pos: usize,
}

/// Operands of one instruction.
struct Operands {
    args: Vec<Value>,
    imm: Imm,
    dests: Vec<BlockCall>,
}

/// A source position.
#[derive(Clone, Copy)]
struct Pos {
    line: u32,
    col: u32,
}

/// The function being built, with what the text has defined and used so far.
struct Builder {
    func: Function,
    values: Vec<Option<ValueData>>,
    block_defined: Vec<bool>,
    value_uses: Vec<(Value, Pos)>,
    block_uses: Vec<(Block, Pos)>,
    current: Option<Block>,
}

impl<'a> Parser<'a> {
    // ---- token access ----------------------------------------------------------------

    fn peek(&self) -> &Tok<'a> {
        &self.toks[self.pos.min(self.toks.len() - 1)].tok
    }

    fn peek_at(&self, k: usize) -> &Tok<'a> {
        &self.toks[(self.pos + k).min(self.toks.len() - 1)].tok
    }

    fn here(&self) -> Pos {
        let t = &self.toks[self.pos.min(self.toks.len() - 1)];
        Pos { line: t.line, col: t.col }
    }

    fn next(&mut self) -> Tok<'a> {
        let t = self.peek().clone();
        if self.pos < self.toks.len() - 1 {
            self.pos += 1;
        }
        t
    }

    fn error_at(&self, at: Pos, message: String) -> ParseError {
        ParseError { line: at.line, col: at.col, message }
    }

    fn error_here(&self, message: String) -> ParseError {
        self.error_at(self.here(), message)
    }

    fn expected(&self, what: &str) -> ParseError {
        self.error_here(format!("expected {what}, found {}", self.peek().describe()))
    }

    fn eat(&mut self, t: &Tok<'_>) -> bool {
        if self.peek() == t {
            self.next();
            true
        } else {
            false
        }
    }

    fn expect(&mut self, t: &Tok<'_>) -> Result<(), ParseError> {
        if self.eat(t) {
            Ok(())
        } else {
            Err(self.expected(&t.describe()))
        }
    }

    fn skip_newlines(&mut self) {
        while matches!(self.peek(), Tok::Newline) {
            self.next();
        }
    }

    fn end_of_line(&mut self) -> Result<(), ParseError> {
        match self.peek() {
            Tok::Newline => {
                self.next();
                Ok(())
            }
            Tok::Eof | Tok::RBrace => Ok(()),
            _ => Err(self.expected("end of line")),
        }
    }

    fn word(&mut self, what: &str) -> Result<(&'a str, Pos), ParseError> {
        let at = self.here();
        match *self.peek() {
            Tok::Word(w) => {
                self.next();
                Ok((w, at))
            }
            _ => Err(self.expected(what)),
        }
    }

    // ---- small syntax ----------------------------------------------------------------

    /// `prefixN` (`fn3`, `mem0`, `table2`, `g7`): the number.
    fn indexed(&mut self, prefix: &str) -> Result<u32, ParseError> {
        let at = self.here();
        let (w, _) = self.word(&format!("`{prefix}N`"))?;
        index_of(w, prefix).ok_or_else(|| self.error_at(at, format!("expected `{prefix}N`, found `{w}`")))
    }

    fn ty(&mut self) -> Result<Type, ParseError> {
        let at = self.here();
        let (w, _) = self.word("a type")?;
        Type::from_name(w).ok_or_else(|| self.error_at(at, format!("unknown type `{w}`")))
    }

    /// `(t, t)`.
    fn type_list(&mut self) -> Result<Vec<Type>, ParseError> {
        self.expect(&Tok::LParen)?;
        let mut ts = Vec::new();
        if self.eat(&Tok::RParen) {
            return Ok(ts);
        }
        loop {
            ts.push(self.ty()?);
            if self.eat(&Tok::RParen) {
                return Ok(ts);
            }
            self.expect(&Tok::Comma)?;
        }
    }

    /// `(params) -> result` or `(params) -> (results)`.
    fn signature(&mut self) -> Result<Signature, ParseError> {
        let params = self.type_list()?;
        self.expect(&Tok::Arrow)?;
        let results = if matches!(self.peek(), Tok::LParen) { self.type_list()? } else { vec![self.ty()?] };
        Ok(Signature { params, results })
    }

    /// An unsigned decimal (or `0x` hex) number.
    fn unsigned(&mut self, what: &str) -> Result<u64, ParseError> {
        let at = self.here();
        match *self.peek() {
            Tok::Num(n) => {
                self.next();
                parse_u64(n).ok_or_else(|| self.error_at(at, format!("`{n}` is not a valid {what}")))
            }
            _ => Err(self.expected(what)),
        }
    }

    /// An integer literal with an optional `-`, as an i128.
    fn integer(&mut self) -> Result<i128, ParseError> {
        let neg = self.eat(&Tok::Minus);
        let v = self.unsigned("integer")? as i128;
        Ok(if neg { -v } else { v })
    }

    // ---- functions -------------------------------------------------------------------

    fn function(&mut self) -> Result<Function, ParseError> {
        let (kw, at) = self.word("`function`")?;
        if kw != "function" {
            return Err(self.error_at(at, format!("expected `function`, found `{kw}`")));
        }
        let mut wasm_index = None;
        if let Tok::Word(w) = *self.peek() {
            let at = self.here();
            wasm_index = Some(
                index_of(w, "fn").ok_or_else(|| self.error_at(at, format!("expected `fnN` or a name, found `{w}`")))?,
            );
            self.next();
        }
        let name = match self.peek() {
            Tok::Str(s) => s.clone(),
            other => {
                return Err(
                    self.error_here(format!("expected the function name as a string, found {}", other.describe()))
                )
            }
        };
        self.next();
        let signature = self.signature()?;
        self.expect(&Tok::LBrace)?;
        self.end_of_line()?;
        let mut b = Builder {
            func: Function { name, wasm_index, signature, ..Default::default() },
            values: Vec::new(),
            block_defined: Vec::new(),
            value_uses: Vec::new(),
            block_uses: Vec::new(),
            current: None,
        };
        loop {
            self.skip_newlines();
            match *self.peek() {
                Tok::RBrace => {
                    self.next();
                    break;
                }
                Tok::Eof => return Err(self.expected("`}` closing the function")),
                Tok::Word(w)
                    if matches!(self.peek_at(1), Tok::Equals)
                        && (index_of(w, "fn").is_some() || index_of(w, "type").is_some()) =>
                {
                    self.declaration(&mut b)?
                }
                Tok::Word(w) if Block::parse(w).is_some() && matches!(self.peek_at(1), Tok::LParen | Tok::Colon) => {
                    self.block_header(&mut b)?
                }
                _ => self.instruction(&mut b)?,
            }
        }
        self.end_of_line()?;
        self.finish(b)
    }

    /// `fnN = sig`, `fnN = sig no_memory_writes` or `typeN = sig`, before the first block.
    fn declaration(&mut self, b: &mut Builder) -> Result<(), ParseError> {
        let at = self.here();
        let (w, _) = self.word("a declaration")?;
        if b.current.is_some() {
            return Err(self.error_at(at, format!("declaration `{w}` after the first block")));
        }
        self.expect(&Tok::Equals)?;
        let sig = self.signature()?;
        let mark_at = self.here();
        let marked = self.eat(&Tok::Word(NO_MEMORY_WRITES));
        let (map, idx) = match index_of(w, "fn") {
            Some(i) => (&mut b.func.callees, i),
            None if marked => {
                return Err(self.error_at(mark_at, format!("`{NO_MEMORY_WRITES}` marks only `fnN` declarations")))
            }
            None => (&mut b.func.types, index_of(w, "type").unwrap_or(0)),
        };
        if map.insert(idx, sig).is_some() {
            return Err(self.error_at(at, format!("`{w}` is declared twice")));
        }
        if marked {
            b.func.no_memory_writes.insert(idx);
        }
        self.end_of_line()
    }

    /// `blockN(vA: t, vB: t):` or `blockN:`.
    fn block_header(&mut self, b: &mut Builder) -> Result<(), ParseError> {
        let at = self.here();
        let (w, _) = self.word("a block")?;
        let block = self.entity_number(Block::parse(w).map(|b| b.0), w, at)?.map(Block).expect("checked by the caller");
        let n = block.index();
        if b.block_defined.len() <= n {
            b.block_defined.resize(n + 1, false);
            b.func.blocks.resize_with(n + 1, BlockData::default);
        }
        if std::mem::replace(&mut b.block_defined[n], true) {
            return Err(self.error_at(at, format!("{block} is defined twice")));
        }
        b.func.layout.push(block);
        b.current = Some(block);
        if self.eat(&Tok::LParen) {
            loop {
                let vat = self.here();
                let (vw, _) = self.word("a block parameter")?;
                let v = self.value_number(vw, vat)?;
                self.expect(&Tok::Colon)?;
                let ty = self.ty()?;
                let k = b.func.blocks[n].params.len() as u32;
                self.define_value(b, v, ValueData { ty, def: ValueDef::Param(block, k) }, vat)?;
                b.func.blocks[n].params.push(v);
                if self.eat(&Tok::RParen) {
                    break;
                }
                self.expect(&Tok::Comma)?;
            }
        }
        self.expect(&Tok::Colon)?;
        self.end_of_line()
    }

    /// Checks an entity number (`Entity::parse(w)`'s number) is in range.
    fn entity_number(&self, parsed: Option<u32>, w: &str, at: Pos) -> Result<Option<u32>, ParseError> {
        let Some(n) = parsed else { return Ok(None) };
        if n > MAX_ENTITY_NUMBER {
            return Err(self.error_at(at, format!("`{w}`: numbers above {MAX_ENTITY_NUMBER} are not accepted")));
        }
        Ok(Some(n))
    }

    /// A value token (`v3`), range-checked.
    fn value_number(&self, w: &str, at: Pos) -> Result<Value, ParseError> {
        match self.entity_number(Value::parse(w).map(|v| v.0), w, at)? {
            Some(n) => Ok(Value(n)),
            None => Err(self.error_at(at, format!("expected a value, found `{w}`"))),
        }
    }

    fn define_value(&self, b: &mut Builder, v: Value, data: ValueData, at: Pos) -> Result<(), ParseError> {
        let n = v.index();
        if b.values.len() <= n {
            b.values.resize(n + 1, None);
        }
        if b.values[n].is_some() {
            return Err(self.error_at(at, format!("{v} is defined twice")));
        }
        b.values[n] = Some(data);
        Ok(())
    }

    /// A used value.
    fn value(&mut self, b: &mut Builder) -> Result<Value, ParseError> {
        let at = self.here();
        let (w, _) = self.word("a value")?;
        let v = self.value_number(w, at)?;
        b.value_uses.push((v, at));
        Ok(v)
    }

    /// `blockN` or `blockN(v1, v2)`.
    fn block_call(&mut self, b: &mut Builder) -> Result<BlockCall, ParseError> {
        let at = self.here();
        let (w, _) = self.word("a block")?;
        let Some(n) = self.entity_number(Block::parse(w).map(|b| b.0), w, at)? else {
            return Err(self.error_at(at, format!("expected a block, found `{w}`")));
        };
        b.block_uses.push((Block(n), at));
        let mut args = Vec::new();
        if self.eat(&Tok::LParen) && !self.eat(&Tok::RParen) {
            loop {
                args.push(self.value(b)?);
                if self.eat(&Tok::RParen) {
                    break;
                }
                self.expect(&Tok::Comma)?;
            }
        }
        Ok(BlockCall { block: Block(n), args })
    }

    /// Values then block calls, separated by commas; `first` says no comma precedes the
    /// first item. Stops before `, [` (the `br_table` list) and at the end of the line.
    fn items(&mut self, b: &mut Builder, mut first: bool) -> Result<(Vec<Value>, Vec<BlockCall>), ParseError> {
        let (mut vals, mut dests) = (Vec::new(), Vec::new());
        loop {
            if matches!(self.peek(), Tok::Newline | Tok::Eof | Tok::RBrace) {
                return Ok((vals, dests));
            }
            if !first {
                if matches!(self.peek(), Tok::Comma) && matches!(self.peek_at(1), Tok::LBracket) {
                    return Ok((vals, dests));
                }
                self.expect(&Tok::Comma)?;
            }
            first = false;
            match *self.peek() {
                Tok::Word(w) if Block::parse(w).is_some() => dests.push(self.block_call(b)?),
                Tok::Word(_) if dests.is_empty() => vals.push(self.value(b)?),
                _ if dests.is_empty() => return Err(self.expected("a value or a block")),
                _ => return Err(self.expected("a block")),
            }
        }
    }

    /// `, v, v, ...` after an immediate.
    fn rest_values(&mut self, b: &mut Builder) -> Result<Vec<Value>, ParseError> {
        let (vals, dests) = self.items(b, false)?;
        if let Some(d) = dests.first() {
            return Err(self.error_here(format!("unexpected branch target {}", d.block)));
        }
        Ok(vals)
    }

    /// Values with no immediate before them.
    fn plain_values(&mut self, b: &mut Builder) -> Result<Vec<Value>, ParseError> {
        let (vals, dests) = self.items(b, true)?;
        if let Some(d) = dests.first() {
            return Err(self.error_here(format!("unexpected branch target {}", d.block)));
        }
        Ok(vals)
    }

    /// `(v1, v2)`.
    fn paren_values(&mut self, b: &mut Builder) -> Result<Vec<Value>, ParseError> {
        self.expect(&Tok::LParen)?;
        let mut vals = Vec::new();
        if self.eat(&Tok::RParen) {
            return Ok(vals);
        }
        loop {
            vals.push(self.value(b)?);
            if self.eat(&Tok::RParen) {
                return Ok(vals);
            }
            self.expect(&Tok::Comma)?;
        }
    }

    // ---- instructions ----------------------------------------------------------------

    fn instruction(&mut self, b: &mut Builder) -> Result<(), ParseError> {
        let start = self.here();
        let Some(block) = b.current else {
            return Err(self.error_here(format!("expected a block header, found {}", self.peek().describe())));
        };
        // Results.
        let mut results: Vec<(Value, Pos)> = Vec::new();
        if let Tok::Word(w) = *self.peek() {
            if Value::parse(w).is_some() {
                loop {
                    let at = self.here();
                    let (w, _) = self.word("a value")?;
                    results.push((self.value_number(w, at)?, at));
                    if self.eat(&Tok::Equals) {
                        break;
                    }
                    self.expect(&Tok::Comma)?;
                }
            }
        }
        // Opcode and suffix.
        let op_at = self.here();
        let (w, _) = self.word("an opcode")?;
        // A SIMD name carries its shape (`add.i32x4`); a scalar one is `name.type`.
        let (name, suffix) = match w.split_once('.') {
            _ if Opcode::from_name(w).is_some() => (w, None),
            Some((n, s)) => (n, Some(s)),
            None => (w, None),
        };
        let opcode = Opcode::from_name(name).ok_or_else(|| self.error_at(op_at, format!("unknown opcode `{name}`")))?;
        let ty = match suffix {
            None => None,
            Some(s) => {
                Some(Type::from_name(s).ok_or_else(|| self.error_at(op_at, format!("unknown type `{s}` in `{w}`")))?)
            }
        };
        let ops = self.operands(b, opcode, ty, op_at)?;
        self.end_of_line()?;

        let inst = Inst::new(b.func.insts.len());
        let mut data = InstData::new(opcode, ty, ops.args, ops.imm);
        data.dests = ops.dests;
        let types = typing::result_types(&b.func, &data).map_err(|m| self.error_at(op_at, m))?;
        if types.len() != results.len() {
            return Err(self.error_at(
                start,
                format!("`{w}` defines {} result(s) here, but {} value(s) are written", types.len(), results.len()),
            ));
        }
        for (n, (&(v, at), &ty)) in results.iter().zip(&types).enumerate() {
            self.define_value(b, v, ValueData { ty, def: ValueDef::Result(inst, n as u32) }, at)?;
        }
        data.results = results.iter().map(|&(v, _)| v).collect();
        b.func.insts.push(data);
        b.func.blocks[block.index()].insts.push(inst);
        Ok(())
    }

    /// The operands of `opcode`, in the shape `write.rs` prints them.
    fn operands(
        &mut self,
        b: &mut Builder,
        opcode: Opcode,
        ty: Option<Type>,
        op_at: Pos,
    ) -> Result<Operands, ParseError> {
        let none = |args: Vec<Value>| Operands { args, imm: Imm::None, dests: Vec::new() };
        let with = |imm: Imm, args: Vec<Value>| Operands { args, imm, dests: Vec::new() };
        let info = opcode.info();
        Ok(match info.syntax {
            Syntax::Plain => match info.imm {
                ImmKind::None => none(self.plain_values(b)?),
                ImmKind::Int => {
                    let at = self.here();
                    let x = self.integer()?;
                    let v = match ty {
                        Some(Type::I32) if (i32::MIN as i128..=u32::MAX as i128).contains(&x) => x as u32 as i32 as i64,
                        Some(Type::I32) => return Err(self.error_at(at, format!("{x} does not fit in i32"))),
                        _ if (i64::MIN as i128..=u64::MAX as i128).contains(&x) => x as u64 as i64,
                        _ => return Err(self.error_at(at, format!("{x} does not fit in i64"))),
                    };
                    with(Imm::I64(v), Vec::new())
                }
                ImmKind::Float => {
                    let imm = match ty {
                        Some(Type::F32) => Imm::F32(self.float(false)? as u32),
                        Some(Type::F64) => Imm::F64(self.float(true)?),
                        _ => return Err(self.error_at(op_at, format!("`{opcode}` needs the suffix .f32 or .f64"))),
                    };
                    with(imm, Vec::new())
                }
                ImmKind::Func => with(Imm::Func(self.indexed("fn")?), Vec::new()),
                ImmKind::IntCC => {
                    let at = self.here();
                    let (w, _) = self.word("an integer condition")?;
                    let cc = IntCC::from_name(w).ok_or_else(|| {
                        let names: Vec<&str> = IntCC::ALL.iter().map(|c| c.name()).collect();
                        self.error_at(at, format!("unknown integer condition `{w}` (known: {})", names.join(", ")))
                    })?;
                    with(Imm::IntCC(cc), self.plain_values(b)?)
                }
                ImmKind::FloatCC => {
                    let at = self.here();
                    let (w, _) = self.word("a float condition")?;
                    let cc = FloatCC::from_name(w).ok_or_else(|| {
                        let names: Vec<&str> = FloatCC::ALL.iter().map(|c| c.name()).collect();
                        self.error_at(at, format!("unknown float condition `{w}` (known: {})", names.join(", ")))
                    })?;
                    with(Imm::FloatCC(cc), self.plain_values(b)?)
                }
                // A memory immediate is always written as an address.
                ImmKind::Mem | ImmKind::MemLane => self.address_operands(b, opcode, ty)?,
                ImmKind::V128 => {
                    let at = self.here();
                    let bits = match *self.peek() {
                        Tok::Num(n) => {
                            self.next();
                            n.strip_prefix("0x")
                                .filter(|h| h.len() <= 32)
                                .and_then(|h| u128::from_str_radix(h, 16).ok())
                        }
                        _ => None,
                    };
                    let bits = bits.ok_or_else(|| {
                        self.error_at(at, "expected a v128 constant `0x` + up to 32 hex digits".into())
                    })?;
                    with(Imm::V128(bits.to_le_bytes()), self.rest_values(b)?)
                }
                ImmKind::Lane => {
                    let at = self.here();
                    let lane = self.unsigned("lane index")?;
                    let lane =
                        u8::try_from(lane).map_err(|_| self.error_at(at, format!("lane {lane} is out of range")))?;
                    with(Imm::Lane(lane), self.rest_values(b)?)
                }
                ImmKind::Shuffle => {
                    self.expect(&Tok::LBracket)?;
                    let mut lanes = [0u8; 16];
                    for (k, l) in lanes.iter_mut().enumerate() {
                        if k > 0 {
                            self.expect(&Tok::Comma)?;
                        }
                        let at = self.here();
                        let x = self.unsigned("shuffle lane index")?;
                        *l = u8::try_from(x).map_err(|_| self.error_at(at, format!("lane {x} is out of range")))?;
                    }
                    self.expect(&Tok::RBracket)?;
                    with(Imm::Shuffle(lanes), self.rest_values(b)?)
                }
                ImmKind::Memory => with(Imm::Memory(self.indexed("mem")?), self.rest_values(b)?),
                ImmKind::MemoryCopy => {
                    let dst = self.indexed("mem")?;
                    self.expect(&Tok::Comma)?;
                    let src = self.indexed("mem")?;
                    with(Imm::MemoryCopy { dst, src }, self.rest_values(b)?)
                }
                ImmKind::MemoryInit => {
                    let data = self.indexed("data")?;
                    self.expect(&Tok::Comma)?;
                    let memory = self.indexed("mem")?;
                    with(Imm::MemoryInit { data, memory }, self.rest_values(b)?)
                }
                ImmKind::Data => with(Imm::Data(self.indexed("data")?), self.rest_values(b)?),
                ImmKind::Global => with(Imm::Global(self.indexed("g")?), self.rest_values(b)?),
                ImmKind::Table => with(Imm::Table(self.indexed("table")?), self.rest_values(b)?),
                ImmKind::TableCopy => {
                    let dst = self.indexed("table")?;
                    self.expect(&Tok::Comma)?;
                    let src = self.indexed("table")?;
                    with(Imm::TableCopy { dst, src }, self.rest_values(b)?)
                }
                ImmKind::TableInit => {
                    let elem = self.indexed("elem")?;
                    self.expect(&Tok::Comma)?;
                    let table = self.indexed("table")?;
                    with(Imm::TableInit { elem, table }, self.rest_values(b)?)
                }
                ImmKind::Elem => with(Imm::Elem(self.indexed("elem")?), self.rest_values(b)?),
                ImmKind::CallIndirect => {
                    let type_index = self.indexed("type")?;
                    self.expect(&Tok::Comma)?;
                    let table = self.indexed("table")?;
                    with(Imm::CallIndirect { type_index, table }, self.rest_values(b)?)
                }
                ImmKind::Trap => {
                    let at = self.here();
                    let (w, _) = self.word("a trap code")?;
                    let code = TrapCode::from_name(w).ok_or_else(|| {
                        let names: Vec<&str> = TrapCode::ALL.iter().map(|c| c.name()).collect();
                        self.error_at(at, format!("unknown trap code `{w}` (known: {})", names.join(", ")))
                    })?;
                    with(Imm::Trap(code), self.rest_values(b)?)
                }
            },
            Syntax::Address => self.address_operands(b, opcode, ty)?,
            Syntax::Call => {
                let f = self.indexed("fn")?;
                with(Imm::Func(f), self.paren_values(b)?)
            }
            Syntax::CallIndirect => {
                let type_index = self.indexed("type")?;
                self.expect(&Tok::Comma)?;
                let table = self.indexed("table")?;
                self.expect(&Tok::Comma)?;
                let callee = self.value(b)?;
                let mut args = self.paren_values(b)?;
                args.push(callee);
                with(Imm::CallIndirect { type_index, table }, args)
            }
            Syntax::Branch => {
                let (args, dests) = self.items(b, true)?;
                Operands { args, imm: Imm::None, dests }
            }
            Syntax::BrTable => {
                let (args, mut dests) = self.items(b, true)?;
                if dests.len() > 1 {
                    return Err(
                        self.error_at(op_at, format!("`{opcode}` lists its targets after the default in `[...]`"))
                    );
                }
                if !dests.is_empty() {
                    self.expect(&Tok::Comma)?;
                    self.expect(&Tok::LBracket)?;
                    if !self.eat(&Tok::RBracket) {
                        loop {
                            dests.push(self.block_call(b)?);
                            if self.eat(&Tok::RBracket) {
                                break;
                            }
                            self.expect(&Tok::Comma)?;
                        }
                    }
                }
                Operands { args, imm: Imm::None, dests }
            }
        })
    }

    /// `[memN] addr[+offset][, values]`.
    fn address_operands(&mut self, b: &mut Builder, opcode: Opcode, ty: Option<Type>) -> Result<Operands, ParseError> {
        let memory = match *self.peek() {
            Tok::Word(w) if index_of(w, "mem").is_some() => self.indexed("mem")?,
            _ => 0,
        };
        let addr = self.value(b)?;
        let offset = if self.eat(&Tok::Plus) { self.unsigned("offset")? } else { 0 };
        let bytes = opcode.narrow_bytes().unwrap_or_else(|| ty.map_or(1, |t| t.bits() / 8));
        let align = bytes.trailing_zeros() as u8;
        let mut args = vec![addr];
        let m = MemArg { offset, align, memory };
        if opcode.info().imm == ImmKind::MemLane {
            // `addr+offset, vector, lane`.
            self.expect(&Tok::Comma)?;
            args.push(self.value(b)?);
            self.expect(&Tok::Comma)?;
            let at = self.here();
            let lane = self.unsigned("lane index")?;
            let lane = u8::try_from(lane).map_err(|_| self.error_at(at, format!("lane {lane} is out of range")))?;
            return Ok(Operands { args, imm: Imm::MemLane(m, lane), dests: Vec::new() });
        }
        args.extend(self.rest_values(b)?);
        Ok(Operands { args, imm: Imm::Mem(m), dests: Vec::new() })
    }

    /// A float constant's bits: `-`? decimal, `inf`, or `nan:0xBITS`.
    fn float(&mut self, wide: bool) -> Result<u64, ParseError> {
        let at = self.here();
        let neg = self.eat(&Tok::Minus);
        let tok = self.next();
        let bad = |p: &Self, what: &str| {
            p.error_at(at, format!("`{what}` is not a valid {} constant", if wide { "f64" } else { "f32" }))
        };
        match tok {
            Tok::Word("inf") => Ok(match (wide, neg) {
                (false, false) => f32::INFINITY.to_bits() as u64,
                (false, true) => f32::NEG_INFINITY.to_bits() as u64,
                (true, false) => f64::INFINITY.to_bits(),
                (true, true) => f64::NEG_INFINITY.to_bits(),
            }),
            Tok::Word("nan") if !neg => {
                self.expect(&Tok::Colon)?;
                let bits_at = self.here();
                let Tok::Num(n) = self.next() else {
                    return Err(self.error_at(bits_at, "expected the NaN's bits as `0x...`".into()));
                };
                let bits = n.strip_prefix("0x").and_then(|h| u64::from_str_radix(h, 16).ok());
                let ok = match bits {
                    Some(b) if wide => f64::from_bits(b).is_nan(),
                    Some(b) => b <= u32::MAX as u64 && f32::from_bits(b as u32).is_nan(),
                    None => false,
                };
                match bits {
                    Some(b) if ok => Ok(b),
                    _ => Err(self.error_at(bits_at, format!("`{n}` is not the bit pattern of a NaN"))),
                }
            }
            Tok::Num(n) if n.bytes().all(|c| c.is_ascii_digit() || matches!(c, b'.' | b'e' | b'E' | b'-' | b'+')) => {
                let text = if neg { format!("-{n}") } else { n.to_string() };
                if wide {
                    text.parse::<f64>().map(f64::to_bits).map_err(|_| bad(self, &text))
                } else {
                    text.parse::<f32>().map(|x| x.to_bits() as u64).map_err(|_| bad(self, &text))
                }
            }
            other => Err(self.error_at(at, format!("expected a float constant, found {}", other.describe()))),
        }
    }

    /// Checks that every used value and block is defined and fills numbering gaps.
    fn finish(&self, b: Builder) -> Result<Function, ParseError> {
        let mut func = b.func;
        for &(v, at) in &b.value_uses {
            if b.values.get(v.index()).is_none_or(Option::is_none) {
                return Err(self.error_at(at, format!("{v} is used but never defined")));
            }
        }
        for &(blk, at) in &b.block_uses {
            if !b.block_defined.get(blk.index()).copied().unwrap_or(false) {
                return Err(self.error_at(at, format!("{blk} is used but never defined")));
            }
        }
        func.values = b
            .values
            .into_iter()
            .map(|d| d.unwrap_or(ValueData { ty: Type::I32, def: ValueDef::Param(Block(0), u32::MAX) }))
            .collect();
        Ok(func)
    }
}

/// `prefixN` -> N (digits only, fits u32).
fn index_of(w: &str, prefix: &str) -> Option<u32> {
    let digits = w.strip_prefix(prefix)?;
    if digits.is_empty() || !digits.bytes().all(|c| c.is_ascii_digit()) {
        return None;
    }
    digits.parse().ok()
}

/// A decimal or `0x` hexadecimal u64.
fn parse_u64(n: &str) -> Option<u64> {
    match n.strip_prefix("0x") {
        Some(h) => u64::from_str_radix(h, 16).ok(),
        None if n.bytes().all(|c| c.is_ascii_digit()) => n.parse().ok(),
        None => None,
    }
}

#[cfg(test)]
mod tests;
