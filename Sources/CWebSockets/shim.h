#ifndef ATELIER_CWEBSOCKETS_SHIM_H
#define ATELIER_CWEBSOCKETS_SHIM_H
#include <libwebsockets.h>
#include <openssl/evp.h>
#endif
