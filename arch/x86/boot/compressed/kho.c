// SPDX-License-Identifier: GPL-2.0-only
/*
 * Kexec HandOver in the decompressor: keeping KASLR off preserved memory.
 *
 * After a handover, KASLR picks the kernel's physical slot among the scratch
 * areas, but preserved memory may lie inside them too: mainline preserves
 * its boot-time allocations (reserve_mem=) where they were made, in the
 * scratch it booted from. Before KASLR settles on a slot it asks here
 * whether any preserved block overlaps it, reading the kho-v4 map in place
 * (include/linux/kho/abi/kexec_handover.h). Everything read was written by
 * another kernel and is checked first; what does not parse counts as
 * preserved everywhere, so KASLR then leaves the kernel where kexec put it.
 */
#include "misc.h"
#include "error.h"
#include "../string.h"
#include "kho.h"

#include <asm/e820/types.h>
#include <asm/setup_data.h>
#include <linux/kho/abi/kexec_handover.h>

/* Flattened device tree framing (big-endian), as the DT spec defines it. */
#define KHO_DT_MAGIC		0xd00dfeed
#define KHO_DT_HEADER_SIZE	40
#define KHO_DT_BEGIN_NODE	1
#define KHO_DT_PROP		3
#define KHO_DT_NOP		4

/* A root FDT is one page in every kernel we know; allow some slack. */
#define KHO_DT_MAX_SIZE		(64 * 1024)

/* Physical address of the map's root node; 0 when there is none to read. */
static u64 kho_map_root;
static bool kho_handover;

/*
 * The decompressor maps what it reads on demand, from a small fixed pool
 * of page tables (BOOT_PGT_SIZE, which the series enlarges by what this
 * file may use). Reads of the map stay within this many 1 GiB regions;
 * a node beyond them counts as preserved, and KASLR then keeps the kernel
 * where kexec loaded it.
 */
#define KHO_MAP_REGIONS		2
#define KHO_MAP_REGION_SHIFT	30
static u64 kho_map_region[KHO_MAP_REGIONS];
static unsigned int kho_map_regions;

/*
 * Is all of [@addr, @addr + @size) RAM in the boot e820 table? The
 * decompressor maps on demand whatever it touches: an address the previous
 * kernel got wrong must never be read.
 */
static bool kho_is_ram(u64 addr, u64 size)
{
	struct boot_e820_entry *entry;
	unsigned int i, n = boot_params_ptr->e820_entries;

	if (addr + size < addr)
		return false;
	if (n > E820_MAX_ENTRIES_ZEROPAGE)
		n = E820_MAX_ENTRIES_ZEROPAGE;
	for (i = 0; i < n; i++) {
		entry = &boot_params_ptr->e820_table[i];
		if (entry->type == E820_TYPE_RAM && entry->addr <= addr &&
		    addr + size <= entry->addr + entry->size)
			return true;
	}
	return false;
}

/*
 * May the node at @addr be read? It must be RAM, and in one of the few
 * 1 GiB regions the map's reads may touch (see KHO_MAP_REGIONS).
 */
static bool kho_node_readable(u64 addr)
{
	u64 region = addr >> KHO_MAP_REGION_SHIFT;
	unsigned int i;

	if (!kho_is_ram(addr, KHO_RADIX_NODE_SIZE))
		return false;
	for (i = 0; i < kho_map_regions; i++)
		if (kho_map_region[i] == region)
			return true;
	if (kho_map_regions == KHO_MAP_REGIONS)
		return false;
	kho_map_region[kho_map_regions++] = region;
	return true;
}

static u32 kho_be32(const u8 *p)
{
	return (u32)p[0] << 24 | (u32)p[1] << 16 | (u32)p[2] << 8 | p[3];
}

static bool kho_dt_name_is(const u8 *dt, u32 strings, u32 strings_size,
			   u32 nameoff, const char *name)
{
	size_t len = strlen(name) + 1;

	return nameoff < strings_size && len <= strings_size - nameoff &&
	       !memcmp(dt + strings + nameoff, name, len);
}

/*
 * The "preserved-memory-map" property of the root node, read with every
 * offset checked against the blob. The root's properties come before its
 * first subnode, so the scan stops at the first token that is not one.
 */
static u64 kho_dt_map_root(const u8 *dt, u64 len)
{
	u32 total, pos, end, strings, strings_size, plen, nameoff;
	u64 root;

	if (len < KHO_DT_HEADER_SIZE || len > KHO_DT_MAX_SIZE ||
	    kho_be32(dt) != KHO_DT_MAGIC)
		return 0;
	total = kho_be32(dt + 4);
	pos = kho_be32(dt + 8);
	end = kho_be32(dt + 36);
	strings = kho_be32(dt + 12);
	strings_size = kho_be32(dt + 32);
	if (total > len || pos > total || end > total - pos ||
	    strings > total || strings_size > total - strings)
		return 0;
	end += pos;

	/* The root node: its token and its empty, padded name. */
	if (end - pos < 8 || kho_be32(dt + pos) != KHO_DT_BEGIN_NODE)
		return 0;
	pos += 8;
	while (end - pos >= 4) {
		if (kho_be32(dt + pos) == KHO_DT_NOP) {
			pos += 4;
			continue;
		}
		if (kho_be32(dt + pos) != KHO_DT_PROP || end - pos < 12)
			return 0;
		plen = kho_be32(dt + pos + 4);
		nameoff = kho_be32(dt + pos + 8);
		pos += 12;
		/* Values are padded to 4 bytes, and the padding is in the blob. */
		if (plen > end - pos || ((plen + 3) & ~3U) > end - pos)
			return 0;
		if (kho_dt_name_is(dt, strings, strings_size, nameoff,
				   KHO_FDT_MEMORY_MAP_PROP)) {
			if (plen != sizeof(root))
				return 0;
			memcpy(&root, dt + pos, sizeof(root));
			return root;
		}
		pos += (plen + 3) & ~3U;
	}
	return 0;
}

/**
 * kho_kaslr_init - remember the handover KASLR must keep clear of
 * @kho: the SETUP_KEXEC_KHO payload
 */
void kho_kaslr_init(const struct kho_data *kho)
{
	kho_handover = true;
	if (kho_is_ram(kho->fdt_addr, kho->fdt_size))
		kho_map_root = kho_dt_map_root((const u8 *)(unsigned long)kho->fdt_addr,
					       kho->fdt_size);
	if (kho_map_root & (KHO_RADIX_NODE_SIZE - 1) ||
	    !kho_node_readable(kho_map_root))
		kho_map_root = 0;
	if (!kho_map_root)
		warn("KASLR: cannot read the kexec handover's memory map");
}

/* Key bits below the index of a table node of @level (1..5). */
static unsigned int kho_level_shift(unsigned int level)
{
	return KHO_RADIX_LEAF_SHIFT + KHO_RADIX_TABLE_SHIFT * (level - 1);
}

/*
 * The leaf that holds @key, or 0 when the tree has none, with *@next set
 * to the first key past the missing subtree. Returns 1 (an impossible leaf
 * address) for a node that is misaligned, not RAM or beyond the regions
 * the map's reads may touch, which the caller treats as preserved.
 */
static u64 kho_leaf_of(u64 key, u64 *next)
{
	u64 node = kho_map_root, entry;
	unsigned int level, shift;

	for (level = KHO_RADIX_ROOT_LEVEL; level >= 1; level--) {
		shift = kho_level_shift(level);
		entry = ((const u64 *)(unsigned long)node)
			[(key >> shift) & (KHO_RADIX_TABLE_ENTRIES - 1)];
		if (!entry) {
			*next = (key | ((1ULL << shift) - 1)) + 1;
			return 0;
		}
		if (entry & (KHO_RADIX_NODE_SIZE - 1) ||
		    !kho_node_readable(entry))
			return 1;
		node = entry;
	}
	return node;
}

/* Is a block of @order that overlaps [@start, @end] set in the map? */
static bool kho_order_preserved(unsigned int order, u64 start, u64 end)
{
	unsigned int shift = KHO_RADIX_PAGE_SHIFT + order;
	u64 marker = 1ULL << (KHO_RADIX_KEY_BITS - 1 - order);
	u64 key = marker | (start >> shift), last = marker | (end >> shift);
	u64 leaf, stop, bit;
	const u64 *words;

	while (key <= last) {
		leaf = kho_leaf_of(key, &key);
		if (leaf == 1)
			return true;
		if (!leaf)
			continue;
		words = (const u64 *)(unsigned long)leaf;
		stop = key | (KHO_RADIX_LEAF_BITS - 1);
		if (stop > last)
			stop = last;
		for (; key <= stop; key++) {
			bit = key & (KHO_RADIX_LEAF_BITS - 1);
			if (words[bit / 64] & (1ULL << (bit % 64)))
				return true;
		}
	}
	return false;
}

/**
 * kho_kaslr_preserved - may the kernel not go to [@start, @start + @size)?
 * @start: physical start of a candidate slot
 * @size:  bytes the decompressed kernel needs there
 *
 * Return: true when a handover is present and a preserved block overlaps
 * the range, or the handover's map cannot be read.
 */
bool kho_kaslr_preserved(u64 start, u64 size)
{
	unsigned int order, max_order;

	if (!kho_handover)
		return false;
	if (!kho_map_root || !size || start + size < start)
		return true;
	max_order = KHO_RADIX_KEY_BITS - 1 - KHO_RADIX_LEAF_SHIFT;
	for (order = 0; order <= max_order; order++)
		if (kho_order_preserved(order, start, start + size - 1))
			return true;
	return false;
}

/* More scratch areas than any kernel hands over: the array is not used. */
#define KHO_KASLR_MAX_AREAS	4096

/**
 * kho_kaslr_scratch - the handover's scratch array, if it may be read
 * @kho: the SETUP_KEXEC_KHO payload
 * @nr:  set to the number of areas
 *
 * Return: the areas, or NULL when the array is empty, longer than any
 * kernel hands over, or not in RAM.
 */
const struct kho_scratch_area *kho_kaslr_scratch(const struct kho_data *kho,
						 unsigned long *nr)
{
	*nr = kho->scratch_size / sizeof(struct kho_scratch_area);
	if (!*nr || *nr > KHO_KASLR_MAX_AREAS ||
	    !kho_is_ram(kho->scratch_addr, kho->scratch_size)) {
		warn("KASLR: the kexec handover's scratch array is unusable");
		return NULL;
	}
	return (const struct kho_scratch_area *)(unsigned long)kho->scratch_addr;
}

/**
 * kho_kaslr_ram_part - the next part of a range that is RAM
 * @range: the range; a scratch area, as the previous kernel described it
 * @entry: the e820 entry to look from; moved past the one used
 * @part:  set to the part of @range in that entry
 *
 * Return: true when @part was set, false when no entry is left.
 */
bool kho_kaslr_ram_part(const struct mem_vector *range, unsigned int *entry,
			struct mem_vector *part)
{
	unsigned int n = boot_params_ptr->e820_entries;
	struct boot_e820_entry *e;
	u64 start, end;

	if (n > E820_MAX_ENTRIES_ZEROPAGE)
		n = E820_MAX_ENTRIES_ZEROPAGE;
	if (range->start + range->size < range->start)
		return false;
	while (*entry < n) {
		e = &boot_params_ptr->e820_table[(*entry)++];
		if (e->type != E820_TYPE_RAM || e->addr + e->size < e->addr)
			continue;
		start = e->addr > range->start ? e->addr : range->start;
		end = e->addr + e->size < range->start + range->size ?
		      e->addr + e->size : range->start + range->size;
		if (start < end) {
			part->start = start;
			part->size = end - start;
			return true;
		}
	}
	return false;
}
