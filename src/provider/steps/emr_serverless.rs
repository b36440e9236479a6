//! `sagemaker_emr_serverless_step`: runs a Spark or Hive job on Amazon EMR Serverless
//! (`Type: EMRServerless`), on an existing application (`application_id`) or on one SageMaker
//! creates for the step (`application_config`, a CreateApplication request as JSON).
//!
//! The shape is what SDK 3.x's `EMRServerlessStep` (`sagemaker.mlops.workflow.
//! emr_serverless_step`) emits: `Arguments` is `{ExecutionRoleArn, JobConfig, ApplicationId |
//! ApplicationConfig}`, and `JobConfig` is the StartJobRun request in its own camelCase:
//! `{executionRoleArn, jobDriver, applicationId? (only with an existing application),
//! configurationOverrides?, executionTimeoutMinutes?, name?, tags?}`. The role is written twice,
//! as the SDK does. Properties are EMR Serverless's GetJobRun response (`jobRun.state`, ...).
//! Only the step retry types (`Step.SERVICE_FAULT`, `Step.THROTTLING`) apply: the SDK takes a
//! `StepRetryPolicy`.
//!
//! Layout: schema, facts for the pipeline compiler, compile, exports, property tree, tests.

use serde_json::{json, Map, Value as Json};

use super::common::{given, put, string_list, string_map, Ctx};
use super::{Export, StepKind};
use crate::compiler::expr;
use crate::compiler::policy::Permission;
use crate::compiler::step_type::NamedList;
use crate::compiler::step_type::StepDefault;
use crate::compiler::{dag::StepDefaults, properties::PropertyTree, StepTypeFacts};
use crate::framework::{AttrPath, Attribute, Block, NestedBlock};
use crate::provider::model;
use crate::tfvalue::{Type, Value};

pub struct EmrServerless;

// ---- schema -------------------------------------------------------------------------------

fn spark_submit_block() -> Block {
    Block::new("A Spark job (`jobDriver.sparkSubmit`). Exactly one of `spark_submit` and `hive`.")
        .attr(Attribute::required("entry_point", Type::String, "The script or JAR to run, e.g. `s3://my-bucket/jobs/etl.py`."))
        .attr(Attribute::optional("entry_point_arguments", string_list(), "Arguments of the entry point, e.g. `[\"--input\", \"{{ Parameters.InputData }}\"]`; may hold references."))
        .attr(Attribute::optional("spark_submit_parameters", Type::String, "spark-submit parameters, e.g. `--conf spark.executor.cores=4 --conf spark.executor.memory=16g`."))
}

fn hive_block() -> Block {
    Block::new("A Hive job (`jobDriver.hive`). Exactly one of `spark_submit` and `hive`.")
        .attr(Attribute::required(
            "query",
            Type::String,
            "S3 URI of the query file, e.g. `s3://my-bucket/queries/daily.sql`.",
        ))
        .attr(Attribute::optional(
            "init_query_file",
            Type::String,
            "S3 URI of a query run before `query`.",
        ))
        .attr(Attribute::optional(
            "parameters",
            Type::String,
            "Hive parameters, e.g. `--hiveconf hive.exec.scratchdir=s3://my-bucket/scratch`.",
        ))
}

/// The job's runtime role is EMR Serverless's, not SageMaker's: nothing comes from
/// `step_defaults` and there is no SageMaker role to check.
impl StepTypeFacts for EmrServerless {
    fn step_type(&self) -> &'static str {
        "EMRServerless"
    }
    fn property_tree(&self) -> PropertyTree {
        PropertyTree::Modelled(&properties::TREE)
    }
    fn step_defaults_taken(&self) -> &'static [StepDefault] {
        &[]
    }
    fn apply_step_defaults(&self, _args: &mut Map<String, Json>, _defaults: &StepDefaults) {}
    /// The job run's `tags`: user-named keys.
    fn string_maps(&self) -> &'static [&'static str] {
        &["tags"]
    }
    fn arguments_are_user_named(&self) -> bool {
        false
    }
    fn role_path(&self) -> Option<&'static [&'static str]> {
        None
    }
    /// No list of this type's properties is selected by a name the step declares.
    fn named_lists(&self) -> &'static [NamedList] {
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
        &[Permission::EmrServerlessJobRuns]
    }
}

impl StepKind for EmrServerless {
    fn type_name(&self) -> &'static str {
        "sagemaker_emr_serverless_step"
    }
    fn description(&self) -> &'static str {
        "An EMR Serverless step: runs a Spark or Hive job on an Amazon EMR Serverless application, an existing one or one created for the step. Compiled at plan time; no API call."
    }
    fn cacheable(&self) -> bool {
        true
    }
    fn retryable(&self) -> bool {
        true
    }

    fn block(&self, b: Block) -> Block {
        b.attr(Attribute::optional("application_id", Type::String, "ID of an existing EMR Serverless application, e.g. `00f1abcdefgh2345` or `aws_emrserverless_application.spark.id`. Exactly one of `application_id` and `application_config`."))
            .attr(Attribute::optional(
                "application_config",
                Type::String,
                "A CreateApplication request as JSON for an application SageMaker creates for this step, e.g. `jsonencode({ name = \"etl\", releaseLabel = \"emr-7.1.0\", type = \"SPARK\" })`. Needs `releaseLabel` and `type`. String values may hold references.",
            ))
            .attr(Attribute::required("execution_role_arn", Type::String, "Runtime role of the job run (`executionRoleArn`), e.g. `aws_iam_role.emr_serverless.arn`: a role EMR Serverless can assume.").validate(crate::provider::steps::common::emr_role_arn_validator()))
            .attr(Attribute::optional(
                "configuration_overrides",
                Type::String,
                "StartJobRun's `configurationOverrides` as JSON, e.g. `jsonencode({ monitoringConfiguration = { s3MonitoringConfiguration = { logUri = \"s3://my-bucket/logs\" } } })`. String values may hold references.",
            ))
            .attr(Attribute::optional("execution_timeout_minutes", Type::String, "Maximum duration of the job run in minutes (`executionTimeoutMinutes`), or a reference to an Integer parameter."))
            .attr(Attribute::optional("job_run_name", Type::String, "Name of the job run (`name`), e.g. `nightly-etl`."))
            .attr(Attribute::optional("tags", string_map(), "Tags of the job run (`tags`)."))
            .block(NestedBlock::single("spark_submit", spark_submit_block()))
            .block(NestedBlock::single("hive", hive_block()))
    }

    fn compile(&self, cfg: &Value, ctx: &mut Ctx, step: &mut Map<String, Json>) {
        let root = AttrPath::default();
        let mut args = Map::new();
        let mut job = Map::new();

        let app_id = ctx.string(cfg, "application_id", &root);
        let app_config = model::string(cfg, "application_config").value();
        ctx.exactly_one(
            ("application_id", given(cfg, "application_id")),
            ("application_config", given(cfg, "application_config")),
            "Give application_id to run on an existing EMR Serverless application, or application_config to have SageMaker create one, not both.",
            ("No application", "Set application_id (an existing EMR Serverless application, e.g. \"00f1abcdefgh2345\") or application_config (a CreateApplication request as JSON)."),
        );
        if let Some(id) = app_id {
            if id.as_str().is_some_and(|s| s.trim().is_empty()) {
                ctx.error_of(
                    AttrPath::root("application_id"),
                    "Empty application_id",
                    "Give the ID of an EMR Serverless application, e.g. \"00f1abcdefgh2345\".",
                );
            } else if let Some(text) = id.as_str().filter(|s| !valid_application_id(s)) {
                // EMR Serverless application IDs are 1-64 lowercase letters and digits
                // (helper finding: "app id with spaces" went into the definition).
                ctx.local_error(
                    AttrPath::root("application_id"),
                    format!("{} is not an EMR Serverless application ID", expr::shown(text)),
                    "Application IDs are 1-64 lowercase letters and digits, e.g. \"00f1abcdefgh2345\" (aws_emrserverless_application.<name>.id).",
                );
            }
            job.insert("applicationId".into(), id.clone());
            args.insert("ApplicationId".into(), id);
        }
        if let Some(text) = app_config {
            put(&mut args, "ApplicationConfig", json_object(&text, "application_config", ctx));
            if let Some(Json::Object(c)) = args.get("ApplicationConfig") {
                let missing: Vec<&str> =
                    ["releaseLabel", "type"].into_iter().filter(|k| !c.contains_key(*k)).collect();
                if !missing.is_empty() {
                    ctx.error_of(
                        AttrPath::root("application_config"),
                        format!("application_config has no {}", missing.join(" and ")),
                        "CreateApplication needs the EMR release and the application type, e.g. jsonencode({ releaseLabel = \"emr-7.1.0\", type = \"SPARK\" }).",
                    );
                }
            }
        }

        let role = ctx.string(cfg, "execution_role_arn", &root);
        put(&mut job, "executionRoleArn", role.clone());
        put(&mut args, "ExecutionRoleArn", role);

        let spark = cfg.get("spark_submit").filter(|s| !s.is_null());
        let hive = cfg.get("hive").filter(|s| !s.is_null());
        ctx.exactly_one(
            ("spark_submit", spark.is_some()),
            ("hive", hive.is_some()),
            "A job run is either a Spark job (spark_submit) or a Hive job (hive): remove one block.",
            ("No job driver", "Add spark_submit { entry_point = \"s3://my-bucket/jobs/etl.py\" } (or a hive block): the job to run."),
        );
        if let Some(s) = spark {
            let path = AttrPath::root("spark_submit");
            let mut d = Map::new();
            put(&mut d, "entryPoint", ctx.string(s, "entry_point", &path));
            if model::string(s, "entry_point").value().is_some_and(|e| e.trim().is_empty()) {
                ctx.local_error(
                    path.clone().attr("entry_point"),
                    "Empty entry_point",
                    "Give the script or JAR to run, e.g. \"s3://my-bucket/jobs/etl.py\".",
                );
            }
            put(
                &mut d,
                "entryPointArguments",
                ctx.string_list(s, "entry_point_arguments", &path).map(Json::Array),
            );
            put(&mut d, "sparkSubmitParameters", ctx.string(s, "spark_submit_parameters", &path));
            job.insert("jobDriver".into(), json!({ "sparkSubmit": d }));
        } else if let Some(h) = hive {
            let path = AttrPath::root("hive");
            let mut d = Map::new();
            put(&mut d, "query", ctx.s3_uri(h, "query", &path));
            put(&mut d, "initQueryFile", ctx.s3_uri(h, "init_query_file", &path));
            put(&mut d, "parameters", ctx.string(h, "parameters", &path));
            job.insert("jobDriver".into(), json!({ "hive": d }));
        }

        if let Some(text) = model::string(cfg, "configuration_overrides").value() {
            put(
                &mut job,
                "configurationOverrides",
                json_object(&text, "configuration_overrides", ctx),
            );
        }
        put(
            &mut job,
            "executionTimeoutMinutes",
            // StartJobRun takes 0 (no limit) to 1,000,000 minutes, as dag.rs judges a parameter.
            ctx.count_in(cfg, "execution_timeout_minutes", &root, 0..=1_000_000, None),
        );
        put(&mut job, "name", ctx.string(cfg, "job_run_name", &root));
        if let Some(n) = model::string(cfg, "job_run_name").value() {
            let len = n.chars().count();
            if n.trim().is_empty() || len > 256 {
                ctx.local_error(
                    AttrPath::root("job_run_name"),
                    if len > 256 { "job_run_name is too long" } else { "Empty job_run_name" },
                    "Job run names are 1-256 characters, e.g. \"nightly-etl\"; leave job_run_name out to let EMR Serverless name the run.",
                );
            }
        }
        if let Some(tags) = model::string_map(cfg, "tags").value() {
            // The EMR Serverless API's own limits (its TagMap, TagKey and TagValue shapes),
            // not SageMaker's: up to 200 tags, ASCII letters, digits, spaces and `/_.:=+@-`.
            if tags.len() > 200 {
                ctx.local_error(
                    AttrPath::root("tags"),
                    format!("{} tags is too many", tags.len()),
                    "An EMR Serverless job run takes at most 200 tags.",
                );
            }
            let allowed =
                |t: &str| t.bytes().all(|b| b.is_ascii_alphanumeric() || b" /_.:=+@-".contains(&b));
            for (k, v) in &tags {
                if k.is_empty()
                    || k.chars().count() > 128
                    || v.chars().count() > 256
                    || !allowed(k)
                    || (!allowed(v) && !expr::has_expression(v))
                {
                    ctx.local_error(
                        AttrPath::root("tags").key(k),
                        if k.is_empty() {
                            "A tag key is empty".to_string()
                        } else {
                            format!("Invalid tag {}", expr::shown(k))
                        },
                        "EMR Serverless tag keys are 1-128 characters and values at most 256, of ASCII letters, digits, spaces and / _ . : = + @ -.",
                    );
                }
            }
        }
        if let Some(tags) = ctx.string_map(cfg, "tags", &root, false) {
            job.insert("tags".into(), Json::Object(tags));
        }
        args.insert("JobConfig".into(), Json::Object(job));
        step.insert("Arguments".into(), Json::Object(args));

        // The SDK's EMRServerlessStep takes StepRetryPolicy: no SageMaker job to retry.
        super::common::step_retry_types_only(cfg, ctx, "EMR Serverless step");
    }

    fn exports(&self) -> Vec<Export> {
        vec![
            Export {
                name: "job_run_id",
                ty: Type::String,
                description:
                    "`{{ Steps.<name>.jobRun.jobRunId }}`: the ID of the EMR Serverless job run.",
                value: |name, _| Value::string(format!("{{{{ Steps.{name}.jobRun.jobRunId }}}}")),
            },
            Export {
                name: "job_run_arn",
                ty: Type::String,
                description:
                    "`{{ Steps.<name>.jobRun.arn }}`: the ARN of the EMR Serverless job run.",
                value: |name, _| Value::string(format!("{{{{ Steps.{name}.jobRun.arn }}}}")),
            },
        ]
    }
}

/// Parses a JSON-object attribute and compiles `{{ }}` in its string values.
fn json_object(text: &str, attr: &str, ctx: &mut Ctx) -> Option<Json> {
    let path = AttrPath::root(attr);
    let v: Json = match super::common::parse_user_json(text) {
        Ok(v @ Json::Object(_)) => v,
        Ok(_) => {
            ctx.error_of(
                path,
                format!("{attr} must be a JSON object"),
                "Write it with jsonencode({ ... }).",
            );
            return None;
        }
        Err(e) => {
            let (summary, detail) = e.message(attr, "Write it with jsonencode({ ... }).");
            ctx.error_of(path, summary, detail);
            return None;
        }
    };
    match expr::compile_json_strings(&v) {
        Ok(j) => Some(j),
        Err(errors) => {
            for (at, e) in errors {
                ctx.error_of(
                    path.clone(),
                    format!("Invalid {{{{ }}}} reference in {attr} at {at}"),
                    e.to_string(),
                );
            }
            None
        }
    }
}

/// What `{{ Steps.<name>.<path> }}` may reference on this step type.
pub mod properties {
    use crate::compiler::properties::shapes::*;

    const EMR_SERVERLESS_UTILIZATION: Shape =
        Struct(&[("vCPUHour", Leaf), ("memoryGBHour", Leaf), ("storageGBHour", Leaf)]);

    const EMR_SERVERLESS_IMAGE: Shape = Struct(&[
        ("imageUri", Leaf),
        ("resolvedImageDigest", Leaf),
        ("applicationLevelDigestResolution", Leaf),
    ]);

    /// EMR Serverless GetJobRun (the SDK 3.x `EMRServerlessStep` properties): everything is under
    /// `jobRun`, in EMR Serverless's camelCase.
    pub static TREE: StepProperties = StepProperties {
        source: "the EMR Serverless GetJobRun response",
        root: Struct(&[(
            "jobRun",
            Struct(&[
                ("applicationId", Leaf),
                ("jobRunId", Leaf),
                ("name", Leaf),
                ("arn", Leaf),
                ("createdBy", Leaf),
                ("createdAt", Leaf),
                ("updatedAt", Leaf),
                ("executionRole", Leaf),
                ("executionIamPolicy", Struct(&[("policy", Leaf), ("policyArns", STRINGS)])),
                ("state", Leaf),
                ("stateDetails", Leaf),
                ("releaseLabel", Leaf),
                // The request's overrides echoed back; deep and rarely referenced.
                ("configurationOverrides", Any),
                (
                    "jobDriver",
                    Struct(&[
                        (
                            "sparkSubmit",
                            Struct(&[
                                ("entryPoint", Leaf),
                                ("entryPointArguments", STRINGS),
                                ("sparkSubmitParameters", Leaf),
                            ]),
                        ),
                        (
                            "hive",
                            Struct(&[
                                ("query", Leaf),
                                ("initQueryFile", Leaf),
                                ("parameters", Leaf),
                            ]),
                        ),
                    ]),
                ),
                ("tags", Map),
                ("totalResourceUtilization", EMR_SERVERLESS_UTILIZATION),
                (
                    "networkConfiguration",
                    Struct(&[("subnetIds", STRINGS), ("securityGroupIds", STRINGS)]),
                ),
                ("totalExecutionDurationSeconds", Leaf),
                ("executionTimeoutMinutes", Leaf),
                ("billedResourceUtilization", EMR_SERVERLESS_UTILIZATION),
                ("mode", Leaf),
                (
                    "retryPolicy",
                    Struct(&[("maxAttempts", Leaf), ("maxFailedAttemptsPerHour", Leaf)]),
                ),
                ("attempt", Leaf),
                ("attemptCreatedAt", Leaf),
                ("attemptUpdatedAt", Leaf),
                ("startedAt", Leaf),
                ("endedAt", Leaf),
                ("queuedDurationMilliseconds", Leaf),
                ("imageConfiguration", EMR_SERVERLESS_IMAGE),
                // A map of worker type -> {imageConfiguration}.
                ("workerTypeSpecifications", Any),
                ("flexExecution", Struct(&[("enabled", Leaf)])),
            ]),
        )]),
        examples: &[
            "jobRun.jobRunId",
            "jobRun.state",
            "jobRun.arn",
            "jobRun.totalExecutionDurationSeconds",
        ],
    };
}

/// An EMR Serverless application ID (1-64 lowercase letters and digits), or a value holding a
/// `{{ }}` reference, judged when the pipeline runs.
fn valid_application_id(s: &str) -> bool {
    expr::has_expression(s)
        || (!s.is_empty()
            && s.len() <= 64
            && s.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit()))
}

#[cfg(test)]
mod tests {
    use super::super::StepResource;
    use super::*;

    fn compile(extra: Vec<(&'static str, Value)>) -> (Option<Json>, Vec<String>) {
        let mut all = vec![
            ("name", Value::string("Etl")),
            ("execution_role_arn", Value::string("arn:aws:iam::1:role/emr")),
        ];
        all.extend(extra);
        let (json, diags) = StepResource(EmrServerless).compile(&Value::object(all));
        let msgs = diags
            .iter()
            .map(|d| format!("{}: {}", d.path.clone().unwrap_or_default(), d.summary))
            .collect();
        (json.map(|j| serde_json::from_str(&j).unwrap_or(Json::Null)), msgs)
    }

    fn spark() -> (&'static str, Value) {
        ("spark_submit", Value::object([("entry_point", Value::string("s3://b/etl.py"))]))
    }

    /// Application IDs, entry points, run names and tag keys are checked at validate.
    #[test]
    fn ids_names_and_tags_are_checked() {
        let (_, msgs) = compile(vec![
            ("application_id", Value::string("app id with spaces")),
            ("spark_submit", Value::object([("entry_point", Value::string(""))])),
            ("job_run_name", Value::string("")),
            ("tags", Value::map([("", Value::string(""))])),
        ]);
        assert_eq!(
            msgs,
            [
                "application_id: \"app id with spaces\" is not an EMR Serverless application ID",
                "spark_submit.entry_point: Empty entry_point",
                "job_run_name: Empty job_run_name",
                "tags[\"\"]: A tag key is empty",
            ]
        );
        let (json, msgs) =
            compile(vec![("application_id", Value::string("{{ Parameters.App }}")), spark()]);
        assert!(msgs.is_empty() && json.is_some(), "{msgs:?}");
        // EMR Serverless's own tag limits: 200 tags, an ASCII character set (fresh-eyes finding:
        // a tab in a key was accepted).
        let many: Vec<(String, Value)> =
            (0..201).map(|i| (format!("k{i}"), Value::string("v"))).collect();
        let many = Value::map(many.iter().map(|(k, v)| (k.as_str(), v.clone())));
        let (_, msgs) =
            compile(vec![spark(), ("application_id", Value::string("00f1app1")), ("tags", many)]);
        assert_eq!(msgs, ["tags: 201 tags is too many"]);
        let (_, msgs) = compile(vec![
            spark(),
            ("application_id", Value::string("00f1app1")),
            ("tags", Value::map([("a\tb", Value::string("v"))])),
        ]);
        assert_eq!(msgs, ["tags[\"a\\tb\"]: Invalid tag \"a\\tb\""]);
        let (_, msgs) = compile(vec![
            spark(),
            ("application_id", Value::string("00f1app1")),
            (
                "tags",
                Value::map([
                    ("team", Value::string("ml-1 a/b")),
                    ("run", Value::string("{{ Parameters.Run }}")),
                ]),
            ),
        ]);
        assert!(msgs.is_empty(), "{msgs:?}");
    }

    /// The SDK writes the application ID and the role both at the top and in JobConfig.
    #[test]
    fn existing_application() {
        let (json, msgs) = compile(vec![("application_id", Value::string("00f1app1")), spark()]);
        assert!(msgs.is_empty(), "{msgs:?}");
        assert_eq!(
            json.expect("compiled")["Arguments"],
            json!({
                "ApplicationId": "00f1app1",
                "ExecutionRoleArn": "arn:aws:iam::1:role/emr",
                "JobConfig": {
                    "applicationId": "00f1app1",
                    "executionRoleArn": "arn:aws:iam::1:role/emr",
                    "jobDriver": {"sparkSubmit": {"entryPoint": "s3://b/etl.py"}}
                }
            })
        );
    }

    #[test]
    fn mistakes() {
        let (_, msgs) = compile(vec![]);
        assert_eq!(msgs, ["application_id: No application", "spark_submit: No job driver"]);
        let (_, msgs) = compile(vec![
            ("application_id", Value::string("a")),
            ("application_config", Value::string(r#"{"name":"x"}"#)),
            spark(),
            ("hive", Value::object([("query", Value::string("q.sql"))])),
            ("configuration_overrides", Value::string("[]")),
        ]);
        assert_eq!(
            msgs,
            [
                "application_config: Both application_id and application_config are set",
                "application_config: application_config has no releaseLabel and type",
                "hive: Both spark_submit and hive are set",
                "configuration_overrides: configuration_overrides must be a JSON object",
            ]
        );
    }

    /// Its property tree: the paths later steps use, and mistakes explained.
    #[test]
    fn property_paths() {
        use crate::compiler::properties::check_property_path;
        let tree = EmrServerless.property_tree();
        for ok in [
            "jobRun.jobRunId",
            "jobRun.state",
            "jobRun.arn",
            "jobRun.tags['team']",
            "jobRun.jobDriver.sparkSubmit.entryPointArguments[0]",
            "jobRun.totalResourceUtilization.vCPUHour",
            "jobRun.configurationOverrides.monitoringConfiguration",
        ] {
            assert_eq!(check_property_path("EMRServerless", tree, ok), Ok(()), "{ok}");
        }
        for (bad, needle) in [
            ("JobRun.state", "Did you mean `jobRun`?"),
            ("jobRun", "continue"),
            ("jobRun.State", "Did you mean `state`?"),
        ] {
            let e = check_property_path("EMRServerless", tree, bad).expect_err(bad);
            assert!(e.contains(needle), "{bad}: {e}");
        }
    }
}
