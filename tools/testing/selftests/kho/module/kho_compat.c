// SPDX-License-Identifier: GPL-2.0-only
/*
 * kho_compat: one module source that uses the Kexec HandOver API and builds
 * unchanged against our 6.12 series and against mainline Linux.
 *
 * Loaded with kho=on and nothing handed over, it fills a folio, a range of
 * pages and a vmalloc area with random bytes, preserves them, and describes
 * them in the subtree "kho_compat". Loaded after a kexec that handed such
 * a subtree over, it restores all three, checks their contents and that a
 * second restore fails, frees them, and prints one line:
 *
 *   kho_compat: restore succeeded: folio, 3 pages, 5-page vmalloc area
 *   kho_compat: restore FAILED: <reason>
 *
 * libfdt is not exported to modules, so the subtree is a plain struct.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/io.h>
#include <linux/kexec_handover.h>
#include <linux/kho/abi/kexec_handover.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/random.h>
#include <linux/vmalloc.h>

#define KHO_COMPAT_SUBTREE	"kho_compat"
#define KHO_COMPAT_MAGIC	0x314f43504d4f434bULL	/* "KCOMPCO1" */
#define KHO_COMPAT_FOLIO_ORDER	2
#define KHO_COMPAT_NR_PAGES	3
#define KHO_COMPAT_AREA_PAGES	5

/* The subtree: where each piece is and what its bytes hash to. */
struct kho_compat_blob {
	u64 magic;
	u64 folio;
	u64 pages;
	struct kho_vmalloc area;
	u64 hash[3];
};

/* What this kernel preserved, to undo on unload. */
static struct {
	struct kho_compat_blob *blob;
	struct folio *folio;
	void *pages;
	void *area;
} kho_compat;

/* FNV-1a: any stable hash will do, and this one needs no other module. */
static u64 kho_compat_hash(const void *data, size_t len)
{
	const u8 *p = data;
	u64 hash = 0xcbf29ce484222325ULL;

	while (len--)
		hash = (hash ^ *p++) * 0x100000001b3ULL;
	return hash;
}

static void *kho_compat_fill(void *mem, size_t len, u64 *hash)
{
	get_random_bytes(mem, len);
	*hash = kho_compat_hash(mem, len);
	return mem;
}

static void kho_compat_free(void)
{
	if (kho_compat.folio)
		folio_put(kho_compat.folio);
	if (kho_compat.pages)
		free_pages_exact(kho_compat.pages,
				 KHO_COMPAT_NR_PAGES * PAGE_SIZE);
	vfree(kho_compat.area);
	memset(&kho_compat, 0, sizeof(kho_compat));
}

static int kho_compat_save(void)
{
	struct kho_compat_blob *blob;
	int err;

	kho_compat.folio = folio_alloc(GFP_KERNEL, KHO_COMPAT_FOLIO_ORDER);
	kho_compat.pages = alloc_pages_exact(KHO_COMPAT_NR_PAGES * PAGE_SIZE,
					     GFP_KERNEL);
	kho_compat.area = vmalloc(KHO_COMPAT_AREA_PAGES * PAGE_SIZE);
	blob = kho_alloc_preserve(sizeof(*blob));
	if (IS_ERR(blob)) {
		kho_compat_free();
		return PTR_ERR(blob);
	}
	if (!kho_compat.folio || !kho_compat.pages || !kho_compat.area) {
		err = -ENOMEM;
		goto free_blob;
	}
	blob->magic = KHO_COMPAT_MAGIC;
	blob->folio = PFN_PHYS(folio_pfn(kho_compat.folio));
	blob->pages = virt_to_phys(kho_compat.pages);
	kho_compat_fill(folio_address(kho_compat.folio),
			folio_size(kho_compat.folio), &blob->hash[0]);
	kho_compat_fill(kho_compat.pages, KHO_COMPAT_NR_PAGES * PAGE_SIZE,
			&blob->hash[1]);
	kho_compat_fill(kho_compat.area, KHO_COMPAT_AREA_PAGES * PAGE_SIZE,
			&blob->hash[2]);

	err = kho_preserve_folio(kho_compat.folio);
	if (err)
		goto free_blob;
	err = kho_preserve_pages(virt_to_page(kho_compat.pages),
				 KHO_COMPAT_NR_PAGES);
	if (err)
		goto unpreserve_folio;
	err = kho_preserve_vmalloc(kho_compat.area, &blob->area);
	if (err)
		goto unpreserve_pages;
	err = kho_add_subtree(KHO_COMPAT_SUBTREE, blob, sizeof(*blob));
	if (err)
		goto unpreserve_area;
	kho_compat.blob = blob;
	pr_info("preserved: folio, %d pages, %d-page vmalloc area\n",
		KHO_COMPAT_NR_PAGES, KHO_COMPAT_AREA_PAGES);
	return 0;

unpreserve_area:
	kho_unpreserve_vmalloc(&blob->area);
unpreserve_pages:
	kho_unpreserve_pages(virt_to_page(kho_compat.pages), KHO_COMPAT_NR_PAGES);
unpreserve_folio:
	kho_unpreserve_folio(kho_compat.folio);
free_blob:
	kho_unpreserve_free(blob);
	kho_compat_free();
	return err;
}

static const char *kho_compat_restore_pages(const struct kho_compat_blob *blob)
{
	struct page *page;
	const char *failed = NULL;
	unsigned long i;

	page = kho_restore_pages(blob->pages, KHO_COMPAT_NR_PAGES);
	if (!page)
		return "the page range could not be restored";
	if (kho_compat_hash(page_address(page), KHO_COMPAT_NR_PAGES * PAGE_SIZE) !=
	    blob->hash[1])
		failed = "the page range changed";
	else if (kho_restore_pages(blob->pages, KHO_COMPAT_NR_PAGES))
		failed = "the page range could be restored twice";
	for (i = 0; i < KHO_COMPAT_NR_PAGES; i++)
		__free_page(page + i);
	return failed;
}

static const char *kho_compat_restore_folio(const struct kho_compat_blob *blob)
{
	const char *failed = NULL;
	struct folio *folio;

	folio = kho_restore_folio(blob->folio);
	if (!folio)
		return "the folio could not be restored";
	if (folio_order(folio) != KHO_COMPAT_FOLIO_ORDER)
		failed = "the folio came back with another order";
	else if (kho_compat_hash(folio_address(folio), folio_size(folio)) !=
		 blob->hash[0])
		failed = "the folio changed";
	else if (kho_restore_folio(blob->folio))
		failed = "the folio could be restored twice";
	folio_put(folio);
	return failed;
}

static const char *kho_compat_restore_area(const struct kho_compat_blob *blob)
{
	const char *failed = NULL;
	void *area;

	area = kho_restore_vmalloc(&blob->area);
	if (!area)
		return "the vmalloc area could not be restored";
	if (kho_compat_hash(area, KHO_COMPAT_AREA_PAGES * PAGE_SIZE) !=
	    blob->hash[2])
		failed = "the vmalloc area changed";
	vfree(area);
	return failed;
}

static const char *kho_compat_restore(phys_addr_t phys, size_t size)
{
	struct kho_compat_blob *blob = phys_to_virt(phys);
	const char *failed;

	if (size != sizeof(*blob) || blob->magic != KHO_COMPAT_MAGIC)
		return "the subtree is not a kho_compat blob";
	failed = kho_compat_restore_folio(blob);
	if (!failed)
		failed = kho_compat_restore_pages(blob);
	if (!failed)
		failed = kho_compat_restore_area(blob);
	kho_restore_free(blob);
	return failed;
}

static int __init kho_compat_init(void)
{
	const char *failed;
	phys_addr_t phys;
	size_t size;

	if (!kho_retrieve_subtree(KHO_COMPAT_SUBTREE, &phys, &size)) {
		failed = kho_compat_restore(phys, size);
		if (failed)
			pr_err("restore FAILED: %s\n", failed);
		else
			pr_info("restore succeeded: folio, %d pages, %d-page vmalloc area\n",
				KHO_COMPAT_NR_PAGES, KHO_COMPAT_AREA_PAGES);
		return 0;
	}
	if (!kho_is_enabled()) {
		pr_info("KHO is off: nothing to preserve\n");
		return 0;
	}
	return kho_compat_save();
}

static void __exit kho_compat_exit(void)
{
	struct kho_compat_blob *blob = kho_compat.blob;

	if (!blob)
		return;
	kho_remove_subtree(blob);
	kho_unpreserve_vmalloc(&blob->area);
	kho_unpreserve_pages(virt_to_page(kho_compat.pages), KHO_COMPAT_NR_PAGES);
	kho_unpreserve_folio(kho_compat.folio);
	kho_unpreserve_free(blob);
	kho_compat_free();
}

module_init(kho_compat_init);
module_exit(kho_compat_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Kexec HandOver API round trip, source compatible with mainline");
