/*
 * Name tables for the IKEv2 constants, generated from the X-macro lists in
 * ikev2_wire.h. Unknown values map to "UNKNOWN": logs print the number next
 * to the name.
 */
#include "ike/ikev2_wire.h"

#include <stddef.h>

struct wire_name {
	unsigned v;
	const char *name;
};

static const char *wire_lookup(const struct wire_name *t, size_t n, unsigned v)
{
	for (size_t i = 0; i < n; i++)
		if (t[i].v == v)
			return t[i].name;
	return "UNKNOWN";
}

#define WIRE_ENTRY(n, v) { v, #n },
#define WIRE_TABLE_FN(fn, list)                                      \
	const char *fn(unsigned v)                                   \
	{                                                            \
		static const struct wire_name t[] = { list(WIRE_ENTRY) }; \
		return wire_lookup(t, sizeof(t) / sizeof(t[0]), v);  \
	}

WIRE_TABLE_FN(ike_exchange_name, IKE_EXCHANGE_LIST)
WIRE_TABLE_FN(ike_payload_name, IKE_PAYLOAD_LIST)
WIRE_TABLE_FN(ike_notify_name, IKE_NOTIFY_LIST)
WIRE_TABLE_FN(ike_transform_type_name, IKE_TRANSFORM_TYPE_LIST)
WIRE_TABLE_FN(ike_encr_name, IKE_ENCR_LIST)
WIRE_TABLE_FN(ike_prf_name, IKE_PRF_LIST)
WIRE_TABLE_FN(ike_integ_name, IKE_INTEG_LIST)
WIRE_TABLE_FN(ike_dh_name, IKE_DH_LIST)
