#include "testutil.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "bgp/bgp_wire.h"

size_t tu_hex(const char *hex, uint8_t *out, size_t cap)
{
	size_t n = 0;
	int hi = -1;
	for (const char *s = hex; *s && n < cap; s++) {
		int v;
		if (*s >= '0' && *s <= '9')
			v = *s - '0';
		else if (*s >= 'a' && *s <= 'f')
			v = *s - 'a' + 10;
		else if (*s >= 'A' && *s <= 'F')
			v = *s - 'A' + 10;
		else
			continue;
		if (hi < 0) {
			hi = v;
		} else {
			out[n++] = (uint8_t)(hi << 4 | v);
			hi = -1;
		}
	}
	return n;
}

size_t tu_msg(uint8_t type, const uint8_t *body, size_t body_len, uint8_t *out)
{
	memset(out, 0xff, 16);
	size_t len = BGP_HEADER_LEN + body_len;
	out[16] = (uint8_t)(len >> 8);
	out[17] = (uint8_t)len;
	out[18] = type;
	if (body_len > 0)
		memcpy(out + BGP_HEADER_LEN, body, body_len);
	return len;
}

uint16_t tu_free_port(void)
{
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in sa = { .sin_family = AF_INET };
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	bind(fd, (struct sockaddr *)&sa, sizeof(sa));
	socklen_t sl = sizeof(sa);
	getsockname(fd, (struct sockaddr *)&sa, &sl);
	close(fd);
	return ntohs(sa.sin_port);
}

static int64_t now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void tu_pump(struct loop *loop, int ms)
{
	int64_t end = now_ms() + ms;
	do {
		loop_run_once(loop, 5);
	} while (now_ms() < end);
}

bool tu_pump_until(struct loop *loop, bool (*cond)(void *), void *arg,
		   int timeout_ms)
{
	int64_t end = now_ms() + timeout_ms;
	while (!cond(arg)) {
		if (now_ms() > end)
			return false;
		loop_run_once(loop, 5);
	}
	return true;
}

int tu_connect(struct loop *loop, const char *src, const char *dst,
	       uint16_t port)
{
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
	if (src != NULL) {
		struct sockaddr_in sa = { .sin_family = AF_INET };
		inet_pton(AF_INET, src, &sa.sin_addr);
		if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0) {
			close(fd);
			return -1;
		}
	}
	struct sockaddr_in da = { .sin_family = AF_INET, .sin_port = htons(port) };
	inet_pton(AF_INET, dst, &da.sin_addr);
	if (connect(fd, (struct sockaddr *)&da, sizeof(da)) != 0 &&
	    errno != EINPROGRESS) {
		close(fd);
		return -1;
	}
	int64_t end = now_ms() + 3000;
	while (now_ms() < end) {
		loop_run_once(loop, 2);
		struct pollfd pf = { .fd = fd, .events = POLLOUT };
		if (poll(&pf, 1, 0) == 1) {
			int err = 0;
			socklen_t sl = sizeof(err);
			getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &sl);
			if (err != 0)
				break;
			return fd;
		}
	}
	close(fd);
	return -1;
}

bool tu_send(int fd, const uint8_t *p, size_t n)
{
	size_t off = 0;
	int64_t end = now_ms() + 3000;
	while (off < n && now_ms() < end) {
		ssize_t k = send(fd, p + off, n - off, MSG_NOSIGNAL);
		if (k > 0)
			off += (size_t)k;
		else if (k < 0 && errno != EAGAIN)
			return false;
	}
	return off == n;
}

int tu_read_msg(struct loop *loop, int fd, uint8_t *buf, size_t cap,
		int timeout_ms)
{
	size_t have = 0, need = BGP_HEADER_LEN;
	int64_t end = now_ms() + timeout_ms;
	while (now_ms() < end) {
		ssize_t k = recv(fd, buf + have, need - have, MSG_DONTWAIT);
		if (k == 0)
			return 0;
		if (k < 0 && errno != EAGAIN) {
			return 0;
		}
		if (k > 0)
			have += (size_t)k;
		if (have == BGP_HEADER_LEN && need == BGP_HEADER_LEN) {
			need = (size_t)buf[16] << 8 | buf[17];
			if (need < BGP_HEADER_LEN || need > cap)
				return -1;
		}
		if (have == need)
			return (int)need;
		if (k <= 0)
			loop_run_once(loop, 2);
	}
	return -1;
}

int tu_wait_type(struct loop *loop, int fd, uint8_t type, uint8_t *buf,
		 size_t cap, int timeout_ms)
{
	int64_t end = now_ms() + timeout_ms;
	while (now_ms() < end) {
		int n = tu_read_msg(loop, fd, buf, cap, (int)(end - now_ms()));
		if (n <= 0)
			return n;
		if (buf[18] == type)
			return n;
	}
	return -1;
}

size_t tu_open(uint8_t *out, uint16_t as, uint16_t hold, uint32_t id,
	       const char *caps_hex)
{
	uint8_t caps[256];
	size_t nc = tu_hex(caps_hex, caps, sizeof(caps));
	uint8_t body[300];
	size_t n = 0;
	body[n++] = 4;
	body[n++] = (uint8_t)(as >> 8);
	body[n++] = (uint8_t)as;
	body[n++] = (uint8_t)(hold >> 8);
	body[n++] = (uint8_t)hold;
	body[n++] = (uint8_t)(id >> 24);
	body[n++] = (uint8_t)(id >> 16);
	body[n++] = (uint8_t)(id >> 8);
	body[n++] = (uint8_t)id;
	if (nc == 0) {
		body[n++] = 0;
	} else {
		body[n++] = (uint8_t)(nc + 2);
		body[n++] = 2;
		body[n++] = (uint8_t)nc;
		memcpy(body + n, caps, nc);
		n += nc;
	}
	return tu_msg(1, body, n, out);
}

struct ip_addr tu_addr(const char *s)
{
	struct ip_addr a;
	ip_addr_parse(s, &a);
	return a;
}

struct ip_prefix tu_prefix(const char *s)
{
	struct ip_prefix p;
	ip_prefix_parse(s, &p, true);
	return p;
}
