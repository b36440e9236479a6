//! Provider framework: the typed, protocol-free contract between the plugin server (the edge)
//! and the provider's resources and data sources.
//!
//! It owns the plan/apply rules Terraform enforces (see `research/terraform-plugin-protocol.md`
//! §6) so that individual resources cannot get them wrong:
//! - the plan is built from the configuration (`schema::plan_from_config`), not from Terraform's
//!   proposed new state, which on Terraform 1.0 keeps removed single nested blocks; computed
//!   attributes the user did not set come from the proposal, and are planned unknown on create;
//! - what attributes declare is applied for every resource alike: a required attribute set
//!   to `null` is an error at its path (Terraform only checks that it is written), and then
//!   the resource's own checks and plan do not run on it; validators
//!   (`Attribute::validate`, in validate and again in plan for values known only then),
//!   semantic equality (the prior value is planned when the new one means the same), and plan
//!   modifiers: `RequiresReplace` (`force_new`) changes are reported as `requires_replace`,
//!   `UseStateForUnknown` keeps a computed value on update;
//! - apply dispatches to create, update or delete, and a result that does not conform to the
//!   schema is turned into an error diagnostic instead of being handed to Terraform (which would
//!   drop the instance from state);
//! - a computed-only attribute that Terraform < 1.1 put in the configuration (its
//!   `ignore_changes` handling turns null maps into empty ones) and that the plan must change is
//!   an error that says so, not Terraform's "Provider produced invalid plan";
//! - a resource RPC before `ConfigureProvider` is a diagnostic, never a panic;
//! - private data carries what a refresh tells the plan after it
//!   (`Resource::private_after_read`), which an apply clears, and what a resource keeps with an
//!   object for its lifetime (`Outcome::private` from a create, `Resource::kept_private` across
//!   refreshes and updates), which a delete receives.
//!
//! Depends on `tfvalue` and its own `schema`/`diag`. Must not know about gRPC, protobuf, msgpack
//! bytes, AWS or SageMaker.

pub mod diag;
pub mod schema;
pub mod validators;

use std::collections::BTreeMap;
use std::sync::{Arc, RwLock};

use async_trait::async_trait;

use crate::tfvalue::{json as tfjson, Type, Value};
pub use diag::{AttrPath, Diagnostic, Diagnostics, PathStep, Severity};
pub use schema::{Attribute, Block, NestedBlock, Nesting, PlanModifier, Schema, Validator};

pub struct PlanRequest {
    /// `Value::Null` when the resource is being created.
    pub prior: Value,
    pub proposed: Value,
    pub config: Value,
    pub prior_private: Vec<u8>,
}

pub struct PlanResponse {
    pub planned: Value,
    pub requires_replace: Vec<AttrPath>,
    pub private: Vec<u8>,
    pub diagnostics: Diagnostics,
}

pub struct ApplyRequest {
    pub prior: Value,
    pub planned: Value,
    pub config: Value,
    pub private: Vec<u8>,
}

pub struct ApplyResponse {
    pub new_state: Value,
    pub private: Vec<u8>,
    pub diagnostics: Diagnostics,
}

pub struct ReadResponse {
    /// `Value::Null` means the remote object is gone and Terraform should forget it.
    pub state: Value,
    pub private: Vec<u8>,
    pub diagnostics: Diagnostics,
}

pub struct ImportResponse {
    pub state: Option<Value>,
    pub diagnostics: Diagnostics,
    /// The private data to keep with the imported object (see [`Outcome::private`]).
    pub private: Vec<u8>,
}

pub struct DataReadResponse {
    pub state: Value,
    pub diagnostics: Diagnostics,
}

/// What a resource's create/update returns: the object to save (best known, even on failure)
/// and the diagnostics. On a failed create with nothing created, `state` is `Value::Null`.
pub struct Outcome {
    pub state: Value,
    pub diagnostics: Diagnostics,
    /// The private data to save with the object; `None` keeps what
    /// [`Resource::kept_private`] keeps of the object's own.
    pub private: Option<Vec<u8>>,
}

/// A managed resource type. `C` is the configured provider handed to every call.
#[async_trait]
pub trait Resource<C>: Send + Sync {
    fn type_name(&self) -> &'static str;
    fn schema(&self) -> Schema;
    /// Offline checks of a configuration that may contain unknown values.
    fn validate(&self, _config: &Value) -> Diagnostics {
        Diagnostics::new()
    }
    /// Refines the framework's base plan (`planned` already echoes config and has computed
    /// attributes unknown on create). Plans always follow `ConfigureProvider`.
    async fn plan(
        &self,
        _ctx: &C,
        _req: &PlanRequest,
        _planned: &mut Value,
        _diags: &mut Diagnostics,
    ) {
    }
    async fn create(&self, ctx: &C, planned: &Value) -> Outcome;
    async fn update(&self, ctx: &C, prior: &Value, planned: &Value) -> Outcome;
    /// `private` is the object's private data (what its create and refreshes saved).
    async fn delete(&self, ctx: &C, prior: &Value, private: &[u8]) -> Diagnostics;
    /// The refreshed object, or `Value::Null` when the remote object no longer exists.
    async fn read(&self, ctx: &C, state: &Value) -> (Value, Diagnostics);
    /// Rewrites a stored state (the JSON Terraform keeps) written by an older schema version into
    /// the shape of the current schema, before it is decoded. Attributes the current schema
    /// does not know are an error, so a version bump that removes one must implement this.
    fn upgrade_json(&self, _from_version: i64, json: &[u8]) -> Result<Vec<u8>, String> {
        Ok(json.to_vec())
    }
    /// The private data Terraform keeps with the refreshed object until the plan that follows
    /// (`PlanRequest::prior_private`): `before` is the object as stored (by the last apply or
    /// an import), `after` the refreshed one. It is what a plan cannot see otherwise: what
    /// changed outside Terraform. Private data lives from a refresh to the next plan: an apply
    /// clears it; `apply -refresh-only` stores it with the refreshed object, so a plan without
    /// a refresh (`-refresh=false`) then still finds it (resources check that it belongs to the
    /// object they plan from). Default: none.
    /// `prior_private` is what the object had; what [`Resource::kept_private`] keeps of it
    /// belongs in the result too.
    fn private_after_read(
        &self,
        _before: &Value,
        _after: &Value,
        _prior_private: &[u8],
    ) -> Vec<u8> {
        Vec::new()
    }
    /// What an object keeps of its private data through an update (and, by the resource's
    /// `private_after_read`, a refresh): data about the object for its whole life, e.g. the
    /// token it owns its remote object by. Default: nothing.
    fn kept_private(&self, _private: &[u8]) -> Vec<u8> {
        Vec::new()
    }
    /// Turns an import id into a minimal state that `read` then fills in.
    async fn import(&self, _ctx: &C, _id: &str) -> ImportResponse {
        let mut d = Diagnostics::new();
        d.error(
            format!("{} does not support import", self.type_name()),
            "This resource type has no remote object to import; declare it in configuration instead.",
        );
        ImportResponse { state: None, diagnostics: d, private: Vec::new() }
    }
}

#[async_trait]
pub trait DataSource<C>: Send + Sync {
    fn type_name(&self) -> &'static str;
    fn schema(&self) -> Schema;
    fn validate(&self, _config: &Value) -> Diagnostics {
        Diagnostics::new()
    }
    async fn read(&self, ctx: &C, config: &Value) -> (Value, Diagnostics);
}

/// Provider-level hooks: its own schema, validation, and how configuration becomes a `C`.
#[async_trait]
pub trait ProviderHooks<C>: Send + Sync {
    fn schema(&self) -> Schema;
    fn validate(&self, _config: &Value) -> Diagnostics {
        Diagnostics::new()
    }
    /// The configured context with the warnings to show (e.g. about the environment), or the
    /// errors that prevent it.
    async fn configure(
        &self,
        terraform_version: &str,
        config: &Value,
    ) -> Result<(C, Diagnostics), Diagnostics>;
}

/// The protocol-free provider interface the plugin server drives.
#[async_trait]
pub trait Provider: Send + Sync + 'static {
    fn provider_schema(&self) -> &Schema;
    fn resource_schemas(&self) -> BTreeMap<&'static str, &Schema>;
    fn data_source_schemas(&self) -> BTreeMap<&'static str, &Schema>;
    /// The value type of a resource (`resource = true`) or data source, for decoding.
    fn value_type(&self, type_name: &str, resource: bool) -> Option<&Type>;
    fn provider_type(&self) -> &Type;
    fn validate_provider(&self, config: &Value) -> Diagnostics;
    async fn configure(&self, terraform_version: &str, config: &Value) -> Diagnostics;
    fn validate_resource(&self, type_name: &str, config: &Value) -> Diagnostics;
    fn validate_data_source(&self, type_name: &str, config: &Value) -> Diagnostics;
    fn upgrade(&self, type_name: &str, version: i64, json: &[u8]) -> (Value, Diagnostics);
    async fn read(&self, type_name: &str, state: Value, private: Vec<u8>) -> ReadResponse;
    async fn plan(&self, type_name: &str, req: PlanRequest) -> PlanResponse;
    async fn apply(&self, type_name: &str, req: ApplyRequest) -> ApplyResponse;
    async fn import(&self, type_name: &str, id: &str) -> ImportResponse;
    async fn read_data_source(&self, type_name: &str, config: Value) -> DataReadResponse;
}

struct Entry<T: ?Sized> {
    imp: Arc<T>,
    schema: Schema,
    ty: Type,
}

/// The framework's implementation of [`Provider`], built from hooks, resources and data sources.
pub struct Framework<C> {
    hooks: Box<dyn ProviderHooks<C>>,
    provider_schema: Schema,
    provider_ty: Type,
    resources: BTreeMap<&'static str, Entry<dyn Resource<C>>>,
    data_sources: BTreeMap<&'static str, Entry<dyn DataSource<C>>>,
    configured: RwLock<Option<Arc<C>>>,
    /// Whether Terraform (as `ConfigureProvider` says) accepts only the configuration's or the
    /// prior value for a computed-only attribute the configuration sets: before 1.2
    /// (hashicorp/terraform pull 31509 relaxed it).
    strict_computed: std::sync::atomic::AtomicBool,
}

impl<C: Send + Sync + 'static> Framework<C> {
    pub fn new(
        hooks: Box<dyn ProviderHooks<C>>,
        resources: Vec<Arc<dyn Resource<C>>>,
        data_sources: Vec<Arc<dyn DataSource<C>>>,
    ) -> Self {
        let provider_schema = hooks.schema();
        let provider_ty = provider_schema.block.value_type();
        let resources = resources
            .into_iter()
            .map(|r| {
                let schema = r.schema();
                let ty = schema.block.value_type();
                (r.type_name(), Entry { imp: r, schema, ty })
            })
            .collect();
        let data_sources = data_sources
            .into_iter()
            .map(|r| {
                let schema = r.schema();
                let ty = schema.block.value_type();
                (r.type_name(), Entry { imp: r, schema, ty })
            })
            .collect();
        Framework {
            hooks,
            provider_schema,
            provider_ty,
            resources,
            data_sources,
            configured: RwLock::new(None),
            strict_computed: std::sync::atomic::AtomicBool::new(true),
        }
    }

    fn ctx(&self) -> Result<Arc<C>, Diagnostics> {
        let guard = self.configured.read().unwrap_or_else(|p| p.into_inner());
        guard.clone().ok_or_else(|| {
            Diagnostic::error(
                "Provider is not configured",
                "Terraform called the provider before configuring it. This is a bug in the provider or Terraform; please report it.",
            )
            .into()
        })
    }

    fn resource(&self, type_name: &str) -> Result<&Entry<dyn Resource<C>>, Diagnostics> {
        self.resources.get(type_name).ok_or_else(|| unknown_type("resource", type_name))
    }
}

/// The schema's checks of `config`, then the resource's or data source's own (`own`), unless
/// a required attribute is null: its own checks read a null as absent, and would misname it.
fn validated(
    block: &schema::Block,
    config: &Value,
    own: impl FnOnce() -> Diagnostics,
) -> Diagnostics {
    let mut d = Diagnostics::new();
    if !schema::validate_attributes(block, config, &AttrPath::default(), &mut d) {
        d.extend(own());
    }
    d
}

fn unknown_type(kind: &str, type_name: &str) -> Diagnostics {
    Diagnostic::error(
        format!("Unknown {kind} type {type_name:?}"),
        "This provider does not implement that type. Check the spelling and the provider version.",
    )
    .into()
}

/// Whether a Terraform version (`1.0.3`, `1.11.4`) is older than 1.2; an unreadable one counts
/// as older (the strict rule is the safe one).
fn before_1_2(version: &str) -> bool {
    let mut parts = version.split('.').map(|p| p.parse::<u64>().ok());
    match (parts.next().flatten(), parts.next().flatten()) {
        (Some(major), Some(minor)) => (major, minor) < (1, 2),
        _ => true,
    }
}

#[async_trait]
impl<C: Send + Sync + 'static> Provider for Framework<C> {
    fn provider_schema(&self) -> &Schema {
        &self.provider_schema
    }
    fn resource_schemas(&self) -> BTreeMap<&'static str, &Schema> {
        self.resources.iter().map(|(k, e)| (*k, &e.schema)).collect()
    }
    fn data_source_schemas(&self) -> BTreeMap<&'static str, &Schema> {
        self.data_sources.iter().map(|(k, e)| (*k, &e.schema)).collect()
    }
    fn value_type(&self, type_name: &str, resource: bool) -> Option<&Type> {
        if resource {
            self.resources.get(type_name).map(|e| &e.ty)
        } else {
            self.data_sources.get(type_name).map(|e| &e.ty)
        }
    }
    fn provider_type(&self) -> &Type {
        &self.provider_ty
    }

    fn validate_provider(&self, config: &Value) -> Diagnostics {
        let mut d = Diagnostics::new();
        schema::validate_attributes(
            &self.provider_schema.block,
            config,
            &AttrPath::default(),
            &mut d,
        );
        d.extend(self.hooks.validate(config));
        d
    }

    async fn configure(&self, terraform_version: &str, config: &Value) -> Diagnostics {
        self.strict_computed
            .store(before_1_2(terraform_version), std::sync::atomic::Ordering::Relaxed);
        match self.hooks.configure(terraform_version, config).await {
            Ok((c, warnings)) => {
                *self.configured.write().unwrap_or_else(|p| p.into_inner()) = Some(Arc::new(c));
                warnings
            }
            Err(d) => d,
        }
    }

    fn validate_resource(&self, type_name: &str, config: &Value) -> Diagnostics {
        match self.resource(type_name) {
            Ok(e) => validated(&e.schema.block, config, || e.imp.validate(config)),
            Err(d) => d,
        }
    }

    fn validate_data_source(&self, type_name: &str, config: &Value) -> Diagnostics {
        match self.data_sources.get(type_name) {
            Some(e) => validated(&e.schema.block, config, || e.imp.validate(config)),
            None => unknown_type("data source", type_name),
        }
    }

    fn upgrade(&self, type_name: &str, version: i64, json: &[u8]) -> (Value, Diagnostics) {
        let e = match self.resource(type_name) {
            Ok(e) => e,
            Err(d) => return (Value::Null, d),
        };
        if version > e.schema.version {
            let d = Diagnostic::error(
                "Resource instance managed by a newer provider version",
                format!(
                    "The state of this {type_name} was written by schema version {version}, but this provider only knows version {}. Upgrade the provider.",
                    e.schema.version
                ),
            );
            return (Value::Null, d.into());
        }
        let upgraded;
        let json = if version < e.schema.version {
            match e.imp.upgrade_json(version, json) {
                Ok(j) => {
                    upgraded = j;
                    &upgraded[..]
                }
                Err(why) => {
                    let d = Diagnostic::error(
                        format!("Could not upgrade the stored state of {type_name}"),
                        format!("The state was written by schema version {version} and could not be converted to version {}: {why}. Remove the resource from state (terraform state rm) and import it again.", e.schema.version),
                    );
                    return (Value::Null, d.into());
                }
            }
        } else {
            json
        };
        match tfjson::decode_json(json, &e.ty) {
            Ok(v) => (v, Diagnostics::new()),
            Err(err) => (
                Value::Null,
                Diagnostic::error(
                    format!("Could not read the stored state of {type_name}"),
                    format!("The state does not match the resource schema: {err}. Remove the resource from state (terraform state rm) and import it again."),
                )
                .into(),
            ),
        }
    }

    async fn read(&self, type_name: &str, state: Value, private: Vec<u8>) -> ReadResponse {
        let (e, ctx) = match (self.resource(type_name), self.ctx()) {
            (Ok(e), Ok(c)) => (e, c),
            (Err(d), _) | (_, Err(d)) => return ReadResponse { state, private, diagnostics: d },
        };
        let (new_state, mut diagnostics) = e.imp.read(&ctx, &state).await;
        if let Err(why) = new_state.conforms(&e.ty) {
            diagnostics.push(nonconforming(type_name, &why));
            return ReadResponse { state, private, diagnostics };
        }
        if diagnostics.has_errors() && new_state.is_null() && !state.is_null() {
            // A failed read must not make Terraform forget the object.
            return ReadResponse { state, private, diagnostics };
        }
        let private = if new_state.is_null() {
            Vec::new()
        } else {
            e.imp.private_after_read(&state, &new_state, &private)
        };
        ReadResponse { state: new_state, private, diagnostics }
    }

    async fn plan(&self, type_name: &str, req: PlanRequest) -> PlanResponse {
        let e = match self.resource(type_name) {
            Ok(e) => e,
            Err(d) => {
                return PlanResponse {
                    planned: req.proposed,
                    diagnostics: d,
                    requires_replace: Vec::new(),
                    private: Vec::new(),
                }
            }
        };
        let private = req.prior_private.clone();
        if req.proposed.is_null() {
            // Destroy: Terraform >= 1.3 may ask; the only valid plan is null.
            return PlanResponse {
                planned: Value::Null,
                private,
                requires_replace: Vec::new(),
                diagnostics: Diagnostics::new(),
            };
        }
        let block = &e.schema.block;
        let mut planned = schema::plan_from_config(block, &req.config, &req.proposed);
        let mut diagnostics = Diagnostics::new();
        // Values unknown at validation may be known now. (Known ones passed validation already,
        // or Terraform would not plan, so nothing is reported twice.)
        let required_null =
            schema::validate_attributes(block, &req.config, &AttrPath::default(), &mut diagnostics);
        if required_null {
            return PlanResponse {
                planned: req.proposed,
                private,
                requires_replace: Vec::new(),
                diagnostics,
            };
        }
        if req.prior.is_null() {
            schema::mark_computed_unknown(block, &mut planned);
        } else {
            schema::computed_only_from_prior(block, &req.config, &req.prior, &mut planned);
            schema::keep_semantically_equal(block, &req.config, &req.prior, &mut planned);
        }
        match self.ctx() {
            Ok(ctx) => e.imp.plan(&ctx, &req, &mut planned, &mut diagnostics).await,
            Err(d) => diagnostics.extend(d),
        }
        let mut requires_replace = Vec::new();
        if !req.prior.is_null() {
            schema::use_state_for_unknown(block, &req.prior, &mut planned);
            schema::requires_replace(
                block,
                &req.prior,
                &planned,
                &AttrPath::default(),
                &mut requires_replace,
            );
        }
        let strict = self.strict_computed.load(std::sync::atomic::Ordering::Relaxed);
        let stuck = if strict {
            schema::computed_stuck_by_config(block, &req.config, &req.prior, &planned)
        } else {
            Vec::new()
        };
        for name in stuck {
            diagnostics.push(
                Diagnostic::error(
                    "Terraform 1.0 cannot plan this change while ignore_changes has an effect",
                    format!("An attribute this resource's lifecycle ignore_changes names differs from the configuration (for example tags added outside Terraform). Terraform before 1.1 then hands the provider empty maps for every map the configuration leaves out, computed ones included (hashicorp/terraform issue 29921, fixed in 1.1), and accepts no new value for {name}, which this change needs. Upgrade Terraform to 1.1 or later; or, with this version, make ignore_changes have nothing to ignore (put the values changed outside Terraform, e.g. those tags, into the configuration), and apply."),
                )
                .at(AttrPath::root(name)),
            );
        }
        if let Err(why) = planned.conforms(&e.ty) {
            diagnostics.push(nonconforming(type_name, &why));
            planned = req.proposed;
        }
        PlanResponse { planned, requires_replace, private, diagnostics }
    }

    async fn apply(&self, type_name: &str, req: ApplyRequest) -> ApplyResponse {
        let (e, ctx) = match (self.resource(type_name), self.ctx()) {
            (Ok(e), Ok(c)) => (e, c),
            (Err(d), _) | (_, Err(d)) => {
                return ApplyResponse {
                    new_state: req.prior,
                    private: req.private,
                    diagnostics: d,
                };
            }
        };
        if req.planned.is_null() {
            let diagnostics = e.imp.delete(&ctx, &req.prior, &req.private).await;
            // On a failed delete, return the prior object so Terraform keeps it in state, with
            // its private data (review finding: the retry's delete ran without the token).
            return if diagnostics.has_errors() {
                ApplyResponse { new_state: req.prior, private: req.private, diagnostics }
            } else {
                ApplyResponse { new_state: Value::Null, private: Vec::new(), diagnostics }
            };
        }
        let creating = req.prior.is_null();
        let Outcome { state, mut diagnostics, private } = if creating {
            e.imp.create(&ctx, &req.planned).await
        } else {
            e.imp.update(&ctx, &req.prior, &req.planned).await
        };
        if let Err(why) = state.conforms(&e.ty) {
            diagnostics.push(nonconforming(type_name, &why));
            // Never hand Terraform an object it cannot save: keep what it already had.
            return ApplyResponse { new_state: req.prior, private: req.private, diagnostics };
        }
        if !diagnostics.has_errors() && !state.is_known() {
            diagnostics.push(Diagnostic::error(
                format!("{type_name} left a value unknown after apply"),
                "This is a bug in the provider: every planned unknown must be known after apply. Please report it.",
            ));
        }
        // A refresh's message to the plan after it (`private_after_read`) has been read once
        // applied; what the object keeps for its life stays.
        let private = private.unwrap_or_else(|| e.imp.kept_private(&req.private));
        ApplyResponse { new_state: state, private, diagnostics }
    }

    async fn import(&self, type_name: &str, id: &str) -> ImportResponse {
        let (e, ctx) = match (self.resource(type_name), self.ctx()) {
            (Ok(e), Ok(c)) => (e, c),
            (Err(d), _) | (_, Err(d)) => {
                return ImportResponse { state: None, diagnostics: d, private: Vec::new() }
            }
        };
        // No name or ARN has spaces or line breaks around it: such an id is refused, not trimmed
        // into another (hostile-input finding), for every resource type.
        if id.trim() != id && !id.trim().is_empty() {
            let mut diagnostics = Diagnostics::new();
            diagnostics.error(
                format!("Cannot import {}: the ID has spaces around it", validators::shown(id)),
                format!(
                    "Write the ID alone, without spaces or line breaks around it: {}.",
                    validators::shown(id.trim())
                ),
            );
            return ImportResponse { state: None, diagnostics, private: Vec::new() };
        }
        e.imp.import(&ctx, id).await
    }

    async fn read_data_source(&self, type_name: &str, config: Value) -> DataReadResponse {
        let Some(e) = self.data_sources.get(type_name) else {
            return DataReadResponse {
                state: config,
                diagnostics: unknown_type("data source", type_name),
            };
        };
        let ctx = match self.ctx() {
            Ok(c) => c,
            Err(d) => return DataReadResponse { state: config, diagnostics: d },
        };
        let (state, mut diagnostics) = e.imp.read(&ctx, &config).await;
        if let Err(why) = state.conforms(&e.ty) {
            diagnostics.push(nonconforming(type_name, &why));
            return DataReadResponse { state: config, diagnostics };
        }
        DataReadResponse { state, diagnostics }
    }
}

fn nonconforming(type_name: &str, why: &str) -> Diagnostic {
    Diagnostic::error(
        format!("Provider produced an invalid {type_name} object"),
        format!("The value does not match the schema ({why}). This is a bug in the provider; please report it."),
    )
}

#[cfg(test)]
mod tests {
    use super::before_1_2;

    /// Terraform 1.2 accepts any planned value for a computed-only attribute; before it, only
    /// the configuration's or the prior one (the check of `computed_stuck_by_config`).
    #[test]
    fn terraform_versions_before_1_2_are_strict_about_computed_values() {
        for (v, strict) in [
            ("1.0.3", true),
            ("1.1.9", true),
            ("1.2.0", false),
            ("1.11.4", false),
            ("2.0.0", false),
            ("0.15.5", true),
            ("", true),
        ] {
            assert_eq!(before_1_2(v), strict, "{v}");
        }
    }
}
