#!/usr/bin/env python3
"""Reads `vgwctl ... --json` output on stdin and answers one question.

  vgwjson.py status NAME    status of tunnel NAME ("UP", "DOWN"; "" if absent)
  vgwjson.py spis [NAME]    every SPI in the document (or in tunnel NAME), one
                            per line, lowercase hex without 0x: 8 digits for
                            ESP SPIs, 16 for IKE SPIs
  vgwjson.py drops [NAME]   sum of every numeric field whose key contains
                            "drop" (a per-key listing goes to stderr)
  vgwjson.py conn NAME      status of connection NAME from `show connections`
  vgwjson.py request SOCKET COMMAND [NAME]
                            send one control-protocol request (version 1,
                            args {"name": NAME}) and print the response;
                            exit 0 iff "ok" is true (for commands vgwctl
                            does not wrap yet, e.g. "tunnel down")

The control protocol (docs/control-protocol.md) fixes `tunnels[]` with
`name` and `status`; the IKE/ESP detail fields are still being written, so
SPIs and drop counters are found by key name rather than by exact path:
an SPI is a value under a key named spi, spi_*, *_spi or *_spis (hex string, "in/out" pair
of hex strings, list of them, or integer), a drop counter is any integer
below a key containing "drop" (e.g. dataplane "drops": {"replay": 3}). The response may be
the whole {"version", "ok", "data"} object or just its data.
"""
import json
import re
import sys

HEX_RE = re.compile(r"^(0x)?([0-9a-fA-F]{8}|[0-9a-fA-F]{16})$")
SPI_KEY_RE = re.compile(r"(^|_)spis?(_|$)")  # spi, spi_in, child_spis; not unknown-spi


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


def spi_texts(value, key):
    if isinstance(value, bool) or value is None:
        return []
    if isinstance(value, int):
        return ["%0*x" % (16 if "ike" in key else 8, value)]
    if isinstance(value, str):
        out = []
        for tok in re.split(r"[^0-9A-Za-z]+", value.strip()):
            m = HEX_RE.match(tok)
            if m:
                out.append(m.group(2).lower())
        return out
    return []


def cmd_spis(doc, name):
    node = find_named(doc, "tunnels", name) if name else doc
    out = set()
    for path, value in walk(node or {}):
        keys = [p.lower() for p in path if not p.isdigit()]
        if any("drop" in k for k in keys):
            continue
        if keys and SPI_KEY_RE.search(keys[-1]):
            for s in spi_texts(value, "/".join(keys)):
                if int(s, 16) != 0:
                    out.add(s)
    for s in sorted(out):
        print(s)


def cmd_drops(doc, name):
    node = find_named(doc, "tunnels", name) if name else doc
    total = 0
    for path, value in walk(node or {}):
        below_drop = any("drop" in p.lower() for p in path)
        if below_drop and isinstance(value, int) and not isinstance(value, bool):
            total += value
            sys.stderr.write("%s=%d\n" % ("/".join(path), value))
    print(total)


def drop_total(doc):
    """Sum of every integer below a key containing "drop"."""
    total = 0
    for path, value in walk(doc):
        if (any("drop" in p.lower() for p in path) and isinstance(value, int)
                and not isinstance(value, bool)):
            total += value
    return total


def cmd_request(sock_path, command, name):
    import socket
    req = {"version": 1, "command": command, "args": {"name": name} if name else {}}
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.settimeout(10)
    s.connect(sock_path)
    s.sendall((json.dumps(req) + "\n").encode())
    buf = b""
    while not buf.endswith(b"\n"):
        chunk = s.recv(65536)
        if not chunk:
            break
        buf += chunk
    s.close()
    print(buf.decode(errors="replace").strip())
    try:
        return 0 if json.loads(buf).get("ok") is True else 1
    except ValueError:
        return 1


def main(argv):
    if len(argv) < 2:
        sys.stderr.write(__doc__)
        return 2
    if argv[1] == "request" and len(argv) >= 4:
        return cmd_request(argv[2], argv[3], argv[4] if len(argv) > 4 else None)
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
