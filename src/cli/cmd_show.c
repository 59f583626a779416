/*
 * vgwctl show ...: the views of a running vgwd, over its control socket
 * (docs/control-protocol.md), as tables like the clouds' portals or JSON.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <json-c/json.h>

#include "cli/cli.h"
#include "ctl/client.h"
#include "lab/lab.h"
#include "views/views.h"

#define SHOW_TIMEOUT_MS 5000

/*
 * Which daemon: --socket PATH, --node NAME (a lab node), $VGW_SOCKET, or the
 * only socket in /run/vgw. Writes the path into buf; false with a message.
 */
static bool pick_socket(struct cli_ctx *ctx, const char *sock, const char *node,
			char *buf, size_t size)
{
	if (sock != NULL) {
		snprintf(buf, size, "%s", sock);
		return true;
	}
	if (node != NULL) {
		snprintf(buf, size, "%s/%s.sock", LAB_DEFAULT_DIR, node);
		return true;
	}
	const char *env = getenv("VGW_SOCKET");
	if (env != NULL && env[0] != '\0') {
		snprintf(buf, size, "%s", env);
		return true;
	}
	DIR *d = opendir("/run/vgw");
	int found = 0;
	struct dirent *e;
	while (d != NULL && (e = readdir(d)) != NULL) {
		size_t n = strlen(e->d_name);
		if (n > 5 && strcmp(e->d_name + n - 5, ".sock") == 0) {
			if (found++ == 0)
				snprintf(buf, size, "/run/vgw/%s", e->d_name);
		}
	}
	if (d != NULL)
		closedir(d);
	if (found == 1)
		return true;
	cli_error(ctx, found ? "several daemons in /run/vgw: say which with --socket PATH"
			     : "no vgwd control socket in /run/vgw: say which with --socket PATH "
			       "(or --node NAME for a lab node)");
	return false;
}

struct show_view {
	const char *word;    /* "connections" */
	const char *command; /* control protocol command */
	void (*render)(FILE *, struct json_object *);
};

static const struct show_view views[] = {
	{ "connections", "show connections", views_print_connections },
	{ "bgp", "show bgp", views_print_bgp },
	{ "tunnels", "show tunnels", views_print_tunnels },
	{ "routes", "show routes", views_print_routes },
	{ "status", "show status", views_print_status },
};

static const struct show_view *view_of(const struct cli_cmd *cmd)
{
	const char *word = cmd->path + strlen("show ");
	for (size_t i = 0; i < sizeof(views) / sizeof(views[0]); i++)
		if (strcmp(views[i].word, word) == 0)
			return &views[i];
	return NULL;
}

static int run_show(struct cli_ctx *ctx, const struct cli_cmd *cmd, int argc, char **argv)
{
	struct cli_opt opts[] = { { "--json", false, false, NULL },
				  { "--socket", true, false, NULL },
				  { "--node", true, false, NULL },
				  { "--prefix", true, false, NULL },
				  { NULL, false, false, NULL } };
	const char *pos[1];
	size_t n;
	char path[256], err[512];
	if (!cli_parse_args(ctx, cmd, argc, argv, opts, pos, 0, 0, &n) ||
	    !pick_socket(ctx, opts[1].value, opts[2].value, path, sizeof(path)))
		return CLI_USAGE;
	const struct show_view *v = view_of(cmd);
	struct json_object *args = NULL, *data = NULL;
	if (opts[3].seen) {
		args = json_object_new_object();
		json_object_object_add(args, "prefix", json_object_new_string(opts[3].value));
	}
	int rc = ctl_client_call(path, v->command, args, SHOW_TIMEOUT_MS, &data, err, sizeof(err));
	json_object_put(args);
	if (rc < 0) {
		cli_error(ctx, "%s", err);
		/* Could not reach the daemon: usage/I-O; the daemon said no: 1. */
		return strncmp(err, "cannot connect", 14) == 0 || strncmp(err, "no answer", 9) == 0
			       ? CLI_USAGE : CLI_INVALID;
	}
	if (opts[0].seen)
		fprintf(ctx->out, "%s\n", json_object_to_json_string_ext(data, JSON_C_TO_STRING_PRETTY));
	else
		v->render(ctx->out, data);
	json_object_put(data);
	return CLI_OK;
}

#define SHOW_OPTS                                                              \
	"Options:\n"                                                           \
	"  --socket PATH  the daemon's control socket (PATH.ro is enough for\n" \
	"                 show); default $VGW_SOCKET, else the only socket in\n" \
	"                 /run/vgw\n"                                           \
	"  --node NAME    a lab node's daemon (/run/vgw-lab/NAME.sock)\n"      \
	"  --json         the daemon's data as JSON (stable field names)\n\n"  \
	"Exit codes: 0 shown, 1 the daemon refused (e.g. no BGP configured),\n" \
	"2 usage error or daemon not reachable."

const struct cli_cmd cli_cmds_show[] = {
	{ "show connections", "[--socket PATH|--node NAME] [--json]",
	  "tunnels as Azure's Connections page",
	  "One row per tunnel: name, status (Connected, Connecting,\n"
	  "NotConnected), ingress and egress bytes, uptime.\n\n" SHOW_OPTS, run_show },
	{ "show bgp", "[--socket PATH|--node NAME] [--json]",
	  "BGP peers as Azure's BGP peers page",
	  "One row per peer: address, ASN, status (Connected when\n"
	  "Established), connected duration, routes received, messages sent\n"
	  "and received; the last error of each peer that is not up.\n\n" SHOW_OPTS, run_show },
	{ "show tunnels", "[--socket PATH|--node NAME] [--json]",
	  "tunnels as AWS's Tunnel details",
	  "One row per tunnel: outside IP, inside CIDR, status UP/DOWN (a BGP\n"
	  "tunnel is UP when IPsec and BGP both are), time since the last\n"
	  "change, details (\"2 BGP ROUTES\", or why it is down). --json adds\n"
	  "IKE SAs and dataplane counters (drops per reason).\n\n" SHOW_OPTS, run_show },
	{ "show routes", "[--socket PATH|--node NAME] [--prefix P] [--json]",
	  "learned routes with next hops (ECMP) and FIB counters",
	  "The Loc-RIB: per prefix the best path and every equal-cost path\n"
	  "used with it, the AS path, and FIB install counters.\n"
	  "  --prefix P     only this prefix\n\n" SHOW_OPTS, run_show },
	{ "show status", "[--socket PATH|--node NAME] [--json]",
	  "daemon summary",
	  "Name, role, uptime, outside address and counts.\n\n" SHOW_OPTS, run_show },
	{ NULL, NULL, NULL, NULL, NULL },
};
