//! Canonical signature ids: the number an inline `call_indirect` compares with a table
//! entry's (see `abi` on tables). Two signatures get the same id exactly when they are
//! equal, so the compare is the spec's structural type check; the id depends on the
//! signature alone (no registry), so the compiler and the runtime compute it apart and
//! agree, and `wlab explore` shows the number the code really uses.
//!
//! Encoding, in base 8: a leading 1, one digit (1..=7) per parameter type, a 0, one digit
//! per result type. Digits of types are never 0, so the 0 separates parameters from
//! results and the leading 1 fixes the length: the encoding is injective. It fits 32 bits
//! for at most 9 parameters and results together; larger signatures have no id (`None`),
//! and their `call_indirect`s always take the runtime's path. This file never reads a
//! table.

use wlab_ir::{Signature, Type};

/// Parameters and results together that still get an id.
pub const MAX_TYPES: usize = 9;

fn digit(t: Type) -> u32 {
    match t {
        Type::I32 => 1,
        Type::I64 => 2,
        Type::F32 => 3,
        Type::F64 => 4,
        Type::FuncRef => 5,
        Type::ExternRef => 6,
        Type::V128 => 7,
    }
}

/// The canonical id of `sig` (never 0), or `None` when it has more than [`MAX_TYPES`]
/// parameters and results.
pub fn canonical_sig_id(sig: &Signature) -> Option<u32> {
    if sig.params.len() + sig.results.len() > MAX_TYPES {
        return None;
    }
    let mut id: u32 = 1;
    for t in &sig.params {
        id = id * 8 + digit(*t);
    }
    id *= 8;
    for t in &sig.results {
        id = id * 8 + digit(*t);
    }
    Some(id)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    #[test]
    fn ids_are_distinct_for_distinct_signatures() {
        // Every signature of up to 4 types: equal ids only for equal signatures.
        let mut seen: BTreeMap<u32, Signature> = BTreeMap::new();
        let mut sigs = vec![Signature::default()];
        for _ in 0..4 {
            let mut next = Vec::new();
            for s in &sigs {
                for t in Type::ALL {
                    let mut p = s.clone();
                    p.params.push(t);
                    next.push(p);
                    let mut r = s.clone();
                    r.results.push(t);
                    next.push(r);
                }
            }
            sigs.extend(next);
            sigs.sort_by_key(|s| format!("{s}"));
            sigs.dedup();
        }
        for s in sigs {
            let id = canonical_sig_id(&s).expect("small signature");
            assert_ne!(id, 0);
            if let Some(prev) = seen.insert(id, s.clone()) {
                assert_eq!(prev, s, "id {id} shared");
            }
        }
    }

    #[test]
    fn large_signatures_have_no_id() {
        let nine = Signature::new(vec![Type::F64; 5], vec![Type::ExternRef; 4]);
        assert!(canonical_sig_id(&nine).is_some());
        let ten = Signature::new(vec![Type::I64; 10], vec![]);
        assert_eq!(canonical_sig_id(&ten), None);
    }
}
