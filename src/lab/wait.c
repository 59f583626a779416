/*
 * Waiting for the lab to converge, and showing it: every tunnel end
 * Connected and every BGP session Established, polled over the daemons'
 * control sockets, with a progress line and, on timeout, what is stuck and
 * why (the IKE reason of each tunnel that is not up, the BGP state and last
 * error of each session that is not Established).
 */
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <json-c/json.h>

#include "ctl/client.h"
#include "lab/lab_priv.h"
#include "views/views.h"

struct lab_counts {
	int tunnels, tunnels_up, peers, peers_up, unreachable;
	int routed; /* tunnels whose BGP session has learned routes */
	int bgp_tunnels;
};

static const char *jstr(struct json_object *o, const char *k)
{
	struct json_object *v;
	return o && json_object_object_get_ex(o, k, &v) && v ? json_object_get_string(v) : "";
}

static struct json_object *call(const struct lab_node *n, const char *cmd)
{
	struct json_object *data = NULL;
	char err[256];
	if (ctl_client_call(n->sock, cmd, NULL, 2000, &data, err, sizeof(err)) < 0)
		return NULL;
	return data;
}

static void count_node(const struct lab_node *n, struct lab_counts *c, FILE *stuck)
{
	struct json_object *conns = call(n, "show connections");
	struct json_object *bgp = call(n, "show bgp");
	struct json_object *tun = call(n, "show tunnels");
	if (conns == NULL || bgp == NULL) {
		c->unreachable++;
		if (stuck)
			fprintf(stuck, "  %s: vgwd not answering on %s (see %s)\n", n->name, n->sock, n->log);
	}
	struct json_object *arr;
	if (conns && json_object_object_get_ex(conns, "connections", &arr))
		for (size_t i = 0; i < json_object_array_length(arr); i++) {
			struct json_object *t = json_object_array_get_idx(arr, i);
			bool up = strcmp(jstr(t, "status"), "Connected") == 0;
			c->tunnels++;
			c->tunnels_up += up;
			if (!up && stuck)
				fprintf(stuck, "  %s: connection %s is %s: %s\n", n->name, jstr(t, "name"),
					jstr(t, "status"), jstr(t, "reason"));
		}
	if (bgp && json_object_object_get_ex(bgp, "peers", &arr))
		for (size_t i = 0; i < json_object_array_length(arr); i++) {
			struct json_object *p = json_object_array_get_idx(arr, i);
			bool up = strcmp(jstr(p, "state"), "Established") == 0;
			c->peers++;
			c->peers_up += up;
			if (!up && stuck)
				fprintf(stuck, "  %s: BGP %s (%s) is %s%s%s\n", n->name, jstr(p, "name"),
					jstr(p, "address"), jstr(p, "state"),
					jstr(p, "last_error")[0] ? ": " : "", jstr(p, "last_error"));
		}
	if (tun && json_object_object_get_ex(tun, "tunnels", &arr))
		for (size_t i = 0; i < json_object_array_length(arr); i++) {
			struct json_object *t = json_object_array_get_idx(arr, i), *v;
			if (!json_object_object_get_ex(t, "has_bgp", &v) || !json_object_get_boolean(v))
				continue;
			c->bgp_tunnels++;
			if (json_object_object_get_ex(t, "bgp_routes", &v) && json_object_get_int64(v) > 0)
				c->routed++;
		}
	json_object_put(conns);
	json_object_put(bgp);
	json_object_put(tun);
}

static void count_all(const struct lab *lab, struct lab_counts *c, FILE *stuck)
{
	memset(c, 0, sizeof(*c));
	for (size_t i = 0; i < lab->n_nodes; i++)
		if (lab->nodes[i].has_daemon)
			count_node(&lab->nodes[i], c, stuck);
}

int lab_wait(const struct lab *lab, int timeout_s, FILE *out)
{
	time_t start = time(NULL);
	struct lab_counts c, last = { -1, -1, -1, -1, -1, -1, -1 };
	int stable = 0;
	for (;;) {
		count_all(lab, &c, NULL);
		bool done = c.unreachable == 0 && c.tunnels_up == c.tunnels &&
			    c.peers_up == c.peers && c.routed == c.bgp_tunnels;
		if (memcmp(&c, &last, sizeof(c)) != 0) {
			fprintf(out, "  [%3lds] tunnel ends connected %d/%d, BGP sessions established "
				"%d/%d, tunnels with routes %d/%d%s\n",
				(long)(time(NULL) - start), c.tunnels_up, c.tunnels, c.peers_up, c.peers,
				c.routed, c.bgp_tunnels,
				c.unreachable ? " (some daemons not answering yet)" : "");
			fflush(out);
			last = c;
		}
		/* Converged when it has held for three polls in a row: sessions
		 * that just came up may still flap while duplicate SAs settle. */
		stable = done ? stable + 1 : 0;
		if (stable == 3)
			return 0;
		if (time(NULL) - start >= timeout_s)
			break;
		usleep(500 * 1000);
	}
	fprintf(out, "not converged after %d s; stuck:\n", timeout_s);
	count_all(lab, &c, out);
	return 1;
}

static void print_node_view(const struct lab_node *n, const char *cmd,
			    void (*render)(FILE *, struct json_object *), FILE *out)
{
	struct json_object *d = call(n, cmd);
	if (d == NULL) {
		fprintf(out, "  (vgwd of %s not answering)\n", n->name);
		return;
	}
	render(out, d);
	json_object_put(d);
}

/* Part 4 of the seed: Azure's Connections and BGP peers pages, then AWS's
 * tunnel details; then the routes each side learned. */
void lab_print_views(const struct lab *lab, FILE *out)
{
	for (size_t i = 0; i < lab->n_nodes; i++) {
		const struct lab_node *n = &lab->nodes[i];
		if (n->kind != LAB_GATEWAY)
			continue;
		if (n->instance >= 0) {
			fprintf(out, "\n== Azure VPN gateway instance %d (%s): Connections\n", n->instance, n->name);
			print_node_view(n, "show connections", views_print_connections, out);
			fprintf(out, "\n== Azure VPN gateway instance %d: BGP peers\n", n->instance);
			print_node_view(n, "show bgp", views_print_bgp, out);
		} else {
			fprintf(out, "\n== %s (%s): Tunnel details\n", n->name, n->role);
			print_node_view(n, "show tunnels", views_print_tunnels, out);
		}
		fprintf(out, "\n== %s: routes\n", n->name);
		print_node_view(n, "show routes", views_print_routes, out);
	}
}

int lab_status_json(const struct lab *lab, FILE *out)
{
	struct json_object *o = json_object_new_object();
	for (size_t i = 0; i < lab->n_nodes; i++) {
		const struct lab_node *n = &lab->nodes[i];
		if (!n->has_daemon)
			continue;
		struct json_object *node = json_object_new_object();
		static const char *const cmds[] = { "show status", "show connections",
						    "show tunnels", "show bgp", "show routes" };
		for (size_t k = 0; k < sizeof(cmds) / sizeof(cmds[0]); k++)
			json_object_object_add(node, cmds[k] + 5, call(n, cmds[k]));
		json_object_object_add(o, n->name, node);
	}
	fprintf(out, "%s\n", json_object_to_json_string_ext(o, JSON_C_TO_STRING_PRETTY));
	json_object_put(o);
	return 0;
}
