// SPDX-License-Identifier: GPL-2.0-only
/*
 * Kexec HandOver, incoming side: taking over what the previous kernel left.
 *
 * The architecture reports the handover very early (kho_populate()), before
 * memblock knows the RAM, so nothing is trusted or touched then. Once it
 * does, and before the first memblock allocation, kho_memblock_setup()
 * checks every address the previous kernel gave against RAM and the kernel
 * image, walks the whole preserved-memory map once, and only then adopts
 * the scratch areas and restricts memblock to them. It reads the map
 * through early mappings, and allocates only the copy of the scratch array,
 * from scratch once memblock is restricted: on arm64 the direct map does not
 * exist yet. kho_memory_init() then reserves every preserved
 * block before the buddy allocator takes the rest of memory.
 *
 * What cannot be kept is dropped alone: a preserved block under memory this
 * kernel already uses (its image, initrd or boot data) is taken out of the
 * map with one line saying so, once the map is reserved (kho_map_check.c),
 * and preserved memory that lies inside the scratch areas (mainline
 * preserves boot allocations there) is taken out of scratch. Only a
 * handover that is wrong as a whole (a corrupt map, an impossible scratch
 * array) is refused; the kernel then boots as after a plain kexec, and the
 * preserved memory is ordinary free memory.
 */

#define pr_fmt(fmt) "KHO: " fmt

#include <linux/crash_dump.h>
#include <linux/init.h>
#include <linux/io.h>
#include <linux/kexec_handover.h>
#include <linux/libfdt.h>
#include <linux/memblock.h>
#include <linux/mm.h>
#include <linux/printk.h>
#include <asm/early_ioremap.h>
#include <asm/sections.h>

#include "../../mm/internal.h"
#include "kexec_handover_internal.h"
#include "kho_radix.h"

/*
 * At most this many scratch areas: two plus one per possible node, and room
 * for the areas that preserved memory inside scratch splits (each such range
 * splits at most one area in two). A kernel hands on what it booted from,
 * so its own successor must accept as many.
 */
#define KHO_IN_MAX_SCRATCH	(MAX_NUMNODES + 2 + 64)

/**
 * struct kho_in - the handover this kernel was given
 * @fdt_phys:     root FDT, as reported by the architecture
 * @fdt_len:      its length
 * @scratch_phys: scratch array
 * @scratch_len:  its length in bytes
 * @map_root:     root node of the preserved-memory map
 * @map:          the preserved-memory map, once it is reserved; blocks
 *                still to be restored
 * @nr_nodes:     nodes the map has
 * @orders:       bit n set when the map holds blocks of order n
 * @fdt:          the root FDT, once the map is reserved
 * @drops:        preserved blocks lie under memory this kernel used when
 *                the map was checked: they are dropped when it is reserved
 * @valid:        the handover passed every check so far and is in use
 * @reserved:     the preserved memory is reserved
 */
struct kho_in {
	phys_addr_t fdt_phys;
	u64 fdt_len;
	phys_addr_t scratch_phys;
	u64 scratch_len;
	phys_addr_t map_root;
	struct kho_radix_map map;
	unsigned long nr_nodes;
	u64 orders;
	void *fdt;
	bool drops;
	bool valid;
	bool reserved;
};

static struct kho_in kho_in;

/**
 * kho_populate - record the handover the architecture found
 * @fdt_phys:     physical address of the root FDT
 * @fdt_len:      its length
 * @scratch_phys: physical address of the scratch array
 * @scratch_len:  its length in bytes
 *
 * Called before memblock knows the RAM; kho_memblock_setup() checks it.
 */
void __init kho_populate(phys_addr_t fdt_phys, u64 fdt_len,
			 phys_addr_t scratch_phys, u64 scratch_len)
{
	kho_in.fdt_phys = fdt_phys;
	kho_in.fdt_len = fdt_len;
	kho_in.scratch_phys = scratch_phys;
	kho_in.scratch_len = scratch_len;
}

static bool __init kho_in_overlaps_kernel(phys_addr_t addr, u64 size)
{
	return addr < __pa_symbol(_end) && __pa_symbol(_text) < addr + size;
}

/*
 * Is all of [@addr, @addr + @size) RAM? Memory regions do not overlap, so
 * it is when their overlaps with the range add up to its size; a range may
 * span several regions (NUMA nodes split them).
 */
static bool __init kho_in_is_ram(phys_addr_t addr, u64 size)
{
	phys_addr_t start, end, covered = 0;
	struct memblock_region *r;

	for_each_mem_region(r) {
		/* Left out of the direct map (firmware memory on arm64). */
		if (memblock_is_nomap(r))
			continue;
		start = max(r->base, addr);
		end = min(r->base + r->size, addr + size);
		if (start < end)
			covered += end - start;
	}
	return covered == size;
}

/* Is [@addr, @addr + @size) RAM that may hold handed-over data? */
static int __init kho_in_check_range(const char *what, phys_addr_t addr,
				     u64 size, bool may_hold_kernel)
{
	if (!size || addr + size < addr) {
		pr_err("%s at %#llx has an impossible size %#llx\n", what,
		       (u64)addr, size);
		return -EINVAL;
	}
	if (!kho_in_is_ram(addr, size)) {
		pr_err("%s [mem %#018llx-%#018llx] is not in system RAM\n", what,
		       (u64)addr, (u64)(addr + size - 1));
		return -EINVAL;
	}
	if (!may_hold_kernel && kho_in_overlaps_kernel(addr, size)) {
		pr_err("%s [mem %#018llx-%#018llx] overlaps this kernel's image\n",
		       what, (u64)addr, (u64)(addr + size - 1));
		return -EINVAL;
	}
	return 0;
}

static int __init kho_in_check_fdt(phys_addr_t *map_root)
{
	void *fdt;
	int err;

	err = kho_in_check_range("handover FDT", kho_in.fdt_phys,
				 kho_in.fdt_len, false);
	if (err)
		return err;
	if (kho_in.fdt_len > KHO_FDT_SIZE || !PAGE_ALIGNED(kho_in.fdt_phys)) {
		pr_err("handover FDT of %llu bytes at %#llx is impossible\n",
		       kho_in.fdt_len, (u64)kho_in.fdt_phys);
		return -EINVAL;
	}
	fdt = early_memremap(kho_in.fdt_phys, kho_in.fdt_len);
	if (!fdt)
		return -ENOMEM;
	err = kho_fdt_check(fdt, kho_in.fdt_len, map_root);
	early_memunmap(fdt, kho_in.fdt_len);
	if (err)
		return err;
	return kho_in_check_range("preserved-memory map", *map_root,
				  KHO_RADIX_NODE_SIZE, false);
}

/* Areas that overlap would be counted and handed on twice. */
static int __init kho_in_check_scratch_overlap(const struct kho_scratch *areas,
					       unsigned int nr)
{
	unsigned int i, j;

	for (i = 0; i < nr; i++) {
		for (j = i + 1; j < nr; j++) {
			if (areas[i].addr < areas[j].addr + areas[j].size &&
			    areas[j].addr < areas[i].addr + areas[i].size) {
				pr_err("scratch areas %u and %u overlap\n", i, j);
				return -EINVAL;
			}
		}
	}
	return 0;
}

/*
 * Check the scratch array and copy it into @areas. The new kernel itself
 * was loaded into scratch, so scratch may hold the kernel image.
 */
static int __init kho_in_read_scratch(struct kho_scratch *areas,
				      unsigned int *nr)
{
	struct kho_scratch *in;
	unsigned int i, n;
	int err;

	n = kho_in.scratch_len / sizeof(*in);
	if (!n || n > KHO_IN_MAX_SCRATCH ||
	    kho_in.scratch_len % sizeof(*in)) {
		pr_err("scratch array of %llu bytes is impossible\n",
		       kho_in.scratch_len);
		return -EINVAL;
	}
	err = kho_in_check_range("scratch array", kho_in.scratch_phys,
				 kho_in.scratch_len, false);
	if (err)
		return err;

	in = early_memremap(kho_in.scratch_phys, kho_in.scratch_len);
	if (!in)
		return -ENOMEM;
	*nr = 0;
	for (i = 0; i < n && !err; i++) {
		/* Empty areas (a 0 size on the sender's command line) are skipped. */
		if (!in[i].size)
			continue;
		if (!PAGE_ALIGNED(in[i].addr) || !PAGE_ALIGNED(in[i].size)) {
			pr_err("scratch area %u is not page aligned\n", i);
			err = -EINVAL;
		} else {
			err = kho_in_check_range("scratch area", in[i].addr,
						 in[i].size, true);
			areas[(*nr)++] = in[i];
		}
	}
	early_memunmap(in, kho_in.scratch_len);
	if (!err && !*nr) {
		pr_err("scratch array has no area\n");
		err = -EINVAL;
	}
	return err ?: kho_in_check_scratch_overlap(areas, *nr);
}

/* Walk callbacks: first check everything, then reserve. */
struct kho_in_walk {
	struct kho_scratch *areas;	/* scratch areas, carved during the check */
	unsigned int nr_areas;
	unsigned int max_areas;
	unsigned long ranges;
	unsigned long nodes;
	unsigned long max_nodes;
	u64 orders;
	phys_addr_t bytes;
	unsigned long carved;		/* preserved ranges taken out of scratch */
	bool fdt_seen;			/* the root FDT's page is a block */
	bool reserve;
};

static bool __init kho_in_range_in_areas(const struct kho_in_walk *walk,
					 phys_addr_t start, phys_addr_t size)
{
	unsigned int i;

	for (i = 0; i < walk->nr_areas; i++)
		if (start < walk->areas[i].addr + walk->areas[i].size &&
		    walk->areas[i].addr < start + size)
			return true;
	return false;
}

/*
 * The most nodes a map of this machine's RAM can have. Blocks of order n
 * below the end of RAM fill at most (end_pfn >> (n + 15)) + 1 leaves, so
 * all orders together fill fewer than 2 * (end_pfn >> 15) + 38 leaves; each
 * order adds fewer tables than leaves plus one per level, and there is the
 * root. A map with more nodes reaches some of them more than once: a loop
 * that would take minutes to walk on a large machine.
 */
static unsigned long __init kho_in_max_nodes(void)
{
	unsigned long end_pfn = PHYS_PFN(memblock_end_of_DRAM());
	unsigned long orders = KHO_RADIX_MAX_ORDER + 1;
	unsigned long leaves = 2 * (end_pfn >> KHO_RADIX_LEAF_SHIFT) + orders;

	return 2 * leaves + orders * KHO_RADIX_ROOT_LEVEL + 1;
}

/* Kept: the map records what is still to be restored. */
static int __init kho_in_reserve_node(phys_addr_t phys)
{
	int err = memblock_reserve(phys, KHO_RADIX_NODE_SIZE);

	if (err)
		pr_err("cannot reserve preserved-memory map node at %#llx (%d)\n",
		       (u64)phys, err);
	return err;
}

static int __init kho_in_node(phys_addr_t phys, unsigned int level, void *arg)
{
	struct kho_in_walk *walk = arg;
	int err;

	if (walk->reserve)
		return kho_in_reserve_node(phys);
	if (++walk->nodes > walk->max_nodes) {
		pr_err("preserved-memory map has more than the %lu nodes a map of this machine's RAM can have: it loops\n",
		       walk->max_nodes);
		return -EINVAL;
	}
	err = kho_in_check_range("preserved-memory map node", phys,
				 KHO_RADIX_NODE_SIZE, false);
	if (err)
		return err;
	/*
	 * The map is read again when it is reserved and when blocks are
	 * restored: its nodes must be where nothing is allocated before then.
	 */
	if (kho_map_range_used(phys, KHO_RADIX_NODE_SIZE) ||
	    kho_in_range_in_areas(walk, phys, KHO_RADIX_NODE_SIZE)) {
		pr_err("preserved-memory map node at %#llx lies in scratch or boot memory\n",
		       (u64)phys);
		return -EINVAL;
	}
	return 0;
}

static int __init kho_in_check_block_range(phys_addr_t start, phys_addr_t size,
					   unsigned int order,
					   struct kho_in_walk *walk)
{
	int err;

	err = kho_in_check_range("preserved memory", start, size, true);
	if (err)
		return err;
	walk->orders |= BIT_ULL(order);
	if (!order && kho_in.fdt_phys - start < size)
		walk->fdt_seen = true;
	if (kho_map_range_used(start, size)) {
		kho_in.drops = true;
		/* Dropped whole: nothing of it is carved out of scratch. */
		if (kho_map_run_used(start, size, order))
			return 0;
	}
	if (!kho_in_range_in_areas(walk, start, size))
		return 0;
	walk->carved++;
	if (kho_scratch_carve(walk->areas, &walk->nr_areas, walk->max_areas,
			      start, size))
		pr_warn("too many preserved ranges in scratch: not using the scratch area around [mem %#018llx-%#018llx]\n",
			(u64)start, (u64)(start + size - 1));
	return 0;
}

#ifdef CONFIG_DEFERRED_STRUCT_PAGE_INIT
/*
 * Preserved memory is reserved NOINIT, and deferred struct page init only
 * covers free memory: initialise the struct pages of preserved memory
 * that lies beyond what was initialised early. Pages below every node's
 * first deferred page were initialised with their zone and are skipped
 * without a look, so that the cost follows the deferred part only. A run
 * of blocks may cross into another node, so each page's node is looked up
 * (memblock caches the last region, so this stays cheap).
 */
static void __init kho_in_init_pages(phys_addr_t start, phys_addr_t size)
{
	unsigned long pfn = PHYS_PFN(start), end = PHYS_PFN(start + size);
	unsigned long first_deferred = ULONG_MAX;
	int nid;

	for_each_online_node(nid)
		first_deferred = min(first_deferred,
				     NODE_DATA(nid)->first_deferred_pfn);
	for (pfn = max(pfn, first_deferred); pfn < end; pfn++)
		init_deferred_page(pfn, early_pfn_to_nid(pfn));
}
#else
static void __init kho_in_init_pages(phys_addr_t start, phys_addr_t size)
{
}
#endif

static int __init kho_in_range(phys_addr_t start, phys_addr_t size,
			       unsigned int order, void *arg)
{
	struct kho_in_walk *walk = arg;
	int err;

	if (!walk->reserve)
		return kho_in_check_block_range(start, size, order, walk);
	/*
	 * NOINIT: the memory map is initialised for these pages like for all
	 * others, but boot does not walk them again to mark them reserved;
	 * each page is handed over when its owner restores it. Either can
	 * fail when memblock must grow its array and scratch is full.
	 */
	err = memblock_reserve(start, size);
	if (!err)
		err = memblock_reserved_mark_noinit(start, size);
	if (err) {
		pr_err("cannot reserve preserved memory [mem %#018llx-%#018llx] (%d)\n",
		       (u64)start, (u64)(start + size - 1), err);
		return err;
	}
	kho_in_init_pages(start, size);
	walk->ranges++;
	walk->bytes += size;
	return 0;
}

/*
 * The check walk runs before the direct map exists: read each node
 * through a temporary early mapping rather than by faulting the direct
 * map in page by page (on x86 the early page tables are few, and running
 * out of them also drops KASAN's early shadow).
 */
static void *__init kho_in_map_node(phys_addr_t phys)
{
	return early_memremap(phys, KHO_RADIX_NODE_SIZE);
}

static void __init kho_in_unmap_node(void *node)
{
	early_memunmap(node, KHO_RADIX_NODE_SIZE);
}

static const struct kho_radix_walk_ops kho_in_check_ops __initconst = {
	.node = kho_in_node,
	.range = kho_in_range,
	.map = kho_in_map_node,
	.unmap = kho_in_unmap_node,
};

static const struct kho_radix_walk_ops kho_in_reserve_ops __initconst = {
	.node = kho_in_node,
	.range = kho_in_range,
};

static int __init kho_in_unreserve_node(phys_addr_t phys, unsigned int level,
					void *arg)
{
	memblock_phys_free(phys, KHO_RADIX_NODE_SIZE);
	return 0;
}

static int __init kho_in_unreserve_range(phys_addr_t start, phys_addr_t size,
					 unsigned int order, void *arg)
{
	memblock_phys_free(start, size);
	return 0;
}

/*
 * Blocks a folio can be made of become compound pages now that their
 * struct pages are initialised, so that restoring one touches its first
 * page only (kho_folio.c). After the reserve walk, which may still fail
 * and give everything back to memblock, as plain pages. The walk comes
 * to order 0 last (its keys are the largest): it stops there, so that a
 * map of many 4 KiB blocks is not walked a second time.
 */
static int __init kho_in_prepare_range(phys_addr_t start, phys_addr_t size,
				       unsigned int order, void *arg)
{
	phys_addr_t pa, block = PAGE_SIZE << order;

	if (!order)
		return 1;
	if (order > MAX_PAGE_ORDER)
		return 0;
	for (pa = start; pa < start + size; pa += block)
		kho_folio_prepare(pfn_to_page(PHYS_PFN(pa)), order);
	return 0;
}

static const struct kho_radix_walk_ops kho_in_prepare_ops __initconst = {
	.range = kho_in_prepare_range,
};

/* Give back what a reserve walk that failed halfway had reserved. */
static const struct kho_radix_walk_ops kho_in_unreserve_ops __initconst = {
	.node = kho_in_unreserve_node,
	.range = kho_in_unreserve_range,
};

/* Drop the areas that carving emptied, so the array lists real areas only. */
static unsigned int __init kho_in_compact_areas(struct kho_scratch *areas,
						unsigned int nr)
{
	unsigned int i, n = 0;

	for (i = 0; i < nr; i++)
		if (areas[i].size)
			areas[n++] = areas[i];
	return n;
}

/*
 * Carving may add areas, but not without bound: a mainline kernel adds
 * the incoming areas to memblock before memblock can grow its arrays, so
 * a long array would stop it early in boot.
 */
#define KHO_IN_CARVE_EXTRA	16

/*
 * Walk the whole map once and check every node and block before anything
 * is allocated. Nothing is reserved yet and memblock is not restricted to
 * scratch: the walk allocates nothing, writes nothing and reads each node
 * through an early mapping. Preserved memory inside the scratch areas is
 * carved out of @areas; blocks under this kernel's own boot memory are
 * noted, to be dropped from the map when it is reserved.
 */
static int __init kho_in_check_map(struct kho_scratch *areas, unsigned int *nr)
{
	struct kho_in_walk walk = {
		.areas = areas,
		.nr_areas = *nr,
		.max_areas = min_t(unsigned int, *nr + KHO_IN_CARVE_EXTRA,
				   KHO_IN_MAX_SCRATCH),
		.max_nodes = kho_in_max_nodes(),
	};
	int err;

	err = kho_radix_walk_from(kho_in.map_root, &kho_in_check_ops, &walk);
	/* The root FDT is used in place: it must be preserved memory. */
	if (!err && (!walk.fdt_seen ||
		     kho_map_range_used(kho_in.fdt_phys, PAGE_SIZE))) {
		pr_err("the handover FDT page is not preserved\n");
		err = -EINVAL;
	}
	if (err) {
		pr_err("the preserved-memory map is corrupt\n");
		return err;
	}
	kho_in.nr_nodes = walk.nodes;
	kho_in.orders = walk.orders;
	*nr = kho_in_compact_areas(areas, walk.nr_areas);
	if (walk.carved)
		pr_info("%lu preserved ranges lie in the scratch areas; taken out of scratch (%u areas left)\n",
			walk.carved, *nr);
	if (!*nr) {
		pr_err("no scratch memory is left free of preserved memory\n");
		return -ENOMEM;
	}
	return 0;
}

/**
 * kho_memblock_setup - check the handover and boot from its scratch
 * @low:      start of low memory the architecture needs early (or 0)
 * @low_size: its size (or 0); treated as scratch until the architecture
 *            clears it
 *
 * Runs right after the architecture registered RAM with memblock and
 * reserved the memory it uses, and before the first memblock allocation.
 * Reads the handover through early mappings only (the direct map may not
 * exist yet) and allocates only the scratch array's copy, from scratch.
 */
void __init kho_memblock_setup(phys_addr_t low, phys_addr_t low_size)
{
	static struct kho_scratch areas[KHO_IN_MAX_SCRATCH] __initdata;
	unsigned int nr = 0;

	if (!kho_in.fdt_phys)
		return;
	if (is_kdump_kernel()) {
		pr_info("crash kernel: ignoring the handover\n");
		return;
	}
	if (kho_in_check_fdt(&kho_in.map_root) ||
	    kho_in_read_scratch(areas, &nr) ||
	    kho_map_note_used(low, low_size, kho_in.scratch_phys,
			      kho_in.scratch_len) ||
	    kho_in_check_map(areas, &nr) ||
	    kho_scratch_check_room(areas, nr, low, low_size))
		goto refuse;

	/*
	 * From here on memblock allocates only from what is marked: should
	 * marking need a bigger region array, it comes from memory that is
	 * already marked, which holds nothing preserved.
	 */
	memblock_set_kho_scratch_only();
	if (kho_scratch_mark(areas, nr, low, low_size))
		goto unrestrict;
	memblock_reserve(kho_in.scratch_phys, kho_in.scratch_len);
	if (kho_scratch_adopt(areas, nr)) {
		kho_scratch_unmark(areas, nr, low, low_size);
		goto unrestrict;
	}
	kho_in.valid = true;
	pr_info("found kexec handover data: FDT at %#llx, %u scratch areas\n",
		(u64)kho_in.fdt_phys, nr);
	return;

unrestrict:
	memblock_clear_kho_scratch_only();
refuse:
	pr_err("disabling KHO revival: booting without the handover\n");
}

/**
 * kho_in_reserve - reserve every block the previous kernel preserved
 *
 * Runs once, at the latest from kho_memory_init(); from then on memblock
 * may allocate outside scratch again. The map was checked node by node by
 * kho_memblock_setup(); once it is known to be a tree, the blocks under
 * memory this kernel used then are taken out of it.
 *
 * Return: 0, or the error of the walk (the handover is dropped then).
 */
int __init kho_in_reserve(void)
{
	struct kho_in_walk walk = { .reserve = true };
	int err;

	if (!kho_in.valid || kho_in.reserved)
		return 0;
	kho_radix_attach(&kho_in.map, kho_in.map_root);
	kho_scratch_keep();
	err = kho_map_check_tree(&kho_in.map, kho_in.nr_nodes, kho_in.orders);
	if (!err) {
		/* Only in a tree: clearing a leaf's bits changes nothing else. */
		if (kho_in.drops)
			kho_map_drop_used(&kho_in.map);
		err = kho_radix_walk(&kho_in.map, &kho_in_reserve_ops, &walk);
		if (err)
			kho_radix_walk(&kho_in.map, &kho_in_unreserve_ops, NULL);
	}
	memblock_clear_kho_scratch_only();
	if (err) {
		/* The reason was given; the message ends as an early refusal's. */
		pr_err("disabling KHO revival: booting without the handover\n");
		kho_in.valid = false;
		return err;
	}
	kho_in.fdt = phys_to_virt(kho_in.fdt_phys);
	/*
	 * The root FDT is read in place for the whole uptime: it stays
	 * reserved, but no owner may restore (and free) it.
	 */
	kho_radix_remove(&kho_in.map, kho_in.fdt_phys, 0);
	/* The map was checked whole: the walk can only stop early, at order 0. */
	if (kho_in.orders & GENMASK_ULL(MAX_PAGE_ORDER, 1))
		kho_radix_walk(&kho_in.map, &kho_in_prepare_ops, NULL);
	kho_in.reserved = true;
	pr_info("reserved %lu preserved ranges, %llu KiB\n", walk.ranges,
		(u64)walk.bytes >> 10);
	return 0;
}

/**
 * kho_memblock_alloc_preservable - boot memory that can be handed on
 * @size:  bytes
 * @align: alignment
 *
 * For boot code between setup_arch() and mm_core_init() (reserve_mem=):
 * after a handover, memblock allocates only from scratch at that point,
 * and memory in scratch cannot be preserved for the next kernel. This
 * reserves the preserved memory first, then allocates outside scratch.
 *
 * Return: the physical address; 0 when this is not a handover boot, or
 * there is no room outside scratch (the caller then allocates as usual).
 */
phys_addr_t __init kho_memblock_alloc_preservable(phys_addr_t size,
						  phys_addr_t align)
{
	if (!kho_in.valid || kho_in_reserve())
		return 0;
	return kho_scratch_alloc_outside(size, align);
}

/**
 * kho_retrieve_subtree_early - kho_retrieve_subtree() for boot code that
 *                              runs before the preserved memory is reserved
 * @name: subtree name given to kho_add_subtree() before kexec
 * @phys: set to the blob's physical address
 * @size: set to its size; may be NULL
 *
 * For command-line handlers and other code between setup_arch() and
 * mm_core_init(). The preserved memory is reserved first: a handover that
 * fails then is refused before the caller relies on any of it (a
 * reserve_mem= region taken back and then given to the page allocator
 * would be written to by two owners).
 *
 * Return: as kho_retrieve_subtree(); -ENOENT when the handover was refused.
 */
int __init kho_retrieve_subtree_early(const char *name, phys_addr_t *phys,
				      size_t *size)
{
	if (!kho_in.valid || kho_in_reserve())
		return -ENOENT;
	return kho_retrieve_subtree(name, phys, size);
}

/**
 * is_kho_boot - was this kernel started by a kexec handover?
 *
 * Return: true when a handover from the previous kernel passed every check
 * and its preserved memory is reserved.
 */
bool is_kho_boot(void)
{
	return kho_in.valid;
}
EXPORT_SYMBOL_GPL(is_kho_boot);

/**
 * kho_in_fdt - the root FDT this kernel was handed
 *
 * Return: the tree, or NULL without a valid handover or before its
 * preserved memory is reserved.
 */
const void *kho_in_fdt(void)
{
	return kho_in.reserved ? kho_in.fdt : NULL;
}

/**
 * kho_in_retire - wipe the header of the root FDT this kernel was handed
 *
 * On the way to kexec. The device tree an arm64 kernel booted from still
 * names the handover it took over in /chosen, and kexec_load() (kexec-tools
 * without -s) passes that tree on as it is: the next kernel would take the
 * same handover over a second time, long after its memory went to new
 * owners. Without a valid header there, it refuses it instead. The page
 * stays reserved for the whole uptime, so it is still ours to write.
 */
void kho_in_retire(void)
{
	if (kho_in.reserved && kho_in.fdt)
		memset(kho_in.fdt, 0, sizeof(struct fdt_header));
}

/**
 * kho_in_map - the incoming preserved-memory map
 *
 * Return: the map of blocks still to be restored, or NULL without a valid
 * handover or before its preserved memory is reserved.
 */
struct kho_radix_map *kho_in_map(void)
{
	return kho_in.reserved ? &kho_in.map : NULL;
}

/**
 * kho_in_orders - the orders of the blocks in the incoming map
 *
 * Return: bit n set when the previous kernel preserved blocks of order n;
 * 0 without a valid handover.
 */
u64 kho_in_orders(void)
{
	return kho_in.valid ? kho_in.orders : 0;
}

/**
 * kho_in_fdt_phys - physical address of the incoming root FDT
 *
 * Return: the address, or 0 without a valid handover.
 */
phys_addr_t kho_in_fdt_phys(void)
{
	return kho_in.valid ? kho_in.fdt_phys : 0;
}
