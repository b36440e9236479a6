//! `sagemaker_fail_step`: ends the execution as failed with a message (`Type: Fail`). A Fail
//! step can be neither depended upon nor referenced; the pipeline enforces that.
//!
//! Layout: schema, compile, tests.

use serde_json::{json, Map, Value as Json};

use super::common::Ctx;
use super::StepKind;
use crate::compiler::policy::Permission;
use crate::compiler::step_type::StepDefault;
use crate::compiler::{dag::StepDefaults, properties::PropertyTree, step_type, StepTypeFacts};
use crate::framework::{AttrPath, Attribute, Block};
use crate::tfvalue::{Type, Value};

pub struct Fail;

impl StepTypeFacts for Fail {
    fn step_type(&self) -> &'static str {
        "Fail"
    }
    fn property_tree(&self) -> PropertyTree {
        PropertyTree::NotReferable
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
        &[]
    }
}

impl StepKind for Fail {
    fn type_name(&self) -> &'static str {
        "sagemaker_fail_step"
    }
    fn description(&self) -> &'static str {
        "A fail step: stops the execution with status Failed and an error message. Compiled at plan time; no API call."
    }
    fn block(&self, b: Block) -> Block {
        b.attr(Attribute::optional("error_message", Type::String, "The error message; may hold references, e.g. `MSE {{ Steps.Evaluate.PropertyFiles.Report.mse }} is above the threshold`."))
    }
    fn compile(&self, cfg: &Value, ctx: &mut Ctx, step: &mut Map<String, Json>) {
        // The SDK emits an empty message when none is given.
        let msg =
            ctx.string(cfg, "error_message", &AttrPath::default()).unwrap_or_else(|| json!(""));
        step.insert("Arguments".into(), json!({ "ErrorMessage": msg }));
    }
}
