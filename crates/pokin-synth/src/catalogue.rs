//! What a synthetic kabupaten is made of: its kinds of organisation (dinas, badan, kecamatan)
//! with their divisions and their head's key indicators, the wording templates of lower units'
//! objectives and indicators, and the names of people and places.
//!
//! The divisions follow the usual nomenclature of a kabupaten's perangkat daerah (PP 18/2016 and
//! the ministries' guidance); the values are plausible orders of magnitude, not statistics.

use pokin_domain::{Aggregation, Polarity};

/// How an indicator's yearly targets are drawn.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Values {
    /// A level: the baseline uniform in `[lo, hi]`, then `step` per year (negative for
    /// lower-is-better), rounded to `decimals`.
    Level {
        lo: f64,
        hi: f64,
        step: f64,
        decimals: u8,
    },
    /// A count per year: uniform in `[lo, hi]`, then growing by `growth` (a fraction) a year;
    /// whole numbers.
    Count { lo: f64, hi: f64, growth: f64 },
    /// A band to stay in every year.
    Band { min: f64, max: f64 },
    /// A qualitative target per Renstra year (Opini BPK, predikat SAKIP).
    Ladder(&'static [&'static str; 5]),
}

/// An indicator's specification; in templates `{s}` stands for the unit's subject.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Spec {
    pub name: &'static str,
    pub satuan: &'static str,
    pub polarity: Polarity,
    pub aggregation: Aggregation,
    pub values: Values,
}

const fn spec(
    name: &'static str,
    satuan: &'static str,
    polarity: Polarity,
    aggregation: Aggregation,
    values: Values,
) -> Spec {
    Spec {
        name,
        satuan,
        polarity,
        aggregation,
        values,
    }
}

use Aggregation::{Kumulatif, NilaiAkhir, RataRata};
use Polarity::{Negative, Positive, Range};

/// A percentage where higher is better.
const fn pct(name: &'static str, lo: f64, hi: f64, step: f64) -> Spec {
    level(name, "%", Positive, lo, hi, step, 2)
}

/// A percentage where lower is better.
const fn pct_low(name: &'static str, lo: f64, hi: f64, step: f64) -> Spec {
    level(name, "%", Negative, lo, hi, step, 2)
}

/// A level (index, score, rate) reported as its latest value.
const fn level(
    name: &'static str,
    satuan: &'static str,
    polarity: Polarity,
    lo: f64,
    hi: f64,
    step: f64,
    decimals: u8,
) -> Spec {
    spec(
        name,
        satuan,
        polarity,
        NilaiAkhir,
        Values::Level {
            lo,
            hi,
            step,
            decimals,
        },
    )
}

/// A level reported as the mean of the quarters (durations, averages).
const fn mean(
    name: &'static str,
    satuan: &'static str,
    polarity: Polarity,
    lo: f64,
    hi: f64,
    step: f64,
) -> Spec {
    spec(
        name,
        satuan,
        polarity,
        RataRata,
        Values::Level {
            lo,
            hi,
            step,
            decimals: 1,
        },
    )
}

/// A count summed over the quarters.
const fn count(
    name: &'static str,
    satuan: &'static str,
    polarity: Polarity,
    lo: f64,
    hi: f64,
    growth: f64,
) -> Spec {
    spec(
        name,
        satuan,
        polarity,
        Kumulatif,
        Values::Count { lo, hi, growth },
    )
}

/// A count of things standing at the end of the year (reported as the latest value).
const fn stock(name: &'static str, satuan: &'static str, lo: f64, hi: f64, step: f64) -> Spec {
    level(name, satuan, Positive, lo, hi, step, 0)
}

const fn band(name: &'static str, satuan: &'static str, min: f64, max: f64) -> Spec {
    spec(name, satuan, Range, NilaiAkhir, Values::Band { min, max })
}

const fn ladder(
    name: &'static str,
    satuan: &'static str,
    targets: &'static [&'static str; 5],
) -> Spec {
    spec(name, satuan, Positive, NilaiAkhir, Values::Ladder(targets))
}

/// How the lower units of an organisation are named.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Shape {
    /// Kepala Dinas, Sekretariat, Bidang → Seksi, UPT.
    Dinas,
    /// Kepala Badan, Sekretariat, Bidang → Sub Bidang.
    Badan,
    /// Camat, Sekretariat Kecamatan, Seksi directly under the Camat.
    Kecamatan,
}

/// A kind of perangkat daerah.
#[derive(Debug, Clone, Copy)]
pub(crate) struct OrgType {
    /// e.g. `Dinas Kesehatan`; the kabupaten's name is appended.
    pub name: &'static str,
    /// How the head's unit is named: `Kepala Dinas`.
    pub head: &'static str,
    pub shape: Shape,
    /// Bidang subjects (at least three).
    pub bidang: &'static [&'static str],
    /// UPT names (without `UPT`); zero, one or two are used.
    pub upt: &'static [&'static str],
    /// The head's objectives (*sasaran strategis*) and their key indicators (IKU).
    pub sasaran: &'static [(&'static str, &'static [Spec])],
}

const fn dinas(
    name: &'static str,
    bidang: &'static [&'static str],
    upt: &'static [&'static str],
    sasaran: &'static [(&'static str, &'static [Spec])],
) -> OrgType {
    OrgType {
        name,
        head: "Kepala Dinas",
        shape: Shape::Dinas,
        bidang,
        upt,
        sasaran,
    }
}

const fn badan(
    name: &'static str,
    bidang: &'static [&'static str],
    sasaran: &'static [(&'static str, &'static [Spec])],
) -> OrgType {
    OrgType {
        name,
        head: "Kepala Badan",
        shape: Shape::Badan,
        bidang,
        upt: &[],
        sasaran,
    }
}

/// The perangkat daerah every synthetic kabupaten has (one each), in the order they are
/// generated; the kecamatan follow.
pub(crate) const PERANGKAT_DAERAH: &[OrgType] = &[
    dinas(
        "Dinas Pendidikan",
        &[
            "Pembinaan Sekolah Dasar",
            "Pembinaan Sekolah Menengah Pertama",
            "Pembinaan Pendidikan Anak Usia Dini dan Pendidikan Nonformal",
            "Guru dan Tenaga Kependidikan",
            "Sarana dan Prasarana Pendidikan",
        ],
        &["Sanggar Kegiatan Belajar", "Pusat Sumber Belajar"],
        &[
            (
                "Meningkatnya akses dan mutu pendidikan dasar",
                &[
                    pct("Angka partisipasi murni SD/MI", 92.0, 95.0, 0.5),
                    pct("Angka partisipasi murni SMP/MTs", 74.0, 80.0, 1.2),
                ],
            ),
            (
                "Meningkatnya kualitas pendidik dan hasil belajar",
                &[
                    level(
                        "Rata-rata lama sekolah",
                        "tahun",
                        Positive,
                        7.2,
                        8.4,
                        0.12,
                        2,
                    ),
                    pct("Persentase guru bersertifikat pendidik", 55.0, 68.0, 3.0),
                ],
            ),
        ],
    ),
    dinas(
        "Dinas Kesehatan",
        &[
            "Kesehatan Masyarakat",
            "Pencegahan dan Pengendalian Penyakit",
            "Pelayanan Kesehatan",
            "Sumber Daya Kesehatan",
        ],
        &[
            "Puskesmas Kota",
            "Laboratorium Kesehatan Daerah",
            "Instalasi Farmasi",
        ],
        &[
            (
                "Meningkatnya derajat kesehatan masyarakat",
                &[
                    level(
                        "Angka kematian ibu per 100.000 kelahiran hidup",
                        "per 100.000 KH",
                        Negative,
                        80.0,
                        140.0,
                        -6.0,
                        0,
                    ),
                    pct_low("Prevalensi stunting pada balita", 14.0, 24.0, -1.5),
                ],
            ),
            (
                "Meningkatnya mutu pelayanan kesehatan",
                &[
                    pct(
                        "Persentase puskesmas terakreditasi paripurna",
                        30.0,
                        45.0,
                        8.0,
                    ),
                    level(
                        "Indeks kepuasan masyarakat terhadap pelayanan kesehatan",
                        "indeks",
                        Positive,
                        76.0,
                        83.0,
                        0.8,
                        2,
                    ),
                ],
            ),
        ],
    ),
    dinas(
        "Dinas Pekerjaan Umum dan Penataan Ruang",
        &[
            "Bina Marga",
            "Sumber Daya Air",
            "Cipta Karya",
            "Penataan Ruang",
            "Jasa Konstruksi",
        ],
        &["Peralatan dan Perbekalan", "Laboratorium Bahan Konstruksi"],
        &[
            (
                "Meningkatnya kualitas infrastruktur jalan",
                &[pct(
                    "Persentase panjang jalan kabupaten dalam kondisi mantap",
                    62.0,
                    74.0,
                    2.5,
                )],
            ),
            (
                "Meningkatnya layanan air baku dan irigasi serta ketaatan tata ruang",
                &[
                    pct(
                        "Persentase daerah irigasi dalam kondisi baik",
                        55.0,
                        68.0,
                        3.0,
                    ),
                    pct("Persentase kesesuaian pemanfaatan ruang", 70.0, 82.0, 2.0),
                ],
            ),
        ],
    ),
    dinas(
        "Dinas Perumahan dan Kawasan Permukiman",
        &[
            "Perumahan",
            "Kawasan Permukiman",
            "Prasarana Sarana dan Utilitas Umum",
            "Pertamanan dan Penerangan Jalan Umum",
        ],
        &[],
        &[
            (
                "Meningkatnya kualitas hunian dan permukiman",
                &[
                    pct(
                        "Persentase rumah tidak layak huni yang tertangani",
                        20.0,
                        35.0,
                        8.0,
                    ),
                    pct_low("Persentase luasan kawasan kumuh", 3.0, 8.0, -0.6),
                ],
            ),
            (
                "Meningkatnya cakupan penerangan jalan umum",
                &[pct(
                    "Persentase ruas jalan yang memiliki penerangan jalan umum",
                    45.0,
                    60.0,
                    4.0,
                )],
            ),
        ],
    ),
    OrgType {
        name: "Satuan Polisi Pamong Praja",
        head: "Kepala Satuan",
        shape: Shape::Dinas,
        bidang: &[
            "Penegakan Peraturan Daerah",
            "Ketertiban Umum dan Ketenteraman Masyarakat",
            "Perlindungan Masyarakat",
            "Sumber Daya Aparatur",
        ],
        upt: &[],
        sasaran: &[
            (
                "Terwujudnya ketenteraman dan ketertiban umum",
                &[
                    pct(
                        "Persentase penegakan peraturan daerah yang tuntas",
                        70.0,
                        82.0,
                        3.0,
                    ),
                    count(
                        "Jumlah kasus gangguan ketenteraman dan ketertiban umum",
                        "kasus",
                        Negative,
                        120.0,
                        260.0,
                        -0.06,
                    ),
                ],
            ),
            (
                "Meningkatnya perlindungan masyarakat",
                &[pct(
                    "Persentase anggota satuan perlindungan masyarakat yang terlatih",
                    40.0,
                    55.0,
                    5.0,
                )],
            ),
        ],
    },
    dinas(
        "Dinas Sosial",
        &[
            "Perlindungan dan Jaminan Sosial",
            "Rehabilitasi Sosial",
            "Pemberdayaan Sosial",
            "Penanganan Fakir Miskin",
        ],
        &["Rumah Singgah"],
        &[
            (
                "Meningkatnya pelayanan kesejahteraan sosial",
                &[pct(
                    "Persentase penyandang masalah kesejahteraan sosial yang tertangani",
                    45.0,
                    62.0,
                    4.0,
                )],
            ),
            (
                "Menurunnya kemiskinan",
                &[pct_low("Persentase penduduk miskin", 8.0, 14.0, -0.5)],
            ),
        ],
    ),
    dinas(
        "Dinas Tenaga Kerja",
        &[
            "Pelatihan dan Produktivitas Tenaga Kerja",
            "Penempatan Tenaga Kerja dan Perluasan Kesempatan Kerja",
            "Hubungan Industrial dan Jaminan Sosial Tenaga Kerja",
            "Informasi Pasar Kerja dan Transmigrasi",
        ],
        &["Balai Latihan Kerja"],
        &[
            (
                "Meningkatnya daya saing angkatan kerja",
                &[
                    pct_low("Tingkat pengangguran terbuka", 4.0, 7.0, -0.3),
                    pct("Persentase pencari kerja yang ditempatkan", 25.0, 40.0, 3.0),
                ],
            ),
            (
                "Meningkatnya perlindungan tenaga kerja",
                &[pct(
                    "Persentase kasus hubungan industrial yang terselesaikan",
                    70.0,
                    85.0,
                    3.0,
                )],
            ),
        ],
    ),
    dinas(
        "Dinas Pemberdayaan Perempuan dan Perlindungan Anak",
        &[
            "Kualitas Hidup Perempuan",
            "Pemenuhan Hak Anak",
            "Perlindungan Perempuan dan Anak",
            "Data dan Informasi Gender dan Anak",
        ],
        &["Perlindungan Perempuan dan Anak"],
        &[
            (
                "Meningkatnya kesetaraan gender",
                &[level(
                    "Indeks pembangunan gender",
                    "indeks",
                    Positive,
                    88.0,
                    92.0,
                    0.4,
                    2,
                )],
            ),
            (
                "Meningkatnya perlindungan perempuan dan anak",
                &[pct(
                    "Persentase kasus kekerasan terhadap perempuan dan anak yang tertangani",
                    80.0,
                    90.0,
                    2.0,
                )],
            ),
        ],
    ),
    dinas(
        "Dinas Ketahanan Pangan",
        &[
            "Ketersediaan dan Distribusi Pangan",
            "Konsumsi dan Penganekaragaman Pangan",
            "Keamanan Pangan",
            "Kerawanan Pangan",
        ],
        &[],
        &[
            (
                "Meningkatnya kualitas konsumsi pangan masyarakat",
                &[level(
                    "Skor pola pangan harapan",
                    "skor",
                    Positive,
                    80.0,
                    87.0,
                    1.0,
                    2,
                )],
            ),
            (
                "Meningkatnya ketersediaan pangan",
                &[pct_low("Persentase desa rawan pangan", 5.0, 12.0, -0.8)],
            ),
        ],
    ),
    dinas(
        "Dinas Lingkungan Hidup",
        &[
            "Tata Lingkungan",
            "Pengelolaan Sampah dan Limbah Bahan Berbahaya dan Beracun",
            "Pengendalian Pencemaran dan Kerusakan Lingkungan",
            "Penaatan dan Peningkatan Kapasitas Lingkungan",
        ],
        &["Tempat Pemrosesan Akhir Sampah", "Laboratorium Lingkungan"],
        &[
            (
                "Meningkatnya kualitas lingkungan hidup",
                &[level(
                    "Indeks kualitas lingkungan hidup",
                    "indeks",
                    Positive,
                    58.0,
                    67.0,
                    0.7,
                    2,
                )],
            ),
            (
                "Meningkatnya pengelolaan sampah",
                &[pct(
                    "Persentase sampah rumah tangga yang terkelola",
                    45.0,
                    62.0,
                    4.0,
                )],
            ),
        ],
    ),
    dinas(
        "Dinas Kependudukan dan Pencatatan Sipil",
        &[
            "Pelayanan Pendaftaran Penduduk",
            "Pelayanan Pencatatan Sipil",
            "Pengelolaan Informasi Administrasi Kependudukan",
            "Pemanfaatan Data dan Inovasi Pelayanan",
        ],
        &[],
        &[(
            "Meningkatnya kepemilikan dokumen kependudukan",
            &[
                pct(
                    "Persentase penduduk wajib KTP yang memiliki KTP elektronik",
                    92.0,
                    96.0,
                    0.8,
                ),
                pct(
                    "Persentase anak yang memiliki akta kelahiran",
                    85.0,
                    93.0,
                    1.5,
                ),
            ],
        )],
    ),
    dinas(
        "Dinas Pemberdayaan Masyarakat dan Desa",
        &[
            "Pemerintahan Desa",
            "Pemberdayaan Kelembagaan Masyarakat",
            "Pengembangan Ekonomi Desa",
            "Keuangan dan Aset Desa",
        ],
        &[],
        &[
            (
                "Meningkatnya kemandirian desa",
                &[
                    stock("Jumlah desa mandiri", "desa", 6.0, 18.0, 3.0),
                    level(
                        "Indeks desa membangun",
                        "indeks",
                        Positive,
                        0.62,
                        0.69,
                        0.02,
                        4,
                    ),
                ],
            ),
            (
                "Meningkatnya tata kelola keuangan desa",
                &[pct(
                    "Persentase desa yang menyampaikan laporan keuangan tepat waktu",
                    70.0,
                    85.0,
                    3.0,
                )],
            ),
        ],
    ),
    dinas(
        "Dinas Perhubungan",
        &[
            "Lalu Lintas",
            "Angkutan",
            "Sarana dan Prasarana Perhubungan",
            "Keselamatan Transportasi",
        ],
        &["Pengujian Kendaraan Bermotor", "Terminal Penumpang"],
        &[
            (
                "Meningkatnya keselamatan lalu lintas",
                &[count(
                    "Angka kecelakaan lalu lintas",
                    "kasus",
                    Negative,
                    60.0,
                    140.0,
                    -0.05,
                )],
            ),
            (
                "Meningkatnya kelengkapan prasarana perhubungan",
                &[pct(
                    "Persentase ketersediaan fasilitas perlengkapan jalan",
                    55.0,
                    68.0,
                    4.0,
                )],
            ),
        ],
    ),
    dinas(
        "Dinas Komunikasi dan Informatika",
        &[
            "Informasi dan Komunikasi Publik",
            "Aplikasi Informatika",
            "Infrastruktur Teknologi Informasi",
            "Persandian dan Statistik",
        ],
        &[],
        &[
            (
                "Meningkatnya kualitas pemerintahan berbasis elektronik",
                &[level(
                    "Indeks sistem pemerintahan berbasis elektronik",
                    "indeks",
                    Positive,
                    2.4,
                    2.9,
                    0.15,
                    2,
                )],
            ),
            (
                "Meningkatnya keterbukaan informasi publik",
                &[level(
                    "Indeks keterbukaan informasi publik",
                    "indeks",
                    Positive,
                    70.0,
                    80.0,
                    1.5,
                    2,
                )],
            ),
        ],
    ),
    dinas(
        "Dinas Koperasi dan Usaha Mikro",
        &[
            "Kelembagaan dan Pengawasan Koperasi",
            "Pemberdayaan Usaha Mikro",
            "Pembiayaan dan Kemitraan Usaha",
            "Pengembangan Sumber Daya Manusia Koperasi",
        ],
        &["Pusat Layanan Usaha Terpadu"],
        &[(
            "Meningkatnya daya saing koperasi dan usaha mikro",
            &[
                pct("Persentase koperasi aktif", 55.0, 68.0, 3.0),
                count(
                    "Jumlah usaha mikro yang naik kelas",
                    "unit usaha",
                    Positive,
                    40.0,
                    120.0,
                    0.1,
                ),
            ],
        )],
    ),
    dinas(
        "Dinas Penanaman Modal dan Pelayanan Terpadu Satu Pintu",
        &[
            "Pelayanan Perizinan",
            "Promosi dan Pengembangan Iklim Penanaman Modal",
            "Pengendalian dan Data Penanaman Modal",
            "Pengaduan dan Kebijakan Pelayanan",
        ],
        &[],
        &[
            (
                "Meningkatnya realisasi investasi",
                &[count(
                    "Nilai realisasi investasi",
                    "Rp",
                    Positive,
                    2.5e11,
                    6.0e11,
                    0.08,
                )],
            ),
            (
                "Meningkatnya kualitas pelayanan perizinan",
                &[level(
                    "Indeks kepuasan masyarakat terhadap pelayanan perizinan",
                    "indeks",
                    Positive,
                    78.0,
                    85.0,
                    0.6,
                    2,
                )],
            ),
        ],
    ),
    dinas(
        "Dinas Kepemudaan dan Olahraga",
        &[
            "Kepemudaan",
            "Pembudayaan Olahraga",
            "Peningkatan Prestasi Olahraga",
            "Sarana dan Prasarana Olahraga",
        ],
        &["Gelanggang Olahraga"],
        &[
            (
                "Meningkatnya prestasi olahraga",
                &[count(
                    "Jumlah medali yang diraih pada kejuaraan tingkat provinsi",
                    "medali",
                    Positive,
                    8.0,
                    25.0,
                    0.1,
                )],
            ),
            (
                "Meningkatnya peran pemuda dalam pembangunan",
                &[pct(
                    "Persentase pemuda yang aktif dalam organisasi kepemudaan",
                    20.0,
                    32.0,
                    2.0,
                )],
            ),
        ],
    ),
    dinas(
        "Dinas Pariwisata",
        &[
            "Destinasi Pariwisata",
            "Pemasaran Pariwisata",
            "Ekonomi Kreatif",
            "Industri dan Kelembagaan Pariwisata",
        ],
        &["Pengelolaan Objek Wisata"],
        &[(
            "Meningkatnya daya tarik pariwisata daerah",
            &[
                count(
                    "Jumlah kunjungan wisatawan",
                    "orang",
                    Positive,
                    1.5e5,
                    4.0e5,
                    0.08,
                ),
                count(
                    "Jumlah kunjungan wisatawan mancanegara",
                    "orang",
                    Positive,
                    800.0,
                    2500.0,
                    0.06,
                ),
            ],
        )],
    ),
    dinas(
        "Dinas Kebudayaan",
        &[
            "Sejarah dan Cagar Budaya",
            "Kesenian",
            "Tradisi dan Nilai Budaya",
            "Permuseuman",
        ],
        &["Museum Daerah", "Taman Budaya"],
        &[(
            "Meningkatnya pelestarian kebudayaan daerah",
            &[
                pct(
                    "Persentase objek pemajuan kebudayaan yang dilestarikan",
                    40.0,
                    58.0,
                    4.0,
                ),
                stock(
                    "Jumlah cagar budaya yang ditetapkan",
                    "objek",
                    10.0,
                    30.0,
                    3.0,
                ),
            ],
        )],
    ),
    dinas(
        "Dinas Perpustakaan dan Kearsipan",
        &[
            "Layanan dan Pembinaan Perpustakaan",
            "Pengembangan Koleksi dan Pelestarian Bahan Pustaka",
            "Pengelolaan Arsip",
            "Pembinaan Kearsipan",
        ],
        &[],
        &[
            (
                "Meningkatnya minat baca masyarakat",
                &[level(
                    "Nilai tingkat gemar membaca masyarakat",
                    "nilai",
                    Positive,
                    55.0,
                    64.0,
                    1.5,
                    2,
                )],
            ),
            (
                "Meningkatnya kualitas pengelolaan arsip",
                &[pct(
                    "Persentase perangkat daerah dengan pengelolaan arsip kategori baik",
                    40.0,
                    58.0,
                    6.0,
                )],
            ),
        ],
    ),
    dinas(
        "Dinas Perikanan",
        &[
            "Perikanan Tangkap",
            "Perikanan Budidaya",
            "Pengolahan dan Pemasaran Hasil Perikanan",
            "Penyuluhan Perikanan",
        ],
        &["Balai Benih Ikan", "Pangkalan Pendaratan Ikan"],
        &[(
            "Meningkatnya produksi dan konsumsi ikan",
            &[
                count("Produksi perikanan", "ton", Positive, 8000.0, 20000.0, 0.05),
                level(
                    "Angka konsumsi ikan",
                    "kg/kapita/tahun",
                    Positive,
                    28.0,
                    37.0,
                    1.2,
                    2,
                ),
            ],
        )],
    ),
    dinas(
        "Dinas Pertanian",
        &[
            "Tanaman Pangan",
            "Hortikultura",
            "Perkebunan",
            "Prasarana dan Sarana Pertanian",
            "Penyuluhan Pertanian",
        ],
        &["Balai Benih Induk", "Balai Penyuluhan Pertanian"],
        &[
            (
                "Meningkatnya produksi pertanian",
                &[count("Produksi padi", "ton", Positive, 9.0e4, 2.0e5, 0.03)],
            ),
            (
                "Meningkatnya kesejahteraan petani",
                &[level(
                    "Nilai tukar petani",
                    "nilai",
                    Positive,
                    100.0,
                    105.0,
                    0.8,
                    2,
                )],
            ),
        ],
    ),
    dinas(
        "Dinas Perdagangan",
        &[
            "Perdagangan Dalam Negeri",
            "Pengelolaan Pasar",
            "Perlindungan Konsumen dan Tertib Niaga",
            "Ekspor dan Promosi Dagang",
        ],
        &["Pasar Induk", "Metrologi Legal"],
        &[
            (
                "Terkendalinya harga kebutuhan pokok",
                &[band("Tingkat inflasi daerah", "%", 2.0, 4.0)],
            ),
            (
                "Meningkatnya kualitas sarana perdagangan",
                &[pct(
                    "Persentase pasar rakyat dalam kondisi baik",
                    40.0,
                    58.0,
                    5.0,
                )],
            ),
        ],
    ),
    dinas(
        "Dinas Perindustrian",
        &[
            "Industri Agro",
            "Industri Logam Mesin dan Kimia",
            "Industri Kecil dan Menengah",
            "Sarana dan Standardisasi Industri",
        ],
        &[],
        &[(
            "Meningkatnya peran industri dalam perekonomian daerah",
            &[
                pct(
                    "Kontribusi sektor industri pengolahan terhadap produk domestik regional bruto",
                    8.0,
                    13.0,
                    0.4,
                ),
                count(
                    "Jumlah IKM yang menerapkan standar produk",
                    "IKM",
                    Positive,
                    20.0,
                    60.0,
                    0.1,
                ),
            ],
        )],
    ),
    dinas(
        "Dinas Pemadam Kebakaran dan Penyelamatan",
        &[
            "Pencegahan Kebakaran",
            "Operasi Pemadaman dan Penyelamatan",
            "Sarana dan Prasarana Pemadam Kebakaran",
            "Pemberdayaan Masyarakat Peduli Kebakaran",
        ],
        &["Pos Pemadam Kebakaran Wilayah"],
        &[(
            "Meningkatnya perlindungan masyarakat dari kebakaran",
            &[
                pct(
                    "Persentase kejadian kebakaran yang ditangani sesuai waktu tanggap",
                    70.0,
                    84.0,
                    3.0,
                ),
                count(
                    "Jumlah korban jiwa akibat kebakaran",
                    "orang",
                    Negative,
                    4.0,
                    15.0,
                    -0.1,
                ),
            ],
        )],
    ),
    dinas(
        "Dinas Pengendalian Penduduk dan Keluarga Berencana",
        &[
            "Pengendalian Penduduk",
            "Keluarga Berencana",
            "Ketahanan dan Kesejahteraan Keluarga",
            "Penyuluhan dan Penggerakan",
        ],
        &[],
        &[(
            "Terkendalinya pertumbuhan penduduk",
            &[
                level(
                    "Angka kelahiran total",
                    "anak per perempuan",
                    Negative,
                    2.2,
                    2.5,
                    -0.03,
                    2,
                ),
                pct("Persentase pemakaian kontrasepsi modern", 55.0, 64.0, 1.0),
            ],
        )],
    ),
    dinas(
        "Dinas Pertanahan",
        &[
            "Penatagunaan Tanah",
            "Pengadaan Tanah",
            "Penyelesaian Sengketa Tanah",
            "Inventarisasi Tanah Pemerintah Daerah",
        ],
        &[],
        &[(
            "Meningkatnya kepastian hukum atas tanah",
            &[
                pct(
                    "Persentase bidang tanah pemerintah daerah yang bersertifikat",
                    35.0,
                    50.0,
                    6.0,
                ),
                pct(
                    "Persentase sengketa tanah yang terselesaikan",
                    50.0,
                    65.0,
                    4.0,
                ),
            ],
        )],
    ),
    dinas(
        "Dinas Peternakan dan Kesehatan Hewan",
        &[
            "Produksi Peternakan",
            "Kesehatan Hewan",
            "Kesehatan Masyarakat Veteriner",
            "Pengolahan dan Pemasaran Hasil Peternakan",
        ],
        &["Pusat Kesehatan Hewan", "Rumah Potong Hewan"],
        &[
            (
                "Meningkatnya produksi peternakan",
                &[count(
                    "Produksi daging",
                    "ton",
                    Positive,
                    1500.0,
                    4000.0,
                    0.04,
                )],
            ),
            (
                "Terkendalinya penyakit hewan menular strategis",
                &[pct(
                    "Persentase kasus penyakit hewan menular yang tertangani",
                    75.0,
                    88.0,
                    2.0,
                )],
            ),
        ],
    ),
    OrgType {
        name: "Rumah Sakit Umum Daerah",
        head: "Direktur",
        shape: Shape::Dinas,
        bidang: &[
            "Pelayanan Medik",
            "Keperawatan",
            "Penunjang Medik dan Nonmedik",
            "Perencanaan dan Rekam Medik",
        ],
        upt: &[],
        sasaran: &[
            (
                "Meningkatnya mutu pelayanan rumah sakit",
                &[
                    band("Tingkat hunian tempat tidur", "%", 60.0, 85.0),
                    level(
                        "Angka kematian pasien lebih dari 48 jam per 1.000 pasien keluar",
                        "per mil",
                        Negative,
                        18.0,
                        28.0,
                        -1.0,
                        2,
                    ),
                ],
            ),
            (
                "Meningkatnya kepuasan pasien",
                &[level(
                    "Indeks kepuasan pasien",
                    "indeks",
                    Positive,
                    78.0,
                    85.0,
                    0.6,
                    2,
                )],
            ),
        ],
    },
    badan(
        "Badan Perencanaan Pembangunan Daerah",
        &[
            "Perencanaan Pemerintahan dan Pembangunan Manusia",
            "Perencanaan Perekonomian dan Sumber Daya Alam",
            "Perencanaan Infrastruktur dan Kewilayahan",
            "Pengendalian dan Evaluasi Pembangunan",
            "Penelitian dan Pengembangan",
        ],
        &[
            (
                "Meningkatnya kualitas perencanaan pembangunan daerah",
                &[pct(
                    "Persentase keselarasan program RPJMD dengan Renstra perangkat daerah",
                    85.0,
                    92.0,
                    1.5,
                )],
            ),
            (
                "Meningkatnya akuntabilitas kinerja pemerintah daerah",
                &[ladder(
                    "Predikat SAKIP pemerintah daerah",
                    "predikat",
                    &["B", "B", "BB", "BB", "A"],
                )],
            ),
        ],
    ),
    badan(
        "Badan Pengelolaan Keuangan dan Aset Daerah",
        &[
            "Anggaran",
            "Perbendaharaan",
            "Akuntansi dan Pelaporan",
            "Pengelolaan Barang Milik Daerah",
        ],
        &[(
            "Meningkatnya akuntabilitas pengelolaan keuangan daerah",
            &[
                ladder(
                    "Opini BPK atas laporan keuangan pemerintah daerah",
                    "opini",
                    &["WTP", "WTP", "WTP", "WTP", "WTP"],
                ),
                pct(
                    "Persentase penyerapan anggaran belanja daerah",
                    88.0,
                    92.0,
                    1.0,
                ),
            ],
        )],
    ),
    badan(
        "Badan Pendapatan Daerah",
        &[
            "Pendataan dan Penetapan",
            "Penagihan dan Keberatan",
            "Pengembangan Pendapatan Daerah",
            "Pengendalian dan Evaluasi Pendapatan",
        ],
        &[(
            "Meningkatnya pendapatan asli daerah",
            &[
                count(
                    "Nilai pendapatan asli daerah",
                    "Rp",
                    Positive,
                    1.5e11,
                    4.0e11,
                    0.07,
                ),
                level(
                    "Rasio pajak daerah terhadap PDRB",
                    "rasio",
                    Positive,
                    0.8,
                    1.3,
                    0.05,
                    2,
                ),
            ],
        )],
    ),
    badan(
        "Badan Kepegawaian dan Pengembangan Sumber Daya Manusia",
        &[
            "Pengadaan, Pemberhentian dan Informasi Kepegawaian",
            "Mutasi dan Promosi",
            "Pengembangan Kompetensi Aparatur",
            "Penilaian Kinerja dan Penghargaan",
        ],
        &[(
            "Meningkatnya profesionalitas aparatur sipil negara",
            &[
                level(
                    "Indeks sistem merit",
                    "indeks",
                    Positive,
                    0.55,
                    0.68,
                    0.04,
                    2,
                ),
                pct(
                    "Persentase ASN yang memenuhi standar kompetensi jabatan",
                    45.0,
                    62.0,
                    4.0,
                ),
            ],
        )],
    ),
    badan(
        "Badan Penanggulangan Bencana Daerah",
        &[
            "Pencegahan dan Kesiapsiagaan",
            "Kedaruratan dan Logistik",
            "Rehabilitasi dan Rekonstruksi",
            "Data dan Informasi Kebencanaan",
        ],
        &[(
            "Menurunnya risiko bencana",
            &[
                level(
                    "Indeks risiko bencana",
                    "indeks",
                    Negative,
                    130.0,
                    158.0,
                    -4.0,
                    2,
                ),
                pct("Persentase desa tangguh bencana", 10.0, 22.0, 4.0),
            ],
        )],
    ),
    badan(
        "Badan Kesatuan Bangsa dan Politik",
        &[
            "Ideologi, Wawasan Kebangsaan dan Karakter Bangsa",
            "Politik Dalam Negeri dan Organisasi Kemasyarakatan",
            "Ketahanan Ekonomi, Sosial dan Budaya",
            "Kewaspadaan Nasional dan Penanganan Konflik",
        ],
        &[(
            "Terjaganya stabilitas politik dan keamanan daerah",
            &[
                pct("Persentase konflik sosial yang tertangani", 80.0, 90.0, 2.0),
                level(
                    "Indeks demokrasi daerah",
                    "indeks",
                    Positive,
                    72.0,
                    79.0,
                    0.8,
                    2,
                ),
            ],
        )],
    ),
    badan(
        "Badan Riset dan Inovasi Daerah",
        &[
            "Riset dan Pengembangan",
            "Inovasi dan Teknologi",
            "Kemitraan Riset dan Inovasi",
            "Pengkajian Kebijakan Daerah",
        ],
        &[(
            "Meningkatnya inovasi daerah",
            &[
                level(
                    "Indeks inovasi daerah",
                    "indeks",
                    Positive,
                    40.0,
                    52.0,
                    4.0,
                    2,
                ),
                count(
                    "Jumlah inovasi daerah yang diterapkan",
                    "inovasi",
                    Positive,
                    10.0,
                    30.0,
                    0.15,
                ),
            ],
        )],
    ),
];

/// The kecamatan of a kabupaten (after the perangkat daerah).
pub(crate) const KECAMATAN_PER_KABUPATEN: usize = 40 - PERANGKAT_DAERAH.len();

/// A kecamatan: the Camat, the Sekretariat Kecamatan and Seksi directly under the Camat.
pub(crate) const KECAMATAN: OrgType = OrgType {
    name: "Kecamatan",
    head: "Camat",
    shape: Shape::Kecamatan,
    bidang: &[
        "Pemerintahan",
        "Ketenteraman dan Ketertiban Umum",
        "Pemberdayaan Masyarakat dan Desa",
        "Pelayanan Umum",
        "Kesejahteraan Sosial",
        "Ekonomi dan Pembangunan",
    ],
    upt: &[],
    sasaran: &[
        (
            "Meningkatnya kualitas pelayanan publik di kecamatan",
            &[level(
                "Indeks kepuasan masyarakat terhadap pelayanan kecamatan",
                "indeks",
                Positive,
                76.0,
                85.0,
                0.7,
                2,
            )],
        ),
        (
            "Meningkatnya kinerja penyelenggaraan pemerintahan kecamatan",
            &[pct(
                "Persentase desa yang menyampaikan laporan penyelenggaraan pemerintahan desa tepat waktu",
                70.0,
                86.0,
                3.0,
            )],
        ),
    ],
};

/// The third objective some heads have: the organisation's own accountability, which the
/// Sekretariat supports.
pub(crate) const AKUNTABILITAS: (&str, &[Spec]) = (
    "Meningkatnya akuntabilitas kinerja perangkat daerah",
    &[level(
        "Nilai evaluasi SAKIP perangkat daerah",
        "nilai",
        Positive,
        60.0,
        71.0,
        2.0,
        2,
    )],
);

/// Sub Bagian of a Sekretariat.
pub(crate) const SUB_BAGIAN: &[&str] = &[
    "Umum dan Kepegawaian",
    "Keuangan",
    "Perencanaan dan Evaluasi",
    "Hukum dan Hubungan Masyarakat",
];

/// Sub Bagian of a Sekretariat Kecamatan.
pub(crate) const SUB_BAGIAN_KECAMATAN: &[&str] =
    &["Umum dan Kepegawaian", "Perencanaan dan Keuangan"];

/// What a Seksi / Sub Bidang does within its Bidang: `Seksi {prefix} {bidang}`.
pub(crate) const SEKSI_PREFIXES: &[&str] = &[
    "Perencanaan dan Pengembangan",
    "Pembinaan",
    "Pengawasan dan Pengendalian",
    "Data dan Informasi",
    "Pelayanan",
    "Sarana dan Prasarana",
    "Kemitraan",
    "Evaluasi dan Pelaporan",
];

/// Objective statements of lower units (`{s}`: the unit's subject, lower case).
pub(crate) const OBJECTIVES: &[&str] = &[
    "Meningkatnya kualitas {s}",
    "Meningkatnya cakupan {s}",
    "Terwujudnya tata kelola {s} yang akuntabel",
    "Meningkatnya efektivitas {s}",
    "Tersedianya data {s} yang akurat dan mutakhir",
    "Meningkatnya kapasitas pelaksana {s}",
    "Terselenggaranya {s} sesuai standar pelayanan",
    "Meningkatnya partisipasi masyarakat dalam {s}",
];

/// Indicator templates of lower units.
pub(crate) const INDICATORS: &[Spec] = &[
    pct(
        "Persentase kegiatan {s} yang terlaksana sesuai rencana",
        75.0,
        90.0,
        1.5,
    ),
    pct(
        "Persentase layanan {s} yang memenuhi standar",
        65.0,
        88.0,
        2.0,
    ),
    level(
        "Indeks kepuasan masyarakat terhadap layanan {s}",
        "indeks",
        Positive,
        72.0,
        84.0,
        0.8,
        2,
    ),
    count(
        "Jumlah dokumen {s} yang disusun tepat waktu",
        "dokumen",
        Positive,
        2.0,
        8.0,
        0.0,
    ),
    count(
        "Jumlah peserta pembinaan {s}",
        "orang",
        Positive,
        40.0,
        400.0,
        0.05,
    ),
    count(
        "Jumlah kegiatan sosialisasi {s}",
        "kegiatan",
        Positive,
        4.0,
        16.0,
        0.05,
    ),
    pct(
        "Persentase pengaduan {s} yang diselesaikan tepat waktu",
        70.0,
        88.0,
        2.0,
    ),
    count(
        "Jumlah kasus pelanggaran {s}",
        "kasus",
        Negative,
        10.0,
        40.0,
        -0.08,
    ),
    mean(
        "Rata-rata waktu penyelesaian layanan {s}",
        "hari",
        Negative,
        5.0,
        14.0,
        -0.5,
    ),
    pct("Persentase data {s} yang mutakhir", 60.0, 82.0, 3.0),
    pct("Tingkat ketepatan waktu pelaporan {s}", 80.0, 94.0, 1.0),
    pct(
        "Persentase temuan pemeriksaan {s} yang tertindaklanjuti",
        70.0,
        88.0,
        3.0,
    ),
    count(
        "Jumlah temuan berulang pada {s}",
        "temuan",
        Negative,
        3.0,
        12.0,
        -0.1,
    ),
    pct(
        "Persentase ASN pada {s} yang mengikuti peningkatan kompetensi",
        40.0,
        65.0,
        5.0,
    ),
    level(
        "Nilai evaluasi kinerja {s}",
        "nilai",
        Positive,
        65.0,
        78.0,
        1.5,
        2,
    ),
];

/// Place names for kecamatan (unique within a kabupaten).
pub(crate) const PLACES: &[&str] = &[
    "Sukamaju",
    "Sukamakmur",
    "Sukadamai",
    "Mekarsari",
    "Sidomulyo",
    "Karanganyar",
    "Sumberejo",
    "Tanjungsari",
    "Margahayu",
    "Banjarsari",
    "Purwodadi",
    "Kedungwaru",
    "Wonosari",
    "Rejosari",
    "Gunungsari",
    "Pasirjaya",
    "Bojongsari",
    "Tegalrejo",
    "Kalisari",
    "Mulyorejo",
    "Sindangsari",
    "Cibening",
    "Batujaya",
    "Lubuk Raya",
    "Sungai Tebal",
    "Air Putih",
    "Talang Padang",
    "Bukit Kemuning",
    "Tanah Merah",
    "Padang Sari",
    "Teluk Bayur Baru",
    "Kampung Baru",
    "Simpang Empat",
    "Rantau Jaya",
    "Seberang Ilir",
    "Muara Tiga",
];

pub(crate) const MALE_NAMES: &[&str] = &[
    "Agus", "Bambang", "Budi", "Dedi", "Eko", "Hadi", "Hendra", "Joko", "Rudi", "Slamet", "Sugeng",
    "Teguh", "Wahyu", "Yusuf", "Ahmad", "Arif", "Fajar", "Irwan", "Rahmat", "Suryadi", "Taufik",
    "Andi", "Dimas", "Rizky", "Hasan", "Imam", "Lukman", "Mulyadi", "Darmawan", "Heru", "Ismail",
    "Zulkifli", "Syahrial", "Firdaus", "Gunawan", "Kurniadi",
];

pub(crate) const FEMALE_NAMES: &[&str] = &[
    "Sri",
    "Dewi",
    "Rina",
    "Yuliana",
    "Siti",
    "Endang",
    "Lestari",
    "Ratna",
    "Wulan",
    "Nurul",
    "Indah",
    "Fitri",
    "Ani",
    "Kartika",
    "Maya",
    "Rahmawati",
    "Nining",
    "Tuti",
    "Ayu",
    "Novita",
    "Desi",
    "Herlina",
    "Suryani",
    "Yanti",
    "Rosmawati",
    "Farida",
];

pub(crate) const FAMILY_NAMES: &[&str] = &[
    "Santoso",
    "Wijaya",
    "Saputra",
    "Pratama",
    "Hidayat",
    "Kusuma",
    "Rahayu",
    "Handayani",
    "Purnomo",
    "Susilo",
    "Setiawan",
    "Nugroho",
    "Siregar",
    "Nasution",
    "Lubis",
    "Harahap",
    "Simanjuntak",
    "Sitompul",
    "Hutapea",
    "Tanjung",
    "Syahputra",
    "Rangkuti",
    "Daulay",
    "Wibowo",
    "Prasetyo",
    "Kurniawan",
    "Hartono",
    "Ramadhan",
    "Firmansyah",
    "Maulana",
    "Pane",
    "Gultom",
    "Sembiring",
    "Ginting",
    "Pohan",
    "Batubara",
];

/// Degrees written after a name.
pub(crate) const DEGREES: &[&str] = &[
    "S.E.", "S.Sos.", "S.T.", "S.H.", "S.Kom.", "S.Pd.", "S.AP.", "S.IP.", "S.Si.", "S.P.", "S.Ak.",
];

/// Master's degrees, for heads.
pub(crate) const MASTERS: &[&str] = &[
    "M.Si.", "M.M.", "M.AP.", "M.T.", "M.H.", "M.Pd.", "M.Kes.", "M.E.",
];

/// Why a verifier returned a realisation.
pub(crate) const RETURN_REASONS: &[&str] = &[
    "Bukti dukung belum diunggah; lampirkan rekap kegiatan triwulan ini.",
    "Nilai realisasi tidak sama dengan laporan bulanan; periksa kembali angkanya.",
    "Penjelasan kendala belum diisi padahal capaian di bawah target.",
    "Realisasi melebihi target jauh; sertakan dasar perhitungannya.",
    "Bukti dukung yang diunggah adalah laporan triwulan sebelumnya; ganti dengan yang benar.",
];
