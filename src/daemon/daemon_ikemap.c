/*
 * dconf tunnel -> IKE tunnel config. The daemon config carries proposals as
 * strongSwan-style lists (any encryption x any integrity x any DH of one
 * proposal); the IKE module takes single suites, so each proposal is
 * expanded in preference order (DH, then encryption, integrity, PRF),
 * keeping at most IKE_MAX_PROPOSALS. The clouds' default profiles are
 * larger than that and are handed to the IKE module by name instead.
 */
#include <stdio.h>
#include <string.h>

#include "base/log.h"
#include "config/dconf.h"
#include "daemon/ikemap.h"

static bool same_profile(const struct proposal *v, size_t n, const char *name,
			 enum proposal_kind kind)
{
	struct proposal prof[DCONF_MAX_PROPOSALS];
	size_t m = proposal_profile(name, kind, prof, DCONF_MAX_PROPOSALS);
	if (m == 0 || m != n)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!proposal_eq(&v[i], &prof[i]))
			return false;
	return true;
}

static size_t expand_ike(const struct proposal *p, struct ike_ike_proposal *out,
			 size_t n, size_t max)
{
	size_t n_integ = p->n_integ ? p->n_integ : 1;
	for (size_t d = 0; d < p->n_dh; d++)
		for (size_t e = 0; e < p->n_encr; e++)
			for (size_t i = 0; i < n_integ; i++)
				for (size_t f = 0; f < p->n_prf; f++) {
					if (n == max)
						return n;
					out[n++] = (struct ike_ike_proposal){
						.encr = p->encr[e].id,
						.encr_bits = p->encr[e].keylen,
						.integ = p->n_integ ? p->integ[i] : 0,
						.prf = p->prf[f],
						.dh = p->dh[d],
					};
				}
	return n;
}

static size_t expand_esp(const struct proposal *p, struct ike_esp_proposal *out,
			 size_t n, size_t max)
{
	size_t n_integ = p->n_integ ? p->n_integ : 1;
	size_t n_dh = p->n_dh ? p->n_dh : 1;
	for (size_t d = 0; d < n_dh; d++)
		for (size_t e = 0; e < p->n_encr; e++)
			for (size_t i = 0; i < n_integ; i++) {
				if (n == max)
					return n;
				out[n++] = (struct ike_esp_proposal){
					.encr = p->encr[e].id,
					.encr_bits = p->encr[e].keylen,
					.integ = p->n_integ ? p->integ[i] : 0,
					.pfs_dh = p->n_dh ? p->dh[d] : 0,
					.esn = p->esn_yes && !p->esn_no,
				};
			}
	return n;
}

static void map_suites(const struct dconf_tunnel *t, struct ike_tunnel_config *c)
{
	static const char *const profiles[] = { "aws-default", "azure-default" };
	for (size_t i = 0; i < sizeof(profiles) / sizeof(profiles[0]); i++) {
		if (same_profile(t->ike, t->n_ike, profiles[i], PROPOSAL_IKE) &&
		    same_profile(t->esp, t->n_esp, profiles[i], PROPOSAL_ESP) &&
		    ike_profile_apply(c, profiles[i]))
			return;
	}
	c->n_ike = 0;
	for (size_t i = 0; i < t->n_ike; i++)
		c->n_ike = expand_ike(&t->ike[i], c->ike, c->n_ike, IKE_MAX_PROPOSALS);
	c->n_esp = 0;
	for (size_t i = 0; i < t->n_esp; i++)
		c->n_esp = expand_esp(&t->esp[i], c->esp, c->n_esp, IKE_MAX_PROPOSALS);
	c->n_esp_accept = 0;
}

static enum ike_initiation map_initiation(enum dconf_initiation i)
{
	switch (i) {
	case DCONF_INIT_ADD:
		return IKE_INIT_ADD;
	case DCONF_INIT_INITIATOR_ONLY:
		return IKE_INIT_INITIATOR_ONLY;
	default:
		return IKE_INIT_START;
	}
}

static void map_id(const struct dconf_id *in, struct ike_id *out)
{
	memset(out, 0, sizeof(*out));
	if (in->type == DCONF_ID_FQDN) {
		out->type = IKE_IDT_FQDN;
		snprintf(out->value, sizeof(out->value), "%.*s", IKE_ID_MAX - 1, in->value);
	} else if (in->type == DCONF_ID_IPV4_ADDR) {
		out->type = IKE_IDT_IPV4_ADDR;
		snprintf(out->value, sizeof(out->value), "%.*s", IKE_ID_MAX - 1, in->value);
	}
}

void vgwd_map_ike_tunnel(const struct dconf_tunnel *t, struct ike_tunnel_config *c)
{
	memset(c, 0, sizeof(*c));
	ike_tunnel_config_defaults(c);
	snprintf(c->name, sizeof(c->name), "%s", t->name);
	c->local = t->local_outside;
	c->remote = t->remote_outside;
	c->ike_port = t->ike_port;
	c->natt_port = t->natt_port;
	c->psk = t->psk;
	map_id(&t->local_id, &c->local_id);
	map_id(&t->remote_id, &c->remote_id);
	map_suites(t, c);
	c->ike_lifetime_s = t->ike_lifetime_s;
	c->child_lifetime_s = t->child_lifetime_s;
	c->rekey_margin_s = t->rekey_margin_s;
	c->rekey_fuzz_pct = t->rekey_fuzz_pct;
	c->dpd_interval_s = t->dpd_interval_s;
	c->dpd_timeout_s = t->dpd_timeout_s;
	c->dpd_action = t->dpd_action == DCONF_DPD_RESTART ? IKE_DPD_RESTART
			: t->dpd_action == DCONF_DPD_NONE   ? IKE_DPD_NONE
							    : IKE_DPD_CLEAR;
	c->initiation = map_initiation(t->initiation);
	c->replay_window = t->replay_window;
	c->force_encap = true; /* our ESP always runs over UDP 4500 */
}
