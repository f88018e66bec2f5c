#!/usr/bin/env python3
"""Collapsed stacks (async-profiler's `collapsed` output: "frame;frame;frame count" per line) to a
self-contained SVG flame graph, plus a text summary of where the samples went.

    python3 bench/profile/flamegraph.py IN.collapsed OUT.svg [--title T] [--summary OUT.txt]
        [--keep REGEX]   only stacks with a frame matching REGEX (e.g. a thread name)

Brendan Gregg's flamegraph.pl is not packaged by Debian and async-profiler's own converter is not in
its Maven Central jar; this is the few lines of layout needed to look at a profile in a browser.
Hovering a frame shows its name, samples and share (SVG <title>)."""
import argparse
import collections
import html
import re
import zlib

p = argparse.ArgumentParser()
p.add_argument("input")
p.add_argument("output")
p.add_argument("--title", default="CPU flame graph")
p.add_argument("--summary")
p.add_argument("--keep")
a = p.parse_args()

keep = re.compile(a.keep) if a.keep else None
root = {"n": 0, "c": {}}
total = 0
for line in open(a.input, encoding="utf-8", errors="replace"):
    stack, _, count = line.rstrip("\n").rpartition(" ")
    if not stack or not count.isdigit():
        continue
    if keep and not keep.search(stack):
        continue
    n = int(count)
    total += n
    node = root
    node["n"] += n
    for frame in stack.split(";"):
        frame = re.sub(r" tid=\d+", "", frame)
        node = node["c"].setdefault(frame, {"n": 0, "c": {}})
        node["n"] += n

W, H, FONT = 1800, 16, 11


def depth(node):
    return 1 + max((depth(c) for c in node["c"].values()), default=0)


levels = depth(root)
height = levels * H + 40
out = [
    f'<svg xmlns="http://www.w3.org/2000/svg" width="{W}" height="{height}" font-family="monospace" font-size="{FONT}">',
    f'<text x="10" y="16" font-size="14">{html.escape(a.title)} ({total} samples)</text>',
]


def color(name):
    h = zlib.crc32(name.encode()) & 0xFFFF
    if name.startswith("dev/solstice") or name.startswith("dev.solstice"):
        return f"rgb({60 + h % 60},{150 + h % 80},{60 + h % 50})"
    if "_[k]" in name:
        return f"rgb({200 + h % 50},{120 + h % 60},{40})"
    if "/" in name or "." in name:
        return f"rgb({70 + h % 60},{140 + h % 70},{200 + h % 50})"
    return f"rgb({220 + h % 30},{80 + h % 80},{60 + h % 40})"


def draw(node, name, x, d):
    w = node["n"] / total * (W - 20) if total else 0
    if w < 0.3:
        return
    y = height - (d + 1) * H
    label = html.escape(name)
    pct = 100.0 * node["n"] / total
    out.append(
        f'<g><title>{label} ({node["n"]} samples, {pct:.2f}%)</title>'
        f'<rect x="{x:.1f}" y="{y}" width="{w:.1f}" height="{H - 1}" fill="{color(name)}"/>'
    )
    chars = int(w / (FONT * 0.6))
    if chars >= 3:
        text = name if len(name) <= chars else name[: chars - 2] + ".."
        out.append(f'<text x="{x + 2:.1f}" y="{y + H - 4}">{html.escape(text)}</text>')
    out.append("</g>")
    cx = x
    for child_name, child in sorted(node["c"].items()):
        draw(child, child_name, cx, d + 1)
        cx += child["n"] / total * (W - 20)


draw(root, "all", 10, 0)
out.append("</svg>")
with open(a.output, "w", encoding="utf-8") as f:
    f.write("\n".join(out))

if a.summary:
    self_count = collections.Counter()
    incl = collections.Counter()
    threads = collections.Counter()

    def walk(node, path):
        own = node["n"] - sum(c["n"] for c in node["c"].values())
        if path:
            self_count[path[-1]] += own
            if path[0].startswith("["):
                threads[re.sub(r"-\d+\]$", "-N]", path[0])] += own
        for k, c in node["c"].items():
            walk(c, path + [k])

    walk(root, [])
    for line in open(a.input, encoding="utf-8", errors="replace"):
        stack, _, count = line.rstrip("\n").rpartition(" ")
        if not count.isdigit() or (keep and not keep.search(stack)):
            continue
        for fr in set(f.split("(")[0] for f in stack.split(";")):
            incl[fr] += int(count)
    with open(a.summary, "w", encoding="utf-8") as f:
        f.write(f"{a.title}: {total} samples\n\nby thread (self samples)\n")
        for k, n in threads.most_common(20):
            f.write(f"{100.0 * n / total:6.1f}%  {k}\n")
        f.write("\nhottest frames (self)\n")
        for k, n in self_count.most_common(40):
            f.write(f"{100.0 * n / total:6.1f}%  {k}\n")
        f.write("\nframes of the service and its libraries (inclusive)\n")
        for k, n in incl.most_common(2000):
            if re.search(r"dev/solstice|jackson|javax/crypto|com/sun/crypto|micrometer|logback|slf4j|rabbitmq|io/netty/handler/codec/http|io/vertx/ext/web", k):
                if 100.0 * n / total >= 0.5:
                    f.write(f"{100.0 * n / total:6.1f}%  {k}\n")
