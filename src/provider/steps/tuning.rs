//! `sagemaker_tuning_step`: a hyperparameter tuning job (`Type: Tuning`). `Arguments` is the
//! CreateHyperParameterTuningJob request without the job name, shaped the way the SageMaker
//! Python SDK's `HyperparameterTuner` builds it: `HyperParameterTuningJobConfig` (strategy,
//! objective, resource limits, all three `ParameterRanges` lists, early stopping) and one
//! `TrainingJobDefinition` whose attributes mirror the training step (image, role, instances,
//! inputs, output path, static hyperparameters, metric definitions, network).
//!
//! SDK defaults: `Strategy: Bayesian`, `TrainingJobEarlyStoppingType: Off`, one training job
//! (one at a time), `ScalingType: Auto`, `TrainingInputMode: File`, `VolumeSizeInGB: 30`,
//! `MaxRuntimeInSeconds: 86400`, `StaticHyperParameters: {}`; the instances go in
//! `HyperParameterTuningResourceConfig`, as SDK 2.x's `_map_training_config` sends them. Range
//! bounds are strings in the API; a reference becomes a one-value `Std:Join`, as the SDK's
//! `to_string()` does.
//!
//! Exports `best_training_job_name`, `best_objective_value` and `best_model_artifacts` (the
//! SDK's `get_top_model_s3_uri(top_k=0, ...)`: `TrainingJobSummaries[0].TrainingJobName`
//! under the output path, exactly the property path the SDK joins).
//!
//! Layout: schema, compile, exports, tests.

use std::collections::BTreeSet;

use serde_json::{json, Map, Value as Json};

use super::common::{every, put, string_list, string_map, Ctx};
use super::job::{self, input_block, metric_definition_block, ChannelDocs, MetricDocs};
use super::{Export, StepKind};
use crate::compiler::expr;
use crate::compiler::policy::{self, Permission};
use crate::compiler::step_type::StepDefault;
use crate::compiler::{dag::StepDefaults, properties::PropertyTree, step_type, StepTypeFacts};
use crate::framework::{AttrPath, Attribute, Block, NestedBlock};
use crate::provider::model::{self, Known};
use crate::tfvalue::{Type, Value};

pub struct Tuning;

const STRATEGIES: [&str; 4] = ["Bayesian", "Random", "Hyperband", "Grid"];
const OBJECTIVE_TYPES: [&str; 2] = ["Maximize", "Minimize"];
const EARLY_STOPPING: [&str; 2] = ["Off", "Auto"];
const SCALING_TYPES: [&str; 4] = ["Auto", "Linear", "Logarithmic", "ReverseLogarithmic"];
/// SageMaker tunes at most this many hyperparameters in one job.
const MAX_RANGES: usize = 30;

// ---- schema -------------------------------------------------------------------------------

const CHANNEL_DOCS: ChannelDocs = ChannelDocs {
    block: "A training channel: S3 data every training job of the tuning job reads.",
    channel: "Channel name, e.g. `train` or `validation`; defaults to `training`, as the SDK names a single input.",
    s3_uri: "S3 URI or a reference, e.g. `{{ Steps.Prep.ProcessingOutputConfig.Outputs['train'].S3Output.S3Uri }}`.",
    s3_data_distribution_type: "`FullyReplicated` (default) or `ShardedByS3Key`.",
    input_mode: "Per-channel input mode: `File`, `Pipe` or `FastFile`, e.g. `Pipe`.",
    compression_type: "`None` or `Gzip`, e.g. `Gzip`.",
};

const METRIC_DOCS: MetricDocs = MetricDocs {
    block: "A metric the training jobs log, found with a regular expression; the objective must be one of them when any are given.",
    name: "Metric name, e.g. `validation:accuracy`.",
    regex: "Regular expression whose first group is the value, e.g. `val_acc=([0-9\\\\.]+)`.",
};

fn objective_block() -> Block {
    Block::new("What the tuning job optimises (required).")
        .attr(Attribute::required("type", Type::String, "`Maximize` or `Minimize`, e.g. `Maximize`."))
        .attr(Attribute::required("metric_name", Type::String, "The metric, e.g. `validation:auc` (a built-in algorithm metric or a `metric_definition` name)."))
}

fn numeric_range_block(integer: bool) -> Block {
    if integer {
        Block::new("An integer hyperparameter range the tuning job searches (`IntegerParameterRanges`): whole numbers from `min_value` to `max_value`.")
            .attr(Attribute::required("name", Type::String, "Hyperparameter name, e.g. `max_depth`."))
            .attr(Attribute::required("min_value", Type::String, "Lower bound, a whole number, e.g. `3`, or a reference to an Integer parameter."))
            .attr(Attribute::required("max_value", Type::String, "Upper bound, a whole number, e.g. `10`, or a reference to an Integer parameter."))
            .attr(Attribute::optional(
                "scaling_type",
                Type::String,
                "`Auto` (default), `Linear` or `Logarithmic` (bounds above 0), e.g. `Linear`. (`ReverseLogarithmic` is for continuous ranges only.)",
            ))
    } else {
        Block::new("A continuous hyperparameter range the tuning job searches (`ContinuousParameterRanges`): any number from `min_value` to `max_value`.")
            .attr(Attribute::required("name", Type::String, "Hyperparameter name, e.g. `eta`."))
            .attr(Attribute::required("min_value", Type::String, "Lower bound, e.g. `0.01`, or a reference to a numeric parameter."))
            .attr(Attribute::required("max_value", Type::String, "Upper bound, e.g. `0.5`, or a reference to a numeric parameter."))
            .attr(Attribute::optional(
                "scaling_type",
                Type::String,
                "`Auto` (default), `Linear`, `Logarithmic` (bounds above 0) or `ReverseLogarithmic` (bounds in [0, 1)), e.g. `Logarithmic`.",
            ))
    }
}

fn categorical_range_block() -> Block {
    Block::new("A categorical hyperparameter range: the values the tuning job tries.")
        .attr(Attribute::required("name", Type::String, "Hyperparameter name, e.g. `optimizer`."))
        .attr(Attribute::required(
            "values",
            string_list(),
            "The values, e.g. `[\"sgd\", \"adam\"]`.",
        ))
}

impl StepTypeFacts for Tuning {
    fn step_type(&self) -> &'static str {
        "Tuning"
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
        if let Some(t) = args.get_mut("TrainingJobDefinition").and_then(Json::as_object_mut) {
            // The SDK 2.x shape; a definition written by hand may still use `ResourceConfig`.
            let resources = if t.contains_key("ResourceConfig")
                && !t.contains_key("HyperParameterTuningResourceConfig")
            {
                "ResourceConfig"
            } else {
                "HyperParameterTuningResourceConfig"
            };
            step_type::training_job_defaults(t, resources, d);
        }
        step_type::merge_tags(args, d);
    }
    fn string_maps(&self) -> &'static [&'static str] {
        &["StaticHyperParameters", "Environment"]
    }
    fn arguments_are_user_named(&self) -> bool {
        false
    }
    fn role_path(&self) -> Option<&'static [&'static str]> {
        Some(&["TrainingJobDefinition", "RoleArn"])
    }
    fn named_lists(&self) -> &'static [step_type::NamedList] {
        &[]
    }
    fn property_files(&self) -> bool {
        false
    }
    fn instance_types(&self) -> &'static [&'static str] {
        super::instance_types::JobKind::Training.instance_types()
    }
    fn cache_key(&self) -> Option<&'static [&'static [&'static str]]> {
        Some(step_type::cache_keys::TUNING)
    }
    fn permissions(&self) -> &'static [Permission] {
        &[
            Permission::SageMakerJob(&policy::TUNING_JOB),
            Permission::SageMakerJob(&policy::TRAINING_JOB),
        ]
    }
}

impl StepKind for Tuning {
    fn type_name(&self) -> &'static str {
        "sagemaker_tuning_step"
    }
    fn description(&self) -> &'static str {
        "A hyperparameter tuning step: runs many training jobs over hyperparameter ranges and keeps the best by an objective metric. Compiled at plan time; no API call. What the job's API request has that this step cannot express yet is listed in [coverage](../coverage.md); the generic `sagemaker_step` covers it meanwhile."
    }
    fn cacheable(&self) -> bool {
        true
    }
    fn retryable(&self) -> bool {
        true
    }

    fn block(&self, b: Block) -> Block {
        b.attr(Attribute::required("image_uri", Type::String, "Training image URI, e.g. `683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-xgboost:1.7-1`.").validate(crate::provider::steps::common::image_uri_validator()))
            .attr(Attribute::optional("role_arn", Type::String, &format!("{}{}", "IAM role of the training jobs, e.g. `aws_iam_role.sagemaker.arn`. Defaults to the pipeline's `step_defaults.role_arn`.", super::common::ROLE_DEFAULT_NOTE)).validate(crate::provider::steps::common::role_arn_validator()))
            .attr(Attribute::required("instance_type", Type::String, "Instance type of each training job, e.g. `ml.m5.xlarge`, or a reference to a String parameter."))
            .attr(Attribute::optional("instance_count", Type::String, "Instances per training job (default 1), e.g. `2`, or a reference to an Integer parameter."))
            .attr(Attribute::optional("volume_size_in_gb", Type::String, "Storage volume size in GB (default 30), e.g. `50`."))
            .attr(Attribute::optional("volume_kms_key_id", Type::String, "KMS key for the storage volumes, e.g. `aws_kms_key.ml.arn`. Defaults to `step_defaults.volume_kms_key_id`.").validate(crate::provider::steps::common::kms_key_validator()))
            .attr(Attribute::optional("output_kms_key_id", Type::String, "KMS key for the model artifacts, e.g. `aws_kms_key.ml.arn`. Defaults to `step_defaults.output_kms_key_id`.").validate(crate::provider::steps::common::kms_key_validator()))
            .attr(Attribute::optional("max_runtime_in_seconds", Type::String, "Maximum runtime of each training job in seconds (default 86400), e.g. `3600`."))
            .attr(Attribute::optional("input_mode", Type::String, "How channels are read by default: `File` (default), `Pipe` or `FastFile` (`AlgorithmSpecification.TrainingInputMode`), e.g. `Pipe`."))
            .attr(Attribute::required("output_path", Type::String, "S3 prefix for the model artifacts, e.g. `s3://my-bucket/tuning`; each job writes `<output_path>/<job name>/output/model.tar.gz`."))
            .attr(Attribute::optional("static_hyperparameters", string_map(), "Hyperparameters every training job gets unchanged, e.g. `{ objective = \"binary:logistic\" }`; values may hold references. A tuned name must not appear here.").validate(crate::provider::steps::common::hyperparameters_validator()))
            .attr(Attribute::optional("strategy", Type::String, "Search strategy: `Bayesian` (default), `Random`, `Hyperband` or `Grid` (categorical ranges only), e.g. `Random`."))
            .attr(Attribute::optional("max_number_of_training_jobs", Type::String, "Total training jobs (default 1; left out for `Grid` when unset), e.g. `20`, or a reference to an Integer parameter."))
            .attr(Attribute::optional("max_parallel_training_jobs", Type::String, "Training jobs run at the same time (default 1), e.g. `4`, or a reference to an Integer parameter."))
            .attr(Attribute::optional("early_stopping_type", Type::String, "`Off` (default) or `Auto`: whether SageMaker may stop unpromising training jobs early, e.g. `Auto`. `Hyperband` stops them by itself and takes only `Off`."))
            .attr(Attribute::optional("tags", string_map(), "Tags of the tuning job, e.g. `{ project = \"churn\" }`, merged over `step_defaults.tags`.").validate(crate::provider::steps::common::tags_validator("job")))
            .block(input_block(&CHANNEL_DOCS))
            .block(metric_definition_block(&METRIC_DOCS))
            .block(NestedBlock::single("objective", objective_block()))
            .block(NestedBlock::list("continuous_parameter_range", numeric_range_block(false)))
            .block(NestedBlock::list("integer_parameter_range", numeric_range_block(true)))
            .block(NestedBlock::list("categorical_parameter_range", categorical_range_block()))
            .block(job::network_block())
    }

    fn compile(&self, cfg: &Value, ctx: &mut Ctx, step: &mut Map<String, Json>) {
        let root = AttrPath::default();
        let mut args = Map::new();

        // --- HyperParameterTuningJobConfig -------------------------------------------------
        let mut tuning = Map::new();
        let strategy = job::one_of(ctx, cfg, "strategy", &root, &STRATEGIES)
            .unwrap_or_else(|| json!("Bayesian"));
        // A reference is decided at run time: only a literal `Grid` changes the defaults here.
        let grid = strategy.as_str() == Some("Grid");
        let hyperband = strategy.as_str() == Some("Hyperband");
        tuning.insert("Strategy".into(), strategy);

        let mut limits = Map::new();
        // Grid search runs every combination: the SDK leaves the total out unless it is given.
        let total_default = if grid { None } else { Some(1) };
        put(
            &mut limits,
            "MaxNumberOfTrainingJobs",
            ctx.count(cfg, "max_number_of_training_jobs", &root, 1, total_default),
        );
        put(
            &mut limits,
            "MaxParallelTrainingJobs",
            ctx.count(cfg, "max_parallel_training_jobs", &root, 1, Some(1)),
        );
        tuning.insert("ResourceLimits".into(), Json::Object(limits));
        let early_stopping = job::one_of(ctx, cfg, "early_stopping_type", &root, &EARLY_STOPPING)
            .unwrap_or_else(|| json!("Off"));
        if hyperband && early_stopping.as_str() == Some("Auto") {
            ctx.error_from(
                &[AttrPath::root("strategy"), AttrPath::root("early_stopping_type")],
                AttrPath::root("early_stopping_type"),
                "Hyperband stops training jobs early by itself",
                "SageMaker takes strategy = \"Hyperband\" only with early_stopping_type = \"Off\": its own early stopping replaces it. Remove early_stopping_type, or choose another strategy.",
            );
        }
        tuning.insert("TrainingJobEarlyStoppingType".into(), early_stopping);

        let metric_names: Vec<String> = model::blocks(cfg, "metric_definition")
            .iter()
            .filter_map(|b| model::string(b, "name").value())
            .collect();
        match cfg.get("objective").filter(|o| !o.is_null()) {
            Some(o) => {
                let path = AttrPath::root("objective");
                let ty = model::string(o, "type").value().unwrap_or_default();
                if !OBJECTIVE_TYPES.contains(&ty.as_str()) {
                    ctx.error_of(path.clone().attr("type"), format!("Unknown objective type {ty:?}"), "Use \"Maximize\" or \"Minimize\".");
                }
                let metric = model::string(o, "metric_name").value().unwrap_or_default();
                if metric.trim().is_empty() {
                    ctx.error_of(path.clone().attr("metric_name"), "Empty objective metric", "Name the metric to optimise, e.g. \"validation:auc\".");
                } else if !metric_names.is_empty() && !metric_names.contains(&metric) && !crate::compiler::expr::has_expression(&metric) {
                    // Metric definitions mean a custom algorithm, which reports only these.
                    let hint = crate::compiler::expr::did_you_mean(&metric, metric_names.iter().map(String::as_str))
                        .map(|c| format!("Did you mean '{c}'? "))
                        .unwrap_or_default();
                    ctx.error_from(
                        &[path.clone().attr("metric_name"), every(AttrPath::root("metric_definition"), "name")],
                        path.attr("metric_name"),
                        format!("Objective metric {metric:?} is not among the metric definitions"),
                        format!("{hint}The training jobs report only {}; use one of them, or add a metric_definition named {metric:?}.", metric_names.join(", ")),
                    );
                }
                tuning.insert("HyperParameterTuningJobObjective".into(), json!({"Type": ty, "MetricName": metric}));
            }
            None => ctx.error_of(
                AttrPath::root("objective"),
                "Missing objective",
                "Add objective { type = \"Maximize\", metric_name = \"validation:auc\" }: the metric the tuning job optimises.",
            ),
        }

        let mut names = BTreeSet::new();
        let continuous = numeric_ranges(ctx, cfg, "continuous_parameter_range", false, &mut names);
        let integer = numeric_ranges(ctx, cfg, "integer_parameter_range", true, &mut names);
        let categorical = categorical_ranges(ctx, cfg, &mut names);
        let range_names = RANGE_BLOCKS.map(|b| every(AttrPath::root(b), "name"));
        if names.is_empty() {
            ctx.error_from(
                &range_names,
                AttrPath::default(),
                "No hyperparameter ranges",
                "Add at least one continuous_parameter_range, integer_parameter_range or categorical_parameter_range block.",
            );
        } else if names.len() > MAX_RANGES {
            ctx.error_from(
                &range_names,
                AttrPath::default(),
                "Too many hyperparameter ranges",
                format!(
                    "SageMaker tunes at most {MAX_RANGES} hyperparameters; this step has {}.",
                    names.len()
                ),
            );
        }
        if grid && !(continuous.is_empty() && integer.is_empty()) {
            let attr = if continuous.is_empty() {
                "integer_parameter_range"
            } else {
                "continuous_parameter_range"
            };
            // At the first such range's name: Terraform shows a block path at the resource.
            ctx.error_from(
                &[AttrPath::root("strategy"), range_names[0].clone(), range_names[1].clone()],
                AttrPath::root(attr).index(0).attr("name"),
                "Grid search takes only categorical ranges",
                "With strategy = \"Grid\" every range must be a categorical_parameter_range; list the values to try, or use another strategy.",
            );
        }
        // The SDK always emits all three lists.
        tuning.insert(
            "ParameterRanges".into(),
            json!({
                "ContinuousParameterRanges": continuous,
                "IntegerParameterRanges": integer,
                "CategoricalParameterRanges": categorical,
            }),
        );
        args.insert("HyperParameterTuningJobConfig".into(), Json::Object(tuning));

        // --- TrainingJobDefinition ---------------------------------------------------------
        let mut def = Map::new();
        let mut algo = Map::new();
        put(&mut algo, "TrainingImage", ctx.string(cfg, "image_uri", &root));
        algo.insert("TrainingInputMode".into(), job::training_input_mode(ctx, cfg));
        let metrics = job::metric_definitions(ctx, cfg);
        if !metrics.is_empty() {
            algo.insert("MetricDefinitions".into(), Json::Array(metrics));
        }
        def.insert("AlgorithmSpecification".into(), Json::Object(algo));
        put(&mut def, "RoleArn", ctx.string(cfg, "role_arn", &root));

        let mut statics =
            ctx.string_map(cfg, "static_hyperparameters", &root, true).unwrap_or_default();
        for n in &names {
            if statics.remove(n).is_some() {
                ctx.error_from(
                    &range_names,
                    AttrPath::root("static_hyperparameters").key(n),
                    format!("Hyperparameter {n:?} is both static and tuned"),
                    "Remove it from static_hyperparameters, or remove its range.",
                );
            }
        }
        def.insert("StaticHyperParameters".into(), Json::Object(statics));

        let channels = job::input_data_config(ctx, cfg);
        if !channels.is_empty() {
            def.insert("InputDataConfig".into(), Json::Array(channels));
        }
        def.insert("OutputDataConfig".into(), job::training_output_data_config(ctx, cfg).0);
        // SDK 2.x's `_map_training_config` sends the tuning variant of the resource config.
        def.insert(
            "HyperParameterTuningResourceConfig".into(),
            job::training_resource_config(ctx, cfg),
        );
        // The training step's stopping condition; the schema has no spot training (yet), so
        // it is `MaxRuntimeInSeconds` alone.
        def.insert("StoppingCondition".into(), job::training_stopping_condition(ctx, cfg).0);

        job::training_network(ctx, cfg, &mut def);
        args.insert("TrainingJobDefinition".into(), Json::Object(def));
        put(&mut args, "Tags", job::tags(cfg));
        step.insert("Arguments".into(), Json::Object(args));
    }

    fn exports(&self) -> Vec<Export> {
        vec![
            Export {
                name: "best_training_job_name",
                ty: Type::String,
                description: "`{{ Steps.<name>.BestTrainingJob.TrainingJobName }}`: the training job with the best objective value (the SDK's `properties.BestTrainingJob.TrainingJobName`).",
                value: |name, _| Value::string(format!("{{{{ Steps.{name}.BestTrainingJob.TrainingJobName }}}}")),
            },
            Export {
                name: "best_objective_value",
                ty: Type::String,
                description: "`{{ Steps.<name>.BestTrainingJob.FinalHyperParameterTuningJobObjectiveMetric.Value }}`: the best training job's objective metric value (the SDK's `properties.BestTrainingJob.FinalHyperParameterTuningJobObjectiveMetric.Value`), e.g. for a condition step.",
                value: |name, _| Value::string(format!("{{{{ Steps.{name}.BestTrainingJob.FinalHyperParameterTuningJobObjectiveMetric.Value }}}}")),
            },
            Export {
                name: "best_model_artifacts",
                ty: Type::String,
                description: "The best training job's model: `<output_path>/{{ Steps.<name>.TrainingJobSummaries[0].TrainingJobName }}/output/model.tar.gz`, exactly the SDK's `get_top_model_s3_uri(top_k=0, s3_bucket, prefix)` for an `output_path` of `s3://<s3_bucket>/<prefix>`, e.g. for a model step's `model_data_url`.",
                value: |name, cfg| match model::string(cfg, "output_path") {
                    Known::Value(p) => Value::string(best_model_artifacts(name, &p)),
                    Known::Null => Value::Null,
                    Known::Unknown => Value::Unknown,
                },
            },
        ]
    }
}

/// Where the best training job's model lands under `output_path`.
pub fn best_model_artifacts(step: &str, output_path: &str) -> String {
    format!(
        "{}/{{{{ Steps.{step}.TrainingJobSummaries[0].TrainingJobName }}}}/output/model.tar.gz",
        output_path.trim_end_matches('/')
    )
}

/// A range bound: the API takes a string. A literal must be a number of the range's kind; a
/// reference is converted to a string as the SDK does.
fn bound(
    ctx: &mut Ctx,
    b: &Value,
    attr: &str,
    path: &AttrPath,
    integer: bool,
) -> (Json, Option<f64>) {
    let Some(s) = model::string(b, attr).value() else { return (Json::Null, None) };
    // Checked as written, so that the spaces around a reference (`" {{ Parameters.Max }} "`),
    // which would reach SageMaker inside the bound, are refused as a literal's are.
    if let Some(why) = crate::compiler::definition::literal_spelling(&s) {
        ctx.error_of(
            path.clone().attr(attr),
            format!("Invalid {attr}"),
            format!("{why} Or use a reference to a numeric parameter."),
        );
        return (Json::Null, None);
    }
    let Some(j) = ctx.compile_str(&s, path.clone().attr(attr)) else { return (Json::Null, None) };
    let Json::String(text) = &j else { return (expr::to_string_expr(j), None) };
    let t = text.as_str();
    let parsed = if integer {
        t.parse::<i64>().ok().map(|n| n as f64)
    } else {
        t.parse::<f64>().ok().filter(|f| f.is_finite())
    };
    if parsed.is_none() {
        let (kind, example) = if integer { ("a whole number", "10") } else { ("a number", "0.01") };
        let digits = t.strip_prefix(['-', '+']).unwrap_or(t);
        // A whole number too large for 64 bits (helper finding: it was told to write a whole
        // number); the value is not echoed in full.
        let (summary, detail) = if integer
            && !digits.is_empty()
            && digits.bytes().all(|b| b.is_ascii_digit())
        {
            (
                format!("{attr} is too large"),
                format!("Integer ranges take whole numbers from {} to {}.", i64::MIN, i64::MAX),
            )
        } else {
            (
                format!("Invalid {attr} {}", expr::shown(t)),
                format!("Write {kind}, e.g. \"{example}\", or a reference to a numeric parameter."),
            )
        };
        ctx.error_of(path.clone().attr(attr), summary, detail);
    }
    (Json::String(t.to_string()), parsed)
}

/// A bound as written (the number parsed from it may be rounded: review finding, a 19-digit
/// bound was shown as a float).
fn text_of(bound: &Json) -> String {
    bound.as_str().map(expr::shown).unwrap_or_default()
}

/// The three kinds of hyperparameter range, in the order of `ParameterRanges`' lists.
const RANGE_BLOCKS: [&str; 3] =
    ["continuous_parameter_range", "integer_parameter_range", "categorical_parameter_range"];

fn check_name(ctx: &mut Ctx, b: &Value, path: &AttrPath, names: &mut BTreeSet<String>) -> String {
    let name = model::string(b, "name").value().unwrap_or_default();
    if name.trim().is_empty() {
        ctx.error_of(
            path.clone().attr("name"),
            "Empty hyperparameter name",
            "Name the hyperparameter the range is for, e.g. \"eta\".",
        );
    } else if !names.insert(name.clone()) {
        ctx.error_from(
            &RANGE_BLOCKS.map(|b| every(AttrPath::root(b), "name")),
            path.clone().attr("name"),
            format!("Hyperparameter {name:?} has more than one range"),
            "Give each hyperparameter one range block.",
        );
    }
    name
}

fn numeric_ranges(
    ctx: &mut Ctx,
    cfg: &Value,
    attr: &str,
    integer: bool,
    names: &mut BTreeSet<String>,
) -> Vec<Json> {
    let mut out = Vec::new();
    for (i, b) in model::blocks(cfg, attr).iter().enumerate() {
        let path = AttrPath::root(attr).index(i);
        let name = check_name(ctx, b, &path, names);
        let (min, lo) = bound(ctx, b, "min_value", &path, integer);
        let (max, hi) = bound(ctx, b, "max_value", &path, integer);
        if let (Some(lo), Some(hi)) = (lo, hi) {
            if lo > hi {
                ctx.error_from(
                    &[path.clone().attr("min_value"), path.clone().attr("max_value")],
                    path.clone().attr("min_value"),
                    "min_value is above max_value",
                    format!("{} > {}: swap the bounds.", text_of(&min), text_of(&max)),
                );
            }
        }
        let scaling = model::string(b, "scaling_type").value().unwrap_or_else(|| "Auto".into());
        let scaling_path = path.clone().attr("scaling_type");
        if !SCALING_TYPES.contains(&scaling.as_str())
            || (integer && scaling == "ReverseLogarithmic")
        {
            let allowed: &[&str] = if integer { &SCALING_TYPES[..3] } else { &SCALING_TYPES };
            ctx.error_of(
                scaling_path,
                format!("Invalid scaling_type {scaling:?}"),
                super::common::use_one_of(Some(&scaling), allowed),
            );
        } else if scaling == "Logarithmic" && lo.is_some_and(|lo| lo <= 0.0) {
            ctx.error_from(
                &[scaling_path.clone(), path.clone().attr("min_value")],
                scaling_path,
                "Logarithmic scaling needs positive bounds",
                "Use bounds above 0, or scaling_type = \"Linear\".",
            );
        } else if scaling == "ReverseLogarithmic"
            && (lo.is_some_and(|lo| lo < 0.0) || hi.is_some_and(|hi| hi >= 1.0))
        {
            ctx.error_from(
                &[
                    scaling_path.clone(),
                    path.clone().attr("min_value"),
                    path.clone().attr("max_value"),
                ],
                scaling_path,
                "ReverseLogarithmic scaling needs bounds in [0, 1)",
                "Use bounds from 0 up to but excluding 1, or another scaling type.",
            );
        }
        out.push(json!({"Name": name, "MinValue": min, "MaxValue": max, "ScalingType": scaling}));
    }
    out
}

fn categorical_ranges(ctx: &mut Ctx, cfg: &Value, names: &mut BTreeSet<String>) -> Vec<Json> {
    let attr = "categorical_parameter_range";
    let mut out = Vec::new();
    for (i, b) in model::blocks(cfg, attr).iter().enumerate() {
        let path = AttrPath::root(attr).index(i);
        let name = check_name(ctx, b, &path, names);
        let values: Vec<Json> = ctx
            .string_list(b, "values", &path)
            .unwrap_or_default()
            .into_iter()
            .map(expr::to_string_expr)
            .collect();
        if values.is_empty() {
            ctx.error_of(
                path.clone().attr("values"),
                "No values",
                "List at least one value to try, e.g. [\"sgd\", \"adam\"].",
            );
        }
        out.push(json!({"Name": name, "Values": values}));
    }
    out
}

/// What `{{ Steps.<name>.<path> }}` may reference on a Tuning step.
pub mod properties {
    use crate::compiler::properties::shapes::*;

    /// One training job of a tuning job (BestTrainingJob, TrainingJobSummaries[i]).
    const TRAINING_JOB_SUMMARY: Shape = Struct(&[
        ("TrainingJobDefinitionName", Leaf),
        ("TrainingJobName", Leaf),
        ("TrainingJobArn", Leaf),
        ("TuningJobName", Leaf),
        ("CreationTime", Leaf),
        ("TrainingStartTime", Leaf),
        ("TrainingEndTime", Leaf),
        ("TrainingJobStatus", Leaf),
        ("TunedHyperParameters", Map),
        ("FailureReason", Leaf),
        (
            "FinalHyperParameterTuningJobObjectiveMetric",
            Struct(&[("Type", Leaf), ("MetricName", Leaf), ("Value", Leaf)]),
        ),
        ("ObjectiveStatus", Leaf),
    ]);

    /// DescribeHyperParameterTuningJob plus ListTrainingJobsForHyperParameterTuningJob.
    pub static TREE: StepProperties = StepProperties {
        source: "the DescribeHyperParameterTuningJob and ListTrainingJobsForHyperParameterTuningJob responses",
        root: Struct(&[
            ("HyperParameterTuningJobName", Leaf),
            ("HyperParameterTuningJobArn", Leaf),
            ("HyperParameterTuningJobConfig", Any),
            ("TrainingJobDefinition", Any),
            ("TrainingJobDefinitions", Any),
            ("HyperParameterTuningJobStatus", Leaf),
            ("CreationTime", Leaf),
            ("HyperParameterTuningEndTime", Leaf),
            ("LastModifiedTime", Leaf),
            (
                "TrainingJobStatusCounters",
                Struct(&[
                    ("Completed", Leaf),
                    ("InProgress", Leaf),
                    ("RetryableError", Leaf),
                    ("NonRetryableError", Leaf),
                    ("Stopped", Leaf),
                ]),
            ),
            ("ObjectiveStatusCounters", Struct(&[("Succeeded", Leaf), ("Pending", Leaf), ("Failed", Leaf)])),
            ("BestTrainingJob", TRAINING_JOB_SUMMARY),
            ("OverallBestTrainingJob", TRAINING_JOB_SUMMARY),
            ("WarmStartConfig", Any),
            ("Autotune", Struct(&[("Mode", Leaf)])),
            ("FailureReason", Leaf),
            (
                "TuningJobCompletionDetails",
                Struct(&[("NumberOfTrainingJobsObjectiveNotImproving", Leaf), ("ConvergenceDetectedTime", Leaf)]),
            ),
            ("ConsumedResources", Struct(&[("RuntimeInSeconds", Leaf)])),
            ("TrainingJobSummaries", List(&TRAINING_JOB_SUMMARY)),
        ]),
        examples: &[
            "BestTrainingJob.TrainingJobName",
            "BestTrainingJob.FinalHyperParameterTuningJobObjectiveMetric.Value",
            "TrainingJobSummaries[0].TrainingJobName",
            "HyperParameterTuningJobName",
        ],
    };
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::provider::steps::StepResource;

    fn base() -> Vec<(&'static str, Value)> {
        vec![
            ("name", Value::string("Tune")),
            ("image_uri", Value::string("img")),
            ("instance_type", Value::string("ml.m5.xlarge")),
            ("output_path", Value::string("s3://b/out/")),
            (
                "objective",
                Value::object([
                    ("type", Value::string("Maximize")),
                    ("metric_name", Value::string("auc")),
                ]),
            ),
        ]
    }

    fn compile(extra: Vec<(&'static str, Value)>) -> (Option<Json>, Vec<String>) {
        let mut attrs = base();
        attrs.extend(extra);
        let (json, diags) = StepResource(Tuning).compile(&Value::object(attrs));
        let msgs = diags
            .iter()
            .map(|d| format!("{}: {}", d.path.clone().unwrap_or_default(), d.summary))
            .collect();
        (json.map(|j| serde_json::from_str(&j).unwrap_or(Json::Null)), msgs)
    }

    /// A continuous range of `eta` from 0.1 to `max`.
    fn eta_range(max: &str) -> Value {
        Value::object([
            ("name", Value::string("eta")),
            ("min_value", Value::string("0.1")),
            ("max_value", Value::string(max)),
            ("scaling_type", Value::Null),
        ])
    }

    #[test]
    fn defaults_and_ranges() {
        let range = eta_range("{{ Parameters.MaxEta }}");
        let (json, msgs) = compile(vec![("continuous_parameter_range", Value::list([range]))]);
        assert!(msgs.is_empty(), "{msgs:?}");
        let args = &json.expect("compiled")["Arguments"];
        let cfg = &args["HyperParameterTuningJobConfig"];
        assert_eq!(cfg["Strategy"], json!("Bayesian"));
        assert_eq!(cfg["TrainingJobEarlyStoppingType"], json!("Off"));
        assert_eq!(
            cfg["ResourceLimits"],
            json!({"MaxNumberOfTrainingJobs": 1, "MaxParallelTrainingJobs": 1})
        );
        assert_eq!(
            cfg["ParameterRanges"]["ContinuousParameterRanges"][0],
            json!({"Name": "eta", "MinValue": "0.1", "MaxValue": {"Std:Join": {"On": "", "Values": [{"Get": "Parameters.MaxEta"}]}}, "ScalingType": "Auto"})
        );
        assert_eq!(cfg["ParameterRanges"]["CategoricalParameterRanges"], json!([]));
        assert_eq!(args["TrainingJobDefinition"]["StaticHyperParameters"], json!({}));
        assert_eq!(
            args["TrainingJobDefinition"]["StoppingCondition"],
            json!({"MaxRuntimeInSeconds": 86400})
        );
    }

    /// The tuning step's channels are the training step's (the shared job layer): a repeated
    /// invalid name is reported as invalid and as a duplicate, as the training step always did.
    #[test]
    fn channels_are_checked_as_the_training_step_checks_them() {
        let input = |channel: &str| {
            Value::object([
                ("channel", Value::string(channel)),
                ("s3_uri", Value::string("s3://b/a")),
            ])
        };
        let range = eta_range("0.5");
        let (_, msgs) = compile(vec![
            ("continuous_parameter_range", Value::list([range])),
            ("input", Value::list([input("bad name"), input("bad name")])),
        ]);
        assert_eq!(
            msgs,
            vec![
                "input[0].channel: Invalid channel name \"bad name\"".to_string(),
                "input[1].channel: Invalid channel name \"bad name\"".to_string(),
                "input[1].channel: Duplicate channel \"bad name\"".to_string(),
            ]
        );
    }

    #[test]
    fn mistakes_are_diagnostics() {
        let bad = Value::object([
            ("name", Value::string("depth")),
            ("min_value", Value::string("1.5")),
            ("max_value", Value::string("0")),
            ("scaling_type", Value::string("ReverseLogarithmic")),
        ]);
        let (json, msgs) = compile(vec![
            ("integer_parameter_range", Value::list([bad])),
            ("strategy", Value::string("Grid")),
        ]);
        assert!(json.is_none());
        assert!(
            msgs.iter().any(|m| m.starts_with("integer_parameter_range[0].min_value")),
            "{msgs:?}"
        );
        assert!(
            msgs.iter().any(|m| m.starts_with("integer_parameter_range[0].scaling_type")),
            "{msgs:?}"
        );
        assert!(
            msgs.iter().any(|m| m
                == "integer_parameter_range[0].name: Grid search takes only categorical ranges"),
            "{msgs:?}"
        );
        // Spaces around a bound are not trimmed away in silence (fresh-eyes finding).
        let spaced = Value::object([
            ("name", Value::string("depth")),
            ("min_value", Value::string("  3 ")),
            ("max_value", Value::string("9")),
            ("scaling_type", Value::Null),
        ]);
        let (json, msgs) = compile(vec![("integer_parameter_range", Value::list([spaced]))]);
        assert!(json.is_none());
        assert_eq!(msgs, ["integer_parameter_range[0].min_value: Invalid min_value"]);
    }

    /// Hyperband has its own early stopping: SageMaker rejects it with `Auto`, the default
    /// `Off` (and a reference, decided at run time) compile.
    #[test]
    fn hyperband_takes_no_early_stopping() {
        let range = eta_range("0.5");
        let with = |strategy: &str, early: Option<&str>| {
            let mut attrs = vec![
                ("continuous_parameter_range", Value::list([range.clone()])),
                ("strategy", Value::string(strategy)),
            ];
            if let Some(e) = early {
                attrs.push(("early_stopping_type", Value::string(e)));
            }
            compile(attrs)
        };
        let (json, msgs) = with("Hyperband", Some("Auto"));
        assert!(json.is_none());
        assert_eq!(
            msgs,
            vec!["early_stopping_type: Hyperband stops training jobs early by itself".to_string()]
        );
        for (strategy, early) in [
            ("Hyperband", None),
            ("Hyperband", Some("Off")),
            ("Bayesian", Some("Auto")),
            ("Hyperband", Some("{{ Parameters.EarlyStopping }}")),
        ] {
            let (json, msgs) = with(strategy, early);
            assert!(json.is_some(), "{strategy} {early:?}: {msgs:?}");
        }
    }

    #[test]
    fn no_ranges_is_an_error() {
        let (json, msgs) = compile(vec![]);
        assert!(json.is_none());
        assert!(msgs.iter().any(|m| m.contains("No hyperparameter ranges")), "{msgs:?}");
    }

    /// The four step types of this batch go through the pipeline compiler: references to the
    /// tuning step's exports resolve, and step_defaults fill the role where each request has it.
    #[test]
    fn pipeline_accepts_tuning_emr_and_check_steps() {
        use crate::provider::steps::{
            clarify_check::ClarifyCheck, emr::Emr, quality_check::QualityCheck,
        };
        let range = eta_range("0.5");
        let mut attrs = base();
        attrs.push(("continuous_parameter_range", Value::list([range])));
        let tune = StepResource(Tuning).compile(&Value::object(attrs)).0.expect("tuning compiles");
        let emr = StepResource(Emr)
            .compile(&Value::object([
                ("name", Value::string("Etl")),
                ("cluster_id", Value::string("j-1")),
                ("depends_on_steps", Value::list([Value::string("Tune")])),
                ("step_config", Value::object([("jar", Value::string("command-runner.jar"))])),
            ]))
            .0
            .expect("emr compiles");
        let quality = StepResource(QualityCheck)
            .compile(&Value::object([
                ("name", Value::string("Quality")),
                ("check_type", Value::string("DATA_QUALITY")),
                ("baseline_dataset", Value::string("s3://b/data")),
                ("dataset_format", Value::string("parquet")),
                ("output_s3_uri", Value::string(best_model_artifacts("Tune", "s3://b/out"))),
                ("image_uri", Value::string("img")),
            ]))
            .0
            .expect("quality check compiles");
        let clarify = StepResource(ClarifyCheck)
            .compile(&Value::object([
                ("name", Value::string("Bias")),
                ("check_type", Value::string("MODEL_BIAS")),
                ("analysis_config_s3_uri", Value::string("s3://b/analysis_config.json")),
                ("data_input_s3_uri", Value::string("s3://b/data")),
                ("output_s3_uri", Value::string("s3://b/bias")),
                ("model_name", Value::string("{{ Steps.Tune.BestTrainingJob.TrainingJobName }}")),
                ("image_uri", Value::string("img")),
            ]))
            .0
            .expect("clarify check compiles");
        let pipeline = Value::object([
            ("steps", Value::list([tune, emr, quality, clarify].map(Value::string))),
            (
                "step_defaults",
                Value::object([("role_arn", Value::string("arn:aws:iam::123456789012:role/r"))]),
            ),
        ]);
        let (definition, diags) = crate::provider::ml_pipeline::compile_definition(&pipeline);
        let msgs: Vec<String> = diags
            .iter()
            .map(|d| format!("{}: {} {}", d.path.clone().unwrap_or_default(), d.summary, d.detail))
            .collect();
        let definition: Json =
            serde_json::from_str(&definition.unwrap_or_else(|| panic!("{msgs:?}"))).expect("json");
        let steps = definition["Steps"].as_array().expect("steps");
        assert_eq!(
            steps[0]["Arguments"]["TrainingJobDefinition"]["RoleArn"],
            json!("arn:aws:iam::123456789012:role/r")
        );
        assert_eq!(steps[2]["Arguments"]["RoleArn"], json!("arn:aws:iam::123456789012:role/r"));
        assert_eq!(
            steps[3]["ModelName"],
            json!({"Get": "Steps.Tune.BestTrainingJob.TrainingJobName"})
        );
    }

    #[test]
    fn best_model_path() {
        assert_eq!(
            best_model_artifacts("Tune", "s3://b/out/"),
            "s3://b/out/{{ Steps.Tune.TrainingJobSummaries[0].TrainingJobName }}/output/model.tar.gz"
        );
        // As the SDK's get_top_model_s3_uri(top_k=0): TrainingJobSummaries[0], not BestTrainingJob.
        let exports = Tuning.exports();
        let cfg = Value::object([("output_path", Value::string("s3://b/out"))]);
        let value = |n: &str| {
            let e = exports.iter().find(|e| e.name == n).expect("export");
            (e.value)("Tune", &cfg)
        };
        assert_eq!(
            value("best_model_artifacts"),
            Value::string(
                "s3://b/out/{{ Steps.Tune.TrainingJobSummaries[0].TrainingJobName }}/output/model.tar.gz"
            )
        );
        assert_eq!(
            value("best_objective_value"),
            Value::string(
                "{{ Steps.Tune.BestTrainingJob.FinalHyperParameterTuningJobObjectiveMetric.Value }}"
            )
        );
    }
}
