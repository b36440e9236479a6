//! What the pipeline compiler needs to know about one step type, asked through
//! [`StepTypeFacts`]. The compiler holds no list of step types: the provider's step registry
//! (`provider::steps::REGISTRY`, one entry per step type, each implemented in that type's own
//! file) answers through a [`StepTypes`] lookup passed to [`super::definition::compile`] and the
//! `dag` functions. A step whose `Type` the lookup does not know (a future type used through
//! `sagemaker_step`) gets no `step_defaults`, no role check, and accepts any well-formed
//! property path.
//!
//! Also here: the small helpers step types use to fill `step_defaults` into their `Arguments`.
//!
//! Pure: no IO, no async, never panics.

use std::collections::BTreeMap;

use serde_json::{json, Map, Value as Json};

use super::dag::StepDefaults;
use super::expr;
pub use super::policy::Permission;
use super::properties::PropertyTree;

/// One step type, as the pipeline compiler sees it. Every method is required: a step type
/// that forgot one would silently get no defaults or no checks.
pub trait StepTypeFacts: Send + Sync {
    /// SageMaker's `Type`, e.g. `Processing`.
    fn step_type(&self) -> &'static str;
    /// What `{{ Steps.<name>.<path> }}` may reference on a step of this type.
    fn property_tree(&self) -> PropertyTree;
    /// Which settings of the pipeline's `step_defaults` [`Self::apply_step_defaults`] fills in
    /// (the pipeline's reference docs list the types per setting from this).
    fn step_defaults_taken(&self) -> &'static [StepDefault];
    /// Fills the pipeline's `step_defaults` (role, network isolation, VPC, KMS keys, tags) into
    /// the step's `Arguments` where the type's API request takes them and the step sets none.
    fn apply_step_defaults(&self, args: &mut Map<String, Json>, defaults: &StepDefaults);
    /// The keys of string maps in the step (`Environment`, `HyperParameters`, ...), and of
    /// string lists that take parameters (a processing job's `ContainerArguments`): the step
    /// compilers wrap a parameter reference there into a one-value `Std:Join` (the SDK's
    /// `to_string`), which the pipeline undoes for String parameters; a map's keys are
    /// user-named, not API fields.
    fn string_maps(&self) -> &'static [&'static str];
    /// Whether the keys of the step's `Arguments` are the user's (a Lambda function's or a
    /// callback's inputs) rather than API fields: the checks that know API fields by their key
    /// (whole-number, boolean and S3 fields) leave them alone.
    fn arguments_are_user_named(&self) -> bool;
    /// Where the IAM role the job runs as sits in `Arguments` (`["RoleArn"]`,
    /// `["TrainingJobDefinition", "RoleArn"]`), for step types that cannot run without one;
    /// checked after `step_defaults` are applied. `None` when the type takes no role.
    fn role_path(&self) -> Option<&'static [&'static str]>;
    /// The lists this type declares by name that references select from (a processing step's
    /// outputs, a training step's metrics): a reference must name an element the step has.
    fn named_lists(&self) -> &'static [NamedList];
    /// Whether steps of this type declare property files (`PropertyFiles`) others can read
    /// with `{{ Steps.<name>.PropertyFiles.<file>.<json path> }}`.
    fn property_files(&self) -> bool;
    /// SageMaker's instance types for the `InstanceType` fields of this type's `Arguments`
    /// (a processing, training or transform job's): a String parameter that fills one must
    /// default to one of them. Empty for a type with no such field.
    fn instance_types(&self) -> &'static [&'static str];
    /// What the pipeline's role must be allowed for a step of this type to run, besides what
    /// its `Arguments` name (roles, S3 locations, KMS keys, images): the SageMaker jobs it
    /// starts, a Lambda function, a queue, EMR work (`sagemaker_ml_pipeline_policy`). Empty
    /// for a type that needs nothing more.
    fn permissions(&self) -> &'static [Permission];
    /// The fields of a step of this type that SageMaker's step cache compares (its documented
    /// default cache key), as paths from the step object (`["Arguments", "HyperParameters"]`,
    /// `["SkipCheck"]`): a change elsewhere (the role, instance type, tags, outputs) leaves a
    /// cached result reusable. `None` for a type without a documented key: every field but
    /// caching, retries, names and `DependsOn` counts.
    fn cache_key(&self) -> Option<&'static [&'static [&'static str]]>;
}

/// SageMaker's documented default cache keys ("Default cache key attributes by pipeline step
/// type"), as [`StepTypeFacts::cache_key`] paths; each step type returns its own.
pub mod cache_keys {
    pub const PROCESSING: &[&[&str]] = &[
        &["Arguments", "AppSpecification"],
        &["Arguments", "Environment"],
        &["Arguments", "ProcessingInputs"],
    ];
    pub const TRAINING: &[&[&str]] = &[
        &["Arguments", "AlgorithmSpecification"],
        &["Arguments", "CheckpointConfig"],
        &["Arguments", "DebugHookConfig"],
        &["Arguments", "DebugRuleConfigurations"],
        &["Arguments", "Environment"],
        &["Arguments", "HyperParameters"],
        &["Arguments", "InputDataConfig"],
    ];
    pub const TUNING: &[&[&str]] = &[
        &["Arguments", "HyperParameterTuningJobConfig"],
        &["Arguments", "TrainingJobDefinition", "AlgorithmSpecification"],
        &["Arguments", "TrainingJobDefinition", "HyperParameterRanges"],
        &["Arguments", "TrainingJobDefinition", "InputDataConfig"],
        &["Arguments", "TrainingJobDefinition", "StaticHyperParameters"],
        &["Arguments", "TrainingJobDefinition", "TuningObjective"],
        &["Arguments", "TrainingJobDefinitions"],
    ];
    pub const AUTOML: &[&[&str]] = &[
        &["Arguments", "AutoMLJobConfig", "CompletionCriteria"],
        &["Arguments", "AutoMLJobConfig", "CandidateGenerationConfig"],
        &["Arguments", "AutoMLJobConfig", "DataSplitConfig"],
        &["Arguments", "AutoMLJobConfig", "Mode"],
        &["Arguments", "AutoMLJobObjective"],
        &["Arguments", "InputDataConfig"],
        &["Arguments", "ProblemType"],
    ];
    pub const TRANSFORM: &[&[&str]] = &[
        &["Arguments", "DataProcessing"],
        &["Arguments", "Environment"],
        &["Arguments", "ModelName"],
        &["Arguments", "TransformInput"],
    ];
    /// A check step's `Arguments` are its check job (the key's `CheckJobConfig` and
    /// `QualityCheckConfig`/`ClarifyCheckConfig`); the rest sit beside them.
    pub const QUALITY_CHECK: &[&[&str]] = &[
        &["Arguments"],
        &["CheckType"],
        &["SkipCheck"],
        &["RegisterNewBaseline"],
        &["ModelPackageGroupName"],
        &["SuppliedBaselineConstraints"],
        &["SuppliedBaselineStatistics"],
    ];
    /// The model a bias or explainability check reads sits beside `Arguments` (`ModelName`).
    pub const CLARIFY_CHECK: &[&[&str]] = &[
        &["Arguments"],
        &["CheckType"],
        &["ModelName"],
        &["SkipCheck"],
        &["RegisterNewBaseline"],
        &["ModelPackageGroupName"],
        &["SuppliedBaselineConstraints"],
    ];
    /// The documented key predates clusters SageMaker creates: a new `ClusterConfig` is counted
    /// too, so a miss is overstated rather than hidden.
    pub const EMR: &[&[&str]] = &[
        &["Arguments", "ClusterId"],
        &["Arguments", "ClusterConfig"],
        &["Arguments", "StepConfig"],
    ];
}

/// A setting of the pipeline's `step_defaults` block.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StepDefault {
    /// `role_arn`: the role the job runs as.
    Role,
    /// `network`: network isolation and the VPC.
    Network,
    /// `volume_kms_key_id`: the job's storage volumes.
    VolumeKmsKey,
    /// `output_kms_key_id`: the job's outputs.
    OutputKmsKey,
    /// `tags`: merged into the job's tags.
    Tags,
}

/// A list a step declares by name, selected by references with `['name']` or `[i]`.
pub struct NamedList {
    /// The property path to the list, e.g. `["ProcessingOutputConfig", "Outputs"]`.
    pub property: &'static [&'static str],
    /// Where the step object declares the elements, e.g.
    /// `["Arguments", "ProcessingOutputConfig", "Outputs"]`.
    pub declared_at: &'static [&'static str],
    /// The element's name key there, e.g. `OutputName`.
    pub key: &'static str,
    /// What an element is called in messages, e.g. `output`.
    pub what: &'static str,
    /// How to declare one, for messages; `{step}` stands for the quoted step name.
    pub fix: &'static str,
    /// When the step declares none: whether the list is known anyway (a built-in algorithm
    /// publishes its own metrics), so no name is checked.
    pub unchecked_when_none: Option<fn(&Json) -> bool>,
}

/// Finds the facts of a step `Type`; `None` for types nobody registered.
pub type StepTypes = fn(&str) -> Option<&'static dyn StepTypeFacts>;

/// Sets `key` to the default `v` (which may hold `{{ }}` references) unless already set.
pub fn set_default(obj: &mut Map<String, Json>, key: &str, v: &Option<String>) {
    if let Some(v) = v {
        obj.entry(key.to_string())
            .or_insert_with(|| expr::compile_string(v).unwrap_or_else(|_| Json::String(v.clone())));
    }
}

/// The object at `key`, created (or replaced, when not an object) as `{}`.
pub fn child<'a>(obj: &'a mut Map<String, Json>, key: &str) -> &'a mut Map<String, Json> {
    let e = obj.entry(key.to_string()).or_insert_with(|| json!({}));
    if !e.is_object() {
        *e = json!({});
    }
    e.as_object_mut().expect("just made an object")
}

/// The default `VpcConfig`, when subnets or security groups are given.
pub fn vpc(d: &StepDefaults) -> Option<Json> {
    (!d.subnets.is_empty() || !d.security_group_ids.is_empty())
        .then(|| json!({"SecurityGroupIds": d.security_group_ids, "Subnets": d.subnets}))
}

/// Sets the default `RoleArn`, `EnableNetworkIsolation`, `VpcConfig` and the KMS keys of
/// `resources_key` (`ResourceConfig`, or a tuning job definition's
/// `HyperParameterTuningResourceConfig`) and `OutputDataConfig` in a CreateTrainingJob-shaped object (a training step's
/// `Arguments`, a tuning step's `TrainingJobDefinition`).
pub fn training_job_defaults(t: &mut Map<String, Json>, resources_key: &str, d: &StepDefaults) {
    set_default(t, "RoleArn", &d.role_arn);
    if let Some(b) = d.enable_network_isolation {
        t.entry("EnableNetworkIsolation").or_insert(Json::Bool(b));
    }
    if let Some(v) = vpc(d) {
        t.entry("VpcConfig").or_insert(v);
    }
    set_default(child(t, resources_key), "VolumeKmsKeyId", &d.volume_kms_key_id);
    set_default(child(t, "OutputDataConfig"), "KmsKeyId", &d.output_kms_key_id);
}

/// Sets the default `RoleArn`, `NetworkConfig` (isolation, VPC), the volume KMS key of
/// `ProcessingResources.ClusterConfig` and the output KMS key of `ProcessingOutputConfig` in a
/// CreateProcessingJob-shaped `Arguments`: a processing step's, or a check step's, whose job is a
/// processing job.
pub fn processing_job_defaults(args: &mut Map<String, Json>, d: &StepDefaults) {
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
    if let Some(cluster) = args
        .get_mut("ProcessingResources")
        .and_then(|r| r.get_mut("ClusterConfig"))
        .and_then(Json::as_object_mut)
    {
        set_default(cluster, "VolumeKmsKeyId", &d.volume_kms_key_id);
    }
    if let Some(out) = args.get_mut("ProcessingOutputConfig").and_then(Json::as_object_mut) {
        set_default(out, "KmsKeyId", &d.output_kms_key_id);
    }
}

/// Merges the default tags into `Tags` (`[{Key, Value}]`); a step's own tags win per key.
pub fn merge_tags(args: &mut Map<String, Json>, d: &StepDefaults) {
    if d.tags.is_empty() {
        return;
    }
    let mut merged: BTreeMap<String, Json> =
        d.tags.iter().map(|(k, v)| (k.clone(), Json::String(v.clone()))).collect();
    if let Some(Json::Array(own)) = args.get("Tags") {
        for t in own {
            if let (Some(k), Some(v)) = (t.get("Key").and_then(Json::as_str), t.get("Value")) {
                merged.insert(k.to_string(), v.clone());
            }
        }
    }
    args.insert(
        "Tags".into(),
        Json::Array(merged.into_iter().map(|(k, v)| json!({"Key": k, "Value": v})).collect()),
    );
}

/// Stand-ins for the provider's step registry in the compiler's own tests (the compiler must
/// not depend on `provider`): what those tests need of each type.
#[cfg(test)]
pub(crate) fn test_types(ty: &str) -> Option<&'static dyn StepTypeFacts> {
    struct Facts(&'static str, PropertyTree, &'static [&'static str]);
    impl StepTypeFacts for Facts {
        fn step_type(&self) -> &'static str {
            self.0
        }
        fn property_tree(&self) -> PropertyTree {
            self.1
        }
        fn step_defaults_taken(&self) -> &'static [StepDefault] {
            if self.0 == "Processing" {
                &[StepDefault::Role]
            } else {
                &[]
            }
        }
        fn apply_step_defaults(&self, args: &mut Map<String, Json>, d: &StepDefaults) {
            if self.0 == "Processing" {
                set_default(args, "RoleArn", &d.role_arn);
            }
        }
        fn string_maps(&self) -> &'static [&'static str] {
            self.2
        }
        fn arguments_are_user_named(&self) -> bool {
            matches!(self.0, "Lambda" | "Callback")
        }
        fn instance_types(&self) -> &'static [&'static str] {
            match self.0 {
                "Processing" => &["ml.m5.xlarge", "ml.m5.2xlarge"],
                _ => &[],
            }
        }
        fn role_path(&self) -> Option<&'static [&'static str]> {
            matches!(self.0, "Processing" | "Training").then_some(&["RoleArn"])
        }
        fn named_lists(&self) -> &'static [NamedList] {
            match self.0 {
                "Processing" => &[
                    NamedList {
                        property: &["ProcessingOutputConfig", "Outputs"],
                        declared_at: &["Arguments", "ProcessingOutputConfig", "Outputs"],
                        key: "OutputName",
                        what: "output",
                        fix: "Add an output to step {step}",
                        unchecked_when_none: None,
                    },
                    NamedList {
                        property: &["ProcessingInputs"],
                        declared_at: &["Arguments", "ProcessingInputs"],
                        key: "InputName",
                        what: "input",
                        fix: "Use an input step {step} has",
                        unchecked_when_none: None,
                    },
                ],
                "Training" => &[NamedList {
                    property: &["FinalMetricDataList"],
                    declared_at: &["Arguments", "AlgorithmSpecification", "MetricDefinitions"],
                    key: "Name",
                    what: "metric",
                    fix: "Add a metric_definition to step {step}",
                    unchecked_when_none: Some(|s| {
                        s.pointer("/Arguments/AlgorithmSpecification/TrainingImage")
                            .and_then(Json::as_str)
                            .is_some_and(|i| i.contains("xgboost"))
                    }),
                }],
                "Lambda" => &[NamedList {
                    property: &["OutputParameters"],
                    declared_at: &["OutputParameters"],
                    key: "OutputName",
                    what: "output",
                    fix: "Add an output to step {step}",
                    unchecked_when_none: None,
                }],
                _ => &[],
            }
        }
        fn property_files(&self) -> bool {
            self.0 == "Processing"
        }
        fn cache_key(&self) -> Option<&'static [&'static [&'static str]]> {
            match self.0 {
                "Processing" => Some(crate::compiler::step_type::cache_keys::PROCESSING),
                "Training" => Some(crate::compiler::step_type::cache_keys::TRAINING),
                _ => None,
            }
        }
        fn permissions(&self) -> &'static [Permission] {
            use super::policy::{PROCESSING_JOB, TRAINING_JOB};
            match self.0 {
                "Processing" => &[Permission::SageMakerJob(&PROCESSING_JOB)],
                "Training" => &[Permission::SageMakerJob(&TRAINING_JOB)],
                "Lambda" => &[Permission::InvokeFunction],
                "Callback" => &[Permission::SendMessage],
                _ => &[],
            }
        }
    }
    static FACTS: [Facts; 6] = [
        Facts("Processing", PropertyTree::Unmodelled, &["Environment"]),
        Facts("Training", PropertyTree::Unmodelled, &["HyperParameters", "Environment"]),
        Facts("Fail", PropertyTree::NotReferable, &[]),
        Facts("Lambda", PropertyTree::Unmodelled, &[]),
        Facts("Condition", PropertyTree::Unmodelled, &[]),
        Facts("Callback", PropertyTree::Unmodelled, &[]),
    ];
    FACTS.iter().find(|f| f.0 == ty).map(|f| f as &dyn StepTypeFacts)
}
