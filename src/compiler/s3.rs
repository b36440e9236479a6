//! What an S3 location is, the one judge for every S3 field: a step attribute
//! (`provider::steps::common::Ctx::s3_uri`) and a parameter value that fills an S3 field
//! (`dag::check_types`) are held to the same rule.
//!
//! The rule: `s3://bucket[/key]` (or `https://`, which SageMaker's S3 URI pattern also
//! accepts), a `{{ }}` reference, or text that starts with the scheme followed by references.
//! Text before a reference must itself start with the scheme:
//! `acme-ml/{{ Execution.PipelineExecutionId }}/model` is an error.
//!
//! Pure. [`judge`] says what is wrong ([`Problem`]); the wording and the fix fit where the value
//! came from: [`check_segments`] for an attribute, `dag::S3Use` for a parameter's value.

use super::expr;

/// The advice for a value written in an S3 attribute.
pub const ATTRIBUTE_FIX: &str = "Give an S3 URI such as \"s3://my-bucket/prefix\", a reference such as \"{{ Parameters.InputData }}\", or both, e.g. \"s3://my-bucket/{{ Execution.PipelineExecutionId }}/out\".";

/// What keeps a text from being (the start of) an S3 location.
#[derive(Clone, Debug, PartialEq)]
pub enum Problem {
    Empty,
    /// No `s3://` (or `https://`) at the start.
    NoScheme,
    /// `S3://`: SageMaker takes the scheme in lowercase only.
    SchemeCase,
    NoBucket,
    /// The bucket name, which has a space in it.
    SpaceInBucket(String),
}

impl Problem {
    /// The problem of `text` as a clause: "\"acme/raw\" does not start with s3://".
    pub fn of(&self, text: &str) -> String {
        let shown = expr::shown(text);
        match self {
            Problem::Empty => "the value is empty".into(),
            Problem::NoScheme => format!("{shown} does not start with s3://"),
            Problem::SchemeCase => format!("{shown} has its scheme in capitals: write s3://"),
            Problem::NoBucket => format!("{shown} has no bucket name after the scheme"),
            Problem::SpaceInBucket(b) => {
                format!("{shown} has a bucket name with a space, {}", expr::shown(b))
            }
        }
    }
}

/// Whether a value written in an attribute, split into text and references, can be an S3
/// location; `Err` is the reason (no advice).
pub fn check_segments(segments: &[expr::Segment]) -> Result<(), String> {
    let (text, followed) = match segments.first() {
        None => return Err("The value is empty.".into()),
        Some(expr::Segment::Ref(_)) => return Ok(()),
        Some(expr::Segment::Text(t)) => (t.as_str(), segments.len() > 1),
    };
    judge(text, followed).map_err(|p| match p {
        Problem::NoScheme if followed => format!(
            "Not an S3 location: the text before the reference, {}, must start with s3://.",
            expr::shown(text)
        ),
        p => format!("Not an S3 location: {}.", p.of(text)),
    })
}

/// Whether literal `text` can start an S3 location; `followed` says whether a reference comes
/// after it (then `s3://` alone is a complete start: the reference names the bucket).
pub fn judge(text: &str, followed: bool) -> Result<(), Problem> {
    if text.is_empty() && !followed {
        return Err(Problem::Empty);
    }
    let Some(rest) = text.strip_prefix("s3://").or_else(|| text.strip_prefix("https://")) else {
        let lower = text.to_ascii_lowercase();
        return Err(if lower.starts_with("s3://") || lower.starts_with("https://") {
            Problem::SchemeCase
        } else {
            Problem::NoScheme
        });
    };
    let bucket = rest.split('/').next().unwrap_or("");
    if bucket.is_empty() && !(followed && rest.is_empty()) {
        return Err(Problem::NoBucket);
    }
    if bucket.chars().any(char::is_whitespace) {
        return Err(Problem::SpaceInBucket(bucket.to_string()));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// [`check_segments`] of a `{{ }}` template, as `Ctx::s3_uri` calls it.
    fn check_location(s: &str) -> Result<(), String> {
        check_segments(&expr::parse_template(s).expect("a valid template"))
    }

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
            ("S3://acme/raw", "in capitals: write s3://"),
            ("s3:///raw", "no bucket name"),
            ("s3://", "no bucket name"),
            ("https:///raw", "no bucket name after the scheme"),
            ("", "empty"),
            ("s3://my bucket/x", "a space, \"my bucket\""),
        ] {
            let e = check_location(bad).expect_err(bad);
            assert!(e.contains(needle), "{bad}: {e}");
            assert!(!e.contains("Give"), "reasons carry no advice: {e}");
        }
    }

    /// The start of an S3 location that a reference continues: `s3://` alone is a start.
    #[test]
    fn starts() {
        for ok in ["s3://acme", "s3://acme/", "s3://", "https://acme.s3.amazonaws.com"] {
            assert_eq!(judge(ok, true), Ok(()), "{ok}");
        }
        assert_eq!(judge("acme", true), Err(Problem::NoScheme));
        assert_eq!(judge("", true), Err(Problem::NoScheme));
        assert_eq!(judge("S3://acme", true), Err(Problem::SchemeCase));
        assert_eq!(judge("s3:///x", true), Err(Problem::NoBucket));
        assert_eq!(judge("s3://", false), Err(Problem::NoBucket));
    }
}
