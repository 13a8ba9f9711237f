//! `pokin report`: the documents an agency signs and files, written to a file whose extension
//! chooses the format. The content comes from the store's one assembly
//! (`Store::perjanjian_kinerja`, `lkjip`, `renja`; the pemda's from `PemdaOverview`), the layout
//! from `pokin-docs`.

use crate::ReportKind;
use anyhow::{Context, Result, bail};
use indicatif::{ProgressBar, ProgressStyle};
use pokin_docs::pohon::{PohonOptions, paint_capaian, render_svg};
use pokin_domain::measure::{Span, measure_organisation};
use pokin_domain::{Organisation, UnitKey};
use pokin_store::Store;
use std::io::Write as _;
use std::path::Path;
use std::process::ExitCode;

/// What `pokin report` was asked for.
pub struct ReportRequest<'a> {
    pub kind: ReportKind,
    pub unit: Option<&'a str>,
    pub year: i32,
    pub out: &'a Path,
    pub all_units: bool,
    pub version: Option<u32>,
    pub coloured: bool,
}

/// Writes the document; prints where it went.
pub async fn report(
    store: &Store,
    org_id: i64,
    org: &Organisation,
    req: ReportRequest<'_>,
) -> Result<ExitCode> {
    let ext = extension(req.out);
    let unit = || -> Result<UnitKey> {
        match req.unit {
            Some(k) => {
                let key = UnitKey::parse(k).map_err(|e| anyhow::anyhow!("--unit: {e}"))?;
                if !org.units.iter().any(|u| u.key == key) {
                    bail!(
                        "unit '{k}' tidak ada di '{}'. Lihat kunci unit dengan `pokin tree`.",
                        org.name
                    );
                }
                Ok(key)
            }
            None => org
                .units
                .iter()
                .find(|u| u.parent.is_none())
                .map(|u| u.key.clone())
                .context("organisasi ini belum memiliki unit"),
        }
    };
    if req.all_units && !(req.kind == ReportKind::Pk && ext == "zip") {
        bail!("--all-units hanya untuk `pokin report pk` dengan --out BERKAS.zip");
    }
    let unsupported = |allowed: &str| {
        anyhow::anyhow!(
            "format '.{ext}' tidak tersedia untuk laporan ini; pakai --out dengan akhiran {allowed}"
        )
    };
    let bytes: Vec<u8> = match (req.kind, ext.as_str()) {
        (ReportKind::Pk, "pdf") => {
            let doc = store
                .perjanjian_kinerja(org_id, &unit()?, req.year, req.version)
                .await?;
            warn_problems(&doc.problems());
            pokin_docs::pk::pdf(&doc)?
        }
        (ReportKind::Pk, "zip") if req.all_units => all_units_zip(store, org_id, org, &req).await?,
        (ReportKind::Pk, "zip") => bail!("berkas .zip dibuat dengan --all-units"),
        (ReportKind::Pk, _) => return Err(unsupported(".pdf (atau .zip dengan --all-units)")),
        (ReportKind::RencanaAksi, "pdf" | "xlsx") => {
            let doc = store
                .perjanjian_kinerja(org_id, &unit()?, req.year, req.version)
                .await?;
            if ext == "pdf" {
                pokin_docs::pk::rencana_aksi_pdf(&doc)?
            } else {
                pokin_docs::report_xlsx::rencana_aksi(&doc)?
            }
        }
        (ReportKind::RencanaAksi, _) => return Err(unsupported(".pdf atau .xlsx")),
        (ReportKind::Lkjip, "pdf") => {
            pokin_docs::lkjip::pdf(&store.lkjip(org_id, req.year).await?)?
        }
        (ReportKind::Lkjip, "xlsx") => {
            pokin_docs::report_xlsx::lkjip(&store.lkjip(org_id, req.year).await?)?
        }
        (ReportKind::Lkjip, _) => return Err(unsupported(".pdf atau .xlsx")),
        (ReportKind::Renja, "xlsx") => {
            pokin_docs::report_xlsx::renja(&store.renja(org_id, req.year).await?)?
        }
        (ReportKind::Renja, _) => return Err(unsupported(".xlsx")),
        (ReportKind::Pohon, "svg" | "pdf") => {
            let opts = pohon_options(store, org_id, org, req.year, req.coloured).await?;
            if ext == "svg" {
                render_svg(org, &opts).into_bytes()
            } else {
                pokin_docs::poster::pdf(org, &opts)?
            }
        }
        (ReportKind::Pohon, _) => return Err(unsupported(".svg atau .pdf")),
        (ReportKind::IkuPemda | ReportKind::Cascading | ReportKind::PkKepalaDaerah, _) => {
            bail!("dokumen pemda dibuat oleh `pemda_report`")
        }
    };
    write_and_tell(req.out, &bytes)
}

/// The tree's options: plain, or coloured by the capaian of `year` (verified realisations).
async fn pohon_options(
    store: &Store,
    org_id: i64,
    org: &Organisation,
    year: i32,
    coloured: bool,
) -> Result<PohonOptions> {
    let mut opts = PohonOptions::default();
    if coloured {
        let settings = store.measure_settings(org_id).await?;
        let data = store.year_measurements(org_id, year).await?;
        let m = measure_organisation(org, year, Span::Year, &data.verified, &settings);
        let span = Span::Year.label(year);
        paint_capaian(&mut opts, org, &m.roll_up, &settings.bands, &span);
    }
    Ok(opts)
}

/// Every unit's Perjanjian Kinerja in one zip, with a progress bar on a terminal.
async fn all_units_zip(
    store: &Store,
    org_id: i64,
    org: &Organisation,
    req: &ReportRequest<'_>,
) -> Result<Vec<u8>> {
    let units = pokin_domain::document::tree_order(org);
    let bar = ProgressBar::new(units.len() as u64);
    bar.set_style(
        ProgressStyle::with_template("{bar:30} {pos}/{len} PK {msg}")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    let mut problems = 0;
    for (i, u) in units.iter().enumerate() {
        bar.set_message(u.key.to_string());
        let doc = store
            .perjanjian_kinerja(org_id, &u.key, req.year, None)
            .await?;
        if !doc.problems().is_empty() {
            problems += 1;
        }
        let pdf = pokin_docs::pk::pdf(&doc)?;
        zip.start_file(
            format!("{:02}-pk-{}-{}.pdf", i + 1, u.key, req.year),
            options,
        )
        .context("zip gagal ditulis")?;
        zip.write_all(&pdf).context("zip gagal ditulis")?;
        bar.inc(1);
    }
    bar.finish_and_clear();
    if problems > 0 {
        eprintln!(
            "peringatan: {problems} PK belum lengkap (pejabat atau target belum diisi); \
             periksa dengan `pokin report pk --unit KUNCI`."
        );
    }
    Ok(zip.finish().context("zip gagal ditulis")?.into_inner())
}

fn warn_problems(problems: &[String]) {
    for p in problems {
        eprintln!("peringatan: {p}");
    }
}

/// The extension of `--out`, lower case (`""` when none): it chooses the format.
fn extension(path: &Path) -> String {
    path.extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase)
        .unwrap_or_default()
}

/// Writes the document and says where it went.
fn write_and_tell(path: &Path, bytes: &[u8]) -> Result<ExitCode> {
    write_atomically(path, bytes)?;
    println!(
        "{} ditulis ({} bita).",
        path.display(),
        pokin_domain::format::number(bytes.len() as f64, 0)
    );
    Ok(ExitCode::SUCCESS)
}

/// Writes `bytes` to a temporary file beside `path`, syncs it and renames it into place: a
/// reader never sees half a document, and a failure leaves any earlier file as it was.
fn write_atomically(path: &Path, bytes: &[u8]) -> Result<()> {
    let mut tmp = temp_beside(path)?;
    tmp.write_all(bytes)
        .with_context(|| format!("tidak dapat menulis {}", path.display()))?;
    persist(tmp, path).map(|_| ())
}

/// A temporary file in the folder of `path`, to be moved there by [`persist`].
pub(crate) fn temp_beside(path: &Path) -> Result<tempfile::NamedTempFile> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    tempfile::NamedTempFile::new_in(dir)
        .with_context(|| format!("tidak dapat menulis ke folder {}", dir.display()))
}

/// Syncs `tmp` to disk and renames it to `path`; returns its size in bytes.
pub(crate) fn persist(tmp: tempfile::NamedTempFile, path: &Path) -> Result<u64> {
    let written = || format!("tidak dapat menulis {}", path.display());
    tmp.as_file().sync_all().with_context(written)?;
    let size = tmp.as_file().metadata().map(|m| m.len()).unwrap_or(0);
    tmp.persist(path).with_context(written)?;
    Ok(size)
}

/// `pokin report iku-pemda|cascading|pk-kepala-daerah`: the pemda's documents, from its
/// overview of `year` (a year outside the RPJMD is refused, nothing is written).
pub async fn pemda_report(
    store: &Store,
    pemda: &str,
    kind: ReportKind,
    year: i32,
    out: &Path,
) -> Result<ExitCode> {
    let ext = extension(out);
    let allowed = match kind {
        ReportKind::PkKepalaDaerah => ".pdf",
        _ => ".pdf atau .xlsx",
    };
    if !(ext == "pdf" || (ext == "xlsx" && kind != ReportKind::PkKepalaDaerah)) {
        bail!(
            "format '.{ext}' tidak tersedia untuk laporan ini; pakai --out dengan akhiran {allowed}"
        );
    }
    let id = crate::pemda::pemda_id(store, pemda).await?;
    let o = store.pemda_overview(id, year).await?;
    let pdf = ext == "pdf";
    let bytes = match kind {
        ReportKind::IkuPemda => {
            let doc = o.iku_pemda()?;
            if pdf {
                pokin_docs::pemda::iku_pdf(&doc)?
            } else {
                pokin_docs::pemda::iku_xlsx(&doc)?
            }
        }
        ReportKind::Cascading => {
            let doc = o.cascading()?;
            let uncovered = doc.uncovered().count();
            if uncovered > 0 {
                eprintln!(
                    "peringatan: {uncovered} indikator sasaran daerah belum direalisasikan \
                     perangkat daerah mana pun (lihat `pokin cakupan --tahun {year}`)."
                );
            }
            if pdf {
                pokin_docs::pemda::cascading_pdf(&doc)?
            } else {
                pokin_docs::pemda::cascading_xlsx(&doc)?
            }
        }
        _ => {
            let doc = o.pk_kepala_daerah()?;
            warn_problems(&doc.problems());
            pokin_docs::pemda::pk_kepala_daerah_pdf(&doc)?
        }
    };
    write_and_tell(out, &bytes)
}
