//! Semantic equality of pipeline definitions and step objects: two JSON texts are equal when
//! SageMaker runs them the same way, even if they are spelt differently. Read (is the deployed
//! pipeline still what the state says?) and plan (is the configuration already deployed, e.g.
//! right after an import?) both ask this module and nothing else.
//!
//! It works by one normal form: [`normal_definition`] and [`normal_step`] rewrite a parsed
//! definition or step so that every spelling of the same meaning becomes the same value, and two
//! texts are equal when their normal forms serialise to the same canonical text. Each rule below
//! says what it makes equal and why SageMaker cannot tell the two apart. Anything no rule
//! covers is compared exactly: a missing rule shows a difference in the plan, which is safe; a
//! wrong rule would hide an edit, which is not, so the rules stay narrow.
//!
//! | rule | equal | why it is safe |
//! |---|---|---|
//! | N1 | key order, whitespace, string escapes | the service parses the definition as JSON (research §1.1: "ordering/whitespace are not semantic") |
//! | N2 | number spellings (`1`, `1.0`, `1e0`) | JSON numbers have no integer/float distinction; `canonical` writes each number in its shortest exact form, so `6.0` and `6` are the same number. Known limit: a Lambda or Callback payload reaches the user's code as written, whose JSON reader may tell `1` from `1.0` (Python's `json.loads`), and the provider cannot keep that difference: its canonical form, like Terraform's `jsonencode`, writes both as `1`, so drift between the two is not shown (semantic equality helper finding; comparing them apart here alone was tried and reverted, since every stored part is canonical) |
//! | N3 | top level: no `Metadata` vs `Metadata: {}`; no `Parameters` vs `Parameters: []` | `Metadata` holds free-form annotations that no step reads; an empty list declares no parameter, as does a missing one. Only these two keys: an empty `Steps` is a different (invalid) pipeline |
//! | N4 | top level: a member set to `null` vs no member (e.g. the SDK's `PipelineExperimentConfig: null`, SDK 3's `MlflowConfig: null`) | `null` is how the SDK writes "not configured"; the experiment default is applied by the SDK, which then writes it out in full, never by the service |
//! | N5 | step level: `DependsOn` order and repetition; `DependsOn: []` vs none | `DependsOn` is the set of steps that must finish first; order and repeats do not change the set, and an empty set adds no edge |
//! | N6 | step level: `RetryPolicies: []`, `PropertyFiles: []`, `OutputParameters: []` vs none; any other optional member set to `null` vs none | each is a list of things the step declares (retries, property files, Lambda/Callback outputs): empty declares nothing. `null` is the SDK's "unset" (e.g. `SuppliedBaselineStatistics` of check steps). `Name`, `Type` and `Arguments` are never dropped |
//! | N7 | order of top-level `Steps` and of a Condition's `IfSteps`/`ElseSteps` (sorted by `Name`) | execution order comes from the DAG (data references, `DependsOn`, branches), never from list position; step names are unique across a definition, so the order by name is total. The SDK itself reorders (it appends referenced steps after the listed ones) |
//! | N8 | in job arguments (every step type but Lambda and Callback): `Environment: {}` vs none | an environment-variable map with no entries sets no variable; the SDK always writes `{}` into model containers. Lambda and Callback `Arguments` are the user's own payload, passed through verbatim, so no key there is touched |
//! | N9 | in job arguments: empty sections of `ModelMetrics` / `DriftCheckBaselines` (e.g. the SDK's `Bias: {}`, `Explainability: {}`) vs none | every member of these CreateModelPackage structures is optional: an empty section registers no report, like a missing one |
//! | N10 | `{"Std:Join": {"On": sep, "Values": [a, b, c]}}` vs the same string built with `On: ""`: `[a, sep, b, sep, c]`, adjacent string literals merged, empty string literals dropped, nested joins spliced in | `Std:Join` is string concatenation with `sep` between the values, and concatenation is associative: `Join("/", ["s3:/", "b", x])` and `Join("", ["s3://b/", x])` evaluate to the same text for every `x`. Number and boolean literals stay separate values (how the service prints `6.0` is not documented) |
//! | N11 | a join that is only string literals vs that string | concatenating literals is a constant |
//! | N12 | a one-value join of a reference whose value is a string (a `String` parameter; the execution's `PipelineExecutionId`, `PipelineExecutionArn`, `PipelineName` or `PipelineArn`) vs the reference | joining one string gives that string. Any other one-value join is kept: it is how a number or boolean (an `Integer` parameter, a step property) is turned into a string (the SDK's `to_string`), and the field then receives a string, not a number. So are `StartDateTime` and `CurrentDateTime`, date-times whose text form is not documented (semantic equality helper finding) |
//! | N13 | a training job's `OutputDataConfig.CompressionType: "GZIP"` vs none (Training steps, and each training job definition of a Tuning step; SDK 3's `ModelTrainer` writes it) | GZIP is the documented default of a training job's model output compression (CreateTrainingJob `OutputDataConfig.CompressionType`: "Defaults to gzip"); AutoML's `OutputDataConfig` has no such member, so it is left alone there |
//! | N14 | in job arguments (every step type but Lambda and Callback): a member set to `null` vs no member (the SDK's `MaxNumberOfTrainingJobs: null` in a Grid tuning job's `ResourceLimits`) | the service reads job arguments as the API request, in whose JSON protocol a `null` member is an unset one: the SDK's Grid tuning runs with `null` where the API takes no value. Lambda and Callback payloads are the user's data, where `null` is a value |
//! | N15 | a processing input's or output's `AppManaged: false` vs none (`ProcessingInputs[*]`, `ProcessingOutputConfig.Outputs[*]` of Processing, QualityCheck and ClarifyCheck steps, whose arguments are CreateProcessingJob requests; SDK 2.x writes it, SDK 3's `ScriptProcessor` and check steps do not) | `false` is the documented default of both members (CreateProcessingJob `ProcessingInput.AppManaged`, `ProcessingOutput.AppManaged`: "When False (default), input operations are managed by Amazon SageMaker") |
//! | N16 | a Tuning step's training job definition: `HyperParameterTuningResourceConfig` vs `ResourceConfig` (SDK 2.x writes the first, SDK 3 the second) when it holds only `InstanceType`, `InstanceCount`, `VolumeSizeInGB` and `VolumeKmsKeyId` | the two are alternative spellings of the instances every training job of the tuning job runs on (the API takes one or the other); the four members are common to both and mean the same in each. Anything else (`InstanceConfigs`, `AllocationStrategy`, `InstanceGroups`, ...) exists in one only, and such a config is compared as written |
//! | N17 | a Tuning step's `IntegerParameterRanges: []`, `ContinuousParameterRanges: []`, `CategoricalParameterRanges: []` vs none (in `HyperParameterTuningJobConfig.ParameterRanges` and each definition's `HyperParameterRanges`) | each is a list of ranges to tune: an empty list tunes nothing, as a missing one does (SDK 2.x writes all three, SDK 3 only those it uses) |
//! | N18 | a processing input's `S3Input.S3CompressionType: "None"` and `S3DataDistributionType: "FullyReplicated"` vs none (the same inputs as N15; SDK 3's check steps leave both out) | `Gzip` decompresses only in `Pipe` mode and must be asked for: without it nothing is decompressed. `FullyReplicated` is the service's default of the same enum where the API states one (`EndpointInput.S3DataDistributionType`: "Defaults to FullyReplicated") and the default of both SDKs' `ProcessingInput`; sharding must be asked for |
//!
//! Pure: no IO. Depends on serde_json and `canonical`.

use std::collections::BTreeSet;

use serde_json::{Map, Value as Json};

use super::canonical;

/// What the normal form may assume about the references inside a step: which parameters are
/// `String`s (rule N12). A definition carries its own; a step compared on its own takes them
/// from the definition it belongs to.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Context {
    string_parameters: BTreeSet<String>,
}

impl Context {
    pub fn new(string_parameters: impl IntoIterator<Item = String>) -> Context {
        Context { string_parameters: string_parameters.into_iter().collect() }
    }

    /// The `String` parameters a definition declares in its `Parameters`.
    pub fn of_definition(definition: &Json) -> Context {
        let names = definition
            .get("Parameters")
            .and_then(Json::as_array)
            .into_iter()
            .flatten()
            .filter(|p| p.get("Type").and_then(Json::as_str) == Some("String"))
            .filter_map(|p| p.get("Name").and_then(Json::as_str).map(str::to_string));
        Context::new(names)
    }

    /// Whether `v` is a reference whose value is always a string (N12).
    fn is_string_reference(&self, v: &Json) -> bool {
        let Some(obj) = v.as_object().filter(|o| o.len() == 1) else {
            return false;
        };
        let Some(get) = obj.get("Get").and_then(Json::as_str) else {
            return false;
        };
        if let Some(variable) = get.strip_prefix("Execution.") {
            return matches!(
                variable,
                "PipelineExecutionId" | "PipelineExecutionArn" | "PipelineName" | "PipelineArn"
            );
        }
        get.strip_prefix("Parameters.").is_some_and(|p| self.string_parameters.contains(p))
    }
}

/// True when two definition texts mean the same pipeline (rules N1-N18). Unparseable texts are
/// equal only if byte-identical.
pub fn definitions_equal(a: &str, b: &str) -> bool {
    if a == b {
        return true;
    }
    match (serde_json::from_str::<Json>(a), serde_json::from_str::<Json>(b)) {
        (Ok(x), Ok(y)) => {
            canonical::to_string(&normal_definition(&x))
                == canonical::to_string(&normal_definition(&y))
        }
        _ => false,
    }
}

/// True when two step objects mean the same step, in a pipeline whose `String` parameters are
/// those of `ctx`.
pub fn steps_equal(a: &Json, b: &Json, ctx: &Context) -> bool {
    a == b
        || canonical::to_string(&normal_step(a, ctx)) == canonical::to_string(&normal_step(b, ctx))
}

/// True when two lists of step objects hold the same steps, matched by name in any order (N7).
pub fn step_lists_equal(a: &[Json], b: &[Json], ctx: &Context) -> bool {
    a.len() == b.len() && {
        let normal = |steps: &[Json]| -> Vec<String> {
            let mut v: Vec<Json> = steps.iter().map(|s| normal_step(s, ctx)).collect();
            sort_by_name(&mut v);
            v.iter().map(canonical::to_string).collect()
        };
        normal(a) == normal(b)
    }
}

/// `step` spelt like `prior` wherever the two mean the same: each member or element of `step`
/// whose value means what `prior`'s value at the same place means (matched by `Name` in lists
/// of named objects, such as a condition's branch steps) takes `prior`'s text, an empty member
/// (`null`, `{}`, `[]`) only `prior` has is kept, and, object by object, the other members only
/// `prior` has are kept and those only `step` has are left out when the step still means the
/// same (a default value one side writes and the other leaves out: SDK 3's
/// `CompressionType: "GZIP"` and missing `AppManaged: false`, its `ResourceConfig` for our
/// `HyperParameterTuningResourceConfig`; helper findings). So a changed step differs from its
/// deployed text only in the fields that changed, not in every field the compiler spells
/// differently (an imported `Join(on="/")` against `On: ""`). The result always means what
/// `step` means: every respelling is checked against `step` with [`steps_equal`], one that
/// fails is not used (first the reordering of named lists, then the kept empty members, then
/// all of it), and each object's keeping and leaving out is taken only if the check still holds
/// with it, so one member the configuration really adds or removes costs only its own object's
/// respelling. Deterministic: the same two steps always give the same text.
pub fn respelt_like(prior: &Json, step: &Json, ctx: &Context) -> Json {
    // Another type of step under the same name is another step: nothing of the old one carries
    // over (its empty members, which its type allowed, may not be allowed in this one).
    if prior.get("Type") != step.get("Type") {
        return step.clone();
    }
    for (reorder, keep_empty) in [(true, true), (false, true), (false, false)] {
        let none = BTreeSet::new();
        let mut found = Vec::new();
        let how = Respell { reorder, keep_empty, relaxed: &none };
        let base = respell(prior, step, ctx, how, String::new(), &mut found);
        if !steps_equal(&base, step, ctx) {
            continue;
        }
        let mut relaxed = BTreeSet::new();
        let mut best = base;
        for path in found {
            relaxed.insert(path.clone());
            let how = Respell { reorder, keep_empty, relaxed: &relaxed };
            let candidate = respell(prior, step, ctx, how, String::new(), &mut Vec::new());
            if steps_equal(&candidate, step, ctx) {
                best = candidate;
            } else {
                relaxed.remove(&path);
            }
        }
        return best;
    }
    step.clone()
}

#[derive(Clone, Copy)]
struct Respell<'a> {
    /// A named list whose names are the same on both sides keeps `prior`'s order.
    reorder: bool,
    /// An empty member (`null`, `{}`, `[]`) only `prior` has is kept.
    keep_empty: bool,
    /// The objects (by their path in the step) where every member only `prior` has is kept and
    /// every member only the step has is left out.
    relaxed: &'a BTreeSet<String>,
}

/// `new` spelt like `prior` as `how` says; `found` collects the paths of the objects whose
/// members differ (those [`Respell::relaxed`] may name).
fn respell(
    prior: &Json,
    new: &Json,
    ctx: &Context,
    how: Respell,
    path: String,
    found: &mut Vec<String>,
) -> Json {
    if prior == new
        || canonical::to_string(&normal_value(prior, ctx, false))
            == canonical::to_string(&normal_value(new, ctx, false))
    {
        return prior.clone();
    }
    match (prior, new) {
        (Json::Object(p), Json::Object(n)) => {
            let relaxed = how.relaxed.contains(&path);
            if p.keys().any(|k| !n.contains_key(k)) || n.keys().any(|k| !p.contains_key(k)) {
                found.push(path.clone());
            }
            let mut out = Map::new();
            for (k, v) in n {
                let v = match p.get(k) {
                    Some(old) => respell(old, v, ctx, how, format!("{path}.{k}"), found),
                    None if relaxed => continue,
                    None => v.clone(),
                };
                out.insert(k.clone(), v);
            }
            for (k, v) in p {
                let empty = v.is_null()
                    || v.as_object().is_some_and(Map::is_empty)
                    || v.as_array().is_some_and(Vec::is_empty);
                if ((empty && how.keep_empty) || relaxed) && !n.contains_key(k) {
                    out.insert(k.clone(), v.clone());
                }
            }
            Json::Object(out)
        }
        (Json::Array(p), Json::Array(n)) => match (names(p), names(n)) {
            (Some(pn), Some(nn)) => {
                fn by_name<'j>(
                    items: &'j [Json],
                    names: &[String],
                    name: &str,
                ) -> Option<&'j Json> {
                    names.iter().position(|x| x == name).map(|i| &items[i])
                }
                // Names are distinct within each list, so equal sets are the same names.
                let same_names =
                    pn.iter().collect::<BTreeSet<_>>() == nn.iter().collect::<BTreeSet<_>>();
                let order = if how.reorder && same_names { &pn } else { &nn };
                Json::Array(
                    order
                        .iter()
                        .filter_map(|name| {
                            let item = by_name(n, &nn, name)?;
                            Some(match by_name(p, &pn, name) {
                                Some(old) => {
                                    respell(old, item, ctx, how, format!("{path}[{name:?}]"), found)
                                }
                                None => item.clone(),
                            })
                        })
                        .collect(),
                )
            }
            _ if p.len() == n.len() => Json::Array(
                p.iter()
                    .zip(n)
                    .enumerate()
                    .map(|(i, (old, v))| respell(old, v, ctx, how, format!("{path}[{i}]"), found))
                    .collect(),
            ),
            _ => new.clone(),
        },
        _ => new.clone(),
    }
}

/// The `Name`s of a list of objects when every element has a distinct string `Name`.
fn names(items: &[Json]) -> Option<Vec<String>> {
    let names: Vec<String> = items
        .iter()
        .map(|x| x.get("Name").and_then(Json::as_str).map(str::to_string))
        .collect::<Option<_>>()?;
    let distinct: BTreeSet<&String> = names.iter().collect();
    (distinct.len() == names.len() && !names.is_empty()).then_some(names)
}

/// The normal form of a whole definition.
pub fn normal_definition(definition: &Json) -> Json {
    let Json::Object(top) = definition else {
        return definition.clone();
    };
    let ctx = Context::of_definition(definition);
    let mut out = Map::new();
    for (k, v) in top {
        let dropped = match k.as_str() {
            // N3
            "Metadata" => v.as_object().is_some_and(Map::is_empty),
            "Parameters" => v.as_array().is_some_and(Vec::is_empty),
            _ => false,
        };
        // N4: a null member is an absent one (but a null `Steps` or `Version` stays visible).
        if dropped || (v.is_null() && !matches!(k.as_str(), "Steps" | "Version")) {
            continue;
        }
        let v = match k.as_str() {
            "Steps" => normal_step_list(v, &ctx),
            _ => normal_value(v, &ctx, false),
        };
        out.insert(k.clone(), v);
    }
    Json::Object(out)
}

/// The normal form of one step object (a top-level step or a branch step).
pub fn normal_step(step: &Json, ctx: &Context) -> Json {
    let Json::Object(obj) = step else {
        return normal_value(step, ctx, false);
    };
    let step_type = obj.get("Type").and_then(Json::as_str).unwrap_or_default();
    let mut out = Map::new();
    for (k, v) in obj {
        match k.as_str() {
            "Name" | "Type" => {
                out.insert(k.clone(), v.clone());
            }
            "Arguments" => {
                let mut args = match step_type {
                    "Condition" => normal_condition_arguments(v, ctx),
                    // The user's own payload: only expressions are normalised (N8 note).
                    "Lambda" | "Callback" => normal_value(v, ctx, false),
                    _ => normal_value(v, ctx, true),
                };
                default_compression(step_type, &mut args);
                default_members(step_type, &mut args);
                out.insert(k.clone(), args);
            }
            // N5
            "DependsOn" => match v.as_array() {
                Some(names) if names.iter().all(Json::is_string) => {
                    let set: BTreeSet<&str> = names.iter().filter_map(Json::as_str).collect();
                    if !set.is_empty() {
                        out.insert(
                            k.clone(),
                            Json::Array(set.into_iter().map(|s| Json::String(s.into())).collect()),
                        );
                    }
                }
                _ if v.is_null() => {}
                _ => {
                    out.insert(k.clone(), normal_value(v, ctx, false));
                }
            },
            // N6
            "RetryPolicies" | "PropertyFiles" | "OutputParameters"
                if v.as_array().is_some_and(Vec::is_empty) => {}
            _ if v.is_null() => {}
            _ => {
                out.insert(k.clone(), normal_value(v, ctx, false));
            }
        }
    }
    Json::Object(out)
}

/// N13: a training job's `OutputDataConfig` (a Training step's, each training job definition of
/// a Tuning step's) without its default `CompressionType: "GZIP"`. Only there: AutoML's
/// `OutputDataConfig` has no such member, and one written there must still show.
fn default_compression(step_type: &str, args: &mut Json) {
    let configs: Vec<&mut Json> = match step_type {
        "Training" => args.get_mut("OutputDataConfig").into_iter().collect(),
        "Tuning" => training_definitions(args)
            .into_iter()
            .filter_map(|d| d.get_mut("OutputDataConfig"))
            .collect(),
        _ => Vec::new(),
    };
    for config in configs {
        if let Json::Object(c) = config {
            if c.get("CompressionType").and_then(Json::as_str) == Some("GZIP") {
                c.remove("CompressionType");
            }
        }
    }
}

/// A Tuning step's training job definitions: `TrainingJobDefinition` and each of
/// `TrainingJobDefinitions`.
fn training_definitions(args: &mut Json) -> Vec<&mut Json> {
    let Json::Object(a) = args else { return Vec::new() };
    let mut out = Vec::new();
    for (k, v) in a.iter_mut() {
        match (k.as_str(), v) {
            ("TrainingJobDefinition", d) => out.push(d),
            ("TrainingJobDefinitions", Json::Array(ds)) => out.extend(ds.iter_mut()),
            _ => {}
        }
    }
    out
}

/// N17: a tuning job's empty range lists left out.
fn empty_ranges_dropped(ranges: &mut Json) {
    if let Json::Object(r) = ranges {
        r.retain(|k, v| {
            !(matches!(
                k.as_str(),
                "IntegerParameterRanges"
                    | "ContinuousParameterRanges"
                    | "CategoricalParameterRanges"
            ) && v.as_array().is_some_and(Vec::is_empty))
        });
    }
}

/// N15-N18: members a Processing, check or Tuning step may write or leave out with the same
/// meaning, in the spelling without them (N15, N17, N18) or in SDK 3's (N16).
fn default_members(step_type: &str, args: &mut Json) {
    match step_type {
        // Check steps run processing jobs: their arguments are CreateProcessingJob requests.
        "Processing" | "QualityCheck" | "ClarifyCheck" => {
            let mut items: Vec<&mut Json> = Vec::new();
            let Json::Object(a) = args else { return };
            for (k, v) in a.iter_mut() {
                match (k.as_str(), v) {
                    ("ProcessingInputs", Json::Array(inputs)) => items.extend(inputs.iter_mut()),
                    ("ProcessingOutputConfig", Json::Object(c)) => {
                        if let Some(Json::Array(outputs)) = c.get_mut("Outputs") {
                            items.extend(outputs.iter_mut());
                        }
                    }
                    _ => {}
                }
            }
            for item in items {
                if let Json::Object(o) = item {
                    if o.get("AppManaged") == Some(&Json::Bool(false)) {
                        o.remove("AppManaged");
                    }
                    // N18
                    if let Some(Json::Object(input)) = o.get_mut("S3Input") {
                        for (key, default) in [
                            ("S3CompressionType", "None"),
                            ("S3DataDistributionType", "FullyReplicated"),
                        ] {
                            if input.get(key).and_then(Json::as_str) == Some(default) {
                                input.remove(key);
                            }
                        }
                    }
                }
            }
        }
        "Tuning" => {
            if let Some(r) = args
                .get_mut("HyperParameterTuningJobConfig")
                .and_then(|c| c.get_mut("ParameterRanges"))
            {
                empty_ranges_dropped(r);
            }
            for d in training_definitions(args) {
                let Json::Object(d) = d else { continue };
                // N16
                const COMMON: [&str; 4] =
                    ["InstanceType", "InstanceCount", "VolumeSizeInGB", "VolumeKmsKeyId"];
                let plain = |c: &Json| {
                    c.as_object().is_some_and(|c| c.keys().all(|k| COMMON.contains(&k.as_str())))
                };
                if !d.contains_key("ResourceConfig")
                    && d.get("HyperParameterTuningResourceConfig").is_some_and(plain)
                {
                    if let Some(c) = d.remove("HyperParameterTuningResourceConfig") {
                        d.insert("ResourceConfig".into(), c);
                    }
                }
                if let Some(r) = d.get_mut("HyperParameterRanges") {
                    empty_ranges_dropped(r);
                }
            }
        }
        _ => {}
    }
}

/// The normal form of an expression or any other value inside a step: joins rewritten (N10-N12)
/// everywhere; with `job_arguments`, also the empty-collection rules of job arguments (N8, N9).
pub fn normal_expression(v: &Json, ctx: &Context) -> Json {
    normal_value(v, ctx, false)
}

fn normal_condition_arguments(args: &Json, ctx: &Context) -> Json {
    let Json::Object(obj) = args else {
        return normal_value(args, ctx, false);
    };
    let mut out = Map::new();
    for (k, v) in obj {
        let v = match k.as_str() {
            // N7: branch steps are steps.
            "IfSteps" | "ElseSteps" => normal_step_list(v, ctx),
            _ => normal_value(v, ctx, false),
        };
        out.insert(k.clone(), v);
    }
    Json::Object(out)
}

fn normal_step_list(v: &Json, ctx: &Context) -> Json {
    let Json::Array(steps) = v else {
        return normal_value(v, ctx, false);
    };
    let mut out: Vec<Json> = steps.iter().map(|s| normal_step(s, ctx)).collect();
    sort_by_name(&mut out);
    Json::Array(out)
}

/// N7: by `Name`; a step without a string name sorts first, by its text (stable, total).
fn sort_by_name(steps: &mut [Json]) {
    steps.sort_by_cached_key(|s| match s.get("Name").and_then(Json::as_str) {
        Some(n) => (1, n.to_string()),
        None => (0, canonical::to_string(s)),
    });
}

fn normal_value(v: &Json, ctx: &Context, job_arguments: bool) -> Json {
    match v {
        Json::Object(obj) => {
            if let Some(joined) = normal_join(obj, ctx) {
                return joined;
            }
            let mut out = Map::new();
            for (k, child) in obj {
                let mut child = normal_value(child, ctx, job_arguments);
                if job_arguments {
                    // N14
                    if child.is_null() {
                        continue;
                    }
                    // N8
                    if k == "Environment" && child.as_object().is_some_and(Map::is_empty) {
                        continue;
                    }
                    // N9
                    if k == "ModelMetrics" || k == "DriftCheckBaselines" {
                        if let Json::Object(sections) = &mut child {
                            sections.retain(|_, s| !s.as_object().is_some_and(Map::is_empty));
                            if sections.is_empty() {
                                continue;
                            }
                        }
                    }
                }
                out.insert(k.clone(), child);
            }
            Json::Object(out)
        }
        Json::Array(items) => {
            Json::Array(items.iter().map(|i| normal_value(i, ctx, job_arguments)).collect())
        }
        _ => v.clone(),
    }
}

/// N10-N12 for an object that is exactly `{"Std:Join": {"On": <string>, "Values": [...]}}`;
/// `None` for anything else (an irregular join is compared as it is).
fn normal_join(obj: &Map<String, Json>, ctx: &Context) -> Option<Json> {
    if obj.len() != 1 {
        return None;
    }
    let join = obj.get("Std:Join")?.as_object().filter(|j| j.len() == 2)?;
    let on = join.get("On")?.as_str()?;
    let values = join.get("Values")?.as_array()?;
    let mut items: Vec<Json> = Vec::with_capacity(values.len() * 2);
    for (i, value) in values.iter().enumerate() {
        if i > 0 && !on.is_empty() {
            items.push(Json::String(on.to_string()));
        }
        match normal_value(value, ctx, false) {
            // An inner join is a string: splice its values in (N10).
            Json::Object(inner) if is_plain_join(&inner) => {
                if let Some(Json::Array(inner_values)) =
                    inner.get("Std:Join").and_then(|j| j.get("Values"))
                {
                    items.extend(inner_values.iter().cloned());
                }
            }
            other => items.push(other),
        }
    }
    let mut merged: Vec<Json> = Vec::with_capacity(items.len());
    for item in items {
        match (merged.last_mut(), item) {
            (_, Json::String(s)) if s.is_empty() => {}
            (Some(Json::String(prev)), Json::String(s)) => prev.push_str(&s),
            (_, item) => merged.push(item),
        }
    }
    Some(match merged.len() {
        0 => Json::String(String::new()), // N11
        1 if merged[0].is_string() || ctx.is_string_reference(&merged[0]) => merged.remove(0), // N11, N12
        _ => {
            let mut j = Map::new();
            j.insert("On".into(), Json::String(String::new()));
            j.insert("Values".into(), Json::Array(merged));
            let mut o = Map::new();
            o.insert("Std:Join".into(), Json::Object(j));
            Json::Object(o)
        }
    })
}

/// A join already in normal form (`On: ""`), as `normal_join` writes it.
fn is_plain_join(obj: &Map<String, Json>) -> bool {
    let Some(join) =
        obj.get("Std:Join").and_then(Json::as_object).filter(|j| obj.len() == 1 && j.len() == 2)
    else {
        return false;
    };
    join.get("On").and_then(Json::as_str).is_some_and(str::is_empty)
        && join.get("Values").is_some_and(Json::is_array)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn def_eq(a: Json, b: Json) -> bool {
        definitions_equal(&a.to_string(), &b.to_string())
    }

    fn step_eq(a: Json, b: Json) -> bool {
        steps_equal(&a, &b, &Context::new(["Mode".to_string()]))
    }

    fn fail(name: &str) -> Json {
        json!({"Name": name, "Type": "Fail", "Arguments": {"ErrorMessage": "x"}})
    }

    #[test]
    fn n1_key_order_and_whitespace() {
        assert!(definitions_equal(
            r#"{"Version":"2020-12-01","Steps":[{"Name":"F","Type":"Fail","Arguments":{"ErrorMessage":"x"}}]}"#,
            "{ \"Steps\" : [ { \"Arguments\": {\"ErrorMessage\": \"x\"}, \"Type\": \"Fail\", \"Name\": \"F\" } ],\n \"Version\": \"2020-12-01\" }"
        ));
        assert!(!definitions_equal(
            r#"{"Steps":[],"Version":"2020-12-01"}"#,
            r#"{"Steps":[],"Version":"2020-12-02"}"#
        ));
        assert!(!definitions_equal("not json", "not  json"));
    }

    #[test]
    fn n2_number_spelling() {
        assert!(def_eq(
            json!({"Parameters": [{"Name": "T", "Type": "Float", "DefaultValue": 6.0}]}),
            json!({"Parameters": [{"Name": "T", "Type": "Float", "DefaultValue": 6}]})
        ));
        assert!(definitions_equal(r#"{"A":1e1}"#, r#"{"A":10}"#));
        assert!(!def_eq(
            json!({"Parameters": [{"Name": "T", "Type": "Float", "DefaultValue": 6.5}]}),
            json!({"Parameters": [{"Name": "T", "Type": "Float", "DefaultValue": 6}]})
        ));
        // A number is not its text.
        assert!(!def_eq(json!({"A": 1}), json!({"A": "1"})));
    }

    #[test]
    fn n3_empty_metadata_and_parameters_are_absent() {
        let minimal = json!({"Version": "2020-12-01", "Steps": [fail("F")]});
        let full = json!({"Version": "2020-12-01", "Metadata": {}, "Parameters": [], "Steps": [fail("F")]});
        assert!(def_eq(minimal.clone(), full));
        assert!(!def_eq(
            minimal.clone(),
            json!({"Version": "2020-12-01", "Metadata": {"k": "v"}, "Steps": [fail("F")]})
        ));
        assert!(!def_eq(
            minimal,
            json!({"Version": "2020-12-01", "Parameters": [{"Name": "P", "Type": "String"}], "Steps": [fail("F")]})
        ));
        // Only those two keys: an empty Steps list is not a missing one.
        assert!(!def_eq(
            json!({"Version": "2020-12-01"}),
            json!({"Version": "2020-12-01", "Steps": []})
        ));
    }

    #[test]
    fn n4_null_top_level_members_are_absent() {
        let without = json!({"Version": "2020-12-01", "Steps": [fail("F")]});
        assert!(def_eq(
            without.clone(),
            json!({"Version": "2020-12-01", "PipelineExperimentConfig": null, "MlflowConfig": null, "Steps": [fail("F")]})
        ));
        // The SDK's default experiment config is a real setting.
        let with_default = json!({"Version": "2020-12-01", "Steps": [fail("F")], "PipelineExperimentConfig": {"ExperimentName": {"Get": "Execution.PipelineName"}, "TrialName": {"Get": "Execution.PipelineExecutionId"}}});
        assert!(!def_eq(without, with_default));
        assert!(!def_eq(
            json!({"Version": "2020-12-01", "Steps": null}),
            json!({"Version": "2020-12-01"})
        ));
    }

    #[test]
    fn n5_depends_on_is_a_set() {
        let base = json!({"Name": "S", "Type": "Fail", "Arguments": {}});
        let mut a = base.clone();
        a["DependsOn"] = json!(["B", "A", "A"]);
        let mut b = base.clone();
        b["DependsOn"] = json!(["A", "B"]);
        assert!(step_eq(a.clone(), b));
        let mut c = base.clone();
        c["DependsOn"] = json!(["A"]);
        assert!(!step_eq(a, c));
        let mut empty = base.clone();
        empty["DependsOn"] = json!([]);
        assert!(step_eq(empty, base));
    }

    #[test]
    fn n6_empty_step_lists_and_null_members_are_absent() {
        let lambda = json!({"Name": "L", "Type": "Lambda", "FunctionArn": "arn:aws:lambda:us-east-1:123456789012:function:f", "Arguments": {}});
        for key in ["OutputParameters", "RetryPolicies", "PropertyFiles"] {
            let mut with = lambda.clone();
            with[key] = json!([]);
            assert!(step_eq(with, lambda.clone()), "{key}");
        }
        let mut outputs = lambda.clone();
        outputs["OutputParameters"] = json!([{"OutputName": "o", "OutputType": "String"}]);
        assert!(!step_eq(outputs, lambda.clone()));
        let mut null_member = lambda.clone();
        null_member["DisplayName"] = Json::Null;
        assert!(step_eq(null_member, lambda.clone()));
        let mut named = lambda.clone();
        named["DisplayName"] = json!("");
        assert!(!step_eq(named, lambda));
    }

    #[test]
    fn n7_step_order_is_not_semantic() {
        let cond = |ifs: Json| json!({"Name": "C", "Type": "Condition", "Arguments": {"Conditions": [], "IfSteps": ifs, "ElseSteps": []}});
        assert!(def_eq(
            json!({"Version": "2020-12-01", "Steps": [fail("A"), cond(json!([fail("X"), fail("Y")]))]}),
            json!({"Version": "2020-12-01", "Steps": [cond(json!([fail("Y"), fail("X")])), fail("A")]}),
        ));
        assert!(!def_eq(json!({"Steps": [fail("A")]}), json!({"Steps": [fail("B")]})));
        // Moving a step into a branch is a change.
        assert!(!def_eq(
            json!({"Steps": [fail("A"), cond(json!([fail("X")]))]}),
            json!({"Steps": [fail("X"), cond(json!([fail("A")]))]}),
        ));
        assert!(step_lists_equal(
            &[fail("A"), fail("B")],
            &[fail("B"), fail("A")],
            &Context::default()
        ));
        assert!(!step_lists_equal(&[fail("A"), fail("B")], &[fail("A")], &Context::default()));
    }

    #[test]
    fn n8_empty_environment_in_job_arguments_only() {
        let model = |env: Option<Json>| {
            let mut c = json!({"Image": "img", "ModelDataUrl": "s3://b/m.tar.gz"});
            if let Some(e) = env {
                c["Environment"] = e;
            }
            json!({"Name": "M", "Type": "Model", "Arguments": {"PrimaryContainer": c}})
        };
        assert!(step_eq(model(Some(json!({}))), model(None)));
        assert!(!step_eq(model(Some(json!({"A": "1"}))), model(None)));
        // Lambda inputs are the user's payload.
        let lambda = |args: Json| json!({"Name": "L", "Type": "Lambda", "FunctionArn": "f", "Arguments": args});
        assert!(!step_eq(lambda(json!({"Environment": {}})), lambda(json!({}))));
    }

    #[test]
    fn n9_empty_model_metrics_sections_are_absent() {
        let reg = |metrics: Json| json!({"Name": "R", "Type": "RegisterModel", "Arguments": {"ModelPackageGroupName": "g", "ModelMetrics": metrics}});
        let quality =
            json!({"Statistics": {"ContentType": "application/json", "S3Uri": "s3://b/s.json"}});
        assert!(step_eq(
            reg(json!({"ModelQuality": quality, "Bias": {}, "Explainability": {}})),
            reg(json!({"ModelQuality": quality}))
        ));
        assert!(!step_eq(
            reg(
                json!({"ModelQuality": quality, "Bias": {"Report": {"ContentType": "x", "S3Uri": "s3://b/r"}}})
            ),
            reg(json!({"ModelQuality": quality}))
        ));
        let bare = json!({"Name": "R", "Type": "RegisterModel", "Arguments": {"ModelPackageGroupName": "g"}});
        assert!(step_eq(reg(json!({"Bias": {}})), bare));
    }

    #[test]
    fn n14_null_members_of_job_arguments_are_absent() {
        let tuning = |limits: Json| json!({"Name": "T", "Type": "Tuning", "Arguments": {"HyperParameterTuningJobConfig": {"Strategy": "Grid", "ResourceLimits": limits}}});
        assert!(step_eq(
            tuning(json!({"MaxNumberOfTrainingJobs": null, "MaxParallelTrainingJobs": 2})),
            tuning(json!({"MaxParallelTrainingJobs": 2}))
        ));
        assert!(!step_eq(
            tuning(json!({"MaxNumberOfTrainingJobs": 5, "MaxParallelTrainingJobs": 2})),
            tuning(json!({"MaxParallelTrainingJobs": 2}))
        ));
        // A Callback payload's null is the user's value.
        let callback = |args: Json| json!({"Name": "C", "Type": "Callback", "SqsQueueUrl": "q", "Arguments": args});
        assert!(!step_eq(callback(json!({"x": null})), callback(json!({}))));
    }

    #[test]
    fn n10_join_with_a_separator_is_concatenation() {
        let pei = json!({"Get": "Execution.PipelineExecutionId"});
        let sdk = json!({"Std:Join": {"On": "/", "Values": ["s3:/", "bucket", "pipe", pei, "Prep", "output", "train"]}});
        let ours = json!({"Std:Join": {"On": "", "Values": ["s3://bucket/pipe/", pei, "/Prep/output/train"]}});
        let ctx = Context::default();
        assert_eq!(normal_expression(&sdk, &ctx), normal_expression(&ours, &ctx));
        let other = json!({"Std:Join": {"On": "", "Values": ["s3://bucket/pipe", pei, "/Prep/output/train"]}});
        assert_ne!(normal_expression(&sdk, &ctx), normal_expression(&other, &ctx));
        // Empty values still get their separators: "a//b".
        let gap = json!({"Std:Join": {"On": "/", "Values": ["a", "", pei]}});
        assert_eq!(
            normal_expression(&gap, &ctx),
            json!({"Std:Join": {"On": "", "Values": ["a//", pei]}})
        );
        // Nested joins are spliced in.
        let nested = json!({"Std:Join": {"On": "", "Values": ["x-", {"Std:Join": {"On": "-", "Values": [pei, "y"]}}]}});
        assert_eq!(
            normal_expression(&nested, &ctx),
            json!({"Std:Join": {"On": "", "Values": ["x-", pei, "-y"]}})
        );
        // Numbers are not merged into text.
        let number = json!({"Std:Join": {"On": " ", "Values": ["above", 6.0]}});
        assert_eq!(
            normal_expression(&number, &ctx),
            json!({"Std:Join": {"On": "", "Values": ["above ", 6.0]}})
        );
        // Inside a definition.
        let step = |uri: Json| json!({"Name": "P", "Type": "Processing", "Arguments": {"ProcessingOutputConfig": {"Outputs": [{"S3Output": {"S3Uri": uri}}]}}});
        assert!(def_eq(json!({"Steps": [step(sdk.clone())]}), json!({"Steps": [step(ours)]})));
        assert!(!def_eq(json!({"Steps": [step(sdk)]}), json!({"Steps": [step(other)]})));
    }

    #[test]
    fn n11_join_of_literals_is_the_string() {
        let ctx = Context::default();
        assert_eq!(
            normal_expression(
                &json!({"Std:Join": {"On": "/", "Values": ["s3:/", "b", "k"]}}),
                &ctx
            ),
            json!("s3://b/k")
        );
        assert_eq!(
            normal_expression(&json!({"Std:Join": {"On": "", "Values": []}}), &ctx),
            json!("")
        );
        // A malformed join is compared as written.
        let odd = json!({"Std:Join": {"Values": ["a", "b"]}});
        assert_eq!(normal_expression(&odd, &ctx), odd);
    }

    #[test]
    fn n12_one_value_join_of_a_string_reference_only() {
        let ctx = Context::new(["Mode".to_string()]);
        let join = |v: Json| json!({"Std:Join": {"On": "", "Values": [v]}});
        let mode = json!({"Get": "Parameters.Mode"});
        let epochs = json!({"Get": "Parameters.Epochs"});
        let exec = json!({"Get": "Execution.PipelineName"});
        let prop = json!({"Get": "Steps.Train.FinalMetricDataList['acc'].Value"});
        assert_eq!(normal_expression(&join(mode.clone()), &ctx), mode);
        assert_eq!(normal_expression(&join(exec.clone()), &ctx), exec);
        // A date-time's text form is not documented: its join stays a join.
        let start = json!({"Get": "Execution.StartDateTime"});
        assert_eq!(normal_expression(&join(start.clone()), &ctx), join(start));
        // The to-string join of an Integer parameter or a step property stays a join.
        assert_eq!(normal_expression(&join(epochs.clone()), &ctx), join(epochs.clone()));
        assert_eq!(normal_expression(&join(prop.clone()), &ctx), join(prop));
        // A definition finds its String parameters itself.
        let env = |v: Json| json!({"Name": "P", "Type": "Processing", "Arguments": {"Environment": {"M": v}}});
        let params =
            json!([{"Name": "Mode", "Type": "String"}, {"Name": "Epochs", "Type": "Integer"}]);
        assert!(def_eq(
            json!({"Parameters": params, "Steps": [env(join(mode.clone()))]}),
            json!({"Parameters": params, "Steps": [env(mode)]})
        ));
        assert!(!def_eq(
            json!({"Parameters": params, "Steps": [env(join(epochs.clone()))]}),
            json!({"Parameters": params, "Steps": [env(epochs)]})
        ));
    }

    /// Fresh-eyes finding: after an import, changing one field of an SDK-made step replaced the
    /// step's whole text, so every `Join(on="/")` in it showed as a change too.
    #[test]
    fn a_changed_step_keeps_the_prior_spelling_of_its_unchanged_fields() {
        let ctx = Context::new(["Mode".to_string()]);
        let sdk_uri = json!({"Std:Join": {"On": "/", "Values": ["s3:/", "bucket", {"Get": "Execution.PipelineExecutionId"}, "out"]}});
        let our_uri = json!({"Std:Join": {"On": "", "Values": ["s3://bucket/", {"Get": "Execution.PipelineExecutionId"}, "/out"]}});
        let step = |uri: &Json, ty: &str, extra: Json| {
            let mut s = json!({"Name": "Eval", "Type": "Processing", "Arguments": {
                "ProcessingResources": {"ClusterConfig": {"InstanceType": ty, "InstanceCount": 1}},
                "ProcessingOutputConfig": {"Outputs": [{"OutputName": "o", "S3Output": {"S3Uri": uri}}]}}});
            s.as_object_mut().expect("object").extend(extra.as_object().expect("object").clone());
            s
        };
        let prior = step(&sdk_uri, "ml.m5.xlarge", json!({"DependsOn": [], "Arguments2": null}));
        let planned = step(&our_uri, "ml.m5.2xlarge", json!({}));
        let respelt = respelt_like(&prior, &planned, &ctx);
        // The one real change is the only difference from the prior text.
        let mut want = prior.clone();
        want["Arguments"]["ProcessingResources"]["ClusterConfig"]["InstanceType"] =
            json!("ml.m5.2xlarge");
        assert_eq!(respelt, want);
        assert!(steps_equal(&respelt, &planned, &ctx));

        // Branch steps are matched by name, in the prior's order when the names are the same.
        let cond = |steps: Vec<Json>| json!({"Name": "C", "Type": "Condition", "Arguments": {"Conditions": [], "IfSteps": steps, "ElseSteps": []}});
        let fail = |name: &str, msg: Json| json!({"Name": name, "Type": "Fail", "Arguments": {"ErrorMessage": msg}});
        let sdk_msg = json!({"Std:Join": {"On": " ", "Values": ["too", "high"]}});
        let prior = cond(vec![fail("B", sdk_msg.clone()), fail("A", json!("x"))]);
        let planned = cond(vec![fail("A", json!("y")), fail("B", json!("too high"))]);
        assert_eq!(
            respelt_like(&prior, &planned, &ctx),
            cond(vec![fail("B", sdk_msg), fail("A", json!("y"))])
        );

        // A step of another type under the same name keeps nothing of the old one.
        let prior = json!({"Name": "S", "Type": "Processing", "Arguments": {"Environment": {}}, "PropertyFiles": []});
        let planned = json!({"Name": "S", "Type": "Fail", "Arguments": {"ErrorMessage": "b"}});
        assert_eq!(respelt_like(&prior, &planned, &ctx), planned);

        // Nothing that changes the meaning is kept: a prior member that is not empty is dropped,
        // and an element list of another length is the planned one.
        let prior = json!({"Name": "S", "Type": "Fail", "Arguments": {"ErrorMessage": "a"}, "DependsOn": ["X"]});
        let planned = json!({"Name": "S", "Type": "Fail", "Arguments": {"ErrorMessage": "b"}});
        assert_eq!(respelt_like(&prior, &planned, &ctx), planned);
    }

    /// Fresh-eyes finding: SDK 3's `ModelTrainer` writes the default compression.
    #[test]
    fn n13_gzip_is_the_default_output_compression() {
        let train = |config: Json| json!({"Name": "T", "Type": "Training", "Arguments": {"OutputDataConfig": config}});
        assert!(step_eq(
            train(json!({"S3OutputPath": "s3://b/m", "CompressionType": "GZIP"})),
            train(json!({"S3OutputPath": "s3://b/m"}))
        ));
        assert!(!step_eq(
            train(json!({"S3OutputPath": "s3://b/m", "CompressionType": "NONE"})),
            train(json!({"S3OutputPath": "s3://b/m"}))
        ));
        let tuning = |config: Json| json!({"Name": "H", "Type": "Tuning", "Arguments": {"TrainingJobDefinition": {"OutputDataConfig": config}}});
        assert!(step_eq(tuning(json!({"CompressionType": "GZIP"})), tuning(json!({}))));
        // Not where no such member exists: AutoML's output, a Lambda's own payload.
        let automl = |config: Json| json!({"Name": "A", "Type": "AutoML", "Arguments": {"OutputDataConfig": config}});
        assert!(!step_eq(automl(json!({"CompressionType": "GZIP"})), automl(json!({}))));
        let lambda = |config: Json| json!({"Name": "L", "Type": "Lambda", "Arguments": {"OutputDataConfig": config}});
        assert!(!step_eq(lambda(json!({"CompressionType": "GZIP"})), lambda(json!({}))));

        // A changed step keeps the default it was deployed with (SDK 3 helper finding: a
        // one-field change also showed `CompressionType` removed), and not once it changes.
        let ctx = Context::default();
        let train = |hp: &str, config: Json| json!({"Name": "T", "Type": "Training", "Arguments": {"HyperParameters": {"n": hp}, "OutputDataConfig": config}});
        let prior = train("50", json!({"S3OutputPath": "s3://b/m", "CompressionType": "GZIP"}));
        let planned = train("100", json!({"S3OutputPath": "s3://b/m"}));
        assert_eq!(
            respelt_like(&prior, &planned, &ctx),
            train("100", json!({"S3OutputPath": "s3://b/m", "CompressionType": "GZIP"}))
        );
        let prior = train("50", json!({"S3OutputPath": "s3://b/m", "CompressionType": "NONE"}));
        assert_eq!(respelt_like(&prior, &planned, &ctx), planned);
        // A hyperparameter removed elsewhere in the step keeps it too (review finding).
        let prior = json!({"Name": "T", "Type": "Training", "Arguments": {"HyperParameters": {"n": "50", "eta": "0.3"}, "OutputDataConfig": {"S3OutputPath": "s3://b/m", "CompressionType": "GZIP"}}});
        let planned = json!({"Name": "T", "Type": "Training", "Arguments": {"HyperParameters": {"n": "50"}, "OutputDataConfig": {"S3OutputPath": "s3://b/m"}}});
        let mut want = prior.clone();
        want["Arguments"]["HyperParameters"] = json!({"n": "50"});
        assert_eq!(respelt_like(&prior, &planned, &ctx), want);
    }

    /// SDK 3 helper finding: `ScriptProcessor` leaves `AppManaged` out.
    #[test]
    fn n15_app_managed_false_is_the_default() {
        let processing = |input: Json, output: Json| {
            json!({"Name": "P", "Type": "Processing", "Arguments": {
            "ProcessingInputs": [input], "ProcessingOutputConfig": {"Outputs": [output]}}})
        };
        let input = |extra: Json| {
            let mut i = json!({"InputName": "raw", "S3Input": {"S3Uri": "s3://b/raw"}});
            i.as_object_mut().expect("object").extend(extra.as_object().expect("object").clone());
            i
        };
        let off = json!({"AppManaged": false});
        assert!(step_eq(
            processing(input(off.clone()), input(off.clone())),
            processing(input(json!({})), input(json!({})))
        ));
        // `true` is another behaviour, and the rule is the Processing step's alone.
        let on = json!({"AppManaged": true});
        assert!(!step_eq(
            processing(input(on), input(json!({}))),
            processing(input(json!({})), input(json!({})))
        ));
        let lambda = |a: Json| json!({"Name": "L", "Type": "Lambda", "Arguments": {"ProcessingInputs": [a]}});
        assert!(!step_eq(lambda(input(off.clone())), lambda(input(json!({})))));

        // A changed step deployed without the default stays without it (SDK 3 helper finding:
        // changing one output also showed `AppManaged = false` added to every input and output).
        let ctx = Context::default();
        let mut moved = input(off.clone());
        moved["S3Input"]["S3Uri"] = json!("s3://b/raw2");
        let prior = processing(input(json!({})), input(json!({})));
        let planned = processing(moved, input(off.clone()));
        let mut want = prior.clone();
        want["Arguments"]["ProcessingInputs"][0]["S3Input"]["S3Uri"] = json!("s3://b/raw2");
        assert_eq!(respelt_like(&prior, &planned, &ctx), want);
        // A member the configuration really adds stays.
        let planned = processing(input(json!({"AppManaged": true})), input(json!({})));
        assert_eq!(respelt_like(&prior, &planned, &ctx), planned);
        // ... and costs only its own object's respelling (review finding: one added member
        // anywhere made every input and output show `AppManaged = false` added).
        let mut planned = processing(input(off.clone()), input(off.clone()));
        planned["Arguments"]["Environment"] = json!({"MODE": "fast"});
        let mut want = prior.clone();
        want["Arguments"]["Environment"] = json!({"MODE": "fast"});
        assert_eq!(respelt_like(&prior, &planned, &ctx), want);
    }

    /// SDK 3 helper finding: its quality and clarify check steps leave out `AppManaged` and the
    /// input's compression and distribution types.
    #[test]
    fn n15_n18_check_steps_and_input_defaults() {
        let step = |ty: &str, input: Json| {
            json!({"Name": "C", "Type": ty, "Arguments": {
            "ProcessingInputs": [input], "ProcessingOutputConfig": {"Outputs": [{"OutputName": "o", "AppManaged": false}]}}})
        };
        let sdk2 = json!({"InputName": "i", "AppManaged": false, "S3Input": {"S3Uri": "s3://b/k", "S3CompressionType": "None", "S3DataDistributionType": "FullyReplicated"}});
        let sdk3 = json!({"InputName": "i", "S3Input": {"S3Uri": "s3://b/k"}});
        for ty in ["Processing", "QualityCheck", "ClarifyCheck"] {
            let mut bare = step(ty, sdk3.clone());
            bare["Arguments"]["ProcessingOutputConfig"]["Outputs"][0] = json!({"OutputName": "o"});
            assert!(step_eq(step(ty, sdk2.clone()), bare), "{ty}");
        }
        // Only the defaults: sharding and Gzip are asked for.
        let sharded = json!({"InputName": "i", "S3Input": {"S3Uri": "s3://b/k", "S3DataDistributionType": "ShardedByS3Key"}});
        assert!(!step_eq(step("Processing", sharded), step("Processing", sdk3.clone())));
        let gzip = json!({"InputName": "i", "S3Input": {"S3Uri": "s3://b/k", "S3CompressionType": "Gzip"}});
        assert!(!step_eq(step("QualityCheck", gzip), step("QualityCheck", sdk3.clone())));
        // Not in a Lambda's payload.
        assert!(!step_eq(step("Lambda", sdk2), step("Lambda", sdk3)));
    }

    /// SDK 3 helper finding: its tuner writes `ResourceConfig` and only the ranges it uses.
    #[test]
    fn n16_n17_the_tuning_job_spellings_of_sdk_2_and_3() {
        let tuning = |def: Json, ranges: Json| {
            json!({"Name": "Tune", "Type": "Tuning", "Arguments": {
            "HyperParameterTuningJobConfig": {"ParameterRanges": ranges}, "TrainingJobDefinition": def}})
        };
        let res = json!({"InstanceType": "ml.m5.xlarge", "InstanceCount": 1, "VolumeSizeInGB": 30});
        let int = json!([{"Name": "n", "MinValue": "1", "MaxValue": "9", "ScalingType": "Auto"}]);
        let sdk2_ranges = json!({"IntegerParameterRanges": int, "ContinuousParameterRanges": [], "CategoricalParameterRanges": []});
        let sdk3_ranges = json!({"IntegerParameterRanges": int});
        assert!(step_eq(
            tuning(json!({"HyperParameterTuningResourceConfig": res}), sdk2_ranges.clone()),
            tuning(json!({"ResourceConfig": res}), sdk3_ranges.clone())
        ));
        // Not when the config holds what only one of the two has, or differs.
        let flexible = json!({"InstanceConfigs": [{"InstanceType": "ml.m5.xlarge", "InstanceCount": 1, "VolumeSizeInGB": 30}], "AllocationStrategy": "Prioritized"});
        assert!(!step_eq(
            tuning(json!({"HyperParameterTuningResourceConfig": flexible}), sdk3_ranges.clone()),
            tuning(json!({"ResourceConfig": res}), sdk3_ranges.clone())
        ));
        let mut bigger = res.clone();
        bigger["InstanceCount"] = json!(2);
        assert!(!step_eq(
            tuning(json!({"HyperParameterTuningResourceConfig": bigger}), sdk3_ranges.clone()),
            tuning(json!({"ResourceConfig": res}), sdk3_ranges.clone())
        ));
        // A changed SDK 3 tuning step keeps its spelling (helper finding).
        let ctx = Context::default();
        let mut wider = int.clone();
        wider[0]["MaxValue"] = json!("10");
        let prior = tuning(json!({"ResourceConfig": res}), sdk3_ranges.clone());
        let planned = tuning(
            json!({"HyperParameterTuningResourceConfig": res}),
            json!({"IntegerParameterRanges": wider, "ContinuousParameterRanges": [], "CategoricalParameterRanges": []}),
        );
        assert_eq!(
            respelt_like(&prior, &planned, &ctx),
            tuning(json!({"ResourceConfig": res}), json!({"IntegerParameterRanges": wider}))
        );
        // A range list that is not empty is a range to tune.
        let with_cat = json!({"IntegerParameterRanges": int, "CategoricalParameterRanges": [{"Name": "k", "Values": ["a"]}]});
        assert!(!step_eq(
            tuning(json!({"ResourceConfig": res}), with_cat),
            tuning(json!({"ResourceConfig": res}), sdk3_ranges)
        ));
    }
}
