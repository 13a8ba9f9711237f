//! Accounts, login sessions and API tokens.
//!
//! - **Passwords** are hashed here with Argon2id (the `argon2` crate's defaults, OWASP's
//!   recommendation) and verified here: a hash never leaves this module, and no audit record
//!   contains one. Hashing runs on tokio's blocking pool.
//! - **Session ids and API tokens** are 256-bit random secrets made here; only their SHA-256 is
//!   stored, so a copy of the database opens no session. A session also carries its CSRF token.
//! - **Every change is audited** through [`WriteTx::run`] like any edit: `user` records (without
//!   the hash), `session` records (create = login, delete = logout; never the secret) and
//!   `api_token` records. A token's "last used" time is kept to the hour so that API traffic
//!   adds at most one audit record per token and hour.
//! - Expired sessions are ignored when read and purged at the user's next login; changing a
//!   password or disabling an account ends all of the user's sessions in the same transaction.

use crate::Store;
use crate::audit::{Audit, AuditAction, entity};
use crate::db::{Conn, Pool, WriteTx, now, params};
use crate::error::{Result, StoreError};
use crate::memo;
use chrono::{DateTime, Duration, Utc};
use pokin_domain::UnitKey;
use serde::Serialize;
use serde_json::Value;
use sha2::{Digest, Sha256};

/// What a user may do is decided by its role within its scope (see `pokin-web`'s permissions).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, PartialOrd, Ord)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Everything, everywhere: accounts, every organisation.
    Admin,
    /// Edits the tree and targets of its organisation.
    Perencana,
    /// Enters realisations for a unit subtree (next milestone); reads for now.
    Operator,
    /// Verifies realisations of a unit subtree (next milestone); reads for now.
    Verifikator,
    /// Head of the organisation: reads everything in scope.
    Pimpinan,
    /// Internal auditor: reads everything in scope, and the audit log. Scoped to a pemda, it
    /// reads every organisation of that pemda.
    Inspektorat,
    /// The regional planning office: edits the pemda's RPJMD tree, proposes and answers
    /// links, writes review notes, records the pemda's own realisations; reads every
    /// organisation of its pemda.
    Bappeda,
    /// The head of region (Bupati, Wali Kota, Gubernur): reads everything of its pemda.
    KepalaDaerah,
}

impl Role {
    pub const ALL: [Role; 8] = [
        Role::Admin,
        Role::Perencana,
        Role::Operator,
        Role::Verifikator,
        Role::Pimpinan,
        Role::Inspektorat,
        Role::Bappeda,
        Role::KepalaDaerah,
    ];

    /// Whether the role works at pemda scope (a pemda instead of one organisation).
    pub fn pemda_wide(self) -> bool {
        matches!(self, Role::Bappeda | Role::KepalaDaerah)
    }

    /// The machine name, as stored and as typed on the command line.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Perencana => "perencana",
            Role::Operator => "operator",
            Role::Verifikator => "verifikator",
            Role::Pimpinan => "pimpinan",
            Role::Inspektorat => "inspektorat",
            Role::Bappeda => "bappeda",
            Role::KepalaDaerah => "kepala-daerah",
        }
    }

    pub fn parse(s: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.as_str() == s.trim())
    }

    /// How a person names the role, in Indonesian.
    pub fn label(self) -> &'static str {
        match self {
            Role::Admin => "Administrator",
            Role::Perencana => "Perencana",
            Role::Operator => "Operator",
            Role::Verifikator => "Verifikator",
            Role::Pimpinan => "Pimpinan",
            Role::Inspektorat => "Inspektorat",
            Role::Bappeda => "Bappeda",
            Role::KepalaDaerah => "Kepala Daerah",
        }
    }
}

/// An account as the rest of the application sees it (never its password hash).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct User {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    pub role: Role,
    /// The organisation the account works in; `None` only for administrators (all).
    pub org_id: Option<i64>,
    /// Narrows the scope to this unit and the units below it.
    pub unit: Option<UnitKey>,
    /// The pemda a Bappeda, Kepala Daerah or pemda-wide Inspektorat account works for.
    pub pemda_id: Option<i64>,
    /// The organisations of that pemda, read with the session or token of the signed-in
    /// account (empty elsewhere, e.g. in lists of accounts).
    #[serde(skip)]
    pub pemda_orgs: Vec<i64>,
    pub disabled: bool,
    pub must_change_password: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// A new account, for [`Store::create_user`].
#[derive(Debug, Clone, PartialEq)]
pub struct NewUser {
    pub username: String,
    pub display_name: String,
    pub role: Role,
    pub org_id: Option<i64>,
    /// For pemda-wide roles (and a pemda-wide Inspektorat): the pemda.
    pub pemda_id: Option<i64>,
    pub unit: Option<UnitKey>,
    pub password: String,
    pub must_change_password: bool,
}

/// An account's changeable fields, for [`Store::update_user`].
#[derive(Debug, Clone, PartialEq)]
pub struct UserUpdate {
    pub display_name: String,
    pub role: Role,
    pub org_id: Option<i64>,
    pub pemda_id: Option<i64>,
    pub unit: Option<UnitKey>,
    pub disabled: bool,
}

/// A session just opened: the secret goes into the cookie and is never stored.
#[derive(Debug, Clone, PartialEq)]
pub struct NewSession {
    pub secret: String,
    pub csrf_token: String,
    pub expires_at: DateTime<Utc>,
}

/// A valid (unexpired) session of an enabled account.
#[derive(Debug, Clone, PartialEq)]
pub struct Session {
    pub id: i64,
    pub user: User,
    pub csrf_token: String,
    pub created_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
}

/// An API token as listed (never its secret).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ApiToken {
    pub id: i64,
    pub user_id: i64,
    pub name: String,
    pub created_at: DateTime<Utc>,
    pub last_used_at: Option<DateTime<Utc>>,
}

/// The shortest password accepted.
pub const MIN_PASSWORD_LEN: usize = 8;

// ---------------------------------------------------------------------------------------------
// Queries.

const USERS: &str = "SELECT id, username, display_name, role, org_id, unit_key, pemda_id, \
     disabled, must_change_password, created_at, updated_at FROM users ORDER BY username";
const USER_BY_ID: &str = "SELECT id, username, display_name, role, org_id, unit_key, pemda_id, \
     disabled, must_change_password, created_at, updated_at FROM users WHERE id = $1";
const USER_BY_NAME: &str = "SELECT id, username, display_name, role, org_id, unit_key, \
     pemda_id, disabled, must_change_password, created_at, updated_at FROM users \
     WHERE username = $1";
const PEMDA_EXISTS: &str = "SELECT COUNT(*) AS n FROM pemda WHERE id = $1";
const PEMDA_ORGS: &str = "SELECT id FROM organisations WHERE pemda_id = $1 ORDER BY id";
const HASH_BY_NAME: &str = "SELECT id, password_hash FROM users WHERE username = $1";
const COUNT_USERS: &str = "SELECT COUNT(*) AS n FROM users";
const ORG_EXISTS: &str = "SELECT COUNT(*) AS n FROM organisations WHERE id = $1";
const UNIT_EXISTS: &str = "SELECT COUNT(*) AS n FROM units WHERE org_id = $1 AND unit_key = $2";
const INSERT_USER: &str = "INSERT INTO users (username, display_name, password_hash, role, \
     org_id, unit_key, disabled, must_change_password, created_at, updated_at, pemda_id) \
     VALUES ($1, $2, $3, $4, $5, $6, FALSE, $7, $8, $8, $9) RETURNING id";
const UPDATE_USER: &str = "UPDATE users SET display_name = $2, role = $3, org_id = $4, \
     unit_key = $5, disabled = $6, updated_at = $7, pemda_id = $8 WHERE id = $1";
const UPDATE_PASSWORD: &str = "UPDATE users SET password_hash = $2, must_change_password = $3, \
     updated_at = $4 WHERE id = $1";

const INSERT_SESSION: &str = "INSERT INTO sessions (secret_hash, user_id, csrf_token, \
     created_at, expires_at) VALUES ($1, $2, $3, $4, $5) RETURNING id";
const SESSION_BY_SECRET: &str = "SELECT s.id AS session_id, s.csrf_token, s.created_at AS \
     session_created_at, s.expires_at, u.id, u.username, u.display_name, u.role, u.org_id, \
     u.unit_key, u.pemda_id, u.disabled, u.must_change_password, u.created_at, u.updated_at \
     FROM sessions s JOIN users u ON u.id = s.user_id \
     WHERE s.secret_hash = $1 AND s.expires_at > $2 AND u.disabled = FALSE";
const SESSION_ID_BY_SECRET: &str = "SELECT id, user_id FROM sessions WHERE secret_hash = $1";
const DELETE_SESSION: &str = "DELETE FROM sessions WHERE id = $1";
const DELETE_EXPIRED_SESSIONS: &str =
    "DELETE FROM sessions WHERE user_id = $1 AND expires_at <= $2";
const DELETE_USER_SESSIONS: &str = "DELETE FROM sessions WHERE user_id = $1";

const INSERT_TOKEN: &str = "INSERT INTO api_tokens (secret_hash, user_id, name, created_at) \
     VALUES ($1, $2, $3, $4) RETURNING id";
const TOKENS_OF: &str = "SELECT id, user_id, name, created_at, last_used_at FROM api_tokens \
     WHERE user_id = $1 ORDER BY id";
const TOKEN_BY_ID: &str = "SELECT id, user_id, name, created_at, last_used_at FROM api_tokens \
     WHERE id = $1";
const TOKEN_BY_SECRET: &str = "SELECT id, user_id, name, created_at, last_used_at \
     FROM api_tokens WHERE secret_hash = $1";
const TOUCH_TOKEN: &str = "UPDATE api_tokens SET last_used_at = $2 WHERE id = $1";
const DELETE_TOKEN: &str = "DELETE FROM api_tokens WHERE id = $1";

#[derive(sqlx::FromRow)]
struct UserRow {
    id: i64,
    username: String,
    display_name: String,
    role: String,
    org_id: Option<i64>,
    unit_key: Option<String>,
    pemda_id: Option<i64>,
    disabled: bool,
    must_change_password: bool,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
}

impl UserRow {
    fn into_user(self) -> Result<User> {
        let role = Role::parse(&self.role).ok_or_else(|| {
            StoreError::Corrupt(format!(
                "pengguna '{}' memiliki peran '{}' yang tidak dikenal",
                self.username, self.role
            ))
        })?;
        let unit = self
            .unit_key
            .map(|k| {
                UnitKey::parse(&k).map_err(|_| {
                    StoreError::Corrupt(format!(
                        "pengguna '{}' memiliki kunci unit '{k}' yang tidak sah",
                        self.username
                    ))
                })
            })
            .transpose()?;
        Ok(User {
            id: self.id,
            username: self.username,
            display_name: self.display_name,
            role,
            org_id: self.org_id,
            unit,
            pemda_id: self.pemda_id,
            pemda_orgs: Vec::new(),
            disabled: self.disabled,
            must_change_password: self.must_change_password,
            created_at: self.created_at,
            updated_at: self.updated_at,
        })
    }
}

#[derive(sqlx::FromRow)]
struct HashRow {
    id: i64,
    password_hash: String,
}

#[derive(sqlx::FromRow)]
struct NRow {
    n: i64,
}

#[derive(sqlx::FromRow)]
struct SessionRow {
    session_id: i64,
    csrf_token: String,
    session_created_at: DateTime<Utc>,
    expires_at: DateTime<Utc>,
    #[sqlx(flatten)]
    user: UserRow,
}

#[derive(sqlx::FromRow)]
struct SessionIdRow {
    id: i64,
    user_id: i64,
}

#[derive(sqlx::FromRow, Clone)]
struct TokenRow {
    id: i64,
    user_id: i64,
    name: String,
    created_at: DateTime<Utc>,
    last_used_at: Option<DateTime<Utc>>,
}

impl From<TokenRow> for ApiToken {
    fn from(r: TokenRow) -> Self {
        ApiToken {
            id: r.id,
            user_id: r.user_id,
            name: r.name,
            created_at: r.created_at,
            last_used_at: r.last_used_at,
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Secrets and hashes.

/// 32 random bytes from the operating system, as 64 hex digits.
fn random_secret() -> Result<String> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).map_err(|e| {
        StoreError::Invalid(format!(
            "sistem operasi tidak memberikan bilangan acak ({e}); coba lagi"
        ))
    })?;
    Ok(hex(&bytes))
}

pub(crate) fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write;
    bytes.iter().fold(String::new(), |mut s, b| {
        let _ = write!(s, "{b:02x}");
        s
    })
}

/// What is stored for a secret: its SHA-256, hex. Secrets are 256-bit random, so a fast hash is
/// enough (nothing to brute-force).
fn secret_hash(secret: &str) -> String {
    hex(&Sha256::digest(secret.as_bytes()))
}

/// Argon2id with the crate's default parameters (m = 19 MiB, t = 2, p = 1), on the blocking
/// pool.
async fn hash_password(password: &str) -> Result<String> {
    use argon2::{Argon2, PasswordHasher};
    let password = password.to_owned();
    tokio::task::spawn_blocking(move || {
        Argon2::default()
            .hash_password(password.as_bytes())
            .map(|h| h.to_string())
    })
    .await
    .map_err(|e| StoreError::Invalid(format!("sandi tidak dapat di-hash ({e})")))?
    .map_err(|e| StoreError::Invalid(format!("sandi tidak dapat di-hash ({e})")))
}

/// Whether `password` matches the PHC string `hash`; a malformed hash never matches.
async fn password_matches(password: &str, hash: String) -> bool {
    use argon2::{Argon2, PasswordVerifier};
    let password = password.to_owned();
    tokio::task::spawn_blocking(move || {
        Argon2::default()
            .verify_password(password.as_bytes(), hash.as_str())
            .is_ok()
    })
    .await
    .unwrap_or(false)
}

/// A valid Argon2id hash of a password nobody has, verified against when the user name is
/// unknown so that a login takes as long whether or not the account exists.
const DUMMY_HASH: &str = "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$\
     Jp3r2T2cWv0wLs7Bn3sVZxQ1p8wCk0b2m0Xx3w0bVHk";

// ---------------------------------------------------------------------------------------------
// Checks.

fn check_username(name: &str) -> Result<()> {
    let ok = (2..=100).contains(&name.len())
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || "._-".contains(c))
        && name.starts_with(|c: char| c.is_ascii_alphanumeric());
    if ok {
        Ok(())
    } else {
        Err(StoreError::Invalid(format!(
            "nama pengguna '{name}' tidak sah: pakai 2–100 huruf kecil, angka, titik, garis \
             bawah atau tanda hubung, diawali huruf atau angka (misalnya kabid.tenaga-kerja)"
        )))
    }
}

/// Refuses a password that is too short.
pub fn check_password(password: &str) -> Result<()> {
    if password.chars().count() < MIN_PASSWORD_LEN {
        return Err(StoreError::Invalid(format!(
            "sandi terlalu pendek: paling sedikit {MIN_PASSWORD_LEN} karakter"
        )));
    }
    Ok(())
}

/// Refuses a scope that does not fit the role or names what does not exist.
async fn check_scope(
    conn: &mut Conn,
    role: Role,
    org_id: Option<i64>,
    pemda_id: Option<i64>,
    unit: Option<&UnitKey>,
) -> Result<()> {
    if let Some(p) = pemda_id {
        if !(role.pemda_wide() || role == Role::Inspektorat) || org_id.is_some() {
            return Err(StoreError::Invalid(format!(
                "peran {} tidak dapat terikat pada pemda: hanya Bappeda, Kepala Daerah dan \
                 Inspektorat (tanpa organisasi) yang dapat",
                role.label()
            )));
        }
        let n: NRow = conn.fetch_one(PEMDA_EXISTS, params![p]).await?;
        if n.n == 0 {
            return Err(StoreError::NotFound(format!(
                "pemda dengan id {p} tidak ada: pilih pemda yang ada"
            )));
        }
        return Ok(());
    }
    if role.pemda_wide() {
        return Err(StoreError::Invalid(format!(
            "peran {} harus terikat pada satu pemda: pilih pemdanya",
            role.label()
        )));
    }
    match org_id {
        None if role != Role::Admin => {
            return Err(StoreError::Invalid(format!(
                "peran {} harus terikat pada satu organisasi: pilih organisasinya",
                role.label()
            )));
        }
        None => {}
        Some(org) => {
            let n: NRow = conn.fetch_one(ORG_EXISTS, params![org]).await?;
            if n.n == 0 {
                return Err(StoreError::NotFound(format!(
                    "organisasi dengan id {org} tidak ada: pilih organisasi yang ada"
                )));
            }
            if let Some(key) = unit {
                let n: NRow = conn
                    .fetch_one(UNIT_EXISTS, params![org, key.as_str()])
                    .await?;
                if n.n == 0 {
                    return Err(StoreError::NotFound(format!(
                        "unit '{key}' tidak ada dalam organisasi itu: pilih unit yang ada"
                    )));
                }
            }
        }
    }
    Ok(())
}

fn user_json(u: &User) -> Result<Value> {
    serde_json::to_value(u)
        .map_err(|e| StoreError::Invalid(format!("catatan audit tidak dapat dibuat: {e}")))
}

async fn user_by_id(conn: &mut Conn, id: i64) -> Result<User> {
    let row: Option<UserRow> = conn.fetch_optional(USER_BY_ID, params![id]).await?;
    row.ok_or_else(|| {
        StoreError::NotFound(format!(
            "pengguna dengan id {id} tidak ada. Muat ulang halaman lalu pilih pengguna yang ada."
        ))
    })?
    .into_user()
}

fn user_audit(action: AuditAction, before: Option<&User>, after: Option<&User>) -> Result<Audit> {
    let any = after.or(before);
    Ok(Audit {
        org_id: any.and_then(|u| u.org_id),
        entity: entity::USER,
        entity_id: any.map(|u| u.id),
        action,
        before: before.map(user_json).transpose()?,
        after: after.map(user_json).transpose()?,
    })
}

// ---------------------------------------------------------------------------------------------
// Reads.

pub(crate) async fn all(pool: &Pool) -> Result<Vec<User>> {
    let rows: Vec<UserRow> = Conn::run(pool, "membaca daftar pengguna", async |conn| {
        conn.fetch_all(USERS, params![]).await
    })
    .await?;
    rows.into_iter().map(UserRow::into_user).collect()
}

pub(crate) async fn by_id(pool: &Pool, id: i64) -> Result<Option<User>> {
    let row: Option<UserRow> = Conn::run(pool, "membaca pengguna", async |conn| {
        conn.fetch_optional(USER_BY_ID, params![id]).await
    })
    .await?;
    row.map(UserRow::into_user).transpose()
}

pub(crate) async fn by_name(pool: &Pool, username: &str) -> Result<Option<User>> {
    let row: Option<UserRow> = Conn::run(pool, "membaca pengguna", async |conn| {
        conn.fetch_optional(USER_BY_NAME, params![username]).await
    })
    .await?;
    row.map(UserRow::into_user).transpose()
}

pub(crate) async fn count(pool: &Pool) -> Result<i64> {
    let n: NRow = Conn::run(pool, "menghitung pengguna", async |conn| {
        conn.fetch_one(COUNT_USERS, params![]).await
    })
    .await?;
    Ok(n.n)
}

/// The enabled account `username` if `password` is its password.
pub(crate) async fn verify(pool: &Pool, username: &str, password: &str) -> Result<Option<User>> {
    let row: Option<HashRow> = Conn::run(pool, "memeriksa sandi", async |conn| {
        conn.fetch_optional(HASH_BY_NAME, params![username]).await
    })
    .await?;
    let Some(row) = row else {
        password_matches(password, DUMMY_HASH.to_owned()).await;
        return Ok(None);
    };
    if !password_matches(password, row.password_hash).await {
        return Ok(None);
    }
    Ok(by_id(pool, row.id).await?.filter(|u| !u.disabled))
}

pub(crate) async fn session(pool: &Pool, secret: &str) -> Result<Option<Session>> {
    let hash = secret_hash(secret);
    let key = memo::Key::Session(hash.clone());
    let session = pool
        .memoised(key, async || session_by_hash(pool, &hash).await)
        .await?;
    // A kept session may have expired since it was read.
    Ok(session.filter(|s| s.expires_at > now()))
}

async fn session_by_hash(pool: &Pool, hash: &str) -> Result<Option<Session>> {
    // One statement (a join): no transaction needed around it.
    let rows: Vec<SessionRow> = pool
        .fetch_single("membaca sesi", SESSION_BY_SECRET, params![hash, now()])
        .await?;
    let Some(r) = rows.into_iter().next() else {
        return Ok(None);
    };
    Ok(Some(Session {
        id: r.session_id,
        csrf_token: r.csrf_token,
        created_at: r.session_created_at,
        expires_at: r.expires_at,
        user: with_pemda_orgs(pool, r.user.into_user()?).await?,
    }))
}

/// Fills [`User::pemda_orgs`] for a pemda-scoped account: one more statement, only for those.
async fn with_pemda_orgs(pool: &Pool, mut user: User) -> Result<User> {
    if let Some(p) = user.pemda_id {
        #[derive(sqlx::FromRow)]
        struct IdRow {
            id: i64,
        }
        let rows: Vec<IdRow> = pool
            .fetch_single("membaca anggota pemda", PEMDA_ORGS, params![p])
            .await?;
        user.pemda_orgs = rows.into_iter().map(|r| r.id).collect();
    }
    Ok(user)
}

pub(crate) async fn tokens(pool: &Pool, user_id: i64) -> Result<Vec<ApiToken>> {
    let rows: Vec<TokenRow> = Conn::run(pool, "membaca token API", async |conn| {
        conn.fetch_all(TOKENS_OF, params![user_id]).await
    })
    .await?;
    Ok(rows.into_iter().map(ApiToken::from).collect())
}

// ---------------------------------------------------------------------------------------------
// Writes.

pub(crate) async fn create(store: &Store, actor: &str, new: &NewUser) -> Result<i64> {
    check_username(&new.username)?;
    check_password(&new.password)?;
    let display_name = new.display_name.trim();
    if display_name.is_empty() {
        return Err(StoreError::Invalid("nama lengkap pengguna kosong".into()));
    }
    let hash = hash_password(&new.password).await?;
    WriteTx::run(store, actor, "menambah pengguna", async |tx| {
        if tx
            .read()
            .fetch_optional::<UserRow>(USER_BY_NAME, params![new.username.as_str()])
            .await?
            .is_some()
        {
            return Err(StoreError::Conflict(format!(
                "nama pengguna '{}' sudah dipakai: pilih nama lain",
                new.username
            )));
        }
        check_scope(
            tx.read(),
            new.role,
            new.org_id,
            new.pemda_id,
            new.unit.as_ref(),
        )
        .await?;
        let at = now();
        let id = tx
            .insert(
                INSERT_USER,
                params![
                    new.username.as_str(),
                    display_name,
                    hash,
                    new.role.as_str(),
                    new.org_id,
                    new.unit.as_ref().map(|k| k.as_str()),
                    new.must_change_password,
                    at,
                    new.pemda_id,
                ],
            )
            .await?;
        let after = user_by_id(tx.read(), id).await?;
        Ok((id, user_audit(AuditAction::Create, None, Some(&after))?))
    })
    .await
}

pub(crate) async fn update(store: &Store, actor: &str, id: i64, change: &UserUpdate) -> Result<()> {
    let display_name = change.display_name.trim();
    if display_name.is_empty() {
        return Err(StoreError::Invalid("nama lengkap pengguna kosong".into()));
    }
    WriteTx::run(store, actor, "mengubah pengguna", async |tx| {
        let before = user_by_id(tx.read(), id).await?;
        check_scope(
            tx.read(),
            change.role,
            change.org_id,
            change.pemda_id,
            change.unit.as_ref(),
        )
        .await?;
        tx.execute(
            UPDATE_USER,
            params![
                id,
                display_name,
                change.role.as_str(),
                change.org_id,
                change.unit.as_ref().map(|k| k.as_str()),
                change.disabled,
                now(),
                change.pemda_id,
            ],
        )
        .await?;
        if change.disabled {
            tx.execute(DELETE_USER_SESSIONS, params![id]).await?;
        }
        let after = user_by_id(tx.read(), id).await?;
        Ok((
            (),
            user_audit(AuditAction::Update, Some(&before), Some(&after))?,
        ))
    })
    .await
}

/// Sets a password (the audit record says that it changed, not what to); ends every session
/// of the user.
pub(crate) async fn set_password(
    store: &Store,
    actor: &str,
    id: i64,
    password: &str,
    must_change: bool,
) -> Result<()> {
    check_password(password)?;
    let hash = hash_password(password).await?;
    WriteTx::run(store, actor, "mengganti sandi", async |tx| {
        let before = user_by_id(tx.read(), id).await?;
        tx.execute(UPDATE_PASSWORD, params![id, hash, must_change, now()])
            .await?;
        tx.execute(DELETE_USER_SESSIONS, params![id]).await?;
        let after = user_by_id(tx.read(), id).await?;
        let mut audit = user_audit(AuditAction::Update, Some(&before), Some(&after))?;
        if let Some(Value::Object(map)) = &mut audit.after {
            map.insert("password_changed".into(), Value::Bool(true));
        }
        Ok(((), audit))
    })
    .await
}

/// Opens a session for `user` lasting `ttl`; purges the user's expired sessions.
pub(crate) async fn open_session(store: &Store, user: &User, ttl: Duration) -> Result<NewSession> {
    let secret = random_secret()?;
    let csrf_token = random_secret()?;
    let hash = secret_hash(&secret);
    let created = now();
    let expires_at = created + ttl;
    let id = WriteTx::run(store, &user.username, "membuka sesi", async |tx| {
        tx.execute(DELETE_EXPIRED_SESSIONS, params![user.id, created])
            .await?;
        let id = tx
            .insert(
                INSERT_SESSION,
                params![hash, user.id, csrf_token.as_str(), created, expires_at],
            )
            .await?;
        let audit = Audit {
            org_id: user.org_id,
            entity: entity::SESSION,
            entity_id: Some(id),
            action: AuditAction::Create,
            before: None,
            after: Some(serde_json::json!({
                "user": user.username, "user_id": user.id, "expires_at": expires_at,
            })),
        };
        Ok((id, audit))
    })
    .await?;
    let _ = id;
    Ok(NewSession {
        secret,
        csrf_token,
        expires_at,
    })
}

/// Ends the session with this secret (a logout); nothing happens if there is none.
pub(crate) async fn close_session(store: &Store, actor: &str, secret: &str) -> Result<()> {
    let hash = secret_hash(secret);
    let found: Option<SessionIdRow> = Conn::run(&store.pool, "membaca sesi", async |conn| {
        conn.fetch_optional(SESSION_ID_BY_SECRET, params![hash.as_str()])
            .await
    })
    .await?;
    let Some(found) = found else {
        return Ok(());
    };
    WriteTx::run(store, actor, "menutup sesi", async |tx| {
        let user = user_by_id(tx.read(), found.user_id).await?;
        tx.execute(DELETE_SESSION, params![found.id]).await?;
        let audit = Audit {
            org_id: user.org_id,
            entity: entity::SESSION,
            entity_id: Some(found.id),
            action: AuditAction::Delete,
            before: Some(serde_json::json!({"user": user.username, "user_id": user.id})),
            after: None,
        };
        Ok(((), audit))
    })
    .await
}

/// Makes an API token for `user_id`; returns the secret, shown once.
pub(crate) async fn create_token(
    store: &Store,
    actor: &str,
    user_id: i64,
    name: &str,
) -> Result<String> {
    let name = name.trim();
    if name.is_empty() {
        return Err(StoreError::Invalid("nama token kosong".into()));
    }
    let secret = format!("pokin_{}", random_secret()?);
    let hash = secret_hash(&secret);
    WriteTx::run(store, actor, "membuat token API", async |tx| {
        let user = user_by_id(tx.read(), user_id).await?;
        let id = tx
            .insert(INSERT_TOKEN, params![hash, user_id, name, now()])
            .await?;
        let row: TokenRow = tx.read().fetch_one(TOKEN_BY_ID, params![id]).await?;
        let mut after = serde_json::to_value(ApiToken::from(row))
            .map_err(|e| StoreError::Invalid(format!("catatan audit tidak dapat dibuat: {e}")))?;
        if let Value::Object(map) = &mut after {
            map.insert("user".into(), Value::String(user.username.clone()));
        }
        let audit = Audit {
            org_id: user.org_id,
            entity: entity::API_TOKEN,
            entity_id: Some(id),
            action: AuditAction::Create,
            before: None,
            after: Some(after),
        };
        Ok(((), audit))
    })
    .await?;
    Ok(secret)
}

/// Revokes an API token.
pub(crate) async fn delete_token(store: &Store, actor: &str, token_id: i64) -> Result<()> {
    WriteTx::run(store, actor, "mencabut token API", async |tx| {
        let row: Option<TokenRow> = tx
            .read()
            .fetch_optional(TOKEN_BY_ID, params![token_id])
            .await?;
        let row = row.ok_or_else(|| {
            StoreError::NotFound(format!("token API dengan id {token_id} tidak ada"))
        })?;
        let user = user_by_id(tx.read(), row.user_id).await?;
        tx.execute(DELETE_TOKEN, params![token_id]).await?;
        let before = serde_json::to_value(ApiToken::from(row))
            .map_err(|e| StoreError::Invalid(format!("catatan audit tidak dapat dibuat: {e}")))?;
        let audit = Audit {
            org_id: user.org_id,
            entity: entity::API_TOKEN,
            entity_id: Some(token_id),
            action: AuditAction::Delete,
            before: Some(before),
            after: None,
        };
        Ok(((), audit))
    })
    .await
}

/// The enabled account that owns the token `secret`, recording (to the hour) that it was used.
pub(crate) async fn user_for_token(store: &Store, secret: &str) -> Result<Option<User>> {
    let hash = secret_hash(secret);
    let key = memo::Key::Token(hash.clone());
    let found = store
        .pool
        .memoised(key, async || token_owner(&store.pool, &hash).await)
        .await?;
    let Some((token, user)) = found else {
        return Ok(None);
    };
    let at = now();
    if token
        .last_used_at
        .is_none_or(|t| at - t >= Duration::hours(1))
    {
        WriteTx::run(
            store,
            &user.username,
            "mencatat pemakaian token API",
            async |tx| {
                tx.execute(TOUCH_TOKEN, params![token.id, at]).await?;
                let audit = Audit {
                    org_id: user.org_id,
                    entity: entity::API_TOKEN,
                    entity_id: Some(token.id),
                    action: AuditAction::Update,
                    before: Some(serde_json::json!({"last_used_at": token.last_used_at})),
                    after: Some(serde_json::json!({"last_used_at": at})),
                };
                Ok(((), audit))
            },
        )
        .await?;
    }
    Ok(Some(user))
}

/// The token with this hash and its enabled owner.
async fn token_owner(pool: &Pool, hash: &str) -> Result<Option<(TokenRow, User)>> {
    let row: Option<TokenRow> = Conn::run(pool, "membaca token API", async |conn| {
        conn.fetch_optional(TOKEN_BY_SECRET, params![hash]).await
    })
    .await?;
    let Some(token) = row else {
        return Ok(None);
    };
    let Some(user) = by_id(pool, token.user_id).await?.filter(|u| !u.disabled) else {
        return Ok(None);
    };
    Ok(Some((token, with_pemda_orgs(pool, user).await?)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn dummy_hash_is_a_valid_argon2id_hash() {
        use argon2::password_hash::phc::PasswordHash;
        assert!(PasswordHash::new(DUMMY_HASH).is_ok());
        assert!(!password_matches("x", DUMMY_HASH.to_owned()).await);
    }

    #[test]
    fn usernames() {
        for ok in ["admin", "kabid.tenaga-kerja", "op_1", "a1"] {
            assert!(check_username(ok).is_ok(), "{ok}");
        }
        for bad in ["", "a", "Admin", ".x", "nama pengguna", "x<script>"] {
            assert!(check_username(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn secrets_are_random_and_hashed() {
        let a = random_secret().expect("secret");
        let b = random_secret().expect("secret");
        assert_ne!(a, b);
        assert_eq!(a.len(), 64);
        assert_ne!(secret_hash(&a), a);
        assert_eq!(secret_hash(&a), secret_hash(&a));
    }

    #[test]
    fn roles_round_trip() {
        for r in Role::ALL {
            assert_eq!(Role::parse(r.as_str()), Some(r));
        }
    }
}
