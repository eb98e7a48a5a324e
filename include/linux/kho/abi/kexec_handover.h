/* SPDX-License-Identifier: GPL-2.0-only */
/**
 * DOC: kho-v4 root FDT
 *
 * This is the Kexec HandOver wire format, version "kho-v4". Everything
 * here is read by a kernel other than the one that wrote it, possibly a
 * different kernel version, so none of it may change without a new
 * compatible string. Property payloads are CPU-native (little-endian on
 * x86_64 and arm64); only the FDT framing itself is big-endian.
 *
 * The root FDT is one preserved 4 KiB page::
 *
 *   /                        compatible = "kho-v4"
 *                            preserved-memory-map = <u64 phys of radix root>
 *   /<subtree name>          preserved-data = <u64 phys of the blob>
 *                            blob-size = <u64 size of the blob>
 */

/**
 * DOC: kho-v4 preserved-memory map
 *
 * The map is a radix tree over 53-bit keys. A block of 2^order pages at
 * physical address pa has the key::
 *
 *   key = 1 << (52 - order) | pa >> (PAGE_SHIFT + order)
 *
 * so the highest set bit of a key encodes the order and the bits below it
 * the block's frame number in units of the block size. Keys of one order are
 * therefore contiguous and ascending with the address. Every node is one
 * 4 KiB page: levels 5 to 1 are tables of 512 u64 physical addresses of the
 * next level (0 = empty), level 0 is a bitmap of 32768 bits in which a set
 * bit marks a preserved block. Level L (L >= 1) is indexed by key bits
 * [15 + 9 * (L - 1), 15 + 9 * L), the bitmap by key bits [0, 15).
 */
#ifndef _LINUX_KHO_ABI_KEXEC_HANDOVER_H
#define _LINUX_KHO_ABI_KEXEC_HANDOVER_H

#include <linux/bits.h>
#include <linux/sizes.h>
#include <linux/types.h>

#define KHO_FDT_COMPATIBLE		"kho-v4"
#define KHO_FDT_MEMORY_MAP_PROP		"preserved-memory-map"
#define KHO_FDT_SUBTREE_DATA_PROP	"preserved-data"
#define KHO_FDT_SUBTREE_SIZE_PROP	"blob-size"

/*
 * How the next kernel finds the handover on architectures that boot from a
 * device tree (arm64): kexec_file_load() writes two properties into the
 * /chosen node of the tree it passes, each exactly one (address, size) pair
 * in the root node's #address-cells and #size-cells, big-endian as every
 * FDT cell. The first names the root FDT page (its size is one page), the
 * second the scratch array (an array of struct kho_scratch). x86_64 passes
 * the same four numbers in a setup_data entry of type SETUP_KEXEC_KHO.
 */
#define KHO_CHOSEN_FDT_PROP		"linux,kho-fdt"
#define KHO_CHOSEN_SCRATCH_PROP		"linux,kho-scratch"

/* The map assumes 4 KiB pages on both sides of the handover. */
#define KHO_RADIX_PAGE_SHIFT	12
#define KHO_RADIX_NODE_SIZE	BIT(KHO_RADIX_PAGE_SHIFT)

/* Key width: 64 - PAGE_SHIFT frame bits plus the order marker bit. */
#define KHO_RADIX_KEY_BITS	(64 - KHO_RADIX_PAGE_SHIFT + 1)

/* A table node holds 512 u64 entries, a leaf 32768 bits. */
#define KHO_RADIX_TABLE_SHIFT	9
#define KHO_RADIX_TABLE_ENTRIES	BIT(KHO_RADIX_TABLE_SHIFT)
#define KHO_RADIX_LEAF_SHIFT	15
#define KHO_RADIX_LEAF_BITS	BIT(KHO_RADIX_LEAF_SHIFT)

/* Levels 5..1 are tables, level 0 is the leaf bitmap; the root is level 5. */
#define KHO_RADIX_ROOT_LEVEL	5

/**
 * struct kho_scratch - one scratch area
 * @addr: physical start, a multiple of KHO_SCRATCH_ALIGN (4 MiB)
 * @size: size in bytes, a multiple of KHO_SCRATCH_ALIGN
 *
 * Scratch areas travel to the next kernel as an array of these, in a kexec
 * segment of its own.
 */
struct kho_scratch {
	u64 addr;
	u64 size;
};

#define KHO_SCRATCH_ALIGN	(SZ_4M)

#define KHO_VMALLOC_SIZE	511
#define KHO_VMALLOC_ALLOC	0x0001	/* the area was vmalloc()ed */
#define KHO_VMALLOC_HUGE_VMAP	0x0002	/* the area allowed huge mappings */

/**
 * struct kho_vmalloc - a preserved vmalloc area
 * @first:       physical address of the first chunk page, 0 when there is
 *               none
 * @total_pages: pages of the area
 * @flags:       KHO_VMALLOC_ALLOC, KHO_VMALLOC_HUGE_VMAP
 * @order:       every block of the area is 2^@order pages
 *
 * Stored wherever its owner likes (16 bytes, naturally aligned). Each
 * block is preserved as a page range; chunk pages are preserved as single
 * pages.
 */
struct kho_vmalloc {
	u64 first;
	u32 total_pages;
	u16 flags;
	u16 order;
};

/**
 * struct kho_vmalloc_chunk - one page of the block list of a vmalloc area
 * @next:   physical address of the next chunk page, 0 at the end
 * @blocks: physical addresses of up to KHO_VMALLOC_SIZE blocks, the list
 *          ending at the first 0
 */
struct kho_vmalloc_chunk {
	u64 next;
	u64 blocks[KHO_VMALLOC_SIZE];
};

#endif /* _LINUX_KHO_ABI_KEXEC_HANDOVER_H */
