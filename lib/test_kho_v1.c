// SPDX-License-Identifier: GPL-2.0-only
/*
 * Kexec HandOver interop test in mainline Linux's own test format.
 *
 * Mainline's built-in KHO test hands over folios of random orders in the
 * subtree "kho_test" (compatible "kho-test-v1"): a list of the folios'
 * physical addresses with the order in the low bits, preserved as a
 * vmalloc area, and the running csum_partial() of their contents. Speaking
 * that format lets a mainline kernel check what this kernel handed over,
 * and this kernel check what a mainline kernel handed over:
 *
 * - a "kho_test" subtree handed over by any kernel is restored and checked
 *   at boot, with one line:
 *
 *     test_kho_v1: restore succeeded: N folios, M KiB
 *     test_kho_v1: restore FAILED: <reason>
 *
 * - with kho=on, no incoming "kho_test" and test_kho_v1.max_mem=BYTES,
 *   that many bytes of random folios are preserved in it (default 0: off,
 *   so that this kernel's own tests are not affected).
 *
 * The blob is an FDT:
 *
 *   /       compatible = "kho-test-v1", magic = <u32 0x4b484f21>
 *   /data   nr_folios = <u32>, folios_info = <struct kho_vmalloc>,
 *           csum = <u32, the running csum_partial() of every folio>
 *
 * with CPU-native values, in a preserved folio of its own.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/io.h>
#include <linux/kexec_handover.h>
#include <linux/kho/abi/kexec_handover.h>
#include <linux/libfdt.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/random.h>
#include <linux/vmalloc.h>
#include <net/checksum.h>

#define TEST_KHO_V1_SUBTREE	"kho_test"
#define TEST_KHO_V1_COMPATIBLE	"kho-test-v1"
#define TEST_KHO_V1_MAGIC	0x4b484f21	/* "KHO!" */
#define TEST_KHO_V1_DATA_NODE	"data"

static unsigned long max_mem;
module_param(max_mem, ulong, 0444);
MODULE_PARM_DESC(max_mem, "bytes of random folios to hand over in kho-test-v1 format (default 0: none)");

/* What the "data" node describes. */
struct test_kho_v1_set {
	phys_addr_t *list;
	struct kho_vmalloc list_kv;
	u32 nr;
	unsigned long bytes;
	__wsum csum;
};

/* Read the handed-over description in @fdt into @set. */
static const char *__init test_kho_v1_parse(const void *fdt, size_t size,
					    struct test_kho_v1_set *set)
{
	u32 magic;
	int node;

	if (size < sizeof(struct fdt_header) || fdt_check_header(fdt) ||
	    fdt_totalsize(fdt) > size)
		return "the subtree is not an FDT";
	if (fdt_node_check_compatible(fdt, 0, TEST_KHO_V1_COMPATIBLE))
		return "the subtree is not " TEST_KHO_V1_COMPATIBLE;
	if (kho_fdt_get_prop(fdt, 0, "magic", &magic, sizeof(magic)) ||
	    magic != TEST_KHO_V1_MAGIC)
		return "wrong magic";
	node = fdt_subnode_offset(fdt, 0, TEST_KHO_V1_DATA_NODE);
	if (node < 0 ||
	    kho_fdt_get_prop(fdt, node, "nr_folios", &set->nr, sizeof(set->nr)) ||
	    kho_fdt_get_prop(fdt, node, "folios_info", &set->list_kv,
			     sizeof(set->list_kv)) ||
	    kho_fdt_get_prop(fdt, node, "csum", &set->csum, sizeof(set->csum)))
		return "the data node is malformed";
	return NULL;
}

/*
 * Take every listed folio back, at its recorded order, and sum it up.
 * Folios that cannot be taken back stay with KHO, which reports them.
 */
static const char *__init test_kho_v1_take_back(struct test_kho_v1_set *set,
						__wsum *csum)
{
	struct folio *folio;
	unsigned int order;
	u32 i;

	for (i = 0; i < set->nr; i++) {
		order = set->list[i] & ~PAGE_MASK;
		folio = kho_restore_folio(set->list[i] & PAGE_MASK);
		if (!folio)
			return "a listed folio was not preserved";
		if (folio_order(folio) != order) {
			folio_put(folio);
			return "a folio came back with another order";
		}
		*csum = csum_partial(folio_address(folio), folio_size(folio), *csum);
		set->bytes += folio_size(folio);
		folio_put(folio);
	}
	return NULL;
}

static void __init test_kho_v1_restore(phys_addr_t phys, size_t size)
{
	struct test_kho_v1_set set = {};
	void *fdt = phys_to_virt(phys);
	const char *failed;
	__wsum csum = 0;

	failed = test_kho_v1_parse(fdt, size, &set);
	if (!failed) {
		set.list = kho_restore_vmalloc(&set.list_kv);
		if (!set.list)
			failed = "the folio list could not be restored";
	}
	if (!failed) {
		failed = test_kho_v1_take_back(&set, &csum);
		vfree(set.list);
	}
	/*
	 * The format keeps csum_partial()'s unfolded 32-bit sum, whose value
	 * depends on the implementation (x86's own, or the generic one of
	 * KASAN kernels) for the same bytes; the folded sum does not.
	 */
	if (!failed && csum_fold(csum) != csum_fold(set.csum))
		failed = "checksum mismatch";
	kho_restore_free(fdt);
	if (failed)
		pr_err("restore FAILED: %s\n", failed);
	else
		pr_info("restore succeeded: %u folios, %lu KiB\n", set.nr,
			set.bytes >> 10);
}

static void __init test_kho_v1_drop(struct test_kho_v1_set *set)
{
	struct folio *folio;
	u32 i;

	for (i = 0; i < set->nr; i++) {
		folio = pfn_folio(PHYS_PFN(set->list[i] & PAGE_MASK));
		kho_unpreserve_folio(folio);
		folio_put(folio);
	}
	vfree(set->list);
}

/* Allocate, fill, sum up and preserve folios of random orders. */
static int __init test_kho_v1_fill(struct test_kho_v1_set *set)
{
	unsigned long max_nr = max_mem >> PAGE_SHIFT;
	struct folio *folio;
	unsigned int order;
	int err;

	set->list = vmalloc_array(max_nr, sizeof(*set->list));
	if (!set->list)
		return -ENOMEM;
	while (max_mem - set->bytes >= PAGE_SIZE) {
		order = get_random_u32_below(MAX_PAGE_ORDER + 1);
		while ((PAGE_SIZE << order) > max_mem - set->bytes)
			order--;
		folio = folio_alloc(GFP_KERNEL | __GFP_NOWARN, order);
		if (!folio)
			return -ENOMEM;
		get_random_bytes(folio_address(folio), folio_size(folio));
		err = kho_preserve_folio(folio);
		if (err) {
			folio_put(folio);
			return err;
		}
		set->csum = csum_partial(folio_address(folio), folio_size(folio),
					 set->csum);
		set->list[set->nr++] = PFN_PHYS(folio_pfn(folio)) | order;
		set->bytes += folio_size(folio);
	}
	return kho_preserve_vmalloc(set->list, &set->list_kv);
}

static int __init test_kho_v1_describe(void *fdt, size_t size,
				       const struct test_kho_v1_set *set)
{
	u32 magic = TEST_KHO_V1_MAGIC;
	int err;

	err = fdt_create(fdt, size);
	err |= fdt_finish_reservemap(fdt);
	err |= fdt_begin_node(fdt, "");
	err |= fdt_property_string(fdt, "compatible", TEST_KHO_V1_COMPATIBLE);
	err |= fdt_property(fdt, "magic", &magic, sizeof(magic));
	err |= fdt_begin_node(fdt, TEST_KHO_V1_DATA_NODE);
	err |= fdt_property(fdt, "nr_folios", &set->nr, sizeof(set->nr));
	err |= fdt_property(fdt, "folios_info", &set->list_kv,
			    sizeof(set->list_kv));
	err |= fdt_property(fdt, "csum", &set->csum, sizeof(set->csum));
	err |= fdt_end_node(fdt);
	err |= fdt_end_node(fdt);
	err |= fdt_finish(fdt);
	return err ? -ENOMEM : 0;
}

static int __init test_kho_v1_save(void)
{
	struct test_kho_v1_set set = {};
	size_t size;
	void *fdt;
	int err;

	err = test_kho_v1_fill(&set);
	if (err)
		goto drop;
	/* Room for the description, as the format's writer sizes it. */
	size = set.nr * sizeof(*set.list) + PAGE_SIZE;
	fdt = kho_alloc_preserve(size);
	if (IS_ERR(fdt)) {
		err = PTR_ERR(fdt);
		goto unpreserve_list;
	}
	err = test_kho_v1_describe(fdt, size, &set);
	if (!err)
		err = kho_add_subtree(TEST_KHO_V1_SUBTREE, fdt, fdt_totalsize(fdt));
	if (!err) {
		pr_info("preserved %u folios, %lu KiB\n", set.nr, set.bytes >> 10);
		return 0;
	}
	kho_unpreserve_free(fdt);
unpreserve_list:
	kho_unpreserve_vmalloc(&set.list_kv);
drop:
	test_kho_v1_drop(&set);
	return err;
}

static int __init test_kho_v1_init(void)
{
	phys_addr_t phys;
	size_t size;
	int err;

	if (!kho_retrieve_subtree(TEST_KHO_V1_SUBTREE, &phys, &size)) {
		test_kho_v1_restore(phys, size);
		return 0;
	}
	if (!kho_is_enabled() || !max_mem)
		return 0;
	err = test_kho_v1_save();
	if (err)
		pr_err("cannot hand test data over (%d)\n", err);
	return 0;
}
late_initcall(test_kho_v1_init);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Kexec HandOver interop test in the kho-test-v1 format");
