/*
 * vgwctl operations on a running vgwd: reload, tunnel down/up, BGP session
 * refresh/shutdown/enable/clear, over the read-write control socket.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <json-c/json.h>

#include "cli/cli.h"
#include "ctl/client.h"
#include "lab/lab.h"

static bool ctl_socket(struct cli_ctx *ctx, const struct cli_opt *sock, const struct cli_opt *node,
		       char *buf, size_t size)
{
	if (sock->seen)
		snprintf(buf, size, "%s", sock->value);
	else if (node->seen)
		snprintf(buf, size, "%s/%s.sock", LAB_DEFAULT_DIR, node->value);
	else if (getenv("VGW_SOCKET") && getenv("VGW_SOCKET")[0])
		snprintf(buf, size, "%s", getenv("VGW_SOCKET"));
	else {
		cli_error(ctx, "say which daemon: --socket PATH (or --node NAME for a lab node, or $VGW_SOCKET)");
		return false;
	}
	return true;
}

static int run_op(struct cli_ctx *ctx, const struct cli_cmd *cmd, int argc, char **argv)
{
	struct cli_opt opts[] = { { "--socket", true, false, NULL },
				  { "--node", true, false, NULL },
				  { "--message", true, false, NULL },
				  { NULL, false, false, NULL } };
	bool named = strcmp(cmd->path, "reload") != 0;
	const char *pos[1];
	size_t n;
	char path[256], err[512];
	if (!cli_parse_args(ctx, cmd, argc, argv, opts, pos, named ? 1 : 0, named ? 1 : 0, &n) ||
	    !ctl_socket(ctx, &opts[0], &opts[1], path, sizeof(path)))
		return CLI_USAGE;
	struct json_object *args = json_object_new_object(), *data = NULL;
	if (named)
		json_object_object_add(args, strncmp(cmd->path, "bgp", 3) == 0 ? "peer" : "name",
				       json_object_new_string(pos[0]));
	if (opts[2].seen)
		json_object_object_add(args, "message", json_object_new_string(opts[2].value));
	int rc = ctl_client_call(path, cmd->path, args, 5000, &data, err, sizeof(err));
	json_object_put(args);
	json_object_put(data);
	if (rc < 0) {
		cli_error(ctx, "%s", err);
		return strncmp(err, "cannot connect", 14) == 0 || strncmp(err, "no answer", 9) == 0
			       ? CLI_USAGE : CLI_INVALID;
	}
	fprintf(ctx->out, "%s%s%s: done\n", cmd->path, named ? " " : "", named ? pos[0] : "");
	return CLI_OK;
}

#define CTL_OPTS                                                               \
	"Options:\n"                                                           \
	"  --socket PATH  the daemon's read-write control socket\n"            \
	"  --node NAME    a lab node's daemon (/run/vgw-lab/NAME.sock)\n\n"    \
	"Exit codes: 0 done, 1 the daemon refused (the message says why),\n"   \
	"2 usage error or daemon not reachable."

const struct cli_cmd cli_cmds_ctl[] = {
	{ "reload", "[--socket PATH|--node NAME]", "make vgwd re-read its config",
	  "Like SIGHUP: vgwd loads its config file again and applies the\n"
	  "differences; unchanged tunnels and BGP sessions stay up. A config\n"
	  "with errors is refused and the running one kept.\n\n" CTL_OPTS, run_op },
	{ "tunnel down", "NAME [--socket PATH|--node NAME]", "take a tunnel administratively down",
	  "Deletes the tunnel's IKE SA (the peer is told), shuts the BGP session\n"
	  "over it and withdraws its routes; the tunnel stays down until\n"
	  "'tunnel up'.\n\n" CTL_OPTS, run_op },
	{ "tunnel up", "NAME [--socket PATH|--node NAME]", "bring a tunnel back up",
	  "Undoes 'tunnel down': the tunnel negotiates again as configured.\n\n" CTL_OPTS, run_op },
	{ "bgp refresh", "NEIGHBOR [--socket PATH|--node NAME]", "ask a neighbor to resend its routes",
	  "Sends ROUTE-REFRESH (RFC 2918) for every negotiated address family.\n\n" CTL_OPTS, run_op },
	{ "bgp shutdown", "NEIGHBOR [--message TEXT] [...]", "administratively shut a BGP session",
	  "Sends Cease/Administrative Shutdown with the RFC 8203 message and\n"
	  "keeps the session down until 'bgp enable'.\n"
	  "  --message TEXT  the shutdown communication (up to 255 bytes)\n\n" CTL_OPTS, run_op },
	{ "bgp enable", "NEIGHBOR [--socket PATH|--node NAME]", "re-enable a shut BGP session",
	  "Undoes 'bgp shutdown'.\n\n" CTL_OPTS, run_op },
	{ "bgp clear", "NEIGHBOR [--socket PATH|--node NAME]", "reset a BGP session",
	  "Sends Cease/Administrative Reset and starts the session again.\n\n" CTL_OPTS, run_op },
	{ NULL, NULL, NULL, NULL, NULL },
};
