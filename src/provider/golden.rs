//! The entry point golden tests use: compile a resource configuration written as JSON (the
//! shape of `*.tf.json`) through the path Terraform drives, without Terraform or AWS:
//! ValidateResourceConfig (the resource's `validate`), then PlanResourceChange for a create
//! (the framework's plan from the configuration, computed attributes unknown, then the
//! resource's own `plan`). The output is the planned `json` of a step, or the planned
//! definition of a pipeline (its `definition_parts` joined).
//!
//! Depends on `framework`, `tfvalue`, the step resources and the pipeline resource.

use std::collections::BTreeMap;

use futures_util::FutureExt;
use serde_json::{json, Value as Json};

use crate::framework::{schema, Diagnostics, PlanRequest, Resource};
use crate::provider::model::{self, Known};
use crate::provider::ProviderData;
use crate::tfvalue::json as tfjson;
use crate::tfvalue::Value;

pub enum GoldenOutput {
    /// The compiled step object or pipeline definition.
    Json(Json),
    /// `[{"path": "...", "summary": "..."}]` for configurations with mistakes.
    Diagnostics(Vec<Json>),
}

fn diagnostics(d: &Diagnostics) -> GoldenOutput {
    GoldenOutput::Diagnostics(
        d.iter()
            .map(|d| json!({"path": d.path.clone().unwrap_or_default().to_string(), "summary": d.summary}))
            .collect(),
    )
}

/// The resource types golden cases may use: every step resource and the pipeline.
pub fn resource(type_name: &str) -> Option<std::sync::Arc<dyn Resource<ProviderData>>> {
    let pipeline: std::sync::Arc<dyn Resource<ProviderData>> =
        std::sync::Arc::new(super::ml_pipeline::MlPipeline);
    super::steps::all()
        .into_iter()
        .chain(std::iter::once(pipeline))
        .find(|r| r.type_name() == type_name)
}

/// Compiles `config` (JSON text) as a `type_name` resource. `Err` when there is no such
/// resource type or the input does not fit its schema: a broken case, never an expectation.
pub fn compile(type_name: &str, config: &str) -> Result<GoldenOutput, String> {
    let r = resource(type_name).ok_or_else(|| format!("no resource type {type_name}"))?;
    let schema = r.schema();
    let cfg = tfjson::decode_json(config.as_bytes(), &schema.block.value_type())
        .map_err(|e| format!("input does not match the schema of {type_name}: {e}"))?;
    let diags = r.validate(&cfg);
    if diags.has_errors() {
        return Ok(diagnostics(&diags));
    }
    let req = PlanRequest {
        prior: Value::Null,
        proposed: cfg.clone(),
        config: cfg.clone(),
        prior_private: Vec::new(),
    };
    let mut planned = schema::plan_from_config(&schema.block, &req.config, &req.proposed);
    schema::mark_computed_unknown(&schema.block, &mut planned);
    let data = ProviderData {
        sagemaker: None,
        default_tags: Known::Value(BTreeMap::new()),
        claims: Default::default(),
    };
    let mut diags = Diagnostics::new();
    // Planning a step or a pipeline calls no AWS API, so its future is ready at once.
    r.plan(&data, &req, &mut planned, &mut diags)
        .now_or_never()
        .ok_or_else(|| format!("the plan of {type_name} waited on something"))?;
    if diags.has_errors() {
        return Ok(diagnostics(&diags));
    }
    let text = if type_name == super::ml_pipeline::MlPipeline.type_name() {
        super::ml_pipeline::definition_text(&planned)
    } else {
        model::string(&planned, "json").value()
    };
    let text = text.ok_or_else(|| {
        format!("the plan of this {type_name} has no compiled output and no error: inputs unknown?")
    })?;
    Ok(GoldenOutput::Json(serde_json::from_str(&text).unwrap_or(Json::String(text))))
}
