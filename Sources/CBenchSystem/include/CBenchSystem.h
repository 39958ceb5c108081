#ifndef CBENCHSYSTEM_H
#define CBENCHSYSTEM_H
/* What the bench's load generator needs from Linux and glibc that Swift's Glibc module does
   not export: epoll, and memmem (a GNU extension, wrapped in CBenchSystem.c). */
#include <stddef.h>
#include <sys/epoll.h>

/* memmem(3): where `needle` first occurs in `haystack`, or NULL. */
void *bench_memmem(const void *haystack, size_t haystack_length, const void *needle, size_t needle_length);
#endif
