#!/usr/bin/env python3
"""Writes the demo's small evidence files (bukti dukung) into this folder: two one-page PDFs and
a small PNG. Standard library only; the output is byte-for-byte reproducible."""
import os
import struct
import zlib

HERE = os.path.dirname(os.path.abspath(__file__))


def pdf(path, lines):
    content = "BT /F1 16 Tf 72 770 Td ({}) Tj ET\n".format(lines[0])
    y = 740
    for l in lines[1:]:
        content += "BT /F1 11 Tf 72 {} Td ({}) Tj ET\n".format(y, l)
        y -= 18
    objs = [
        "<< /Type /Catalog /Pages 2 0 R >>",
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        "/Resources << /Font << /F1 5 0 R >> >> >>",
        "<< /Length {} >>\nstream\n{}endstream".format(len(content.encode("latin-1")), content),
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
    ]
    out = b"%PDF-1.4\n"
    offsets = []
    for i, o in enumerate(objs):
        offsets.append(len(out))
        out += "{} 0 obj\n{}\nendobj\n".format(i + 1, o).encode("latin-1")
    xref = len(out)
    out += "xref\n0 {}\n0000000000 65535 f \n".format(len(objs) + 1).encode()
    for o in offsets:
        out += "{:010d} 00000 n \n".format(o).encode()
    out += "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{}\n%%EOF\n".format(
        len(objs) + 1, xref
    ).encode()
    with open(os.path.join(HERE, path), "wb") as f:
        f.write(out)


def png(path, w=160, h=100):
    bars = [(20, 60, (46, 125, 50)), (60, 40, (25, 118, 210)), (100, 75, (245, 124, 0))]
    rows = []
    for y in range(h):
        row = bytearray([0])
        for x in range(w):
            c = (250, 250, 250)
            for bx, bh, col in bars:
                if bx <= x < bx + 30 and h - bh - 5 <= y < h - 5:
                    c = col
            if y == h - 5:
                c = (60, 60, 60)
            row += bytes(c)
        rows.append(bytes(row))

    def chunk(t, d):
        return struct.pack(">I", len(d)) + t + d + struct.pack(">I", zlib.crc32(t + d) & 0xFFFFFFFF)

    data = (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0))
        + chunk(b"IDAT", zlib.compress(b"".join(rows), 9))
        + chunk(b"IEND", b"")
    )
    with open(os.path.join(HERE, path), "wb") as f:
        f.write(data)


pdf("berita-acara-kegiatan.pdf", [
    "BERITA ACARA PELAKSANAAN KEGIATAN (DATA DEMO)",
    "Dinas Penanaman Modal, PTSP dan Tenaga Kerja",
    "Kegiatan telah dilaksanakan sesuai rencana aksi triwulan berjalan.",
    "Dokumen ini fiktif, dibuat untuk data demo Pokin.",
])
pdf("rekap-layanan.pdf", [
    "REKAPITULASI LAYANAN (DATA DEMO)",
    "Jumlah layanan dan capaian per triwulan terlampir.",
    "Sumber: aplikasi layanan perizinan.",
    "Dokumen ini fiktif, dibuat untuk data demo Pokin.",
])
png("foto-kegiatan.png")
