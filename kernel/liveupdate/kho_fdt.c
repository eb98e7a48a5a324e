// SPDX-License-Identifier: GPL-2.0-only
/*
 * The root FDT of Kexec HandOver.
 *
 * The outgoing kernel keeps the tree current at all times instead of
 * building it at kexec: compatible and the map root are written once, and
 * each subtree is added or removed as its owner registers it. The tree is
 * kept packed, so its total size is what a reader should copy; an edit
 * first opens it back up to the whole page. Property values are stored in
 * CPU byte order, as the kho-v4 format requires.
 *
 * The incoming side only reads: it checks the tree before anything in it
 * is trusted, then looks subtrees up by name.
 */

#define pr_fmt(fmt) "KHO: " fmt

#include <linux/kexec_handover.h>
#include <linux/kho/abi/kexec_handover.h>
#include <linux/libfdt.h>
#include <linux/io.h>
#include <linux/printk.h>
#include <linux/string.h>
#include <linux/sysfs.h>

#include "kexec_handover_internal.h"

/**
 * kho_fdt_create - write an empty root FDT
 * @fdt:      one page, KHO_FDT_SIZE bytes
 * @map_root: physical address of the preserved-memory map's root node
 *
 * Return: 0, or -ENOMEM if libfdt refuses (it cannot, for one page).
 */
int kho_fdt_create(void *fdt, phys_addr_t map_root)
{
	u64 root = map_root;
	int err;

	err = fdt_create(fdt, KHO_FDT_SIZE);
	err |= fdt_finish_reservemap(fdt);
	err |= fdt_begin_node(fdt, "");
	err |= fdt_property_string(fdt, "compatible", KHO_FDT_COMPATIBLE);
	err |= fdt_property(fdt, KHO_FDT_MEMORY_MAP_PROP, &root, sizeof(root));
	err |= fdt_end_node(fdt);
	err |= fdt_finish(fdt);
	return err ? -ENOMEM : 0;
}

/**
 * kho_fdt_add_subtree - add a root child that names a subtree blob
 * @fdt:  the root FDT
 * @name: node name, unique among the subtrees
 * @data: physical address of the blob
 * @size: size of the blob in bytes
 *
 * Return: 0; -EEXIST if @name is taken; -ENOMEM if the page is full or
 * @name is not a valid node name. The tree is unchanged on failure.
 */
int kho_fdt_add_subtree(void *fdt, const char *name, phys_addr_t data,
			u64 size)
{
	u64 addr = data;
	int node, err;

	err = fdt_open_into(fdt, fdt, KHO_FDT_SIZE);
	if (err)
		return -ENOMEM;

	node = fdt_add_subnode(fdt, 0, name);
	if (node < 0) {
		fdt_pack(fdt);
		return node == -FDT_ERR_EXISTS ? -EEXIST : -ENOMEM;
	}
	err = fdt_setprop(fdt, node, KHO_FDT_SUBTREE_DATA_PROP, &addr, sizeof(addr));
	if (!err)
		err = fdt_setprop(fdt, node, KHO_FDT_SUBTREE_SIZE_PROP, &size,
				  sizeof(size));
	if (err) {
		/* Undo the half-made node so readers never see it. */
		fdt_del_node(fdt, node);
		fdt_pack(fdt);
		return -ENOMEM;
	}
	fdt_pack(fdt);
	return 0;
}

/**
 * kho_fdt_get_prop - copy a property that must have an exact size
 * @fdt:  a flattened device tree, possibly from another kernel
 * @node: offset of the node in @fdt
 * @name: name of the property
 * @val:  where to copy its value
 * @len:  the size the property must have, in bytes
 *
 * Handed-over trees come from another kernel, so a property of the wrong
 * size is as bad as a missing one. Properties need not be aligned in an
 * FDT: the value is copied, never read in place.
 *
 * Return: 0, or -EINVAL when @node has no property @name of @len bytes.
 */
int kho_fdt_get_prop(const void *fdt, int node, const char *name, void *val,
		     int len)
{
	const void *p;
	int plen;

	p = fdt_getprop(fdt, node, name, &plen);
	if (!p || plen != len)
		return -EINVAL;
	memcpy(val, p, len);
	return 0;
}

static int kho_fdt_get_u64(const void *fdt, int node, const char *name, u64 *val)
{
	return kho_fdt_get_prop(fdt, node, name, val, sizeof(*val));
}

/**
 * kho_fdt_remove_subtree - remove the subtree whose blob is at @data
 * @fdt:  the root FDT
 * @data: physical address the subtree was added with
 *
 * Return: 0, or -ENOENT when no subtree names @data.
 */
int kho_fdt_remove_subtree(void *fdt, phys_addr_t data)
{
	int node;
	u64 addr;

	fdt_for_each_subnode(node, fdt, 0) {
		if (kho_fdt_get_u64(fdt, node, KHO_FDT_SUBTREE_DATA_PROP, &addr) ||
		    addr != data)
			continue;
		fdt_open_into(fdt, fdt, KHO_FDT_SIZE);
		fdt_del_node(fdt, node);
		fdt_pack(fdt);
		return 0;
	}
	return -ENOENT;
}

/**
 * kho_fdt_find_subtree - look a subtree up by name
 * @fdt:  a checked root FDT
 * @name: node name
 * @data: set to the blob's physical address
 * @size: set to the blob's size
 *
 * Return: 0; -ENOENT if there is no such subtree; -EINVAL (with a message)
 * if its properties are missing or malformed.
 */
int kho_fdt_find_subtree(const void *fdt, const char *name,
			 phys_addr_t *data, u64 *size)
{
	u64 addr;
	int node;

	node = fdt_subnode_offset(fdt, 0, name);
	if (node < 0)
		return -ENOENT;
	if (kho_fdt_get_u64(fdt, node, KHO_FDT_SUBTREE_DATA_PROP, &addr) ||
	    kho_fdt_get_u64(fdt, node, KHO_FDT_SUBTREE_SIZE_PROP, size) || !addr) {
		pr_err("subtree '%s' of the handover is malformed\n", name);
		return -EINVAL;
	}
	*data = addr;
	return 0;
}

/**
 * kho_fdt_subtree_name - name of one subtree of a root FDT
 * @fdt:   a checked root FDT
 * @index: which subtree, 0 for the first, in the order of the tree
 *
 * Return: the name, inside @fdt, or NULL past the last subtree.
 */
const char *kho_fdt_subtree_name(const void *fdt, unsigned int index)
{
	int node;

	fdt_for_each_subnode(node, fdt, 0)
		if (!index--)
			return fdt_get_name(fdt, node, NULL);
	return NULL;
}

/**
 * kho_fdt_check - validate a root FDT handed over by another kernel
 * @fdt:      the tree, readable for @len bytes
 * @len:      bytes the previous kernel said the tree occupies
 * @map_root: set to the preserved-memory map's root
 *
 * Checks the header and its sizes against @len, the exact compatible, and
 * that the map root is present, 8 bytes, non-zero and page aligned. Prints
 * the reason for a refusal.
 *
 * Return: 0 or -EINVAL.
 */
int kho_fdt_check(const void *fdt, size_t len, phys_addr_t *map_root)
{
	const char *compatible;
	int err, plen;
	u64 root;

	if (len < sizeof(struct fdt_header) || len > KHO_FDT_SIZE) {
		pr_err("handover FDT size %zu is impossible\n", len);
		return -EINVAL;
	}
	err = fdt_check_header(fdt);
	if (err || fdt_totalsize(fdt) > len) {
		pr_err("handover FDT is corrupt: %s\n",
		       err ? fdt_strerror(err) : "larger than its page");
		return -EINVAL;
	}
	compatible = fdt_getprop(fdt, 0, "compatible", &plen);
	if (!compatible || fdt_node_check_compatible(fdt, 0, KHO_FDT_COMPATIBLE)) {
		/* The property may lack its NUL: print no more than it holds. */
		pr_err("handover FDT is '%.*s', not '%s'\n",
		       compatible ? (int)strnlen(compatible, plen) : 15,
		       compatible ?: "(no compatible)", KHO_FDT_COMPATIBLE);
		return -EINVAL;
	}
	if (kho_fdt_get_u64(fdt, 0, KHO_FDT_MEMORY_MAP_PROP, &root) || !root ||
	    root & (KHO_RADIX_NODE_SIZE - 1)) {
		pr_err("handover FDT has no valid %s\n", KHO_FDT_MEMORY_MAP_PROP);
		return -EINVAL;
	}
	*map_root = root;
	return 0;
}

#ifdef CONFIG_KEXEC_HANDOVER_FAULT_INJECTION
/*
 * Give subtree @name's own root compatible a foreign version: its last
 * character becomes '9' ("memblock-v1" turns into "memblock-v9"). The
 * blob must be an FDT; its length does not change.
 */
static int kho_fdt_corrupt_subtree(const void *fdt, const char *name)
{
	phys_addr_t data;
	char *compatible;
	void *blob;
	u64 size;
	int len;

	if (kho_fdt_find_subtree(fdt, name, &data, &size))
		return -EINVAL;
	blob = phys_to_virt(data);
	if (size < sizeof(struct fdt_header) || fdt_check_header(blob))
		return -EINVAL;
	compatible = fdt_getprop_w(blob, 0, "compatible", &len);
	if (!compatible || len < 2)
		return -EINVAL;
	compatible[len - 2] = '9';
	return 0;
}

/**
 * kho_fdt_corrupt - damage the handover on purpose, for tests
 * @fdt:  the root FDT
 * @what: "compatible" (a foreign root version), "map" (map root beyond
 *        RAM) or "sub:NAME" (a foreign version of subtree NAME)
 *
 * Return: 0, -EINVAL for an unknown @what or subtree, -ENOMEM if libfdt
 * fails.
 */
int kho_fdt_corrupt(void *fdt, const char *what)
{
	/* Page aligned, non-zero, and far beyond any RAM a test machine has. */
	u64 nowhere = 1ULL << 50;
	int err;

	if (str_has_prefix(what, "sub:"))
		return kho_fdt_corrupt_subtree(fdt, what + strlen("sub:"));
	if (fdt_open_into(fdt, fdt, KHO_FDT_SIZE))
		return -ENOMEM;
	if (sysfs_streq(what, "compatible"))
		err = fdt_setprop_string(fdt, 0, "compatible", "kho-v0-corrupted");
	else if (sysfs_streq(what, "map"))
		err = fdt_setprop(fdt, 0, KHO_FDT_MEMORY_MAP_PROP, &nowhere,
				  sizeof(nowhere));
	else
		err = -EINVAL;
	fdt_pack(fdt);
	if (err == -EINVAL)
		return err;
	return err ? -ENOMEM : 0;
}
#endif
