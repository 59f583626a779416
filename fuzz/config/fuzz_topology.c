/*
 * libFuzzer harness: topology YAML from bytes -> load -> validate, plus
 * the text and JSON printers of the diagnostics, and the canonical printer
 * round trip: whatever loads must print, reload and print the same text.
 * Any crash, leak, sanitizer report or abort is a bug; diagnostics are the
 * expected outcome.
 */
#include <json-c/json.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config/topology.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char *print_str(const struct topology *t)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	if (f == NULL)
		abort();
	topology_print(f, t, 0);
	fclose(f);
	return buf;
}

/* print(load(print(t))) == print(t); the printed form always loads. */
static void round_trip(const struct topology *t)
{
	struct diag_list d;
	diag_list_init(&d);
	char *p1 = print_str(t);
	struct topology *b = topology_load_string(p1, strlen(p1), "p", &d);
	if (b == NULL)
		abort();
	char *p2 = print_str(b);
	if (strcmp(p1, p2) != 0)
		abort();
	free(p1);
	free(p2);
	topology_free(b);
	diag_list_free(&d);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct diag_list d;
	diag_list_init(&d);
	struct topology *t =
		topology_load_string((const char *)data, size, "fuzz.yaml", &d);
	if (t != NULL) {
		topology_validate(t, &d);
		round_trip(t);
	}
	for (size_t i = 0; i < d.n; i++) {
		char buf[256];
		diag_format(&d.v[i], buf, sizeof(buf));
	}
	struct json_object *j = diag_list_to_json(&d);
	json_object_put(j);
	topology_free(t);
	diag_list_free(&d);
	return 0;
}
