#ifndef CEPOLL_H
#define CEPOLL_H
/* Linux epoll for the bench's load generator: Swift's Glibc module does not export it. */
#include <sys/epoll.h>
#endif
