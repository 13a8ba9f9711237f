//! One function per subcommand.

use crate::render;
use crate::{Cli, Command, ExportFormat, ParseFormat};
use anyhow::{Context, Result, bail};
use pokin_domain::Organisation;
use pokin_domain::check::{self, Severity};
use pokin_import::spelling::{self, Speller};
use pokin_import::{text, yaml};
use pokin_store::{ImportMode, Store};
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
        } => parse(&file, format, verbose),
        Command::Import {
            file,
            replace,
            name,
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
            format: ExportFormat::Yaml,
            out,
        } => {
            let store = db().await?;
            let org = load(&store, org.as_deref()).await?;
            let text = yaml::to_yaml(&org);
            match out {
                Some(path) => std::fs::write(&path, text)
                    .with_context(|| format!("tidak dapat menulis {}", path.display()))?,
                None => print!("{text}"),
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Check { org, strict } => {
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
        Command::Demo { reset } => {
            let org = yaml::from_yaml(DEMO_YAML).context("data demo bawaan rusak")?;
            let store = db().await?;
            let exists = store.organisation_by_name(&org.name).await?.is_some();
            if exists && !reset {
                println!(
                    "Data demo '{}' sudah ada. Pakai `pokin demo --reset` untuk memuat ulang.",
                    org.name
                );
            } else {
                store
                    .import_organisation(&actor(), &org, ImportMode::Replace)
                    .await?;
                let (u, o, i) = org.counts();
                println!(
                    "Data demo dimuat: '{}' — {u} unit, {o} sasaran, {i} indikator (DATA DEMO, pejabat fiktif).",
                    org.name
                );
            }
            println!("Lihat pohonnya dengan: pokin tree");
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// Who the audit log names for changes made from this command line.
fn actor() -> String {
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
    Store::connect(&url)
        .await
        .with_context(|| format!("tidak dapat membuka basis data {}", redact(&url)))
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
    let orgs = store.organisations().await?;
    let chosen = match name {
        Some(n) => orgs.iter().find(|o| o.name == n).with_context(|| {
            format!(
                "organisasi '{n}' tidak ditemukan. Yang ada: {}",
                names(&orgs)
            )
        })?,
        None => match orgs.as_slice() {
            [only] => only,
            [] => bail!(
                "basis data belum berisi organisasi. Impor dengan `pokin import BERKAS` atau muat demo dengan `pokin demo`."
            ),
            _ => bail!(
                "ada beberapa organisasi; pilih dengan --org NAMA. Yang ada: {}",
                names(&orgs)
            ),
        },
    };
    Ok(store.load_organisation(chosen.id).await?)
}

fn names(orgs: &[pokin_store::OrgSummary]) -> String {
    orgs.iter()
        .map(|o| format!("'{}'", o.name))
        .collect::<Vec<_>>()
        .join(", ")
}

fn read_text(path: &Path) -> Result<String> {
    let bytes =
        std::fs::read(path).with_context(|| format!("tidak dapat membaca {}", path.display()))?;
    String::from_utf8(bytes).map_err(|e| {
        anyhow::anyhow!(
            "{} bukan teks UTF-8 (bita tidak sah di posisi {}). Simpan ulang berkas sebagai UTF-8.",
            path.display(),
            e.utf8_error().valid_up_to()
        )
    })
}

fn file_name(path: &Path) -> String {
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
            print_diagnostics(&tree, &file_name(path), verbose);
        }
    }
    Ok(if tree.has_errors() {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    })
}

fn print_diagnostics(tree: &text::ParsedTree, name: &str, verbose: bool) {
    let mut hidden = 0;
    for d in &tree.diagnostics {
        if d.severity == Severity::Info && !verbose {
            hidden += 1;
            continue;
        }
        println!("{}", d.render(name));
    }
    let count = |s| tree.diagnostics.iter().filter(|d| d.severity == s).count();
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

/// Reads a file to import: canonical YAML, or pohon kinerja text that must parse without errors.
fn read_organisation(path: &Path, name: Option<&str>) -> Result<Organisation> {
    let source = read_text(path)?;
    let mut draft = if yaml::is_canonical(&source) {
        yaml::from_yaml(&source)
            .with_context(|| format!("{} tidak dapat diimpor", file_name(path)))?
            .into_draft()
    } else {
        let speller = Speller::load_system();
        let tree = text::parse(&source, speller.as_ref());
        if tree.has_errors() {
            print_diagnostics(&tree, &file_name(path), false);
            bail!(
                "{} berisi kesalahan; tidak ada yang disimpan. Perbaiki baris di atas lalu impor lagi.",
                file_name(path)
            );
        }
        let warnings = tree
            .diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Warning)
            .count();
        if warnings > 0 {
            eprintln!(
                "{warnings} peringatan; lihat `pokin parse {}`.",
                path.display()
            );
        }
        tree.to_draft(&file_stem(path))
    };
    if let Some(n) = name {
        draft.name = n.to_owned();
    }
    draft
        .validate()
        .map_err(|e| anyhow::anyhow!("{} tidak dapat diimpor:\n{e}", file_name(path)))
}

fn check_org(org: &Organisation, strict: bool) -> Result<ExitCode> {
    let mut findings = check::findings(org);
    let speller = Speller::load_system();
    let mut texts = Vec::new();
    for u in &org.units {
        for o in &u.objectives {
            texts.push((format!("{} {}", u.key, o.code), o.statement.as_str()));
            for i in &o.indicators {
                texts.push((format!("{} {} {}", u.key, o.code, i.code), i.name.as_str()));
            }
        }
    }
    for t in spelling::find_typos(&texts, speller.as_ref()) {
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
