//! Whole-pipeline assembly and validation: `dependencies` chains, `step_defaults`, and the
//! offline checks of the DAG that SageMaker (or worse, a running execution) would otherwise
//! report much later.
//!
//! Checks, all collected at once: duplicate step names anywhere (including condition branches),
//! a step listed both top-level and in a branch, references to missing steps, undeclared
//! parameters, property paths that do not exist on the referenced step's type, names a
//! reference selects that the referenced step does not declare (a processing step's outputs and
//! inputs, a training step's metrics, a Lambda or callback step's outputs), property files not
//! declared by a Processing step, Fail steps referenced or depended upon, a step in one branch
//! of a condition waiting for a step in the other (it would never start), and cycles (the
//! message prints the cycle). [`check_types`] then checks that each reference's type fits the
//! field it fills (a String parameter cannot be an `InstanceCount`, nor an operand of `>`, nor
//! an Integer range's bound a Float), that a String parameter filling an S3 field has S3
//! locations as its default and enum values, and that a parameter filling a field that takes
//! only some values ([`ValueUse`]: an approval status, an input mode, a whole number within the
//! API model's range, an instance type) defaults to one of them. These tables of API fields
//! (enum words, integer ranges) are the compiler's: the step types' literal checks use the same
//! word lists, and a run's parameter overrides are judged by the same [`ValueUse`]. A value the
//! API model takes is never an error. Misspelt names get a "did you mean", and lists of names
//! are printed as plain text.
//!
//! Pure: no IO, never sees unknown values. Diagnostics point at `steps[i]` (the top-level
//! element the problem is in), `dependencies[i]` or, for a parameter's values,
//! `parameter[i].default` / `.enum_values`, with a detail naming the nested step and the JSON
//! field.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use serde_json::{json, Value as Json};

use super::expr::{self, Reference};
use super::properties::{self, PropertyTree};
use super::s3;
use super::step_type::StepTypeFacts;
use super::step_type::StepTypes;
use crate::framework::{AttrPath, Diagnostic, Diagnostics};

/// `step_defaults`: filled into every step whose API request accepts the setting and that does
/// not set its own.
#[derive(Clone, Debug, Default)]
pub struct StepDefaults {
    pub role_arn: Option<String>,
    pub enable_network_isolation: Option<bool>,
    pub subnets: Vec<String>,
    pub security_group_ids: Vec<String>,
    pub volume_kms_key_id: Option<String>,
    pub output_kms_key_id: Option<String>,
    pub tags: BTreeMap<String, String>,
}

/// One step found anywhere in the definition.
struct Found<'a> {
    step: &'a Json,
    /// Index of the top-level element it is in.
    top: usize,
    /// The conditions around it, outermost first, each with whether the step is in its if
    /// branch; empty for a top-level step.
    branches: Vec<(&'a str, bool)>,
}

impl<'a> Found<'a> {
    /// The condition whose branch holds the step.
    fn parent(&self) -> Option<&'a str> {
        self.branches.last().map(|(c, _)| *c)
    }
}

fn name_of(step: &Json) -> &str {
    step.get("Name").and_then(Json::as_str).unwrap_or("")
}

fn type_of(step: &Json) -> &str {
    step.get("Type").and_then(Json::as_str).unwrap_or("")
}

fn branches(step: &Json) -> impl Iterator<Item = &Json> {
    ["IfSteps", "ElseSteps"]
        .into_iter()
        .filter_map(move |k| step.get("Arguments").and_then(|a| a.get(k)).and_then(Json::as_array))
        .flatten()
}

/// `step` and, for a condition, the steps of its branches, depth first.
/// Every step of `steps` (a definition's `Steps`), condition branches included.
fn found_in(steps: &[Json]) -> Vec<Found<'_>> {
    let mut found = Vec::new();
    for (i, s) in steps.iter().enumerate() {
        collect(s, i, &mut found);
    }
    found
}

fn collect<'a>(step: &'a Json, top: usize, out: &mut Vec<Found<'a>>) {
    collect_in(step, top, &mut Vec::new(), out);
}

fn collect_in<'a>(
    step: &'a Json,
    top: usize,
    around: &mut Vec<(&'a str, bool)>,
    out: &mut Vec<Found<'a>>,
) {
    out.push(Found { step, top, branches: around.clone() });
    if type_of(step) == "Condition" {
        for (key, is_if) in [("IfSteps", true), ("ElseSteps", false)] {
            let children = step.get("Arguments").and_then(|a| a.get(key)).and_then(Json::as_array);
            for child in children.into_iter().flatten() {
                around.push((name_of(step), is_if));
                collect_in(child, top, around, out);
                around.pop();
            }
        }
    }
}

fn steps_path(i: usize) -> AttrPath {
    AttrPath::root("steps").index(i)
}

/// Parses `"A >> B >> C"` (elements may be `[X, Y]` groups) into edges (upstream, downstream).
pub fn parse_chain(chain: &str) -> Result<Vec<(String, String)>, String> {
    let groups: Vec<Vec<String>> = chain
        .split(">>")
        .map(|g| {
            let g = g.trim();
            let inner = g.strip_prefix('[').and_then(|x| x.strip_suffix(']')).unwrap_or(g);
            inner
                .split(',')
                .map(|n| n.trim().trim_matches('"').to_string())
                .filter(|n| !n.is_empty())
                .collect()
        })
        .collect();
    if groups.len() < 2 || groups.iter().any(Vec::is_empty) {
        return Err(format!(
            "{chain:?} is not a dependency chain. Write step names joined by >>, e.g. \"Prep >> Train >> Evaluate\" or \"Prep >> [TrainA, TrainB]\"."
        ));
    }
    let mut edges = Vec::new();
    for w in groups.windows(2) {
        for up in &w[0] {
            for down in &w[1] {
                edges.push((up.clone(), down.clone()));
            }
        }
    }
    Ok(edges)
}

/// Adds `dependencies` chains to the steps' `DependsOn`. A link whose step is not in the
/// pipeline, or whose earlier step ends the execution (Fail), is reported here, at the chain,
/// and not added: the whole-DAG check would otherwise report it again, at the step. `open`:
/// some steps are not known yet, so a name not among `steps` is not judged (nor linked).
pub fn apply_dependencies(
    steps: &mut [Json],
    chains: &[String],
    types: StepTypes,
    open: bool,
    diags: &mut Diagnostics,
) {
    // Chains add dependencies, not steps: the names and types are the same for every chain.
    let known = step_types_of(steps);
    for (i, chain) in chains.iter().enumerate() {
        let path = AttrPath::root("dependencies").index(i);
        let edges = match parse_chain(chain) {
            Ok(e) => e,
            Err(why) => {
                diags.error_at(path, "Invalid dependency chain", why);
                continue;
            }
        };
        let mut reported = BTreeSet::new();
        // Shortened once: every error below quotes it (re-check finding: a chain naming many
        // unknown steps was copied whole into each error, memory growing with its square).
        let quoted = expr::shown(chain);
        for (up, down) in edges {
            let mut linkable = true;
            for n in [&up, &down] {
                if !known.contains_key(n.as_str()) {
                    linkable = false;
                    if !open && reported.insert(n.clone()) {
                        diags.error_at(
                            path.clone(),
                            format!("Dependency on unknown step {n:?}"),
                            format!("{quoted} names {}, which is not a step of this pipeline.{} Steps: {}.", expr::shown(n), hint(n, known.keys().map(String::as_str)), listing(known.keys().map(String::as_str))),
                        );
                    }
                }
            }
            if let Some(ty) = known.get(up.as_str()).filter(|ty| !referable(ty, types)) {
                linkable = false;
                if reported.insert(up.clone()) {
                    diags.error_at(
                        path.clone(),
                        format!("Dependency on {ty} step {up:?}"),
                        format!("{quoted} runs steps after {up:?}, a {ty} step, which ends the execution: nothing can run after it. Put {up:?} last in the chain, or remove it."),
                    );
                }
            }
            if linkable {
                add_dependency(steps, &down, &up);
            }
        }
    }
}

/// Every step's name, condition branches included, in name order.
pub fn step_names(steps: &[Json]) -> Vec<String> {
    step_types_of(steps).into_keys().collect()
}

/// Every step's name (condition branches included) and type.
fn step_types_of(steps: &[Json]) -> BTreeMap<String, String> {
    let found = found_in(steps);
    found.iter().map(|f| (name_of(f.step).to_string(), type_of(f.step).to_string())).collect()
}

/// Adds `up` to the `DependsOn` of the step named `down`, wherever it is. False if not found.
fn add_dependency(steps: &mut [Json], down: &str, up: &str) -> bool {
    for s in steps.iter_mut() {
        if name_of(s) == down {
            if let Some(obj) = s.as_object_mut() {
                if let Json::Array(list) = obj.entry("DependsOn").or_insert_with(|| json!([])) {
                    if !list.iter().any(|d| d.as_str() == Some(up)) {
                        list.push(Json::String(up.to_string()));
                    }
                }
            }
            return true;
        }
        if type_of(s) == "Condition" {
            if let Some(args) = s.get_mut("Arguments").and_then(Json::as_object_mut) {
                for k in ["IfSteps", "ElseSteps"] {
                    if let Some(Json::Array(children)) = args.get_mut(k) {
                        if add_dependency(children, down, up) {
                            return true;
                        }
                    }
                }
            }
        }
    }
    false
}

/// Fills `step_defaults` into every step (recursively into condition branches), as each
/// step's type says ([`StepTypeFacts::apply_step_defaults`]).
pub fn apply_defaults(steps: &mut [Json], d: &StepDefaults, types: StepTypes) {
    for s in steps.iter_mut() {
        let ty = type_of(s).to_string();
        if let Some(args) = s.get_mut("Arguments").and_then(Json::as_object_mut) {
            if let Some(facts) = types(&ty) {
                facts.apply_step_defaults(args, d);
            }
            if ty == "Condition" {
                for k in ["IfSteps", "ElseSteps"] {
                    if let Some(Json::Array(children)) = args.get_mut(k) {
                        apply_defaults(children, d, types);
                    }
                }
            }
        }
    }
}

/// The string maps of a step of type `ty` ([`StepTypeFacts::string_maps`]).
fn string_maps(ty: &str, types: StepTypes) -> &'static [&'static str] {
    types(ty).map_or(&[], |f| f.string_maps())
}

/// The type of every step found anywhere in a definition, by name: what
/// [`unwrap_single_joins`] needs to know of the other steps. Owned, so the steps can be
/// rewritten one at a time afterwards (the rewrites change neither names nor types). The
/// default knows no step.
#[derive(Default)]
pub struct StepTypesByName(BTreeMap<String, String>);

impl StepTypesByName {
    pub fn of(steps: &[Json]) -> StepTypesByName {
        let found = found_in(steps);
        StepTypesByName(
            found
                .iter()
                .map(|f| (name_of(f.step).to_string(), type_of(f.step).to_string()))
                .collect(),
        )
    }
}

/// Undoes the one-value `Std:Join`s (the SDK's `to_string`) a step compiler wraps around a
/// reference that is a string already, which the SDK leaves bare, in one top-level step and
/// its branch steps:
/// - a String parameter in one of the string maps the step's type declares (a step compiler
///   wraps every parameter there, not knowing parameter types);
/// - in an `Environment`, another step's property that is an entry of one of that step's
///   string maps (the best AutoML candidate's
///   `BestCandidate.InferenceContainers[0].Environment['MODEL_NAME']`,
///   `AutoMLStep.get_best_auto_ml_model`), with the types of all steps collected beforehand
///   ([`StepTypesByName`]).
///
/// One walk of the step's tree does both.
pub fn unwrap_single_joins(
    step: &mut Json,
    string_params: &BTreeSet<String>,
    by_name: &StepTypesByName,
    types: StepTypes,
) {
    let is_string_property = |get: &str| {
        let Some((step, path)) = get.strip_prefix("Steps.").and_then(|r| r.split_once('.')) else {
            return false;
        };
        by_name
            .0
            .get(step)
            .and_then(|ty| types(ty))
            .is_some_and(|f| properties::is_string_map_entry(f.property_tree(), path))
    };
    let unwrap = Unwrap { string_params, is_string_property: &is_string_property, types };
    unwrap.step(step);
}

struct Unwrap<'a> {
    string_params: &'a BTreeSet<String>,
    is_string_property: &'a dyn Fn(&str) -> bool,
    types: StepTypes,
}

impl Unwrap<'_> {
    /// A step. A condition's own fields, its `Arguments` included, have no string maps (an
    /// `Environment` among them is still one); its branch steps are steps.
    fn step(&self, step: &mut Json) {
        let maps = string_maps(type_of(step), self.types);
        if type_of(step) != "Condition" {
            self.walk(step, maps);
            return;
        }
        let Some(fields) = step.as_object_mut() else { return };
        for (k, v) in fields.iter_mut() {
            self.entries(k, v, &[]);
            match (k.as_str(), v) {
                ("Arguments", Json::Object(args)) => {
                    for (ak, av) in args.iter_mut() {
                        self.entries(ak, av, &[]);
                        match (ak.as_str(), av) {
                            ("IfSteps" | "ElseSteps", Json::Array(children)) => {
                                children.iter_mut().for_each(|c| self.step(c))
                            }
                            (_, av) => self.walk(av, &[]),
                        }
                    }
                }
                (_, v) => self.walk(v, &[]),
            }
        }
    }

    /// Any value of a step of a type whose string maps are `maps`.
    fn walk(&self, v: &mut Json, maps: &[&str]) {
        match v {
            Json::Object(obj) => {
                for (k, child) in obj.iter_mut() {
                    self.entries(k, child, maps);
                    if matches!(child, Json::Object(_) | Json::Array(_)) {
                        self.walk(child, maps);
                    }
                }
            }
            Json::Array(items) => items.iter_mut().for_each(|i| self.walk(i, maps)),
            _ => {}
        }
    }

    /// The entries of `child`, the value of member `key`, when it is a map or string list whose
    /// one-value joins may come off: one of `maps` (String parameters), or an `Environment`
    /// (string properties). As when these were two passes over the whole step, parameters first, an
    /// entry unwrapped as a parameter may then be unwrapped once more as a property.
    fn entries(&self, key: &str, child: &mut Json, maps: &[&str]) {
        let values: Vec<&mut Json> = match child {
            Json::Object(map) => map.values_mut().collect(),
            // A string list (`ContainerArguments`): String parameters only.
            Json::Array(items) if maps.contains(&key) => items.iter_mut().collect(),
            _ => return,
        };
        let parameters = maps.contains(&key);
        let environment = key == "Environment";
        if !parameters && !environment {
            return;
        }
        // The one value of `v`'s one-value join, when its `Get` passes `keep`.
        let unwrapped = |v: &Json, keep: &dyn Fn(&str) -> bool| {
            single_join(v)
                .filter(|inner| inner.get("Get").and_then(Json::as_str).is_some_and(keep))
                .cloned()
        };
        let string_parameter = |g: &str| {
            g.strip_prefix("Parameters.").is_some_and(|name| self.string_params.contains(name))
        };
        for value in values {
            if parameters {
                if let Some(inner) = unwrapped(value, &string_parameter) {
                    *value = inner;
                }
            }
            if environment {
                if let Some(inner) = unwrapped(value, self.is_string_property) {
                    *value = inner;
                }
            }
        }
    }
}

/// The one value of a `{"Std:Join": {"On": "", "Values": [v]}}`.
fn single_join(v: &Json) -> Option<&Json> {
    let join = v.get("Std:Join")?;
    if join.get("On").and_then(Json::as_str) != Some("") {
        return None;
    }
    let [only] = join.get("Values")?.as_array()?.as_slice() else { return None };
    Some(only)
}

/// Most tags a SageMaker job takes (`TagList`).
const MAX_JOB_TAGS: usize = 50;

/// Required-by-the-API settings that may come from `step_defaults`, checked after defaults are
/// applied: a job step without a role cannot run.
fn check_required(f: &Found, types: StepTypes, diags: &mut Diagnostics) {
    // A known type in another capitalisation, which SageMaker rejects at create, at the top
    // level or in a condition's branches (hostile-input and re-check findings: a hand-written
    // `"Type": "fail"` passed plan).
    let ty = type_of(f.step);
    if let Some(known) = types(ty).map(|t| t.step_type()).filter(|k| *k != ty) {
        diags.error_at(
            steps_path(f.top),
            format!("Invalid step type {}", super::expr::shown(ty)),
            format!(
                "Step types are case-sensitive: write \"Type\": {known:?} (step {:?}).",
                name_of(f.step)
            ),
        );
    }
    // Each side is checked on its own; together they may pass the API's limit (helper finding:
    // 26 step tags and 26 `step_defaults.tags` reached SageMaker as 52).
    // Only where `Tags` is the API's (not a Lambda's or callback's input of that name, nor an
    // unknown type's: review finding).
    let api_tags = types(type_of(f.step)).is_some_and(|t| !t.arguments_are_user_named());
    let tags = f
        .step
        .get("Arguments")
        .filter(|_| api_tags)
        .and_then(|a| a.get("Tags"))
        .and_then(Json::as_array);
    if let Some(n) = tags.map(Vec::len).filter(|n| *n > MAX_JOB_TAGS) {
        diags.error_at(
            steps_path(f.top),
            format!("Step {:?} has {n} tags", name_of(f.step)),
            format!("SageMaker allows at most {MAX_JOB_TAGS} tags per job, counting those step_defaults.tags adds to the step's own: remove some from either (a key in both counts once)."),
        );
    }
    let Some(role_path) = types(type_of(f.step)).and_then(|t| t.role_path()) else { return };
    let mut at = f.step.get("Arguments");
    for k in role_path {
        at = at.and_then(|a| a.get(k));
    }
    if at.is_none() {
        diags.error_at(
            steps_path(f.top),
            format!("Step {:?} has no IAM role", name_of(f.step)),
            "Set role_arn on the step, or step_defaults { role_arn = ... } on the pipeline.",
        );
    }
}

/// The references in each step's own fields (see `own_references`), for every step found
/// anywhere in the definition, in the order `collect` finds them. [`validate`] and
/// [`check_types`] both need them; [`validate_with`] and [`check_types_with`] share one walk.
pub struct StepReferences(Vec<Vec<(Reference, String)>>);

impl StepReferences {
    pub fn of(steps: &[Json]) -> StepReferences {
        let mut refs = StepReferences::new();
        for (i, s) in steps.iter().enumerate() {
            refs.add(s, i);
        }
        refs
    }

    /// No steps yet; [`StepReferences::add`] them in order.
    pub fn new() -> StepReferences {
        StepReferences(Vec::new())
    }

    /// Adds the references of top-level step `top` and of its branch steps. Adding every step
    /// in order gives [`StepReferences::of`] the steps.
    pub fn add(&mut self, step: &Json, top: usize) {
        let mut found = Vec::new();
        collect(step, top, &mut found);
        for f in found {
            let mut refs = Vec::new();
            own_references(f.step, &mut refs);
            self.0.push(refs);
        }
    }
}

impl Default for StepReferences {
    fn default() -> Self {
        StepReferences::new()
    }
}

/// How a step is named in messages: `step "Train"`, or `step "Train" (in condition "Check")`
/// for a branch step. Formatted only when a message needs it.
struct StepLabel<'a> {
    name: &'a str,
    parent: Option<&'a str>,
}

impl std::fmt::Display for StepLabel<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.parent {
            Some(cond) => write!(f, "step {:?} (in condition {cond:?})", self.name),
            None => write!(f, "step {:?}", self.name),
        }
    }
}

/// Validates the whole DAG. `parameters` are the declared parameter names.
pub fn validate(
    steps: &[Json],
    parameters: &BTreeSet<String>,
    types: StepTypes,
    diags: &mut Diagnostics,
) {
    validate_with(steps, &StepReferences::of(steps), parameters, types, false, diags)
}

/// [`validate`] with the steps' references already collected (`refs` must be of `steps`).
/// `open`: some steps are not known yet, so a reference to, or dependency on, a step not among
/// `steps` is not judged.
pub fn validate_with(
    steps: &[Json],
    refs: &StepReferences,
    parameters: &BTreeSet<String>,
    types: StepTypes,
    open: bool,
    diags: &mut Diagnostics,
) {
    let found = found_in(steps);
    // Names: unique everywhere; a branch step must not also be top-level.
    let mut by_name = ByName::default();
    for f in &found {
        let name = name_of(f.step);
        if let Some(first) = by_name.0.get(name) {
            let (summary, detail) = match (first.parent(), f.parent()) {
                (None, Some(cond)) | (Some(cond), None) => (
                    format!("Step {name:?} is listed both top-level and in condition {cond:?}"),
                    format!("A step inside a condition's if_steps/else_steps runs only through that condition; remove {name:?} from the pipeline's steps."),
                ),
                // Two top-level steps with one name are reported when the steps are parsed.
                (None, None) => continue,
                _ => (
                    format!("Duplicate step name {name:?}"),
                    "Step names must be unique across the whole pipeline, including condition branches. Rename one of them.".to_string(),
                ),
            };
            diags.error_at(steps_path(f.top), summary, detail);
        } else {
            by_name.0.insert(name, f);
        }
        check_required(f, types, diags);
    }

    // References and explicit dependencies.
    let mut edges = Edges::default();
    for (f, refs) in found.iter().zip(&refs.0) {
        let me = name_of(f.step);
        let at = || steps_path(f.top);
        let ctx = StepLabel { name: me, parent: f.parent() };
        if let Some(deps) = f.step.get("DependsOn").and_then(Json::as_array) {
            for d in deps.iter().filter_map(Json::as_str) {
                match by_name.0.get(d) {
                    None if open => {}
                    None => diags.error_at(
                        at(),
                        format!("{ctx} depends on unknown step {d:?}"),
                        format!("{}Add {d:?} to the pipeline's steps, or remove it from depends_on_steps/dependencies.", lead_hint(d, by_name.sorted())),
                    ),
                    Some(t) if !referable(type_of(t.step), types) => diags.error_at(
                        at(),
                        format!("{ctx} depends on {} step {d:?}", type_of(t.step)),
                        format!("A {} step ends the execution; nothing can run after it. Remove the dependency.", type_of(t.step)),
                    ),
                    Some(_) => {
                        edges.add(me, d);
                    }
                }
            }
        }
        // Only this step's own arguments: nested branch steps are checked as steps themselves.
        if type_of(f.step) == "Condition" {
            for child in branches(f.step) {
                edges.add(name_of(child), me);
            }
        }
        for (r, field) in refs {
            check_reference(
                r, field, &ctx, &at, me, &by_name, parameters, types, open, &mut edges, diags,
            );
        }
    }
    check_across_branches(&found, &edges, diags);
    if let Some(cycle) = find_cycle(&edges) {
        diags.error_at(
            AttrPath::root("steps"),
            "The pipeline's steps form a cycle",
            format!("{} — each step waits for the next one. Remove one of these dependencies or references.", cycle.join(" -> ")),
        );
    }
}

/// A step in one branch of a condition cannot wait for a step in the other: only one branch
/// runs, so it would never start.
fn check_across_branches(found: &[Found], edges: &Edges, diags: &mut Diagnostics) {
    // By name, the first step of a name (duplicates are reported on their own).
    let mut paths: HashMap<&str, &[(&str, bool)]> = HashMap::new();
    for f in found {
        paths.entry(name_of(f.step)).or_insert(f.branches.as_slice());
    }
    let branch = |is_if: bool| if is_if { "if" } else { "else" };
    let mut reported = BTreeSet::new();
    for f in found {
        let me = name_of(f.step);
        let Some(&id) = edges.ids.get(me) else { continue };
        let mine = paths.get(me).copied().unwrap_or_default();
        for &up in &edges.waits_for[id] {
            let up = edges.names[up];
            let theirs = paths.get(up).copied().unwrap_or_default();
            let split =
                mine.iter().zip(theirs).take_while(|(a, b)| a.0 == b.0).find(|(a, b)| a.1 != b.1);
            if let Some(((cond, is_if), _)) = split {
                if reported.insert((me, up)) {
                    diags.error_at(
                        steps_path(f.top),
                        format!("Step {me:?} in the {} branch of condition {cond:?} waits for step {up:?} in its {} branch", branch(*is_if), branch(!*is_if)),
                        format!("Only one branch of a condition runs, so {me:?} would never start. Move one of the two steps out of the condition (before it, if {me:?} needs its results), or into the same branch."),
                    );
                }
            }
        }
    }
}

/// Step -> the steps it waits for. Names are borrowed from the steps and their references and
/// numbered as they come, so adding an edge is two hash lookups, not two searches of a sorted
/// map comparing names.
#[derive(Default)]
struct Edges<'a> {
    ids: HashMap<&'a str, usize>,
    names: Vec<&'a str>,
    waits_for: Vec<Vec<usize>>,
}

impl<'a> Edges<'a> {
    fn id(&mut self, name: &'a str) -> usize {
        if let Some(&id) = self.ids.get(name) {
            return id;
        }
        self.ids.insert(name, self.names.len());
        self.names.push(name);
        self.waits_for.push(Vec::new());
        self.names.len() - 1
    }

    /// `step` waits for `upstream`.
    fn add(&mut self, step: &'a str, upstream: &'a str) {
        let (from, to) = (self.id(step), self.id(upstream));
        self.waits_for[from].push(to);
    }
}

/// The steps by name: hashed for the lookups (one per step, dependency and reference), sorted
/// only for a message's "did you mean", so messages never depend on the hash order.
#[derive(Default)]
struct ByName<'a>(HashMap<&'a str, &'a Found<'a>>);

impl<'a> ByName<'a> {
    fn sorted(&self) -> Vec<&'a str> {
        let mut names: Vec<&str> = self.0.keys().copied().collect();
        names.sort_unstable();
        names
    }
}

#[allow(clippy::too_many_arguments)]
fn check_reference<'a>(
    r: &'a Reference,
    field: &str,
    ctx: &StepLabel,
    at: &dyn Fn() -> AttrPath,
    me: &'a str,
    by_name: &ByName,
    parameters: &BTreeSet<String>,
    types: StepTypes,
    open: bool,
    edges: &mut Edges<'a>,
    diags: &mut Diagnostics,
) {
    match r {
        Reference::Parameter(p) if !parameters.contains(p) => diags.error_at(
            at(),
            format!("{ctx} references undeclared parameter {p:?}"),
            format!(
                "{field} uses {{{{ Parameters.{p} }}}}.{} Declare it with a parameter {{ name = \"{p}\" ... }} block on the pipeline, or fix the name. Declared: {}.",
                hint(p, parameters.iter().map(String::as_str)),
                listing(parameters.iter().map(String::as_str))
            ),
        ),
        Reference::Step { step, path } | Reference::PropertyFile { step, file: path, .. } => {
            let Some(target) = by_name.0.get(step.as_str()) else {
                if open {
                    return;
                }
                diags.error_at(
                    at(),
                    format!("{ctx} references unknown step {step:?}"),
                    format!(
                        "{field} refers to Steps.{step}, which is not in this pipeline.{} Add that step to steps (or a condition branch), or fix the name.",
                        hint(step, by_name.sorted())
                    ),
                );
                return;
            };
            let ty = type_of(target.step);
            let tree = property_tree(ty, types);
            if matches!(tree, PropertyTree::NotReferable) {
                diags.error_at(at(), format!("{ctx} references {ty} step {step:?}"), format!("A {ty} step has no properties and ends the execution; it cannot be referenced."));
                return;
            }
            if step == me {
                diags.error_at(at(), format!("{ctx} references itself"), format!("{field} refers to the step's own properties, which do not exist until it has run."));
                return;
            }
            if let Reference::PropertyFile { file, .. } = r {
                let declared: Vec<&str> = target
                    .step
                    .get("PropertyFiles")
                    .and_then(Json::as_array)
                    .map(|fs| fs.iter().filter_map(|f| f.get("PropertyFileName").and_then(Json::as_str)).collect())
                    .unwrap_or_default();
                let has_files = types(ty).is_some_and(|f| f.property_files());
                if !has_files || !declared.contains(&file.as_str()) {
                    let fix = if !has_files {
                        format!("Only processing steps have property files, and {step:?} is a {ty} step. Read the file from the processing step that writes it.")
                    } else if let Some(c) = expr::did_you_mean(file, declared.iter().copied()) {
                        format!("Did you mean '{c}'? Step {step:?} declares: {}.", listing(declared.iter().copied()))
                    } else if declared.is_empty() {
                        format!("Declare it on the processing step {step:?}: property_file {{ name = \"{file}\" output_name = \"...\" path = \"evaluation.json\" }}.")
                    } else {
                        format!(
                            "Step {step:?} declares: {}. Use one of them, or declare {file:?} on it with property_file {{ name = \"{file}\" output_name = \"...\" path = \"evaluation.json\" }}.",
                            listing(declared.iter().copied())
                        )
                    };
                    diags.error_at(at(), format!("{ctx} reads property file {file:?}, which step {step:?} does not declare"), format!("{field}: {fix}"));
                }
            } else if let Err(why) = properties::check_property_path(ty, tree, path) {
                diags.error_at(at(), format!("{ctx} references a property {ty} steps do not have"), format!("{field}: Steps.{step}.{path}: {why}"));
            } else if let Some((summary, detail)) = check_declared_names(target.step, types(ty), step, path) {
                diags.error_at(at(), format!("{ctx} {summary}"), format!("{field}: {detail}"));
            }
            edges.add(me, step);
        }
        _ => {}
    }
}

/// The property tree of a step of type `ty`; unregistered types accept any well-formed path.
fn property_tree(ty: &str, types: StepTypes) -> PropertyTree {
    types(ty).map_or(PropertyTree::Unmodelled, |f| f.property_tree())
}

/// Whether steps may depend on or reference a step of type `ty`.
fn referable(ty: &str, types: StepTypes) -> bool {
    !matches!(property_tree(ty, types), PropertyTree::NotReferable)
}

/// `" Did you mean 'X'?"` when one candidate is close to `word`, else nothing.
fn hint<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> String {
    expr::did_you_mean(word, candidates)
        .map(|c| format!(" Did you mean '{c}'?"))
        .unwrap_or_default()
}

/// Like [`hint`], for the start of a detail.
fn lead_hint<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> String {
    expr::did_you_mean(word, candidates)
        .map(|c| format!("Did you mean '{c}'? "))
        .unwrap_or_default()
}

/// Names for a message, as plain text: `Epochs, InputData`, or `none` (long lists are cut).
fn listing<'a>(names: impl IntoIterator<Item = &'a str>) -> String {
    const MAX: usize = 20;
    let all: Vec<&str> = names.into_iter().collect();
    match all.len() {
        0 => "none".to_string(),
        n if n > MAX => format!("{} and {} more", all[..MAX].join(", "), n - MAX),
        _ => all.join(", "),
    }
}

/// The names listed at `list_path` of a step (e.g. `Arguments.ProcessingOutputConfig.Outputs`),
/// each taken from the element's `key` (e.g. `OutputName`).
fn declared_names<'a>(step: &'a Json, list_path: &[&str], key: &str) -> Vec<&'a str> {
    let mut v = step;
    for k in list_path {
        match v.get(k) {
            Some(x) => v = x,
            None => return Vec::new(),
        }
    }
    v.as_array()
        .map(|items| items.iter().filter_map(|i| i.get(key).and_then(Json::as_str)).collect())
        .unwrap_or_default()
}

/// A reference into a list the referenced step declares by name (its type's
/// [`StepTypeFacts::named_lists`]: a processing step's outputs and inputs, a training step's
/// metrics, a Lambda or callback step's outputs) must name an element that step has.
/// `(summary tail, detail)` when it does not.
fn check_declared_names(
    target: &Json,
    facts: Option<&dyn StepTypeFacts>,
    step: &str,
    path: &str,
) -> Option<(String, String)> {
    let lists = facts?.named_lists();
    if lists.is_empty() {
        return None;
    }
    let segments = expr::parse_path(path).ok()?;
    let list = lists.iter().find(|l| {
        l.property.len() <= segments.len()
            && l.property.iter().zip(&segments).all(|(p, s)| *p == s.name)
    })?;
    let seg = &segments[list.property.len() - 1];
    let names = declared_names(target, list.declared_at, list.key);
    if names.is_empty() && list.unchecked_when_none.is_some_and(|f| f(target)) {
        return None;
    }
    let what = list.what;
    match seg.indexes.first()? {
        expr::Index::Key(k) if !names.contains(k) => Some((
            format!("references {what} '{k}', which step {step:?} does not declare"),
            format!(
                "Steps.{step}.{path}:{} Step {step:?} declares {what}s: {}. {}.",
                hint(k, names.iter().copied()),
                listing(names.iter().copied()),
                list.fix.replace("{step}", &format!("{step:?}"))
            ),
        )),
        expr::Index::Position(n) if *n >= names.len() as u64 => Some((
            format!("references {what} [{n}], but step {step:?} declares only {}", names.len()),
            format!("Steps.{step}.{path}: positions start at 0; step {step:?} declares {what}s: {}. Select the {what} by name, e.g. ['{}'].", listing(names.iter().copied()), names.first().copied().unwrap_or("name")),
        )),
        _ => None,
    }
}

/// API fields that take a whole number, by their key.
const INTEGER_FIELDS: [&str; 15] = [
    "InstanceCount",
    "VolumeSizeInGB",
    "MaxRuntimeInSeconds",
    "MaxWaitTimeInSeconds",
    "MaxPendingTimeInSeconds",
    "KeepAlivePeriodInSeconds",
    "MaxNumberOfTrainingJobs",
    "MaxParallelTrainingJobs",
    "MaxConcurrentTransforms",
    "MaxPayloadInMB",
    "InvocationsTimeoutInSeconds",
    "InvocationsMaxRetries",
    "MaximumRetryAttempts",
    "MaxNumberOfTrainingJobsNotImproving",
    // An EMR Serverless job run's (`JobConfig`), in minutes.
    "executionTimeoutMinutes",
];

/// The smallest value SageMaker takes in a whole-number field, by its key, where it is not 1:
/// the lowest of the API model's minimums for that key in any request (a training job's
/// `ResourceConfig` takes 0 instances and a volume of 0 GB; the processing and transform
/// limits are in [`integer_range`]). Judging a parameter, a value the model might take is
/// never an error.
const INTEGER_MINIMUMS: [(&str, i64); 9] = [
    ("InstanceCount", 0),
    ("VolumeSizeInGB", 0),
    ("MaxConcurrentTransforms", 0),
    ("MaxPayloadInMB", 0),
    ("KeepAlivePeriodInSeconds", 0),
    ("InvocationsMaxRetries", 0),
    ("MaxNumberOfTrainingJobsNotImproving", 3),
    ("MaxPendingTimeInSeconds", 1800),
    ("executionTimeoutMinutes", 0),
];

/// `ModelApprovalStatus` of a model package (register-model steps).
pub const APPROVAL_STATUSES: [&str; 3] = ["PendingManualApproval", "Approved", "Rejected"];
/// A training job's `TrainingInputMode` and a channel's `InputMode`.
pub const INPUT_MODES: [&str; 3] = ["File", "Pipe", "FastFile"];
/// A processing input's `S3InputMode` (no `FastFile`).
pub const PROCESSING_INPUT_MODES: [&str; 2] = ["File", "Pipe"];
/// A processing output's `S3UploadMode`.
pub const UPLOAD_MODES: [&str; 2] = ["EndOfJob", "Continuous"];
/// `S3DataDistributionType` of job inputs.
pub const DISTRIBUTION_TYPES: [&str; 2] = ["FullyReplicated", "ShardedByS3Key"];
/// `CompressionType` of training channels, transform and AutoML inputs, and a processing
/// input's `S3CompressionType` (a job output's `OutputDataConfig.CompressionType` takes
/// `GZIP` / `NONE` instead, and is not judged).
pub const COMPRESSION_TYPES: [&str; 2] = ["None", "Gzip"];
/// A transform job's `TransformInput.SplitType`.
pub const SPLIT_TYPES: [&str; 4] = ["None", "Line", "RecordIO", "TFRecord"];
/// A transform job's `TransformOutput.AssembleWith`.
pub const ASSEMBLE_WITH: [&str; 2] = ["None", "Line"];
/// A transform job's `BatchStrategy`.
pub const BATCH_STRATEGIES: [&str; 2] = ["MultiRecord", "SingleRecord"];
/// A transform job's `DataProcessing.JoinSource`.
pub const JOIN_SOURCES: [&str; 2] = ["Input", "None"];

/// API fields that take one of a fixed list of words, by their key: a String parameter that
/// fills one must default to one of them (the step attributes that fill them check literals
/// against the same lists).
const ENUM_FIELDS: [(&str, &[&str]); 12] = [
    ("ModelApprovalStatus", &APPROVAL_STATUSES),
    ("TrainingInputMode", &INPUT_MODES),
    ("InputMode", &INPUT_MODES),
    ("S3InputMode", &PROCESSING_INPUT_MODES),
    ("S3UploadMode", &UPLOAD_MODES),
    ("S3DataDistributionType", &DISTRIBUTION_TYPES),
    ("CompressionType", &COMPRESSION_TYPES),
    ("S3CompressionType", &COMPRESSION_TYPES),
    ("SplitType", &SPLIT_TYPES),
    ("AssembleWith", &ASSEMBLE_WITH),
    ("BatchStrategy", &BATCH_STRATEGIES),
    ("JoinSource", &JOIN_SOURCES),
];

/// The words the field at `location` (its key `key`, from [`ENUM_FIELDS`]) takes, where its
/// request structure narrows or changes the key's list; `None` where the field is not judged.
fn enum_words(
    location: &str,
    key: &str,
    words: &'static [&'static str],
) -> Option<&'static [&'static str]> {
    match key {
        // A job output's compression: GZIP / NONE, in capitals.
        "CompressionType" if location.contains("OutputDataConfig.") => None,
        // A processing input's dataset definition (Athena, Redshift): File or Pipe.
        "InputMode" if location.contains("DatasetDefinition.") => Some(&PROCESSING_INPUT_MODES),
        _ => Some(words),
    }
}

/// A tuning job's range bound (`MinValue`, `MaxValue` of an integer or continuous range) that
/// the reference at `field` fills alone (the step wraps a lone reference into a one-value
/// `Std:Join`, as the SDK): the bound's location and the type of number it needs (`Float` takes
/// an Integer too; text, which the API takes, is judged at run time). `None` for any other
/// field, and for a reference with text around it.
fn range_bound<'f>(step: &Json, field: &'f str) -> Option<(&'f str, &'static str)> {
    let bound = field.strip_suffix(".Std:Join.Values[0]").unwrap_or(field);
    if !(bound.ends_with(".MinValue") || bound.ends_with(".MaxValue")) {
        return None;
    }
    if bound != field {
        let values = at_location(step, &format!("{bound}.Std:Join.Values"))?;
        if values.as_array()?.len() != 1 {
            return None;
        }
    }
    if bound.contains(".IntegerParameterRanges[") {
        Some((bound, "Integer"))
    } else if bound.contains(".ContinuousParameterRanges[") {
        Some((bound, "Float"))
    } else {
        None
    }
}

/// API fields that take a boolean, by their key.
const BOOLEAN_FIELDS: [&str; 7] = [
    "EnableNetworkIsolation",
    "EnableManagedSpotTraining",
    "EnableInterContainerTrafficEncryption",
    "EnableSageMakerMetricsTimeSeries",
    // Quality and Clarify check steps.
    "SkipCheck",
    "RegisterNewBaseline",
    "FailOnViolation",
];

/// API fields that take text a number or a boolean cannot be, by their key.
const TEXT_FIELDS: [&str; 1] = ["InstanceType"];

/// The name of the property a step property path ends at, without its indexes:
/// `ModelName` for `ModelName`, `S3Uri` for `Outputs['x'].S3Output.S3Uri`.
fn property_name(path: &str) -> &str {
    let last = path.rsplit('.').next().unwrap_or("");
    last.split('[').next().unwrap_or("")
}

/// Why a reference that is the whole value of an S3 field cannot hold an S3 location, when
/// that is known offline: an execution variable or the experiment's names, a metric's value,
/// or a step property that is a name, ARN, id, status, message or image.
fn not_an_s3_location(r: &Reference) -> Option<&'static str> {
    match r {
        Reference::Execution(_) => Some("an execution variable, which is a name, ARN, id or time"),
        Reference::PipelineExperimentConfig(_) => Some("a name of the experiment configuration"),
        Reference::Step { path, .. } => {
            if path.starts_with("FinalMetricDataList") {
                return Some("a metric, a number");
            }
            let last = property_name(path);
            ["Name", "Arn", "Id", "Status", "Message", "Reason", "Image"]
                .iter()
                .any(|s| last.ends_with(s))
                .then_some("a step property that is a name, ARN, id, status or message")
        }
        Reference::Parameter(_) | Reference::PropertyFile { .. } => None,
    }
}

/// API fields that take an S3 location, by their key: every field the step types fill from
/// an S3 attribute, and the same keys in hand-written steps.
const S3_FIELDS: [&str; 7] = [
    "S3Uri",
    "S3OutputPath",
    "ModelDataUrl",
    "SamplePayloadUrl",
    "FeatureSpecificationS3Uri",
    "SuppliedBaselineStatistics",
    "SuppliedBaselineConstraints",
];

/// S3 fields whose key alone says too little, by how their location ends: EMR Serverless'
/// Hive job driver (`query` is a common name elsewhere).
const S3_FIELD_ENDINGS: [&str; 2] = [".jobDriver.hive.query", ".jobDriver.hive.initQueryFile"];

/// Whether the field at `location` (in a step, outside its user-named maps) takes an S3
/// location.
fn is_s3_field(location: &str) -> bool {
    let key = location.rsplit('.').next().unwrap_or(location);
    S3_FIELDS.contains(&key) || S3_FIELD_ENDINGS.iter().any(|e| location.ends_with(e))
}

/// What the checks know of a declared parameter.
#[derive(Clone, Debug)]
pub struct ParamFacts {
    /// Its position in the pipeline's `parameter` blocks, for diagnostics.
    pub index: usize,
    /// `String`, `Integer`, `Float` or `Boolean`.
    pub type_name: String,
    /// The values an execution takes when it does not pass one: the default.
    pub default: Option<String>,
    /// The values it may be given, when the parameter lists them.
    pub enum_values: Vec<String>,
}

impl ParamFacts {
    /// The values an execution may take without passing one, or be given from a list: the
    /// default (an empty default is left alone: it reads as "always pass a value") and the
    /// enum values, each with its attribute path and what to call it in a message.
    fn values_taken(&self) -> impl Iterator<Item = (&String, AttrPath, &'static str)> {
        let at = AttrPath::root("parameter").index(self.index);
        let enum_at = at.clone().attr("enum_values");
        self.default
            .iter()
            .filter(|d| !d.is_empty())
            .map(move |d| (d, at.clone().attr("default"), "Default"))
            .chain(self.enum_values.iter().map(move |v| (v, enum_at.clone(), "Value")))
    }
}

/// What is known offline about the types of references: each parameter's declared type, and
/// the declared `OutputType` of each Lambda or callback step output.
struct Types<'a> {
    params: &'a BTreeMap<String, ParamFacts>,
    /// (step, output name) -> `String` | `Integer` | `Float` | `Boolean`.
    outputs: BTreeMap<(&'a str, &'a str), &'a str>,
}

/// The run-time type of a reference when it is known offline: a parameter's declared type,
/// `String` for execution variables and the experiment config, a Lambda or callback output's
/// declared type, `String` for step properties that are names, ARNs, URIs or statuses. `None`
/// for other step properties and for property files (not typed offline).
fn reference_type<'a>(r: &Reference, types: &Types<'a>) -> Option<&'a str> {
    match r {
        Reference::Parameter(p) => types.params.get(p).map(|f| f.type_name.as_str()),
        Reference::Execution(_) | Reference::PipelineExperimentConfig(_) => Some("String"),
        Reference::Step { step, path } => {
            if let Ok(segments) = expr::parse_path(path) {
                if let [only] = segments.as_slice() {
                    if let (true, [expr::Index::Key(k)]) =
                        (only.name == "OutputParameters", only.indexes.as_slice())
                    {
                        return types.outputs.get(&(step.as_str(), *k)).copied();
                    }
                }
            }
            // The Describe responses' names, ARNs, URIs, statuses and messages are strings.
            STRING_PROPERTY_SUFFIXES
                .iter()
                .any(|s| property_name(path).ends_with(s))
                .then_some("String")
        }
        Reference::PropertyFile { .. } => None,
    }
}

/// Endings of step property names whose value is always a string (`ProcessingJobName`,
/// `ModelPackageArn`, `S3Uri`, `TrainingJobStatus`, `S3ModelArtifacts`, ...).
const STRING_PROPERTY_SUFFIXES: [&str; 11] = [
    "Name",
    "Arn",
    "Uri",
    "Url",
    "Status",
    "Message",
    "Reason",
    "Path",
    "Image",
    "Artifacts",
    "Id",
];

/// Checks that every reference fills its field with a value of the right type: a whole-number
/// field (`instance_count`) needs an Integer parameter, a boolean field a Boolean one, an S3
/// field a String, and a numeric comparison in a condition (`>`, `>=`, `<`, `<=`) needs numbers
/// on both sides. A String parameter that fills an S3 field, or starts one (the first value of
/// its `Std:Join`), must have S3 locations as its default (when it has one) and its enum values:
/// an execution that takes them would fail.
pub fn check_types(
    steps: &[Json],
    params: &BTreeMap<String, ParamFacts>,
    step_types: StepTypes,
    diags: &mut Diagnostics,
) {
    check_types_with(steps, &StepReferences::of(steps), params, step_types, diags)
}

/// [`check_types`] with the steps' references already collected (`refs` must be of `steps`).
pub fn check_types_with(
    steps: &[Json],
    refs: &StepReferences,
    params: &BTreeMap<String, ParamFacts>,
    step_types: StepTypes,
    diags: &mut Diagnostics,
) {
    let found = found_in(steps);
    let mut types = Types { params, outputs: BTreeMap::new() };
    // Steps with typed outputs (Lambda, callback) declare them in `OutputParameters`.
    for f in &found {
        for o in f.step.get("OutputParameters").and_then(Json::as_array).into_iter().flatten() {
            if let Some(name) = o.get("OutputName").and_then(Json::as_str) {
                let ty = o.get("OutputType").and_then(Json::as_str).unwrap_or("String");
                types.outputs.insert((name_of(f.step), name), ty);
            }
        }
    }

    for (f, refs) in found.iter().zip(&refs.0) {
        let me = name_of(f.step);
        let facts = step_types(type_of(f.step));
        for (r, field) in refs {
            // User-named keys of string maps are not API fields.
            if user_named(facts, field) {
                continue;
            }
            // Only a reference that is the whole value: inside a Std:Join it is text.
            let Some(key) = field.rsplit('.').next() else { continue };
            if let Some((bound, needed)) = range_bound(f.step, field) {
                let Some(actual) = reference_type(r, &types) else { continue };
                // The API takes the bounds as text, so a String fits; a Float cannot bound an
                // integer range, and a Boolean bounds nothing.
                let fits = actual == needed
                    || actual == "String"
                    || (needed == "Float" && actual == "Integer");
                if !fits {
                    let key = bound.rsplit('.').next().unwrap_or(bound);
                    let range =
                        if needed == "Integer" { "an integer range" } else { "a continuous range" };
                    let types =
                        if needed == "Integer" { "an Integer" } else { "an Integer or Float" };
                    diags.error_at(
                        steps_path(f.top),
                        format!("Step {me:?} fills {key} with {} {actual} value", article(actual)),
                        format!("{bound} is a bound of {range}, which takes {types}, but {{{{ {r} }}}} is {} {actual}; an execution that takes it fails when the tuning job starts. Use a literal number, or a parameter declared with type = \"{needed}\".", article(actual)),
                    );
                }
                continue;
            }
            let (needed, example) = if INTEGER_FIELDS.contains(&key) {
                ("Integer", "3".to_string())
            } else if BOOLEAN_FIELDS.contains(&key) {
                ("Boolean", "true".to_string())
            } else if TEXT_FIELDS.contains(&key) {
                ("String", "\"ml.m5.xlarge\"".to_string())
            } else if let Some((_, words)) = ENUM_FIELDS.iter().find(|(k, _)| *k == key) {
                ("String", format!("{:?}", words[0]))
            } else if is_s3_field(field) {
                if let Some(why) = not_an_s3_location(r) {
                    diags.error_at(
                        steps_path(f.top),
                        format!("Step {me:?} fills {key} with {{{{ {r} }}}}, which is not an S3 location"),
                        format!("{field} takes an S3 location, but {{{{ {r} }}}} is {why}. Use an S3 URI such as \"s3://my-bucket/prefix\", a String parameter holding one, or write the reference inside one, e.g. \"s3://my-bucket/{{{{ {r} }}}}/out\"."),
                    );
                    continue;
                }
                ("String", "\"s3://my-bucket/prefix\"".to_string())
            } else {
                continue;
            };
            let Some(actual) = reference_type(r, &types) else { continue };
            if actual != needed {
                diags.error_at(
                    steps_path(f.top),
                    format!("Step {me:?} fills {key} with {} {actual} value", article(actual)),
                    format!(
                        "{field} takes {} {needed}, but {{{{ {r} }}}} is {} {actual}. Use a literal such as {example}, or {}.",
                        article(needed),
                        article(actual),
                        // A step output declares its own type (review finding: Lambda and
                        // Callback outputs were told to declare a parameter).
                        if r.to_string().contains(".OutputParameters[") {
                            format!("an output declared with type = \"{needed}\" in that step")
                        } else {
                            format!("a parameter declared with type = \"{needed}\"")
                        }
                    ),
                );
            }
        }
        if type_of(f.step) == "Condition" {
            if let Some(conds) =
                f.step.get("Arguments").and_then(|a| a.get("Conditions")).and_then(Json::as_array)
            {
                for (i, c) in conds.iter().enumerate() {
                    check_comparison_types(
                        c,
                        &format!("Arguments.Conditions[{i}]"),
                        me,
                        f.top,
                        &types,
                        diags,
                    );
                }
            }
        }
    }
    let mut s3_params: Vec<_> = s3_uses(&found, refs, step_types)
        .into_iter()
        .filter_map(|(name, used)| {
            params.get(name).filter(|f| f.type_name == "String").map(|f| (name, f, used))
        })
        .collect();
    s3_params.sort_by_key(|(_, facts, _)| facts.index);
    for (name, facts, used) in s3_params {
        check_s3_parameter(name, facts, &used, diags);
    }
    let mut valued: Vec<_> = value_uses(&found, refs, step_types)
        .into_iter()
        .filter_map(|(name, uses)| params.get(name).map(|f| (name, f, uses)))
        .collect();
    valued.sort_by_key(|(_, facts, _)| facts.index);
    for (name, facts, uses) in valued {
        for used in uses {
            for (value, path, what) in facts.values_taken() {
                if let Some(d) = used.problem(what, name, &facts.type_name, value) {
                    diags.push(d.at(path));
                }
            }
        }
    }
}

/// Where a parameter is the whole value of a field that takes only some values: a fixed list
/// of words (`ModelApprovalStatus`), a whole number in a range (`InstanceCount`), an instance
/// type (`InstanceType`). The first step that uses it so, per field key and range.
#[derive(Clone, Debug, PartialEq)]
pub struct ValueUse {
    pub step: String,
    /// The field's key, e.g. `InstanceCount`.
    pub key: &'static str,
    pub takes: Takes,
}

/// The values a field takes.
#[derive(Clone, Debug, PartialEq)]
pub enum Takes {
    Words(&'static [&'static str]),
    /// A whole number from the first to the second, both included.
    Range(i64, i64),
    /// The instance types that kind of job takes in the API model this provider was built with.
    InstanceType(&'static [&'static str]),
}

/// The range SageMaker takes in the whole-number field `key` of a step of type `step_type`
/// (the API model's bounds): a processing job's cluster and stopping condition (processing,
/// quality check and Clarify check steps run processing jobs) and a transform job's resources
/// have their own; elsewhere the key's lowest minimum ([`INTEGER_MINIMUMS`]) up to SageMaker's
/// 32-bit integers. `None` for EMR steps, whose cluster fields are EMR's, not SageMaker's.
fn integer_range(step_type: &str, key: &str) -> Option<(i64, i64)> {
    const PROCESSING_JOB: [(&str, i64, i64); 3] = [
        ("InstanceCount", 1, 100),
        ("VolumeSizeInGB", 1, 16_384),
        ("MaxRuntimeInSeconds", 1, 777_600),
    ];
    if step_type == "EMR" {
        return None;
    }
    if ["Processing", "QualityCheck", "ClarifyCheck"].contains(&step_type) {
        if let Some((_, min, max)) = PROCESSING_JOB.iter().find(|(k, _, _)| *k == key) {
            return Some((*min, *max));
        }
    }
    if step_type == "Transform" && key == "InstanceCount" {
        return Some((1, i64::from(i32::MAX)));
    }
    // CreateTransformJob takes payloads of at most 100 MB, 0 for no limit (helper finding:
    // a parameter defaulting to 200 planned cleanly, while the literal 101 is refused).
    if key == "MaxPayloadInMB" {
        return Some((0, 100));
    }
    // StartJobRun (EMR Serverless) takes up to 1,000,000 minutes.
    if key == "executionTimeoutMinutes" {
        return Some((0, 1_000_000));
    }
    let min = INTEGER_MINIMUMS.iter().find(|(k, _)| *k == key).map_or(1, |(_, min)| *min);
    Some((min, i64::from(i32::MAX)))
}

impl ValueUse {
    /// The diagnostic (without its path) for value `value` of parameter `name`, of type
    /// `type_name`, when the field cannot take it; `what` is how the value is named ("Default",
    /// "Value"). `None` when it can, and for a parameter of another type than the field's
    /// (that is a type error of its own). An unknown instance type that starts with `ml.` is a
    /// warning (a type SageMaker added since is used through a parameter); the rest are errors:
    /// an execution that takes the value fails when the step starts.
    pub fn problem(
        &self,
        what: &str,
        name: &str,
        type_name: &str,
        value: &str,
    ) -> Option<Diagnostic> {
        let (key, step, shown) = (self.key, &self.step, expr::shown(value));
        let head = format!("{what} {shown} of parameter {name:?}");
        let did_you_mean = |words: &[&str]| {
            expr::did_you_mean(value, words.iter().copied())
                .map(|c| format!("Did you mean '{c}'? "))
                .unwrap_or_default()
        };
        match &self.takes {
            Takes::Words(words) => {
                if type_name != "String" || words.contains(&value) {
                    return None;
                }
                Some(Diagnostic::error(
                    format!("{head} is not a valid {key}"),
                    format!("{name} fills {key} of step {step:?}, which takes {}; an execution that takes {shown} fails when the step runs. {}Use one of them.", listing(words.iter().copied()), did_you_mean(words)),
                ))
            }
            Takes::Range(min, max) => {
                if type_name != "Integer" {
                    return None;
                }
                // Only whole numbers: other text is the parameter's own error. What does not
                // parse as a 64-bit number is absurdly large, or negative.
                let text = value.trim();
                let digits = text.strip_prefix('-').unwrap_or(text);
                if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
                    return None;
                }
                if text.parse::<i64>().is_ok_and(|n| (*min..=*max).contains(&n)) {
                    return None;
                }
                let range = format!("a whole number from {min} to {max}");
                Some(Diagnostic::error(
                    format!("{head} is out of range for {key}"),
                    format!("{name} fills {key} of step {step:?}, which takes {range}; an execution that takes {shown} fails when the step starts."),
                ))
            }
            Takes::InstanceType(allowed) => {
                if type_name != "String" || allowed.contains(&value) {
                    return None;
                }
                // The prefix left out is the likeliest slip (fresh-eyes: "m5.xlarge" was taken
                // for "ml.c5.xlarge", one letter away).
                if !value.starts_with("ml.") {
                    let prefixed = format!("ml.{value}");
                    let fix = if allowed.contains(&prefixed.as_str()) {
                        format!("write '{prefixed}'")
                    } else if let Some(c) = expr::did_you_mean(&prefixed, allowed.iter().copied()) {
                        format!("did you mean '{c}'?")
                    } else {
                        "e.g. 'ml.m5.xlarge'".to_string()
                    };
                    return Some(Diagnostic::error(
                        format!("{head} is not an instance type"),
                        format!("{name} fills the instance type of step {step:?}, and SageMaker instance types start with \"ml.\": {fix}. An execution that takes {shown} fails when the job starts."),
                    ));
                }
                Some(Diagnostic::warning(
                    format!("{head} is not a known instance type"),
                    format!("{name} fills the instance type of step {step:?}, and {shown} is not among the instance types that kind of job takes in the SageMaker API model this provider was built with. {}If it is a type SageMaker added since, ignore this warning; otherwise an execution that takes this value fails when the job starts.", did_you_mean(allowed)),
                ))
            }
        }
    }
}

/// Every parameter that is the whole value of a field that takes only some values (see
/// [`ValueUse`]), with where: one use per field key and range, the first.
fn value_uses<'a>(
    found: &[Found<'a>],
    refs: &'a StepReferences,
    step_types: StepTypes,
) -> BTreeMap<&'a str, Vec<ValueUse>> {
    let mut out: BTreeMap<&str, Vec<ValueUse>> = BTreeMap::new();
    for (f, refs) in found.iter().zip(&refs.0) {
        let facts = step_types(type_of(f.step));
        for (r, field) in refs {
            let Reference::Parameter(p) = r else { continue };
            if user_named(facts, field) {
                continue;
            }
            let Some(key) = field.rsplit('.').next() else { continue };
            let takes = if let Some(k) = INTEGER_FIELDS.iter().find(|k| **k == key) {
                integer_range(type_of(f.step), key).map(|(min, max)| (*k, Takes::Range(min, max)))
            } else if let Some((k, words)) = ENUM_FIELDS.iter().find(|(k, _)| *k == key) {
                enum_words(field, key, words).map(|w| (*k, Takes::Words(w)))
            } else if key == "InstanceType" {
                facts
                    .map(|t| t.instance_types())
                    .filter(|types| !types.is_empty())
                    .map(|types| ("InstanceType", Takes::InstanceType(types)))
            } else {
                None
            };
            let Some((key, takes)) = takes else { continue };
            // One use per field and range: a parameter filling a training job's and a
            // processing job's instance count is judged against both.
            let uses = out.entry(p.as_str()).or_default();
            if !uses.iter().any(|u| u.key == key && u.takes == takes) {
                uses.push(ValueUse { step: name_of(f.step).to_string(), key, takes });
            }
        }
    }
    out
}

/// Where a parameter first fills an S3 field, or starts one (the first value of the field's
/// `Std:Join`, so its value starts the URI).
#[derive(Clone, Debug, PartialEq)]
pub struct S3Use {
    pub step: String,
    /// The condition whose branch the step is in.
    pub condition: Option<String>,
    /// The field's location in the step, e.g. `Arguments.ProcessingInputs[0].S3Input.S3Uri`.
    pub field: String,
    /// `None`: the parameter is the field's whole value. `Some((text, more))`: it starts the
    /// field's `Std:Join`, and `text` follows its value (the separator, and the next value
    /// when that is text); `more` says whether a reference comes after that.
    pub after: Option<(String, bool)>,
}

impl S3Use {
    /// Why value `value` of parameter `name` cannot be used here, as a diagnostic's detail;
    /// `None` when it can.
    pub fn problem(&self, name: &str, value: &str) -> Option<String> {
        let (text, more) = match &self.after {
            None => (value.to_string(), false),
            Some((after, more)) => (format!("{value}{after}"), *more),
        };
        let problem = s3::judge(&text, more).err()?;
        let example = if value.contains(':') || value.is_empty() {
            "\"s3://my-bucket/prefix\"".to_string()
        } else {
            format!("{:?}", format!("s3://{}", value.trim_start_matches('/')))
        };
        let step = StepLabel { name: &self.step, parent: self.condition.as_deref() };
        let how = match self.after {
            None => format!("as {}, which takes an S3 URI:", self.field),
            Some(_) => format!(
                "at the start of {}, which takes an S3 URI, so the URI begins with this value:",
                self.field
            ),
        };
        Some(format!(
            "The {step} uses {{{{ Parameters.{name} }}}} {how} {}. An execution that takes this value fails. Use a value such as {example}.",
            problem.of(&text)
        ))
    }
}

/// The parameters that fill or start an S3 field in `found` (`refs` are theirs),
/// each with its first such use; a use as the whole value wins over one that starts a field
/// (it is the stricter). User-named keys (string maps, a Lambda's inputs) are not fields.
fn s3_uses<'a>(
    found: &[Found],
    refs: &'a StepReferences,
    step_types: StepTypes,
) -> BTreeMap<&'a str, S3Use> {
    let mut uses: BTreeMap<&str, S3Use> = BTreeMap::new();
    for (f, refs) in found.iter().zip(&refs.0) {
        let facts = step_types(type_of(f.step));
        for (r, location) in refs {
            let Reference::Parameter(p) = r else { continue };
            if user_named(facts, location) {
                continue;
            }
            let Some((field, after)) = s3_field_of(f.step, location) else { continue };
            if uses.get(p.as_str()).is_some_and(|e| e.after.is_none() || after.is_some()) {
                continue;
            }
            let used = S3Use {
                step: name_of(f.step).to_string(),
                condition: f.parent().map(str::to_string),
                field: field.to_string(),
                after,
            };
            uses.insert(p, used);
        }
    }
    uses
}

/// Where the parameters of `steps` (a definition's `Steps`) are used in fields that take only
/// some values: for checking the values a run is started with. One walk of the steps serves
/// both kinds.
#[derive(Debug, Default)]
pub struct ParameterUses {
    /// Each parameter that fills or starts an S3 field, with its first such use.
    pub s3: BTreeMap<String, S3Use>,
    /// Each parameter that is the whole value of a field taking only some values.
    pub values: BTreeMap<String, Vec<ValueUse>>,
}

/// [`ParameterUses`] of `steps`.
pub fn parameter_uses(steps: &[Json], step_types: StepTypes) -> ParameterUses {
    let refs = StepReferences::of(steps);
    let found = found_in(steps);
    ParameterUses {
        s3: s3_uses(&found, &refs, step_types)
            .into_iter()
            .map(|(p, used)| (p.to_string(), used))
            .collect(),
        values: value_uses(&found, &refs, step_types)
            .into_iter()
            .map(|(p, u)| (p.to_string(), u))
            .collect(),
    }
}

/// Whether `field` of a step of the type `facts` describe is under a key the user named, not
/// an API field: in one of its string maps, its tags, or the `Arguments` of a type whose
/// arguments are the user's (a Lambda function's inputs).
fn user_named(facts: Option<&dyn StepTypeFacts>, field: &str) -> bool {
    facts.is_some_and(|t| {
        t.string_maps().iter().any(|m| has_member(field, m))
            || (t.arguments_are_user_named() && field.starts_with("Arguments."))
    }) || field.contains(".Tags[")
}

/// "an Integer", "a String".
pub(crate) fn article(type_name: &str) -> &'static str {
    if type_name.starts_with(['A', 'E', 'I', 'O', 'U']) {
        "an"
    } else {
        "a"
    }
}

/// The S3 field of `step` that a reference at `location` fills or starts, with what follows
/// it (see [`S3Use::after`]); `None` when it is neither the field's whole value nor the first
/// value of its `Std:Join`. A one-value `Std:Join` (the SDK's text conversion) is the whole
/// value.
fn s3_field_of<'l>(step: &Json, location: &'l str) -> Option<(&'l str, Option<(String, bool)>)> {
    let Some(field) = location.strip_suffix(".Std:Join.Values[0]") else {
        return is_s3_field(location).then_some((location, None));
    };
    if !is_s3_field(field) {
        return None;
    }
    let join = at_location(step, field)?.get("Std:Join")?;
    let on = join.get("On").and_then(Json::as_str).unwrap_or("");
    let values = join.get("Values").and_then(Json::as_array)?;
    let after = match values.get(1) {
        None => None,
        Some(Json::String(next)) => Some((format!("{on}{next}"), values.len() > 2)),
        Some(_) => Some((on.to_string(), true)),
    };
    Some((field, after))
}

/// The value at `location` in `v`: keys joined with `.`, positions as `[i]`, as
/// `expr::collect_references` writes them (API keys hold neither).
fn at_location<'j>(mut v: &'j Json, location: &str) -> Option<&'j Json> {
    for part in location.split('.') {
        let (key, mut indexes) = part.split_at(part.find('[').unwrap_or(part.len()));
        if !key.is_empty() {
            v = v.get(key)?;
        }
        while let Some(rest) = indexes.strip_prefix('[') {
            let (i, tail) = rest.split_once(']')?;
            v = v.get(i.parse::<usize>().ok()?)?;
            indexes = tail;
        }
    }
    Some(v)
}

/// The default and enum values of String parameter `name`, used in an S3 field as `used`
/// says, must be S3 locations (or their start).
fn check_s3_parameter(name: &str, facts: &ParamFacts, used: &S3Use, diags: &mut Diagnostics) {
    for (value, path, what) in facts.values_taken() {
        if let Some(detail) = used.problem(name, value) {
            diags.error_at(
                path,
                format!(
                    "{what} {} of parameter {name:?} is not an S3 location",
                    expr::shown(value)
                ),
                detail,
            );
        }
    }
}

/// `==` and `in` between a reference of a known type and a literal of another (a Boolean
/// parameter and the text "true", an Integer and "3", a String and 3): SageMaker compares the
/// values with their types, so such a condition is most likely never true. A warning, not an
/// error (those semantics could not be confirmed offline); the detail names the literal's
/// location, `literal_at`.
fn check_literal_types(
    reference: Option<&Json>,
    literal: Option<&Json>,
    literal_at: &str,
    me: &str,
    top: usize,
    types: &Types,
    diags: &mut Diagnostics,
) {
    let Some(Json::String(get)) = reference.and_then(|v| v.get("Get")) else { return };
    let Ok(r) = expr::parse_get(get) else { return };
    let Some(actual) = reference_type(&r, types) else { return };
    let literal_type = match literal {
        Some(Json::String(_)) if actual != "String" => "text",
        Some(Json::Number(_)) if actual == "String" || actual == "Boolean" => "a number",
        Some(Json::Bool(_)) if actual != "Boolean" => "a boolean",
        // An Integer is never equal to 1.5 (helper finding).
        Some(Json::Number(n))
            if actual == "Integer" && n.as_f64().is_some_and(|f| f.fract() != 0.0) =>
        {
            "a number with a fraction"
        }
        _ => return,
    };
    let Some(shown) = literal.map(Json::to_string) else { return };
    if literal_type == "a number with a fraction" {
        diags.push(
            Diagnostic::warning(
                format!("Condition {me:?} compares an Integer with {shown}"),
                format!("{literal_at} is {shown}, and the value it is compared with, {{{{ {r} }}}}, is an Integer, which is never {shown}: the condition never holds. Compare with a whole number, or declare the parameter with type = \"Float\"."),
            )
            .at(steps_path(top)),
        );
        return;
    }
    let fix = match actual {
        "Boolean" => "write true or false, without quotes".to_string(),
        "String" => format!("quote the value, e.g. {:?}", shown.trim_matches('"')),
        _ => "write a number, without quotes".to_string(),
    };
    diags.push(
        Diagnostic::warning(
            format!("Condition {me:?} compares {} {actual} with {literal_type}", article(actual)),
            format!(
                "{literal_at} is {shown}, {literal_type}, and the value it is compared with, {{{{ {r} }}}}, is {} {actual}; SageMaker compares values with their types, so they are most likely never equal. To compare with {} {actual}, {fix}.",
                article(actual),
                article(actual)
            ),
        )
        .at(steps_path(top)),
    );
}

/// Whether the location `field` passes through member `name`: `….{name}.…`.
fn has_member(field: &str, name: &str) -> bool {
    field
        .match_indices(name)
        .any(|(i, _)| field[..i].ends_with('.') && field[i + name.len()..].starts_with('.'))
}

const NUMERIC_COMPARISONS: [(&str, &str); 4] = [
    ("GreaterThan", ">"),
    ("GreaterThanOrEqualTo", ">="),
    ("LessThan", "<"),
    ("LessThanOrEqualTo", "<="),
];

fn check_comparison_types(
    c: &Json,
    at: &str,
    me: &str,
    top: usize,
    types: &Types,
    diags: &mut Diagnostics,
) {
    let ty = c.get("Type").and_then(Json::as_str).unwrap_or("");
    match ty {
        "Or" => {
            for (i, inner) in
                c.get("Conditions").and_then(Json::as_array).into_iter().flatten().enumerate()
            {
                check_comparison_types(
                    inner,
                    &format!("{at}.Conditions[{i}]"),
                    me,
                    top,
                    types,
                    diags,
                );
            }
        }
        "Not" => {
            if let Some(inner) = c.get("Condition") {
                check_comparison_types(inner, &format!("{at}.Condition"), me, top, types, diags);
            }
        }
        "Equals" => {
            let (l, r) = (c.get("LeftValue"), c.get("RightValue"));
            check_literal_types(l, r, &format!("{at}.RightValue"), me, top, types, diags);
            check_literal_types(r, l, &format!("{at}.LeftValue"), me, top, types, diags);
        }
        "In" => {
            let query = c.get("QueryValue");
            for (i, v) in c.get("Values").and_then(Json::as_array).into_iter().flatten().enumerate()
            {
                let at = format!("{at}.Values[{i}]");
                check_literal_types(query, Some(v), &at, me, top, types, diags);
            }
        }
        _ => {
            let Some((_, op)) = NUMERIC_COMPARISONS.iter().find(|(t, _)| *t == ty) else { return };
            for side in ["LeftValue", "RightValue"] {
                let Some(Json::String(get)) = c.get(side).and_then(|v| v.get("Get")) else {
                    continue;
                };
                let Ok(r) = expr::parse_get(get) else { continue };
                if let Some(actual @ ("String" | "Boolean")) = reference_type(&r, types) {
                    diags.error_at(
                        steps_path(top),
                        format!("Condition {me:?} compares a {actual} with {op}"),
                        format!(
                            "{at}.{side}: {{{{ {r} }}}} is a {actual}, and {op} compares numbers. Compare it with == (or in [...]), or compare a number: an Integer or Float parameter, a numeric step property or property-file value."
                        ),
                    );
                }
            }
        }
    }
}

/// The references in a step's own fields; a condition's branch steps are left out (they are
/// steps of their own). Locations are relative to the step, e.g. `Arguments.Conditions[0].LeftValue`.
fn own_references(step: &Json, out: &mut Vec<(Reference, String)>) {
    let Some(obj) = step.as_object() else { return };
    let condition = type_of(step) == "Condition";
    for (k, v) in obj {
        let mut found = Vec::new();
        match (k.as_str(), v.as_object()) {
            ("Arguments", Some(args)) if condition => {
                for (ak, av) in args.iter().filter(|(ak, _)| *ak != "IfSteps" && *ak != "ElseSteps")
                {
                    let mut inner = Vec::new();
                    expr::collect_references(av, &mut inner);
                    found.extend(inner.into_iter().map(|(r, at)| (r, join_location(ak, &at))));
                }
            }
            _ => expr::collect_references(v, &mut found),
        }
        out.extend(found.into_iter().map(|(r, at)| (r, join_location(k, &at))));
    }
}

/// `Arguments` + `Conditions[0]` = `Arguments.Conditions[0]`; `Conditions` + `[0].LeftValue` =
/// `Conditions[0].LeftValue` (no dot before an index: fresh-eyes finding).
fn join_location(key: &str, at: &str) -> String {
    if at.is_empty() {
        key.to_string()
    } else if at.starts_with('[') {
        format!("{key}{at}")
    } else {
        format!("{key}.{at}")
    }
}

/// A cycle in `edges` (step -> the steps it waits for), as a closed path of names. Steps are
/// visited in name order and their successors in reverse name order, so the cycle reported
/// never depends on the order the edges were added in.
fn find_cycle(edges: &Edges) -> Option<Vec<String>> {
    #[derive(Clone, Copy, PartialEq)]
    enum Mark {
        New,
        Active,
        Done,
    }
    let by_name = |ids: &mut Vec<usize>| {
        ids.sort_unstable_by_key(|&i| edges.names[i]);
        ids.dedup();
    };
    // Each step's successors, sorted by name: popped from the end, the last name first.
    let successors: Vec<Vec<usize>> = edges
        .waits_for
        .iter()
        .map(|s| {
            let mut s = s.clone();
            by_name(&mut s);
            s
        })
        .collect();
    let mut starts: Vec<usize> =
        (0..edges.names.len()).filter(|&i| !successors[i].is_empty()).collect();
    by_name(&mut starts);
    let mut marks = vec![Mark::New; edges.names.len()];
    for start in starts {
        if marks[start] != Mark::New {
            continue;
        }
        // Iterative DFS: (node, how many of its successors are not visited yet: the first
        // ones, so the last name goes first), the stack being the active path.
        let mut stack: Vec<(usize, usize)> = vec![(start, successors[start].len())];
        marks[start] = Mark::Active;
        while let Some((node, left)) = stack.last_mut() {
            let next = left.checked_sub(1).map(|i| {
                *left = i;
                successors[*node][i]
            });
            match next {
                Some(succ) => match marks[succ] {
                    Mark::Active => {
                        let from = stack.iter().position(|(n, _)| *n == succ).unwrap_or(0);
                        let mut cycle: Vec<String> = stack[from..]
                            .iter()
                            .map(|(n, _)| edges.names[*n].to_string())
                            .collect();
                        cycle.push(edges.names[succ].to_string());
                        return Some(cycle);
                    }
                    Mark::Done => {}
                    Mark::New => {
                        marks[succ] = Mark::Active;
                        stack.push((succ, successors[succ].len()));
                    }
                },
                None => {
                    marks[*node] = Mark::Done;
                    stack.pop();
                }
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::compiler::step_type::test_types;

    #[test]
    fn chains_parse_into_edges() {
        assert_eq!(
            parse_chain("A >> B >> C").expect("ok"),
            vec![("A".into(), "B".into()), ("B".into(), "C".into())]
        );
        assert_eq!(parse_chain("A >> [B, C]").expect("ok").len(), 2);
        assert!(parse_chain("A").is_err());
        assert!(parse_chain("A >> >> B").is_err());
    }

    fn prep() -> Json {
        json!({"Name": "Prep", "Type": "Processing", "Arguments": {
            "RoleArn": "r",
            "ProcessingInputs": [{"InputName": "raw"}],
            "ProcessingOutputConfig": {"Outputs": [{"OutputName": "train"}, {"OutputName": "validation"}]}
        }, "PropertyFiles": [{"PropertyFileName": "Report", "OutputName": "train", "FilePath": "r.json"}]})
    }

    fn fail(message: Json) -> Json {
        json!({"Name": "F", "Type": "Fail", "Arguments": {"ErrorMessage": message}})
    }

    /// Every (summary, detail) `validate` reports for `steps` with parameters `params`.
    fn problems(steps: &[Json], params: &[&str]) -> Vec<(String, String)> {
        let mut d = Diagnostics::new();
        validate(steps, &params.iter().map(|p| p.to_string()).collect(), test_types, &mut d);
        d.iter().map(|d| (d.summary.clone(), d.detail.clone())).collect()
    }

    fn one(steps: &[Json], params: &[&str]) -> (String, String) {
        let p = problems(steps, params);
        assert_eq!(p.len(), 1, "{p:?}");
        p.into_iter().next().unwrap_or_default()
    }

    /// Fresh-eyes finding: an else-branch step waiting for an if-branch step (by a reference or
    /// DependsOn) passed plan; it can never run. Steps of the same branch, and a branch step
    /// waiting for a step before the condition, are fine.
    #[test]
    fn a_step_cannot_wait_for_the_other_branch() {
        let lambda = |name: &str| json!({"Name": name, "Type": "Lambda", "Arguments": {}, "FunctionArn": "arn:aws:lambda:us-east-1:123456789012:function:f"});
        let cond = |if_steps: Vec<Json>, else_steps: Vec<Json>| json!({"Name": "Check", "Type": "Condition", "Arguments": {"Conditions": [{"Type": "Equals", "LeftValue": 1, "RightValue": 1}], "IfSteps": if_steps, "ElseSteps": else_steps}});
        let waiting = |waits_for: &str| json!({"Name": "Late", "Type": "Lambda", "Arguments": {}, "FunctionArn": "arn:aws:lambda:us-east-1:123456789012:function:f", "DependsOn": [waits_for]});
        let (summary, detail) =
            one(&[cond(vec![lambda("Register")], vec![waiting("Register")])], &[]);
        assert_eq!(
            summary,
            "Step \"Late\" in the else branch of condition \"Check\" waits for step \"Register\" in its if branch"
        );
        assert!(detail.starts_with("Only one branch of a condition runs"), "{detail}");
        assert!(problems(&[cond(vec![lambda("Register"), waiting("Register")], vec![])], &[])
            .is_empty());
        assert!(problems(&[lambda("Prep"), cond(vec![], vec![waiting("Prep")])], &[]).is_empty());
        // Nested: the split is at the outer condition.
        let inner = json!({"Name": "Inner", "Type": "Condition", "Arguments": {"Conditions": [{"Type": "Equals", "LeftValue": 1, "RightValue": 1}], "IfSteps": [waiting("Register")], "ElseSteps": []}});
        let (summary, _) = one(&[cond(vec![lambda("Register")], vec![inner])], &[]);
        assert!(summary.contains("in the else branch of condition \"Check\""), "{summary}");
    }

    /// Issue 6: `Outputs['valdation']` passed plan when Prep declares no such output.
    #[test]
    fn undeclared_processing_outputs_and_inputs_fail_with_did_you_mean() {
        let get = |p: &str| json!({"Get": format!("Steps.Prep.{p}")});
        let (summary, detail) = one(
            &[prep(), fail(get("ProcessingOutputConfig.Outputs['valdation'].S3Output.S3Uri"))],
            &[],
        );
        assert!(
            summary.contains("references output 'valdation', which step \"Prep\" does not declare"),
            "{summary}"
        );
        assert!(
            detail.contains("Did you mean 'validation'?")
                && detail.contains("declares outputs: train, validation"),
            "{detail}"
        );
        assert!(detail.starts_with("Arguments.ErrorMessage: "), "{detail}");
        let (summary, _) =
            one(&[prep(), fail(get("ProcessingOutputConfig.Outputs[2].S3Output.S3Uri"))], &[]);
        assert!(summary.contains("declares only 2"), "{summary}");
        let (_, detail) = one(&[prep(), fail(get("ProcessingInputs['rwa'].S3Input.S3Uri"))], &[]);
        assert!(detail.contains("Did you mean 'raw'?"), "{detail}");
        for ok in [
            "ProcessingOutputConfig.Outputs['validation'].S3Output.S3Uri",
            "ProcessingOutputConfig.Outputs[1].S3Output.S3Uri",
            "ProcessingInputs['raw'].S3Input.S3Uri",
            "ProcessingJobName",
        ] {
            assert!(problems(&[prep(), fail(get(ok))], &[]).is_empty(), "{ok}");
        }
    }

    /// Issue 6: `FinalMetricDataList['validation:acc']` passed plan without such a metric.
    #[test]
    fn undefined_training_metrics_fail_unless_the_algorithm_is_built_in() {
        let train = |image: &str, metrics: Json| json!({"Name": "Train", "Type": "Training", "Arguments": {"RoleArn": "r", "AlgorithmSpecification": {"TrainingImage": image, "MetricDefinitions": metrics}}});
        let read = fail(json!({"Get": "Steps.Train.FinalMetricDataList['validation:acc'].Value"}));
        let custom = "123456789012.dkr.ecr.us-east-1.amazonaws.com/my-trainer:1";
        let (summary, detail) = one(
            &[train(custom, json!([{"Name": "validation:accuracy", "Regex": "a"}])), read.clone()],
            &[],
        );
        assert!(
            summary.contains(
                "references metric 'validation:acc', which step \"Train\" does not declare"
            ),
            "{summary}"
        );
        assert!(detail.contains("Did you mean 'validation:accuracy'?"), "{detail}");
        let (_, detail) = one(&[train(custom, json!([])), read.clone()], &[]);
        assert!(
            detail.contains("declares metrics: none") && detail.contains("metric_definition"),
            "{detail}"
        );
        assert!(problems(
            &[train(custom, json!([{"Name": "validation:acc", "Regex": "a"}])), read.clone()],
            &[]
        )
        .is_empty());
        let built_in = "683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-xgboost:1.7-1";
        assert!(
            problems(&[train(built_in, json!([])), read], &[]).is_empty(),
            "built-in algorithms publish their own metrics"
        );
    }

    #[test]
    fn lambda_outputs_are_checked() {
        let lambda = json!({"Name": "L", "Type": "Lambda", "Arguments": {}, "OutputParameters": [{"OutputName": "ticket", "OutputType": "String"}]});
        let (_, detail) =
            one(&[lambda.clone(), fail(json!({"Get": "Steps.L.OutputParameters['tikcet']"}))], &[]);
        assert!(detail.contains("Did you mean 'ticket'?"), "{detail}");
        assert!(problems(
            &[lambda, fail(json!({"Get": "Steps.L.OutputParameters['ticket']"}))],
            &[]
        )
        .is_empty());
    }

    /// Issue 6: did-you-mean for steps, parameters and property files, with plain name lists.
    #[test]
    fn misspelt_names_get_suggestions_and_plain_lists() {
        let (summary, detail) =
            one(&[prep(), fail(json!({"Get": "Steps.Perp.ProcessingJobName"}))], &[]);
        assert!(
            summary.contains("unknown step \"Perp\"") && detail.contains("Did you mean 'Prep'?"),
            "{detail}"
        );
        let (_, detail) =
            one(&[fail(json!({"Get": "Parameters.Epoks"}))], &["Epochs", "InputData"]);
        assert!(
            detail.contains("Did you mean 'Epochs'?")
                && detail.contains("Declared: Epochs, InputData."),
            "{detail}"
        );
        assert!(!detail.contains("{\""), "no Rust debug sets: {detail}");
        let (summary, detail) = one(
            &[
                prep(),
                fail(
                    json!({"Std:JsonGet": {"PropertyFile": {"Get": "Steps.Prep.PropertyFiles.Reprot"}, "Path": "a"}}),
                ),
            ],
            &[],
        );
        assert!(summary.contains("property file \"Reprot\""), "{summary}");
        assert!(
            detail.contains("Did you mean 'Report'?") && !detail.contains("property_file {"),
            "a misspelt file is not a new one to declare: {detail}"
        );
        let mut dep = fail(json!("x"));
        dep["DependsOn"] = json!(["Prpe"]);
        let (_, detail) = one(&[prep(), dep], &[]);
        assert!(detail.starts_with("Did you mean 'Prep'?"), "{detail}");
        let mut steps = vec![prep()];
        let mut d = Diagnostics::new();
        apply_dependencies(&mut steps, &["Prep >> Trian".to_string()], test_types, false, &mut d);
        let detail = d.iter().map(|d| d.detail.clone()).collect::<String>();
        assert!(detail.contains("Steps: Prep.") && !detail.contains("{\""), "{detail}");
    }

    /// A chain naming a missing step, or running steps after a Fail step, is one error at the
    /// chain: the link is not added, so the whole-DAG check does not report it again at a step.
    #[test]
    fn a_broken_dependency_chain_is_reported_once_at_the_chain() {
        let chains = ["Prep >> Evaluate >> F".to_string(), "F >> [Prep]".to_string()];
        let mut steps = vec![prep(), fail(json!("x"))];
        let mut d = Diagnostics::new();
        apply_dependencies(&mut steps, &chains, test_types, false, &mut d);
        validate(&steps, &BTreeSet::new(), test_types, &mut d);
        let got: Vec<(String, Option<AttrPath>)> =
            d.iter().map(|d| (d.summary.clone(), d.path.clone())).collect();
        let at = |i| Some(AttrPath::root("dependencies").index(i));
        assert_eq!(
            got,
            [
                ("Dependency on unknown step \"Evaluate\"".to_string(), at(0)),
                ("Dependency on Fail step \"F\"".to_string(), at(1)),
            ]
        );
        assert!(steps.iter().all(|s| s.get("DependsOn").is_none()), "{steps:?}");
    }

    /// Fresh-eyes finding: `TrainingInstanceType` defaulting to "ml.m5.xlarg" passed plan,
    /// although the same literal in `instance_type` is an error.
    #[test]
    fn an_instance_type_parameter_defaults_to_an_instance_type() {
        let job = json!({"Name": "P", "Type": "Processing", "Arguments": {"ProcessingResources": {"ClusterConfig": {"InstanceType": {"Get": "Parameters.Kind"}}}}});
        let problems = |default: &str, enum_values: &[&str]| {
            let facts = ParamFacts {
                index: 0,
                type_name: "String".into(),
                default: Some(default.into()),
                enum_values: enum_values.iter().map(|v| v.to_string()).collect(),
            };
            let mut d = Diagnostics::new();
            check_types(
                std::slice::from_ref(&job),
                &[("Kind".to_string(), facts)].into(),
                test_types,
                &mut d,
            );
            d.iter()
                .map(|d| (d.summary.clone(), d.detail.clone(), d.path.clone()))
                .collect::<Vec<_>>()
        };
        assert!(problems("ml.m5.xlarge", &["ml.m5.2xlarge"]).is_empty());
        let p = problems("ml.m5.xlarg", &[]);
        assert_eq!(p.len(), 1, "{p:?}");
        assert_eq!(
            p[0].0,
            "Default \"ml.m5.xlarg\" of parameter \"Kind\" is not a known instance type"
        );
        assert!(p[0].1.contains("Did you mean 'ml.m5.xlarge'?"), "{p:?}");
        assert_eq!(p[0].2, Some(AttrPath::root("parameter").index(0).attr("default")));
        // Without the prefix: the prefixed type, not the nearest other one ("ml.c5.xlarge").
        let p = problems("m5.xlarge", &[]);
        assert!(p[0].1.contains("write 'ml.m5.xlarge'"), "{p:?}");
        let p = problems("ml.m5.xlarge", &["ml.m5.xlarge", "m5.2xlarge"]);
        assert_eq!(p.len(), 1, "{p:?}");
        assert_eq!(p[0].2, Some(AttrPath::root("parameter").index(0).attr("enum_values")));
    }

    /// Helper finding (session 13): a `ModelApprovalStatus` parameter defaulting to "Aproved",
    /// or an instance-count parameter defaulting to 0, passed plan; every execution that takes
    /// the default then fails when the step runs.
    #[test]
    fn a_parameter_defaults_to_a_value_its_field_takes() {
        let register = json!({"Name": "R", "Type": "RegisterModel", "Arguments": {"ModelApprovalStatus": {"Get": "Parameters.Status"}}});
        let job = json!({"Name": "P", "Type": "Processing", "Arguments": {"ProcessingResources": {"ClusterConfig": {"InstanceCount": {"Get": "Parameters.Count"}, "VolumeSizeInGB": {"Get": "Parameters.Count"}}}}});
        let problems = |step: &Json, name: &str, ty: &str, default: &str, enum_values: &[&str]| {
            let facts = ParamFacts {
                index: 0,
                type_name: ty.into(),
                default: Some(default.into()),
                enum_values: enum_values.iter().map(|v| v.to_string()).collect(),
            };
            let mut d = Diagnostics::new();
            check_types(
                std::slice::from_ref(step),
                &[(name.to_string(), facts)].into(),
                test_types,
                &mut d,
            );
            d.iter()
                .map(|d| (d.summary.clone(), d.detail.clone(), d.path.clone(), d.severity))
                .collect::<Vec<_>>()
        };
        assert!(problems(&register, "Status", "String", "PendingManualApproval", &["Approved"])
            .is_empty());
        let p = problems(&register, "Status", "String", "Aproved", &[]);
        assert_eq!(p.len(), 1, "{p:?}");
        assert_eq!(
            p[0].0,
            "Default \"Aproved\" of parameter \"Status\" is not a valid ModelApprovalStatus"
        );
        assert!(p[0].1.contains("Did you mean 'Approved'?"), "{p:?}");
        assert!(p[0].1.contains("PendingManualApproval, Approved, Rejected"), "{p:?}");
        assert_eq!(p[0].2, Some(AttrPath::root("parameter").index(0).attr("default")));
        assert_eq!(p[0].3, crate::framework::Severity::Error);
        let p = problems(&register, "Status", "String", "Approved", &["Approved", "Maybe"]);
        assert_eq!(p.len(), 1, "{p:?}");
        assert_eq!(p[0].2, Some(AttrPath::root("parameter").index(0).attr("enum_values")));
        // A parameter of another type in an enum field is a type error, judged once.
        let p = problems(&register, "Status", "Integer", "1", &[]);
        assert_eq!(p.len(), 1, "{p:?}");
        assert_eq!(p[0].0, "Step \"R\" fills ModelApprovalStatus with an Integer value");
        assert!(p[0].1.contains("Use a literal such as \"PendingManualApproval\""), "{p:?}");

        assert!(problems(&job, "Count", "Integer", "1", &["2"]).is_empty());
        // One diagnostic per field the parameter fills.
        let p = problems(&job, "Count", "Integer", "0", &[]);
        assert_eq!(p.len(), 2, "{p:?}");
        assert_eq!(
            p[0].0,
            "Default \"0\" of parameter \"Count\" is out of range for InstanceCount"
        );
        assert!(p[0].1.contains("a whole number from 1 to 100"), "{p:?}");
        assert_eq!(
            p[1].0,
            "Default \"0\" of parameter \"Count\" is out of range for VolumeSizeInGB"
        );
        assert_eq!(problems(&job, "Count", "Integer", "-3", &[]).len(), 2);
        // A processing cluster takes at most 100 instances; its volume up to 16384 GB.
        let p = problems(&job, "Count", "Integer", "101", &[]);
        assert_eq!(p.len(), 1, "{p:?}");
        assert!(p[0].0.ends_with("InstanceCount"), "{p:?}");
        // A training job has no such bound, and takes 0 instances (instance groups) in the API
        // model: no value the model takes is an error.
        let train = json!({"Name": "T", "Type": "Training", "Arguments": {"ResourceConfig": {"InstanceCount": {"Get": "Parameters.Count"}}}});
        assert!(problems(&train, "Count", "Integer", "101", &[]).is_empty());
        assert!(problems(&train, "Count", "Integer", "0", &[]).is_empty());
        let p = problems(&train, "Count", "Integer", "-1", &[]);
        assert!(p[0].1.contains("a whole number from 0 to 2147483647;"), "{p:?}");
        // Judged against each range it fills (review finding: only the first was).
        let both = [train.clone(), job.clone()];
        let facts = |default: &str| ParamFacts {
            index: 0,
            type_name: "Integer".into(),
            default: Some(default.into()),
            enum_values: vec![],
        };
        let mut d = Diagnostics::new();
        check_types(&both, &[("Count".to_string(), facts("150"))].into(), test_types, &mut d);
        assert_eq!(d.iter().count(), 1, "{d:?}");
        assert!(d.iter().next().is_some_and(|d| d.detail.contains("of step \"P\"")), "{d:?}");
        // Text that is not a whole number is the parameter's own error, not this one.
        assert!(problems(&job, "Count", "Integer", "1.5", &[]).is_empty());
        // EMR's cluster fields are EMR's: a task group of 0 instances is common.
        let emr = json!({"Name": "E", "Type": "EMR", "Arguments": {"ClusterConfig": {"Instances": {"InstanceGroups": [{"InstanceCount": {"Get": "Parameters.Count"}}]}}}});
        assert!(problems(&emr, "Count", "Integer", "0", &[]).is_empty());
        // A job output's compression takes GZIP / NONE (review finding), a channel's None / Gzip.
        let output = json!({"Name": "T", "Type": "Training", "Arguments": {"OutputDataConfig": {"CompressionType": {"Get": "Parameters.C"}}, "InputDataConfig": [{"CompressionType": {"Get": "Parameters.D"}}]}});
        assert!(problems(&output, "C", "String", "NONE", &[]).is_empty());
        assert_eq!(problems(&output, "D", "String", "NONE", &[]).len(), 1);
        // An instance type without its `ml.` prefix is no instance type (an error); one with it
        // that the provider does not know may be newer than the provider (a warning).
        let kind = json!({"Name": "P", "Type": "Processing", "Arguments": {"ProcessingResources": {"ClusterConfig": {"InstanceType": {"Get": "Parameters.Kind"}}}}});
        let p = problems(&kind, "Kind", "String", "m5.xlarge", &[]);
        assert_eq!(p[0].0, "Default \"m5.xlarge\" of parameter \"Kind\" is not an instance type");
        assert_eq!(p[0].3, crate::framework::Severity::Error);
        let p = problems(&kind, "Kind", "String", "ml.m5.xlarg", &[]);
        assert_eq!(p[0].3, crate::framework::Severity::Warning);
        // Without the prefix and misspelt: the nearest prefixed type, not 'ml.m5.xlarg'.
        let p = problems(&kind, "Kind", "String", "m5.xlarg", &[]);
        assert!(p[0].1.contains("did you mean 'ml.m5.xlarge'?"), "{p:?}");
        // A field that takes 0.
        let transform = json!({"Name": "T", "Type": "Transform", "Arguments": {"MaxConcurrentTransforms": {"Get": "Parameters.Count"}}});
        assert!(problems(&transform, "Count", "Integer", "0", &[]).is_empty());
        // Helper findings: fields whose literals were judged but whose parameters were not.
        let payload = json!({"Name": "T", "Type": "Transform", "Arguments": {"MaxPayloadInMB": {"Get": "Parameters.Mb"}, "TransformInput": {"SplitType": {"Get": "Parameters.Split"}}, "DataProcessing": {"JoinSource": {"Get": "Parameters.Join"}}}});
        assert!(problems(&payload, "Mb", "Integer", "100", &[]).is_empty());
        let p = problems(&payload, "Mb", "Integer", "200", &[]);
        assert_eq!(
            p[0].0,
            "Default \"200\" of parameter \"Mb\" is out of range for MaxPayloadInMB"
        );
        assert!(problems(&payload, "Split", "String", "Line", &[]).is_empty());
        let p = problems(&payload, "Split", "String", "line", &[]);
        assert!(p[0].1.contains("Did you mean 'Line'?"), "{p:?}");
        assert_eq!(problems(&payload, "Join", "String", "input", &[]).len(), 1);
        let serverless = json!({"Name": "E", "Type": "EMRServerless", "Arguments": {"JobConfig": {"executionTimeoutMinutes": {"Get": "Parameters.T"}}}});
        assert!(problems(&serverless, "T", "Integer", "0", &[]).is_empty());
        assert_eq!(problems(&serverless, "T", "Integer", "-5", &[]).len(), 1);
    }

    /// Helper finding (session 13): a Float parameter as the bound of an integer range of a
    /// tuning step passed plan; the job would get "5.5".
    #[test]
    fn tuning_range_bounds_take_numbers_of_their_kind() {
        let tuning = |range: &str, bound: Json| json!({"Name": "Tune", "Type": "Tuning", "Arguments": {"HyperParameterTuningJobConfig": {"ParameterRanges": {range: [{"Name": "x", "MinValue": "1", "MaxValue": bound}]}}}});
        let lone = |p: &str| json!({"Std:Join": {"On": "", "Values": [{"Get": format!("Parameters.{p}")}]}});
        let params = typed(&[("I", "Integer"), ("F", "Float"), ("S", "String"), ("B", "Boolean")]);
        let problems = |step: Json| {
            let mut d = Diagnostics::new();
            check_types(&[step], &params, test_types, &mut d);
            d.iter().map(|d| (d.summary.clone(), d.detail.clone())).collect::<Vec<_>>()
        };
        assert!(problems(tuning("IntegerParameterRanges", lone("I"))).is_empty());
        let p = problems(tuning("IntegerParameterRanges", lone("F")));
        assert_eq!(p.len(), 1, "{p:?}");
        assert_eq!(p[0].0, "Step \"Tune\" fills MaxValue with a Float value");
        assert!(p[0].1.contains("IntegerParameterRanges[0].MaxValue is a bound of an integer range, which takes an Integer"), "{p:?}");
        assert!(problems(tuning("ContinuousParameterRanges", lone("I"))).is_empty());
        assert!(problems(tuning("ContinuousParameterRanges", lone("F"))).is_empty());
        // The API takes bounds as text: a String (a parameter, a Lambda output) fits.
        assert!(problems(tuning("IntegerParameterRanges", lone("S"))).is_empty());
        assert!(problems(tuning("ContinuousParameterRanges", lone("S"))).is_empty());
        assert_eq!(problems(tuning("ContinuousParameterRanges", lone("B"))).len(), 1);
        // Text around the reference: not judged here.
        let joined = json!({"Std:Join": {"On": "", "Values": [{"Get": "Parameters.F"}, "0"]}});
        assert!(problems(tuning("IntegerParameterRanges", joined)).is_empty());
    }

    /// Declared parameters (name, type), without defaults.
    fn typed(params: &[(&str, &str)]) -> BTreeMap<String, ParamFacts> {
        let facts = params.iter().enumerate().map(|(index, (n, t))| {
            let facts = ParamFacts {
                index,
                type_name: t.to_string(),
                default: None,
                enum_values: Vec::new(),
            };
            (n.to_string(), facts)
        });
        facts.collect()
    }

    fn types(steps: &[Json], params: &[(&str, &str)]) -> Vec<(String, String)> {
        let mut d = Diagnostics::new();
        check_types(steps, &typed(params), test_types, &mut d);
        d.iter().map(|d| (d.summary.clone(), d.detail.clone())).collect()
    }

    /// Issue 6: a String parameter as instance_count, a numeric comparison on a String or
    /// Boolean parameter.
    #[test]
    fn references_must_fit_the_field_type() {
        let params =
            [("Count", "Integer"), ("Name", "String"), ("Ratio", "Float"), ("Flag", "Boolean")];
        let job = |count: Json| json!({"Name": "P", "Type": "Processing", "Arguments": {"ProcessingResources": {"ClusterConfig": {"InstanceCount": count}}, "Environment": {"InstanceCount": {"Get": "Parameters.Name"}}}});
        let p = types(&[job(json!({"Get": "Parameters.Name"}))], &params);
        assert_eq!(p.len(), 1, "{p:?}");
        assert!(p[0].0.contains("fills InstanceCount with a String value"), "{p:?}");
        assert!(p[0].1.contains("type = \"Integer\""), "{p:?}");
        for bad in ["Parameters.Ratio", "Parameters.Flag", "Execution.PipelineExecutionId"] {
            assert_eq!(types(&[job(json!({"Get": bad}))], &params).len(), 1, "{bad}");
        }
        assert_eq!(
            types(&[job(json!({"Get": "Steps.X.ProcessingJobName"}))], &params).len(),
            1,
            "a step property that is a string"
        );
        // Fresh-eyes findings: an instance type, a check step's switches, and S3 fields filled
        // with references that cannot be what the field takes.
        let typed_job = |ty: Json, s3: Json| json!({"Name": "P", "Type": "Processing", "SkipCheck": {"Get": "Parameters.Name"}, "Arguments": {"ProcessingResources": {"ClusterConfig": {"InstanceType": ty}}, "ProcessingInputs": [{"S3Input": {"S3Uri": s3}}]}});
        let p = types(
            &[typed_job(json!({"Get": "Parameters.Count"}), json!({"Get": "Parameters.Name"}))],
            &params,
        );
        let summaries: Vec<&str> = p.iter().map(|(s, _)| s.as_str()).collect();
        assert_eq!(
            summaries,
            [
                "Step \"P\" fills InstanceType with an Integer value",
                "Step \"P\" fills SkipCheck with a String value",
            ],
            "{p:?}"
        );
        for bad in [
            "Execution.PipelineName",
            "Steps.T.TrainingJobName",
            "Steps.T.FinalMetricDataList['validation:rmse'].Value",
        ] {
            let p = types(&[typed_job(json!("ml.m5.xlarge"), json!({"Get": bad}))], &params);
            assert!(
                p.iter().any(|(s, _)| s.ends_with("which is not an S3 location")),
                "{bad}: {p:?}"
            );
        }
        // A register step's sample payload is an S3 location too (review finding).
        let register = json!({"Name": "R", "Type": "RegisterModel", "Arguments": {"SamplePayloadUrl": {"Get": "Execution.PipelineExecutionId"}}});
        let p = types(&[register], &params);
        assert!(p.iter().any(|(s, _)| s.ends_with("which is not an S3 location")), "{p:?}");
        for ok in
            ["Steps.T.ModelArtifacts.S3ModelArtifacts", "Steps.T.OutputDataConfig.S3OutputPath"]
        {
            let p = types(&[typed_job(json!("ml.m5.xlarge"), json!({"Get": ok}))], &params);
            assert!(!p.iter().any(|(s, _)| s.contains("S3 location")), "{ok}: {p:?}");
        }
        let lambda = json!({"Name": "L", "Type": "Lambda", "Arguments": {}, "OutputParameters": [{"OutputName": "n", "OutputType": "Integer"}, {"OutputName": "s", "OutputType": "String"}]});
        assert!(types(
            &[lambda.clone(), job(json!({"Get": "Steps.L.OutputParameters['n']"}))],
            &params
        )
        .is_empty());
        assert_eq!(
            types(&[lambda, job(json!({"Get": "Steps.L.OutputParameters['s']"}))], &params).len(),
            1,
            "a String Lambda output"
        );
        for ok in [
            json!({"Get": "Parameters.Count"}),
            json!(2),
            json!({"Get": "Steps.X.ProcessingResources.ClusterConfig.InstanceCount"}),
        ] {
            assert!(types(&[job(ok.clone())], &params).is_empty(), "{ok}");
        }
        let cond = |ty: &str, left: &str| json!({"Name": "C", "Type": "Condition", "Arguments": {"Conditions": [{"Type": "Not", "Condition": {"Type": ty, "LeftValue": {"Get": left}, "RightValue": 1}}], "IfSteps": [job(json!({"Get": "Parameters.Flag"}))], "ElseSteps": []}});
        let p = types(&[cond("GreaterThanOrEqualTo", "Parameters.Name")], &params);
        assert_eq!(p.len(), 2, "the comparison and the branch step's InstanceCount: {p:?}");
        assert!(
            p.iter().any(|(s, d)| s.contains("compares a String with >=")
                && d.starts_with("Arguments.Conditions[0].Condition.LeftValue")),
            "{p:?}"
        );
        assert!(types(&[cond("LessThan", "Parameters.Flag")], &params)
            .iter()
            .any(|(s, _)| s.contains("compares a Boolean with <")));
        // == on a string is fine (against the number 1 it only warns, see below).
        let p = types(&[cond("Equals", "Parameters.Name")], &params);
        assert_eq!(p.iter().filter(|(s, _)| !s.ends_with("with a number")).count(), 1, "{p:?}");
        assert_eq!(
            types(&[cond("GreaterThan", "Parameters.Ratio")], &params).len(),
            1,
            "> on a Float is fine"
        );
    }

    /// Trial finding: `{{ Parameters.Register }} == "true"` on a Boolean parameter passed, and
    /// is never true. `==` and `in` between a typed reference and a literal of another type
    /// warn; matching types, and untyped references (step properties), do not.
    #[test]
    fn equality_with_a_literal_of_another_type_warns() {
        let params = [("Flag", "Boolean"), ("Count", "Integer"), ("Mode", "String")];
        let cond = |c: Json| json!({"Name": "C", "Type": "Condition", "Arguments": {"Conditions": [c], "IfSteps": [], "ElseSteps": []}});
        let eq =
            |l: Json, r: Json| cond(json!({"Type": "Equals", "LeftValue": l, "RightValue": r}));
        let get = |p: &str| json!({"Get": p});
        let warned = |steps: &[Json]| {
            let mut d = Diagnostics::new();
            check_types(steps, &typed(&params), test_types, &mut d);
            assert!(!d.has_errors(), "warnings only: {d:?}");
            d.iter().map(|d| (d.summary.clone(), d.detail.clone())).collect::<Vec<_>>()
        };
        let w = warned(&[eq(get("Parameters.Flag"), json!("true"))]);
        assert_eq!(w.len(), 1, "{w:?}");
        assert_eq!(w[0].0, "Condition \"C\" compares a Boolean with text");
        assert!(
            w[0].1.starts_with("Arguments.Conditions[0].RightValue is \"true\", text, and the value it is compared with, {{ Parameters.Flag }}, is a Boolean")
                && w[0].1.ends_with("To compare with a Boolean, write true or false, without quotes."),
            "{w:?}"
        );
        let w = warned(&[eq(json!(3), get("Parameters.Mode"))]);
        assert!(
            w.len() == 1
                && w[0].1.starts_with("Arguments.Conditions[0].LeftValue is 3,")
                && w[0].1.contains("quote the value, e.g. \"3\""),
            "{w:?}"
        );
        let w = warned(&[cond(
            json!({"Type": "In", "QueryValue": get("Parameters.Count"), "Values": [1, "2"]}),
        )]);
        assert!(
            w.len() == 1 && w[0].1.starts_with("Arguments.Conditions[0].Values[1] is"),
            "{w:?}"
        );
        let w = warned(&[eq(get("Parameters.Count"), json!(1.5))]);
        assert_eq!(w.len(), 1, "{w:?}");
        assert_eq!(w[0].0, "Condition \"C\" compares an Integer with 1.5");
        assert!(w[0].1.contains("declare the parameter with type = \"Float\""), "{w:?}");
        for fine in [
            eq(get("Parameters.Flag"), json!(true)),
            eq(get("Parameters.Count"), json!(3)),
            eq(get("Parameters.Mode"), json!("3")),
            eq(get("Steps.X.ProcessingJobStatus"), json!("Completed")),
            eq(
                json!({"Std:JsonGet": {"PropertyFile": get("Steps.E.PropertyFiles.R"), "Path": "a"}}),
                json!("x"),
            ),
        ] {
            assert!(warned(std::slice::from_ref(&fine)).is_empty(), "{fine}");
        }
    }

    /// A String parameter that fills or starts an S3 field: its default and enum values must
    /// be S3 locations (an execution that takes them fails); a number in an S3 field is a type
    /// error. Parameters elsewhere, and empty defaults, are left alone.
    #[test]
    fn parameters_in_s3_fields_hold_s3_locations() {
        let run = |steps: &[Json], params: &[(&str, &str, Option<&str>, &[&str])]| {
            let facts = params.iter().enumerate().map(|(index, (n, t, d, e))| {
                let facts = ParamFacts {
                    index,
                    type_name: t.to_string(),
                    default: d.map(str::to_string),
                    enum_values: e.iter().map(|v| v.to_string()).collect(),
                };
                (n.to_string(), facts)
            });
            let mut d = Diagnostics::new();
            check_types(steps, &facts.collect(), test_types, &mut d);
            d.iter()
                .map(|d| {
                    (
                        d.path.as_ref().map(ToString::to_string).unwrap_or_default(),
                        d.summary.clone(),
                        d.detail.clone(),
                    )
                })
                .collect::<Vec<_>>()
        };
        let input = |uri: Json| json!({"Name": "Prep", "Type": "Processing", "Arguments": {"ProcessingInputs": [{"InputName": "in", "S3Input": {"S3Uri": uri}}], "Environment": {"S3Uri": {"Get": "Parameters.Raw"}}}});
        let whole = json!({"Get": "Parameters.Raw"});
        let start = json!({"Std:Join": {"On": "", "Values": [{"Get": "Parameters.Raw"}, "/x"]}});
        let inside =
            json!({"Std:Join": {"On": "", "Values": ["s3://acme/", {"Get": "Parameters.Raw"}]}});

        let p = run(&[input(whole.clone())], &[("Raw", "String", Some("acme-ml/raw"), &[])]);
        assert_eq!(p.len(), 1, "{p:?}");
        assert_eq!(p[0].0, "parameter[0].default");
        assert_eq!(p[0].1, "Default \"acme-ml/raw\" of parameter \"Raw\" is not an S3 location");
        assert_eq!(
            p[0].2,
            "The step \"Prep\" uses {{ Parameters.Raw }} as Arguments.ProcessingInputs[0].S3Input.S3Uri, which takes an S3 URI: \"acme-ml/raw\" does not start with s3://. An execution that takes this value fails. Use a value such as \"s3://acme-ml/raw\"."
        );
        // At the start of a Join, the value is judged with what follows it; in the middle,
        // anything goes.
        let raw = |d: &'static str| [("Raw", "String", Some(d), &[] as &[&str])];
        assert!(run(&[input(start.clone())], &raw("s3://acme")).is_empty());
        let p = run(&[input(start.clone())], &raw("acme"));
        assert_eq!(p.len(), 1, "{p:?}");
        assert!(p[0].2.contains(" at the start of Arguments.ProcessingInputs[0].S3Input.S3Uri, which takes an S3 URI, so the URI begins with this value: \"acme/x\" does not start with s3://."), "{p:?}");
        assert_eq!(run(&[input(start)], &raw("s3://")).len(), 1, "s3:///x has no bucket");
        assert!(run(&[input(inside)], &raw("raw")).is_empty());
        // The SDK's Join(on="/", ...): the separator is part of what follows.
        let slash = |rest: Json| json!({"Std:Join": {"On": "/", "Values": [{"Get": "Parameters.Raw"}, rest]}});
        assert!(run(&[input(slash(json!("x")))], &raw("s3:/")).is_empty(), "s3://x");
        assert!(run(
            &[input(slash(json!({"Get": "Execution.PipelineExecutionId"})))],
            &raw("s3://acme")
        )
        .is_empty());
        assert_eq!(run(&[input(slash(json!("x")))], &raw("acme")).len(), 1);
        // A one-value Join (the SDK's text conversion) is the whole value.
        let one = json!({"Std:Join": {"On": "", "Values": [{"Get": "Parameters.Raw"}]}});
        let p = run(&[input(one)], &raw("s3://"));
        assert!(p.len() == 1 && p[0].2.contains(" as Arguments."), "{p:?}");
        // A branch step is named with its condition.
        let cond = json!({"Name": "Check", "Type": "Condition", "Arguments": {"Conditions": [], "IfSteps": [input(whole.clone())], "ElseSteps": []}});
        let p = run(&[cond], &raw("raw"));
        assert!(
            p.len() == 1 && p[0].2.starts_with("The step \"Prep\" (in condition \"Check\") uses"),
            "{p:?}"
        );
        // `query` is an S3 field only in EMR Serverless' Hive job driver.
        let job = |at: &str| json!({"Name": "E", "Type": "EMRServerless", "Arguments": {"JobConfig": {"jobDriver": {at: {"query": whole.clone()}}}, "Other": {"query": whole.clone()}}});
        assert_eq!(run(&[job("hive")], &raw("SELECT 1")).len(), 1);
        assert!(run(&[job("sparkSubmit")], &raw("SELECT 1")).is_empty());
        // Enum values too, each at enum_values; an empty default and a valid one pass.
        let p = run(&[input(whole.clone())], &[("Raw", "String", Some(""), &["s3://a/b", "b/c"])]);
        assert_eq!(p.len(), 1, "{p:?}");
        assert_eq!(
            (p[0].0.as_str(), p[0].1.as_str()),
            (
                "parameter[0].enum_values",
                "Value \"b/c\" of parameter \"Raw\" is not an S3 location"
            )
        );
        assert!(
            run(&[input(whole.clone())], &[("Raw", "String", Some("s3://a/b"), &[])]).is_empty()
        );
        // A Lambda function's inputs are named by the user: an input called S3Uri (or
        // InstanceCount) is not the API field.
        let lambda = json!({"Name": "L", "Type": "Lambda", "Arguments": {"S3Uri": whole.clone(), "InstanceCount": whole.clone()}});
        assert!(run(&[lambda], &[("Raw", "String", Some("raw"), &[])]).is_empty());
        // Judged once, however many fields the parameter fills.
        let two = json!({"Name": "Prep", "Type": "Processing", "Arguments": {"ProcessingInputs": [{"S3Input": {"S3Uri": whole.clone()}}, {"S3Input": {"S3Uri": whole.clone()}}]}});
        assert_eq!(run(&[two], &[("Raw", "String", Some("raw"), &[])]).len(), 1);
        // A number in an S3 field is a type error, whatever its default.
        let p = run(&[input(whole)], &[("Raw", "Integer", Some("3"), &[])]);
        assert!(
            p.len() == 1 && p[0].1 == "Step \"Prep\" fills S3Uri with an Integer value",
            "{p:?}"
        );
    }

    #[test]
    fn cycle_is_printed() {
        let mut e = Edges::default();
        e.add("A", "B");
        e.add("B", "C");
        e.add("C", "D");
        let mut no_cycle = Edges::default();
        for (a, b) in [("A", "B"), ("B", "C"), ("C", "D"), ("A", "C"), ("A", "B")] {
            no_cycle.add(a, b);
        }
        assert!(find_cycle(&no_cycle).is_none());
        e.add("C", "A");
        let c = find_cycle(&e).expect("cycle");
        assert_eq!(c, ["A", "B", "C", "A"]);
        // Added in another order, the same cycle is reported.
        let mut f = Edges::default();
        for (a, b) in [("C", "A"), ("C", "D"), ("B", "C"), ("A", "B")] {
            f.add(a, b);
        }
        assert_eq!(find_cycle(&f).expect("cycle"), c);
    }

    /// Fresh-eyes finding: a reference in a condition was located as `Arguments.Conditions.[0]`.
    #[test]
    fn locations_have_no_dot_before_an_index() {
        let step = json!({"Name": "C", "Type": "Condition", "Arguments": {"Conditions": [{"Type": "Equals", "LeftValue": {"Get": "Parameters.P"}, "RightValue": 1}], "IfSteps": [], "ElseSteps": []}});
        let mut found = Vec::new();
        own_references(&step, &mut found);
        assert_eq!(
            found.iter().map(|(_, at)| at.as_str()).collect::<Vec<_>>(),
            vec!["Arguments.Conditions[0].LeftValue"]
        );
    }
}
