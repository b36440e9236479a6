//! Pipeline definition assembly: parameters and step objects in, the SageMaker pipeline
//! definition (canonical JSON) out, with every problem found collected as a diagnostic.
//!
//! Pure: no IO, no async, and it never sees an unknown value: the caller compiles once every
//! input is known, or, to report problems early, a `partial` input where the unknown values are
//! left out or stood in for (no text is produced then). Problems carry attribute paths relative
//! to the pipeline resource (`parameter[1].default`, `steps[0]`), so the provider can hand them
//! to Terraform unchanged.

use std::collections::BTreeMap;

use serde_json::{json, Map, Value as Json};

use std::collections::BTreeSet;

use super::dag::{self, StepDefaults};
use super::step_type::StepTypes;
use super::{canonical, expr};
use crate::framework::{AttrPath, Diagnostic, Diagnostics, Severity};

/// SageMaker's inline definition limit (`PipelineDefinition`), in characters.
pub const MAX_DEFINITION_CHARS: usize = 1_048_576;

/// How the definition reaches SageMaker, which decides whether the inline limit applies.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Delivery {
    /// In the request (`PipelineDefinition`): at most [`MAX_DEFINITION_CHARS`].
    #[default]
    Inline,
    /// As an S3 object (`PipelineDefinitionS3Location`, the pipeline's `definition_s3` block):
    /// the inline limit does not apply.
    S3,
    /// Not sent: compiled to be read (the `sagemaker_ml_pipeline_definition` data source). A
    /// definition over the inline limit is a warning, since it can only be sent through S3
    /// (helper finding: the data source refused it, and nothing could turn that off).
    Unsent,
}

/// The schema version every definition declares.
pub const DEFINITION_VERSION: &str = "2020-12-01";

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ParamType {
    String,
    Integer,
    Float,
    Boolean,
}

impl ParamType {
    pub fn parse(s: &str) -> Option<ParamType> {
        match s {
            "String" => Some(ParamType::String),
            "Integer" => Some(ParamType::Integer),
            "Float" => Some(ParamType::Float),
            "Boolean" => Some(ParamType::Boolean),
            _ => None,
        }
    }
    pub fn as_str(&self) -> &'static str {
        match self {
            ParamType::String => "String",
            ParamType::Integer => "Integer",
            ParamType::Float => "Float",
            ParamType::Boolean => "Boolean",
        }
    }
}

/// One `parameter` block, as the user wrote it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ParameterInput {
    pub name: String,
    /// `None` means `String`, as in the SageMaker Python SDK.
    pub type_name: Option<String>,
    /// The default as text; converted to the parameter's JSON type.
    pub default: Option<String>,
    pub enum_values: Vec<String>,
}

/// Everything the definition is made of.
#[derive(Clone, Debug, Default)]
pub struct PipelineInput {
    pub parameters: Vec<ParameterInput>,
    /// Step objects as JSON texts (a step resource's `json`, or any `jsonencode`d step).
    pub steps: Vec<String>,
    /// Airflow-style chains, e.g. `"Prep >> Train >> Evaluate"`, added to `DependsOn`.
    pub dependencies: Vec<String>,
    pub step_defaults: Option<StepDefaults>,
    /// `(experiment_name, trial_name)`, each possibly holding `{{ }}` references.
    pub experiment_config: Option<(Option<String>, Option<String>)>,
    pub delivery: Delivery,
    /// Built to check a configuration while some of its values are unknown: placeholders
    /// stand in for some settings (see the provider's `input_for_checks`), so [`compile`]
    /// reports problems but produces no text.
    pub partial: bool,
    /// Some steps are not known yet and missing from `steps`: a reference to, or a dependency
    /// on, a step not among them is not judged (it may be one of those).
    pub open: bool,
}

/// The compiled definition, or `None` when there were errors (all of them in `Diagnostics`).
/// `types` says what each step type takes from `step_defaults` and what it exposes to
/// references (the provider's step registry).
pub fn compile(input: &PipelineInput, types: StepTypes) -> (Option<String>, Diagnostics) {
    compile_in(input, types, !needs_other_steps(input))
}

/// [`compile`], with each step's pass right after it is parsed (`one_pass`) or after all steps
/// are parsed; the result is the same, `one_pass` is only faster, and only allowed when no
/// step needs the others ([`needs_other_steps`]).
fn compile_in(
    input: &PipelineInput,
    types: StepTypes,
    one_pass: bool,
) -> (Option<String>, Diagnostics) {
    let mut diags = Diagnostics::new();
    let parameters = compile_parameters(&input.parameters, &mut diags);
    let string_params: BTreeSet<String> = input
        .parameters
        .iter()
        .filter(|p| p.type_name.as_deref().unwrap_or("String") == "String")
        .map(|p| p.name.clone())
        .collect();
    // Every per-step rewrite, the references the whole-DAG checks read, and the step's final
    // canonical text, one step at a time: each step's tree is walked while it is in the cache,
    // instead of once per pass over the whole (megabytes of) definition. The texts go into one
    // buffer, comma-separated, as they appear in the definition's `Steps`.
    let mut refs = dag::StepReferences::new();
    // The canonical text of a compiled step is about as long as its input text.
    let mut step_texts =
        String::with_capacity(input.steps.iter().map(|t| t.len() + 64).sum::<usize>());
    let mut step_pass = |s: &mut Json, i: usize, step_types: &dag::StepTypesByName| {
        dag::unwrap_single_joins(s, &string_params, step_types, types);
        if let Some(d) = &input.step_defaults {
            dag::apply_defaults(std::slice::from_mut(s), d, types);
        }
        refs.add(s, i);
        if i > 0 {
            step_texts.push(',');
        }
        canonical::write(s, &mut step_texts);
    };
    // Most steps need nothing from the others: their pass runs right after each is parsed,
    // while its tree is still in the cache. Only when a step may need the others (see
    // `needs_other_steps`) are all steps parsed first, as the pass then needs every step's type
    // and the dependency chains applied. The rewrites, the chains and the pass commute, so the
    // result is the same either way.
    // Parameter problems are reported and the steps still checked; steps that do not parse
    // cannot be.
    let before_steps = diags.0.len();
    let mut steps = if one_pass {
        let none = dag::StepTypesByName::default();
        parse_steps(&input.steps, &mut diags, |i, s| step_pass(s, i, &none))
    } else {
        parse_steps(&input.steps, &mut diags, |_, _| {})
    };
    if diags.0[before_steps..].iter().any(|d| d.severity == Severity::Error) {
        return (None, diags);
    }
    dag::apply_dependencies(&mut steps, &input.dependencies, types, input.open, &mut diags);
    let declared: BTreeSet<String> = input.parameters.iter().map(|p| p.name.clone()).collect();
    if let Some(d) = &input.step_defaults {
        let strings = [
            ("role_arn", &d.role_arn),
            ("volume_kms_key_id", &d.volume_kms_key_id),
            ("output_kms_key_id", &d.output_kms_key_id),
        ];
        for (attr, v) in strings {
            if let Some(v) = v {
                let path = AttrPath::root("step_defaults").attr(attr);
                match expr::compile_string(v) {
                    Ok(j) => check_pipeline_level_references(&j, &declared, path, &mut diags),
                    Err(e) => diags.error_at(path, "Invalid {{ }} reference", e.to_string()),
                }
            }
        }
    }
    if !one_pass {
        // The types of all steps, for unwrapping references to string properties; neither the
        // chains nor the rewrites change names or types.
        let step_types = dag::StepTypesByName::of(&steps);
        for (i, s) in steps.iter_mut().enumerate() {
            step_pass(s, i, &step_types);
        }
    }
    dag::validate_with(&steps, &refs, &declared, types, input.open, &mut diags);
    // A parameter of an invalid type (reported above) has no type to check references with.
    let params: BTreeMap<String, dag::ParamFacts> = input
        .parameters
        .iter()
        .enumerate()
        .filter(|(_, p)| ParamType::parse(p.type_name.as_deref().unwrap_or("String")).is_some())
        .map(|(index, p)| {
            let facts = dag::ParamFacts {
                index,
                type_name: p.type_name.clone().unwrap_or_else(|| "String".into()),
                default: p.default.clone(),
                enum_values: p.enum_values.clone(),
            };
            (p.name.clone(), facts)
        })
        .collect();
    dag::check_types_with(&steps, &refs, &params, types, &mut diags);
    drop(refs);
    drop(steps);
    // Everything but the steps, whose texts are spliced in (`canonical::object_with_array_text`).
    let mut definition = Map::new();
    definition.insert("Version".into(), Json::String(DEFINITION_VERSION.into()));
    definition.insert("Metadata".into(), Json::Object(Map::new()));
    definition.insert("Parameters".into(), Json::Array(parameters));
    if let Some((experiment, trial)) = &input.experiment_config {
        let mut cfg = serde_json::Map::new();
        for (key, attr, v) in
            [("ExperimentName", "experiment_name", experiment), ("TrialName", "trial_name", trial)]
        {
            if let Some(v) = v {
                let path = AttrPath::root("experiment_config").attr(attr);
                if let Some(why) = experiment_name_problem(v) {
                    diags.error_at(path, format!("Invalid {attr} {}", expr::shown(v)), why);
                    continue;
                }
                match expr::compile_string(v) {
                    Ok(j) => {
                        check_pipeline_level_references(&j, &declared, path, &mut diags);
                        cfg.insert(key.into(), j);
                    }
                    Err(e) => diags.error_at(path, "Invalid {{ }} reference", e.to_string()),
                }
            }
        }
        definition.insert("PipelineExperimentConfig".into(), Json::Object(cfg));
    }
    if diags.has_errors() || input.partial {
        return (None, diags);
    }
    let text = canonical::object_with_array_text(&definition, "Steps", &step_texts);
    // A text has at most as many characters as bytes: counted only when it could be too long.
    let too_long = (input.delivery != Delivery::S3 && text.len() > MAX_DEFINITION_CHARS)
        .then(|| text.chars().count())
        .filter(|&chars| chars > MAX_DEFINITION_CHARS);
    if let Some(chars) = too_long.filter(|_| input.delivery == Delivery::Unsent) {
        diags.push(
            Diagnostic::warning(
                "Pipeline definition is larger than SageMaker takes inline",
                format!(
                    "The compiled definition has {chars} characters; SageMaker accepts at most {MAX_DEFINITION_CHARS} in the request. Send it through S3: a sagemaker_ml_pipeline with a `definition_s3 {{ bucket = \"...\" }}` block, or PipelineDefinitionS3Location in other tools."
                ),
            )
            .at(AttrPath::root("steps")),
        );
    } else if let Some(chars) = too_long {
        diags.error_at(
            AttrPath::root("steps"),
            "Pipeline definition is too large",
            format!(
                "The compiled definition has {chars} characters; SageMaker accepts at most {MAX_DEFINITION_CHARS} inline. Add a `definition_s3 {{ bucket = \"...\" }}` block to the sagemaker_ml_pipeline resource, which uploads the definition to S3 and passes its location instead; or split the pipeline, or move large literals (scripts, long argument lists) to S3 and reference them."
            ),
        );
        return (None, diags);
    }
    (Some(text), diags)
}

/// Pipeline-level settings (experiment config, step defaults) may use parameters and execution
/// variables, but not step properties: they exist before any step runs.
fn check_pipeline_level_references(
    v: &Json,
    declared: &BTreeSet<String>,
    path: AttrPath,
    diags: &mut Diagnostics,
) {
    let mut refs = Vec::new();
    expr::collect_references(v, &mut refs);
    for (r, _) in refs {
        match &r {
            expr::Reference::Parameter(p) if !declared.contains(p) => diags.error_at(
                path.clone(),
                format!("Reference to undeclared parameter {p:?}"),
                format!(
                    "{}Declare it with a parameter {{ name = \"{p}\" ... }} block, or fix the name. Declared: {}.",
                    expr::did_you_mean(p, declared.iter().map(String::as_str)).map(|c| format!("Did you mean '{c}'? ")).unwrap_or_default(),
                    if declared.is_empty() { "none".to_string() } else { declared.iter().map(String::as_str).collect::<Vec<_>>().join(", ") }
                ),
            ),
            expr::Reference::Step { step, .. } | expr::Reference::PropertyFile { step, .. } => diags.error_at(
                path.clone(),
                format!("Step property {step:?} used in a pipeline-level setting"),
                "Pipeline-level settings are resolved before any step runs; use parameters or execution variables here.",
            ),
            _ => {}
        }
    }
}

pub fn valid_entity_name(name: &str, max: usize) -> bool {
    !name.is_empty()
        && name.len() <= max
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
}

/// The checks of the `parameter` blocks alone, for `terraform validate` while the steps are
/// not known yet.
pub fn validate_parameters(params: &[ParameterInput]) -> Diagnostics {
    let mut diags = Diagnostics::new();
    compile_parameters(params, &mut diags);
    diags
}

fn compile_parameters(params: &[ParameterInput], diags: &mut Diagnostics) -> Vec<Json> {
    let mut seen: BTreeMap<&str, usize> = BTreeMap::new();
    let mut out = Vec::new();
    for (i, p) in params.iter().enumerate() {
        let path = AttrPath::root("parameter").index(i);
        if !valid_entity_name(&p.name, 64) {
            diags.error_at(
                path.clone().attr("name"),
                format!("Invalid parameter name {:?}", p.name),
                "Parameter names are 1 to 64 characters of letters, digits, hyphens and underscores, e.g. \"InputData\".",
            );
        }
        if let Some(first) = seen.insert(&p.name, i) {
            diags.error_at(
                path.clone().attr("name"),
                format!("Duplicate parameter {:?}", p.name),
                format!(
                    "parameter[{first}] already declares {:?}. Give each parameter a unique name.",
                    p.name
                ),
            );
        }
        let type_name = p.type_name.as_deref().unwrap_or("String");
        let Some(ty) = ParamType::parse(type_name) else {
            diags.error_at(
                path.clone().attr("type"),
                format!("Unknown parameter type {}", expr::shown(type_name)),
                format!(
                    "{}Use one of String, Integer, Float or Boolean.",
                    expr::did_you_mean(type_name, ["String", "Integer", "Float", "Boolean"])
                        .map(|c| format!("Did you mean '{c}'? "))
                        .unwrap_or_default()
                ),
            );
            continue;
        };
        let mut obj = Map::new();
        obj.insert("Name".into(), Json::String(p.name.clone()));
        obj.insert("Type".into(), Json::String(ty.as_str().into()));
        if let Some(d) = &p.default {
            match convert_default(&ty, d) {
                Ok(v) => {
                    obj.insert("DefaultValue".into(), v);
                }
                Err(why) => diags.error_at(
                    path.clone().attr("default"),
                    format!("Default of parameter {:?} is not a valid {}", p.name, ty.as_str()),
                    why,
                ),
            }
        }
        if !p.enum_values.is_empty() {
            if ty != ParamType::String {
                diags.error_at(
                    path.clone().attr("enum_values"),
                    "enum_values is only allowed on String parameters",
                    "Remove enum_values, or change the parameter's type to String.",
                );
            } else {
                if let Some(d) = &p.default {
                    if !p.enum_values.contains(d) {
                        diags.error_at(
                            path.clone().attr("default"),
                            format!("Default {d:?} is not one of the parameter's enum_values"),
                            format!(
                                "Use one of {} as the default, or add it to enum_values.",
                                p.enum_values.join(", ")
                            ),
                        );
                    }
                }
                obj.insert("EnumValues".into(), json!(p.enum_values));
            }
        }
        out.push(Json::Object(obj));
    }
    out
}

/// Longest experiment or trial name SageMaker accepts (`ExperimentEntityName`).
const MAX_EXPERIMENT_NAME: usize = 120;

/// Why SageMaker would refuse `text` as an experiment or trial name (`ExperimentEntityName`:
/// at most 120 characters matching `^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,119}`: letters, digits and
/// hyphens, starting and ending with a letter or digit), checked on its literal text: a
/// reference is resolved at run time, so only the text around it is checked (helper finding:
/// `experiment_name = "my experiment"` passed plan and failed every run).
fn experiment_name_problem(text: &str) -> Option<String> {
    const FIX: &str = "Experiment and trial names are 1-120 letters, digits and hyphens, starting and ending with a letter or digit, e.g. \"churn-training\"; they may hold references such as {{ Execution.PipelineName }}.";
    let segments = match expr::parse_template(text) {
        Ok(segments) => segments,
        // The compilation reports it, with the reference's own message.
        Err(_) => return None,
    };
    let literal: Vec<&str> = expr::literal_texts(&segments).collect();
    let only_text = literal.len() == segments.len();
    if only_text {
        let ok = !text.is_empty()
            && text.len() <= MAX_EXPERIMENT_NAME
            && text.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
            && !text.starts_with('-')
            && !text.ends_with('-');
        return (!ok).then(|| FIX.to_string());
    }
    // The text around references alone may already be too long (re-check finding).
    let too_long = literal.iter().map(|t| t.len()).sum::<usize>() >= MAX_EXPERIMENT_NAME;
    let bad = too_long
        || literal.iter().any(|t| !t.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-'));
    let bad_start = matches!(segments.first(), Some(expr::Segment::Text(t)) if t.starts_with('-'));
    let bad_end = matches!(segments.last(), Some(expr::Segment::Text(t)) if t.ends_with('-'));
    (bad || bad_start || bad_end).then(|| FIX.to_string())
}

/// What is wrong with how a number or boolean is written, beyond its value: spaces around it,
/// or a `+` sign, which parsing would quietly drop (fresh-eyes finding: `" 3 "` and `"+3"`
/// were read as 3).
pub fn literal_spelling(text: &str) -> Option<String> {
    let t = text.trim();
    if t != text {
        return Some(format!(
            "{} has spaces around it: write the value alone, e.g. {}.",
            expr::shown(text),
            expr::shown(t)
        ));
    }
    let unsigned = t.strip_prefix('+')?;
    Some(format!(
        "{} has a + sign: write the number without it, e.g. {}.",
        expr::shown(text),
        expr::shown(unsigned)
    ))
}

/// Converts a default given as text to the parameter's JSON type.
pub fn convert_default(ty: &ParamType, text: &str) -> Result<Json, String> {
    if *ty != ParamType::String {
        if let Some(why) = literal_spelling(text) {
            return Err(why);
        }
    }
    match ty {
        ParamType::String => Ok(Json::String(text.to_string())),
        ParamType::Integer => text
            .trim()
            .parse::<i64>()
            .map(Json::from)
            .map_err(|_| format!("{} is not a whole number (or is out of range). Integer parameters take defaults like \"3\".", expr::shown(text))),
        ParamType::Float => {
            let t = text.trim();
            match t.parse::<f64>() {
                Ok(f) if f.is_finite() => {
                    let canonical = canonical::canonical_number(t);
                    if canonical.contains(['e', 'E']) {
                        // An exponent too large to write out: the float's own value.
                        return serde_json::Number::from_f64(f).map(Json::Number).ok_or_else(|| format!("{} is not a finite number.", expr::shown(text)));
                    }
                    serde_json::from_str::<Json>(&canonical).map_err(|e| e.to_string())
                }
                _ => Err(format!("{} is not a number. Float parameters take defaults like \"0.5\".", expr::shown(text))),
            }
        }
        ParamType::Boolean => match text.trim() {
            "true" => Ok(Json::Bool(true)),
            "false" => Ok(Json::Bool(false)),
            _ => Err(format!("{} is not a boolean. Boolean parameters take \"true\" or \"false\".", expr::shown(text))),
        },
    }
}

/// The text form of a default read back from a definition (the inverse of `convert_default`).
pub fn default_to_text(v: &Json) -> Option<String> {
    match v {
        Json::String(s) => Some(s.clone()),
        Json::Number(n) => Some(canonical::canonical_number(&n.to_string())),
        Json::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// Whether a step's pass may need the other steps, judged from the step texts alone and erring
/// towards yes: the step is downstream in a dependency chain (its `DependsOn` grows), or has
/// an `Environment` and a reference to a step (unwrapping a string property needs that step's
/// type), or has an escape sequence (which could spell either).
fn needs_other_steps(input: &PipelineInput) -> bool {
    let downstream: Vec<String> = input
        .dependencies
        .iter()
        .filter_map(|chain| dag::parse_chain(chain).ok())
        .flatten()
        .map(|(_, down)| format!("{down:?}"))
        .collect();
    input.steps.iter().any(|text| {
        text.contains('\\')
            || (text.contains("Environment") && text.contains("Steps."))
            || downstream.iter().any(|quoted| text.contains(quoted.as_str()))
    })
}

/// The first string in a step that holds a well-formed `{{ }}` reference: text the step
/// compilers would have turned into an expression, left as it is in JSON written by hand.
fn uncompiled_reference(v: &Json) -> Option<&str> {
    match v {
        Json::String(s) => (s.contains("{{")
            && expr::parse_template(s)
                .is_ok_and(|segments| segments.iter().any(|x| matches!(x, expr::Segment::Ref(_)))))
        .then_some(s.as_str()),
        Json::Array(items) => items.iter().find_map(uncompiled_reference),
        Json::Object(members) => members.values().find_map(uncompiled_reference),
        _ => None,
    }
}

/// The steps' JSON trees, in order; what is wrong with one (not JSON, no object, a bad or
/// duplicate `Name`, no `Type`) is a diagnostic, and such a step is left out. `each` is given
/// every tree kept, with its position, right after it is parsed.
fn parse_steps(
    steps: &[String],
    diags: &mut Diagnostics,
    mut each: impl FnMut(usize, &mut Json),
) -> Vec<Json> {
    let mut names: BTreeMap<String, usize> = BTreeMap::new();
    let mut out = Vec::with_capacity(steps.len());
    for (i, text) in steps.iter().enumerate() {
        let path = AttrPath::root("steps").index(i);
        let mut v: Json = match serde_json::from_str(text) {
            Ok(v) => v,
            Err(e) if super::canonical::too_deep(&e) => {
                diags.error_at(path, "Step is nested too deeply", super::canonical::TOO_DEEP);
                continue;
            }
            Err(e) => {
                diags.error_at(
                    path,
                    "Step is not valid JSON",
                    format!("{e}. Pass a step resource's `json` attribute, or build the step with jsonencode({{ Name = ..., Type = ..., Arguments = {{...}} }})."),
                );
                continue;
            }
        };
        if let Some(n) = super::canonical::oversized_integer(text) {
            diags.error_at(
                path,
                "Step has a number too large to keep exactly",
                format!("{n} does not fit in 64 bits, and the provider would round it. Write it as a string, or use a smaller number."),
            );
            continue;
        }
        let Json::Object(obj) = &v else {
            diags.error_at(
                path,
                "Step is not a JSON object",
                "Each element of steps must be one step object with Name, Type and Arguments.",
            );
            continue;
        };
        match obj.get("Name").and_then(Json::as_str) {
            Some(name) if valid_entity_name(name, 64) => {
                if let Some(first) = names.insert(name.to_string(), i) {
                    // The detail names no index: checks of a partial input number only the
                    // known steps (the path is mapped back to the configuration, a text is not).
                    if steps[first] == *text {
                        diags.error_at(
                            path.clone(),
                            format!("Step {name:?} is listed twice"),
                            "An earlier element of steps is the same step. List each step once: remove this element.",
                        );
                    } else {
                        diags.error_at(
                            path.clone(),
                            format!("Duplicate step name {name:?}"),
                            format!("An earlier element of steps also uses the name {name:?}. Step names must be unique within a pipeline: rename one of them."),
                        );
                    }
                }
            }
            Some(name) => diags.error_at(
                path.clone(),
                format!("Invalid step name {name:?}"),
                "Step names are 1 to 64 characters of letters, digits, hyphens and underscores.",
            ),
            None => diags.error_at(
                path.clone(),
                "Step has no Name",
                "Add a string \"Name\" to the step object.",
            ),
        }
        if obj.get("Type").and_then(Json::as_str).is_none() {
            diags.error_at(
                path.clone(),
                "Step has no Type",
                "Add a string \"Type\" to the step object, e.g. \"Processing\" or \"Fail\".",
            );
        }

        // Fresh-eyes finding: `jsonencode({ ... ErrorMessage = "{{ Parameters.X }}" })` reached
        // SageMaker as that text, braces and all, and an undeclared X passed unnoticed.
        if let Some(text) = text.contains("{{").then(|| uncompiled_reference(&v)).flatten() {
            diags.push(
                Diagnostic::warning(
                    "A {{ }} reference in step JSON is passed on as text",
                    format!(
                        "The step holds {}. The {{{{ }}}} form is compiled only in step resources' attributes; in step JSON written with jsonencode, a reference is an expression object, e.g. {{ Get = \"Parameters.X\" }} or {{ \"Std:Join\" = {{ On = \"\", Values = [\"s3://bucket/\", {{ Get = \"Execution.PipelineExecutionId\" }}] }} }}, or use a step resource (sagemaker_step for any type).",
                        expr::shown(text)
                    ),
                )
                .at(path),
            );
        }
        each(out.len(), &mut v);
        out.push(v);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::compiler::step_type::test_types;

    fn p(name: &str, ty: Option<&str>, default: Option<&str>) -> ParameterInput {
        ParameterInput {
            name: name.into(),
            type_name: ty.map(Into::into),
            default: default.map(Into::into),
            enum_values: vec![],
        }
    }

    /// The step pass right after each parse, or after all of them, gives the same definition
    /// and the same diagnostics in the same order.
    #[test]
    fn one_pass_and_two_passes_agree() {
        let step = |name: &str, extra: &str| {
            format!(
                r#"{{"Name":"{name}","Type":"Processing","Arguments":{{"Environment":{{"P":{{"Std:Join":{{"On":"","Values":[{{"Get":"Parameters.S"}}]}}}}}}{extra}}}}}"#
            )
        };
        let inputs = [
            vec![step("A", ""), step("B", r#","X":{"Get":"Steps.A.ProcessingJobName"}"#)],
            vec![
                step("A", r#","X":{"Get":"Steps.Nope.ProcessingJobName"}"#),
                step("B", r#","Y":{"Get":"Parameters.Undeclared"}"#),
            ],
            vec![step("A", ""), step("A", "")],
            vec![step("A", ""), "{not json".to_string()],
        ];
        for steps in inputs {
            let input = PipelineInput {
                parameters: vec![p("S", None, Some("x"))],
                steps,
                step_defaults: Some(StepDefaults {
                    role_arn: Some("arn:aws:iam::1:role/r".into()),
                    ..Default::default()
                }),
                ..Default::default()
            };
            let shown = |(def, diags): (Option<String>, Diagnostics)| {
                (def, diags.iter().map(|d| format!("{d:?}")).collect::<Vec<_>>())
            };
            let one = shown(compile_in(&input, test_types, true));
            let two = shown(compile_in(&input, test_types, false));
            assert_eq!(one, two, "{:?}", input.steps);
        }
    }

    #[test]
    fn typed_defaults_and_canonical_output() {
        let input = PipelineInput {
            parameters: vec![
                p("InputData", None, Some("s3://b/in")),
                p("Epochs", Some("Integer"), Some("3")),
                p("Threshold", Some("Float"), Some("0.50")),
                p("Deploy", Some("Boolean"), Some("false")),
                p("NoDefault", Some("String"), None),
            ],
            steps: vec![r#"{"Type":"Fail","Name":"Stop","Arguments":{"ErrorMessage":"x"}}"#.into()],
            ..Default::default()
        };
        let (def, diags) = compile(&input, test_types);
        assert!(diags.is_empty(), "{diags:?}");
        assert_eq!(
            def.expect("definition"),
            concat!(
                r#"{"Metadata":{},"Parameters":["#,
                r#"{"DefaultValue":"s3://b/in","Name":"InputData","Type":"String"},"#,
                r#"{"DefaultValue":3,"Name":"Epochs","Type":"Integer"},"#,
                r#"{"DefaultValue":0.5,"Name":"Threshold","Type":"Float"},"#,
                r#"{"DefaultValue":false,"Name":"Deploy","Type":"Boolean"},"#,
                r#"{"Name":"NoDefault","Type":"String"}],"#,
                r#""Steps":[{"Arguments":{"ErrorMessage":"x"},"Name":"Stop","Type":"Fail"}],"Version":"2020-12-01"}"#
            )
        );
    }

    #[test]
    fn collects_every_problem_with_paths() {
        let input = PipelineInput {
            parameters: vec![
                p("Bad Name", Some("Integer"), Some("three")),
                p("X", Some("Text"), None),
                p("X", None, None),
            ],
            steps: vec![
                "{".into(),
                r#"{"Name":"A","Type":"Fail"}"#.into(),
                r#"{"Name":"A"}"#.into(),
                "[1]".into(),
            ],
            ..Default::default()
        };
        let (def, diags) = compile(&input, test_types);
        assert!(def.is_none());
        let paths: Vec<String> =
            diags.iter().map(|d| d.path.clone().unwrap_or_default().to_string()).collect();
        assert_eq!(
            paths,
            vec![
                "parameter[0].name",
                "parameter[0].default",
                "parameter[1].type",
                "parameter[2].name",
                "steps[0]",
                "steps[2]",
                "steps[2]",
                "steps[3]",
            ]
        );
        assert!(diags.iter().all(|d| !d.detail.is_empty()));
    }

    #[test]
    fn defaults_roundtrip_to_text() {
        for (ty, text) in [
            (ParamType::Integer, "3"),
            (ParamType::Float, "0.5"),
            (ParamType::Boolean, "true"),
            (ParamType::String, "x"),
        ] {
            let v = convert_default(&ty, text).expect("converts");
            assert_eq!(default_to_text(&v).as_deref(), Some(text));
        }
    }

    /// DESIGN: in hyperparameters and environment only non-String parameters become a
    /// one-value Join, as the SDK's `to_string` does; String parameters stay bare.
    #[test]
    fn string_parameters_in_string_maps_stay_bare() {
        let join = |p: &str| {
            format!(r#"{{"Std:Join":{{"On":"","Values":[{{"Get":"Parameters.{p}"}}]}}}}"#)
        };
        let step = format!(
            r#"{{"Name":"T","Type":"Training","Arguments":{{"RoleArn":"r","HyperParameters":{{"s":{},"i":{}}}}}}}"#,
            join("S"),
            join("I")
        );
        let input = PipelineInput {
            parameters: vec![p("S", None, None), p("I", Some("Integer"), None)],
            steps: vec![step],
            ..Default::default()
        };
        let (def, diags) = compile(&input, test_types);
        assert!(diags.is_empty(), "{diags:?}");
        let def = def.expect("definition");
        assert!(def.contains(r#""s":{"Get":"Parameters.S"}"#), "{def}");
        assert!(def.contains(&format!(r#""i":{}"#, join("I"))), "{def}");
    }

    /// Fresh-eyes finding: a `{{ }}` reference in hand-written step JSON reached SageMaker as text.
    #[test]
    fn a_reference_left_as_text_in_step_json_is_a_warning() {
        let fail = |msg: &str| {
            format!(r#"{{"Name":"F","Type":"Fail","Arguments":{{"ErrorMessage":"{msg}"}}}}"#)
        };
        let warnings = |msg: &str| {
            let input = PipelineInput { steps: vec![fail(msg)], ..Default::default() };
            let (def, diags) = compile(&input, test_types);
            assert!(def.is_some(), "{diags:?}");
            diags
                .iter()
                .map(|d| format!("{}: {}", d.path.clone().unwrap_or_default(), d.summary))
                .collect::<Vec<_>>()
        };
        assert_eq!(
            warnings("bad {{ Parameters.Nope }}"),
            vec!["steps[0]: A {{ }} reference in step JSON is passed on as text"]
        );
        // Braces that are no reference are text anyway.
        assert!(warnings("{{ not a reference }}").is_empty());
        assert!(warnings("plain").is_empty());
    }

    /// Review finding: pipeline-level settings were compiled but their references not checked.
    #[test]
    fn experiment_config_and_step_defaults_references_are_checked() {
        let input = PipelineInput {
            steps: vec![r#"{"Name":"F","Type":"Fail","Arguments":{"ErrorMessage":"x"}}"#.into()],
            experiment_config: Some((
                Some("{{ Parameters.Nope }}".into()),
                Some("{{ Steps.F.Outcome }}".into()),
            )),
            step_defaults: Some(StepDefaults {
                role_arn: Some("{{ Parameters.R".into()),
                ..Default::default()
            }),
            ..Default::default()
        };
        let (def, diags) = compile(&input, test_types);
        assert!(def.is_none());
        let paths: Vec<String> =
            diags.iter().map(|d| d.path.clone().unwrap_or_default().to_string()).collect();
        assert_eq!(
            paths,
            vec![
                "step_defaults.role_arn",
                "experiment_config.experiment_name",
                "experiment_config.trial_name"
            ]
        );
    }

    /// Hostile-input finding: `experiment_name = "my experiment"` passed plan and failed every
    /// run. Literal text is checked against `ExperimentEntityName`; references are not.
    #[test]
    fn experiment_and_trial_names_are_checked_around_references() {
        for ok in [
            "churn",
            "churn-training--v2",
            &"a".repeat(120),
            "{{ Execution.PipelineName }}",
            "exp-{{ Execution.PipelineName }}",
            "{{ Execution.PipelineName }}-{{ Execution.PipelineExecutionId }}",
        ] {
            assert_eq!(experiment_name_problem(ok), None, "{ok}");
        }
        for bad in [
            "",
            "my experiment",
            "under_score",
            "-lead",
            "trail-",
            &"a".repeat(121),
            "my exp {{ Execution.PipelineName }}",
            &format!("{}-{{{{ Execution.PipelineExecutionId }}}}", "a".repeat(120)),
            "-{{ Execution.PipelineName }}",
            "{{ Execution.PipelineName }}-",
        ] {
            assert!(experiment_name_problem(bad).is_some(), "{bad:?}");
        }
        let input = PipelineInput {
            steps: vec![r#"{"Name":"F","Type":"Fail","Arguments":{"ErrorMessage":"x"}}"#.into()],
            experiment_config: Some((Some("my experiment".into()), Some("t-1".into()))),
            ..Default::default()
        };
        let (def, diags) = compile(&input, test_types);
        assert!(def.is_none());
        let d = diags.iter().next().expect("one error");
        assert_eq!(d.summary, "Invalid experiment_name \"my experiment\"");
        assert_eq!(
            d.path.as_ref().map(ToString::to_string).as_deref(),
            Some("experiment_config.experiment_name")
        );
        assert_eq!(diags.iter().count(), 1, "{diags:?}");
    }

    /// Hostile-input finding: a hand-written step with `"Type": "fail"` passed plan; SageMaker's
    /// types are case-sensitive. An unknown type (a future one) stays allowed.
    #[test]
    fn a_known_step_type_in_other_capitals_is_an_error() {
        fn any_case(ty: &str) -> Option<&'static dyn crate::compiler::step_type::StepTypeFacts> {
            ["Fail", "Processing"]
                .into_iter()
                .find(|k| k.eq_ignore_ascii_case(ty))
                .and_then(test_types)
        }
        let input = |ty: &str| PipelineInput {
            steps: vec![format!(
                r#"{{"Name":"F","Type":"{ty}","Arguments":{{"ErrorMessage":"x"}}}}"#
            )],
            ..Default::default()
        };
        let (def, diags) = compile(&input("fail"), any_case);
        assert!(def.is_none());
        let d = diags.iter().next().expect("one error");
        assert_eq!(d.summary, "Invalid step type \"fail\"");
        assert!(d.detail.contains(r#"write "Type": "Fail""#), "{}", d.detail);
        assert_eq!(d.path.as_ref().map(ToString::to_string).as_deref(), Some("steps[0]"));
        for ok in ["Fail", "SomeFutureType"] {
            let (def, diags) = compile(&input(ok), any_case);
            assert!(def.is_some() && !diags.has_errors(), "{ok}: {diags:?}");
        }
        // In a condition's branch too (re-check finding).
        let branch = PipelineInput {
            steps: vec![r#"{"Name":"C","Type":"Condition","Arguments":{"Conditions":[],"IfSteps":[{"Name":"G","Type":"fail","Arguments":{"ErrorMessage":"x"}}],"ElseSteps":[]}}"#.into()],
            ..Default::default()
        };
        let (def, diags) = compile(&branch, any_case);
        assert!(def.is_none());
        let d = diags
            .iter()
            .find(|d| d.summary == "Invalid step type \"fail\"")
            .expect("the branch step's type");
        assert!(d.detail.contains("(step \"G\")"), "{}", d.detail);
    }

    #[test]
    fn float_defaults_with_absurd_exponents_do_not_panic() {
        for t in ["0e9223372036854775807", "1e-9223372036854775809", "1e400"] {
            let _ = convert_default(&ParamType::Float, t);
        }
        assert_eq!(
            convert_default(&ParamType::Float, "1e-9223372036854775809").ok(),
            Some(serde_json::json!(0.0))
        );
    }

    #[test]
    fn numbers_and_booleans_are_written_alone() {
        for (ty, text, why) in [
            (ParamType::Integer, " 3 ", "has spaces around it"),
            (ParamType::Integer, "+3", "has a + sign"),
            (ParamType::Float, "0.5 ", "has spaces around it"),
            (ParamType::Boolean, " true", "has spaces around it"),
        ] {
            let e = convert_default(&ty, text).expect_err(text);
            assert!(e.contains(why), "{text}: {e}");
        }
        assert_eq!(convert_default(&ParamType::String, " x "), Ok(Json::String(" x ".into())));
        assert_eq!(convert_default(&ParamType::Integer, "-3"), Ok(Json::from(-3)));
    }

    #[test]
    fn enum_values_checked() {
        let mut param = p("Mode", None, Some("fast"));
        param.enum_values = vec!["full".into(), "quick".into()];
        let (_, diags) =
            compile(&PipelineInput { parameters: vec![param], ..Default::default() }, test_types);
        assert!(diags.has_errors());
    }

    /// Fresh-eyes finding: the same step resource listed twice was reported as two steps that
    /// share a name.
    #[test]
    fn a_step_listed_twice_is_said_so() {
        let stop = r#"{"Type":"Fail","Name":"Stop","Arguments":{"ErrorMessage":"x"}}"#.to_string();
        let other = r#"{"Type":"Fail","Name":"Stop","Arguments":{"ErrorMessage":"y"}}"#.to_string();
        let summaries = |steps: Vec<String>| {
            let d = compile(&PipelineInput { steps, ..Default::default() }, test_types).1;
            d.iter().map(|d| d.summary.clone()).collect::<Vec<_>>()
        };
        assert_eq!(summaries(vec![stop.clone(), stop.clone()]), ["Step \"Stop\" is listed twice"]);
        assert_eq!(summaries(vec![stop, other]), ["Duplicate step name \"Stop\""]);
        let big = r#"{"Type":"Fail","Name":"Big","Arguments":{"N":18446744073709551617}}"#;
        assert_eq!(
            summaries(vec![big.to_string()]),
            ["Step has a number too large to keep exactly"]
        );
        // How the canonical form writes 1e25 (a step resource's `json`) reads back unchanged.
        let written =
            r#"{"Type":"Fail","Name":"Big","Arguments":{"N":10000000000000000000000000}}"#;
        assert!(summaries(vec![written.to_string()]).is_empty());
    }

    /// Issue 8: over the inline limit is an error that points at `definition_s3`, unless the
    /// definition goes to S3; just under it compiles either way.
    #[test]
    fn the_inline_limit_applies_only_to_inline_definitions() {
        let with_message = |chars: usize, filler: &str| {
            // A definition of exactly `chars` characters: each filler adds one (`é` adds two bytes).
            let step = |m: &str| {
                format!(r#"{{"Type":"Fail","Name":"Stop","Arguments":{{"ErrorMessage":"{m}"}}}}"#)
            };
            let base =
                compile(&PipelineInput { steps: vec![step("")], ..Default::default() }, test_types)
                    .0
                    .expect("compiles")
                    .len();
            step(&filler.repeat(chars - base))
        };
        let at_limit = with_message(MAX_DEFINITION_CHARS, "x");
        let over = with_message(MAX_DEFINITION_CHARS + 1, "x");
        // Characters, not bytes: over the limit in bytes, at it in characters.
        let wide = with_message(MAX_DEFINITION_CHARS, "é");
        for (steps, delivery, ok) in [
            (&at_limit, Delivery::Inline, true),
            (&wide, Delivery::Inline, true),
            (&over, Delivery::Inline, false),
            (&over, Delivery::S3, true),
            (&over, Delivery::Unsent, true),
        ] {
            let input =
                PipelineInput { steps: vec![steps.clone()], delivery, ..Default::default() };
            let (def, diags) = compile(&input, test_types);
            assert_eq!(def.is_some(), ok, "{delivery:?} {}", steps.len());
            if delivery == Delivery::Unsent {
                let d = &diags.0[..];
                assert_eq!(d.len(), 1, "{d:?}");
                assert_eq!(d[0].severity, Severity::Warning);
                assert!(d[0].detail.contains("definition_s3"), "{}", d[0].detail);
            } else if ok {
                assert!(diags.is_empty(), "{diags:?}");
                assert!(def.is_some_and(|d| d.chars().count() >= MAX_DEFINITION_CHARS));
            } else {
                let d = &diags.0[0];
                assert_eq!(d.summary, "Pipeline definition is too large");
                assert_eq!(d.path.as_ref().map(|p| p.to_string()).as_deref(), Some("steps"));
                assert!(d.detail.contains("definition_s3"), "{}", d.detail);
                assert!(d.detail.contains(&(MAX_DEFINITION_CHARS + 1).to_string()), "{}", d.detail);
            }
        }
    }
}
