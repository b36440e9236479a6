//! `sagemaker_ml_pipeline_execution`: one run of a SageMaker pipeline, started with typed
//! parameter values, optionally waited for, stopped on destroy while still going.
//!
//! A run cannot be changed once started, so every start argument (`pipeline_name`,
//! `parameters`, `display_name`, `description`, `pipeline_version_id`, `parallelism_config`,
//! `selective_execution`) and `triggers` force a new run. Blocks cannot be `force_new` in the
//! framework, so the plan computes `start_arguments_sha256` (canonical JSON of every start
//! argument) and that computed, `force_new` attribute carries the replacement for block changes.
//! `wait_for_completion` and `wait_timeout` only shape how the provider waits: changing them is
//! an in-place, state-only update.
//!
//! Parameters are text, checked against the deployed pipeline's declared `Parameters`
//! (DescribePipeline) at plan time when the pipeline exists, and again at apply time before the
//! start (the pipeline may be created by the same apply): an undeclared name, a value the
//! declared type does not accept, a value outside `EnumValues`, a value that is not an S3 URI
//! for a String parameter the steps use as one (`compiler::dag::parameter_uses`), or a
//! parameter without default left out, is an error at `parameters["X"]` (did-you-mean, the
//! declared list). Values are sent in the declared type's canonical text (`"05"` -> `"5"`,
//! `"1.50"` -> `"1.5"`).
//!
//! Nothing started is lost or started twice: the start sends one `ClientRequestToken` for every
//! attempt (`tf-` + the start arguments' fingerprint + a random part, fresh per create so that an
//! identical run created again after a destroy is a new run, not a replay of the old answer);
//! when the outcome is unknown (no answer, timeout, 5xx after every retry, a stop request), the
//! pipeline's runs started since just before the call are listed and the one matching the
//! display name, description and parameters is adopted when it is the only one. When none is
//! listed yet, the request may still be carried out: the run is recorded as pending
//! (`PENDING_ID`), and every refresh looks for it again, adopting it once listed, or forgetting
//! it (so that the plan starts it) when SageMaker still lists none after the request could
//! have landed (`PENDING_MARGIN`); destroy waits until then. A run that fails while
//! waited for is still recorded (with its status, failure reason and step statuses) and
//! reported as an error naming the failed step and its reason.
//!
//! Endpoints without ListPipelineExecutionSteps or StopPipelineExecution (the local moto
//! endpoint) are handled by `aws::executions`: step statuses stay null, destroy forgets a run it
//! cannot stop (with a warning).
//!
//! Layout: schema, validate, parameters, plan, create (start, settle, wait), read, update,
//! delete, import, tests.

use std::collections::BTreeMap;
use std::time::{Duration, Instant, SystemTime};

use async_trait::async_trait;
use serde_json::{json, Value as Json};

use super::model::{self, Known};
use super::{aws_diag, parse_duration, BadDuration, ProviderData};
use crate::aws::executions::{
    self, is_terminal, pipeline_of_execution_arn, Execution, ExecutionSpec, StepState, StopOutcome,
};
use crate::aws::{AwsError, SageMaker};
use crate::compiler::dag::{self, S3Use, ValueUse};
use crate::compiler::definition::{convert_default, default_to_text, ParamType};
use crate::compiler::{canonical, expr, parts};
use crate::framework::{
    AttrPath, Attribute, Block, Diagnostic, Diagnostics, ImportResponse, NestedBlock, Outcome,
    PlanRequest, Resource, Schema,
};
use crate::provider::steps::step_type_facts;
use crate::tfvalue::{Number, Type, Value};

pub struct MlPipelineExecution;

const TYPE_NAME: &str = "sagemaker_ml_pipeline_execution";

/// `wait_timeout` when unset.
pub const DEFAULT_WAIT_TIMEOUT: Duration = Duration::from_secs(3600);
/// Longest `wait_timeout`: 30 days, longer than any CI job holds an apply open (a run that may
/// take longer is started with `wait_for_completion = false`).
const LONGEST_WAIT: Duration = Duration::from_secs(30 * 24 * 3600);

fn too_long_wait(diags: &mut Diagnostics) {
    diags.error_at(
        AttrPath::root("wait_timeout"),
        "wait_timeout is out of range",
        "Use a positive duration of at most 720h (30 days), e.g. \"2h\". For a run that may take longer, set wait_for_completion = false.",
    );
}

/// Longest pause between two polls of a run being waited for.
const MAX_POLL_INTERVAL: Duration = Duration::from_secs(30);

// ---- schema -------------------------------------------------------------------------------

/// The `## Import` section of the reference page (`docs/resources/ml_pipeline_execution.md`),
/// after the command in `examples/resources/sagemaker_ml_pipeline_execution/import.sh`.
pub const IMPORT_DOC: &str = r#"A run is imported by its execution ARN. Import reads the start arguments back from SageMaker (the pipeline, parameters, display name, description, version, parallelism and selective execution) with the run's status; `triggers`, `wait_for_completion` and `wait_timeout` stay unset (SageMaker does not hold them: a configuration that sets `triggers` plans a new run after the import). SageMaker reports a version and a parallelism limit also for a run started without them; when they are the pipeline's own (its latest version, its `parallelism_config`), they are read as not given, so the configuration leaves them out too (also for a run that was started with those same values). A configuration that states the same start arguments then plans no change. (The local moto endpoint does not return a run's selective execution, so there an imported selective run reads as a full run, and a configuration with `selective_execution` plans a new run.)

SageMaker reports the values a run was started with as text; where a parameter took its default, some endpoints list it too: state such parameters in `parameters` (or the next plan replaces the run).

A run started by an apply that was killed (the provider or Terraform ended by SIGKILL, the machine lost) before StartPipelineExecution's answer reached the state is not known to Terraform, unlike a start cut off by a timeout or by one Ctrl-C (recorded as `Pending`, see `status`): the next apply starts another run. After such a kill, list the pipeline's runs (`aws sagemaker list-pipeline-executions --pipeline-name <name>`) and import the run that started before applying again."#;

fn execution_schema() -> Schema {
    let string_map = || Type::Map(Box::new(Type::String));
    Schema::new(
        Block::new("One run (execution) of a SageMaker pipeline, started with typed parameter values. A run cannot be changed: a change of any start argument or of `triggers` starts a new run (Terraform plans a replacement); `wait_for_completion` and `wait_timeout` change in place. A start argument not known until apply (e.g. from a resource being replaced) plans a new run even when its value turns out the same. A pipeline replaced (`-replace`, `taint`, a new name) does not replace the run in the same plan: on Terraform 1.2 and later, `lifecycle { replace_triggered_by = [sagemaker_ml_pipeline.training] }` on the run does; otherwise the next plan starts it again. Destroy stops a run that is still going (StopPipelineExecution) and otherwise only forgets it. Import by execution ARN.\n\nTested against the local moto endpoint (start, parameter checks at plan, triggers, no-op re-apply, in-place wait settings, destroy) and, for what moto cannot do (runs that take time or fail, step statuses, StopPipelineExecution), against a scripted SageMaker endpoint in `tests/acceptance_execution.rs`: waiting with progress logs, a failed run reported with its failed step and reason, a wait that times out, and stop on destroy are exercised only there.")
            .attr(Attribute::computed("id", Type::String, "The execution ARN; `pending-start:<unix time>` while the run of a start cut off before its answer is not found yet (see `status`)."))
            .attr(Attribute::required("pipeline_name", Type::String, "Name of the pipeline to run, e.g. `sagemaker_ml_pipeline.training.name`. Its deployed definition's parameters are what `parameters` is checked against.").force_new())
            .attr(Attribute::optional("parameters", string_map(), "Parameter values by name, as text converted to each parameter's declared type: `\"5\"` for an Integer, `\"0.5\"` for a Float, `\"true\"` for a Boolean. Checked at plan time against the parameters the deployed pipeline declares (an undeclared name, a value its type does not accept, a value that is not an S3 URI for a parameter the steps use as one, or a parameter with no default left out is an error); when the pipeline does not exist yet (created by the same apply) the check happens at apply time, before the run is started. The check uses the deployed definition, so the plan cannot see a parameter that the same apply adds to or removes from the pipeline: apply such a change to the pipeline first (`terraform apply -target=sagemaker_ml_pipeline.<name>`), then to the run; at apply time the run is checked again, against the updated pipeline, before it starts. Parameters not given take their defaults.").force_new())
            .attr(Attribute::optional("display_name", Type::String, "Display name of the run: 1-82 letters, digits and hyphens, starting with a letter or digit.").force_new())
            .attr(Attribute::optional("description", Type::String, "Description of the run, up to 3072 characters.").force_new())
            .attr(Attribute::optional("triggers", string_map(), "Arbitrary values whose change starts a new run (like `replace_triggered_by`), e.g. `{ definition = sagemaker_ml_pipeline.training.definition_sha256 }`. Not sent to SageMaker.").force_new())
            .attr(Attribute::optional("pipeline_version_id", Type::Number, "The pipeline version to run (at least 1), e.g. `sagemaker_ml_pipeline.training.version_id`, which pins the run to the version the same apply deployed; the latest when unset or null (`version_id` is null where the endpoint has no pipeline versions).").force_new())
            .attr(Attribute::optional("wait_for_completion", Type::Bool, "Wait until the run ends (default `false`): progress (the run's and each step's status as they change) is logged at INFO, a run that fails or is stopped is an error naming the failed step and its reason (the run is still recorded in the state, tainted, so the next apply starts a new one). Changing it does not start a new run."))
            .attr(Attribute::optional("wait_timeout", Type::String, "Longest wait when `wait_for_completion` is true, as a duration such as `2h`, `45m` or `1h30m` (units `ms`, `s`, `m`, `h`). At most `720h` (30 days). When it passes the apply fails with an error and the run, still going, is recorded in the state. Defaults to `1h`. Changing it does not start a new run."))
            .attr(Attribute::computed("arn", Type::String, "The execution ARN (empty while `status` is `Pending`)."))
            .attr(Attribute::computed("status", Type::String, "The run's status when last read: `Executing`, `Stopping`, `Stopped`, `Failed` or `Succeeded`; `Pending` when StartPipelineExecution was cut off before its answer (no answer within the timeouts, a broken connection, Ctrl-C) and SageMaker did not list the run yet: the request may still be carried out, so every refresh looks for the run among the pipeline's runs and adopts it, or, when SageMaker lists none since the call, removes it from the state so that the plan starts it again (with a warning). The request may land until `operation_timeout` + `call_timeout` + 10 s after the call: until then a run not listed stays pending (and destroy waits). A pending run is not waited for (`wait_for_completion`), and what refers to it in the same apply sees `arn = \"\"`."))
            .attr(Attribute::computed("failure_reason", Type::String, "Why the run failed, when it did."))
            .attr(Attribute::computed("step_statuses", string_map(), "Status of each step that has started, by step name (e.g. `Executing`, `Succeeded`, `Failed`). Null when the endpoint does not implement ListPipelineExecutionSteps (the local moto endpoint)."))
            .attr(Attribute::computed("start_arguments_sha256", Type::String, "SHA-256 of every start argument (pipeline, parameters, display name, description, version, parallelism, selective execution) as canonical JSON. Changes, and so replaces the run, exactly when a start argument changes, blocks included.").force_new())
            .block(NestedBlock::single(
                "parallelism_config",
                Block::new("How many steps of this run may run at once (overrides the pipeline's setting).")
                    .attr(Attribute::required("max_parallel_execution_steps", Type::Number, "Maximum number of steps that run in parallel, at least 1.")),
            ))
            .block(NestedBlock::single(
                "selective_execution",
                Block::new("Run only some steps again, reusing the outputs of an earlier run for the others.")
                    .attr(Attribute::required("source_execution_arn", Type::String, "ARN of the earlier run of the same pipeline whose outputs the other steps reuse."))
                    .attr(Attribute::required("selected_steps", Type::List(Box::new(Type::String)), "Names of the steps to run, at least one; unless `pipeline_version_id` pins a version, plan checks them against the pipeline as deployed.")),
            )),
    )
}

// ---- validate -----------------------------------------------------------------------------

fn valid_display_name(s: &str) -> bool {
    let b = s.as_bytes();
    !b.is_empty()
        && b.len() <= 82
        && b[0].is_ascii_alphanumeric()
        && b.iter().all(|c| c.is_ascii_alphanumeric() || *c == b'-')
}

fn whole_number_at_least_1(v: Option<&Value>) -> Option<bool> {
    let n = v?.as_number()?;
    Some(n.is_integer() && n.as_i64().is_some_and(|n| (1..=i64::from(i32::MAX)).contains(&n)))
}

/// Most parameter values a run takes (`StartPipelineExecution`'s `PipelineParameters`).
const MAX_PARAMETERS: usize = 200;
/// Longest parameter value a run takes, in characters (`Parameter.Value`).
const MAX_PARAMETER_VALUE: usize = 1024;
/// Most steps a selective execution runs (`SelectiveExecutionConfig.SelectedSteps`).
const MAX_SELECTED_STEPS: usize = 50;

fn validate_config(config: &Value) -> Diagnostics {
    let mut diags = Diagnostics::new();
    // A null parameter value or selected step is a mistake (often a variable that was not
    // set), not a request to leave it out (helper finding: both were dropped without a word,
    // and the run used the parameter's default). `triggers` only starts runs: nulls are fine.
    if let Some(v) = config.get("selective_execution") {
        diags.extend(super::steps::common::null_elements(&Value::object([(
            "selective_execution",
            v.clone(),
        )])));
    }
    if let Some(params) = config.get("parameters").and_then(Value::as_map) {
        for (name, _) in params.iter().filter(|(_, v)| v.is_null()) {
            diags.error_at(
                AttrPath::root("parameters").key(name),
                format!("The value of parameter {} is null", expr::shown(name)),
                "A run takes a value for each parameter given here. To run with the parameter's default, leave it out of the map; where the values come from variables that may be null (a module input), drop those: parameters = { for k, v in var.parameters : k => v if v != null }.",
            );
        }
    }
    if let Known::Value(name) = model::string(config, "pipeline_name") {
        if name.starts_with("arn:") {
            // Helper finding: an ARN got the generic message, its end cut off. The name follows
            // "pipeline/" (an execution's ARN goes on with "/execution/<id>"); ARNs may write
            // it in lower case.
            let last = name
                .split_once(":pipeline/")
                .map(|(_, rest)| rest.split('/').next().unwrap_or_default())
                .unwrap_or_default();
            let example = if super::ml_pipeline::valid_pipeline_name(last) {
                format!("the name in this ARN is \"{last}\" (an ARN may write it in lower case: use the name as the pipeline was created)")
            } else {
                "e.g. sagemaker_ml_pipeline.training.name".to_string()
            };
            diags.error_at(
                AttrPath::root("pipeline_name"),
                "pipeline_name takes the pipeline's name, not an ARN",
                format!("This resource starts runs by the pipeline's name, in the provider configuration's region and account; {example}. For a pipeline of another region or account, use a provider configured for it (an alias)."),
            );
        } else if !super::ml_pipeline::valid_pipeline_name(&name) {
            diags.error_at(
                AttrPath::root("pipeline_name"),
                format!("Invalid pipeline name {}", expr::shown(&name)),
                "Pipeline names are 1-256 letters, digits and hyphens, starting and ending with a letter or digit; use the pipeline's name, e.g. sagemaker_ml_pipeline.training.name.",
            );
        }
    }
    if let Known::Value(name) = model::string(config, "display_name") {
        if !valid_display_name(&name) {
            diags.error_at(
                AttrPath::root("display_name"),
                format!("Invalid display name {}", expr::shown(&name)),
                "Run display names are 1-82 letters, digits and hyphens, starting with a letter or digit, e.g. \"nightly-2026-12-01\".",
            );
        }
    }
    if let Known::Value(d) = model::string(config, "description") {
        if d.chars().count() > 3072 {
            diags.error_at(
                AttrPath::root("description"),
                "The description is too long",
                "SageMaker takes run descriptions of up to 3072 characters; shorten it.",
            );
        }
    }
    if let Some(params) = config.get("parameters").and_then(Value::as_map) {
        // StartPipelineExecution's limits (helper finding: 201 parameters and a 1,025-character
        // value passed plan): `PipelineParameters` takes 200, each value 1,024 characters.
        if params.len() > MAX_PARAMETERS {
            diags.error_at(
                AttrPath::root("parameters"),
                format!("Too many parameters ({})", params.len()),
                format!("SageMaker takes at most {MAX_PARAMETERS} parameter values per run; leave out those that take their defaults."),
            );
        }
        for (k, v) in params.iter() {
            if k.is_empty() {
                diags.error_at(
                    AttrPath::root("parameters").key(k),
                    "A parameter name is empty",
                    "Use the names of the pipeline's parameters as keys, e.g. { Epochs = \"5\" }.",
                );
            }
            let chars = v.as_str().map_or(0, |t| t.chars().count());
            if chars > MAX_PARAMETER_VALUE {
                diags.error_at(
                    AttrPath::root("parameters").key(k),
                    format!("The value of parameter {} is too long", expr::shown(k)),
                    format!("SageMaker takes parameter values of up to {MAX_PARAMETER_VALUE} characters; this one has {chars}. Pass a longer text through S3: give the S3 URI of a file holding it."),
                );
            }
        }
    }
    if let Some(steps) = config
        .get("selective_execution")
        .and_then(|s| s.get("selected_steps"))
        .and_then(Value::as_list)
        .filter(|l| l.len() > MAX_SELECTED_STEPS)
    {
        diags.error_at(
            AttrPath::root("selective_execution").attr("selected_steps"),
            format!("Too many selected steps ({})", steps.len()),
            format!("SageMaker runs at most {MAX_SELECTED_STEPS} selected steps in a selective execution; to run more, start a full run (leave out selective_execution)."),
        );
    }
    if let Known::Value(text) = model::string(config, "wait_timeout") {
        match parse_duration(&text) {
            Ok(d) if !d.is_zero() && d <= LONGEST_WAIT => {}
            Ok(d) if !d.is_zero() => too_long_wait(&mut diags),
            Err(BadDuration::TooLong) => too_long_wait(&mut diags),
            _ => diags.error_at(
                AttrPath::root("wait_timeout"),
                format!("Invalid wait_timeout {}", expr::shown(&text)),
                "Write a positive duration with units, like \"2h\", \"45m\", \"1h30m\" or \"90s\" (units ms, s, m, h).",
            ),
        }
    }
    if whole_number_at_least_1(config.get("pipeline_version_id")) == Some(false) {
        diags.error_at(
            AttrPath::root("pipeline_version_id"),
            "pipeline_version_id must be a whole number from 1 to 2147483647",
            "Use the version number of the pipeline to run, e.g. 1, or leave it unset to run the latest version.",
        );
    }
    if let Some(p) = config.get("parallelism_config").filter(|p| p.is_known() && !p.is_null()) {
        if whole_number_at_least_1(p.get("max_parallel_execution_steps")) == Some(false) {
            diags.error_at(
                AttrPath::root("parallelism_config").attr("max_parallel_execution_steps"),
                "max_parallel_execution_steps must be a whole number from 1 to 2147483647",
                "Set how many steps may run at once, e.g. 2.",
            );
        }
    }
    if let Some(s) = config.get("selective_execution").filter(|s| !s.is_null() && !s.is_unknown()) {
        if let Known::Value(arn) = model::string(s, "source_execution_arn") {
            match pipeline_of_execution_arn(&arn).filter(|_| arn.starts_with("arn:")) {
                None => diags.error_at(
                    AttrPath::root("selective_execution").attr("source_execution_arn"),
                    format!("{} is not a pipeline execution ARN", expr::shown(&arn)),
                    "Use the ARN of an earlier run of the same pipeline, like arn:aws:sagemaker:us-east-1:123456789012:pipeline/<name>/execution/<id> (e.g. another sagemaker_ml_pipeline_execution's arn).",
                ),
                // SageMaker writes the pipeline's name in lower case in its ARNs.
                Some(source) => {
                    if let Known::Value(name) = model::string(config, "pipeline_name") {
                        if !source.eq_ignore_ascii_case(&name) {
                            diags.error_at(
                                AttrPath::root("selective_execution").attr("source_execution_arn"),
                                format!("The source run is a run of pipeline {source:?}, not {name:?}"),
                                format!("A selective execution runs steps of an earlier run of the same pipeline again: use the ARN of a run of {name:?}."),
                            );
                        }
                    }
                }
            }
        }
        if let Known::Value(steps) = model::string_list(s, "selected_steps") {
            if steps.is_empty() {
                diags.error_at(
                    AttrPath::root("selective_execution").attr("selected_steps"),
                    "No steps selected",
                    "List at least one step name to run again, e.g. [\"Train\"].",
                );
            }
            for (i, step) in steps.iter().enumerate() {
                if step.is_empty() {
                    diags.error_at(
                        AttrPath::root("selective_execution").attr("selected_steps").index(i),
                        "A selected step name is empty",
                        "Use the names of the pipeline's steps.",
                    );
                } else if steps[..i].contains(step) {
                    diags.error_at(
                        AttrPath::root("selective_execution").attr("selected_steps").index(i),
                        format!("Step {} is selected twice", expr::shown(step)),
                        "List each step once.",
                    );
                }
            }
        }
    }
    diags
}

// ---- parameters -----------------------------------------------------------------------------

/// One parameter a deployed definition declares.
#[derive(Clone, Debug, PartialEq)]
struct Declared {
    name: String,
    ty: ParamType,
    default: Option<String>,
    enum_values: Vec<String>,
    /// Where the definition's steps first use a String parameter as, or at the start of, an
    /// S3 location: its values must be S3 URIs.
    s3: Option<S3Use>,
    /// Where the steps use it as the whole value of a field that takes only some values (an
    /// approval status, an instance count, an instance type).
    uses: Vec<ValueUse>,
}

/// The `Parameters` of a deployed definition (`None` when the text is not a definition).
fn declared_parameters(definition: &str) -> Option<Vec<Declared>> {
    let d: Json = serde_json::from_str(definition).ok()?;
    let steps = d.get("Steps").and_then(Json::as_array).map(Vec::as_slice).unwrap_or_default();
    let dag::ParameterUses { s3: mut s3_uses, values: mut value_uses } =
        dag::parameter_uses(steps, step_type_facts);
    let params = match d.get("Parameters") {
        None | Some(Json::Null) => return Some(Vec::new()),
        Some(Json::Array(a)) => a,
        Some(_) => return None,
    };
    Some(
        params
            .iter()
            .filter_map(|p| {
                let name = p.get("Name")?.as_str()?.to_string();
                let ty = p
                    .get("Type")
                    .and_then(Json::as_str)
                    .and_then(ParamType::parse)
                    .unwrap_or(ParamType::String);
                let default = p.get("DefaultValue").and_then(default_to_text);
                let enum_values = p
                    .get("EnumValues")
                    .and_then(Json::as_array)
                    .map(|a| a.iter().filter_map(default_to_text).collect())
                    .unwrap_or_default();
                let s3 = if ty == ParamType::String { s3_uses.remove(&name) } else { None };
                let uses = value_uses.remove(&name).unwrap_or_default();
                Some(Declared { name, ty, default, enum_values, s3, uses })
            })
            .collect(),
    )
}

fn declared_list(declared: &[Declared]) -> String {
    if declared.is_empty() {
        return "The pipeline declares no parameters.".into();
    }
    let items: Vec<String> =
        declared.iter().map(|d| format!("{} ({})", d.name, d.ty.as_str())).collect();
    format!("The pipeline declares: {}.", items.join(", "))
}

fn type_hint(ty: &ParamType) -> &'static str {
    match ty {
        ParamType::String => "",
        ParamType::Integer => "Integer parameters take whole numbers, like \"5\".",
        ParamType::Float => "Float parameters take numbers, like \"0.5\".",
        ParamType::Boolean => "Boolean parameters take \"true\" or \"false\".",
    }
}

/// Keeps the prior `parameters` when the configured ones are the same values spelt otherwise
/// (`"05"` and `"5"` for an Integer, `"1e3"` and `"1000"` for a Float): the run was started with
/// the converted text, which is what import reads back, so a configuration in another spelling
/// is the same run, not a new one (fresh-eyes finding). Decided by converting both with the
/// deployed pipeline's declared types; when the pipeline cannot be read, nothing is kept.
/// Returns the DescribePipeline answer it read, if it read one, for the plan's own check.
async fn keep_equal_parameters(
    sm: &SageMaker,
    prior: &Value,
    planned: &mut Value,
) -> Option<Described> {
    let (Known::Value(before), Known::Value(after)) =
        (model::string_map(prior, "parameters"), model::string_map(planned, "parameters"))
    else {
        return None;
    };
    let same_pipeline =
        model::string(prior, "pipeline_name") == model::string(planned, "pipeline_name");
    let (true, false, Known::Value(pipeline)) =
        (same_pipeline, before == after, model::string(planned, "pipeline_name"))
    else {
        return None;
    };
    let described = sm.describe(&pipeline).await;
    let declared = match &described {
        Ok(Some(deployed)) => declared_parameters(&deployed.definition),
        _ => None,
    };
    if let Some(declared) = declared {
        let mut scratch = Diagnostics::new();
        let converted = |values: &BTreeMap<String, String>, d: &mut Diagnostics| {
            check_parameters(&pipeline, values, &declared, d)
        };
        if let (Some(b), Some(a)) =
            (converted(&before, &mut scratch), converted(&after, &mut scratch))
        {
            if b == a {
                model::set(planned, "parameters", model::string_map_value(&before));
            }
        }
    }
    Some(described)
}

/// A DescribePipeline answer.
type Described = Result<Option<crate::aws::DeployedPipeline>, AwsError>;

/// Each selected step of a selective execution must be a step of the deployed pipeline.
fn check_selected_steps(
    pipeline: &str,
    selected: &[String],
    definition: &str,
    diags: &mut Diagnostics,
) {
    let d: Json = match serde_json::from_str(definition) {
        Ok(d) => d,
        Err(_) => return,
    };
    let Some(steps) = d.get("Steps").and_then(Json::as_array) else { return };
    let names = dag::step_names(steps);
    for (i, step) in selected.iter().enumerate() {
        if step.is_empty() || names.contains(step) {
            continue;
        }
        let hint = expr::did_you_mean(step, names.iter().map(String::as_str))
            .map(|c| format!("Did you mean '{c}'? "))
            .unwrap_or_default();
        diags.error_at(
            AttrPath::root("selective_execution").attr("selected_steps").index(i),
            format!("Pipeline {pipeline:?} has no step {step:?}"),
            format!(
                "{hint}Its steps: {}. Select steps of the pipeline as deployed (the source run must have run them).",
                crate::provider::steps::common::and_list(&names)
            ),
        );
    }
}

/// The error for a value given for parameter `name`, which the pipeline does not declare.
fn undeclared_parameter(
    pipeline: &str,
    name: &str,
    declared: &[Declared],
    diags: &mut Diagnostics,
) {
    let hint = expr::did_you_mean(name, declared.iter().map(|d| d.name.as_str()))
        .map(|c| format!("Did you mean '{c}'? "))
        .unwrap_or_default();
    diags.error_at(
        AttrPath::root("parameters").key(name),
        format!("Pipeline {pipeline:?} has no parameter {name:?}"),
        format!(
            "{hint}{} Remove this value, or declare the parameter in the pipeline's parameter blocks. The check reads the pipeline as deployed when it runs: at plan, before this apply changes the pipeline, and again at apply, after it has. To add a parameter and pass it in one change, apply the pipeline first (terraform apply -target=sagemaker_ml_pipeline.<name>); a parameter removed from the pipeline must be removed here too.",
            declared_list(declared)
        ),
    );
}

/// Checks the given values against the declared parameters; returns them converted to each
/// declared type's canonical text (sorted by name), or `None` with diagnostics.
fn check_parameters(
    pipeline: &str,
    given: &BTreeMap<String, String>,
    declared: &[Declared],
    diags: &mut Diagnostics,
) -> Option<Vec<(String, String)>> {
    let before = diags.0.len();
    let mut out = Vec::new();
    for (name, value) in given {
        let path = AttrPath::root("parameters").key(name);
        let Some(d) = declared.iter().find(|d| &d.name == name) else {
            undeclared_parameter(pipeline, name, declared, diags);
            continue;
        };
        let converted = match convert_default(&d.ty, value) {
            Ok(v) => default_to_text(&v).unwrap_or_else(|| value.clone()),
            Err(_) => {
                diags.error_at(
                    path,
                    format!(
                        "Parameter {name:?} is {} {}: {} is not a valid value",
                        dag::article(d.ty.as_str()),
                        d.ty.as_str(),
                        expr::shown(value)
                    ),
                    // The one parameter's type, not every declaration (helper finding: the
                    // whole list repeated under each error).
                    format!(
                        "{} The pipeline as deployed declares {name} as {} {}.",
                        type_hint(&d.ty),
                        dag::article(d.ty.as_str()),
                        d.ty.as_str()
                    ),
                );
                continue;
            }
        };
        if !d.enum_values.is_empty() && !d.enum_values.contains(&converted) {
            diags.error_at(
                path,
                format!("{} is not one of parameter {name:?}'s allowed values", expr::shown(value)),
                format!("The pipeline allows only: {}.", d.enum_values.join(", ")),
            );
            continue;
        }
        if let Some(detail) = d.s3.as_ref().and_then(|u| u.problem(name, &converted)) {
            diags.error_at(
                path,
                format!("Value {} of parameter {name:?} is not an S3 location", expr::shown(value)),
                detail,
            );
            continue;
        }
        let problems: Vec<_> = d
            .uses
            .iter()
            .filter_map(|u| u.problem("Value", name, d.ty.as_str(), &converted))
            .collect();
        let failed = problems.iter().any(|p| p.severity == crate::framework::Severity::Error);
        for p in problems {
            diags.push(p.at(path.clone()));
        }
        if failed {
            continue;
        }
        out.push((name.clone(), converted));
    }
    for d in declared {
        if given.contains_key(&d.name) {
            continue;
        }
        // An empty default reads as "always pass a value", which a step using it as an S3 URI
        // needs.
        if let (Some(""), Some(used)) = (d.default.as_deref(), &d.s3) {
            let detail = used.problem(&d.name, "").unwrap_or_default();
            diags.error_at(
                AttrPath::root("parameters"),
                format!(
                    "Parameter {:?} of pipeline {pipeline:?} needs a value: its default is empty",
                    d.name
                ),
                format!("{detail} Add {} = \"s3://...\" to parameters.", d.name),
            );
        }
        if d.default.is_none() {
            diags.error_at(
                AttrPath::root("parameters"),
                format!(
                    "Parameter {:?} of pipeline {pipeline:?} has no default and no value",
                    d.name
                ),
                format!(
                    "Every run must supply it: add {} = \"...\" ({}) to parameters. {}",
                    d.name,
                    d.ty.as_str(),
                    declared_list(declared)
                ),
            );
        }
    }
    // Warnings (an instance type the provider does not know) leave the values usable.
    let errors = diags.0[before..].iter().any(|d| d.severity == crate::framework::Severity::Error);
    (!errors).then_some(out)
}

// ---- the start arguments ------------------------------------------------------------------

/// The start arguments of a plan or state (parameters as written), `None` while any is unknown.
fn spec_of(v: &Value) -> Option<ExecutionSpec> {
    let pipeline_name = model::string(v, "pipeline_name").value()?;
    let parameters = model::string_map(v, "parameters").known()?.unwrap_or_default();
    let display_name = model::string(v, "display_name").known()?;
    let description = model::string(v, "description").known()?;
    let pipeline_version_id = model::int(v, "pipeline_version_id").known()?;
    let max_parallel_execution_steps = match v.get("parallelism_config") {
        None | Some(Value::Null) => None,
        Some(p) => model::int(p, "max_parallel_execution_steps").known()?.map(|n| n as i32),
    };
    let selective = match v.get("selective_execution") {
        None | Some(Value::Null) => None,
        Some(s) => Some((
            model::string(s, "source_execution_arn").known()?.unwrap_or_default(),
            model::string_list(s, "selected_steps").known()?.unwrap_or_default(),
        )),
    };
    Some(ExecutionSpec {
        pipeline_name,
        display_name,
        description,
        parameters: parameters.into_iter().collect(),
        max_parallel_execution_steps,
        selective,
        pipeline_version_id,
    })
}

/// SHA-256 of the start arguments as canonical JSON.
fn fingerprint(spec: &ExecutionSpec) -> String {
    let params: serde_json::Map<String, Json> =
        spec.parameters.iter().map(|(k, v)| (k.clone(), Json::String(v.clone()))).collect();
    let doc = json!({
        "pipeline_name": spec.pipeline_name,
        "parameters": params,
        "display_name": spec.display_name,
        "description": spec.description,
        "pipeline_version_id": spec.pipeline_version_id,
        "max_parallel_execution_steps": spec.max_parallel_execution_steps,
        "selective_execution": spec.selective.as_ref().map(|(a, s)| json!({"source_execution_arn": a, "selected_steps": s})),
    });
    parts::sha256_hex(&canonical::to_string(&doc))
}

/// The token of one create: `tf-`, 16 hex digits of the fingerprint, `-`, 32 random hex digits
/// (61 characters; SageMaker takes 32-128 letters, digits and hyphens).
fn start_token(fingerprint: &str) -> String {
    let random = crate::aws::request_token();
    format!("tf-{}-{}", &fingerprint[..16.min(fingerprint.len())], &random[3..])
}

fn wait_timeout_of(v: &Value) -> Duration {
    model::string(v, "wait_timeout")
        .value()
        .and_then(|t| parse_duration(&t).ok())
        .unwrap_or(DEFAULT_WAIT_TIMEOUT)
}

fn waits(v: &Value) -> bool {
    v.get("wait_for_completion").and_then(Value::as_bool).unwrap_or(false)
}

// ---- resource -----------------------------------------------------------------------------

#[async_trait]
impl Resource<ProviderData> for MlPipelineExecution {
    fn type_name(&self) -> &'static str {
        TYPE_NAME
    }

    fn schema(&self) -> Schema {
        execution_schema()
    }

    fn validate(&self, config: &Value) -> Diagnostics {
        validate_config(config)
    }

    async fn plan(
        &self,
        data: &ProviderData,
        req: &PlanRequest,
        planned: &mut Value,
        diags: &mut Diagnostics,
    ) {
        let described = match data.sagemaker() {
            Ok(sm) => keep_equal_parameters(sm, &req.prior, planned).await,
            Err(_) => None,
        };
        let spec = spec_of(planned);
        let sha = spec.as_ref().map(|s| Value::string(fingerprint(s))).unwrap_or(Value::Unknown);
        model::set(planned, "start_arguments_sha256", sha);
        // Parameters are checked when a run would start, against the deployed pipeline.
        let starts = req.prior.is_null()
            || req.prior.get("start_arguments_sha256") != planned.get("start_arguments_sha256");
        if spec.is_none() && starts {
            // Some argument is known only after apply; the parameter names may be known
            // already (helper finding: `{ Typo = null_resource.x.id }` failed only at apply).
            if let (Ok(sm), Known::Value(pipeline), Some(given)) = (
                data.sagemaker(),
                model::string(planned, "pipeline_name"),
                planned.get("parameters").and_then(Value::as_map),
            ) {
                let described = match described {
                    Some(d) => d,
                    None => sm.describe(&pipeline).await,
                };
                if let Ok(Some(p)) = described {
                    if let Some(declared) = declared_parameters(&p.definition) {
                        for name in given.keys().filter(|k| !declared.iter().any(|d| &&d.name == k))
                        {
                            undeclared_parameter(&pipeline, name, &declared, diags);
                        }
                    }
                }
            }
            return;
        }
        let (Some(spec), true, Ok(sm)) = (spec, starts, data.sagemaker()) else { return };
        // The pipeline as read above (the same name), or read now.
        let described = match described {
            Some(d) => d,
            None => sm.describe(&spec.pipeline_name).await,
        };
        match described {
            // Not deployed yet: created by this apply, checked there before the start.
            Ok(None) => {}
            Ok(Some(p)) => {
                if let Some(declared) = declared_parameters(&p.definition) {
                    let given: BTreeMap<String, String> = spec.parameters.into_iter().collect();
                    check_parameters(&spec.pipeline_name, &given, &declared, diags);
                }
                // Against the latest version only: a run pinned to another version may select
                // steps that the latest no longer has.
                if let (Some((_, selected)), None) = (&spec.selective, spec.pipeline_version_id) {
                    check_selected_steps(&spec.pipeline_name, selected, &p.definition, diags);
                }
            }
            Err(e) => {
                let d = super::aws_warning(
                    format!(
                        "Could not check the parameters against pipeline {:?}",
                        spec.pipeline_name
                    ),
                    &e,
                    "\nThe parameters are checked at apply time instead, before the run is started.",
                );
                diags.push(d.at(AttrPath::root("parameters")));
            }
        }
    }

    async fn create(&self, data: &ProviderData, planned: &Value) -> Outcome {
        let fail =
            |diagnostics: Diagnostics| Outcome { state: Value::Null, diagnostics, private: None };
        let sm = match data.sagemaker() {
            Ok(s) => s,
            Err(d) => return fail(d),
        };
        let Some(mut spec) = spec_of(planned) else {
            return fail(
                Diagnostic::error(
                    "The run's arguments are not known",
                    "Terraform applied a plan whose start arguments are still unknown; this is a bug in the provider, please report it.",
                )
                .into(),
            );
        };
        let sha = fingerprint(&spec);
        let mut diags = Diagnostics::new();
        // Check (again) against the pipeline as deployed now: it may be created by this apply.
        match sm.describe(&spec.pipeline_name).await {
            Ok(Some(p)) => {
                let given: BTreeMap<String, String> = spec.parameters.iter().cloned().collect();
                if let Some(declared) = declared_parameters(&p.definition) {
                    match check_parameters(&spec.pipeline_name, &given, &declared, &mut diags) {
                        Some(converted) => spec.parameters = converted,
                        None => return fail(diags),
                    }
                }
                if let (Some((_, selected)), None) = (&spec.selective, spec.pipeline_version_id) {
                    check_selected_steps(&spec.pipeline_name, selected, &p.definition, &mut diags);
                    if diags.has_errors() {
                        return fail(diags);
                    }
                }
            }
            Ok(None) => {
                diags.error_at(
                    AttrPath::root("pipeline_name"),
                    format!("SageMaker pipeline {:?} does not exist", spec.pipeline_name),
                    "Create the pipeline first (refer to it as sagemaker_ml_pipeline.<name>.name so Terraform creates it before the run), or correct pipeline_name.",
                );
                return fail(diags);
            }
            Err(e) => {
                diags.push(aws_diag(
                    format!(
                        "Failed to read SageMaker pipeline {:?} before starting it",
                        spec.pipeline_name
                    ),
                    &e,
                ));
                return fail(diags);
            }
        }
        let token = start_token(&sha);
        let started = SystemTime::now();
        let arn = match sm.start_execution(&spec, &token).await {
            Ok(arn) => {
                crate::logging::info(
                    "started pipeline execution",
                    &[("pipeline", &spec.pipeline_name), ("execution", &arn)],
                );
                arn
            }
            Err(e) => match settle_start(sm, &spec, &e, started).await {
                Ok(Settled::Started(arn)) => {
                    crate::logging::info(
                        "adopted the pipeline execution this apply started",
                        &[("pipeline", &spec.pipeline_name), ("execution", &arn)],
                    );
                    arn
                }
                Ok(Settled::Pending) => {
                    // Helper finding: "none was started" was concluded right after cutting off
                    // a request still on its way, and the next apply started a second run.
                    let mut state = planned.clone();
                    let since = started.duration_since(SystemTime::UNIX_EPOCH).unwrap_or_default();
                    model::set(
                        &mut state,
                        "id",
                        Value::string(format!("{PENDING_ID}{}", since.as_secs())),
                    );
                    model::set(&mut state, "arn", Value::string(""));
                    model::set(&mut state, "start_arguments_sha256", Value::string(sha));
                    model::set(&mut state, "status", Value::string(PENDING_STATUS));
                    model::set(&mut state, "failure_reason", Value::Null);
                    model::set(&mut state, "step_statuses", Value::Null);
                    diags.push(Diagnostic::warning(
                        format!("The start of a run of pipeline {:?} was cut off before its answer", spec.pipeline_name),
                        format!("StartPipelineExecution: {}. Whether it started is not known yet (SageMaker does not list such a run, or could not be asked), and the request may still be carried out, so the run is recorded as pending (status \"{PENDING_STATUS}\", no ARN yet). Every refresh (plan or apply) looks for it among the pipeline's runs: it is adopted once listed; if SageMaker lists no such run once the request can no longer land (operation_timeout + call_timeout + 10 s after the call), it is removed from the state and that plan starts it again. Nothing was waited for.", e.cause()),
                    ));
                    return Outcome { state, diagnostics: diags, private: None };
                }
                Err(d) => return fail(d),
            },
        };
        let mut state = planned.clone();
        model::set(&mut state, "id", Value::string(arn.clone()));
        model::set(&mut state, "arn", Value::string(arn.clone()));
        model::set(&mut state, "start_arguments_sha256", Value::string(sha));
        model::set(&mut state, "status", Value::string("Executing"));
        model::set(&mut state, "failure_reason", Value::Null);
        model::set(&mut state, "step_statuses", Value::Null);
        if crate::stop::requested() {
            diags.push(Diagnostic::warning(
                format!("Apply interrupted after the run of pipeline {:?} was started", spec.pipeline_name),
                "Terraform asked the provider to stop. The run was started and is recorded in the state; its status is refreshed by the next plan.",
            ));
            return Outcome { state, diagnostics: diags, private: None };
        }
        if waits(planned) {
            wait_for(
                sm,
                &arn,
                &spec.pipeline_name,
                wait_timeout_of(planned),
                &mut state,
                &mut diags,
            )
            .await;
        } else {
            // One look, so the state says where the run is (moto's runs end at once).
            if let Ok(Some(x)) = sm.describe_execution(&arn).await {
                let steps = sm.execution_steps(&arn).await.ok().flatten();
                apply_status(&mut state, &x, steps.as_deref());
            }
        }
        Outcome { state, diagnostics: diags, private: None }
    }

    async fn read(&self, data: &ProviderData, state: &Value) -> (Value, Diagnostics) {
        let mut diags = Diagnostics::new();
        let Ok(sm) = data.sagemaker() else { return (state.clone(), diags) };
        let arn = match find_pending(sm, state).await {
            Pending::No => model::string(state, "arn").value().unwrap_or_default(),
            Pending::Found(arn) => {
                crate::logging::info(
                    "found the run whose start was cut off; adopting it",
                    &[("execution", &arn)],
                );
                arn
            }
            Pending::NeverStarted(pipeline) => {
                diags.push(Diagnostic::warning(
                    format!("The pending run of pipeline {pipeline:?} was never started"),
                    "Its StartPipelineExecution was cut off before its answer, and SageMaker lists no run of it since: the run is removed from the state, and this plan starts it.",
                ));
                return (Value::Null, diags);
            }
            Pending::Unsettled(d) => {
                diags.push(d);
                return (state.clone(), diags);
            }
        };
        let x = match sm.describe_execution(&arn).await {
            Ok(Some(x)) => x,
            Ok(None) => {
                crate::logging::warn(
                    "pipeline execution no longer exists (deleted with its pipeline); removing it from state",
                    &[("execution", &arn)],
                );
                return (Value::Null, diags);
            }
            Err(e) => {
                diags.push(aws_diag(format!("Failed to read pipeline execution {arn:?}"), &e));
                return (state.clone(), diags);
            }
        };
        let mut new = state.clone();
        model::set(&mut new, "id", Value::string(arn.clone()));
        model::set(&mut new, "arn", Value::string(arn.clone()));
        let prior_status = model::string(state, "status").value().unwrap_or_default();
        let settled = is_terminal(&prior_status)
            && prior_status == x.status
            && !state.get("step_statuses").is_none_or(Value::is_null);
        let steps = if settled {
            None
        } else {
            best_effort(
                sm.execution_steps(&arn).await,
                "could not list the steps of a pipeline execution",
                ("execution", &arn),
            )
        };
        apply_status(&mut new, &x, steps.as_deref());
        if model::string(state, "start_arguments_sha256") == Known::Null {
            // Right after import: read the start arguments back.
            if let Err(e) = read_start_arguments(sm, &x, &mut new).await {
                diags.push(aws_diag(format!("Failed to read pipeline execution {arn:?}"), &e));
                return (state.clone(), diags);
            }
        }
        (new, diags)
    }

    async fn update(&self, _data: &ProviderData, prior: &Value, planned: &Value) -> Outcome {
        // Only wait_for_completion and wait_timeout can change in place: state only.
        let mut state = planned.clone();
        for a in ["id", "arn", "status", "failure_reason", "step_statuses"] {
            model::set(&mut state, a, prior.get(a).cloned().unwrap_or(Value::Null));
        }
        Outcome { state, diagnostics: Diagnostics::new(), private: None }
    }

    async fn delete(&self, data: &ProviderData, prior: &Value, _private: &[u8]) -> Diagnostics {
        let mut diags = Diagnostics::new();
        let sm = match data.sagemaker() {
            Ok(s) => s,
            Err(d) => return d,
        };
        let arn = match find_pending(sm, prior).await {
            Pending::No => model::string(prior, "arn").value().unwrap_or_default(),
            Pending::Found(arn) => arn,
            Pending::NeverStarted(_) => return diags,
            Pending::Unsettled(mut d) => {
                // A run that may still start is not forgotten: destroy waits for it to settle.
                d.severity = crate::framework::Severity::Error;
                d.detail.push_str(" Destroy again once it is settled; the run stays in the state.");
                diags.push(d);
                return diags;
            }
        };
        let x = match sm.describe_execution(&arn).await {
            Ok(Some(x)) => x,
            Ok(None) => {
                crate::logging::info("pipeline execution was already gone", &[("execution", &arn)]);
                return diags;
            }
            Err(e) => {
                diags.push(aws_diag(format!("Failed to read pipeline execution {arn:?}"), &e));
                return diags;
            }
        };
        if is_terminal(&x.status) || x.status == "Stopping" {
            crate::logging::info(
                "pipeline execution has ended; forgetting it",
                &[("execution", &arn), ("status", &x.status)],
            );
            return diags;
        }
        match sm.stop_execution(&arn).await {
            Ok(StopOutcome::Stopped) => {
                crate::logging::info("stopped pipeline execution", &[("execution", &arn)])
            }
            Ok(StopOutcome::Gone) => {
                crate::logging::info("pipeline execution was already gone", &[("execution", &arn)])
            }
            Ok(StopOutcome::Unsupported) => diags.push(Diagnostic::warning(
                format!("Pipeline execution {arn:?} could not be stopped"),
                format!("The run is still {} and the SageMaker endpoint does not implement StopPipelineExecution; Terraform forgets the run, which goes on until it ends.", x.status),
            )),
            Err(e) => diags.push(aws_diag(format!("Failed to stop pipeline execution {arn:?}"), &e)),
        }
        diags
    }

    async fn import(&self, _data: &ProviderData, id: &str) -> ImportResponse {
        let mut diags = Diagnostics::new();
        let arn = id;
        let Some(pipeline) = pipeline_of_execution_arn(arn).filter(|_| arn.starts_with("arn:"))
        else {
            diags.error(
                format!("Cannot import {}: not a pipeline execution ARN", expr::shown(id)),
                "Import a sagemaker_ml_pipeline_execution by its execution ARN, e.g. `terraform import sagemaker_ml_pipeline_execution.nightly arn:aws:sagemaker:us-east-1:123456789012:pipeline/churn/execution/abc123`.",
            );
            return ImportResponse { state: None, diagnostics: diags, private: Vec::new() };
        };
        let Type::Object(attrs) = execution_schema().block.value_type() else {
            return ImportResponse { state: None, diagnostics: diags, private: Vec::new() };
        };
        let mut obj: BTreeMap<String, Value> =
            attrs.keys().map(|k| (k.clone(), Value::Null)).collect();
        obj.insert("id".into(), Value::string(arn));
        obj.insert("arn".into(), Value::string(arn));
        obj.insert("pipeline_name".into(), Value::string(pipeline));
        ImportResponse { state: Some(Value::Object(obj)), diagnostics: diags, private: Vec::new() }
    }
}

// ---- mapping to and from the API ----------------------------------------------------------

/// Status, failure reason and (when the endpoint reports them) step statuses into a state.
fn apply_status(state: &mut Value, x: &Execution, steps: Option<&[StepState]>) {
    if !x.status.is_empty() {
        model::set(state, "status", Value::string(x.status.clone()));
    }
    model::set(state, "failure_reason", model::opt_string(x.failure_reason.clone()));
    if let Some(steps) = steps {
        let map: BTreeMap<String, String> =
            steps.iter().map(|s| (s.name.clone(), s.status.clone())).collect();
        model::set(state, "step_statuses", model::string_map_value(&map));
    }
}

/// The answer of a lookup that may fail without failing the operation: `None`, with a warning
/// log saying what could not be done, on an error.
fn best_effort<T>(answer: Result<Option<T>, AwsError>, what: &str, of: (&str, &str)) -> Option<T> {
    answer.unwrap_or_else(|e| {
        crate::logging::warn(what, &[of, ("error", &e.to_string())]);
        None
    })
}

/// After an import: the start arguments as SageMaker holds them, and their fingerprint.
async fn read_start_arguments(
    sm: &SageMaker,
    x: &Execution,
    state: &mut Value,
) -> Result<(), AwsError> {
    let params = sm.execution_parameters(&x.arn).await?;
    let params: BTreeMap<String, String> = params.into_iter().collect();
    model::set(
        state,
        "parameters",
        if params.is_empty() { Value::Null } else { model::string_map_value(&params) },
    );
    model::set(state, "display_name", model::opt_string(x.display_name.clone()));
    model::set(state, "description", model::opt_string(x.description.clone()));
    // SageMaker reports the version that ran and the parallelism in effect also for a run
    // started without them, which took the pipeline's. A value equal to the pipeline's own is
    // read as not given, so that a configuration without it plans no new run; a run of an
    // older version, or with its own limit, keeps it.
    // Best effort: without these lookups (no permission, the pipeline gone) the values are
    // kept as SageMaker reports them.
    let pipeline = model::string(state, "pipeline_name").value().unwrap_or_default();
    let inherited_parallelism = best_effort(
        sm.describe(&pipeline).await,
        "could not read the pipeline's parallelism limit; the run's is kept as reported",
        ("pipeline", &pipeline),
    )
    .and_then(|p| p.max_parallel_execution_steps);
    let latest = best_effort(
        sm.latest_version(&pipeline).await,
        "could not read the pipeline's latest version; the run's is kept as reported",
        ("pipeline", &pipeline),
    );
    let version = x.pipeline_version_id.filter(|v| Some(*v) != latest);
    model::set(
        state,
        "pipeline_version_id",
        version.map(|n| Value::Number(Number::from(n))).unwrap_or(Value::Null),
    );
    let parallelism = x.max_parallel_execution_steps.filter(|n| Some(*n) != inherited_parallelism);
    model::set(
        state,
        "parallelism_config",
        parallelism
            .map(|n| {
                Value::object([("max_parallel_execution_steps", Value::Number(Number::from(n)))])
            })
            .unwrap_or(Value::Null),
    );
    model::set(
        state,
        "selective_execution",
        x.selective
            .as_ref()
            .map(|(source, steps)| {
                Value::object([
                    ("source_execution_arn", Value::string(source.clone())),
                    ("selected_steps", Value::list(steps.iter().map(|s| Value::string(s.clone())))),
                ])
            })
            .unwrap_or(Value::Null),
    );
    if let Some(spec) = spec_of(state) {
        model::set(state, "start_arguments_sha256", Value::string(fingerprint(&spec)));
    }
    Ok(())
}

/// What a StartPipelineExecution whose outcome is unknown left behind.
enum Settled {
    /// The run it started, found in the pipeline's runs.
    Started(String),
    /// Not listed yet (or the listing failed): the request may still be carried out.
    Pending,
}

/// `id` of a run whose start was cut off before its answer and that is not found yet:
/// `pending-start:<unix seconds of the call>`; its `arn` is empty and its `status` is
/// [`PENDING_STATUS`]. Every refresh looks for it again ([`find_pending`]).
const PENDING_ID: &str = "pending-start:";
const PENDING_STATUS: &str = "Pending";

/// What became of a pending run (see [`PENDING_ID`]).
enum Pending {
    /// The state is not a pending run.
    No,
    Found(String),
    /// SageMaker lists no such run since the call (the pipeline's name).
    NeverStarted(String),
    /// It cannot be told: the listing failed, or several runs match.
    Unsettled(Diagnostic),
}

/// How long after the cut-off call a request may still land: its own deadline
/// (`operation_timeout`), one more attempt's worth (`call_timeout`), and this margin for the
/// request to reach SageMaker and the run to be listed. Until then a run not listed stays
/// pending (review finding: a refresh right after a Ctrl-C forgot it, and the plan started a
/// second run).
const PENDING_MARGIN: Duration = Duration::from_secs(10);
/// Clocks differ: runs are looked for from this long before the call.
const CLOCK_SLACK: Duration = Duration::from_secs(120);

/// Looks for the run a pending state stands for: the only run of its pipeline with its display
/// name, description and parameters that started between shortly before the cut-off call and
/// the end of its grace ([`PENDING_MARGIN`]). None while the grace lasts is still pending; none
/// after it was never started.
async fn find_pending(sm: &SageMaker, state: &Value) -> Pending {
    let id = model::string(state, "id").value().unwrap_or_default();
    let Some(secs) = id.strip_prefix(PENDING_ID).and_then(|s| s.parse::<u64>().ok()) else {
        return Pending::No;
    };
    let Some(spec) = spec_of(state) else { return Pending::No };
    let called = SystemTime::UNIX_EPOCH + Duration::from_secs(secs);
    let limits = sm.limits();
    let grace = limits.operation_timeout + limits.call_timeout + PENDING_MARGIN;
    let grace_ends = called + grace;
    let since = called.checked_sub(CLOCK_SLACK).unwrap_or(called);
    let failed = |e: &AwsError| {
        let mut d = aws_diag(
            format!("Failed to look for the pending run of pipeline {:?}", spec.pipeline_name),
            e,
        );
        d.detail.push_str("\nThe run stays pending in the state; the next refresh looks again.");
        Pending::Unsettled(d)
    };
    let runs = match sm.list_executions_since(&spec.pipeline_name, since).await {
        Ok(r) => r,
        Err(e) => return failed(&e),
    };
    let ours = match matching_runs(sm, &spec, &runs, Some(grace_ends + CLOCK_SLACK), false).await {
        Ok(r) => r,
        Err(e) => return failed(&e),
    };
    match ours.as_slice() {
        [one] => Pending::Found(one.clone()),
        [] if SystemTime::now() < grace_ends => Pending::Unsettled(Diagnostic::warning(
            format!("The run of pipeline {:?} is still pending", spec.pipeline_name),
            format!("Its StartPipelineExecution was cut off before its answer and SageMaker lists no such run yet; the request may still be carried out up to {} s after the call (operation_timeout + call_timeout + {} s). Until then the run stays pending and nothing is started again; a later plan adopts it, or starts it if SageMaker never did.", grace.as_secs(), PENDING_MARGIN.as_secs()),
        )),
        [] => Pending::NeverStarted(spec.pipeline_name),
        many => Pending::Unsettled(Diagnostic::error(
            format!("Which run of pipeline {:?} the cut-off start began cannot be told", spec.pipeline_name),
            format!(
                "{} runs with this display name, description and parameters started around the call ({}). Keep the right one: `terraform state rm {TYPE_NAME}.<name>`, then `terraform import {TYPE_NAME}.<name> <arn>`; stop the others if they are duplicates. A display_name of its own per run avoids this.",
                many.len(),
                many.join(", ")
            ),
        )),
    }
}

/// The ARNs of the listed runs that can be the run `spec` asked for: the same display name and
/// description (any, where `spec` has none), started no later than `until`, and holding every parameter value `spec` gives
/// (review finding: a run of the pipeline with the same names, started by a schedule or by
/// another resource, was taken for it). `settling`: the checks run on after a stop request,
/// briefly, as the listing before them (reviewer finding: after a Ctrl-C the run listed was
/// never adopted, since reading its parameters stopped at once).
async fn matching_runs(
    sm: &SageMaker,
    spec: &ExecutionSpec,
    runs: &[executions::ExecutionSummary],
    until: Option<SystemTime>,
    settling: bool,
) -> Result<Vec<String>, AwsError> {
    let mut out = Vec::new();
    for r in runs {
        // Left out, a name may be filled in by SageMaker (a generated display name): any.
        let same = |asked: &Option<String>, got: &Option<String>| asked.is_none() || asked == got;
        let named =
            same(&spec.display_name, &r.display_name) && same(&spec.description, &r.description);
        let in_time = match (until, r.start_time) {
            (Some(until), Some(t)) => t <= until,
            _ => true,
        };
        if named && in_time {
            let given = if settling {
                sm.execution_parameters_settling(&r.arn).await?
            } else {
                sm.execution_parameters(&r.arn).await?
            };
            let given: BTreeMap<String, String> = given.into_iter().collect();
            if same_parameters(&spec.parameters, &given) {
                out.push(r.arn.clone());
            }
        }
    }
    Ok(out)
}

/// Whether a run's parameters hold every value asked for, compared as text or as the same
/// number (a start sends each in its declared type's canonical text, `"07"` as `"7"`);
/// parameters not asked for may be listed with their defaults.
fn same_parameters(asked: &[(String, String)], run: &BTreeMap<String, String>) -> bool {
    asked.iter().all(|(k, v)| {
        run.get(k).is_some_and(|got| {
            got == v
                || matches!(
                    (got.trim().parse::<f64>(), v.trim().parse::<f64>()),
                    (Ok(a), Ok(b)) if a == b
                )
        })
    })
}

/// Decides what a failed StartPipelineExecution left behind. When the outcome is unknown, the
/// pipeline's runs started since shortly before the call are listed; the only one with this
/// run's display name and description is adopted; none, after a request cut off on its way, or
/// a listing that failed, is [`Settled::Pending`]. Otherwise the diagnostics to return.
async fn settle_start(
    sm: &SageMaker,
    spec: &ExecutionSpec,
    e: &AwsError,
    started: SystemTime,
) -> Result<Settled, Diagnostics> {
    let summary = format!("Failed to start a run of SageMaker pipeline {:?}", spec.pipeline_name);
    if !e.outcome_unknown() {
        return Err(aws_diag(summary, e).into());
    }
    let since = started.checked_sub(CLOCK_SLACK).unwrap_or(started);
    let found = async {
        let runs = sm.list_executions_settling(&spec.pipeline_name, since).await?;
        matching_runs(sm, spec, &runs, None, true).await
    };
    let ours = match found.await {
        Ok(r) => r,
        Err(check) => {
            // Not known either way: recorded as pending, the next refresh looks again.
            crate::logging::warn(
                "could not look for the run after a start with an unknown outcome",
                &[("pipeline", &spec.pipeline_name), ("error", &check.to_string())],
            );
            return Ok(Settled::Pending);
        }
    };
    match ours.as_slice() {
        [one] => Ok(Settled::Started(one.clone())),
        // An earlier attempt may have been sent and cut off, whatever the last one's answer
        // (review finding): the next refreshes settle it.
        [] => Ok(Settled::Pending),
        many => {
            let mut d = aws_diag(summary, e);
            d.detail.push_str(&format!(
                "\n\n{} runs of the pipeline with this display name and description started just now ({}); which one this apply started cannot be told. Import the right one with `terraform import {TYPE_NAME}.<name> <arn>`, and stop the others if they are duplicates.",
                many.len(),
                many.join(", ")
            ));
            Err(d.into())
        }
    }
}

/// Polls a run until it ends, the timeout passes, or Terraform asks the provider to stop;
/// logs the run's and each step's status as they change; records the last status in `state`.
async fn wait_for(
    sm: &SageMaker,
    arn: &str,
    pipeline: &str,
    timeout: Duration,
    state: &mut Value,
    diags: &mut Diagnostics,
) {
    let deadline = Instant::now() + timeout;
    let mut interval = Duration::from_secs(1);
    let mut last_status = String::new();
    let mut last_steps: BTreeMap<String, String> = BTreeMap::new();
    loop {
        let x = match sm.describe_execution(arn).await {
            Ok(Some(x)) => x,
            Ok(None) => {
                diags.error(
                    format!("Pipeline execution {arn:?} disappeared while waiting for it"),
                    "SageMaker no longer knows the run (was its pipeline deleted?). The next plan removes it from the state.",
                );
                return;
            }
            Err(e) if e.kind == crate::aws::ErrorKind::Interrupted => break,
            Err(e) => {
                let mut d = aws_diag(format!("Failed to check on pipeline execution {arn:?}"), &e);
                d.detail.push_str("\nThe run was started and is recorded in the state; the next plan refreshes its status.");
                diags.push(d);
                return;
            }
        };
        let steps = match sm.execution_steps(arn).await {
            Ok(s) => s,
            Err(e) if e.kind == crate::aws::ErrorKind::Interrupted => None,
            Err(e) => {
                crate::logging::warn(
                    "could not list the steps of a pipeline execution",
                    &[("execution", arn), ("error", &e.to_string())],
                );
                None
            }
        };
        for s in steps.iter().flatten() {
            if last_steps.get(&s.name) != Some(&s.status) {
                let reason = s.failure_reason.clone().unwrap_or_default();
                crate::logging::info(
                    &format!("pipeline {pipeline} step {}: {}", s.name, s.status),
                    &[
                        ("execution", arn),
                        ("step", &s.name),
                        ("status", &s.status),
                        ("failure_reason", &reason),
                    ],
                );
                last_steps.insert(s.name.clone(), s.status.clone());
            }
        }
        if x.status != last_status {
            crate::logging::info(
                &format!("pipeline {pipeline} execution: {}", x.status),
                &[("execution", arn), ("status", &x.status)],
            );
            last_status = x.status.clone();
        }
        apply_status(state, &x, steps.as_deref());
        if is_terminal(&x.status) {
            if x.status != "Succeeded" {
                diags.push(run_failed(pipeline, &x, steps.as_deref()));
            }
            return;
        }
        let now = Instant::now();
        if now >= deadline {
            diags.error_at(
                AttrPath::root("wait_timeout"),
                format!(
                    "The run of pipeline {pipeline:?} did not finish within {}",
                    crate::aws::format_duration(timeout)
                ),
                format!("The run {arn} is still {} and is recorded in the state (tainted, so the next apply starts a new run unless you `terraform untaint` it). Raise wait_timeout, or set wait_for_completion = false to start runs without waiting.", x.status),
            );
            return;
        }
        tokio::select! {
            _ = tokio::time::sleep(interval.min(deadline - now)) => {}
            _ = crate::stop::wait() => break,
        }
        interval = executions::next_poll_interval(interval, MAX_POLL_INTERVAL);
    }
    diags.push(Diagnostic::warning(
        format!("Stopped waiting for the run of pipeline {pipeline:?}"),
        format!("Terraform asked the provider to stop. The run {arn} goes on and is recorded in the state; the next plan refreshes its status."),
    ));
}

/// The error for a run that ended without succeeding, naming the failed steps and reasons.
fn run_failed(pipeline: &str, x: &Execution, steps: Option<&[StepState]>) -> Diagnostic {
    let failed: Vec<&StepState> =
        steps.unwrap_or_default().iter().filter(|s| s.status == "Failed").collect();
    let summary = match (x.status.as_str(), failed.as_slice()) {
        ("Stopped", _) => format!("The run of pipeline {pipeline:?} was stopped"),
        (_, [one]) => format!("The run of pipeline {pipeline:?} failed in step {:?}", one.name),
        (_, []) => format!("The run of pipeline {pipeline:?} failed"),
        (_, many) => format!(
            "The run of pipeline {pipeline:?} failed in steps {}",
            many.iter().map(|s| format!("{:?}", s.name)).collect::<Vec<_>>().join(", ")
        ),
    };
    let mut detail = String::new();
    for s in &failed {
        detail.push_str(&format!(
            "Step {:?} failed: {}\n",
            s.name,
            s.failure_reason.as_deref().unwrap_or("no reason given")
        ));
    }
    if let Some(r) = &x.failure_reason {
        detail.push_str(&format!("Run failure reason: {r}\n"));
    }
    detail.push_str(&format!(
        "The run {} ended {}. It is recorded in the state (status, failure_reason, step_statuses) and tainted, so the next apply starts a new run: fix the cause, then apply again.",
        x.arn, x.status
    ));
    Diagnostic::error(summary, detail)
}

#[cfg(test)]
mod tests {
    use super::*;

    const DEFINITION: &str = r#"{"Version":"2020-12-01","Parameters":[{"Name":"Epochs","Type":"Integer","DefaultValue":3},{"Name":"InputData","Type":"String"},{"Name":"Rate","Type":"Float","DefaultValue":0.5},{"Name":"Mode","Type":"String","DefaultValue":"fast","EnumValues":["fast","slow"]}],"Steps":[]}"#;

    fn given(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
    }

    #[test]
    fn schema_passes_terraforms_checks() {
        let mut problems = Vec::new();
        crate::framework::schema::internal_validate(
            &execution_schema().block,
            TYPE_NAME,
            &mut problems,
        );
        assert!(problems.is_empty(), "{problems:?}");
    }

    #[test]
    fn parameters_convert_to_the_declared_types_canonical_text() {
        let declared = declared_parameters(DEFINITION).expect("definition");
        let mut d = Diagnostics::new();
        let out = check_parameters(
            "p",
            &given(&[("Epochs", "05"), ("InputData", "s3://b/x"), ("Rate", "1.50")]),
            &declared,
            &mut d,
        );
        assert!(d.is_empty(), "{d:?}");
        assert_eq!(
            out.expect("converted"),
            vec![
                ("Epochs".to_string(), "5".to_string()),
                ("InputData".to_string(), "s3://b/x".to_string()),
                ("Rate".to_string(), "1.5".to_string())
            ]
        );
    }

    #[test]
    fn undeclared_mistyped_missing_and_unlisted_values_are_errors_at_their_key() {
        let declared = declared_parameters(DEFINITION).expect("definition");
        let mut d = Diagnostics::new();
        let out = check_parameters(
            "p",
            &given(&[("Epochz", "5"), ("Rate", "abc"), ("Mode", "medium")]),
            &declared,
            &mut d,
        );
        assert!(out.is_none());
        let texts: Vec<String> =
            d.iter().map(|d| format!("{} | {}", d.summary, d.detail)).collect();
        assert_eq!(d.0.len(), 4, "{texts:#?}");
        let undeclared = d.iter().find(|d| d.summary.contains("Epochz")).expect("undeclared");
        assert_eq!(undeclared.path, Some(AttrPath::root("parameters").key("Epochz")));
        assert!(undeclared.detail.contains("Did you mean 'Epochs'?"), "{}", undeclared.detail);
        assert!(undeclared.detail.contains("Epochs (Integer), InputData (String)"));
        let mistyped = d.iter().find(|d| d.summary.contains("\"Rate\"")).expect("mistyped");
        assert_eq!(mistyped.path, Some(AttrPath::root("parameters").key("Rate")));
        assert!(mistyped.summary.contains("a Float"), "{}", mistyped.summary);
        assert!(d
            .iter()
            .any(|d| d.summary.contains("InputData") && d.summary.contains("no default")));
        assert!(d.iter().any(|d| d.summary.contains("medium") && d.detail.contains("fast, slow")));
    }

    /// A run started with a value that is not an S3 URI for a parameter a step uses as one
    /// would fail in that step: it is an error at plan, like a mistyped value.
    #[test]
    fn values_of_parameters_in_s3_fields_are_s3_uris() {
        let definition = r#"{"Version":"2020-12-01","Parameters":[{"Name":"InputData","Type":"String"},{"Name":"Mode","Type":"String","DefaultValue":"fast"}],"Steps":[{"Name":"Prep","Type":"Processing","Arguments":{"ProcessingInputs":[{"InputName":"in","S3Input":{"S3Uri":{"Get":"Parameters.InputData"}}}],"Environment":{"MODE":{"Get":"Parameters.Mode"}}}}]}"#;
        let declared = declared_parameters(definition).expect("definition");
        let check = |pairs: &[(&str, &str)]| {
            let mut d = Diagnostics::new();
            let out = check_parameters("p", &given(pairs), &declared, &mut d);
            (out.is_some(), d)
        };
        let (ok, d) = check(&[("InputData", "acme-ml/raw"), ("Mode", "anything")]);
        assert!(!ok);
        assert_eq!(d.0.len(), 1, "{d:?}");
        assert_eq!(d.0[0].path, Some(AttrPath::root("parameters").key("InputData")));
        assert_eq!(
            d.0[0].summary,
            "Value \"acme-ml/raw\" of parameter \"InputData\" is not an S3 location"
        );
        assert!(
            d.0[0].detail.contains("as Arguments.ProcessingInputs[0].S3Input.S3Uri")
                && d.0[0].detail.contains("\"s3://acme-ml/raw\"")
                && d.0[0].detail.starts_with("The step \"Prep\" uses {{ Parameters.InputData }}"),
            "{}",
            d.0[0].detail
        );
        let (ok, d) = check(&[("InputData", "s3://acme-ml/raw")]);
        assert!(ok && d.is_empty(), "{d:?}");
        // An empty default of such a parameter means a run must pass a value.
        let empty = definition.replace(
            r#"{"Name":"InputData","Type":"String"}"#,
            r#"{"Name":"InputData","Type":"String","DefaultValue":""}"#,
        );
        let declared = declared_parameters(&empty).expect("definition");
        let mut d = Diagnostics::new();
        assert!(check_parameters("p", &given(&[]), &declared, &mut d).is_none());
        assert_eq!(d.0.len(), 1, "{d:?}");
        assert!(d.0[0].summary.contains("\"InputData\" of pipeline \"p\" needs a value"), "{d:?}");
    }

    /// Helper finding (session 13): a run overriding an approval status with "Aproved", or an
    /// instance count with 0, planned fine and failed when the step ran.
    #[test]
    fn values_must_be_values_their_fields_take() {
        let definition = r#"{"Version":"2020-12-01","Parameters":[{"Name":"Status","Type":"String","DefaultValue":"PendingManualApproval"},{"Name":"Count","Type":"Integer","DefaultValue":1},{"Name":"Kind","Type":"String","DefaultValue":"ml.m5.xlarge"}],"Steps":[{"Name":"Prep","Type":"Processing","Arguments":{"ProcessingResources":{"ClusterConfig":{"InstanceCount":{"Get":"Parameters.Count"},"InstanceType":{"Get":"Parameters.Kind"}}}}},{"Name":"Reg","Type":"RegisterModel","Arguments":{"ModelApprovalStatus":{"Get":"Parameters.Status"}}}]}"#;
        let declared = declared_parameters(definition).expect("definition");
        let check = |pairs: &[(&str, &str)]| {
            let mut d = Diagnostics::new();
            let out = check_parameters("p", &given(pairs), &declared, &mut d);
            (out.is_some(), d)
        };
        let (ok, d) = check(&[("Status", "Approved"), ("Count", "100"), ("Kind", "ml.c5.xlarge")]);
        assert!(ok && d.is_empty(), "{d:?}");
        let (ok, d) = check(&[("Status", "Aproved"), ("Count", "0"), ("Kind", "m5.large")]);
        assert!(!ok);
        let summaries: Vec<_> = d.0.iter().map(|d| (d.summary.as_str(), d.path.clone())).collect();
        let at = |name: &str| Some(AttrPath::root("parameters").key(name));
        assert_eq!(
            summaries,
            vec![
                (
                    "Value \"0\" of parameter \"Count\" is out of range for InstanceCount",
                    at("Count")
                ),
                ("Value \"m5.large\" of parameter \"Kind\" is not an instance type", at("Kind")),
                (
                    "Value \"Aproved\" of parameter \"Status\" is not a valid ModelApprovalStatus",
                    at("Status")
                ),
            ]
        );
        // An instance type the provider does not know is a warning; the run can start.
        let (ok, d) = check(&[("Kind", "ml.m9.huge")]);
        assert!(ok, "{d:?}");
        assert_eq!(d.0.len(), 1);
        assert_eq!(d.0[0].severity, crate::framework::Severity::Warning);
    }

    /// Helper finding: a null parameter value and a null or repeated selected step were
    /// dropped without a word.
    #[test]
    fn null_parameters_and_selected_steps_are_errors() {
        let cfg = planned(&[
            (
                "parameters",
                Value::map([("Count", Value::Null), ("Type", Value::string("ml.m5.large"))]),
            ),
            (
                "selective_execution",
                Value::object([
                    (
                        "source_execution_arn",
                        Value::string(
                            "arn:aws:sagemaker:us-east-1:123456789012:pipeline/p/execution/abc",
                        ),
                    ),
                    (
                        "selected_steps",
                        Value::list([Value::string("Score"), Value::string("Score"), Value::Null]),
                    ),
                ]),
            ),
        ]);
        let d: Vec<String> = validate_config(&cfg)
            .iter()
            .map(|d| format!("{}: {}", d.path.clone().unwrap_or_default(), d.summary))
            .collect();
        assert_eq!(
            d,
            [
                "selective_execution.selected_steps[2]: Null element in a list",
                "parameters[\"Count\"]: The value of parameter \"Count\" is null",
                "selective_execution.selected_steps[1]: Step \"Score\" is selected twice",
            ]
        );
    }

    /// Helper finding (session 13): a pipeline ARN got "Invalid pipeline name", cut off.
    #[test]
    fn an_arn_as_pipeline_name_says_to_use_the_name() {
        let cfg = planned(&[(
            "pipeline_name",
            Value::string("arn:aws:sagemaker:us-east-1:123456789012:pipeline/params-pipeline"),
        )]);
        let d = validate_config(&cfg);
        assert_eq!(d.0.len(), 1, "{d:?}");
        assert_eq!(d.0[0].summary, "pipeline_name takes the pipeline's name, not an ARN");
        assert!(d.0[0].detail.contains("the name in this ARN is \"params-pipeline\""), "{d:?}");
        // An execution's ARN names its pipeline before "/execution/".
        let cfg = planned(&[(
            "pipeline_name",
            Value::string("arn:aws:sagemaker:us-east-1:123456789012:pipeline/p1/execution/abc"),
        )]);
        let d = validate_config(&cfg);
        assert!(d.0[0].detail.contains("the name in this ARN is \"p1\""), "{d:?}");
    }

    #[test]
    fn integer_text_is_checked() {
        let declared = declared_parameters(DEFINITION).expect("definition");
        let mut d = Diagnostics::new();
        check_parameters("p", &given(&[("Epochs", "abc"), ("InputData", "x")]), &declared, &mut d);
        assert_eq!(d.0.len(), 1);
        assert!(d.0[0].summary.contains("an Integer"), "{}", d.0[0].summary);
    }

    fn planned(extra: &[(&str, Value)]) -> Value {
        let Type::Object(attrs) = execution_schema().block.value_type() else { panic!() };
        let mut obj: BTreeMap<String, Value> =
            attrs.keys().map(|k| (k.clone(), Value::Null)).collect();
        obj.insert("pipeline_name".into(), Value::string("p"));
        for (k, v) in extra {
            obj.insert(k.to_string(), v.clone());
        }
        Value::Object(obj)
    }

    #[test]
    fn the_fingerprint_changes_with_every_start_argument_and_only_those() {
        let base = fingerprint(&spec_of(&planned(&[])).expect("known"));
        let changed =
            |extra: &[(&str, Value)]| fingerprint(&spec_of(&planned(extra)).expect("known"));
        assert_eq!(changed(&[("wait_for_completion", Value::Bool(true))]), base);
        assert_eq!(changed(&[("wait_timeout", Value::string("2h"))]), base);
        assert_eq!(changed(&[("triggers", Value::map([("a", Value::string("1"))]))]), base);
        for extra in [
            ("parameters", Value::map([("Epochs", Value::string("5"))])),
            ("display_name", Value::string("x")),
            ("description", Value::string("x")),
            ("pipeline_version_id", Value::Number(Number::from(2i64))),
            (
                "parallelism_config",
                Value::object([(
                    "max_parallel_execution_steps",
                    Value::Number(Number::from(2i64)),
                )]),
            ),
            (
                "selective_execution",
                Value::object([
                    (
                        "source_execution_arn",
                        Value::string("arn:aws:sagemaker:us-east-1:1:pipeline/p/execution/a"),
                    ),
                    ("selected_steps", Value::list([Value::string("Train")])),
                ]),
            ),
        ] {
            assert_ne!(changed(std::slice::from_ref(&extra)), base, "{}", extra.0);
        }
        assert!(spec_of(&planned(&[("display_name", Value::Unknown)])).is_none());
    }

    #[test]
    fn tokens_fit_sagemaker_and_differ_per_create() {
        let sha = fingerprint(&spec_of(&planned(&[])).expect("known"));
        let (a, b) = (start_token(&sha), start_token(&sha));
        assert_ne!(a, b);
        assert!(a.starts_with(&format!("tf-{}-", &sha[..16])), "{a}");
        assert!((32..=128).contains(&a.len()), "{a}");
        assert!(a.chars().all(|c| c.is_ascii_alphanumeric() || c == '-'), "{a}");
    }

    #[test]
    fn validate_rejects_bad_durations_numbers_and_arns_with_their_paths() {
        let config = planned(&[
            ("wait_timeout", Value::string("2 hours")),
            ("pipeline_version_id", Value::Number(Number::from(0i64))),
            ("display_name", Value::string("-bad")),
            (
                "selective_execution",
                Value::object([
                    ("source_execution_arn", Value::string("abc")),
                    ("selected_steps", Value::list([])),
                ]),
            ),
        ]);
        let d = validate_config(&config);
        let paths: Vec<_> = d.iter().filter_map(|d| d.path.clone()).collect();
        for p in [
            AttrPath::root("wait_timeout"),
            AttrPath::root("pipeline_version_id"),
            AttrPath::root("display_name"),
            AttrPath::root("selective_execution").attr("source_execution_arn"),
            AttrPath::root("selective_execution").attr("selected_steps"),
        ] {
            assert!(paths.contains(&p), "{p:?} missing in {paths:?}");
        }
        assert!(validate_config(&planned(&[("wait_timeout", Value::string("1h30m"))])).is_empty());
        assert!(validate_config(&planned(&[("wait_timeout", Value::string("720h"))])).is_empty());
        // The source run must be a run of this pipeline (its ARN holds the name in lower case).
        let selective = |pipeline: &str, arn: &str| {
            validate_config(&planned(&[
                ("pipeline_name", Value::string(pipeline)),
                (
                    "selective_execution",
                    Value::object([
                        ("source_execution_arn", Value::string(arn)),
                        ("selected_steps", Value::list([Value::string("Train")])),
                    ]),
                ),
            ]))
        };
        let run_of = |p: &str| {
            format!("arn:aws:sagemaker:us-east-1:123456789012:pipeline/{p}/execution/abc123")
        };
        assert!(selective("Churn", &run_of("churn")).is_empty());
        let d = selective("churn", &run_of("other"));
        assert_eq!(d.0.len(), 1, "{d:?}");
        assert_eq!(d.0[0].summary, "The source run is a run of pipeline \"other\", not \"churn\"");
        // Too long is out of range, whether it fits the parser or not, and is not echoed.
        for long in ["721h", "1000000h", "99999999999999999999999999999999999999999999s"] {
            let d = validate_config(&planned(&[("wait_timeout", Value::string(long))]));
            assert_eq!(d.0.len(), 1, "{long}: {d:?}");
            assert_eq!(d.0[0].summary, "wait_timeout is out of range", "{long}");
            assert!(d.0[0].detail.contains("720h"), "{long}");
        }
    }

    #[tokio::test]
    async fn import_takes_an_execution_arn_only() {
        let data =
            ProviderData { sagemaker: None, default_tags: Known::Null, claims: Default::default() };
        let arn = "arn:aws:sagemaker:us-east-1:123456789012:pipeline/churn/execution/abc123";
        let r = MlPipelineExecution.import(&data, arn).await;
        let state = r.state.expect("imported");
        assert_eq!(state.get_str("pipeline_name"), Some("churn"));
        assert_eq!(state.get_str("arn"), Some(arn));
        assert!(state.conforms(&execution_schema().block.value_type()).is_ok());
        for bad in ["churn", "arn:aws:sagemaker:us-east-1:1:pipeline/churn", ""] {
            let r = MlPipelineExecution.import(&data, bad).await;
            assert!(r.state.is_none() && r.diagnostics.has_errors(), "{bad:?}");
        }
    }

    #[test]
    fn a_failed_run_names_the_failed_step_and_its_reason() {
        let x = Execution {
            arn: "arn:aws:sagemaker:us-east-1:1:pipeline/p/execution/a".into(),
            status: "Failed".into(),
            failure_reason: Some("Step failure: One or multiple steps failed.".into()),
            ..Default::default()
        };
        let steps = [
            StepState { name: "Prep".into(), status: "Succeeded".into(), failure_reason: None },
            StepState {
                name: "Train".into(),
                status: "Failed".into(),
                failure_reason: Some("AlgorithmError: out of memory".into()),
            },
        ];
        let d = run_failed("p", &x, Some(&steps));
        assert_eq!(d.summary, "The run of pipeline \"p\" failed in step \"Train\"");
        assert!(d.detail.contains("Step \"Train\" failed: AlgorithmError: out of memory"));
        assert!(!d.detail.contains("Prep"));
    }
}
