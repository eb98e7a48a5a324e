// SPDX-License-Identifier: GPL-2.0-only
/*
 * Kexec HandOver, incoming side: the struct pages of preserved blocks.
 *
 * Boot writes the memory map of all RAM anyway (or, for preserved memory
 * in the deferred range, kho_in.c does), so it also makes every preserved
 * block that can be a folio (orders 1 to MAX_PAGE_ORDER) a compound page
 * right away: one reference on the first page, tail pages that point to
 * it. Until an owner restores it, such a block looks like a large kernel
 * allocation to anything that walks the memory map. Restoring it as a
 * folio then touches its first page only, which is what makes a restore
 * of 2 MiB folios cost a lookup rather than a pass over 512 struct pages.
 *
 * A block that comes back as single pages instead (kho_restore_pages(),
 * kho_release_pages()) is taken apart again into the pages boot left.
 */

#include <linux/mm.h>
#include <linux/pgalloc_tag.h>

#include "../../mm/internal.h"
#include "kexec_handover_internal.h"

/**
 * kho_folio_prepare - make a preserved block a compound page at boot
 * @page:  the block's first page, as boot initialised it (one reference,
 *         no flags)
 * @order: the block's order, 1 to MAX_PAGE_ORDER
 *
 * As prep_compound_page() does for a new allocation, and with the tail
 * pages' references dropped, as a compound page has them.
 */
void kho_folio_prepare(struct page *page, unsigned int order)
{
	unsigned long nr = 1UL << order, i;

	__SetPageHead(page);
	for (i = 1; i < nr; i++) {
		set_page_count(page + i, 0);
		prep_compound_tail(page, i);
	}
	prep_compound_head(page, order);
}

/*
 * What prep_compound_head() put into the first tail page's flags and index
 * (the order and the page count) goes back to what a single page has
 * there: nothing. Left, the order would read as PG_locked and its
 * neighbours.
 */
static void kho_folio_clear_order(struct folio *folio)
{
	folio->_flags_1 &= ~0xffUL;
#ifdef CONFIG_64BIT
	folio->_folio_nr_pages = 0;
#endif
}

/**
 * kho_folio_split - take a block kho_folio_prepare() made apart again
 * @page:  its first page
 * @order: its order
 *
 * For a block restored as single pages: each gets one reference and no
 * allocation tag, and ends as boot left it before kho_folio_prepare()
 * otherwise, in one pass over the block's struct pages. The tail pages'
 * lru is a list head again, as __init_single_page() left it: its first
 * word is the tail pages' compound_head, and its second holds the large
 * folio's mapcounts and deferred list, as their mapping holds the rest.
 */
void kho_folio_split(struct page *page, unsigned int order)
{
	unsigned long nr = 1UL << order, i;
	struct page *p;

	kho_folio_clear_order((struct folio *)page);
	__ClearPageHead(page);
	set_page_count(page, 1);
	clear_page_tag_ref(page);
	for (i = 1; i < nr; i++) {
		p = page + i;
		p->mapping = NULL;
		INIT_LIST_HEAD(&p->lru);
		set_page_count(p, 1);
		clear_page_tag_ref(p);
	}
}
