/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Userspace stand-ins for the few kernel interfaces kernel/liveupdate/
 * kho_radix.c uses, so the map is tested as the kernel builds it. Pages
 * come from aligned_alloc() and are counted; "physical" addresses are the
 * pointer values. get_zeroed_page() can be told to fail.
 */
#ifndef _KHO_SHIM_H
#define _KHO_SHIM_H

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

typedef uint64_t u64;
typedef uint32_t u32;
typedef uint16_t u16;
typedef uint64_t phys_addr_t;

#define BITS_PER_LONG		64
#define BIT(n)			(1UL << (n))
#define BIT_ULL(n)		(1ULL << (n))
#define PAGE_SIZE		4096UL
#define SZ_4M			0x00400000
#define GFP_KERNEL		0

#ifndef __printf
#define __printf(a, b)		__attribute__((format(printf, a, b)))
#endif
/* Address-space annotations mean nothing outside sparse. */
#ifndef __user
#define __user
#endif

#define READ_ONCE(x)		__atomic_load_n(&(x), __ATOMIC_RELAXED)
#define cmpxchg(ptr, old, new)	({					\
	__typeof__(ptr) __ptr = (ptr);					\
	__typeof__(*__ptr) __old = (old);				\
	__atomic_compare_exchange_n(__ptr, &__old, (new), false,	\
				    __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);\
	__old;								\
})

#ifndef pr_fmt
#define pr_fmt(fmt)		fmt
#endif
#define pr_err(fmt, ...)	shim_log(pr_fmt(fmt), ##__VA_ARGS__)

#define MAX_ERRNO		4095
#define IS_ERR_VALUE(x)		((unsigned long)(x) >= (unsigned long)-MAX_ERRNO)
static inline void *ERR_PTR(long error) { return (void *)error; }
static inline long PTR_ERR(const void *ptr) { return (long)ptr; }
static inline bool IS_ERR(const void *ptr) { return IS_ERR_VALUE(ptr); }
static inline bool IS_ERR_OR_NULL(const void *ptr)
{
	return !ptr || IS_ERR_VALUE(ptr);
}

static inline unsigned long __fls(unsigned long word)
{
	return BITS_PER_LONG - 1 - __builtin_clzl(word);
}

static inline unsigned long __ffs(unsigned long word)
{
	return __builtin_ctzl(word);
}

#define GENMASK(h, l)	((~0UL << (l)) & (~0UL >> (BITS_PER_LONG - 1 - (h))))

typedef struct {
	long counter;
} atomic_long_t;

static inline long atomic_long_fetch_andnot(long mask, atomic_long_t *v)
{
	return __atomic_fetch_and(&v->counter, ~mask, __ATOMIC_SEQ_CST);
}

static inline void atomic_long_or(long mask, atomic_long_t *v)
{
	__atomic_fetch_or(&v->counter, mask, __ATOMIC_SEQ_CST);
}

static inline long atomic_long_read(const atomic_long_t *v)
{
	return __atomic_load_n(&v->counter, __ATOMIC_RELAXED);
}

static inline bool atomic_long_try_cmpxchg(atomic_long_t *v, long *old,
					   long new)
{
	return __atomic_compare_exchange_n(&v->counter, old, new, false,
					   __ATOMIC_SEQ_CST, __ATOMIC_RELAXED);
}

static inline bool test_bit(unsigned int nr, const unsigned long *addr)
{
	return (__atomic_load_n(&addr[nr / BITS_PER_LONG], __ATOMIC_RELAXED) >>
		(nr % BITS_PER_LONG)) & 1;
}

static inline bool test_and_set_bit(unsigned int nr, unsigned long *addr)
{
	unsigned long mask = 1UL << (nr % BITS_PER_LONG);

	return __atomic_fetch_or(&addr[nr / BITS_PER_LONG], mask,
				 __ATOMIC_SEQ_CST) & mask;
}

static inline bool test_and_clear_bit(unsigned int nr, unsigned long *addr)
{
	unsigned long mask = 1UL << (nr % BITS_PER_LONG);

	return __atomic_fetch_and(&addr[nr / BITS_PER_LONG], ~mask,
				  __ATOMIC_SEQ_CST) & mask;
}

unsigned long find_next_bit(const unsigned long *addr, unsigned long size,
			    unsigned long offset);
unsigned long find_next_zero_bit(const unsigned long *addr, unsigned long size,
				 unsigned long offset);
static inline unsigned long find_first_bit(const unsigned long *addr,
					   unsigned long size)
{
	return find_next_bit(addr, size, 0);
}

unsigned long get_zeroed_page(int gfp);
void free_page(unsigned long addr);
static inline phys_addr_t virt_to_phys(const void *p) { return (uintptr_t)p; }
static inline void *phys_to_virt(phys_addr_t pa) { return (void *)(uintptr_t)pa; }

__printf(1, 2) void shim_log(const char *fmt, ...);

/* Test controls. */
extern long shim_pages_in_use;		/* allocated minus freed */
extern long shim_fail_after;		/* fail the allocation after N more; -1 never */
extern int shim_log_count;		/* pr_err calls so far */
extern bool shim_quiet;			/* do not print pr_err output */

#endif /* _KHO_SHIM_H */
