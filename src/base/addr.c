#include "base/addr.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

bool ip_addr_is_set(const struct ip_addr *a)
{
	return a->family == AF_INET || a->family == AF_INET6;
}

size_t ip_addr_len(const struct ip_addr *a)
{
	return a->family == AF_INET ? 4 : a->family == AF_INET6 ? 16 : 0;
}

bool ip_addr_parse(const char *s, struct ip_addr *out)
{
	memset(out, 0, sizeof(*out));
	if (s == NULL)
		return false;
	if (inet_pton(AF_INET, s, out->a) == 1) {
		out->family = AF_INET;
		return true;
	}
	if (inet_pton(AF_INET6, s, out->a) == 1) {
		out->family = AF_INET6;
		return true;
	}
	memset(out, 0, sizeof(*out));
	return false;
}

char *ip_addr_fmt(const struct ip_addr *a, char *buf, size_t size)
{
	if (!ip_addr_is_set(a) ||
	    inet_ntop(a->family, a->a, buf, (socklen_t)size) == NULL)
		snprintf(buf, size, "-");
	return buf;
}

bool ip_addr_eq(const struct ip_addr *a, const struct ip_addr *b)
{
	return a->family == b->family &&
	       memcmp(a->a, b->a, ip_addr_len(a)) == 0;
}

int ip_addr_cmp(const struct ip_addr *a, const struct ip_addr *b)
{
	if (a->family != b->family)
		return a->family < b->family ? -1 : 1;
	return memcmp(a->a, b->a, ip_addr_len(a));
}

struct ip_addr ip_addr_v4(uint32_t h)
{
	struct ip_addr a = { .family = AF_INET };
	a.a[0] = (uint8_t)(h >> 24);
	a.a[1] = (uint8_t)(h >> 16);
	a.a[2] = (uint8_t)(h >> 8);
	a.a[3] = (uint8_t)h;
	return a;
}

uint32_t ip_addr_v4_host(const struct ip_addr *a)
{
	return ((uint32_t)a->a[0] << 24) | ((uint32_t)a->a[1] << 16) |
	       ((uint32_t)a->a[2] << 8) | a->a[3];
}

static unsigned family_bits(uint8_t family)
{
	return family == AF_INET ? 32 : family == AF_INET6 ? 128 : 0;
}

static bool bits_equal(const uint8_t *x, const uint8_t *y, unsigned bits)
{
	unsigned full = bits / 8, rest = bits % 8;
	if (memcmp(x, y, full) != 0)
		return false;
	if (rest == 0)
		return true;
	uint8_t mask = (uint8_t)(0xff << (8 - rest));
	return (x[full] & mask) == (y[full] & mask);
}

void ip_prefix_canonicalize(struct ip_prefix *p)
{
	unsigned total = family_bits(p->addr.family);
	for (unsigned bit = p->len; bit < total; bit++)
		p->addr.a[bit / 8] &= (uint8_t)~(0x80 >> (bit % 8));
}

bool ip_prefix_is_canonical(const struct ip_prefix *p)
{
	struct ip_prefix c = *p;
	ip_prefix_canonicalize(&c);
	return memcmp(c.addr.a, p->addr.a, sizeof(c.addr.a)) == 0;
}

bool ip_prefix_parse(const char *s, struct ip_prefix *out, bool strict)
{
	memset(out, 0, sizeof(*out));
	if (s == NULL)
		return false;
	const char *slash = strchr(s, '/');
	if (slash == NULL || slash == s || slash - s >= IP_ADDR_STRLEN)
		return false;
	char host[IP_ADDR_STRLEN];
	memcpy(host, s, (size_t)(slash - s));
	host[slash - s] = '\0';
	const char *lenstr = slash + 1;
	if (*lenstr < '0' || *lenstr > '9' || strlen(lenstr) > 3)
		return false;
	if (lenstr[0] == '0' && lenstr[1] != '\0')
		return false;
	char *end;
	long len = strtol(lenstr, &end, 10);
	if (*end != '\0')
		return false;
	if (!ip_addr_parse(host, &out->addr))
		return false;
	if (len < 0 || (unsigned long)len > family_bits(out->addr.family))
		return false;
	out->len = (uint8_t)len;
	if (strict && !ip_prefix_is_canonical(out))
		return false;
	ip_prefix_canonicalize(out);
	return true;
}

char *ip_prefix_fmt(const struct ip_prefix *p, char *buf, size_t size)
{
	char a[IP_ADDR_STRLEN];
	snprintf(buf, size, "%s/%u", ip_addr_fmt(&p->addr, a, sizeof(a)), p->len);
	return buf;
}

bool ip_prefix_eq(const struct ip_prefix *a, const struct ip_prefix *b)
{
	return a->len == b->len && ip_addr_eq(&a->addr, &b->addr);
}

bool ip_prefix_contains(const struct ip_prefix *outer,
			const struct ip_prefix *inner)
{
	if (outer->addr.family != inner->addr.family || outer->len > inner->len)
		return false;
	return bits_equal(outer->addr.a, inner->addr.a, outer->len);
}

bool ip_prefix_contains_addr(const struct ip_prefix *p, const struct ip_addr *a)
{
	if (p->addr.family != a->family)
		return false;
	return bits_equal(p->addr.a, a->a, p->len);
}

bool ip_prefix_overlaps(const struct ip_prefix *a, const struct ip_prefix *b)
{
	return ip_prefix_contains(a, b) || ip_prefix_contains(b, a);
}

struct ip_addr ip_prefix_host(const struct ip_prefix *p, uint32_t n)
{
	struct ip_addr a = p->addr;
	/* Add n to the address as a big-endian integer. */
	size_t len = ip_addr_len(&a);
	uint64_t carry = n;
	for (size_t i = len; i > 0 && carry; i--) {
		uint64_t v = (uint64_t)a.a[i - 1] + (carry & 0xff);
		a.a[i - 1] = (uint8_t)v;
		carry = (carry >> 8) + (v >> 8);
	}
	return a;
}
