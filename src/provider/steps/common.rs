//! What every step resource shares: the common attributes, their compilation to the common
//! step keys (`Name`, `Type`, `DependsOn`, `DisplayName`, `Description`, `CacheConfig`,
//! `RetryPolicies`), and [`Ctx`], which compiles attribute values holding `{{ }}` references
//! while collecting every problem with its attribute path. `Ctx` is also the one home of the
//! checks every step type shares: S3 locations ([`Ctx::s3_uri`], used by every S3 field; the
//! rule itself is `compiler::s3`'s),
//! instance types per job kind, whole-number counts, null list elements, and pairs of
//! alternative attributes of which exactly one is given ([`Ctx::exactly_one`]); and of the
//! rules of the values SageMaker takes in many places: role ARNs and tags.
//!
//! Depends on `framework`, `compiler`. Pure: no IO.

use std::collections::BTreeMap;

use serde_json::{json, Map, Value as Json};

use super::instance_types::{self, JobKind};
use crate::compiler::definition::valid_entity_name;
use crate::compiler::expr::{self, Scalar};
use crate::compiler::s3;
use crate::framework::{
    validators, AttrPath, Attribute, Block, Diagnostics, NestedBlock, PathStep,
};
use crate::provider::model;
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
        .attr(Attribute::optional("display_name", Type::String, "Display name shown in SageMaker Studio (up to 256 characters).").validate(validators::string_length(0, 256)))
        .attr(Attribute::optional("description", Type::String, "Description of the step (up to 3072 characters).").validate(validators::string_length(0, 3072)))
        .attr(Attribute::optional("depends_on_steps", string_list(), "Names of steps that must finish before this one starts (`DependsOn`, each name once, in the order first listed). Data dependencies through `{{ Steps.X... }}` references need no entry here."))
        .attr(Attribute::computed("json", Type::String, "The compiled step object as canonical JSON; list it in a pipeline's `steps`. It holds every value in clear text, as SageMaker stores the definition: a value marked `sensitive` in Terraform (e.g. an environment variable set from a sensitive variable) is shown here and in the pipeline's `definition_parts` in plans. Keep secrets out of step arguments: pass the name of a Secrets Manager secret or SSM parameter and read it in the job."));
    if cacheable {
        b = b.block(NestedBlock::single(
            "cache",
            Block::new("Step caching: reuse the result of an earlier successful run with the same arguments.")
                .attr(Attribute::required("enabled", Type::Bool, "Whether caching is on: `true` or `false`. It has no default; `null` is an error (remove the block to turn caching off).").when_null(CACHE_NULL_ADVICE))
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

/// An IAM role ARN as SageMaker's `RoleArn` fields take it (the API's pattern
/// `arn:aws[a-z\-]*:iam::\d{12}:role/?[a-zA-Z_0-9+=,.@\-_/]+`, 20 to 2048 characters): the
/// pipeline's role and every SageMaker job's. (EMR's and STS's role fields take more, and are
/// not held to it.)
pub fn valid_role_arn(s: &str) -> bool {
    let Some(rest) = s.strip_prefix("arn:aws") else { return false };
    let Some((partition_tail, rest)) = rest.split_once(":iam::") else { return false };
    if !partition_tail.chars().all(|c| c.is_ascii_lowercase() || c == '-') {
        return false;
    }
    let Some((account, role)) = rest.split_once(":role/") else { return false };
    (20..=2048).contains(&s.len())
        && account.len() == 12
        && account.chars().all(|c| c.is_ascii_digit())
        && !role.is_empty()
        && role.chars().all(|c| c.is_ascii_alphanumeric() || "+=,.@-_/".contains(c))
}

/// A KMS key as SageMaker's `KmsKeyId` fields take it (the API's pattern `[a-zA-Z0-9:/_-]*`,
/// at most 2048 characters): a key id, an alias (`alias/ml`), or the ARN of a KMS key or alias
/// (`arn:aws:kms:us-east-1:123456789012:key/...`). Catches what is clearly no KMS key (spaces, an
/// ARN of another service, an empty key or alias), not every id KMS would not know.
pub fn valid_kms_key(s: &str) -> bool {
    let id = |t: &str| {
        !t.is_empty() && t.chars().all(|c| c.is_ascii_alphanumeric() || "/_-".contains(c))
    };
    let named =
        |t: &str| t.strip_prefix("key/").or_else(|| t.strip_prefix("alias/")).is_some_and(id);
    // SageMaker's pattern takes "" (no key), as a variable's empty default often gives it.
    if s.is_empty() {
        return true;
    }
    if s.len() > 2048 {
        return false;
    }
    match s.strip_prefix("arn:") {
        // arn:<partition>:kms:<region>:<account>:key/<id> or :alias/<name>
        Some(rest) => {
            let parts: Vec<&str> = rest.splitn(5, ':').collect();
            parts.len() == 5
                && parts[0].starts_with("aws")
                && parts[0].chars().all(|c| c.is_ascii_lowercase() || c == '-')
                && parts[1] == "kms"
                && !parts[2].is_empty()
                && parts[3].len() == 12
                && parts[3].chars().all(|c| c.is_ascii_digit())
                && named(parts[4])
        }
        None if s.starts_with("alias/") || s.starts_with("key/") => named(s),
        None => id(s),
    }
}

/// The validator of a container image attribute: SageMaker takes 1-255 characters without
/// white space (an unset variable often leaves "" here, which SageMaker rejects only when the
/// job or model is created), or text with a `{{ }}` reference (another step's image).
pub fn image_uri_validator() -> crate::framework::Validator {
    crate::framework::validators::string_check(
        |s| {
            expr::has_expression(s)
                || (!s.is_empty() && s.len() <= 255 && !s.chars().any(char::is_whitespace))
        },
        "Invalid image URI",
        "Use a container image URI of 1-255 characters without spaces, e.g. \"683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-xgboost:1.7-1\".",
    )
}

/// The API's `HyperParameters` limits (fresh-eyes finding: none were checked): at most 100
/// entries, keys of at most 256 characters, literal values of at most 2500 (a value holding a
/// reference is judged when the run resolves it).
pub fn hyperparameters_validator() -> crate::framework::Validator {
    crate::framework::Validator::new(|v, path, diags| {
        let Some(map) = v.as_map() else { return };
        if map.len() > 100 {
            diags.error_at(
                path.clone(),
                format!("{} hyperparameters is too many", map.len()),
                "A training job takes at most 100 hyperparameters.",
            );
        }
        for (k, v) in map {
            let long_value =
                v.as_str().is_some_and(|t| !expr::has_expression(t) && t.chars().count() > 2500);
            if k.chars().count() > 256 || long_value {
                diags.error_at(
                    path.clone().key(k),
                    format!("Hyperparameter {} is too long", expr::shown(k)),
                    "Hyperparameter names are at most 256 characters and values at most 2500.",
                );
            }
        }
    })
}

/// Ends the description of every step's `role_arn`: where a role created in the same apply
/// is best given (session 17 finding: a module passing it to a step attribute got a plan
/// printing the whole old definition).
pub const ROLE_DEFAULT_NOTE: &str = " A role created in the same apply is best set there: here, its ARN, unknown until apply, makes this step's `json`, and so the pipeline's whole planned definition, known only after apply (the plan prints the old definition in full); in `step_defaults`, only the parts that use it are.";

/// The validator of a container's `environment`, with the limits of the job's API (`most`
/// variables, names of at most `name_max` characters and literal values of at most `value_max`;
/// e.g. 100, 256 and 256 for a processing job): SageMaker takes names of letters, digits and
/// `_`, not starting with a digit (`[a-zA-Z_][a-zA-Z0-9_]*`). One error per bad name or value,
/// at its key; a value holding a `{{ }}` reference is judged when the pipeline runs.
pub fn environment_validator(
    most: usize,
    name_max: usize,
    value_max: usize,
) -> crate::framework::Validator {
    crate::framework::Validator::new(move |v, path, diags| {
        let Value::Map(m) = v else { return };
        if m.len() > most {
            diags.error_at(
                path.clone(),
                format!("Too many environment variables: {}", m.len()),
                format!("This job takes at most {most} environment variables."),
            );
        }
        for (name, value) in m {
            let ok = name.chars().next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
                && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
            if !ok || name.len() > name_max {
                diags.error_at(
                    path.clone().key(name),
                    format!("Invalid environment variable name {}", expr::shown(name)),
                    format!("SageMaker takes names of at most {name_max} letters, digits and _, not starting with a digit, e.g. LOG_LEVEL."),
                );
            } else if let Some(text) = value.as_str() {
                let n = text.chars().count();
                if n > value_max && !expr::has_expression(text) {
                    // Helper finding: a 3,000-character value planned cleanly.
                    diags.error_at(
                        path.clone().key(name),
                        format!("The value of environment variable {name} is too long"),
                        format!("This job takes values of at most {value_max} characters; this one has {n}. Pass large data through an input (S3) instead."),
                    );
                }
            }
        }
    })
}

/// For a step that runs no SageMaker job (EMR, EMR Serverless, a model step, a register-model
/// step): its retry policies may name only the step's own exception types, as the SDK's
/// `StepRetryPolicy`; a `SageMaker.` type is an error at its element.
pub fn step_retry_types_only(cfg: &Value, ctx: &mut Ctx, step_kind: &str) {
    let article = if step_kind.starts_with(['A', 'E', 'I', 'O', 'U']) { "An" } else { "A" };
    for (i, r) in model::blocks(cfg, "retry").iter().enumerate() {
        let types = model::string_list(r, "exception_types").value().unwrap_or_default();
        for (j, t) in types.iter().enumerate() {
            if t.starts_with("SageMaker.") {
                ctx.error_of(
                    AttrPath::root("retry").index(i).attr("exception_types").index(j),
                    format!("{t} does not apply to {step_kind}s"),
                    format!("{article} {step_kind} runs no SageMaker job; retry on Step.SERVICE_FAULT or Step.THROTTLING only."),
                );
            }
        }
    }
}

/// The validator of an EMR runtime role (EMR's `ExecutionRoleArn`, EMR Serverless'
/// `executionRoleArn`): an IAM role ARN, held to less than SageMaker's pattern (EMR takes longer
/// role paths), or text with a `{{ }}` reference. A bare role name is the usual slip.
pub fn emr_role_arn_validator() -> crate::framework::Validator {
    crate::framework::validators::string_check(
        |s| {
            expr::has_expression(s)
                || (s.starts_with("arn:aws")
                    && s.split_once(":iam::").is_some_and(|(_, r)| {
                        r.split_once(":role/").is_some_and(|(account, role)| {
                            !account.is_empty()
                                && account.chars().all(|c| c.is_ascii_digit())
                                && !role.is_empty()
                                && !role.chars().any(char::is_whitespace)
                        })
                    }))
        },
        "Invalid role ARN",
        "Use the ARN of an IAM role, such as \"arn:aws:iam::123456789012:role/emr-runtime\" (for example aws_iam_role.emr_runtime.arn); a role name alone is not taken.",
    )
}

/// The validator of a KMS key attribute: a key id, alias or ARN ([`valid_kms_key`]), or text
/// with a `{{ }}` reference (a String parameter holding one).
pub fn kms_key_validator() -> crate::framework::Validator {
    crate::framework::validators::string_check(
        |s| expr::has_expression(s) || valid_kms_key(s),
        "Invalid KMS key",
        "Use a KMS key's ARN (for example aws_kms_key.ml.arn, \"arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab\"), its key id, or an alias such as \"alias/ml\" or its ARN.",
    )
}

/// A SageMaker resource name of at most `max` characters: letters, digits and hyphens,
/// starting and ending with a letter or digit (pipelines: 256; models and model package
/// groups: 63).
pub fn valid_sagemaker_name(s: &str, max: usize) -> bool {
    let b = s.as_bytes();
    !b.is_empty()
        && b.len() <= max
        && b.iter().all(|c| c.is_ascii_alphanumeric() || *c == b'-')
        && b[0].is_ascii_alphanumeric()
        && b[b.len() - 1].is_ascii_alphanumeric()
}

/// The validator of a job's role: an IAM role ARN, or text with a `{{ }}` reference (a String
/// parameter holding the ARN), checked when the pipeline is compiled.
pub fn role_arn_validator() -> crate::framework::Validator {
    crate::framework::validators::string_check(
        |s| expr::has_expression(s) || valid_role_arn(s),
        "Invalid role ARN",
        "Use the ARN of an IAM role, such as \"arn:aws:iam::123456789012:role/sagemaker-jobs\" (for example aws_iam_role.sagemaker.arn). SageMaker needs the whole ARN: unlike the SageMaker Python SDK, Terraform does not expand a role name into one.",
    )
}

/// The fix for a value that is not one of `allowed`: "Did you mean 'X'? " when `given` is
/// close to one of them (case included), then "Use one of A, B or C."
pub fn use_one_of(given: Option<&str>, allowed: &[&str]) -> String {
    let hint = given
        .and_then(|g| expr::did_you_mean(g, allowed.iter().copied()))
        .map(|c| format!("Did you mean '{c}'? "))
        .unwrap_or_default();
    let list = match allowed {
        [] => String::new(),
        [one] => one.to_string(),
        [init @ .., last] => format!("{} or {last}", init.join(", ")),
    };
    format!("{hint}Use one of {list}.")
}

/// SageMaker's pattern `[\p{L}\p{Z}\p{N}_.:/=+\-@]*`: letters, digits, Unicode spaces (not
/// tabs or line breaks, which are control characters: fresh-eyes finding) and `_.:/=+-@`.
fn valid_tag_text(s: &str) -> bool {
    s.chars().all(|c| {
        c.is_alphanumeric() || (c.is_whitespace() && !c.is_control()) || "_.:/=+-@".contains(c)
    })
}

/// SageMaker's tag rules (`Tag`: keys 1-128 characters, values at most 256, both of letters,
/// digits, spaces and `_ . : / = + - @`, keys not starting with `aws:`; at most 50 per
/// resource), for the tags at `path` of one `what` (pipeline, job, model).
pub fn check_tags(
    tags: &BTreeMap<String, String>,
    path: &AttrPath,
    what: &str,
    diags: &mut Diagnostics,
) {
    if tags.len() > 50 {
        diags.error_at(
            path.clone(),
            "Too many tags",
            format!("{} tags given; SageMaker allows at most 50 per {what}.", tags.len()),
        );
    }
    for (k, v) in tags {
        let at = path.clone().key(k);
        if k.is_empty() || k.chars().count() > 128 || !valid_tag_text(k) {
            diags.error_at(
                at.clone(),
                format!("Invalid tag key {k:?}"),
                "Tag keys are 1-128 characters of letters, digits, spaces and _ . : / = + - @.",
            );
        } else if k.to_ascii_lowercase().starts_with("aws:") {
            diags.error_at(
                at.clone(),
                format!("Reserved tag key {k:?}"),
                "Keys starting with \"aws:\" are reserved for AWS; choose another key.",
            );
        }
        if v.chars().count() > 256 || !valid_tag_text(v) {
            diags.error_at(at, format!("Invalid value for tag {k:?}"), "Tag values are at most 256 characters of letters, digits, spaces and _ . : / = + - @.");
        }
    }
}

/// The validator of a SageMaker job's (or model's) `tags`: [`check_tags`] on the known entries.
pub fn tags_validator(what: &'static str) -> crate::framework::Validator {
    crate::framework::Validator::new(move |v, path, diags| {
        let Some(map) = v.as_map() else { return };
        let tags: BTreeMap<String, String> = map
            .iter()
            .filter_map(|(k, v)| v.as_str().map(|v| (k.clone(), v.to_string())))
            .collect();
        check_tags(&tags, path, what, diags);
    })
}

/// Whether `attr` is given: present and not null. An unknown value is given (its value is not
/// known yet), and so is a string whose `{{ }}` reference is invalid (that is its own error, not a
/// missing value).
pub fn given(obj: &Value, attr: &str) -> bool {
    obj.get(attr).is_some_and(|v| !v.is_null())
}

/// Items joined for a message: "a", "a and b", "a, b and c"; "" for none.
pub fn and_list<S: AsRef<str>>(items: &[S]) -> String {
    match items.split_last() {
        None => String::new(),
        Some((last, [])) => last.as_ref().to_string(),
        Some((last, rest)) => {
            let rest: Vec<&str> = rest.iter().map(AsRef::as_ref).collect();
            format!("{} and {}", rest.join(", "), last.as_ref())
        }
    }
}

/// Compiles attribute values, collecting problems with their attribute paths.
///
/// In *partial* mode (`terraform validate` with values that are not known yet, such as other
/// resources' attributes or variables) a step is compiled with its unknown values left out, and
/// a problem counts only when every value it was judged from is known, so validate never
/// reports a mistake that a value not yet known would have avoided:
/// - [`Ctx::local_error`]: a problem of the one known value at its path (syntax of references
///   and conditions, S3 locations, instance types, numbers, names);
/// - [`Ctx::error_of`]: a problem of the value at its path, which may be absent because it is
///   unknown ("Missing image_uri");
/// - [`Ctx::error_from`]: a problem judged from several values (`reads`: a retry policy's two
///   limits, the names of every output for a property file's `output_name`): reported when
///   none of them is, holds or lies in an unknown value.
///
/// `reads` must name every value the check looked at, including those whose absence it judged
/// (a missing limit, an unnamed input): an unknown value is absent in partial mode. Naming more
/// than it read only makes validate report less; plan, where everything is known, reports all.
#[derive(Default)]
pub struct Ctx {
    pub diags: Diagnostics,
    /// `Some` in partial mode: where the configuration holds unknown values.
    unknown: Option<Vec<AttrPath>>,
}

impl Ctx {
    /// A context compiling `cfg`, in partial mode when `partial` (validate with unknown values;
    /// plan compiles only wholly known configurations).
    pub fn new(cfg: &Value, partial: bool) -> Ctx {
        Ctx { diags: null_elements(cfg), unknown: partial.then(|| unknown_paths(cfg)) }
    }

    /// Whether the value at `path`, everything under it and everything holding it are known.
    /// `path` may step into every element of a list ([`every`]).
    pub fn known(&self, path: &AttrPath) -> bool {
        let Some(unknown) = &self.unknown else { return true };
        let same = |r: &PathStep, u: &PathStep| {
            r == u || (*r == PathStep::Index(EVERY) && matches!(u, PathStep::Index(_)))
        };
        // Overlapping: one path is the start of the other.
        unknown.iter().all(|u| !path.0.iter().zip(&u.0).all(|(r, u)| same(r, u)))
    }

    /// A problem judged from the values under `reads` alone (attributes, blocks, or elements of
    /// them): reported in partial mode too when they are all [`Ctx::known`].
    pub fn error_from(
        &mut self,
        reads: &[AttrPath],
        path: AttrPath,
        summary: impl Into<String>,
        detail: impl Into<String>,
    ) {
        if reads.iter().all(|r| self.known(r)) {
            self.diags.error_at(path, summary, detail);
        }
    }

    /// [`Ctx::error_from`] for a problem of the value at `path` alone, which may be a value
    /// left out because it is unknown (a "missing" attribute).
    pub fn error_of(
        &mut self,
        path: AttrPath,
        summary: impl Into<String>,
        detail: impl Into<String>,
    ) {
        if self.known(&path) {
            self.diags.error_at(path, summary, detail);
        }
    }

    /// A problem of the known value at `path` alone: reported by validate and plan alike.
    pub fn local_error(
        &mut self,
        path: AttrPath,
        summary: impl Into<String>,
        detail: impl Into<String>,
    ) {
        self.diags.error_at(path, summary, detail);
    }

    /// A string attribute that may hold `{{ }}` references; `None` when null.
    pub fn string(&mut self, obj: &Value, attr: &str, path: &AttrPath) -> Option<Json> {
        // Borrowed, not `model::string`: the compiled value makes the one copy.
        let s = obj.get(attr).and_then(Value::as_str)?;
        self.compile_lazy(s, || path.clone().attr(attr))
    }

    pub fn compile_str(&mut self, s: &str, path: AttrPath) -> Option<Json> {
        self.compile_lazy(s, || path)
    }

    /// [`Ctx::compile_str`] building the attribute path only for a value that does not compile:
    /// most values do, and a path is a few allocations.
    fn compile_lazy(&mut self, s: &str, path: impl FnOnce() -> AttrPath) -> Option<Json> {
        match expr::compile_string(s) {
            Ok(j) => Some(j),
            Err(e) => {
                self.local_error(path(), "Invalid {{ }} reference", e.to_string());
                None
            }
        }
    }

    /// A numeric or boolean API field declared as a string so it can hold a reference: a
    /// literal becomes a JSON number/bool.
    pub fn typed(
        &mut self,
        obj: &Value,
        attr: &str,
        path: &AttrPath,
        kind: Scalar,
    ) -> Option<Json> {
        // A string (the usual case) is read in place; a number or bool is written out first.
        let text: std::borrow::Cow<str> = match obj.get(attr)? {
            Value::String(s) => s.as_str().into(),
            Value::Number(n) => n.to_string().into(),
            Value::Bool(b) => b.to_string().into(),
            _ => return None,
        };
        match expr::compile_typed(&text, kind) {
            Ok(j) => Some(j),
            Err(e) => {
                self.local_error(
                    path.clone().attr(attr),
                    format!("Invalid value for {attr}"),
                    e.to_string(),
                );
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
                .filter_map(|(i, s)| self.compile_lazy(s, || path.clone().attr(attr).index(i)))
                .collect(),
        )
    }

    /// A string map whose values are compiled; `stringify` applies the SDK's conversion of
    /// non-string references (hyperparameters, environment).
    pub fn string_map(
        &mut self,
        obj: &Value,
        attr: &str,
        path: &AttrPath,
        stringify: bool,
    ) -> Option<Map<String, Json>> {
        let m = model::string_map(obj, attr).value()?;
        let mut out = Map::new();
        for (k, v) in m {
            if let Some(j) = self.compile_lazy(&v, || path.clone().attr(attr).key(&k)) {
                out.insert(k, if stringify { expr::to_string_expr(j) } else { j });
            }
        }
        Some(out)
    }

    /// Two alternatives of which exactly one must be given (`first` / `second`: the attribute
    /// and whether it is set). Both set is an error on the second ("Both <first> and <second>
    /// are set", `both` saying how to fix it); neither is an error on the first (`neither`:
    /// summary and detail).
    pub fn exactly_one(
        &mut self,
        first: (&str, bool),
        second: (&str, bool),
        both: &str,
        neither: (&str, &str),
    ) {
        let reads = [AttrPath::root(first.0), AttrPath::root(second.0)];
        match (first.1, second.1) {
            (true, true) => self.error_from(
                &reads,
                AttrPath::root(second.0),
                format!("Both {} and {} are set", first.0, second.0),
                both,
            ),
            (false, false) => {
                self.error_from(&reads, AttrPath::root(first.0), neither.0, neither.1)
            }
            _ => {}
        }
    }

    pub fn bool(&self, obj: &Value, attr: &str) -> Option<bool> {
        obj.get(attr).and_then(Value::as_bool)
    }

    /// A number attribute that must be a whole number; the message never echoes a huge number
    /// in full.
    pub fn int(&mut self, obj: &Value, attr: &str, path: &AttrPath) -> Option<i64> {
        let n = obj.get(attr)?.as_number()?;
        match n.as_i64() {
            Some(i) => Some(i),
            None => {
                let text = n.to_string();
                let why = if n.is_integer() { "is out of range" } else { "is not a whole number" };
                self.local_error(
                    path.clone().attr(attr),
                    format!("{attr} must be a whole number"),
                    format!("{} {why}: use a whole number such as 3.", expr::shown(&text)),
                );
                None
            }
        }
    }

    /// A whole-number field declared as a string so it can hold a reference (`instance_count`,
    /// `volume_size_in_gb`, ...): a literal becomes a JSON number and must be at least `min`
    /// (written without a sign: `"-0"` is not a count) and fit SageMaker's 32-bit integers;
    /// `default` when the attribute is null.
    pub fn count(
        &mut self,
        obj: &Value,
        attr: &str,
        path: &AttrPath,
        min: i64,
        default: Option<i64>,
    ) -> Option<Json> {
        self.count_in(obj, attr, path, min..=i64::from(i32::MAX), default)
    }

    /// [`Ctx::count`] with the API's own range for the field (e.g. a processing job's
    /// `InstanceCount`, 1 to 100). A literal is written as digits alone: no sign, no spaces.
    pub fn count_in(
        &mut self,
        obj: &Value,
        attr: &str,
        path: &AttrPath,
        range: std::ops::RangeInclusive<i64>,
        default: Option<i64>,
    ) -> Option<Json> {
        let (min, max) = (*range.start(), *range.end());
        let at = || path.clone().attr(attr);
        let what = || {
            if min >= 1 {
                "a positive whole number".to_string()
            } else {
                format!("a whole number of at least {min}")
            }
        };
        let literal = match obj.get(attr) {
            None | Some(Value::Null) => return default.map(Json::from),
            Some(Value::String(s)) if !expr::has_expression(s) => Some(s.as_str().into()),
            Some(Value::Number(n)) => Some(std::borrow::Cow::Owned(n.to_string())),
            _ => None,
        };
        if let Some(why) =
            literal.as_deref().and_then(crate::compiler::definition::literal_spelling)
        {
            self.local_error(at(), format!("{attr} must be {}", what()), why);
            return None;
        }
        if let Some(text) = &literal {
            // Digits alone, so neither echoed nor parsed when absurdly long.
            let digits = text.bytes().all(|b| b.is_ascii_digit());
            let too_large = digits && text.trim_start_matches('0').len() > 18
                || text.parse::<i64>().is_ok_and(|n| n > max);
            if too_large {
                self.local_error(
                    at(),
                    format!("{attr} is too large"),
                    format!("SageMaker takes at most {max} here: use a whole number from {min} to {max}, or a reference to an Integer parameter."),
                );
                return None;
            }
        }
        if let Some(text) = &literal {
            if text.starts_with('-') {
                self.local_error(
                    at(),
                    format!("{attr} must be {}", what()),
                    format!(
                        "{} has a sign: write the number alone, e.g. \"{}\".",
                        expr::shown(text),
                        min.max(1)
                    ),
                );
                return None;
            }
        }
        let v = self.typed(obj, attr, path, Scalar::Integer)?;
        if let Some(n) = v.as_i64() {
            if n < min {
                self.local_error(at(), format!("{attr} must be {}", what()), format!("{n} is too small: use a whole number of at least {min}, or a reference to an Integer parameter."));
                return None;
            }
        }
        Some(v)
    }

    /// An S3 location (every S3 field of every step type goes through here): a literal
    /// `s3://bucket/key`, a reference, or text starting with `s3://` around references, e.g.
    /// `s3://acme/{{ Execution.PipelineExecutionId }}/model`. `None` when null or invalid.
    pub fn s3_uri(&mut self, obj: &Value, attr: &str, path: &AttrPath) -> Option<Json> {
        let s = obj.get(attr).and_then(Value::as_str)?;
        // Parsed once for both the location check and the compilation.
        let segments = match expr::parse_template(s) {
            Ok(segments) => segments,
            Err(e) => {
                self.local_error(path.clone().attr(attr), "Invalid {{ }} reference", e.to_string());
                return None;
            }
        };
        if let Err(why) = s3::check_segments(&segments) {
            self.local_error(
                path.clone().attr(attr),
                format!("Invalid S3 URI {}", expr::shown(s)),
                format!("{why} {}", s3::ATTRIBUTE_FIX),
            );
            return None;
        }
        Some(expr::compile_segments(segments))
    }

    /// An instance type for `kind` of job: a literal must be one SageMaker has for that kind;
    /// a reference passes (SageMaker checks its value at run time).
    pub fn instance_type(
        &mut self,
        obj: &Value,
        attr: &str,
        path: &AttrPath,
        kind: JobKind,
    ) -> Option<Json> {
        let s = obj.get(attr).and_then(Value::as_str)?;
        self.check_instance_type_lazy(s, kind, || path.clone().attr(attr))?;
        self.compile_lazy(s, || path.clone().attr(attr))
    }

    /// The check of [`Ctx::instance_type`] for a value already read; `None` when invalid.
    pub fn check_instance_type(&mut self, s: &str, kind: JobKind, at: AttrPath) -> Option<()> {
        self.check_instance_type_lazy(s, kind, || at)
    }

    /// [`Ctx::check_instance_type`] building the path only for an invalid value.
    fn check_instance_type_lazy(
        &mut self,
        s: &str,
        kind: JobKind,
        at: impl FnOnce() -> AttrPath,
    ) -> Option<()> {
        if expr::has_expression(s) {
            return Some(());
        }
        match instance_types::check_for(kind, s) {
            Ok(()) => Some(()),
            Err(why) => {
                self.local_error(at(), format!("Invalid instance type {}", expr::shown(s)), why);
                None
            }
        }
    }
}

/// The index of [`every`]: no element has it.
const EVERY: i64 = -1;

/// A read of `field` in every element of the list (of blocks) at `list`, for
/// [`Ctx::error_from`]: e.g. the names of all inputs, for a duplicate name.
pub fn every(mut list: AttrPath, field: &str) -> AttrPath {
    list.0.push(PathStep::Index(EVERY));
    list.attr(field)
}

/// The paths of the unknown values in a configuration (not below them: an unknown value has no
/// parts). A set's element has no path of its own: an unknown inside a set marks the set.
fn unknown_paths(cfg: &Value) -> Vec<AttrPath> {
    fn walk(v: &Value, path: &mut AttrPath, out: &mut Vec<AttrPath>) {
        match v {
            Value::Unknown => out.push(path.clone()),
            Value::Object(m) | Value::Map(m) => {
                let object = matches!(v, Value::Object(_));
                for (k, x) in m {
                    path.0.push(if object {
                        PathStep::Attr(k.clone())
                    } else {
                        PathStep::Key(k.clone())
                    });
                    walk(x, path, out);
                    path.0.pop();
                }
            }
            Value::List(items) | Value::Tuple(items) => {
                for (i, x) in items.iter().enumerate() {
                    path.0.push(PathStep::Index(i as i64));
                    walk(x, path, out);
                    path.0.pop();
                }
            }
            Value::Set(_) if !v.is_known() => out.push(path.clone()),
            Value::Dynamic(_, inner) => walk(inner, path, out),
            _ => {}
        }
    }
    let mut out = Vec::new();
    walk(cfg, &mut AttrPath::default(), &mut out);
    out
}

/// Null elements of lists, sets and maps anywhere in a configuration, as diagnostics: Terraform
/// accepts `["a", null]`, SageMaker has nothing to put there, and dropping it silently would
/// hide a mistake (often a variable that was not set).
pub fn null_elements(cfg: &Value) -> Diagnostics {
    /// Where the walk is, as borrowed steps: an `AttrPath` is built only for a problem found.
    enum Step<'a> {
        Attr(&'a str),
        Index(usize),
        Key(&'a str),
    }
    fn path_of(steps: &[Step]) -> AttrPath {
        let mut p = AttrPath::default();
        for s in steps {
            p = match *s {
                Step::Attr(a) => p.attr(a),
                Step::Index(i) => p.index(i),
                Step::Key(k) => p.key(k),
            };
        }
        p
    }
    fn walk<'a>(v: &'a Value, path: &mut Vec<Step<'a>>, d: &mut Diagnostics) {
        match v {
            Value::Object(m) => {
                for (k, x) in m {
                    path.push(Step::Attr(k));
                    walk(x, path, d);
                    path.pop();
                }
            }
            Value::List(items) | Value::Set(items) | Value::Tuple(items) => {
                for (i, x) in items.iter().enumerate() {
                    path.push(Step::Index(i));
                    if x.is_null() {
                        d.error_at(path_of(path), "Null element in a list", format!("Element {i} is null. Remove it, or give it a value (a null often means a variable that was not set)."));
                    } else {
                        walk(x, path, d);
                    }
                    path.pop();
                }
            }
            Value::Map(m) => {
                for (k, x) in m {
                    path.push(Step::Key(k));
                    if x.is_null() {
                        d.error_at(
                            path_of(path),
                            "Null value in a map",
                            format!(
                                "The value for {} is null. Remove the entry, or give it a value.",
                                expr::shown(k)
                            ),
                        );
                    } else {
                        walk(x, path, d);
                    }
                    path.pop();
                }
            }
            Value::Dynamic(_, inner) => walk(inner, path, d),
            _ => {}
        }
    }
    let mut d = Diagnostics::new();
    walk(cfg, &mut Vec::new(), &mut d);
    d
}

/// Why user-written JSON text (`arguments`, `cluster_config`, ...) was refused.
#[derive(Debug, PartialEq)]
pub enum BadJson {
    /// Not JSON: serde_json's message (line and column).
    Invalid(String),
    /// Nested deeper than serde_json's limit of 128 levels.
    TooDeep,
    /// An object with this key twice.
    DuplicateKey(String),
    /// An integer that does not fit in 64 bits (shortened).
    TooLarge(String),
}

impl BadJson {
    /// The summary and detail of the diagnostic for attribute `attr`; `fix` ends the detail of
    /// text that is not JSON (e.g. "Build it with jsonencode, e.g. ...").
    pub fn message(&self, attr: &str, fix: &str) -> (String, String) {
        match self {
            BadJson::Invalid(e) => (format!("{attr} is not valid JSON"), format!("{e}. {fix}")),
            BadJson::TooDeep => (
                format!("{attr} is nested too deeply"),
                "The JSON nests objects and lists more than 128 levels deep; SageMaker's step arguments never need that many. Flatten it.".into(),
            ),
            BadJson::TooLarge(n) => (
                format!("{attr} has a number too large to keep exactly"),
                format!("{n} does not fit in 64 bits, and the provider would round it. Write it as a string, or use a smaller number."),
            ),
            BadJson::DuplicateKey(k) => (
                format!("{attr} has the key {} twice", expr::shown(k)),
                "An object holds each key once: a JSON parser keeps only one of the two values, and which one is not defined. Remove one (jsonencode never writes a key twice; hand-written JSON can).".into(),
            ),
        }
    }
}

/// Parses JSON text a user wrote, like `serde_json::from_str`, but refuses an object with a
/// key twice, which serde_json would silently resolve to the last value (helper finding).
pub fn parse_user_json(text: &str) -> Result<Json, BadJson> {
    use serde::de::{DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
    let v: Json = serde_json::from_str(text).map_err(|e| {
        if e.to_string().contains("recursion limit") {
            BadJson::TooDeep
        } else {
            BadJson::Invalid(e.to_string())
        }
    })?;
    /// Walks the text again, recording the first key an object repeats.
    struct Dup<'a>(&'a mut Option<String>);
    impl<'de> DeserializeSeed<'de> for Dup<'_> {
        type Value = ();
        fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
            d.deserialize_any(self)
        }
    }
    impl<'de> Visitor<'de> for Dup<'_> {
        type Value = ();
        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("JSON")
        }
        fn visit_bool<E>(self, _: bool) -> Result<(), E> {
            Ok(())
        }
        fn visit_i64<E>(self, _: i64) -> Result<(), E> {
            Ok(())
        }
        fn visit_u64<E>(self, _: u64) -> Result<(), E> {
            Ok(())
        }
        fn visit_f64<E>(self, _: f64) -> Result<(), E> {
            Ok(())
        }
        fn visit_str<E>(self, _: &str) -> Result<(), E> {
            Ok(())
        }
        fn visit_unit<E>(self) -> Result<(), E> {
            Ok(())
        }
        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
            let found = self.0;
            while seq.next_element_seed(Dup(&mut *found))?.is_some() {}
            Ok(())
        }
        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
            let found = self.0;
            let mut seen = std::collections::BTreeSet::new();
            while let Some(k) = map.next_key::<String>()? {
                if !seen.insert(k.clone()) && found.is_none() {
                    *found = Some(k);
                }
                map.next_value_seed(Dup(&mut *found))?;
            }
            Ok(())
        }
    }
    let mut found = None;
    let mut de = serde_json::Deserializer::from_str(text);
    // The text parsed above; a failure here could only repeat that.
    let _ = Dup(&mut found).deserialize(&mut de);
    if let Some(k) = found {
        return Err(BadJson::DuplicateKey(k));
    }
    match crate::compiler::canonical::oversized_integer(text) {
        Some(n) => Err(BadJson::TooLarge(n)),
        None => Ok(v),
    }
}

/// A JSON object of `members`, moved in. (`json!` interpolates a `Json` or `Map` value through
/// `serde_json::to_value`: a deep copy of it.)
pub fn object<const N: usize>(members: [(&str, Json); N]) -> Json {
    Json::Object(members.into_iter().map(|(k, v)| (k.to_string(), v)).collect())
}

/// Inserts `v` under `key` when present.
pub fn put(obj: &mut Map<String, Json>, key: &str, v: Option<Json>) {
    if let Some(v) = v {
        obj.insert(key.to_string(), v);
    }
}

pub fn compile_common(cfg: &Value, step_type: &str, ctx: &mut Ctx, step: &mut Map<String, Json>) {
    let known_name = model::string(cfg, "name").known();
    let name = known_name.clone().flatten().unwrap_or_default();
    if known_name.is_some() && !valid_entity_name(&name, 64) {
        ctx.local_error(
            AttrPath::root("name"),
            format!("Invalid step name {}", expr::shown(&name)),
            "Step names are 1-64 ASCII letters, digits, hyphens and underscores (no accents or spaces), e.g. \"Preprocess\".",
        );
    }
    step.insert("Name".into(), Json::String(name));
    step.insert("Type".into(), Json::String(step_type.into()));
    step.insert("Arguments".into(), Json::Object(Map::new()));
    if let Some(deps) =
        model::string_list(cfg, "depends_on_steps").value().filter(|d| !d.is_empty())
    {
        for (i, d) in deps.iter().enumerate() {
            if !valid_entity_name(d, 64) {
                ctx.local_error(
                    AttrPath::root("depends_on_steps").index(i),
                    format!("Invalid step name {}", expr::shown(d)),
                    "List step names, e.g. \"Preprocess\".",
                );
            } else if known_name.as_ref().is_some_and(|n| n.as_deref() == Some(d.as_str())) {
                ctx.local_error(
                    AttrPath::root("depends_on_steps").index(i),
                    format!("Step {} depends on itself", expr::shown(d)),
                    "List the steps that must finish before this one starts, not the step itself.",
                );
            }
        }
        // Each step once, in the order first listed, as the SageMaker Python SDK writes
        // `DependsOn` (`concat()` of overlapping lists is common in Terraform).
        let mut seen = std::collections::BTreeSet::new();
        let deps = deps.into_iter().filter(|d| seen.insert(d.clone()));
        step.insert("DependsOn".into(), Json::Array(deps.map(Json::String).collect()));
    }
    // The lengths of `display_name` and `description` are declared on the attributes
    // (`common_block`) and checked by the framework.
    if let Some(d) = model::string(cfg, "display_name").value() {
        step.insert("DisplayName".into(), Json::String(d));
    }
    if let Some(d) = model::string(cfg, "description").value() {
        step.insert("Description".into(), Json::String(d));
    }
}

/// What `cache { enabled = null }` should have been.
const CACHE_NULL_ADVICE: &str = "Set enabled = true to reuse earlier results or enabled = false to turn caching off, or remove the cache block (no caching).";

pub fn compile_cache(cfg: &Value, ctx: &mut Ctx, step: &mut Map<String, Json>) {
    let Some(c) = cfg.get("cache").filter(|c| !c.is_null() && !c.is_unknown()) else { return };
    // Terraform passes `enabled = null` through although the attribute is required; it has no
    // default, so it is a mistake, not `false`.
    let enabled = match c.get("enabled") {
        Some(Value::Bool(b)) => *b,
        None | Some(Value::Null) => {
            ctx.local_error(
                AttrPath::root("cache").attr("enabled"),
                "cache.enabled is null",
                CACHE_NULL_ADVICE,
            );
            return;
        }
        Some(_) => return,
    };
    let mut obj = Map::new();
    obj.insert("Enabled".into(), Json::Bool(enabled));
    if let Some(e) = model::string(c, "expire_after").value() {
        if !valid_iso_duration(&e) {
            ctx.local_error(
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
            ctx.error_of(
                path.clone().attr("exception_types"),
                "No exception types",
                format!("List at least one of {}.", RETRY_EXCEPTION_TYPES.join(", ")),
            );
        }
        for (j, t) in types.iter().enumerate() {
            if !RETRY_EXCEPTION_TYPES.contains(&t.as_str()) {
                ctx.local_error(
                    path.clone().attr("exception_types").index(j),
                    format!("Unknown retry exception type {t:?}"),
                    format!(
                        "{}Use one of {}, spelled exactly as in the definition.",
                        expr::did_you_mean(t, RETRY_EXCEPTION_TYPES)
                            .map(|c| format!("Did you mean '{c}'? "))
                            .unwrap_or_default(),
                        RETRY_EXCEPTION_TYPES.join(", ")
                    ),
                );
            }
        }
        let mut p = Map::new();
        p.insert("ExceptionType".into(), json!(types));
        let interval = ctx.int(r, "interval_seconds", &path).unwrap_or(1);
        if !(1..=43_200).contains(&interval) {
            ctx.local_error(
                path.clone().attr("interval_seconds"),
                "interval_seconds out of range",
                "Use 1 to 43200 seconds.",
            );
        }
        p.insert("IntervalSeconds".into(), json!(interval));
        let rate =
            r.get("backoff_rate").and_then(|v| v.as_number()).map(|n| n.as_f64()).unwrap_or(2.0);
        if rate < 0.0 {
            ctx.local_error(
                path.clone().attr("backoff_rate"),
                "backoff_rate must not be negative",
                "Use a multiplier such as 2.",
            );
        } else if !rate.is_finite() || rate > 1e6 {
            // JSON has no infinity: an absurd rate would otherwise become null.
            ctx.local_error(
                path.clone().attr("backoff_rate"),
                "backoff_rate is too large",
                "Use a multiplier such as 2 (at most 1000000).",
            );
        }
        p.insert("BackoffRate".into(), json!(rate));
        // Which limits are set is judged by presence (`given`: a value that is not a whole
        // number, or not known yet, is still set); the values are only range-checked.
        match (given(r, "max_attempts"), given(r, "expire_after_minutes")) {
            // Pointed at an attribute: Terraform shows a path to a block at the resource's header.
            (true, true) => ctx.error_from(
                std::slice::from_ref(&path),
                path.clone().attr("expire_after_minutes"),
                "Retry policy has two limits",
                "Set either max_attempts (1-20) or expire_after_minutes (0-14400), not both: remove one.",
            ),
            (false, false) => ctx.error_from(
                std::slice::from_ref(&path),
                path.clone().attr("max_attempts"),
                "Retry policy needs a limit",
                "Set max_attempts (1-20) or expire_after_minutes (0-14400) in this retry block.",
            ),
            _ => {}
        }
        for (attr, key, range, fix) in [
            ("max_attempts", "MaxAttempts", 1..=20, "Use 1 to 20 attempts."),
            ("expire_after_minutes", "ExpireAfterMin", 0..=14_400, "Use 0 to 14400 minutes."),
        ] {
            if let Some(n) = ctx.int(r, attr, &path) {
                if !range.contains(&n) {
                    ctx.local_error(path.clone().attr(attr), format!("{attr} out of range"), fix);
                }
                p.insert(key.into(), json!(n));
            }
        }
        policies.push(Json::Object(p));
    }
    step.insert("RetryPolicies".into(), Json::Array(policies));
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Runs the validators of attribute `name` of `block` on `v`; the summaries.
    fn checked(block: &crate::framework::Block, name: &str, v: Value) -> Vec<String> {
        let a = block.attributes.iter().find(|a| a.name == name).expect(name);
        let mut d = Diagnostics::new();
        for c in &a.validators {
            c.check(&v, &AttrPath::root(name), &mut d);
        }
        d.iter().map(|d| d.summary.clone()).collect()
    }

    /// Fresh-eyes findings: hyperparameters had no limits; a check step's image and model
    /// package group were not checked as the processing and register-model steps check them.
    #[test]
    fn hyperparameters_and_check_job_settings_are_checked() {
        let b = crate::framework::Block::new("t").attr(
            crate::framework::Attribute::optional("hyperparameters", string_map(), "h")
                .validate(hyperparameters_validator()),
        );
        let many: Vec<(String, Value)> =
            (0..101).map(|i| (format!("k{i}"), Value::string("1"))).collect();
        assert_eq!(
            checked(&b, "hyperparameters", Value::map(many)),
            ["101 hyperparameters is too many"]
        );
        let long = Value::map([
            ("k".repeat(257), Value::string("1")),
            ("v".to_string(), Value::string("x".repeat(2501))),
            (
                "ref".to_string(),
                Value::string(format!("{}{{{{ Parameters.P }}}}", "x".repeat(2501))),
            ),
            (String::new(), Value::string("empty names are the API's own business")),
        ]);
        assert_eq!(checked(&b, "hyperparameters", long).len(), 2);
        let check =
            super::super::job::check::check_job_block(crate::framework::Block::new("c"), "img");
        assert_eq!(checked(&check, "image_uri", Value::string("")), ["Invalid image URI \"\""]);
        assert!(checked(
            &check,
            "image_uri",
            Value::string("1.dkr.ecr.us-east-1.amazonaws.com/i:1")
        )
        .is_empty());
        assert_eq!(
            checked(&check, "model_package_group_name", Value::string("")),
            ["Invalid model package group name \"\""]
        );
        assert!(
            checked(&check, "model_package_group_name", Value::string("churn-models")).is_empty()
        );
    }

    #[test]
    fn choices_are_listed_with_the_closest_first() {
        assert_eq!(
            use_one_of(Some("data_quality"), &["DATA_QUALITY", "MODEL_QUALITY"]),
            "Did you mean 'DATA_QUALITY'? Use one of DATA_QUALITY or MODEL_QUALITY."
        );
        assert_eq!(
            use_one_of(None, &["csv", "json", "parquet"]),
            "Use one of csv, json or parquet."
        );
        assert_eq!(use_one_of(Some("zzzzzz"), &["File"]), "Use one of File.");
    }

    /// Review finding: `concat()` of overlapping lists is common; `DependsOn` lists each step
    /// once, as the SageMaker Python SDK writes it.
    #[test]
    fn depends_on_lists_each_step_once() {
        let cfg = obj(vec![
            ("name", Value::string("S")),
            ("depends_on_steps", Value::list(["B", "A", "B"].map(Value::string))),
        ]);
        let mut ctx = Ctx::default();
        let mut step = Map::new();
        compile_common(&cfg, "Fail", &mut ctx, &mut step);
        assert!(ctx.diags.is_empty(), "{:?}", ctx.diags);
        assert_eq!(step["DependsOn"], json!(["B", "A"]));
    }

    #[test]
    fn role_arns() {
        assert!(valid_role_arn("arn:aws:iam::123456789012:role/sagemaker-pipeline"));
        assert!(valid_role_arn("arn:aws-cn:iam::123456789012:role/path/x"));
        assert!(!valid_role_arn("arn:aws:iam::12345:role/x"));
        assert!(!valid_role_arn("arn:aws:s3:::bucket"));
        assert!(!valid_role_arn("role/x"));
        assert!(!valid_role_arn("SageMakerRole"));
        assert!(!valid_role_arn("arn:aws:iam::123456789012:user/x"));
        assert!(!valid_role_arn("arn:aws:iam::123456789012:role/"));
    }

    /// Fresh-eyes findings: an empty image URI, environment variable names SageMaker refuses
    /// and an EMR role given by name passed validate.
    #[test]
    fn image_environment_and_emr_role_validators() {
        let errors = |v: crate::framework::Validator, value: Value| {
            let mut d = Diagnostics::new();
            v.check(&value, &AttrPath::root("x"), &mut d);
            d.0.iter().map(|d| (d.summary.clone(), d.path.clone())).collect::<Vec<_>>()
        };
        for good in [
            "1.dkr.ecr.us-east-1.amazonaws.com/i:1",
            "{{ Steps.AutoML.BestCandidate.InferenceContainers[0].Image }}",
        ] {
            assert!(errors(image_uri_validator(), Value::string(good)).is_empty(), "{good}");
        }
        for bad in ["", "not an image", &"x".repeat(256)] {
            assert_eq!(errors(image_uri_validator(), Value::string(bad)).len(), 1, "{bad}");
        }
        let long = "v".repeat(257);
        let long_ref = format!("{long}{{{{ Parameters.X }}}}");
        let env = Value::Map(
            [
                ("LOG_LEVEL", "1"),
                ("_x1", "2"),
                ("", "3"),
                ("A B", "4"),
                ("1X", "5"),
                ("LONG", long.as_str()),
                ("LONG_REF", long_ref.as_str()),
            ]
            .into_iter()
            .map(|(k, v)| (k.to_string(), Value::string(v)))
            .collect(),
        );
        let bad: Vec<_> = errors(environment_validator(100, 256, 256), env.clone())
            .into_iter()
            .map(|(_, p)| p)
            .collect();
        assert_eq!(
            bad,
            ["", "1X", "A B", "LONG"].map(|k| Some(AttrPath::root("x").key(k))).to_vec()
        );
        // Another job's limits; too many variables is one error at the map.
        assert_eq!(errors(environment_validator(100, 1024, 1024), env.clone()).len(), 3);
        let many = errors(environment_validator(2, 1024, 1024), env);
        assert_eq!(many.len(), 4, "{many:?}");
        for good in ["arn:aws:iam::123456789012:role/emr", "{{ Parameters.EmrRole }}"] {
            assert!(errors(emr_role_arn_validator(), Value::string(good)).is_empty(), "{good}");
        }
        for bad in
            ["emr-runtime", "arn:aws:iam::123456789012:user/x", "arn:aws:iam::123456789012:role/"]
        {
            assert_eq!(errors(emr_role_arn_validator(), Value::string(bad)).len(), 1, "{bad}");
        }
    }

    /// Fresh-eyes finding: "bad key" and an S3 ARN passed as KMS keys.
    #[test]
    fn kms_keys() {
        for good in [
            "1234abcd-12ab-34cd-56ef-1234567890ab",
            "mrk-1234abcd12ab34cd56ef1234567890ab",
            "alias/ml",
            "alias/aws/s3",
            "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab",
            "arn:aws:kms:eu-west-1:123456789012:key/mrk-1234abcd12ab34cd56ef1234567890ab",
            "arn:aws-us-gov:kms:us-gov-west-1:123456789012:alias/ml-keys",
        ] {
            assert!(valid_kms_key(good), "{good}");
        }
        assert!(valid_kms_key(""), "SageMaker's pattern takes an empty key");
        for bad in [
            "bad key",
            "arn:aws:s3:::bucket",
            "alias/",
            "arn:aws:kms:us-east-1:123456789012:key/",
            "arn:aws:kms:us-east-1:12345:key/1234abcd-12ab-34cd-56ef-1234567890ab",
            "arn:aws:kms:us-east-1:123456789012:alias/a b",
        ] {
            assert!(!valid_kms_key(bad), "{bad}");
        }
    }

    /// A value is known when nothing under it, nor anything holding it, is unknown; `every`
    /// steps into each element of a list.
    #[test]
    fn known_looks_under_and_above_a_path() {
        let cfg = Value::object([
            ("a", Value::Unknown),
            ("b", Value::string("x")),
            (
                "input",
                Value::list([
                    Value::object([("name", Value::string("n")), ("source", Value::Unknown)]),
                    Value::object([("name", Value::Unknown)]),
                ]),
            ),
        ]);
        let ctx = Ctx::new(&cfg, true);
        let input = || AttrPath::root("input");
        assert!(!ctx.known(&AttrPath::root("a")));
        assert!(!ctx.known(&AttrPath::root("a").attr("deeper")), "inside an unknown value");
        assert!(ctx.known(&AttrPath::root("b")));
        assert!(!ctx.known(&input()), "holds an unknown value");
        assert!(ctx.known(&input().index(0).attr("name")));
        assert!(!ctx.known(&input().index(0)));
        assert!(!ctx.known(&every(input(), "name")), "input[1].name is unknown");
        assert!(!ctx.known(&every(input(), "source")));
        assert!(ctx.known(&every(input(), "destination")));
        // Outside partial mode everything counts as known.
        assert!(Ctx::new(&cfg, false).known(&AttrPath::root("a")));
        // A wholly unknown list of blocks (a `dynamic` block): none of its fields is known.
        let cfg = Value::object([("output", Value::Unknown)]);
        assert!(!Ctx::new(&cfg, true).known(&every(AttrPath::root("output"), "name")));
    }

    fn obj(attrs: Vec<(&str, Value)>) -> Value {
        Value::object(attrs)
    }

    /// Issue 6: `instance_count = "-0"` compiled to 0, and a 400-digit number was echoed back.
    #[test]
    fn hostile_counts() {
        let path = AttrPath::default();
        let count = |v: Value| {
            let mut ctx = Ctx::default();
            let out = ctx.count(&obj(vec![("n", v)]), "n", &path, 1, Some(1));
            (
                out,
                ctx.diags
                    .iter()
                    .map(|d| format!("{} | {}", d.summary, d.detail))
                    .collect::<Vec<_>>(),
            )
        };
        assert_eq!(count(Value::string("3")), (Some(json!(3)), vec![]));
        assert_eq!(count(Value::Null), (Some(json!(1)), vec![]));
        assert_eq!(
            count(Value::string("{{ Parameters.N }}")).0,
            Some(json!({"Get": "Parameters.N"}))
        );
        for bad in ["-0", "-3", "+3", "0", "1.5", "three"] {
            let (out, d) = count(Value::string(bad));
            assert_eq!(out, None, "{bad}");
            assert_eq!(d.len(), 1, "{bad}: {d:?}");
            if bad != "1.5" && bad != "three" {
                assert!(d[0].starts_with("n must be a positive whole number"), "{bad}: {d:?}");
            }
        }
        // Said, not coerced: spaces are not trimmed away.
        for spaced in [" 3600", "3600 "] {
            let (out, d) = count(Value::string(spaced));
            assert_eq!(out, None, "{spaced:?}");
            assert!(d[0].contains("has spaces around it"), "{d:?}");
        }
        // Beyond SageMaker's 32-bit integers: too large, and never echoed.
        let huge = "9".repeat(400);
        for big in ["2147483648", "99999999999", huge.as_str()] {
            let (out, d) = count(Value::string(big));
            assert_eq!(out, None);
            assert_eq!(d.len(), 1, "{d:?}");
            assert!(d[0].starts_with("n is too large") && !d[0].contains(big), "{d:?}");
        }
        assert_eq!(count(Value::string("2147483647")).0, Some(json!(2147483647)));
        // A field's own range.
        let mut ctx = Ctx::default();
        let out = ctx.count_in(&obj(vec![("n", Value::string("101"))]), "n", &path, 1..=100, None);
        assert_eq!(out, None);
        assert!(ctx.diags.iter().any(|d| d.detail.contains("at most 100")), "{:?}", ctx.diags);
        let mut ctx = Ctx::default();
        let n = crate::tfvalue::Number::parse(&huge).map(Value::Number).unwrap_or(Value::Null);
        assert_eq!(ctx.int(&obj(vec![("n", n)]), "n", &path), None);
        let d: Vec<String> = ctx.diags.iter().map(|d| d.detail.clone()).collect();
        assert!(d[0].contains("is out of range") && d[0].len() < 160, "{d:?}");
    }

    #[test]
    fn absurd_backoff_rate_is_an_error_not_null() {
        let huge = crate::tfvalue::Number::parse("1e400").map(Value::Number).unwrap_or(Value::Null);
        let retry = obj(vec![
            ("exception_types", Value::list([Value::string("Step.THROTTLING")])),
            ("backoff_rate", huge),
            ("max_attempts", Value::number(3)),
        ]);
        let mut ctx = Ctx::default();
        compile_retry(&obj(vec![("retry", Value::list([retry]))]), &mut ctx, &mut Map::new());
        let d: Vec<String> = ctx.diags.iter().map(|d| d.summary.clone()).collect();
        assert_eq!(d, vec!["backoff_rate is too large".to_string()]);
    }

    /// Issue 6: null list elements were dropped without a word.
    #[test]
    fn null_elements_are_diagnostics() {
        let cfg = obj(vec![
            ("container_arguments", Value::list([Value::string("a"), Value::Null])),
            ("environment", Value::map([("A", Value::Null)])),
            ("input", Value::list([obj(vec![("source", Value::Null)])])),
            ("later", Value::list([Value::Unknown])),
        ]);
        let d: Vec<String> = null_elements(&cfg)
            .iter()
            .map(|d| d.path.clone().unwrap_or_default().to_string())
            .collect();
        assert_eq!(d, vec!["container_arguments[1]".to_string(), "environment[\"A\"]".to_string()]);
    }

    /// Issue 6: `cache { enabled = null }` became `false`.
    #[test]
    fn null_cache_enabled_is_a_diagnostic() {
        let mut ctx = Ctx::default();
        let mut step = Map::new();
        compile_cache(
            &obj(vec![(
                "cache",
                obj(vec![("enabled", Value::Null), ("expire_after", Value::Null)]),
            )]),
            &mut ctx,
            &mut step,
        );
        assert!(step.get("CacheConfig").is_none());
        assert_eq!(
            ctx.diags.iter().map(|d| d.summary.clone()).collect::<Vec<_>>(),
            vec!["cache.enabled is null".to_string()]
        );
        let mut ctx = Ctx::default();
        compile_cache(
            &obj(vec![(
                "cache",
                obj(vec![("enabled", Value::Bool(false)), ("expire_after", Value::Null)]),
            )]),
            &mut ctx,
            &mut step,
        );
        assert_eq!(step.get("CacheConfig"), Some(&json!({"Enabled": false})));
        assert!(ctx.diags.is_empty());
    }

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
