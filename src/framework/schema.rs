//! Schema model: what a provider, resource or data source looks like to Terraform.
//!
//! Blocks, attributes and nested blocks, each with a Markdown description. The model knows how
//! to turn itself into a Terraform [`Type`] (so values can be decoded). Attributes also declare
//! what the framework does with them for every resource alike: [`Validator`]s, [`PlanModifier`]s
//! (replacement, keeping state for unknowns) and [`SemanticEquality`]; the walkers that apply
//! them, and the plan rules (`plan_from_config`, `mark_computed_unknown`), live here too. Every
//! attribute and block must carry a description; a unit test in the provider module walks every
//! schema and enforces it.
//!
//! Depends on `tfvalue` only. Must not know about protobuf: the plugin server converts at the edge.

use std::collections::BTreeMap;
use std::fmt;
use std::sync::Arc;

use super::diag::{AttrPath, Diagnostic, Diagnostics};
use crate::tfvalue::{Type, Value};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Nesting {
    Single,
    List,
    Set,
    Map,
    Group,
}

/// A check of one attribute's value, declared on the attribute (`Attribute::validate`) and run
/// by the framework in ValidateResourceConfig and again in PlanResourceChange (for values that
/// were unknown at validation), for every resource alike. It sees only wholly known, non-null
/// values, and reports each problem at the path it is given. Reusable constructors are in
/// [`super::validators`].
#[derive(Clone)]
pub struct Validator(Arc<CheckFn>);

/// The function inside a [`Validator`]: the value, its path, where problems go.
type CheckFn = dyn Fn(&Value, &AttrPath, &mut Diagnostics) + Send + Sync;

impl Validator {
    pub fn new(
        check: impl Fn(&Value, &AttrPath, &mut Diagnostics) + Send + Sync + 'static,
    ) -> Self {
        Validator(Arc::new(check))
    }
    pub fn check(&self, value: &Value, path: &AttrPath, diags: &mut Diagnostics) {
        (self.0)(value, path, diags)
    }
}

impl fmt::Debug for Validator {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Validator")
    }
}

/// How the framework plans an attribute beyond the plain rules (configuration echoed, computed
/// values from the proposal, unknown on create).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PlanModifier {
    /// A change of the value replaces the remote object (Terraform's `RequiresReplace`); an
    /// unknown planned value counts as a change.
    RequiresReplace,
    /// A computed value the plan leaves unknown on update keeps the prior state's value: for
    /// values fixed at creation, such as an ARN.
    UseStateForUnknown,
}

/// Whether two values of an attribute mean the same: `(prior, planned, prior_object,
/// config_object)`, where the objects are the prior and configured objects (resource or nested
/// block element, at the same position) holding the attribute, for attributes whose meaning
/// depends on a sibling (a parameter's default on its name and type: blocks are paired by
/// position, so the prior element may be another parameter). Called only for two different,
/// wholly known, non-null values.
#[derive(Clone)]
pub struct SemanticEquality(Arc<SameFn>);

/// The function inside a [`SemanticEquality`]: `(prior, planned, prior_object, config_object)`.
type SameFn = dyn Fn(&Value, &Value, &Value, &Value) -> bool + Send + Sync;

impl fmt::Debug for SemanticEquality {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SemanticEquality")
    }
}

#[derive(Clone, Debug)]
pub struct Attribute {
    pub name: &'static str,
    pub ty: Type,
    pub description: String,
    pub required: bool,
    pub optional: bool,
    pub computed: bool,
    pub sensitive: bool,
    pub validators: Vec<Validator>,
    pub plan_modifiers: Vec<PlanModifier>,
    /// When the planned value means what the prior state holds, the prior value is planned
    /// (Terraform accepts it for any attribute), so the plan shows no change.
    pub semantic_equality: Option<SemanticEquality>,
    /// For a required attribute: what to write instead of `null`, when more can be said than
    /// "give it a value".
    pub null_advice: Option<&'static str>,
}

impl Attribute {
    fn new(name: &'static str, ty: Type, description: &str) -> Self {
        Attribute {
            name,
            ty,
            description: description.to_string(),
            required: false,
            optional: false,
            computed: false,
            sensitive: false,
            validators: Vec::new(),
            plan_modifiers: Vec::new(),
            semantic_equality: None,
            null_advice: None,
        }
    }
    pub fn required(name: &'static str, ty: Type, description: &str) -> Self {
        Attribute { required: true, ..Self::new(name, ty, description) }
    }
    pub fn optional(name: &'static str, ty: Type, description: &str) -> Self {
        Attribute { optional: true, ..Self::new(name, ty, description) }
    }
    pub fn computed(name: &'static str, ty: Type, description: &str) -> Self {
        Attribute { computed: true, ..Self::new(name, ty, description) }
    }
    pub fn optional_computed(name: &'static str, ty: Type, description: &str) -> Self {
        Attribute { optional: true, computed: true, ..Self::new(name, ty, description) }
    }
    /// Shorthand for `.plan_modifier(PlanModifier::RequiresReplace)`.
    pub fn force_new(self) -> Self {
        self.plan_modifier(PlanModifier::RequiresReplace)
    }
    pub fn sensitive(mut self) -> Self {
        self.sensitive = true;
        self
    }
    /// What the error for `null` in this required attribute advises.
    pub fn when_null(mut self, advice: &'static str) -> Self {
        self.null_advice = Some(advice);
        self
    }
    /// Adds a check of the attribute's value (see [`Validator`]).
    pub fn validate(mut self, v: Validator) -> Self {
        self.validators.push(v);
        self
    }
    pub fn plan_modifier(mut self, m: PlanModifier) -> Self {
        if !self.plan_modifiers.contains(&m) {
            self.plan_modifiers.push(m);
        }
        self
    }
    /// Plans the prior value when `same(prior, planned, prior_object, config_object)` (see
    /// [`SemanticEquality`]).
    pub fn semantic_equality(
        mut self,
        same: impl Fn(&Value, &Value, &Value, &Value) -> bool + Send + Sync + 'static,
    ) -> Self {
        self.semantic_equality = Some(SemanticEquality(Arc::new(same)));
        self
    }
    /// True when a change of this attribute replaces the remote object.
    pub fn forces_replacement(&self) -> bool {
        self.plan_modifiers.contains(&PlanModifier::RequiresReplace)
    }
}

#[derive(Clone, Debug)]
pub struct NestedBlock {
    pub name: &'static str,
    pub block: Block,
    pub nesting: Nesting,
    pub min_items: i64,
    pub max_items: i64,
}

impl NestedBlock {
    /// A block that may appear at most once (`nesting = SINGLE`, value null when absent).
    pub fn single(name: &'static str, block: Block) -> Self {
        NestedBlock { name, block, nesting: Nesting::Single, min_items: 0, max_items: 0 }
    }
    /// A repeatable, ordered block (`nesting = LIST`, an empty list when absent).
    pub fn list(name: &'static str, block: Block) -> Self {
        NestedBlock { name, block, nesting: Nesting::List, min_items: 0, max_items: 0 }
    }
    /// At most `n` blocks (LIST and SET only; Terraform rejects limits on SINGLE blocks).
    pub fn max_items(mut self, n: i64) -> Self {
        self.max_items = n;
        self
    }
}

#[derive(Clone, Debug, Default)]
pub struct Block {
    pub description: String,
    pub attributes: Vec<Attribute>,
    pub blocks: Vec<NestedBlock>,
    pub deprecated: bool,
}

impl Block {
    pub fn new(description: &str) -> Self {
        Block { description: description.to_string(), ..Default::default() }
    }
    pub fn attr(mut self, a: Attribute) -> Self {
        self.attributes.push(a);
        self
    }
    pub fn block(mut self, b: NestedBlock) -> Self {
        self.blocks.push(b);
        self
    }

    /// The object type of a value of this block: one attribute per attribute and per nested block type.
    pub fn value_type(&self) -> Type {
        let mut attrs = BTreeMap::new();
        for a in &self.attributes {
            attrs.insert(a.name.to_string(), a.ty.clone());
        }
        for b in &self.blocks {
            let inner = b.block.value_type();
            let ty = match b.nesting {
                Nesting::Single | Nesting::Group => inner,
                Nesting::List => Type::List(Box::new(inner)),
                Nesting::Set => Type::Set(Box::new(inner)),
                Nesting::Map => Type::Map(Box::new(inner)),
            };
            attrs.insert(b.name.to_string(), ty);
        }
        Type::Object(attrs)
    }

    pub fn attribute(&self, name: &str) -> Option<&Attribute> {
        self.attributes.iter().find(|a| a.name == name)
    }
}

#[derive(Clone, Debug)]
pub struct Schema {
    pub version: i64,
    pub block: Block,
}

impl Schema {
    pub fn new(block: Block) -> Self {
        Schema { version: 0, block }
    }
}

/// Builds the base plan of an object from its configuration, taking from Terraform's proposed
/// new state only what the configuration does not decide: computed attributes (and
/// optional+computed ones the user left null) inside blocks that are still configured.
///
/// Why not start from the proposed new state: Terraform 1.0's proposal keeps the *prior* object
/// of a single nested block that was removed from the configuration (and Terraform then rejects
/// the provider's echo of it: "planned for existence but config wants absence"). Planning from the
/// configuration is what every Terraform version checks against, so one rule serves them all.
///
/// Nested blocks follow the configuration's count: a removed single block is null, list blocks
/// pair with the proposal by position, map blocks by key. An unknown block value (a `dynamic`
/// block whose `for_each` is unknown) stays unknown.
pub fn plan_from_config(block: &Block, config: &Value, proposed: &Value) -> Value {
    let cfg = match config {
        Value::Object(m) => m,
        // Null or unknown objects (and anything unexpected) are the configuration's to decide.
        other => return other.clone(),
    };
    let prop = proposed.as_map();
    let from_proposal = |name: &str| prop.and_then(|p| p.get(name)).cloned().unwrap_or(Value::Null);
    let mut out = BTreeMap::new();
    for a in &block.attributes {
        let configured = cfg.get(a.name).cloned().unwrap_or(Value::Null);
        let v = if a.computed && configured.is_null() { from_proposal(a.name) } else { configured };
        out.insert(a.name.to_string(), v);
    }
    for b in &block.blocks {
        let configured = cfg.get(b.name).cloned().unwrap_or(Value::Null);
        let proposed_b = from_proposal(b.name);
        let v = match (&configured, b.nesting) {
            (Value::Object(_), Nesting::Single | Nesting::Group) => {
                plan_from_config(&b.block, &configured, &proposed_b)
            }
            (Value::List(items), _) => {
                let props = proposed_b.as_list().unwrap_or(&[]);
                Value::List(
                    items
                        .iter()
                        .enumerate()
                        .map(|(i, item)| {
                            plan_from_config(&b.block, item, props.get(i).unwrap_or(&Value::Null))
                        })
                        .collect(),
                )
            }
            (Value::Set(items), _) => {
                // Set elements have no identity to pair by; a computed attribute inside a set
                // block would be planned from its configured element alone.
                Value::Set(
                    items
                        .iter()
                        .map(|item| plan_from_config(&b.block, item, &Value::Null))
                        .collect(),
                )
            }
            (Value::Map(items), _) => {
                let props = proposed_b.as_map();
                Value::Map(
                    items
                        .iter()
                        .map(|(k, item)| {
                            let p = props.and_then(|p| p.get(k)).unwrap_or(&Value::Null);
                            (k.clone(), plan_from_config(&b.block, item, p))
                        })
                        .collect(),
                )
            }
            _ => configured.clone(),
        };
        out.insert(b.name.to_string(), v);
    }
    Value::Object(out)
}

/// Walks a block's computed attributes and marks those that are null in `planned` as unknown
/// (recursing into nested blocks). This is the create-time rule: a computed attribute the user
/// did not set must be planned as unknown, or apply would be forced to return null for it.
pub fn mark_computed_unknown(block: &Block, planned: &mut Value) {
    let Value::Object(map) = planned else { return };
    for a in &block.attributes {
        if a.computed {
            if let Some(v) = map.get_mut(a.name) {
                if v.is_null() {
                    *v = Value::Unknown;
                }
            }
        }
    }
    for b in &block.blocks {
        let Some(v) = map.get_mut(b.name) else { continue };
        match v {
            Value::List(items) | Value::Set(items) => {
                for item in items {
                    mark_computed_unknown(&b.block, item);
                }
            }
            Value::Map(items) => {
                for item in items.values_mut() {
                    mark_computed_unknown(&b.block, item);
                }
            }
            Value::Object(_) => mark_computed_unknown(&b.block, v),
            _ => {}
        }
    }
}

/// The objects a nested block's value holds, each with its attribute path: the object of a
/// single block, each element of a list (by index) or map (by key). Set elements have no path
/// of their own here; they are reported at the block.
fn nested_objects<'a>(b: &NestedBlock, v: &'a Value, at: &AttrPath) -> Vec<(AttrPath, &'a Value)> {
    match v.unwrap_dynamic() {
        Value::Object(_) => vec![(at.clone(), v)],
        Value::List(items) => {
            items.iter().enumerate().map(|(i, item)| (at.clone().index(i), item)).collect()
        }
        Value::Set(items) => items.iter().map(|item| (at.clone(), item)).collect(),
        Value::Map(items) if b.nesting == Nesting::Map => {
            items.iter().map(|(k, item)| (at.clone().key(k), item)).collect()
        }
        _ => Vec::new(),
    }
}

/// Runs every attribute's declared validators on the wholly known, non-null values of `value`
/// (a configuration), nested blocks included, reporting at each attribute's path under `at`
/// (`AttrPath::default()` for the resource itself). A required attribute set to `null` is an
/// error: Terraform only checks that it is written, and `image_uri = var.unset` writes it
/// (fresh-eyes finding: such steps compiled without their image, and a null parallelism limit
/// never settled). Returns whether one was.
pub fn validate_attributes(
    block: &Block,
    value: &Value,
    at: &AttrPath,
    diags: &mut Diagnostics,
) -> bool {
    let Value::Object(m) = value.unwrap_dynamic() else { return false };
    let mut required_null = false;
    for a in block.attributes.iter().filter(|a| a.required) {
        if m.get(a.name).is_some_and(Value::is_null) {
            required_null = true;
            diags.push(
                Diagnostic::error(
                    "Missing required argument",
                    format!(
                        "The argument \"{}\" is required, but its value is null (an unset variable, or a conditional or lookup that gave null). {}",
                        a.name,
                        a.null_advice.unwrap_or("Give it a value.")
                    ),
                )
                .at(at.clone().attr(a.name)),
            );
        }
    }
    for a in block.attributes.iter().filter(|a| !a.validators.is_empty()) {
        let Some(v) = m.get(a.name).filter(|v| !v.is_null() && v.is_known()) else { continue };
        let path = at.clone().attr(a.name);
        for check in &a.validators {
            check.check(v, &path, diags);
        }
    }
    for b in &block.blocks {
        let Some(v) = m.get(b.name) else { continue };
        for (path, item) in nested_objects(b, v, &at.clone().attr(b.name)) {
            required_null |= validate_attributes(&b.block, item, &path, diags);
        }
    }
    required_null
}

/// Pairs the prior and planned objects of a nested block for the plan rules below: single
/// blocks with each other, list elements by position, map elements by key, each with the
/// configured object at the same place (`null` where there is none). Set elements have no
/// identity to pair by and are left alone.
fn paired<'a>(
    b: &NestedBlock,
    config: Option<&'a Value>,
    prior: Option<&'a Value>,
    planned: Option<&'a mut Value>,
) -> Vec<(&'a Value, &'a Value, &'a mut Value)> {
    static NULL: Value = Value::Null;
    let (Some(prior), Some(planned)) = (prior, planned) else { return Vec::new() };
    let config = config.unwrap_or(&NULL);
    match (prior, planned) {
        (Value::Object(_), p @ Value::Object(_)) => vec![(config, prior, p)],
        (Value::List(before), Value::List(after)) => {
            let configured = |i: usize| match config {
                Value::List(items) => items.get(i).unwrap_or(&NULL),
                _ => &NULL,
            };
            before
                .iter()
                .zip(after.iter_mut())
                .enumerate()
                .map(|(i, (then, now))| (configured(i), then, now))
                .collect()
        }
        (Value::Map(before), Value::Map(after)) if b.nesting == Nesting::Map => after
            .iter_mut()
            .filter_map(|(k, now)| {
                let c = match config {
                    Value::Map(items) => items.get(k).unwrap_or(&NULL),
                    _ => &NULL,
                };
                before.get(k).map(|then| (c, then, now))
            })
            .collect(),
        _ => Vec::new(),
    }
}

/// Plans the prior value of every attribute declaring [`SemanticEquality`] whose planned value
/// means the same (nested blocks included), so that a different spelling of the same meaning is
/// no change. Runs before the resource's own plan, which then works from the kept values.
pub fn keep_semantically_equal(block: &Block, config: &Value, prior: &Value, planned: &mut Value) {
    let (Value::Object(before), Value::Object(after)) = (prior, &mut *planned) else { return };
    for a in &block.attributes {
        let Some(same) = &a.semantic_equality else { continue };
        let (Some(then), Some(now)) = (before.get(a.name), after.get_mut(a.name)) else {
            continue;
        };
        let comparable = |v: &Value| !v.is_null() && v.is_known();
        if then != now && comparable(then) && comparable(now) && (same.0)(then, now, prior, config)
        {
            *now = then.clone();
        }
    }
    for b in &block.blocks {
        for (c, then, now) in
            paired(b, config.get(b.name), before.get(b.name), after.get_mut(b.name))
        {
            keep_semantically_equal(&b.block, c, then, now);
        }
    }
}

/// On update, a computed attribute declaring [`PlanModifier::UseStateForUnknown`] that the plan
/// left wholly unknown takes the prior state's value (nested blocks included). Runs after the
/// resource's own plan.
pub fn use_state_for_unknown(block: &Block, prior: &Value, planned: &mut Value) {
    let (Value::Object(before), Value::Object(after)) = (prior, &mut *planned) else { return };
    for a in &block.attributes {
        if !(a.computed && a.plan_modifiers.contains(&PlanModifier::UseStateForUnknown)) {
            continue;
        }
        if let (Some(then), Some(now)) = (before.get(a.name), after.get_mut(a.name)) {
            if now.is_unknown() && !then.is_null() {
                *now = then.clone();
            }
        }
    }
    for b in &block.blocks {
        for (_, then, now) in paired(b, None, before.get(b.name), after.get_mut(b.name)) {
            use_state_for_unknown(&b.block, then, now);
        }
    }
}

/// The computed-only attributes (top level) that the configuration sets, and whose planned value
/// is neither that nor the prior one. A configuration cannot set a computed-only attribute;
/// Terraform before 1.1 does it itself when `ignore_changes` has an effect: it rebuilds the
/// configuration with every null map turned into an empty one (hashicorp/terraform#29921, fixed
/// in 1.1), and its plan check then accepts only the configuration's or the prior value there
/// ("Provider produced invalid plan"). On create (also the create half of a replacement, which
/// gets the same configuration) only the configuration's.
pub fn computed_stuck_by_config(
    block: &Block,
    config: &Value,
    prior: &Value,
    planned: &Value,
) -> Vec<&'static str> {
    block
        .attributes
        .iter()
        .filter(|a| a.computed && !a.optional && !a.required)
        .filter(|a| {
            let get = |v: &Value| v.get(a.name).cloned().unwrap_or(Value::Null);
            let (configured, then, now) = (get(config), get(prior), get(planned));
            // Terraform accepts the prior value only when there is one.
            !configured.is_null() && now != configured && (then.is_null() || now != then)
        })
        .map(|a| a.name)
        .collect()
}

/// On update, the prior value of every computed-only attribute (top level) that the
/// configuration sets: Terraform < 1.1 puts `{}` there (see [`computed_stuck_by_config`]), and
/// a plan based on it would change what the resource did not (a computed map planned empty).
pub fn computed_only_from_prior(block: &Block, config: &Value, prior: &Value, planned: &mut Value) {
    let Value::Object(out) = planned else { return };
    for a in block.attributes.iter().filter(|a| a.computed && !a.optional && !a.required) {
        if config.get(a.name).is_some_and(|c| !c.is_null()) {
            out.insert(a.name.to_string(), prior.get(a.name).cloned().unwrap_or(Value::Null));
        }
    }
}

fn has_replacing_attribute(block: &Block) -> bool {
    block.attributes.iter().any(Attribute::forces_replacement)
        || block.blocks.iter().any(|b| has_replacing_attribute(&b.block))
}

/// The paths of attributes declaring [`PlanModifier::RequiresReplace`] whose planned value
/// differs from the prior one, or is not known yet (Terraform then cannot tell, and replaces).
/// Nested blocks pair as in [`paired`]; an element added or removed compares with null. Only
/// meaningful on update (`prior` not null).
pub fn requires_replace(
    block: &Block,
    prior: &Value,
    planned: &Value,
    at: &AttrPath,
    out: &mut Vec<AttrPath>,
) {
    let null = Value::Null;
    for a in block.attributes.iter().filter(|a| a.forces_replacement()) {
        let before = prior.get(a.name).unwrap_or(&null);
        let after = planned.get(a.name).unwrap_or(&null);
        if !after.is_known() || before != after {
            out.push(at.clone().attr(a.name));
        }
    }
    for b in block.blocks.iter().filter(|b| has_replacing_attribute(&b.block)) {
        let path = at.clone().attr(b.name);
        let before = prior.get(b.name).unwrap_or(&null);
        let after = planned.get(b.name).unwrap_or(&null);
        if after.is_unknown() {
            out.push(path);
            continue;
        }
        match (before, after) {
            (Value::List(xs), Value::List(ys)) => {
                for i in 0..xs.len().max(ys.len()) {
                    let (x, y) = (xs.get(i).unwrap_or(&null), ys.get(i).unwrap_or(&null));
                    requires_replace(&b.block, x, y, &path.clone().index(i), out);
                }
            }
            (Value::Map(xs), Value::Map(ys)) => {
                for k in xs.keys().chain(ys.keys().filter(|k| !xs.contains_key(*k))) {
                    let (x, y) = (xs.get(k).unwrap_or(&null), ys.get(k).unwrap_or(&null));
                    requires_replace(&b.block, x, y, &path.clone().key(k), out);
                }
            }
            (Value::Set(_), _) | (_, Value::Set(_)) => {
                if before != after {
                    out.push(path);
                }
            }
            _ => requires_replace(&b.block, before, after, &path, out),
        }
    }
}

/// The rules Terraform (>= 1.1) checks when it loads a schema (`InternalValidate`); a violation
/// makes Terraform refuse the whole provider, so every schema is checked by a unit test.
pub fn internal_validate(block: &Block, path: &str, problems: &mut Vec<String>) {
    let valid_name = |n: &str| {
        !n.is_empty() && n.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
    };
    let mut names = std::collections::BTreeSet::new();
    for a in &block.attributes {
        let p = format!("{path}.{}", a.name);
        if !valid_name(a.name) {
            problems.push(format!("{p}: invalid name"));
        }
        if !names.insert(a.name) {
            problems.push(format!("{p}: duplicate name"));
        }
        if !(a.required || a.optional || a.computed) {
            problems.push(format!("{p}: must be required, optional or computed"));
        }
        if a.required && (a.optional || a.computed) {
            problems.push(format!("{p}: required cannot be combined with optional or computed"));
        }
    }
    for b in &block.blocks {
        let p = format!("{path}.{}", b.name);
        if !valid_name(b.name) {
            problems.push(format!("{p}: invalid name"));
        }
        if !names.insert(b.name) {
            problems.push(format!("{p}: name used by an attribute or another block"));
        }
        match b.nesting {
            Nesting::Single if b.min_items != b.max_items || b.min_items > 1 => {
                problems.push(format!("{p}: single blocks need min_items == max_items, 0 or 1"))
            }
            Nesting::Group | Nesting::Map if b.min_items != 0 || b.max_items != 0 => {
                problems.push(format!("{p}: group and map blocks take no min/max items"))
            }
            Nesting::List | Nesting::Set if b.max_items != 0 && b.min_items > b.max_items => {
                problems.push(format!("{p}: min_items > max_items"))
            }
            _ => {}
        }
        internal_validate(&b.block, &p, problems);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Block {
        Block::new("r")
            .attr(Attribute::required("name", Type::String, "n"))
            .attr(Attribute::computed("arn", Type::String, "a"))
            .block(NestedBlock::list(
                "parameter",
                Block::new("p")
                    .attr(Attribute::required("name", Type::String, "n"))
                    .attr(Attribute::computed("id", Type::String, "i")),
            ))
    }

    fn with_single() -> Block {
        sample().attr(Attribute::optional_computed("display", Type::String, "d")).block(
            NestedBlock::single(
                "cache",
                Block::new("c").attr(Attribute::optional("enabled", Type::Bool, "e")),
            ),
        )
    }

    fn obj(pairs: Vec<(&str, Value)>) -> Value {
        Value::object(pairs)
    }

    /// Fresh-eyes finding: with `ignore_changes` in effect, Terraform 1.0 sends a computed map as
    /// `{}` and then accepts only `{}` or the prior value; a plan needing another is named.
    #[test]
    fn a_computed_value_terraform_put_in_the_configuration_is_found() {
        let block = Block::new("r")
            .attr(Attribute::computed("parts", Type::map(Type::String), "p"))
            .attr(Attribute::optional("tags", Type::map(Type::String), "t"));
        let map = |v: &str| Value::map([("k", Value::string(v))]);
        let state = |parts: Value| obj(vec![("parts", parts), ("tags", Value::Null)]);
        let config = state(Value::map(Vec::<(&str, Value)>::new()));
        let stuck = |prior: &Value, planned: &Value| {
            computed_stuck_by_config(&block, &config, prior, planned)
        };
        assert_eq!(stuck(&state(map("a")), &state(map("b"))), vec!["parts"]);
        assert!(stuck(&state(map("a")), &state(map("a"))).is_empty(), "the prior value");
        assert!(stuck(&state(map("a")), &config).is_empty(), "the configuration's value");
        assert_eq!(stuck(&state(Value::Null), &state(Value::Null)), vec!["parts"], "no prior");
        let mut planned = state(map("b"));
        computed_only_from_prior(&block, &config, &state(map("a")), &mut planned);
        assert_eq!(planned, state(map("a")), "based on the prior value, not on `{{}}`");
        let unset = state(Value::Null);
        assert!(
            computed_stuck_by_config(&block, &unset, &state(map("a")), &state(map("b"))).is_empty(),
            "nothing in the configuration: any value"
        );
    }

    /// Issue 6: Terraform 1.0.3's proposal keeps a removed single block; the plan must not.
    #[test]
    fn removed_single_block_is_planned_absent_whatever_the_proposal_says() {
        let cache = obj(vec![("enabled", Value::Bool(true))]);
        let config = obj(vec![
            ("name", Value::string("x")),
            ("arn", Value::Null),
            ("display", Value::Null),
            ("parameter", Value::List(vec![])),
            ("cache", Value::Null),
        ]);
        let proposed = obj(vec![
            ("name", Value::string("x")),
            ("arn", Value::string("arn:1")),
            ("display", Value::string("shown")),
            ("parameter", Value::List(vec![])),
            ("cache", cache),
        ]);
        let planned = plan_from_config(&with_single(), &config, &proposed);
        assert!(planned.get("cache").is_some_and(Value::is_null), "{planned:?}");
        assert_eq!(
            planned.get("arn").and_then(Value::as_str),
            Some("arn:1"),
            "computed comes from the proposal"
        );
        assert_eq!(
            planned.get("display").and_then(Value::as_str),
            Some("shown"),
            "optional+computed left null keeps the prior"
        );
    }

    /// Issue 6, found by tests/acceptance_edit_cycle.rs on Terraform 1.0.3: a single block
    /// removed inside a block that stays (`network { vpc_config {} }` -> `network {}`,
    /// `model_metrics { bias {} }` -> `model_metrics {}`), or inside an item of a list block,
    /// must be planned absent too.
    #[test]
    fn removed_single_block_inside_a_kept_block_is_planned_absent() {
        let leaf = || Block::new("v").attr(Attribute::optional("subnets", Type::String, "s"));
        let block = Block::new("r")
            .block(NestedBlock::single(
                "network",
                Block::new("n")
                    .attr(Attribute::optional("isolation", Type::Bool, "i"))
                    .block(NestedBlock::single("vpc", leaf())),
            ))
            .block(NestedBlock::list(
                "retry",
                Block::new("t").block(NestedBlock::single("limit", leaf())),
            ));
        let vpc = obj(vec![("subnets", Value::string("subnet-1"))]);
        let config = obj(vec![
            ("network", obj(vec![("isolation", Value::Bool(false)), ("vpc", Value::Null)])),
            ("retry", Value::List(vec![obj(vec![("limit", Value::Null)])])),
        ]);
        let proposed = obj(vec![
            ("network", obj(vec![("isolation", Value::Bool(false)), ("vpc", vpc.clone())])),
            ("retry", Value::List(vec![obj(vec![("limit", vpc)])])),
        ]);
        let planned = plan_from_config(&block, &config, &proposed);
        assert_eq!(planned, config, "the configuration, nested blocks included, is the plan");
    }

    #[test]
    fn configured_values_win_and_list_blocks_pair_by_position() {
        let config = obj(vec![
            ("name", Value::string("new")),
            ("arn", Value::Null),
            ("display", Value::string("mine")),
            (
                "parameter",
                Value::List(vec![obj(vec![("name", Value::string("a")), ("id", Value::Null)])]),
            ),
            ("cache", Value::Unknown),
        ]);
        let proposed = obj(vec![
            ("name", Value::string("old")),
            ("arn", Value::Null),
            ("display", Value::string("theirs")),
            (
                "parameter",
                Value::List(vec![
                    obj(vec![("name", Value::string("a")), ("id", Value::string("id-a"))]),
                    obj(vec![("name", Value::string("b")), ("id", Value::string("id-b"))]),
                ]),
            ),
            ("cache", Value::Null),
        ]);
        let planned = plan_from_config(&with_single(), &config, &proposed);
        assert_eq!(planned.get("name").and_then(Value::as_str), Some("new"));
        assert_eq!(planned.get("display").and_then(Value::as_str), Some("mine"));
        let params = planned.get("parameter").and_then(Value::as_list).expect("list");
        assert_eq!(params.len(), 1, "the configuration decides how many blocks there are");
        assert_eq!(params[0].get("id").and_then(Value::as_str), Some("id-a"));
        assert!(
            planned.get("cache").is_some_and(Value::is_unknown),
            "an unknown dynamic block stays unknown"
        );
    }

    #[test]
    fn value_type_includes_blocks_as_collections() {
        let ty = sample().value_type();
        let Type::Object(attrs) = ty else { panic!("not an object") };
        assert_eq!(attrs.len(), 3);
        assert!(matches!(attrs.get("parameter"), Some(Type::List(_))));
    }

    #[test]
    fn computed_nulls_become_unknown_recursively() {
        let mut v = Value::object([
            ("name", Value::string("x")),
            ("arn", Value::Null),
            (
                "parameter",
                Value::List(vec![Value::object([
                    ("name", Value::string("p")),
                    ("id", Value::Null),
                ])]),
            ),
        ]);
        mark_computed_unknown(&sample(), &mut v);
        assert!(v.get("arn").is_some_and(|a| a.is_unknown()));
        assert_eq!(v.get("name").and_then(|n| n.as_str()), Some("x"));
        let p = &v.get("parameter").and_then(|p| p.as_list()).expect("list")[0];
        assert!(p.get("id").is_some_and(|a| a.is_unknown()));
    }
}
