//! The children of an e-node, stored inline and copied as plain bytes.
//!
//! ```text
//! (icmp.i32 slt ?a ?b)  ──▶  Args { len: 3, ids: [cc, a, b] }
//! (iconst.i32 5)        ──▶  Args { len: 1, ids: [lit, 0, 0] }   unused slots stay 0
//! ```
//!
//! No node the e-graph holds has more than [`Args::MAX`] children (`select`; `icmp` with
//! its condition), which the pattern parser checks before building one. egg clones,
//! hashes and compares nodes on every addition, lookup and rebuild; a fixed array makes
//! all three straight-line code, and the node one machine word smaller than with a
//! `SmallVec`. Equality, hashing and ordering are those of the children as a slice, so
//! nodes sort and hash exactly as they did with a `SmallVec`. This file never looks at
//! what the children mean.

use egg::Id;
use std::cmp::Ordering;
use std::hash::{Hash, Hasher};
use std::ops::{Deref, DerefMut};

/// Up to [`Args::MAX`] child class ids.
#[derive(Clone, Copy)]
pub struct Args {
    len: u8,
    ids: [Id; Args::MAX],
}

impl Args {
    /// The most children any node has.
    pub const MAX: usize = 3;

    pub fn new() -> Args {
        Args { len: 0, ids: [Id::from(0); Args::MAX] }
    }

    /// The children `ids`. Panics on more than [`Args::MAX`]: callers build nodes of
    /// known arity (patterns are checked when parsed).
    pub fn from_slice(ids: &[Id]) -> Args {
        assert!(ids.len() <= Args::MAX, "an e-node has at most {} children, not {}", Args::MAX, ids.len());
        let mut a = Args::new();
        a.ids[..ids.len()].copy_from_slice(ids);
        a.len = ids.len() as u8;
        a
    }

    /// Appends a child (panics past [`Args::MAX`], as [`Args::from_slice`]).
    pub fn push(&mut self, id: Id) {
        assert!((self.len as usize) < Args::MAX, "an e-node has at most {} children", Args::MAX);
        self.ids[self.len as usize] = id;
        self.len += 1;
    }
}

impl Default for Args {
    fn default() -> Args {
        Args::new()
    }
}

impl Deref for Args {
    type Target = [Id];
    fn deref(&self) -> &[Id] {
        &self.ids[..self.len as usize]
    }
}

impl DerefMut for Args {
    fn deref_mut(&mut self) -> &mut [Id] {
        &mut self.ids[..self.len as usize]
    }
}

impl PartialEq for Args {
    fn eq(&self, other: &Args) -> bool {
        **self == **other
    }
}

impl Eq for Args {}

impl Hash for Args {
    fn hash<H: Hasher>(&self, state: &mut H) {
        (**self).hash(state)
    }
}

impl PartialOrd for Args {
    fn partial_cmp(&self, other: &Args) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Args {
    fn cmp(&self, other: &Args) -> Ordering {
        (**self).cmp(&**other)
    }
}

impl std::fmt::Debug for Args {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        (**self).fmt(f)
    }
}

impl FromIterator<Id> for Args {
    fn from_iter<I: IntoIterator<Item = Id>>(iter: I) -> Args {
        let mut a = Args::new();
        for id in iter {
            a.push(id);
        }
        a
    }
}

impl From<Vec<Id>> for Args {
    fn from(ids: Vec<Id>) -> Args {
        Args::from_slice(&ids)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ids(xs: &[usize]) -> Vec<Id> {
        xs.iter().map(|&x| Id::from(x)).collect()
    }

    #[test]
    fn compares_and_hashes_as_its_slice() {
        use std::collections::hash_map::DefaultHasher;
        let h = |x: &dyn Fn(&mut DefaultHasher)| {
            let mut s = DefaultHasher::new();
            x(&mut s);
            s.finish()
        };
        for (a, b) in [(vec![1, 2], vec![1, 2, 0]), (vec![3], vec![1, 2]), (vec![], vec![0]), (vec![2, 1], vec![2, 1])]
        {
            let (x, y) = (Args::from_slice(&ids(&a)), Args::from_slice(&ids(&b)));
            assert_eq!(x == y, ids(&a) == ids(&b));
            assert_eq!(x.cmp(&y), ids(&a).as_slice().cmp(ids(&b).as_slice()));
            assert_eq!(h(&|s| x.hash(s)), h(&|s| ids(&a).as_slice().hash(s)));
        }
    }

    #[test]
    fn pushes_up_to_three_children() {
        let mut a: Args = ids(&[7]).into_iter().collect();
        a.push(Id::from(8));
        a.push(Id::from(9));
        assert_eq!(&*a, &ids(&[7, 8, 9])[..]);
        assert!(std::panic::catch_unwind(move || a.push(Id::from(10))).is_err());
    }
}
