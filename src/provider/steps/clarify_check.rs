//! `sagemaker_clarify_check_step`: a SageMaker Clarify job (`Type: ClarifyCheck`) that computes
//! data bias, model bias or model explainability (SHAP) constraints, checks them against a
//! baseline and can register them as the new baseline.
//!
//! `Arguments` is the CreateProcessingJob request the SDK's `ClarifyCheckStep` builds for the
//! Clarify container: inputs `analysis_config` (mounted at `/opt/ml/processing/input/config`)
//! and `dataset` (`/opt/ml/processing/input/data`), output `analysis_result` from
//! `/opt/ml/processing/output`. The step-level keys `CheckType`, `ModelPackageGroupName`,
//! `SkipCheck`, `FailOnViolation`, `RegisterNewBaseline`, `SuppliedBaselineConstraints` are
//! always emitted (`null` when unset), plus `ModelName` for MODEL_BIAS and
//! MODEL_EXPLAINABILITY, as the SDK does.
//!
//! Unlike the SDK, which writes the Clarify analysis configuration from Python objects and
//! uploads it to S3 while building the definition, this step makes no upload: the user gives
//! the S3 URI of an `analysis_config.json` (e.g. an `aws_s3_object` with `jsonencode(...)`).
//!
//! Layout: schema, compile, tests.

use serde_json::{Map, Value as Json};

use super::common::{given, Ctx};
use super::job::check::{
    baseline_keys, check_job_arguments, check_job_block, check_type, s3_input, s3_uri,
};
use super::{Export, StepKind};
use crate::compiler::policy::{self, Permission};
use crate::compiler::step_type::StepDefault;
use crate::compiler::{dag::StepDefaults, properties::PropertyTree, step_type, StepTypeFacts};
use crate::framework::{AttrPath, Attribute, Block};
use crate::provider::model;
use crate::tfvalue::{Type, Value};

pub struct ClarifyCheck;

const CHECK_TYPES: [&str; 3] = ["DATA_BIAS", "MODEL_BIAS", "MODEL_EXPLAINABILITY"];
/// The Clarify container reads its configuration from this file in the config input.
const CONFIG_FILE: &str = "analysis_config.json";

// ---- schema -------------------------------------------------------------------------------

impl StepTypeFacts for ClarifyCheck {
    fn step_type(&self) -> &'static str {
        "ClarifyCheck"
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
        Some(step_type::cache_keys::CLARIFY_CHECK)
    }
    fn permissions(&self) -> &'static [Permission] {
        &[Permission::SageMakerJob(&policy::PROCESSING_JOB)]
    }
}

impl StepKind for ClarifyCheck {
    fn type_name(&self) -> &'static str {
        "sagemaker_clarify_check_step"
    }
    fn description(&self) -> &'static str {
        "A Clarify check step: a SageMaker Clarify job that computes data bias, model bias or model explainability constraints, checks them for drift against a baseline and can register them as the new baseline. Compiled at plan time; no API call. What the job's API request has that this step cannot express yet is listed in [coverage](../coverage.md); the generic `sagemaker_step` covers it meanwhile."
    }
    fn cacheable(&self) -> bool {
        true
    }

    fn block(&self, b: Block) -> Block {
        let b = b
            .attr(Attribute::required("check_type", Type::String, "`DATA_BIAS`, `MODEL_BIAS` or `MODEL_EXPLAINABILITY`, e.g. `MODEL_BIAS`."))
            .attr(Attribute::required(
                "analysis_config_s3_uri",
                Type::String,
                "S3 URI of the Clarify analysis configuration, a file named `analysis_config.json` (label, facets, methods, predictor...), e.g. `s3://my-bucket/clarify/bias/analysis_config.json` written by an `aws_s3_object` with `content = jsonencode({...})`; or a reference. For model checks, leave `predictor.model_name` out: SageMaker uses `model_name`.",
            ))
            .attr(Attribute::required("data_input_s3_uri", Type::String, "S3 URI of the dataset to analyse, or a reference, e.g. `{{ Steps.Prep.ProcessingOutputConfig.Outputs['test'].S3Output.S3Uri }}`."))
            .attr(Attribute::optional("data_input_s3_data_distribution_type", Type::String, "`FullyReplicated` (default) or `ShardedByS3Key`, e.g. `ShardedByS3Key` with several instances."))
            .attr(Attribute::required("output_s3_uri", Type::String, "S3 URI where the analysis results and constraints are written, e.g. `s3://my-bucket/clarify/{{ Execution.PipelineExecutionId }}`."))
            .attr(Attribute::optional("model_name", Type::String, "MODEL_BIAS and MODEL_EXPLAINABILITY (required there): the SageMaker model Clarify queries through a shadow endpoint, e.g. `{{ Steps.CreateModel.ModelName }}`."));
        check_job_block(b, "SageMaker Clarify image URI for the region (no lookup is made), e.g. `205585389593.dkr.ecr.us-east-1.amazonaws.com/sagemaker-clarify-processing:1.0`.")
    }

    fn compile(&self, cfg: &Value, ctx: &mut Ctx, step: &mut Map<String, Json>) {
        let root = AttrPath::default();
        let check_type = check_type(ctx, cfg, &CHECK_TYPES);

        let mut inputs = Vec::new();
        if let Some(uri) = s3_uri(ctx, cfg, "analysis_config_s3_uri", true) {
            if let Json::String(lit) = &uri {
                if !lit.ends_with(&format!("/{CONFIG_FILE}")) {
                    ctx.error_of(
                        AttrPath::root("analysis_config_s3_uri"),
                        format!("The analysis configuration must be a file named {CONFIG_FILE}"),
                        format!("The Clarify container reads /opt/ml/processing/input/config/{CONFIG_FILE}; upload the configuration under that name, e.g. \"s3://my-bucket/clarify/{CONFIG_FILE}\"."),
                    );
                }
            }
            inputs.push(s3_input("analysis_config", uri, "/opt/ml/processing/input/config", None));
        }
        let distribution = model::string(cfg, "data_input_s3_data_distribution_type").value();
        if let Some(d) = &distribution {
            if d != "FullyReplicated" && d != "ShardedByS3Key" {
                ctx.error_of(
                    AttrPath::root("data_input_s3_data_distribution_type"),
                    format!("Invalid distribution type {d:?}"),
                    "Use \"FullyReplicated\" or \"ShardedByS3Key\".",
                );
            }
        }
        if let Some(uri) = s3_uri(ctx, cfg, "data_input_s3_uri", true) {
            inputs.push(s3_input(
                "dataset",
                uri,
                "/opt/ml/processing/input/data",
                distribution.as_deref(),
            ));
        }
        let output = s3_uri(ctx, cfg, "output_s3_uri", true);
        let args = check_job_arguments(cfg, ctx, inputs, "analysis_result", output);
        step.insert("Arguments".into(), Json::Object(args));

        step.insert("CheckType".into(), check_type.clone().map(Json::String).unwrap_or(Json::Null));
        baseline_keys(cfg, ctx, step);
        let model_name = ctx.string(cfg, "model_name", &root);
        match (check_type.as_deref(), model_name) {
            (Some("MODEL_BIAS" | "MODEL_EXPLAINABILITY"), Some(m)) => {
                if m.as_str().is_some_and(|s| s.trim().is_empty()) {
                    ctx.error_of(AttrPath::root("model_name"), "Empty model_name", "Name the SageMaker model to analyse, e.g. {{ Steps.CreateModel.ModelName }}.");
                }
                step.insert("ModelName".into(), m);
            }
            // Not given (an invalid reference is reported as such).
            (Some(t @ ("MODEL_BIAS" | "MODEL_EXPLAINABILITY")), None) if !given(cfg, "model_name") => ctx.error_from(&[AttrPath::root("check_type"), AttrPath::root("model_name")],
                AttrPath::root("model_name"),
                format!("{t} needs model_name"),
                "Name the SageMaker model Clarify queries, e.g. model_name = \"{{ Steps.CreateModel.ModelName }}\".",
            ),
            (Some(_), Some(_)) => {
                ctx.error_from(&[AttrPath::root("check_type"), AttrPath::root("model_name")], AttrPath::root("model_name"), "model_name is for model checks", "A DATA_BIAS check uses no model: remove model_name, or use check_type = \"MODEL_BIAS\".");
            }
            _ => {}
        }
    }

    fn exports(&self) -> Vec<Export> {
        vec![
            Export {
                name: "calculated_baseline_constraints",
                ty: Type::String,
                description: "`{{ Steps.<name>.CalculatedBaselineConstraints }}`: the S3 URI of the constraints (the analysis) this run calculated (the SDK's `properties.CalculatedBaselineConstraints`), e.g. for `model_metrics` of a register-model step.",
                value: |name, _| Value::string(format!("{{{{ Steps.{name}.CalculatedBaselineConstraints }}}}")),
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

/// What `{{ Steps.<name>.<path> }}` may reference on a ClarifyCheck step.
pub mod properties {
    use crate::compiler::properties::shapes::*;

    pub static TREE: StepProperties = StepProperties {
        source: "a clarify check step's baselines",
        root: Struct(&[
            ("CalculatedBaselineConstraints", Leaf),
            ("BaselineUsedForDriftCheckConstraints", Leaf),
        ]),
        examples: &["CalculatedBaselineConstraints", "BaselineUsedForDriftCheckConstraints"],
    };
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::provider::steps::StepResource;
    use serde_json::json;

    fn compile(attrs: Vec<(&'static str, Value)>) -> (Option<Json>, Vec<String>) {
        let mut all = vec![
            ("name", Value::string("Bias")),
            ("image_uri", Value::string("img")),
            ("analysis_config_s3_uri", Value::string("s3://b/cfg/analysis_config.json")),
            ("data_input_s3_uri", Value::string("s3://b/data")),
            ("output_s3_uri", Value::string("s3://b/out")),
        ];
        all.extend(attrs);
        let (json, diags) = StepResource(ClarifyCheck).compile(&Value::object(all));
        let msgs = diags
            .iter()
            .map(|d| format!("{}: {}", d.path.clone().unwrap_or_default(), d.summary))
            .collect();
        (json.map(|j| serde_json::from_str(&j).unwrap_or(Json::Null)), msgs)
    }

    #[test]
    fn data_bias_has_no_model_name() {
        let (json, msgs) = compile(vec![("check_type", Value::string("DATA_BIAS"))]);
        assert!(msgs.is_empty(), "{msgs:?}");
        let step = json.expect("compiled");
        assert!(step.get("ModelName").is_none());
        assert_eq!(step["Arguments"]["ProcessingInputs"][0]["InputName"], json!("analysis_config"));
        assert_eq!(
            step["Arguments"]["ProcessingOutputConfig"]["Outputs"][0]["OutputName"],
            json!("analysis_result")
        );
        assert_eq!(step["SuppliedBaselineConstraints"], Json::Null);
    }

    #[test]
    fn model_checks_need_a_model() {
        let (json, msgs) = compile(vec![("check_type", Value::string("MODEL_EXPLAINABILITY"))]);
        assert!(json.is_none());
        assert!(msgs.iter().any(|m| m.starts_with("model_name")), "{msgs:?}");
        let (json, _) = compile(vec![
            ("check_type", Value::string("MODEL_BIAS")),
            ("model_name", Value::string("m")),
        ]);
        assert_eq!(json.expect("compiled")["ModelName"], json!("m"));
    }
}
