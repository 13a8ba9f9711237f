"""Appends the demo agency's programs, kegiatan and sub kegiatan (invented pagu, real
Permendagri 90/2019 nomenclature codes) to the demo YAML. Standard library only; run once, then
canonicalise with `pokin import` + `pokin export` (see README.md)."""
import sys

YEARS = range(2025, 2030)
ITEMS = [
    # code, level, name, parent, unit, objective, pagu 2025 (None: sum of children)
    ("2.18.01", "program", "PROGRAM PENUNJANG URUSAN PEMERINTAHAN DAERAH KABUPATEN/KOTA", None, "kepala-dinas", "SS5", 5_294_655_000),
    ("3.31.02", "program", "PROGRAM PERENCANAAN DAN PEMBANGUNAN INDUSTRI", None, "kepala-dinas", "SS1", None),
    ("2.18.02", "program", "PROGRAM PENGEMBANGAN IKLIM PENANAMAN MODAL", None, "kepala-dinas", "SS2", None),
    ("2.07.03", "program", "PROGRAM PELATIHAN KERJA DAN PRODUKTIVITAS TENAGA KERJA", None, "kepala-dinas", "SS3", None),
    ("2.07.05", "program", "PROGRAM HUBUNGAN INDUSTRIAL", None, "kepala-dinas", "SS4", None),
    ("2.18.04", "program", "PROGRAM PELAYANAN PENANAMAN MODAL", None, "kepala-dinas", "SS5", None),
    ("3.31.02.2.01", "kegiatan", "Penyusunan, Penerapan, dan Evaluasi Rencana Pembangunan Industri Kabupaten/Kota", "3.31.02", "bidang-perindustrian", "SS1", None),
    ("3.31.02.2.01.0001", "sub_kegiatan", "Koordinasi, Sinkronisasi, dan Pelaksanaan Pemberdayaan Industri dan Peran Serta Masyarakat", "3.31.02.2.01", "seksi-industri-agro", "SS4", 412_500_000),
    ("3.31.02.2.01.0002", "sub_kegiatan", "Penyediaan Informasi Industri untuk Calon Investor", "3.31.02.2.01", "seksi-industri-non-agro", "SS2", 236_750_000),
    ("2.18.02.2.01", "kegiatan", "Penetapan Pemberian Fasilitas/Insentif dan Promosi di Bidang Penanaman Modal", "2.18.02", "bidang-penanaman-modal", "SS1", None),
    ("2.18.02.2.01.0001", "sub_kegiatan", "Penyelenggaraan Promosi Penanaman Modal yang Menjadi Kewenangan Daerah", "2.18.02.2.01", "seksi-pelayanan-dan-promosi-penanaman-modal", "SS1", 684_300_000),
    ("2.18.02.2.01.0002", "sub_kegiatan", "Pemberian Fasilitas/Insentif di Bidang Penanaman Modal", "2.18.02.2.01", "seksi-pengembangan-iklim-penanaman-modal-dan-potensi-investasi", "SS1", 198_400_000),
    ("2.07.03.2.01", "kegiatan", "Pelaksanaan Pelatihan berdasarkan Unit Kompetensi", "2.07.03", "bidang-tenaga-kerja", "SS1", None),
    ("2.07.03.2.01.0001", "sub_kegiatan", "Proses Pelaksanaan Pendidikan dan Pelatihan Keterampilan bagi Pencari Kerja", "2.07.03.2.01", "seksi-pelatihan-dan-produktifitas-tenaga-kerja", "SS1", 865_200_000),
    ("2.07.05.2.01", "kegiatan", "Pengesahan Peraturan Perusahaan dan Pembinaan Hubungan Industrial", "2.07.05", "bidang-tenaga-kerja", "SS2", None),
    ("2.07.05.2.01.0001", "sub_kegiatan", "Pengendalian Pelaksanaan Norma Hubungan Industrial", "2.07.05.2.01", "seksi-pembinaan-tenaga-kerja-dan-hubungan-industrial", "SS1", 327_800_000),
    ("2.18.04.2.01", "kegiatan", "Pelayanan Perizinan dan Non Perizinan secara Terpadu Satu Pintu", "2.18.04", "bidang-pelayanan-perizinan", "SS1", None),
    ("2.18.04.2.01.0001", "sub_kegiatan", "Penyediaan Pelayanan Terpadu Perizinan dan Non Perizinan", "2.18.04.2.01", "seksi-pelayanan-dan-pengaduan-perizinan", "SS1", 541_900_000),
    ("2.18.04.2.01.0002", "sub_kegiatan", "Pengelolaan Data dan Informasi Perizinan", "2.18.04.2.01", "seksi-informasi-data-dan-pelaporan-perizinan", "SS1", 289_650_000),
]

out = ["  programs:"]
for code, level, name, parent, unit, objective, pagu in ITEMS:
    out.append(f"  - code: {code}")
    out.append(f"    level: {level}")
    out.append(f"    name: {name}")
    if parent:
        out.append(f"    parent: {parent}")
    out.append(f"    unit: {unit}")
    out.append(f"    objective: {objective}")
    if pagu is not None:
        out.append("    pagu:")
        for i, y in enumerate(YEARS):
            # 5% a year, rounded to the thousand rupiah.
            v = round(pagu * 1.05 ** i / 1000) * 1000
            out.append(f"      {y}: {v}.0")
sys.stdout.write(sys.stdin.read().rstrip("\n") + "\n" + "\n".join(out) + "\n")
