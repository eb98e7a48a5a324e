/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef BOOT_COMPRESSED_KHO_H
#define BOOT_COMPRESSED_KHO_H

#include <linux/types.h>

struct kho_data;

void kho_kaslr_init(const struct kho_data *kho);
bool kho_kaslr_preserved(u64 start, u64 size);

#endif /* BOOT_COMPRESSED_KHO_H */
