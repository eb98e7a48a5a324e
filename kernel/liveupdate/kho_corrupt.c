// SPDX-License-Identifier: GPL-2.0-only
/*
 * Kexec HandOver fault injection: damage the outgoing handover on purpose,
 * one field at a time, so that tests can show what the next kernel does
 * with it. Built only with CONFIG_KEXEC_HANDOVER_FAULT_INJECTION; written
 * through /sys/kernel/debug/kho/out/corrupt. Each kind of damage is one a
 * buggy or foreign sender, or a bit flip, could produce:
 *
 *   compatible, map, sub:NAME   see kho_fdt_corrupt()
 *   initrd                      a page under the loaded initrd is preserved
 *   u64:PATH:PROP:VALUE         a u64 property of the root FDT is set
 *   u64@NAME:PATH:PROP:VALUE    the same inside subtree NAME's FDT blob
 *   blob@NAME:OFF:VALUE         the u64 at byte OFF of subtree NAME's blob
 *                               (a raw blob, like LUO's) is set
 *   blob@NAME:OFF:OFF2:VALUE    the u64 at byte OFF of that blob is an
 *                               address: the u64 at byte OFF2 of the
 *                               preserved page there is set; a VALUE of
 *                               "self" is that address (a chain that
 *                               loops)
 *   map-loop                    tables whose 512 slots all lead on, so the
 *                               map has more paths than any map can have
 *   map-shared                  a leaf is reached from two slots
 *   map-node-block              a leaf is also a preserved page
 *   map-overlap                 an order-0 page inside a larger block
 *   map-node-scratch            a leaf is moved into scratch memory
 *   scratch-count               the next kexec_file_load() hands over a
 *                               scratch array length of 1 GiB
 *   scratch-area                ... an array with an area beyond RAM
 *
 * The map kinds must be written after the image is loaded: the sender does
 * not walk its map again, the next kernel does.
 */

#define pr_fmt(fmt) "KHO: " fmt

#include <linux/gfp.h>
#include <linux/io.h>
#include <linux/ioport.h>
#include <linux/kexec_handover.h>
#include <linux/kstrtox.h>
#include <linux/libfdt.h>
#include <linux/memblock.h>
#include <linux/mm.h>
#include <linux/sizes.h>
#include <linux/string.h>

#include "kexec_handover_internal.h"
#include "kho_radix.h"

static enum {
	KHO_CORRUPT_SCRATCH_NONE,
	KHO_CORRUPT_SCRATCH_COUNT,
	KHO_CORRUPT_SCRATCH_AREA,
} kho_corrupt_scratch_kind;

/* The damaged copy of the scratch array, with room for one more area. */
static struct kho_scratch kho_corrupt_areas[MAX_NUMNODES + 3];

/* Set property @prop at @path of FDT @fdt to the u64 @value, in place. */
static int kho_corrupt_set_u64(void *fdt, const char *path, const char *prop,
			       u64 value)
{
	int node = fdt_path_offset(fdt, path);

	if (node < 0 || fdt_setprop_inplace(fdt, node, prop, &value,
					    sizeof(value)))
		return -EINVAL;
	return 0;
}

/* "[@NAME]:PATH:PROP:VALUE", after "u64". */
static int kho_corrupt_u64(char *spec)
{
	char *subtree = NULL, *path, *prop;
	void *fdt = kho_out_fdt();
	phys_addr_t blob;
	u64 value, size;

	if (*spec == '@')
		subtree = strsep(&spec, ":") + 1;
	else if (*spec++ != ':')
		return -EINVAL;
	path = strsep(&spec, ":");
	prop = strsep(&spec, ":");
	if (!path || !prop || !spec || kstrtou64(spec, 0, &value))
		return -EINVAL;
	if (subtree) {
		if (kho_fdt_find_subtree(fdt, subtree, &blob, &size) ||
		    size < sizeof(struct fdt_header))
			return -EINVAL;
		fdt = phys_to_virt(blob);
		if (fdt_check_header(fdt))
			return -EINVAL;
	}
	return kho_corrupt_set_u64(fdt, path, prop, value);
}

/* Is [@phys, @phys + 8) inside one preserved page of the outgoing map? */
static bool kho_corrupt_word_preserved(phys_addr_t phys)
{
	unsigned int order;

	if (!IS_ALIGNED(phys, sizeof(u64)))
		return false;
	for (order = 0; order <= MAX_PAGE_ORDER; order++)
		if (kho_radix_contains(kho_out_map(),
				       ALIGN_DOWN(phys, PAGE_SIZE << order),
				       order))
			return true;
	return false;
}

/* "@NAME:OFF:VALUE" or "@NAME:OFF:OFF2:VALUE", after "blob". */
static int kho_corrupt_blob(char *spec)
{
	char *name, *field, *inner;
	phys_addr_t blob, target;
	u64 size, off, off2, value;

	if (*spec++ != '@')
		return -EINVAL;
	name = strsep(&spec, ":");
	field = strsep(&spec, ":");
	inner = spec ? strsep(&spec, ":") : NULL;
	if (!field || !inner || kstrtou64(field, 0, &off))
		return -EINVAL;
	if (kho_fdt_find_subtree(kho_out_fdt(), name, &blob, &size) ||
	    size < sizeof(u64) || off > size - sizeof(u64))
		return -EINVAL;
	target = blob + off;
	if (spec) {
		/* Follow the address stored at @off. */
		if (kstrtou64(inner, 0, &off2))
			return -EINVAL;
		target = *(u64 *)phys_to_virt(target);
		if (off2 > PAGE_SIZE - sizeof(u64) || !target ||
		    !kho_corrupt_word_preserved(target + off2))
			return -ENOENT;
		value = target;
		target += off2;
		inner = spec;
		if (!strcmp(inner, "self"))
			goto write;
	}
	if (kstrtou64(inner, 0, &value))
		return -EINVAL;
write:
	*(u64 *)phys_to_virt(target) = value;
	return 0;
}

/*
 * Root slot 2 holds the keys of order-0 blocks below 2^63: every leaf
 * below it covers 128 MiB of physical memory.
 */
#define KHO_CORRUPT_ORDER0_SLOT	2

/*
 * The lowest level-1 table below root slot @root_slot that holds a leaf,
 * and that leaf's slot in it: found by following the first non-empty slot
 * at each level.
 */
static u64 *kho_corrupt_first_leaf(unsigned int root_slot, unsigned int *slot)
{
	u64 *table = phys_to_virt(kho_radix_root_phys(kho_out_map()));
	unsigned int level, i;

	for (level = KHO_RADIX_ROOT_LEVEL; level >= 1; level--) {
		i = level == KHO_RADIX_ROOT_LEVEL ? root_slot : 0;
		for (; i < KHO_RADIX_TABLE_ENTRIES && !table[i]; i++)
			;
		if (i == KHO_RADIX_TABLE_ENTRIES)
			return NULL;
		if (level == 1) {
			*slot = i;
			return table;
		}
		table = phys_to_virt(table[i]);
	}
	return NULL;
}

/*
 * Root slot 3 holds keys of order 0 above 2^63, where no block can be:
 * under it, four new tables whose every slot leads to the next, down to
 * an empty leaf. The walk would visit 512^4 leaves.
 */
static int kho_corrupt_map_loop(void)
{
	u64 *root = phys_to_virt(kho_radix_root_phys(kho_out_map()));
	phys_addr_t below = 0;
	unsigned int level, i;
	u64 *node;

	for (level = 0; level < KHO_RADIX_ROOT_LEVEL; level++) {
		node = (u64 *)get_zeroed_page(GFP_KERNEL);
		if (!node)
			return -ENOMEM;
		for (i = 0; level && i < KHO_RADIX_TABLE_ENTRIES; i++)
			node[i] = below;
		below = virt_to_phys(node);
	}
	if (root[3])
		return -EBUSY;
	root[3] = below;
	return 0;
}

/*
 * An empty slot of the table of the first order-0 leaf leads to the same
 * leaf: its blocks appear a second time, at another multiple of 128 MiB
 * that is all RAM, so that only the sharing itself is wrong. (The table
 * is taken to cover the first 64 GiB, as it does in a test machine; RAM
 * need not start at 0, as on arm64.)
 */
static int kho_corrupt_map_shared(void)
{
	const unsigned int shift = KHO_RADIX_PAGE_SHIFT + KHO_RADIX_LEAF_SHIFT;
	unsigned int slot, other;
	u64 *table;

	table = kho_corrupt_first_leaf(KHO_CORRUPT_ORDER0_SLOT, &slot);
	if (!table)
		return -ENOENT;
	for (other = 0; other < KHO_RADIX_TABLE_ENTRIES; other++) {
		if (table[other] ||
		    region_intersects((resource_size_t)other << shift, BIT(shift),
				      IORESOURCE_SYSTEM_RAM,
				      IORES_DESC_NONE) != REGION_INTERSECTS)
			continue;
		table[other] = table[slot];
		return 0;
	}
	return -EBUSY;
}

static int kho_corrupt_map_node_block(void)
{
	unsigned int slot;
	u64 *table = kho_corrupt_first_leaf(0, &slot);

	if (!table)
		return -ENOENT;
	return kho_radix_insert(kho_out_map(), table[slot], 0);
}

/* Stop a walk at the first block of an order above 0. */
static int kho_corrupt_find_large(phys_addr_t start, phys_addr_t size,
				  unsigned int order, void *arg)
{
	if (!order)
		return 0;
	*(phys_addr_t *)arg = start;
	return 1;
}

/* The first page of the first block of an order above 0, preserved again. */
static int kho_corrupt_map_overlap(void)
{
	const struct kho_radix_walk_ops ops = { .range = kho_corrupt_find_large };
	phys_addr_t block;

	if (kho_radix_walk(kho_out_map(), &ops, &block) != 1)
		return -ENOENT;
	return kho_radix_insert(kho_out_map(), block, 0);
}

/*
 * Take a page of the first scratch area (migrating what is there; loaded
 * kexec segments own some pageblocks, so try one pageblock after another
 * from the top), copy the first leaf into it and point the map at it.
 */
static int kho_corrupt_map_node_scratch(void)
{
	const struct kho_scratch *areas;
	unsigned long pfn, first;
	unsigned int slot;
	u64 *table = kho_corrupt_first_leaf(0, &slot);
	int err = -EBUSY;

	if (!table || !kho_scratch_areas(&areas))
		return -ENOENT;
	first = PFN_UP(areas[0].addr);
	for (pfn = PFN_DOWN(areas[0].addr + areas[0].size) - 1;
	     err && pfn >= first && pfn < ULONG_MAX - pageblock_nr_pages;
	     pfn -= pageblock_nr_pages)
		err = alloc_contig_range(pfn, pfn + 1, MIGRATE_CMA, GFP_KERNEL);
	if (err)
		return err;
	pfn += pageblock_nr_pages;
	copy_page(pfn_to_kaddr(pfn), phys_to_virt(table[slot]));
	table[slot] = PFN_PHYS(pfn);
	return 0;
}

/**
 * kho_corrupt - damage the outgoing handover
 * @what: the kind of damage, as listed at the top of this file
 *
 * Called with the root FDT's lock held.
 *
 * Return: 0, -EINVAL for an unknown @what, or why the damage could not be
 * made.
 */
int kho_corrupt(char *what)
{
	if (str_has_prefix(what, "u64"))
		return kho_corrupt_u64(what + strlen("u64"));
	if (str_has_prefix(what, "blob"))
		return kho_corrupt_blob(strim(what + strlen("blob")));
	if (sysfs_streq(what, "initrd")) {
		phys_addr_t initrd = kho_kexec_initrd_addr();

		return initrd ? kho_radix_insert(kho_out_map(), initrd, 0) : -ENOENT;
	}
	if (sysfs_streq(what, "map-loop"))
		return kho_corrupt_map_loop();
	if (sysfs_streq(what, "map-shared"))
		return kho_corrupt_map_shared();
	if (sysfs_streq(what, "map-node-block"))
		return kho_corrupt_map_node_block();
	if (sysfs_streq(what, "map-overlap"))
		return kho_corrupt_map_overlap();
	if (sysfs_streq(what, "map-node-scratch"))
		return kho_corrupt_map_node_scratch();
	if (sysfs_streq(what, "scratch-count")) {
		kho_corrupt_scratch_kind = KHO_CORRUPT_SCRATCH_COUNT;
		return 0;
	}
	if (sysfs_streq(what, "scratch-area")) {
		kho_corrupt_scratch_kind = KHO_CORRUPT_SCRATCH_AREA;
		return 0;
	}
	return kho_fdt_corrupt(kho_out_fdt(), what);
}

/**
 * kho_corrupt_scratch_array - the scratch array the next image gets
 * @areas:  the real array
 * @bytes:  its length; set to the length of the array returned
 * @handed: set to the length the next kernel is told
 *
 * Return: @areas, or a damaged copy once "scratch-count" or
 * "scratch-area" was asked for.
 */
const struct kho_scratch *kho_corrupt_scratch_array(const struct kho_scratch *areas,
						    size_t *bytes, u64 *handed)
{
	size_t nr = *bytes / sizeof(*areas);

	*handed = *bytes;
	if (kho_corrupt_scratch_kind == KHO_CORRUPT_SCRATCH_NONE ||
	    nr >= ARRAY_SIZE(kho_corrupt_areas))
		return areas;
	memcpy(kho_corrupt_areas, areas, *bytes);
	if (kho_corrupt_scratch_kind == KHO_CORRUPT_SCRATCH_COUNT) {
		*handed = SZ_1G;
		return kho_corrupt_areas;
	}
	/* 32 TiB: below what the page tables reach, above any test machine. */
	kho_corrupt_areas[nr] = (struct kho_scratch){
		.addr = 1ULL << 45, .size = SZ_1G,
	};
	*bytes += sizeof(*areas);
	*handed = *bytes;
	return kho_corrupt_areas;
}
