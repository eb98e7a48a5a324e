/* SPDX-License-Identifier: GPL-2.0 */
/* kho_fdt.c includes linux/kexec_handover.h: the fuzz_in shim serves. */
#include "../../include/linux/kernel_read_file.h"
