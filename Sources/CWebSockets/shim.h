#ifndef ATELIER_CWEBSOCKETS_SHIM_H
#define ATELIER_CWEBSOCKETS_SHIM_H
#include <libwebsockets.h>
#include <openssl/evp.h>
#include <ev.h>

/* Swift cannot import LWS_PRE: it is a function-like macro expression. */
static inline size_t atelier_lws_pre(void) { return LWS_PRE; }

/* A timer entry: the lws sorted-usec-list node plus enough to find the Swift
 * owner again. `sul` must stay the first member (lws hands back its address). */
typedef struct atelier_timer {
	lws_sorted_usec_list_t sul;
	void *owner;
	uint64_t token;
} atelier_timer;

static inline atelier_timer *atelier_timer_from_sul(lws_sorted_usec_list_t *sul)
{
	return lws_container_of(sul, atelier_timer, sul);
}

/* OpenSSL options refusing protocols before TLS 1.2 (macros built from SSL_OP_BIT, which Swift
 * cannot import). */
static inline long atelier_ssl_options_no_tls_before_1_2(void)
{
	return (long)(SSL_OP_NO_SSLv3 | SSL_OP_NO_TLSv1 | SSL_OP_NO_TLSv1_1);
}

/* Kill a connection from the service thread on the next turn, without
 * waiting for anything (LWS_TO_KILL_ASYNC is a macro Swift may not see). */
static inline void atelier_kill_async(struct lws *wsi)
{
	lws_set_timeout(wsi, PENDING_TIMEOUT_USER_OK, LWS_TO_KILL_ASYNC);
}

/* The server's event loop: libev (epoll on Linux), which lws joins as a foreign loop. */
static inline struct ev_loop *atelier_ev_loop_new(void)
{
	return ev_loop_new(EVFLAG_AUTO | EVFLAG_NOSIGMASK);
}

/* One turn: handles what is ready and returns; waits for at least one event unless `nowait`. */
static inline void atelier_ev_run_once(struct ev_loop *loop, int nowait)
{
	ev_run(loop, nowait ? EVRUN_NOWAIT : EVRUN_ONCE);
}

/* A server timer on the libev loop itself. lws' own timers (lws_sul) are re-armed by its libev
 * glue only from lws' callbacks, so one set from the end of a turn would wait for the next
 * socket event. `timer` must stay the first member (libev hands back its address). */
typedef struct atelier_ev_timer {
	ev_timer timer;
	void *owner;
	uint64_t token;
} atelier_ev_timer;

static inline void atelier_ev_timer_start(struct ev_loop *loop, atelier_ev_timer *t, double seconds,
					  void (*fired)(struct ev_loop *, ev_timer *, int))
{
	ev_timer_init(&t->timer, fired, seconds, 0.);
	ev_timer_start(loop, &t->timer);
}

static inline void atelier_ev_timer_stop(struct ev_loop *loop, atelier_ev_timer *t)
{
	ev_timer_stop(loop, &t->timer);
}

static inline atelier_ev_timer *atelier_ev_timer_from(ev_timer *watcher)
{
	return (atelier_ev_timer *)watcher;
}

#endif
