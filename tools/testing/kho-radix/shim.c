// SPDX-License-Identifier: GPL-2.0-only
/* Userspace implementations behind include/kho_shim.h. */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "kho_shim.h"

long shim_pages_in_use;
long shim_fail_after = -1;
int shim_log_count;
bool shim_quiet;

unsigned long get_zeroed_page(int gfp)
{
	void *page;

	(void)gfp;
	if (shim_fail_after == 0)
		return 0;
	if (shim_fail_after > 0)
		shim_fail_after--;
	page = aligned_alloc(PAGE_SIZE, PAGE_SIZE);
	if (!page)
		return 0;
	memset(page, 0, PAGE_SIZE);
	__atomic_fetch_add(&shim_pages_in_use, 1, __ATOMIC_RELAXED);
	return (unsigned long)page;
}

void free_page(unsigned long addr)
{
	if (!addr)
		return;
	free((void *)addr);
	__atomic_fetch_sub(&shim_pages_in_use, 1, __ATOMIC_RELAXED);
}

static unsigned long find_next(const unsigned long *addr, unsigned long size,
			       unsigned long offset, unsigned long invert)
{
	unsigned long word;

	while (offset < size) {
		word = (addr[offset / BITS_PER_LONG] ^ invert) >>
		       (offset % BITS_PER_LONG);
		if (word) {
			offset += __builtin_ctzl(word);
			return offset < size ? offset : size;
		}
		offset = (offset / BITS_PER_LONG + 1) * BITS_PER_LONG;
	}
	return size;
}

unsigned long find_next_bit(const unsigned long *addr, unsigned long size,
			    unsigned long offset)
{
	return find_next(addr, size, offset, 0);
}

unsigned long find_next_zero_bit(const unsigned long *addr, unsigned long size,
				 unsigned long offset)
{
	return find_next(addr, size, offset, ~0UL);
}

void shim_log(const char *fmt, ...)
{
	va_list ap;

	shim_log_count++;
	if (shim_quiet)
		return;
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
}
