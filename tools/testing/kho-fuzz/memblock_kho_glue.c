// SPDX-License-Identifier: GPL-2.0-only
/* mm/memblock_kho.c, unchanged, and a reset of its state. */
#include "../../../mm/memblock_kho.c"

void fuzz_memblock_kho_reset(void)
{
	memset(&reserve_mem_kho_in, 0, sizeof(reserve_mem_kho_in));
}
