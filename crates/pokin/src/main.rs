//! `pokin`: the command line that wires Pokin's crates together.
//!
//! Each subcommand is a straight line: read input, call the importer or the store, print.
//! Messages for people are in Indonesian; errors exit with status 1 (2 for usage errors).

mod commands;
mod demo;
mod demo_pemda;
mod measure;
mod pemda;
mod render;
mod report;
mod synthetic;

use clap::{Parser, Subcommand, ValueEnum};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Parser)]
#[command(
    name = "pokin",
    version,
    about = "Pokin — pohon kinerja dan siklus SAKIP untuk perangkat daerah",
    long_about = None
)]
struct Cli {
    /// Folder data Pokin (basis data SQLite bawaan, berkas bukti)
    #[arg(
        long,
        global = true,
        default_value = "./pokin-data",
        env = "POKIN_DATA_DIR"
    )]
    data_dir: PathBuf,
    /// Alamat basis data: sqlite://BERKAS atau postgres://… (bawaan: SQLite di folder data)
    #[arg(long, global = true, env = "POKIN_DATABASE_URL")]
    database_url: Option<String>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Clone, Copy, ValueEnum)]
enum ParseFormat {
    Text,
    Json,
}

#[derive(Clone, Copy, ValueEnum)]
enum Polaritas {
    Positif,
    Negatif,
    Rentang,
}

#[derive(Clone, Copy, ValueEnum)]
enum RumusNegatif {
    /// (2 × target − realisasi) / target × 100
    Deviasi,
    /// target / realisasi × 100
    Kebalikan,
}

#[derive(Clone, Copy, ValueEnum)]
enum ExportFormat {
    Yaml,
}

#[derive(Subcommand)]
enum Command {
    /// Membaca teks pohon kinerja dan menampilkan pohon beserta diagnosisnya
    Parse {
        file: PathBuf,
        #[arg(long, value_enum, default_value = "text")]
        format: ParseFormat,
        /// Tampilkan juga diagnosis info (satuan, polaritas, induk yang disimpulkan)
        #[arg(long, short)]
        verbose: bool,
        /// Berkas berisi pohon kinerja RPJMD pemda (visi, misi, tujuan, sasaran daerah), bukan
        /// pohon kinerja perangkat daerah
        #[arg(long)]
        rpjmd: bool,
    },
    /// Mengimpor teks pohon kinerja atau YAML kanonik (organisasi atau pemda) ke basis data
    /// (utuh atau tidak sama sekali)
    Import {
        file: PathBuf,
        /// Ganti organisasi (atau pemda) bernama sama yang sudah ada
        #[arg(long)]
        replace: bool,
        /// Nama organisasi atau pemda (bawaan: dari judul dokumen atau nama berkas)
        #[arg(long)]
        name: Option<String>,
        /// Teks pohon kinerja RPJMD: menyimpan pohon pemda (dengan --replace: mengganti pohon
        /// pemda bernama sama; tautan tetap, yang ujungnya hilang ditandai rusak)
        #[arg(long)]
        rpjmd: bool,
    },
    /// Mengekspor organisasi (atau pemda, dengan --pemda) sebagai YAML kanonik
    Export {
        #[arg(long)]
        org: Option<String>,
        /// Ekspor pemda: pohon RPJMD, anggota, tautan dan crosscutting (NAMA boleh dihilangkan
        /// bila hanya ada satu pemda)
        #[arg(long, num_args = 0..=1, default_missing_value = "", value_name = "NAMA", conflicts_with = "org")]
        pemda: Option<String>,
        #[arg(long, value_enum, default_value = "yaml")]
        format: ExportFormat,
        /// Tulis ke berkas ini (bawaan: layar)
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Memeriksa pohon kinerja: sasaran tanpa indikator, cascading, satuan, target, salah ketik
    Check {
        #[arg(long)]
        org: Option<String>,
        /// Periksa pohon RPJMD pemda (NAMA boleh dihilangkan bila hanya ada satu pemda)
        #[arg(long, num_args = 0..=1, default_missing_value = "", value_name = "NAMA", conflicts_with = "org")]
        pemda: Option<String>,
        /// Keluar dengan status bukan nol bila ada peringatan
        #[arg(long)]
        strict: bool,
    },
    /// Menampilkan pohon kinerja di terminal
    Tree {
        #[arg(long)]
        org: Option<String>,
        /// Tampilkan target Renstra tiap indikator
        #[arg(long)]
        targets: bool,
    },
    /// Menjalankan aplikasi web (halaman dan API JSON)
    Serve {
        /// Alamat dan port yang didengarkan
        #[arg(long, default_value = "127.0.0.1:8080")]
        listen: String,
        /// Muat dinas demo (bila belum ada) dan akun demo dengan sandi `pokin-demo`
        #[arg(long)]
        demo: bool,
        /// Tandai cookie sesi `Secure` (saat dilayani lewat HTTPS, misalnya di balik proxy)
        #[arg(long, env = "POKIN_SECURE_COOKIES")]
        secure_cookies: bool,
    },
    /// Menghitung capaian satu indikator dengan tangan: `capaian 80,00% (Tinggi)`
    Hitung {
        /// Target: angka (85,5), rentang (80–90) atau nilai kualitatif (WTP)
        #[arg(long, allow_hyphen_values = true)]
        target: Option<String>,
        /// Realisasi: angka atau nilai kualitatif
        #[arg(long, allow_hyphen_values = true)]
        realisasi: String,
        /// Polaritas: positif (makin tinggi makin baik), negatif, rentang
        #[arg(long, value_enum, default_value = "positif")]
        polaritas: Polaritas,
        /// Target berupa rentang A-B (menggantikan --target)
        #[arg(long)]
        rentang: Option<String>,
        /// Rumus polaritas negatif
        #[arg(long, value_enum, default_value = "deviasi")]
        rumus: RumusNegatif,
    },
    /// Menampilkan capaian setiap indikator, sasaran dan unit untuk satu tahun atau s.d. triwulan
    Capaian {
        #[arg(long)]
        org: Option<String>,
        /// Capaian indikator pemda (IKU Kepala Daerah) melalui tautan cascading; NAMA boleh
        /// dihilangkan bila hanya ada satu pemda
        #[arg(long, num_args = 0..=1, default_missing_value = "", value_name = "NAMA")]
        pemda: Option<String>,
        #[arg(long)]
        tahun: i32,
        /// Capaian s.d. triwulan ini (1–4); tanpa ini: setahun penuh
        #[arg(long, value_parser = clap::value_parser!(u8).range(1..=4))]
        triwulan: Option<u8>,
        #[arg(long, value_enum, default_value = "text")]
        format: ParseFormat,
    },
    /// Cakupan cascading RPJMD: persen cascading per perangkat daerah, sasaran daerah tanpa
    /// perangkat daerah, tautan yang menunggu
    Cakupan {
        /// Nama pemda (boleh dihilangkan bila hanya ada satu)
        #[arg(long)]
        pemda: Option<String>,
        #[arg(long)]
        tahun: i32,
        #[arg(long, value_enum, default_value = "text")]
        format: ParseFormat,
    },
    /// Membuat dokumen: PK, Rencana Aksi, LKjIP, Evaluasi Renja, pohon kinerja; dokumen pemda:
    /// IKU pemda, matriks cascading, PK kepala daerah (format dari akhiran --out)
    Report {
        /// pk, rencana-aksi, lkjip, renja, pohon, iku-pemda, cascading, pk-kepala-daerah
        #[arg(value_enum)]
        kind: ReportKind,
        /// Organisasi (boleh dihilangkan bila hanya ada satu)
        #[arg(long, conflicts_with = "pemda")]
        org: Option<String>,
        /// Pemda untuk iku-pemda, cascading dan pk-kepala-daerah (boleh dihilangkan bila hanya
        /// ada satu)
        #[arg(long, value_name = "NAMA")]
        pemda: Option<String>,
        /// Kunci unit (bawaan: unit pimpinan); untuk pk dan rencana-aksi
        #[arg(long)]
        unit: Option<String>,
        #[arg(long)]
        tahun: i32,
        /// Berkas tujuan: .pdf, .xlsx, .svg, atau .zip (pk --all-units)
        #[arg(long)]
        out: PathBuf,
        /// PK setiap unit dalam satu berkas .zip
        #[arg(long)]
        all_units: bool,
        /// Versi PK yang telah ditetapkan (bawaan: versi terakhir, atau draf bila belum ada)
        #[arg(long)]
        versi: Option<u32>,
        /// Pohon kinerja diwarnai menurut capaian tahun --tahun
        #[arg(long)]
        warna_capaian: bool,
    },
    /// Mencadangkan seluruh basis data dan berkas bukti dukung ke satu berkas .zip (boleh saat
    /// server berjalan; isi cadangan adalah satu keadaan utuh)
    Backup {
        /// Berkas cadangan yang ditulis, misalnya cadangan-2026-11-28.zip
        #[arg(long)]
        out: PathBuf,
    },
    /// Memulihkan berkas cadangan ke basis data yang masih kosong (juga dari SQLite ke
    /// PostgreSQL atau sebaliknya)
    Restore {
        /// Berkas cadangan dari `pokin backup`
        file: PathBuf,
    },
    /// Mengelola akun pengguna
    User {
        #[command(subcommand)]
        command: UserCommand,
    },
    /// Log audit: memeriksa rantai hash-nya
    Audit {
        #[command(subcommand)]
        command: AuditCommand,
    },
    /// Memuat data demo: dinas contoh dari pohon kinerja nyata, dengan Renstra 2025–2029; atau
    /// data sintetis berskala besar untuk uji beban (--synthetic)
    Demo {
        /// Muat ulang data demo walaupun sudah ada (perubahan pada data demo hilang)
        #[arg(long, conflicts_with = "synthetic")]
        reset: bool,
        /// Muat data sintetis: kabupaten (40 organisasi), provinsi (20 kabupaten) atau nasional
        /// (550 kabupaten)
        #[arg(long, value_name = "SKALA", value_parser = synthetic_scale)]
        synthetic: Option<pokin_synth::Scale>,
        /// Benih data sintetis: benih yang sama selalu menghasilkan data yang sama
        #[arg(long, default_value_t = 1, requires = "synthetic")]
        seed: u64,
        /// Tulis teks pohon kinerja kabupaten sintetis pertama ke BERKAS ini (untuk `pokin
        /// parse`) alih-alih memuat basis data
        #[arg(long, value_name = "BERKAS", requires = "synthetic")]
        teks: Option<PathBuf>,
    },
}

/// `--synthetic kabupaten|provinsi|nasional`.
fn synthetic_scale(s: &str) -> Result<pokin_synth::Scale, String> {
    pokin_synth::Scale::parse(s).ok_or_else(|| {
        format!("skala '{s}' tidak dikenal; pilih salah satu: kabupaten, provinsi, nasional")
    })
}

/// The documents `pokin report` makes.
#[derive(Clone, Copy, PartialEq, Eq, Debug, clap::ValueEnum)]
pub enum ReportKind {
    /// Perjanjian Kinerja (.pdf; .zip dengan --all-units)
    Pk,
    /// Rencana Aksi atas PK (.pdf, .xlsx)
    RencanaAksi,
    /// Tabel Bab III LKjIP (.pdf, .xlsx)
    Lkjip,
    /// Evaluasi Hasil Renja, Permendagri 86/2017 (.xlsx)
    Renja,
    /// Pohon kinerja (.svg, .pdf A3)
    Pohon,
    /// Indikator Kinerja Utama pemda selama periode RPJMD (.pdf, .xlsx)
    IkuPemda,
    /// Matriks cascading sasaran daerah → perangkat daerah → program, tahun --tahun (.pdf, .xlsx)
    Cascading,
    /// Perjanjian Kinerja kepala daerah dengan IKU, tahun --tahun (.pdf)
    PkKepalaDaerah,
}

impl ReportKind {
    /// Whether the document is the pemda's (rather than an organisation's).
    pub fn is_pemda(self) -> bool {
        matches!(
            self,
            ReportKind::IkuPemda | ReportKind::Cascading | ReportKind::PkKepalaDaerah
        )
    }
}

#[derive(Subcommand)]
enum AuditCommand {
    /// Memeriksa bahwa tidak ada catatan audit yang diubah, dihapus, ditukar atau disisipkan di
    /// luar Pokin (status 1 dan catatan pertama yang rusak bila ada)
    Verify,
}

#[derive(Subcommand)]
enum UserCommand {
    /// Menambah akun (sandi dibaca dari stdin; bila stdin terminal, sandi dibuat dan dicetak)
    Add {
        username: String,
        /// admin, perencana, operator, verifikator, pimpinan, inspektorat
        #[arg(long)]
        role: String,
        /// Organisasi (wajib kecuali untuk admin; boleh dihilangkan bila hanya ada satu)
        #[arg(long)]
        org: Option<String>,
        /// Kunci unit: lingkup akun dibatasi pada unit ini dan unit di bawahnya
        #[arg(long)]
        unit: Option<String>,
        /// Nama lengkap (bawaan: nama pengguna)
        #[arg(long)]
        name: Option<String>,
    },
    /// Mengganti sandi akun (dari stdin, atau dibuat dan dicetak); sesi akun itu berakhir
    Passwd { username: String },
    /// Membuat token API untuk akun; token dicetak sendirian di baris terakhir
    Token {
        username: String,
        /// Nama token, untuk mengenalinya nanti
        #[arg(long, default_value = "cli")]
        name: String,
    },
    /// Menampilkan semua akun
    List,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            eprintln!("kesalahan: tidak dapat memulai runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(commands::run(cli)) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("kesalahan: {e:#}");
            ExitCode::FAILURE
        }
    }
}
