/* Nothing to compile: the target only exports include/CBenchSystem.h to Swift. (It stays code-free:
   valgrind 3.19 cannot read the debug information clang 21 writes for C functions, and the
   server is profiled under callgrind.) */
#include "CBenchSystem.h"
