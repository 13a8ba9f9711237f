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

fuzz_target!(|data: &[u8]| {
    let generated = NaiveDate::from_ymd_opt(2026, 1, 5).expect("date");
    let workbook = WorkbookData::new(&ORG, 2026, generated);
    let _ = read(data, &workbook);
});
