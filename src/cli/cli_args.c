/* Argument helpers shared by the command handlers. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "cli/cli.h"

void cli_error(struct cli_ctx *ctx, const char *fmt, ...)
{
	va_list ap;
	fprintf(ctx->err, "%s: ", ctx->prog);
	va_start(ap, fmt);
	vfprintf(ctx->err, fmt, ap);
	va_end(ap);
	fputc('\n', ctx->err);
}

static struct cli_opt *find_opt(struct cli_opt *opts, const char *arg,
				size_t len)
{
	for (size_t i = 0; opts && opts[i].name; i++)
		if (strlen(opts[i].name) == len &&
		    strncmp(opts[i].name, arg, len) == 0)
			return &opts[i];
	return NULL;
}

/* One "--name", "--name=value" or "--name value"; advances *i. */
static bool take_opt(struct cli_ctx *ctx, const struct cli_cmd *cmd, int argc,
		     char **argv, int *i, struct cli_opt *opts)
{
	const char *arg = argv[*i];
	const char *eq = strchr(arg, '=');
	size_t len = eq ? (size_t)(eq - arg) : strlen(arg);
	struct cli_opt *o = find_opt(opts, arg, len);
	if (o == NULL) {
		cli_error(ctx, "%s: unknown option '%.*s' (see '%s help %s')",
			  cmd->path, (int)len, arg, ctx->prog, cmd->path);
		return false;
	}
	if (!o->has_value && eq) {
		cli_error(ctx, "%s: option %s takes no value", cmd->path,
			  o->name);
		return false;
	}
	if (o->has_value && !eq && *i + 1 >= argc) {
		cli_error(ctx, "%s: option %s needs a value", cmd->path,
			  o->name);
		return false;
	}
	o->seen = true;
	if (o->has_value)
		o->value = eq ? eq + 1 : argv[++*i];
	return true;
}

bool cli_parse_args(struct cli_ctx *ctx, const struct cli_cmd *cmd,
		    int argc, char **argv, struct cli_opt *opts,
		    const char **pos, size_t min_pos, size_t max_pos,
		    size_t *n_pos)
{
	bool only_pos = false;
	*n_pos = 0;
	for (int i = 0; i < argc; i++) {
		if (!only_pos && strcmp(argv[i], "--") == 0) {
			only_pos = true;
		} else if (!only_pos && argv[i][0] == '-' && argv[i][1] != '\0') {
			if (!take_opt(ctx, cmd, argc, argv, &i, opts))
				return false;
		} else if (*n_pos >= max_pos) {
			cli_error(ctx, "%s: unexpected argument '%s' (usage: "
				  "%s %s %s)", cmd->path, argv[i], ctx->prog,
				  cmd->path, cmd->args);
			return false;
		} else {
			pos[(*n_pos)++] = argv[i];
		}
	}
	if (*n_pos < min_pos) {
		cli_error(ctx, "%s: missing argument (usage: %s %s %s)",
			  cmd->path, ctx->prog, cmd->path, cmd->args);
		return false;
	}
	return true;
}

bool cli_check_readable(struct cli_ctx *ctx, const char *path)
{
	struct stat st;
	FILE *f = fopen(path, "r");
	if (f == NULL) {
		cli_error(ctx, "cannot open '%s': %s", path, strerror(errno));
		return false;
	}
	bool ok = fstat(fileno(f), &st) == 0 && S_ISREG(st.st_mode);
	fclose(f);
	if (!ok)
		cli_error(ctx, "'%s' is not a regular file", path);
	return ok;
}

bool cli_parse_file_arg(struct cli_ctx *ctx, const struct cli_cmd *cmd,
			int argc, char **argv, struct cli_opt *opts,
			const char **file)
{
	size_t n;
	return cli_parse_args(ctx, cmd, argc, argv, opts, file, 1, 1, &n) &&
	       cli_check_readable(ctx, *file);
}
