/*
 * Cloud algorithm settings -> vgw proposals. Both mappings build proposal
 * strings and run them through proposal_parse(), so the planner cannot
 * produce a proposal the daemon config would refuse.
 *
 *  Azure custom IPsec/IKE policy: one IKE and one ESP proposal
 *    (encryption, integrity / PRF, DH group; PFS group for ESP). With a
 *    GCM IKE cipher the integrity setting names the PRF; "GCMAES128/256"
 *    there maps to PRF HMAC-SHA2-256/384 (our choice, same strength).
 *  AWS tunnel options: per phase, one CBC proposal (every permitted
 *    cipher x integrity x DH group) and one AEAD proposal, like the
 *    aws-default profile. DH groups vgw does not implement (1, 5, 17, 18,
 *    22, 23) are left out.
 */
#include <stdio.h>
#include <string.h>

#include "plan/plan_priv.h"

static const char *enc_token(enum topo_alg a)
{
	switch (a) {
	case TOPO_ALG_AES128: return "aes128";
	case TOPO_ALG_AES192: return "aes192";
	case TOPO_ALG_AES256: return "aes256";
	case TOPO_ALG_AES128_GCM16: return "aes128gcm16";
	case TOPO_ALG_AES192_GCM16: return "aes192gcm16";
	case TOPO_ALG_AES256_GCM16: return "aes256gcm16";
	default: return NULL; /* DES, 3DES, None: not supported by vgw */
	}
}

static const char *integ_token(enum topo_alg a)
{
	switch (a) {
	case TOPO_ALG_SHA1: return "sha1";
	case TOPO_ALG_SHA256: return "sha256";
	case TOPO_ALG_SHA384: return "sha384";
	case TOPO_ALG_SHA512: return "sha512";
	default: return NULL; /* MD5: not supported by vgw */
	}
}

static const char *dh_token(unsigned group)
{
	const char *n = proposal_dh_name((uint16_t)group);
	return strcmp(n, "unknown") == 0 ? NULL : n;
}

/* Appends "-" (unless first), pfx and tok. */
static void cat_pfx(char *buf, size_t size, const char *pfx, const char *tok)
{
	size_t n = strlen(buf);
	snprintf(buf + n, size - n, "%s%s%s", n ? "-" : "", pfx, tok);
}

static void cat(char *buf, size_t size, const char *tok)
{
	cat_pfx(buf, size, "", tok);
}

bool plan_azure_policy(const struct topo_azure_policy *pol,
		       struct dconf_tunnel *t, const char **bad)
{
	const char *ie = enc_token(pol->ike_encryption);
	const char *ii = integ_token(pol->ike_integrity);
	/* "GCMAES256" as IKE integrity (AEAD): pick the PRF of its strength. */
	if (ii == NULL && topo_alg_is_gcm(pol->ike_integrity))
		ii = pol->ike_integrity == TOPO_ALG_AES128_GCM16 ? "sha256"
								 : "sha384";
	const char *idh = dh_token(pol->dh_group);
	const char *ee = enc_token(pol->ipsec_encryption);
	bool gcm = topo_alg_is_gcm(pol->ipsec_encryption);
	const char *ei = gcm ? "" : integ_token(pol->ipsec_integrity);
	unsigned pfs = pol->pfs_mm ? pol->dh_group : pol->pfs_group;
	const char *edh = pfs ? dh_token(pfs) : "";
	*bad = !ie ? "IKE encryption" : !ii ? "IKE integrity" : !idh
	       ? "DH group" : !ee ? "IPsec encryption" : !ei
	       ? "IPsec integrity" : !edh ? "PFS group" : NULL;
	if (*bad != NULL)
		return false;
	char ike[PROPOSAL_STRLEN] = "", esp[PROPOSAL_STRLEN] = "";
	cat(ike, sizeof(ike), ie);
	cat_pfx(ike, sizeof(ike),
		topo_alg_is_gcm(pol->ike_encryption) ? "prf" : "", ii);
	cat(ike, sizeof(ike), idh);
	cat(esp, sizeof(esp), ee);
	if (ei[0])
		cat(esp, sizeof(esp), ei);
	if (edh[0])
		cat(esp, sizeof(esp), edh);
	t->n_ike = t->n_esp = 1;
	return proposal_parse(ike, PROPOSAL_IKE, &t->ike[0], NULL, 0) &&
	       proposal_parse(esp, PROPOSAL_ESP, &t->esp[0], NULL, 0);
}

/* "aes128-aes256-sha1-...-modp2048-..." for one family of ciphers. */
static bool aws_phase(topo_algset enc, topo_algset integ, topo_dhset dh,
		      enum proposal_kind kind, bool aead, struct proposal *out)
{
	char s[PROPOSAL_STRLEN] = "";
	bool any_enc = false;
	for (int a = 0; a < TOPO_ALG_COUNT; a++) {
		const char *tok = enc_token((enum topo_alg)a);
		if ((enc & (1u << a)) && tok &&
		    topo_alg_is_gcm((enum topo_alg)a) == aead) {
			cat(s, sizeof(s), tok);
			any_enc = true;
		}
	}
	if (!any_enc)
		return false;
	for (int a = 0; a < TOPO_ALG_COUNT; a++) {
		const char *tok = integ_token((enum topo_alg)a);
		if (!(integ & (1u << a)) || !tok || (aead && kind == PROPOSAL_ESP))
			continue;
		/* AEAD IKE: the integrity choice names the PRF */
		cat_pfx(s, sizeof(s), aead ? "prf" : "", tok);
	}
	for (unsigned g = 1; g < 32; g++)
		if ((dh & (1u << g)) && dh_token(g))
			cat(s, sizeof(s), dh_token(g));
	return proposal_parse(s, kind, out, NULL, 0);
}

bool plan_aws_options(const struct topo_tunnel_options *o,
		      struct dconf_tunnel *t)
{
	t->n_ike = t->n_esp = 0;
	for (int aead = 0; aead < 2; aead++) {
		if (aws_phase(o->phase1_encryption, o->phase1_integrity,
			      o->phase1_dh_groups, PROPOSAL_IKE, aead,
			      &t->ike[t->n_ike]))
			t->n_ike++;
		if (aws_phase(o->phase2_encryption, o->phase2_integrity,
			      o->phase2_dh_groups, PROPOSAL_ESP, aead,
			      &t->esp[t->n_esp]))
			t->n_esp++;
	}
	return t->n_ike > 0 && t->n_esp > 0;
}
