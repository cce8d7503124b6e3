#!/usr/bin/env python3
"""Independent check of `encore eval` on a real dataset (python3 standard library only).

Imports MovieLens 100K from ENCORE_DATA_DIR into a temporary store, runs
`encore eval --models popularity --json --dump-split DIR` for each protocol, then
recomputes Popularity's recommendations and every metric here, from the dumped
TSV split alone, and compares with the C++ JSON within 1e-6.

The computations deliberately take other routes than the C++ code: AUC from
Mann-Whitney average ranks (C++: binary search per negative), NDCG/MAP from
explicit formulas over full lists, Gini from the Lorenz-style sum.

Exit status 0 when everything matches; 1 (with a message) otherwise, including
when ENCORE_DATA_DIR or the dataset is missing: the check fails, never skips.

usage: eval_reference.py --encore PATH_TO_ENCORE [--data-dir DIR] [--protocols a,b] [--keep DIR]
"""
import argparse
import json
import math
import os
import shutil
import subprocess
import sys
import tempfile

TOLERANCE = 1e-6
KS = [5, 10, 20]
# Published / independent Popularity figures for ml-100k stratified 75/25
# (shared/datasets/README.md): nDCG@10 .2530, P@10 .2280, R@10 .1104.
PUBLISHED_STRATIFIED = {"ndcg@10": 0.2530, "precision@10": 0.2280, "recall@10": 0.1104}
PUBLISHED_TOLERANCE = 0.02


def fail(message):
    print("eval_reference: FAIL: " + message, file=sys.stderr)
    sys.exit(1)


def run(cmd):
    proc = subprocess.run(cmd, capture_output=True, text=True)
    if proc.returncode != 0:
        fail("command failed (exit %d): %s\n%s%s" % (proc.returncode, " ".join(cmd), proc.stdout, proc.stderr))
    return proc.stdout


def read_pairs(path):
    rows = {}
    with open(path) as f:
        header = f.readline().rstrip("\n").split("\t")
        if header[:2] != ["user", "item"]:
            fail("%s: unexpected header %r" % (path, header))
        for line in f:
            user, item, weight, _timestamp = line.rstrip("\n").split("\t")
            rows.setdefault(int(user), set()).add(int(item))
            if float(weight) <= 0:
                fail("%s: non-positive weight in a split" % path)
    return rows


def average_ranks(values):
    """1-based ranks of `values` ascending, ties sharing their average rank."""
    order = sorted(range(len(values)), key=lambda i: values[i])
    ranks = [0.0] * len(values)
    i = 0
    while i < len(order):
        j = i
        while j + 1 < len(order) and values[order[j + 1]] == values[order[i]]:
            j += 1
        avg = (i + j) / 2.0 + 1.0
        for t in range(i, j + 1):
            ranks[order[t]] = avg
        i = j + 1
    return ranks


def reference_metrics(split_dir):
    meta = json.load(open(os.path.join(split_dir, "split.json")))
    train = read_pairs(os.path.join(split_dir, "train.tsv"))
    valid = read_pairs(os.path.join(split_dir, "valid.tsv"))
    test = read_pairs(os.path.join(split_dir, "test.tsv"))
    with open(os.path.join(split_dir, "candidates.tsv")) as f:
        f.readline()
        candidates = [int(line) for line in f if line.strip()]
    n_items = meta["n_items"]

    fit = {u: set(items) for u, items in train.items()}
    if meta["fit_on_valid"]:
        for u, items in valid.items():
            fit.setdefault(u, set()).update(items)
    popularity = [0] * n_items
    for items in fit.values():
        for i in items:
            popularity[i] += 1
    n_fit_users = sum(1 for items in fit.values() if items)
    # Popularity's ranking: most popular first, ties by lower item index.
    global_order = sorted(candidates, key=lambda i: (-popularity[i], i))
    n_head = math.ceil(0.2 * len(candidates) - 1e-9)
    head = set(global_order[:n_head])
    kmax = max(KS)

    sums = {}
    exposure = {k: {} for k in KS}
    n_users = 0
    for user in sorted(test):
        relevant = test[user]
        if not relevant:
            continue
        n_users += 1
        excluded = set(fit.get(user, ()))
        if meta["exclude_valid"] and not meta["fit_on_valid"]:
            excluded |= valid.get(user, set())
        ranked = []
        for item in global_order:
            if item not in excluded:
                ranked.append(item)
                if len(ranked) == kmax:
                    break
        for k in KS:
            top = ranked[:k]
            gains = [1 if item in relevant else 0 for item in top]
            hits = sum(gains)
            precision = hits / k
            recall = hits / len(relevant)
            dcg = sum(g / math.log2(pos + 2) for pos, g in enumerate(gains))
            idcg = sum(1 / math.log2(pos + 2) for pos in range(min(len(relevant), k)))
            ap = 0.0
            running = 0
            for pos, g in enumerate(gains):
                if g:
                    running += 1
                    ap += running / (pos + 1)
            first = next((pos + 1 for pos, g in enumerate(gains) if g), None)
            values = {
                "precision": precision,
                "recall": recall,
                "f1": 2 * precision * recall / (precision + recall) if hits else 0.0,
                "hit": 1.0 if hits else 0.0,
                "ndcg": dcg / idcg,
                "map": ap / min(len(relevant), k),
                "map-msr": ap / len(relevant),
                "mrr": 1.0 / first if first else 0.0,
                "novelty": sum(-math.log2(max(popularity[i], 1) / n_fit_users) for i in top) / len(top),
                "longtail": sum(1 for i in top if i not in head) / len(top),
            }
            for name, v in values.items():
                key = "%s@%d" % (name, k)
                sums[key] = sums.get(key, 0.0) + v
            for item in top:
                exposure[k][item] = exposure[k].get(item, 0) + 1
        # AUC over every candidate the user may be recommended (Mann-Whitney U).
        pool = [i for i in candidates if i not in excluded]
        ranks = average_ranks([popularity[i] for i in pool])
        n_pos = sum(1 for i in pool if i in relevant)
        n_neg = len(pool) - n_pos
        rank_sum = sum(r for i, r in zip(pool, ranks) if i in relevant)
        auc = (rank_sum - n_pos * (n_pos + 1) / 2) / (n_pos * n_neg) if n_pos and n_neg else 0.5
        sums["auc"] = sums.get("auc", 0.0) + auc

    metrics = {name: v / n_users for name, v in sums.items()}
    for k in KS:
        counts = sorted(exposure[k].get(i, 0) for i in candidates)
        n = len(counts)
        total = sum(counts)
        metrics["coverage@%d" % k] = sum(1 for c in counts if c > 0) / n
        metrics["gini@%d" % k] = sum((2 * (idx + 1) - n - 1) * c for idx, c in enumerate(counts)) / (n * total)
    return metrics, n_users


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--encore", required=True, help="path to the encore binary")
    parser.add_argument("--data-dir", default=os.environ.get("ENCORE_DATA_DIR", ""))
    parser.add_argument("--protocols", default="stratified,random-ratio,leave-one-out")
    parser.add_argument("--keep", default="", help="keep the work files in this directory")
    args = parser.parse_args()

    if not args.data_dir:
        fail("ENCORE_DATA_DIR is not set: point it at the shared datasets folder (e.g. ../shared/datasets)")
    dataset = os.path.join(args.data_dir, "ml-100k")
    if not os.path.isfile(os.path.join(dataset, "u.data")):
        fail("MovieLens 100K not found at %s (ENCORE_DATA_DIR=%s)" % (dataset, args.data_dir))
    if not os.access(args.encore, os.X_OK):
        fail("encore binary not found at %s" % args.encore)

    work = args.keep or tempfile.mkdtemp(prefix="encore-eval-ref-")
    os.makedirs(work, exist_ok=True)
    try:
        db = os.path.join(work, "ml-100k.db")
        if not os.path.exists(db):
            run([args.encore, "import", "--format", "movielens-100k", "--db", db, dataset])
        mismatches = 0
        for protocol in args.protocols.split(","):
            split_dir = os.path.join(work, "split-" + protocol)
            out = run([args.encore, "eval", "--db", db, "--protocol", protocol, "--models", "popularity",
                       "--k", ",".join(str(k) for k in KS), "--seed", "42", "--threads", "2", "--json",
                       "--dump-split", split_dir])
            report = json.loads(out)
            cpp = report["models"][0]["metrics"]
            ref, n_users = reference_metrics(split_dir)
            if report["models"][0]["users_evaluated"] != n_users:
                fail("%s: C++ evaluated %d users, reference %d" %
                     (protocol, report["models"][0]["users_evaluated"], n_users))
            print("%s: %d test users" % (protocol, n_users))
            for name in sorted(ref):
                if name not in cpp or cpp[name] is None:
                    print("  %-14s missing from the C++ report" % name)
                    mismatches += 1
                    continue
                diff = abs(cpp[name] - ref[name])
                ok = diff <= TOLERANCE
                mismatches += 0 if ok else 1
                print("  %-14s C++ %.9f  reference %.9f  %s" % (name, cpp[name], ref[name], "ok" if ok else "MISMATCH"))
            if protocol == "stratified":
                for name, published in PUBLISHED_STRATIFIED.items():
                    ok = abs(ref[name] - published) <= PUBLISHED_TOLERANCE
                    mismatches += 0 if ok else 1
                    print("  %-14s %.4f vs published Popularity %.4f (+-%.2f): %s" %
                          (name, ref[name], published, PUBLISHED_TOLERANCE, "consistent" if ok else "INCONSISTENT"))
        if mismatches:
            fail("%d value(s) differ (details above)" % mismatches)
        print("eval_reference: all metrics match within %g" % TOLERANCE)
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
