//! Each indicator's satuan and polarity, guessed from its name with
//! [`pokin_domain::wording`], and one `inferred-spec` note per indicator so that a planner
//! confirms the guess.

use super::{Diagnostic, ParsedTree};
use pokin_domain::Polarity;
use pokin_domain::check::Severity;
use pokin_domain::wording::{infer_polarity, infer_satuan};

/// Fills `satuan` and `polarity` of every indicator and notes how each was found.
pub(crate) fn describe_indicators(tree: &mut ParsedTree) {
    for unit in &mut tree.units {
        for objective in &mut unit.objectives {
            for indicator in &mut objective.indicators {
                let line = indicator.lines.first().copied().unwrap_or(1);
                let (satuan, polarity, note) =
                    describe(&indicator.code.to_string(), &indicator.name, None, line);
                tree.diagnostics.push(note);
                indicator.satuan = satuan;
                indicator.polarity = Some(polarity);
            }
        }
    }
}

/// The satuan (`given`, else guessed) and the polarity guessed from an indicator's name, with
/// the `inferred-spec` note on `line` that says how (for the OPD tree and the RPJMD alike).
pub(crate) fn describe(
    code: &str,
    name: &str,
    given: Option<&str>,
    line: usize,
) -> (Option<String>, Polarity, Diagnostic) {
    let satuan = match given {
        Some(g) => Some(pokin_domain::wording::Inference {
            value: g.to_owned(),
            reason: None,
        }),
        None => infer_satuan(name),
    };
    let polarity = infer_polarity(name);
    let satuan_text = match &satuan {
        Some(s) if given.is_some() => format!("satuan '{}' (dari tabel)", s.value),
        Some(s) => format!(
            "satuan '{}' (dari kata '{}')",
            s.value,
            s.reason.as_deref().unwrap_or("-")
        ),
        None => "satuan tidak dapat disimpulkan dari namanya, isikan satuannya".into(),
    };
    let polarity_text = match &polarity.reason {
        Some(reason) => format!(
            "polaritas {} (dari kata '{reason}')",
            polarity.value.label()
        ),
        None => format!(
            "polaritas {} (bawaan: makin tinggi makin baik)",
            polarity.value.label()
        ),
    };
    let note = Diagnostic::new(
        line,
        Severity::Info,
        "inferred-spec",
        format!(
            "indikator {code} '{name}': {satuan_text}; {polarity_text}. Periksa dan ubah bila perlu"
        ),
    );
    (satuan.map(|s| s.value), polarity.value, note)
}
