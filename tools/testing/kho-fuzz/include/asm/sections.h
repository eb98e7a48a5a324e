/* SPDX-License-Identifier: GPL-2.0-only */
/* The fuzzed kernel's image: physical addresses of its first and last byte. */
#ifndef _KHO_FUZZ_SECTIONS_H
#define _KHO_FUZZ_SECTIONS_H
#define FUZZ_KERNEL_START	0x1000000UL
#define FUZZ_KERNEL_END		0x1800000UL
#define _text			((char *)FUZZ_KERNEL_START)
#define _end			((char *)FUZZ_KERNEL_END)
#define __pa_symbol(x)		((unsigned long)(x))
#endif
