// SPDX-License-Identifier: GPL-2.0-only
/*
 * Kexec HandOver, incoming side: owners taking back what was preserved.
 *
 * kho_in.c checked and reserved the handover at boot; the incoming map now
 * records every block that is still to be restored. Restoring a block
 * takes its bit out of the map and turns the reserved pages into an
 * ordinary allocation of the caller, so each block is restored at most
 * once.
 */

#define pr_fmt(fmt) "KHO: " fmt

#include <linux/init.h>
#include <linux/io.h>
#include <linux/kexec_handover.h>
#include <linux/log2.h>
#include <linux/memory_hotplug.h>
#include <linux/mm.h>
#include <linux/pgalloc_tag.h>
#include <linux/printk.h>
#include <linux/spinlock.h>

#include "../../mm/internal.h"
#include "kho_internal.h"
#include "kho_radix.h"

/*
 * Claims run one at a time, so that a page range is claimed whole or not
 * at all even when another restore overlaps it. Only the map is read and
 * changed under the lock, block by block; the struct pages of what was
 * claimed are set up after it is dropped, so that the time the lock is
 * held does not grow with the number of pages.
 */
static DEFINE_SPINLOCK(kho_in_restore_lock);

/*
 * Take block (@pa, @order) out of the incoming map, which records what is
 * preserved and not yet restored: from then on the caller alone owns it,
 * and every block is claimed exactly once, even under races.
 */
static struct page *kho_claim_block(phys_addr_t pa, unsigned int order)
{
	struct kho_radix_map *map = kho_in_map();
	struct page *page;

	page = pfn_to_online_page(PHYS_PFN(pa));
	if (!page || !map || kho_radix_remove(map, pa, order))
		return NULL;
	return page;
}

/*
 * Pages kept from the buddy at boot become an ordinary allocation of their
 * owner. Claimed blocks only, and without the lock.
 */
static void kho_restore_folio_pages(struct page *page, unsigned int order)
{
	unsigned long nr = 1UL << order, i;

	for (i = 0; i < nr; i++) {
		__ClearPageReserved(page + i);
		set_page_count(page + i, i ? 0 : 1);
	}
	if (order)
		prep_compound_page(page, order);
	clear_page_tag_ref(page);
	adjust_managed_page_count(page, nr);
}

/* As single pages, each with one reference, like free_reserved_page(). */
static void kho_restore_single_pages(unsigned long pfn, unsigned long end)
{
	struct page *page;

	for (; pfn < end; pfn++) {
		page = pfn_to_page(pfn);
		__ClearPageReserved(page);
		set_page_count(page, 1);
		clear_page_tag_ref(page);
		adjust_managed_page_count(page, 1);
	}
}

/* The order at which the block starting at @pa was preserved, or -1. */
static int kho_preserved_order(phys_addr_t pa, unsigned int max_order)
{
	const struct kho_radix_map *map = kho_in_map();
	int order;

	for (order = max_order; map && order >= 0; order--)
		if (kho_radix_contains(map, pa, order))
			return order;
	return -1;
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
	struct page *page;
	int order;

	if (!kho_in_map())
		return NULL;
	spin_lock(&kho_in_restore_lock);
	order = kho_preserved_order(phys, MAX_PAGE_ORDER);
	page = order < 0 ? NULL : kho_claim_block(phys, order);
	spin_unlock(&kho_in_restore_lock);
	if (!page)
		return NULL;
	kho_restore_folio_pages(page, order);
	return page_folio(page);
}
EXPORT_SYMBOL_GPL(kho_restore_folio);

/*
 * Find the preserved blocks that tile [@pfn, @end), as kho_preserve_pages()
 * split the range, and claim them when @claim is set. Checking also makes
 * sure that each block's memory is online, so that claiming cannot stop
 * halfway.
 */
static bool kho_claim_pfns(unsigned long pfn, unsigned long end, bool claim)
{
	unsigned int limit;
	int order;

	while (pfn < end) {
		limit = kho_block_limit(pfn, end);
		order = kho_preserved_order(PFN_PHYS(pfn), limit);
		if (order < 0 || !pfn_to_online_page(pfn))
			return false;
		if (claim && !kho_claim_block(PFN_PHYS(pfn), order))
			return false;
		pfn += 1UL << order;
	}
	return true;
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
	unsigned long pfn = PHYS_PFN(phys);
	bool claimed;

	if (!kho_in_map() || !nr_pages || !PAGE_ALIGNED(phys))
		return NULL;
	spin_lock(&kho_in_restore_lock);
	claimed = kho_claim_pfns(pfn, pfn + nr_pages, false) &&
		  kho_claim_pfns(pfn, pfn + nr_pages, true);
	spin_unlock(&kho_in_restore_lock);
	if (!claimed)
		return NULL;
	kho_restore_single_pages(pfn, pfn + nr_pages);
	return pfn_to_page(pfn);
}
EXPORT_SYMBOL_GPL(kho_restore_pages);

/**
 * kho_pages_preserved - is a page range handed over and not yet restored?
 * @phys:     physical address of the first page
 * @nr_pages: number of pages, as given to kho_preserve_pages()
 *
 * Lets an owner check what another kernel described before it relies on
 * it. Valid from kho_retrieve_subtree_early() on.
 *
 * Return: true when the previous kernel preserved the whole range with
 * kho_preserve_pages() and nobody restored any of it yet.
 */
bool kho_pages_preserved(phys_addr_t phys, unsigned long nr_pages)
{
	unsigned long pfn = PHYS_PFN(phys);

	return kho_in_map() && nr_pages && PAGE_ALIGNED(phys) &&
	       kho_claim_pfns(pfn, pfn + nr_pages, false);
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
	unsigned long pfn = PHYS_PFN(phys), end, freed = 0, i, nr;
	struct page *page;
	unsigned int limit;
	int order;

	if (!kho_in_map() || !PAGE_ALIGNED(phys) || nr_pages > ULONG_MAX - pfn)
		return 0;
	for (end = pfn + nr_pages; pfn < end; pfn += nr) {
		limit = kho_block_limit(pfn, end);
		spin_lock(&kho_in_restore_lock);
		order = kho_preserved_order(PFN_PHYS(pfn), limit);
		page = order < 0 ? NULL : kho_claim_block(PFN_PHYS(pfn), order);
		spin_unlock(&kho_in_restore_lock);
		if (!page) {
			nr = 1;
			continue;
		}
		nr = 1UL << order;
		kho_restore_single_pages(pfn, pfn + nr);
		for (i = 0; i < nr; i++)
			__free_page(page + i);
		freed += nr;
	}
	return freed;
}
EXPORT_SYMBOL_GPL(kho_release_pages);

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

static int kho_in_count_range(phys_addr_t start, phys_addr_t size,
			      unsigned int order, void *arg)
{
	*(phys_addr_t *)arg += size;
	return 0;
}

/*
 * Preserved memory that no owner restored by the end of boot stays
 * reserved: it is neither handed to the page allocator nor handed on to
 * the next kernel. Say how much, so it is not lost silently. The root FDT
 * page is used in place for the whole uptime and is not counted.
 */
static int __init kho_in_report_unrestored(void)
{
	const struct kho_radix_walk_ops ops = { .range = kho_in_count_range };
	const struct kho_radix_map *map = kho_in_map();
	phys_addr_t left = 0;

	if (!map || kho_radix_walk(map, &ops, &left))
		return 0;
	if (kho_radix_contains(map, kho_in_fdt_phys(), 0))
		left -= PAGE_SIZE;
	if (left)
		pr_warn("%llu KiB of preserved memory was not restored by its owner; it stays reserved until the next cold boot\n",
			(u64)left >> 10);
	else
		pr_info("all preserved memory was restored\n");
	return 0;
}
late_initcall_sync(kho_in_report_unrestored);
