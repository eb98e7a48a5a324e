/* SPDX-License-Identifier: GPL-2.0-only */
/* Checks of how the nodes and blocks of an incoming map relate. */
#ifndef _KERNEL_LIVEUPDATE_KHO_MAP_CHECK_H
#define _KERNEL_LIVEUPDATE_KHO_MAP_CHECK_H

#include <linux/types.h>

struct kho_radix_map;

int kho_map_check_tree(const struct kho_radix_map *map,
		       unsigned long max_nodes, u64 orders);

#endif /* _KERNEL_LIVEUPDATE_KHO_MAP_CHECK_H */
