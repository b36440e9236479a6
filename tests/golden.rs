//! Golden tests of the step and pipeline compilers: HCL-shaped inputs (a resource's
//! configuration as JSON, the way `terraform show -json` or `*.tf.json` writes it) and the
//! expected output, side by side in `tests/golden/<resource type>/`.
//!
//! - `<case>.input.json` — the configuration (attributes and blocks; omitted ones are null);
//! - `<case>.expected.json` — the compiled `json` (for step types) or `definition` (for
//!   `sagemaker_ml_pipeline_definition`), pretty-printed, or, for inputs with mistakes,
//!   `{"diagnostics": [{"path": ..., "summary": ...}, ...]}`.
//!
//! After an intended change, rewrite every expectation with one command and review the diff:
//!
//! ```sh
//! UPDATE_EXPECT=1 cargo test --release --test golden
//! ```

use std::path::{Path, PathBuf};

use sagemaker_provider::provider::golden::{compile, GoldenOutput};

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
            GoldenOutput::Json(j) => j,
            GoldenOutput::Diagnostics(d) => serde_json::json!({ "diagnostics": d }),
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
