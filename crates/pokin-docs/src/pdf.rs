//! PDF through Typst, compiled in-process.
//!
//! A document is a Typst template (a static `.typ` file compiled into the binary) plus its
//! data as JSON (`/data.json`), read by the template with `json("/data.json")`. User text
//! therefore never becomes Typst markup: a name containing `#` or `*` prints as written.
//! Fonts are bundled (Liberation Sans for documents, DejaVu Sans for the tree diagram, whose
//! SVG measures text with DejaVu's widths); nothing is read from the system or the network.

use serde::Serialize;
use std::sync::LazyLock;
use typst::diag::{FileError, FileResult, Severity, SourceDiagnostic};
use typst::foundations::{Bytes, Datetime, Smart};
use typst::syntax::{FileId, RootedPath, Source, VirtualPath, VirtualRoot};
use typst::text::{Font, FontBook};
use typst::utils::LazyHash;
use typst::{Library, LibraryExt, World};
use typst_layout::PagedDocument;

use crate::DocError;

static FONT_FILES: [&[u8]; 6] = [
    include_bytes!("../fonts/LiberationSans-Regular.ttf"),
    include_bytes!("../fonts/LiberationSans-Bold.ttf"),
    include_bytes!("../fonts/LiberationSans-Italic.ttf"),
    include_bytes!("../fonts/LiberationSans-BoldItalic.ttf"),
    include_bytes!("../fonts/DejaVuSans.ttf"),
    include_bytes!("../fonts/DejaVuSans-Bold.ttf"),
];

struct Shared {
    library: LazyHash<Library>,
    book: LazyHash<FontBook>,
    fonts: Vec<Font>,
}

static SHARED: LazyLock<Shared> = LazyLock::new(|| {
    let fonts: Vec<Font> = FONT_FILES
        .iter()
        .flat_map(|data| Font::iter(Bytes::new(*data)))
        .collect();
    Shared {
        library: LazyHash::new(Library::builder().build()),
        book: LazyHash::new(FontBook::from_fonts(&fonts)),
        fonts,
    }
});

/// The font family names documents may use.
pub const DOCUMENT_FONT: &str = "Liberation Sans";

fn file_id(path: &str) -> FileId {
    RootedPath::new(
        VirtualRoot::Project,
        VirtualPath::new(path).expect("static path"),
    )
    .intern()
}

struct MemoryWorld {
    main: Source,
    files: Vec<(FileId, Bytes)>,
}

impl World for MemoryWorld {
    fn library(&self) -> &LazyHash<Library> {
        &SHARED.library
    }
    fn book(&self) -> &LazyHash<FontBook> {
        &SHARED.book
    }
    fn main(&self) -> FileId {
        self.main.id()
    }
    fn source(&self, id: FileId) -> FileResult<Source> {
        if id == self.main.id() {
            Ok(self.main.clone())
        } else {
            Err(FileError::NotSource)
        }
    }
    fn file(&self, id: FileId) -> FileResult<Bytes> {
        if id == self.main.id() {
            return Ok(Bytes::from_string(self.main.clone()));
        }
        self.files
            .iter()
            .find(|(f, _)| *f == id)
            .map(|(_, b)| b.clone())
            .ok_or_else(|| FileError::NotFound(id.vpath().get_with_slash().into()))
    }
    fn font(&self, index: usize) -> Option<Font> {
        SHARED.fonts.get(index).cloned()
    }
    fn today(&self, _offset: Option<typst::foundations::Duration>) -> Option<Datetime> {
        // Documents carry their own dates; the output must not depend on the clock.
        None
    }
}

/// Compiles `template` with `data` as `/data.json` and further in-memory `files` (path,
/// bytes; e.g. `/pohon.svg`) into a PDF. `ident` names the document stably (same input, same
/// bytes).
pub fn render<T: Serialize>(
    template: &str,
    data: &T,
    files: Vec<(&str, Vec<u8>)>,
    ident: &str,
) -> Result<Vec<u8>, DocError> {
    let json = serde_json::to_vec(data).map_err(|e| DocError(e.to_string()))?;
    let mut all = vec![(file_id("/data.json"), Bytes::new(json))];
    for (path, bytes) in files {
        all.push((file_id(path), Bytes::new(bytes)));
    }
    let world = MemoryWorld {
        main: Source::new(file_id("/main.typ"), template.to_string()),
        files: all,
    };
    let document: PagedDocument = typst::compile(&world)
        .output
        .map_err(|errors| DocError(describe(&errors)))?;
    let options = typst_pdf::PdfOptions {
        ident: Smart::Custom(ident.to_string()),
        creator: Smart::Custom(Some("Pokin".into())),
        ..Default::default()
    };
    typst_pdf::pdf(&document, &options).map_err(|errors| DocError(describe(&errors)))
}

fn describe(errors: &[SourceDiagnostic]) -> String {
    errors
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .map(|d| d.message.to_string())
        .collect::<Vec<_>>()
        .join("; ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compiles_text_from_data_without_interpreting_it() {
        let pdf = render(
            "#set text(font: \"Liberation Sans\")\n#let d = json(\"/data.json\")\n#d.name",
            &serde_json::json!({"name": "Budi #set *tebal* ąč"}),
            vec![],
            "test",
        )
        .unwrap();
        assert!(pdf.starts_with(b"%PDF-"));
        let again = render(
            "#set text(font: \"Liberation Sans\")\n#let d = json(\"/data.json\")\n#d.name",
            &serde_json::json!({"name": "Budi #set *tebal* ąč"}),
            vec![],
            "test",
        )
        .unwrap();
        assert_eq!(pdf, again, "same input, same bytes");
    }

    #[test]
    fn a_broken_template_is_an_error_not_a_panic() {
        let err = render("#let x = (", &serde_json::json!({}), vec![], "t").unwrap_err();
        assert!(err.to_string().starts_with("dokumen gagal dibuat"));
    }
}
