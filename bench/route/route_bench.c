/*
 * route_bench: installs N IPv4 /24 routes through src/route and reports
 * time and memory. Meant to run inside the private namespace that
 * bench/route/run.sh creates (it needs interfaces va0/va1 with gateways
 * 192.0.2.2 / 198.51.100.2); never run it in the host namespace.
 *
 * Usage: route_bench [-n routes] [-b batch] [-e] [-o] [-f] [-6]
 *   -e: install 2-way ECMP first (then single path); -o: kernel nexthop
 *   objects; -f: every route has an off-link gateway, so the kernel rejects
 *   all of them (measures error reporting at scale).
 * Phases: install (set A), replace (set B), re-announce (B again),
 * withdraw va0 (tunnel down), dump, delete (sweep).
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "route/route.h"

struct mem {
	long slab_kb, avail_kb, rss_kb;
};

static long meminfo_kb(const char *path, const char *key)
{
	FILE *f = fopen(path, "r");
	char line[256];
	long v = -1;
	size_t klen = strlen(key);
	if (f == NULL)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (strncmp(line, key, klen) == 0 && line[klen] == ':')
			v = strtol(line + klen + 1, NULL, 10);
	fclose(f);
	return v;
}

static struct mem mem_now(void)
{
	return (struct mem){ meminfo_kb("/proc/meminfo", "Slab"),
			     meminfo_kb("/proc/meminfo", "MemAvailable"),
			     meminfo_kb("/proc/self/status", "VmRSS") };
}

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int count_cb(void *arg, const struct route_entry *e)
{
	(void)e;
	(*(long *)arg)++;
	return 0;
}

static bool bench_v6;

/*
 * Route i: IPv4 32.0.0.0/24 + i (1M routes end at 47.255.255.0/24), or with
 * -6 IPv6 2a00:0::/48 + i (i in bits 16..47).
 */
static struct ip_prefix bench_prefix(uint32_t i)
{
	if (!bench_v6)
		return (struct ip_prefix){ ip_addr_v4(0x20000000u + (i << 8)), 24 };
	struct ip_prefix p = { .addr = { .family = AF_INET6 }, .len = 48 };
	p.addr.a[0] = 0x2a;
	p.addr.a[2] = (uint8_t)(i >> 24);
	p.addr.a[3] = (uint8_t)(i >> 16);
	p.addr.a[4] = (uint8_t)(i >> 8);
	p.addr.a[5] = (uint8_t)i;
	return p;
}

static int install_all(struct route_fib *fib, uint32_t n,
		       const struct route_nexthop *nh, size_t nnh)
{
	for (uint32_t i = 0; i < n; i++) {
		struct ip_prefix p = bench_prefix(i);
		int rc = route_fib_replace(fib, &p, nh, nnh);
		if (rc < 0) {
			fprintf(stderr, "replace %u: %s\n", i, strerror(-rc));
			return rc;
		}
	}
	return route_fib_sync(fib);
}

static void report(const char *phase, uint32_t n, double secs)
{
	if (secs < 0.001 || n == 0)
		printf("%-10s %8u routes %8.3f s\n", phase, n, secs);
	else
		printf("%-10s %8u routes %8.3f s %10.0f routes/s\n", phase, n,
		       secs, n / secs);
}

static int fail_cb_count;

static void on_fail(void *arg, enum route_op op, const struct ip_prefix *p,
		    int err)
{
	(void)arg, (void)op, (void)p, (void)err;
	fail_cb_count++;
}

/* Every route rejected (ENETUNREACH): each must be reported, none lost. */
static int run_failing(uint32_t n, uint32_t batch)
{
	struct route_fib_config cfg = { .batch_size = batch };
	struct route_fib *fib = route_fib_new(NULL, &cfg);
	int a = route_link_index("va0");
	if (fib == NULL || a < 0)
		return 1;
	route_fib_set_fail_cb(fib, on_fail, NULL);
	struct route_nexthop bad = { .ifindex = a };
	ip_addr_parse("203.0.113.9", &bad.gateway);
	double t0 = now_s();
	if (install_all(fib, n, &bad, 1) < 0)
		return 1;
	report("failing", n, now_s() - t0);
	struct route_fib_counters c;
	route_fib_counters(fib, &c);
	printf("failed %llu, callbacks %d, lost %llu, installed %llu\n",
	       (unsigned long long)c.failed, fail_cb_count,
	       (unsigned long long)c.lost, (unsigned long long)c.installed);
	route_fib_free(fib, false);
	return c.failed == n && (uint32_t)fail_cb_count == n ? 0 : 1;
}

static int run(uint32_t n, uint32_t batch, bool ecmp, bool nhobj)
{
	struct route_fib_config cfg = { .batch_size = batch,
					.nexthop_objects = nhobj };
	struct route_fib *fib = route_fib_new(NULL, &cfg);
	int a = route_link_index("va0"), b = route_link_index("va1");
	if (fib == NULL || a < 0 || b < 0) {
		fprintf(stderr, "setup failed (inside run.sh's namespace?)\n");
		return 1;
	}
	struct route_nexthop one = { .ifindex = a };
	struct route_nexthop two[2] = { { .ifindex = a }, { .ifindex = b } };
	ip_addr_parse(bench_v6 ? "fd00::2" : "192.0.2.2", &one.gateway);
	two[0].gateway = one.gateway;
	ip_addr_parse(bench_v6 ? "fd00:1::2" : "198.51.100.2", &two[1].gateway);

	const struct route_nexthop *set_a = ecmp ? two : &one;
	const struct route_nexthop *set_b = ecmp ? &one : two;
	size_t na = ecmp ? 2 : 1, nb = ecmp ? 1 : 2;
	struct mem m0 = mem_now();
	double t0 = now_s();
	if (install_all(fib, n, set_a, na) < 0)
		return 1;
	double t1 = now_s();
	struct mem m1 = mem_now();
	report("install", n, t1 - t0);
	if (install_all(fib, n, set_b, nb) < 0)
		return 1;
	double t2 = now_s();
	report("replace", n, t2 - t1);
	if (install_all(fib, n, set_b, nb) < 0)
		return 1;
	double t3 = now_s();
	report("reannounce", n, t3 - t2);
	long w = route_fib_withdraw_ifindex(fib, a);
	double t4 = now_s();
	report("withdraw", n, t4 - t3);
	/* Set B single path via va0: every route went; ECMP: all remain. */
	long left = nb == 2 ? (long)n : 0;
	long seen = 0;
	long d = route_fib_dump(fib, count_cb, &seen);
	double t5 = now_s();
	report("dump", (uint32_t)seen, t5 - t4);
	long swept = route_fib_sweep_stale(fib);
	double t6 = now_s();
	report("delete", (uint32_t)(swept > 0 ? swept : 0), t6 - t5);

	struct route_fib_counters c;
	route_fib_counters(fib, &c);
	printf("batch %u, nexthop objects %s, %llu sendmsg calls, failed %llu, "
	       "lost %llu, dump %ld, withdraw returned %ld\n", batch,
	       nhobj ? "on" : "off", (unsigned long long)c.batches,
	       (unsigned long long)c.failed, (unsigned long long)c.lost, d, w);
	/* Host-wide counters: other activity adds noise; Slab is the stable
	 * one (FIB trie, aliases and fib_info live in slab caches). */
	printf("kernel memory after install: Slab %+ld KiB (%.0f bytes/route), "
	       "MemAvailable %+ld KiB\n", m1.slab_kb - m0.slab_kb,
	       (double)(m1.slab_kb - m0.slab_kb) * 1024.0 / n,
	       m1.avail_kb - m0.avail_kb);
	printf("route_bench RSS: %ld KiB before, %ld KiB after install\n",
	       m0.rss_kb, m1.rss_kb);
	route_fib_free(fib, false);
	return (c.failed || c.lost || w < 0 || seen != left || swept != left) ? 1 : 0;
}

int main(int argc, char **argv)
{
	uint32_t n = 1000000, batch = 0;
	bool ecmp = false, failing = false, nhobj = false;
	int opt;
	while ((opt = getopt(argc, argv, "n:b:efo6")) != -1) {
		switch (opt) {
		case 'n': n = (uint32_t)strtoul(optarg, NULL, 10); break;
		case 'b': batch = (uint32_t)strtoul(optarg, NULL, 10); break;
		case 'e': ecmp = true; break;
		case 'f': failing = true; break;
		case 'o': nhobj = true; break;
		case '6': bench_v6 = true; break;
		default:
			fprintf(stderr, "usage: %s [-n routes] [-b batch] [-e] [-o] [-f] [-6]\n",
				argv[0]);
			return 2;
		}
	}
	if (n == 0 || n > (1u << 24)) {
		fprintf(stderr, "routes must be 1..16777216\n");
		return 2;
	}
	return failing ? run_failing(n, batch) : run(n, batch, ecmp, nhobj);
}
