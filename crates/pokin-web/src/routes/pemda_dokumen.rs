//! The pemda's documents as downloads (`/pemda/{pemda}/dokumen/{file}?tahun=Y`): the IKU of the
//! pemda and the cascading matrix (PDF, XLSX) and the Perjanjian Kinerja of the head of region
//! (PDF), from the cached overview of the year — the same `PemdaOverview` methods `pokin report`
//! uses — and kept under the pemda's and its members' revisions.

use crate::auth::CurrentUser;
use crate::routes::dokumen::{self, PDF, XLSX};
use crate::routes::pemda::{YearQuery, snapshot_overview};
use crate::{AppState, Error};
use axum::extract::{Path, Query, State};
use axum::response::Response;
use pokin_store::PemdaOverview;

/// The documents' file names.
pub(crate) const DOCUMENTS: [&str; 5] = [
    "iku.pdf",
    "iku.xlsx",
    "cascading.pdf",
    "cascading.xlsx",
    "pk-kepala-daerah.pdf",
];

/// Document `name` (one of [`DOCUMENTS`]) of the overview's year.
async fn make(o: &PemdaOverview, name: &str) -> Result<Vec<u8>, Error> {
    use pokin_docs::pemda as docs;
    let iku = "IKU pemda";
    let cascading = "Matriks cascading";
    match name {
        "iku.pdf" => dokumen::build(iku, o.iku_pemda()?, docs::iku_pdf).await,
        "iku.xlsx" => dokumen::build(iku, o.iku_pemda()?, docs::iku_xlsx).await,
        "cascading.pdf" => dokumen::build(cascading, o.cascading()?, docs::cascading_pdf).await,
        "cascading.xlsx" => dokumen::build(cascading, o.cascading()?, docs::cascading_xlsx).await,
        _ => {
            let pk = o.pk_kepala_daerah()?;
            dokumen::build("Perjanjian kinerja", pk, docs::pk_kepala_daerah_pdf).await
        }
    }
}

/// `GET /pemda/{pemda}/dokumen/{file}?tahun=Y`: one of [`DOCUMENTS`] as an attachment
/// (`iku-pemerintah-kabupaten-sukamaju-2025.pdf`); an unknown file is a 404, a year outside
/// the RPJMD a 422.
pub async fn download(
    State(state): State<AppState>,
    current: CurrentUser,
    Path((id, file)): Path<(i64, String)>,
    Query(q): Query<YearQuery>,
) -> Result<Response, Error> {
    let Some(&name) = DOCUMENTS.iter().find(|d| **d == file) else {
        return Err(Error::NotFound(format!(
            "dokumen '{file}' tidak ada; yang tersedia: {}",
            DOCUMENTS.join(", ")
        )));
    };
    let (snap, o) = snapshot_overview(&state, &current.user, id, &q).await?;
    let key = format!("pemda{id}:dokumen:{name}:{}", o.year);
    let bytes = snap
        .derived_from(&o, &key, async || make(&o, name).await)
        .await?;
    let (stem, ext) = name.rsplit_once('.').unwrap_or((name, ""));
    let content_type = if ext == "xlsx" { XLSX } else { PDF };
    let slug = pokin_domain::slugify(&o.pemda.name)
        .map_or_else(|| id.to_string(), |k| k.as_str().to_owned());
    let file = format!("{stem}-{slug}-{}.{ext}", o.year);
    Ok(dokumen::attachment(bytes.to_vec(), content_type, &file))
}
