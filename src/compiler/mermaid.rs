//! The pipeline as a picture: a Mermaid flowchart of a compiled definition, for pull requests
//! and READMEs (GitHub renders a ` ```mermaid ` block).
//!
//! What it draws, from the definition alone:
//! - one node per step, condition branch steps included, in definition order; the label is the
//!   step's name and type; conditions are diamonds, fail steps rounded;
//! - `A --> B`: B uses a property of A (`{"Get": "Steps.A..."}` anywhere in B, `JsonGet` on A's
//!   property file included);
//! - `A -.-> B`: B lists A in `DependsOn` (order only), `A -. "on Failed" .-> B` for a run
//!   condition other than `Completed`;
//! - `C -- "true" --> X` / `C -- "false" --> Y`: the condition's `IfSteps` / `ElseSteps`.
//!
//! Invariants: the same definition always gives the same text (nodes in definition order,
//! edges sorted by target then source); node ids are the step names where Mermaid takes them
//! as they are (letters, digits, `_`, not a keyword), otherwise the name respelt after `step_`
//! (see `node_id`): an id never depends on the other steps; labels are quoted
//! with `"` written as `#quot;`. An edge that is both a data dependency and a `DependsOn` entry
//! is drawn once, as the data dependency. Names that are not steps of the definition (a
//! mistake the DAG check reports) draw no edge. Pure: no IO, never panics.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write;

use serde_json::Value as Json;

/// How B depends on A.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Edge {
    /// A condition's branch: `true` for `IfSteps`, `false` for `ElseSteps`.
    Branch(bool),
    Data,
    /// `DependsOn`, with the run condition (`None`: after success).
    Order(Option<String>),
}

struct Node<'a> {
    name: &'a str,
    ty: &'a str,
}

/// The flowchart of a definition (a JSON object with `Steps`). A definition without steps is a
/// flowchart with one note saying so.
pub fn flowchart(definition: &Json) -> String {
    let mut nodes: Vec<(Node, &Json)> = Vec::new();
    let mut branches: Vec<(usize, bool, &str)> = Vec::new();
    if let Some(steps) = definition.get("Steps").and_then(Json::as_array) {
        for step in steps {
            collect(step, &mut nodes, &mut branches);
        }
    }
    let mut out = String::from("flowchart TD\n");
    if nodes.is_empty() {
        out.push_str("  empty[\"(no steps)\"]\n");
        return out;
    }
    let ids = node_ids(&nodes);
    let index: BTreeMap<&str, usize> =
        nodes.iter().enumerate().map(|(i, (n, _))| (n.name, i)).collect();
    for (i, (node, _)) in nodes.iter().enumerate() {
        let label = format!("{}<br/>{}", quote(node.name), quote(node.ty));
        let (open, close) = match node.ty {
            "Condition" => ("{", "}"),
            "Fail" => ("([", "])"),
            _ => ("[", "]"),
        };
        let _ = writeln!(out, "  {}{open}\"{label}\"{close}", ids[i]);
    }
    // (target, source) -> edge; the first kind found for a pair wins in this order: branch,
    // data, order.
    let mut edges: BTreeMap<(usize, usize), Edge> = BTreeMap::new();
    for (cond, outcome, name) in &branches {
        if let Some(&to) = index.get(name) {
            edges.insert((to, *cond), Edge::Branch(*outcome));
        }
    }
    for (to, (_, step)) in nodes.iter().enumerate() {
        let mut used = BTreeSet::new();
        if let Some(args) = step.get("Arguments") {
            step_references(args, &mut used);
        }
        // A property file's `JsonGet` may sit outside `Arguments` (conditions keep theirs in
        // `Arguments`, but be generous with other top-level keys too).
        for (key, value) in step.as_object().into_iter().flatten() {
            if !matches!(key.as_str(), "Arguments" | "Name" | "Type" | "DependsOn") {
                step_references(value, &mut used);
            }
        }
        for from in used {
            if let Some(&from) = index.get(from.as_str()) {
                if from != to {
                    edges.entry((to, from)).or_insert(Edge::Data);
                }
            }
        }
        for (from, trigger) in depends_on(step) {
            if let Some(&from) = index.get(from) {
                if from != to {
                    edges.entry((to, from)).or_insert(Edge::Order(trigger));
                }
            }
        }
    }
    for ((to, from), edge) in &edges {
        let (a, b) = (&ids[*from], &ids[*to]);
        let _ = match edge {
            Edge::Branch(true) => writeln!(out, "  {a} -- \"true\" --> {b}"),
            Edge::Branch(false) => writeln!(out, "  {a} -- \"false\" --> {b}"),
            Edge::Data => writeln!(out, "  {a} --> {b}"),
            Edge::Order(None) => writeln!(out, "  {a} -.-> {b}"),
            Edge::Order(Some(t)) => writeln!(out, "  {a} -. \"on {}\" .-> {b}", quote(t)),
        };
    }
    out
}

/// Steps in definition order, each condition followed by its branch steps, and the branch edges
/// (condition index, outcome, branch step name).
fn collect<'a>(
    step: &'a Json,
    nodes: &mut Vec<(Node<'a>, &'a Json)>,
    branches: &mut Vec<(usize, bool, &'a str)>,
) {
    let name = step.get("Name").and_then(Json::as_str).unwrap_or("");
    let ty = step.get("Type").and_then(Json::as_str).unwrap_or("");
    if name.is_empty() || nodes.iter().any(|(n, _)| n.name == name) {
        return;
    }
    let me = nodes.len();
    nodes.push((Node { name, ty }, step));
    if ty != "Condition" {
        return;
    }
    for (key, outcome) in [("IfSteps", true), ("ElseSteps", false)] {
        let list = step.get("Arguments").and_then(|a| a.get(key)).and_then(Json::as_array);
        for branch in list.into_iter().flatten() {
            if let Some(b) = branch.get("Name").and_then(Json::as_str) {
                branches.push((me, outcome, b));
            }
            collect(branch, nodes, branches);
        }
    }
}

/// The step names a value refers to through `{"Get": "Steps.<name>..."}`, not descending into
/// a condition's branch steps (they are nodes of their own).
fn step_references(v: &Json, out: &mut BTreeSet<String>) {
    match v {
        Json::Object(map) => {
            for (key, value) in map {
                match (key.as_str(), value) {
                    ("IfSteps" | "ElseSteps", Json::Array(_)) => {}
                    ("Get", Json::String(s)) => {
                        if let Some(rest) = s.strip_prefix("Steps.") {
                            let end = rest.find(['.', '[']).unwrap_or(rest.len());
                            out.insert(rest[..end].to_string());
                        }
                    }
                    _ => step_references(value, out),
                }
            }
        }
        Json::Array(items) => items.iter().for_each(|i| step_references(i, out)),
        _ => {}
    }
}

/// `DependsOn` entries: plain names (after success) and `{"Step", "Trigger"}` run conditions.
fn depends_on(step: &Json) -> Vec<(&str, Option<String>)> {
    let list = step.get("DependsOn").and_then(Json::as_array);
    list.into_iter()
        .flatten()
        .filter_map(|d| match d {
            Json::String(name) => Some((name.as_str(), None)),
            Json::Object(o) => {
                let name = o.get("Step").and_then(Json::as_str)?;
                let trigger = o.get("Trigger").and_then(Json::as_str);
                Some((name, trigger.filter(|t| *t != "Completed").map(str::to_string)))
            }
            _ => None,
        })
        .collect()
}

/// Words Mermaid's flowchart grammar reserves; a node with one of these ids breaks the chart.
const KEYWORDS: [&str; 12] = [
    "end",
    "graph",
    "flowchart",
    "subgraph",
    "style",
    "classdef",
    "class",
    "click",
    "linkstyle",
    "direction",
    "default",
    "call",
];

fn node_ids(nodes: &[(Node, &Json)]) -> Vec<String> {
    nodes.iter().map(|(n, _)| node_id(n.name)).collect()
}

/// A step's node id: its name where Mermaid takes it as it is (letters, digits, `_`, starting
/// with a letter, not a keyword), otherwise `step_` and the name spelt in letters, digits and
/// `_` (`_` as `__`, `-` as `_h`, anything else as `_x<hex>_`). An id depends on the name alone,
/// so adding, removing or reordering steps changes no other step's lines in a plan's diff; and
/// no two names share an id (plain ids never start with `step_`, and the spelling is
/// reversible).
fn node_id(name: &str) -> String {
    let mut chars = name.chars();
    let plain = chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
        && !KEYWORDS.contains(&name.to_ascii_lowercase().as_str())
        && !name.starts_with("step_");
    if plain {
        return name.to_string();
    }
    let mut id = String::from("step_");
    for c in name.chars() {
        match c {
            c if c.is_ascii_alphanumeric() => id.push(c),
            '_' => id.push_str("__"),
            '-' => id.push_str("_h"),
            c => {
                let _ = write!(id, "_x{:x}_", u32::from(c));
            }
        }
    }
    id
}

/// Text safe inside a quoted Mermaid label.
fn quote(s: &str) -> String {
    s.replace('&', "#amp;")
        .replace('"', "#quot;")
        .replace('<', "#lt;")
        .replace('>', "#gt;")
        .replace('\n', " ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn draws_data_order_branches_and_run_conditions() {
        let def = json!({"Version": "2020-12-01", "Steps": [
            {"Name": "Prep", "Type": "Processing", "Arguments": {}},
            {"Name": "Train", "Type": "Training", "Arguments": {"InputDataConfig": [{"DataSource": {"S3DataSource": {"S3Uri": {"Get": "Steps.Prep.ProcessingOutputConfig.Outputs['train'].S3Output.S3Uri"}}}}]}},
            {"Name": "Eval", "Type": "Processing", "Arguments": {"X": {"Std:Join": {"On": "/", "Values": [{"Get": "Steps.Train.ModelArtifacts.S3ModelArtifacts"}]}}}, "DependsOn": ["Prep"]},
            {"Name": "Check", "Type": "Condition", "Arguments": {
                "Conditions": [{"Type": "GreaterThanOrEqualTo", "LeftValue": {"Std:JsonGet": {"PropertyFile": {"Get": "Steps.Eval.PropertyFiles.Report"}, "Path": "a"}}, "RightValue": 0.7}],
                "IfSteps": [{"Name": "Register", "Type": "RegisterModel", "Arguments": {"M": {"Get": "Steps.Train.ModelArtifacts.S3ModelArtifacts"}}}],
                "ElseSteps": [{"Name": "end", "Type": "Fail", "Arguments": {"ErrorMessage": "say \"no\""}}]}},
            {"Name": "Cleanup-1", "Type": "Lambda", "Arguments": {}, "DependsOn": [{"Step": "Train", "Trigger": "Failed"}, {"Step": "Eval", "Trigger": "Completed"}, "Nowhere"]}
        ]});
        let got = flowchart(&def);
        let want = "flowchart TD
  Prep[\"Prep<br/>Processing\"]
  Train[\"Train<br/>Training\"]
  Eval[\"Eval<br/>Processing\"]
  Check{\"Check<br/>Condition\"}
  Register[\"Register<br/>RegisterModel\"]
  step_end([\"end<br/>Fail\"])
  step_Cleanup_h1[\"Cleanup-1<br/>Lambda\"]
  Prep --> Train
  Prep -.-> Eval
  Train --> Eval
  Eval --> Check
  Train --> Register
  Check -- \"true\" --> Register
  Check -- \"false\" --> step_end
  Train -. \"on Failed\" .-> step_Cleanup_h1
  Eval -.-> step_Cleanup_h1
";
        assert_eq!(got, want, "\n{got}");
    }

    #[test]
    fn node_ids_follow_the_name_alone_and_never_collide() {
        let names = ["a-b", "a_b", "a__b", "a_hb", "step_x", "step__x", "1st", "end", "a.b", "a b"];
        let ids: Vec<String> = names.iter().map(|n| node_id(n)).collect();
        assert_eq!(
            ids,
            [
                "step_a_hb",
                "a_b",
                "a__b",
                "a_hb",
                "step_step__x",
                "step_step____x",
                "step_1st",
                "step_end",
                "step_a_x2e_b",
                "step_a_x20_b"
            ]
        );
        let distinct: BTreeSet<&String> = ids.iter().collect();
        assert_eq!(distinct.len(), ids.len(), "{ids:?}");
        // Removing a step changes no other step's line.
        let def = |names: &[&str]| json!({"Steps": names.iter().map(|n| json!({"Name": n, "Type": "Processing"})).collect::<Vec<_>>()});
        let before = flowchart(&def(&["Prep-us", "Train-large", "Train-small"]));
        let after = flowchart(&def(&["Prep-us", "Train-small"]));
        let removed: Vec<&str> =
            before.lines().filter(|l| !after.lines().any(|a| a == *l)).collect();
        assert_eq!(removed, ["  step_Train_hlarge[\"Train-large<br/>Processing\"]"]);
    }

    #[test]
    fn empty_and_malformed_definitions_do_not_panic() {
        assert!(flowchart(&json!({})).contains("(no steps)"));
        assert!(flowchart(&json!({"Steps": [1, "x", {"Name": 3}]})).contains("(no steps)"));
        let dup = json!({"Steps": [{"Name": "A", "Type": "Fail"}, {"Name": "A", "Type": "Fail"}]});
        assert_eq!(flowchart(&dup).matches("A([").count(), 1);
    }
}
