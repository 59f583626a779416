#!/usr/bin/env python3
"""Reads `vgwctl ... --json` output on stdin and answers one question.

  vgwjson.py status NAME    status of tunnel NAME ("UP", "DOWN"; "" if absent)
  vgwjson.py spis [NAME]    every SPI in the document (or in tunnel NAME), one
                            per line, lowercase hex without 0x: 8 digits for
                            ESP SPIs, 16 for IKE SPIs
  vgwjson.py drops [NAME]   sum of every numeric field whose key contains
                            "drop" (a per-key listing goes to stderr)
  vgwjson.py conn NAME      status of connection NAME from `show connections`

The control protocol (docs/control-protocol.md) fixes `tunnels[]` with
`name` and `status`; the IKE/ESP detail fields are still being written, so
SPIs and drop counters are found by key name (any key containing "spi",
any key containing "drop") rather than by exact path. The response may be
the whole {"version", "ok", "data"} object or just its data.
"""
import json
import re
import sys

HEX_RE = re.compile(r"^(0x)?([0-9a-fA-F]{8}|[0-9a-fA-F]{16})$")


def load():
    text = sys.stdin.read()
    doc = json.loads(text) if text.strip() else {}
    if isinstance(doc, dict) and "data" in doc and "ok" in doc:
        doc = doc["data"]
    return doc


def find_named(doc, listname, name):
    items = doc.get(listname, []) if isinstance(doc, dict) else []
    for item in items:
        if isinstance(item, dict) and item.get("name") == name:
            return item
    return None


def walk(node, path=()):
    if isinstance(node, dict):
        for k, v in node.items():
            yield from walk(v, path + (str(k),))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield from walk(v, path + (str(i),))
    else:
        yield path, node


def spi_text(value, key):
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        width = 16 if "ike" in key else 8
        return "%0*x" % (width, value)
    if isinstance(value, str):
        m = HEX_RE.match(value.strip())
        if m:
            return m.group(2).lower()
    return None


def cmd_spis(doc, name):
    node = find_named(doc, "tunnels", name) if name else doc
    out = set()
    for path, value in walk(node or {}):
        keys = [p.lower() for p in path if not p.isdigit()]
        if keys and "spi" in keys[-1]:
            s = spi_text(value, "/".join(keys))
            if s and int(s, 16) != 0:
                out.add(s)
    for s in sorted(out):
        print(s)


def cmd_drops(doc, name):
    node = find_named(doc, "tunnels", name) if name else doc
    total = 0
    for path, value in walk(node or {}):
        key = path[-1].lower() if path else ""
        if "drop" in key and isinstance(value, int) and not isinstance(value, bool):
            total += value
            sys.stderr.write("%s=%d\n" % ("/".join(path), value))
    print(total)


def main(argv):
    if len(argv) < 2:
        sys.stderr.write(__doc__)
        return 2
    doc = load()
    cmd, arg = argv[1], (argv[2] if len(argv) > 2 else None)
    if cmd == "status":
        t = find_named(doc, "tunnels", arg)
        print(str(t.get("status", "")) if t else "")
    elif cmd == "conn":
        c = find_named(doc, "connections", arg)
        print(str(c.get("status", "")) if c else "")
    elif cmd == "spis":
        cmd_spis(doc, arg)
    elif cmd == "drops":
        cmd_drops(doc, arg)
    else:
        sys.stderr.write(__doc__)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
