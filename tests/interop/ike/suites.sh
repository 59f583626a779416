# shellcheck shell=bash
#
# suites.sh: the proposal sets every IKE interop script runs (one table), and
# the helpers that look a row up. Sourced.
#
# Columns: name | charon IKE proposals | charon ESP proposals | vgw
# ike_proposals | vgw esp_proposals | IKE algorithms charon must report.
#
#   gcm_ecp256    AES-256-GCM-16, PRF SHA2-256, ECP-256 (PFS ECP-256 on rekey)
#   gcm_x25519    AES-256-GCM-16, PRF SHA2-256, Curve25519 (no PFS)
#   cbc_modp2048  AES-256-CBC + HMAC-SHA2-256-128, MODP-2048 (PFS MODP-2048)
#   azure         Azure VPN gateway default offer (cloud-rules 1.6): IKE
#                 AES256/SHA1/DH2, Child SA AES256/SHA1 without PFS.
#                 strongSwan no longer proposes modp1024 unless told to.
#   aws           AWS default tunnel options as in AWS's sample configs
#                 (cloud-rules 2.3, 2.6): AES128/SHA1/DH2, ESP with PFS DH2.
#                 vgw uses its aws-default profile (the whole permitted set).
IKE_SUITES=(
	"gcm_ecp256|aes256gcm16-prfsha256-ecp256|aes256gcm16-ecp256|aes256gcm16-prfsha256-ecp256|aes256gcm16-ecp256|AES_GCM_16-256/PRF_HMAC_SHA2_256/ECP_256"
	"gcm_x25519|aes256gcm16-prfsha256-x25519|aes256gcm16|aes256gcm16-prfsha256-curve25519|aes256gcm16|AES_GCM_16-256/PRF_HMAC_SHA2_256/CURVE_25519"
	"cbc_modp2048|aes256-sha256-modp2048|aes256-sha256-modp2048|aes256-sha256-modp2048|aes256-sha256-modp2048|AES_CBC-256/HMAC_SHA2_256_128/PRF_HMAC_SHA2_256/MODP_2048"
	"azure|aes256-sha1-modp1024|aes256-sha1|azure-default|azure-default|AES_CBC-256/HMAC_SHA1_96/PRF_HMAC_SHA1/MODP_1024"
	"aws|aes128-sha1-modp1024|aes128-sha1-modp1024|aws-default|aws-default|AES_CBC-128/HMAC_SHA1_96/PRF_HMAC_SHA1/MODP_1024"
)

# suite_field NAME N: column N (1-based) of suite NAME; fails if unknown.
suite_field() {
	local row
	for row in "${IKE_SUITES[@]}"; do
		if [ "${row%%|*}" = "$1" ]; then
			printf '%s' "$row" | cut -d'|' -f"$2"
			return 0
		fi
	done
	return 1
}

suite_names() {
	local row
	for row in "${IKE_SUITES[@]}"; do printf '%s\n' "${row%%|*}"; done
}
