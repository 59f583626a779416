/*
 * Daemon config loader fuzzer. Any input must load or fail cleanly; a
 * config that loads must print, reload and print identically (the
 * canonical printer's round-trip property).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config/dconf.h"
#include "config/diag.h"

static char *print(const struct dconf *c)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&buf, &len);
	if (m == NULL)
		abort();
	dconf_print(m, c, DCONF_PRINT_SECRETS);
	fclose(m);
	return buf;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct diag_list d;
	diag_list_init(&d);
	/* A directory that does not exist: relative psk_file never opens. */
	const char *name = "/nonexistent-vgw-fuzz/fuzz.yaml";
	struct dconf *c = dconf_load_string((const char *)data, size, name, &d);
	if (c != NULL) {
		char *p1 = print(c);
		struct dconf *c2 = dconf_load_string(p1, strlen(p1), name, &d);
		if (c2 == NULL)
			abort(); /* the canonical print must load */
		char *p2 = print(c2);
		if (strcmp(p1, p2) != 0)
			abort(); /* and print identically */
		free(p1);
		free(p2);
		dconf_free(c2);
		dconf_free(c);
	}
	diag_list_free(&d);
	return 0;
}
