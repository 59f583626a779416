/*
 * Helpers shared by the BGP tests: hex parsing, raw BGP messages over
 * loopback TCP, and pumping the event loop until a condition holds.
 */
#ifndef VGW_TESTS_BGP_TESTUTIL_H
#define VGW_TESTS_BGP_TESTUTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/addr.h"
#include "base/loop.h"

/* Parses hex with optional spaces into out; returns the length. */
size_t tu_hex(const char *hex, uint8_t *out, size_t cap);
/* Wraps body into a BGP message of type; returns total length. */
size_t tu_msg(uint8_t type, const uint8_t *body, size_t body_len, uint8_t *out);
/* A free TCP port on 127.0.0.1 (bound once then released). */
uint16_t tu_free_port(void);
/* Blocking-with-timeout TCP connect from src (may be NULL) to dst:port,
 * pumping the loop meanwhile. Returns fd or -1. */
int tu_connect(struct loop *loop, const char *src, const char *dst,
	       uint16_t port);
bool tu_send(int fd, const uint8_t *p, size_t n);
/* Reads one whole BGP message into buf, pumping loop; returns length,
 * 0 on EOF, -1 on timeout. */
int tu_read_msg(struct loop *loop, int fd, uint8_t *buf, size_t cap,
		int timeout_ms);
/* Reads messages until one of type arrives; returns its length or <= 0. */
int tu_wait_type(struct loop *loop, int fd, uint8_t type, uint8_t *buf,
		 size_t cap, int timeout_ms);
/* OPEN body: version 4, as, hold, id, capabilities as hex (may be ""). */
size_t tu_open(uint8_t *out, uint16_t as, uint16_t hold, uint32_t id,
	       const char *caps_hex);
/* Pumps the loop until *flag (or cond(arg)) becomes true or timeout. */
bool tu_pump_until(struct loop *loop, bool (*cond)(void *), void *arg,
		   int timeout_ms);
void tu_pump(struct loop *loop, int ms);
struct ip_addr tu_addr(const char *s);
struct ip_prefix tu_prefix(const char *s);

#endif
