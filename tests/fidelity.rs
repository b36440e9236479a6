//! Fidelity with the SageMaker Python SDK (tests/fidelity/README.md; 2.x, and 3.x for the cases
//! marked `SDK_MAJOR = 3`, step types only 3.x has): for every case, the
//! pipeline that Terraform deploys from `tests/fidelity/hcl/<case>/main.tf` must be semantically
//! equal to what the SDK builds from `tests/fidelity/sdk/<case>.py`, as `compare.py` judges.
//!
//! One local SageMaker endpoint and the project-local Terraform 1.0.3 serve every case. The SDK
//! scripts (about 8 s each, mostly the SDK import) are all started first and run while Terraform
//! applies; each case then fetches what was really deployed (DescribePipeline), compares it with
//! the SDK's output, and destroys. Every case runs even when an earlier one fails; the test ends
//! with every case's compare.py output and fails if any case was not equal.
//!
//! Needs the SDK venvs: `scripts/tools --sdk --sdk3` (`make test` runs it).

mod support;

use std::fmt::Write as _;
use std::fs::File;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::Instant;

use serde_json::Value as Json;
use support::{project_root, terraform_binaries, tools_dir, LocalSageMaker, Workspace};

fn fidelity_dir() -> PathBuf {
    project_root().join("tests/fidelity")
}

/// The case names: `tests/fidelity/sdk/<case>.py`, without the `_`-prefixed helpers, sorted.
fn cases() -> Vec<String> {
    let dir = fidelity_dir().join("sdk");
    let mut cases: Vec<String> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("read {}: {e}", dir.display()))
        .filter_map(|e| {
            let name = e.ok()?.file_name().into_string().ok()?;
            let case = name.strip_suffix(".py")?;
            (!case.starts_with('_')).then(|| case.to_string())
        })
        .collect();
    cases.sort();
    assert!(!cases.is_empty(), "no SDK cases in {}", dir.display());
    cases
}

/// The pipeline name a case's SDK script declares (`PIPELINE_NAME = "..."`); the HCL must use it.
fn pipeline_name(case: &str) -> String {
    let path = fidelity_dir().join("sdk").join(format!("{case}.py"));
    let text =
        std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("read {}: {e}", path.display()));
    text.lines()
        .find_map(|l| {
            let rest = l.strip_prefix("PIPELINE_NAME")?.trim_start().strip_prefix('=')?.trim();
            Some(rest.trim_matches(|c| c == '"' || c == '\'').to_string())
        })
        .unwrap_or_else(|| panic!("{} declares no PIPELINE_NAME", path.display()))
}

/// One SDK build running in the background: `run_sdk.sh <case> <out>`, its output in a file.
struct SdkRun {
    child: Option<Child>,
    out: PathBuf,
    log: PathBuf,
    started: Instant,
}

impl SdkRun {
    fn spawn(case: &str, dir: &Path) -> SdkRun {
        let out = dir.join("sdk.json");
        let log = dir.join("sdk.log");
        let log_file =
            File::create(&log).unwrap_or_else(|e| panic!("create {}: {e}", log.display()));
        let child = Command::new(fidelity_dir().join("run_sdk.sh"))
            .arg(case)
            .arg(&out)
            .current_dir(project_root())
            .stdin(Stdio::null())
            .stdout(log_file.try_clone().expect("clone the log handle"))
            .stderr(log_file)
            .spawn()
            .unwrap_or_else(|e| panic!("cannot run tests/fidelity/run_sdk.sh: {e}"));
        SdkRun { child: Some(child), out, log, started: Instant::now() }
    }

    /// Waits for the build; the path of the SDK's definition, or why there is none.
    fn wait(&mut self) -> Result<PathBuf, String> {
        let status = self.child.take().expect("waited once").wait().map_err(|e| e.to_string())?;
        let log = std::fs::read_to_string(&self.log).unwrap_or_default();
        eprintln!("SDK build finished with {status} after {:.1?}", self.started.elapsed());
        if status.success() && self.out.exists() {
            Ok(self.out.clone())
        } else {
            Err(format!("tests/fidelity/run_sdk.sh failed ({status}):\n{log}"))
        }
    }
}

impl Drop for SdkRun {
    fn drop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

fn text(output: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

/// Applies the case's HCL, fetches the deployed definition into `ours`, and destroys, with
/// every problem as an error message (the workspace helpers would panic and stop the other cases).
fn deploy_and_fetch(
    case: &str,
    hcl: &Path,
    ws: &Workspace,
    sagemaker: &LocalSageMaker,
    ours: &Path,
) -> Result<(), String> {
    let config =
        std::fs::read_to_string(hcl).map_err(|e| format!("cannot read {}: {e}", hcl.display()))?;
    ws.write("main.tf", &config);
    for args in [
        &["init", "-input=false", "-no-color"][..],
        &["apply", "-auto-approve", "-input=false", "-no-color"][..],
    ] {
        let output = ws.tf(args);
        if !output.status.success() {
            return Err(format!("terraform {} failed:\n{}", args[0], text(&output)));
        }
    }
    let name = pipeline_name(case);
    let body = serde_json::json!({ "PipelineName": name }).to_string();
    let (status, response) = sagemaker
        .request_sagemaker("DescribePipeline", &body)
        .map_err(|e| format!("DescribePipeline {name}: {e}"))?;
    if status != 200 {
        return Err(format!("DescribePipeline {name} answered {status}: {response} (does main.tf name the pipeline {name:?}?)"));
    }
    let response: Json = serde_json::from_str(&response)
        .map_err(|e| format!("DescribePipeline {name}: not JSON: {e}: {response}"))?;
    let definition = response["PipelineDefinition"]
        .as_str()
        .ok_or_else(|| format!("DescribePipeline {name}: no PipelineDefinition in {response}"))?;
    std::fs::write(ours, definition).map_err(|e| format!("write {}: {e}", ours.display()))
}

#[test]
fn terraform_pipelines_match_the_sagemaker_python_sdk() {
    let sdk_python = tools_dir().join("sdk-venv/bin/python");
    if !sdk_python.exists() {
        panic!(
            "{} is missing: the SageMaker Python SDK (the fidelity oracle) is not installed; \
             run `scripts/tools --sdk --sdk3` (`make test` does)",
            sdk_python.display()
        );
    }
    // A no-op when the venvs are current; otherwise it repairs them once here, before every
    // build would try (run_sdk.sh runs it too).
    let tools = Command::new(project_root().join("scripts/tools"))
        .args(["--sdk", "--sdk3"])
        .stdin(Stdio::null())
        .output()
        .expect("run scripts/tools --sdk");
    assert!(tools.status.success(), "scripts/tools --sdk --sdk3 failed:\n{}", text(&tools));

    let terraform = terraform_binaries()
        .into_iter()
        .find(|t| t.version == "1.0.3")
        .expect("the project-local Terraform 1.0.3 (.tools/bin/terraform); run `make tools`");
    let cases = cases();
    let scratch =
        tempfile::Builder::new().prefix("fidelity-").tempdir().expect("create a temp dir");

    // Start every SDK build first: they run while Terraform works.
    let mut runs: Vec<(String, PathBuf, SdkRun)> = cases
        .iter()
        .map(|case| {
            let dir = scratch.path().join(case);
            std::fs::create_dir_all(&dir).expect("create a case folder");
            let run = SdkRun::spawn(case, &dir);
            (case.clone(), dir, run)
        })
        .collect();

    let sagemaker = LocalSageMaker::start();
    let mut report = String::new();
    let mut failed = Vec::new();
    for (case, dir, run) in &mut runs {
        eprintln!("=== fidelity case {case}");
        let hcl = fidelity_dir().join("hcl").join(case.as_str()).join("main.tf");
        let ours = dir.join("ours.json");
        let ws = Workspace::new(&terraform, &sagemaker);
        let deployed = if hcl.exists() {
            deploy_and_fetch(case, &hcl, &ws, &sagemaker, &ours)
        } else {
            Err(format!("{} is missing: every SDK case needs its HCL", hcl.display()))
        };
        let sdk = run.wait();
        let outcome = match (&sdk, &deployed) {
            (Ok(sdk), Ok(())) => {
                let output = Command::new("python3")
                    .arg(fidelity_dir().join("compare.py"))
                    .arg(sdk)
                    .arg(&ours)
                    .stdin(Stdio::null())
                    .output()
                    .expect("run python3 tests/fidelity/compare.py");
                let out = text(&output);
                match output.status.code() {
                    Some(0) => Ok(out),
                    code => Err(format!("compare.py exit {code:?}:\n{out}")),
                }
            }
            (sdk, deployed) => Err([sdk.as_ref().err(), deployed.as_ref().err()]
                .into_iter()
                .flatten()
                .cloned()
                .collect::<Vec<_>>()
                .join("\n")),
        };
        // Destroy whatever was created, even after a failure.
        if ws.dir.join("terraform.tfstate").exists() {
            let output = ws.tf(&["destroy", "-auto-approve", "-input=false", "-no-color"]);
            if !output.status.success() {
                failed.push(case.clone());
                let _ =
                    writeln!(report, "--- {case}: terraform destroy failed:\n{}", text(&output));
            }
        }
        match outcome {
            Ok(out) => {
                let _ = writeln!(report, "--- {case}: equal\n{}", out.trim_end());
            }
            Err(why) => {
                failed.push(case.clone());
                let _ = writeln!(report, "--- {case}: NOT EQUAL\n{}", why.trim_end());
            }
        }
    }
    println!("{report}");
    failed.dedup();
    assert!(
        failed.is_empty(),
        "fidelity cases that differ from the SageMaker Python SDK: {failed:?}\n{report}"
    );
}
