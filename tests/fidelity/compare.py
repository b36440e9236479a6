#!/usr/bin/env python3
"""Compares the pipeline definition the SageMaker Python SDK wrote with the one our provider
compiled, semantically.

Usage: compare.py [-v] SDK_JSON OURS_JSON
  exit 0: equal; exit 1: different (each difference printed as a path with both values);
  exit 2: usage error or unreadable JSON. -v also lists the SDK-only values normalisation removed.

1. The SDK side is normalised by normalize.py (documented SDK-only additions, §6 of
   shared/research/sagemaker-pipeline-definition.md), given OURS so that a key we do emit is
   compared rather than removed.
2. Both sides are then compared under these equivalences, and no others:
   E1  objects: key order is irrelevant; absent, null and [] are all different.
   E2  numbers compare numerically (1 == 1.0); booleans are not numbers (true != 1).
   E3  `Steps` (top level) and a Condition's `IfSteps`/`ElseSteps` are matched by `Name`, each list
       with its counterpart (a step that moved between lists is a difference); list order is
       irrelevant (§6 "Steps order ... irrelevant to service"). Top-level `Parameters` are
       matched by `Name`.
   E4  a step's `DependsOn` is a set (§4: names only, no order).
   E5  `Std:Join` is string concatenation: Join(On, [v1..vn]) is compared as the sequence
       v1 On v2 ... On vn with adjacent literal strings merged and empty strings dropped, so
       Join("/", ["s3:/", "b", {Get X}]) == Join("", ["s3://b/", {Get X}]) (the form the HCL
       `{{ }}` syntax compiles to). Non-string literals and expressions stay separate tokens, and a
       Join is never equal to a bare expression (the SDK's to-string wrapping of a non-String
       parameter stays a Join). A Join of literals only equals the joined string.
   Every other list is compared element by element, in order.
"""

import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from normalize import normalize  # noqa: E402

_MISSING = object()


class Join:
    """A Std:Join in canonical form: a list of tokens (merged literal strings or expressions)."""

    def __init__(self, tokens):
        self.tokens = tokens

    def render(self):
        return "join(" + ", ".join(_render(t) for t in self.tokens) + ")"


def _canon(v):
    """Canonical form for comparison: Std:Join -> Join (E5), recursively."""
    if isinstance(v, dict):
        if len(v) == 1 and isinstance(v.get("Std:Join"), dict):
            j = v["Std:Join"]
            on = j.get("On", "")
            values = j.get("Values")
            if isinstance(on, str) and isinstance(values, list) and set(j) <= {"On", "Values"}:
                return _canon_join(on, values)
        return {k: _canon(x) for k, x in v.items()}
    if isinstance(v, list):
        return [_canon(x) for x in v]
    return v


def _canon_join(on, values):
    seq = []
    for i, x in enumerate(values):
        if i > 0:
            seq.append(on)
        x = _canon(x)
        if isinstance(x, Join):  # a nested Join is concatenation too
            seq.extend(x.tokens)
        else:
            seq.append(x)
    tokens = []
    for x in seq:
        if isinstance(x, str):
            if x == "":
                continue
            if tokens and isinstance(tokens[-1], str):
                tokens[-1] += x
                continue
        tokens.append(x)
    if all(isinstance(t, str) for t in tokens):
        return "".join(tokens)
    return Join(tokens)


def _render(v, limit=240):
    if v is _MISSING:
        return "<missing>"
    if isinstance(v, Join):
        s = v.render()
    else:
        try:
            s = json.dumps(v, separators=(",", ":"), default=lambda o: o.render() if isinstance(o, Join) else str(o))
        except (TypeError, ValueError):
            s = repr(v)
    return s if len(s) <= limit else s[: limit - 3] + "..."


def _is_number(v):
    return isinstance(v, (int, float)) and not isinstance(v, bool)


class Differ:
    def __init__(self):
        self.diffs = []

    def add(self, path, a, b, note=""):
        self.diffs.append(f"{path}: sdk={_render(a)} ours={_render(b)}{note}")

    def value(self, a, b, path):
        if isinstance(a, Join) and isinstance(b, Join):
            if len(a.tokens) != len(b.tokens) or any(self._differs(x, y) for x, y in zip(a.tokens, b.tokens)):
                self.add(path, a, b)
            return
        if _is_number(a) and _is_number(b):
            if a != b:
                self.add(path, a, b)
            return
        if isinstance(a, dict) and isinstance(b, dict):
            self.obj(a, b, path)
            return
        if isinstance(a, list) and isinstance(b, list):
            self.seq(a, b, path)
            return
        if type(a) is not type(b) or a != b:
            self.add(path, a, b)

    def _differs(self, a, b):
        sub = Differ()
        sub.value(a, b, "")
        return bool(sub.diffs)

    def obj(self, a, b, path, step_level=False, condition_args=False, root=False):
        for k in list(a) + [k for k in b if k not in a]:
            p = f"{path}.{k}" if path else k
            x, y = a.get(k, _MISSING), b.get(k, _MISSING)
            if x is _MISSING or y is _MISSING:
                self.add(p, x, y)
            elif ((root and k == "Steps") or (condition_args and k in ("IfSteps", "ElseSteps"))) and (
                isinstance(x, list) and isinstance(y, list)
            ):
                self.named(x, y, p, steps=True)  # E3
            elif root and k == "Parameters" and isinstance(x, list) and isinstance(y, list):
                self.named(x, y, p, steps=False)  # E3
            elif step_level and k == "DependsOn" and isinstance(x, list) and isinstance(y, list):
                self.depends_on(x, y, p)  # E4
            elif step_level and k == "Arguments" and isinstance(x, dict) and isinstance(y, dict):
                self.obj(x, y, p, condition_args=a.get("Type") == "Condition" and b.get("Type") == "Condition")
            else:
                self.value(x, y, p)

    def named(self, a, b, path, steps):
        def index(items, side):
            by_name, order = {}, []
            for i, item in enumerate(items):
                name = item.get("Name") if isinstance(item, dict) else None
                if not isinstance(name, str):
                    self.diffs.append(f"{path}[{i}]: {side} item has no Name: {_render(item)}")
                    continue
                if name in by_name:
                    self.diffs.append(f"{path}[{name}]: {side} has the name twice")
                    continue
                by_name[name] = item
                order.append(name)
            return by_name, order

        sa, oa = index(a, "sdk")
        sb, ob = index(b, "ours")
        for name in oa + [n for n in ob if n not in sa]:
            p = f"{path}[{name}]"
            x, y = sa.get(name, _MISSING), sb.get(name, _MISSING)
            if x is _MISSING or y is _MISSING:
                self.add(p, _summary(x), _summary(y))
            elif steps:
                self.obj(x, y, p, step_level=True)
            else:
                self.value(x, y, p)

    def depends_on(self, a, b, path):
        key = lambda v: json.dumps(v, sort_keys=True)  # noqa: E731
        ka, kb = {key(v): v for v in a}, {key(v): v for v in b}
        if set(ka) != set(kb):
            only_a = [ka[k] for k in ka if k not in kb]
            only_b = [kb[k] for k in kb if k not in ka]
            self.add(path, a, b, f" (as sets: only sdk {_render(only_a)}, only ours {_render(only_b)})")

    def seq(self, a, b, path):
        for i in range(max(len(a), len(b))):
            x = a[i] if i < len(a) else _MISSING
            y = b[i] if i < len(b) else _MISSING
            if x is _MISSING or y is _MISSING:
                self.add(f"{path}[{i}]", x, y)
            else:
                self.value(x, y, f"{path}[{i}]")


def _summary(step):
    if step is _MISSING or not isinstance(step, dict):
        return step
    return {k: step[k] for k in ("Name", "Type") if k in step} or step


def compare(sdk, ours):
    """Returns (differences, normalisations applied to the SDK side)."""
    normalised, applied = normalize(sdk, ours)
    d = Differ()
    a, b = _canon(normalised), _canon(ours)
    if isinstance(a, dict) and isinstance(b, dict):
        d.obj(a, b, "", root=True)
    else:
        d.value(a, b, "<root>")
    return d.diffs, applied


def _load(path, side):
    try:
        with open(path) as f:
            return json.load(f)
    except (OSError, ValueError) as e:
        print(f"compare.py: cannot read {side} definition {path}: {e}", file=sys.stderr)
        sys.exit(2)


def main(argv):
    args = argv[1:]
    verbose = "-v" in args
    args = [a for a in args if a != "-v"]
    if len(args) != 2:
        print("usage: compare.py [-v] SDK_JSON OURS_JSON", file=sys.stderr)
        return 2
    sdk, ours = _load(args[0], "SDK"), _load(args[1], "our")
    diffs, applied = compare(sdk, ours)
    if verbose:
        for path, rule in applied:
            print(f"normalised (SDK only): removed {path} [{rule}]")
    if diffs:
        for line in diffs:
            print(line)
        print(f"compare: {len(diffs)} difference(s) between {args[0]} (sdk) and {args[1]} (ours)")
        return 1
    print(f"compare: equal ({len(applied)} SDK-only value(s) normalised)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
