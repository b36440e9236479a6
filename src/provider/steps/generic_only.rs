//! Step types reachable only through `sagemaker_step` (no typed resource yet), with what the
//! provider knows about each: its `Type` and the properties other steps may reference. They
//! are entries of [`super::REGISTRY`] like the typed steps, so `sagemaker_step`'s type check
//! and the pipeline's reference checks know them. Giving one a typed resource replaces its
//! entry here with the new kind's line in the registry.
//!
//! These types take nothing from `step_defaults`, have no string maps the pipeline converts,
//! and no role check: the user writes their `Arguments` whole.

use serde_json::{Map, Value as Json};

use crate::compiler::dag::StepDefaults;
use crate::compiler::policy::Permission;
use crate::compiler::properties::PropertyTree;
use crate::compiler::step_type;
use crate::compiler::step_type::StepDefault;
use crate::compiler::StepTypeFacts;

/// A step type without a typed resource.
#[derive(Debug)]
pub struct GenericOnly {
    /// SageMaker's `Type`.
    pub step_type: &'static str,
    pub properties: PropertyTree,
}

impl StepTypeFacts for GenericOnly {
    fn step_type(&self) -> &'static str {
        self.step_type
    }
    fn property_tree(&self) -> PropertyTree {
        self.properties
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
        None
    }
    fn permissions(&self) -> &'static [Permission] {
        // What these types run (endpoints, Bedrock models, ...) is not modelled: the policy
        // data source names such steps in a warning.
        &[Permission::NotModelled]
    }
}

const fn unmodelled(step_type: &'static str) -> GenericOnly {
    GenericOnly { step_type, properties: PropertyTree::Unmodelled }
}

pub static ENDPOINT_CONFIG: GenericOnly = unmodelled("EndpointConfig");
pub static ENDPOINT: GenericOnly = unmodelled("Endpoint");
pub static INFERENCE_COMPONENT: GenericOnly = unmodelled("InferenceComponent");
pub static BEDROCK_CUSTOM_MODEL: GenericOnly = unmodelled("BedrockCustomModel");
pub static BEDROCK_CUSTOM_MODEL_DEPLOYMENT: GenericOnly =
    unmodelled("BedrockCustomModelDeployment");
pub static BEDROCK_MODEL_IMPORT: GenericOnly = unmodelled("BedrockModelImport");
pub static BEDROCK_PROVISIONED_MODEL_THROUGHPUT: GenericOnly =
    unmodelled("BedrockProvisionedModelThroughput");
pub static LINEAGE: GenericOnly = unmodelled("Lineage");
