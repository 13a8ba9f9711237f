//! The bulk-entry workbook reader on arbitrary bytes (zip archives, XML, spreadsheets): never a
//! panic, whatever the upload, against the demo agency's tree.
#![no_main]

use chrono::NaiveDate;
use libfuzzer_sys::fuzz_target;
use pokin_domain::Organisation;
use pokin_import::xlsx::{WorkbookData, read};
use std::sync::LazyLock;

static ORG: LazyLock<Organisation> = LazyLock::new(|| {
    pokin_import::yaml::from_yaml(include_str!("../../data/demo/dpmptsp-naker.yaml"))
        .expect("the demo agency reads")
});

fuzz_target!(
    // libFuzzer's panic hook aborts on every panic, even one the reader catches on purpose (a
    // panic inside calamine becomes an error for the uploader); the default hook lets a caught
    // panic pass and an uncaught one still ends the run as a crash.
    init: {
        let _ = std::panic::take_hook();
    },
    |data: &[u8]| {
    let generated = NaiveDate::from_ymd_opt(2026, 1, 5).expect("date");
    let workbook = WorkbookData::new(&ORG, 2026, generated);
    let _ = read(data, &workbook);
});
