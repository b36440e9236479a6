//! `sagemaker_quality_check_step`: a Model Monitor baselining job (`Type: QualityCheck`) that
//! computes data- or model-quality statistics and constraints, checks them against a baseline
//! (supplied, or the one registered with the latest approved model in a model package group)
//! and can register them as the new baseline.
//!
//! `Arguments` is the CreateProcessingJob request the SDK's `QualityCheckStep` builds for the
//! Model Monitor analyzer image: inputs `baseline_dataset_input`,
//! `post_analytics_processor_script_input`, `record_preprocessor_script_input` under
//! `/opt/ml/processing/input/<name>`, the output `quality_check_output` from
//! `/opt/ml/processing/output`, and the analyzer's environment (`dataset_format` as the SDK's
//! `json.dumps` writes it, `dataset_source`, `output_path`, `publish_cloudwatch_metrics:
//! Disabled`, and for MODEL_QUALITY `analysis_type`, `problem_type` and the attribute
//! locations). The step-level keys `CheckType`, `ModelPackageGroupName`, `SkipCheck`,
//! `FailOnViolation`, `RegisterNewBaseline`, `SuppliedBaselineStatistics` and
//! `SuppliedBaselineConstraints` are always emitted (`null` when unset), as the SDK does.
//!
//! The check-job helpers here are shared with `clarify_check`.
//!
//! The check-job attributes and request it shares with the clarify check step are in
//! [`super::job::check`].
//!
//! Layout: schema, compile, tests.

use serde_json::{json, Map, Value as Json};

use super::common::{put, Ctx};
use super::job::check::{
    baseline_keys, check_job_arguments, check_job_block, check_type, s3_input, s3_uri, OUTPUT_DIR,
};
use super::{Export, StepKind};
use crate::compiler::expr;
use crate::compiler::policy::{self, Permission};
use crate::compiler::step_type::StepDefault;
use crate::compiler::{dag::StepDefaults, properties::PropertyTree, step_type, StepTypeFacts};
use crate::framework::{AttrPath, Attribute, Block};
use crate::provider::model;
use crate::tfvalue::{Type, Value};

pub struct QualityCheck;

const CHECK_TYPES: [&str; 2] = ["DATA_QUALITY", "MODEL_QUALITY"];
const DATASET_FORMATS: [&str; 3] = ["csv", "json", "parquet"];
const PROBLEM_TYPES: [&str; 3] = ["Regression", "BinaryClassification", "MulticlassClassification"];
/// The MODEL_QUALITY-only attributes; each sets the analyzer environment variable of its name.
const MODEL_QUALITY_ATTRS: [&str; 5] = [
    "problem_type",
    "inference_attribute",
    "probability_attribute",
    "ground_truth_attribute",
    "probability_threshold_attribute",
];

/// Container paths of the Model Monitor analyzer, as the SDK mounts them.
const INPUT_DIR: &str = "/opt/ml/processing/input";

// ---- schema -------------------------------------------------------------------------------

impl StepTypeFacts for QualityCheck {
    fn step_type(&self) -> &'static str {
        "QualityCheck"
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
        ]
    }
    fn apply_step_defaults(&self, args: &mut Map<String, Json>, d: &StepDefaults) {
        // A check job is a processing job: the same defaults (it takes no tags).
        step_type::processing_job_defaults(args, d);
    }
    fn string_maps(&self) -> &'static [&'static str] {
        &["Environment"]
    }
    fn arguments_are_user_named(&self) -> bool {
        false
    }
    fn role_path(&self) -> Option<&'static [&'static str]> {
        Some(&["RoleArn"])
    }
    fn named_lists(&self) -> &'static [step_type::NamedList] {
        &[]
    }
    fn property_files(&self) -> bool {
        false
    }
    fn instance_types(&self) -> &'static [&'static str] {
        super::instance_types::JobKind::Processing.instance_types()
    }
    fn cache_key(&self) -> Option<&'static [&'static [&'static str]]> {
        Some(step_type::cache_keys::QUALITY_CHECK)
    }
    fn permissions(&self) -> &'static [Permission] {
        &[Permission::SageMakerJob(&policy::PROCESSING_JOB)]
    }
}

impl StepKind for QualityCheck {
    fn type_name(&self) -> &'static str {
        "sagemaker_quality_check_step"
    }
    fn description(&self) -> &'static str {
        "A quality check step: a Model Monitor baselining job that computes data- or model-quality statistics and constraints, checks them for drift against a baseline and can register them as the new baseline. Compiled at plan time; no API call. What the job's API request has that this step cannot express yet is listed in [coverage](../coverage.md); the generic `sagemaker_step` covers it meanwhile."
    }
    fn cacheable(&self) -> bool {
        true
    }

    fn block(&self, b: Block) -> Block {
        let b = b
            .attr(Attribute::required("check_type", Type::String, "`DATA_QUALITY` (statistics of a dataset) or `MODEL_QUALITY` (metrics of predictions against ground truth), e.g. `DATA_QUALITY`."))
            .attr(Attribute::required("baseline_dataset", Type::String, "S3 URI of the dataset to baseline, or a reference, e.g. `{{ Steps.Prep.ProcessingOutputConfig.Outputs['train'].S3Output.S3Uri }}`."))
            .attr(Attribute::required("dataset_format", Type::String, "Format of the dataset: `csv`, `json` or `parquet`, e.g. `csv`."))
            .attr(Attribute::optional("csv_header", Type::Bool, "With `dataset_format = \"csv\"`: whether the files have a header row (default true), e.g. `false`."))
            .attr(Attribute::optional("csv_output_columns_position", Type::String, "With `dataset_format = \"csv\"`: where the model output columns are, `START` (default) or `END`, e.g. `END`."))
            .attr(Attribute::optional("json_lines", Type::Bool, "With `dataset_format = \"json\"`: one JSON object per line (default true), e.g. `false`."))
            .attr(Attribute::required("output_s3_uri", Type::String, "S3 URI where the statistics and constraints are written, e.g. `s3://my-bucket/monitoring/{{ Execution.PipelineExecutionId }}/data-quality`."))
            .attr(Attribute::optional("record_preprocessor_script", Type::String, "DATA_QUALITY only: S3 URI of a record preprocessor script, e.g. `s3://my-bucket/monitoring/preprocessor.py`."))
            .attr(Attribute::optional("post_analytics_processor_script", Type::String, "S3 URI of a post-analytics processor script, e.g. `s3://my-bucket/monitoring/postprocessor.py`."))
            .attr(Attribute::optional("problem_type", Type::String, "MODEL_QUALITY (required there): `Regression`, `BinaryClassification` or `MulticlassClassification`, e.g. `BinaryClassification`, or a reference."))
            .attr(Attribute::optional("inference_attribute", Type::String, "MODEL_QUALITY: index or JSONPath of the predicted label in each record, e.g. `prediction` or `0`."))
            .attr(Attribute::optional("probability_attribute", Type::String, "MODEL_QUALITY: index or JSONPath of the predicted probability, e.g. `0`."))
            .attr(Attribute::optional("ground_truth_attribute", Type::String, "MODEL_QUALITY: index or JSONPath of the actual label, e.g. `label`."))
            .attr(Attribute::optional("probability_threshold_attribute", Type::String, "MODEL_QUALITY, binary classification: threshold that turns a probability into a label, e.g. `0.5`."))
            .attr(Attribute::optional("supplied_baseline_statistics", Type::String, "S3 URI of a statistics JSON file to check against instead of the registered baseline, e.g. `s3://my-bucket/baseline/statistics.json`, or a reference."));
        check_job_block(b, "Model Monitor analyzer image URI for the region (no lookup is made), e.g. `156813124566.dkr.ecr.us-east-1.amazonaws.com/sagemaker-model-monitor-analyzer`.")
    }

    fn compile(&self, cfg: &Value, ctx: &mut Ctx, step: &mut Map<String, Json>) {
        let root = AttrPath::default();
        let check_type = check_type(ctx, cfg, &CHECK_TYPES);
        let model_quality = check_type.as_deref() == Some("MODEL_QUALITY");

        // Inputs, in the SDK's order: dataset, post-analytics script, record preprocessor.
        let mut inputs = Vec::new();
        let mut env = Map::new();
        env.insert("output_path".into(), json!(OUTPUT_DIR));
        env.insert("publish_cloudwatch_metrics".into(), json!("Disabled"));
        put(&mut env, "dataset_format", dataset_format(ctx, cfg));
        let dataset_dir = format!("{INPUT_DIR}/baseline_dataset_input");
        if let Some(uri) = s3_uri(ctx, cfg, "baseline_dataset", true) {
            inputs.push(s3_input("baseline_dataset_input", uri, &dataset_dir, None));
        }
        env.insert("dataset_source".into(), json!(dataset_dir));
        for (attr, name, env_key) in [
            (
                "post_analytics_processor_script",
                "post_analytics_processor_script_input",
                "post_analytics_processor_script",
            ),
            (
                "record_preprocessor_script",
                "record_preprocessor_script_input",
                "record_preprocessor_script",
            ),
        ] {
            let Some(uri) = model::string(cfg, attr).value() else { continue };
            if attr == "record_preprocessor_script" && model_quality {
                ctx.error_from(
                    &[AttrPath::root("check_type"), AttrPath::root(attr)],
                    AttrPath::root(attr),
                    "record_preprocessor_script is for DATA_QUALITY checks",
                    "Remove it, or use check_type = \"DATA_QUALITY\".",
                );
            }
            let dir = format!("{INPUT_DIR}/{name}");
            let file = script_file(ctx, attr, &uri);
            inputs.push(s3_input(name, json!(uri), &dir, None));
            env.insert(env_key.into(), json!(format!("{dir}/{file}")));
        }

        if model_quality {
            env.insert("analysis_type".into(), json!("MODEL_QUALITY"));
            match model::string(cfg, "problem_type").value() {
                None => ctx.error_from(
                    &[AttrPath::root("check_type"), AttrPath::root("problem_type")],
                    AttrPath::root("problem_type"),
                    "MODEL_QUALITY needs problem_type",
                    format!(
                        "Set problem_type. {}",
                        super::common::use_one_of(None, &PROBLEM_TYPES)
                    ),
                ),
                Some(p) if !expr::has_expression(&p) && !PROBLEM_TYPES.contains(&p.as_str()) => {
                    ctx.error_of(
                        AttrPath::root("problem_type"),
                        format!("Unknown problem_type {p:?}"),
                        format!(
                            "{} Or a reference.",
                            super::common::use_one_of(Some(&p), &PROBLEM_TYPES)
                        ),
                    );
                }
                _ => {}
            }
            if let Some(t) = model::string(cfg, "probability_threshold_attribute").value() {
                if !expr::has_expression(&t) && t.trim().parse::<f64>().is_err() {
                    ctx.error_of(
                        AttrPath::root("probability_threshold_attribute"),
                        format!("Invalid threshold {t:?}"),
                        "Write a number such as \"0.5\", or a reference.",
                    );
                }
            }
            for attr in MODEL_QUALITY_ATTRS {
                if let Some(v) = ctx.string(cfg, attr, &root) {
                    env.insert(attr.into(), expr::to_string_expr(v));
                }
            }
        } else if check_type.is_some() {
            for attr in MODEL_QUALITY_ATTRS {
                if model::string(cfg, attr).value().is_some() {
                    ctx.error_from(
                        &[AttrPath::root("check_type"), AttrPath::root(attr)],
                        AttrPath::root(attr),
                        format!("{attr} is for MODEL_QUALITY checks"),
                        "Remove it, or use check_type = \"MODEL_QUALITY\".",
                    );
                }
            }
        }

        let output = s3_uri(ctx, cfg, "output_s3_uri", true);
        let mut args = check_job_arguments(cfg, ctx, inputs, "quality_check_output", output);
        args.insert("Environment".into(), Json::Object(env));
        step.insert("Arguments".into(), Json::Object(args));

        step.insert("CheckType".into(), check_type.map(Json::String).unwrap_or(Json::Null));
        baseline_keys(cfg, ctx, step);
        step.insert(
            "SuppliedBaselineStatistics".into(),
            s3_uri(ctx, cfg, "supplied_baseline_statistics", false).unwrap_or(Json::Null),
        );
    }

    fn exports(&self) -> Vec<Export> {
        vec![
            Export {
                name: "calculated_baseline_statistics",
                ty: Type::String,
                description: "`{{ Steps.<name>.CalculatedBaselineStatistics }}`: the S3 URI of the statistics this run calculated (the SDK's `properties.CalculatedBaselineStatistics`), e.g. for `model_metrics` of a register-model step.",
                value: |name, _| Value::string(format!("{{{{ Steps.{name}.CalculatedBaselineStatistics }}}}")),
            },
            Export {
                name: "calculated_baseline_constraints",
                ty: Type::String,
                description: "`{{ Steps.<name>.CalculatedBaselineConstraints }}`: the S3 URI of the constraints this run calculated (the SDK's `properties.CalculatedBaselineConstraints`), e.g. for `model_metrics` of a register-model step.",
                value: |name, _| Value::string(format!("{{{{ Steps.{name}.CalculatedBaselineConstraints }}}}")),
            },
            Export {
                name: "baseline_used_for_drift_check_statistics",
                ty: Type::String,
                description: "`{{ Steps.<name>.BaselineUsedForDriftCheckStatistics }}`: the S3 URI of the statistics the drift check used: the calculated ones with `register_new_baseline`, the supplied (or registered) ones otherwise (the SDK's `properties.BaselineUsedForDriftCheckStatistics`), e.g. for `drift_check_baselines` of a register-model step.",
                value: |name, _| Value::string(format!("{{{{ Steps.{name}.BaselineUsedForDriftCheckStatistics }}}}")),
            },
            Export {
                name: "baseline_used_for_drift_check_constraints",
                ty: Type::String,
                description: "`{{ Steps.<name>.BaselineUsedForDriftCheckConstraints }}`: the S3 URI of the constraints the drift check used: the calculated ones with `register_new_baseline`, the supplied (or registered) ones otherwise (the SDK's `properties.BaselineUsedForDriftCheckConstraints`), e.g. for `drift_check_baselines` of a register-model step.",
                value: |name, _| Value::string(format!("{{{{ Steps.{name}.BaselineUsedForDriftCheckConstraints }}}}")),
            },
        ]
    }
}

/// `dataset_format` as the SDK's `DatasetFormat` dict passed through Python's `json.dumps`
/// (default separators `", "` and `": "`), which is what the analyzer reads.
fn dataset_format(ctx: &mut Ctx, cfg: &Value) -> Option<Json> {
    let format = model::string(cfg, "dataset_format").value();
    let header = cfg.get("csv_header").and_then(Value::as_bool);
    let position = model::string(cfg, "csv_output_columns_position").value();
    let lines = cfg.get("json_lines").and_then(Value::as_bool);
    let misplaced = |ctx: &mut Ctx, attr: &str, want: &str| {
        ctx.error_from(
            &[AttrPath::root("dataset_format"), AttrPath::root(attr)],
            AttrPath::root(attr),
            format!("{attr} applies to {want} datasets"),
            format!("Remove it, or set dataset_format = \"{want}\"."),
        );
    };
    if format.as_deref() != Some("csv") {
        if header.is_some() {
            misplaced(ctx, "csv_header", "csv");
        }
        if position.is_some() {
            misplaced(ctx, "csv_output_columns_position", "csv");
        }
    }
    if format.as_deref() != Some("json") && lines.is_some() {
        misplaced(ctx, "json_lines", "json");
    }
    match format.as_deref() {
        Some("csv") => {
            let position = position.unwrap_or_else(|| "START".into());
            if position != "START" && position != "END" {
                ctx.error_of(
                    AttrPath::root("csv_output_columns_position"),
                    format!("Invalid position {position:?}"),
                    "Use \"START\" or \"END\".",
                );
            }
            Some(json!(format!(
                "{{\"csv\": {{\"header\": {}, \"output_columns_position\": \"{position}\"}}}}",
                header.unwrap_or(true)
            )))
        }
        Some("json") => {
            Some(json!(format!("{{\"json\": {{\"lines\": {}}}}}", lines.unwrap_or(true))))
        }
        Some("parquet") => Some(json!("{\"parquet\": {}}")),
        Some(other) => {
            ctx.error_of(
                AttrPath::root("dataset_format"),
                format!("Unknown dataset_format {other:?}"),
                super::common::use_one_of(Some(other), &DATASET_FORMATS),
            );
            None
        }
        None => {
            ctx.error_of(
                AttrPath::root("dataset_format"),
                "Missing dataset_format",
                super::common::use_one_of(None, &DATASET_FORMATS),
            );
            None
        }
    }
}

/// The file name of a script given as an S3 URI (the SDK mounts it and points the analyzer at
/// `<input dir>/<file>`); references are refused, as the SDK refuses pipeline variables here.
fn script_file(ctx: &mut Ctx, attr: &str, uri: &str) -> String {
    let file = uri.rsplit('/').next().unwrap_or_default().to_string();
    if !uri.starts_with("s3://") || file.is_empty() || expr::has_expression(uri) {
        ctx.error_of(
            AttrPath::root(attr),
            format!("Invalid script location {uri:?}"),
            "Give the S3 URI of the script file itself, without references, e.g. \"s3://my-bucket/monitoring/preprocessor.py\".",
        );
    }
    file
}

/// What `{{ Steps.<name>.<path> }}` may reference on a QualityCheck step.
pub mod properties {
    use crate::compiler::properties::shapes::*;

    pub static TREE: StepProperties = StepProperties {
        source: "a quality check step's baselines",
        root: Struct(&[
            ("CalculatedBaselineConstraints", Leaf),
            ("CalculatedBaselineStatistics", Leaf),
            ("BaselineUsedForDriftCheckConstraints", Leaf),
            ("BaselineUsedForDriftCheckStatistics", Leaf),
        ]),
        examples: &["CalculatedBaselineStatistics", "BaselineUsedForDriftCheckConstraints"],
    };
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::provider::steps::StepResource;

    fn compile(attrs: Vec<(&'static str, Value)>) -> (Option<Json>, Vec<String>) {
        let mut all = vec![
            ("name", Value::string("DataQuality")),
            ("image_uri", Value::string("img")),
            ("baseline_dataset", Value::string("s3://b/data")),
            ("output_s3_uri", Value::string("s3://b/out")),
        ];
        all.extend(attrs);
        let (json, diags) = StepResource(QualityCheck).compile(&Value::object(all));
        let msgs = diags
            .iter()
            .map(|d| format!("{}: {}", d.path.clone().unwrap_or_default(), d.summary))
            .collect();
        (json.map(|j| serde_json::from_str(&j).unwrap_or(Json::Null)), msgs)
    }

    #[test]
    fn data_quality_matches_the_sdk_shape() {
        let (json, msgs) = compile(vec![
            ("check_type", Value::string("DATA_QUALITY")),
            ("dataset_format", Value::string("csv")),
        ]);
        assert!(msgs.is_empty(), "{msgs:?}");
        let step = json.expect("compiled");
        assert_eq!(
            step["Arguments"]["Environment"]["dataset_format"],
            json!("{\"csv\": {\"header\": true, \"output_columns_position\": \"START\"}}")
        );
        assert_eq!(
            step["Arguments"]["Environment"]["dataset_source"],
            json!("/opt/ml/processing/input/baseline_dataset_input")
        );
        assert_eq!(
            step["Arguments"]["ProcessingResources"]["ClusterConfig"]["InstanceType"],
            json!("ml.m5.xlarge")
        );
        for (k, v) in [
            ("SkipCheck", json!(false)),
            ("FailOnViolation", json!(true)),
            ("ModelPackageGroupName", Json::Null),
            ("SuppliedBaselineStatistics", Json::Null),
        ] {
            assert_eq!(step[k], v, "{k}");
        }
    }

    #[test]
    fn parquet_format() {
        let (json, msgs) = compile(vec![
            ("check_type", Value::string("DATA_QUALITY")),
            ("dataset_format", Value::string("parquet")),
        ]);
        assert!(msgs.is_empty(), "{msgs:?}");
        assert_eq!(
            json.expect("compiled")["Arguments"]["Environment"]["dataset_format"],
            json!("{\"parquet\": {}}")
        );
    }

    #[test]
    fn model_quality_needs_problem_type() {
        let (json, msgs) = compile(vec![
            ("check_type", Value::string("MODEL_QUALITY")),
            ("dataset_format", Value::string("json")),
            ("csv_header", Value::Bool(false)),
        ]);
        assert!(json.is_none());
        assert!(msgs.iter().any(|m| m.starts_with("problem_type")), "{msgs:?}");
        assert!(msgs.iter().any(|m| m.starts_with("csv_header")), "{msgs:?}");
    }

    #[test]
    fn exports_are_the_sdk_properties() {
        let got: Vec<(&str, Value)> =
            QualityCheck.exports().iter().map(|e| (e.name, (e.value)("Q", &Value::Null))).collect();
        assert_eq!(
            got,
            vec![
                (
                    "calculated_baseline_statistics",
                    Value::string("{{ Steps.Q.CalculatedBaselineStatistics }}")
                ),
                (
                    "calculated_baseline_constraints",
                    Value::string("{{ Steps.Q.CalculatedBaselineConstraints }}")
                ),
                (
                    "baseline_used_for_drift_check_statistics",
                    Value::string("{{ Steps.Q.BaselineUsedForDriftCheckStatistics }}")
                ),
                (
                    "baseline_used_for_drift_check_constraints",
                    Value::string("{{ Steps.Q.BaselineUsedForDriftCheckConstraints }}")
                ),
            ]
        );
        let clarify: Vec<(&str, Value)> = super::super::clarify_check::ClarifyCheck
            .exports()
            .iter()
            .map(|e| (e.name, (e.value)("C", &Value::Null)))
            .collect();
        assert_eq!(
            clarify,
            vec![
                (
                    "calculated_baseline_constraints",
                    Value::string("{{ Steps.C.CalculatedBaselineConstraints }}")
                ),
                (
                    "baseline_used_for_drift_check_constraints",
                    Value::string("{{ Steps.C.BaselineUsedForDriftCheckConstraints }}")
                ),
            ]
        );
    }
}
