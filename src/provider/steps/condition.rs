//! `sagemaker_condition_step`: branches the pipeline (`Type: Condition`). When every entry
//! of `conditions` holds, the `if_steps` run; otherwise the `else_steps` do.
//!
//! `conditions` are condition expressions (see [`crate::compiler::condition`]), AND-ed as
//! SageMaker's `Conditions` list is. `if_steps` and `else_steps` are the `json` of other step
//! resources: each is compiled by its own resource, and here only checked to be a step object
//! and nested whole, as SageMaker wants (`Arguments.IfSteps` / `Arguments.ElseSteps`). Branch
//! steps must not also be listed in the pipeline's `steps`; the pipeline checks that, names
//! unique across the whole definition, and every reference inside the branches.
//!
//! `Arguments` always has all three keys, lists possibly empty, as the SDK emits them. A
//! condition step takes no cache or retry settings.
//!
//! Layout: schema, compile, exports, tests.

use std::collections::BTreeMap;

use serde_json::{Map, Value as Json};

use super::common::{string_list, Ctx};
use super::{Export, StepKind};
use crate::compiler::condition::compile_condition;
use crate::compiler::definition::valid_entity_name;
use crate::compiler::policy::Permission;
use crate::compiler::step_type::StepDefault;
use crate::compiler::{dag::StepDefaults, properties::PropertyTree, step_type, StepTypeFacts};
use crate::framework::{AttrPath, Attribute, Block};
use crate::provider::model;
use crate::tfvalue::{Type, Value};

pub struct Condition;

/// Where a step name was first seen, for duplicate messages.
type Seen = BTreeMap<String, String>;

/// Parses one branch entry into a step object, reporting problems at `path`.
fn branch_step(text: &str, path: AttrPath, ctx: &mut Ctx, seen: &mut Seen) -> Option<Json> {
    let hint =
        "Pass another step resource's `json` attribute, e.g. sagemaker_fail_step.too_high.json.";
    let v: Json = match serde_json::from_str(text) {
        Ok(v) => v,
        Err(e) if crate::compiler::canonical::too_deep(&e) => {
            let detail = crate::compiler::canonical::TOO_DEEP;
            ctx.error_of(path, "Branch step is nested too deeply", detail);
            return None;
        }
        Err(e) => {
            ctx.error_of(path, "Branch step is not valid JSON", format!("{e}. {hint}"));
            return None;
        }
    };
    let Json::Object(obj) = &v else {
        ctx.error_of(
            path,
            "Branch step is not a step object",
            format!("Expected a JSON object with Name, Type and Arguments. {hint}"),
        );
        return None;
    };
    let mut ok = true;
    match obj.get("Name").and_then(Json::as_str) {
        Some(name) if valid_entity_name(name, 64) => {
            let here = path.to_string();
            if let Some(first) = seen.get(name) {
                ctx.error_of(
                    path.clone(),
                    format!("Duplicate step name {name:?}"),
                    format!("{first} already uses the name {name:?}. Step names must be unique across the whole pipeline, including both branches; a step cannot be in both branches (make a second step resource with another name)."),
                );
                ok = false;
            } else {
                seen.insert(name.to_string(), here);
            }
        }
        Some(name) => {
            ctx.error_of(
                path.clone(),
                format!("Invalid step name {name:?} in branch step"),
                "Step names are 1 to 64 letters, digits, hyphens and underscores.",
            );
            ok = false;
        }
        None => {
            ctx.error_of(
                path.clone(),
                "Branch step has no Name",
                format!("A step object has a string \"Name\". {hint}"),
            );
            ok = false;
        }
    }
    if obj.get("Type").and_then(Json::as_str).is_none_or(str::is_empty) {
        ctx.error_of(
            path.clone(),
            "Branch step has no Type",
            format!(
                "A step object has a string \"Type\", e.g. \"RegisterModel\" or \"Fail\". {hint}"
            ),
        );
        ok = false;
    }
    if obj.get("Arguments").is_some_and(|a| !a.is_object()) {
        ctx.error_of(
            path,
            "Branch step's Arguments is not an object",
            format!("\"Arguments\" must be a JSON object. {hint}"),
        );
        ok = false;
    }
    ok.then_some(v)
}

impl StepTypeFacts for Condition {
    fn step_type(&self) -> &'static str {
        "Condition"
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
        None
    }
    fn permissions(&self) -> &'static [Permission] {
        &[]
    }
}

impl StepKind for Condition {
    fn type_name(&self) -> &'static str {
        "sagemaker_condition_step"
    }
    fn description(&self) -> &'static str {
        "A condition step: evaluates `conditions` (all must hold) and runs `if_steps` when they do, `else_steps` otherwise. Branch steps are nested here and must not also be listed in the pipeline's `steps`. Compiled at plan time; no API call."
    }

    fn block(&self, b: Block) -> Block {
        b.attr(Attribute::required(
            "conditions",
            string_list(),
            "Condition expressions, all of which must hold (AND). Operands are numbers, `true`/`false`, \"double-quoted strings\" or `{{ }}` references; operators `==`, `!=`, `>`, `>=`, `<`, `<=`, `in [a, b]`, `not`, `or` and parentheses. Example: `[\"{{ Steps.Evaluate.PropertyFiles.Report.metrics.mse.value }} <= {{ Parameters.MseThreshold }}\"]`.",
        ))
        .attr(Attribute::optional(
            "if_steps",
            string_list(),
            "Steps run when the conditions hold: other step resources' `json`, e.g. `[sagemaker_register_model_step.register.json]`. Do not also list them in the pipeline's `steps`. Sensitive, so plans print it as one line: a branch step's change shows in its own `json` and in the pipeline's `definition_parts`. After an apply by a newer Terraform, Terraform 1.0 plans `~ if_steps = (sensitive value)` with the value unchanged, as it does for the pipeline's `steps`; nothing changes in SageMaker.",
        ).sensitive())
        .attr(Attribute::optional(
            "else_steps",
            string_list(),
            "Steps run when a condition does not hold: other step resources' `json`, e.g. `[sagemaker_fail_step.too_high.json]`. Do not also list them in the pipeline's `steps`. Sensitive, so plans print it as one line: a branch step's change shows in its own `json` and in the pipeline's `definition_parts`. After an apply by a newer Terraform, Terraform 1.0 plans `~ else_steps = (sensitive value)` with the value unchanged, as it does for the pipeline's `steps`; nothing changes in SageMaker.",
        ).sensitive())
    }

    fn compile(&self, cfg: &Value, ctx: &mut Ctx, step: &mut Map<String, Json>) {
        let texts = model::string_list(cfg, "conditions").value().unwrap_or_default();
        // A null element is its own error (`null_elements`), not a missing condition.
        let listed = cfg.get("conditions").and_then(Value::as_list).map_or(0, <[Value]>::len);
        if listed == 0 {
            ctx.error_of(
                AttrPath::root("conditions"),
                "A condition step needs at least one condition",
                "Add a condition expression, e.g. conditions = [\"{{ Steps.Evaluate.PropertyFiles.Report.metrics.mse.value }} <= 6.0\"].",
            );
        }
        let mut conditions = Vec::new();
        for (i, text) in texts.iter().enumerate() {
            match compile_condition(text) {
                Ok(c) => conditions.push(c),
                Err(e) => ctx.local_error(
                    AttrPath::root("conditions").index(i),
                    "Invalid condition",
                    format!("In {}, {e}.", crate::compiler::expr::shown_near(text, e.column)),
                ),
            }
        }

        let mut seen = Seen::new();
        if let Some(me) = model::string(cfg, "name").value() {
            seen.insert(me, "This condition step".into());
        }
        let mut args = Map::new();
        args.insert("Conditions".into(), Json::Array(conditions));
        for (attr, key) in [("if_steps", "IfSteps"), ("else_steps", "ElseSteps")] {
            let texts = model::string_list(cfg, attr).value().unwrap_or_default();
            let steps: Vec<Json> = texts
                .iter()
                .enumerate()
                .filter_map(|(i, t)| branch_step(t, AttrPath::root(attr).index(i), ctx, &mut seen))
                .collect();
            args.insert(key.into(), Json::Array(steps));
        }
        step.insert("Arguments".into(), Json::Object(args));
    }

    fn exports(&self) -> Vec<Export> {
        vec![Export {
            name: "outcome",
            ty: Type::String,
            description: "`{{ Steps.<name>.Outcome }}`: the condition's result (`True` or `False`) for later steps.",
            value: |name, _| Value::string(format!("{{{{ Steps.{name}.Outcome }}}}")),
        }]
    }
}

/// What `{{ Steps.<name>.<path> }}` may reference on a Condition step.
pub mod properties {
    use crate::compiler::properties::shapes::*;

    pub static TREE: StepProperties = StepProperties {
        source: "a condition step (only its outcome)",
        root: Struct(&[("Outcome", Leaf)]),
        examples: &["Outcome"],
    };
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::provider::steps::StepResource;

    fn cfg(conditions: &[&str], if_steps: &[&str], else_steps: &[&str]) -> Value {
        let list = |xs: &[&str]| Value::list(xs.iter().map(|s| Value::string(*s)));
        Value::object([
            ("name", Value::string("CheckMse")),
            ("conditions", list(conditions)),
            ("if_steps", list(if_steps)),
            ("else_steps", list(else_steps)),
        ])
    }

    fn errors(v: &Value) -> Vec<String> {
        let (json, diags) = StepResource(Condition).compile(v);
        assert!(json.is_none());
        diags
            .iter()
            .map(|d| format!("{}: {}", d.path.clone().unwrap_or_default(), d.summary))
            .collect()
    }

    /// Issue 6: `terraform validate` said "Success!" for `>==` because the branch steps (other
    /// resources' `json`) are unknown at validate.
    #[test]
    fn validate_checks_conditions_while_branch_steps_are_unknown() {
        use crate::framework::Resource;
        let v = Value::object([
            ("name", Value::string("Check")),
            ("conditions", Value::list([Value::string("{{ Parameters.T }} >== 0.8")])),
            ("if_steps", Value::list([Value::Unknown])),
            ("else_steps", Value::Unknown),
        ]);
        let d: Vec<String> = StepResource(Condition)
            .validate(&v)
            .iter()
            .map(|d| format!("{} {}", d.summary, d.detail))
            .collect();
        assert_eq!(d.len(), 1, "{d:?}");
        assert!(d[0].contains("did you mean `>=`?"), "{d:?}");
        // Nothing about the unknown branch steps, nor "needs at least one condition" when the
        // conditions themselves are unknown.
        let v = Value::object([
            ("name", Value::Unknown),
            ("conditions", Value::Unknown),
            ("if_steps", Value::list([Value::Unknown])),
            ("else_steps", Value::Null),
        ]);
        assert!(StepResource(Condition).validate(&v).is_empty());
    }

    #[test]
    fn nests_branch_steps_whole_and_always_emits_three_keys() {
        let fail = r#"{"Name":"MseTooHigh","Type":"Fail","Arguments":{"ErrorMessage":"too high"}}"#;
        let v = cfg(
            &["{{ Steps.Evaluate.PropertyFiles.Report.mse }} <= {{ Parameters.MseThreshold }}"],
            &[],
            &[fail],
        );
        let (j, d) = StepResource(Condition).compile(&v);
        assert!(!d.has_errors(), "{d:?}");
        let j: Json = serde_json::from_str(&j.expect("json")).expect("json");
        assert_eq!(
            j,
            json!({
                "Name": "CheckMse", "Type": "Condition",
                "Arguments": {
                    "Conditions": [{
                        "Type": "LessThanOrEqualTo",
                        "LeftValue": {"Std:JsonGet": {"PropertyFile": {"Get": "Steps.Evaluate.PropertyFiles.Report"}, "Path": "mse"}},
                        "RightValue": {"Get": "Parameters.MseThreshold"},
                    }],
                    "IfSteps": [],
                    "ElseSteps": [{"Name": "MseTooHigh", "Type": "Fail", "Arguments": {"ErrorMessage": "too high"}}],
                },
            })
        );
        // No cache or retry on condition steps.
        let schema = StepResource(Condition).full_schema();
        assert!(schema.block.blocks.iter().all(|b| b.name != "cache" && b.name != "retry"));
    }

    #[test]
    fn zero_conditions_is_an_error() {
        assert_eq!(
            errors(&cfg(&[], &[], &[])),
            vec!["conditions: A condition step needs at least one condition"]
        );
        assert_eq!(
            errors(&Value::object([("name", Value::string("C"))])),
            vec!["conditions: A condition step needs at least one condition"]
        );
    }

    #[test]
    fn branch_mistakes_point_at_the_entry() {
        let a = r#"{"Name":"A","Type":"Fail","Arguments":{}}"#;
        let v = cfg(
            &["{{ Parameters.X }} == 1", "{{ Parameters.X } == 1"],
            &[a, "not json", "[1]", r#"{"Type":"Fail"}"#, r#"{"Name":"CheckMse","Type":"Fail"}"#],
            &[a, r#"{"Name":"B"}"#, r#"{"Name":"C","Type":"Fail","Arguments":[]}"#],
        );
        assert_eq!(
            errors(&v),
            vec![
                "conditions[1]: Invalid condition",
                "if_steps[1]: Branch step is not valid JSON",
                "if_steps[2]: Branch step is not a step object",
                "if_steps[3]: Branch step has no Name",
                "if_steps[4]: Duplicate step name \"CheckMse\"",
                "else_steps[0]: Duplicate step name \"A\"",
                "else_steps[1]: Branch step has no Type",
                "else_steps[2]: Branch step's Arguments is not an object",
            ]
        );
        // Valid JSON nested beyond what serde_json reads is not called invalid.
        let deep = format!("{}{}", "[".repeat(200), "]".repeat(200));
        let v = cfg(&["{{ Parameters.X }} == 1"], &[&deep], &[]);
        assert_eq!(errors(&v), vec!["if_steps[0]: Branch step is nested too deeply"]);
    }
}
