#!/usr/bin/env python3
"""Helper of scripts/bench: reads wrk output and writes the benchmark table.

Standard library only. Two commands:

  bench_table.py wrk FILE
      One line for the progress log: requests/s, p50, p99 and errors of one `wrk --latency` run.

  bench_table.py render RESULTS BENCHMARKS.md
      Turns the results file that scripts/bench appended to (tab-separated records, see
      `read_results`) into one Markdown section, prints it and writes it into BENCHMARKS.md
      between the markers `<!-- bench:start -->` and `<!-- bench:end -->`. Text outside the
      markers is kept; the file is created with a short header when absent.

Numbers are written Indonesian style (decimal comma, no thousands separator), everywhere.
"""

import os
import re
import sys

START = "<!-- bench:start -->"
END = "<!-- bench:end -->"

# The pages the goals speak of (diagram and dashboards); see GOAL_* below.
GOAL_PAGES = (
    "diagram (HTML)",
    "diagram (SVG)",
    "dasbor organisasi",
    "dasbor daerah",
    "diagram kabupaten (HTML)",
)
GOAL_P99_MS = 20.0
GOAL_RATIO = 1.0 / 3.0
GOAL_ROLLUP_S = 2.0
GOAL_RECOMPUTE_MS = 50.0
GOAL_MEMORY_MB = 200.0

HEADER = """# Benchmarks

Pokin against the physical limit: each page served by `pokin serve` (release build) next to the
same response bytes served as a static file by nginx on the same machine, in the same run.
The section between the markers below is rewritten by `scripts/bench` (`--quick` for a short
run); write what was changed to get there outside the markers.

"""


# ---------------------------------------------------------------------------------------------
# Numbers


def num(x, decimals):
    """`x` with `decimals` decimals and a decimal comma."""
    return f"{x:.{decimals}f}".replace(".", ",")


def fmt_rps(x):
    if x is None:
        return "—"
    if x >= 100:
        return num(x, 0)
    if x >= 10:
        return num(x, 1)
    return num(x, 2)


def fmt_ms(ms):
    """A latency given in milliseconds."""
    if ms is None:
        return "—"
    if ms >= 1000:
        return num(ms / 1000, 2) + " s"
    if ms >= 100:
        return num(ms, 0) + " ms"
    if ms >= 10:
        return num(ms, 1) + " ms"
    return num(ms, 2) + " ms"


def fmt_bytes(n):
    if n is None:
        return "—"
    if n >= 1024 * 1024:
        return num(n / 1024 / 1024, 1) + " MiB"
    if n >= 1024:
        return num(n / 1024, 1) + " KiB"
    return f"{n} B"


def fmt_seconds(s):
    if s >= 10:
        return num(s, 1) + " s"
    if s >= 0.1:
        return num(s, 2) + " s"
    return num(s, 4) + " s"


def mark(ok):
    return "✓" if ok else "✗"


# ---------------------------------------------------------------------------------------------
# wrk output

_UNITS_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0, "h": 3600000.0}
_SIZE = {"B": 1, "KB": 1024, "MB": 1024**2, "GB": 1024**3, "TB": 1024**4}


def _duration_ms(text):
    m = re.fullmatch(r"([0-9.]+)(us|ms|s|m|h)", text)
    if not m:
        raise ValueError(f"unrecognised duration {text!r}")
    return float(m.group(1)) * _UNITS_MS[m.group(2)]


def parse_wrk(path):
    """The numbers of one `wrk --latency` run: dict with rps, p50, p99 (ms), requests, errors,
    non2xx, socket (text), bytes_per_request; or None when the file says nothing (wrk failed)."""
    try:
        with open(path, encoding="utf-8", errors="replace") as f:
            text = f.read()
    except OSError:
        return None
    rps = re.search(r"^Requests/sec:\s+([0-9.]+)", text, re.M)
    if not rps:
        return None
    out = {"rps": float(rps.group(1)), "p50": None, "p99": None}
    for pct, key in (("50", "p50"), ("99", "p99")):
        m = re.search(rf"^\s+{pct}(?:\.000)?%\s+(\S+)", text, re.M)
        if m:
            out[key] = _duration_ms(m.group(1))
    m = re.search(r"^\s+(\d+) requests in ([0-9.]+\w+), ([0-9.]+)([KMGT]?B) read", text, re.M)
    out["requests"] = int(m.group(1)) if m else 0
    read = float(m.group(3)) * _SIZE[m.group(4)] if m else 0.0
    out["bytes_per_request"] = read / out["requests"] if out["requests"] else 0.0
    m = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", text)
    out["non2xx"] = int(m.group(1)) if m else 0
    socket = 0
    m = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", text
    )
    if m:
        socket = sum(int(g) for g in m.groups())
    out["socket"] = socket
    out["errors"] = out["non2xx"] + socket
    return out


def cmd_wrk(path):
    r = parse_wrk(path)
    if r is None:
        print("wrk tidak menghasilkan angka (lihat " + path + ")")
        return 0
    print(
        f"{fmt_rps(r['rps'])} req/s, p50 {fmt_ms(r['p50'])}, p99 {fmt_ms(r['p99'])}, "
        f"galat {r['errors']}"
    )
    return 0


# ---------------------------------------------------------------------------------------------
# Results file
#
# One record a line, fields separated by tabs, the first naming the kind:
#   meta      KEY VALUE
#   page      BACKEND PAGE CONCURRENCY POKIN_WRK_FILE NGINX_WRK_FILE BODY_BYTES
#   pageskip  BACKEND PAGE NOTE
#   backendskip BACKEND NOTE
#   rollup    SCALE LINE-OR-NOTE            (LINE: "rollup scale=… seconds=… …")
#   recompute BACKEND LINE-OR-NOTE          (LINE: "recompute median_ms=… p90_ms=… …")
#   parse     BYTES SECONDS RUNS | parse - - NOTE
#   memory    BACKEND KB


def read_results(path):
    res = {
        "meta": {},
        "pages": [],
        "backendskip": [],
        "rollup": [],
        "recompute": [],
        "parse": None,
        "memory": [],
    }
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n")
            if not line:
                continue
            p = line.split("\t")
            kind = p[0]
            if kind == "meta":
                res["meta"][p[1]] = p[2]
            elif kind == "page":
                res["pages"].append(
                    {
                        "backend": p[1],
                        "page": p[2],
                        "conc": int(p[3]),
                        "pokin": parse_wrk(p[4]),
                        "nginx": parse_wrk(p[5]) if p[5] != "-" else None,
                        "size": int(p[6]),
                        "note": None,
                    }
                )
            elif kind == "pageskip":
                res["pages"].append(
                    {"backend": p[1], "page": p[2], "conc": None, "note": p[3]}
                )
            elif kind == "backendskip":
                res["backendskip"].append((p[1], p[2]))
            elif kind == "rollup":
                res["rollup"].append((p[1], p[2]))
            elif kind == "recompute":
                res["recompute"].append((p[1], p[2]))
            elif kind == "parse":
                res["parse"] = p[1:]
            elif kind == "memory":
                res["memory"].append((p[1], int(p[2])))
    return res


def rollup_fields(line):
    return dict(re.findall(r"(\w+)=(\S+)", line)) if line.startswith("rollup ") else None


# ---------------------------------------------------------------------------------------------
# The section


def render(res):
    meta = res["meta"]
    out = []
    out.append(f"**Machine:** {meta.get('machine', '?')}  ")
    out.append(f"**Date:** {meta.get('date', '?')}  ")
    if meta.get("load"):
        out.append(f"**Load average at the start:** {meta['load']}  ")
    out.append(f"**Commit:** {meta.get('commit', '?')}  ")
    out.append(f"**Command:** `{meta.get('command', '?')}`  ")
    if meta.get("mode"):
        out.append(f"**Mode:** {meta['mode']}  ")
    out.append("")
    out.append(
        "Pages: `wrk --latency` for "
        + meta.get("duration", "?")
        + " s per run, 1 connection (`-t1 -c1`) and 64 connections (`-t2 -c64`), logged in "
        "(session cookie; bearer token for the API). nginx serves the same response bytes as "
        "a static file at the same concurrency; ratio = pokin req/s ÷ nginx req/s. Errors = "
        "non-2xx/3xx responses + socket errors (connect, read, write, timeout)."
    )
    out.append("")
    out.append(
        "| backend/scale | page | concurrency | pokin req/s | p50 | p99 | errors | "
        "nginx req/s | nginx p99 | ratio | response size |"
    )
    out.append("|---|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|")
    for b, note in res["backendskip"]:
        out.append(f"| {b} | — | — | — | — | — | — | — | — | — | {note} |")
    warnings = []
    for r in res["pages"]:
        if r["conc"] is None:
            out.append(f"| {r['backend']} | {r['page']} | — | {r['note']} | | | | | | | |")
            continue
        pk, ng = r["pokin"], r["nginx"]
        if pk is None:
            cells = ["wrk gagal", "—", "—", "—"]
        else:
            cells = [fmt_rps(pk["rps"]), fmt_ms(pk["p50"]), fmt_ms(pk["p99"]), str(pk["errors"])]
            # wrk counts a 3xx as success: a response much smaller than the page checked with
            # curl (e.g. a redirect to the login page) is shown rather than hidden.
            if pk["requests"] and pk["bytes_per_request"] < 0.5 * r["size"]:
                cells[3] += " (respons lebih kecil dari halaman: pengalihan?)"
                warnings.append(r)
        if ng is None:
            ncells = ["—", "—"]
            ratio = "—"
        else:
            ncells = [fmt_rps(ng["rps"]), fmt_ms(ng["p99"])]
            ratio = num(pk["rps"] / ng["rps"], 2) + "×" if pk and ng["rps"] else "—"
        out.append(
            f"| {r['backend']} | {r['page']} | {r['conc']} | "
            + " | ".join(cells)
            + " | "
            + " | ".join(ncells)
            + f" | {ratio} | {fmt_bytes(r['size'])} |"
        )
    out.append("")

    # Goals for the pages: diagram and dashboards at 64 connections.
    goal_rows = [
        r
        for r in res["pages"]
        if r["conc"] == 64 and r["page"] in GOAL_PAGES and r["pokin"] is not None
    ]
    out.append("| measure | result | goal | met |")
    out.append("|---|---|---|:-:|")
    backends = []
    for r in goal_rows:
        if r["backend"] not in backends:
            backends.append(r["backend"])
    for b in backends:
        rows = [r for r in goal_rows if r["backend"] == b]
        worst = max(rows, key=lambda r: r["pokin"]["p99"] or 0)
        p99 = worst["pokin"]["p99"]
        ok = p99 is not None and p99 < GOAL_P99_MS and all(
            x["pokin"]["errors"] == 0 for x in rows
        )
        errs = sum(x["pokin"]["errors"] for x in rows)
        out.append(
            f"| diagram and dashboards, {b}, 64 connections: worst p99 | "
            f"{fmt_ms(p99)} ({worst['page']}){', ' + str(errs) + ' errors' if errs else ''} | "
            f"< {num(GOAL_P99_MS, 0)} ms, no errors | {mark(ok)} |"
        )
        with_nginx = [r for r in rows if r["nginx"] and r["nginx"]["rps"]]
        if with_nginx:
            lowest = min(with_nginx, key=lambda r: r["pokin"]["rps"] / r["nginx"]["rps"])
            ratio = lowest["pokin"]["rps"] / lowest["nginx"]["rps"]
            out.append(
                f"| diagram and dashboards, {b}, 64 connections: lowest ratio to nginx | "
                f"{num(ratio, 2)}× ({lowest['page']}) | ≥ 0,33×, no errors | "
                f"{mark(ratio >= GOAL_RATIO and errs == 0)} |"
            )

    for scale, line in res["rollup"]:
        f = rollup_fields(line)
        goal = f"< {num(GOAL_ROLLUP_S, 0)} s" if scale == "nasional" else "—"
        if f is None:
            failed = scale == "nasional" and line.startswith("gagal")
            out.append(f"| capaian roll-up, {scale} | {line} | {goal} | {'✗' if failed else ''} |")
            continue
        secs = float(f.get("seconds", "nan"))
        desc = (
            f"{fmt_seconds(secs)}, {num(float(f.get('ns_per_indicator', 'nan')), 0)} ns per "
            f"indicator ({f.get('orgs', '?')} organisations, {f.get('indicators', '?')} indicators)"
        )
        met = mark(secs < GOAL_ROLLUP_S) if scale == "nasional" else ""
        out.append(f"| capaian roll-up, {scale} | {desc} | {goal} | {met} |")

    for b, line in res["recompute"]:
        f = dict(re.findall(r"(\w+)=(\S+)", line)) if line.startswith("recompute ") else {}
        label = f"pemda capaian recomputed after one realisation, {b}"
        goal = f"< {num(GOAL_RECOMPUTE_MS, 0)} ms"
        if "median_ms" not in f:
            out.append(f"| {label} | {line} | {goal} | ✗ |")
            continue
        median, p90 = float(f["median_ms"]), float(f["p90_ms"])
        out.append(
            f"| {label} | median {fmt_ms(median)}, p90 {fmt_ms(p90)} (warm {fmt_ms(float(f['warm_ms']))}; "
            f"{f.get('n', '?')} changes of {f.get('indicator', '?')} {f.get('period', '')}) | "
            f"{goal} | {mark(p90 < GOAL_RECOMPUTE_MS)} |"
        )

    if res["parse"] is not None:
        p = res["parse"]
        if p[0] == "-":
            out.append(f"| `pokin parse`, generated kabupaten text | {p[2]} | — | |")
        else:
            size, secs, runs = int(p[0]), float(p[1]), p[2]
            mbs = size / 1e6 / secs if secs > 0 else float("inf")
            out.append(
                f"| `pokin parse`, generated kabupaten text | {num(mbs, 1)} MB/s "
                f"({num(size / 1e6, 2)} MB in {fmt_seconds(secs)}, best of {runs}) | — | |"
            )

    for b, kb in res["memory"]:
        mb = kb * 1024 / 1e6  # VmHWM is in KiB; the goal in MB
        goal_applies = b.startswith("SQLite, kabupaten")
        out.append(
            f"| peak memory of the server (VmHWM), {b} | {num(mb, 1)} MB | "
            f"{'< ' + num(GOAL_MEMORY_MB, 0) + ' MB' if goal_applies else '—'} | "
            f"{mark(mb < GOAL_MEMORY_MB) if goal_applies else ''} |"
        )
    if warnings:
        out.append("")
        out.append(
            "Peringatan: pada baris bertanda, rata-rata byte per respons di bawah wrk jauh lebih "
            "kecil dari halaman yang diperiksa dengan curl — kemungkinan pengalihan (3xx), yang "
            "tidak dihitung wrk sebagai galat. Periksa sesi/cookie."
        )
    return "\n".join(out) + "\n"


def write_section(path, section):
    block = f"{START}\n{section}{END}"
    if os.path.exists(path):
        with open(path, encoding="utf-8") as f:
            text = f.read()
        s, e = text.find(START), text.find(END)
        if s != -1 and e != -1 and e > s:
            text = text[:s] + block + text[e + len(END) :]
        else:
            text = text.rstrip("\n") + "\n\n" + block + "\n"
    else:
        text = HEADER + block + "\n"
    tmp = path + ".tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        f.write(text)
    os.replace(tmp, path)


def cmd_render(results, out_path):
    section = render(read_results(results))
    sys.stdout.write(section)
    write_section(out_path, section)
    return 0


def main(argv):
    if len(argv) == 3 and argv[1] == "wrk":
        return cmd_wrk(argv[2])
    if len(argv) == 4 and argv[1] == "render":
        return cmd_render(argv[2], argv[3])
    sys.stderr.write(
        "pemakaian: bench_table.py wrk BERKAS | bench_table.py render HASIL BENCHMARKS.md\n"
    )
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
