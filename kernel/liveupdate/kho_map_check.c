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
 */

#define pr_fmt(fmt) "KHO: " fmt

#include <linux/init.h>
#include <linux/memblock.h>
#include <linux/printk.h>
#include <linux/sort.h>

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
