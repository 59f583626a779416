/*
 * Pre-shared keys. AWS (VPNTunnels): 8-64 characters of [A-Za-z0-9._],
 * not starting with '0'. Azure: printable ASCII without space, '-' or '~',
 * at most 128 characters. Both ends of a tunnel hold the same key.
 * Keys are never printed: messages give lengths and character positions.
 */
#include "config/validate_priv.h"

#include <string.h>

#include "crypto/secret.h"

static bool aws_char(char ch)
{
	return (ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') ||
	       (ch >= '0' && ch <= '9') || ch == '.' || ch == '_';
}

static bool azure_char(char ch)
{
	return ch > ' ' && ch < 0x7f && ch != '-' && ch != '~';
}

/* Index of the first character failing ok(), or -1. */
static long first_bad(const char *k, bool (*ok)(char))
{
	for (size_t i = 0; k[i] != '\0'; i++)
		if (!ok(k[i]))
			return (long)i;
	return -1;
}

static void check_aws(struct topo_vd *v, const struct topo_tunnel *tun)
{
	const char *k = tun->pre_shared_key;
	const struct topo_pos *at = &tun->pre_shared_key_at;
	size_t len = strlen(k);
	long bad = first_bad(k, aws_char);
	if (len < 8 || len > 64)
		topo_vd_report(v, DIAG_ERROR, at, "psk.aws_length",
			       "AWS accepts 8-64 characters",
			       "pre-shared key <redacted> has %zu characters",
			       len);
	if (bad >= 0)
		topo_vd_report(v, DIAG_ERROR, at, "psk.aws_charset",
			       "AWS accepts only letters, digits, '.' and '_'",
			       "pre-shared key <redacted> has a character AWS "
			       "refuses at position %ld", bad + 1);
	if (k[0] == '0')
		topo_vd_report(v, DIAG_ERROR, at, "psk.aws_leading_zero",
			       "AWS refuses keys starting with 0",
			       "pre-shared key <redacted> starts with '0'");
}

static void check_azure(struct topo_vd *v, const struct topo_connection *c)
{
	long bad = first_bad(c->shared_key, azure_char);
	if (bad >= 0)
		topo_vd_report(v, DIAG_ERROR, &c->shared_key_at,
			       "psk.azure_charset",
			       "Azure accepts printable ASCII except space, "
			       "'-' and '~'",
			       "shared key <redacted> has a character Azure "
			       "refuses at position %ld", bad + 1);
}

static void check_pair(struct topo_vd *v, size_t ci)
{
	const struct topo_connection *c = &v->t->azure.conns[ci];
	size_t vpn, k;
	if (!topo_vd_conn_tunnel(v, ci, &vpn, &k))
		return;
	const struct topo_tunnel *tun = &v->t->aws.vpns[vpn].tunnels[k];
	size_t la = strlen(c->shared_key), lb = strlen(tun->pre_shared_key);
	if (la == lb && secret_equal(c->shared_key, tun->pre_shared_key, la))
		return;
	topo_vd_report(v, DIAG_ERROR, &c->shared_key_at, "psk.mismatch",
		       "use the same key on both ends of the tunnel",
		       "shared key <redacted> (%zu characters) differs from the "
		       "pre-shared key of AWS tunnel %s (%zu characters)",
		       la, tun->pre_shared_key_at.path, lb);
}

void topo_vd_psk(struct topo_vd *v)
{
	const struct topology *t = v->t;
	for (size_t i = 0; i < t->aws.n_vpns; i++)
		for (size_t k = 0; k < t->aws.vpns[i].n_tunnels; k++)
			check_aws(v, &t->aws.vpns[i].tunnels[k]);
	for (size_t i = 0; i < t->azure.n_conns; i++) {
		check_azure(v, &t->azure.conns[i]);
		check_pair(v, i);
	}
}
