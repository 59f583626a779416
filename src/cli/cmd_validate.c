/* vgwctl validate: load a topology and check every rule of both clouds. */
#include <stdlib.h>

#include "cli/cli.h"
#include "cli/cli_fmt.h"
#include "config/diag.h"
#include "config/topology.h"

static int run_validate(struct cli_ctx *ctx, const struct cli_cmd *cmd,
			int argc, char **argv)
{
	struct cli_opt opts[] = { { "--json", false, false, NULL },
				  { NULL, false, false, NULL } };
	const char *pos[1];
	if (!cli_parse_file_arg(ctx, cmd, argc, argv, opts, &pos[0]))
		return CLI_USAGE;
	struct diag_list d;
	diag_list_init(&d);
	struct topology *t = topology_load_file(pos[0], &d);
	bool ok = t != NULL && topology_validate(t, &d);
	topology_free(t);
	struct cli_fmt f;
	cli_fmt_init(&f, ctx->out, opts[0].seen);
	cli_fmt_diags(&f, &d, ctx->err);
	f.ops->field(&f, "file", pos[0]);
	f.ops->field_bool(&f, "valid", ok);
	f.ops->field_int(&f, "errors", (long long)d.errors);
	f.ops->field_int(&f, "warnings", (long long)d.warnings);
	int w = f.ops->finish(&f);
	diag_list_free(&d);
	if (w != 0)
		return CLI_USAGE;
	return ok ? CLI_OK : CLI_INVALID;
}

const struct cli_cmd cli_cmds_validate[] = {
	{ "validate", "FILE [--json]",
	  "check a topology file against the rules of both clouds",
	  "Loads the topology YAML (docs/topology.md) and checks every rule\n"
	  "of Azure and AWS together: addressing, APIPA ranges, ASNs,\n"
	  "active-active wiring, connections, initiation, keys, algorithms.\n"
	  "Diagnostics go to stderr as FILE:LINE:COL: error: path: message\n"
	  "(hint: ...); a summary goes to stdout.\n\n"
	  "Options:\n"
	  "  --json   print the summary and every diagnostic as one JSON\n"
	  "           object on stdout (nothing on stderr)\n\n"
	  "Exit codes: 0 valid (warnings allowed), 1 invalid,\n"
	  "2 usage error or unreadable file.",
	  run_validate },
	{ NULL, NULL, NULL, NULL, NULL },
};
