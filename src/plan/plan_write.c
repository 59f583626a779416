/* plan --out: every gateway config into one directory, files mode 0600. */
#include <errno.h>
#include <stdio.h>
#include <sys/stat.h>

#include "plan/plan.h"

int plan_gateways_write(const struct plan_gateways *g, const char *dir,
			const char **failed)
{
	*failed = dir;
	if (mkdir(dir, 0700) != 0 && errno != EEXIST)
		return -errno;
	for (size_t i = 0; i < g->n; i++) {
		char path[DCONF_PATH_MAX];
		*failed = g->gw[i].file;
		if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir,
				     g->gw[i].file) >= sizeof(path))
			return -ENAMETOOLONG;
		int r = dconf_write_file(path, g->gw[i].conf);
		if (r != 0)
			return r;
	}
	*failed = NULL;
	return 0;
}
