/* vgwctl plan: topology -> plan (text or JSON) -> daemon configs (--out). */
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "config/diag.h"
#include "config/topology.h"
#include "plan/plan.h"

static int write_configs(struct cli_ctx *ctx, const struct plan *p,
			 const char *dir)
{
	struct plan_gateways g;
	struct diag_list d;
	diag_list_init(&d);
	bool ok = plan_gateways_build(p, &g, &d);
	diag_list_print(&d, ctx->err);
	diag_list_free(&d);
	if (!ok)
		return CLI_INVALID;
	const char *failed = NULL;
	int r = plan_gateways_write(&g, dir, &failed);
	if (r != 0)
		cli_error(ctx, "plan: cannot write %s in %s: %s",
			  failed ? failed : "configs", dir, strerror(-r));
	for (size_t i = 0; r == 0 && i < g.n; i++)
		fprintf(ctx->err, "%s: wrote %s/%s (mode 0600, holds keys)\n",
			ctx->prog, dir, g.gw[i].file);
	plan_gateways_free(&g);
	return r == 0 ? CLI_OK : CLI_USAGE;
}

static int run_plan(struct cli_ctx *ctx, const struct cli_cmd *cmd, int argc,
		    char **argv)
{
	struct cli_opt opts[] = { { "--json", false, false, NULL },
				  { "--out", true, false, NULL },
				  { NULL, false, false, NULL } };
	const char *pos[1];
	if (!cli_parse_file_arg(ctx, cmd, argc, argv, opts, &pos[0]))
		return CLI_USAGE;
	struct diag_list d;
	diag_list_init(&d);
	struct topology *t = topology_load_file(pos[0], &d);
	struct plan *p = t ? plan_new() : NULL;
	bool ok = p != NULL && plan_build(t, p, &d);
	topology_free(t);
	diag_list_print(&d, ctx->err);
	diag_list_free(&d);
	int rc = ok ? CLI_OK : CLI_INVALID;
	if (ok && (opts[0].seen ? plan_print_json(ctx->out, p)
				: plan_print_text(ctx->out, p)) != 0)
		rc = CLI_USAGE;
	if (rc == CLI_OK && opts[1].seen)
		rc = write_configs(ctx, p, opts[1].value);
	plan_free(p);
	return rc;
}

const struct cli_cmd cli_cmds_plan[] = {
	{ "plan", "FILE [--json] [--out DIR]",
	  "plan what the topology leaves out and the per-gateway configs",
	  "Validates the topology, then fills in what it leaves out: tunnel\n"
	  "inside /30s and APIPA addresses (169.254.21.x / 169.254.22.x,\n"
	  "AWS first host, Azure second), tunnel outside IPs, and one Azure\n"
	  "local network gateway and connection per AWS tunnel, as in the\n"
	  "tutorial (docs/plan.md). Prints the tutorial's tables and what\n"
	  "each side creates; values the planner chose carry a '*'.\n\n"
	  "Options:\n"
	  "  --json      print the plan as JSON instead of text\n"
	  "  --out DIR   also write one daemon config per gateway instance\n"
	  "              (Azure instance 0 and 1, the AWS VGW, the on-prem\n"
	  "              vgw) into DIR, mode 0600: they hold the PSKs\n\n"
	  "Exit codes: 0 planned, 1 invalid topology or nothing plannable,\n"
	  "2 usage error, unreadable file or write error.",
	  run_plan },
	{ NULL, NULL, NULL, NULL, NULL },
};
