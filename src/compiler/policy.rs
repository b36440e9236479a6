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
//!   the producing step's write statement covers it (a Lambda or callback step's
//!   `OutputParameters` are no such location: they widen like a parameter). Whether a location is read or written
//!   follows where it sits: outputs
//!   (`ProcessingOutputConfig`, `OutputDataConfig`, `TransformOutput`, `DebugHookConfig`,
//!   `ProfilerConfig`, EMR `LogUri`) are written, checkpoints both, everything else read.
//! - `Kms`: `kms:Decrypt`, `Encrypt`, `GenerateDataKey`, `CreateGrant`, `DescribeKey` on the keys
//!   the steps name (ARNs as given; key ids in any region and account); `KmsByAlias`: the same
//!   on any key carrying one of the aliases the steps name (`kms:ResourceAliases`), since IAM
//!   checks those operations against the key's ARN, never an alias ARN.
//! - `InvokeLambdas`: `lambda:InvokeFunction` on Lambda steps' functions.
//! - `CallbackQueues`: `sqs:SendMessage` on callback steps' queues (the queue URL as an ARN).
//! - `Emr` / `EmrServerless`: the EMR actions of EMR steps (adding and watching steps on a named
//!   cluster, or running and terminating a new one), the EMR Serverless job-run actions.
//! - `EcrPull` + `EcrAuth`: pulling the steps' images from their ECR repositories (any
//!   repository for an image chosen at run time).
//! - `ModelRegistryBaselines`: reading registered baselines from the model package group a
//!   check step names.
//! - `JobLogs`, `JobMetrics`, `JobNetworkInterfaces`: what the role a job runs as needs besides
//!   its data: CloudWatch Logs and metrics under `/aws/sagemaker/`, and, when a job runs in a
//!   VPC, its network interfaces.
//!
//! The document serves the pipeline's role and the roles its jobs run as alike (attach it to
//! each, or use one role for both, as the SageMaker SDK's examples do); it is not split per role,
//! so a job's role that carries it may start jobs and pass roles too.
//! ARNs are written in the partition of the first ARN the definition names (`aws-cn`,
//! `aws-us-gov`), else `aws`. Steps of a type the provider does not know are not covered
//! ([`uncovered_steps`]).
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
    /// KMS aliases (`alias/name`): IAM matches cryptographic operations against the key's ARN,
    /// never the alias's, so these are granted through the `kms:ResourceAliases` condition.
    aliases: BTreeSet<String>,
    /// Some step runs a SageMaker job: the job's role writes its logs and metrics.
    runs_jobs: bool,
    /// Some job runs in a VPC: its role manages the job's network interfaces.
    in_vpc: bool,
    /// Registered baselines are read from a model package group (check steps).
    model_registry_reads: bool,
    /// The partition of the first ARN the definition names (`aws`, `aws-cn`, `aws-us-gov`...).
    partition: Option<String>,
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
    /// What the type needs is not modelled (a type reachable only through the generic step):
    /// the document grants what its `Arguments` name, and [`uncovered_steps`] names the step.
    NotModelled,
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

/// Step-level keys (beside `Arguments`) of check steps that name a baseline read from S3.
const STEP_LEVEL_BASELINES: [&str; 2] =
    ["SuppliedBaselineStatistics", "SuppliedBaselineConstraints"];

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
                    self.runs_jobs = true;
                }
                Permission::InvokeFunction => {
                    let f = step.get("FunctionArn").map(literal_or_wild).unwrap_or_default();
                    self.note_partition(&f);
                    self.lambdas.insert(if f.is_empty() { "*".into() } else { f });
                }
                Permission::SendMessage => {
                    let q = step.get("SqsQueueUrl").map(literal_or_wild).unwrap_or_default();
                    if q.split('/').nth(2).is_some_and(|h| h.ends_with(".amazonaws.com.cn")) {
                        self.note_partition("arn:aws-cn:");
                    }
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
                Permission::NotModelled => {}
            }
        }
        // Check steps name their baselines and model package group beside `Arguments`.
        for key in STEP_LEVEL_BASELINES {
            if let Some(v) = step.get(key).filter(|v| !v.is_null()) {
                self.location(v, false, false);
            }
        }
        if step.get("ModelPackageGroupName").is_some_and(|v| !v.is_null()) {
            self.model_registry_reads = true;
            // The registered baselines' S3 locations come from the registry, not the
            // definition: any bucket.
            self.buckets.insert("*".into());
            self.reads.insert("*".into());
        }
        self.walk(args, false, None);
    }

    /// Takes the partition of the first literal ARN seen, for the ARNs this module writes.
    fn note_partition(&mut self, text: &str) {
        if self.partition.is_none() {
            if let Some(p) = text.strip_prefix("arn:").and_then(|r| r.split(':').next()) {
                if p.starts_with("aws") && !p.contains('*') {
                    self.partition = Some(p.to_string());
                }
            }
        }
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
                        let role = literal_or_wild(child);
                        self.note_partition(&role);
                        self.roles.insert(role_arn(&role));
                    } else if KMS_KEYS.contains(&k) {
                        let key = literal_or_wild(child);
                        self.note_partition(&key);
                        match alias_name(&key) {
                            Some(alias) => self.aliases.insert(alias),
                            None => self.keys.insert(key_arn(&key)),
                        };
                    } else if IMAGE_KEYS.contains(&k) {
                        let image = literal_or_wild(child);
                        if image.split('/').next().is_some_and(|h| h.ends_with(".amazonaws.com.cn"))
                        {
                            self.note_partition("arn:aws-cn:");
                        }
                        match ecr_repository(&image) {
                            Some(repo) => self.repositories.insert(repo),
                            // An image chosen at run time (a parameter): any repository.
                            None if image.contains('*') => {
                                self.repositories.insert("arn:aws:ecr:*:*:repository/*".into())
                            }
                            None => false,
                        };
                    } else if k == "VpcConfig" && child.is_object() {
                        self.in_vpc = true;
                        self.walk(child, w, Some(k));
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
        let kms_actions = [
            "kms:CreateGrant",
            "kms:Decrypt",
            "kms:DescribeKey",
            "kms:Encrypt",
            "kms:GenerateDataKey",
        ];
        let any_key = self.keys.contains("*");
        if !self.keys.is_empty() {
            out.push(json!({"Sid": "Kms", "Effect": "Allow", "Action": kms_actions,
                "Resource": sorted(narrowest(self.keys))}));
        }
        if !self.aliases.is_empty() && !any_key {
            out.push(json!({"Sid": "KmsByAlias", "Effect": "Allow", "Action": kms_actions, "Resource": ["*"],
                "Condition": {"ForAnyValue:StringEquals": {"kms:ResourceAliases": sorted(self.aliases)}}}));
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
                "elasticmapreduce:ListSteps",
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
            // SageMaker watches EMR steps and clusters through these EventBridge rules.
            out.push(json!({"Sid": "EmrStatusRules", "Effect": "Allow",
                "Action": ["events:DescribeRule", "events:PutRule", "events:PutTargets"],
                // AWS's documents name the cluster rule two ways: any rule of that prefix.
                "Resource": ["arn:aws:events:*:*:rule/SageMakerPipelineExecutionEMR*"]}));
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
        if self.model_registry_reads {
            // ListModelPackages takes no resource-level scope.
            out.push(json!({"Sid": "ModelRegistryBaselines", "Effect": "Allow",
                "Action": ["sagemaker:DescribeModelPackage", "sagemaker:DescribeModelPackageGroup"],
                "Resource": ["arn:aws:sagemaker:*:*:model-package-group/*", "arn:aws:sagemaker:*:*:model-package/*"]}));
            out.push(json!({"Sid": "ModelRegistryList", "Effect": "Allow",
                "Action": ["sagemaker:ListModelPackages"], "Resource": ["*"]}));
        }
        if self.runs_jobs {
            out.push(json!({"Sid": "JobLogs", "Effect": "Allow",
                "Action": ["logs:CreateLogGroup", "logs:CreateLogStream", "logs:DescribeLogStreams", "logs:PutLogEvents"],
                "Resource": ["arn:aws:logs:*:*:log-group:/aws/sagemaker/*"]}));
            out.push(json!({"Sid": "JobMetrics", "Effect": "Allow", "Action": ["cloudwatch:PutMetricData"],
                "Resource": ["*"], "Condition": {"StringLike": {"cloudwatch:namespace": ["/aws/sagemaker/*"]}}}));
        }
        if self.in_vpc {
            out.push(json!({"Sid": "JobNetworkInterfaces", "Effect": "Allow",
                "Action": ["ec2:CreateNetworkInterface", "ec2:CreateNetworkInterfacePermission",
                    "ec2:DeleteNetworkInterface", "ec2:DeleteNetworkInterfacePermission",
                    "ec2:DescribeDhcpOptions", "ec2:DescribeNetworkInterfaces",
                    "ec2:DescribeSecurityGroups", "ec2:DescribeSubnets", "ec2:DescribeVpcs"],
                "Resource": ["*"]}));
        }
        let mut doc = json!({"Version": "2012-10-17", "Statement": out});
        if let Some(p) = self.partition.filter(|p| p != "aws") {
            in_partition(&mut doc, &p);
        }
        doc
    }
}

/// Rewrites the `arn:aws:` ARNs this module wrote into partition `p` (`aws-cn`, `aws-us-gov`):
/// a definition for China or GovCloud names its roles there, and an `arn:aws:` grant would
/// match nothing.
fn in_partition(doc: &mut Json, p: &str) {
    for statement in doc["Statement"].as_array_mut().into_iter().flatten() {
        for r in statement.get_mut("Resource").and_then(Json::as_array_mut).into_iter().flatten() {
            if let Some(rest) = r.as_str().and_then(|t| t.strip_prefix("arn:aws:")) {
                *r = Json::String(format!("arn:{p}:{rest}"));
            }
        }
    }
}

/// Steps the document does not wholly cover: their type is not one the provider knows, or
/// what it runs is not modelled ([`Permission::NotModelled`]). `(step name, type)`, in
/// definition order.
pub fn uncovered_steps(definition: &Json, types: StepTypes) -> Vec<(String, String)> {
    all_steps(definition)
        .into_iter()
        .filter_map(|step| {
            let ty = step.get("Type").and_then(Json::as_str).unwrap_or("");
            let name = step.get("Name").and_then(Json::as_str).unwrap_or("");
            let covered = types(ty).is_some_and(|t| {
                !t.permissions().iter().any(|p| matches!(p, Permission::NotModelled))
            });
            (!covered).then(|| (name.to_string(), ty.to_string()))
        })
        .collect()
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
    // A Lambda or callback step's `OutputParameters` are whatever its function or listener
    // answered, not a location a job wrote: those widen like any other reference.
    first
        .and_then(|f| f.get("Get"))
        .and_then(Json::as_str)
        .is_some_and(|g| g.starts_with("Steps.") && !g.contains(".OutputParameters["))
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

/// `alias/name` for a key given as an alias or an alias ARN.
fn alias_name(key: &str) -> Option<String> {
    let alias = match key.strip_prefix("arn:") {
        Some(rest) => rest.split_once(":alias/").map(|(_, a)| a)?,
        None => key.strip_prefix("alias/")?,
    };
    (!alias.is_empty() && !alias.contains('*')).then(|| format!("alias/{alias}"))
}

fn key_arn(key: &str) -> String {
    if key.contains(":alias/") {
        "*".into()
    } else if key.starts_with("arn:") || key.ends_with('*') {
        if key.len() > 1 && key.starts_with("arn:") {
            key.to_string()
        } else {
            "*".into()
        }
    } else if key.starts_with("alias/") {
        // An alias chosen at run time ([`alias_name`] takes the literal ones): any key.
        "*".into()
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
        assert_eq!(
            statement(&doc, "KmsByAlias")["Condition"],
            json!({"ForAnyValue:StringEquals": {"kms:ResourceAliases": ["alias/ml"]}}),
            "an alias ARN authorises no cryptographic operation: the alias is a condition"
        );
        assert_eq!(statement(&doc, "KmsByAlias")["Resource"], json!(["*"]));
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

    /// Fresh-eyes findings on the policy: places where the document granted nothing although
    /// the run needs something (it must widen, never narrow).
    #[test]
    fn what_a_run_needs_is_never_narrowed_away() {
        let def = json!({"Steps": [
            {"Name": "L", "Type": "Lambda", "FunctionArn": "arn:aws-cn:lambda:cn-north-1:1:function:f", "Arguments": {}},
            {"Name": "P", "Type": "Processing", "Arguments": {
                "RoleArn": "arn:aws-cn:iam::1:role/jobs",
                "AppSpecification": {"ImageUri": {"Get": "Parameters.Image"}},
                "NetworkConfig": {"VpcConfig": {"Subnets": ["subnet-1"], "SecurityGroupIds": ["sg-1"]}},
                "ProcessingInputs": [{"S3Input": {"S3Uri": {"Get": "Steps.L.OutputParameters['uri']"}}}]}},
            {"Name": "Q", "Type": "QualityCheck", "ModelPackageGroupName": "g",
                "SuppliedBaselineConstraints": "s3://baselines/c.json", "Arguments": {}},
            {"Name": "E", "Type": "Endpoint", "Arguments": {"EndpointName": "e"}}]});
        let doc = document(&def, test_types);
        assert_eq!(
            statement(&doc, "S3Read")["Resource"],
            json!(["arn:aws-cn:s3:::*"]),
            "a Lambda's output is no job's write: it widens, in the definition's partition"
        );
        assert_eq!(
            statement(&doc, "EcrPull")["Resource"],
            json!(["arn:aws-cn:ecr:*:*:repository/*"])
        );
        assert!(statement(&doc, "JobNetworkInterfaces")["Action"]
            .as_array()
            .unwrap()
            .contains(&json!("ec2:CreateNetworkInterface")));
        assert!(statement(&doc, "JobLogs")["Resource"][0]
            .as_str()
            .unwrap()
            .starts_with("arn:aws-cn:logs:"));
        assert_eq!(
            statement(&doc, "ModelRegistryList")["Resource"],
            json!(["*"]),
            "ListModelPackages takes no resource scope"
        );
        assert!(statement(&doc, "ModelRegistryBaselines")["Resource"][0]
            .as_str()
            .unwrap()
            .starts_with("arn:aws-cn:sagemaker:"));
        assert_eq!(
            statement(&doc, "InvokeLambdas")["Resource"],
            json!(["arn:aws-cn:lambda:cn-north-1:1:function:f"])
        );
        let uncovered = uncovered_steps(&def, test_types);
        assert_eq!(uncovered.last(), Some(&("E".to_string(), "Endpoint".to_string())));
        assert!(!uncovered.iter().any(|(n, _)| n == "P" || n == "L"), "{uncovered:?}");
        // A baseline given beside the Arguments is read (here with the Lambda's wildcard, so
        // alone): a definition without that wildcard lists its bucket.
        let only_check = json!({"Steps": [{"Name": "Q", "Type": "QualityCheck",
            "SuppliedBaselineConstraints": "s3://baselines/c.json", "Arguments": {}}]});
        assert_eq!(
            statement(&document(&only_check, test_types), "S3Read")["Resource"],
            json!(["arn:aws:s3:::baselines/c.json*"])
        );
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
