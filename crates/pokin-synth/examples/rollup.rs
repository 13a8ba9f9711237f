//! The full capaian roll-up of synthetic data: `measure_organisation` for every organisation of
//! a scale, timed alone (generating the data and building its verified measurements is not).
//!
//! ```text
//! cargo run --release -p pokin-synth --example rollup -- kabupaten|provinsi|nasional \
//!     [--seed N] [--year Y] [--threads N]
//! ```
//!
//! Kabupaten are generated one round at a time, one per worker thread (two by default, or as
//! many as the machine has if fewer): in each round every worker builds its kabupaten's data,
//! all wait at a barrier, then every worker measures its 40 organisations. A round lasts from
//! the first worker starting to measure to the last one finishing (each reads the clock itself);
//! the sum of the rounds is the wall time of the roll-up on that many cores. Prints one line for
//! people and one `key=value` line for scripts (with the measuring threads' CPU time too, where
//! Linux reports it: wall time grows when other processes share the cores, CPU time much less);
//! progress goes to stderr.
//!
//! `--digest` also measures every span (the year and s.d. TW I–IV, untimed) and prints a digest
//! of every result (each indicator's measure, every roll-up): optimisations of the capaian
//! engine must leave it unchanged.

use pokin_domain::format;
use pokin_domain::measure::{MeasureSettings, OrganisationMeasure, Span, measure_organisation};
use pokin_synth::{RENSTRA_END, Scale, kabupaten};
use std::io::Write;
use std::process::ExitCode;
use std::sync::{Barrier, Mutex};
use std::time::{Duration, Instant};

struct Options {
    scale: Scale,
    seed: u64,
    year: i32,
    threads: usize,
    digest: bool,
}

const USAGE: &str = "pemakaian: rollup kabupaten|provinsi|nasional [--seed N] [--year TAHUN] [--threads N] [--digest]";

fn options() -> Result<Options, String> {
    let mut args = std::env::args().skip(1);
    let mut scale = None;
    let mut seed = 1;
    let mut year = RENSTRA_END;
    let mut threads = std::thread::available_parallelism().map_or(1, |n| n.get().min(2));
    let mut digest = false;
    while let Some(a) = args.next() {
        let mut value = |name: &str| {
            args.next()
                .ok_or_else(|| format!("{name} memerlukan nilai\n{USAGE}"))
        };
        match a.as_str() {
            "--seed" => {
                seed = value("--seed")?
                    .parse()
                    .map_err(|_| "--seed harus bilangan bulat positif".to_string())?
            }
            "--year" | "--tahun" => {
                year = value("--year")?
                    .parse()
                    .map_err(|_| "--year harus tahun, misalnya 2026".to_string())?
            }
            "--threads" => {
                threads = value("--threads")?
                    .parse()
                    .ok()
                    .filter(|n| *n >= 1)
                    .ok_or_else(|| "--threads harus bilangan bulat ≥ 1".to_string())?
            }
            "--digest" => digest = true,
            "-h" | "--help" => return Err(USAGE.into()),
            s => match Scale::parse(s) {
                Some(sc) if scale.is_none() => scale = Some(sc),
                _ => return Err(format!("argumen '{s}' tidak dikenal\n{USAGE}")),
            },
        }
    }
    let scale = scale.ok_or_else(|| format!("sebutkan skalanya\n{USAGE}"))?;
    Ok(Options {
        scale,
        seed,
        year,
        threads,
        digest,
    })
}

/// What one worker measured.
#[derive(Default)]
struct Tally {
    organisations: usize,
    indicators: usize,
    /// Sum of the organisations' overall capaian (so the work cannot be optimised away, and a
    /// change in results shows).
    checksum: f64,
    /// With `--digest`: FNV-1a of every result, per kabupaten (combined in kabupaten order).
    digests: Vec<(usize, u64)>,
    /// CPU time of this thread while measuring (from `/proc/thread-self/schedstat`), when the
    /// system tells it: unlike wall time, it does not grow when other processes share the cores.
    cpu: Option<Duration>,
    /// When this worker started and finished measuring, per round.
    rounds: Vec<(Instant, Instant)>,
}

/// The CPU time this thread has run, if Linux's `/proc/thread-self/schedstat` says. The kernel
/// brings a running thread's count up to date when it is scheduled, so yield first (otherwise
/// the count may lag by up to a timer tick).
fn thread_cpu() -> Option<Duration> {
    std::thread::yield_now();
    let text = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    let ns: u64 = text.split_whitespace().next()?.parse().ok()?;
    (ns > 0).then(|| Duration::from_nanos(ns))
}

/// FNV-1a over the `Debug` text of every result of an organisation, indicators in key order.
fn digest_of(m: &OrganisationMeasure, mut h: u64) -> u64 {
    let mut indicators: Vec<_> = m.indicators.iter().collect();
    indicators.sort_by(|a, b| a.0.cmp(b.0));
    let text = format!("{:?}|{:?}|{:?}|{indicators:?}", m.year, m.span, m.roll_up);
    for b in text.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}

fn main() -> ExitCode {
    let o = match options() {
        Ok(o) => o,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::from(2);
        }
    };
    let total = o.scale.kabupaten();
    let workers = o.threads.min(total);
    let rounds = total.div_ceil(workers);
    let settings = MeasureSettings::default();
    // Workers and the clock meet at the start and the end of each round's measuring.
    let start = Barrier::new(workers + 1);
    let end = Barrier::new(workers + 1);
    let tallies: Mutex<Vec<Tally>> = Mutex::new(Vec::new());
    let wall = Instant::now();

    std::thread::scope(|s| {
        for w in 0..workers {
            let (start, end, tallies, settings) = (&start, &end, &tallies, &settings);
            let o = &o;
            s.spawn(move || {
                let mut tally = Tally {
                    cpu: Some(Duration::ZERO),
                    ..Tally::default()
                };
                for r in 0..rounds {
                    let index = r * workers + w;
                    // Untimed: the data and its verified measurements.
                    let data: Vec<_> = if index < total {
                        kabupaten(o.seed, index)
                            .into_iter()
                            .map(|org| {
                                let verified = org.verified(o.year);
                                (org, verified)
                            })
                            .collect()
                    } else {
                        Vec::new()
                    };
                    let cpu_before = thread_cpu();
                    start.wait();
                    let began = Instant::now();
                    let results: Vec<_> = data
                        .iter()
                        .map(|(org, verified)| {
                            measure_organisation(&org.org, o.year, Span::Year, verified, settings)
                        })
                        .collect();
                    tally.rounds.push((began, Instant::now()));
                    end.wait();
                    tally.cpu = match (tally.cpu, cpu_before, thread_cpu()) {
                        (Some(sum), Some(a), Some(b)) => Some(sum + b.saturating_sub(a)),
                        _ => None,
                    };
                    for ((org, _), m) in data.iter().zip(&results) {
                        tally.organisations += 1;
                        tally.indicators += org.indicator_count();
                        tally.checksum += m.roll_up.overall().capaian.persen().unwrap_or(0.0);
                    }
                    if o.digest && index < total {
                        let mut h = 0xcbf2_9ce4_8422_2325;
                        for ((org, verified), m) in data.iter().zip(&results) {
                            h = digest_of(m, h);
                            for q in 1..=4 {
                                let span = Span::UpToQuarter(q);
                                let m = measure_organisation(
                                    &org.org, o.year, span, verified, settings,
                                );
                                h = digest_of(&m, h);
                            }
                        }
                        tally.digests.push((index, h));
                    }
                    drop(std::hint::black_box(results));
                }
                tallies.lock().expect("no worker panicked").push(tally);
            });
        }
        for r in 0..rounds {
            start.wait();
            end.wait();
            let done = ((r + 1) * workers).min(total);
            eprint!(
                "\rrollup {}: {done}/{total} kabupaten, berjalan {:.0} s ",
                o.scale.name(),
                wall.elapsed().as_secs_f64()
            );
            let _ = std::io::stderr().flush();
        }
    });
    eprintln!();

    let tallies = tallies.into_inner().expect("no worker panicked");
    // A round lasts from the first worker starting to measure to the last one finishing (each
    // worker reads the clock itself: the main thread may be woken late on a busy machine).
    let measured: Duration = (0..rounds)
        .map(|r| {
            let times = tallies.iter().filter_map(|t| t.rounds.get(r));
            let first = times.clone().map(|(a, _)| *a).min();
            let last = times.map(|(_, b)| *b).max();
            match (first, last) {
                (Some(a), Some(b)) => b.saturating_duration_since(a),
                _ => Duration::ZERO,
            }
        })
        .sum();
    let organisations: usize = tallies.iter().map(|t| t.organisations).sum();
    let indicators: usize = tallies.iter().map(|t| t.indicators).sum();
    let checksum: f64 = tallies.iter().map(|t| t.checksum).sum();
    let mut digests: Vec<(usize, u64)> = tallies.iter().flat_map(|t| t.digests.clone()).collect();
    digests.sort_unstable();
    let digest = digests.iter().fold(0xcbf2_9ce4_8422_2325_u64, |h, (_, d)| {
        (h ^ d).wrapping_mul(0x0100_0000_01b3)
    });
    let seconds = measured.as_secs_f64();
    let ns = seconds * 1e9 / indicators.max(1) as f64;
    let cpu: Option<f64> = tallies.iter().map(|t| t.cpu.map(|d| d.as_secs_f64())).sum();
    let indicators_text = if indicators >= 1_000_000 {
        format!(
            "{} juta",
            format::number_trimmed(indicators as f64 / 1e6, 1)
        )
    } else {
        format::number(indicators as f64, 0)
    };
    let cpu_text = cpu.map_or(String::new(), |c| {
        format!(
            "; waktu CPU {} detik, {} ns per indikator",
            format::number(c, 3),
            format::number(c * 1e9 / indicators.max(1) as f64, 0)
        )
    });
    println!(
        "rollup {}: {} organisasi, {indicators_text} indikator, {} detik, {} ns per indikator \
         ({workers} thread, tahun {}, seed {}{cpu_text}; pembuatan data {} detik, tidak dihitung)",
        o.scale.name(),
        format::number(organisations as f64, 0),
        format::number(seconds, 3),
        format::number(ns, 0),
        o.year,
        o.seed,
        format::number(wall.elapsed().as_secs_f64() - seconds, 1),
    );
    let cpu_keys = cpu.map_or(String::new(), |c| {
        format!(
            " cpu_seconds={c:.3} cpu_ns_per_indicator={:.0}",
            c * 1e9 / indicators.max(1) as f64
        )
    });
    println!(
        "rollup scale={} orgs={organisations} indicators={indicators} seconds={seconds:.3} \
         ns_per_indicator={ns:.0} threads={workers} year={} seed={}{cpu_keys} checksum={checksum:.4}",
        o.scale.name(),
        o.year,
        o.seed,
    );
    if o.digest {
        println!("rollup digest={digest:016x}");
    }
    ExitCode::SUCCESS
}
