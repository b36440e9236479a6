//! The least-privilege IAM policy a pipeline's role needs, derived from its compiled definition
//! (data source `sagemaker_ml_pipeline_policy`).
//!
//! What the definition says, statement by statement (each with a fixed `Sid`, present only when
//! some step needs it):
//! - `SageMakerJobs`: the SageMaker actions that start, describe and stop exactly the job types
//!   its steps run, on those job types' ARNs; `sagemaker:AddTags` for the tags SageMaker puts
//!   on the jobs a pipeline starts. Which jobs a step `Type` runs (and whether it invokes a
//!   Lambda function, sends to a queue or runs EMR work) is a fact of that type
//!   ([`Permission`], through `StepTypeFacts::permissions`): this module lists no step types.
//! - `PassRoles`: `iam:PassRole` on every role the steps hand to a job (`RoleArn`,
//!   `ExecutionRoleArn`, EMR's job flow and service roles, EMR Serverless' `executionRoleArn`).
//! - `S3Read` / `S3Write` / `S3ListBuckets`: `s3:GetObject` on what steps read, `s3:PutObject`
//!   (and `GetObject`) on what they write, `s3:ListBucket` on those buckets. Scoped to the
//!   literal prefix of each location: a location built at run time
//!   (`s3://bucket/{{ Execution.PipelineExecutionId }}/out`) widens to its literal part
//!   (`bucket/*`); one that is wholly a reference (a parameter) widens to every bucket (`*`).
//!   A location that is another step's output (`{{ Steps.Prep.outputs... }}`) adds nothing:
//!   the producing step's write statement covers it. Whether a location is read or written
//!   follows where it sits: outputs
//!   (`ProcessingOutputConfig`, `OutputDataConfig`, `TransformOutput`, `DebugHookConfig`,
//!   `ProfilerConfig`, EMR `LogUri`) are written, checkpoints both, everything else read.
//! - `Kms`: `kms:Decrypt`, `Encrypt`, `GenerateDataKey`, `CreateGrant`, `DescribeKey` on the keys
//!   the steps name (ARNs as given; key ids and aliases in any region and account).
//! - `InvokeLambdas`: `lambda:InvokeFunction` on Lambda steps' functions.
//! - `CallbackQueues`: `sqs:SendMessage` on callback steps' queues (the queue URL as an ARN).
//! - `Emr` / `EmrServerless`: the EMR actions of EMR steps (adding and watching steps on a named
//!   cluster, or running and terminating a new one), the EMR Serverless job-run actions.
//! - `EcrPull` + `EcrAuth`: pulling the steps' images from their ECR repositories.
//!
//! Invariants: the same definition gives the same document (statements in the order above,
//! actions and resources sorted and unique); a value this module cannot read (not a string, a
//! malformed ARN) widens, never narrows, and never panics. Pure: no IO.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{json, Map, Value as Json};

use super::StepTypes;

/// The IAM policy document for a compiled definition, as canonical JSON text. `types` tells
/// what each step `Type` needs ([`Permission`]); a type it does not know needs nothing beyond
/// what its `Arguments` name.
pub fn document(definition: &Json, types: StepTypes) -> Json {
    let mut found = Found::default();
    for step in all_steps(definition) {
        found.step(step, types);
    }
    found.statements()
}

#[derive(Default)]
struct Found {
    job_actions: BTreeSet<&'static str>,
    job_resources: BTreeSet<&'static str>,
    roles: BTreeSet<String>,
    reads: BTreeSet<String>,
    writes: BTreeSet<String>,
    buckets: BTreeSet<String>,
    keys: BTreeSet<String>,
    lambdas: BTreeSet<String>,
    queues: BTreeSet<String>,
    emr: BTreeMap<&'static str, BTreeSet<String>>,
    emr_serverless: bool,
    repositories: BTreeSet<String>,
}

/// What a step type needs its pipeline's role to be allowed, besides what this module finds
/// in every step's `Arguments` (roles, S3 locations, KMS keys, images): each step type
/// declares its own ([`super::StepTypeFacts::permissions`]), so this module lists no types.
#[derive(Debug)]
pub enum Permission {
    /// Start, describe and stop one kind of SageMaker job (the `SageMakerJobs` statement).
    SageMakerJob(&'static SageMakerJob),
    /// `lambda:InvokeFunction` on the step's `FunctionArn`.
    InvokeFunction,
    /// `sqs:SendMessage` on the step's `SqsQueueUrl`.
    SendMessage,
    /// Adding and watching EMR steps on the step's `ClusterId`, or, with `ClusterConfig`,
    /// on a cluster the step creates and terminates.
    EmrSteps,
    /// Starting, watching and cancelling EMR Serverless job runs.
    EmrServerlessJobRuns,
}

/// A kind of SageMaker job: the actions that run it and the ARN pattern of its jobs.
#[derive(Debug)]
pub struct SageMakerJob {
    pub actions: &'static [&'static str],
    pub resource: &'static str,
}

pub const PROCESSING_JOB: SageMakerJob = SageMakerJob {
    actions: &[
        "sagemaker:CreateProcessingJob",
        "sagemaker:DescribeProcessingJob",
        "sagemaker:StopProcessingJob",
    ],
    resource: "arn:aws:sagemaker:*:*:processing-job/*",
};
pub const TRAINING_JOB: SageMakerJob = SageMakerJob {
    actions: &[
        "sagemaker:CreateTrainingJob",
        "sagemaker:DescribeTrainingJob",
        "sagemaker:StopTrainingJob",
    ],
    resource: "arn:aws:sagemaker:*:*:training-job/*",
};
pub const TUNING_JOB: SageMakerJob = SageMakerJob {
    actions: &[
        "sagemaker:CreateHyperParameterTuningJob",
        "sagemaker:DescribeHyperParameterTuningJob",
        "sagemaker:ListTrainingJobsForHyperParameterTuningJob",
        "sagemaker:StopHyperParameterTuningJob",
    ],
    resource: "arn:aws:sagemaker:*:*:hyper-parameter-tuning-job/*",
};
pub const TRANSFORM_JOB: SageMakerJob = SageMakerJob {
    actions: &[
        "sagemaker:CreateTransformJob",
        "sagemaker:DescribeTransformJob",
        "sagemaker:StopTransformJob",
    ],
    resource: "arn:aws:sagemaker:*:*:transform-job/*",
};
pub const AUTOML_JOB: SageMakerJob = SageMakerJob {
    actions: &[
        "sagemaker:CreateAutoMLJob",
        "sagemaker:DescribeAutoMLJob",
        "sagemaker:ListCandidatesForAutoMLJob",
        "sagemaker:StopAutoMLJob",
    ],
    resource: "arn:aws:sagemaker:*:*:automl-job/*",
};
pub const MODEL: SageMakerJob = SageMakerJob {
    actions: &["sagemaker:CreateModel", "sagemaker:DescribeModel"],
    resource: "arn:aws:sagemaker:*:*:model/*",
};
pub const MODEL_PACKAGE: SageMakerJob = SageMakerJob {
    actions: &["sagemaker:CreateModelPackage", "sagemaker:DescribeModelPackage"],
    resource: "arn:aws:sagemaker:*:*:model-package/*",
};
pub const MODEL_PACKAGE_GROUP: SageMakerJob = SageMakerJob {
    actions: &["sagemaker:DescribeModelPackageGroup"],
    resource: "arn:aws:sagemaker:*:*:model-package-group/*",
};

/// The keys of `Arguments` that hold steps (a condition's branches).
const BRANCH_KEYS: [&str; 2] = ["IfSteps", "ElseSteps"];

/// Keys under which a location is written (everything else with an S3 location is read).
const WRITTEN_UNDER: [&str; 6] = [
    "ProcessingOutputConfig",
    "OutputDataConfig",
    "TransformOutput",
    "DebugHookConfig",
    "ProfilerConfig",
    "LogUri",
];

/// Keys whose string value is an S3 location.
const S3_KEYS: [&str; 6] =
    ["S3Uri", "S3OutputPath", "ModelDataUrl", "LogUri", "S3Prefix", "ManifestS3Uri"];

/// Keys that hand a role to a job.
const ROLE_KEYS: [&str; 5] =
    ["RoleArn", "ExecutionRoleArn", "JobFlowRole", "ServiceRole", "executionRoleArn"];

/// Keys naming a KMS key.
const KMS_KEYS: [&str; 3] = ["KmsKeyId", "VolumeKmsKeyId", "kmsKeyId"];

/// Keys naming a container image.
const IMAGE_KEYS: [&str; 3] = ["ImageUri", "TrainingImage", "Image"];

impl Found {
    fn step(&mut self, step: &Json, types: StepTypes) {
        let args = step.get("Arguments").unwrap_or(&Json::Null);
        let ty = step.get("Type").and_then(Json::as_str).unwrap_or("");
        for p in types(ty).map(|t| t.permissions()).unwrap_or_default() {
            match p {
                Permission::SageMakerJob(job) => {
                    self.job_actions.extend(job.actions.iter().copied());
                    self.job_resources.insert(job.resource);
                }
                Permission::InvokeFunction => {
                    let f = step.get("FunctionArn").map(literal_or_wild).unwrap_or_default();
                    self.lambdas.insert(if f.is_empty() { "*".into() } else { f });
                }
                Permission::SendMessage => {
                    let q = step.get("SqsQueueUrl").map(literal_or_wild).unwrap_or_default();
                    self.queues.insert(queue_arn(&q));
                }
                Permission::EmrSteps => {
                    let cluster = args.get("ClusterId").map(literal_or_wild);
                    let on_cluster = self.emr.entry("steps").or_default();
                    match cluster {
                        Some(id) if !id.is_empty() => {
                            on_cluster.insert(format!("arn:aws:elasticmapreduce:*:*:cluster/{id}"))
                        }
                        _ => on_cluster.insert("arn:aws:elasticmapreduce:*:*:cluster/*".into()),
                    };
                    if args.get("ClusterConfig").is_some() {
                        self.emr.entry("new_cluster").or_default().insert("*".into());
                    }
                }
                Permission::EmrServerlessJobRuns => self.emr_serverless = true,
            }
        }
        self.walk(args, false, None);
    }

    /// Collects locations, roles, keys and images anywhere in `v`; `written` once under an
    /// output key; `key` is the key `v` sits under (`None` for a step's `Arguments`, whose
    /// branch steps are steps of their own, visited by `all_steps`).
    fn walk(&mut self, v: &Json, written: bool, key: Option<&str>) {
        match v {
            Json::Object(map) => {
                for (k, child) in map {
                    if key.is_none() && BRANCH_KEYS.contains(&k.as_str()) {
                        continue;
                    }
                    let w = written || WRITTEN_UNDER.contains(&k.as_str());
                    let k = k.as_str();
                    if S3_KEYS.contains(&k) && !child.is_object_with_key("S3Uri") {
                        self.location(child, w, k == "S3Uri" && key == Some("CheckpointConfig"));
                    } else if ROLE_KEYS.contains(&k) {
                        self.roles.insert(role_arn(&literal_or_wild(child)));
                    } else if KMS_KEYS.contains(&k) {
                        self.keys.insert(key_arn(&literal_or_wild(child)));
                    } else if IMAGE_KEYS.contains(&k) {
                        if let Some(repo) = ecr_repository(&literal_or_wild(child)) {
                            self.repositories.insert(repo);
                        }
                    } else if k == "HyperParameters" || k == "StaticHyperParameters" {
                        // The SDK's `sagemaker_submit_directory` is a quoted S3 URI of the code.
                        for value in child.as_object().into_iter().flat_map(Map::values) {
                            if let Some(s) = value.as_str() {
                                let s = s.trim_matches('"');
                                if s.starts_with("s3://") {
                                    self.location(&Json::String(s.to_string()), false, false);
                                }
                            }
                        }
                    } else {
                        self.walk(child, w, Some(k));
                    }
                }
            }
            Json::Array(items) => items.iter().for_each(|i| self.walk(i, written, key)),
            _ => {}
        }
    }

    fn location(&mut self, v: &Json, written: bool, both: bool) {
        if from_a_step(v) {
            // Another step's output: the producing step writes it, and `S3Write` (which grants
            // reading too) covers that location already.
            return;
        }
        let literal = literal_prefix(v);
        let Some(rest) = literal.strip_prefix("s3://") else {
            // Wholly a reference, or not an S3 URI at all: every bucket.
            self.buckets.insert("*".into());
            let all = "*".to_string();
            if written || both {
                self.writes.insert(all.clone());
            }
            if !written || both {
                self.reads.insert(all);
            }
            return;
        };
        let (bucket, prefix) = rest.split_once('/').unwrap_or((rest, ""));
        let bucket = if bucket.is_empty() { "*" } else { bucket };
        self.buckets.insert(bucket.to_string());
        // A literal key covers the object itself and anything below it as a prefix (SageMaker
        // reads an S3Prefix location as a prefix).
        let object = format!("{bucket}/{prefix}*");
        if written || both {
            self.writes.insert(object.clone());
        }
        if !written || both {
            self.reads.insert(object);
        }
    }

    fn statements(self) -> Json {
        let mut out = Vec::new();
        let sorted = |s: BTreeSet<String>| Json::from(s.into_iter().collect::<Vec<_>>());
        if !self.job_actions.is_empty() {
            let mut actions: BTreeSet<&str> = self.job_actions;
            actions.insert("sagemaker:AddTags");
            out.push(json!({"Sid": "SageMakerJobs", "Effect": "Allow",
                "Action": actions.into_iter().collect::<Vec<_>>(),
                "Resource": self.job_resources.into_iter().collect::<Vec<_>>()}));
        }
        if !self.roles.is_empty() {
            out.push(json!({"Sid": "PassRoles", "Effect": "Allow", "Action": ["iam:PassRole"],
                "Resource": sorted(narrowest(self.roles))}));
        }
        if !self.reads.is_empty() {
            out.push(json!({"Sid": "S3Read", "Effect": "Allow", "Action": ["s3:GetObject"],
                "Resource": sorted(narrowest(self.reads).into_iter().map(|p| s3_arn(&p)).collect())}));
        }
        if !self.writes.is_empty() {
            out.push(json!({"Sid": "S3Write", "Effect": "Allow", "Action": ["s3:GetObject", "s3:PutObject"],
                "Resource": sorted(narrowest(self.writes).into_iter().map(|p| s3_arn(&p)).collect())}));
        }
        if !self.buckets.is_empty() {
            out.push(json!({"Sid": "S3ListBuckets", "Effect": "Allow", "Action": ["s3:ListBucket"],
                "Resource": sorted(narrowest(self.buckets).into_iter().map(|b| s3_arn(&b)).collect())}));
        }
        if !self.keys.is_empty() {
            out.push(json!({"Sid": "Kms", "Effect": "Allow",
                "Action": ["kms:CreateGrant", "kms:Decrypt", "kms:DescribeKey", "kms:Encrypt", "kms:GenerateDataKey"],
                "Resource": sorted(narrowest(self.keys))}));
        }
        if !self.lambdas.is_empty() {
            out.push(json!({"Sid": "InvokeLambdas", "Effect": "Allow", "Action": ["lambda:InvokeFunction"],
                "Resource": sorted(narrowest(self.lambdas))}));
        }
        if !self.queues.is_empty() {
            out.push(
                json!({"Sid": "CallbackQueues", "Effect": "Allow", "Action": ["sqs:SendMessage"],
                "Resource": sorted(narrowest(self.queues))}),
            );
        }
        if let Some(clusters) = self.emr.get("steps") {
            let mut actions = vec![
                "elasticmapreduce:AddJobFlowSteps",
                "elasticmapreduce:CancelSteps",
                "elasticmapreduce:DescribeStep",
            ];
            let mut resources = narrowest(clusters.clone());
            if self.emr.contains_key("new_cluster") {
                actions.extend([
                    "elasticmapreduce:DescribeCluster",
                    "elasticmapreduce:RunJobFlow",
                    "elasticmapreduce:TerminateJobFlows",
                ]);
                resources = BTreeSet::from(["*".to_string()]);
            }
            actions.sort_unstable();
            out.push(json!({"Sid": "Emr", "Effect": "Allow", "Action": actions, "Resource": sorted(resources)}));
        }
        if self.emr_serverless {
            out.push(json!({"Sid": "EmrServerless", "Effect": "Allow",
                "Action": ["emr-serverless:CancelJobRun", "emr-serverless:GetJobRun", "emr-serverless:StartJobRun"],
                "Resource": ["arn:aws:emr-serverless:*:*:/applications/*"]}));
        }
        if !self.repositories.is_empty() {
            out.push(json!({"Sid": "EcrPull", "Effect": "Allow",
                "Action": ["ecr:BatchCheckLayerAvailability", "ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"],
                "Resource": sorted(self.repositories)}));
            out.push(json!({"Sid": "EcrAuth", "Effect": "Allow", "Action": ["ecr:GetAuthorizationToken"], "Resource": ["*"]}));
        }
        json!({"Version": "2012-10-17", "Statement": out})
    }
}

trait ObjectWithKey {
    fn is_object_with_key(&self, key: &str) -> bool;
}

impl ObjectWithKey for Json {
    /// `S3Output: {S3Uri: ...}`-style nesting is walked, not read as a location itself.
    fn is_object_with_key(&self, key: &str) -> bool {
        self.as_object().is_some_and(|o| o.contains_key(key))
    }
}

/// Every step, a condition's branch steps included.
fn all_steps(definition: &Json) -> Vec<&Json> {
    fn go<'a>(step: &'a Json, out: &mut Vec<&'a Json>) {
        out.push(step);
        for key in BRANCH_KEYS {
            let list = step.get("Arguments").and_then(|a| a.get(key)).and_then(Json::as_array);
            for s in list.into_iter().flatten() {
                go(s, out);
            }
        }
    }
    let mut out = Vec::new();
    for s in definition.get("Steps").and_then(Json::as_array).into_iter().flatten() {
        go(s, &mut out);
    }
    out
}

/// The text a value starts with before anything resolved at run time: a string as it is, the
/// leading literals of a `Std:Join` with an empty separator (with a separator, the first one
/// and the separator), nothing for a reference.
fn literal_prefix(v: &Json) -> String {
    match v {
        Json::String(s) => s.clone(),
        Json::Object(o) => {
            let Some(join) = o.get("Std:Join") else { return String::new() };
            let on = join.get("On").and_then(Json::as_str).unwrap_or("");
            let mut out = String::new();
            for (i, value) in
                join.get("Values").and_then(Json::as_array).into_iter().flatten().enumerate()
            {
                let Json::String(s) = value else { break };
                if i > 0 {
                    out.push_str(on);
                }
                out.push_str(s);
            }
            out
        }
        _ => String::new(),
    }
}

/// A location another step produced: `{"Get": "Steps.X..."}`, or a join that starts with one.
fn from_a_step(v: &Json) -> bool {
    let first = match v.get("Std:Join") {
        Some(join) => join.get("Values").and_then(Json::as_array).and_then(|a| a.first()),
        None => Some(v),
    };
    first.and_then(|f| f.get("Get")).and_then(Json::as_str).is_some_and(|g| g.starts_with("Steps."))
}

/// A literal string as it is, anything resolved at run time as `*` (after its literal part).
fn literal_or_wild(v: &Json) -> String {
    match v {
        Json::String(s) => s.clone(),
        other => {
            let p = literal_prefix(other);
            format!("{p}*")
        }
    }
}

/// Drops every pattern covered by a wider one (`*`, or `bucket/*` covering `bucket/a/*`).
fn narrowest(set: BTreeSet<String>) -> BTreeSet<String> {
    if set.contains("*") {
        return BTreeSet::from(["*".to_string()]);
    }
    let wild: Vec<String> = set
        .iter()
        .filter(|p| p.ends_with('*'))
        .map(|p| p.trim_end_matches('*').to_string())
        .collect();
    set.iter()
        .filter(|p| !wild.iter().any(|w| p.starts_with(w.as_str()) && p.trim_end_matches('*') != w))
        .cloned()
        .collect()
}

fn s3_arn(pattern: &str) -> String {
    if pattern == "*" {
        "arn:aws:s3:::*".into()
    } else {
        format!("arn:aws:s3:::{pattern}")
    }
}

fn role_arn(role: &str) -> String {
    if role.starts_with("arn:") || role == "*" {
        role.to_string()
    } else if role.ends_with('*') {
        // A reference: any role (its literal part, when there is one, is an ARN prefix).
        if role.len() > 1 {
            role.to_string()
        } else {
            "*".into()
        }
    } else {
        format!("arn:aws:iam::*:role/{role}")
    }
}

fn key_arn(key: &str) -> String {
    if key.starts_with("arn:") || key.ends_with('*') {
        if key.len() > 1 && key.starts_with("arn:") {
            key.to_string()
        } else {
            "*".into()
        }
    } else if let Some(alias) = key.strip_prefix("alias/") {
        format!("arn:aws:kms:*:*:alias/{alias}")
    } else {
        format!("arn:aws:kms:*:*:key/{key}")
    }
}

/// `https://sqs.<region>.amazonaws.com/<account>/<name>` as an ARN.
fn queue_arn(url: &str) -> String {
    let rest = url.trim_start_matches("https://").trim_start_matches("http://");
    let mut parts = rest.split('/');
    let host = parts.next().unwrap_or("");
    let (account, name) = (parts.next().unwrap_or(""), parts.next().unwrap_or(""));
    let region = host.strip_prefix("sqs.").and_then(|h| h.split('.').next()).unwrap_or("*");
    if account.is_empty() || name.is_empty() || name.contains('*') || account.contains('*') {
        return "*".into();
    }
    format!("arn:aws:sqs:{region}:{account}:{name}")
}

/// `<account>.dkr.ecr.<region>.amazonaws.com/<repo>[:tag|@digest]` as a repository ARN.
fn ecr_repository(image: &str) -> Option<String> {
    let (host, path) = image.split_once('/')?;
    let mut h = host.split('.');
    let account = h.next()?;
    if h.next()? != "dkr" || h.next()? != "ecr" {
        return None;
    }
    let region = h.next()?;
    let repo = path.split(['@', ':']).next()?;
    if repo.is_empty() || repo.contains('*') || account.contains('*') {
        return None;
    }
    Some(format!("arn:aws:ecr:{region}:{account}:repository/{repo}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::compiler::step_type::test_types;

    fn statement<'a>(doc: &'a Json, sid: &str) -> &'a Json {
        doc["Statement"]
            .as_array()
            .and_then(|s| s.iter().find(|s| s["Sid"] == sid))
            .unwrap_or_else(|| panic!("no {sid} in {doc:#}"))
    }

    #[test]
    fn locations_widen_to_their_literal_part() {
        let join = json!({"Std:Join": {"On": "", "Values": ["s3://out/runs/", {"Get": "Execution.PipelineExecutionId"}, "/x"]}});
        let def = json!({"Steps": [{"Name": "P", "Type": "Processing", "Arguments": {
            "RoleArn": "arn:aws:iam::1:role/r",
            "ProcessingInputs": [{"S3Input": {"S3Uri": "s3://in/data/train.csv"}}, {"S3Input": {"S3Uri": {"Get": "Parameters.Input"}}}],
            "ProcessingOutputConfig": {"KmsKeyId": "alias/ml", "Outputs": [{"S3Output": {"S3Uri": join}}]},
            "AppSpecification": {"ImageUri": "683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-scikit-learn:1.2-1"}}}]});
        let doc = document(&def, test_types);
        assert_eq!(
            statement(&doc, "S3Read")["Resource"],
            json!(["arn:aws:s3:::*"]),
            "a parameter widens to every bucket"
        );
        assert_eq!(statement(&doc, "S3Write")["Resource"], json!(["arn:aws:s3:::out/runs/*"]));
        assert_eq!(statement(&doc, "PassRoles")["Resource"], json!(["arn:aws:iam::1:role/r"]));
        assert_eq!(statement(&doc, "Kms")["Resource"], json!(["arn:aws:kms:*:*:alias/ml"]));
        assert_eq!(
            statement(&doc, "EcrPull")["Resource"],
            json!(["arn:aws:ecr:us-east-1:683313688378:repository/sagemaker-scikit-learn"])
        );
        assert!(statement(&doc, "SageMakerJobs")["Action"]
            .as_array()
            .unwrap()
            .contains(&json!("sagemaker:CreateProcessingJob")));
        assert!(!statement(&doc, "SageMakerJobs")["Action"]
            .as_array()
            .unwrap()
            .contains(&json!("sagemaker:CreateTrainingJob")));
    }

    #[test]
    fn another_steps_output_is_covered_by_its_write() {
        let def = json!({"Steps": [
            {"Name": "P", "Type": "Processing", "Arguments": {"ProcessingOutputConfig": {"Outputs": [{"S3Output": {"S3Uri": "s3://b/out"}}]}}},
            {"Name": "T", "Type": "Training", "Arguments": {"InputDataConfig": [{"DataSource": {"S3DataSource": {"S3Uri": {"Get": "Steps.P.ProcessingOutputConfig.Outputs['o'].S3Output.S3Uri"}}}}],
                "OutputDataConfig": {"S3OutputPath": "s3://b/models"}}}]});
        let doc = document(&def, test_types);
        assert_eq!(
            statement(&doc, "S3Write")["Resource"],
            json!(["arn:aws:s3:::b/models*", "arn:aws:s3:::b/out*"])
        );
        assert!(
            doc["Statement"].as_array().unwrap().iter().all(|s| s["Sid"] != "S3Read"),
            "{doc:#}"
        );
        assert_eq!(statement(&doc, "S3ListBuckets")["Resource"], json!(["arn:aws:s3:::b"]));
    }

    #[test]
    fn lambdas_queues_and_branches() {
        let def = json!({"Steps": [
            {"Name": "C", "Type": "Condition", "Arguments": {"Conditions": [], "IfSteps": [
                {"Name": "L", "Type": "Lambda", "FunctionArn": "arn:aws:lambda:eu-west-1:1:function:f", "Arguments": {}}],
                "ElseSteps": [{"Name": "Q", "Type": "Callback", "SqsQueueUrl": "https://sqs.eu-west-1.amazonaws.com/1/q", "Arguments": {}}]}}]});
        let doc = document(&def, test_types);
        assert_eq!(
            statement(&doc, "InvokeLambdas")["Resource"],
            json!(["arn:aws:lambda:eu-west-1:1:function:f"])
        );
        assert_eq!(
            statement(&doc, "CallbackQueues")["Resource"],
            json!(["arn:aws:sqs:eu-west-1:1:q"])
        );
        assert_eq!(doc["Statement"].as_array().unwrap().len(), 2, "{doc:#}");
    }

    #[test]
    fn narrowest_drops_covered_patterns() {
        let set: BTreeSet<String> =
            ["b/*", "b/a/*", "c/x*", "c/xy*"].iter().map(|s| s.to_string()).collect();
        assert_eq!(narrowest(set).into_iter().collect::<Vec<_>>(), vec!["b/*", "c/x*"]);
    }

    #[test]
    fn nothing_malformed_panics() {
        for def in [
            json!({}),
            json!({"Steps": 3}),
            json!({"Steps": [1, {"Type": "Lambda"}, {"Type": "Callback", "SqsQueueUrl": 5}]}),
        ] {
            let _ = document(&def, test_types);
        }
    }
}
