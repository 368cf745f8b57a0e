#!/usr/bin/env python3
"""Writes a benchmark copy: tree: about a third random bytes, two thirds compressible text, in files of 4 KiB to
1 MiB, always the same for the same size. Usage: bench/gen-tree.py DIR MB"""
import os
import random
import sys

root, mb = sys.argv[1], int(sys.argv[2])
rnd = random.Random(42)
words = [bytes(rnd.choice(b"abcdefghijklmnopqrstuvwxyz") for _ in range(rnd.randint(2, 9))) for _ in range(5000)]
total, n = 0, 0
while total < mb * 1024 * 1024:
    d = os.path.join(root, "d%03d" % (n // 40), "s%02d" % (n % 7))
    os.makedirs(d, exist_ok=True)
    size = rnd.choice([4096, 16384, 65536, 262144, 1048576])
    data = rnd.randbytes(size) if n % 3 == 0 else b" ".join(rnd.choice(words) for _ in range(size // 6))[:size]
    with open(os.path.join(d, "f%05d.bin" % n), "wb") as f:
        f.write(data)
    total += len(data)
    n += 1
print(n, "files,", total // (1024 * 1024), "MB", file=sys.stderr)
