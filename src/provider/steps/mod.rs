//! Step resources: one Terraform type per SageMaker step type, each compiled at plan time into
//! its step object (`json`). They are state-only: no API call, ever.
//!
//! Every step type implements [`StepKind`] (its own attributes and how they compile to the
//! step's `Arguments` and type-specific top-level keys); [`StepResource`] wraps a kind into a
//! Terraform resource and adds what every step shares: `name`, `display_name`, `description`,
//! `depends_on_steps`, `cache`, `retry`, the computed `json`, and the exported `{{ }}`
//! reference attributes. `json` is known at plan time whenever the step's inputs are known.
//!
//! [`REGISTRY`] is the one list of step types: each entry is a typed kind (its own file here,
//! owning everything keyed by its `Type`: schema, compiled JSON, property tree, what it takes
//! from `step_defaults`, string maps, role check, exported references) or a generic-only type
//! (`generic_only.rs`: reachable through `sagemaker_step`). The resource list ([`all`]),
//! `sagemaker_step`'s known types, the pipeline's DAG checks ([`step_type_facts`], passed to
//! the compiler), the golden harness ([`compile_any`]) and the generated docs all derive from
//! it. Adding a step type is one file and one line in [`REGISTRY`] (see ARCHITECTURE.md).
//!
//! Depends on `framework`, `compiler`. Must not call AWS.

pub mod automl;
pub mod callback;
pub mod clarify_check;
pub mod common;
pub mod condition;
pub mod emr;
pub mod emr_serverless;
pub mod fail;
pub mod generic;
pub mod generic_only;
pub mod instance_types;
pub mod job;
pub mod lambda;
#[path = "model.rs"]
pub mod model_step;
pub mod outputs;
pub mod processing;
pub mod quality_check;
pub mod register_model;
pub mod training;
pub mod transform;
pub mod tuning;

use std::sync::Arc;

use async_trait::async_trait;
use serde_json::{Map, Value as Json};

use super::model;
use super::ProviderData;
use crate::compiler::canonical;
use crate::compiler::dag::StepDefaults;
use crate::compiler::expr;
use crate::compiler::properties::PropertyTree;
use crate::compiler::StepTypeFacts;
use crate::framework::{
    AttrPath, Attribute, Block, Diagnostics, Outcome, PlanRequest, Resource, Schema,
};
use crate::tfvalue::{Type, Value};
pub use common::Ctx;

/// What a step type adds to the common step resource. Its [`StepTypeFacts`] (SageMaker's
/// `Type`, property tree, `step_defaults`, string maps, role) are what the pipeline compiler
/// knows of it.
pub trait StepKind: StepTypeFacts + Send + Sync + 'static {
    /// The Terraform type name, e.g. `sagemaker_processing_step`.
    fn type_name(&self) -> &'static str;
    fn description(&self) -> &'static str;
    /// The type's own attributes and blocks, added to the common ones.
    fn block(&self, b: Block) -> Block;
    /// Whether SageMaker accepts `CacheConfig` / `RetryPolicies` on this step type.
    fn cacheable(&self) -> bool {
        false
    }
    fn retryable(&self) -> bool {
        false
    }
    /// Compiles `Arguments` and any type-specific top-level keys into `step`. Problems go to
    /// `ctx` with their attribute paths.
    fn compile(&self, cfg: &Value, ctx: &mut Ctx, step: &mut Map<String, Json>);
    /// Computed reference attributes: (name, schema type, description, value for a step name).
    fn exports(&self) -> Vec<Export> {
        Vec::new()
    }
}

pub struct Export {
    pub name: &'static str,
    pub ty: Type,
    pub description: &'static str,
    /// Computes the value from the step name and the (known) configuration.
    pub value: fn(name: &str, cfg: &Value) -> Value,
}

/// One step type the provider knows.
pub enum StepType {
    /// A step type with its own resource (`sagemaker_<type>_step`).
    Typed(&'static dyn StepKind),
    /// A step type written through `sagemaker_step` only.
    GenericOnly(&'static generic_only::GenericOnly),
}

impl StepType {
    /// What the pipeline compiler knows of this type.
    pub fn facts(&self) -> &'static dyn StepTypeFacts {
        match *self {
            StepType::Typed(k) => k,
            StepType::GenericOnly(g) => g,
        }
    }
}

/// Every step type, typed or generic-only: the one place a step type is registered.
pub static REGISTRY: &[StepType] = &[
    StepType::Typed(&processing::Processing),
    StepType::Typed(&training::Training),
    StepType::Typed(&transform::Transform),
    StepType::Typed(&tuning::Tuning),
    StepType::Typed(&model_step::ModelStep),
    StepType::Typed(&register_model::RegisterModel),
    StepType::Typed(&condition::Condition),
    StepType::Typed(&fail::Fail),
    StepType::Typed(&lambda::Lambda),
    StepType::Typed(&callback::Callback),
    StepType::Typed(&emr::Emr),
    StepType::Typed(&quality_check::QualityCheck),
    StepType::Typed(&clarify_check::ClarifyCheck),
    StepType::Typed(&automl::AutoMl),
    StepType::Typed(&emr_serverless::EmrServerless),
    StepType::GenericOnly(&generic_only::ENDPOINT_CONFIG),
    StepType::GenericOnly(&generic_only::ENDPOINT),
    StepType::GenericOnly(&generic_only::INFERENCE_COMPONENT),
    StepType::GenericOnly(&generic_only::BEDROCK_CUSTOM_MODEL),
    StepType::GenericOnly(&generic_only::BEDROCK_CUSTOM_MODEL_DEPLOYMENT),
    StepType::GenericOnly(&generic_only::BEDROCK_MODEL_IMPORT),
    StepType::GenericOnly(&generic_only::BEDROCK_PROVISIONED_MODEL_THROUGHPUT),
    StepType::GenericOnly(&generic_only::LINEAGE),
];

/// The resource kinds: the typed steps of [`REGISTRY`], then `sagemaker_step`.
pub fn kinds() -> impl Iterator<Item = &'static dyn StepKind> {
    REGISTRY
        .iter()
        .filter_map(|e| match e {
            StepType::Typed(k) => Some(*k),
            StepType::GenericOnly(_) => None,
        })
        .chain(std::iter::once(&generic::Generic as &'static dyn StepKind))
}

/// SageMaker `Type`s of every registered step type.
pub fn step_types() -> impl Iterator<Item = &'static str> {
    REGISTRY.iter().map(|e| e.facts().step_type())
}

/// The facts of a step `Type`, for the pipeline compiler ([`crate::compiler::StepTypes`]). A
/// `Type` in another capitalisation (`"fail"`) finds its type too, so that the compiler, which
/// compares the two, can say how it is written; SageMaker's types are case-sensitive.
pub fn step_type_facts(step_type: &str) -> Option<&'static dyn StepTypeFacts> {
    let mut facts = REGISTRY.iter().map(StepType::facts);
    facts
        .clone()
        .find(|f| f.step_type() == step_type)
        .or_else(|| facts.find(|f| f.step_type().eq_ignore_ascii_case(step_type)))
}

/// The step resource of a Terraform type name.
pub fn kind(type_name: &str) -> Option<StepResource<&'static dyn StepKind>> {
    kinds().find(|k| k.type_name() == type_name).map(StepResource)
}

/// Every step resource this provider serves.
pub fn all() -> Vec<Arc<dyn Resource<ProviderData>>> {
    kinds().map(|k| Arc::new(StepResource(k)) as Arc<dyn Resource<ProviderData>>).collect()
}

/// Compiles a step configuration of any step resource type as plan does (benchmarks); an
/// unknown type name is an error.
pub fn compile_any(type_name: &str, cfg: &Value) -> (Option<String>, Diagnostics) {
    match kind(type_name) {
        Some(r) => r.compile(cfg),
        None => {
            let mut d = Diagnostics::new();
            d.error(
                format!("No step resource type {type_name:?}"),
                "Use one of the step types the provider registers (provider::steps::REGISTRY).",
            );
            (None, d)
        }
    }
}

/// A reference to a kind is the kind: the registry holds `&'static dyn StepKind`.
impl<K: StepTypeFacts + ?Sized> StepTypeFacts for &'static K {
    fn step_type(&self) -> &'static str {
        (**self).step_type()
    }
    fn property_tree(&self) -> PropertyTree {
        (**self).property_tree()
    }
    fn step_defaults_taken(&self) -> &'static [crate::compiler::step_type::StepDefault] {
        (**self).step_defaults_taken()
    }
    fn apply_step_defaults(&self, args: &mut Map<String, Json>, defaults: &StepDefaults) {
        (**self).apply_step_defaults(args, defaults)
    }
    fn string_maps(&self) -> &'static [&'static str] {
        (**self).string_maps()
    }
    fn arguments_are_user_named(&self) -> bool {
        (**self).arguments_are_user_named()
    }
    fn role_path(&self) -> Option<&'static [&'static str]> {
        (**self).role_path()
    }
    fn named_lists(&self) -> &'static [crate::compiler::step_type::NamedList] {
        (**self).named_lists()
    }
    fn property_files(&self) -> bool {
        (**self).property_files()
    }
    fn instance_types(&self) -> &'static [&'static str] {
        (**self).instance_types()
    }
    fn permissions(&self) -> &'static [crate::compiler::policy::Permission] {
        (**self).permissions()
    }
    fn cache_key(&self) -> Option<&'static [&'static [&'static str]]> {
        (**self).cache_key()
    }
}

impl<K: StepKind + ?Sized> StepKind for &'static K {
    fn type_name(&self) -> &'static str {
        (**self).type_name()
    }
    fn description(&self) -> &'static str {
        (**self).description()
    }
    fn block(&self, b: Block) -> Block {
        (**self).block(b)
    }
    fn cacheable(&self) -> bool {
        (**self).cacheable()
    }
    fn retryable(&self) -> bool {
        (**self).retryable()
    }
    fn compile(&self, cfg: &Value, ctx: &mut Ctx, step: &mut Map<String, Json>) {
        (**self).compile(cfg, ctx, step)
    }
    fn exports(&self) -> Vec<Export> {
        (**self).exports()
    }
}

pub struct StepResource<K: StepKind>(pub K);

impl<K: StepKind> StepResource<K> {
    pub fn full_schema(&self) -> Schema {
        let mut b =
            common::common_block(self.0.description(), self.0.cacheable(), self.0.retryable());
        b = self.0.block(b);
        for e in self.0.exports() {
            b = b.attr(Attribute::computed(e.name, e.ty.clone(), e.description));
        }
        Schema::new(b)
    }

    /// The compiled step object, or the problems that prevent it.
    pub fn compile(&self, cfg: &Value) -> (Option<String>, Diagnostics) {
        self.compile_with(cfg, false)
    }

    /// The problems `terraform validate` can see in a configuration with values not known yet:
    /// those of the known values alone (see [`Ctx`]'s partial mode).
    pub fn validate_known_parts(&self, cfg: &Value) -> Diagnostics {
        self.compile_with(cfg, true).1
    }

    /// The first attribute the user wrote (not `json` or an export, which a planned value
    /// holds: the exports are this step's own references by design) whose `{{ }}` references
    /// name step `name`: where to point the error for a step that uses its own properties.
    fn written_reference_to(&self, cfg: &Value, name: &str) -> Option<AttrPath> {
        let Value::Object(m) = cfg else { return None };
        let exports = self.0.exports();
        m.iter()
            // Text the step does not compile (`description`, `display_name`) and the computed
            // attributes cannot hold the reference.
            .filter(|(k, _)| {
                !["json", "description", "display_name"].contains(&k.as_str())
                    && exports.iter().all(|e| e.name != k.as_str())
            })
            .find_map(|(k, v)| self_reference(v, name, &AttrPath::root(k)))
    }

    fn compile_with(&self, cfg: &Value, partial: bool) -> (Option<String>, Diagnostics) {
        let mut ctx = Ctx::new(cfg, partial);
        let mut step = Map::new();
        common::compile_common(cfg, self.0.step_type(), &mut ctx, &mut step);
        self.0.compile(cfg, &mut ctx, &mut step);
        if self.0.cacheable() {
            common::compile_cache(cfg, &mut ctx, &mut step);
        }
        if self.0.retryable() {
            common::compile_retry(cfg, &mut ctx, &mut step);
        }
        // A step using its own properties (helper finding: only the pipeline's cycle check
        // caught it, at plan, pointing at the pipeline). Judged on the compiled step, so only
        // real references count (not an escaped `\{{` or a description); a condition's branch
        // steps may read its outcome.
        if let (Some(name), false) =
            (cfg.get("name").and_then(Value::as_str), self.0.step_type() == "Condition")
        {
            let mut refs = Vec::new();
            for v in step.values() {
                expr::collect_references(v, &mut refs);
            }
            if refs.iter().any(|(r, _)| r.step() == Some(name)) {
                ctx.local_error(
                    self.written_reference_to(cfg, name).unwrap_or_else(|| AttrPath::root("name")),
                    format!("Step {} refers to itself", expr::shown(name)),
                    "A step's properties exist only once it has run, so the step cannot use them: refer to a step that runs before it, or to a parameter.",
                );
            }
        }
        if ctx.diags.has_errors() {
            return (None, ctx.diags);
        }
        // Most steps compile to 0.5-2 KiB: one buffer of that size instead of growing one.
        (Some(canonical::to_string_with_capacity(&Json::Object(step), 2048)), ctx.diags)
    }
}

/// The path of the first string in `v` (at `path`) whose `{{ }}` references name step `name`.
fn self_reference(v: &Value, name: &str, path: &AttrPath) -> Option<AttrPath> {
    let found = |at: AttrPath, v: &Value| self_reference(v, name, &at);
    match v {
        Value::String(s) if s.contains("{{") => {
            let mut refs = Vec::new();
            expr::collect_references(&expr::compile_string(s).ok()?, &mut refs);
            refs.iter().any(|(r, _)| r.step() == Some(name)).then(|| path.clone())
        }
        Value::Object(m) => m.iter().find_map(|(k, v)| found(path.clone().attr(k), v)),
        Value::Map(m) => m.iter().find_map(|(k, v)| found(path.clone().key(k), v)),
        Value::List(l) | Value::Set(l) | Value::Tuple(l) => {
            l.iter().enumerate().find_map(|(i, v)| found(path.clone().index(i), v))
        }
        Value::Dynamic(_, v) => self_reference(v, name, path),
        _ => None,
    }
}

/// Everything the user set is known. (Computed-only attributes are null in a configuration, so
/// this is simply the configuration being wholly known.)
fn inputs_known(cfg: &Value) -> bool {
    cfg.is_known()
}

#[async_trait]
impl<K: StepKind> Resource<ProviderData> for StepResource<K> {
    fn type_name(&self) -> &'static str {
        self.0.type_name()
    }

    fn schema(&self) -> Schema {
        self.full_schema()
    }

    fn validate(&self, config: &Value) -> Diagnostics {
        let diags = if inputs_known(config) {
            self.compile(config).1
        } else {
            self.validate_known_parts(config)
        };
        // Warnings come from plan, which compiles the same step: Terraform validates during
        // `plan` too, and would print each one twice. With errors, Terraform stops before the
        // plan, so they go with them (as the pipeline's validate does).
        if diags.has_errors() {
            diags
        } else {
            Diagnostics::new()
        }
    }

    async fn plan(
        &self,
        _data: &ProviderData,
        req: &PlanRequest,
        planned: &mut Value,
        diags: &mut Diagnostics,
    ) {
        let json = if inputs_known(&req.config) {
            let (json, problems) = self.compile(planned);
            diags.extend(problems);
            json.map(Value::string).unwrap_or(Value::Unknown)
        } else {
            Value::Unknown
        };
        model::set(planned, "json", json);
        let name = model::string(planned, "name").value();
        for e in self.0.exports() {
            let v = match &name {
                Some(n) => (e.value)(n, planned),
                None => Value::Unknown,
            };
            model::set(planned, e.name, v);
        }
    }

    async fn create(&self, _data: &ProviderData, planned: &Value) -> Outcome {
        Outcome { state: planned.clone(), diagnostics: Diagnostics::new(), private: None }
    }

    async fn update(&self, _data: &ProviderData, _prior: &Value, planned: &Value) -> Outcome {
        Outcome { state: planned.clone(), diagnostics: Diagnostics::new(), private: None }
    }

    async fn delete(&self, _data: &ProviderData, _prior: &Value, _private: &[u8]) -> Diagnostics {
        Diagnostics::new()
    }

    async fn read(&self, _data: &ProviderData, state: &Value) -> (Value, Diagnostics) {
        (state.clone(), Diagnostics::new())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What each type declares it takes from `step_defaults` (the pipeline's docs list types
    /// from it) is what its `apply_step_defaults` fills in: probed one setting at a time on
    /// `Arguments` holding every object a job type fills defaults into (so that a mistake in
    /// either fails here).
    #[test]
    fn step_defaults_taken_is_what_apply_step_defaults_fills_in() {
        use crate::compiler::step_type::StepDefault;
        let skeleton = serde_json::json!({
            "ProcessingResources": {"ClusterConfig": {}},
            "ProcessingOutputConfig": {},
            "TransformResources": {},
            "TransformOutput": {},
            "TrainingJobDefinition": {},
        });
        let probes: [(StepDefault, StepDefaults); 5] = [
            (StepDefault::Role, StepDefaults { role_arn: Some("r".into()), ..Default::default() }),
            (
                StepDefault::Network,
                StepDefaults {
                    enable_network_isolation: Some(true),
                    subnets: vec!["s".into()],
                    security_group_ids: vec!["g".into()],
                    ..Default::default()
                },
            ),
            (
                StepDefault::VolumeKmsKey,
                StepDefaults { volume_kms_key_id: Some("k".into()), ..Default::default() },
            ),
            (
                StepDefault::OutputKmsKey,
                StepDefaults { output_kms_key_id: Some("k".into()), ..Default::default() },
            ),
            (
                StepDefault::Tags,
                StepDefaults {
                    tags: [("t".to_string(), "v".to_string())].into(),
                    ..Default::default()
                },
            ),
        ];
        for facts in REGISTRY.iter().map(StepType::facts) {
            // Some types make empty objects for defaults whether or not any is set.
            let mut unset = skeleton.as_object().unwrap().clone();
            facts.apply_step_defaults(&mut unset, &StepDefaults::default());
            for (setting, d) in &probes {
                let mut args = skeleton.as_object().unwrap().clone();
                facts.apply_step_defaults(&mut args, d);
                let fills = args != unset;
                assert_eq!(
                    fills,
                    facts.step_defaults_taken().contains(setting),
                    "{}: {setting:?}",
                    facts.step_type()
                );
            }
        }
    }

    fn processing(attrs: Vec<(&str, Value)>) -> Value {
        let mut m: std::collections::BTreeMap<String, Value> = [
            ("name", Value::string("Prep")),
            ("image_uri", Value::string("img")),
            ("instance_type", Value::string("ml.m5.xlarge")),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v))
        .collect();
        for (k, v) in attrs {
            m.insert(k.to_string(), v);
        }
        Value::Object(m)
    }

    fn validate(cfg: &Value) -> Vec<String> {
        StepResource(processing::Processing)
            .validate(cfg)
            .iter()
            .map(|d| format!("{}: {}", d.path.clone().unwrap_or_default(), d.summary))
            .collect()
    }

    /// Issue 6: validate checks every known value while others are unknown, and reports nothing
    /// that an unknown value could make right.
    #[test]
    fn validate_checks_known_values_only() {
        let out = |name: Value| {
            Value::list([Value::object([
                ("name", name),
                ("source", Value::string("/opt/ml/processing/o")),
                ("destination", Value::Unknown),
            ])])
        };
        let pf = Value::list([Value::object([
            ("name", Value::string("R")),
            ("output_name", Value::string("o")),
            ("path", Value::string("r.json")),
        ])]);
        // The output's name is unknown: the property file naming it is not a mistake yet.
        let cfg = processing(vec![
            ("role_arn", Value::Unknown),
            ("output", out(Value::Unknown)),
            ("property_file", pf.clone()),
        ]);
        assert_eq!(validate(&cfg), Vec::<String>::new());
        // Known mistakes are reported next to unknown values.
        let cfg = processing(vec![
            ("role_arn", Value::Unknown),
            ("instance_type", Value::string("ml.m5.xxlarge")),
            ("instance_count", Value::string("-0")),
            ("container_arguments", Value::list([Value::string("a"), Value::Null])),
            (
                "input",
                Value::list([Value::object([
                    ("source", Value::string("acme-ml/raw")),
                    ("destination", Value::Unknown),
                ])]),
            ),
            ("output", out(Value::string("o"))),
            ("property_file", pf),
        ]);
        assert_eq!(
            validate(&cfg),
            vec![
                "container_arguments[1]: Null element in a list",
                "instance_type: Invalid instance type \"ml.m5.xxlarge\"",
                "instance_count: instance_count must be a positive whole number",
                "input[0].source: Invalid S3 URI \"acme-ml/raw\"",
            ]
        );
        // With everything known, validate is plan's full compile.
        let cfg = processing(vec![
            ("output", Value::list([])),
            (
                "property_file",
                Value::list([Value::object([
                    ("name", Value::string("R")),
                    ("output_name", Value::string("o")),
                    ("path", Value::string("r.json")),
                ])]),
            ),
        ]);
        assert_eq!(validate(&cfg), vec!["property_file[0].output_name: Property file \"R\" names output \"o\", which this step does not have"]);
    }

    /// Checks that relate several values run at validate when those values are known, whatever
    /// else is unknown, and wait when one of them is unknown (it might make them right).
    #[test]
    fn validate_judges_related_values_when_they_are_known() {
        let input = |name: Value, source: Value, dest: &str| {
            Value::object([
                ("name", name),
                ("source", source),
                ("destination", Value::string(dest)),
            ])
        };
        let cfg = |second_input_name: Value, outputs: Value, max_attempts: Value| {
            processing(vec![
                ("role_arn", Value::Unknown),
                (
                    "input",
                    Value::list([
                        input(Value::string("d"), Value::Unknown, "/opt/ml/processing/a"),
                        input(second_input_name, Value::string("s3://b/x"), "/opt/ml/processing/b"),
                    ]),
                ),
                ("output", outputs),
                (
                    "property_file",
                    Value::list([Value::object([
                        ("name", Value::string("M")),
                        ("output_name", Value::string("reprot")),
                        ("path", Value::string("m.json")),
                    ])]),
                ),
                (
                    "retry",
                    Value::list([Value::object([
                        ("exception_types", Value::list([Value::string("Step.THROTTLING")])),
                        ("max_attempts", max_attempts),
                        ("expire_after_minutes", Value::number(10)),
                    ])]),
                ),
            ])
        };
        let outputs = Value::list([Value::object([
            ("name", Value::string("report")),
            ("source", Value::string("/opt/ml/processing/report")),
            ("destination", Value::Unknown),
        ])]);
        assert_eq!(
            validate(&cfg(Value::string("d"), outputs.clone(), Value::number(3))),
            vec![
                "input[1].name: Duplicate input name \"d\"",
                "property_file[0].output_name: Property file \"M\" names output \"reprot\", which this step does not have",
                "retry[0].expire_after_minutes: Retry policy has two limits",
            ]
        );
        // Each check waits for its own unknown value: an input name, the outputs (a `dynamic`
        // block whose `for_each` is unknown), a limit that may turn out null.
        assert_eq!(
            validate(&cfg(Value::Unknown, Value::Unknown, Value::Unknown)),
            Vec::<String>::new()
        );
    }

    /// The registry is the one list: every entry has its own `Type`, every resource its own
    /// name, and the resource list and the type lookup are made from it.
    #[test]
    fn registry_entries_are_unique_and_complete() {
        let types: Vec<&str> = step_types().collect();
        let mut unique = types.clone();
        unique.sort();
        unique.dedup();
        assert_eq!(unique.len(), types.len(), "a step Type is registered twice: {types:?}");
        assert!(types.iter().all(|t| !t.is_empty()), "{types:?}");
        let names: Vec<&str> = kinds().map(|k| k.type_name()).collect();
        let mut unique = names.clone();
        unique.sort();
        unique.dedup();
        assert_eq!(unique.len(), names.len(), "a resource name is used twice: {names:?}");
        assert!(
            names.iter().all(|n| n.starts_with("sagemaker_") && n.ends_with("step")),
            "{names:?}"
        );
        let served: Vec<&'static str> = all().iter().map(|r| r.type_name()).collect();
        assert_eq!(served, names);
        for t in &types {
            let facts = step_type_facts(t).expect("registered");
            assert_eq!(facts.step_type(), *t);
        }
        assert!(step_type_facts("NoSuchType").is_none());
        // Every typed kind is found by its name, and compile_any refuses other names.
        for n in &names {
            assert!(kind(n).is_some(), "{n}");
        }
        let (json, d) = compile_any("sagemaker_no_such_step", &Value::Null);
        assert!(json.is_none() && d.has_errors());
    }

    /// `sagemaker_step`'s known types are the registry's: each one's miscapitalisation is caught.
    #[test]
    fn generic_step_knows_every_registered_type() {
        for t in step_types() {
            assert_eq!(generic::check_type(t), Ok(()), "{t}");
            let lower = t.to_ascii_lowercase();
            let e = generic::check_type(&lower).expect_err(&lower);
            assert!(e.contains(&format!("{t:?}")), "{lower}: {e}");
        }
    }

    /// Each typed kind's facts are the ones the pipeline uses: a role is checked exactly for the
    /// kinds that name where it sits, and `step_defaults` fill it there.
    #[test]
    fn role_paths_are_where_step_defaults_put_the_role() {
        for k in kinds().filter(|k| !k.step_type().is_empty()) {
            let Some(path) = k.role_path() else { continue };
            let mut args = Map::new();
            if path.len() > 1 {
                args.insert(path[0].to_string(), Json::Object(Map::new()));
            }
            let d = StepDefaults {
                role_arn: Some("arn:aws:iam::1:role/r".into()),
                ..Default::default()
            };
            k.apply_step_defaults(&mut args, &d);
            let mut at = Some(&Json::Object(args));
            for p in path {
                at = at.and_then(|a| a.get(p));
            }
            assert_eq!(
                at.and_then(Json::as_str),
                Some("arn:aws:iam::1:role/r"),
                "{}",
                k.type_name()
            );
        }
    }

    /// A retry block with both limits or none: the diagnostic is at an attribute of that block,
    /// which Terraform shows (a path to the block itself, it shows at the resource's header).
    #[test]
    fn retry_limits_are_reported_at_an_attribute() {
        let retry = |max: Option<i64>, expire: Option<i64>| {
            Value::object([
                ("exception_types", Value::list([Value::string("Step.THROTTLING")])),
                ("max_attempts", max.map_or(Value::Null, Value::number)),
                ("expire_after_minutes", expire.map_or(Value::Null, Value::number)),
                ("interval_seconds", Value::Null),
                ("backoff_rate", Value::Null),
            ])
        };
        let cfg = processing(vec![(
            "retry",
            Value::list([retry(Some(3), None), retry(Some(3), Some(10)), retry(None, None)]),
        )]);
        assert_eq!(
            validate(&cfg),
            vec![
                "retry[1].expire_after_minutes: Retry policy has two limits",
                "retry[2].max_attempts: Retry policy needs a limit",
            ]
        );
        // A limit that is set but not a whole number is that error alone, not "needs a limit".
        let half = Value::object([
            ("exception_types", Value::list([Value::string("Step.THROTTLING")])),
            ("max_attempts", Value::number(crate::tfvalue::Number::parse("2.5").expect("2.5"))),
            ("expire_after_minutes", Value::Null),
            ("interval_seconds", Value::Null),
            ("backoff_rate", Value::Null),
        ]);
        let msgs = validate(&processing(vec![("retry", Value::list([half]))]));
        assert_eq!(msgs.len(), 1, "{msgs:?}");
        assert!(msgs[0].starts_with("retry[0].max_attempts: "), "{msgs:?}");
        assert!(!msgs[0].contains("needs a limit"), "{msgs:?}");
    }

    /// An escaped `\{{` is text, not a reference: a literal's checks still apply to it.
    #[test]
    fn escaped_braces_are_checked_as_literals() {
        let cfg = processing(vec![("instance_type", Value::string("ml.m5.\\{{ Parameters.T }}"))]);
        assert_eq!(
            validate(&cfg),
            vec!["instance_type: Invalid instance type \"ml.m5.\\\\{{ Parameters.T }}\""]
        );
        let cfg = processing(vec![("instance_type", Value::string("{{ Parameters.T }}"))]);
        assert_eq!(validate(&cfg), Vec::<String>::new());
    }

    /// A path checked against the tree the registry holds for `ty`, as the pipeline does.
    fn check_path(ty: &str, path: &str) -> Result<(), String> {
        let tree = step_type_facts(ty).map_or(PropertyTree::Unmodelled, |f| f.property_tree());
        crate::compiler::properties::check_property_path(ty, tree, path)
    }

    // Each step type's property tree (`mod properties` in its file), through the registry.
    #[test]
    fn valid_paths_per_type() {
        let cases: &[(&str, &str)] = &[
            ("Processing", "ProcessingOutputConfig.Outputs['train'].S3Output.S3Uri"),
            ("Processing", "ProcessingOutputConfig.Outputs[0].S3Output.S3Uri"),
            ("Processing", "ProcessingInputs['code'].S3Input.S3Uri"),
            ("Processing", "ProcessingJobName"),
            ("Processing", "ProcessingJobArn"),
            ("Processing", "ProcessingJobStatus"),
            ("Processing", "ExitMessage"),
            ("Processing", "FailureReason"),
            ("Processing", "ProcessingResources.ClusterConfig.InstanceCount"),
            ("Processing", "Environment['MODE']"),
            ("Processing", "AppSpecification.ContainerArguments"),
            ("Processing", "AppSpecification.ContainerArguments[1]"),
            (
                "Processing",
                "ProcessingInputs[0].DatasetDefinition.AthenaDatasetDefinition.OutputS3Uri",
            ),
            ("Training", "ModelArtifacts.S3ModelArtifacts"),
            ("Training", "TrainingJobName"),
            ("Training", "TrainingJobArn"),
            ("Training", "FinalMetricDataList['val:acc'].Value"),
            ("Training", "HyperParameters['epochs']"),
            ("Training", "OutputDataConfig.S3OutputPath"),
            ("Training", "TrainingJobStatus"),
            ("Training", "BillableTimeInSeconds"),
            ("Training", "InputDataConfig[0].DataSource.S3DataSource.S3Uri"),
            ("Training", "Environment['SM_INPUT_NOTEBOOK_NAME']"),
            ("Training", "DebugRuleEvaluationStatuses[0].RuleEvaluationStatus"),
            ("Transform", "TransformOutput.S3OutputPath"),
            ("Transform", "TransformJobName"),
            ("Transform", "TransformJobArn"),
            ("Transform", "TransformJobStatus"),
            ("Tuning", "BestTrainingJob.TrainingJobName"),
            ("Tuning", "BestTrainingJob.FinalHyperParameterTuningJobObjectiveMetric.Value"),
            ("Tuning", "TrainingJobSummaries[3].TrainingJobName"),
            ("Tuning", "HyperParameterTuningJobName"),
            ("Tuning", "HyperParameterTuningJobArn"),
            ("Tuning", "HyperParameterTuningJobConfig.ResourceLimits.MaxNumberOfTrainingJobs"),
            ("Model", "ModelName"),
            ("Model", "ModelArn"),
            ("Model", "PrimaryContainer.Environment['X']"),
            ("RegisterModel", "ModelPackageArn"),
            ("RegisterModel", "ModelPackageVersion"),
            ("RegisterModel", "ModelPackageGroupName"),
            ("RegisterModel", "ModelApprovalStatus"),
            ("RegisterModel", "ModelPackageName"),
            ("RegisterModel", "ModelMetrics.ModelQuality.Statistics.S3Uri"),
            ("AutoML", "BestCandidateProperties.ModelInsightsJsonReportPath"),
            ("Condition", "Outcome"),
            ("Lambda", "OutputParameters['ticket']"),
            ("Callback", "OutputParameters['approved']"),
            ("EMR", "Id"),
            ("EMR", "Name"),
            ("EMR", "Status.State"),
            ("EMR", "Status.FailureDetails.Reason"),
            ("EMR", "Config.Args"),
            ("EMR", "ActionOnFailure"),
            ("QualityCheck", "CalculatedBaselineStatistics"),
            ("QualityCheck", "BaselineUsedForDriftCheckConstraints"),
            ("ClarifyCheck", "CalculatedBaselineConstraints"),
            // Types not modelled here take any well-formed path.
            ("EndpointConfig", "EndpointConfigArn"),
            ("SomeFutureType", "Anything['x'][0].Goes"),
        ];
        for (ty, path) in cases {
            assert_eq!(check_path(ty, path), Ok(()), "{ty} {path}");
        }
    }

    /// The one-value joins a step compiler wraps around references that are strings already
    /// come off (String parameters in a type's string maps, string-map properties of other
    /// steps in an `Environment`, also in condition branches); the others stay.
    #[test]
    fn single_joins_of_strings_come_off_in_one_walk() {
        use crate::compiler::dag;
        use serde_json::json;
        let join = |get: &str| json!({"Std:Join": {"On": "", "Values": [{"Get": get}]}});
        let mut steps = vec![
            json!({"Name": "Train", "Type": "Training", "Arguments": {
                "Environment": {"S": join("Parameters.S"), "N": join("Parameters.N")},
                "HyperParameters": {"h": join("Parameters.S")}}}),
            json!({"Name": "Prep", "Type": "Processing", "Arguments": {"Environment": {
                "FROM_TRAIN": join("Steps.Train.HyperParameters['x']"),
                "ART": join("Steps.Train.ModelArtifacts.S3ModelArtifacts")}}}),
            json!({"Name": "Check", "Type": "Condition", "Arguments": {
                "Conditions": [{"Type": "Equals", "LeftValue": join("Parameters.S"), "RightValue": "x"}],
                "IfSteps": [{"Name": "Inner", "Type": "Processing", "Arguments": {
                    "Environment": {"X": join("Parameters.S")}}}],
                "ElseSteps": [],
                "Environment": {"K": join("Steps.Train.HyperParameters['x']")}},
                "Environment": {"K": join("Steps.Train.HyperParameters['x']")}}),
            // Unwrapped as a String parameter, then once more as a string property.
            json!({"Name": "Twice", "Type": "Training", "Arguments": {"Environment": {"K":
                {"Std:Join": {"On": "", "Values": [{"Get": "Parameters.S",
                    "Std:Join": {"On": "", "Values": [{"Get": "Steps.Train.HyperParameters['x']"}]}}]}}}}}),
        ];
        let string_params = ["S".to_string()].into();
        let by_name = dag::StepTypesByName::of(&steps);
        for s in &mut steps {
            dag::unwrap_single_joins(s, &string_params, &by_name, step_type_facts);
        }
        let get = |g: &str| json!({"Get": g});
        assert_eq!(steps[0]["Arguments"]["Environment"]["S"], get("Parameters.S"));
        assert_eq!(steps[0]["Arguments"]["Environment"]["N"], join("Parameters.N"));
        assert_eq!(steps[0]["Arguments"]["HyperParameters"]["h"], get("Parameters.S"));
        assert_eq!(
            steps[1]["Arguments"]["Environment"]["FROM_TRAIN"],
            get("Steps.Train.HyperParameters['x']")
        );
        assert_eq!(
            steps[1]["Arguments"]["Environment"]["ART"],
            join("Steps.Train.ModelArtifacts.S3ModelArtifacts")
        );
        let cond = &steps[2]["Arguments"];
        assert_eq!(cond["IfSteps"][0]["Arguments"]["Environment"]["X"], get("Parameters.S"));
        assert_eq!(cond["Conditions"][0]["LeftValue"], join("Parameters.S"), "not a string map");
        // A condition's own `Environment`s, in its fields and in its `Arguments`.
        let train_x = get("Steps.Train.HyperParameters['x']");
        assert_eq!(cond["Environment"]["K"], train_x);
        assert_eq!(steps[2]["Environment"]["K"], train_x);
        assert_eq!(steps[3]["Arguments"]["Environment"]["K"], train_x);
    }

    #[test]
    fn invalid_paths_explain_themselves() {
        let cases: &[(&str, &str, &str)] = &[
            ("Training", "ModelArtifact.S3ModelArtifacts", "Did you mean `ModelArtifacts`?"),
            ("Training", "modelartifacts.S3ModelArtifacts", "Did you mean `ModelArtifacts`?"),
            ("Training", "Nope", "e.g. ModelArtifacts.S3ModelArtifacts"),
            (
                "Training",
                "ModelArtifacts",
                "is an object, not a value: continue with one of S3ModelArtifacts",
            ),
            ("Training", "ModelArtifacts.S3Uri", "`ModelArtifacts` has S3ModelArtifacts"),
            ("Training", "HyperParameters", "is a map"),
            ("Training", "HyperParameters[0]", "select an entry by key"),
            ("Training", "HyperParameters['a'].b", "is a value and has no property `b`"),
            ("Training", "TrainingJobName[0]", "cannot be indexed"),
            ("Training", "FinalMetricDataList", "is a list"),
            ("Training", "FinalMetricDataList['m']", "is an object"),
            (
                "Processing",
                "ProcessingOutputConfig.Outputs['train'].S3Uri",
                "`ProcessingOutputConfig.Outputs['train']` has OutputName, S3Output",
            ),
            (
                "Processing",
                "ProcessingOutputConfig.Outputs['train'].S3Output",
                "continue with one of S3Uri",
            ),
            ("Processing", "ProcessingOutputConfig.Outputs[\"train\"]", "single quotes"),
            ("Processing", "PropertyFiles.Report", "PropertyFiles.<file>.<json path>"),
            ("Processing", "", "not a valid property path"),
            ("Transform", "TransformOutput.S3Uri", "`TransformOutput` has S3OutputPath"),
            ("Tuning", "BestTrainingJob.Name", "`BestTrainingJob` has"),
            ("Model", "ModelNmae", "Did you mean `ModelName`?"),
            ("RegisterModel", "ModelPackageARN", "Did you mean `ModelPackageArn`?"),
            ("Condition", "Result", "Outcome"),
            ("Lambda", "OutputParameters", "is a map"),
            ("Lambda", "Outputs['x']", "OutputParameters['<output name>']"),
            ("EMR", "Status", "continue with one of State"),
            ("QualityCheck", "CalculatedBaselineConstraints.S3Uri", "is a value"),
            ("Fail", "ErrorMessage", "no properties"),
            ("SomeFutureType", "a..b", "not a valid property path"),
        ];
        for (ty, path, needle) in cases {
            let e = check_path(ty, path).expect_err(path);
            assert!(e.contains(needle), "{ty} {path}: {e}");
        }
    }

    #[test]
    fn never_panics() {
        let pieces = [
            "A",
            ".",
            "[",
            "]",
            "'",
            "0",
            "Outputs",
            "ProcessingOutputConfig",
            "S3Output",
            "é",
            " ",
            "[0]",
            "['x']",
        ];
        let types = ["Processing", "Training", "Tuning", "Lambda", "Fail", "X"];
        let mut seed: u64 = 0xdeadbeefcafef00d;
        for _ in 0..10_000 {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            let n = (seed % 8) as usize;
            let p: String = (0..n)
                .map(|k| pieces[((seed >> (k * 6)) % pieces.len() as u64) as usize])
                .collect();
            let _ = check_path(types[(seed % types.len() as u64) as usize], &p);
        }
    }
}
