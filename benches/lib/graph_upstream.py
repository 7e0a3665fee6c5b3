#!/usr/bin/env python3
"""Counts a case's lineage and the part of it upstream of given nodes, as `custody diff` walks it.

    graph_upstream.py GRAPH.json NODE_ID...

GRAPH.json is `custody graph CASE --format json` (the whole graph). "Upstream" follows, from
each node, the outgoing edges that mean "depends on", with the rules of crates/analysis/src/diff/align.rs:
not `hadMember` or `wasAttributedTo`, nothing out of a commit (parents, authors), not a stage's
`used` edge to the commit its lock was recorded at, nothing into a signature or attestation.
Prints one JSON object: the graph's node and edge counts, and for each NODE_ID its upstream
node count (the node itself included), by kind, and the upstream edge count.
"""
import collections
import json
import sys


def norm(s):
    return "".join(c for c in str(s).lower() if c.isalnum())


def main():
    graph = json.load(open(sys.argv[1]))
    nodes = {n["id"]: n for n in graph["nodes"]}
    out = collections.defaultdict(list)
    for e in graph["edges"]:
        out[e["from"]].append(e)

    def is_input(frm, e):
        rel = norm(e["relation"])
        to = nodes.get(e["to"])
        fk, tk = norm(frm["kind"]), norm(to["kind"]) if to else None
        if rel in ("hadmember", "wasattributedto") or fk == "commit" or to is None:
            return False
        if rel == "used" and fk == "stage" and tk == "commit":
            return False
        return tk not in ("signature", "attestation")

    result = {"nodes": len(nodes), "edges": len(graph["edges"]),
              "kinds": dict(collections.Counter(n["kind"] for n in nodes.values())), "upstream": {}}
    for root in sys.argv[2:]:
        seen, stack, edges = {root}, [root], 0
        while stack:
            n = stack.pop()
            for e in out.get(n, []):
                if not is_input(nodes[n], e):
                    continue
                edges += 1
                if e["to"] not in seen:
                    seen.add(e["to"])
                    stack.append(e["to"])
        kinds = collections.Counter(nodes[i]["kind"] for i in seen)
        result["upstream"][root] = {"nodes": len(seen), "edges": edges, "kinds": dict(kinds)}
    json.dump(result, sys.stdout, indent=1)
    print()


if __name__ == "__main__":
    main()
