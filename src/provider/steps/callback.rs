//! `sagemaker_callback_step`: hands work to an outside system through an SQS queue
//! (`Type: Callback`) and waits until that system reports back.
//!
//! SageMaker sends a message with a callback token, the execution ARN and `arguments` (the
//! step's `Arguments`: the `inputs` map) to the queue; the consumer answers with
//! `SendPipelineExecutionStepSuccess` (with the declared outputs) or
//! `SendPipelineExecutionStepFailure`. As in the SDK, `SqsQueueUrl` and `OutputParameters` are
//! step-level siblings of `Arguments`, and `OutputParameters` is always emitted (`[]` when
//! none). `inputs` and `output` behave exactly as on `sagemaker_lambda_step` (shared helpers
//! in [`super::lambda`]).
//!
//! Layout: URL check, the step kind, tests.

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

pub struct Callback;

/// `SendPipelineExecutionStepSuccess` accepts at most this many output parameters.
const MAX_OUTPUTS: usize = 50;

/// Checks `https://sqs.<region>.amazonaws.com/<account id>/<queue name>` (any host, so VPC
/// endpoints and local test endpoints work); the error says what is wrong.
pub fn check_queue_url(url: &str) -> Result<(), String> {
    if url.starts_with("arn:") {
        return Err("this is a queue ARN, but SageMaker needs the queue URL: use aws_sqs_queue.<name>.url (not .arn)".into());
    }
    let Some(rest) = url.strip_prefix("https://").or_else(|| url.strip_prefix("http://")) else {
        return Err("expected a queue URL starting with https://, e.g. https://sqs.us-east-1.amazonaws.com/111122223333/review-queue".into());
    };
    let (host, path) = rest.split_once('/').unwrap_or((rest, ""));
    if host.is_empty() || host.contains(|c: char| c.is_whitespace() || c == '{' || c == '}') {
        return Err(format!("{host:?} is not a host name"));
    }
    let parts: Vec<&str> = path.trim_end_matches('/').split('/').collect();
    let [account, queue] = parts.as_slice() else {
        return Err("the path must be /<account id>/<queue name>".into());
    };
    if account.len() != 12 || !account.bytes().all(|b| b.is_ascii_digit()) {
        return Err(format!("the account ID {account:?} is not 12 digits"));
    }
    let base = queue.strip_suffix(".fifo").unwrap_or(queue);
    if base.is_empty()
        || queue.len() > 80
        || !base.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    {
        return Err(format!("{queue:?} is not a queue name (1-80 letters, digits, `-` and `_`, optionally ending in .fifo)"));
    }
    Ok(())
}

impl StepTypeFacts for Callback {
    fn step_type(&self) -> &'static str {
        "Callback"
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
        &[Permission::SendMessage]
    }
}

impl StepKind for Callback {
    fn type_name(&self) -> &'static str {
        "sagemaker_callback_step"
    }
    fn description(&self) -> &'static str {
        "A callback step: sends `inputs` and a callback token to an SQS queue and waits until the consumer calls `SendPipelineExecutionStepSuccess` (with the declared `outputs`) or `SendPipelineExecutionStepFailure`. Compiled at plan time; no API call."
    }
    fn cacheable(&self) -> bool {
        true
    }

    fn block(&self, b: Block) -> Block {
        b.attr(Attribute::required(
            "sqs_queue_url",
            Type::String,
            "URL of the SQS queue SageMaker sends the callback message to, e.g. `aws_sqs_queue.review.url` (`https://sqs.us-east-1.amazonaws.com/111122223333/review-queue`). The pipeline's role must be allowed to send to it.",
        ))
        .attr(inputs_attribute("callback"))
        .block(output_block("callback"))
    }

    fn compile(&self, cfg: &Value, ctx: &mut Ctx, step: &mut Map<String, Json>) {
        compile_inputs(cfg, ctx, step);
        let url = model::string(cfg, "sqs_queue_url").value().unwrap_or_default();
        if let Err(why) = check_queue_url(&url) {
            ctx.error_of(
                AttrPath::root("sqs_queue_url"),
                format!("Invalid SQS queue URL {url:?}"),
                format!("{why}. Pass the queue's URL, e.g. aws_sqs_queue.review.url."),
            );
        }
        step.insert("SqsQueueUrl".into(), Json::String(url));
        compile_outputs(cfg, ctx, step, Some(MAX_OUTPUTS));
    }

    fn exports(&self) -> Vec<Export> {
        vec![outputs_export()]
    }
}

/// What `{{ Steps.<name>.<path> }}` may reference on a Callback step.
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
    use serde_json::json;

    use super::*;
    use crate::provider::steps::StepResource;

    const URL: &str = "https://sqs.us-east-1.amazonaws.com/111122223333/review-queue";

    #[test]
    fn sdk_shape_from_example_c() {
        let cfg = Value::object([
            ("name", Value::string("HumanReview")),
            ("sqs_queue_url", Value::string(URL)),
            (
                "inputs",
                Value::map([(
                    "ticket",
                    Value::string("{{ Steps.Notify.OutputParameters['ticket'] }}"),
                )]),
            ),
            ("depends_on_steps", Value::list([Value::string("BatchScore")])),
            (
                "output",
                Value::list([Value::object([
                    ("name", Value::string("approved")),
                    ("type", Value::string("Boolean")),
                ])]),
            ),
        ]);
        let (j, d) = StepResource(Callback).compile(&cfg);
        assert!(!d.has_errors(), "{d:?}");
        let j: Json = serde_json::from_str(&j.expect("json")).expect("json");
        assert_eq!(
            j,
            json!({
                "Name": "HumanReview", "Type": "Callback",
                "Arguments": {"ticket": {"Get": "Steps.Notify.OutputParameters['ticket']"}},
                "DependsOn": ["BatchScore"],
                "SqsQueueUrl": URL,
                "OutputParameters": [{"OutputName": "approved", "OutputType": "Boolean"}],
            })
        );
    }

    #[test]
    fn queue_url_shapes() {
        for ok in [
            URL,
            "https://sqs.us-east-1.amazonaws.com/111122223333/review.fifo",
            "https://sqs.cn-north-1.amazonaws.com.cn/111122223333/q_1/",
            "http://127.0.0.1:4566/000000000000/q",
        ] {
            assert_eq!(check_queue_url(ok), Ok(()), "{ok}");
        }
        for (bad, needle) in [
            ("arn:aws:sqs:us-east-1:111122223333:review-queue", "not .arn"),
            ("sqs.us-east-1.amazonaws.com/111122223333/q", "starting with https://"),
            ("https://sqs.us-east-1.amazonaws.com/q", "/<account id>/<queue name>"),
            ("https://sqs.us-east-1.amazonaws.com/1234/q", "12 digits"),
            ("https://sqs.us-east-1.amazonaws.com/111122223333/bad queue", "not a queue name"),
            ("https://sqs.us-east-1.amazonaws.com/111122223333/.fifo", "not a queue name"),
            ("https:///111122223333/q", "not a host name"),
        ] {
            let e = check_queue_url(bad).expect_err(bad);
            assert!(e.contains(needle), "{bad}: {e}");
        }
    }

    #[test]
    fn at_most_fifty_outputs() {
        let outputs = (0..51).map(|i| {
            Value::object([("name", Value::string(format!("o{i}"))), ("type", Value::Null)])
        });
        let cfg = Value::object([
            ("name", Value::string("Cb")),
            ("sqs_queue_url", Value::string(URL)),
            ("output", Value::list(outputs)),
        ]);
        let (j, d) = StepResource(Callback).compile(&cfg);
        assert!(j.is_none());
        assert_eq!(
            d.iter().map(|d| d.summary.as_str()).collect::<Vec<_>>(),
            vec!["Too many outputs (51)"]
        );
    }
}
