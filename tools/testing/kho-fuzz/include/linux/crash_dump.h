/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef _KHO_FUZZ_CRASH_DUMP_H
#define _KHO_FUZZ_CRASH_DUMP_H
#include <stdbool.h>
static inline bool is_kdump_kernel(void) { return false; }
#endif
