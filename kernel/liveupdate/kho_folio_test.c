// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit tests of kho_folio.c: a block boot made a compound page is a
 * folio of its order, and taken apart again its struct pages are those
 * boot left, byte for byte (one reference each).
 */
#include <kunit/test.h>
#include <linux/gfp.h>
#include <linux/mm.h>
#include <linux/slab.h>

#include "kexec_handover_internal.h"

/*
 * The state __init_single_page() leaves in the fields boot cares about,
 * on pages of a plain high-order allocation: what kho_folio_prepare()
 * finds on preserved memory.
 */
static void kho_folio_test_boot_state(struct page *page, unsigned long nr)
{
	unsigned long i;

	for (i = 0; i < nr; i++) {
		set_page_count(page + i, 1);
		INIT_LIST_HEAD(&page[i].lru);
		page[i].mapping = NULL;
		page[i].index = 0;
		set_page_private(page + i, 0);
	}
}

/* Back to what the page allocator takes for a non-compound block. */
static void kho_folio_test_free(struct page *page, unsigned int order)
{
	unsigned long i;

	for (i = 1; i < 1UL << order; i++)
		set_page_count(page + i, 0);
	__free_pages(page, order);
}

static void kho_folio_test_order(struct kunit *test, unsigned int order)
{
	unsigned long nr = 1UL << order, i;
	struct page *page, *before;
	struct folio *folio;

	page = alloc_pages(GFP_KERNEL, order);
	KUNIT_ASSERT_NOT_NULL(test, page);
	before = kunit_kmalloc_array(test, nr, sizeof(*before), GFP_KERNEL);
	if (!before) {
		__free_pages(page, order);
		KUNIT_FAIL(test, "no memory for a copy of %lu struct pages", nr);
		return;
	}
	kho_folio_test_boot_state(page, nr);
	memcpy(before, page, nr * sizeof(*page));

	kho_folio_prepare(page, order);
	folio = page_folio(page + nr - 1);
	KUNIT_EXPECT_PTR_EQ(test, folio, (struct folio *)page);
	KUNIT_EXPECT_TRUE(test, folio_test_large(folio));
	KUNIT_EXPECT_EQ(test, folio_order(folio), order);
	KUNIT_EXPECT_EQ(test, folio_nr_pages(folio), nr);
	KUNIT_EXPECT_EQ(test, folio_ref_count(folio), 1);
	KUNIT_EXPECT_EQ(test, folio_mapcount(folio), 0);
	KUNIT_EXPECT_FALSE(test, folio_test_locked(folio));
	for (i = 1; i < nr; i++) {
		KUNIT_EXPECT_TRUE(test, PageTail(page + i));
		KUNIT_EXPECT_EQ(test, page_ref_count(page + i), 0);
	}

	kho_folio_split(page, order);
	for (i = 0; i < nr; i++)
		KUNIT_EXPECT_EQ_MSG(test, memcmp(before + i, page + i, sizeof(*page)), 0,
				    "struct page %lu of an order-%u block differs after split",
				    i, order);
	KUNIT_EXPECT_FALSE(test, PageHead(page));
	kho_folio_test_free(page, order);
}

static void kho_folio_test_orders(struct kunit *test)
{
	/* 1 and 2 have no deferred list; 9 is a PMD; the largest a folio can be. */
	static const unsigned int orders[] = { 1, 2, 3, 9, MAX_PAGE_ORDER };
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(orders); i++)
		kho_folio_test_order(test, orders[i]);
}

static struct kunit_case kho_folio_test_cases[] = {
	KUNIT_CASE(kho_folio_test_orders),
	{}
};

static struct kunit_suite kho_folio_test_suite = {
	.name = "kho_folio",
	.test_cases = kho_folio_test_cases,
};

kunit_test_suite(kho_folio_test_suite);

MODULE_DESCRIPTION("KUnit tests of preserved blocks as compound pages");
MODULE_LICENSE("GPL");
