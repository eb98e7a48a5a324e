// SPDX-License-Identifier: GPL-2.0-only
/*
 * libFuzzer target: the checks of a root FDT handed over by another kernel
 * (kho_fdt_check() of kernel/liveupdate/kho_fdt.c, unchanged) and, on a
 * tree that passes them, the subtree lookups every client makes. The tree
 * sits in a buffer exactly as long as the handover says it is, so a read
 * past that length is caught. KHO_FUZZ_SEEDS=DIR writes seeds made with
 * the kernel's own writer, kho_fdt_create() and kho_fdt_add_subtree().
 */
#include <stdlib.h>
#include <string.h>

#include "kexec_handover_internal.h"
#include <linux/kho/abi/kexec_metadata.h>
#include <linux/kho/abi/memblock.h>
#include <libfdt.h>

static void lookup(const void *fdt, const char *name)
{
	phys_addr_t data;
	u64 size;

	kho_fdt_find_subtree(fdt, name, &data, &size);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	phys_addr_t root;
	const char *name;
	unsigned int i;
	void *fdt;

	if (size > KHO_FDT_SIZE)
		return -1;
	fdt = malloc(size ? size : 1);
	memcpy(fdt, data, size);
	shim_quiet = true;
	if (!kho_fdt_check(fdt, size, &root)) {
		for (i = 0; i < 64 && (name = kho_fdt_subtree_name(fdt, i)); i++)
			lookup(fdt, name);
		lookup(fdt, KHO_METADATA_SUBTREE);
		lookup(fdt, MEMBLOCK_KHO_SUBTREE);
		lookup(fdt, "tmpfs-data");
	}
	free(fdt);
	return 0;
}

static int write_seed(const char *dir, const char *name, const void *fdt, size_t len)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w");
	if (!f || fwrite(fdt, 1, len, f) != len) {
		perror(path);
		return 1;
	}
	return fclose(f) ? 1 : 0;
}

static int make_seeds(const char *dir)
{
	static char fdt[KHO_FDT_SIZE];
	int err;

	kho_fdt_create(fdt, 0x3fff000);
	err = write_seed(dir, "ours-empty", fdt, fdt_totalsize(fdt));
	kho_fdt_add_subtree(fdt, KHO_METADATA_SUBTREE, 0x2001000, 73);
	kho_fdt_add_subtree(fdt, MEMBLOCK_KHO_SUBTREE, 0x2002000, 202);
	kho_fdt_add_subtree(fdt, "tmpfs-data", 0x2003000, 4096);
	err |= write_seed(dir, "ours-three-subtrees", fdt, fdt_totalsize(fdt));
	/* The page as handed over: the length is the whole page. */
	err |= write_seed(dir, "ours-whole-page", fdt, KHO_FDT_SIZE);
	/* 1: a subtree whose blob is 1 TiB away (the FDT itself is fine). */
	kho_fdt_add_subtree(fdt, "far", 1ULL << 40, 73);
	err |= write_seed(dir, "defect1-subtree-1tib", fdt, fdt_totalsize(fdt));
	/* A length shorter than the tree says it is. */
	err |= write_seed(dir, "bad-truncated", fdt, fdt_totalsize(fdt) - 9);
	return err;
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	if (getenv("KHO_FUZZ_SEEDS"))
		exit(make_seeds(getenv("KHO_FUZZ_SEEDS")));
	return 0;
}
