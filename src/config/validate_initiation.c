/*
 * Who starts what. IKE: AWS with startup_action "add" waits for the peer
 * (initiate-vpn-tunnels); an Azure connection in ResponderOnly waits too,
 * so nobody starts. BGP: Azure never opens a session from an APIPA address
 * (configure-bgp), so the AWS side must open TCP/179.
 */
#include "config/validate_priv.h"

static void check_conn(struct topo_vd *v, size_t ci)
{
	const struct topology *t = v->t;
	const struct topo_connection *c = &t->azure.conns[ci];
	size_t vpn, k;
	if (!topo_vd_conn_tunnel(v, ci, &vpn, &k))
		return;
	const struct topo_vpn *a = &t->aws.vpns[vpn];
	if (c->mode == TOPO_CONN_RESPONDER_ONLY && a->startup == TOPO_STARTUP_ADD)
		topo_vd_report(v, DIAG_ERROR, &c->mode_at, "init.nobody",
			       "set the AWS startup_action to start, or the "
			       "Azure connection_mode to Default or "
			       "InitiatorOnly",
			       "Azure is ResponderOnly and AWS VPN connection "
			       "'%s' waits (startup_action add): no side starts "
			       "IKE", a->name);
	if (c->mode == TOPO_CONN_INITIATOR_ONLY && a->startup == TOPO_STARTUP_START)
		topo_vd_report(v, DIAG_WARNING, &c->mode_at, "init.both",
			       "either side may start; the tutorial uses AWS "
			       "start with any Azure mode",
			       "both Azure (InitiatorOnly) and AWS (start) "
			       "initiate: expect IKE SA collisions at start");
}

static void check_bgp_passive(struct topo_vd *v)
{
	const struct topo_aws *aws = &v->t->aws;
	for (size_t i = 0; i < aws->n_vpns; i++) {
		if (topo_vd_instance(v, i) < 0)
			continue;
		for (size_t k = 0; k < aws->vpns[i].n_tunnels; k++) {
			const struct topo_tunnel *tun = &aws->vpns[i].tunnels[k];
			if (!tun->bgp_passive)
				continue;
			topo_vd_report(v, DIAG_WARNING, &tun->bgp_passive_at,
				       "init.bgp_passive",
				       "leave bgp_passive false: the AWS side "
				       "must open TCP/179",
				       "Azure never opens BGP from an APIPA "
				       "address; with a passive AWS side the "
				       "session never starts");
		}
	}
}

void topo_vd_initiation(struct topo_vd *v)
{
	for (size_t i = 0; i < v->t->azure.n_conns; i++)
		check_conn(v, i);
	check_bgp_passive(v);
}
