#!/usr/bin/env python3
"""Checks compare.py and normalize.py against real SDK output (no provider needed).

Usage: selftest.py [DIR]
  DIR holds CASE.json files written by `run_sdk.sh CASE DIR/CASE.json`; without DIR every case is
  built with the SDK first (into a temporary folder).

For every case: (1) the SDK output equals itself; (2) it equals an "ours-like" rewrite of itself
(SDK-only additions removed, Std:Join rewritten to the On:"" form `{{ }}` compiles to, 2.0 -> 2,
keys sorted, steps/parameters/DependsOn reordered); (3) the normalisations are withheld where
ours has the key. Then perturbations of that rewrite must each produce exactly the expected
difference lines. Prints 'N passed, N failed' and exits non-zero on any failure.
"""

import copy
import json
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from compare import Join, _canon_join, compare  # noqa: E402

results = {"passed": 0, "failed": 0}


def check(name, ok, detail=""):
    if ok:
        results["passed"] += 1
        print(f"ok   {name}")
    else:
        results["failed"] += 1
        print(f"FAIL {name}\n{detail}")


def to_on_empty_joins(v):
    """Rewrites every Std:Join to the On:"" concatenation form (what `{{ }}` strings compile to)."""
    if isinstance(v, dict):
        if len(v) == 1 and isinstance(v.get("Std:Join"), dict):
            c = _canon_join(v["Std:Join"].get("On", ""), v["Std:Join"]["Values"])
            if isinstance(c, Join):
                return {"Std:Join": {"On": "", "Values": [to_on_empty_joins(t) for t in c.tokens]}}
            return c
        return {k: to_on_empty_joins(x) for k, x in v.items()}
    if isinstance(v, list):
        return [to_on_empty_joins(x) for x in v]
    if isinstance(v, float) and v.is_integer():
        return int(v)
    return v


def all_steps(steps):
    for s in steps:
        yield s
        if s.get("Type") == "Condition":
            yield from all_steps(s["Arguments"].get("IfSteps", []))
            yield from all_steps(s["Arguments"].get("ElseSteps", []))


def as_ours(sdk):
    """What our compiler is expected to emit for the same pipeline, minus SDK-only additions."""
    d = copy.deepcopy(sdk)
    d.pop("PipelineExperimentConfig", None)
    for s in all_steps(d["Steps"]):
        a = s.get("Arguments", {})
        if s["Type"] == "Training":
            a.pop("DebugHookConfig", None)
            a.pop("ProfilerConfig", None)
        if s["Type"] == "Model" and a.get("PrimaryContainer", {}).get("Environment") == {}:
            del a["PrimaryContainer"]["Environment"]
        if s["Type"] == "RegisterModel":
            a.pop("SkipModelValidation", None)
            for c in a["InferenceSpecification"]["Containers"]:
                if c.get("Environment") == {}:
                    del c["Environment"]
            for k in ("Bias", "Explainability"):
                if a.get("ModelMetrics", {}).get(k) == {}:
                    del a["ModelMetrics"][k]
        if "DependsOn" in s:
            s["DependsOn"] = list(reversed(s["DependsOn"]))
    d["Steps"] = list(reversed(d["Steps"]))
    d["Parameters"] = list(reversed(d["Parameters"]))
    return json.loads(json.dumps(to_on_empty_joins(d), sort_keys=True))


def step(d, name):
    for s in all_steps(d["Steps"]):
        if s["Name"] == name:
            return s
    raise KeyError(name)


def perturb(case, ours):
    """(description, mutate(ours), expected difference lines) for the case, or []."""
    p = []
    if case == "process_train_model":
        def f1(o):
            del step(o, "Train")["Arguments"]["ResourceConfig"]["VolumeSizeInGB"]
        p.append(("missing training volume", f1, ["Steps[Train].Arguments.ResourceConfig.VolumeSizeInGB: sdk=30 ours=<missing>"]))

        def f2(o):
            step(o, "Preprocess")["Arguments"]["ProcessingResources"]["ClusterConfig"]["InstanceCount"] = True
        p.append(("bool is not a number", f2, ["Steps[Preprocess].Arguments.ProcessingResources.ClusterConfig.InstanceCount: sdk=1 ours=true"]))

        def f3(o):
            out = step(o, "Preprocess")["Arguments"]["ProcessingOutputConfig"]["Outputs"][0]["S3Output"]
            out["S3Uri"]["Std:Join"]["Values"][-1] = "/Preprocess/output/TRAIN"
        p.append(("join literal", f3, [
            "Steps[Preprocess].Arguments.ProcessingOutputConfig.Outputs[0].S3Output.S3Uri: "
            'sdk=join("s3://sagemaker-us-east-1-123456789012/fidelity-process-train-model/", {"Get":"Execution.PipelineExecutionId"}, "/Preprocess/output/train") '
            'ours=join("s3://sagemaker-us-east-1-123456789012/fidelity-process-train-model/", {"Get":"Execution.PipelineExecutionId"}, "/Preprocess/output/TRAIN")'
        ]))

        def f4(o):
            hp = step(o, "Train")["Arguments"]["HyperParameters"]
            hp["num_round"] = {"Get": "Parameters.NumRound"}
        p.append(("to-string Join is not a bare Get", f4, [
            'Steps[Train].Arguments.HyperParameters.num_round: sdk=join({"Get":"Parameters.NumRound"}) ours={"Get":"Parameters.NumRound"}'
        ]))

        def f5(o):
            o["Parameters"][0]["DefaultValue"] = 51
        p.append(("parameter default", f5, ["Parameters[NumRound].DefaultValue: sdk=50 ours=51"]))

        def f6(o):
            a = step(o, "Train")["Arguments"]
            a["DebugHookConfig"] = {"S3OutputPath": "s3://elsewhere", "CollectionConfigurations": []}
        p.append(("emitted SDK-only key is compared", f6, [
            'Steps[Train].Arguments.DebugHookConfig.S3OutputPath: sdk="s3://sagemaker-us-east-1-123456789012/models" ours="s3://elsewhere"'
        ]))

        def f7(o):
            step(o, "CreateModel-CreateModel")["Name"] = "CreateModel"
        p.append(("renamed step", f7, [
            'Steps[CreateModel-CreateModel]: sdk={"Name":"CreateModel-CreateModel","Type":"Model"} ours=<missing>',
            'Steps[CreateModel]: sdk=<missing> ours={"Name":"CreateModel","Type":"Model"}',
        ]))

        def f8(o):
            ins = step(o, "Preprocess")["Arguments"]["ProcessingInputs"]
            ins.reverse()
        p.append(("input order matters", f8, [
            'Steps[Preprocess].Arguments.ProcessingInputs[0].InputName: sdk="input-1" ours="code"',
            'Steps[Preprocess].Arguments.ProcessingInputs[0].S3Input.LocalPath: sdk="/opt/ml/processing/input" ours="/opt/ml/processing/input/code"',
            'Steps[Preprocess].Arguments.ProcessingInputs[0].S3Input.S3Uri: sdk={"Get":"Parameters.InputData"} ours="s3://sagemaker-us-east-1-123456789012/code/preprocess.py"',
            'Steps[Preprocess].Arguments.ProcessingInputs[1].InputName: sdk="code" ours="input-1"',
            'Steps[Preprocess].Arguments.ProcessingInputs[1].S3Input.LocalPath: sdk="/opt/ml/processing/input/code" ours="/opt/ml/processing/input"',
            'Steps[Preprocess].Arguments.ProcessingInputs[1].S3Input.S3Uri: sdk="s3://sagemaker-us-east-1-123456789012/code/preprocess.py" ours={"Get":"Parameters.InputData"}',
        ]))

        def f9(o):
            o["PipelineExperimentConfig"] = None
        p.append(("experiment config disabled vs SDK default", f9, [
            'PipelineExperimentConfig: sdk={"ExperimentName":{"Get":"Execution.PipelineName"},"TrialName":{"Get":"Execution.PipelineExecutionId"}} ours=null'
        ]))
    elif case == "condition_fail":
        def g1(o):
            cond = step(o, "CheckMse")
            moved = cond["Arguments"]["IfSteps"].pop()
            o["Steps"].append(moved)
        p.append(("branch step moved to top level", g1, [
            'Steps[RegisterModel-RegisterModel]: sdk=<missing> ours={"Name":"RegisterModel-RegisterModel","Type":"RegisterModel"}',
            'Steps[CheckMse].Arguments.IfSteps[RegisterModel-RegisterModel]: sdk={"Name":"RegisterModel-RegisterModel","Type":"RegisterModel"} ours=<missing>',
        ]))

        def g2(o):
            step(o, "MseTooHigh")["Arguments"]["ErrorMessage"] = {
                "Std:Join": {"On": "", "Values": ["MSE above threshold", {"Get": "Parameters.MseThreshold"}]}
            }
        p.append(("fail message separator", g2, [
            'Steps[CheckMse].Arguments.ElseSteps[MseTooHigh].Arguments.ErrorMessage: sdk=join("MSE above threshold ", {"Get":"Parameters.MseThreshold"}) '
            'ours=join("MSE above threshold", {"Get":"Parameters.MseThreshold"})'
        ]))

        def g3(o):
            step(o, "CheckMse")["Arguments"]["Conditions"][0]["Type"] = "LessThan"
        p.append(("condition type", g3, ['Steps[CheckMse].Arguments.Conditions[0].Type: sdk="LessThanOrEqualTo" ours="LessThan"']))

        def g4(o):
            step(o, "RegisterModel-RegisterModel")["Arguments"]["SkipModelValidation"] = "All"
        p.append(("SkipModelValidation emitted differently", g4, [
            'Steps[CheckMse].Arguments.IfSteps[RegisterModel-RegisterModel].Arguments.SkipModelValidation: sdk="None" ours="All"'
        ]))
    elif case == "lambda_callback":
        def h1(o):
            step(o, "HumanReview")["DependsOn"] = ["Preprocess"]
        p.append(("DependsOn as a set", h1, [
            'Steps[HumanReview].DependsOn: sdk=["Preprocess","Notify"] ours=["Preprocess"] (as sets: only sdk ["Notify"], only ours [])'
        ]))

        def h2(o):
            step(o, "Notify")["OutputParameters"][1]["OutputType"] = "String"
        p.append(("lambda output type", h2, ['Steps[Notify].OutputParameters[1].OutputType: sdk="Integer" ours="String"']))
    elif case == "retry_cache":
        def r1(o):
            step(o, "Prep")["RetryPolicies"][1]["BackoffRate"] = 2
        p.append(("backoff rate", r1, ["Steps[Prep].RetryPolicies[1].BackoffRate: sdk=1.5 ours=2"]))

        def r2(o):
            del step(o, "Prep")["CacheConfig"]["ExpireAfter"]
        p.append(("cache expiry", r2, ['Steps[Prep].CacheConfig.ExpireAfter: sdk="P30D" ours=<missing>']))
    elif case == "register_model":
        def m1(o):
            step(o, "Register-RegisterModel")["Arguments"]["ModelMetrics"]["Bias"] = {"Report": {"ContentType": "x", "S3Uri": "s3://b/k"}}
        p.append(("non-empty Bias is compared", m1, [
            'Steps[Register-RegisterModel].Arguments.ModelMetrics.Bias.Report: sdk=<missing> ours={"ContentType":"x","S3Uri":"s3://b/k"}'
        ]))
    elif case == "transform":
        def t1(o):
            step(o, "BatchScore")["Arguments"]["ModelName"] = {"Get": "Steps.CreateModel.ModelName"}
        p.append(("model reference", t1, [
            'Steps[BatchScore].Arguments.ModelName.Get: sdk="Steps.CreateModel-CreateModel.ModelName" ours="Steps.CreateModel.ModelName"'
        ]))
    return p


def main(argv):
    cases = sorted(
        os.path.basename(f)[:-3] for f in os.listdir(os.path.join(HERE, "sdk")) if f.endswith(".py") and not f.startswith("_")
    )
    tmp = None
    if len(argv) > 1:
        folder = argv[1]
    else:
        tmp = tempfile.TemporaryDirectory()
        folder = tmp.name
        for c in cases:
            subprocess.run([os.path.join(HERE, "run_sdk.sh"), c, os.path.join(folder, f"{c}.json")], check=True)
    for c in cases:
        with open(os.path.join(folder, f"{c}.json")) as f:
            sdk = json.load(f)
        diffs, _ = compare(sdk, sdk)
        check(f"{c}: SDK output equals itself", not diffs, "\n".join(diffs))
        ours = as_ours(sdk)
        diffs, applied = compare(sdk, ours)
        check(f"{c}: equals its ours-like rewrite ({len(applied)} normalised)", not diffs, "\n".join(diffs))
        for desc, mutate, expected in perturb(c, ours):
            o = copy.deepcopy(ours)
            mutate(o)
            diffs, _ = compare(sdk, o)
            check(
                f"{c}: perturbation '{desc}' reported precisely",
                sorted(diffs) == sorted(expected),
                "expected:\n  " + "\n  ".join(expected) + "\ngot:\n  " + "\n  ".join(diffs),
            )
    print(f"{results['passed']} passed, {results['failed']} failed")
    return 1 if results["failed"] else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
