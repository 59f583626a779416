/* vgwctl lab ...: the topology as a local twin in network namespaces. */
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "lab/lab.h"

static void lab_opts_init(struct cli_ctx *ctx, struct lab_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->out = ctx->out;
	o->err = ctx->err;
	o->dir = getenv("VGW_LAB_DIR");
	o->vgwd = getenv("VGWD");
}

static int run_up(struct cli_ctx *ctx, const struct cli_cmd *cmd, int argc, char **argv)
{
	struct cli_opt opts[] = { { "--timeout", true, false, NULL },
				  { "--fast", false, false, NULL },
				  { "--no-traffic", false, false, NULL },
				  { NULL, false, false, NULL } };
	const char *pos[1] = { NULL };
	size_t n;
	if (!cli_parse_args(ctx, cmd, argc, argv, opts, pos, 0, 1, &n))
		return CLI_USAGE;
	if (n == 1 && !cli_check_readable(ctx, pos[0]))
		return CLI_USAGE;
	struct lab_opts o;
	lab_opts_init(ctx, &o);
	o.topology = n == 1 ? pos[0] : NULL;
	if (opts[0].seen) {
		char *end;
		long t = strtol(opts[0].value, &end, 10);
		if (*end != '\0' || t < 1 || t > 3600) {
			cli_error(ctx, "lab up: --timeout takes seconds, 1..3600");
			return CLI_USAGE;
		}
		o.timeout_s = (int)t;
	}
	o.fast = opts[1].seen;
	o.no_traffic = opts[2].seen;
	return lab_up(&o);
}

static int run_simple(struct cli_ctx *ctx, const struct cli_cmd *cmd, int argc, char **argv)
{
	struct cli_opt opts[] = { { "--json", false, false, NULL },
				  { NULL, false, false, NULL } };
	const char *pos[1];
	size_t n;
	if (!cli_parse_args(ctx, cmd, argc, argv, opts, pos, 0, 0, &n))
		return CLI_USAGE;
	struct lab_opts o;
	lab_opts_init(ctx, &o);
	o.json = opts[0].seen;
	if (strcmp(cmd->path, "lab down") == 0)
		return lab_down(&o);
	if (strcmp(cmd->path, "lab heal") == 0)
		return lab_heal(&o);
	if (strcmp(cmd->path, "lab check") == 0)
		return lab_check(&o);
	return lab_status(&o);
}

static int run_fail(struct cli_ctx *ctx, const struct cli_cmd *cmd, int argc, char **argv)
{
	struct cli_opt opts[] = { { NULL, false, false, NULL } };
	const char *pos[2];
	size_t n;
	if (!cli_parse_args(ctx, cmd, argc, argv, opts, pos, 2, 2, &n))
		return CLI_USAGE;
	char *end;
	long k = strtol(pos[1], &end, 10);
	if (*end != '\0' || (strcmp(pos[0], "tunnel") != 0 && strcmp(pos[0], "instance") != 0)) {
		cli_error(ctx, "lab fail: say 'tunnel N' (1..4) or 'instance N' (0 or 1)");
		return CLI_USAGE;
	}
	struct lab_opts o;
	lab_opts_init(ctx, &o);
	return lab_fail(&o, pos[0], (int)k);
}

static int run_gap(struct cli_ctx *ctx, const struct cli_cmd *cmd, int argc, char **argv)
{
	struct cli_opt opts[] = { { "--seconds", true, false, NULL },
				  { "--interval", true, false, NULL },
				  { "--json", false, false, NULL },
				  { NULL, false, false, NULL } };
	const char *pos[1];
	size_t n;
	if (!cli_parse_args(ctx, cmd, argc, argv, opts, pos, 0, 0, &n))
		return CLI_USAGE;
	double secs = opts[0].seen ? strtod(opts[0].value, NULL) : 10.0;
	double iv = opts[1].seen ? strtod(opts[1].value, NULL) : 0.01;
	if (secs <= 0 || secs > 600 || iv < 0.002 || iv > 1) {
		cli_error(ctx, "lab gap: --seconds 0..600, --interval 0.002..1");
		return CLI_USAGE;
	}
	struct lab_opts o;
	lab_opts_init(ctx, &o);
	long sent, lost, gap;
	int rc = lab_gap(&o, secs, iv, &sent, &lost, &gap);
	if (rc != 0)
		return rc;
	if (opts[2].seen)
		fprintf(ctx->out, "{\"sent\": %ld, \"lost\": %ld, \"max_gap_ms\": %ld}\n", sent,
			lost, gap);
	else
		fprintf(ctx->out, "VNet -> VPC: %ld sent, %ld lost, longest gap %ld ms\n", sent,
			lost, gap);
	return CLI_OK;
}

static int run_exec(struct cli_ctx *ctx, const struct cli_cmd *cmd, int argc, char **argv)
{
	(void)cmd;
	if (argc < 3 || strcmp(argv[1], "--") != 0) {
		cli_error(ctx, "lab exec: usage: lab exec NODE -- COMMAND [ARGS...]");
		return CLI_USAGE;
	}
	struct lab_opts o;
	lab_opts_init(ctx, &o);
	return lab_exec(&o, argv[0], argv + 2);
}

const struct cli_cmd cli_cmds_lab[] = {
	{ "lab up", "[TOPOLOGY] [--fast] [--timeout S] [--no-traffic]",
	  "run a topology (default: the seed's) in network namespaces",
	  "Plans the topology (default: the seed's AWS <-> Azure setup,\n"
	  "embedded), builds it in network namespaces (vgwlab-*): an internet\n"
	  "segment, one namespace per gateway instance running vgwd, the VNet\n"
	  "with a FrontEnd host, the VPC with a host. Waits until every tunnel\n"
	  "is connected and every BGP session established (showing progress,\n"
	  "and what is stuck and why on timeout), prints both clouds' views as\n"
	  "the seed's part 4 checks them, and proves traffic: ping and a TCP\n"
	  "transfer between the VNet and VPC hosts, both ways.\n"
	  "An earlier lab is removed first. Needs root.\n\n"
	  "Options:\n"
	  "  --fast        fast failure detection (DPD 1/3 s, BGP 1/3 s) instead\n"
	  "                of the clouds' default timers\n"
	  "  --timeout S   convergence wait (default 120)\n"
	  "  --no-traffic  skip the traffic proof\n"
	  "Environment: VGW_LAB_DIR (state, default /run/vgw-lab), VGWD (vgwd\n"
	  "binary, default next to vgwctl).\n\n"
	  "Exit codes: 0 up and passing traffic, 1 up but not converged or\n"
	  "traffic failed (the output says why), 2 set-up or usage error.",
	  run_up },
	{ "lab status", "[--json]", "show every lab daemon's views",
	  "Connections and BGP peers of each Azure instance, tunnel details of\n"
	  "the AWS side, and the routes of each; --json for all of it.\n\n"
	  "Exit codes: 0 shown, 2 no lab up.", run_simple },
	{ "lab check", "", "ping and TCP transfer between the VNet and VPC hosts",
	  "The traffic proof of 'lab up', on its own.\n\n"
	  "Exit codes: 0 traffic flows both ways, 1 it does not, 2 no lab up.", run_simple },
	{ "lab exec", "NODE -- COMMAND [ARGS...]", "run a command in a lab node",
	  "Nodes: internet, azure0, azure1, aws, vnet1, vpc1 (as the topology\n"
	  "names them). Example: vgwctl lab exec vnet1 -- ping 10.2.0.10\n\n"
	  "Exit codes: the command's, 2 no such node.", run_exec },
	{ "lab gap", "[--seconds S] [--interval I] [--json]",
	  "measure the traffic gap (failover) between VNet and VPC",
	  "Pings the VPC host from the VNet host every I seconds (default\n"
	  "0.01) for S seconds (default 10) and reports sent, lost and the\n"
	  "longest run of lost replies in ms: run it, fail something from\n"
	  "another shell, and read the gap.\n\n"
	  "Exit codes: 0 measured, 2 usage error or no lab up.", run_gap },
	{ "lab fail", "tunnel N | instance N", "cut an AWS tunnel or kill an Azure instance",
	  "tunnel N (1..4, AWS tunnels in plan order): black-holes both\n"
	  "directions of the tunnel's outside path; DPD and BGP must notice.\n"
	  "instance N (0 or 1): kills that Azure instance's vgwd and takes its\n"
	  "links down.\n\n"
	  "Exit codes: 0 done, 2 usage error or no lab up.", run_fail },
	{ "lab heal", "", "undo every failure, restart dead daemons",
	  "Restores every black-holed path and link and restarts any gateway\n"
	  "vgwd that is not running.\n\nExit codes: 0 done, 2 no lab up.", run_simple },
	{ "lab down", "", "remove every namespace, link and process of the lab",
	  "Stops the lab's daemons (cleanly, then by force) and deletes every\n"
	  "vgwlab-* namespace with what runs in it, also after a crash or a\n"
	  "half-built 'lab up'.\n\nExit codes: 0 done, 2 not root.", run_simple },
	{ NULL, NULL, NULL, NULL, NULL },
};
