//! Whole-pipeline assembly and validation: `dependencies` chains, `step_defaults`, and the
//! offline checks of the DAG that SageMaker (or worse, a running execution) would otherwise
//! report much later.
//!
//! Checks, all collected at once: duplicate step names anywhere (including condition branches),
//! a step listed both top-level and in a branch, references to missing steps, undeclared
//! parameters, property paths that do not exist on the referenced step's type, property files
//! not declared by a Processing step, Fail steps referenced or depended upon, and cycles (the
//! message prints the cycle).
//!
//! Pure: no IO, never sees unknown values. Diagnostics point at `steps[i]` (the top-level
//! element the problem is in) or `dependencies[i]`, with a detail naming the nested step and
//! the JSON field.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{json, Map, Value as Json};

use super::expr::{self, Reference};
use super::properties;
use crate::framework::{AttrPath, Diagnostics};

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
    /// `Some(condition name)` for branch steps.
    parent: Option<String>,
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

fn collect<'a>(step: &'a Json, top: usize, parent: Option<String>, out: &mut Vec<Found<'a>>) {
    out.push(Found { step, top, parent });
    if type_of(step) == "Condition" {
        let me = name_of(step).to_string();
        for child in branches(step) {
            collect(child, top, Some(me.clone()), out);
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
            inner.split(',').map(|n| n.trim().trim_matches('"').to_string()).filter(|n| !n.is_empty()).collect()
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

/// Adds `dependencies` chains to the steps' `DependsOn`.
pub fn apply_dependencies(steps: &mut [Json], chains: &[String], diags: &mut Diagnostics) {
    for (i, chain) in chains.iter().enumerate() {
        let path = AttrPath::root("dependencies").index(i);
        let edges = match parse_chain(chain) {
            Ok(e) => e,
            Err(why) => {
                diags.error_at(path, "Invalid dependency chain", why);
                continue;
            }
        };
        let known: BTreeSet<String> = all_names(steps);
        for (up, down) in edges {
            for n in [&up, &down] {
                if !known.contains(n.as_str()) {
                    diags.error_at(
                        path.clone(),
                        format!("Dependency on unknown step {n:?}"),
                        format!("{chain:?} names {n:?}, which is not a step of this pipeline. Steps: {:?}.", known),
                    );
                }
            }
            add_dependency(steps, &down, &up);
        }
    }
}

fn all_names(steps: &[Json]) -> BTreeSet<String> {
    let mut found = Vec::new();
    for (i, s) in steps.iter().enumerate() {
        collect(s, i, None, &mut found);
    }
    found.iter().map(|f| name_of(f.step).to_string()).collect()
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

/// Fills `step_defaults` into every step (recursively into condition branches).
pub fn apply_defaults(steps: &mut [Json], d: &StepDefaults) {
    for s in steps.iter_mut() {
        let ty = type_of(s).to_string();
        if let Some(args) = s.get_mut("Arguments").and_then(Json::as_object_mut) {
            fill(&ty, args, d);
            if ty == "Condition" {
                for k in ["IfSteps", "ElseSteps"] {
                    if let Some(Json::Array(children)) = args.get_mut(k) {
                        apply_defaults(children, d);
                    }
                }
            }
        }
    }
}

fn set_default(obj: &mut Map<String, Json>, key: &str, v: &Option<String>) {
    if let Some(v) = v {
        obj.entry(key.to_string()).or_insert_with(|| expr::compile_string(v).unwrap_or_else(|_| Json::String(v.clone())));
    }
}

fn child<'a>(obj: &'a mut Map<String, Json>, key: &str) -> &'a mut Map<String, Json> {
    let e = obj.entry(key.to_string()).or_insert_with(|| json!({}));
    if !e.is_object() {
        *e = json!({});
    }
    e.as_object_mut().expect("just made an object")
}

fn vpc(d: &StepDefaults) -> Option<Json> {
    (!d.subnets.is_empty() || !d.security_group_ids.is_empty())
        .then(|| json!({"SecurityGroupIds": d.security_group_ids, "Subnets": d.subnets}))
}

fn fill(ty: &str, args: &mut Map<String, Json>, d: &StepDefaults) {
    let job_tags = matches!(ty, "Processing" | "Training" | "Transform" | "Tuning" | "Model" | "RegisterModel");
    match ty {
        "Processing" => {
            set_default(args, "RoleArn", &d.role_arn);
            let net = child(args, "NetworkConfig");
            if let Some(b) = d.enable_network_isolation {
                net.entry("EnableNetworkIsolation").or_insert(Json::Bool(b));
            }
            if let Some(v) = vpc(d) {
                net.entry("VpcConfig").or_insert(v);
            }
            if net.is_empty() {
                args.remove("NetworkConfig");
            }
            if let Some(cluster) = args.get_mut("ProcessingResources").and_then(|r| r.get_mut("ClusterConfig")).and_then(Json::as_object_mut) {
                set_default(cluster, "VolumeKmsKeyId", &d.volume_kms_key_id);
            }
            if let Some(out) = args.get_mut("ProcessingOutputConfig").and_then(Json::as_object_mut) {
                set_default(out, "KmsKeyId", &d.output_kms_key_id);
            }
        }
        "Training" => {
            set_default(args, "RoleArn", &d.role_arn);
            if let Some(b) = d.enable_network_isolation {
                args.entry("EnableNetworkIsolation").or_insert(Json::Bool(b));
            }
            if let Some(v) = vpc(d) {
                args.entry("VpcConfig").or_insert(v);
            }
            set_default(child(args, "ResourceConfig"), "VolumeKmsKeyId", &d.volume_kms_key_id);
            set_default(child(args, "OutputDataConfig"), "KmsKeyId", &d.output_kms_key_id);
        }
        "Model" => {
            set_default(args, "ExecutionRoleArn", &d.role_arn);
            if d.enable_network_isolation == Some(true) {
                args.entry("EnableNetworkIsolation").or_insert(Json::Bool(true));
            }
            if let Some(v) = vpc(d) {
                args.entry("VpcConfig").or_insert(v);
            }
        }
        "Transform" => {
            if let Some(r) = args.get_mut("TransformResources").and_then(Json::as_object_mut) {
                set_default(r, "VolumeKmsKeyId", &d.volume_kms_key_id);
            }
            if let Some(o) = args.get_mut("TransformOutput").and_then(Json::as_object_mut) {
                set_default(o, "KmsKeyId", &d.output_kms_key_id);
            }
        }
        "Tuning" => {
            if let Some(t) = args.get_mut("TrainingJobDefinition").and_then(Json::as_object_mut) {
                set_default(t, "RoleArn", &d.role_arn);
                if let Some(b) = d.enable_network_isolation {
                    t.entry("EnableNetworkIsolation").or_insert(Json::Bool(b));
                }
                if let Some(v) = vpc(d) {
                    t.entry("VpcConfig").or_insert(v);
                }
                set_default(child(t, "ResourceConfig"), "VolumeKmsKeyId", &d.volume_kms_key_id);
                set_default(child(t, "OutputDataConfig"), "KmsKeyId", &d.output_kms_key_id);
            }
        }
        "QualityCheck" | "ClarifyCheck" => {
            set_default(args, "RoleArn", &d.role_arn);
            if let Some(cluster) = args.get_mut("ProcessingResources").and_then(|r| r.get_mut("ClusterConfig")).and_then(Json::as_object_mut) {
                set_default(cluster, "VolumeKmsKeyId", &d.volume_kms_key_id);
            }
        }
        _ => {}
    }
    if job_tags && !d.tags.is_empty() {
        // A step's own tags win per key.
        let mut merged: BTreeMap<String, Json> = d.tags.iter().map(|(k, v)| (k.clone(), Json::String(v.clone()))).collect();
        if let Some(Json::Array(own)) = args.get("Tags") {
            for t in own {
                if let (Some(k), Some(v)) = (t.get("Key").and_then(Json::as_str), t.get("Value")) {
                    merged.insert(k.to_string(), v.clone());
                }
            }
        }
        args.insert("Tags".into(), Json::Array(merged.into_iter().map(|(k, v)| json!({"Key": k, "Value": v})).collect()));
    }
}

/// The string maps where the SDK converts non-string references to strings (`to_string`).
const STRING_MAPS: [&str; 3] = ["HyperParameters", "Environment", "StaticHyperParameters"];

/// Step compilers wrap every parameter reference in a string map into a one-value `Std:Join`
/// (the SDK's `to_string`), since a step does not know parameter types. A String parameter
/// needs no conversion, and the SDK leaves it bare: undo the wrapping for those.
pub fn unwrap_string_parameters(v: &mut Json, string_params: &BTreeSet<String>) {
    match v {
        Json::Object(obj) => {
            for (k, child) in obj.iter_mut() {
                if STRING_MAPS.contains(&k.as_str()) {
                    if let Json::Object(map) = child {
                        for value in map.values_mut() {
                            if let Some(inner) = single_parameter_join(value, string_params) {
                                *value = inner;
                            }
                        }
                    }
                }
                unwrap_string_parameters(child, string_params);
            }
        }
        Json::Array(items) => items.iter_mut().for_each(|i| unwrap_string_parameters(i, string_params)),
        _ => {}
    }
}

fn single_parameter_join(v: &Json, string_params: &BTreeSet<String>) -> Option<Json> {
    let join = v.get("Std:Join")?;
    if join.get("On").and_then(Json::as_str) != Some("") {
        return None;
    }
    let [only] = join.get("Values")?.as_array()?.as_slice() else { return None };
    let name = only.get("Get")?.as_str()?.strip_prefix("Parameters.")?;
    string_params.contains(name).then(|| only.clone())
}

/// Required-by-the-API settings that may come from `step_defaults`, checked after defaults are
/// applied: a job step without a role cannot run.
fn check_required(f: &Found, diags: &mut Diagnostics) {
    let args = f.step.get("Arguments");
    let missing_role = match type_of(f.step) {
        "Processing" | "Training" | "QualityCheck" | "ClarifyCheck" => args.and_then(|a| a.get("RoleArn")).is_none(),
        "Model" => args.and_then(|a| a.get("ExecutionRoleArn")).is_none(),
        "Tuning" => args.and_then(|a| a.get("TrainingJobDefinition")).and_then(|t| t.get("RoleArn")).is_none(),
        _ => false,
    };
    if missing_role {
        diags.error_at(
            steps_path(f.top),
            format!("Step {:?} has no IAM role", name_of(f.step)),
            "Set role_arn on the step, or step_defaults { role_arn = ... } on the pipeline.",
        );
    }
}

/// Validates the whole DAG. `parameters` are the declared parameter names.
pub fn validate(steps: &[Json], parameters: &BTreeSet<String>, diags: &mut Diagnostics) {
    let mut found = Vec::new();
    for (i, s) in steps.iter().enumerate() {
        collect(s, i, None, &mut found);
    }
    // Names: unique everywhere; a branch step must not also be top-level.
    let mut by_name: BTreeMap<&str, &Found> = BTreeMap::new();
    for f in &found {
        let name = name_of(f.step);
        if let Some(first) = by_name.get(name) {
            let (summary, detail) = match (&first.parent, &f.parent) {
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
            by_name.insert(name, f);
        }
        check_required(f, diags);
    }

    // References and explicit dependencies.
    let mut edges: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for f in &found {
        let me = name_of(f.step).to_string();
        let at = steps_path(f.top);
        let ctx = if f.parent.is_some() { format!("step {me:?} (in condition {:?})", f.parent.as_deref().unwrap_or("")) } else { format!("step {me:?}") };
        if let Some(deps) = f.step.get("DependsOn").and_then(Json::as_array) {
            for d in deps.iter().filter_map(Json::as_str) {
                match by_name.get(d) {
                    None => diags.error_at(
                        at.clone(),
                        format!("{ctx} depends on unknown step {d:?}"),
                        format!("Add {d:?} to the pipeline's steps, or remove it from depends_on_steps/dependencies."),
                    ),
                    Some(t) if type_of(t.step) == "Fail" => diags.error_at(
                        at.clone(),
                        format!("{ctx} depends on Fail step {d:?}"),
                        "A Fail step ends the execution; nothing can run after it. Remove the dependency.",
                    ),
                    Some(_) => {
                        edges.entry(me.clone()).or_default().insert(d.to_string());
                    }
                }
            }
        }
        // Only this step's own arguments: nested branch steps are checked as steps themselves.
        let mut refs = Vec::new();
        own_references(f.step, &mut refs);
        if type_of(f.step) == "Condition" {
            for child in branches(f.step) {
                edges.entry(name_of(child).to_string()).or_default().insert(me.clone());
            }
        }
        for (r, field) in refs {
            check_reference(&r, &field, &ctx, &at, &me, &by_name, parameters, &mut edges, diags);
        }
    }
    if let Some(cycle) = find_cycle(&edges) {
        diags.error_at(
            AttrPath::root("steps"),
            "The pipeline's steps form a cycle",
            format!("{} — each step waits for the next one. Remove one of these dependencies or references.", cycle.join(" -> ")),
        );
    }
}

#[allow(clippy::too_many_arguments)]
fn check_reference(
    r: &Reference,
    field: &str,
    ctx: &str,
    at: &AttrPath,
    me: &str,
    by_name: &BTreeMap<&str, &Found>,
    parameters: &BTreeSet<String>,
    edges: &mut BTreeMap<String, BTreeSet<String>>,
    diags: &mut Diagnostics,
) {
    match r {
        Reference::Parameter(p) if !parameters.contains(p) => diags.error_at(
            at.clone(),
            format!("{ctx} references undeclared parameter {p:?}"),
            format!("{field} uses {{{{ Parameters.{p} }}}}. Declare it with a parameter {{ name = \"{p}\" ... }} block on the pipeline. Declared: {parameters:?}."),
        ),
        Reference::Step { step, path } | Reference::PropertyFile { step, file: path, .. } => {
            let Some(target) = by_name.get(step.as_str()) else {
                diags.error_at(
                    at.clone(),
                    format!("{ctx} references unknown step {step:?}"),
                    format!("{field} refers to Steps.{step}, which is not in this pipeline. Add that step to steps (or a condition branch), or fix the name."),
                );
                return;
            };
            let ty = type_of(target.step);
            if ty == "Fail" {
                diags.error_at(at.clone(), format!("{ctx} references Fail step {step:?}"), "A Fail step has no properties and ends the execution; it cannot be referenced.");
                return;
            }
            if step == me {
                diags.error_at(at.clone(), format!("{ctx} references itself"), format!("{field} refers to the step's own properties, which do not exist until it has run."));
                return;
            }
            if let Reference::PropertyFile { file, .. } = r {
                let declared = target
                    .step
                    .get("PropertyFiles")
                    .and_then(Json::as_array)
                    .is_some_and(|fs| fs.iter().any(|f| f.get("PropertyFileName").and_then(Json::as_str) == Some(file)));
                if ty != "Processing" || !declared {
                    diags.error_at(
                        at.clone(),
                        format!("{ctx} reads property file {file:?}, which step {step:?} does not declare"),
                        format!("Declare it on the processing step {step:?}: property_file {{ name = \"{file}\" output_name = \"...\" path = \"evaluation.json\" }}."),
                    );
                }
            } else if let Err(why) = properties::check_property_path(ty, path) {
                diags.error_at(at.clone(), format!("{ctx} references a property {ty} steps do not have"), format!("{field}: Steps.{step}.{path}: {why}"));
            }
            edges.entry(me.to_string()).or_default().insert(step.clone());
        }
        _ => {}
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
                for (ak, av) in args.iter().filter(|(ak, _)| *ak != "IfSteps" && *ak != "ElseSteps") {
                    let mut inner = Vec::new();
                    expr::collect_references(av, &mut inner);
                    found.extend(inner.into_iter().map(|(r, at)| (r, if at.is_empty() { ak.clone() } else { format!("{ak}.{at}") })));
                }
            }
            _ => expr::collect_references(v, &mut found),
        }
        out.extend(found.into_iter().map(|(r, at)| (r, if at.is_empty() { k.clone() } else { format!("{k}.{at}") })));
    }
}

/// A cycle in `edges` (step -> the steps it waits for), as a closed path of names.
fn find_cycle(edges: &BTreeMap<String, BTreeSet<String>>) -> Option<Vec<String>> {
    #[derive(Clone, Copy, PartialEq)]
    enum Mark {
        Active,
        Done,
    }
    let mut marks: BTreeMap<&str, Mark> = BTreeMap::new();
    for start in edges.keys() {
        if marks.contains_key(start.as_str()) {
            continue;
        }
        // Iterative DFS: (node, iterator over its successors), plus the active path.
        let mut stack: Vec<(&str, Vec<&str>)> = vec![(start, edges[start].iter().map(String::as_str).collect())];
        marks.insert(start, Mark::Active);
        while let Some((node, next)) = stack.last_mut() {
            match next.pop() {
                Some(succ) => match marks.get(succ) {
                    Some(Mark::Active) => {
                        let mut cycle: Vec<String> = stack.iter().map(|(n, _)| n.to_string()).collect();
                        let from = cycle.iter().position(|n| n == succ).unwrap_or(0);
                        cycle.drain(..from);
                        cycle.push(succ.to_string());
                        return Some(cycle);
                    }
                    Some(Mark::Done) => {}
                    None => {
                        marks.insert(succ, Mark::Active);
                        let succs = edges.get(succ).map(|s| s.iter().map(String::as_str).collect()).unwrap_or_default();
                        stack.push((succ, succs));
                    }
                },
                None => {
                    marks.insert(node, Mark::Done);
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

    #[test]
    fn chains_parse_into_edges() {
        assert_eq!(parse_chain("A >> B >> C").expect("ok"), vec![("A".into(), "B".into()), ("B".into(), "C".into())]);
        assert_eq!(parse_chain("A >> [B, C]").expect("ok").len(), 2);
        assert!(parse_chain("A").is_err());
        assert!(parse_chain("A >> >> B").is_err());
    }

    #[test]
    fn cycle_is_printed() {
        let mut e: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        e.entry("A".into()).or_default().insert("B".into());
        e.entry("B".into()).or_default().insert("C".into());
        e.entry("C".into()).or_default().insert("A".into());
        let c = find_cycle(&e).expect("cycle");
        assert_eq!(c.first(), c.last());
        assert_eq!(c.len(), 4);
        e.entry("C".into()).or_default().remove("A");
        assert!(find_cycle(&e).is_none());
    }
}
