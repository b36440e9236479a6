//! The entry point golden tests use: compile a resource configuration written as JSON (the
//! shape of `*.tf.json`) exactly as plan would, without Terraform or AWS.
//!
//! Depends on `framework`, `tfvalue`, the step resources and the pipeline compiler.

use serde_json::{json, Value as Json};

use crate::framework::{Diagnostics, Resource};
use crate::provider::ProviderData;
use crate::tfvalue::json as tfjson;

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

/// Compiles `config` (JSON text) as a `type_name` resource.
pub fn compile(type_name: &str, config: &str) -> GoldenOutput {
    let resources = super::steps::all();
    let pipeline: std::sync::Arc<dyn Resource<ProviderData>> =
        std::sync::Arc::new(super::ml_pipeline::MlPipeline);
    let Some(r) =
        resources.iter().chain(std::iter::once(&pipeline)).find(|r| r.type_name() == type_name)
    else {
        return GoldenOutput::Diagnostics(vec![
            json!({"path": "", "summary": format!("no resource type {type_name}")}),
        ]);
    };
    let ty = r.schema().block.value_type();
    let cfg = match tfjson::decode_json(config.as_bytes(), &ty) {
        Ok(v) => v,
        Err(e) => {
            return GoldenOutput::Diagnostics(vec![
                json!({"path": "", "summary": format!("input does not match the schema: {e}")}),
            ])
        }
    };
    let diags = r.validate(&cfg);
    if diags.has_errors() {
        return diagnostics(&diags);
    }
    let out = if type_name == "sagemaker_ml_pipeline" {
        super::ml_pipeline::compile_definition(&cfg)
    } else {
        super::steps::compile_any(type_name, &cfg)
    };
    match out {
        (Some(text), _) => {
            GoldenOutput::Json(serde_json::from_str(&text).unwrap_or(Json::String(text)))
        }
        (None, d) => diagnostics(&d),
    }
}
