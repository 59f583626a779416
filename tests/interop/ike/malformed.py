#!/usr/bin/env python3
"""Malformed and hostile IKE/ESP input against a running vgwd.

Run by malformed.sh inside the "wan" namespace (the bridge between the two
gateways, which also holds the attacker address 198.51.100.66 on br0), while
a vgwd <-> charon tunnel is up and rhost pings lhost through it:

  malformed.py --vgw 198.51.100.1 --peer 198.51.100.2 --port-if p-lgw \\
               --vgwctl PATH --socket PATH --vgwd-pid PID [--case NAME]

Cases (table CASES below) are plain UDP datagrams from 198.51.100.66 to
vgwd's ports 500 and 4500, or Ethernet frames captured on / injected into
the bridge port toward vgwd (p-lgw) for ESP. Every case asserts one of:
  drop    no answer within 1 s and the sum of vgwctl's "*drop*" counters
          (show tunnels --json plus show status --json) grows
  notify  an answer carrying the named Notify (RFC 7296 3.10.1 types)
  answer  an IKE_SA_INIT response with SA, KE and Nr (payload accepted)
  ignore  no answer (a NAT-keepalive; no counter requirement)
and after every case that vgwd is still alive. Standard library only.
Exit 0 when every case passed, 1 otherwise; one line per case.
"""
import argparse
import json
import os
import random
import socket
import struct
import subprocess
import sys
import time

sys.dont_write_bytecode = True  # never leave __pycache__ in the source tree
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import vgwjson  # noqa: E402  (the same key-name rules as the shell helpers)

# IKEv2 numbers (RFC 7296 3.1, 3.2, 3.3, 3.10.1).
IKE_SA_INIT, IKE_AUTH, INFORMATIONAL = 34, 35, 37
PL_NONE, PL_SA, PL_KE, PL_NONCE, PL_NOTIFY, PL_SK = 0, 33, 34, 40, 41, 46
PL_UNKNOWN = 127  # unassigned (RFC 7296 3.2; IANA 54-127 unassigned)
FLAG_INITIATOR, FLAG_RESPONSE = 0x08, 0x20
N_UNSUPPORTED_CRITICAL_PAYLOAD = 1
N_INVALID_IKE_SPI = 4
N_INVALID_MAJOR_VERSION = 5
N_INVALID_SYNTAX = 7
NOTIFY_NAMES = {1: "UNSUPPORTED_CRITICAL_PAYLOAD", 4: "INVALID_IKE_SPI",
                5: "INVALID_MAJOR_VERSION", 7: "INVALID_SYNTAX",
                14: "NO_PROPOSAL_CHOSEN", 17: "INVALID_KE_PAYLOAD"}

ATTACKER = "198.51.100.66"


# ---- IKE message building -------------------------------------------------

def ike_header(spi_i, spi_r, next_pl, exch, flags, msgid, length, version=0x20):
    #  SPIi(8) SPIr(8) Next(1) MjVer|MnVer(1) Exch(1) Flags(1) MsgID(4) Len(4)
    return struct.pack("!8s8sBBBBII", spi_i, spi_r, next_pl, version, exch,
                       flags, msgid, length)


def payload(next_pl, body, critical=False, length=None):
    #  Next(1) C|RESERVED(1) Length(2) body
    plen = 4 + len(body) if length is None else length
    return struct.pack("!BBH", next_pl, 0x80 if critical else 0, plen) + body


def transform(last, ttype, tid, keylen=None):
    attrs = b"" if keylen is None else struct.pack("!HH", 0x800E, keylen)
    return struct.pack("!BBHBBH", 0 if last else 3, 0, 8 + len(attrs), ttype,
                       0, tid) + attrs


def sa_body():
    """One IKE proposal: AES-GCM-16/256, PRF HMAC-SHA2-256, DH 31 (X25519).

    X25519 accepts any 32-byte public value, so KE can be random and the
    responder still completes its half of the exchange (RFC 8031)."""
    xforms = (transform(False, 1, 20, 256) + transform(False, 2, 5)
              + transform(True, 4, 31))
    prop = struct.pack("!BBHBBBB", 0, 0, 8 + len(xforms), 1, 1, 0, 3) + xforms
    return prop


def sa_init_payloads(extra_type=None, critical=False):
    """SA, KE, Ni [, unknown payload] as a chain; returns (first, bytes)."""
    ke_body = struct.pack("!HH", 31, 0) + os.urandom(32)
    nonce = os.urandom(32)
    chain = [(PL_SA, sa_body()), (PL_KE, ke_body), (PL_NONCE, nonce)]
    if extra_type is not None:
        chain.append((extra_type, b"vgw-interop-unknown-payload"))
    out = b""
    for i, (ptype, body) in enumerate(chain):
        nxt = chain[i + 1][0] if i + 1 < len(chain) else PL_NONE
        crit = critical and ptype == extra_type
        out += payload(nxt, body, critical=crit)
    return chain[0][0], out


def sa_init(extra_type=None, critical=False, spi_i=None, flags=FLAG_INITIATOR,
            version=0x20):
    spi_i = spi_i or os.urandom(8)
    first, body = sa_init_payloads(extra_type, critical)
    hdr = ike_header(spi_i, bytes(8), first, IKE_SA_INIT, flags, 0,
                     28 + len(body), version)
    return hdr + body


def parse_ike(data):
    """Returns (header dict, [(type, critical, body)]) or None if unparsable."""
    if len(data) < 28:
        return None
    spi_i, spi_r, nxt, ver, exch, flags, msgid, length = struct.unpack(
        "!8s8sBBBBII", data[:28])
    if length != len(data):
        return None
    pls, off = [], 28
    while nxt != PL_NONE and off + 4 <= len(data):
        n2, c, plen = struct.unpack("!BBH", data[off:off + 4])
        if plen < 4 or off + plen > len(data):
            return None
        pls.append((nxt, bool(c & 0x80), data[off + 4:off + plen]))
        nxt, off = n2, off + plen
        if nxt == PL_SK:
            break
    return ({"spi_i": spi_i, "spi_r": spi_r, "exch": exch, "flags": flags,
             "msgid": msgid}, pls)


def notifies(pls):
    out = []
    for ptype, _c, body in pls:
        if ptype == PL_NOTIFY and len(body) >= 4:
            spi_size = body[1]
            ntype = struct.unpack("!H", body[2:4])[0]
            out.append((ntype, body[4 + spi_size:]))
    return out


# ---- observation ------------------------------------------------------------

class Target:
    def __init__(self, args):
        self.args = args

    def ctl_json(self, command):
        try:
            out = subprocess.run(
                [self.args.vgwctl, "--socket", self.args.socket] + command.split()
                + ["--json"], capture_output=True, text=True, timeout=5).stdout
            doc = json.loads(out) if out.strip() else {}
        except (subprocess.SubprocessError, ValueError, OSError):
            return {}
        if isinstance(doc, dict) and "data" in doc and "ok" in doc:
            doc = doc["data"]
        return doc

    def drops(self):
        return sum(vgwjson.drop_total(self.ctl_json(cmd))
                   for cmd in ("show tunnels", "show status"))

    def alive(self):
        try:
            with open("/proc/%d/status" % self.args.vgwd_pid) as f:
                for line in f:
                    if line.startswith("State:"):
                        return "Z" not in line.split()[1]
        except OSError:
            return False
        return False


def udp_exchange(dst, port, data, wait=1.0):
    """Sends one datagram from ATTACKER, returns the first answer or None."""
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind((ATTACKER, 0))
    s.settimeout(wait)
    s.sendto(data, (dst, port))
    try:
        reply, _ = s.recvfrom(65535)
    except socket.timeout:
        reply = None
    s.close()
    return reply


class Spoof:
    """Sends UDP as the configured peer (a raw IPv4 socket; the kernel fills
    in the IP checksum and total length) and catches vgwd's answer on the
    bridge port toward the peer, where it is headed. A stranger's IKE_SA_INIT
    may be refused before it is parsed; the peer's address reaches the
    parser. The source port is not charon's, so charon is not disturbed."""

    def __init__(self, a):
        self.a = a
        self.tx = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_RAW)
        self.rx = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P_ALL))
        self.rx.bind((a.peer_if, 0))

    def exchange(self, port, data, wait=1.0):
        sport = random.randint(20000, 60000)
        udp = struct.pack("!HHHH", sport, port, 8 + len(data), 0)
        ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + 8 + len(data),
                         random.randint(0, 0xFFFF), 0x4000, 64, 17, 0,
                         socket.inet_aton(self.a.peer), socket.inet_aton(self.a.vgw))
        self.tx.sendto(ip + udp + data, (self.a.vgw, 0))
        end = time.time() + wait
        self.rx.settimeout(0.2)
        while time.time() < end:
            try:
                frame = self.rx.recv(65535)
            except socket.timeout:
                continue
            parts = split_frame(frame)
            if parts is None:
                continue
            _eth, iph, u, body = parts
            if iph[12:16] != socket.inet_aton(self.a.vgw):
                continue
            if struct.unpack("!HH", u[:4]) == (port, sport):
                return body
        return None

    def close(self):
        self.tx.close()
        self.rx.close()


def spoofed(port, data):
    sp = Spoof(ARGS)
    try:
        return sp.exchange(port, data)
    finally:
        sp.close()


def strip_marker(reply, port):
    if reply is not None and port == 4500:
        return reply[4:] if reply[:4] == bytes(4) else None
    return reply


# ---- ESP frames on the bridge port ----------------------------------------

ETH_P_IP = 0x0800
ETH_P_ALL = 0x0003  # outgoing frames reach only ETH_P_ALL taps
ARGS = None


def ip_checksum(hdr):
    if len(hdr) % 2:
        hdr += b"\0"
    s = sum(struct.unpack("!%dH" % (len(hdr) // 2), hdr))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return (~s) & 0xFFFF


def split_frame(frame):
    """(eth, ip_header, udp_header, payload) of an IPv4/UDP frame or None."""
    if len(frame) < 14 + 20 + 8 or struct.unpack("!H", frame[12:14])[0] != ETH_P_IP:
        return None
    ihl = (frame[14] & 0x0F) * 4
    if frame[14 + 9] != 17:
        return None
    ip_hdr = frame[14:14 + ihl]
    total = struct.unpack("!H", ip_hdr[2:4])[0]
    udp = frame[14 + ihl:14 + ihl + 8]
    return frame[:14], ip_hdr, udp, frame[14 + ihl + 8:14 + total]


def build_frame(eth, ip_hdr, udp, body):
    """Reassembles with fixed lengths, a fresh IP checksum and UDP checksum 0
    (allowed for IPv4, RFC 768), so only the ESP content is wrong."""
    ip = bytearray(ip_hdr)
    struct.pack_into("!H", ip, 2, len(ip_hdr) + 8 + len(body))
    struct.pack_into("!H", ip, 10, 0)
    struct.pack_into("!H", ip, 10, ip_checksum(bytes(ip)))
    u = bytearray(udp)
    struct.pack_into("!H", u, 4, 8 + len(body))
    struct.pack_into("!H", u, 6, 0)
    return eth + bytes(ip) + bytes(u) + body


class Bridge:
    def __init__(self, ifname, peer, vgw):
        self.s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P_ALL))
        self.s.bind((ifname, 0))
        self.peer = socket.inet_aton(peer)
        self.vgw = socket.inet_aton(vgw)

    def capture_esp(self, timeout=10.0):
        """First ESP-in-UDP frame peer:4500 -> vgw:4500 seen on the port."""
        end = time.time() + timeout
        self.s.settimeout(0.5)
        while time.time() < end:
            try:
                frame = self.s.recv(65535)
            except socket.timeout:
                continue
            parts = split_frame(frame)
            if parts is None:
                continue
            _eth, ip, udp, body = parts
            if ip[12:16] != self.peer or ip[16:20] != self.vgw:
                continue
            if struct.unpack("!HH", udp[:4]) != (4500, 4500):
                continue
            if len(body) >= 8 and body[:4] != bytes(4):
                return parts
        return None

    def inject(self, frame):
        self.s.send(frame)


# ---- the cases --------------------------------------------------------------

def c_truncated_header(t, a):
    return spoofed(500, os.urandom(8) + bytes(2))


def c_length_exceeds(t, a):
    hdr = ike_header(os.urandom(8), bytes(8), PL_NONE, IKE_SA_INIT,
                     FLAG_INITIATOR, 0, 1000)
    return spoofed(500, hdr)


def c_length_short(t, a):
    msg = sa_init()
    return spoofed(500, msg[:24] + struct.pack("!I", 28) + msg[28:])


def c_oversized(t, a):
    """A 20 kB IKE_SA_INIT (IP-fragmented on the way) whose chain ends after
    Ni but whose header length covers 20 kB of junk. Sent from the attacker
    address: a raw socket cannot fragment."""
    msg = sa_init()
    body = msg[28:] + os.urandom(20000)
    return udp_exchange(a.vgw, 500, msg[:24] + struct.pack("!I", 28 + len(body)) + body)


def c_payload_overrun(t, a):
    first, body = sa_init_payloads()
    b = bytearray(body)
    struct.pack_into("!H", b, 2, len(body) + 200)  # SA payload runs past the end
    hdr = ike_header(os.urandom(8), bytes(8), first, IKE_SA_INIT,
                     FLAG_INITIATOR, 0, 28 + len(b))
    return spoofed(500, hdr + bytes(b))


def c_payload_too_small(t, a):
    first, body = sa_init_payloads()
    b = bytearray(body)
    struct.pack_into("!H", b, 2, 2)  # shorter than the generic header
    hdr = ike_header(os.urandom(8), bytes(8), first, IKE_SA_INIT,
                     FLAG_INITIATOR, 0, 28 + len(b))
    return spoofed(500, hdr + bytes(b))


def c_unknown_critical(t, a):
    return spoofed(500, sa_init(PL_UNKNOWN, critical=True))


def c_unknown_noncritical(t, a):
    return spoofed(500, sa_init(PL_UNKNOWN, critical=False))


def c_major_version(t, a):
    return spoofed(500, sa_init(version=0x30))


def c_response_flag(t, a):
    return udp_exchange(a.vgw, 500, sa_init(flags=FLAG_RESPONSE))


def c_unknown_spi(t, a):
    sk = payload(PL_NONE, os.urandom(64))
    hdr = ike_header(os.urandom(8), os.urandom(8), PL_SK, IKE_AUTH,
                     FLAG_INITIATOR, 1, 28 + len(sk))
    return spoofed(4500, bytes(4) + hdr + sk)


def c_natt_marker_garbage(t, a):
    return udp_exchange(a.vgw, 4500, bytes(4) + os.urandom(40))


def c_natt_esp_garbage(t, a):
    return udp_exchange(a.vgw, 4500, b"\xde\xad\xbe\xef" + os.urandom(60))


def c_natt_short(t, a):
    return udp_exchange(a.vgw, 4500, b"\x01\x02")


def c_natt_keepalive(t, a):
    return udp_exchange(a.vgw, 4500, b"\xff")


def esp_case(mutate):
    def run(t, a):
        br = Bridge(a.port_if, a.peer, a.vgw)
        parts = br.capture_esp()
        if parts is None:
            raise RuntimeError("captured no ESP frame from the peer (is traffic running?)")
        for frame in mutate(*parts):
            br.inject(frame)
        time.sleep(0.2)
        return None
    return run


def m_replay(eth, ip, udp, body):
    frame = build_frame(eth, ip, udp, body)
    return [frame, frame]  # already delivered once by the bridge: 2 replays


def m_icv_flip(eth, ip, udp, body):
    b = bytearray(body)
    b[-1] ^= 0x01
    return [build_frame(eth, ip, udp, bytes(b))]


def m_bad_spi(eth, ip, udp, body):
    spi = struct.pack("!I", random.randint(0x10000000, 0xFFFFFFF0))
    return [build_frame(eth, ip, udp, spi + body[4:])]


def m_truncated(eth, ip, udp, body):
    return [build_frame(eth, ip, udp, body[:12])]


# name, port, function, expectation, notify type for "notify"
CASES = [
    ("ike_truncated_header", 500, c_truncated_header, "drop", None),
    ("ike_length_exceeds_datagram", 500, c_length_exceeds, "notify_or_drop",
     N_INVALID_SYNTAX),
    ("ike_length_shorter_than_datagram", 500, c_length_short, "notify_or_drop",
     N_INVALID_SYNTAX),
    ("ike_oversized_trailing_junk", 500, c_oversized, "notify_or_drop",
     N_INVALID_SYNTAX),
    ("ike_payload_length_overrun", 500, c_payload_overrun, "notify_or_drop",
     N_INVALID_SYNTAX),
    ("ike_payload_length_too_small", 500, c_payload_too_small, "notify_or_drop",
     N_INVALID_SYNTAX),
    ("ike_unknown_critical_payload", 500, c_unknown_critical, "notify",
     N_UNSUPPORTED_CRITICAL_PAYLOAD),
    ("ike_unknown_noncritical_payload", 500, c_unknown_noncritical, "answer", None),
    ("ike_major_version_3", 500, c_major_version, "notify_or_drop",
     N_INVALID_MAJOR_VERSION),
    ("ike_response_flag_from_stranger", 500, c_response_flag, "drop", None),
    ("ike_unknown_spi_on_4500", 4500, c_unknown_spi, "notify_or_drop",
     N_INVALID_IKE_SPI),
    ("natt_marker_then_garbage", 4500, c_natt_marker_garbage, "drop", None),
    ("natt_garbage_as_esp", 4500, c_natt_esp_garbage, "drop", None),
    ("natt_two_bytes", 4500, c_natt_short, "drop", None),
    ("natt_keepalive", 4500, c_natt_keepalive, "ignore", None),
    ("esp_replay", 4500, esp_case(m_replay), "drop", None),
    ("esp_icv_bit_flip", 4500, esp_case(m_icv_flip), "drop", None),
    ("esp_unknown_spi", 4500, esp_case(m_bad_spi), "drop", None),
    ("esp_truncated", 4500, esp_case(m_truncated), "drop", None),
]


def wait_drop_increase(t, before, timeout=3.0):
    end = time.time() + timeout
    now = t.drops()
    while now <= before and time.time() < end:
        time.sleep(0.2)
        now = t.drops()
    return now


def judge(name, port, expect, want_notify, reply, t, before):
    """Returns (ok, detail)."""
    msg = parse_ike(strip_marker(reply, port)) if reply is not None else None
    got = notifies(msg[1]) if msg else []
    got_names = [NOTIFY_NAMES.get(n, str(n)) for n, _ in got]
    if expect == "notify":
        for ntype, data in got:
            if ntype == want_notify:
                if ntype == N_UNSUPPORTED_CRITICAL_PAYLOAD and data[:1] != bytes([PL_UNKNOWN]):
                    return False, "notify data %r, expected payload type %d" % (data, PL_UNKNOWN)
                return True, "answered %s" % NOTIFY_NAMES[ntype]
        return False, "expected %s, got %s" % (
            NOTIFY_NAMES[want_notify], got_names or ("no answer" if reply is None else "unparsable answer"))
    if expect == "answer":
        types = [p for p, _c, _b in msg[1]] if msg else []
        if msg and msg[0]["flags"] & FLAG_RESPONSE and PL_SA in types and PL_KE in types:
            return True, "IKE_SA_INIT response with SA, KE (unknown non-critical payload skipped)"
        return False, "expected an IKE_SA_INIT response, got %s" % (
            got_names or ("no answer" if reply is None else "payloads %s" % types))
    if expect == "ignore":
        return reply is None, "no answer" if reply is None else "unexpected answer"
    if expect == "notify_or_drop" and any(n == want_notify for n, _ in got):
        return True, "answered %s" % NOTIFY_NAMES[want_notify]
    if reply is not None:
        return False, "expected a silent drop, got an answer (%s)" % (got_names or "unparsed")
    after = wait_drop_increase(t, before)
    if after > before:
        return True, "dropped silently, drop counters %d -> %d" % (before, after)
    return False, "no answer but no drop counter grew (sum stays %d)" % after


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--vgw", required=True)
    ap.add_argument("--peer", required=True)
    ap.add_argument("--port-if", required=True)
    ap.add_argument("--peer-if", required=True)
    ap.add_argument("--vgwctl", required=True)
    ap.add_argument("--socket", required=True)
    ap.add_argument("--vgwd-pid", type=int, required=True)
    ap.add_argument("--case", action="append")
    ap.add_argument("--list", action="store_true")
    a = ap.parse_args()
    if a.list:
        for c in CASES:
            print(c[0])
        return 0
    global ARGS
    ARGS = a
    t = Target(a)
    failed = 0
    for name, port, fn, expect, want in CASES:
        if a.case and name not in a.case:
            continue
        before = t.drops()
        try:
            reply = fn(t, a)
            ok, detail = judge(name, port, expect, want, reply, t, before)
        except (OSError, RuntimeError) as e:
            ok, detail = False, "error: %s" % e
        if not t.alive():
            ok, detail = False, detail + "; vgwd is no longer running"
        print("%s %-36s %s" % ("ok  " if ok else "FAIL", name, detail), flush=True)
        failed += 0 if ok else 1
        if not t.alive():
            break
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
