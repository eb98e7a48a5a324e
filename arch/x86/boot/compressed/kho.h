/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef BOOT_COMPRESSED_KHO_H
#define BOOT_COMPRESSED_KHO_H

#include <linux/types.h>

struct kho_data;
struct mem_vector;

/* One entry of the scratch array (struct kho_scratch in the kernel). */
struct kho_scratch_area {
	u64 addr;
	u64 size;
};

void kho_kaslr_init(const struct kho_data *kho);
bool kho_kaslr_preserved(u64 start, u64 size);
const struct kho_scratch_area *kho_kaslr_scratch(const struct kho_data *kho,
						 unsigned long *nr);
bool kho_kaslr_ram_part(const struct mem_vector *range, unsigned int *entry,
			struct mem_vector *part);

#endif /* BOOT_COMPRESSED_KHO_H */
