/* vgwd: thin main. Options, config load, then the daemon library. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/log.h"
#include "config/dconf.h"
#include "config/diag.h"
#include "daemon/daemon.h"

static void usage(FILE *out)
{
	fprintf(out,
		"usage: vgwd -c CONFIG [options]\n"
		"\n"
		"vgw gateway daemon: IKEv2/ESP route-based tunnels and BGP for one\n"
		"gateway instance, as described by a daemon config (docs/daemon-config.md;\n"
		"'vgwctl plan TOPOLOGY --out DIR' writes one per gateway instance).\n"
		"Runs in the foreground and logs to stderr (or syslog).\n"
		"\n"
		"options:\n"
		"  -c, --config FILE      daemon config to load (required)\n"
		"  -f, --foreground       accepted for compatibility (always foreground)\n"
		"  -s, --socket PATH      control socket path (overrides the config)\n"
		"  -l, --log-level LEVEL  error, warning, info or debug (overrides the config)\n"
		"      --syslog           log to syslog instead of stderr\n"
		"      --no-fib           do not install routes into the kernel FIB\n"
		"  -n, --check            load and validate the config, then exit\n"
		"  -p, --print            print the config canonically (secrets redacted), then exit\n"
		"  -h, --help             this help\n"
		"  -V, --version          print the version\n"
		"\n"
		"signals: SIGHUP reloads the config (unchanged tunnels and peers stay up);\n"
		"SIGTERM/SIGINT shut down cleanly (BGP Cease, IKE DELETE, routes removed).\n"
		"exit status: 0 clean exit or valid config, 1 invalid config or runtime\n"
		"failure, 2 usage error.\n");
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "foreground", no_argument, NULL, 'f' },
		{ "socket", required_argument, NULL, 's' },
		{ "log-level", required_argument, NULL, 'l' },
		{ "syslog", no_argument, NULL, 'S' },
		{ "no-fib", no_argument, NULL, 'F' },
		{ "check", no_argument, NULL, 'n' },
		{ "print", no_argument, NULL, 'p' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	struct vgwd_options opts = { 0 };
	bool check = false, print = false, use_syslog = false, level_set = false;
	enum vlog_level level = VLOG_INFO;
	int c;
	while ((c = getopt_long(argc, argv, "c:fs:l:nphV", longopts, NULL)) != -1) {
		switch (c) {
		case 'c': opts.config_path = optarg; break;
		case 'f': break;
		case 's': opts.socket_override = optarg; break;
		case 'l':
			if (!vlog_level_parse(optarg, &level)) {
				fprintf(stderr, "vgwd: unknown log level '%s' (error, warning, info, debug)\n", optarg);
				return 2;
			}
			level_set = true;
			break;
		case 'S': use_syslog = true; break;
		case 'F': opts.no_fib = true; break;
		case 'n': check = true; break;
		case 'p': print = true; break;
		case 'h': usage(stdout); return 0;
		case 'V': printf("vgwd 0.1.0\n"); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (optind != argc || opts.config_path == NULL) {
		fprintf(stderr, "vgwd: %s\n", optind != argc ? "unexpected argument" : "missing -c CONFIG");
		usage(stderr);
		return 2;
	}
	struct diag_list diags;
	diag_list_init(&diags);
	struct dconf *cfg = dconf_load_file(opts.config_path, &diags);
	diag_list_print(&diags, stderr);
	diag_list_free(&diags);
	if (cfg == NULL)
		return 1;
	if (check || print) {
		int rc = print ? (dconf_print(stdout, cfg, 0) == 0 ? 0 : 1) : 0;
		if (check)
			fprintf(stderr, "vgwd: %s: config OK\n", opts.config_path);
		dconf_free(cfg);
		return rc;
	}
	vlog_init("vgwd", level_set ? level : cfg->log_level, use_syslog);
	struct vgwd *d = vgwd_new(&opts, cfg);
	if (d == NULL)
		return 1;
	int rc = vgwd_run(d);
	vgwd_free(d);
	return rc;
}
