#!/usr/bin/env python3
"""Recall-target search against fixed nprobe, side by side, on every data set in ../shared/data.

For each data set it runs `shoal eval` (one query at a time, 1 thread; the fastest of at least 3 passes
over the queries, and of enough passes for about 10,000 queries) with the recall targets and with a
fine nprobe grid, alternating the two for --rounds rounds and keeping each setting's fastest
mean latency, so both see the same machine load. Then, for each target, it finds the smallest fixed
nprobe whose recall reaches the recall the target actually got, and reports the latency ratio
(issue 3: mean recall within ±0.01 of the target, latency ≤ 1.2× that nprobe's).

Usage: Benchmarks/recall/targets.py [--shoal .build/release/shoal] [--data ../shared/data]
                                    [--rounds 3] [--out docs/results/recall-targets.md]
Standard library only; build first with `swift build -c release --product shoal`.
"""
import argparse, json, os, struct, subprocess, sys

TARGETS = [0.8, 0.9, 0.95, 0.99]
GRID = list(range(1, 33)) + list(range(36, 65, 4)) + [72, 80, 96, 128]


def repeats(folder):
    """Repetitions per setting: at least 3, and enough that each setting runs about 10,000 queries
    (one pass over sift5k's 100 queries takes about 2 ms, too short to time on a shared machine)."""
    with open(f"{folder}/query.fvecs", "rb") as f:
        d = struct.unpack("<i", f.read(4))[0]
        f.seek(0, os.SEEK_END)
        count = f.tell() // (4 + 4 * d)
    return max(3, -(-10_000 // max(1, count)))


def evaluate(shoal, folder, extra):
    command = [shoal, "eval", "--base", f"{folder}/base.fvecs", "--queries", f"{folder}/query.fvecs",
               "--ground-truth", f"{folder}/gt100.ivecs", "--threads", "1", "--json",
               "--repeat", str(repeats(folder))] + extra
    lines = subprocess.run(command, check=True, capture_output=True, text=True).stdout.splitlines()
    return [json.loads(line) for line in lines if line.strip()]


def keep_fastest(best, rows, key):
    for row in rows:
        k = row[key]
        if k not in best or row["mean_ms"] < best[k]["mean_ms"]:
            best[k] = row


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shoal", default=".build/release/shoal")
    parser.add_argument("--data", default="../shared/data")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--out", default=None, help="also write the markdown table here")
    args = parser.parse_args()
    datasets = sorted(d for d in os.listdir(args.data) if os.path.exists(f"{args.data}/{d}/gt100.ivecs"))
    report = ["| data set | target | recall | mean nprobe | mean ms | smallest fixed nprobe reaching it | its recall | its mean ms | ratio |",
              "|---|---:|---:|---:|---:|---:|---:|---:|---:|"]
    misses = []
    for name in datasets:
        folder = f"{args.data}/{name}"
        targets, fixed = {}, {}
        for _ in range(args.rounds):
            keep_fastest(targets, evaluate(args.shoal, folder, ["--recall-target", ",".join(map(str, TARGETS))]), "recall_target")
            rows = evaluate(args.shoal, folder, ["--nprobe", ",".join(map(str, GRID))])
            keep_fastest(fixed, [r for r in rows if r["nprobe"] <= r["partitions"]], "nprobe")
        for target in TARGETS:
            row = targets[target]
            reaching = [fixed[n] for n in sorted(fixed) if fixed[n]["recall"] >= row["recall"]]
            peer = reaching[0] if reaching else None
            ratio = row["mean_ms"] / peer["mean_ms"] if peer else float("nan")
            if abs(row["recall"] - target) > 0.01 or ratio > 1.2:
                misses.append(f"{name} {target}")
            report.append(
                f"| {name} | {target:.2f} | {row['recall']:.4f} | {row['mean_nprobe']:.1f} | {row['mean_ms']:.4f} | "
                + (f"{peer['nprobe']} | {peer['recall']:.4f} | {peer['mean_ms']:.4f} | {ratio:.2f} |" if peer else "none | | | |"))
        print("\n".join(report[-len(TARGETS):]), flush=True)
    text = "\n".join(report) + "\n\n" + ("Outside the targets: " + ", ".join(misses) if misses else "Every target met.") + "\n"
    print(text)
    if args.out:
        with open(args.out, "w") as f:
            f.write(text)


if __name__ == "__main__":
    sys.exit(main())
