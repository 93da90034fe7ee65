//! Named random streams: one generator per (seed, path, stream kind, month).
//!
//! Derivation (documented so another implementation can reproduce it): start
//! from `h = mix(seed ^ 0x6C61_6373_696D_0001)` ("lacsim" tag), then fold in the
//! path, the stream kind ([`StreamKind`] as 1-5) and the month in that order with
//! `h = mix(h ^ x)`, where `mix` is the SplitMix64 finaliser (Steele, Lea &
//! Flood 2014: add 0x9E3779B97F4A7C15, then xor-shift-multiply by
//! 0xBF58476D1CE4E5B9 and 0x94D049BB133111EB). The generator is
//! `Xoshiro256PlusPlus::seed_from_u64(h)` (its state filled by SplitMix64).
//!
//! Because every (path, kind, month) has its own generator, the *do nothing* and
//! *invest* arms of a path see the same numbers for the same purpose even when
//! one arm makes more draws than the other, and no path's numbers depend on which
//! thread runs it. The structural stream uses month 0.
//!
//! Within a month, each compartment has its own sub-stream: a SplitMix64
//! generator started at `mix(s ^ key)`, where `s` is the stream's 64-bit seed and
//! `key` numbers the compartment; the `i`-th uniform of a sub-stream is a pure
//! function of (seed, path, kind, month, key, i). Entries: the count from the
//! entries generator, then four uniforms per entrant from key 0 (band and first
//! placement, leaving again and where to, month of age, placement of a move).
//! Exits: key `placement·5 + band`, one uniform for how many leave, then three
//! per leaver (where to, which child, placement of a move). The census
//! (`StreamKind::Census`, month 0): one uniform per compartment, key
//! `placement·5 + band`, placing its children systematically over the band's
//! months of age. Post-care pools draw nothing: their children leave at 18.

use crate::model::Streams;
pub use crate::model::sampling::StreamKind;
use rand::SeedableRng;
use rand_xoshiro::Xoshiro256PlusPlus;

/// The default seed of the command line (the date of the Cabinet paper, 20 November 2019).
pub const DEFAULT_SEED: u64 = 20191120;

const TAG: u64 = 0x6C61_6373_696D_0001;

pub use crate::model::sampling::mix;

/// The 64-bit seed of the stream for (seed, path, kind, month).
pub const fn derive(seed: u64, path: u64, kind: StreamKind, month: u64) -> u64 {
    let mut h = mix(seed ^ TAG);
    h = mix(h ^ path);
    h = mix(h ^ kind as u64);
    mix(h ^ month)
}

/// The generator for (seed, path, kind, month).
pub fn stream(seed: u64, path: u64, kind: StreamKind, month: u64) -> Xoshiro256PlusPlus {
    Xoshiro256PlusPlus::seed_from_u64(derive(seed, path, kind, month))
}

/// The entries and exits streams of one path for one month.
pub fn month_streams(seed: u64, path: u64, month: u64) -> Streams {
    let entries_seed = derive(seed, path, StreamKind::Entries, month);
    Streams {
        entries: Xoshiro256PlusPlus::seed_from_u64(entries_seed),
        exits_seed: derive(seed, path, StreamKind::Exits, month),
        entries_seed,
    }
}

/// The census stream of one path: where in their bands' months of age the
/// opening children are (the same for both arms of a pair).
pub fn census_streams(seed: u64, path: u64) -> Streams {
    let s = derive(seed, path, StreamKind::Census, 0);
    Streams {
        entries: Xoshiro256PlusPlus::seed_from_u64(s),
        exits_seed: s,
        entries_seed: s,
    }
}

/// The structural stream of one path.
pub fn structural(seed: u64, path: u64) -> Xoshiro256PlusPlus {
    stream(seed, path, StreamKind::Structural, 0)
}
