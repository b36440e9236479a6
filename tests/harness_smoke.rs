//! Proves the acceptance-test harness and scripts work on their own, with no resource of this
//! provider: the local SageMaker endpoint answers, every Terraform CLI runs through `scripts/tf`,
//! and an offline `init` installs hashicorp/null 2.1.2 from the project's filesystem mirror.

mod support;

use support::{terraform_binaries, LocalSageMaker, Workspace};

#[test]
fn local_sagemaker_answers_and_every_terraform_runs() {
    let sagemaker = LocalSageMaker::start();
    let (status, body) =
        sagemaker.request("GET", "/moto-api/data.json", "").expect("the moto server answers HTTP");
    assert_eq!(status, 200, "GET /moto-api/data.json: {body}");
    // A real SageMaker call, answered as AWS would: no pipelines yet.
    let (status, body) =
        sagemaker.request_sagemaker("ListPipelines", "{}").expect("ListPipelines answers");
    assert_eq!(status, 200, "ListPipelines: {body}");
    assert!(body.contains("\"PipelineSummaries\""), "ListPipelines: {body}");
    sagemaker.reset();

    let binaries = terraform_binaries();
    assert!(
        binaries.iter().any(|t| t.version == "1.0.3"),
        "the project-local Terraform is 1.0.3: {binaries:?}"
    );
    for terraform in &binaries {
        let ws = Workspace::new(terraform, &sagemaker);
        let stdout = ws.tf_ok(&["version"]);
        let first_line = stdout.lines().next().unwrap_or_default();
        assert_eq!(first_line, format!("Terraform v{}", terraform.version), "{stdout}");
    }
}

#[test]
fn null_resource_applies_and_destroys_offline_with_every_terraform() {
    let sagemaker = LocalSageMaker::start();
    for terraform in terraform_binaries() {
        let ws = Workspace::new(&terraform, &sagemaker);
        ws.write(
            "main.tf",
            r#"
terraform {
  required_providers {
    null = {
      source  = "hashicorp/null"
      version = "2.1.2"
    }
  }
}

resource "null_resource" "smoke" {
  triggers = {
    greeting = "hello"
  }
}

output "id" {
  value = null_resource.smoke.id
}
"#,
        );
        ws.init();
        let lock = std::fs::read_to_string(ws.dir.join(".terraform.lock.hcl"))
            .expect("init writes a lock file");
        assert!(lock.contains("registry.terraform.io/hashicorp/null"), "{lock}");
        assert_eq!(ws.plan_exit_code(), 2, "a fresh configuration has changes to apply");
        ws.apply();
        assert_eq!(ws.plan_exit_code(), 0, "no changes after apply");
        let shown = ws.state_show("null_resource.smoke");
        assert!(shown.contains("greeting") && shown.contains("hello"), "{shown}");
        ws.destroy();
        let state = ws.show_json(None);
        assert!(!state.contains("null_resource"), "destroy left resources behind: {state}");
    }
}
