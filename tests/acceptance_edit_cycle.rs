//! Issue 6, point 1: removing, adding and changing every optional block and attribute of the
//! pipeline and of each step type plans and applies cleanly on Terraform 1.0.3 and the newer
//! Terraform, and the next plan is empty.
//!
//! One configuration holds a resource of every type (the pipeline and the 14 step types) wired
//! into one `sagemaker_ml_pipeline`, in four phases (files under `tests/edit_cycle/`):
//! A `a_minimal.tf` (only what is required), B `b_full.tf` (every optional attribute and block,
//! nested ones too), C `c_changed.tf` (every value changed, repeatable blocks added, either/or
//! attributes switched) and D (`a_minimal.tf` again: everything removed). After each phase the
//! plan before apply shows a change for every resource that changed, apply succeeds, the next
//! plan is empty, and the deployed definition holds what the phase says. Phases C and D also go
//! through `terraform state rm` + `terraform import` of the pipeline (see `reimport` for what
//! import cannot read back).
//!
//! `nested_blocks_with_values_unknown_until_apply_are_added_and_removed` does the same for
//! nested blocks whose values are unknown while planning.
//!
//! `phase_configs_cover_every_optional_attribute_and_block` keeps the phase files honest
//! against the schema docs (generated from the schemas by tests/docs.rs): a new optional
//! attribute or block that is not added to B or C fails it.

mod support;

use std::collections::{BTreeMap, BTreeSet};
use std::time::Instant;

use serde_json::Value as Json;
use support::{project_root, terraform_binaries, LocalSageMaker, Workspace};

const PIPELINE: &str = "edit-cycle";

fn phase_file(name: &str) -> String {
    let path = project_root().join("tests/edit_cycle").join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("read {}: {e}", path.display()))
}

// ---- what the phase files set --------------------------------------------------------------

/// `resource "T" "N"` -> attribute or block path (`network.vpc_config.subnets`) -> the values
/// written there, one per occurrence (a repeatable block gives several); a block's own path maps
/// to `{}` per occurrence.
type Settings = BTreeMap<(String, String), BTreeMap<String, Vec<String>>>;

/// Net count of `{ [ (` minus `} ] )` outside string literals.
fn bracket_balance(s: &str) -> i32 {
    let (mut depth, mut in_str, mut escaped) = (0, false, false);
    for c in s.chars() {
        if in_str {
            match c {
                _ if escaped => escaped = false,
                '\\' => escaped = true,
                '"' => in_str = false,
                _ => {}
            }
            continue;
        }
        match c {
            '"' => in_str = true,
            '{' | '[' | '(' => depth += 1,
            '}' | ']' | ')' => depth -= 1,
            _ => {}
        }
    }
    depth
}

/// Reads the resource blocks of a phase file. A line-based reader of the subset of HCL the
/// phase files use: `resource "T" "N" {`, `block {`, `attr = value` (a value may continue over
/// lines until its brackets close) and `}`.
fn settings(hcl: &str) -> Settings {
    let mut out = Settings::new();
    let mut resource: Option<(String, String)> = None;
    let mut blocks: Vec<String> = Vec::new();
    let mut pending: Option<(String, String)> = None; // (path, value so far)
    for raw in hcl.lines() {
        let line = raw.trim();
        if let Some((_, value)) = pending.as_mut() {
            value.push('\n');
            value.push_str(line);
            if bracket_balance(value) == 0 {
                let (path, value) = pending.take().expect("pending value");
                if let Some(r) = &resource {
                    out.entry(r.clone()).or_default().entry(path).or_default().push(value);
                }
            }
            continue;
        }
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        if let Some(rest) = line.strip_prefix("resource ") {
            let names: Vec<&str> =
                rest.split('"').filter(|s| !s.trim().is_empty() && s.trim() != "{").collect();
            resource = Some((names[0].to_string(), names[1].to_string()));
            out.entry(resource.clone().expect("resource")).or_default();
            blocks.clear();
            continue;
        }
        if line == "}" {
            if blocks.pop().is_none() {
                resource = None;
            }
            continue;
        }
        if resource.is_none() {
            continue; // terraform {}, locals {}
        }
        let prefix =
            if blocks.is_empty() { String::new() } else { format!("{}.", blocks.join(".")) };
        if let Some(name) = line.strip_suffix('{').map(str::trim).filter(|n| !n.contains('=')) {
            let path = format!("{prefix}{name}");
            out.get_mut(resource.as_ref().expect("resource"))
                .expect("entry")
                .entry(path)
                .or_default()
                .push("{}".into());
            blocks.push(name.to_string());
            continue;
        }
        let (name, value) =
            line.split_once('=').unwrap_or_else(|| panic!("cannot read line {line:?}"));
        let path = format!("{prefix}{}", name.trim());
        let value = value.trim().to_string();
        if bracket_balance(&value) == 0 {
            out.get_mut(resource.as_ref().expect("resource"))
                .expect("entry")
                .entry(path)
                .or_default()
                .push(value);
        } else {
            pending = Some((path, value));
        }
    }
    out
}

/// One documented attribute or block path of a resource type, from its reference page
/// `docs/resources/<type without sagemaker_>.md`.
struct DocPath {
    path: String,
    /// `Required`, `Optional` or `block`.
    kind: String,
}

fn documented_paths(type_name: &str) -> Vec<DocPath> {
    let doc =
        std::fs::read_to_string(project_root().join("docs/resources").join(format!(
            "{}.md",
            type_name.strip_prefix("sagemaker_").expect("a sagemaker_ type")
        )))
        .expect("resource doc");
    doc.lines()
        .filter_map(|l| l.strip_prefix("- `"))
        .filter_map(|l| {
            let (path, rest) = l.split_once("` (")?;
            let kind = rest.split([',', ')']).next()?.trim().to_string();
            (kind != "Read-only").then(|| DocPath { path: path.to_string(), kind })
        })
        .collect()
}

/// Pipeline settings this cycle leaves out, with where they are added, changed and removed
/// instead: `definition_s3` (tests/acceptance_definition_s3.rs). The local endpoint describes a
/// pipeline deployed from S3 with a Python rendering of its definition, not JSON, which the
/// checks of this cycle (the deployed definition read as JSON) and its re-imports cannot read.
const ADDED_AND_REMOVED_ELSEWHERE: [&str; 3] =
    ["definition_s3", "definition_s3.bucket", "definition_s3.key_prefix"];

/// Which phase files set what, and whether C changes every value B sets.
#[test]
fn phase_configs_cover_every_optional_attribute_and_block() {
    let a = settings(&phase_file("a_minimal.tf"));
    let b = settings(&phase_file("b_full.tf"));
    let c = settings(&phase_file("c_changed.tf"));
    let types: BTreeSet<String> = a.keys().map(|(t, _)| t.clone()).collect();
    let docs: BTreeSet<String> = std::fs::read_dir(project_root().join("docs/resources"))
        .expect("docs/resources")
        .flatten()
        .filter_map(|e| {
            e.file_name().to_str()?.strip_suffix(".md").map(|t| format!("sagemaker_{t}"))
        })
        // A run is not part of the pipeline and every change of it replaces it: its optional
        // attributes are added and removed in tests/acceptance_execution.rs.
        .filter(|t| t != "sagemaker_ml_pipeline_execution")
        .collect();
    assert_eq!(types, docs, "phase A must hold one resource of every documented type");
    let step_types = sagemaker_provider::provider::steps::kinds().count();
    assert_eq!(docs.len(), step_types + 1, "the pipeline and every step type of the registry");

    // Per type: the union over its resources, per phase.
    let by_type = |s: &Settings, ty: &str| -> BTreeMap<String, Vec<String>> {
        let mut out: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for ((t, n), paths) in s {
            if t == ty {
                for (p, vs) in paths {
                    out.entry(p.clone())
                        .or_default()
                        .extend(vs.iter().map(|v| format!("{n}: {v}")));
                }
            }
        }
        out
    };
    let mut problems = Vec::new();
    for ty in &docs {
        let (in_a, in_b, in_c) = (by_type(&a, ty), by_type(&b, ty), by_type(&c, ty));
        for doc in documented_paths(ty) {
            if ty == "sagemaker_ml_pipeline"
                && ADDED_AND_REMOVED_ELSEWHERE.contains(&doc.path.as_str())
            {
                continue;
            }
            let top_level = !doc.path.contains('.');
            let (pb, pc) = (in_b.get(&doc.path), in_c.get(&doc.path));
            if top_level && doc.kind == "Required" {
                if !in_a.contains_key(&doc.path) {
                    problems
                        .push(format!("{ty}.{}: required, missing from a_minimal.tf", doc.path));
                }
                continue;
            }
            if pb.is_none() && pc.is_none() {
                problems.push(format!(
                    "{ty}.{} ({}): set in neither b_full.tf nor c_changed.tf",
                    doc.path, doc.kind
                ));
            }
            if doc.kind != "block" {
                if let (Some(vb), Some(vc)) = (pb, pc) {
                    if vb == vc {
                        problems.push(format!(
                            "{ty}.{}: c_changed.tf keeps b_full.tf's value {vb:?}",
                            doc.path
                        ));
                    }
                }
            }
        }
    }
    // Anything set that the docs do not know is a typo the test would otherwise not notice.
    for (name, s) in [("b_full.tf", &b), ("c_changed.tf", &c)] {
        for ((ty, n), paths) in s {
            let known: BTreeSet<String> =
                documented_paths(ty).into_iter().map(|d| d.path).collect();
            for p in paths.keys() {
                if !known.contains(p) {
                    problems
                        .push(format!("{name}: {ty}.{n} sets {p}, which the schema does not have"));
                }
            }
        }
    }
    assert!(problems.is_empty(), "phase files do not cover the schema:\n{}", problems.join("\n"));
}

// ---- the cycle -----------------------------------------------------------------------------

/// Every resource address of a phase file, e.g. `sagemaker_processing_step.prep`.
fn addresses(hcl: &str) -> BTreeSet<String> {
    settings(hcl).keys().map(|(t, n)| format!("{t}.{n}")).collect()
}

/// `terraform plan -detailed-exitcode`: (exit code, stdout and stderr).
fn plan(ws: &Workspace) -> (i32, String) {
    let out = ws.tf(&["plan", "-detailed-exitcode", "-no-color", "-input=false"]);
    let text =
        format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    (out.status.code().unwrap_or(-1), text)
}

/// Writes `next`, checks the plan shows exactly the expected actions per resource, applies, and
/// checks the next plan is empty.
fn transition(
    ws: &Workspace,
    label: &str,
    next: &str,
    created: &[&str],
    updated: &BTreeSet<String>,
    destroyed: &[&str],
    also_shows: &[&str],
) {
    let v = &ws.terraform.version;
    ws.write("main.tf", next);
    let (code, text) = plan(ws);
    assert_eq!(code, 2, "[{v} {label}] the plan must show changes:\n{text}");
    for a in created {
        assert!(
            text.contains(&format!("# {a} will be created")),
            "[{v} {label}] {a} must be created:\n{text}"
        );
    }
    for a in updated {
        assert!(
            text.contains(&format!("# {a} will be updated in-place")),
            "[{v} {label}] {a} must be updated in place:\n{text}"
        );
    }
    for a in destroyed {
        assert!(
            text.contains(&format!("# {a} will be destroyed")),
            "[{v} {label}] {a} must be destroyed:\n{text}"
        );
    }
    for needle in also_shows {
        assert!(text.contains(needle), "[{v} {label}] the plan must show {needle:?}:\n{text}");
    }
    let expected = format!(
        "{} to add, {} to change, {} to destroy",
        created.len(),
        updated.len(),
        destroyed.len()
    );
    assert!(text.contains(&expected), "[{v} {label}] expected {expected}:\n{text}");
    ws.apply();
    let (code, text) = plan(ws);
    assert_eq!(code, 0, "[{v} {label}] the plan right after apply must be empty:\n{text}");
}

fn step<'a>(def: &'a Json, name: &str) -> &'a Json {
    fn find<'a>(steps: &'a Json, name: &str) -> Option<&'a Json> {
        steps.as_array()?.iter().find_map(|s| {
            if s["Name"] == name {
                return Some(s);
            }
            find(&s["Arguments"]["IfSteps"], name)
                .or_else(|| find(&s["Arguments"]["ElseSteps"], name))
        })
    }
    find(&def["Steps"], name)
        .unwrap_or_else(|| panic!("step {name} not in the deployed definition: {def:#}"))
}

fn all_steps(def: &Json) -> Vec<&Json> {
    fn walk<'a>(steps: &'a Json, out: &mut Vec<&'a Json>) {
        for s in steps.as_array().into_iter().flatten() {
            out.push(s);
            walk(&s["Arguments"]["IfSteps"], out);
            walk(&s["Arguments"]["ElseSteps"], out);
        }
    }
    let mut out = Vec::new();
    walk(&def["Steps"], &mut out);
    out
}

/// The pipeline's tags as SageMaker holds them (ListTags), by key. SageMaker's AddTags
/// overwrites the value of a key it already has; the local endpoint (moto) appends a second
/// entry instead, so the later entry wins here, as it does in SageMaker.
fn deployed_tags(sm: &LocalSageMaker) -> Vec<(String, String)> {
    let arn = sm.describe_pipeline(PIPELINE).expect("deployed")["PipelineArn"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    let body = serde_json::json!({ "ResourceArn": arn }).to_string();
    let (_, response) = sm.request_sagemaker("ListTags", &body).expect("ListTags");
    let v: Json = serde_json::from_str(&response).expect("ListTags returns JSON");
    let tags: BTreeMap<String, String> = v["Tags"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|t| {
            let s = |k: &str| t[k].as_str().unwrap_or_default().to_string();
            (s("Key"), s("Value"))
        })
        .collect();
    tags.into_iter().collect()
}

/// The pipeline's attributes in the Terraform state (`terraform show -json`).
fn pipeline_state(ws: &Workspace) -> Json {
    let state: Json = serde_json::from_str(&ws.show_json(None)).expect("terraform show -json");
    state["values"]["root_module"]["resources"]
        .as_array()
        .and_then(|rs| rs.iter().find(|r| r["address"] == "sagemaker_ml_pipeline.p"))
        .map(|r| r["values"].clone())
        .expect("sagemaker_ml_pipeline.p in the state")
}

/// What phase A (and D, `after_full`) deploy: no optional key anywhere.
fn check_minimal(sm: &LocalSageMaker, ws: &Workspace, label: &str, after_full: bool) {
    let def = sm.deployed_definition(PIPELINE);
    let d = sm.describe_pipeline(PIPELINE).expect("deployed");
    assert!(
        def.get("PipelineExperimentConfig").is_none(),
        "[{label}] experiment config removed: {def:#}"
    );
    assert_eq!(
        def["Parameters"].as_array().map(Vec::len).unwrap_or(0),
        0,
        "[{label}] parameters removed"
    );
    let names: Vec<&str> = all_steps(&def).iter().filter_map(|s| s["Name"].as_str()).collect();
    assert_eq!(names.len(), 17, "[{label}] {names:?}");
    assert!(!names.contains(&"Defaulted"), "[{label}] the step only B and C have is gone");
    for s in all_steps(&def) {
        for key in [
            "CacheConfig",
            "RetryPolicies",
            "DependsOn",
            "DisplayName",
            "Description",
            "PropertyFiles",
        ] {
            assert!(s.get(key).is_none(), "[{label}] {key} removed from {}: {s:#}", s["Name"]);
        }
        let args = &s["Arguments"];
        for key in [
            "NetworkConfig",
            "VpcConfig",
            "Tags",
            "HyperParameters",
            "ModelMetrics",
            "CheckpointConfig",
            "DebugHookConfig",
            "ProfilerConfig",
            "DataProcessing",
            "DriftCheckBaselines",
        ] {
            assert!(args.get(key).is_none(), "[{label}] {key} removed from {}: {s:#}", s["Name"]);
        }
        // Check steps carry an analyzer Environment of their own; the job steps only the user's.
        if ["Prep", "Train", "Score"].contains(&s["Name"].as_str().unwrap_or_default()) {
            assert!(
                args.get("Environment").is_none(),
                "[{label}] Environment removed from {}: {s:#}",
                s["Name"]
            );
        }
    }
    let state = pipeline_state(ws);
    for key in [
        "description",
        "dependencies",
        "parameter",
        "step_defaults",
        "experiment_config",
        "parallelism_config",
        "tags",
    ] {
        let v = &state[key];
        assert!(
            v.is_null() || v.as_array().is_some_and(Vec::is_empty),
            "[{label}] {key} removed from the state: {v}"
        );
    }
    // Two things removal cannot take back from SageMaker, both known:
    // - the parallelism limit: UpdatePipeline has no way to remove it (the plan warns, see
    //   `transition`); the deployed pipeline keeps phase C's 8;
    // - the description: the provider sends "" to clear it, which the local endpoint (moto)
    //   ignores, as it ignores every empty UpdatePipeline field.
    // The display name defaults to the name: removing it plans the name back, in the state and
    // in SageMaker alike.
    assert_eq!(deployed_tags(sm), vec![], "[{label}] tags removed");
    let parallelism = d.get("ParallelismConfiguration").filter(|p| !p.is_null());
    let description = d.get("PipelineDescription").filter(|v| !v.is_null() && *v != "");
    if after_full {
        assert_eq!(
            parallelism.map(|p| &p["MaxParallelExecutionSteps"]),
            Some(&Json::from(8)),
            "[{label}] {d:#}"
        );
        assert_eq!(
            description,
            Some(&Json::from("Edit cycle, phase B (changed)")),
            "[{label}] {d:#}"
        );
    } else {
        assert!(parallelism.is_none(), "[{label}] {d:#}");
        assert!(description.is_none(), "[{label}] {d:#}");
    }
    assert_eq!(state["display_name"], PIPELINE, "[{label}] the display name defaults to the name");
    assert_eq!(
        d["PipelineDisplayName"], PIPELINE,
        "[{label}] the deployed display name is the name again"
    );
}

/// What phase B or C deploys (`b` selects which).
fn check_full(sm: &LocalSageMaker, label: &str, b: bool) {
    let pick = |bv: &'static str, cv: &'static str| if b { bv } else { cv };
    let def = sm.deployed_definition(PIPELINE);
    let d = sm.describe_pipeline(PIPELINE).expect("deployed");
    assert_eq!(
        d["PipelineDescription"],
        pick("Edit cycle, phase B", "Edit cycle, phase B (changed)"),
        "[{label}]"
    );
    assert_eq!(d["PipelineDisplayName"], pick("edit-cycle-b", "edit-cycle-b-c"), "[{label}]");
    assert_eq!(
        d["ParallelismConfiguration"]["MaxParallelExecutionSteps"],
        if b { 4 } else { 8 },
        "[{label}] {d:#}"
    );
    assert_eq!(
        def["PipelineExperimentConfig"]["TrialName"],
        if b {
            serde_json::json!({"Get": "Execution.PipelineExecutionId"})
        } else {
            serde_json::json!({"Std:Join": {"On": "", "Values": ["trial-", {"Get": "Execution.PipelineExecutionId"}]}})
        },
        "[{label}] {def:#}"
    );
    let pair = |k: &str, v: &str| (k.to_string(), v.to_string());
    let tags =
        if b { vec![pair("stage", "b")] } else { vec![pair("stage", "c"), pair("team", "ml")] };
    assert_eq!(deployed_tags(sm), tags, "[{label}]");
    let params: Vec<&str> = def["Parameters"]
        .as_array()
        .expect("parameters")
        .iter()
        .filter_map(|p| p["Name"].as_str())
        .collect();
    assert_eq!(
        params,
        if b { vec!["InputData", "Epochs"] } else { vec!["InputDataC", "Epochs", "Approve"] },
        "[{label}]"
    );

    let prep = step(&def, "Prep");
    assert_eq!(prep["CacheConfig"]["Enabled"], b, "[{label}] {prep:#}");
    assert_eq!(prep["CacheConfig"]["ExpireAfter"], pick("PT12H", "P2D"), "[{label}]");
    assert_eq!(
        prep["RetryPolicies"].as_array().map(Vec::len),
        Some(if b { 1 } else { 2 }),
        "[{label}]"
    );
    assert_eq!(prep["DisplayName"], pick("Prepare", "Prepare-c"), "[{label}]");
    let vpc = &prep["Arguments"]["NetworkConfig"]["VpcConfig"];
    assert_eq!(
        vpc["Subnets"][0],
        pick("subnet-0123456789abcdef0", "subnet-0fedcba9876543210"),
        "[{label}] {prep:#}"
    );
    assert_eq!(
        prep["Arguments"]["ProcessingInputs"].as_array().map(Vec::len),
        Some(if b { 2 } else { 3 }),
        "[{label}] inputs + code: {prep:#}"
    );
    assert_eq!(
        prep["PropertyFiles"][0]["PropertyFileName"],
        pick("Report", "Metrics"),
        "[{label}]"
    );

    // step_defaults fill the step that sets nothing itself.
    let defaulted = step(&def, "Defaulted");
    let args = &defaulted["Arguments"];
    assert_eq!(
        args["RoleArn"],
        pick(
            "arn:aws:iam::123456789012:role/sagemaker-pipeline",
            "arn:aws:iam::123456789012:role/sagemaker-defaults"
        ),
        "[{label}] {defaulted:#}"
    );
    assert_eq!(args["NetworkConfig"]["EnableNetworkIsolation"], b, "[{label}] {defaulted:#}");
    let tags: Vec<&str> =
        args["Tags"].as_array().into_iter().flatten().filter_map(|t| t["Value"].as_str()).collect();
    assert!(tags.contains(&pick("b", "c")), "[{label}] step_defaults.tags: {defaulted:#}");

    // Condition branches hold the branch steps.
    let check = step(&def, "Check");
    let (if_step, else_step) = if b { ("Register", "Stop") } else { ("Stop", "Register") };
    assert_eq!(check["Arguments"]["IfSteps"][0]["Name"], if_step, "[{label}] {check:#}");
    assert_eq!(check["Arguments"]["ElseSteps"][0]["Name"], else_step, "[{label}] {check:#}");

    // The EMR step switches from a running cluster to a cluster of its own.
    let spark = &step(&def, "Spark")["Arguments"];
    assert_eq!(spark.get("ClusterId").is_some(), b, "[{label}] {spark:#}");
    assert_eq!(spark.get("ClusterConfig").is_some(), !b, "[{label}] {spark:#}");

    // C removes nested blocks inside blocks it keeps.
    let register = &step(&def, "Register")["Arguments"];
    let metrics = &register["ModelMetrics"];
    assert_eq!(
        metrics["ModelQuality"]["Statistics"]["S3Uri"],
        pick(
            "s3://acme-ml/metrics/model-statistics.json",
            "s3://acme-ml/metrics-c/model-statistics.json"
        ),
        "[{label}] {register:#}"
    );
    for removed in ["Bias", "Explainability"] {
        assert_eq!(metrics.get(removed).is_some(), b, "[{label}] {removed}: {register:#}");
    }
    assert_eq!(metrics["ModelQuality"].get("Constraints").is_some(), b, "[{label}] {register:#}");
    let drift = &register["DriftCheckBaselines"];
    for removed in ["ModelQuality", "Bias", "Explainability"] {
        assert_eq!(drift.get(removed).is_some(), b, "[{label}] drift {removed}: {register:#}");
    }
    let data_statistics = &drift["ModelDataQuality"]["Statistics"]["S3Uri"];
    if b {
        assert_eq!(data_statistics, "s3://acme-ml/drift/data-statistics.json", "[{label}]");
        assert_eq!(drift["Bias"]["ConfigFile"]["ContentDigest"], "sha256:dda4", "[{label}]");
    } else {
        assert_eq!(
            data_statistics,
            &serde_json::json!({"Get": "Steps.QualityData.BaselineUsedForDriftCheckStatistics"}),
            "[{label}] {register:#}"
        );
    }
    let score = &step(&def, "Score")["Arguments"];
    assert_eq!(
        score["DataProcessing"]["InputFilter"],
        pick("$[1:]", "$[2:]"),
        "[{label}] {score:#}"
    );
    assert_eq!(score["DataProcessing"].get("OutputFilter").is_some(), b, "[{label}] {score:#}");
    let train = &step(&def, "Train")["Arguments"];
    assert_eq!(train.get("VpcConfig").is_some(), b, "[{label}] network.vpc_config: {train:#}");
    // B writes the debugger settings out; C's empty debug_hook_config is the SDK's default.
    assert_eq!(
        train["DebugHookConfig"]["S3OutputPath"],
        pick("s3://acme-ml/debug", "s3://acme-ml/models"),
        "[{label}] {train:#}"
    );
    assert_eq!(
        train["DebugHookConfig"]["CollectionConfigurations"].as_array().map(Vec::len),
        Some(if b { 1 } else { 0 }),
        "[{label}] {train:#}"
    );
    assert_eq!(train["ProfilerConfig"]["DisableProfiler"], !b, "[{label}] {train:#}");
    assert_eq!(train["ProfilerConfig"].get("S3OutputPath").is_some(), b, "[{label}] {train:#}");
    let quality = step(&def, "QualityModel");
    assert_eq!(
        quality["CacheConfig"].get("ExpireAfter").is_some(),
        b,
        "[{label}] cache.expire_after: {quality:#}"
    );
    let epochs = def["Parameters"]
        .as_array()
        .and_then(|ps| ps.iter().find(|p| p["Name"] == "Epochs"))
        .expect("parameter Epochs");
    assert_eq!(
        epochs["Type"],
        pick("Integer", "String"),
        "[{label}] a removed parameter type is String again: {epochs}"
    );
    assert_eq!(
        def["PipelineExperimentConfig"].get("ExperimentName").is_some(),
        b,
        "[{label}] {def:#}"
    );
}

/// What an import of the pipeline cannot read back: `dependencies` and `step_defaults` are
/// compiled into the steps (`DependsOn`, role, KMS keys, network, tags) and SageMaker keeps
/// only the result, so an imported pipeline has none and its `steps` hold the merged step
/// objects. The plan after import shows these three as changes; the compiled definition (and
/// so `definition_parts` and `definition_sha256`) is the same, and applying it leaves the
/// deployed definition as it was.
const NOT_READ_BACK_ON_IMPORT: [&str; 3] = ["dependencies", "steps", "step_defaults"];

/// Top-level attributes and blocks of `sagemaker_ml_pipeline.p` that a plan changes.
fn pipeline_changes(plan_text: &str) -> BTreeSet<String> {
    let Some(start) = plan_text.find("# sagemaker_ml_pipeline.p will be updated in-place") else {
        return BTreeSet::new();
    };
    let body = &plan_text[start..];
    let body = &body[..body.find("\n    }").unwrap_or(body.len())];
    body.lines()
        .filter_map(|l| {
            let rest = l.strip_prefix("      ")?;
            let rest = rest
                .strip_prefix("+ ")
                .or_else(|| rest.strip_prefix("~ "))
                .or_else(|| rest.strip_prefix("- "))?;
            Some(rest.split([' ', '{']).next()?.to_string())
        })
        .collect()
}

/// `state rm` + `import` of the pipeline, then the plan: it may change only `allowed` (what
/// import cannot read back), and applying that leaves SageMaker's definition unchanged. Returns
/// the plan's changes; afterwards the state has converged (the next plan is empty).
fn reimport(ws: &Workspace, sm: &LocalSageMaker, allowed: &[&str]) -> BTreeSet<String> {
    let v = &ws.terraform.version;
    let before = sm.deployed_definition(PIPELINE);
    ws.tf_ok(&["state", "rm", "sagemaker_ml_pipeline.p"]);
    let out =
        ws.tf_ok(&["import", "-no-color", "-input=false", "sagemaker_ml_pipeline.p", PIPELINE]);
    assert!(out.contains("Import successful"), "[{v}] {out}");
    let (code, text) = plan(ws);
    let changes = pipeline_changes(&text);
    match code {
        0 => {}
        2 => {
            assert!(
                text.contains("0 to add, 1 to change, 0 to destroy"),
                "[{v}] only the pipeline may change after import:\n{text}"
            );
            // `version_id` is known only after an apply that calls UpdatePipeline: a consequence
            // of the other changes, not something import failed to read.
            let unexpected: Vec<&String> = changes
                .iter()
                .filter(|c| !allowed.contains(&c.as_str()) && c.as_str() != "version_id")
                .collect();
            assert!(unexpected.is_empty(), "[{v}] import must read back {unexpected:?}:\n{text}");
            assert!(
                !text.contains("definition_sha256"),
                "[{v}] the compiled definition must not change after import:\n{text}"
            );
            ws.apply();
            assert_eq!(
                sm.deployed_definition(PIPELINE),
                before,
                "[{v}] applying after import must not change the definition"
            );
            let (code, text) = plan(ws);
            assert_eq!(code, 0, "[{v}] after import and apply the plan must be empty:\n{text}");
        }
        _ => panic!("[{v}] plan after import failed:\n{text}"),
    }
    changes
}

#[test]
fn every_optional_attribute_and_block_added_changed_and_removed() {
    let (a, b, c) =
        (phase_file("a_minimal.tf"), phase_file("b_full.tf"), phase_file("c_changed.tf"));
    let every = addresses(&a);
    let sm = LocalSageMaker::start();
    for terraform in terraform_binaries() {
        let started = Instant::now();
        sm.reset();
        let v = terraform.version.clone();
        let ws = Workspace::new(&terraform, &sm);

        // A: only what is required.
        ws.write("main.tf", &a);
        ws.init();
        let created: Vec<&str> = every.iter().map(String::as_str).collect();
        transition(&ws, "A", &a, &created, &BTreeSet::new(), &[], &[]);
        check_minimal(&sm, &ws, &format!("{v} A"), false);

        // B: every optional attribute and block added; one more step, filled by step_defaults.
        transition(&ws, "A->B", &b, &["sagemaker_processing_step.defaulted"], &every, &[], &[]);
        check_full(&sm, &format!("{v} B"), true);

        // C: every value changed. The defaulted step itself does not change (what fills it,
        // step_defaults, lives on the pipeline).
        transition(&ws, "B->C", &c, &[], &every, &[], &[]);
        check_full(&sm, &format!("{v} C"), false);

        // C, imported: the pipeline forgotten and imported by name.
        let changes = reimport(&ws, &sm, &NOT_READ_BACK_ON_IMPORT);
        eprintln!("[{v}] after import in phase C the plan changes {changes:?}");

        // D: back to minimal, everything removed.
        transition(
            &ws,
            "C->D",
            &a,
            &[],
            &every,
            &["sagemaker_processing_step.defaulted"],
            &["SageMaker keeps the previous parallelism limit"],
        );
        check_minimal(&sm, &ws, &format!("{v} D"), true);
        // Import reads back what SageMaker still holds after D: the parallelism limit (which
        // UpdatePipeline cannot remove) and, on the local endpoint only, the description.
        let changes = reimport(&ws, &sm, &["description", "parallelism_config"]);
        eprintln!("[{v}] after import in phase D the plan changes {changes:?}");

        ws.destroy();
        assert!(sm.pipeline_names().is_empty(), "[{v}] destroy removed the pipeline");
        let state = ws.tf_ok(&["state", "list"]);
        assert!(state.trim().is_empty(), "[{v}] nothing left in the state: {state}");
        eprintln!("[{v}] edit cycle took {:.1?}", started.elapsed());
    }
}

/// A nested block whose values are unknown until apply (here from a `null_resource` that is
/// replaced in the same apply), added and removed next to blocks that stay: the plan must
/// follow the configuration on Terraform 1.0.3 too, and the known values reach SageMaker.
#[test]
fn nested_blocks_with_values_unknown_until_apply_are_added_and_removed() {
    fn config(trigger: &str, vpc: bool, cache: bool) -> String {
        let vpc = if vpc {
            "vpc_config {\n      security_group_ids = [\"sg-0123456789abcdef0\"]\n      subnets            = [\"subnet-${null_resource.net.id}\"]\n    }"
        } else {
            ""
        };
        let cache = if cache {
            "cache {\n    enabled      = true\n    expire_after = null_resource.net.id == \"\" ? \"PT1H\" : \"PT2H\"\n  }"
        } else {
            ""
        };
        format!(
            r#"
terraform {{
  required_providers {{
    sagemaker = {{ source = "sagemaker-pipelines/sagemaker" }}
    null      = {{ source = "hashicorp/null", version = "2.1.2" }}
  }}
}}
resource "null_resource" "net" {{
  triggers = {{ t = "{trigger}" }}
}}
resource "sagemaker_processing_step" "prep" {{
  name          = "Prep"
  image_uri     = "683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-scikit-learn:1.2-1-cpu-py3"
  instance_type = "ml.m5.xlarge"
  role_arn      = "arn:aws:iam::123456789012:role/sagemaker-pipeline"
  {cache}
  network {{
    enable_network_isolation = true
    {vpc}
  }}
}}
resource "sagemaker_ml_pipeline" "p" {{
  name     = "{PIPELINE}"
  role_arn = "arn:aws:iam::123456789012:role/sagemaker-pipeline"
  steps    = [sagemaker_processing_step.prep.json]
}}
"#
        )
    }
    let sm = LocalSageMaker::start();
    for terraform in terraform_binaries() {
        sm.reset();
        let v = &terraform.version;
        let ws = Workspace::new(&terraform, &sm);
        ws.write("main.tf", &config("1", true, true));
        ws.init();
        // Each step replaces the null_resource, so its id is unknown while planning.
        for (trigger, vpc, cache) in
            [("1", true, true), ("2", true, false), ("3", false, true), ("4", true, true)]
        {
            let label = format!("{v} trigger {trigger}, vpc_config {vpc}, cache {cache}");
            ws.write("main.tf", &config(trigger, vpc, cache));
            ws.apply();
            let (code, text) = plan(&ws);
            assert_eq!(code, 0, "[{label}] the plan right after apply must be empty:\n{text}");
            let id = ws
                .state_show("null_resource.net")
                .lines()
                .find(|l| l.trim_start().starts_with("id"))
                .and_then(|l| l.split('"').nth(1))
                .expect("null_resource id")
                .to_string();
            let prep = step(&sm.deployed_definition(PIPELINE), "Prep").clone();
            let subnets = &prep["Arguments"]["NetworkConfig"]["VpcConfig"]["Subnets"];
            assert_eq!(
                subnets.get(0).cloned(),
                vpc.then_some(Json::String(format!("subnet-{id}"))),
                "[{label}] {prep:#}"
            );
            assert_eq!(prep.get("CacheConfig").is_some(), cache, "[{label}] {prep:#}");
        }
        ws.destroy();
        assert!(sm.pipeline_names().is_empty(), "[{v}] destroy removed the pipeline");
    }
}
