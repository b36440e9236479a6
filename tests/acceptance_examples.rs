//! The examples the Registry docs show (`examples/provider/provider.tf`,
//! `examples/resources/<type>/resource.tf`, `examples/data-sources/<type>/data-source.tf`; see
//! tests/docs.rs) are applied with the real Terraform CLI against a local SageMaker endpoint, so
//! what users copy works. All of them form one configuration: the provider example is its root
//! (the provider configuration every module inherits) and each example is a module, so one
//! `apply`, one `plan` and one `destroy` per Terraform version cover them all. Every example in
//! `examples/`, the whole-pipeline ones included, also passes `terraform fmt -check`.

mod support;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use support::{project_root, terraform_binaries, LocalSageMaker, Workspace};

/// What each module needs that the examples leave to the configuration they are pasted into:
/// where the `sagemaker` provider comes from (without it a module asks for `hashicorp/sagemaker`).
const MODULE_VERSIONS_TF: &str = r#"terraform {
  required_providers {
    sagemaker = { source = "sagemaker-pipelines/sagemaker" }
  }
}
"#;

/// One example: its folder under `examples/` and its configuration file.
struct Example {
    /// e.g. `resources/sagemaker_training_step`
    folder: String,
    /// Module name in the generated root, e.g. `resource_sagemaker_training_step`.
    module: String,
    text: String,
    /// `import.sh`, for resources that can be imported.
    import: Option<String>,
}

fn examples() -> Vec<Example> {
    let mut out = Vec::new();
    for (folder, file, kind) in
        [("resources", "resource.tf", "resource"), ("data-sources", "data-source.tf", "data")]
    {
        let dir = project_root().join("examples").join(folder);
        let mut names: Vec<PathBuf> = std::fs::read_dir(&dir)
            .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
            .flatten()
            .map(|e| e.path())
            .collect();
        names.sort();
        for path in names {
            let name = path.file_name().expect("a name").to_string_lossy().to_string();
            let text = std::fs::read_to_string(path.join(file))
                .unwrap_or_else(|e| panic!("examples/{folder}/{name}/{file}: {e}"));
            out.push(Example {
                folder: format!("{folder}/{name}"),
                module: format!("{kind}_{name}"),
                text,
                import: std::fs::read_to_string(path.join("import.sh")).ok(),
            });
        }
    }
    out
}

/// `name = "..."` of every `resource "sagemaker_ml_pipeline"` block of an example (top-level
/// attributes are indented by two spaces).
fn pipeline_names(example: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut in_pipeline = false;
    for line in example.lines() {
        if line.starts_with("resource ") {
            in_pipeline = line.starts_with("resource \"sagemaker_ml_pipeline\" ");
        } else if in_pipeline {
            if let Some(value) = line.strip_prefix("  name ").map(|v| v.trim_start()) {
                if let Some(value) = value.strip_prefix("= \"") {
                    out.push(value.trim_end_matches('"').to_string());
                }
            }
        }
    }
    out
}

#[test]
fn pipeline_names_are_read_from_examples() {
    let example = "resource \"sagemaker_ml_pipeline\" \"p\" {\n  name     = \"a-b\"\n  parameter {\n    name = \"X\"\n  }\n}\nresource \"sagemaker_fail_step\" \"f\" {\n  name = \"F\"\n}\n";
    assert_eq!(pipeline_names(example), ["a-b"]);
}

/// Every example applies in one configuration, re-plans empty, and destroys to nothing.
#[test]
fn every_registry_example_applies_and_replans_empty() {
    let examples = examples();
    let mut expected: Vec<String> = examples.iter().flat_map(|e| pipeline_names(&e.text)).collect();
    expected.sort();
    let before = expected.len();
    expected.dedup();
    assert_eq!(before, expected.len(), "two examples deploy a pipeline of the same name");
    assert!(expected.len() >= examples.len() - 1, "most examples deploy a pipeline: {expected:?}");

    let provider_tf = std::fs::read_to_string(project_root().join("examples/provider/provider.tf"))
        .expect("examples/provider/provider.tf");
    let sm = LocalSageMaker::start();
    for terraform in terraform_binaries() {
        sm.reset();
        let v = &terraform.version;
        let ws = Workspace::new(&terraform, &sm);
        let mut root = provider_tf.clone();
        for example in &examples {
            let file = if example.folder.starts_with("resources/") {
                "resource.tf"
            } else {
                "data-source.tf"
            };
            ws.write(&format!("examples/{}/{file}", example.folder), &example.text);
            ws.write(&format!("examples/{}/versions.tf", example.folder), MODULE_VERSIONS_TF);
            root.push_str(&format!(
                "\nmodule \"{}\" {{\n  source = \"./examples/{}\"\n}}\n",
                example.module, example.folder
            ));
        }
        ws.write("main.tf", &root);
        ws.init();
        ws.tf_ok(&["validate", "-no-color"]);
        ws.apply();
        let mut deployed = sm.pipeline_names();
        deployed.sort();
        assert_eq!(deployed, expected, "[{v}] every example's pipeline is deployed");
        assert_eq!(ws.plan_exit_code(), 0, "[{v}] plan right after apply must be empty");
        import_as_the_scripts_say(&ws, &examples);
        ws.destroy();
        assert!(sm.pipeline_names().is_empty(), "[{v}] destroy removed every pipeline");
    }
}

/// The `id` a resource has in the state (`terraform state show`).
fn state_id(ws: &Workspace, address: &str) -> String {
    let shown = ws.state_show(address);
    shown
        .lines()
        .find_map(|l| l.trim().strip_prefix("id ")?.trim_start().strip_prefix("= \""))
        .map(|id| id.trim_end_matches('"').to_string())
        .unwrap_or_else(|| panic!("no id in the state of {address}:\n{shown}"))
}

/// Each `import.sh` command works on what its example deployed: the resource is forgotten and
/// imported again at the script's address, by an ID of the script's form (a pipeline by its
/// name; a run by its execution ARN, whose last part the script cannot know). Import does not
/// read back what only the configuration holds (a pipeline's `step_defaults`, a run's
/// `triggers`), so the next plan may update the pipeline in place and replace the run, but
/// must not change the deployed definition; after that apply the plan is empty.
fn import_as_the_scripts_say(ws: &Workspace, examples: &[Example]) {
    let v = &ws.terraform.version;
    let mut imported = Vec::new();
    for example in examples {
        let Some(script) = &example.import else { continue };
        for command in script.lines().filter_map(|l| l.strip_prefix("terraform import ")) {
            let mut words = command.split_whitespace();
            let (address, id) = (words.next().expect("address"), words.next().expect("id"));
            let full = format!("module.{}.{address}", example.module);
            let deployed_id = state_id(ws, &full);
            let form = |id: &str| id.split("/execution/").next().unwrap_or(id).to_string();
            assert_eq!(form(id), form(&deployed_id), "[{v}] {}/import.sh's ID", example.folder);
            ws.tf_ok(&["state", "rm", "-no-color", &full]);
            ws.tf_ok(&["import", "-input=false", "-no-color", &full, &deployed_id]);
            assert_eq!(state_id(ws, &full), deployed_id, "[{v}] {full} imported");
            imported.push(full);
        }
    }
    assert!(!imported.is_empty(), "[{v}] some example has an import.sh");
    let plan = ws.tf_ok(&["plan", "-no-color", "-input=false"]);
    for address in imported.iter().filter(|a| a.contains(".sagemaker_ml_pipeline.")) {
        assert!(!plan.contains(&format!("{address} must be replaced")), "[{v}] {plan}");
    }
    assert!(!plan.contains("definition_parts"), "[{v}] import changed no definition: {plan}");
    ws.apply();
    assert_eq!(ws.plan_exit_code(), 0, "[{v}] plan after importing and applying");
}

fn fmt_check(terraform: &Path, dir: &Path) -> std::process::Output {
    Command::new(terraform)
        .args(["fmt", "-check", "-recursive", "-diff", "-no-color"])
        .arg(dir)
        .env("CHECKPOINT_DISABLE", "1")
        .env("TF_CLI_CONFIG_FILE", "/dev/null")
        .stdin(Stdio::null())
        .output()
        .unwrap_or_else(|e| panic!("cannot run {}: {e}", terraform.display()))
}

/// Users paste examples into formatted code: every `.tf` file under `examples/` is as
/// `terraform fmt` writes it, with each Terraform version tested.
#[test]
fn every_example_is_terraform_fmt_clean() {
    let examples = project_root().join("examples");
    for terraform in terraform_binaries() {
        let output = fmt_check(&terraform.path, &examples);
        assert!(
            output.status.success(),
            "`terraform fmt -check -recursive examples` (Terraform {}) lists files that are not formatted; \
             run `make fmt`:\n{}{}",
            terraform.version,
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
    }
    // The check can fail: a misaligned file is reported.
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(dir.path().join("main.tf"), "locals {\n  a = 1\n  bb = 2\n}\n").expect("write");
    let terraform = &terraform_binaries()[0];
    assert!(
        !fmt_check(&terraform.path, dir.path()).status.success(),
        "fmt -check flags a misaligned file"
    );
}
