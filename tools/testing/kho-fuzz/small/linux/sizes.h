/* SPDX-License-Identifier: GPL-2.0-only */
#include "../../../kho-radix/include/kho_shim.h"
#ifndef SZ_4K
#define SZ_4K	0x00001000
#endif
