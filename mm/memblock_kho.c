// SPDX-License-Identifier: GPL-2.0-only
/*
 * reserve_mem= regions across a kexec handover.
 *
 * reserve_mem=SIZE:ALIGN:NAME sets memory aside at boot for pstore/ramoops
 * or the ftrace persistent ring buffer. Their contents outlive a kexec only
 * if the next kernel puts the region at the same physical address, which
 * no allocator guarantees. With Kexec HandOver this kernel describes every
 * region in the "memblock" subtree (include/linux/kho/abi/memblock.h) and
 * preserves its pages; the next kernel's reserve_mem= handler takes back a
 * region of the same name, size and alignment where it was, instead of
 * allocating a new one.
 *
 * Taking over happens in two steps. reserve_mem= runs before the page
 * allocator exists and only decides, region by region, to reuse the old
 * range or not; memblock keeps every preserved page reserved meanwhile.
 * After boot, regions that were reused are restored for good and the
 * others (no longer declared, or declared differently) are freed, so no
 * handed-over memory leaks.
 */

#define pr_fmt(fmt) "reserve_mem: " fmt

#include <linux/init.h>
#include <linux/io.h>
#include <linux/kexec_handover.h>
#include <linux/kho/abi/memblock.h>
#include <linux/libfdt.h>
#include <linux/mm.h>
#include <linux/pfn.h>
#include <linux/printk.h>
#include <linux/string.h>

#include "memblock_kho.h"

/* The pages that hold [@start, @start + @size) whole. */
static unsigned long __init reserve_mem_first_pfn(phys_addr_t start)
{
	return PFN_DOWN(start);
}

static unsigned long __init reserve_mem_nr_pages(phys_addr_t start,
						 phys_addr_t size)
{
	return PFN_UP(start + size) - PFN_DOWN(start);
}

/*
 * Start and size of the handed-over region at @node, checked to be a
 * reserve-mem-v1 node with a range whose pages do not wrap around the end
 * of the address space (rounding its end up to a page must not either).
 */
static int __init reserve_mem_kho_node(const void *fdt, int node, u64 *start,
				       u64 *size)
{
	u64 end;

	if (fdt_node_check_compatible(fdt, node, RESERVE_MEM_KHO_COMPATIBLE) ||
	    kho_fdt_get_prop(fdt, node, RESERVE_MEM_KHO_START_PROP, start,
			     sizeof(*start)) ||
	    kho_fdt_get_prop(fdt, node, RESERVE_MEM_KHO_SIZE_PROP, size,
			     sizeof(*size)))
		return -EINVAL;
	end = *start + *size;
	if (!*size || end < *start || end > (u64)PHYS_ADDR_MAX - PAGE_SIZE + 1)
		return -EINVAL;
	return 0;
}

/* The incoming "memblock" subtree, once looked up and checked. */
static struct {
	phys_addr_t phys;		/* 0 when there is none to use */
	unsigned long nr_pages;		/* the preserved pages that hold it */
	bool looked_up;
} reserve_mem_kho_in __initdata;

/*
 * The "memblock" subtree the previous kernel handed over, checked once:
 * it must lie in preserved memory and be a memblock-v1 FDT. NULL when
 * there is none or it is unusable; every region is then allocated anew.
 */
static const void *__init reserve_mem_kho_incoming(void)
{
	const void *fdt;
	phys_addr_t phys;
	size_t size;

	if (reserve_mem_kho_in.looked_up)
		return reserve_mem_kho_in.phys ?
		       phys_to_virt(reserve_mem_kho_in.phys) : NULL;
	reserve_mem_kho_in.looked_up = true;

	if (kho_retrieve_subtree_early(MEMBLOCK_KHO_SUBTREE, &phys, &size))
		return NULL;
	if (size < sizeof(struct fdt_header) ||
	    !kho_pages_preserved(phys, DIV_ROUND_UP(size, PAGE_SIZE))) {
		pr_err("the handed-over regions (%zu bytes at %#llx) are not in preserved memory; allocating every region anew\n",
		       size, (u64)phys);
		return NULL;
	}
	fdt = phys_to_virt(phys);
	if (fdt_check_header(fdt) || fdt_totalsize(fdt) > size) {
		pr_err("the handed-over region list is corrupt; allocating every region anew\n");
		return NULL;
	}
	if (fdt_node_check_compatible(fdt, 0, MEMBLOCK_KHO_COMPATIBLE)) {
		pr_err("the handed-over region list is not %s; allocating every region anew\n",
		       MEMBLOCK_KHO_COMPATIBLE);
		return NULL;
	}
	reserve_mem_kho_in.phys = phys;
	reserve_mem_kho_in.nr_pages = DIV_ROUND_UP(size, PAGE_SIZE);
	return fdt;
}

/**
 * reserve_mem_kho_revive - take a reserve_mem region back from the handover
 * @name:  the region's name
 * @size:  the size asked for on this kernel's command line
 * @align: the alignment asked for
 * @start: set to the region's start when it is taken back
 *
 * Called by reserve_mem= before it allocates. The previous kernel's region
 * is reused only when its name, size and alignment agree and its pages
 * were preserved; any disagreement is reported and the caller allocates a
 * new region, which is never the old range: that one stays reserved until
 * it is freed after boot.
 *
 * Return: true when @start holds the old, untouched region.
 */
bool __init reserve_mem_kho_revive(const char *name, phys_addr_t size,
				   phys_addr_t align, phys_addr_t *start)
{
	const void *fdt = reserve_mem_kho_incoming();
	u64 old_start, old_size;
	int node;

	if (!fdt)
		return false;
	node = fdt_subnode_offset(fdt, 0, name);
	if (node < 0)
		return false;

	if (reserve_mem_kho_node(fdt, node, &old_start, &old_size)) {
		pr_warn("'%s' is malformed in the handover; allocating it anew\n",
			name);
		return false;
	}
	if (old_size != size) {
		pr_warn("'%s' was handed over with %llu bytes, %llu asked for now; allocating it anew\n",
			name, old_size, (u64)size);
		return false;
	}
	if (!IS_ALIGNED(old_start, align)) {
		pr_warn("'%s' was handed over at %#llx, not aligned to %#llx as asked for now; allocating it anew\n",
			name, old_start, (u64)align);
		return false;
	}
	if (!kho_pages_preserved(PFN_PHYS(reserve_mem_first_pfn(old_start)),
				 reserve_mem_nr_pages(old_start, old_size))) {
		pr_warn("'%s' [mem %#018llx-%#018llx] was not handed over as preserved memory; allocating it anew\n",
			name, old_start, old_start + old_size - 1);
		return false;
	}
	*start = old_start;
	pr_info("'%s' taken over from the previous kernel at [mem %#018llx-%#018llx]\n",
		name, old_start, old_start + old_size - 1);
	return true;
}

/**
 * reserve_mem_kho_alloc - place a new region where it can be handed on
 * @name:  the region's name
 * @size:  its size
 * @align: its alignment
 *
 * After a handover, a region that was not taken back would otherwise be
 * allocated in scratch memory, which the next kernel boots from, so it
 * could not be handed over in turn. Place it outside scratch instead.
 *
 * Return: its start, or 0 (not a handover boot, or no room outside
 * scratch: the caller allocates as usual).
 */
phys_addr_t __init reserve_mem_kho_alloc(const char *name, phys_addr_t size,
					 phys_addr_t align)
{
	phys_addr_t start;

	if (!is_kho_boot())
		return 0;
	start = kho_memblock_alloc_preservable(size, align);
	/* A corrupt map drops the handover: then nothing is to be handed on. */
	if (!start && is_kho_boot())
		pr_warn("no room for '%s' outside scratch memory; it will not be handed over\n",
			name);
	return start;
}

/* Is the handed-over region @name at @start what reserve_mem= now holds? */
static bool __init reserve_mem_kho_in_use(const char *name, u64 start,
					  u64 size)
{
	phys_addr_t cur_start, cur_size;

	return reserve_mem_find_by_name(name, &cur_start, &cur_size) &&
	       cur_start == start && cur_size == size;
}

static void __init reserve_mem_kho_free_pages(struct page *page,
					      unsigned long nr_pages)
{
	unsigned long i;

	for (i = 0; i < nr_pages; i++)
		__free_page(page + i);
}

/*
 * Settle every handed-over region now that the page allocator runs: a
 * region reserve_mem= took back belongs to it for good; any other is
 * freed. Malformed entries cannot be trusted to describe memory and are
 * left to KHO's report of unrestored memory.
 */
static void __init reserve_mem_kho_settle(const void *fdt)
{
	unsigned long nr_pages;
	struct page *page;
	u64 start, size;
	const char *name;
	int node;

	fdt_for_each_subnode(node, fdt, 0) {
		name = fdt_get_name(fdt, node, NULL);
		if (reserve_mem_kho_node(fdt, node, &start, &size))
			continue;
		nr_pages = reserve_mem_nr_pages(start, size);
		page = kho_restore_pages(PFN_PHYS(reserve_mem_first_pfn(start)),
					 nr_pages);
		if (!page) {
			/* Part of it was dropped at boot: free what is left. */
			nr_pages = kho_release_pages(PFN_PHYS(reserve_mem_first_pfn(start)),
						     nr_pages);
			pr_err("'%s' [mem %#018llx-%#018llx] could not be restored whole from the handover; freed the %lu KiB still preserved\n",
			       name, start, start + size - 1,
			       nr_pages << (PAGE_SHIFT - 10));
			continue;
		}
		if (reserve_mem_kho_in_use(name, start, size))
			continue;
		reserve_mem_kho_free_pages(page, nr_pages);
		pr_info("'%s' [mem %#018llx-%#018llx] is not used by this kernel; freed %lu KiB\n",
			name, start, start + size - 1, nr_pages << (PAGE_SHIFT - 10));
	}
}

/*
 * The blob itself, the very pages that were checked to be preserved:
 * debugfs keeps its own copy, so they can go now.
 */
static void __init reserve_mem_kho_free_incoming(void)
{
	unsigned long nr_pages = reserve_mem_kho_in.nr_pages;
	struct page *page;

	page = kho_restore_pages(reserve_mem_kho_in.phys, nr_pages);
	if (page)
		reserve_mem_kho_free_pages(page, nr_pages);
}

/* Undo reserve_mem_kho_describe() for every region listed in @fdt. */
static void __init reserve_mem_kho_unpreserve(const void *fdt)
{
	u64 start, size;
	int node;

	fdt_for_each_subnode(node, fdt, 0) {
		if (reserve_mem_kho_node(fdt, node, &start, &size))
			continue;
		kho_unpreserve_pages(pfn_to_page(reserve_mem_first_pfn(start)),
				     reserve_mem_nr_pages(start, size));
	}
}

/*
 * Preserve one region and list it in @arg, the outgoing FDT. A region
 * that cannot be preserved (one that found no room outside scratch
 * memory while this kernel took over a handover) is left out with a
 * warning: the next kernel then allocates it anew.
 */
static int __init reserve_mem_kho_describe(const char *name, phys_addr_t start,
					   phys_addr_t size, void *arg)
{
	unsigned long nr_pages = reserve_mem_nr_pages(start, size);
	struct page *page = pfn_to_page(reserve_mem_first_pfn(start));
	u64 start64 = start, size64 = size;
	void *fdt = arg;
	int node, err;

	err = kho_preserve_pages(page, nr_pages);
	if (err) {
		pr_warn("'%s' [mem %#018llx-%#018llx] cannot be handed over (%d); the next kernel allocates it anew\n",
			name, start64, start64 + size64 - 1, err);
		return 0;
	}
	node = fdt_add_subnode(fdt, 0, name);
	err = node < 0 ? node : 0;
	if (!err)
		err = fdt_setprop_string(fdt, node, "compatible",
					 RESERVE_MEM_KHO_COMPATIBLE);
	if (!err)
		err = fdt_setprop(fdt, node, RESERVE_MEM_KHO_START_PROP,
				  &start64, sizeof(start64));
	if (!err)
		err = fdt_setprop(fdt, node, RESERVE_MEM_KHO_SIZE_PROP, &size64,
				  sizeof(size64));
	if (err) {
		if (node >= 0)
			fdt_del_node(fdt, node);
		kho_unpreserve_pages(page, nr_pages);
		pr_err("cannot describe '%s' for the handover: %s\n", name,
		       fdt_strerror(err));
		return -ENOMEM;
	}
	return 0;
}

/*
 * Hand every reserve_mem region to the next kernel: one preserved page
 * holds the memblock-v1 FDT that lists them, registered as the "memblock"
 * subtree. Regions are fixed after boot, so this is done once.
 */
static int __init reserve_mem_kho_hand_over(void)
{
	void *fdt;
	int err;

	fdt = kho_alloc_preserve(PAGE_SIZE);
	if (IS_ERR(fdt))
		return PTR_ERR(fdt);
	err = fdt_create_empty_tree(fdt, PAGE_SIZE);
	if (!err)
		err = fdt_setprop_string(fdt, 0, "compatible",
					 MEMBLOCK_KHO_COMPATIBLE);
	err = err ? -ENOMEM : reserve_mem_for_each(reserve_mem_kho_describe, fdt);
	if (err)
		goto unpreserve;
	/* No region could be handed over: say nothing to the next kernel. */
	if (fdt_first_subnode(fdt, 0) < 0)
		goto free;
	fdt_pack(fdt);
	err = kho_add_subtree(MEMBLOCK_KHO_SUBTREE, fdt, fdt_totalsize(fdt));
	if (!err)
		return 0;
unpreserve:
	reserve_mem_kho_unpreserve(fdt);
free:
	kho_unpreserve_free(fdt);
	return err;
}

static int __init reserve_mem_kho_init(void)
{
	const void *incoming = reserve_mem_kho_incoming();
	int err;

	if (incoming) {
		reserve_mem_kho_settle(incoming);
		reserve_mem_kho_free_incoming();
	}
	if (!kho_is_enabled())
		return 0;
	err = reserve_mem_kho_hand_over();
	if (err)
		pr_err("cannot hand the regions over (%d); the next kernel allocates them anew\n",
		       err);
	return 0;
}
late_initcall(reserve_mem_kho_init);
