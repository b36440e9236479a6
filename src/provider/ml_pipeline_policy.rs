//! Data source `sagemaker_ml_pipeline_policy`: the least-privilege IAM policy document a
//! pipeline's roles need (its own and its jobs'), derived offline from its compiled definition
//! (`compiler::policy` says what goes into each statement and how runtime references widen).
//! Steps of a type the provider does not know, and a document without statements, are
//! warnings.
//!
//! Input: `definition`, the canonical JSON of a definition (the `json` of the
//! `sagemaker_ml_pipeline_definition` data source, or any definition text). Output: `json`, the
//! policy document, ready for `aws_iam_role_policy.policy`. No AWS call. Layout: schema, read,
//! tests.

use async_trait::async_trait;

use super::{model, steps, ProviderData};
use crate::compiler::{canonical, parts, policy};
use crate::framework::{AttrPath, Attribute, Block, DataSource, Diagnostic, Diagnostics, Schema};
use crate::tfvalue::{Type, Value};

pub struct MlPipelinePolicy;

fn schema() -> Schema {
    Schema::new(
        Block::new("The IAM policy document a pipeline's roles need for exactly the steps of its definition, derived offline with no AWS call: the SageMaker actions of the job types its steps start, `iam:PassRole` on the roles its jobs use, `s3:GetObject` / `s3:PutObject` / `s3:ListBucket` scoped to the S3 locations its steps read and write, `kms:` on the keys it names (an alias through the `kms:ResourceAliases` condition), `lambda:InvokeFunction` on its Lambda functions, `sqs:SendMessage` on its callback queues, EMR and EMR Serverless actions for those steps, ECR pulls for its images, and what a job's role needs besides (CloudWatch Logs and metrics under `/aws/sagemaker/`, network interfaces for jobs in a VPC). One document serves the pipeline's role (`role_arn`) and the roles its jobs run as (`step_defaults.role_arn`, a step's own role): attach it to each, or use one role for both (a job's role that carries it may then start jobs and pass roles too). ARNs are in the partition of the ARNs the definition names (`aws-cn`, `aws-us-gov`), else `aws`. Steps of a type the provider does not know are not covered (a warning names them). An S3 location built at run time (`s3://bucket/{{ Execution.PipelineExecutionId }}/out`) widens to its literal part (`bucket/*`); one that is wholly a reference, such as a parameter, widens to every bucket (`arn:aws:s3:::*`); a role, key, function or queue given by a reference widens to `*`. Review the document before use: it grants what the definition needs, which the definition alone cannot always narrow down. Terraform reads a data source whose inputs come from a resource with changes pending during the apply, not the plan: a plan that changes the pipeline shows the policy as `(known after apply)` (the diff of the pipeline's own `definition_parts` shows what changes); the next plan shows it.")
            .attr(Attribute::optional("definition", Type::String, "The pipeline definition as JSON: the `json` of the `sagemaker_ml_pipeline_definition` data source, or any definition text. Exactly one of `definition` and `definition_parts`."))
            .attr(Attribute::optional("definition_parts", Type::Map(Box::new(Type::String)), "The `definition_parts` of a `sagemaker_ml_pipeline`: the policy for the pipeline as it is planned. Exactly one of `definition` and `definition_parts`."))
            .attr(Attribute::computed("json", Type::String, "The IAM policy document as canonical JSON, e.g. for `aws_iam_role_policy.policy`.")),
    )
}

/// The definition, or a diagnostic saying why it cannot be read (`Ok(None)`: not known yet).
fn definition(config: &Value) -> Result<Option<serde_json::Value>, Diagnostics> {
    let mut d = Diagnostics::new();
    let given = |k: &str| config.get(k).is_some_and(|v| !v.is_null());
    if given("definition") == given("definition_parts") {
        d.error_at(AttrPath::root("definition"), "Give exactly one of definition and definition_parts", "Set `definition` to the `json` of a sagemaker_ml_pipeline_definition data source, or `definition_parts` to a sagemaker_ml_pipeline's `definition_parts`.");
        return Err(d);
    }
    let text = if given("definition_parts") {
        let Some(parts) = model::string_map(config, "definition_parts").value() else {
            return Ok(None);
        };
        match parts::join(&parts).or_else(|| parts.get("Definition").cloned()) {
            Some(text) => text,
            None => {
                d.error_at(AttrPath::root("definition_parts"), "Not the definition_parts of a pipeline", "Pass the `definition_parts` attribute of a sagemaker_ml_pipeline resource as it is.");
                return Err(d);
            }
        }
    } else {
        match model::string(config, "definition").value() {
            Some(t) => t,
            None => return Ok(None),
        }
    };
    // Fresh-eyes finding: a broken `definition_parts` was reported at the data block, as a
    // problem of `definition`.
    if given("definition_parts") {
        return match serde_json::from_str::<serde_json::Value>(&text) {
            Ok(def) if def.get("Steps").is_some_and(serde_json::Value::is_array) => Ok(Some(def)),
            _ => {
                d.error_at(AttrPath::root("definition_parts"), "Not the definition_parts of a pipeline", "Its parts do not make up a pipeline definition with a `Steps` list. Pass the `definition_parts` attribute of a sagemaker_ml_pipeline resource as it is.");
                Err(d)
            }
        };
    }
    match serde_json::from_str::<serde_json::Value>(&text) {
        Ok(def) if def.get("Steps").is_some_and(serde_json::Value::is_array) => Ok(Some(def)),
        Ok(_) => {
            d.error_at(AttrPath::root("definition"), "Not a pipeline definition", "The definition must be a JSON object with a `Steps` list, such as the `json` of the sagemaker_ml_pipeline_definition data source.");
            Err(d)
        }
        Err(e) => {
            d.error_at(AttrPath::root("definition"), "The definition is not JSON", format!("{e}. Pass the `json` of the sagemaker_ml_pipeline_definition data source (or jsonencode a definition object)."));
            Err(d)
        }
    }
}

#[async_trait]
impl DataSource<ProviderData> for MlPipelinePolicy {
    fn type_name(&self) -> &'static str {
        "sagemaker_ml_pipeline_policy"
    }

    fn schema(&self) -> Schema {
        schema()
    }

    fn validate(&self, config: &Value) -> Diagnostics {
        definition(config).err().unwrap_or_default()
    }

    async fn read(&self, _data: &ProviderData, config: &Value) -> (Value, Diagnostics) {
        let mut state = config.clone();
        match definition(config) {
            Ok(Some(def)) => {
                let doc = policy::document(&def, steps::step_type_facts);
                let mut d = Diagnostics::new();
                let uncovered = policy::uncovered_steps(&def, steps::step_type_facts);
                if !uncovered.is_empty() {
                    let listed = uncovered
                        .iter()
                        .take(10)
                        .map(|(name, ty)| {
                            if ty.is_empty() {
                                format!("{name} (no Type)")
                            } else {
                                format!("{name} ({ty})")
                            }
                        })
                        .collect::<Vec<_>>()
                        .join(", ");
                    let more = if uncovered.len() > 10 { ", ..." } else { "" };
                    d.push(Diagnostic::warning(
                        "The policy does not cover every step",
                        format!("Steps whose permissions this provider does not model: {listed}{more}. The document grants what their Arguments name (roles, S3 locations, keys, images) but not the actions their type runs (e.g. sagemaker:CreateEndpoint for an Endpoint step): add a statement for those yourself."),
                    ));
                }
                if doc["Statement"].as_array().is_some_and(Vec::is_empty) {
                    d.push(Diagnostic::warning(
                        "The pipeline's steps need no permissions",
                        "Its steps start no job and call no other service, so the document has no statement. IAM does not accept a policy without statements: attach none.",
                    ));
                }
                model::set(&mut state, "json", Value::string(canonical::to_string(&doc)));
                (state, d)
            }
            Ok(None) => {
                let mut d = Diagnostics::new();
                d.error("The definition is not known yet", "Terraform read this data source before its definition was known. Please report this as a bug.");
                (state, d)
            }
            Err(d) => (state, d),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cfg(definition: &str) -> Value {
        Value::object([
            ("definition", Value::string(definition)),
            ("definition_parts", Value::Null),
            ("json", Value::Null),
        ])
    }

    #[test]
    fn bad_definitions_are_diagnostics_at_the_attribute() {
        for text in ["{", "[1]", r#"{"Steps": 3}"#] {
            let d = MlPipelinePolicy.validate(&cfg(text));
            assert!(d.has_errors(), "{text}");
            assert_eq!(d.0[0].path, Some(AttrPath::root("definition")), "{text}");
        }
        assert!(!MlPipelinePolicy.validate(&cfg(r#"{"Steps": []}"#)).has_errors());
        let neither = Value::object([
            ("definition", Value::Null),
            ("definition_parts", Value::Null),
            ("json", Value::Null),
        ]);
        assert!(MlPipelinePolicy.validate(&neither).has_errors());
        // Broken parts are reported at definition_parts (fresh-eyes finding).
        let parts = Value::object([
            ("definition", Value::Null),
            ("definition_parts", Value::map([("Definition", Value::string(r#"{"Steps": null}"#))])),
            ("json", Value::Null),
        ]);
        let d = MlPipelinePolicy.validate(&parts);
        assert_eq!(d.0.len(), 1, "{d:?}");
        assert_eq!(d.0[0].path, Some(AttrPath::root("definition_parts")));
        assert_eq!(d.0[0].summary, "Not the definition_parts of a pipeline");
    }
}
