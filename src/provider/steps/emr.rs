//! `sagemaker_emr_step`: adds a step to an Amazon EMR cluster (`Type: EMR`), either a running
//! cluster (`cluster_id`) or one SageMaker creates for the step and terminates afterwards
//! (`cluster_config`, a RunJobFlow request as JSON). `Arguments` is
//! `{ClusterId | ClusterConfig, StepConfig: {HadoopJarStep}, ExecutionRoleArn?}`, as the SDK's
//! `EMRStep` builds it; the SDK's checks on `cluster_config` are plan-time diagnostics here.
//! Only the step retry types (`Step.SERVICE_FAULT`, `Step.THROTTLING`) apply to EMR steps.
//!
//! Layout: schema, compile, tests.

use serde_json::{json, Map, Value as Json};

use super::common::{given, put, string_list, string_map, Ctx};
use super::StepKind;
use crate::compiler::expr;
use crate::compiler::policy::Permission;
use crate::compiler::step_type::StepDefault;
use crate::compiler::{dag::StepDefaults, properties::PropertyTree, step_type, StepTypeFacts};
use crate::framework::{AttrPath, Attribute, Block, NestedBlock};
use crate::provider::model;
use crate::tfvalue::{Type, Value};

pub struct Emr;

// ---- schema -------------------------------------------------------------------------------

fn step_config_block() -> Block {
    Block::new("The Hadoop JAR step to run on the cluster (`StepConfig.HadoopJarStep`); required.")
        .attr(Attribute::required("jar", Type::String, "Path of the JAR, e.g. `s3://my-bucket/jobs/etl.jar` or `command-runner.jar`."))
        .attr(Attribute::optional("args", string_list(), "Arguments passed to the JAR's main function, e.g. `[\"spark-submit\", \"s3://my-bucket/jobs/etl.py\"]`; may hold references."))
        .attr(Attribute::optional("main_class", Type::String, "Main class of the JAR when its manifest names none, e.g. `com.example.Etl`."))
        .attr(Attribute::optional("properties", string_map(), "Java properties set when the step runs, e.g. `{ \"mapreduce.job.reduces\" = \"4\" }`; emitted as `[{Key, Value}]` sorted by key."))
}

impl StepTypeFacts for Emr {
    fn step_type(&self) -> &'static str {
        "EMR"
    }
    fn property_tree(&self) -> PropertyTree {
        PropertyTree::Modelled(&properties::TREE)
    }
    fn step_defaults_taken(&self) -> &'static [StepDefault] {
        &[]
    }
    fn apply_step_defaults(&self, _args: &mut Map<String, Json>, _defaults: &StepDefaults) {}
    fn string_maps(&self) -> &'static [&'static str] {
        &[]
    }
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
        Some(step_type::cache_keys::EMR)
    }
    fn permissions(&self) -> &'static [Permission] {
        &[Permission::EmrSteps]
    }
}

impl StepKind for Emr {
    fn type_name(&self) -> &'static str {
        "sagemaker_emr_step"
    }
    fn description(&self) -> &'static str {
        "An EMR step: runs a Hadoop JAR step (e.g. Spark through `command-runner.jar`) on a running Amazon EMR cluster or on a cluster created for the step. Compiled at plan time; no API call."
    }
    fn cacheable(&self) -> bool {
        true
    }
    fn retryable(&self) -> bool {
        true
    }

    fn block(&self, b: Block) -> Block {
        b.attr(Attribute::optional("cluster_id", Type::String, "ID of a running EMR cluster (STARTING, BOOTSTRAPPING, RUNNING or WAITING), e.g. `j-1ABCDEFGHIJKL` or `aws_emr_cluster.spark.id`. Exactly one of `cluster_id` and `cluster_config`."))
            .attr(Attribute::optional(
                "cluster_config",
                Type::String,
                "A RunJobFlow request as JSON for a cluster SageMaker creates for this step and terminates after it, e.g. `jsonencode({ ReleaseLabel = \"emr-6.15.0\", Instances = { InstanceGroups = [...] }, JobFlowRole = \"EMR_EC2_DefaultRole\", ServiceRole = \"EMR_DefaultRole\" })`. Without `Name`, `Steps` and `AutoTerminationPolicy`; `Instances` with exactly one of `InstanceGroups` and `InstanceFleets` and without `KeepJobFlowAliveWhenNoSteps` and `TerminationProtected`. String values may hold references.",
            ))
            .attr(Attribute::optional("execution_role_arn", Type::String, "Runtime role of the step on a `cluster_id` cluster, e.g. `aws_iam_role.emr_runtime.arn` (only with `cluster_id`).").validate(crate::provider::steps::common::emr_role_arn_validator()))
            .block(NestedBlock::single("step_config", step_config_block()))
    }

    fn compile(&self, cfg: &Value, ctx: &mut Ctx, step: &mut Map<String, Json>) {
        let root = AttrPath::default();
        let mut args = Map::new();

        let cluster_id = ctx.string(cfg, "cluster_id", &root);
        let cluster_config = model::string(cfg, "cluster_config").value();
        ctx.exactly_one(
            ("cluster_id", given(cfg, "cluster_id")),
            ("cluster_config", given(cfg, "cluster_config")),
            "Give cluster_id to run on an existing cluster, or cluster_config to have SageMaker create one, not both.",
            ("No cluster", "Set cluster_id (a running EMR cluster, e.g. \"j-1ABCDEFGHIJKL\") or cluster_config (a RunJobFlow request as JSON)."),
        );
        if let Some(id) = cluster_id {
            if id.as_str().is_some_and(|s| s.trim().is_empty()) {
                ctx.error_of(
                    AttrPath::root("cluster_id"),
                    "Empty cluster_id",
                    "Give the ID of a running EMR cluster, e.g. \"j-1ABCDEFGHIJKL\".",
                );
            } else if let Some(text) = id.as_str().filter(|s| !valid_cluster_id(s)) {
                // EMR cluster IDs are "j-" and upper-case letters and digits (helper finding:
                // "cluster-123" planned cleanly and failed only when the pipeline ran).
                let upper = text.to_ascii_uppercase().replacen("J-", "j-", 1);
                let hint = if valid_cluster_id(&upper) {
                    format!(" Did you mean {upper:?}? EMR writes cluster IDs in upper case after the \"j-\".")
                } else {
                    String::new()
                };
                ctx.local_error(
                    AttrPath::root("cluster_id"),
                    format!("{} is not an EMR cluster ID", expr::shown(text)),
                    format!("Cluster IDs are \"j-\" followed by upper-case letters and digits, e.g. \"j-1ABCDEFGHIJKL\" (aws_emr_cluster.<name>.id).{hint}"),
                );
            }
            args.insert("ClusterId".into(), id);
        }
        if let Some(text) = cluster_config {
            put(&mut args, "ClusterConfig", compile_cluster_config(&text, ctx));
        }
        if let Some(role) = ctx.string(cfg, "execution_role_arn", &root) {
            if !given(cfg, "cluster_id") {
                ctx.error_from(&[AttrPath::root("execution_role_arn"), AttrPath::root("cluster_id"), AttrPath::root("cluster_config")],
                    AttrPath::root("execution_role_arn"),
                    "execution_role_arn needs cluster_id",
                    "A runtime role applies only to a step on an existing cluster (cluster_id); for cluster_config set the roles inside it (JobFlowRole, ServiceRole).",
                );
            }
            args.insert("ExecutionRoleArn".into(), role);
        }

        match cfg.get("step_config").filter(|s| !s.is_null()) {
            Some(s) => {
                let path = AttrPath::root("step_config");
                let mut jar = Map::new();
                match ctx.string(s, "jar", &path) {
                    Some(j) if j.as_str().is_some_and(|t| t.trim().is_empty()) => {
                        ctx.error_of(path.clone().attr("jar"), "Empty jar", "Give the JAR path, e.g. \"command-runner.jar\" or \"s3://my-bucket/jobs/etl.jar\".");
                    }
                    Some(j) => {
                        jar.insert("Jar".into(), j);
                    }
                    None if given(s, "jar") => {} // an invalid reference, reported
                    None => ctx.error_of(path.clone().attr("jar"), "Missing jar", "Give the JAR path, e.g. \"command-runner.jar\"."),
                }
                put(&mut jar, "Args", ctx.string_list(s, "args", &path).filter(|a| !a.is_empty()).map(Json::Array));
                put(&mut jar, "MainClass", ctx.string(s, "main_class", &path));
                if let Some(props) = ctx.string_map(s, "properties", &path, false).filter(|p| !p.is_empty()) {
                    // serde_json's map is ordered by key: the list comes out sorted.
                    let list = props.into_iter().map(|(k, v)| json!({"Key": k, "Value": v})).collect();
                    jar.insert("Properties".into(), Json::Array(list));
                }
                args.insert("StepConfig".into(), json!({ "HadoopJarStep": jar }));
            }
            None => ctx.error_of(
                AttrPath::root("step_config"),
                "Missing step_config",
                "Add step_config { jar = \"command-runner.jar\", args = [...] }: the Hadoop JAR step to run.",
            ),
        }
        step.insert("Arguments".into(), Json::Object(args));

        // EMR steps take the step retry types only (the SDK's StepRetryPolicy).
        super::common::step_retry_types_only(cfg, ctx, "EMR step");
    }
}

/// Parses and checks `cluster_config` the way the SDK's `EMRStep` does, then compiles `{{ }}`
/// in its string values.
fn compile_cluster_config(text: &str, ctx: &mut Ctx) -> Option<Json> {
    let path = AttrPath::root("cluster_config");
    let v: Json = match super::common::parse_user_json(text) {
        Ok(v) => v,
        Err(e) => {
            let (summary, detail) =
                e.message("cluster_config", "Write it with jsonencode({ ... }).");
            ctx.error_of(path, summary, detail);
            return None;
        }
    };
    let Some(obj) = v.as_object() else {
        ctx.error_of(path, "cluster_config must be a JSON object", "Give a RunJobFlow request, e.g. jsonencode({ ReleaseLabel = \"emr-6.15.0\", Instances = { ... } }).");
        return None;
    };
    let forbidden: Vec<&str> = ["Name", "Steps", "AutoTerminationPolicy"]
        .into_iter()
        .filter(|k| obj.contains_key(*k))
        .collect();
    if !forbidden.is_empty() {
        ctx.error_of(
            path.clone(),
            format!("cluster_config must not set {}", forbidden.join(", ")),
            "SageMaker names the cluster, adds this step as its only step and terminates it afterwards: remove Name, Steps and AutoTerminationPolicy.",
        );
    }
    match obj.get("Instances") {
        Some(Json::Object(inst)) => {
            if inst.contains_key("InstanceGroups") == inst.contains_key("InstanceFleets") {
                ctx.error_of(
                    path.clone(),
                    "cluster_config.Instances needs exactly one of InstanceGroups and InstanceFleets",
                    "Describe the cluster's instances either as InstanceGroups (uniform groups) or as InstanceFleets, not both and not neither.",
                );
            }
            let kept: Vec<&str> =
                ["KeepJobFlowAliveWhenNoSteps", "TerminationProtected"].into_iter().filter(|k| inst.contains_key(*k)).collect();
            if !kept.is_empty() {
                ctx.error_of(
                    path.clone(),
                    format!("cluster_config.Instances must not set {}", kept.join(", ")),
                    "The cluster lives only for this step, so SageMaker controls its termination: remove these keys.",
                );
            }
            for (at, ty) in sagemaker_instance_types(inst) {
                ctx.error_of(
                    path.clone(),
                    format!("cluster_config.{at} is a SageMaker instance type"),
                    format!(
                        "EMR runs EC2 instances, named without SageMaker's \"ml.\" prefix: write {:?}, not {ty:?}.",
                        &ty["ml.".len()..]
                    ),
                );
            }
        }
        Some(_) => ctx.error_of(path.clone(), "cluster_config.Instances must be an object", "Give Instances = { InstanceGroups = [...] } (or InstanceFleets)."),
        None => ctx.error_of(
            path.clone(),
            "cluster_config has no Instances",
            "Add Instances = { InstanceGroups = [...] } (or InstanceFleets): the instances of the cluster to create.",
        ),
    }
    match expr::compile_json_strings(&v) {
        Ok(j) => Some(j),
        Err(errors) => {
            for (at, e) in errors {
                ctx.error_of(
                    path.clone(),
                    format!("Invalid {{{{ }}}} reference in cluster_config at {at}"),
                    e.to_string(),
                );
            }
            None
        }
    }
}

/// The instance types of `Instances` (RunJobFlow's `JobFlowInstancesConfig`) written as SageMaker
/// instance types (`ml.` prefix), which EMR rejects when it creates the cluster: each with its
/// place in `cluster_config` (`Instances.InstanceGroups[0].InstanceType`).
fn sagemaker_instance_types(instances: &Map<String, Json>) -> Vec<(String, String)> {
    let mut found = Vec::new();
    let mut check = |at: String, v: Option<&Json>| {
        if let Some(ty) = v.and_then(Json::as_str).filter(|t| t.starts_with("ml.")) {
            found.push((at, ty.to_string()));
        }
    };
    for key in ["MasterInstanceType", "SlaveInstanceType"] {
        check(format!("Instances.{key}"), instances.get(key));
    }
    let list = |key: &str| {
        instances.get(key).and_then(Json::as_array).map(Vec::as_slice).unwrap_or_default()
    };
    for (i, group) in list("InstanceGroups").iter().enumerate() {
        check(format!("Instances.InstanceGroups[{i}].InstanceType"), group.get("InstanceType"));
    }
    for (i, fleet) in list("InstanceFleets").iter().enumerate() {
        let configs = fleet
            .get("InstanceTypeConfigs")
            .and_then(Json::as_array)
            .map(Vec::as_slice)
            .unwrap_or_default();
        for (j, config) in configs.iter().enumerate() {
            check(
                format!("Instances.InstanceFleets[{i}].InstanceTypeConfigs[{j}].InstanceType"),
                config.get("InstanceType"),
            );
        }
    }
    found
}

/// What `{{ Steps.<name>.<path> }}` may reference on an EMR step.
pub mod properties {
    use crate::compiler::properties::shapes::*;

    /// The EMR `Step` shape (DescribeStep in the EMR API).
    pub static TREE: StepProperties = StepProperties {
        source: "the EMR DescribeStep response's Step",
        root: Struct(&[
            ("Id", Leaf),
            ("Name", Leaf),
            (
                "Config",
                Struct(&[
                    ("Jar", Leaf),
                    ("Properties", Map),
                    ("MainClass", Leaf),
                    ("Args", STRINGS),
                ]),
            ),
            ("ActionOnFailure", Leaf),
            (
                "Status",
                Struct(&[
                    ("State", Leaf),
                    ("StateChangeReason", Struct(&[("Code", Leaf), ("Message", Leaf)])),
                    (
                        "FailureDetails",
                        Struct(&[("Reason", Leaf), ("Message", Leaf), ("LogFile", Leaf)]),
                    ),
                    (
                        "Timeline",
                        Struct(&[
                            ("CreationDateTime", Leaf),
                            ("StartDateTime", Leaf),
                            ("EndDateTime", Leaf),
                        ]),
                    ),
                ]),
            ),
            ("ExecutionRoleArn", Leaf),
            ("LogUri", Leaf),
            ("EncryptionKeyArn", Leaf),
        ]),
        examples: &["Id", "Status.State", "Status.FailureDetails.Reason", "Config.Args"],
    };
}

/// An EMR cluster ID ("j-" and upper-case letters and digits, at most 256 characters), or a
/// value holding a `{{ }}` reference, judged when the pipeline runs.
fn valid_cluster_id(s: &str) -> bool {
    expr::has_expression(s)
        || s.strip_prefix("j-").is_some_and(|rest| {
            !rest.is_empty()
                && s.len() <= 256
                && rest.bytes().all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::provider::steps::StepResource;

    fn compile(attrs: Vec<(&'static str, Value)>) -> (Option<Json>, Vec<String>) {
        let mut all = vec![
            ("name", Value::string("Etl")),
            ("step_config", Value::object([("jar", Value::string("command-runner.jar"))])),
        ];
        all.extend(attrs);
        let (json, diags) = StepResource(Emr).compile(&Value::object(all));
        let msgs = diags
            .iter()
            .map(|d| format!("{}: {}", d.path.clone().unwrap_or_default(), d.summary))
            .collect();
        (json.map(|j| serde_json::from_str(&j).unwrap_or(Json::Null)), msgs)
    }

    /// A cluster ID is "j-" and upper-case letters and digits; a reference passes.
    #[test]
    fn cluster_ids_are_checked() {
        for ok in ["j-1ABCDEFGHIJKL", "{{ Parameters.Cluster }}"] {
            let (json, msgs) = compile(vec![("cluster_id", Value::string(ok))]);
            assert!(msgs.is_empty() && json.is_some(), "{ok}: {msgs:?}");
        }
        let (_, msgs) = compile(vec![("cluster_id", Value::string("cluster-123"))]);
        assert_eq!(msgs, ["cluster_id: \"cluster-123\" is not an EMR cluster ID"]);
        let (json, diags) = StepResource(Emr).compile(&Value::object([
            ("name", Value::string("Etl")),
            ("step_config", Value::object([("jar", Value::string("command-runner.jar"))])),
            ("cluster_id", Value::string("j-1abcdefghijkl")),
        ]));
        assert!(json.is_none());
        assert!(
            diags.iter().any(|d| d.detail.contains("Did you mean \"j-1ABCDEFGHIJKL\"?")),
            "{diags:?}"
        );
    }

    /// A key written twice in cluster_config is an error, not the last value silently.
    #[test]
    fn a_duplicate_key_in_cluster_config_is_an_error() {
        let (_, msgs) = compile(vec![(
            "cluster_config",
            Value::string(r#"{"ReleaseLabel": "emr-6.15.0", "Instances": {"A": 1, "A": 2}}"#),
        )]);
        assert_eq!(msgs, ["cluster_config: cluster_config has the key \"A\" twice"]);
    }

    /// A value whose `{{ }}` reference is invalid is reported as that, not also as missing.
    #[test]
    fn an_invalid_reference_is_not_also_a_missing_value() {
        let (_, msgs) = compile(vec![
            ("cluster_id", Value::string("{{ Parameters.Cluster")),
            ("execution_role_arn", Value::string("arn:aws:iam::1:role/r")),
            ("step_config", Value::object([("jar", Value::string("{{ Parameters.Jar"))])),
        ]);
        assert_eq!(
            msgs,
            vec!["cluster_id: Invalid {{ }} reference", "step_config.jar: Invalid {{ }} reference",]
        );
    }

    #[test]
    fn cluster_id_with_role() {
        let (json, msgs) = compile(vec![
            ("cluster_id", Value::string("j-1")),
            ("execution_role_arn", Value::string("arn:aws:iam::1:role/r")),
        ]);
        assert!(msgs.is_empty(), "{msgs:?}");
        assert_eq!(
            json.expect("compiled")["Arguments"],
            json!({"ClusterId": "j-1", "ExecutionRoleArn": "arn:aws:iam::1:role/r", "StepConfig": {"HadoopJarStep": {"Jar": "command-runner.jar"}}})
        );
    }

    #[test]
    fn cluster_rules() {
        let (_, msgs) = compile(vec![]);
        assert!(msgs.iter().any(|m| m.starts_with("cluster_id: No cluster")), "{msgs:?}");
        let (_, msgs) = compile(vec![
            ("cluster_config", Value::string(r#"{"Name":"x","Instances":{}}"#)),
            ("execution_role_arn", Value::string("r")),
        ]);
        assert!(msgs.iter().any(|m| m.contains("must not set Name")), "{msgs:?}");
        assert!(msgs.iter().any(|m| m.contains("exactly one of InstanceGroups")), "{msgs:?}");
        assert!(msgs.iter().any(|m| m.starts_with("execution_role_arn")), "{msgs:?}");
        let (_, msgs) = compile(vec![("cluster_config", Value::string("[1"))]);
        assert!(msgs.iter().any(|m| m.contains("not valid JSON")), "{msgs:?}");
    }

    /// EMR instance types are EC2's: a SageMaker `ml.` type is named where it is, each place once.
    #[test]
    fn sagemaker_instance_types_in_a_cluster_config() {
        let groups = r#"{"Instances":{"MasterInstanceType":"ml.m5.xlarge","InstanceGroups":[
            {"InstanceRole":"MASTER","InstanceType":"m5.xlarge","InstanceCount":1},
            {"InstanceRole":"CORE","InstanceType":"ml.r5.2xlarge","InstanceCount":2}]}}"#;
        let (_, msgs) = compile(vec![("cluster_config", Value::string(groups))]);
        assert_eq!(
            msgs,
            vec![
                "cluster_config: cluster_config.Instances.MasterInstanceType is a SageMaker instance type",
                "cluster_config: cluster_config.Instances.InstanceGroups[1].InstanceType is a SageMaker instance type",
            ]
        );
        let fleets = r#"{"Instances":{"InstanceFleets":[{"InstanceFleetType":"MASTER",
            "InstanceTypeConfigs":[{"InstanceType":"m5.xlarge"},{"InstanceType":"ml.m5.xlarge"}]}]}}"#;
        let (_, msgs) = compile(vec![("cluster_config", Value::string(fleets))]);
        assert_eq!(
            msgs,
            vec!["cluster_config: cluster_config.Instances.InstanceFleets[0].InstanceTypeConfigs[1].InstanceType is a SageMaker instance type"]
        );
        let fine =
            r#"{"Instances":{"InstanceGroups":[{"InstanceType":"m5.xlarge","InstanceCount":1}]}}"#;
        assert_eq!(compile(vec![("cluster_config", Value::string(fine))]).1, Vec::<String>::new());
    }
}
