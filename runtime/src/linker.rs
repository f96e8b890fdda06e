//! Import resolution: the [`Resolver`] trait instantiation asks for imports, and the
//! [`Linker`], a table of named modules (registered instances and host modules).
//!
//! A linker only maps names to store handles; it owns no run-time state and never
//! checks types (instantiation does, against the importing module's declarations).

use crate::store::{Extern, InstanceId, Store};
use std::collections::BTreeMap;

/// Answers "what is `module`.`name`?" for instantiation.
pub trait Resolver {
    /// The entity imported as `module`.`name`, or `None` when there is none.
    fn resolve(&self, module: &str, name: &str) -> Option<Extern>;
}

/// Named modules whose exports can be imported.
#[derive(Clone, Debug, Default)]
pub struct Linker {
    modules: BTreeMap<String, BTreeMap<String, Extern>>,
}

impl Linker {
    pub fn new() -> Self {
        Linker::default()
    }

    /// Defines (or redefines) `module`.`name`.
    pub fn define(&mut self, module: &str, name: &str, item: Extern) {
        self.modules.entry(module.to_string()).or_default().insert(name.to_string(), item);
    }

    /// Makes every export of `instance` importable under module name `module`
    /// (the wast `register` directive). Replaces an earlier module of that name.
    pub fn register(&mut self, store: &Store, module: &str, instance: InstanceId) {
        let exports = store.instance(instance).exports.clone();
        self.modules.insert(module.to_string(), exports);
    }
}

impl Resolver for Linker {
    fn resolve(&self, module: &str, name: &str) -> Option<Extern> {
        self.modules.get(module)?.get(name).copied()
    }
}
