//! Data source `sagemaker_ml_pipeline_definition`: compiles parameters and steps into a pipeline
//! definition with no AWS call and no credentials, for use with any tool that takes a
//! definition (the AWS provider's `aws_sagemaker_pipeline`, the SageMaker SDK, CI checks).
//!
//! The same inputs, compiler and validation as `sagemaker_ml_pipeline`, so the two never
//! disagree. Layout: schema, read, tests.

use async_trait::async_trait;

use super::ml_pipeline::{self, Compiled};
use super::{model, ProviderData};
use crate::framework::{Attribute, Block, DataSource, Diagnostics, NestedBlock, Schema};
use crate::tfvalue::{Type, Value};

pub struct MlPipelineDefinition;

fn schema() -> Schema {
    Schema::new(
        Block::new("A SageMaker pipeline definition compiled offline from parameters and steps, validated like `sagemaker_ml_pipeline` does, without any AWS call. Terraform reads a data source during apply instead of plan when one of its inputs is not known yet, as the `json` of a step resource that is new or changing is not (Terraform 1.0 and newer say \"will be read during apply\"): its checks then run at apply; the `sagemaker_ml_pipeline` resource's plan checks the same definition at plan time.")
            .attr(ml_pipeline::steps_attribute())
            .attr(ml_pipeline::dependencies_attribute())
            .attr(Attribute::computed("json", Type::String, "The pipeline definition as canonical JSON."))
            .attr(ml_pipeline::mermaid_attribute())
            .block(NestedBlock::list("parameter", ml_pipeline::parameter_block()))
            .block(NestedBlock::single("step_defaults", ml_pipeline::step_defaults_block()))
            .block(ml_pipeline::experiment_config_block()),
    )
}

#[async_trait]
impl DataSource<ProviderData> for MlPipelineDefinition {
    fn type_name(&self) -> &'static str {
        "sagemaker_ml_pipeline_definition"
    }

    fn schema(&self) -> Schema {
        schema()
    }

    fn validate(&self, config: &Value) -> Diagnostics {
        let mut diags = super::steps::common::null_elements(config);
        // Warnings only with errors: without any, the read compiles the same definition and
        // reports them; with errors, Terraform does not read.
        let errors = |d: Diagnostics| if d.has_errors() { d.0 } else { Vec::new() };
        match ml_pipeline::compile_configuration(config) {
            // Partial: Terraform reads this data source during apply when its steps are planned
            // there; what the known values decide fails the plan instead.
            Compiled::Known(_, problems) | Compiled::Partial(problems) => {
                diags.0.extend(errors(problems))
            }
            Compiled::Unjudged => {}
        }
        diags
    }

    async fn read(&self, _data: &ProviderData, config: &Value) -> (Value, Diagnostics) {
        let Compiled::Known(json, diags) = ml_pipeline::compile_configuration(config) else {
            // Terraform defers reads until the configuration is known; this is a safety net.
            let mut d = Diagnostics::new();
            d.error("Definition inputs are not known yet", "Terraform read this data source before its inputs were known. Please report this as a bug.");
            return (config.clone(), d);
        };
        let mut state = config.clone();
        let mermaid = json.as_deref().map(ml_pipeline::mermaid_of).unwrap_or(Value::Null);
        model::set(&mut state, "json", json.map(Value::string).unwrap_or(Value::Null));
        model::set(&mut state, "mermaid", mermaid);
        (state, diags)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compiles_without_a_provider_configuration() {
        let cfg = Value::object([
            (
                "steps",
                Value::list([Value::string(
                    r#"{"Name":"F","Type":"Fail","Arguments":{"ErrorMessage":"x"}}"#,
                )]),
            ),
            ("dependencies", Value::Null),
            ("json", Value::Null),
            ("mermaid", Value::Null),
            ("parameter", Value::List(vec![])),
            ("step_defaults", Value::Null),
            ("experiment_config", Value::Null),
        ]);
        let Compiled::Known(json, d) = ml_pipeline::compile_configuration(&cfg) else {
            panic!("every input is known")
        };
        assert!(d.is_empty(), "{d:?}");
        assert!(json.expect("json").contains("\"Steps\":[{"));

        // Over SageMaker's inline limit: compiled, with a warning that it goes through S3
        // (helper finding: the data source refused it, and nothing could turn that off).
        let mut big = cfg.clone();
        let message = "x".repeat(crate::compiler::definition::MAX_DEFINITION_CHARS);
        let step =
            format!(r#"{{"Name":"F","Type":"Fail","Arguments":{{"ErrorMessage":"{message}"}}}}"#);
        model::set(&mut big, "steps", Value::list([Value::string(step)]));
        let Compiled::Known(json, d) = ml_pipeline::compile_configuration(&big) else {
            panic!("every input is known")
        };
        assert!(json.is_some());
        assert_eq!(d.0.len(), 1, "{d:?}");
        assert!(!d.has_errors() && d.0[0].detail.contains("definition_s3"), "{d:?}");
    }
}
