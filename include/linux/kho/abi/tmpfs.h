/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Kexec HandOver ABI of persistent tmpfs ("kho-tmpfs-v1").
 *
 * A tmpfs mounted with -o kho=NAME is handed over as the subtree
 * "tmpfs-NAME" of the root FDT. The subtree's blob is one preserved page
 * holding struct kho_tmpfs_header; the header leads, through a
 * struct kho_vmalloc, to the image: one preserved vmalloc area with five
 * arrays, back to back and in this order:
 *
 *   struct kho_tmpfs_inode   inodes[nr_inodes];     inode 0 is the root
 *   struct kho_tmpfs_dentry  dentries[nr_dentries];
 *   struct kho_tmpfs_xattr   xattrs[nr_xattrs];
 *   struct kho_tmpfs_folio   folios[nr_folios];
 *   char                     strings[strings_size];
 *
 * Strings (names, symlink targets, xattr names and values) are referred
 * to by byte offset into strings[] and length; they are not
 * NUL-terminated. The data of regular files is not copied: each folio of
 * the page cache is preserved in place with kho_preserve_folio(), at its
 * own order, and listed in folios[].
 *
 * Ordering rules, which a reader checks:
 *  - A dentry's parent is the inode index of a directory that is either
 *    the root or was named by an earlier dentry, so creating dentries in
 *    array order always finds the parent in place.
 *  - Every inode but the root has at least one dentry; a directory has
 *    exactly one. Further dentries of a non-directory are hard links.
 *  - Names in one directory are unique.
 *  - Extended attribute names start with "security.", "trusted." or
 *    "user." and go on after it.
 *  - An inode's folios are folios[first_folio .. first_folio + nr_folios),
 *    sorted by index, not overlapping, each index aligned to its order,
 *    and each starting below the file's size. Missing ranges are holes.
 *  - Each entry of folios[] belongs to exactly one inode's range, and is
 *    one block preserved at its order (aligned to it); no two folios
 *    share memory.
 *
 * All numbers are in the CPU's byte order. Any change to these structures
 * or rules needs a new compatible string.
 */
#ifndef _LINUX_KHO_ABI_TMPFS_H
#define _LINUX_KHO_ABI_TMPFS_H

#include <linux/types.h>
#include <linux/kho/abi/kexec_handover.h>

#define KHO_TMPFS_COMPATIBLE	"kho-tmpfs-v1"
#define KHO_TMPFS_SUBTREE_PREFIX "tmpfs-"
/* Longest NAME of kho=NAME; it becomes part of an FDT node name. */
#define KHO_TMPFS_NAME_MAX	32

/**
 * struct kho_tmpfs_header - the subtree blob of one mount
 * @compatible:   KHO_TMPFS_COMPATIBLE, NUL-padded
 * @header_size:  sizeof(struct kho_tmpfs_header)
 * @max_blocks:   size= of the mount, in pages; 0 for unlimited
 * @max_inodes:   nr_inodes= of the mount; 0 for unlimited
 * @nr_inodes:    entries of inodes[], at least 1 (the root)
 * @nr_dentries:  entries of dentries[]
 * @nr_xattrs:    entries of xattrs[]
 * @nr_folios:    entries of folios[]
 * @strings_size: bytes of strings[]
 * @image_size:   bytes of the image, the five arrays together
 * @image:        the preserved vmalloc area holding the image
 */
struct kho_tmpfs_header {
	char compatible[16];
	__u64 header_size;
	__u64 max_blocks;
	__u64 max_inodes;
	__u64 nr_inodes;
	__u64 nr_dentries;
	__u64 nr_xattrs;
	__u64 nr_folios;
	__u64 strings_size;
	__u64 image_size;
	struct kho_vmalloc image;
};

/**
 * struct kho_tmpfs_inode - one inode
 * @mode:        type and permission bits, as st_mode
 * @uid:         owner, in the initial user namespace
 * @gid:         group, in the initial user namespace
 * @nr_xattrs:   entries of xattrs[] from @first_xattr on
 * @size:        i_size; for a symlink, the length of its target
 * @rdev:        device number of a device node (new_encode_dev())
 * @atime_sec:   access time, seconds
 * @mtime_sec:   modification time, seconds
 * @ctime_sec:   change time, seconds
 * @atime_nsec:  access time, nanoseconds
 * @mtime_nsec:  modification time, nanoseconds
 * @ctime_nsec:  change time, nanoseconds
 * @reserved:    zero; keeps the 64-bit fields after it aligned
 * @first_xattr: index of its first entry in xattrs[]
 * @first_folio: index of its first entry in folios[]
 * @nr_folios:   entries of folios[] from @first_folio on
 * @target:      offset of a symlink's target in strings[]
 */
struct kho_tmpfs_inode {
	__u32 mode;
	__u32 uid;
	__u32 gid;
	__u32 nr_xattrs;
	__u64 size;
	__u64 rdev;
	__s64 atime_sec;
	__s64 mtime_sec;
	__s64 ctime_sec;
	__u32 atime_nsec;
	__u32 mtime_nsec;
	__u32 ctime_nsec;
	__u32 reserved;
	__u64 first_xattr;
	__u64 first_folio;
	__u64 nr_folios;
	__u64 target;
};

/**
 * struct kho_tmpfs_dentry - one name of an inode
 * @name:     offset of the name in strings[]
 * @name_len: its length, 1 to NAME_MAX, without '/' or NUL
 * @parent:   inode index of the directory it is in
 * @inode:    inode index it names, never 0
 * @reserved: zero; pads the record to a multiple of 8 bytes
 */
struct kho_tmpfs_dentry {
	__u64 name;
	__u32 name_len;
	__u32 parent;
	__u32 inode;
	__u32 reserved;
};

/**
 * struct kho_tmpfs_xattr - one extended attribute
 * @name:      offset of its full name ("user.x") in strings[]
 * @value:     offset of its value in strings[]
 * @name_len:  length of the name, 1 to XATTR_NAME_MAX
 * @value_len: length of the value, up to XATTR_SIZE_MAX
 */
struct kho_tmpfs_xattr {
	__u64 name;
	__u64 value;
	__u32 name_len;
	__u32 value_len;
};

/**
 * struct kho_tmpfs_folio - one preserved folio of a regular file
 * @phys:     physical address, as given to kho_preserve_folio()
 * @index:    page offset of the folio in its file
 * @order:    folio order
 * @reserved: zero; pads the record to a multiple of 8 bytes
 */
struct kho_tmpfs_folio {
	__u64 phys;
	__u64 index;
	__u32 order;
	__u32 reserved;
};

#endif /* _LINUX_KHO_ABI_TMPFS_H */
