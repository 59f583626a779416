#!/usr/bin/env python3
"""One-shot TCP transfer with an end-to-end checksum (netns.sh helper).

  xfer.py serve ADDR PORT RESULT_FILE   accept one connection, read to EOF,
                                        write "<bytes> <sha256>" to RESULT_FILE
  xfer.py send ADDR PORT BYTES          send BYTES random bytes, print
                                        "<bytes> <sha256>" of what was sent

The two lines are compared by assert_tcp_transfer. Each side gives up when
its whole run passes DEADLINE_S (a per-call socket timeout is not enough: a
lossy tunnel that trickles a few segments through never trips it), so a
black-holed or lossy tunnel fails the test instead of hanging it.
"""
import hashlib
import os
import socket
import sys
import time

DEADLINE_S = 45
CHUNK = 64 * 1024


def remaining(deadline):
    left = deadline - time.monotonic()
    if left <= 0:
        raise TimeoutError("transfer not finished within %d s" % DEADLINE_S)
    return left


def serve(addr, port, result):
    srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind((addr, port))
    srv.listen(1)
    deadline = time.monotonic() + DEADLINE_S
    srv.settimeout(DEADLINE_S)
    print("listening", flush=True)
    conn, _ = srv.accept()
    digest = hashlib.sha256()
    total = 0
    while True:
        conn.settimeout(remaining(deadline))
        data = conn.recv(CHUNK)
        if not data:
            break
        digest.update(data)
        total += len(data)
    conn.close()
    tmp = result + ".tmp"
    with open(tmp, "w") as f:
        f.write("%d %s\n" % (total, digest.hexdigest()))
    os.rename(tmp, result)


def send(addr, port, nbytes):
    deadline = time.monotonic() + DEADLINE_S
    conn = socket.create_connection((addr, port), timeout=DEADLINE_S)
    digest = hashlib.sha256()
    left = nbytes
    while left > 0:
        data = os.urandom(min(CHUNK, left))
        conn.settimeout(remaining(deadline))
        conn.sendall(data)
        digest.update(data)
        left -= len(data)
    conn.shutdown(socket.SHUT_WR)
    conn.settimeout(remaining(deadline))
    conn.recv(1)  # wait for the receiver's close: everything was read
    conn.close()
    print("%d %s" % (nbytes, digest.hexdigest()))


def main(argv):
    if len(argv) == 5 and argv[1] == "serve":
        serve(argv[2], int(argv[3]), argv[4])
    elif len(argv) == 5 and argv[1] == "send":
        send(argv[2], int(argv[3]), int(argv[4]))
    else:
        sys.stderr.write(__doc__)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
