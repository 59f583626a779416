/*
 * Typed access to a YAML tree: structure checks, unknown-key detection and
 * scalar conversions, each reporting a located diagnostic on failure.
 */
#include "config/yaml_tree.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

struct diag_pos ytree_pos(const struct ytree_node *n)
{
	struct diag_pos p = { n->file, n->line, n->col };
	return p;
}

void ytree_diag(struct diag_list *d, enum diag_level level,
		const struct ytree_node *n, const char *rule, const char *hint,
		const char *fmt, ...)
{
	struct diag_pos pos = ytree_pos(n);
	va_list ap;
	va_start(ap, fmt);
	diag_addv(d, level, &pos, n->path, rule, hint, fmt, ap);
	va_end(ap);
}

const char *ytree_kind_name(enum ytree_kind kind)
{
	switch (kind) {
	case YTREE_MAP:
		return "mapping";
	case YTREE_SEQ:
		return "sequence";
	default:
		return "scalar";
	}
}

bool ytree_is_null(const struct ytree_node *n)
{
	static const char *const nulls[] = { "", "~", "null", "Null", "NULL" };
	if (n == NULL || n->kind != YTREE_SCALAR || !n->plain)
		return false;
	for (size_t i = 0; i < sizeof(nulls) / sizeof(nulls[0]); i++)
		if (strcmp(n->str, nulls[i]) == 0)
			return true;
	return false;
}

static const struct ytree_pair *map_find(const struct ytree_node *n,
					 const char *key)
{
	if (n == NULL || n->kind != YTREE_MAP)
		return NULL;
	size_t klen = strlen(key);
	for (size_t i = 0; i < n->count; i++) {
		const struct ytree_node *k = n->pairs[i].key;
		if (k->len == klen && memcmp(k->str, key, klen) == 0)
			return &n->pairs[i];
	}
	return NULL;
}

const struct ytree_node *ytree_map_get(const struct ytree_node *n,
				       const char *key)
{
	const struct ytree_pair *p = map_find(n, key);
	return p ? p->value : NULL;
}

const struct ytree_node *ytree_map_key(const struct ytree_node *n,
				       const char *key)
{
	const struct ytree_pair *p = map_find(n, key);
	return p ? p->key : NULL;
}

bool ytree_expect(const struct ytree_node *n, enum ytree_kind kind,
		  struct diag_list *d)
{
	if (n->kind == kind)
		return true;
	ytree_diag(d, DIAG_ERROR, n, "yaml.type", NULL,
		   "expected a %s, found a %s", ytree_kind_name(kind),
		   ytree_kind_name(n->kind));
	return false;
}

/* Edit distance, capped: strings longer than 63 bytes count as far. */
static size_t edit_distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	if (la > 63 || lb > 63)
		return 64;
	size_t row[64];
	for (size_t j = 0; j <= lb; j++)
		row[j] = j;
	for (size_t i = 1; i <= la; i++) {
		size_t diag = row[0];
		row[0] = i;
		for (size_t j = 1; j <= lb; j++) {
			size_t up = row[j];
			size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
			size_t best = diag + cost;
			if (up + 1 < best)
				best = up + 1;
			if (row[j - 1] + 1 < best)
				best = row[j - 1] + 1;
			row[j] = best;
			diag = up;
		}
	}
	return row[lb];
}

static void unknown_key_hint(const char *key, const char *const *allowed,
			     char *hint, size_t size)
{
	const char *best = NULL;
	size_t best_d = 3; /* suggest only within 2 edits */
	for (size_t i = 0; allowed[i] != NULL; i++) {
		size_t dist = edit_distance(key, allowed[i]);
		if (dist < best_d) {
			best_d = dist;
			best = allowed[i];
		}
	}
	if (best != NULL) {
		snprintf(hint, size, "did you mean '%s'?", best);
		return;
	}
	size_t used = (size_t)snprintf(hint, size, "allowed keys:");
	for (size_t i = 0; allowed[i] != NULL && used < size; i++)
		used += (size_t)snprintf(hint + used, size - used, "%s %s",
					 i ? "," : "", allowed[i]);
}

bool ytree_check_keys(const struct ytree_node *n, const char *const *allowed,
		      struct diag_list *d)
{
	bool ok = true;
	if (n == NULL || n->kind != YTREE_MAP)
		return true;
	for (size_t i = 0; i < n->count; i++) {
		const struct ytree_node *k = n->pairs[i].key;
		bool known = false;
		for (size_t j = 0; allowed[j] != NULL && !known; j++)
			known = strlen(allowed[j]) == k->len &&
				memcmp(allowed[j], k->str, k->len) == 0;
		if (known)
			continue;
		char hint[512];
		unknown_key_hint(k->str, allowed, hint, sizeof(hint));
		ytree_diag(d, DIAG_ERROR, k, "yaml.unknown_key", hint,
			   "unknown key '%s'", k->str);
		ok = false;
	}
	return ok;
}

/* ---- Scalars ------------------------------------------------------------ */

static bool need_scalar(const struct ytree_node *n, const char *what,
			struct diag_list *d)
{
	if (n->kind == YTREE_SCALAR && !ytree_is_null(n) &&
	    strlen(n->str) == n->len)
		return true;
	if (n->kind != YTREE_SCALAR)
		ytree_diag(d, DIAG_ERROR, n, "yaml.type", NULL,
			   "expected %s, found a %s", what,
			   ytree_kind_name(n->kind));
	else if (ytree_is_null(n))
		ytree_diag(d, DIAG_ERROR, n, "yaml.type", NULL,
			   "expected %s, found an empty value", what);
	else
		ytree_diag(d, DIAG_ERROR, n, "yaml.type", NULL,
			   "expected %s, found text with a NUL byte", what);
	return false;
}

bool ytree_node_str(const struct ytree_node *n, const char **out,
		    struct diag_list *d)
{
	if (!need_scalar(n, "a string", d))
		return false;
	*out = n->str;
	return true;
}

bool ytree_node_uint(const struct ytree_node *n, uint64_t min, uint64_t max,
		     uint64_t *out, struct diag_list *d)
{
	if (!need_scalar(n, "an unsigned integer", d))
		return false;
	uint64_t v = 0;
	bool ok = n->len > 0 && n->len <= 20;
	for (size_t i = 0; ok && i < n->len; i++) {
		unsigned c = (unsigned char)n->str[i];
		ok = c >= '0' && c <= '9';
		if (ok && v > (UINT64_MAX - (c - '0')) / 10)
			ok = false;
		if (ok)
			v = v * 10 + (c - '0');
	}
	if (!ok) {
		ytree_diag(d, DIAG_ERROR, n, "yaml.type",
			   "write a decimal number",
			   "expected an unsigned integer, found '%s'", n->str);
		return false;
	}
	if (v < min || v > max) {
		ytree_diag(d, DIAG_ERROR, n, "yaml.range", NULL,
			   "value %llu out of range %llu..%llu",
			   (unsigned long long)v, (unsigned long long)min,
			   (unsigned long long)max);
		return false;
	}
	*out = v;
	return true;
}

bool ytree_node_bool(const struct ytree_node *n, bool *out,
		     struct diag_list *d)
{
	if (!need_scalar(n, "true or false", d))
		return false;
	if (strcmp(n->str, "true") == 0 || strcmp(n->str, "false") == 0) {
		*out = n->str[0] == 't';
		return true;
	}
	ytree_diag(d, DIAG_ERROR, n, "yaml.type", "write true or false",
		   "expected a boolean, found '%s'", n->str);
	return false;
}

bool ytree_node_enum(const struct ytree_node *n, const struct ytree_enum *tab,
		     int *out, struct diag_list *d)
{
	if (!need_scalar(n, "one of a fixed set of names", d))
		return false;
	char hint[512];
	size_t used = (size_t)snprintf(hint, sizeof(hint), "one of:");
	for (size_t i = 0; tab[i].name != NULL; i++) {
		if (strcmp(n->str, tab[i].name) == 0) {
			*out = tab[i].value;
			return true;
		}
		if (used < sizeof(hint))
			used += (size_t)snprintf(hint + used,
						 sizeof(hint) - used, "%s %s",
						 i ? "," : "", tab[i].name);
	}
	ytree_diag(d, DIAG_ERROR, n, "yaml.enum", hint,
		   "unknown value '%s'", n->str);
	return false;
}

bool ytree_node_ip(const struct ytree_node *n, bool v4_only,
		   struct ip_addr *out, struct diag_list *d)
{
	if (!need_scalar(n, "an IP address", d))
		return false;
	struct ip_addr a;
	if (!ip_addr_parse(n->str, &a) || (v4_only && a.family != AF_INET)) {
		ytree_diag(d, DIAG_ERROR, n, "yaml.ip",
			   v4_only ? "write a dotted-quad IPv4 address"
				   : "write an IPv4 or IPv6 address",
			   "'%s' is not a valid %s address", n->str,
			   v4_only ? "IPv4" : "IP");
		return false;
	}
	*out = a;
	return true;
}

bool ytree_node_prefix(const struct ytree_node *n, bool v4_only,
		       struct ip_prefix *out, struct diag_list *d)
{
	if (!need_scalar(n, "an address prefix", d))
		return false;
	struct ip_prefix p;
	if (!ip_prefix_parse(n->str, &p, false) ||
	    (v4_only && p.addr.family != AF_INET)) {
		ytree_diag(d, DIAG_ERROR, n, "yaml.prefix",
			   v4_only ? "write an IPv4 prefix like 10.1.0.0/16"
				   : "write a prefix like 10.1.0.0/16",
			   "'%s' is not a valid %s prefix", n->str,
			   v4_only ? "IPv4" : "IP");
		return false;
	}
	struct ip_prefix strict;
	if (!ip_prefix_parse(n->str, &strict, true)) {
		char buf[IP_PREFIX_STRLEN];
		ip_prefix_fmt(&p, buf, sizeof(buf));
		char hint[IP_PREFIX_STRLEN + 16];
		snprintf(hint, sizeof(hint), "did you mean %s?", buf);
		ytree_diag(d, DIAG_ERROR, n, "yaml.prefix", hint,
			   "'%s' has host bits set", n->str);
		return false;
	}
	*out = p;
	return true;
}

/* ---- Map wrappers ------------------------------------------------------- */

static enum ytree_get lookup(const struct ytree_node *map, const char *key,
			     enum ytree_need need,
			     const struct ytree_node **val,
			     struct diag_list *d)
{
	const struct ytree_node *v = ytree_map_get(map, key);
	if (v != NULL && !ytree_is_null(v)) {
		*val = v;
		return YTREE_OK;
	}
	if (need == YTREE_OPTIONAL)
		return YTREE_ABSENT;
	const struct ytree_node *at = v ? v : map;
	struct diag_pos pos = ytree_pos(at);
	char path[512];
	snprintf(path, sizeof(path), "%s%s%s", map->path,
		 map->path[0] ? "." : "", key);
	diag_add(d, DIAG_ERROR, &pos, path, "yaml.required", NULL,
		 v ? "required key '%s' has an empty value"
		   : "missing required key '%s'",
		 key);
	return YTREE_ERR;
}

enum ytree_get ytree_get_node(const struct ytree_node *map, const char *key,
			      enum ytree_need need, enum ytree_kind kind,
			      const struct ytree_node **out,
			      struct diag_list *d)
{
	const struct ytree_node *v = NULL;
	enum ytree_get r = lookup(map, key, need, &v, d);
	if (r != YTREE_OK)
		return r;
	if (!ytree_expect(v, kind, d))
		return YTREE_ERR;
	*out = v;
	return YTREE_OK;
}

enum ytree_get ytree_get_str(const struct ytree_node *map, const char *key,
			     enum ytree_need need, const char **out,
			     struct diag_list *d)
{
	const struct ytree_node *v = NULL;
	enum ytree_get r = lookup(map, key, need, &v, d);
	if (r != YTREE_OK)
		return r;
	return ytree_node_str(v, out, d) ? YTREE_OK : YTREE_ERR;
}

enum ytree_get ytree_get_uint(const struct ytree_node *map, const char *key,
			      enum ytree_need need, uint64_t min, uint64_t max,
			      uint64_t *out, struct diag_list *d)
{
	const struct ytree_node *v = NULL;
	enum ytree_get r = lookup(map, key, need, &v, d);
	if (r != YTREE_OK)
		return r;
	return ytree_node_uint(v, min, max, out, d) ? YTREE_OK : YTREE_ERR;
}

enum ytree_get ytree_get_bool(const struct ytree_node *map, const char *key,
			      enum ytree_need need, bool *out,
			      struct diag_list *d)
{
	const struct ytree_node *v = NULL;
	enum ytree_get r = lookup(map, key, need, &v, d);
	if (r != YTREE_OK)
		return r;
	return ytree_node_bool(v, out, d) ? YTREE_OK : YTREE_ERR;
}

enum ytree_get ytree_get_enum(const struct ytree_node *map, const char *key,
			      enum ytree_need need,
			      const struct ytree_enum *tab, int *out,
			      struct diag_list *d)
{
	const struct ytree_node *v = NULL;
	enum ytree_get r = lookup(map, key, need, &v, d);
	if (r != YTREE_OK)
		return r;
	return ytree_node_enum(v, tab, out, d) ? YTREE_OK : YTREE_ERR;
}

enum ytree_get ytree_get_ip(const struct ytree_node *map, const char *key,
			    enum ytree_need need, bool v4_only,
			    struct ip_addr *out, struct diag_list *d)
{
	const struct ytree_node *v = NULL;
	enum ytree_get r = lookup(map, key, need, &v, d);
	if (r != YTREE_OK)
		return r;
	return ytree_node_ip(v, v4_only, out, d) ? YTREE_OK : YTREE_ERR;
}

enum ytree_get ytree_get_prefix(const struct ytree_node *map, const char *key,
				enum ytree_need need, bool v4_only,
				struct ip_prefix *out, struct diag_list *d)
{
	const struct ytree_node *v = NULL;
	enum ytree_get r = lookup(map, key, need, &v, d);
	if (r != YTREE_OK)
		return r;
	return ytree_node_prefix(v, v4_only, out, d) ? YTREE_OK : YTREE_ERR;
}
