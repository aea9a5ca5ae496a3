#!/usr/bin/env python3
"""moegen's PyTorch peers: the MoE layer as a PyTorch user would write it, on the GPU in the layer's dtype.

  eager       a loop over the experts hit: gather the expert's rows, two matmuls, weighted index_add (the usual
              reference MoE of PyTorch code bases)
  grouped_mm  the assignments sorted by expert once, then torch._grouped_mm for GroupGEMM 1 and 2 (PyTorch's grouped
              GEMM on Hopper), a weighted index_add to combine

Same protocol as numpy_moe.py (whose dump loader it uses): reads a moegen dump folder, checks its output against the
dump's reference y before any timing, prints {"check": ..., "torch": version, "mode": ...}, then answers on stdin:

  run N      run the layer N times; prints {"ms": [...]} (host wall time of each forward, synchronised)
  quit

Routing covered: softmax or sigmoid scores, router bias, correction bias, grouped top-k (top-2 sum or max), p-norm
renormalisation, routed scaling, shared slices. Noisy gating, GShard's random second expert, capacities and expert
choice are not: the script says so and exits 3 (moegen then runs without this peer).
Benchmark tool only: never on moegen's runtime path.
"""
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from numpy_moe import load  # noqa: E402  (the dump format lives in one place)

import torch  # noqa: E402

DTYPES = {"bf16": torch.bfloat16, "fp16": torch.float16, "fp32": torch.float32}


def unsupported(spec, mode):
    r = spec["routing"]
    why = []
    if mode == "grouped_mm" and spec["dtype"] != "bf16":
        why.append(f"torch._grouped_mm in {spec['dtype']} (bf16 only)")
    if r.get("noisy_gating"):
        why.append("noisy gating")
    if r.get("second_expert_policy") == "random":
        why.append("GShard's random second expert")
    if r.get("strategy") == "expert_choice":
        why.append("expert choice")
    if spec.get("capacity_factor") is not None or spec.get("expert_capacity") is not None:
        why.append("expert capacity")
    return why


def activation(kind, h, inter):
    if kind == "relu":
        return torch.relu(h)
    g, u = h[:, :inter], h[:, inter:]
    if kind == "swiglu":
        return torch.nn.functional.silu(g) * u
    if kind == "geglu-tanh":
        return torch.nn.functional.gelu(g, approximate="tanh") * u
    if kind == "swiglu-clamped":
        g = g.clamp(max=7.0)
        u = u.clamp(-7.0, 7.0)
        return g * torch.sigmoid(1.702 * g) * (u + 1)
    raise ValueError(f"activation {kind!r}")


class Layer:
    def __init__(self, spec, a, mode, device):
        self.s, self.mode = spec, mode
        self.E, self.K, self.I = spec["experts"], spec["top_k"], spec["intermediate"]
        sh = spec.get("shared") or {}
        self.slices = (sh.get("count", 0) * sh.get("intermediate", 0)) // self.I if sh.get("count", 0) else 0
        self.shared_gated = bool(sh.get("gated"))
        self.dt = DTYPES[spec["dtype"]]
        t = lambda name, dt=self.dt: torch.from_numpy(a[name]).to(device=device, dtype=dt).contiguous()
        self.w_router = t("w_router", torch.float32)
        self.b_router = t("b_router", torch.float32) if spec["routing"]["router_bias"] else None
        self.bias = t("e_score_correction_bias", torch.float32) if spec["routing"]["correction_bias"] else None
        self.w13, self.w2 = t("w13"), t("w2")  # [E', N1, H], [E', H, I] as the checkpoints store them
        self.b13 = t("b13") if spec["expert_bias"] else None
        self.b2 = t("b2") if spec["expert_bias"] else None
        self.w13_t, self.w2_t = self.w13.transpose(1, 2), self.w2.transpose(1, 2)  # column-major views for _grouped_mm

    def route(self, x):
        r, E, K = self.s["routing"], self.E, self.K
        logits = x.float() @ self.w_router.T
        if self.b_router is not None:
            logits[:, :E] += self.b_router
        z = logits[:, :E]
        scores = torch.softmax(z, dim=1) if r["scoring"] == "softmax" else torch.sigmoid(z)
        sel = scores + self.bias if self.bias is not None else scores
        if r["n_group"] > 1:
            T, G = x.shape[0], r["n_group"]
            grouped = sel.view(T, G, E // G)
            gscore = grouped.max(dim=2).values if r.get("group_score", "top2_sum") == "max" else grouped.topk(2, dim=2).values.sum(dim=2)
            keep = gscore.topk(r["topk_group"], dim=1).indices
            mask = torch.zeros_like(gscore, dtype=torch.bool).scatter_(1, keep, True)
            sel = sel.masked_fill(~mask.repeat_interleave(E // G, dim=1), float("-inf"))
        ids = sel.topk(K, dim=1).indices
        w = scores.gather(1, ids)
        if r["renormalize"]:
            p = r.get("renormalize_p", 1.0)
            w = w / (w.sum(dim=1, keepdim=True) if p == 1 else (w ** p).sum(dim=1, keepdim=True) ** (1 / p))
        w = w * r["routed_scaling_factor"]
        if self.slices:
            T = x.shape[0]
            sw = torch.sigmoid(logits[:, E]) if self.shared_gated else torch.ones(T, device=x.device)
            ids = torch.cat([ids, torch.arange(E, E + self.slices, device=x.device).expand(T, -1)], dim=1)
            w = torch.cat([w, sw[:, None].expand(T, self.slices)], dim=1)
        return ids, w

    def forward(self, x):
        ids, w = self.route(x)
        T, slots = ids.shape
        flat, wf = ids.reshape(-1), w.reshape(-1)
        tok = torch.arange(T, device=x.device).repeat_interleave(slots)
        y = torch.zeros(x.shape, device=x.device, dtype=torch.float32)
        if self.mode == "eager":
            for e in torch.unique(flat).tolist():
                rows = (flat == e).nonzero(as_tuple=True)[0]
                t = tok[rows]
                h = x[t] @ self.w13[e].T
                if self.b13 is not None:
                    h = h + self.b13[e]
                o = activation(self.s["activation"], h, self.I) @ self.w2[e].T
                if self.b2 is not None:
                    o = o + self.b2[e]
                y.index_add_(0, t, o.float() * wf[rows, None])
            return y.to(x.dtype)
        order = torch.argsort(flat, stable=True)
        e_sorted, t_sorted = flat[order], tok[order]
        offs = torch.cumsum(torch.bincount(flat, minlength=self.E + self.slices), 0).to(torch.int32)
        h = torch._grouped_mm(x[t_sorted], self.w13_t, offs=offs)
        if self.b13 is not None:
            h = h + self.b13[e_sorted]
        o = torch._grouped_mm(activation(self.s["activation"], h, self.I).contiguous(), self.w2_t, offs=offs)
        if self.b2 is not None:
            o = o + self.b2[e_sorted]
        y.index_add_(0, t_sorted, o.float() * wf[order, None])
        return y.to(x.dtype)


def timed(layer, x):
    torch.cuda.synchronize()
    t0 = time.perf_counter()
    layer.forward(x)
    torch.cuda.synchronize()
    return (time.perf_counter() - t0) * 1e3


def main():
    dump, mode = Path(sys.argv[1]), sys.argv[2] if len(sys.argv) > 2 else "eager"
    if mode not in ("eager", "grouped_mm"):
        print(json.dumps({"error": f"mode {mode!r}: allowed eager, grouped_mm"}), flush=True)
        sys.exit(2)
    if not torch.cuda.is_available():
        print(json.dumps({"error": "torch sees no CUDA device"}), flush=True)
        sys.exit(3)
    spec, a = load(dump)
    why = unsupported(spec, mode)
    if why:
        print(json.dumps({"error": "the torch peer does not implement " + ", ".join(why)}), flush=True)
        sys.exit(3)
    layer = Layer(spec, a, mode, "cuda")
    x = torch.from_numpy(a["x"]).to(device="cuda", dtype=layer.dt)
    y = layer.forward(x).float().cpu().numpy()
    ref = a["y"]
    import numpy as np
    rel = float(np.linalg.norm(y - ref) / max(np.linalg.norm(ref), 1e-30))
    print(json.dumps({"check": {"rel_err": rel, "ok": rel <= 2e-2}, "torch": torch.__version__, "mode": mode}), flush=True)
    for line in sys.stdin:
        cmd = line.split()
        if not cmd or cmd[0] == "quit":
            break
        if cmd[0] == "run":
            print(json.dumps({"ms": [timed(layer, x) for _ in range(int(cmd[1]))]}), flush=True)
        else:
            print(json.dumps({"error": f"unknown command {cmd[0]!r}"}), flush=True)


if __name__ == "__main__":
    main()
