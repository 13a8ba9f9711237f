//! `pokin cakupan` (Bappeda's coverage of the RPJMD by the perangkat daerah) and
//! `pokin capaian --pemda` (the kabupaten's capaian through the links), both from
//! [`Store::pemda_overview`], the one computation the web pages and the API share; the JSON
//! is the API's (`pokin_web::routes::pemda`).

use crate::ParseFormat;
use crate::commands::{actor, file_name, print_diagnostics, read_text};
use crate::measure::realisation_text;
use anyhow::{Context, Result, bail};
use pokin_domain::capaian::PredicateBands;
use pokin_domain::format;
use pokin_domain::pemda::{PemdaDraft, PemdaSource};
use pokin_import::yaml;
use pokin_store::Store;
use std::fmt::Write as _;
use std::path::Path;
use std::process::ExitCode;

/// Whether `path` holds a canonical pemda file (rather than an organisation's).
pub fn is_pemda_file(path: &Path) -> Result<bool> {
    let bytes =
        std::fs::read(path).with_context(|| format!("tidak dapat membaca {}", path.display()))?;
    Ok(pokin_import::decode(&bytes).is_ok_and(yaml::is_pemda))
}

/// `pokin import PEMDA.yaml [--replace]`: the pemda's tree, members, links and crosscuts in
/// one transaction; broken links are reported and kept.
pub async fn import(store: &Store, path: &Path, replace: bool) -> Result<ExitCode> {
    let bytes =
        std::fs::read(path).with_context(|| format!("tidak dapat membaca {}", path.display()))?;
    let text = pokin_import::decode(&bytes).map_err(anyhow::Error::msg)?;
    let file = yaml::pemda_from_yaml(text)
        .map_err(|e| anyhow::anyhow!("{} tidak dapat diimpor: {e}", path.display()))?;
    let done = store.import_pemda(&actor(), &file, replace).await?;
    for b in &done.broken {
        eprintln!("peringatan: {b}");
    }
    println!(
        "Pemda '{}' {} (id {}): {} simpul RPJMD, {} indikator, {} anggota, {} tautan, {} \
         crosscutting.",
        file.pemda.name,
        if done.replaced {
            "diganti"
        } else {
            "tersimpan"
        },
        done.id,
        file.pemda.nodes.len(),
        file.pemda.indicators().count(),
        file.members.len(),
        done.links,
        done.crosscuts
    );
    Ok(ExitCode::SUCCESS)
}

/// `pokin parse --rpjmd FILE`: the RPJMD tree as read and what the reader had to say; JSON
/// `{"pemda": …, "diagnostics": […]}` with `--format json`. Exit 1 when anything is in error.
pub fn parse_rpjmd(path: &Path, fmt: ParseFormat, verbose: bool) -> Result<ExitCode> {
    let reading = pokin_import::rpjmd::parse(&read_text(path)?, None);
    match fmt {
        ParseFormat::Json => println!(
            "{}",
            serde_json::to_string_pretty(&serde_json::json!({
                "pemda": reading.draft,
                "diagnostics": reading.diagnostics,
            }))?
        ),
        ParseFormat::Text => {
            print!("{}", rpjmd_tree(&reading.draft));
            println!();
            print_diagnostics(&reading.diagnostics, &file_name(path), verbose);
        }
    }
    Ok(if reading.has_errors() {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    })
}

/// `pokin import --rpjmd FILE [--name N] [--replace]`: a new pemda from an RPJMD text, or
/// (`--replace`) a new tree for the pemda of that name, its links kept.
pub async fn import_rpjmd(
    store: &Store,
    path: &Path,
    name: Option<&str>,
    replace: bool,
) -> Result<ExitCode> {
    let reading = pokin_import::rpjmd::parse(&read_text(path)?, name);
    let Some(pemda) = reading.pemda else {
        print_diagnostics(&reading.diagnostics, &file_name(path), false);
        bail!(
            "{} berisi kesalahan; tidak ada yang disimpan. Perbaiki baris di atas lalu impor lagi.",
            file_name(path)
        );
    };
    let existing = store.pemda_by_name(&pemda.name).await?;
    let id = match existing {
        Some(p) if !replace => bail!(
            "pemda '{}' sudah ada (id {}). Pakai --replace untuk mengganti pohon RPJMD-nya.",
            p.name,
            p.id
        ),
        other => {
            store
                .save_pemda(&actor(), other.map(|p| p.id), &pemda)
                .await?
        }
    };
    println!(
        "Pohon RPJMD '{}' tersimpan (id {id}): {} simpul, {} indikator.",
        pemda.name,
        pemda.nodes.len(),
        pemda.indicators().count()
    );
    Ok(ExitCode::SUCCESS)
}

/// The RPJMD tree for the terminal: one line per node and indicator, indented by depth.
fn rpjmd_tree(d: &PemdaDraft) -> String {
    let mut out = format!(
        "{} (RPJMD {}–{})\nVisi: {}\n",
        d.name, d.rpjmd.start, d.rpjmd.end, d.visi
    );
    fn walk(d: &PemdaDraft, parent: Option<&pokin_domain::Code>, depth: usize, out: &mut String) {
        for n in d.nodes.iter().filter(|n| n.parent.as_ref() == parent) {
            let pad = "  ".repeat(depth);
            let _ = writeln!(out, "{pad}{} {} {}", n.level.label(), n.code, n.statement);
            for i in &n.indicators {
                let _ = writeln!(
                    out,
                    "{pad}  · {} {} [{}] {}",
                    i.code,
                    i.name,
                    i.satuan.as_deref().unwrap_or("—"),
                    i.targets_text()
                );
            }
            walk(d, Some(&n.code), depth + 1, out);
        }
    }
    walk(d, None, 0, &mut out);
    out
}

/// The pemda named `name`, or the only one when `name` is empty.
pub async fn pemda_id(store: &Store, name: &str) -> Result<i64> {
    let all = store.pemdas().await?;
    let names = || {
        all.iter()
            .map(|p| format!("'{}'", p.name))
            .collect::<Vec<_>>()
            .join(", ")
    };
    if name.is_empty() {
        return match all.as_slice() {
            [one] => Ok(one.id),
            [] => bail!(
                "belum ada pemda di basis data ini. Muat demo dengan `pokin demo` atau simpan \
                 pohon kinerja pemda lebih dahulu."
            ),
            _ => bail!(
                "ada beberapa pemda; sebutkan salah satu dengan --pemda NAMA: {}",
                names()
            ),
        };
    }
    all.iter()
        .find(|p| p.name == name)
        .map(|p| p.id)
        .ok_or_else(|| anyhow::anyhow!("pemda '{name}' tidak ditemukan. Yang ada: {}", names()))
}

fn percent(v: Option<f64>) -> String {
    v.map_or_else(|| "—".into(), |v| format!("{}%", format::number(v, 2)))
}

/// `pokin cakupan`.
pub async fn cakupan(store: &Store, pemda: &str, tahun: i32, fmt: ParseFormat) -> Result<ExitCode> {
    let id = pemda_id(store, pemda).await?;
    let o = store.pemda_overview(id, tahun).await?;
    let node_statement = |c: &pokin_domain::Code| {
        o.pemda
            .node(c)
            .map(|n| n.statement.clone())
            .unwrap_or_default()
    };
    let waiting: Vec<_> = o
        .links
        .iter()
        .filter(|l| l.status == pokin_domain::pemda::LinkStatus::Diusulkan)
        .collect();
    match fmt {
        ParseFormat::Json => {
            let v = pokin_web::routes::pemda::coverage_json(&o);
            println!("{}", serde_json::to_string_pretty(&v)?);
        }
        ParseFormat::Text => {
            let mut out = String::new();
            writeln!(
                out,
                "Cakupan cascading {} — RPJMD {}–{}",
                o.pemda.name, o.pemda.rpjmd.start, o.pemda.rpjmd.end
            )?;
            writeln!(
                out,
                "\nPersen cascading per perangkat daerah (sasaran Kepala yang tertaut ke RPJMD):"
            )?;
            for (i, c) in o.coverage.orgs.iter().enumerate() {
                writeln!(
                    out,
                    "{:>3}. {:<50} {:>8}  ({} dari {} sasaran; menunggu {}, ditolak {}, rusak {})",
                    i + 1,
                    c.name,
                    percent(c.persen_cascading),
                    c.linked,
                    c.head_objectives,
                    c.waiting,
                    c.rejected,
                    c.broken
                )?;
            }
            writeln!(
                out,
                "\nSasaran daerah tanpa perangkat daerah: {}",
                o.coverage.uncovered.len()
            )?;
            for c in &o.coverage.uncovered {
                writeln!(out, "  {c} {}", node_statement(c))?;
            }
            writeln!(out, "\nTautan menunggu jawaban: {}", waiting.len())?;
            for l in &waiting {
                let days = (chrono::Utc::now() - l.proposed_at).num_days();
                // Overdue as the coverage computed it (waiting longer than STALE_DAYS).
                let late = if o.coverage.stale.iter().any(|(id, _)| *id == l.id) {
                    " — TERLAMBAT"
                } else {
                    ""
                };
                writeln!(
                    out,
                    "  #{} {} → {} (diusulkan oleh {}, {days} hari){late}",
                    l.id,
                    o.org_name(l.org_id),
                    l.target.node,
                    if l.proposed_by == pokin_domain::pemda::LinkSide::Pemda {
                        "Bappeda"
                    } else {
                        "perangkat daerah"
                    },
                )?;
            }
            print!("{out}");
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// `pokin capaian --pemda`: every pemda indicator with its numeric `capaian` (or `null`).
pub async fn capaian(store: &Store, pemda: &str, tahun: i32, fmt: ParseFormat) -> Result<ExitCode> {
    let id = pemda_id(store, pemda).await?;
    let o = store.pemda_overview(id, tahun).await?;
    let bands = PredicateBands::default();
    match fmt {
        ParseFormat::Json => {
            let v = pokin_web::routes::pemda::capaian_json(&o);
            println!("{}", serde_json::to_string_pretty(&v)?);
        }
        ParseFormat::Text => {
            let mut out = String::new();
            writeln!(out, "Capaian {} — Tahun {tahun}", o.pemda.name)?;
            for c in &o.capaian {
                let Some((node, i)) = o.pemda.indicator(&c.code) else {
                    continue;
                };
                let how = match &c.source {
                    PemdaSource::Realisasi { realisasi, .. } => format!(
                        "realisasi Bappeda {}",
                        realisation_text(realisasi, i.satuan.as_deref(), i.decimals)
                    ),
                    PemdaSource::Tautan { roll_up } => roll_up.coverage("tautan"),
                };
                writeln!(
                    out,
                    "  {} {} [{} {}]: {} — {how}",
                    i.code,
                    i.name,
                    node.level.label(),
                    node.code,
                    c.capaian.describe(&bands)
                )?;
            }
            print!("{out}");
        }
    }
    Ok(ExitCode::SUCCESS)
}
