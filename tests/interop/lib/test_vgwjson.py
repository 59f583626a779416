#!/usr/bin/env python3
"""Table tests for vgwjson.py: the key-name rules the vgwd interop tests rely
on to find status, SPIs and drop counters in `vgwctl ... --json` output.
ctest: interop_lib_vgwjson (no root needed)."""
import io
import json
import os
import sys
import unittest

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import vgwjson  # noqa: E402

DOC = {
    "tunnels": [{"name": "t1", "status": "UP", "child_spis": "c8015831/05963f6e"},
                {"name": "t2", "status": "DOWN"}],
    "ike": [{"name": "t1", "errors": {"AUTHENTICATION_FAILED": 1},
             "ike_sa": {"spi_i": "7614a0ea3d492704", "spi_r": "b96c9bb299a538e0",
                        "children": [{"spi_in": "c8015831", "spi_out": "05963f6e"}]}}],
    "dataplane": [{"tunnels": [{"spi_in": ["c8015831", "0badf00d"],
                                "spi_out": "05963f6e", "spi_x": None,
                                "drops": {"replay": 3, "auth": 2}}],
                   "drops": {"unknown-spi": 1}, "rx_datagrams": 99}],
}


def run(args, doc):
    old_in, old_out, old_err = sys.stdin, sys.stdout, sys.stderr
    sys.stdin = io.StringIO(json.dumps(doc))
    sys.stdout, sys.stderr = io.StringIO(), io.StringIO()
    try:
        rc = vgwjson.main(["vgwjson.py"] + args)
        return rc, sys.stdout.getvalue().split()
    finally:
        sys.stdin, sys.stdout, sys.stderr = old_in, old_out, old_err


class VgwJson(unittest.TestCase):
    CASES = [
        # (args, document, expected output words)
        (["status", "t1"], DOC, ["UP"]),
        (["status", "t2"], DOC, ["DOWN"]),
        (["status", "nope"], DOC, []),
        (["status", "t1"], {"version": 1, "ok": True, "data": DOC}, ["UP"]),
        (["spis"], DOC, ["05963f6e", "0badf00d", "7614a0ea3d492704",
                         "b96c9bb299a538e0", "c8015831"]),
        (["spis"], {"x": {"spi": 0xb6096e21, "ike_spi_i": 1}}, ["0000000000000001", "b6096e21"]),
        (["spis"], {"spi": "0x00000000"}, []),
        (["drops"], DOC, ["6"]),
        (["drops"], {"dropped": 4, "a": {"drop_count": True}}, ["4"]),
        (["drops"], {}, ["0"]),
        (["conn", "c1"], {"connections": [{"name": "c1", "status": "Connected"}]}, ["Connected"]),
    ]

    def test_table(self):
        for args, doc, want in self.CASES:
            with self.subTest(args=args, doc=doc):
                rc, out = run(args, doc)
                self.assertEqual(rc, 0)
                self.assertEqual(out, want)


if __name__ == "__main__":
    unittest.main()
