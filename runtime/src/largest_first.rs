//! Runs one job per item on the current rayon pool, the largest items first, and returns
//! the results in item order (so the first failure in item order is reported, whatever
//! the thread timing). Used to compile a module's functions: with the biggest function
//! started first, the cores finish together instead of one core compiling the biggest
//! function alone at the end.
//!
//! Each worker takes the next item from one shared queue sorted by size (longest
//! processing time first), which rayon's halving of a slice does not do: it would give
//! the two biggest items to the same thread. One item runs on the calling thread and
//! starts no thread pool. This file never looks inside the items.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

/// `job` applied to every item of `items`, largest `size` first (ties: item order);
/// results in item order.
pub fn map_largest_first<T, R, S, J>(items: Vec<T>, size: S, job: J) -> Vec<R>
where
    T: Send,
    R: Send,
    S: Fn(&T) -> usize,
    J: Fn(T) -> R + Sync,
{
    if items.len() <= 1 {
        return items.into_iter().map(job).collect();
    }
    let n = items.len();
    let mut queue: Vec<(usize, usize, Mutex<Option<T>>)> =
        items.into_iter().enumerate().map(|(k, t)| (size(&t), k, Mutex::new(Some(t)))).collect();
    queue.sort_by_key(|&(s, k, _)| (std::cmp::Reverse(s), k));
    let next = AtomicUsize::new(0);
    let workers = rayon::current_num_threads().clamp(1, n);
    let worker = |_: usize| {
        let mut done = Vec::new();
        loop {
            let i = next.fetch_add(1, Ordering::Relaxed);
            let Some((_, k, cell)) = queue.get(i) else { break };
            let item = cell.lock().unwrap_or_else(|e| e.into_inner()).take().expect("each item is taken once");
            done.push((*k, job(item)));
        }
        done
    };
    use rayon::prelude::*;
    let parts: Vec<Vec<(usize, R)>> = (0..workers).into_par_iter().with_max_len(1).map(worker).collect();
    let mut slots: Vec<Option<R>> = (0..n).map(|_| None).collect();
    for (k, r) in parts.into_iter().flatten() {
        slots[k] = Some(r);
    }
    slots.into_iter().map(|r| r.expect("every item's job ran")).collect()
}

#[cfg(test)]
mod tests {
    use super::map_largest_first;

    #[test]
    fn results_come_back_in_item_order_whatever_the_sizes() {
        let items: Vec<u32> = (0..100).map(|k| (k * 37) % 101).collect();
        let out = map_largest_first(items.clone(), |&x| x as usize, |x| x * 2);
        assert_eq!(out, items.iter().map(|x| x * 2).collect::<Vec<_>>());
    }

    #[test]
    fn the_largest_item_starts_first_on_one_thread() {
        let pool = rayon::ThreadPoolBuilder::new().num_threads(1).build().unwrap();
        let order = std::sync::Mutex::new(Vec::new());
        pool.install(|| map_largest_first(vec![1usize, 5, 3], |&x| x, |x| order.lock().unwrap().push(x)));
        assert_eq!(*order.lock().unwrap(), vec![5, 3, 1]);
    }

    #[test]
    fn no_items_and_one_item() {
        assert!(map_largest_first(Vec::<u8>::new(), |_| 0, |x| x).is_empty());
        assert_eq!(map_largest_first(vec![7u8], |_| 0, |x| x + 1), vec![8]);
    }
}
