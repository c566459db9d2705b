#!/usr/bin/env python3
"""Fits per-query search time against partitions scanned, from a `shoal workload run` results.csv.

    Benchmarks/workload/latency_fit.py RESULTS_CSV [--outlier 5]

Uses the query operations only, per-query time = latency_ms / size, and leaves out operations
slower than `outlier` × the median per-query time (those that recalibrated inside the search).
Prints the least-squares line  ms/query ≈ a + b × mean partitions scanned,  to set against the
cost model's λ (docs/workload.md, "Is the cost model consistent with the measured search time?").
"""
import argparse
import csv
import statistics


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("results", help="results.csv written by shoal workload run")
    parser.add_argument("--outlier", type=float, default=5.0)
    args = parser.parse_args()
    rows = [r for r in csv.DictReader(open(args.results)) if r["type"] == "query"]
    points = [(float(r["mean_partitions_scanned"]), float(r["latency_ms"]) / float(r["size"])) for r in rows]
    median = statistics.median(y for _, y in points)
    kept = [(x, y) for x, y in points if y <= args.outlier * median]
    mx = statistics.fmean(x for x, _ in kept)
    my = statistics.fmean(y for _, y in kept)
    sxx = sum((x - mx) ** 2 for x, _ in kept)
    slope = sum((x - mx) * (y - my) for x, y in kept) / sxx if sxx > 0 else 0.0
    print(f"{len(kept)} of {len(points)} query operations (left out: slower than {args.outlier} x the median)")
    print(f"ms/query = {my - slope * mx:.4f} + {slope:.5f} x partitions scanned "
          f"(mean {mx:.2f} partitions, {my:.4f} ms)")


if __name__ == "__main__":
    main()
