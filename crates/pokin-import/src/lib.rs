//! Pohon kinerja text and canonical YAML importers.
