/*
 * Released under the terms of the Apache 2.0 license with LLVM
 * exception. See `LICENSE` for details.
 */

//! Index sets: sets of integers that represent indices into a space.

use alloc::vec::Vec;
use smallvec::SmallVec;

const SMALL_ELEMS: usize = 12;

// wlab patch 5 (see WLAB-PATCH.md): the set is its words sorted by index, not a hash
// map of words. Union, the liveness fixpoint's main operation, is then one merge of two
// sorted lists instead of a hash lookup per word, and iteration is in index order.

/// A conceptually infinite-length set of indices that allows union
/// and efficient iteration over elements.
#[derive(Clone)]
pub struct IndexSet {
    /// `(word index, bits)`, sorted by word index; a word stays once one of its bits
    /// was set (it may be zero after a clear).
    words: SmallVec<[(u32, u64); SMALL_ELEMS]>,
}

const BITS_PER_WORD: usize = 64;

impl IndexSet {
    pub fn new() -> Self {
        Self {
            words: SmallVec::new(),
        }
    }

    #[inline(always)]
    fn find(&self, word: u32) -> Result<usize, usize> {
        self.words.binary_search_by_key(&word, |&(w, _)| w)
    }

    #[inline(always)]
    pub fn set(&mut self, idx: usize, val: bool) {
        let word = (idx / BITS_PER_WORD) as u32;
        let bit = 1u64 << (idx % BITS_PER_WORD);
        match (self.find(word), val) {
            (Ok(i), true) => self.words[i].1 |= bit,
            (Err(i), true) => self.words.insert(i, (word, bit)),
            (Ok(i), false) => self.words[i].1 &= !bit,
            (Err(_), false) => {}
        }
    }

    pub fn assign(&mut self, other: &Self) {
        self.words.clone_from(&other.words);
    }

    #[inline(always)]
    pub fn get(&self, idx: usize) -> bool {
        let word = (idx / BITS_PER_WORD) as u32;
        match self.find(word) {
            Ok(i) => self.words[i].1 & (1u64 << (idx % BITS_PER_WORD)) != 0,
            Err(_) => false,
        }
    }

    pub fn union_with(&mut self, other: &Self) -> bool {
        // In place while every nonzero word of `other` is already here.
        let mut changed = 0;
        let mut i = 0;
        for (k, &(word, bits)) in other.words.iter().enumerate() {
            if bits == 0 {
                continue;
            }
            while i < self.words.len() && self.words[i].0 < word {
                i += 1;
            }
            if i < self.words.len() && self.words[i].0 == word {
                changed |= bits & !self.words[i].1;
                self.words[i].1 |= bits;
            } else {
                self.merge_from(&other.words[k..]);
                return true;
            }
        }
        changed != 0
    }

    /// Merges `rest` (sorted) into the words: both lists in one pass.
    fn merge_from(&mut self, rest: &[(u32, u64)]) {
        let mut out: SmallVec<[(u32, u64); SMALL_ELEMS]> =
            SmallVec::with_capacity(self.words.len() + rest.len());
        let (mut a, mut b) = (
            self.words.iter().peekable(),
            rest.iter().filter(|w| w.1 != 0).peekable(),
        );
        loop {
            match (a.peek(), b.peek()) {
                (Some(&&x), Some(&&y)) if x.0 == y.0 => {
                    out.push((x.0, x.1 | y.1));
                    a.next();
                    b.next();
                }
                (Some(&&x), Some(&&y)) if x.0 < y.0 => {
                    out.push(x);
                    a.next();
                }
                (_, Some(&&y)) => {
                    out.push(y);
                    b.next();
                }
                (Some(&&x), None) => {
                    out.push(x);
                    a.next();
                }
                (None, None) => break,
            }
        }
        self.words = out;
    }

    pub fn iter<'a>(&'a self) -> impl Iterator<Item = usize> + 'a {
        self.words.iter().flat_map(|&(word, bits)| {
            let word = word as usize;
            SetBitsIter(bits).map(move |i| BITS_PER_WORD * word + i)
        })
    }

    /// Is the set held inline (no heap allocation)? This is meant for
    /// testing assertions only.
    pub(crate) fn is_small(&self) -> bool {
        !self.words.spilled()
    }

    /// Is the set empty?
    pub(crate) fn is_empty(&self) -> bool {
        self.words.iter().all(|&(_, bits)| bits == 0)
    }
}

pub struct SetBitsIter(u64);

impl Iterator for SetBitsIter {
    type Item = usize;

    #[inline]
    fn next(&mut self) -> Option<usize> {
        // Build an `Option<NonZeroU64>` so that on the nonzero path,
        // the compiler can optimize the trailing-zeroes operator
        // using that knowledge.
        core::num::NonZeroU64::new(self.0).map(|nz| {
            let bitidx = nz.trailing_zeros();
            self.0 &= self.0 - 1; // clear highest set bit
            bitidx as usize
        })
    }
}

impl core::fmt::Debug for IndexSet {
    fn fmt(&self, f: &mut core::fmt::Formatter) -> core::fmt::Result {
        let vals = self.iter().collect::<Vec<_>>();
        write!(f, "{:?}", vals)
    }
}

#[cfg(test)]
mod test {
    use super::IndexSet;

    #[test]
    fn test_set_bits_iter() {
        let mut vec = IndexSet::new();
        let mut sum = 0;
        for i in 0..1024 {
            if i % 17 == 0 {
                vec.set(i, true);
                sum += i;
            }
        }

        let mut checksum = 0;
        for bit in vec.iter() {
            debug_assert!(bit % 17 == 0);
            checksum += bit;
        }

        debug_assert_eq!(sum, checksum);
    }

    #[test]
    fn test_union_and_clear() {
        // wlab patch 5: words merge in index order, and a cleared bit leaves its word.
        let mut a = IndexSet::new();
        let mut b = IndexSet::new();
        for i in 0..12 {
            a.set(64 * (2 * i), true);
            b.set(64 * (2 * i + 1) + 3, true);
        }
        debug_assert!(a.is_small());
        a.set(64 * 4, false);
        debug_assert!(!a.get(64 * 4));
        debug_assert!(a.union_with(&b));
        debug_assert!(!a.union_with(&b));
        debug_assert_eq!(a.iter().count(), 23);
        debug_assert!(a.iter().zip(a.iter().skip(1)).all(|(x, y)| x < y));
        debug_assert!(b.iter().all(|i| a.get(i)));
    }
}
