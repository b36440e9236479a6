//! Acceptance tests of `sagemaker_ml_pipeline` through the real Terraform CLI (1.0.3, and the
//! `terraform` on PATH when it is another version) against a local SageMaker endpoint.
//!
//! Each test checks what SageMaker really holds through the API, not only what Terraform says,
//! and ends with a destroy that must leave nothing behind.

mod support;

use serde_json::Value as Json;
use support::{flat, terraform_binaries, LocalSageMaker, Workspace};

const ROLE: &str = "arn:aws:iam::123456789012:role/sagemaker-pipeline";

fn config(name: &str, description: &str, tags: &str, extra: &str) -> String {
    format!(
        r#"
terraform {{
  required_providers {{
    sagemaker = {{ source = "sagemaker-pipelines/sagemaker" }}
  }}
}}

provider "sagemaker" {{
  default_tags = {{ team = "ml" }}
}}

resource "sagemaker_ml_pipeline" "p" {{
  name        = "{name}"
  role_arn    = "{ROLE}"
  description = "{description}"

  parameter {{
    name    = "InputData"
    default = "s3://bucket/input"
  }}
  parameter {{
    name    = "Epochs"
    type    = "Integer"
    default = "3"
  }}

  steps = [
    jsonencode({{
      Name      = "Stop"
      Type      = "Fail"
      Arguments = {{ ErrorMessage = "not yet" }}
    }}),
  ]

  tags = {tags}
  {extra}
}}
"#
    )
}

fn tags(sm: &LocalSageMaker, name: &str) -> Vec<(String, String)> {
    let arn = sm.describe_pipeline(name).expect("deployed")["PipelineArn"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    let (_, body) = sm
        .request_sagemaker("ListTags", &format!(r#"{{"ResourceArn":"{arn}"}}"#))
        .expect("ListTags");
    let v: Json = serde_json::from_str(&body).expect("json");
    let mut out: Vec<(String, String)> = v["Tags"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|t| {
                    (
                        t["Key"].as_str().unwrap_or("").to_string(),
                        t["Value"].as_str().unwrap_or("").to_string(),
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    out.sort();
    out
}

fn pair(k: &str, v: &str) -> (String, String) {
    (k.to_string(), v.to_string())
}

/// create, no-op plan, in-place update with exact tag difference, out-of-band drift repaired,
/// out-of-band deletion re-created, rename replaces, import, destroy.
#[test]
fn pipeline_lifecycle_with_every_terraform() {
    let sm = LocalSageMaker::start();
    for terraform in terraform_binaries() {
        sm.reset();
        let ws = Workspace::new(&terraform, &sm);
        let v = &terraform.version;
        ws.write("main.tf", &config("accept-a", "first", r#"{ owner = "ml", stage = "dev" }"#, ""));
        ws.init();

        // Create.
        let out = ws.apply();
        assert!(out.contains("1 added"), "[{v}] {out}");
        let def = sm.deployed_definition("accept-a");
        assert_eq!(
            def["Parameters"][1],
            serde_json::json!({"Name": "Epochs", "Type": "Integer", "DefaultValue": 3}),
            "[{v}]"
        );
        assert_eq!(def["Steps"][0]["Name"], "Stop", "[{v}]");
        assert_eq!(
            tags(&sm, "accept-a"),
            vec![pair("owner", "ml"), pair("stage", "dev"), pair("team", "ml")],
            "[{v}] tags_all = default_tags + tags"
        );
        assert_eq!(ws.plan_exit_code(), 0, "[{v}] plan right after apply must be empty");

        // In-place update: description and tags; tags change by exactly the difference.
        ws.write("main.tf", &config("accept-a", "second", r#"{ owner = "ml", cost = "42" }"#, ""));
        let plan = ws.tf_ok(&["plan", "-no-color", "-input=false"]);
        assert!(plan.contains("updated in-place"), "[{v}] {plan}");
        assert!(!plan.contains("must be replaced"), "[{v}] {plan}");
        ws.apply();
        assert_eq!(
            sm.describe_pipeline("accept-a").expect("deployed")["PipelineDescription"],
            "second",
            "[{v}]"
        );
        assert_eq!(
            tags(&sm, "accept-a"),
            vec![pair("cost", "42"), pair("owner", "ml"), pair("team", "ml")],
            "[{v}]"
        );
        assert_eq!(ws.plan_exit_code(), 0, "[{v}] plan after update must be empty");

        // A default tag's value changes, and back: only tags_all changes, and no tag reads as
        // changed outside Terraform (helper finding: `tags` showed the old default tag added
        // outside Terraform, then removed).
        let updated = config("accept-a", "second", r#"{ owner = "ml", cost = "42" }"#, "");
        for team in ["platform", "ml"] {
            let with_team = updated.replace(r#"team = "ml" }"#, &format!(r#"team = "{team}" }}"#));
            ws.write("main.tf", &with_team);
            let plan = ws.tf_ok(&["plan", "-no-color", "-input=false"]);
            assert!(
                !plan.contains("outside of Terraform") && !plan.contains("outside Terraform since"),
                "[{v}] {plan}"
            );
            let changed: Vec<&str> = plan
                .lines()
                .map(str::trim_start)
                .filter(|l| l.starts_with("~ ") && !l.starts_with("~ update in-place"))
                .collect();
            let old = if team == "ml" { "platform" } else { "ml" };
            let team_line = format!(r#"~ "team"  = "{old}" -> "{team}""#);
            assert_eq!(
                changed,
                vec![
                    r#"~ resource "sagemaker_ml_pipeline" "p" {"#,
                    "~ tags_all          = {",
                    team_line.as_str(),
                ],
                "[{v}] only tags_all changes: {plan}"
            );
            ws.apply();
            assert!(tags(&sm, "accept-a").contains(&pair("team", team)), "[{v}]");
            assert_eq!(
                ws.plan_exit_code(),
                0,
                "[{v}] plan after a default_tags change must be empty"
            );
        }

        // Drift: someone edits the definition through the API; plan shows it, apply restores it.
        let before = sm.deployed_definition("accept-a");
        let drifted = r#"{"Version":"2020-12-01","Metadata":{},"Parameters":[],"Steps":[{"Name":"Hacked","Type":"Fail","Arguments":{"ErrorMessage":"x"}}]}"#;
        let (status, body) = sm
            .request_sagemaker(
                "UpdatePipeline",
                &serde_json::json!({"PipelineName": "accept-a", "PipelineDefinition": drifted, "RoleArn": ROLE, "PipelineDescription": "hacked"}).to_string(),
            )
            .expect("UpdatePipeline");
        assert_eq!(status, 200, "{body}");
        assert_eq!(
            ws.plan_exit_code(),
            2,
            "[{v}] a definition edited outside Terraform must show in the plan"
        );
        // Named as edits made outside Terraform, on every version (Terraform >= 1.2 shows only
        // the diff back to the configuration).
        let plan = flat(&ws.tf_ok(&["plan", "-no-color", "-input=false"]));
        let mark = "(edited outside Terraform since the last apply; applying overwrites that edit)";
        assert!(
            plan.contains(&format!("- step Hacked: removed {mark}"))
                && plan.contains(&format!("- step Stop: added {mark}"))
                && plan.contains("Pipeline accept-a: settings edited outside Terraform")
                && plan.contains("description changed outside Terraform since the last apply"),
            "[{v}] {plan}"
        );
        ws.apply();
        assert_eq!(
            sm.deployed_definition("accept-a"),
            before,
            "[{v}] apply restores the definition"
        );
        assert_eq!(ws.plan_exit_code(), 0, "[{v}]");

        // Semantically equal but re-serialised definition (e.g. by another tool): no diff.
        let pretty = serde_json::to_string_pretty(&before).expect("json");
        sm.request_sagemaker(
            "UpdatePipeline",
            &serde_json::json!({"PipelineName": "accept-a", "PipelineDefinition": pretty, "RoleArn": ROLE}).to_string(),
        )
        .expect("UpdatePipeline");
        assert_eq!(ws.plan_exit_code(), 0, "[{v}] whitespace and key order are not a change");

        // A setting edited outside Terraform and put back by an apply is no longer named as
        // such, also by a plan without a refresh (the definition, and so the fingerprint the
        // finding is tied to, did not change: only the apply's clearing keeps it out).
        sm.request_sagemaker(
            "UpdatePipeline",
            &serde_json::json!({"PipelineName": "accept-a", "PipelineDescription": "edited", "RoleArn": ROLE}).to_string(),
        )
        .expect("UpdatePipeline");
        let plan = flat(&ws.tf_ok(&["plan", "-no-color", "-input=false"]));
        assert!(plan.contains("description changed outside Terraform"), "[{v}] {plan}");
        ws.apply();
        ws.write(
            "main.tf",
            &updated.replace(r#"description = "second""#, r#"description = "third""#),
        );
        let plan = flat(&ws.tf_ok(&["plan", "-no-color", "-input=false", "-refresh=false"]));
        assert!(
            plan.contains(r#""second" -> "third""#) && !plan.contains("outside Terraform since"),
            "[{v}] {plan}"
        );
        ws.write("main.tf", &updated);

        // Deleted out of band: the next plan re-creates it.
        sm.request_sagemaker("DeletePipeline", r#"{"PipelineName":"accept-a","ClientRequestToken":"00000000000000000000000000000001"}"#)
            .expect("DeletePipeline");
        let plan = ws.tf_ok(&["plan", "-no-color", "-input=false"]);
        assert!(plan.contains("will be created"), "[{v}] {plan}");
        ws.apply();
        assert!(sm.describe_pipeline("accept-a").is_some(), "[{v}] re-created");

        // Import: forget the resource, import it by name, and the plan is empty.
        ws.tf_ok(&["state", "rm", "sagemaker_ml_pipeline.p"]);
        let out = ws.tf_ok(&[
            "import",
            "-no-color",
            "-input=false",
            "sagemaker_ml_pipeline.p",
            "accept-a",
        ]);
        assert!(out.contains("Import successful"), "[{v}] {out}");
        assert_eq!(
            ws.plan_exit_code(),
            0,
            "[{v}] import then plan with matching config shows no change"
        );

        // Rename forces replacement.
        ws.write("main.tf", &config("accept-b", "second", r#"{ owner = "ml", cost = "42" }"#, ""));
        let plan = ws.tf_ok(&["plan", "-no-color", "-input=false"]);
        assert!(plan.contains("must be replaced"), "[{v}] {plan}");
        assert!(plan.contains("forces replacement"), "[{v}] {plan}");
        // ...and says what the replacement deletes, and how to keep it.
        let said = flat(&plan);
        assert!(
            said.contains("Warning: Pipeline accept-a is replaced by a new pipeline accept-b")
                && said.contains("execution history")
                && said.contains("create_before_destroy"),
            "[{v}] {plan}"
        );
        ws.apply();
        assert_eq!(
            sm.pipeline_names(),
            vec!["accept-b".to_string()],
            "[{v}] the old pipeline is gone"
        );

        // Destroy leaves nothing behind.
        ws.destroy();
        assert!(sm.pipeline_names().is_empty(), "[{v}] destroy removed the pipeline");
    }
}

/// Mistakes are diagnostics naming the attribute; nothing is created.
#[test]
fn invalid_configuration_fails_plan_with_attribute_diagnostics() {
    let sm = LocalSageMaker::start();
    for terraform in terraform_binaries() {
        let ws = Workspace::new(&terraform, &sm);
        let v = &terraform.version;
        ws.write(
            "main.tf",
            r#"
terraform {
  required_providers {
    sagemaker = { source = "sagemaker-pipelines/sagemaker" }
  }
}
resource "sagemaker_ml_pipeline" "bad" {
  name     = "bad_name"
  role_arn = "not-an-arn"
  parameter {
    name    = "Epochs"
    type    = "Integer"
    default = "three"
  }
  steps = ["{not json", jsonencode({ Name = "A", Type = "Fail" }), jsonencode({ Name = "A", Type = "Fail" })]
  tags  = { "aws:reserved" = "x" }
}
"#,
        );
        ws.init();
        let err = ws.tf_err(&["plan", "-no-color", "-input=false"]);
        for needle in [
            "Invalid pipeline name \"bad_name\"",
            "Invalid role ARN \"not-an-arn\"",
            "Default of parameter \"Epochs\" is not a valid Integer",
            "Step is not valid JSON",
            "Step \"A\" is listed twice",
            "Reserved tag key \"aws:reserved\"",
            // Terraform quotes the offending line: the diagnostics carry attribute paths.
            "name     = \"bad_name\"",
            "default = \"three\"",
        ] {
            assert!(err.contains(needle), "[{v}] missing {needle:?} in:\n{err}");
        }
        assert!(!err.contains("panic"), "[{v}] {err}");
        assert!(sm.pipeline_names().is_empty(), "[{v}] nothing created");
    }
}

/// Provider configuration that is unknown at plan time (here: default_tags from a resource of
/// another provider, unknown until apply) must not break planning; apply then works.
#[test]
fn unknown_provider_configuration_at_plan_time() {
    let sm = LocalSageMaker::start();
    for terraform in terraform_binaries() {
        sm.reset();
        let ws = Workspace::new(&terraform, &sm);
        let v = &terraform.version;
        ws.write(
            "main.tf",
            r#"
terraform {
  required_providers {
    sagemaker = { source = "sagemaker-pipelines/sagemaker" }
    null      = { source = "hashicorp/null", version = "2.1.2" }
  }
}
resource "null_resource" "run" {}
provider "sagemaker" {
  default_tags = { run = null_resource.run.id }
}
resource "sagemaker_ml_pipeline" "p" {
  name     = "unknown-config"
  role_arn = "arn:aws:iam::123456789012:role/sagemaker-pipeline"
  steps    = [jsonencode({ Name = "Stop", Type = "Fail", Arguments = { ErrorMessage = "x" } })]
}
"#,
        );
        ws.init();
        let plan = ws.tf_ok(&["plan", "-no-color", "-input=false"]);
        assert!(plan.contains("tags_all") && plan.contains("(known after apply)"), "[{v}] {plan}");
        ws.apply();
        let t = tags(&sm, "unknown-config");
        assert_eq!(t.len(), 1, "[{v}] {t:?}");
        assert_eq!(t[0].0, "run", "[{v}]");
        assert_eq!(ws.plan_exit_code(), 0, "[{v}]");
        ws.destroy();
        assert!(sm.pipeline_names().is_empty(), "[{v}]");
    }
}

/// Import reads parameters, steps and the experiment configuration back, so a matching
/// configuration plans empty right after `terraform import`.
#[test]
fn import_with_experiment_config_plans_empty() {
    let sm = LocalSageMaker::start();
    for terraform in terraform_binaries() {
        sm.reset();
        let v = &terraform.version;
        let ws = Workspace::new(&terraform, &sm);
        let extra = r#"
  experiment_config {
    experiment_name = "{{ Execution.PipelineName }}"
    trial_name      = "run-{{ Execution.PipelineExecutionId }}"
  }
  parallelism_config {
    max_parallel_execution_steps = 2
  }"#;
        ws.write(
            "main.tf",
            &config("import-exp", "with experiments", r#"{ owner = "ml" }"#, extra),
        );
        ws.init();
        ws.apply();
        ws.tf_ok(&["state", "rm", "sagemaker_ml_pipeline.p"]);
        ws.tf_ok(&["import", "-no-color", "-input=false", "sagemaker_ml_pipeline.p", "import-exp"]);
        let plan = ws.tf(&["plan", "-detailed-exitcode", "-no-color", "-input=false"]);
        assert_eq!(plan.status.code(), Some(0), "[{v}] {}", String::from_utf8_lossy(&plan.stdout));
        ws.destroy();
        assert!(sm.pipeline_names().is_empty(), "[{v}]");
    }
}

/// The pipeline's `mermaid` (and the definition data source's) draws the DAG; `terraform output
/// -raw` prints it ready to paste; adding a step changes the picture.
#[test]
fn mermaid_flowchart_with_every_terraform() {
    let sm = LocalSageMaker::start();
    let steps = |extra: &str| {
        format!(
            r#"[
    jsonencode({{
      Name             = "L"
      Type             = "Lambda"
      FunctionArn      = "arn:aws:lambda:us-east-1:123456789012:function:f"
      OutputParameters = [{{ OutputName = "n", OutputType = "Integer" }}]
      Arguments        = {{}}
    }}),
    jsonencode({{
      Name = "C"
      Type = "Condition"
      Arguments = {{
        Conditions = [{{ Type = "GreaterThan", LeftValue = {{ Get = "Steps.L.OutputParameters['n']" }}, RightValue = 1 }}]
        IfSteps    = [{{ Name = "Big", Type = "Fail", Arguments = {{ ErrorMessage = "big" }} }}]
        ElseSteps  = [{{ Name = "Small", Type = "Fail", Arguments = {{ ErrorMessage = "small" }} }}]
      }}
    }}),{extra}
  ]"#
        )
    };
    let config = |extra: &str| {
        let steps = steps(extra);
        format!(
            r#"
terraform {{
  required_providers {{
    sagemaker = {{ source = "sagemaker-pipelines/sagemaker" }}
  }}
}}

resource "sagemaker_ml_pipeline" "p" {{
  name     = "drawn"
  role_arn = "{ROLE}"
  steps    = {steps}
}}

data "sagemaker_ml_pipeline_definition" "d" {{
  steps = {steps}
}}

output "mermaid" {{
  value = sagemaker_ml_pipeline.p.mermaid
}}

output "data_mermaid" {{
  value = data.sagemaker_ml_pipeline_definition.d.mermaid
}}
"#
        )
    };
    let want = "flowchart TD
  L[\"L<br/>Lambda\"]
  C{\"C<br/>Condition\"}
  Big([\"Big<br/>Fail\"])
  Small([\"Small<br/>Fail\"])
  L --> C
  C -- \"true\" --> Big
  C -- \"false\" --> Small
";
    for terraform in terraform_binaries() {
        sm.reset();
        let ws = Workspace::new(&terraform, &sm);
        let v = &terraform.version;
        ws.write("main.tf", &config(""));
        ws.init();
        ws.apply();
        let drawn = ws.tf_ok(&["output", "-raw", "mermaid"]);
        assert_eq!(drawn, want, "[{v}] output -raw prints the flowchart as is");
        assert_eq!(ws.tf_ok(&["output", "-raw", "data_mermaid"]), want, "[{v}] data source");
        assert_eq!(ws.plan_exit_code(), 0, "[{v}] the flowchart plans empty after apply");

        // A step that runs after C whatever its outcome: the plan shows the new lines.
        let cleanup = r#"
    jsonencode({
      Name      = "Cleanup"
      Type      = "Fail"
      Arguments = { ErrorMessage = "done" }
      DependsOn = ["C"]
    }),"#;
        ws.write("main.tf", &config(cleanup));
        let plan = ws.tf_ok(&["plan", "-no-color", "-input=false"]);
        assert!(plan.contains("C -.-> Cleanup"), "[{v}] {plan}");
        ws.apply();
        let drawn = ws.tf_ok(&["output", "-raw", "mermaid"]);
        assert!(drawn.ends_with("  C -- \"false\" --> Small\n  C -.-> Cleanup\n"), "[{v}] {drawn}");
        assert_eq!(ws.plan_exit_code(), 0, "[{v}]");
        ws.destroy();
    }
}

/// Credentials of another account, where the pipeline's name is unknown: the read does not
/// drop the pipeline from state (which planned a second one in the new account and forgot the
/// first), it says where the pipeline is (multi-account finding).
#[test]
fn a_pipeline_out_of_sight_in_another_account_is_not_forgotten() {
    let sm = LocalSageMaker::start();
    for terraform in terraform_binaries() {
        sm.reset();
        let ws = Workspace::new(&terraform, &sm);
        let v = &terraform.version;
        let config = |assume: bool| {
            format!(
                r#"
terraform {{
  required_providers {{
    sagemaker = {{ source = "sagemaker-pipelines/sagemaker" }}
  }}
}}

provider "sagemaker" {{
  {assume}
}}

resource "sagemaker_ml_pipeline" "p" {{
  name     = "hidden"
  role_arn = "{ROLE}"
  steps    = [jsonencode({{ Name = "Stop", Type = "Fail", Arguments = {{ ErrorMessage = "x" }} }})]
}}
"#,
                assume = if assume {
                    "assume_role {\n    role_arn = \"arn:aws:iam::333333333333:role/deployer\"\n  }"
                } else {
                    ""
                }
            )
        };
        ws.write("main.tf", &config(true));
        ws.init();
        ws.apply();
        let arn = ws.state_show("sagemaker_ml_pipeline.p");
        assert!(arn.contains(":333333333333:pipeline/hidden"), "[{v}] {arn}");
        ws.write("main.tf", &config(false));
        let err = flat(&ws.tf_err(&["plan", "-no-color", "-input=false"]));
        assert!(
            err.contains(r#"Pipeline "hidden" is in account 333333333333, and this provider configuration's credentials are for account 123456789012"#)
                && err.contains("terraform state rm"),
            "[{v}] {err}"
        );
        assert!(sm.pipeline_names().is_empty(), "[{v}] nothing in the default account");
        ws.write("main.tf", &config(true));
        assert_eq!(ws.plan_exit_code(), 0, "[{v}] back on its account, nothing to change");
        ws.destroy();
    }
}

/// The state's ARN says where its pipeline is (multi-account finding): a resource moved to a
/// provider configuration of another region no longer plans "deleted" and a second pipeline
/// (leaving the first unmanaged), and an import by an ARN of another account no longer adopts
/// this account's pipeline of the same name. Both are errors that say what to do.
#[test]
fn a_pipeline_stays_in_the_region_and_account_its_arn_names() {
    let sm = LocalSageMaker::start();
    for terraform in terraform_binaries() {
        sm.reset();
        let ws = Workspace::new(&terraform, &sm);
        let v = &terraform.version;
        let config = |alias: &str| {
            format!(
                r#"
terraform {{
  required_providers {{
    sagemaker = {{ source = "sagemaker-pipelines/sagemaker" }}
  }}
}}

provider "sagemaker" {{
  alias  = "us"
  region = "us-east-1"
}}

provider "sagemaker" {{
  alias  = "eu"
  region = "eu-west-1"
}}

resource "sagemaker_ml_pipeline" "p" {{
  provider = sagemaker.{alias}
  name     = "mover"
  role_arn = "{ROLE}"
  steps    = [jsonencode({{ Name = "Stop", Type = "Fail", Arguments = {{ ErrorMessage = "x" }} }})]
}}
"#
            )
        };
        ws.write("main.tf", &config("us"));
        ws.init();
        ws.apply();
        ws.write("main.tf", &config("eu"));
        let err = flat(&ws.tf_err(&["plan", "-no-color", "-input=false"]));
        assert!(
            err.contains(r#"Pipeline "mover" is in region us-east-1, and this provider configuration sends to eu-west-1"#)
                && err.contains("terraform state rm"),
            "[{v}] {err}"
        );
        ws.write("main.tf", &config("us"));
        assert_eq!(ws.plan_exit_code(), 0, "[{v}] back on its region, nothing to change");

        // Import by the ARN of another account's pipeline of the same name.
        ws.tf_ok(&["state", "rm", "sagemaker_ml_pipeline.p"]);
        let other = "arn:aws:sagemaker:us-east-1:222222222222:pipeline/mover";
        let err = flat(&ws.tf_err(&[
            "import",
            "-no-color",
            "-input=false",
            "sagemaker_ml_pipeline.p",
            other,
        ]));
        assert!(
            err.contains(&format!(
                r#"Cannot import "{other}": the pipeline is in account 222222222222"#
            )),
            "[{v}] {err}"
        );
        let listed = ws.tf_ok(&["state", "list"]);
        assert!(listed.trim().is_empty(), "[{v}] nothing imported: {listed}");
        // A mistyped ARN, and a run's ARN, say what an import id looks like (helper finding:
        // "not a pipeline name" for both).
        for (id, says) in [
            ("arn:aws:sagemaker:us-east-1:123456789012:pipline/mover", "not a pipeline ARN"),
            (
                "arn:aws:sagemaker:us-east-1:123456789012:pipeline/mover/execution/abc123",
                "sagemaker_ml_pipeline_execution",
            ),
        ] {
            let err = flat(&ws.tf_err(&[
                "import",
                "-no-color",
                "-input=false",
                "sagemaker_ml_pipeline.p",
                id,
            ]));
            assert!(
                err.contains(says) && err.contains("by its pipeline name"),
                "[{v}] {id}: {err}"
            );
        }
        // An id with spaces around it is refused, not trimmed into another (hostile-input
        // finding).
        let err = flat(&ws.tf_err(&[
            "import",
            "-no-color",
            "-input=false",
            "sagemaker_ml_pipeline.p",
            " mover",
        ]));
        assert!(
            err.contains(r#"Cannot import " mover": the ID has spaces around it"#)
                && err.contains(r#"without spaces or line breaks around it: "mover""#),
            "[{v}] {err}"
        );
        // This account's own ARN imports.
        let own = sm.describe_pipeline("mover").expect("deployed")["PipelineArn"]
            .as_str()
            .unwrap_or_default()
            .to_string();
        ws.tf_ok(&["import", "-no-color", "-input=false", "sagemaker_ml_pipeline.p", &own]);
        assert_eq!(ws.plan_exit_code(), 0, "[{v}] imported by its ARN, nothing to change");
        ws.destroy();
    }
}

/// Fresh-eyes finding: with `ignore_changes = [tags]` and a tag added outside Terraform (an
/// organisation's tagging policy), Terraform 1.0 puts empty maps for the computed
/// `definition_parts` and `tags_all` into the configuration and accepts no new definition:
/// "Provider produced invalid plan". The tag drift alone plans cleanly; a definition change is
/// our error naming the cause and the way out on 1.0, and an ordinary plan on newer versions.
#[test]
fn ignore_changes_on_tags_with_a_tag_added_outside_terraform() {
    let sm = LocalSageMaker::start();
    for terraform in terraform_binaries() {
        let v = terraform.version.clone();
        let old = v.starts_with("1.0.");
        sm.reset();
        let ws = Workspace::new(&terraform, &sm);
        let config = |message: &str| {
            config(
                "ignored-tags",
                "d",
                r#"{ owner = "ml" }"#,
                "lifecycle {\n    ignore_changes = [tags]\n  }",
            )
            .replace("not yet", message)
        };
        ws.write("main.tf", &config("not yet"));
        ws.init();
        ws.apply();
        let arn = sm.describe_pipeline("ignored-tags").expect("deployed")["PipelineArn"]
            .as_str()
            .expect("arn")
            .to_string();
        let body =
            format!(r#"{{"ResourceArn":"{arn}","Tags":[{{"Key":"cost-center","Value":"42"}}]}}"#);
        let (status, answer) = sm.request_sagemaker("AddTags", &body).expect("AddTags");
        assert_eq!(status, 200, "{answer}");
        ws.tf_ok(&["plan", "-no-color", "-input=false"]);

        ws.write("main.tf", &config("changed"));
        if old {
            let err = ws.tf_err(&["plan", "-no-color", "-input=false"]);
            let err = flat(&err);
            assert!(
                err.contains(
                    "Terraform 1.0 cannot plan this change while ignore_changes has an effect"
                ) && err.contains("Upgrade Terraform to 1.1 or later")
                    && !err.contains("Provider produced invalid plan"),
                "[{v}] {err}"
            );
            // The way out the error names: nothing left for ignore_changes to ignore.
            ws.write(
                "main.tf",
                &config("changed")
                    .replace(r#"{ owner = "ml" }"#, r#"{ owner = "ml", cost-center = "42" }"#),
            );
        }
        ws.apply();
        assert_eq!(
            sm.deployed_definition("ignored-tags")["Steps"][0]["Arguments"]["ErrorMessage"],
            "changed",
            "[{v}]"
        );
        assert!(tags(&sm, "ignored-tags").contains(&pair("cost-center", "42")), "[{v}] tag kept");
        assert_eq!(ws.plan_exit_code(), 0, "[{v}] the next plan is empty");
        ws.destroy();
        assert!(sm.pipeline_names().is_empty(), "[{v}]");
    }
}

/// A replacement that keeps the name, with `create_before_destroy` (`-replace`, or
/// `replace_triggered_by`): the new object is created while the old pipeline exists, takes it
/// over, and the delete of the old object must not delete it (fresh-eyes finding: the apply
/// reported "1 added, 1 destroyed" and the pipeline, with its history, was gone).
#[test]
fn a_replacement_with_create_before_destroy_and_the_same_name_keeps_the_pipeline() {
    let sm = LocalSageMaker::start();
    for terraform in terraform_binaries() {
        let v = terraform.version.clone();
        sm.reset();
        let ws = Workspace::new(&terraform, &sm);
        ws.write(
            "main.tf",
            &config("kept", "d", "{}", "lifecycle {\n    create_before_destroy = true\n  }"),
        );
        ws.init();
        ws.apply();
        let before = sm.describe_pipeline("kept").expect("deployed");
        let out = flat(&ws.tf_ok(&[
            "apply",
            "-auto-approve",
            "-input=false",
            "-no-color",
            "-replace=sagemaker_ml_pipeline.p",
        ]));
        assert!(out.contains("1 added") && out.contains("1 destroyed"), "[{v}] {out}");
        assert!(
            out.contains("SageMaker pipeline \"kept\" was kept, not deleted and created again"),
            "[{v}] {out}"
        );
        let after = sm.describe_pipeline("kept").expect("the pipeline was deleted");
        assert_eq!(after["PipelineArn"], before["PipelineArn"], "[{v}]");
        assert_eq!(after["CreationTime"], before["CreationTime"], "[{v}] it was created again");
        assert_eq!(ws.plan_exit_code(), 0, "[{v}] the next plan must be empty");

        // An apply interrupted between the takeover and the old object's delete leaves the old
        // object deposed, and the next apply deletes it (helper finding: that delete deleted
        // the pipeline under the new object). That state is made by hand: the old object,
        // saved before a replacement, put back as the deposed object. Its delete keeps the
        // pipeline, which carries the new object's mark.
        let state_file = ws.dir.join("terraform.tfstate");
        let read_state = || -> serde_json::Value {
            serde_json::from_str(&std::fs::read_to_string(&state_file).expect("state"))
                .expect("JSON")
        };
        let old_object = read_state()["resources"][0]["instances"][0].clone();
        assert!(old_object["private"].is_string(), "[{v}] a create keeps its token: {old_object}");
        let put_back_deposed = |object: &serde_json::Value, key: &str| {
            let mut state = read_state();
            let mut deposed = object.clone();
            deposed["deposed"] = serde_json::json!(key);
            state["resources"][0]["instances"].as_array_mut().expect("instances").push(deposed);
            state["serial"] = serde_json::json!(state["serial"].as_i64().unwrap_or(0) + 1);
            std::fs::write(&state_file, state.to_string()).expect("write state");
        };
        ws.tf_ok(&[
            "apply",
            "-auto-approve",
            "-input=false",
            "-no-color",
            "-replace=sagemaker_ml_pipeline.p",
        ]);
        put_back_deposed(&old_object, "deadbeef");
        let out = flat(&ws.tf_ok(&["apply", "-auto-approve", "-input=false", "-no-color"]));
        assert!(
            out.contains("(deposed object deadbeef)")
                && out.contains("SageMaker pipeline \"kept\" was kept, not deleted")
                && out.contains("Another Terraform object took this pipeline over"),
            "[{v}] {out}"
        );
        let after = sm.describe_pipeline("kept").expect("the deposed object's delete deleted it");
        assert_eq!(after["CreationTime"], before["CreationTime"], "[{v}] it was created again");
        assert_eq!(ws.plan_exit_code(), 0, "[{v}] the plan after the deposed delete must be empty");
        // The same with an old object that holds no token (created before tokens were kept):
        // the mark is another object's, so its delete keeps the pipeline too (review finding).
        let mut tokenless = old_object.clone();
        tokenless.as_object_mut().expect("object").remove("private");
        put_back_deposed(&tokenless, "cafef00d");
        let out = flat(&ws.tf_ok(&["apply", "-auto-approve", "-input=false", "-no-color"]));
        assert!(
            out.contains("(deposed object cafef00d)")
                && out.contains("SageMaker pipeline \"kept\" was kept, not deleted"),
            "[{v}] {out}"
        );
        let after = sm.describe_pipeline("kept").expect("the tokenless delete deleted it");
        assert_eq!(after["CreationTime"], before["CreationTime"], "[{v}] it was created again");
        assert_eq!(ws.plan_exit_code(), 0, "[{v}] the plan after the deposed delete must be empty");
        // The mark is the provider's: not among the pipeline's tags in the state.
        let shown = ws.state_show("sagemaker_ml_pipeline.p");
        assert!(!shown.contains("terraform-provider-sagemaker:owner"), "[{v}] {shown}");
        assert!(
            tags(&sm, "kept").iter().any(|(k, _)| k == "terraform-provider-sagemaker:owner"),
            "[{v}] marked"
        );
        // Imported again, the object owns the pipeline by its mark: the destroy at the end of
        // this test deletes it (re-check finding: an import had no token of its own).
        ws.tf_ok(&["state", "rm", "sagemaker_ml_pipeline.p"]);
        ws.tf_ok(&["import", "-input=false", "-no-color", "sagemaker_ml_pipeline.p", "kept"]);
        let imported = read_state()["resources"][0]["instances"][0].clone();
        assert!(imported["private"].is_string(), "[{v}] an import keeps a token: {imported}");
        // The configuration's `tags = {}` is recorded (no SageMaker call), then nothing is left.
        ws.apply();
        assert_eq!(ws.plan_exit_code(), 0, "[{v}] imported, nothing to change");

        // A pipeline with runs is in use: it is not taken over, the create fails and says why,
        // and nothing is deleted (hostile-network finding: an apply interrupted between the
        // takeover and the old object's delete left the delete to the next apply, which then
        // deleted the pipeline and its history).
        let (status, answer) = sm
            .request_sagemaker("StartPipelineExecution", r#"{"PipelineName":"kept","ClientRequestToken":"run-0000000000000000000000000000001"}"#)
            .expect("StartPipelineExecution");
        assert_eq!(status, 200, "{answer}");
        let err = flat(&ws.tf_err(&[
            "apply",
            "-auto-approve",
            "-input=false",
            "-no-color",
            "-replace=sagemaker_ml_pipeline.p",
        ]));
        assert!(
            err.contains("SageMaker pipeline \"kept\" already exists and is not taken over")
                && err.contains("and it has runs")
                && err.contains("remove create_before_destroy"),
            "[{v}] {err}"
        );
        let still = sm.describe_pipeline("kept").expect("the pipeline was deleted");
        assert_eq!(still["CreationTime"], before["CreationTime"], "[{v}] it was created again");
        assert!(ws.tf_ok(&["state", "list"]).contains("sagemaker_ml_pipeline.p"), "[{v}]");
        assert_eq!(ws.plan_exit_code(), 0, "[{v}] the next plan must be empty");
        ws.destroy();
        assert!(sm.pipeline_names().is_empty(), "[{v}] destroy left pipelines behind");
    }
}

/// Two resources of one configuration declaring the same pipeline name: the first creates it,
/// the second fails and says to rename one (helper finding: both took it over, and removing
/// either later deleted the pipeline under the other).
#[test]
fn two_resources_with_one_pipeline_name_are_refused() {
    let sm = LocalSageMaker::start();
    for terraform in terraform_binaries() {
        let v = terraform.version.clone();
        sm.reset();
        let ws = Workspace::new(&terraform, &sm);
        let one = config("dup", "d", "{}", "");
        let at = one.find("resource \"sagemaker_ml_pipeline\" \"p\"").expect("the resource");
        let (header, p) = one.split_at(at);
        let q = p.replace("\"sagemaker_ml_pipeline\" \"p\"", "\"sagemaker_ml_pipeline\" \"q\"");
        ws.write("main.tf", &format!("{header}{p}\n{q}"));
        ws.init();
        let err = flat(&ws.tf_err(&["apply", "-auto-approve", "-input=false", "-no-color"]));
        assert!(
            err.contains(
                "Another resource of this apply already manages SageMaker pipeline \"dup\""
            ) && err.contains("Give one of them another name"),
            "[{v}] {err}"
        );
        let listed = ws.tf_ok(&["state", "list"]);
        let managed = listed.lines().filter(|l| l.starts_with("sagemaker_ml_pipeline.")).count();
        assert_eq!(managed, 1, "[{v}] {listed}");
        assert_eq!(sm.pipeline_names(), vec!["dup".to_string()], "[{v}]");
        // The way out: one resource for the pipeline.
        let keep = if listed.contains("sagemaker_ml_pipeline.p") { p } else { q.as_str() };
        ws.write("main.tf", &format!("{header}{keep}"));
        ws.apply();
        assert_eq!(ws.plan_exit_code(), 0, "[{v}] the next plan must be empty");
        ws.destroy();
        assert!(sm.pipeline_names().is_empty(), "[{v}] destroy left pipelines behind");
    }
}

/// Parameter blocks are paired by position, so a default was once read with the type of the
/// parameter that held its place before (semantic equality helper finding): with `Epochs`
/// removed, `Rate`'s String default `"010"` planned as the old Integer `"10"`, and a Float
/// `"6.0"` made a String kept `"6.0"` where the configuration says `"6"`. Each plan must deploy
/// what the configuration says, and the next plan must be empty.
#[test]
fn a_parameter_default_is_read_with_its_own_type() {
    let sm = LocalSageMaker::start();
    let pipeline = |parameters: &str| {
        format!(
            r#"
terraform {{
  required_providers {{
    sagemaker = {{ source = "sagemaker-pipelines/sagemaker" }}
  }}
}}

provider "sagemaker" {{}}

resource "sagemaker_ml_pipeline" "p" {{
  name     = "defaults"
  role_arn = "{ROLE}"
{parameters}
  steps = [
    jsonencode({{
      Name      = "Stop"
      Type      = "Fail"
      Arguments = {{ ErrorMessage = "not yet" }}
    }}),
  ]
}}
"#
        )
    };
    let param = |name: &str, ty: &str, default: &str| {
        format!("  parameter {{\n    name    = \"{name}\"\n    type    = \"{ty}\"\n    default = \"{default}\"\n  }}\n")
    };
    let deployed_defaults = |sm: &LocalSageMaker| -> Vec<(String, serde_json::Value)> {
        let d = sm.deployed_definition("defaults");
        d["Parameters"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|p| {
                (p["Name"].as_str().unwrap_or_default().to_string(), p["DefaultValue"].clone())
            })
            .collect()
    };
    for terraform in terraform_binaries() {
        let v = terraform.version.clone();
        sm.reset();
        let ws = Workspace::new(&terraform, &sm);
        ws.write(
            "main.tf",
            &pipeline(&format!(
                "{}{}",
                param("Epochs", "Integer", "10"),
                param("Rate", "Float", "6.0")
            )),
        );
        ws.init();
        ws.apply();
        assert_eq!(ws.plan_exit_code(), 0, "[{v}]");

        // The Float becomes a String "6": the text is the String's, not the Float's 6.0.
        ws.write(
            "main.tf",
            &pipeline(&format!(
                "{}{}",
                param("Epochs", "Integer", "10"),
                param("Rate", "String", "6")
            )),
        );
        ws.apply();
        assert_eq!(
            deployed_defaults(&sm),
            vec![("Epochs".into(), serde_json::json!(10)), ("Rate".into(), serde_json::json!("6"))],
            "[{v}]"
        );
        assert_eq!(ws.plan_exit_code(), 0, "[{v}] one apply settles it");

        // Epochs removed: Rate takes its place, and "010" is a String, not the Integer 10.
        ws.write("main.tf", &pipeline(&param("Rate", "String", "010")));
        ws.apply();
        assert_eq!(
            deployed_defaults(&sm),
            vec![("Rate".into(), serde_json::json!("010"))],
            "[{v}]"
        );
        assert_eq!(ws.plan_exit_code(), 0, "[{v}] one apply settles it");
        ws.destroy();
    }
}
