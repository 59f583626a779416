/*
 * Planner harness (libFuzzer entry point; in ctest it replays
 * tests/plan/corpus and the other tests/plan inputs). Properties: a
 * topology that plans always yields gateway configs that finalize, print,
 * and load back (apart from key files a keyless plan asks for); text and
 * JSON output never fail.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config/topology.h"
#include "plan/plan.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Reload of a printed config: only a missing psk_file may fail it. */
static void check_reload(const struct dconf *c)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&buf, &len);
	if (m == NULL || dconf_print(m, c, DCONF_PRINT_SECRETS) != 0)
		abort();
	fclose(m);
	struct diag_list d;
	diag_list_init(&d);
	struct dconf *back = dconf_load_string(buf, len,
					       "/nonexistent-vgw/x.yaml", &d);
	for (size_t i = 0; back == NULL && i < d.n; i++)
		if (d.v[i].level == DIAG_ERROR &&
		    strcmp(d.v[i].rule, "dconf.psk_file") != 0)
			abort();
	dconf_free(back);
	diag_list_free(&d);
	free(buf);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct diag_list d;
	diag_list_init(&d);
	struct topology *t = topology_load_string((const char *)data, size,
						  "fuzz.yaml", &d);
	struct plan *p = t ? plan_new() : NULL;
	if (p != NULL && plan_build(t, p, &d)) {
		FILE *null = fopen("/dev/null", "w");
		if (null == NULL || plan_print_text(null, p) != 0 ||
		    plan_print_json(null, p) != 0)
			abort();
		fclose(null);
		struct plan_gateways g;
		if (!plan_gateways_build(p, &g, &d))
			abort(); /* a valid plan always has configs */
		for (size_t i = 0; i < g.n; i++)
			check_reload(g.gw[i].conf);
		plan_gateways_free(&g);
	}
	plan_free(p);
	topology_free(t);
	diag_list_free(&d);
	return 0;
}
