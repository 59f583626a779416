/* vgwctl config check / print: daemon config files (docs/daemon-config.md). */
#include <stdlib.h>

#include "cli/cli.h"
#include "cli/cli_fmt.h"
#include "config/dconf.h"
#include "config/diag.h"

static int run_check(struct cli_ctx *ctx, const struct cli_cmd *cmd,
		     int argc, char **argv)
{
	struct cli_opt opts[] = { { "--json", false, false, NULL },
				  { NULL, false, false, NULL } };
	const char *pos[1];
	if (!cli_parse_file_arg(ctx, cmd, argc, argv, opts, &pos[0]))
		return CLI_USAGE;
	struct diag_list d;
	diag_list_init(&d);
	struct dconf *c = dconf_load_file(pos[0], &d);
	struct cli_fmt f;
	cli_fmt_init(&f, ctx->out, opts[0].seen);
	cli_fmt_diags(&f, &d, ctx->err);
	f.ops->field(&f, "file", pos[0]);
	f.ops->field_bool(&f, "valid", c != NULL);
	f.ops->field_int(&f, "errors", (long long)d.errors);
	f.ops->field_int(&f, "warnings", (long long)d.warnings);
	if (c != NULL) {
		f.ops->field(&f, "name", c->name);
		f.ops->field(&f, "role", dconf_role_name(c->role));
		f.ops->field_int(&f, "tunnels", (long long)c->n_tunnels);
		f.ops->field_int(&f, "bgp_neighbors",
				 (long long)c->bgp.n_neighbors);
	}
	int w = f.ops->finish(&f);
	int rc = w != 0 ? CLI_USAGE : c != NULL ? CLI_OK : CLI_INVALID;
	dconf_free(c);
	diag_list_free(&d);
	return rc;
}

static int run_print(struct cli_ctx *ctx, const struct cli_cmd *cmd,
		     int argc, char **argv)
{
	struct cli_opt opts[] = { { "--show-secrets", false, false, NULL },
				  { NULL, false, false, NULL } };
	const char *pos[1];
	if (!cli_parse_file_arg(ctx, cmd, argc, argv, opts, &pos[0]))
		return CLI_USAGE;
	struct diag_list d;
	diag_list_init(&d);
	struct dconf *c = dconf_load_file(pos[0], &d);
	diag_list_print(&d, ctx->err);
	diag_list_free(&d);
	if (c == NULL)
		return CLI_INVALID;
	int r = dconf_print(ctx->out, c, opts[0].seen ? DCONF_PRINT_SECRETS
						      : 0);
	dconf_free(c);
	return r == 0 ? CLI_OK : CLI_USAGE;
}

const struct cli_cmd cli_cmds_config[] = {
	{ "config check", "FILE [--json]",
	  "load and validate a daemon config (what vgwd --check does)",
	  "Loads a daemon config (docs/daemon-config.md) exactly as vgwd\n"
	  "would: role defaults, derived fields, every check. Diagnostics go\n"
	  "to stderr, a summary (name, role, tunnels, neighbors) to stdout.\n\n"
	  "Options:\n"
	  "  --json   summary and diagnostics as one JSON object on stdout\n\n"
	  "Exit codes: 0 valid (warnings allowed), 1 invalid,\n"
	  "2 usage error or unreadable file.",
	  run_check },
	{ "config print", "FILE [--show-secrets]",
	  "print a daemon config in canonical form, defaults made explicit",
	  "Loads the config and prints every field in canonical order with\n"
	  "its effective value (role defaults and derived values written\n"
	  "out). The output loads back to the same config.\n\n"
	  "Options:\n"
	  "  --show-secrets   print inline pre-shared keys; without it they\n"
	  "                   print as \"<redacted>\", which vgwd refuses\n"
	  "                   (keys read from psk_file print as that path)\n\n"
	  "Exit codes: 0 printed, 1 invalid config, 2 usage or I/O error.",
	  run_print },
	{ NULL, NULL, NULL, NULL, NULL },
};
