/*
 * Diagnostics list: owned copies of every text, bounded length, text and
 * JSON printers.
 */
#include "config/diag.h"

#include <json-c/json.h>
#include <stdlib.h>
#include <string.h>

void diag_list_init(struct diag_list *l)
{
	memset(l, 0, sizeof(*l));
}

static void diag_entry_free(struct diag *d)
{
	free(d->file);
	free(d->path);
	free(d->rule);
	free(d->message);
	free(d->hint);
}

void diag_list_clear(struct diag_list *l)
{
	if (l == NULL)
		return;
	for (size_t i = 0; i < l->n; i++)
		diag_entry_free(&l->v[i]);
	free(l->v);
	diag_list_init(l);
}

void diag_list_free(struct diag_list *l)
{
	diag_list_clear(l);
}

const char *diag_level_name(enum diag_level level)
{
	return level == DIAG_WARNING ? "warning" : "error";
}

static char *dup_or_empty(const char *s)
{
	return strdup(s != NULL ? s : "");
}

static bool diag_reserve(struct diag_list *l)
{
	if (l->n < l->cap)
		return true;
	size_t cap = l->cap ? l->cap * 2 : 16;
	if (cap > DIAG_MAX)
		cap = DIAG_MAX;
	struct diag *v = realloc(l->v, cap * sizeof(*v));
	if (v == NULL)
		return false;
	l->v = v;
	l->cap = cap;
	return true;
}

static char *format_message(const char *fmt, va_list ap)
{
	va_list ap2;
	va_copy(ap2, ap);
	int n = vsnprintf(NULL, 0, fmt, ap2);
	va_end(ap2);
	if (n < 0)
		return strdup("?");
	char *s = malloc((size_t)n + 1);
	if (s != NULL)
		vsnprintf(s, (size_t)n + 1, fmt, ap);
	return s;
}

void diag_addv(struct diag_list *l, enum diag_level level,
	       const struct diag_pos *pos, const char *path, const char *rule,
	       const char *hint, const char *fmt, va_list ap)
{
	if (level == DIAG_WARNING)
		l->warnings++;
	else
		l->errors++;
	if (l->n >= DIAG_MAX) {
		l->dropped++;
		return;
	}
	if (!diag_reserve(l)) {
		l->oom = true;
		return;
	}
	struct diag d = {
		.level = level,
		.file = dup_or_empty(pos ? pos->file : NULL),
		.line = pos ? pos->line : 0,
		.col = pos ? pos->col : 0,
		.path = dup_or_empty(path),
		.rule = dup_or_empty(rule),
		.message = format_message(fmt, ap),
		.hint = hint != NULL ? strdup(hint) : NULL,
	};
	if (d.file == NULL || d.path == NULL || d.rule == NULL ||
	    d.message == NULL || (hint != NULL && d.hint == NULL)) {
		diag_entry_free(&d);
		l->oom = true;
		return;
	}
	l->v[l->n++] = d;
}

void diag_add(struct diag_list *l, enum diag_level level,
	      const struct diag_pos *pos, const char *path, const char *rule,
	      const char *hint, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	diag_addv(l, level, pos, path, rule, hint, fmt, ap);
	va_end(ap);
}

size_t diag_format(const struct diag *d, char *buf, size_t size)
{
	bool has_path = d->path != NULL && d->path[0] != '\0';
	int n = snprintf(buf, size, "%s:%u:%u: %s: %s%s%s%s%s%s", d->file,
			 d->line, d->col, diag_level_name(d->level),
			 has_path ? d->path : "", has_path ? ": " : "",
			 d->message, d->hint ? " (hint: " : "",
			 d->hint ? d->hint : "", d->hint ? ")" : "");
	return n < 0 ? 0 : (size_t)n;
}

void diag_list_print(const struct diag_list *l, FILE *out)
{
	for (size_t i = 0; i < l->n; i++) {
		size_t need = diag_format(&l->v[i], NULL, 0);
		char *s = malloc(need + 1);
		if (s == NULL)
			continue;
		diag_format(&l->v[i], s, need + 1);
		fprintf(out, "%s\n", s);
		free(s);
	}
}

static bool json_add_str(struct json_object *o, const char *k, const char *v)
{
	struct json_object *s = json_object_new_string(v);
	if (s == NULL)
		return false;
	return json_object_object_add(o, k, s) == 0;
}

static struct json_object *diag_to_json(const struct diag *d)
{
	struct json_object *o = json_object_new_object();
	if (o == NULL)
		return NULL;
	bool ok = json_add_str(o, "level", diag_level_name(d->level)) &&
		  json_add_str(o, "file", d->file) &&
		  json_object_object_add(o, "line",
					 json_object_new_int64(d->line)) == 0 &&
		  json_object_object_add(o, "col",
					 json_object_new_int64(d->col)) == 0 &&
		  json_add_str(o, "path", d->path) &&
		  json_add_str(o, "rule", d->rule) &&
		  json_add_str(o, "message", d->message) &&
		  (d->hint == NULL || json_add_str(o, "hint", d->hint));
	if (!ok) {
		json_object_put(o);
		return NULL;
	}
	return o;
}

struct json_object *diag_list_to_json(const struct diag_list *l)
{
	struct json_object *root = json_object_new_object();
	struct json_object *arr = json_object_new_array();
	if (root == NULL || arr == NULL)
		goto fail;
	for (size_t i = 0; i < l->n; i++) {
		struct json_object *o = diag_to_json(&l->v[i]);
		if (o == NULL || json_object_array_add(arr, o) != 0) {
			json_object_put(o);
			goto fail;
		}
	}
	json_object_object_add(root, "errors",
			       json_object_new_int64((int64_t)l->errors));
	json_object_object_add(root, "warnings",
			       json_object_new_int64((int64_t)l->warnings));
	json_object_object_add(root, "dropped",
			       json_object_new_int64((int64_t)l->dropped));
	json_object_object_add(root, "diagnostics", arr);
	return root;
fail:
	json_object_put(arr);
	json_object_put(root);
	return NULL;
}

static int diag_cmp(const struct diag *a, const struct diag *b)
{
	int c = strcmp(a->file, b->file);
	if (c != 0)
		return c;
	if (a->line != b->line)
		return a->line < b->line ? -1 : 1;
	if (a->col != b->col)
		return a->col < b->col ? -1 : 1;
	return 0;
}

void diag_list_sort(struct diag_list *l)
{
	/* Insertion sort: stable, and lists are short (<= DIAG_MAX). */
	for (size_t i = 1; i < l->n; i++) {
		struct diag cur = l->v[i];
		size_t j = i;
		while (j > 0 && diag_cmp(&l->v[j - 1], &cur) > 0) {
			l->v[j] = l->v[j - 1];
			j--;
		}
		l->v[j] = cur;
	}
}

const struct diag *diag_list_find(const struct diag_list *l, const char *path,
				  const char *rule)
{
	for (size_t i = 0; i < l->n; i++) {
		const struct diag *d = &l->v[i];
		if (path != NULL && strcmp(d->path, path) != 0)
			continue;
		if (rule != NULL && strcmp(d->rule, rule) != 0)
			continue;
		return d;
	}
	return NULL;
}
