//! `sagemaker_step`: the escape hatch that keeps every present and future SageMaker step type
//! reachable. The user writes the step's `Type`, its `Arguments` as JSON and any step-level
//! keys besides the common ones (`extra`, e.g. `FunctionArn`, `CheckType`); the provider adds
//! the common attributes (`name`, `display_name`, `description`, `depends_on_steps`, `cache`,
//! `retry`) exactly as for the typed steps.
//!
//! `{{ }}` references inside string values of `arguments` and `extra` are compiled like any
//! other step attribute (object keys are left alone). Since the provider does not know what the
//! type accepts, `cache` and `retry` are always offered: the user knows their type. The
//! exported `ref` is the `Steps.<name>` prefix for building references to the step's
//! properties: `"{{ ${sagemaker_step.x.ref}.SomeProperty }}"`.
//!
//! Layout: type check, JSON helpers, the step kind, tests.

use serde_json::{Map, Value as Json};

use super::common::{given, Ctx};
use super::{Export, StepKind};
use crate::compiler::dag::StepDefaults;
use crate::compiler::expr;
use crate::compiler::policy::Permission;
use crate::compiler::properties::PropertyTree;
use crate::compiler::step_type;
use crate::compiler::step_type::StepDefault;
use crate::compiler::StepTypeFacts;
use crate::framework::{AttrPath, Attribute, Block};
use crate::provider::model;
use crate::tfvalue::{Type, Value};

pub struct Generic;

/// Step-level keys `extra` may never set: the provider owns them (with the attribute to use).
const OWNED_KEYS: &[(&str, &str)] = &[
    ("Name", "name"),
    ("Type", "type"),
    ("Arguments", "arguments"),
    ("DependsOn", "depends_on_steps"),
];

/// Step-level keys `extra` may set only when the matching attribute or block is not set.
const SHARED_KEYS: &[(&str, &str)] = &[
    ("DisplayName", "display_name"),
    ("Description", "description"),
    ("CacheConfig", "cache"),
    ("RetryPolicies", "retry"),
];

/// Checks a step `Type`: any name of letters and digits, but a known type with other
/// capitalisation (or the SDK class name `CreateModel`) is a mistake SageMaker would reject.
pub fn check_type(t: &str) -> Result<(), String> {
    if t == "CreateModel" {
        return Err("the create-model step's Type is \"Model\" (CreateModel is the API action, not the step type)".into());
    }
    if !t.starts_with(|c: char| c.is_ascii_alphabetic())
        || !t.chars().all(|c| c.is_ascii_alphanumeric())
    {
        return Err("a step type is a name of letters and digits such as \"EMRServerless\"".into());
    }
    // The step types of the registry (typed and generic-only), to catch wrong capitalisation.
    if let Some(k) = super::step_types().find(|k| k.eq_ignore_ascii_case(t) && *k != t) {
        return Err(format!("step types are case-sensitive: write {k:?}"));
    }
    Ok(())
}

/// Parses a JSON-object attribute and compiles `{{ }}` in its string values; `None` (with the
/// problems reported at `attr`) when it is not usable.
fn json_object(cfg: &Value, attr: &str, example: &str, ctx: &mut Ctx) -> Option<Map<String, Json>> {
    let text = model::string(cfg, attr).value()?;
    let path = AttrPath::root(attr);
    let v: Json = match super::common::parse_user_json(&text) {
        Ok(v) => v,
        Err(e) => {
            let (summary, detail) =
                e.message(attr, &format!("Build it with jsonencode, e.g. {example}."));
            ctx.error_of(path, summary, detail);
            return None;
        }
    };
    if !v.is_object() {
        ctx.error_of(
            path,
            format!("{attr} is not a JSON object"),
            format!("Expected an object, e.g. {example}."),
        );
        return None;
    }
    match expr::compile_json_strings(&v) {
        Ok(Json::Object(m)) => Some(m),
        Ok(_) => None,
        Err(errors) => {
            for (at, e) in errors {
                ctx.error_of(
                    path.clone(),
                    format!("Invalid {{{{ }}}} reference in {attr}"),
                    format!("At {at}: {e}"),
                );
            }
            None
        }
    }
}

/// `sagemaker_step` is not a step type but a way to write any of them: it is not in the
/// registry, and the pipeline finds the facts of the `type` it names there.
impl StepTypeFacts for Generic {
    /// The real type comes from the `type` attribute; see [`StepKind::compile`].
    fn step_type(&self) -> &'static str {
        ""
    }
    fn property_tree(&self) -> PropertyTree {
        PropertyTree::Unmodelled
    }
    fn step_defaults_taken(&self) -> &'static [StepDefault] {
        &[]
    }
    fn apply_step_defaults(&self, _args: &mut Map<String, Json>, _defaults: &StepDefaults) {}
    fn string_maps(&self) -> &'static [&'static str] {
        &[]
    }
    /// The real type's answer is used; see [`StepKind::compile`].
    fn arguments_are_user_named(&self) -> bool {
        false
    }
    fn role_path(&self) -> Option<&'static [&'static str]> {
        None
    }
    fn named_lists(&self) -> &'static [step_type::NamedList] {
        &[]
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
        &[]
    }
}

impl StepKind for Generic {
    fn type_name(&self) -> &'static str {
        "sagemaker_step"
    }
    fn description(&self) -> &'static str {
        "Any SageMaker pipeline step: for step types without a dedicated resource (`Endpoint`, `EndpointConfig`), and for fields a dedicated resource cannot express yet (listed in [coverage](../coverage.md)). Give its `type`, its `arguments` as JSON and any extra step-level keys. Compiled at plan time; no API call."
    }
    fn cacheable(&self) -> bool {
        true
    }
    fn retryable(&self) -> bool {
        true
    }

    fn block(&self, b: Block) -> Block {
        b.attr(Attribute::required(
            "type",
            Type::String,
            "The step's SageMaker `Type`, exactly as in the definition (case-sensitive), e.g. `Endpoint` or `EndpointConfig` (every other type also has its own step resource, e.g. `sagemaker_emr_serverless_step` for `EMRServerless`).",
        ))
        .attr(Attribute::optional(
            "arguments",
            Type::String,
            "The step's `Arguments` as a JSON object, usually `jsonencode({ ... })` (default `{}`). String values may hold `{{ }}` references, e.g. `jsonencode({ ExecutionRoleArn = \"{{ Parameters.Role }}\" })`; object keys are left as written.",
        ))
        .attr(Attribute::optional(
            "extra",
            Type::String,
            "More step-level keys as a JSON object merged beside `Arguments`, e.g. `jsonencode({ FunctionArn = aws_lambda_function.f.arn, OutputParameters = [] })`. String values may hold `{{ }}` references. It cannot set `Name`, `Type`, `Arguments` or `DependsOn`, nor `DisplayName`, `Description`, `CacheConfig` or `RetryPolicies` when the matching attribute or block is also set.",
        ))
    }

    fn compile(&self, cfg: &Value, ctx: &mut Ctx, step: &mut Map<String, Json>) {
        let ty = model::string(cfg, "type").value().unwrap_or_default();
        if let Err(why) = check_type(&ty) {
            ctx.error_of(
                AttrPath::root("type"),
                format!("Invalid step type {ty:?}"),
                format!("{why}."),
            );
        } else if let Some(near) = super::step_types()
            .all(|k| k != ty)
            .then(|| expr::did_you_mean(&ty, super::step_types()))
            .flatten()
        {
            // A warning, not an error: a step type SageMaker adds later must stay possible
            // (helper finding: "Proccessing" planned without a word and failed at run time).
            ctx.diags.push(
                crate::framework::Diagnostic::warning(
                    format!("Unknown step type {ty:?}"),
                    format!("Did you mean {near:?}? SageMaker rejects a pipeline with a step type it does not know; if {ty:?} is a step type added after this provider was built, ignore this warning."),
                )
                .at(AttrPath::root("type")),
            );
        }
        step.insert("Type".into(), Json::String(ty));

        let args = json_object(cfg, "arguments", "jsonencode({ ClusterId = \"j-123\" })", ctx)
            .unwrap_or_default();
        step.insert("Arguments".into(), Json::Object(args));

        let Some(extra) =
            json_object(cfg, "extra", "jsonencode({ FunctionArn = \"arn:aws:lambda:...\" })", ctx)
        else {
            return;
        };
        for (key, attr) in OWNED_KEYS {
            if extra.contains_key(*key) {
                ctx.error_of(
                    AttrPath::root("extra"),
                    format!("extra sets {key}"),
                    format!("{key} comes from the `{attr}` attribute; remove it from extra."),
                );
            }
        }
        for (key, attr) in SHARED_KEYS {
            let set = match *attr {
                "retry" => !model::blocks(cfg, "retry").is_empty(),
                a => given(cfg, a),
            };
            if set && extra.contains_key(*key) {
                ctx.error_from(
                    &[AttrPath::root("extra"), AttrPath::root(attr)],
                    AttrPath::root("extra"),
                    format!("extra sets {key}, and so does `{attr}`"),
                    format!("Set {key} in one place: remove it from extra, or remove `{attr}`."),
                );
            }
        }
        for (k, v) in extra {
            if !OWNED_KEYS.iter().any(|(o, _)| *o == k) {
                step.insert(k, v);
            }
        }
    }

    fn exports(&self) -> Vec<Export> {
        vec![Export {
            name: "ref",
            ty: Type::String,
            description: "`Steps.<name>`: the prefix of references to this step's properties, e.g. `\"{{ ${sagemaker_step.x.ref}.ModelArtifacts.S3ModelArtifacts }}\"`.",
            value: |name, _| Value::string(format!("Steps.{name}")),
        }]
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::provider::steps::StepResource;

    fn compile(attrs: Vec<(&str, Value)>) -> (Option<Json>, Vec<String>) {
        let mut all = vec![("name", Value::string("Step1"))];
        all.extend(attrs);
        let (j, d) = StepResource(Generic).compile(&Value::object(all));
        (
            j.map(|t| serde_json::from_str(&t).expect("json")),
            d.iter()
                .map(|d| format!("{}: {}", d.path.clone().unwrap_or_default(), d.summary))
                .collect(),
        )
    }

    #[test]
    fn type_check() {
        for ok in ["EMRServerless", "Model", "SomeFutureType2"] {
            assert_eq!(check_type(ok), Ok(()), "{ok}");
        }
        for (bad, needle) in [
            ("emrserverless", "\"EMRServerless\""),
            ("processing", "\"Processing\""),
            ("CreateModel", "\"Model\""),
            ("", "letters and digits"),
            ("2Fast", "letters and digits"),
            ("Has Space", "letters and digits"),
        ] {
            let e = check_type(bad).expect_err(bad);
            assert!(e.contains(needle), "{bad}: {e}");
        }
    }

    /// A type close to a known one is a warning at plan (not at validate, which plan also
    /// runs), and the step still compiles; a key written twice in `arguments` is an error.
    #[test]
    fn a_misspelt_type_warns_and_a_duplicate_key_is_an_error() {
        let (j, msgs) = compile(vec![("type", Value::string("Proccessing"))]);
        assert!(j.is_some());
        assert_eq!(msgs, ["type: Unknown step type \"Proccessing\""]);
        let cfg = Value::object([
            ("name", Value::string("Step1")),
            ("type", Value::string("Proccessing")),
        ]);
        let validated = crate::framework::Resource::validate(&StepResource(Generic), &cfg);
        assert!(validated.is_empty(), "{validated:?}");
        let (_, msgs) = compile(vec![("type", Value::string("SomeFutureType2"))]);
        assert!(msgs.is_empty(), "{msgs:?}");
        let (j, msgs) = compile(vec![
            ("type", Value::string("Lambda")),
            ("arguments", Value::string(r#"{"a": 1, "b": {"c": [{"d": 1, "d": 2}]}}"#)),
        ]);
        assert!(j.is_none());
        assert_eq!(msgs, ["arguments: arguments has the key \"d\" twice"]);
        // An integer beyond 64 bits would be rounded (fresh-eyes finding).
        let (j, msgs) = compile(vec![
            ("type", Value::string("Lambda")),
            ("arguments", Value::string(r#"{"N": 18446744073709551617}"#)),
        ]);
        assert!(j.is_none());
        assert_eq!(msgs, ["arguments: arguments has a number too large to keep exactly"]);
    }

    /// Only real references to the step itself are refused: an escaped `\{{` in JSON text and
    /// a description are text (review finding: both were refused).
    #[test]
    fn a_reference_to_itself_is_judged_on_the_compiled_step() {
        let (j, msgs) = compile(vec![
            ("type", Value::string("Lambda")),
            ("arguments", Value::string(r#"{"t": "\\{{ Steps.Step1.Out }}"}"#)),
            ("description", Value::string("writes {{ Steps.Step1.Out }}")),
        ]);
        assert!(msgs.is_empty() && j.is_some(), "{msgs:?}");
        let (j, msgs) = compile(vec![
            ("type", Value::string("Lambda")),
            ("arguments", Value::string(r#"{"t": "{{ Steps.Step1.Out }}"}"#)),
        ]);
        assert!(j.is_none());
        assert_eq!(msgs, ["arguments: Step \"Step1\" refers to itself"]);
    }

    #[test]
    fn compiles_arguments_and_merges_extra_with_cache_and_retry() {
        let (j, errs) = compile(vec![
            ("type", Value::string("Lambda")),
            (
                "arguments",
                Value::string(
                    r#"{"uri": "{{ Steps.T.TransformOutput.S3OutputPath }}", "n": 3, "nested": {"keep": "\\{{ x }}"}}"#,
                ),
            ),
            (
                "extra",
                Value::string(
                    r#"{"FunctionArn": "arn:aws:lambda:us-east-1:111122223333:function:f", "OutputParameters": []}"#,
                ),
            ),
            (
                "cache",
                Value::object([("enabled", Value::Bool(true)), ("expire_after", Value::Null)]),
            ),
        ]);
        assert!(errs.is_empty(), "{errs:?}");
        assert_eq!(
            j,
            Some(json!({
                "Name": "Step1", "Type": "Lambda",
                "Arguments": {"uri": {"Get": "Steps.T.TransformOutput.S3OutputPath"}, "n": 3, "nested": {"keep": "{{ x }}"}},
                "FunctionArn": "arn:aws:lambda:us-east-1:111122223333:function:f",
                "OutputParameters": [],
                "CacheConfig": {"Enabled": true},
            }))
        );
        let (j, errs) = compile(vec![("type", Value::string("Fail"))]);
        assert!(errs.is_empty());
        assert_eq!(j, Some(json!({"Name": "Step1", "Type": "Fail", "Arguments": {}})));
    }

    #[test]
    fn extra_cannot_override_owned_keys_or_conflict_with_attributes() {
        let (_, errs) = compile(vec![
            ("type", Value::string("Lambda")),
            ("description", Value::string("d")),
            (
                "extra",
                Value::string(
                    r#"{"Name": "x", "Arguments": {}, "DependsOn": [], "Description": "e", "DisplayName": "ok"}"#,
                ),
            ),
        ]);
        assert_eq!(
            errs,
            vec![
                "extra: extra sets Name",
                "extra: extra sets Arguments",
                "extra: extra sets DependsOn",
                "extra: extra sets Description, and so does `description`"
            ]
        );
        // Without the attribute, extra may carry the key.
        let (j, errs) = compile(vec![
            ("type", Value::string("Lambda")),
            ("extra", Value::string(r#"{"DisplayName": "ok"}"#)),
        ]);
        assert!(errs.is_empty());
        assert_eq!(j.and_then(|j| j.get("DisplayName").cloned()), Some(json!("ok")));
    }

    #[test]
    fn bad_json_and_bad_references_are_reported_at_the_attribute() {
        let (j, errs) = compile(vec![
            ("type", Value::string("EMRServerless")),
            ("arguments", Value::string(r#"{"JobConfig": {"args": ["ok", "{{ Nope.X }}"]}}"#)),
            ("extra", Value::string("[1]")),
        ]);
        assert!(j.is_none());
        assert_eq!(
            errs,
            vec![
                "arguments: Invalid {{ }} reference in arguments",
                "extra: extra is not a JSON object"
            ]
        );
        let (_, d) = StepResource(Generic).compile(&Value::object([
            ("name", Value::string("S")),
            ("type", Value::string("X")),
            ("arguments", Value::string(r#"{"A": ["{{ Nope.X }}"]}"#)),
        ]));
        assert!(d.iter().any(|d| d.detail.starts_with("At A[0]: ")), "{d:?}");
        let (_, errs) =
            compile(vec![("type", Value::string("X")), ("arguments", Value::string("{oops"))]);
        assert_eq!(errs, vec!["arguments: arguments is not valid JSON"]);
    }
}
