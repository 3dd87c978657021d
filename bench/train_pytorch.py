"""Training throughput of the same nets in PyTorch (2 threads, batch 128), printed as
`NET WIDTH CxHxW IMG_PER_S` lines for `./fmplab bench train --vs-pytorch`.

usage: train_pytorch.py [steps] [NET WIDTH CxHxW]   (default 8 steps, every net; the Java benchmark
passes one net at a time, right after timing its own, so both see the machine in the same state)"""
import sys
import time

import torch
import torch.nn.functional as F

from nets import build

torch.set_num_threads(2)
torch.manual_seed(0)
steps = int(sys.argv[1]) if len(sys.argv) > 1 else 8
only = " ".join(sys.argv[2:5]) if len(sys.argv) > 4 else None
batch = 128
nets = [(name, width, c, s) for name, width in [("smallcnn", 32), ("preactresnet18", 16), ("preactresnet18", 64)]
        for c, s in [(1, 28), (3, 32)]]
chosen = [n for n in nets if only is None or only == f"{n[0]} {n[1]} {n[2]}x{n[3]}x{n[3]}"]
if not chosen:
    sys.exit(f"unknown net '{only}'; known: " + ", ".join(f"{n[0]} {n[1]} {n[2]}x{n[3]}x{n[3]}" for n in nets))
for name, width, c, s in chosen:
    net = build(name, width, c, s)
    opt = torch.optim.SGD(net.parameters(), lr=0.01, momentum=0.9, weight_decay=5e-4)
    x = torch.rand(batch, c, s, s)
    y = torch.arange(batch) % 10
    n = max(2, steps // 3) if width == 64 else steps
    for i in range(3 + n):
        if i == 3:
            t0 = time.perf_counter()
        opt.zero_grad()
        F.cross_entropy(net(x), y).backward()
        opt.step()
    dt = time.perf_counter() - t0
    print(f"{name} {width} {c}x{s}x{s} {n * batch / dt:.1f}", flush=True)
