/*
 * Proving traffic through the lab: ping, a TCP transfer whose bytes are
 * checked at the receiver, and a gap meter for failover (a fast ping stream;
 * the longest run of lost replies times the interval is the traffic gap).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "lab/lab_priv.h"

#define LAB_TCP_PORT 17001

int lab_ping(const char *ns, const struct ip_addr *dst, int count, FILE *out)
{
	char a[IP_ADDR_STRLEN], cnt[16], res[8192];
	ip_addr_fmt(dst, a, sizeof(a));
	snprintf(cnt, sizeof(cnt), "%d", count);
	char *argv[] = { "ip", "netns", "exec", (char *)ns, "ping", "-n", "-q", "-c", cnt,
			 "-i", "0.2", "-W", "1", a, NULL };
	int rc = lab_run(argv, res, sizeof(res));
	const char *stats = strstr(res, "packets transmitted");
	const char *line = stats;
	while (line && line > res && line[-1] != '\n')
		line--;
	fprintf(out, "  ping %s -> %s: %.*s\n", ns + strlen(LAB_NS_PREFIX), a,
		line ? (int)strcspn(line, "\n") : 17, line ? line : "no answer");
	return rc == 0 ? 0 : 1;
}

int lab_wait_reachable(const char *ns, const struct ip_addr *dst, int limit_s)
{
	char a[IP_ADDR_STRLEN];
	ip_addr_fmt(dst, a, sizeof(a));
	char *argv[] = { "ip", "netns", "exec", (char *)ns, "ping", "-n", "-q", "-c", "1",
			 "-W", "1", a, NULL };
	for (int i = 0; i <= limit_s; i++) {
		if (lab_run(argv, NULL, 0) == 0)
			return i;
	}
	return -1;
}

static unsigned char pattern(size_t i)
{
	return (unsigned char)((i * 131u + (i >> 12)) & 0xff);
}

/* Receiver: accept one connection, read until EOF checking every byte.
 * Writes "<bytes> <ok>" to fd. Runs in a child inside ns_to. */
static void tcp_sink(int listen_fd, int report_fd)
{
	int c = accept(listen_fd, NULL, NULL);
	size_t total = 0;
	int ok = c >= 0;
	unsigned char buf[65536];
	ssize_t n;
	while (c >= 0 && (n = read(c, buf, sizeof(buf))) > 0) {
		for (ssize_t i = 0; i < n; i++)
			if (buf[i] != pattern(total + (size_t)i))
				ok = 0;
		total += (size_t)n;
	}
	dprintf(report_fd, "%zu %d\n", total, ok);
	_exit(0);
}

static int tcp_listen(const struct ip_addr *to)
{
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	int one = 1;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	struct sockaddr_in sin = { .sin_family = AF_INET, .sin_port = htons(LAB_TCP_PORT) };
	memcpy(&sin.sin_addr, to->a, 4);
	if (fd < 0 || bind(fd, (struct sockaddr *)&sin, sizeof(sin)) < 0 || listen(fd, 1) < 0) {
		if (fd >= 0)
			close(fd);
		return -1;
	}
	return fd;
}

/* Sender: connect and write bytes of the pattern. Runs in a child. */
static void tcp_source(const struct ip_addr *to, size_t bytes)
{
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	struct timeval tv = { .tv_sec = 10 };
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	struct sockaddr_in sin = { .sin_family = AF_INET, .sin_port = htons(LAB_TCP_PORT) };
	memcpy(&sin.sin_addr, to->a, 4);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sin, sizeof(sin)) < 0)
		_exit(1);
	unsigned char buf[65536];
	size_t sent = 0;
	while (sent < bytes) {
		size_t n = bytes - sent < sizeof(buf) ? bytes - sent : sizeof(buf);
		for (size_t i = 0; i < n; i++)
			buf[i] = pattern(sent + i);
		ssize_t w = write(fd, buf, n);
		if (w <= 0)
			_exit(1);
		sent += (size_t)w;
	}
	close(fd);
	_exit(0);
}

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int lab_tcp_transfer(const char *ns_from, const char *ns_to, const struct ip_addr *to,
		     size_t bytes, FILE *out)
{
	int rep[2], ready[2];
	if (pipe(rep) < 0 || pipe(ready) < 0)
		return 2;
	pid_t sink = fork();
	if (sink == 0) {
		close(rep[0]);
		close(ready[0]);
		int lfd = lab_enter_ns(ns_to) == 0 ? tcp_listen(to) : -1;
		(void)!write(ready[1], lfd >= 0 ? "1" : "0", 1);
		if (lfd < 0)
			_exit(1);
		alarm(30);
		tcp_sink(lfd, rep[1]);
	}
	close(rep[1]);
	close(ready[1]);
	char c = '0';
	if (read(ready[0], &c, 1) != 1 || c != '1') {
		fprintf(out, "  tcp: cannot listen in %s\n", ns_to);
		waitpid(sink, NULL, 0);
		return 2;
	}
	close(ready[0]);
	double t0 = now_s();
	pid_t src = fork();
	if (src == 0) {
		alarm(30);
		if (lab_enter_ns(ns_from) < 0)
			_exit(1);
		tcp_source(to, bytes);
	}
	int st = 1;
	waitpid(src, &st, 0);
	double dt = now_s() - t0;
	char line[64] = "";
	ssize_t n = read(rep[0], line, sizeof(line) - 1);
	line[n > 0 ? n : 0] = '\0';
	waitpid(sink, NULL, 0);
	close(rep[0]);
	size_t got = 0;
	int ok = 0;
	sscanf(line, "%zu %d", &got, &ok);
	char a[IP_ADDR_STRLEN];
	bool good = WIFEXITED(st) && WEXITSTATUS(st) == 0 && got == bytes && ok;
	fprintf(out, "  tcp %s -> %s:%d: %zu of %zu bytes, %s, %.1f Mbit/s\n",
		ns_from + strlen(LAB_NS_PREFIX), ip_addr_fmt(to, a, sizeof(a)), LAB_TCP_PORT, got,
		bytes, good ? "content verified" : "FAILED", dt > 0 ? (double)got * 8 / dt / 1e6 : 0);
	return good ? 0 : 1;
}

/* Parses ping's per-reply lines ("icmp_seq=N") into the longest gap. */
static void gap_from_output(const char *res, long sent, double interval_s, long *recv,
			    long *max_gap_ms)
{
	long prev = 0, maxrun = 0;
	*recv = 0;
	for (const char *p = strstr(res, "icmp_seq="); p; p = strstr(p + 1, "icmp_seq=")) {
		long seq = strtol(p + 9, NULL, 10);
		if (seq - prev - 1 > maxrun)
			maxrun = seq - prev - 1;
		prev = seq;
		(*recv)++;
	}
	/* Replies that never came back at the end are a gap too. */
	if (sent - prev > maxrun)
		maxrun = sent - prev;
	*max_gap_ms = (long)((double)maxrun * interval_s * 1000.0 + 0.5);
}

int lab_gap(const struct lab_opts *o, double seconds, double interval_s, long *sent,
	    long *lost, long *max_gap_ms)
{
	struct lab lab;
	int rc = lab_state_load(&lab, o->dir ? o->dir : LAB_DEFAULT_DIR, o->err);
	if (rc != 0)
		return rc;
	char ns[48], a[IP_ADDR_STRLEN], cnt[16], iv[16];
	snprintf(ns, sizeof(ns), LAB_NS_PREFIX "%s", lab.vnet_node);
	*sent = (long)(seconds / interval_s);
	snprintf(cnt, sizeof(cnt), "%ld", *sent);
	snprintf(iv, sizeof(iv), "%.3f", interval_s);
	ip_addr_fmt(&lab.vpc_host, a, sizeof(a));
	char *argv[] = { "ip", "netns", "exec", ns, "ping", "-n", "-c", cnt, "-i", iv,
			 "-W", "1", a, NULL };
	size_t cap = 64 * (size_t)*sent + 4096;
	char *res = malloc(cap);
	if (res == NULL)
		return 2;
	lab_run(argv, res, cap);
	long recv;
	gap_from_output(res, *sent, interval_s, &recv, max_gap_ms);
	free(res);
	*lost = *sent - recv;
	return 0;
}
