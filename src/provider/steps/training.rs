//! `sagemaker_training_step`: a SageMaker training job (`Type: Training`, the CreateTrainingJob
//! request as `Arguments`), with the SDK's defaults for every field the API requires:
//! `TrainingInputMode: File`, `VolumeSizeInGB: 30`, `InstanceCount: 1`,
//! `MaxRuntimeInSeconds: 86400`, and per channel `S3DataType: S3Prefix`,
//! `S3DataDistributionType: FullyReplicated`. The job name is left out (SageMaker generates it
//! per run), and so are the SDK's Debugger/Profiler additions (`DebugHookConfig`,
//! `ProfilerConfig`), which the SDK adds on its own and which are not part of the job the user
//! describes.
//!
//! Also home of [`one_of`] (enumerations), which the model, register-model and transform
//! steps share; counts, S3 locations and instance types are checked by [`Ctx`].
//!
//! Layout: shared helpers, schema, compile, exports, tests.

use std::collections::BTreeSet;

use serde_json::{json, Map, Value as Json};

use super::common::{network_block, put, string_map, vpc_config, Ctx};
use super::instance_types::JobKind;
use super::processing::tags;
use super::{Export, StepKind};
use crate::compiler::{dag::StepDefaults, properties::PropertyTree, step_type, StepTypeFacts};
use crate::framework::{AttrPath, Attribute, Block, NestedBlock};
use crate::provider::model;
use crate::tfvalue::{Type, Value};

pub struct Training;

// ---- shared helpers -----------------------------------------------------------------------

/// An enumerated string field: a literal must be one of `allowed`; a `{{ }}` reference is
/// passed through (SageMaker checks it at run time). `None` when the attribute is null.
pub(super) fn one_of(
    ctx: &mut Ctx,
    obj: &Value,
    attr: &str,
    path: &AttrPath,
    allowed: &[&str],
) -> Option<Json> {
    let s = model::string(obj, attr).value()?;
    if !crate::compiler::expr::has_expression(&s) && !allowed.contains(&s.as_str()) {
        ctx.local_error(
            path.clone().attr(attr),
            format!("Invalid {attr} {s:?}"),
            format!("Use one of {} (spelled exactly so), or a {{{{ }}}} reference to a String parameter.", allowed.join(", ")),
        );
        return None;
    }
    ctx.string(obj, attr, path)
}

/// Channel names: 1-64 of `[A-Za-z0-9._-]`, starting with a letter or digit (CreateTrainingJob).
fn valid_channel_name(s: &str) -> bool {
    let mut chars = s.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphanumeric())
        && s.len() <= 64
        && s.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_'))
}

// ---- schema -------------------------------------------------------------------------------

/// The SDK's channel name when one input is given without a name.
pub const DEFAULT_CHANNEL: &str = "training";

const INPUT_MODES: [&str; 3] = ["File", "Pipe", "FastFile"];
const S3_DATA_TYPES: [&str; 4] = ["S3Prefix", "ManifestFile", "AugmentedManifestFile", "Converse"];
const DISTRIBUTION_TYPES: [&str; 2] = ["FullyReplicated", "ShardedByS3Key"];
const COMPRESSION_TYPES: [&str; 2] = ["None", "Gzip"];

fn input_block() -> Block {
    Block::new("A training input channel: S3 data the algorithm reads as `/opt/ml/input/data/<channel>` (`InputDataConfig`).")
        .attr(Attribute::optional("channel", Type::String, "Channel name, e.g. `train` or `validation` (1-64 letters, digits, `.`, `-`, `_`). Defaults to `training`, the SDK's name for a single unnamed input."))
        .attr(Attribute::required("s3_uri", Type::String, "S3 URI of the data or a reference, e.g. `{{ Steps.Prep.ProcessingOutputConfig.Outputs['train'].S3Output.S3Uri }}` (or `sagemaker_processing_step.prep.outputs[\"train\"]`)."))
        .attr(Attribute::optional("content_type", Type::String, "MIME type of the data, e.g. `text/csv`."))
        .attr(Attribute::optional("s3_data_type", Type::String, "`S3Prefix` (default), `ManifestFile`, `AugmentedManifestFile` or `Converse`."))
        .attr(Attribute::optional("s3_data_distribution_type", Type::String, "`FullyReplicated` (default: every instance gets all data) or `ShardedByS3Key`."))
        .attr(Attribute::optional("input_mode", Type::String, "`File`, `Pipe` or `FastFile`; overrides the job's `input_mode` for this channel."))
        .attr(Attribute::optional("compression_type", Type::String, "`None` or `Gzip`."))
}

fn metric_definition_block() -> Block {
    Block::new("A metric SageMaker extracts from the training logs (`AlgorithmSpecification.MetricDefinitions`); later steps can read it as `{{ Steps.<name>.FinalMetricDataList['<name>'].Value }}`.")
        .attr(Attribute::required("name", Type::String, "Metric name, e.g. `validation:rmse`."))
        .attr(Attribute::required("regex", Type::String, "Regular expression whose first group is the value, e.g. `.*\\[[0-9]+\\].*#011validation-rmse:([-+]?[0-9]*\\.?[0-9]+)`."))
}

/// SageMaker's built-in algorithm images (the ECR repository name), which publish their own
/// metrics: a training step running one needs no `metric_definition` for `FinalMetricDataList`.
const BUILT_IN_ALGORITHM_REPOSITORIES: [&str; 17] = [
    "xgboost",
    "sagemaker-xgboost",
    "linear-learner",
    "kmeans",
    "pca",
    "factorization-machines",
    "ntm",
    "lda",
    "randomcutforest",
    "knn",
    "object2vec",
    "ipinsights",
    "blazingtext",
    "image-classification",
    "object-detection",
    "semantic-segmentation",
    "forecasting-deepar",
];

/// Whether a training step object runs a built-in algorithm (or an image only known at run
/// time): its `FinalMetricDataList` needs no `metric_definition`.
fn runs_built_in_algorithm(step: &Json) -> bool {
    built_in_algorithm(step.pointer("/Arguments/AlgorithmSpecification/TrainingImage"))
}

fn built_in_algorithm(training_image: Option<&Json>) -> bool {
    let Some(image) = training_image.and_then(Json::as_str) else {
        // A reference: the image is only known at run time.
        return training_image.is_some();
    };
    let repo = image
        .rsplit_once(".amazonaws.com/")
        .or_else(|| image.rsplit_once(".amazonaws.com.cn/"))
        .map_or("", |(_, r)| r);
    let repo = repo.split([':', '@']).next().unwrap_or("");
    BUILT_IN_ALGORITHM_REPOSITORIES.contains(&repo)
}

impl StepTypeFacts for Training {
    fn step_type(&self) -> &'static str {
        "Training"
    }
    fn property_tree(&self) -> PropertyTree {
        PropertyTree::Modelled(&properties::TREE)
    }
    fn apply_step_defaults(&self, args: &mut Map<String, Json>, d: &StepDefaults) {
        step_type::training_job_defaults(args, d);
        step_type::merge_tags(args, d);
    }
    fn string_maps(&self) -> &'static [&'static str] {
        &["HyperParameters", "Environment"]
    }
    fn role_path(&self) -> Option<&'static [&'static str]> {
        Some(&["RoleArn"])
    }
    fn named_lists(&self) -> &'static [step_type::NamedList] {
        &[step_type::NamedList {
            property: &["FinalMetricDataList"],
            declared_at: &["Arguments", "AlgorithmSpecification", "MetricDefinitions"],
            key: "Name",
            what: "metric",
            fix: "Add a metric_definition { name = \"...\" regex = \"...\" } block to step {step}, or use a metric it defines",
            unchecked_when_none: Some(runs_built_in_algorithm),
        }]
    }
    fn property_files(&self) -> bool {
        false
    }
}

impl StepKind for Training {
    fn type_name(&self) -> &'static str {
        "sagemaker_training_step"
    }
    fn description(&self) -> &'static str {
        "A training step: runs a SageMaker training job (e.g. the built-in XGBoost image) on S3 channels and writes the model artifacts to `output_path`. Compiled at plan time; no API call."
    }
    fn cacheable(&self) -> bool {
        true
    }
    fn retryable(&self) -> bool {
        true
    }

    fn block(&self, b: Block) -> Block {
        b.attr(Attribute::required("image_uri", Type::String, "Training image URI, e.g. `683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-xgboost:1.7-1`."))
            .attr(Attribute::optional("role_arn", Type::String, "IAM role of the job. Defaults to the pipeline's `step_defaults.role_arn`."))
            .attr(Attribute::required("instance_type", Type::String, "Instance type, e.g. `ml.m5.xlarge`, or a reference to a String parameter such as `{{ Parameters.TrainingInstanceType }}`."))
            .attr(Attribute::optional("instance_count", Type::String, "Number of instances (default 1), or a reference to an Integer parameter, e.g. `{{ Parameters.TrainingInstanceCount }}`."))
            .attr(Attribute::optional("volume_size_in_gb", Type::String, "Storage volume size per instance in GB (default 30, as the SDK)."))
            .attr(Attribute::optional("volume_kms_key_id", Type::String, "KMS key for the storage volume (`ResourceConfig.VolumeKmsKeyId`). Defaults to `step_defaults.volume_kms_key_id`."))
            .attr(Attribute::optional("max_runtime_in_seconds", Type::String, "Maximum runtime of the job in seconds (default 86400, one day, as the SDK)."))
            .attr(Attribute::required("output_path", Type::String, "S3 prefix the model artifacts are written to (`OutputDataConfig.S3OutputPath`), e.g. `s3://my-bucket/models` or `s3://my-bucket/{{ Execution.PipelineExecutionId }}/model`."))
            .attr(Attribute::optional("output_kms_key_id", Type::String, "KMS key for the model artifacts (`OutputDataConfig.KmsKeyId`). Defaults to `step_defaults.output_kms_key_id`."))
            .attr(Attribute::optional("input_mode", Type::String, "How channels are read by default: `File` (default), `Pipe` or `FastFile` (`AlgorithmSpecification.TrainingInputMode`)."))
            .attr(Attribute::optional("hyperparameters", string_map(), "Hyperparameters, e.g. `{ objective = \"reg:squarederror\", num_round = \"50\" }`. Values may hold references; a reference to a non-String parameter is converted to a string as the SDK does (a one-value `Std:Join`)."))
            .attr(Attribute::optional("environment", string_map(), "Environment variables of the training container; values may hold references."))
            .attr(Attribute::optional("checkpoint_s3_uri", Type::String, "S3 URI where the job syncs checkpoints (`CheckpointConfig.S3Uri`), e.g. `s3://my-bucket/checkpoints`. Recommended with spot training."))
            .attr(Attribute::optional("checkpoint_local_path", Type::String, "Container path of the checkpoints (default `/opt/ml/checkpoints`). Needs `checkpoint_s3_uri`."))
            .attr(Attribute::optional("use_spot_instances", Type::Bool, "Use managed spot training (`EnableManagedSpotTraining`). Needs `max_wait_time_in_seconds`."))
            .attr(Attribute::optional("max_wait_time_in_seconds", Type::String, "With spot training: how long to wait for spot capacity plus the run, in seconds; at least `max_runtime_in_seconds` (`StoppingCondition.MaxWaitTimeInSeconds`)."))
            .attr(Attribute::optional("tags", string_map(), "Tags of the training job, merged over `step_defaults.tags`."))
            .block(NestedBlock::list("input", input_block()).max_items(20))
            .block(NestedBlock::list("metric_definition", metric_definition_block()).max_items(40))
            .block(network_block())
    }

    fn compile(&self, cfg: &Value, ctx: &mut Ctx, step: &mut Map<String, Json>) {
        let root = AttrPath::default();
        let mut args = Map::new();

        // AlgorithmSpecification
        let mut algo = Map::new();
        algo.insert(
            "TrainingInputMode".into(),
            one_of(ctx, cfg, "input_mode", &root, &INPUT_MODES).unwrap_or_else(|| json!("File")),
        );
        put(&mut algo, "TrainingImage", ctx.string(cfg, "image_uri", &root));
        let metrics = metric_definitions(cfg, ctx);
        if !metrics.is_empty() {
            algo.insert("MetricDefinitions".into(), Json::Array(metrics));
        }
        args.insert("AlgorithmSpecification".into(), Json::Object(algo));

        // OutputDataConfig
        let mut output = Map::new();
        put(&mut output, "S3OutputPath", ctx.s3_uri(cfg, "output_path", &root));
        put(&mut output, "KmsKeyId", ctx.string(cfg, "output_kms_key_id", &root));
        args.insert("OutputDataConfig".into(), Json::Object(output));

        // StoppingCondition
        let mut stop = Map::new();
        let max_run = ctx.count(cfg, "max_runtime_in_seconds", &root, 1, Some(86_400));
        put(&mut stop, "MaxRuntimeInSeconds", max_run.clone());
        let spot = ctx.bool(cfg, "use_spot_instances").unwrap_or(false);
        let max_wait = ctx.count(cfg, "max_wait_time_in_seconds", &root, 1, None);
        let max_wait_set = cfg.get("max_wait_time_in_seconds").is_some_and(|v| !v.is_null());
        if spot && !max_wait_set {
            ctx.error(
                AttrPath::root("use_spot_instances"),
                "Spot training needs max_wait_time_in_seconds",
                "Set max_wait_time_in_seconds (at least max_runtime_in_seconds, e.g. \"172800\") to say how long to wait for spot capacity.",
            );
        }
        if max_wait_set && !spot {
            ctx.error(
                AttrPath::root("max_wait_time_in_seconds"),
                "max_wait_time_in_seconds without spot training",
                "It only applies to managed spot training: set use_spot_instances = true, or remove max_wait_time_in_seconds.",
            );
        }
        if let (Some(w), Some(r)) =
            (max_wait.as_ref().and_then(Json::as_i64), max_run.as_ref().and_then(Json::as_i64))
        {
            if w < r {
                ctx.error(
                    AttrPath::root("max_wait_time_in_seconds"),
                    "max_wait_time_in_seconds is below max_runtime_in_seconds",
                    format!("The wait time includes the run: use at least {r} seconds, or lower max_runtime_in_seconds."),
                );
            }
        }
        put(&mut stop, "MaxWaitTimeInSeconds", max_wait);
        args.insert("StoppingCondition".into(), Json::Object(stop));

        // ResourceConfig
        let mut resources = Map::new();
        put(
            &mut resources,
            "VolumeSizeInGB",
            ctx.count(cfg, "volume_size_in_gb", &root, 1, Some(30)),
        );
        put(&mut resources, "InstanceCount", ctx.count(cfg, "instance_count", &root, 1, Some(1)));
        put(
            &mut resources,
            "InstanceType",
            ctx.instance_type(cfg, "instance_type", &root, JobKind::Training),
        );
        put(&mut resources, "VolumeKmsKeyId", ctx.string(cfg, "volume_kms_key_id", &root));
        args.insert("ResourceConfig".into(), Json::Object(resources));

        put(&mut args, "RoleArn", ctx.string(cfg, "role_arn", &root));

        let channels = input_data_config(cfg, ctx);
        if !channels.is_empty() {
            args.insert("InputDataConfig".into(), Json::Array(channels));
        }

        // The SDK leaves HyperParameters out when there are none, and sends Environment when set.
        if let Some(h) = ctx.string_map(cfg, "hyperparameters", &root, true) {
            if h.len() > 100 {
                ctx.error(
                    AttrPath::root("hyperparameters"),
                    "Too many hyperparameters",
                    format!("SageMaker accepts at most 100; this step has {}.", h.len()),
                );
            }
            if !h.is_empty() {
                args.insert("HyperParameters".into(), Json::Object(h));
            }
        }
        put(
            &mut args,
            "Environment",
            ctx.string_map(cfg, "environment", &root, true).map(Json::Object),
        );
        put(&mut args, "Tags", tags(cfg));

        if let Some(n) = cfg.get("network").filter(|n| !n.is_null()) {
            put(&mut args, "VpcConfig", vpc_config(n, ctx));
            // As the SDK: only an enabled isolation is sent.
            if n.get("enable_network_isolation").and_then(Value::as_bool) == Some(true) {
                args.insert("EnableNetworkIsolation".into(), Json::Bool(true));
            }
        }
        if spot {
            args.insert("EnableManagedSpotTraining".into(), Json::Bool(true));
        }

        let checkpoint = ctx.s3_uri(cfg, "checkpoint_s3_uri", &root);
        let local = ctx.string(cfg, "checkpoint_local_path", &root);
        match (checkpoint, local) {
            (Some(uri), local) => {
                let mut c = Map::new();
                c.insert("S3Uri".into(), uri);
                put(&mut c, "LocalPath", local);
                args.insert("CheckpointConfig".into(), Json::Object(c));
            }
            (None, Some(_)) if model::string(cfg, "checkpoint_s3_uri").value().is_none() => ctx.error(
                AttrPath::root("checkpoint_local_path"),
                "checkpoint_local_path without checkpoint_s3_uri",
                "Checkpoints are synced to S3: set checkpoint_s3_uri too, or remove checkpoint_local_path.",
            ),
            _ => {}
        }

        step.insert("Arguments".into(), Json::Object(args));
    }

    fn exports(&self) -> Vec<Export> {
        vec![Export {
            name: "model_artifacts",
            ty: Type::String,
            description: "`{{ Steps.<name>.ModelArtifacts.S3ModelArtifacts }}`: the S3 URI of the trained model (`model.tar.gz`), for a model or register-model step's `model_data_url`.",
            value: |name, _| Value::string(format!("{{{{ Steps.{name}.ModelArtifacts.S3ModelArtifacts }}}}")),
        }]
    }
}

// ---- compile helpers ----------------------------------------------------------------------

/// `InputDataConfig`: one channel per `input` block, in the SDK's shape.
fn input_data_config(cfg: &Value, ctx: &mut Ctx) -> Vec<Json> {
    let blocks = model::blocks(cfg, "input");
    let mut names = BTreeSet::new();
    let mut channels = Vec::new();
    for (i, b) in blocks.iter().enumerate() {
        let path = AttrPath::root("input").index(i);
        let name =
            model::string(b, "channel").value().unwrap_or_else(|| DEFAULT_CHANNEL.to_string());
        if !valid_channel_name(&name) {
            ctx.error(
                path.clone().attr("channel"),
                format!("Invalid channel name {name:?}"),
                "Channel names are 1-64 letters, digits, `.`, `-` and `_`, starting with a letter or digit, e.g. \"train\".",
            );
        }
        if !names.insert(name.clone()) {
            let detail = if model::string(b, "channel").value().is_none() {
                format!("Inputs without a channel are named {DEFAULT_CHANNEL:?}; give each input its own channel name.")
            } else {
                "Give each input its own channel name, e.g. \"train\" and \"validation\"."
                    .to_string()
            };
            ctx.error(path.clone().attr("channel"), format!("Duplicate channel {name:?}"), detail);
        }
        let mut s3 = Map::new();
        s3.insert(
            "S3DataType".into(),
            one_of(ctx, b, "s3_data_type", &path, &S3_DATA_TYPES)
                .unwrap_or_else(|| json!("S3Prefix")),
        );
        put(&mut s3, "S3Uri", ctx.s3_uri(b, "s3_uri", &path));
        s3.insert(
            "S3DataDistributionType".into(),
            one_of(ctx, b, "s3_data_distribution_type", &path, &DISTRIBUTION_TYPES)
                .unwrap_or_else(|| json!("FullyReplicated")),
        );
        let mut channel = Map::new();
        channel.insert("DataSource".into(), json!({ "S3DataSource": s3 }));
        put(&mut channel, "ContentType", ctx.string(b, "content_type", &path));
        put(
            &mut channel,
            "CompressionType",
            one_of(ctx, b, "compression_type", &path, &COMPRESSION_TYPES),
        );
        put(&mut channel, "InputMode", one_of(ctx, b, "input_mode", &path, &INPUT_MODES));
        channel.insert("ChannelName".into(), Json::String(name));
        channels.push(Json::Object(channel));
    }
    channels
}

/// `AlgorithmSpecification.MetricDefinitions`: `[{Name, Regex}]`, names unique.
fn metric_definitions(cfg: &Value, ctx: &mut Ctx) -> Vec<Json> {
    let mut names = BTreeSet::new();
    let mut out = Vec::new();
    for (i, b) in model::blocks(cfg, "metric_definition").iter().enumerate() {
        let path = AttrPath::root("metric_definition").index(i);
        let name = model::string(b, "name").value().unwrap_or_default();
        let regex = model::string(b, "regex").value().unwrap_or_default();
        if name.is_empty() || name.chars().count() > 255 {
            ctx.error(
                path.clone().attr("name"),
                "Invalid metric name",
                "Metric names are 1-255 characters, e.g. \"validation:rmse\".",
            );
        } else if !names.insert(name.clone()) {
            ctx.error(
                path.clone().attr("name"),
                format!("Duplicate metric {name:?}"),
                "Give each metric_definition its own name.",
            );
        }
        if regex.is_empty() || regex.chars().count() > 500 {
            ctx.error(path.clone().attr("regex"), "Invalid metric regex", "Give a regular expression of 1-500 characters whose first group captures the value.");
        }
        out.push(json!({ "Name": name, "Regex": regex }));
    }
    out
}

/// What `{{ Steps.<name>.<path> }}` may reference on a Training step.
pub mod properties {
    use crate::compiler::properties::shapes::*;

    /// DescribeTrainingJob.
    pub static TREE: StepProperties = StepProperties {
        source: "the DescribeTrainingJob response",
        root: Struct(&[
            ("TrainingJobName", Leaf),
            ("TrainingJobArn", Leaf),
            ("TuningJobArn", Leaf),
            ("LabelingJobArn", Leaf),
            ("AutoMLJobArn", Leaf),
            ("ModelArtifacts", Struct(&[("S3ModelArtifacts", Leaf)])),
            ("TrainingJobStatus", Leaf),
            ("SecondaryStatus", Leaf),
            ("FailureReason", Leaf),
            ("HyperParameters", Map),
            (
                "AlgorithmSpecification",
                Struct(&[
                    ("TrainingImage", Leaf),
                    ("AlgorithmName", Leaf),
                    ("TrainingInputMode", Leaf),
                    ("MetricDefinitions", List(&Struct(&[("Name", Leaf), ("Regex", Leaf)]))),
                    ("EnableSageMakerMetricsTimeSeries", Leaf),
                    ("ContainerEntrypoint", STRINGS),
                    ("ContainerArguments", STRINGS),
                    ("TrainingImageConfig", Any),
                ]),
            ),
            ("RoleArn", Leaf),
            ("InputDataConfig", List(&CHANNEL)),
            (
                "OutputDataConfig",
                Struct(&[("KmsKeyId", Leaf), ("S3OutputPath", Leaf), ("CompressionType", Leaf)]),
            ),
            (
                "ResourceConfig",
                Struct(&[
                    ("InstanceType", Leaf),
                    ("InstanceCount", Leaf),
                    ("VolumeSizeInGB", Leaf),
                    ("VolumeKmsKeyId", Leaf),
                    ("KeepAlivePeriodInSeconds", Leaf),
                    (
                        "InstanceGroups",
                        List(&Struct(&[
                            ("InstanceType", Leaf),
                            ("InstanceCount", Leaf),
                            ("InstanceGroupName", Leaf),
                        ])),
                    ),
                    ("TrainingPlanArn", Leaf),
                    ("InstancePlacementConfig", Any),
                ]),
            ),
            (
                "WarmPoolStatus",
                Struct(&[
                    ("Status", Leaf),
                    ("ResourceRetainedBillableTimeInSeconds", Leaf),
                    ("ReusedByJob", Leaf),
                ]),
            ),
            ("VpcConfig", VPC_CONFIG),
            (
                "StoppingCondition",
                Struct(&[
                    ("MaxRuntimeInSeconds", Leaf),
                    ("MaxWaitTimeInSeconds", Leaf),
                    ("MaxPendingTimeInSeconds", Leaf),
                ]),
            ),
            ("CreationTime", Leaf),
            ("TrainingStartTime", Leaf),
            ("TrainingEndTime", Leaf),
            ("LastModifiedTime", Leaf),
            (
                "SecondaryStatusTransitions",
                List(&Struct(&[
                    ("Status", Leaf),
                    ("StartTime", Leaf),
                    ("EndTime", Leaf),
                    ("StatusMessage", Leaf),
                ])),
            ),
            (
                "FinalMetricDataList",
                List(&Struct(&[("MetricName", Leaf), ("Value", Leaf), ("Timestamp", Leaf)])),
            ),
            ("EnableNetworkIsolation", Leaf),
            ("EnableInterContainerTrafficEncryption", Leaf),
            ("EnableManagedSpotTraining", Leaf),
            ("CheckpointConfig", Struct(&[("S3Uri", Leaf), ("LocalPath", Leaf)])),
            ("TrainingTimeInSeconds", Leaf),
            ("BillableTimeInSeconds", Leaf),
            ("BillableTokenCount", Leaf),
            (
                "DebugHookConfig",
                Struct(&[
                    ("LocalPath", Leaf),
                    ("S3OutputPath", Leaf),
                    ("HookParameters", Map),
                    (
                        "CollectionConfigurations",
                        List(&Struct(&[("CollectionName", Leaf), ("CollectionParameters", Map)])),
                    ),
                ]),
            ),
            ("ExperimentConfig", EXPERIMENT_CONFIG),
            ("DebugRuleConfigurations", List(&RULE_CONFIGURATION)),
            ("TensorBoardOutputConfig", Struct(&[("LocalPath", Leaf), ("S3OutputPath", Leaf)])),
            ("DebugRuleEvaluationStatuses", List(&RULE_EVALUATION_STATUS)),
            (
                "ProfilerConfig",
                Struct(&[
                    ("S3OutputPath", Leaf),
                    ("ProfilingIntervalInMilliseconds", Leaf),
                    ("ProfilingParameters", Map),
                    ("DisableProfiler", Leaf),
                ]),
            ),
            ("ProfilerRuleConfigurations", List(&RULE_CONFIGURATION)),
            ("ProfilerRuleEvaluationStatuses", List(&RULE_EVALUATION_STATUS)),
            ("ProfilingStatus", Leaf),
            ("Environment", Map),
            ("RetryStrategy", Struct(&[("MaximumRetryAttempts", Leaf)])),
            ("RemoteDebugConfig", Struct(&[("EnableRemoteDebug", Leaf)])),
            ("InfraCheckConfig", Struct(&[("EnableInfraCheck", Leaf)])),
            ("ServerlessJobConfig", Any),
            ("MlflowConfig", Any),
            ("ModelPackageConfig", Any),
            ("MlflowDetails", Any),
            ("ProgressInfo", Any),
            ("OutputModelPackageArn", Leaf),
        ]),
        examples: &[
            "ModelArtifacts.S3ModelArtifacts",
            "FinalMetricDataList['validation:rmse'].Value",
            "HyperParameters['epochs']",
            "TrainingJobName",
            "OutputDataConfig.S3OutputPath",
        ],
    };
}

#[cfg(test)]
mod tests {
    use super::super::StepResource;
    use super::*;

    fn cfg(extra: Vec<(&str, Value)>) -> Value {
        let mut attrs = vec![
            ("name", Value::string("Train")),
            (
                "image_uri",
                Value::string(
                    "683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-xgboost:1.7-1",
                ),
            ),
            ("instance_type", Value::string("ml.m5.xlarge")),
            ("output_path", Value::string("s3://my-bucket/models")),
        ];
        attrs.extend(extra);
        Value::object(attrs)
    }

    fn compile(v: &Value) -> Result<Json, Vec<(String, String)>> {
        match StepResource(Training).compile(v) {
            (Some(text), _) => Ok(serde_json::from_str(&text).expect("json")),
            (None, d) => Err(d
                .iter()
                .map(|d| (d.path.clone().unwrap_or_default().to_string(), d.summary.clone()))
                .collect()),
        }
    }

    #[test]
    fn sdk_defaults_when_nothing_is_set() {
        let j = compile(&cfg(vec![])).expect("compiles");
        let a = &j["Arguments"];
        assert_eq!(a["AlgorithmSpecification"]["TrainingInputMode"], "File");
        assert_eq!(a["StoppingCondition"], json!({"MaxRuntimeInSeconds": 86400}));
        assert_eq!(
            a["ResourceConfig"],
            json!({"VolumeSizeInGB": 30, "InstanceCount": 1, "InstanceType": "ml.m5.xlarge"})
        );
        for absent in [
            "InputDataConfig",
            "HyperParameters",
            "Environment",
            "EnableNetworkIsolation",
            "DebugHookConfig",
            "ProfilerConfig",
        ] {
            assert!(a.get(absent).is_none(), "{absent}");
        }
    }

    #[test]
    fn integer_parameter_in_hyperparameters_is_stringified() {
        let h = Value::map([
            ("num_round", Value::string("{{ Parameters.Rounds }}")),
            ("eta", Value::string("0.2")),
        ]);
        let j = compile(&cfg(vec![("hyperparameters", h)])).expect("compiles");
        assert_eq!(
            j["Arguments"]["HyperParameters"]["num_round"],
            json!({"Std:Join": {"On": "", "Values": [{"Get": "Parameters.Rounds"}]}})
        );
        assert_eq!(j["Arguments"]["HyperParameters"]["eta"], "0.2");
    }

    #[test]
    fn unnamed_inputs_collide_on_the_default_channel() {
        let input = |uri: &str| Value::object([("s3_uri", Value::string(uri))]);
        let err =
            compile(&cfg(vec![("input", Value::list([input("s3://b/a"), input("s3://b/b")]))]))
                .unwrap_err();
        assert_eq!(
            err,
            vec![("input[1].channel".to_string(), "Duplicate channel \"training\"".to_string())]
        );
    }

    #[test]
    fn spot_rules() {
        let err = compile(&cfg(vec![("use_spot_instances", Value::Bool(true))])).unwrap_err();
        assert_eq!(err[0].0, "use_spot_instances");
        let err = compile(&cfg(vec![
            ("use_spot_instances", Value::Bool(true)),
            ("max_wait_time_in_seconds", Value::string("3600")),
        ]))
        .unwrap_err();
        assert_eq!(err[0].0, "max_wait_time_in_seconds");
        let j = compile(&cfg(vec![
            ("use_spot_instances", Value::Bool(true)),
            ("max_wait_time_in_seconds", Value::string("172800")),
        ]))
        .expect("compiles");
        assert_eq!(
            j["Arguments"]["StoppingCondition"],
            json!({"MaxRuntimeInSeconds": 86400, "MaxWaitTimeInSeconds": 172800})
        );
        assert_eq!(j["Arguments"]["EnableManagedSpotTraining"], true);
    }

    #[test]
    fn instance_count_literal_and_reference() {
        let err = compile(&cfg(vec![("instance_count", Value::string("two"))])).unwrap_err();
        assert_eq!(err[0].0, "instance_count");
        let err = compile(&cfg(vec![("instance_count", Value::string("0"))])).unwrap_err();
        assert_eq!(
            err[0],
            (
                "instance_count".to_string(),
                "instance_count must be a positive whole number".to_string()
            )
        );
        let j = compile(&cfg(vec![("instance_count", Value::string("{{ Parameters.Count }}"))]))
            .expect("compiles");
        assert_eq!(
            j["Arguments"]["ResourceConfig"]["InstanceCount"],
            json!({"Get": "Parameters.Count"})
        );
    }

    #[test]
    fn enumerations_accept_references() {
        assert_eq!(
            compile(&cfg(vec![("input_mode", Value::string("Stream"))])).unwrap_err()[0].0,
            "input_mode"
        );
        let j = compile(&cfg(vec![("input_mode", Value::string("{{ Parameters.Mode }}"))]))
            .expect("compiles");
        assert_eq!(
            j["Arguments"]["AlgorithmSpecification"]["TrainingInputMode"],
            json!({"Get": "Parameters.Mode"})
        );
    }

    #[test]
    fn export_is_the_model_artifacts_reference() {
        let e = &Training.exports()[0];
        assert_eq!(
            (e.value)("Train", &Value::Null),
            Value::string("{{ Steps.Train.ModelArtifacts.S3ModelArtifacts }}")
        );
    }
}
