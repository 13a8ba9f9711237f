//! `pokin audit verify`: a whole audit chain passes (exit 0, the count); a record edited in the
//! database behind Pokin's back fails (exit 1) and is named by its id. SQLite, and PostgreSQL
//! when `POKIN_TEST_DATABASE_URL` is set.

mod common;

use common::Env;
use sqlx::{AssertSqlSafe, Connection};

/// Runs `statements` on the env's database directly and returns the first column of the last
/// one's rows (for a SELECT).
async fn raw(env: &Env, statements: &[String]) -> Vec<i64> {
    async fn run<C>(url: &str, statements: &[String]) -> Vec<i64>
    where
        C: Connection,
        for<'c> &'c mut C: sqlx::Executor<'c, Database = C::Database>,
        (i64,): for<'r> sqlx::FromRow<'r, <C::Database as sqlx::Database>::Row>,
        <C::Database as sqlx::Database>::Arguments: sqlx::IntoArguments<C::Database>,
    {
        let mut conn = C::connect(url).await.expect("raw connection");
        let mut out = Vec::new();
        for sql in statements {
            if sql.starts_with("SELECT") {
                out = sqlx::query_scalar::<C::Database, i64>(AssertSqlSafe(sql.clone()))
                    .fetch_all(&mut conn)
                    .await
                    .unwrap_or_else(|e| panic!("{sql}: {e}"));
            } else {
                sqlx::raw_sql(AssertSqlSafe(sql.clone()))
                    .execute(&mut conn)
                    .await
                    .unwrap_or_else(|e| panic!("{sql}: {e}"));
            }
        }
        conn.close().await.ok();
        out
    }
    match &env.url {
        Some(url) => run::<sqlx::PgConnection>(url, statements).await,
        None => {
            let url = format!("sqlite://{}", env.path("pokin.db").display());
            run::<sqlx::SqliteConnection>(&url, statements).await
        }
    }
}

/// Drops the test's PostgreSQL database, if it has one.
fn drop_pg_database(env: &Env) {
    let (Some(url), Ok(base)) = (&env.url, std::env::var("POKIN_TEST_DATABASE_URL")) else {
        return;
    };
    let name = url.rsplit('/').next().unwrap();
    let status = std::process::Command::new("psql")
        .args([base.as_str(), "-q", "-c"])
        .arg(format!("DROP DATABASE {name} WITH (FORCE)"))
        .status()
        .expect("psql");
    assert!(status.success(), "could not drop {name}");
}

#[tokio::test]
async fn verify_passes_a_whole_chain_and_names_an_edited_record() {
    for env in Env::all() {
        env.ok(&["demo"]);
        let count = raw(&env, &["SELECT COUNT(*) FROM audit_log".into()]).await[0];
        assert!(count > 10, "the demo writes many audit records: {count}");
        let out = env.ok(&["audit", "verify"]);
        assert_eq!(
            out.trim(),
            format!(
                "Rantai audit utuh: {} catatan diperiksa.",
                pokin_domain::format::number(count as f64, 0)
            )
        );

        // Edit one record in the middle behind Pokin's back.
        let ids = raw(&env, &["SELECT id FROM audit_log ORDER BY seq".into()]).await;
        let victim = ids[ids.len() / 2];
        raw(
            &env,
            &[format!(
                "UPDATE audit_log SET actor = 'bukan-pelaku' WHERE id = {victim}"
            )],
        )
        .await;
        let failed = env.pokin(&["audit", "verify"]);
        let stderr = String::from_utf8_lossy(&failed.stderr);
        assert_eq!(failed.status.code(), Some(1), "{stderr}");
        assert!(failed.stdout.is_empty(), "{stderr}");
        assert!(
            stderr.contains(&format!("catatan id {victim} ")),
            "names the record: {stderr}"
        );
        assert!(stderr.contains("isi catatan diubah"), "{stderr}");
        let position = ids.len() / 2 + 1;
        assert!(
            stderr.contains(&format!("urutan {position}")),
            "names its position: {stderr}"
        );
        drop_pg_database(&env);
    }
}
