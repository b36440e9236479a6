//! `sagemaker_ml_pipeline`: a SageMaker pipeline whose definition is compiled from parameters and
//! step objects at plan time, and created, updated, read and deleted through the SageMaker API.
//!
//! Ownership rules that keep plans quiet:
//! - the compiled definition is held as `definition_parts` (canonical JSON per top-level key and
//!   per step, `compiler::parts`) plus `definition_sha256`, so that a plan names only the parts
//!   that change (docs/design/0003-reviewable-plans.md); Read and plan keep the stored parts
//!   whenever the deployed or compiled definition is semantically equal (`compiler::semantic`:
//!   key order, whitespace, `1` vs `1.0`, empty vs absent where SageMaker treats them alike,
//!   `Std:Join` separators), and otherwise each part that still means the same, so the next
//!   plan shows an edit made outside Terraform back, naming the step; while only `step_defaults`
//!   values are unknown, just the parts that use them are planned unknown
//!   ([`parts_with_unknown_defaults`]);
//! - `steps` is sensitive: printed as a list, one changed step would cost the whole step twice
//!   and its neighbours in full; the same change shows per step in `definition_parts`;
//! - after an import, `steps` and parameter defaults hold what is deployed; plan keeps those
//!   state values while the configuration means the same (the typed step resources' `json`
//!   compiled into this pipeline, `"6.0"` for a Float read back as `"6"`), so adopting a
//!   pipeline created elsewhere plans empty;
//! - optional attributes the user left unset (description, parallelism) are not claimed by
//!   Read, except right after import, where everything is read back;
//! - `tags_all` is `default_tags` merged with `tags`; tag updates add and remove exactly the
//!   difference; a tag the last apply deployed from `default_tags` is never read as drift;
//! - a managed pipeline is where its state's `arn` says: Read refuses a provider configuration
//!   of another region, or credentials of another account (that has a pipeline of that name,
//!   or, when the credential check told the account, that has none), instead of planning a
//!   second pipeline or taking over that one (import by ARN likewise).
//!
//! Nothing is lost when the network misbehaves: create sends one `ClientRequestToken` for every
//! attempt (`aws::request_token` says why one per create call); when its outcome is unknown (no
//! answer, timeout, 5xx after every retry, a stop request) or the name is taken, the pipeline is
//! described and adopted if it is the one this apply was creating (semantically the same
//! definition, same role and tags; other settings are then updated to the plan), so a lost
//! answer, or a re-apply after a killed provider, converges. Any other pipeline of that name is
//! an error that points at `terraform import`. AWS failures become diagnostics through
//! `provider::aws_diag` (operation, endpoint, region, the service's code and message).
//!
//! Large definitions (`definition_s3`): the canonical definition text, the same text that is
//! otherwise sent inline, is put in S3 at `<key_prefix>/<definition_sha256>.json` before every
//! CreatePipeline/UpdatePipeline, which then carry `PipelineDefinitionS3Location` instead of
//! `PipelineDefinition`. The key is content-addressed, so the put is idempotent (a retry, or a
//! re-apply after a lost answer, writes the same bytes) and the plan knows it: the computed
//! `definition_s3_uri` is planned with the definition. Objects are never deleted. Where the
//! definition lives is not part of what it means: `definition_parts` and `definition_sha256`
//! are the same inline or in S3, Read compares the described definition as always, and moving
//! it (adding or removing the block, another bucket or prefix) is an in-place update that puts
//! the object at its new place and calls UpdatePipeline, so SageMaker reads it from where the
//! state says (a bucket it cannot read fails that apply, not a later one). The inline size limit is checked at plan
//! time only without the block. One endpoint quirk is handled, and only where it shows: the
//! local moto endpoint describes a pipeline deployed from S3 with a Python dict rendering
//! instead of JSON, so when DescribePipeline's text is not JSON and the state records a
//! `definition_s3_uri`, Read compares the object there (GetObject), logging why
//! (`readback_object`).
//!
//! Layout: schema, typed model, validate, plan, create, read, update, delete, import, mapping,
//! tests.

use std::collections::{BTreeMap, BTreeSet};

use async_trait::async_trait;
use serde_json::{json, Map, Value as Json};

use super::model::{self, Known};
use super::{aws_diag, aws_warning, ProviderData};
use crate::aws::{AwsError, DeployedPipeline, ErrorKind, PipelineSpec, S3Object, SageMaker};
use crate::compiler::dag::StepDefaults;
use crate::compiler::definition::{self, Delivery, ParamType, ParameterInput, PipelineInput};
use crate::compiler::step_type::StepDefault;
use crate::compiler::{canonical, expr, mermaid, parts, review, semantic};
use crate::framework::{
    validators, AttrPath, Attribute, Block, Diagnostic, Diagnostics, ImportResponse, NestedBlock,
    Outcome, PathStep, PlanRequest, Resource, Schema,
};
use crate::provider::steps::step_type_facts;
use crate::tfvalue::{Number, Type, Value};

pub struct MlPipeline;

const TYPE_NAME: &str = "sagemaker_ml_pipeline";

/// What the creates of one provider configuration (one `ConfigureProvider`: one `terraform
/// apply`, or one command of a debug-mode provider) did to pipeline names, so that a delete in
/// the same apply does not undo them (fresh-eyes finding: a replacement with
/// `create_before_destroy` and an unchanged name reported "1 added, 1 destroyed", and the
/// pipeline, with its history, was gone).
///
/// Invariants: a create and a delete of the same pipeline name never run at once (Terraform
/// orders them only within one resource instance; a re-keyed `for_each` or a renamed resource
/// runs the old instance's delete next to the new instance's create); and a delete of a
/// pipeline that a create of this apply made or adopted is skipped: the new object manages it.
#[derive(Default)]
pub(crate) struct Claims {
    claimed: std::sync::Mutex<BTreeSet<String>>,
    locks: std::sync::Mutex<BTreeMap<String, std::sync::Arc<tokio::sync::Mutex<()>>>>,
}

impl Claims {
    /// Held by a create and by a delete for the whole call.
    async fn lock(&self, name: &str) -> tokio::sync::OwnedMutexGuard<()> {
        let lock = {
            let mut locks = self.locks.lock().unwrap_or_else(|p| p.into_inner());
            locks.entry(name.to_string()).or_default().clone()
        };
        lock.lock_owned().await
    }

    fn claim(&self, arn: &str) {
        self.claimed.lock().unwrap_or_else(|p| p.into_inner()).insert(arn.to_string());
    }

    fn claimed(&self, arn: &str) -> bool {
        !arn.is_empty() && self.claimed.lock().unwrap_or_else(|p| p.into_inner()).contains(arn)
    }
}

// ---- schema -------------------------------------------------------------------------------

pub(crate) fn parameter_block() -> Block {
    Block::new("A pipeline parameter: a value chosen per execution (`StartPipelineExecution`) and referenced from steps. Terraform compares these blocks by position, so a block inserted before others plans as each later block changed (the plan's summary warning names the one added); add new parameters after the existing ones to keep the plan short.")
        .attr(Attribute::required("name", Type::String, "Parameter name, 1-64 letters, digits, `-` or `_`, e.g. `InputData`."))
        .attr(Attribute::optional_computed("type", Type::String, "`String` (default), `Integer`, `Float` or `Boolean`."))
        .attr(Attribute::optional("default", Type::String, "Default value, written as text and converted to the parameter's type: `\"3\"` for an Integer, `\"0.5\"` for a Float, `\"true\"` for a Boolean. Without a default, every execution must supply the value. A String parameter that fills an S3 field, or starts one (e.g. a processing input's `source = \"{{ Parameters.InputData }}\"`), must default to an S3 URI such as `\"s3://my-bucket/raw\"`, and so must each of its `enum_values`: plan checks both. Plan checks the same way that a parameter filling a field with a fixed list of values (`approval_status`, input and upload modes, distribution and compression types) defaults to one of them, that one filling a whole number (`instance_count`, `volume_size_in_gb`, ...) defaults to a number in the field's range (a processing job takes 1 to 100 instances), and that one filling an `instance_type` defaults to an instance type (`ml.` and a type; a type newer than the provider's list is a warning). A run's `parameters` are checked the same way.").semantic_equality(same_parameter_default))
        .attr(Attribute::optional("enum_values", Type::List(Box::new(Type::String)), "For String parameters: the only values an execution may pass."))
}

pub(crate) fn experiment_config_block() -> NestedBlock {
    NestedBlock::single(
        "experiment_config",
        Block::new("SageMaker Experiments settings of every execution (`PipelineExperimentConfig`). Without this block the definition carries none.")
            .attr(Attribute::optional("experiment_name", Type::String, "Experiment name; may hold references, e.g. `{{ Execution.PipelineName }}`."))
            .attr(Attribute::optional("trial_name", Type::String, "Trial name; may hold references, e.g. `{{ Execution.PipelineExecutionId }}`.")),
    )
}

pub(crate) fn steps_attribute() -> Attribute {
    Attribute::optional("steps", Type::List(Box::new(Type::String)), "Step objects as JSON, in order: a step resource's `json` attribute, or `jsonencode({ Name = ..., Type = ..., Arguments = {...} })`. Steps nested in a condition's branches are not listed here.")
}

/// The pipeline resource's `steps`: the same list, marked sensitive so that plans do not print
/// it. Every step's change is already shown, keyed by step name, in the step resource's own
/// `json` and in `definition_parts`; printed as a list, one changed step costs the whole step
/// twice plus its neighbours in full (docs/design/0003-reviewable-plans.md).
fn pipeline_steps_attribute() -> Attribute {
    let mut a = steps_attribute().sensitive();
    a.description.push_str(" Plans show this list as `(sensitive value)`: what changed is shown per step in each step resource's `json` and in `definition_parts`. Being sensitive, it needs `sensitive = true` on an output that holds it; outputs and `terraform console` read the same text from `definition_parts` or the data source `sagemaker_ml_pipeline_definition` without it. (That marking is not for secrets, which plans show there in clear text. Terraform 1.0 records it in the state differently from later versions: after an apply with a newer Terraform, a plan of Terraform 1.0 shows `~ steps = (sensitive value)` with a note that the value is unchanged; it changes nothing in SageMaker. The other way round, after an apply with Terraform 1.0, `plan -refresh-only` of a newer Terraform reports this resource, and condition steps for their `if_steps` and `else_steps`, as changed outside Terraform with no attribute shown, and exits with 2 under `-detailed-exitcode`; `apply -refresh-only` records the marking, and nothing is sent to SageMaker.) Step resources live only in the Terraform state (they make no API call), so refactoring them changes nothing in SageMaker as long as they compile to the same JSON: renaming them or moving them into modules or `for_each` (`moved` blocks, or `terraform state mv` before Terraform 1.1), or replacing a typed step by a `sagemaker_step`; a `moved` block cannot cross resource types, and there removing the old step resource and adding the new one is just as harmless. Reordering `steps` alone changes nothing in SageMaker either (the plan says so).");
    a
}

pub(crate) fn dependencies_attribute() -> Attribute {
    Attribute::optional("dependencies", Type::List(Box::new(Type::String)), "Airflow-style ordering chains added to the steps' `DependsOn`, e.g. `[\"Prep >> Train >> Evaluate\", \"Prep >> [TrainA, TrainB]\"]`.")
}

pub(crate) fn step_defaults_block() -> Block {
    Block::new("Settings filled into every step whose API request accepts them and that does not set its own: one place for the role, network isolation, VPC, KMS keys and cost tags.")
        .attr(Attribute::optional("role_arn", Type::String, &format!("IAM role of the jobs of {} steps.", types_taking(StepDefault::Role))).validate(crate::provider::steps::common::role_arn_validator()))
        .attr(Attribute::optional("volume_kms_key_id", Type::String, &format!("KMS key for job storage volumes ({} steps).", types_taking(StepDefault::VolumeKmsKey))).validate(crate::provider::steps::common::kms_key_validator()))
        .attr(Attribute::optional("output_kms_key_id", Type::String, &format!("KMS key for job outputs ({} steps).", types_taking(StepDefault::OutputKmsKey))).validate(crate::provider::steps::common::kms_key_validator()))
        .attr(Attribute::optional("tags", Type::Map(Box::new(Type::String)), &format!("Job tags for per-run cost tracking, added to {} steps; a step's own tags win per key.", types_taking(StepDefault::Tags))).validate(crate::provider::steps::common::tags_validator("job")))
        .block(step_defaults_network_block())
}

/// The `network` block of `step_defaults`: the steps' block, saying which step types take it.
fn step_defaults_network_block() -> NestedBlock {
    let mut b = super::steps::job::network_block();
    b.block.description = format!(
        "Network isolation and the VPC of the jobs of {} steps.",
        types_taking(StepDefault::Network)
    );
    b
}

/// The step types that take `setting` from `step_defaults`, in registry order, as the
/// registry says ([`crate::compiler::StepTypeFacts::step_defaults_taken`]): "`A`, `B` and `C`".
fn types_taking(setting: StepDefault) -> String {
    let types: Vec<String> = super::steps::REGISTRY
        .iter()
        .map(|e| e.facts())
        .filter(|f| f.step_defaults_taken().contains(&setting))
        .map(|f| format!("`{}`", f.step_type()))
        .collect();
    if types.is_empty() {
        "no".into()
    } else {
        super::steps::common::and_list(&types)
    }
}

fn definition_s3_block() -> NestedBlock {
    NestedBlock::single(
        "definition_s3",
        Block::new("Upload the definition to S3 and pass SageMaker its location (`PipelineDefinitionS3Location`) instead of the text: for definitions over SageMaker's inline limit of 1,048,576 characters. Before every CreatePipeline or UpdatePipeline the canonical definition (the text `definition_parts` holds, whose SHA-256 is `definition_sha256`) is put at `<key_prefix>/<definition_sha256>.json`, shown in `definition_s3_uri`: content-addressed, so putting it again is harmless and every changed definition gets a new object. Old objects are never deleted: expire them with an S3 lifecycle rule on the prefix (SageMaker reads the object during the CreatePipeline or UpdatePipeline call). Adding or removing the block, or changing the bucket or prefix, is an in-place update: the definition is uploaded to its new place and UpdatePipeline reads it from there (without the block: sends it inline), which makes a new pipeline version with the same definition. The provider's credentials need `s3:PutObject` there, and `s3:GetObject` where DescribePipeline does not return the definition as JSON (the local moto endpoint, which returns a Python rendering of a definition read from S3: Read then compares the object at `definition_s3_uri`). The S3 endpoint is the provider's `endpoints.s3`, `AWS_ENDPOINT_URL_S3` or `AWS_ENDPOINT_URL`.")
            .attr(Attribute::required("bucket", Type::String, "Name of an existing bucket, e.g. `ml-pipeline-definitions` (for example `aws_s3_bucket.ml.id`).").validate(validators::string_check(valid_bucket_name, "Invalid S3 bucket name", "SageMaker takes bucket names of 3-63 lowercase letters, digits, dots and hyphens, starting and ending with a letter or digit, e.g. \"ml-pipeline-definitions\".")))
            .attr(Attribute::optional("key_prefix", Type::String, "Folder for the objects, e.g. `pipelines/churn-training`: objects are `<key_prefix>/<sha256>.json`. Leading and trailing slashes are ignored (`pipelines/x/` is `pipelines/x`); without a prefix, objects are at the top of the bucket.").validate(validators::string_check(valid_key_prefix, "S3 key prefix too long", "The object key is the prefix, a slash and 69 characters of file name, and S3 keys are at most 1,024 bytes: use a key prefix of at most 954 bytes."))),
    )
}

/// SageMaker's `PipelineDefinitionS3Location.Bucket` pattern:
/// `[a-z0-9][\.\-a-z0-9]{1,61}[a-z0-9]`.
fn valid_bucket_name(s: &str) -> bool {
    let b = s.as_bytes();
    (3..=63).contains(&b.len())
        && b.iter()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || *c == b'.' || *c == b'-')
        && b[0].is_ascii_alphanumeric()
        && b[b.len() - 1].is_ascii_alphanumeric()
}

/// Length of the file name of a definition object: 64 hex digits and `.json`.
const DEFINITION_FILE_NAME_LEN: usize = 64 + ".json".len();

/// A key prefix leaves room for the file name within S3's 1,024-byte keys.
fn valid_key_prefix(s: &str) -> bool {
    let p = trimmed_prefix(s);
    p.is_empty() || p.len() + 1 + DEFINITION_FILE_NAME_LEN <= 1024
}

fn trimmed_prefix(prefix: &str) -> &str {
    prefix.trim_matches('/')
}

/// The key of a definition object: `<key_prefix>/<sha256>.json`, with the prefix's leading and
/// trailing slashes dropped (so `pipelines/`, `/pipelines` and `pipelines` are one prefix, and no
/// key starts with a slash or holds `//` at the join), or `<sha256>.json` without a prefix.
fn definition_key(key_prefix: Option<&str>, sha256: &str) -> String {
    match key_prefix.map(trimmed_prefix).filter(|p| !p.is_empty()) {
        Some(p) => format!("{p}/{sha256}.json"),
        None => format!("{sha256}.json"),
    }
}

/// The S3 object a plan or state puts its definition in: `Known::Null` without a
/// `definition_s3` block, `Known::Unknown` while the block, its settings or the definition are.
fn definition_object(v: &Value) -> Known<S3Object> {
    let block = match v.get("definition_s3") {
        None | Some(Value::Null) => return Known::Null,
        Some(b) if b.is_unknown() => return Known::Unknown,
        Some(b) => b,
    };
    match (
        model::string(block, "bucket"),
        model::string(block, "key_prefix").known(),
        definition_text(v),
    ) {
        (Known::Value(bucket), Some(prefix), Some(text)) => Known::Value(S3Object {
            bucket,
            key: definition_key(prefix.as_deref(), &parts::sha256_hex(&text)),
        }),
        _ => Known::Unknown,
    }
}

/// `definition_s3_uri` of a plan.
fn definition_s3_uri(v: &Value) -> Value {
    match definition_object(v) {
        Known::Value(o) => Value::string(o.uri()),
        Known::Null => Value::Null,
        Known::Unknown => Value::Unknown,
    }
}

/// The object Read takes the deployed definition from instead of DescribePipeline's text: only
/// when that text is not JSON and the state records where this provider put the definition.
///
/// Why: the local moto endpoint reads a `PipelineDefinitionS3Location` object with Python's
/// `json.loads` and answers DescribePipeline with that dict's Python rendering
/// (`{'Version': '2020-12-01', ..., 'DefaultValue': True}`), not the JSON it read
/// (`moto/sagemaker/utils.py`, `load_pipeline_definition_from_s3`). Taken as the deployed text,
/// it would plan the definition back on every run. The object at the recorded key is the JSON
/// that endpoint read (the key is content-addressed, and it is put before every create and
/// update). SageMaker itself answers with the JSON definition, which is used as always.
fn readback_object(state: &Value, described: &str) -> Option<S3Object> {
    if serde_json::from_str::<Json>(described).is_ok() {
        return None;
    }
    S3Object::from_uri(&model::string(state, "definition_s3_uri").value()?)
}

/// Version 1 replaced the `definition` text with `definition_parts` and `definition_sha256`
/// (see `upgrade_v0`).
const SCHEMA_VERSION: i64 = 1;

fn pipeline_schema() -> Schema {
    let mut schema = Schema::new(
        Block::new("A SageMaker pipeline. Its definition is compiled from `parameter` blocks and `steps` at plan time, validated offline, and diffed against the pipeline actually deployed.")
            .attr(Attribute::computed("id", Type::String, "The pipeline name."))
            .attr(Attribute::required("name", Type::String, "Pipeline name: 1-256 letters, digits and hyphens, starting and ending with a letter or digit. Changing it replaces the pipeline. When the name is taken at create, the pipeline of that name is adopted (with a warning) only if it has the definition, role and tags this apply creates and no runs, as after an interrupted apply of this resource; otherwise the create fails and names `terraform import` (a pipeline with runs is in use, and its history is not put at the mercy of this resource's destroy). A pipeline taken over this way is tagged `terraform-provider-sagemaker:owner` (a tag the provider keeps out of `tags` and `tags_all`, and one of the 50 a pipeline may have), so that the destroy of the object that held it before keeps it, with a warning: a second state or workspace declaring the same name and the same pipeline takes it over (the warning says so), and the first state's destroy then leaves it to the second. Give each workspace its own name, e.g. `\"churn-${terraform.workspace}\"`. A replacement that keeps the name (`-replace`, `replace_triggered_by`) deletes the pipeline first and creates it again, losing its execution history; with `create_before_destroy`, the new object takes over the existing pipeline instead when its definition, role and tags stay the same and it has no runs, and the old object's delete keeps it (a warning says so), also when an interrupted apply leaves that delete to the next apply; otherwise the create fails, since the old pipeline still holds the name, and nothing is deleted. Moving a pipeline to another resource address (a re-keyed `for_each` or `count`, a renamed resource) without a `moved` block plans a delete and a create of the same name; use a `moved` block (or `terraform state mv`) to keep the pipeline and its history.").force_new().validate(validators::string_check(valid_pipeline_name, "Invalid pipeline name", "Pipeline names are 1-256 letters, digits and hyphens, starting and ending with a letter or digit (no underscores or spaces), e.g. \"churn-training\".")))
            .attr(Attribute::computed("arn", Type::String, "The pipeline's ARN."))
            .attr(Attribute::required("role_arn", Type::String, "ARN of the IAM role SageMaker assumes to run the pipeline, e.g. `arn:aws:iam::123456789012:role/pipeline`.").validate(validators::string_check(super::steps::common::valid_role_arn, "Invalid role ARN", "Use an IAM role ARN such as \"arn:aws:iam::123456789012:role/sagemaker-pipeline\" (for example aws_iam_role.pipeline.arn).")))
            .attr(Attribute::optional_computed("display_name", Type::String, "Display name; same pattern as `name`. Defaults to the name.").validate(validators::string_check(valid_pipeline_name, "Invalid display name", "SageMaker display names follow the same pattern as names: letters, digits and hyphens, starting and ending with a letter or digit.")))
            .attr(Attribute::optional("description", Type::String, "Description, up to 3072 characters. Left out, Terraform does not manage it: a description set outside Terraform (the console, the SDK) stays, and plans do not show it. To clear one, set `description = \"\"` and apply; removing the attribute after Terraform set it clears it too (the apply sends an empty description). After an import, it is read back. (The local moto endpoint ignores an empty description: there the old one stays.)").validate(validators::string_length(0, 3072)))
            .attr(pipeline_steps_attribute())
            .attr(Attribute::optional("tags", Type::Map(Box::new(Type::String)), "Tags of the pipeline (at most 50 together with `default_tags`)."))
            .attr(Attribute::computed("tags_all", Type::Map(Box::new(Type::String)), "All tags of the pipeline: the provider's `default_tags` merged with `tags`."))
            .attr(Attribute::computed("definition_parts", Type::Map(Box::new(Type::String)), "The compiled definition, one canonical JSON text per part, so that a plan names only the parts that change: `Steps.<name>` for each top-level step (a condition's branch steps inside it), `Steps` for the step names in order, and `Version`, `Metadata`, `Parameters`, `PipelineExperimentConfig`. Like the steps' `json`, it holds every value in clear text, those marked `sensitive` in Terraform included. The whole definition as one canonical JSON text is the `json` of the `sagemaker_ml_pipeline_definition` data source given the same inputs (or the `definition` of the `sagemaker_ml_pipeline` data source, as deployed)."))
            .attr(Attribute::computed("definition_sha256", Type::String, "SHA-256 (lowercase hex) of the whole definition as canonical JSON, as held in `definition_parts`. Changes when the definition changes; useful as a trigger. A part of the definition that means what is deployed keeps its deployed text (a step as imported, or the step order when only the order of `steps` changed: order carries no meaning), also when other parts change, and so does each field of a changed step that did not change, and the hash is that of the text held: it equals `sha256(data.sagemaker_ml_pipeline_definition.x.json)` for the same inputs when every part was compiled from this configuration."))
            .attr(mermaid_attribute())
            .attr(Attribute::computed("version_id", Type::Number, "The pipeline version SageMaker made of the last create or update (`UpdatePipeline`'s `PipelineVersionId`, otherwise the newest of `ListPipelineVersions`); pin an execution to it with `sagemaker_ml_pipeline_execution.pipeline_version_id`. Known after apply whenever the apply calls UpdatePipeline (a change of the definition, role, display name, description or parallelism; tags alone make no version). Null where the endpoint has no pipeline versions (the local endpoint), and nothing fails then."))
            .attr(dependencies_attribute())
            .attr(Attribute::computed("definition_s3_uri", Type::String, "Where the `definition_s3` block put the definition: `s3://<bucket>/<key_prefix>/<definition_sha256>.json`. Null without the block. Known at plan time whenever the definition is, and changes with it (a new object per definition)."))
            .block(NestedBlock::list("parameter", parameter_block()))
            .block(NestedBlock::single("step_defaults", step_defaults_block()))
            .block(experiment_config_block())
            .block(definition_s3_block())
            .block(
                NestedBlock::single(
                    "parallelism_config",
                    Block::new("How many steps of one execution may run at once. SageMaker cannot remove a limit once set (UpdatePipeline has no way to): removing this block leaves the deployed limit as it is (the plan warns); set a new value to change it. Without this block, Terraform does not manage the limit: one set outside Terraform stays, and plans do not show it.")
                        .attr(Attribute::required("max_parallel_execution_steps", Type::Number, "Maximum number of steps that run in parallel, at least 1.").validate(validators::number_range(1.0, i32::MAX as f64, true))),
                ),
            ),
    );
    schema.version = SCHEMA_VERSION;
    schema
}

/// The whole definition text a state or plan describes (`None` while unknown or absent).
pub(crate) fn definition_text(v: &Value) -> Option<String> {
    parts_text(&model::string_map(v, "definition_parts").value()?)
}

/// The definition text of parts, including the whole-text form of `split_or_whole`.
fn parts_text(parts: &BTreeMap<String, String>) -> Option<String> {
    match whole_text(parts) {
        Some(whole) => Some(whole.clone()),
        None => parts::join(parts),
    }
}

/// The text of parts in `split_or_whole`'s whole-text form (`{"Definition": text}`), if they are.
fn whole_text(parts: &BTreeMap<String, String>) -> Option<&String> {
    parts.get(WHOLE).filter(|_| parts.len() == 1)
}

/// A definition planned while some `step_defaults` values are unknown: each part that uses one
/// is unknown, the others are known ([`parts_with_unknown_defaults`]).
struct PartlyKnown {
    /// `definition_parts`: a known map whose elements that use an unknown value are unknown.
    parts: Value,
    /// The parts with a placeholder where the unknown values go, for the review note.
    with_placeholders: BTreeMap<String, String>,
    /// The keys of the unknown parts.
    unknown: Vec<String>,
    mermaid: Value,
}

/// Stands for a `step_defaults` value not known yet; never sent anywhere.
const NOT_KNOWN_YET: &str = "terraform-value-known-after-apply";

/// The definition's parts when the only unknown inputs are `step_defaults` strings (a role,
/// KMS keys, subnets, security groups, tag values created in the same apply): compiled with a
/// placeholder for each, the parts that hold none are known, and the plan shows only the parts
/// that use those values as `(known after apply)` (fresh-eyes finding: a role created in the
/// same pull request turned the whole definition into 600 lines of removals). `None` when
/// anything else is unknown. The apply-time plan compiles the real values into the same known
/// parts, since the placeholders appear in no other part.
fn parts_with_unknown_defaults(
    planned: &Value,
    prior: &BTreeMap<String, String>,
) -> Option<PartlyKnown> {
    let defaults = planned.get("step_defaults").filter(|d| !d.is_null())?;
    if defaults.is_unknown() {
        return None;
    }
    let mut filled = planned.clone();
    let known_defaults = fill_unknown_strings(defaults, &mut 0)?;
    model::set(&mut filled, "step_defaults", known_defaults);
    let Compiled::Known(Some(text), _) = compile_configuration(&filled) else {
        return None;
    };
    let with_placeholders = parts_keeping_equal(&text, prior);
    // The apply-time plan keeps every prior text when the whole definition turns out to mean
    // what is deployed (the unknown value resolves to the deployed one): the known parts
    // planned here must be those texts then too, which holds when both have the same parts.
    if !prior.is_empty() && !with_placeholders.keys().eq(prior.keys()) {
        return None;
    }
    let unknown: Vec<String> = with_placeholders
        .iter()
        .filter(|(_, t)| t.contains(NOT_KNOWN_YET))
        .map(|(k, _)| k.clone())
        .collect();
    let parts = Value::map(with_placeholders.iter().map(|(k, t)| {
        let v = if t.contains(NOT_KNOWN_YET) { Value::Unknown } else { Value::string(t.clone()) };
        (k.clone(), v)
    }));
    // The picture of the text the parts hold (a kept step order, say), as `set_definition`
    // draws it at apply.
    let mermaid = mermaid_of(&parts_text(&with_placeholders).unwrap_or(text));
    Some(PartlyKnown { parts, with_placeholders, unknown, mermaid })
}

/// `v` with every unknown string (an attribute, a list or set element, a map value) replaced by
/// a numbered placeholder; `None` when something else is unknown (a whole block, list or map).
fn fill_unknown_strings(v: &Value, n: &mut usize) -> Option<Value> {
    fn placeholder(n: &mut usize, role: bool) -> Value {
        *n += 1;
        // A role ARN must look like one for the compiler's checks; the other fields (keys,
        // subnets, security groups, tag values) take letters, digits and hyphens.
        if role {
            Value::string(format!("arn:aws:iam::000000000000:role/{NOT_KNOWN_YET}-{n}"))
        } else {
            Value::string(format!("{NOT_KNOWN_YET}-{n}"))
        }
    }
    Some(match v {
        Value::Unknown => return None,
        Value::Object(m) => Value::Object(
            m.iter()
                .map(|(k, x)| {
                    let filled = match x {
                        Value::Unknown
                            if matches!(
                                k.as_str(),
                                "role_arn" | "volume_kms_key_id" | "output_kms_key_id"
                            ) =>
                        {
                            placeholder(n, k == "role_arn")
                        }
                        x => fill_unknown_strings(x, n)?,
                    };
                    Some((k.clone(), filled))
                })
                .collect::<Option<_>>()?,
        ),
        Value::Map(m) => Value::Map(
            m.iter()
                .map(|(k, x)| {
                    let filled = if x.is_unknown() {
                        placeholder(n, false)
                    } else {
                        fill_unknown_strings(x, n)?
                    };
                    Some((k.clone(), filled))
                })
                .collect::<Option<_>>()?,
        ),
        Value::List(xs) | Value::Set(xs) => {
            let filled = xs
                .iter()
                .map(|x| {
                    if x.is_unknown() {
                        Some(placeholder(n, false))
                    } else {
                        fill_unknown_strings(x, n)
                    }
                })
                .collect::<Option<Vec<_>>>()?;
            if matches!(v, Value::Set(_)) {
                Value::Set(filled)
            } else {
                Value::List(filled)
            }
        }
        other => other.clone(),
    })
}

/// The one key of the parts of a definition that could not be split.
const WHOLE: &str = "Definition";

/// What a refresh found edited outside Terraform since the state was stored (by the last
/// apply, an import, or an `apply -refresh-only`), handed to the plan after it as the object's
/// private data (`Resource::private_after_read`): the definition parts and the settings whose
/// deployed value differs from the stored one. Valid only while the object planned from has
/// the `definition_sha256` it was found with. After `apply -refresh-only` stored the edit, a
/// refreshing plan no longer marks it (the stored object is the edited one), a plan with
/// `-refresh=false` still does.
#[derive(Debug, Default, PartialEq)]
struct EditedOutside {
    definition_sha256: String,
    parts: std::collections::BTreeSet<String>,
    settings: Vec<String>,
}

/// The settings whose edits outside Terraform the plan names (the definition is in parts).
/// `tags` differ after a refresh only by tags changed outside Terraform: a tag the last apply
/// deployed from `default_tags` is not read back into them.
const WATCHED_SETTINGS: [&str; 5] =
    ["role_arn", "display_name", "description", "parallelism_config", "tags"];

impl EditedOutside {
    /// `None` when nothing differs, or `before` holds no definition (an import's first read).
    fn found(before: &Value, after: &Value) -> Option<Self> {
        let old = model::string_map(before, "definition_parts").value()?;
        let new = model::string_map(after, "definition_parts").value()?;
        let sha = model::string(after, "definition_sha256").value()?;
        let keys: std::collections::BTreeSet<&String> = old.keys().chain(new.keys()).collect();
        let parts = keys
            .into_iter()
            .filter(|k| old.get(*k) != new.get(*k))
            .cloned()
            .collect::<std::collections::BTreeSet<_>>();
        let settings: Vec<String> = WATCHED_SETTINGS
            .iter()
            .filter(|a| before.get(a) != after.get(a))
            .map(|a| a.to_string())
            .collect();
        (!parts.is_empty() || !settings.is_empty()).then_some(Self {
            definition_sha256: sha,
            parts,
            settings,
        })
    }

    /// What [`private_data`] wrote, when it belongs to `prior` (the refreshed object being planned).
    fn decode(private: &[u8], prior: &Value) -> Option<Self> {
        let json: Json = serde_json::from_slice(private).ok()?;
        let e = json.get("edited_outside")?;
        let sha = e.get("definition_sha256")?.as_str()?;
        if model::string(prior, "definition_sha256").value().as_deref() != Some(sha) {
            return None;
        }
        let strings = |k: &str| -> Vec<String> {
            e.get(k)
                .and_then(Json::as_array)
                .map(|a| a.iter().filter_map(|v| v.as_str().map(String::from)).collect())
                .unwrap_or_default()
        };
        Some(Self {
            definition_sha256: sha.to_string(),
            parts: strings("parts").into_iter().collect(),
            settings: strings("settings")
                .into_iter()
                .filter(|s| WATCHED_SETTINGS.contains(&s.as_str()))
                .collect(),
        })
    }
}

/// The object's private data: what the refresh found edited outside Terraform
/// ([`EditedOutside`], until the next apply) and the token the object owns its pipeline by
/// (`owner`, for its whole life; see [`crate::aws::OWNER_TAG`] and `delete`). Empty when both
/// are absent.
fn private_data(edited: Option<&EditedOutside>, owner: Option<&str>) -> Vec<u8> {
    let mut out = Map::new();
    if let Some(e) = edited {
        out.insert(
            "edited_outside".into(),
            json!({
                "definition_sha256": e.definition_sha256,
                "parts": e.parts,
                "settings": e.settings,
            }),
        );
    }
    if let Some(o) = owner {
        out.insert("owner".into(), Json::String(o.to_string()));
    }
    if out.is_empty() {
        return Vec::new();
    }
    serde_json::to_vec(&Json::Object(out)).unwrap_or_default()
}

/// The token in the object's private data ([`private_data`]); none for an object created
/// before tokens were kept.
fn owner_token(private: &[u8]) -> Option<String> {
    let json: Json = serde_json::from_slice(private).ok()?;
    json.get("owner")?.as_str().map(String::from)
}

/// Sets `definition_parts`, `definition_sha256` and `mermaid` from parts (`None`: all unknown).
fn set_definition(v: &mut Value, parts: Option<BTreeMap<String, String>>) {
    match parts {
        Some(parts) => {
            let text = parts_text(&parts).unwrap_or_default();
            let sha = Value::string(parts::sha256_hex(&text));
            model::set(v, "definition_parts", model::string_map_value(&parts));
            model::set(v, "definition_sha256", sha);
            model::set(v, "mermaid", mermaid_of(&text));
        }
        None => {
            model::set(v, "definition_parts", Value::Unknown);
            model::set(v, "definition_sha256", Value::Unknown);
            model::set(v, "mermaid", Value::Unknown);
        }
    }
}

/// The `mermaid` attribute, shared with the definition data source.
pub fn mermaid_attribute() -> Attribute {
    Attribute::computed("mermaid", Type::String, "The pipeline as a Mermaid flowchart (`flowchart TD`): one node per step (condition branch steps included) labelled with its name and type, `-->` where a step uses another's properties, `-.->` for `depends_on_steps` / `DependsOn` (labelled with a run condition other than success), and `-- \"true\" -->` / `-- \"false\" -->` for a condition's branches. Paste it into a ```` ```mermaid ```` block of a README or pull request, which GitHub renders as a picture; `terraform output -raw <name>` prints it as is.")
}

/// The flowchart of a definition text (null when the text is not JSON).
pub fn mermaid_of(definition: &str) -> Value {
    match serde_json::from_str::<serde_json::Value>(definition) {
        Ok(json) => Value::string(mermaid::flowchart(&json)),
        Err(_) => Value::Null,
    }
}

/// The parts of `text`, keeping `prior`'s texts where they mean the same thing: all of them when
/// the two whole definitions are semantically equal (so an absent `Metadata` against `{}` is no
/// change at all), otherwise each part that is (`compiler::semantic`, per step with the
/// definition's own parameters).
fn parts_keeping_equal(text: &str, prior: &BTreeMap<String, String>) -> BTreeMap<String, String> {
    if !prior.is_empty() {
        if let Some(prior_text) = parts_text(prior) {
            if semantic::definitions_equal(&prior_text, text) {
                return prior.clone();
            }
        }
    }
    let ctx = serde_json::from_str::<Json>(text)
        .map(|d| semantic::Context::of_definition(&d))
        .unwrap_or_default();
    // A top-level part one side lacks and the other holds empty (`Metadata`, `Parameters`: rule
    // N3) is no change either: keep the prior's spelling, absent or present.
    let empty_part = |key: &str, text: &str| {
        !key.starts_with("Steps")
            && semantic::definitions_equal(
                &format!("{{{}:{text}}}", canonical::to_string(&Json::String(key.into()))),
                "{}",
            )
    };
    let mut new = split_or_whole(text);
    if !prior.is_empty() && whole_text(prior).is_none() && whole_text(&new).is_none() {
        new.retain(|k, t| prior.contains_key(k) || !empty_part(k, t));
        for (k, t) in prior {
            if !new.contains_key(k) && empty_part(k, t) {
                new.insert(k.clone(), t.clone());
            }
        }
    }
    let kept = parts::keep_equal(new, prior, |key, a, b| {
        let (Ok(a), Ok(b)) = (serde_json::from_str::<Json>(a), serde_json::from_str::<Json>(b))
        else {
            return a == b;
        };
        if key.starts_with("Steps.") {
            semantic::steps_equal(&a, &b, &ctx)
        } else if key == "Steps" {
            // Step order carries no meaning (rule N7 of `semantic`).
            let names = |v: &Json| {
                v.as_array().map(|n| {
                    n.iter()
                        .filter_map(Json::as_str)
                        .map(str::to_string)
                        .collect::<std::collections::BTreeSet<_>>()
                })
            };
            names(&a).is_some() && names(&a) == names(&b)
        } else {
            let wrap = |v: Json| {
                canonical::to_string(&Json::Object([(key.to_string(), v)].into_iter().collect()))
            };
            semantic::definitions_equal(&wrap(a), &wrap(b))
        }
    });
    // A step that changed keeps the prior spelling of the fields that did not, so the plan and
    // its summary show only what changes (an imported SDK step's joins stay as deployed).
    kept.into_iter()
        .map(|(key, text)| match prior.get(&key) {
            Some(old) if key.starts_with("Steps.") && *old != text => {
                match (serde_json::from_str::<Json>(old), serde_json::from_str::<Json>(&text)) {
                    (Ok(old), Ok(step)) => {
                        (key, canonical::to_string(&semantic::respelt_like(&old, &step, &ctx)))
                    }
                    _ => (key, text),
                }
            }
            _ => (key, text),
        })
        .collect()
}

/// The parts of a definition text; a text that cannot be split (a deployed definition that is not
/// a well-formed pipeline) is kept whole under `Definition`, so a plan still shows it replaced.
fn split_or_whole(text: &str) -> BTreeMap<String, String> {
    parts::split(text).unwrap_or_else(|| [(WHOLE.to_string(), text.to_string())].into())
}

/// The `Import` section of the resource's documentation (rendered by tests/docs.rs into
/// `docs/resources/ml_pipeline.md` after the command in
/// `examples/resources/sagemaker_ml_pipeline/import.sh`): how to adopt a pipeline created
/// elsewhere.
pub const IMPORT_DOC: &str = r#"A pipeline is imported by its name (its ARN works too, in the provider configuration's region and account; an ARN of another region or account is refused, with the way to import it through an aliased provider). Once managed, a pipeline stays where its ARN says: pointing the resource at a provider configuration of another region or account is an error at plan that says how to proceed, not a second pipeline. (The account of the credentials is known from the credential check; with `skip_credentials_validation = true`, a pipeline the other account does not have reads as deleted outside Terraform.) Import reads everything back from SageMaker: the role, display name, description, parallelism, tags, the `parameter` blocks, `experiment_config`, and each deployed step object into `steps`.

With Terraform 1.5 or newer, an `import` block does the same as part of a plan, and Terraform can write the resource's configuration for you:

```hcl
import {
  to = sagemaker_ml_pipeline.training
  id = "churn-training"
}
```

```sh
terraform plan -generate-config-out=generated.tf   # writes resource "sagemaker_ml_pipeline" "training" { ... }
terraform apply                                    # 1 imported, 0 added, 0 changed
```

The generated resource has `steps = null # sensitive`: Terraform does not write sensitive attributes into generated configuration (`steps` is sensitive so that plans stay short), and the plan stops with "The pipeline's steps are not configured" rather than deploy a pipeline without steps. Fill it in, either with typed step resources (below), or, to start from the deployed steps as they are:

```hcl
data "sagemaker_ml_pipeline" "deployed" {
  name = "churn-training"
}
# in the generated resource:
  steps = [for s in jsondecode(data.sagemaker_ml_pipeline.deployed.definition).Steps : jsonencode(s)]
```

It then plans empty (1 imported, 0 changed). Replace that expression with typed steps before the pipeline changes again: while it stands, the configuration follows whatever is deployed.

`lifecycle { ignore_changes = [...] }` works on the pipeline's settings (`tags`, `description`, `role_arn`, ...), not on its definition: the plan compares the definition through `definition_parts`, so `ignore_changes = [steps]` does not keep steps edited outside Terraform (a plan sets them back, and the plan's warning marks such steps "edited outside Terraform"). On Terraform 1.0, while `ignore_changes` has something to ignore (for example tags added outside Terraform), a change of the definition cannot be planned: the provider says so and how to proceed (Terraform 1.1 fixed the cause).

### How deployed and configured pipelines are compared

Read and plan compare definitions by meaning, not by text, so a configuration that declares the deployed pipeline plans empty even where SageMaker's copy is spelt differently: key order and whitespace; `1` vs `1.0`; no `Metadata` or `Parameters` vs empty ones; `DependsOn` order, or `[]` vs none; `Environment = {}` vs none in job arguments; step order; empty `RetryPolicies`, `PropertyFiles` or `OutputParameters` vs none; a `null` setting vs none; the defaults `AppManaged: false` of processing inputs and outputs, `S3CompressionType: "None"` and `S3DataDistributionType: "FullyReplicated"` of processing inputs (in processing, quality check and clarify check steps) and `CompressionType: "GZIP"` of training outputs vs none; a tuning job's `ResourceConfig` vs `HyperParameterTuningResourceConfig` (SDK 3.x writes the first, SDK 2.x and the provider the second) and its empty range lists vs none; and the SageMaker Python SDK's `Join(on="/", values=["s3:/", "bucket", ExecutionVariables.PIPELINE_EXECUTION_ID])` vs the same text written as `"s3://bucket/{{ Execution.PipelineExecutionId }}"`. A one-value `Std:Join` of a number (how a number is turned into text) is not the number. Numbers are compared by value, also in Lambda and Callback payloads, and written in their shortest form, as Terraform's `jsonencode` writes them: a payload's `1.0` is deployed as `1`, and a change between the two made outside Terraform is not shown. Every rule and why SageMaker cannot tell the two spellings apart is written in `src/compiler/semantic.rs`. A parameter's `default` is compared as a value of its type (`"6.0"` and `"6"` are the same Float).

The state keeps the deployed text of every part of `definition_parts` (a step, the step order, the parameters) that means what the configuration compiles to, and the deployed `steps` while all of them do; a real change replaces only the parts it changes, and within a changed step only the fields that change (the others keep their deployed spelling, such as the SDK's `Join(on="/")`s, and the defaults the step was deployed with or without, except in an object the change adds a member to or removes one from), so a plan shows only those. `definition_sha256` is the hash of the text held.

### From imported JSON to typed step resources

1. Import the pipeline (above) and look at what is deployed: the `sagemaker_ml_pipeline` data source's `definition` shows the deployed definition before anything is imported (with an `import` block, nothing is in the state until the apply); after `terraform import`, `terraform state show sagemaker_ml_pipeline.training` prints the `parameter` blocks and `experiment_config` that import read back, and `definition_parts` holds each deployed step object (`"Steps.<name>"`); `steps` is sensitive, so `state show` hides it (`terraform show -json` or `nonsensitive(sagemaker_ml_pipeline.training.steps)` in `terraform console` print it). Right after an import `steps` holds the deployed steps; after that it holds what the configuration wrote (a refresh does not change it), so read what is deployed from `definition_parts` or the data source.
2. Write one typed resource per step, chosen by the step's `Type`: `Processing` -> `sagemaker_processing_step`, `Training` -> `sagemaker_training_step`, `Lambda` -> `sagemaker_lambda_step`, `RegisterModel` -> `sagemaker_register_model_step`, `Fail` -> `sagemaker_fail_step`, `Condition` -> `sagemaker_condition_step` (its `IfSteps`/`ElseSteps` become resources listed in `if_steps`/`else_steps`, not in `steps`), and so on. A reference `{"Get": "Parameters.InputData"}` is written `"{{ Parameters.InputData }}"`; a `Std:Join` is written as the one string it builds, e.g. `{"Std:Join": {"On": "/", "Values": ["s3:/", "bucket", {"Get": "Execution.PipelineExecutionId"}, "out"]}}` is `"s3://bucket/{{ Execution.PipelineExecutionId }}/out"`. Keep the names of steps, inputs and outputs exactly as deployed. A step type or field with no typed attribute stays JSON: `sagemaker_step`, or `jsonencode({...})` in `steps`.
3. Point the pipeline's `steps` at the resources' `json` and keep the imported `parameter` blocks, `experiment_config` and `description`. Import cannot know which step settings came from `step_defaults`, so it reads none back: set the role (and network, KMS keys) on each step for an empty plan. Adding a `step_defaults` block that fills in the same values shows as an in-place update of the pipeline that sends nothing to SageMaker (the plan says so in a warning, "nothing changes in SageMaker").
4. `terraform plan`: it adds the step resources and changes nothing in the pipeline (`N to add, 0 to change`). If the pipeline changes too, the plan shows which step's JSON differs from the deployed one: correct that resource and plan again.
5. `terraform apply`. The step resources exist only in Terraform's state, so creating them makes no SageMaker call; the next plan says "No changes". (A definition that leaves out a field the provider always writes, and that no comparison rule above covers, cannot plan empty: the plan adds it, in that step only, and applying makes one new pipeline version.)

Pipelines built by the SageMaker Python SDK 2.x: keep the SDK's default experiment configuration as `experiment_config { experiment_name = "{{ Execution.PipelineName }}"  trial_name = "{{ Execution.PipelineExecutionId }}" }`, declare the SDK's `SkipModelValidation: "None"` of register-model steps as `skip_model_validation = "None"`, and write output locations the SDK derived (`s3://<bucket>/<pipeline>/<execution id>/<step>/output/<output>`) as that string with `{{ Execution.PipelineExecutionId }}` in it. The SDK's `ModelStep` names its deployed steps `<name>-RegisterModel` and `<name>-CreateModel`: use those names. Where the SDK passed an Integer, Float or Boolean parameter without `.to_string()` into a field that takes text (processing `arguments`, an estimator's `environment`; SDK 3.x's `ModelTrainer` does so in hyperparameters), the plan shows that value changing to its `to_string()` form, which is what the provider compiles `"{{ Parameters.X }}"` to there: apply it. A Lambda or Callback step whose inputs hold JSON numbers or booleans cannot be written with `sagemaker_lambda_step` or `sagemaker_callback_step` (their `inputs` are strings): declare it with `sagemaker_step` and the deployed `Arguments`. An EMR step's `step_config.properties` is a map, compiled sorted by key: an SDK step listing them in another order plans one update that reorders them, which changes nothing in EMR.

Pipelines built by the SageMaker Python SDK 3.x: the same experiment configuration. `ModelTrainer` writes a one-hour `MaxRuntimeInSeconds` and each channel's `InputMode: "File"`: declare `max_runtime_in_seconds = "3600"` and `input_mode = "File"` on each `input` of the training step (a tuning job's channels carry no input mode). A `ModelStep` keeps the name it was given (no `-RegisterModel` suffix), and `ModelBuilder` adds container environment entries (`SAGEMAKER_PROGRAM`, `SAGEMAKER_SUBMIT_DIRECTORY`, `SAGEMAKER_CONTAINER_LOG_LEVEL`, `SAGEMAKER_REGION`): declare them in the step's `environment` as `definition_parts` shows them."#;

// ---- typed model --------------------------------------------------------------------------

/// The definition inputs of a configuration, or `None` while any of them is unknown.
pub(crate) fn definition_input(v: &Value) -> Option<PipelineInput> {
    read_input(v, false).map(|(input, _)| input)
}

/// The role ARN checks assume while `step_defaults.role_arn` is unknown: it will be a role.
const ROLE_NOT_KNOWN_YET: &str = "arn:aws:iam::000000000000:role/not-known-yet";

/// The definition inputs to check while some of them are unknown (`terraform validate`, and the
/// plan of a configuration that uses resources not created yet), as a `partial` input, and for
/// each of its steps the index of the element of `steps` it is.
///
/// Invariant: nothing stands in for an unknown value that could make a check fail which the
/// real value would pass. Steps whose `json` is unknown are left out (the input is then `open`:
/// references to steps it lacks are not judged); an unknown `step_defaults.role_arn` is a role
/// ARN; an unknown network, KMS key, tag map, parameter default, enum list (all of it when one
/// element is unknown), experiment setting or dependency chain is left out (every check of them
/// is one that an absent value passes).
/// `None` when not even that can be judged: `steps` itself, a parameter's name or type, or a
/// whole block is unknown.
fn input_for_checks(v: &Value) -> Option<(PipelineInput, Vec<usize>)> {
    read_input(v, true)
}

/// [`definition_input`] (`partial` false: any unknown gives `None`) and [`input_for_checks`].
fn read_input(v: &Value, partial: bool) -> Option<(PipelineInput, Vec<usize>)> {
    // A `dynamic` block whose for_each is unknown arrives as one wholly unknown value (or, in a
    // list of blocks, one unknown element).
    let unknown = |x: &Value| if partial { x.is_unknown() } else { !x.is_known() };
    if ["parameter", "step_defaults", "experiment_config"]
        .iter()
        .any(|b| v.get(b).is_some_and(unknown))
        || model::blocks(v, "parameter").iter().any(Value::is_unknown)
    {
        return None;
    }
    // `Known::known`, except that in partial mode an unknown value reads as `absent`.
    fn read<T>(k: Known<T>, partial: bool, absent: Option<T>) -> Option<Option<T>> {
        match k {
            Known::Unknown if partial => Some(absent),
            k => k.known(),
        }
    }
    let (mut steps, mut indexes, mut open) = (Vec::new(), Vec::new(), false);
    match v.get("steps") {
        None | Some(Value::Null) => {}
        Some(Value::List(items)) => {
            for (i, item) in items.iter().enumerate() {
                match item {
                    Value::String(s) => {
                        steps.push(s.clone());
                        indexes.push(i);
                    }
                    Value::Unknown if partial => open = true,
                    Value::Unknown => return None,
                    // A null element is reported by `null_elements`.
                    _ => {}
                }
            }
        }
        Some(_) => return None,
    }
    let mut parameters = Vec::new();
    for p in model::blocks(v, "parameter") {
        parameters.push(ParameterInput {
            name: model::string(p, "name").known()?.unwrap_or_default(),
            type_name: model::string(p, "type").known()?,
            default: read(model::string(p, "default"), partial, None)?,
            // All or nothing: a default is checked against the whole list.
            enum_values: read(model::string_list(p, "enum_values"), partial, None)?
                .unwrap_or_default(),
        });
    }
    // An unknown chain is left out, the known ones kept.
    let dependencies = match v.get("dependencies") {
        Some(Value::List(items)) if partial => {
            items.iter().filter_map(|i| i.as_str().map(str::to_string)).collect()
        }
        _ => read(model::string_list(v, "dependencies"), partial, None)?.unwrap_or_default(),
    };
    let step_defaults = match v.get("step_defaults") {
        None | Some(Value::Null) => None,
        Some(d) => {
            let role_arn =
                read(model::string(d, "role_arn"), partial, Some(ROLE_NOT_KNOWN_YET.into()))?;
            let network = d.get("network").filter(|n| !n.is_null());
            let vpc = network.and_then(|n| n.get("vpc_config")).filter(|n| !n.is_null());
            let network_known = network.is_none_or(Value::is_known);
            if !network_known && !partial {
                return None;
            }
            let network = network.filter(|_| network_known);
            let vpc = vpc.filter(|_| network_known);
            Some(StepDefaults {
                role_arn,
                enable_network_isolation: network
                    .and_then(|n| n.get("enable_network_isolation"))
                    .and_then(Value::as_bool),
                subnets: vpc
                    .and_then(|v| model::string_list(v, "subnets").value())
                    .unwrap_or_default(),
                security_group_ids: vpc
                    .and_then(|v| model::string_list(v, "security_group_ids").value())
                    .unwrap_or_default(),
                volume_kms_key_id: read(model::string(d, "volume_kms_key_id"), partial, None)?,
                output_kms_key_id: read(model::string(d, "output_kms_key_id"), partial, None)?,
                tags: read(model::string_map(d, "tags"), partial, None)?.unwrap_or_default(),
            })
        }
    };
    let experiment_config = match v.get("experiment_config") {
        None | Some(Value::Null) => None,
        Some(e) => Some((
            read(model::string(e, "experiment_name"), partial, None)?,
            read(model::string(e, "trial_name"), partial, None)?,
        )),
    };
    // The inline limit applies only without a `definition_s3` block; while the block is unknown
    // (a `dynamic` block), the plan Terraform repeats at apply time, with it known, decides.
    // A configuration without the attribute at all is the definition data source's, which
    // sends nothing.
    let delivery = match v.get("definition_s3") {
        None => Delivery::Unsent,
        Some(Value::Null) => Delivery::Inline,
        Some(_) => Delivery::S3,
    };
    let input = PipelineInput {
        parameters,
        steps,
        dependencies,
        step_defaults,
        experiment_config,
        delivery,
        partial,
        open,
    };
    Some((input, indexes))
}

/// Diagnostics of an input from [`input_for_checks`], with `steps[k]` pointing at the element of
/// the configuration's `steps` that step `k` of the input is.
fn at_configured_steps(mut diags: Diagnostics, indexes: &[usize]) -> Diagnostics {
    for d in &mut diags.0 {
        if let Some(AttrPath(steps)) = &mut d.path {
            if let [PathStep::Attr(a), PathStep::Index(k), ..] = steps.as_mut_slice() {
                if a == "steps" {
                    if let Some(&i) = usize::try_from(*k).ok().and_then(|k| indexes.get(k)) {
                        *k = i as i64;
                    }
                }
            }
        }
    }
    diags
}

fn spec(v: &Value, tags: BTreeMap<String, String>) -> PipelineSpec {
    PipelineSpec {
        name: model::string(v, "name").value().unwrap_or_default(),
        role_arn: model::string(v, "role_arn").value().unwrap_or_default(),
        definition: definition_text(v).unwrap_or_default(),
        definition_s3: definition_object(v).value(),
        display_name: model::string(v, "display_name").value(),
        description: model::string(v, "description").value(),
        max_parallel_execution_steps: v
            .get("parallelism_config")
            .and_then(|p| model::int(p, "max_parallel_execution_steps").value())
            .map(|n| n.clamp(1, i32::MAX as i64) as i32),
        tags,
    }
}

/// Whether applying `planned` over `prior` calls UpdatePipeline (and so makes a pipeline
/// version): a create does; an update does when the definition means something else, when it
/// is sent from elsewhere (`definition_s3` added, removed or moved: SageMaker then reads it from
/// there, so a bucket it cannot read fails this apply rather than the next change of the
/// definition), or the role, display name, description or parallelism differ (tags have their
/// own calls). `None` while the planned values are not known yet.
fn calls_update_pipeline(prior: &Value, planned: &Value) -> Option<bool> {
    if prior.is_null() {
        return Some(true);
    }
    const SENT: [&str; 7] = [
        "name",
        "role_arn",
        "display_name",
        "description",
        "parallelism_config",
        "definition_parts",
        "definition_s3_uri",
    ];
    if SENT.iter().any(|k| planned.get(k).is_some_and(|v| !v.is_known())) {
        return None;
    }
    let (before, mut after) = (spec(prior, BTreeMap::new()), spec(planned, BTreeMap::new()));
    if before.description.is_some() && after.description.is_none() {
        // UpdatePipeline keeps a description it is not sent; an empty one clears it.
        after.description = Some(String::new());
    }
    Some(
        !semantic::definitions_equal(&before.definition, &after.definition)
            || (PipelineSpec { definition: before.definition.clone(), ..after }) != before,
    )
}

/// `version_id` after a create or update: the version UpdatePipeline returned, otherwise the
/// newest listed one; null where the endpoint has no versions. A failed lookup is a warning: the
/// pipeline itself was created or updated, and must not be marked for replacement.
async fn version_after(
    sm: &crate::aws::SageMaker,
    name: &str,
    returned: Option<i64>,
    diags: &mut Diagnostics,
) -> Value {
    if let Some(v) = returned {
        return Value::Number(Number::from(v));
    }
    if crate::stop::requested() {
        return Value::Null;
    }
    match sm.latest_version(name).await {
        Ok(v) => v.map(|v| Value::Number(Number::from(v))).unwrap_or(Value::Null),
        Err(e) => {
            diags.push(Diagnostic::warning(
                format!("Could not read the version of SageMaker pipeline {name:?}"),
                format!("The pipeline was deployed; only its version_id is unknown and stays null until the next refresh. {}", e.cause()),
            ));
            Value::Null
        }
    }
}

/// How a configuration compiles: `Known` with the definition when every input is known,
/// `Partial` with only the problems the known inputs decide (see [`input_for_checks`]),
/// `Unjudged` when not even those can be told. Diagnostics point at the configured elements
/// of `steps` (null elements, reported by `null_elements`, are not compiled).
pub(crate) enum Compiled {
    Known(Option<String>, Diagnostics),
    Partial(Diagnostics),
    Unjudged,
}

pub(crate) fn compile_configuration(cfg: &Value) -> Compiled {
    if let Some((input, indexes)) = read_input(cfg, false) {
        let (text, problems) = definition::compile(&input, step_type_facts);
        Compiled::Known(text, at_configured_steps(problems, &indexes))
    } else if let Some((input, indexes)) = input_for_checks(cfg) {
        let problems = definition::compile(&input, step_type_facts).1;
        Compiled::Partial(at_configured_steps(problems, &indexes))
    } else {
        Compiled::Unjudged
    }
}

/// The definition a configuration compiles to (used by the data source and golden tests).
pub fn compile_definition(cfg: &Value) -> (Option<String>, Diagnostics) {
    match compile_configuration(cfg) {
        Compiled::Known(text, diags) => (text, diags),
        _ => (None, Diagnostics::new()),
    }
}

// ---- validate -----------------------------------------------------------------------------

/// SageMaker's pipeline (display) name pattern: `[a-zA-Z0-9](-*[a-zA-Z0-9]){0,255}`.
pub fn valid_pipeline_name(s: &str) -> bool {
    super::steps::common::valid_sagemaker_name(s, 256)
}

/// The pipeline's own tags (`tags` or what `default_tags` adds) against SageMaker's rules.
pub fn validate_tags(tags: &BTreeMap<String, String>, attr: &str, diags: &mut Diagnostics) {
    super::steps::common::check_tags(tags, &AttrPath::root(attr), "pipeline", diags);
    // The provider's own mark: reads leave it out, so a user tag of that key would plan forever
    // and make a destroy keep the pipeline (re-check finding).
    if tags.contains_key(crate::aws::OWNER_TAG) {
        diags.error_at(
            AttrPath::root(attr).key(crate::aws::OWNER_TAG),
            format!("Reserved tag key {:?}", crate::aws::OWNER_TAG),
            "The provider marks a pipeline a create took over with this key; choose another key.",
        );
    }
}

fn validate_config(config: &Value) -> Diagnostics {
    // A null in `steps`, `dependencies` or `enum_values` is a mistake, not something to drop.
    let mut diags = super::steps::common::null_elements(config);
    // `name`, `display_name`, `description` and `role_arn` are checked by the validators
    // declared on them (`pipeline_schema`).
    if let Known::Value(tags) = model::string_map(config, "tags") {
        validate_tags(&tags, "tags", &mut diags);
    }
    // As on a step (`job::vpc_config`): a VPC needs a subnet and a security group.
    let vpc = config
        .get("step_defaults")
        .and_then(|d| d.get("network"))
        .and_then(|n| n.get("vpc_config"))
        .filter(|v| !v.is_null() && !v.is_unknown());
    if let Some(v) = vpc {
        let empty = |attr| matches!(model::string_list(v, attr), Known::Value(l) if l.is_empty());
        let path = AttrPath::root("step_defaults").attr("network").attr("vpc_config");
        for attr in ["subnets", "security_group_ids"].into_iter().filter(|a| empty(a)) {
            diags.error_at(
                path.clone().attr(attr),
                "Incomplete VPC configuration",
                "Give at least one subnet and one security group.",
            );
        }
        for (at, summary, detail) in super::steps::job::vpc_id_problems(v, &path) {
            diags.error_at(at, summary, detail);
        }
    }
    // Warnings only with errors: without any, the plan compiles the same definition and reports
    // them (Terraform validates during `plan` too, and would print each warning twice); with
    // errors, Terraform stops before the plan.
    let errors = |d: Diagnostics| if d.has_errors() { d.0 } else { Vec::new() };
    match compile_configuration(config) {
        // Partial: `terraform validate` hands over other resources' attributes (the steps'
        // `json`) as unknown, and so does the validation of a plan while they are not created
        // yet; check what the known values decide.
        Compiled::Known(_, problems) | Compiled::Partial(problems) => {
            diags.0.extend(errors(problems))
        }
        Compiled::Unjudged => diags.extend(validate_known_definition_parts(config)),
    }
    diags
}

/// The definition checks that need only the parts of a configuration already known: the
/// `parameter` blocks, and the syntax of each known `dependencies` chain.
fn validate_known_definition_parts(config: &Value) -> Diagnostics {
    let mut diags = Diagnostics::new();
    if config.get("parameter").is_some_and(Value::is_known) {
        let params: Option<Vec<ParameterInput>> = model::blocks(config, "parameter")
            .iter()
            .map(|p| {
                Some(ParameterInput {
                    name: model::string(p, "name").known()?.unwrap_or_default(),
                    type_name: model::string(p, "type").known()?,
                    default: model::string(p, "default").known()?,
                    enum_values: model::string_list(p, "enum_values").known()?.unwrap_or_default(),
                })
            })
            .collect();
        if let Some(params) = params {
            diags.extend(definition::validate_parameters(&params));
        }
    }
    for (i, chain) in
        config.get("dependencies").and_then(Value::as_list).unwrap_or(&[]).iter().enumerate()
    {
        if let Some(chain) = chain.as_str() {
            if let Err(why) = crate::compiler::dag::parse_chain(chain) {
                diags.error_at(
                    AttrPath::root("dependencies").index(i),
                    "Invalid dependency chain",
                    why,
                );
            }
        }
    }
    diags
}

// ---- plan ---------------------------------------------------------------------------------

fn plan_tags_all(data: &ProviderData, planned: &Value) -> Value {
    match (&data.default_tags, model::string_map(planned, "tags")) {
        (Known::Unknown, _) | (_, Known::Unknown) => Value::Unknown,
        (defaults, tags) => {
            let mut all = match defaults {
                Known::Value(d) => d.clone(),
                _ => BTreeMap::new(),
            };
            all.extend(tags.value().unwrap_or_default());
            model::string_map_value(&all)
        }
    }
}

/// A parameter's default is text converted to its type, so `"6.0"` and `"6"` are the same Float
/// default. Declared as the `default` attribute's semantic equality: when the configured text
/// means what the state holds (after an import: the deployed value, written back as `"6"`), the
/// framework plans the state's text (Terraform accepts the prior value of a non-computed
/// attribute), and the plan stays empty. Only for the same parameter with the same type: the
/// blocks are paired by position, so after a block is removed or its type changed the prior
/// block holds another parameter or another type, whose text means something else (semantic
/// equality helper finding: a String default `"010"` planned as the removed Integer's `"10"`).
/// A configured name or type not known yet is not compared (review finding): the plan Terraform
/// repeats at apply, with it known, could then decide otherwise ("inconsistent final plan"), so
/// the prior block's type alone decides, as it did before names and types were compared.
fn same_parameter_default(then: &Value, now: &Value, prior: &Value, config: &Value) -> bool {
    let (Some(then), Some(now)) = (then.as_str(), now.as_str()) else { return false };
    let Some(ty) = prior.get_str("type") else { return false };
    let configured = |attr: &str| match config {
        Value::Unknown => Value::Unknown,
        _ => config.get(attr).cloned().unwrap_or(Value::Null),
    };
    let (name, configured_type) = (configured("name"), configured("type"));
    if name.is_known() && configured_type.is_known() {
        let configured_type = configured_type.as_str().unwrap_or("String");
        if name.as_str() != prior.get_str("name") || configured_type != ty {
            return false;
        }
    }
    ParamType::parse(ty).is_some_and(|ty| same_default(&ty, now, then))
}

fn same_default(ty: &ParamType, a: &str, b: &str) -> bool {
    match (definition::convert_default(ty, a), definition::convert_default(ty, b)) {
        (Ok(x), Ok(y)) => canonical::to_string(&x) == canonical::to_string(&y),
        _ => false,
    }
}

/// After an import, `steps` holds the deployed step objects while the configuration passes the
/// step resources' `json`. When the configured steps, as this pipeline compiles them (`compiled`:
/// step defaults, dependencies and String parameters applied), are semantically the deployed
/// ones, matched by name, plan the state's list. It must be the whole list: Terraform accepts
/// for a non-computed attribute either the configured value or the prior one.
///
/// The configured steps are compiled with the pipeline settings of the prior state (its step
/// defaults, dependencies and parameters, always known), not the planned ones: the decision then
/// depends only on values known in both the first plan and the one Terraform repeats at apply,
/// so it cannot flip between them ("inconsistent final plan").
fn keep_prior_steps(prior: &Value, planned: &mut Value) {
    let (Known::Value(before), Known::Value(now)) =
        (model::string_list(prior, "steps"), model::string_list(planned, "steps"))
    else {
        return;
    };
    if before == now {
        return;
    }
    let mut settled = prior.clone();
    model::set(&mut settled, "steps", planned.get("steps").cloned().unwrap_or(Value::Null));
    let Some(input) = definition_input(&settled) else { return };
    let (Some(compiled), _) = definition::compile(&input, step_type_facts) else { return };
    let Ok(definition) = serde_json::from_str::<Json>(&compiled) else { return };
    let Some(effective) = definition.get("Steps").and_then(Json::as_array) else { return };
    let Ok(deployed) =
        before.iter().map(|s| serde_json::from_str::<Json>(s)).collect::<Result<Vec<Json>, _>>()
    else {
        return;
    };
    if semantic::step_lists_equal(
        effective,
        &deployed,
        &semantic::Context::of_definition(&definition),
    ) {
        model::set(planned, "steps", prior.get("steps").cloned().unwrap_or(Value::Null));
    }
}

// ---- resource -----------------------------------------------------------------------------

#[async_trait]
impl Resource<ProviderData> for MlPipeline {
    fn type_name(&self) -> &'static str {
        TYPE_NAME
    }

    fn schema(&self) -> Schema {
        pipeline_schema()
    }

    fn validate(&self, config: &Value) -> Diagnostics {
        validate_config(config)
    }

    fn private_after_read(&self, before: &Value, after: &Value, prior_private: &[u8]) -> Vec<u8> {
        let edited = EditedOutside::found(before, after);
        private_data(edited.as_ref(), owner_token(prior_private).as_deref())
    }

    fn kept_private(&self, private: &[u8]) -> Vec<u8> {
        private_data(None, owner_token(private).as_deref())
    }

    fn upgrade_json(&self, from_version: i64, json: &[u8]) -> Result<Vec<u8>, String> {
        if from_version == 0 {
            upgrade_v0(json)
        } else {
            Ok(json.to_vec())
        }
    }

    async fn plan(
        &self,
        data: &ProviderData,
        req: &PlanRequest,
        planned: &mut Value,
        diags: &mut Diagnostics,
    ) {
        let id = match planned.get("name") {
            Some(Value::String(s)) => Value::string(s.clone()),
            _ => Value::Unknown,
        };
        model::set(planned, "id", id.clone());
        // A deployed pipeline whose configuration has no `steps` at all: almost always a
        // configuration written by `terraform plan -generate-config-out`, where Terraform leaves
        // sensitive attributes out. Planning it would deploy a pipeline without steps.
        let had_steps =
            model::string_list(&req.prior, "steps").value().is_some_and(|s| !s.is_empty());
        if had_steps && req.config.get("steps").is_none_or(Value::is_null) {
            diags.error_at(
                AttrPath::root("steps"),
                "The pipeline's steps are not configured",
                "The deployed pipeline has steps, and this configuration sets no `steps`, so applying it would remove them all. A configuration generated with `-generate-config-out` has `steps = null` because Terraform does not write sensitive attributes: list the step resources' `json` there (see the Import section of the sagemaker_ml_pipeline docs), or, to start from the deployed steps as they are, `steps = [for s in jsondecode(data.sagemaker_ml_pipeline.deployed.definition).Steps : jsonencode(s)]` with a `sagemaker_ml_pipeline` data source reading this pipeline. To remove every step on purpose, write `steps = []`.",
            );
        }
        // `display_name` defaults to the name: removing it from the configuration plans the name
        // back, rather than keeping the old display name (found by the edit-cycle test).
        if req.config.get("display_name").is_none_or(Value::is_null) {
            model::set(planned, "display_name", id);
        }
        // A parameter's type defaults to String, as in the SageMaker SDK.
        if let Value::Object(obj) = planned {
            if let Some(Value::List(params)) = obj.get_mut("parameter") {
                let config_params = model::blocks(&req.config, "parameter");
                for (i, p) in params.iter_mut().enumerate() {
                    let configured = config_params
                        .get(i)
                        .and_then(|c| c.get("type"))
                        .cloned()
                        .unwrap_or(Value::Null);
                    let ty =
                        if configured.is_null() { Value::string("String") } else { configured };
                    model::set(p, "type", ty);
                }
            }
        }
        let prior_parts = model::string_map(&req.prior, "definition_parts").value();
        let mut partly_known = None;
        let parts = match compile_configuration(planned) {
            // Some inputs are not known until other resources are created (a role, a step
            // whose `json` waits for one): the definition is planned unknown, and the problems
            // the known inputs already decide are reported now, not at apply time after those
            // resources were created. When only `step_defaults` values are unknown, the parts
            // that do not use them are planned known (below).
            Compiled::Partial(problems) => {
                diags.extend(problems);
                partly_known =
                    parts_with_unknown_defaults(planned, &prior_parts.unwrap_or_default());
                None
            }
            Compiled::Unjudged => None,
            Compiled::Known(compiled, problems) => {
                diags.extend(problems);
                compiled.map(|text| {
                    let prior = model::string_map(&req.prior, "definition_parts")
                        .value()
                        .unwrap_or_default();
                    parts_keeping_equal(&text, &prior)
                })
            }
        };
        keep_prior_steps(&req.prior, planned);
        // A new name replaces the pipeline: Terraform deletes the old one first, and with it
        // what a reviewer may not expect to lose (fresh-eyes finding: the plan said only
        // "forces replacement").
        if let (Known::Value(old), Known::Value(new)) =
            (model::string(&req.prior, "name"), model::string(planned, "name"))
        {
            if old != new {
                diags.push(
                    Diagnostic::warning(
                        format!("Pipeline {old} is replaced by a new pipeline {new}"),
                        format!("SageMaker pipelines cannot be renamed. Applying deletes {old} (by default before creating {new}), and with it its execution history, its versions and the cached step results later runs would reuse. To keep {old} until {new} exists, give the resource lifecycle {{ create_before_destroy = true }} (if it has not got it already); to keep it altogether, change display_name instead of name."),
                    )
                    .at(AttrPath::root("name")),
                );
            }
        }
        // What the refresh before this plan found edited outside Terraform (Terraform >= 1.2
        // shows it only as the diff back to the configuration).
        let edited = EditedOutside::decode(&req.prior_private, &req.prior).unwrap_or_default();
        let settings: Vec<&str> = edited
            .settings
            .iter()
            .map(String::as_str)
            .filter(|a| req.prior.get(a) != planned.get(a))
            .collect();
        if !settings.is_empty() {
            let name = model::string(planned, "name").value().unwrap_or_default();
            diags.push(
                Diagnostic::warning(
                    format!("Pipeline {name}: settings edited outside Terraform"),
                    format!("{} changed outside Terraform since the last apply (the console, the SDK, another tool). Applying sets the configuration's value: the diff above shows the deployed value on the left. To keep the deployed value, put it in the configuration.", settings.join(", ")),
                )
                .at(AttrPath::root(settings[0])),
            );
        }
        // A plan that fails has no diff for the summary to point at. With parts known only in
        // part, the note compares those with placeholders and names the unknown ones.
        let compared = parts.as_ref().or(partly_known.as_ref().map(|p| &p.with_placeholders));
        if let (false, Some(new), Known::Value(old)) =
            (diags.has_errors(), compared, model::string_map(&req.prior, "definition_parts"))
        {
            if let Some(summary) = review::summarize(&old, new, super::steps::step_type_facts) {
                let summary = review::mark_edited_outside(&summary, &edited.parts);
                let name = model::string(planned, "name").value().unwrap_or_default();
                let diff = match &partly_known {
                    Some(p) => format!("Known after apply (they use step_defaults values not known until other resources are created): {}. The definition_parts diff above shows every other changed field with its old and new value.", p.unknown.join(", ")),
                    None => "The definition_parts diff above shows every changed field with its old and new value.".to_string(),
                };
                let renamed = if summary.contains(": renamed to ") {
                    " A renamed step is printed whole under its old and its new key; of its fields, only those listed here changed."
                } else {
                    ""
                };
                diags.push(
                    Diagnostic::warning(
                        format!("Pipeline {name}: what this plan changes in the definition"),
                        format!("{summary}\n{diff}{renamed}"),
                    )
                    .at(AttrPath::root("definition_parts")),
                );
            }
        }
        // Steps whose JSON waits for other resources: the whole definition is planned unknown,
        // and Terraform prints every deployed part as removed. Say what is known (fresh-eyes
        // finding: a five-step pipeline's one-image change read as 460 lines of removals).
        if let (
            false,
            None,
            None,
            Known::Value(_),
            Some(Value::List(items)),
            Some(Value::List(before)),
        ) = (
            diags.has_errors(),
            &parts,
            &partly_known,
            model::string_map(&req.prior, "definition_parts"),
            planned.get("steps"),
            req.prior.get("steps"),
        ) {
            let config: Vec<Option<String>> =
                items.iter().map(|v| v.as_str().map(str::to_string)).collect();
            let prior: Vec<String> =
                before.iter().filter_map(|v| v.as_str().map(str::to_string)).collect();
            if let Some(summary) = review::summarize_known_steps(&prior, &config) {
                let name = model::string(planned, "name").value().unwrap_or_default();
                diags.push(
                    Diagnostic::warning(
                        format!("Pipeline {name}: the definition is known only after apply"),
                        format!("Some steps' json is known only after apply: their step resources use values that other resources produce in this apply. So the whole definition is known only after apply too, and the diff above shows every deployed part replaced by (known after apply). The steps known now, as written in `steps`, compared with the last apply by step name:\n{summary}"),
                    )
                    .at(AttrPath::root("steps")),
                );
            }
        }
        match partly_known {
            Some(p) => {
                model::set(planned, "definition_parts", p.parts);
                model::set(planned, "definition_sha256", Value::Unknown);
                model::set(planned, "mermaid", p.mermaid);
            }
            None => set_definition(planned, parts),
        }
        model::set(planned, "definition_s3_uri", definition_s3_uri(planned));
        let calls_update = calls_update_pipeline(&req.prior, planned);
        let version = match calls_update {
            Some(false) => req.prior.get("version_id").cloned().unwrap_or(Value::Null),
            _ => Value::Unknown,
        };
        model::set(planned, "version_id", version);
        let tags_all = plan_tags_all(data, planned);
        if let (true, Some(all)) = (tags_all.is_known(), tags_all.as_map()) {
            // The pipeline's own tags were validated with their paths; check what default_tags
            // adds, and the total.
            let own = model::string_map(planned, "tags").value().unwrap_or_default();
            let from_defaults: BTreeMap<String, String> = all
                .iter()
                .filter(|(k, _)| !own.contains_key(*k))
                .filter_map(|(k, v)| v.as_str().map(|v| (k.clone(), v.to_string())))
                .collect();
            let mut problems = Diagnostics::new();
            validate_tags(&from_defaults, "tags", &mut problems);
            for mut d in problems.0 {
                d.detail =
                    format!("{} (This tag comes from the provider's default_tags.)", d.detail);
                diags.push(d);
            }
            if all.len() > 50 && own.len() <= 50 {
                diags.error_at(
                    AttrPath::root("tags"),
                    "Too many tags",
                    format!("tags and the provider's default_tags add up to {} tags; SageMaker allows at most 50 per pipeline.", all.len()),
                );
            }
        }
        model::set(planned, "tags_all", tags_all);
        let had = req.prior.get("parallelism_config").is_some_and(|p| !p.is_null());
        let has = planned.get("parallelism_config").is_some_and(|p| !p.is_null());
        if had && !has {
            diags.push(
                Diagnostic::warning(
                    "SageMaker keeps the previous parallelism limit",
                    "UpdatePipeline cannot remove a pipeline's parallelism configuration; the deployed pipeline keeps its last max_parallel_execution_steps. Set a new value instead of removing the block to change it.",
                )
                .at(AttrPath::root("parallelism_config")),
            );
        }
        // An update that changes nothing SageMaker holds makes no call. Say so: the plan itself
        // may show only `~ steps = (sensitive value)` (e.g. a `step_defaults` block added after
        // an import, filling in the values the steps already had).
        if !req.prior.is_null()
            && *planned != req.prior
            && calls_update == Some(false)
            && planned.get("tags_all") == req.prior.get("tags_all")
        {
            let name = model::string(planned, "name").value().unwrap_or_default();
            diags.push(Diagnostic::warning(
                format!("Pipeline {name}: nothing changes in SageMaker"),
                "The compiled definition and the pipeline's settings are as deployed, so applying this update makes no SageMaker call: it only records the new configuration in the state (for example steps or step_defaults that compile to the definition already deployed).",
            ));
        }
    }

    async fn create(&self, data: &ProviderData, planned: &Value) -> Outcome {
        let mut diags = Diagnostics::new();
        let sm = match data.sagemaker() {
            Ok(s) => s,
            Err(d) => return Outcome { state: Value::Null, diagnostics: d, private: None },
        };
        let tags = model::string_map(planned, "tags_all").value().unwrap_or_default();
        let spec = spec(planned, tags);
        if let Err(d) = upload_definition(sm, &spec).await {
            return Outcome { state: Value::Null, diagnostics: d.into(), private: None };
        }
        let _same_name = data.claims.lock(&spec.name).await;
        // One token for this planned create, sent by every attempt (see `aws::request_token`),
        // and the token the object owns its pipeline by.
        let token = crate::aws::request_token();
        let mut owner = token.clone();
        let (arn, remote) = match sm.create(&spec, &token).await {
            Ok(arn) => {
                crate::logging::info(
                    "created pipeline",
                    &[("pipeline", &spec.name), ("arn", &arn)],
                );
                (arn, None)
            }
            Err(e) => match settle_create(sm, &data.claims, &spec, &e).await {
                Ok((remote, warning)) => {
                    if let Some(w) = warning {
                        diags.push(w);
                    }
                    crate::logging::info(
                        "adopted the pipeline this apply was creating",
                        &[
                            ("pipeline", &spec.name),
                            ("arn", &remote.arn),
                            ("after", e.code.as_deref().unwrap_or(&format!("{:?}", e.kind))),
                        ],
                    );
                    if e.kind == ErrorKind::AlreadyExists {
                        // Fresh-eyes finding: a second state declaring the same pipeline took it
                        // over without a word, and its destroy deleted the first state's pipeline.
                        diags.push(Diagnostic::warning(
                            format!("SageMaker pipeline {:?} already existed and is now managed here", spec.name),
                            "CreatePipeline answered that the name is taken, and the pipeline of that name has the definition, role and tags this apply creates, so it was taken as the one an earlier, interrupted apply of this resource created (a provider that was killed, or an answer that was lost), or the one a replacement with create_before_destroy replaces, and recorded in the state; its other settings (display name, description, parallelism) were set to this configuration's. If another Terraform state or workspace manages it, both now change the same pipeline, and that state's destroy keeps it for this one (it is tagged terraform-provider-sagemaker:owner for this object): keep one owner (`terraform state rm` in the other) or give this one another name.",
                        ));
                    }
                    if e.kind == ErrorKind::Interrupted {
                        // A warning, not an error: Terraform taints an object created with an
                        // error and would replace this complete, correct pipeline next time.
                        // Terraform itself reports the interrupted run as failed.
                        diags.push(Diagnostic::warning(
                            format!("Apply interrupted after SageMaker pipeline {:?} was created", spec.name),
                            "Terraform asked the provider to stop. The pipeline exists as planned and is recorded in the state; re-run the command to finish the rest of the apply.",
                        ));
                    }
                    // Marked as this object's, so that the delete of another object holding it
                    // (the old object of a create_before_destroy replacement, left deposed by an
                    // interrupted apply; another workspace's) keeps it (helper finding: the next
                    // apply deleted it under the new object).
                    if let Err(m) = sm.set_owner_mark(&spec.name, &remote.arn, &token).await {
                        // Unmarked, the pipeline keeps an earlier takeover's mark: this
                        // object owns it by that one, so that its own destroy deletes it
                        // (review finding: it kept the pipeline with a warning).
                        if let Some(earlier) = &remote.owner_mark {
                            owner = earlier.clone();
                        }
                        diags.push(aws_warning(
                            format!("Could not mark SageMaker pipeline {:?} as managed here", spec.name),
                            &m,
                            &format!("\n\nThe pipeline was taken over and is recorded in the state. Without the tag {} (AddTags), a delete by another Terraform object that held it before (a create_before_destroy replacement interrupted before it finished, another workspace) deletes it too.", crate::aws::OWNER_TAG),
                        ));
                    }
                    (remote.arn.clone(), Some(remote))
                }
                Err(d) => return Outcome { state: Value::Null, diagnostics: d, private: None },
            },
        };
        data.claims.claim(&arn);
        let mut state = planned.clone();
        model::set(&mut state, "arn", Value::string(arn));
        let version = version_after(sm, &spec.name, None, &mut diags).await;
        model::set(&mut state, "version_id", version);
        // The display name defaults to the name on SageMaker's side; read it back when unset.
        if model::string(planned, "display_name") == Known::Unknown {
            let remote = match remote {
                Some(r) => Some(r),
                None if crate::stop::requested() => None,
                None => sm.describe(&spec.name).await.ok().flatten(),
            };
            let shown = remote.and_then(|p| p.display_name).unwrap_or_else(|| spec.name.clone());
            model::set(&mut state, "display_name", Value::string(shown));
        }
        Outcome { state, diagnostics: diags, private: Some(private_data(None, Some(&owner))) }
    }

    async fn read(&self, data: &ProviderData, state: &Value) -> (Value, Diagnostics) {
        let mut diags = Diagnostics::new();
        let Ok(sm) = data.sagemaker() else {
            // Provider configuration unknown at plan time: nothing to compare against yet.
            return (state.clone(), diags);
        };
        let name = model::string(state, "name").value().unwrap_or_default();
        // The state's ARN says where the pipeline is. A provider configuration of another
        // region or account (the resource moved to another alias, or the alias changed) would
        // otherwise find "no such pipeline" and plan a second one, or find another pipeline of
        // that name and take it over (multi-account finding).
        let state_arn = model::string(state, "arn").value();
        if let Some(arn) = &state_arn {
            if let Some((arn_region, ours)) = super::arn_in_other_region(sm, arn).await {
                diags.error(
                    format!("Pipeline {name:?} is in region {arn_region}, and this provider configuration sends to {ours}"),
                    format!("The state records {arn}. The resource's provider configuration now points at another region; Terraform cannot move a pipeline between regions. To keep managing the pipeline in {arn_region}, point the resource back at a provider configuration for {arn_region}. To manage one in {ours} instead, run terraform state rm on this resource (the pipeline in {arn_region} stays, unmanaged, until you delete it), then import or create it there."),
                );
                return (state.clone(), diags);
            }
        }
        match sm.describe(&name).await {
            Ok(Some(remote))
                if state_arn.as_deref().and_then(super::arn_account).is_some_and(|a| {
                    super::arn_account(&remote.arn).is_some_and(|found| found != a)
                }) =>
            {
                let arn = state_arn.clone().unwrap_or_default();
                let (wanted, found) = (
                    super::arn_account(&arn).unwrap_or_default(),
                    super::arn_account(&remote.arn).unwrap_or_default(),
                );
                if importing(state) {
                    diags.error(
                        format!("Cannot import {arn:?}: the pipeline is in account {wanted}"),
                        format!("This provider's credentials are for account {found}, which has its own pipeline {name:?}. Import it through a provider configuration with credentials for account {wanted}: add a provider \"sagemaker\" block with an alias and assume_role (or a profile) for that account, and set provider = sagemaker.<alias> on the resource."),
                    );
                } else {
                    diags.error(
                        format!("Pipeline {name:?} is in account {wanted}, and this provider configuration's credentials are for account {found}"),
                        format!("The state records {arn}; account {found} has a pipeline of the same name, which this resource does not manage. The resource's provider configuration (or its credentials) changed; Terraform cannot move a pipeline between accounts. To keep managing the pipeline in account {wanted}, set back the provider configuration. To manage the one in account {found} instead, run terraform state rm on this resource, then terraform import it."),
                    );
                }
                (state.clone(), diags)
            }
            // Not found with credentials of another account than the state's ARN: the pipeline
            // is not gone, it is out of sight. Dropping it from state would plan a second one
            // here and forget the first (multi-account finding). Known only when the credential
            // check ran (it is skipped with skip_credentials_validation).
            Ok(None)
                if state_arn
                    .as_deref()
                    .and_then(super::arn_account)
                    .is_some_and(|a| sm.checked_account().is_some_and(|ours| ours != a)) =>
            {
                let arn = state_arn.clone().unwrap_or_default();
                let wanted = super::arn_account(&arn).unwrap_or_default();
                let ours = sm.checked_account().unwrap_or_default();
                if importing(state) {
                    diags.error(
                        format!("Cannot import {arn:?}: the pipeline is in account {wanted}"),
                        format!("This provider's credentials are for account {ours}, where SageMaker has no pipeline {name:?}. Import it through a provider configuration with credentials for account {wanted}: add a provider \"sagemaker\" block with an alias and assume_role (or a profile) for that account, and set provider = sagemaker.<alias> on the resource."),
                    );
                    return (state.clone(), diags);
                }
                diags.error(
                    format!("Pipeline {name:?} is in account {wanted}, and this provider configuration's credentials are for account {ours}"),
                    format!("The state records {arn}. The resource's provider configuration (or its credentials) changed, so the pipeline cannot be seen from here; Terraform cannot move a pipeline between accounts. To keep managing it, set back the provider configuration (or its credentials) for account {wanted}. To create one in account {ours} instead, run terraform state rm on this resource (the pipeline in account {wanted} stays, unmanaged, until you delete it), then apply."),
                );
                (state.clone(), diags)
            }
            Ok(None) => {
                crate::logging::warn(
                    "pipeline no longer exists; removing it from state",
                    &[("pipeline", &name)],
                );
                (Value::Null, diags)
            }
            // Being deleted (a delete whose answer was lost, or one made outside Terraform): it
            // is gone as far as this resource is concerned (reviewer finding: it was kept, and a
            // create could then adopt a pipeline about to vanish).
            Ok(Some(remote)) if remote.is_deleting() => {
                crate::logging::warn(
                    "pipeline is being deleted; removing it from state",
                    &[("pipeline", &name)],
                );
                (Value::Null, diags)
            }
            Err(e) => {
                diags.push(aws_diag(format!("Failed to read SageMaker pipeline {name:?}"), &e));
                (state.clone(), diags)
            }
            Ok(Some(mut remote)) => {
                if let Some(object) = readback_object(state, &remote.definition) {
                    definition_from_s3(sm, &mut remote, &object, &mut diags).await;
                }
                if importing(state) && serde_json::from_str::<Json>(&remote.definition).is_err() {
                    // Helper finding: such an import read back nothing, without a word (the
                    // data source warns). An import does not know where the definition object
                    // is, so it cannot read that instead.
                    diags.push(Diagnostic::warning(
                        format!("The deployed definition of pipeline {name:?} is not JSON"),
                        "DescribePipeline returned a definition that is not JSON, so the import could not read back the parameters, experiment_config or steps: the state holds the text as it came (definition_parts[\"Definition\"]). SageMaker returns JSON; the local moto endpoint returns a Python rendering for a pipeline created with definition_s3. The next plan shows the configured definition replacing that text, and applying deploys it.",
                    ));
                }
                let mut s = refreshed(state, &remote, &data.default_tags);
                // Imported, or created where versions were not known: ask once more, quietly.
                if state.get("version_id").is_none_or(Value::is_null) && !crate::stop::requested() {
                    if let Ok(Some(v)) = sm.latest_version(&name).await {
                        model::set(&mut s, "version_id", Value::Number(Number::from(v)));
                    }
                }
                (s, diags)
            }
        }
    }

    async fn update(&self, data: &ProviderData, prior: &Value, planned: &Value) -> Outcome {
        let mut diags = Diagnostics::new();
        let sm = match data.sagemaker() {
            Ok(s) => s,
            Err(d) => return Outcome { state: prior.clone(), diagnostics: d, private: None },
        };
        let old_tags = model::string_map(prior, "tags_all").value().unwrap_or_default();
        let new_tags = model::string_map(planned, "tags_all").value().unwrap_or_default();
        let (before, mut after) = (spec(prior, BTreeMap::new()), spec(planned, BTreeMap::new()));
        if before.description.is_some() && after.description.is_none() {
            // UpdatePipeline keeps a description it is not sent; an empty one clears it.
            after.description = Some(String::new());
        }
        let mut version = prior.get("version_id").cloned().unwrap_or(Value::Null);
        if calls_update_pipeline(prior, planned) != Some(false) {
            // Put the object before SageMaker reads it.
            if let Err(d) = upload_definition(sm, &after).await {
                diags.push(d);
                return Outcome { state: prior.clone(), diagnostics: diags, private: None };
            }
            match sm.update(&after).await {
                Ok(v) => version = version_after(sm, &after.name, v, &mut diags).await,
                Err(e) => match settle_update(sm, &after, &e).await {
                    Ok(()) => {
                        crate::logging::info(
                            "the update whose answer was lost took effect",
                            &[
                                ("pipeline", &after.name),
                                ("after", e.code.as_deref().unwrap_or(&format!("{:?}", e.kind))),
                            ],
                        );
                        if e.kind == ErrorKind::Interrupted {
                            // As for a create: the object is as planned, so the state records
                            // it; Terraform itself reports the interrupted run as failed.
                            diags.push(Diagnostic::warning(
                                format!("Apply interrupted after SageMaker pipeline {:?} was updated", after.name),
                                "Terraform asked the provider to stop. The pipeline's definition and settings are updated as planned and recorded in the state (a change of its tags, if any, was not made); re-run the command to finish the rest of the apply.",
                            ));
                        }
                        version = version_after(sm, &after.name, None, &mut diags).await;
                    }
                    Err(d) => {
                        diags.push(d);
                        return Outcome { state: prior.clone(), diagnostics: diags, private: None };
                    }
                },
            }
            crate::logging::info("updated pipeline", &[("pipeline", &after.name)]);
        }
        let mut state = planned.clone();
        model::set(&mut state, "arn", prior.get("arn").cloned().unwrap_or(Value::Null));
        model::set(&mut state, "version_id", version);
        if old_tags != new_tags {
            let arn = model::string(prior, "arn").value().unwrap_or_default();
            if let Err(e) = sm.update_tags(&after.name, &arn, &old_tags, &new_tags).await {
                diags.push(aws_diag(
                    format!("Failed to update the tags of SageMaker pipeline {:?}", after.name),
                    &e,
                ));
                // The state keeps the prior tags; the next refresh reads what SageMaker holds
                // (tags are removed before others are added, so some may have changed).
                model::set(
                    &mut state,
                    "tags_all",
                    prior.get("tags_all").cloned().unwrap_or(Value::Null),
                );
                model::set(&mut state, "tags", prior.get("tags").cloned().unwrap_or(Value::Null));
            }
        }
        Outcome { state, diagnostics: diags, private: None }
    }

    async fn delete(&self, data: &ProviderData, prior: &Value, private: &[u8]) -> Diagnostics {
        let mut diags = Diagnostics::new();
        let sm = match data.sagemaker() {
            Ok(s) => s,
            Err(d) => return d,
        };
        let name = model::string(prior, "name").value().unwrap_or_default();
        let arn = model::string(prior, "arn").value().unwrap_or_default();
        let _same_name = data.claims.lock(&name).await;
        if data.claims.claimed(&arn) {
            crate::logging::info(
                "kept the pipeline a create of this apply made or took over",
                &[("pipeline", &name), ("arn", &arn)],
            );
            diags.push(Diagnostic::warning(
                format!("SageMaker pipeline {name:?} was kept, not deleted and created again"),
                "A create in this apply already made or took over this pipeline: a replacement with create_before_destroy and an unchanged name, or another resource instance with the same pipeline name (a re-keyed for_each or count, a renamed resource). SageMaker pipeline names are unique, so deleting this object would have deleted the pipeline the new object manages. The pipeline, its execution history and its versions are kept, and the new object manages it. To really delete and create it again, remove create_before_destroy from the resource's lifecycle block and apply with -replace.",
            ));
            return diags;
        }
        // Another object's create took the pipeline over since this one created or imported it:
        // it manages the pipeline now (see `aws::OWNER_TAG`). An object holding no token was
        // created or imported before tokens were kept, and never marked a pipeline: any mark is
        // another object's (review finding: such an old object, left deposed by an interrupted
        // create_before_destroy replacement, deleted the pipeline the new object had taken over).
        if !arn.is_empty() {
            let own = owner_token(private);
            match sm.owner_mark(&name, &arn).await {
                Ok(Some(mark)) if Some(&mark) != own.as_ref() => {
                    crate::logging::info(
                        "kept the pipeline another object took over",
                        &[("pipeline", &name), ("arn", &arn)],
                    );
                    diags.push(Diagnostic::warning(
                        format!("SageMaker pipeline {name:?} was kept, not deleted"),
                        "Another Terraform object took this pipeline over after this one created or imported it (a create of the same name found it with the definition, role and tags it planned and no runs): the new object of a replacement with create_before_destroy whose apply was interrupted before this old object was deleted, or a resource of another workspace or state. That object manages the pipeline now, so this one is removed from the state and the pipeline, its versions and history are kept. To delete it, destroy the object that took it over (or import it here and destroy it).",
                    ));
                    return diags;
                }
                Ok(_) => {}
                // The listing of a pipeline that is gone fails (moto answers 500): the delete
                // below says whether it is.
                Err(e) => match sm.describe(&name).await {
                    Ok(None) => {}
                    _ => {
                        let mut d =
                            aws_diag(format!("Failed to delete SageMaker pipeline {name:?}"), &e);
                        d.detail.push_str("\n\nNothing was deleted: whether another Terraform object took the pipeline over (ListTags) could not be checked. Try again.");
                        diags.push(d);
                        return diags;
                    }
                },
            }
        }
        match sm.delete(&name).await {
            Ok(true) => {
                crate::logging::info("deleted pipeline", &[("pipeline", &name)]);
                // A replacement creates the same name next: wait until SageMaker is done.
                let still = match sm.wait_deleted(&name).await {
                    Ok(true) => None,
                    Ok(false) => Some(String::from("SageMaker had not finished deleting it when operation_timeout ran out or the apply was interrupted")),
                    Err(e) => Some(format!("checking whether SageMaker had finished deleting it failed: {}", e.cause())),
                };
                if let Some(why) = still {
                    diags.push(Diagnostic::warning(
                        format!("SageMaker pipeline {name:?} may still be being deleted"),
                        format!("DeletePipeline was accepted, and {why}. A pipeline of the same name cannot be created until the deletion has finished: if this apply creates one (a replacement), and that fails, apply again after a while."),
                    ));
                }
            }
            Ok(false) => crate::logging::info("pipeline was already gone", &[("pipeline", &name)]),
            Err(e) => {
                diags.push(aws_diag(format!("Failed to delete SageMaker pipeline {name:?}"), &e))
            }
        }
        diags
    }

    async fn import(&self, data: &ProviderData, id: &str) -> ImportResponse {
        let mut diags = Diagnostics::new();
        let name = id;
        // An ARN is accepted too: its last path segment is the name. One of another region would
        // only be "not found" in this provider's region: say which region it is in.
        if let Ok(sm) = data.sagemaker() {
            if let Some((arn_region, ours)) = super::arn_in_other_region(sm, name).await {
                diags.error(
                    format!("Cannot import {id:?}: the pipeline is in region {arn_region}"),
                    format!("This provider configuration sends to region {ours}, where SageMaker has no such pipeline. Import it through a provider configuration for {arn_region}: add a provider \"sagemaker\" block with an alias and region = \"{arn_region}\", and set provider = sagemaker.<alias> on the resource."),
                );
                return ImportResponse { state: None, diagnostics: diags, private: Vec::new() };
            }
        }
        let name = name.rsplit_once(":pipeline/").map(|(_, n)| n).unwrap_or(name);
        if !valid_pipeline_name(name) {
            let (summary, hint) = if id.contains(":pipeline/") && id.contains("/execution/") {
                ("not a pipeline name: an execution ARN", "A run is imported into a sagemaker_ml_pipeline_execution resource, by this ARN; a sagemaker_ml_pipeline by its pipeline name or ARN. ")
            } else if id.starts_with("arn:") {
                ("not a pipeline ARN", "A pipeline ARN reads `arn:<partition>:sagemaker:<region>:<account>:pipeline/<name>`. ")
            } else {
                ("not a pipeline name", "")
            };
            diags.error(
                format!("Cannot import {:?}: {summary}", super::shorten(id)),
                format!("{hint}Import a sagemaker_ml_pipeline by its pipeline name (1-256 letters, digits and hyphens) or its ARN, e.g. `terraform import sagemaker_ml_pipeline.training churn-training`."),
            );
            return ImportResponse { state: None, diagnostics: diags, private: Vec::new() };
        }
        let mut stub = import_stub(name);
        // An ARN names the account: the read checks that the pipeline found is in it.
        if id.starts_with("arn:") {
            model::set(&mut stub, "arn", Value::string(id));
        }
        // The imported object owns the pipeline as it finds it: by the mark of the object that
        // took it over last, if any (so that its destroy deletes it), else by a token of its own
        // (so that the delete of this object, once a create_before_destroy replacement took the
        // pipeline from it, keeps it: re-check finding).
        // A failed look fails the import: with a made-up token the object's delete would keep
        // a pipeline another object marked (review finding), and with none, too (see `delete`).
        let sm = match data.sagemaker() {
            Ok(sm) => sm,
            Err(d) => return ImportResponse { state: None, diagnostics: d, private: Vec::new() },
        };
        let token = match sm.describe(name).await {
            Ok(Some(p)) => Some(p.owner_mark.unwrap_or_else(crate::aws::request_token)),
            // Not found: the read that follows says so.
            Ok(None) => None,
            Err(e) => {
                let mut d = aws_diag(format!("Cannot import SageMaker pipeline {name:?}"), &e);
                d.detail.push_str("\n\nNothing was imported. Try again.");
                diags.push(d);
                return ImportResponse { state: None, diagnostics: diags, private: Vec::new() };
            }
        };
        ImportResponse {
            state: Some(stub),
            diagnostics: diags,
            private: private_data(None, token.as_deref()),
        }
    }
}

/// Schema version 0 kept the whole definition text in `definition`; version 1 keeps its parts
/// and fingerprint (docs/design/0003-reviewable-plans.md).
fn upgrade_v0(json: &[u8]) -> Result<Vec<u8>, String> {
    let mut state: Json = serde_json::from_slice(json).map_err(|e| e.to_string())?;
    let obj = state.as_object_mut().ok_or("the state is not an object")?;
    let definition = obj.remove("definition");
    let (parts, sha) = match definition.as_ref().and_then(Json::as_str) {
        Some(text) => {
            let mut v = Value::object([("definition_parts", Value::Null)]);
            set_definition(&mut v, Some(split_or_whole(text)));
            let parts = model::string_map(&v, "definition_parts").value().unwrap_or_default();
            let sha = v
                .get_str("definition_sha256")
                .map(|s| Json::String(s.to_string()))
                .unwrap_or(Json::Null);
            (Json::Object(parts.into_iter().map(|(k, t)| (k, Json::String(t))).collect()), sha)
        }
        None => (Json::Null, Json::Null),
    };
    obj.insert("definition_parts".into(), parts);
    obj.insert("definition_sha256".into(), sha);
    serde_json::to_vec(&state).map_err(|e| e.to_string())
}

// ---- mapping to and from the API ----------------------------------------------------------

/// Puts the definition where `spec` sends SageMaker to read it (nothing to do for an inline
/// definition). The key is content-addressed, so a repeated put (a retry, a re-apply after a
/// lost answer) writes the same bytes again.
async fn upload_definition(sm: &SageMaker, spec: &PipelineSpec) -> Result<(), Diagnostic> {
    let Some(object) = &spec.definition_s3 else { return Ok(()) };
    match sm.put_definition(&spec.name, object, &spec.definition).await {
        Ok(()) => {
            crate::logging::info(
                "uploaded pipeline definition",
                &[("pipeline", &spec.name), ("uri", &object.uri())],
            );
            Ok(())
        }
        Err(e) => Err(aws_diag(
            format!(
                "Failed to upload the definition of SageMaker pipeline {:?} to {}",
                spec.name,
                object.uri()
            ),
            &e,
        )
        .at(AttrPath::root("definition_s3"))),
    }
}

/// Replaces a described definition that is not JSON with the object this provider put it in
/// (see [`readback_object`] for when and why). When the object cannot be read, the described
/// text stays, so the plan shows the definition replaced, and a warning says why.
async fn definition_from_s3(
    sm: &SageMaker,
    remote: &mut DeployedPipeline,
    object: &S3Object,
    diags: &mut Diagnostics,
) {
    let uri = object.uri();
    let why = "DescribePipeline returned a definition that is not JSON (the local moto endpoint renders a definition read from S3 as a Python dict)";
    match sm.get_definition(&remote.name, object).await {
        Ok(text) if serde_json::from_str::<Json>(&text).is_ok() => {
            crate::logging::info(
                "comparing the definition object in S3, not DescribePipeline's text",
                &[("pipeline", &remote.name), ("uri", &uri), ("why", why)],
            );
            remote.definition = text;
        }
        outcome => {
            let cause = match outcome {
                Ok(_) => "the object is not JSON either".to_string(),
                Err(e) => e.cause(),
            };
            diags.push(Diagnostic::warning(
                format!("Could not read the deployed definition of SageMaker pipeline {:?}", remote.name),
                format!("{why}, and reading the uploaded definition at {uri} failed: {cause}. The plan compares DescribePipeline's text, so it may show the definition replaced; applying uploads and deploys it again."),
            ));
        }
    }
}

/// Decides what a failed CreatePipeline left behind. When the outcome is unknown (no answer,
/// interrupted) or the name is taken, DescribePipeline says whether a pipeline of that name
/// exists; it is adopted when it is the one this apply was creating (semantically the same
/// definition, the same role and tags: an earlier attempt, or an apply whose provider was
/// killed, created it) and brought in line with the plan's other settings. Otherwise the result
/// is the diagnostics to return with a null state.
async fn settle_create(
    sm: &SageMaker,
    claims: &Claims,
    spec: &PipelineSpec,
    e: &AwsError,
) -> Result<(DeployedPipeline, Option<Diagnostic>), Diagnostics> {
    let summary = format!("Failed to create SageMaker pipeline {:?}", spec.name);
    // The credential check before the first call failed: CreatePipeline was never sent
    // (multi-account finding: an STS that did not answer read as "whether the pipeline was
    // created is not known").
    let never_sent = e.service == crate::aws::Service::Sts;
    if never_sent || (e.kind != ErrorKind::AlreadyExists && !e.outcome_unknown()) {
        return Err(aws_diag(summary, e).into());
    }
    let remote = match sm.describe_settling(&spec.name).await {
        Ok(Some(remote)) => remote,
        Ok(None) if e.kind == ErrorKind::Interrupted => {
            return Err(Diagnostic::error(
                format!("Apply interrupted before SageMaker pipeline {:?} was created", spec.name),
                "Terraform asked the provider to stop; SageMaker has no pipeline of that name. If it still carries out the request, the next apply adopts the pipeline. Re-run the command to finish.",
            )
            .into())
        }
        Ok(None) => return Err(aws_diag(summary, e).into()),
        Err(check) => {
            let mut d = aws_diag(summary, e);
            d.detail.push_str(&format!(
                "\n\nWhether the pipeline was created is not known (an attempt whose answer did not arrive, or was not SageMaker's, may have been carried out): checking with DescribePipeline failed too ({}). If it was created, the next apply adopts it.",
                check.cause()
            ));
            return Err(d.into());
        }
    };
    // Another resource of this apply made or took over this pipeline: two resources declare
    // the same name (helper finding: both took it over, and removing either one later deleted
    // it under the other).
    if claims.claimed(&remote.arn) {
        return Err(Diagnostic::error(
            format!("Another resource of this apply already manages SageMaker pipeline {:?}", spec.name),
            "Pipeline names are unique in an account and region, and another sagemaker_ml_pipeline resource (or instance) of this configuration created or took over this pipeline in this apply, so this one does not: two resources would manage one pipeline, and removing either would delete it under the other. Give one of them another name (e.g. with its for_each key in the name).",
        )
        .into());
    }
    if remote.is_deleting() {
        return Err(Diagnostic::error(
            format!("SageMaker pipeline {:?} is being deleted", spec.name),
            "A pipeline of that name exists and SageMaker is deleting it, so a new one cannot take the name yet and this one is not adopted. Apply again once the deletion has finished (the pipeline no longer shows in the console or in ListPipelines).",
        )
        .into());
    }
    let differences = creation_differences(spec, &remote);
    // What every refusal below adds when CreatePipeline did not answer "taken" itself.
    let failed = if e.kind == ErrorKind::AlreadyExists {
        String::new()
    } else {
        format!("\n\n(CreatePipeline itself failed: {})", e.cause())
    };
    if !differences.is_empty() {
        let mut detail = format!(
            "A pipeline of that name exists in {} and is not the one this configuration describes (its {} {}). To manage it with Terraform, import it: `terraform import sagemaker_ml_pipeline.<resource name> {}` (or an `import` block on Terraform 1.5 and later), then plan; or choose another name.",
            if e.region.is_empty() { "this account".to_string() } else { format!("region {}", e.region) },
            match differences.as_slice() {
                [.., last] if differences.len() > 1 => format!("{} and {last}", differences[..differences.len() - 1].join(", ")),
                _ => differences.join(""),
            },
            if differences.len() > 1 || differences == ["tags"] { "differ" } else { "differs" },
            spec.name,
        );
        detail.push_str(" (In a replacement with lifecycle create_before_destroy that keeps the name, this is the pipeline being replaced: it still holds the name, so remove create_before_destroy or change the name.)");
        detail.push_str(&failed);
        return Err(Diagnostic::error(
            format!("SageMaker pipeline {:?} already exists", spec.name),
            detail,
        )
        .into());
    }
    // A pipeline with runs is not one an interrupted apply of this resource just created: it is
    // in use, and its runs belong to whoever manages it (hostile-network finding: the old
    // object of a create_before_destroy replacement, taken over and then, after an interrupted
    // apply, deleted by the next one; another resource declaring the same name; a pipeline
    // released with a `removed` block). Taking it over would put its history at the mercy of
    // this resource's destroy. A failed check is not a yes.
    match sm.has_executions(&spec.name).await {
        Ok(false) => {}
        Ok(true) => {
            return Err(Diagnostic::error(
                format!("SageMaker pipeline {:?} already exists and is not taken over", spec.name),
                format!("A pipeline of that name exists with the definition, role and tags this apply creates, and it has runs: it is in use, and taking it over would put its runs and history at the mercy of this resource's destroy. (An interrupted apply that created it and then started a run cannot be told apart.) To manage it here, import it: `terraform import sagemaker_ml_pipeline.<resource name> {name}` (or an `import` block on Terraform 1.5 and later). If another resource of this configuration declares the same name, give one of them another name. If this apply replaces it with lifecycle create_before_destroy and an unchanged name, remove create_before_destroy: the name must be free before the new pipeline is created. If another resource of this configuration deletes it in this apply (a re-keyed for_each or count, a renamed resource), apply again once it is deleted, or use a moved block to keep it and its history.{failed}", name = spec.name),
            )
            .into());
        }
        Err(check) => {
            return Err(Diagnostic::error(
                format!("SageMaker pipeline {:?} already exists; whether it can be taken over is not known", spec.name),
                format!("A pipeline of that name exists with the definition, role and tags this apply creates (an earlier, interrupted attempt may have created it). It is taken over only when it has no runs, and checking that failed: {}. Apply again; if it has no runs, it is then taken over.{failed}", check.cause()),
            )
            .into());
        }
    }
    let description = |d: &Option<String>| d.clone().unwrap_or_default();
    let needs_update = (spec.display_name.is_some() && spec.display_name != remote.display_name)
        || description(&spec.description) != description(&remote.description)
        || (spec.max_parallel_execution_steps.is_some()
            && spec.max_parallel_execution_steps != remote.max_parallel_execution_steps);
    if needs_update && !crate::stop::requested() {
        // Adopted from an earlier run that planned other settings: bring it in line with this plan.
        // UpdatePipeline keeps a description it is not sent; an empty one clears it.
        let wanted =
            PipelineSpec { description: Some(description(&spec.description)), ..spec.clone() };
        if let Err(u) = sm.update(&wanted).await {
            // The pipeline is the one this apply created: it is recorded whatever this update
            // did (reviewer finding: an error here left it out of the state). The next refresh
            // reads the settings SageMaker holds, and the plan shows what is left to change.
            let d = aws_warning(
                format!("Could not update adopted SageMaker pipeline {:?}", spec.name),
                &u,
                "\n\nThe pipeline is recorded in the state. Its display name, description or parallelism may still differ from this configuration: the next plan shows it, and applying sets them.",
            );
            return Ok((remote, Some(d)));
        }
    }
    Ok((remote, None))
}

/// Decides what a failed UpdatePipeline did. When its outcome is unknown (no answer, timed out,
/// interrupted), or a retry was refused as a conflict (an earlier attempt may have got through),
/// DescribePipeline says whether the deployed pipeline is now the planned one (semantically the
/// same definition; the same role, display name, description and parallelism): then the update
/// took effect and `Ok` lets the state record it. Otherwise the state keeps the prior object
/// (the next refresh reads what SageMaker holds), and the error says whether the check could be
/// made. Recording the update matters: with the prior state kept, the next plan would show only
/// `steps (sensitive value)` changing, an update that changes nothing on SageMaker
/// (hostile-network finding).
async fn settle_update(
    sm: &SageMaker,
    spec: &PipelineSpec,
    e: &AwsError,
) -> Result<(), Diagnostic> {
    let mut d = aws_diag(format!("Failed to update SageMaker pipeline {:?}", spec.name), e);
    let unknown = e.outcome_unknown();
    let conflict = e.kind == ErrorKind::Rejected && e.code.as_deref() == Some("ConflictException");
    if e.service == crate::aws::Service::Sts || !(unknown || conflict) {
        return Err(d);
    }
    match sm.describe_settling(&spec.name).await {
        Ok(Some(remote)) if !remote.is_deleting() && update_took_effect(spec, &remote) => Ok(()),
        Ok(_) if !unknown => Err(d),
        Ok(Some(remote)) if remote.is_deleting() => {
            d.detail.push_str("\n\nDescribePipeline shows the pipeline being deleted. The next plan creates it again.");
            Err(d)
        }
        Ok(Some(_)) => {
            d.detail.push_str("\n\nDescribePipeline did not show the planned definition and settings when checked: the update had not taken effect. Applying again sends it again (if it takes effect after all, the next plan shows only the steps changing, and applying records it).");
            Err(d)
        }
        Ok(None) => {
            d.detail.push_str("\n\nDescribePipeline finds no pipeline of that name any more. The next plan creates it again.");
            Err(d)
        }
        Err(check) => {
            d.detail.push_str(&format!(
                "\n\nWhether the update took effect is not known: checking with DescribePipeline failed too ({}). The next plan compares the deployed pipeline with the configuration; applying again sends what still differs.",
                check.cause()
            ));
            Err(d)
        }
    }
}

/// Whether `remote` is what UpdatePipeline with `spec` leaves behind. A description sent empty
/// clears it (see `update`); a display name or parallelism not sent is left as it was.
fn update_took_effect(spec: &PipelineSpec, remote: &DeployedPipeline) -> bool {
    let text = |d: &Option<String>| d.clone().unwrap_or_default();
    semantic::definitions_equal(&spec.definition, &remote.definition)
        && spec.role_arn == remote.role_arn
        && (spec.display_name.is_none() || spec.display_name == remote.display_name)
        && (spec.description.is_none() || text(&spec.description) == text(&remote.description))
        && (spec.max_parallel_execution_steps.is_none()
            || spec.max_parallel_execution_steps == remote.max_parallel_execution_steps)
}

/// What makes a deployed pipeline another one than the planned create: its definition
/// (compared semantically), role or tags.
fn creation_differences(spec: &PipelineSpec, remote: &DeployedPipeline) -> Vec<&'static str> {
    let mut out = Vec::new();
    if !semantic::definitions_equal(&spec.definition, &remote.definition) {
        out.push("definition");
    }
    if spec.role_arn != remote.role_arn {
        out.push("role_arn");
    }
    if spec.tags != remote.tags {
        out.push("tags");
    }
    out
}

/// Whether `state` is still an [`import_stub`]: no definition recorded yet, so the read in
/// progress is an import's.
fn importing(state: &Value) -> bool {
    model::string_map(state, "definition_parts") == Known::Null
}

/// A state with only the identity set; `read` fills in the rest from SageMaker.
fn import_stub(name: &str) -> Value {
    let Type::Object(attrs) = pipeline_schema().block.value_type() else { return Value::Null };
    let mut obj: BTreeMap<String, Value> = attrs.keys().map(|k| (k.clone(), Value::Null)).collect();
    obj.insert("parameter".into(), Value::List(Vec::new()));
    obj.insert("name".into(), Value::string(name));
    obj.insert("id".into(), Value::string(name));
    Value::Object(obj)
}

/// The state after a successful describe. `importing` (no definition in state yet) reads
/// everything back; otherwise only what the user owns is taken from SageMaker.
fn refreshed(
    state: &Value,
    remote: &DeployedPipeline,
    default_tags: &Known<BTreeMap<String, String>>,
) -> Value {
    let importing = importing(state);
    let mut s = state.clone();
    model::set(&mut s, "arn", Value::string(remote.arn.clone()));
    model::set(&mut s, "id", Value::string(remote.name.clone()));
    model::set(&mut s, "role_arn", Value::string(remote.role_arn.clone()));
    model::set(
        &mut s,
        "display_name",
        model::opt_string(remote.display_name.clone().filter(|d| !d.is_empty())),
    );
    if importing || !matches!(model::string(state, "description"), Known::Null) {
        let remote_description = remote.description.clone().filter(|d| !d.is_empty());
        // SageMaker does not distinguish "" from no description; keep the user's "".
        let description = match (remote_description, model::string(state, "description")) {
            (None, Known::Value(mine)) if mine.is_empty() => Some(mine),
            (r, _) => r,
        };
        model::set(&mut s, "description", model::opt_string(description));
    }
    let had_parallelism = state.get("parallelism_config").is_some_and(|p| !p.is_null());
    if importing || had_parallelism {
        let p = remote
            .max_parallel_execution_steps
            .map(|n| {
                Value::object([(
                    "max_parallel_execution_steps",
                    Value::Number(Number::from(n as i64)),
                )])
            })
            .unwrap_or(Value::Null);
        model::set(&mut s, "parallelism_config", p);
    }
    let mine = model::string_map(state, "definition_parts").value().unwrap_or_default();
    let deployed = parts_keeping_equal(&remote.definition, &mine);
    let definition = parts_text(&deployed).unwrap_or_else(|| remote.definition.clone());
    set_definition(&mut s, Some(deployed));
    if importing {
        let (params, steps) = definition_parts(&definition);
        model::set(&mut s, "parameter", Value::List(params));
        model::set(&mut s, "steps", steps);
        model::set(&mut s, "experiment_config", experiment_config_of(&definition));
    }
    // tags: what the user declared (as deployed) plus anything added outside Terraform that is
    // not explained by default_tags; tags_all: everything deployed.
    let defaults = match default_tags {
        Known::Value(d) => d.clone(),
        Known::Null => BTreeMap::new(),
        // default_tags not known yet (plan-time refresh): the split cannot be decided.
        Known::Unknown => {
            model::set(&mut s, "tags_all", model::string_map_value(&remote.tags));
            return s;
        }
    };
    let declared = model::string_map(state, "tags").value().unwrap_or_default();
    // What the last apply deployed: a tag it deployed from default_tags is not drift after
    // default_tags changed (helper finding: changing a default tag's value read as that tag
    // added to `tags` outside Terraform, and then removed by the plan).
    let applied = model::string_map(state, "tags_all").value().unwrap_or_default();
    let tags: BTreeMap<String, String> = remote
        .tags
        .iter()
        .filter(|(k, v)| {
            declared.contains_key(*k)
                || (defaults.get(*k) != Some(*v) && applied.get(*k) != Some(*v))
        })
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    let tags_value = if tags.is_empty() && model::string_map(state, "tags") == Known::Null {
        Value::Null
    } else {
        model::string_map_value(&tags)
    };
    model::set(&mut s, "tags", tags_value);
    model::set(&mut s, "tags_all", model::string_map_value(&remote.tags));
    s
}

/// The `experiment_config` block of a deployed definition, when it can be written in HCL. A
/// value is first put in its semantic normal form, so the SDK's `Join(on="-", ...)` reads back
/// as the `{{ }}` text that compiles to the same string.
fn experiment_config_of(definition: &str) -> Value {
    let Ok(v) = serde_json::from_str::<Json>(definition) else { return Value::Null };
    let Some(cfg) = v.get("PipelineExperimentConfig").filter(|c| c.is_object()) else {
        return Value::Null;
    };
    let ctx = semantic::Context::of_definition(&v);
    let field = |key: &str| match cfg.get(key) {
        None | Some(Json::Null) => Some(Value::Null),
        Some(x) => expr::decompile_string(&semantic::normal_expression(x, &ctx)).map(Value::string),
    };
    match (field("ExperimentName"), field("TrialName")) {
        (Some(e), Some(t)) => Value::object([("experiment_name", e), ("trial_name", t)]),
        _ => Value::Null,
    }
}

/// Parameter blocks and step texts of a deployed definition (used after import).
fn definition_parts(definition: &str) -> (Vec<Value>, Value) {
    let Ok(v) = serde_json::from_str::<Json>(definition) else { return (Vec::new(), Value::Null) };
    let params = v
        .get("Parameters")
        .and_then(Json::as_array)
        .map(|ps| {
            ps.iter()
                .map(|p| {
                    let enums = p
                        .get("EnumValues")
                        .and_then(Json::as_array)
                        .map(|e| {
                            Value::list(e.iter().filter_map(|x| x.as_str().map(Value::string)))
                        })
                        .unwrap_or(Value::Null);
                    Value::object([
                        (
                            "name",
                            model::opt_string(
                                p.get("Name").and_then(Json::as_str).map(str::to_string),
                            ),
                        ),
                        (
                            "type",
                            Value::string(p.get("Type").and_then(Json::as_str).unwrap_or("String")),
                        ),
                        (
                            "default",
                            model::opt_string(
                                p.get("DefaultValue").and_then(definition::default_to_text),
                            ),
                        ),
                        ("enum_values", enums),
                    ])
                })
                .collect()
        })
        .unwrap_or_default();
    let steps = v
        .get("Steps")
        .and_then(Json::as_array)
        .filter(|s| !s.is_empty())
        .map(|s| Value::list(s.iter().map(|step| Value::string(canonical::to_string(step)))))
        .unwrap_or(Value::Null);
    (params, steps)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stored(parts: &[(&str, &str)], sha: &str, role: &str) -> Value {
        Value::object([
            ("definition_parts", Value::map(parts.iter().map(|(k, v)| (*k, Value::string(*v))))),
            ("definition_sha256", Value::string(sha)),
            ("role_arn", Value::string(role)),
            ("display_name", Value::string("p")),
            ("description", Value::Null),
            ("parallelism_config", Value::Null),
        ])
    }

    /// The token an object owns its pipeline by lives as long as the object: a refresh keeps it
    /// beside what it found edited outside Terraform, an update keeps it alone.
    #[test]
    fn the_owner_token_survives_refreshes_and_updates() {
        let applied = stored(&[("Steps.A", "1")], "old", "r1");
        let deployed = stored(&[("Steps.A", "2")], "new", "r1");
        let created = private_data(None, Some("tok"));
        let r = MlPipeline;
        let refreshed = r.private_after_read(&applied, &deployed, &created);
        assert_eq!(owner_token(&refreshed).as_deref(), Some("tok"));
        assert!(EditedOutside::decode(&refreshed, &deployed).is_some());
        let updated = r.kept_private(&refreshed);
        assert_eq!(owner_token(&updated).as_deref(), Some("tok"));
        assert_eq!(EditedOutside::decode(&updated, &deployed), None);
        // No token (an object created before tokens were kept): nothing kept.
        assert!(r.private_after_read(&applied, &applied, &[]).is_empty());
        assert!(r.kept_private(b"not json").is_empty());
    }

    /// Fresh-eyes finding: on Terraform >= 1.2 a deployed edit reverted by the plan reads like a
    /// configuration change. The refresh hands the plan what it found, for that object only.
    #[test]
    fn a_refresh_tells_the_plan_what_was_edited_outside_terraform() {
        let applied = stored(&[("Steps.A", "1"), ("Steps.B", "1")], "old", "r1");
        let deployed = stored(&[("Steps.A", "2"), ("Steps.B", "1"), ("Steps.C", "1")], "new", "r2");
        let found = EditedOutside::found(&applied, &deployed).expect("edits");
        assert_eq!(found.parts, ["Steps.A", "Steps.C"].map(String::from).into());
        assert_eq!(found.settings, vec!["role_arn".to_string()]);
        let private = private_data(Some(&found), None);
        assert_eq!(EditedOutside::decode(&private, &deployed), Some(found));
        // Kept by a plan without a refresh, or after an apply: not this object's finding.
        assert_eq!(EditedOutside::decode(&private, &applied), None);
        // Nothing differs, an import's first read (no stored definition), foreign bytes.
        assert_eq!(EditedOutside::found(&deployed, &deployed), None);
        let imported = Value::object([("definition_parts", Value::Null)]);
        assert_eq!(EditedOutside::found(&imported, &deployed), None);
        assert_eq!(EditedOutside::decode(b"\x01not json", &deployed), None);
        assert_eq!(EditedOutside::decode(b"", &deployed), None);
    }

    #[test]
    fn pipeline_names_follow_sagemaker_pattern() {
        for ok in ["a", "churn-training", "A1--b2", &"x".repeat(256)] {
            assert!(valid_pipeline_name(ok), "{ok}");
        }
        for bad in ["", "-a", "a-", "under_score", "with space", &"x".repeat(257)] {
            assert!(!valid_pipeline_name(bad), "{bad}");
        }
    }

    #[test]
    fn tags_checked_against_sagemaker_limits() {
        let mut d = Diagnostics::new();
        let tags: BTreeMap<String, String> = [
            ("aws:x", "v"),
            ("ok", "fine too\u{a0}"),
            ("bad#key", "v"),
            ("long", &"v".repeat(257)),
            ("tab\tkey", "v"),
            ("z", "line\nbreak"),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
        validate_tags(&tags, "tags", &mut d);
        let paths: Vec<String> =
            d.iter().map(|d| d.path.clone().unwrap_or_default().to_string()).collect();
        assert_eq!(
            paths,
            vec![
                "tags[\"aws:x\"]",
                "tags[\"bad#key\"]",
                "tags[\"long\"]",
                "tags[\"tab\\tkey\"]",
                "tags[\"z\"]"
            ]
        );
    }

    fn deployed(definition: &str, tags: &[(&str, &str)]) -> DeployedPipeline {
        DeployedPipeline {
            arn: "arn:aws:sagemaker:us-east-1:123456789012:pipeline/p".into(),
            name: "p".into(),
            role_arn: "arn:aws:iam::123456789012:role/r".into(),
            definition: definition.into(),
            display_name: Some("p".into()),
            description: None,
            status: Some("Active".into()),
            max_parallel_execution_steps: Some(4),
            tags: tags.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect(),
            owner_mark: None,
        }
    }

    fn state_with(definition: &str, tags: Value) -> Value {
        let mut s = import_stub("p");
        set_definition(&mut s, Some(split_or_whole(definition)));
        model::set(&mut s, "tags", tags);
        s
    }

    #[test]
    fn read_keeps_state_for_semantically_equal_definition() {
        let mine = r#"{"Steps":[],"Version":"2020-12-01"}"#;
        let s = state_with(mine, Value::Null);
        let r = refreshed(
            &s,
            &deployed("{ \"Version\": \"2020-12-01\", \"Steps\": [] }", &[]),
            &Known::Null,
        );
        assert_eq!(definition_text(&r).as_deref(), Some(mine));
        assert_eq!(
            r.get_str("definition_sha256").map(str::to_string),
            Some(parts::sha256_hex(mine))
        );
        assert!(
            r.get("parallelism_config").is_some_and(|p| p.is_null()),
            "unset parallelism is not claimed"
        );
    }

    #[test]
    fn read_surfaces_a_changed_definition_canonically() {
        let s = state_with(r#"{"Steps":[],"Version":"2020-12-01"}"#, Value::Null);
        let r = refreshed(
            &s,
            &deployed(r#"{"Version": "2020-12-01", "Steps": [{"Name": "X"}]}"#, &[]),
            &Known::Null,
        );
        assert_eq!(
            definition_text(&r).as_deref(),
            Some(r#"{"Steps":[{"Name":"X"}],"Version":"2020-12-01"}"#)
        );
        let parts = model::string_map(&r, "definition_parts").value().expect("parts");
        assert_eq!(
            parts.get("Steps.X").map(String::as_str),
            Some(r#"{"Name":"X"}"#),
            "the changed step is its own part"
        );
    }

    #[test]
    fn read_splits_tags_from_default_tags_and_keeps_out_of_band_ones() {
        let s = state_with(
            "{}",
            model::string_map_value(&[("owner".to_string(), "ml".to_string())].into()),
        );
        let defaults = Known::Value([("team".to_string(), "ml".to_string())].into());
        let r = refreshed(
            &s,
            &deployed("{}", &[("owner", "ml"), ("team", "ml"), ("sneaky", "1")]),
            &defaults,
        );
        let tags = model::string_map(&r, "tags").value().expect("tags");
        assert_eq!(tags.keys().collect::<Vec<_>>(), vec!["owner", "sneaky"]);
        assert_eq!(model::string_map(&r, "tags_all").value().map(|t| t.len()), Some(3));
    }

    /// Helper finding (session 13): after default_tags changed a tag's value (or dropped it),
    /// the refresh took the deployed old value for a tag added outside Terraform.
    #[test]
    fn a_tag_the_last_apply_deployed_from_default_tags_is_not_drift() {
        let mut s = state_with(
            "{}",
            model::string_map_value(&[("team".to_string(), "ml".to_string())].into()),
        );
        let applied = [("team", "ml"), ("managed-by", "terraform")];
        let all: BTreeMap<String, String> =
            applied.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        model::set(&mut s, "tags_all", model::string_map_value(&all));
        let now = Known::Value([("managed-by".to_string(), "tf".to_string())].into());
        let remote = deployed("{}", &[("team", "ml"), ("managed-by", "terraform"), ("added", "1")]);
        for defaults in [now, Known::Null] {
            let r = refreshed(&s, &remote, &defaults);
            let tags = model::string_map(&r, "tags").value().expect("tags");
            assert_eq!(tags.keys().collect::<Vec<_>>(), vec!["added", "team"], "{defaults:?}");
        }
        // A default tag changed outside Terraform is drift.
        let remote = deployed("{}", &[("team", "ml"), ("managed-by", "someone")]);
        let r = refreshed(&s, &remote, &Known::Null);
        let tags = model::string_map(&r, "tags").value().expect("tags");
        assert_eq!(tags.keys().collect::<Vec<_>>(), vec!["managed-by", "team"]);
    }

    /// Review finding: `description = ""` read back as null made every plan show a change.
    #[test]
    fn empty_description_is_kept() {
        let mut s = state_with("{}", Value::Null);
        model::set(&mut s, "description", Value::string(""));
        let r = refreshed(&s, &deployed("{}", &[]), &Known::Null);
        assert_eq!(r.get_str("description"), Some(""));
    }

    /// Fresh-eyes finding: an empty security group list in step_defaults passed, while the same
    /// block on a step is an error.
    #[test]
    fn step_defaults_vpc_needs_a_subnet_and_a_security_group() {
        let mut cfg = import_stub("p");
        model::set(&mut cfg, "steps", Value::list([Value::Unknown]));
        let vpc = |sgs: Vec<Value>| {
            Value::object([(
                "network",
                Value::object([
                    ("enable_network_isolation", Value::Null),
                    (
                        "vpc_config",
                        Value::object([
                            ("subnets", Value::list([Value::string("subnet-1")])),
                            ("security_group_ids", Value::list(sgs)),
                        ]),
                    ),
                ]),
            )])
        };
        model::set(&mut cfg, "step_defaults", vpc(vec![]));
        let d = validate_config(&cfg);
        assert_eq!(d.0.len(), 1, "{d:?}");
        assert_eq!(d.0[0].summary, "Incomplete VPC configuration");
        assert_eq!(
            d.0[0].path,
            Some(
                AttrPath::root("step_defaults")
                    .attr("network")
                    .attr("vpc_config")
                    .attr("security_group_ids")
            )
        );
        model::set(&mut cfg, "step_defaults", vpc(vec![Value::string("sg-1")]));
        assert!(validate_config(&cfg).is_empty());
    }

    /// Issue 6: `terraform validate` checks what it can while the steps' `json` is unknown.
    #[test]
    fn validate_checks_parameters_and_chains_while_steps_are_unknown() {
        let mut cfg = import_stub("p");
        model::set(&mut cfg, "steps", Value::list([Value::Unknown]));
        let param = |ty: &str, default: &str| {
            Value::object([
                ("name", Value::string("Epochs")),
                ("type", Value::string(ty)),
                ("default", Value::string(default)),
                ("enum_values", Value::Null),
            ])
        };
        model::set(&mut cfg, "parameter", Value::list([param("Intger", "3")]));
        model::set(&mut cfg, "dependencies", Value::list([Value::string("Prep"), Value::Unknown]));
        let d: Vec<String> = validate_config(&cfg)
            .iter()
            .map(|d| format!("{}: {} {}", d.path.clone().unwrap_or_default(), d.summary, d.detail))
            .collect();
        assert_eq!(d.len(), 2, "{d:?}");
        assert!(
            d[0].starts_with(
                "parameter[0].type: Unknown parameter type \"Intger\" Did you mean 'Integer'?"
            ),
            "{d:?}"
        );
        assert!(d[1].starts_with("dependencies[0]: Invalid dependency chain"), "{d:?}");
        model::set(&mut cfg, "parameter", Value::list([param("Integer", "3")]));
        model::set(&mut cfg, "dependencies", Value::list([Value::string("Prep >> Train")]));
        assert!(validate_config(&cfg).is_empty());
        model::set(&mut cfg, "steps", Value::list([Value::Unknown, Value::Null]));
        let d: Vec<String> = validate_config(&cfg)
            .iter()
            .map(|d| format!("{}: {}", d.path.clone().unwrap_or_default(), d.summary))
            .collect();
        assert_eq!(d, vec!["steps[1]: Null element in a list".to_string()]);
    }

    /// A role unknown at plan: the parts that hold it are unknown, the others known and equal
    /// to what the plan with the real role gives (Terraform requires known values to stay);
    /// the step order kept from the prior and the picture drawn from it (review finding: the
    /// picture was drawn from the new order while the parts kept the prior's).
    #[test]
    fn an_unknown_role_leaves_the_parts_without_it_known_and_stable() {
        let step = |name: &str, role: Option<&str>| {
            let role = role.map(|r| format!(r#","RoleArn":"{r}""#)).unwrap_or_default();
            Value::string(format!(
                r#"{{"Name":"{name}","Type":"Processing","Arguments":{{"AppSpecification":{{"ImageUri":"i"}},"ProcessingResources":{{"ClusterConfig":{{"InstanceCount":1,"InstanceType":"ml.m5.xlarge","VolumeSizeInGB":30}}}}{role}}}}}"#
            ))
        };
        let config = |role: Value, order: [&str; 2]| {
            let mut cfg = import_stub("p");
            model::set(
                &mut cfg,
                "step_defaults",
                Value::object([("role_arn", role), ("tags", Value::Null)]),
            );
            let own_role = Some("arn:aws:iam::123456789012:role/own");
            let steps = order.map(|n| step(n, if n == "Own" { own_role } else { None }));
            model::set(&mut cfg, "steps", Value::list(steps));
            cfg
        };
        let old_role = Value::string("arn:aws:iam::123456789012:role/old");
        let Compiled::Known(Some(prior_text), _) =
            compile_configuration(&config(old_role, ["Own", "Prep"]))
        else {
            panic!("the prior compiles")
        };
        let prior = split_or_whole(&prior_text);
        // The order of `steps` changes too: it carries no meaning, the prior order is kept.
        let planned = config(Value::Unknown, ["Prep", "Own"]);
        let p = parts_with_unknown_defaults(&planned, &prior).expect("partly known");
        assert_eq!(p.unknown, ["Steps.Prep"]);
        let known: BTreeMap<String, String> = p
            .parts
            .as_map()
            .expect("a map")
            .iter()
            .filter_map(|(k, v)| v.as_str().map(|t| (k.clone(), t.to_string())))
            .collect();
        assert!(known.contains_key("Steps.Own") && known.contains_key("Steps"), "{known:?}");
        // With the real role (a new one, and the deployed one again), every known part is what
        // the apply-time plan computes, and so is the picture.
        for real in ["arn:aws:iam::123456789012:role/new", "arn:aws:iam::123456789012:role/old"] {
            let Compiled::Known(Some(text), _) =
                compile_configuration(&config(Value::string(real), ["Prep", "Own"]))
            else {
                panic!("compiles with {real}")
            };
            let final_parts = parts_keeping_equal(&text, &prior);
            for (k, t) in &known {
                assert_eq!(final_parts.get(k), Some(t), "{k} with {real}");
            }
            let mut applied = Value::object([("definition_parts", Value::Null)]);
            set_definition(&mut applied, Some(final_parts));
            assert_eq!(applied.get("mermaid"), Some(&p.mermaid), "the picture with {real}");
        }
    }

    #[test]
    fn only_unknown_strings_are_filled() {
        let mut n = 0;
        let filled = fill_unknown_strings(
            &Value::object([
                ("role_arn", Value::Unknown),
                ("tags", Value::map([("team", Value::Unknown)])),
                ("subnets", Value::Set(vec![Value::string("subnet-1"), Value::Unknown])),
            ]),
            &mut n,
        )
        .expect("strings only");
        assert!(filled.is_known() && n == 3, "{filled:?}");
        assert!(filled
            .get("role_arn")
            .and_then(Value::as_str)
            .is_some_and(|r| r.starts_with("arn:aws:iam::")));
        for whole in [
            Value::object([("enable_network_isolation", Value::Unknown)]),
            Value::object([("tags", Value::Unknown)]),
            Value::Unknown,
        ] {
            assert!(fill_unknown_strings(&whole, &mut n).is_none(), "{whole:?}");
        }
    }

    /// Issue 6 (fresh-eyes finding): a role from an `aws_iam_role` created by the same apply, or
    /// one step whose `json` waits for another resource, turned off every pipeline check until
    /// apply. The known values are checked now, with paths to the configured elements, and
    /// nothing the unknown values could still make right is reported.
    #[test]
    fn plan_checks_what_the_known_values_decide() {
        let processing = |name: &str, arg: &str| {
            Value::string(format!(
                r#"{{"Name":"{name}","Type":"Processing","Arguments":{{"AppSpecification":{{"ImageUri":"i"}},"ProcessingResources":{{"ClusterConfig":{{"InstanceCount":1,"InstanceType":"ml.m5.xlarge","VolumeSizeInGB":30}}}},"Environment":{{"X":{arg}}}}}}}"#
            ))
        };
        let mut cfg = import_stub("p");
        let defaults = Value::object([
            ("role_arn", Value::Unknown),
            ("network", Value::Unknown),
            ("tags", Value::Unknown),
            ("volume_kms_key_id", Value::Unknown),
            ("output_kms_key_id", Value::Null),
        ]);
        model::set(&mut cfg, "step_defaults", defaults);
        let param = Value::object([
            ("name", Value::string("Threshold")),
            ("type", Value::string("Float")),
            ("default", Value::Unknown),
            ("enum_values", Value::Null),
        ]);
        model::set(&mut cfg, "parameter", Value::list([param]));
        let steps = [
            Value::Unknown,
            processing("Prep", r#"{"Get":"Parameters.Treshold"}"#),
            processing("Eval", r#"{"Get":"Steps.Train.TrainingJobName"}"#),
        ];
        model::set(&mut cfg, "steps", Value::list(steps));
        assert!(definition_input(&cfg).is_none());
        let (input, indexes) = input_for_checks(&cfg).expect("checkable");
        assert!(input.partial && input.open);
        assert_eq!(indexes, [1, 2]);
        let problems = |cfg: &Value| -> Vec<String> {
            let (input, indexes) = input_for_checks(cfg).expect("checkable");
            let (text, d) = definition::compile(&input, step_type_facts);
            assert!(text.is_none(), "a partial input compiles to no text");
            at_configured_steps(d, &indexes)
                .iter()
                .map(|d| format!("{}: {}", d.path.clone().unwrap_or_default(), d.summary))
                .collect()
        };
        // The misspelt parameter, at the element it is in; not "no IAM role" (the role is
        // unknown), not the reference to Train (it may be the unknown step).
        assert_eq!(
            problems(&cfg),
            ["steps[1]: step \"Prep\" references undeclared parameter \"Treshold\""]
        );
        assert_eq!(validate_config(&cfg).0.len(), 1, "validate reports it too");
        // Once every step is known, a step that is not there is judged.
        model::set(
            &mut cfg,
            "steps",
            Value::list([processing("Eval", r#"{"Get":"Steps.Train.TrainingJobName"}"#)]),
        );
        assert_eq!(problems(&cfg), ["steps[0]: step \"Eval\" references unknown step \"Train\""]);
        // Review finding: a default is not judged against a list with an unknown element.
        let mut unknown_enum = cfg.clone();
        let param = Value::object([
            ("name", Value::string("Env")),
            ("type", Value::Null),
            ("default", Value::string("prod")),
            ("enum_values", Value::list([Value::Unknown, Value::string("dev")])),
        ]);
        model::set(&mut unknown_enum, "parameter", Value::list([param]));
        model::set(&mut unknown_enum, "steps", Value::list([]));
        assert!(
            validate_config(&unknown_enum).0.is_empty(),
            "{:?}",
            validate_config(&unknown_enum)
        );
        // Review finding: with every input known, a null element before a step does not shift
        // the step's diagnostics onto it.
        let mut after_null = cfg.clone();
        let steps = [Value::Null, processing("Prep", r#"{"Get":"Parameters.Treshold"}"#)];
        model::set(&mut after_null, "steps", Value::list(steps));
        model::set(&mut after_null, "step_defaults", Value::Null);
        let param = Value::object([
            ("name", Value::string("Threshold")),
            ("type", Value::string("Float")),
            ("default", Value::string("0.5")),
            ("enum_values", Value::Null),
        ]);
        model::set(&mut after_null, "parameter", Value::list([param]));
        let Compiled::Known(_, d) = compile_configuration(&after_null) else {
            panic!("every input is known")
        };
        let paths: Vec<String> =
            d.iter().map(|d| d.path.clone().unwrap_or_default().to_string()).collect();
        assert!(paths.iter().all(|p| p == "steps[1]"), "{paths:?}");
        assert!(!paths.is_empty());
        // Not judged at all: an unknown parameter name.
        let mut unknown_name = cfg.clone();
        let param = Value::object([
            ("name", Value::Unknown),
            ("type", Value::string("Float")),
            ("default", Value::Null),
            ("enum_values", Value::Null),
        ]);
        model::set(&mut unknown_name, "parameter", Value::list([param]));
        assert!(input_for_checks(&unknown_name).is_none());
    }

    /// Review finding: a `dynamic "parameter"` with an unknown for_each arrives as one unknown
    /// value and must make the definition unknown, not parameter-less.
    #[test]
    fn unknown_dynamic_blocks_make_the_definition_unknown() {
        let mut cfg = import_stub("p");
        model::set(&mut cfg, "steps", Value::list([]));
        assert!(definition_input(&cfg).is_some());
        model::set(&mut cfg, "parameter", Value::Unknown);
        assert!(definition_input(&cfg).is_none());
    }

    #[test]
    fn import_reads_parameters_and_steps_back() {
        let def = r#"{"Version":"2020-12-01","Metadata":{},"Parameters":[{"Name":"Epochs","Type":"Integer","DefaultValue":3},{"Name":"Mode","Type":"String","EnumValues":["a","b"]}],"Steps":[{"Type":"Fail","Name":"F","Arguments":{"ErrorMessage":"x"}}]}"#;
        let r = refreshed(&import_stub("p"), &deployed(def, &[]), &Known::Null);
        let params = model::blocks(&r, "parameter");
        assert_eq!(params.len(), 2);
        assert_eq!(params[0].get_str("default"), Some("3"));
        assert_eq!(params[0].get_str("type"), Some("Integer"));
        assert_eq!(model::string_list(&params[1], "enum_values").value().map(|e| e.len()), Some(2));
        assert_eq!(
            model::string_list(&r, "steps").value().expect("steps"),
            vec![r#"{"Arguments":{"ErrorMessage":"x"},"Name":"F","Type":"Fail"}"#.to_string()]
        );
        assert_eq!(
            r.get("parallelism_config")
                .and_then(|p| p.get("max_parallel_execution_steps"))
                .and_then(|n| n.as_number())
                .and_then(|n| n.as_i64()),
            Some(4)
        );
        assert!(r.conforms(&pipeline_schema().block.value_type()).is_ok());
    }

    #[test]
    fn import_reads_experiment_config_back() {
        let def = r#"{"Version":"2020-12-01","Metadata":{},"Parameters":[],"PipelineExperimentConfig":{"ExperimentName":{"Get":"Execution.PipelineName"},"TrialName":{"Std:Join":{"On":"","Values":["t-",{"Get":"Execution.PipelineExecutionId"}]}}},"Steps":[]}"#;
        let r = refreshed(&import_stub("p"), &deployed(def, &[]), &Known::Null);
        let e = r.get("experiment_config").expect("block");
        assert_eq!(e.get_str("experiment_name"), Some("{{ Execution.PipelineName }}"));
        assert_eq!(e.get_str("trial_name"), Some("t-{{ Execution.PipelineExecutionId }}"));
        assert!(r.conforms(&pipeline_schema().block.value_type()).is_ok());
    }

    /// Issue 6: a definition created without Metadata and Parameters, with SDK-style joins, is
    /// the one this configuration compiles to; Read keeps the state's text.
    #[test]
    fn read_compares_semantically_not_textually() {
        let mine = r#"{"Metadata":{},"Parameters":[],"Steps":[{"Arguments":{"ErrorMessage":{"Std:Join":{"On":"","Values":["run ",{"Get":"Execution.PipelineExecutionId"}," failed"]}}},"Name":"F","Type":"Fail"}],"Version":"2020-12-01"}"#;
        let theirs = r#"{"Version":"2020-12-01","Steps":[{"Name":"F","Type":"Fail","Arguments":{"ErrorMessage":{"Std:Join":{"On":" ","Values":["run",{"Get":"Execution.PipelineExecutionId"},"failed"]}}}}]}"#;
        let r = refreshed(&state_with(mine, Value::Null), &deployed(theirs, &[]), &Known::Null);
        assert_eq!(definition_text(&r).as_deref(), Some(mine));
        let edited = theirs.replace("failed", "broke");
        let r = refreshed(&state_with(mine, Value::Null), &deployed(&edited, &[]), &Known::Null);
        assert!(definition_text(&r).is_some_and(|d| d.contains("broke")), "an edit is surfaced");
        let parts = model::string_map(&r, "definition_parts").value().expect("parts");
        let before = split_or_whole(mine);
        let changed: Vec<&String> =
            parts.keys().filter(|k| before.get(*k) != parts.get(*k)).collect();
        assert_eq!(
            changed,
            vec!["Steps.F"],
            "only the edited step differs (absent Metadata/Parameters are no change): {parts:?}"
        );
    }

    #[test]
    fn import_decompiles_an_sdk_join_in_the_experiment_config() {
        let def = r#"{"Version":"2020-12-01","PipelineExperimentConfig":{"ExperimentName":{"Get":"Execution.PipelineName"},"TrialName":{"Std:Join":{"On":"-","Values":["run",{"Get":"Execution.PipelineExecutionId"}]}}},"Steps":[]}"#;
        let r = refreshed(&import_stub("p"), &deployed(def, &[]), &Known::Null);
        let e = r.get("experiment_config").expect("block");
        assert_eq!(e.get_str("trial_name"), Some("run-{{ Execution.PipelineExecutionId }}"));
    }

    fn with_steps(mut v: Value, steps: &[&str]) -> Value {
        model::set(&mut v, "steps", Value::list(steps.iter().map(|s| Value::string(*s))));
        v
    }

    /// Issue 6: after an import, `steps` holds the deployed step objects; a configuration whose
    /// steps compile (with the state's step defaults) to the same steps plans the state's list.
    #[test]
    fn plan_keeps_imported_steps_that_mean_the_same() {
        let deployed_steps = [
            r#"{"Name":"L","Type":"Lambda","FunctionArn":"f","Arguments":{"run":{"Std:Join":{"On":"-","Values":[{"Get":"Execution.PipelineName"},"x"]}}}}"#,
            r#"{"Name":"P","Type":"Processing","Arguments":{"RoleArn":"arn:aws:iam::123456789012:role/r","Environment":{}}}"#,
        ];
        let mut prior = with_steps(import_stub("p"), &deployed_steps);
        model::set(
            &mut prior,
            "step_defaults",
            Value::object([
                ("role_arn", Value::string("arn:aws:iam::123456789012:role/r")),
                ("volume_kms_key_id", Value::Null),
                ("output_kms_key_id", Value::Null),
                ("tags", Value::Null),
                ("network", Value::Null),
            ]),
        );
        let configured = [
            r#"{"Arguments":{},"Name":"P","Type":"Processing"}"#,
            r#"{"Arguments":{"run":{"Std:Join":{"On":"","Values":[{"Get":"Execution.PipelineName"},"-x"]}}},"FunctionArn":"f","Name":"L","OutputParameters":[],"Type":"Lambda"}"#,
        ];
        // The role comes from the state's step_defaults; whatever the planned pipeline settings
        // are (here: unknown), the decision is the same.
        let mut planned = with_steps(import_stub("p"), &configured);
        model::set(&mut planned, "step_defaults", Value::Unknown);
        keep_prior_steps(&prior, &mut planned);
        assert_eq!(planned.get("steps"), prior.get("steps"));

        let changed: Vec<String> = configured.iter().map(|c| c.replace("-x", "-y")).collect();
        let changed: Vec<&str> = changed.iter().map(String::as_str).collect();
        let mut planned = with_steps(import_stub("p"), &changed);
        keep_prior_steps(&prior, &mut planned);
        assert_eq!(model::string_list(&planned, "steps").value().map(|s| s.len()), Some(2));
        assert_ne!(
            planned.get("steps"),
            prior.get("steps"),
            "a changed step plans the configuration"
        );

        // One step fewer is a change too.
        let mut planned = with_steps(import_stub("p"), &configured[..1]);
        keep_prior_steps(&prior, &mut planned);
        assert_ne!(planned.get("steps"), prior.get("steps"));
    }

    fn with_parameter(ty: &str, default: &str) -> Value {
        let mut v = import_stub("p");
        model::set(
            &mut v,
            "parameter",
            Value::list([Value::object([
                ("name", Value::string("T")),
                ("type", Value::string(ty)),
                ("default", Value::string(default)),
                ("enum_values", Value::Null),
            ])]),
        );
        v
    }

    /// The `default` attribute's declared semantic equality, applied as the framework does.
    fn keep_equal(prior: &Value, planned: &mut Value) {
        let config = planned.clone();
        crate::framework::schema::keep_semantically_equal(
            &pipeline_schema().block,
            &config,
            prior,
            planned,
        );
    }

    #[test]
    fn plan_keeps_the_state_spelling_of_an_equal_parameter_default() {
        let prior = with_parameter("Float", "6");
        let mut planned = with_parameter("Float", "6.0");
        keep_equal(&prior, &mut planned);
        assert_eq!(model::blocks(&planned, "parameter")[0].get_str("default"), Some("6"));

        let mut planned = with_parameter("Float", "6.5");
        keep_equal(&prior, &mut planned);
        assert_eq!(model::blocks(&planned, "parameter")[0].get_str("default"), Some("6.5"));

        // Text is text for a String parameter.
        let prior = with_parameter("String", "6");
        let mut planned = with_parameter("String", "6.0");
        keep_equal(&prior, &mut planned);
        assert_eq!(model::blocks(&planned, "parameter")[0].get_str("default"), Some("6.0"));

        // Semantic equality helper finding: blocks are paired by position, so the prior block
        // may be another type or another parameter; its reading of the text does not count.
        let default_of = |prior: &Value, config: &Value| {
            let mut planned = config.clone();
            crate::framework::schema::keep_semantically_equal(
                &pipeline_schema().block,
                config,
                prior,
                &mut planned,
            );
            model::blocks(&planned, "parameter")[0].get_str("default").map(str::to_string)
        };
        let block_of = |name: Value, ty: Value, default: &str| {
            let mut v = import_stub("p");
            let block = Value::object([
                ("name", name),
                ("type", ty),
                ("default", Value::string(default)),
                ("enum_values", Value::Null),
            ]);
            model::set(&mut v, "parameter", Value::list([block]));
            v
        };
        let param =
            |name: &str, ty: Value, default: &str| block_of(Value::string(name), ty, default);
        let param_named =
            |name: Value, default: &str| block_of(name, Value::string("Integer"), default);
        let float_6 = with_parameter("Float", "6.0");
        assert_eq!(default_of(&float_6, &with_parameter("String", "6")).as_deref(), Some("6"));
        let untyped = param("T", Value::Null, "6");
        assert_eq!(default_of(&float_6, &untyped).as_deref(), Some("6"), "no type is String");
        let other = param("R", Value::string("Integer"), "010");
        assert_eq!(default_of(&with_parameter("Integer", "10"), &other).as_deref(), Some("010"));
        // A name or type not known yet is not compared, so the plan repeated at apply (with it
        // known and the same) decides alike (review finding).
        let unknown_type = param("T", Value::Unknown, "010");
        assert_eq!(
            default_of(&with_parameter("Integer", "10"), &unknown_type).as_deref(),
            Some("10")
        );
        let unknown_name = param_named(Value::Unknown, "010");
        assert_eq!(
            default_of(&with_parameter("Integer", "10"), &unknown_name).as_deref(),
            Some("10")
        );
        // The same parameter still keeps its state spelling.
        assert_eq!(
            default_of(&with_parameter("Integer", "10"), &with_parameter("Integer", "010"))
                .as_deref(),
            Some("10")
        );
    }

    /// Review finding: a deployed definition that cannot be split is held whole; its text and
    /// fingerprint are that text, not a `{"Definition": ...}` wrapper around it.
    #[test]
    fn an_unsplittable_definition_is_held_whole() {
        let broken = r#"{"Steps":[{"Type":"Fail"}],"Version":"2020-12-01"}"#;
        let r = refreshed(&state_with("{}", Value::Null), &deployed(broken, &[]), &Known::Null);
        assert_eq!(definition_text(&r).as_deref(), Some(broken));
        assert_eq!(
            r.get_str("definition_sha256").map(str::to_string),
            Some(parts::sha256_hex(broken))
        );
    }

    #[test]
    fn version_0_state_upgrades_to_parts() {
        let old = r#"{"id":"p","name":"p","definition":"{\"Steps\":[{\"Name\":\"A\",\"Type\":\"Fail\"}],\"Version\":\"2020-12-01\"}","steps":null}"#;
        let new: Json =
            serde_json::from_slice(&upgrade_v0(old.as_bytes()).expect("upgrades")).expect("json");
        assert!(new.get("definition").is_none());
        assert_eq!(
            new["definition_parts"]["Steps.A"],
            Json::String(r#"{"Name":"A","Type":"Fail"}"#.into())
        );
        assert_eq!(
            new["definition_sha256"],
            Json::String(parts::sha256_hex(
                r#"{"Steps":[{"Name":"A","Type":"Fail"}],"Version":"2020-12-01"}"#
            ))
        );
        let decoded = crate::tfvalue::json::decode_json(
            &serde_json::to_vec(&new).expect("bytes"),
            &pipeline_schema().block.value_type(),
        );
        assert!(decoded.is_ok(), "{decoded:?}");
    }

    fn planned_spec(definition: &str, tags: &[(&str, &str)]) -> PipelineSpec {
        PipelineSpec {
            name: "p".into(),
            role_arn: "arn:aws:iam::123456789012:role/r".into(),
            definition: definition.into(),
            definition_s3: None,
            display_name: None,
            description: Some("planned".into()),
            max_parallel_execution_steps: None,
            tags: tags.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect(),
        }
    }

    /// Issue 6: a CreatePipeline whose answer was lost must be adopted when the pipeline found
    /// is the one being created, and refused (pointing at import) when it is another one.
    #[test]
    fn only_the_pipeline_being_created_is_adopted() {
        let planned = planned_spec(r#"{"Steps":[],"Version":"2020-12-01"}"#, &[("team", "ml")]);
        let same = deployed("{ \"Version\": \"2020-12-01\", \"Steps\": [] }", &[("team", "ml")]);
        assert!(creation_differences(&planned, &same).is_empty(), "same meaning, other spelling");
        let other =
            deployed(r#"{"Version":"2020-12-01","Steps":[{"Name":"X"}]}"#, &[("team", "ops")]);
        assert_eq!(creation_differences(&planned, &other), vec!["definition", "tags"]);
        let other_role =
            DeployedPipeline { role_arn: "arn:aws:iam::123456789012:role/other".into(), ..same };
        assert_eq!(creation_differences(&planned, &other_role), vec!["role_arn"]);
    }

    #[test]
    fn import_accepts_name_or_arn_and_rejects_garbage() {
        assert_eq!(import_stub("x").get_str("name"), Some("x"));
        assert!(valid_pipeline_name(
            "arn:aws:sagemaker:us-east-1:123456789012:pipeline/x"
                .rsplit_once(":pipeline/")
                .map(|(_, n)| n)
                .unwrap_or("")
        ));
    }
    const SHA: &str = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

    /// Issue 8: content-addressed keys, slashes around the prefix trimmed.
    #[test]
    fn definition_keys_are_the_prefix_and_the_sha256() {
        assert_eq!(definition_key(None, SHA), format!("{SHA}.json"));
        for prefix in ["pipelines/p", "/pipelines/p", "pipelines/p/", "//pipelines/p//"] {
            assert_eq!(
                definition_key(Some(prefix), SHA),
                format!("pipelines/p/{SHA}.json"),
                "{prefix}"
            );
        }
        for empty in ["", "/", "///"] {
            assert_eq!(definition_key(Some(empty), SHA), format!("{SHA}.json"), "{empty:?}");
        }
        assert_eq!(DEFINITION_FILE_NAME_LEN, format!("{SHA}.json").len());
        assert!(valid_key_prefix(&"a".repeat(954)));
        assert!(!valid_key_prefix(&"a".repeat(955)));
        assert!(valid_key_prefix(&format!("/{}/", "a".repeat(954))));
        assert_eq!(definition_key(Some(&"a".repeat(954)), SHA).len(), 1024);
    }

    #[test]
    fn bucket_names_follow_sagemakers_pattern() {
        for ok in ["abc", "ml-defs", "ml.defs.2026", &"a".repeat(63)] {
            assert!(valid_bucket_name(ok), "{ok}");
        }
        for bad in ["ab", "-abc", "abc-", "ML-defs", "my_bucket", "s3://b", &"a".repeat(64)] {
            assert!(!valid_bucket_name(bad), "{bad}");
        }
    }

    fn with_definition_s3(mut v: Value, bucket: Value, prefix: Value) -> Value {
        model::set(
            &mut v,
            "definition_s3",
            Value::object([("bucket", bucket), ("key_prefix", prefix)]),
        );
        v
    }

    /// The object and `definition_s3_uri` follow the definition's SHA-256, known once the
    /// definition, bucket and prefix are; null without the block.
    #[test]
    fn the_object_follows_the_definition() {
        let def = r#"{"Steps":[],"Version":"2020-12-01"}"#;
        let inline = state_with(def, Value::Null);
        assert_eq!(definition_object(&inline), Known::Null);
        assert_eq!(definition_s3_uri(&inline), Value::Null);
        let s3 = with_definition_s3(inline.clone(), Value::string("defs"), Value::string("p/"));
        let want = format!("s3://defs/p/{}.json", parts::sha256_hex(def));
        assert_eq!(definition_s3_uri(&s3), Value::string(want.clone()));
        assert_eq!(spec(&s3, BTreeMap::new()).definition_s3.map(|o| o.uri()), Some(want));
        assert_eq!(spec(&inline, BTreeMap::new()).definition_s3, None);
        let other = state_with(r#"{"Steps":[],"Version":"2020-12-02"}"#, Value::Null);
        let other = with_definition_s3(other, Value::string("defs"), Value::string("p/"));
        assert_ne!(
            definition_s3_uri(&other),
            definition_s3_uri(&s3),
            "a new object per definition"
        );
        let unknown_bucket = with_definition_s3(inline.clone(), Value::Unknown, Value::Null);
        assert_eq!(definition_s3_uri(&unknown_bucket), Value::Unknown);
        let mut unknown_block = inline.clone();
        model::set(&mut unknown_block, "definition_s3", Value::Unknown);
        assert_eq!(definition_s3_uri(&unknown_block), Value::Unknown);
        assert!(s3.conforms(&pipeline_schema().block.value_type()).is_ok());
    }

    /// Issue 8: SageMaker reads the definition from where the state says: adding, moving or
    /// removing `definition_s3` calls UpdatePipeline; a prefix spelt differently, same key, not.
    #[test]
    fn moving_the_definition_calls_update_pipeline() {
        let def = r#"{"Steps":[],"Version":"2020-12-01"}"#;
        let inline = state_with(def, Value::Null);
        let here = with_definition_s3(inline.clone(), Value::string("defs"), Value::Null);
        let there = with_definition_s3(inline.clone(), Value::string("other"), Value::string("x"));
        for (a, b) in [(&inline, &here), (&here, &there), (&there, &inline)] {
            assert_eq!(calls_update_pipeline(a, b), Some(true));
        }
        let slashed =
            with_definition_s3(inline.clone(), Value::string("other"), Value::string("/x/"));
        assert_eq!(calls_update_pipeline(&there, &slashed), Some(false));
        assert_eq!(calls_update_pipeline(&here, &here.clone()), Some(false));
        let changed = with_definition_s3(
            state_with(r#"{"Steps":[],"Version":"2020-12-02"}"#, Value::Null),
            Value::string("defs"),
            Value::Null,
        );
        assert_eq!(calls_update_pipeline(&here, &changed), Some(true));
    }

    /// Without the block, the inline limit applies (`compiler::definition` tests the limit).
    #[test]
    fn only_a_definition_s3_block_lifts_the_inline_limit() {
        let mut cfg = import_stub("p");
        model::set(&mut cfg, "steps", Value::list([]));
        assert_eq!(definition_input(&cfg).map(|i| i.delivery), Some(Delivery::Inline));
        let s3 = with_definition_s3(cfg.clone(), Value::Unknown, Value::Null);
        assert_eq!(definition_input(&s3).map(|i| i.delivery), Some(Delivery::S3));
    }

    /// The local moto endpoint's rendering of a definition it read from S3 (checked against
    /// moto 5.2 in tests/acceptance_definition_s3.rs): not JSON, so Read takes the object at the
    /// recorded URI instead; JSON (SageMaker, and moto for inline definitions) is used as is.
    #[test]
    fn only_a_non_json_description_with_a_recorded_object_is_read_from_s3() {
        let python = r#"{'Version': '2020-12-01', 'Metadata': {}, 'Parameters': [{'Name': 'x', 'Type': 'Boolean', 'DefaultValue': True}], 'Steps': []}"#;
        let json = r#"{"Version": "2020-12-01", "Steps": []}"#;
        let uri = format!("s3://defs/p/{SHA}.json");
        let mut state = state_with(json, Value::Null);
        assert_eq!(readback_object(&state, python), None, "nothing recorded: inline");
        model::set(&mut state, "definition_s3_uri", Value::string(uri.clone()));
        assert_eq!(readback_object(&state, json), None, "JSON is used as described");
        assert_eq!(
            readback_object(&state, python),
            Some(S3Object { bucket: "defs".into(), key: format!("p/{SHA}.json") })
        );
        // Read keeps the state when the object means what the state holds.
        let mut remote = deployed(json, &[]);
        remote.definition = json.replace(": ", ":");
        let r = refreshed(&state, &remote, &Known::Null);
        assert_eq!(r.get_str("definition_s3_uri"), Some(uri.as_str()));
        assert_eq!(definition_text(&r), definition_text(&state));
    }
}
