/*
 * IPv4/IPv6 addresses and prefixes: parsing, printing, containment.
 * Addresses are stored in network byte order.
 */
#ifndef VGW_BASE_ADDR_H
#define VGW_BASE_ADDR_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>

#define IP_ADDR_STRLEN 46   /* INET6_ADDRSTRLEN */
#define IP_PREFIX_STRLEN 50 /* address + "/128" */

struct ip_addr {
	uint8_t family; /* AF_INET, AF_INET6, or 0 when unset */
	uint8_t a[16];  /* IPv4 uses the first 4 bytes */
};

struct ip_prefix {
	struct ip_addr addr;
	uint8_t len;
};

bool ip_addr_is_set(const struct ip_addr *a);
/* Parses dotted-quad IPv4 or RFC 4291 IPv6 text. */
bool ip_addr_parse(const char *s, struct ip_addr *out);
/* Writes at most IP_ADDR_STRLEN bytes including the NUL; returns buf. */
char *ip_addr_fmt(const struct ip_addr *a, char *buf, size_t size);
bool ip_addr_eq(const struct ip_addr *a, const struct ip_addr *b);
int ip_addr_cmp(const struct ip_addr *a, const struct ip_addr *b);
size_t ip_addr_len(const struct ip_addr *a); /* 4, 16 or 0 */

struct ip_addr ip_addr_v4(uint32_t host_order);
uint32_t ip_addr_v4_host(const struct ip_addr *a); /* host byte order */

/*
 * Parses "A/len". With strict, host bits must be zero (false otherwise);
 * without, they are cleared. A bare address is not a prefix.
 */
bool ip_prefix_parse(const char *s, struct ip_prefix *out, bool strict);
char *ip_prefix_fmt(const struct ip_prefix *p, char *buf, size_t size);
bool ip_prefix_eq(const struct ip_prefix *a, const struct ip_prefix *b);
/* outer contains inner (same family, outer->len <= inner->len). */
bool ip_prefix_contains(const struct ip_prefix *outer,
			const struct ip_prefix *inner);
bool ip_prefix_contains_addr(const struct ip_prefix *p, const struct ip_addr *a);
bool ip_prefix_overlaps(const struct ip_prefix *a, const struct ip_prefix *b);
/* True if the host bits of p->addr beyond p->len are zero. */
bool ip_prefix_is_canonical(const struct ip_prefix *p);
/* Clears host bits beyond len. */
void ip_prefix_canonicalize(struct ip_prefix *p);
/* Address at host offset n inside p (e.g. n=1 first host of a /30). */
struct ip_addr ip_prefix_host(const struct ip_prefix *p, uint32_t n);

#endif
