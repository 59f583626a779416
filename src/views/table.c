#include <stdlib.h>
#include <string.h>

#include "views/views.h"

void views_table_init(struct views_table *t, size_t n_cols, const char *const *headers,
		      const size_t *max_width)
{
	memset(t, 0, sizeof(*t));
	t->n_cols = n_cols > VIEWS_MAX_COLS ? VIEWS_MAX_COLS : n_cols;
	for (size_t c = 0; c < t->n_cols; c++) {
		t->headers[c] = headers[c];
		t->width[c] = strlen(headers[c]);
		t->max_width[c] = max_width ? max_width[c] : 0;
	}
}

static char *cut(const char *s, size_t max)
{
	size_t n = strlen(s);
	if (max && n > max)
		n = max;
	char *r = malloc(n + 1);
	if (r == NULL)
		return NULL;
	memcpy(r, s, n);
	r[n] = '\0';
	if (max && strlen(s) > max && n >= 1)
		r[n - 1] = '~'; /* mark a cut cell */
	return r;
}

void views_table_row(struct views_table *t, const char *const *cells)
{
	if (t->n_rows == t->cap_rows) {
		size_t cap = t->cap_rows ? t->cap_rows * 2 : 16;
		char **n = realloc(t->cells, cap * t->n_cols * sizeof(*n));
		if (n == NULL)
			return;
		t->cells = n;
		t->cap_rows = cap;
	}
	for (size_t c = 0; c < t->n_cols; c++) {
		char *s = cut(cells[c] ? cells[c] : "", t->max_width[c]);
		t->cells[t->n_rows * t->n_cols + c] = s;
		size_t w = s ? strlen(s) : 0;
		if (w > t->width[c])
			t->width[c] = w;
	}
	t->n_rows++;
}

static void print_row(FILE *out, const struct views_table *t, const char *const *cells)
{
	for (size_t c = 0; c < t->n_cols; c++) {
		const char *s = cells[c] ? cells[c] : "";
		if (c + 1 == t->n_cols)
			fprintf(out, "%s\n", s);
		else
			fprintf(out, "%-*s  ", (int)t->width[c], s);
	}
}

void views_table_print(FILE *out, const struct views_table *t)
{
	print_row(out, t, t->headers);
	for (size_t r = 0; r < t->n_rows; r++)
		print_row(out, t, (const char *const *)&t->cells[r * t->n_cols]);
}

void views_table_free(struct views_table *t)
{
	for (size_t i = 0; i < t->n_rows * t->n_cols; i++)
		free(t->cells[i]);
	free(t->cells);
	memset(t, 0, sizeof(*t));
}
