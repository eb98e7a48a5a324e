// SPDX-License-Identifier: GPL-2.0-only
/*
 * Scratch memory of Kexec HandOver.
 *
 * A kernel booted by KHO cannot allocate from just anywhere early in boot:
 * until it has read the preserved-memory map, any page may hold data the
 * previous kernel handed over. Scratch areas are memory that is known to
 * hold nothing preserved; the first kernel reserves them on a cold boot and
 * gives them to the page allocator as CMA, so only movable allocations,
 * which never get preserved, land there.
 *
 * kho_scratch= sizes them, either relative to what the kernel reserved for
 * itself at boot (kho_scratch=200%, the default) or absolutely
 * (kho_scratch=lowmem,global,pernode with K/M/G suffixes).
 */

#define pr_fmt(fmt) "KHO: " fmt

#include <linux/init.h>
#include <linux/kernel.h>
#include <linux/kstrtox.h>
#include <linux/overflow.h>
#include <linux/string.h>

#include "kho_scratch.h"

static struct kho_scratch_request kho_scratch_request __initdata = {
	.scale = KHO_SCRATCH_DEFAULT_SCALE,
};

/* "N%": a positive decimal percentage and nothing else. */
static int kho_scratch_parse_scale(const char *arg, size_t len,
				   struct kho_scratch_request *req)
{
	char digits[12];
	unsigned int scale;

	if (len < 2 || len > sizeof(digits) || arg[len - 1] != '%')
		return -EINVAL;
	memcpy(digits, arg, len - 1);
	digits[len - 1] = '\0';
	/* kstrtouint() accepts a sign and a newline; a percentage has neither. */
	if (digits[0] < '0' || digits[0] > '9' || kstrtouint(digits, 10, &scale))
		return -EINVAL;
	if (!scale)
		return -EINVAL;

	*req = (struct kho_scratch_request){ .scale = scale };
	return 0;
}

/* One memparse() size that must be followed by @sep ('\0' for the last). */
static int kho_scratch_parse_size(const char **p, char sep, phys_addr_t *size)
{
	char *end;

	if (**p < '0' || **p > '9')
		return -EINVAL;
	*size = memparse(*p, &end);
	if (*end != sep)
		return -EINVAL;
	*p = sep ? end + 1 : end;
	return 0;
}

/* "lowmem,global,pernode": three sizes, not all zero. */
static int kho_scratch_parse_sizes(const char *arg,
				   struct kho_scratch_request *req)
{
	struct kho_scratch_request sizes = {};
	phys_addr_t total;

	if (kho_scratch_parse_size(&arg, ',', &sizes.lowmem) ||
	    kho_scratch_parse_size(&arg, ',', &sizes.global) ||
	    kho_scratch_parse_size(&arg, '\0', &sizes.pernode))
		return -EINVAL;
	if (check_add_overflow(sizes.lowmem, sizes.global, &total) ||
	    check_add_overflow(total, sizes.pernode, &total) || !total)
		return -EINVAL;

	*req = sizes;
	return 0;
}

/**
 * kho_scratch_parse - parse the value of kho_scratch=
 * @arg: the value, "N%" or "lowmem,global,pernode"
 * @req: filled in on success, untouched on failure
 *
 * Return: 0, or -EINVAL when @arg is neither a positive percentage nor
 * exactly three sizes with a non-zero sum.
 */
int kho_scratch_parse(const char *arg, struct kho_scratch_request *req)
{
	size_t len;

	if (!arg)
		return -EINVAL;
	len = strlen(arg);
	if (len && arg[len - 1] == '%')
		return kho_scratch_parse_scale(arg, len, req);
	return kho_scratch_parse_sizes(arg, req);
}

static int __init kho_scratch_param(char *arg)
{
	if (kho_scratch_parse(arg, &kho_scratch_request)) {
		pr_err("ignoring malformed kho_scratch=%s: expected N%% or lowmem,global,pernode sizes (e.g. 64M,512M,256M); using %u%%\n",
		       arg ?: "", KHO_SCRATCH_DEFAULT_SCALE);
		kho_scratch_request = (struct kho_scratch_request){
			.scale = KHO_SCRATCH_DEFAULT_SCALE,
		};
	}
	/* Always 0: the message above is the only one the user should see. */
	return 0;
}
early_param("kho_scratch", kho_scratch_param);
