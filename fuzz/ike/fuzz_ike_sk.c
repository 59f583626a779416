/*
 * Fuzzer for IKE messages after decryption. Node 0 and node 1 establish
 * an IKE SA with fixed (deterministic) keys; each input is then sealed in
 * an SK payload by node 0 and delivered to node 1 as its next request, so
 * the inner payload codec and every authenticated request handler
 * (IKE_AUTH in the wrong state, CREATE_CHILD_SA rekeys of Child and IKE
 * SAs, INFORMATIONAL deletes) see arbitrary plaintext.
 *
 * Input: byte 0 selects the exchange (34..37), byte 1 is the first inner
 * payload type, byte 2 selects request (even) or response (odd); the rest
 * is the inner payload chain. An IKE_AUTH request goes to a node 1 that
 * has only done IKE_SA_INIT, so authentication (ID, AUTH, SA, TS parsing)
 * sees attacker-chosen plaintext, as it would from any host that can run
 * IKE_SA_INIT with us. With bit 1 of byte 2 set, the harness first writes
 * a valid IDi and AUTH, so the fuzzed rest (SA, TS, notifies) reaches the
 * Child SA part of IKE_AUTH.
 */
#include <stdlib.h>
#include <string.h>

#include "fuzz_world.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* IDi and a correct PSK AUTH from initiator a (RFC 7296 2.15). */
static void valid_id_auth(struct ike_sa *a, struct ike_enc *e)
{
	uint8_t mac[64];
	ike_id_encode(e, IKE_P_IDi, a->tun, true);
	const uint8_t *body = e->buf + IKE_GENERIC_HDR_LEN;
	size_t len = wr_len(&e->w) - IKE_GENERIC_HDR_LEN;
	if (!ike_auth_psk(a->suite.prf, a->tun->psk, a->init_req,
			  a->init_req_len, a->nr, a->nr_len, a->keys.sk_pi,
			  body, len, mac))
		abort();
	size_t s = ike_enc_begin(e, IKE_P_AUTH);
	wr_u8(&e->w, IKE_AUTH_SHARED_KEY_MIC);
	wr_zero(&e->w, 3);
	wr_bytes(&e->w, mac, crypto_prf_len(a->suite.prf));
	ike_enc_end(e, s);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct ike_enc e;
	static uint8_t pkt[IKE_MAX_MSG];
	if (size < 3 || size > 4000)
		return 0;
	struct fw *w = fw_new();
	if (w == NULL)
		return 0;
	uint8_t x = (uint8_t)(34 + data[0] % 4);
	bool half = x == IKE_X_IKE_AUTH && !(data[2] & 1);
	if (!(half ? fw_half_open(w) : fw_establish(w)))
		abort(); /* the fixed setup must always work */
	struct ike_sa *a = w->ike[0]->sas, *b = w->ike[1]->sas;
	ike_enc_init(&e);
	if (half && (data[2] & 2)) {
		valid_id_auth(a, &e);
		wr_patch_u8(&e.w, e.next_off, data[1]);
	} else {
		e.first = data[1];
		e.next_off = 0;
	}
	wr_bytes(&e.w, data + 3, size - 3);
	struct ike_hdr h = { .version = IKE_VERSION, .exchange = x };
	memcpy(h.spi_i, a->spi_i, IKE_SPI_LEN);
	memcpy(h.spi_r, a->spi_r, IKE_SPI_LEN);
	if (data[2] & 1) {
		/* As an answer to a request node 1 has outstanding. */
		ike_info_send_dpd(b);
		h.flags = IKE_FLAG_INITIATOR | IKE_FLAG_RESPONSE;
		h.msg_id = b->out.msg_id;
	} else {
		h.flags = IKE_FLAG_INITIATOR;
		h.msg_id = b->peer_msg_id;
	}
	size_t len;
	if (ike_sk_seal(a, &h, &e, pkt, sizeof(pkt), &len)) {
		fw_input(w, pkt, len);
		fw_pump(w);
	}
	fw_free(w);
	return 0;
}
