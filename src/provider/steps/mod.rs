//! Step resources: one Terraform type per SageMaker step type, each compiled at plan time into
//! its step object (`json`). They are state-only: no API call, ever.
//!
//! Every step type implements [`StepKind`] (its own attributes and how they compile to the
//! step's `Arguments` and type-specific top-level keys); [`StepResource`] wraps a kind into a
//! Terraform resource and adds what every step shares: `name`, `display_name`, `description`,
//! `depends_on_steps`, `cache`, `retry`, the computed `json`, and the exported `{{ }}`
//! reference attributes. `json` is known at plan time whenever the step's inputs are known.
//!
//! Depends on `framework`, `compiler`. Must not call AWS.

pub mod automl;
pub mod callback;
pub mod clarify_check;
pub mod common;
pub mod condition;
pub mod emr;
pub mod emr_serverless;
pub mod fail;
pub mod generic;
pub mod instance_types;
pub mod lambda;
#[path = "model.rs"]
pub mod model_step;
pub mod processing;
pub mod quality_check;
pub mod register_model;
pub mod training;
pub mod transform;
pub mod tuning;

use std::sync::Arc;

use async_trait::async_trait;
use serde_json::{Map, Value as Json};

use super::model;
use super::ProviderData;
use crate::compiler::canonical;
use crate::framework::{Attribute, Block, Diagnostics, Outcome, PlanRequest, Resource, Schema};
use crate::tfvalue::{Type, Value};
pub use common::Ctx;

/// What a step type adds to the common step resource.
pub trait StepKind: Send + Sync + 'static {
    /// The Terraform type name, e.g. `sagemaker_processing_step`.
    fn type_name(&self) -> &'static str;
    /// SageMaker's `Type`, e.g. `Processing`.
    fn step_type(&self) -> &'static str;
    fn description(&self) -> &'static str;
    /// The type's own attributes and blocks, added to the common ones.
    fn block(&self, b: Block) -> Block;
    /// Whether SageMaker accepts `CacheConfig` / `RetryPolicies` on this step type.
    fn cacheable(&self) -> bool {
        false
    }
    fn retryable(&self) -> bool {
        false
    }
    /// Compiles `Arguments` and any type-specific top-level keys into `step`. Problems go to
    /// `ctx` with their attribute paths.
    fn compile(&self, cfg: &Value, ctx: &mut Ctx, step: &mut Map<String, Json>);
    /// Computed reference attributes: (name, schema type, description, value for a step name).
    fn exports(&self) -> Vec<Export> {
        Vec::new()
    }
}

pub struct Export {
    pub name: &'static str,
    pub ty: Type,
    pub description: &'static str,
    /// Computes the value from the step name and the (known) configuration.
    pub value: fn(name: &str, cfg: &Value) -> Value,
}

pub struct StepResource<K: StepKind>(pub K);

/// Every step resource this provider serves.
pub fn all() -> Vec<Arc<dyn Resource<ProviderData>>> {
    vec![
        Arc::new(StepResource(processing::Processing)),
        Arc::new(StepResource(fail::Fail)),
        Arc::new(StepResource(lambda::Lambda)),
        Arc::new(StepResource(callback::Callback)),
        Arc::new(StepResource(condition::Condition)),
        Arc::new(StepResource(generic::Generic)),
        Arc::new(StepResource(tuning::Tuning)),
        Arc::new(StepResource(emr::Emr)),
        Arc::new(StepResource(quality_check::QualityCheck)),
        Arc::new(StepResource(clarify_check::ClarifyCheck)),
        Arc::new(StepResource(training::Training)),
        Arc::new(StepResource(model_step::ModelStep)),
        Arc::new(StepResource(register_model::RegisterModel)),
        Arc::new(StepResource(transform::Transform)),
        Arc::new(StepResource(automl::AutoMl)),
        Arc::new(StepResource(emr_serverless::EmrServerless)),
    ]
}

/// Compiles a step configuration of any step type (golden tests, benchmarks).
pub fn compile_any(type_name: &str, cfg: &Value) -> (Option<String>, Diagnostics) {
    macro_rules! try_kind {
        ($($k:expr),*) => {$(
            if $k.type_name() == type_name {
                return StepResource($k).compile(cfg);
            }
        )*};
    }
    try_kind!(
        processing::Processing,
        fail::Fail,
        lambda::Lambda,
        callback::Callback,
        condition::Condition,
        generic::Generic,
        tuning::Tuning,
        emr::Emr,
        quality_check::QualityCheck,
        clarify_check::ClarifyCheck,
        training::Training,
        model_step::ModelStep,
        register_model::RegisterModel,
        transform::Transform,
        automl::AutoMl,
        emr_serverless::EmrServerless
    );
    (None, Diagnostics::new())
}

impl<K: StepKind> StepResource<K> {
    pub fn full_schema(&self) -> Schema {
        let mut b =
            common::common_block(self.0.description(), self.0.cacheable(), self.0.retryable());
        b = self.0.block(b);
        for e in self.0.exports() {
            b = b.attr(Attribute::computed(e.name, e.ty.clone(), e.description));
        }
        Schema::new(b)
    }

    /// The compiled step object, or the problems that prevent it.
    pub fn compile(&self, cfg: &Value) -> (Option<String>, Diagnostics) {
        self.compile_with(cfg, false)
    }

    /// The problems `terraform validate` can see in a configuration with values not known yet:
    /// those of the known values alone (see [`Ctx`]'s partial mode).
    pub fn validate_known_parts(&self, cfg: &Value) -> Diagnostics {
        self.compile_with(cfg, true).1
    }

    fn compile_with(&self, cfg: &Value, partial: bool) -> (Option<String>, Diagnostics) {
        let mut ctx = Ctx { diags: common::null_elements(cfg), partial };
        let mut step = Map::new();
        common::compile_common(cfg, self.0.step_type(), &mut ctx, &mut step);
        self.0.compile(cfg, &mut ctx, &mut step);
        if self.0.cacheable() {
            common::compile_cache(cfg, &mut ctx, &mut step);
        }
        if self.0.retryable() {
            common::compile_retry(cfg, &mut ctx, &mut step);
        }
        if ctx.diags.has_errors() {
            return (None, ctx.diags);
        }
        (Some(canonical::to_string(&Json::Object(step))), ctx.diags)
    }
}

/// Everything the user set is known. (Computed-only attributes are null in a configuration, so
/// this is simply the configuration being wholly known.)
fn inputs_known(cfg: &Value) -> bool {
    cfg.is_known()
}

#[async_trait]
impl<K: StepKind> Resource<ProviderData> for StepResource<K> {
    fn type_name(&self) -> &'static str {
        self.0.type_name()
    }

    fn schema(&self) -> Schema {
        self.full_schema()
    }

    fn validate(&self, config: &Value) -> Diagnostics {
        if inputs_known(config) {
            self.compile(config).1
        } else {
            self.validate_known_parts(config)
        }
    }

    async fn plan(
        &self,
        _data: &ProviderData,
        req: &PlanRequest,
        planned: &mut Value,
        diags: &mut Diagnostics,
    ) {
        let json = if inputs_known(&req.config) {
            let (json, problems) = self.compile(planned);
            diags.extend(problems);
            json.map(Value::string).unwrap_or(Value::Unknown)
        } else {
            Value::Unknown
        };
        model::set(planned, "json", json);
        let name = model::string(planned, "name").value();
        for e in self.0.exports() {
            let v = match &name {
                Some(n) => (e.value)(n, planned),
                None => Value::Unknown,
            };
            model::set(planned, e.name, v);
        }
    }

    async fn create(&self, _data: &ProviderData, planned: &Value) -> Outcome {
        Outcome { state: planned.clone(), diagnostics: Diagnostics::new() }
    }

    async fn update(&self, _data: &ProviderData, _prior: &Value, planned: &Value) -> Outcome {
        Outcome { state: planned.clone(), diagnostics: Diagnostics::new() }
    }

    async fn delete(&self, _data: &ProviderData, _prior: &Value) -> Diagnostics {
        Diagnostics::new()
    }

    async fn read(&self, _data: &ProviderData, state: &Value) -> (Value, Diagnostics) {
        (state.clone(), Diagnostics::new())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn processing(attrs: Vec<(&str, Value)>) -> Value {
        let mut m: std::collections::BTreeMap<String, Value> = [
            ("name", Value::string("Prep")),
            ("image_uri", Value::string("img")),
            ("instance_type", Value::string("ml.m5.xlarge")),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v))
        .collect();
        for (k, v) in attrs {
            m.insert(k.to_string(), v);
        }
        Value::Object(m)
    }

    fn validate(cfg: &Value) -> Vec<String> {
        StepResource(processing::Processing)
            .validate(cfg)
            .iter()
            .map(|d| format!("{}: {}", d.path.clone().unwrap_or_default(), d.summary))
            .collect()
    }

    /// Issue 6: validate checks every known value while others are unknown, and reports nothing
    /// that an unknown value could make right.
    #[test]
    fn validate_checks_known_values_only() {
        let out = |name: Value| {
            Value::list([Value::object([
                ("name", name),
                ("source", Value::string("/opt/ml/processing/o")),
                ("destination", Value::Unknown),
            ])])
        };
        let pf = Value::list([Value::object([
            ("name", Value::string("R")),
            ("output_name", Value::string("o")),
            ("path", Value::string("r.json")),
        ])]);
        // The output's name is unknown: the property file naming it is not a mistake yet.
        let cfg = processing(vec![
            ("role_arn", Value::Unknown),
            ("output", out(Value::Unknown)),
            ("property_file", pf.clone()),
        ]);
        assert_eq!(validate(&cfg), Vec::<String>::new());
        // Known mistakes are reported next to unknown values.
        let cfg = processing(vec![
            ("role_arn", Value::Unknown),
            ("instance_type", Value::string("ml.m5.xxlarge")),
            ("instance_count", Value::string("-0")),
            ("container_arguments", Value::list([Value::string("a"), Value::Null])),
            (
                "input",
                Value::list([Value::object([
                    ("source", Value::string("acme-ml/raw")),
                    ("destination", Value::Unknown),
                ])]),
            ),
            ("output", out(Value::string("o"))),
            ("property_file", pf),
        ]);
        assert_eq!(
            validate(&cfg),
            vec![
                "container_arguments[1]: Null element in a list",
                "instance_type: Invalid instance type \"ml.m5.xxlarge\"",
                "instance_count: instance_count must be a positive whole number",
                "input[0].source: Invalid S3 URI \"acme-ml/raw\"",
            ]
        );
        // With everything known, validate is plan's full compile.
        let cfg = processing(vec![
            ("output", Value::list([])),
            (
                "property_file",
                Value::list([Value::object([
                    ("name", Value::string("R")),
                    ("output_name", Value::string("o")),
                    ("path", Value::string("r.json")),
                ])]),
            ),
        ]);
        assert_eq!(validate(&cfg), vec!["property_file[0].output_name: Property file \"R\" names output \"o\", which this step does not have"]);
    }
}
