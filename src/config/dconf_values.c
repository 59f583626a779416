/*
 * Small value syntaxes of the daemon config: interface addresses with a
 * prefix length, IKEv2 identities, ASNs (plain and asdot) and BGP
 * communities. Each parser accepts exactly what its printer writes plus
 * the documented aliases.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config/dconf_priv.h"
#include "config/topology.h"

/* Decimal without sign or leading junk; false on overflow past max. */
static bool parse_dec(const char *s, size_t len, uint64_t max, uint64_t *out)
{
	if (len == 0 || len > 20)
		return false;
	uint64_t v = 0;
	for (size_t i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		v = v * 10 + (uint64_t)(s[i] - '0');
		if (v > max)
			return false;
	}
	*out = v;
	return true;
}

bool dconf_ifaddr_parse(const char *s, struct dconf_ifaddr *out)
{
	const char *slash = strchr(s, '/');
	if (slash == NULL || slash == s)
		return false;
	char host[IP_ADDR_STRLEN];
	size_t hlen = (size_t)(slash - s);
	if (hlen >= sizeof(host))
		return false;
	memcpy(host, s, hlen);
	host[hlen] = '\0';
	struct dconf_ifaddr a;
	if (!ip_addr_parse(host, &a.addr))
		return false;
	uint64_t len;
	uint64_t max = a.addr.family == AF_INET ? 32 : 128;
	if (!parse_dec(slash + 1, strlen(slash + 1), max, &len))
		return false;
	a.len = (uint8_t)len;
	*out = a;
	return true;
}

char *dconf_ifaddr_fmt(const struct dconf_ifaddr *a, char *buf, size_t size)
{
	char host[IP_ADDR_STRLEN];
	ip_addr_fmt(&a->addr, host, sizeof(host));
	snprintf(buf, size, "%s/%u", host, (unsigned)a->len);
	return buf;
}

bool dconf_id_parse(const char *s, struct dconf_id *out)
{
	struct dconf_id id;
	memset(&id, 0, sizeof(id));
	struct ip_addr a;
	const char *v = NULL;
	if (ip_addr_parse(s, &a)) {
		id.type = a.family == AF_INET ? DCONF_ID_IPV4_ADDR
					      : DCONF_ID_IPV6_ADDR;
		v = s;
	} else if (strncmp(s, "fqdn:", 5) == 0) {
		id.type = DCONF_ID_FQDN;
		v = s + 5;
	} else if (strncmp(s, "email:", 6) == 0) {
		id.type = DCONF_ID_RFC822_ADDR;
		v = s + 6;
		if (strchr(v, '@') == NULL)
			return false;
	} else {
		return false;
	}
	size_t n = strlen(v);
	if (n == 0 || n >= sizeof(id.value))
		return false;
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)v[i] <= ' ' || (unsigned char)v[i] >= 0x7f)
			return false;
	memcpy(id.value, v, n + 1);
	*out = id;
	return true;
}

char *dconf_id_fmt(const struct dconf_id *id, char *buf, size_t size)
{
	switch (id->type) {
	case DCONF_ID_FQDN:
		snprintf(buf, size, "fqdn:%s", id->value);
		break;
	case DCONF_ID_RFC822_ADDR:
		snprintf(buf, size, "email:%s", id->value);
		break;
	default:
		snprintf(buf, size, "%s", id->value);
		break;
	}
	return buf;
}

/* Plain or asdot (RFC 5396), the same syntax as the topology file's. */
bool dconf_asn_parse(const char *s, uint32_t *out)
{
	return topology_asn_parse(s, out);
}

static const struct {
	const char *name;
	uint32_t value;
} well_known[] = {
	{ "graceful-shutdown", 0xFFFF0000u }, /* RFC 8326 */
	{ "no-export", 0xFFFFFF01u },         /* RFC 1997 */
	{ "no-advertise", 0xFFFFFF02u },
	{ "no-export-subconfed", 0xFFFFFF03u },
};

bool dconf_community_parse(const char *s, uint32_t *out)
{
	for (size_t i = 0; i < sizeof(well_known) / sizeof(well_known[0]);
	     i++) {
		if (strcmp(s, well_known[i].name) == 0) {
			*out = well_known[i].value;
			return true;
		}
	}
	const char *colon = strchr(s, ':');
	uint64_t hi, lo;
	if (colon == NULL ||
	    !parse_dec(s, (size_t)(colon - s), 65535, &hi) ||
	    !parse_dec(colon + 1, strlen(colon + 1), 65535, &lo))
		return false;
	*out = (uint32_t)(hi << 16 | lo);
	return true;
}

char *dconf_community_fmt(uint32_t c, char *buf, size_t size)
{
	for (size_t i = 0; i < sizeof(well_known) / sizeof(well_known[0]);
	     i++) {
		if (well_known[i].value == c) {
			snprintf(buf, size, "%s", well_known[i].name);
			return buf;
		}
	}
	snprintf(buf, size, "%u:%u", (unsigned)(c >> 16),
		 (unsigned)(c & 0xFFFF));
	return buf;
}
