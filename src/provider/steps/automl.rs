//! `sagemaker_automl_step`: an Autopilot job (`Type: AutoML`, the CreateAutoMLJob request as
//! `Arguments`) that trains and tunes candidate models on tabular data and picks the best one.
//!
//! The shape is what the SDK's `AutoMLStep` (SDK 2.x since 2.118, `automl.fit()` in a
//! `PipelineSession`) emits: `InputDataConfig[{DataSource{S3DataSource{S3DataType, S3Uri}},
//! TargetAttributeName, CompressionType?, ChannelType?, ContentType?,
//! SampleWeightAttributeName?}]`, `OutputDataConfig{S3OutputPath, KmsKeyId?}`,
//! `AutoMLJobConfig{CompletionCriteria{...} (always, `{}` when empty), SecurityConfig{
//! EnableInterContainerTrafficEncryption (always, default false), VolumeKmsKeyId?, VpcConfig?},
//! CandidateGenerationConfig{FeatureSpecificationS3Uri}?, DataSplitConfig{ValidationFraction}?,
//! Mode: ENSEMBLING}`, `RoleArn`, `AutoMLJobObjective{MetricName}?`, `ProblemType?`, `Tags?`.
//! The job name is left out, as the SDK does. `Mode` is always `ENSEMBLING`: the SDK refuses any
//! other mode in a pipeline (`AutoMLStepInvalidModeError`). `GenerateCandidateDefinitionsOnly`
//! and `ModelDeployConfig` are never emitted: the SDK removes them from the step's arguments
//! (the best model is deployed by later steps, through the exports below).
//!
//! Exports: the best candidate's first inference container (image, model data, the six
//! environment variables the SDK's `AutoMLStep.get_best_auto_ml_model` passes on), ready for a
//! `sagemaker_model_step` or `sagemaker_register_model_step`.
//!
//! Layout: schema, facts for the pipeline compiler, compile, exports, property tree, tests.

use serde_json::{json, Map, Value as Json};

use super::common::{every, given, put, string_list, string_map, Ctx};
use super::job::one_of;
use super::job::tags;
use super::{Export, StepKind};
use crate::compiler::expr::{self, Scalar};
use crate::compiler::policy::{self, Permission};
use crate::compiler::step_type::StepDefault;
use crate::compiler::step_type::{self, NamedList};
use crate::compiler::{dag::StepDefaults, properties::PropertyTree, StepTypeFacts};
use crate::framework::{AttrPath, Attribute, Block, NestedBlock};
use crate::provider::model;
use crate::tfvalue::{Type, Value};

pub struct AutoMl;

const PROBLEM_TYPES: [&str; 3] = ["BinaryClassification", "MulticlassClassification", "Regression"];
/// `AutoMLJobObjective.MetricName` (AutoMLMetricEnum) for tabular jobs, per problem type, as
/// the API reference lists them.
const METRICS_BY_PROBLEM: [(&str, &[&str]); 3] = [
    ("BinaryClassification", &["Accuracy", "AUC", "BalancedAccuracy", "F1", "Precision", "Recall"]),
    (
        "MulticlassClassification",
        &["Accuracy", "BalancedAccuracy", "F1macro", "PrecisionMacro", "RecallMacro"],
    ),
    ("Regression", &["MAE", "MSE", "R2", "RMSE"]),
];
/// Every tabular metric, in the order of [`METRICS_BY_PROBLEM`].
const METRICS: [&str; 13] = [
    "Accuracy",
    "AUC",
    "BalancedAccuracy",
    "F1",
    "Precision",
    "Recall",
    "F1macro",
    "PrecisionMacro",
    "RecallMacro",
    "MAE",
    "MSE",
    "R2",
    "RMSE",
];
const CHANNEL_TYPES: [&str; 2] = ["training", "validation"];
use crate::compiler::dag::COMPRESSION_TYPES;
const DATA_TYPES: [&str; 3] = ["S3Prefix", "ManifestFile", "AugmentedManifestFile"];
const CONTENT_TYPES: [&str; 2] = ["text/csv;header=present", "x-application/vnd.amazon+parquet"];

/// The environment variables of the best candidate's container that the SDK's
/// `get_best_auto_ml_model` passes to the model it builds.
pub const BEST_MODEL_ENVIRONMENT: [&str; 6] = [
    "MODEL_NAME",
    "SAGEMAKER_DEFAULT_INVOCATIONS_ACCEPT",
    "SAGEMAKER_SUBMIT_DIRECTORY",
    "SAGEMAKER_INFERENCE_SUPPORTED",
    "SAGEMAKER_INFERENCE_OUTPUT",
    "SAGEMAKER_PROGRAM",
];

// ---- schema -------------------------------------------------------------------------------

fn input_block() -> Block {
    Block::new("A data channel (`InputDataConfig`): one `training` channel, optionally with one `validation` channel. At least one, at most two.")
        .attr(Attribute::required("s3_uri", Type::String, "S3 URI of the data or a reference, e.g. `s3://my-bucket/automl/train.csv` or `{{ Parameters.TrainData }}`."))
        .attr(Attribute::optional("channel_type", Type::String, "`training` or `validation` (`ChannelType`). With two inputs, one of each."))
        .attr(Attribute::optional("content_type", Type::String, "`text/csv;header=present` or `x-application/vnd.amazon+parquet` (`ContentType`); SageMaker assumes CSV when unset."))
        .attr(Attribute::optional("compression_type", Type::String, "`None` or `Gzip`."))
        .attr(Attribute::optional("s3_data_type", Type::String, "`S3Prefix` (default), `ManifestFile` or `AugmentedManifestFile`."))
}

fn vpc_block() -> Block {
    Block::new("The VPC the job's training and processing containers attach to (`AutoMLJobConfig.SecurityConfig.VpcConfig`). Defaults to `step_defaults.network.vpc_config`.")
        .attr(Attribute::required("subnets", string_list(), "Subnet IDs, e.g. `aws_subnet.private[*].id`."))
        .attr(Attribute::required("security_group_ids", string_list(), "Security group IDs."))
}

impl StepTypeFacts for AutoMl {
    fn step_type(&self) -> &'static str {
        "AutoML"
    }
    fn property_tree(&self) -> PropertyTree {
        PropertyTree::Modelled(&properties::TREE)
    }
    /// CreateAutoMLJob takes a role, both KMS keys, a VPC (in `AutoMLJobConfig.SecurityConfig`)
    /// and tags; no network isolation.
    fn step_defaults_taken(&self) -> &'static [StepDefault] {
        &[
            StepDefault::Role,
            StepDefault::Network,
            StepDefault::VolumeKmsKey,
            StepDefault::OutputKmsKey,
            StepDefault::Tags,
        ]
    }
    fn apply_step_defaults(&self, args: &mut Map<String, Json>, d: &StepDefaults) {
        step_type::set_default(args, "RoleArn", &d.role_arn);
        step_type::set_default(
            step_type::child(args, "OutputDataConfig"),
            "KmsKeyId",
            &d.output_kms_key_id,
        );
        let job = step_type::child(args, "AutoMLJobConfig");
        let security = step_type::child(job, "SecurityConfig");
        step_type::set_default(security, "VolumeKmsKeyId", &d.volume_kms_key_id);
        if let Some(v) = step_type::vpc(d) {
            security.entry("VpcConfig").or_insert(v);
        }
        step_type::merge_tags(args, d);
    }
    fn string_maps(&self) -> &'static [&'static str] {
        &[]
    }
    fn arguments_are_user_named(&self) -> bool {
        false
    }
    fn role_path(&self) -> Option<&'static [&'static str]> {
        Some(&["RoleArn"])
    }
    /// No list of this type's properties is selected by a name the step declares.
    fn named_lists(&self) -> &'static [NamedList] {
        &[]
    }
    fn property_files(&self) -> bool {
        false
    }
    fn instance_types(&self) -> &'static [&'static str] {
        &[]
    }
    fn cache_key(&self) -> Option<&'static [&'static [&'static str]]> {
        Some(step_type::cache_keys::AUTOML)
    }
    fn permissions(&self) -> &'static [Permission] {
        &[
            Permission::SageMakerJob(&policy::AUTOML_JOB),
            Permission::SageMakerJob(&policy::TRAINING_JOB),
            Permission::SageMakerJob(&policy::PROCESSING_JOB),
            Permission::SageMakerJob(&policy::TRANSFORM_JOB),
        ]
    }
}

impl StepKind for AutoMl {
    fn type_name(&self) -> &'static str {
        "sagemaker_automl_step"
    }
    fn description(&self) -> &'static str {
        "An AutoML step: an Autopilot job (ensembling mode) that trains candidate models on tabular data and exports the best one's container for a model or register-model step. Compiled at plan time; no API call."
    }
    fn cacheable(&self) -> bool {
        true
    }
    fn retryable(&self) -> bool {
        true
    }

    fn block(&self, b: Block) -> Block {
        b.attr(Attribute::optional("role_arn", Type::String, &format!("{}{}", "IAM role of the job (`RoleArn`). Defaults to the pipeline's `step_defaults.role_arn`.", super::common::ROLE_DEFAULT_NOTE)).validate(crate::provider::steps::common::role_arn_validator()))
            .attr(Attribute::required("target_attribute_name", Type::String, "Name of the column to predict (`TargetAttributeName` of every input), e.g. `churn`."))
            .attr(Attribute::optional("sample_weight_attribute_name", Type::String, "Name of the column holding per-row sample weights (`SampleWeightAttributeName` of every input)."))
            .attr(Attribute::required("output_path", Type::String, "S3 prefix for the job's artifacts (`OutputDataConfig.S3OutputPath`), e.g. `s3://my-bucket/automl`."))
            .attr(Attribute::optional("output_kms_key_id", Type::String, "KMS key for the artifacts (`OutputDataConfig.KmsKeyId`). Defaults to `step_defaults.output_kms_key_id`.").validate(crate::provider::steps::common::kms_key_validator()))
            .attr(Attribute::optional("volume_kms_key_id", Type::String, "KMS key for the job's storage volumes (`SecurityConfig.VolumeKmsKeyId`). Defaults to `step_defaults.volume_kms_key_id`.").validate(crate::provider::steps::common::kms_key_validator()))
            .attr(Attribute::optional("enable_inter_container_traffic_encryption", Type::Bool, "Encrypt traffic between the job's containers (`SecurityConfig.EnableInterContainerTrafficEncryption`, default `false`)."))
            .attr(Attribute::optional("problem_type", Type::String, "`BinaryClassification`, `MulticlassClassification` or `Regression` (`ProblemType`); inferred when unset. Set together with `objective_metric`, or neither."))
            .attr(Attribute::optional("objective_metric", Type::String, "Metric the job optimises (`AutoMLJobObjective.MetricName`): for `BinaryClassification` `Accuracy`, `AUC`, `BalancedAccuracy`, `F1`, `Precision` or `Recall`; for `MulticlassClassification` `Accuracy`, `BalancedAccuracy`, `F1macro`, `PrecisionMacro` or `RecallMacro`; for `Regression` `MAE`, `MSE`, `R2` or `RMSE`. Set together with `problem_type`, or neither."))
            .attr(Attribute::optional("max_candidates", Type::String, "Maximum number of candidates (`CompletionCriteria.MaxCandidates`), or a reference to an Integer parameter."))
            .attr(Attribute::optional("max_runtime_per_training_job_in_seconds", Type::String, "Time limit of each training job (`CompletionCriteria.MaxRuntimePerTrainingJobInSeconds`)."))
            .attr(Attribute::optional("max_automl_job_runtime_in_seconds", Type::String, "Time limit of the whole job (`CompletionCriteria.MaxAutoMLJobRuntimeInSeconds`)."))
            .attr(Attribute::optional("feature_specification_s3_uri", Type::String, "S3 URI of a JSON file naming the features to use (`CandidateGenerationConfig.FeatureSpecificationS3Uri`)."))
            .attr(Attribute::optional("validation_fraction", Type::String, "Fraction of the training data held out for validation, between 0 and 1 (`DataSplitConfig.ValidationFraction`), e.g. `0.2`; not with a `validation` input."))
            .attr(Attribute::optional("tags", string_map(), "Tags of the AutoML job, merged over `step_defaults.tags`.").validate(crate::provider::steps::common::tags_validator("job")))
            .block(NestedBlock::list("input", input_block()))
            .block(NestedBlock::single("vpc_config", vpc_block()))
    }

    fn compile(&self, cfg: &Value, ctx: &mut Ctx, step: &mut Map<String, Json>) {
        let root = AttrPath::default();
        let mut args = Map::new();

        let target = ctx.string(cfg, "target_attribute_name", &root);
        let weight = ctx.string(cfg, "sample_weight_attribute_name", &root);
        // Column names of 1-256 characters (helper finding: "" went into every channel).
        for (attr, what) in [
            ("target_attribute_name", "the column to predict"),
            ("sample_weight_attribute_name", "the column of sample weights"),
        ] {
            if let Some(n) = model::string(cfg, attr).value() {
                if n.is_empty() || n.chars().count() > 256 {
                    ctx.local_error(
                        AttrPath::root(attr),
                        if n.is_empty() {
                            format!("Empty {attr}")
                        } else {
                            format!("{attr} is too long")
                        },
                        format!(
                            "Give the name of {what} in the input data, 1-256 characters{}.",
                            if attr == "target_attribute_name" {
                                ", e.g. \"churn\""
                            } else {
                                "; leave it out for equal weights"
                            }
                        ),
                    );
                }
            }
        }
        let inputs = model::blocks(cfg, "input");
        if inputs.is_empty() || inputs.len() > 2 {
            ctx.error_of(
                AttrPath::root("input"),
                format!("An AutoML step needs one or two input blocks, not {}", inputs.len()),
                "Add input { s3_uri = \"s3://my-bucket/train.csv\" } for the training data, and optionally a second one with channel_type = \"validation\".",
            );
        }
        let mut channels = Vec::new();
        let mut channel_types = Vec::new();
        for (i, input) in inputs.iter().enumerate() {
            let path = AttrPath::root("input").index(i);
            let mut s3 = Map::new();
            s3.insert(
                "S3DataType".into(),
                one_of(ctx, input, "s3_data_type", &path, &DATA_TYPES)
                    .unwrap_or_else(|| json!("S3Prefix")),
            );
            put(&mut s3, "S3Uri", ctx.s3_uri(input, "s3_uri", &path));
            let mut c = Map::new();
            c.insert("DataSource".into(), json!({ "S3DataSource": s3 }));
            put(&mut c, "TargetAttributeName", target.clone());
            put(
                &mut c,
                "CompressionType",
                one_of(ctx, input, "compression_type", &path, &COMPRESSION_TYPES),
            );
            let channel_type = one_of(ctx, input, "channel_type", &path, &CHANNEL_TYPES);
            channel_types.push(model::string(input, "channel_type").value());
            put(&mut c, "ChannelType", channel_type);
            put(&mut c, "ContentType", one_of(ctx, input, "content_type", &path, &CONTENT_TYPES));
            put(&mut c, "SampleWeightAttributeName", weight.clone());
            channels.push(Json::Object(c));
        }
        if let [a, b] = channel_types.as_slice() {
            // CreateAutoMLJob: two channels are one training and one validation channel.
            let pair = (a.as_deref(), b.as_deref());
            if !matches!(
                pair,
                (Some("training"), Some("validation")) | (Some("validation"), Some("training"))
            ) && [a, b].iter().all(|t| t.as_deref().is_none_or(|t| !expr::has_expression(t)))
            {
                ctx.error_from(&[every(AttrPath::root("input"), "channel_type")],
                    AttrPath::root("input"),
                    "Two AutoML inputs need channel types training and validation",
                    "Set channel_type = \"training\" on one input and channel_type = \"validation\" on the other.",
                );
            }
            if given(cfg, "validation_fraction") {
                ctx.error_from(&[AttrPath::root("validation_fraction"), every(AttrPath::root("input"), "channel_type")],
                    AttrPath::root("validation_fraction"),
                    "validation_fraction with a validation input",
                    "The job either splits the training data (validation_fraction) or reads a validation channel, not both: remove one.",
                );
            }
        }
        args.insert("InputDataConfig".into(), Json::Array(channels));

        let mut output = Map::new();
        put(&mut output, "S3OutputPath", ctx.s3_uri(cfg, "output_path", &root));
        put(&mut output, "KmsKeyId", ctx.string(cfg, "output_kms_key_id", &root));
        args.insert("OutputDataConfig".into(), Json::Object(output));

        let mut job = Map::new();
        let mut criteria = Map::new();
        put(&mut criteria, "MaxCandidates", ctx.count(cfg, "max_candidates", &root, 1, None));
        put(
            &mut criteria,
            "MaxRuntimePerTrainingJobInSeconds",
            ctx.count(cfg, "max_runtime_per_training_job_in_seconds", &root, 1, None),
        );
        put(
            &mut criteria,
            "MaxAutoMLJobRuntimeInSeconds",
            ctx.count(cfg, "max_automl_job_runtime_in_seconds", &root, 1, None),
        );
        job.insert("CompletionCriteria".into(), Json::Object(criteria));
        let mut security = Map::new();
        security.insert(
            "EnableInterContainerTrafficEncryption".into(),
            Json::Bool(ctx.bool(cfg, "enable_inter_container_traffic_encryption").unwrap_or(false)),
        );
        put(&mut security, "VolumeKmsKeyId", ctx.string(cfg, "volume_kms_key_id", &root));
        if let Some(v) = cfg.get("vpc_config").filter(|v| !v.is_null()) {
            let path = AttrPath::root("vpc_config");
            let subnets = ctx.string_list(v, "subnets", &path).unwrap_or_default();
            let sgs = ctx.string_list(v, "security_group_ids", &path).unwrap_or_default();
            super::job::incomplete_vpc(&subnets, &sgs, &path, ctx);
            for (at, summary, detail) in
                super::job::vpc_id_problems(v, &AttrPath::root("vpc_config"))
            {
                ctx.local_error(at, summary, detail);
            }
            security
                .insert("VpcConfig".into(), json!({"Subnets": subnets, "SecurityGroupIds": sgs}));
        }
        job.insert("SecurityConfig".into(), Json::Object(security));
        if let Some(uri) = ctx.s3_uri(cfg, "feature_specification_s3_uri", &root) {
            job.insert(
                "CandidateGenerationConfig".into(),
                json!({ "FeatureSpecificationS3Uri": uri }),
            );
        }
        if let Some(f) = ctx.typed(cfg, "validation_fraction", &root, Scalar::Float) {
            if f.as_f64().is_some_and(|f| !(0.0..=1.0).contains(&f)) {
                ctx.local_error(
                    AttrPath::root("validation_fraction"),
                    "validation_fraction must be between 0 and 1",
                    "Give the fraction of the training data to hold out, e.g. \"0.2\".",
                );
            }
            job.insert("DataSplitConfig".into(), json!({ "ValidationFraction": f }));
        }
        job.insert("Mode".into(), json!("ENSEMBLING"));
        args.insert("AutoMLJobConfig".into(), Json::Object(job));

        put(&mut args, "RoleArn", ctx.string(cfg, "role_arn", &root));
        let metric = one_of(ctx, cfg, "objective_metric", &root, &METRICS);
        let problem = one_of(ctx, cfg, "problem_type", &root, &PROBLEM_TYPES);
        if given(cfg, "objective_metric") != given(cfg, "problem_type") {
            let missing =
                if given(cfg, "objective_metric") { "problem_type" } else { "objective_metric" };
            ctx.error_from(&[AttrPath::root("problem_type"), AttrPath::root("objective_metric")],
                AttrPath::root(missing),
                format!("Missing {missing}"),
                "CreateAutoMLJob takes ProblemType and AutoMLJobObjective together or not at all: set both problem_type and objective_metric, or neither (then the job infers them).",
            );
        }
        // Literals only: a reference is decided at run time.
        if let (Some(Json::String(p)), Some(Json::String(m))) = (&problem, &metric) {
            let fits = METRICS_BY_PROBLEM.iter().find(|(q, _)| q == p).map(|(_, ms)| *ms);
            if let Some(fits) = fits.filter(|fits| !fits.contains(&m.as_str())) {
                ctx.error_from(&[AttrPath::root("problem_type"), AttrPath::root("objective_metric")],
                    AttrPath::root("objective_metric"),
                    format!("{m} is not a metric of {p} jobs"),
                    format!(
                        "AutoML jobs of problem type {p} optimise {}: use one of them, or change problem_type.",
                        fits.join(", ")
                    ),
                );
            }
        }
        if let Some(m) = metric {
            args.insert("AutoMLJobObjective".into(), json!({ "MetricName": m }));
        }
        put(&mut args, "ProblemType", problem);
        put(&mut args, "Tags", tags(cfg));
        step.insert("Arguments".into(), Json::Object(args));
    }

    fn exports(&self) -> Vec<Export> {
        vec![
            Export {
                name: "best_model_image",
                ty: Type::String,
                description: "`{{ Steps.<name>.BestCandidate.InferenceContainers[0].Image }}`: the image of the best candidate's inference container, e.g. for `sagemaker_model_step.image_uri`.",
                value: |name, _| Value::string(format!("{{{{ Steps.{name}.BestCandidate.InferenceContainers[0].Image }}}}")),
            },
            Export {
                name: "best_model_data_url",
                ty: Type::String,
                description: "`{{ Steps.<name>.BestCandidate.InferenceContainers[0].ModelDataUrl }}`: the best candidate's model artifacts, e.g. for `sagemaker_model_step.model_data_url`.",
                value: |name, _| Value::string(format!("{{{{ Steps.{name}.BestCandidate.InferenceContainers[0].ModelDataUrl }}}}")),
            },
            Export {
                name: "best_model_environment",
                ty: string_map(),
                description: "The environment of the best candidate's inference container that the SDK's `get_best_auto_ml_model` passes on (`MODEL_NAME`, `SAGEMAKER_DEFAULT_INVOCATIONS_ACCEPT`, `SAGEMAKER_SUBMIT_DIRECTORY`, `SAGEMAKER_INFERENCE_SUPPORTED`, `SAGEMAKER_INFERENCE_OUTPUT`, `SAGEMAKER_PROGRAM`), each `{{ Steps.<name>.BestCandidate.InferenceContainers[0].Environment['<key>'] }}`; e.g. for `sagemaker_model_step.environment`.",
                value: |name, _| {
                    Value::map(BEST_MODEL_ENVIRONMENT.iter().map(|k| {
                        (
                            k.to_string(),
                            Value::string(format!("{{{{ Steps.{name}.BestCandidate.InferenceContainers[0].Environment['{k}'] }}}}")),
                        )
                    }))
                },
            },
            Export {
                name: "best_candidate_name",
                ty: Type::String,
                description: "`{{ Steps.<name>.BestCandidate.CandidateName }}`: the name of the best candidate.",
                value: |name, _| Value::string(format!("{{{{ Steps.{name}.BestCandidate.CandidateName }}}}")),
            },
        ]
    }
}

/// What `{{ Steps.<name>.<path> }}` may reference on this step type.
pub mod properties {
    use crate::compiler::properties::shapes::*;

    const AUTOML_COMPLETION_CRITERIA: Shape = Struct(&[
        ("MaxCandidates", Leaf),
        ("MaxRuntimePerTrainingJobInSeconds", Leaf),
        ("MaxAutoMLJobRuntimeInSeconds", Leaf),
    ]);

    const AUTOML_OBJECTIVE: Shape = Struct(&[("MetricName", Leaf)]);

    /// DescribeAutoMLJob, plus the SDK's synthetic BestCandidateProperties.
    pub static TREE: StepProperties = StepProperties {
        source: "the DescribeAutoMLJob response",
        root: Struct(&[
            ("AutoMLJobName", Leaf),
            ("AutoMLJobArn", Leaf),
            (
                "InputDataConfig",
                List(&Struct(&[
                    (
                        "DataSource",
                        Struct(&[(
                            "S3DataSource",
                            Struct(&[("S3DataType", Leaf), ("S3Uri", Leaf)]),
                        )]),
                    ),
                    ("CompressionType", Leaf),
                    ("TargetAttributeName", Leaf),
                    ("ContentType", Leaf),
                    ("ChannelType", Leaf),
                    ("SampleWeightAttributeName", Leaf),
                ])),
            ),
            ("OutputDataConfig", Struct(&[("KmsKeyId", Leaf), ("S3OutputPath", Leaf)])),
            ("RoleArn", Leaf),
            ("AutoMLJobObjective", AUTOML_OBJECTIVE),
            ("ProblemType", Leaf),
            (
                "AutoMLJobConfig",
                Struct(&[
                    ("CompletionCriteria", AUTOML_COMPLETION_CRITERIA),
                    (
                        "SecurityConfig",
                        Struct(&[
                            ("VolumeKmsKeyId", Leaf),
                            ("EnableInterContainerTrafficEncryption", Leaf),
                            ("VpcConfig", VPC_CONFIG),
                        ]),
                    ),
                    (
                        "CandidateGenerationConfig",
                        Struct(&[
                            ("FeatureSpecificationS3Uri", Leaf),
                            ("AlgorithmsConfig", List(&Struct(&[("AutoMLAlgorithms", STRINGS)]))),
                        ]),
                    ),
                    ("DataSplitConfig", Struct(&[("ValidationFraction", Leaf)])),
                    ("Mode", Leaf),
                ]),
            ),
            ("CreationTime", Leaf),
            ("EndTime", Leaf),
            ("LastModifiedTime", Leaf),
            ("FailureReason", Leaf),
            ("PartialFailureReasons", List(&Struct(&[("PartialFailureMessage", Leaf)]))),
            (
                "BestCandidate",
                Struct(&[
                    ("CandidateName", Leaf),
                    (
                        "FinalAutoMLJobObjectiveMetric",
                        Struct(&[
                            ("Type", Leaf),
                            ("MetricName", Leaf),
                            ("Value", Leaf),
                            ("StandardMetricName", Leaf),
                        ]),
                    ),
                    ("ObjectiveStatus", Leaf),
                    (
                        "CandidateSteps",
                        List(&Struct(&[
                            ("CandidateStepType", Leaf),
                            ("CandidateStepArn", Leaf),
                            ("CandidateStepName", Leaf),
                        ])),
                    ),
                    ("CandidateStatus", Leaf),
                    (
                        "InferenceContainers",
                        List(&Struct(&[
                            ("Image", Leaf),
                            ("ModelDataUrl", Leaf),
                            ("Environment", Map),
                        ])),
                    ),
                    ("CreationTime", Leaf),
                    ("EndTime", Leaf),
                    ("LastModifiedTime", Leaf),
                    ("FailureReason", Leaf),
                    (
                        "CandidateProperties",
                        Struct(&[
                            (
                                "CandidateArtifactLocations",
                                Struct(&[
                                    ("Explainability", Leaf),
                                    ("ModelInsights", Leaf),
                                    ("BacktestResults", Leaf),
                                ]),
                            ),
                            (
                                "CandidateMetrics",
                                List(&Struct(&[
                                    ("MetricName", Leaf),
                                    ("StandardMetricName", Leaf),
                                    ("Value", Leaf),
                                    ("Set", Leaf),
                                ])),
                            ),
                        ]),
                    ),
                    // A map of lists of containers per processing unit (`CPU`, `GPU`).
                    ("InferenceContainerDefinitions", Any),
                ]),
            ),
            ("AutoMLJobStatus", Leaf),
            ("AutoMLJobSecondaryStatus", Leaf),
            ("GenerateCandidateDefinitionsOnly", Leaf),
            (
                "AutoMLJobArtifacts",
                Struct(&[
                    ("CandidateDefinitionNotebookLocation", Leaf),
                    ("DataExplorationNotebookLocation", Leaf),
                ]),
            ),
            (
                "ResolvedAttributes",
                Struct(&[
                    ("AutoMLJobObjective", AUTOML_OBJECTIVE),
                    ("ProblemType", Leaf),
                    ("CompletionCriteria", AUTOML_COMPLETION_CRITERIA),
                ]),
            ),
            (
                "ModelDeployConfig",
                Struct(&[("AutoGenerateEndpointName", Leaf), ("EndpointName", Leaf)]),
            ),
            ("ModelDeployResult", Struct(&[("EndpointName", Leaf)])),
            (
                "BestCandidateProperties",
                Struct(&[
                    ("ModelInsightsJsonReportPath", Leaf),
                    ("ExplainabilityJsonReportPath", Leaf),
                ]),
            ),
        ]),
        examples: &[
            "BestCandidate.InferenceContainers[0].ModelDataUrl",
            "BestCandidate.CandidateName",
            "BestCandidateProperties.ModelInsightsJsonReportPath",
        ],
    };
}

#[cfg(test)]
mod tests {
    use super::super::StepResource;
    use super::*;

    fn compile(extra: Vec<(&str, Value)>) -> Result<Json, Vec<(String, String)>> {
        let mut attrs = vec![
            ("name", Value::string("AutoML")),
            ("role_arn", Value::string("arn:aws:iam::1:role/r")),
            ("target_attribute_name", Value::string("y")),
            ("output_path", Value::string("s3://b/automl")),
            (
                "input",
                Value::list([Value::object([("s3_uri", Value::string("s3://b/train.csv"))])]),
            ),
        ];
        for (k, v) in extra {
            attrs.retain(|(a, _)| *a != k);
            attrs.push((k, v));
        }
        match StepResource(AutoMl).compile(&Value::object(attrs)) {
            (Some(text), _) => Ok(serde_json::from_str(&text).expect("json")),
            (None, d) => Err(d
                .iter()
                .map(|d| (d.path.clone().unwrap_or_default().to_string(), d.summary.clone()))
                .collect()),
        }
    }

    /// Empty column names and malformed VPC IDs are errors at their attribute.
    #[test]
    fn empty_names_and_bad_vpc_ids() {
        let e = compile(vec![
            ("target_attribute_name", Value::string("")),
            ("sample_weight_attribute_name", Value::string("")),
            (
                "vpc_config",
                Value::object([
                    ("subnets", Value::list([Value::string("subnet 1"), Value::string("sg-1")])),
                    (
                        "security_group_ids",
                        Value::list([Value::string("sg-1"), Value::string("sg-1")]),
                    ),
                ]),
            ),
        ])
        .expect_err("refused");
        let e: Vec<String> = e.into_iter().map(|(p, s)| format!("{p}: {s}")).collect();
        assert_eq!(
            e,
            [
                "target_attribute_name: Empty target_attribute_name",
                "sample_weight_attribute_name: Empty sample_weight_attribute_name",
                "vpc_config.subnets[0]: \"subnet 1\" is not a subnet ID",
                "vpc_config.subnets[1]: \"sg-1\" is not a subnet ID",
                "vpc_config.security_group_ids[1]: Security group \"sg-1\" is listed twice",
            ]
        );
    }

    /// The SDK's minimal AutoMLStep (`AutoML(role, target_attribute_name, mode="ENSEMBLING")`).
    #[test]
    fn sdk_shape_with_defaults() {
        let j = compile(vec![]).expect("compiles");
        assert_eq!(
            j["Arguments"],
            json!({
                "InputDataConfig": [{"DataSource": {"S3DataSource": {"S3DataType": "S3Prefix", "S3Uri": "s3://b/train.csv"}}, "TargetAttributeName": "y"}],
                "OutputDataConfig": {"S3OutputPath": "s3://b/automl"},
                "AutoMLJobConfig": {"CompletionCriteria": {}, "SecurityConfig": {"EnableInterContainerTrafficEncryption": false}, "Mode": "ENSEMBLING"},
                "RoleArn": "arn:aws:iam::1:role/r"
            })
        );
    }

    #[test]
    fn mistakes() {
        let err = compile(vec![
            ("problem_type", Value::string("Binary")),
            ("validation_fraction", Value::string("1.5")),
            (
                "input",
                Value::list([
                    Value::object([
                        ("s3_uri", Value::string("b/train.csv")),
                        ("channel_type", Value::string("training")),
                    ]),
                    Value::object([
                        ("s3_uri", Value::string("s3://b/v")),
                        ("channel_type", Value::string("training")),
                    ]),
                ]),
            ),
        ])
        .unwrap_err();
        let paths: Vec<&str> = err.iter().map(|(p, _)| p.as_str()).collect();
        assert_eq!(
            paths,
            [
                "input[0].s3_uri",
                "input",
                "validation_fraction",
                "validation_fraction",
                "problem_type",
                "objective_metric"
            ],
            "{err:?}"
        );
        let err = compile(vec![("input", Value::list([]))]).unwrap_err();
        assert_eq!(err[0].1, "An AutoML step needs one or two input blocks, not 0");
    }

    /// The metric must be one of the problem type's; every listed pair compiles.
    #[test]
    fn the_objective_metric_fits_the_problem_type() {
        let with = |p: &str, m: &str| {
            compile(vec![
                ("problem_type", Value::string(p)),
                ("objective_metric", Value::string(m)),
            ])
        };
        let err = with("BinaryClassification", "MSE").unwrap_err();
        assert_eq!(err.len(), 1, "{err:?}");
        assert_eq!(err[0].0, "objective_metric");
        assert_eq!(err[0].1, "MSE is not a metric of BinaryClassification jobs");
        assert_eq!(
            with("Regression", "F1macro").unwrap_err()[0].1,
            "F1macro is not a metric of Regression jobs"
        );
        for (p, metrics) in METRICS_BY_PROBLEM {
            for m in metrics {
                assert!(METRICS.contains(m), "{m}");
                assert!(with(p, m).is_ok(), "{p} {m}");
            }
        }
    }

    #[test]
    fn exports_name_the_best_candidate() {
        let env = (AutoMl.exports()[2].value)("AutoML", &Value::Null);
        assert_eq!(
            model::string_map(&env_holder(env), "e").value().expect("map")["MODEL_NAME"],
            "{{ Steps.AutoML.BestCandidate.InferenceContainers[0].Environment['MODEL_NAME'] }}"
        );
    }

    fn env_holder(v: Value) -> Value {
        Value::object([("e", v)])
    }

    /// Its property tree: the paths later steps use, and mistakes explained.
    #[test]
    fn property_paths() {
        use crate::compiler::properties::check_property_path;
        let tree = AutoMl.property_tree();
        for ok in [
            "BestCandidate.InferenceContainers[0].Environment['MODEL_NAME']",
            "BestCandidate.InferenceContainers[0].ModelDataUrl",
            "BestCandidate.CandidateProperties.CandidateMetrics[0].Value",
            "BestCandidate.FinalAutoMLJobObjectiveMetric.Value",
            "InputDataConfig[0].DataSource.S3DataSource.S3Uri",
            "AutoMLJobConfig.SecurityConfig.VpcConfig.Subnets",
            "BestCandidateProperties.ExplainabilityJsonReportPath",
        ] {
            assert_eq!(check_property_path("AutoML", tree, ok), Ok(()), "{ok}");
        }
        for (bad, needle) in [
            ("BestCandidate.InferenceContainers[0].Image.Uri", "is a value"),
            ("BestCandidate", "continue"),
            ("BestCandidate.InferenceContainer[0].Image", "Did you mean `InferenceContainers`?"),
        ] {
            let e = check_property_path("AutoML", tree, bad).expect_err(bad);
            assert!(e.contains(needle), "{bad}: {e}");
        }
    }
}
