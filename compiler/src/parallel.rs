//! Work shared out over the machine's cores, with results in the order of the
//! work, so that output never depends on the number of threads.

/// `f` applied to each item, on up to as many threads as there are cores; the
/// results in the items' order. Items are dealt out in turn (the first to the
/// first thread, the second to the second, ...), which evens out runs of
/// large items.
pub fn map_in_order<T: Send, R: Send>(items: Vec<T>, f: impl Fn(T) -> R + Sync) -> Vec<R> {
    let threads = threads().min(items.len());
    if threads < 2 {
        return items.into_iter().map(f).collect();
    }
    let mut shares: Vec<Vec<(usize, T)>> = (0..threads).map(|_| Vec::new()).collect();
    for (i, item) in items.into_iter().enumerate() {
        shares[i % threads].push((i, item));
    }
    let f = &f;
    let mut done: Vec<(usize, R)> = std::thread::scope(|scope| {
        let handles: Vec<_> =
            shares.into_iter().map(|share| scope.spawn(move || share.into_iter().map(|(i, item)| (i, f(item))).collect::<Vec<_>>())).collect();
        handles.into_iter().flat_map(|h| h.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic))).collect()
    });
    done.sort_by_key(|(i, _)| *i);
    done.into_iter().map(|(_, r)| r).collect()
}

/// Below this many blocks and resources to walk, threads cost more than they save.
pub const WORTH_THREADS_FROM: usize = 2_000;

/// `f` applied to each item, the results flattened in the items' order: over
/// the cores as [`map_in_order`] does when the work walks `size` blocks and
/// resources or more ([`WORTH_THREADS_FROM`]), else on this thread.
pub fn flat_map_in_order<T: Send, R: Send>(size: usize, items: Vec<T>, f: impl Fn(T) -> Vec<R> + Sync) -> Vec<R> {
    if size < WORTH_THREADS_FROM {
        items.into_iter().flat_map(f).collect()
    } else {
        map_in_order(items, f).into_iter().flatten().collect()
    }
}

/// How many threads to use: `ASHLAR_THREADS` when set to a number above 0,
/// else one per core.
pub fn threads() -> usize {
    std::env::var("ASHLAR_THREADS")
        .ok()
        .and_then(|n| n.parse::<usize>().ok())
        .filter(|&n| n > 0)
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()))
}

#[cfg(test)]
mod tests {
    use super::map_in_order;

    #[test]
    fn results_keep_the_order_of_the_items() {
        let items: Vec<u64> = (0..1000).collect();
        assert_eq!(map_in_order(items.clone(), |n| n * n), items.iter().map(|n| n * n).collect::<Vec<_>>());
        assert_eq!(map_in_order(Vec::<u64>::new(), |n| n), Vec::<u64>::new());
    }
}
