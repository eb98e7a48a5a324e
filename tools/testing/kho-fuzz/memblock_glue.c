// SPDX-License-Identifier: GPL-2.0-only
/*
 * mm/memblock.c of the tree under test, built unchanged in the environment
 * of the kernel's own memblock simulator (tools/testing/memblock), plus
 * what the fuzzer needs to reset it between inputs and to run the
 * reserve_mem= handler, which is static.
 */
#include "memblock.c"

#include <stdlib.h>

/* What tools/testing/memblock/mmzone.c and lib/slab.c would provide. */
bool movable_node_enabled;

struct pglist_data *first_online_pgdat(void)
{
	return NULL;
}

struct pglist_data *next_online_pgdat(struct pglist_data *pgdat)
{
	return NULL;
}

void reserve_bootmem_region(phys_addr_t start, phys_addr_t end, int nid)
{
}

/* Early boot: memblock grows its arrays from memblock, never from slab. */
bool slab_is_available(void)
{
	return false;
}

void *kmalloc(size_t size, gfp_t gfp)
{
	abort();
}

void kfree(void *p)
{
	abort();
}

static struct memblock fuzz_memblock_boot;

/* Save memblock as it is before the first input. */
void fuzz_memblock_save(void)
{
	fuzz_memblock_boot = memblock;
	memblock_allow_resize();
}

/*
 * May memblock grow its region arrays? arm64 may not before paging_init(),
 * where it checks the handover: a growth then panics, as memblock does.
 */
void fuzz_memblock_can_resize(int can)
{
	memblock_can_resize = can;
}

/* Back to no memory and no reservations, with the static arrays again. */
void fuzz_memblock_reset(void)
{
	memblock = fuzz_memblock_boot;
	memset(memblock_memory_init_regions, 0, sizeof(memblock_memory_init_regions));
	memset(memblock_reserved_init_regions, 0,
	       sizeof(memblock_reserved_init_regions));
	memblock.memory.cnt = 0;
	memblock.reserved.cnt = 0;
	memblock.memory.total_size = 0;
	memblock.reserved.total_size = 0;
	memset(reserved_mem_table, 0, sizeof(reserved_mem_table));
	reserved_mem_count = 0;
	memblock_clear_kho_scratch_only();
}

/* reserve_mem=@arg on the command line. */
int fuzz_reserve_mem(char *arg)
{
	return reserve_mem(arg);
}
