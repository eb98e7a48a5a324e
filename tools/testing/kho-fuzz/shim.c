// SPDX-License-Identifier: GPL-2.0-only
/*
 * The fuzzed machine behind include/kho_fuzz_shim.h: its RAM, its struct
 * pages and the kernel services the receive path calls. Anything the
 * kernel would oops or corrupt memory on ends the input with fuzz_die(),
 * which libFuzzer reports as a crash.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kho_fuzz_kernel.h"
#include <asm/early_ioremap.h>

struct page fuzz_pages[FUZZ_NR_PAGES];
int fuzz_errors;
static int fuzz_verbose = -1;

void fuzz_die(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "KHO-FUZZ BUG: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	abort();
}

void fuzz_log(int level, const char *fmt, ...)
{
	char line[512];
	va_list ap;

	if (fuzz_verbose < 0)
		fuzz_verbose = !!getenv("KHO_FUZZ_VERBOSE");
	if (level <= 3)
		fuzz_errors++;
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (fuzz_verbose)
		fprintf(stderr, "<%d>%s", level, line);
}

/*
 * Early mappings: slots of up to 64 pages (FIX_BTMAPS), 8 on x86 and 7 on
 * arm64, where an EFI boot still holds one for the EFI memory map while
 * the handover is checked (fuzz_in.c sets 6 when it boots as arm64).
 */
#define FUZZ_EARLY_MAX		(64 * PAGE_SIZE)
int fuzz_early_slots = 8;
int fuzz_early_mapped;

void *early_memremap(phys_addr_t phys, unsigned long size)
{
	unsigned long offset = phys & (PAGE_SIZE - 1);

	if (!size || size > FUZZ_EARLY_MAX - offset)
		fuzz_die("%s(%#lx, %#lx): bad size", __func__,
			 (unsigned long)phys, size);
	if (fuzz_early_mapped >= fuzz_early_slots)
		fuzz_die("%s(%#lx): all %d slots in use", __func__,
			 (unsigned long)phys, fuzz_early_slots);
	fuzz_early_mapped++;
	return (void *)(uintptr_t)phys;
}

void early_memunmap(void *addr, unsigned long size)
{
	if (fuzz_early_mapped <= 0)
		fuzz_die("%s(%p) without a mapping", __func__, addr);
	fuzz_early_mapped--;
}

/*
 * The direct map, as the handover check sees it: arm64 checks the handover
 * before it builds the direct map, so kho_memblock_setup() must reach
 * memory through early mappings only, and must not allocate (memblock
 * returns memory through the direct map). fuzz_boot() clears this around
 * the check.
 */
bool fuzz_direct_map = true;

void *fuzz_phys_to_virt(unsigned long phys)
{
	if (!fuzz_direct_map)
		fuzz_die("phys_to_virt(%#lx) before the direct map exists", phys);
	return (void *)(uintptr_t)phys;
}

/* The kernel files' memblock_alloc() calls; the link wraps them. */
void *__real_memblock_alloc_try_nid(phys_addr_t size, phys_addr_t align,
				    phys_addr_t min_addr, phys_addr_t max_addr,
				    int nid);

void *__wrap_memblock_alloc_try_nid(phys_addr_t size, phys_addr_t align,
				    phys_addr_t min_addr, phys_addr_t max_addr,
				    int nid)
{
	if (!fuzz_direct_map)
		fuzz_die("memblock_alloc(%#lx) before the direct map exists",
			 (unsigned long)size);
	return __real_memblock_alloc_try_nid(size, align, min_addr, max_addr,
					     nid);
}

/* Struct pages exist for every page frame below the top of RAM. */
struct page *fuzz_pfn_to_page(unsigned long pfn)
{
	if (pfn >= FUZZ_NR_PAGES)
		fuzz_die("pfn_to_page(%#lx) beyond the memory map", pfn);
	return &fuzz_pages[pfn];
}

/*
 * The memory map exists from setup_arch() on, before it is initialised:
 * like a sparsemem section, it covers the holes between RAM too. Memory
 * is online or offline a subsection at a time, as with SPARSEMEM; the
 * input may take one subsection offline (fuzz_offline_subsection - 1).
 */
unsigned int fuzz_offline_subsection;

struct page *pfn_to_online_page(unsigned long pfn)
{
	if (pfn >= FUZZ_NR_PAGES)
		return NULL;
	if (fuzz_offline_subsection &&
	    pfn / PAGES_PER_SUBSECTION == fuzz_offline_subsection - 1)
		return NULL;
	return &fuzz_pages[pfn];
}

static unsigned long fuzz_page_pfn(const struct page *page)
{
	if (page < fuzz_pages || page >= fuzz_pages + FUZZ_NR_PAGES)
		fuzz_die("struct page %p is not in the memory map", page);
	return page - fuzz_pages;
}

void *page_address(const struct page *page)
{
	return (void *)(fuzz_page_pfn(page) << PAGE_SHIFT);
}

/*
 * The restore path sets the reference count of every page it hands out,
 * exactly once: that is where a page must still be reserved, so that a
 * block handed out twice is caught. A folio's tail pages are not handed
 * out on their own: boot made them part of the folio (kho_folio_prepare()).
 */
void set_page_count(struct page *page, int count)
{
	unsigned long pfn = fuzz_page_pfn(page);

	if (page->state != FUZZ_PAGE_RESERVED)
		fuzz_die("restoring pfn %#lx, which is %s, not reserved", pfn,
			 page->state == FUZZ_PAGE_OWNED ? "owned already" :
			 page->state == FUZZ_PAGE_FREE ? "free" : "not RAM");
	if (page->compound_head)
		fuzz_die("restoring pfn %#lx alone: a tail of the folio at pfn %#lx",
			 pfn, fuzz_page_pfn((struct page *)(page->compound_head - 1)));
	page->state = FUZZ_PAGE_OWNED;
	page->refcount = count;
}

/*
 * Boot makes every preserved block of order 1 to MAX_PAGE_ORDER a compound
 * page (kernel/liveupdate/kho_folio.c): its tail pages point at its first
 * page, which keeps the order. A page that is in two blocks at once would
 * be two folios' page, which the kernel's memory map cannot hold.
 */
void kho_folio_prepare(struct page *page, unsigned int order)
{
	unsigned long pfn = fuzz_page_pfn(page), nr = 1UL << order, i;

	if (!order || order > MAX_PAGE_ORDER || pfn + nr > FUZZ_NR_PAGES)
		fuzz_die("%s(pfn %#lx, order %u)", __func__, pfn, order);
	for (i = 0; i < nr; i++)
		if (page[i].compound_head || page[i].compound_order)
			fuzz_die("pfn %#lx, in a folio, also in order-%u block %#lx",
				 pfn + i, order, pfn);
	page->compound_order = order;
	for (i = 1; i < nr; i++)
		page[i].compound_head = (unsigned long)page + 1;
}

/*
 * A block boot prepared, restored as single pages instead: each is handed
 * out, with one reference.
 */
void kho_folio_split(struct page *page, unsigned int order)
{
	unsigned long pfn = fuzz_page_pfn(page), nr = 1UL << order, i;

	if (page->compound_order != order)
		fuzz_die("splitting pfn %#lx as order %u: boot made it order %u",
			 pfn, order, page->compound_order);
	page->compound_order = 0;
	for (i = 1; i < nr; i++) {
		if (page[i].compound_head != (unsigned long)page + 1)
			fuzz_die("splitting the folio at pfn %#lx: pfn %#lx is not its tail",
				 pfn, pfn + i);
		page[i].compound_head = 0;
	}
	for (i = 0; i < nr; i++)
		set_page_count(page + i, 1);
}

void clear_page_tag_ref(struct page *page)
{
}

void adjust_managed_page_count(struct page *page, long count)
{
}

static void fuzz_free_one(struct page *page)
{
	unsigned long pfn = fuzz_page_pfn(page);

	if (page->state != FUZZ_PAGE_OWNED || page->refcount != 1)
		fuzz_die("freeing pfn %#lx, which is not allocated (state %d, refcount %d)",
			 pfn, page->state, page->refcount);
	page->state = FUZZ_PAGE_FREE;
	page->refcount = 0;
}

void __free_page(struct page *page)
{
	if (page->compound_order)
		fuzz_die("%s() of a compound page", __func__);
	fuzz_free_one(page);
}

void folio_put(struct folio *folio)
{
	struct page *page = &folio->page;
	unsigned long i, nr = 1UL << page->compound_order;

	fuzz_free_one(page);
	for (i = 1; i < nr; i++) {
		if (page[i].state != FUZZ_PAGE_RESERVED ||
		    page[i].compound_head != (unsigned long)page + 1)
			fuzz_die("freeing a folio whose tail pfn %#lx is not its own",
				 fuzz_page_pfn(page + i));
		page[i].state = FUZZ_PAGE_FREE;
		page[i].compound_head = 0;
	}
	page->compound_order = 0;
}

struct fuzz_pgdat fuzz_node_data;

void init_deferred_page(unsigned long pfn, int nid)
{
	if (pfn >= FUZZ_NR_PAGES)
		fuzz_die("%s(%#lx) beyond the memory map", __func__, pfn);
}

unsigned long totalcma_pages;

void init_cma_reserved_pageblock(struct page *page)
{
	fuzz_page_pfn(page);
}

/* Scratch adopted at a handover boot: its pageblocks count as CMA. */
int get_pageblock_migratetype(const struct page *page)
{
	fuzz_page_pfn((struct page *)page);
	return MIGRATE_CMA;
}

static struct fuzz_zone fuzz_zone;

struct fuzz_zone *fuzz_page_zone(const struct page *page)
{
	fuzz_page_pfn((struct page *)page);
	return &fuzz_zone;
}

int kstrtouint(const char *s, unsigned int base, unsigned int *res)
{
	char *end;
	unsigned long v = strtoul(s, &end, base);

	if (end == s || *end || v > 0xffffffffUL)
		return -EINVAL;
	*res = v;
	return 0;
}

/* The kernel's scnprintf(): what was written, never more than @size - 1. */
int scnprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list args;
	int len;

	if (!size)
		return 0;
	va_start(args, fmt);
	len = vsnprintf(buf, size, fmt, args);
	va_end(args);
	if (len < 0)
		return 0;
	return (size_t)len < size ? len : (int)(size - 1);
}

struct new_utsname *init_utsname(void)
{
	static struct new_utsname uts = { .release = "6.12.0-kho-fuzz" };

	return &uts;
}

void fuzz_strscpy_pad(char *dst, const char *src, size_t size)
{
	memset(dst, 0, size);
	memcpy(dst, src, strnlen(src, size - 1));
}

/*
 * Node pages of maps the seed generator builds with kho_radix_insert():
 * handed out from the top of RAM down, where no seed puts anything else.
 */
static unsigned long fuzz_next_node = FUZZ_RAM_END;

unsigned long get_zeroed_page(int gfp)
{
	fuzz_next_node -= PAGE_SIZE;
	memset((void *)fuzz_next_node, 0, PAGE_SIZE);
	return fuzz_next_node;
}

void free_page(unsigned long addr)
{
}

void fuzz_reset_node_pages(unsigned long top)
{
	fuzz_next_node = top;
}

/* The outgoing side is off in the fuzzed kernel: none of this may run. */
bool kho_is_enabled(void)
{
	return false;
}

static __noreturn void fuzz_not_reached(const char *func)
{
	fuzz_die("%s called with KHO disabled", func);
}

void *kho_alloc_preserve(size_t size)
{
	fuzz_not_reached(__func__);
}

void kho_unpreserve_free(void *mem)
{
	fuzz_not_reached(__func__);
}

int kho_add_subtree(const char *name, void *blob, size_t size)
{
	fuzz_not_reached(__func__);
}

int kho_preserve_pages(struct page *page, unsigned long nr_pages)
{
	fuzz_not_reached(__func__);
}

void kho_unpreserve_pages(struct page *page, unsigned long nr_pages)
{
	fuzz_not_reached(__func__);
}

/* The per-CPU variables of the code under test, zeroed at every input. */
static struct {
	void *var;
	unsigned long size;
} fuzz_percpu[16];
static unsigned int fuzz_nr_percpu;

void *fuzz_percpu_note(void *var, unsigned long size)
{
	unsigned int i;

	for (i = 0; i < fuzz_nr_percpu; i++)
		if (fuzz_percpu[i].var == var)
			return var;
	if (fuzz_nr_percpu == ARRAY_SIZE(fuzz_percpu))
		fuzz_die("more than %zu per-CPU variables", ARRAY_SIZE(fuzz_percpu));
	fuzz_percpu[fuzz_nr_percpu].var = var;
	fuzz_percpu[fuzz_nr_percpu++].size = size;
	return var;
}

void fuzz_percpu_reset(void)
{
	unsigned int i;

	for (i = 0; i < fuzz_nr_percpu; i++)
		memset(fuzz_percpu[i].var, 0, fuzz_percpu[i].size);
}
