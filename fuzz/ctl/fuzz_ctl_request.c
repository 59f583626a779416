/* Fuzzes one control-socket request line through parsing and dispatch. */
#include <stdint.h>
#include <stdlib.h>
#include <json-c/json.h>

#include "ctl/ctl.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static bool h_ok(void *arg, struct json_object *args, struct json_object **out,
		 char *err, size_t errlen)
{
	(void)arg;
	(void)err;
	(void)errlen;
	*out = args ? json_object_get(args) : NULL;
	return true;
}

static const struct ctl_command cmds[] = {
	{ "show tunnels", true, "", h_ok },
	{ "reload", false, "", h_ok },
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > 70000)
		return 0;
	for (int ro = 0; ro < 2; ro++) {
		char *resp = ctl_handle_line(cmds, 2, NULL, ro, (const char *)data, size);
		free(resp);
	}
	return 0;
}
