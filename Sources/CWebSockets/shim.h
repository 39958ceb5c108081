#ifndef ATELIER_CWEBSOCKETS_SHIM_H
#define ATELIER_CWEBSOCKETS_SHIM_H
#include <libwebsockets.h>
#include <openssl/evp.h>

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

/* Kill a connection from the service thread on the next turn, without
 * waiting for anything (LWS_TO_KILL_ASYNC is a macro Swift may not see). */
static inline void atelier_kill_async(struct lws *wsi)
{
	lws_set_timeout(wsi, PENDING_TIMEOUT_USER_OK, LWS_TO_KILL_ASYNC);
}

#endif
