/*
 * vgwctl dispatcher and help: matches the longest keyword path of a table
 * entry against the command line, then hands the remaining arguments to
 * the entry's handler. Unknown commands and options exit CLI_USAGE with a
 * message that says what would have been valid.
 */
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"

#define CLI_VERSION "0.1.0"

/* Number of leading argv words equal to cmd->path's keywords, or 0. */
static int match_words(const char *path, int argc, char **argv)
{
	int n = 0;
	const char *p = path;
	while (*p) {
		size_t len = strcspn(p, " ");
		if (n >= argc || strlen(argv[n]) != len ||
		    strncmp(argv[n], p, len) != 0)
			return 0;
		n++;
		p += len;
		p += strspn(p, " ");
	}
	return n;
}

static const struct cli_cmd *find_cmd(int argc, char **argv, int *used)
{
	const struct cli_cmd *best = NULL;
	*used = 0;
	for (size_t g = 0; cli_groups[g]; g++)
		for (const struct cli_cmd *c = cli_groups[g]; c->path; c++) {
			int n = match_words(c->path, argc, argv);
			if (n > *used) {
				*used = n;
				best = c;
			}
		}
	return best;
}

/* True if word is the first keyword of some command ("config"). */
static bool is_group_word(const char *word)
{
	size_t len = strlen(word);
	for (size_t g = 0; cli_groups[g]; g++)
		for (const struct cli_cmd *c = cli_groups[g]; c->path; c++)
			if (strncmp(c->path, word, len) == 0 &&
			    c->path[len] == ' ')
				return true;
	return false;
}

static void list_cmds(FILE *f, const char *prefix)
{
	size_t plen = prefix ? strlen(prefix) : 0;
	for (size_t g = 0; cli_groups[g]; g++)
		for (const struct cli_cmd *c = cli_groups[g]; c->path; c++) {
			if (plen && (strncmp(c->path, prefix, plen) != 0 ||
				     c->path[plen] != ' '))
				continue;
			fprintf(f, "  %s %s\n      %s\n", c->path, c->args,
				c->summary);
		}
}

static void usage(struct cli_ctx *ctx, FILE *f)
{
	fprintf(f, "Usage: %s COMMAND [ARGS...]\n\n"
		"vgw operator tool: check and plan a topology (both clouds),\n"
		"check and print daemon configs, show a running vgwd's views,\n"
		"run a topology as a lab in network namespaces.\n\nCommands:\n", ctx->prog);
	list_cmds(f, NULL);
	fprintf(f, "  help [COMMAND]\n      show what a command does, its "
		"options and exit codes\n");
	fprintf(f, "\nExit codes: 0 success, 1 invalid input, 2 usage or "
		"I/O error.\nRun '%s help COMMAND' for details.\n", ctx->prog);
}

static void cmd_help(struct cli_ctx *ctx, const struct cli_cmd *c)
{
	fprintf(ctx->out, "Usage: %s %s %s\n\n%s\n\n%s\n", ctx->prog,
		c->path, c->args, c->summary, c->help);
}

static int help(struct cli_ctx *ctx, int argc, char **argv)
{
	if (argc == 0) {
		usage(ctx, ctx->out);
		return CLI_OK;
	}
	int used;
	const struct cli_cmd *c = find_cmd(argc, argv, &used);
	if (c != NULL && used == argc) {
		cmd_help(ctx, c);
		return CLI_OK;
	}
	if (argc == 1 && is_group_word(argv[0])) {
		fprintf(ctx->out, "'%s' commands:\n", argv[0]);
		list_cmds(ctx->out, argv[0]);
		return CLI_OK;
	}
	cli_error(ctx, "help: no command '%s'; run '%s help' for the list",
		  argv[0], ctx->prog);
	return CLI_USAGE;
}

static bool wants_help(int argc, char **argv)
{
	for (int i = 0; i < argc; i++) {
		if (strcmp(argv[i], "--") == 0)
			return false;
		if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0)
			return true;
	}
	return false;
}

static int unknown(struct cli_ctx *ctx, int argc, char **argv)
{
	if (is_group_word(argv[0])) {
		if (argc > 1)
			cli_error(ctx, "%s: unknown subcommand '%s'", argv[0],
				  argv[1]);
		else
			cli_error(ctx, "%s: missing subcommand", argv[0]);
		fprintf(ctx->err, "'%s' commands:\n", argv[0]);
		list_cmds(ctx->err, argv[0]);
		return CLI_USAGE;
	}
	cli_error(ctx, "unknown command '%s'; run '%s help' for the list",
		  argv[0], ctx->prog);
	return CLI_USAGE;
}

/*
 * "vgwctl --socket PATH show ..." (the daemon first, as with other tools'
 * -s): moves the option after the command, where the show handlers take
 * it. Returns the new argv (caller frees) or NULL if there is nothing to do.
 */
static char **hoist_socket(int *argc, char **argv)
{
	if (*argc < 4 || (strcmp(argv[1], "--socket") != 0 && strcmp(argv[1], "-s") != 0))
		return NULL;
	char **n = calloc((size_t)*argc + 1, sizeof(*n));
	if (n == NULL)
		return NULL;
	int k = 0;
	n[k++] = argv[0];
	for (int i = 3; i < *argc; i++)
		n[k++] = argv[i];
	n[k++] = "--socket";
	n[k++] = argv[2];
	n[k] = NULL;
	return n;
}

static int cli_dispatch(int argc, char **argv, FILE *out, FILE *err);

int cli_main(int argc, char **argv, FILE *out, FILE *err)
{
	char **hoisted = hoist_socket(&argc, argv);
	int rc = cli_dispatch(argc, hoisted ? hoisted : argv, out, err);
	free(hoisted);
	return rc;
}

static int cli_dispatch(int argc, char **argv, FILE *out, FILE *err)
{
	struct cli_ctx ctx = { out, err, "vgwctl" };
	if (argc < 2) {
		usage(&ctx, err);
		return CLI_USAGE;
	}
	const char *first = argv[1];
	if (strcmp(first, "help") == 0 || strcmp(first, "--help") == 0 ||
	    strcmp(first, "-h") == 0)
		return help(&ctx, argc - 2, argv + 2);
	if (strcmp(first, "--version") == 0) {
		fprintf(out, "vgwctl %s\n", CLI_VERSION);
		return CLI_OK;
	}
	int used;
	const struct cli_cmd *c = find_cmd(argc - 1, argv + 1, &used);
	if (c == NULL)
		return unknown(&ctx, argc - 1, argv + 1);
	int rest = argc - 1 - used;
	char **rargv = argv + 1 + used;
	if (wants_help(rest, rargv)) {
		cmd_help(&ctx, c);
		return CLI_OK;
	}
	return c->run(&ctx, c, rest, rargv);
}
