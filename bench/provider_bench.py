"""Helper for bench/suites/provider (run by scripts/bench; standard library only).

  provider_bench.py client-cert DIR
      Writes DIR/client.pem: a self-signed, CA-flagged ECDSA P-521 certificate like the one
      Terraform (go-plugin AutoMTLS) passes in PLUGIN_CLIENT_CERT. Uses openssl when present,
      else the `cryptography` package (which moto pulls into .tools/venv).

  provider_bench.py handshake --runs N --warmup W --cert PEM --out JSON NAME=BINARY ...
      Start-to-handshake: spawns each binary with Terraform's plugin environment, times (monotonic
      clock, in this process) from just before posix_spawn to the first complete stdout line,
      then reads its VmHWM (the RSS it reached by the handshake), SIGKILLs and reaps it. Runs are interleaved in ABBA order so drift (other load, CPU frequency) hits
      every binary alike. W unrecorded warm-up runs each come first (page cache).

  provider_bench.py rss-log NAME LOG
      Summarises the log the RSS wrapper (bench/rss_wrapper.py) wrote during one terraform plan.

  provider_bench.py report --handshake JSON --rss JSON ... --meta JSON
      Prints the markdown section for docs/benchmarks.md.
"""

import argparse
import json
import os
import select
import shutil
import signal
import statistics
import subprocess
import sys
import time

MAGIC_COOKIE = "d602bf8f470bc67ca7faa0386276bbdd4330efaf76d1a219cb4d6991ca9872b2"


# ----------------------------------------------------------------------------------------------
# Client certificate


def client_cert(directory):
    pem = os.path.join(directory, "client.pem")
    key = os.path.join(directory, "client.key")
    if shutil.which("openssl"):
        subprocess.run(
            [
                "openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-521",
                "-sha512", "-nodes", "-days", "1", "-keyout", key, "-out", pem,
                "-subj", "/O=HashiCorp/CN=localhost",
                "-addext", "basicConstraints=critical,CA:TRUE",
                "-addext", "keyUsage=critical,digitalSignature,keyEncipherment,keyCertSign",
                "-addext", "extendedKeyUsage=clientAuth,serverAuth",
                "-addext", "subjectAltName=DNS:localhost",
            ],
            check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        return pem
    import datetime
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

    k = ec.generate_private_key(ec.SECP521R1())
    name = x509.Name([x509.NameAttribute(NameOID.ORGANIZATION_NAME, "HashiCorp"),
                      x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    now = datetime.datetime.now(datetime.timezone.utc)
    cert = (
        x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(k.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(seconds=30)).not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(x509.KeyUsage(True, False, True, False, False, True, False, False, False), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.CLIENT_AUTH, ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .add_extension(x509.SubjectAlternativeName([x509.DNSName("localhost")]), critical=False)
        .sign(k, hashes.SHA512())
    )
    with open(pem, "wb") as f:
        f.write(cert.public_bytes(serialization.Encoding.PEM))
    return pem


# ----------------------------------------------------------------------------------------------
# Start-to-handshake


def plugin_env(cert_pem, tmpdir):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TF_LOG", "PLUGIN_"))}
    env.update({
        "TF_PLUGIN_MAGIC_COOKIE": MAGIC_COOKIE,
        "PLUGIN_PROTOCOL_VERSIONS": "5,6",
        "PLUGIN_MIN_PORT": "10000",
        "PLUGIN_MAX_PORT": "25000",
        "PLUGIN_CLIENT_CERT": cert_pem,
        # Both providers create their unix socket in the temp dir; a SIGKILLed plugin leaves it
        # behind, so the caller passes a private folder and removes it afterwards.
        "TMPDIR": tmpdir,
    })
    return env


def one_handshake(binary, env, stderr_fd, timeout=30.0):
    """Returns (seconds to the first stdout line, the line, ru_maxrss KiB at kill)."""
    r, w = os.pipe()
    devnull = os.open(os.devnull, os.O_RDONLY)
    actions = [
        (os.POSIX_SPAWN_DUP2, devnull, 0),
        (os.POSIX_SPAWN_DUP2, w, 1),
        (os.POSIX_SPAWN_DUP2, stderr_fd, 2),
    ]
    t0 = time.monotonic_ns()
    pid = os.posix_spawn(binary, [binary], env, file_actions=actions)
    os.close(w)
    os.close(devnull)
    buf = b""
    deadline = time.monotonic() + timeout
    try:
        while b"\n" not in buf:
            left = deadline - time.monotonic()
            if left <= 0:
                raise RuntimeError(f"{binary}: no handshake line within {timeout:.0f} s")
            ready, _, _ = select.select([r], [], [], left)
            if not ready:
                continue
            chunk = os.read(r, 65536)
            if not chunk:
                raise RuntimeError(f"{binary}: exited before printing a handshake line")
            buf += chunk
        t1 = time.monotonic_ns()
        # The process's own peak RSS so far. (Not wait4's ru_maxrss: with posix_spawn's CLONE_VM
        # the kernel charges this Python parent's RSS to the child at exec.)
        hwm = 0
        try:
            with open(f"/proc/{pid}/status") as f:
                for l in f:
                    if l.startswith("VmHWM:"):
                        hwm = int(l.split()[1])
        except OSError:
            pass
    finally:
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        os.wait4(pid, 0)
        os.close(r)
    line = buf.split(b"\n", 1)[0].decode("utf-8", "replace").strip()
    if not line.startswith("1|") or len(line.split("|")) < 6:
        raise RuntimeError(f"{binary}: first stdout line is not a go-plugin handshake: {line[:120]!r}")
    return (t1 - t0) / 1e9, line, hwm


def percentile(values, p):
    """Linear interpolation between closest ranks (numpy's default)."""
    s = sorted(values)
    if len(s) == 1:
        return s[0]
    k = (len(s) - 1) * p / 100.0
    f = int(k)
    c = min(f + 1, len(s) - 1)
    return s[f] + (s[c] - s[f]) * (k - f)


def handshake(args):
    with open(args.cert) as f:
        cert_pem = f.read()
    binaries = []
    for spec in args.binaries:
        name, _, path = spec.partition("=")
        binaries.append((name, os.path.abspath(path)))
    env = plugin_env(cert_pem, args.tmpdir)
    err_path = os.path.join(args.tmpdir, "stderr.log")
    err_fd = os.open(err_path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
    times = {n: [] for n, _ in binaries}
    rss = {n: [] for n, _ in binaries}
    lines = {}
    total = args.warmup + args.runs
    for i in range(total):
        order = binaries if i % 2 == 0 else list(reversed(binaries))  # ABBA
        for name, path in order:
            try:
                secs, line, maxrss = one_handshake(path, env, err_fd)
            except RuntimeError as e:
                os.close(err_fd)
                with open(err_path, errors="replace") as f:
                    tail = f.read()[-2000:]
                sys.exit(f"bench: {e}\nstderr so far:\n{tail}")
            fields = line.split("|")
            addr = os.path.dirname(fields[3]) + "/" if fields[2] == "unix" else fields[3]
            lines[name] = "|".join(fields[:3] + [addr.replace(args.tmpdir, "$TMPDIR"), fields[4]]) + f"|<cert: {len(fields[5])} base64 chars>"
            if i >= args.warmup:
                times[name].append(secs * 1000.0)
                rss[name].append(maxrss)
        if sys.stderr.isatty():
            print(f"  handshake run {i + 1}/{total}{' (warm-up)' if i < args.warmup else ''}", file=sys.stderr, end="\r")
    if sys.stderr.isatty():
        print(file=sys.stderr)
    os.close(err_fd)
    out = {}
    for name, path in binaries:
        t = times[name]
        out[name] = {
            "binary": path,
            "runs": len(t),
            "warmup": args.warmup,
            "median_ms": statistics.median(t),
            "p90_ms": percentile(t, 90),
            "min_ms": min(t),
            "max_ms": max(t),
            "mean_ms": statistics.fmean(t),
            "handshake": lines[name],
            "rss_at_handshake_kib_median": statistics.median(rss[name]),
            "samples_ms": [round(x, 3) for x in t],
        }
        print(f"  {name:8s} median {out[name]['median_ms']:7.2f} ms  p90 {out[name]['p90_ms']:7.2f} ms  "
              f"min {out[name]['min_ms']:7.2f} ms  RSS at handshake {out[name]['rss_at_handshake_kib_median'] / 1024:.1f} MiB  "
              f"[{lines[name]}]", file=sys.stderr)
    with open(args.out, "w") as f:
        json.dump(out, f, indent=1)


# ----------------------------------------------------------------------------------------------
# RSS log of one or more plans


def rss_log(args):
    starts, ends = [], []
    with open(args.log) as f:
        for raw in f:
            rec = json.loads(raw)
            (starts if rec["event"] == "start" else ends).append(rec)
    ended = {r["wrapper_pid"] for r in ends}
    lost = [r for r in starts if r["wrapper_pid"] not in ended]
    procs = [{"maxrss_kib": r["maxrss_kib"], "status": r["status"], "args": r["args"],
              "plan": r.get("plan"), "wall_s": r["wall_s"]} for r in ends]
    out = {
        "name": args.name,
        "processes": procs,
        "max_kib": max((p["maxrss_kib"] for p in procs), default=0),
        "lost": len(lost),
    }
    print(json.dumps(out))


# ----------------------------------------------------------------------------------------------
# Report


def mib(kib):
    return kib / 1024.0


def fmt_ratio(a, b):
    return f"{a / b:.2f}×" if b else "n/a"


def report(args):
    with open(args.handshake) as f:
        hs = json.load(f)
    rss = {}
    for path in args.rss:
        with open(path) as f:
            r = json.load(f)
        rss[r["name"]] = r
    with open(args.meta) as f:
        meta = json.load(f)
    ours, null = "ours", "null"
    h_o, h_n = hs[ours], hs[null]
    r_o, r_n = rss[ours], rss[null]
    hs_target = h_o["median_ms"] <= h_n["median_ms"] / 4
    rss_target = r_o["max_kib"] <= r_n["max_kib"] / 2
    ok = lambda b: "**met**" if b else "**missed**"
    L = []
    L.append(f"Run of {meta['date']} on {meta['machine']}; Terraform {meta['terraform']}; "
             f"provider binary `{meta['ours_binary']}` ({meta['ours_size_mib']:.1f} MiB; {meta['git']}), "
             f"hashicorp/null {meta['null_version']} ({meta['null_size_mib']:.1f} MiB). "
             f"Load average before/after: {meta['load_before']} / {meta['load_after']}.")
    L.append("")
    L.append("| metric | ours | hashicorp/null | ours / null | target | result |")
    L.append("|---|---:|---:|---:|---|---|")
    L.append(f"| start-to-handshake, median ({h_o['runs']} runs each) | {h_o['median_ms']:.2f} ms | {h_n['median_ms']:.2f} ms "
             f"| {fmt_ratio(h_o['median_ms'], h_n['median_ms'])} | ≤ 0.25× | {ok(hs_target)} |")
    L.append(f"| start-to-handshake, p90 | {h_o['p90_ms']:.2f} ms | {h_n['p90_ms']:.2f} ms "
             f"| {fmt_ratio(h_o['p90_ms'], h_n['p90_ms'])} | | |")
    L.append(f"| start-to-handshake, min | {h_o['min_ms']:.2f} ms | {h_n['min_ms']:.2f} ms "
             f"| {fmt_ratio(h_o['min_ms'], h_n['min_ms'])} | | |")
    L.append(f"| peak RSS through `terraform plan` (max over provider processes) | {mib(r_o['max_kib']):.1f} MiB "
             f"| {mib(r_n['max_kib']):.1f} MiB | {fmt_ratio(r_o['max_kib'], r_n['max_kib'])} | ≤ 0.50× | {ok(rss_target)} |")
    L.append(f"| RSS when the handshake line is printed (median) | {mib(h_o['rss_at_handshake_kib_median']):.1f} MiB "
             f"| {mib(h_n['rss_at_handshake_kib_median']):.1f} MiB "
             f"| {fmt_ratio(h_o['rss_at_handshake_kib_median'], h_n['rss_at_handshake_kib_median'])} | | |")
    L.append("")
    floor = meta.get("floor_kib", 0)
    for name, label in ((ours, "ours"), (null, "hashicorp/null")):
        r = rss[name]
        per_plan = {}
        for p in r["processes"]:
            per_plan.setdefault(p["plan"], []).append(f"{mib(p['maxrss_kib']):.1f}")
        plans = "; ".join(f"plan {k}: {', '.join(v)}" for k, v in sorted(per_plan.items()))
        lost = f" — {r['lost']} process(es) killed before they could be measured" if r["lost"] else ""
        if any(p["maxrss_kib"] <= floor + 256 for p in r["processes"]):
            lost += " — some values are at the measurement floor (upper bounds only)"
        L.append(f"- Peak RSS per provider process, MiB, in start order ({label}, {meta['plan_config'][name]}): {plans}{lost}")
    L.append(f"- Handshake lines: ours `{h_o['handshake']}`, null `{h_n['handshake']}`")
    L.append(f"- Plans: {meta['plan_note']}. Measurement floor of the wrapper (ru_maxrss it reports for "
             f"/bin/true): {mib(floor):.1f} MiB; values above it are exact.")
    print("\n".join(L))


def main():
    ap = argparse.ArgumentParser()
    sub = ap.add_subparsers(dest="cmd", required=True)
    c = sub.add_parser("client-cert"); c.add_argument("dir")
    h = sub.add_parser("handshake")
    h.add_argument("--runs", type=int, default=50)
    h.add_argument("--warmup", type=int, default=3)
    h.add_argument("--cert", required=True)
    h.add_argument("--tmpdir", required=True)
    h.add_argument("--out", required=True)
    h.add_argument("binaries", nargs="+")
    r = sub.add_parser("rss-log"); r.add_argument("name"); r.add_argument("log")
    p = sub.add_parser("report")
    p.add_argument("--handshake", required=True)
    p.add_argument("--rss", action="append", required=True)
    p.add_argument("--meta", required=True)
    a = ap.parse_args()
    if a.cmd == "client-cert":
        print(client_cert(a.dir))
    elif a.cmd == "handshake":
        handshake(a)
    elif a.cmd == "rss-log":
        rss_log(a)
    else:
        report(a)


if __name__ == "__main__":
    main()
