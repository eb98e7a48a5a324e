/* SPDX-License-Identifier: GPL-2.0 */
/* What linux/kexec_handover.h needs of linux/kernel_read_file.h. */
#ifndef _KHO_FUZZ_LINUX_KERNEL_READ_FILE_H
#define _KHO_FUZZ_LINUX_KERNEL_READ_FILE_H

enum kernel_read_file_id {
	READING_UNKNOWN,
};

#endif
