#!/usr/bin/env python3
"""moegen's NumPy peer: the MoE layer as a NumPy user would write it (fp32, one matmul pair per expert hit).

Reads a moegen dump folder (x, weights, meta.json with the spec; `moegen reference --dump` or `moegen bench --peers`),
checks its output against the dump's reference y before any timing, then answers commands on stdin, one per line,
so moegen can interleave its own timed runs with these:

  run N      run the layer N times; prints {"ms": [...]} (wall time of each run)
  floors     NumPy's own figures on this machine: {"sgemm_flops": ..., "copy_bytes_per_s": ...}
  quit

Standalone: python3 numpy_moe.py DUMP_DIR [--reps N] prints the check and the median time;
python3 numpy_moe.py --floors prints NumPy's sgemm rate and copy bandwidth.
Benchmark tool only: never on moegen's runtime path.
"""
import json
import math
import sys
import time
from pathlib import Path

import numpy as np


def load(dump):
    meta = json.loads((dump / "meta.json").read_text())
    arrays = {}
    for name, t in meta["tensors"].items():
        a = np.load(dump / t["file"])
        if t["dtype"] == "bf16":  # stored as the uint16 bit patterns
            a = (a.astype(np.uint32) << 16).view(np.float32)
        arrays[name] = np.ascontiguousarray(a, dtype=np.float32) if a.dtype != np.int32 else a
    spec = dict(meta["spec"], noise_seed=meta.get("noise_seed", 0))
    return spec, arrays


U64 = np.uint64
MASK = U64(0xFFFFFFFF)


def philox_word(seed, c0, c1, c2):
    """Philox4x32-10's first word for counters (c0, c1, c2, 0) and key (seed, "moeg"): moegen's gating stream."""
    c0, c1, c2 = (np.asarray(c, np.uint64) & MASK for c in (c0, c1, c2))
    c3 = np.zeros_like(c0)
    k0, k1 = U64(seed & 0xFFFFFFFF), U64(0x6D6F6567)
    for r in range(10):
        if r:
            k0, k1 = (k0 + U64(0x9E3779B9)) & MASK, (k1 + U64(0xBB67AE85)) & MASK
        p0, p1 = U64(0xD2511F53) * c0, U64(0xCD9E8D57) * c2
        c0, c1, c2, c3 = (p1 >> U64(32)) ^ c1 ^ k0, p1 & MASK, (p0 >> U64(32)) ^ c3 ^ k1, p0 & MASK
    return c0


def erfinv(x):
    """Giles' single-precision erfinv polynomial (what moegen's kernels use), in float64."""
    w = -np.log((1 - x) * (1 + x))
    lo, hi = w - 2.5, np.sqrt(w) - 3
    p_lo, p_hi = np.full_like(x, 2.81022636e-08), np.full_like(x, -0.000200214257)
    for c in (3.43273939e-07, -3.5233877e-06, -4.39150654e-06, 0.00021858087, -0.00125372503, -0.00417768164, 0.246640727, 1.50140941):
        p_lo = c + p_lo * lo
    for c in (0.000100950558, 0.00134934322, -0.00367342844, 0.00573950773, -0.0076224613, 0.00943887047, 1.00167406, 2.83297682):
        p_hi = c + p_hi * hi
    return np.where(w < 5, p_lo, p_hi) * x


def activation(kind, h, inter):
    if kind == "relu":
        return np.maximum(h, 0)
    g, u = h[:, :inter], h[:, inter:]
    if kind == "swiglu":
        return g / (1 + np.exp(-g)) * u
    if kind == "geglu-tanh":
        return 0.5 * g * (1 + np.tanh(0.7978845608028654 * (g + 0.044715 * g * g * g))) * u
    if kind == "swiglu-clamped":
        g = np.minimum(g, 7.0)
        u = np.clip(u, -7.0, 7.0)
        return g / (1 + np.exp(-1.702 * g)) * (u + 1)
    raise ValueError(f"activation {kind!r}")


class Layer:
    def __init__(self, spec, a):
        self.s, self.a = spec, a
        self.E, self.K, self.I = spec["experts"], spec["top_k"], spec["intermediate"]
        sh = spec.get("shared") or {}
        self.slices = (sh.get("count", 0) * sh.get("intermediate", 0)) // self.I if sh.get("count", 0) else 0
        self.shared_gated = bool(sh.get("gated"))

    def route(self, x):
        s, r, E, K = self.s, self.s["routing"], self.E, self.K
        logits = x @ self.a["w_router"].T
        if r["router_bias"]:
            logits[:, :E] += self.a["b_router"]
        z = logits[:, :E]
        T = x.shape[0]
        if r.get("noisy_gating"):  # Shazeer et al.: + eps * softplus(x W_noise), eps from moegen's Philox stream
            row = E + (1 if self.shared_gated and self.slices else 0)
            n = logits[:, row:row + E].astype(np.float64)
            m = philox_word(s["noise_seed"], np.arange(T)[:, None], np.arange(E)[None, :], 0) >> U64(8)
            eps = np.sqrt(2) * erfinv((2.0 * m + 1 - (1 << 24)) / (1 << 24))
            z = (z + eps * np.where(n > 20, n, np.log1p(np.exp(np.minimum(n, 20))))).astype(np.float32)
        if r["scoring"] == "softmax":
            e = np.exp(z - z.max(axis=1, keepdims=True))
            scores = e / e.sum(axis=1, keepdims=True)
        else:
            scores = 1 / (1 + np.exp(-z))
        if r.get("strategy") == "expert_choice":  # each expert its C best tokens, ties to the lower token
            C = min(T, s["expert_capacity"] if s.get("expert_capacity") is not None else math.ceil(s["capacity_factor"] * T * K / E))
            key = np.where(np.isnan(scores), -np.inf, scores)
            top = np.argsort(-key, axis=0, kind="stable")[:C]
            ids = np.tile(-1 - np.arange(E), (T, 1))
            ids[top, np.arange(E)[None, :]] = np.arange(E)[None, :]
            return self.shared_slots(logits, ids, scores * r["routed_scaling_factor"])
        sel = scores + self.a["e_score_correction_bias"] if r["correction_bias"] else scores.copy()
        if r["n_group"] > 1:
            T, G = x.shape[0], r["n_group"]
            grouped = sel.reshape(T, G, E // G)
            if r.get("group_score", "top2_sum") == "max":  # DeepSeek-V2's group_limited_greedy
                gscore = grouped.max(axis=2)
            else:
                gscore = np.sort(grouped, axis=2)[:, :, -2:].sum(axis=2)
            keep = np.argsort(-gscore, axis=1, kind="stable")[:, : r["topk_group"]]
            mask = np.zeros((T, G), bool)
            np.put_along_axis(mask, keep, True, axis=1)
            sel = np.where(np.repeat(mask, E // G, axis=1), sel, -np.inf)
        ids = np.argsort(-sel, axis=1, kind="stable")[:, :K]  # ties to the lower expert
        w = np.take_along_axis(scores, ids, axis=1)
        if r["renormalize"]:
            p = r.get("renormalize_p", 1.0)
            w = w / (w.sum(axis=1, keepdims=True) if p == 1 else (w ** p).sum(axis=1, keepdims=True) ** (1 / p))
        if r.get("second_expert_policy") == "random":  # GShard: the second pick only if 2 g2 > u
            u = (philox_word(s["noise_seed"], np.arange(T), 0, 1) >> U64(8)).astype(np.float64) / (1 << 24)
            ids = ids.copy()
            ids[:, 1] = np.where(2 * w[:, 1] > u, ids[:, 1], -1 - ids[:, 1])
        return self.shared_slots(logits, ids, w * r["routed_scaling_factor"])

    def shared_slots(self, logits, ids, w):
        E, T = self.E, logits.shape[0]
        if self.slices:
            sw = 1 / (1 + np.exp(-logits[:, E])) if self.shared_gated else np.ones(T, np.float32)
            ids = np.concatenate([ids, np.tile(np.arange(E, E + self.slices), (T, 1))], axis=1)
            w = np.concatenate([w, np.repeat(sw[:, None], self.slices, axis=1)], axis=1)
        return ids, w.astype(np.float32)

    def forward(self, x):
        s, a = self.s, self.a
        ids, w = self.route(x)
        T, slots = ids.shape
        flat = ids.reshape(-1)
        flat = np.where(flat < 0, -1, flat)  # GShard's undispatched second picks
        expert_choice = s["routing"].get("strategy") == "expert_choice"  # each expert already holds exactly C
        if not expert_choice and (s["capacity_factor"] is not None or s.get("expert_capacity") is not None):
            # each routed expert keeps its first C assignments in (token, slot) order, over all T or per sequence
            seq = s.get("sequence_length")
            n = seq if seq else T
            cap = s["expert_capacity"] if s.get("expert_capacity") is not None else math.ceil(s["capacity_factor"] * n * self.K / self.E)
            key = (np.arange(flat.size) // (n * slots)) * (self.E + self.slices + 1) + flat + 1  # (sequence, expert)
            order = np.argsort(key, kind="stable")
            sorted_keys = key[order]
            first = np.searchsorted(sorted_keys, sorted_keys, side="left")
            rank = np.empty_like(flat)
            rank[order] = np.arange(flat.size) - first
            flat = np.where((flat >= 0) & (flat < self.E) & (rank >= cap), -1, flat)
        y = np.zeros_like(x)
        order = np.argsort(flat, kind="stable")
        bounds = np.searchsorted(flat[order], np.arange(self.E + self.slices + 1))
        for e in range(self.E + self.slices):
            rows = order[bounds[e]:bounds[e + 1]]
            if rows.size == 0:
                continue
            tok = rows // slots
            h = x[tok] @ a["w13"][e].T
            if s["expert_bias"]:
                h += a["b13"][e]
            o = activation(s["activation"], h, self.I) @ a["w2"][e].T
            if s["expert_bias"]:
                o += a["b2"][e]
            np.add.at(y, tok, o * w.reshape(-1)[rows, None])
        return y


def check(layer, x, y_ref):
    y = layer.forward(x)
    rel = float(np.linalg.norm(y - y_ref) / max(np.linalg.norm(y_ref), 1e-30))
    return {"rel_err": rel, "ok": rel <= 2e-2}


def floors():
    n = 1024
    a, b = np.random.rand(n, n).astype(np.float32), np.random.rand(n, n).astype(np.float32)
    a @ b
    ts = []
    for _ in range(5):
        t0 = time.perf_counter(); a @ b; ts.append(time.perf_counter() - t0)
    src = np.ones(64 << 18, np.float32)  # 256 MiB
    dst = np.empty_like(src)
    np.copyto(dst, src)
    cs = []
    for _ in range(5):
        t0 = time.perf_counter(); np.copyto(dst, src); cs.append(time.perf_counter() - t0)
    return {"sgemm_flops": 2.0 * n ** 3 / min(ts), "copy_bytes_per_s": 2.0 * src.nbytes / min(cs)}


def main():
    if sys.argv[1] == "--floors":
        print(json.dumps(floors()), flush=True)
        return
    dump = Path(sys.argv[1])
    spec, a = load(dump)
    layer = Layer(spec, a)
    x = a["x"]
    print(json.dumps({"check": check(layer, x, a["y"]), "numpy": np.__version__}), flush=True)
    if "--reps" in sys.argv:
        reps = int(sys.argv[sys.argv.index("--reps") + 1])
        ms = []
        for _ in range(reps):
            t0 = time.perf_counter(); layer.forward(x); ms.append((time.perf_counter() - t0) * 1e3)
        print(json.dumps({"median_ms": float(np.median(ms)), "min_ms": min(ms), "max_ms": max(ms)}))
        return
    for line in sys.stdin:
        cmd = line.split()
        if not cmd or cmd[0] == "quit":
            break
        if cmd[0] == "run":
            ms = []
            for _ in range(int(cmd[1])):
                t0 = time.perf_counter(); layer.forward(x); ms.append((time.perf_counter() - t0) * 1e3)
            print(json.dumps({"ms": ms}), flush=True)
        elif cmd[0] == "floors":
            print(json.dumps(floors()), flush=True)
        else:
            print(json.dumps({"error": f"unknown command {cmd[0]!r}"}), flush=True)


if __name__ == "__main__":
    main()
