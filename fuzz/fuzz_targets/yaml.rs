//! The canonical YAML importer on arbitrary text: never a panic, and whatever it accepts writes
//! back to canonical YAML that reads to the same organisation and the same bytes.
#![no_main]

use libfuzzer_sys::fuzz_target;
use pokin_import::yaml;

fuzz_target!(|data: &[u8]| {
    let Ok(source) = std::str::from_utf8(data) else {
        return;
    };
    let _ = yaml::is_canonical(source);
    if let Ok(org) = yaml::from_yaml(source) {
        let canonical = yaml::to_yaml(&org);
        let back = yaml::from_yaml(&canonical).expect("canonical YAML reads back");
        assert_eq!(back, org, "the organisation survives its canonical YAML");
        assert_eq!(
            yaml::to_yaml(&back),
            canonical,
            "canonical YAML is a fixed point"
        );
    }
});
