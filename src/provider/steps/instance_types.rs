//! SageMaker's instance types per job kind, checked at plan time so `ml.m5.xxlarge` fails
//! before SageMaker sees it.
//!
//! The lists are the enums of the SageMaker API model (`ProcessingInstanceType`,
//! `TrainingInstanceType`, `TransformInstanceType`, `ProductionVariantInstanceType`), read at
//! run time from the enum types `aws-sdk-sagemaker` generates from that model, so updating the
//! SDK updates the lists. A type SageMaker added after the SDK this provider was built with
//! can still be used through a `{{ Parameters.X }}` reference, which is never checked here.
//!
//! Depends on `aws-sdk-sagemaker`'s types only (no client, no IO).

use aws_sdk_sagemaker::types::{
    ProcessingInstanceType, ProductionVariantInstanceType, TrainingInstanceType,
    TransformInstanceType,
};

use crate::compiler::expr;

/// The kind of job an instance type is for: each accepts its own list.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum JobKind {
    /// Processing jobs, including quality and clarify checks.
    Processing,
    /// Training jobs, including the training jobs of a tuning job.
    Training,
    /// Batch transform jobs.
    Transform,
    /// Real-time inference (endpoint production variants).
    Hosting,
}

impl JobKind {
    const ALL: [JobKind; 4] =
        [JobKind::Processing, JobKind::Training, JobKind::Transform, JobKind::Hosting];

    /// SageMaker's instance types for this kind of job, e.g. `ml.m5.xlarge`.
    pub fn instance_types(self) -> &'static [&'static str] {
        match self {
            JobKind::Processing => ProcessingInstanceType::values(),
            JobKind::Training => TrainingInstanceType::values(),
            JobKind::Transform => TransformInstanceType::values(),
            JobKind::Hosting => ProductionVariantInstanceType::values(),
        }
    }

    fn describe(self) -> &'static str {
        match self {
            JobKind::Processing => "processing jobs",
            JobKind::Training => "training jobs",
            JobKind::Transform => "batch transform jobs",
            JobKind::Hosting => "real-time inference",
        }
    }
}

/// Checks a literal instance type against `allowed`; the error says what is wrong and offers
/// the closest valid types. A pure function of its inputs, so tests can pass their own lists.
pub fn check(s: &str, what: &str, allowed: &[&str]) -> Result<(), String> {
    if allowed.contains(&s) {
        return Ok(());
    }
    // A type written without its `ml.` prefix (`m5.xlarge`): that is the one meant.
    let prefixed = format!("ml.{s}");
    if allowed.contains(&prefixed.as_str()) {
        return Err(format!("SageMaker instance types start with \"ml.\": write '{prefixed}'."));
    }
    let close = expr::closest_matches(s, allowed.iter().copied(), 3);
    let hint = match close.as_slice() {
        [] => String::new(),
        [one] => format!("Did you mean '{one}'? "),
        many => format!(
            "Did you mean {}? ",
            many.iter().map(|c| format!("'{c}'")).collect::<Vec<_>>().join(" or ")
        ),
    };
    let listing = family_listing(s, what, allowed).unwrap_or_else(|| {
        format!("SageMaker instance types for {what} look like \"ml.m5.xlarge\"")
    });
    Err(format!("{hint}{listing}. {UNKNOWN_TYPES}"))
}

const UNKNOWN_TYPES: &str = "To use a type this provider does not know yet, pass it through a String parameter, e.g. {{ Parameters.InstanceType }}.";

/// `s`'s family (`ml.m5` of `ml.m5.xlarge`) when it has one.
fn family(s: &str) -> Option<&str> {
    s.rsplit_once('.').map(|(f, _)| f).filter(|f| f.starts_with("ml.") && f.len() > 3)
}

/// "ml.m5 types for training jobs: ml.m5.large, ...", when `allowed` has types of `s`'s family.
fn family_listing(s: &str, what: &str, allowed: &[&str]) -> Option<String> {
    let f = family(s)?;
    let same: Vec<&str> = allowed.iter().copied().filter(|t| family(t) == Some(f)).collect();
    (!same.is_empty()).then(|| format!("{f} types for {what}: {}", same.join(", ")))
}

/// Checks a literal instance type for `kind`. A type of another job kind (`ml.inf1.xlarge`, an
/// inference type, as a training type) is said to be one, without unrelated suggestions.
pub fn check_for(kind: JobKind, s: &str) -> Result<(), String> {
    let (what, allowed) = (kind.describe(), kind.instance_types());
    check(s, what, allowed).map_err(|e| {
        let elsewhere: Vec<&str> = JobKind::ALL
            .iter()
            .filter(|k| **k != kind && k.instance_types().contains(&s))
            .map(|k| k.describe())
            .collect();
        if elsewhere.is_empty() {
            return e;
        }
        let kinds = super::common::and_list(&elsewhere);
        let listing = family_listing(s, what, allowed).unwrap_or_else(|| {
            format!(
                "There are no {} types for {what}; use one such as \"ml.m5.xlarge\"",
                family(s).unwrap_or(s)
            )
        });
        format!(
            "\"{s}\" is an instance type for {kinds}, not for {what}. {listing}. If SageMaker now offers it for {what}, pass it through a String parameter, e.g. {{{{ Parameters.InstanceType }}}}."
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_come_from_the_sdk_and_differ_per_kind() {
        for kind in [JobKind::Processing, JobKind::Training, JobKind::Transform, JobKind::Hosting] {
            let types = kind.instance_types();
            assert!(types.len() > 20, "{kind:?}");
            assert!(types.iter().all(|t| t.starts_with("ml.")), "{kind:?}");
            assert!(check_for(kind, "ml.m5.xlarge").is_ok(), "{kind:?}");
        }
        // Training has GPU types that batch transform does not, and hosting has serverless-era
        // inference types (inf2) that processing does not.
        assert!(check_for(JobKind::Training, "ml.p4d.24xlarge").is_ok());
        assert!(check_for(JobKind::Processing, "ml.inf2.xlarge").is_err());
        assert!(check_for(JobKind::Hosting, "ml.inf2.xlarge").is_ok());
    }

    /// Issue 6: misspelt instance types passed plan and failed at run time.
    #[test]
    fn misspelt_types_fail_with_did_you_mean() {
        let e = check_for(JobKind::Training, "ml.m5.xxlarge").expect_err("xxlarge");
        assert!(e.contains("'ml.m5.xlarge'") && e.contains("Did you mean"), "{e}");
        assert!(e.contains("ml.m5 types for training jobs: "), "{e}");
        let e = check_for(JobKind::Training, "m5.xlarge").expect_err("no ml.");
        assert!(
            e.starts_with("SageMaker instance types start with \"ml.\": write 'ml.m5.xlarge'."),
            "{e}"
        );
        let e = check_for(JobKind::Processing, "ml.g5.2xlarg").expect_err("2xlarg");
        assert!(e.starts_with("Did you mean 'ml.g5.2xlarge'?"), "{e}");
        let e = check_for(JobKind::Transform, "large").expect_err("garbage");
        assert!(e.contains("look like \"ml.m5.xlarge\""), "{e}");
    }

    /// A real type of another job kind is named as such, with no unrelated suggestions.
    #[test]
    fn a_type_of_another_job_kind_says_so() {
        let e = check_for(JobKind::Training, "ml.inf1.xlarge").expect_err("inference type");
        assert!(
            e.starts_with("\"ml.inf1.xlarge\" is an instance type for real-time inference, not for training jobs. There are no ml.inf1 types for training jobs; use one such as \"ml.m5.xlarge\""),
            "{e}"
        );
        assert!(!e.contains("Did you mean"), "{e}");
        let e = check_for(JobKind::Processing, "ml.inf2.xlarge").expect_err("inference type");
        assert!(
            e.contains("for batch transform jobs and real-time inference, not for processing jobs"),
            "{e}"
        );
        // A family the kind has in other sizes lists them.
        let other = JobKind::ALL
            .iter()
            .flat_map(|k| k.instance_types().iter().map(move |t| (*k, *t)))
            .find(|(k, t)| {
                *k != JobKind::Transform
                    && !JobKind::Transform.instance_types().contains(t)
                    && family_listing(t, "", JobKind::Transform.instance_types()).is_some()
            })
            .map(|(_, t)| t)
            .expect("a type of another kind in a family batch transform has");
        let e = check_for(JobKind::Transform, other).expect_err(other);
        assert!(e.contains("not for batch transform jobs"), "{e}");
        let f = family(other).expect("family");
        assert!(e.contains(&format!("{f} types for batch transform jobs: ")), "{e}");
    }

    #[test]
    fn a_pure_check_over_given_lists() {
        assert!(check("ml.a.b", "x", &["ml.a.b"]).is_ok());
        let e = check("ml.a.c", "x", &["ml.a.b", "ml.z.q"]).expect_err("c");
        assert!(e.contains("'ml.a.b'") && e.contains("ml.a types for x: ml.a.b"), "{e}");
    }
}
