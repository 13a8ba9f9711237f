//! Each indicator's satuan and polarity, guessed from its name with
//! [`pokin_domain::wording`], and one `inferred-spec` note per indicator so that a planner
//! confirms the guess.

use super::{Diagnostic, ParsedTree};
use pokin_domain::check::Severity;
use pokin_domain::wording::{infer_polarity, infer_satuan};

/// Fills `satuan` and `polarity` of every indicator and notes how each was found.
pub(crate) fn describe_indicators(tree: &mut ParsedTree) {
    for unit in &mut tree.units {
        for objective in &mut unit.objectives {
            for indicator in &mut objective.indicators {
                let satuan = infer_satuan(&indicator.name);
                let polarity = infer_polarity(&indicator.name);
                let satuan_text = match &satuan {
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
                let line = indicator.lines.first().copied().unwrap_or(1);
                tree.diagnostics.push(Diagnostic::new(
                    line,
                    Severity::Info,
                    "inferred-spec",
                    format!(
                        "indikator {} '{}': {satuan_text}; {polarity_text}. Periksa dan ubah bila perlu",
                        indicator.code, indicator.name
                    ),
                ));
                indicator.satuan = satuan.map(|s| s.value);
                indicator.polarity = Some(polarity.value);
            }
        }
    }
}
