//! `sagemaker_model_step`: creates a SageMaker model (`Type: Model`, the CreateModel request as
//! `Arguments`) from an inference image and, usually, the artifacts of a training step. A
//! transform step then runs it through `model_name`.
//!
//! As the SDK: `PrimaryContainer.Environment` is always present (`{}` when empty), the model name
//! is left out (SageMaker generates it per run), and `EnableNetworkIsolation` is sent only when
//! it is enabled.
//!
//! The Rust module is named `model_step` (see `mod.rs`) because `model` is taken by the
//! provider's value helpers there.
//!
//! Layout: schema, compile, exports, tests.

use serde_json::{Map, Value as Json};

use super::common::{put, string_map, Ctx};

use super::job::{self, network_block};
use super::{Export, StepKind};
use crate::compiler::policy::{self, Permission};
use crate::compiler::step_type::StepDefault;
use crate::compiler::{dag::StepDefaults, properties::PropertyTree, step_type, StepTypeFacts};
use crate::framework::{AttrPath, Attribute, Block};
use crate::tfvalue::{Type, Value};

pub struct ModelStep;

impl StepTypeFacts for ModelStep {
    fn step_type(&self) -> &'static str {
        "Model"
    }
    fn property_tree(&self) -> PropertyTree {
        PropertyTree::Modelled(&properties::TREE)
    }
    fn step_defaults_taken(&self) -> &'static [StepDefault] {
        &[StepDefault::Role, StepDefault::Network, StepDefault::Tags]
    }
    fn apply_step_defaults(&self, args: &mut Map<String, Json>, d: &StepDefaults) {
        step_type::set_default(args, "ExecutionRoleArn", &d.role_arn);
        if d.enable_network_isolation == Some(true) {
            args.entry("EnableNetworkIsolation").or_insert(Json::Bool(true));
        }
        if let Some(v) = step_type::vpc(d) {
            args.entry("VpcConfig").or_insert(v);
        }
        step_type::merge_tags(args, d);
    }
    fn string_maps(&self) -> &'static [&'static str] {
        &["Environment"]
    }
    fn arguments_are_user_named(&self) -> bool {
        false
    }
    fn role_path(&self) -> Option<&'static [&'static str]> {
        Some(&["ExecutionRoleArn"])
    }
    fn named_lists(&self) -> &'static [step_type::NamedList] {
        &[]
    }
    fn property_files(&self) -> bool {
        false
    }
    fn instance_types(&self) -> &'static [&'static str] {
        &[]
    }
    fn cache_key(&self) -> Option<&'static [&'static [&'static str]]> {
        None
    }
    fn permissions(&self) -> &'static [Permission] {
        &[Permission::SageMakerJob(&policy::MODEL)]
    }
}

impl StepKind for ModelStep {
    fn type_name(&self) -> &'static str {
        "sagemaker_model_step"
    }
    fn description(&self) -> &'static str {
        "A model step: creates a SageMaker model from an inference image and model artifacts (CreateModel), for a later transform step. Compiled at plan time; no API call. What the job's API request has that this step cannot express yet is listed in [coverage](../coverage.md); the generic `sagemaker_step` covers it meanwhile."
    }
    fn retryable(&self) -> bool {
        true
    }

    fn block(&self, b: Block) -> Block {
        b.attr(Attribute::required("image_uri", Type::String, "Inference image URI (`PrimaryContainer.Image`), e.g. `683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-xgboost:1.7-1`.").validate(crate::provider::steps::common::image_uri_validator()))
            .attr(Attribute::optional("model_data_url", Type::String, "S3 URI of the model artifacts (`model.tar.gz`), typically `sagemaker_training_step.train.model_artifacts` (`{{ Steps.Train.ModelArtifacts.S3ModelArtifacts }}`). Leave it out for images that carry their model."))
            .attr(Attribute::optional("environment", string_map(), "Environment variables of the inference container; values may hold references. Sent as `{}` when empty, as the SDK does.").validate(crate::provider::steps::common::environment_validator(100, 1024, 1024)))
            .attr(Attribute::optional("role_arn", Type::String, &format!("{}{}", "IAM role SageMaker assumes to pull the image and artifacts (`ExecutionRoleArn`). Defaults to the pipeline's `step_defaults.role_arn`.", super::common::ROLE_DEFAULT_NOTE)).validate(crate::provider::steps::common::role_arn_validator()))
            .attr(Attribute::optional("tags", string_map(), "Tags of the model, merged over `step_defaults.tags`.").validate(crate::provider::steps::common::tags_validator("model")))
            .block(network_block())
    }

    fn compile(&self, cfg: &Value, ctx: &mut Ctx, step: &mut Map<String, Json>) {
        let root = AttrPath::default();
        let mut args = Map::new();
        put(&mut args, "ExecutionRoleArn", ctx.string(cfg, "role_arn", &root));
        args.insert("PrimaryContainer".into(), container(cfg, ctx));
        job::training_network(ctx, cfg, &mut args);
        put(&mut args, "Tags", job::tags(cfg));
        step.insert("Arguments".into(), Json::Object(args));
        // The SDK's ModelStep refuses SageMakerJobStepRetryPolicy: creating a model is no job.
        super::common::step_retry_types_only(cfg, ctx, "model step");
    }

    fn exports(&self) -> Vec<Export> {
        vec![Export {
            name: "model_name",
            ty: Type::String,
            description: "`{{ Steps.<name>.ModelName }}`: the name SageMaker gives the model at run time, for a transform step's `model_name`.",
            value: |name, _| Value::string(format!("{{{{ Steps.{name}.ModelName }}}}")),
        }]
    }
}

/// `{Image, Environment, ModelDataUrl?}` in the SDK's container shape (also the container of a
/// register-model step's `InferenceSpecification`).
pub(super) fn container(cfg: &Value, ctx: &mut Ctx) -> Json {
    let root = AttrPath::default();
    let mut c = Map::new();
    put(&mut c, "Image", ctx.string(cfg, "image_uri", &root));
    let env = ctx.string_map(cfg, "environment", &root, true).unwrap_or_default();
    c.insert("Environment".into(), Json::Object(env));
    put(&mut c, "ModelDataUrl", ctx.s3_uri(cfg, "model_data_url", &root));
    Json::Object(c)
}

/// What `{{ Steps.<name>.<path> }}` may reference on a Model step.
pub mod properties {
    use crate::compiler::properties::shapes::*;

    /// DescribeModel.
    pub static TREE: StepProperties = StepProperties {
        source: "the DescribeModel response",
        root: Struct(&[
            ("ModelName", Leaf),
            ("PrimaryContainer", CONTAINER),
            ("Containers", List(&CONTAINER)),
            ("InferenceExecutionConfig", Struct(&[("Mode", Leaf)])),
            ("ExecutionRoleArn", Leaf),
            ("VpcConfig", VPC_CONFIG),
            ("CreationTime", Leaf),
            ("ModelArn", Leaf),
            ("EnableNetworkIsolation", Leaf),
            ("DeploymentRecommendation", Any),
        ]),
        examples: &["ModelName", "ModelArn"],
    };
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::super::StepResource;
    use super::*;

    fn compile(v: &Value) -> Result<Json, Vec<(String, String)>> {
        match StepResource(ModelStep).compile(v) {
            (Some(text), _) => Ok(serde_json::from_str(&text).expect("json")),
            (None, d) => Err(d
                .iter()
                .map(|d| (d.path.clone().unwrap_or_default().to_string(), d.summary.clone()))
                .collect()),
        }
    }

    fn base(extra: Vec<(&str, Value)>) -> Value {
        let mut attrs =
            vec![("name", Value::string("CreateModel")), ("image_uri", Value::string("img:1"))];
        attrs.extend(extra);
        Value::object(attrs)
    }

    #[test]
    fn environment_is_always_present_and_isolation_only_when_true() {
        let off = Value::object([
            ("enable_network_isolation", Value::Bool(false)),
            ("vpc_config", Value::Null),
        ]);
        let j = compile(&base(vec![("network", off)])).expect("compiles");
        assert_eq!(
            j["Arguments"],
            json!({"PrimaryContainer": {"Image": "img:1", "Environment": {}}})
        );
        let on = Value::object([
            ("enable_network_isolation", Value::Bool(true)),
            ("vpc_config", Value::Null),
        ]);
        let j = compile(&base(vec![("network", on)])).expect("compiles");
        assert_eq!(j["Arguments"]["EnableNetworkIsolation"], true);
    }

    /// Fresh-eyes finding (the SDK's ModelStep refuses SageMakerJobStepRetryPolicy): a
    /// SageMaker job's retry type on a model step is an error at its element.
    #[test]
    fn retries_take_the_steps_own_exception_types_only() {
        let retry = |t: &str| {
            Value::list([Value::object([
                (
                    "exception_types",
                    Value::list([Value::string("Step.THROTTLING"), Value::string(t)]),
                ),
                ("max_attempts", Value::from(2i64)),
            ])])
        };
        assert!(compile(&base(vec![("retry", retry("Step.SERVICE_FAULT"))])).is_ok());
        let err = compile(&base(vec![("retry", retry("SageMaker.CAPACITY_ERROR"))])).unwrap_err();
        assert_eq!(
            err,
            [(
                "retry[0].exception_types[1]".to_string(),
                "SageMaker.CAPACITY_ERROR does not apply to model steps".to_string()
            )]
        );
    }

    #[test]
    fn model_data_url_must_be_s3_or_a_reference() {
        let err = compile(&base(vec![("model_data_url", Value::string("/tmp/model.tar.gz"))]))
            .unwrap_err();
        assert_eq!(err[0].0, "model_data_url");
        let j = compile(&base(vec![(
            "model_data_url",
            Value::string("{{ Steps.Train.ModelArtifacts.S3ModelArtifacts }}"),
        )]))
        .expect("compiles");
        assert_eq!(
            j["Arguments"]["PrimaryContainer"]["ModelDataUrl"],
            json!({"Get": "Steps.Train.ModelArtifacts.S3ModelArtifacts"})
        );
    }

    #[test]
    fn export_is_the_model_name_reference() {
        assert_eq!(
            (ModelStep.exports()[0].value)("CreateModel", &Value::Null),
            Value::string("{{ Steps.CreateModel.ModelName }}")
        );
    }
}
