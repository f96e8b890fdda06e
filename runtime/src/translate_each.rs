//! Translates each defined function of a module inside the task that processes it (runs
//! passes on it, compiles it), so a function's IR lives only while its task runs and the
//! IR of the whole module never exists at once.
//!
//! ```text
//!  ModuleReader (module data + the wasm bytes of every body)
//!    ──one task per function, largest body first (largest_first)──▶
//!        translate (ModuleReader::translate) ─▶ job(IR) ─▶ R        IR dropped here
//!    ──results in function order──▶ Vec<R> | the first error
//! ```
//!
//! Errors come out as if the whole module had been translated first
//! (`wlab_ir::translate::translate_module`, then the jobs): the first function, in index
//! order, that does not translate is the error, even when an earlier function's job
//! failed; otherwise the first failed job in index order. Once a translation failed the
//! remaining tasks only translate. This file never looks at what the job does.

use crate::largest_first::map_largest_first;
use std::sync::atomic::{AtomicBool, Ordering};
use wlab_ir::translate::{ModuleReader, TranslateError};
use wlab_ir::Function;

/// Why [`map_translated`] failed: a function did not translate, or a job failed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TranslatedError<E> {
    Translate(TranslateError),
    Job(E),
}

impl<E: std::fmt::Display> std::fmt::Display for TranslatedError<E> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            TranslatedError::Translate(e) => e.fmt(f),
            TranslatedError::Job(e) => e.fmt(f),
        }
    }
}

impl<E: std::fmt::Debug + std::fmt::Display> std::error::Error for TranslatedError<E> {}

impl<E> From<E> for TranslatedError<E> {
    fn from(e: E) -> Self {
        TranslatedError::Job(e)
    }
}

/// What one function's task ended with.
enum Outcome<R, E> {
    Done(R),
    Failed(E),
    Untranslated(TranslateError),
    /// Translated, but another function did not, so the job did not run.
    Skipped,
}

/// `job` applied to the IR of every defined function of `reader`, each translated in the
/// task that runs its job, largest body first, on the current rayon pool; the results in
/// function order. See the module docs for which error is returned.
pub fn map_translated<R, E, J>(reader: &ModuleReader<'_>, job: J) -> Result<Vec<R>, TranslatedError<E>>
where
    R: Send,
    E: Send,
    J: Fn(Function) -> Result<R, E> + Sync,
{
    let untranslated = AtomicBool::new(false);
    let task = |index: u32| -> Outcome<R, E> {
        let f = match reader.translate(index) {
            Ok(f) => f,
            Err(e) => {
                untranslated.store(true, Ordering::Relaxed);
                return Outcome::Untranslated(e);
            }
        };
        if untranslated.load(Ordering::Relaxed) {
            return Outcome::Skipped;
        }
        match job(f) {
            Ok(r) => Outcome::Done(r),
            Err(e) => Outcome::Failed(e),
        }
    };
    let outcomes = map_largest_first(reader.defined_funcs().collect(), |&i| reader.body_len(i), task);
    let mut done = Vec::with_capacity(outcomes.len());
    let mut first_failed = None;
    for outcome in outcomes {
        match outcome {
            Outcome::Done(r) => done.push(r),
            Outcome::Failed(e) => {
                first_failed.get_or_insert(e);
            }
            Outcome::Untranslated(e) => return Err(TranslatedError::Translate(e)),
            // Only after a translation failed, which a later outcome returns.
            Outcome::Skipped => {}
        }
    }
    match first_failed {
        Some(e) => Err(TranslatedError::Job(e)),
        None => Ok(done),
    }
}

#[cfg(test)]
mod tests {
    use super::{map_translated, TranslatedError};

    /// Functions 0..3: `ok`, `fails` (its job fails), a function using a relaxed-SIMD
    /// instruction (does not translate), `ok`.
    fn module(with_untranslatable: bool) -> Vec<u8> {
        let bad = if with_untranslatable {
            "(func (result v128) v128.const i64x2 0 0 v128.const i64x2 0 0 i8x16.relaxed_swizzle)"
        } else {
            "(func (result v128) v128.const i64x2 0 0)"
        };
        let text = format!(
            "(module (func $ok (result i32) i32.const 1) (func $fails (result i32) i32.const 2) {bad} (func $ok2))"
        );
        let buf = wast::parser::ParseBuffer::new(&text).unwrap();
        wast::parser::parse::<wast::Wat>(&buf).unwrap().encode().unwrap()
    }

    #[test]
    fn results_come_in_function_order_and_the_ir_reaches_the_job() {
        let bytes = module(false);
        let reader = wlab_ir::translate::read_module(&bytes).unwrap();
        let out = map_translated(&reader, |f| Ok::<_, ()>(f.name.clone())).unwrap();
        assert_eq!(out.len(), 4);
        let whole = wlab_ir::translate::translate_module(&bytes).unwrap();
        assert_eq!(out, whole.functions.iter().map(|f| f.name.clone()).collect::<Vec<_>>());
    }

    #[test]
    fn a_failed_job_is_the_error_when_everything_translates() {
        let bytes = module(false);
        let reader = wlab_ir::translate::read_module(&bytes).unwrap();
        let r = map_translated(&reader, |f| if f.name.contains("fails") { Err(f.name.clone()) } else { Ok(()) });
        assert_eq!(r, Err(TranslatedError::Job("fails".to_string())));
    }

    #[test]
    fn a_later_translation_failure_wins_over_an_earlier_failed_job_as_when_translating_first() {
        let bytes = module(true);
        let reader = wlab_ir::translate::read_module(&bytes).unwrap();
        let r = map_translated(&reader, |f| if f.name.contains("fails") { Err(f.name.clone()) } else { Ok(()) });
        let whole = wlab_ir::translate::translate_module(&bytes).unwrap_err();
        assert_eq!(r, Err(TranslatedError::Translate(whole)));
    }
}
