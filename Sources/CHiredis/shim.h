#ifndef ATELIER_CHIREDIS_SHIM_H
#define ATELIER_CHIREDIS_SHIM_H
#include <hiredis/hiredis.h>
#include <hiredis/async.h>
#include <hiredis/adapters/libev.h>

/* hiredis' libev adapter is a static function of its header; the Swift side calls it through this
 * wrapper, on the loop the server already runs. */
static inline int atelier_redis_attach(struct ev_loop *loop, redisAsyncContext *context)
{
	return redisLibevAttach(loop, context);
}
#endif
