/*
 * Dataplane engine over loopback: IKE demux on 500 and 4500 (non-ESP
 * marker), keepalives, invalid and unknown-SPI datagrams counted,
 * dp_send_ike framing. As root, in a private network namespace (unshare),
 * also a TUN tunnel: SA install/remove rules (make-before-break, EEXIST,
 * ENOENT) and packets both ways through the real TUN, checked against an
 * independent esp_sa on the test side, plus replay and forgery counters.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <json-c/json.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sched.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cmocka.h>

#include "crypto/cipher.h"
#include "io/dataplane.h"
#include "io/dp_priv.h"
#include "io/pkt.h"

#define IKE_PORT 41500
#define NATT_PORT 44500

struct env {
	struct loop *loop;
	struct dp *dp;
	int peer; /* the remote side's UDP socket on 127.0.0.1 */
	uint16_t peer_port;
	int ike_calls;
	size_t ike_len;
	uint16_t ike_local_port, ike_remote_port;
	uint8_t ike_first;
	bool netns;
};

static void on_ike(void *arg, const struct dp_endpoint *local,
		   const struct dp_endpoint *remote, const uint8_t *pkt,
		   size_t len)
{
	struct env *e = arg;
	e->ike_calls++;
	e->ike_len = len;
	e->ike_local_port = local->port;
	e->ike_remote_port = remote->port;
	e->ike_first = pkt[0];
}

static void lo_up(void)
{
	int s = socket(AF_INET, SOCK_DGRAM, 0);
	struct ifreq ifr;
	memset(&ifr, 0, sizeof(ifr));
	strcpy(ifr.ifr_name, "lo");
	ioctl(s, SIOCGIFFLAGS, &ifr);
	ifr.ifr_flags |= IFF_UP;
	ioctl(s, SIOCSIFFLAGS, &ifr);
	close(s);
}

static int setup(void **state)
{
	static struct env e;
	memset(&e, 0, sizeof(e));
	/* As root, keep everything (TUN included) in a private netns. */
	if (geteuid() == 0 && unshare(CLONE_NEWNET) == 0) {
		e.netns = true;
		lo_up();
	}
	e.loop = loop_new(&clock_system);
	struct dp_config cfg = { .ike_port = IKE_PORT, .natt_port = NATT_PORT };
	ip_addr_parse("127.0.0.1", &cfg.local);
	struct dp_hooks hooks = { on_ike, &e };
	e.dp = dp_new(e.loop, &cfg, &hooks);
	assert_non_null(e.dp);
	e.peer = socket(AF_INET, SOCK_DGRAM, 0);
	struct sockaddr_in sa = { .sin_family = AF_INET,
				  .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	assert_int_equal(bind(e.peer, (struct sockaddr *)&sa, sizeof(sa)), 0);
	socklen_t sl = sizeof(sa);
	getsockname(e.peer, (struct sockaddr *)&sa, &sl);
	e.peer_port = ntohs(sa.sin_port);
	struct timeval tv = { 1, 0 };
	setsockopt(e.peer, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	*state = &e;
	return 0;
}

static int teardown(void **state)
{
	struct env *e = *state;
	dp_free(e->dp);
	loop_free(e->loop);
	close(e->peer);
	return 0;
}

static void peer_send(struct env *e, uint16_t port, const void *p, size_t n)
{
	struct sockaddr_in to = { .sin_family = AF_INET,
				  .sin_port = htons(port),
				  .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	assert_int_equal(sendto(e->peer, p, n, 0, (struct sockaddr *)&to,
				sizeof(to)),
			 (ssize_t)n);
}

static void spin(struct env *e, int rounds)
{
	for (int i = 0; i < rounds; i++)
		loop_run_once(e->loop, 20);
}

static int64_t stat_get(struct env *e, const char *a, const char *b)
{
	struct json_object *j = dp_stats_json(e->dp), *x = NULL, *y = NULL;
	int64_t v = -1;
	if (json_object_object_get_ex(j, a, &x)) {
		if (b == NULL)
			v = json_object_get_int64(x);
		else if (json_object_object_get_ex(x, b, &y))
			v = json_object_get_int64(y);
	}
	json_object_put(j);
	return v;
}

static void test_ike_demux(void **state)
{
	struct env *e = *state;
	uint8_t msg[4 + 28];
	memset(msg, 0, sizeof(msg));
	msg[4] = 0xab;
	peer_send(e, NATT_PORT, msg, sizeof(msg));
	spin(e, 3);
	assert_int_equal(e->ike_calls, 1);
	assert_int_equal(e->ike_len, 28);
	assert_int_equal(e->ike_first, 0xab);
	assert_int_equal(e->ike_local_port, NATT_PORT);
	assert_int_equal(e->ike_remote_port, e->peer_port);
	peer_send(e, IKE_PORT, msg + 4, 28);
	spin(e, 3);
	assert_int_equal(e->ike_calls, 2);
	assert_int_equal(e->ike_local_port, IKE_PORT);
	uint8_t ka = 0xff, esp[40] = { 0xde, 0xad, 0xbe, 0xef, 0, 0, 0, 1 };
	peer_send(e, NATT_PORT, &ka, 1);
	peer_send(e, NATT_PORT, esp, sizeof(esp));
	peer_send(e, NATT_PORT, esp, 3);
	spin(e, 3);
	assert_int_equal(stat_get(e, "rx_keepalive", NULL), 1);
	assert_int_equal(stat_get(e, "drops", "unknown-spi"), 1);
	assert_int_equal(stat_get(e, "drops", "invalid"), 1);
	assert_int_equal(e->ike_calls, 2);
	/* Sending: 4500 adds the marker, 500 does not. */
	struct dp_endpoint to = { .port = e->peer_port };
	ip_addr_parse("127.0.0.1", &to.addr);
	uint8_t ike[28] = { 0x11 }, got[64];
	assert_int_equal(dp_send_ike(e->dp, NATT_PORT, &to, ike, 28), 0);
	assert_int_equal(recv(e->peer, got, sizeof(got), 0), 32);
	assert_memory_equal(got, "\0\0\0\0\x11", 5);
	assert_int_equal(dp_send_ike(e->dp, IKE_PORT, &to, ike, 28), 0);
	assert_int_equal(recv(e->peer, got, sizeof(got), 0), 28);
	assert_int_equal(got[0], 0x11);
	assert_int_equal(dp_send_ike(e->dp, 999, &to, ike, 28), -EINVAL);
}

static struct secret *key(uint8_t fill)
{
	uint8_t k[36];
	memset(k, fill, sizeof(k));
	return secret_dup(k, sizeof(k));
}

static struct esp_sa_params gcm(uint32_t spi, const struct secret *k)
{
	return (struct esp_sa_params){ .spi = spi, .encr = 20,
				       .key_bits = 256, .encr_key = k };
}

static struct dp_tunnel *add_tunnel(struct env *e)
{
	struct dp_tunnel_config tc = { .name = "t0", .ifname = "vgwt0",
				       .remote.port = e->peer_port };
	ip_addr_parse("127.0.0.1", &tc.remote.addr);
	ip_addr_parse("169.254.21.2", &tc.inside);
	tc.inside_len = 30;
	ip_addr_parse("169.254.21.1", &tc.inside_peer);
	return dp_tunnel_add(e->dp, &tc);
}

static void test_sa_rules(void **state)
{
	struct env *e = *state;
	if (!e->netns)
		skip();
	struct dp_tunnel *t = add_tunnel(e);
	assert_non_null(t);
	assert_true(dp_tunnel_ifindex(t) > 0);
	struct secret *k1 = key(1), *k2 = key(2);
	struct esp_sa_params in1 = gcm(0x100, k1), out1 = gcm(0x200, k2);
	struct esp_sa_params in2 = gcm(0x101, k1), out2 = gcm(0x201, k2);
	assert_int_equal(dp_tunnel_sa_install(e->dp, t, &in1, &out1), 0);
	assert_int_equal(dp_tunnel_sa_install(e->dp, t, &in1, NULL), -EEXIST);
	assert_int_equal(dp_tunnel_sa_install(e->dp, t, &in2, &out2), 0);
	struct json_object *j = dp_stats_json(e->dp), *tun, *x;
	json_object_object_get_ex(j, "tunnels", &tun);
	struct json_object *t0 = json_object_array_get_idx(tun, 0);
	json_object_object_get_ex(t0, "spi_in", &x);
	assert_int_equal(json_object_array_length(x), 2);
	json_object_object_get_ex(t0, "spi_out", &x);
	assert_string_equal(json_object_get_string(x), "00000201");
	/* mtu 0: sized for AES-256-GCM over 1500 (dp_mtu_for_suite). */
	json_object_object_get_ex(t0, "mtu", &x);
	assert_int_equal(json_object_get_int(x), 1438);
	json_object_object_get_ex(t0, "mss_clamp", &x);
	assert_int_equal(json_object_get_int(x), 1398);
	json_object_put(j);
	assert_int_equal(dp_tunnel_sa_remove(e->dp, t, 0x100), 0);
	assert_int_equal(dp_tunnel_sa_remove(e->dp, t, 0x100), -ENOENT);
	assert_int_equal(dp_tunnel_sa_remove(e->dp, t, 0x201), 0);
	struct esp_sa_params bad = gcm(0x300, k1);
	bad.key_bits = 128;
	assert_int_equal(dp_tunnel_sa_install(e->dp, t, &bad, NULL), -EINVAL);
	dp_tunnel_remove(e->dp, t);
	assert_int_equal(if_nametoindex("vgwt0"), 0);
	secret_free(k1);
	secret_free(k2);
}

/* Inner IPv4/UDP packet 169.254.21.1:7000 -> 169.254.21.2:port. */
static size_t inner_udp(uint8_t *p, uint16_t port, const char *data)
{
	size_t n = strlen(data), len = 28 + n;
	memset(p, 0, 28);
	p[0] = 0x45;
	p[2] = (uint8_t)(len >> 8);
	p[3] = (uint8_t)len;
	p[8] = 64;
	p[9] = 17;
	memcpy(p + 12, (uint8_t[]){ 169, 254, 21, 1, 169, 254, 21, 2 }, 8);
	uint16_t c = (uint16_t)~io_csum_fold(io_csum_add(0, p, 20));
	p[10] = (uint8_t)(c >> 8);
	p[11] = (uint8_t)c;
	p[20] = 7000 >> 8;
	p[21] = 7000 & 0xff;
	p[22] = (uint8_t)(port >> 8);
	p[23] = (uint8_t)port;
	p[24] = (uint8_t)((8 + n) >> 8);
	p[25] = (uint8_t)(8 + n);
	memcpy(p + 28, data, n); /* UDP checksum 0: none (IPv4) */
	return len;
}

static void test_tunnel_traffic(void **state)
{
	struct env *e = *state;
	if (!e->netns)
		skip();
	struct dp_tunnel *t = add_tunnel(e);
	assert_non_null(t);
	struct secret *kin = key(3), *kout = key(4);
	struct esp_sa_params in = gcm(0x1111, kin), out = gcm(0x2222, kout);
	assert_int_equal(dp_tunnel_sa_install(e->dp, t, &in, &out), 0);
	/* Outbound: a local UDP send routed into the TUN comes out as ESP. */
	int s = socket(AF_INET, SOCK_DGRAM, 0);
	struct sockaddr_in me = { .sin_family = AF_INET, .sin_port = htons(9000) };
	inet_pton(AF_INET, "169.254.21.2", &me.sin_addr);
	assert_int_equal(bind(s, (struct sockaddr *)&me, sizeof(me)), 0);
	struct sockaddr_in far = { .sin_family = AF_INET, .sin_port = htons(9) };
	inet_pton(AF_INET, "169.254.21.1", &far.sin_addr);
	assert_int_equal(sendto(s, "hello", 5, 0, (struct sockaddr *)&far,
				sizeof(far)), 5);
	spin(e, 5);
	uint8_t buf[2048];
	struct esp_sa *dec = esp_sa_new(&out, ESP_IN);
	size_t off, ilen;
	uint8_t nh = 0;
	/* The kernel may also send IPv6 router solicitations: skip them. */
	for (int i = 0; i < 10 && nh != 4; i++) {
		ssize_t n = recv(e->peer, buf, sizeof(buf), 0);
		assert_true(n > 0);
		assert_int_equal(esp_decap(dec, buf, (size_t)n, &off, &ilen,
					   &nh, (struct vtime){ 0 }),
				 ESP_DROP_OK);
	}
	assert_int_equal(nh, 4);
	assert_int_equal(ilen, 28 + 5);
	assert_memory_equal(buf + off + 28, "hello", 5);
	/* Inbound: ESP from the peer is delivered to the local socket. */
	struct esp_sa *enc = esp_sa_new(&in, ESP_OUT);
	size_t head = esp_sa_head_len(enc), elen;
	size_t il = inner_udp(buf + head, 9000, "world");
	assert_int_equal(esp_encap(enc, buf, sizeof(buf), il, &elen,
				   (struct vtime){ 0 }),
			 ESP_DROP_OK);
	uint8_t copy[2048];
	memcpy(copy, buf, elen);
	peer_send(e, NATT_PORT, buf, elen);
	spin(e, 5);
	char got[16] = { 0 };
	struct timeval tv = { 1, 0 };
	setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	assert_int_equal(recv(s, got, sizeof(got), 0), 5);
	assert_string_equal(got, "world");
	/* Replayed and forged copies are counted, not delivered. */
	peer_send(e, NATT_PORT, copy, elen);
	copy[elen - 1] ^= 1;
	copy[7] = 2; /* new sequence number, so the ICV check is reached */
	peer_send(e, NATT_PORT, copy, elen);
	spin(e, 5);
	struct dp_tunnel_stats st;
	dp_tunnel_stats(t, &st);
	assert_int_equal(st.drops[ESP_DROP_REPLAY], 1);
	assert_int_equal(st.drops[ESP_DROP_ICV], 1);
	assert_int_equal(st.rx_packets, 1);
	assert_true(st.tx_packets >= 1);
	assert_true(st.last_rx_ns > 0);
	esp_sa_free(dec);
	esp_sa_free(enc);
	close(s);
	dp_tunnel_remove(e->dp, t);
	secret_free(kin);
	secret_free(kout);
}

struct pool_check {
	_Atomic int hits[5000];
	_Atomic int lanes_seen[ESP_MAX_LANES];
};

static void pool_job(void *ctx, size_t i, unsigned lane)
{
	struct pool_check *c = ctx;
	atomic_fetch_add(&c->hits[i], 1);
	atomic_fetch_add(&c->lanes_seen[lane], 1);
}

/* Every item of every batch runs exactly once, on lanes 0..helpers. */
static void test_crypto_pool(void **state)
{
	(void)state;
	static struct pool_check c;
	struct dp_cpool *p = dp_cpool_new(3);
	assert_non_null(p);
	assert_null(dp_cpool_new(0));
	assert_null(dp_cpool_new(ESP_MAX_LANES));
	for (int round = 0; round < 300; round++) {
		size_t n = (size_t)(round * 37) % 5000;
		memset(&c, 0, sizeof(c));
		dp_cpool_run(p, n, pool_job, &c);
		for (size_t i = 0; i < 5000; i++)
			assert_int_equal(atomic_load(&c.hits[i]), i < n ? 1 : 0);
		int total = 0;
		for (int l = 0; l < ESP_MAX_LANES; l++) {
			if (l > 3)
				assert_int_equal(atomic_load(&c.lanes_seen[l]), 0);
			total += atomic_load(&c.lanes_seen[l]);
		}
		assert_int_equal(total, (int)n);
	}
	dp_cpool_free(p);
	dp_cpool_free(NULL);
}

static void test_mtu_for_suite(void **state)
{
	(void)state;
	/* 1500 - 20 - 8 - 8 - 8 - 16 = 1440, 4-aligned body: 1440 - 2. */
	assert_int_equal(dp_mtu_for_suite(20, 256, 0, false, 1500), 1438);
	/* CBC/SHA256: 1500-20-8-8-16-16 = 1432 -> 1424 (16-aligned) - 2. */
	assert_int_equal(dp_mtu_for_suite(12, 256, 12, false, 1500), 1422);
	assert_int_equal(dp_mtu_for_suite(20, 256, 0, true, 1500), 1418);
	assert_int_equal(dp_mtu_for_suite(20, 256, 12, false, 1500), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ike_demux),
		cmocka_unit_test(test_sa_rules),
		cmocka_unit_test(test_tunnel_traffic),
		cmocka_unit_test(test_mtu_for_suite),
		cmocka_unit_test(test_crypto_pool),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
