//! What an S3 location is, the one judge for every S3 field: a step attribute
//! (`provider::steps::common::Ctx::s3_uri`) and a parameter value that fills an S3 field
//! (`dag::check_types`) are held to the same rule.
//!
//! The rule: `s3://bucket[/key]` (or `https://`, which SageMaker's S3 URI pattern also
//! accepts), a `{{ }}` reference, or text that starts with the scheme followed by references.
//! Text before a reference must itself start with the scheme:
//! `acme-ml/{{ Execution.PipelineExecutionId }}/model` is an error.
//!
//! Pure. Reasons are sentences without advice; callers add the fix that fits where the value
//! came from (an attribute, a parameter's default).

use super::expr;

/// The advice for a value written in an S3 attribute.
pub const ATTRIBUTE_FIX: &str = "Give an S3 URI such as \"s3://my-bucket/prefix\", a reference such as \"{{ Parameters.InputData }}\", or both, e.g. \"s3://my-bucket/{{ Execution.PipelineExecutionId }}/out\".";

/// [`check_segments`] of a `{{ }}` template. A malformed reference passes: it is reported by
/// the compilation of the value itself.
pub fn check_location(s: &str) -> Result<(), String> {
    let Ok(segments) = expr::parse_template(s) else { return Ok(()) };
    check_segments(&segments)
}

/// Whether a value split into text and references can be an S3 location; `Err` is the reason
/// (no advice).
pub fn check_segments(segments: &[expr::Segment]) -> Result<(), String> {
    match segments.first() {
        None => Err("The value is empty.".into()),
        Some(expr::Segment::Ref(_)) => Ok(()),
        Some(expr::Segment::Text(t)) => check_text(t, segments.len() > 1),
    }
}

/// Whether literal `text` can start an S3 location; `followed` says whether a reference comes
/// after it (then `s3://` alone is a complete start: the reference names the bucket).
pub fn check_text(text: &str, followed: bool) -> Result<(), String> {
    let Some(rest) = text.strip_prefix("s3://").or_else(|| text.strip_prefix("https://")) else {
        let lower = text.to_ascii_lowercase();
        let why = if lower.starts_with("s3://") || lower.starts_with("https://") {
            "the scheme is lowercase: write s3://".to_string()
        } else if followed {
            format!("the text before the reference, {}, must start with s3://", expr::shown(text))
        } else {
            "it does not start with s3://".to_string()
        };
        return Err(format!("Not an S3 location: {why}."));
    };
    let bucket = rest.split('/').next().unwrap_or("");
    if bucket.is_empty() && !(followed && rest.is_empty()) {
        return Err("The bucket name is missing after s3://.".into());
    }
    if bucket.chars().any(char::is_whitespace) {
        return Err(format!("The bucket name {} contains a space.", expr::shown(bucket)));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Issue 6: S3 fields checked in some places and not others, and not at all once a
    /// reference was inside.
    #[test]
    fn locations() {
        for ok in [
            "s3://acme/raw",
            "s3://acme",
            "https://acme.s3.amazonaws.com/raw",
            "{{ Parameters.Input }}",
            "{{ Parameters.Input }}/sub",
            "s3://acme/{{ Execution.PipelineExecutionId }}/model",
            "s3://{{ Parameters.Bucket }}/x",
            "{{ Steps.Prep.ProcessingOutputConfig.Outputs['train'].S3Output.S3Uri }}",
        ] {
            assert_eq!(check_location(ok), Ok(()), "{ok}");
        }
        for (bad, needle) in [
            ("acme-ml/raw", "does not start with s3://"),
            (
                "acme-ml/{{ Execution.PipelineExecutionId }}/model",
                "the text before the reference, \"acme-ml/\", must start with s3://",
            ),
            ("S3://acme/raw", "lowercase"),
            ("s3:///raw", "bucket name is missing"),
            ("s3://", "bucket name is missing"),
            ("", "empty"),
            ("s3://my bucket/x", "contains a space"),
        ] {
            let e = check_location(bad).expect_err(bad);
            assert!(e.contains(needle), "{bad}: {e}");
            assert!(!e.contains("Give"), "reasons carry no advice: {e}");
        }
    }

    /// A parameter's value that starts an S3 location (the first element of a `Std:Join`):
    /// only its start is judged.
    #[test]
    fn starts() {
        for ok in ["s3://acme", "s3://acme/", "s3://", "https://acme.s3.amazonaws.com"] {
            assert_eq!(check_text(ok, true), Ok(()), "{ok}");
        }
        for bad in ["acme", "S3://acme", "s3:///x"] {
            assert!(check_text(bad, true).is_err(), "{bad}");
        }
    }
}
