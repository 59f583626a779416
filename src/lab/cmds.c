/* lab up / down / status / exec / fail / heal / check. */
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lab/lab_priv.h"
#include "lab/model.h"

static const char *lab_dir(const struct lab_opts *o)
{
	return o->dir ? o->dir : LAB_DEFAULT_DIR;
}

static bool need_root(const struct lab_opts *o)
{
	if (geteuid() == 0)
		return true;
	fprintf(o->err, "vgwctl: the lab needs root (it creates network namespaces)\n");
	return false;
}

/* vgwd next to this vgwctl (build tree: ../daemon/vgwd; installed: same
 * directory or ../sbin), else "vgwd" from PATH. */
static void find_vgwd(const struct lab_opts *o, char *buf, size_t size)
{
	if (o->vgwd != NULL) {
		snprintf(buf, size, "%s", o->vgwd);
		return;
	}
	char self[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (n > 0) {
		self[n] = '\0';
		char *slash = strrchr(self, '/');
		if (slash != NULL) {
			*slash = '\0';
			static const char *const rel[] = { "/../daemon/vgwd", "/vgwd", "/../sbin/vgwd" };
			for (size_t i = 0; i < sizeof(rel) / sizeof(rel[0]); i++) {
				snprintf(buf, size, "%.200s%s", self, rel[i]);
				if (access(buf, X_OK) == 0)
					return;
			}
		}
	}
	snprintf(buf, size, "vgwd");
}

static char *read_file(const char *path, size_t *len, FILE *err)
{
	FILE *f = fopen(path, "rb");
	if (f == NULL) {
		fprintf(err, "vgwctl: cannot read %s: %s\n", path, strerror(errno));
		return NULL;
	}
	char *buf = NULL;
	size_t cap = 0;
	*len = 0;
	for (;;) {
		if (*len + 4096 > cap) {
			char *nb = realloc(buf, cap = cap ? cap * 2 : 65536);
			if (nb == NULL)
				break;
			buf = nb;
		}
		size_t n = fread(buf + *len, 1, cap - *len, f);
		if (n == 0)
			break;
		*len += n;
	}
	fclose(f);
	return buf;
}

static int check_traffic(const struct lab *lab, FILE *out)
{
	char vnet[48], vpc[48];
	snprintf(vnet, sizeof(vnet), LAB_NS_PREFIX "%s", lab->vnet_node);
	snprintf(vpc, sizeof(vpc), LAB_NS_PREFIX "%s", lab->vpc_node);
	if (lab->vnet_node[0] == '\0' || lab->vpc_node[0] == '\0') {
		fprintf(out, "traffic: this topology has no VNet and VPC hosts to test between\n");
		return 0;
	}
	fprintf(out, "\n== traffic between VNet and VPC\n");
	if (!lab->propagation)
		fprintf(out, "  note: route propagation is off on the VGW: VPC1's route table has "
			     "no route to VNet1, so replies from VPC1 cannot come back\n");
	/* Routes reach the hosts' route tables a moment after the sessions
	 * are up (iBGP to the fabric and the VPC route table): wait for the
	 * first reply before measuring. */
	if (lab->propagation) {
		int waited = lab_wait_reachable(vnet, &lab->vpc_host, 15);
		if (waited >= 0)
			fprintf(out, "  first reply VNet -> VPC after %d s\n", waited);
	}
	int bad = 0;
	bad |= lab_ping(vnet, &lab->vpc_host, 5, out);
	bad |= lab_ping(vpc, &lab->vnet_host, 5, out);
	bad |= lab_tcp_transfer(vnet, vpc, &lab->vpc_host, 4u << 20, out);
	bad |= lab_tcp_transfer(vpc, vnet, &lab->vnet_host, 4u << 20, out);
	fprintf(out, "traffic: %s\n", bad ? "FAILED" : "ok, both ways");
	return bad ? 1 : 0;
}

static int load_topology(const struct lab_opts *o, struct lab *lab, struct lab_model *m)
{
	size_t len;
	char *text;
	const char *name;
	if (o->topology != NULL) {
		text = read_file(o->topology, &len, o->err);
		if (text == NULL)
			return 2;
		name = o->topology;
	} else {
		len = lab_embedded_topology_len;
		text = malloc(len + 1);
		if (text == NULL)
			return 2;
		memcpy(text, lab_embedded_topology, len);
		name = "examples/aws-azure.yaml (embedded)";
	}
	snprintf(lab->topology, sizeof(lab->topology), "%s", name);
	int rc = lab_model_build(lab, m, text, len, name, o->err);
	free(text);
	return rc;
}

static int build(const struct lab_opts *o, struct lab *lab, FILE *out)
{
	struct lab_model m = { 0 };
	int rc = load_topology(o, lab, &m);
	if (rc == 0 && lab_write_configs(lab, &m, o->err) < 0)
		rc = 2;
	lab_model_free(&m);
	if (rc != 0)
		return rc;
	if (lab_state_save(lab) < 0) {
		fprintf(o->err, "vgwctl: cannot write %s/lab.json\n", lab->dir);
		return 2;
	}
	fprintf(out, "lab: %s\n  namespaces:", lab->topology);
	for (size_t i = 0; i < lab->n_nodes; i++)
		fprintf(out, " %s", lab->nodes[i].ns);
	fprintf(out, "\n  configs, logs and control sockets in %s\n", lab->dir);
	for (size_t i = 0; i < lab->n_nodes; i++)
		unlink(lab->nodes[i].log); /* a new lab, new logs; heal appends */
	if (lab_net_build(lab, o->err) < 0 || lab_daemons_start(lab, o->err) < 0)
		return 2;
	return 0;
}

int lab_up(const struct lab_opts *o)
{
	FILE *out = o->out;
	if (!need_root(o))
		return 2;
	struct lab *lab = calloc(1, sizeof(*lab));
	if (lab == NULL)
		return 2;
	snprintf(lab->dir, sizeof(lab->dir), "%s", lab_dir(o));
	find_vgwd(o, lab->vgwd, sizeof(lab->vgwd));
	lab->fast = o->fast;
	/* Start from a clean slate: whatever an earlier lab left goes. */
	lab_daemons_stop(lab->dir);
	lab_net_destroy(o->err);
	mkdir(lab->dir, 0700);
	int rc = build(o, lab, out);
	if (rc == 0) {
		fprintf(out, "waiting for tunnels and BGP sessions (timeout %d s)\n",
			o->timeout_s ? o->timeout_s : 120);
		rc = lab_wait(lab, o->timeout_s ? o->timeout_s : 120, out);
		lab_print_views(lab, out);
		if (!o->no_traffic) {
			int t = check_traffic(lab, out);
			rc = rc ? rc : t;
		}
		fprintf(out, "\nlab is up%s. Try: vgwctl lab status | lab exec %s -- ping %s | "
			     "lab fail tunnel 1 | lab heal | lab down\n",
			rc ? " (with problems, see above)" : "", lab->vnet_node[0] ? lab->vnet_node : "aws",
			lab->vpc_node[0] ? "10.2.0.10" : "...");
	}
	free(lab);
	return rc;
}

int lab_down(const struct lab_opts *o)
{
	if (!need_root(o))
		return 2;
	lab_daemons_stop(lab_dir(o));
	lab_net_destroy(o->err);
	char path[LAB_PATH + 16];
	snprintf(path, sizeof(path), "%s/lab.json", lab_dir(o));
	unlink(path);
	fprintf(o->out, "lab down: namespaces %s* and their daemons removed\n", LAB_NS_PREFIX);
	return 0;
}

int lab_status(const struct lab_opts *o)
{
	struct lab lab;
	int rc = lab_state_load(&lab, lab_dir(o), o->err);
	if (rc != 0)
		return rc;
	if (o->json)
		return lab_status_json(&lab, o->out);
	fprintf(o->out, "lab: %s (%s)\n", lab.topology, lab.dir);
	lab_print_views(&lab, o->out);
	return 0;
}

int lab_exec(const struct lab_opts *o, const char *node, char *const argv[])
{
	struct lab lab;
	int rc = lab_state_load(&lab, lab_dir(o), o->err);
	if (rc != 0)
		return rc;
	struct lab_node *n = lab_node_find(&lab, node);
	if (n == NULL) {
		fprintf(o->err, "vgwctl: no lab node '%s'; nodes:", node);
		for (size_t i = 0; i < lab.n_nodes; i++)
			fprintf(o->err, " %s", lab.nodes[i].name);
		fprintf(o->err, "\n");
		return 2;
	}
	size_t n_args = 0;
	while (argv[n_args])
		n_args++;
	char **a = calloc(n_args + 5, sizeof(*a));
	if (a == NULL)
		return 2;
	a[0] = "ip";
	a[1] = "netns";
	a[2] = "exec";
	a[3] = n->ns;
	for (size_t i = 0; i < n_args; i++)
		a[4 + i] = argv[i];
	fflush(NULL);
	execvp("ip", a);
	fprintf(o->err, "vgwctl: cannot run ip: %s\n", strerror(errno));
	free(a);
	return 2;
}
