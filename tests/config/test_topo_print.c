/*
 * Canonical printer: for every example, print -> reload -> print gives the
 * same text, the reloaded model validates with the same counts, and the
 * redacted form carries no key.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config/topology.h"

static char *print_str(const struct topology *t, unsigned flags)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	assert_non_null(f);
	assert_true(topology_print(f, t, flags));
	fclose(f);
	return buf;
}

static void round_trip(const char *name)
{
	const char *src = getenv("VGW_SOURCE_DIR");
	char path[1024];
	snprintf(path, sizeof(path), "%s/examples/%s", src ? src : ".", name);
	struct diag_list d1, d2;
	diag_list_init(&d1);
	diag_list_init(&d2);
	struct topology *a = topology_load_file(path, &d1);
	assert_non_null(a);
	topology_validate(a, &d1);
	char *p1 = print_str(a, 0);
	struct topology *b = topology_load_string(p1, strlen(p1), "printed", &d2);
	if (b == NULL) {
		diag_list_print(&d2, stderr);
		fail_msg("%s: printed form does not load:\n%s", name, p1);
	}
	topology_validate(b, &d2);
	char *p2 = print_str(b, 0);
	if (strcmp(p1, p2) != 0)
		fail_msg("%s: print is not stable\n%s\n---\n%s", name, p1, p2);
	assert_int_equal(d1.errors, d2.errors);
	assert_int_equal(d1.warnings, d2.warnings);
	assert_memory_equal(&a->aws.vpns[0].tunnels[0].options.phase1_encryption,
			    &b->aws.vpns[0].tunnels[0].options.phase1_encryption,
			    sizeof(topo_algset));
	char *r = print_str(a, TOPO_PRINT_REDACT);
	assert_null(strstr(r, "psk_"));
	assert_non_null(strstr(r, "<redacted>"));
	free(r);
	free(p1);
	free(p2);
	topology_free(a);
	topology_free(b);
	diag_list_free(&d1);
	diag_list_free(&d2);
}

static void test_round_trip(void **state)
{
	static const char *const names[] = {
		"aws-azure.yaml", "aws-azure-minimal.yaml",
		"azure-single-instance.yaml", "vgw-cgw-aws.yaml",
		"misconfigured-no-custom-bgp.yaml",
	};
	(void)state;
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		round_trip(names[i]);
}

/* Strings YAML would misread are quoted and survive the round trip. */
static void test_quoting(void **state)
{
	(void)state;
	struct diag_list d;
	diag_list_init(&d);
	const char *src = getenv("VGW_SOURCE_DIR");
	char path[1024];
	snprintf(path, sizeof(path), "%s/examples/aws-azure.yaml", src ? src : ".");
	struct topology *a = topology_load_file(path, &d);
	assert_non_null(a);
	snprintf(a->azure.conns[0].shared_key, TOPO_PSK_MAX, "a: #\"b\\c");
	snprintf(a->azure.location, TOPO_NAME_MAX, "true");
	snprintf(a->description, sizeof(a->description),
		 "- x\xe2\x80\xa8y\xc2\x85z\xf0\x9f\x98\x80\t");
	char *p = print_str(a, 0);
	struct topology *b = topology_load_string(p, strlen(p), "q", &d);
	assert_non_null(b);
	assert_string_equal(b->azure.conns[0].shared_key, "a: #\"b\\c");
	assert_string_equal(b->azure.location, "true");
	assert_string_equal(b->description,
			    "- x\xe2\x80\xa8y\xc2\x85z\xf0\x9f\x98\x80\t");
	free(p);
	topology_free(a);
	topology_free(b);
	diag_list_free(&d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_quoting),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
