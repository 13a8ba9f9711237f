//! `pokin demo --synthetic kabupaten|provinsi|nasional [--seed N] [--teks BERKAS]`: synthetic
//! agencies (`pokin-synth`) loaded into the database in bulk, one kabupaten (40 organisations)
//! per transaction, for scale tests and benchmarks of the pages. Each kabupaten's pemda follows
//! (its RPJMD tree, its members, its links proposed by Bappeda and accepted or rejected by the
//! organisations) through the store's ordinary audited operations.
//!
//! Generating a kabupaten is pure CPU work: the next one is generated on a blocking thread while
//! the current one is written (a pipeline one kabupaten deep, so memory stays bounded at
//! national scale). On PostgreSQL two kabupaten are written at once, each in its own
//! transaction: the server spends a process per connection, and one was measured to keep a
//! single core busy. Progress goes to stderr; the summary to stdout.

use crate::commands::{DEMO_PASSWORD, create_demo_accounts, demo_admin};
use anyhow::{Context, Result, anyhow, bail};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use pokin_domain::capaian::Realisation;
use pokin_domain::measure::{IndicatorKey, Period};
use pokin_domain::pemda::{LinkAction, LinkSide};
use pokin_domain::{Organisation, TargetValue, format};
use pokin_store::NewLink;
use pokin_store::{Backend, BulkOrganisation, BulkRealisation, Store};
use pokin_synth::{LinkOutcome, Scale, SyntheticOrg, SyntheticPemda};
use std::collections::VecDeque;
use std::path::Path;
use std::process::ExitCode;
use std::time::{Duration, Instant};
use tokio::task::JoinHandle;

/// One synthetic organisation in the shape the store's bulk import takes.
struct Prepared {
    org: Organisation,
    period_targets: Vec<(IndicatorKey, Period, TargetValue)>,
    realisations: Vec<BulkRealisation>,
}

impl From<SyntheticOrg> for Prepared {
    fn from(s: SyntheticOrg) -> Self {
        Prepared {
            realisations: bulk_realisations(&s),
            org: s.org,
            period_targets: s.period_targets,
        }
    }
}

/// A synthetic organisation's realisations in the shape the store's bulk import takes.
pub(crate) fn bulk_realisations(s: &SyntheticOrg) -> Vec<BulkRealisation> {
    s.realisations
        .iter()
        .map(|r| BulkRealisation {
            indicator: r.indicator.clone(),
            period: r.period,
            value: r.value.clone(),
            status: r.status,
            return_reason: r.return_reason.clone(),
            updated_by: r.updated_by.clone(),
        })
        .collect()
}

/// What has been loaded so far.
#[derive(Default)]
struct Counts {
    orgs: usize,
    units: usize,
    indicators: usize,
    period_targets: usize,
    realisations: usize,
    pemdas: usize,
    links: usize,
    /// Every row written: organisations, units, officials, objectives, cascade links,
    /// indicators, Renstra targets, Rencana Aksi targets and realisations.
    rows: usize,
}

impl Counts {
    fn add_org(&mut self, p: &Prepared) {
        let org = &p.org;
        let (units, objectives, indicators) = org.counts();
        let officials: usize = org.units.iter().map(|u| u.officials.len()).sum();
        let objectives_of = || org.units.iter().flat_map(|u| &u.objectives);
        let supports: usize = objectives_of().map(|o| o.supports.len()).sum();
        let targets: usize = objectives_of()
            .flat_map(|o| &o.indicators)
            .map(|i| i.targets.len())
            .sum();
        self.orgs += 1;
        self.units += units;
        self.indicators += indicators;
        self.period_targets += p.period_targets.len();
        self.realisations += p.realisations.len();
        self.rows += 1
            + units
            + officials
            + objectives
            + supports
            + indicators
            + targets
            + p.period_targets.len()
            + p.realisations.len();
    }

    fn add(&mut self, other: &Counts) {
        self.orgs += other.orgs;
        self.units += other.units;
        self.indicators += other.indicators;
        self.period_targets += other.period_targets;
        self.realisations += other.realisations;
        self.pemdas += other.pemdas;
        self.links += other.links;
        self.rows += other.rows;
    }
}

/// One generated kabupaten: its organisations and its pemda.
struct Kabupaten {
    orgs: Vec<Prepared>,
    pemda: SyntheticPemda,
}

/// Starts generating kabupaten `index` of `seed` on a blocking thread (at once, not when
/// awaited).
fn generate(seed: u64, index: usize) -> JoinHandle<Kabupaten> {
    tokio::task::spawn_blocking(move || {
        let orgs = pokin_synth::kabupaten(seed, index);
        let pemda = pokin_synth::pemda(seed, index, &orgs);
        Kabupaten {
            orgs: orgs.into_iter().map(Prepared::from).collect(),
            pemda,
        }
    })
}

/// The kabupaten a [`generate`] produced.
async fn generated(handle: JoinHandle<Kabupaten>) -> Result<Kabupaten> {
    handle
        .await
        .map_err(|e| anyhow!("pembuat data sintetis berhenti dengan kesalahan: {e}"))
}

/// Writes one kabupaten's organisations in one transaction, then its pemda; returns what it
/// held.
async fn write(store: Store, actor: String, kabupaten: Kabupaten) -> Result<Counts> {
    let items: Vec<BulkOrganisation> = kabupaten
        .orgs
        .iter()
        .map(|p| BulkOrganisation {
            org: &p.org,
            period_targets: &p.period_targets,
            realisations: &p.realisations,
        })
        .collect();
    let ids = store.bulk_import(&actor, &items).await?;
    let mut c = Counts::default();
    for p in &kabupaten.orgs {
        c.add_org(p);
    }
    c.links = write_pemda(&store, &kabupaten.pemda, &ids).await?;
    c.pemdas = 1;
    Ok(c)
}

/// The pemda of a kabupaten whose organisations were stored as `ids`: Bappeda saves the RPJMD
/// tree, the admin makes the organisations members, Bappeda proposes each link and each
/// organisation's perencana accepts (naming its objective) or rejects it. Returns the links.
async fn write_pemda(store: &Store, p: &SyntheticPemda, ids: &[i64]) -> Result<usize> {
    let pemda = store.save_pemda("bappeda", None, &p.pemda).await?;
    for id in ids {
        store.set_pemda_of("admin", *id, Some(pemda)).await?;
    }
    for l in &p.links {
        let link = NewLink {
            org_id: ids[l.org_index],
            target: l.target.clone(),
            source: None,
            role: l.role,
            weight: l.weight,
            side: LinkSide::Pemda,
        };
        let id = store.propose_link("bappeda", pemda, &link).await?;
        match l.outcome {
            LinkOutcome::Accepted => {
                store
                    .decide_link(
                        "perencana",
                        pemda,
                        id,
                        LinkAction::Terima,
                        Some(&l.source),
                        None,
                    )
                    .await?;
            }
            LinkOutcome::Rejected => {
                store
                    .decide_link(
                        "perencana",
                        pemda,
                        id,
                        LinkAction::Tolak,
                        None,
                        Some(pokin_synth::REJECTION),
                    )
                    .await?;
            }
            LinkOutcome::Waiting => {}
        }
    }
    for (code, year, value) in &p.own {
        store
            .set_pemda_realisation(
                "bappeda",
                pemda,
                code,
                *year,
                Some(&Realisation::Number(*value)),
            )
            .await?;
    }
    Ok(p.links.len())
}

/// The outcome of a [`write`] task.
async fn written(handle: JoinHandle<Result<Counts>>) -> Result<Counts> {
    handle
        .await
        .map_err(|e| anyhow!("penulisan data sintetis berhenti dengan kesalahan: {e}"))?
}

/// Loads every kabupaten of `scale` for `seed`; refuses when that seed's organisations are
/// already stored. Then makes sure an `admin` account exists (demo password).
pub async fn load(store: &Store, scale: Scale, seed: u64, actor: &str) -> Result<ExitCode> {
    let start = Instant::now();
    let total = scale.kabupaten();
    let first = generated(generate(seed, 0)).await?;
    for p in &first.orgs {
        if let Some(existing) = store.organisation_by_name(&p.org.name).await? {
            bail!(
                "data sintetis seed {seed} sudah ada di basis data ini (misalnya organisasi '{}', \
                 id {}). Muat ke basis data baru: pakai --data-dir dengan folder kosong, atau \
                 --database-url ke basis data PostgreSQL yang baru dibuat.",
                existing.name,
                existing.id
            );
        }
    }

    let bar = ProgressBar::with_draw_target(Some(total as u64), ProgressDrawTarget::stderr());
    bar.set_style(
        ProgressStyle::with_template(
            "{elapsed_precise} [{bar:30}] {pos}/{len} kabupaten · {msg} · perkiraan sisa {eta}",
        )
        .unwrap_or_else(|_| ProgressStyle::default_bar())
        .progress_chars("=> "),
    );
    bar.set_message("0 organisasi");
    bar.enable_steady_tick(Duration::from_millis(500));

    // PostgreSQL writes two kabupaten at once (a server process each, on different rows);
    // SQLite has one writer at a time.
    let parallel = match store.backend() {
        Backend::Postgres => 2,
        Backend::Sqlite => 1,
    };
    let mut counts = Counts::default();
    let mut stored = 0;
    let mut failure = None;
    let mut writing: VecDeque<(usize, JoinHandle<Result<Counts>>)> = VecDeque::new();
    // A kabupaten written: counted and shown.
    let mut tally = |c: Counts| {
        stored += 1;
        counts.add(&c);
        bar.inc(1);
        bar.set_message(format!("{} organisasi", count(counts.orgs)));
    };
    let mut current = Some(first);
    let mut next = None;
    for index in 0..total {
        let kabupaten = match current.take() {
            Some(k) => k,
            None => generated(next.take().unwrap_or_else(|| generate(seed, index))).await?,
        };
        // Generate the next kabupaten while this one is written.
        if index + 1 < total {
            next = Some(generate(seed, index + 1));
        }
        while writing.len() >= parallel && failure.is_none() {
            if let Some((i, handle)) = writing.pop_front() {
                match written(handle).await {
                    Ok(c) => tally(c),
                    Err(e) => failure = Some((i, e)),
                }
            }
        }
        if failure.is_some() {
            break;
        }
        let task = write(store.clone(), actor.to_owned(), kabupaten);
        writing.push_back((index, tokio::spawn(task)));
    }
    // The transactions still running finish (and commit) either way.
    for (i, handle) in writing {
        match written(handle).await {
            Ok(c) => tally(c),
            Err(e) => {
                failure.get_or_insert((i, e));
            }
        }
    }
    if let Some((i, e)) = failure {
        bar.abandon();
        return Err(e.context(format!(
            "kabupaten sintetis ke-{} dari {total} tidak dapat dimuat (kabupaten itu tidak \
             tersimpan; {stored} kabupaten lain sudah tersimpan). Mulai lagi dengan basis data \
             yang baru.",
            i + 1
        )));
    }
    bar.finish_and_clear();
    let elapsed = start.elapsed();

    println!(
        "Data sintetis {} (seed {seed}) dimuat: {} organisasi, {} unit, {} indikator, {} \
         realisasi dalam {}.",
        scale.name(),
        count(counts.orgs),
        count(counts.units),
        count(counts.indicators),
        count(counts.realisations),
        duration(elapsed)
    );
    println!(
        "{} pemda, masing-masing dengan pohon RPJMD dan tautan cascading dari perangkat daerahnya \
         ({} tautan: sebagian besar diterima, sebagian menunggu, sebagian ditolak).",
        count(counts.pemdas),
        count(counts.links)
    );
    println!(
        "({} target rencana aksi; {} baris seluruhnya, sekitar {} baris per detik.)",
        count(counts.period_targets),
        count(counts.rows),
        count((counts.rows as f64 / elapsed.as_secs_f64().max(0.001)) as usize)
    );
    let made = create_demo_accounts(store, None, vec![demo_admin()]).await?;
    if made > 0 {
        println!(
            "Akun 'admin' (peran admin) dibuat dengan sandi '{DEMO_PASSWORD}' untuk mencoba \
             halaman web: pokin serve"
        );
    } else {
        println!("Akun 'admin' sudah ada; sandinya tidak diubah.");
    }
    Ok(ExitCode::SUCCESS)
}

/// `--teks`: writes the pohon kinerja text of kabupaten 0 of `seed` to `path`.
pub fn write_text(seed: u64, path: &Path) -> Result<ExitCode> {
    let orgs = pokin_synth::kabupaten(seed, 0);
    let text = pokin_synth::pohon_text(&orgs);
    std::fs::write(path, &text).with_context(|| {
        format!(
            "tidak dapat menulis teks pohon kinerja ke {}",
            path.display()
        )
    })?;
    println!(
        "Teks pohon kinerja sintetis (kabupaten pertama, seed {seed}: {} organisasi, {} baris) \
         ditulis ke {}. Baca dengan: pokin parse {}",
        count(orgs.len()),
        count(text.lines().count()),
        path.display(),
        path.display()
    );
    Ok(ExitCode::SUCCESS)
}

/// A count the Indonesian way (`80.920`).
fn count(n: usize) -> String {
    format::number(n as f64, 0)
}

/// `3,2 detik`, `12 menit 5 detik`.
fn duration(d: Duration) -> String {
    let secs = d.as_secs_f64();
    if secs < 60.0 {
        format!("{} detik", format::number(secs, 1))
    } else {
        let whole = d.as_secs();
        format!(
            "{} menit {} detik",
            count((whole / 60) as usize),
            whole % 60
        )
    }
}
