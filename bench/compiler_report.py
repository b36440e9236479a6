"""Helper for bench/suites/compiler: prints the markdown section for docs/benchmarks.md from the
outputs of benches/compile.rs (--json, one object per size), bench/sdk_bench.py (a list) and the
cargo build check. Standard library only.

  compiler_report.py --ours JSONL --sdk JSON --cargo JSON --meta JSON
"""

import argparse
import json

TARGET_MS = 15.0  # issue 7: 1,000 steps, the step plan path and the pipeline compile each


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--ours", required=True)
    ap.add_argument("--sdk", required=True)
    ap.add_argument("--cargo", required=True)
    ap.add_argument("--meta", required=True)
    a = ap.parse_args()
    ours = {r["steps"]: r for r in (json.loads(l) for l in open(a.ours) if l.strip())}
    sdk = {r["steps"]: r for r in json.load(open(a.sdk))}
    cargo = json.load(open(a.cargo))
    meta = json.load(open(a.meta))
    sizes = sorted(ours)

    print(f"Run of {meta['date']} on {meta['machine']}; rustc {meta['rustc']}; {meta['git']}; "
          f"SageMaker Python SDK {meta['sdk_version']} on Python {meta['python']}. "
          f"Load average before/after: {meta['load_before']} / {meta['load_after']}; "
          f"other cargo/rustc/terraform processes before/after: {meta['others']}.")
    print()
    print("| steps | ours: plan path + pipeline, median | of which step plan path (decode + compile) | of which pipeline compile | µs per step | "
          "SDK `definition()`, median | SDK construction + `definition()` | SDK `definition()` / ours | definition size ours / SDK |")
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for n in sizes:
        o, s = ours[n], sdk.get(n)
        sdk_cols = (f"{s['definition_ms']:.1f} ms | {s['total_ms']:.1f} ms | {s['definition_ms'] / o['total_ms']:.0f}× | "
                    f"{o['definition_bytes'] / 1024:.0f} / {s['definition_bytes'] / 1024:.0f} KiB") if s else "– | – | – | –"
        print(f"| {n:,} | {o['total_ms']:.2f} ms | {o['steps_ms']:.2f} ms | {o['pipeline_ms']:.2f} ms | "
              f"{o['us_per_step']:.1f} | {sdk_cols} |")
    print()
    big = max(sizes)
    o = ours[big]
    if big >= 1000:
        def verdict(ms):
            return "**met**" if ms <= TARGET_MS else "**missed**"
        print(f"- Target (issue 7): at 1,000 steps, the step plan path and the pipeline compile each in ≤ {TARGET_MS:.0f} ms. "
              f"Step plan path (1,000 × decode + compile, what the step resources' PlanResourceChange calls run): "
              f"{o['steps_ms']:.1f} ms median (fastest iteration {o['steps_min_ms']:.1f} ms) — {verdict(o['steps_ms'])}; "
              f"pipeline compile (`definition::compile` of the 1,000-step definition, the pipeline's PlanResourceChange): "
              f"{o['pipeline_ms']:.1f} ms median (fastest {o['pipeline_min_ms']:.1f} ms) — {verdict(o['pipeline_ms'])}; "
              f"both together (what one `terraform plan` spends in the compiler): {o['total_ms']:.1f} ms median "
              f"(fastest {o['total_min_ms']:.1f} ms).")
    if 100 in ours and big > 100:
        r = ours[big]["us_per_step"] / ours[100]["us_per_step"]
        print(f"- Linearity: µs per step {ours[100]['us_per_step']:.1f} at 100 steps, {ours[big]['us_per_step']:.1f} at "
              f"{big:,} ({r:.2f}×; 1.00× = perfectly linear).")
        if 100 in sdk and big in sdk:
            rs = (sdk[big]["definition_ms"] / big) / (sdk[100]["definition_ms"] / 100)
            print(f"  SDK `definition()`: {sdk[100]['definition_ms'] / 100 * 1000:.0f} µs per step at 100, "
                  f"{sdk[big]['definition_ms'] / big * 1000:.0f} at {big:,} ({rs:.2f}×).")
    bd = o.get("breakdown_ms", {})
    if bd:
        parts = ", ".join(f"{k} {bd[k]:.1f}" for k in ("decode", "step_compile", "parse", "per_step", "validate", "assemble", "drop") if k in bd)
        print(f"- Where the {big:,}-step time goes (ms, medians of a separate loop over the public pieces): {parts} "
              f"(decode + step_compile = step plan path; parse … drop = pipeline).")
    if "golden_steps_ms" in o:
        print(f"- Not on the plan path: the {big:,} steps through `golden::compile` (the golden tests' entry point: builds the "
              f"schemas, decodes, validates and plans, compiling each step twice) take {o['golden_steps_ms']:.1f} ms.")
    it_ours = ", ".join("%d at %s" % (ours[n]["iters"], f"{n:,}") for n in sizes)
    it_sdk = ", ".join("%d at %s" % (sdk[n]["runs"], f"{n:,}") for n in sizes if n in sdk)
    print(f"- Iterations: ours {it_ours} (after {ours[sizes[0]]['warmup']} warm-up each); "
          f"SDK {it_sdk} fresh pipelines (after one 10-step warm-up).")
    built = cargo["built"]
    print(f"- Build reuse: after `cargo build --release`, `cargo bench --bench compile --no-run` compiled "
          f"{len(built)} target(s) ({', '.join(built) if built else 'none'}) and reused {cargo['fresh']} fresh artifacts: "
          f"the bench profile inherits from release and shares `target/release`.")
    print("- Commands: `cargo bench --bench compile` (or the executable it builds: "
          "`target/release/deps/compile-* --json --sizes 10,100,1000`) and "
          "`.tools/sdk-venv/bin/python bench/sdk_bench.py --sizes 10,100,1000`; both through `scripts/bench compiler`.")


if __name__ == "__main__":
    main()
