"""Our own PyTorch version of the FMP ranking as the paper's released code runs it: one channel at a
time, each with a clean forward and a forward of the random start through the WHOLE model (a hook
reads the feature map), a backward from the MSE of that channel, an FGSM step, and a scoring forward.
Parameters keep requires_grad (as a trained model does), so autograd also computes weight gradients.

Prints `NET CxHxW CH_PER_S SAMPLED TOTAL` lines for `./fmplab bench fmp --vs-pytorch`. Channels are
timed on a sample of every layer (the first ceil(fraction * C) channels) and extrapolated per layer,
exactly as the Java reference mode is.

usage: fmp_pytorch.py [fraction] [probe] [NET CxHxW]   (defaults 0.25, 32 and every net; the Java
benchmark passes one net at a time, right after timing its own, so both see the machine in the same state)
"""
import math
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

from nets import build

torch.set_num_threads(2)
torch.manual_seed(0)
fraction = float(sys.argv[1]) if len(sys.argv) > 1 else 0.25
probe = int(sys.argv[2]) if len(sys.argv) > 2 else 32
only = " ".join(sys.argv[3:5]) if len(sys.argv) > 4 else None
alpha, eps = 1 / 255, 4 / 255


def rank_channel(model, layer, channel, x, y):
    feats = {}
    handle = layer.register_forward_hook(lambda m, i, o: feats.__setitem__("a", o))
    try:
        with torch.no_grad():
            model(x)
        clean = feats["a"][:, channel].detach()
        x0 = (x + alpha * torch.sign(torch.randn_like(x))).clamp(0, 1).requires_grad_(True)
        model(x0)
        loss = F.mse_loss(feats["a"][:, channel], clean)
        model.zero_grad()
        loss.backward()
        x_adv = (x0 + eps * torch.sign(x0.grad)).clamp(0, 1).detach()
    finally:
        handle.remove()
    with torch.no_grad():
        return (model(x_adv).argmax(1) == y).float().mean().item()


def bench(name, width, c, s):
    model = build(name, width, c, s).eval()
    x = torch.rand(probe, c, s, s)
    y = torch.arange(probe) % 10
    convs = [m for m in model.modules() if isinstance(m, nn.Conv2d)]
    rank_channel(model, convs[0], 0, x, y)  # warm-up
    seconds, sampled, total = 0.0, 0, 0
    for layer in convs:
        n = max(1, math.ceil(fraction * layer.out_channels))
        t0 = time.perf_counter()
        for ch in range(n):
            rank_channel(model, layer, ch, x, y)
        seconds += (time.perf_counter() - t0) * layer.out_channels / n
        sampled += n
        total += layer.out_channels
    print(f"{name} {c}x{s}x{s} {total / seconds:.2f} {sampled} {total}", flush=True)


nets = [("smallcnn", 32, 1, 28), ("preactresnet18", 16, 3, 32), ("preactresnet18", 16, 1, 28)]
chosen = [n for n in nets if only is None or only == f"{n[0]} {n[2]}x{n[3]}x{n[3]}"]
if not chosen:
    sys.exit(f"unknown net '{only}'; known: " + ", ".join(f"{n[0]} {n[2]}x{n[3]}x{n[3]}" for n in nets))
for name, width, c, s in chosen:
    bench(name, width, c, s)
