/*
 * Daemon config golden tests, driven by the files in tests/config/dconf:
 *   X.in        -> X.ok    canonical print (secrets redacted) byte for byte
 *   X.in                   print with secrets -> reload -> print: identical
 *   broken/Y.in -> Y.err   load fails with exactly these diagnostics
 * VGW_UPDATE_GOLDEN=1 rewrites the expected files instead of comparing.
 */
#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "config/dconf.h"
#include "config/diag.h"

static char dir[1024];

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (f == NULL)
		return NULL;
	char *buf = NULL;
	size_t n = 0;
	FILE *m = open_memstream(&buf, &n);
	int ch;
	while ((ch = fgetc(f)) != EOF)
		fputc(ch, m);
	fclose(f);
	fclose(m);
	if (len)
		*len = n;
	return buf;
}

static void spew(const char *path, const char *text)
{
	FILE *f = fopen(path, "wb");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static char *print_to_string(const struct dconf *c, unsigned flags)
{
	char *buf = NULL;
	size_t n = 0;
	FILE *m = open_memstream(&buf, &n);
	assert_int_equal(dconf_print(m, c, flags), 0);
	fclose(m);
	return buf;
}

static void expect_file(const char *path, const char *got)
{
	if (getenv("VGW_UPDATE_GOLDEN")) {
		spew(path, got);
		return;
	}
	char *want = slurp(path, NULL);
	if (want == NULL)
		fail_msg("missing expected file %s", path);
	if (strcmp(want, got) != 0) {
		print_error("--- %s (expected)\n%s\n--- got\n%s\n", path, want,
			    got);
		fail_msg("%s differs", path);
	}
	free(want);
}

/* Names of files in sub (relative to dir) ending in .in, sorted. */
static int list_inputs(const char *sub, char names[][128], int max)
{
	char path[1200];
	snprintf(path, sizeof(path), "%s/%s", dir, sub);
	struct dirent **ents;
	int n = scandir(path, &ents, NULL, alphasort);
	int k = 0;
	for (int i = 0; i < n; i++) {
		size_t l = strlen(ents[i]->d_name);
		if (l > 3 && strcmp(ents[i]->d_name + l - 3, ".in") == 0 &&
		    k < max)
			snprintf(names[k++], 128, "%.*s", (int)(l - 3),
				 ents[i]->d_name);
		free(ents[i]);
	}
	free(ents);
	return k;
}

static void test_golden(void **state)
{
	(void)state;
	char names[64][128];
	int n = list_inputs(".", names, 64);
	assert_true(n >= 4);
	assert_int_equal(chdir(dir), 0);
	for (int i = 0; i < n; i++) {
		char in[256], ok[256];
		snprintf(in, sizeof(in), "%.200s.in", names[i]);
		snprintf(ok, sizeof(ok), "%.200s.ok", names[i]);
		struct diag_list d;
		diag_list_init(&d);
		struct dconf *c = dconf_load_file(in, &d);
		if (c == NULL)
			diag_list_print(&d, stderr);
		assert_non_null(c);
		assert_int_equal(diag_error_count(&d), 0);
		char *got = print_to_string(c, 0);
		expect_file(ok, got);
		free(got);

		/* round trip with secrets */
		char *p1 = print_to_string(c, DCONF_PRINT_SECRETS);
		struct dconf *c2 = dconf_load_string(p1, strlen(p1), in, &d);
		if (c2 == NULL)
			diag_list_print(&d, stderr);
		assert_non_null(c2);
		char *p2 = print_to_string(c2, DCONF_PRINT_SECRETS);
		assert_string_equal(p1, p2);
		free(p1);
		free(p2);
		dconf_free(c2);
		dconf_free(c);
		diag_list_free(&d);
	}
}

static void test_broken(void **state)
{
	(void)state;
	char names[128][128];
	int n = list_inputs("broken", names, 128);
	assert_true(n >= 10);
	char bdir[1100];
	snprintf(bdir, sizeof(bdir), "%s/broken", dir);
	assert_int_equal(chdir(bdir), 0);
	for (int i = 0; i < n; i++) {
		char in[256], err[256];
		snprintf(in, sizeof(in), "%.200s.in", names[i]);
		snprintf(err, sizeof(err), "%.200s.err", names[i]);
		struct diag_list d;
		diag_list_init(&d);
		struct dconf *c = dconf_load_file(in, &d);
		print_message("broken %s\n", in);
		assert_null(c);
		assert_true(diag_error_count(&d) > 0);
		char *buf = NULL;
		size_t len = 0;
		FILE *m = open_memstream(&buf, &len);
		diag_list_print(&d, m);
		fclose(m);
		expect_file(err, buf);
		free(buf);
		diag_list_free(&d);
	}
}

int main(void)
{
	const char *src = getenv("VGW_SOURCE_DIR");
	snprintf(dir, sizeof(dir), "%s/tests/config/dconf", src ? src : ".");
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_golden),
		cmocka_unit_test(test_broken),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
