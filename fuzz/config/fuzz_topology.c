/*
 * libFuzzer harness: topology YAML from bytes -> load -> validate, plus
 * the text and JSON printers of the diagnostics. Any crash, leak or
 * sanitizer report is a bug; diagnostics are the expected outcome.
 */
#include <json-c/json.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "config/topology.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct diag_list d;
	diag_list_init(&d);
	struct topology *t =
		topology_load_string((const char *)data, size, "fuzz.yaml", &d);
	if (t != NULL)
		topology_validate(t, &d);
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
