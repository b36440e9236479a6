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
    let close = expr::closest_matches(s, allowed.iter().copied(), 3);
    let hint = match close.as_slice() {
        [] => String::new(),
        [one] => format!("Did you mean '{one}'? "),
        many => format!(
            "Did you mean {}? ",
            many.iter().map(|c| format!("'{c}'")).collect::<Vec<_>>().join(" or ")
        ),
    };
    let family = s.rsplit_once('.').map(|(f, _)| f).filter(|f| f.starts_with("ml.") && f.len() > 3);
    let same_family: Vec<&str> = family
        .map(|f| {
            allowed
                .iter()
                .copied()
                .filter(|t| t.rsplit_once('.').is_some_and(|(g, _)| g == f))
                .collect()
        })
        .unwrap_or_default();
    let listing = if same_family.is_empty() {
        format!("SageMaker instance types for {what} look like \"ml.m5.xlarge\"")
    } else {
        format!("{} types for {what}: {}", family.unwrap_or_default(), same_family.join(", "))
    };
    Err(format!(
        "{hint}{listing}. To use a type this provider does not know yet, pass it through a String parameter, e.g. {{{{ Parameters.InstanceType }}}}."
    ))
}

/// Checks a literal instance type for `kind`.
pub fn check_for(kind: JobKind, s: &str) -> Result<(), String> {
    check(s, kind.describe(), kind.instance_types())
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
        let e = check_for(JobKind::Processing, "ml.g5.2xlarg").expect_err("2xlarg");
        assert!(e.starts_with("Did you mean 'ml.g5.2xlarge'?"), "{e}");
        let e = check_for(JobKind::Transform, "large").expect_err("garbage");
        assert!(e.contains("look like \"ml.m5.xlarge\""), "{e}");
    }

    #[test]
    fn a_pure_check_over_given_lists() {
        assert!(check("ml.a.b", "x", &["ml.a.b"]).is_ok());
        let e = check("ml.a.c", "x", &["ml.a.b", "ml.z.q"]).expect_err("c");
        assert!(e.contains("'ml.a.b'") && e.contains("ml.a types for x: ml.a.b"), "{e}");
    }
}
