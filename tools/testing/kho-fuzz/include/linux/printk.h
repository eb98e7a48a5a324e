/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Kernel messages of the fuzzed code: formatted every time (so a "%s" of
 * an unterminated string is caught), printed only with KHO_FUZZ_VERBOSE.
 */
#ifndef _KHO_FUZZ_PRINTK_H
#define _KHO_FUZZ_PRINTK_H

#include <asm/bug.h>

__printf(2, 3) void fuzz_log(int level, const char *fmt, ...);

#ifndef pr_fmt
#define pr_fmt(fmt)		fmt
#endif
#define pr_err(fmt, ...)	fuzz_log(3, pr_fmt(fmt), ##__VA_ARGS__)
#define pr_warn(fmt, ...)	fuzz_log(4, pr_fmt(fmt), ##__VA_ARGS__)
#define pr_notice(fmt, ...)	fuzz_log(5, pr_fmt(fmt), ##__VA_ARGS__)
#define pr_info(fmt, ...)	fuzz_log(6, pr_fmt(fmt), ##__VA_ARGS__)
#define pr_debug(fmt, ...)	fuzz_log(7, pr_fmt(fmt), ##__VA_ARGS__)
#define pr_warn_once		pr_warn
#define pr_err_once		pr_err

#endif /* _KHO_FUZZ_PRINTK_H */
