"""PyTorch reference of tastebud's sequence model (src/model/sequence/types.ts), for `npm run bench:sequence-torch`.

Same maths as the TypeScript model: pre-LN Transformer blocks (causal multi-head attention, GELU feed-forward),
learned right-aligned positions, item embeddings shared with the output layer (+ item bias), input scaled by
sqrt(dim); the same training (every position of each user's newest maxLen+1 window predicts the next item,
full or sampled softmax cross-entropy, Adam betas 0.9/0.98, length-bucketed batches) and the same evaluation
(full ranking over items not in the history, ties count against the target; NCF over the given candidates).

Input: a JSON file {numItems, fit, valTargets, valUsers, history, testTargets, candidates, options}; output JSON on
stdout. With {"mode": "steps", "steps": K} instead (`npm run bench:sequence-steps`): K Adam steps from PyTorch's own
initial weights on its own first K batches and negatives, written out with those weights (tastebud's tensor names and
[in, out] layout) so that tastebud can replay the same steps and compare. Written for this bench after reading SASRec.pytorch (pmixer) and gSASRec; not copied from either.
"""
import json
import math
import random
import sys
import time

import torch
import torch.nn.functional as F


class Block(torch.nn.Module):
    def __init__(self, dim, heads, ffn):
        super().__init__()
        self.ln1 = torch.nn.LayerNorm(dim, eps=1e-6)
        self.qkv = torch.nn.Linear(dim, 3 * dim)
        self.wo = torch.nn.Linear(dim, dim)
        self.ln2 = torch.nn.LayerNorm(dim, eps=1e-6)
        self.w1 = torch.nn.Linear(dim, ffn)
        self.w2 = torch.nn.Linear(ffn, dim)
        self.heads = heads

    def forward(self, x, mask, drop):
        B, L, D = x.shape
        hs = D // self.heads
        q, k, v = self.qkv(self.ln1(x)).view(B, L, 3, self.heads, hs).permute(2, 0, 3, 1, 4)
        att = (q @ k.transpose(-1, -2)) / math.sqrt(hs) + mask
        ctx = (att.softmax(-1) @ v).transpose(1, 2).reshape(B, L, D)
        x = x + F.dropout(self.wo(ctx), drop, self.training)
        h = F.gelu(self.w1(self.ln2(x)), approximate='tanh')
        return x + F.dropout(self.w2(h), drop, self.training)


class SeqModel(torch.nn.Module):
    def __init__(self, n, o):
        super().__init__()
        self.dim, self.max_len, self.drop = o['dim'], o['maxLen'], o['dropout']
        self.item = torch.nn.Parameter(torch.randn(n, self.dim) / math.sqrt(self.dim))
        self.bias = torch.nn.Parameter(torch.zeros(n))
        self.pos = torch.nn.Parameter(torch.randn(self.max_len, self.dim) * 0.02)
        self.blocks = torch.nn.ModuleList(Block(self.dim, o['heads'], o['ffnDim']) for _ in range(o['blocks']))
        self.lnf = torch.nn.LayerNorm(self.dim, eps=1e-6)

    def forward(self, items, valid):
        B, L = items.shape
        x = self.item[items] * math.sqrt(self.dim) + self.pos[self.max_len - L:]
        x = F.dropout(x, self.drop, self.training) * valid[..., None]
        causal = torch.tril(torch.ones(L, L, dtype=torch.bool))
        visible = causal[None, None] & valid.bool()[:, None, None, :]
        mask = torch.zeros(B, 1, L, L).masked_fill(~visible, -1e9)
        for b in self.blocks:
            x = b(x, mask, self.drop) * valid[..., None]
        return self.lnf(x)


def batches(windows, per_batch, rng):
    order = list(range(len(windows)))
    rng.shuffle(order)
    order.sort(key=lambda i: (len(windows[i]) - 1 + 7) // 8)
    out, start = [], 0
    while start < len(order):
        end, width = start, 0
        while end < len(order):
            w = max(width, len(windows[order[end]]) - 1)
            if end > start and w * (end - start + 1) > per_batch:
                break
            width, end = w, end + 1
        out.append([windows[i] for i in order[start:end]])
        start = end
    rng.shuffle(out)
    return out


def tensors(rows, width):
    items = torch.zeros(len(rows), width, dtype=torch.long)
    valid = torch.zeros(len(rows), width)
    targets = torch.full((len(rows), width), -1, dtype=torch.long)
    for r, w in enumerate(rows):
        T = len(w) - 1
        items[r, width - T:] = torch.tensor(w[:-1])
        valid[r, width - T:] = 1
        targets[r, width - T:] = torch.tensor(w[1:])
    return items, valid, targets


def sampled_loss(model, h, t, neg):
    """Softmax cross-entropy of each target against the batch's shared negatives (a negative equal to the target masked)."""
    pos = (h * model.item[t]).sum(-1) + model.bias[t]
    other = (h @ model.item[neg].T + model.bias[neg]).masked_fill(t[:, None] == neg[None, :], -1e9)
    return (torch.logsumexp(torch.cat([pos[:, None], other], 1), 1) - pos).mean()


def train(model, fit, n, o, budget_s):
    windows = [s[-(o['maxLen'] + 1):] for s in fit if len(s) >= 2]
    opt = torch.optim.Adam(model.parameters(), lr=o['lr'], betas=(0.9, 0.98), eps=1e-8)
    rng = random.Random(o['seed'])
    start, positions, epochs, losses = time.time(), 0, 0, []
    model.train()
    while epochs < o['epochs'] and time.time() - start < budget_s:
        total, count = 0.0, 0
        for rows in batches(windows, o['batchSize'] * o['maxLen'], rng):
            items, valid, targets = tensors(rows, max(len(w) - 1 for w in rows))
            sel = targets >= 0
            h = model(items, valid)[sel]
            t = targets[sel]
            if o['loss'] == 'full':
                logits = h @ model.item.T + model.bias
                loss = F.cross_entropy(logits, t)
            else:
                loss = sampled_loss(model, h, t, torch.randint(0, n, (o['negatives'],)))
            opt.zero_grad()
            loss.backward()
            opt.step()
            total += loss.item() * len(t)
            count += len(t)
            if time.time() - start > budget_s:
                break
        epochs += 1
        positions += count
        losses.append(total / count)
    wall = time.time() - start
    return {'epochs': epochs, 'positions': positions, 'wallSeconds': wall, 'positionsPerSecond': positions / wall, 'losses': losses}


@torch.no_grad()
def rank_metrics(model, histories, targets, candidates=None):
    model.eval()
    hr = ndcg = nhr = nndcg = 0.0
    order = sorted(range(len(histories)), key=lambda u: len(histories[u]))
    scores_all = model.item.T
    for s in range(0, len(order), 256):
        idx = order[s:s + 256]
        wins = [histories[u][-model.max_len:] for u in idx]
        width = max(len(w) for w in wins)
        items, valid, _ = tensors([w + [0] for w in wins], width)
        h = model(items, valid)[:, -1]
        scores = h @ scores_all + model.bias
        for r, u in enumerate(idx):
            sc = scores[r].clone()
            t = targets[u]
            ts = sc[t].item()
            sc[torch.tensor(histories[u])] = -float('inf')
            sc[t] = -float('inf')
            rank = int((sc >= ts).sum())
            if rank < 10:
                hr += 1
                ndcg += 1 / math.log2(rank + 2)
            if candidates:
                c = torch.tensor(candidates[u])
                r2 = int((scores[r][c[1:]] >= scores[r][c[0]]).sum())
                if r2 < 10:
                    nhr += 1
                    nndcg += 1 / math.log2(r2 + 2)
    n = len(histories)
    out = {'users': n, 'HR@10': hr / n, 'NDCG@10': ndcg / n}
    if candidates:
        out.update({'NCF HR@10': nhr / n, 'NCF NDCG@10': nndcg / n})
    return out


def flat_weights(model):
    """The model's tensors under tastebud's names (flat_params.ts), matrices as [in, out], flattened."""
    d = model.dim
    flat = lambda t: t.detach().contiguous().reshape(-1).tolist()
    out = {'item_emb': flat(model.item), 'item_bias': flat(model.bias), 'pos_emb': flat(model.pos),
           'lnf_gamma': flat(model.lnf.weight), 'lnf_beta': flat(model.lnf.bias)}
    for i, b in enumerate(model.blocks):
        wq, wk, wv = b.qkv.weight.split(d)
        bq, bk, bv = b.qkv.bias.split(d)
        for name, t in [('ln1Gamma', b.ln1.weight), ('ln1Beta', b.ln1.bias), ('wq', wq.T), ('bq', bq), ('wk', wk.T),
                        ('bk', bk), ('wv', wv.T), ('bv', bv), ('wo', b.wo.weight.T), ('bo', b.wo.bias),
                        ('ln2Gamma', b.ln2.weight), ('ln2Beta', b.ln2.bias), ('w1', b.w1.weight.T), ('b1', b.w1.bias),
                        ('w2', b.w2.weight.T), ('b2', b.w2.bias)]:
            out[f'block{i}/{name}'] = flat(t)
    return out


def steps(model, fit, n, o, count):
    """`count` Adam steps as `train` takes them, recording each batch, its negatives and its loss."""
    windows = [s[-(o['maxLen'] + 1):] for s in fit if len(s) >= 2]
    chosen = batches(windows, o['batchSize'] * o['maxLen'], random.Random(o['seed']))[:count]
    opt = torch.optim.Adam(model.parameters(), lr=o['lr'], betas=(0.9, 0.98), eps=1e-8)
    start = flat_weights(model)
    record = {'batches': [], 'negatives': [], 'losses': []}
    model.train()
    for rows in chosen:
        items, valid, targets = tensors(rows, max(len(w) - 1 for w in rows))
        sel = targets >= 0
        h, t = model(items, valid)[sel], targets[sel]
        neg = torch.randint(0, n, (o['negatives'],))
        loss = sampled_loss(model, h, t, neg)
        opt.zero_grad()
        loss.backward()
        opt.step()
        record['batches'].append([list(map(int, r)) for r in rows])
        record['negatives'].append(neg.tolist())
        record['losses'].append(loss.item())
    return {**record, 'start': start, 'end': flat_weights(model), 'torch': torch.__version__}


def main():
    spec = json.load(open(sys.argv[1]))
    torch.set_num_threads(int(spec.get('threads', 1)))
    o = spec['options']
    torch.manual_seed(o['seed'])
    n = spec['numItems']
    model = SeqModel(n, o)
    if spec.get('mode') == 'steps':
        print(json.dumps(steps(model, spec['fit'], n, o, spec['steps'])))
        return
    report = train(model, spec['fit'], n, o, spec['budgetSeconds'])
    vu = spec['valUsers']
    report['validation'] = rank_metrics(model, [spec['fit'][u] for u in vu], [spec['valTargets'][u] for u in vu])
    report['test'] = rank_metrics(model, spec['history'], spec['testTargets'], spec['candidates'])
    report['torch'] = torch.__version__
    report['threads'] = torch.get_num_threads()
    print(json.dumps(report))


if __name__ == '__main__':
    main()
