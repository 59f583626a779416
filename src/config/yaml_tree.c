/*
 * YAML text -> immutable tree (libyaml event API), with positions and
 * paths on every node. Memory comes from one arena per document.
 */
#include "config/yaml_tree.h"
#include "crypto/secret.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#define YTREE_MAX_ITEMS 10000 /* entries in one mapping or sequence */
#define ARENA_CHUNK 8192

struct arena_chunk {
	struct arena_chunk *next;
	size_t used;
	size_t size;
	max_align_t data[];
};

struct ytree_doc {
	struct arena_chunk *chunks;
	const char *file;
	const struct ytree_node *root;
};

static void *arena_alloc(struct ytree_doc *doc, size_t n)
{
	size_t align = sizeof(max_align_t);
	n = (n + align - 1) / align * align;
	struct arena_chunk *c = doc->chunks;
	if (c == NULL || c->size - c->used < n) {
		size_t size = n > ARENA_CHUNK ? n : ARENA_CHUNK;
		c = malloc(sizeof(*c) + size);
		if (c == NULL)
			return NULL;
		c->size = size;
		c->used = 0;
		c->next = doc->chunks;
		doc->chunks = c;
	}
	void *p = (char *)c->data + c->used;
	c->used += n;
	memset(p, 0, n);
	return p;
}

static char *arena_strndup(struct ytree_doc *doc, const char *s, size_t len)
{
	char *p = arena_alloc(doc, len + 1);
	if (p == NULL)
		return NULL;
	memcpy(p, s, len);
	p[len] = '\0';
	return p;
}

void ytree_free(struct ytree_doc *doc)
{
	if (doc == NULL)
		return;
	struct arena_chunk *c = doc->chunks;
	while (c != NULL) {
		struct arena_chunk *next = c->next;
		/* Scalars may be pre-shared keys: wipe before release. */
		secret_cleanse(c->data, c->used);
		free(c);
		c = next;
	}
	free(doc);
}

const struct ytree_node *ytree_root(const struct ytree_doc *doc)
{
	return doc ? doc->root : NULL;
}

const char *ytree_file(const struct ytree_doc *doc)
{
	return doc ? doc->file : "";
}

/* ---- Builder ------------------------------------------------------------ */

struct build {
	yaml_parser_t parser;
	struct ytree_doc *doc;
	struct diag_list *diags;
};

static void build_error(struct build *b, uint32_t line, uint32_t col,
			const char *path, const char *hint, const char *fmt, ...)
	__attribute__((format(printf, 6, 7)));

static void build_error(struct build *b, uint32_t line, uint32_t col,
			const char *path, const char *hint, const char *fmt, ...)
{
	struct diag_pos pos = { b->doc->file, line, col };
	va_list ap;
	va_start(ap, fmt);
	diag_addv(b->diags, DIAG_ERROR, &pos, path, "yaml.syntax", hint, fmt,
		  ap);
	va_end(ap);
}

static bool next_event(struct build *b, yaml_event_t *ev)
{
	if (yaml_parser_parse(&b->parser, ev))
		return true;
	const yaml_parser_t *p = &b->parser;
	uint32_t line = (uint32_t)p->problem_mark.line + 1;
	uint32_t col = (uint32_t)p->problem_mark.column + 1;
	if (p->error == YAML_MEMORY_ERROR) {
		build_error(b, line, col, "", NULL, "out of memory");
		return false;
	}
	if (p->context != NULL)
		build_error(b, line, col, "", NULL, "YAML syntax error: %s %s",
			    p->problem ? p->problem : "invalid input",
			    p->context);
	else
		build_error(b, line, col, "", NULL, "YAML syntax error: %s",
			    p->problem ? p->problem : "invalid input");
	return false;
}

static struct ytree_node *new_node(struct build *b, const yaml_event_t *ev,
				   enum ytree_kind kind, const char *path)
{
	struct ytree_node *n = arena_alloc(b->doc, sizeof(*n));
	if (n == NULL)
		return NULL;
	n->kind = kind;
	n->line = (uint32_t)ev->start_mark.line + 1;
	n->col = (uint32_t)ev->start_mark.column + 1;
	n->file = b->doc->file;
	n->path = path;
	return n;
}

static const char *child_path(struct build *b, const char *parent,
			      const char *key, size_t index, bool is_index)
{
	char idx[32];
	size_t plen = strlen(parent);
	const char *sep = plen ? "." : "";
	if (is_index) {
		snprintf(idx, sizeof(idx), "[%zu]", index);
		sep = "";
		key = idx;
	}
	size_t len = plen + strlen(sep) + strlen(key);
	char *p = arena_alloc(b->doc, len + 1);
	if (p != NULL)
		snprintf(p, len + 1, "%s%s%s", parent, sep, key);
	return p;
}

static const struct ytree_node *parse_node(struct build *b, yaml_event_t *ev,
					   const char *path, int depth);

static const struct ytree_node *parse_scalar(struct build *b,
					     const yaml_event_t *ev,
					     const char *path)
{
	struct ytree_node *n = new_node(b, ev, YTREE_SCALAR, path);
	if (n == NULL)
		return NULL;
	n->len = ev->data.scalar.length;
	n->str = arena_strndup(b->doc, (const char *)ev->data.scalar.value,
			       n->len);
	n->plain = ev->data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
	return n->str ? n : NULL;
}

/* Growable scratch array of pointers, copied into the arena when done. */
struct vec {
	const void **v;
	size_t n;
	size_t cap;
};

static bool vec_push(struct vec *v, const void *p)
{
	if (v->n == v->cap) {
		size_t cap = v->cap ? v->cap * 2 : 8;
		const void **nv = realloc(v->v, cap * sizeof(*nv));
		if (nv == NULL)
			return false;
		v->v = nv;
		v->cap = cap;
	}
	v->v[v->n++] = p;
	return true;
}

static bool too_many(struct build *b, const struct ytree_node *n, size_t count)
{
	if (count < YTREE_MAX_ITEMS)
		return false;
	build_error(b, n->line, n->col, n->path, NULL,
		    "more than %d entries in one %s", YTREE_MAX_ITEMS,
		    ytree_kind_name(n->kind));
	return true;
}

static const struct ytree_node *parse_seq(struct build *b,
					  const yaml_event_t *start,
					  const char *path, int depth)
{
	struct ytree_node *n = new_node(b, start, YTREE_SEQ, path);
	struct vec items = { 0 };
	bool ok = n != NULL;
	while (ok) {
		yaml_event_t ev;
		if (!next_event(b, &ev)) {
			ok = false;
			break;
		}
		if (ev.type == YAML_SEQUENCE_END_EVENT) {
			yaml_event_delete(&ev);
			break;
		}
		const char *cp = child_path(b, path, NULL, items.n, true);
		const struct ytree_node *c =
			cp ? parse_node(b, &ev, cp, depth + 1) : NULL;
		yaml_event_delete(&ev);
		ok = c != NULL && !too_many(b, n, items.n) &&
		     vec_push(&items, c);
	}
	if (ok && items.n > 0) {
		const struct ytree_node **arr =
			arena_alloc(b->doc, items.n * sizeof(*arr));
		ok = arr != NULL;
		if (ok) {
			memcpy(arr, items.v, items.n * sizeof(*arr));
			n->items = arr;
			n->count = items.n;
		}
	}
	free(items.v);
	return ok ? n : NULL;
}

static bool check_dup_key(struct build *b, const struct vec *keys,
			  const struct ytree_node *key)
{
	for (size_t i = 0; i < keys->n; i++) {
		const struct ytree_node *k = keys->v[i];
		if (k->len == key->len && memcmp(k->str, key->str, k->len) == 0) {
			build_error(b, key->line, key->col, key->path,
				    "each key may appear once per mapping",
				    "duplicate key '%s' (first at line %u, "
				    "column %u)", key->str, k->line, k->col);
			return false;
		}
	}
	return true;
}

/* Parses one key/value pair whose key event is ev. */
static bool parse_pair(struct build *b, yaml_event_t *ev, const char *path,
		       int depth, struct vec *keys, struct vec *vals)
{
	if (ev->type != YAML_SCALAR_EVENT) {
		build_error(b, (uint32_t)ev->start_mark.line + 1,
			    (uint32_t)ev->start_mark.column + 1, path, NULL,
			    "mapping keys must be scalars");
		return false;
	}
	const char *kp = child_path(b, path,
				    (const char *)ev->data.scalar.value, 0,
				    false);
	const struct ytree_node *key = kp ? parse_scalar(b, ev, kp) : NULL;
	if (key == NULL || !check_dup_key(b, keys, key))
		return false;
	yaml_event_t vev;
	if (!next_event(b, &vev))
		return false;
	const struct ytree_node *val = parse_node(b, &vev, kp, depth + 1);
	yaml_event_delete(&vev);
	return val != NULL && vec_push(keys, key) && vec_push(vals, val);
}

static const struct ytree_node *parse_map(struct build *b,
					  const yaml_event_t *start,
					  const char *path, int depth)
{
	struct ytree_node *n = new_node(b, start, YTREE_MAP, path);
	struct vec keys = { 0 }, vals = { 0 };
	bool ok = n != NULL;
	while (ok) {
		yaml_event_t ev;
		if (!next_event(b, &ev)) {
			ok = false;
			break;
		}
		if (ev.type == YAML_MAPPING_END_EVENT) {
			yaml_event_delete(&ev);
			break;
		}
		ok = !too_many(b, n, keys.n) &&
		     parse_pair(b, &ev, path, depth, &keys, &vals);
		yaml_event_delete(&ev);
	}
	if (ok && keys.n > 0) {
		struct ytree_pair *pairs =
			arena_alloc(b->doc, keys.n * sizeof(*pairs));
		ok = pairs != NULL;
		for (size_t i = 0; ok && i < keys.n; i++) {
			pairs[i].key = keys.v[i];
			pairs[i].value = vals.v[i];
		}
		if (ok) {
			n->pairs = pairs;
			n->count = keys.n;
		}
	}
	free(keys.v);
	free(vals.v);
	return ok ? n : NULL;
}

static const struct ytree_node *parse_node(struct build *b, yaml_event_t *ev,
					   const char *path, int depth)
{
	uint32_t line = (uint32_t)ev->start_mark.line + 1;
	uint32_t col = (uint32_t)ev->start_mark.column + 1;
	if (depth > YTREE_MAX_DEPTH) {
		build_error(b, line, col, path, NULL,
			    "nesting deeper than %d levels", YTREE_MAX_DEPTH);
		return NULL;
	}
	switch (ev->type) {
	case YAML_SCALAR_EVENT:
		return parse_scalar(b, ev, path);
	case YAML_SEQUENCE_START_EVENT:
		return parse_seq(b, ev, path, depth);
	case YAML_MAPPING_START_EVENT:
		return parse_map(b, ev, path, depth);
	case YAML_ALIAS_EVENT:
		build_error(b, line, col, path,
			    "write the value out instead of '*alias'",
			    "YAML aliases are not supported");
		return NULL;
	default:
		build_error(b, line, col, path, NULL, "unexpected YAML event");
		return NULL;
	}
}

/* Expects an event of type t; reports otherwise. */
static bool expect_event(struct build *b, yaml_event_type_t t,
			 const char *what)
{
	yaml_event_t ev;
	if (!next_event(b, &ev))
		return false;
	bool ok = ev.type == t;
	if (!ok)
		build_error(b, (uint32_t)ev.start_mark.line + 1,
			    (uint32_t)ev.start_mark.column + 1, "", NULL,
			    "%s", what);
	yaml_event_delete(&ev);
	return ok;
}

static bool parse_stream(struct build *b)
{
	yaml_event_t ev;
	if (!expect_event(b, YAML_STREAM_START_EVENT, "expected a YAML stream"))
		return false;
	if (!next_event(b, &ev))
		return false;
	if (ev.type == YAML_STREAM_END_EVENT) {
		yaml_event_delete(&ev);
		return true; /* empty file: root stays NULL */
	}
	bool ok = ev.type == YAML_DOCUMENT_START_EVENT;
	yaml_event_delete(&ev);
	if (!ok || !next_event(b, &ev))
		return false;
	b->doc->root = parse_node(b, &ev, "", 0);
	yaml_event_delete(&ev);
	if (b->doc->root == NULL)
		return false;
	if (!expect_event(b, YAML_DOCUMENT_END_EVENT, "expected end of document"))
		return false;
	return expect_event(b, YAML_STREAM_END_EVENT,
			    "only one YAML document is allowed per file");
}

struct ytree_doc *ytree_load_string(const char *text, size_t len,
				    const char *name, struct diag_list *diags)
{
	struct build b = { .diags = diags };
	b.doc = calloc(1, sizeof(*b.doc));
	if (b.doc == NULL)
		return NULL;
	b.doc->file = arena_strndup(b.doc, name ? name : "<string>",
				    strlen(name ? name : "<string>"));
	if (b.doc->file == NULL || !yaml_parser_initialize(&b.parser)) {
		ytree_free(b.doc);
		return NULL;
	}
	if (len > YTREE_MAX_INPUT) {
		build_error(&b, 0, 0, "", NULL, "input larger than %u bytes",
			    YTREE_MAX_INPUT);
		yaml_parser_delete(&b.parser);
		ytree_free(b.doc);
		return NULL;
	}
	yaml_parser_set_input_string(&b.parser, (const unsigned char *)text,
				     len);
	bool ok = parse_stream(&b);
	yaml_parser_delete(&b.parser);
	if (!ok) {
		ytree_free(b.doc);
		return NULL;
	}
	return b.doc;
}

struct ytree_doc *ytree_load_file(const char *path, struct diag_list *diags)
{
	struct diag_pos pos = { path, 0, 0 };
	FILE *f = fopen(path, "rb");
	if (f == NULL) {
		diag_add(diags, DIAG_ERROR, &pos, "", "io.open", NULL,
			 "cannot open: %s", strerror(errno));
		return NULL;
	}
	size_t cap = YTREE_MAX_INPUT + 1;
	char *buf = malloc(cap);
	size_t len = buf ? fread(buf, 1, cap, f) : 0;
	bool err = buf == NULL || ferror(f);
	fclose(f);
	if (err || len > YTREE_MAX_INPUT) {
		diag_add(diags, DIAG_ERROR, &pos, "", "io.read", NULL, "%s",
			 err ? "cannot read file"
			     : "file larger than the 4 MiB limit");
		free(buf);
		return NULL;
	}
	struct ytree_doc *doc = ytree_load_string(buf, len, path, diags);
	secret_cleanse(buf, len); /* the file text may hold keys */
	free(buf);
	return doc;
}
