//! The table mirror compiled code reads for an inline `call_indirect` stays equal to the
//! table through every writer: creation, `table.set`, `table.fill`, `table.copy` (same
//! table, overlapping), `table.grow`, and `table.init` through instantiation.

use wlab_backends::abi::table::NO_INSTANCE;
use wlab_backends::sig_id::canonical_sig_id;
use wlab_ir::interp::Val;
use wlab_ir::{Signature, Type};
use wlab_runtime::store::FuncKind;
use wlab_runtime::table_mirror::MirrorEntry;
use wlab_runtime::{Store, TableId};

/// What the mirror must hold for each element of `t`.
fn expected(store: &Store, t: TableId) -> Vec<MirrorEntry> {
    store
        .table(t)
        .elems()
        .iter()
        .map(|v| match v {
            Val::FuncRef(Some(f)) => {
                let func = store.func(*f);
                let wasm = match func.kind {
                    FuncKind::Wasm { instance, index } => Some((instance.0, index)),
                    FuncKind::Host(_) => None,
                };
                MirrorEntry::for_func(canonical_sig_id(&func.sig), wasm)
            }
            _ => MirrorEntry::default(),
        })
        .collect()
}

fn check(store: &Store, t: TableId, what: &str) {
    assert_eq!(store.table(t).mirror().entries(), &expected(store, t)[..], "after {what}");
}

#[test]
fn mirror_follows_every_table_write() {
    let mut store = Store::new();
    let a = store.add_host_func(Signature::new(vec![Type::I32], vec![Type::I32]), |_, a| Ok(a.to_vec()));
    let b = store.add_host_func(Signature::new(vec![], vec![]), |_, _| Ok(vec![]));
    let fa = Val::FuncRef(Some(a));
    let fb = Val::FuncRef(Some(b));
    let t = store.add_table(Type::FuncRef, 4, Some(100), fa).expect("fits");
    check(&store, t, "creation");
    let e = store.table(t).mirror().entries()[0];
    assert_eq!((e.sig, e.instance), (canonical_sig_id(&store.func(a).sig).unwrap(), NO_INSTANCE));
    store.write_table(t, 1, &[fb, Val::FuncRef(None)]);
    check(&store, t, "write");
    assert_eq!(store.table(t).mirror().entries()[2].sig, 0, "null has no signature id");
    store.fill_table(t, 0, 2, Val::FuncRef(None));
    check(&store, t, "fill");
    store.write_table(t, 0, &[fa, fb, fa, fb]);
    store.copy_within_table(t, 0, 1, 3);
    check(&store, t, "overlapping copy");
    let header_before = store.table(t).mirror().header_addr();
    assert_eq!(store.grow_table(t, 50, fb), Some(4));
    check(&store, t, "grow");
    assert_eq!(store.table(t).mirror().header_addr(), header_before, "the header never moves");
    assert_eq!(store.grow_table(t, 1000, fb), None, "past the maximum");
    check(&store, t, "failed grow");
}
