/*
 * Diagnostics list shared by every config loader and validator.
 *
 * One entry is {level, file, line, col, path, rule, message, hint}; it is
 * printed as
 *
 *   FILE:LINE:COL: error: path.to.field: message (hint: hint)
 *
 * ("warning:" for warnings; no hint -> no parenthesis; an empty path is
 * left out together with its ": "). Lines and columns are 1-based; 0 means
 * "unknown" and is printed as 0.
 *
 * The list owns copies of every string it is given, so callers may pass
 * stack buffers and strings owned by a YAML tree that is freed later.
 * Messages never carry secrets: callers describe a PSK by its length.
 */
#ifndef VGW_CONFIG_DIAG_H
#define VGW_CONFIG_DIAG_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct json_object;

enum diag_level {
	DIAG_ERROR = 0,
	DIAG_WARNING = 1,
};

/* A source position: file name (not owned), 1-based line and column. */
struct diag_pos {
	const char *file;
	uint32_t line;
	uint32_t col;
};

struct diag {
	enum diag_level level;
	char *file;    /* never NULL ("" when unknown) */
	uint32_t line;
	uint32_t col;
	char *path;    /* "azure.connections[2].shared_key", may be "" */
	char *rule;    /* stable rule id ("aws.inside_cidr.reserved"), may be "" */
	char *message; /* never NULL */
	char *hint;    /* NULL when there is no hint */
};

/*
 * At most DIAG_MAX entries are stored; further ones are only counted in
 * `dropped` (and in the error/warning counters), so hostile input cannot
 * grow the list without bound.
 */
#define DIAG_MAX 512

struct diag_list {
	struct diag *v;
	size_t n;
	size_t cap;
	size_t errors;
	size_t warnings;
	size_t dropped;
	bool oom; /* an allocation failed: counts are right, texts may be lost */
};

void diag_list_init(struct diag_list *l);
/* Releases every entry; the list is empty and reusable afterwards. */
void diag_list_clear(struct diag_list *l);
/* Same as clear (NULL-safe); named for symmetry with _init. */
void diag_list_free(struct diag_list *l);

/*
 * Appends one diagnostic. path, rule and hint may be NULL. fmt formats the
 * message. Never fails visibly: on allocation failure the counters still
 * move and l->oom is set.
 */
void diag_add(struct diag_list *l, enum diag_level level,
	      const struct diag_pos *pos, const char *path, const char *rule,
	      const char *hint, const char *fmt, ...)
	__attribute__((format(printf, 7, 8)));
void diag_addv(struct diag_list *l, enum diag_level level,
	       const struct diag_pos *pos, const char *path, const char *rule,
	       const char *hint, const char *fmt, va_list ap)
	__attribute__((format(printf, 7, 0)));

static inline size_t diag_error_count(const struct diag_list *l)
{
	return l->errors;
}
static inline size_t diag_warning_count(const struct diag_list *l)
{
	return l->warnings;
}
static inline bool diag_has_errors(const struct diag_list *l)
{
	return l->errors > 0;
}

const char *diag_level_name(enum diag_level level); /* "error"/"warning" */

/*
 * Formats one entry as described at the top (no trailing newline). Returns
 * the length it needed (like snprintf); the output is always terminated
 * when size > 0.
 */
size_t diag_format(const struct diag *d, char *buf, size_t size);
/* Prints every entry, one per line, then nothing else. */
void diag_list_print(const struct diag_list *l, FILE *out);

/*
 * JSON form: {"errors":N,"warnings":N,"dropped":N,"diagnostics":[{"level":
 * "error","file":..,"line":..,"col":..,"path":..,"rule":..,"message":..,
 * "hint":..}]} ("hint" omitted when absent). Caller owns the result
 * (json_object_put). NULL on allocation failure.
 */
struct json_object *diag_list_to_json(const struct diag_list *l);

/* Sort entries by (file, line, col) keeping insertion order for ties. */
void diag_list_sort(struct diag_list *l);

/* First entry whose path equals path and whose rule equals rule (either
 * may be NULL for "any"); NULL if none. Handy for tests and callers. */
const struct diag *diag_list_find(const struct diag_list *l, const char *path,
				  const char *rule);

#endif
