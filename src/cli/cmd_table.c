/*
 * The command table: every group's entries, in the order help lists them.
 * A new group (show, lab) adds its array here and its own cmd_*.c file.
 */
#include "cli/cli.h"

const struct cli_cmd *const cli_groups[] = {
	cli_cmds_validate,
	cli_cmds_plan,
	cli_cmds_config,
	cli_cmds_show,
	cli_cmds_ctl,
	cli_cmds_lab,
	NULL,
};
