#!/usr/bin/env python3
"""Reliability checks for Pokin, run by `scripts/crash-test` and `scripts/soak`.

crash  Starts `pokin serve` on a fresh copy of the demo agency, sends concurrent realisation
       writes through the JSON API, kills the server with SIGKILL at a random moment, checks the
       database files (SQLite `PRAGMA integrity_check` / `foreign_key_check` on the file as the
       kill left it; PostgreSQL amcheck when available; every realisation row and evidence file
       has its audit record), restarts it and reads every key back through the API: each
       acknowledged write must be there exactly, an unacknowledged one either absent or whole.
       Rounds keep writing into the same database. One line per backend:
       `sqlite: rounds: N, acknowledged: A, lost: 0`.
soak   Loads a synthetic kabupaten (`pokin demo --synthetic kabupaten --seed 1`), then for S
       seconds many connections mix pages (web sessions), the capaian and realisation API,
       realisation writes and workflow steps, evidence uploads and web logins (form + CSRF);
       then checks the same invariants and prints requests, errors by kind and p50/p99 latency.

PostgreSQL: 127.0.0.1:5432 as user postgres unless POKIN_RELIABILITY_PG_HOST / _PORT / _USER
say otherwise. Python 3.11 standard library only. Both subcommands own their temporary data
directory, their PostgreSQL database (created with createdb, dropped at the end) and their
server processes, and stop only those. Exit status: 0 all invariants held; 1 an invariant
failed or unexpected errors; 2 the setup failed (the server did not start, a command failed).
"""

from __future__ import annotations

import argparse
import collections
import hashlib
import http.client
import json
import os
import random
import re
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from dataclasses import dataclass, field

PG_HOST = os.environ.get("POKIN_RELIABILITY_PG_HOST", "127.0.0.1")
PG_PORT = os.environ.get("POKIN_RELIABILITY_PG_PORT", "5432")
PG_USER = os.environ.get("POKIN_RELIABILITY_PG_USER", "postgres")
PASSWORD = "uji-keandalan-2026"


class SetupError(Exception):
    """The test could not be set up (not a finding about Pokin's reliability)."""


def say(msg: str) -> None:
    print(f"== {msg}", file=sys.stderr, flush=True)


# --- HTTP ---------------------------------------------------------------------------------------


class NetworkError(Exception):
    """No complete HTTP response (connection refused/reset, timeout)."""

    def __init__(self, cause: BaseException):
        super().__init__(f"{type(cause).__name__}: {cause}")
        self.kind = type(cause).__name__


@dataclass
class Response:
    status: int
    headers: http.client.HTTPMessage
    body: bytes
    seconds: float

    def json(self):
        return json.loads(self.body)

    def json_or_empty(self) -> dict:
        try:
            v = json.loads(self.body)
        except ValueError:
            return {}
        return v if isinstance(v, dict) else {}

    def cookies(self) -> dict[str, str]:
        out = {}
        for v in self.headers.get_all("Set-Cookie") or []:
            name, _, rest = v.partition("=")
            out[name.strip()] = rest.split(";", 1)[0]
        return out


class Client:
    """One keep-alive connection (one per thread). Never retries a request by itself."""

    def __init__(self, port: int, timeout: float = 60.0):
        self.port = port
        self.timeout = timeout
        self.conn: http.client.HTTPConnection | None = None

    def close(self) -> None:
        if self.conn is not None:
            self.conn.close()
            self.conn = None

    def request(self, method: str, path: str, body: bytes | None = None,
                headers: dict[str, str] | None = None) -> Response:
        if self.conn is None:
            self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=self.timeout)
        started = time.perf_counter()
        try:
            self.conn.request(method, path, body=body, headers=headers or {})
            r = self.conn.getresponse()
            data = r.read()
        except (OSError, http.client.HTTPException) as e:
            self.close()
            raise NetworkError(e) from e
        took = time.perf_counter() - started
        if r.getheader("Connection", "").lower() == "close":
            self.close()
        return Response(r.status, r.headers, data, took)


def bearer(token: str, extra: dict[str, str] | None = None) -> dict[str, str]:
    h = {"Authorization": f"Bearer {token}", "Accept": "application/json"}
    if extra:
        h.update(extra)
    return h


def api_json(client: Client, method: str, path: str, token: str, payload=None,
             expect: int = 200):
    body = None if payload is None else json.dumps(payload).encode()
    headers = bearer(token, {"Content-Type": "application/json"} if body is not None else None)
    r = client.request(method, path, body, headers)
    if r.status != expect:
        raise SetupError(f"{method} {path}: HTTP {r.status} (diharapkan {expect}): "
                         f"{r.body[:300]!r}")
    return r.json()


def multipart(field_name: str, file_name: str, content: bytes, media_type: str):
    boundary = "----pokin" + hashlib.sha1(content).hexdigest()
    head = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"{field_name}\"; "
            f"filename=\"{file_name}\"\r\nContent-Type: {media_type}\r\n\r\n").encode()
    body = head + content + f"\r\n--{boundary}--\r\n".encode()
    return body, f"multipart/form-data; boundary={boundary}"


def pdf_bytes(tag: str) -> bytes:
    """A small PDF whose bytes are unique to `tag` (evidence is stored by content)."""
    return (b"%PDF-1.4\n% pokin reliability " + tag.encode() + b"\n"
            b"1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n"
            b"2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\n"
            b"trailer << /Root 1 0 R >>\n%%EOF\n")


# --- backends -----------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def pg_available() -> tuple[bool, str]:
    for tool in ("psql", "createdb", "dropdb"):
        if shutil.which(tool) is None:
            return False, f"{tool} tidak ada (pasang postgresql-client)"
    try:
        r = subprocess.run(["psql", "-h", PG_HOST, "-p", PG_PORT, "-U", PG_USER, "-d", "postgres",
                            "-At", "-c", "SELECT 1"], capture_output=True, text=True, timeout=10,
                           env={**os.environ, "PGCONNECT_TIMEOUT": "5"})
    except subprocess.TimeoutExpired:
        return False, f"PostgreSQL di {PG_HOST}:{PG_PORT} tidak menjawab"
    if r.returncode != 0 or r.stdout.strip() != "1":
        why = " ".join(r.stderr.split())[:200]
        return False, f"PostgreSQL di {PG_HOST}:{PG_PORT} tidak menjawab: {why}"
    return True, ""


class Backend:
    """A fresh data directory and database: SQLite in the directory, or a new PostgreSQL db."""

    def __init__(self, kind: str, binary: str, purpose: str, keep: bool, pg_name: str | None):
        self.kind = kind
        self.binary = binary
        self.keep = keep
        self.data_dir = tempfile.mkdtemp(prefix=f"pokin-{purpose}-{kind}-")
        self.db_name = None
        self.db_url = None
        if kind == "postgresql":
            self.db_name = pg_name or f"pokin_{purpose}_{os.getpid()}"
            run([ "dropdb", "-h", PG_HOST, "-p", PG_PORT, "-U", PG_USER, "--if-exists",
                 self.db_name])
            run(["createdb", "-h", PG_HOST, "-p", PG_PORT, "-U", PG_USER, self.db_name])
            self.db_url = f"postgres://{PG_USER}@{PG_HOST}:{PG_PORT}/{self.db_name}"

    @property
    def label(self) -> str:
        return self.kind

    @property
    def sqlite_path(self) -> str:
        return os.path.join(self.data_dir, "pokin.db")

    def base_args(self) -> list[str]:
        args = [self.binary, "--data-dir", self.data_dir]
        if self.db_url:
            args += ["--database-url", self.db_url]
        return args

    def cli(self, *args: str, stdin: str | None = None, check: bool = True,
            timeout: float = 1800) -> subprocess.CompletedProcess:
        env = {k: v for k, v in os.environ.items()
               if k not in ("POKIN_DATABASE_URL", "POKIN_DATA_DIR")}
        r = subprocess.run(self.base_args() + list(args), input=stdin if stdin is not None else "",
                           capture_output=True, text=True, timeout=timeout, env=env)
        if check and r.returncode != 0:
            raise SetupError(f"pokin {' '.join(args)} gagal ({r.returncode}): "
                             f"{(r.stderr or r.stdout).strip()[:500]}")
        return r

    def add_user(self, username: str, role: str, org: str | None = None) -> None:
        args = ["user", "add", username, "--role", role]
        if org is not None:
            args += ["--org", org]
        self.cli(*args, stdin=PASSWORD + "\n")

    def token(self, username: str) -> str:
        out = self.cli("user", "token", username, "--name", "keandalan").stdout
        return out.strip().splitlines()[-1].strip()

    def query(self, sql: str) -> list[dict]:
        """Rows of `sql` as dicts; SQLite read-only on the file, PostgreSQL through psql."""
        if self.kind == "sqlite":
            con = sqlite3.connect(f"file:{self.sqlite_path}?mode=ro", uri=True, timeout=60)
            try:
                con.row_factory = sqlite3.Row
                return [dict(r) for r in con.execute(sql).fetchall()]
            finally:
                con.close()
        wrapped = f"SELECT coalesce(json_agg(t), '[]'::json) FROM ({sql}) t"
        return json.loads(self.psql(wrapped))

    def psql(self, sql: str, check: bool = True) -> str:
        r = subprocess.run(["psql", "-h", PG_HOST, "-p", PG_PORT, "-U", PG_USER, "-d",
                            self.db_name, "-X", "-q", "-At", "-v", "ON_ERROR_STOP=1", "-c", sql],
                           capture_output=True, text=True, timeout=600)
        if check and r.returncode != 0:
            raise SetupError(f"psql: {r.stderr.strip()[:300]}")
        return r.stdout if r.returncode == 0 else "ERROR: " + r.stderr.strip()

    def cleanup(self) -> None:
        if self.db_name:
            subprocess.run(["dropdb", "-h", PG_HOST, "-p", PG_PORT, "-U", PG_USER, "--if-exists",
                            "--force", self.db_name], capture_output=True, timeout=60)
        if self.keep:
            say(f"folder data disimpan: {self.data_dir}")
        else:
            shutil.rmtree(self.data_dir, ignore_errors=True)


def run(args: list[str]) -> None:
    r = subprocess.run(args, capture_output=True, text=True, timeout=120)
    if r.returncode != 0:
        raise SetupError(f"{' '.join(args)} gagal: {r.stderr.strip()[:300]}")


# --- the server ---------------------------------------------------------------------------------

SERVERS: list["Server"] = []


class Server:
    """`pokin serve` on a free port; only this process is ever signalled."""

    def __init__(self, backend: Backend):
        self.backend = backend
        self.proc: subprocess.Popen | None = None
        self.port = 0
        self.log_path = os.path.join(backend.data_dir, "server.log")
        SERVERS.append(self)

    def start(self, timeout: float = 180) -> None:
        for _attempt in range(3):
            self.port = free_port()
            log = open(self.log_path, "ab")
            log.write(f"\n--- pokin serve (port {self.port}) ---\n".encode())
            log.flush()
            env = {k: v for k, v in os.environ.items()
                   if k not in ("POKIN_DATABASE_URL", "POKIN_DATA_DIR")}
            self.proc = subprocess.Popen(
                self.backend.base_args() + ["serve", "--listen", f"127.0.0.1:{self.port}"],
                stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, env=env)
            log.close()
            deadline = time.monotonic() + timeout
            client = Client(self.port, timeout=5)
            while time.monotonic() < deadline:
                if self.proc.poll() is not None:
                    break
                try:
                    if client.request("GET", "/masuk").status == 200:
                        client.close()
                        return
                except NetworkError:
                    pass
                time.sleep(0.05)
            client.close()
            if self.proc.poll() is None:
                self.kill()
                raise SetupError(f"server tidak menjawab dalam {timeout:.0f} detik; log: "
                                 f"{self.log_path}")
            if "dipakai" not in self.log_tail():
                break
        raise SetupError(f"server berhenti saat mulai (kode {self.proc.returncode}): "
                         f"{self.log_tail()}")

    def log_tail(self, n: int = 800) -> str:
        try:
            with open(self.log_path, "rb") as f:
                return f.read()[-n:].decode(errors="replace").strip()
        except OSError:
            return ""

    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def kill(self) -> None:
        """SIGKILL, as a power cut would."""
        if self.alive():
            os.kill(self.proc.pid, signal.SIGKILL)
        if self.proc is not None:
            self.proc.wait()

    def stop(self) -> None:
        if self.alive():
            self.proc.terminate()
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.kill()


def stop_all_servers() -> None:
    for s in SERVERS:
        try:
            s.kill()
        except Exception:  # noqa: BLE001 - best effort at exit
            pass


# --- checks shared by crash and soak ------------------------------------------------------------


def database_checks(backend: Backend, actors: list[str]) -> list[str]:
    """Integrity problems of the database as it is now (empty: none)."""
    problems = []
    if backend.kind == "sqlite":
        try:
            rows = backend.query("PRAGMA integrity_check")
            result = [list(r.values())[0] for r in rows]
            if result != ["ok"]:
                problems.append(f"PRAGMA integrity_check: {'; '.join(map(str, result[:5]))}")
            fk = backend.query("PRAGMA foreign_key_check")
            if fk:
                problems.append(f"PRAGMA foreign_key_check: {len(fk)} baris melanggar, mis. "
                                f"{fk[0]}")
        except sqlite3.DatabaseError as e:
            problems.append(f"berkas SQLite tidak terbaca: {e}")
            return problems
    else:
        problems += pg_amcheck(backend)
    # Every realisation row written by our actors has its audit records, one of which holds the
    # row's value and kendala (each write's value is unique: row and audit in one transaction).
    names = ", ".join("'" + a + "'" for a in actors)
    rows = backend.query(
        "SELECT r.id, r.value_number, r.kendala, a.after_json FROM realisations r "
        "LEFT JOIN audit_log a ON a.org_id = r.org_id AND a.entity = 'realisation' "
        "AND a.entity_id = r.id WHERE r.updated_by IN (" + names + ")")
    by_row: dict[int, list] = collections.defaultdict(list)
    for r in rows:
        by_row[r["id"]].append(r)
    for rid, group in sorted(by_row.items()):
        value, kendala = group[0]["value_number"], group[0]["kendala"]
        afters = [json.loads(g["after_json"]) for g in group if g["after_json"] is not None]
        if not afters:
            problems.append(f"realisasi id {rid} tanpa catatan audit")
        elif not any(audit_matches(a, value, kendala) for a in afters):
            problems.append(f"realisasi id {rid}: tidak ada catatan audit dengan nilainya "
                            f"({value}, kendala {kendala!r}); terakhir: {afters[-1]}")
    ev = backend.query(
        "SELECT e.id FROM evidence e WHERE e.uploaded_by IN (" + names + ") AND NOT EXISTS "
        "(SELECT 1 FROM audit_log a WHERE a.org_id = e.org_id AND a.entity = 'evidence' "
        "AND a.entity_id = e.id)")
    for e in ev:
        problems.append(f"bukti dukung id {e['id']} tanpa catatan audit")
    r = backend.cli("audit", "verify", check=False)
    if r.returncode != 0:
        problems.append(f"pokin audit verify keluar {r.returncode}: "
                        f"{(r.stdout + r.stderr).strip()[-400:]}")
    return problems


def audit_matches(after, value, kendala) -> bool:
    """Whether an audit record's `after` holds this value and kendala: its `value_number` and
    `kendala` fields, or, should the audited layout change, anywhere inside it."""
    if isinstance(after, dict) and "value_number" in after and "kendala" in after:
        return after["value_number"] == value and after["kendala"] == kendala
    found_value = found_kendala = False

    def walk(x):
        nonlocal found_value, found_kendala
        if isinstance(x, dict):
            for v in x.values():
                walk(v)
        elif isinstance(x, list):
            for v in x:
                walk(v)
        elif isinstance(x, bool):
            return
        elif isinstance(x, (int, float)) and value is not None and float(x) == float(value):
            found_value = True
        elif isinstance(x, str) and kendala is not None and x == kendala:
            found_kendala = True

    walk(after)
    return (value is None or found_value) and (kendala is None or found_kendala)


def pg_amcheck(backend: Backend) -> list[str]:
    """B-tree index checks with amcheck when the extension can be created (else nothing)."""
    out = backend.psql("CREATE EXTENSION IF NOT EXISTS amcheck", check=False)
    if out.startswith("ERROR"):
        return []
    out = backend.psql(
        "SELECT count(bt_index_check(c.oid)) FROM pg_index i "
        "JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_am am ON am.oid = c.relam "
        "JOIN pg_namespace n ON n.oid = c.relnamespace "
        "WHERE am.amname = 'btree' AND n.nspname = current_schema() AND c.relpersistence = 'p'",
        check=False)
    if out.startswith("ERROR"):
        return [f"amcheck: {out[7:300]}"]
    return []


def audit_count(backend: Backend) -> int:
    return int(backend.query("SELECT count(*) AS n FROM audit_log")[0]["n"])


def is_number_target(text) -> bool:
    return text is None or re.fullmatch(r"[\s\d.,%–\-]+", str(text)) is not None


def find_writable_keys(client: Client, token: str, org_id: int, year: int, limit: int,
                       periods: tuple[int, ...] = (4, 3, 2, 1)) -> list[dict]:
    """Indicator periods of `year` that accept a numeric draft now: quarter open, nothing
    submitted or verified yet, numeric targets. Each: unit, code, period, and current value."""
    tree = api_json(client, "GET", f"/api/v1/organisations/{org_id}/tree", token)
    keys = []
    for unit in tree["units"]:
        for obj in unit["objectives"]:
            for ind in obj["indicators"]:
                for q in periods:
                    if len(keys) >= limit:
                        return keys
                    slug = f"{year}-tw{q}"
                    path = (f"/api/v1/organisations/{org_id}/realisasi/"
                            f"{urllib.parse.quote(unit['key'])}/{urllib.parse.quote(ind['code'])}"
                            f"/{slug}")
                    r = client.request("GET", path, headers=bearer(token))
                    if r.status == 404:
                        break  # reported monthly, or gone
                    if r.status != 200:
                        raise SetupError(f"GET {path}: HTTP {r.status}")
                    v = r.json()
                    rec = v["realisation"]
                    if v["closed"] or not is_number_target(v["target_period"]) or \
                            not is_number_target(v["target_year"]):
                        continue
                    if rec is not None and (rec["status"] not in ("draft", "dikembalikan")
                                            or rec["locked"]):
                        continue
                    current = state_of(rec)
                    keys.append({"org": org_id, "unit": unit["key"], "code": ind["code"],
                                 "period": slug, "path": path, "current": current})
    return keys


def state_of(rec) -> tuple | None:
    """(value, kendala) of a realisation; None when there is none or it holds neither (a
    draft made by an evidence upload)."""
    if rec is None or (rec["nilai"] is None and rec["kendala"] is None):
        return None
    return (rec["nilai"], rec["kendala"])


def percentile(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    s = sorted(values)
    k = max(0, min(len(s) - 1, int(round(p / 100 * (len(s) - 1)))))
    return s[k]


# --- crash --------------------------------------------------------------------------------------


@dataclass
class Key:
    path: str
    committed: tuple | None  # (value, kendala) known to be stored
    pending: tuple | None = None  # sent, not acknowledged


@dataclass
class Upload:
    org: int
    evidence_id: int
    sha256: str


#: The demo agency's name (data/demo/dpmptsp-naker.yaml).
DEMO_AGENCY = "Dinas Penanaman Modal, Pelayanan Terpadu Satu Pintu, Perindustrian dan Tenaga Kerja"


def crash_backend(backend: Backend, args) -> tuple[str, bool]:
    rng = random.Random(args.seed)
    actor = "uji-crash"
    say(f"{backend.label}: memuat dinas demo")
    backend.cli("demo")
    backend.add_user(actor, "admin")
    token = backend.token(actor)
    server = Server(backend)
    server.start()
    client = Client(server.port)
    orgs = api_json(client, "GET", "/api/v1/organisations", token)
    # `pokin demo` loads the demo agency inside its demo kabupaten: write to the agency (its
    # Renstra runs to 2029; the kabupaten's synthetic organisations' end earlier).
    org_id = next((o["id"] for o in orgs if o["name"] == DEMO_AGENCY), orgs[0]["id"])
    raw = []
    for year in (2027, 2028):
        raw += find_writable_keys(client, token, org_id, year, args.threads * 24 - len(raw))
    client.close()
    if len(raw) < args.threads:
        raise SetupError(f"hanya {len(raw)} indikator-periode yang dapat diisi")
    keys = [Key(k["path"], k["current"]) for k in raw]
    say(f"{backend.label}: {len(keys)} indikator-periode, {args.threads} koneksi, "
        f"{args.rounds} ronde")
    shares = [keys[i::args.threads] for i in range(args.threads)]
    acknowledged = lost = half = unexpected = 0
    uploads: list[Upload] = []
    lost_uploads: set[int] = set()
    problems: list[str] = []  # losses, half-written values, unexpected responses
    integrity: list[str] = []  # database checks
    lock = threading.Lock()

    for rnd in range(1, args.rounds + 1):
        if not server.alive():
            server.start()
        stop = threading.Event()
        counts = collections.Counter()

        def writer(t: int, share: list[Key]):
            c = Client(server.port, timeout=30)
            n = 0
            try:
                while not stop.is_set():
                    k = share[n % len(share)]
                    n += 1
                    if t == 0 and n % 4 == 0:
                        # Thread 0 also uploads evidence: the file is written and fsynced
                        # before its row commits; an acknowledged upload must read back.
                        content = pdf_bytes(f"crash {os.getpid()} r{rnd} n{n}")
                        sha = hashlib.sha256(content).hexdigest()
                        body, ctype = multipart("berkas", f"bukti-r{rnd}-{n}.pdf", content,
                                                "application/pdf")
                        try:
                            r = c.request("POST", k.path + "/bukti", body,
                                          bearer(token, {"Content-Type": ctype}))
                        except NetworkError:
                            return
                        if r.status == 201:
                            with lock:
                                uploads.append(Upload(org_id, r.json_or_empty().get("id"), sha))
                                counts["upload"] += 1
                        else:
                            with lock:
                                counts[f"unggah HTTP {r.status}"] += 1
                                problems.append(f"unggah bukti: HTTP {r.status} "
                                                f"{r.body[:200]!r}")
                        continue
                    value = rnd * 1_000_000 + t * 100_000 + n + 0.25
                    kendala = f"crash r{rnd} t{t} n{n}"
                    k.pending = (value, kendala)
                    payload = json.dumps({"nilai": value, "kendala": kendala}).encode()
                    try:
                        r = c.request("PUT", k.path, payload,
                                      bearer(token, {"Content-Type": "application/json"}))
                    except NetworkError:
                        return  # in flight when the server died: unacknowledged
                    rec = r.json_or_empty().get("realisation") if r.status == 200 else None
                    if rec and rec.get("nilai") == value and rec.get("kendala") == kendala:
                        k.committed = (value, kendala)
                        k.pending = None
                        with lock:
                            counts["ack"] += 1
                    else:
                        with lock:
                            counts[f"HTTP {r.status}"] += 1
                            problems.append(f"PUT {k.path}: HTTP {r.status}, jawaban tidak "
                                            f"sesuai: {r.body[:200]!r}")
            finally:
                c.close()

        threads = [threading.Thread(target=writer, args=(t, shares[t]), daemon=True)
                   for t in range(args.threads)]
        for th in threads:
            th.start()
        time.sleep(rng.uniform(0.3, 3.0))
        server.kill()
        stop.set()
        for th in threads:
            th.join(timeout=120)
        acknowledged += counts["ack"] + counts["upload"]
        unexpected += sum(v for c, v in counts.items() if c not in ("ack", "upload"))

        # The files as the kill left them, before anything opens them again.
        for p in database_checks(backend, [actor]):
            integrity.append(f"ronde {rnd}: {p}")

        server.start()
        c = Client(server.port)
        round_lost = round_half = 0
        for k in keys:
            r = c.request("GET", k.path, headers=bearer(token))
            if r.status != 200:
                problems.append(f"ronde {rnd}: GET {k.path}: HTTP {r.status}")
                round_lost += 1
                continue
            got = state_of(r.json()["realisation"])
            if got == k.committed:
                pass
            elif k.pending is not None and got == k.pending:
                k.committed = got  # the unacknowledged write committed, whole
            elif k.pending is not None and got is not None and (
                    got[0] == k.pending[0] or got[1] == k.pending[1]):
                round_half += 1
                problems.append(f"ronde {rnd}: {k.path} setengah tertulis: {got}, dikirim "
                                f"{k.pending}, sebelumnya {k.committed}")
            else:
                round_lost += 1
                problems.append(f"ronde {rnd}: {k.path} berisi {got}, seharusnya "
                                f"{k.committed}" + (f" atau {k.pending}" if k.pending else ""))
            k.pending = None
        for u in list(uploads):
            r = c.request("GET", f"/api/v1/organisations/{u.org}/bukti/{u.evidence_id}",
                          headers=bearer(token))
            if r.status != 200 or hashlib.sha256(r.body).hexdigest() != u.sha256:
                round_lost += 1
                uploads.remove(u)  # counted once
                lost_uploads.add(u.evidence_id)
                problems.append(f"ronde {rnd}: bukti {u.evidence_id}: HTTP {r.status}, "
                                f"isi {'berbeda' if r.status == 200 else 'tidak terbaca'}")
        # Unacknowledged uploads: absent, or present whole (the server re-checks SHA-256).
        names = backend.query(
            f"SELECT id, sha256 FROM evidence WHERE uploaded_by = '{actor}'")
        known = {u.evidence_id for u in uploads} | lost_uploads
        for row in names:
            if row["id"] in known:
                continue
            r = c.request("GET", f"/api/v1/organisations/{org_id}/bukti/{row['id']}",
                          headers=bearer(token))
            if r.status != 200 or hashlib.sha256(r.body).hexdigest() != row["sha256"]:
                round_half += 1
                problems.append(f"ronde {rnd}: bukti tak terkonfirmasi {row['id']} tidak utuh "
                                f"(HTTP {r.status})")
            else:
                uploads.append(Upload(org_id, row["id"], row["sha256"]))
        c.close()
        lost += round_lost
        half += round_half
        say(f"{backend.label}: ronde {rnd}: {counts['ack']} tulis + {counts['upload']} unggah "
            f"dikonfirmasi, hilang {round_lost}, setengah {round_half}")
    line = (f"{backend.label}: rounds: {args.rounds}, acknowledged: {acknowledged}, "
            f"lost: {lost}")
    if half:
        line += f", half-written: {half}"
    if integrity:
        line += f", integrity failures: {len(integrity)}"
    if unexpected:
        line += f", unexpected responses: {unexpected}"
    problems = integrity + problems
    for p in problems[:30]:
        print(f"  {backend.label}: {p}", file=sys.stderr)
    if len(problems) > 30:
        print(f"  {backend.label}: … dan {len(problems) - 30} masalah lain", file=sys.stderr)
    return line, not problems and lost == 0 and half == 0


# --- soak ---------------------------------------------------------------------------------------

WEIGHTS = {
    "halaman": 30,         # web pages with a session
    "api_capaian": 12,     # GET capaian API
    "api_baca": 14,        # GET a realisation
    "api_tulis": 22,       # PUT a realisation
    "api_langkah": 6,      # ajukan then verifikasi
    "unggah_bukti": 8,     # evidence upload
    "masuk": 4,            # web login: GET /masuk, POST /masuk
}
EXPECTED = {"halaman": {200}, "api_capaian": {200}, "api_baca": {200}, "api_tulis": {200},
            "api_ajukan": {200}, "api_verifikasi": {200}, "unggah_bukti": {201},
            "masuk_form": {200}, "masuk": {303}}


@dataclass
class OrgAccounts:
    org_id: int
    name: str
    operator: str = ""
    op_token: str = ""
    verifier: str = ""
    ver_token: str = ""
    reader: str = ""
    keys: list = field(default_factory=list)


class Stats:
    def __init__(self):
        self.lock = threading.Lock()
        self.latency: dict[str, list[float]] = collections.defaultdict(list)
        self.outcomes: dict[str, collections.Counter] = collections.defaultdict(
            collections.Counter)
        self.samples: list[str] = []

    def record(self, kind: str, outcome: str, seconds: float | None, detail: str = "") -> None:
        with self.lock:
            if seconds is not None:
                self.latency[kind].append(seconds)
            self.outcomes[kind][outcome] += 1
            if outcome != "ok" and len(self.samples) < 20:
                self.samples.append(f"{kind} {outcome}: {detail[:240]}")


def soak_backend(backend: Backend, args) -> tuple[str, bool]:
    t0 = time.monotonic()
    say(f"{backend.label}: memuat kabupaten sintetis (pokin demo --synthetic kabupaten --seed 1)")
    backend.cli("demo", "--synthetic", "kabupaten", "--seed", "1")
    say(f"{backend.label}: dimuat dalam {time.monotonic() - t0:.1f} s")
    admin = "uji-soak-admin"
    backend.add_user(admin, "admin")
    admin_token = backend.token(admin)
    server = Server(backend)
    server.start()
    c = Client(server.port)
    orgs = api_json(c, "GET", "/api/v1/organisations", admin_token)
    chosen = [OrgAccounts(o["id"], o["name"]) for o in orgs[:args.orgs]]
    actors = [admin]
    for i, o in enumerate(chosen):
        o.operator, o.verifier, o.reader = (f"uji-op-{i}", f"uji-ver-{i}", f"uji-baca-{i}")
        backend.add_user(o.operator, "operator", o.name)
        backend.add_user(o.verifier, "verifikator", o.name)
        backend.add_user(o.reader, "pimpinan", o.name)
        o.op_token = backend.token(o.operator)
        o.ver_token = backend.token(o.verifier)
        o.keys = find_writable_keys(c, admin_token, o.org_id, 2026,
                                    args.keys_per_org)
        actors += [o.operator, o.verifier]
        say(f"{backend.label}: {o.name}: {len(o.keys)} indikator-periode terbuka")
    audit_before = audit_count(backend)
    c.close()

    stats = Stats()
    stop = threading.Event()
    # Expected state, written only by the worker that owns a key.
    expected: dict[str, tuple] = {}
    evidence: list[tuple[int, int, str]] = []  # (org, id, sha256)
    acked = collections.Counter()
    ack_lock = threading.Lock()
    server_died = threading.Event()

    def worker(w: int):
        rng = random.Random(args.seed * 1000 + w)
        org = chosen[w % len(chosen)]
        workers_of_org = [x for x in range(args.workers) if x % len(chosen) == w % len(chosen)]
        mine = org.keys[workers_of_org.index(w)::len(workers_of_org)]
        writable = list(mine)
        written: list[dict] = []  # writable keys with a value, candidates for steps
        cl = Client(server.port)
        session = None
        n = 0
        kinds, weights = zip(*WEIGHTS.items())

        def do(kind, method, path, body=None, headers=None):
            try:
                r = cl.request(method, path, body, headers)
            except NetworkError as e:
                if not server.alive():
                    server_died.set()
                stats.record(kind, f"jaringan {e.kind}", None, f"{method} {path}: {e}")
                return None
            ok = r.status in EXPECTED[kind]
            stats.record(kind, "ok" if ok else f"HTTP {r.status}", r.seconds,
                         f"{method} {path}: {r.body[:200]!r}")
            return r if ok else None

        def login():
            """A web login through the form: GET /masuk (CSRF token), POST /masuk."""
            nonlocal session
            r = do("masuk_form", "GET", "/masuk")
            if r is None:
                return
            m = re.search(rb'name="_csrf"\s+value="([^"]+)"', r.body) or \
                re.search(rb'value="([^"]+)"\s+name="_csrf"', r.body)
            pra = r.cookies().get("pokin_pra")
            if not m or not pra:
                stats.record("masuk_form", "tanpa token CSRF", None, r.body[:200].decode())
                return
            form = urllib.parse.urlencode({"_csrf": m.group(1).decode(),
                                           "username": org.reader, "password": PASSWORD,
                                           "lanjut": "/"}).encode()
            p = do("masuk", "POST", "/masuk", form,
                   {"Content-Type": "application/x-www-form-urlencoded",
                    "Cookie": f"pokin_pra={pra}"})
            if p is not None:
                sesi = p.cookies().get("pokin_sesi")
                if sesi:
                    session = sesi
                else:
                    stats.record("masuk", "tanpa cookie sesi", None, "")

        try:
            login()
            while not stop.is_set():
                n += 1
                kind = rng.choices(kinds, weights)[0]
                if kind in ("api_tulis", "unggah_bukti") and not writable:
                    kind = "api_baca"
                if kind == "api_langkah" and not written:
                    kind = "api_tulis" if writable else "api_baca"
                if kind == "halaman":
                    if session is None:
                        login()
                        continue
                    page = rng.choice(["/dasbor/daerah", f"/organisasi/{org.org_id}/dasbor",
                                       f"/organisasi/{org.org_id}/pohon",
                                       f"/organisasi/{org.org_id}/realisasi", "/tugas",
                                       f"/organisasi/{org.org_id}"])
                    do("halaman", "GET", page, headers={"Cookie": f"pokin_sesi={session}"})
                elif kind == "masuk":
                    login()
                elif kind == "api_capaian":
                    q = rng.choice(["tahun=2026", "tahun=2026&triwulan=2", "tahun=2025"])
                    do(kind, "GET", f"/api/v1/organisations/{org.org_id}/capaian?{q}",
                       headers=bearer(org.op_token))
                elif kind == "api_baca":
                    k = rng.choice(org.keys) if org.keys else None
                    if k is None:
                        continue
                    do(kind, "GET", k["path"], headers=bearer(org.op_token))
                elif kind == "api_tulis":
                    k = rng.choice(writable)
                    value = w * 1_000_000 + n + 0.5
                    kendala = f"soak w{w} n{n}"
                    r = do(kind, "PUT", k["path"],
                           json.dumps({"nilai": value, "kendala": kendala}).encode(),
                           bearer(org.op_token, {"Content-Type": "application/json"}))
                    if r is not None:
                        rec = r.json_or_empty().get("realisation") or {}
                        if rec.get("nilai") != value or rec.get("kendala") != kendala:
                            stats.record("api_tulis", "jawaban salah", None, repr(rec)[:200])
                            continue
                        expected[k["path"]] = (value, kendala)
                        with ack_lock:
                            acked["tulis"] += 1
                        if k not in written:
                            written.append(k)
                elif kind == "api_langkah":
                    k = written.pop(rng.randrange(len(written)))
                    writable.remove(k)
                    r = do("api_ajukan", "POST", k["path"] + "/ajukan", b"",
                           bearer(org.op_token))
                    if r is None:
                        continue
                    with ack_lock:
                        acked["ajukan"] += 1
                    r = do("api_verifikasi", "POST", k["path"] + "/verifikasi", b"",
                           bearer(org.ver_token))
                    if r is not None:
                        with ack_lock:
                            acked["verifikasi"] += 1
                elif kind == "unggah_bukti":
                    k = rng.choice(writable)
                    content = pdf_bytes(f"soak {os.getpid()} w{w} n{n}")
                    body, ctype = multipart("berkas", f"bukti-{w}-{n}.pdf", content,
                                            "application/pdf")
                    r = do(kind, "POST", k["path"] + "/bukti", body,
                           bearer(org.op_token, {"Content-Type": ctype}))
                    if r is not None:
                        with ack_lock:
                            evidence.append((org.org_id, r.json_or_empty().get("id"),
                                             hashlib.sha256(content).hexdigest()))
                            acked["unggah"] += 1
        finally:
            cl.close()

    say(f"{backend.label}: {args.workers} koneksi selama {args.seconds} detik")
    threads = [threading.Thread(target=worker, args=(w,), daemon=True)
               for w in range(args.workers)]
    started = time.monotonic()
    for th in threads:
        th.start()
    while time.monotonic() - started < args.seconds and not server_died.is_set():
        time.sleep(0.2)
    stop.set()
    for th in threads:
        th.join(timeout=120)
    elapsed = time.monotonic() - started

    problems = []
    if server_died.is_set() or not server.alive():
        problems.append(f"server mati selama uji: {server.log_tail(400)}")
    else:
        c = Client(server.port)
        try:
            if c.request("GET", "/masuk").status != 200:
                problems.append("server tidak lagi menjawab /masuk dengan 200")
            any_token = chosen[0].op_token
            for path, want in expected.items():
                org_id = int(path.split("/")[4])
                tok = next(o.op_token for o in chosen if o.org_id == org_id) or any_token
                r = c.request("GET", path, headers=bearer(tok))
                got = (state_of(r.json_or_empty().get("realisation")) if r.status == 200
                       else f"HTTP {r.status}")
                if got != want:
                    problems.append(f"{path}: berisi {got}, seharusnya {want}")
            for org_id, eid, sha in evidence:
                r = c.request("GET", f"/api/v1/organisations/{org_id}/bukti/{eid}",
                              headers=bearer(admin_token))
                if r.status != 200 or hashlib.sha256(r.body).hexdigest() != sha:
                    problems.append(f"bukti {eid}: HTTP {r.status}, isi tidak sama")
        except NetworkError as e:
            problems.append(f"pemeriksaan akhir: {e}")
        finally:
            c.close()
    server.stop()
    audit_after = audit_count(backend)
    mutations = acked["tulis"] + acked["ajukan"] + acked["verifikasi"] + acked["unggah"]
    if audit_after - audit_before < mutations:
        problems.append(f"log audit bertambah {audit_after - audit_before}, padahal "
                        f"{mutations} perubahan dikonfirmasi")
    problems += database_checks(backend, actors)
    # Thousands of logins and password-bearing requests later, no password is in the server's
    # output (Pokin logs no request bodies; this keeps it so).
    with open(server.log_path, "rb") as f:
        if PASSWORD.encode() in f.read():
            problems.append(f"sandi pengguna muncul di log server {server.log_path}")

    # The table.
    total = sum(sum(c.values()) for c in stats.outcomes.values())
    unexpected = sum(v for c in stats.outcomes.values() for o, v in c.items() if o != "ok")
    lines = [f"{backend.label}: {elapsed:.0f} s, {args.workers} connections, {total} requests "
             f"({total / elapsed:.0f}/s), unexpected: {unexpected}; acknowledged: "
             f"{acked['tulis']} writes, {acked['ajukan']} submits, {acked['verifikasi']} "
             f"verifications, {acked['unggah']} uploads; audit +{audit_after - audit_before}"]
    lines.append(f"  {'kind':<16} {'requests':>9} {'ok':>9}  {'p50 ms':>8} {'p99 ms':>8}  errors")
    for kind in sorted(stats.outcomes, key=lambda k: -sum(stats.outcomes[k].values())):
        oc = stats.outcomes[kind]
        lat = stats.latency.get(kind, [])
        errs = ", ".join(f"{o}×{v}" for o, v in sorted(oc.items()) if o != "ok") or "-"
        lines.append(f"  {kind:<16} {sum(oc.values()):>9} {oc['ok']:>9}  "
                     f"{percentile(lat, 50) * 1000:>8.1f} {percentile(lat, 99) * 1000:>8.1f}  "
                     f"{errs}")
    for s in stats.samples[:10]:
        lines.append(f"  contoh galat: {s}")
    for p in problems[:30]:
        lines.append(f"  MASALAH: {p}")
    ok = not problems and unexpected == 0
    return "\n".join(lines), ok


# --- main ---------------------------------------------------------------------------------------


def backends_to_run(choice: str) -> list[str]:
    if choice == "sqlite":
        return ["sqlite"]
    available, why = pg_available()
    if choice == "postgresql":
        if not available:
            raise SetupError(why)
        return ["postgresql"]
    if available:
        return ["sqlite", "postgresql"]
    print(f"postgresql: dilewati — {why}", flush=True)
    return ["sqlite"]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = ap.add_subparsers(dest="command", required=True)
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--bin", required=True, help="the pokin binary")
    common.add_argument("--backend", choices=["all", "sqlite", "postgresql"], default="all")
    common.add_argument("--seed", type=int, default=None)
    common.add_argument("--keep", action="store_true", help="keep the data directories")
    common.add_argument("--pg-name", default=None,
                        help="name of the PostgreSQL database to create (and drop)")
    cr = sub.add_parser("crash", parents=[common])
    cr.add_argument("--rounds", type=int, default=20)
    cr.add_argument("--threads", type=int, default=8)
    so = sub.add_parser("soak", parents=[common])
    so.add_argument("--seconds", type=float, default=60)
    so.add_argument("--workers", type=int, default=32)
    so.add_argument("--orgs", type=int, default=4)
    so.add_argument("--keys-per-org", type=int, default=120)
    args = ap.parse_args()
    if args.seed is None:
        args.seed = random.SystemRandom().randrange(1 << 30)
    say(f"benih acak: {args.seed} (ulangi dengan --seed {args.seed})")

    def on_signal(signum, _frame):
        raise SystemExit(128 + signum)

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGHUP, on_signal)
    ok_all = True
    setup_failed = False
    try:
        kinds = backends_to_run(args.backend)
    except SetupError as e:
        print(f"kesalahan: {e}", file=sys.stderr)
        return 2
    for kind in kinds:
        backend = None
        try:
            backend = Backend(kind, args.bin, args.command, args.keep, args.pg_name)
            fn = crash_backend if args.command == "crash" else soak_backend
            line, ok = fn(backend, args)
        except SetupError as e:
            line, ok = f"{kind}: PERSIAPAN GAGAL — {e}", False
            setup_failed = True
            if backend is not None:
                tail = "".join(s.log_tail(600) for s in SERVERS if s.backend is backend)
                if tail:
                    line += f"\n  log server: {tail}"
        finally:
            stop_all_servers()
            if backend is not None:
                backend.cleanup()
        print(line, flush=True)
        ok_all = ok_all and ok
    if setup_failed:
        return 2
    return 0 if ok_all else 1


if __name__ == "__main__":
    try:
        sys.exit(main())
    finally:
        stop_all_servers()
