#!/usr/bin/env python3
"""The pemda's capaian recomputed after one realisation, for scripts/bench.

Usage: bench_recompute.py BASE TOKEN PEMDA ORG YEAR N

Saves one realisation of an indicator of organisation ORG (a member of PEMDA) through the API,
then times GET /api/v1/pemda/PEMDA/capaian?tahun=YEAR, which must recompute (the member's
revision changed); N times, alternating two values. Also times the same GET while nothing
changed (warm). Prints one line:
  recompute median_ms=… p90_ms=… max_ms=… warm_ms=… n=… indicator=… period=…
or `recompute gagal: WHY` when no realisation could be saved.
"""

import http.client
import json
import statistics
import sys
import time
import urllib.parse


def main(argv):
    base, token, pemda, org, year, n = argv[1:7]
    n = int(n)
    url = urllib.parse.urlparse(base)
    conn = http.client.HTTPConnection(url.hostname, url.port, timeout=60)
    auth = {"Authorization": f"Bearer {token}"}

    def call(method, path, body=None):
        headers = dict(auth)
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        conn.request(method, path, body=data, headers=headers)
        r = conn.getresponse()
        return r.status, r.read()

    status, body = call("GET", f"/api/v1/organisations/{org}/tree")
    if status != 200:
        print(f"recompute gagal: pohon organisasi {org} menjawab HTTP {status}")
        return 0
    tree = json.loads(body)
    candidates = []
    for u in tree["units"]:
        for o in u.get("objectives", []):
            for i in o.get("indicators", []):
                candidates.append((u["key"], i["code"]))
    capaian = f"/api/v1/pemda/{pemda}/capaian?tahun={year}"
    chosen = None
    for unit, code in candidates[:40]:
        for q in (4, 3, 2, 1):
            path = f"/api/v1/organisations/{org}/realisasi/{unit}/{code}/{year}-tw{q}"
            status, _ = call("PUT", path, {"nilai": "1", "kendala": "", "solusi": "", "pendorong": ""})
            if status == 200:
                chosen = (path, f"{unit}/{code}", f"{year}-tw{q}")
                break
        if chosen:
            break
    if not chosen:
        print("recompute gagal: tidak ada realisasi yang dapat disimpan lewat API")
        return 0
    path, indicator, period = chosen

    def timed_get():
        t0 = time.perf_counter()
        status, _ = call("GET", capaian)
        dt = (time.perf_counter() - t0) * 1000
        if status != 200:
            raise SystemExit(f"recompute gagal: {capaian} menjawab HTTP {status}")
        return dt

    timed_get()
    warm = [timed_get() for _ in range(max(n, 5))]
    cold = []
    for k in range(n):
        status, _ = call("PUT", path, {"nilai": str(2 + k % 2), "kendala": "", "solusi": "", "pendorong": ""})
        if status != 200:
            print(f"recompute gagal: menyimpan realisasi menjawab HTTP {status}")
            return 0
        cold.append(timed_get())
    cold.sort()
    p90 = cold[min(len(cold) - 1, int(round(0.9 * (len(cold) - 1))))]
    print(
        f"recompute median_ms={statistics.median(cold):.3f} p90_ms={p90:.3f} "
        f"max_ms={cold[-1]:.3f} warm_ms={statistics.median(warm):.3f} n={n} "
        f"indicator={indicator} period={period}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
