// SPDX-License-Identifier: GPL-2.0-only
/*
 * libFuzzer target: kho_radix_walk() of kernel/liveupdate/kho_radix.c,
 * unchanged, over a preserved-memory map handed over by another kernel.
 * The input is the root's physical address (8 bytes) followed by pages of
 * "physical memory": page i is at physical address (i + 1) * 4 KiB, the
 * rest of the address space does not exist. Nodes are read through the
 * walk's map callback, as kho_in.c reads them, so a node outside the pages
 * ends the walk; every range reported must be a run of whole blocks that
 * does not wrap. KHO_FUZZ_SEEDS=DIR writes seeds built with
 * kho_radix_insert().
 */
#include <stdlib.h>
#include <string.h>

#include "kho_radix.h"

#define MAX_PAGES	64
#define MAX_NODES	4096

struct walk {
	const uint8_t *pages;
	size_t nr_pages;
	unsigned long nodes;
};

static struct walk *cur;

static void *map_node(phys_addr_t phys)
{
	u64 i = phys / PAGE_SIZE;

	if (!i || i > cur->nr_pages)
		return NULL;
	return (void *)(cur->pages + (i - 1) * PAGE_SIZE);
}

static void unmap_node(void *node)
{
}

/* Bounded like kho_in.c bounds it: a map must not loop forever. */
static int node(phys_addr_t phys, unsigned int level, void *arg)
{
	struct walk *w = arg;

	return ++w->nodes > MAX_NODES ? -E2BIG : 0;
}

static int range(phys_addr_t start, phys_addr_t size, unsigned int order,
		 void *arg)
{
	u64 block = 1ULL << (KHO_RADIX_PAGE_SHIFT + order);

	if (order > KHO_RADIX_MAX_ORDER || !size || size % block ||
	    start % block || start + (size - 1) < start)
		abort();
	return 0;
}

static const struct kho_radix_walk_ops ops = {
	.node = node, .range = range, .map = map_node, .unmap = unmap_node,
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct kho_radix_map map;
	struct walk w = { 0 };
	u64 root;
	void *pages;

	if (size < sizeof(root) || size > sizeof(root) + MAX_PAGES * PAGE_SIZE)
		return -1;
	memcpy(&root, data, sizeof(root));
	w.nr_pages = (size - sizeof(root) + PAGE_SIZE - 1) / PAGE_SIZE;
	pages = aligned_alloc(PAGE_SIZE, (w.nr_pages ?: 1) * PAGE_SIZE);
	memset(pages, 0, (w.nr_pages ?: 1) * PAGE_SIZE);
	memcpy(pages, data + sizeof(root), size - sizeof(root));
	w.pages = pages;
	cur = &w;
	shim_quiet = true;
	kho_radix_attach(&map, root);
	kho_radix_walk(&map, &ops, &w);
	free(pages);
	return 0;
}

/* Copy the subtree at @node into @out, renumbered as pages 1, 2, ... */
static u64 relayout(const u64 *node, unsigned int level, u64 (*out)[512],
		    unsigned int *n)
{
	unsigned int me = (*n)++, i;

	if (me >= MAX_PAGES)
		abort();
	memcpy(out[me], node, PAGE_SIZE);
	for (i = 0; level && i < KHO_RADIX_TABLE_ENTRIES; i++)
		if (node[i])
			out[me][i] = relayout((const u64 *)(uintptr_t)node[i],
					      level - 1, out, n);
	return (u64)(me + 1) * PAGE_SIZE;
}

/* Build a map with kho_radix_insert() and write it as an input. */
static int write_map(const char *dir, const char *name, const u64 (*blocks)[2],
		     unsigned int nr, void (*damage)(u64 (*pages)[512]))
{
	static u64 pages[MAX_PAGES][512];
	struct kho_radix_map map;
	unsigned int n = 0, i;
	char path[512];
	u64 root;
	FILE *f;

	if (kho_radix_init(&map))
		return 1;
	for (i = 0; i < nr; i++)
		kho_radix_insert(&map, blocks[i][0], blocks[i][1]);
	root = relayout(map.root, KHO_RADIX_ROOT_LEVEL, pages, &n);
	kho_radix_destroy(&map);
	if (damage)
		damage(pages);
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w");
	if (!f)
		return 1;
	fwrite(&root, sizeof(root), 1, f);
	fwrite(pages, PAGE_SIZE, n, f);
	return fclose(f) ? 1 : 0;
}

/* Damage, for the defect classes of issue 12. */
static void self_reference(u64 (*pages)[512])
{
	pages[0][1] = PAGE_SIZE;		/* the root names itself */
}

static void shared_node(u64 (*pages)[512])
{
	pages[0][3] = pages[0][2];		/* two root slots, one node */
}

static void fan_out(u64 (*pages)[512])
{
	unsigned int i;

	for (i = 0; i < 512; i++)		/* every slot: the same table */
		pages[1][i] = pages[1][0] ?: pages[1][i];
}

static void order_too_big(u64 (*pages)[512])
{
	pages[0][0] = pages[0][2];		/* order-0 tables as order >= 1 */
}

static int make_seeds(const char *dir)
{
	static const u64 ours[][2] = {
		{ 0x2000000, 0 }, { 0x2001000, 0 }, { 0x2002000, 0 },
		{ 0x2100000, 8 }, { 0x2200000, 3 }, { 0x40000000, 9 },
		{ 0x7ffff000, 0 }, { 0x100000000ULL, 10 },
	};
	static const u64 overlap[][2] = {
		{ 0x2200000, 3 }, { 0x2201000, 0 }, { 0x2200000, 0 },
	};
	static const u64 high[][2] = {
		{ 0xfffffffffffff000ULL, 0 }, { 0xffffffffffe00000ULL, 9 },
	};
	int err = 0;

	err |= write_map(dir, "ours-mixed-orders", ours, 8, NULL);
	err |= write_map(dir, "defect4-overlapping-orders", overlap, 3, NULL);
	err |= write_map(dir, "top-of-address-space", high, 2, NULL);
	err |= write_map(dir, "defect3-self-reference", ours, 8, self_reference);
	err |= write_map(dir, "defect3-shared-node", ours, 8, shared_node);
	err |= write_map(dir, "defect8-fan-out", ours, 8, fan_out);
	err |= write_map(dir, "bad-order-marker", ours, 8, order_too_big);
	return err;
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	if (getenv("KHO_FUZZ_SEEDS"))
		exit(make_seeds(getenv("KHO_FUZZ_SEEDS")));
	return 0;
}
