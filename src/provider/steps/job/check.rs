//! What the check steps (`sagemaker_quality_check_step`, `sagemaker_clarify_check_step`)
//! share: a processing job with the SDK's `CheckJobConfig` defaults, the check-job attributes,
//! `check_type`, their S3 inputs and the baseline step-level keys.

use serde_json::{json, Map, Value as Json};

use crate::compiler::expr::Scalar;
use crate::framework::{AttrPath, Attribute, Block};
use crate::provider::model;
use crate::provider::steps::common::{put, Ctx};
use crate::tfvalue::{Type, Value};

/// Where a check job writes its results (the SDK's `/opt/ml/processing/output`).
pub const OUTPUT_DIR: &str = "/opt/ml/processing/output";

/// The attributes every check step shares: the processing job settings and the baseline
/// step-level keys. `image` describes `image_uri`.
pub fn check_job_block(b: Block, image: &str) -> Block {
    // Checked as the processing step's (fresh-eyes finding: "" compiled to `ImageUri: ""`).
    b.attr(
        Attribute::required("image_uri", Type::String, image)
            .validate(crate::provider::steps::common::image_uri_validator()),
    )
        .attr(Attribute::optional("role_arn", Type::String, &format!("{}{}", "IAM role of the check job, e.g. `aws_iam_role.sagemaker.arn`. Defaults to the pipeline's `step_defaults.role_arn`.", crate::provider::steps::common::ROLE_DEFAULT_NOTE)).validate(crate::provider::steps::common::role_arn_validator()))
        .attr(Attribute::optional("instance_type", Type::String, "Instance type of the check job (default `ml.m5.xlarge`), e.g. `ml.m5.2xlarge`, or a reference to a String parameter."))
        .attr(Attribute::optional("instance_count", Type::String, "Number of instances, 1 to 100 (default 1), e.g. `2`, or a reference to an Integer parameter."))
        .attr(Attribute::optional("volume_size_in_gb", Type::String, "Storage volume size in GB, 1 to 16384 (default 30), e.g. `60`."))
        .attr(Attribute::optional("volume_kms_key_id", Type::String, "KMS key for the storage volume, e.g. `aws_kms_key.ml.arn`. Defaults to `step_defaults.volume_kms_key_id`.").validate(crate::provider::steps::common::kms_key_validator()))
        .attr(Attribute::optional("output_kms_key_id", Type::String, "KMS key for the results, e.g. `aws_kms_key.ml.arn`. Defaults to `step_defaults.output_kms_key_id`.").validate(crate::provider::steps::common::kms_key_validator()))
        .attr(Attribute::optional("max_runtime_in_seconds", Type::String, "Maximum runtime of the check job in seconds, 1 to 777600 (9 days), e.g. `1800`."))
        .attr(Attribute::optional("model_package_group_name", Type::String, "Model package group whose latest approved model's baseline the check compares against, e.g. `churn-models`, or a reference.").validate(crate::framework::validators::string_check(
            // As the register-model step checks it (fresh-eyes finding: "" was accepted).
            |g| crate::compiler::expr::has_expression(g) || g.starts_with("arn:") || super::super::register_model::valid_group_name(g),
            "Invalid model package group name",
            "Use the group's name (1-63 letters, digits and hyphens, starting with a letter or digit, e.g. \"churn-models\") or its ARN.",
        )))
        .attr(Attribute::optional("skip_check", Type::String, "Skip the drift check and only compute (and maybe register) the baseline (default false), e.g. `true` for the first run, or a reference to a Boolean parameter."))
        .attr(Attribute::optional("fail_on_violation", Type::String, "Fail the step when the check finds a violation (default true), e.g. `false`, or a reference to a Boolean parameter."))
        .attr(Attribute::optional("register_new_baseline", Type::String, "Make this run's result the baseline registered with the model (`BaselineUsedForDriftCheck*`) (default false), e.g. `true`, or a reference to a Boolean parameter."))
        .attr(Attribute::optional("supplied_baseline_constraints", Type::String, "S3 URI of a constraints JSON file to check against instead of the registered baseline, e.g. `s3://my-bucket/baseline/constraints.json`, or a reference."))
        .block(super::network_block())
}

/// `check_type`, which must be one of `allowed`; `None` (after a diagnostic) otherwise.
pub fn check_type(ctx: &mut Ctx, cfg: &Value, allowed: &[&str]) -> Option<String> {
    match model::string(cfg, "check_type").value() {
        Some(t) if allowed.contains(&t.as_str()) => Some(t),
        Some(t) => {
            ctx.error_of(
                AttrPath::root("check_type"),
                format!("Unknown check_type {t:?}"),
                super::super::common::use_one_of(Some(&t), allowed),
            );
            None
        }
        None => {
            ctx.error_of(
                AttrPath::root("check_type"),
                "Missing check_type",
                super::super::common::use_one_of(None, allowed),
            );
            None
        }
    }
}

/// A top-level S3 location attribute ([`Ctx::s3_uri`]), reported as missing when `required`.
pub fn s3_uri(ctx: &mut Ctx, cfg: &Value, attr: &str, required: bool) -> Option<Json> {
    if required && !super::super::common::given(cfg, attr) {
        ctx.error_of(
            AttrPath::root(attr),
            format!("Missing {attr}"),
            "Give an S3 URI such as \"s3://my-bucket/prefix\", or a reference.",
        );
        return None;
    }
    ctx.s3_uri(cfg, attr, &AttrPath::default())
}

/// A processing input with the SDK's defaults (`S3Prefix`, `File`, no compression).
pub fn s3_input(name: &str, uri: Json, local: &str, distribution: Option<&str>) -> Json {
    super::processing_s3_input(
        name,
        Some(uri),
        Some(local.to_string()),
        None,
        None,
        distribution.map(|d| json!(d)),
    )
}

/// The processing request of a check job (`Environment` aside): resources with the SDK's
/// `CheckJobConfig` defaults, image, role, the given inputs, one output from
/// `/opt/ml/processing/output`, stopping condition and network.
pub fn check_job_arguments(
    cfg: &Value,
    ctx: &mut Ctx,
    inputs: Vec<Json>,
    output_name: &str,
    output_uri: Option<Json>,
) -> Map<String, Json> {
    let root = AttrPath::default();
    let mut args = Map::new();
    args.insert(
        "ProcessingResources".into(),
        super::processing_resources(ctx, cfg, Some("ml.m5.xlarge")),
    );

    let mut app = Map::new();
    match ctx.string(cfg, "image_uri", &root) {
        Some(i) => {
            app.insert("ImageUri".into(), i);
        }
        // An invalid reference is reported as such, not as a missing image.
        None if super::super::common::given(cfg, "image_uri") => {}
        None => ctx.error_of(
            AttrPath::root("image_uri"),
            "Missing image_uri",
            "Give the image URI of the check container for your region.",
        ),
    }
    args.insert("AppSpecification".into(), Json::Object(app));
    put(&mut args, "RoleArn", ctx.string(cfg, "role_arn", &root));
    args.insert("ProcessingInputs".into(), Json::Array(inputs));

    let output = super::processing_s3_output(
        output_name,
        output_uri,
        Some(json!(OUTPUT_DIR)),
        json!("EndOfJob"),
    );
    args.insert(
        "ProcessingOutputConfig".into(),
        super::processing_output_config(ctx, cfg, vec![output]),
    );
    put(&mut args, "StoppingCondition", super::processing_stopping_condition(ctx, cfg));
    put(&mut args, "NetworkConfig", super::network_config(cfg, ctx));
    args
}

/// The step-level keys both check types always emit: `ModelPackageGroupName`, `SkipCheck`,
/// `FailOnViolation`, `RegisterNewBaseline`, `SuppliedBaselineConstraints`.
pub fn baseline_keys(cfg: &Value, ctx: &mut Ctx, step: &mut Map<String, Json>) {
    let root = AttrPath::default();
    step.insert(
        "ModelPackageGroupName".into(),
        ctx.string(cfg, "model_package_group_name", &root).unwrap_or(Json::Null),
    );
    step.insert(
        "SkipCheck".into(),
        ctx.typed(cfg, "skip_check", &root, Scalar::Boolean).unwrap_or(json!(false)),
    );
    step.insert(
        "FailOnViolation".into(),
        ctx.typed(cfg, "fail_on_violation", &root, Scalar::Boolean).unwrap_or(json!(true)),
    );
    step.insert(
        "RegisterNewBaseline".into(),
        ctx.typed(cfg, "register_new_baseline", &root, Scalar::Boolean).unwrap_or(json!(false)),
    );
    step.insert(
        "SuppliedBaselineConstraints".into(),
        s3_uri(ctx, cfg, "supplied_baseline_constraints", false).unwrap_or(Json::Null),
    );
}
