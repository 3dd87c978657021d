"""Our own PyTorch versions of FMP Lab's networks, for side-by-side benchmarks (same shapes as
org.fmplab.model.Models: SmallCNN and PreActResNet-18 with a width knob)."""
import torch
import torch.nn as nn
import torch.nn.functional as F


class SmallCNN(nn.Module):
    def __init__(self, channels, size, classes=10, w=32):
        super().__init__()
        widths = [w, w, 2 * w, 2 * w]
        layers, cin = [], channels
        for i, c in enumerate(widths):
            layers += [nn.Conv2d(cin, c, 3, padding=1), nn.BatchNorm2d(c), nn.ReLU()]
            if i % 2 == 1:
                layers.append(nn.MaxPool2d(2))
            cin = c
        self.features = nn.Sequential(*layers)
        s = size // 4
        self.fc1 = nn.Linear(cin * s * s, 128)
        self.out = nn.Linear(128, classes)

    def forward(self, x):
        x = self.features(x).flatten(1)
        return self.out(F.relu(self.fc1(x)))


class PreActBlock(nn.Module):
    def __init__(self, cin, cout, stride):
        super().__init__()
        self.bn1 = nn.BatchNorm2d(cin)
        self.conv1 = nn.Conv2d(cin, cout, 3, stride, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(cout)
        self.conv2 = nn.Conv2d(cout, cout, 3, 1, 1, bias=False)
        self.shortcut = None
        if stride != 1 or cin != cout:
            self.shortcut = nn.Conv2d(cin, cout, 1, stride, bias=False)

    def forward(self, x):
        a = F.relu(self.bn1(x))
        sc = self.shortcut(a) if self.shortcut is not None else x
        out = self.conv1(a)
        out = self.conv2(F.relu(self.bn2(out)))
        return out + sc


class PreActResNet18(nn.Module):
    def __init__(self, channels, classes=10, w=16):
        super().__init__()
        self.stem = nn.Conv2d(channels, w, 3, 1, 1, bias=False)
        blocks, cin = [], w
        for s, stride in enumerate([1, 2, 2, 2]):
            cout = w << s
            blocks += [PreActBlock(cin, cout, stride), PreActBlock(cout, cout, 1)]
            cin = cout
        self.blocks = nn.Sequential(*blocks)
        self.linear = nn.Linear(cin, classes)

    def forward(self, x):
        x = self.blocks(self.stem(x))
        return self.linear(F.adaptive_avg_pool2d(x, 1).flatten(1))


def build(name, width, channels, size):
    if name == "smallcnn":
        return SmallCNN(channels, size, w=width)
    return PreActResNet18(channels, w=width)
