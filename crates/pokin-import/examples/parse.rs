//! Parses a pohon kinerja text and prints the tree as JSON, then the diagnostics.
//!
//! `cargo run -p pokin-import --example parse -- FILE [--no-dictionary]`

use pokin_import::spelling::Speller;
use pokin_import::text::parse;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let path = std::env::args().nth(1).ok_or("pakai: parse BERKAS.txt")?;
    let source = std::fs::read_to_string(&path)?;
    let use_dictionary = !std::env::args().any(|a| a == "--no-dictionary");
    let speller = use_dictionary.then(Speller::load_system).flatten();
    let tree = parse(&source, speller.as_ref());
    println!("{}", serde_json::to_string_pretty(&tree)?);
    for d in &tree.diagnostics {
        eprintln!("{}", d.render(&path));
    }
    Ok(())
}
