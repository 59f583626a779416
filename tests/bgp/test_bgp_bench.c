/*
 * Micro-benchmark, in one process plus forked raw clients over loopback:
 *  1. a raw peer sends N IPv4 /24 prefixes, ~1000 per UPDATE, one
 *     attribute set; measured: time from Established to N routes in the
 *     Loc-RIB, and RSS growth per route;
 *  2. a second raw peer connects; measured (by that child): time from its
 *     KEEPALIVE to End-of-RIB, and prefixes received.
 * N = 100000 in ctest; VGW_BGP_BENCH_N=1000000 for the full figure.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "bgp/bgp.h"
#include "bgp/bgp_priv.h"
#include "testutil.h"

#define CAPS_TX "0104 00010001 0200 4104 0000fde9 4002 0078"
#define CAPS_RX "0104 00010001 0200 4104 0000fdea 4002 0078"

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double cpu_s(void)
{
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	return (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6 +
	       (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6;
}

static long rss_kb(void)
{
	FILE *f = fopen("/proc/self/statm", "r");
	long pages = 0, res = 0;
	if (f != NULL) {
		if (fscanf(f, "%ld %ld", &pages, &res) != 2)
			res = 0;
		fclose(f);
	}
	return res * (sysconf(_SC_PAGESIZE) / 1024);
}

/* Blocking client: connect, OPEN, KEEPALIVE, wait for the speaker's. */
static int client_open(const char *src, uint16_t port, uint32_t id,
		       uint16_t as, const char *caps)
{
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in sa = { .sin_family = AF_INET };
	inet_pton(AF_INET, src, &sa.sin_addr);
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0)
		return -1;
	struct sockaddr_in da = { .sin_family = AF_INET, .sin_port = htons(port) };
	inet_pton(AF_INET, "127.0.0.1", &da.sin_addr);
	for (int i = 0; i < 100; i++) {
		if (connect(fd, (struct sockaddr *)&da, sizeof(da)) == 0)
			break;
		usleep(20000);
	}
	uint8_t m[256];
	size_t n = tu_open(m, as, 90, id, caps);
	if (write(fd, m, n) != (ssize_t)n)
		return -1;
	n = tu_msg(BGP_MSG_KEEPALIVE, NULL, 0, m);
	if (write(fd, m, n) != (ssize_t)n)
		return -1;
	return fd;
}

static bool read_full(int fd, uint8_t *p, size_t n)
{
	size_t off = 0;
	while (off < n) {
		ssize_t k = read(fd, p + off, n - off);
		if (k <= 0)
			return false;
		off += (size_t)k;
	}
	return true;
}

static void sender(uint16_t port, uint32_t total)
{
	int fd = client_open("127.0.0.10", port, 0x0a0a0a0a, 65001, CAPS_TX);
	static const char *attrs = "40010100 4002060201 0000fde9 4003047f00000a";
	uint8_t a[64];
	size_t al = tu_hex(attrs, a, sizeof(a));
	uint8_t *buf = malloc(8u << 20);
	size_t used = 0;
	uint32_t i = 0;
	while (i < total) {
		uint8_t *m = buf + used;
		size_t n = 23 + al;
		memcpy(m + 23, a, al);
		for (int k = 0; k < 1000 && i < total; k++, i++) {
			uint32_t net = 0x0b000000u + (i << 8); /* 11.0.0.0/24 upward */
			m[n++] = 24;
			m[n++] = (uint8_t)(net >> 24);
			m[n++] = (uint8_t)(net >> 16);
			m[n++] = (uint8_t)(net >> 8);
		}
		memset(m, 0xff, 16);
		m[16] = (uint8_t)(n >> 8);
		m[17] = (uint8_t)n;
		m[18] = BGP_MSG_UPDATE;
		m[19] = m[20] = 0;
		m[21] = (uint8_t)(al >> 8);
		m[22] = (uint8_t)al;
		used += n;
		if (used > (8u << 20) - 8192 || i == total) {
			if (write(fd, buf, used) != (ssize_t)used)
				_exit(1);
			used = 0;
		}
	}
	/* keep the session until the parent is done */
	uint8_t hdr[4096];
	while (read(fd, hdr, sizeof(hdr)) > 0)
		;
	_exit(0);
}

static void receiver(uint16_t port, int report_fd)
{
	int fd = client_open("127.0.0.11", port, 0x0b0b0b0b, 65002, CAPS_RX);
	uint8_t m[4096];
	double t0 = 0;
	uint64_t prefixes = 0, updates = 0;
	for (;;) {
		if (!read_full(fd, m, 19))
			_exit(1);
		size_t len = (size_t)m[16] << 8 | m[17];
		if (len < 19 || len > 4096 || !read_full(fd, m + 19, len - 19))
			_exit(1);
		if (m[18] == BGP_MSG_KEEPALIVE && t0 == 0)
			t0 = now_s();
		if (m[18] != BGP_MSG_UPDATE)
			continue;
		size_t wl = (size_t)m[19] << 8 | m[20];
		size_t al = (size_t)m[21 + wl] << 8 | m[22 + wl];
		if (len == 23) /* End-of-RIB */
			break;
		updates++;
		size_t off = 23 + wl + al;
		while (off < len) {
			off += 1 + ((size_t)m[off] + 7) / 8;
			prefixes++;
		}
	}
	double dt = now_s() - t0;
	char line[128];
	int n = snprintf(line, sizeof(line), "%llu %.3f %llu",
			 (unsigned long long)prefixes, dt, (unsigned long long)updates);
	if (write(report_fd, line, (size_t)n) != n)
		_exit(1);
	_exit(0);
}

struct done {
	struct bgp *bgp;
	size_t n;
};

static bool loaded(void *arg)
{
	struct done *d = arg;
	return bgp_route_count(d->bgp) >= d->n;
}

static bool up(void *arg)
{
	return bgp_peer_state(arg, "tx") == BGP_ESTABLISHED;
}

static void test_bench(void **state)
{
	const char *env = getenv("VGW_BGP_BENCH_N");
	uint32_t total = env ? (uint32_t)strtoul(env, NULL, 10) : 100000;
	struct clock clk = clock_system;
	struct loop *loop = loop_new(&clk);
	uint16_t port = tu_free_port();
	struct bgp_config cfg = { .asn = 65000, .port = port, .n_listen = 1 };
	cfg.router_id = tu_addr("1.1.1.1");
	cfg.listen[0] = tu_addr("127.0.0.1");
	struct bgp *bgp = bgp_new(loop, &cfg, NULL, NULL);
	assert_non_null(bgp);
	struct bgp_peer_config pc = { .name = "tx", .remote_as = 65001,
				      .passive = true, .gr_helper = true };
	pc.remote = tu_addr("127.0.0.10");
	assert_int_equal(bgp_peer_add(bgp, &pc), 0);
	pc.name = "rx";
	pc.remote_as = 65002;
	pc.remote = tu_addr("127.0.0.11");
	assert_int_equal(bgp_peer_add(bgp, &pc), 0);
	long rss0 = rss_kb();
	pid_t tx = fork();
	if (tx == 0)
		sender(port, total);
	assert_true(tu_pump_until(loop, up, bgp, 5000));
	double t0 = now_s(), c0 = cpu_s();
	struct done d = { bgp, total };
	assert_true(tu_pump_until(loop, loaded, &d, 120000));
	double dt = now_s() - t0, dc = cpu_s() - c0;
	long rss1 = rss_kb();
	printf("bench: %u prefixes to Loc-RIB in %.3f s (speaker CPU %.3f s, %.0f prefixes/s), RSS +%ld KiB = %.1f bytes/route\n",
	       total, dt, dc, total / dt, rss1 - rss0,
	       (double)(rss1 - rss0) * 1024.0 / total);
	int pfd[2];
	assert_int_equal(pipe(pfd), 0);
	pid_t rx = fork();
	if (rx == 0)
		receiver(port, pfd[1]);
	close(pfd[1]);
	char line[128] = "";
	int rx_status = -1;
	for (int i = 0; i < 120000; i++) {
		loop_run_once(loop, 1);
		if (waitpid(rx, &rx_status, WNOHANG) == rx)
			break;
	}
	if (rx_status != 0)
		printf("bench: receiver exit status %d, peer state %s\n", rx_status,
		       bgp_state_name(bgp_peer_state(bgp, "rx")));
	ssize_t k = read(pfd[0], line, sizeof(line) - 1);
	line[k > 0 ? k : 0] = '\0';
	unsigned long long got = 0, updates = 0;
	double adv = 0;
	assert_int_equal(sscanf(line, "%llu %lf %llu", &got, &adv, &updates), 3);
	printf("bench: advertised %llu prefixes to a new peer in %.3f s, %llu UPDATEs\n",
	       got, adv, updates);
	assert_int_equal(got, total);
	/* packing: ~1000 /24s fit in one 4096-octet UPDATE */
	assert_true(updates <= total / 950 + 2);
	close(pfd[0]);
	bgp_free(bgp);
	int st;
	waitpid(tx, &st, 0);
	loop_free(loop);
}

int main(void)
{
	vlog_init("bench", getenv("BGP_DEBUG") ? VLOG_DEBUG : VLOG_WARN, false);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bench),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
