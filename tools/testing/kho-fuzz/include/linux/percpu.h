/* SPDX-License-Identifier: GPL-2.0-only */
/* One CPU: a per-CPU variable is a plain one. */
#ifndef _KHO_FUZZ_PERCPU_H
#define _KHO_FUZZ_PERCPU_H

/*
 * Each per-CPU variable registers itself on first use, so that every
 * input starts with them zeroed, as a boot does: a cursor left over from
 * the previous input would point into a map that is gone.
 */
void *fuzz_percpu_note(void *var, unsigned long size);
void fuzz_percpu_reset(void);

#define DEFINE_PER_CPU(type, name)	type name
#define get_cpu_ptr(var)		\
	((__typeof__(var))fuzz_percpu_note((var), sizeof((var)[0])))
#define put_cpu_ptr(var)		((void)(var))

#endif
