//! The gRPC services Terraform talks to, converting protocol messages to and from the
//! framework's typed values at this edge (`fromproto`/`toproto` style).
//!
//! Invariants:
//! - user-facing problems travel as diagnostics in the response; a gRPC `Status` is returned
//!   only for broken transport-level requests, which Terraform reports as a plugin bug;
//! - a panicking handler becomes an error diagnostic (the process survives);
//! - `StopProvider` cancels in-flight work: handlers race a stop signal and return a diagnostic;
//!   applies are not aborted but see the signal (`crate::stop`) and end at their next safe point;
//! - every value we send back is msgpack, type-checked against the schema by the framework.
//!
//! Depends on `proto`, `framework`, `tfvalue`. Must not know about AWS or SageMaker.

use std::future::Future;
use std::sync::{Arc, OnceLock};

use tokio::sync::watch;
use tonic::{Request, Response, Status};

use crate::framework::{
    self, ApplyRequest, AttrPath, Diagnostic, Diagnostics, Nesting, PathStep, PlanRequest, Schema,
    Severity,
};
use crate::proto::tfplugin6 as pb;
use crate::tfvalue::{json as tfjson, msgpack, Type, Value};

pub struct ProviderService {
    provider: Arc<dyn framework::Provider>,
    stop_tx: watch::Sender<bool>,
    schema_cache: OnceLock<pb::get_provider_schema::Response>,
}

impl ProviderService {
    pub fn new(provider: Arc<dyn framework::Provider>) -> Self {
        let (stop_tx, _) = watch::channel(false);
        ProviderService { provider, stop_tx, schema_cache: OnceLock::new() }
    }

    /// Runs a handler on its own task so a panic is contained, racing the stop signal.
    async fn run<T, F>(&self, rpc: &'static str, fut: F) -> Result<T, Diagnostics>
    where
        F: Future<Output = T> + Send + 'static,
        T: Send + 'static,
    {
        self.run_with(rpc, true, fut).await
    }

    /// `cancellable = false` for applies: once a create or update may have reached SageMaker,
    /// aborting half way would lose the object Terraform must record. An apply is not aborted;
    /// it observes the stop through `crate::stop` instead, ends its retries and backoff waits at
    /// the next safe point, and returns the state it reached with an error diagnostic
    /// (Terraform waits for it after StopProvider).
    async fn run_with<T, F>(
        &self,
        rpc: &'static str,
        cancellable: bool,
        fut: F,
    ) -> Result<T, Diagnostics>
    where
        F: Future<Output = T> + Send + 'static,
        T: Send + 'static,
    {
        let mut stop = self.stop_tx.subscribe();
        if *stop.borrow() {
            return Err(stopped(rpc));
        }
        crate::logging::debug("rpc", &[("rpc", rpc)]);
        // The handler sees the stop signal too (`crate::stop`), so an apply that is not aborted
        // still ends its retries at the next safe point and returns what it reached.
        let handle = tokio::spawn(crate::stop::scope(stop.clone(), fut));
        let abort = handle.abort_handle();
        tokio::select! {
            res = handle => res.map_err(|e| {
                let what = if e.is_panic() { "panicked" } else { "was cancelled" };
                Diagnostic::error(
                    format!("The provider's {rpc} handler {what}"),
                    "This is a bug in terraform-provider-sagemaker, not in your configuration. The details are in the provider's log (TF_LOG=DEBUG); please report it.",
                ).into()
            }),
            _ = stop.wait_for(|s| *s), if cancellable => {
                abort.abort();
                Err(stopped(rpc))
            }
        }
    }
}

fn stopped(rpc: &str) -> Diagnostics {
    Diagnostic::error(
        "Operation interrupted",
        format!("Terraform asked the provider to stop while {rpc} was running. Re-run the command to finish; a partially applied change is reconciled by the next plan."),
    )
    .into()
}

// ---- fromproto ----------------------------------------------------------------------------

fn decode(dv: Option<pb::DynamicValue>, ty: &Type, what: &str) -> Result<Value, Diagnostics> {
    let Some(dv) = dv else { return Ok(Value::Null) };
    let result = if !dv.msgpack.is_empty() {
        msgpack::decode(&dv.msgpack, ty)
    } else if !dv.json.is_empty() {
        tfjson::decode_json(&dv.json, ty)
    } else {
        return Ok(Value::Null);
    };
    result.map_err(|e| {
        Diagnostic::error(
            format!("Terraform sent a {what} this provider cannot read"),
            format!("{e}. This usually means Terraform and the provider disagree on the schema; run `terraform init -upgrade` and retry."),
        )
        .into()
    })
}

// ---- toproto ------------------------------------------------------------------------------

fn encode(v: &Value, ty: &Type, diags: &mut Diagnostics) -> Option<pb::DynamicValue> {
    match msgpack::encode(v, ty) {
        Ok(bytes) => Some(pb::DynamicValue { msgpack: bytes, json: Vec::new() }),
        Err(e) => {
            diags.push(Diagnostic::error(
                "The provider produced a value it could not encode",
                format!("{e}. This is a bug in the provider; please report it."),
            ));
            None
        }
    }
}

fn path_to_proto(p: &AttrPath) -> pb::AttributePath {
    use pb::attribute_path::step::Selector;
    pb::AttributePath {
        steps: p
            .0
            .iter()
            .map(|s| pb::attribute_path::Step {
                selector: Some(match s {
                    PathStep::Attr(a) => Selector::AttributeName(a.clone()),
                    PathStep::Key(k) => Selector::ElementKeyString(k.clone()),
                    PathStep::Index(i) => Selector::ElementKeyInt(*i),
                }),
            })
            .collect(),
    }
}

fn diags_to_proto(d: &Diagnostics) -> Vec<pb::Diagnostic> {
    d.iter()
        .map(|d| pb::Diagnostic {
            severity: match d.severity {
                Severity::Error => pb::diagnostic::Severity::Error as i32,
                Severity::Warning => pb::diagnostic::Severity::Warning as i32,
            },
            summary: d.summary.clone(),
            detail: d.detail.clone(),
            attribute: d.path.as_ref().map(path_to_proto),
        })
        .collect()
}

fn block_to_proto(b: &framework::Block) -> pb::schema::Block {
    pb::schema::Block {
        version: 0,
        attributes: b
            .attributes
            .iter()
            .map(|a| pb::schema::Attribute {
                name: a.name.to_string(),
                r#type: a.ty.to_json().into_bytes(),
                description: a.description.clone(),
                required: a.required,
                optional: a.optional,
                computed: a.computed,
                sensitive: a.sensitive,
                description_kind: pb::StringKind::Markdown as i32,
                ..Default::default()
            })
            .collect(),
        block_types: b
            .blocks
            .iter()
            .map(|n| pb::schema::NestedBlock {
                type_name: n.name.to_string(),
                block: Some(block_to_proto(&n.block)),
                nesting: match n.nesting {
                    Nesting::Single => pb::schema::nested_block::NestingMode::Single,
                    Nesting::List => pb::schema::nested_block::NestingMode::List,
                    Nesting::Set => pb::schema::nested_block::NestingMode::Set,
                    Nesting::Map => pb::schema::nested_block::NestingMode::Map,
                    Nesting::Group => pb::schema::nested_block::NestingMode::Group,
                } as i32,
                min_items: n.min_items,
                max_items: n.max_items,
            })
            .collect(),
        description: b.description.clone(),
        description_kind: pb::StringKind::Markdown as i32,
        deprecated: b.deprecated,
        ..Default::default()
    }
}

fn schema_to_proto(s: &Schema) -> pb::Schema {
    pb::Schema { version: s.version, block: Some(block_to_proto(&s.block)) }
}

fn type_of<'a>(
    p: &'a dyn framework::Provider,
    type_name: &str,
    resource: bool,
) -> Result<&'a Type, Diagnostics> {
    p.value_type(type_name, resource).ok_or_else(|| {
        Diagnostic::error(
            format!("Unknown {} type {type_name:?}", if resource { "resource" } else { "data source" }),
            "This provider does not implement that type. Check the spelling and the provider version.",
        )
        .into()
    })
}

#[tonic::async_trait]
impl pb::provider_server::Provider for ProviderService {
    async fn get_metadata(
        &self,
        _req: Request<pb::get_metadata::Request>,
    ) -> Result<Response<pb::get_metadata::Response>, Status> {
        Ok(Response::new(pb::get_metadata::Response {
            server_capabilities: Some(server_capabilities()),
            resources: self
                .provider
                .resource_schemas()
                .keys()
                .map(|k| pb::get_metadata::ResourceMetadata { type_name: k.to_string() })
                .collect(),
            data_sources: self
                .provider
                .data_source_schemas()
                .keys()
                .map(|k| pb::get_metadata::DataSourceMetadata { type_name: k.to_string() })
                .collect(),
            ..Default::default()
        }))
    }

    async fn get_provider_schema(
        &self,
        _req: Request<pb::get_provider_schema::Request>,
    ) -> Result<Response<pb::get_provider_schema::Response>, Status> {
        let resp = self.schema_cache.get_or_init(|| pb::get_provider_schema::Response {
            provider: Some(schema_to_proto(self.provider.provider_schema())),
            resource_schemas: self
                .provider
                .resource_schemas()
                .into_iter()
                .map(|(k, s)| (k.to_string(), schema_to_proto(s)))
                .collect(),
            data_source_schemas: self
                .provider
                .data_source_schemas()
                .into_iter()
                .map(|(k, s)| (k.to_string(), schema_to_proto(s)))
                .collect(),
            server_capabilities: Some(server_capabilities()),
            ..Default::default()
        });
        Ok(Response::new(resp.clone()))
    }

    async fn validate_provider_config(
        &self,
        req: Request<pb::validate_provider_config::Request>,
    ) -> Result<Response<pb::validate_provider_config::Response>, Status> {
        let req = req.into_inner();
        let p = self.provider.clone();
        let diags = match decode(req.config, p.provider_type(), "provider configuration") {
            Ok(cfg) => {
                self.run("ValidateProviderConfig", async move { p.validate_provider(&cfg) }).await
            }
            Err(d) => Err(d),
        };
        let diags = diags.unwrap_or_else(|d| d);
        Ok(Response::new(pb::validate_provider_config::Response {
            diagnostics: diags_to_proto(&diags),
        }))
    }

    async fn validate_resource_config(
        &self,
        req: Request<pb::validate_resource_config::Request>,
    ) -> Result<Response<pb::validate_resource_config::Response>, Status> {
        let req = req.into_inner();
        let p = self.provider.clone();
        let diags = async {
            let ty = type_of(p.as_ref(), &req.type_name, true)?;
            let cfg = decode(req.config, ty, "resource configuration")?;
            let p2 = p.clone();
            self.run(
                "ValidateResourceConfig",
                async move { p2.validate_resource(&req.type_name, &cfg) },
            )
            .await
        }
        .await
        .unwrap_or_else(|d| d);
        Ok(Response::new(pb::validate_resource_config::Response {
            diagnostics: diags_to_proto(&diags),
        }))
    }

    async fn validate_data_resource_config(
        &self,
        req: Request<pb::validate_data_resource_config::Request>,
    ) -> Result<Response<pb::validate_data_resource_config::Response>, Status> {
        let req = req.into_inner();
        let p = self.provider.clone();
        let diags = async {
            let ty = type_of(p.as_ref(), &req.type_name, false)?;
            let cfg = decode(req.config, ty, "data source configuration")?;
            let p2 = p.clone();
            self.run("ValidateDataResourceConfig", async move {
                p2.validate_data_source(&req.type_name, &cfg)
            })
            .await
        }
        .await
        .unwrap_or_else(|d| d);
        Ok(Response::new(pb::validate_data_resource_config::Response {
            diagnostics: diags_to_proto(&diags),
        }))
    }

    async fn upgrade_resource_state(
        &self,
        req: Request<pb::upgrade_resource_state::Request>,
    ) -> Result<Response<pb::upgrade_resource_state::Response>, Status> {
        let req = req.into_inner();
        let mut diags = Diagnostics::new();
        let json = req.raw_state.map(|r| r.json).unwrap_or_default();
        let upgraded_state = match type_of(self.provider.as_ref(), &req.type_name, true) {
            Err(d) => {
                diags.extend(d);
                None
            }
            Ok(ty) if json.is_empty() => {
                diags.error(
                    "Stored state is in a format this provider cannot read",
                    "The state has no JSON attributes (it predates Terraform 0.12). Remove the resource from state and import it again.",
                );
                let _ = ty;
                None
            }
            Ok(ty) => {
                let (v, d) = self.provider.upgrade(&req.type_name, req.version, &json);
                diags.extend(d);
                if diags.has_errors() {
                    None
                } else {
                    encode(&v, ty, &mut diags)
                }
            }
        };
        Ok(Response::new(pb::upgrade_resource_state::Response {
            upgraded_state,
            diagnostics: diags_to_proto(&diags),
        }))
    }

    async fn configure_provider(
        &self,
        req: Request<pb::configure_provider::Request>,
    ) -> Result<Response<pb::configure_provider::Response>, Status> {
        let req = req.into_inner();
        let p = self.provider.clone();
        let diags = async {
            let cfg = decode(req.config, p.provider_type(), "provider configuration")?;
            let version = req.terraform_version;
            let p2 = p.clone();
            self.run("ConfigureProvider", async move { p2.configure(&version, &cfg).await }).await
        }
        .await
        .unwrap_or_else(|d| d);
        Ok(Response::new(pb::configure_provider::Response { diagnostics: diags_to_proto(&diags) }))
    }

    async fn read_resource(
        &self,
        req: Request<pb::read_resource::Request>,
    ) -> Result<Response<pb::read_resource::Response>, Status> {
        let req = req.into_inner();
        let p = self.provider.clone();
        let mut diags = Diagnostics::new();
        let ty = match type_of(p.as_ref(), &req.type_name, true) {
            Ok(t) => t.clone(),
            Err(d) => {
                return Ok(Response::new(pb::read_resource::Response {
                    new_state: req.current_state,
                    private: req.private,
                    diagnostics: diags_to_proto(&d),
                    ..Default::default()
                }))
            }
        };
        let state = match decode(req.current_state.clone(), &ty, "resource state") {
            Ok(v) => v,
            Err(d) => {
                return Ok(Response::new(pb::read_resource::Response {
                    new_state: req.current_state,
                    private: req.private,
                    diagnostics: diags_to_proto(&d),
                    ..Default::default()
                }))
            }
        };
        let type_name = req.type_name.clone();
        let private = req.private.clone();
        let result =
            self.run("ReadResource", async move { p.read(&type_name, state, private).await }).await;
        let (new_state, private) = match result {
            Ok(r) => {
                diags.extend(r.diagnostics);
                (encode(&r.state, &ty, &mut diags).or(req.current_state), r.private)
            }
            // On any failure Terraform keeps what it had.
            Err(d) => {
                diags.extend(d);
                (req.current_state, req.private)
            }
        };
        Ok(Response::new(pb::read_resource::Response {
            new_state,
            private,
            diagnostics: diags_to_proto(&diags),
            ..Default::default()
        }))
    }

    async fn plan_resource_change(
        &self,
        req: Request<pb::plan_resource_change::Request>,
    ) -> Result<Response<pb::plan_resource_change::Response>, Status> {
        let req = req.into_inner();
        let p = self.provider.clone();
        let fallback = req.proposed_new_state.clone();
        let mut diags = Diagnostics::new();
        let outcome = async {
            let ty = type_of(p.as_ref(), &req.type_name, true)?.clone();
            let plan = PlanRequest {
                prior: decode(req.prior_state, &ty, "prior state")?,
                proposed: decode(req.proposed_new_state, &ty, "proposed state")?,
                config: decode(req.config, &ty, "resource configuration")?,
                prior_private: req.prior_private,
            };
            let type_name = req.type_name.clone();
            let r = self
                .run("PlanResourceChange", async move { p.plan(&type_name, plan).await })
                .await?;
            Ok::<_, Diagnostics>((r, ty))
        }
        .await;
        let resp = match outcome {
            Ok((r, ty)) => {
                diags.extend(r.diagnostics);
                pb::plan_resource_change::Response {
                    planned_state: encode(&r.planned, &ty, &mut diags).or(fallback),
                    requires_replace: r.requires_replace.iter().map(path_to_proto).collect(),
                    planned_private: r.private,
                    ..Default::default()
                }
            }
            Err(d) => {
                diags.extend(d);
                pb::plan_resource_change::Response { planned_state: fallback, ..Default::default() }
            }
        };
        Ok(Response::new(pb::plan_resource_change::Response {
            diagnostics: diags_to_proto(&diags),
            ..resp
        }))
    }

    async fn apply_resource_change(
        &self,
        req: Request<pb::apply_resource_change::Request>,
    ) -> Result<Response<pb::apply_resource_change::Response>, Status> {
        let req = req.into_inner();
        let p = self.provider.clone();
        // If anything goes wrong before the resource runs, Terraform keeps the prior object.
        let fallback = req.prior_state.clone();
        let mut diags = Diagnostics::new();
        let outcome = async {
            let ty = type_of(p.as_ref(), &req.type_name, true)?.clone();
            let apply = ApplyRequest {
                prior: decode(req.prior_state, &ty, "prior state")?,
                planned: decode(req.planned_state, &ty, "planned state")?,
                config: decode(req.config, &ty, "resource configuration")?,
                private: req.planned_private,
            };
            let type_name = req.type_name.clone();
            let r =
                self.run_with("ApplyResourceChange", false, async move {
                    p.apply(&type_name, apply).await
                })
                .await?;
            Ok::<_, Diagnostics>((r, ty))
        }
        .await;
        let resp = match outcome {
            Ok((r, ty)) => {
                diags.extend(r.diagnostics);
                pb::apply_resource_change::Response {
                    new_state: encode(&r.new_state, &ty, &mut diags).or(fallback),
                    private: r.private,
                    ..Default::default()
                }
            }
            Err(d) => {
                diags.extend(d);
                pb::apply_resource_change::Response { new_state: fallback, ..Default::default() }
            }
        };
        Ok(Response::new(pb::apply_resource_change::Response {
            diagnostics: diags_to_proto(&diags),
            ..resp
        }))
    }

    async fn import_resource_state(
        &self,
        req: Request<pb::import_resource_state::Request>,
    ) -> Result<Response<pb::import_resource_state::Response>, Status> {
        let req = req.into_inner();
        let p = self.provider.clone();
        let mut diags = Diagnostics::new();
        let mut imported = Vec::new();
        let outcome = async {
            let ty = type_of(p.as_ref(), &req.type_name, true)?.clone();
            let (type_name, id) = (req.type_name.clone(), req.id.clone());
            let r = self
                .run("ImportResourceState", async move { p.import(&type_name, &id).await })
                .await?;
            Ok::<_, Diagnostics>((r, ty))
        }
        .await;
        match outcome {
            Ok((r, ty)) => {
                diags.extend(r.diagnostics);
                if let Some(state) = r.state.filter(|_| !diags.has_errors()) {
                    if let Some(dv) = encode(&state, &ty, &mut diags) {
                        imported.push(pb::import_resource_state::ImportedResource {
                            type_name: req.type_name.clone(),
                            state: Some(dv),
                            ..Default::default()
                        });
                    }
                }
            }
            Err(d) => diags.extend(d),
        }
        Ok(Response::new(pb::import_resource_state::Response {
            imported_resources: imported,
            diagnostics: diags_to_proto(&diags),
            ..Default::default()
        }))
    }

    async fn read_data_source(
        &self,
        req: Request<pb::read_data_source::Request>,
    ) -> Result<Response<pb::read_data_source::Response>, Status> {
        let req = req.into_inner();
        let p = self.provider.clone();
        let mut diags = Diagnostics::new();
        let outcome = async {
            let ty = type_of(p.as_ref(), &req.type_name, false)?.clone();
            let cfg = decode(req.config, &ty, "data source configuration")?;
            let type_name = req.type_name.clone();
            let r = self
                .run("ReadDataSource", async move { p.read_data_source(&type_name, cfg).await })
                .await?;
            Ok::<_, Diagnostics>((r, ty))
        }
        .await;
        let state = match outcome {
            Ok((r, ty)) => {
                diags.extend(r.diagnostics);
                encode(&r.state, &ty, &mut diags)
            }
            Err(d) => {
                diags.extend(d);
                None
            }
        };
        Ok(Response::new(pb::read_data_source::Response {
            state,
            diagnostics: diags_to_proto(&diags),
            ..Default::default()
        }))
    }

    async fn stop_provider(
        &self,
        _req: Request<pb::stop_provider::Request>,
    ) -> Result<Response<pb::stop_provider::Response>, Status> {
        crate::logging::info("StopProvider: cancelling in-flight operations", &[]);
        self.stop_tx.send_replace(true);
        Ok(Response::new(pb::stop_provider::Response { error: String::new() }))
    }
}

fn server_capabilities() -> pb::ServerCapabilities {
    // plan_destroy stays false: our destroy plan is always "null", which Terraform computes itself.
    pb::ServerCapabilities { get_provider_schema_optional: false, ..Default::default() }
}
