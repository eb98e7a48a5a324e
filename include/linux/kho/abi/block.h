/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Serialization blocks of the kho-v4 format: chains of preserved pages
 * that hold arrays of fixed-size records (LUO sessions and files).
 * Versioned by the root FDT's compatible string, like the memory map.
 */
#ifndef _LINUX_KHO_ABI_BLOCK_H
#define _LINUX_KHO_ABI_BLOCK_H

#include <asm/page.h>
#include <linux/types.h>

/* One block is one page: both kernels of a handover have the same size. */
#define KHO_BLOCK_SIZE			PAGE_SIZE

/*
 * The longest chain a receiver takes: mainline refuses longer ones (and
 * panics at boot over a session list that long), so no sender may write
 * one.
 */
#define KHO_BLOCK_MAX_BLOCKS		10000

/**
 * struct kho_block_header_ser - start of a serialization block
 * @next:  physical address of the next block of the chain, 0 for the last
 * @count: records that follow this header in this block, at least 1
 */
struct kho_block_header_ser {
	u64 next;
	u64 count;
} __packed;

#endif /* _LINUX_KHO_ABI_BLOCK_H */
