//! One function per subcommand.

use crate::render;
use crate::{AuditCommand, Cli, Command, ExportFormat, ParseFormat, UserCommand};
use anyhow::{Context, Result, bail};
use pokin_domain::Organisation;
use pokin_domain::check::{self, Severity};
use pokin_domain::{UnitKey, UnitKind};
use pokin_import::spelling::{self, Speller};
use pokin_import::{text, yaml};
use pokin_store::{ImportMode, NewUser, Role, Store};
use std::path::Path;
use std::process::ExitCode;

/// The demo agency: the seed's pohon kinerja with curated parents, cascade, officials and
/// Renstra targets (see data/demo/README.md). Embedded so `pokin demo` works from any folder.
const DEMO_YAML: &str = include_str!("../../../data/demo/dpmptsp-naker.yaml");

pub async fn run(cli: Cli) -> Result<ExitCode> {
    let Cli {
        data_dir,
        database_url,
        command,
    } = cli;
    let db = || open_store(&data_dir, database_url.as_deref());
    match command {
        Command::Parse {
            file,
            format,
            verbose,
            rpjmd: false,
        } => parse(&file, format, verbose),
        Command::Parse {
            file,
            format,
            verbose,
            rpjmd: true,
        } => crate::pemda::parse_rpjmd(&file, format, verbose),
        Command::Import {
            file,
            replace,
            name,
            rpjmd: true,
        } => {
            let store = db().await?;
            crate::pemda::import_rpjmd(&store, &file, name.as_deref(), replace).await
        }
        Command::Import {
            file,
            replace,
            name,
            ..
        } if crate::pemda::is_pemda_file(&file)? => {
            if name.is_some() {
                bail!("--name hanya untuk organisasi; nama pemda tertulis di berkasnya");
            }
            let store = db().await?;
            crate::pemda::import(&store, &file, replace).await
        }
        Command::Import {
            file,
            replace,
            name,
            ..
        } => {
            let org = read_organisation(&file, name.as_deref())?;
            let mode = if replace {
                ImportMode::Replace
            } else {
                ImportMode::New
            };
            let store = db().await?;
            let id = store.import_organisation(&actor(), &org, mode).await?;
            let (u, o, i) = org.counts();
            println!(
                "Organisasi '{}' tersimpan (id {id}): {u} unit, {o} sasaran, {i} indikator.",
                org.name
            );
            Ok(ExitCode::SUCCESS)
        }
        Command::Export {
            org,
            pemda,
            format: ExportFormat::Yaml,
            out,
        } => {
            let store = db().await?;
            let text = match pemda {
                Some(name) => {
                    let id = crate::pemda::pemda_id(&store, &name).await?;
                    yaml::pemda_to_yaml(&store.export_pemda(id).await?)
                }
                None => yaml::to_yaml(&load(&store, org.as_deref()).await?),
            };
            match out {
                Some(path) => std::fs::write(&path, text)
                    .with_context(|| format!("tidak dapat menulis {}", path.display()))?,
                None => print!("{text}"),
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Check {
            pemda: Some(pemda),
            strict,
            ..
        } => check_pemda(&db().await?, &pemda, strict).await,
        Command::Check { org, strict, .. } => {
            let store = db().await?;
            let org = load(&store, org.as_deref()).await?;
            check_org(&org, strict)
        }
        Command::Tree { org, targets } => {
            let store = db().await?;
            let org = load(&store, org.as_deref()).await?;
            print!("{}", render::tree(&org, render::TreeOptions { targets }));
            Ok(ExitCode::SUCCESS)
        }
        Command::Serve {
            listen,
            demo,
            secure_cookies,
        } => {
            let store = db().await?;
            serve(store, &listen, demo, secure_cookies).await
        }
        Command::Hitung {
            target,
            realisasi,
            polaritas,
            rentang,
            rumus,
        } => crate::measure::hitung(
            target.as_deref(),
            &realisasi,
            polaritas,
            rentang.as_deref(),
            rumus,
        ),
        Command::Capaian {
            pemda: Some(pemda),
            tahun,
            format,
            ..
        } => {
            let store = db().await?;
            crate::pemda::capaian(&store, &pemda, tahun, format).await
        }
        Command::Cakupan {
            pemda,
            tahun,
            format,
        } => {
            let store = db().await?;
            crate::pemda::cakupan(&store, pemda.as_deref().unwrap_or(""), tahun, format).await
        }
        Command::Capaian {
            org,
            tahun,
            triwulan,
            format,
            pemda: None,
        } => {
            let store = db().await?;
            let (id, org) = load_with_id(&store, org.as_deref()).await?;
            crate::measure::capaian_report(&store, id, &org, tahun, triwulan, format).await
        }
        Command::Report {
            kind,
            org,
            pemda,
            unit,
            tahun,
            out,
            all_units,
            versi,
            warna_capaian,
        } if kind.is_pemda() => {
            if org.is_some() || unit.is_some() || all_units || versi.is_some() || warna_capaian {
                bail!(
                    "--org, --unit, --all-units, --versi dan --warna-capaian tidak berlaku untuk \
                     dokumen pemda; pakai --pemda NAMA"
                );
            }
            let store = db().await?;
            crate::report::pemda_report(&store, pemda.as_deref().unwrap_or(""), kind, tahun, &out)
                .await
        }
        Command::Report {
            kind,
            org,
            unit,
            tahun,
            out,
            all_units,
            versi,
            warna_capaian,
            pemda,
        } => {
            if pemda.is_some() {
                bail!("--pemda hanya untuk iku-pemda, cascading dan pk-kepala-daerah");
            }
            let store = db().await?;
            let (id, org) = load_with_id(&store, org.as_deref()).await?;
            let req = crate::report::ReportRequest {
                kind,
                unit: unit.as_deref(),
                year: tahun,
                out: &out,
                all_units,
                version: versi,
                coloured: warna_capaian,
            };
            crate::report::report(&store, id, &org, req).await
        }
        Command::Backup { out } => {
            let store = db().await?;
            backup(&store, &out).await
        }
        Command::Restore { file } => {
            let store = db().await?;
            restore(&store, &file).await
        }
        Command::User { command } => {
            let store = db().await?;
            user(&store, command).await
        }
        Command::Audit {
            command: AuditCommand::Verify,
        } => {
            let store = db().await?;
            audit_verify(&store).await
        }
        Command::Demo {
            synthetic: Some(scale),
            seed,
            teks,
            ..
        } => match teks {
            Some(path) => crate::synthetic::write_text(seed, &path),
            None => {
                let store = db().await?;
                crate::synthetic::load(&store, scale, seed, &actor()).await
            }
        },
        Command::Demo {
            reset,
            synthetic: None,
            ..
        } => {
            let org = yaml::from_yaml(DEMO_YAML).context("data demo bawaan rusak")?;
            let store = db().await?;
            let exists = store.organisation_by_name(&org.name).await?.is_some();
            if exists && !reset {
                println!(
                    "Data demo '{}' sudah ada. Pakai `pokin demo --reset` untuk memuat ulang.",
                    org.name
                );
            } else {
                if let Some(old) = store.organisation_by_name(&org.name).await? {
                    store.delete_organisation(&actor(), old.id).await?;
                }
                let (id, n) = load_demo(&store, &org).await?;
                let (u, o, i) = org.counts();
                println!(
                    "Data demo dimuat (id {id}): '{}' — {u} unit, {o} sasaran, {i} indikator, \
                     {n} realisasi 2025–2026 (DATA DEMO, pejabat fiktif).",
                    org.name
                );
                demo_kabupaten(&store, id).await?;
            }
            println!("Lihat pohonnya dengan: pokin tree");
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// `pokin audit verify`: checks the audit log's hash chain. Prints the count and exits 0 when
/// it is whole; prints the first broken record to stderr and exits 1 otherwise. A progress bar
/// (on a terminal only) when the log is long.
async fn audit_verify(store: &Store) -> Result<ExitCode> {
    use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
    use pokin_domain::format;
    use pokin_store::AuditVerification;
    const BAR_FROM: u64 = 20_000;
    let count = |n: u64| format::number(n as f64, 0);
    let mut bar: Option<ProgressBar> = None;
    let mut progress = |done: u64, total: u64| {
        if total < BAR_FROM {
            return;
        }
        let b = bar.get_or_insert_with(|| {
            let b = ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::stderr());
            b.set_style(
                ProgressStyle::with_template(
                    "{elapsed_precise} [{bar:30}] {msg} catatan · perkiraan sisa {eta}",
                )
                .unwrap_or_else(|_| ProgressStyle::default_bar())
                .progress_chars("=> "),
            );
            b
        });
        b.set_position(done);
        b.set_message(format!(
            "{}/{}",
            format::number(done as f64, 0),
            format::number(total as f64, 0)
        ));
    };
    let verdict = store.verify_audit_with_progress(&mut progress).await;
    if let Some(b) = bar.take() {
        b.finish_and_clear();
    }
    match verdict.context("pemeriksaan rantai audit gagal")? {
        AuditVerification::Intact { records } => {
            println!("Rantai audit utuh: {} catatan diperiksa.", count(records));
            Ok(ExitCode::SUCCESS)
        }
        AuditVerification::Broken(b) => {
            let record = match b.id {
                Some(id) => format!("catatan id {id}"),
                None => "tidak ada catatan".to_owned(),
            };
            let seq = b.seq.map_or_else(
                || "tanpa urutan".to_owned(),
                |s| format!("urutan {}", count(s as u64)),
            );
            let at = b.at.map_or_else(String::new, |t| {
                format!(
                    ", waktu {} {}",
                    format::date(t.date_naive()),
                    t.format("%H:%M:%S UTC")
                )
            });
            eprintln!("Rantai audit RUSAK pada {record} ({seq}{at}):");
            eprintln!("  {}.", b.problem.message());
            eprintln!(
                "  {} catatan sebelumnya utuh. Log audit ini telah diubah di luar Pokin: \
                 bandingkan dengan cadangan terakhir yang utuh dan laporkan ke pengelola sistem.",
                count(b.intact)
            );
            Ok(ExitCode::FAILURE)
        }
    }
}

/// Who the audit log names for changes made from this command line.
pub(crate) fn actor() -> String {
    let user = std::env::var("USER").unwrap_or_else(|_| "tidak-diketahui".into());
    format!("cli:{user}")
}

async fn open_store(data_dir: &Path, url: Option<&str>) -> Result<Store> {
    let url = match url {
        Some(u) => u.to_owned(),
        None => {
            std::fs::create_dir_all(data_dir).with_context(|| {
                format!("tidak dapat membuat folder data {}", data_dir.display())
            })?;
            format!("sqlite://{}", data_dir.join("pokin.db").display())
        }
    };
    Ok(Store::connect(&url)
        .await
        .with_context(|| format!("tidak dapat membuka basis data {}", redact(&url)))?
        .with_evidence_dir(data_dir.join("bukti")))
}

/// A database URL without its password, for messages.
fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(s), Some(at)) if at > s => {
            let cred = &url[s + 3..at];
            match cred.split_once(':') {
                Some((user, _)) => format!("{}{user}:***{}", &url[..s + 3], &url[at..]),
                None => url.to_owned(),
            }
        }
        _ => url.to_owned(),
    }
}

/// The organisation named by `--org`, or the only one there is.
async fn load(store: &Store, name: Option<&str>) -> Result<Organisation> {
    Ok(load_with_id(store, name).await?.1)
}

/// [`load`] with the organisation's id.
async fn load_with_id(store: &Store, name: Option<&str>) -> Result<(i64, Organisation)> {
    let id = org_id(store, name).await?;
    Ok((id, store.load_organisation(id).await?))
}

fn names(orgs: &[pokin_store::OrgSummary]) -> String {
    orgs.iter()
        .map(|o| format!("'{}'", o.name))
        .collect::<Vec<_>>()
        .join(", ")
}

pub(crate) fn read_text(path: &Path) -> Result<String> {
    let bytes =
        std::fs::read(path).with_context(|| format!("tidak dapat membaca {}", path.display()))?;
    pokin_import::decode(&bytes)
        .map(str::to_owned)
        .map_err(|why| anyhow::anyhow!("{} {why}", path.display()))
}

pub(crate) fn file_name(path: &Path) -> String {
    path.file_name().map_or_else(
        || path.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    )
}

fn parse(path: &Path, format: ParseFormat, verbose: bool) -> Result<ExitCode> {
    let source = read_text(path)?;
    let speller = Speller::load_system();
    let tree = text::parse(&source, speller.as_ref());
    match format {
        ParseFormat::Json => {
            println!("{}", serde_json::to_string_pretty(&tree)?);
        }
        ParseFormat::Text => {
            let draft = tree.to_draft(&file_stem(path));
            print!("{}", render::tree(&draft, render::TreeOptions::default()));
            println!();
            print_diagnostics(&tree.diagnostics, &file_name(path), verbose);
        }
    }
    Ok(if tree.has_errors() {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    })
}

pub(crate) fn print_diagnostics(diagnostics: &[text::Diagnostic], name: &str, verbose: bool) {
    let mut hidden = 0;
    for d in diagnostics {
        if d.severity == Severity::Info && !verbose {
            hidden += 1;
            continue;
        }
        println!("{}", d.render(name));
    }
    let count = |s| diagnostics.iter().filter(|d| d.severity == s).count();
    println!(
        "{} kesalahan, {} peringatan, {} info{}",
        count(Severity::Error),
        count(Severity::Warning),
        count(Severity::Info),
        if hidden > 0 {
            " (tampilkan info dengan --verbose)"
        } else {
            ""
        }
    );
}

fn file_stem(path: &Path) -> String {
    path.file_stem()
        .map_or_else(|| "Organisasi".into(), |s| s.to_string_lossy().into_owned())
}

/// Reads a file to import: canonical YAML, or pohon kinerja text that must parse without errors
/// (through [`pokin_import::read_any`], the import path shared with the web application).
fn read_organisation(path: &Path, name: Option<&str>) -> Result<Organisation> {
    let bytes =
        std::fs::read(path).with_context(|| format!("tidak dapat membaca {}", path.display()))?;
    let speller = std::cell::OnceCell::new();
    let reading = pokin_import::read_any(&bytes, &file_stem(path), name, || {
        speller.get_or_init(Speller::load_system).as_ref()
    });
    let report = &reading.report;
    match (reading.organisation, &report.tree) {
        (Some(org), tree) => {
            let warnings = report.count(Severity::Warning);
            if tree.is_some() && warnings > 0 {
                eprintln!(
                    "{warnings} peringatan; lihat `pokin parse {}`.",
                    path.display()
                );
            }
            Ok(org)
        }
        (None, Some(tree)) if tree.has_errors() => {
            print_diagnostics(&tree.diagnostics, &file_name(path), false);
            bail!(
                "{} berisi kesalahan; tidak ada yang disimpan. Perbaiki baris di atas lalu impor lagi.",
                file_name(path)
            )
        }
        (None, _) => bail!(
            "{} tidak dapat diimpor: {}",
            file_name(path),
            report.error_lines().join("\n")
        ),
    }
}

fn check_org(org: &Organisation, strict: bool) -> Result<ExitCode> {
    let mut texts = Vec::new();
    for u in &org.units {
        for o in &u.objectives {
            texts.push((format!("{} {}", u.key, o.code), o.statement.as_str()));
            for i in &o.indicators {
                texts.push((format!("{} {} {}", u.key, o.code, i.code), i.name.as_str()));
            }
        }
    }
    report_findings(check::findings(org), &texts, strict)
}

/// `pokin check --pemda`: the RPJMD tree's findings and typos.
async fn check_pemda(store: &Store, name: &str, strict: bool) -> Result<ExitCode> {
    let id = crate::pemda::pemda_id(store, name).await?;
    let pemda = store.load_pemda(id).await?;
    let mut texts = vec![("visi".to_owned(), pemda.visi.as_str())];
    for n in &pemda.nodes {
        texts.push((n.code.to_string(), n.statement.as_str()));
        for i in &n.indicators {
            texts.push((format!("{} {}", n.code, i.code), i.name.as_str()));
        }
    }
    report_findings(check::pemda_findings(&pemda), &texts, strict)
}

/// Prints `findings` and the typos in `texts` (location, text), a compiler's way; exit 1 on an
/// error, or on a warning with `strict`.
fn report_findings(
    mut findings: Vec<check::Finding>,
    texts: &[(String, &str)],
    strict: bool,
) -> Result<ExitCode> {
    let speller = Speller::load_system();
    for t in spelling::find_typos(texts, speller.as_ref()) {
        findings.push(check::Finding {
            severity: Severity::Warning,
            code: "possible-typo",
            location: t.location,
            message: format!(
                "kemungkinan salah ketik '{}'; maksudnya '{}'?",
                t.word, t.suggestion
            ),
        });
    }
    for f in &findings {
        println!("{}: {}: {}", f.location, f.severity.label(), f.message);
    }
    let warnings = findings
        .iter()
        .filter(|f| f.severity >= Severity::Warning)
        .count();
    if findings.is_empty() {
        println!("Tidak ada temuan.");
    } else {
        println!(
            "{} temuan, {warnings} di antaranya peringatan atau kesalahan.",
            findings.len()
        );
    }
    if speller.is_none() {
        eprintln!(
            "catatan: kamus hunspell-id tidak terpasang; salah ketik hanya dicari dari kata-kata dokumen."
        );
    }
    let failed = findings.iter().any(|f| f.severity == Severity::Error) || (strict && warnings > 0);
    Ok(if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    })
}

// ---------------------------------------------------------------------------------------------
// The web application and accounts.

/// The password of every demo account (README).
pub(crate) const DEMO_PASSWORD: &str = "pokin-demo";

/// `pokin serve`: prepares accounts (an `admin` with a one-time password on an empty database;
/// the demo agency and its accounts with `--demo`) and serves the web application.
async fn serve(store: Store, listen: &str, demo: bool, secure_cookies: bool) -> Result<ExitCode> {
    if demo {
        let org = yaml::from_yaml(DEMO_YAML).context("data demo bawaan rusak")?;
        let id = match store.organisation_by_name(&org.name).await? {
            Some(o) => o.id,
            None => {
                let (id, n) = load_demo(&store, &org).await?;
                println!(
                    "Data demo dimuat: '{}' dengan {n} realisasi (DATA DEMO).",
                    org.name
                );
                id
            }
        };
        demo_kabupaten(&store, id).await?;
        let made =
            demo_accounts(&store, id, &org).await? + crate::demo_pemda::accounts(&store).await?;
        if made > 0 {
            println!("{made} akun demo dibuat; semuanya bersandi '{DEMO_PASSWORD}'.");
        }
    }
    if store.user_count().await? == 0 {
        let password = generate_password()?;
        store
            .create_user(
                &actor(),
                &NewUser {
                    username: "admin".into(),
                    display_name: "Administrator".into(),
                    role: Role::Admin,
                    org_id: None,
                    pemda_id: None,
                    unit: None,
                    password: password.clone(),
                    must_change_password: true,
                },
            )
            .await?;
        println!(
            "Akun 'admin' dibuat dengan sandi sekali pakai: {password}\n\
             (catat sekarang — sandi ini tidak ditampilkan lagi dan harus diganti saat masuk pertama)"
        );
    }
    let listener = tokio::net::TcpListener::bind(listen)
        .await
        .with_context(|| format!("tidak dapat mendengarkan di {listen} (port dipakai?)"))?;
    let config = pokin_web::Config {
        secure_cookies,
        ..pokin_web::Config::default()
    };
    println!("Pokin berjalan di http://{listen}/ — hentikan dengan Ctrl+C.");
    pokin_web::serve(listener, pokin_web::AppState::new(store, config))
        .await
        .context("server web berhenti karena kesalahan")?;
    Ok(ExitCode::SUCCESS)
}

/// Loads the demo kabupaten around the demo agency `id` (its pemda, four more perangkat
/// daerah, links, crosscutting, review notes) unless it exists; a reset demo agency rejoins it.
async fn demo_kabupaten(store: &Store, id: i64) -> Result<()> {
    if crate::demo_pemda::load(store, id)
        .await
        .context("data demo pemda tidak dapat dimuat")?
    {
        println!(
            "Pemda demo dimuat: '{}' — RPJMD 2025–2029, 5 perangkat daerah, tautan cascading \
             dalam setiap keadaan (DATA DEMO).",
            crate::demo_pemda::DEMO_PEMDA
        );
    } else if store.pemda_of(id).await?.is_none()
        && let Some(p) = store.pemda_by_name(crate::demo_pemda::DEMO_PEMDA).await?
    {
        store.set_pemda_of(&actor(), id, Some(p.id)).await?;
    }
    Ok(())
}

/// Imports the demo organisation as new, then its measurements (see `demo.rs`). Returns its
/// id and how many realisations were written.
async fn load_demo(store: &Store, org: &Organisation) -> Result<(i64, usize)> {
    let id = store
        .import_organisation(&actor(), org, ImportMode::New)
        .await?;
    let n = crate::demo::load_measurements(store, id, org)
        .await
        .context("data pengukuran demo tidak dapat dimuat")?;
    Ok((id, n))
}

/// The demo accounts (README): `admin`, `perencana`, `kadis` (pimpinan), `inspektorat`; per
/// Bidang `kabid.<short>` (verifikator of its subtree) and `op.<short>` (operator of the
/// Bidang); per Seksi `kasi.<short>` (operator). Creates only the missing ones; returns how
/// many it created.
async fn demo_accounts(store: &Store, org_id: i64, org: &Organisation) -> Result<usize> {
    create_demo_accounts(store, Some(org_id), demo_account_list(org)).await
}

/// Creates the accounts of `wanted` (user name, display name, role, unit scope) that do not
/// exist yet, with the demo password; every account but an admin is scoped to `org_id`.
/// Returns how many it created.
pub(crate) async fn create_demo_accounts(
    store: &Store,
    org_id: Option<i64>,
    wanted: Vec<(String, String, Role, Option<UnitKey>)>,
) -> Result<usize> {
    let mut made = 0;
    for (username, display_name, role, unit) in wanted {
        if store.user_by_name(&username).await?.is_some() {
            continue;
        }
        let org_id = org_id.filter(|_| role != Role::Admin);
        store
            .create_user(
                &actor(),
                &NewUser {
                    username,
                    display_name,
                    role,
                    org_id,
                    pemda_id: None,
                    unit,
                    password: DEMO_PASSWORD.into(),
                    must_change_password: false,
                },
            )
            .await?;
        made += 1;
    }
    Ok(made)
}

/// The demo administrator `admin` as (user name, display name, role, unit scope).
pub(crate) fn demo_admin() -> (String, String, Role, Option<UnitKey>) {
    (
        "admin".into(),
        "Administrator (demo)".into(),
        Role::Admin,
        None,
    )
}

/// The demo accounts as (user name, display name, role, unit scope).
pub(crate) fn demo_account_list(
    org: &Organisation,
) -> Vec<(String, String, Role, Option<UnitKey>)> {
    let mut wanted: Vec<(String, String, Role, Option<UnitKey>)> = vec![
        demo_admin(),
        (
            "perencana".into(),
            "Perencana (demo)".into(),
            Role::Perencana,
            None,
        ),
        (
            "kadis".into(),
            "Kepala Dinas (demo)".into(),
            Role::Pimpinan,
            None,
        ),
        (
            "inspektorat".into(),
            "Inspektorat (demo)".into(),
            Role::Inspektorat,
            None,
        ),
    ];
    for u in &org.units {
        let key = u.key.as_str();
        match u.kind {
            UnitKind::Bidang => {
                let short = key.strip_prefix("bidang-").unwrap_or(key);
                wanted.push((
                    format!("kabid.{short}"),
                    format!("Kepala {}", u.name),
                    Role::Verifikator,
                    Some(u.key.clone()),
                ));
                wanted.push((
                    format!("op.{short}"),
                    format!("Operator {}", u.name),
                    Role::Operator,
                    Some(u.key.clone()),
                ));
            }
            UnitKind::Seksi => {
                let short = key.strip_prefix("seksi-").unwrap_or(key);
                wanted.push((
                    format!("kasi.{short}"),
                    format!("Kepala {}", u.name),
                    Role::Operator,
                    Some(u.key.clone()),
                ));
            }
            _ => {}
        }
    }
    wanted
}

/// A 16-character password from an alphabet without look-alikes.
fn generate_password() -> Result<String> {
    const ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyzACDEFGHJKLMNPQRSTUVWXYZ23456789";
    let mut bytes = [0u8; 16];
    getrandom::fill(&mut bytes)
        .map_err(|e| anyhow::anyhow!("bilangan acak tidak tersedia: {e}"))?;
    Ok(bytes
        .iter()
        .map(|b| ALPHABET[usize::from(*b) % ALPHABET.len()] as char)
        .collect())
}

/// A password from stdin (first line) when it is not a terminal; otherwise a generated one,
/// which is printed.
fn password_input() -> Result<(String, bool)> {
    use std::io::{BufRead, IsTerminal};
    let stdin = std::io::stdin();
    if stdin.is_terminal() {
        return Ok((generate_password()?, true));
    }
    let mut line = String::new();
    stdin
        .lock()
        .read_line(&mut line)
        .context("tidak dapat membaca sandi dari stdin")?;
    let password = line.trim_end_matches(['\r', '\n']).to_owned();
    if password.is_empty() {
        return Ok((generate_password()?, true));
    }
    Ok((password, false))
}

async fn user(store: &Store, command: UserCommand) -> Result<ExitCode> {
    match command {
        UserCommand::Add {
            username,
            role,
            org,
            unit,
            name,
        } => {
            let role = Role::parse(&role).with_context(|| {
                format!(
                    "peran '{role}' tidak dikenal; pilih salah satu: {}",
                    Role::ALL.map(|r| r.as_str()).join(", ")
                )
            })?;
            let org_id = match (org, role) {
                (None, Role::Admin) => None,
                (name, _) => Some(org_id(store, name.as_deref()).await?),
            };
            let unit = unit
                .map(|u| {
                    UnitKey::parse(&u).map_err(|_| anyhow::anyhow!("kunci unit '{u}' tidak sah"))
                })
                .transpose()?;
            let (password, generated) = password_input()?;
            store
                .create_user(
                    &actor(),
                    &NewUser {
                        display_name: name.unwrap_or_else(|| username.clone()),
                        username: username.clone(),
                        role,
                        org_id,
                        pemda_id: None,
                        unit,
                        password: password.clone(),
                        must_change_password: generated,
                    },
                )
                .await?;
            println!("Akun '{username}' ({}) dibuat.", role.label());
            if generated {
                println!("Sandi sekali pakai (harus diganti saat masuk pertama): {password}");
            }
        }
        UserCommand::Passwd { username } => {
            let u = find_user(store, &username).await?;
            let (password, generated) = password_input()?;
            store
                .set_password(&actor(), u.id, &password, generated)
                .await?;
            println!("Sandi '{username}' diganti; semua sesinya berakhir.");
            if generated {
                println!("Sandi sekali pakai (harus diganti saat masuk pertama): {password}");
            }
        }
        UserCommand::Token { username, name } => {
            let u = find_user(store, &username).await?;
            let token = store.create_api_token(&actor(), u.id, &name).await?;
            println!(
                "Token API '{name}' untuk '{username}' (simpan sekarang; tidak ditampilkan lagi):"
            );
            println!("{token}");
        }
        UserCommand::List => {
            let orgs = store.organisations().await?;
            for u in store.users().await? {
                let scope = match (u.org_id, &u.unit) {
                    (None, _) => "semua".to_owned(),
                    (Some(o), unit) => {
                        let name = orgs
                            .iter()
                            .find(|x| x.id == o)
                            .map_or("?", |x| x.name.as_str());
                        match unit {
                            Some(k) => format!("{name} › {k}"),
                            None => name.to_owned(),
                        }
                    }
                };
                let status = if u.disabled { " (nonaktif)" } else { "" };
                println!("{}\t{}\t{}{status}", u.username, u.role.as_str(), scope);
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

async fn find_user(store: &Store, username: &str) -> Result<pokin_store::User> {
    store
        .user_by_name(username)
        .await?
        .with_context(|| format!("akun '{username}' tidak ada; lihat `pokin user list`"))
}

async fn org_id(store: &Store, name: Option<&str>) -> Result<i64> {
    let orgs = store.organisations().await?;
    match name {
        Some(n) => orgs
            .iter()
            .find(|o| o.name == n)
            .map(|o| o.id)
            .with_context(|| {
                format!(
                    "organisasi '{n}' tidak ditemukan. Yang ada: {}",
                    names(&orgs)
                )
            }),
        None => match orgs.as_slice() {
            [only] => Ok(only.id),
            [] => bail!(
                "basis data belum berisi organisasi. Impor dengan `pokin import BERKAS` atau muat \
                 demo dengan `pokin demo`."
            ),
            _ => match demo_agency_default(store, &orgs).await? {
                Some(id) => Ok(id),
                None => bail!(
                    "ada beberapa organisasi; pilih dengan --org NAMA. Yang ada: {}",
                    names(&orgs)
                ),
            },
        },
    }
}

/// After `pokin demo`, the database holds the demo agency and the other perangkat daerah of
/// the demo kabupaten: commands without `--org` mean the demo agency. Only then — as soon as any
/// other organisation is stored, `--org` is needed again.
async fn demo_agency_default(
    store: &Store,
    orgs: &[pokin_store::OrgSummary],
) -> Result<Option<i64>> {
    let demo = yaml::from_yaml(DEMO_YAML).context("data demo bawaan rusak")?;
    let Some(agency) = orgs.iter().find(|o| o.name == demo.name && o.demo) else {
        return Ok(None);
    };
    let Some(p) = store.pemda_by_name(crate::demo_pemda::DEMO_PEMDA).await? else {
        return Ok(None);
    };
    let members = store.pemda_members(p.id).await?;
    let all_demo = orgs.iter().all(|o| o.demo && members.contains(&o.id));
    Ok(all_demo.then_some(agency.id))
}

// ---------------------------------------------------------------------------------------------
// `pokin backup` and `pokin restore`.

/// A progress bar on stderr, drawn only when stderr is a terminal.
fn backup_bar(what: &str) -> indicatif::ProgressBar {
    use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
    use std::io::IsTerminal;
    let target = if std::io::stderr().is_terminal() {
        ProgressDrawTarget::stderr()
    } else {
        ProgressDrawTarget::hidden()
    };
    let bar = ProgressBar::with_draw_target(Some(0), target);
    bar.set_style(
        ProgressStyle::with_template(&format!(
            "{{elapsed_precise}} [{{bar:30}}] {{pos}}/{{len}} {what} · perkiraan sisa {{eta}}"
        ))
        .unwrap_or_else(|_| ProgressStyle::default_bar())
        .progress_chars("=> "),
    );
    bar
}

/// `1,2 MB`, `35,0 KB`.
fn byte_size(bytes: u64) -> String {
    use pokin_domain::format;
    let b = bytes as f64;
    if b >= 1_000_000.0 {
        format!("{} MB", format::number(b / 1_000_000.0, 1))
    } else {
        format!("{} KB", format::number(b / 1_000.0, 1))
    }
}

/// ` (1,2 MB)` after a count of evidence files, nothing when there is none.
fn evidence_size(files: usize, bytes: u64) -> String {
    if files == 0 {
        String::new()
    } else {
        format!(" ({})", byte_size(bytes))
    }
}

/// `pokin backup --out FILE`: the whole database and the evidence files in one ZIP, written to
/// a temporary file beside `out` and renamed into place (a reader never sees half a backup; a
/// failure leaves any earlier file as it was).
async fn backup(store: &Store, out: &Path) -> Result<ExitCode> {
    use pokin_domain::format;
    let mut tmp = crate::report::temp_beside(out)?;
    let bar = backup_bar("baris dan berkas");
    let made = store
        .backup(std::io::BufWriter::new(tmp.as_file_mut()), &|p| {
            bar.set_length(p.total);
            bar.set_position(p.done);
        })
        .await;
    bar.finish_and_clear();
    let summary = made.context("cadangan tidak dibuat")?;
    let size = crate::report::persist(tmp, out)?;
    let count = |n: u64| format::number(n as f64, 0);
    println!(
        "Cadangan ditulis ke {} ({}): {} tabel, {} baris, {} berkas bukti dukung{}.",
        out.display(),
        byte_size(size),
        count(summary.tables.len() as u64),
        count(summary.rows),
        count(summary.evidence_files as u64),
        evidence_size(summary.evidence_files, summary.evidence_bytes)
    );
    println!(
        "Pulihkan dengan: pokin restore {} (ke folder data atau basis data yang masih kosong).",
        out.display()
    );
    Ok(ExitCode::SUCCESS)
}

/// `pokin restore FILE`: into an empty database, all or nothing. The restore writes no audit
/// record of its own (the audit log is copied verbatim), so it says here what it restored.
async fn restore(store: &Store, file: &Path) -> Result<ExitCode> {
    use pokin_domain::format;
    let f = std::fs::File::open(file)
        .with_context(|| format!("tidak dapat membuka berkas cadangan {}", file.display()))?;
    let bar = backup_bar("baris");
    let done = store
        .restore(std::io::BufReader::new(f), &|p| {
            bar.set_length(p.total);
            bar.set_position(p.done);
        })
        .await;
    bar.finish_and_clear();
    let summary = done.with_context(|| format!("cadangan {} tidak dipulihkan", file.display()))?;
    let count = |n: u64| format::number(n as f64, 0);
    let row_count = |table: &str| {
        summary
            .tables
            .iter()
            .find(|(t, _)| t == table)
            .map_or(0, |(_, n)| *n)
    };
    println!(
        "Cadangan {} dipulihkan: {} tabel, {} baris, {} berkas bukti dukung{}.",
        file.display(),
        count(summary.tables.len() as u64),
        count(summary.rows),
        count(summary.evidence_files as u64),
        evidence_size(summary.evidence_files, summary.evidence_bytes)
    );
    println!(
        "Isinya: {} organisasi, {} realisasi, {} akun, {} catatan audit.",
        count(row_count("organisations")),
        count(row_count("realisations")),
        count(row_count("users")),
        count(row_count("audit_log"))
    );
    let made = chrono::DateTime::parse_from_rfc3339(&summary.created_at)
        .map(|t| {
            let t = t.with_timezone(&chrono::Utc);
            format!(
                "{} {}",
                format::date(t.date_naive()),
                t.format("%H:%M:%S UTC")
            )
        })
        .unwrap_or_else(|_| summary.created_at.clone());
    println!(
        "Cadangan dibuat {made} dari basis data {} oleh Pokin {} (struktur basis data versi {}).",
        summary.source_backend, summary.pokin_version, summary.schema_version
    );
    println!(
        "Pemulihan tidak menambah catatan audit: log audit dipulihkan persis seperti dalam \
         cadangan."
    );
    Ok(ExitCode::SUCCESS)
}
