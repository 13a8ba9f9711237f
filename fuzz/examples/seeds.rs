//! Writes the workbook seed of the `xlsx` fuzz target: the bulk-entry template of the demo agency,
//! so the fuzzer starts from a real workbook. `cargo run --example seeds` (in fuzz/).
use chrono::NaiveDate;
use pokin_import::xlsx::{WorkbookData, template};

fn main() {
    let org = pokin_import::yaml::from_yaml(include_str!("../../data/demo/dpmptsp-naker.yaml"))
        .expect("the demo agency reads");
    let generated = NaiveDate::from_ymd_opt(2026, 1, 5).expect("date");
    let bytes = template(&WorkbookData::new(&org, 2026, generated)).expect("template");
    let out = concat!(env!("CARGO_MANIFEST_DIR"), "/seeds/xlsx/template-2026.xlsx");
    std::fs::write(out, &bytes).expect("write the seed");
    println!("{out}: {} bytes", bytes.len());
}
