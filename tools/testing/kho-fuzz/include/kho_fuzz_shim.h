/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Userspace stand-ins for what the receive path of Kexec HandOver needs
 * beyond memblock, which tools/testing/memblock already provides. The
 * "physical memory" of the fuzzed machine is an anonymous mapping at its
 * own physical addresses (phys_to_virt() is the identity there, as in the
 * memblock simulator), with holes between RAM regions left inaccessible,
 * so a read of memory that is not RAM faults as it would in the kernel.
 * struct page is an array over that memory that tracks who owns each page,
 * so restoring a page twice or freeing a page nobody owns is caught.
 */
#ifndef _KHO_FUZZ_SHIM_H
#define _KHO_FUZZ_SHIM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <linux/compiler.h>
#include <linux/types.h>

/* The fuzzed machine (see fuzz_in.c for the layout). */
#define FUZZ_RAM_START		0x80000UL
#define FUZZ_RAM_END		0x4000000UL
#define FUZZ_NR_PAGES		(FUZZ_RAM_END >> 12)

/* What a page is, from the buddy allocator's point of view. */
enum fuzz_page_state {
	FUZZ_PAGE_NONE,		/* not RAM, or not initialised */
	FUZZ_PAGE_FREE,		/* given to the page allocator at boot */
	FUZZ_PAGE_RESERVED,	/* reserved at boot (preserved memory too) */
	FUZZ_PAGE_OWNED,	/* restored: allocated to an owner */
};

struct page {
	unsigned char state;
	unsigned char compound_order;	/* head of a folio (from boot on) */
	int refcount;
	unsigned long private;
	void *mapping;
	unsigned long compound_head;	/* head + 1 in a tail page */
};

struct folio {
	struct page page;
};

extern struct page fuzz_pages[FUZZ_NR_PAGES];

/* Cleared while the handover is checked (shim.c). */
extern bool fuzz_direct_map;
void *fuzz_phys_to_virt(unsigned long phys);
#undef phys_to_virt
#define phys_to_virt(x)		fuzz_phys_to_virt(x)

__noreturn __printf(1, 2) void fuzz_die(const char *fmt, ...);
__printf(2, 3) void fuzz_log(int level, const char *fmt, ...);
extern int fuzz_errors;		/* pr_err() lines of this input */

/* The map's batch claim (kho_radix.c); tools/include has no such ops. */
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

/*
 * tools/arch/x86/include/asm/atomic.h builds test_and_clear_bit() on
 * "lock btc", which sets a clear bit instead of leaving it: removing an
 * absent block from the map would mark it. Use a real test-and-clear.
 */
static inline int fuzz_test_and_clear_bit(long nr, unsigned long *addr)
{
	unsigned long mask = 1UL << (nr % BITS_PER_LONG);

	return !!(__atomic_fetch_and(&addr[nr / BITS_PER_LONG], ~mask,
				     __ATOMIC_SEQ_CST) & mask);
}

#undef test_and_clear_bit
#define test_and_clear_bit fuzz_test_and_clear_bit

/* Pages: one struct page per page frame of the fuzzed machine. */
#define MAX_PAGE_ORDER		10
struct page *fuzz_pfn_to_page(unsigned long pfn);
#undef pfn_to_page
#define pfn_to_page(pfn)	fuzz_pfn_to_page(pfn)
#define page_to_pfn(page)	((unsigned long)((page) - fuzz_pages))
#define page_folio(page)	((struct folio *)(page))
#define nth_page(page, n)	((page) + (n))
struct page *pfn_to_online_page(unsigned long pfn);
/* The fuzzed machine's pages carry no flags but their state below. */
static inline bool PageReserved(const struct page *page)
{
	return false;
}

/* CONFIG_DEBUG_VM is off. */
static inline void VM_WARN_ON_ONCE_PAGE(bool cond, const struct page *page)
{
}

#define page_private(page)		((page)->private)
#define set_page_private(page, v)	((page)->private = (v))
void set_page_count(struct page *page, int count);
void clear_page_tag_ref(struct page *page);
void adjust_managed_page_count(struct page *page, long count);
void __free_page(struct page *page);
void folio_put(struct folio *folio);
void *page_address(const struct page *page);
#define folio_address(folio)	page_address(&(folio)->page)

/* One thread: nothing else to run, and no interrupts. */
#define cond_resched()		do { } while (0)
#define in_task()		1

/* Late initcalls run by hand, in the order the harness chooses. */
#define late_initcall(fn)	int (*fuzz_late_##fn)(void) = fn
#define late_initcall_sync(fn)	int (*fuzz_late_sync_##fn)(void) = fn

/* Node pages of a map built here (the seed generator): from fuzz RAM. */
unsigned long get_zeroed_page(int gfp);
void free_page(unsigned long addr);

/* From mm/memblock.c (declared by the kernel's linux/mm.h). */
int reserve_mem_find_by_name(const char *name, phys_addr_t *start,
			     phys_addr_t *size);

/* Nodes and CMA, for kho_scratch.c. */
#define nr_node_ids		1
#define N_MEMORY		0
#define for_each_node_state(nid, state)	\
	for ((void)(state), (nid) = 0; (nid) < 1; (nid)++)
#define for_each_online_node(nid)	for ((nid) = 0; (nid) < 1; (nid)++)

/* Deferred struct page init from the first page: every page is checked. */
struct fuzz_pgdat {
	unsigned long first_deferred_pfn;
};

extern struct fuzz_pgdat fuzz_node_data;

static inline struct fuzz_pgdat *NODE_DATA(int nid)
{
	return &fuzz_node_data;
}

#define ARCH_LOW_ADDRESS_LIMIT	0xffffffffUL
#define MIGRATE_CMA		4
extern unsigned long totalcma_pages;
void init_cma_reserved_pageblock(struct page *page);
int get_pageblock_migratetype(const struct page *page);
/* The memblock harness's struct zone has no cma_pages: a zone of our own. */
struct fuzz_zone {
	unsigned long cma_pages;
};

struct fuzz_zone *fuzz_page_zone(const struct page *page);
#define page_zone(page)		fuzz_page_zone(page)
#define page_zone_id(page)	(fuzz_page_zone(page), 0)
int kstrtouint(const char *s, unsigned int base, unsigned int *res);

/* Who this kernel is, for kho_metadata.c. */
struct new_utsname {
	char release[65];
};

struct new_utsname *init_utsname(void);
#define strscpy_pad(dst, src)	fuzz_strscpy_pad(dst, src, sizeof(dst))
void fuzz_strscpy_pad(char *dst, const char *src, size_t size);

#endif /* _KHO_FUZZ_SHIM_H */
