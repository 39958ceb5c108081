#ifndef ATELIER_CJSONC_SHIM_H
#define ATELIER_CJSONC_SHIM_H
#include <json-c/json.h>
#endif
