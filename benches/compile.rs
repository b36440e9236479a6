//! Compile + validate benchmark of 10/100/1,000-step pipelines (bench/suites/compiler runs it;
//! `cargo bench --bench compile` by hand). Pure Rust: no Terraform, no AWS, no gRPC.
//!
//! The pipeline (the same shape bench/sdk_bench.py builds with the SageMaker Python SDK):
//! parameters `InputData` (String) and `NumRound` (Integer); steps `Step0001`..`StepNNNN` in a
//! chain, every 10th a `sagemaker_training_step` (input channel `train` = the previous step's
//! output `out`, `num_round = {{ Parameters.NumRound }}`), the others `sagemaker_processing_step`s
//! (entrypoint `python3 /opt/ml/code/step.py` baked into the image, one input = the previous step's output `out` — or, after a training step, its
//! `ModelArtifacts.S3ModelArtifacts`; the first reads `{{ Parameters.InputData }}` — and one
//! output `out` under `{{ Execution.PipelineExecutionId }}`); `step_defaults.role_arn` set.
//!
//! Timed per iteration, on a monotonic clock — what `terraform plan` runs in the compiler:
//! - `steps`: the step plan path, what one PlanResourceChange of a step resource does, for
//!   every step: decode its configuration (JSON text, the shape of `*.tf.json`) against the
//!   resource's schema type (`tfvalue::json::decode_json`, the type built once, as the provider
//!   holds its schemas) and compile it once (`steps::compile_any`) to the step's JSON text;
//! - `pipeline`: the pipeline's PlanResourceChange, `compiler::definition::compile` of those
//!   texts with the step registry's facts (`steps::step_type_facts`: parse, dependencies,
//!   defaults, whole-DAG validation of names/references/cycles, canonical JSON of the
//!   definition, size check);
//! - `total`: both, back to back (separately timed, so total = steps + pipeline per iteration).
//!
//! Not on the plan path, reported apart: `golden_steps`, every step through
//! `sagemaker_provider::provider::golden::compile` (the golden tests' entry point: it builds the
//! schemas, decodes, validates — which compiles — and plans a create, which compiles again), in
//! its own loop; and a breakdown (separate loop) into the public pieces: decode, step compile,
//! parse, the pass per step (rewrites, references, canonical text), validate, assembling the
//! definition's text, freeing the JSON trees.
//!
//! Output: one JSON object per size on stdout with `--json`, a table otherwise.
//! Options: `--sizes 10,100,1000`, `--iters N` (per size; default 200/60/20 by size),
//! `--warmup N` (default 3). Unknown arguments (cargo passes `--bench`) are ignored.
//!
//! Instruction counts (no hardware counters on a VM): `valgrind --tool=callgrind` on the
//! executable with `--sizes 1000 --iters 1 --warmup 0`, then `callgrind_annotate
//! --inclusive=yes`; per 1,000 steps, `decode_json` and `compile_any` are called 3 times each
//! (check, timed loop, breakdown) and `definition::compile` twice (check, timed loop).

use std::time::Instant;

use sagemaker_provider::compiler::canonical;
use sagemaker_provider::compiler::dag::{self, StepDefaults};
use sagemaker_provider::compiler::definition::{
    compile as compile_pipeline, ParameterInput, PipelineInput,
};
use sagemaker_provider::provider::golden::{compile as compile_step, GoldenOutput};
use sagemaker_provider::provider::steps;
use sagemaker_provider::tfvalue::json as tfjson;
use serde_json::{json, Value as Json};

const BUCKET: &str = "ml-bench";
const ROLE: &str = "arn:aws:iam::123456789012:role/sagemaker-pipeline";
const SKLEARN: &str =
    "683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-scikit-learn:1.2-1-cpu-py3";
const XGBOOST: &str = "683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-xgboost:1.7-1";

fn step_name(i: usize) -> String {
    format!("Step{i:04}")
}

fn is_training(i: usize) -> bool {
    i % 10 == 0
}

/// The previous step's output as a `{{ }}` reference (1-based `i`).
fn upstream(i: usize) -> String {
    if i == 1 {
        "{{ Parameters.InputData }}".to_string()
    } else if is_training(i - 1) {
        format!("{{{{ Steps.{}.ModelArtifacts.S3ModelArtifacts }}}}", step_name(i - 1))
    } else {
        format!(
            "{{{{ Steps.{}.ProcessingOutputConfig.Outputs['out'].S3Output.S3Uri }}}}",
            step_name(i - 1)
        )
    }
}

/// (type name, configuration JSON text) of step `i` (1-based).
fn step_config(i: usize) -> (&'static str, String) {
    let name = step_name(i);
    if is_training(i) {
        let cfg = json!({
            "name": name,
            "image_uri": XGBOOST,
            "instance_type": "ml.m5.xlarge",
            "instance_count": "1",
            "output_path": format!("s3://{BUCKET}/models"),
            "hyperparameters": {"objective": "reg:squarederror", "num_round": "{{ Parameters.NumRound }}"},
            "input": [{"channel": "train", "s3_uri": upstream(i), "content_type": "text/csv"}],
        });
        ("sagemaker_training_step", cfg.to_string())
    } else {
        let cfg = json!({
            "name": name,
            "image_uri": SKLEARN,
            "instance_type": "ml.m5.xlarge",
            "instance_count": "1",
            "container_entrypoint": ["python3", "/opt/ml/code/step.py"],
            "input": [{"name": "in", "source": upstream(i), "destination": "/opt/ml/processing/input"}],
            "output": [{
                "name": "out",
                "source": "/opt/ml/processing/output",
                "destination": format!("s3://{BUCKET}/bench/{{{{ Execution.PipelineExecutionId }}}}/{name}/out"),
            }],
        });
        ("sagemaker_processing_step", cfg.to_string())
    }
}

fn pipeline_input(steps: Vec<String>) -> PipelineInput {
    PipelineInput {
        parameters: vec![
            ParameterInput {
                name: "InputData".into(),
                type_name: Some("String".into()),
                default: Some(format!("s3://{BUCKET}/input")),
                enum_values: vec![],
            },
            ParameterInput {
                name: "NumRound".into(),
                type_name: Some("Integer".into()),
                default: Some("50".into()),
                enum_values: vec![],
            },
        ],
        steps,
        dependencies: vec![],
        step_defaults: Some(StepDefaults { role_arn: Some(ROLE.into()), ..Default::default() }),
        experiment_config: None,
        delivery: Default::default(),
        partial: false,
        open: false,
    }
}

fn compile_steps(configs: &[(&'static str, String)]) -> Vec<String> {
    configs
        .iter()
        .map(|(ty, cfg)| match compile_step(ty, cfg) {
            Ok(GoldenOutput::Json(j)) => serde_json::to_string(&j).expect("step json"),
            Ok(GoldenOutput::Diagnostics(d)) => panic!("step {ty} did not compile: {d:?}"),
            Err(why) => panic!("step {ty}: {why}"),
        })
        .collect()
}

fn compile_steps_plan_path(
    configs: &[(&'static str, String)],
    types: &[(&'static str, sagemaker_provider::tfvalue::Type)],
) -> Vec<String> {
    configs
        .iter()
        .map(|(ty, cfg)| {
            let t = &types.iter().find(|(n, _)| n == ty).expect("type").1;
            let v = tfjson::decode_json(cfg.as_bytes(), t).expect("decode");
            match steps::compile_any(ty, &v) {
                (Some(text), _) => text,
                (None, d) => panic!(
                    "step {ty} did not compile: {:?}",
                    d.iter().map(|d| d.summary.clone()).collect::<Vec<_>>()
                ),
            }
        })
        .collect()
}

fn median(v: &mut [f64]) -> f64 {
    v.sort_by(|a, b| a.partial_cmp(b).unwrap());
    let n = v.len();
    if n % 2 == 1 {
        v[n / 2]
    } else {
        (v[n / 2 - 1] + v[n / 2]) / 2.0
    }
}

fn ms(d: std::time::Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

fn main() {
    let mut sizes = vec![10usize, 100, 1000];
    let mut iters: Option<usize> = None;
    let mut warmup = 3usize;
    let mut as_json = false;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--json" => as_json = true,
            "--sizes" => {
                sizes = args
                    .next()
                    .expect("--sizes N,N")
                    .split(',')
                    .map(|s| s.trim().parse().expect("size"))
                    .collect()
            }
            "--iters" => iters = Some(args.next().expect("--iters N").parse().expect("iters")),
            "--warmup" => warmup = args.next().expect("--warmup N").parse().expect("warmup"),
            _ => {} // cargo bench passes --bench
        }
    }
    let types: Vec<(&'static str, sagemaker_provider::tfvalue::Type)> = steps::all()
        .iter()
        .filter(|r| {
            matches!(r.type_name(), "sagemaker_processing_step" | "sagemaker_training_step")
        })
        .map(|r| (r.type_name(), r.schema().block.value_type()))
        .collect();

    if !as_json {
        println!(
            "{:>6} {:>6} {:>12} {:>12} {:>12} {:>10} {:>14} {:>10}",
            "steps",
            "iters",
            "total ms",
            "steps ms",
            "pipeline ms",
            "µs/step",
            "golden ms",
            "def bytes"
        );
    }
    for &n in &sizes {
        let configs: Vec<(&'static str, String)> = (1..=n).map(step_config).collect();
        let iters = iters.unwrap_or(if n <= 10 {
            200
        } else if n <= 100 {
            60
        } else {
            20
        });

        // Check once, untimed: the definition compiles with no diagnostics, holds every step,
        // and the chain's references became Get expressions.
        let texts = compile_steps(&configs);
        let (def, diags) = compile_pipeline(&pipeline_input(texts.clone()), steps::step_type_facts);
        let def = def.unwrap_or_else(|| {
            panic!(
                "{n}-step pipeline did not compile: {:?}",
                diags.iter().map(|d| d.summary.clone()).collect::<Vec<_>>()
            )
        });
        assert!(
            diags.iter().next().is_none(),
            "diagnostics: {:?}",
            diags.iter().map(|d| d.summary.clone()).collect::<Vec<_>>()
        );
        let parsed: Json = serde_json::from_str(&def).expect("definition json");
        assert_eq!(parsed["Steps"].as_array().map(Vec::len), Some(n));
        if n >= 2 {
            assert!(def.contains(r#"{"Get":"Steps.Step0001.ProcessingOutputConfig.Outputs['out'].S3Output.S3Uri"}"#), "reference not compiled");
        }
        assert_eq!(
            compile_steps_plan_path(&configs, &types),
            texts,
            "plan path and golden::compile disagree"
        );

        let (mut t_steps, mut t_pipe, mut t_total) = (vec![], vec![], vec![]);
        for it in 0..warmup + iters {
            let t0 = Instant::now();
            let texts = compile_steps_plan_path(&configs, &types);
            let t1 = Instant::now();
            // The pipeline's input is built (moved) and freed outside the timed compile: in
            // the provider, it is the RPC's decoded configuration.
            let input = pipeline_input(texts);
            let t2 = Instant::now();
            let (def, _) = compile_pipeline(&input, steps::step_type_facts);
            let t3 = Instant::now();
            assert!(def.is_some());
            std::hint::black_box(def);
            drop(input);
            if it >= warmup {
                t_steps.push(ms(t1 - t0));
                t_pipe.push(ms(t3 - t2));
                t_total.push(ms(t1 - t0) + ms(t3 - t2));
            }
        }
        // Not the plan path: golden::compile (schemas built per call, two compiles per step).
        let mut t_golden = vec![];
        for it in 0..warmup + iters {
            let t0 = Instant::now();
            std::hint::black_box(compile_steps(&configs));
            if it >= warmup {
                t_golden.push(ms(t0.elapsed()));
            }
        }
        // Breakdown (separate loop, medians), from the public pieces compile() is made of:
        // decode = tfjson::decode_json of every configuration; step_compile = steps::compile_any;
        // parse = serde_json::from_str of every step text; per_step = the one pass per step of
        // definition::compile (dag::unwrap_single_joins, dag::apply_defaults,
        // dag::StepReferences::add, the step's canonical text);
        // (compile() runs each step's pass right after parsing it when no step needs the
        // others, as here; the pieces are timed apart);
        // validate = dag::validate_with; assemble = the definition's text from the step texts;
        // drop = freeing the steps' JSON trees (compile() pays it before it returns).
        let mut bd: std::collections::BTreeMap<&str, Vec<f64>> = Default::default();
        let declared: std::collections::BTreeSet<String> =
            ["InputData".to_string(), "NumRound".to_string()].into();
        let defaults = StepDefaults { role_arn: Some(ROLE.into()), ..Default::default() };
        let string_params: std::collections::BTreeSet<String> = ["InputData".to_string()].into();
        for it in 0..warmup + iters {
            let t0 = Instant::now();
            let values: Vec<_> = configs
                .iter()
                .map(|(ty, cfg)| {
                    tfjson::decode_json(
                        cfg.as_bytes(),
                        &types.iter().find(|(n, _)| n == ty).expect("type").1,
                    )
                    .expect("decode")
                })
                .collect();
            let t1 = Instant::now();
            let compiled: Vec<String> = configs
                .iter()
                .zip(&values)
                .map(|((ty, _), v)| steps::compile_any(ty, v).0.expect("step"))
                .collect();
            let t2 = Instant::now();
            let mut parsed: Vec<Json> =
                compiled.iter().map(|t| serde_json::from_str(t).expect("parse")).collect();
            let t3 = Instant::now();
            let by_type = dag::StepTypesByName::of(&parsed);
            let mut refs = dag::StepReferences::new();
            let mut texts = String::with_capacity(compiled.iter().map(|t| t.len() + 64).sum());
            for (i, step) in parsed.iter_mut().enumerate() {
                dag::unwrap_single_joins(step, &string_params, &by_type, steps::step_type_facts);
                dag::apply_defaults(std::slice::from_mut(step), &defaults, steps::step_type_facts);
                refs.add(step, i);
                if i > 0 {
                    texts.push(',');
                }
                canonical::write(step, &mut texts);
            }
            let t4 = Instant::now();
            let mut d = sagemaker_provider::framework::Diagnostics::new();
            dag::validate_with(&parsed, &refs, &declared, steps::step_type_facts, false, &mut d);
            assert!(!d.has_errors());
            let t5 = Instant::now();
            let mut top = serde_json::Map::new();
            top.insert("Version".into(), json!("2020-12-01"));
            top.insert("Metadata".into(), json!({}));
            top.insert("Parameters".into(), json!([]));
            let text = canonical::object_with_array_text(&top, "Steps", &texts);
            let t6 = Instant::now();
            drop(parsed);
            let t7 = Instant::now();
            std::hint::black_box(text);
            if it >= warmup {
                for (k, v) in [
                    ("decode", t1 - t0),
                    ("step_compile", t2 - t1),
                    ("parse", t3 - t2),
                    ("per_step", t4 - t3),
                    ("validate", t5 - t4),
                    ("assemble", t6 - t5),
                    ("drop", t7 - t6),
                ] {
                    bd.entry(k).or_default().push(ms(v));
                }
            }
        }
        let breakdown: serde_json::Map<String, Json> =
            bd.iter_mut().map(|(k, v)| (k.to_string(), json!(median(v)))).collect();
        let fastest = |v: &[f64]| v.iter().cloned().fold(f64::INFINITY, f64::min);
        let (min_total, min_steps, min_pipe) =
            (fastest(&t_total), fastest(&t_steps), fastest(&t_pipe));
        let (steps_ms, pipe_ms, total_ms, golden_ms) = (
            median(&mut t_steps),
            median(&mut t_pipe),
            median(&mut t_total),
            median(&mut t_golden),
        );
        if as_json {
            println!(
                "{}",
                json!({
                    "steps": n, "iters": iters, "warmup": warmup,
                    "total_ms": total_ms, "total_min_ms": min_total,
                    "steps_ms": steps_ms, "steps_min_ms": min_steps,
                    "pipeline_ms": pipe_ms, "pipeline_min_ms": min_pipe,
                    "golden_steps_ms": golden_ms, "us_per_step": total_ms * 1000.0 / n as f64,
                    "definition_bytes": def.len(), "breakdown_ms": breakdown,
                })
            );
        } else {
            println!(
                "{n:>6} {iters:>6} {total_ms:>12.3} {steps_ms:>12.3} {pipe_ms:>12.3} {:>10.1} {golden_ms:>14.3} {:>10}   {}",
                total_ms * 1000.0 / n as f64,
                def.len(),
                breakdown.iter().map(|(k, v)| format!("{k} {:.2}", v.as_f64().unwrap_or(0.0))).collect::<Vec<_>>().join(", ")
            );
        }
    }
}
