#!/usr/bin/env python3
"""Re-runs the accuracy ideas tried for issue 4's nDCG@10 >= .50 target (docs/benchmarks.md,
"What was tried for the accuracy targets") on splits dumped by `encore eval --dump-split`.

Needs numpy (Debian: apt-get install python3-numpy; run with /usr/bin/python3). Each row prints
nDCG@10 and Recall@10 over the test users with every fitted (train + valid) item excluded, as
`encore eval` ranks them; the EASE baseline row reproduces encore's figure to 4 decimals.

  encore eval --db ml100k.db --protocol stratified --ratios 0.75,0.25 --models popularity \
    --weight rating_as_weight=true --seed 42 --dump-split /tmp/split100k
  encore eval --db lastfm.db --protocol random-ratio --weight tag_weight=0 --models popularity \
    --seed 42 --dump-split /tmp/splitlf
  /usr/bin/python3 bench/cf_ideas.py --ml100k /tmp/split100k --lastfm /tmp/splitlf --lastfm-db lastfm.db
"""
import argparse
import os
import sqlite3

import numpy as np

DAY = 86400.0


def load(split_dir):
    parts = [np.loadtxt(f"{split_dir}/{name}.tsv", skiprows=1, delimiter="\t", ndmin=2)
             for name in ("train", "valid", "test")]
    every = np.vstack(parts)
    return parts, int(every[:, 0].max()) + 1, int(every[:, 1].max()) + 1


def matrix(rows, n_users, n_items, values=None):
    x = np.zeros((n_users, n_items))
    x[rows[:, 0].astype(int), rows[:, 1].astype(int)] = 1.0 if values is None else values
    return x


def ndcg_recall(scores, seen, test, k=10):
    scores = np.where(seen > 0, -np.inf, scores)
    truth = {}
    for u, i in test[:, :2].astype(int):
        truth.setdefault(u, set()).add(i)
    discount = 1.0 / np.log2(np.arange(2, k + 2))
    top = np.argpartition(-scores, k, axis=1)[:, :k]
    ndcg, recall = [], []
    for u, items in truth.items():
        ranked = top[u][np.argsort(-scores[u, top[u]])]
        gains = np.array([1.0 if i in items else 0.0 for i in ranked])
        ndcg.append((gains * discount).sum() / discount[:min(len(items), k)].sum())
        recall.append(gains.sum() / len(items))
    return np.mean(ndcg), np.mean(recall)


def ease_b(x, lam, extra_diag=None):
    g = x.T @ x
    g[np.diag_indices_from(g)] += lam + (0 if extra_diag is None else extra_diag)
    p = np.linalg.inv(g)
    b = -p / np.diag(p)
    np.fill_diagonal(b, 0)
    return b


def ease_dual_scores(x, lam):
    """x B for EASE through Woodbury (users << items), without forming B."""
    k = x @ x.T
    k[np.diag_indices_from(k)] += lam
    kinv_x = np.linalg.inv(k) @ x
    p_diag = (1 - np.einsum("ui,ui->i", x, kinv_x)) / lam
    xp = (x - (x @ x.T) @ kinv_x) / lam
    return -xp / p_diag + x


def zscore(s):
    s = s - s.mean(1, keepdims=True)
    return s / (s.std(1, keepdims=True) + 1e-9)


def blend(a, b, w):
    return (1 - w) * zscore(a) + w * zscore(b)


def sequences(rows, n_users):
    u, i, t = rows[:, 0].astype(int), rows[:, 1].astype(int), rows[:, 3]
    out = []
    for user in range(n_users):
        m = u == user
        out.append(i[m][np.lexsort((i[m], t[m]))])
    return out


def adjacency(seqs, n_items, window, decay=1.0):
    g = np.zeros((n_items, n_items))
    for s in seqs:
        for d in range(1, min(window, len(s) - 1) + 1):
            np.add.at(g, (s[:-d], s[d:]), 1.0 / d ** decay)
            np.add.at(g, (s[d:], s[:-d]), 1.0 / d ** decay)
    return g


def ml100k_rows(split_dir):
    (train, valid, test), n_users, n_items = load(split_dir)
    fit = np.vstack([train, valid])  # stratified refits on train + valid
    x = matrix(fit, n_users, n_items)
    ratings = matrix(fit, n_users, n_items, fit[:, 2])
    root = np.sqrt(ratings)
    row = lambda name, s: print(f"ml-100k  {name:<62} nDCG@10 {ndcg_recall(s, x, test)[0]:.4f}  "
                                f"R@10 {ndcg_recall(s, x, test)[1]:.4f}", flush=True)
    plain = x @ ease_b(x, 500)
    row("EASE lambda 500 (baseline)", plain)
    for lam, p in [(100, 0.2), (100, 0.33), (100, 0.5), (200, 0.2), (200, 0.33)]:
        row(f"EASE + DLAE diagonal, lambda {lam}, p {p}", x @ ease_b(x, lam, p / (1 - p) * np.diag(x.T @ x)))
    sqrt_ease = root @ ease_b(root, 300 * ratings.sum() / x.sum())
    row("EASE on sqrt(rating) rows, scored with sqrt(rating), lambda 300", sqrt_ease)
    sqrt_ease500 = root @ ease_b(root, 500 * ratings.sum() / x.sum())
    user_side = ease_b(x.T, 200).T @ x
    row("sqrt-rating EASE (lambda 500) + user-side EASE (200), w .35", blend(sqrt_ease500, user_side, 0.35))
    u, i, t = fit[:, 0].astype(int), fit[:, 1].astype(int), fit[:, 3]
    pop = x.sum(0) + 1
    session = np.zeros((n_items, n_items))
    for user in range(n_users):
        m = u == user
        kernel = np.exp(-np.abs(t[m][:, None] - t[m][None, :]) / 600.0)
        np.add.at(session, (i[m][:, None], i[m][None, :]), kernel)
    np.fill_diagonal(session, 0)
    row("EASE + session kNN (rated within ~10 minutes), w .1",
        blend(plain, x @ (session / np.sqrt(np.outer(pop, pop))), 0.1))
    seqs = sequences(fit, n_users)
    adj3 = adjacency(seqs, n_items, 3)
    row("sqrt-rating EASE + adjacent in rating order (+-3), w .35",
        blend(sqrt_ease500, x @ (adj3 / np.sqrt(np.outer(pop, pop))), 0.35))
    gram = x.T @ x + adjacency(seqs, n_items, 5)
    gram[np.diag_indices_from(gram)] += 500
    p = np.linalg.inv(gram)
    b = -p / np.diag(p)
    np.fill_diagonal(b, 0)
    row("EASE on Gram + adjacency (+-5, 1/d), lambda 500", x @ b)
    median_time = np.array([np.median(t[u == user]) for user in range(n_users)])
    local = np.stack([np.bincount(i, weights=np.exp(-np.abs(median_time[user] - t) / (30 * DAY)), minlength=n_items)
                      for user in range(n_users)])
    row("EASE + popularity near the user's active time (30 days), w .1", blend(plain, local, 0.1))


def lastfm_rows(split_dir, db):
    (train, valid, test), n_users, n_items = load(split_dir)
    x = matrix(train, n_users, n_items)  # random-ratio fits on train only
    seen = matrix(np.vstack([train, valid]), n_users, n_items)
    with sqlite3.connect(db) as con:
        links = np.array(con.execute("SELECT from_idx, to_idx FROM user_links").fetchall(), dtype=int)
    friends = np.zeros((n_users, n_users))
    friends[links[:, 0], links[:, 1]] = 1
    row = lambda name, s: print(f"Last.fm  {name:<62} R@10 {ndcg_recall(s, seen, test)[1]:.4f}  "
                                f"NDCG@10 {ndcg_recall(s, seen, test)[0]:.4f}", flush=True)
    ease = ease_dual_scores(x, 50)
    row("EASE lambda 50 (baseline)", ease)
    row("EASE + friends' artists, w .1", blend(ease, friends @ x, 0.1))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--ml100k", help="split dumped from ml-100k (stratified, rating_as_weight=true)")
    ap.add_argument("--lastfm", help="split dumped from Last.fm (random-ratio, tag_weight=0)")
    ap.add_argument("--lastfm-db", help="the Last.fm store (for user_links)")
    a = ap.parse_args()
    if not a.ml100k and not a.lastfm:
        ap.error("give --ml100k DIR and/or --lastfm DIR --lastfm-db DB")
    if a.lastfm and not a.lastfm_db:
        ap.error("--lastfm needs --lastfm-db (the friends come from its user_links table)")
    for split_dir in filter(None, (a.ml100k, a.lastfm)):
        for name in ("train", "valid", "test"):
            if not os.path.isfile(f"{split_dir}/{name}.tsv"):
                ap.error(f"{split_dir}/{name}.tsv is missing: dump the split with `encore eval ... --dump-split DIR`")
    if a.lastfm_db and not os.path.isfile(a.lastfm_db):
        ap.error(f"--lastfm-db {a.lastfm_db}: no such store")
    if a.ml100k:
        ml100k_rows(a.ml100k)
    if a.lastfm:
        lastfm_rows(a.lastfm, a.lastfm_db)


if __name__ == "__main__":
    main()
