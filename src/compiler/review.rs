//! A reviewer's summary of a definition change: which steps change, which of their fields, and
//! which steps' cached results a run will no longer reuse. The pipeline resource shows it as one
//! warning in the plan (docs/design/0003-reviewable-plans.md), so a pull request's plan says in a
//! few lines what the diff above it shows in detail.
//!
//! Which cached results are lost follows SageMaker's documented cache key of each step type
//! (`StepTypeFacts::cache_key`): a change of the role, instance type or tags keeps a result;
//! a changed parameter default that a key field reads loses it; a miss passes on to the steps
//! that read the step's properties, not through `DependsOn`.
//!
//! Pure: works on the named parts of two definitions (`parts`), with `semantic` to pair renamed
//! steps. Never fails: parts that are not JSON compare as whole texts.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value as Json;

use super::{semantic, StepTypes};

const STEP_PREFIX: &str = "Steps.";
/// At most this many changed fields are listed per step; the rest are counted.
const MAX_FIELDS: usize = 4;

/// The summary lines, or `None` when the two definitions have the same parts.
pub fn summarize(
    prior: &BTreeMap<String, String>,
    planned: &BTreeMap<String, String>,
    types: StepTypes,
) -> Option<String> {
    let mut lines = Vec::new();
    // Every step by name, branch steps included, on both sides: a change inside a condition's
    // branch is a change of that branch step (and of the condition holding it).
    let (before_steps, after_steps) = (all_steps(prior), all_steps(planned));
    let mut changed_steps: BTreeSet<String> = before_steps
        .keys()
        .chain(after_steps.keys())
        .filter(|n| before_steps.get(*n) != after_steps.get(*n))
        .cloned()
        .collect();
    let keys: BTreeSet<&String> = prior.keys().chain(planned.keys()).collect();
    let renamed = renamed_steps(prior, planned);
    for key in keys {
        let (before, after) = (prior.get(key), planned.get(key));
        if before == after || key.as_str() == "Steps" {
            continue;
        }
        if let Some(new_name) = renamed.get(key.as_str()) {
            let old_name = &key[STEP_PREFIX.len()..];
            changed_steps.insert(old_name.to_string());
            lines.push(format!("- step {old_name}: renamed to {new_name}"));
            continue;
        }
        if renamed.values().any(|n| key.strip_prefix(STEP_PREFIX) == Some(*n)) {
            continue; // shown as the rename of the step it was
        }
        let label = match key.strip_prefix(STEP_PREFIX) {
            Some(name) => {
                changed_steps.insert(name.to_string());
                format!("step {name}")
            }
            None => key.clone(),
        };
        // A top-level step moved into a condition's branch, or out of one, is still there.
        let step_name = key.strip_prefix(STEP_PREFIX);
        let moved = match (before, after, step_name) {
            (Some(_), None, Some(name)) => branch_of(planned, name)
                .map(|(c, b)| (name, format!("moved into the {b} branch of condition {c}"))),
            (None, Some(_), Some(name)) => branch_of(prior, name)
                .map(|(c, b)| (name, format!("moved out of the {b} branch of condition {c}"))),
            _ => None,
        };
        if let Some((name, how)) = moved {
            let mut fields = Vec::new();
            if let (Some(b), Some(a)) = (before_steps.get(name), after_steps.get(name)) {
                changed_paths(b, a, String::new(), "(whole step)", &mut fields);
            }
            lines.push(match fields.as_slice() {
                [] => format!("- {label}: {how}, unchanged"),
                _ => format!("- {label}: {how}, and changed: {}", shown_fields(&mut fields)),
            });
            continue;
        }
        match (before, after) {
            (None, Some(_)) => lines.push(format!("- {label}: added")),
            (Some(_), None) => lines.push(format!("- {label}: removed")),
            (Some(b), Some(a)) => {
                let mut fields = Vec::new();
                match (serde_json::from_str::<Json>(b), serde_json::from_str::<Json>(a)) {
                    (Ok(b), Ok(a)) => {
                        let whole = if key.starts_with(STEP_PREFIX) {
                            "(whole step)"
                        } else {
                            "(whole value)"
                        };
                        changed_paths(&b, &a, String::new(), whole, &mut fields)
                    }
                    _ => fields.push(String::from("(whole text)")),
                }
                let readers = if key.as_str() == "Parameters" {
                    parameter_readers(&fields, &after_steps)
                } else {
                    String::new()
                };
                lines.push(format!("- {label}: {}{readers}", shown_fields(&mut fields)));
            }
            (None, None) => {}
        }
    }
    if lines.is_empty() {
        return None;
    }
    let rerun = cache_misses(prior, planned, &changed_steps, types);
    if !rerun.is_empty() {
        lines.push(format!(
            "Cached results no longer reused (caching is on, and the step's cache key, a parameter default it reads, or a step it reads from changed): {}.",
            rerun.into_iter().collect::<Vec<_>>().join(", ")
        ));
    }
    Some(lines.join("\n"))
}

/// The summary when some steps' JSON is not known at plan (a step resource uses a value another
/// resource produces in the same apply): the definition is then planned unknown, and Terraform
/// prints the whole deployed one as replaced by `(known after apply)`. This names what is known:
/// each of `config` (the `steps` list; `None` for an unknown element) against `prior` (the
/// `steps` texts of the last apply), matched by step name. `None` when every step is known.
pub fn summarize_known_steps(prior: &[String], config: &[Option<String>]) -> Option<String> {
    if config.iter().all(Option::is_some) {
        return None;
    }
    let name_of = |j: &Json| j.get("Name").and_then(Json::as_str).map(str::to_string);
    let prior: BTreeMap<String, Json> = prior
        .iter()
        .filter_map(|t| serde_json::from_str::<Json>(t).ok())
        .filter_map(|j| Some((name_of(&j)?, j)))
        .collect();
    let (mut lines, mut unchanged, mut seen) = (Vec::new(), Vec::new(), BTreeSet::new());
    for (i, text) in config.iter().enumerate() {
        let Some(step) = text.as_deref().and_then(|t| serde_json::from_str::<Json>(t).ok()) else {
            if text.is_none() {
                lines.push(format!("- steps[{i}]: known after apply"));
            }
            continue;
        };
        let Some(name) = name_of(&step) else { continue };
        seen.insert(name.clone());
        match prior.get(&name) {
            None => lines.push(format!("- step {name}: added")),
            Some(before) => {
                let mut fields = Vec::new();
                changed_paths(before, &step, String::new(), "(whole step)", &mut fields);
                if fields.is_empty() {
                    unchanged.push(name);
                } else {
                    lines.push(format!("- step {name}: {}", shown_fields(&mut fields)));
                }
            }
        }
    }
    if !unchanged.is_empty() {
        lines.push(format!("- unchanged: {}", unchanged.join(", ")));
    }
    let missing: Vec<&str> =
        prior.keys().filter(|n| !seen.contains(*n)).map(String::as_str).collect();
    if !missing.is_empty() {
        lines.push(format!(
            "- not among the known steps: {} ({} one of the steps known after apply, or removed)",
            missing.join(", "),
            if missing.len() == 1 { "it is" } else { "each is" }
        ));
    }
    Some(lines.join("\n"))
}

/// The summary with each line about a part in `edited` (part keys: `Steps.<name>`,
/// `Parameters`, ...) marked as an edit made outside Terraform that the plan overwrites. On
/// Terraform >= 1.2 the plan shows such a change only as a diff back to the configuration,
/// which reads like a configuration change (fresh-eyes finding); the mark tells them apart.
pub fn mark_edited_outside(summary: &str, edited: &BTreeSet<String>) -> String {
    summary
        .lines()
        .map(|line| {
            let key = line
                .strip_prefix("- ")
                .and_then(|rest| rest.split_once(": "))
                .map(|(label, _)| match label.strip_prefix("step ") {
                    Some(name) => format!("{STEP_PREFIX}{name}"),
                    None => label.to_string(),
                });
            match key {
                Some(k) if edited.contains(&k) => {
                    format!("{line} (edited outside Terraform since the last apply; applying overwrites that edit)")
                }
                _ => line.to_string(),
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// The changed fields as listed: a step's own fields (Type, CheckType, DependsOn) before the
/// deeper ones, so that the most telling change is not among those only counted; at most
/// [`MAX_FIELDS`], then how many more.
fn shown_fields(fields: &mut [String]) -> String {
    fields.sort_by_key(|f| f.matches(['.', '[']).count());
    let shown: Vec<&str> = fields.iter().take(MAX_FIELDS).map(String::as_str).collect();
    let more = fields.len().saturating_sub(MAX_FIELDS);
    let tail = if more > 0 { format!(" and {more} more") } else { String::new() };
    format!("{}{tail}", shown.join(", "))
}

/// For parameters whose declaration changed (a default, a type, allowed values; not added or
/// removed ones, which the steps' own changes show), the steps that read them:
/// ` (Rounds is read by Check, Train)`. A reviewer of a new default or type sees which steps
/// take it (helper finding: nothing pointed at the steps a type change reaches).
fn parameter_readers(fields: &[String], steps: &BTreeMap<String, Json>) -> String {
    let mut names: Vec<&str> = fields
        .iter()
        .filter(|f| !f.ends_with("(added)") && !f.ends_with("(removed)"))
        .filter_map(|f| f.strip_prefix("['")?.split_once("']").map(|(n, _)| n))
        .collect();
    names.dedup();
    if names.is_empty() {
        return String::new();
    }
    // Each step's own fields as text, once (not its branch steps': listed on their own).
    let texts: Vec<(&str, String)> =
        steps.iter().map(|(n, step)| (n.as_str(), without_branches(step).to_string())).collect();
    let read: Vec<String> = names
        .iter()
        .filter_map(|name| {
            let get = Json::String(format!("Parameters.{name}")).to_string();
            let by: Vec<&str> =
                texts.iter().filter(|(_, t)| t.contains(&get)).map(|(n, _)| *n).collect();
            (!by.is_empty()).then(|| format!("{name} is read by {}", by.join(", ")))
        })
        .collect();
    if read.is_empty() {
        String::new()
    } else {
        format!(" ({})", read.join("; "))
    }
}

/// A step without the steps of its branches (`IfSteps`, `ElseSteps`): its own fields.
fn without_branches(step: &Json) -> Json {
    let mut own = step.clone();
    if let Some(args) = own.get_mut("Arguments").and_then(Json::as_object_mut) {
        args.remove("IfSteps");
        args.remove("ElseSteps");
    }
    own
}

/// The condition (nearest around it) and branch (`if` or `else`) holding branch step `name`.
fn branch_of(parts: &BTreeMap<String, String>, name: &str) -> Option<(String, &'static str)> {
    fn find(step: &Json, name: &str) -> Option<(String, &'static str)> {
        for (key, branch) in [("IfSteps", "if"), ("ElseSteps", "else")] {
            let inner = step.get("Arguments").and_then(|a| a.get(key)).and_then(Json::as_array);
            for child in inner.into_iter().flatten() {
                if child.get("Name").and_then(Json::as_str) == Some(name) {
                    let cond = step.get("Name").and_then(Json::as_str).unwrap_or_default();
                    return Some((cond.to_string(), branch));
                }
                if let Some(found) = find(child, name) {
                    return Some(found);
                }
            }
        }
        None
    }
    parts
        .iter()
        .filter(|(k, _)| k.starts_with(STEP_PREFIX))
        .filter_map(|(_, t)| serde_json::from_str::<Json>(t).ok())
        .find_map(|step| find(&step, name))
}

/// Top-level steps that only changed their name: the removed step's part key
/// (`Steps.<old>`) -> the new name, for each removed step whose object means what an added
/// one's means (`semantic`) but for `Name` (each added step pairs with one removed step, in
/// name order). Other steps' references to the old name are changes of those steps.
fn renamed_steps<'a>(
    prior: &'a BTreeMap<String, String>,
    planned: &'a BTreeMap<String, String>,
) -> BTreeMap<&'a str, &'a str> {
    let nameless = |text: &str| {
        let mut step = serde_json::from_str::<Json>(text).ok()?;
        step.as_object_mut()?.remove("Name")?;
        Some(step)
    };
    let only_in = |a: &'a BTreeMap<String, String>, b: &BTreeMap<String, String>| {
        a.iter()
            .filter(|(k, _)| k.starts_with(STEP_PREFIX) && !b.contains_key(*k))
            .filter_map(|(k, t)| Some((k.as_str(), nameless(t)?)))
            .collect::<Vec<_>>()
    };
    // Equal by meaning, so an imported step spelt the SDK's way still pairs with its rename.
    let parameters = planned.get("Parameters").and_then(|t| serde_json::from_str::<Json>(t).ok());
    let ctx = semantic::Context::of_definition(&serde_json::json!({ "Parameters": parameters }));
    let mut added = only_in(planned, prior);
    let mut renamed = BTreeMap::new();
    for (old_key, step) in only_in(prior, planned) {
        if let Some(i) = added.iter().position(|(_, s)| semantic::steps_equal(s, &step, &ctx)) {
            let (new_key, _) = added.remove(i);
            renamed.insert(old_key, &new_key[STEP_PREFIX.len()..]);
        }
    }
    renamed
}

/// The keys that name the elements of a list in a definition: parameters and steps (`Name`),
/// training channels, processing inputs and outputs, property files, tags (`Key`).
const NAME_KEYS: [&str; 6] =
    ["Name", "ChannelName", "InputName", "OutputName", "PropertyFileName", "Key"];

/// The names of the elements of two versions of a list under the first of [`NAME_KEYS`] that
/// every element of both has, distinct within each version; `None` otherwise.
fn element_names<'a>(b: &'a [Json], a: &'a [Json]) -> Option<(Vec<&'a str>, Vec<&'a str>)> {
    let names = |items: &'a [Json], key: &str| -> Option<Vec<&'a str>> {
        let names: Vec<&str> =
            items.iter().map(|x| x.get(key).and_then(Json::as_str)).collect::<Option<_>>()?;
        let distinct: BTreeSet<&str> = names.iter().copied().collect();
        (distinct.len() == names.len()).then_some(names)
    };
    NAME_KEYS.iter().find_map(|key| Some((names(b, key)?, names(a, key)?)))
}

/// Dotted paths of the leaves that differ (`Arguments.HyperParameters.max_depth`). Elements of
/// a list whose elements are named on both sides (see [`NAME_KEYS`]) are matched and shown by
/// name (`Parameters['Epochs']`, `IfSteps['Register']`), others by position (`[i]`). A path
/// whose value changed type is reported as a whole.
fn changed_paths(before: &Json, after: &Json, path: String, whole: &str, out: &mut Vec<String>) {
    if before == after {
        return;
    }
    let join = |key: &str| {
        if path.is_empty() {
            key.to_string()
        } else {
            format!("{path}.{key}")
        }
    };
    // An expression is one value: `HyperParameters.eta`, not `.Get` and `.Std:Join` (SDK 3
    // helper finding).
    let expression = |v: &Json| {
        v.as_object().is_some_and(|o| {
            o.len() == 1
                && o.keys().all(|k| matches!(k.as_str(), "Get" | "Std:Join" | "Std:JsonGet"))
        })
    };
    if expression(before) || expression(after) {
        out.push(if path.is_empty() { whole.to_string() } else { path });
        return;
    }
    match (before, after) {
        (Json::Object(b), Json::Object(a)) => {
            let keys: BTreeSet<&String> = b.keys().chain(a.keys()).collect();
            for k in keys {
                match (b.get(k), a.get(k)) {
                    (Some(x), Some(y)) => changed_paths(x, y, join(k), whole, out),
                    _ => out.push(join(k)),
                }
            }
        }
        (Json::Array(b), Json::Array(a)) => match element_names(b, a) {
            Some((bn, an)) => {
                let before: BTreeMap<&str, &Json> = bn.iter().copied().zip(b).collect();
                let after: BTreeMap<&str, &Json> = an.iter().copied().zip(a).collect();
                let names: BTreeSet<&str> = before.keys().chain(after.keys()).copied().collect();
                for name in names {
                    let at = format!("{path}['{name}']");
                    match (before.get(name), after.get(name)) {
                        (Some(x), Some(y)) => changed_paths(x, y, at, whole, out),
                        (Some(_), None) => out.push(format!("{at} (removed)")),
                        _ => out.push(format!("{at} (added)")),
                    }
                }
                // The same elements in another order: the order is what changed.
                let common_b = bn.iter().filter(|x| after.contains_key(*x));
                let common_a = an.iter().filter(|x| before.contains_key(*x));
                if !common_b.eq(common_a) {
                    out.push(if path.is_empty() {
                        "(order)".into()
                    } else {
                        format!("{path} (order)")
                    });
                }
            }
            _ if b.len() == a.len() => {
                for (i, (x, y)) in b.iter().zip(a).enumerate() {
                    changed_paths(x, y, format!("{path}[{i}]"), whole, out);
                }
            }
            _ => out.push(if path.is_empty() { whole.to_string() } else { path }),
        },
        _ => out.push(if path.is_empty() { whole.to_string() } else { path }),
    }
}

/// The fields of a step object outside SageMaker's cache key for a type without a documented
/// key ([`super::StepTypeFacts::cache_key`]): a change of only these (caching itself turned on
/// or off, retries, the names shown, the order given by `DependsOn`) leaves earlier results
/// reusable.
const OUTSIDE_CACHE_KEY: [&str; 5] =
    ["CacheConfig", "RetryPolicies", "DisplayName", "Description", "DependsOn"];

fn cache_enabled(step: Option<&Json>) -> bool {
    step.and_then(|s| s.get("CacheConfig")).and_then(|c| c.get("Enabled")).and_then(Json::as_bool)
        == Some(true)
}

/// The part of a step SageMaker's cache compares: its type's documented key fields, else every
/// field outside [`OUTSIDE_CACHE_KEY`] (a condition without its branch steps, which are judged
/// as steps of their own).
fn cache_key_of(step: Option<&Json>, types: StepTypes) -> Option<Json> {
    let step = step?;
    let ty = step.get("Type").and_then(Json::as_str).unwrap_or("");
    if let Some(paths) = types(ty).and_then(|t| t.cache_key()) {
        let picked = paths
            .iter()
            .map(|path| {
                let value = path.iter().try_fold(step, |v, k| v.get(*k)).cloned();
                (path.join("."), value.unwrap_or(Json::Null))
            })
            .collect();
        return Some(Json::Object(picked));
    }
    let mut o = if ty == "Condition" { without_branches(step) } else { step.clone() };
    o.as_object_mut()?.retain(|k, _| !OUTSIDE_CACHE_KEY.contains(&k.as_str()));
    Some(o)
}

/// Steps whose cached results a run no longer reuses: caching was on before the change and is
/// on after it, and the step's cache key changed, or a parameter default its key reads changed
/// (a run that takes the default resolves another value), or a step it reads from
/// (`{{ Steps.X... }}`) runs again (its results, and so this step's resolved inputs, are new).
/// `DependsOn` only orders steps: it passes nothing, so it propagates nothing. A step that is
/// new, or whose caching is turned on by this change, had no cached result in use.
fn cache_misses(
    prior: &BTreeMap<String, String>,
    planned: &BTreeMap<String, String>,
    changed: &BTreeSet<String>,
    types: StepTypes,
) -> BTreeSet<String> {
    let before = all_steps(prior);
    let steps = all_steps(planned);
    let mut changed: BTreeSet<String> = changed
        .iter()
        .filter(|n| cache_key_of(before.get(*n), types) != cache_key_of(steps.get(*n), types))
        .cloned()
        .collect();
    let defaults = changed_parameter_defaults(prior, planned);
    for (name, step) in &steps {
        let key = cache_key_of(Some(step), types).unwrap_or(Json::Null);
        if defaults.iter().any(|p| reads_parameter(&key, p)) {
            changed.insert(name.clone());
        }
    }
    // Edges: step -> the steps it reads from in its cache key (a reference in a field outside
    // it, say an output destination, changes nothing the cache compares).
    let upstream: BTreeMap<&String, BTreeSet<String>> = steps
        .iter()
        .map(|(name, step)| {
            let mut refs = BTreeSet::new();
            references(&cache_key_of(Some(step), types).unwrap_or(Json::Null), &mut refs);
            (name, refs)
        })
        .collect();
    let mut affected: BTreeSet<String> = changed.clone();
    loop {
        let before = affected.len();
        for (name, refs) in &upstream {
            if refs.iter().any(|r| affected.contains(r)) {
                affected.insert((*name).clone());
            }
        }
        if affected.len() == before {
            break;
        }
    }
    affected
        .into_iter()
        .filter(|name| cache_enabled(before.get(name)) && cache_enabled(steps.get(name)))
        .collect()
}

/// Parameters declared on both sides whose default value changed.
fn changed_parameter_defaults(
    prior: &BTreeMap<String, String>,
    planned: &BTreeMap<String, String>,
) -> BTreeSet<String> {
    let defaults = |parts: &BTreeMap<String, String>| -> BTreeMap<String, Json> {
        let list = parts.get("Parameters").and_then(|t| serde_json::from_str::<Json>(t).ok());
        list.as_ref()
            .and_then(Json::as_array)
            .into_iter()
            .flatten()
            .filter_map(|p| {
                let name = p.get("Name")?.as_str()?.to_string();
                Some((name, p.get("DefaultValue").cloned().unwrap_or(Json::Null)))
            })
            .collect()
    };
    let (b, a) = (defaults(prior), defaults(planned));
    b.iter().filter(|(n, v)| a.get(*n).is_some_and(|w| w != *v)).map(|(n, _)| n.clone()).collect()
}

/// Whether `v` reads parameter `name` (`{"Get": "Parameters.<name>"}`).
fn reads_parameter(v: &Json, name: &str) -> bool {
    match v {
        Json::Object(m) => {
            m.get("Get").and_then(Json::as_str).and_then(|g| g.strip_prefix("Parameters."))
                == Some(name)
                || m.values().any(|x| reads_parameter(x, name))
        }
        Json::Array(xs) => xs.iter().any(|x| reads_parameter(x, name)),
        _ => false,
    }
}

/// Every step of a definition's parts by name, branch steps included.
fn all_steps(parts: &BTreeMap<String, String>) -> BTreeMap<String, Json> {
    let mut steps = BTreeMap::new();
    for (key, text) in parts {
        if let (Some(name), Ok(step)) =
            (key.strip_prefix(STEP_PREFIX), serde_json::from_str::<Json>(text))
        {
            collect_steps(name, &step, &mut steps);
        }
    }
    steps
}

/// A step and the branch steps nested in it (condition steps), by name.
fn collect_steps(name: &str, step: &Json, out: &mut BTreeMap<String, Json>) {
    out.insert(name.to_string(), step.clone());
    for branch in ["IfSteps", "ElseSteps"] {
        for inner in step
            .get("Arguments")
            .and_then(|a| a.get(branch))
            .and_then(Json::as_array)
            .into_iter()
            .flatten()
        {
            if let Some(n) = inner.get("Name").and_then(Json::as_str) {
                collect_steps(n, inner, out);
            }
        }
    }
}

/// Names of the steps a JSON value reads through `{"Get": "Steps.<name>...."}`.
fn references(v: &Json, out: &mut BTreeSet<String>) {
    match v {
        Json::Object(m) => {
            if let Some(Json::String(path)) = m.get("Get") {
                if let Some(rest) = path.strip_prefix(STEP_PREFIX) {
                    let name: String = rest
                        .chars()
                        .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
                        .collect();
                    out.insert(name);
                }
            }
            m.values().for_each(|x| references(x, out));
        }
        Json::Array(xs) => xs.iter().for_each(|x| references(x, out)),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::compiler::step_type::test_types;

    fn summarize(
        prior: &BTreeMap<String, String>,
        planned: &BTreeMap<String, String>,
    ) -> Option<String> {
        super::summarize(prior, planned, test_types)
    }

    fn parts(steps: &[(&str, &str)]) -> BTreeMap<String, String> {
        steps.iter().map(|(n, t)| (format!("Steps.{n}"), t.to_string())).collect()
    }

    #[test]
    fn with_unknown_steps_names_what_the_known_steps_change() {
        let prior = [
            r#"{"Name":"A","Type":"Fail","Arguments":{"ErrorMessage":"a"}}"#.to_string(),
            r#"{"Name":"B","Type":"Fail","Arguments":{"ErrorMessage":"b"}}"#.to_string(),
            r#"{"Name":"C","Type":"Fail","Arguments":{"ErrorMessage":"c"}}"#.to_string(),
            r#"{"Name":"D","Type":"Fail","Arguments":{"ErrorMessage":"d"}}"#.to_string(),
        ];
        let known = |t: &str| Some(t.to_string());
        // Every step known: the usual summary applies, not this one.
        assert_eq!(
            summarize_known_steps(&prior, &prior.iter().cloned().map(Some).collect::<Vec<_>>()),
            None
        );
        let config = [
            known(&prior[0]),
            None,
            known(r#"{"Name":"C","Type":"Fail","Arguments":{"ErrorMessage":"changed"}}"#),
            known(r#"{"Name":"E","Type":"Fail","Arguments":{"ErrorMessage":"e"}}"#),
        ];
        let s = summarize_known_steps(&prior, &config).expect("a summary");
        assert_eq!(
            s,
            "- steps[1]: known after apply\n- step C: Arguments.ErrorMessage\n- step E: added\n- unchanged: A\n- not among the known steps: B, D (each is one of the steps known after apply, or removed)"
        );
    }

    #[test]
    fn names_changed_step_fields_and_downstream_cache_misses() {
        let prior = parts(&[
            (
                "Train",
                r#"{"Name":"Train","Arguments":{"HyperParameters":{"max_depth":"5","eta":"0.2"}},"CacheConfig":{"Enabled":true}}"#,
            ),
            (
                "Eval",
                r#"{"Name":"Eval","Arguments":{"In":{"Get":"Steps.Train.ModelArtifacts.S3ModelArtifacts"}},"CacheConfig":{"Enabled":true}}"#,
            ),
            ("Other", r#"{"Name":"Other","Arguments":{},"CacheConfig":{"Enabled":true}}"#),
        ]);
        let mut planned = prior.clone();
        planned.insert(
            "Steps.Train".into(),
            r#"{"Name":"Train","Arguments":{"HyperParameters":{"max_depth":"6","eta":"0.2"}},"CacheConfig":{"Enabled":true}}"#.into(),
        );
        let s = summarize(&prior, &planned).expect("a change");
        assert!(s.contains("- step Train: Arguments.HyperParameters.max_depth"), "{s}");
        assert!(s.ends_with("or a step it reads from changed): Eval, Train."), "{s}");
        assert!(!s.contains("Other"), "{s}");
    }

    /// Fresh-eyes finding: turning caching on listed the step as no longer reusing results it
    /// never had; a change outside the cache key (retries, display name) invalidates nothing.
    #[test]
    fn only_results_in_use_are_lost() {
        let step = |cache: bool, depth: &str, retry: &str| {
            format!(
                r#"{{"Name":"Train","Arguments":{{"d":"{depth}"}},"CacheConfig":{{"Enabled":{cache}}},"RetryPolicies":[{{"MaxAttempts":{retry}}}]}}"#
            )
        };
        let eval = r#"{"Name":"Eval","Arguments":{"In":{"Get":"Steps.Train.ModelArtifacts.S3ModelArtifacts"}},"CacheConfig":{"Enabled":true}}"#;
        let with = |train: &str| parts(&[("Train", train), ("Eval", eval)]);
        // Caching turned on: nothing lost, the change is still listed.
        let s = summarize(&with(&step(false, "5", "1")), &with(&step(true, "5", "1")))
            .expect("a change");
        assert!(s.contains("- step Train: CacheConfig.Enabled"), "{s}");
        assert!(!s.contains("no longer reused"), "{s}");
        // Caching turned on together with a key change: Eval's cached result is lost, Train had none.
        let s = summarize(&with(&step(false, "5", "1")), &with(&step(true, "6", "1")))
            .expect("a change");
        assert!(s.ends_with("changed): Eval."), "{s}");
        // Only the retries changed: no result is lost.
        let s = summarize(&with(&step(true, "5", "1")), &with(&step(true, "5", "3")))
            .expect("a change");
        assert!(!s.contains("no longer reused"), "{s}");
        // Only a branch step's retries changed: its condition's key did not change either, so
        // a cached step after the condition keeps its result.
        let cond = |retry: &str| {
            format!(
                r#"{{"Name":"Check","Type":"Condition","Arguments":{{"IfSteps":[{}]}}}}"#,
                step(true, "5", retry).replace("Train", "Inner")
            )
        };
        let after = r#"{"Name":"After","Arguments":{},"DependsOn":["Check"],"CacheConfig":{"Enabled":true}}"#;
        let s = summarize(
            &parts(&[("Check", &cond("1")), ("After", after)]),
            &parts(&[("Check", &cond("3")), ("After", after)]),
        )
        .expect("a change");
        assert!(!s.contains("no longer reused"), "{s}");
        // A new cached step lost nothing either.
        let s =
            summarize(&parts(&[("Train", &step(true, "5", "1"))]), &with(&step(true, "5", "1")))
                .expect("a change");
        assert!(!s.contains("no longer reused"), "{s}");
    }

    /// Fresh-eyes findings on the cache line: a role, VPC or tag change named cached steps
    /// (outside SageMaker's documented key), a new parameter default that a key field reads
    /// named none, and a `DependsOn` (which passes nothing) propagated a miss.
    #[test]
    fn the_cache_line_follows_sagemakers_cache_key() {
        let prep = |role: &str, input: &str| {
            format!(
                r#"{{"Name":"Prep","Type":"Processing","Arguments":{{"RoleArn":"{role}","AppSpecification":{{"ImageUri":"i"}},"ProcessingInputs":[{{"S3Input":{{"S3Uri":{input}}}}}]}},"CacheConfig":{{"Enabled":true}}}}"#
            )
        };
        // Report reads Prep only outside its cache key (an output destination) and depends on
        // it by order: neither passes a miss on.
        let report = r#"{"Name":"Report","Type":"Processing","Arguments":{"AppSpecification":{"ImageUri":"r"},"ProcessingOutputConfig":{"Outputs":[{"S3Output":{"S3Uri":{"Get":"Steps.Prep.ProcessingJobName"}}}]}},"DependsOn":["Prep"],"CacheConfig":{"Enabled":true}}"#;
        let with = |prep: &str, default: &str| {
            let mut p = parts(&[("Prep", prep), ("Report", report)]);
            p.insert(
                "Parameters".into(),
                format!(r#"[{{"Name":"Input","Type":"String","DefaultValue":"{default}"}}]"#),
            );
            p
        };
        let param = r#"{"Get":"Parameters.Input"}"#;
        // The role is outside the processing key: listed, no cache line.
        let s = summarize(&with(&prep("r1", param), "s3://a"), &with(&prep("r2", param), "s3://a"))
            .expect("a change");
        assert!(s.contains("- step Prep: Arguments.RoleArn"), "{s}");
        assert!(!s.contains("no longer reused"), "{s}");
        // A new default of a parameter an input reads: Prep misses; Report only depends on
        // Prep's order, so it keeps its result.
        let s = summarize(&with(&prep("r1", param), "s3://a"), &with(&prep("r1", param), "s3://b"))
            .expect("a change");
        assert!(s.ends_with("changed): Prep."), "{s}");
        // An input (in the key) changed literally: the same.
        let s = summarize(
            &with(&prep("r1", r#""s3://x""#), "s3://a"),
            &with(&prep("r1", r#""s3://y""#), "s3://a"),
        )
        .expect("a change");
        assert!(s.ends_with("changed): Prep."), "{s}");
    }

    #[test]
    fn tags_are_named_by_their_key() {
        let step = |v: &str| {
            format!(
                r#"{{"Name":"P","Arguments":{{"Tags":[{{"Key":"team","Value":"ml"}},{{"Key":"cost-center","Value":"{v}"}}]}}}}"#
            )
        };
        assert_eq!(
            summarize(&parts(&[("P", &step("a"))]), &parts(&[("P", &step("b"))])).as_deref(),
            Some("- step P: Arguments.Tags['cost-center'].Value")
        );
    }

    /// Fresh-eyes finding: wrapping a step in a new condition read as "RegisterModel: removed".
    #[test]
    fn a_step_moved_into_or_out_of_a_branch_says_so() {
        let register = |status: &str| {
            format!(
                r#"{{"Name":"Register","Type":"RegisterModel","Arguments":{{"ModelApprovalStatus":"{status}"}}}}"#
            )
        };
        let cond = |inner: &str| {
            format!(
                r#"{{"Name":"GoodEnough","Type":"Condition","Arguments":{{"IfSteps":[{inner}],"ElseSteps":[]}}}}"#
            )
        };
        let flat = parts(&[("Register", &register("Approved"))]);
        let wrapped = parts(&[("GoodEnough", &cond(&register("Approved")))]);
        let s = summarize(&flat, &wrapped).expect("a change");
        assert!(s.contains("- step GoodEnough: added"), "{s}");
        assert!(
            s.contains(
                "- step Register: moved into the if branch of condition GoodEnough, unchanged"
            ),
            "{s}"
        );
        assert!(!s.contains("removed"), "{s}");
        let s = summarize(&wrapped, &flat).expect("a change");
        assert!(
            s.contains(
                "- step Register: moved out of the if branch of condition GoodEnough, unchanged"
            ),
            "{s}"
        );
        let changed = parts(&[("GoodEnough", &cond(&register("PendingManualApproval")))]);
        let s = summarize(&flat, &changed).expect("a change");
        assert!(
            s.contains("- step Register: moved into the if branch of condition GoodEnough, and changed: Arguments.ModelApprovalStatus"),
            "{s}"
        );
    }

    /// Fresh-eyes finding: a quality check's CheckType change was among the "and 3 more",
    /// behind four of its environment variables.
    #[test]
    fn a_steps_own_fields_come_first() {
        let check = |t: &str, v: &str| {
            format!(
                r#"{{"Name":"Q","CheckType":"{t}","Arguments":{{"Environment":{{"a":"{v}","b":"{v}","c":"{v}","d":"{v}","e":"{v}"}}}}}}"#
            )
        };
        let s = summarize(
            &parts(&[("Q", &check("MODEL_QUALITY", "1"))]),
            &parts(&[("Q", &check("DATA_QUALITY", "2"))]),
        )
        .expect("a change");
        assert!(s.starts_with("- step Q: CheckType, Arguments.Environment.a,"), "{s}");
        assert!(s.ends_with("and 2 more"), "{s}");
    }

    /// SDK 3 helper finding: a reference turned into its `to_string()` join was named as
    /// `HyperParameters.eta.Get, HyperParameters.eta.Std:Join`.
    #[test]
    fn an_expression_is_one_field() {
        let step = |eta: &str| {
            format!(r#"{{"Name":"T","Arguments":{{"HyperParameters":{{"eta":{eta}}}}}}}"#)
        };
        let get = r#"{"Get":"Parameters.Eta"}"#;
        let join = r#"{"Std:Join":{"On":"","Values":[{"Get":"Parameters.Eta"}]}}"#;
        let s = summarize(&parts(&[("T", &step(get))]), &parts(&[("T", &step(join))]))
            .expect("a change");
        assert_eq!(s, "- step T: Arguments.HyperParameters.eta");
        let s = summarize(&parts(&[("T", &step(get))]), &parts(&[("T", &step(r#""0.3""#))]))
            .expect("a change");
        assert_eq!(s, "- step T: Arguments.HyperParameters.eta");
    }

    /// Only the lines of parts edited outside Terraform are marked, also a removed step's.
    #[test]
    fn edits_made_outside_terraform_are_marked_per_part() {
        let step = |v: &str| format!(r#"{{"Name":"N","Arguments":{{"x":"{v}"}}}}"#);
        let mut prior =
            parts(&[("Train", &step("9")), ("Prep", &step("1")), ("Extra", &step("1"))]);
        prior.insert("Parameters".into(), "[]".into());
        let mut planned = parts(&[("Train", &step("5")), ("Prep", &step("2"))]);
        planned.insert("Parameters".into(), r#"[{"Name":"P"}]"#.into());
        let s = summarize(&prior, &planned).expect("a change");
        let edited: BTreeSet<String> =
            ["Steps.Train", "Steps.Extra", "Parameters"].map(String::from).into();
        let marked = mark_edited_outside(&s, &edited);
        let mark =
            " (edited outside Terraform since the last apply; applying overwrites that edit)";
        assert!(marked.contains(&format!("- step Train: Arguments.x{mark}")), "{marked}");
        assert!(marked.contains(&format!("- step Extra: removed{mark}")), "{marked}");
        assert!(
            marked.lines().any(|l| l.starts_with("- Parameters: ") && l.ends_with(mark)),
            "{marked}"
        );
        assert!(marked.lines().any(|l| l == "- step Prep: Arguments.x"), "{marked}");
        assert_eq!(marked.matches(mark).count(), 3, "{marked}");
        assert_eq!(mark_edited_outside(&s, &BTreeSet::new()), s);
    }

    /// Review finding: a cached step inside a condition's branch was not reported.
    #[test]
    fn branch_steps_count_as_changed_steps() {
        let check = |depth: &str| {
            format!(
                r#"{{"Name":"Check","Arguments":{{"IfSteps":[{{"Name":"Inner","Arguments":{{"d":"{depth}"}},"CacheConfig":{{"Enabled":true}}}}]}}}}"#
            )
        };
        let prior = parts(&[("Check", &check("5"))]);
        let planned = parts(&[("Check", &check("6"))]);
        let s = summarize(&prior, &planned).expect("a change");
        assert!(s.contains("- step Check: Arguments.IfSteps['Inner'].Arguments.d"), "{s}");
        assert!(s.ends_with("changed): Inner."), "{s}");
        let one = |v: &str| -> BTreeMap<String, String> {
            [("Version".to_string(), v.to_string())].into()
        };
        assert_eq!(summarize(&one("1"), &one("2")).as_deref(), Some("- Version: (whole value)"));
    }

    #[test]
    fn no_change_no_summary_and_added_steps_are_named() {
        let prior = parts(&[("A", "{}")]);
        assert_eq!(summarize(&prior, &prior), None);
        let mut planned = prior.clone();
        planned.insert("Steps.B".into(), "{}".into());
        planned.insert("Parameters".into(), "[]".into());
        let s = summarize(&prior, &planned).expect("a change");
        assert!(s.contains("- Parameters: added") && s.contains("- step B: added"), "{s}");
    }

    /// Trial finding: `Parameters: [2].DefaultValue` named no parameter. Named elements are
    /// matched by name, so an insertion is one added element, not every later one changed.
    #[test]
    fn named_list_elements_are_shown_by_name() {
        let params = |v: &str| -> BTreeMap<String, String> {
            [("Parameters".to_string(), v.to_string())].into()
        };
        let prior = params(r#"[{"Name":"A","DefaultValue":1},{"Name":"Rounds","DefaultValue":5}]"#);
        let planned = params(
            r#"[{"Name":"A","DefaultValue":1},{"Name":"New"},{"Name":"Rounds","DefaultValue":6}]"#,
        );
        assert_eq!(
            summarize(&prior, &planned).as_deref(),
            Some("- Parameters: ['New'] (added), ['Rounds'].DefaultValue")
        );
        // Review finding: a reordering alone printed an empty list of fields.
        let swapped =
            params(r#"[{"Name":"Rounds","DefaultValue":5},{"Name":"A","DefaultValue":1}]"#);
        assert_eq!(summarize(&prior, &swapped).as_deref(), Some("- Parameters: (order)"));
        let gone = params(r#"[{"Name":"Rounds","DefaultValue":5}]"#);
        assert_eq!(summarize(&prior, &gone).as_deref(), Some("- Parameters: ['A'] (removed)"));
        // Unnamed or duplicate names: by position.
        let prior = params(r#"[{"Name":"A","x":1},{"Name":"A","x":1}]"#);
        let planned = params(r#"[{"Name":"A","x":1},{"Name":"A","x":2}]"#);
        assert_eq!(summarize(&prior, &planned).as_deref(), Some("- Parameters: [1].x"));
    }

    /// Helper finding (session 13): a parameter's new default or type did not say which steps
    /// read it.
    #[test]
    fn a_changed_parameter_names_the_steps_that_read_it() {
        let parts = |default: u32, ty: &str| -> BTreeMap<String, String> {
            [
                ("Parameters".to_string(), format!(r#"[{{"Name":"Rounds","Type":"{ty}","DefaultValue":{default}}},{{"Name":"Rounds2","Type":"Integer"}}]"#)),
                ("Steps.Train".to_string(), r#"{"Name":"Train","Arguments":{"HyperParameters":{"n":{"Std:Join":{"On":"","Values":[{"Get":"Parameters.Rounds"}]}}}}}"#.to_string()),
                ("Steps.Check".to_string(), r#"{"Name":"Check","Type":"Condition","Arguments":{"Conditions":[{"Type":"GreaterThan","LeftValue":{"Get":"Parameters.Rounds"},"RightValue":3}],"IfSteps":[{"Name":"Inner","Arguments":{"x":{"Get":"Parameters.Rounds2"}}}]}}"#.to_string()),
                ("Steps.Other".to_string(), r#"{"Name":"Other","Arguments":{"x":{"Get":"Parameters.Rounds2"}}}"#.to_string()),
            ]
            .into()
        };
        assert_eq!(
            summarize(&parts(5, "Integer"), &parts(6, "Float")).as_deref(),
            Some("- Parameters: ['Rounds'].DefaultValue, ['Rounds'].Type (Rounds is read by Check, Train)")
        );
    }

    /// Fresh-eyes finding: a renamed step read as one step removed and another added.
    #[test]
    fn a_renamed_step_is_named_as_renamed() {
        let step = |name: &str, depth: &str| {
            format!(r#"{{"Name":"{name}","Type":"Training","Arguments":{{"d":"{depth}"}}}}"#)
        };
        let prior = parts(&[("Train", &step("Train", "5")), ("Keep", &step("Keep", "1"))]);
        let planned =
            parts(&[("TrainModel", &step("TrainModel", "5")), ("Keep", &step("Keep", "1"))]);
        assert_eq!(
            summarize(&prior, &planned).as_deref(),
            Some("- step Train: renamed to TrainModel")
        );
        // Spelt differently (an imported SDK join) but the same: still a rename.
        let sdk = r#"{"Name":"Train","Type":"Training","Arguments":{"d":{"Std:Join":{"On":"/","Values":["a","b"]}}}}"#;
        let ours = r#"{"Name":"Fit","Type":"Training","Arguments":{"d":"a/b"}}"#;
        assert_eq!(
            summarize(&parts(&[("Train", sdk)]), &parts(&[("Fit", ours)])).as_deref(),
            Some("- step Train: renamed to Fit")
        );
        // Renamed and changed: not the same step by its content, so removed and added.
        let planned =
            parts(&[("TrainModel", &step("TrainModel", "6")), ("Keep", &step("Keep", "1"))]);
        assert_eq!(
            summarize(&prior, &planned).as_deref(),
            Some("- step Train: removed\n- step TrainModel: added")
        );
    }

    #[test]
    fn long_field_lists_are_cut() {
        let prior = parts(&[("A", r#"{"a":1,"b":1,"c":1,"d":1,"e":1,"f":1}"#)]);
        let planned = parts(&[("A", r#"{"a":2,"b":2,"c":2,"d":2,"e":2,"f":2}"#)]);
        let s = summarize(&prior, &planned).expect("a change");
        assert!(s.ends_with("a, b, c, d and 2 more"), "{s}");
    }
}
