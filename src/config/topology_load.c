/*
 * Topology loader: YAML tree -> struct topology. This file holds the
 * top level, the on-prem section and the shared field readers; the two
 * clouds are in topo_load_azure.c and topo_load_aws.c.
 *
 * The loader checks structure only (kinds, types, unknown and missing
 * keys, list sizes) and fills documented defaults; every cross-field rule
 * lives in validate_*.c so that it can be reported with its rule id.
 */
#include "config/topo_load_priv.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void topo_ld_pos(struct topo_pos *p, const struct ytree_node *n)
{
	p->line = n->line;
	p->col = n->col;
	snprintf(p->path, sizeof(p->path), "%s", n->path);
}

void topo_ld_key_pos(struct topo_pos *p, const struct ytree_node *map,
		     const char *key)
{
	const struct ytree_node *v = ytree_map_get(map, key);
	if (v != NULL) {
		topo_ld_pos(p, v);
		return;
	}
	p->line = map->line;
	p->col = map->col;
	snprintf(p->path, sizeof(p->path), "%s%s%s", map->path,
		 map->path[0] ? "." : "", key);
}

bool topo_ld_map(struct topo_ld *ld, const struct ytree_node *n,
		 const char *const *allowed, struct topo_pos *at)
{
	if (at != NULL)
		topo_ld_pos(at, n);
	if (!ytree_expect(n, YTREE_MAP, ld->d))
		return false;
	/* Unknown keys are reported; the known ones are still read so that
	 * one run shows every problem of the mapping. */
	ytree_check_keys(n, allowed, ld->d);
	return true;
}

static enum ytree_get ld_text(struct topo_ld *ld, const struct ytree_node *map,
			      const char *key, enum ytree_need need,
			      char *dst, size_t size, struct topo_pos *at)
{
	const char *s = NULL;
	topo_ld_key_pos(at, map, key);
	enum ytree_get r = ytree_get_str(map, key, need, &s, ld->d);
	if (r != YTREE_OK)
		return r;
	if (strlen(s) >= size) {
		ytree_diag(ld->d, DIAG_ERROR, ytree_map_get(map, key),
			   "yaml.length", NULL,
			   "value too long (%zu characters, at most %zu)",
			   strlen(s), size - 1);
		return YTREE_ERR;
	}
	memcpy(dst, s, strlen(s) + 1);
	return YTREE_OK;
}

enum ytree_get topo_ld_name(struct topo_ld *ld, const struct ytree_node *map,
			    const char *key, enum ytree_need need,
			    char dst[TOPO_NAME_MAX], struct topo_pos *at)
{
	return ld_text(ld, map, key, need, dst, TOPO_NAME_MAX, at);
}

enum ytree_get topo_ld_psk(struct topo_ld *ld, const struct ytree_node *map,
			   const char *key, enum ytree_need need,
			   char dst[TOPO_PSK_MAX], struct topo_pos *at)
{
	return ld_text(ld, map, key, need, dst, TOPO_PSK_MAX, at);
}

enum ytree_get topo_ld_asn(struct topo_ld *ld, const struct ytree_node *map,
			   const char *key, enum ytree_need need,
			   uint32_t *out, struct topo_pos *at)
{
	const char *s = NULL;
	topo_ld_key_pos(at, map, key);
	const struct ytree_node *n = ytree_map_get(map, key);
	if (n != NULL && n->kind != YTREE_SCALAR) {
		ytree_diag(ld->d, DIAG_ERROR, n, "yaml.type",
			   "write 1..4294967295 or asdot like 1.10",
			   "expected an AS number, found a %s",
			   ytree_kind_name(n->kind));
		return YTREE_ERR;
	}
	enum ytree_get r = ytree_get_str(map, key, need, &s, ld->d);
	if (r != YTREE_OK)
		return r;
	uint32_t v;
	if (!topology_asn_parse(s, &v) || v == 0) {
		ytree_diag(ld->d, DIAG_ERROR, ytree_map_get(map, key),
			   "yaml.asn",
			   "write 1..4294967295 or asdot like 1.10",
			   "'%s' is not a valid AS number", s);
		return YTREE_ERR;
	}
	*out = v;
	return YTREE_OK;
}

enum ytree_get topo_ld_bool(struct topo_ld *ld, const struct ytree_node *map,
			    const char *key, bool *out, struct topo_pos *at)
{
	topo_ld_key_pos(at, map, key);
	return ytree_get_bool(map, key, YTREE_OPTIONAL, out, ld->d);
}

enum ytree_get topo_ld_uint(struct topo_ld *ld, const struct ytree_node *map,
			    const char *key, uint64_t *out,
			    struct topo_pos *at)
{
	topo_ld_key_pos(at, map, key);
	return ytree_get_uint(map, key, YTREE_OPTIONAL, 0, UINT32_MAX, out,
			      ld->d);
}

enum ytree_get topo_ld_enum(struct topo_ld *ld, const struct ytree_node *map,
			    const char *key, enum ytree_need need,
			    const struct ytree_enum *tab, int *out,
			    struct topo_pos *at)
{
	topo_ld_key_pos(at, map, key);
	return ytree_get_enum(map, key, need, tab, out, ld->d);
}

enum ytree_get topo_ld_ip(struct topo_ld *ld, const struct ytree_node *map,
			  const char *key, enum ytree_need need,
			  struct ip_addr *out, struct topo_pos *at)
{
	topo_ld_key_pos(at, map, key);
	return ytree_get_ip(map, key, need, true, out, ld->d);
}

enum ytree_get topo_ld_prefix(struct topo_ld *ld, const struct ytree_node *map,
			      const char *key, enum ytree_need need,
			      struct ip_prefix *out, struct topo_pos *at)
{
	topo_ld_key_pos(at, map, key);
	return ytree_get_prefix(map, key, need, true, out, ld->d);
}

enum ytree_get topo_ld_seq(struct topo_ld *ld, const struct ytree_node *map,
			   const char *key, enum ytree_need need, size_t max,
			   const struct ytree_node **out, struct topo_pos *at)
{
	topo_ld_key_pos(at, map, key);
	const struct ytree_node *s = NULL;
	enum ytree_get r = ytree_get_node(map, key, need, YTREE_SEQ, &s, ld->d);
	if (r != YTREE_OK)
		return r;
	if (s->count > max) {
		ytree_diag(ld->d, DIAG_ERROR, s->items[max], "yaml.count",
			   NULL, "too many entries (%zu, at most %zu)",
			   s->count, max);
		return YTREE_ERR;
	}
	*out = s;
	return YTREE_OK;
}

enum ytree_get topo_ld_prefixes(struct topo_ld *ld,
				const struct ytree_node *map, const char *key,
				enum ytree_need need, struct ip_prefix *arr,
				struct topo_pos *arr_at, size_t max, size_t *n,
				struct topo_pos *at)
{
	const struct ytree_node *s = NULL;
	enum ytree_get r = topo_ld_seq(ld, map, key, need, max, &s, at);
	if (r != YTREE_OK)
		return r;
	for (size_t i = 0; i < s->count; i++) {
		if (!ytree_node_prefix(s->items[i], true, &arr[*n], ld->d)) {
			r = YTREE_ERR;
			continue;
		}
		topo_ld_pos(&arr_at[*n], s->items[i]);
		(*n)++;
	}
	if (r == YTREE_OK && need == YTREE_REQUIRED && s->count == 0) {
		ytree_diag(ld->d, DIAG_ERROR, s, "yaml.required", NULL,
			   "at least one prefix is required");
		r = YTREE_ERR;
	}
	return r;
}

/* onprem: the vgw acting as AWS customer gateway (vgw-cgw-aws). */
static void ld_onprem(struct topo_ld *ld, const struct ytree_node *n)
{
	static const char *const keys[] = { "name", "asn", "public_ip",
					    "address_spaces", NULL };
	struct topo_onprem *o = &ld->t->onprem;
	o->present = true;
	if (!topo_ld_map(ld, n, keys, &o->at))
		return;
	topo_ld_name(ld, n, "name", YTREE_REQUIRED, o->name, &o->name_at);
	topo_ld_asn(ld, n, "asn", YTREE_REQUIRED, &o->asn, &o->asn_at);
	topo_ld_ip(ld, n, "public_ip", YTREE_REQUIRED, &o->public_ip,
		   &o->public_ip_at);
	struct topo_pos at;
	topo_ld_prefixes(ld, n, "address_spaces", YTREE_REQUIRED, o->spaces,
			 o->spaces_at, TOPO_MAX_SPACES, &o->n_spaces, &at);
}

static void ld_root(struct topo_ld *ld, const struct ytree_node *root)
{
	static const char *const keys[] = { "description", "azure", "aws",
					    "onprem", NULL };
	if (!topo_ld_map(ld, root, keys, NULL))
		return;
	struct topo_pos at;
	ld_text(ld, root, "description", YTREE_OPTIONAL, ld->t->description,
		sizeof(ld->t->description), &at);
	const struct ytree_node *aws = NULL, *azure = NULL, *onprem = NULL;
	ytree_get_node(root, "aws", YTREE_REQUIRED, YTREE_MAP, &aws, ld->d);
	ytree_get_node(root, "azure", YTREE_OPTIONAL, YTREE_MAP, &azure, ld->d);
	ytree_get_node(root, "onprem", YTREE_OPTIONAL, YTREE_MAP, &onprem,
		       ld->d);
	if (azure == NULL && onprem == NULL &&
	    ytree_map_get(root, "azure") == NULL &&
	    ytree_map_get(root, "onprem") == NULL) {
		struct diag_pos pos = ytree_pos(root);
		diag_add(ld->d, DIAG_ERROR, &pos, "", "yaml.required",
			 "add an 'azure' section (the tutorial) or an "
			 "'onprem' vgw section",
			 "nothing faces AWS: neither 'azure' nor 'onprem' is "
			 "present");
	}
	if (azure != NULL)
		topo_ld_azure(ld, azure);
	if (aws != NULL)
		topo_ld_aws(ld, aws);
	if (onprem != NULL)
		ld_onprem(ld, onprem);
}

static struct topology *finish(struct ytree_doc *doc, const char *name,
			       struct diag_list *d)
{
	if (doc == NULL)
		return NULL;
	const struct ytree_node *root = ytree_root(doc);
	if (root == NULL) {
		struct diag_pos pos = { name, 1, 1 };
		diag_add(d, DIAG_ERROR, &pos, "", "yaml.empty", NULL,
			 "empty topology file");
		ytree_free(doc);
		return NULL;
	}
	struct topology *t = calloc(1, sizeof(*t));
	if (t == NULL) {
		ytree_free(doc);
		return NULL;
	}
	snprintf(t->file, sizeof(t->file), "%s", name);
	struct topo_ld ld = { t, d };
	size_t errors = d->errors;
	ld_root(&ld, root);
	ytree_free(doc);
	if (d->errors != errors) {
		topology_free(t);
		return NULL;
	}
	return t;
}

struct topology *topology_load_string(const char *text, size_t len,
				      const char *name,
				      struct diag_list *diags)
{
	if (name == NULL)
		name = "<string>";
	return finish(ytree_load_string(text, len, name, diags), name, diags);
}

struct topology *topology_load_file(const char *path, struct diag_list *diags)
{
	return finish(ytree_load_file(path, diags), path, diags);
}
