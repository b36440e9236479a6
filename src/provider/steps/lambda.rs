//! `sagemaker_lambda_step`: invokes an existing AWS Lambda function (`Type: Lambda`) with a
//! flat map of inputs and declares the outputs it returns.
//!
//! The SDK's shape is kept exactly: `Arguments` is the input map (references keep their type:
//! an Integer parameter stays `{"Get": ...}`, literals stay strings), and `FunctionArn` and
//! `OutputParameters` are step-level siblings of `Arguments`; `OutputParameters` is always
//! emitted, `[]` when there are no outputs. There is no timeout key: a Lambda step's timeout is
//! the function's own configuration. The step never creates the function (the Python SDK can;
//! here use `aws_lambda_function` and pass its `arn`).
//!
//! The `inputs` map and the `output` blocks are shared with `sagemaker_callback_step`
//! ([`super::outputs`]).
//!
//! Layout: the step kind, exports, tests.

use serde_json::{Map, Value as Json};

use super::common::Ctx;
use super::outputs::{
    compile_inputs, compile_outputs, inputs_attribute, output_block, outputs_export,
    OUTPUT_PARAMETERS,
};
use super::{Export, StepKind};
use crate::compiler::policy::Permission;
use crate::compiler::step_type::StepDefault;
use crate::compiler::{dag::StepDefaults, properties::PropertyTree, step_type, StepTypeFacts};
use crate::framework::{AttrPath, Attribute, Block};
use crate::provider::model;
use crate::tfvalue::{Type, Value};

pub struct Lambda;

// ---- the step kind ---------------------------------------------------------------------------

/// Checks `arn:<partition>:lambda:<region>:<account>:function:<name>[:<version or alias>]`;
/// the error says what is wrong.
pub fn check_function_arn(arn: &str) -> Result<(), String> {
    let parts: Vec<&str> = arn.split(':').collect();
    if parts.len() < 7 || parts.len() > 8 || parts[0] != "arn" {
        return Err("expected arn:aws:lambda:<region>:<account id>:function:<name>, optionally followed by :<version or alias>".into());
    }
    let partition_ok = parts[1] == "aws"
        || parts[1].strip_prefix("aws-").is_some_and(|r| {
            !r.is_empty()
                && r.split('-').all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_lowercase()))
        });
    if !partition_ok {
        return Err(format!(
            "the partition {:?} is not an AWS partition (aws, aws-cn, aws-us-gov, ...)",
            parts[1]
        ));
    }
    if parts[2] != "lambda" {
        return Err(format!("the service is {:?}, not \"lambda\"", parts[2]));
    }
    if parts[3].is_empty()
        || !parts[3].bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
    {
        return Err(format!("the region {:?} is not a region such as us-east-1", parts[3]));
    }
    if parts[4].len() != 12 || !parts[4].bytes().all(|b| b.is_ascii_digit()) {
        return Err(format!("the account ID {:?} is not 12 digits", parts[4]));
    }
    if parts[5] != "function" {
        return Err(format!("the resource type is {:?}, not \"function\"", parts[5]));
    }
    let name = parts[6];
    if name.is_empty()
        || name.len() > 64
        || !name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    {
        return Err(format!("{name:?} is not a function name (1-64 letters, digits, `-` and `_`)"));
    }
    if let Some(q) = parts.get(7) {
        let ok = *q == "$LATEST"
            || (!q.is_empty()
                && q.len() <= 128
                && q.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'));
        if !ok {
            return Err(format!("{q:?} is not a version or alias"));
        }
    }
    Ok(())
}

impl StepTypeFacts for Lambda {
    fn step_type(&self) -> &'static str {
        "Lambda"
    }
    fn property_tree(&self) -> PropertyTree {
        PropertyTree::Modelled(&properties::TREE)
    }
    fn step_defaults_taken(&self) -> &'static [StepDefault] {
        &[]
    }
    fn apply_step_defaults(&self, _args: &mut Map<String, Json>, _defaults: &StepDefaults) {}
    fn string_maps(&self) -> &'static [&'static str] {
        &[]
    }
    fn arguments_are_user_named(&self) -> bool {
        true
    }
    fn role_path(&self) -> Option<&'static [&'static str]> {
        None
    }
    fn named_lists(&self) -> &'static [step_type::NamedList] {
        OUTPUT_PARAMETERS
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
        &[Permission::InvokeFunction]
    }
}

impl StepKind for Lambda {
    fn type_name(&self) -> &'static str {
        "sagemaker_lambda_step"
    }
    fn description(&self) -> &'static str {
        "A Lambda step: invokes an existing AWS Lambda function with `inputs` and exposes the values it returns as `outputs`. The function's own timeout applies. Compiled at plan time; no API call."
    }
    fn cacheable(&self) -> bool {
        true
    }

    fn block(&self, b: Block) -> Block {
        b.attr(Attribute::required(
            "function_arn",
            Type::String,
            "ARN of the function, e.g. `aws_lambda_function.notify.arn` (`arn:aws:lambda:us-east-1:111122223333:function:notify`, optionally with `:<version or alias>`). The pipeline's role must be allowed to invoke it.",
        ))
        .attr(inputs_attribute("lambda"))
        .block(output_block("lambda"))
    }

    fn compile(&self, cfg: &Value, ctx: &mut Ctx, step: &mut Map<String, Json>) {
        compile_inputs(cfg, ctx, step);
        let arn = model::string(cfg, "function_arn").value().unwrap_or_default();
        if let Err(why) = check_function_arn(&arn) {
            ctx.error_of(
                AttrPath::root("function_arn"),
                format!("Invalid Lambda function ARN {arn:?}"),
                format!("{why}. Pass the function's ARN, e.g. aws_lambda_function.notify.arn."),
            );
        }
        step.insert("FunctionArn".into(), Json::String(arn));
        compile_outputs(cfg, ctx, step, None);
    }

    fn exports(&self) -> Vec<Export> {
        vec![outputs_export()]
    }
}

/// What `{{ Steps.<name>.<path> }}` may reference on a Lambda step.
pub mod properties {
    use crate::compiler::properties::shapes::*;

    pub static TREE: StepProperties = StepProperties {
        source: "the step's declared outputs",
        root: Struct(&[("OutputParameters", Map)]),
        examples: &["OutputParameters['<output name>']"],
    };
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::provider::steps::StepResource;
    use serde_json::json;
    use std::collections::BTreeMap;

    const ARN: &str = "arn:aws:lambda:us-east-1:111122223333:function:notify";

    fn output(name: &str, ty: Option<&str>) -> Value {
        Value::object([
            ("name", Value::string(name)),
            ("type", ty.map(Value::string).unwrap_or(Value::Null)),
        ])
    }

    fn compiled(cfg: &Value) -> Json {
        let (json, diags) = StepResource(Lambda).compile(cfg);
        assert!(!diags.has_errors(), "{diags:?}");
        serde_json::from_str(&json.expect("json")).expect("valid json")
    }

    fn errors(cfg: &Value) -> Vec<String> {
        let (json, diags) = StepResource(Lambda).compile(cfg);
        assert!(json.is_none());
        diags
            .iter()
            .map(|d| format!("{}: {}", d.path.clone().unwrap_or_default(), d.summary))
            .collect()
    }

    #[test]
    fn sdk_shape_with_typed_references_and_string_literals() {
        let cfg = Value::object([
            ("name", Value::string("Notify")),
            ("function_arn", Value::string(ARN)),
            (
                "inputs",
                Value::map([
                    ("count", Value::string("{{ Parameters.Count }}")),
                    ("literal", Value::string("3")),
                    ("run", Value::string("{{ Execution.PipelineName }}-x")),
                ]),
            ),
            ("output", Value::list([output("ticket", None), output("n", Some("Integer"))])),
        ]);
        assert_eq!(
            compiled(&cfg),
            json!({
                "Name": "Notify", "Type": "Lambda",
                "Arguments": {
                    "count": {"Get": "Parameters.Count"},
                    "literal": "3",
                    "run": {"Std:Join": {"On": "", "Values": [{"Get": "Execution.PipelineName"}, "-x"]}},
                },
                "FunctionArn": ARN,
                "OutputParameters": [
                    {"OutputName": "ticket", "OutputType": "String"},
                    {"OutputName": "n", "OutputType": "Integer"},
                ],
            })
        );
    }

    #[test]
    fn output_parameters_always_emitted() {
        let cfg =
            Value::object([("name", Value::string("N")), ("function_arn", Value::string(ARN))]);
        let j = compiled(&cfg);
        assert_eq!(j["OutputParameters"], json!([]));
        assert_eq!(j["Arguments"], json!({}));
    }

    #[test]
    fn function_arn_shapes() {
        for ok in [
            ARN,
            "arn:aws:lambda:us-east-1:111122223333:function:notify:$LATEST",
            "arn:aws:lambda:eu-west-1:111122223333:function:my_fn-2:prod",
            "arn:aws-cn:lambda:cn-north-1:111122223333:function:f",
            "arn:aws-us-gov:lambda:us-gov-west-1:111122223333:function:f:7",
        ] {
            assert_eq!(check_function_arn(ok), Ok(()), "{ok}");
        }
        for (bad, needle) in [
            ("notify", "expected arn:aws:lambda"),
            ("arn:aws:lambda:us-east-1:111122223333:notify", "expected arn:aws:lambda"),
            ("arn:aws:iam::111122223333:role/x", "expected arn:aws:lambda"),
            ("arn:aws:sqs:us-east-1:111122223333:function:f", "not \"lambda\""),
            ("arn:gcp:lambda:us-east-1:111122223333:function:f", "partition"),
            ("arn:aws:lambda::111122223333:function:f", "region"),
            ("arn:aws:lambda:us-east-1:1111:function:f", "12 digits"),
            ("arn:aws:lambda:us-east-1:111122223333:layer:f", "not \"function\""),
            ("arn:aws:lambda:us-east-1:111122223333:function:", "function name"),
            ("arn:aws:lambda:us-east-1:111122223333:function:f:", "version or alias"),
            ("arn:aws:lambda:us-east-1:111122223333:function:{{ Parameters.F }}", "function name"),
        ] {
            let e = check_function_arn(bad).expect_err(bad);
            assert!(e.contains(needle), "{bad}: {e}");
        }
    }

    #[test]
    fn output_mistakes_are_reported_with_paths() {
        let cfg = Value::object([
            ("name", Value::string("Notify")),
            (
                "function_arn",
                Value::string("arn:aws:lambda:us-east-1:111122223333:function:notify"),
            ),
            (
                "output",
                Value::list([
                    output("a", None),
                    output("a", Some("String")),
                    output("it's", None),
                    output("b", Some("integer")),
                ]),
            ),
        ]);
        assert_eq!(
            errors(&cfg),
            vec![
                "output[1].name: Duplicate output name \"a\"",
                "output[2].name: Invalid output name \"it's\"",
                "output[3].type: Invalid output type \"integer\"",
            ]
        );
    }

    #[test]
    fn outputs_export_handles_null_and_unknown() {
        assert_eq!(
            (outputs_export().value)("N", &Value::object([("output", Value::Null)])),
            Value::Map(BTreeMap::new())
        );
        assert_eq!(
            (outputs_export().value)("N", &Value::object([("output", Value::Unknown)])),
            Value::Unknown
        );
        let cfg = Value::object([("output", Value::list([output("ticket", None)]))]);
        assert_eq!(
            (outputs_export().value)("Notify", &cfg),
            Value::map([(
                "ticket",
                Value::string("{{ Steps.Notify.OutputParameters['ticket'] }}")
            )])
        );
    }
}
