#!/usr/bin/env python3
"""Writes reproducible CSV-like text files for the benchmark dataset.

    gen_csv.py SEED OUT_DIR COUNT

File i gets 8,000-40,000 rows of a transaction table drawn from random.Random(f"{SEED}:{i}")
(Python's Mersenne Twister with a string seed: the same bytes on every machine and Python 3
version), so sizes land between about 0.4 and 2.5 MB.
"""
import os
import random
import sys

MERCHANTS = ["grocer", "fuel", "airline", "hotel", "online", "pharmacy", "electronics", "cafe"]
COUNTRIES = ["DE", "FR", "NL", "ES", "IT", "PL", "SE", "US", "GB", "BR"]


def main() -> None:
    seed, out_dir, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
    os.makedirs(out_dir, exist_ok=True)
    for i in range(count):
        rng = random.Random(f"{seed}:{i}")
        rows = 8000 + rng.getrandbits(32) % 32001
        lines = ["txn_id,timestamp,account,amount,merchant,country,label"]
        t = 1_700_000_000 + rng.getrandbits(24)
        for r in range(rows):
            t += rng.getrandbits(6)
            lines.append(
                f"{i:03d}-{r:06d},{t},{rng.getrandbits(40):010x},"
                f"{rng.getrandbits(20) / 100:.2f},{MERCHANTS[rng.getrandbits(3)]},"
                f"{COUNTRIES[rng.getrandbits(16) % 10]},{1 if rng.getrandbits(7) == 0 else 0}"
            )
        with open(os.path.join(out_dir, f"part-{i:03d}.csv"), "w", newline="\n") as f:
            f.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
