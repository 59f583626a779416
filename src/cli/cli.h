/*
 * vgwctl: the operator tool. main() is thin; everything lives in vgw_cli so
 * tests can run commands in-process.
 *
 * Commands are table entries (keyword path, arguments, help, handler). Each
 * command group has its own file (cmd_validate.c, cmd_plan.c,
 * cmd_config.c, ...) that exports a NULL-terminated array of entries;
 * cmd_table.c lists the arrays. Adding a group (the lead's `show`, `lab`)
 * means adding one file and one line in cmd_table.c.
 *
 * Exit codes are stable: CLI_OK 0, CLI_INVALID 1 (the input is invalid),
 * CLI_USAGE 2 (bad command line, unreadable file, I/O error).
 */
#ifndef VGW_CLI_CLI_H
#define VGW_CLI_CLI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

enum cli_exit {
	CLI_OK = 0,
	CLI_INVALID = 1,
	CLI_USAGE = 2,
};

struct cli_ctx {
	FILE *out;        /* results */
	FILE *err;        /* diagnostics and messages */
	const char *prog; /* "vgwctl" */
};

struct cli_cmd;
typedef int (*cli_handler)(struct cli_ctx *ctx, const struct cli_cmd *cmd,
			   int argc, char **argv);

struct cli_cmd {
	const char *path;    /* keywords: "validate", "config check" */
	const char *args;    /* usage after the keywords: "FILE [--json]" */
	const char *summary; /* one line for the command list */
	const char *help;    /* full help: what it does, options, exit codes */
	cli_handler run;     /* argv holds the arguments after the keywords */
};

/* Group tables (cmd_*.c), each terminated by an entry with path NULL. */
extern const struct cli_cmd cli_cmds_validate[];
extern const struct cli_cmd cli_cmds_plan[];
extern const struct cli_cmd cli_cmds_config[];
extern const struct cli_cmd cli_cmds_show[];
extern const struct cli_cmd cli_cmds_ctl[];
extern const struct cli_cmd cli_cmds_lab[];

/* Every group, in help order, terminated by NULL (cmd_table.c). */
extern const struct cli_cmd *const cli_groups[];

/* Runs one command line (argv[0] is the program). Returns the exit code. */
int cli_main(int argc, char **argv, FILE *out, FILE *err);

/* ---- helpers for command handlers (cli_args.c) ---- */

struct cli_opt {
	const char *name;  /* "--json" */
	bool has_value;    /* "--out DIR" or "--out=DIR" */
	bool seen;
	const char *value;
};

/*
 * Splits argv into options (from opts, NULL-name terminated) and
 * positionals; checks min_pos <= positionals <= max_pos. On a problem
 * prints a clear message naming the command and returns false (the caller
 * exits CLI_USAGE).
 */
bool cli_parse_args(struct cli_ctx *ctx, const struct cli_cmd *cmd,
		    int argc, char **argv, struct cli_opt *opts,
		    const char **pos, size_t min_pos, size_t max_pos,
		    size_t *n_pos);
/* The common "COMMAND [options] FILE" form: one positional argument that
 * must be a readable file. False (message printed) means exit CLI_USAGE. */
bool cli_parse_file_arg(struct cli_ctx *ctx, const struct cli_cmd *cmd,
			int argc, char **argv, struct cli_opt *opts,
			const char **file);
/* Prints "vgwctl: <msg>" to ctx->err. */
void cli_error(struct cli_ctx *ctx, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* False (with a message, exit CLI_USAGE) when path is not a readable file. */
bool cli_check_readable(struct cli_ctx *ctx, const char *path);

#endif
