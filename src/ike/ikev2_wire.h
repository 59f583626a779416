/*
 * IKEv2 wire constants (RFC 7296 3, IANA "IKEv2 Parameters"), each list
 * written once as an X-macro so the enum and its name table cannot drift.
 */
#ifndef VGW_IKE_IKEV2_WIRE_H
#define VGW_IKE_IKEV2_WIRE_H

#include <stdint.h>

#define IKE_HDR_LEN 28
#define IKE_GENERIC_HDR_LEN 4
#define IKE_SPI_LEN 8
#define IKE_VERSION 0x20 /* major 2, minor 0 */
#define IKE_MAX_MSG 8192

/* Header flags (RFC 7296 3.1). */
#define IKE_FLAG_INITIATOR 0x08
#define IKE_FLAG_VERSION 0x10
#define IKE_FLAG_RESPONSE 0x20
#define IKE_PAYLOAD_CRITICAL 0x80

/* RFC 7296 3.2 Exchange Types. */
#define IKE_EXCHANGE_LIST(X) \
	X(IKE_SA_INIT, 34)   \
	X(IKE_AUTH, 35)      \
	X(CREATE_CHILD_SA, 36) \
	X(INFORMATIONAL, 37)

/* RFC 7296 3.2 Payload Types. */
#define IKE_PAYLOAD_LIST(X) \
	X(NONE, 0)          \
	X(SA, 33)           \
	X(KE, 34)           \
	X(IDi, 35)          \
	X(IDr, 36)          \
	X(CERT, 37)         \
	X(CERTREQ, 38)      \
	X(AUTH, 39)         \
	X(NONCE, 40)        \
	X(N, 41)            \
	X(D, 42)            \
	X(V, 43)            \
	X(TSi, 44)          \
	X(TSr, 45)          \
	X(SK, 46)           \
	X(CP, 47)           \
	X(EAP, 48)          \
	X(SKF, 53)

/* RFC 7296 3.10.1 Notify Message Types (errors < 16384, then status). */
#define IKE_NOTIFY_LIST(X)                   \
	X(UNSUPPORTED_CRITICAL_PAYLOAD, 1)   \
	X(INVALID_IKE_SPI, 4)                \
	X(INVALID_MAJOR_VERSION, 5)          \
	X(INVALID_SYNTAX, 7)                 \
	X(INVALID_MESSAGE_ID, 9)             \
	X(INVALID_SPI, 11)                   \
	X(NO_PROPOSAL_CHOSEN, 14)            \
	X(INVALID_KE_PAYLOAD, 17)            \
	X(AUTHENTICATION_FAILED, 24)         \
	X(SINGLE_PAIR_REQUIRED, 34)          \
	X(NO_ADDITIONAL_SAS, 35)             \
	X(INTERNAL_ADDRESS_FAILURE, 36)      \
	X(FAILED_CP_REQUIRED, 37)            \
	X(TS_UNACCEPTABLE, 38)               \
	X(INVALID_SELECTORS, 39)             \
	X(TEMPORARY_FAILURE, 43)             \
	X(CHILD_SA_NOT_FOUND, 44)            \
	X(INITIAL_CONTACT, 16384)            \
	X(SET_WINDOW_SIZE, 16385)            \
	X(ADDITIONAL_TS_POSSIBLE, 16386)     \
	X(IPCOMP_SUPPORTED, 16387)           \
	X(NAT_DETECTION_SOURCE_IP, 16388)    \
	X(NAT_DETECTION_DESTINATION_IP, 16389) \
	X(COOKIE, 16390)                     \
	X(USE_TRANSPORT_MODE, 16391)         \
	X(HTTP_CERT_LOOKUP_SUPPORTED, 16392) \
	X(REKEY_SA, 16393)                   \
	X(ESP_TFC_PADDING_NOT_SUPPORTED, 16394) \
	X(NON_FIRST_FRAGMENTS_ALSO, 16395)   \
	X(MOBIKE_SUPPORTED, 16396)           \
	X(IKEV2_FRAGMENTATION_SUPPORTED, 16430) \
	X(SIGNATURE_HASH_ALGORITHMS, 16431)

/* RFC 7296 3.3.2 Transform Types. */
#define IKE_TRANSFORM_TYPE_LIST(X) \
	X(ENCR, 1)                 \
	X(PRF, 2)                  \
	X(INTEG, 3)                \
	X(DH, 4)                   \
	X(ESN, 5)

/* Transform IDs, Type 1 (RFC 7296, RFC 5282). */
#define IKE_ENCR_LIST(X)  \
	X(3DES, 3)        \
	X(NULL, 11)       \
	X(AES_CBC, 12)    \
	X(AES_CTR, 13)    \
	X(AES_GCM_8, 18)  \
	X(AES_GCM_12, 19) \
	X(AES_GCM_16, 20)

/* Type 2. */
#define IKE_PRF_LIST(X)          \
	X(PRF_HMAC_MD5, 1)       \
	X(PRF_HMAC_SHA1, 2)      \
	X(PRF_AES128_XCBC, 4)    \
	X(PRF_HMAC_SHA2_256, 5)  \
	X(PRF_HMAC_SHA2_384, 6)  \
	X(PRF_HMAC_SHA2_512, 7)

/* Type 3. */
#define IKE_INTEG_LIST(X)             \
	X(NONE, 0)                    \
	X(HMAC_MD5_96, 1)             \
	X(HMAC_SHA1_96, 2)            \
	X(AES_XCBC_96, 5)             \
	X(HMAC_SHA2_256_128, 12)      \
	X(HMAC_SHA2_384_192, 13)      \
	X(HMAC_SHA2_512_256, 14)

/* Type 4 (RFC 3526, 5114, 5903, 8031). */
#define IKE_DH_LIST(X)        \
	X(NONE, 0)            \
	X(MODP_768, 1)        \
	X(MODP_1024, 2)       \
	X(MODP_1536, 5)       \
	X(MODP_2048, 14)      \
	X(MODP_3072, 15)      \
	X(MODP_4096, 16)      \
	X(MODP_6144, 17)      \
	X(MODP_8192, 18)      \
	X(ECP_256, 19)        \
	X(ECP_384, 20)        \
	X(ECP_521, 21)        \
	X(MODP_1024_160, 22)  \
	X(MODP_2048_224, 23)  \
	X(MODP_2048_256, 24)  \
	X(CURVE_25519, 31)


enum ike_exchange {
#define X(n, v) IKE_X_##n = v,
	IKE_EXCHANGE_LIST(X)
#undef X
};

enum ike_payload_type {
#define X(n, v) IKE_P_##n = v,
	IKE_PAYLOAD_LIST(X)
#undef X
};

enum ike_notify_type {
#define X(n, v) IKE_N_##n = v,
	IKE_NOTIFY_LIST(X)
#undef X
};

enum ike_transform_type {
#define X(n, v) IKE_T_##n = v,
	IKE_TRANSFORM_TYPE_LIST(X)
#undef X
};

enum ike_encr_id {
#define X(n, v) IKE_ENCR_##n = v,
	IKE_ENCR_LIST(X)
#undef X
};

enum ike_prf_id {
#define X(n, v) IKE_##n = v,
	IKE_PRF_LIST(X)
#undef X
};

enum ike_integ_id {
#define X(n, v) IKE_INTEG_##n = v,
	IKE_INTEG_LIST(X)
#undef X
};

enum ike_dh_id {
#define X(n, v) IKE_DH_##n = v,
	IKE_DH_LIST(X)
#undef X
};

/* Other small code points. */
enum {
	IKE_PROTO_IKE = 1,
	IKE_PROTO_ESP = 3,
	IKE_AUTH_SHARED_KEY_MIC = 2, /* RFC 7296 3.8 */
	IKE_ID_IPV4_ADDR = 1,        /* RFC 7296 3.5 */
	IKE_ID_FQDN = 2,
	IKE_ID_RFC822_ADDR = 3,
	IKE_ID_IPV6_ADDR = 5,
	IKE_ID_KEY_ID = 11,
	IKE_TS_IPV4_ADDR_RANGE = 7, /* RFC 7296 3.13.1 */
	IKE_TS_IPV6_ADDR_RANGE = 8,
	IKE_ATTR_KEY_LENGTH = 14,   /* RFC 7296 3.3.5, TV format */
	IKE_ATTR_FORMAT_TV = 0x8000,
	IKE_ESN_NO = 0,
	IKE_ESN_YES = 1,
};

/* Names for logs; "UNKNOWN(n)"-style fallbacks are written into buf. */
const char *ike_exchange_name(unsigned v);
const char *ike_payload_name(unsigned v);
const char *ike_notify_name(unsigned v);
const char *ike_transform_type_name(unsigned v);
const char *ike_encr_name(unsigned v);
const char *ike_prf_name(unsigned v);
const char *ike_integ_name(unsigned v);
const char *ike_dh_name(unsigned v);

#endif
