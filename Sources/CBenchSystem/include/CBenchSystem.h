#ifndef CBENCHSYSTEM_H
#define CBENCHSYSTEM_H
/* What the bench's load generator needs from Linux that Swift's Glibc module does not export. */
#include <sys/epoll.h>
#endif
