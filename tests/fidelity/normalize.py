#!/usr/bin/env python3
"""Removes the documented SDK-only additions from a pipeline definition written by the SageMaker
Python SDK 2.x, so it can be compared with the definition our provider compiles.

Usage: normalize.py SDK_JSON [--ours OURS_JSON]     prints the normalised SDK definition

Only the SDK side is normalised, and only by the rules below. Each rule cites the row of
shared/research/sagemaker-pipeline-definition.md §6 ("What the Python SDK adds/changes
automatically") that it implements. Each rule removes one value only when it is exactly the
SDK's automatic value (a user-set value is never removed), and, when OURS is given, only where
our definition lacks that key at the same place: if we emit the key, it is compared like any
other field. Everything else in §6 is NOT normalised, because our compiler emits it the way the
SDK does (DESIGN.md: "emits every field the SageMaker API requires for the job, with the SDK's
defaults", "job and model names are left out, as the SDK does"):
  Version; Metadata {} (src/compiler/definition.rs emits it); Parameters (even []); the removed
  job/model names; ExperimentConfig; HyperParameters' Std:Join wrapping of non-string
  parameters; processing input/output names (input-N, output-N, code: the HCL must use the same
  names), AppManaged:false, the S3Input/S3Output defaults, the code input and ContainerEntrypoint;
  ClusterConfig.VolumeSizeInGB 30; the training defaults (TrainingInputMode File, VolumeSizeInGB
  30, MaxRuntimeInSeconds 86400, channel S3 defaults); ModelStep sub-step names (<n>-CreateModel,
  <n>-RegisterModel); explicit DependsOn.
The equivalences that apply to both sides (numbers, DependsOn as a set, Std:Join as string
concatenation, steps and parameters matched by name) live in compare.py.
"""

import copy
import json
import sys

# §6 row "top level": the SDK default `PipelineExperimentConfig` (us-east-1 is in
# EXPERIMENTS_REGIONS, so SDK 2.x always writes it unless the user disables or sets it).
SDK_DEFAULT_EXPERIMENT_CONFIG = {
    "ExperimentName": {"Get": "Execution.PipelineName"},
    "TrialName": {"Get": "Execution.PipelineExecutionId"},
}

_MISSING = object()


class Normalizer:
    """Applies the rules to a deep copy of the SDK definition; `applied` lists what was removed."""

    def __init__(self, sdk, ours=None):
        self.sdk = copy.deepcopy(sdk)
        self.ours = ours
        self.applied = []  # (path, rule id)

    # -- helpers -----------------------------------------------------------------------------

    def _ours_lacks(self, ours_obj, key):
        """True when the rule may fire: no OURS given, OURS has no such object, or it lacks `key`."""
        if self.ours is None or not isinstance(ours_obj, dict):
            return True
        return key not in ours_obj

    def _drop(self, obj, key, ours_obj, path, rule):
        if self._ours_lacks(ours_obj, key):
            del obj[key]
            self.applied.append((f"{path}.{key}" if path else key, rule))

    @staticmethod
    def _get(obj, *keys):
        for k in keys:
            if isinstance(k, int):
                if not isinstance(obj, list) or k >= len(obj):
                    return None
                obj = obj[k]
            else:
                if not isinstance(obj, dict) or k not in obj:
                    return None
                obj = obj[k]
        return obj

    # -- driver ------------------------------------------------------------------------------

    def run(self):
        ours_top = self.ours if isinstance(self.ours, dict) else None
        self._top_level(self.sdk, ours_top)
        self._steps(self.sdk.get("Steps"), ours_top.get("Steps") if ours_top else None, "Steps")
        return self.sdk

    def _top_level(self, d, ours):
        # R1 — §6 row "top level": `PipelineExperimentConfig` default
        # {ExperimentName: Get Execution.PipelineName, TrialName: Get Execution.PipelineExecutionId}
        # is added by the SDK when the user configured none. Removed only if it is exactly that
        # default (a user config or an explicit null is kept and compared).
        if d.get("PipelineExperimentConfig", _MISSING) == SDK_DEFAULT_EXPERIMENT_CONFIG:
            self._drop(d, "PipelineExperimentConfig", ours, "", "R1")
        # R2 — §6 row "top level": v3 adds `MlflowConfig` (null when unset). Harmless for 2.x.
        if "MlflowConfig" in d and d["MlflowConfig"] is None:
            self._drop(d, "MlflowConfig", ours, "", "R2")

    def _steps(self, steps, ours_steps, path):
        if not isinstance(steps, list):
            return
        ours_by_name = {}
        if isinstance(ours_steps, list):
            for s in ours_steps:
                if isinstance(s, dict) and isinstance(s.get("Name"), str):
                    ours_by_name.setdefault(s["Name"], s)
        for step in steps:
            if not isinstance(step, dict):
                continue
            name = step.get("Name")
            ours_step = ours_by_name.get(name) if self.ours is not None else None
            spath = f"{path}[{name}]"
            self._step(step, ours_step, spath)
            if step.get("Type") == "Condition":
                args = step.get("Arguments") or {}
                ours_args = self._get(ours_step, "Arguments") or {}
                for branch in ("IfSteps", "ElseSteps"):
                    self._steps(args.get(branch), ours_args.get(branch), f"{spath}.Arguments.{branch}")

    def _step(self, step, ours_step, spath):
        stype = step.get("Type")
        args = step.get("Arguments")
        ours_args = self._get(ours_step, "Arguments")
        apath = f"{spath}.Arguments"
        if stype == "Training" and isinstance(args, dict):
            self._training(args, ours_args, apath)
        elif stype == "Model" and isinstance(args, dict):
            self._model(args, ours_args, apath)
        elif stype == "RegisterModel" and isinstance(args, dict):
            self._register_model(args, ours_args, apath)
        elif stype == "Lambda":
            # R7 — §6 row "Lambda": `OutputParameters` is always present, `[]` when the step has
            # no outputs.
            if step.get("OutputParameters", _MISSING) == []:
                self._drop(step, "OutputParameters", ours_step, spath, "R7")

    def _training(self, args, ours_args, apath):
        # R3 — §6 row "training": in Debugger/Profiler regions the SDK adds
        # DebugHookConfig{S3OutputPath=<output path>, CollectionConfigurations:[]} and
        # ProfilerConfig{S3OutputPath=<output path>, DisableProfiler:false}. Removed only in
        # exactly that default form (output path = OutputDataConfig.S3OutputPath).
        out = self._get(args, "OutputDataConfig", "S3OutputPath")
        if args.get("DebugHookConfig", _MISSING) == {"S3OutputPath": out, "CollectionConfigurations": []}:
            self._drop(args, "DebugHookConfig", ours_args, apath, "R3")
        if args.get("ProfilerConfig", _MISSING) == {"S3OutputPath": out, "DisableProfiler": False}:
            self._drop(args, "ProfilerConfig", ours_args, apath, "R3")

    def _empty_environment(self, container, ours_container, cpath, rule):
        if isinstance(container, dict) and container.get("Environment", _MISSING) == {}:
            self._drop(container, "Environment", ours_container, cpath, rule)

    def _model(self, args, ours_args, apath):
        # R4 — §6 row "model": `PrimaryContainer.Environment: {}` is always present (also in each
        # of `Containers[]`). An empty environment is removed; a non-empty one is compared.
        self._empty_environment(
            args.get("PrimaryContainer"), self._get(ours_args, "PrimaryContainer"), f"{apath}.PrimaryContainer", "R4"
        )
        for i, c in enumerate(args.get("Containers") or []):
            self._empty_environment(c, self._get(ours_args, "Containers", i), f"{apath}.Containers[{i}]", "R4")

    def _register_model(self, args, ours_args, apath):
        # R5 — §6 row "RegisterModel": `SkipModelValidation: "None"` is added by default.
        if args.get("SkipModelValidation", _MISSING) == "None":
            self._drop(args, "SkipModelValidation", ours_args, apath, "R5")
        # R4 — §6 row "model" (and §7 example B): the same always-present `Environment: {}` in
        # InferenceSpecification.Containers[].
        containers = self._get(args, "InferenceSpecification", "Containers") or []
        for i, c in enumerate(containers):
            self._empty_environment(
                c,
                self._get(ours_args, "InferenceSpecification", "Containers", i),
                f"{apath}.InferenceSpecification.Containers[{i}]",
                "R4",
            )
        # R6 — §6 row "RegisterModel" (GAP: not yet listed in §6; observed in SDK 2.257.7 and in
        # SDK2 `model_metrics.py ModelMetrics._to_request_dict`, which always writes `Bias` and
        # `Explainability`, `{}` when the user gave none of their reports). Empty ones removed.
        metrics = args.get("ModelMetrics")
        if isinstance(metrics, dict):
            ours_metrics = self._get(ours_args, "ModelMetrics")
            for key in ("Bias", "Explainability"):
                if metrics.get(key, _MISSING) == {}:
                    self._drop(metrics, key, ours_metrics, f"{apath}.ModelMetrics", "R6")


def normalize(sdk, ours=None):
    """Returns (normalised copy of `sdk`, [(path, rule), ...] of what was removed)."""
    n = Normalizer(sdk, ours)
    result = n.run()
    return result, n.applied


def main(argv):
    args = list(argv[1:])
    ours = None
    if "--ours" in args:
        i = args.index("--ours")
        if i + 1 >= len(args):
            print("normalize.py: --ours needs a file", file=sys.stderr)
            return 2
        with open(args[i + 1]) as f:
            ours = json.load(f)
        del args[i : i + 2]
    if len(args) != 1:
        print("usage: normalize.py SDK_JSON [--ours OURS_JSON]", file=sys.stderr)
        return 2
    with open(args[0]) as f:
        sdk = json.load(f)
    result, applied = normalize(sdk, ours)
    for path, rule in applied:
        print(f"normalize: removed {path} ({rule})", file=sys.stderr)
    print(json.dumps(result, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
