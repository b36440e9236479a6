//! The gRPC services Terraform talks to, converting protocol messages to and from the
//! framework's typed values at this edge (`fromproto`/`toproto` style).
//!
//! Every RPC that carries values is an [`Rpc`] impl on its request type, run by
//! `ProviderService::serve`: decode the values with the schema type, run the framework call in
//! the panic guard (racing StopProvider), encode the response with its diagnostics.
//!
//! Invariants:
//! - user-facing problems travel as diagnostics in the response; a gRPC `Status` is returned
//!   only for broken transport-level requests, which Terraform reports as a plugin bug;
//! - a panicking handler becomes an error diagnostic (the process survives);
//! - `StopProvider` cancels in-flight work: handlers race a stop signal and return a diagnostic;
//!   applies are not aborted but see the signal (`crate::stop`) and end at their next safe point;
//! - every value we send back is msgpack, type-checked against the schema by the framework;
//! - diagnostics are bounded here, whatever produced them: a word (a run without whitespace)
//!   over [`LONGEST_WORD`] characters is shortened, a summary or detail over its cap is cut,
//!   and beyond [`MOST_DIAGNOSTICS`] per response the rest are counted, not sent (fresh-eyes
//!   finding: a 2 MB value was echoed in full, 10,000 unknown names gave 10,000 errors).
//!
//! Depends on `proto`, `framework`, `tfvalue`. Must not know about AWS or SageMaker.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

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
}

impl ProviderService {
    pub fn new(provider: Arc<dyn framework::Provider>) -> Self {
        let (stop_tx, _) = watch::channel(false);
        ProviderService { provider, stop_tx }
    }

    /// The one path of every RPC that carries values: decode the request's values with the
    /// schema type, run the framework call inside [`guard`](Self::guard), encode the response
    /// with its diagnostics. Decoding problems and a panicking or stopped call become
    /// diagnostics; the response then carries what Terraform already had (`Rpc::Keep`).
    async fn serve<R: Rpc>(&self, req: Request<R>) -> Result<Response<R::Response>, Status> {
        let (keep, call) = req.into_inner().decode(&self.provider);
        let out = match call {
            Ok(call) => self.guard(R::NAME, R::CANCELLABLE, call).await,
            Err(d) => Err(d),
        };
        let mut diags = Diagnostics::new();
        let mut resp = R::encode(keep, out, &mut diags);
        R::set_diagnostics(&mut resp, diags_to_proto(&diags));
        Ok(Response::new(resp))
    }

    /// Runs a framework call on its own task so a panic is contained, racing the stop signal.
    ///
    /// `cancellable = false` for applies: once a create or update may have reached SageMaker,
    /// aborting half way would lose the object Terraform must record. An apply is not aborted;
    /// it observes the stop through `crate::stop` instead, ends its retries and backoff waits at
    /// the next safe point, and returns the state it reached with an error diagnostic
    /// (Terraform waits for it after StopProvider).
    async fn guard<T: Send + 'static>(
        &self,
        rpc: &'static str,
        cancellable: bool,
        fut: Call<T>,
    ) -> Result<T, Diagnostics> {
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

/// Longest run of non-whitespace characters a diagnostic carries whole.
const LONGEST_WORD: usize = 1000;
/// Longest summary and detail, in characters.
const LONGEST_SUMMARY: usize = 1000;
const LONGEST_DETAIL: usize = 20_000;
/// Most diagnostics in one response.
const MOST_DIAGNOSTICS: usize = 50;

/// `text` with every word over [`LONGEST_WORD`] characters shortened to its start and end, and
/// then cut after `most` characters; each cut says how much it left out.
fn bounded(text: &str, most: usize) -> String {
    let mut out = String::with_capacity(text.len().min(most + 200));
    let mut rest = text;
    while !rest.is_empty() {
        let word_end = rest.find(char::is_whitespace).unwrap_or(rest.len());
        let (word, after) = rest.split_at(word_end);
        let n = word.chars().count();
        if n > LONGEST_WORD {
            let head: String = word.chars().take(200).collect();
            let tail: String = word.chars().skip(n - 40).collect();
            out.push_str(&format!("{head}…[{} characters left out]…{tail}", n - 240));
        } else {
            out.push_str(word);
        }
        let space_end = after.find(|c: char| !c.is_whitespace()).unwrap_or(after.len());
        out.push_str(&after[..space_end]);
        rest = &after[space_end..];
    }
    let n = out.chars().count();
    if n > most {
        let mut cut: String = out.chars().take(most).collect();
        cut.push_str(&format!("…[{} more characters left out]", n - most));
        return cut;
    }
    out
}

/// "1 error", "2 errors".
fn counted(n: usize, what: &str) -> String {
    format!("{n} {what}{}", if n == 1 { "" } else { "s" })
}

fn diags_to_proto(d: &Diagnostics) -> Vec<pb::Diagnostic> {
    let severity = |s: Severity| match s {
        Severity::Error => pb::diagnostic::Severity::Error as i32,
        Severity::Warning => pb::diagnostic::Severity::Warning as i32,
    };
    let mut out: Vec<pb::Diagnostic> = d
        .iter()
        .take(MOST_DIAGNOSTICS)
        .map(|d| pb::Diagnostic {
            severity: severity(d.severity),
            summary: bounded(&d.summary, LONGEST_SUMMARY),
            detail: bounded(&d.detail, LONGEST_DETAIL),
            attribute: d.path.as_ref().map(path_to_proto),
        })
        .collect();
    let left: Vec<_> = d.iter().skip(MOST_DIAGNOSTICS).collect();
    if !left.is_empty() {
        let errors = left.iter().filter(|d| d.severity == Severity::Error).count();
        out.push(pb::Diagnostic {
            severity: severity(if errors > 0 { Severity::Error } else { Severity::Warning }),
            summary: format!("{} more problems not shown", left.len()),
            detail: format!(
                "Only the first {MOST_DIAGNOSTICS} diagnostics of this resource are shown; {} more ({}, {}) were left out. Fix those above, and the next run shows the rest.",
                left.len(),
                counted(errors, "error"),
                counted(left.len() - errors, "warning"),
            ),
            attribute: None,
        });
    }
    out
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

// ---- one path per RPC ---------------------------------------------------------------------

/// A framework call, decoded and ready to run on its own task.
type Call<T> = Pin<Box<dyn Future<Output = T> + Send + 'static>>;

type Shared = Arc<dyn framework::Provider>;

/// A tfplugin6 request that carries values, taken apart into the three steps
/// [`ProviderService::serve`] runs for every such RPC: `decode`, the framework call, `encode`.
trait Rpc: Send + 'static {
    /// The RPC's name in logs and diagnostics, e.g. `ReadResource`.
    const NAME: &'static str;
    /// `false` for applies: see [`ProviderService::guard`].
    const CANCELLABLE: bool = true;
    /// What the response carries when the call fails before producing an answer (decoding
    /// failed, the handler panicked or was stopped): what Terraform already had.
    type Keep: Send;
    /// The framework call's answer (with the value type to encode it with, where it has values).
    type Out: Send + 'static;
    type Response;
    /// Decodes the request's values with the schema type and prepares the framework call.
    fn decode(self, p: &Shared) -> (Self::Keep, Result<Call<Self::Out>, Diagnostics>);
    /// The response from the call's answer, or from `keep` when there is none. Values are
    /// encoded with the schema type; every diagnostic goes to `diags`.
    fn encode(
        keep: Self::Keep,
        out: Result<Self::Out, Diagnostics>,
        diags: &mut Diagnostics,
    ) -> Self::Response;
    fn set_diagnostics(resp: &mut Self::Response, diags: Vec<pb::Diagnostic>);
}

/// Validation and configuration answer with diagnostics only.
fn only_diagnostics(out: Result<Diagnostics, Diagnostics>, diags: &mut Diagnostics) {
    diags.extend(out.unwrap_or_else(|d| d));
}

impl Rpc for pb::validate_provider_config::Request {
    const NAME: &'static str = "ValidateProviderConfig";
    type Keep = ();
    type Out = Diagnostics;
    type Response = pb::validate_provider_config::Response;
    fn decode(self, p: &Shared) -> ((), Result<Call<Diagnostics>, Diagnostics>) {
        let p = p.clone();
        let call = decode(self.config, p.provider_type(), "provider configuration")
            .map(|cfg| -> Call<_> { Box::pin(async move { p.validate_provider(&cfg) }) });
        ((), call)
    }
    fn encode(
        _: (),
        out: Result<Diagnostics, Diagnostics>,
        diags: &mut Diagnostics,
    ) -> Self::Response {
        only_diagnostics(out, diags);
        Self::Response::default()
    }
    fn set_diagnostics(resp: &mut Self::Response, diags: Vec<pb::Diagnostic>) {
        resp.diagnostics = diags;
    }
}

impl Rpc for pb::validate_resource_config::Request {
    const NAME: &'static str = "ValidateResourceConfig";
    type Keep = ();
    type Out = Diagnostics;
    type Response = pb::validate_resource_config::Response;
    fn decode(self, p: &Shared) -> ((), Result<Call<Diagnostics>, Diagnostics>) {
        let p = p.clone();
        let call = type_of(p.as_ref(), &self.type_name, true)
            .and_then(|ty| decode(self.config, ty, "resource configuration"))
            .map(|cfg| -> Call<_> {
                Box::pin(async move { p.validate_resource(&self.type_name, &cfg) })
            });
        ((), call)
    }
    fn encode(
        _: (),
        out: Result<Diagnostics, Diagnostics>,
        diags: &mut Diagnostics,
    ) -> Self::Response {
        only_diagnostics(out, diags);
        Self::Response::default()
    }
    fn set_diagnostics(resp: &mut Self::Response, diags: Vec<pb::Diagnostic>) {
        resp.diagnostics = diags;
    }
}

impl Rpc for pb::validate_data_resource_config::Request {
    const NAME: &'static str = "ValidateDataResourceConfig";
    type Keep = ();
    type Out = Diagnostics;
    type Response = pb::validate_data_resource_config::Response;
    fn decode(self, p: &Shared) -> ((), Result<Call<Diagnostics>, Diagnostics>) {
        let p = p.clone();
        let call = type_of(p.as_ref(), &self.type_name, false)
            .and_then(|ty| decode(self.config, ty, "data source configuration"))
            .map(|cfg| -> Call<_> {
                Box::pin(async move { p.validate_data_source(&self.type_name, &cfg) })
            });
        ((), call)
    }
    fn encode(
        _: (),
        out: Result<Diagnostics, Diagnostics>,
        diags: &mut Diagnostics,
    ) -> Self::Response {
        only_diagnostics(out, diags);
        Self::Response::default()
    }
    fn set_diagnostics(resp: &mut Self::Response, diags: Vec<pb::Diagnostic>) {
        resp.diagnostics = diags;
    }
}

impl Rpc for pb::upgrade_resource_state::Request {
    const NAME: &'static str = "UpgradeResourceState";
    type Keep = ();
    type Out = ((Value, Diagnostics), Type);
    type Response = pb::upgrade_resource_state::Response;
    fn decode(self, p: &Shared) -> ((), Result<Call<Self::Out>, Diagnostics>) {
        let json = self.raw_state.map(|r| r.json).unwrap_or_default();
        let call = type_of(p.as_ref(), &self.type_name, true).and_then(|ty| {
            if json.is_empty() {
                return Err(Diagnostic::error(
                    "Stored state is in a format this provider cannot read",
                    "The state has no JSON attributes (it predates Terraform 0.12). Remove the resource from state and import it again.",
                )
                .into());
            }
            let ty = ty.clone();
            let (type_name, version) = (self.type_name, self.version);
            let p = p.clone();
            Ok(Box::pin(async move { (p.upgrade(&type_name, version, &json), ty) }) as Call<_>)
        });
        ((), call)
    }
    fn encode(
        _: (),
        out: Result<Self::Out, Diagnostics>,
        diags: &mut Diagnostics,
    ) -> Self::Response {
        let upgraded_state = match out {
            Ok(((v, d), ty)) => {
                diags.extend(d);
                if diags.has_errors() {
                    None
                } else {
                    encode(&v, &ty, diags)
                }
            }
            Err(d) => {
                diags.extend(d);
                None
            }
        };
        Self::Response { upgraded_state, ..Default::default() }
    }
    fn set_diagnostics(resp: &mut Self::Response, diags: Vec<pb::Diagnostic>) {
        resp.diagnostics = diags;
    }
}

impl Rpc for pb::configure_provider::Request {
    const NAME: &'static str = "ConfigureProvider";
    type Keep = ();
    type Out = Diagnostics;
    type Response = pb::configure_provider::Response;
    fn decode(self, p: &Shared) -> ((), Result<Call<Diagnostics>, Diagnostics>) {
        let p = p.clone();
        let version = self.terraform_version;
        let call = decode(self.config, p.provider_type(), "provider configuration")
            .map(|cfg| -> Call<_> { Box::pin(async move { p.configure(&version, &cfg).await }) });
        ((), call)
    }
    fn encode(
        _: (),
        out: Result<Diagnostics, Diagnostics>,
        diags: &mut Diagnostics,
    ) -> Self::Response {
        only_diagnostics(out, diags);
        Self::Response::default()
    }
    fn set_diagnostics(resp: &mut Self::Response, diags: Vec<pb::Diagnostic>) {
        resp.diagnostics = diags;
    }
}

impl Rpc for pb::read_resource::Request {
    const NAME: &'static str = "ReadResource";
    /// On any failure Terraform keeps what it had: the current state and private data.
    type Keep = (Option<pb::DynamicValue>, Vec<u8>);
    type Out = (framework::ReadResponse, Type);
    type Response = pb::read_resource::Response;
    fn decode(self, p: &Shared) -> (Self::Keep, Result<Call<Self::Out>, Diagnostics>) {
        let keep = (self.current_state.clone(), self.private.clone());
        let call = type_of(p.as_ref(), &self.type_name, true).and_then(|ty| {
            let state = decode(self.current_state, ty, "resource state")?;
            let (ty, type_name, private) = (ty.clone(), self.type_name, self.private);
            let p = p.clone();
            Ok(Box::pin(async move { (p.read(&type_name, state, private).await, ty) }) as Call<_>)
        });
        (keep, call)
    }
    fn encode(
        (current, private): Self::Keep,
        out: Result<Self::Out, Diagnostics>,
        diags: &mut Diagnostics,
    ) -> Self::Response {
        let (new_state, private) = match out {
            Ok((r, ty)) => {
                diags.extend(r.diagnostics);
                (encode(&r.state, &ty, diags).or(current), r.private)
            }
            Err(d) => {
                diags.extend(d);
                (current, private)
            }
        };
        Self::Response { new_state, private, ..Default::default() }
    }
    fn set_diagnostics(resp: &mut Self::Response, diags: Vec<pb::Diagnostic>) {
        resp.diagnostics = diags;
    }
}

impl Rpc for pb::plan_resource_change::Request {
    const NAME: &'static str = "PlanResourceChange";
    /// Terraform's proposal, answered when there is no plan of our own.
    type Keep = Option<pb::DynamicValue>;
    type Out = (framework::PlanResponse, Type);
    type Response = pb::plan_resource_change::Response;
    fn decode(self, p: &Shared) -> (Self::Keep, Result<Call<Self::Out>, Diagnostics>) {
        let keep = self.proposed_new_state.clone();
        let call = type_of(p.as_ref(), &self.type_name, true).and_then(|ty| {
            let plan = PlanRequest {
                prior: decode(self.prior_state, ty, "prior state")?,
                proposed: decode(self.proposed_new_state, ty, "proposed state")?,
                config: decode(self.config, ty, "resource configuration")?,
                prior_private: self.prior_private,
            };
            let (ty, type_name) = (ty.clone(), self.type_name);
            let p = p.clone();
            Ok(Box::pin(async move { (p.plan(&type_name, plan).await, ty) }) as Call<_>)
        });
        (keep, call)
    }
    fn encode(
        proposed: Self::Keep,
        out: Result<Self::Out, Diagnostics>,
        diags: &mut Diagnostics,
    ) -> Self::Response {
        match out {
            Ok((r, ty)) => {
                diags.extend(r.diagnostics);
                Self::Response {
                    planned_state: encode(&r.planned, &ty, diags).or(proposed),
                    requires_replace: r.requires_replace.iter().map(path_to_proto).collect(),
                    planned_private: r.private,
                    ..Default::default()
                }
            }
            Err(d) => {
                diags.extend(d);
                Self::Response { planned_state: proposed, ..Default::default() }
            }
        }
    }
    fn set_diagnostics(resp: &mut Self::Response, diags: Vec<pb::Diagnostic>) {
        resp.diagnostics = diags;
    }
}

impl Rpc for pb::apply_resource_change::Request {
    const NAME: &'static str = "ApplyResourceChange";
    const CANCELLABLE: bool = false;
    /// If anything goes wrong before the resource runs, Terraform keeps the prior object, with
    /// its private data (which may hold what the object keeps for its life, e.g. a pipeline's
    /// owner token: review finding).
    type Keep = (Option<pb::DynamicValue>, Vec<u8>);
    type Out = (framework::ApplyResponse, Type);
    type Response = pb::apply_resource_change::Response;
    fn decode(self, p: &Shared) -> (Self::Keep, Result<Call<Self::Out>, Diagnostics>) {
        let keep = (self.prior_state.clone(), self.planned_private.clone());
        let call = type_of(p.as_ref(), &self.type_name, true).and_then(|ty| {
            let apply = ApplyRequest {
                prior: decode(self.prior_state, ty, "prior state")?,
                planned: decode(self.planned_state, ty, "planned state")?,
                config: decode(self.config, ty, "resource configuration")?,
                private: self.planned_private,
            };
            let (ty, type_name) = (ty.clone(), self.type_name);
            let p = p.clone();
            Ok(Box::pin(async move { (p.apply(&type_name, apply).await, ty) }) as Call<_>)
        });
        (keep, call)
    }
    fn encode(
        (prior, private): Self::Keep,
        out: Result<Self::Out, Diagnostics>,
        diags: &mut Diagnostics,
    ) -> Self::Response {
        match out {
            Ok((r, ty)) => {
                diags.extend(r.diagnostics);
                match encode(&r.new_state, &ty, diags) {
                    Some(state) => Self::Response {
                        new_state: Some(state),
                        private: r.private,
                        ..Default::default()
                    },
                    None => Self::Response { new_state: prior, private, ..Default::default() },
                }
            }
            Err(d) => {
                diags.extend(d);
                Self::Response { new_state: prior, private, ..Default::default() }
            }
        }
    }
    fn set_diagnostics(resp: &mut Self::Response, diags: Vec<pb::Diagnostic>) {
        resp.diagnostics = diags;
    }
}

impl Rpc for pb::import_resource_state::Request {
    const NAME: &'static str = "ImportResourceState";
    /// The type name the imported object is reported under.
    type Keep = String;
    type Out = (framework::ImportResponse, Type);
    type Response = pb::import_resource_state::Response;
    fn decode(self, p: &Shared) -> (Self::Keep, Result<Call<Self::Out>, Diagnostics>) {
        let keep = self.type_name.clone();
        let call = type_of(p.as_ref(), &self.type_name, true).map(|ty| -> Call<_> {
            let (ty, type_name, id) = (ty.clone(), self.type_name, self.id);
            let p = p.clone();
            Box::pin(async move { (p.import(&type_name, &id).await, ty) })
        });
        (keep, call)
    }
    fn encode(
        type_name: Self::Keep,
        out: Result<Self::Out, Diagnostics>,
        diags: &mut Diagnostics,
    ) -> Self::Response {
        let mut imported_resources = Vec::new();
        match out {
            Ok((r, ty)) => {
                diags.extend(r.diagnostics);
                if let Some(state) = r.state.filter(|_| !diags.has_errors()) {
                    if let Some(dv) = encode(&state, &ty, diags) {
                        imported_resources.push(pb::import_resource_state::ImportedResource {
                            type_name,
                            state: Some(dv),
                            private: r.private,
                            ..Default::default()
                        });
                    }
                }
            }
            Err(d) => diags.extend(d),
        }
        Self::Response { imported_resources, ..Default::default() }
    }
    fn set_diagnostics(resp: &mut Self::Response, diags: Vec<pb::Diagnostic>) {
        resp.diagnostics = diags;
    }
}

impl Rpc for pb::read_data_source::Request {
    const NAME: &'static str = "ReadDataSource";
    type Keep = ();
    type Out = (framework::DataReadResponse, Type);
    type Response = pb::read_data_source::Response;
    fn decode(self, p: &Shared) -> ((), Result<Call<Self::Out>, Diagnostics>) {
        let call = type_of(p.as_ref(), &self.type_name, false).and_then(|ty| {
            let cfg = decode(self.config, ty, "data source configuration")?;
            let (ty, type_name) = (ty.clone(), self.type_name);
            let p = p.clone();
            Ok(Box::pin(async move { (p.read_data_source(&type_name, cfg).await, ty) }) as Call<_>)
        });
        ((), call)
    }
    fn encode(
        _: (),
        out: Result<Self::Out, Diagnostics>,
        diags: &mut Diagnostics,
    ) -> Self::Response {
        let state = match out {
            Ok((r, ty)) => {
                diags.extend(r.diagnostics);
                encode(&r.state, &ty, diags)
            }
            Err(d) => {
                diags.extend(d);
                None
            }
        };
        Self::Response { state, ..Default::default() }
    }
    fn set_diagnostics(resp: &mut Self::Response, diags: Vec<pb::Diagnostic>) {
        resp.diagnostics = diags;
    }
}

// ---- the service --------------------------------------------------------------------------

/// `GetMetadata`, `GetProviderSchema` and `StopProvider` carry no values and run no provider
/// code (the schemas were built at start-up); every other RPC goes through
/// [`ProviderService::serve`].
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
        // Built for each call and moved into the answer, not cached: Terraform asks once per
        // provider process, and a cached copy would be cloned for the answer, holding the whole
        // schema twice (plus its encoding) at the process's peak memory.
        let resp = pb::get_provider_schema::Response {
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
        };
        Ok(Response::new(resp))
    }

    async fn validate_provider_config(
        &self,
        req: Request<pb::validate_provider_config::Request>,
    ) -> Result<Response<pb::validate_provider_config::Response>, Status> {
        self.serve(req).await
    }

    async fn validate_resource_config(
        &self,
        req: Request<pb::validate_resource_config::Request>,
    ) -> Result<Response<pb::validate_resource_config::Response>, Status> {
        self.serve(req).await
    }

    async fn validate_data_resource_config(
        &self,
        req: Request<pb::validate_data_resource_config::Request>,
    ) -> Result<Response<pb::validate_data_resource_config::Response>, Status> {
        self.serve(req).await
    }

    async fn upgrade_resource_state(
        &self,
        req: Request<pb::upgrade_resource_state::Request>,
    ) -> Result<Response<pb::upgrade_resource_state::Response>, Status> {
        self.serve(req).await
    }

    async fn configure_provider(
        &self,
        req: Request<pb::configure_provider::Request>,
    ) -> Result<Response<pb::configure_provider::Response>, Status> {
        self.serve(req).await
    }

    async fn read_resource(
        &self,
        req: Request<pb::read_resource::Request>,
    ) -> Result<Response<pb::read_resource::Response>, Status> {
        self.serve(req).await
    }

    async fn plan_resource_change(
        &self,
        req: Request<pb::plan_resource_change::Request>,
    ) -> Result<Response<pb::plan_resource_change::Response>, Status> {
        self.serve(req).await
    }

    async fn apply_resource_change(
        &self,
        req: Request<pb::apply_resource_change::Request>,
    ) -> Result<Response<pb::apply_resource_change::Response>, Status> {
        self.serve(req).await
    }

    async fn import_resource_state(
        &self,
        req: Request<pb::import_resource_state::Request>,
    ) -> Result<Response<pb::import_resource_state::Response>, Status> {
        self.serve(req).await
    }

    async fn read_data_source(
        &self,
        req: Request<pb::read_data_source::Request>,
    ) -> Result<Response<pb::read_data_source::Response>, Status> {
        self.serve(req).await
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

#[cfg(test)]
mod tests;
