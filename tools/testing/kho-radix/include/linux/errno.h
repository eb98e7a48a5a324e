/* SPDX-License-Identifier: GPL-2.0-only */
/* The C library reaches this header too (through <errno.h>): stay plain. */
#include <asm/errno.h>
