/*
 * Crypto options. AWS tunnel options (VPNTunnels; VpnTunnelOptions-
 * Specification): phase 1 lifetime 900-28800 s, phase 2 900-3600 s and
 * below phase 1, rekey margin 60 s..phase2/2, fuzz 0-100 %, replay window
 * 64-2048, DPD timeout >= 30 s, DH groups 2, 14-24 (phase 2 also 5).
 * Azure custom policy (ipsec-ike-policy-howto): a GCM integrity must match
 * the GCM encryption, QM SA lifetime >= 300 s, data size >= 1024 KB. A
 * custom Azure policy is one combination: each of its algorithms must be
 * allowed on the AWS tunnel, and AWS always runs PFS in phase 2.
 */
#include "config/validate_priv.h"

#include <stddef.h>
#include <stdio.h>

#define BIT(n) (1u << (n))
#define AWS_DH_P1 (BIT(2) | 0x1ffc000u)
#define AWS_DH_P2 (AWS_DH_P1 | BIT(5))

struct range_rule {
	const char *rule;
	const char *what;
	size_t off_val; /* offsetof value in topo_tunnel_options */
	size_t off_at;
	uint64_t lo, hi;
	const char *hint;
};

#define OPT(f) offsetof(struct topo_tunnel_options, f)
static const struct range_rule ranges[] = {
	{ "aws.dpd_timeout", "DPD timeout", OPT(dpd_timeout_s),
	  OPT(dpd_timeout_s_at), 30, UINT32_MAX, "AWS needs 30 s or more" },
	{ "aws.phase1_lifetime", "phase 1 lifetime", OPT(phase1_lifetime_s),
	  OPT(phase1_lifetime_s_at), 900, 28800, "AWS accepts 900-28800 s" },
	{ "aws.phase2_lifetime", "phase 2 lifetime", OPT(phase2_lifetime_s),
	  OPT(phase2_lifetime_s_at), 900, 3600, "AWS accepts 900-3600 s" },
	{ "aws.rekey_fuzz", "rekey fuzz", OPT(rekey_fuzz_pct),
	  OPT(rekey_fuzz_pct_at), 0, 100, "AWS accepts 0-100 %" },
	{ "aws.replay_window", "replay window", OPT(replay_window),
	  OPT(replay_window_at), 64, 2048, "AWS accepts 64-2048 packets" },
};

static void check_ranges(struct topo_vd *v, const struct topo_tunnel_options *o)
{
	const char *base = (const char *)o;
	for (size_t i = 0; i < sizeof(ranges) / sizeof(ranges[0]); i++) {
		const struct range_rule *r = &ranges[i];
		uint64_t val = *(const uint64_t *)(const void *)(base + r->off_val);
		if (val >= r->lo && val <= r->hi)
			continue;
		topo_vd_report(v, DIAG_ERROR,
			       (const struct topo_pos *)(const void *)(base +
								      r->off_at),
			       r->rule, r->hint, "%s %llu out of range",
			       r->what, (unsigned long long)val);
	}
	if (o->phase2_lifetime_s >= o->phase1_lifetime_s)
		topo_vd_report(v, DIAG_ERROR, &o->phase2_lifetime_s_at,
			       "aws.phase2_lifetime",
			       "phase 2 lifetime must be below phase 1",
			       "phase 2 lifetime %llu s is not below phase 1 "
			       "lifetime %llu s",
			       (unsigned long long)o->phase2_lifetime_s,
			       (unsigned long long)o->phase1_lifetime_s);
	if (o->rekey_margin_s < 60 || o->rekey_margin_s > o->phase2_lifetime_s / 2)
		topo_vd_report(v, DIAG_ERROR, &o->rekey_margin_s_at,
			       "aws.rekey_margin",
			       "AWS accepts 60 s up to half the phase 2 "
			       "lifetime",
			       "rekey margin %llu s out of range 60..%llu",
			       (unsigned long long)o->rekey_margin_s,
			       (unsigned long long)(o->phase2_lifetime_s / 2));
}

static void check_lists(struct topo_vd *v, const struct topo_tunnel_options *o,
			bool onprem)
{
	const struct { uint32_t set; const struct topo_pos *at; const char *what; } l[] = {
		{ o->phase1_encryption, &o->phase1_encryption_at, "phase 1 encryption" },
		{ o->phase1_integrity, &o->phase1_integrity_at, "phase 1 integrity" },
		{ o->phase1_dh_groups, &o->phase1_dh_groups_at, "phase 1 DH group" },
		{ o->phase2_encryption, &o->phase2_encryption_at, "phase 2 encryption" },
		{ o->phase2_integrity, &o->phase2_integrity_at, "phase 2 integrity" },
		{ o->phase2_dh_groups, &o->phase2_dh_groups_at, "phase 2 DH group" },
		{ o->ike_versions, &o->ike_versions_at, "IKE version" },
	};
	for (size_t i = 0; i < sizeof(l) / sizeof(l[0]); i++)
		if (l[i].set == 0)
			topo_vd_report(v, DIAG_ERROR, l[i].at, "aws.empty_list",
				       "omit the key to allow AWS's defaults",
				       "empty %s list: nothing can be "
				       "negotiated", l[i].what);
	if (o->phase1_dh_groups & ~AWS_DH_P1)
		topo_vd_report(v, DIAG_ERROR, &o->phase1_dh_groups_at,
			       "aws.dh_group", "phase 1: 2, 14-24",
			       "phase 1 DH group list has a group AWS does "
			       "not offer");
	if (o->phase2_dh_groups & ~AWS_DH_P2)
		topo_vd_report(v, DIAG_ERROR, &o->phase2_dh_groups_at,
			       "aws.dh_group", "phase 2: 2, 5, 14-24",
			       "phase 2 DH group list has a group AWS does "
			       "not offer");
	if (o->ike_versions != 0 && !(o->ike_versions & TOPO_IKEV2))
		topo_vd_report(v, onprem ? DIAG_ERROR : DIAG_WARNING,
			       &o->ike_versions_at, "aws.ikev2",
			       "include ikev2",
			       onprem ? "vgw speaks IKEv2 only"
				      : "IKEv1 only: Azure reconnects on every "
					"rekey with IKEv1");
}

/* GCM is its own integrity: Azure requires the same GCM on both. */
static void check_gcm(struct topo_vd *v, enum topo_alg enc, enum topo_alg integ,
		      const struct topo_pos *at, const char *phase)
{
	if (!topo_alg_is_gcm(enc) && !topo_alg_is_gcm(integ))
		return;
	if (enc == integ)
		return;
	topo_vd_report(v, DIAG_ERROR, at, "azure.policy_gcm",
		       "with GCMAES, encryption and integrity name the same "
		       "algorithm",
		       "%s integrity %s does not match encryption %s", phase,
		       topo_alg_name(integ), topo_alg_name(enc));
}

static void no_common(struct topo_vd *v, const struct topo_pos *at,
		      const char *what, const char *val, const char *tunnel)
{
	topo_vd_report(v, DIAG_ERROR, at, "crypto.no_common",
		       "allow it in the AWS tunnel options or change the "
		       "Azure policy",
		       "%s %s is not allowed by AWS tunnel %s: no common "
		       "proposal", what, val, tunnel);
}

static void check_policy_vs_aws(struct topo_vd *v,
				const struct topo_azure_policy *p,
				const struct topo_tunnel *tun)
{
	const struct topo_tunnel_options *o = &tun->options;
	const char *tn = tun->at.path;
	char g[16];
	if (!(o->phase1_encryption & BIT(p->ike_encryption)))
		no_common(v, &p->ike_encryption_at, "IKE encryption",
			  topo_alg_name(p->ike_encryption), tn);
	if (!topo_alg_is_gcm(p->ike_integrity) &&
	    !(o->phase1_integrity & BIT(p->ike_integrity)))
		no_common(v, &p->ike_integrity_at, "IKE integrity",
			  topo_alg_name(p->ike_integrity), tn);
	snprintf(g, sizeof(g), "%u", p->dh_group);
	if (!(o->phase1_dh_groups & BIT(p->dh_group)))
		no_common(v, &p->dh_group_at, "DH group", g, tn);
	if (!(o->phase2_encryption & BIT(p->ipsec_encryption)))
		no_common(v, &p->ipsec_encryption_at, "IPsec encryption",
			  topo_alg_name(p->ipsec_encryption), tn);
	if (!topo_alg_is_gcm(p->ipsec_integrity) &&
	    !(o->phase2_integrity & BIT(p->ipsec_integrity)))
		no_common(v, &p->ipsec_integrity_at, "IPsec integrity",
			  topo_alg_name(p->ipsec_integrity), tn);
	unsigned pfs = p->pfs_mm ? p->dh_group : p->pfs_group;
	if (pfs == 0)
		topo_vd_report(v, DIAG_ERROR, &p->pfs_group_at, "crypto.pfs",
			       "pick a PFS group AWS allows, e.g. PFS2048",
			       "PFS group None: AWS always negotiates a phase 2 "
			       "DH group (PFS group mismatch)");
	else if (!(o->phase2_dh_groups & BIT(pfs)))
		topo_vd_report(v, DIAG_ERROR, &p->pfs_group_at, "crypto.pfs",
			       "allow the group in phase2_dh_group_numbers",
			       "PFS group %u is not allowed by AWS tunnel %s "
			       "(PFS group mismatch)", pfs, tn);
}

static void check_azure_policy(struct topo_vd *v, size_t ci)
{
	const struct topo_azure_policy *p = &v->t->azure.conns[ci].policy;
	if (!p->custom)
		return;
	check_gcm(v, p->ike_encryption, p->ike_integrity, &p->ike_integrity_at,
		  "IKE");
	check_gcm(v, p->ipsec_encryption, p->ipsec_integrity,
		  &p->ipsec_integrity_at, "IPsec");
	if (p->sa_lifetime_s < 300)
		topo_vd_report(v, DIAG_ERROR, &p->sa_lifetime_s_at,
			       "azure.policy_lifetime",
			       "Azure needs a QM SA lifetime of 300 s or more",
			       "SA lifetime %llu s is below 300 s",
			       (unsigned long long)p->sa_lifetime_s);
	if (p->sa_data_size_kb < 1024)
		topo_vd_report(v, DIAG_ERROR, &p->sa_data_size_kb_at,
			       "azure.policy_lifetime",
			       "Azure needs 1024 KB or more",
			       "SA data size %llu KB is below 1024 KB",
			       (unsigned long long)p->sa_data_size_kb);
	size_t vpn, k;
	if (topo_vd_conn_tunnel(v, ci, &vpn, &k))
		check_policy_vs_aws(v, p, &v->t->aws.vpns[vpn].tunnels[k]);
}

void topo_vd_crypto(struct topo_vd *v)
{
	const struct topo_aws *aws = &v->t->aws;
	for (size_t i = 0; i < aws->n_vpns; i++)
		for (size_t k = 0; k < aws->vpns[i].n_tunnels; k++) {
			const struct topo_tunnel_options *o =
				&aws->vpns[i].tunnels[k].options;
			check_ranges(v, o);
			check_lists(v, o, v->l.vpn_onprem[i]);
		}
	for (size_t i = 0; i < v->t->azure.n_conns; i++)
		check_azure_policy(v, i);
}
