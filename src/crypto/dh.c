/*
 * Diffie-Hellman for IKEv2 over OpenSSL 3 EVP (see dh.h).
 *
 * MODP groups come from OpenSSL's built-in named groups where it has them
 * (modp_2048/3072/4096, dh_2048_256); group 2 (the 1024-bit Oakley group,
 * RFC 2409 6.2) is given explicitly. The KE data of a MODP group is g^x as
 * a big-endian integer padded to the prime's length (RFC 7296 3.4), which
 * is what EVP's "encoded public key" is for DH. ECP KE data is x || y
 * (RFC 5903 7), i.e. the SEC1 uncompressed point without its 0x04 prefix.
 */
#include "crypto/dh.h"

#include <stdlib.h>
#include <string.h>

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/dh.h>
#include <openssl/params.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/obj_mac.h>
#include <openssl/param_build.h>

enum dh_kind { DH_MODP, DH_ECP, DH_X25519 };

struct dh_group_desc {
	uint16_t id;
	enum dh_kind kind;
	const char *name; /* OpenSSL group name; NULL: explicit prime */
	int nid;          /* ECP curve */
	size_t pub_len;
};

/* RFC 2409 6.2: 2^1024 - 2^960 - 1 + 2^64 * { [2^894 pi] + 129093 }, g=2. */
static const char modp1024_p[] =
	"FFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD1"
	"29024E088A67CC74020BBEA63B139B22514A08798E3404DD"
	"EF9519B3CD3A431B302B0A6DF25F14374FE1356D6D51C245"
	"E485B576625E7EC6F44C42E9A637ED6B0BFF5CB6F406B7ED"
	"EE386BFB5A899FA5AE9F24117C4B1FE649286651ECE65381"
	"FFFFFFFFFFFFFFFF";

static const struct dh_group_desc dh_groups[] = {
	{ CRYPTO_DH_MODP_1024, DH_MODP, NULL, 0, 128 },
	{ CRYPTO_DH_MODP_2048, DH_MODP, "modp_2048", 0, 256 },
	{ CRYPTO_DH_MODP_3072, DH_MODP, "modp_3072", 0, 384 },
	{ CRYPTO_DH_MODP_4096, DH_MODP, "modp_4096", 0, 512 },
	{ CRYPTO_DH_MODP_2048_256, DH_MODP, "dh_2048_256", 0, 256 },
	{ CRYPTO_DH_ECP_256, DH_ECP, "P-256", NID_X9_62_prime256v1, 64 },
	{ CRYPTO_DH_ECP_384, DH_ECP, "P-384", NID_secp384r1, 96 },
	{ CRYPTO_DH_ECP_521, DH_ECP, "P-521", NID_secp521r1, 132 },
	{ CRYPTO_DH_CURVE25519, DH_X25519, "X25519", 0, 32 },
};

struct crypto_dh {
	const struct dh_group_desc *g;
	EVP_PKEY *key;
};

static const struct dh_group_desc *dh_find(uint16_t group)
{
	for (size_t i = 0; i < sizeof(dh_groups) / sizeof(dh_groups[0]); i++)
		if (dh_groups[i].id == group)
			return &dh_groups[i];
	return NULL;
}

bool crypto_dh_supported(uint16_t group)
{
	return dh_find(group) != NULL;
}

size_t crypto_dh_public_len(uint16_t group)
{
	const struct dh_group_desc *g = dh_find(group);
	return g != NULL ? g->pub_len : 0;
}

uint16_t crypto_dh_group(const struct crypto_dh *dh)
{
	return dh->g->id;
}

/* Pushes the domain parameters of a MODP group (named, or p and g). */
static bool modp_push_domain(OSSL_PARAM_BLD *b, const struct dh_group_desc *g,
			     BIGNUM **p, BIGNUM **gen)
{
	if (g->name != NULL)
		return OSSL_PARAM_BLD_push_utf8_string(
			b, OSSL_PKEY_PARAM_GROUP_NAME, g->name, 0);
	if (!BN_hex2bn(p, modp1024_p) || (*gen = BN_new()) == NULL ||
	    !BN_set_word(*gen, 2))
		return false;
	return OSSL_PARAM_BLD_push_BN(b, OSSL_PKEY_PARAM_FFC_P, *p) &&
	       OSSL_PARAM_BLD_push_BN(b, OSSL_PKEY_PARAM_FFC_G, *gen);
}

/* A key object holding only the group's domain parameters. */
static EVP_PKEY *dh_domain(const struct dh_group_desc *g)
{
	OSSL_PARAM_BLD *b = OSSL_PARAM_BLD_new();
	BIGNUM *p = NULL, *gen = NULL;
	OSSL_PARAM *params = NULL;
	EVP_PKEY_CTX *ctx = NULL;
	EVP_PKEY *dom = NULL;

	if (b == NULL)
		goto out;
	if (g->kind == DH_MODP ? !modp_push_domain(b, g, &p, &gen)
			       : !OSSL_PARAM_BLD_push_utf8_string(
					 b, OSSL_PKEY_PARAM_GROUP_NAME, g->name, 0))
		goto out;
	params = OSSL_PARAM_BLD_to_param(b);
	ctx = EVP_PKEY_CTX_new_from_name(NULL, g->kind == DH_MODP ? "DH" : "EC",
					 NULL);
	if (params == NULL || ctx == NULL || EVP_PKEY_fromdata_init(ctx) <= 0 ||
	    EVP_PKEY_fromdata(ctx, &dom, EVP_PKEY_KEY_PARAMETERS, params) <= 0)
		dom = NULL;
out:
	EVP_PKEY_CTX_free(ctx);
	OSSL_PARAM_free(params);
	OSSL_PARAM_BLD_free(b);
	BN_free(p);
	BN_free(gen);
	return dom;
}

static EVP_PKEY *dh_generate(const struct dh_group_desc *g)
{
	EVP_PKEY *dom = NULL, *key = NULL;
	EVP_PKEY_CTX *ctx;

	if (g->kind == DH_X25519) {
		ctx = EVP_PKEY_CTX_new_from_name(NULL, "X25519", NULL);
	} else {
		dom = dh_domain(g);
		ctx = dom != NULL ? EVP_PKEY_CTX_new_from_pkey(NULL, dom, NULL)
				  : NULL;
	}
	if (ctx == NULL || EVP_PKEY_keygen_init(ctx) <= 0 ||
	    EVP_PKEY_generate(ctx, &key) <= 0)
		key = NULL;
	EVP_PKEY_CTX_free(ctx);
	EVP_PKEY_free(dom);
	return key;
}

struct crypto_dh *crypto_dh_new(uint16_t group)
{
	const struct dh_group_desc *g = dh_find(group);
	if (g == NULL)
		return NULL;
	struct crypto_dh *dh = calloc(1, sizeof(*dh));
	if (dh == NULL)
		return NULL;
	dh->g = g;
	dh->key = dh_generate(g);
	if (dh->key == NULL) {
		free(dh);
		return NULL;
	}
	return dh;
}

/* pub = g^x mod p for a MODP group, from the domain parameters. */
static BIGNUM *modp_public(EVP_PKEY *dom, const BIGNUM *x)
{
	BIGNUM *p = NULL, *gen = NULL, *y = BN_new();
	BN_CTX *bc = BN_CTX_new();
	bool ok = y != NULL && bc != NULL &&
		  EVP_PKEY_get_bn_param(dom, OSSL_PKEY_PARAM_FFC_P, &p) &&
		  EVP_PKEY_get_bn_param(dom, OSSL_PKEY_PARAM_FFC_G, &gen) &&
		  BN_mod_exp(y, gen, x, p, bc);
	BN_free(p);
	BN_free(gen);
	BN_CTX_free(bc);
	if (!ok) {
		BN_free(y);
		return NULL;
	}
	return y;
}

/* Uncompressed SEC1 point for x * G on an ECP curve; *len set. */
static uint8_t *ecp_public(int nid, const BIGNUM *x, size_t *len)
{
	EC_GROUP *grp = EC_GROUP_new_by_curve_name(nid);
	EC_POINT *pt = grp != NULL ? EC_POINT_new(grp) : NULL;
	uint8_t *buf = NULL;

	*len = 0;
	if (pt != NULL && EC_POINT_mul(grp, pt, x, NULL, NULL, NULL))
		*len = EC_POINT_point2buf(grp, pt, POINT_CONVERSION_UNCOMPRESSED,
					  &buf, NULL);
	EC_POINT_free(pt);
	EC_GROUP_free(grp);
	return *len > 0 ? buf : NULL;
}

static bool push_public(OSSL_PARAM_BLD *b, const struct dh_group_desc *g,
			EVP_PKEY *dom, const BIGNUM *x, BIGNUM **y,
			uint8_t **pt)
{
	size_t len;
	if (g->kind == DH_MODP) {
		*y = modp_public(dom, x);
		return *y != NULL &&
		       OSSL_PARAM_BLD_push_BN(b, OSSL_PKEY_PARAM_PUB_KEY, *y);
	}
	*pt = ecp_public(g->nid, x, &len);
	return *pt != NULL && OSSL_PARAM_BLD_push_octet_string(
				      b, OSSL_PKEY_PARAM_PUB_KEY, *pt, len);
}

/* MODP/ECP key pair from a private integer (test seam). */
static EVP_PKEY *dh_from_private(const struct dh_group_desc *g,
				 const uint8_t *priv, size_t len)
{
	EVP_PKEY *dom = dh_domain(g), *key = NULL;
	OSSL_PARAM_BLD *b = OSSL_PARAM_BLD_new();
	BIGNUM *x = BN_bin2bn(priv, (int)len, NULL), *p = NULL, *gen = NULL;
	BIGNUM *y = NULL;
	uint8_t *pt = NULL;
	OSSL_PARAM *params = NULL;
	EVP_PKEY_CTX *ctx = NULL;

	if (dom == NULL || b == NULL || x == NULL)
		goto out;
	if (g->kind == DH_MODP ? !modp_push_domain(b, g, &p, &gen)
			       : !OSSL_PARAM_BLD_push_utf8_string(
					 b, OSSL_PKEY_PARAM_GROUP_NAME, g->name, 0))
		goto out;
	if (!OSSL_PARAM_BLD_push_BN(b, OSSL_PKEY_PARAM_PRIV_KEY, x) ||
	    !push_public(b, g, dom, x, &y, &pt))
		goto out;
	params = OSSL_PARAM_BLD_to_param(b);
	ctx = EVP_PKEY_CTX_new_from_name(NULL, g->kind == DH_MODP ? "DH" : "EC",
					 NULL);
	if (params == NULL || ctx == NULL || EVP_PKEY_fromdata_init(ctx) <= 0 ||
	    EVP_PKEY_fromdata(ctx, &key, EVP_PKEY_KEYPAIR, params) <= 0)
		key = NULL;
out:
	EVP_PKEY_CTX_free(ctx);
	OSSL_PARAM_free(params);
	OSSL_PARAM_BLD_free(b);
	BN_clear_free(x);
	BN_free(p);
	BN_free(gen);
	BN_free(y);
	OPENSSL_free(pt);
	EVP_PKEY_free(dom);
	return key;
}

struct crypto_dh *crypto_dh_new_private(uint16_t group, const uint8_t *priv,
					size_t priv_len)
{
	const struct dh_group_desc *g = dh_find(group);
	if (g == NULL || priv_len == 0 || priv_len > 1024)
		return NULL;
	struct crypto_dh *dh = calloc(1, sizeof(*dh));
	if (dh == NULL)
		return NULL;
	dh->g = g;
	if (g->kind == DH_X25519)
		dh->key = priv_len == 32 ? EVP_PKEY_new_raw_private_key(
						   EVP_PKEY_X25519, NULL, priv, 32)
					 : NULL;
	else
		dh->key = dh_from_private(g, priv, priv_len);
	if (dh->key == NULL) {
		free(dh);
		return NULL;
	}
	return dh;
}

void crypto_dh_free(struct crypto_dh *dh)
{
	if (dh == NULL)
		return;
	EVP_PKEY_free(dh->key); /* OpenSSL clears private key material */
	free(dh);
}

bool crypto_dh_public(const struct crypto_dh *dh, uint8_t *out, size_t len)
{
	uint8_t *enc = NULL;
	size_t n, skip;
	bool ok;

	if (len != dh->g->pub_len)
		return false;
	n = EVP_PKEY_get1_encoded_public_key(dh->key, &enc);
	skip = dh->g->kind == DH_ECP ? 1 : 0; /* SEC1 0x04 prefix */
	ok = n == len + skip;
	if (ok)
		memcpy(out, enc + skip, len);
	OPENSSL_free(enc);
	return ok;
}

/* RFC 7296 / RFC 2631 style range check: 1 < y < p-1 (byte-wise). */
static bool modp_peer_in_range(const uint8_t *y, size_t len,
			       const struct crypto_dh *dh)
{
	uint8_t acc = 0;
	for (size_t i = 0; i + 1 < len; i++)
		acc |= y[i];
	if (acc == 0 && y[len - 1] <= 1)
		return false; /* 0 or 1 */
	uint8_t *pm1 = NULL;
	BIGNUM *p = NULL;
	bool ok = false;
	if (EVP_PKEY_get_bn_param(dh->key, OSSL_PKEY_PARAM_FFC_P, &p) &&
	    BN_sub_word(p, 1) && (pm1 = OPENSSL_malloc(len)) != NULL &&
	    BN_bn2binpad(p, pm1, (int)len) == (int)len)
		ok = memcmp(y, pm1, len) < 0;
	OPENSSL_free(pm1);
	BN_free(p);
	return ok;
}

static EVP_PKEY *dh_peer_key(const struct crypto_dh *dh, const uint8_t *peer,
			     size_t len)
{
	if (dh->g->kind == DH_X25519)
		return EVP_PKEY_new_raw_public_key(EVP_PKEY_X25519, NULL, peer,
						   len);
	EVP_PKEY *pk = EVP_PKEY_new();
	uint8_t pt[1 + 132];
	const uint8_t *enc = peer;
	size_t enc_len = len;
	if (dh->g->kind == DH_ECP) {
		pt[0] = 0x04;
		memcpy(pt + 1, peer, len);
		enc = pt;
		enc_len = len + 1;
	}
	if (pk == NULL || EVP_PKEY_copy_parameters(pk, dh->key) <= 0 ||
	    EVP_PKEY_set1_encoded_public_key(pk, enc, enc_len) <= 0) {
		EVP_PKEY_free(pk);
		return NULL;
	}
	return pk;
}

struct secret *crypto_dh_shared(const struct crypto_dh *dh,
				const uint8_t *peer, size_t peer_len)
{
	struct secret *s = NULL;
	EVP_PKEY *pk = NULL;
	EVP_PKEY_CTX *ctx = NULL;
	size_t n = 0;

	if (peer_len != dh->g->pub_len)
		return NULL;
	if (dh->g->kind == DH_MODP && !modp_peer_in_range(peer, peer_len, dh))
		return NULL;
	pk = dh_peer_key(dh, peer, peer_len);
	ctx = pk != NULL ? EVP_PKEY_CTX_new_from_pkey(NULL, dh->key, NULL) : NULL;
	if (ctx == NULL || EVP_PKEY_derive_init(ctx) <= 0)
		goto out;
	if (dh->g->kind == DH_MODP && EVP_PKEY_CTX_set_dh_pad(ctx, 1) <= 0)
		goto out;
	if (EVP_PKEY_derive_set_peer_ex(ctx, pk, 1) <= 0 ||
	    EVP_PKEY_derive(ctx, NULL, &n) <= 0 || n == 0)
		goto out;
	s = secret_new(n);
	if (s != NULL && (EVP_PKEY_derive(ctx, s->p, &n) <= 0 || n != s->len)) {
		secret_free(s);
		s = NULL;
	}
out:
	EVP_PKEY_CTX_free(ctx);
	EVP_PKEY_free(pk);
	return s;
}
