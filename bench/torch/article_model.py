"""One timed epoch of the source article's PyTorch model (seed/article-zh.md §5.2) on the ML-1M implicit split.

The model is the article's CollaborativeFilteringModel unchanged: nn.Embedding for users and items, nn.Linear(d, 1)
over their elementwise product, sigmoid, nn.BCELoss, Adam. The article's DataLoader is replaced by slicing shuffled
index tensors (a DataLoader over a TensorDataset collates row by row and would measure Python, not the model).

Negatives: per epoch, `negatives` uniform items per positive that are not among the user's training positives,
drawn with numpy and resampled until none collides. The timed epoch includes this sampling and the shuffle,
as tastebud's timed epoch includes its batch builder.

Prints one JSON line: samples, seconds, samples_per_s, threads, torch, batch_size, loss, ...

    /usr/bin/python3 bench/torch/article_model.py ../shared/data/ml-1m-implicit-afcfm/train.csv --batch-size 5120
"""
import argparse
import json
import time

import numpy as np
import torch
from torch import nn


class CollaborativeFilteringModel(nn.Module):
    """The article's model, verbatim apart from the modern super() call."""

    def __init__(self, n_users, n_items, n_factors):
        super().__init__()
        self.user_factors = nn.Embedding(n_users, n_factors)
        self.item_factors = nn.Embedding(n_items, n_factors)
        self.interaction = nn.Linear(n_factors, 1)

    def forward(self, user_id, item_id):
        user_factors = self.user_factors(user_id)
        item_factors = self.item_factors(item_id)
        return torch.sigmoid(self.interaction(user_factors * item_factors))


def read_pairs(path):
    """AFCFM lines `U-G-A-O,I-C`: the first id of each field is the MovieLens user / movie id."""
    users, items = [], []
    with open(path, encoding="ascii") as f:
        for line in f:
            u, i = line.split(",")
            users.append(int(u.split("-", 1)[0]))
            items.append(int(i.split("-", 1)[0]))
    _, u_idx = np.unique(np.array(users), return_inverse=True)
    _, i_idx = np.unique(np.array(items), return_inverse=True)
    return u_idx.astype(np.int64), i_idx.astype(np.int64)


def epoch_samples(users, items, n_items, pos_keys, negatives, rng):
    """Positives plus `negatives` uniform non-positive items each, shuffled; returns index and label tensors."""
    neg_users = np.repeat(users, negatives)
    neg_items = rng.integers(0, n_items, size=neg_users.size)
    bad = np.arange(neg_users.size)
    while bad.size:  # resample only the collisions with the user's positives
        keys = neg_users[bad] * n_items + neg_items[bad]
        hit = pos_keys[np.minimum(np.searchsorted(pos_keys, keys), pos_keys.size - 1)] == keys
        bad = bad[hit]
        neg_items[bad] = rng.integers(0, n_items, size=bad.size)
    u = np.concatenate([users, neg_users])
    i = np.concatenate([items, neg_items])
    y = np.concatenate([np.ones(users.size, np.float32), np.zeros(neg_users.size, np.float32)])
    order = rng.permutation(u.size)
    return torch.from_numpy(u[order]), torch.from_numpy(i[order]), torch.from_numpy(y[order]).unsqueeze(1)


def train_epoch(model, optimizer, u, i, y, batch_size, max_batches=None):
    """The article's train_model loop body over index slices; returns the sample-weighted mean loss."""
    model.train()
    criterion = nn.BCELoss()
    total, seen = 0.0, 0
    for b, start in enumerate(range(0, u.numel(), batch_size)):
        if max_batches is not None and b >= max_batches:
            break
        sl = slice(start, start + batch_size)
        optimizer.zero_grad()
        loss = criterion(model(u[sl], i[sl]), y[sl])
        loss.backward()
        optimizer.step()
        n = u[sl].numel()
        total += loss.item() * n
        seen += n
    return total / max(seen, 1)


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("train_csv")
    p.add_argument("--dim", type=int, default=64)
    p.add_argument("--negatives", type=int, default=4)
    p.add_argument("--lr", type=float, default=1e-3)
    p.add_argument("--batch-size", type=int, default=5120, help="rows (positives and negatives) per Adam step")
    p.add_argument("--warmup-batches", type=int, default=20, help="untimed steps on a throwaway model")
    p.add_argument("--threads", type=int, default=0, help="torch.set_num_threads; 0 keeps torch's default")
    p.add_argument("--seed", type=int, default=1)
    a = p.parse_args()
    if a.threads > 0:
        torch.set_num_threads(a.threads)
    torch.manual_seed(a.seed)
    rng = np.random.default_rng(a.seed)

    users, items = read_pairs(a.train_csv)
    n_users, n_items = int(users.max()) + 1, int(items.max()) + 1
    pos_keys = np.unique(users * n_items + items)

    def fresh():
        model = CollaborativeFilteringModel(n_users, n_items, a.dim)
        return model, torch.optim.Adam(model.parameters(), lr=a.lr)

    if a.warmup_batches > 0:  # first steps pay for allocation and thread-pool start-up
        wu, wi, wy = epoch_samples(users[:50000], items[:50000], n_items, pos_keys, a.negatives, rng)
        train_epoch(*fresh(), wu, wi, wy, a.batch_size, a.warmup_batches)

    model, optimizer = fresh()
    t0 = time.perf_counter()
    u, i, y = epoch_samples(users, items, n_items, pos_keys, a.negatives, rng)
    t_sampled = time.perf_counter()
    loss = train_epoch(model, optimizer, u, i, y, a.batch_size)
    seconds = time.perf_counter() - t0
    print(json.dumps({
        "samples": int(u.numel()), "positives": int(users.size), "seconds": round(seconds, 3),
        "samples_per_s": round(u.numel() / seconds), "sampling_seconds": round(t_sampled - t0, 3),
        "threads": torch.get_num_threads(), "torch": torch.__version__, "batch_size": a.batch_size,
        "dim": a.dim, "negatives": a.negatives, "lr": a.lr, "loss": round(loss, 5),
        "users": n_users, "items": n_items, "seed": a.seed,
    }))


if __name__ == "__main__":
    main()
