/* SPDX-License-Identifier: GPL-2.0 */
/* sort() of lib/sort.c for the fuzz harness: libc's qsort(). */
#ifndef _KHO_FUZZ_LINUX_SORT_H
#define _KHO_FUZZ_LINUX_SORT_H

#include <stdlib.h>

typedef int (*cmp_func_t)(const void *a, const void *b);

static inline void sort(void *base, size_t num, size_t size, cmp_func_t cmp,
			void *swap)
{
	qsort(base, num, size, cmp);
}

#endif
