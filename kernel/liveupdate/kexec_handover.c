// SPDX-License-Identifier: GPL-2.0-only
/*
 * Kexec HandOver core: the kho= switch and the boot-time hooks.
 *
 * With kho=on, a kernel reserves scratch memory on a cold boot and hands
 * memory that its users preserve to the next kernel across
 * kexec_file_load(). kho= only governs this outgoing side.
 */

#define pr_fmt(fmt) "KHO: " fmt

#include <linux/cache.h>
#include <linux/export.h>
#include <linux/init.h>
#include <linux/kexec_handover.h>
#include <linux/kstrtox.h>
#include <linux/printk.h>

#include "kho_scratch.h"

static bool kho_enable __ro_after_init;

static int __init kho_param(char *arg)
{
	if (kstrtobool(arg ?: "", &kho_enable)) {
		pr_err("ignoring malformed kho=%s: expected on or off; KHO stays %s\n",
		       arg ?: "", kho_enable ? "on" : "off");
	}
	return 0;
}
early_param("kho", kho_param);

/**
 * kho_is_enabled - will this kernel hand memory over at kexec?
 *
 * Return: true when booted with kho=on and the scratch areas could be set
 * up.
 */
bool kho_is_enabled(void)
{
	return kho_enable;
}
EXPORT_SYMBOL_GPL(kho_is_enabled);

/**
 * is_kho_boot - was this kernel started by a kexec handover?
 *
 * Return: true when a valid handover from the previous kernel was found.
 */
bool is_kho_boot(void)
{
	return false;
}
EXPORT_SYMBOL_GPL(is_kho_boot);

/**
 * kho_memory_init - boot-time memory setup, before memblock_free_all()
 *
 * On a cold boot with kho=on, reserve the scratch areas the next kernel
 * will boot from. If that fails, KHO is turned off and boot goes on.
 */
void __init kho_memory_init(void)
{
	if (!kho_enable)
		return;
	if (kho_scratch_reserve()) {
		pr_err("disabling KHO: no scratch memory\n");
		kho_enable = false;
	}
}

static int __init kho_init(void)
{
	if (!kho_enable)
		return 0;
	kho_scratch_release_cma();
	return 0;
}
fs_initcall(kho_init);
