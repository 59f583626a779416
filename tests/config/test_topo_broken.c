/*
 * Golden diagnostics: every tests/config/broken/NAME.yaml is loaded (and
 * validated when it loads) under the display name "broken/NAME.yaml"; the
 * formatted diagnostics, one per line, must equal broken/NAME.expect
 * exactly. Each file must produce at least one error.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config/topology.h"

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (f == NULL)
		return NULL;
	char *buf = calloc(1, 1 << 20);
	size_t n = buf ? fread(buf, 1, (1 << 20) - 1, f) : 0;
	fclose(f);
	if (len != NULL)
		*len = n;
	return buf;
}

static char *render(const struct diag_list *d)
{
	size_t cap = 1 << 16, used = 0;
	char *out = calloc(1, cap);
	assert_non_null(out);
	for (size_t i = 0; i < d->n && used < cap; i++) {
		used += diag_format(&d->v[i], out + used, cap - used);
		if (used + 1 < cap)
			out[used++] = '\n';
	}
	return out;
}

static void check_file(const char *dir, const char *name)
{
	char path[1024], shown[512], expect_path[1024];
	if (snprintf(path, sizeof(path), "%s/%s", dir, name) >=
		    (int)sizeof(path) ||
	    snprintf(shown, sizeof(shown), "broken/%s", name) >=
		    (int)sizeof(shown) ||
	    snprintf(expect_path, sizeof(expect_path), "%s/%.*s.expect", dir,
		     (int)(strlen(name) - 5), name) >= (int)sizeof(expect_path))
		fail_msg("%s: path too long", name);
	size_t len = 0;
	char *text = slurp(path, &len);
	char *expect = slurp(expect_path, NULL);
	if (text == NULL || expect == NULL)
		fail_msg("%s: missing file or .expect", name);
	struct diag_list d;
	diag_list_init(&d);
	struct topology *t = topology_load_string(text, len, shown, &d);
	if (t != NULL)
		topology_validate(t, &d);
	char *got = render(&d);
	if (strcmp(got, expect) != 0)
		fail_msg("%s: diagnostics differ\n--- expected\n%s--- got\n%s",
			 name, expect, got);
	if (d.errors == 0)
		fail_msg("%s: no error reported", name);
	free(got);
	topology_free(t);
	diag_list_free(&d);
	free(text);
	free(expect);
}

static void test_broken_files(void **state)
{
	(void)state;
	const char *src = getenv("VGW_SOURCE_DIR");
	char dir[1024];
	snprintf(dir, sizeof(dir), "%s/tests/config/broken", src ? src : ".");
	DIR *dp = opendir(dir);
	assert_non_null(dp);
	size_t count = 0;
	struct dirent *e;
	while ((e = readdir(dp)) != NULL) {
		size_t n = strlen(e->d_name);
		if (n <= 5 || strcmp(e->d_name + n - 5, ".yaml") != 0)
			continue;
		check_file(dir, e->d_name);
		count++;
	}
	closedir(dp);
	assert_true(count >= 15);
}

/* The examples load and validate without errors. */
static void test_examples_valid(void **state)
{
	static const struct {
		const char *name;
		size_t warnings;
	} ex[] = {
		{ "aws-azure.yaml", 0 },
		{ "aws-azure-minimal.yaml", 0 },
		{ "azure-single-instance.yaml", 1 },
		{ "vgw-cgw-aws.yaml", 0 },
		{ "misconfigured-no-custom-bgp.yaml", 4 },
	};
	(void)state;
	const char *src = getenv("VGW_SOURCE_DIR");
	for (size_t i = 0; i < sizeof(ex) / sizeof(ex[0]); i++) {
		char path[1024];
		snprintf(path, sizeof(path), "%s/examples/%s", src ? src : ".",
			 ex[i].name);
		struct diag_list d;
		diag_list_init(&d);
		struct topology *t = topology_load_file(path, &d);
		assert_non_null(t);
		assert_true(topology_validate(t, &d));
		if (d.errors != 0 || d.warnings != ex[i].warnings) {
			diag_list_print(&d, stderr);
			fail_msg("%s: %zu errors, %zu warnings", ex[i].name,
				 d.errors, d.warnings);
		}
		topology_free(t);
		diag_list_free(&d);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_broken_files),
		cmocka_unit_test(test_examples_valid),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
