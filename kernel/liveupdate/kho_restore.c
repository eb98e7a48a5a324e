// SPDX-License-Identifier: GPL-2.0-only
/*
 * Kexec HandOver, incoming side: owners taking back what was preserved.
 *
 * kho_in.c checked and reserved the handover at boot; owners find their
 * subtrees here, and the incoming map records every block that is still
 * to be restored. Restoring a block takes its bit out of the map and turns
 * the reserved pages into an ordinary allocation of the caller, so each
 * block is restored at most once.
 *
 * No lock is taken: clearing a bit is atomic, so of several callers that
 * race for a block exactly one gets it, and restores of different memory
 * run in parallel. A VMM restoring a large guest is bound by the speed of
 * the memory map, not by a lock.
 */

#define pr_fmt(fmt) "KHO: " fmt

#include <linux/init.h>
#include <linux/io.h>
#include <linux/kexec_handover.h>
#include <linux/log2.h>
#include <linux/memblock.h>
#include <linux/memory_hotplug.h>
#include <linux/mm.h>
#include <linux/pgalloc_tag.h>
#include <linux/percpu.h>
#include <linux/printk.h>
#include <linux/sched.h>

#include "kexec_handover_internal.h"
#include "kho_radix.h"

/*
 * Pages going back to the page allocator's accounting, gathered per zone:
 * adjust_managed_page_count() updates two shared counters atomically, which
 * restores running in parallel should not do for every page.
 */
struct kho_managed_count {
	struct page *zone_page;		/* a page of the zone counted so far */
	unsigned long nr_pages;
};

static void kho_flush_managed(struct kho_managed_count *count)
{
	if (count->nr_pages)
		adjust_managed_page_count(count->zone_page, count->nr_pages);
	count->nr_pages = 0;
}

/*
 * Zone ids compare without looking up the zones: one load per page. Inlined
 * because restores call it for every folio: a call and return would cost
 * more than the comparison.
 */
static __always_inline void kho_count_managed(struct kho_managed_count *count,
					      struct page *page,
					      unsigned long nr_pages)
{
	if (count->nr_pages &&
	    page_zone_id(page) != page_zone_id(count->zone_page))
		kho_flush_managed(count);
	if (!count->nr_pages)
		count->zone_page = page;
	count->nr_pages += nr_pages;
}

/* Give a claimed block back to the map, when a restore cannot use it. */
static void kho_unclaim_block(phys_addr_t pa, unsigned int order)
{
	/* The bit's nodes exist, so this neither allocates nor fails. */
	WARN_ON_ONCE(kho_radix_insert(kho_in_map(), pa, order));
}

/*
 * Pages kept from the buddy at boot become a folio of their owner.
 * Claimed blocks only. Boot initialised their struct pages like any
 * others, with one reference and no flags, reserved them NOINIT, so
 * nothing marked them PG_reserved, and made each block of an order above
 * 0 a compound page (kho_folio.c): only the first page is written here,
 * however large the folio. The caller counts the pages as managed, so
 * that a batch restore updates the zone's counters once, not per folio.
 * Inlined into the restore loops, which run it per folio.
 */
static __always_inline struct folio *kho_init_folio(struct page *page)
{
	VM_WARN_ON_ONCE_PAGE(PageReserved(page), page);
	set_page_count(page, 1);
	clear_page_tag_ref(page);
	return (struct folio *)page;
}

/*
 * A claimed block as single pages, each with one reference, as page ranges
 * come back. Clears the order kho_claim_pfns() kept in the block's first
 * page->private. A block boot made a compound page is taken apart again;
 * like a folio, it lies in one zone. Larger blocks have each page counted
 * in its own zone: one may straddle the start of ZONE_MOVABLE, which is
 * only aligned to MAX_ORDER_NR_PAGES.
 */
static void kho_init_pages(struct page *page, unsigned int order,
			   struct kho_managed_count *count)
{
	unsigned long nr = 1UL << order, i, run = 0;
	int zone_id = page_zone_id(page);
	struct page *p;

	set_page_private(page, 0);
	if (order && order <= MAX_PAGE_ORDER) {
		kho_folio_split(page, order);
		kho_count_managed(count, page, nr);
		return;
	}
	for (i = 0; i < nr; i++) {
		p = nth_page(page, i);
		VM_WARN_ON_ONCE_PAGE(PageReserved(p), p);
		set_page_count(p, 1);
		clear_page_tag_ref(p);
		/* Pages are counted by runs in one zone. */
		if (unlikely(page_zone_id(p) != zone_id)) {
			kho_count_managed(count, nth_page(page, run), i - run);
			run = i;
			zone_id = page_zone_id(p);
		}
	}
	kho_count_managed(count, nth_page(page, run), nr - run);
}

/*
 * The orders a block starting at @pa may have, up to @max_order: only
 * orders the previous kernel used, and only those @pa is aligned to. A VMM
 * that preserved its guest in 4 KiB pages has one candidate per lookup, so
 * finding a block costs one descent of the map whatever its order.
 */
static unsigned long kho_candidate_orders(phys_addr_t pa, unsigned int max_order)
{
	unsigned long pfn = PHYS_PFN(pa);

	if (pfn)
		max_order = min_t(unsigned int, max_order, __ffs(pfn));
	return kho_in_orders() & GENMASK_ULL(max_order, 0);
}

/*
 * The order at which the block starting at @pa was preserved, or -1.
 * @cursors may be NULL.
 */
static int kho_preserved_order(struct kho_cursors *cursors, phys_addr_t pa,
			       unsigned int max_order)
{
	const struct kho_radix_map *map = kho_in_map();
	unsigned long orders = kho_candidate_orders(pa, max_order);
	int order;

	for (; map && orders; orders &= ~BIT(order)) {
		order = __fls(orders);
		if (kho_radix_contains_near(map, cursors ?
					    kho_cursor(cursors, order) : NULL,
					    pa, order))
			return order;
	}
	return -1;
}

/*
 * The leaves each CPU restored from last, one per order: an owner
 * restoring its folios in address order finds the next one without
 * descending the map.
 */
static DEFINE_PER_CPU(struct kho_cursors, kho_in_cursors);

/*
 * Find the block that starts at @pa and take it out of the map in the
 * same step: trying to clear its bit at each candidate order is the
 * lookup. Returns its order, or -1 when no block starts at @pa (or
 * another caller took it).
 */
static int kho_claim_any_order(struct kho_cursors *cursors, phys_addr_t pa)
{
	struct kho_radix_map *map = kho_in_map();
	unsigned long orders = kho_candidate_orders(pa, MAX_PAGE_ORDER);
	int order = -1;

	for (; map && orders; orders &= ~BIT(order)) {
		order = __fls(orders);
		if (!kho_radix_remove_near(map, kho_cursor(cursors, order), pa,
					   order))
			return order;
	}
	return -1;
}

/*
 * Claim the block that starts at @phys and make it a folio, counting its
 * pages in @count. NULL when no block starts there (or another caller
 * took it) or its memory is offline.
 */
static struct folio *kho_take_folio(struct kho_cursors *cursors,
				    phys_addr_t phys,
				    struct kho_managed_count *count)
{
	struct page *page = pfn_to_online_page(PHYS_PFN(phys));
	int order;

	if (!page)
		return NULL;
	order = kho_claim_any_order(cursors, phys);
	if (order < 0)
		return NULL;
	kho_count_managed(count, page, 1UL << order);
	return kho_init_folio(page);
}

/*
 * The largest order a block starting at @pfn can have inside [@pfn, @end):
 * kho_preserve_pages() splits a range into naturally aligned blocks.
 */
static unsigned int kho_block_limit(unsigned long pfn, unsigned long end)
{
	unsigned int limit = ilog2(end - pfn);

	if (pfn)
		limit = min_t(unsigned int, limit, __ffs(pfn));
	return min_t(unsigned int, limit, KHO_RADIX_MAX_ORDER);
}

/*
 * Is the page at @pa in a preserved block of any order? Sets @next to the
 * first byte after that block.
 */
static bool kho_in_block_end(phys_addr_t pa, phys_addr_t *next)
{
	phys_addr_t block;
	unsigned int order;

	for (order = 0; order <= KHO_RADIX_MAX_ORDER; order++) {
		if (!(kho_in_orders() & BIT_ULL(order)))
			continue;
		block = ALIGN_DOWN(pa, PAGE_SIZE << order);
		if (kho_radix_contains(kho_in_map(), block, order)) {
			*next = block + (PAGE_SIZE << order);
			return true;
		}
	}
	return false;
}

/**
 * kho_in_range_preserved - is a range in blocks that are still preserved?
 * @phys: first byte
 * @size: bytes
 *
 * For the blobs that subtrees name: a blob may sit in a folio, a page
 * range or part of either, so the block holding each page is looked up at
 * every order. The cost follows the number of blocks, not of pages.
 *
 * Return: true when every page of the range lies in a block that was
 * preserved and is not restored yet.
 */
bool kho_in_range_preserved(phys_addr_t phys, u64 size)
{
	phys_addr_t pa, end = phys + size, next;
	bool found = true;

	if (!kho_in_map() || !size || end < phys)
		return false;
	for (pa = ALIGN_DOWN(phys, PAGE_SIZE); pa < end; pa = next) {
		found = kho_in_block_end(pa, &next);
		/* A block that ends at the top of the address space ends the range. */
		if (!found || next <= pa)
			break;
	}
	return found;
}

/*
 * A page range a client asks about must lie below the end of RAM: its end
 * must not wrap, and a page count from a damaged record must not make a
 * loop walk to the end of the address space.
 */
static bool kho_pfn_range_valid(unsigned long pfn, unsigned long nr_pages)
{
	return nr_pages && nr_pages <= ULONG_MAX - pfn &&
	       pfn + nr_pages <= max_pfn;
}

/**
 * kho_restore_folio - take back a folio the previous kernel preserved
 * @phys: physical address of the folio
 *
 * The folio comes back with the order it was preserved with, one
 * reference, and its contents untouched.
 *
 * Return: the folio, or NULL when no folio was preserved at @phys (or it
 * was restored already).
 */
struct folio *kho_restore_folio(phys_addr_t phys)
{
	struct kho_managed_count count = {};
	struct folio *folio;

	/* The per-CPU cursors are not safe against interrupts. */
	if (WARN_ON_ONCE(!in_task()))
		return NULL;
	folio = kho_take_folio(get_cpu_ptr(&kho_in_cursors), phys, &count);
	put_cpu_ptr(&kho_in_cursors);
	kho_flush_managed(&count);
	return folio;
}
EXPORT_SYMBOL_GPL(kho_restore_folio);

/**
 * kho_restore_folios - take back many folios the previous kernel preserved
 * @phys:   their physical addresses
 * @nr:     how many there are
 * @folios: set to each restored folio, in the order of @phys, or to NULL
 *          where kho_restore_folio() would have returned NULL
 *
 * Does what kho_restore_folio() does for each address, for owners that
 * keep a list of what they preserved (a tmpfs, a VMM): the map is read
 * through one cursor, so addresses that are close together cost no
 * descent of the map, and the zone's counters are updated once per zone
 * rather than once per folio.
 *
 * Return: the number of folios restored.
 */
unsigned long kho_restore_folios(const phys_addr_t *phys, unsigned long nr,
				 struct folio **folios)
{
	struct kho_managed_count count = {};
	struct kho_cursors cursors = {};
	unsigned long i, restored = 0;

	for (i = 0; i < nr; i++) {
		folios[i] = kho_take_folio(&cursors, phys[i], &count);
		restored += !!folios[i];
	}
	kho_flush_managed(&count);
	return restored;
}

/*
 * Do preserved blocks tile [@pfn, @end), as kho_preserve_pages() split the
 * range, all in online memory?
 */
static bool kho_pfns_preserved(unsigned long pfn, unsigned long end)
{
	struct kho_cursors cursors = {};
	int order;

	for (; pfn < end; pfn += 1UL << order) {
		order = kho_preserved_order(&cursors, PFN_PHYS(pfn),
					    kho_block_limit(pfn, end));
		if (order < 0 || !pfn_to_online_page(pfn))
			return false;
	}
	return true;
}

/*
 * Give back the blocks kho_claim_pfns() took in [@pfn, @end). Their orders
 * are gone from the map, so each block's first page kept its order in
 * page->private, which a page kept from the buddy at boot does not
 * otherwise use.
 */
static void kho_unclaim_pfns(unsigned long pfn, unsigned long end)
{
	struct page *page;
	unsigned int order;

	for (; pfn < end; pfn += 1UL << order) {
		page = pfn_to_page(pfn);
		order = page_private(page);
		set_page_private(page, 0);
		kho_unclaim_block(PFN_PHYS(pfn), order);
	}
}

/*
 * Claim the blocks that tile [@start, @end), or none of them: when a block
 * is missing (another caller took it since it was checked), what was
 * claimed goes back to the map.
 */
static bool kho_claim_pfns(unsigned long start, unsigned long end)
{
	struct kho_cursors cursors = {};
	unsigned long pfn;
	int order;

	for (pfn = start; pfn < end; pfn += 1UL << order) {
		order = kho_preserved_order(&cursors, PFN_PHYS(pfn),
					    kho_block_limit(pfn, end));
		if (order < 0 || !pfn_to_online_page(pfn) ||
		    kho_radix_remove_near(kho_in_map(), kho_cursor(&cursors, order),
					  PFN_PHYS(pfn), order)) {
			kho_unclaim_pfns(start, pfn);
			return false;
		}
		set_page_private(pfn_to_page(pfn), order);
	}
	return true;
}

/*
 * A range that kho_preserve_pages() kept as one block (a single page, or a
 * naturally aligned power of two up to the map's largest order) is claimed
 * in one step, as a folio is: vmalloc areas come back page by page, and the
 * general path looks each block up twice (a check, then the claim). NULL
 * when the range is not one block, or not (or no longer) preserved as one.
 */
static struct page *kho_take_single_block(unsigned long pfn,
					  unsigned long nr_pages)
{
	struct kho_managed_count count = {};
	unsigned int order = ilog2(nr_pages);
	struct kho_cursors *cursors;
	struct page *page;
	int err;

	if (!is_power_of_2(nr_pages) || !IS_ALIGNED(pfn, nr_pages) ||
	    order > KHO_RADIX_MAX_ORDER || !(kho_in_orders() & BIT_ULL(order)))
		return NULL;
	/* The per-CPU cursors are not safe against interrupts. */
	if (!in_task())
		return NULL;
	page = pfn_to_online_page(pfn);
	if (!page)
		return NULL;
	cursors = get_cpu_ptr(&kho_in_cursors);
	err = kho_radix_remove_near(kho_in_map(), kho_cursor(cursors, order),
				    PFN_PHYS(pfn), order);
	put_cpu_ptr(&kho_in_cursors);
	if (err)
		return NULL;
	kho_init_pages(page, order, &count);
	kho_flush_managed(&count);
	return page;
}

/**
 * kho_restore_pages - take back a page range the previous kernel preserved
 * @phys:     physical address of the first page
 * @nr_pages: number of pages, as given to kho_preserve_pages()
 *
 * Each page comes back on its own (not as a compound page) with one
 * reference. Either the whole range is restored or nothing is, also when
 * other restores run at the same time.
 *
 * Return: the first page, or NULL when the range was not preserved as a
 * whole (or was restored already).
 */
struct page *kho_restore_pages(phys_addr_t phys, unsigned long nr_pages)
{
	struct kho_managed_count count = {};
	unsigned long pfn = PHYS_PFN(phys), end;
	struct page *page;
	unsigned int order;

	if (!kho_in_map() || !PAGE_ALIGNED(phys) ||
	    !kho_pfn_range_valid(pfn, nr_pages))
		return NULL;
	page = kho_take_single_block(pfn, nr_pages);
	if (page)
		return page;
	/* Checking first keeps a refused range from being claimed and given back. */
	if (!kho_pfns_preserved(pfn, pfn + nr_pages) ||
	    !kho_claim_pfns(pfn, pfn + nr_pages))
		return NULL;
	for (end = pfn + nr_pages; pfn < end; pfn += 1UL << order) {
		page = pfn_to_page(pfn);
		order = page_private(page);
		kho_init_pages(page, order, &count);
	}
	kho_flush_managed(&count);
	return pfn_to_page(PHYS_PFN(phys));
}
EXPORT_SYMBOL_GPL(kho_restore_pages);

/* Pages a batch restore hands out between two chances to reschedule. */
#define KHO_RESTORE_RESCHED	1024

/* A batch restore: who gets the folios, and what it restored so far. */
struct kho_restore_batch {
	int (*fn)(struct folio *folio, void *arg);
	void *arg;
	unsigned int order;
	long restored;
	unsigned long unscheduled;	/* pages since the last cond_resched() */
	struct kho_managed_count count;
};

/*
 * Pages per span of memory that is online or offline as a whole: blocks
 * that share one need one check.
 */
#if defined(CONFIG_SPARSEMEM) && !defined(CONFIG_HAVE_ARCH_PFN_VALID)
#define KHO_ONLINE_SPAN		PAGES_PER_SUBSECTION
#else
#define KHO_ONLINE_SPAN		1UL	/* pfn_valid() may differ per page */
#endif

/* The address of block @bit of a claimed word of @order blocks. */
static phys_addr_t kho_claimed_pa(phys_addr_t base, unsigned int bit,
				  unsigned int order)
{
	return base + ((phys_addr_t)bit << (KHO_RADIX_PAGE_SHIFT + order));
}

/*
 * Hands out the blocks of one word kho_radix_claim_range() cleared. When
 * all of the word's blocks share a subsection, one lookup of the memory
 * map serves them all: for order-0 blocks, one per 64 folios.
 */
static int kho_restore_claimed(phys_addr_t base, unsigned long *taken,
			       void *arg)
{
	struct kho_restore_batch *batch = arg;
	unsigned int order = batch->order, bit;
	bool shared = (BITS_PER_LONG << order) <= KHO_ONLINE_SPAN;
	unsigned long offline = 0, left = *taken;
	struct page *first = NULL, *page;
	int err = 0;

	if (shared)
		first = pfn_to_online_page(PHYS_PFN(base));
	for (; left && !err; left &= left - 1) {
		bit = __ffs(left);
		if (shared)
			page = first ? first + ((unsigned long)bit << order) : NULL;
		else
			page = pfn_to_online_page(PHYS_PFN(kho_claimed_pa(base, bit, order)));
		/* Offline memory stays preserved: its bit goes back. */
		if (!page) {
			offline |= BIT(bit);
			continue;
		}
		kho_count_managed(&batch->count, page, 1UL << order);
		/* A range may hold a whole guest: let others run now and then. */
		batch->unscheduled += 1UL << order;
		if (batch->unscheduled >= KHO_RESTORE_RESCHED) {
			batch->unscheduled = 0;
			cond_resched();
		}
		batch->restored++;
		err = batch->fn(kho_init_folio(page), batch->arg);
		/* Only a negative errno stops the restore. */
		if (err > 0)
			err = 0;
	}
	/* Offline blocks, and those after a failed one, go back to the map. */
	*taken = offline | left;
	return err;
}

/**
 * kho_restore_folio_range - take back every folio preserved in a range
 * @phys: first byte of the range
 * @size: bytes in the range
 * @fn:   called with each restored folio, which it then owns (one
 *        reference, order and contents as preserved); a negative errno
 *        stops the restore with that value. May sleep.
 * @arg:  passed to @fn
 *
 * For owners that restore many folios, a VMM taking back guest memory say:
 * each leaf of the map is looked up once and claimed a word (64 blocks)
 * at a time, and the zone's counters are updated once per zone, so the
 * cost per folio is little more than writing its first struct page. Blocks
 * that only partly lie in the range stay preserved, and so do blocks
 * larger than a folio can be. Everything else preserved in the range is
 * taken, also the pieces of page ranges and vmalloc areas (which then can
 * no longer be restored whole): the caller must own all preserved memory
 * in the range. Folios come order by order, largest first, in ascending
 * address order within an order. Safe to call in parallel on any ranges:
 * a folio is given to exactly one caller (when an overlapping restore
 * fails at the same moment, blocks it had taken and gives back may be
 * missed by this one).
 *
 * Context: Process context; may sleep.
 *
 * Return: the number of folios given to @fn, or the first negative errno
 * it returned.
 */
long kho_restore_folio_range(phys_addr_t phys, u64 size,
			     int (*fn)(struct folio *folio, void *arg),
			     void *arg)
{
	struct kho_restore_batch batch = { .fn = fn, .arg = arg };
	struct kho_radix_map *map = kho_in_map();
	unsigned long orders = kho_in_orders() & GENMASK(MAX_PAGE_ORDER, 0);
	phys_addr_t start, end, block, limit;
	int err = 0;

	if (!map || !size || phys + size < phys)
		return 0;
	/*
	 * Nothing is preserved beyond RAM; the map is searched leaf by leaf,
	 * so a range up to the top of the address space would take minutes.
	 */
	limit = min_t(phys_addr_t, phys + size, PFN_PHYS(max_pfn));
	for (; orders && !err; orders &= ~BIT(batch.order)) {
		batch.order = __fls(orders);
		block = PAGE_SIZE << batch.order;
		start = ALIGN(phys, block);
		end = ALIGN_DOWN(limit, block);
		/* Rounding up may wrap at the top of the address space. */
		if (start >= phys && start < end)
			err = kho_radix_claim_range(map, start, end, batch.order,
						    kho_restore_claimed, &batch);
	}
	kho_flush_managed(&batch.count);
	return err ?: batch.restored;
}
EXPORT_SYMBOL_GPL(kho_restore_folio_range);

/**
 * kho_pages_preserved - is a page range handed over and not yet restored?
 * @phys:     physical address of the first page
 * @nr_pages: number of pages, as given to kho_preserve_pages()
 *
 * Lets an owner check what another kernel described before it relies on
 * it. Valid from kho_retrieve_subtree_early() on.
 *
 * Return: true when the previous kernel preserved the whole range with
 * kho_preserve_pages() and nobody restored any of it yet; false also for
 * a range that wraps or ends beyond RAM.
 */
bool kho_pages_preserved(phys_addr_t phys, unsigned long nr_pages)
{
	unsigned long pfn = PHYS_PFN(phys);

	return kho_in_map() && PAGE_ALIGNED(phys) &&
	       kho_pfn_range_valid(pfn, nr_pages) &&
	       kho_pfns_preserved(pfn, pfn + nr_pages);
}

/**
 * kho_folio_preserved - would kho_restore_folio() give back this folio?
 * @phys:  physical address of the folio
 * @order: the order it should come back with
 *
 * Lets an owner check a list of folios another kernel described before it
 * restores any of them. kho_pages_preserved() is not enough for that: it
 * also accepts a range preserved as smaller blocks, of which
 * kho_restore_folio() gives back only the first.
 *
 * Return: true when a block of exactly @order starts at @phys, preserved,
 * not yet restored, and in online memory.
 */
bool kho_folio_preserved(phys_addr_t phys, unsigned int order)
{
	return kho_in_map() && order <= MAX_PAGE_ORDER &&
	       IS_ALIGNED(phys, PAGE_SIZE << order) &&
	       pfn_to_online_page(PHYS_PFN(phys)) &&
	       kho_preserved_order(NULL, phys, MAX_PAGE_ORDER) == order;
}

/**
 * kho_release_pages - free what is still preserved of a page range
 * @phys:     physical address of the first page
 * @nr_pages: number of pages
 *
 * For an owner that cannot take a range back whole, because part of it
 * was dropped at boot (it lay under this kernel's initrd, say): every
 * block inside the range that is still preserved goes to the page
 * allocator, so that none of it stays reserved for nobody.
 *
 * Return: the number of pages freed.
 */
unsigned long kho_release_pages(phys_addr_t phys, unsigned long nr_pages)
{
	struct kho_managed_count count = {};
	unsigned long pfn = PHYS_PFN(phys), end, freed = 0, i, nr;
	struct page *page;
	unsigned int limit;
	int order;

	if (!kho_in_map() || !PAGE_ALIGNED(phys) ||
	    !kho_pfn_range_valid(pfn, nr_pages))
		return 0;
	for (end = pfn + nr_pages; pfn < end; pfn += nr) {
		limit = kho_block_limit(pfn, end);
		order = kho_preserved_order(NULL, PFN_PHYS(pfn), limit);
		page = pfn_to_online_page(pfn);
		if (order < 0 || !page ||
		    kho_radix_remove(kho_in_map(), PFN_PHYS(pfn), order)) {
			nr = 1;
			continue;
		}
		nr = 1UL << order;
		kho_init_pages(page, order, &count);
		kho_flush_managed(&count);
		for (i = 0; i < nr; i++)
			__free_page(nth_page(page, i));
		freed += nr;
	}
	return freed;
}

/**
 * kho_restore_free - free memory the previous kernel preserved with
 *                    kho_alloc_preserve()
 * @mem: its address in this kernel (phys_to_virt() of what was handed
 *       over), or NULL
 */
void kho_restore_free(void *mem)
{
	struct folio *folio;

	if (!mem)
		return;
	folio = kho_restore_folio(virt_to_phys(mem));
	if (folio)
		folio_put(folio);
}
EXPORT_SYMBOL_GPL(kho_restore_free);

/**
 * kho_retrieve_subtree - find a blob the previous kernel named
 * @name: subtree name given to kho_add_subtree() before kexec
 * @phys: set to the blob's physical address
 * @size: set to its size; may be NULL
 *
 * The blob is only returned when all of it lies in memory the previous
 * kernel preserved and nobody restored yet: its address came from another
 * kernel and is not trusted.
 *
 * Return: 0; -ENOENT without a handover or without such a subtree; -EINVAL
 * when the subtree's properties are malformed or its blob is not (or no
 * longer) preserved memory.
 */
int kho_retrieve_subtree(const char *name, phys_addr_t *phys, size_t *size)
{
	u64 blob_size;
	int err;

	err = kho_in_find_subtree(name, phys, &blob_size, true);
	if (!err && size)
		*size = blob_size;
	return err;
}
EXPORT_SYMBOL_GPL(kho_retrieve_subtree);

/**
 * kho_in_find_subtree - find an incoming subtree and check its blob
 * @name:   the subtree's name
 * @phys:   set to the blob's physical address
 * @size:   set to its size
 * @report: say why a blob that exists cannot be used
 *
 * Return: as kho_retrieve_subtree().
 */
int kho_in_find_subtree(const char *name, phys_addr_t *phys, u64 *size,
			bool report)
{
	int err;

	if (!kho_in_fdt())
		return -ENOENT;
	err = kho_fdt_find_subtree(kho_in_fdt(), name, phys, size);
	if (err)
		return err;
	if (!kho_in_range_preserved(*phys, *size)) {
		if (report)
			pr_err("subtree %s: its %llu bytes at %#llx are not preserved memory (or were restored already); ignoring it\n",
			       name, *size, (u64)*phys);
		return -EINVAL;
	}
	return 0;
}

/**
 * kho_subtree_name - name of a subtree the previous kernel handed over
 * @index: which subtree, 0 for the first, in the order of the root FDT
 *
 * Lets an owner of several subtrees (one per mount, say) find them all:
 * call with 0, 1, ... until it returns NULL.
 *
 * Return: the name, valid for the whole uptime, or NULL past the last
 * subtree or without a handover.
 */
const char *kho_subtree_name(unsigned int index)
{
	const void *fdt = kho_in_fdt();

	if (!fdt)
		return NULL;
	return kho_fdt_subtree_name(fdt, index);
}

static int kho_in_count_range(phys_addr_t start, phys_addr_t size,
			      unsigned int order, void *arg)
{
	*(phys_addr_t *)arg += size;
	return 0;
}

/*
 * Preserved memory that no owner restored by the end of boot stays
 * reserved: it is neither handed to the page allocator nor handed on to
 * the next kernel. Say how much, so it is not lost silently. (The root FDT
 * page is no longer in the map: it is used in place for the whole uptime.)
 */
static int __init kho_in_report_unrestored(void)
{
	const struct kho_radix_walk_ops ops = { .range = kho_in_count_range };
	const struct kho_radix_map *map = kho_in_map();
	phys_addr_t left = 0;

	if (!map || kho_radix_walk(map, &ops, &left))
		return 0;
	if (left)
		pr_warn("%llu KiB of preserved memory was not restored by its owner during boot; what no owner takes later (a kho tmpfs at its mount, a live-update agent retrieving its sessions) stays reserved until this kernel reboots or kexecs\n",
			(u64)left >> 10);
	else
		pr_info("all preserved memory was restored\n");
	return 0;
}
late_initcall_sync(kho_in_report_unrestored);
