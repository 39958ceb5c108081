#ifndef ATELIER_CZLIB_SHIM_H
#define ATELIER_CZLIB_SHIM_H
#include <zlib.h>
#endif
