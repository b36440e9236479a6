"""Helper for bench/suites/compiler: the SageMaker Python SDK 2.x's `Pipeline.definition()` for
the pipeline benches/compile.rs compiles, offline (tests/fidelity/sdk/_offline.py: stub session,
no network, no AWS environment), with a session that has no SDK defaults config (see session()).

  .tools/sdk-venv/bin/python bench/sdk_bench.py [--sizes 10,100,1000] [--runs N] [--out JSON]

The pipeline, as in benches/compile.rs: parameters InputData (String) and NumRound (Integer);
steps Step0001..StepNNNN in a chain; every 10th a TrainingStep (Estimator.fit, channel `train`
= the previous step's output `out`, num_round = NumRound), the others ProcessingSteps
(Processor.run, entrypoint `python3 /opt/ml/code/step.py` in the image, one input = the previous step's output `out` — after a
training step its ModelArtifacts.S3ModelArtifacts; the first reads InputData — and one output
`out` under the execution id). One processor/estimator per step, as a pipeline written by hand
or in a loop would have.

Per run (a fresh pipeline each time): `build` = constructing the parameters, processors,
estimators, step_args, steps and the Pipeline; `definition` = `pipeline.definition()` alone.
Median over --runs runs (default 5; 3 for sizes >= 1000), after one untimed 10-step warm-up
(imports, caches). Writes one JSON object per size (a list) to --out, or to stdout.
"""

import argparse
import gc
import json
import os
import statistics
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "fidelity", "sdk"))
import _offline  # noqa: E402  (must come before any sagemaker import)
from _offline import INSTANCE_TYPE, ROLE, SKLEARN_IMAGE, XGBOOST_IMAGE  # noqa: E402

from sagemaker.estimator import Estimator  # noqa: E402
from sagemaker.inputs import TrainingInput  # noqa: E402
from sagemaker.processing import ProcessingInput, ProcessingOutput, Processor  # noqa: E402
from sagemaker.workflow.execution_variables import ExecutionVariables  # noqa: E402
from sagemaker.workflow.functions import Join  # noqa: E402
from sagemaker.workflow.parameters import ParameterInteger, ParameterString  # noqa: E402
from sagemaker.workflow.pipeline import Pipeline  # noqa: E402
from sagemaker.workflow.steps import ProcessingStep, TrainingStep  # noqa: E402



def session():
    """_offline.session() without its SDK defaults config: with any non-empty config (there, only
    TelemetryOptOut) the SDK re-validates the whole config against its JSON schema on every config
    lookup (~0.3 s each, several per step), which no user without a config file pays. Telemetry is
    switched off by replacing its sender instead (the network is blocked anyway)."""
    import boto3
    import sagemaker.telemetry.telemetry_logging as telemetry
    from sagemaker.workflow.pipeline_context import PipelineSession

    telemetry._send_telemetry_request = lambda *a, **k: None
    boto_session = boto3.Session(
        aws_access_key_id="AKIAFIDELITYSTUB0000", aws_secret_access_key="fidelity-stub-secret",
        region_name=_offline.REGION,
    )
    sess = PipelineSession(boto_session=boto_session, sagemaker_config={}, default_bucket=_offline.BUCKET)
    sess._default_bucket = _offline.BUCKET
    assert not sess.sagemaker_config, sess.sagemaker_config
    return sess


# A short bucket name keeps the 1,000-step definition under SageMaker's 1 MiB inline limit (as in
# benches/compile.rs; the provider rejects larger definitions).
BUCKET = "ml-bench"
SESSION = _offline.session() if os.environ.get("BENCH_SDK_FIDELITY_SESSION") == "1" else session()


def name(i):
    return f"Step{i:04d}"


def build(n):
    input_data = ParameterString(name="InputData", default_value=f"s3://{BUCKET}/input")
    num_round = ParameterInteger(name="NumRound", default_value=50)
    steps = []
    prev = None
    for i in range(1, n + 1):
        if prev is None:
            upstream = input_data
        elif isinstance(prev, TrainingStep):
            upstream = prev.properties.ModelArtifacts.S3ModelArtifacts
        else:
            upstream = prev.properties.ProcessingOutputConfig.Outputs["out"].S3Output.S3Uri
        if i % 10 == 0:
            estimator = Estimator(
                image_uri=XGBOOST_IMAGE, role=ROLE, instance_type=INSTANCE_TYPE, instance_count=1,
                output_path=f"s3://{BUCKET}/models",
                hyperparameters={"objective": "reg:squarederror", "num_round": num_round},
                sagemaker_session=SESSION,
            )
            step = TrainingStep(
                name=name(i),
                step_args=estimator.fit(inputs={"train": TrainingInput(s3_data=upstream, content_type="text/csv")}),
            )
        else:
            processor = Processor(
                image_uri=SKLEARN_IMAGE, entrypoint=["python3", "/opt/ml/code/step.py"], role=ROLE,
                instance_type=INSTANCE_TYPE, instance_count=1, sagemaker_session=SESSION,
            )
            step = ProcessingStep(
                name=name(i),
                step_args=processor.run(
                    inputs=[ProcessingInput(input_name="in", source=upstream, destination="/opt/ml/processing/input")],
                    outputs=[ProcessingOutput(
                        output_name="out", source="/opt/ml/processing/output",
                        destination=Join(on="/", values=[f"s3://{BUCKET}/bench", ExecutionVariables.PIPELINE_EXECUTION_ID, name(i), "out"]),
                    )],
                ),
            )
        steps.append(step)
        prev = step
    return Pipeline(name=f"bench-{n}", parameters=[input_data, num_round], steps=steps, sagemaker_session=SESSION)


def one(n):
    gc.collect()
    t0 = time.perf_counter()
    pipeline = build(n)
    t1 = time.perf_counter()
    text = pipeline.definition()
    t2 = time.perf_counter()
    return (t1 - t0) * 1e3, (t2 - t1) * 1e3, text


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", default="10,100,1000")
    ap.add_argument("--runs", type=int, default=0)
    ap.add_argument("--out")
    args = ap.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]

    _, _, text = one(10)  # warm-up, untimed; also a sanity check of the shape
    d = json.loads(text)
    assert len(d["Steps"]) == 10, len(d["Steps"])
    assert {"Get": "Steps.Step0001.ProcessingOutputConfig.Outputs['out'].S3Output.S3Uri"} in \
        [i["S3Input"]["S3Uri"] for i in d["Steps"][1]["Arguments"]["ProcessingInputs"] if i["InputName"] == "in"], "reference not compiled"

    results = []
    for n in sizes:
        runs = args.runs or (3 if n >= 1000 else 5)
        builds, defs = [], []
        for r in range(runs):
            b, t, text = one(n)
            builds.append(b)
            defs.append(t)
            print(f"[bench compiler] SDK {n} steps run {r + 1}/{runs}: build {b:.1f} ms, definition() {t:.1f} ms", file=sys.stderr)
        d = json.loads(text)
        assert len(d["Steps"]) == n
        results.append({
            "steps": n, "runs": runs,
            "definition_ms": statistics.median(defs), "definition_min_ms": min(defs),
            "build_ms": statistics.median(builds),
            "total_ms": statistics.median([b + t for b, t in zip(builds, defs)]),
            "definition_bytes": len(text),
        })
    out = json.dumps(results)
    if args.out:
        with open(args.out, "w") as f:
            f.write(out + "\n")
    else:
        _offline._REAL_STDOUT.write(out + "\n")


if __name__ == "__main__":
    main()
