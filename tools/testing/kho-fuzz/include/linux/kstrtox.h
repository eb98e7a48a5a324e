/* SPDX-License-Identifier: GPL-2.0-only */
#include <kho_fuzz_shim.h>
