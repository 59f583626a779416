/*
 * A small immutable YAML tree built with libyaml, for config loaders.
 *
 * Every node carries its source position (1-based line and column), the
 * file name and its path from the root ("azure.connections[2].shared_key"),
 * so a loader can report any problem as
 * FILE:LINE:COL: error: path: message (see diag.h).
 *
 * Scalars are kept as text: the tree does not apply YAML 1.1 typing, the
 * typed getters below decide what a scalar means. Map keys keep their
 * order; a duplicate key, an alias, a non-scalar key, more than one
 * document or nesting deeper than YTREE_MAX_DEPTH is a load error.
 *
 * The tree owns every string and node; everything is released by
 * ytree_free(). Nodes are read-only for users.
 */
#ifndef VGW_CONFIG_YAML_TREE_H
#define VGW_CONFIG_YAML_TREE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/addr.h"
#include "config/diag.h"

#define YTREE_MAX_DEPTH 64
#define YTREE_MAX_INPUT (4u * 1024 * 1024) /* bytes accepted by loaders */

enum ytree_kind {
	YTREE_SCALAR = 0,
	YTREE_MAP = 1,
	YTREE_SEQ = 2,
};

struct ytree_node;

struct ytree_pair {
	const struct ytree_node *key;   /* always a scalar */
	const struct ytree_node *value;
};

struct ytree_node {
	enum ytree_kind kind;
	uint32_t line; /* 1-based */
	uint32_t col;  /* 1-based */
	const char *file;
	const char *path; /* "" for the root */
	/* YTREE_SCALAR: text (NUL-terminated; may also contain NULs, see
	 * len), plain = unquoted, non-block style. */
	const char *str;
	size_t len;
	bool plain;
	/* YTREE_MAP: count pairs in document order; YTREE_SEQ: count items. */
	size_t count;
	const struct ytree_pair *pairs;
	const struct ytree_node *const *items;
};

struct ytree_doc;

/*
 * Parse YAML text. name is the file name used in positions and
 * diagnostics. On error, diagnostics go to diags and NULL is returned. An
 * empty document yields a doc whose root is NULL.
 */
struct ytree_doc *ytree_load_string(const char *text, size_t len,
				    const char *name, struct diag_list *diags);
/* Reads the file (at most YTREE_MAX_INPUT bytes) then as above. */
struct ytree_doc *ytree_load_file(const char *path, struct diag_list *diags);
void ytree_free(struct ytree_doc *doc); /* NULL-safe */
const struct ytree_node *ytree_root(const struct ytree_doc *doc);
const char *ytree_file(const struct ytree_doc *doc);

/* ---- Reporting ---------------------------------------------------------- */

/* Position of a node as a diag_pos. */
struct diag_pos ytree_pos(const struct ytree_node *n);
/* Adds a diagnostic located at n (its position and path). */
void ytree_diag(struct diag_list *d, enum diag_level level,
		const struct ytree_node *n, const char *rule, const char *hint,
		const char *fmt, ...) __attribute__((format(printf, 6, 7)));
const char *ytree_kind_name(enum ytree_kind kind); /* "mapping", ... */

/* ---- Structure ---------------------------------------------------------- */

/* A scalar that is YAML null: plain "", "~", "null", "Null", "NULL". */
bool ytree_is_null(const struct ytree_node *n);
/* Value under key in map n, or NULL (also when n is not a map). */
const struct ytree_node *ytree_map_get(const struct ytree_node *n,
				       const char *key);
/* The key node of key in map n (for positions), or NULL. */
const struct ytree_node *ytree_map_key(const struct ytree_node *n,
				       const char *key);
/* Errors "expected a mapping, found a sequence" when kinds differ. */
bool ytree_expect(const struct ytree_node *n, enum ytree_kind kind,
		  struct diag_list *d);

/*
 * Reports every key of map n that is not in allowed (NULL-terminated) as
 * an error "unknown key 'x'" at the key, with a "did you mean" hint when a
 * known key is close, else the list of allowed keys. Returns true if all
 * keys are known.
 */
bool ytree_check_keys(const struct ytree_node *n, const char *const *allowed,
		      struct diag_list *d);

/* ---- Typed getters ------------------------------------------------------ */
/*
 * The ytree_node_* getters convert one node and report a typed error at it.
 * They return true on success and leave *out untouched on failure.
 *
 * The ytree_get_* wrappers look key up in map and return
 *   YTREE_OK      value present and valid (*out set)
 *   YTREE_ABSENT  key missing, or its value is null and the key optional;
 *                 with YTREE_REQUIRED an error "missing required key" is
 *                 reported at the map and YTREE_ERR returned instead
 *   YTREE_ERR     present but invalid (diagnostic reported)
 */
enum ytree_get {
	YTREE_ERR = -1,
	YTREE_ABSENT = 0,
	YTREE_OK = 1,
};
enum ytree_need {
	YTREE_OPTIONAL = 0,
	YTREE_REQUIRED = 1,
};

struct ytree_enum {
	const char *name;
	int value;
};

/* Non-empty scalar without NUL bytes. */
bool ytree_node_str(const struct ytree_node *n, const char **out,
		    struct diag_list *d);
/* Decimal digits only, min <= v <= max. */
bool ytree_node_uint(const struct ytree_node *n, uint64_t min, uint64_t max,
		     uint64_t *out, struct diag_list *d);
/* true / false (also yes/no/on/off are refused with a hint). */
bool ytree_node_bool(const struct ytree_node *n, bool *out,
		     struct diag_list *d);
/* One of the names in tab (terminated by a NULL name); exact case. */
bool ytree_node_enum(const struct ytree_node *n, const struct ytree_enum *tab,
		     int *out, struct diag_list *d);
/* IPv4 or IPv6 address; with v4_only, IPv6 is refused. */
bool ytree_node_ip(const struct ytree_node *n, bool v4_only,
		   struct ip_addr *out, struct diag_list *d);
/* "A/len" with host bits zero. */
bool ytree_node_prefix(const struct ytree_node *n, bool v4_only,
		       struct ip_prefix *out, struct diag_list *d);

enum ytree_get ytree_get_node(const struct ytree_node *map, const char *key,
			      enum ytree_need need, enum ytree_kind kind,
			      const struct ytree_node **out,
			      struct diag_list *d);
enum ytree_get ytree_get_str(const struct ytree_node *map, const char *key,
			     enum ytree_need need, const char **out,
			     struct diag_list *d);
enum ytree_get ytree_get_uint(const struct ytree_node *map, const char *key,
			      enum ytree_need need, uint64_t min, uint64_t max,
			      uint64_t *out, struct diag_list *d);
enum ytree_get ytree_get_bool(const struct ytree_node *map, const char *key,
			      enum ytree_need need, bool *out,
			      struct diag_list *d);
enum ytree_get ytree_get_enum(const struct ytree_node *map, const char *key,
			      enum ytree_need need,
			      const struct ytree_enum *tab, int *out,
			      struct diag_list *d);
enum ytree_get ytree_get_ip(const struct ytree_node *map, const char *key,
			    enum ytree_need need, bool v4_only,
			    struct ip_addr *out, struct diag_list *d);
enum ytree_get ytree_get_prefix(const struct ytree_node *map, const char *key,
				enum ytree_need need, bool v4_only,
				struct ip_prefix *out, struct diag_list *d);

#endif
