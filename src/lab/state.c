/* lab.json: what "lab up" built, for the commands that come after it. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <json-c/json.h>

#include "lab/lab_priv.h"

static void put_str(struct json_object *o, const char *k, const char *v)
{
	json_object_object_add(o, k, json_object_new_string(v));
}

static void put_addr(struct json_object *o, const char *k, const struct ip_addr *a)
{
	char b[IP_ADDR_STRLEN];
	put_str(o, k, ip_addr_fmt(a, b, sizeof(b)));
}

static struct json_object *node_json(const struct lab_node *n)
{
	struct json_object *o = json_object_new_object();
	char b[IP_PREFIX_STRLEN];
	put_str(o, "name", n->name);
	put_str(o, "ns", n->ns);
	json_object_object_add(o, "kind", json_object_new_int(n->kind));
	put_str(o, "role", n->role);
	json_object_object_add(o, "instance", json_object_new_int(n->instance));
	json_object_object_add(o, "has_daemon", json_object_new_boolean(n->has_daemon));
	put_str(o, "conf", n->conf);
	put_str(o, "sock", n->sock);
	put_str(o, "log", n->log);
	struct json_object *pub = json_object_new_array();
	for (size_t i = 0; i < n->n_pub; i++) {
		char a[IP_ADDR_STRLEN];
		json_object_array_add(pub, json_object_new_string(ip_addr_fmt(&n->pub[i], a, sizeof(a))));
	}
	json_object_object_add(o, "pub", pub);
	put_str(o, "inner", n->inner.len || ip_addr_is_set(&n->inner.addr)
				    ? ip_prefix_fmt(&n->inner, b, sizeof(b)) : "");
	put_str(o, "inner_if", n->inner_if);
	return o;
}

int lab_state_save(const struct lab *lab)
{
	struct json_object *o = json_object_new_object();
	put_str(o, "topology", lab->topology);
	put_str(o, "vgwd", lab->vgwd);
	json_object_object_add(o, "fast", json_object_new_boolean(lab->fast));
	json_object_object_add(o, "propagation", json_object_new_boolean(lab->propagation));
	put_addr(o, "vnet_host", &lab->vnet_host);
	put_addr(o, "vpc_host", &lab->vpc_host);
	put_str(o, "vnet_node", lab->vnet_node);
	put_str(o, "vpc_node", lab->vpc_node);
	struct json_object *nodes = json_object_new_array();
	for (size_t i = 0; i < lab->n_nodes; i++)
		json_object_array_add(nodes, node_json(&lab->nodes[i]));
	json_object_object_add(o, "nodes", nodes);
	struct json_object *tun = json_object_new_array();
	for (size_t i = 0; i < lab->n_tunnels; i++) {
		struct json_object *t = json_object_new_object();
		put_addr(t, "aws_outside", &lab->tunnels[i].aws_outside);
		put_addr(t, "peer_outside", &lab->tunnels[i].peer_outside);
		put_str(t, "aws_node", lab->tunnels[i].aws_node);
		put_str(t, "peer_node", lab->tunnels[i].peer_node);
		put_str(t, "name", lab->tunnels[i].name);
		json_object_array_add(tun, t);
	}
	json_object_object_add(o, "tunnels", tun);
	char path[LAB_PATH + 16];
	snprintf(path, sizeof(path), "%s/lab.json", lab->dir);
	int rc = json_object_to_file_ext(path, o, JSON_C_TO_STRING_PRETTY);
	json_object_put(o);
	return rc < 0 ? -1 : 0;
}

static void get_str(struct json_object *o, const char *k, char *dst, size_t size)
{
	struct json_object *v;
	snprintf(dst, size, "%s", json_object_object_get_ex(o, k, &v) ? json_object_get_string(v) : "");
}

static void get_addr(struct json_object *o, const char *k, struct ip_addr *a)
{
	char b[IP_ADDR_STRLEN];
	get_str(o, k, b, sizeof(b));
	ip_addr_parse(b, a);
}

static int get_int(struct json_object *o, const char *k)
{
	struct json_object *v;
	return json_object_object_get_ex(o, k, &v) ? json_object_get_int(v) : 0;
}

static void node_load(struct json_object *o, struct lab_node *n)
{
	memset(n, 0, sizeof(*n));
	get_str(o, "name", n->name, sizeof(n->name));
	get_str(o, "ns", n->ns, sizeof(n->ns));
	n->kind = (enum lab_kind)get_int(o, "kind");
	get_str(o, "role", n->role, sizeof(n->role));
	n->instance = get_int(o, "instance");
	n->has_daemon = get_int(o, "has_daemon") != 0;
	get_str(o, "conf", n->conf, sizeof(n->conf));
	get_str(o, "sock", n->sock, sizeof(n->sock));
	get_str(o, "log", n->log, sizeof(n->log));
	struct json_object *pub;
	if (json_object_object_get_ex(o, "pub", &pub))
		for (size_t i = 0; i < json_object_array_length(pub) && n->n_pub < LAB_MAX_PUB; i++)
			if (ip_addr_parse(json_object_get_string(json_object_array_get_idx(pub, i)),
					  &n->pub[n->n_pub]))
				n->n_pub++;
	char b[IP_PREFIX_STRLEN];
	get_str(o, "inner", b, sizeof(b));
	ip_prefix_parse(b, &n->inner, false);
	/* ip_prefix_parse clears host bits; keep the interface address. */
	char *slash = strchr(b, '/');
	if (slash != NULL) {
		*slash = '\0';
		ip_addr_parse(b, &n->inner.addr);
	}
	get_str(o, "inner_if", n->inner_if, sizeof(n->inner_if));
}

int lab_state_load(struct lab *lab, const char *dir, FILE *err)
{
	char path[LAB_PATH + 16];
	snprintf(path, sizeof(path), "%s/lab.json", dir);
	struct json_object *o = json_object_from_file(path);
	if (o == NULL) {
		fprintf(err, "vgwctl: no lab is up (cannot read %s): run 'vgwctl lab up' first\n", path);
		return 2;
	}
	memset(lab, 0, sizeof(*lab));
	snprintf(lab->dir, sizeof(lab->dir), "%s", dir);
	get_str(o, "topology", lab->topology, sizeof(lab->topology));
	get_str(o, "vgwd", lab->vgwd, sizeof(lab->vgwd));
	lab->fast = get_int(o, "fast") != 0;
	lab->propagation = get_int(o, "propagation") != 0;
	get_addr(o, "vnet_host", &lab->vnet_host);
	get_addr(o, "vpc_host", &lab->vpc_host);
	get_str(o, "vnet_node", lab->vnet_node, sizeof(lab->vnet_node));
	get_str(o, "vpc_node", lab->vpc_node, sizeof(lab->vpc_node));
	struct json_object *arr;
	if (json_object_object_get_ex(o, "nodes", &arr))
		for (size_t i = 0; i < json_object_array_length(arr) && lab->n_nodes < LAB_MAX_NODES; i++)
			node_load(json_object_array_get_idx(arr, i), &lab->nodes[lab->n_nodes++]);
	if (json_object_object_get_ex(o, "tunnels", &arr))
		for (size_t i = 0; i < json_object_array_length(arr) && lab->n_tunnels < LAB_MAX_TUNNELS; i++) {
			struct json_object *t = json_object_array_get_idx(arr, i);
			struct lab_tunnel *lt = &lab->tunnels[lab->n_tunnels++];
			get_addr(t, "aws_outside", &lt->aws_outside);
			get_addr(t, "peer_outside", &lt->peer_outside);
			get_str(t, "aws_node", lt->aws_node, sizeof(lt->aws_node));
			get_str(t, "peer_node", lt->peer_node, sizeof(lt->peer_node));
			get_str(t, "name", lt->name, sizeof(lt->name));
		}
	json_object_put(o);
	return 0;
}
