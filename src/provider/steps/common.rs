//! What every step resource shares: the common attributes, their compilation to the common
//! step keys (`Name`, `Type`, `DependsOn`, `DisplayName`, `Description`, `CacheConfig`,
//! `RetryPolicies`), and [`Ctx`], which compiles attribute values holding `{{ }}` references
//! while collecting every problem with its attribute path.
//!
//! Depends on `framework`, `compiler`. Pure: no IO.

use serde_json::{json, Map, Value as Json};

use crate::compiler::definition::valid_entity_name;
use crate::compiler::expr::{self, Scalar};
use crate::framework::{AttrPath, Attribute, Block, Diagnostics, NestedBlock};
use crate::provider::model::{self, Known};
use crate::tfvalue::{Type, Value};

/// The exception types SageMaker retry policies accept, exactly as in the definition.
pub const RETRY_EXCEPTION_TYPES: [&str; 5] = [
    "Step.SERVICE_FAULT",
    "Step.THROTTLING",
    "SageMaker.JOB_INTERNAL_ERROR",
    "SageMaker.CAPACITY_ERROR",
    "SageMaker.RESOURCE_LIMIT",
];

pub fn string_list() -> Type {
    Type::List(Box::new(Type::String))
}

pub fn string_map() -> Type {
    Type::Map(Box::new(Type::String))
}

/// The attributes and blocks every step resource has.
pub fn common_block(description: &str, cacheable: bool, retryable: bool) -> Block {
    let mut b = Block::new(description)
        .attr(Attribute::required("name", Type::String, "Step name, unique within the pipeline: 1-64 letters, digits, `-` or `_`. Other steps refer to it as `{{ Steps.<name>... }}`."))
        .attr(Attribute::optional("display_name", Type::String, "Display name shown in SageMaker Studio (up to 256 characters)."))
        .attr(Attribute::optional("description", Type::String, "Description of the step (up to 3072 characters)."))
        .attr(Attribute::optional("depends_on_steps", string_list(), "Names of steps that must finish before this one starts (`DependsOn`). Data dependencies through `{{ Steps.X... }}` references need no entry here."))
        .attr(Attribute::computed("json", Type::String, "The compiled step object as canonical JSON; list it in a pipeline's `steps`."));
    if cacheable {
        b = b.block(NestedBlock::single(
            "cache",
            Block::new("Step caching: reuse the result of an earlier successful run with the same arguments.")
                .attr(Attribute::required("enabled", Type::Bool, "Whether caching is on."))
                .attr(Attribute::optional("expire_after", Type::String, "ISO-8601 duration after which a cached result is no longer reused, e.g. `PT12H` or `P30D`.")),
        ));
    }
    if retryable {
        b = b.block(NestedBlock::list(
            "retry",
            Block::new("A retry policy. Give exactly one of `max_attempts` and `expire_after_minutes`.")
                .attr(Attribute::required("exception_types", string_list(), "Errors to retry on, as they appear in the definition: `Step.SERVICE_FAULT`, `Step.THROTTLING`, `SageMaker.JOB_INTERNAL_ERROR`, `SageMaker.CAPACITY_ERROR`, `SageMaker.RESOURCE_LIMIT`."))
                .attr(Attribute::optional("interval_seconds", Type::Number, "Seconds before the first retry (default 1, at most 43200)."))
                .attr(Attribute::optional("backoff_rate", Type::Number, "Multiplier of the interval per retry (default 2)."))
                .attr(Attribute::optional("max_attempts", Type::Number, "Maximum number of retries, 1-20."))
                .attr(Attribute::optional("expire_after_minutes", Type::Number, "Stop retrying after this many minutes, at most 14400.")),
        ));
    }
    b
}

/// The `network` block of processing, training, tuning and model steps (and `step_defaults`).
pub fn network_block() -> NestedBlock {
    NestedBlock::single(
        "network",
        Block::new("Network settings of the job: isolation and the VPC it runs in.")
            .attr(Attribute::optional("enable_network_isolation", Type::Bool, "Run the container without network access."))
            .block(NestedBlock::single(
                "vpc_config",
                Block::new("The VPC the job's containers attach to.")
                    .attr(Attribute::required("subnets", string_list(), "Subnet IDs, e.g. `aws_subnet.private[*].id`."))
                    .attr(Attribute::required("security_group_ids", string_list(), "Security group IDs.")),
            )),
    )
}

/// Compiles attribute values, collecting problems with their attribute paths.
#[derive(Default)]
pub struct Ctx {
    pub diags: Diagnostics,
}

impl Ctx {
    pub fn error(&mut self, path: AttrPath, summary: impl Into<String>, detail: impl Into<String>) {
        self.diags.error_at(path, summary, detail);
    }

    /// A string attribute that may hold `{{ }}` references; `None` when null.
    pub fn string(&mut self, obj: &Value, attr: &str, path: &AttrPath) -> Option<Json> {
        let s = model::string(obj, attr).value()?;
        self.compile_str(&s, path.clone().attr(attr))
    }

    pub fn compile_str(&mut self, s: &str, path: AttrPath) -> Option<Json> {
        match expr::compile_string(s) {
            Ok(j) => Some(j),
            Err(e) => {
                self.error(path, "Invalid {{ }} reference", e.to_string());
                None
            }
        }
    }

    /// A numeric or boolean API field declared as a string so it can hold a reference: a
    /// literal becomes a JSON number/bool.
    pub fn typed(&mut self, obj: &Value, attr: &str, path: &AttrPath, kind: Scalar) -> Option<Json> {
        let v = obj.get(attr)?;
        let text = match v {
            Value::String(s) => s.clone(),
            Value::Number(n) => n.to_string(),
            Value::Bool(b) => b.to_string(),
            _ => return None,
        };
        match expr::compile_typed(&text, kind) {
            Ok(j) => Some(j),
            Err(e) => {
                self.error(path.clone().attr(attr), format!("Invalid value for {attr}"), e.to_string());
                None
            }
        }
    }

    /// A list of strings, each compiled.
    pub fn string_list(&mut self, obj: &Value, attr: &str, path: &AttrPath) -> Option<Vec<Json>> {
        let items = model::string_list(obj, attr).value()?;
        Some(
            items
                .iter()
                .enumerate()
                .filter_map(|(i, s)| self.compile_str(s, path.clone().attr(attr).index(i)))
                .collect(),
        )
    }

    /// A string map whose values are compiled; `stringify` applies the SDK's conversion of
    /// non-string references (hyperparameters, environment).
    pub fn string_map(&mut self, obj: &Value, attr: &str, path: &AttrPath, stringify: bool) -> Option<Map<String, Json>> {
        let m = model::string_map(obj, attr).value()?;
        let mut out = Map::new();
        for (k, v) in m {
            if let Some(j) = self.compile_str(&v, path.clone().attr(attr).key(&k)) {
                out.insert(k, if stringify { expr::to_string_expr(j) } else { j });
            }
        }
        Some(out)
    }

    pub fn bool(&self, obj: &Value, attr: &str) -> Option<bool> {
        obj.get(attr).and_then(Value::as_bool)
    }

    pub fn int(&mut self, obj: &Value, attr: &str, path: &AttrPath) -> Option<i64> {
        let n = obj.get(attr)?.as_number()?;
        match n.as_i64() {
            Some(i) => Some(i),
            None => {
                self.error(path.clone().attr(attr), format!("{attr} must be a whole number"), format!("{n} is not a whole number."));
                None
            }
        }
    }
}

/// Inserts `v` under `key` when present.
pub fn put(obj: &mut Map<String, Json>, key: &str, v: Option<Json>) {
    if let Some(v) = v {
        obj.insert(key.to_string(), v);
    }
}

pub fn compile_common(cfg: &Value, step_type: &str, ctx: &mut Ctx, step: &mut Map<String, Json>) {
    let name = model::string(cfg, "name").value().unwrap_or_default();
    if !valid_entity_name(&name, 64) {
        ctx.error(
            AttrPath::root("name"),
            format!("Invalid step name {name:?}"),
            "Step names are 1-64 letters, digits, hyphens and underscores, e.g. \"Preprocess\".",
        );
    }
    step.insert("Name".into(), Json::String(name));
    step.insert("Type".into(), Json::String(step_type.into()));
    step.insert("Arguments".into(), json!({}));
    if let Some(deps) = model::string_list(cfg, "depends_on_steps").value().filter(|d| !d.is_empty()) {
        for (i, d) in deps.iter().enumerate() {
            if !valid_entity_name(d, 64) {
                ctx.error(AttrPath::root("depends_on_steps").index(i), format!("Invalid step name {d:?}"), "List step names, e.g. \"Preprocess\".");
            }
        }
        step.insert("DependsOn".into(), json!(deps));
    }
    if let Some(d) = model::string(cfg, "display_name").value() {
        if d.chars().count() > 256 {
            ctx.error(AttrPath::root("display_name"), "Display name is too long", "SageMaker accepts at most 256 characters.");
        }
        step.insert("DisplayName".into(), Json::String(d));
    }
    if let Some(d) = model::string(cfg, "description").value() {
        if d.chars().count() > 3072 {
            ctx.error(AttrPath::root("description"), "Description is too long", "SageMaker accepts at most 3072 characters.");
        }
        step.insert("Description".into(), Json::String(d));
    }
}

pub fn compile_cache(cfg: &Value, ctx: &mut Ctx, step: &mut Map<String, Json>) {
    let Some(c) = cfg.get("cache").filter(|c| !c.is_null()) else { return };
    let enabled = c.get("enabled").and_then(Value::as_bool).unwrap_or(false);
    let mut obj = Map::new();
    obj.insert("Enabled".into(), Json::Bool(enabled));
    if let Some(e) = model::string(c, "expire_after").value() {
        if !valid_iso_duration(&e) {
            ctx.error(
                AttrPath::root("cache").attr("expire_after"),
                format!("Invalid duration {e:?}"),
                "Use an ISO-8601 duration such as \"PT12H\" (12 hours), \"P30D\" (30 days) or \"P1DT6H\".",
            );
        }
        obj.insert("ExpireAfter".into(), Json::String(e));
    }
    step.insert("CacheConfig".into(), Json::Object(obj));
}

/// `P[nY][nM][nW][nD][T[nH][nM][nS]]` with at least one component (SageMaker also accepts the
/// time part alone, e.g. `T12H`).
pub fn valid_iso_duration(s: &str) -> bool {
    let rest = s.strip_prefix('P').unwrap_or(s);
    let (date, time) = match rest.split_once('T') {
        Some((d, t)) => (d, Some(t)),
        None => (rest, None),
    };
    if !s.starts_with('P') && !s.starts_with('T') {
        return false;
    }
    let parts = |text: &str, units: &str| -> Option<usize> {
        let mut count = 0;
        let mut digits = String::new();
        let mut last_unit = None;
        for c in text.chars() {
            if c.is_ascii_digit() || c == '.' {
                digits.push(c);
            } else {
                let pos = units.find(c)?;
                if digits.is_empty() || last_unit.is_some_and(|l| pos <= l) {
                    return None;
                }
                last_unit = Some(pos);
                digits.clear();
                count += 1;
            }
        }
        digits.is_empty().then_some(count)
    };
    let Some(d) = parts(date, "YMWD") else { return false };
    let t = match time {
        Some(t) => match parts(t, "HMS") {
            Some(0) | None => return false,
            Some(n) => n,
        },
        None => 0,
    };
    d + t > 0
}

pub fn compile_retry(cfg: &Value, ctx: &mut Ctx, step: &mut Map<String, Json>) {
    let blocks = model::blocks(cfg, "retry");
    if blocks.is_empty() {
        return;
    }
    let mut policies = Vec::new();
    for (i, r) in blocks.iter().enumerate() {
        let path = AttrPath::root("retry").index(i);
        let types = model::string_list(r, "exception_types").value().unwrap_or_default();
        if types.is_empty() {
            ctx.error(path.clone().attr("exception_types"), "No exception types", format!("List at least one of {RETRY_EXCEPTION_TYPES:?}."));
        }
        for (j, t) in types.iter().enumerate() {
            if !RETRY_EXCEPTION_TYPES.contains(&t.as_str()) {
                ctx.error(
                    path.clone().attr("exception_types").index(j),
                    format!("Unknown retry exception type {t:?}"),
                    format!("Use one of {RETRY_EXCEPTION_TYPES:?}, spelled exactly as in the definition."),
                );
            }
        }
        let mut p = Map::new();
        p.insert("ExceptionType".into(), json!(types));
        let interval = ctx.int(r, "interval_seconds", &path).unwrap_or(1);
        if !(1..=43_200).contains(&interval) {
            ctx.error(path.clone().attr("interval_seconds"), "interval_seconds out of range", "Use 1 to 43200 seconds.");
        }
        p.insert("IntervalSeconds".into(), json!(interval));
        let rate = r.get("backoff_rate").and_then(|v| v.as_number()).map(|n| n.as_f64()).unwrap_or(2.0);
        if rate < 0.0 {
            ctx.error(path.clone().attr("backoff_rate"), "backoff_rate must not be negative", "Use a multiplier such as 2.");
        }
        p.insert("BackoffRate".into(), json!(rate));
        let max = ctx.int(r, "max_attempts", &path);
        let expire = ctx.int(r, "expire_after_minutes", &path);
        match (max, expire) {
            (Some(m), None) => {
                if !(1..=20).contains(&m) {
                    ctx.error(path.clone().attr("max_attempts"), "max_attempts out of range", "Use 1 to 20 attempts.");
                }
                p.insert("MaxAttempts".into(), json!(m));
            }
            (None, Some(e)) => {
                if !(0..=14_400).contains(&e) {
                    ctx.error(path.clone().attr("expire_after_minutes"), "expire_after_minutes out of range", "Use 0 to 14400 minutes.");
                }
                p.insert("ExpireAfterMin".into(), json!(e));
            }
            _ => ctx.error(
                path.clone(),
                "Retry policy needs exactly one limit",
                "Set either max_attempts (1-20) or expire_after_minutes (0-14400), not both and not neither.",
            ),
        }
        policies.push(Json::Object(p));
    }
    step.insert("RetryPolicies".into(), Json::Array(policies));
}

/// Cheap checks on the parts of a configuration that are known while others are not.
pub fn validate_known_parts(cfg: &Value) -> Diagnostics {
    let mut d = Diagnostics::new();
    if let Known::Value(name) = model::string(cfg, "name") {
        if !valid_entity_name(&name, 64) {
            d.error_at(
                AttrPath::root("name"),
                format!("Invalid step name {name:?}"),
                "Step names are 1-64 letters, digits, hyphens and underscores, e.g. \"Preprocess\".",
            );
        }
    }
    d
}

/// Compiles a `network` block into the `NetworkConfig` shape of processing jobs.
pub fn network_config(cfg: &Value, ctx: &mut Ctx) -> Option<Json> {
    let n = cfg.get("network").filter(|n| !n.is_null())?;
    let mut out = Map::new();
    if let Some(b) = n.get("enable_network_isolation").and_then(Value::as_bool) {
        out.insert("EnableNetworkIsolation".into(), Json::Bool(b));
    }
    if let Some(v) = vpc_config(n, ctx) {
        out.insert("VpcConfig".into(), v);
    }
    Some(Json::Object(out))
}

/// `{SecurityGroupIds, Subnets}` from a block holding `vpc_config`.
pub fn vpc_config(network: &Value, ctx: &mut Ctx) -> Option<Json> {
    let v = network.get("vpc_config").filter(|v| !v.is_null())?;
    let path = AttrPath::root("network").attr("vpc_config");
    let subnets = ctx.string_list(v, "subnets", &path).unwrap_or_default();
    let sgs = ctx.string_list(v, "security_group_ids", &path).unwrap_or_default();
    if subnets.is_empty() || sgs.is_empty() {
        ctx.error(path, "Incomplete VPC configuration", "Give at least one subnet and one security group.");
    }
    Some(json!({"SecurityGroupIds": sgs, "Subnets": subnets}))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn iso_durations() {
        for ok in ["PT1H", "P30D", "T12H", "P1DT6H", "PT30M", "P1Y2M3W4DT5H6M7S"] {
            assert!(valid_iso_duration(ok), "{ok}");
        }
        for bad in ["", "P", "PT", "1H", "P1H", "PT1D", "P1D1D", "hello", "PTH"] {
            assert!(!valid_iso_duration(bad), "{bad}");
        }
    }
}
