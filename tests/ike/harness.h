/*
 * Two (or three) IKE endpoints in one process over a fake transport, on
 * one loop with a fake clock. Packets are queued and delivered by
 * h_pump(); a drop filter simulates loss and dead peers.
 */
#ifndef VGW_TESTS_IKE_HARNESS_H
#define VGW_TESTS_IKE_HARNESS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/loop.h"
#include "ike/ike.h"

#define H_NODES 3
#define H_EVENTS 64

struct h_event {
	bool up; /* child_up, else child_down */
	uint32_t spi_in, spi_out;
	uint8_t encr_in[64], encr_out[64];
	size_t encr_len;
	bool encap, esn;
	uint16_t local_port, remote_port;
};

struct h_node {
	struct ike *ike;
	struct ip_addr addr;
	struct h_event ev[H_EVENTS];
	size_t n_ev;
	enum ike_tunnel_state state;
	char reason[200];
	unsigned state_changes;
	uint64_t sent;
	int64_t send_ms[32];
	size_t n_send;
};

struct h_world {
	struct clock clk;
	struct loop *loop;
	struct h_node node[H_NODES];
	/* drop[i]: drop everything node i sends (dead / unreachable). */
	bool drop_from[H_NODES];
	/* >= 0: let this many more packets from node i through, then drop. */
	int allow_from[H_NODES];
	bool dup_from[H_NODES]; /* deliver every packet from node i twice */
	bool duplicate_next; /* deliver the next packet twice */
};

void h_init(struct h_world *w);
void h_fini(struct h_world *w);
/* Config for a tunnel from node a to node b, both named "t". */
void h_config(struct h_world *w, int a, int b, struct ike_tunnel_config *c,
	      const char *psk);
/* Deliver queued packets until none is left (bounded). */
void h_pump(struct h_world *w);
/* Advance the fake clock in 100 ms steps, running timers and pumping. */
void h_run(struct h_world *w, int64_t ms);
/* Number of child SAs currently up (child_up minus child_down). */
int h_children(const struct h_node *n);
/* Counts IKE SAs in the module (all states but DEAD). */
int h_ike_sas(struct ike *ike);
/* Integer field of the first tunnel in ike_tunnels_json(), -1 if absent. */
long h_json_int(struct ike *ike, const char *field);
/* String field (copied into buf). */
void h_json_str(struct ike *ike, const char *field, char *buf, size_t size);
/* Index of the last child_up / child_down event, -1 if none. */
int h_last_event(const struct h_node *n, bool up);

#endif
