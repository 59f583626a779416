/*
 * feeder: a raw BGP-4 speaker for benchmarks (not part of vgw).
 *
 *   feeder send  -c ADDR | -l ADDR  [options]   announce N IPv4 prefixes
 *   feeder recv  -c ADDR | -l ADDR  [options]   count prefixes until End-of-RIB
 *
 * The session is the minimum RFC 4271 allows: OPEN (4-octet AS, IPv4
 * unicast, route refresh, graceful restart so that the peer sends
 * End-of-RIB, RFC 4724 2), KEEPALIVE, then UPDATEs. In send mode the whole
 * stream (about 1,000 prefixes per UPDATE, lengths /16../24, four AS paths,
 * End-of-RIB last) is built before the session starts, so the socket is the
 * only limit. Timestamps (CLOCK_REALTIME, seconds) go to stdout as
 * "key value" lines for bench/bgp/run.sh:
 *   established T        OPEN exchange done (KEEPALIVE received)
 *   sent_eor T           send: the last byte of End-of-RIB written
 *   first_update T       recv: first UPDATE with NLRI
 *   eor T                recv: End-of-RIB received
 *   prefixes N           recv: NLRI counted before End-of-RIB
 *   complete T           recv: the -n'th prefix arrived (for peers that
 *                        send no End-of-RIB)
 * After its work the process stays in the session (answering with
 * KEEPALIVEs) for -s seconds, or until SIGTERM/SIGINT.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "base/cursor.h"

#define BGP_HDR 19
#define BGP_MAX 4096
#define AS_TRANS 23456

enum { MSG_OPEN = 1, MSG_UPDATE = 2, MSG_NOTIFICATION = 3, MSG_KEEPALIVE = 4 };

struct opts {
	bool send;
	const char *connect, *listen, *local;
	uint16_t port;
	uint32_t as, count, per_update;
	uint16_t hold;
	int stay_s;
	struct in_addr nexthop, router_id;
};

struct sess {
	int fd;
	uint8_t in[1 << 20];
	size_t in_len;
	bool open_seen, established;
	double t_last_ka;
	uint64_t prefixes, updates;
	uint64_t expect; /* recv: print "complete" when this many arrived */
	bool eor;
};

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void die(const char *what)
{
	fprintf(stderr, "feeder: %s: %s\n", what, strerror(errno));
	exit(1);
}

/* Marker, length (patched by hdr_end), type. Returns the length offset. */
static size_t hdr_begin(struct wr *w, uint8_t type)
{
	uint8_t marker[16];
	memset(marker, 0xff, sizeof(marker));
	wr_bytes(w, marker, sizeof(marker));
	size_t off = wr_reserve(w, 2);
	wr_u8(w, type);
	return off;
}

static void hdr_end(struct wr *w, size_t start, size_t len_off)
{
	wr_patch_u16be(w, len_off, (uint16_t)(wr_len(w) - start));
}

/*
 *  OPEN: version 4, My AS (AS_TRANS if 4-octet), Hold Time, BGP Identifier,
 *  one Capabilities parameter (RFC 5492): MP IPv4/unicast (1), route
 *  refresh (2), graceful restart (64, restart time 0, IPv4/unicast),
 *  4-octet AS (65).
 */
static void put_open(struct wr *w, const struct opts *o)
{
	size_t start = wr_len(w), lo = hdr_begin(w, MSG_OPEN);
	wr_u8(w, 4);
	wr_u16be(w, o->as > 0xffff ? AS_TRANS : (uint16_t)o->as);
	wr_u16be(w, o->hold);
	wr_bytes(w, &o->router_id, 4);
	static const uint8_t caps_fixed[] = {
		1, 4, 0, 1, 0, 1,          /* MP: AFI 1, SAFI 1 */
		2, 0,                      /* route refresh */
		64, 6, 0, 0, 0, 1, 1, 0,   /* GR: time 0; AFI 1 SAFI 1 flags 0 */
	};
	wr_u8(w, (uint8_t)(2 + sizeof(caps_fixed) + 6));
	wr_u8(w, 2); /* parameter type: capabilities */
	wr_u8(w, (uint8_t)(sizeof(caps_fixed) + 6));
	wr_bytes(w, caps_fixed, sizeof(caps_fixed));
	wr_u8(w, 65);
	wr_u8(w, 4);
	wr_u32be(w, o->as);
	hdr_end(w, start, lo);
}

static void put_keepalive(struct wr *w)
{
	size_t start = wr_len(w), lo = hdr_begin(w, MSG_KEEPALIVE);
	hdr_end(w, start, lo);
}

/* The i-th benchmark prefix: lengths drawn from a fixed table (mostly /24,
 * like a real table), consecutive prefixes of each length from 1.0.0.0,
 * so every (address, length) pair is distinct. */
struct gen {
	uint32_t next_k[33]; /* prefixes of each length handed out so far */
};

static void prefix_of(struct gen *g, uint32_t i, uint32_t *addr, uint8_t *len)
{
	static const uint8_t len_of_pct[100] = {
		16, 16, 17, 17, 18, 18, 19, 19, 19, 20, 20, 20, 20, 21, 21, 21, 21, 21,
		22, 22, 22, 22, 22, 22, 22, 22, 22, 22,
		23, 23, 23, 23, 23, 23, 23, 23, 23, 23, 23, 23,
	};
	uint8_t l = len_of_pct[i % 100] ? len_of_pct[i % 100] : 24;
	uint32_t k = g->next_k[l]++;
	*addr = 0x01000000u + (k << (32 - l));
	*len = l;
}

/*
 *  UPDATE: Withdrawn Routes Length 0, Path Attributes (ORIGIN IGP,
 *  AS_PATH one AS_SEQUENCE of 4-octet ASNs, NEXT_HOP), then NLRI
 *  (length byte + significant octets) up to per_update prefixes or until
 *  the 4,096-byte message is full.
 */
static uint32_t put_update(struct wr *w, const struct opts *o, struct gen *g,
			   uint32_t first, uint32_t n_left, unsigned path)
{
	size_t start = wr_len(w), lo = hdr_begin(w, MSG_UPDATE);
	wr_u16be(w, 0);
	size_t alo = wr_reserve(w, 2);
	size_t a0 = wr_len(w);
	uint8_t n_as = (uint8_t)(1 + path);
	wr_u8(w, 0x40); wr_u8(w, 1); wr_u8(w, 1); wr_u8(w, 0);
	wr_u8(w, 0x40); wr_u8(w, 2); wr_u8(w, (uint8_t)(2 + 4 * n_as));
	wr_u8(w, 2); wr_u8(w, n_as);
	wr_u32be(w, o->as);
	for (unsigned k = 1; k < n_as; k++)
		wr_u32be(w, 64600 + 10 * path + k);
	wr_u8(w, 0x40); wr_u8(w, 3); wr_u8(w, 4);
	wr_bytes(w, &o->nexthop, 4);
	wr_patch_u16be(w, alo, (uint16_t)(wr_len(w) - a0));
	uint32_t n = 0;
	while (n < n_left && n < o->per_update &&
	       wr_len(w) - start + 5 <= BGP_MAX) {
		uint32_t addr;
		uint8_t len;
		prefix_of(g, first + n, &addr, &len);
		wr_u8(w, len);
		uint8_t be[4] = { addr >> 24, addr >> 16, addr >> 8, addr };
		wr_bytes(w, be, (size_t)(len + 7) / 8);
		n++;
	}
	hdr_end(w, start, lo);
	return n;
}

/* The whole announcement stream, End-of-RIB (an empty UPDATE) last. */
static uint8_t *build_stream(const struct opts *o, size_t *len)
{
	size_t cap = (size_t)o->count * 5 + (o->count / 100 + 16) * 64 + 4096;
	uint8_t *buf = malloc(cap);
	if (buf == NULL)
		die("malloc");
	struct wr w;
	struct gen g = { { 0 } };
	wr_init(&w, buf, cap);
	uint32_t i = 0;
	unsigned u = 0;
	while (i < o->count && wr_ok(&w))
		i += put_update(&w, o, &g, i, o->count - i, (u++ / 4) % 4);
	size_t start = wr_len(&w), lo = hdr_begin(&w, MSG_UPDATE);
	wr_u16be(&w, 0);
	wr_u16be(&w, 0);
	hdr_end(&w, start, lo);
	if (!wr_ok(&w)) {
		fprintf(stderr, "feeder: stream buffer too small\n");
		exit(1);
	}
	fprintf(stderr, "feeder: %u prefixes in %u UPDATEs, %zu bytes\n", i, u, wr_len(&w));
	*len = wr_len(&w);
	return buf;
}

static bool pump_in(struct sess *s, const struct opts *o);

/* Write everything; while the socket is full, keep reading what the peer
 * sends so that neither side can block the other. */
static void write_all(struct sess *s, const struct opts *o, const uint8_t *p, size_t n)
{
	while (n > 0) {
		ssize_t k = write(s->fd, p, n);
		if (k < 0 && errno == EINTR)
			continue;
		if (k < 0 && errno == EAGAIN) {
			struct pollfd pfd = { .fd = s->fd, .events = POLLOUT | POLLIN };
			poll(&pfd, 1, 1000);
			if ((pfd.revents & POLLIN) && o != NULL && !pump_in(s, o))
				die("peer closed");
			continue;
		}
		if (k <= 0)
			die("write");
		p += k;
		n -= (size_t)k;
	}
}

static void send_small(struct sess *s, void (*put)(struct wr *, const struct opts *),
		       const struct opts *o)
{
	uint8_t buf[128];
	struct wr w;
	wr_init(&w, buf, sizeof(buf));
	put(&w, o);
	write_all(s, NULL, buf, wr_len(&w));
}

static void put_keepalive_o(struct wr *w, const struct opts *o)
{
	(void)o;
	put_keepalive(w);
}

/* UPDATE body: count NLRI, or recognise End-of-RIB (nothing at all). */
static void on_update(struct sess *s, struct rd *body)
{
	uint16_t wl, al;
	struct rd wd, at;
	if (!rd_u16be(body, &wl) || !rd_sub(body, wl, &wd) ||
	    !rd_u16be(body, &al) || !rd_sub(body, al, &at)) {
		fprintf(stderr, "feeder: malformed UPDATE\n");
		exit(1);
	}
	if (wl == 0 && al == 0 && rd_done(body)) {
		if (!s->eor)
			printf("eor %.6f\nprefixes %llu\n", now(),
			       (unsigned long long)s->prefixes);
		fflush(stdout);
		s->eor = true;
		return;
	}
	uint8_t len;
	if (s->prefixes == 0 && !rd_done(body))
		printf("first_update %.6f\n", now());
	while (rd_u8(body, &len)) {
		if (len > 32 || !rd_skip(body, (size_t)(len + 7) / 8)) {
			fprintf(stderr, "feeder: bad NLRI\n");
			exit(1);
		}
		s->prefixes++;
		if (s->prefixes == s->expect)
			printf("complete %.6f\n", now());
	}
	s->updates++;
}

static void on_notification(struct rd *body)
{
	uint8_t code = 0, sub = 0;
	rd_u8(body, &code);
	rd_u8(body, &sub);
	fprintf(stderr, "feeder: NOTIFICATION %u/%u received (%zu data bytes)\n",
		code, sub, rd_left(body));
	exit(2);
}

/* Parse every complete message in the input buffer. */
static void drain(struct sess *s, const struct opts *o)
{
	struct rd r;
	rd_init(&r, s->in, s->in_len);
	for (;;) {
		struct rd m = r;
		uint16_t len;
		uint8_t type;
		struct rd body;
		if (!rd_skip(&m, 16) || !rd_u16be(&m, &len) || !rd_u8(&m, &type))
			break;
		if (len < BGP_HDR || len > BGP_MAX) {
			fprintf(stderr, "feeder: bad message length %u\n", len);
			exit(1);
		}
		if (!rd_sub(&m, len - BGP_HDR, &body))
			break;
		r = m;
		if (type == MSG_OPEN && !s->open_seen) {
			s->open_seen = true;
			send_small(s, put_keepalive_o, o);
		} else if (type == MSG_KEEPALIVE && s->open_seen && !s->established) {
			s->established = true;
			printf("established %.6f\n", now());
			fflush(stdout);
		} else if (type == MSG_UPDATE) {
			on_update(s, &body);
		} else if (type == MSG_NOTIFICATION) {
			on_notification(&body);
		}
	}
	memmove(s->in, rd_cur(&r), rd_left(&r));
	s->in_len = rd_left(&r);
}

/* Read what is there; false on EOF. */
static bool pump_in(struct sess *s, const struct opts *o)
{
	for (;;) {
		ssize_t k = read(s->fd, s->in + s->in_len, sizeof(s->in) - s->in_len);
		if (k > 0) {
			s->in_len += (size_t)k;
			drain(s, o);
			continue;
		}
		if (k == 0)
			return false;
		if (errno == EINTR)
			continue;
		if (errno == EAGAIN)
			return true;
		die("read");
	}
}

/* Wait for input up to ms, answer, keep the session alive. */
static bool step(struct sess *s, const struct opts *o, int ms)
{
	struct pollfd pfd = { .fd = s->fd, .events = POLLIN };
	if (poll(&pfd, 1, ms) < 0 && errno != EINTR)
		die("poll");
	bool alive = pump_in(s, o);
	if (s->established && now() - s->t_last_ka >= o->hold / 3.0) {
		send_small(s, put_keepalive_o, o);
		s->t_last_ka = now();
	}
	return alive;
}

static int open_socket(const struct opts *o)
{
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons(o->port) };
	int fd = socket(AF_INET, SOCK_STREAM, 0), one = 1;
	if (fd < 0)
		die("socket");
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (o->local != NULL) {
		struct sockaddr_in la = { .sin_family = AF_INET };
		inet_pton(AF_INET, o->local, &la.sin_addr);
		if (bind(fd, (struct sockaddr *)&la, sizeof(la)) < 0)
			die("bind local");
	}
	if (o->listen != NULL) {
		inet_pton(AF_INET, o->listen, &sa.sin_addr);
		if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 || listen(fd, 1) < 0)
			die("listen");
		int c = accept(fd, NULL, NULL);
		if (c < 0)
			die("accept");
		close(fd);
		fd = c;
	} else {
		inet_pton(AF_INET, o->connect, &sa.sin_addr);
		for (int tries = 0; connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0; tries++) {
			if (tries >= 100 || stop)
				die("connect");
			usleep(100000);
		}
	}
	int big = 4 << 20;
	setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &big, sizeof(big));
	setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &big, sizeof(big));
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
	return fd;
}

static void usage(void)
{
	fprintf(stderr,
		"usage: feeder send|recv (-c ADDR | -l ADDR) [-b LOCAL] [-p PORT] [-a AS]\n"
		"              [-n COUNT] [-u PER_UPDATE] [-H HOLD] [-N NEXTHOP] [-s STAY_S]\n");
	exit(2);
}

static void parse_opts(int argc, char **argv, struct opts *o)
{
	*o = (struct opts){ .port = 179, .as = 65010, .count = 1000000,
			    .per_update = 1000, .hold = 90, .stay_s = -1 };
	const char *nh = NULL;
	if (argc < 2)
		usage();
	o->send = strcmp(argv[1], "send") == 0;
	if (!o->send && strcmp(argv[1], "recv") != 0)
		usage();
	int c;
	optind = 2;
	while ((c = getopt(argc, argv, "c:l:b:p:a:n:u:H:N:s:")) != -1) {
		switch (c) {
		case 'c': o->connect = optarg; break;
		case 'l': o->listen = optarg; break;
		case 'b': o->local = optarg; break;
		case 'p': o->port = (uint16_t)atoi(optarg); break;
		case 'a': o->as = (uint32_t)strtoul(optarg, NULL, 10); break;
		case 'n': o->count = (uint32_t)strtoul(optarg, NULL, 10); break;
		case 'u': o->per_update = (uint32_t)strtoul(optarg, NULL, 10); break;
		case 'H': o->hold = (uint16_t)atoi(optarg); break;
		case 'N': nh = optarg; break;
		case 's': o->stay_s = atoi(optarg); break;
		default: usage();
		}
	}
	if ((o->connect == NULL) == (o->listen == NULL))
		usage();
	const char *me = nh ? nh : o->local ? o->local : o->listen ? o->listen : "192.0.2.1";
	inet_pton(AF_INET, me, &o->nexthop);
	o->router_id = o->nexthop;
}

int main(int argc, char **argv)
{
	static struct sess s;
	struct opts o;
	size_t stream_len = 0;
	uint8_t *stream = NULL;
	parse_opts(argc, argv, &o);
	setvbuf(stdout, NULL, _IOLBF, 0);
	signal(SIGTERM, on_signal);
	signal(SIGINT, on_signal);
	signal(SIGPIPE, SIG_IGN);
	if (o.send)
		stream = build_stream(&o, &stream_len);
	s.expect = o.count;
	s.fd = open_socket(&o);
	send_small(&s, put_open, &o);
	while (!s.established && !stop)
		if (!step(&s, &o, 100))
			return fprintf(stderr, "feeder: closed before Established\n"), 1;
	s.t_last_ka = now();
	if (o.send && !stop) {
		write_all(&s, &o, stream, stream_len);
		printf("sent_eor %.6f\n", now());
		fflush(stdout);
	}
	double end = o.stay_s >= 0 ? now() + o.stay_s : 1e18;
	while (!stop && now() < end && (o.send || o.stay_s >= 0 || !s.eor))
		if (!step(&s, &o, 200))
			break;
	free(stream);
	close(s.fd);
	return 0;
}
