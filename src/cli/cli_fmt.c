/* Text and JSON implementations of the formatter seam (cli_fmt.h). */
#include "cli/cli_fmt.h"

#include <json-c/json.h>
#include <string.h>

#include "config/diag.h"

static void text_field(struct cli_fmt *f, const char *key, const char *value)
{
	fprintf(f->out, "%s: %s\n", key, value);
}

static void text_field_int(struct cli_fmt *f, const char *key, long long v)
{
	fprintf(f->out, "%s: %lld\n", key, v);
}

static void text_field_bool(struct cli_fmt *f, const char *key, bool v)
{
	fprintf(f->out, "%s: %s\n", key, v ? "yes" : "no");
}

static void text_table(struct cli_fmt *f, const char *key, size_t n_cols,
		       const char *const *headers, size_t n_rows,
		       const char *const *cells)
{
	size_t w[16] = { 0 };
	if (n_cols == 0 || n_cols > 16)
		return;
	for (size_t c = 0; c < n_cols; c++)
		w[c] = strlen(headers[c]);
	for (size_t r = 0; r < n_rows; r++)
		for (size_t c = 0; c < n_cols; c++)
			if (strlen(cells[r * n_cols + c]) > w[c])
				w[c] = strlen(cells[r * n_cols + c]);
	fprintf(f->out, "%s:\n", key);
	for (size_t r = 0; r <= n_rows; r++) {
		const char *const *row = r ? &cells[(r - 1) * n_cols] : headers;
		fputs("  ", f->out);
		for (size_t c = 0; c + 1 < n_cols; c++)
			fprintf(f->out, "%-*s  ", (int)w[c], row[c]);
		fprintf(f->out, "%s\n", row[n_cols - 1]);
	}
}

static void text_attach(struct cli_fmt *f, const char *key,
			struct json_object *o)
{
	json_object_put(o);
}

static int text_finish(struct cli_fmt *f)
{
	return ferror(f->out) ? -1 : 0;
}

static const struct cli_fmt_ops text_ops = {
	text_field, text_field_int, text_field_bool, text_table, text_attach,
	text_finish,
};

static void json_field(struct cli_fmt *f, const char *key, const char *value)
{
	json_object_object_add(f->root, key, json_object_new_string(value));
}

static void json_field_int(struct cli_fmt *f, const char *key, long long v)
{
	json_object_object_add(f->root, key, json_object_new_int64(v));
}

static void json_field_bool(struct cli_fmt *f, const char *key, bool v)
{
	json_object_object_add(f->root, key, json_object_new_boolean(v));
}

static void json_table(struct cli_fmt *f, const char *key, size_t n_cols,
		       const char *const *headers, size_t n_rows,
		       const char *const *cells)
{
	struct json_object *a = json_object_new_array();
	for (size_t r = 0; r < n_rows; r++) {
		struct json_object *o = json_object_new_object();
		for (size_t c = 0; c < n_cols; c++)
			json_object_object_add(o, headers[c],
				json_object_new_string(cells[r * n_cols + c]));
		json_object_array_add(a, o);
	}
	json_object_object_add(f->root, key, a);
}

static void json_attach(struct cli_fmt *f, const char *key,
			struct json_object *o)
{
	json_object_object_add(f->root, key, o);
}

static int json_finish(struct cli_fmt *f)
{
	struct json_object *all = f->diags ? diag_list_to_json(f->diags) : NULL;
	struct json_object *arr = NULL;
	if (all != NULL && json_object_object_get_ex(all, "diagnostics", &arr))
		json_object_object_add(f->root, "diagnostics",
				       json_object_get(arr));
	json_object_put(all);
	fprintf(f->out, "%s\n", json_object_to_json_string_ext(
		f->root, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED |
		JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(f->root);
	f->root = NULL;
	return ferror(f->out) ? -1 : 0;
}

static const struct cli_fmt_ops json_ops = {
	json_field, json_field_int, json_field_bool, json_table, json_attach,
	json_finish,
};

void cli_fmt_init(struct cli_fmt *f, FILE *out, bool json)
{
	f->out = out;
	f->ops = json ? &json_ops : &text_ops;
	f->root = json ? json_object_new_object() : NULL;
	f->diags = NULL;
}

void cli_fmt_diags(struct cli_fmt *f, const struct diag_list *d, FILE *err)
{
	if (f->root == NULL)
		diag_list_print(d, err);
	else
		f->diags = d;
}
