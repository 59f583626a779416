/*
 * The lab: a topology (by default the seed's AWS <-> Azure setup, embedded
 * in the binary) run as a local twin in network namespaces, with one vgwd
 * per gateway instance speaking real IKEv2, ESP and BGP.
 *
 *   internet  (vgwlab-inet)    one L2 segment holding every public IP
 *   azure0/1  (vgwlab-azure0/1) the Azure VPN gateway instances
 *   aws       (vgwlab-aws)     the AWS virtual private gateway, one outside
 *                              IP per tunnel
 *   onprem    (vgwlab-onprem)  a vgw customer gateway, when the topology
 *                              has one
 *   vnet1     (vgwlab-vnet1)   VNet1: a FrontEnd host and the Azure fabric,
 *                              which learns the instances' routes over iBGP
 *                              (so the host's routes follow the instances)
 *   vpc1      (vgwlab-vpc1)    VPC1: a host and the VPC route table, which
 *                              gets the VGW's routes only when route
 *                              propagation is on (iBGP to the VGW)
 *
 * State (configs, logs, control sockets, lab.json) lives in a directory,
 * /run/vgw-lab by default. lab_down() removes everything the lab made,
 * also after a crash or a half-built lab_up(), by name prefix.
 *
 * Every function returns a process exit code: 0 success, 1 the lab is not
 * what it should be (not converged, traffic failed), 2 usage or set-up error.
 */
#ifndef VGW_LAB_LAB_H
#define VGW_LAB_LAB_H

#include <stdbool.h>
#include <stdio.h>

#define LAB_NS_PREFIX "vgwlab-"
#define LAB_DEFAULT_DIR "/run/vgw-lab"

struct lab_opts {
	const char *topology;  /* NULL: the embedded seed topology */
	const char *dir;       /* NULL: LAB_DEFAULT_DIR */
	const char *vgwd;      /* NULL: found next to vgwctl, then in PATH */
	int timeout_s;         /* convergence wait; 0: 120 */
	bool fast;             /* fast timers: DPD 1/3 s, BGP 1/3 s */
	bool no_traffic;       /* lab up: skip the traffic proof */
	bool json;             /* lab status: JSON */
	FILE *out;             /* progress and views */
	FILE *err;
};

int lab_up(const struct lab_opts *o);
int lab_down(const struct lab_opts *o);
int lab_status(const struct lab_opts *o);
/* Runs argv in node's namespace; returns its exit status. */
int lab_exec(const struct lab_opts *o, const char *node, char *const argv[]);
/* what: "tunnel" (n = 1..4, the AWS tunnels in plan order) or "instance"
 * (n = 0/1, an Azure gateway instance). */
int lab_fail(const struct lab_opts *o, const char *what, int n);
int lab_heal(const struct lab_opts *o);
/* Ping and a TCP transfer between the VNet and VPC hosts, both ways. */
int lab_check(const struct lab_opts *o);
/*
 * Sends a steady ping stream from the VNet host to the VPC host for
 * seconds and reports sent/lost and the longest gap in ms (failover
 * measurement). Returns 0 and fills the figures, 2 on set-up errors.
 */
int lab_gap(const struct lab_opts *o, double seconds, double interval_s,
	    long *sent, long *lost, long *max_gap_ms);

#endif
