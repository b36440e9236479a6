//! The shared job layer: what the SageMaker job steps (processing, training, tuning, transform,
//! quality check, clarify check, model, AutoML) have in common, so that no step file serves as
//! a helper library for its siblings (ARCHITECTURE.md, "The job layer", lists who uses what):
//! - enumerated fields ([`one_of`]: a literal must be allowed; whether a string is a `{{ }}`
//!   reference is decided by `expr::has_expression` alone) and their allowed values;
//! - training input channels (schema, compilation, the duplicate-channel check) and metric
//!   definitions;
//! - instance type and count, volume size and the volume/output KMS keys, one check each;
//! - a training job's `OutputDataConfig`, `ResourceConfig`, `StoppingCondition` (with managed
//!   spot training's wait time), `EnableManagedSpotTraining` and `CheckpointConfig`;
//! - a processing job's `ProcessingResources`, S3 inputs and outputs, `ProcessingOutputConfig`
//!   and stopping condition; a transform job's `TransformResources`;
//! - the `network` block (processing's `NetworkConfig` and the training-style `VpcConfig` /
//!   `EnableNetworkIsolation`) and `Tags`.
//!
//! [`check`] holds what the two check steps (quality and clarify) share on top of that.
//!
//! Schema texts stay with each step (each resource's reference docs say what its job does);
//! the blocks here take them as [`ChannelDocs`] / [`MetricDocs`].

pub mod check;

use std::collections::BTreeSet;

use serde_json::{json, Map, Value as Json};

use super::common::{every, given, object, put, string_list, Ctx};
use super::instance_types::JobKind;
use crate::framework::{AttrPath, Attribute, Block, NestedBlock};
use crate::provider::model;
use crate::tfvalue::{Type, Value};

// ---- enumerated fields --------------------------------------------------------------------

/// `TrainingInputMode` / a channel's `InputMode`.
pub use crate::compiler::dag::INPUT_MODES;
/// `S3DataSource.S3DataType` of a training channel.
pub const S3_DATA_TYPES: [&str; 4] =
    ["S3Prefix", "ManifestFile", "AugmentedManifestFile", "Converse"];
/// `ProcessingS3Input.S3DataType`.
pub const PROCESSING_S3_DATA_TYPES: [&str; 2] = ["S3Prefix", "ManifestFile"];
/// `ProcessingS3Input.S3InputMode`.
pub use crate::compiler::dag::PROCESSING_INPUT_MODES;
/// `ProcessingS3Output.S3UploadMode`.
pub use crate::compiler::dag::UPLOAD_MODES;
/// Where a processing job's inputs go in the container (`ProcessingS3Input.LocalPath` must
/// begin with it).
pub const PROCESSING_DIR: &str = "/opt/ml/processing/";
/// A channel's `CompressionType`.
pub use crate::compiler::dag::COMPRESSION_TYPES;
/// `S3DataSource.S3DataDistributionType`.
pub use crate::compiler::dag::DISTRIBUTION_TYPES;

/// An enumerated string field: a literal must be one of `allowed`; a `{{ }}` reference is
/// passed through (SageMaker checks it at run time). `None` when the attribute is null.
pub fn one_of(
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
            format!(
                "{} Or a {{{{ }}}} reference to a String parameter.",
                super::common::use_one_of(Some(&s), allowed)
            ),
        );
        return None;
    }
    ctx.string(obj, attr, path)
}

/// `AlgorithmSpecification.TrainingInputMode`: the step's `input_mode`, `File` by default.
pub fn training_input_mode(ctx: &mut Ctx, cfg: &Value) -> Json {
    one_of(ctx, cfg, "input_mode", &AttrPath::default(), &INPUT_MODES)
        .unwrap_or_else(|| json!("File"))
}

// ---- training input channels --------------------------------------------------------------

/// The SDK's channel name when one input is given without a name.
pub const DEFAULT_CHANNEL: &str = "training";

/// Channel names: 1-64 of `[A-Za-z0-9._-]`, starting with a letter or digit (CreateTrainingJob).
fn valid_channel_name(s: &str) -> bool {
    s.chars().next().is_some_and(|c| c.is_ascii_alphanumeric())
        && s.len() <= 64
        && s.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_'))
}

/// The descriptions of an `input` (training channel) block that differ between steps.
pub struct ChannelDocs {
    pub block: &'static str,
    pub channel: &'static str,
    pub s3_uri: &'static str,
    pub s3_data_distribution_type: &'static str,
    pub input_mode: &'static str,
    pub compression_type: &'static str,
}

/// The `input` block: one training channel (`InputDataConfig[]`), at most 20.
pub fn input_block(d: &ChannelDocs) -> NestedBlock {
    let b = Block::new(d.block)
        .attr(Attribute::optional("channel", Type::String, d.channel))
        .attr(Attribute::required("s3_uri", Type::String, d.s3_uri))
        .attr(Attribute::optional(
            "content_type",
            Type::String,
            "MIME type of the data, e.g. `text/csv`.",
        ))
        .attr(Attribute::optional(
            "s3_data_type",
            Type::String,
            "`S3Prefix` (default), `ManifestFile`, `AugmentedManifestFile` or `Converse`.",
        ))
        .attr(Attribute::optional(
            "s3_data_distribution_type",
            Type::String,
            d.s3_data_distribution_type,
        ))
        .attr(Attribute::optional("input_mode", Type::String, d.input_mode))
        .attr(Attribute::optional("compression_type", Type::String, d.compression_type));
    NestedBlock::list("input", b).max_items(20)
}

/// `InputDataConfig`: one channel per `input` block, in the SDK's shape (`TrainingInput`).
/// Every channel name must be valid and unique; an input without a name is `training`.
pub fn input_data_config(ctx: &mut Ctx, cfg: &Value) -> Vec<Json> {
    let mut names = BTreeSet::new();
    let mut channels = Vec::new();
    for (i, b) in model::blocks(cfg, "input").iter().enumerate() {
        let path = AttrPath::root("input").index(i);
        let name =
            model::string(b, "channel").value().unwrap_or_else(|| DEFAULT_CHANNEL.to_string());
        if !valid_channel_name(&name) {
            ctx.error_of(
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
            ctx.error_from(
                &[every(AttrPath::root("input"), "channel")],
                path.clone().attr("channel"),
                format!("Duplicate channel {name:?}"),
                detail,
            );
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
        channel.insert("DataSource".into(), object([("S3DataSource", Json::Object(s3))]));
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

// ---- metric definitions -------------------------------------------------------------------

/// The descriptions of a `metric_definition` block that differ between steps.
pub struct MetricDocs {
    pub block: &'static str,
    pub name: &'static str,
    pub regex: &'static str,
}

/// The `metric_definition` block (`AlgorithmSpecification.MetricDefinitions[]`), at most 40.
pub fn metric_definition_block(d: &MetricDocs) -> NestedBlock {
    let b = Block::new(d.block)
        .attr(Attribute::required("name", Type::String, d.name))
        .attr(Attribute::required("regex", Type::String, d.regex));
    NestedBlock::list("metric_definition", b).max_items(40)
}

/// `AlgorithmSpecification.MetricDefinitions`: `[{Name, Regex}]`, names 1-255 characters and
/// unique, regular expressions 1-500 characters.
pub fn metric_definitions(ctx: &mut Ctx, cfg: &Value) -> Vec<Json> {
    let mut names = BTreeSet::new();
    let mut out = Vec::new();
    for (i, b) in model::blocks(cfg, "metric_definition").iter().enumerate() {
        let path = AttrPath::root("metric_definition").index(i);
        let name = model::string(b, "name").value().unwrap_or_default();
        let regex = model::string(b, "regex").value().unwrap_or_default();
        if name.is_empty() || name.chars().count() > 255 {
            ctx.error_of(
                path.clone().attr("name"),
                "Invalid metric name",
                "Metric names are 1-255 characters, e.g. \"validation:rmse\".",
            );
        } else if !names.insert(name.clone()) {
            ctx.error_from(
                &[every(AttrPath::root("metric_definition"), "name")],
                path.clone().attr("name"),
                format!("Duplicate metric {name:?}"),
                "Give each metric_definition its own name.",
            );
        }
        if regex.is_empty() || regex.chars().count() > 500 {
            ctx.error_of(path.clone().attr("regex"), "Invalid metric regex", "Give a regular expression of 1-500 characters whose first group captures the value, e.g. \"auc=([0-9.]+)\".");
        }
        out.push(object([("Name", Json::String(name)), ("Regex", Json::String(regex))]));
    }
    out
}

// ---- instances, volumes, KMS keys ---------------------------------------------------------

/// `InstanceType` of a job of `kind` from the step's `instance_type` ([`Ctx::instance_type`]:
/// a known type of that job kind, or a reference).
pub fn instance_type(ctx: &mut Ctx, cfg: &Value, kind: JobKind) -> Option<Json> {
    ctx.instance_type(cfg, "instance_type", &AttrPath::default(), kind)
}

/// `InstanceCount` from the step's `instance_count`: a whole number of at least 1 or a
/// reference, 1 when unset (as the SDK).
pub fn instance_count(ctx: &mut Ctx, cfg: &Value) -> Option<Json> {
    ctx.count(cfg, "instance_count", &AttrPath::default(), 1, Some(1))
}

/// `VolumeSizeInGB` from the step's `volume_size_in_gb`, 30 when unset (as the SDK).
pub fn volume_size(ctx: &mut Ctx, cfg: &Value) -> Option<Json> {
    ctx.count(cfg, "volume_size_in_gb", &AttrPath::default(), 1, Some(30))
}

/// `VolumeKmsKeyId` from the step's `volume_kms_key_id` (`step_defaults.volume_kms_key_id`
/// fills it in the pipeline when unset).
pub fn volume_kms_key(ctx: &mut Ctx, cfg: &Value) -> Option<Json> {
    ctx.string(cfg, "volume_kms_key_id", &AttrPath::default())
}

/// The output's `KmsKeyId` from the step's `output_kms_key_id` (`step_defaults.output_kms_key_id`
/// fills it in the pipeline when unset).
pub fn output_kms_key(ctx: &mut Ctx, cfg: &Value) -> Option<Json> {
    ctx.string(cfg, "output_kms_key_id", &AttrPath::default())
}

// ---- output, resources, stopping condition ------------------------------------------------

/// A training job's `OutputDataConfig` (`output_path`, `output_kms_key_id`) and the compiled
/// output path, which the Debugger and Profiler configurations default to.
pub fn training_output_data_config(ctx: &mut Ctx, cfg: &Value) -> (Json, Option<Json>) {
    let root = AttrPath::default();
    let mut output = Map::new();
    let output_path = ctx.s3_uri(cfg, "output_path", &root);
    put(&mut output, "S3OutputPath", output_path.clone());
    put(&mut output, "KmsKeyId", output_kms_key(ctx, cfg));
    (Json::Object(output), output_path)
}

/// A training job's `ResourceConfig` (the tuning job's `HyperParameterTuningResourceConfig`):
/// instance type and count (default 1), volume size (default 30 GB, as the SDK) and KMS key.
pub fn training_resource_config(ctx: &mut Ctx, cfg: &Value) -> Json {
    let mut resources = Map::new();
    put(&mut resources, "VolumeSizeInGB", volume_size(ctx, cfg));
    put(&mut resources, "InstanceCount", instance_count(ctx, cfg));
    put(&mut resources, "InstanceType", instance_type(ctx, cfg, JobKind::Training));
    put(&mut resources, "VolumeKmsKeyId", volume_kms_key(ctx, cfg));
    Json::Object(resources)
}

/// `StoppingCondition.MaxRuntimeInSeconds`: the step's `max_runtime_in_seconds`, default 86400
/// (one day, as the SDK).
pub fn max_runtime(ctx: &mut Ctx, cfg: &Value) -> Option<Json> {
    ctx.count(cfg, "max_runtime_in_seconds", &AttrPath::default(), 1, Some(86_400))
}

/// The attributes of managed spot training and checkpoints ([`training_stopping_condition`],
/// [`spot_and_checkpoint`]).
pub fn spot_and_checkpoint_attributes(b: Block) -> Block {
    b
        .attr(Attribute::optional("checkpoint_s3_uri", Type::String, "S3 URI where the job syncs checkpoints (`CheckpointConfig.S3Uri`), e.g. `s3://my-bucket/checkpoints`. Recommended with spot training."))
        .attr(Attribute::optional("checkpoint_local_path", Type::String, "Container path of the checkpoints; left out, SageMaker uses `/opt/ml/checkpoints` (the definition leaves `LocalPath` out, as the SDK does). Needs `checkpoint_s3_uri`."))
        .attr(Attribute::optional("use_spot_instances", Type::Bool, "Use managed spot training (`EnableManagedSpotTraining`). Needs `max_wait_time_in_seconds`."))
        .attr(Attribute::optional("max_wait_time_in_seconds", Type::String, "With spot training: how long to wait for spot capacity plus the run, in seconds; at least `max_runtime_in_seconds` (`StoppingCondition.MaxWaitTimeInSeconds`)."))
}

/// A training job's `StoppingCondition` (the training step, tuning's training job
/// definition): `MaxRuntimeInSeconds` ([`max_runtime`]) and, with managed spot training,
/// `MaxWaitTimeInSeconds`: `max_wait_time_in_seconds` is needed with `use_spot_instances`,
/// only with it, and at least the runtime. Returns the condition and whether spot training is
/// on. A step whose schema has no spot attributes (tuning) reads them as unset.
pub fn training_stopping_condition(ctx: &mut Ctx, cfg: &Value) -> (Json, bool) {
    let root = AttrPath::default();
    let mut stop = Map::new();
    let max_run = max_runtime(ctx, cfg);
    put(&mut stop, "MaxRuntimeInSeconds", max_run.clone());
    let spot = ctx.bool(cfg, "use_spot_instances").unwrap_or(false);
    let max_wait = ctx.count(cfg, "max_wait_time_in_seconds", &root, 1, None);
    let max_wait_set = given(cfg, "max_wait_time_in_seconds");
    let spot_reads =
        [AttrPath::root("use_spot_instances"), AttrPath::root("max_wait_time_in_seconds")];
    if spot && !max_wait_set {
        ctx.error_from(
            &spot_reads,
            AttrPath::root("use_spot_instances"),
            "Spot training needs max_wait_time_in_seconds",
            "Set max_wait_time_in_seconds (at least max_runtime_in_seconds, e.g. \"172800\") to say how long to wait for spot capacity.",
        );
    }
    if max_wait_set && !spot {
        ctx.error_from(
            &spot_reads,
            AttrPath::root("max_wait_time_in_seconds"),
            "max_wait_time_in_seconds without spot training",
            "It only applies to managed spot training: set use_spot_instances = true, or remove max_wait_time_in_seconds.",
        );
    }
    if let (Some(w), Some(r)) =
        (max_wait.as_ref().and_then(Json::as_i64), max_run.as_ref().and_then(Json::as_i64))
    {
        if w < r {
            ctx.error_from(
                &[AttrPath::root("max_wait_time_in_seconds"), AttrPath::root("max_runtime_in_seconds")],
                AttrPath::root("max_wait_time_in_seconds"),
                "max_wait_time_in_seconds is below max_runtime_in_seconds",
                format!("The wait time includes the run: use at least {r} seconds, or lower max_runtime_in_seconds."),
            );
        }
    }
    put(&mut stop, "MaxWaitTimeInSeconds", max_wait);
    (Json::Object(stop), spot)
}

/// Managed spot training and checkpoints of a training job: `EnableManagedSpotTraining` when
/// `spot` ([`training_stopping_condition`]; only when on, as the SDK) and `CheckpointConfig`
/// from `checkpoint_s3_uri` and `checkpoint_local_path` (which needs the S3 URI).
pub fn spot_and_checkpoint(ctx: &mut Ctx, cfg: &Value, spot: bool, args: &mut Map<String, Json>) {
    let root = AttrPath::default();
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
        (None, Some(_)) if model::string(cfg, "checkpoint_s3_uri").value().is_none() => ctx.error_from(
            &[AttrPath::root("checkpoint_s3_uri")],
            AttrPath::root("checkpoint_local_path"),
            "checkpoint_local_path without checkpoint_s3_uri",
            "Checkpoints are synced to S3: set checkpoint_s3_uri too, or remove checkpoint_local_path.",
        ),
        _ => {}
    }
}

/// A processing job's `ProcessingResources` (processing and check steps): instance type (or
/// `default_instance_type` when unset, as the SDK's `CheckJobConfig`), count (default 1),
/// volume size (default 30 GB) and volume KMS key.
pub fn processing_resources(
    ctx: &mut Ctx,
    cfg: &Value,
    default_instance_type: Option<&str>,
) -> Json {
    let mut cluster = Map::new();
    put(
        &mut cluster,
        "InstanceType",
        instance_type(ctx, cfg, JobKind::Processing)
            .or_else(|| default_instance_type.map(|t| json!(t))),
    );
    // ProcessingClusterConfig's ranges.
    let root = AttrPath::default();
    put(
        &mut cluster,
        "InstanceCount",
        ctx.count_in(cfg, "instance_count", &root, 1..=100, Some(1)),
    );
    put(
        &mut cluster,
        "VolumeSizeInGB",
        ctx.count_in(cfg, "volume_size_in_gb", &root, 1..=16_384, Some(30)),
    );
    put(&mut cluster, "VolumeKmsKeyId", volume_kms_key(ctx, cfg));
    object([("ClusterConfig", Json::Object(cluster))])
}

/// A transform job's `TransformResources`: instance count (default 1), type and volume KMS key.
pub fn transform_resources(ctx: &mut Ctx, cfg: &Value) -> Json {
    let mut resources = Map::new();
    put(&mut resources, "InstanceCount", instance_count(ctx, cfg));
    put(&mut resources, "InstanceType", instance_type(ctx, cfg, JobKind::Transform));
    put(&mut resources, "VolumeKmsKeyId", volume_kms_key(ctx, cfg));
    Json::Object(resources)
}

/// A processing input (`ProcessingInputs[]`) with the SDK's defaults: `S3Prefix`, `File`,
/// `FullyReplicated`, no compression.
pub fn processing_s3_input(
    name: &str,
    uri: Option<Json>,
    local: Option<String>,
    data_type: Option<Json>,
    mode: Option<Json>,
    distribution: Option<Json>,
) -> Json {
    let s3 = object([
        ("S3Uri", uri.unwrap_or(Json::Null)),
        ("LocalPath", Json::String(local.unwrap_or_default())),
        ("S3DataType", data_type.unwrap_or_else(|| json!("S3Prefix"))),
        ("S3InputMode", mode.unwrap_or_else(|| json!("File"))),
        ("S3DataDistributionType", distribution.unwrap_or_else(|| json!("FullyReplicated"))),
        ("S3CompressionType", Json::String("None".into())),
    ]);
    object([
        ("InputName", Json::String(name.into())),
        ("AppManaged", Json::Bool(false)),
        ("S3Input", s3),
    ])
}

/// A processing output (`ProcessingOutputConfig.Outputs[]`): the container's `local` directory
/// uploaded to `uri` in `upload_mode` (`EndOfJob` or `Continuous`).
pub fn processing_s3_output(
    name: &str,
    uri: Option<Json>,
    local: Option<Json>,
    upload_mode: Json,
) -> Json {
    let mut s3 = Map::new();
    put(&mut s3, "S3Uri", uri);
    put(&mut s3, "LocalPath", local);
    s3.insert("S3UploadMode".into(), upload_mode);
    object([
        ("OutputName", Json::String(name.into())),
        ("AppManaged", Json::Bool(false)),
        ("S3Output", Json::Object(s3)),
    ])
}

/// `ProcessingOutputConfig` (processing and check steps): the outputs and the step's
/// `output_kms_key_id`.
pub fn processing_output_config(ctx: &mut Ctx, cfg: &Value, outputs: Vec<Json>) -> Json {
    let mut out_cfg = Map::new();
    out_cfg.insert("Outputs".into(), Json::Array(outputs));
    put(&mut out_cfg, "KmsKeyId", output_kms_key(ctx, cfg));
    Json::Object(out_cfg)
}

/// A processing job's `StoppingCondition`, only when `max_runtime_in_seconds` is set (no
/// default, as the SDK's processors and `CheckJobConfig`).
pub fn processing_stopping_condition(ctx: &mut Ctx, cfg: &Value) -> Option<Json> {
    // ProcessingStoppingCondition's range: at most 9 days.
    let max =
        ctx.count_in(cfg, "max_runtime_in_seconds", &AttrPath::default(), 1..=777_600, None)?;
    Some(object([("MaxRuntimeInSeconds", max)]))
}

// ---- network ------------------------------------------------------------------------------

/// The `network` block of processing, training, tuning and model steps (and `step_defaults`).
pub fn network_block() -> NestedBlock {
    NestedBlock::single(
        "network",
        Block::new("Network settings of the job: isolation and the VPC it runs in.")
            .attr(Attribute::optional(
                "enable_network_isolation",
                Type::Bool,
                "Run the container without network access.",
            ))
            .block(NestedBlock::single(
                "vpc_config",
                Block::new("The VPC the job's containers attach to.")
                    .attr(Attribute::required(
                        "subnets",
                        string_list(),
                        "Subnet IDs, e.g. `aws_subnet.private[*].id`.",
                    ))
                    .attr(Attribute::required(
                        "security_group_ids",
                        string_list(),
                        "Security group IDs.",
                    )),
            )),
    )
}

/// Compiles a `network` block into the `NetworkConfig` shape of processing jobs.
pub fn network_config(cfg: &Value, ctx: &mut Ctx) -> Option<Json> {
    let n = cfg.get("network").filter(|n| !n.is_null())?;
    let mut out = Map::new();
    if let Some(b) = n.get("enable_network_isolation").and_then(Value::as_bool) {
        out.insert("EnableNetworkIsolation".into(), Json::Bool(b));
    }
    if let Some(v) = vpc_config(n, ctx) {
        out.insert("VpcConfig".into(), v);
    }
    Some(Json::Object(out))
}

/// An empty `subnets` or `security_group_ids` of the `vpc_config` block at `path`, reported at
/// that list (fresh-eyes finding: reported at the block, Terraform pointed at the resource).
pub fn incomplete_vpc(subnets: &[Json], sgs: &[Json], path: &AttrPath, ctx: &mut Ctx) {
    for (list, attr) in [(subnets, "subnets"), (sgs, "security_group_ids")] {
        if list.is_empty() {
            ctx.error_of(
                path.clone().attr(attr),
                "Incomplete VPC configuration",
                "Give at least one subnet and one security group.",
            );
        }
    }
}

/// `{SecurityGroupIds, Subnets}` from a block holding `vpc_config`.
pub fn vpc_config(network: &Value, ctx: &mut Ctx) -> Option<Json> {
    let v = network.get("vpc_config").filter(|v| !v.is_null())?;
    let path = AttrPath::root("network").attr("vpc_config");
    let subnets = ctx.string_list(v, "subnets", &path).unwrap_or_default();
    let sgs = ctx.string_list(v, "security_group_ids", &path).unwrap_or_default();
    incomplete_vpc(&subnets, &sgs, &path, ctx);
    for (at, summary, detail) in vpc_id_problems(v, &path) {
        ctx.local_error(at, summary, detail);
    }
    Some(object([("SecurityGroupIds", Json::Array(sgs)), ("Subnets", Json::Array(subnets))]))
}

/// What is wrong with the literal IDs of the `vpc_config` block `v` at `path`, as
/// (path, summary, detail). SageMaker's `VpcConfig` takes 1-16 subnets and 1-5 security groups,
/// each 1-32 letters, digits and hyphens; EC2 names them `subnet-…` and `sg-…`. An ID holding a
/// `{{ }}` reference (a parameter) is judged when the pipeline runs, and an unknown list when it
/// is known (helper finding: empty, duplicate and space-holding IDs went into the definition).
/// Shared by the job steps' `network.vpc_config`, AutoML's `vpc_config` and the pipeline's
/// `step_defaults.network.vpc_config`.
pub fn vpc_id_problems(v: &Value, path: &AttrPath) -> Vec<(AttrPath, String, String)> {
    let mut out = Vec::new();
    for (attr, prefix, kind, title, most, example) in [
        ("subnets", "subnet-", "subnet", "Subnet", 16, "subnet-0123456789abcdef0"),
        (
            "security_group_ids",
            "sg-",
            "security group",
            "Security group",
            5,
            "sg-0123456789abcdef0",
        ),
    ] {
        let Some(items) = v.get(attr).filter(|l| l.is_known()).and_then(Value::as_list) else {
            continue;
        };
        let at = |i: usize| path.clone().attr(attr).index(i);
        if items.len() > most {
            out.push((
                path.clone().attr(attr),
                format!("Too many {kind}s: {}", items.len()),
                format!("SageMaker takes at most {most} {kind} IDs in a VPC configuration; remove some."),
            ));
        }
        for (i, item) in items.iter().enumerate() {
            let Some(id) = item.as_str() else { continue };
            if crate::compiler::expr::has_expression(id) {
                continue;
            }
            let shown = crate::compiler::expr::shown(id);
            let well_formed = id.len() <= 32
                && id.starts_with(prefix)
                && id.len() > prefix.len()
                && id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-');
            if !well_formed {
                let swapped = if kind == "subnet" {
                    id.starts_with("sg-")
                } else {
                    id.starts_with("subnet-")
                };
                let hint = if swapped {
                    format!(" It looks like a{} ID: check that subnets and security_group_ids are not swapped.", if kind == "subnet" { " security group" } else { " subnet" })
                } else {
                    String::new()
                };
                out.push((
                    at(i),
                    if id.is_empty() { format!("A {kind} ID is empty") } else { format!("{shown} is not a {kind} ID") },
                    format!("Use the ID EC2 gives the {kind}, like \"{example}\" (e.g. from a data source or resource of the AWS provider).{hint}"),
                ));
            } else if items[..i].iter().any(|x| x.as_str() == Some(id)) {
                out.push((
                    at(i),
                    format!("{title} {shown} is listed twice"),
                    "List each ID once.".into(),
                ));
            }
        }
    }
    out
}

/// A training-style job's network settings (training, tuning's training job definition,
/// model): `VpcConfig` when given and, as the SDK, `EnableNetworkIsolation` only when true.
pub fn training_network(ctx: &mut Ctx, cfg: &Value, args: &mut Map<String, Json>) {
    if let Some(n) = cfg.get("network").filter(|n| !n.is_null()) {
        put(args, "VpcConfig", vpc_config(n, ctx));
        if n.get("enable_network_isolation").and_then(Value::as_bool) == Some(true) {
            args.insert("EnableNetworkIsolation".into(), Json::Bool(true));
        }
    }
}

// ---- tags ---------------------------------------------------------------------------------

/// A step's own `tags` as the API's `[{Key, Value}]` list (sorted by key for a stable form).
pub fn tags(cfg: &Value) -> Option<Json> {
    let t = model::string_map(cfg, "tags").value().filter(|t| !t.is_empty())?;
    Some(Json::Array(
        t.into_iter()
            .map(|(k, v)| object([("Key", Json::String(k)), ("Value", Json::String(v))]))
            .collect(),
    ))
}
