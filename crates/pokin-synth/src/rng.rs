//! A small deterministic random number generator (SplitMix64), so that the data depends on
//! nothing but the seed: no external crate, no global state, the same numbers on every machine.

/// SplitMix64 (Steele, Lea, Flood 2014): a 64-bit state advanced by a Weyl sequence and
/// scrambled; passes BigCrush, and one `u64` of state makes streams cheap to derive.
#[derive(Debug, Clone)]
pub(crate) struct Rng(u64);

const GAMMA: u64 = 0x9e37_79b9_7f4a_7c15;

/// The SplitMix64 output function: a bijective scramble of 64 bits.
fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

impl Rng {
    /// A stream for a path of numbers, e.g. `[seed, kabupaten, organisation]`: different paths
    /// give unrelated streams (each part is mixed in turn, so `[1, 2]` and `[2, 1]` differ).
    pub(crate) fn new(path: &[u64]) -> Rng {
        let mut state = 0x5eed_5eed_5eed_5eed_u64;
        for &part in path {
            state = mix(state.wrapping_add(GAMMA) ^ mix(part.wrapping_add(GAMMA)));
        }
        Rng(state)
    }

    /// A stream derived from this one's current state and `tag`, without advancing this one.
    pub(crate) fn fork(&self, tag: u64) -> Rng {
        Rng::new(&[self.0, tag])
    }

    pub(crate) fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(GAMMA);
        mix(self.0)
    }

    /// Uniform in `0..n` (`n > 0`), by multiply-and-shift (Lemire; the bias is below 2⁻³² for
    /// the small `n` used here).
    pub(crate) fn below(&mut self, n: usize) -> usize {
        debug_assert!(n > 0);
        ((u128::from(self.next_u64()) * n as u128) >> 64) as usize
    }

    /// Uniform in `lo..=hi`.
    pub(crate) fn between(&mut self, lo: usize, hi: usize) -> usize {
        lo + self.below(hi - lo + 1)
    }

    /// Uniform in `[0, 1)` with 53 random bits.
    pub(crate) fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    /// Uniform in `[lo, hi)`.
    pub(crate) fn uniform(&mut self, lo: f64, hi: f64) -> f64 {
        lo + self.unit() * (hi - lo)
    }

    /// `true` with probability `p`.
    pub(crate) fn chance(&mut self, p: f64) -> bool {
        self.unit() < p
    }

    pub(crate) fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }

    /// `k` distinct indexes of `0..n` in random order (`k ≤ n`; a partial Fisher–Yates).
    pub(crate) fn sample(&mut self, n: usize, k: usize) -> Vec<usize> {
        let mut all: Vec<usize> = (0..n).collect();
        let k = k.min(n);
        for i in 0..k {
            let j = i + self.below(n - i);
            all.swap(i, j);
        }
        all.truncate(k);
        all
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn streams_are_reproducible_and_distinct() {
        let a: Vec<u64> = (0..4).map(|_| Rng::new(&[1, 2]).next_u64()).collect();
        assert!(a.windows(2).all(|w| w[0] == w[1]));
        assert_ne!(Rng::new(&[1, 2]).next_u64(), Rng::new(&[2, 1]).next_u64());
        assert_ne!(Rng::new(&[1]).next_u64(), Rng::new(&[1, 0]).next_u64());
    }

    #[test]
    fn ranges_hold() {
        let mut r = Rng::new(&[7]);
        let mut seen = [0usize; 5];
        for _ in 0..10_000 {
            let v = r.between(3, 7);
            assert!((3..=7).contains(&v));
            seen[v - 3] += 1;
            let u = r.uniform(-1.0, 2.0);
            assert!((-1.0..2.0).contains(&u));
        }
        // Roughly uniform: each value ~2000 times.
        assert!(seen.iter().all(|&n| (1700..2300).contains(&n)), "{seen:?}");
        let s = r.sample(10, 4);
        assert_eq!(s.len(), 4);
        let mut d = s.clone();
        d.sort_unstable();
        d.dedup();
        assert_eq!(d.len(), 4);
    }
}
