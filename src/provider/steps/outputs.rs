//! The `inputs` map and the `output` blocks (`Arguments` and `OutputParameters`) that
//! `sagemaker_lambda_step` and `sagemaker_callback_step` share, the `OutputParameters` named
//! list their references select from, and their `outputs` export.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{json, Map, Value as Json};

use super::common::{every, string_map, Ctx};
use super::Export;
use crate::compiler::expr;
use crate::compiler::step_type::NamedList;
use crate::framework::{AttrPath, Attribute, Block, NestedBlock};
use crate::provider::model;
use crate::tfvalue::{Type, Value};

/// `OutputParameters` as a list references select from by `output` name
/// (`{{ Steps.X.OutputParameters['<name>'] }}`): the `named_lists` of both step types.
pub const OUTPUT_PARAMETERS: &[NamedList] = &[NamedList {
    property: &["OutputParameters"],
    declared_at: &["OutputParameters"],
    key: "OutputName",
    what: "output",
    fix: "Add an output { name = \"...\" } block to step {step}, or use one it has",
    unchecked_when_none: None,
}];

/// The `OutputType`s SageMaker accepts for Lambda and Callback outputs.
pub const OUTPUT_TYPES: [&str; 4] = ["String", "Integer", "Boolean", "Float"];

/// Longest output name SageMaker accepts (`OutputParameter.Name`).
const MAX_OUTPUT_NAME: usize = 256;

/// The `inputs` attribute: the step's `Arguments`.
pub fn inputs_attribute(what: &str) -> Attribute {
    Attribute::optional(
        "inputs",
        string_map(),
        match what {
            "callback" => "Inputs sent in the SQS message's `arguments` (the step's `Arguments`): flat name -> value pairs. Values may hold references such as `{{ Steps.Notify.OutputParameters['ticket'] }}`; a value that is exactly one reference keeps the referenced value's type, anything else is a string. A literal number or boolean is sent as a string too (`\"32\"`): for a payload holding JSON numbers, booleans or nested objects, declare the step with `sagemaker_step` and its `Arguments` as JSON (e.g. `jsonencode({ n = 32, flag = true })`).",
            _ => "Inputs passed to the function as its event (the step's `Arguments`): flat name -> value pairs. Values may hold references such as `{{ Steps.BatchScore.TransformOutput.S3OutputPath }}`; a value that is exactly one reference keeps the referenced value's type, anything else is a string. A literal number or boolean is sent as a string too (`\"32\"`): for a payload holding JSON numbers, booleans or nested objects, declare the step with `sagemaker_step` and its `Arguments` as JSON (e.g. `jsonencode({ n = 32, flag = true })`).",
        },
    )
}

/// The repeatable `output { name type }` block.
pub fn output_block(what: &str) -> NestedBlock {
    let (block_doc, name_doc) = match what {
        "callback" => (
            "An output the SQS consumer returns with `SendPipelineExecutionStepSuccess` (`OutputParameters`). Later steps read it as `outputs[\"<name>\"]`.",
            "Output name, as the consumer sends it (1-256 characters, no `'`).",
        ),
        _ => (
            "An output the function returns (a key of its response object). Later steps read it as `outputs[\"<name>\"]`.",
            "Output name: the key in the function's response (1-256 characters, no `'`).",
        ),
    };
    NestedBlock::list(
        "output",
        Block::new(block_doc).attr(Attribute::required("name", Type::String, name_doc)).attr(
            Attribute::optional(
                "type",
                Type::String,
                "`String` (default), `Integer`, `Boolean` or `Float`.",
            ),
        ),
    )
}

/// `Arguments`: the `inputs` map, each value compiled with `{{ }}` and passed through with its
/// type (no string conversion, unlike `environment` and `hyperparameters`).
pub fn compile_inputs(cfg: &Value, ctx: &mut Ctx, step: &mut Map<String, Json>) {
    let args = ctx.string_map(cfg, "inputs", &AttrPath::default(), false).unwrap_or_default();
    step.insert("Arguments".into(), Json::Object(args));
}

/// `OutputParameters`, always present (`[]` when there are no `output` blocks), as the SDK
/// emits it. `max` is the most outputs the step type accepts, if it has a limit.
pub fn compile_outputs(
    cfg: &Value,
    ctx: &mut Ctx,
    step: &mut Map<String, Json>,
    max: Option<usize>,
) {
    let blocks = model::blocks(cfg, "output");
    let mut seen = BTreeSet::new();
    let mut out = Vec::new();
    for (i, b) in blocks.iter().enumerate() {
        let path = AttrPath::root("output").index(i);
        let name = model::string(b, "name").value().unwrap_or_default();
        if let Err(why) = check_output_name(&name) {
            ctx.error_of(
                path.clone().attr("name"),
                format!("Invalid output name {}", expr::shown(&name)),
                why,
            );
        } else if !seen.insert(name.clone()) {
            ctx.error_from(
                &[every(AttrPath::root("output"), "name")],
                path.clone().attr("name"),
                format!("Duplicate output name {}", expr::shown(&name)),
                "Each output block needs its own name: references select an output by name (`OutputParameters['<name>']`).",
            );
        }
        let ty = model::string(b, "type").value().unwrap_or_else(|| "String".into());
        if !OUTPUT_TYPES.contains(&ty.as_str()) {
            ctx.error_of(
                path.clone().attr("type"),
                format!("Invalid output type {ty:?}"),
                format!(
                    "{} Types are case-sensitive.",
                    super::common::use_one_of(Some(&ty), &OUTPUT_TYPES)
                ),
            );
        }
        out.push(json!({"OutputName": name, "OutputType": ty}));
    }
    if let Some(max) = max.filter(|m| blocks.len() > *m) {
        ctx.error_of(
            AttrPath::root("output"),
            format!("Too many outputs ({})", blocks.len()),
            format!("SageMaker accepts at most {max} output parameters for this step type."),
        );
    }
    step.insert("OutputParameters".into(), Json::Array(out));
}

/// An output name must be usable in `{{ Steps.X.OutputParameters['<name>'] }}`.
fn check_output_name(name: &str) -> Result<(), String> {
    if name.is_empty() {
        return Err("Give the output a name, e.g. \"ticket\".".into());
    }
    if name.chars().count() > MAX_OUTPUT_NAME {
        return Err(format!("Output names are at most {MAX_OUTPUT_NAME} characters."));
    }
    if name.contains('\'') {
        return Err("Output names cannot contain a single quote: references select them as OutputParameters['<name>'].".into());
    }
    Ok(())
}

/// The `outputs` export: output name -> `{{ Steps.<name>.OutputParameters['<out>'] }}`.
pub fn outputs_export() -> Export {
    Export {
        name: "outputs",
        ty: string_map(),
        description: "Output name -> `{{ Steps.<name>.OutputParameters['<output>'] }}`, to feed later steps and conditions.",
        value: outputs_value,
    }
}

fn outputs_value(name: &str, cfg: &Value) -> Value {
    let blocks = match cfg.get("output") {
        None | Some(Value::Null) => return Value::Map(BTreeMap::new()),
        Some(v) => match v.as_list() {
            Some(l) => l,
            None => return Value::Unknown,
        },
    };
    let mut m = BTreeMap::new();
    for b in blocks {
        match model::string(b, "name").value() {
            Some(o) => {
                m.insert(
                    o.clone(),
                    Value::string(format!("{{{{ Steps.{name}.OutputParameters['{o}'] }}}}")),
                );
            }
            None => return Value::Unknown,
        }
    }
    Value::Map(m)
}
