"""Replaces (or appends) one marked section of BENCHMARKS.md.

    python3 section.py NAME TEXT FILE

writes TEXT between `<!-- NAME:start -->` and `<!-- NAME:end -->` in FILE, so each benchmark
script owns its section and report.py carries every marked section over.
"""
import pathlib
import sys

name, body, path = sys.argv[1], sys.argv[2], pathlib.Path(sys.argv[3])
text = path.read_text() if path.exists() else "# Benchmarks\n"
start, end = f"<!-- {name}:start -->", f"<!-- {name}:end -->"
block = f"{start}\n{body}\n{end}"
if start in text and end in text:
    text = text[: text.index(start)] + block + text[text.index(end) + len(end):]
else:
    text = text.rstrip() + "\n\n" + block + "\n"
path.write_text(text)
