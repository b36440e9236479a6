//! Golden tests of the step and pipeline compilers: HCL-shaped inputs (a resource's
//! configuration as JSON, the way `terraform show -json` or `*.tf.json` writes it) and the
//! expected output, side by side in `tests/golden/<resource type>/`.
//!
//! - `<case>.input.json` — the configuration (attributes and blocks; omitted ones are null);
//! - `<case>.expected.json` — the planned `json` (for step types) or definition (for
//!   `sagemaker_ml_pipeline`), pretty-printed, or, for inputs with mistakes,
//!   `{"diagnostics": [{"path": ..., "summary": ...}, ...]}`.
//!
//! Each case goes through validate and the plan of a create, as Terraform drives them
//! (`provider::golden::compile`). A directory that is not a resource type, or an input that
//! does not fit the schema, fails the test (it is never recorded as an expectation). Every
//! typed step resource must have cases (`every_step_resource_has_golden_cases`).
//!
//! After an intended change, rewrite every expectation with one command and review the diff:
//!
//! ```sh
//! UPDATE_EXPECT=1 cargo test --release --test golden
//! ```

use std::path::{Path, PathBuf};

use sagemaker_provider::provider::golden::{compile, GoldenOutput};
use sagemaker_provider::provider::steps;

fn cases() -> Vec<(String, PathBuf)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden");
    let mut out = Vec::new();
    for dir in std::fs::read_dir(&root).expect("tests/golden").flatten() {
        let type_name = dir.file_name().to_string_lossy().to_string();
        for f in std::fs::read_dir(dir.path()).expect("type dir").flatten() {
            let p = f.path();
            if p.to_string_lossy().ends_with(".input.json") {
                out.push((type_name.clone(), p));
            }
        }
    }
    out.sort();
    out
}

#[test]
fn golden_files() {
    let update = std::env::var_os("UPDATE_EXPECT").is_some();
    let cases = cases();
    assert!(!cases.is_empty(), "no golden cases found");
    let mut failures = Vec::new();
    for (type_name, input) in &cases {
        let text = std::fs::read_to_string(input).expect("read input");
        let got = match compile(type_name, &text) {
            Ok(GoldenOutput::Json(j)) => j,
            Ok(GoldenOutput::Diagnostics(d)) => serde_json::json!({ "diagnostics": d }),
            Err(why) => {
                failures.push(format!("{}: {why}", input.display()));
                continue;
            }
        };
        let mut pretty = serde_json::to_string_pretty(&got).expect("json");
        pretty.push('\n');
        let expected_path =
            PathBuf::from(input.to_string_lossy().replace(".input.json", ".expected.json"));
        if update {
            std::fs::write(&expected_path, &pretty).expect("write expectation");
            continue;
        }
        match std::fs::read_to_string(&expected_path) {
            Ok(want) if want == pretty => {}
            Ok(want) => failures.push(format!(
                "{}:\n--- expected\n{want}\n--- got\n{pretty}",
                expected_path.display()
            )),
            Err(_) => failures.push(format!(
                "{} is missing; run UPDATE_EXPECT=1 cargo test --release --test golden",
                expected_path.display()
            )),
        }
    }
    assert!(
        failures.is_empty(),
        "{} golden case(s) differ:\n{}",
        failures.len(),
        failures.join("\n")
    );
    println!("{} golden cases", cases.len());
}

/// Every resource the provider serves (each typed step of the registry, `sagemaker_step`,
/// the pipeline) has golden cases: a valid one and one with mistakes at least.
#[test]
fn every_step_resource_has_golden_cases() {
    let cases = cases();
    let mut missing = Vec::new();
    let names = steps::kinds().map(|k| k.type_name()).chain(["sagemaker_ml_pipeline"]);
    for name in names {
        let mine: Vec<&PathBuf> = cases.iter().filter(|(t, _)| t == name).map(|(_, p)| p).collect();
        let expected: Vec<String> = mine
            .iter()
            .map(|p| {
                std::fs::read_to_string(
                    p.to_string_lossy().replace(".input.json", ".expected.json"),
                )
                .unwrap_or_default()
            })
            .collect();
        let compiled = expected.iter().filter(|e| !e.contains("\"diagnostics\"")).count();
        let mistakes = expected.iter().filter(|e| e.contains("\"diagnostics\"")).count();
        if compiled == 0 || mistakes == 0 {
            missing.push(format!("{name}: {compiled} compiling case(s), {mistakes} with mistakes"));
        }
    }
    assert!(
        missing.is_empty(),
        "step resources without golden cases in tests/golden/<type>/:\n{}",
        missing.join("\n")
    );
}

/// A type the provider does not serve is an error, never an expectation.
#[test]
fn unknown_types_are_errors() {
    assert!(compile("sagemaker_no_such_step", "{}").is_err());
    assert!(compile("sagemaker_fail_step", "{\"nope\": 1}").is_err());
}
