/*
 * A tiny two-endpoint world for the IKE fuzzers: node 0 (10.0.0.1) and
 * node 1 (10.0.0.2) with one tunnel each, deterministic randomness and a
 * fake clock. fw_establish() brings the tunnel up; fw_input() feeds bytes
 * to node 1 as if node 0 had sent them.
 */
#ifndef VGW_FUZZ_IKE_WORLD_H
#define VGW_FUZZ_IKE_WORLD_H

#include <stddef.h>
#include <stdint.h>

#include "ike/ike_priv.h"

struct fw {
	struct clock clk;
	struct loop *loop;
	struct ike *ike[2];
	struct ip_addr addr[2];
	uint64_t rng[2];
};

/* Creates the world (no SA yet). */
struct fw *fw_new(void);
void fw_free(struct fw *w);
/* IKE_SA_INIT + IKE_AUTH between the nodes; true when both are up. */
bool fw_establish(struct fw *w);
/* Only IKE_SA_INIT: node 1 is left waiting for IKE_AUTH (whose request
 * from node 0 is discarded). True if node 0 holds the keys. */
bool fw_half_open(struct fw *w);
/* Delivers queued packets (bounded). */
void fw_pump(struct fw *w);
/* One message from node 0 to node 1 (port 500). */
void fw_input(struct fw *w, const uint8_t *pkt, size_t len);

#endif
