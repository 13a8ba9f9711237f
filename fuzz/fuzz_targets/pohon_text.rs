//! The pohon kinerja text parser and the one import path (`read_any`) on arbitrary bytes: never
//! a panic, and whatever they accept is a valid organisation whose canonical YAML reads back to
//! the same bytes.
#![no_main]

use libfuzzer_sys::fuzz_target;
use pokin_import::{read_any, text, yaml};

fuzz_target!(|data: &[u8]| {
    let reading = read_any(data, "Fuzz", None, || None);
    if let Some(org) = reading.organisation {
        let canonical = yaml::to_yaml(&org);
        let back = yaml::from_yaml(&canonical).expect("the canonical YAML of an import reads back");
        assert_eq!(
            yaml::to_yaml(&back),
            canonical,
            "canonical YAML is a fixed point"
        );
    }
    if let Ok(source) = std::str::from_utf8(data) {
        let parsed = text::parse(source, None);
        for diagnostic in &parsed.diagnostics {
            let _ = diagnostic.render("fuzz.txt");
        }
        let _ = parsed.organisation_name("Fuzz");
        let _ = parsed.to_draft("Fuzz").validate();
    }
});
