//! `sagemaker_training_step`: a SageMaker training job (`Type: Training`, the CreateTrainingJob
//! request as `Arguments`), with the SDK's defaults for every field the API requires:
//! `TrainingInputMode: File`, `VolumeSizeInGB: 30`, `InstanceCount: 1`,
//! `MaxRuntimeInSeconds: 86400`, and per channel `S3DataType: S3Prefix`,
//! `S3DataDistributionType: FullyReplicated`. The job name is left out (SageMaker generates it
//! per run). The SDK's Debugger/Profiler additions (`DebugHookConfig`, `ProfilerConfig`), which
//! an SDK 2.x `Estimator` adds to every training job on its own, are sent only when the
//! `debug_hook_config` / `profiler_config` blocks are declared; empty blocks give exactly the
//! SDK's defaults (`DebugHookConfig{S3OutputPath: <output_path>, CollectionConfigurations: []}`,
//! `ProfilerConfig{S3OutputPath: <output_path>, DisableProfiler: false}`), as the SDK's
//! `_prepare_debugger_for_training` / `_prepare_profiler_for_training` derive them.
//!
//! Channels, metric definitions, the output/resource configuration and the network come from
//! the shared job layer ([`super::job`]); counts, S3 locations and instance types are checked
//! by [`Ctx`].
//!
//! Layout: schema, compile, exports, tests.

use std::collections::BTreeSet;

use serde_json::{Map, Value as Json};

use super::common::{every, given, put, string_map, Ctx};
use super::job::{self, input_block, metric_definition_block, ChannelDocs, MetricDocs};
use super::{Export, StepKind};
use crate::compiler::policy::{self, Permission};
use crate::compiler::step_type::StepDefault;
use crate::compiler::{dag::StepDefaults, properties::PropertyTree, step_type, StepTypeFacts};
use crate::framework::{AttrPath, Attribute, Block, NestedBlock};
use crate::provider::model;
use crate::tfvalue::{Type, Value};

pub struct Training;

// ---- schema -------------------------------------------------------------------------------

const CHANNEL_DOCS: ChannelDocs = ChannelDocs {
    block: "A training input channel: S3 data the algorithm reads as `/opt/ml/input/data/<channel>` (`InputDataConfig`).",
    channel: "Channel name, e.g. `train` or `validation` (1-64 letters, digits, `.`, `-`, `_`). Defaults to `training`, the SDK's name for a single unnamed input.",
    s3_uri: "S3 URI of the data or a reference, e.g. `{{ Steps.Prep.ProcessingOutputConfig.Outputs['train'].S3Output.S3Uri }}` (or `sagemaker_processing_step.prep.outputs[\"train\"]`).",
    s3_data_distribution_type: "`FullyReplicated` (default: every instance gets all data) or `ShardedByS3Key`.",
    input_mode: "`File`, `Pipe` or `FastFile`; overrides the job's `input_mode` for this channel.",
    compression_type: "`None` or `Gzip`.",
};

const METRIC_DOCS: MetricDocs = MetricDocs {
    block: "A metric SageMaker extracts from the training logs (`AlgorithmSpecification.MetricDefinitions`); later steps can read it as `{{ Steps.<name>.FinalMetricDataList['<name>'].Value }}`.",
    name: "Metric name, e.g. `validation:rmse`.",
    regex: "Regular expression whose first group is the value, e.g. `.*\\[[0-9]+\\].*#011validation-rmse:([-+]?[0-9]*\\.?[0-9]+)`.",
};

fn debug_hook_config_block() -> Block {
    Block::new("SageMaker Debugger's tensor collection (`DebugHookConfig`, the SDK's `DebuggerHookConfig`). An empty `debug_hook_config {}` is exactly what an SDK 2.x estimator adds by default: `{S3OutputPath: <output_path>, CollectionConfigurations: []}`.")
        .attr(Attribute::optional("s3_output_path", Type::String, "S3 prefix the tensors are written to. Defaults to the step's `output_path`, as the SDK."))
        .attr(Attribute::optional("local_path", Type::String, "Container path the hook writes tensors to before upload (`LocalPath`), e.g. `/opt/ml/output/tensors`."))
        .attr(Attribute::optional("hook_parameters", string_map(), "Hook configuration (`HookParameters`), e.g. `{ save_interval = \"100\" }`."))
        .block(NestedBlock::list("collection", collection_block()).max_items(20))
}

fn collection_block() -> Block {
    Block::new(
        "A tensor collection to save (`CollectionConfigurations[]`, the SDK's `CollectionConfig`).",
    )
    .attr(Attribute::required("name", Type::String, "Collection name, e.g. `weights` or `losses`."))
    .attr(Attribute::optional(
        "parameters",
        string_map(),
        "Collection parameters (`CollectionParameters`), e.g. `{ save_interval = \"500\" }`.",
    ))
}

fn profiler_config_block() -> Block {
    Block::new("SageMaker Profiler's system and framework metrics (`ProfilerConfig`, the SDK's `ProfilerConfig`). An empty `profiler_config {}` is exactly what an SDK 2.x estimator adds by default: `{S3OutputPath: <output_path>, DisableProfiler: false}`; `disable_profiler = true` is the SDK's `disable_profiler=True` (`{DisableProfiler: true}`).")
        .attr(Attribute::optional("s3_output_path", Type::String, "S3 prefix the profiling data is written to. Defaults to the step's `output_path`, as the SDK; not sent when the profiler is disabled."))
        .attr(Attribute::optional("disable_profiler", Type::Bool, "Turn the profiler off (`DisableProfiler`, default false; always sent, as the SDK does)."))
        .attr(Attribute::optional("profiling_interval_in_milliseconds", Type::String, "How often system metrics are sampled (`ProfilingIntervalInMilliseconds`): 100, 200, 500, 1000, 5000 or 60000."))
        .attr(Attribute::optional("profiling_parameters", string_map(), "Framework profiling options (`ProfilingParameters`), e.g. `{ DataloaderProfilingConfig = \"{\\\"StartStep\\\": 5, \\\"NumSteps\\\": 3}\" }`."))
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
        step_type::training_job_defaults(args, "ResourceConfig", d);
        step_type::merge_tags(args, d);
    }
    fn string_maps(&self) -> &'static [&'static str] {
        &["HyperParameters", "Environment"]
    }
    fn arguments_are_user_named(&self) -> bool {
        false
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
    fn instance_types(&self) -> &'static [&'static str] {
        super::instance_types::JobKind::Training.instance_types()
    }
    fn cache_key(&self) -> Option<&'static [&'static [&'static str]]> {
        Some(step_type::cache_keys::TRAINING)
    }
    fn permissions(&self) -> &'static [Permission] {
        &[Permission::SageMakerJob(&policy::TRAINING_JOB)]
    }
}

impl StepKind for Training {
    fn type_name(&self) -> &'static str {
        "sagemaker_training_step"
    }
    fn description(&self) -> &'static str {
        "A training step: runs a SageMaker training job (e.g. the built-in XGBoost image) on S3 channels and writes the model artifacts to `output_path`. Compiled at plan time; no API call.\n\nAn SDK 2.x `Estimator` adds SageMaker Debugger and Profiler settings to every training job on its own; this step sends them only when declared. To get exactly what the SDK adds (for example to adopt an SDK-built pipeline without a change), declare the two blocks empty:\n\n```hcl\ndebug_hook_config {}\nprofiler_config {}\n```\n\nBoth then write to `output_path`, as the SDK does. What a training job can do that this step cannot express yet is listed in [coverage](../coverage.md); the generic `sagemaker_step` covers it meanwhile."
    }
    fn cacheable(&self) -> bool {
        true
    }
    fn retryable(&self) -> bool {
        true
    }

    fn block(&self, b: Block) -> Block {
        let b = b.attr(Attribute::required("image_uri", Type::String, "Training image URI, e.g. `683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-xgboost:1.7-1`.").validate(crate::provider::steps::common::image_uri_validator()))
            .attr(Attribute::optional("role_arn", Type::String, &format!("{}{}", "IAM role of the job. Defaults to the pipeline's `step_defaults.role_arn`.", super::common::ROLE_DEFAULT_NOTE)).validate(crate::provider::steps::common::role_arn_validator()))
            .attr(Attribute::required("instance_type", Type::String, "Instance type, e.g. `ml.m5.xlarge`, or a reference to a String parameter such as `{{ Parameters.TrainingInstanceType }}`."))
            .attr(Attribute::optional("instance_count", Type::String, "Number of instances (default 1), or a reference to an Integer parameter, e.g. `{{ Parameters.TrainingInstanceCount }}`."))
            .attr(Attribute::optional("volume_size_in_gb", Type::String, "Storage volume size per instance in GB (default 30, as the SDK)."))
            .attr(Attribute::optional("volume_kms_key_id", Type::String, "KMS key for the storage volume (`ResourceConfig.VolumeKmsKeyId`). Defaults to `step_defaults.volume_kms_key_id`.").validate(crate::provider::steps::common::kms_key_validator()))
            .attr(Attribute::optional("max_runtime_in_seconds", Type::String, "Maximum runtime of the job in seconds (default 86400, one day, as the SDK)."))
            .attr(Attribute::required("output_path", Type::String, "S3 prefix the model artifacts are written to (`OutputDataConfig.S3OutputPath`), e.g. `s3://my-bucket/models` or `s3://my-bucket/{{ Execution.PipelineExecutionId }}/model`."))
            .attr(Attribute::optional("output_kms_key_id", Type::String, "KMS key for the model artifacts (`OutputDataConfig.KmsKeyId`). Defaults to `step_defaults.output_kms_key_id`.").validate(crate::provider::steps::common::kms_key_validator()))
            .attr(Attribute::optional("input_mode", Type::String, "How channels are read by default: `File` (default), `Pipe` or `FastFile` (`AlgorithmSpecification.TrainingInputMode`)."))
            .attr(Attribute::optional("hyperparameters", string_map(), "Hyperparameters, e.g. `{ objective = \"reg:squarederror\", num_round = \"50\" }`. Values may hold references; a reference to a non-String parameter is converted to a string as the SDK does (a one-value `Std:Join`).").validate(crate::provider::steps::common::hyperparameters_validator()))
            .attr(Attribute::optional("environment", string_map(), "Environment variables of the training container; values may hold references.").validate(crate::provider::steps::common::environment_validator(100, 512, 512)));
        job::spot_and_checkpoint_attributes(b)
            .attr(
                Attribute::optional(
                    "tags",
                    string_map(),
                    "Tags of the training job, merged over `step_defaults.tags`.",
                )
                .validate(crate::provider::steps::common::tags_validator("job")),
            )
            .block(input_block(&CHANNEL_DOCS))
            .block(metric_definition_block(&METRIC_DOCS))
            .block(job::network_block())
            .block(NestedBlock::single("debug_hook_config", debug_hook_config_block()))
            .block(NestedBlock::single("profiler_config", profiler_config_block()))
    }

    fn compile(&self, cfg: &Value, ctx: &mut Ctx, step: &mut Map<String, Json>) {
        let root = AttrPath::default();
        let mut args = Map::new();

        // AlgorithmSpecification
        let mut algo = Map::new();
        algo.insert("TrainingInputMode".into(), job::training_input_mode(ctx, cfg));
        put(&mut algo, "TrainingImage", ctx.string(cfg, "image_uri", &root));
        let metrics = job::metric_definitions(ctx, cfg);
        if !metrics.is_empty() {
            algo.insert("MetricDefinitions".into(), Json::Array(metrics));
        }
        args.insert("AlgorithmSpecification".into(), Json::Object(algo));

        // OutputDataConfig
        let (output, output_path) = job::training_output_data_config(ctx, cfg);
        args.insert("OutputDataConfig".into(), output);

        // StoppingCondition
        let (stop, spot) = job::training_stopping_condition(ctx, cfg);
        args.insert("StoppingCondition".into(), stop);

        // ResourceConfig
        args.insert("ResourceConfig".into(), job::training_resource_config(ctx, cfg));

        put(&mut args, "RoleArn", ctx.string(cfg, "role_arn", &root));

        let channels = job::input_data_config(ctx, cfg);
        if !channels.is_empty() {
            args.insert("InputDataConfig".into(), Json::Array(channels));
        }

        // The SDK leaves HyperParameters out when there are none, and sends Environment when set.
        if let Some(h) = ctx.string_map(cfg, "hyperparameters", &root, true) {
            if h.len() > 100 {
                ctx.error_of(
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
        put(&mut args, "Tags", job::tags(cfg));

        job::training_network(ctx, cfg, &mut args);
        job::spot_and_checkpoint(ctx, cfg, spot, &mut args);

        put(&mut args, "DebugHookConfig", debug_hook_config(cfg, ctx, output_path.as_ref()));
        put(&mut args, "ProfilerConfig", profiler_config(cfg, ctx, output_path.as_ref()));

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

/// `DebugHookConfig` when the block is declared, as the SDK's `DebuggerHookConfig._to_request_dict`
/// writes it: the S3 prefix (the output path unless set), `CollectionConfigurations` always.
fn debug_hook_config(cfg: &Value, ctx: &mut Ctx, output_path: Option<&Json>) -> Option<Json> {
    let d = cfg.get("debug_hook_config").filter(|d| !d.is_null())?;
    let path = AttrPath::root("debug_hook_config");
    let mut out = Map::new();
    let s3 = match d.get("s3_output_path").filter(|v| !v.is_null()) {
        Some(_) => ctx.s3_uri(d, "s3_output_path", &path),
        None => output_path.cloned(),
    };
    put(&mut out, "S3OutputPath", s3);
    put(&mut out, "LocalPath", ctx.string(d, "local_path", &path));
    put(
        &mut out,
        "HookParameters",
        ctx.string_map(d, "hook_parameters", &path, false).map(Json::Object),
    );
    let mut names = BTreeSet::new();
    let mut collections = Vec::new();
    for (i, c) in model::blocks(d, "collection").iter().enumerate() {
        let p = path.clone().attr("collection").index(i);
        if let Some(name) = model::string(c, "name").value() {
            if !names.insert(name.clone()) {
                ctx.error_from(
                    &[every(path.clone().attr("collection"), "name")],
                    p.clone().attr("name"),
                    format!("Duplicate collection {name:?}"),
                    "Give each collection its own name, or merge their parameters.",
                );
            }
        }
        let mut cc = Map::new();
        put(&mut cc, "CollectionName", ctx.string(c, "name", &p));
        put(
            &mut cc,
            "CollectionParameters",
            ctx.string_map(c, "parameters", &p, false).map(Json::Object),
        );
        collections.push(Json::Object(cc));
    }
    out.insert("CollectionConfigurations".into(), Json::Array(collections));
    Some(Json::Object(out))
}

/// `ProfilerConfig` when the block is declared, as the SDK's `ProfilerConfig._to_request_dict`
/// writes it: `DisableProfiler` always, the S3 prefix (the output path unless set) only when the
/// profiler is on.
fn profiler_config(cfg: &Value, ctx: &mut Ctx, output_path: Option<&Json>) -> Option<Json> {
    let p = cfg.get("profiler_config").filter(|p| !p.is_null())?;
    let path = AttrPath::root("profiler_config");
    let mut out = Map::new();
    let disabled = p.get("disable_profiler").and_then(Value::as_bool).unwrap_or(false);
    let s3_set = given(p, "s3_output_path");
    if disabled && s3_set {
        ctx.error_from(
            &[path.clone().attr("disable_profiler"), path.clone().attr("s3_output_path")],
            path.clone().attr("s3_output_path"),
            "s3_output_path with a disabled profiler",
            "A disabled profiler writes nothing (the SDK leaves the path out): remove s3_output_path, or set disable_profiler = false.",
        );
    }
    if !disabled {
        let s3 = if s3_set { ctx.s3_uri(p, "s3_output_path", &path) } else { output_path.cloned() };
        put(&mut out, "S3OutputPath", s3);
    }
    out.insert("DisableProfiler".into(), Json::Bool(disabled));
    let interval = ctx.count(p, "profiling_interval_in_milliseconds", &path, 1, None);
    if let Some(i) = interval.as_ref().and_then(Json::as_i64) {
        if ![100, 200, 500, 1000, 5000, 60000].contains(&i) {
            ctx.error_of(
                path.clone().attr("profiling_interval_in_milliseconds"),
                format!("Invalid profiling interval {i}"),
                "SageMaker samples every 100, 200, 500, 1000, 5000 or 60000 milliseconds.",
            );
        }
    }
    put(&mut out, "ProfilingIntervalInMilliseconds", interval);
    put(
        &mut out,
        "ProfilingParameters",
        ctx.string_map(p, "profiling_parameters", &path, false).map(Json::Object),
    );
    Some(Json::Object(out))
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
    use serde_json::json;

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
    fn empty_debugger_blocks_are_the_sdk_defaults() {
        let empty_hook = Value::object([
            ("s3_output_path", Value::Null),
            ("local_path", Value::Null),
            ("hook_parameters", Value::Null),
            ("collection", Value::list([])),
        ]);
        let empty_profiler = Value::object([
            ("s3_output_path", Value::Null),
            ("disable_profiler", Value::Null),
            ("profiling_interval_in_milliseconds", Value::Null),
            ("profiling_parameters", Value::Null),
        ]);
        let j = compile(&cfg(vec![
            ("debug_hook_config", empty_hook),
            ("profiler_config", empty_profiler),
        ]))
        .expect("compiles");
        assert_eq!(
            j["Arguments"]["DebugHookConfig"],
            json!({"S3OutputPath": "s3://my-bucket/models", "CollectionConfigurations": []})
        );
        assert_eq!(
            j["Arguments"]["ProfilerConfig"],
            json!({"S3OutputPath": "s3://my-bucket/models", "DisableProfiler": false})
        );
    }

    #[test]
    fn debugger_blocks_in_full_and_a_disabled_profiler() {
        let hook = Value::object([
            ("s3_output_path", Value::string("s3://my-bucket/tensors")),
            ("local_path", Value::string("/opt/ml/output/tensors")),
            ("hook_parameters", Value::map([("save_interval", Value::string("100"))])),
            (
                "collection",
                Value::list([
                    Value::object([
                        ("name", Value::string("losses")),
                        ("parameters", Value::map([("save_interval", Value::string("10"))])),
                    ]),
                    Value::object([
                        ("name", Value::string("weights")),
                        ("parameters", Value::Null),
                    ]),
                ]),
            ),
        ]);
        let profiler = Value::object([
            ("disable_profiler", Value::Bool(true)),
            ("s3_output_path", Value::Null),
        ]);
        let j = compile(&cfg(vec![("debug_hook_config", hook), ("profiler_config", profiler)]))
            .expect("compiles");
        assert_eq!(
            j["Arguments"]["DebugHookConfig"],
            json!({
                "S3OutputPath": "s3://my-bucket/tensors",
                "LocalPath": "/opt/ml/output/tensors",
                "HookParameters": {"save_interval": "100"},
                "CollectionConfigurations": [
                    {"CollectionName": "losses", "CollectionParameters": {"save_interval": "10"}},
                    {"CollectionName": "weights"}
                ]
            })
        );
        assert_eq!(j["Arguments"]["ProfilerConfig"], json!({"DisableProfiler": true}));

        let profiler = Value::object([
            ("disable_profiler", Value::Bool(true)),
            ("s3_output_path", Value::string("s3://my-bucket/profile")),
            ("profiling_interval_in_milliseconds", Value::string("300")),
        ]);
        let err = compile(&cfg(vec![("profiler_config", profiler)])).unwrap_err();
        assert_eq!(
            err.iter().map(|e| e.0.as_str()).collect::<Vec<_>>(),
            vec![
                "profiler_config.s3_output_path",
                "profiler_config.profiling_interval_in_milliseconds"
            ]
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
