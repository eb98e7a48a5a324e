// SPDX-License-Identifier: GPL-2.0-only
/*
 * Test of Kexec HandOver: preserve folios full of random bytes, kexec, and
 * check in the next kernel that every byte came back.
 *
 * With kho=on and no incoming handover, folios of random orders are
 * allocated up to test_kho.max_mem bytes, filled with random data and
 * preserved, together with a vmalloc'ed list of them, a vmalloc'ed pattern
 * area larger than one chunk of the vmalloc handover format, and a small
 * FDT describing the set, registered as the "test_kho" subtree. After a kexec the next kernel
 * restores the list and every folio, checks orders and the checksum, checks
 * that restoring twice or restoring what was never preserved fails, and
 * prints one line:
 *
 *   test_kho: restore succeeded: N folios, M KiB
 *   test_kho: restore FAILED: <reason>
 *
 * It then preserves the same folios again, so a chain of kexecs keeps
 * checking the very same bytes.
 *
 * test_kho.steal=ADDR first tries to restore the page at ADDR, which a
 * client must not get (the root FDT's page, say), and prints
 *
 *   test_kho: steal refused: ADDR cannot be restored
 *   test_kho: steal FAILED: ADDR was restored as a folio|page
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/io.h>
#include <linux/kexec_handover.h>
#include <linux/libfdt.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/random.h>
#include <linux/kho/abi/kexec_handover.h>
#include <linux/sizes.h>
#include <linux/vmalloc.h>
#include <linux/xxhash.h>

#define TEST_KHO_SUBTREE	"test_kho"
#define TEST_KHO_COMPATIBLE	"kho-test612-v1"
/* 768 pages: its vmalloc handover needs two chunks. */
#define TEST_KHO_PATTERN_SIZE	(3 * SZ_1M)

static unsigned long max_mem = SZ_8M;
module_param(max_mem, ulong, 0444);
MODULE_PARM_DESC(max_mem, "bytes of random folios to preserve (default 8 MiB)");

static unsigned long steal;
module_param(steal, ulong, 0444);
MODULE_PARM_DESC(steal, "physical address whose restore must fail (default none)");

static bool restore = true;
module_param(restore, bool, 0444);
MODULE_PARM_DESC(restore, "restore the handed-over folios (default on; off leaves them unrestored)");

/* The preserved set: one u64 per folio, its physical address | order. */
struct test_kho_set {
	u64 *list;
	struct kho_vmalloc list_kv;
	void *pattern;
	struct kho_vmalloc pattern_kv;
	unsigned long nr;
	unsigned long bytes;
	u64 csum;
	void *fdt;
};

static struct test_kho_set test_kho;

static u64 test_kho_entry(struct folio *folio)
{
	return PFN_PHYS(folio_pfn(folio)) | folio_order(folio);
}

static struct folio *test_kho_entry_folio(u64 entry)
{
	return pfn_folio(PHYS_PFN(entry & PAGE_MASK));
}

/* Checksum of all folios, in list order: the same on both sides. */
static u64 test_kho_csum(const struct test_kho_set *set)
{
	struct xxh64_state state;
	unsigned long i;

	xxh64_reset(&state, 0);
	for (i = 0; i < set->nr; i++) {
		struct folio *folio = test_kho_entry_folio(set->list[i]);

		xxh64_update(&state, folio_address(folio), folio_size(folio));
	}
	xxh64_update(&state, set->pattern, TEST_KHO_PATTERN_SIZE);
	return xxh64_digest(&state);
}

static int test_kho_alloc(struct test_kho_set *set)
{
	unsigned long max_nr = max_mem >> PAGE_SHIFT;
	unsigned int order;
	struct folio *folio;

	set->list = vmalloc(max_nr * sizeof(*set->list));
	set->pattern = vmalloc(TEST_KHO_PATTERN_SIZE);
	if (!set->list || !set->pattern)
		return -ENOMEM;
	get_random_bytes(set->pattern, TEST_KHO_PATTERN_SIZE);

	while (max_mem - set->bytes >= PAGE_SIZE) {
		order = get_random_u32_below(MAX_PAGE_ORDER + 1);
		while ((PAGE_SIZE << order) > max_mem - set->bytes)
			order--;
		folio = folio_alloc(GFP_KERNEL | __GFP_NOWARN, order);
		if (!folio)
			return -ENOMEM;
		get_random_bytes(folio_address(folio), folio_size(folio));
		set->list[set->nr++] = test_kho_entry(folio);
		set->bytes += folio_size(folio);
	}
	return 0;
}

/*
 * Unpreserving a folio that was never preserved only warns: it must not
 * change what is preserved (the folio can be preserved afterwards).
 */
static int test_kho_unpreserve_unknown(void)
{
	struct folio *folio = folio_alloc(GFP_KERNEL, 0);
	int err;

	if (!folio)
		return -ENOMEM;
	kho_unpreserve_folio(folio);
	err = kho_preserve_folio(folio);
	if (!err)
		kho_unpreserve_folio(folio);
	folio_put(folio);
	return err;
}

/* Preserve every folio of @set and describe it in a subtree. */
static int test_kho_preserve(struct test_kho_set *set)
{
	unsigned long i;
	void *fdt;
	int err;

	for (i = 0; i < set->nr; i++) {
		err = kho_preserve_folio(test_kho_entry_folio(set->list[i]));
		if (err)
			return err;
	}
	/* Preserving twice is refused, and leaves the first preservation. */
	if (kho_preserve_folio(test_kho_entry_folio(set->list[0])) != -EEXIST)
		return -EPROTO;
	/* Memory the next kernel boots from (here: below 1 MiB) is refused. */
	if (kho_preserve_pages(pfn_to_page(1), 1) != -EINVAL)
		return -EPROTO;
	err = test_kho_unpreserve_unknown();
	if (err)
		return err;
	err = kho_preserve_vmalloc(set->list, &set->list_kv);
	if (!err)
		err = kho_preserve_vmalloc(set->pattern, &set->pattern_kv);
	if (err)
		return err;

	fdt = kho_alloc_preserve(PAGE_SIZE);
	if (IS_ERR(fdt))
		return PTR_ERR(fdt);
	err = fdt_create(fdt, PAGE_SIZE);
	err |= fdt_finish_reservemap(fdt);
	err |= fdt_begin_node(fdt, "");
	err |= fdt_property_string(fdt, "compatible", TEST_KHO_COMPATIBLE);
	err |= fdt_property(fdt, "list", &set->list_kv, sizeof(set->list_kv));
	err |= fdt_property(fdt, "pattern", &set->pattern_kv, sizeof(set->pattern_kv));
	err |= fdt_property(fdt, "nr", &set->nr, sizeof(u64));
	err |= fdt_property(fdt, "bytes", &set->bytes, sizeof(u64));
	err |= fdt_property(fdt, "csum", &set->csum, sizeof(set->csum));
	err |= fdt_end_node(fdt);
	err |= fdt_finish(fdt);
	if (err)
		return -ENOMEM;
	set->fdt = fdt;
	return kho_add_subtree(TEST_KHO_SUBTREE, fdt, fdt_totalsize(fdt));
}

static int test_kho_get(const void *fdt, const char *name, void *val,
			size_t size)
{
	return kho_fdt_get_prop(fdt, 0, name, val, size);
}

/* Restore the set the previous kernel preserved and check every byte. */
static const char *test_kho_restore(struct test_kho_set *set)
{
	struct kho_vmalloc list, pattern;
	struct folio *folio;
	phys_addr_t phys;
	u64 nr, bytes, csum;
	unsigned long i;
	void *fdt;

	if (kho_retrieve_subtree(TEST_KHO_SUBTREE, &phys, NULL))
		return "the test_kho subtree is malformed";
	fdt = phys_to_virt(phys);
	if (fdt_check_header(fdt) ||
	    fdt_node_check_compatible(fdt, 0, TEST_KHO_COMPATIBLE))
		return "test_kho subtree is not " TEST_KHO_COMPATIBLE;
	if (test_kho_get(fdt, "list", &list, sizeof(list)) ||
	    test_kho_get(fdt, "pattern", &pattern, sizeof(pattern)) ||
	    test_kho_get(fdt, "nr", &nr, sizeof(nr)) ||
	    test_kho_get(fdt, "bytes", &bytes, sizeof(bytes)) ||
	    test_kho_get(fdt, "csum", &csum, sizeof(csum)))
		return "test_kho subtree lacks list, pattern, nr, bytes or csum";
	kho_restore_free(fdt);

	set->list = kho_restore_vmalloc(&list);
	if (!set->list)
		return "the vmalloc'ed folio list could not be restored";
	if (nr > (unsigned long)list.total_pages * PAGE_SIZE / sizeof(u64))
		return "the folio list is shorter than nr";
	set->nr = nr;
	set->pattern = kho_restore_vmalloc(&pattern);
	if (!set->pattern || pattern.total_pages != TEST_KHO_PATTERN_SIZE >> PAGE_SHIFT)
		return "the vmalloc'ed pattern could not be restored";

	for (i = 0; i < nr; i++) {
		folio = kho_restore_folio(set->list[i] & PAGE_MASK);
		if (!folio)
			return "a folio was not preserved";
		if (folio_order(folio) != (set->list[i] & ~PAGE_MASK))
			return "a folio came back with another order";
		if (folio_ref_count(folio) != 1)
			return "a folio came back with a wrong reference count";
		set->bytes += folio_size(folio);
	}
	if (set->bytes != bytes)
		return "the folios do not add up to the preserved size";
	set->csum = test_kho_csum(set);
	if (set->csum != csum)
		return "checksum mismatch: the data changed";

	/* Restoring twice and restoring the unpreserved both fail. */
	if (kho_restore_folio(set->list[0] & PAGE_MASK))
		return "a folio could be restored twice";
	if (kho_restore_folio(virt_to_phys(set)))
		return "memory that was never preserved could be restored";
	return NULL;
}

/*
 * Did the previous kernel run this test? A handover from a kernel that did
 * not (a mainline kernel, say) is no failure: a new set is started.
 */
static bool __init test_kho_handed_over(void)
{
	phys_addr_t phys;

	if (!is_kho_boot())
		return false;
	if (kho_retrieve_subtree(TEST_KHO_SUBTREE, &phys, NULL) != -ENOENT)
		return true;
	pr_info("the previous kernel handed no test_kho data over\n");
	return false;
}

/* Restoring what no client owns must fail; on success it stays taken. */
static void __init test_kho_steal(void)
{
	struct folio *folio;
	struct page *page = NULL;

	if (!steal)
		return;
	folio = kho_restore_folio(steal);
	if (!folio)
		page = kho_restore_pages(steal, 1);
	if (folio || page)
		pr_err("steal FAILED: %#lx was restored as a %s\n", steal,
		       folio ? "folio" : "page");
	else
		pr_info("steal refused: %#lx cannot be restored\n", steal);
}

static int __init test_kho_init(void)
{
	bool handed_over = test_kho_handed_over();
	const char *failure;
	int err;

	test_kho_steal();
	if (!kho_is_enabled() && !handed_over)
		return 0;

	if (handed_over && !restore) {
		pr_info("leaving the handed-over folios unrestored\n");
		return 0;
	}
	if (handed_over) {
		failure = test_kho_restore(&test_kho);
		if (failure) {
			pr_err("restore FAILED: %s\n", failure);
			return 0;
		}
		pr_info("restore succeeded: %lu folios, %lu KiB\n", test_kho.nr,
			test_kho.bytes >> 10);
		err = 0;
	} else {
		err = test_kho_alloc(&test_kho);
		if (!err)
			test_kho.csum = test_kho_csum(&test_kho);
	}
	if (!err && kho_is_enabled())
		err = test_kho_preserve(&test_kho);
	if (err) {
		pr_err("preserve FAILED: %d\n", err);
		return 0;
	}
	if (kho_is_enabled())
		pr_info("preserved %lu folios, %lu KiB, checksum %016llx\n",
			test_kho.nr, test_kho.bytes >> 10, test_kho.csum);
	return 0;
}
late_initcall(test_kho_init);

MODULE_DESCRIPTION("Test of Kexec HandOver: random folios across kexec");
MODULE_LICENSE("GPL");
