#!/usr/bin/env python3
"""Splits each system's per-operation recall spread into batch noise and slow drift.

    Benchmarks/workload/band_drift.py PEERS_WORKLOAD_JSON [--tolerance 0.02]

Reads the peers_workload.json that run.sh writes (every system's per-operation results on one
runbook). For each system, over its query operations in order: the mean recall, the standard
deviation of the operations' recalls, and the short-term deviation estimated from consecutive
differences (sqrt(mean((r[i+1] - r[i])^2) / 2), von Neumann), which counts the batch-to-batch noise
of drawing 100 queries but not a slow drift such as a calibration that ages. The drift is what is
left, sqrt(max(0, sd^2 - short^2)). Last, the share of operations within target +- tolerance that a
system with only that short-term noise and its mean on target would reach (normal approximation),
next to the observed share.

Consecutive operations whose queries share a hot spot are correlated, and then the short-term
estimate is too low (on yfcc and mnist it gives 0.010-0.016 where resampling every query's recall
gives 0.013-0.017). For the noise floor itself use recall_noise.py, which resamples per-query recalls.
"""
import argparse
import json
import math
import statistics


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("results", help="peers_workload.json written by Benchmarks/workload/run.sh")
    parser.add_argument("--tolerance", type=float, default=0.02)
    args = parser.parse_args()
    data = json.load(open(args.results))
    target = data.get("recall_target") or 0.9
    print(f"{data.get('runbook', args.results)}: target {target}, tolerance {args.tolerance}")
    print("| system | query ops | mean | sd | short-term sd | drift sd | within band (observed) | within band (noise only, on target) |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for system, operations in data["per_operation"].items():
        recalls = [op["recall"] for op in operations if op.get("recall") is not None]
        if len(recalls) < 3:
            continue
        sd = statistics.pstdev(recalls)
        short = math.sqrt(statistics.fmean((b - a) ** 2 for a, b in zip(recalls, recalls[1:])) / 2)
        drift = math.sqrt(max(0.0, sd * sd - short * short))
        observed = sum(abs(r - target) <= args.tolerance + 1e-12 for r in recalls) / len(recalls)
        ideal = math.erf(args.tolerance / (short * math.sqrt(2))) if short > 0 else 1.0
        print(f"| {system} | {len(recalls)} | {statistics.fmean(recalls):.4f} | {sd:.4f} | {short:.4f} | {drift:.4f} "
              f"| {observed:.1%} | {ideal:.1%} |")


if __name__ == "__main__":
    main()
