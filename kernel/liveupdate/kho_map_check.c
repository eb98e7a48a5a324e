// SPDX-License-Identifier: GPL-2.0-only
/*
 * Kexec HandOver, incoming side: is the preserved-memory map a tree?
 *
 * The walk at the start of boot checks every node and block on its own
 * (in RAM, aligned, not under boot memory). What it cannot see without
 * memory to remember things in is how they relate: a node reached from
 * two slots, a node inside a preserved block, or two blocks of different
 * orders covering the same page. Each would hand one page to two owners
 * (restoring a block clears bits in the nodes; a restored block can be
 * freed while the map still uses its pages), so such a map is refused
 * whole before anything of it is reserved.
 *
 * This runs once the direct map exists and memblock can allocate from
 * scratch: the addresses of all nodes are collected and sorted, then every
 * run of blocks is checked against them and against the blocks of every
 * higher order present.
 *
 * The same pass counts the nodes the format needs at least for these
 * blocks (every leaf and table that holds one of them, and the root), so
 * that the map's overhead can be read off the boot log.
 *
 * Then the blocks that lie under memory this kernel used when the map was
 * checked (its image, its initrd, boot data) are taken out of the map. The
 * check notes that memory (kho_map_note_used()) and only reads the map, as
 * it runs before the direct map exists on arm64; the blocks are dropped
 * here, against the same list.
 */

#define pr_fmt(fmt) "KHO: " fmt

#include <linux/init.h>
#include <linux/memblock.h>
#include <linux/printk.h>
#include <linux/sort.h>
#include <asm/sections.h>

#include "kho_radix.h"

struct kho_map_check {
	const struct kho_radix_map *map;
	phys_addr_t *nodes;		/* node addresses, sorted after pass one */
	unsigned long nr_nodes;		/* entries filled */
	unsigned long max_nodes;	/* capacity, from the first walk */
	u64 orders;			/* bit n: the map holds blocks of order n */
	unsigned long min_nodes;	/* nodes that hold a block, root aside */
	u64 last_node[KHO_RADIX_ROOT_LEVEL];	/* per level: last one counted */
	bool counted;			/* last_node[] is valid */
};

static int __init kho_map_check_collect_node(phys_addr_t phys,
					     unsigned int level, void *arg)
{
	struct kho_map_check *check = arg;

	/* The map changed since it was counted: never write past the array. */
	if (check->nr_nodes == check->max_nodes) {
		pr_err("preserved-memory map grew more nodes since boot\n");
		return -EINVAL;
	}
	check->nodes[check->nr_nodes++] = phys;
	return 0;
}

static int __init kho_map_check_skip_range(phys_addr_t start, phys_addr_t size,
					   unsigned int order, void *arg)
{
	return 0;
}

static int __init kho_map_check_cmp(const void *a, const void *b)
{
	phys_addr_t x = *(const phys_addr_t *)a, y = *(const phys_addr_t *)b;

	return x < y ? -1 : x > y;
}

/* Index of the first node at or above @addr; nr_nodes when there is none. */
static unsigned long __init kho_map_check_first_node(const struct kho_map_check *check,
						     phys_addr_t addr)
{
	unsigned long lo = 0, hi = check->nr_nodes, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (check->nodes[mid] < addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static int __init kho_map_check_shared_nodes(const struct kho_map_check *check)
{
	unsigned long i;

	for (i = 1; i < check->nr_nodes; i++) {
		if (check->nodes[i] == check->nodes[i - 1]) {
			pr_err("preserved-memory map node at %#llx is reached from two slots\n",
			       (u64)check->nodes[i]);
			return -EINVAL;
		}
	}
	return 0;
}

/*
 * Count the leaves and tables below the root that the keys of a run fall
 * in. The walk reports runs in ascending key order, so a node is new
 * unless it is the one the previous run ended in.
 */
static void __init kho_map_check_count_nodes(struct kho_map_check *check,
					     phys_addr_t start, phys_addr_t end,
					     unsigned int order)
{
	u64 first = kho_radix_key(start, order), last = kho_radix_key(end - 1, order);
	unsigned int level, shift;
	u64 lo, hi;

	for (level = 0; level < KHO_RADIX_ROOT_LEVEL; level++) {
		shift = KHO_RADIX_LEAF_SHIFT + KHO_RADIX_TABLE_SHIFT * level;
		lo = first >> shift;
		hi = last >> shift;
		check->min_nodes += hi - lo + 1;
		if (check->counted && check->last_node[level] == lo)
			check->min_nodes--;
		check->last_node[level] = hi;
	}
	check->counted = true;
}

/*
 * A run of blocks of @order must hold no node and overlap no block of a
 * higher order; checking upwards from every run finds each overlapping
 * pair once.
 */
static int __init kho_map_check_range(phys_addr_t start, phys_addr_t size,
				      unsigned int order, void *arg)
{
	struct kho_map_check *check = arg;
	phys_addr_t end = start + size;
	unsigned long idx;
	unsigned int higher;

	idx = kho_map_check_first_node(check, start);
	if (idx < check->nr_nodes && check->nodes[idx] < end) {
		pr_err("preserved-memory map node at %#llx lies in preserved memory [mem %#018llx-%#018llx]\n",
		       (u64)check->nodes[idx], (u64)start, (u64)(end - 1));
		return -EINVAL;
	}
	kho_map_check_count_nodes(check, start, end, order);
	for (higher = order + 1; higher < BITS_PER_TYPE(check->orders); higher++) {
		if (!(check->orders & BIT_ULL(higher)) ||
		    !kho_radix_any(check->map, start, end, higher))
			continue;
		pr_err("preserved blocks of order %u and %u overlap in [mem %#018llx-%#018llx]\n",
		       order, higher, (u64)start, (u64)(end - 1));
		return -EINVAL;
	}
	return 0;
}

/**
 * kho_map_check_tree - refuse a map whose nodes and blocks share memory
 * @map:       the incoming map, already checked node by node
 * @max_nodes: the number of nodes that check counted
 * @orders:    bit n set when the map holds blocks of order n
 *
 * Return: 0 when every node is reached once and no node or block shares a
 * page with another; -EINVAL otherwise; -ENOMEM when there is no memory to
 * check in (the handover cannot be trusted then either).
 */
int __init kho_map_check_tree(const struct kho_radix_map *map,
			      unsigned long max_nodes, u64 orders)
{
	const struct kho_radix_walk_ops collect_ops = {
		.node = kho_map_check_collect_node,
		.range = kho_map_check_skip_range,
	};
	const struct kho_radix_walk_ops range_ops = {
		.range = kho_map_check_range,
	};
	struct kho_map_check check = {
		.map = map,
		.max_nodes = max_nodes,
		.orders = orders,
	};
	size_t bytes = max_nodes * sizeof(*check.nodes);
	int err;

	check.nodes = memblock_alloc_raw(bytes, SMP_CACHE_BYTES);
	if (!check.nodes) {
		pr_err("no memory to check the preserved-memory map (%lu nodes)\n",
		       max_nodes);
		return -ENOMEM;
	}
	err = kho_radix_walk(map, &collect_ops, &check);
	if (!err) {
		sort(check.nodes, check.nr_nodes, sizeof(*check.nodes),
		     kho_map_check_cmp, NULL);
		err = kho_map_check_shared_nodes(&check);
	}
	if (!err)
		err = kho_radix_walk(map, &range_ops, &check);
	if (!err)
		pr_info("preserved-memory map: %lu nodes (%lu KiB); the fewest that can hold its blocks: %lu\n",
			check.nr_nodes, check.nr_nodes * (KHO_RADIX_NODE_SIZE >> 10),
			check.min_nodes + 1);
	memblock_free(check.nodes, bytes);
	return err;
}

/*
 * What dropped blocks lay under, for the report: a block under the kernel
 * image means this kernel was placed on preserved memory; one under boot
 * data means the previous kernel put a kexec segment (initrd, boot
 * parameters) there, or firmware claims it.
 */
#define KHO_UNDER_LOW		BIT(0)	/* names in kho_under_names[] */
#define KHO_UNDER_IMAGE		BIT(1)
#define KHO_UNDER_BOOT_DATA	BIT(2)

static const char *const kho_under_names[] __initconst = {
	"low memory", "kernel image", "initrd, boot parameters or firmware data",
};

/*
 * Memory this kernel used when the map was checked. Blocks are dropped
 * against this list rather than against memblock when the map is
 * reserved: a range freed in between, such as an initrd moved elsewhere,
 * still lay over them when kexec loaded it. Early in boot memblock has a
 * few dozen reserved regions (the kernel, its initrd and boot data); the
 * list holds 512, 12 KiB of init memory.
 */
struct kho_used_range {
	phys_addr_t start;
	phys_addr_t end;
	unsigned int under;		/* KHO_UNDER_* */
};

#define KHO_MAX_USED		512

static struct kho_used_range kho_used[KHO_MAX_USED] __initdata;
static unsigned int kho_nr_used __initdata;

/* What kho_map_drop_used() took out of the map, for one line in the log. */
struct kho_drops {
	struct kho_radix_map *map;
	phys_addr_t bytes;
	unsigned long ranges;		/* runs they were found in */
	phys_addr_t first;		/* lowest and highest byte of those */
	phys_addr_t last;
	unsigned int under;		/* KHO_UNDER_* they lay under */
};

static void __init kho_add_used(phys_addr_t start, phys_addr_t end,
				unsigned int under)
{
	if (start < end)
		kho_used[kho_nr_used++] = (struct kho_used_range){
			.start = start, .end = end, .under = under,
		};
}

/**
 * kho_map_note_used - remember the memory this kernel uses before the check
 * @low:          start of low memory the architecture keeps for itself
 * @low_size:     its size, or 0
 * @scratch:      the incoming scratch array, which kexec loaded
 * @scratch_size: its size
 *
 * Return: 0, or -E2BIG when memblock has more reserved regions than can be
 * remembered (the handover is refused then).
 */
int __init kho_map_note_used(phys_addr_t low, phys_addr_t low_size,
			     phys_addr_t scratch, phys_addr_t scratch_size)
{
	struct memblock_region *r;

	if (memblock.reserved.cnt > KHO_MAX_USED - 3) {
		pr_err("%lu reserved memory regions at boot are more than the %u this check keeps\n",
		       memblock.reserved.cnt, KHO_MAX_USED - 3);
		return -E2BIG;
	}
	kho_nr_used = 0;
	kho_add_used(low, low + low_size, KHO_UNDER_LOW);
	kho_add_used(__pa_symbol(_text), __pa_symbol(_end), KHO_UNDER_IMAGE);
	/* Reserved only once the handover is accepted. */
	kho_add_used(scratch, scratch + scratch_size, KHO_UNDER_BOOT_DATA);
	for_each_reserved_mem_region(r)
		kho_add_used(r->base, r->base + r->size, KHO_UNDER_BOOT_DATA);
	return 0;
}

/**
 * kho_map_range_used - does a range touch memory this kernel used?
 * @start: first byte
 * @size:  bytes
 *
 * Return: true when [@start, @start + @size) overlaps memory noted by
 * kho_map_note_used().
 */
bool __init kho_map_range_used(phys_addr_t start, phys_addr_t size)
{
	unsigned int i;

	for (i = 0; i < kho_nr_used; i++)
		if (start < kho_used[i].end && kho_used[i].start < start + size)
			return true;
	return false;
}

/**
 * kho_map_run_used - is every block of a run under memory this kernel used?
 * @start: first byte of the run, aligned to its blocks
 * @size:  bytes in the run
 * @order: order of its blocks
 *
 * Each step skips the blocks that the used ranges touching the current
 * block cover.
 *
 * Return: true when kho_map_drop_used() will drop the whole run.
 */
bool __init kho_map_run_used(phys_addr_t start, phys_addr_t size,
			     unsigned int order)
{
	phys_addr_t block = PAGE_SIZE << order, pa = start, next;
	unsigned int i;

	while (pa < start + size) {
		next = pa;
		for (i = 0; i < kho_nr_used; i++)
			if (kho_used[i].start < pa + block &&
			    pa < kho_used[i].end)
				next = max(next, ALIGN(kho_used[i].end, block));
		if (next == pa)
			return false;
		pa = next;
	}
	return true;
}

/*
 * Take the blocks of order @order in [@start, @end) that overlap
 * [@used, @used_end) out of the map. Returns the bytes taken out.
 */
static phys_addr_t __init kho_drop_overlap(struct kho_radix_map *map,
					   phys_addr_t start, phys_addr_t end,
					   unsigned int order, phys_addr_t used,
					   phys_addr_t used_end)
{
	phys_addr_t block = PAGE_SIZE << order, pa, lost = 0;

	/* @start is aligned to @block, as every block of the run is. */
	for (pa = max(start, ALIGN_DOWN(used, block));
	     pa < min(end, used_end); pa += block)
		if (!kho_radix_remove(map, pa, order))
			lost += block;
	return lost;
}

/*
 * Take the blocks of a run that lie under used memory out of the map. Only
 * the overlapping blocks are visited, however long the run. The walk has
 * read a run's bits before it reports the run, so clearing them does not
 * disturb it.
 */
static int __init kho_drop_range(phys_addr_t start, phys_addr_t size,
				 unsigned int order, void *arg)
{
	struct kho_drops *drops = arg;
	phys_addr_t lost = 0, part;
	unsigned int i;

	if (!kho_map_range_used(start, size))
		return 0;
	/* A block is dropped once: the first kind it lies under names it. */
	for (i = 0; i < kho_nr_used; i++) {
		part = kho_drop_overlap(drops->map, start, start + size, order,
					kho_used[i].start, kho_used[i].end);
		if (part)
			drops->under |= kho_used[i].under;
		lost += part;
	}
	if (lost) {
		drops->bytes += lost;
		drops->ranges++;
		drops->first = min(drops->first, start);
		drops->last = max(drops->last, start + size - 1);
		pr_debug("dropped %llu KiB of [mem %#018llx-%#018llx]\n",
			 (u64)lost >> 10, (u64)start, (u64)(start + size - 1));
	}
	return 0;
}

/* One line for every block dropped, naming what they lay under. */
static void __init kho_report_drops(const struct kho_drops *drops)
{
	char under[96];
	int i, len = 0;

	under[0] = '\0';
	for (i = 0; i < ARRAY_SIZE(kho_under_names); i++)
		if (drops->under & BIT(i))
			len += scnprintf(under + len, sizeof(under) - len, "%s%s",
					 len ? "; " : "", kho_under_names[i]);
	pr_err("preserved memory in [mem %#018llx-%#018llx] lies under memory this kernel uses at boot (%s); dropped %llu KiB in %lu ranges\n",
	       (u64)drops->first, (u64)drops->last, under,
	       (u64)drops->bytes >> 10, drops->ranges);
}

/**
 * kho_map_drop_used - drop the blocks under memory this kernel used
 * @map: the incoming map, through the direct map
 *
 * Their contents are gone or about to be, and no owner may restore them.
 * Called before the map is reserved, when the check found such blocks.
 */
void __init kho_map_drop_used(struct kho_radix_map *map)
{
	const struct kho_radix_walk_ops ops = { .range = kho_drop_range };
	struct kho_drops drops = { .map = map, .first = PHYS_ADDR_MAX };

	kho_radix_walk(map, &ops, &drops);
	if (drops.bytes)
		kho_report_drops(&drops);
}
