"""Peer comparison: the Watts (2002) threshold cascade in trustsim, Mesa and NDlib on the same
graph. Times one run of each at full size, then checks that the three give the same distribution
of final cascade sizes over random initial adopters. Writes results.md and results.csv here.

Usage (normally through run.sh, which prepares the environment):
    python run.py [--nodes 100000] [--mean-degree 5] [--runs 1000] [--ndlib-runs 40] [--mesa-runs 20]
Worker modes (`--worker ...`) are used internally, one child process per measurement."""

import argparse
import csv
import json
import os
import platform
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor

import numpy as np
from scipy import stats

import graph
import reference

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
TRUSTSIM = os.path.join(ROOT, "target", "release", "trustsim")

SCENARIO = """schema_version = 1
name = "watts_peers"
horizon_days = {steps}
[finance]
enabled = false
[network]
kind = "edge_list"
edge_list = "graph.csv"
[population]
users = {nodes}
neighbour_threshold = {{ dist = "fixed", value = {phi} }}
[behaviour]
herd_memory_days = 1000000
[[event]]
day = 0
kind = "seed_withdrawers"
count = 1
"""


def parse():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--nodes", type=int, default=100_000)
    p.add_argument("--mean-degree", type=float, default=5.0)
    p.add_argument("--graph-seed", type=int, default=2002)
    p.add_argument("--phi", type=float, default=0.18)
    p.add_argument("--steps", type=int, default=100)
    p.add_argument("--trustsim-reps", type=int, default=5, help="timed trustsim runs (median reported)")
    p.add_argument("--ndlib-reps", type=int, default=1, help="timed full-length NDlib runs")
    p.add_argument("--mesa-reps", type=int, default=1, help="timed full-length Mesa runs")
    p.add_argument("--runs", type=int, default=1000, help="cascades for trustsim and the NumPy reference")
    p.add_argument("--ndlib-runs", type=int, default=40, help="cascades for NDlib")
    p.add_argument("--mesa-runs", type=int, default=20, help="cascades for Mesa")
    p.add_argument("--work", default=os.path.join(HERE, "work"), help="scratch directory (git-ignored)")
    p.add_argument("--results", default=HERE, help="where results.md and results.csv go")
    p.add_argument("--worker", help=argparse.SUPPRESS)
    p.add_argument("--seed-node", type=int, help=argparse.SUPPRESS)
    p.add_argument("--seeds", help=argparse.SUPPRESS)
    return p.parse_args()


def peak_rss_mb():
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


# ---------------------------------------------------------------- workers (child processes)


def worker(args):
    """One measurement in a fresh process; prints one JSON object."""
    path = os.path.join(args.work, "graph.csv")
    t0 = time.perf_counter()
    g = graph.load_networkx(path, args.nodes)
    load = time.perf_counter() - t0
    if args.worker == "time-mesa":
        import watts_mesa

        t1 = time.perf_counter()
        model = watts_mesa.WattsCascade(g, args.phi, args.steps, seed_node=args.seed_node)
        t2 = time.perf_counter()
        model.run_model()
        t3 = time.perf_counter()
        out = {"load_s": load, "build_s": t2 - t1, "steps_s": t3 - t2, "steps": model.steps, "size": model.adopters()}
    elif args.worker == "time-ndlib":
        import watts_ndlib

        t1 = time.perf_counter()
        model = watts_ndlib.configured(g, args.phi, seed_node=args.seed_node)
        t2 = time.perf_counter()
        size = watts_ndlib.run(model, args.steps)
        t3 = time.perf_counter()
        out = {"load_s": load, "build_s": t2 - t1, "steps_s": t3 - t2, "steps": args.steps, "size": size}
    elif args.worker in ("cascades-mesa", "cascades-ndlib"):
        out = {"runs": []}
        for seed in (int(s) for s in args.seeds.split(",")):
            if args.worker == "cascades-mesa":
                import watts_mesa

                model = watts_mesa.WattsCascade(g, args.phi, args.steps, stop_when_stable=True, seed=seed)
                model.run_model()
                size, node = model.adopters(), model.seed_node
            else:
                import watts_ndlib

                model = watts_ndlib.configured(g, args.phi, seed=seed)
                node = watts_ndlib.initial_adopter(model)
                size = watts_ndlib.run(model, args.steps, stop_when_stable=True)
            out["runs"].append({"seed": seed, "seed_node": int(node), "size": int(size)})
    else:
        raise SystemExit(f"unknown worker `{args.worker}`")
    out["peak_rss_mb"] = peak_rss_mb()
    print(json.dumps(out))


def child(args, mode, **extra):
    """Runs a worker in a fresh Python process and returns its JSON answer."""
    cmd = [sys.executable, os.path.abspath(__file__), "--worker", mode, "--work", args.work]
    cmd += ["--nodes", str(args.nodes), "--phi", str(args.phi), "--steps", str(args.steps)]
    for key, value in extra.items():
        cmd += [f"--{key.replace('_', '-')}", str(value)]
    done = subprocess.run(cmd, check=True, capture_output=True, text=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


# ---------------------------------------------------------------- trustsim


def write_scenario(args, steps, name):
    path = os.path.join(args.work, name)
    with open(path, "w") as out:
        out.write(SCENARIO.format(steps=steps, nodes=args.nodes, phi=args.phi))
    return path


def time_trustsim(args, scenario, seed):
    """Wall time and peak memory of one `trustsim run` process (start to exit: reading the CSV,
    building, simulating, writing outputs), and its final cascade size."""
    out = os.path.join(args.work, f"run-{os.path.basename(scenario)}-{seed}")
    subprocess.run(["rm", "-rf", out], check=True)
    # Peak memory through /usr/bin/time: a child forked from this Python process starts with its
    # resident pages counted, so wait4's ru_maxrss would report this process's size, not trustsim's.
    peak_file = os.path.join(args.work, "peak_kb.txt")
    t0 = time.perf_counter()
    done = subprocess.run(
        ["/usr/bin/time", "-f", "%M", "-o", peak_file, TRUSTSIM, "run", scenario, "--seed", str(seed), "--out", out, "--quiet"]
    )
    wall = time.perf_counter() - t0
    if done.returncode != 0:
        raise SystemExit(f"trustsim run failed with {done.returncode}")
    with open(peak_file) as f:
        peak_kb = int(f.read().split()[-1])
    with open(os.path.join(out, "series.csv"), newline="") as f:
        size = int(list(csv.DictReader(f))[-1]["users_withdrawing"])
    return {"wall_s": wall, "peak_rss_mb": peak_kb / 1024, "size": size}


def trustsim_cascades(args, scenario):
    """Final cascade size for seeds 1..runs, from one `trustsim compare --series` ensemble."""
    out = os.path.join(args.work, "ensemble")
    subprocess.run(["rm", "-rf", out], check=True)
    subprocess.run(
        [TRUSTSIM, "compare", scenario, "--seeds", str(args.runs), "--series", "--quiet", "--out", out], check=True
    )
    sizes = {}
    with open(os.path.join(out, "series.csv"), newline="") as f:
        for row in csv.DictReader(f):
            if int(row["day"]) == args.steps:
                sizes[int(row["seed"])] = int(row["users_withdrawing"])
    return [{"seed": s, "seed_node": None, "size": sizes[s]} for s in sorted(sizes)]


# ---------------------------------------------------------------- statistics


def ks_statistic(x, y):
    grid = np.union1d(x, y)
    fx = np.searchsorted(np.sort(x), grid, side="right") / len(x)
    fy = np.searchsorted(np.sort(y), grid, side="right") / len(y)
    return float(np.max(np.abs(fx - fy)))


def ks_permutation(x, y, resamples=9999, seed=12345):
    """Two-sample Kolmogorov–Smirnov statistic with a permutation p-value. The sizes are discrete
    (many ties), where the classical KS p-value is only an upper bound; a permutation test is exact
    under the null of one common distribution, ties or not."""
    x, y = np.asarray(x), np.asarray(y)
    observed = ks_statistic(x, y)
    pooled = np.concatenate([x, y])
    rng = np.random.default_rng(seed)
    hits = 0
    for _ in range(resamples):
        rng.shuffle(pooled)
        hits += ks_statistic(pooled[: len(x)], pooled[len(x) :]) >= observed - 1e-12
    return observed, (hits + 1) / (resamples + 1)


def wilson(k, n, z=1.959964):
    p = k / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * np.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return centre - half, centre + half


# ---------------------------------------------------------------- orchestration


def main():
    args = parse()
    os.makedirs(args.work, exist_ok=True)
    if args.worker:
        return worker(args)
    if not os.access(TRUSTSIM, os.X_OK):
        raise SystemExit(f"{TRUSTSIM} not found: run `cargo build --release` first (run.sh does)")
    log = lambda *a: print(*a, flush=True)  # noqa: E731
    started = time.strftime("%Y-%m-%d %H:%M:%S %Z")
    load_before = os.getloadavg()

    # One graph for all three tools.
    path = os.path.join(args.work, "graph.csv")
    edges = graph.generate(args.nodes, args.mean_degree, args.graph_seed, path)
    adjacency = graph.load_csr(path, args.nodes)
    degree = np.asarray(adjacency.sum(axis=1)).ravel()
    same_rule = reference.rules_agree(degree, args.phi)
    log(f"graph: {args.nodes} nodes, {edges} edges, mean degree {degree.mean():.3f}, max {degree.max()}, "
        f"{int((degree == 0).sum())} isolated; float64 and float32 rules agree: {same_rule}")
    if not same_rule:
        raise SystemExit("the float64 rule of Mesa/NDlib differs from trustsim's float32 rule on this graph")
    full = write_scenario(args, args.steps, "watts.toml")
    short = write_scenario(args, 1, "watts_1day.toml")

    # Distribution: trustsim ensemble and NumPy reference first (fast), Python tools after.
    log(f"trustsim: {args.runs} cascades (compare --series)")
    t0 = time.perf_counter()
    runs = {"trustsim": trustsim_cascades(args, full)}
    ensemble_s = time.perf_counter() - t0
    rng = np.random.default_rng(args.graph_seed)
    log(f"reference: {args.runs} cascades")
    runs["reference"] = []
    for seed in range(1, args.runs + 1):
        node = int(rng.integers(args.nodes))
        runs["reference"].append(
            {"seed": seed, "seed_node": node, "size": reference.cascade_size(adjacency, degree, node, args.phi, args.steps)}
        )
    global_node = max(runs["reference"], key=lambda r: r["size"])["seed_node"]
    global_seed = max(runs["trustsim"], key=lambda r: r["size"])["seed"]

    # Timing: one tool at a time, each in a fresh process, all from a start giving the largest
    # cascade seen (a global one whenever there is one).
    log(f"timing trustsim ({args.trustsim_reps} x {args.steps} days and 1 day, seed {global_seed})")
    ts_full = [time_trustsim(args, full, global_seed) for _ in range(args.trustsim_reps)]
    ts_short = [time_trustsim(args, short, global_seed) for _ in range(args.trustsim_reps)]
    log(f"timing NDlib ({args.ndlib_reps} x {args.steps} steps, seed node {global_node})")
    nd = [child(args, "time-ndlib", seed_node=global_node) for _ in range(args.ndlib_reps)]
    log(f"timing Mesa ({args.mesa_reps} x {args.steps} steps, seed node {global_node})")
    me = [child(args, "time-mesa", seed_node=global_node) for _ in range(args.mesa_reps)]
    load_timing = os.getloadavg()

    # The two Python ensembles run side by side (timing is over, so they disturb nothing).
    log(f"NDlib: {args.ndlib_runs} cascades; Mesa: {args.mesa_runs} cascades (in parallel)")
    with ThreadPoolExecutor(2) as pool:
        jobs = {
            tool: pool.submit(child, args, f"cascades-{tool}", seeds=",".join(map(str, range(1, count + 1))))
            for tool, count in (("ndlib", args.ndlib_runs), ("mesa", args.mesa_runs))
        }
        for tool, job in jobs.items():
            runs[tool] = job.result()["runs"]

    # Exact check: every Python-tool run against the reference from the same initial adopter.
    mismatches = 0
    for tool in ("ndlib", "mesa"):
        for r in runs[tool]:
            r["reference_size"] = reference.cascade_size(adjacency, degree, r["seed_node"], args.phi, args.steps)
            mismatches += r["reference_size"] != r["size"]

    report(args, locals())


def median(values):
    return float(np.median(values))


def report(args, v):
    runs, ts_full, ts_short, nd, me = v["runs"], v["ts_full"], v["ts_short"], v["nd"], v["me"]
    half = args.nodes // 2
    ts_total = median([r["wall_s"] for r in ts_full])
    ts_step = (ts_total - median([r["wall_s"] for r in ts_short])) / (args.steps - 1)
    nd_total = median([r["load_s"] + r["build_s"] + r["steps_s"] for r in nd])
    nd_step = median([r["steps_s"] for r in nd]) / args.steps
    me_total = median([r["load_s"] + r["build_s"] + r["steps_s"] for r in me])
    me_step = median([r["steps_s"] for r in me]) / args.steps
    lines = []
    w = lines.append
    w("# Peer comparison: Watts threshold cascade, trustsim vs Mesa vs NDlib\n")
    w(f"Written by `benches/peers/run.sh` on {v['started']} ({platform.node()}, {os.cpu_count()} cores, "
      f"Python {platform.python_version()}).  ")
    w(f"Load average (1, 5, 15 min) at start: {', '.join(f'{x:.2f}' for x in v['load_before'])}; "
      f"after timing: {', '.join(f'{x:.2f}' for x in v['load_timing'])}.\n")
    w(f"Graph: Erdős–Rényi G(n, p), n = {args.nodes}, mean degree {args.mean_degree} "
      f"(p = {args.mean_degree}/(n − 1)), NetworkX `fast_gnp_random_graph` seed {args.graph_seed}: "
      f"{v['edges']} edges, realised mean degree {v['degree'].mean():.3f}, max degree {v['degree'].max()}, "
      f"{int((v['degree'] == 0).sum())} isolated nodes. φ = {args.phi}, {args.steps} synchronous steps, "
      f"one initial adopter. float64 `k/d >= φ` (Mesa, NDlib) equals trustsim's float32 rule for every "
      f"degree in this graph: {v['same_rule']}.\n")
    w(f"## Speed (one run, {args.nodes:,} nodes x {args.steps} steps)\n")
    w("| tool | from CSV to final state (s) | of which setup (s) | per step (ms) | peak memory (MB) | final size | trustsim is faster by (whole run) | (per step) |")
    w("|---|---|---|---|---|---|---|---|")
    ts_setup = ts_total - ts_step * args.steps
    w(f"| trustsim | {ts_total:.3f} | {ts_setup:.3f} | {ts_step * 1e3:.2f} | "
      f"{max(r['peak_rss_mb'] for r in ts_full):.0f} | {ts_full[0]['size']} | 1 | 1 |")
    for name, rows, total, step in (("NDlib", nd, nd_total, nd_step), ("Mesa", me, me_total, me_step)):
        setup = median([r["load_s"] + r["build_s"] for r in rows])
        w(f"| {name} | {total:.1f} | {setup:.1f} | {step * 1e3:.0f} | {max(r['peak_rss_mb'] for r in rows):.0f} | "
          f"{rows[0]['size']} | {total / ts_total:.0f}x | {step / ts_step:.0f}x |")
    w("")
    w(f"trustsim: median of {len(ts_full)} `trustsim run` processes (wall time from start to exit, including "
      f"reading the CSV and writing outputs); per step = (T({args.steps} days) − T(1 day)) / {args.steps - 1}. "
      f"NDlib: {len(nd)} run(s), Mesa: {len(me)} run(s), each in a fresh Python process; setup = reading the CSV "
      f"into NetworkX ({median([r['load_s'] for r in nd + me]):.1f} s) + building the model; per step = "
      f"the {args.steps} steps / {args.steps}. Every timed run starts from the initial adopter of the largest "
      f"cascade in the distribution runs below, a global one (trustsim seed {v['global_seed']}, Python seed node {v['global_node']}).\n")
    w("## Final cascade size distribution\n")
    w(f"A cascade is global when it reaches more than half the nodes. trustsim: seeds 1..{args.runs} "
      f"(`trustsim compare --series`), each choosing its initial withdrawer from its event stream. "
      f"Reference: NumPy with trustsim's float32 rule, {args.runs} initial adopters drawn uniformly. NDlib: "
      f"`ThresholdModel(graph, seed=s)` with `fraction_infected = 1/n`, s = 1..{args.ndlib_runs}. Mesa: "
      f"`WattsCascade(seed=s)`, s = 1..{args.mesa_runs}. NDlib and Mesa runs stop at the first step that "
      f"changes nothing (exact: the state never changes again).\n")
    w("| tool | runs | global | share global (95% Wilson) | global sizes | median non-global size | "
      "KS vs trustsim (perm. p) | Fisher p (global share) vs trustsim |")
    w("|---|---|---|---|---|---|---|---|")
    base = np.array([r["size"] for r in runs["trustsim"]])
    for tool in ("trustsim", "reference", "ndlib", "mesa"):
        sizes = np.array([r["size"] for r in runs[tool]])
        k, n = int((sizes > half).sum()), len(sizes)
        lo, hi = wilson(k, n)
        glob = sorted(set(sizes[sizes > half].tolist()))
        small = sizes[sizes <= half]
        if tool == "trustsim":
            ks, fisher = "-", "-"
        else:
            d, p = ks_permutation(base, sizes)
            ks = f"D = {d:.3f} (p = {p:.3f})"
            table = [[int((base > half).sum()), int((base <= half).sum())], [k, n - k]]
            fisher = f"{stats.fisher_exact(table)[1]:.3f}"
        w(f"| {tool} | {n} | {k} | {k / n:.3f} ({lo:.3f}–{hi:.3f}) | {', '.join(map(str, glob)) or '-'} | "
          f"{int(np.median(small)) if len(small) else '-'} | {ks} | {fisher} |")
    checked = len(runs["ndlib"]) + len(runs["mesa"])
    w("")
    w(f"Node-for-node check: each of the {checked} NDlib and Mesa runs was rerun with the NumPy reference from "
      f"the same initial adopter; mismatching final sizes: {v['mismatches']}.\n")
    with open(os.path.join(args.results, "results.md"), "w") as out:
        out.write("\n".join(lines) + "\n")
    with open(os.path.join(args.results, "results.csv"), "w", newline="") as out:
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(["tool", "seed", "seed_node", "size", "reference_size"])
        for tool in ("trustsim", "reference", "ndlib", "mesa"):
            for r in runs[tool]:
                node = "" if r["seed_node"] is None else r["seed_node"]
                writer.writerow([tool, r["seed"], node, r["size"], r.get("reference_size", "")])
    print("\n".join(lines))
    print(f"ratios: NDlib/trustsim {nd_total / ts_total:.0f}x whole run, {nd_step / ts_step:.0f}x per step; "
          f"Mesa/trustsim {me_total / ts_total:.0f}x whole run, {me_step / ts_step:.0f}x per step")


if __name__ == "__main__":
    main()
