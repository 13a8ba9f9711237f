#!/usr/bin/env python3
"""Builds the demo agency from the parsed seed: `pokin parse --format json SEED | build.py > demo.json`.

The curation DESIGN.md asks for, written down so it can be reviewed and re-run:
- the unnamed first block becomes *Bidang Pelayanan Perizinan*; headings become title case and
  the seed's typos are corrected (a planner confirmed them);
- the parents the parser inferred are kept (checked against DESIGN.md's table below);
- cascade links with weights (SUPPORTS), two of them crosscutting;
- invented officials (names, NIP, pangkat) — this is demo data, no real person;
- satuan, polarity, aggregation, manual IK and a Renstra 2025–2029 with baselines (2024) and
  yearly targets that make sense for each indicator (SPEC).

Then canonicalise: `pokin import demo.json` into an empty database and `pokin export` — the
committed data/demo/dpmptsp-naker.yaml is that export. Pure standard library.
"""
import json
import re
import sys

ORG_NAME = "Dinas Penanaman Modal, Pelayanan Terpadu Satu Pintu, Perindustrian dan Tenaga Kerja"
RENSTRA = (2025, 2029)
SMALL = {"dan", "di", "ke", "dari", "yang", "atau", "untuk", "pada"}
ROMAN = {"I", "II", "III", "IV", "V", "A", "B", "C"}
TYPOS = {"investasu": "investasi", "digiltal": "digital", "memilki": "memiliki",
         "kepentngan": "kepentingan", "manajeman": "manajemen", "Angkata": "Angkatan"}


def title_case(s):
    out = []
    for i, w in enumerate(s.split()):
        if w in ROMAN:
            out.append(w)
        elif i > 0 and w.lower() in SMALL:
            out.append(w.lower())
        else:
            out.append(w[:1].upper() + w[1:].lower())
    return " ".join(out)


def slug(s):
    out = []
    for c in s.lower():
        if c.isalnum():
            out.append(c)
        elif out and out[-1] != "-":
            out.append("-")
    return "".join(out).strip("-")


def fix(s):
    for bad, good in TYPOS.items():
        s = s.replace(bad, good)
    return s


# (unit key, objective) -> [(unit key, objective, weight)]
SUPPORTS = {
    ("bidang-pelayanan-perizinan", "SS1"): [("kepala-dinas", "SS5", 1.0)],
    ("bidang-penanaman-modal", "SS1"): [("kepala-dinas", "SS2", 1.0)],
    ("bidang-penanaman-modal", "SS2"): [("kepala-dinas", "SS2", 2.0)],
    ("bidang-perindustrian", "SS1"): [("kepala-dinas", "SS1", 2.0)],
    ("bidang-perindustrian", "SS2"): [("kepala-dinas", "SS1", 1.0)],
    ("bidang-tenaga-kerja", "SS1"): [("kepala-dinas", "SS3", 1.0)],
    ("bidang-tenaga-kerja", "SS2"): [("kepala-dinas", "SS4", 1.0)],
    ("seksi-pelayanan-dan-promosi-penanaman-modal", "SS1"): [("bidang-penanaman-modal", "SS2", 1.0)],
    ("seksi-pelayanan-dan-promosi-penanaman-modal", "SS2"): [("bidang-penanaman-modal", "SS2", 1.0)],
    ("seksi-pengembangan-iklim-penanaman-modal-dan-potensi-investasi", "SS1"): [("bidang-penanaman-modal", "SS1", 1.0)],
    ("seksi-pengembangan-iklim-penanaman-modal-dan-potensi-investasi", "SS2"): [("bidang-penanaman-modal", "SS1", 1.0)],
    ("seksi-pengendalian-sistem-informasi-data-penanaman-modal", "SS1"): [("bidang-penanaman-modal", "SS1", 1.0)],
    ("seksi-pengendalian-sistem-informasi-data-penanaman-modal", "SS2"): [("bidang-penanaman-modal", "SS2", 1.0)],
    ("seksi-informasi-data-dan-pelaporan-perizinan", "SS1"): [("bidang-pelayanan-perizinan", "SS1", 1.0)],
    ("seksi-pelayanan-dan-pengaduan-perizinan", "SS1"): [("bidang-pelayanan-perizinan", "SS1", 1.0)],
    ("seksi-pelayanan-dan-pengaduan-perizinan", "SS2"): [("bidang-pelayanan-perizinan", "SS1", 1.0)],
    ("seksi-pengelolaan-dan-pengendalian-program", "SS1"): [
        ("bidang-pelayanan-perizinan", "SS1", 1.0),
        # Crosscutting: the licensing system also serves investors.
        ("bidang-penanaman-modal", "SS1", 0.5)],
    ("seksi-pengelolaan-dan-pengendalian-program", "SS2"): [("bidang-pelayanan-perizinan", "SS1", 1.0)],
    ("seksi-kerjasama-kelembagaan-pengembangan-teknologi-dan-perlindungan-industri", "SS1"): [("bidang-perindustrian", "SS2", 1.0)],
    ("seksi-kerjasama-kelembagaan-pengembangan-teknologi-dan-perlindungan-industri", "SS2"): [("bidang-perindustrian", "SS2", 1.0)],
    ("seksi-kerjasama-kelembagaan-pengembangan-teknologi-dan-perlindungan-industri", "SS3"): [("bidang-perindustrian", "SS1", 1.0)],
    ("seksi-pelatihan-dan-produktifitas-tenaga-kerja", "SS1"): [("bidang-tenaga-kerja", "SS1", 2.0)],
    ("seksi-pelatihan-dan-produktifitas-tenaga-kerja", "SS2"): [("bidang-tenaga-kerja", "SS1", 1.0)],
    ("seksi-penempatan-dan-pemberdayaan-tenaga-kerja", "SS1"): [("bidang-tenaga-kerja", "SS1", 2.0)],
    ("seksi-pembinaan-tenaga-kerja-dan-hubungan-industrial", "SS1"): [("bidang-tenaga-kerja", "SS2", 1.0)],
    ("seksi-pembinaan-tenaga-kerja-dan-hubungan-industrial", "SS2"): [("bidang-tenaga-kerja", "SS2", 1.0)],
    ("seksi-pembinaan-tenaga-kerja-dan-hubungan-industrial", "SS3"): [
        ("bidang-tenaga-kerja", "SS2", 1.0),
        # Crosscutting: social security outreach feeds the head's Cakupan BPJS directly.
        ("kepala-dinas", "SS4", 0.5)],
}
for sektor in ("a", "b"):
    for seksi in ("seksi-proses-perizinan-i-sektor-", "seksi-proses-perizinan-ii-sektor-",
                  "seksi-administrasi-dan-penyerahan-izin-sektor-"):
        SUPPORTS[(seksi + sektor, "SS1")] = [("bidang-pelayanan-perizinan", "SS1", 1.0)]
for seksi in ("seksi-industri-agro", "seksi-industri-non-agro"):
    SUPPORTS[(seksi, "SS1")] = [("bidang-perindustrian", "SS1", 1.0)]
    SUPPORTS[(seksi, "SS2")] = [("bidang-perindustrian", "SS1", 1.0)]
    SUPPORTS[(seksi, "SS3")] = [("bidang-perindustrian", "SS1", 1.0)]
    SUPPORTS[(seksi, "SS4")] = [("bidang-perindustrian", "SS2", 1.0)]

# Parents per DESIGN.md; the build fails if the parser disagrees.
EXPECTED_PARENT = {
    "kepala-dinas": None,
    "bidang-pelayanan-perizinan": "kepala-dinas",
    "bidang-penanaman-modal": "kepala-dinas",
    "bidang-perindustrian": "kepala-dinas",
    "bidang-tenaga-kerja": "kepala-dinas",
}
for k, (a, _, _) in [(k, v[0]) for k, v in SUPPORTS.items()]:
    unit = k[0]
    if unit.startswith("seksi-"):
        EXPECTED_PARENT[unit] = a

# Indicator name (lower case, typos fixed) -> (baseline 2024, yearly step, aggregation,
# definition, formula, data source). Steps for money are growth rates.
M = 1_000_000
SPEC = {
    "tingkat kontribusi sektor industri pengolahan kecil menengah (ikm)": (8.5, 0.5, "nilai_akhir",
        "Kontribusi nilai tambah industri pengolahan skala kecil dan menengah terhadap PDRB kabupaten atas dasar harga berlaku.",
        "(PDRB industri pengolahan kecil dan menengah ÷ PDRB kabupaten) × 100%", "BPS Kabupaten, PDRB menurut lapangan usaha"),
    "indeks kemudahan investasi": (3.2, 0.2, "nilai_akhir",
        "Indeks komposit (skala 1–5) atas kecepatan perizinan, kepastian regulasi dan layanan bagi investor.",
        "Rata-rata tertimbang nilai unsur survei iklim investasi", "Survei iklim investasi DPMPTSP"),
    "tingkat partisipasi angkatan kerja (tpak)": (66.5, 0.5, "nilai_akhir",
        "Persentase angkatan kerja terhadap penduduk usia kerja (15 tahun ke atas).",
        "(Jumlah angkatan kerja ÷ jumlah penduduk usia kerja) × 100%", "BPS, Survei Angkatan Kerja Nasional (Sakernas) Agustus"),
    "persentase konflik ketenagakerjaan yang tertangani": (85.0, 2.0, "nilai_akhir",
        "Perbandingan konflik ketenagakerjaan yang tertangani sampai tuntas dengan konflik yang tercatat pada tahun berjalan.",
        "(Konflik tertangani ÷ konflik tercatat) × 100%", "Laporan Bidang Tenaga Kerja"),
    "cakupan bpjs ketenagakerjaan": (35.0, 3.0, "nilai_akhir",
        "Persentase pekerja yang terdaftar aktif sebagai peserta BPJS Ketenagakerjaan.",
        "(Peserta aktif BPJS Ketenagakerjaan ÷ jumlah pekerja) × 100%", "BPJS Ketenagakerjaan Kantor Cabang"),
    "indeks kepuasan masyarakat (ikm) pelayanan perizinan": (82.5, 1.0, "nilai_akhir",
        "Nilai Survei Kepuasan Masyarakat atas pelayanan perizinan (PermenPAN-RB 14/2017), skala 25–100.",
        "Σ (nilai unsur × bobot) × 25", "Survei Kepuasan Masyarakat DPMPTSP"),
    "persentase unsur pelayanan berkategori baik": (80.0, 2.0, "nilai_akhir", None, None, "Survei Kepuasan Masyarakat DPMPTSP"),
    "persentase kemudahan berusaha": (75.0, 3.0, "nilai_akhir", None, None, "OSS RBA dan laporan Bidang Penanaman Modal"),
    "nilai realisasi investasi hijau": (150_000 * M, 0.10, "kumulatif",
        "Nilai realisasi penanaman modal pada sektor usaha berwawasan lingkungan yang dilaporkan dalam LKPM.",
        "Σ nilai realisasi investasi hijau (Rp)", "LKPM pada sistem OSS RBA"),
    "persentase kesediaan media promosi investasi": (60.0, 8.0, "nilai_akhir", None, None, "Laporan Seksi Pelayanan dan Promosi Penanaman Modal"),
    "persentase penambahan jumlah calon investor": (5.0, 1.0, "nilai_akhir", None, None, "Buku tamu dan data minat investasi"),
    "persentase pertumbuhan industri kecil dan menengah (ikm)": (3.0, 0.5, "nilai_akhir", None, None, "Data IKM Bidang Perindustrian (SIINas)"),
    "persentase ikm yang mendapatkan asistensi dan pembinaan": (20.0, 5.0, "nilai_akhir", None, None, "Laporan Bidang Perindustrian"),
    "besaran peningkatan pencari kerja terdaftar yang ditempatkan": (10.0, 2.0, "nilai_akhir", None, None, "Laporan IPK (AK/III) Bidang Tenaga Kerja"),
    "persentase peningkatan wirausaha baru mandiri": (5.0, 1.0, "nilai_akhir", None, None, "Laporan Bidang Tenaga Kerja"),
    "persentase penurunan kasus hubungan industrial": (10.0, 2.0, "nilai_akhir", None, None, "Laporan Bidang Tenaga Kerja"),
    "jumlah tenaga kerja yang memiliki bpjs": (12_000, 1_500, "nilai_akhir", None, None, "BPJS Ketenagakerjaan Kantor Cabang"),
    "persentase pemenuhan regulasi penanaman modal": (70.0, 5.0, "nilai_akhir", None, None, "Laporan Seksi Pengembangan Iklim Penanaman Modal"),
    "persentase perusahaan memiliki lkpm": (60.0, 5.0, "nilai_akhir", None, None, "LKPM pada sistem OSS RBA"),
    "persentase perusahaan yang menyampaikan lkpm": (55.0, 5.0, "nilai_akhir", None, None, "LKPM pada sistem OSS RBA"),
    "jumlah kerjasama investasi yang difasilitasi": (2, 1, "kumulatif", None, None, "Dokumen kerja sama"),
    "persentase izin yang diterbitkan tepat waktu": (90.0, 2.0, "nilai_akhir", None, None, "Aplikasi perizinan daerah (SiCantik)"),
    "persentase standarisasi administrasi perizinan": (75.0, 5.0, "nilai_akhir", None, None, "Laporan standar pelayanan"),
    "persentase sdm pelayanan perizinan yang terlatih": (60.0, 5.0, "nilai_akhir", None, None, "Data kepegawaian dan sertifikat pelatihan"),
    "persentase arsip digital perizinan": (40.0, 10.0, "nilai_akhir", None, None, "Aplikasi arsip perizinan"),
    "persentase laporan perizinan tepat waktu": (85.0, 3.0, "nilai_akhir", None, None, "Register laporan perizinan"),
    "persentase pengaduan izin yang selesai tepat waktu": (80.0, 4.0, "nilai_akhir", None, None, "Aplikasi pengaduan (SP4N-LAPOR!)"),
    "jumlah evaluasi internal pelayanan yang dilakukan": (2, 2, "kumulatif", None, None, "Notulen evaluasi internal"),
    "persentase sarana teknologi pelayanan yang tersedia": (70.0, 5.0, "nilai_akhir", None, None, "Inventaris sarana teknologi"),
    "jumlah regulasi pelayanan perizinan": (1, 1, "kumulatif", None, None, "Jaringan dokumentasi dan informasi hukum daerah"),
    "jumlah ikm yang menerapkan teknologi tepat guna": (10, 2, "kumulatif", None, None, "Laporan seksi industri"),
    "besaran jumlah penjualan ikm": (2_500 * M, 0.08, "kumulatif", None, None, "Laporan penjualan IKM binaan"),
    "jumlah ikm yang menerapkan standarisasi produk": (15, 5, "kumulatif", None, None, "Sertifikat SNI, halal dan PIRT"),
    "jumlah ikm yang mengikuti pelatihan teknis": (50, 10, "kumulatif", None, None, "Daftar hadir dan laporan pelatihan"),
    "jumlah ikm yang memiliki legalitas usaha": (100, 20, "kumulatif", None, None, "NIB pada sistem OSS RBA"),
    "jumlah ikm yang mendapatkan pembinaan manajemen": (40, 10, "kumulatif", None, None, "Laporan pembinaan"),
    "persentase pemenuhan data dan informasi": (70.0, 5.0, "nilai_akhir", None, None, "SIINas"),
    "besaran pencari kerja yang bersertifikat kewirausahaan": (100, 20, "kumulatif", None, None, "Sertifikat pelatihan kewirausahaan"),
    "persentase pencari kerja yang bersertifikat keterampilan": (30.0, 5.0, "nilai_akhir", None, None, "Sertifikat kompetensi BNSP/LPK"),
    "jumlah lembaga latihan swasta yang dibina": (8, 2, "nilai_akhir", None, None, "Daftar LPK swasta terakreditasi"),
    "jumlah kerjasama penempatan kerja": (3, 1, "kumulatif", None, None, "Dokumen kerja sama penempatan"),
    "jumlah pencari kerja yang memiliki kartu pencari kerja": (3_000, 200, "kumulatif", None, None, "Aplikasi AK/I (SIAPkerja)"),
    "persentase perusahaan yang dilakukan pembinaan": (40.0, 5.0, "nilai_akhir", None, None, "Laporan pembinaan perusahaan"),
    "persentase kasus hubungan industrial yang tertangani dengan baik": (85.0, 3.0, "nilai_akhir", None, None, "Register perselisihan hubungan industrial"),
    "persentase peserta sosialisasi jaminan kesehatan pekerja": (60.0, 5.0, "nilai_akhir", None, None, "Daftar hadir sosialisasi"),
}
PP_PKB = "persentase perusahaan memiliki perjanjian perusahaan (pp) dan perjanjian kerja bersama (pkb) dan kepentingan di satu daerah kab/kota"
SPEC[PP_PKB] = (50.0, 5.0, "nilai_akhir", None, None, "Register PP dan PKB")

FIRST = ["Hendra", "Sri", "Agus", "Dewi", "Bambang", "Rina", "Joko", "Yuliana", "Hadi", "Ratna",
         "Eko", "Fitri", "Rudi", "Lestari", "Wahyu", "Nurul", "Teguh", "Ayu", "Slamet", "Indah",
         "Dedi", "Maya", "Andi"]
LAST = ["Wijaya", "Rahayu", "Santoso", "Pratiwi", "Susilo", "Handayani", "Purnomo", "Kusuma",
        "Saputra", "Wulandari", "Nugroho", "Anggraini", "Hartono", "Permatasari", "Setiawan",
        "Hidayati", "Prasetyo", "Puspitasari", "Riyanto", "Sari", "Gunawan", "Lestiani", "Firmansyah"]
RANK = {"kepala": ("Pembina Utama Muda", "IV/c", "Dr. ", ", S.E., M.Si."),
        "bidang": ("Pembina", "IV/a", "", ", S.T., M.M."),
        "unnamed": ("Pembina", "IV/a", "", ", S.T., M.M."),
        "seksi": ("Penata Tingkat I", "III/d", "", ", S.E.")}


def official(i, kind):
    pangkat, gol, pre, post = RANK[kind]
    female = i % 2 == 1
    birth = f"{1968 + (i * 7) % 20}{(i % 12) + 1:02d}{(i * 3) % 27 + 1:02d}"
    cpns = f"{1994 + (i * 5) % 20}{(i % 2) * 6 + 3:02d}"
    nip = f"{birth}{cpns}{2 if female else 1}{(i % 9) + 1:03d}"
    return {"name": f"{pre}{FIRST[i]} {LAST[i]}{post}", "nip": nip, "pangkat": pangkat,
            "golongan": gol, "appointment": "plt" if i == 17 else "definitif",
            "since": f"{2021 + i % 4}-{(i % 12) + 1:02d}-0{(i % 9) + 1}"}


def targets(base, step, satuan, agg):
    out = {}
    for k, year in enumerate(range(RENSTRA[0], RENSTRA[1] + 1), start=1):
        if satuan == "Rp":
            v = round(base * (1 + step) ** k / M) * M
        elif agg == "kumulatif" and satuan != "%":
            v = base + step * k  # a yearly count that grows
        else:
            v = round(base + step * k, 2)
        if satuan == "%":
            v = min(v, 100.0)
        out[str(year)] = float(v)
    return out


def main():
    parsed = json.load(sys.stdin)
    units = []
    keymap = {}
    for u in parsed["units"]:
        name = "Bidang Pelayanan Perizinan" if u["kind"] == "unnamed" else title_case(u["name"])
        keymap[u["key"]] = slug(name)
    for i, u in enumerate(sorted(parsed["units"], key=lambda u: u["kind"] != "kepala")):
        kind = "bidang" if u["kind"] == "unnamed" else u["kind"]
        name = "Bidang Pelayanan Perizinan" if u["kind"] == "unnamed" else title_case(u["name"])
        key = keymap[u["key"]]
        parent = keymap.get(u["parent"]) if u["parent"] else None
        if key in EXPECTED_PARENT and EXPECTED_PARENT[key] != parent:
            sys.exit(f"parent of {key}: parser says {parent}, DESIGN.md says {EXPECTED_PARENT[key]}")
        head = "Kepala Dinas" if kind == "kepala" else f"Kepala {name}"
        objectives = []
        for o in u["objectives"]:
            sup = [{"unit": a, "objective": b, "weight": w} for a, b, w in SUPPORTS.get((key, o["code"]), [])]
            if kind != "kepala" and not sup:
                sys.exit(f"no cascade for {key} {o['code']}")
            inds = []
            for ind in o["indicators"]:
                iname = fix(ind["name"])
                spec = SPEC.get(iname.lower())
                if spec is None:
                    sys.exit(f"no SPEC for {iname!r}")
                base, step, agg, definition, formula, source = spec
                satuan = ind["satuan"]
                if satuan is None:
                    sys.exit(f"no satuan for {iname!r}")
                subject = iname.split(" ", 1)[1] if " " in iname else iname
                if definition is None:
                    definition = (f"Perbandingan {subject} terhadap seluruh sasaran pada tahun berjalan."
                                  if satuan == "%" else f"Banyaknya {subject} pada tahun berjalan.")
                if formula is None:
                    formula = (f"({subject} ÷ seluruh sasaran) × 100%" if satuan == "%"
                               else f"Σ {subject}")
                decimals = 2 if satuan in ("%", "indeks") else 0
                ind_out = {"code": ind["code"], "name": iname}
                if ind["code"].startswith("IKU"):
                    ind_out["iku"] = True
                ind_out.update({
                    "satuan": satuan, "polarity": ind["polarity"] or "positive", "aggregation": agg,
                    "definition": definition, "formula": formula, "data_source": source,
                    "responsible": head, "baseline": float(base), "decimals": decimals,
                    "targets": targets(base, step, satuan, agg)})
                inds.append(ind_out)
            objectives.append({"code": o["code"], "statement": fix(o["statement"]),
                               "supports": sup, "indicators": inds})
        units.append({"key": key, "name": name, "kind": kind, "parent": parent,
                      "officials": [official(i, u["kind"])], "objectives": objectives})
    doc = {"format": "pokin/1", "organisation": {
        "name": ORG_NAME, "title": parsed["title"], "demo": True,
        "renstra": {"start": RENSTRA[0], "end": RENSTRA[1]}, "units": units}}
    # JSON is YAML, except that YAML may keep the years as integer keys.
    text = json.dumps(doc, ensure_ascii=False, indent=1)
    sys.stdout.write(re.sub(r'"(\d{4})":', r"\1:", text) + "\n")


main()
