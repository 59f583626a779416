/*
 * Fuzzer for IKE messages before decryption: the header and payload
 * codec, the rule tables, SA/notify/KE decoding, and a responder's whole
 * IKE_SA_INIT path (proposal choice, INVALID_KE, cookies, key exchange),
 * by feeding each input to a live endpoint with a configured tunnel.
 */
#include <stdlib.h>
#include <string.h>

#include "fuzz_world.h"

static struct ike_msg m;

static void codec_only(const uint8_t *data, size_t size)
{
	struct ike_disp d = ike_msg_decode(&m, data, size);
	if (d.kind != IKE_D_OK)
		return;
	ike_msg_check_rules(&m);
	for (size_t i = 0; i < m.n; i++) {
		struct ike_prop props[8];
		struct ike_notify n;
		size_t np;
		if (m.pl[i].type == IKE_P_SA &&
		    ike_sa_payload_decode(&m.pl[i], props, 8, &np)) {
			static const struct ike_ike_proposal p = { 20, 128, 0, 5, 19 };
			struct ike_suite s;
			char buf[256];
			ike_choose_ike(props, np, &p, 1, &s);
			ike_props_fmt(props, np, buf, sizeof(buf));
		}
		if (m.pl[i].type == IKE_P_N)
			ike_notify_decode(&m.pl[i], &n);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	codec_only(data, size);
	struct fw *w = fw_new();
	if (w == NULL)
		return 0;
	fw_input(w, data, size);
	fw_free(w);
	return 0;
}
