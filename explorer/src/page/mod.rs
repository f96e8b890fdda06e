//! `wlab explore --format html`: one self-contained page for one function — its wasm
//! operators, its IR after every pass (tabs, each with its diff), machine code for every
//! `--target` side by side, all colour-linked through the source map, the statistics,
//! the CFG drawn, and the e-graph summary.
//!
//! ```text
//!  Function ──▶ model::build_model ──▶ PageModel (serde; the page's only data)
//!                  │  pipeline::run_pipeline (IR + instruction ids + wasm offsets per stage)
//!                  │  codegen::compile_report per target (disassembly + source map)
//!                  └─ cfg_layout (layered drawing of the final CFG, DOT via petgraph)
//!  PageModel ──▶ render::render_page ──▶ HTML: assets/page.html with page.css, page.js and
//!                                         the model as one JSON blob, inlined
//! ```
//! The page needs no network: nothing is fetched, the browser draws everything from the
//! embedded JSON. This module never prints and never exits; it returns the page.

pub mod cfg_layout;
pub mod model;
pub mod render;

pub use model::{build_model, PageModel, PageOptions};
pub use render::render_page;
