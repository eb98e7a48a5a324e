/* SPDX-License-Identifier: GPL-2.0-only */
/**
 * DOC: memblock-v1 reserve_mem subtree
 *
 * This is the Kexec HandOver wire format of memblock's reserve_mem regions,
 * version "memblock-v1", wire-compatible with mainline Linux.
 *
 * The subtree "memblock" of the root FDT names a blob that is itself a
 * flattened device tree, in one preserved page::
 *
 *   /                 compatible = "memblock-v1"
 *   /<name>           compatible = "reserve-mem-v1"
 *                     start = <u64 physical address of the region>
 *                     size = <u64 size of the region in bytes>
 *
 * with one child per reserve_mem=SIZE:ALIGN:NAME region, named after it.
 * Values are CPU-native, like every KHO property. The pages that cover each
 * region are preserved as a page range, so the receiver finds the memory
 * untouched and reserved. A receiver that does not know either compatible
 * must not use the data.
 */
#ifndef _LINUX_KHO_ABI_MEMBLOCK_H
#define _LINUX_KHO_ABI_MEMBLOCK_H

#define MEMBLOCK_KHO_SUBTREE		"memblock"
#define MEMBLOCK_KHO_COMPATIBLE		"memblock-v1"
#define RESERVE_MEM_KHO_COMPATIBLE	"reserve-mem-v1"
#define RESERVE_MEM_KHO_START_PROP	"start"
#define RESERVE_MEM_KHO_SIZE_PROP	"size"

#endif /* _LINUX_KHO_ABI_MEMBLOCK_H */
