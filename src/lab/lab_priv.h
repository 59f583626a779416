/* Lab internals (not a public contract). */
#ifndef VGW_LAB_PRIV_H
#define VGW_LAB_PRIV_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "base/addr.h"
#include "lab/lab.h"

#define LAB_MAX_NODES 8
#define LAB_MAX_PUB 16
#define LAB_MAX_TUNNELS 20
#define LAB_PATH 256

enum lab_kind {
	LAB_INET,    /* the internet segment */
	LAB_GATEWAY, /* a vgwd gateway with public addresses */
	LAB_VNET,    /* VNet host + fabric router */
	LAB_VPC,     /* VPC host + route table router */
};

struct lab_node {
	char name[24];
	char ns[40];
	enum lab_kind kind;
	char role[24];             /* gateway: azure-instance / aws-vgw / generic */
	int instance;              /* Azure instance number, else -1 */
	bool has_daemon;
	char conf[LAB_PATH];
	char sock[LAB_PATH];
	char log[LAB_PATH];
	size_t n_pub;
	struct ip_addr pub[LAB_MAX_PUB]; /* on pub0 (gateways) */
	struct ip_prefix inner;    /* gateway: fab0 / vpc0 address; host: its address */
	char inner_if[16];         /* "fab0", "vpc0", "" */
};

/* One AWS tunnel as the lab sees it (for lab fail tunnel N). */
struct lab_tunnel {
	struct ip_addr aws_outside, peer_outside;
	char aws_node[24], peer_node[24];
	char name[72];
};

struct lab {
	char dir[LAB_PATH];
	char topology[LAB_PATH];
	char vgwd[LAB_PATH];
	bool fast;
	bool propagation;
	size_t n_nodes;
	struct lab_node nodes[LAB_MAX_NODES];
	size_t n_tunnels;
	struct lab_tunnel tunnels[LAB_MAX_TUNNELS];
	struct ip_addr vnet_host, vpc_host;
	char vnet_node[24], vpc_node[24];
};

/* run.c: processes */
/* Runs argv, output (stdout+stderr) to out (NULL: discarded). Returns the
 * exit status, 127 if it could not start, 128+sig if killed. */
int lab_run(char *const argv[], char *out, size_t outlen);
/* ip -n NS ARGS... (NULL-terminated). ns NULL: the host namespace. */
int lab_ip(const char *ns, ...);
/* Starts argv in ns in the background, output appended to log. */
pid_t lab_spawn(const char *ns, char *const argv[], const char *log);
/* Writes value to /proc/sys/... inside ns. */
int lab_sysctl(const char *ns, const char *key, const char *value);
/* Enters ns (setns) in the calling process; 0 or -1. */
int lab_enter_ns(const char *ns);

/* model.c */
int lab_state_save(const struct lab *lab);
int lab_state_load(struct lab *lab, const char *dir, FILE *err);
struct lab_node *lab_node_find(struct lab *lab, const char *name);
/* The embedded seed topology (embedded.c, generated). */
extern const char lab_embedded_topology[];
extern const size_t lab_embedded_topology_len;

/* net.c */
int lab_net_build(const struct lab *lab, FILE *err);
void lab_net_destroy(FILE *err);
void lab_net_routes(const struct lab *lab, const struct lab_node *n);

/* daemons.c */
int lab_daemons_start(const struct lab *lab, FILE *err);
void lab_daemons_stop(const char *dir);
int lab_daemon_start(const struct lab *lab, const struct lab_node *n, FILE *err);
void lab_daemon_kill(const struct lab *lab, const struct lab_node *n, int sig);
/* The node's vgwd if it is running, else 0. */
pid_t lab_daemon_pid(const struct lab *lab, const struct lab_node *n);

/* wait.c */
int lab_wait(const struct lab *lab, int timeout_s, FILE *out);
void lab_print_views(const struct lab *lab, FILE *out);
int lab_status_json(const struct lab *lab, FILE *out);

/* traffic.c */
int lab_ping(const char *ns, const struct ip_addr *dst, int count, FILE *out);
/* Pings once a second until a reply; seconds waited, or -1 after limit_s. */
int lab_wait_reachable(const char *ns, const struct ip_addr *dst, int limit_s);
int lab_tcp_transfer(const char *ns_from, const char *ns_to, const struct ip_addr *to,
		     size_t bytes, FILE *out);

#endif
