//! Shared by the CLI tests: a data directory and database per test, the binary run in it.
#![allow(dead_code)]

use std::path::PathBuf;
use std::process::{Command, Output};

/// A data directory and, optionally, a database URL that every command of a test shares.
pub struct Env {
    pub dir: tempfile::TempDir,
    pub url: Option<String>,
}

impl Env {
    pub fn sqlite() -> Env {
        Env {
            dir: tempfile::tempdir().unwrap(),
            url: None,
        }
    }

    /// Every backend the tests can reach: SQLite always, PostgreSQL when configured.
    pub fn all() -> Vec<Env> {
        let mut envs = vec![Env::sqlite()];
        if let Ok(base) = std::env::var("POKIN_TEST_DATABASE_URL") {
            envs.push(Env {
                dir: tempfile::tempdir().unwrap(),
                url: Some(fresh_pg_database(&base)),
            });
        }
        envs
    }

    pub fn pokin(&self, args: &[&str]) -> Output {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_pokin"));
        cmd.arg("--data-dir")
            .arg(self.dir.path())
            .args(args)
            .env_remove("POKIN_DATABASE_URL");
        if let Some(url) = &self.url {
            cmd.arg("--database-url").arg(url);
        }
        cmd.output().unwrap()
    }

    pub fn ok(&self, args: &[&str]) -> String {
        let out = self.pokin(args);
        assert!(
            out.status.success(),
            "pokin {args:?} failed:\nstdout:\n{}\nstderr:\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    }

    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }
}

impl Drop for Env {
    /// A database made by [`fresh_pg_database`] goes with the test's data directory.
    fn drop(&mut self) {
        let (Some(url), Ok(base)) = (&self.url, std::env::var("POKIN_TEST_DATABASE_URL")) else {
            return;
        };
        if let Some((_, name)) = url.rsplit_once('/')
            && name.starts_with("pokin_cli_")
        {
            let _ = Command::new("psql")
                .args([base.as_str(), "-q", "-c"])
                .arg(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                .status();
        }
    }
}

/// A new, empty PostgreSQL database next to the configured one, via psql.
pub fn fresh_pg_database(base: &str) -> String {
    let name = format!(
        "pokin_cli_{}_{}",
        std::process::id(),
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_nanos()
    );
    let status = Command::new("psql")
        .args([base, "-q", "-c", &format!("CREATE DATABASE {name}")])
        .status()
        .expect("psql is installed by scripts/test");
    assert!(status.success(), "could not create database {name}");
    let (prefix, _) = base.rsplit_once('/').unwrap();
    format!("{prefix}/{name}")
}
