//! The control stack of the function translator: one frame per wasm `block`, `loop` and
//! `if` entered in reachable code, plus the function's own frame at the bottom.
//!
//! A frame knows where a branch to its label goes (a loop's header, otherwise the block
//! after its `end`), how many values that branch carries, and how deep the value stack was
//! when it was entered. Code that cannot be reached is not given frames: the translator
//! counts the nesting it skips instead. This file holds data only; it emits nothing.

use crate::entities::{Block, Inst, Value};
use crate::types::Type;

/// What kind of construct a frame is.
#[derive(Clone, Debug)]
pub(crate) enum FrameKind {
    /// The function body: a branch to it is a `return`.
    Function,
    Block,
    /// A loop: a branch to it goes to `header`, passing the loop's parameters.
    Loop {
        header: Block,
    },
    /// An `if`: `branch` (ending `branch_block`) is its `brif`, whose false target is
    /// `else_block` once an `else` is seen; without one, `end` retargets the false edge
    /// straight to the end block, passing `params` (the if's parameters are its results).
    If {
        branch: Inst,
        branch_block: Block,
        else_block: Block,
        params: Vec<Value>,
        else_seen: bool,
    },
}

/// One entry of the control stack.
#[derive(Clone, Debug)]
pub(crate) struct Frame {
    pub kind: FrameKind,
    /// The block after the construct's `end`; its parameters are the construct's results.
    /// Unused for the function frame.
    pub end: Block,
    pub param_types: Vec<Type>,
    pub result_types: Vec<Type>,
    /// Height of the value stack below the construct's parameters.
    pub stack_base: usize,
    /// Whether anything branches to `end` (or falls through into it) so far.
    pub end_reached: bool,
}

impl Frame {
    /// The types a branch to this frame's label carries.
    pub fn branch_types(&self) -> &[Type] {
        match self.kind {
            FrameKind::Loop { .. } => &self.param_types,
            FrameKind::Function | FrameKind::Block | FrameKind::If { .. } => &self.result_types,
        }
    }

    /// The block a branch to this frame's label goes to (`None`: the function returns).
    pub fn branch_target(&self) -> Option<Block> {
        match self.kind {
            FrameKind::Function => None,
            FrameKind::Loop { header } => Some(header),
            FrameKind::Block | FrameKind::If { .. } => Some(self.end),
        }
    }
}
