//! The framework's plan and apply rules, one test per rule, driven through the tfplugin6
//! handlers themselves (`ProviderService::serve`: decode with the schema type, the framework call
//! in the panic guard, encode) with msgpack values in and out, and a fake resource whose
//! behaviour is chosen by its `name`:
//! - `panic`: panics in plan, read and apply;
//! - `fail`: create returns a partial object with an error, delete and read fail;
//! - `bad`: create and plan return a value that does not match the schema;
//! - `reroll`: plan leaves the computed `arn` unknown on update;
//! - `gone`: read finds no remote object.

use std::sync::Arc;

use async_trait::async_trait;
use tonic::Request;

use super::*;
use crate::framework::{
    validators, Attribute, Block, Framework, NestedBlock, Outcome, PlanModifier, ProviderHooks,
    Resource,
};
use crate::proto::tfplugin6::provider_server::Provider as _;

const FAKE: &str = "test_fake";

struct Hooks;

#[async_trait]
impl ProviderHooks<()> for Hooks {
    fn schema(&self) -> Schema {
        Schema::new(Block::new("test provider"))
    }
    async fn configure(&self, _: &str, _: &Value) -> Result<((), Diagnostics), Diagnostics> {
        Ok(((), Diagnostics::new()))
    }
}

struct Fake;

fn fake_schema() -> Schema {
    let same_ignoring_case = |a: &Value, b: &Value, _: &Value, _: &Value| {
        a.as_str().map(str::to_lowercase) == b.as_str().map(str::to_lowercase)
    };
    let mut s = Schema::new(
        Block::new("fake")
            .attr(Attribute::computed("id", Type::String, "id"))
            .attr(Attribute::required("name", Type::String, "name").force_new())
            .attr(
                Attribute::computed("arn", Type::String, "arn")
                    .plan_modifier(PlanModifier::UseStateForUnknown),
            )
            .attr(
                Attribute::optional("label", Type::String, "label")
                    .validate(validators::string_length(0, 5)),
            )
            .attr(
                Attribute::optional("spelling", Type::String, "spelling")
                    .semantic_equality(same_ignoring_case),
            )
            .attr(Attribute::optional_computed("size", Type::Number, "size"))
            .block(NestedBlock::single(
                "settings",
                Block::new("settings")
                    .attr(Attribute::optional("mode", Type::String, "mode"))
                    .attr(Attribute::optional("zone", Type::String, "zone").force_new()),
            ))
            .block(NestedBlock::list(
                "item",
                Block::new("item")
                    .attr(
                        Attribute::required("key", Type::String, "key")
                            .validate(validators::one_of(&["a", "b"])),
                    )
                    .attr(Attribute::computed("key_id", Type::String, "key id")),
            )),
    );
    s.version = 1;
    s
}

fn name_of(v: &Value) -> &str {
    v.get_str("name").unwrap_or_default()
}

/// What create and update make of a plan: every unknown filled in.
fn filled(planned: &Value) -> Value {
    let mut v = planned.clone();
    let Value::Object(m) = &mut v else { return v };
    let name = planned.get_str("name").unwrap_or_default().to_string();
    for (k, fill) in [
        ("id", Value::string(name.clone())),
        ("arn", Value::string(format!("arn:fake:{name}"))),
        ("size", Value::number(1)),
    ] {
        if m.get(k).is_some_and(Value::is_unknown) {
            m.insert(k.to_string(), fill);
        }
    }
    if let Some(Value::List(items)) = m.get_mut("item") {
        for it in items {
            if let Value::Object(i) = it {
                let id = format!("id-{}", i.get("key").and_then(Value::as_str).unwrap_or_default());
                i.insert("key_id".into(), Value::string(id));
            }
        }
    }
    v
}

#[async_trait]
impl Resource<()> for Fake {
    fn type_name(&self) -> &'static str {
        FAKE
    }
    fn schema(&self) -> Schema {
        fake_schema()
    }
    async fn plan(&self, _: &(), req: &PlanRequest, planned: &mut Value, _: &mut Diagnostics) {
        match name_of(&req.config) {
            "panic" => panic!("deliberate panic in plan"),
            "bad" => *planned = Value::Bool(true),
            "reroll" => {
                if let Value::Object(m) = planned {
                    m.insert("arn".into(), Value::Unknown);
                }
            }
            _ => {}
        }
    }
    async fn create(&self, _: &(), planned: &Value) -> Outcome {
        match name_of(planned) {
            "panic" => panic!("deliberate panic in create"),
            "bad" => Outcome {
                state: Value::string("not an object"),
                diagnostics: Diagnostics::new(),
                private: None,
            },
            "fail" => {
                // Created, but a later call failed: the id is known, the ARN is not.
                let mut state = planned.clone();
                if let Value::Object(m) = &mut state {
                    m.insert("id".into(), Value::string("fail"));
                    m.insert("arn".into(), Value::Null);
                    m.insert("item".into(), Value::List(Vec::new()));
                }
                let mut d = Diagnostics::new();
                d.error("Tagging failed", "The object was created; re-run apply to tag it.");
                Outcome { state, diagnostics: d, private: None }
            }
            _ => Outcome {
                state: filled(planned),
                diagnostics: Diagnostics::new(),
                private: Some(b"born".to_vec()),
            },
        }
    }
    fn kept_private(&self, private: &[u8]) -> Vec<u8> {
        private.to_vec()
    }
    async fn update(&self, _: &(), _: &Value, planned: &Value) -> Outcome {
        Outcome { state: filled(planned), diagnostics: Diagnostics::new(), private: None }
    }
    async fn delete(&self, _: &(), prior: &Value, _: &[u8]) -> Diagnostics {
        let mut d = Diagnostics::new();
        if name_of(prior) == "fail" {
            d.error("Delete failed", "The remote object is still there; re-run destroy.");
        }
        d
    }
    async fn read(&self, _: &(), state: &Value) -> (Value, Diagnostics) {
        let mut d = Diagnostics::new();
        match name_of(state) {
            "panic" => panic!("deliberate panic in read"),
            "fail" => {
                d.error("Read failed", "The endpoint did not answer; re-run refresh.");
                (Value::Null, d)
            }
            "gone" => (Value::Null, d),
            _ => {
                let mut v = state.clone();
                if let Value::Object(m) = &mut v {
                    m.insert("label".into(), Value::string("read"));
                }
                (v, d)
            }
        }
    }
    /// Version 0 called the name `title`.
    fn upgrade_json(&self, from_version: i64, json: &[u8]) -> Result<Vec<u8>, String> {
        let mut v: serde_json::Value = serde_json::from_slice(json).map_err(|e| e.to_string())?;
        let obj = v.as_object_mut().ok_or("not an object")?;
        if from_version == 0 {
            let title = obj.remove("title").ok_or("no title")?;
            if title == "panic" {
                panic!("deliberate panic in upgrade");
            }
            obj.insert("name".into(), title);
        }
        serde_json::to_vec(&v).map_err(|e| e.to_string())
    }
}

fn ty() -> Type {
    fake_schema().block.value_type()
}

/// A full fake object: every attribute null, no blocks, then `pairs`.
fn obj(pairs: Vec<(&str, Value)>) -> Value {
    let mut v = Value::object([
        ("id", Value::Null),
        ("name", Value::Null),
        ("arn", Value::Null),
        ("label", Value::Null),
        ("spelling", Value::Null),
        ("size", Value::Null),
        ("settings", Value::Null),
        ("item", Value::List(Vec::new())),
    ]);
    if let Value::Object(m) = &mut v {
        for (k, x) in pairs {
            m.insert(k.to_string(), x);
        }
    }
    v
}

fn item(key: &str, id: Value) -> Value {
    Value::object([("key", Value::string(key)), ("key_id", id)])
}

fn settings(mode: &str, zone: &str) -> Value {
    Value::object([("mode", Value::string(mode)), ("zone", Value::string(zone))])
}

fn dv(v: &Value) -> Option<pb::DynamicValue> {
    Some(pb::DynamicValue {
        msgpack: msgpack::encode(v, &ty()).expect("encodes"),
        json: Vec::new(),
    })
}

fn val(d: &Option<pb::DynamicValue>) -> Value {
    let d = d.as_ref().expect("a value");
    msgpack::decode(&d.msgpack, &ty()).expect("decodes with the schema type")
}

fn path_text(p: &pb::AttributePath) -> String {
    use pb::attribute_path::step::Selector;
    let mut s = String::new();
    for step in &p.steps {
        match &step.selector {
            Some(Selector::AttributeName(a)) if s.is_empty() => s.push_str(a),
            Some(Selector::AttributeName(a)) => s.push_str(&format!(".{a}")),
            Some(Selector::ElementKeyString(k)) => s.push_str(&format!("[{k:?}]")),
            Some(Selector::ElementKeyInt(i)) => s.push_str(&format!("[{i}]")),
            None => {}
        }
    }
    s
}

/// `path: summary` of each diagnostic (`summary` alone without a path).
fn shown(diags: &[pb::Diagnostic]) -> Vec<String> {
    diags
        .iter()
        .map(|d| match &d.attribute {
            Some(p) => format!("{}: {}", path_text(p), d.summary),
            None => d.summary.clone(),
        })
        .collect()
}

fn is_error(d: &pb::Diagnostic) -> bool {
    d.severity == pb::diagnostic::Severity::Error as i32
}

async fn server() -> ProviderService {
    let framework = Framework::new(Box::new(Hooks), vec![Arc::new(Fake)], Vec::new());
    let s = ProviderService::new(Arc::new(framework));
    let config = msgpack::encode(
        &Value::object(Vec::<(String, Value)>::new()),
        &Type::object(Vec::<(String, Type)>::new()),
    )
    .expect("empty provider config");
    let r = s
        .configure_provider(Request::new(pb::configure_provider::Request {
            terraform_version: "1.0.3".into(),
            config: Some(pb::DynamicValue { msgpack: config, json: Vec::new() }),
            ..Default::default()
        }))
        .await
        .expect("configures")
        .into_inner();
    assert!(r.diagnostics.is_empty(), "{:?}", r.diagnostics);
    s
}

async fn plan(
    s: &ProviderService,
    prior: &Value,
    proposed: &Value,
    config: &Value,
) -> pb::plan_resource_change::Response {
    s.plan_resource_change(Request::new(pb::plan_resource_change::Request {
        type_name: FAKE.into(),
        prior_state: dv(prior),
        proposed_new_state: dv(proposed),
        config: dv(config),
        ..Default::default()
    }))
    .await
    .expect("answers")
    .into_inner()
}

async fn apply(
    s: &ProviderService,
    prior: &Value,
    planned: &Value,
    config: &Value,
) -> pb::apply_resource_change::Response {
    s.apply_resource_change(Request::new(pb::apply_resource_change::Request {
        type_name: FAKE.into(),
        prior_state: dv(prior),
        planned_state: dv(planned),
        config: dv(config),
        ..Default::default()
    }))
    .await
    .expect("answers")
    .into_inner()
}

async fn apply_with_private(
    s: &ProviderService,
    prior: &Value,
    planned: &Value,
    private: &[u8],
) -> pb::apply_resource_change::Response {
    s.apply_resource_change(Request::new(pb::apply_resource_change::Request {
        type_name: FAKE.into(),
        prior_state: dv(prior),
        planned_state: dv(planned),
        config: dv(planned),
        planned_private: private.to_vec(),
        ..Default::default()
    }))
    .await
    .expect("answers")
    .into_inner()
}

async fn read(s: &ProviderService, state: &Value) -> pb::read_resource::Response {
    s.read_resource(Request::new(pb::read_resource::Request {
        type_name: FAKE.into(),
        current_state: dv(state),
        private: b"kept".to_vec(),
        ..Default::default()
    }))
    .await
    .expect("answers")
    .into_inner()
}

async fn validate(s: &ProviderService, config: &Value) -> Vec<String> {
    let r = s
        .validate_resource_config(Request::new(pb::validate_resource_config::Request {
            type_name: FAKE.into(),
            config: dv(config),
            ..Default::default()
        }))
        .await
        .expect("answers")
        .into_inner();
    shown(&r.diagnostics)
}

async fn upgrade(
    s: &ProviderService,
    version: i64,
    json: &str,
) -> pb::upgrade_resource_state::Response {
    s.upgrade_resource_state(Request::new(pb::upgrade_resource_state::Request {
        type_name: FAKE.into(),
        version,
        raw_state: Some(pb::RawState { json: json.as_bytes().to_vec(), ..Default::default() }),
    }))
    .await
    .expect("answers")
    .into_inner()
}

/// An existing object as it would be stored after a create of `name`.
fn stored(name: &str) -> Value {
    obj(vec![
        ("id", Value::string(name)),
        ("name", Value::string(name)),
        ("arn", Value::string(format!("arn:fake:{name}"))),
        ("settings", settings("fast", "z1")),
        ("item", Value::list([item("a", Value::string("id-a"))])),
    ])
}

/// Issue 6: Terraform 1.0's proposal keeps a removed single block and the prior value of
/// attributes; the plan is built from the configuration, whose values are echoed.
#[tokio::test]
async fn plan_is_built_from_the_configuration_and_echoes_it() {
    let s = server().await;
    let prior = with(stored("p"), vec![("label", Value::string("old"))]);
    let config = obj(vec![
        ("name", Value::string("p")),
        ("label", Value::string("new")),
        ("item", Value::list([item("a", Value::Null)])),
    ]);
    // What Terraform 1.0.3 proposes: the removed `settings` block kept, computed values prior.
    let proposed = with(stored("p"), vec![("label", Value::string("new"))]);
    let r = plan(&s, &prior, &proposed, &config).await;
    assert!(r.diagnostics.is_empty(), "{:?}", shown(&r.diagnostics));
    let planned = val(&r.planned_state);
    assert!(planned.get("settings").is_some_and(Value::is_null), "{planned:?}");
    assert_eq!(planned.get_str("label"), Some("new"));
    assert_eq!(
        planned.get_str("arn"),
        Some("arn:fake:p"),
        "computed values come from the proposal"
    );
    let items = planned.get("item").and_then(Value::as_list).expect("items");
    assert_eq!(items[0].get_str("key_id"), Some("id-a"));
    let replaced: Vec<String> = r.requires_replace.iter().map(path_text).collect();
    assert_eq!(replaced, vec!["settings.zone"], "removing the block removes its force_new zone");
}

/// `v` with `pairs` set.
fn with(mut v: Value, pairs: Vec<(&str, Value)>) -> Value {
    if let Value::Object(m) = &mut v {
        for (k, x) in pairs {
            m.insert(k.to_string(), x);
        }
    }
    v
}

#[tokio::test]
async fn computed_attributes_are_unknown_on_create() {
    let s = server().await;
    let config = obj(vec![
        ("name", Value::string("p")),
        ("size", Value::number(3)),
        ("item", Value::list([item("a", Value::Null)])),
    ]);
    let r = plan(&s, &Value::Null, &config, &config).await;
    assert!(r.diagnostics.is_empty(), "{:?}", shown(&r.diagnostics));
    let planned = val(&r.planned_state);
    assert!(planned.get("id").is_some_and(Value::is_unknown));
    assert!(planned.get("arn").is_some_and(Value::is_unknown));
    assert_eq!(
        planned.get("size"),
        Some(&Value::number(3)),
        "a configured optional+computed value is echoed"
    );
    let items = planned.get("item").and_then(Value::as_list).expect("items");
    assert!(items[0].get("key_id").is_some_and(Value::is_unknown), "nested computed too");
    assert!(r.requires_replace.is_empty(), "a create replaces nothing");
}

#[tokio::test]
async fn a_force_new_change_requires_replace_at_its_path() {
    let s = server().await;
    let prior = stored("p");
    let paths = |r: &pb::plan_resource_change::Response| {
        r.requires_replace.iter().map(path_text).collect::<Vec<_>>()
    };
    let config = |name: Value, zone: &str| {
        obj(vec![
            ("name", name),
            ("settings", settings("fast", zone)),
            ("item", Value::list([item("a", Value::Null)])),
        ])
    };
    let same = config(Value::string("p"), "z1");
    assert!(paths(&plan(&s, &prior, &same, &same).await).is_empty(), "no change, no replace");
    let renamed = config(Value::string("q"), "z1");
    assert_eq!(paths(&plan(&s, &prior, &renamed, &renamed).await), vec!["name"]);
    let moved = config(Value::string("p"), "z2");
    assert_eq!(paths(&plan(&s, &prior, &moved, &moved).await), vec!["settings.zone"]);
    // A name not known yet may differ: Terraform must plan a replacement.
    let unknown = config(Value::Unknown, "z1");
    assert_eq!(paths(&plan(&s, &prior, &unknown, &unknown).await), vec!["name"]);
}

#[tokio::test]
async fn use_state_for_unknown_keeps_a_computed_value_on_update() {
    let s = server().await;
    let prior = stored("reroll");
    let config = obj(vec![
        ("name", Value::string("reroll")),
        ("item", Value::list([item("a", Value::Null)])),
    ]);
    let r = plan(&s, &prior, &prior, &config).await;
    let planned = val(&r.planned_state);
    assert_eq!(planned.get_str("arn"), Some("arn:fake:reroll"), "{planned:?}");
    // On create there is no state to use: the resource's unknown stands.
    let r = plan(&s, &Value::Null, &config, &config).await;
    assert!(val(&r.planned_state).get("arn").is_some_and(Value::is_unknown));
}

#[tokio::test]
async fn a_value_that_means_the_same_keeps_the_prior_spelling() {
    let s = server().await;
    let prior = with(stored("p"), vec![("spelling", Value::string("Hello"))]);
    let config = |spelling: &str| {
        obj(vec![
            ("name", Value::string("p")),
            ("spelling", Value::string(spelling)),
            ("settings", settings("fast", "z1")),
            ("item", Value::list([item("a", Value::Null)])),
        ])
    };
    let same = config("HELLO");
    let planned = val(&plan(&s, &prior, &same, &same).await.planned_state);
    assert_eq!(planned.get_str("spelling"), Some("Hello"));
    let other = config("world");
    let planned = val(&plan(&s, &prior, &other, &other).await.planned_state);
    assert_eq!(planned.get_str("spelling"), Some("world"));
}

#[tokio::test]
async fn declared_validators_run_in_validate_and_in_plan() {
    let s = server().await;
    let config = obj(vec![
        ("name", Value::string("p")),
        ("label", Value::string("too long")),
        ("item", Value::list([item("a", Value::Null), item("c", Value::Null)])),
    ]);
    let want =
        vec!["label: label is too long".to_string(), "item[1].key: Invalid key \"c\"".into()];
    assert_eq!(validate(&s, &config).await, want);
    // Unknown values are not checked; known ones next to them are.
    let partly = obj(vec![
        ("name", Value::string("p")),
        ("label", Value::Unknown),
        ("item", Value::list([item("c", Value::Null)])),
    ]);
    assert_eq!(validate(&s, &partly).await, vec!["item[0].key: Invalid key \"c\"".to_string()]);
    // A value only known at plan time is checked there.
    let r = plan(&s, &Value::Null, &config, &config).await;
    assert_eq!(shown(&r.diagnostics), want);
}

#[tokio::test]
async fn a_plan_that_does_not_match_the_schema_is_an_error_not_a_value() {
    let s = server().await;
    let config = obj(vec![("name", Value::string("bad"))]);
    let r = plan(&s, &Value::Null, &config, &config).await;
    assert!(
        r.diagnostics.iter().any(|d| is_error(d) && d.summary.contains("invalid test_fake object")),
        "{:?}",
        shown(&r.diagnostics)
    );
    assert_eq!(r.planned_state, dv(&config), "Terraform's proposal comes back");
}

#[tokio::test]
async fn apply_creates_and_returns_a_wholly_known_object() {
    let s = server().await;
    let config =
        obj(vec![("name", Value::string("p")), ("item", Value::list([item("a", Value::Null)]))]);
    let planned = val(&plan(&s, &Value::Null, &config, &config).await.planned_state);
    let r = apply(&s, &Value::Null, &planned, &config).await;
    assert!(r.diagnostics.is_empty(), "{:?}", shown(&r.diagnostics));
    let state = val(&r.new_state);
    assert!(state.is_known());
    assert_eq!(state.get_str("arn"), Some("arn:fake:p"));
}

#[tokio::test]
async fn a_failed_apply_returns_the_best_known_object() {
    let s = server().await;
    let config = obj(vec![("name", Value::string("fail"))]);
    let planned = val(&plan(&s, &Value::Null, &config, &config).await.planned_state);
    let r = apply(&s, &Value::Null, &planned, &config).await;
    assert_eq!(shown(&r.diagnostics), vec!["Tagging failed"]);
    let state = val(&r.new_state);
    assert_eq!(state.get_str("id"), Some("fail"), "what was created is recorded: {state:?}");
    // A result that does not match the schema is never handed to Terraform: it keeps the prior.
    let config = obj(vec![("name", Value::string("bad"))]);
    let r = apply(&s, &Value::Null, &config, &config).await;
    assert!(r.diagnostics.iter().any(is_error));
    assert!(val(&r.new_state).is_null(), "nothing existed before the create");
}

#[tokio::test]
async fn a_failed_delete_keeps_the_object() {
    let s = server().await;
    let prior = stored("fail");
    let r = apply(&s, &prior, &Value::Null, &Value::Null).await;
    assert_eq!(shown(&r.diagnostics), vec!["Delete failed"]);
    assert_eq!(val(&r.new_state), prior);
    let prior = stored("p");
    let r = apply(&s, &prior, &Value::Null, &Value::Null).await;
    assert!(r.diagnostics.is_empty());
    assert!(val(&r.new_state).is_null(), "a successful delete forgets the object");
}

/// What an object keeps for its life in private data (a pipeline's owner token) comes from its
/// create, survives an update, and is handed back with the object when a delete fails (review
/// finding: the failed delete returned none, and the retry ran without the token).
#[tokio::test]
async fn private_data_an_object_keeps_survives_updates_and_failed_deletes() {
    let s = server().await;
    let config = obj(vec![("name", Value::string("p"))]);
    let planned = val(&plan(&s, &Value::Null, &config, &config).await.planned_state);
    let created = apply(&s, &Value::Null, &planned, &config).await;
    assert_eq!(created.private, b"born");
    let state = val(&created.new_state);
    let updated = apply_with_private(&s, &state, &state, b"token").await;
    assert!(updated.diagnostics.is_empty(), "{:?}", shown(&updated.diagnostics));
    assert_eq!(updated.private, b"token");
    let failed = apply_with_private(&s, &stored("fail"), &Value::Null, b"token").await;
    assert_eq!(shown(&failed.diagnostics), vec!["Delete failed"]);
    assert_eq!(failed.private, b"token");
    let deleted = apply_with_private(&s, &stored("p"), &Value::Null, b"token").await;
    assert!(val(&deleted.new_state).is_null());
    assert!(deleted.private.is_empty());
}

#[tokio::test]
async fn a_failed_read_keeps_the_state() {
    let s = server().await;
    let state = stored("fail");
    let r = read(&s, &state).await;
    assert_eq!(shown(&r.diagnostics), vec!["Read failed"]);
    assert_eq!(val(&r.new_state), state);
    assert_eq!(r.private, b"kept");
    // A read that finds nothing, without an error, makes Terraform forget the object.
    let r = read(&s, &stored("gone")).await;
    assert!(r.diagnostics.is_empty());
    assert!(val(&r.new_state).is_null());
    let r = read(&s, &stored("p")).await;
    assert_eq!(val(&r.new_state).get_str("label"), Some("read"));
}

#[tokio::test]
async fn state_of_an_older_schema_version_is_upgraded() {
    let s = server().await;
    let old = r#"{"id":"p","title":"p","arn":null,"label":null,"spelling":null,"size":null,"settings":null,"item":[]}"#;
    let r = upgrade(&s, 0, old).await;
    assert!(r.diagnostics.is_empty(), "{:?}", shown(&r.diagnostics));
    assert_eq!(val(&r.upgraded_state).get_str("name"), Some("p"));
    let current = old.replace("title", "name");
    assert_eq!(val(&upgrade(&s, 1, &current).await.upgraded_state).get_str("name"), Some("p"));
    let r = upgrade(&s, 2, &current).await;
    assert_eq!(
        shown(&r.diagnostics),
        vec!["Resource instance managed by a newer provider version"]
    );
    assert!(r.upgraded_state.is_none());
    let r = upgrade(&s, 0, r#"{"id":"p"}"#).await;
    assert_eq!(shown(&r.diagnostics), vec!["Could not upgrade the stored state of test_fake"]);
}

/// A panic in any handler, UpgradeResourceState included, is an error diagnostic; the response
/// carries what Terraform had, and the server keeps serving.
#[tokio::test]
async fn a_panicking_handler_is_an_error_diagnostic_and_the_server_survives() {
    let s = server().await;
    let config = obj(vec![("name", Value::string("panic"))]);
    let r = plan(&s, &Value::Null, &config, &config).await;
    assert_eq!(shown(&r.diagnostics), vec!["The provider's PlanResourceChange handler panicked"]);
    assert_eq!(r.planned_state, dv(&config));
    let state = stored("panic");
    let r = read(&s, &state).await;
    assert_eq!(shown(&r.diagnostics), vec!["The provider's ReadResource handler panicked"]);
    assert_eq!(val(&r.new_state), state);
    let r = apply(&s, &Value::Null, &config, &config).await;
    assert_eq!(shown(&r.diagnostics), vec!["The provider's ApplyResourceChange handler panicked"]);
    let r = upgrade(&s, 0, r#"{"title":"panic"}"#).await;
    assert_eq!(shown(&r.diagnostics), vec!["The provider's UpgradeResourceState handler panicked"]);
    assert!(r.upgraded_state.is_none());
    // Still serving.
    let ok = obj(vec![("name", Value::string("p"))]);
    assert!(validate(&s, &ok).await.is_empty());
    assert!(plan(&s, &Value::Null, &ok, &ok).await.diagnostics.is_empty());
}

/// After StopProvider, new calls are refused with a diagnostic instead of starting work.
#[tokio::test]
async fn after_stop_provider_calls_end_with_a_diagnostic() {
    let s = server().await;
    s.stop_provider(Request::new(pb::stop_provider::Request {})).await.expect("stops");
    let ok = obj(vec![("name", Value::string("p"))]);
    let r = plan(&s, &Value::Null, &ok, &ok).await;
    assert_eq!(shown(&r.diagnostics), vec!["Operation interrupted"]);
}

/// A huge value is never echoed whole, and a flood of diagnostics is counted, not sent
/// (fresh-eyes finding: a 2 MB `code` came back in full; 10,000 unknown names gave 10,000
/// errors).
#[test]
fn diagnostics_are_bounded_at_the_edge() {
    let huge = "a".repeat(2_000_000);
    let d = Diagnostics::from(
        Diagnostic::error(
            format!("Invalid code location {huge:?}"),
            format!("Got {huge:?}. Use an s3:// URI."),
        )
        .at(AttrPath::root("code")),
    );
    let out = diags_to_proto(&d);
    assert_eq!(out.len(), 1);
    assert!(out[0].summary.len() < 400, "{}", out[0].summary.len());
    assert!(out[0].summary.starts_with("Invalid code location \"aaa"), "{}", out[0].summary);
    assert!(out[0].summary.contains("[1999762 characters left out]"), "{}", out[0].summary);
    assert!(out[0].detail.ends_with("aaa\". Use an s3:// URI."), "{}", out[0].detail);
    assert!(out[0].attribute.is_some());
    // Ordinary text passes unchanged, whitespace included.
    let d = Diagnostics::from(Diagnostic::warning("Short", "Two  spaces\nand a line."));
    assert_eq!(diags_to_proto(&d)[0].detail, "Two  spaces\nand a line.");
    // Long text made of short words is cut at its cap.
    let words = "word ".repeat(10_000);
    let d = Diagnostics::from(Diagnostic::error("Many words", words));
    let detail = &diags_to_proto(&d)[0].detail;
    assert!(
        detail.ends_with("…[30000 more characters left out]"),
        "{}",
        &detail[detail.len() - 60..]
    );
    // Beyond the cap, the rest is one diagnostic that counts them.
    let mut d = Diagnostics::new();
    for i in 0..10_000 {
        d.push(Diagnostic::error(format!("unknown step \"x{i}\""), "Declare it."));
    }
    d.push(Diagnostic::warning("a warning", "w"));
    let out = diags_to_proto(&d);
    assert_eq!(out.len(), MOST_DIAGNOSTICS + 1);
    let last = out.last().expect("the count");
    assert!(is_error(last));
    assert_eq!(last.summary, format!("{} more problems not shown", 10_001 - MOST_DIAGNOSTICS));
    assert!(last.detail.contains("(9950 errors, 1 warning)"), "{}", last.detail);
}
