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
                diags.push(
                    Diagnostic::error(
                        format!("No SageMaker pipeline named {name:?}"),
                        match super::arn_account(&raw) {
                            Some(account) => format!("The ARN names account {account}; this provider reads the account of its credentials. Check the name, and that the provider points at the right account and region (for another account, a provider block with an alias and assume_role or a profile for it)."),
                            None => "Check the name and that the provider points at the right account and region.".to_string(),
                        },
                    )
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
