//! Data source `sagemaker_ml_pipeline`: reads a deployed pipeline by name (ARN, role,
//! definition, status, tags), e.g. to start executions from another workspace or to check what
//! is deployed.
//!
//! Layout: schema, read, mapping.

use async_trait::async_trait;

use super::{model, ProviderData};
use crate::compiler::canonical;
use crate::framework::{AttrPath, Attribute, Block, DataSource, Diagnostic, Diagnostics, Schema};
use crate::tfvalue::{Number, Type, Value};

pub struct DeployedPipeline;

fn schema() -> Schema {
    Schema::new(
        Block::new("A SageMaker pipeline that already exists, read by name.")
            .attr(Attribute::required(
                "name",
                Type::String,
                "Pipeline name, or its ARN (of the provider's region and account).",
            ))
            .attr(Attribute::computed("arn", Type::String, "The pipeline's ARN."))
            .attr(Attribute::computed(
                "role_arn",
                Type::String,
                "The IAM role the pipeline runs as.",
            ))
            .attr(Attribute::computed("display_name", Type::String, "Display name."))
            .attr(Attribute::computed("description", Type::String, "Description."))
            .attr(Attribute::computed(
                "definition",
                Type::String,
                "The deployed definition as canonical JSON.",
            ))
            .attr(Attribute::computed("status", Type::String, "`Active` or `Deleting`."))
            .attr(Attribute::computed(
                "max_parallel_execution_steps",
                Type::Number,
                "Parallelism limit, when one is set.",
            ))
            .attr(Attribute::computed(
                "tags",
                Type::Map(Box::new(Type::String)),
                "All tags of the pipeline.",
            )),
    )
}

#[async_trait]
impl DataSource<ProviderData> for DeployedPipeline {
    fn type_name(&self) -> &'static str {
        "sagemaker_ml_pipeline"
    }

    fn schema(&self) -> Schema {
        schema()
    }

    fn validate(&self, config: &Value) -> Diagnostics {
        let mut diags = Diagnostics::new();
        if let model::Known::Value(raw) = model::string(config, "name") {
            if let Some(why) = not_a_pipeline(&raw) {
                diags.push(
                    Diagnostic::error(
                        format!("Not a pipeline name or ARN: {:?}", super::shorten(&raw)),
                        why,
                    )
                    .at(AttrPath::root("name")),
                );
            }
        }
        diags
    }

    async fn read(&self, data: &ProviderData, config: &Value) -> (Value, Diagnostics) {
        let mut diags = Diagnostics::new();
        let sm = match data.sagemaker() {
            Ok(s) => s,
            Err(d) => return (config.clone(), d),
        };
        let raw = model::string(config, "name").value().unwrap_or_default();
        // An ARN names its region and account; SageMaker is asked by name, in this provider's
        // region and account, so an ARN of another one would read another pipeline (fresh-eyes:
        // one of the same name was returned).
        if let Some((arn_region, ours)) = super::arn_in_other_region(sm, &raw).await {
            diags.push(
                Diagnostic::error(
                    format!("The pipeline {raw:?} is in region {arn_region}"),
                    format!("This provider configuration reads region {ours}. Read it through a provider configuration for {arn_region}: add a provider \"sagemaker\" block with an alias and region = \"{arn_region}\", and set provider = sagemaker.<alias> on the data source."),
                )
                .at(AttrPath::root("name")),
            );
            return (config.clone(), diags);
        }
        let name = raw.rsplit_once(":pipeline/").map(|(_, n)| n.to_string()).unwrap_or(raw.clone());
        let p = match sm.describe(&name).await {
            Ok(Some(p)) => p,
            Ok(None) => {
                let ours = sm.checked_account();
                let detail = match (super::arn_account(&raw), ours) {
                    (Some(wanted), Some(ours)) if wanted != ours => format!("The ARN names account {wanted}, and this provider's credentials are for account {ours}. Read the pipeline with credentials of account {wanted}: add a provider \"sagemaker\" block with an alias and assume_role (or a profile) for that account, and set provider = sagemaker.<alias> on the data source."),
                    // SageMaker writes pipeline ARNs in lower case: the name in one may not be
                    // the pipeline's own spelling.
                    (Some(_), _) => "Check the name and the provider's region. A pipeline's ARN spells its name in lower case: if the name has capitals (Churn-Training), give the name itself rather than the ARN.".to_string(),
                    _ => "Check the name and that the provider points at the right account and region.".to_string(),
                };
                diags.push(
                    Diagnostic::error(format!("No SageMaker pipeline named {name:?}"), detail)
                        .at(AttrPath::root("name")),
                );
                return (config.clone(), diags);
            }
            Err(e) => {
                diags.push(super::aws_diag(
                    format!("Failed to read SageMaker pipeline {name:?}"),
                    &e,
                ));
                return (config.clone(), diags);
            }
        };
        let account = |arn: &str| arn.split(':').nth(4).map(str::to_string);
        if let Some(wanted) = super::arn_account(&raw) {
            if account(&p.arn).is_some_and(|found| found != wanted) {
                diags.push(
                    Diagnostic::error(
                        format!("The pipeline {raw:?} is in account {wanted}"),
                        format!("This provider's credentials are for account {}, which has its own pipeline {name:?}. Read the pipeline with credentials of account {wanted}: add a provider \"sagemaker\" block with an alias and assume_role (or a profile) for that account, and set provider = sagemaker.<alias> on the data source.", account(&p.arn).unwrap_or_default()),
                    )
                    .at(AttrPath::root("name")),
                );
                return (config.clone(), diags);
            }
        }
        let definition = match canonical::normalize(&p.definition) {
            Ok(text) => text,
            Err(_) => {
                diags.push(
                    Diagnostic::warning(
                        format!("The deployed definition of pipeline {name:?} is not JSON"),
                        "definition holds the text DescribePipeline returned, which is not JSON, so jsondecode and the sagemaker_ml_pipeline_policy data source cannot read it. SageMaker returns JSON; the local moto endpoint returns a Python rendering for a pipeline created with definition_s3 (the sagemaker_ml_pipeline resource reads its own S3 object instead).",
                    ),
                );
                p.definition
            }
        };
        let mut s = config.clone();
        model::set(&mut s, "arn", Value::string(p.arn));
        model::set(&mut s, "role_arn", Value::string(p.role_arn));
        model::set(&mut s, "display_name", model::opt_string(p.display_name));
        model::set(&mut s, "description", model::opt_string(p.description));
        model::set(&mut s, "definition", Value::string(definition));
        model::set(&mut s, "status", model::opt_string(p.status));
        model::set(
            &mut s,
            "max_parallel_execution_steps",
            p.max_parallel_execution_steps
                .map(|n| Value::Number(Number::from(n as i64)))
                .unwrap_or(Value::Null),
        );
        model::set(&mut s, "tags", model::string_map_value(&p.tags));
        (s, diags)
    }
}

/// Why `raw` is neither a pipeline name nor a pipeline ARN; `None` when it is one.
fn not_a_pipeline(raw: &str) -> Option<String> {
    if let Some(rest) = raw.strip_prefix("arn:") {
        let parts: Vec<&str> = rest.splitn(5, ':').collect();
        let resource = parts.get(4).copied().unwrap_or("");
        return match resource.strip_prefix("pipeline/") {
            Some(name) if parts.get(1) == Some(&"sagemaker") && super::ml_pipeline::valid_pipeline_name(name) => None,
            _ => Some("An ARN here must be a SageMaker pipeline's, arn:aws:sagemaker:<region>:<account>:pipeline/<name>. Give the pipeline's name, or its ARN as DescribePipeline or the console shows it.".into()),
        };
    }
    (!super::ml_pipeline::valid_pipeline_name(raw)).then(|| {
        "A pipeline name is 1 to 256 letters, digits and hyphens, starting with a letter or digit, e.g. \"churn-training\".".into()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_pipeline_arns_pass_anything_else_is_named() {
        for ok in [
            "churn-training",
            "A1",
            "arn:aws:sagemaker:us-east-1:123456789012:pipeline/churn-training",
            "arn:aws-cn:sagemaker:cn-north-1:123456789012:pipeline/p",
        ] {
            assert_eq!(not_a_pipeline(ok), None, "{ok}");
        }
        for bad in [
            "",
            "bad name!",
            "-x",
            "arn:aws:sagemaker:us-east-1:123456789012:model/churn",
            "arn:aws:s3:::bucket",
        ] {
            assert!(not_a_pipeline(bad).is_some(), "{bad}");
        }
        let cfg = |name: &str| Value::object([("name", Value::string(name))]);
        let d = DeployedPipeline.validate(&cfg("arn:aws:sagemaker:us-east-1:1:model/x"));
        assert_eq!(d.0[0].path, Some(AttrPath::root("name")));
        assert!(d.0[0].summary.starts_with("Not a pipeline name or ARN"), "{:?}", d.0[0]);
    }
}
