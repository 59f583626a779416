/*
 * Internals of the topology loader: shared field readers. Each reader
 * looks a key up in a mapping, converts it, records the field position
 * (value, or the mapping when the key is absent) and reports problems into
 * the diagnostics list. They return the ytree_get result.
 */
#ifndef VGW_CONFIG_TOPO_LOAD_PRIV_H
#define VGW_CONFIG_TOPO_LOAD_PRIV_H

#include "config/topology.h"
#include "config/yaml_tree.h"

struct topo_ld {
	struct topology *t;
	struct diag_list *d;
};

void topo_ld_pos(struct topo_pos *p, const struct ytree_node *n);
/* Position of map[key]'s value, else of map with path "map.key". */
void topo_ld_key_pos(struct topo_pos *p, const struct ytree_node *map,
		     const char *key);
/* Records the position; checks the kind (false if not a mapping) and
 * reports keys not in allowed (still true: known keys are then read). */
bool topo_ld_map(struct topo_ld *ld, const struct ytree_node *n,
		 const char *const *allowed, struct topo_pos *at);

enum ytree_get topo_ld_name(struct topo_ld *ld, const struct ytree_node *map,
			    const char *key, enum ytree_need need,
			    char dst[TOPO_NAME_MAX], struct topo_pos *at);
enum ytree_get topo_ld_psk(struct topo_ld *ld, const struct ytree_node *map,
			   const char *key, enum ytree_need need,
			   char dst[TOPO_PSK_MAX], struct topo_pos *at);
enum ytree_get topo_ld_asn(struct topo_ld *ld, const struct ytree_node *map,
			   const char *key, enum ytree_need need,
			   uint32_t *out, struct topo_pos *at);
enum ytree_get topo_ld_bool(struct topo_ld *ld, const struct ytree_node *map,
			    const char *key, bool *out, struct topo_pos *at);
enum ytree_get topo_ld_uint(struct topo_ld *ld, const struct ytree_node *map,
			    const char *key, uint64_t *out,
			    struct topo_pos *at);
enum ytree_get topo_ld_enum(struct topo_ld *ld, const struct ytree_node *map,
			    const char *key, enum ytree_need need,
			    const struct ytree_enum *tab, int *out,
			    struct topo_pos *at);
enum ytree_get topo_ld_ip(struct topo_ld *ld, const struct ytree_node *map,
			  const char *key, enum ytree_need need,
			  struct ip_addr *out, struct topo_pos *at);
enum ytree_get topo_ld_prefix(struct topo_ld *ld, const struct ytree_node *map,
			      const char *key, enum ytree_need need,
			      struct ip_prefix *out, struct topo_pos *at);
/* Sequence under key (optional unless need); error if longer than max. */
enum ytree_get topo_ld_seq(struct topo_ld *ld, const struct ytree_node *map,
			   const char *key, enum ytree_need need, size_t max,
			   const struct ytree_node **out, struct topo_pos *at);
/* List of prefixes; *n entries. */
enum ytree_get topo_ld_prefixes(struct topo_ld *ld,
				const struct ytree_node *map, const char *key,
				enum ytree_need need, struct ip_prefix *arr,
				struct topo_pos *arr_at, size_t max, size_t *n,
				struct topo_pos *at);

void topo_ld_azure(struct topo_ld *ld, const struct ytree_node *n);
void topo_ld_aws(struct topo_ld *ld, const struct ytree_node *n);

#endif
