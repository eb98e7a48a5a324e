// SPDX-License-Identifier: GPL-2.0-only
/*
 * Kexec HandOver core: the kho= switch, the preservation API and the
 * outgoing root FDT.
 *
 * With kho=on, a kernel reserves scratch memory on a cold boot and keeps,
 * from kho_init() on, a preserved-memory map and a root FDT that are always
 * ready to be handed to the next kernel: there is no step to run before
 * kexec. kho= only governs this outgoing side.
 */

#define pr_fmt(fmt) "KHO: " fmt

#include <linux/cache.h>
#include <linux/export.h>
#include <linux/gfp.h>
#include <linux/init.h>
#include <linux/io.h>
#include <linux/kexec.h>
#include <linux/kexec_handover.h>
#include <linux/kstrtox.h>
#include <linux/log2.h>
#include <linux/mm.h>
#include <linux/mutex.h>
#include <linux/percpu.h>
#include <linux/notifier.h>
#include <linux/printk.h>
#include <linux/reboot.h>
#include <linux/sizes.h>

#include "kexec_handover_internal.h"
#include "kho_radix.h"

static bool kho_enable __ro_after_init;

/**
 * struct kho_out - what this kernel hands to the next one
 * @map:           the preserved-memory map
 * @fdt:           the root FDT, one preserved page
 * @fdt_lock:      serialises edits and readers of @fdt, and @finalized
 * @finalize_lock: serialises finalize, abort and kexec; taken before
 *                 @fdt_lock, because clients add subtrees when finalizing
 * @finalized:     clients recorded their state and subtrees are frozen
 * @clients:       notified of KHO_FINALIZE and KHO_ABORT
 */
struct kho_out {
	struct kho_radix_map map;
	void *fdt;
	struct mutex fdt_lock;	/* see @fdt_lock above */
	struct mutex finalize_lock;	/* see @finalize_lock above */
	bool finalized;
	struct blocking_notifier_head clients;
};

static struct kho_out kho_out = {
	.fdt_lock = __MUTEX_INITIALIZER(kho_out.fdt_lock),
	.finalize_lock = __MUTEX_INITIALIZER(kho_out.finalize_lock),
	.clients = BLOCKING_NOTIFIER_INIT(kho_out.clients),
};

static int __init kho_param(char *arg)
{
	if (kstrtobool(arg ?: "", &kho_enable)) {
		pr_err("ignoring malformed kho=%s: expected on or off; KHO stays %s\n",
		       arg ?: "", kho_enable ? "on" : "off");
	}
	return 0;
}
early_param("kho", kho_param);

/**
 * kho_is_enabled - will this kernel hand memory over at kexec?
 *
 * Return: true when booted with kho=on and the scratch areas could be set
 * up.
 */
bool kho_is_enabled(void)
{
	return kho_enable;
}
EXPORT_SYMBOL_GPL(kho_is_enabled);

/*
 * The leaves each CPU preserved into last, one per order: preserving a
 * large area in address order then skips the descent of the map for
 * almost every block. Map nodes are never freed, so a remembered leaf
 * stays valid.
 */
static DEFINE_PER_CPU(struct kho_cursors, kho_out_cursors);

/*
 * Memory in scratch, and below 1 MiB (which the next kernel treats as
 * scratch), cannot be preserved: the next kernel allocates there before it
 * reads the map.
 */
static bool kho_preservable(phys_addr_t pa, unsigned int order)
{
	return pa >= SZ_1M && !kho_scratch_overlap(pa, PAGE_SIZE << order);
}

/*
 * May a naturally aligned block be preserved? Marking it may allocate map
 * nodes with GFP_KERNEL, so callers must be able to sleep, even when a
 * node happens to exist already.
 */
static int kho_preserve_check(phys_addr_t pa, unsigned int order)
{
	phys_addr_t size = PAGE_SIZE << order;

	might_sleep();
	if (!kho_out.map.root)
		return -EINVAL;
	if (!kho_preservable(pa, order)) {
		pr_warn_ratelimited("cannot preserve [mem %#018llx-%#018llx]: next kernel's scratch memory\n",
				    (u64)pa, (u64)(pa + size - 1));
		return -EINVAL;
	}
	return 0;
}

static int kho_preserve_block_near(struct kho_radix_cursor *cursor,
				   phys_addr_t pa, unsigned int order)
{
	return kho_preserve_check(pa, order) ?:
	       kho_radix_insert_near(&kho_out.map, cursor, pa, order);
}

static int kho_preserve_block(phys_addr_t pa, unsigned int order)
{
	struct kho_radix_cursor cursor;
	int err;

	/* A copy: inserting may sleep, and another CPU may take over. */
	cursor = *kho_cursor(get_cpu_ptr(&kho_out_cursors), order);
	put_cpu_ptr(&kho_out_cursors);
	err = kho_preserve_block_near(&cursor, pa, order);
	*kho_cursor(get_cpu_ptr(&kho_out_cursors), order) = cursor;
	put_cpu_ptr(&kho_out_cursors);
	return err;
}

static void kho_unpreserve_block(phys_addr_t pa, unsigned int order)
{
	if (!kho_out.map.root || kho_radix_remove(&kho_out.map, pa, order))
		pr_warn_ratelimited("unpreserving [mem %#018llx] order %u, which is not preserved\n",
				    (u64)pa, order);
}

/**
 * kho_preserve_folio - hand a folio to the next kernel
 * @folio: the folio; its memory stays untouched across kexec
 *
 * The next kernel gets it back with kho_restore_folio(). Safe to call
 * concurrently; takes no lock.
 *
 * Context: Process context. May sleep: allocates memory with GFP_KERNEL.
 *
 * Return: 0; -EEXIST if the folio is already preserved; -EINVAL if KHO is
 * off or the folio lies in memory the next kernel boots from (scratch, or
 * below 1 MiB); -ERANGE if its order cannot be represented; -ENOMEM.
 */
int kho_preserve_folio(struct folio *folio)
{
	return kho_preserve_block(PFN_PHYS(folio_pfn(folio)), folio_order(folio));
}
EXPORT_SYMBOL_GPL(kho_preserve_folio);

/* The first block of the map word that holds the block at @pa. */
static phys_addr_t kho_word_base(phys_addr_t pa, unsigned int order)
{
	return ALIGN_DOWN(pa, (phys_addr_t)BITS_PER_LONG <<
			      (KHO_RADIX_PAGE_SHIFT + order));
}

static unsigned int kho_word_bit(phys_addr_t pa, unsigned int order)
{
	return (pa >> (KHO_RADIX_PAGE_SHIFT + order)) % BITS_PER_LONG;
}

/*
 * How many folios from @folios[0] (at @pa, of @order, checked by the
 * caller) on go into one word of the map: same order, same word, each
 * checked, none twice. Sets @mask to their bits. Stops before a folio
 * that cannot join, which the next group then starts and reports.
 */
static unsigned long kho_preserve_group(struct folio **folios,
					unsigned long nr, phys_addr_t pa,
					unsigned int order, unsigned long *mask)
{
	phys_addr_t base = kho_word_base(pa, order);
	unsigned long i, bit;

	*mask = BIT(kho_word_bit(pa, order));
	for (i = 1; i < nr; i++) {
		pa = PFN_PHYS(folio_pfn(folios[i]));
		bit = BIT(kho_word_bit(pa, order));
		if (folio_order(folios[i]) != order ||
		    kho_word_base(pa, order) != base || (*mask & bit) ||
		    !kho_preservable(pa, order))
			break;
		*mask |= bit;
	}
	return i;
}

/**
 * kho_preserve_folios - hand many folios to the next kernel
 * @folios: the folios
 * @nr:     how many there are
 *
 * Does what kho_preserve_folio() does for each folio, for owners that
 * preserve long lists (a tmpfs at its freeze, a VMM): the map is written
 * through one cursor, so folios that lie close together cost no descent
 * of the map, and folios of one order that share a word of the map (64
 * blocks) are marked with one atomic operation. A list in address order
 * gets the most out of both.
 *
 * Context: Process context. May sleep: allocates memory with GFP_KERNEL.
 *
 * Return: 0, or the first error kho_preserve_folio() would have returned;
 * on failure the folios this call preserved are unpreserved again.
 */
int kho_preserve_folios(struct folio **folios, unsigned long nr)
{
	struct kho_cursors cursors = {};
	unsigned long i, n, mask;
	unsigned int order;
	phys_addr_t pa;
	int err;

	for (i = 0; i < nr; i += n) {
		order = folio_order(folios[i]);
		pa = PFN_PHYS(folio_pfn(folios[i]));
		err = kho_preserve_check(pa, order);
		if (err)
			goto undo;
		n = kho_preserve_group(folios + i, nr - i, pa, order, &mask);
		err = kho_radix_insert_word_near(&kho_out.map,
						 kho_cursor(&cursors, order),
						 kho_word_base(pa, order),
						 order, mask);
		if (err)
			goto undo;
	}
	return 0;
undo:
	while (i--)
		kho_unpreserve_folio(folios[i]);
	return err;
}
EXPORT_SYMBOL_GPL(kho_preserve_folios);

/**
 * kho_unpreserve_folio - stop handing a folio to the next kernel
 * @folio: a folio given to kho_preserve_folio()
 *
 * A folio that is not preserved (at this order) is left alone, with a
 * warning.
 */
void kho_unpreserve_folio(struct folio *folio)
{
	kho_unpreserve_block(PFN_PHYS(folio_pfn(folio)), folio_order(folio));
}
EXPORT_SYMBOL_GPL(kho_unpreserve_folio);

/*
 * Order of the block that starts at @pfn when a range ending at @end is
 * split into naturally aligned blocks, largest first. Blocks never span two
 * NUMA nodes. Mainline splits the same way, and kho_restore_pages() of
 * either kernel depends on it.
 */
static unsigned int kho_pages_block_order(unsigned long pfn, unsigned long end)
{
	unsigned int order = ilog2(end - pfn);

	if (pfn)
		order = min_t(unsigned int, order, __ffs(pfn));
	order = min_t(unsigned int, order, KHO_RADIX_MAX_ORDER);
	while (order && pfn_to_nid(pfn) != pfn_to_nid(pfn + (1UL << order) - 1))
		order--;
	return order;
}

static void kho_unpreserve_pfns(unsigned long pfn, unsigned long end)
{
	unsigned int order;

	for (; pfn < end; pfn += 1UL << order) {
		order = kho_pages_block_order(pfn, end);
		kho_unpreserve_block(PFN_PHYS(pfn), order);
	}
}

/**
 * kho_preserve_pages - hand a range of pages to the next kernel
 * @page:     first page
 * @nr_pages: number of pages
 *
 * The pages need not form a folio. The next kernel gets them back with
 * kho_restore_pages() on the same range.
 *
 * Context: Process context. May sleep: allocates memory with GFP_KERNEL.
 *
 * Return: as kho_preserve_folio(); on failure nothing stays preserved.
 */
int kho_preserve_pages(struct page *page, unsigned long nr_pages)
{
	unsigned long start = page_to_pfn(page), end = start + nr_pages, pfn;
	unsigned int order;
	int err;

	for (pfn = start; pfn < end; pfn += 1UL << order) {
		order = kho_pages_block_order(pfn, end);
		err = kho_preserve_block(PFN_PHYS(pfn), order);
		if (err) {
			kho_unpreserve_pfns(start, pfn);
			return err;
		}
	}
	return 0;
}
EXPORT_SYMBOL_GPL(kho_preserve_pages);

/**
 * kho_unpreserve_pages - stop handing a range of pages to the next kernel
 * @page:     first page, as given to kho_preserve_pages()
 * @nr_pages: number of pages, as given to kho_preserve_pages()
 */
void kho_unpreserve_pages(struct page *page, unsigned long nr_pages)
{
	unsigned long start = page_to_pfn(page);

	kho_unpreserve_pfns(start, start + nr_pages);
}
EXPORT_SYMBOL_GPL(kho_unpreserve_pages);

/**
 * kho_alloc_preserve - allocate zeroed memory and hand it to the next kernel
 * @size: bytes wanted; a whole folio of get_order(@size) is allocated
 *
 * Context: Process context. May sleep: allocates memory with GFP_KERNEL.
 *
 * Return: the memory, or ERR_PTR(-EINVAL) for size 0, ERR_PTR(-E2BIG) when
 * larger than the biggest folio, ERR_PTR(-ENOMEM), or the preserve error.
 */
void *kho_alloc_preserve(size_t size)
{
	struct folio *folio;
	unsigned int order;
	int err;

	might_sleep();
	if (!size)
		return ERR_PTR(-EINVAL);
	order = get_order(size);
	if (order > MAX_PAGE_ORDER)
		return ERR_PTR(-E2BIG);

	folio = folio_alloc(GFP_KERNEL | __GFP_ZERO, order);
	if (!folio)
		return ERR_PTR(-ENOMEM);
	err = kho_preserve_folio(folio);
	if (err) {
		folio_put(folio);
		return ERR_PTR(err);
	}
	return folio_address(folio);
}
EXPORT_SYMBOL_GPL(kho_alloc_preserve);

/**
 * kho_unpreserve_free - undo kho_alloc_preserve()
 * @mem: what kho_alloc_preserve() returned, or NULL
 */
void kho_unpreserve_free(void *mem)
{
	struct folio *folio;

	if (!mem)
		return;
	folio = virt_to_folio(mem);
	kho_unpreserve_folio(folio);
	folio_put(folio);
}
EXPORT_SYMBOL_GPL(kho_unpreserve_free);

/**
 * kho_add_subtree - name a blob in the handover
 * @name: node name in the root FDT, unique
 * @blob: the blob, in the linear map; the caller preserves its memory
 * @size: its size in bytes
 *
 * The next kernel finds the blob with kho_retrieve_subtree(@name).
 *
 * Context: Process context. May sleep: takes a mutex.
 *
 * Return: 0; -EEXIST if @name is taken; -EBUSY while the handover is
 * finalized; -EINVAL if KHO is off; -ENOMEM if the root FDT is full.
 */
int kho_add_subtree(const char *name, void *blob, size_t size)
{
	int err = -EINVAL;

	mutex_lock(&kho_out.fdt_lock);
	if (kho_out.finalized)
		err = -EBUSY;
	else if (kho_out.fdt)
		err = kho_fdt_add_subtree(kho_out.fdt, name, virt_to_phys(blob), size);
	/* Under the lock, so a racing removal cannot outrun the file. */
	if (!err)
		kho_debugfs_add_subtree(name, blob, size);
	mutex_unlock(&kho_out.fdt_lock);
	return err;
}
EXPORT_SYMBOL_GPL(kho_add_subtree);

/**
 * kho_remove_subtree - take a blob out of the handover
 * @blob: the blob given to kho_add_subtree()
 *
 * While the handover is finalized the root FDT is frozen and the blob stays
 * in it: its memory must then stay preserved and unchanged. Mainline's
 * kho_remove_subtree() returns nothing; callers written for it still build
 * and get the warning.
 *
 * Context: Process context. May sleep: takes a mutex.
 *
 * Return: 0; -EBUSY while the handover is finalized; -ENOENT if no subtree
 * names @blob; -EINVAL if KHO is off. Each error but -EINVAL also logs a
 * warning.
 */
int kho_remove_subtree(void *blob)
{
	phys_addr_t phys = virt_to_phys(blob);
	int err = -EINVAL;

	mutex_lock(&kho_out.fdt_lock);
	if (kho_out.finalized)
		err = -EBUSY;
	else if (kho_out.fdt)
		err = kho_fdt_remove_subtree(kho_out.fdt, phys);
	if (!err)
		kho_debugfs_remove_subtree(blob);
	mutex_unlock(&kho_out.fdt_lock);
	if (err == -EBUSY)
		pr_warn("subtree at %#llx stays in the handover: it is finalized\n",
			(u64)phys);
	else if (err == -ENOENT)
		pr_warn("no subtree at %#llx to remove\n", (u64)phys);
	return err;
}
EXPORT_SYMBOL_GPL(kho_remove_subtree);

/**
 * kho_register_notifier - be told when the handover is finalized or aborted
 * @nb: called with KHO_FINALIZE or KHO_ABORT; the data pointer is NULL,
 *      except for the KHO_FINALIZE sent at kexec -e
 *
 * Clients whose state can change until the last moment (a file system,
 * say) record it on KHO_FINALIZE, which comes from out/finalize in debugfs
 * or, when that was not used, at kexec -e. A client that cannot record its
 * state returns notifier_from_errno(): finalize then fails and every
 * client gets KHO_ABORT. At kexec -e nothing can be undone: the client
 * says what it could not hand over and returns NOTIFY_OK, so that the
 * clients after it are still asked. KHO_ABORT also comes when finalize is
 * undone, and a client must then work exactly as before.
 *
 * Return: 0, or -EEXIST if @nb is already registered.
 */
int kho_register_notifier(struct notifier_block *nb)
{
	return blocking_notifier_chain_register(&kho_out.clients, nb);
}

/* Tell the clients to record their state; undo it all if one cannot. */
static int kho_out_finalize_clients(void)
{
	int ret;

	ret = blocking_notifier_call_chain(&kho_out.clients, KHO_FINALIZE, NULL);
	ret = notifier_to_errno(ret);
	if (ret)
		blocking_notifier_call_chain(&kho_out.clients, KHO_ABORT, NULL);
	return ret;
}

/*
 * out/finalize in debugfs. Clients are called without @fdt_lock, since
 * they add and remove subtrees; @finalize_lock keeps two writers, and
 * kexec, apart.
 */
static int kho_out_set_finalized(bool finalize)
{
	int err = 0;

	mutex_lock(&kho_out.finalize_lock);
	if (finalize == kho_out.finalized)
		goto out;
	if (finalize) {
		err = kho_out_finalize_clients();
		if (err) {
			pr_err("cannot finalize the handover: a client failed (%d)\n", err);
			goto out;
		}
	}
	mutex_lock(&kho_out.fdt_lock);
	kho_out.finalized = finalize;
	mutex_unlock(&kho_out.fdt_lock);
	if (!finalize)
		blocking_notifier_call_chain(&kho_out.clients, KHO_ABORT, NULL);
	pr_info("handover %s\n", finalize ? "finalized: subtrees frozen" :
		"thawed: subtrees may change");
out:
	mutex_unlock(&kho_out.finalize_lock);
	return err;
}

/**
 * kho_out_fdt - the root FDT handed to the next kernel
 *
 * Return: its address, or NULL when there is no handover.
 */
void *kho_out_fdt(void)
{
	return kho_enable ? kho_out.fdt : NULL;
}

/**
 * kho_out_map - the map of what this kernel preserves for the next one
 *
 * Return: the map (for fault injection).
 */
struct kho_radix_map *kho_out_map(void)
{
	return &kho_out.map;
}

/**
 * kho_memory_init - boot-time memory setup, before memblock_free_all()
 *
 * After a kexec handover, reserve what the previous kernel preserved,
 * whatever kho= says (it only governs the outgoing side). On a cold boot
 * with kho=on, reserve the scratch areas the next kernel will boot from.
 * If that fails, KHO is turned off and boot goes on.
 */
void __init kho_memory_init(void)
{
	if (!kho_in_reserve() && is_kho_boot())
		return;
	if (!kho_enable)
		return;
	if (kho_scratch_reserve()) {
		pr_err("disabling KHO: no scratch memory\n");
		kho_enable = false;
	}
}

/* The map and the root FDT, in a preserved page of its own. */
static int __init kho_out_init(void)
{
	void *fdt;
	int err;

	err = kho_radix_init(&kho_out.map);
	if (err)
		return err;
	fdt = kho_alloc_preserve(KHO_FDT_SIZE);
	if (IS_ERR(fdt)) {
		kho_radix_destroy(&kho_out.map);
		return PTR_ERR(fdt);
	}
	err = kho_fdt_create(fdt, kho_radix_root_phys(&kho_out.map));
	if (err) {
		kho_unpreserve_free(fdt);
		kho_radix_destroy(&kho_out.map);
		return err;
	}
	kho_out.fdt = fdt;
	return 0;
}

/*
 * kexec -e runs the reboot notifiers before other CPUs are stopped. If
 * nobody finalized the handover, the clients record their state now. Then
 * both locks are taken for good, so that no subtree edit is cut off
 * halfway and the next kernel never sees a torn tree.
 */
static int kho_reboot(struct notifier_block *nb, unsigned long action,
		      void *data)
{
	mutex_lock(&kho_out.finalize_lock);
	/* Non-NULL data: too late to fail; every client must be asked. */
	if (kexec_in_progress && !kho_out.finalized)
		blocking_notifier_call_chain(&kho_out.clients, KHO_FINALIZE,
					     &kho_out);
	mutex_lock(&kho_out.fdt_lock);
	return NOTIFY_DONE;
}

static struct notifier_block kho_reboot_nb = {
	.notifier_call = kho_reboot,
};

/* Whatever kho= says: the handover taken over must not be taken twice. */
static int kho_in_reboot(struct notifier_block *nb, unsigned long action,
			 void *data)
{
	if (kexec_in_progress)
		kho_in_retire();
	return NOTIFY_DONE;
}

static struct notifier_block kho_in_reboot_nb = {
	.notifier_call = kho_in_reboot,
};

static int __init kho_init(void)
{
	struct kho_debugfs_out view = {
		.lock = &kho_out.fdt_lock,
		.finalized = &kho_out.finalized,
		.set_finalized = kho_out_set_finalized,
#ifdef CONFIG_KEXEC_HANDOVER_FAULT_INJECTION
		.corrupt = kho_corrupt,
#endif
	};
	int err;

	/* What this kernel received is shown whatever kho= says. */
	kho_debugfs_init_in(kho_in_fdt());
	if (kho_in_fdt())
		register_reboot_notifier(&kho_in_reboot_nb);
	/* Scratch adopted at a handover boot is CMA whatever kho= says. */
	kho_scratch_release_cma();
	if (kho_enable) {
		err = kho_out_init();
		if (err) {
			pr_err("disabling KHO: cannot set up the handover (%d)\n", err);
			kho_enable = false;
		}
	}
	if (kho_enable) {
		view.fdt = kho_out.fdt;
		kho_debugfs_init_out(&view);
		register_reboot_notifier(&kho_reboot_nb);
		pr_info("ready: handover FDT at %#llx, memory map at %#llx\n",
			(u64)virt_to_phys(kho_out.fdt),
			(u64)kho_radix_root_phys(&kho_out.map));
	}
	/* Its subtree goes in once debugfs can show it. */
	kho_metadata_init(kho_enable);
	return 0;
}
fs_initcall(kho_init);
