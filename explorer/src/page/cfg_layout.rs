//! A layered drawing of a function's control-flow graph for the page, computed here so
//! the page needs no Graphviz: nodes get layers by the longest path over forward edges
//! (back edges found by a depth-first search from the entry are drawn separately, up the
//! right-hand side of the layers they span, each in its own lane), are ordered in each layer by the mean position of their
//! predecessors (one downward barycentre sweep) and packed left to right.
//!
//! Linear in blocks and edges apart from sorting each layer; the page's script only
//! turns these boxes into SVG. The DOT text (petgraph's, `wlab_ir::cfg::cfg_dot`) goes
//! along for readers who want Graphviz. This file never reads instructions beyond
//! counting them.

use serde::Serialize;
use wlab_ir::cfg::ControlFlowGraph;
use wlab_ir::Function;

/// Pixel width of one label character (the page's 12 px monospace font).
const CHAR_W: u32 = 8;
/// Node height, horizontal gap between nodes, vertical distance between layers, margin.
const NODE_H: u32 = 24;
const GAP_X: u32 = 24;
const LAYER_DY: u32 = 56;
const MARGIN: u32 = 16;
/// Distance of a back edge's vertical run from the boxes it passes, and between the
/// runs of back edges that pass the same boxes.
const BACK_EDGE_GAP: u32 = 10;

/// The drawing: boxes in pixels, edges between node positions.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct CfgDrawing {
    pub width: u32,
    pub height: u32,
    pub nodes: Vec<CfgNode>,
    pub edges: Vec<CfgEdge>,
    /// The same graph as Graphviz DOT (petgraph).
    pub dot: String,
}

/// One block.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct CfgNode {
    /// `block3`.
    pub block: String,
    /// Instructions in the block.
    pub insts: usize,
    pub x: u32,
    pub y: u32,
    pub w: u32,
    pub h: u32,
}

/// One edge, by node position in [`CfgDrawing::nodes`].
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct CfgEdge {
    pub from: usize,
    pub to: usize,
    /// A back edge (to a block on the depth-first path: a loop), drawn on the right.
    pub back: bool,
    /// For a back edge: the x of its vertical run, right of every box on the layers it
    /// spans, so it crosses none of them (the page runs it from the gap below the
    /// source's layer to the gap above the target's).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub route_x: Option<u32>,
}

/// Lays out the CFG of `func` over its layout blocks.
pub fn layout(func: &Function) -> CfgDrawing {
    let cfg = ControlFlowGraph::new(func);
    // Node position of each block (first listing wins, as in the CFG itself).
    let mut pos: Vec<Option<usize>> = vec![None; func.blocks.len()];
    let mut blocks = Vec::new();
    for &b in &func.layout {
        if let Some(slot) = pos.get_mut(b.index()) {
            if slot.is_none() {
                *slot = Some(blocks.len());
                blocks.push(b);
            }
        }
    }
    let n = blocks.len();
    let succs: Vec<Vec<usize>> =
        blocks.iter().map(|&b| cfg.succs(b).iter().filter_map(|s| pos[s.index()]).collect()).collect();

    // Depth-first search from each unvisited node in layout order (the entry first):
    // an edge to a node still on the stack is a back edge. Postorder gives a
    // topological order of the forward edges.
    let mut state = vec![0u8; n]; // 0 new, 1 on stack, 2 done
    let mut back = vec![Vec::new(); n];
    let mut post = Vec::with_capacity(n);
    for root in 0..n {
        if state[root] != 0 {
            continue;
        }
        let mut stack = vec![(root, 0usize)];
        state[root] = 1;
        while let Some(&mut (v, ref mut next)) = stack.last_mut() {
            if let Some(&s) = succs[v].get(*next) {
                *next += 1;
                match state[s] {
                    0 => {
                        state[s] = 1;
                        stack.push((s, 0));
                    }
                    1 => back[v].push(s),
                    _ => {}
                }
            } else {
                state[v] = 2;
                post.push(v);
                stack.pop();
            }
        }
    }

    // Layers: longest path over forward edges, in reverse postorder.
    let mut layer = vec![0usize; n];
    for &v in post.iter().rev() {
        for &s in &succs[v] {
            if !back[v].contains(&s) {
                layer[s] = layer[s].max(layer[v] + 1);
            }
        }
    }
    let depth = layer.iter().copied().max().map_or(0, |d| d + 1);
    let mut layers: Vec<Vec<usize>> = vec![Vec::new(); depth];
    for v in 0..n {
        layers[layer[v]].push(v);
    }
    let mut preds: Vec<Vec<usize>> = vec![Vec::new(); n];
    for v in 0..n {
        for &s in &succs[v] {
            if !back[v].contains(&s) {
                preds[s].push(v);
            }
        }
    }

    let width_of = |v: usize| label(func, blocks[v]).len() as u32 * CHAR_W + 2 * CHAR_W;
    let mut x = vec![0u32; n];
    let mut w = vec![0u32; n];
    let mut row_width = vec![0u32; depth];
    for (l, row) in layers.iter_mut().enumerate() {
        if l > 0 {
            // Barycentre of the already placed predecessors; layout order breaks ties.
            let key = |v: usize| {
                let p = &preds[v];
                let sum: u64 = p.iter().map(|&u| (x[u] + w[u] / 2) as u64).sum();
                (sum.checked_div(p.len() as u64).unwrap_or(u64::MAX), v)
            };
            row.sort_by_key(|&v| key(v));
        }
        let mut at = MARGIN;
        for &v in row.iter() {
            w[v] = width_of(v);
            x[v] = at;
            at += w[v] + GAP_X;
        }
        row_width[l] = at - GAP_X + MARGIN;
    }
    let width = row_width.iter().copied().max().unwrap_or(2 * MARGIN);
    // Centre each layer.
    for (l, row) in layers.iter().enumerate() {
        let shift = (width - row_width[l]) / 2;
        for &v in row {
            x[v] += shift;
        }
    }
    let nodes = (0..n)
        .map(|v| CfgNode {
            block: blocks[v].to_string(),
            insts: func.block_insts(blocks[v]).len(),
            x: x[v],
            y: MARGIN + layer[v] as u32 * LAYER_DY,
            w: w[v],
            h: NODE_H,
        })
        .collect();
    // Right edge of each layer, and how many back edges already run right of it.
    let right: Vec<u32> = layers.iter().map(|row| row.iter().map(|&v| x[v] + w[v]).max().unwrap_or(0)).collect();
    let mut runs = vec![0u32; depth];
    let mut edges = Vec::new();
    let mut far = width;
    for v in 0..n {
        for &s in &succs[v] {
            let is_back = back[v].contains(&s);
            let route_x = is_back.then(|| {
                let span = layer[s].min(layer[v])..=layer[s].max(layer[v]);
                let lane = span.clone().map(|l| runs[l]).max().unwrap_or(0) + 1;
                for l in span.clone() {
                    runs[l] = lane;
                }
                let rx = span.map(|l| right[l]).max().unwrap_or(0) + lane * BACK_EDGE_GAP;
                far = far.max(rx + MARGIN);
                rx
            });
            edges.push(CfgEdge { from: v, to: s, back: is_back, route_x });
        }
    }
    CfgDrawing {
        width: far,
        height: 2 * MARGIN + depth.saturating_sub(1) as u32 * LAYER_DY + NODE_H,
        nodes,
        edges,
        dot: wlab_ir::cfg::cfg_dot(func),
    }
}

/// What a node shows: `block3 (12)`, the block and its instruction count.
fn label(func: &Function, b: wlab_ir::Block) -> String {
    format!("{b} ({})", func.block_insts(b).len())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Function {
        wlab_ir::parse::parse_function(text).unwrap()
    }

    /// A loop: block0 → block1 ⇄ block2, block1 → block3.
    const LOOP: &str = "function \"f\"(i32) -> i32 {
block0(v0: i32):
    jump block1(v0)

block1(v1: i32):
    brif v1, block2, block3

block2:
    v2 = iconst.i32 1
    v3 = isub.i32 v1, v2
    jump block1(v3)

block3:
    return v1
}
";

    #[test]
    fn loops_have_one_back_edge_and_layers_follow_forward_edges() {
        let d = layout(&parse(LOOP));
        let back: Vec<(usize, usize)> = d.edges.iter().filter(|e| e.back).map(|e| (e.from, e.to)).collect();
        assert_eq!(back, vec![(2, 1)]);
        let route = d.edges.iter().find(|e| e.back).unwrap().route_x.unwrap();
        assert!(route > d.nodes[1].x + d.nodes[1].w && route > d.nodes[2].x + d.nodes[2].w && route < d.width);
        assert!(d.edges.iter().all(|e| e.back == e.route_x.is_some()));
        let y: Vec<u32> = d.nodes.iter().map(|n| n.y).collect();
        assert!(y[0] < y[1] && y[1] < y[2] && y[1] < y[3], "{y:?}");
        assert_eq!(d.nodes[2].insts, 3);
        assert!(d.dot.starts_with("digraph {"));
        // Nodes of one layer do not overlap.
        assert!(d.nodes[2].x + d.nodes[2].w <= d.nodes[3].x || d.nodes[3].x + d.nodes[3].w <= d.nodes[2].x);
        for n in &d.nodes {
            assert!(n.x + n.w <= d.width && n.y + n.h <= d.height, "{n:?} outside {}x{}", d.width, d.height);
        }
    }

    #[test]
    fn unreachable_blocks_are_drawn_too() {
        let text = LOOP.replace("block3:\n    return v1\n}", "block3:\n    return v1\n\nblock4:\n    jump block3\n}");
        let d = layout(&parse(&text));
        assert_eq!(d.nodes.len(), 5);
        assert!(d.edges.iter().any(|e| e.from == 4 && e.to == 3 && !e.back));
    }
}
