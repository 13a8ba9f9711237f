//! `pokin backup` and `pokin restore` run as a user would: the demo agency is backed up,
//! restored into a fresh data folder (or database), and exported from both with the same
//! bytes. A restore into a database that is not empty is refused. SQLite always; PostgreSQL
//! (and SQLite → PostgreSQL) when `POKIN_TEST_DATABASE_URL` is set.

mod common;

use common::Env;
use std::collections::BTreeMap;
use std::path::Path;

/// Every file under `dir` (path relative to it → bytes).
fn files(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    fn walk(root: &Path, dir: &Path, out: &mut BTreeMap<String, Vec<u8>>) {
        for e in std::fs::read_dir(dir).into_iter().flatten() {
            let path = e.expect("entry").path();
            if path.is_dir() {
                walk(root, &path, out);
            } else {
                let rel = path.strip_prefix(root).expect("under root").display();
                out.insert(rel.to_string(), std::fs::read(&path).expect("read"));
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(dir, dir, &mut out);
    out
}

#[test]
fn a_backup_restored_into_a_fresh_data_folder_exports_the_same_bytes() {
    let sources = Env::all();
    let targets = Env::all();
    for (source, target) in sources.iter().zip(&targets) {
        let label = if source.url.is_some() {
            "postgres"
        } else {
            "sqlite"
        };
        source.ok(&["demo"]);
        let file = source.path("cadangan.zip");
        let file = file.to_str().expect("utf-8 path");
        let made = source.ok(&["backup", "--out", file]);
        assert!(made.contains("Cadangan ditulis ke"), "{label}: {made}");
        assert!(made.contains("baris"), "{label}: {made}");

        let restored = target.ok(&["restore", file]);
        assert!(restored.contains("dipulihkan"), "{label}: {restored}");
        // The demo agency and the four other perangkat daerah of the demo kabupaten.
        assert!(restored.contains("5 organisasi"), "{label}: {restored}");
        assert!(
            restored.contains("tidak menambah catatan audit"),
            "{label}: {restored}"
        );
        let original = source.ok(&["export"]);
        assert!(!original.is_empty());
        assert_eq!(target.ok(&["export"]), original, "{label}: same export");
        let evidence = files(&source.path("bukti"));
        assert!(!evidence.is_empty(), "{label}: the demo has evidence files");
        assert_eq!(
            files(&target.path("bukti")),
            evidence,
            "{label}: evidence files"
        );
        // The measurements came along too.
        for year in ["2025", "2026"] {
            let capaian = ["capaian", "--tahun", year, "--format", "json"];
            assert_eq!(
                target.ok(&capaian),
                source.ok(&capaian),
                "{label}: same capaian {year}"
            );
        }

        // A second restore into the now filled database is refused and changes nothing.
        let again = target.pokin(&["restore", file]);
        assert_eq!(again.status.code(), Some(1), "{label}");
        let err = String::from_utf8_lossy(&again.stderr);
        assert!(err.contains("tidak kosong"), "{label}: {err}");
        assert_eq!(target.ok(&["export"]), original, "{label}: unchanged");
    }

    // SQLite → PostgreSQL, the move of an agency to a larger deployment.
    if let Ok(base) = std::env::var("POKIN_TEST_DATABASE_URL") {
        let source = &sources[0];
        let target = Env {
            dir: tempfile::tempdir().expect("folder"),
            url: Some(common::fresh_pg_database(&base)),
        };
        let file = source.path("cadangan.zip");
        let file = file.to_str().expect("utf-8 path");
        target.ok(&["restore", file]);
        assert_eq!(
            target.ok(&["export"]),
            source.ok(&["export"]),
            "sqlite → postgres"
        );
    }
}

#[test]
fn a_missing_or_broken_backup_file_is_reported_in_indonesian() {
    let env = Env::sqlite();
    let missing = env.pokin(&["restore", "tidak-ada.zip"]);
    assert_eq!(missing.status.code(), Some(1));
    let err = String::from_utf8_lossy(&missing.stderr);
    assert!(err.contains("tidak dapat membuka berkas cadangan"), "{err}");

    let broken = env.path("rusak.zip");
    std::fs::write(&broken, b"PK\x03\x04 terpotong").expect("write");
    let out = env.pokin(&["restore", broken.to_str().expect("utf-8")]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("rusak, terpotong"), "{err}");
    // Nothing was restored: the database is still empty and takes a backup later.
    let listed = env.pokin(&["export"]);
    assert!(!listed.status.success(), "no organisation to export");
}
