/*
 * Output formatter seam: commands describe their result as fields and
 * tables; the text formatter prints "key: value" lines and aligned
 * columns, the JSON formatter builds one object printed by finish().
 */
#ifndef VGW_CLI_CLI_FMT_H
#define VGW_CLI_CLI_FMT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

struct json_object;
struct cli_fmt;
struct diag_list;

struct cli_fmt_ops {
	void (*field)(struct cli_fmt *f, const char *key, const char *value);
	void (*field_int)(struct cli_fmt *f, const char *key, long long v);
	void (*field_bool)(struct cli_fmt *f, const char *key, bool v);
	/* cells holds n_rows * n_cols strings, row by row. */
	void (*table)(struct cli_fmt *f, const char *key, size_t n_cols,
		      const char *const *headers, size_t n_rows,
		      const char *const *cells);
	/* Takes ownership of o; the text formatter drops it. */
	void (*attach_json)(struct cli_fmt *f, const char *key,
			    struct json_object *o);
	/* Emits what is pending; returns 0 or -1 on a write error. */
	int (*finish)(struct cli_fmt *f);
};

struct cli_fmt {
	const struct cli_fmt_ops *ops;
	FILE *out;
	struct json_object *root; /* JSON formatter only */
	const struct diag_list *diags; /* JSON: added last by finish() */
};

/* Text (json=false) or JSON formatter writing to out. */
void cli_fmt_init(struct cli_fmt *f, FILE *out, bool json);

/*
 * Diagnostics: the text formatter prints them to err at once (one per
 * line); the JSON formatter adds them as the last key, "diagnostics"
 * (diag.h's entry objects), in finish(), so d must live until then.
 */
void cli_fmt_diags(struct cli_fmt *f, const struct diag_list *d, FILE *err);

#endif
